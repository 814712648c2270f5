/*
 * dd_compare: see dd_compare.h. Means and variances come from GSL
 * (gsl_stats_mean, gsl_stats_variance: n - 1 in the denominator), Student t
 * quantiles from gsl_cdf_tdist_Pinv.
 */
#define _POSIX_C_SOURCE 200809L

#include "dd_compare.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_statistics_double.h>

#include "dd_csv.h"
#include "dd_month.h"
#include "dd_policy.h"
#include "dd_table.h"

const char *const dd_compare_state_metrics[DD_COMPARE_STATE_COUNT] = {
    "armed_control", "state_authority", "host_forces", "consent", "legitimacy"};

/* ------------------------------------------------------------ direction */

int dd_compare_direction(const char *measure)
{
    /* Known measures first (dd_metrics.h), then name patterns for measures a
       newer model may add; a measure that fits none has no direction. */
    static const struct {
        const char *name;
        int dir;
    } known[] = {
        {"civilian_fatalities", 1},
        {"fatalities", 1},
        {"pk_fatalities", 1},
        {"troop_months", 1},
        {"cost_usd", 1},
        {"vacuum_index", 1},
        {"relapse", 1},
        {"peak_displaced", 1},
        {"final_state_authority", -1},
        {"exited", 0},
    };
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
        if (strcmp(measure, known[i].name) == 0)
            return known[i].dir;
    if (strncmp(measure, "exit", 4) == 0)
        return 0;
    static const char *const better_high[] = {"authority", "consent", "legitimacy",
                                              "access",    "host",    "quality"};
    for (size_t i = 0; i < sizeof better_high / sizeof better_high[0]; i++)
        if (strstr(measure, better_high[i]) != NULL)
            return -1;
    static const char *const worse_high[] = {"fatalities", "deaths", "displaced", "cost",
                                             "control",    "vacuum", "relapse",   "events"};
    for (size_t i = 0; i < sizeof worse_high / sizeof worse_high[0]; i++)
        if (strstr(measure, worse_high[i]) != NULL)
            return 1;
    return 0;
}

/* ----------------------------------------------------------- statistics */

static void diff_clear(dd_diff *d)
{
    d->mean = d->baseline_mean = d->diff = NAN;
    d->ci_low = d->ci_high = NAN;
    d->share_worse = NAN;
    d->paired = 0;
    d->n = 0;
}

int dd_compare_paired(const double *x, const double *b, size_t n, int direction, dd_diff *out,
                      dd_error *err)
{
    diff_clear(out);
    out->paired = 1;
    double *buf = malloc((3 * n + 1) * sizeof *buf);
    if (buf == NULL)
        return dd_error_set(err, DD_ENOMEM, NULL, 0, "out of memory");
    double *xs = buf, *bs = buf + n, *d = buf + 2 * n;
    size_t k = 0, higher = 0, lower = 0;
    for (size_t i = 0; i < n; i++) {
        if (isnan(x[i]) || isnan(b[i]))
            continue;
        xs[k] = x[i];
        bs[k] = b[i];
        d[k] = x[i] - b[i];
        higher += d[k] > 0.0;
        lower += d[k] < 0.0;
        k++;
    }
    out->n = (long)k;
    if (k > 0) {
        out->mean = gsl_stats_mean(xs, 1, k);
        out->baseline_mean = gsl_stats_mean(bs, 1, k);
        out->diff = gsl_stats_mean(d, 1, k);
        if (direction > 0)
            out->share_worse = (double)higher / (double)k;
        else if (direction < 0)
            out->share_worse = (double)lower / (double)k;
    }
    if (k >= 2) {
        double sd = sqrt(gsl_stats_variance_m(d, 1, k, out->diff));
        double half = gsl_cdf_tdist_Pinv(0.975, (double)(k - 1)) * sd / sqrt((double)k);
        out->ci_low = out->diff - half;
        out->ci_high = out->diff + half;
    }
    free(buf);
    return 0;
}

/* Copy the non-NaN values of v into dst; returns how many. */
static size_t finite_values(const double *v, size_t n, double *dst)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (!isnan(v[i]))
            dst[k++] = v[i];
    return k;
}

int dd_compare_unpaired(const double *x, size_t nx, const double *b, size_t nb, dd_diff *out,
                        dd_error *err)
{
    diff_clear(out);
    double *buf = malloc((nx + nb + 1) * sizeof *buf);
    if (buf == NULL)
        return dd_error_set(err, DD_ENOMEM, NULL, 0, "out of memory");
    size_t kx = finite_values(x, nx, buf);
    size_t kb = finite_values(b, nb, buf + kx);
    out->n = (long)kx;
    if (kx > 0 && kb > 0) {
        out->mean = gsl_stats_mean(buf, 1, kx);
        out->baseline_mean = gsl_stats_mean(buf + kx, 1, kb);
        out->diff = out->mean - out->baseline_mean;
    }
    if (kx >= 2 && kb >= 2) {
        double vx = gsl_stats_variance_m(buf, 1, kx, out->mean) / (double)kx;
        double vb = gsl_stats_variance_m(buf + kx, 1, kb, out->baseline_mean) / (double)kb;
        dd_compare_welch(out->diff, vx, kx, vb, kb, &out->ci_low, &out->ci_high);
    }
    free(buf);
    return 0;
}

void dd_compare_welch(double diff, double va, size_t na, double vb, size_t nb, double *ci_low,
                      double *ci_high)
{
    double se2 = va + vb;
    if (se2 > 0.0) {
        /* Welch-Satterthwaite degrees of freedom. */
        double nu = se2 * se2 / (va * va / (double)(na - 1) + vb * vb / (double)(nb - 1));
        double half = gsl_cdf_tdist_Pinv(0.975, nu) * sqrt(se2);
        *ci_low = diff - half;
        *ci_high = diff + half;
    } else {
        *ci_low = *ci_high = diff; /* both constant: the difference is exact */
    }
}

/* ------------------------------------------------------------ comparison */

static void scenario_free(dd_compare_scenario *s)
{
    free(s->run_dir);
    free(s->program);
    free(s->policy);
    free(s->partners);
    free(s->description);
}

void dd_comparison_free(dd_comparison *c)
{
    if (c == NULL)
        return;
    for (size_t i = 0; i < c->n_scen; i++)
        scenario_free(&c->scen[i]);
    free(c->scen);
    for (size_t i = 0; i < c->n_rows; i++)
        free(c->rows[i].measure);
    free(c->rows);
    memset(c, 0, sizeof *c);
}

const dd_compare_row *dd_comparison_row(const dd_comparison *c, const char *measure,
                                        size_t scenario)
{
    for (size_t i = 0; i < c->n_rows; i++)
        if (c->rows[i].scenario == scenario && strcmp(c->rows[i].measure, measure) == 0)
            return &c->rows[i];
    return NULL;
}

/*
 * "name [role, N person-months]; ..." of a run's partners, newly allocated:
 * N is the partner's strength summed over the run's months, so two runs with
 * the same text had the same partners in about the same strength.
 */
static char *partner_list(const dd_input *in)
{
    size_t len = 1;
    for (size_t i = 0; i < in->n_partners; i++)
        len += strlen(in->partners[i].name) + strlen(dd_role_name(in->partners[i].role)) + 48;
    char *s = malloc(len);
    if (s == NULL)
        return NULL;
    s[0] = '\0';
    size_t used = 0;
    for (size_t i = 0; i < in->n_partners; i++) {
        double months = 0;
        for (int t = 0; t < in->months; t++)
            months += dd_schedule_at(&in->partners[i].strength, in->start_month + t);
        used += (size_t)snprintf(s + used, len - used, "%s%s [%s, %.0f person-months]",
                                 i > 0 ? "; " : "", in->partners[i].name,
                                 dd_role_name(in->partners[i].role), months);
    }
    return s;
}

static int describe_scenario(const dd_run *r, dd_compare_scenario *s, dd_error *err)
{
    snprintf(s->name, sizeof s->name, "%s", r->name);
    s->run_dir = strdup(r->dir);
    s->program = strdup(r->program);
    s->policy = strdup(dd_policy_get(r->input.policy.kind)->name);
    s->partners = partner_list(&r->input);
    s->description = strdup(r->input.description != NULL ? r->input.description : "");
    if (s->run_dir == NULL || s->program == NULL || s->policy == NULL || s->partners == NULL ||
        s->description == NULL)
        return dd_error_set(err, DD_ENOMEM, NULL, 0, "out of memory");
    s->seed = r->seed;
    s->replications = r->replications;
    s->start_month = r->start_month;
    s->months = r->months;
    s->exited_share = r->exited_share;
    s->exit_p05 = r->exit_p05;
    s->exit_p50 = r->exit_p50;
    s->exit_p95 = r->exit_p95;
    for (size_t k = 0; k < DD_COMPARE_STATE_COUNT; k++) {
        long m = dd_run_metric_index(r, dd_compare_state_metrics[k]);
        const double *a = m >= 0 ? dd_run_cell(r, 0, dd_run_all(r), (size_t)m) : NULL;
        const double *z = m >= 0 ? dd_run_cell(r, r->months - 1, dd_run_all(r), (size_t)m) : NULL;
        s->state_start[k] = a != NULL ? a[DD_MS_MEAN] : NAN;
        s->state_end[k] = z != NULL ? z[DD_MS_MEAN] : NAN;
    }
    return 0;
}

/* Why two runs cannot be paired, or "" when they can. */
static void pairing_reason(const dd_run *a, const dd_run *b, char *buf, size_t size)
{
    buf[0] = '\0';
    if (a->seed != b->seed)
        snprintf(buf, size, "seeds differ (%" PRIu64 " in %s, %" PRIu64 " in %s)", a->seed, a->name,
                 b->seed, b->name);
    else if (a->replications != b->replications)
        snprintf(buf, size, "replication counts differ (%ld in %s, %ld in %s)", a->replications,
                 a->name, b->replications, b->name);
    else if (a->start_month != b->start_month) {
        char ma[DD_MONTH_STR], mb[DD_MONTH_STR];
        dd_month_format(a->start_month, ma);
        dd_month_format(b->start_month, mb);
        snprintf(buf, size, "start months differ (%s in %s, %s in %s)", ma, a->name, mb, b->name);
    }
}

/* A list of derived measure names and how to compute them. */
typedef struct derived {
    char name[DD_NAME_MAX + 16];
    const char *reason; /* NULL: `exited`; else exit_reason == reason */
} derived;

/* Fill v (reps values) with a derived indicator for run r. */
static void derived_values(const dd_run *r, const derived *dv, double *v)
{
    long reason = dv->reason != NULL ? dd_run_reason_index(r, dv->reason) : -1;
    for (long i = 0; i < r->replications; i++) {
        if (dv->reason == NULL)
            v[i] = r->exit_month[i] >= 0 ? 1.0 : 0.0;
        else
            v[i] = (reason >= 0 && r->exit_reason[i] == reason) ? 1.0 : 0.0;
    }
}

static int push_row(dd_comparison *c, size_t *cap, const char *measure, size_t scenario,
                    const dd_diff *d, dd_error *err)
{
    if (c->n_rows == *cap) {
        size_t ncap = *cap ? *cap * 2 : 64;
        dd_compare_row *nr = realloc(c->rows, ncap * sizeof *nr);
        if (nr == NULL)
            return dd_error_set(err, DD_ENOMEM, NULL, 0, "out of memory");
        c->rows = nr;
        *cap = ncap;
    }
    dd_compare_row *row = &c->rows[c->n_rows];
    if ((row->measure = strdup(measure)) == NULL)
        return dd_error_set(err, DD_ENOMEM, NULL, 0, "out of memory");
    row->scenario = scenario;
    row->d = *d;
    c->n_rows++;
    return 0;
}

/* One measure for every scenario against the baseline. values[i] are run i's values. */
static int compare_measure(dd_comparison *c, size_t *cap, const dd_run *runs, size_t baseline,
                           const char *measure, double *const *values, dd_error *err)
{
    int dir = dd_compare_direction(measure);
    const dd_run *b = &runs[baseline];
    for (size_t s = 0; s < c->n_scen; s++) {
        if (s == 0)
            continue;                          /* scen[0] is the baseline */
        size_t ri = s <= baseline ? s - 1 : s; /* run index of scenario s */
        dd_diff d;
        int rc;
        if (c->paired)
            rc = dd_compare_paired(values[ri], values[baseline], (size_t)b->replications, dir, &d,
                                   err);
        else
            rc = dd_compare_unpaired(values[ri], (size_t)runs[ri].replications, values[baseline],
                                     (size_t)b->replications, &d, err);
        if (rc == 0)
            rc = push_row(c, cap, measure, s, &d, err);
        if (rc != 0)
            return rc;
    }
    return 0;
}

int dd_compare_runs(const dd_run *runs, size_t n, size_t baseline, dd_comparison *out,
                    dd_error *err)
{
    memset(out, 0, sizeof *out);
    if (n < 2)
        return dd_error_set(err, DD_EUSAGE, NULL, 0, "compare needs at least two run folders");
    if (baseline >= n)
        return dd_error_set(err, DD_EUSAGE, NULL, 0, "baseline out of range");
    const dd_run *b = &runs[baseline];
    for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; j < i; j++)
            if (strcmp(runs[i].name, runs[j].name) == 0)
                return dd_error_set(err, DD_ECONFIG, runs[i].dir, 0,
                                    "scenario %s is also the scenario of %s; compare different "
                                    "scenarios",
                                    runs[i].name, runs[j].dir);
        int same = runs[i].n_measures == b->n_measures;
        for (size_t m = 0; same && m < b->n_measures; m++)
            same = strcmp(runs[i].measure[m], b->measure[m]) == 0;
        if (!same)
            return dd_error_set(
                err, DD_ECONFIG, runs[i].dir, 0,
                "replications.csv has other measure columns than %s/replications.csv "
                "(runs of different drawdown versions?)",
                b->dir);
    }

    out->scen = calloc(n, sizeof *out->scen);
    if (out->scen == NULL)
        return dd_error_set(err, DD_ENOMEM, NULL, 0, "out of memory");
    out->n_scen = n;
    /* Baseline first, then the others in the order given. */
    int rc = describe_scenario(b, &out->scen[0], err);
    for (size_t i = 0, s = 1; rc == 0 && i < n; i++)
        if (i != baseline)
            rc = describe_scenario(&runs[i], &out->scen[s++], err);
    if (rc != 0) {
        dd_comparison_free(out);
        return rc;
    }

    out->paired = 1;
    for (size_t i = 0; i < n && out->paired; i++) {
        if (i == baseline)
            continue;
        pairing_reason(b, &runs[i], out->unpaired_reason, sizeof out->unpaired_reason);
        if (out->unpaired_reason[0] != '\0')
            out->paired = 0;
    }

    /* Derived indicators: exited, then each exit reason (but none) seen in any run. */
    size_t n_der = 1, der_cap = 8;
    derived *der = calloc(der_cap, sizeof *der);
    double **values = calloc(n, sizeof *values);
    if (der == NULL || values == NULL) {
        free(der);
        free(values);
        dd_comparison_free(out);
        return dd_error_set(err, DD_ENOMEM, NULL, 0, "out of memory");
    }
    snprintf(der[0].name, sizeof der[0].name, "exited");
    der[0].reason = NULL;
    for (size_t i = 0; i < n; i++) {
        const dd_run *r = &runs[i];
        for (size_t k = 0; k < r->n_reasons; k++) {
            if (strcmp(r->reason[k], "none") == 0)
                continue;
            int seen = 0, used = 0;
            for (size_t q = 1; q < n_der; q++)
                seen = seen || strcmp(der[q].reason, r->reason[k]) == 0;
            for (long rep = 0; rep < r->replications && !used; rep++)
                used = r->exit_reason[rep] == (int)k;
            if (seen || !used)
                continue;
            if (n_der == der_cap) {
                derived *nd = realloc(der, 2 * der_cap * sizeof *nd);
                if (nd == NULL) {
                    rc = dd_error_set(err, DD_ENOMEM, NULL, 0, "out of memory");
                    break;
                }
                der = nd;
                der_cap *= 2;
            }
            snprintf(der[n_der].name, sizeof der[n_der].name, "exit_reason_%s", r->reason[k]);
            der[n_der].reason = r->reason[k];
            n_der++;
        }
    }

    size_t cap = 0;
    for (size_t m = 0; rc == 0 && m < b->n_measures; m++) {
        for (size_t i = 0; i < n; i++)
            values[i] = runs[i].value + m * (size_t)runs[i].replications;
        rc = compare_measure(out, &cap, runs, baseline, b->measure[m], values, err);
    }
    for (size_t i = 0; i < n; i++)
        values[i] = NULL;
    for (size_t i = 0; rc == 0 && i < n; i++) {
        values[i] = malloc(((size_t)runs[i].replications + 1) * sizeof **values);
        if (values[i] == NULL)
            rc = dd_error_set(err, DD_ENOMEM, NULL, 0, "out of memory");
    }
    for (size_t q = 0; rc == 0 && q < n_der; q++) {
        for (size_t i = 0; i < n; i++)
            derived_values(&runs[i], &der[q], values[i]);
        rc = compare_measure(out, &cap, runs, baseline, der[q].name, values, err);
    }
    for (size_t i = 0; i < n; i++)
        free(values[i]);
    free(values);
    free(der);
    if (rc != 0)
        dd_comparison_free(out);
    return rc;
}

/* ---------------------------------------------------------------- output */

/*
 * A CSV file being written. Numbers are formatted by dd_csv_number, as in
 * the files of a run; text fields are quoted here (dd_csv.h does not offer
 * that). The first failed write sticks and is reported by write_csv, so a
 * row is written field by field without a test after each.
 */
typedef struct csv_out {
    FILE *f;
    int failed;
    int errnum; /* errno of the failed write; 0 when it set none */
} csv_out;

/*
 * Write `lead` as it is, then the text field s (NULL: none), quoted as
 * RFC 4180 asks when it needs to be.
 */
static void csv_put(csv_out *o, const char *lead, const char *s)
{
    if (o->failed)
        return;
    errno = 0;
    int bad = fputs(lead, o->f) == EOF;
    if (!bad && s != NULL && strpbrk(s, ",\"\r\n") == NULL) {
        bad = fputs(s, o->f) == EOF;
    } else if (!bad && s != NULL) {
        bad = fputc('"', o->f) == EOF;
        for (const char *p = s; !bad && *p != '\0'; p++)
            bad = (*p == '"' && fputc('"', o->f) == EOF) || fputc(*p, o->f) == EOF;
        bad = bad || fputc('"', o->f) == EOF;
    }
    if (bad) {
        o->failed = 1;
        o->errnum = errno;
    }
}

/* A number or a month as the CSV files write them (NA when missing). */
typedef struct cell {
    char s[40];
} cell;

static cell num_cell(double v)
{
    cell c;
    dd_csv_number(c.s, sizeof c.s, v);
    return c;
}

static cell month_cell(int m)
{
    cell c = {"NA"};
    if (m >= 0)
        dd_month_format(m, c.s);
    return c;
}

/* Write a file, header and rows, with `rows`; 0, or DD_EIO naming `file`. */
static int write_csv(FILE *f, const char *file, void (*rows)(csv_out *, const dd_comparison *),
                     const dd_comparison *c, dd_error *err)
{
    csv_out o = {f, 0, 0};
    rows(&o, c);
    if (!o.failed)
        return 0;
    return dd_error_set(err, DD_EIO, NULL, 0, "cannot write %s: %s", file,
                        o.errnum != 0 ? strerror(o.errnum) : "write error");
}

static void compare_rows(csv_out *o, const dd_comparison *c)
{
    csv_put(o,
            "measure,scenario,baseline,mean,baseline_mean,diff,ci_low,ci_high,share_worse,"
            "paired\n",
            NULL);
    for (size_t i = 0; !o->failed && i < c->n_rows; i++) {
        const dd_compare_row *r = &c->rows[i];
        const dd_diff *d = &r->d;
        const double v[] = {d->mean,   d->baseline_mean, d->diff,
                            d->ci_low, d->ci_high,       d->share_worse};
        csv_put(o, "", r->measure);
        csv_put(o, ",", c->scen[r->scenario].name);
        csv_put(o, ",", c->scen[0].name);
        for (size_t k = 0; k < sizeof v / sizeof v[0]; k++)
            csv_put(o, ",", num_cell(v[k]).s);
        char tail[16];
        snprintf(tail, sizeof tail, ",%d\n", d->paired);
        csv_put(o, tail, NULL);
    }
}

static void scenario_rows(csv_out *o, const dd_comparison *c)
{
    csv_put(o,
            "scenario,role,run_dir,program,seed,replications,start,months,policy,"
            "exited_share,exit_p05,exit_p50,exit_p95",
            NULL);
    for (size_t k = 0; k < DD_COMPARE_STATE_COUNT; k++) {
        char col[80];
        snprintf(col, sizeof col, ",%s_start,%s_end", dd_compare_state_metrics[k],
                 dd_compare_state_metrics[k]);
        csv_put(o, col, NULL);
    }
    csv_put(o, ",partners,description\n", NULL);
    for (size_t i = 0; !o->failed && i < c->n_scen; i++) {
        const dd_compare_scenario *s = &c->scen[i];
        char nums[160];
        csv_put(o, "", s->name);
        csv_put(o, i == 0 ? ",baseline," : ",scenario,", s->run_dir);
        csv_put(o, ",", s->program);
        snprintf(nums, sizeof nums, ",%" PRIu64 ",%ld,", s->seed, s->replications);
        csv_put(o, nums, month_cell(s->start_month).s);
        snprintf(nums, sizeof nums, ",%d,", s->months);
        csv_put(o, nums, s->policy);
        csv_put(o, ",", num_cell(s->exited_share).s);
        csv_put(o, ",", month_cell(s->exit_p05).s);
        csv_put(o, ",", month_cell(s->exit_p50).s);
        csv_put(o, ",", month_cell(s->exit_p95).s);
        for (size_t k = 0; k < DD_COMPARE_STATE_COUNT; k++) {
            csv_put(o, ",", num_cell(s->state_start[k]).s);
            csv_put(o, ",", num_cell(s->state_end[k]).s);
        }
        csv_put(o, ",", s->partners);
        csv_put(o, ",", s->description);
        csv_put(o, "\n", NULL);
    }
}

int dd_compare_write_csv(FILE *f, const dd_comparison *c, dd_error *err)
{
    return write_csv(f, "compare.csv", compare_rows, c, err);
}

int dd_compare_write_scenarios(FILE *f, const dd_comparison *c, dd_error *err)
{
    return write_csv(f, "scenarios.csv", scenario_rows, c, err);
}

/* ------------------------------------------------------------- reading */

/* A month field: YYYY-MM or NA (-1). */
static int cell_month(const dd_table *t, size_t row, size_t col, int *out, dd_error *err)
{
    const char *s = dd_table_cell(t, row, col);
    if (strcmp(s, "NA") == 0) {
        *out = -1;
        return 0;
    }
    if (dd_month_parse(s, out) != 0)
        return dd_error_set(err, DD_ECONFIG, t->path, t->line[row], "%s is \"%s\", not a month",
                            t->header[col], s);
    return 0;
}

static int read_scenarios(const char *path, dd_comparison *c, dd_error *err)
{
    dd_table t;
    int rc = dd_table_load(path, &t, err);
    if (rc != 0)
        return rc;
    const char *head[13 + 2 * DD_COMPARE_STATE_COUNT + 2] = {
        "scenario", "role",   "run_dir",      "program",  "seed",     "replications", "start",
        "months",   "policy", "exited_share", "exit_p05", "exit_p50", "exit_p95"};
    char names[2 * DD_COMPARE_STATE_COUNT][64];
    for (size_t k = 0; k < DD_COMPARE_STATE_COUNT; k++) {
        snprintf(names[2 * k], sizeof names[0], "%s_start", dd_compare_state_metrics[k]);
        snprintf(names[2 * k + 1], sizeof names[0], "%s_end", dd_compare_state_metrics[k]);
        head[13 + 2 * k] = names[2 * k];
        head[14 + 2 * k] = names[2 * k + 1];
    }
    size_t nh = sizeof head / sizeof head[0];
    head[nh - 2] = "partners";
    head[nh - 1] = "description";
    rc = dd_table_expect_header(&t, head, nh, 1, err);
    if (rc == 0 && t.n_rows < 2)
        rc = dd_error_set(err, DD_ECONFIG, path, 1, "fewer than two scenarios");
    if (rc == 0 && (c->scen = calloc(t.n_rows, sizeof *c->scen)) == NULL)
        rc = dd_error_set(err, DD_ENOMEM, NULL, 0, "out of memory");
    for (size_t i = 0; rc == 0 && i < t.n_rows; i++) {
        dd_compare_scenario *s = &c->scen[i];
        c->n_scen = i + 1;
        const char *name = dd_table_cell(&t, i, 0);
        const char *role = dd_table_cell(&t, i, 1);
        if (name[0] == '\0' || strlen(name) >= sizeof s->name) {
            rc = dd_error_set(err, DD_ECONFIG, path, t.line[i], "bad scenario name");
            break;
        }
        if (strcmp(role, i == 0 ? "baseline" : "scenario") != 0) {
            rc = dd_error_set(err, DD_ECONFIG, path, t.line[i], "role \"%s\", expected %s", role,
                              i == 0 ? "baseline" : "scenario");
            break;
        }
        for (size_t j = 0; j < i; j++)
            if (strcmp(c->scen[j].name, name) == 0)
                rc = dd_error_set(err, DD_ECONFIG, path, t.line[i], "scenario %s appears twice",
                                  name);
        if (rc != 0)
            break;
        snprintf(s->name, sizeof s->name, "%s", name);
        s->run_dir = strdup(dd_table_cell(&t, i, 2));
        s->program = strdup(dd_table_cell(&t, i, 3));
        s->policy = strdup(dd_table_cell(&t, i, 8));
        s->partners = strdup(dd_table_cell(&t, i, nh - 2));
        s->description = strdup(dd_table_cell(&t, i, nh - 1));
        if (s->run_dir == NULL || s->program == NULL || s->policy == NULL || s->partners == NULL ||
            s->description == NULL) {
            rc = dd_error_set(err, DD_ENOMEM, NULL, 0, "out of memory");
            break;
        }
        double seed, reps, months;
        if ((rc = dd_table_number(&t, i, 4, &seed, err)) != 0 ||
            (rc = dd_table_number(&t, i, 5, &reps, err)) != 0 ||
            (rc = cell_month(&t, i, 6, &s->start_month, err)) != 0 ||
            (rc = dd_table_number(&t, i, 7, &months, err)) != 0 ||
            (rc = dd_table_number(&t, i, 9, &s->exited_share, err)) != 0 ||
            (rc = cell_month(&t, i, 10, &s->exit_p05, err)) != 0 ||
            (rc = cell_month(&t, i, 11, &s->exit_p50, err)) != 0 ||
            (rc = cell_month(&t, i, 12, &s->exit_p95, err)) != 0)
            break;
        /* The seed is printed whole; read it as such (a double would round it). */
        const char *seed_text = dd_table_cell(&t, i, 4);
        char *seed_end = NULL;
        errno = 0;
        s->seed = strtoull(seed_text, &seed_end, 10);
        /* Counts are whole numbers: a fraction means the manifest is not one drawdown wrote. */
        if (!(reps >= 1) || reps != floor(reps) || !(months >= 1) || months != floor(months) ||
            months > INT_MAX || s->start_month < 0 || isnan(seed) || errno != 0 ||
            seed_end == seed_text || *seed_end != '\0' || seed_text[0] == '-') {
            rc = dd_error_set(err, DD_ECONFIG, path, t.line[i], "bad seed, replications or months");
            break;
        }
        s->replications = (long)reps;
        s->months = (int)months;
        for (size_t k = 0; rc == 0 && k < DD_COMPARE_STATE_COUNT; k++)
            if ((rc = dd_table_number(&t, i, 13 + 2 * k, &s->state_start[k], err)) == 0)
                rc = dd_table_number(&t, i, 14 + 2 * k, &s->state_end[k], err);
    }
    dd_table_free(&t);
    return rc;
}

static long scenario_index(const dd_comparison *c, const char *name)
{
    for (size_t i = 0; i < c->n_scen; i++)
        if (strcmp(c->scen[i].name, name) == 0)
            return (long)i;
    return -1;
}

static int read_compare_csv(const char *path, dd_comparison *c, dd_error *err)
{
    dd_table t;
    int rc = dd_table_load(path, &t, err);
    if (rc != 0)
        return rc;
    static const char *const head[] = {"measure",       "scenario", "baseline", "mean",
                                       "baseline_mean", "diff",     "ci_low",   "ci_high",
                                       "share_worse",   "paired"};
    rc = dd_table_expect_header(&t, head, 10, 1, err);
    if (rc == 0 && t.n_rows == 0)
        rc = dd_error_set(err, DD_ECONFIG, path, 1, "no rows");
    if (rc == 0 && (c->rows = calloc(t.n_rows, sizeof *c->rows)) == NULL)
        rc = dd_error_set(err, DD_ENOMEM, NULL, 0, "out of memory");
    c->paired = 1;
    for (size_t i = 0; rc == 0 && i < t.n_rows; i++) {
        int line = t.line[i];
        long s = scenario_index(c, dd_table_cell(&t, i, 1));
        if (s <= 0) {
            rc = dd_error_set(err, DD_ECONFIG, path, line,
                              "scenario \"%s\" is not a compared scenario of scenarios.csv",
                              dd_table_cell(&t, i, 1));
            break;
        }
        if (strcmp(dd_table_cell(&t, i, 2), c->scen[0].name) != 0) {
            rc = dd_error_set(err, DD_ECONFIG, path, line, "baseline \"%s\", expected \"%s\"",
                              dd_table_cell(&t, i, 2), c->scen[0].name);
            break;
        }
        const char *measure = dd_table_cell(&t, i, 0);
        if (measure[0] == '\0') {
            rc = dd_error_set(err, DD_ECONFIG, path, line, "empty measure");
            break;
        }
        if (dd_comparison_row(c, measure, (size_t)s) != NULL) {
            rc = dd_error_set(err, DD_ECONFIG, path, line, "second row for %s, %s", measure,
                              c->scen[s].name);
            break;
        }
        dd_compare_row *r = &c->rows[c->n_rows];
        dd_diff *d = &r->d;
        diff_clear(d);
        double paired;
        if ((rc = dd_table_number(&t, i, 3, &d->mean, err)) != 0 ||
            (rc = dd_table_number(&t, i, 4, &d->baseline_mean, err)) != 0 ||
            (rc = dd_table_number(&t, i, 5, &d->diff, err)) != 0 ||
            (rc = dd_table_number(&t, i, 6, &d->ci_low, err)) != 0 ||
            (rc = dd_table_number(&t, i, 7, &d->ci_high, err)) != 0 ||
            (rc = dd_table_number(&t, i, 8, &d->share_worse, err)) != 0 ||
            (rc = dd_table_number(&t, i, 9, &paired, err)) != 0)
            break;
        if (paired != 0.0 && paired != 1.0) {
            rc = dd_error_set(err, DD_ECONFIG, path, line, "paired must be 0 or 1");
            break;
        }
        if (!isnan(d->share_worse) && (d->share_worse < 0.0 || d->share_worse > 1.0)) {
            rc = dd_error_set(err, DD_ECONFIG, path, line, "share_worse outside 0 to 1");
            break;
        }
        d->paired = (int)paired;
        c->paired = c->paired && d->paired;
        d->n = (long)c->scen[s].replications;
        if ((r->measure = strdup(measure)) == NULL) {
            rc = dd_error_set(err, DD_ENOMEM, NULL, 0, "out of memory");
            break;
        }
        r->scenario = (size_t)s;
        c->n_rows++;
    }
    dd_table_free(&t);
    return rc;
}

int dd_compare_load(const char *dir, dd_comparison *out, dd_error *err)
{
    memset(out, 0, sizeof *out);
    char *path = dd_run_path(dir, "manifest.txt");
    if (path == NULL)
        return dd_error_set(err, DD_ENOMEM, NULL, 0, "out of memory");
    dd_manifest m;
    int rc = dd_manifest_read(path, &m, err);
    free(path);
    if (rc == 0)
        rc = dd_compare_load_manifest(dir, &m, out, err);
    dd_manifest_free(&m);
    return rc;
}

int dd_compare_load_manifest(const char *dir, const dd_manifest *m, dd_comparison *out,
                             dd_error *err)
{
    memset(out, 0, sizeof *out);
    char *scen = dd_run_path(dir, "scenarios.csv");
    char *cmp = dd_run_path(dir, "compare.csv");
    const char *kind = NULL;
    int rc = 0;
    if (scen == NULL || cmp == NULL)
        rc = dd_error_set(err, DD_ENOMEM, NULL, 0, "out of memory");
    if (rc == 0)
        rc = dd_manifest_require(m, "kind", &kind, err);
    if (rc == 0 && strcmp(kind, "comparison") != 0)
        rc = dd_error_set(err, DD_ECONFIG, m->path, 0, "kind is \"%s\", not comparison", kind);
    if (rc == 0)
        rc = read_scenarios(scen, out, err);
    if (rc == 0)
        rc = read_compare_csv(cmp, out, err);
    if (rc == 0 && !out->paired) {
        const char *reason = dd_manifest_value(m, "unpaired_reason");
        snprintf(out->unpaired_reason, sizeof out->unpaired_reason, "%s",
                 reason != NULL ? reason : "the runs do not share seed, replications and start");
    }
    free(scen);
    free(cmp);
    if (rc != 0)
        dd_comparison_free(out);
    return rc;
}

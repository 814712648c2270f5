/*
 * dd_sens: see dd_sens.h.
 *
 * The work is (1 + 2 P) settings times S scenarios runs of R replications
 * (P parameters, S scenarios the contrasts need). Each run goes through
 * dd_runner, which spreads its replications over the threads; a run's
 * per-replication outcomes are kept (R small structs per scenario) until
 * the setting's contrasts are estimated, then overwritten by the next
 * setting. Memory is therefore that of one run plus S x R outcomes.
 *
 * Invariant: every estimate depends only on the scenarios, the parameter
 * values and the replication count, never on threads or timing, so the
 * files written are the same bytes on any machine with the same build.
 *
 * In an MPI run (dd_cluster.h) every process makes the same runner calls in
 * the same order, and each run's replications are spread over them. Only
 * rank 0 gets outcomes and statistics, so only rank 0 estimates; the
 * processes agree on the status after each setting, so that a failure on
 * rank 0 stops them all at the same point.
 */
#define _POSIX_C_SOURCE 200809L

#include "dd_sens.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>

#include "dd_cluster.h"
#include "dd_compare.h"
#include "dd_input.h"
#include "dd_model.h"
#include "dd_runner.h"
#include "dd_scenario.h"

/* The seminar's contrasts (analysis/README.md, engine/MODEL.md "Sensitivity"). */
static const dd_sens_contrast contrasts[] = {
    {"vacuum", "vacuum_index", "abrupt-exit - conditions-phased", DD_SENS_DIFF,
     DD_SENS_FROM_OUTCOME, DD_O_VACUUM_INDEX, "abrupt-exit", "conditions-phased", '>', 0.0,
     "an abrupt exit leaves a larger security vacuum than a conditions-based one"},
    {"cost", "troop_months", "conditions-phased - abrupt-exit", DD_SENS_DIFF, DD_SENS_FROM_OUTCOME,
     DD_O_TROOP_MONTHS, "conditions-phased", "abrupt-exit", '>', 0.0,
     "a conditions-based exit costs more troop-months"},
    {"cost", "pk_fatalities", "conditions-phased - abrupt-exit", DD_SENS_DIFF, DD_SENS_FROM_OUTCOME,
     DD_O_PK_FATALITIES, "conditions-phased", "abrupt-exit", '>', 0.0,
     "a conditions-based exit costs more peacekeepers' lives"},
    {"host", "vacuum_index_ratio", "fast-host-capacity / abrupt-exit", DD_SENS_RATIO,
     DD_SENS_FROM_OUTCOME, DD_O_VACUUM_INDEX, "fast-host-capacity", "abrupt-exit", '<', 0.5,
     "a host that grows fast at least halves the vacuum of an abrupt exit"},
    {"partner", "civilian_fatalities", "militarised-partner - abrupt-exit", DD_SENS_DIFF,
     DD_SENS_FROM_OUTCOME, DD_O_CIVILIAN_FATALITIES, "militarised-partner", "abrupt-exit", '>', 0.0,
     "a militarised partner kills more civilians"},
    {"partner", "armed_strength_final", "militarised-partner - abrupt-exit", DD_SENS_DIFF,
     DD_SENS_FROM_FINAL_MONTH, DD_M_ARMED_STRENGTH, "militarised-partner", "abrupt-exit", '>', 0.0,
     "a militarised partner leaves more fighters, not fewer (its abuses recruit more than "
     "its attacks remove)"},
    {"consent", "consent_revoked_share", "share of consent-collapse runs ending in revocation",
     DD_SENS_SHARE, DD_SENS_FROM_EXIT_REASON, DD_EXIT_CONSENT_REVOKED, "consent-collapse", NULL,
     '>', 0.5, "consent runs out before the conditions are met in most runs"},
};
#define N_CONTRASTS (sizeof contrasts / sizeof contrasts[0])

/* Parameters drawn on a tornado chart at most. */
#define TORNADO_MAX 15
/* Parameters named per contrast in the summary. */
#define SUMMARY_MOVERS 3
#define SUMMARY_FLIPS 8

const dd_sens_contrast *dd_sens_contrasts(size_t *n)
{
    *n = N_CONTRASTS;
    return contrasts;
}

const char *dd_sens_holds_name(dd_sens_holds h)
{
    static const char *const names[] = {"yes", "no", "unclear"};
    return names[h];
}

const char *dd_sens_end_name(dd_sens_end e)
{
    static const char *const names[] = {"low", "base", "high"};
    return names[e];
}

/* ------------------------------------------------------------ statistics */

double dd_sens_param_value(const dd_param_info *info, double scenario_value, double target)
{
    double v;
    if (scenario_value == info->def)
        v = target;
    else if (info->def != 0.0)
        v = scenario_value * (target / info->def);
    else
        v = scenario_value + target;
    if (info->integral)
        v = floor(v + 0.5);
    return fmin(info->max, fmax(info->min, v));
}

dd_sens_holds dd_sens_judge(const dd_sens_contrast *c, double ci_low, double ci_high)
{
    if (isnan(ci_low) || isnan(ci_high))
        return DD_SENS_HOLDS_UNCLEAR;
    if (c->op == '>')
        return ci_low > c->threshold    ? DD_SENS_HOLDS_YES
               : ci_high < c->threshold ? DD_SENS_HOLDS_NO
                                        : DD_SENS_HOLDS_UNCLEAR;
    return ci_high < c->threshold  ? DD_SENS_HOLDS_YES
           : ci_low > c->threshold ? DD_SENS_HOLDS_NO
                                   : DD_SENS_HOLDS_UNCLEAR;
}

int dd_sens_diff(const double *a, const double *b, size_t n, dd_sens_estimate *out, dd_error *err)
{
    dd_diff d;
    int rc = dd_compare_paired(a, b, n, 0, &d, err);
    if (rc != 0)
        return rc;
    out->estimate = d.diff;
    out->ci_low = d.ci_low;
    out->ci_high = d.ci_high;
    return 0;
}

void dd_sens_ratio(const double *a, const double *b, size_t n, dd_sens_estimate *out)
{
    double sa = 0.0, sb = 0.0;
    for (size_t i = 0; i < n; i++) {
        sa += a[i];
        sb += b[i];
    }
    out->estimate = out->ci_low = out->ci_high = NAN;
    if (n < 2 || sb == 0.0)
        return;
    double r = sa / sb, mb = sb / (double)n;
    /* Delta method: the ratio's error is that of the mean of a - r b, over the mean of b. */
    double m = 0.0, ss = 0.0;
    for (size_t i = 0; i < n; i++)
        m += a[i] - r * b[i];
    m /= (double)n;
    for (size_t i = 0; i < n; i++) {
        double e = a[i] - r * b[i] - m;
        ss += e * e;
    }
    double se = sqrt(ss / (double)(n - 1)) / sqrt((double)n) / fabs(mb);
    double half = gsl_cdf_tdist_Pinv(0.975, (double)(n - 1)) * se;
    out->estimate = r;
    out->ci_low = r - half;
    out->ci_high = r + half;
}

void dd_sens_share(const double *a, size_t n, dd_sens_estimate *out)
{
    double k = 0.0;
    for (size_t i = 0; i < n; i++)
        k += a[i] != 0.0;
    out->estimate = out->ci_low = out->ci_high = NAN;
    if (n == 0)
        return;
    double nn = (double)n, p = k / nn, z = 1.959963984540054;
    double centre = (p + z * z / (2.0 * nn)) / (1.0 + z * z / nn);
    double half = z * sqrt(p * (1.0 - p) / nn + z * z / (4.0 * nn * nn)) / (1.0 + z * z / nn);
    out->estimate = p;
    out->ci_low = fmax(0.0, centre - half);
    out->ci_high = fmin(1.0, centre + half);
}

/* Welch interval for a difference of two means known only by mean and sd (n each). */
static void welch(double ma, double sda, double mb, double sdb, long n, dd_sens_estimate *out)
{
    out->estimate = ma - mb;
    dd_compare_welch(out->estimate, sda * sda / (double)n, (size_t)n, sdb * sdb / (double)n,
                     (size_t)n, &out->ci_low, &out->ci_high);
}

/* ------------------------------------------------------------- the runs */

/* A scenario the contrasts need, and what its current run produced. */
typedef struct scen {
    const char *name;
    char path[1100];
    dd_input in;
    dd_params own;       /* the scenario's parameter values, as loaded */
    dd_outcome *outcome; /* reps outcomes of the current run */
    double final_mean[DD_M_COUNT], final_sd[DD_M_COUNT]; /* national, last month */
} scen;

struct dd_sens {
    const char *scenario_dir;
    long reps;
    int threads;
    void (*on_progress)(void *ctx, size_t done, size_t total);
    void *ctx;
    scen *sc;
    size_t n_sc;
    const dd_param_info **param;
    size_t n_param;
    dd_sens_estimate *est; /* [param][end][contrast]; the base end repeats the baseline */
    dd_sens_estimate base[N_CONTRASTS];
    double *va, *vb; /* reps values of a contrast's two scenarios */
    int threads_used;
};

static size_t scen_index(const dd_sens *s, const char *name)
{
    for (size_t i = 0; i < s->n_sc; i++)
        if (strcmp(s->sc[i].name, name) == 0)
            return i;
    return s->n_sc;
}

void dd_sens_free(dd_sens *s)
{
    if (s == NULL)
        return;
    for (size_t i = 0; i < s->n_sc; i++) {
        dd_input_free(&s->sc[i].in);
        free(s->sc[i].outcome);
    }
    free(s->sc);
    free(s->param);
    free(s->est);
    free(s->va);
    free(s->vb);
    free(s);
}

/* The parameters to vary: those named, or every one with a plausible range. */
static int choose_params(dd_sens *s, const dd_sens_opts *o, dd_error *err)
{
    size_t n_table;
    const dd_param_info *t = dd_params_table(&n_table);
    s->param = calloc(n_table, sizeof *s->param);
    if (s->param == NULL)
        return dd_error_set(err, DD_ENOMEM, NULL, 0, "out of memory");
    if (o->params == NULL) {
        for (size_t i = 0; i < n_table; i++)
            if (t[i].plausible_min < t[i].plausible_max)
                s->param[s->n_param++] = &t[i];
        return 0;
    }
    if (o->n_params == 0 || o->n_params > n_table)
        return dd_error_set(err, DD_EUSAGE, NULL, 0, "name between 1 and %zu parameters", n_table);
    for (size_t i = 0; i < o->n_params; i++) {
        const dd_param_info *pi = dd_params_lookup(o->params[i]);
        if (pi == NULL)
            return dd_error_set(err, DD_EUSAGE, NULL, 0,
                                "unknown parameter '%s' (drawdown params lists them)",
                                o->params[i]);
        if (!(pi->plausible_min < pi->plausible_max))
            return dd_error_set(err, DD_EUSAGE, NULL, 0,
                                "parameter '%s' is not varied (no plausible range, "
                                "engine/MODEL.md)",
                                pi->name);
        for (size_t j = 0; j < s->n_param; j++)
            if (s->param[j] == pi)
                return dd_error_set(err, DD_EUSAGE, NULL, 0, "parameter '%s' named twice",
                                    pi->name);
        s->param[s->n_param++] = pi;
    }
    return 0;
}

/* Load every scenario the contrasts name, once each, and check that pairs share random numbers. */
static int load_scenarios(dd_sens *s, dd_error *err)
{
    s->sc = calloc(2 * N_CONTRASTS, sizeof *s->sc);
    if (s->sc == NULL)
        return dd_error_set(err, DD_ENOMEM, NULL, 0, "out of memory");
    for (size_t c = 0; c < N_CONTRASTS; c++) {
        const char *names[2] = {contrasts[c].scenario_a, contrasts[c].scenario_b};
        for (int k = 0; k < 2; k++) {
            if (names[k] == NULL || scen_index(s, names[k]) < s->n_sc)
                continue;
            scen *sc = &s->sc[s->n_sc];
            dd_input_init(&sc->in);
            sc->name = names[k];
            s->n_sc++;
            snprintf(sc->path, sizeof sc->path, "%s/%s.cfg", s->scenario_dir, names[k]);
            int rc = dd_scenario_load(sc->path, &sc->in, err);
            if (rc != 0)
                return rc;
            sc->own = sc->in.params;
            sc->outcome = calloc((size_t)s->reps, sizeof *sc->outcome);
            if (sc->outcome == NULL)
                return dd_error_set(err, DD_ENOMEM, NULL, 0, "out of memory");
        }
        if (names[1] == NULL)
            continue;
        const scen *a = &s->sc[scen_index(s, names[0])], *b = &s->sc[scen_index(s, names[1])];
        if (a->in.seed != b->in.seed || a->in.start_month != b->in.start_month ||
            a->in.months != b->in.months)
            return dd_error_set(err, DD_ECONFIG, b->path, 0,
                                "seed, start and months must equal those of %s (seed %llu, "
                                "%d months) for paired replications",
                                a->path, (unsigned long long)a->in.seed, a->in.months);
    }
    return 0;
}

int dd_sens_load(const dd_sens_opts *o, dd_sens **out, dd_error *err)
{
    *out = NULL;
    if (o->reps < 2)
        return dd_error_set(err, DD_EUSAGE, NULL, 0, "--reps must be at least 2");
    dd_sens *s = calloc(1, sizeof *s);
    if (s == NULL)
        return dd_error_set(err, DD_ENOMEM, NULL, 0, "out of memory");
    s->scenario_dir = o->scenario_dir;
    s->reps = o->reps;
    s->threads = o->threads;
    s->on_progress = o->on_progress;
    s->ctx = o->ctx;
    int rc = choose_params(s, o, err);
    if (rc == 0)
        rc = load_scenarios(s, err);
    if (rc == 0) {
        s->est = calloc(s->n_param * DD_SENS_END_COUNT * N_CONTRASTS, sizeof *s->est);
        s->va = calloc((size_t)s->reps, sizeof *s->va);
        s->vb = calloc((size_t)s->reps, sizeof *s->vb);
        if (s->est == NULL || s->va == NULL || s->vb == NULL)
            rc = dd_error_set(err, DD_ENOMEM, NULL, 0, "out of memory");
    }
    if (rc != 0) {
        dd_sens_free(s);
        return rc;
    }
    *out = s;
    return 0;
}

size_t dd_sens_runs(const dd_sens *s)
{
    return (1 + 2 * s->n_param) * s->n_sc;
}

static int keep_outcome(void *ctx, long replication, const dd_outcome *o, dd_error *err)
{
    (void)err;
    ((dd_outcome *)ctx)[replication] = *o;
    return 0;
}

/*
 * Run one scenario with its current parameters; keep outcomes and final-month
 * means (on rank 0 only in an MPI run: the runner call is collective).
 */
static int run_scenario(dd_sens *s, scen *sc, dd_error *err)
{
    dd_model *m = NULL;
    dd_results *res = NULL;
    int rc = dd_params_validate(&sc->in.params, err);
    if (rc == 0)
        rc = dd_model_alloc(&m, &sc->in, err);
    /* Every process makes the runner call, or none does. */
    int all = dd_cluster_agree(rc);
    if (rc == 0 && all != 0)
        rc = dd_error_set(err, all, sc->path, 0,
                          "another process of the MPI run cannot build the model");
    if (rc == 0) {
        dd_run_opts ro = {sc->in.seed, s->reps, s->threads, keep_outcome, NULL, sc->outcome};
        rc = dd_runner_run(m, &ro, &res, err);
    }
    if (rc == 0)
        s->threads_used = res->threads_used;
    if (rc == 0 && res->grid != NULL) { /* NULL on the other processes of an MPI run */
        int last = sc->in.months - 1;
        for (size_t k = 0; k < DD_M_COUNT; k++) {
            const dd_acc *a = dd_grid_cell(res->grid, last, sc->in.n_regions, k);
            sc->final_mean[k] = a != NULL ? dd_acc_mean(a) : NAN;
            sc->final_sd[k] = a != NULL ? dd_acc_sd(a) : NAN;
        }
    }
    dd_results_free(res);
    dd_model_free(m);
    return rc;
}

/* A contrast's per-replication value in one scenario's current run. */
static void values_of(const dd_sens *s, const dd_sens_contrast *c, const scen *sc, double *v)
{
    for (long i = 0; i < s->reps; i++) {
        const dd_outcome *o = &sc->outcome[i];
        v[i] = c->source == DD_SENS_FROM_EXIT_REASON
                   ? (double)((int)o->exit_reason == c->index)
                   : dd_outcome_value(o, (dd_outcome_measure)c->index);
    }
}

/* Estimate every contrast from the scenarios' current runs. */
static int estimate_all(dd_sens *s, dd_sens_estimate *est, dd_error *err)
{
    for (size_t ci = 0; ci < N_CONTRASTS; ci++) {
        const dd_sens_contrast *c = &contrasts[ci];
        const scen *a = &s->sc[scen_index(s, c->scenario_a)];
        const scen *b = c->scenario_b != NULL ? &s->sc[scen_index(s, c->scenario_b)] : NULL;
        size_t n = (size_t)s->reps;
        if (c->source == DD_SENS_FROM_FINAL_MONTH) {
            welch(a->final_mean[c->index], a->final_sd[c->index], b->final_mean[c->index],
                  b->final_sd[c->index], s->reps, &est[ci]);
        } else {
            values_of(s, c, a, s->va);
            if (b != NULL)
                values_of(s, c, b, s->vb);
            if (c->kind == DD_SENS_DIFF) {
                int rc = dd_sens_diff(s->va, s->vb, n, &est[ci], err);
                if (rc != 0)
                    return rc;
            } else if (c->kind == DD_SENS_RATIO) {
                dd_sens_ratio(s->va, s->vb, n, &est[ci]);
            } else {
                dd_sens_share(s->va, n, &est[ci]);
            }
        }
        est[ci].holds = dd_sens_judge(c, est[ci].ci_low, est[ci].ci_high);
    }
    return 0;
}

/* Run every scenario with parameter p (NULL: none) at `target`, then estimate. */
static int run_setting(dd_sens *s, const dd_param_info *p, double target, dd_sens_estimate *est,
                       dd_error *err)
{
    int rc = 0;
    for (size_t k = 0; rc == 0 && k < s->n_sc; k++) {
        scen *sc = &s->sc[k];
        sc->in.params = sc->own;
        if (p != NULL)
            *dd_params_field(&sc->in.params, p) =
                dd_sens_param_value(p, dd_params_get(&sc->own, p), target);
        rc = run_scenario(s, sc, err);
        sc->in.params = sc->own;
    }
    /* Only rank 0 has the outcomes; its status decides whether every process goes on. */
    if (rc == 0 && dd_cluster_rank() == 0)
        rc = estimate_all(s, est, err);
    int all = dd_cluster_agree(rc);
    if (rc == 0 && all != 0)
        rc = dd_error_set(err, all, NULL, 0, "the estimates failed on rank 0");
    return rc;
}

static dd_sens_estimate *est_at(const dd_sens *s, size_t param, dd_sens_end end)
{
    return &s->est[(param * DD_SENS_END_COUNT + (size_t)end) * N_CONTRASTS];
}

const dd_sens_estimate *dd_sens_estimates(const dd_sens *s, size_t i, dd_sens_end end)
{
    return i < s->n_param ? est_at(s, i, end) : NULL;
}

size_t dd_sens_n_params(const dd_sens *s)
{
    return s->n_param;
}

const dd_param_info *dd_sens_param(const dd_sens *s, size_t i)
{
    return i < s->n_param ? s->param[i] : NULL;
}

int dd_sens_run(dd_sens *s, dd_error *err)
{
    size_t total = 1 + 2 * s->n_param, done = 0;
    int rc = run_setting(s, NULL, 0.0, s->base, err);
    if (rc == 0 && s->on_progress != NULL)
        s->on_progress(s->ctx, ++done, total);
    for (size_t i = 0; rc == 0 && i < s->n_param; i++) {
        const dd_param_info *p = s->param[i];
        rc = run_setting(s, p, p->plausible_min, est_at(s, i, DD_SENS_LOW), err);
        if (rc == 0)
            rc = run_setting(s, p, p->plausible_max, est_at(s, i, DD_SENS_HIGH), err);
        if (rc == 0) {
            memcpy(est_at(s, i, DD_SENS_BASE), s->base, sizeof s->base);
            done += 2;
            if (s->on_progress != NULL)
                s->on_progress(s->ctx, done, total);
        }
    }
    return rc;
}

/* --------------------------------------------------------------- output */

/* A number for the CSV: enough digits to tell runs apart, NA when undefined. */
static void put_num(FILE *f, double x)
{
    if (isnan(x))
        fputs("NA", f);
    else
        fprintf(f, "%.8g", x);
}

/* A number for people: whole numbers above 100, three significant digits below. */
static void num_str(char *buf, size_t size, double x)
{
    if (isnan(x))
        snprintf(buf, size, "-");
    else if (fabs(x) >= 100.0)
        snprintf(buf, size, "%.0f", x);
    else
        snprintf(buf, size, "%.3g", x);
}

static double param_value(const dd_param_info *p, dd_sens_end e)
{
    return e == DD_SENS_LOW ? p->plausible_min : e == DD_SENS_HIGH ? p->plausible_max : p->def;
}

static int check_written(FILE *f, const char *what, dd_error *err)
{
    if (ferror(f))
        return dd_error_set(err, DD_EIO, NULL, 0, "cannot write %s", what);
    return 0;
}

int dd_sens_write_csv(FILE *f, const dd_sens *s, dd_error *err)
{
    fputs("parameter,end,value,contrast,measure,estimate,ci_low,ci_high,holds\n", f);
    for (size_t i = 0; i < s->n_param; i++)
        for (int e = 0; e < DD_SENS_END_COUNT; e++) {
            const dd_sens_estimate *est = est_at(s, i, (dd_sens_end)e);
            for (size_t c = 0; c < N_CONTRASTS; c++) {
                fprintf(f, "%s,%s,", s->param[i]->name, dd_sens_end_name((dd_sens_end)e));
                put_num(f, param_value(s->param[i], (dd_sens_end)e));
                fprintf(f, ",%s,%s,", contrasts[c].name, contrasts[c].measure);
                put_num(f, est[c].estimate);
                fputc(',', f);
                put_num(f, est[c].ci_low);
                fputc(',', f);
                put_num(f, est[c].ci_high);
                fprintf(f, ",%s\n", dd_sens_holds_name(est[c].holds));
            }
        }
    return check_written(f, "sensitivity.csv", err);
}

/* How far a parameter's ends move a contrast from the baseline. */
static double swing(const dd_sens *s, size_t param, size_t c)
{
    double b = s->base[c].estimate;
    double lo = est_at(s, param, DD_SENS_LOW)[c].estimate;
    double hi = est_at(s, param, DD_SENS_HIGH)[c].estimate;
    double d1 = isnan(lo) ? 0.0 : fabs(lo - b), d2 = isnan(hi) ? 0.0 : fabs(hi - b);
    return d1 > d2 ? d1 : d2;
}

static int flips(const dd_sens *s, size_t param, size_t c)
{
    return est_at(s, param, DD_SENS_LOW)[c].holds != s->base[c].holds ||
           est_at(s, param, DD_SENS_HIGH)[c].holds != s->base[c].holds;
}

/* Parameters ordered by decreasing swing on contrast c; ties keep table order. */
static void order_by_swing(const dd_sens *s, size_t c, size_t *order)
{
    for (size_t i = 0; i < s->n_param; i++)
        order[i] = i;
    for (size_t i = 1; i < s->n_param; i++) { /* insertion sort: stable, P is small */
        size_t v = order[i], j = i;
        double sv = swing(s, v, c);
        while (j > 0 && swing(s, order[j - 1], c) < sv) {
            order[j] = order[j - 1];
            j--;
        }
        order[j] = v;
    }
}

int dd_sens_write_summary(FILE *f, const dd_sens *s, const char *command, dd_error *err)
{
    size_t *order = calloc(s->n_param + 1, sizeof *order);
    if (order == NULL)
        return dd_error_set(err, DD_ENOMEM, NULL, 0, "out of memory");
    fprintf(f,
            "%ld replications per scenario and setting, seed %llu (the scenarios'), %zu "
            "parameter%s each at both ends of its plausible range (`%s`).\n\n",
            s->reps, (unsigned long long)s->sc[0].in.seed, s->n_param, s->n_param == 1 ? "" : "s",
            command);
    fputs("| contrast | estimate | conclusion | baseline (95% CI) | holds | moved most by "
          "(estimate at the low end / high end) | flipped by |\n",
          f);
    fputs("|---|---|---|---|---|---|---|\n", f);
    for (size_t c = 0; c < N_CONTRASTS; c++) {
        const dd_sens_contrast *k = &contrasts[c];
        const dd_sens_estimate *b = &s->base[c];
        char e[32], lo[32], hi[32], thr[32];
        num_str(e, sizeof e, b->estimate);
        num_str(lo, sizeof lo, b->ci_low);
        num_str(hi, sizeof hi, b->ci_high);
        num_str(thr, sizeof thr, k->threshold);
        fprintf(f, "| %s | %s: %s | %c %s | %s (%s to %s) | %s%s%s | ", k->name, k->measure,
                k->label, k->op, thr, e, lo, hi, b->holds == DD_SENS_HOLDS_YES ? "" : "**",
                dd_sens_holds_name(b->holds), b->holds == DD_SENS_HOLDS_YES ? "" : "**");
        order_by_swing(s, c, order);
        size_t shown = 0;
        for (size_t r = 0; r < s->n_param && shown < SUMMARY_MOVERS; r++) {
            size_t i = order[r];
            if (swing(s, i, c) == 0.0)
                break;
            num_str(lo, sizeof lo, est_at(s, i, DD_SENS_LOW)[c].estimate);
            num_str(hi, sizeof hi, est_at(s, i, DD_SENS_HIGH)[c].estimate);
            fprintf(f, "%s`%s` %s / %s", shown > 0 ? "; " : "", s->param[i]->name, lo, hi);
            shown++;
        }
        fputs(shown == 0 ? "none | " : " | ", f);
        size_t n_flips = 0;
        for (size_t r = 0; r < s->n_param; r++) {
            size_t i = order[r];
            if (!flips(s, i, c))
                continue;
            if (n_flips < SUMMARY_FLIPS) {
                fprintf(f, "%s`%s` (", n_flips > 0 ? "; " : "", s->param[i]->name);
                int first = 1;
                for (int end = DD_SENS_LOW; end <= DD_SENS_HIGH; end += 2) {
                    dd_sens_holds h = est_at(s, i, (dd_sens_end)end)[c].holds;
                    if (h == b->holds)
                        continue;
                    fprintf(f, "%s%s: %s", first ? "" : ", ", dd_sens_end_name((dd_sens_end)end),
                            dd_sens_holds_name(h));
                    first = 0;
                }
                fputc(')', f);
            }
            n_flips++;
        }
        if (n_flips > SUMMARY_FLIPS)
            fprintf(f, "; and %zu more", n_flips - SUMMARY_FLIPS);
        fputs(n_flips == 0 ? "none |\n" : " |\n", f);
    }
    fputs("\n\"Holds\": yes when the whole 95% interval is on the conclusion's side, no when it "
          "is all on the other side, unclear otherwise. Conclusions:\n\n",
          f);
    for (size_t c = 0; c < N_CONTRASTS; c++)
        fprintf(f, "- %s, %s: %s.\n", contrasts[c].name, contrasts[c].measure,
                contrasts[c].conclusion);
    fputs("\nThe tornado charts (`charts/tornado-*.png` in the output folder) show the ", f);
    fprintf(f,
            "%d parameters that move each contrast most; `sensitivity.csv` has every "
            "estimate.\n",
            TORNADO_MAX);
    free(order);
    return check_written(f, "summary.md", err);
}

/* ---------------------------------------------------------------- charts */

/* Write the .dat and .gp files of contrast c's tornado chart. */
static int write_tornado(const char *dir, const dd_sens *s, size_t c, const size_t *order,
                         dd_chart_set *set, dd_error *err)
{
    const dd_sens_contrast *k = &contrasts[c];
    char stem[96], path[1400], title[256], caption[768];
    snprintf(stem, sizeof stem, "tornado-%s-%s", k->name, k->measure);
    for (char *p = stem; *p; p++)
        if (*p == '_')
            *p = '-';
    /* Parameters that move it, most first; if none does, the first few (all at the base). */
    size_t n = 0;
    while (n < s->n_param && n < TORNADO_MAX && swing(s, order[n], c) > 0.0)
        n++;
    if (n == 0)
        n = s->n_param < 5 ? s->n_param : 5;
    double base = s->base[c].estimate, xmin = base, xmax = base;
    if (!isnan(k->threshold)) {
        xmin = fmin(xmin, k->threshold);
        xmax = fmax(xmax, k->threshold);
    }
    snprintf(path, sizeof path, "%s/%s.dat", dir, stem);
    FILE *f = fopen(path, "w");
    if (f == NULL)
        return dd_error_set(err, DD_EIO, NULL, 0, "cannot create %s", path);
    fprintf(f,
            "# %s, %s: estimate with each parameter at the low and the high end of its\n"
            "# plausible range, the others at the scenarios' values (drawdown-sensitivity).\n"
            "# Baseline %.8g; conclusion: estimate %c %g. \"(flips)\" marks a parameter whose\n"
            "# range changes whether the conclusion holds.\n"
            "# rank parameter low high base\n",
            k->measure, k->label, base, k->op, k->threshold);
    for (size_t r = 0; r < n; r++) {
        size_t i = order[r];
        double lo = est_at(s, i, DD_SENS_LOW)[c].estimate;
        double hi = est_at(s, i, DD_SENS_HIGH)[c].estimate;
        if (isnan(lo))
            lo = base;
        if (isnan(hi))
            hi = base;
        xmin = fmin(xmin, fmin(lo, hi));
        xmax = fmax(xmax, fmax(lo, hi));
        fprintf(f, "%zu \"%s%s\" %.8g %.8g %.8g\n", r + 1, s->param[i]->name,
                flips(s, i, c) ? " (flips)" : "", lo, hi, base);
    }
    int bad = ferror(f);
    if (fclose(f) != 0 || bad)
        return dd_error_set(err, DD_EIO, NULL, 0, "cannot write %s", path);
    if (isnan(xmin) || isnan(xmax)) {
        xmin = 0.0;
        xmax = 1.0;
    }
    double pad = (xmax - xmin) * 0.08;
    if (!(pad > 0.0))
        pad = fabs(xmax) > 0.0 ? 0.1 * fabs(xmax) : 1.0;

    snprintf(title, sizeof title, "%s: %s", k->measure, k->label);
    snprintf(caption, sizeof caption,
             "How far each parameter, moved alone to the low (blue) or high (orange) end of its "
             "plausible range, shifts %s (%s). The grey line is the baseline estimate, the red "
             "dashed line the threshold of the conclusion (%c %g): %s. \"(flips)\" marks a "
             "parameter whose range changes whether the conclusion holds.",
             k->measure, k->label, k->op, k->threshold, k->conclusion);
    snprintf(path, sizeof path, "%s/%s.gp", dir, stem);
    f = fopen(path, "w");
    if (f == NULL)
        return dd_error_set(err, DD_EIO, NULL, 0, "cannot create %s", path);
    dd_chart_script_begin(f, stem, title, "sensitivity.csv (drawdown-sensitivity)", 1000,
                          (int)(190 + 34 * n));
    fprintf(f, "  set title \"%s\"\n", title);
    fprintf(f,
            "  set xlabel \"%s (bars: parameter at the low / high end of its plausible "
            "range)\"\n",
            k->measure);
    fprintf(f, "  set xrange [%.8g:%.8g]\n", xmin - pad, xmax + pad);
    fprintf(f, "  set yrange [%zu.5:0.5]\n", n);
    fprintf(f, "  set ytics nomirror scale 0\n  set grid xtics\n  set lmargin 34\n");
    fprintf(f, "  set key outside below center horizontal\n");
    fprintf(f, "  set style fill solid 0.85 noborder\n");
    fprintf(f,
            "  set arrow 1 from %.8g, graph 0 to %.8g, graph 1 nohead lw 2 lc rgb \"#333333\" "
            "front\n",
            base, base);
    fprintf(f,
            "  set arrow 2 from %.8g, graph 0 to %.8g, graph 1 nohead dt 2 lw 2 lc rgb "
            "\"#d62728\" front\n",
            k->threshold, k->threshold);
    fprintf(f, "  set bmargin 7\n");
    fprintf(f,
            "  plot datafile using (($3+$5)/2):1:($3<$5?$3:$5):($3<$5?$5:$3):($1-0.4):($1):"
            "ytic(2) with boxxyerror lc rgb \"#1f77b4\" title \"low end\", \\\n"
            "       datafile using (($4+$5)/2):1:($4<$5?$4:$5):($4<$5?$5:$4):($1):($1+0.4) "
            "with boxxyerror lc rgb \"#ff7f0e\" title \"high end\", \\\n"
            "       NaN with lines lw 2 lc rgb \"#333333\" title \"baseline\", \\\n"
            "       NaN with lines dt 2 lw 2 lc rgb \"#d62728\" title \"conclusion: %c %g\"\n",
            k->op, k->threshold);
    dd_chart_script_end(f);
    bad = ferror(f);
    if (fclose(f) != 0 || bad)
        return dd_error_set(err, DD_EIO, NULL, 0, "cannot write %s", path);
    return dd_chart_set_add(set, stem, title, caption, err);
}

int dd_sens_write_charts(const char *dir, const dd_sens *s, dd_chart_set *set, dd_error *err)
{
    size_t *order = calloc(s->n_param + 1, sizeof *order);
    if (order == NULL)
        return dd_error_set(err, DD_ENOMEM, NULL, 0, "out of memory");
    int rc = 0;
    for (size_t c = 0; rc == 0 && c < N_CONTRASTS; c++) {
        order_by_swing(s, c, order);
        rc = write_tornado(dir, s, c, order, set, err);
    }
    free(order);
    return rc;
}

void dd_sens_write_manifest(FILE *f, const dd_sens *s)
{
    fprintf(f, "scenario_dir: %s\nscenarios:", s->scenario_dir);
    for (size_t i = 0; i < s->n_sc; i++)
        fprintf(f, " %s", s->sc[i].name);
    fprintf(f, "\nseed: %llu\nreplications: %ld\nthreads: %d\nparameters: %zu\nruns: %zu\n",
            (unsigned long long)s->sc[0].in.seed, s->reps, s->threads_used, s->n_param,
            dd_sens_runs(s));
}

/*
 * dd_results: see dd_results.h. Each file is read with dd_table (strict
 * CSV) and cross-checked against the manifest and run.cfg.
 */
#define _POSIX_C_SOURCE 200809L

#include "dd_results.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "dd_month.h"
#include "dd_scenario.h"
#include "dd_sha256.h"
#include "dd_table.h"

/* ---------------------------------------------------------------- helpers */

char *dd_run_path(const char *dir, const char *name)
{
    size_t ld = strlen(dir), ln = strlen(name);
    char *p = malloc(ld + ln + 2);
    if (p == NULL)
        return NULL;
    memcpy(p, dir, ld);
    size_t k = ld;
    if (k == 0 || p[k - 1] != '/')
        p[k++] = '/';
    memcpy(p + k, name, ln + 1);
    return p;
}

static void free_names(char **v, size_t n)
{
    if (v == NULL)
        return;
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

/* Append a copy of name to a list of names; returns its index or -1 (no memory). */
static long add_name(char ***v, size_t *n, const char *name)
{
    char **nv = realloc(*v, (*n + 1) * sizeof *nv);
    if (nv == NULL)
        return -1;
    *v = nv;
    char *c = strdup(name);
    if (c == NULL)
        return -1;
    nv[*n] = c;
    return (long)(*n)++;
}

static long find_name(char *const *v, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(v[i], name) == 0)
            return (long)i;
    return -1;
}

/* Strict whole-number parse (digits only). */
static int parse_long(const char *s, long *out)
{
    if (*s == '\0')
        return -1;
    for (const char *p = s; *p; p++)
        if (*p < '0' || *p > '9')
            return -1;
    errno = 0;
    char *end = NULL;
    long v = strtol(s, &end, 10);
    if (errno != 0 || *end != '\0')
        return -1;
    *out = v;
    return 0;
}

/* ------------------------------------------------------------- manifest */

void dd_manifest_free(dd_manifest *m)
{
    if (m == NULL)
        return;
    free_names(m->line, m->n);
    free(m->path);
    memset(m, 0, sizeof *m);
}

int dd_manifest_read(const char *path, dd_manifest *m, dd_error *err)
{
    memset(m, 0, sizeof *m);
    FILE *f = fopen(path, "r");
    if (f == NULL)
        return dd_error_set(err, DD_ECONFIG, path, 0, "cannot read: %s", strerror(errno));
    int rc = 0;
    if ((m->path = strdup(path)) == NULL)
        rc = dd_error_set(err, DD_ENOMEM, path, 0, "out of memory");
    char line[4096];
    while (rc == 0 && fgets(line, sizeof line, f) != NULL) {
        line[strcspn(line, "\r\n")] = '\0';
        if (add_name(&m->line, &m->n, line) < 0)
            rc = dd_error_set(err, DD_ENOMEM, path, 0, "out of memory");
    }
    fclose(f);
    if (rc != 0)
        dd_manifest_free(m);
    return rc;
}

const char *dd_manifest_value(const dd_manifest *m, const char *key)
{
    size_t klen = strlen(key);
    for (size_t i = 0; i < m->n; i++) {
        const char *l = m->line[i];
        if (strncmp(l, key, klen) == 0 && l[klen] == ':' && l[klen + 1] == ' ')
            return l + klen + 2;
    }
    return NULL;
}

int dd_manifest_require(const dd_manifest *m, const char *key, const char **out, dd_error *err)
{
    *out = dd_manifest_value(m, key);
    if (*out == NULL)
        return dd_error_set(err, DD_ECONFIG, m->path, 0, "no \"%s:\" line (damaged manifest?)",
                            key);
    return 0;
}

static int read_manifest(dd_run *run, const dd_manifest *m, dd_error *err)
{
    const char *path = m->path, *v = dd_manifest_value(m, "kind");
    if (v != NULL)
        return dd_error_set(err, DD_ECONFIG, path, 0,
                            "this is a %s folder, not the output of drawdown run", v);
    int rc = dd_manifest_require(m, "program", &v, err);
    if (rc != 0)
        return rc;
    snprintf(run->program, sizeof run->program, "%s", v);
    if ((rc = dd_manifest_require(m, "scenario", &v, err)) != 0)
        return rc;
    if (strlen(v) >= sizeof run->name || v[0] == '\0')
        return dd_error_set(err, DD_ECONFIG, path, 0, "scenario name is empty or too long");
    snprintf(run->name, sizeof run->name, "%s", v);
    v = dd_manifest_value(m, "scenario_file");
    snprintf(run->scenario_file, sizeof run->scenario_file, "%s", v != NULL ? v : "");

    if ((rc = dd_manifest_require(m, "months", &v, err)) != 0)
        return rc;
    char first[16], last[16];
    int count = 0, a = 0, b = 0;
    if (sscanf(v, "%15s to %15s (%d)", first, last, &count) != 3 ||
        dd_month_parse(first, &a) != 0 || dd_month_parse(last, &b) != 0 || count < 1 ||
        b - a + 1 != count)
        return dd_error_set(err, DD_ECONFIG, path, 0, "months line \"%s\" is not understood", v);
    run->start_month = a;
    run->months = count;

    if ((rc = dd_manifest_require(m, "seed", &v, err)) != 0)
        return rc;
    int ok = *v != '\0';
    for (const char *p = v; *p; p++)
        ok = ok && *p >= '0' && *p <= '9';
    errno = 0;
    unsigned long long seed = ok ? strtoull(v, NULL, 10) : 0;
    if (!ok || errno != 0)
        return dd_error_set(err, DD_ECONFIG, path, 0, "seed \"%s\" is not a whole number", v);
    run->seed = (uint64_t)seed;
    if ((rc = dd_manifest_require(m, "replications", &v, err)) != 0)
        return rc;
    long reps = 0;
    if (parse_long(v, &reps) != 0 || reps < 1)
        return dd_error_set(err, DD_ECONFIG, path, 0, "replications \"%s\" is not a whole number",
                            v);
    run->replications = reps;
    if ((rc = dd_manifest_require(m, "run_cfg_sha256", &v, err)) != 0)
        return rc;
    if (strlen(v) != 64)
        return dd_error_set(err, DD_ECONFIG, path, 0, "run_cfg_sha256 is not a SHA-256");
    snprintf(run->run_cfg_sha256, sizeof run->run_cfg_sha256, "%s", v);
    return 0;
}

/* read_manifest of the manifest file at `path`, read here. */
static int read_manifest_file(dd_run *run, const char *path, dd_error *err)
{
    dd_manifest m;
    int rc = dd_manifest_read(path, &m, err);
    if (rc == 0)
        rc = read_manifest(run, &m, err);
    dd_manifest_free(&m);
    return rc;
}

/* -------------------------------------------------------------- run.cfg */

static int check_run_cfg(dd_run *run, const char *path, dd_error *err)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return dd_error_set(err, DD_ECONFIG, path, 0, "cannot read: %s", strerror(errno));
    dd_sha256 sha;
    dd_sha256_init(&sha);
    unsigned char buf[8192];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        dd_sha256_update(&sha, buf, n);
    int bad = ferror(f);
    fclose(f);
    if (bad)
        return dd_error_set(err, DD_ECONFIG, path, 0, "cannot read: read error");
    char hex[65];
    dd_sha256_hex(&sha, hex);
    if (strcmp(hex, run->run_cfg_sha256) != 0)
        return dd_error_set(
            err, DD_ECONFIG, path, 0,
            "does not match run_cfg_sha256 of manifest.txt (changed after the run?)");
    int rc = dd_scenario_load(path, &run->input, err);
    if (rc != 0)
        return rc;
    const dd_input *in = &run->input;
    if (strcmp(in->name, run->name) != 0)
        return dd_error_set(err, DD_ECONFIG, path, 0,
                            "scenario \"%s\" but manifest.txt says \"%s\"", in->name, run->name);
    if (in->start_month != run->start_month || in->months != run->months)
        return dd_error_set(err, DD_ECONFIG, path, 0, "months differ from manifest.txt");
    if (in->seed != run->seed || in->replications != run->replications)
        return dd_error_set(err, DD_ECONFIG, path, 0,
                            "seed or replications differ from manifest.txt");
    return 0;
}

/* ------------------------------------------------------ replications.csv */

static int read_replications(dd_run *run, const char *path, dd_error *err)
{
    dd_table t;
    int rc = dd_table_load(path, &t, err);
    if (rc != 0)
        return rc;
    static const char *const head[] = {"replication", "exit_month", "exit_reason"};
    rc = dd_table_expect_header(&t, head, 3, 0, err);
    if (rc == 0 && t.n_cols < 4)
        rc = dd_error_set(err, DD_ECONFIG, path, 1, "no measure columns");
    if (rc == 0 && t.n_rows != (size_t)run->replications)
        rc = dd_error_set(err, DD_ECONFIG, path, t.n_rows > 0 ? t.line[t.n_rows - 1] : 1,
                          "%zu replications, but manifest.txt says %ld", t.n_rows,
                          run->replications);
    for (size_t c = 3; rc == 0 && c < t.n_cols; c++) {
        if (find_name(run->measure, run->n_measures, t.header[c]) >= 0)
            rc = dd_error_set(err, DD_ECONFIG, path, 1, "column %s appears twice", t.header[c]);
        else if (add_name(&run->measure, &run->n_measures, t.header[c]) < 0)
            rc = dd_error_set(err, DD_ENOMEM, path, 0, "out of memory");
    }
    size_t reps = t.n_rows;
    if (rc == 0) {
        run->value = malloc((run->n_measures * reps + 1) * sizeof *run->value);
        run->exit_month = malloc((reps + 1) * sizeof *run->exit_month);
        run->exit_reason = malloc((reps + 1) * sizeof *run->exit_reason);
        if (run->value == NULL || run->exit_month == NULL || run->exit_reason == NULL)
            rc = dd_error_set(err, DD_ENOMEM, path, 0, "out of memory");
    }
    int last = run->start_month + run->months - 1;
    for (size_t i = 0; rc == 0 && i < reps; i++) {
        long idx;
        if (parse_long(dd_table_cell(&t, i, 0), &idx) != 0 || idx != (long)i) {
            rc = dd_error_set(err, DD_ECONFIG, path, t.line[i], "replication \"%s\", expected %zu",
                              dd_table_cell(&t, i, 0), i);
            break;
        }
        const char *em = dd_table_cell(&t, i, 1);
        int m = -1;
        if (strcmp(em, "NA") != 0 &&
            (dd_month_parse(em, &m) != 0 || m < run->start_month || m > last)) {
            rc = dd_error_set(err, DD_ECONFIG, path, t.line[i],
                              "exit_month \"%s\" is not a month of the run", em);
            break;
        }
        run->exit_month[i] = m;
        const char *reason = dd_table_cell(&t, i, 2);
        if (reason[0] == '\0') {
            rc = dd_error_set(err, DD_ECONFIG, path, t.line[i], "empty exit_reason");
            break;
        }
        long r = find_name(run->reason, run->n_reasons, reason);
        if (r < 0 && (r = add_name(&run->reason, &run->n_reasons, reason)) < 0) {
            rc = dd_error_set(err, DD_ENOMEM, path, 0, "out of memory");
            break;
        }
        run->exit_reason[i] = (int)r;
        for (size_t c = 0; c < run->n_measures; c++) {
            rc = dd_table_number(&t, i, c + 3, &run->value[c * reps + i], err);
            if (rc != 0)
                break;
        }
    }
    dd_table_free(&t);
    return rc;
}

/* ------------------------------------------------------------ summary.csv */

static int read_summary(dd_run *run, const char *path, dd_error *err)
{
    dd_table t;
    int rc = dd_table_load(path, &t, err);
    if (rc != 0)
        return rc;
    static const char *const head[] = {"scenario", "measure", "n",   "mean",   "sd",
                                       "p05",      "p50",     "p95", "ci_low", "ci_high"};
    rc = dd_table_expect_header(&t, head, 10, 1, err);
    if (rc == 0) {
        run->summary = calloc(t.n_rows + 1, sizeof *run->summary);
        if (run->summary == NULL)
            rc = dd_error_set(err, DD_ENOMEM, path, 0, "out of memory");
    }
    for (size_t i = 0; rc == 0 && i < t.n_rows; i++) {
        if (strcmp(dd_table_cell(&t, i, 0), run->name) != 0) {
            rc = dd_error_set(err, DD_ECONFIG, path, t.line[i], "scenario \"%s\", expected \"%s\"",
                              dd_table_cell(&t, i, 0), run->name);
            break;
        }
        const char *measure = dd_table_cell(&t, i, 1);
        if (dd_run_summary(run, measure) != NULL) {
            rc =
                dd_error_set(err, DD_ECONFIG, path, t.line[i], "measure %s appears twice", measure);
            break;
        }
        dd_summary_row *s = &run->summary[run->n_summary];
        double *dst[] = {&s->n,   &s->mean, &s->sd,     &s->p05,
                         &s->p50, &s->p95,  &s->ci_low, &s->ci_high};
        for (size_t c = 0; c < 8 && rc == 0; c++)
            rc = dd_table_number(&t, i, c + 2, dst[c], err);
        if (rc != 0)
            break;
        if ((s->measure = strdup(measure)) == NULL) {
            rc = dd_error_set(err, DD_ENOMEM, path, 0, "out of memory");
            break;
        }
        run->n_summary++;
    }
    dd_table_free(&t);
    return rc;
}

/* Exit reasons in summary order first, so every run lists them alike. */
static int order_reasons(dd_run *run, dd_error *err)
{
    static const char prefix[] = "exit_reason_";
    size_t lp = sizeof prefix - 1;
    char **order = NULL;
    size_t n = 0;
    for (size_t i = 0; i < run->n_summary; i++) {
        const char *m = run->summary[i].measure;
        if (strncmp(m, prefix, lp) == 0 && m[lp] != '\0' && add_name(&order, &n, m + lp) < 0) {
            free_names(order, n);
            return dd_error_set(err, DD_ENOMEM, NULL, 0, "out of memory");
        }
    }
    for (size_t i = 0; i < run->n_reasons; i++)
        if (find_name(order, n, run->reason[i]) < 0 && add_name(&order, &n, run->reason[i]) < 0) {
            free_names(order, n);
            return dd_error_set(err, DD_ENOMEM, NULL, 0, "out of memory");
        }
    for (long r = 0; r < run->replications; r++)
        run->exit_reason[r] = (int)find_name(order, n, run->reason[run->exit_reason[r]]);
    free_names(run->reason, run->n_reasons);
    run->reason = order;
    run->n_reasons = n;
    return 0;
}

/* ------------------------------------------------------------ monthly.csv */

static long place_index(const dd_run *run, const char *region)
{
    if (strcmp(region, "ALL") == 0)
        return (long)run->input.n_regions;
    return dd_input_region_index(&run->input, region);
}

static int read_monthly(dd_run *run, const char *path, dd_error *err)
{
    dd_table t;
    int rc = dd_table_load(path, &t, err);
    if (rc != 0)
        return rc;
    static const char *const head[] = {"scenario", "month", "region", "metric", "mean", "sd",
                                       "p05",      "p25",   "p50",    "p75",    "p95"};
    rc = dd_table_expect_header(&t, head, 11, 1, err);
    /* First pass: metric names, in order of appearance. */
    for (size_t i = 0; rc == 0 && i < t.n_rows; i++) {
        const char *metric = dd_table_cell(&t, i, 3);
        if (metric[0] == '\0')
            rc = dd_error_set(err, DD_ECONFIG, path, t.line[i], "empty metric");
        else if (find_name(run->metric, run->n_metrics, metric) < 0 &&
                 add_name(&run->metric, &run->n_metrics, metric) < 0)
            rc = dd_error_set(err, DD_ENOMEM, path, 0, "out of memory");
    }
    if (rc == 0 && run->n_metrics == 0)
        rc = dd_error_set(err, DD_ECONFIG, path, 1, "no rows");
    run->n_places = run->input.n_regions + 1;
    size_t cells = (size_t)run->months * run->n_places * run->n_metrics;
    if (rc == 0) {
        run->monthly = malloc(cells * DD_MS_COUNT * sizeof *run->monthly);
        run->present = calloc(cells, 1);
        if (run->monthly == NULL || run->present == NULL)
            rc = dd_error_set(err, DD_ENOMEM, path, 0, "out of memory");
    }
    for (size_t i = 0; rc == 0 && i < t.n_rows; i++) {
        int line = t.line[i];
        if (strcmp(dd_table_cell(&t, i, 0), run->name) != 0) {
            rc = dd_error_set(err, DD_ECONFIG, path, line, "scenario \"%s\", expected \"%s\"",
                              dd_table_cell(&t, i, 0), run->name);
            break;
        }
        int m;
        const char *ms = dd_table_cell(&t, i, 1);
        if (dd_month_parse(ms, &m) != 0 || m < run->start_month ||
            m >= run->start_month + run->months) {
            rc = dd_error_set(err, DD_ECONFIG, path, line, "month \"%s\" is not a month of the run",
                              ms);
            break;
        }
        long place = place_index(run, dd_table_cell(&t, i, 2));
        if (place < 0) {
            rc = dd_error_set(err, DD_ECONFIG, path, line, "region \"%s\" is not in run.cfg",
                              dd_table_cell(&t, i, 2));
            break;
        }
        size_t metric = (size_t)find_name(run->metric, run->n_metrics, dd_table_cell(&t, i, 3));
        size_t cell =
            ((size_t)(m - run->start_month) * run->n_places + (size_t)place) * run->n_metrics +
            metric;
        if (run->present[cell]) {
            rc = dd_error_set(err, DD_ECONFIG, path, line, "second row for %s, %s, %s", ms,
                              dd_table_cell(&t, i, 2), dd_table_cell(&t, i, 3));
            break;
        }
        run->present[cell] = 1;
        for (size_t s = 0; s < DD_MS_COUNT && rc == 0; s++)
            rc = dd_table_number(&t, i, 4 + s, &run->monthly[cell * DD_MS_COUNT + s], err);
    }
    /* Every metric must have its national row in every month. */
    size_t all = run->n_places - 1;
    for (int tm = 0; rc == 0 && tm < run->months; tm++)
        for (size_t k = 0; k < run->n_metrics; k++)
            if (!run->present[((size_t)tm * run->n_places + all) * run->n_metrics + k]) {
                char ms[DD_MONTH_STR];
                dd_month_format(run->start_month + tm, ms);
                rc = dd_error_set(err, DD_ECONFIG, path, 0,
                                  "no row for %s, ALL, %s (file cut short?)", ms, run->metric[k]);
                break;
            }
    dd_table_free(&t);
    return rc;
}

/* ------------------------------------------------------------ exit month */

static int cmp_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

/* The ceil(p n)-th smallest of n sorted values (p = 0: the first). */
static int rank_quantile(const int *v, size_t n, double p)
{
    size_t k = (size_t)ceil(p * (double)n);
    if (k < 1)
        k = 1;
    if (k > n)
        k = n;
    return v[k - 1];
}

/* Exit month statistics, exact, from the replications (see dd_results.h). */
static int exit_stats(dd_run *run, dd_error *err)
{
    size_t n = (size_t)run->replications, k = 0;
    int *v = malloc((n + 1) * sizeof *v);
    if (v == NULL)
        return dd_error_set(err, DD_ENOMEM, NULL, 0, "out of memory");
    for (size_t i = 0; i < n; i++)
        if (run->exit_month[i] >= 0)
            v[k++] = run->exit_month[i];
    run->exited_share = n > 0 ? (double)k / (double)n : 0.0;
    run->exit_p05 = run->exit_p50 = run->exit_p95 = -1;
    if (k > 0) {
        qsort(v, k, sizeof *v, cmp_int);
        run->exit_p05 = rank_quantile(v, k, 0.05);
        run->exit_p50 = rank_quantile(v, k, 0.50);
        run->exit_p95 = rank_quantile(v, k, 0.95);
    }
    free(v);
    return 0;
}

/* ------------------------------------------------------------------- API */

void dd_run_free(dd_run *run)
{
    if (run == NULL)
        return;
    free(run->dir);
    dd_input_free(&run->input);
    free_names(run->measure, run->n_measures);
    free(run->value);
    free(run->exit_month);
    free(run->exit_reason);
    free_names(run->reason, run->n_reasons);
    for (size_t i = 0; i < run->n_summary; i++)
        free(run->summary[i].measure);
    free(run->summary);
    free_names(run->metric, run->n_metrics);
    free(run->monthly);
    free(run->present);
    memset(run, 0, sizeof *run);
    dd_input_init(&run->input);
}

int dd_run_load(const char *dir, dd_run *run, dd_error *err)
{
    return dd_run_load_manifest(dir, NULL, run, err);
}

int dd_run_load_manifest(const char *dir, const dd_manifest *m, dd_run *run, dd_error *err)
{
    memset(run, 0, sizeof *run);
    dd_input_init(&run->input);
    struct stat st;
    if (stat(dir, &st) != 0)
        return dd_error_set(err, DD_ECONFIG, dir, 0, "%s", strerror(errno));
    if (!S_ISDIR(st.st_mode))
        return dd_error_set(err, DD_ECONFIG, dir, 0, "not a folder");
    if ((run->dir = strdup(dir)) == NULL)
        return dd_error_set(err, DD_ENOMEM, NULL, 0, "out of memory");

    static const char *const files[] = {"manifest.txt", "run.cfg", "summary.csv",
                                        "replications.csv", "monthly.csv"};
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < sizeof files / sizeof files[0]; i++) {
        char *path = dd_run_path(dir, files[i]);
        if (path == NULL) {
            rc = dd_error_set(err, DD_ENOMEM, NULL, 0, "out of memory");
            break;
        }
        if (i == 0 && m != NULL)
            rc = read_manifest(run, m, err);
        else if (i == 0 && stat(path, &st) != 0)
            rc = dd_error_set(err, DD_ECONFIG, dir, 0,
                              "not a drawdown run folder (no manifest.txt)");
        else if (i == 0)
            rc = read_manifest_file(run, path, err);
        else if (i == 1)
            rc = check_run_cfg(run, path, err);
        else if (i == 2)
            rc = read_summary(run, path, err);
        else if (i == 3) {
            rc = read_replications(run, path, err);
            if (rc == 0)
                rc = order_reasons(run, err);
            if (rc == 0)
                rc = exit_stats(run, err);
        } else
            rc = read_monthly(run, path, err);
        free(path);
    }
    if (rc != 0)
        dd_run_free(run);
    return rc;
}

long dd_run_measure_index(const dd_run *run, const char *name)
{
    return find_name(run->measure, run->n_measures, name);
}

long dd_run_metric_index(const dd_run *run, const char *name)
{
    return find_name(run->metric, run->n_metrics, name);
}

long dd_run_reason_index(const dd_run *run, const char *name)
{
    return find_name(run->reason, run->n_reasons, name);
}

const dd_summary_row *dd_run_summary(const dd_run *run, const char *measure)
{
    for (size_t i = 0; i < run->n_summary; i++)
        if (strcmp(run->summary[i].measure, measure) == 0)
            return &run->summary[i];
    return NULL;
}

const double *dd_run_cell(const dd_run *run, int t, size_t place, size_t metric)
{
    if (t < 0 || t >= run->months || place >= run->n_places || metric >= run->n_metrics)
        return NULL;
    size_t cell = ((size_t)t * run->n_places + place) * run->n_metrics + metric;
    return run->present[cell] ? &run->monthly[cell * DD_MS_COUNT] : NULL;
}

size_t dd_run_all(const dd_run *run)
{
    return run->n_places - 1;
}

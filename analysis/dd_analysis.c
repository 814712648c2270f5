/* dd_analysis: see dd_analysis.h. */
#define _POSIX_C_SOURCE 200809L

#include "dd_analysis.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "dd_chart.h"
#include "dd_compare.h"
#include "dd_outdir.h"
#include "dd_report.h"
#include "dd_results.h"

#ifndef DD_VERSION
#define DD_VERSION "0.0.0"
#endif

/* Longest output folder name (the temporary folder beside it adds about 12 characters). */
#define PATH_LEN_MAX 800

/* Longest default folder name before falling back to a count of scenarios. */
#define DEFAULT_NAME_MAX 160

static int make_dir(const char *path, dd_error *err)
{
    if (mkdir(path, 0777) != 0 && errno != EEXIST)
        return dd_error_set(err, DD_EIO, NULL, 0, "cannot create folder %s: %s", path,
                            strerror(errno));
    return 0;
}

/*
 * Start the output folder (its name already in done->out): refused when the
 * name is too long for the fixed path buffers below, or as dd_outdir_begin
 * refuses it.
 */
static int begin_out(const dd_analysis_opts *o, const dd_analysis_done *done, dd_outdir **od,
                     dd_error *err)
{
    if (strlen(done->out) > PATH_LEN_MAX)
        return dd_error_set(err, DD_EUSAGE, NULL, 0, "output folder name longer than %d characters",
                            PATH_LEN_MAX);
    return dd_outdir_begin(od, done->out, o->force, err);
}

/* Write a file into the output folder through a callback. */
typedef int (*writer_fn)(FILE *f, const void *ctx, dd_error *err);

static int write_out(dd_outdir *od, const char *name, writer_fn fn, const void *ctx, dd_error *err)
{
    FILE *f = NULL;
    int rc = dd_outdir_open(od, name, &f, err);
    if (rc != 0)
        return rc;
    rc = fn(f, ctx, err);
    int rc2 = dd_outdir_close(od, f, name, err);
    return rc != 0 ? rc : rc2;
}

/* ------------------------------------------------------------- compare */

static int load_runs(const dd_analysis_opts *o, dd_run **runs, dd_error *err)
{
    *runs = calloc(o->n_dirs, sizeof **runs);
    if (*runs == NULL)
        return dd_error_set(err, DD_ENOMEM, NULL, 0, "out of memory");
    for (size_t i = 0; i < o->n_dirs; i++)
        dd_input_init(&(*runs)[i].input);
    for (size_t i = 0; i < o->n_dirs; i++) {
        int rc = dd_run_load(o->dirs[i], &(*runs)[i], err);
        if (rc != 0)
            return rc;
    }
    return 0;
}

static void free_runs(dd_run *runs, size_t n)
{
    if (runs == NULL)
        return;
    for (size_t i = 0; i < n; i++)
        dd_run_free(&runs[i]);
    free(runs);
}

typedef struct compare_manifest {
    const dd_comparison *c;
    size_t charts;
} compare_manifest;

static int write_compare_manifest(FILE *f, const void *vctx, dd_error *err)
{
    const compare_manifest *m = vctx;
    const dd_comparison *c = m->c;
    fprintf(f, "program: drawdown %s\n", DD_VERSION);
    fprintf(f, "kind: comparison\n");
    fprintf(f, "baseline: %s\n", c->scen[0].name);
    fprintf(f, "scenarios:");
    for (size_t i = 1; i < c->n_scen; i++)
        fprintf(f, " %s", c->scen[i].name);
    fprintf(f, "\nruns:");
    for (size_t i = 0; i < c->n_scen; i++)
        fprintf(f, " %s", c->scen[i].run_dir);
    fprintf(f, "\npaired: %s\n", c->paired ? "yes" : "no");
    if (!c->paired)
        fprintf(f, "unpaired_reason: %s\n", c->unpaired_reason);
    fprintf(f, "charts: %zu\n", m->charts);
    fprintf(f, "files: compare.csv scenarios.csv charts/ manifest.txt\n");
    (void)err;
    return 0;
}

static int write_compare_csv(FILE *f, const void *c, dd_error *err)
{
    return dd_compare_write_csv(f, c, err);
}

static int write_scenarios_csv(FILE *f, const void *c, dd_error *err)
{
    return dd_compare_write_scenarios(f, c, err);
}

static void default_compare_dir(char *buf, size_t size, const dd_comparison *c)
{
    size_t used = (size_t)snprintf(buf, size, "out/compare-%s", c->scen[0].name);
    for (size_t i = 1; i < c->n_scen && used < size; i++)
        used += (size_t)snprintf(buf + used, size - used, "-vs-%s", c->scen[i].name);
    if (used > DEFAULT_NAME_MAX)
        snprintf(buf, size, "out/compare-%s-vs-%zu-scenarios", c->scen[0].name, c->n_scen - 1);
}

int dd_analysis_compare(const dd_analysis_opts *o, dd_analysis_done *done, dd_error *err)
{
    memset(done, 0, sizeof *done);
    if (o->n_dirs < 2)
        return dd_error_set(err, DD_EUSAGE, NULL, 0, "compare needs at least two run folders");
    dd_run *runs = NULL;
    int rc = load_runs(o, &runs, err);
    size_t baseline = 0;
    if (rc == 0 && o->baseline != NULL) {
        size_t i = 0;
        while (i < o->n_dirs && strcmp(runs[i].name, o->baseline) != 0)
            i++;
        if (i == o->n_dirs)
            rc = dd_error_set(err, DD_EUSAGE, NULL, 0,
                              "--baseline %s is not the scenario of any run folder given",
                              o->baseline);
        baseline = i;
    }
    dd_comparison cmp;
    memset(&cmp, 0, sizeof cmp);
    if (rc == 0)
        rc = dd_compare_runs(runs, o->n_dirs, baseline, &cmp, err);
    if (rc == 0) {
        if (o->out != NULL)
            snprintf(done->out, sizeof done->out, "%s", o->out);
        else
            default_compare_dir(done->out, sizeof done->out, &cmp);
    }
    dd_outdir *od = NULL;
    if (rc == 0)
        rc = begin_out(o, done, &od, err);
    dd_chart_set set = {NULL, 0, 0};
    char charts[1100];
    if (rc == 0) {
        snprintf(charts, sizeof charts, "%s/charts", dd_outdir_tmp_path(od));
        rc = make_dir(charts, err);
    }
    if (rc == 0)
        rc = write_out(od, "compare.csv", write_compare_csv, &cmp, err);
    if (rc == 0)
        rc = write_out(od, "scenarios.csv", write_scenarios_csv, &cmp, err);
    if (rc == 0)
        rc = dd_chart_compare(charts, runs, o->n_dirs, baseline, &set, err);
    if (rc == 0)
        rc = dd_chart_render(charts, &set, o->gnuplot, o->jobs, err);
    if (rc == 0)
        rc = dd_chart_write_index_file(charts, &set, err);
    if (rc == 0) {
        compare_manifest m = {&cmp, set.n};
        rc = write_out(od, "manifest.txt", write_compare_manifest, &m, err);
    }
    if (rc == 0) {
        rc = dd_outdir_commit(od, err);
        od = NULL;
    }
    if (rc == 0) {
        done->paired = cmp.paired;
        snprintf(done->unpaired_reason, sizeof done->unpaired_reason, "%s", cmp.unpaired_reason);
        done->rows = cmp.n_rows;
        done->charts = set.n;
    }
    dd_outdir_abort(od);
    dd_chart_set_free(&set);
    dd_comparison_free(&cmp);
    free_runs(runs, o->n_dirs);
    return rc;
}

/* -------------------------------------------------------------- report */

/* A source folder of a report: a run or a comparison, and its charts. */
typedef struct source {
    int is_cmp;
    dd_run run;
    dd_comparison cmp;
    dd_chart_set charts;
    char charts_dir[1200];   /* where the PNG files are */
    char charts_shown[1200]; /* where the reader finds them, relative to the report */
} source;

/* Check that a comparison's charts are all there (dd_compare_load has read the rest). */
static int check_comparison_charts(const char *dir, source *s, dd_error *err)
{
    snprintf(s->charts_dir, sizeof s->charts_dir, "%s/charts", dir);
    snprintf(s->charts_shown, sizeof s->charts_shown, "%s/charts/", dir);
    char path[1400];
    snprintf(path, sizeof path, "%s/charts.csv", s->charts_dir);
    int rc = dd_chart_read_index(path, &s->charts, err);
    for (size_t i = 0; rc == 0 && i < s->charts.n; i++) {
        snprintf(path, sizeof path, "%s/%s.png", s->charts_dir, s->charts.items[i].name);
        struct stat st;
        if (stat(path, &st) != 0 || st.st_size == 0)
            rc = dd_error_set(err, DD_ECONFIG, path, 0,
                              "missing or empty (damaged comparison folder? run drawdown compare "
                              "again)");
    }
    return rc;
}

/*
 * Read a source folder: a comparison when its manifest says `kind:
 * comparison`, else a run. The manifest is read once, here, and handed to
 * the reader; a folder without one goes to dd_run_load, which says what is
 * wrong with it.
 */
static int load_source(const char *dir, source *s, dd_error *err)
{
    char *path = dd_run_path(dir, "manifest.txt");
    if (path == NULL)
        return dd_error_set(err, DD_ENOMEM, NULL, 0, "out of memory");
    struct stat st;
    int have = stat(path, &st) == 0;
    dd_manifest m;
    memset(&m, 0, sizeof m);
    int rc = have ? dd_manifest_read(path, &m, err) : 0;
    free(path);
    const char *kind = rc == 0 ? dd_manifest_value(&m, "kind") : NULL;
    s->is_cmp = kind != NULL && strcmp(kind, "comparison") == 0;
    if (rc == 0 && kind != NULL && !s->is_cmp)
        rc = dd_error_set(err, DD_ECONFIG, dir, 0,
                          "is a %s folder; report reads run and comparison folders", kind);
    else if (rc == 0 && s->is_cmp)
        rc = dd_compare_load_manifest(dir, &m, &s->cmp, err);
    else if (rc == 0)
        rc = dd_run_load_manifest(dir, have ? &m : NULL, &s->run, err);
    if (rc == 0 && s->is_cmp)
        rc = check_comparison_charts(dir, s, err);
    dd_manifest_free(&m);
    return rc;
}

static int write_report_manifest(FILE *f, const void *vctx, dd_error *err)
{
    const dd_analysis_opts *o = vctx;
    fprintf(f, "program: drawdown %s\nkind: report\nsources:", DD_VERSION);
    for (size_t i = 0; i < o->n_dirs; i++)
        fprintf(f, " %s", o->dirs[i]);
    fprintf(f, "\nfiles: report.html charts/ manifest.txt\n");
    (void)err;
    return 0;
}

typedef struct report_ctx {
    const char *title;
    const dd_report_item *items;
    size_t n;
} report_ctx;

static int write_report_html(FILE *f, const void *vctx, dd_error *err)
{
    const report_ctx *r = vctx;
    return dd_report_write(f, r->title, "drawdown " DD_VERSION, r->items, r->n, err);
}

int dd_analysis_report(const dd_analysis_opts *o, dd_analysis_done *done, dd_error *err)
{
    memset(done, 0, sizeof *done);
    if (o->n_dirs < 1)
        return dd_error_set(err, DD_EUSAGE, NULL, 0, "report needs a run or comparison folder");
    if (o->n_dirs > 1 && o->out == NULL)
        return dd_error_set(err, DD_EUSAGE, NULL, 0, "a report of several folders needs --out DIR");
    source *src = calloc(o->n_dirs, sizeof *src);
    dd_report_item *items = calloc(o->n_dirs, sizeof *items);
    if (src == NULL || items == NULL) {
        free(src);
        free(items);
        return dd_error_set(err, DD_ENOMEM, NULL, 0, "out of memory");
    }
    for (size_t i = 0; i < o->n_dirs; i++)
        dd_input_init(&src[i].run.input);
    int rc = 0;
    size_t loaded = 0;
    for (size_t i = 0; rc == 0 && i < o->n_dirs; i++) {
        rc = load_source(o->dirs[i], &src[i], err);
        loaded = i + 1;
        for (size_t j = 0; rc == 0 && !src[i].is_cmp && j < i; j++)
            if (!src[j].is_cmp && strcmp(src[j].run.name, src[i].run.name) == 0)
                rc = dd_error_set(err, DD_ECONFIG, o->dirs[i], 0,
                                  "scenario %s is also the scenario of %s; a report shows each "
                                  "scenario once",
                                  src[i].run.name, o->dirs[j]);
    }
    if (rc == 0) {
        if (o->out != NULL)
            snprintf(done->out, sizeof done->out, "%s", o->out);
        else {
            const char *d = o->dirs[0];
            size_t len = strlen(d);
            while (len > 1 && d[len - 1] == '/')
                len--;
            snprintf(done->out, sizeof done->out, "%.*s/report", (int)len, d);
        }
    }
    dd_outdir *od = NULL;
    if (rc == 0)
        rc = begin_out(o, done, &od, err);
    size_t n_runs = 0;
    for (size_t i = 0; i < loaded; i++)
        n_runs += !src[i].is_cmp;
    if (rc == 0) {
        char charts[1100];
        snprintf(charts, sizeof charts, "%s/charts", dd_outdir_tmp_path(od));
        if (n_runs > 0)
            rc = make_dir(charts, err);
        /* One run: charts/<name>.*; several: charts/<scenario>/<name>.* */
        for (size_t i = 0; rc == 0 && i < o->n_dirs; i++) {
            source *s = &src[i];
            if (s->is_cmp)
                continue;
            if (n_runs == 1) {
                snprintf(s->charts_dir, sizeof s->charts_dir, "%s", charts);
                snprintf(s->charts_shown, sizeof s->charts_shown, "charts/");
            } else {
                snprintf(s->charts_dir, sizeof s->charts_dir, "%s/%s", charts, s->run.name);
                snprintf(s->charts_shown, sizeof s->charts_shown, "charts/%s/", s->run.name);
                rc = make_dir(s->charts_dir, err);
            }
            if (rc == 0)
                rc = dd_chart_run(s->charts_dir, &s->run, &s->charts, err);
            if (rc == 0)
                rc = dd_chart_render(s->charts_dir, &s->charts, o->gnuplot, o->jobs, err);
            if (rc == 0)
                rc = dd_chart_write_index_file(s->charts_dir, &s->charts, err);
            done->charts += s->charts.n;
        }
    }
    if (rc == 0) {
        for (size_t i = 0; i < o->n_dirs; i++) {
            source *s = &src[i];
            items[i].run = s->is_cmp ? NULL : &s->run;
            items[i].cmp = s->is_cmp ? &s->cmp : NULL;
            items[i].source_dir = o->dirs[i];
            items[i].charts_dir = s->charts_dir;
            items[i].charts_shown = s->charts_shown;
            items[i].charts = &s->charts;
        }
        char title[512];
        if (o->title != NULL)
            snprintf(title, sizeof title, "%s", o->title);
        else if (o->n_dirs == 1 && !src[0].is_cmp)
            snprintf(title, sizeof title, "drawdown report: scenario %s", src[0].run.name);
        else if (o->n_dirs == 1)
            snprintf(title, sizeof title, "drawdown report: comparison against %s",
                     src[0].cmp.scen[0].name);
        else
            snprintf(title, sizeof title, "drawdown report: %zu scenario%s and %zu comparison%s",
                     n_runs, n_runs == 1 ? "" : "s", o->n_dirs - n_runs,
                     o->n_dirs - n_runs == 1 ? "" : "s");
        report_ctx ctx = {title, items, o->n_dirs};
        rc = write_out(od, "report.html", write_report_html, &ctx, err);
    }
    if (rc == 0)
        rc = write_out(od, "manifest.txt", write_report_manifest, o, err);
    if (rc == 0) {
        rc = dd_outdir_commit(od, err);
        od = NULL;
    }
    dd_outdir_abort(od);
    for (size_t i = 0; i < o->n_dirs; i++) {
        dd_run_free(&src[i].run);
        dd_comparison_free(&src[i].cmp);
        dd_chart_set_free(&src[i].charts);
    }
    free(src);
    free(items);
    return rc;
}

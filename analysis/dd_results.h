/*
 * dd_results: read the output folder of `drawdown run` back, strictly.
 *
 * A run folder holds manifest.txt, run.cfg, replications.csv, summary.csv
 * and monthly.csv (engine/io/dd_csv.h, engine/cli/main.c). Everything is
 * checked against everything else: the scenario name, months, seed and
 * replication count of the manifest against run.cfg and the CSV files, the
 * SHA-256 of run.cfg against the manifest, one replications.csv row per
 * replication in order, one monthly.csv row per (month, place, metric). A
 * damaged or mismatched file is reported as DD_ECONFIG naming `file:line`
 * (or `file` when no line applies), so the analysis never runs on a silently
 * truncated result.
 *
 * Column, measure, metric and exit-reason names are read from the files, not
 * from engine tables, so runs written by a newer model with more measures
 * still load.
 */
#ifndef DD_RESULTS_H
#define DD_RESULTS_H

#include <stddef.h>
#include <stdint.h>

#include "dd_error.h"
#include "dd_input.h"

/* Statistic columns of monthly.csv, in file order. */
enum {
    DD_MS_MEAN = 0,
    DD_MS_SD,
    DD_MS_P05,
    DD_MS_P25,
    DD_MS_P50,
    DD_MS_P75,
    DD_MS_P95,
    DD_MS_COUNT
};

/* One row of summary.csv. */
typedef struct dd_summary_row {
    char *measure;                                      /* owned */
    double n, mean, sd, p05, p50, p95, ci_low, ci_high; /* NaN where NA */
} dd_summary_row;

typedef struct dd_run {
    char *dir;               /* the folder as given; owned */
    char name[DD_NAME_MAX];  /* scenario name */
    char program[96];        /* manifest "program:", e.g. "drawdown 0.1.0" */
    char scenario_file[512]; /* manifest "scenario_file:" (may be "") */
    uint64_t seed;
    long replications;
    int start_month; /* absolute month (dd_month.h) */
    int months;
    char run_cfg_sha256[65];
    dd_input input; /* run.cfg, loaded with dd_scenario_load */

    /* replications.csv: measures are the numeric columns after exit_reason. */
    size_t n_measures;
    char **measure;   /* names; owned */
    double *value;    /* [measure * replications + replication], NaN for NA */
    int *exit_month;  /* absolute month, or -1 for NA (no exit) */
    int *exit_reason; /* index into reason[] */
    size_t n_reasons;
    char **reason; /* exit reasons: from summary.csv's exit_reason_* rows,
                      then any other seen in replications.csv; owned */

    /* summary.csv */
    size_t n_summary;
    dd_summary_row *summary;

    /* monthly.csv: places are the regions of run.cfg in order, then ALL. */
    size_t n_places;
    size_t n_metrics;
    char **metric;          /* names in first-seen order; owned */
    double *monthly;        /* [((t * n_places + place) * n_metrics + metric) * DD_MS_COUNT + s] */
    unsigned char *present; /* [(t * n_places + place) * n_metrics + metric]: row was there */

    /* Exit months over replications, exact (from replications.csv): the share
       that exited, and the ceil(p n)-th smallest exit month (absolute) among
       those that did for p = 0.05, 0.5, 0.95; -1 when none exited. */
    double exited_share;
    int exit_p05, exit_p50, exit_p95;
} dd_run;

/*
 * The "key: value" lines of a manifest.txt, read once (a run, comparison or
 * report folder has one; its readers look several keys up).
 */
typedef struct dd_manifest {
    char *path;  /* the file read, as given; owned */
    size_t n;    /* lines read */
    char **line; /* n lines in file order, without their line ends; owned */
} dd_manifest;

/*
 * Read the manifest at `path`. Returns 0, DD_ECONFIG (cannot read the file)
 * or DD_ENOMEM; on failure *m is empty. The caller frees with
 * dd_manifest_free.
 */
int dd_manifest_read(const char *path, dd_manifest *m, dd_error *err);

/* Release everything the manifest holds; NULL is a no-op. */
void dd_manifest_free(dd_manifest *m);

/*
 * The value of the first line with `key` (owned by the manifest: valid
 * until dd_manifest_free), or NULL when there is none.
 */
const char *dd_manifest_value(const dd_manifest *m, const char *key);

/* dd_manifest_value of a key that must be there: 0, or DD_ECONFIG naming the file. */
int dd_manifest_require(const dd_manifest *m, const char *key, const char **out, dd_error *err);

/*
 * Load the run folder `dir`. Returns 0, DD_ECONFIG (not a run folder,
 * missing, damaged or inconsistent file; the error names it), DD_ERANGE
 * (run.cfg out of range) or DD_ENOMEM. On failure *run is empty (safe to
 * free). The caller frees with dd_run_free.
 */
int dd_run_load(const char *dir, dd_run *run, dd_error *err);

/*
 * dd_run_load for a caller that has read the folder's manifest already
 * (dd_manifest_read of dd_run_path(dir, "manifest.txt")), so that it is
 * not read again; `m` stays the caller's (NULL: read it, as dd_run_load
 * does). Returns as dd_run_load.
 */
int dd_run_load_manifest(const char *dir, const dd_manifest *m, dd_run *run, dd_error *err);

/* Release everything the run holds; NULL is a no-op. */
void dd_run_free(dd_run *run);

/* Index of a measure of replications.csv, a metric of monthly.csv, an exit reason; or -1. */
long dd_run_measure_index(const dd_run *run, const char *name);
long dd_run_metric_index(const dd_run *run, const char *name);
long dd_run_reason_index(const dd_run *run, const char *name);

/* The summary.csv row of a measure, or NULL. */
const dd_summary_row *dd_run_summary(const dd_run *run, const char *measure);

/*
 * The DD_MS_COUNT statistics of a monthly cell (month index t from the
 * start, place 0..n_places-1 with n_places-1 = ALL), or NULL when the file
 * has no such row (a national-only metric's regional slot).
 */
const double *dd_run_cell(const dd_run *run, int t, size_t place, size_t metric);

/* The place index of ALL (the whole country). */
size_t dd_run_all(const dd_run *run);

/*
 * "dir/name" (one slash between them) in a new string the caller frees;
 * NULL when out of memory.
 */
char *dd_run_path(const char *dir, const char *name);

#endif

/*
 * dd_analysis: the `compare` and `report` commands, as library calls.
 *
 * These tie the reader (dd_results, dd_compare_load), the statistics
 * (dd_compare), the charts (dd_chart) and the page (dd_report) to an output
 * folder that is complete or absent (engine/io/dd_outdir.h): everything is
 * written into a temporary folder beside the final one and moved into place
 * at the end, an existing folder is refused unless `force`, and on any
 * failure nothing is left behind. Nothing here prints: the CLI prints the
 * warning and errors these return.
 *
 * A comparison folder holds compare.csv, scenarios.csv, charts/ (with
 * charts.csv) and manifest.txt (`kind: comparison`). A report folder holds
 * report.html, charts/ (one subfolder per scenario when it covers several
 * runs) and manifest.txt (`kind: report`).
 */
#ifndef DD_ANALYSIS_H
#define DD_ANALYSIS_H

#include <stddef.h>

#include "dd_error.h"

typedef struct dd_analysis_opts {
    const char *const *dirs; /* run folders (compare) or run and comparison folders (report) */
    size_t n_dirs;
    const char *baseline; /* compare: scenario name of the baseline; NULL: the first run */
    const char *out;      /* output folder; NULL: the default (see below) */
    const char *title;    /* report: page title; NULL: a default */
    int force;            /* replace an existing output folder of drawdown results */
    const char *gnuplot;  /* program to draw charts with ("gnuplot") */
    int jobs;             /* gnuplot processes at a time, >= 1 */
} dd_analysis_opts;

/* What a finished command reports back for the CLI to print. */
typedef struct dd_analysis_done {
    char out[1024];            /* the folder written */
    int paired;                /* compare: 1 when the differences are paired */
    char unpaired_reason[256]; /* compare: why not, when not */
    size_t rows;               /* compare: rows of compare.csv */
    size_t charts;             /* charts drawn */
} dd_analysis_done;

/*
 * drawdown compare: read the run folders, compare every run against the
 * baseline and write the comparison folder. Default output folder:
 * out/compare-<baseline>-vs-<other>[-vs-<other>...] (or, when that is too
 * long, out/compare-<baseline>-vs-<n>-scenarios). Returns 0; DD_EUSAGE (fewer
 * than two folders, unknown baseline); DD_ECONFIG (damaged or mismatched run
 * folders: the error names the file); DD_EEXIST (output exists, no force);
 * DD_ERUN (gnuplot failed); DD_EIO; DD_ENOMEM.
 */
int dd_analysis_compare(const dd_analysis_opts *o, dd_analysis_done *done, dd_error *err);

/*
 * drawdown report: read run and comparison folders, draw the runs' charts,
 * and write report.html. Default output folder: <folder>/report for a
 * single folder; several folders need `out`. Errors as for compare.
 */
int dd_analysis_report(const dd_analysis_opts *o, dd_analysis_done *done, dd_error *err);

#endif

/*
 * dd_report: report.html, one self-contained page a seminar reads.
 *
 * The page has no script and loads nothing: its style is one <style> block
 * and its charts are PNG files inlined as base64 data URIs, so it opens
 * offline and can be mailed as one file. It says what was run (scenario
 * descriptions, seed, replications, program version), gives the key table,
 * the charts with a caption on how to read each, and one paragraph for each
 * argument of the seminar (dd_argument), generated from the numbers of the
 * run or comparison. The paragraph generators are pure functions, public so
 * that tests can check the wording against fixed numbers: the wording
 * follows the intervals ("cannot tell apart" when a 95% interval includes
 * zero) and never takes a side in advance.
 */
#ifndef DD_REPORT_H
#define DD_REPORT_H

#include <stddef.h>
#include <stdio.h>

#include "dd_chart.h"
#include "dd_compare.h"
#include "dd_error.h"
#include "dd_results.h"

/* The arguments of the seminar, in the order the report discusses them. */
typedef enum {
    DD_ARG_VACUUM = 0, /* leaving opens a security vacuum */
    DD_ARG_CONDITIONS, /* leave when conditions are met, not on a date */
    DD_ARG_CONSENT,    /* counter: staying erodes consent and legitimacy */
    DD_ARG_PARTNER, /* counter: the militarised partner that replaces the mission harms civilians */
    DD_ARG_HOST,    /* counter: the host can hold alone */
    DD_ARG_COUNT
} dd_argument;

/* Heading of an argument, e.g. "The security vacuum". */
const char *dd_report_argument_title(dd_argument a);

/*
 * Write v with `decimals` decimals and thousands separators (1,486,568),
 * a minus sign for negatives. "n/a" for NaN or infinity.
 */
void dd_report_number(char *buf, size_t size, double v, int decimals);

/*
 * Decimals that show a value and its interval sensibly: two significant
 * digits of the largest magnitude, and one of the interval's half-width
 * (so a narrow interval is not rounded away); at most 6.
 */
int dd_report_decimals(double largest, double halfwidth);

/* A share in [0, 1] as a percentage: "87%", "less than 1%", "more than 99%". */
void dd_report_percent(char *buf, size_t size, double share);

/*
 * One sentence comparing `measure` of `scenario` with `baseline`, from the
 * interval and shares in *d (see dd_compare.h). Newly allocated; NULL when
 * out of memory. Examples:
 *   "In 87% of paired replications abrupt-exit left more armed-group control
 *    two years after the exit than conditions-phased (mean difference 0.042,
 *    95% CI 0.038 to 0.046)."
 *   "The runs cannot tell a and b apart on civilian deaths over the horizon:
 *    the mean difference is 3.1 deaths, with a 95% CI from -2.0 to 8.2."
 */
char *dd_report_diff_sentence(const char *measure, const char *scenario, const char *baseline,
                              const dd_diff *d);

/* The paragraph on one argument for one run, plain text; newly allocated, NULL when out of memory.
 */
char *dd_report_run_paragraph(const dd_run *run, dd_argument a);

/* The paragraph on one argument for a comparison; newly allocated, NULL when out of memory. */
char *dd_report_compare_paragraph(const dd_comparison *c, dd_argument a);

/* One part of a report: a run or a comparison, with its drawn charts. */
typedef struct dd_report_item {
    const dd_run *run;          /* a run, or NULL */
    const dd_comparison *cmp;   /* a comparison, or NULL */
    const char *source_dir;     /* the folder it was read from, as given */
    const char *charts_dir;     /* where its charts' PNG files are now */
    const char *charts_shown;   /* where a reader finds the .gp files, as printed on the page */
    const dd_chart_set *charts; /* the charts, in order */
} dd_report_item;

/*
 * Write report.html for the items (runs and comparisons in any order;
 * comparisons are shown first, as the key results, then the runs). `title`
 * heads the page; `program` is the version that writes it ("drawdown 0.1.0").
 * Returns 0, DD_EIO (a write failed, or a chart image cannot be read: the
 * error names it) or DD_ENOMEM.
 */
int dd_report_write(FILE *f, const char *title, const char *program, const dd_report_item *items,
                    size_t n, dd_error *err);

#endif

/*
 * dd_compare: differences between scenarios, per replication measure.
 *
 * Runs with the same seed, replication count and start month used the same
 * random numbers in each replication (common random numbers, engine/MODEL.md),
 * so replication i of one run is paired with replication i of the other.
 * For a measure x (a column of replications.csv, or an indicator derived from
 * exit_month / exit_reason) and a scenario s against the baseline b:
 *
 *   paired:   d_i = x_i(s) - x_i(b) over replications where both are known;
 *             diff = mean(d), 95% CI = diff -/+ t(0.975, n-1) sd(d)/sqrt(n),
 *             share_worse = share of i with d_i in the "worse" direction.
 *   unpaired: diff = mean(x(s)) - mean(x(b)), Welch's interval
 *             diff -/+ t(0.975, nu) sqrt(v_s/n_s + v_b/n_b) with the
 *             Welch-Satterthwaite nu; share_worse is NA (no pairs).
 *
 * "Worse" is a fixed direction per measure (dd_compare_direction): more
 * deaths, cost, displacement, armed control or relapse is worse, less state
 * authority is worse; exit indicators have no direction (share_worse NA).
 *
 * compare.csv (tidy, one row per measure and non-baseline scenario):
 *   measure,scenario,baseline,mean,baseline_mean,diff,ci_low,ci_high,share_worse,paired
 * scenarios.csv (one row per scenario, baseline first):
 *   scenario,role,run_dir,program,seed,replications,start,months,policy,
 *   exited_share,exit_p05,exit_p50,exit_p95,<metric>_start,<metric>_end...,
 *   partners,description
 */
#ifndef DD_COMPARE_H
#define DD_COMPARE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "dd_error.h"
#include "dd_input.h"
#include "dd_results.h"

/* The difference of one measure between a scenario and the baseline. */
typedef struct dd_diff {
    double mean;            /* scenario mean (over the pairs when paired) */
    double baseline_mean;   /* baseline mean (over the same pairs when paired) */
    double diff;            /* mean difference, scenario - baseline */
    double ci_low, ci_high; /* 95% CI of diff; NaN when n < 2 */
    double share_worse;     /* paired: share of pairs with d in the worse direction;
                               NaN unpaired or when the measure has no direction */
    int paired;             /* 1 paired, 0 unpaired (Welch) */
    long n;                 /* pairs used (paired), or scenario values (unpaired) */
} dd_diff;

/* +1 higher is worse, -1 lower is worse, 0 no direction (see the header comment). */
int dd_compare_direction(const char *measure);

/*
 * Paired statistics of x (scenario) against b (baseline), n replications;
 * pairs with a NaN on either side are skipped. Fills *out (NaN fields where
 * undefined). Returns 0 or DD_ENOMEM.
 */
int dd_compare_paired(const double *x, const double *b, size_t n, int direction, dd_diff *out,
                      dd_error *err);

/* Welch statistics of x (nx values) against b (nb values); NaNs skipped. */
int dd_compare_unpaired(const double *x, size_t nx, const double *b, size_t nb, dd_diff *out,
                        dd_error *err);

/*
 * Welch's 95% interval of a difference of two means, diff -/+ t(0.975, nu)
 * sqrt(va + vb), into *ci_low and *ci_high: va and vb are the squared
 * standard errors of the means (variance / count) of na and nb values (at
 * least 2 each), nu the Welch-Satterthwaite degrees of freedom. When va + vb
 * is 0 (both samples constant) the difference is exact: both ends are diff.
 */
void dd_compare_welch(double diff, double va, size_t na, double vb, size_t nb, double *ci_low,
                      double *ci_high);

/* Columns of scenarios.csv that describe the country over time (<metric>_start/_end). */
#define DD_COMPARE_STATE_COUNT 5
extern const char *const dd_compare_state_metrics[DD_COMPARE_STATE_COUNT];

/* One compared scenario (a row of scenarios.csv). */
typedef struct dd_compare_scenario {
    char name[DD_NAME_MAX];
    char *run_dir;     /* as given on the command line; owned */
    char *program;     /* "drawdown 0.1.0"; owned */
    char *policy;      /* exit policy name from run.cfg; owned */
    char *partners;    /* "name [role, N person-months]; ..." or ""; owned */
    char *description; /* owned */
    uint64_t seed;
    long replications;
    int start_month, months;
    double exited_share;
    int exit_p05, exit_p50, exit_p95;           /* absolute months, -1 when none exited */
    double state_start[DD_COMPARE_STATE_COUNT]; /* national mean, first month; NaN if absent */
    double state_end[DD_COMPARE_STATE_COUNT];   /* national mean, last month; NaN if absent */
} dd_compare_scenario;

typedef struct dd_compare_row {
    char *measure;   /* owned */
    size_t scenario; /* index into dd_comparison.scen (never the baseline) */
    dd_diff d;
} dd_compare_row;

typedef struct dd_comparison {
    size_t n_scen;
    dd_compare_scenario *scen; /* baseline first */
    int paired;                /* 1 when every row is paired */
    char unpaired_reason[256]; /* why not, e.g. "seeds differ (11 and 12)"; "" when paired */
    size_t n_rows;
    dd_compare_row *rows; /* measure-major, scenarios in order */
} dd_comparison;

/*
 * Compare n runs (n >= 2) against runs[baseline]. The runs must have
 * distinct scenario names and the same replications.csv measure columns
 * (else DD_ECONFIG naming the file of the first run that differs). Pairs
 * them when seed, replication count and start month agree, otherwise falls
 * back to unpaired intervals and says why in out->unpaired_reason. Measures:
 * every column of replications.csv, then `exited` (1 when the mission left),
 * then exit_reason_<reason> (1 when it left for that reason) for each reason
 * other than none that occurs in any run. *out is owned by the caller
 * (dd_comparison_free). Returns 0, DD_ECONFIG, DD_EUSAGE (n < 2, bad
 * baseline) or DD_ENOMEM.
 */
int dd_compare_runs(const dd_run *runs, size_t n, size_t baseline, dd_comparison *out,
                    dd_error *err);

/* Write compare.csv / scenarios.csv. Returns 0 or DD_EIO. */
int dd_compare_write_csv(FILE *f, const dd_comparison *c, dd_error *err);
int dd_compare_write_scenarios(FILE *f, const dd_comparison *c, dd_error *err);

/*
 * Read a comparison folder back (manifest.txt with `kind: comparison`,
 * compare.csv, scenarios.csv), strictly. Returns 0, DD_ECONFIG (damaged or
 * not a comparison folder) or DD_ENOMEM; *out is empty on failure.
 */
int dd_compare_load(const char *dir, dd_comparison *out, dd_error *err);

/*
 * dd_compare_load for a caller that has read the folder's manifest already
 * (dd_manifest_read of dd_run_path(dir, "manifest.txt")); `m` stays the
 * caller's. Returns as dd_compare_load.
 */
int dd_compare_load_manifest(const char *dir, const dd_manifest *m, dd_comparison *out,
                             dd_error *err);

/* Release everything; NULL is a no-op. */
void dd_comparison_free(dd_comparison *c);

/* The row of a measure for a scenario index, or NULL. */
const dd_compare_row *dd_comparison_row(const dd_comparison *c, const char *measure,
                                        size_t scenario);

#endif

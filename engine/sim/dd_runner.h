/*
 * dd_runner: replications in parallel, statistics merged in a fixed order.
 *
 * Replications are run in blocks. Inside a block, OpenMP threads run
 * replications (each with its own generator keyed by seed and replication
 * index, dd_rng.h) and write their monthly series into the block buffer;
 * then the block is merged into the statistics in replication order, and the
 * per-replication outcomes are handed, in order, to a callback that can
 * stream them to disk. Memory is bounded by the block size, which does not
 * change the results: the bytes written are the same for any thread count.
 */
#ifndef DD_RUNNER_H
#define DD_RUNNER_H

#include <stdint.h>

#include "dd_error.h"
#include "dd_metrics.h"
#include "dd_model.h"
#include "dd_stats.h"

typedef struct dd_run_opts {
    uint64_t seed;
    long replications; /* >= 1 */
    int threads;       /* OpenMP threads; 0 means all available */
    /* Called once per replication, in replication order, from the calling thread.
       A non-zero return stops the run with that code (err should be filled). */
    int (*on_replication)(void *ctx, long replication, const dd_outcome *o, dd_error *err);
    /* Called after each block from the calling thread (may be NULL). */
    void (*on_progress)(void *ctx, long done, long total);
    void *ctx;
} dd_run_opts;

/* Summary of per-replication measures (summary.csv). */
typedef struct dd_summary {
    dd_acc measure[DD_O_COUNT];         /* one per dd_outcome_measure */
    dd_acc exit_months;                 /* months from the start month to the exit, exited only */
    dd_acc exit_reason[DD_EXIT_COUNT];  /* 0/1 indicator of each exit reason */
} dd_summary;

typedef struct dd_results {
    dd_grid *grid;      /* monthly statistics */
    dd_summary summary;
    long replications;
    int threads_used;
    dd_draws draws;     /* total random draws of all replications */
} dd_results;

/*
 * Run opts->replications replications of the model. On success *out owns the
 * results (free with dd_results_free). Fails with DD_ENOMEM, DD_ERANGE (bad
 * options), or the code a callback returned.
 */
int dd_runner_run(const dd_model *m, const dd_run_opts *opts, dd_results **out, dd_error *err);

void dd_results_free(dd_results *r);

/* Number of threads OpenMP would use for `threads` (0 = all). 1 without OpenMP. */
int dd_runner_threads(int threads);

#endif

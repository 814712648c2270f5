/*
 * dd_runner: replications in parallel, statistics merged in a fixed order.
 *
 * Replications are run in blocks. Inside a block, OpenMP threads run
 * replications (each with its own generator keyed by seed and replication
 * index, dd_rng.h) and write their monthly series into the block buffer;
 * the block is then merged into the statistics in replication order, and the
 * per-replication outcomes are handed, in order, to a callback that can
 * stream them to disk. Running one block overlaps with merging the previous
 * one. Memory is bounded by the block size, which does not change the
 * results: the bytes written are the same for any thread count, block size
 * or (in an MPI build) number of processes. dd_runner.c explains the design.
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

/*
 * How to run, without changing what is computed (defaults when NULL is
 * passed or a field is 0).
 */
typedef struct dd_run_tuning {
    long block_reps; /* replications per block; 0 chooses (see dd_runner.c) */
    int local;       /* 1: run in this process only, even in an MPI run of several processes */
} dd_run_tuning;

/* Summary of per-replication measures (summary.csv). */
typedef struct dd_summary {
    dd_acc measure[DD_O_COUNT];         /* one per dd_outcome_measure */
    dd_acc exit_months;                 /* months from the start month to the exit, exited only */
    dd_acc exit_reason[DD_EXIT_COUNT];  /* 0/1 indicator of each exit reason */
} dd_summary;

typedef struct dd_results {
    dd_grid *grid;      /* monthly statistics; NULL on a worker process of a cluster run */
    dd_summary summary; /* empty on a worker process of a cluster run */
    long replications;
    int threads_used;   /* OpenMP threads of this process */
    int processes;      /* processes that ran replications (1 without MPI) */
    dd_draws draws;     /* total random draws of all replications (on rank 0: of all ranks) */
    double comm_seconds; /* rank 0 of a cluster run: time spent waiting for other ranks' blocks */
    double comm_bytes;   /* rank 0 of a cluster run: bytes of blocks received from other ranks */
} dd_results;

/*
 * Run opts->replications replications of the model. On success *out owns the
 * results (free with dd_results_free). Fails with DD_ENOMEM, DD_ERANGE (bad
 * options, or processes of a cluster run that disagree on the model or the
 * options), or the code a callback returned.
 *
 * In an MPI run of several processes (dd_cluster.h) the call is collective:
 * every process must make it, with the same model and options, and the
 * replications are spread over all of them. Only rank 0 gets callbacks and
 * results; *out of another rank holds no grid (NULL) and an empty summary.
 * Every process returns the same code.
 */
int dd_runner_run(const dd_model *m, const dd_run_opts *opts, dd_results **out, dd_error *err);

/* The same with tuning (NULL: defaults); results are identical for any tuning. */
int dd_runner_run_tuned(const dd_model *m, const dd_run_opts *opts, const dd_run_tuning *tuning,
                        dd_results **out, dd_error *err);

void dd_results_free(dd_results *r);

/* Number of threads OpenMP would use for `threads` (0 = all). 1 without OpenMP. */
int dd_runner_threads(int threads);

#endif

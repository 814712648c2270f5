/*
 * dd_runner: blocks of replications in parallel, merged in replication order.
 *
 * For each block: OpenMP threads run the block's replications, each into its
 * own slot of the block buffer ([replication][month][place][metric]); then
 * the block is merged into the monthly grid (parallel over cells, each cell
 * in replication order) and the outcomes are added to the summary and handed
 * to the caller in replication order. The block size only bounds memory: it
 * changes neither the numbers nor the order in which they are added.
 */
#include "dd_runner.h"

#include <stdlib.h>
#include <string.h>

#ifdef _OPENMP
#include <omp.h>
#endif

#include "dd_rng.h"

/* Memory the block buffer may use; results do not depend on it. */
#define BLOCK_BYTES ((size_t)64 << 20)
#define BLOCK_MAX_REPS 4096

int dd_runner_threads(int threads)
{
#ifdef _OPENMP
    if (threads <= 0)
        return omp_get_max_threads();
    return threads;
#else
    (void)threads;
    return 1;
#endif
}

static void summary_init(dd_summary *s)
{
    /* vacuum_index can be negative and authority is a share: linear bins. Counts, sums and
       the 0/1 indicators (relapse, exit reasons) take count bins, exact for whole numbers. */
    for (int k = 0; k < DD_O_COUNT; k++) {
        dd_binning b = (k == DD_O_VACUUM_INDEX || k == DD_O_FINAL_STATE_AUTHORITY)
                           ? DD_BIN_SHARE
                           : DD_BIN_COUNT;
        dd_acc_init(&s->measure[k], b);
    }
    dd_acc_init(&s->exit_months, DD_BIN_COUNT);
    for (int k = 0; k < DD_EXIT_COUNT; k++)
        dd_acc_init(&s->exit_reason[k], DD_BIN_COUNT);
}

static void summary_free(dd_summary *s)
{
    for (int k = 0; k < DD_O_COUNT; k++)
        dd_acc_free(&s->measure[k]);
    dd_acc_free(&s->exit_months);
    for (int k = 0; k < DD_EXIT_COUNT; k++)
        dd_acc_free(&s->exit_reason[k]);
}

static int summary_add(dd_summary *s, const dd_outcome *o, int start_month)
{
    int rc = DD_OK;
    for (int k = 0; k < DD_O_COUNT && rc == DD_OK; k++)
        rc = dd_acc_add(&s->measure[k], dd_outcome_value(o, (dd_outcome_measure)k));
    if (rc == DD_OK && o->exit_month >= 0)
        rc = dd_acc_add(&s->exit_months, (double)(o->exit_month - start_month));
    for (int k = 0; k < DD_EXIT_COUNT && rc == DD_OK; k++)
        rc = dd_acc_add(&s->exit_reason[k], (int)o->exit_reason == k ? 1.0 : 0.0);
    return rc;
}

void dd_results_free(dd_results *r)
{
    if (r == NULL)
        return;
    dd_grid_free(r->grid);
    summary_free(&r->summary);
    free(r);
}

/* What one thread needs to run replications; allocated before the parallel region. */
typedef struct worker {
    dd_state *a, *b;
    gsl_rng *rng;
    dd_draws draws;
} worker;

static void workers_free(worker *w, int n)
{
    if (w == NULL)
        return;
    for (int i = 0; i < n; i++) {
        dd_state_free(w[i].a);
        dd_state_free(w[i].b);
        if (w[i].rng != NULL)
            gsl_rng_free(w[i].rng);
    }
    free(w);
}

static worker *workers_alloc(const dd_model *m, int n)
{
    worker *w = calloc((size_t)n, sizeof *w);
    if (w == NULL)
        return NULL;
    for (int i = 0; i < n; i++) {
        w[i].a = dd_state_alloc(m);
        w[i].b = dd_state_alloc(m);
        w[i].rng = dd_rng_alloc();
        if (w[i].a == NULL || w[i].b == NULL || w[i].rng == NULL) {
            workers_free(w, n);
            return NULL;
        }
    }
    return w;
}

static void add_draws(dd_draws *to, const dd_draws *from)
{
    to->gaussian += from->gaussian;
    to->negbin += from->negbin;
    to->negbin_mean += from->negbin_mean;
    to->negbin_shape += from->negbin_shape;
    to->poisson += from->poisson;
    to->poisson_mean += from->poisson_mean;
    to->binomial += from->binomial;
    to->binomial_n += from->binomial_n;
    to->binomial_p += from->binomial_p;
    to->rekey += from->rekey;
}

/* Run replications [first, first + n) into the block buffer and outcome array. */
static void run_block(const dd_model *m, const dd_run_opts *opts, worker *workers, int threads,
                      long first, long n, double *block, size_t stride, dd_outcome *outcomes)
{
#ifdef _OPENMP
#pragma omp parallel for default(none) shared(m, opts, workers, first, n, block, stride, outcomes) \
    schedule(dynamic, 1) num_threads(threads)
#endif
    for (long i = 0; i < n; i++) {
#ifdef _OPENMP
        worker *w = &workers[omp_get_thread_num()];
#else
        worker *w = &workers[0];
#endif
        dd_stream stream = {w->rng, opts->seed, (uint64_t)(first + i)};
        double *series = block + (size_t)i * stride;
        dd_model_run(m, &stream, w->a, w->b, series, NULL, &outcomes[i]);
        add_draws(&w->draws, &w->a->draws);
    }
#ifndef _OPENMP
    (void)threads;
#endif
}

int dd_runner_run(const dd_model *m, const dd_run_opts *opts, dd_results **out, dd_error *err)
{
    *out = NULL;
    if (opts->replications < 1)
        return dd_error_set(err, DD_ERANGE, NULL, 0, "replications must be >= 1");
    if (opts->threads < 0)
        return dd_error_set(err, DD_ERANGE, NULL, 0, "threads must be >= 0");

    const int threads = dd_runner_threads(opts->threads);
    const int months = dd_model_months(m);
    const size_t R = dd_model_n_regions(m);
    const size_t stride = (size_t)months * dd_model_obs_stride(m);

    long block_reps = (long)(BLOCK_BYTES / (stride * sizeof(double)));
    if (block_reps < 1)
        block_reps = 1;
    if (block_reps > BLOCK_MAX_REPS)
        block_reps = BLOCK_MAX_REPS;
    if (block_reps > opts->replications)
        block_reps = opts->replications;

    dd_binning bins[DD_M_COUNT];
    int national_only[DD_M_COUNT];
    for (int k = 0; k < DD_M_COUNT; k++) {
        const dd_metric_info *mi = dd_metric_get((dd_metric)k);
        bins[k] = mi->bounded ? DD_BIN_SHARE : DD_BIN_COUNT;
        national_only[k] = mi->agg == DD_AGG_NATIONAL;
    }

    int rc = DD_OK;
    dd_results *res = calloc(1, sizeof *res);
    double *block = malloc((size_t)block_reps * stride * sizeof *block);
    dd_outcome *outcomes = malloc((size_t)block_reps * sizeof *outcomes);
    worker *workers = workers_alloc(m, threads);
    if (res != NULL)
        summary_init(&res->summary);
    if (res == NULL || block == NULL || outcomes == NULL || workers == NULL) {
        rc = dd_error_set(err, DD_ENOMEM, NULL, 0, "out of memory for %ld replications in a block",
                          block_reps);
        goto cleanup;
    }
    rc = dd_grid_alloc(&res->grid, months, R, DD_M_COUNT, bins, national_only);
    if (rc != DD_OK) {
        dd_error_set(err, rc, NULL, 0, "out of memory for the monthly statistics");
        goto cleanup;
    }

    const int start_month = dd_model_start_month(m);
    for (long first = 0; first < opts->replications; first += block_reps) {
        long n = opts->replications - first;
        if (n > block_reps)
            n = block_reps;
        run_block(m, opts, workers, threads, first, n, block, stride, outcomes);
        rc = dd_grid_add_block(res->grid, block, (size_t)n, threads);
        if (rc != DD_OK) {
            dd_error_set(err, rc, NULL, 0, "out of memory merging the monthly statistics");
            goto cleanup;
        }
        for (long i = 0; i < n; i++) {
            rc = summary_add(&res->summary, &outcomes[i], start_month);
            if (rc != DD_OK) {
                dd_error_set(err, rc, NULL, 0, "out of memory for the summary statistics");
                goto cleanup;
            }
            if (opts->on_replication != NULL) {
                rc = opts->on_replication(opts->ctx, first + i, &outcomes[i], err);
                if (rc != DD_OK)
                    goto cleanup;
            }
        }
        if (opts->on_progress != NULL)
            opts->on_progress(opts->ctx, first + n, opts->replications);
    }
    res->replications = opts->replications;
    res->threads_used = threads;
    for (int i = 0; i < threads; i++)
        add_draws(&res->draws, &workers[i].draws);

cleanup:
    free(block);
    free(outcomes);
    workers_free(workers, threads);
    if (rc != DD_OK) {
        dd_results_free(res);
        return rc;
    }
    *out = res;
    return DD_OK;
}

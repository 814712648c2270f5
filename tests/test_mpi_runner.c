/*
 * MPI build only, run under `mpirun -np K` (tests/cli/mpi_identical.sh):
 * dd_runner_run spread over K processes gives rank 0 the same statistics,
 * bit for bit, as one process, for several block sizes; replications reach
 * rank 0's callback in order; other ranks get no grid; the draw counts add
 * up; and a callback that fails on rank 0 stops every process with the same
 * code (none is left waiting). A plain program rather than a Check suite:
 * Check runs tests in forked children, which MPI does not allow. Exit
 * status 0 when every check passed on this rank.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dd_cluster.h"
#include "dd_model.h"
#include "dd_runner.h"
#include "test_util.h"

#define REPS 157

typedef struct collect {
    long next;
    dd_outcome *rows;
    long stop_at; /* fail at this replication, or -1 */
} collect;

/* Report a failed check on this rank; `failures` is main's counter. */
#define CHECK(cond, ...)                                                                           \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "test_mpi_runner: rank %d: %s:%d: ", dd_cluster_rank(), __FILE__,      \
                    __LINE__);                                                                     \
            fprintf(stderr, __VA_ARGS__);                                                          \
            fputc('\n', stderr);                                                                   \
            failures++;                                                                            \
        }                                                                                          \
    } while (0)

static int on_rep(void *vctx, long rep, const dd_outcome *o, dd_error *err)
{
    collect *c = vctx;
    if (rep != c->next)
        return dd_error_set(err, DD_ERUN, NULL, 0, "out of order: %ld after %ld", rep, c->next);
    if (rep == c->stop_at)
        return dd_error_set(err, DD_EIO, NULL, 0, "disk full (simulated)");
    c->rows[rep] = *o;
    c->next++;
    return DD_OK;
}

static int same_acc(const dd_acc *a, const dd_acc *b)
{
    return a->n == b->n && a->binning == b->binning &&
           memcmp(&a->shift, &b->shift, sizeof a->shift) == 0 &&
           memcmp(&a->sum, &b->sum, sizeof a->sum) == 0 &&
           memcmp(&a->sumsq, &b->sumsq, sizeof a->sumsq) == 0 &&
           memcmp(&a->min, &b->min, sizeof a->min) == 0 &&
           memcmp(&a->max, &b->max, sizeof a->max) == 0 && a->lo == b->lo && a->len == b->len &&
           (a->len == 0 || memcmp(a->bins, b->bins, a->len * sizeof *a->bins) == 0);
}

static int same_results(const dd_input *in, const dd_results *a, const dd_results *b)
{
    for (int t = 0; t < in->months; t++)
        for (size_t p = 0; p <= in->n_regions; p++)
            for (size_t k = 0; k < DD_M_COUNT; k++) {
                const dd_acc *x = dd_grid_cell(a->grid, t, p, k);
                const dd_acc *y = dd_grid_cell(b->grid, t, p, k);
                if ((x == NULL) != (y == NULL) || (x != NULL && !same_acc(x, y)))
                    return 0;
            }
    for (int k = 0; k < DD_O_COUNT; k++)
        if (!same_acc(&a->summary.measure[k], &b->summary.measure[k]))
            return 0;
    if (!same_acc(&a->summary.exit_months, &b->summary.exit_months))
        return 0;
    return a->draws.rekey == b->draws.rekey && a->draws.negbin == b->draws.negbin &&
           a->draws.binomial == b->draws.binomial && a->draws.poisson == b->draws.poisson &&
           a->draws.gaussian == b->draws.gaussian;
}

int main(int argc, char **argv)
{
    if (dd_cluster_init(&argc, &argv) != DD_OK) {
        fprintf(stderr, "test_mpi_runner: cannot start MPI\n");
        return 1;
    }
    const int rank = dd_cluster_rank(), size = dd_cluster_size();
    int failures = 0;
    CHECK(dd_cluster_available(), "built without MPI");
    CHECK(size >= 2, "run me with mpirun -np 2 or more (got %d process)", size);

    dd_input in;
    dd_test_input(&in, 3, 30, 7000.0, 700.0);
    dd_test_add_partner(&in, DD_ROLE_COUNTER_TERRORISM, 1500.0);
    in.policy.kind = DD_POLICY_CALENDAR;
    in.policy.start_month = in.start_month + 12;
    in.policy.duration_months = 4;
    in.policy.phases = 2;
    dd_model *m = NULL;
    dd_error err;
    dd_error_clear(&err);
    if (dd_model_alloc(&m, &in, &err) != DD_OK) {
        fprintf(stderr, "test_mpi_runner: %s\n", err.msg);
        dd_cluster_abort(1);
    }

    /* The reference: rank 0 alone. */
    dd_results *ref = NULL;
    collect c0 = {0, calloc(REPS, sizeof(dd_outcome)), -1};
    if (rank == 0) {
        dd_run_opts o = {77, REPS, 2, on_rep, NULL, &c0};
        dd_run_tuning local = {0, 1};
        CHECK(dd_runner_run_tuned(m, &o, &local, &ref, &err) == DD_OK, "local run: %s", err.msg);
        CHECK(ref != NULL && ref->processes == 1, "local run used several processes");
    }

    /* Spread over every process, with blocks of 1, 7, 40 and the default. */
    const long blocks[] = {1, 7, 40, 0};
    for (size_t i = 0; i < sizeof blocks / sizeof blocks[0]; i++) {
        collect cn = {0, calloc(REPS, sizeof(dd_outcome)), -1};
        dd_run_opts o = {77, REPS, 2, on_rep, NULL, &cn};
        dd_run_tuning tune = {blocks[i], 0};
        dd_results *res = NULL;
        int rc = dd_runner_run_tuned(m, &o, &tune, &res, &err);
        CHECK(rc == DD_OK, "block %ld: %s", blocks[i], err.msg);
        if (rc == DD_OK && rank == 0) {
            CHECK(res->processes == size, "block %ld: %d processes reported", blocks[i],
                  res->processes);
            CHECK(cn.next == REPS, "block %ld: %ld replications reached the callback", blocks[i],
                  cn.next);
            CHECK(memcmp(cn.rows, c0.rows, REPS * sizeof(dd_outcome)) == 0,
                  "block %ld: outcomes differ from one process", blocks[i]);
            CHECK(same_results(&in, ref, res), "block %ld: statistics differ from one process",
                  blocks[i]);
        } else if (rc == DD_OK) {
            CHECK(res->grid == NULL && cn.next == 0, "a worker got results or callbacks");
        }
        dd_results_free(res);
        free(cn.rows);
    }

    /* A callback failing on rank 0 stops everyone with its code. */
    for (long block = 1; block <= 64; block *= 8) {
        collect cf = {0, calloc(REPS, sizeof(dd_outcome)), 41};
        dd_run_opts o = {77, REPS, 1, on_rep, NULL, &cf};
        dd_run_tuning tune = {block, 0};
        dd_results *res = (dd_results *)&cf; /* must be reset to NULL */
        int rc = dd_runner_run_tuned(m, &o, &tune, &res, &err);
        CHECK(rc == DD_EIO, "block %ld: a failing callback gave %d, not DD_EIO", block, rc);
        CHECK(res == NULL, "results left after a failure");
        free(cf.rows);
    }

    /* And the processes are still in step afterwards: one more run that works. */
    {
        collect cn = {0, calloc(REPS, sizeof(dd_outcome)), -1};
        dd_run_opts o = {77, REPS, 2, on_rep, NULL, &cn};
        dd_results *res = NULL;
        CHECK(dd_runner_run(m, &o, &res, &err) == DD_OK, "run after a failure: %s", err.msg);
        if (rank == 0 && res != NULL)
            CHECK(same_results(&in, ref, res), "run after a failure differs");
        dd_results_free(res);
        free(cn.rows);
    }

    dd_results_free(ref);
    free(c0.rows);
    dd_model_free(m);
    dd_input_free(&in);
    int status = dd_cluster_agree(failures > 0 ? 1 : 0);
    if (rank == 0)
        printf("test_mpi_runner: %d processes: %s\n", size, status == 0 ? "ok" : "FAILED");
    dd_cluster_finish();
    return status == 0 ? 0 : 1;
}

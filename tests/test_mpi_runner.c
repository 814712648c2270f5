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
    dd_test_runner_input(&in);
    dd_model *m = NULL;
    dd_error err;
    dd_error_clear(&err);
    if (dd_model_alloc(&m, &in, &err) != DD_OK) {
        fprintf(stderr, "test_mpi_runner: %s\n", err.msg);
        dd_cluster_abort(1);
    }

    /* The reference: rank 0 alone. */
    dd_results *ref = NULL;
    dd_test_collect c0;
    dd_test_collect_init(&c0, REPS, -1);
    if (rank == 0) {
        dd_run_opts o = {77, REPS, 2, dd_test_collect_rep, NULL, &c0};
        dd_run_tuning local = {0, 1};
        CHECK(dd_runner_run_tuned(m, &o, &local, &ref, &err) == DD_OK, "local run: %s", err.msg);
        CHECK(ref != NULL && ref->processes == 1, "local run used several processes");
    }

    /* Spread over every process, with blocks of 1, 7, 40 and the default. */
    const long blocks[] = {1, 7, 40, 0};
    for (size_t i = 0; i < sizeof blocks / sizeof blocks[0]; i++) {
        dd_test_collect cn;
        dd_test_collect_init(&cn, REPS, -1);
        dd_run_opts o = {77, REPS, 2, dd_test_collect_rep, NULL, &cn};
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
            CHECK(dd_test_same_results(&in, ref, res),
                  "block %ld: statistics differ from one process", blocks[i]);
        } else if (rc == DD_OK) {
            CHECK(res->grid == NULL && cn.next == 0, "a worker got results or callbacks");
        }
        dd_results_free(res);
        dd_test_collect_free(&cn);
    }

    /* A callback failing on rank 0 stops everyone with its code. */
    for (long block = 1; block <= 64; block *= 8) {
        dd_test_collect cf;
        dd_test_collect_init(&cf, REPS, 41);
        dd_run_opts o = {77, REPS, 1, dd_test_collect_rep, NULL, &cf};
        dd_run_tuning tune = {block, 0};
        dd_results *res = (dd_results *)&cf; /* must be reset to NULL */
        int rc = dd_runner_run_tuned(m, &o, &tune, &res, &err);
        CHECK(rc == DD_EIO, "block %ld: a failing callback gave %d, not DD_EIO", block, rc);
        CHECK(res == NULL, "results left after a failure");
        dd_test_collect_free(&cf);
    }

    /* And the processes are still in step afterwards: one more run that works. */
    {
        dd_test_collect cn;
        dd_test_collect_init(&cn, REPS, -1);
        dd_run_opts o = {77, REPS, 2, dd_test_collect_rep, NULL, &cn};
        dd_results *res = NULL;
        CHECK(dd_runner_run(m, &o, &res, &err) == DD_OK, "run after a failure: %s", err.msg);
        if (rank == 0 && res != NULL)
            CHECK(dd_test_same_results(&in, ref, res), "run after a failure differs");
        dd_results_free(res);
        dd_test_collect_free(&cn);
    }

    dd_results_free(ref);
    dd_test_collect_free(&c0);
    dd_model_free(m);
    dd_input_free(&in);
    int status = dd_cluster_agree(failures > 0 ? 1 : 0);
    if (rank == 0)
        printf("test_mpi_runner: %d processes: %s\n", size, status == 0 ? "ok" : "FAILED");
    dd_cluster_finish();
    return status == 0 ? 0 : 1;
}

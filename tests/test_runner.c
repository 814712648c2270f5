/*
 * Tests of dd_runner: results independent of the thread count, replications
 * handed over in order, outcomes equal to a replication run alone, errors
 * from a callback stop the run.
 */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dd_model.h"
#include "dd_rng.h"
#include "dd_runner.h"
#include "test_check.h"
#include "test_util.h"

static dd_results *run(const dd_model *m, long reps, int threads, dd_test_collect *c)
{
    dd_run_opts o = {2385, reps, threads, dd_test_collect_rep, NULL, c};
    dd_results *res = NULL;
    dd_error err;
    dd_error_clear(&err);
    int rc = dd_runner_run(m, &o, &res, &err);
    ck_assert_msg(rc == DD_OK, "%s", err.msg);
    return res;
}

/* The shared runner scenario (dd_test_runner_input) and its model. */
static void build(dd_input *in, dd_model **m)
{
    dd_test_runner_input(in);
    dd_error err;
    ck_assert_int_eq(dd_model_alloc(m, in, &err), DD_OK);
}

START_TEST(test_runner__results_do_not_depend_on_thread_count)
{
    dd_input in;
    dd_model *m;
    build(&in, &m);
    const long reps = 97;
    dd_test_collect c1;
    dd_test_collect_init(&c1, reps, -1);
    dd_results *r1 = run(m, reps, 1, &c1);
    for (int threads = 2; threads <= 4; threads += 2) {
        dd_test_collect cn;
        dd_test_collect_init(&cn, reps, -1);
        dd_results *rn = run(m, reps, threads, &cn);
        ck_assert_int_eq(rn->threads_used, threads);
        ck_assert_mem_eq(c1.rows, cn.rows, (size_t)reps * sizeof(dd_outcome));
        /* Monthly cells, summary measures and draw counts, bit for bit. */
        ck_assert_msg(dd_test_same_results(&in, r1, rn), "statistics differ at %d threads",
                      threads);
        dd_results_free(rn);
        dd_test_collect_free(&cn);
    }
    dd_results_free(r1);
    dd_test_collect_free(&c1);
    dd_model_free(m);
    dd_input_free(&in);
}
END_TEST

START_TEST(test_runner__outcomes_equal_a_replication_run_alone)
{
    dd_input in;
    dd_model *m;
    build(&in, &m);
    dd_test_collect c;
    dd_test_collect_init(&c, 20, -1);
    dd_results *r = run(m, 20, 3, &c);
    ck_assert_int_eq(c.next, 20);
    dd_state *a = dd_state_alloc(m), *b = dd_state_alloc(m);
    gsl_rng *rng = dd_rng_alloc();
    double *obs = calloc(dd_model_obs_stride(m), sizeof *obs);
    double mean = 0.0;
    for (long rep = 0; rep < 20; rep++) {
        dd_stream st = {rng, 2385, (uint64_t)rep};
        dd_outcome o;
        dd_model_run(m, &st, a, b, NULL, obs, &o);
        ck_assert_mem_eq(&o, &c.rows[rep], sizeof o);
        mean += o.fatalities / 20.0;
    }
    ck_assert_double_eq_tol(dd_acc_mean(&r->summary.measure[DD_O_FATALITIES]), mean, 1e-9 * mean);
    /* Every replication exits by the calendar in month 15 (start 12, four months). */
    ck_assert_double_eq_tol(dd_acc_mean(&r->summary.exit_reason[DD_EXIT_CALENDAR]), 1.0, 1e-12);
    ck_assert_double_eq_tol(dd_acc_mean(&r->summary.exit_months), 15.0, 1e-12);
    free(obs);
    gsl_rng_free(rng);
    dd_state_free(a);
    dd_state_free(b);
    dd_results_free(r);
    dd_test_collect_free(&c);
    dd_model_free(m);
    dd_input_free(&in);
}
END_TEST

START_TEST(test_runner__a_failing_callback_stops_the_run)
{
    dd_input in;
    dd_model *m;
    build(&in, &m);
    dd_test_collect c;
    dd_test_collect_init(&c, 50, 17);
    dd_run_opts o = {1, 50, 2, dd_test_collect_rep, NULL, &c};
    dd_results *res = (dd_results *)&c; /* must be reset to NULL on failure */
    dd_error err;
    dd_error_clear(&err);
    ck_assert_int_eq(dd_runner_run(m, &o, &res, &err), DD_EIO);
    ck_assert_ptr_null(res);
    ck_assert_str_eq(err.msg, "disk full (simulated)");
    ck_assert_int_eq(c.next, 17);
    dd_test_collect_free(&c);
    dd_model_free(m);
    dd_input_free(&in);
}
END_TEST

START_TEST(test_runner__bad_options_are_refused)
{
    dd_input in;
    dd_model *m;
    build(&in, &m);
    dd_run_opts o = {1, 0, 1, NULL, NULL, NULL};
    dd_results *res;
    dd_error err;
    ck_assert_int_eq(dd_runner_run(m, &o, &res, &err), DD_ERANGE);
    o.replications = 3;
    o.threads = -2;
    ck_assert_int_eq(dd_runner_run(m, &o, &res, &err), DD_ERANGE);
    dd_model_free(m);
    dd_input_free(&in);
}
END_TEST

int main(void)
{
    const TTest *const tests[] = {
        test_runner__results_do_not_depend_on_thread_count,
        test_runner__outcomes_equal_a_replication_run_alone,
        test_runner__a_failing_callback_stops_the_run,
        test_runner__bad_options_are_refused,
    };
    return dd_test_run_case("runner", "core", 120, tests, DD_TEST_COUNT(tests));
}

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

typedef struct collect {
    long next;          /* next replication expected */
    dd_outcome *rows;   /* outcomes in the order received */
    long stop_at;       /* return an error at this replication, or -1 */
} collect;

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

static dd_results *run(const dd_model *m, long reps, int threads, collect *c)
{
    dd_run_opts o = {2385, reps, threads, on_rep, NULL, c};
    dd_results *res = NULL;
    dd_error err;
    dd_error_clear(&err);
    int rc = dd_runner_run(m, &o, &res, &err);
    ck_assert_msg(rc == DD_OK, "%s", err.msg);
    return res;
}

static void build(dd_input *in, dd_model **m)
{
    dd_test_input(in, 3, 30, 7000.0, 700.0);
    dd_test_add_partner(in, DD_ROLE_COUNTER_TERRORISM, 1500.0);
    in->policy.kind = DD_POLICY_CALENDAR;
    in->policy.start_month = in->start_month + 12;
    in->policy.duration_months = 4;
    in->policy.phases = 2;
    dd_error err;
    ck_assert_int_eq(dd_model_alloc(m, in, &err), DD_OK);
}

/* Compare two accumulators field by field, bit for bit. */
static int same_acc(const dd_acc *a, const dd_acc *b)
{
    if (a->n != b->n || memcmp(&a->sum, &b->sum, sizeof a->sum) != 0 ||
        memcmp(&a->sumsq, &b->sumsq, sizeof a->sumsq) != 0)
        return 0;
    static const double ps[] = {0.05, 0.25, 0.5, 0.75, 0.95};
    for (int i = 0; i < 5; i++) {
        double x = dd_acc_quantile(a, ps[i]), y = dd_acc_quantile(b, ps[i]);
        if (memcmp(&x, &y, sizeof x) != 0)
            return 0;
    }
    return 1;
}

START_TEST(test_runner__results_do_not_depend_on_thread_count)
{
    dd_input in;
    dd_model *m;
    build(&in, &m);
    const long reps = 97;
    collect c1 = {0, calloc(reps, sizeof(dd_outcome)), -1};
    dd_results *r1 = run(m, reps, 1, &c1);
    for (int threads = 2; threads <= 4; threads += 2) {
        collect cn = {0, calloc(reps, sizeof(dd_outcome)), -1};
        dd_results *rn = run(m, reps, threads, &cn);
        ck_assert_int_eq(rn->threads_used, threads);
        ck_assert_mem_eq(c1.rows, cn.rows, (size_t)reps * sizeof(dd_outcome));
        int differs = 0;
        for (int t = 0; t < in.months; t++)
            for (size_t p = 0; p <= in.n_regions; p++)
                for (size_t k = 0; k < DD_M_COUNT; k++) {
                    const dd_acc *a = dd_grid_cell(r1->grid, t, p, k);
                    const dd_acc *b = dd_grid_cell(rn->grid, t, p, k);
                    if ((a == NULL) != (b == NULL) || (a != NULL && !same_acc(a, b)))
                        differs = 1;
                }
        ck_assert_msg(!differs, "monthly statistics differ at %d threads", threads);
        for (int k = 0; k < DD_O_COUNT; k++)
            ck_assert(same_acc(&r1->summary.measure[k], &rn->summary.measure[k]));
        ck_assert(r1->draws.negbin == rn->draws.negbin && r1->draws.rekey == rn->draws.rekey);
        dd_results_free(rn);
        free(cn.rows);
    }
    dd_results_free(r1);
    free(c1.rows);
    dd_model_free(m);
    dd_input_free(&in);
}
END_TEST

START_TEST(test_runner__outcomes_equal_a_replication_run_alone)
{
    dd_input in;
    dd_model *m;
    build(&in, &m);
    collect c = {0, calloc(20, sizeof(dd_outcome)), -1};
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
    free(c.rows);
    dd_model_free(m);
    dd_input_free(&in);
}
END_TEST

START_TEST(test_runner__a_failing_callback_stops_the_run)
{
    dd_input in;
    dd_model *m;
    build(&in, &m);
    collect c = {0, calloc(50, sizeof(dd_outcome)), 17};
    dd_run_opts o = {1, 50, 2, on_rep, NULL, &c};
    dd_results *res = (dd_results *)&c; /* must be reset to NULL on failure */
    dd_error err;
    dd_error_clear(&err);
    ck_assert_int_eq(dd_runner_run(m, &o, &res, &err), DD_EIO);
    ck_assert_ptr_null(res);
    ck_assert_str_eq(err.msg, "disk full (simulated)");
    ck_assert_int_eq(c.next, 17);
    free(c.rows);
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

static Suite *suite(void)
{
    Suite *s = suite_create("runner");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_runner__results_do_not_depend_on_thread_count);
    tcase_add_test(tc, test_runner__outcomes_equal_a_replication_run_alone);
    tcase_add_test(tc, test_runner__a_failing_callback_stops_the_run);
    tcase_add_test(tc, test_runner__bad_options_are_refused);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return dd_test_run(suite());
}

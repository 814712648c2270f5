/* Tests of dd_policy: the table and the calendar policy's phases. */
#include <check.h>
#include <stdlib.h>

#include "dd_policy.h"
#include "test_check.h"

static double fraction_at(const dd_policy_spec *spec, int month, dd_policy_state *st)
{
    dd_policy_view v = {.month_index = 0, .month = month};
    return dd_policy_get(spec->kind)->step(spec, &v, st);
}

START_TEST(test_policy__names_round_trip_and_unknown_is_rejected)
{
    for (int k = 0; k < DD_POLICY_COUNT; k++)
        ck_assert_int_eq(dd_policy_lookup(dd_policy_get((dd_policy_kind)k)->name), k);
    ck_assert_int_eq(dd_policy_lookup("conditions-ish"), -1);
    ck_assert_ptr_null(dd_policy_get(DD_POLICY_COUNT));
}
END_TEST

START_TEST(test_policy__none_keeps_the_whole_schedule)
{
    dd_policy_spec spec = {.kind = DD_POLICY_NONE, .duration_months = 1, .phases = 1};
    dd_policy_state st;
    dd_policy_init(&st);
    for (int m = 0; m < 500; m += 13)
        ck_assert(fraction_at(&spec, m, &st) == 1.0);
}
END_TEST

START_TEST(test_policy__calendar_steps_down_in_equal_phases)
{
    /* 12 months, 4 phases: a step every 3 months, zero in month start + 11. */
    dd_policy_spec spec = {.kind = DD_POLICY_CALENDAR, .start_month = 100, .duration_months = 12, .phases = 4};
    dd_policy_state st;
    dd_policy_init(&st);
    const double expect[14] = {1.0, 1.0, 1.0, 0.75, 0.75, 0.75, 0.5, 0.5, 0.5, 0.25, 0.25, 0.25, 0.0, 0.0};
    ck_assert(fraction_at(&spec, 99, &st) == 1.0);
    for (int k = 0; k < 13; k++)
        ck_assert_msg(fraction_at(&spec, 100 + k, &st) == expect[k + 1] || k == 0,
                      "month %d: %g", k, fraction_at(&spec, 100 + k, &st));
    ck_assert(fraction_at(&spec, 111, &st) == 0.0);
    ck_assert(fraction_at(&spec, 110, &st) == 0.25);
    ck_assert(fraction_at(&spec, 500, &st) == 0.0);
    ck_assert_int_eq(st.phase, 4);
}
END_TEST

START_TEST(test_policy__calendar_with_one_phase_leaves_at_once_at_the_end)
{
    dd_policy_spec spec = {.kind = DD_POLICY_CALENDAR, .start_month = 10, .duration_months = 6, .phases = 1};
    dd_policy_state st;
    dd_policy_init(&st);
    for (int m = 10; m < 15; m++)
        ck_assert(fraction_at(&spec, m, &st) == 1.0);
    ck_assert(fraction_at(&spec, 15, &st) == 0.0);
}
END_TEST

/* Run a conditions policy over months with given indicators; return fractions. */
static void run_conditions(const dd_policy_spec *spec, int months, const double *deaths,
                           const double *ratio, const double *authority, double *fraction)
{
    dd_policy_state st;
    dd_policy_init(&st);
    for (int k = 0; k < months; k++) {
        dd_policy_view v = {.month_index = k, .month = 100 + k,
                            .fatalities = k > 0 ? deaths[k - 1] : 0.0,
                            .host_ratio = ratio[k], .authority = authority[k]};
        fraction[k] = dd_policy_get(spec->kind)->step(spec, &v, &st);
    }
}

START_TEST(test_policy__conditions_steps_down_after_k_passed_reviews)
{
    /* Reviews every 3 months from month 103; 2 passes per step; 4 phases. */
    dd_policy_spec spec = {.kind = DD_POLICY_CONDITIONS, .start_month = 103, .review_months = 3,
                           .phases = 4, .hold_reviews = 2, .violence_max = 50.0,
                           .host_ratio_min = -1.0, .authority_min = 0.4, .on_fail = DD_ONFAIL_PAUSE};
    enum { N = 40 };
    double deaths[N], ratio[N], authority[N], f[N];
    for (int k = 0; k < N; k++) {
        deaths[k] = 20.0;
        ratio[k] = 0.0;
        authority[k] = 0.6;
    }
    run_conditions(&spec, N, deaths, ratio, authority, f);
    /* Reviews at 3, 6 (step), 9, 12 (step), 15, 18 (step), 21, 24 (zero). */
    ck_assert(f[5] == 1.0);
    ck_assert(f[6] == 0.75);
    ck_assert(f[11] == 0.75);
    ck_assert(f[12] == 0.5);
    ck_assert(f[18] == 0.25);
    ck_assert(f[24] == 0.0);
    ck_assert(f[39] == 0.0);
}
END_TEST

START_TEST(test_policy__conditions_never_draws_down_while_a_benchmark_fails)
{
    dd_policy_spec spec = {.kind = DD_POLICY_CONDITIONS, .start_month = 101, .review_months = 2,
                           .phases = 3, .hold_reviews = 1, .violence_max = 30.0,
                           .host_ratio_min = 1.5, .authority_min = -1.0, .on_fail = DD_ONFAIL_PAUSE};
    enum { N = 60 };
    double deaths[N], ratio[N], authority[N], f[N];
    for (int k = 0; k < N; k++) {
        deaths[k] = (k / 7) % 2 == 0 ? 10.0 : 90.0; /* violence passes, then fails, in turns */
        ratio[k] = (k / 11) % 2 == 0 ? 2.0 : 1.0;   /* host ratio likewise, out of phase */
        authority[k] = 0.5;
    }
    run_conditions(&spec, N, deaths, ratio, authority, f);
    int steps = 0;
    for (int k = 1; k < N; k++) {
        if (f[k] < f[k - 1]) {
            steps++;
            /* A step down happens only at a review whose benchmarks held. */
            double mean = k >= 2 ? (deaths[k - 1] + deaths[k - 2]) / 2.0 : deaths[k - 1];
            ck_assert_msg(dd_policy_benchmarks_hold(&spec, mean, ratio[k], authority[k]),
                          "drew down at month %d with a failing benchmark", k);
        }
        ck_assert(f[k] <= f[k - 1]); /* pause never goes back up */
    }
    ck_assert_int_gt(steps, 0);
}
END_TEST

START_TEST(test_policy__conditions_reverses_on_failure_when_asked)
{
    dd_policy_spec spec = {.kind = DD_POLICY_CONDITIONS, .start_month = 101, .review_months = 1,
                           .phases = 4, .hold_reviews = 1, .violence_max = 30.0,
                           .host_ratio_min = -1.0, .authority_min = -1.0, .on_fail = DD_ONFAIL_REVERSE};
    enum { N = 8 };
    double deaths[N] = {10, 10, 10, 90, 90, 10, 10, 10}, ratio[N] = {0}, authority[N] = {0}, f[N];
    run_conditions(&spec, N, deaths, ratio, authority, f);
    /* Passes at 1, 2, 3 take it to 0.25; failures at 4 and 5 take it back to 0.75. */
    ck_assert(f[3] == 0.25);
    ck_assert(f[4] == 0.5);
    ck_assert(f[5] == 0.75);
    ck_assert(f[6] == 0.5);
}
END_TEST

int main(void)
{
    const TTest *const tests[] = {
        test_policy__names_round_trip_and_unknown_is_rejected,
        test_policy__none_keeps_the_whole_schedule,
        test_policy__calendar_steps_down_in_equal_phases,
        test_policy__calendar_with_one_phase_leaves_at_once_at_the_end,
        test_policy__conditions_steps_down_after_k_passed_reviews,
        test_policy__conditions_never_draws_down_while_a_benchmark_fails,
        test_policy__conditions_reverses_on_failure_when_asked,
    };
    return dd_test_run_case("policy", "core", 0, tests, DD_TEST_COUNT(tests));
}

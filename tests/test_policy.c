/* Tests of dd_policy: the table and the calendar policy's phases. */
#include <check.h>
#include <stdlib.h>

#include "dd_policy.h"

static double fraction_at(const dd_policy_spec *spec, int month, dd_policy_state *st)
{
    dd_policy_view v = {0, month};
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
    dd_policy_spec spec = {DD_POLICY_NONE, 0, 1, 1, {NULL, 0}};
    dd_policy_state st;
    dd_policy_init(&st);
    for (int m = 0; m < 500; m += 13)
        ck_assert(fraction_at(&spec, m, &st) == 1.0);
}
END_TEST

START_TEST(test_policy__calendar_steps_down_in_equal_phases)
{
    /* 12 months, 4 phases: a step every 3 months, zero in month start + 11. */
    dd_policy_spec spec = {DD_POLICY_CALENDAR, 100, 12, 4, {NULL, 0}};
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
    dd_policy_spec spec = {DD_POLICY_CALENDAR, 10, 6, 1, {NULL, 0}};
    dd_policy_state st;
    dd_policy_init(&st);
    for (int m = 10; m < 15; m++)
        ck_assert(fraction_at(&spec, m, &st) == 1.0);
    ck_assert(fraction_at(&spec, 15, &st) == 0.0);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("policy");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_policy__names_round_trip_and_unknown_is_rejected);
    tcase_add_test(tc, test_policy__none_keeps_the_whole_schedule);
    tcase_add_test(tc, test_policy__calendar_steps_down_in_equal_phases);
    tcase_add_test(tc, test_policy__calendar_with_one_phase_leaves_at_once_at_the_end);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

/* Tests of dd_input: schedules and the whole-input validator. */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dd_input.h"
#include "test_check.h"
#include "test_util.h"

START_TEST(test_input__schedule_interpolates_and_holds)
{
    dd_point pts[3] = {{10, 100.0, {NULL, 0}}, {14, 300.0, {NULL, 0}}, {20, 0.0, {NULL, 0}}};
    dd_schedule s = {pts, 3};
    ck_assert(dd_schedule_at(&s, 9) == 0.0);
    ck_assert(dd_schedule_at(&s, 10) == 100.0);
    ck_assert_double_eq_tol(dd_schedule_at(&s, 12), 200.0, 1e-12);
    ck_assert_double_eq_tol(dd_schedule_at(&s, 17), 150.0, 1e-12);
    ck_assert(dd_schedule_at(&s, 20) == 0.0);
    ck_assert(dd_schedule_at(&s, 99) == 0.0);
    dd_schedule empty = {NULL, 0};
    ck_assert(dd_schedule_at(&empty, 5) == 0.0);
}
END_TEST

/* Validate and return the error code, keeping the message. */
static int check(dd_input *in, dd_error *err)
{
    dd_error_clear(err);
    return dd_input_validate(in, err);
}

START_TEST(test_input__a_valid_input_passes)
{
    dd_input in;
    dd_test_input(&in, 3, 12, 1000.0, 100.0);
    dd_error err;
    ck_assert_int_eq(check(&in, &err), DD_OK);
    dd_input_free(&in);
}
END_TEST

START_TEST(test_input__shares_must_sum_to_one)
{
    dd_input in;
    dd_test_input(&in, 3, 12, 1000.0, 100.0);
    in.regions[1].troop_share += 0.01;
    dd_error err;
    ck_assert_int_eq(check(&in, &err), DD_ERANGE);
    ck_assert_ptr_nonnull(strstr(err.msg, "troop_share"));
    dd_input_free(&in);
}
END_TEST

START_TEST(test_input__dates_must_increase)
{
    dd_input in;
    dd_test_input(&in, 2, 12, 1000.0, 100.0);
    dd_point *pts = calloc(2, sizeof *pts);
    pts[0].month = in.start_month + 3;
    pts[1].month = in.start_month + 3;
    pts[1].loc.file = "x.cfg";
    pts[1].loc.line = 7;
    free(in.troops.points);
    in.troops.points = pts;
    in.troops.n = 2;
    dd_error err;
    ck_assert_int_eq(check(&in, &err), DD_ERANGE);
    ck_assert_str_eq(err.file, "x.cfg");
    ck_assert_int_eq(err.line, 7);
    ck_assert_ptr_nonnull(strstr(err.msg, "not after"));
    dd_input_free(&in);
}
END_TEST

START_TEST(test_input__events_outside_the_horizon_are_refused)
{
    dd_input in;
    dd_test_input(&in, 2, 12, 1000.0, 100.0);
    dd_test_add_event(&in, DD_EVENT_CONSENT_REVOKED, 12);
    dd_error err;
    ck_assert_int_eq(check(&in, &err), DD_ERANGE);
    ck_assert_ptr_nonnull(strstr(err.msg, "outside"));
    dd_input_free(&in);
}
END_TEST

START_TEST(test_input__an_offensive_needs_a_region_and_fighters)
{
    /* The validator backs the loader up for inputs built in code. */
    dd_input in;
    dd_error err;
    dd_test_input(&in, 2, 12, 1000.0, 100.0);
    dd_test_add_offensive(&in, 1, 3, 600.0);
    ck_assert_int_eq(check(&in, &err), DD_OK);
    in.events[0].region = 2;
    ck_assert_int_eq(check(&in, &err), DD_ERANGE);
    ck_assert_str_eq(err.msg, "offensive: region index 2 is not a region");
    in.events[0].region = -1;
    ck_assert_int_eq(check(&in, &err), DD_ERANGE);
    in.events[0].region = 1;
    in.events[0].magnitude = 0.0;
    ck_assert_int_eq(check(&in, &err), DD_ERANGE);
    ck_assert_str_eq(err.msg, "offensive: magnitude = 0 fighters must be > 0 and at most 1e+06");
    in.events[0].magnitude = DD_OFFENSIVE_MAX;
    ck_assert_int_eq(check(&in, &err), DD_OK);
    in.events[0].magnitude = 2.0 * DD_OFFENSIVE_MAX;
    ck_assert_int_eq(check(&in, &err), DD_ERANGE);
    in.events[0].magnitude = NAN;
    ck_assert_int_eq(check(&in, &err), DD_ERANGE);
    dd_input_free(&in);
}
END_TEST

START_TEST(test_input__a_militia_needs_a_region_and_members)
{
    dd_input in;
    dd_error err;
    dd_test_input(&in, 2, 12, 1000.0, 100.0);
    dd_test_add_militia(&in, 1, 3, 3000.0);
    ck_assert_int_eq(check(&in, &err), DD_OK);
    in.events[0].region = 2;
    ck_assert_int_eq(check(&in, &err), DD_ERANGE);
    ck_assert_str_eq(err.msg, "militia: region index 2 is not a region");
    in.events[0].region = 0;
    in.events[0].magnitude = -5.0;
    ck_assert_int_eq(check(&in, &err), DD_ERANGE);
    ck_assert_str_eq(err.msg, "militia: magnitude = -5 members must be > 0 and at most 1e+06");
    dd_input_free(&in);
}
END_TEST

START_TEST(test_input__negative_counts_and_bad_shares_are_refused)
{
    dd_input in;
    dd_error err;
    dd_test_input(&in, 2, 12, 1000.0, 100.0);
    in.regions[0].armed_strength = -1.0;
    ck_assert_int_eq(check(&in, &err), DD_ERANGE);
    in.regions[0].armed_strength = 10.0;
    in.regions[1].state_authority = 1.2;
    ck_assert_int_eq(check(&in, &err), DD_ERANGE);
    in.regions[1].state_authority = 0.2;
    in.regions[1].population = 0.0;
    ck_assert_int_eq(check(&in, &err), DD_ERANGE);
    in.regions[1].population = 10.0;
    in.regions[1].displaced = 11.0;
    ck_assert_int_eq(check(&in, &err), DD_ERANGE);
    in.regions[1].displaced = 0.0;
    strcpy(in.regions[1].name, "R0");
    ck_assert_int_eq(check(&in, &err), DD_ECONFIG);
    ck_assert_ptr_nonnull(strstr(err.msg, "twice"));
    dd_input_free(&in);
}
END_TEST

START_TEST(test_input__calendar_policy_is_checked)
{
    dd_input in;
    dd_error err;
    dd_test_input(&in, 1, 12, 1000.0, 100.0);
    in.policy.kind = DD_POLICY_CALENDAR;
    in.policy.start_month = in.start_month + 2;
    in.policy.duration_months = 3;
    in.policy.phases = 4;
    ck_assert_int_eq(check(&in, &err), DD_ERANGE);
    in.policy.phases = 3;
    ck_assert_int_eq(check(&in, &err), DD_OK);
    in.policy.start_month = in.start_month + 12;
    ck_assert_int_eq(check(&in, &err), DD_ERANGE);
    dd_input_free(&in);
}
END_TEST

int main(void)
{
    const TTest *const tests[] = {
        test_input__schedule_interpolates_and_holds,
        test_input__a_valid_input_passes,
        test_input__shares_must_sum_to_one,
        test_input__dates_must_increase,
        test_input__events_outside_the_horizon_are_refused,
        test_input__an_offensive_needs_a_region_and_fighters,
        test_input__a_militia_needs_a_region_and_members,
        test_input__negative_counts_and_bad_shares_are_refused,
        test_input__calendar_policy_is_checked,
    };
    return dd_test_run_case("input", "core", 0, tests, DD_TEST_COUNT(tests));
}

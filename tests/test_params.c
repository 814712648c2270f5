/* Tests of dd_params: the parameter table, defaults and range checks. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dd_params.h"
#include "test_check.h"

START_TEST(test_params__defaults_are_inside_their_ranges)
{
    dd_params p;
    dd_params_default(&p);
    dd_error err;
    dd_error_clear(&err);
    ck_assert_int_eq(dd_params_validate(&p, &err), DD_OK);
    size_t n;
    const dd_param_info *t = dd_params_table(&n);
    ck_assert_uint_gt(n, 20);
    for (size_t i = 0; i < n; i++) {
        ck_assert_msg(t[i].min <= t[i].def && t[i].def <= t[i].max, "%s", t[i].name);
        ck_assert_msg(t[i].unit[0] != '\0' && t[i].source[0] != '\0', "%s undocumented", t[i].name);
        ck_assert_ptr_eq(dd_params_lookup(t[i].name), &t[i]);
        ck_assert(dd_params_get(&p, &t[i]) == t[i].def);
    }
}
END_TEST

START_TEST(test_params__plausible_range_holds_the_default_inside_the_valid_range)
{
    /* min <= plausible_min <= default <= plausible_max <= max, for every parameter. */
    size_t n;
    const dd_param_info *t = dd_params_table(&n);
    size_t varied = 0;
    for (size_t i = 0; i < n; i++) {
        const dd_param_info *pi = &t[i];
        ck_assert_msg(pi->min <= pi->plausible_min && pi->plausible_min <= pi->def &&
                          pi->def <= pi->plausible_max && pi->plausible_max <= pi->max,
                      "%s: need %g <= %g <= %g <= %g <= %g", pi->name, pi->min,
                      pi->plausible_min, pi->def, pi->plausible_max, pi->max);
        if (pi->integral)
            ck_assert_msg(pi->plausible_min == floor(pi->plausible_min) &&
                              pi->plausible_max == floor(pi->plausible_max),
                          "%s: plausible range of an integral parameter", pi->name);
        varied += pi->plausible_min < pi->plausible_max;
    }
    ck_assert_uint_gt(varied, n / 2);
    const dd_param_info *ref = dd_params_lookup("troop_weight");
    ck_assert(ref->plausible_min == ref->def && ref->plausible_max == ref->def);
}
END_TEST

START_TEST(test_params__names_are_unique)
{
    size_t n;
    const dd_param_info *t = dd_params_table(&n);
    for (size_t i = 0; i < n; i++)
        for (size_t j = i + 1; j < n; j++)
            ck_assert_str_ne(t[i].name, t[j].name);
}
END_TEST

START_TEST(test_params__validate_names_the_parameter_out_of_range)
{
    dd_params p;
    dd_params_default(&p);
    p.attrition_per_month = 1.5;
    dd_error err;
    dd_error_clear(&err);
    ck_assert_int_eq(dd_params_validate(&p, &err), DD_ERANGE);
    ck_assert_ptr_nonnull(strstr(err.msg, "attrition_per_month"));
    dd_params_default(&p);
    p.relapse_window_months = 12.5;
    ck_assert_int_eq(dd_params_validate(&p, &err), DD_ERANGE);
    ck_assert_ptr_nonnull(strstr(err.msg, "whole number"));
    dd_params_default(&p);
    p.fatalities_per_event = NAN;
    ck_assert_int_eq(dd_params_validate(&p, &err), DD_ERANGE);
}
END_TEST

START_TEST(test_params__every_parameter_is_documented_in_model_md)
{
    /* engine/MODEL.md must list each parameter by name (as `name`). */
    FILE *f = fopen(DD_SOURCE_DIR "/engine/MODEL.md", "r");
    ck_assert_ptr_nonnull(f);
    static char text[1 << 20];
    size_t len = fread(text, 1, sizeof text - 1, f);
    fclose(f);
    text[len] = '\0';
    size_t n;
    const dd_param_info *t = dd_params_table(&n);
    for (size_t i = 0; i < n; i++) {
        char quoted[128];
        snprintf(quoted, sizeof quoted, "`%s`", t[i].name);
        ck_assert_msg(strstr(text, quoted) != NULL, "engine/MODEL.md does not document %s",
                      t[i].name);
    }
}
END_TEST

START_TEST(test_params__mechanism_names_round_trip)
{
    for (int m = 0; m < DD_MECH_COUNT; m++)
        ck_assert_int_eq(dd_mech_lookup(dd_mech_name((dd_mech)m)), m);
    ck_assert_int_eq(dd_mech_lookup("no_such_mechanism"), -1);
}
END_TEST

int main(void)
{
    const TTest *const tests[] = {
        test_params__defaults_are_inside_their_ranges,
        test_params__plausible_range_holds_the_default_inside_the_valid_range,
        test_params__names_are_unique,
        test_params__validate_names_the_parameter_out_of_range,
        test_params__every_parameter_is_documented_in_model_md,
        test_params__mechanism_names_round_trip,
    };
    return dd_test_run_case("params", "core", 0, tests, DD_TEST_COUNT(tests));
}

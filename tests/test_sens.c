/*
 * Tests of dd_sens: the rule that moves a parameter in a scenario, the
 * intervals, the judgement of a conclusion, and whole sensitivity runs on
 * the small synthetic scenarios of tests/data/sensitivity.
 */
#define _POSIX_C_SOURCE 200809L

#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>

#include "dd_sens.h"
#include "test_check.h"

#define SENS_DIR DD_TEST_DATA "/sensitivity"

/* Index of a contrast by name and measure. */
static size_t contrast_index(const char *name, const char *measure)
{
    size_t n;
    const dd_sens_contrast *c = dd_sens_contrasts(&n);
    for (size_t i = 0; i < n; i++)
        if (strcmp(c[i].name, name) == 0 && strcmp(c[i].measure, measure) == 0)
            return i;
    ck_abort_msg("no contrast %s/%s", name, measure);
    return 0;
}

/* Load and run the test scenarios with the named parameters and `reps` replications. */
static dd_sens *run_sens(const char *const *params, size_t n_params, long reps, int threads)
{
    dd_sens_opts o;
    memset(&o, 0, sizeof o);
    o.scenario_dir = SENS_DIR;
    o.reps = reps;
    o.threads = threads;
    o.params = params;
    o.n_params = n_params;
    dd_sens *s = NULL;
    dd_error err;
    dd_error_clear(&err);
    int rc = dd_sens_load(&o, &s, &err);
    ck_assert_msg(rc == DD_OK, "load: %s", err.msg);
    rc = dd_sens_run(s, &err);
    ck_assert_msg(rc == DD_OK, "run: %s", err.msg);
    return s;
}

START_TEST(test_sens_value__takes_the_end_where_the_scenario_keeps_the_default)
{
    const dd_param_info *pi = dd_params_lookup("host_recruit_per_month");
    ck_assert_double_eq(dd_sens_param_value(pi, pi->def, pi->plausible_min), pi->plausible_min);
    ck_assert_double_eq(dd_sens_param_value(pi, pi->def, pi->plausible_max), pi->plausible_max);
}
END_TEST

START_TEST(test_sens_value__keeps_a_scenario_override_in_proportion_and_in_range)
{
    const dd_param_info *pi = dd_params_lookup("host_recruit_per_month");
    double own = 3.0 * pi->def; /* fast-host-capacity triples it */
    ck_assert_double_eq_tol(dd_sens_param_value(pi, own, pi->plausible_max),
                            3.0 * pi->plausible_max, 1e-12);
    const dd_param_info *share = dd_params_lookup("pk_air_protection");
    ck_assert_double_eq(dd_sens_param_value(share, 0.9, share->plausible_max), share->max);
    const dd_param_info *months = dd_params_lookup("forced_withdrawal_months");
    double v = dd_sens_param_value(months, 5.0, months->plausible_max); /* 5 * 12/6 */
    ck_assert_double_eq(v, floor(v));
    ck_assert_double_eq(v, 10.0);
}
END_TEST

START_TEST(test_sens_share__wilson_interval_stays_inside_zero_and_one)
{
    double a[40];
    for (size_t i = 0; i < 40; i++)
        a[i] = i < 37 ? 1.0 : 0.0;
    dd_sens_estimate e;
    dd_sens_share(a, 40, &e);
    ck_assert_double_eq_tol(e.estimate, 0.925, 1e-12);
    /* Wilson score interval of 37/40: 0.8014 to 0.9742 (to 4 digits). */
    ck_assert_double_eq_tol(e.ci_low, 0.8014, 1e-4);
    ck_assert_double_eq_tol(e.ci_high, 0.9742, 1e-4);
    for (size_t i = 0; i < 40; i++)
        a[i] = 1.0;
    dd_sens_share(a, 40, &e);
    ck_assert(e.ci_high <= 1.0 && e.ci_low < 1.0 && e.ci_low > 0.9);
}
END_TEST

START_TEST(test_sens_ratio__is_the_ratio_of_means_with_an_interval_around_it)
{
    double a[] = {2.385, 1.2, 3.3, 0.7, 2.9}, b[] = {4.1, 3.0, 6.2, 1.9, 5.5};
    dd_sens_estimate e;
    dd_sens_ratio(a, b, 5, &e);
    ck_assert_double_eq_tol(e.estimate, 10.485 / 20.7, 1e-12);
    ck_assert(e.ci_low < e.estimate && e.estimate < e.ci_high);
    double zero[] = {0.0, 0.0, 0.0, 0.0, 0.0};
    dd_sens_ratio(a, zero, 5, &e);
    ck_assert(isnan(e.estimate));
}
END_TEST

START_TEST(test_sens_judge__needs_the_whole_interval_on_one_side)
{
    size_t n;
    const dd_sens_contrast *c = dd_sens_contrasts(&n);
    const dd_sens_contrast *vac = &c[contrast_index("vacuum", "vacuum_index")];
    const dd_sens_contrast *host = &c[contrast_index("host", "vacuum_index_ratio")];
    ck_assert_int_eq(dd_sens_judge(vac, 0.01, 0.3), DD_SENS_HOLDS_YES);
    ck_assert_int_eq(dd_sens_judge(vac, -0.01, 0.3), DD_SENS_HOLDS_UNCLEAR);
    ck_assert_int_eq(dd_sens_judge(vac, -0.3, -0.01), DD_SENS_HOLDS_NO);
    ck_assert_int_eq(dd_sens_judge(host, 0.2, 0.45), DD_SENS_HOLDS_YES);
    ck_assert_int_eq(dd_sens_judge(host, 0.55, 0.7), DD_SENS_HOLDS_NO);
    ck_assert_int_eq(dd_sens_judge(host, NAN, NAN), DD_SENS_HOLDS_UNCLEAR);
}
END_TEST

START_TEST(test_sens_run__a_cost_parameter_leaves_the_vacuum_contrast_exactly_unchanged)
{
    static const char *const params[] = {"usd_per_person_month"};
    dd_sens *s = run_sens(params, 1, 12, 0);
    size_t v = contrast_index("vacuum", "vacuum_index");
    const dd_sens_estimate *base = dd_sens_estimates(s, 0, DD_SENS_BASE);
    for (int end = DD_SENS_LOW; end <= DD_SENS_HIGH; end += 2) {
        const dd_sens_estimate *e = dd_sens_estimates(s, 0, (dd_sens_end)end);
        ck_assert(e[v].estimate == base[v].estimate);
        ck_assert(e[v].ci_low == base[v].ci_low && e[v].ci_high == base[v].ci_high);
    }
    ck_assert_ptr_null(dd_sens_estimates(s, 1, DD_SENS_LOW));
    dd_sens_free(s);
}
END_TEST

START_TEST(test_sens_run__more_abuse_per_mercenary_raises_the_partner_civilian_contrast)
{
    static const char *const params[] = {"mercenary_abuse_factor"};
    dd_sens *s = run_sens(params, 1, 16, 0);
    size_t c = contrast_index("partner", "civilian_fatalities");
    double lo = dd_sens_estimates(s, 0, DD_SENS_LOW)[c].estimate;
    double base = dd_sens_estimates(s, 0, DD_SENS_BASE)[c].estimate;
    double hi = dd_sens_estimates(s, 0, DD_SENS_HIGH)[c].estimate;
    ck_assert_msg(lo < base && base < hi, "low %g, base %g, high %g", lo, base, hi);
    dd_sens_free(s);
}
END_TEST

START_TEST(test_sens_run__results_do_not_depend_on_the_thread_count)
{
    static const char *const params[] = {"host_weight", "usd_per_person_month"};
    dd_sens *one = run_sens(params, 2, 12, 1);
    dd_sens *two = run_sens(params, 2, 12, 2);
    char *b1 = NULL, *b2 = NULL;
    size_t n1 = 0, n2 = 0;
    FILE *f1 = open_memstream(&b1, &n1), *f2 = open_memstream(&b2, &n2);
    dd_error err;
    ck_assert_int_eq(dd_sens_write_csv(f1, one, &err), DD_OK);
    ck_assert_int_eq(dd_sens_write_csv(f2, two, &err), DD_OK);
    fclose(f1);
    fclose(f2);
    ck_assert_uint_eq(n1, n2);
    ck_assert(memcmp(b1, b2, n1) == 0);
    free(b1);
    free(b2);
    dd_sens_free(one);
    dd_sens_free(two);
}
END_TEST

START_TEST(test_sens_load__refuses_unknown_and_fixed_parameters)
{
    dd_sens_opts o;
    memset(&o, 0, sizeof o);
    o.scenario_dir = SENS_DIR;
    o.reps = 4;
    const char *bad[] = {"no_such_parameter"};
    o.params = bad;
    o.n_params = 1;
    dd_sens *s = NULL;
    dd_error err;
    dd_error_clear(&err);
    ck_assert_int_eq(dd_sens_load(&o, &s, &err), DD_EUSAGE);
    ck_assert_ptr_null(s);
    ck_assert_ptr_nonnull(strstr(err.msg, "no_such_parameter"));
    const char *fixed[] = {"troop_weight"};
    o.params = fixed;
    ck_assert_int_eq(dd_sens_load(&o, &s, &err), DD_EUSAGE);
    ck_assert_ptr_nonnull(strstr(err.msg, "not varied"));
    const char *twice[] = {"host_weight", "host_weight"};
    o.params = twice;
    o.n_params = 2;
    ck_assert_int_eq(dd_sens_load(&o, &s, &err), DD_EUSAGE);
    o.params = NULL;
    o.n_params = 0;
    o.reps = 1;
    ck_assert_int_eq(dd_sens_load(&o, &s, &err), DD_EUSAGE);
}
END_TEST

START_TEST(test_sens_load__names_the_file_of_a_missing_scenario)
{
    dd_sens_opts o;
    memset(&o, 0, sizeof o);
    o.scenario_dir = DD_TEST_DATA "/good";
    o.reps = 4;
    dd_sens *s = NULL;
    dd_error err;
    dd_error_clear(&err);
    int rc = dd_sens_load(&o, &s, &err);
    ck_assert_int_eq(rc, DD_ECONFIG);
    ck_assert_ptr_null(s);
    ck_assert_ptr_nonnull(strstr(err.file, "abrupt-exit.cfg"));
}
END_TEST

int main(void)
{
    gsl_set_error_handler_off();
    const TTest *const tests[] = {
        test_sens_value__takes_the_end_where_the_scenario_keeps_the_default,
        test_sens_value__keeps_a_scenario_override_in_proportion_and_in_range,
        test_sens_share__wilson_interval_stays_inside_zero_and_one,
        test_sens_ratio__is_the_ratio_of_means_with_an_interval_around_it,
        test_sens_judge__needs_the_whole_interval_on_one_side,
        test_sens_run__a_cost_parameter_leaves_the_vacuum_contrast_exactly_unchanged,
        test_sens_run__more_abuse_per_mercenary_raises_the_partner_civilian_contrast,
        test_sens_run__results_do_not_depend_on_the_thread_count,
        test_sens_load__refuses_unknown_and_fixed_parameters,
        test_sens_load__names_the_file_of_a_missing_scenario,
    };
    return dd_test_run_case("sens", "core", 300, tests, DD_TEST_COUNT(tests));
}

/* Tests of dd_rng: the generator type, the documented key, and stream independence. */
#include <check.h>
#include <math.h>
#include <stdlib.h>

#include <gsl/gsl_randist.h>

#include "dd_rng.h"
#include "test_check.h"

START_TEST(test_rng__pins_the_first_draws_of_a_known_key)
{
    /* Pinned values: a change in the mixing function or the generator shows up here.
       They were computed once by this implementation; splitmix64 of 0 after one increment is
       the published first output 0xe220a8397b1dcdaf. */
    uint64_t x = UINT64_C(0x9e3779b97f4a7c15);
    ck_assert_uint_eq(dd_rng_mix(x), UINT64_C(0xe220a8397b1dcdaf));
    gsl_rng *r = dd_rng_alloc();
    ck_assert_ptr_nonnull(r);
    dd_rng_set_key(r, dd_rng_key(11, 0, 0, 0));
    unsigned long a = gsl_rng_get(r);
    dd_rng_set_key(r, dd_rng_key(11, 0, 0, 0));
    ck_assert_uint_eq(gsl_rng_get(r), a);
    ck_assert_uint_le(a, 0xffffffffUL);
    gsl_rng_free(r);
}
END_TEST

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

START_TEST(test_rng__distinct_coordinates_give_distinct_keys)
{
    /* Injective in each coordinate for fixed others: no collisions over a grid. (Checked
       by sorting; ck_assert is kept out of the loop because each call is slow.) */
    enum { N = 20000 };
    uint64_t *keys = malloc(N * sizeof *keys);
    for (int c = 0; c < 4; c++) {
        for (uint64_t i = 0; i < N; i++) {
            if (c == 0)
                keys[i] = dd_rng_key(7, i, 3, 2);
            else if (c == 1)
                keys[i] = dd_rng_key(7, 3, i, 2);
            else if (c == 2)
                keys[i] = dd_rng_key(7, 3, 2, i);
            else
                keys[i] = dd_rng_key(i, 3, 2, 7);
        }
        qsort(keys, N, sizeof *keys, cmp_u64);
        size_t dup = 0;
        for (size_t i = 1; i < N; i++)
            dup += keys[i] == keys[i - 1];
        ck_assert_msg(dup == 0, "coordinate %d: %zu collisions", c, dup);
    }
    free(keys);
}
END_TEST

START_TEST(test_rng__uniform_draws_have_the_right_mean_and_variance)
{
    /* 200,000 uniforms: mean 1/2 with sd 1/sqrt(12 n) = 6.5e-4; 5 sd tolerance = 3.2e-3.
       Variance 1/12 with sd about sqrt(1/180 n) = 1.7e-4; tolerance 1e-3. Fixed key. */
    gsl_rng *r = dd_rng_alloc();
    dd_rng_set_key(r, dd_rng_key(2385, 1, 2, 3));
    const int n = 200000;
    double sum = 0.0, sumsq = 0.0;
    for (int i = 0; i < n; i++) {
        double u = gsl_rng_uniform(r);
        ck_assert(u >= 0.0 && u < 1.0);
        sum += u;
        sumsq += u * u;
    }
    double mean = sum / n, var = sumsq / n - mean * mean;
    ck_assert_double_eq_tol(mean, 0.5, 3.2e-3);
    ck_assert_double_eq_tol(var, 1.0 / 12.0, 1e-3);
    gsl_rng_free(r);
}
END_TEST

START_TEST(test_rng__neighbouring_streams_are_uncorrelated)
{
    /* Correlation of the first draw of streams (rep i) and (rep i+1), over 20,000 pairs:
       sd 1/sqrt(n) = 0.007; tolerance 0.035 (5 sd). */
    gsl_rng *r = dd_rng_alloc();
    const int n = 20000;
    double sx = 0, sy = 0, sxy = 0, sxx = 0, syy = 0;
    for (int i = 0; i < n; i++) {
        dd_rng_set_key(r, dd_rng_key(5, (uint64_t)i, 0, 0));
        double x = gsl_rng_uniform(r);
        dd_rng_set_key(r, dd_rng_key(5, (uint64_t)i + 1, 0, 0));
        double y = gsl_rng_uniform(r);
        sx += x;
        sy += y;
        sxy += x * y;
        sxx += x * x;
        syy += y * y;
    }
    double cov = sxy / n - (sx / n) * (sy / n);
    double corr = cov / sqrt((sxx / n - (sx / n) * (sx / n)) * (syy / n - (sy / n) * (sy / n)));
    ck_assert_double_eq_tol(corr, 0.0, 0.035);
    gsl_rng_free(r);
}
END_TEST

START_TEST(test_rng__gsl_distributions_work_on_the_generator)
{
    /* Poisson(3.7) mean over 100,000 draws: sd sqrt(3.7/n) = 0.006; tolerance 0.03. */
    gsl_rng *r = dd_rng_alloc();
    dd_rng_set_key(r, 99);
    double sum = 0.0;
    for (int i = 0; i < 100000; i++)
        sum += gsl_ran_poisson(r, 3.7);
    ck_assert_double_eq_tol(sum / 100000.0, 3.7, 0.03);
    gsl_rng_free(r);
}
END_TEST

int main(void)
{
    const TTest *const tests[] = {
        test_rng__pins_the_first_draws_of_a_known_key,
        test_rng__distinct_coordinates_give_distinct_keys,
        test_rng__uniform_draws_have_the_right_mean_and_variance,
        test_rng__neighbouring_streams_are_uncorrelated,
        test_rng__gsl_distributions_work_on_the_generator,
    };
    return dd_test_run_case("rng", "core", 0, tests, DD_TEST_COUNT(tests));
}

/*
 * test_stats: Check suite for engine/sim/dd_stats.c (streaming accumulators,
 * bins, quantiles, confidence intervals, and the grid's independence from
 * the thread count and the block size).
 */
#include <check.h>

#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

#include "dd_error.h"
#include "dd_stats.h"
#include "test_check.h"

#define N_SAMPLE 10000

/*
 * Check records every passing ck_assert (a write to its log), which is slow
 * in loops of a million checks; REQUIRE costs nothing until it fails.
 */
#define REQUIRE(cond)                                                                              \
    do {                                                                                           \
        if (!(cond))                                                                               \
            ck_abort_msg("Assertion '%s' failed", #cond);                                          \
    } while (0)

static const double probs[] = {0.001, 0.01, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.999};
#define N_PROBS (sizeof probs / sizeof probs[0])

/* ------------------------------------------------------------ helpers */

static gsl_rng *new_rng(unsigned long seed)
{
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    ck_assert_ptr_nonnull(r);
    gsl_rng_set(r, seed);
    return r;
}

/* Initialise `a` with binning `b` and add every value; fails the test on any error. */
static void fill(dd_acc *a, dd_binning b, const double *x, size_t n)
{
    dd_acc_init(a, b);
    for (size_t i = 0; i < n; i++)
        REQUIRE(dd_acc_add(a, x[i]) == 0);
}

/*
 * The quantile the accumulator estimates: the ceil(p n)-th smallest value,
 * with t = p n computed in the same double arithmetic as the library.
 */
static double exact_quantile(const double *sorted, size_t n, double p)
{
    double t = p * (double)n;
    size_t k = (size_t)ceil(t);
    if (k < 1)
        k = 1;
    if (k > n)
        k = n;
    return sorted[k - 1];
}

/*
 * Check every probability: the estimate must lie inside the bin that holds
 * the exact quantile (the header's "off by at most one bin"), so the error
 * is at most that bin's width. `rel` > 0 additionally bounds the error
 * relative to the exact value (for DD_BIN_COUNT from 64 up: 1/64).
 */
/* A sorted copy of x[0..n-1] (the caller frees it). */
static double *sorted_copy(const double *x, size_t n)
{
    double *s = malloc(n * sizeof *s);
    ck_assert_ptr_nonnull(s);
    memcpy(s, x, n * sizeof *s);
    gsl_sort(s, 1, n);
    return s;
}

static void check_quantiles(const dd_acc *a, const double *x, size_t n, dd_binning b, double rel)
{
    double *s = sorted_copy(x, n);
    ck_assert(dd_acc_quantile(a, 0.0) == s[0]);
    ck_assert(dd_acc_quantile(a, 1.0) == s[n - 1]);
    for (size_t i = 0; i < N_PROBS; i++) {
        double want = exact_quantile(s, n, probs[i]);
        double got = dd_acc_quantile(a, probs[i]);
        double lo, hi;
        dd_stats_bin_edges(b, dd_stats_bin_index(b, want), &lo, &hi);
        ck_assert_msg(got >= lo && got <= hi, "p=%g: got %.17g, exact %.17g, bin [%.17g, %.17g)",
                      probs[i], got, want, lo, hi);
        ck_assert_msg(fabs(got - want) <= hi - lo, "p=%g: error %g above bin width %g", probs[i],
                      fabs(got - want), hi - lo);
        if (rel > 0.0 && want >= 64.0)
            ck_assert_msg(fabs(got - want) <= rel * want, "p=%g: relative error %g", probs[i],
                          fabs(got - want) / want);
    }
    free(s);
}

static void check_moments(const dd_acc *a, const double *x, size_t n)
{
    double mean = gsl_stats_mean(x, 1, n);
    double sd = gsl_stats_sd(x, 1, n);
    ck_assert_int_eq(a->n, (long)n);
    ck_assert_msg(fabs(dd_acc_mean(a) - mean) <= 1e-12 * fabs(mean), "mean %.17g vs %.17g",
                  dd_acc_mean(a), mean);
    ck_assert_msg(fabs(dd_acc_sd(a) - sd) <= 1e-12 * fabs(sd), "sd %.17g vs %.17g", dd_acc_sd(a),
                  sd);
}

/* N_SAMPLE values of `draw(r, p1, p2)` from a generator seeded with `seed` (caller frees). */
static double *draw_sample(unsigned long seed, double (*draw)(const gsl_rng *, double, double),
                           double p1, double p2)
{
    gsl_rng *r = new_rng(seed);
    double *x = malloc(N_SAMPLE * sizeof *x);
    ck_assert_ptr_nonnull(x);
    for (size_t i = 0; i < N_SAMPLE; i++)
        x[i] = draw(r, p1, p2);
    gsl_rng_free(r);
    return x;
}

static double poisson_draw(const gsl_rng *r, double mu, double unused)
{
    (void)unused;
    return (double)gsl_ran_poisson(r, mu);
}

static double *lognormal_sample(unsigned long seed, double zeta, double sigma)
{
    return draw_sample(seed, gsl_ran_lognormal, zeta, sigma);
}

static double *uniform_sample(unsigned long seed, double a, double b)
{
    return draw_sample(seed, gsl_ran_flat, a, b);
}

static double *poisson_sample(unsigned long seed, double mu)
{
    return draw_sample(seed, poisson_draw, mu, 0.0);
}

/* The header's accuracy claim on sample `x` (N_SAMPLE values, freed here) under binning `b`:
   see check_quantiles for `rel`. */
static void check_sample_quantiles(double *x, dd_binning b, double rel)
{
    dd_acc a;
    fill(&a, b, x, N_SAMPLE);
    check_quantiles(&a, x, N_SAMPLE, b, rel);
    dd_acc_free(&a);
    free(x);
}

/* Whether q lies in [lower edge, upper edge] of the bin that holds x. */
static int in_bin_of(dd_binning b, double q, double x)
{
    double lo, hi;
    dd_stats_bin_edges(b, dd_stats_bin_index(b, x), &lo, &hi);
    return q >= lo && q <= hi;
}

/* The frexp formula of the header, as a reference for the library's bit trick. */
static int32_t ref_count_index(double x)
{
    if (x < 64.0)
        return (int32_t)floor(x);
    int exp2;
    double f = frexp(x, &exp2); /* x = f * 2^exp2, f in [0.5, 1) */
    int e = exp2 - 1;
    double m = 2.0 * f; /* x = m * 2^e, m in [1, 2) */
    return 64 + (e - 6) * 64 + (int32_t)floor((m - 1.0) * 64.0);
}

/* Every field, every count and a spread of quantiles, compared bit for bit. */
static void assert_acc_identical(const dd_acc *a, const dd_acc *b)
{
    ck_assert_int_eq(a->n, b->n);
    ck_assert_int_eq(a->binning, b->binning);
    ck_assert(memcmp(&a->shift, &b->shift, sizeof a->shift) == 0);
    ck_assert(memcmp(&a->sum, &b->sum, sizeof a->sum) == 0);
    ck_assert(memcmp(&a->sumsq, &b->sumsq, sizeof a->sumsq) == 0);
    ck_assert(memcmp(&a->min, &b->min, sizeof a->min) == 0);
    ck_assert(memcmp(&a->max, &b->max, sizeof a->max) == 0);
    ck_assert_int_eq(a->lo, b->lo);
    ck_assert_uint_eq(a->len, b->len);
    ck_assert(a->len == 0 || memcmp(a->bins, b->bins, a->len * sizeof *a->bins) == 0);
    for (size_t i = 0; i < N_PROBS; i++) {
        double qa = dd_acc_quantile(a, probs[i]);
        double qb = dd_acc_quantile(b, probs[i]);
        ck_assert(memcmp(&qa, &qb, sizeof qa) == 0);
    }
    double la, ha, lb, hb;
    dd_acc_ci95(a, &la, &ha);
    dd_acc_ci95(b, &lb, &hb);
    ck_assert(memcmp(&la, &lb, sizeof la) == 0 && memcmp(&ha, &hb, sizeof ha) == 0);
}

/* --------------------------------------------------------------- binning */

START_TEST(test_stats__share_index_is_floor_of_value_over_bin_width)
{
    ck_assert_int_eq(dd_stats_bin_index(DD_BIN_SHARE, 0.0), 0);
    ck_assert_int_eq(dd_stats_bin_index(DD_BIN_SHARE, -0.0), 0);
    ck_assert_int_eq(dd_stats_bin_index(DD_BIN_SHARE, 0.0005), 0);
    ck_assert_int_eq(dd_stats_bin_index(DD_BIN_SHARE, 0.5), 500);
    ck_assert_int_eq(dd_stats_bin_index(DD_BIN_SHARE, 1.0), 1000);
    ck_assert_int_eq(dd_stats_bin_index(DD_BIN_SHARE, 0.9999), 999);
    ck_assert_int_eq(dd_stats_bin_index(DD_BIN_SHARE, -0.0005), -1);
    ck_assert_int_eq(dd_stats_bin_index(DD_BIN_SHARE, -0.5), -500);
    ck_assert_int_eq(dd_stats_bin_index(DD_BIN_SHARE, -0.5001), -501);
    ck_assert_int_eq(dd_stats_bin_index(DD_BIN_SHARE, 123.4567), 123456);
}
END_TEST

START_TEST(test_stats__count_index_follows_unit_bins_then_64_per_octave)
{
    ck_assert_int_eq(dd_stats_bin_index(DD_BIN_COUNT, 0.0), 0);
    ck_assert_int_eq(dd_stats_bin_index(DD_BIN_COUNT, 0.999), 0);
    ck_assert_int_eq(dd_stats_bin_index(DD_BIN_COUNT, 7.0), 7);
    ck_assert_int_eq(dd_stats_bin_index(DD_BIN_COUNT, 63.99), 63);
    ck_assert_int_eq(dd_stats_bin_index(DD_BIN_COUNT, 64.0), 64);
    ck_assert_int_eq(dd_stats_bin_index(DD_BIN_COUNT, 65.0), 65);
    ck_assert_int_eq(dd_stats_bin_index(DD_BIN_COUNT, 96.0), 96);
    ck_assert_int_eq(dd_stats_bin_index(DD_BIN_COUNT, 127.99), 127);
    ck_assert_int_eq(dd_stats_bin_index(DD_BIN_COUNT, 128.0), 128);
    ck_assert_int_eq(dd_stats_bin_index(DD_BIN_COUNT, 129.0), 128);
    ck_assert_int_eq(dd_stats_bin_index(DD_BIN_COUNT, 130.0), 129);
    ck_assert_int_eq(dd_stats_bin_index(DD_BIN_COUNT, 1e6), ref_count_index(1e6));

    /* The library's bit manipulation against the frexp formula, over many octaves. */
    gsl_rng *r = new_rng(7);
    for (int i = 0; i < 200000; i++) {
        double x = exp(gsl_rng_uniform(r) * 700.0) - 1.0;
        REQUIRE(dd_stats_bin_index(DD_BIN_COUNT, x) == ref_count_index(x));
    }
    for (int e = 6; e < 1023; e++) {
        for (int j = 0; j < 64; j++) {
            double x = ldexp(1.0 + j / 64.0, e);
            REQUIRE(dd_stats_bin_index(DD_BIN_COUNT, x) == ref_count_index(x));
            REQUIRE(dd_stats_bin_index(DD_BIN_COUNT, x) == 64 + (e - 6) * 64 + j);
            double below = nextafter(x, 0.0);
            REQUIRE(dd_stats_bin_index(DD_BIN_COUNT, below) == ref_count_index(below));
        }
    }
    gsl_rng_free(r);
}
END_TEST

/* index(lower edge) == k, the double below it is in k - 1, the upper edge opens k + 1. */
static void check_round_trip(dd_binning b, int32_t k)
{
    double lo, hi, lo1, hi1;
    dd_stats_bin_edges(b, k, &lo, &hi);
    dd_stats_bin_edges(b, k + 1, &lo1, &hi1);
    if (!(lo < hi))
        ck_abort_msg("bin %d: [%.17g, %.17g)", (int)k, lo, hi);
    REQUIRE(hi == lo1);
    REQUIRE(dd_stats_bin_index(b, lo) == k);
    REQUIRE(dd_stats_bin_index(b, nextafter(hi, -HUGE_VAL)) == k);
    REQUIRE(dd_stats_bin_index(b, hi) == k + 1);
    if (!(b == DD_BIN_COUNT && k == 0))
        REQUIRE(dd_stats_bin_index(b, nextafter(lo, -HUGE_VAL)) == k - 1);
    REQUIRE(dd_stats_bin_index(b, 0.5 * (lo + hi)) == k);
}

START_TEST(test_stats__bin_edges_round_trip_through_the_index)
{
    for (int32_t k = -30000; k <= 30000; k++)
        check_round_trip(DD_BIN_SHARE, k);
    for (int32_t k = 1990000000; k < 1990001000; k++)
        check_round_trip(DD_BIN_SHARE, k);
    for (int32_t k = -1990001000; k < -1990000000; k++)
        check_round_trip(DD_BIN_SHARE, k);
    for (int32_t k = 0; k <= 64 + 900 * 64; k++)
        check_round_trip(DD_BIN_COUNT, k);

    double lo, hi;
    dd_stats_bin_edges(DD_BIN_COUNT, 5, &lo, &hi);
    ck_assert(lo == 5.0 && hi == 6.0);
    dd_stats_bin_edges(DD_BIN_COUNT, 63, &lo, &hi);
    ck_assert(lo == 63.0 && hi == 64.0);
    dd_stats_bin_edges(DD_BIN_COUNT, 64, &lo, &hi);
    ck_assert(lo == 64.0 && hi == 65.0);
    dd_stats_bin_edges(DD_BIN_COUNT, 128, &lo, &hi);
    ck_assert(lo == 128.0 && hi == 130.0);
    dd_stats_bin_edges(DD_BIN_SHARE, 500, &lo, &hi);
    ck_assert(fabs(lo - 0.5) < 1e-15 && fabs(hi - 0.501) < 1e-15);
}
END_TEST

START_TEST(test_stats__bin_index_never_decreases_as_values_grow)
{
    gsl_rng *r = new_rng(11);
    size_t n = 100000;
    double *x = malloc(n * sizeof *x);
    ck_assert_ptr_nonnull(x);
    for (size_t i = 0; i < n; i++)
        x[i] = (gsl_rng_uniform(r) - 0.5) * 20.0;
    gsl_sort(x, 1, n);
    for (size_t i = 1; i < n; i++)
        REQUIRE(dd_stats_bin_index(DD_BIN_SHARE, x[i - 1]) <=
                dd_stats_bin_index(DD_BIN_SHARE, x[i]));
    for (size_t i = 0; i < n; i++)
        x[i] = exp(gsl_rng_uniform(r) * 40.0) - 1.0;
    gsl_sort(x, 1, n);
    for (size_t i = 1; i < n; i++)
        REQUIRE(dd_stats_bin_index(DD_BIN_COUNT, x[i - 1]) <=
                dd_stats_bin_index(DD_BIN_COUNT, x[i]));
    free(x);
    gsl_rng_free(r);
}
END_TEST

/* --------------------------------------------------------- accumulators */

START_TEST(test_stats__mean_and_sd_match_gsl_to_1e_12_relative)
{
    double *samples[3] = {lognormal_sample(1, 3.0, 1.0), uniform_sample(2, -0.5, 0.25),
                          poisson_sample(3, 20.0)};
    dd_binning bins[3] = {DD_BIN_COUNT, DD_BIN_SHARE, DD_BIN_COUNT};
    for (int s = 0; s < 3; s++) {
        dd_acc a;
        fill(&a, bins[s], samples[s], N_SAMPLE);
        check_moments(&a, samples[s], N_SAMPLE);
        dd_acc_free(&a);
        free(samples[s]);
    }

    /* A large offset with a small spread: the shifted sums keep precision. */
    double x[1000];
    gsl_rng *r = new_rng(5);
    for (size_t i = 0; i < 1000; i++)
        x[i] = 1e9 + gsl_rng_uniform(r);
    gsl_rng_free(r);
    dd_acc a;
    fill(&a, DD_BIN_COUNT, x, 1000);
    check_moments(&a, x, 1000);
    dd_acc_free(&a);
}
END_TEST

/*
 * Tolerances below are the header's accuracy claim, checked exactly: the
 * estimate lies in the bin holding the exact quantile (so the error is at
 * most one bin: 1e-3 for DD_BIN_SHARE, under one unit below 64 and 1/64 of
 * the value from 64 up for DD_BIN_COUNT). 10,000 draws leave most bins with a few
 * values, so an off-by-one bin search or a wrong interpolation fails them.
 */
START_TEST(test_stats__lognormal_quantiles_within_one_count_bin)
{
    check_sample_quantiles(lognormal_sample(101, 5.0, 1.5), DD_BIN_COUNT, 1.0 / 64.0);
}
END_TEST

START_TEST(test_stats__lognormal_quantiles_within_one_share_bin)
{
    check_sample_quantiles(lognormal_sample(102, -1.0, 0.5), DD_BIN_SHARE, 0.0);
}
END_TEST

START_TEST(test_stats__uniform_quantiles_within_one_share_bin)
{
    double *x = uniform_sample(103, 0.0, 1.0);
    dd_acc a;
    fill(&a, DD_BIN_SHARE, x, N_SAMPLE);
    check_quantiles(&a, x, N_SAMPLE, DD_BIN_SHARE, 0.0);
    /* Interpolation keeps the dense case within a bin. */
    double *s = sorted_copy(x, N_SAMPLE);
    ck_assert(fabs(dd_acc_quantile(&a, 0.5) - exact_quantile(s, N_SAMPLE, 0.5)) < 1e-3);
    free(s);
    dd_acc_free(&a);
    free(x);
}
END_TEST

/*
 * Many values inside few bins: interpolating by the share of the bin's count
 * tracks the exact quantile far better than a bin edge or midpoint would
 * (those are off by up to half a bin). With ~3,000 uniform values per bin the
 * interpolation error is about width * sqrt(p (1 - p) / 3000) < 1/50 of a
 * bin, so a tolerance of 1/10 of a bin is safe but catches a missing or
 * wrong interpolation.
 */
START_TEST(test_stats__interpolation_inside_dense_bins_beats_a_tenth_of_a_bin)
{
    double *x = uniform_sample(110, 0.5, 0.503);
    double *y = uniform_sample(111, 1000.0, 1016.0); /* two bins of width 8 */
    double *s = malloc(N_SAMPLE * sizeof *s);
    ck_assert_ptr_nonnull(s);
    const dd_binning b[2] = {DD_BIN_SHARE, DD_BIN_COUNT};
    const double width[2] = {1e-3, 8.0};
    double *data[2] = {x, y};
    for (int k = 0; k < 2; k++) {
        dd_acc a;
        fill(&a, b[k], data[k], N_SAMPLE);
        memcpy(s, data[k], N_SAMPLE * sizeof *s);
        gsl_sort(s, 1, N_SAMPLE);
        for (size_t i = 0; i < N_PROBS; i++) {
            double want = exact_quantile(s, N_SAMPLE, probs[i]);
            double got = dd_acc_quantile(&a, probs[i]);
            ck_assert_msg(fabs(got - want) < 0.1 * width[k], "p=%g: %.17g vs %.17g", probs[i], got,
                          want);
        }
        dd_acc_free(&a);
    }
    free(s);
    free(x);
    free(y);
}
END_TEST

/*
 * Values spread over a small part of a single bin (a near-zero difference of
 * shares, say): interpolating over [min, max] rather than over the bin's
 * edges keeps every quantile within the data's range, so the error is at
 * most max - min (here 1.9e-6) instead of up to a bin (1e-3), and p05 < p95.
 */
START_TEST(test_stats__values_inside_one_bin_keep_quantiles_within_their_range)
{
    double *x = uniform_sample(112, -2e-6, -1e-7);
    double *s = sorted_copy(x, N_SAMPLE);
    dd_acc a;
    fill(&a, DD_BIN_SHARE, x, N_SAMPLE);
    ck_assert_int_eq(dd_stats_bin_index(DD_BIN_SHARE, a.min),
                     dd_stats_bin_index(DD_BIN_SHARE, a.max));
    for (size_t i = 0; i < N_PROBS; i++) {
        double want = exact_quantile(s, N_SAMPLE, probs[i]);
        double got = dd_acc_quantile(&a, probs[i]);
        ck_assert_msg(fabs(got - want) <= 0.01 * (a.max - a.min), "p=%g: %.17g vs %.17g", probs[i],
                      got, want);
    }
    ck_assert(dd_acc_quantile(&a, 0.05) < dd_acc_quantile(&a, 0.95));
    dd_acc_free(&a);
    free(s);
    free(x);
}
END_TEST

START_TEST(test_stats__negative_values_under_share_within_one_bin)
{
    double *x = uniform_sample(104, -0.75, 0.05);
    dd_acc a;
    fill(&a, DD_BIN_SHARE, x, N_SAMPLE);
    check_quantiles(&a, x, N_SAMPLE, DD_BIN_SHARE, 0.0);
    ck_assert(a.lo < 0);
    ck_assert(dd_acc_quantile(&a, 0.5) < 0.0);
    check_moments(&a, x, N_SAMPLE);
    dd_acc_free(&a);
    free(x);
}
END_TEST

START_TEST(test_stats__poisson_counts_have_exact_quantiles_below_64)
{
    double *x = poisson_sample(105, 12.0);
    double *s = sorted_copy(x, N_SAMPLE);
    dd_acc a;
    fill(&a, DD_BIN_COUNT, x, N_SAMPLE);
    for (size_t i = 0; i < N_PROBS; i++) {
        double q = dd_acc_quantile(&a, probs[i]);
        ck_assert_msg(q == exact_quantile(s, N_SAMPLE, probs[i]), "p=%g: %.17g vs %.17g", probs[i],
                      q, exact_quantile(s, N_SAMPLE, probs[i]));
        ck_assert(q == floor(q));
    }
    dd_acc_free(&a);
    free(s);
    free(x);
}
END_TEST

START_TEST(test_stats__large_poisson_counts_within_one_sixty_fourth)
{
    check_sample_quantiles(poisson_sample(106, 400.0), DD_BIN_COUNT, 1.0 / 64.0);
}
END_TEST

START_TEST(test_stats__zero_one_indicators_are_exact_under_count_binning)
{
    dd_acc a;
    dd_acc_init(&a, DD_BIN_COUNT);
    for (int i = 0; i < 100; i++)
        ck_assert_int_eq(dd_acc_add(&a, i < 30 ? 1.0 : 0.0), 0);
    ck_assert(dd_acc_quantile(&a, 0.05) == 0.0);
    ck_assert(dd_acc_quantile(&a, 0.5) == 0.0);
    ck_assert(dd_acc_quantile(&a, 0.7) == 0.0);
    ck_assert(dd_acc_quantile(&a, 0.71) == 1.0);
    ck_assert(dd_acc_quantile(&a, 0.95) == 1.0);
    ck_assert(fabs(dd_acc_mean(&a) - 0.3) < 1e-15);
    dd_acc_free(&a);
}
END_TEST

START_TEST(test_stats__median_of_known_data_within_one_bin)
{
    /* Sorted: 0.12 0.33 0.41 0.5 0.9; the 3rd value is the median. */
    const double x[] = {0.5, 0.12, 0.9, 0.41, 0.33};
    dd_acc a;
    fill(&a, DD_BIN_SHARE, x, 5);
    double q = dd_acc_quantile(&a, 0.5);
    ck_assert_msg(in_bin_of(DD_BIN_SHARE, q, 0.41), "median %.17g", q);
    /* p = 0.2 asks for the 1st value, p = 0.21 for the 2nd. */
    ck_assert(in_bin_of(DD_BIN_SHARE, dd_acc_quantile(&a, 0.2), 0.12));
    ck_assert(in_bin_of(DD_BIN_SHARE, dd_acc_quantile(&a, 0.21), 0.33));
    ck_assert(!in_bin_of(DD_BIN_SHARE, dd_acc_quantile(&a, 0.21), 0.12));
    dd_acc_free(&a);

    /* Integers under DD_BIN_COUNT: exact, with no interpolated fraction. */
    const double c[] = {3, 3, 4, 10, 2, 3, 50};
    fill(&a, DD_BIN_COUNT, c, 7);
    ck_assert(dd_acc_quantile(&a, 0.5) == 3.0);
    ck_assert(dd_acc_quantile(&a, 0.6) == 4.0);
    ck_assert(dd_acc_quantile(&a, 0.8) == 10.0);
    ck_assert(dd_acc_quantile(&a, 0.9) == 50.0);
    dd_acc_free(&a);
}
END_TEST

START_TEST(test_stats__constant_data_has_exact_quantiles_and_zero_sd)
{
    const double values[] = {0.37, -0.2, 1234.5, 7.0, 0.0, 1e12};
    const dd_binning bins[] = {DD_BIN_SHARE, DD_BIN_SHARE, DD_BIN_COUNT,
                               DD_BIN_COUNT, DD_BIN_COUNT, DD_BIN_COUNT};
    for (size_t v = 0; v < sizeof values / sizeof values[0]; v++) {
        dd_acc a;
        dd_acc_init(&a, bins[v]);
        for (int i = 0; i < 1000; i++)
            REQUIRE(dd_acc_add(&a, values[v]) == 0);
        ck_assert(dd_acc_mean(&a) == values[v]);
        ck_assert(dd_acc_sd(&a) == 0.0);
        ck_assert(dd_acc_quantile(&a, 0.0) == values[v]);
        ck_assert(dd_acc_quantile(&a, 1.0) == values[v]);
        for (size_t i = 0; i < N_PROBS; i++)
            ck_assert_msg(dd_acc_quantile(&a, probs[i]) == values[v], "%.17g at p=%g: %.17g",
                          values[v], probs[i], dd_acc_quantile(&a, probs[i]));
        double lo, hi;
        dd_acc_ci95(&a, &lo, &hi);
        ck_assert(lo == values[v] && hi == values[v]);
        dd_acc_free(&a);
    }
}
END_TEST

START_TEST(test_stats__extremes_are_exact)
{
    double *x = lognormal_sample(107, 2.0, 2.0);
    dd_acc a;
    fill(&a, DD_BIN_COUNT, x, N_SAMPLE);
    ck_assert(a.min == gsl_stats_min(x, 1, N_SAMPLE));
    ck_assert(a.max == gsl_stats_max(x, 1, N_SAMPLE));
    ck_assert(dd_acc_quantile(&a, 0.0) == a.min);
    ck_assert(dd_acc_quantile(&a, 1.0) == a.max);
    ck_assert(dd_acc_quantile(&a, -1.0) == a.min);
    ck_assert(dd_acc_quantile(&a, 2.0) == a.max);
    ck_assert(isnan(dd_acc_quantile(&a, NAN)));
    for (size_t i = 0; i < N_PROBS; i++) {
        double q = dd_acc_quantile(&a, probs[i]);
        ck_assert(q >= a.min && q <= a.max);
    }
    dd_acc_free(&a);
    free(x);
}
END_TEST

START_TEST(test_stats__empty_and_single_value_accumulators)
{
    dd_acc a;
    dd_acc_init(&a, DD_BIN_SHARE);
    ck_assert_ptr_null(a.bins);
    ck_assert(isnan(dd_acc_mean(&a)));
    ck_assert(dd_acc_sd(&a) == 0.0);
    ck_assert(isnan(dd_acc_quantile(&a, 0.5)));
    double lo, hi;
    dd_acc_ci95(&a, &lo, &hi);
    ck_assert(isnan(lo) && isnan(hi));

    ck_assert_int_eq(dd_acc_add(&a, 0.123), 0);
    ck_assert(dd_acc_mean(&a) == 0.123);
    ck_assert(dd_acc_sd(&a) == 0.0);
    ck_assert(dd_acc_quantile(&a, 0.05) == 0.123);
    ck_assert(dd_acc_quantile(&a, 0.5) == 0.123);
    ck_assert(dd_acc_quantile(&a, 0.95) == 0.123);
    dd_acc_ci95(&a, &lo, &hi);
    ck_assert(isnan(lo) && isnan(hi));

    /* Free empties it; it can be used again. */
    dd_acc_free(&a);
    ck_assert_int_eq(a.n, 0);
    ck_assert_ptr_null(a.bins);
    ck_assert_int_eq(a.binning, DD_BIN_SHARE);
    ck_assert_int_eq(dd_acc_add(&a, -0.5), 0);
    ck_assert(dd_acc_mean(&a) == -0.5);
    dd_acc_free(&a);
}
END_TEST

START_TEST(test_stats__ci95_matches_a_hand_computed_interval)
{
    /*
     * 1..5: mean 3, sd sqrt(2.5), t(0.975, 4) = 2.7764451051977987 (tables:
     * 2.776), so the half width is 2.7764451051977987 * sqrt(2.5 / 5)
     * = 1.9632431614...
     */
    const double x[] = {1, 2, 3, 4, 5};
    dd_acc a;
    fill(&a, DD_BIN_COUNT, x, 5);
    double lo, hi;
    dd_acc_ci95(&a, &lo, &hi);
    double half = 2.7764451051977987 * sqrt(0.5);
    ck_assert_msg(fabs(lo - (3.0 - half)) < 1e-9, "low %.17g", lo);
    ck_assert_msg(fabs(hi - (3.0 + half)) < 1e-9, "high %.17g", hi);
    ck_assert(fabs(half - 1.9632431615) < 1e-9);
    dd_acc_free(&a);

    /* Two values 0 and 2: t(0.975, 1) = tan(0.475 pi) = 12.706204736..., sd sqrt 2. */
    dd_acc_init(&a, DD_BIN_COUNT);
    ck_assert_int_eq(dd_acc_add(&a, 0.0), 0);
    ck_assert_int_eq(dd_acc_add(&a, 2.0), 0);
    dd_acc_ci95(&a, &lo, &hi);
    double t1 = tan(0.475 * 3.14159265358979323846);
    ck_assert(fabs(lo - (1.0 - t1)) < 1e-9 && fabs(hi - (1.0 + t1)) < 1e-9);
    dd_acc_free(&a);
}
END_TEST

START_TEST(test_stats__window_memory_follows_the_spread_not_the_count)
{
    /* A million values over 0.4..0.5 (1,000 bins) keep a window of that order. */
    gsl_rng *r = new_rng(9);
    dd_acc a;
    dd_acc_init(&a, DD_BIN_SHARE);
    for (int i = 0; i < 1000000; i++)
        REQUIRE(dd_acc_add(&a, 0.4 + 0.1 * gsl_rng_uniform(r)) == 0);
    ck_assert_msg(a.len <= 2000, "window of %u bins for a spread of 1000", (unsigned)a.len);
    uint64_t total = 0;
    for (uint32_t i = 0; i < a.len; i++)
        total += a.bins[i];
    ck_assert_uint_eq(total, 1000000);
    dd_acc_free(&a);

    /* Values marching outward in both directions, one bin at a time. */
    dd_acc_init(&a, DD_BIN_SHARE);
    for (int i = 0; i < 20000; i++) {
        double v = (i % 2 ? 1.0 : -1.0) * (double)(i / 2) * 1e-3;
        REQUIRE(dd_acc_add(&a, v) == 0);
    }
    /* Spread: about 20,000 bins; the window stays within twice that. */
    ck_assert_msg(a.len <= 40000, "window of %u bins", (unsigned)a.len);
    total = 0;
    for (uint32_t i = 0; i < a.len; i++)
        total += a.bins[i];
    ck_assert_uint_eq(total, 20000);
    ck_assert(fabs(dd_acc_quantile(&a, 0.5)) <= 1e-3);
    dd_acc_free(&a);
    gsl_rng_free(r);
}
END_TEST

START_TEST(test_stats__descending_values_grow_the_window_downward)
{
    double *x = lognormal_sample(108, 4.0, 1.0);
    gsl_sort(x, 1, N_SAMPLE);
    /* Reverse: every new value is a new minimum. */
    for (size_t i = 0; i < N_SAMPLE / 2; i++) {
        double t = x[i];
        x[i] = x[N_SAMPLE - 1 - i];
        x[N_SAMPLE - 1 - i] = t;
    }
    dd_acc a;
    fill(&a, DD_BIN_COUNT, x, N_SAMPLE);
    check_quantiles(&a, x, N_SAMPLE, DD_BIN_COUNT, 1.0 / 64.0);
    check_moments(&a, x, N_SAMPLE);
    dd_acc_free(&a);
    free(x);
}
END_TEST

START_TEST(test_stats__too_wide_a_window_fails_and_leaves_the_accumulator_unchanged)
{
    /* 0 and 90,000 under DD_BIN_SHARE span 9e7 bins, past the window cap. */
    dd_acc a;
    dd_acc_init(&a, DD_BIN_SHARE);
    ck_assert_int_eq(dd_acc_add(&a, 0.0), 0);
    ck_assert_int_eq(dd_acc_add(&a, 0.25), 0);
    dd_acc before = a;
    uint32_t *copy = malloc(a.len * sizeof *copy);
    ck_assert_ptr_nonnull(copy);
    memcpy(copy, a.bins, a.len * sizeof *copy);
    ck_assert_int_eq(dd_acc_add(&a, 90000.0), DD_ENOMEM);
    ck_assert_int_eq(a.n, before.n);
    ck_assert(a.sum == before.sum && a.sumsq == before.sumsq);
    ck_assert(a.min == before.min && a.max == before.max);
    ck_assert_int_eq(a.lo, before.lo);
    ck_assert_uint_eq(a.len, before.len);
    ck_assert_ptr_eq(a.bins, before.bins);
    ck_assert(memcmp(a.bins, copy, a.len * sizeof *copy) == 0);
    /* Still usable. */
    ck_assert_int_eq(dd_acc_add(&a, 0.5), 0);
    ck_assert_int_eq(a.n, 3);
    free(copy);
    dd_acc_free(&a);
}
END_TEST

/* ------------------------------------------------------------------ grid */

#define G_MONTHS 3
#define G_REGIONS 3
#define G_METRICS 5
#define G_REPS 500

static const dd_binning g_bins[G_METRICS] = {DD_BIN_COUNT, DD_BIN_SHARE, DD_BIN_COUNT, DD_BIN_SHARE,
                                             DD_BIN_COUNT};
static const int g_national[G_METRICS] = {0, 0, 0, 1, 1};

/*
 * Replications laid out [rep][month][place][metric]. Regional slots of
 * national-only metrics hold NaN: the grid must never read them (adding a
 * NaN is asserted).
 */
static double *grid_data(void)
{
    size_t stride = (size_t)G_MONTHS * (G_REGIONS + 1) * G_METRICS;
    double *d = malloc(G_REPS * stride * sizeof *d);
    ck_assert_ptr_nonnull(d);
    gsl_rng *r = new_rng(2024);
    for (size_t rep = 0; rep < G_REPS; rep++)
        for (size_t mo = 0; mo < G_MONTHS; mo++)
            for (size_t p = 0; p <= G_REGIONS; p++)
                for (size_t m = 0; m < G_METRICS; m++) {
                    double *v = &d[rep * stride + (mo * (G_REGIONS + 1) + p) * G_METRICS + m];
                    if (g_national[m] && p < G_REGIONS)
                        *v = NAN;
                    else if (m == 0)
                        *v = (double)gsl_ran_poisson(r, 5.0 + (double)(mo * 10 + p));
                    else if (m == 2 || m == 4)
                        *v = gsl_ran_lognormal(r, 6.0 + (double)p, 1.0);
                    else
                        *v = gsl_ran_beta(r, 2.0, 5.0) - 0.1 * (double)p;
                }
    gsl_rng_free(r);
    return d;
}

static dd_grid *grid_new(void)
{
    dd_grid *g = NULL;
    ck_assert_int_eq(dd_grid_alloc(&g, G_MONTHS, G_REGIONS, G_METRICS, g_bins, g_national), 0);
    ck_assert_ptr_nonnull(g);
    return g;
}

/* Add the data in blocks of `block` replications with `threads` threads. */
static dd_grid *grid_filled(const double *d, size_t block, int threads)
{
    dd_grid *g = grid_new();
    size_t stride = dd_grid_rep_stride(g);
    for (size_t done = 0; done < G_REPS; done += block) {
        size_t n = G_REPS - done < block ? G_REPS - done : block;
        ck_assert_int_eq(dd_grid_add_block(g, d + done * stride, n, threads), 0);
    }
    return g;
}

static void assert_grids_identical(const dd_grid *a, const dd_grid *b)
{
    int cells = 0;
    for (int mo = 0; mo < G_MONTHS; mo++)
        for (size_t p = 0; p <= G_REGIONS; p++)
            for (size_t m = 0; m < G_METRICS; m++) {
                const dd_acc *x = dd_grid_cell(a, mo, p, m);
                const dd_acc *y = dd_grid_cell(b, mo, p, m);
                ck_assert((x == NULL) == (y == NULL));
                if (x == NULL)
                    continue;
                ck_assert_int_eq(x->n, G_REPS);
                assert_acc_identical(x, y);
                cells++;
            }
    ck_assert_int_eq(cells, G_MONTHS * ((G_REGIONS + 1) * 3 + 2));
}

START_TEST(test_stats__grid_has_no_regional_cells_for_national_metrics)
{
    dd_grid *g = grid_new();
    ck_assert_uint_eq(dd_grid_rep_stride(g), (size_t)G_MONTHS * (G_REGIONS + 1) * G_METRICS);
    for (int mo = 0; mo < G_MONTHS; mo++)
        for (size_t p = 0; p <= G_REGIONS; p++)
            for (size_t m = 0; m < G_METRICS; m++) {
                const dd_acc *c = dd_grid_cell(g, mo, p, m);
                if (g_national[m] && p < G_REGIONS) {
                    ck_assert_ptr_null(c);
                } else {
                    ck_assert_ptr_nonnull(c);
                    ck_assert_int_eq(c->binning, g_bins[m]);
                    ck_assert_int_eq(c->n, 0);
                }
            }
    /* Distinct cells are distinct accumulators. */
    ck_assert_ptr_ne(dd_grid_cell(g, 0, 0, 0), dd_grid_cell(g, 0, 0, 1));
    ck_assert_ptr_ne(dd_grid_cell(g, 0, 0, 0), dd_grid_cell(g, 1, 0, 0));
    ck_assert_ptr_ne(dd_grid_cell(g, 0, 0, 0), dd_grid_cell(g, 0, 1, 0));
    ck_assert_ptr_null(dd_grid_cell(g, G_MONTHS, 0, 0));
    ck_assert_ptr_null(dd_grid_cell(g, 0, G_REGIONS + 1, 0));
    ck_assert_ptr_null(dd_grid_cell(g, 0, 0, G_METRICS));
    dd_grid_free(g);
    dd_grid_free(NULL);
}
END_TEST

START_TEST(test_stats__grid_cells_summarise_their_own_slots)
{
    double *d = grid_data();
    dd_grid *g = grid_filled(d, G_REPS, 2);
    size_t stride = dd_grid_rep_stride(g);
    double *col = malloc(G_REPS * sizeof *col);
    ck_assert_ptr_nonnull(col);
    for (int mo = 0; mo < G_MONTHS; mo++)
        for (size_t p = 0; p <= G_REGIONS; p++)
            for (size_t m = 0; m < G_METRICS; m++) {
                const dd_acc *c = dd_grid_cell(g, mo, p, m);
                if (c == NULL)
                    continue;
                size_t off = ((size_t)mo * (G_REGIONS + 1) + p) * G_METRICS + m;
                for (size_t r = 0; r < G_REPS; r++)
                    col[r] = d[r * stride + off];
                check_moments(c, col, G_REPS);
                ck_assert(c->min == gsl_stats_min(col, 1, G_REPS));
                ck_assert(c->max == gsl_stats_max(col, 1, G_REPS));
                ck_assert(c->shift == col[0]);
            }
    free(col);
    dd_grid_free(g);
    free(d);
}
END_TEST

START_TEST(test_stats__grid_is_identical_for_1_2_and_4_threads)
{
    double *d = grid_data();
    dd_grid *g1 = grid_filled(d, G_REPS, 1);
    dd_grid *g2 = grid_filled(d, G_REPS, 2);
    dd_grid *g4 = grid_filled(d, G_REPS, 4);
    assert_grids_identical(g1, g2);
    assert_grids_identical(g1, g4);
    dd_grid_free(g1);
    dd_grid_free(g2);
    dd_grid_free(g4);
    free(d);
}
END_TEST

START_TEST(test_stats__grid_is_identical_for_any_block_split)
{
    double *d = grid_data();
    dd_grid *ref = grid_filled(d, G_REPS, 1);
    const size_t blocks[] = {1, 7, 64, 333};
    const int threads[] = {3, 1, 4, 2};
    for (size_t i = 0; i < sizeof blocks / sizeof blocks[0]; i++) {
        dd_grid *g = grid_filled(d, blocks[i], threads[i]);
        assert_grids_identical(ref, g);
        dd_grid_free(g);
    }
    dd_grid_free(ref);
    free(d);
}
END_TEST

START_TEST(test_stats__grid_reports_a_failed_cell_from_any_thread)
{
    /* A share cell spread over 90,000 units cannot grow its window. */
    dd_grid *g = grid_new();
    size_t stride = dd_grid_rep_stride(g);
    double *d = calloc(2 * stride, sizeof *d);
    ck_assert_ptr_nonnull(d);
    /* Last month, ALL, metric 3 (share, national): the last cell, so in the last thread. */
    size_t off = ((size_t)(G_MONTHS - 1) * (G_REGIONS + 1) + G_REGIONS) * G_METRICS + 3;
    d[stride + off] = 90000.0;
    ck_assert_int_eq(dd_grid_add_block(g, d, 2, 4), DD_ENOMEM);
    dd_grid_free(g);
    free(d);
}
END_TEST

int main(void)
{
    const TTest *const bins[] = {
        test_stats__share_index_is_floor_of_value_over_bin_width,
        test_stats__count_index_follows_unit_bins_then_64_per_octave,
        test_stats__bin_edges_round_trip_through_the_index,
        test_stats__bin_index_never_decreases_as_values_grow,
    };
    const TTest *const accumulator[] = {
        test_stats__mean_and_sd_match_gsl_to_1e_12_relative,
        test_stats__lognormal_quantiles_within_one_count_bin,
        test_stats__lognormal_quantiles_within_one_share_bin,
        test_stats__uniform_quantiles_within_one_share_bin,
        test_stats__interpolation_inside_dense_bins_beats_a_tenth_of_a_bin,
        test_stats__values_inside_one_bin_keep_quantiles_within_their_range,
        test_stats__negative_values_under_share_within_one_bin,
        test_stats__poisson_counts_have_exact_quantiles_below_64,
        test_stats__large_poisson_counts_within_one_sixty_fourth,
        test_stats__zero_one_indicators_are_exact_under_count_binning,
        test_stats__median_of_known_data_within_one_bin,
        test_stats__constant_data_has_exact_quantiles_and_zero_sd,
        test_stats__extremes_are_exact,
        test_stats__empty_and_single_value_accumulators,
        test_stats__ci95_matches_a_hand_computed_interval,
        test_stats__window_memory_follows_the_spread_not_the_count,
        test_stats__descending_values_grow_the_window_downward,
        test_stats__too_wide_a_window_fails_and_leaves_the_accumulator_unchanged,
    };
    const TTest *const grid[] = {
        test_stats__grid_has_no_regional_cells_for_national_metrics,
        test_stats__grid_cells_summarise_their_own_slots,
        test_stats__grid_is_identical_for_1_2_and_4_threads,
        test_stats__grid_is_identical_for_any_block_split,
        test_stats__grid_reports_a_failed_cell_from_any_thread,
    };
    Suite *s = suite_create("stats");
    dd_test_add_case(s, "bins", 0, bins, DD_TEST_COUNT(bins));
    dd_test_add_case(s, "accumulator", 60, accumulator, DD_TEST_COUNT(accumulator));
    dd_test_add_case(s, "grid", 60, grid, DD_TEST_COUNT(grid));
    return dd_test_run(s);
}

/*
 * Tests of dd_sample: the Poisson and binomial samplers against their exact
 * probability mass functions (GSL's pdf and cdf), on a grid of parameters
 * that reaches every branch (inversion, PTRS, BTRS, the p > 1/2 reflection,
 * the degenerate cases), the rejection steps' log-masses against lgamma,
 * reproducibility and pinned draws.
 *
 * Tolerance of the goodness-of-fit tests: each runs 200,000 draws from a
 * fixed key and fails at a chi-square p-value below 1e-4. For a correct
 * sampler the p-value is uniform on (0, 1), so one test fails by chance with
 * probability 1e-4 and the 22 of the grid with about 2e-3; the keys are
 * fixed, so that chance is taken once, when the pinned keys are chosen, and
 * the outcome does not flicker between runs. Errors that move a share of the
 * mass (a k off by one in the recursions or the proposal, a wrong term in a
 * log-mass, a wrong reflection) give p-values of 1e-7 and far below; this
 * was checked by planting such bugs. Errors too small for any feasible
 * number of draws (a digit of the remainder table, t(k + 1) for t(k)) are
 * caught by comparing the log-masses with lgamma instead.
 *
 * Moments: sample mean and variance within 5 standard errors (exact
 * standard errors from the second and fourth moments).
 */
#include <check.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_randist.h>

#include "dd_rng.h"
#include "dd_sample.h"
#include "test_check.h"

/* Draws per goodness-of-fit test and the p-value below which it fails (see above). */
#define GOF_DRAWS 200000L
#define GOF_P_MIN 1e-4

/* A cell of the chi-square test must expect at least this many draws. */
#define GOF_CELL_MIN 5.0

/* Sample mean and variance must lie within this many of their standard errors. */
#define MOMENT_SD 5.0

typedef enum { DIST_POISSON, DIST_BINOMIAL } dist_kind;

typedef struct dist {
    dist_kind kind;
    double mu;      /* Poisson mean */
    double p;       /* binomial success probability */
    unsigned int n; /* binomial trials */
} dist;

static unsigned int draw(const dist *d, gsl_rng *r)
{
    return d->kind == DIST_POISSON ? dd_sample_poisson(r, d->mu)
                                   : dd_sample_binomial(r, d->p, d->n);
}

static double pmf(const dist *d, unsigned int k)
{
    return d->kind == DIST_POISSON ? gsl_ran_poisson_pdf(k, d->mu)
                                   : gsl_ran_binomial_pdf(k, d->p, d->n);
}

/* P(X < k). */
static double mass_below(const dist *d, unsigned int k)
{
    if (k == 0)
        return 0.0;
    return d->kind == DIST_POISSON ? gsl_cdf_poisson_P(k - 1, d->mu)
                                   : gsl_cdf_binomial_P(k - 1, d->p, d->n);
}

/* P(X > k). */
static double mass_above(const dist *d, unsigned int k)
{
    return d->kind == DIST_POISSON ? gsl_cdf_poisson_Q(k, d->mu)
                                   : gsl_cdf_binomial_Q(k, d->p, d->n);
}

static double dist_mean(const dist *d)
{
    return d->kind == DIST_POISSON ? d->mu : (double)d->n * d->p;
}

static double dist_var(const dist *d)
{
    return d->kind == DIST_POISSON ? d->mu : (double)d->n * d->p * (1.0 - d->p);
}

/* The fourth central moment. */
static double dist_mu4(const dist *d)
{
    if (d->kind == DIST_POISSON)
        return d->mu * (1.0 + 3.0 * d->mu);
    const double pq = d->p * (1.0 - d->p), v = (double)d->n * pq;
    return v * (1.0 - 6.0 * pq) + 3.0 * v * v;
}

/* Variance of the sample variance (divisor N - 1) of N draws: mu4/N - s^4 (N-3)/(N(N-1)). */
static double sample_var_var(const dist *d, double n)
{
    const double s2 = dist_var(d);
    return dist_mu4(d) / n - s2 * s2 * (n - 3.0) / (n * (n - 1.0));
}

typedef struct gof {
    double chi2, p_value, mean, var;
    long cells;
} gof;

/*
 * Draw GOF_DRAWS values from the generator keyed with `key` and compare them
 * with the exact distribution: cells are single values, merged left to right
 * until each expects GOF_CELL_MIN draws; the first and last cells also hold
 * everything beyond mean -/+ 12 sd (with its exact mass from the cdf).
 */
static gof goodness_of_fit(const dist *d, uint64_t key)
{
    const double mean = dist_mean(d), sd = sqrt(dist_var(d));
    const double top = d->kind == DIST_POISSON ? (double)UINT_MAX : (double)d->n;
    const unsigned int lo = (unsigned int)fmax(0.0, floor(mean - 12.0 * sd - 10.0));
    const unsigned int hi = (unsigned int)fmin(top, ceil(mean + 12.0 * sd + 10.0));
    const size_t width = (size_t)(hi - lo) + 1;
    long *cell_of = malloc(width * sizeof *cell_of);
    double *expected = calloc(width, sizeof *expected);
    double *observed = calloc(width, sizeof *observed);
    ck_assert(cell_of != NULL && expected != NULL && observed != NULL);

    /* Cells: accumulate expected counts until a cell is full; a short last cell joins the
       one before it. */
    long cells = 0;
    double open = (double)GOF_DRAWS * mass_below(d, lo);
    for (size_t i = 0; i < width; i++) {
        open += (double)GOF_DRAWS * pmf(d, lo + (unsigned int)i);
        if (i == width - 1)
            open += (double)GOF_DRAWS * mass_above(d, hi);
        cell_of[i] = cells;
        if (open >= GOF_CELL_MIN || i == width - 1) {
            expected[cells++] = open;
            open = 0.0;
        }
    }
    if (cells > 1 && expected[cells - 1] < GOF_CELL_MIN) {
        expected[cells - 2] += expected[cells - 1];
        cells--;
        for (size_t i = 0; i < width; i++)
            if (cell_of[i] == cells)
                cell_of[i] = cells - 1;
    }

    gsl_rng *r = dd_rng_alloc();
    ck_assert_ptr_nonnull(r);
    dd_rng_set_key(r, key);
    double m = 0.0, s2 = 0.0; /* Welford: running mean and sum of squared deviations */
    for (long i = 0; i < GOF_DRAWS; i++) {
        const unsigned int x = draw(d, r);
        const long c = x < lo ? 0 : x > hi ? cells - 1 : cell_of[x - lo];
        observed[c] += 1.0;
        const double delta = (double)x - m;
        m += delta / (double)(i + 1);
        s2 += delta * ((double)x - m);
    }
    gsl_rng_free(r);

    gof g = {0.0, 1.0, m, s2 / (double)(GOF_DRAWS - 1), cells};
    for (long c = 0; c < cells; c++)
        g.chi2 += (observed[c] - expected[c]) * (observed[c] - expected[c]) / expected[c];
    if (cells > 1)
        g.p_value = gsl_cdf_chisq_Q(g.chi2, (double)(cells - 1));
    free(cell_of);
    free(expected);
    free(observed);
    return g;
}

/* A distribution with a single value: every draw is that value. */
static void check_constant(const dist *d, uint64_t key)
{
    const unsigned int value = (unsigned int)dist_mean(d);
    gsl_rng *r = dd_rng_alloc();
    ck_assert_ptr_nonnull(r);
    dd_rng_set_key(r, key);
    long wrong = 0;
    for (long i = 0; i < GOF_DRAWS; i++)
        wrong += draw(d, r) != value;
    gsl_rng_free(r);
    ck_assert_msg(wrong == 0, "mu %g, n %u, p %g: %ld draws other than %u", d->mu, d->n, d->p,
                  wrong, value);
}

/* The goodness-of-fit, mean and variance checks for one distribution. */
static void check_distribution(const dist *d, uint64_t key)
{
    if (dist_var(d) == 0.0) {
        check_constant(d, key);
        return;
    }
    const gof g = goodness_of_fit(d, key);
    const char *name = d->kind == DIST_POISSON ? "poisson" : "binomial";
    ck_assert_msg(g.p_value >= GOF_P_MIN,
                  "%s(mu %g, n %u, p %g): chi-square %.1f on %ld cells, p-value %.3g", name, d->mu,
                  d->n, d->p, g.chi2, g.cells, g.p_value);
    const double se_mean = sqrt(dist_var(d) / (double)GOF_DRAWS);
    const double se_var = sqrt(sample_var_var(d, (double)GOF_DRAWS));
    ck_assert_msg(fabs(g.mean - dist_mean(d)) <= MOMENT_SD * se_mean,
                  "%s(mu %g, n %u, p %g): mean %.6g, expected %.6g (se %.3g)", name, d->mu, d->n,
                  d->p, g.mean, dist_mean(d), se_mean);
    ck_assert_msg(fabs(g.var - dist_var(d)) <= MOMENT_SD * se_var,
                  "%s(mu %g, n %u, p %g): variance %.6g, expected %.6g (se %.3g)", name, d->mu,
                  d->n, d->p, g.var, dist_var(d), se_var);
}

/*
 * The grid. Poisson: inversion below 10 (from a mean so small that nearly
 * every draw is 0 to just under the switch), PTRS from 10 (at the switch,
 * just above, and up to the model's cap of 1e8). Binomial: inversion for
 * n min(p, q) < 10 with and without the reflection p -> 1 - p, BTRS from 10
 * (at the switch, with and without the reflection, and at large n).
 */
static const double poisson_means[] = {0.0, 1e-3, 0.5, 3.0, 9.9, 10.0, 10.1, 37.0, 500.0, 1e5, 1e8};
#define N_POISSON (sizeof poisson_means / sizeof poisson_means[0])

static const struct {
    unsigned int n;
    double p;
} binomial_grid[] = {{0, 0.3},           {1, 0.5},       {10, 0.05},     {40, 0.2},
                     {40, 0.8},          {20, 0.5},      {1000, 0.3},    {1000, 0.97},
                     {1000000, 0.5},     {2385, 0.0041}, {2385, 0.9959}, {109, 0.236},
                     {3000000000U, 0.2}, {5, 1.0},       {5, 0.0}};
#define N_BINOMIAL (sizeof binomial_grid / sizeof binomial_grid[0])

START_TEST(test_sample_poisson__matches_the_exact_distribution)
{
    const dist d = {DIST_POISSON, poisson_means[_i], 0.0, 0};
    check_distribution(&d, dd_rng_key(2385, (uint64_t)_i, 0, 1));
}
END_TEST

START_TEST(test_sample_binomial__matches_the_exact_distribution)
{
    const dist d = {DIST_BINOMIAL, 0.0, binomial_grid[_i].p, binomial_grid[_i].n};
    check_distribution(&d, dd_rng_key(2385, (uint64_t)_i, 0, 2));
}
END_TEST

START_TEST(test_sample__log_masses_agree_with_lgamma)
{
    /* The rejection steps' log-masses against the direct formulas in long double lgamma,
       for every k of the remainder table (0..31), the switch to its series and beyond. The
       tolerance is 1e-11 plus 2e-18 times the largest term of the direct formula (the error
       of lgammal there): an entry of the table wrong in its 4th digit, or t(k + 1) used for
       t(k), is off by 1e-7 or more for k < 1000, and no chi-square test could see it. */
    static const double means[] = {10.0, 10.1, 37.0, 500.0, 1e5, 1e8};
    for (size_t i = 0; i < sizeof means / sizeof means[0]; i++) {
        const long double mu = means[i], sd = sqrtl(mu);
        const long double from = fmaxl(0.0L, floorl(mu - 8.0L * sd)), to = mu + 8.0L * sd;
        const long double step = fmaxl(1.0L, floorl(sd / 20.0L));
        for (long double k = 0.0L; k <= to; k = k < 40.0L || k >= from ? k + step : from) {
            const long double ref = -mu + k * logl(mu) - lgammal(k + 1.0L);
            const double got = dd_sample_poisson_log_mass((unsigned int)k, (double)mu);
            const double tol = 1e-11 + 2e-18 * (double)(mu + k * logl(mu));
            ck_assert_msg(fabs(got - (double)ref) <= tol,
                          "poisson mu %g k %.0Lf: %.17g, lgamma %.17Lg", (double)mu, k, got, ref);
        }
    }
    static const struct {
        unsigned int n;
        double p;
    } grid[] = {{20, 0.5}, {109, 0.236}, {1000, 0.03}, {2385, 0.31}, {1000000, 0.5}};
    for (size_t i = 0; i < sizeof grid / sizeof grid[0]; i++) {
        const long double n = grid[i].n, p = grid[i].p, q = 1.0L - p;
        const unsigned int m = (unsigned int)floorl((n + 1.0L) * p);
        const long double sd = sqrtl(n * p * q);
        const long double from = fmaxl(0.0L, floorl(n * p - 8.0L * sd));
        const long double to = fminl(n, n * p + 8.0L * sd);
        const long double step = fmaxl(1.0L, floorl(sd / 20.0L));
        for (long double k = from; k <= to; k += step) {
            const long double ref = lgammal(m + 1.0L) + lgammal(n - m + 1.0L) - lgammal(k + 1.0L) -
                                    lgammal(n - k + 1.0L) + (k - m) * logl(p / q);
            const double got =
                dd_sample_binomial_log_mass_ratio((unsigned int)k, m, grid[i].p, grid[i].n);
            const double tol = 1e-11 + 2e-18 * (double)(4.0L * n * logl(n));
            ck_assert_msg(fabs(got - (double)ref) <= tol,
                          "binomial n %u p %g k %.0Lf: %.17g, lgamma %.17Lg", grid[i].n, grid[i].p,
                          k, got, ref);
        }
    }
}
END_TEST

/* The next uniform of r equals that of a fresh generator with `key`: r was not used. */
static void assert_unused(gsl_rng *r, uint64_t key)
{
    gsl_rng *fresh = dd_rng_alloc();
    ck_assert_ptr_nonnull(fresh);
    dd_rng_set_key(fresh, key);
    ck_assert_uint_eq(gsl_rng_get(r), gsl_rng_get(fresh));
    gsl_rng_free(fresh);
}

START_TEST(test_sample__degenerate_parameters_give_the_constant_without_drawing)
{
    const uint64_t key = dd_rng_key(7, 1, 2, 3);
    gsl_rng *r = dd_rng_alloc();
    ck_assert_ptr_nonnull(r);
    dd_rng_set_key(r, key);
    ck_assert_uint_eq(dd_sample_poisson(r, 0.0), 0);
    ck_assert_uint_eq(dd_sample_poisson(r, -2.385), 0);
    ck_assert_uint_eq(dd_sample_poisson(r, -INFINITY), 0);
    ck_assert_uint_eq(dd_sample_poisson(r, NAN), 0);
    ck_assert_uint_eq(dd_sample_binomial(r, 0.3, 0), 0);
    ck_assert_uint_eq(dd_sample_binomial(r, 1.0, 0), 0);
    ck_assert_uint_eq(dd_sample_binomial(r, 0.0, 5), 0);
    ck_assert_uint_eq(dd_sample_binomial(r, -0.25, 5), 0);
    ck_assert_uint_eq(dd_sample_binomial(r, NAN, 5), 0);
    ck_assert_uint_eq(dd_sample_binomial(r, 1.0, 5), 5);
    ck_assert_uint_eq(dd_sample_binomial(r, 1.5, 5), 5);
    ck_assert_uint_eq(dd_sample_binomial(r, 1.0, UINT_MAX), UINT_MAX);
    assert_unused(r, key);
    gsl_rng_free(r);
}
END_TEST

START_TEST(test_sample__extreme_parameters_stay_in_range)
{
    /* A mean so small that exp(-mu) rounds to 1, a p just inside (0, 1), the largest n and
       the largest accepted mean: draws in range, no overflow, means within 5 se. */
    gsl_rng *r = dd_rng_alloc();
    ck_assert_ptr_nonnull(r);
    dd_rng_set_key(r, dd_rng_key(11, 0, 0, 9));
    for (int i = 0; i < 1000; i++) {
        ck_assert_uint_eq(dd_sample_poisson(r, 1e-300), 0);
        ck_assert_uint_le(dd_sample_binomial(r, 1e-300, UINT_MAX), 1);
        ck_assert_uint_ge(dd_sample_binomial(r, 1.0 - 1e-16, 1000), 999);
        /* An unsigned draw is always <= UINT_MAX; what can break is a wrap or an overflow
           inside the sampler, which lands far from the mean (sd 32,768): allow 10 sd. */
        ck_assert_double_le(fabs((double)dd_sample_binomial(r, 0.5, UINT_MAX) - 0.5 * UINT_MAX),
                            10.0 * sqrt(0.25 * UINT_MAX));
    }
    const int n = 2000;
    double sum = 0.0, sum_half = 0.0;
    for (int i = 0; i < n; i++) {
        sum += (double)dd_sample_poisson(r, DD_SAMPLE_POISSON_MEAN_MAX);
        sum_half += (double)dd_sample_binomial(r, 0.5, UINT_MAX);
    }
    ck_assert_double_eq_tol(sum / n, DD_SAMPLE_POISSON_MEAN_MAX,
                            5.0 * sqrt(DD_SAMPLE_POISSON_MEAN_MAX / n));
    ck_assert_double_eq_tol(sum_half / n, 0.5 * UINT_MAX, 5.0 * sqrt(0.25 * UINT_MAX / n));
    gsl_rng_free(r);
}
END_TEST

/* Draws of every branch in turn, from a generator keyed with `key`, into out[0..n). */
static void mixed_draws(uint64_t key, unsigned int *out, int n)
{
    gsl_rng *r = dd_rng_alloc();
    ck_assert_ptr_nonnull(r);
    dd_rng_set_key(r, key);
    for (int i = 0; i < n; i++) {
        switch (i % 6) {
        case 0:
            out[i] = dd_sample_poisson(r, 2.385);
            break;
        case 1:
            out[i] = dd_sample_poisson(r, 66.0);
            break;
        case 2:
            out[i] = dd_sample_binomial(r, 0.13, 40);
            break;
        case 3:
            out[i] = dd_sample_binomial(r, 0.236, 109);
            break;
        case 4:
            out[i] = dd_sample_binomial(r, 0.81, 2385);
            break;
        default:
            out[i] = dd_sample_poisson(r, 4.2e6);
            break;
        }
    }
    gsl_rng_free(r);
}

START_TEST(test_sample__same_key_gives_the_same_draws)
{
    enum { N = 6000 };
    static unsigned int a[N], b[N], c[N];
    mixed_draws(dd_rng_key(3, 4, 5, 6), a, N);
    mixed_draws(dd_rng_key(3, 4, 5, 6), b, N);
    mixed_draws(dd_rng_key(3, 4, 5, 7), c, N);
    int same_ab = 0, same_ac = 0;
    for (int i = 0; i < N; i++) {
        same_ab += a[i] == b[i];
        same_ac += a[i] == c[i];
    }
    ck_assert_int_eq(same_ab, N);
    /* Another key: most draws differ (the 4.2e6 and 2385-trial ones almost always). */
    ck_assert_int_lt(same_ac, N / 2);
}
END_TEST

START_TEST(test_sample__pins_the_draws_of_a_known_key)
{
    /* Sums of the first 600 draws of each branch for a fixed key, computed once by this
       implementation: a change of algorithm, constant or uniform source shows up here (and
       would change every model output). */
    enum { N = 3600 };
    static unsigned int x[N];
    mixed_draws(dd_rng_key(11, 0, 0, 0), x, N);
    unsigned long long sum[6] = {0, 0, 0, 0, 0, 0};
    for (int i = 0; i < N; i++)
        sum[i % 6] += x[i];
    static const unsigned long long pinned[6] = {1466, 39306, 3084, 15418, 1159303, 2519962082};
    for (int b = 0; b < 6; b++)
        ck_assert_msg(sum[b] == pinned[b], "branch %d: sum %llu, pinned %llu", b, sum[b],
                      pinned[b]);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("sample");
    TCase *fit = tcase_create("fit");
    tcase_add_loop_test(fit, test_sample_poisson__matches_the_exact_distribution, 0,
                        (int)N_POISSON);
    tcase_add_loop_test(fit, test_sample_binomial__matches_the_exact_distribution, 0,
                        (int)N_BINOMIAL);
    tcase_set_timeout(fit, 120);
    suite_add_tcase(s, fit);
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_sample__log_masses_agree_with_lgamma);
    tcase_add_test(tc, test_sample__degenerate_parameters_give_the_constant_without_drawing);
    tcase_add_test(tc, test_sample__extreme_parameters_stay_in_range);
    tcase_add_test(tc, test_sample__same_key_gives_the_same_draws);
    tcase_add_test(tc, test_sample__pins_the_draws_of_a_known_key);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    /* GSL's cdf functions report domain errors through the handler; never abort. */
    gsl_set_error_handler_off();
    return dd_test_run(suite());
}

/*
 * bench_engine: the in-process figures of `make bench` (tests/bench/run.sh).
 *
 *   bench_engine SCENARIO [--reps N] [--threads T] [--scale-reps N] [--quick]
 *                [--only-regions R] [--block B]
 *
 * Prints CSV rows `name,value,unit` on stdout (run.sh adds targets and
 * verdicts); progress notes go to stderr. Every ratio is formed from
 * figures measured in this one process, one after the other, so a machine
 * that is slower or busier today shifts numerator and denominator together.
 *
 * Figures (T = all threads unless --threads):
 *   ns_per_region_month        engine time of N replications of SCENARIO on T
 *                              threads, in thread-nanoseconds: wall * T /
 *                              (N * months * regions). No output is written:
 *                              this is the runner and the model (and the
 *                              merge into the monthly statistics).
 *   floor_ns_per_region_month  the same count and kinds of random draws the
 *                              run made (dd_results.draws), with the same
 *                              generator keyed per region-month as the model
 *                              keys it and the same GSL distribution
 *                              functions at the run's average parameters,
 *                              spread over T threads, same unit
 *   floor_ratio                their ratio
 *   reps_per_s_1thread, reps_per_s_all, parallel_efficiency
 *                              N replications on 1 thread and on T threads;
 *                              efficiency = speed-up / T
 *   region_scaling_70, region_scaling_700, region_scaling
 *                              thread-ns per region-month of a synthetic
 *                              scenario with 70 and 700 regions over that
 *                              with 7 (regions repeat SCENARIO's first seven,
 *                              forces scale with the region count, so every
 *                              region faces the same conditions), T threads.
 *                              Every run has the same replications
 *                              (--scale-reps, default 128, at least 8 per
 *                              thread), so per-run costs (allocating the
 *                              statistics) weigh the same per region-month;
 *                              7 regions run 100 times, 70 regions 10 times,
 *                              700 regions once. region_scaling is the
 *                              larger ratio.
 *
 * --quick runs tiny counts: a smoke test of the program, not a measurement.
 * --only-regions R runs only the synthetic scenario with R regions (for perf).
 * --block B sets the runner's replications per block (default: its choice).
 * Exit status 0, or 1 with a message when loading or running fails.
 */
#define _POSIX_C_SOURCE 200809L

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_randist.h>

#ifdef _OPENMP
#include <omp.h>
#endif

#include "dd_model.h"
#include "dd_rng.h"
#include "dd_runner.h"
#include "dd_scenario.h"
#include "test_util.h"

/* Same cap as the model's (dd_model.c, POISSON_MEAN_CAP). */
#define FLOOR_POISSON_CAP 1e8

/* Months of the synthetic region-scaling scenario. */
#define SCALE_MONTHS 120

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void die(const char *what, const dd_error *err)
{
    char line[DD_ERROR_FILE_MAX + DD_ERROR_MSG_MAX + 32] = "";
    if (err != NULL)
        dd_error_format(err, line, sizeof line);
    fprintf(stderr, "bench_engine: %s%s%s\n", what, err != NULL ? ": " : "", line);
    exit(1);
}

static void emit(const char *name, double value, const char *unit)
{
    printf("%s,%.6g,%s\n", name, value, unit);
    fflush(stdout);
}

/* One timed run of the engine; returns wall seconds and the draws it made. */
static double time_run(const dd_model *m, uint64_t seed, long reps, int threads, long block,
                       dd_draws *draws)
{
    dd_run_tuning tune = {block, 1};
    dd_run_opts o;
    memset(&o, 0, sizeof o);
    o.seed = seed;
    o.replications = reps;
    o.threads = threads;
    dd_results *res = NULL;
    dd_error err;
    dd_error_clear(&err);
    double t0 = now_s();
    if (dd_runner_run_tuned(m, &o, &tune, &res, &err) != DD_OK)
        die("run failed", &err);
    double t = now_s() - t0;
    if (draws != NULL)
        *draws = res->draws;
    dd_results_free(res);
    return t;
}

/*
 * The floor: `rm` region-months, each re-keying the generator from
 * (seed, replication, month, region) as the model does, then making its
 * share of each kind of draw (spread evenly, Bresenham-style) at the run's
 * average parameters. Spread over `threads` threads like the run; returns
 * wall seconds. The draws are summed into *sink so none can be skipped.
 */
typedef struct floor_spec {
    uint64_t rm;             /* region-months (= re-keyings) */
    uint64_t gaussian, negbin, poisson, binomial;
    double nb_mean, nb_shape, pois_mean, bin_p;
    unsigned int bin_n;
    uint64_t months, regions; /* for the keys */
} floor_spec;

static floor_spec floor_from_draws(const dd_draws *d, uint64_t months, uint64_t regions)
{
    floor_spec f;
    memset(&f, 0, sizeof f);
    f.rm = d->rekey;
    f.gaussian = d->gaussian;
    f.negbin = d->negbin;
    f.poisson = d->poisson;
    f.binomial = d->binomial;
    f.nb_mean = d->negbin > 0 ? d->negbin_mean / (double)d->negbin : 0.0;
    f.nb_shape = d->negbin > 0 ? d->negbin_shape / (double)d->negbin : 1.0;
    f.pois_mean = d->poisson > 0 ? d->poisson_mean / (double)d->poisson : 0.0;
    f.bin_p = d->binomial > 0 ? d->binomial_p / (double)d->binomial : 0.0;
    f.bin_n = d->binomial > 0 ? (unsigned int)lround(d->binomial_n / (double)d->binomial) : 0;
    f.months = months;
    f.regions = regions;
    return f;
}

/* Draws of one kind due in region-months [0, i]: Bresenham accumulator step. */
static inline int take(uint64_t *acc, uint64_t per_rm_total, uint64_t rm)
{
    *acc += per_rm_total;
    int n = 0;
    while (*acc >= rm) {
        *acc -= rm;
        n++;
    }
    return n;
}

static double time_floor(const floor_spec *f, uint64_t seed, int threads, double *sink)
{
    double total = 0.0;
    int failed = 0;
    double t0 = now_s();
#ifdef _OPENMP
#pragma omp parallel num_threads(threads) reduction(+ : total) reduction(| : failed)
#endif
    {
        int tid = 0, nth = 1;
#ifdef _OPENMP
        tid = omp_get_thread_num();
        nth = omp_get_num_threads();
#endif
        gsl_rng *rng = dd_rng_alloc();
        if (rng == NULL) {
            failed = 1;
        } else {
            const uint64_t lo = f->rm * (uint64_t)tid / (uint64_t)nth;
            const uint64_t hi = f->rm * (uint64_t)(tid + 1) / (uint64_t)nth;
            const uint64_t per_rep = f->months * f->regions;
            uint64_t ag = 0, an = 0, ap = 0, ab = 0;
            const double nb_scale = f->nb_mean / f->nb_shape;
            for (uint64_t i = lo; i < hi; i++) {
                const uint64_t rep = i / per_rep, within = i % per_rep;
                dd_rng_set_key(rng, dd_rng_key(seed, rep, within / f->regions, within % f->regions));
                for (int k = take(&ag, f->gaussian, f->rm); k > 0; k--)
                    total += gsl_ran_gaussian_ziggurat(rng, 1.0);
                for (int k = take(&an, f->negbin, f->rm); k > 0; k--) {
                    double lambda = gsl_ran_gamma(rng, f->nb_shape, nb_scale);
                    if (lambda > FLOOR_POISSON_CAP)
                        lambda = FLOOR_POISSON_CAP;
                    total += (double)gsl_ran_poisson(rng, lambda);
                }
                for (int k = take(&ap, f->poisson, f->rm); k > 0; k--)
                    total += (double)gsl_ran_poisson(rng, f->pois_mean);
                for (int k = take(&ab, f->binomial, f->rm); k > 0; k--)
                    total += (double)gsl_ran_binomial(rng, f->bin_p, f->bin_n);
            }
            gsl_rng_free(rng);
        }
    }
#ifndef _OPENMP
    (void)threads;
#endif
    double t = now_s() - t0;
    if (failed)
        die("out of memory for the floor's generators", NULL);
    *sink += total;
    return t;
}

/*
 * A synthetic scenario of n regions: region r takes the starting conditions
 * of the template's region r mod 7 (or mod its region count), troops, police
 * and a counter-terrorism partner scale with n so every region has the same
 * forces whatever n is; months SCALE_MONTHS, the template's parameters.
 */
static void synthetic(dd_input *out, const dd_input *tmpl, size_t n)
{
    const size_t base = tmpl->n_regions < 7 ? tmpl->n_regions : 7;
    const double per = (double)n / (double)base;
    dd_test_input(out, n, SCALE_MONTHS, 1700.0 * (double)n, 200.0 * (double)n);
    out->params = tmpl->params;
    out->host_quality = tmpl->host_quality;
    for (size_t r = 0; r < n; r++) {
        const dd_region *src = &tmpl->regions[r % base];
        dd_region *dst = &out->regions[r];
        dst->population = src->population;
        dst->armed_strength = src->armed_strength;
        dst->armed_control = src->armed_control;
        dst->state_authority = src->state_authority;
        dst->host_forces = src->host_forces;
        dst->displaced = src->displaced;
    }
    dd_test_add_partner(out, DD_ROLE_COUNTER_TERRORISM, 400.0 * (double)n);
    /* The host ceiling is national: scale it so host growth per region matches. */
    out->params.host_ceiling = tmpl->params.host_ceiling * per;
}

static double scale_ns(const dd_input *tmpl, size_t n, long runs, long reps, int threads,
                       long block, uint64_t seed)
{
    dd_input in;
    synthetic(&in, tmpl, n);
    dd_model *m = NULL;
    dd_error err;
    dd_error_clear(&err);
    if (dd_model_alloc(&m, &in, &err) != DD_OK)
        die("synthetic scenario rejected", &err);
    double t = 0.0;
    for (long k = 0; k < runs; k++)
        t += time_run(m, seed, reps, threads, block, NULL);
    double ns = t * 1e9 * threads / ((double)runs * (double)reps * SCALE_MONTHS * (double)n);
    fprintf(stderr,
            "bench_engine: %zu regions, %ld run%s of %ld replications: %.3f s, %.1f "
            "thread-ns/region-month\n",
            n, runs, runs == 1 ? "" : "s", reps, t, ns);
    dd_model_free(m);
    dd_input_free(&in);
    return ns;
}

static long arg_long(const char *s, const char *name)
{
    char *end = NULL;
    long v = strtol(s, &end, 10);
    if (end == s || *end != '\0' || v < 1) {
        fprintf(stderr, "bench_engine: %s needs a whole number >= 1, not '%s'\n", name, s);
        exit(2);
    }
    return v;
}

int main(int argc, char **argv)
{
    gsl_set_error_handler_off();
    const char *path = NULL;
    long reps = 10000, scale_reps = 128;
    int threads = 0, quick = 0;
    long only_regions = 0, block = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--reps") == 0 && i + 1 < argc)
            reps = arg_long(argv[++i], "--reps");
        else if (strcmp(argv[i], "--threads") == 0 && i + 1 < argc)
            threads = (int)arg_long(argv[++i], "--threads");
        else if (strcmp(argv[i], "--scale-reps") == 0 && i + 1 < argc)
            scale_reps = arg_long(argv[++i], "--scale-reps");
        else if (strcmp(argv[i], "--block") == 0 && i + 1 < argc)
            block = arg_long(argv[++i], "--block");
        else if (strcmp(argv[i], "--only-regions") == 0 && i + 1 < argc)
            only_regions = arg_long(argv[++i], "--only-regions");
        else if (strcmp(argv[i], "--quick") == 0)
            quick = 1;
        else if (argv[i][0] != '-' && path == NULL)
            path = argv[i];
        else {
            fprintf(stderr, "usage: bench_engine SCENARIO [--reps N] [--threads T] "
                            "[--scale-reps N] [--quick]\n");
            return 2;
        }
    }
    if (path == NULL) {
        fprintf(stderr, "usage: bench_engine SCENARIO [--reps N] [--threads T] [--scale-reps N] [--quick]\n");
        return 2;
    }
    threads = dd_runner_threads(threads);
    if (quick) {
        reps = 40;
        scale_reps = 2L * threads;
    } else if (scale_reps < 8L * threads) {
        scale_reps = 8L * threads;
    }

    dd_error err;
    dd_error_clear(&err);
    dd_input in;
    if (dd_scenario_load(path, &in, &err) != DD_OK)
        die("cannot load the scenario", &err);
    dd_model *m = NULL;
    if (dd_model_alloc(&m, &in, &err) != DD_OK)
        die("cannot build the model", &err);
    const uint64_t seed = in.seed;
    if (only_regions > 0) {
        /* For profiling: one synthetic run only, nothing printed on stdout. */
        scale_ns(&in, (size_t)only_regions, 1, scale_reps, threads, block, seed);
        dd_model_free(m);
        dd_input_free(&in);
        return 0;
    }
    const double months = (double)in.months, regions = (double)in.n_regions;
    const double rm = (double)reps * months * regions;

    /* Warm-up: page in the code, the allocator's arenas and the OpenMP pool. */
    time_run(m, seed, reps < 200 ? reps : 200, threads, block, NULL);

    dd_draws draws;
    double t_all = time_run(m, seed, reps, threads, block, &draws);
    if ((double)draws.rekey != rm)
        fprintf(stderr, "bench_engine: note: %llu re-keyings for %.0f region-months\n",
                (unsigned long long)draws.rekey, rm);
    floor_spec f = floor_from_draws(&draws, (uint64_t)in.months, (uint64_t)in.n_regions);
    double sink = 0.0;
    double t_floor = time_floor(&f, seed, threads, &sink);
    fprintf(stderr,
            "bench_engine: %ld replications on %d threads: %.3f s; floor %.3f s "
            "(%llu gaussian, %llu negbin mean %.3g shape %.3g, %llu poisson mean %.3g, "
            "%llu binomial n %u p %.3g; sink %g)\n",
            reps, threads, t_all, t_floor, (unsigned long long)f.gaussian,
            (unsigned long long)f.negbin, f.nb_mean, f.nb_shape, (unsigned long long)f.poisson,
            f.pois_mean, (unsigned long long)f.binomial, f.bin_n, f.bin_p, sink);
    double ns = t_all * 1e9 * threads / rm;
    double floor_ns = t_floor * 1e9 * threads / rm;
    emit("ns_per_region_month", ns, "thread-ns");
    emit("floor_ns_per_region_month", floor_ns, "thread-ns");
    emit("floor_ratio", ns / floor_ns, "ratio");

    double t_one = threads == 1 ? t_all : time_run(m, seed, reps, 1, block, NULL);
    fprintf(stderr, "bench_engine: %ld replications on 1 thread: %.3f s\n", reps, t_one);
    emit("reps_per_s_1thread", (double)reps / t_one, "reps/s");
    emit("reps_per_s_all", (double)reps / t_all, "reps/s");
    emit("threads", (double)threads, "threads");
    emit("parallel_efficiency", t_one / t_all / threads, "ratio");

    /* Region scaling: the same replications per run, and as many runs as make the
       region-months equal (quick: one run each). */
    const size_t counts[3] = {7, 70, 700};
    const long runs[3] = {100, 10, 1};
    double ns_r[3];
    for (int k = 0; k < 3; k++)
        ns_r[k] = scale_ns(&in, counts[k], quick ? 1 : runs[k], scale_reps, threads, block, seed);
    emit("region_ns_7", ns_r[0], "thread-ns");
    emit("region_scaling_70", ns_r[1] / ns_r[0], "ratio");
    emit("region_scaling_700", ns_r[2] / ns_r[0], "ratio");
    emit("region_scaling", fmax(ns_r[1], ns_r[2]) / ns_r[0], "ratio");

    dd_model_free(m);
    dd_input_free(&in);
    return 0;
}

/*
 * bench_engine: the in-process figures of `make bench` (tests/bench/run.sh).
 *
 *   bench_engine SCENARIO [--reps N] [--threads T] [--scale-reps N] [--quick]
 *                [--rounds N] [--scale-rounds N] [--only-regions R] [--block B]
 *
 * Prints CSV rows `name,value,unit` on stdout (run.sh adds targets and
 * verdicts); progress notes go to stderr. Every ratio is formed from
 * figures measured in this one process, one after the other, so a machine
 * that is slower or busier today shifts numerator and denominator together.
 * Timed measurements are repeated in interleaved rounds (--rounds, default
 * 3; --scale-rounds for region scaling, default 5) and the fastest of each
 * is kept: other work on the machine only ever makes a run slower.
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
 *                              keys it and the same samplers (GSL's
 *                              gamma and Gaussian, dd_sample's Poisson and
 *                              binomial) at the run's average parameters,
 *                              spread over T threads, same unit
 *   floor_ratio                their ratio
 *   floor_part_<kind>          the floor by kind of draw (re-keying, gaussian,
 *                              negbin, poisson, binomial), timed alone on one
 *                              thread, thread-ns per region-month
 *   replay_floor_ns_per_region_month, replay_floor_ratio
 *                              a floor without averaging: the exact sequence
 *                              of keys and draws (kind and parameters) that
 *                              the model made in its first REPLAY_REPS
 *                              replications, recorded and replayed with the
 *                              same functions on one thread. The samplers
 *                              cost very different times at different
 *                              parameters (a Poisson of mean 0.2 or 600), and
 *                              the model's draws are far from their average,
 *                              so this is the floor that says how much of
 *                              the run is not drawing random numbers.
 *   replay_part_<kind>         the replay by kind (re-keying, gamma, poisson,
 *                              binomial, gaussian, uniform), thread-ns per
 *                              region-month
 *   reps_per_s_1thread, reps_per_s_all, parallel_efficiency
 *                              N replications on 1 thread and on T threads;
 *                              efficiency = speed-up / T
 *   region_scaling_70, region_scaling_700, region_scaling
 *                              thread-ns per region-month of a synthetic
 *                              scenario with 70 and 700 regions over that
 *                              with 7 (regions repeat SCENARIO's first seven,
 *                              forces scale with the region count, so every
 *                              region faces the same conditions), 60
 *                              months, T threads. Each is the marginal cost:
 *                              the time of runs of 3S replications less that
 *                              of runs of S (S = --scale-reps, default 64, at
 *                              least 8 per thread), after one warm-up run,
 *                              so what a run pays once (allocating and
 *                              paging in its statistics, which grow with
 *                              regions) cancels and what remains is the cost
 *                              of each further replication. 7 regions repeat
 *                              the pair 100 times, 70 regions 10 times, 700
 *                              regions once. region_scaling is the larger
 *                              ratio.
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

/*
 * The real samplers and dd_rng_set_key, under the names the linker's
 * --wrap gives them, and the wrappers that the model's calls reach instead
 * (see "Recording the model's draws" below). The floors call the real ones.
 */
void __real_dd_rng_set_key(gsl_rng *r, uint64_t key);
double __real_gsl_ran_gamma(const gsl_rng *r, double a, double b);
unsigned int __real_dd_sample_poisson(gsl_rng *r, double mu);
unsigned int __real_dd_sample_binomial(gsl_rng *r, double p, unsigned int n);
double __real_gsl_ran_gaussian_ziggurat(const gsl_rng *r, double sigma);
double __real_gsl_rng_uniform(const gsl_rng *r);
void __wrap_dd_rng_set_key(gsl_rng *r, uint64_t key);
double __wrap_gsl_ran_gamma(const gsl_rng *r, double a, double b);
unsigned int __wrap_dd_sample_poisson(gsl_rng *r, double mu);
unsigned int __wrap_dd_sample_binomial(gsl_rng *r, double p, unsigned int n);
double __wrap_gsl_ran_gaussian_ziggurat(const gsl_rng *r, double sigma);
double __wrap_gsl_rng_uniform(const gsl_rng *r);

/* Same cap as the model's (dd_model.c, POISSON_MEAN_CAP). */
#define FLOOR_POISSON_CAP 1e8

/* Replications recorded for the replayed floor (--quick: 2). */
#define REPLAY_REPS 300

/* Months of the synthetic region-scaling scenario (--quick: a tenth). */
#define SCALE_MONTHS 60

static const char usage[] =
    "usage: bench_engine SCENARIO [--reps N] [--threads T] [--rounds N] [--scale-reps N]\n"
    "                    [--scale-rounds N] [--block B] [--only-regions R] [--quick]\n";

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
    uint64_t rm; /* region-months (= re-keyings) */
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
                __real_dd_rng_set_key(
                    rng, dd_rng_key(seed, rep, within / f->regions, within % f->regions));
                for (int k = take(&ag, f->gaussian, f->rm); k > 0; k--)
                    total += __real_gsl_ran_gaussian_ziggurat(rng, 1.0);
                for (int k = take(&an, f->negbin, f->rm); k > 0; k--) {
                    double lambda = __real_gsl_ran_gamma(rng, f->nb_shape, nb_scale);
                    if (lambda > FLOOR_POISSON_CAP)
                        lambda = FLOOR_POISSON_CAP;
                    total += (double)__real_dd_sample_poisson(rng, lambda);
                }
                for (int k = take(&ap, f->poisson, f->rm); k > 0; k--)
                    total += (double)__real_dd_sample_poisson(rng, f->pois_mean);
                for (int k = take(&ab, f->binomial, f->rm); k > 0; k--)
                    total += (double)__real_dd_sample_binomial(rng, f->bin_p, f->bin_n);
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
 * Recording the model's draws. bench_engine is linked with
 *   --wrap=dd_rng_set_key,--wrap=gsl_ran_gamma,--wrap=dd_sample_poisson,
 *   --wrap=dd_sample_binomial,--wrap=gsl_ran_gaussian_ziggurat,--wrap=gsl_rng_uniform
 * (tests/bench/CMakeLists.txt), so the model's calls land in the __wrap_
 * functions below, which call the real ones (__real_). They record only when
 * the generator is of the recording type: dd_rng's xoshiro256++ (its own
 * functions, on the first bytes of the state) followed by a pointer to the
 * recorder, so the recorder travels with the generator and needs no global.
 * The floor code calls the __real_ functions directly. --wrap redirects only
 * references between object files: dd_sample_poisson and dd_sample_binomial
 * are caught because dd_model.o and dd_sample.o are separate members of
 * libddcore.a, and dd_sample takes its uniforms from the generator type
 * directly, not through gsl_rng_uniform, so REC_UNIFORM counts only the
 * model's own uniforms.
 */
enum { REC_REKEY = 0, REC_GAMMA, REC_POISSON, REC_BINOMIAL, REC_GAUSSIAN, REC_UNIFORM };

typedef struct rec_draw {
    int kind;
    double a, b;  /* parameters (gamma: shape, scale; poisson: mean; binomial: p, n) */
    uint64_t key; /* REC_REKEY */
} rec_draw;

typedef struct recorder {
    rec_draw *d;
    size_t n, cap;
    int failed; /* out of memory: the recording is incomplete */
} recorder;

/* Where the recorder pointer sits in the generator's state: after dd_rng's own state. */
static size_t rec_offset(void)
{
    size_t a = sizeof(recorder *);
    return (dd_rng_xoshiro256pp->size + a - 1) / a * a;
}

static void rec_set(void *state, unsigned long int seed)
{
    dd_rng_xoshiro256pp->set(state, seed);
}

static unsigned long int rec_get(void *state)
{
    return dd_rng_xoshiro256pp->get(state);
}

static double rec_get_double(void *state)
{
    return dd_rng_xoshiro256pp->get_double(state);
}

static recorder *recording(const gsl_rng *r)
{
    if (r == NULL || r->type == NULL || strcmp(r->type->name, "bench_recording") != 0)
        return NULL;
    recorder *rec;
    memcpy(&rec, (const char *)r->state + rec_offset(), sizeof rec);
    return rec;
}

static void record(const gsl_rng *r, int kind, double a, double b, uint64_t key)
{
    recorder *rec = recording(r);
    if (rec == NULL || rec->failed)
        return;
    if (rec->n == rec->cap) {
        size_t cap = rec->cap == 0 ? 65536 : 2 * rec->cap;
        rec_draw *d = realloc(rec->d, cap * sizeof *d);
        if (d == NULL) {
            rec->failed = 1;
            return;
        }
        rec->d = d;
        rec->cap = cap;
    }
    rec->d[rec->n++] = (rec_draw){kind, a, b, key};
}

void __wrap_dd_rng_set_key(gsl_rng *r, uint64_t key)
{
    record(r, REC_REKEY, 0.0, 0.0, key);
    __real_dd_rng_set_key(r, key);
}

double __wrap_gsl_ran_gamma(const gsl_rng *r, double a, double b)
{
    record(r, REC_GAMMA, a, b, 0);
    return __real_gsl_ran_gamma(r, a, b);
}

unsigned int __wrap_dd_sample_poisson(gsl_rng *r, double mu)
{
    record(r, REC_POISSON, mu, 0.0, 0);
    return __real_dd_sample_poisson(r, mu);
}

unsigned int __wrap_dd_sample_binomial(gsl_rng *r, double p, unsigned int n)
{
    record(r, REC_BINOMIAL, p, (double)n, 0);
    return __real_dd_sample_binomial(r, p, n);
}

double __wrap_gsl_ran_gaussian_ziggurat(const gsl_rng *r, double sigma)
{
    record(r, REC_GAUSSIAN, sigma, 0.0, 0);
    return __real_gsl_ran_gaussian_ziggurat(r, sigma);
}

double __wrap_gsl_rng_uniform(const gsl_rng *r)
{
    record(r, REC_UNIFORM, 0.0, 0.0, 0);
    return __real_gsl_rng_uniform(r);
}

/*
 * Record the draws of replications [0, reps) run one after the other on this
 * thread, then replay them (same keys, same functions, same parameters, so
 * the same numbers and the same rejection loops) and return the replay's
 * thread-ns per region-month.
 */
/* Replay the keys and the draws of kind `only` (-1: all kinds); returns seconds. */
static double replay(const recorder *rec, int only, double *sink)
{
    gsl_rng *g = dd_rng_alloc();
    if (g == NULL)
        die("out of memory for a generator", NULL);
    double total = 0.0;
    double t0 = now_s();
    for (size_t i = 0; i < rec->n; i++) {
        const rec_draw *d = &rec->d[i];
        if (only >= 0 && d->kind != only && d->kind != REC_REKEY)
            continue;
        switch (d->kind) {
        case REC_REKEY:
            __real_dd_rng_set_key(g, d->key);
            break;
        case REC_GAMMA:
            total += __real_gsl_ran_gamma(g, d->a, d->b);
            break;
        case REC_POISSON:
            total += (double)__real_dd_sample_poisson(g, d->a);
            break;
        case REC_BINOMIAL:
            total += (double)__real_dd_sample_binomial(g, d->a, (unsigned int)d->b);
            break;
        case REC_GAUSSIAN:
            total += __real_gsl_ran_gaussian_ziggurat(g, d->a);
            break;
        default:
            total += __real_gsl_rng_uniform(g);
            break;
        }
    }
    double t = now_s() - t0;
    *sink += total;
    gsl_rng_free(g);
    return t;
}

static double replay_floor(const dd_model *m, uint64_t seed, long reps, int parts, double *sink)
{
    gsl_rng_type type = *dd_rng_xoshiro256pp;
    type.name = "bench_recording";
    type.size = rec_offset() + sizeof(recorder *);
    type.set = rec_set;
    type.get = rec_get;
    type.get_double = rec_get_double;
    recorder rec = {NULL, 0, 0, 0};
    gsl_rng *r = gsl_rng_alloc(&type);
    dd_state *a = dd_state_alloc(m), *b = dd_state_alloc(m);
    double *obs = calloc(dd_model_obs_stride(m), sizeof *obs);
    if (r == NULL || a == NULL || b == NULL || obs == NULL)
        die("out of memory for the recording run", NULL);
    recorder *self = &rec;
    memcpy((char *)r->state + rec_offset(), &self, sizeof self);
    for (long i = 0; i < reps; i++) {
        dd_stream stream = {r, seed, (uint64_t)i};
        dd_outcome o;
        dd_model_run(m, &stream, a, b, NULL, obs, &o);
    }
    if (rec.failed)
        die("out of memory recording the draws", NULL);
    gsl_rng_free(r);
    dd_state_free(a);
    dd_state_free(b);
    free(obs);

    double rm = (double)reps * dd_model_months(m) * (double)dd_model_n_regions(m);
    double t = replay(&rec, -1, sink);
    fprintf(stderr,
            "bench_engine: replayed floor: %zu keys and draws of %ld replications in %.3f s\n",
            rec.n, reps, t);
    if (parts) {
        /* Each kind alone (with the keys, whose own cost is the first line). */
        static const char *const names[] = {"rekey",    "gamma",    "poisson",
                                            "binomial", "gaussian", "uniform"};
        double keys = 0.0;
        for (int k = REC_REKEY; k <= REC_UNIFORM; k++) {
            size_t count = 0;
            for (size_t i = 0; i < rec.n; i++)
                count += rec.d[i].kind == k;
            double tk = replay(&rec, k, sink);
            if (k == REC_REKEY)
                keys = tk;
            else
                tk -= keys;
            char name[48];
            snprintf(name, sizeof name, "replay_part_%s", names[k]);
            emit(name, tk * 1e9 / rm, "thread-ns");
            fprintf(stderr, "bench_engine: replayed %-8s %8zu draws, %6.1f ns each\n", names[k],
                    count, count > 0 ? tk * 1e9 / (double)count : 0.0);
        }
    }
    free(rec.d);
    return t * 1e9 / rm;
}

/*
 * The floor by kind of draw, on one thread: nanoseconds per draw at the run's
 * average parameters, times draws per region-month. For the report only (the
 * floor itself is timed as a whole, interleaved as the model interleaves).
 */
static void floor_parts(const floor_spec *f, uint64_t seed, double rm, double *sink)
{
    static const char *const names[5] = {"rekey", "gaussian", "negbin", "poisson", "binomial"};
    const uint64_t counts[5] = {f->rm, f->gaussian, f->negbin, f->poisson, f->binomial};
    const long n = 200000;
    gsl_rng *rng = dd_rng_alloc();
    if (rng == NULL)
        die("out of memory for a generator", NULL);
    __real_dd_rng_set_key(rng, dd_rng_key(seed, 0, 0, 0));
    const double nb_scale = f->nb_mean / f->nb_shape;
    for (int k = 0; k < 5; k++) {
        double total = 0.0, t0 = now_s();
        for (long i = 0; i < n; i++) {
            switch (k) {
            case 0:
                __real_dd_rng_set_key(rng, dd_rng_key(seed, (uint64_t)i, 3, 1));
                total += (double)gsl_rng_get(rng);
                break;
            case 1:
                total += __real_gsl_ran_gaussian_ziggurat(rng, 1.0);
                break;
            case 2:
                total += (double)__real_dd_sample_poisson(
                    rng, fmin(__real_gsl_ran_gamma(rng, f->nb_shape, nb_scale), FLOOR_POISSON_CAP));
                break;
            case 3:
                total += (double)__real_dd_sample_poisson(rng, f->pois_mean);
                break;
            default:
                total += (double)__real_dd_sample_binomial(rng, f->bin_p, f->bin_n);
                break;
            }
        }
        double per = (now_s() - t0) * 1e9 / (double)n;
        *sink += total;
        char name[48];
        snprintf(name, sizeof name, "floor_part_%s", names[k]);
        emit(name, per * (double)counts[k] / rm, "thread-ns");
        fprintf(stderr, "bench_engine: %-8s %7.1f ns per draw, %6.3f per region-month\n", names[k],
                per, (double)counts[k] / rm);
    }
    gsl_rng_free(rng);
}

/*
 * A synthetic scenario of n regions: region r takes the starting conditions
 * of the template's region r mod 7 (or mod its region count), troops, police
 * and a counter-terrorism partner scale with n so every region has the same
 * forces whatever n is; months SCALE_MONTHS, the template's parameters.
 */
static void synthetic(dd_input *out, const dd_input *tmpl, size_t n, int months)
{
    const size_t base = tmpl->n_regions < 7 ? tmpl->n_regions : 7;
    const double per = (double)n / (double)base;
    dd_test_input(out, n, months, 1700.0 * (double)n, 200.0 * (double)n);
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

/* One synthetic scenario of the region-scaling figure, and its fastest times so far. */
typedef struct scale_case {
    size_t n;      /* regions */
    long runs;     /* pairs of runs per round */
    dd_input in;
    dd_model *m;
    double t_small, t_large; /* fastest round: runs of reps, runs of 3 * reps */
} scale_case;

static void scale_open(scale_case *c, const dd_input *tmpl, size_t n, long runs, int months)
{
    c->n = n;
    c->runs = runs;
    synthetic(&c->in, tmpl, n, months);
    c->m = NULL;
    dd_error err;
    dd_error_clear(&err);
    if (dd_model_alloc(&c->m, &c->in, &err) != DD_OK)
        die("synthetic scenario rejected", &err);
    c->t_small = c->t_large = HUGE_VAL;
}

static void scale_close(scale_case *c)
{
    dd_model_free(c->m);
    dd_input_free(&c->in);
}

/*
 * Marginal thread-ns per region-month of each case: the fastest, over
 * `rounds` rounds, of `runs` runs of 3 * reps replications, less the fastest
 * of `runs` runs of reps (see the header). Each round times every case in
 * turn, so a spell of other work on the machine slows all region counts
 * alike instead of one of them (a single noisy spell had moved the ratio
 * from 0.8 to 2.2 when each count ran all its rounds in one go).
 */
static void scale_ns(scale_case *cases, size_t n_cases, int months, long reps, int threads,
                     long block, int rounds, uint64_t seed, double *ns)
{
    for (size_t k = 0; k < n_cases; k++) /* warm-up: pages and heap */
        time_run(cases[k].m, seed, reps, threads, block, NULL);
    for (int round = 0; round < rounds; round++)
        for (size_t k = 0; k < n_cases; k++) {
            scale_case *c = &cases[k];
            double ts = 0.0, tl = 0.0;
            for (long i = 0; i < c->runs; i++) {
                ts += time_run(c->m, seed, reps, threads, block, NULL);
                tl += time_run(c->m, seed, 3 * reps, threads, block, NULL);
            }
            c->t_small = fmin(c->t_small, ts);
            c->t_large = fmin(c->t_large, tl);
        }
    for (size_t k = 0; k < n_cases; k++) {
        const scale_case *c = &cases[k];
        ns[k] = (c->t_large - c->t_small) * 1e9 * threads /
                ((double)c->runs * 2.0 * (double)reps * months * (double)c->n);
        fprintf(stderr,
                "bench_engine: %zu regions, %ld x (%ld and %ld replications): %.3f s and %.3f s, "
                "%.1f thread-ns per further region-month\n",
                c->n, c->runs, reps, 3 * reps, c->t_small, c->t_large, ns[k]);
    }
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
    long reps = 10000, scale_reps = 64;
    int threads = 0, quick = 0;
    long only_regions = 0, block = 0;
    int rounds = 3, scale_rounds = 5;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--reps") == 0 && i + 1 < argc)
            reps = arg_long(argv[++i], "--reps");
        else if (strcmp(argv[i], "--threads") == 0 && i + 1 < argc)
            threads = (int)arg_long(argv[++i], "--threads");
        else if (strcmp(argv[i], "--scale-reps") == 0 && i + 1 < argc)
            scale_reps = arg_long(argv[++i], "--scale-reps");
        else if (strcmp(argv[i], "--rounds") == 0 && i + 1 < argc)
            rounds = (int)arg_long(argv[++i], "--rounds");
        else if (strcmp(argv[i], "--scale-rounds") == 0 && i + 1 < argc)
            scale_rounds = (int)arg_long(argv[++i], "--scale-rounds");
        else if (strcmp(argv[i], "--block") == 0 && i + 1 < argc)
            block = arg_long(argv[++i], "--block");
        else if (strcmp(argv[i], "--only-regions") == 0 && i + 1 < argc)
            only_regions = arg_long(argv[++i], "--only-regions");
        else if (strcmp(argv[i], "--quick") == 0)
            quick = 1;
        else if (argv[i][0] != '-' && path == NULL)
            path = argv[i];
        else {
            fputs(usage, stderr);
            return 2;
        }
    }
    if (path == NULL) {
        fputs(usage, stderr);
        return 2;
    }
    threads = dd_runner_threads(threads);
    if (quick) {
        reps = 40;
        rounds = scale_rounds = 1;
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
        scale_case c;
        double ns;
        scale_open(&c, &in, (size_t)only_regions, 1, SCALE_MONTHS);
        scale_ns(&c, 1, SCALE_MONTHS, scale_reps, threads, block, scale_rounds, seed, &ns);
        scale_close(&c);
        dd_model_free(m);
        dd_input_free(&in);
        return 0;
    }
    const double months = (double)in.months, regions = (double)in.n_regions;
    const double rm = (double)reps * months * regions;

    /* Warm-up: page in the code, the allocator's arenas and the OpenMP pool. */
    time_run(m, seed, reps < 200 ? reps : 200, threads, block, NULL);

    /* Rounds of (all threads, floor, one thread), keeping each one's fastest time: a
       machine busy with other work only ever slows a run down. */
    double t_all = HUGE_VAL, t_floor = HUGE_VAL, t_one = HUGE_VAL, sink = 0.0;
    floor_spec f;
    memset(&f, 0, sizeof f);
    for (int round = 0; round < rounds; round++) {
        dd_draws draws;
        double t = time_run(m, seed, reps, threads, block, &draws);
        t_all = fmin(t_all, t);
        if (round == 0) {
            if ((double)draws.rekey != rm)
                fprintf(stderr, "bench_engine: note: %llu re-keyings for %.0f region-months\n",
                        (unsigned long long)draws.rekey, rm);
            f = floor_from_draws(&draws, (uint64_t)in.months, (uint64_t)in.n_regions);
            fprintf(stderr,
                    "bench_engine: floor: %llu gaussian, %llu negbin (mean %.3g, shape %.3g), "
                    "%llu poisson (mean %.3g), %llu binomial (n %u, p %.3g), %llu re-keyings\n",
                    (unsigned long long)f.gaussian, (unsigned long long)f.negbin, f.nb_mean,
                    f.nb_shape, (unsigned long long)f.poisson, f.pois_mean,
                    (unsigned long long)f.binomial, f.bin_n, f.bin_p, (unsigned long long)f.rm);
        }
        double tf = time_floor(&f, seed, threads, &sink);
        t_floor = fmin(t_floor, tf);
        double t1 = threads == 1 ? t : time_run(m, seed, reps, 1, block, NULL);
        t_one = fmin(t_one, t1);
        fprintf(stderr,
                "bench_engine: round %d: %ld replications: %.3f s on %d threads, floor %.3f s, "
                "%.3f s on 1 thread\n",
                round + 1, reps, t, threads, tf, t1);
    }
    double ns = t_all * 1e9 * threads / rm;
    double floor_ns = t_floor * 1e9 * threads / rm;
    emit("ns_per_region_month", ns, "thread-ns");
    emit("floor_ns_per_region_month", floor_ns, "thread-ns");
    emit("floor_ratio", ns / floor_ns, "ratio");
    double replay_ns = HUGE_VAL;
    for (int round = 0; round < rounds; round++)
        replay_ns = fmin(
            replay_ns, replay_floor(m, seed, quick ? 2 : REPLAY_REPS, round == rounds - 1, &sink));
    emit("replay_floor_ns_per_region_month", replay_ns, "thread-ns");
    emit("replay_floor_ratio", ns / replay_ns, "ratio");
    floor_parts(&f, seed, rm, &sink);

    emit("reps_per_s_1thread", (double)reps / t_one, "reps/s");
    emit("reps_per_s_all", (double)reps / t_all, "reps/s");
    emit("threads", (double)threads, "threads");
    emit("parallel_efficiency", t_one / t_all / threads, "ratio");

    /* Region scaling: the same replications per run, and as many runs as make the
       region-months equal (quick: one run each). */
    const size_t counts[3] = {7, 70, 700};
    const long runs[3] = {100, 10, 1};
    double ns_r[3];
    const int scale_months = quick ? SCALE_MONTHS / 10 : SCALE_MONTHS;
    scale_case cases[3];
    for (int k = 0; k < 3; k++)
        scale_open(&cases[k], &in, counts[k], quick ? 1 : runs[k], scale_months);
    scale_ns(cases, 3, scale_months, scale_reps, threads, block, scale_rounds, seed, ns_r);
    for (int k = 0; k < 3; k++)
        scale_close(&cases[k]);
    if (sink == 0.0)
        fprintf(stderr, "bench_engine: (no draws in the floor)\n");
    emit("region_marginal_ns_7", ns_r[0], "thread-ns");
    emit("region_scaling_70", ns_r[1] / ns_r[0], "ratio");
    emit("region_scaling_700", ns_r[2] / ns_r[0], "ratio");
    emit("region_scaling", fmax(ns_r[1], ns_r[2]) / ns_r[0], "ratio");

    dd_model_free(m);
    dd_input_free(&in);
    return 0;
}

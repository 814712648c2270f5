/*
 * drawdown-calibrate: compare the historical scenario with the observed
 * series (bands T1-T7), and fit chosen parameters to them.
 *
 *   drawdown-calibrate check SCENARIO [--reps N] [--seed S] [--observed DIR]
 *                            [--markdown] [--require T1,T3,...] [--data FILE]
 *   drawdown-calibrate fit SCENARIO --param NAME [--param NAME...] [--reps N]
 *                          [--iters K] [--observed DIR] [--anchor FILE]
 *                          [--band-penalty W]
 *
 * A --param is a model parameter (dd_params.h) or a region's starting
 * condition written REGION.FIELD (FIELD one of armed_strength,
 * armed_control, state_authority, host_forces): the starting conditions of
 * the Mali regions are assumptions that no series measures, and the regional
 * check T5r is what can place them.
 *
 * With --anchor (analysis/calibration/anchor.cfg), `check` also reports and
 * `fit` also matches the published troop effect on a synthetic country.
 *
 * `fit` minimises the weighted sum of squared log ratios of simulated to
 * observed values (dd_calib.c) with GSL's Nelder-Mead simplex, over the
 * logarithms of the named parameters, kept inside their documented ranges.
 * It uses common random numbers (the same seed for every evaluation), so the
 * objective is a smooth function of the parameters. With --band-penalty W
 * the objective also counts, W times, how far the FACTS bands are from
 * holding (dd_calib_table.band_penalty): the squared log ratios pull every
 * year towards its observation alike, while a band is a pass or a fail. It
 * prints the best values; putting them into engine/core/dd_params.h is a
 * human decision.
 *
 * Under mpirun (an MPI build, dd_cluster.h) every process runs this program
 * and every runner call is collective, so each run's replications are spread
 * over the processes. Only rank 0 holds results: it compares them with the
 * observed series and broadcasts the few numbers the others need to take the
 * same decisions (a run's status, the loss, the anchor ratio), so that every
 * process follows the same Nelder-Mead path. Only rank 0 prints and writes.
 */
#define _POSIX_C_SOURCE 200809L

#include <getopt.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_multimin.h>

#include "dd_calib.h"
#include "dd_cluster.h"
#include "dd_metrics.h"
#include "dd_model.h"
#include "dd_runner.h"
#include "dd_scenario.h"

#define MAX_PARAMS 16

/* Region starting conditions a fit may move, with the ranges it keeps them in. */
static const struct region_field {
    const char *name;
    size_t offset; /* of the double in dd_region */
    double min, max;
} region_fields[] = {
    {"armed_strength", offsetof(dd_region, armed_strength), 1.0, 1e6},
    {"armed_control", offsetof(dd_region, armed_control), 1e-3, 0.99},
    {"state_authority", offsetof(dd_region, state_authority), 0.01, 0.99},
    {"host_forces", offsetof(dd_region, host_forces), 1.0, 1e6},
};

/* One coordinate of the fit: a model parameter, or a field of one region. */
typedef struct fit_coord {
    const char *spec; /* as given to --param */
    double *value;    /* where it lives in the fitted dd_input */
    double lo, hi;    /* the range the fit keeps it in */
} fit_coord;

typedef struct fit_ctx {
    dd_input *in;
    dd_input *anchor;   /* synthetic country for the published troop effect, or NULL */
    const dd_observed *obs;
    fit_coord coord[MAX_PARAMS];
    size_t n;
    long reps;
    uint64_t seed;
    int evaluations;
    double best_loss;
    double band_weight; /* --band-penalty: weight of dd_calib_table.band_penalty */
} fit_ctx;

/*
 * Battle deaths per month (all deaths but civilians), years 9-10 of the anchor
 * scenario, with `troops` mission troops; the parameters are the fit's.
 */
static double anchor_battle_deaths(dd_input *anchor, const dd_params *params, double troops)
{
    anchor->params = *params;
    anchor->troops.points[0].value = troops;
    dd_model *m = NULL;
    dd_results *res = NULL;
    dd_error err;
    double sum = 0.0;
    /* The runner call is collective: every process makes it, or none does. */
    if (dd_cluster_agree(dd_model_alloc(&m, anchor, &err)) == DD_OK) {
        dd_run_opts o = {5, anchor->replications, 0, NULL, NULL, NULL};
        /* Only rank 0 gets the grid (NULL on the other processes of an MPI run). */
        if (dd_runner_run(m, &o, &res, &err) == DD_OK && res->grid != NULL) {
            for (int t = anchor->months - 24; t < anchor->months; t++) {
                sum += dd_acc_mean(dd_grid_cell(res->grid, t, 1, DD_M_FATALITIES));
                sum -= dd_acc_mean(dd_grid_cell(res->grid, t, 1, DD_M_CIVILIAN_FATALITIES));
            }
        }
    }
    dd_results_free(res);
    dd_model_free(m);
    return sum / 24.0;
}

/*
 * The anchor's share of battle deaths left with 10,000 troops (published: 6/22).
 * Collective in an MPI run: every process gets rank 0's value.
 */
static double anchor_ratio(dd_input *anchor, const dd_params *params)
{
    double none = anchor_battle_deaths(anchor, params, 0.0);
    double many = anchor_battle_deaths(anchor, params, 10000.0);
    double ratio = (many + 0.5) / (none + 0.5);
    dd_cluster_bcast(&ratio, sizeof ratio);
    return ratio;
}

/*
 * Run the scenario and compare it with the observed series. Collective in an
 * MPI run: every process returns rank 0's status, and gets its table->loss;
 * the rest of the table is filled on rank 0 only.
 */
static int run_and_compare(dd_input *in, const dd_observed *obs, long reps, uint64_t seed,
                           dd_calib_table *table, dd_error *err)
{
    dd_model *m = NULL;
    dd_results *res = NULL;
    int rc = dd_model_alloc(&m, in, err);
    /* The runner call is collective: every process makes it, or none does. */
    int all = dd_cluster_agree(rc);
    if (rc == DD_OK && all != DD_OK)
        rc = dd_error_set(err, all, NULL, 0,
                          "another process of the MPI run cannot build the model");
    if (rc == DD_OK) {
        dd_run_opts o = {seed, reps, 0, NULL, NULL, NULL};
        rc = dd_runner_run(m, &o, &res, err);
    }
    if (rc == DD_OK && dd_cluster_rank() == 0)
        rc = dd_calib_compare(obs, in, res, table, err);
    /* Only rank 0 has the results: its status and loss decide for every process. */
    int mine = rc;
    dd_cluster_bcast(&rc, sizeof rc);
    if (rc != DD_OK && mine == DD_OK)
        dd_error_set(err, rc, NULL, 0, "the comparison failed on rank 0");
    if (rc == DD_OK) {
        dd_cluster_bcast(&table->loss, sizeof table->loss);
        dd_cluster_bcast(&table->band_penalty, sizeof table->band_penalty);
    }
    dd_results_free(res);
    dd_model_free(m);
    return rc;
}

/*
 * Resolve a --param: a parameter name, or REGION.FIELD of the loaded
 * scenario `in` (which must outlive k). Returns 0, or -1 when it names neither.
 */
static int coord_resolve(fit_coord *k, dd_input *in)
{
    const dd_param_info *pi = dd_params_lookup(k->spec);
    if (pi != NULL) {
        k->value = dd_params_field(&in->params, pi);
        k->lo = pi->min > 0.0 ? pi->min : 1e-6;
        k->hi = pi->max;
        return 0;
    }
    const char *dot = strchr(k->spec, '.');
    if (dot == NULL || dot == k->spec || (size_t)(dot - k->spec) >= DD_NAME_MAX)
        return -1;
    char region[DD_NAME_MAX];
    memcpy(region, k->spec, (size_t)(dot - k->spec));
    region[dot - k->spec] = '\0';
    long r = dd_input_region_index(in, region);
    if (r < 0)
        return -1;
    for (size_t f = 0; f < sizeof region_fields / sizeof region_fields[0]; f++)
        if (strcmp(dot + 1, region_fields[f].name) == 0) {
            k->value = (double *)(void *)((char *)&in->regions[r] + region_fields[f].offset);
            k->lo = region_fields[f].min;
            k->hi = region_fields[f].max;
            return 0;
        }
    return -1;
}

/* Map the simplex's unbounded coordinates into the coordinates' ranges. */
static void apply(fit_ctx *c, const gsl_vector *x)
{
    for (size_t i = 0; i < c->n; i++) {
        const fit_coord *k = &c->coord[i];
        *k->value = fmin(k->hi, fmax(k->lo, exp(gsl_vector_get(x, i))));
    }
}

static double objective(const gsl_vector *x, void *vctx)
{
    fit_ctx *c = vctx;
    apply(c, x);
    dd_calib_table t;
    dd_error err;
    if (run_and_compare(c->in, c->obs, c->reps, c->seed, &t, &err) != DD_OK)
        return GSL_POSINF;
    c->evaluations++;
    if (c->anchor != NULL) {
        double ratio = anchor_ratio(c->anchor, &c->in->params);
        double d = log(ratio / (6.0 / 22.0));
        t.loss += 5.0 * d * d;
    }
    t.loss += c->band_weight * t.band_penalty;
    /* Every process keeps the same best loss (from rank 0's numbers); rank 0 prints it. */
    if (t.loss < c->best_loss) {
        c->best_loss = t.loss;
        if (dd_cluster_rank() == 0) {
            fprintf(stderr, "eval %d loss %.4f:", c->evaluations, t.loss);
            for (size_t i = 0; i < c->n; i++)
                fprintf(stderr, " %s=%.5g", c->coord[i].spec, *c->coord[i].value);
            fputc('\n', stderr);
        }
    }
    return t.loss;
}

static int usage(void)
{
    if (dd_cluster_rank() != 0)
        return 2;
    fprintf(stderr,
            "usage: drawdown-calibrate check SCENARIO [--reps N] [--seed S] [--observed DIR]\n"
            "                          [--markdown] [--require T1,T3,...] [--data FILE]\n"
            "       drawdown-calibrate fit SCENARIO --param NAME [--param NAME...] [--reps N]\n"
            "                          [--iters K] [--observed DIR] [--anchor FILE]\n"
            "                          [--band-penalty W]\n");
    return 2;
}

/* The program, run by every process of an MPI run; returns the exit status. */
static int calibrate(int argc, char **argv)
{
    /* In an MPI run (dd_cluster.h) every process runs this; only rank 0 prints and writes. */
    const int lead = dd_cluster_rank() == 0;
    if (argc < 3)
        return usage();
    const char *cmd = argv[1];
    int fit = strcmp(cmd, "fit") == 0;
    if (!fit && strcmp(cmd, "check") != 0)
        return usage();
    static const struct option opts[] = {
        {"reps", required_argument, NULL, 'n'},     {"seed", required_argument, NULL, 's'},
        {"observed", required_argument, NULL, 'o'}, {"markdown", no_argument, NULL, 'm'},
        {"require", required_argument, NULL, 'r'},  {"param", required_argument, NULL, 'p'},
        {"iters", required_argument, NULL, 'i'},    {"data", required_argument, NULL, 'd'},
        {"anchor", required_argument, NULL, 'a'},   {"band-penalty", required_argument, NULL, 'b'},
        {NULL, 0, NULL, 0}};
    long reps = 200, iters = 200;
    uint64_t seed = 11;
    int markdown = 0;
    const char *observed = NULL, *require = NULL, *data = NULL, *anchor_path = NULL;
    fit_ctx ctx;
    memset(&ctx, 0, sizeof ctx);
    int c;
    optind = 2;
    opterr = lead; /* getopt's own messages: once */
    while ((c = getopt_long(argc, argv, "n:s:o:mr:p:i:d:a:b:", opts, NULL)) != -1) {
        switch (c) {
        case 'n':
            reps = atol(optarg);
            break;
        case 's':
            seed = strtoull(optarg, NULL, 10);
            break;
        case 'o':
            observed = optarg;
            break;
        case 'm':
            markdown = 1;
            break;
        case 'r':
            require = optarg;
            break;
        case 'd':
            data = optarg;
            break;
        case 'a':
            anchor_path = optarg;
            break;
        case 'i':
            iters = atol(optarg);
            break;
        case 'b': {
            char *end = NULL;
            ctx.band_weight = strtod(optarg, &end);
            if (end == optarg || *end != '\0' || !(ctx.band_weight >= 0.0) ||
                !isfinite(ctx.band_weight))
                return usage();
            break;
        }
        case 'p':
            if (ctx.n >= MAX_PARAMS) {
                if (lead)
                    fprintf(stderr, "drawdown-calibrate: at most %d --param\n", MAX_PARAMS);
                return 2;
            }
            ctx.coord[ctx.n++].spec = optarg;
            break;
        default:
            return usage();
        }
    }
    if (optind != argc - 1 || reps < 1 || (fit && ctx.n == 0))
        return usage();
    const char *path = argv[optind];

    dd_error err;
    dd_error_clear(&err);
    dd_input in;
    int rc = dd_scenario_load(path, &in, &err);
    char obs_dir[1024];
    if (observed == NULL) {
        /* The observed series sit beside the scenario: scenarios/mali/observed. */
        snprintf(obs_dir, sizeof obs_dir, "%s", path);
        char *slash = strrchr(obs_dir, '/');
        if (slash != NULL)
            snprintf(slash + 1, sizeof obs_dir - (size_t)(slash + 1 - obs_dir), "observed");
        else
            snprintf(obs_dir, sizeof obs_dir, "observed");
        observed = obs_dir;
    }
    dd_observed *obs = NULL;
    dd_input anchor;
    dd_input_init(&anchor);
    if (rc == DD_OK)
        rc = dd_observed_load(&obs, observed, &err);
    if (rc == DD_OK && anchor_path != NULL) {
        rc = dd_scenario_load(anchor_path, &anchor, &err);
        if (rc == DD_OK && anchor.troops.n != 1)
            rc = dd_error_set(&err, DD_ECONFIG, anchor_path, 0, "the anchor needs one troops point");
    }
    for (size_t i = 0; rc == DD_OK && i < ctx.n; i++)
        if (coord_resolve(&ctx.coord[i], &in) != 0)
            rc = dd_error_set(&err, DD_EUSAGE, NULL, 0,
                              "unknown parameter '%s' (a parameter, or REGION.FIELD with FIELD "
                              "armed_strength, armed_control, state_authority or host_forces)",
                              ctx.coord[i].spec);
    /* The processes of an MPI run go on together or stop together (one process: no-op). */
    int all = dd_cluster_agree(rc);
    if (rc == DD_OK && all != DD_OK)
        rc = dd_error_set(&err, all, path, 0, "another process of the MPI run cannot load it");
    if (rc != DD_OK) {
        if (lead) {
            char line[2048];
            dd_error_format(&err, line, sizeof line);
            fprintf(stderr, "drawdown-calibrate: %s\n", line);
        }
        dd_observed_free(obs);
        dd_input_free(&in);
        dd_input_free(&anchor);
        return dd_error_exit_status(rc);
    }

    if (fit) {
        ctx.in = &in;
        ctx.anchor = anchor_path != NULL ? &anchor : NULL;
        ctx.obs = obs;
        ctx.reps = reps;
        ctx.seed = seed;
        ctx.best_loss = INFINITY;
        gsl_vector *x = gsl_vector_alloc(ctx.n), *step = gsl_vector_alloc(ctx.n);
        for (size_t i = 0; i < ctx.n; i++) {
            double v = *ctx.coord[i].value;
            gsl_vector_set(x, i, log(v > 0.0 ? v : 1e-3));
            gsl_vector_set(step, i, 0.3);
        }
        gsl_multimin_function f = {objective, ctx.n, &ctx};
        gsl_multimin_fminimizer *s =
            gsl_multimin_fminimizer_alloc(gsl_multimin_fminimizer_nmsimplex2, ctx.n);
        gsl_multimin_fminimizer_set(s, &f, x, step);
        for (long k = 0; k < iters; k++) {
            if (gsl_multimin_fminimizer_iterate(s) != GSL_SUCCESS)
                break;
            if (gsl_multimin_test_size(gsl_multimin_fminimizer_size(s), 1e-3) == GSL_SUCCESS)
                break;
        }
        apply(&ctx, gsl_multimin_fminimizer_x(s));
        if (lead) {
            printf("best (loss %.4f after %d runs):\n", gsl_multimin_fminimizer_minimum(s),
                   ctx.evaluations);
            for (size_t i = 0; i < ctx.n; i++)
                printf("  %s = %.5g;\n", ctx.coord[i].spec, *ctx.coord[i].value);
        }
        gsl_multimin_fminimizer_free(s);
        gsl_vector_free(x);
        gsl_vector_free(step);
    }

    dd_calib_table table;
    rc = run_and_compare(&in, obs, reps, seed, &table, &err);
    /* Collective like the run above, so every process computes it; rank 0 prints it. */
    double ratio = rc == DD_OK && anchor_path != NULL ? anchor_ratio(&anchor, &in.params) : 0.0;
    int status = 0;
    if (rc != DD_OK) {
        if (lead)
            fprintf(stderr, "drawdown-calibrate: %s\n", err.msg);
        status = dd_error_exit_status(rc);
    } else if (lead) {
        if (markdown)
            dd_calib_print_markdown(stdout, &table);
        else
            dd_calib_print_text(stdout, &table);
        if (anchor_path != NULL) {
            printf(markdown ? "\nAnchor: with 10,000 troops the synthetic country has %.0f%% of "
                              "its battle deaths without them (published: 27%%).\n"
                            : "anchor ratio %.3f (published 0.273)\n",
                   markdown ? 100.0 * ratio : ratio);
        }
        if (data != NULL) {
            FILE *f = fopen(data, "w");
            if (f == NULL) {
                fprintf(stderr, "drawdown-calibrate: cannot write %s\n", data);
                status = 1;
            } else {
                dd_calib_print_fatalities_data(f, &table);
                fclose(f);
            }
        }
        if (require != NULL) {
            for (int i = 0; i < table.n_bands; i++) {
                const dd_calib_band *b = &table.band[i];
                char key[8];
                snprintf(key, sizeof key, "%s", b->target);
                /* A band is required when its name appears as a comma-separated item. */
                const char *p = require;
                size_t len = strlen(key);
                while ((p = strstr(p, key)) != NULL) {
                    int starts = p == require || p[-1] == ',';
                    int ends = p[len] == '\0' || p[len] == ',';
                    if (starts && ends) {
                        if (!b->pass) {
                            fprintf(stderr, "drawdown-calibrate: band %s fails: %d of %d inside, "
                                            "%d needed (%s)\n",
                                    b->target, b->inside, b->rows, b->needed, b->rule);
                            status = 1;
                        }
                        break;
                    }
                    p += len;
                }
            }
        }
    }
    /* Only rank 0 knows whether writing and the required bands succeeded. */
    dd_cluster_bcast(&status, sizeof status);
    dd_observed_free(obs);
    dd_input_free(&anchor);
    dd_input_free(&in);
    return status;
}

int main(int argc, char **argv)
{
    gsl_set_error_handler_off();
    /* Starts MPI in an MPI build (every process of `mpirun drawdown-calibrate ...` runs this). */
    if (dd_cluster_init(&argc, &argv) != DD_OK) {
        fprintf(stderr, "drawdown-calibrate: cannot start MPI\n");
        return 1;
    }
    int status = calibrate(argc, argv);
    dd_cluster_finish();
    return status;
}

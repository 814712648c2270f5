/*
 * drawdown: the command-line program.
 *
 * The only place that prints to the terminal and chooses the exit status:
 * 0 success, 1 the run failed, 2 bad input or usage. Every library call
 * returns a code and fills a dd_error, which is printed here as one line.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <gsl/gsl_errno.h>

#include "dd_analysis.h"
#include "dd_cluster.h"
#include "dd_csv.h"
#include "dd_error.h"
#include "dd_input.h"
#include "dd_model.h"
#include "dd_month.h"
#include "dd_outdir.h"
#include "dd_params.h"
#include "dd_policy.h"
#include "dd_runner.h"
#include "dd_scenario.h"
#include "dd_sha256.h"

#ifndef DD_VERSION
#define DD_VERSION "0.0.0"
#endif

static const char usage_main[] =
    "usage: drawdown <command> [options]\n"
    "\n"
    "Scenario simulation of the drawdown of a peacekeeping mission: a parallel\n"
    "Monte Carlo model of armed groups, violence, host forces and exit policies.\n"
    "\n"
    "commands:\n"
    "  run SCENARIO     run the replications and write CSV results\n"
    "  check SCENARIO   validate a scenario file and print its resolved summary\n"
    "  params           list every model parameter with default, range and unit\n"
    "  compare RUN...   paired differences between runs, with charts\n"
    "  report DIR...    report.html from run and comparison folders\n"
    "  help [COMMAND]   show help for a command\n"
    "\n"
    "options:\n"
    "  -h, --help       show this help\n"
    "  -V, --version    print the version\n"
    "\n"
    "exit status: 0 ok, 1 run failure, 2 bad input or usage.\n"
    "See README.md, scenarios/README.md and engine/MODEL.md.\n";

static const char usage_run[] =
    "usage: drawdown run SCENARIO [--reps N] [--seed S] [--threads T] [--out DIR]\n"
    "                    [--force] [--quiet]\n"
    "\n"
    "Run the scenario's replications in parallel and write, in DIR (default\n"
    "out/<scenario name>/): monthly.csv, replications.csv, summary.csv, run.cfg\n"
    "(the fully resolved scenario, which reruns to the same bytes) and\n"
    "manifest.txt. Results are written to a temporary folder and moved into\n"
    "place at the end, so a folder of results is complete or absent.\n"
    "\n"
    "  -n, --reps N      replications (default: the scenario's `replications`)\n"
    "  -s, --seed S      seed, 0..2^63-1 (default: the scenario's `seed`)\n"
    "  -t, --threads T   OpenMP threads (default: all cores); results do not\n"
    "                    depend on it\n"
    "  -o, --out DIR     the output folder itself\n"
    "  -f, --force       replace DIR if it holds earlier drawdown results\n"
    "  -q, --quiet       print nothing but errors\n";

static const char usage_check[] =
    "usage: drawdown check SCENARIO\n"
    "\n"
    "Load and validate a scenario file, then print the resolved scenario:\n"
    "regions, schedules, partners, events, policy, mechanisms switched off and\n"
    "parameters changed from their defaults. Writes nothing.\n";

static const char usage_compare[] =
    "usage: drawdown compare RUN_DIR RUN_DIR... [--baseline NAME] [--out DIR]\n"
    "                        [--force] [--quiet]\n"
    "\n"
    "Compare the results folders of `drawdown run` against a baseline (the\n"
    "first folder, or the run of scenario NAME). Runs with the same seed,\n"
    "replication count and start month are paired replication by replication\n"
    "(common random numbers): for each per-replication measure, the mean\n"
    "difference, its 95% confidence interval from the paired differences and\n"
    "the share of replications in which the scenario did worse. Other runs get\n"
    "unpaired (Welch) intervals, with one warning line. Writes, in DIR (default\n"
    "out/compare-<baseline>-vs-<scenario>...): compare.csv, scenarios.csv,\n"
    "charts/ (gnuplot .gp, .dat, .svg, .png) and manifest.txt.\n"
    "\n"
    "  -b, --baseline NAME  the scenario the others are compared with\n"
    "  -o, --out DIR        the output folder itself\n"
    "  -f, --force          replace DIR if it holds earlier drawdown results\n"
    "  -q, --quiet          print nothing but warnings and errors\n"
    "\n"
    "Charts need gnuplot (Debian: gnuplot-nox); DD_GNUPLOT names another program.\n";

static const char usage_report[] =
    "usage: drawdown report DIR... [--out OUT] [--title TEXT] [--force] [--quiet]\n"
    "\n"
    "Write report.html, one self-contained page (charts inline, no scripts,\n"
    "nothing loaded from the network), from run folders (drawdown run) and\n"
    "comparison folders (drawdown compare): what was run, the key tables, the\n"
    "charts, and a paragraph on each argument of the seminar written from the\n"
    "numbers. The runs' charts are drawn into OUT/charts/. OUT defaults to\n"
    "DIR/report for one folder; several folders need --out.\n"
    "\n"
    "  -o, --out OUT      the output folder itself\n"
    "  -t, --title TEXT   the page title\n"
    "  -f, --force        replace OUT if it holds earlier drawdown results\n"
    "  -q, --quiet        print nothing but errors\n"
    "\n"
    "Charts need gnuplot (Debian: gnuplot-nox); DD_GNUPLOT names another program.\n";

static const char usage_params[] =
    "usage: drawdown params [--markdown]\n"
    "\n"
    "List every model parameter: name, mechanism, default, range, unit and\n"
    "source. --markdown prints the table used in engine/MODEL.md, with the\n"
    "plausible range the sensitivity runs explore.\n";

static void print_error(const dd_error *err)
{
    char line[DD_ERROR_FILE_MAX + DD_ERROR_MSG_MAX + 32];
    dd_error_format(err, line, sizeof line);
    fprintf(stderr, "drawdown: %s\n", line);
}

static int usage_error(const char *msg, const char *arg)
{
    if (arg != NULL)
        fprintf(stderr, "drawdown: %s '%s' (see drawdown --help)\n", msg, arg);
    else
        fprintf(stderr, "drawdown: %s (see drawdown --help)\n", msg);
    return 2;
}

static int parse_u64(const char *s, uint64_t *out)
{
    if (s == NULL || *s == '\0' || *s == '-' || *s == '+')
        return -1;
    for (const char *p = s; *p; p++)
        if (*p < '0' || *p > '9')
            return -1;
    errno = 0;
    char *end = NULL;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno != 0 || end == NULL || *end != '\0')
        return -1;
    *out = (uint64_t)v;
    return 0;
}

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* What the run callbacks need. */
typedef struct run_ctx {
    FILE *replications;
    int show_progress;
    double started;
    int progress_shown;
    double last_shown; /* when the progress line was last drawn */
} run_ctx;

static int on_replication(void *vctx, long replication, const dd_outcome *o, dd_error *err)
{
    run_ctx *ctx = vctx;
    return dd_csv_write_replication(ctx->replications, replication, o, err);
}

static void on_progress(void *vctx, long done, long total)
{
    run_ctx *ctx = vctx;
    if (!ctx->show_progress)
        return;
    double now = now_seconds(), elapsed = now - ctx->started;
    if (elapsed < 1.0 && done < total)
        return;
    /* At most five redraws a second: blocks can finish far more often on many cores. */
    if (done < total && now - ctx->last_shown < 0.2)
        return;
    ctx->last_shown = now;
    /* Finished within a second: no progress line at all. A longer run whose blocks were too
       few to draw a line while it ran still gets its final line (count and rate). */
    if (!ctx->progress_shown && done >= total && elapsed < 1.0)
        return;
    double rate = elapsed > 0.0 ? (double)done / elapsed : 0.0;
    double left = rate > 0.0 ? (double)(total - done) / rate : 0.0;
    fprintf(stderr, "\r%ld/%ld replications, %.0f/s, %.0f s left   ", done, total, rate, left);
    if (done >= total)
        fputc('\n', stderr);
    fflush(stderr);
    ctx->progress_shown = 1;
}

/* Write run.cfg and return its SHA-256. */
static int write_run_cfg(dd_outdir *od, const dd_input *in, char hex[65], dd_error *err)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&buf, &len);
    if (mem == NULL)
        return dd_error_set(err, DD_ENOMEM, NULL, 0, "out of memory writing run.cfg");
    int rc = dd_scenario_write(mem, in, err);
    if (fclose(mem) != 0 && rc == DD_OK)
        rc = dd_error_set(err, DD_EIO, NULL, 0, "cannot write run.cfg to memory");
    if (rc != DD_OK) {
        free(buf);
        return rc;
    }
    dd_sha256 sha;
    dd_sha256_init(&sha);
    dd_sha256_update(&sha, buf, len);
    dd_sha256_hex(&sha, hex);
    FILE *f = NULL;
    rc = dd_outdir_open(od, "run.cfg", &f, err);
    if (rc == DD_OK) {
        if (fwrite(buf, 1, len, f) != len)
            rc = dd_error_set(err, DD_EIO, NULL, 0, "cannot write run.cfg");
        int rc2 = dd_outdir_close(od, f, "run.cfg", err);
        if (rc == DD_OK)
            rc = rc2;
    }
    free(buf);
    return rc;
}

static int write_manifest(dd_outdir *od, const dd_input *in, const char *scenario_path,
                          const dd_results *res, const char *cfg_hash, dd_error *err)
{
    FILE *f = NULL;
    int rc = dd_outdir_open(od, "manifest.txt", &f, err);
    if (rc != DD_OK)
        return rc;
    char first[DD_MONTH_STR], last[DD_MONTH_STR];
    dd_month_format(in->start_month, first);
    dd_month_format(in->start_month + in->months - 1, last);
    fprintf(f, "program: drawdown %s\n", DD_VERSION);
    fprintf(f, "scenario: %s\n", in->name);
    fprintf(f, "scenario_file: %s\n", scenario_path);
    fprintf(f, "months: %s to %s (%d)\n", first, last, in->months);
    fprintf(f, "seed: %" PRIu64 "\n", in->seed);
    fprintf(f, "replications: %ld\n", res->replications);
    fprintf(f, "threads: %d\n", res->threads_used);
    if (res->processes > 1)
        fprintf(f, "processes: %d (MPI; threads is per process)\n", res->processes);
    fprintf(f, "rng: dd_xoshiro256pp keyed by (seed, replication, month, region); see engine/MODEL.md\n");
    fprintf(f, "run_cfg_sha256: %s\n", cfg_hash);
    fprintf(f, "files: monthly.csv replications.csv summary.csv run.cfg manifest.txt\n");
    return dd_outdir_close(od, f, "manifest.txt", err);
}

static int write_csv(dd_outdir *od, const char *name, const dd_input *in, const dd_results *res,
                     dd_error *err)
{
    FILE *f = NULL;
    int rc = dd_outdir_open(od, name, &f, err);
    if (rc != DD_OK)
        return rc;
    if (strcmp(name, "monthly.csv") == 0)
        rc = dd_csv_write_monthly(f, in, res->grid, err);
    else
        rc = dd_csv_write_summary(f, in, &res->summary, err);
    int rc2 = dd_outdir_close(od, f, name, err);
    return rc != DD_OK ? rc : rc2;
}

static void print_run_summary(const dd_input *in, const dd_results *res, const char *dir,
                              double seconds)
{
    const dd_summary *s = &res->summary;
    printf("%s: %ld replications on %d thread%s", in->name, res->replications, res->threads_used,
           res->threads_used == 1 ? "" : "s");
    if (res->processes > 1)
        printf(" x %d MPI processes", res->processes);
    printf(" in %.2f s -> %s/\n", seconds, dir);
    printf("  mean fatalities %.0f (civilians %.0f, peacekeepers %.1f)\n",
           dd_acc_mean(&s->measure[DD_O_FATALITIES]),
           dd_acc_mean(&s->measure[DD_O_CIVILIAN_FATALITIES]),
           dd_acc_mean(&s->measure[DD_O_PK_FATALITIES]));
    double exited = 1.0 - dd_acc_mean(&s->exit_reason[DD_EXIT_NONE]);
    printf("  mission left in %.0f%% of replications", 100.0 * exited);
    if (exited > 0.0)
        printf("; mean vacuum_index %.3f, relapse in %.0f%%",
               dd_acc_mean(&s->measure[DD_O_VACUUM_INDEX]),
               100.0 * dd_acc_mean(&s->measure[DD_O_RELAPSE]));
    printf("\n");
    if (res->processes > 1)
        printf("  MPI: rank 0 received %.0f MB of other ranks' blocks and waited %.2f s for them\n",
               res->comm_bytes / 1e6, res->comm_seconds);
}

static int cmd_run(int argc, char **argv)
{
    static const struct option opts[] = {
        {"reps", required_argument, NULL, 'n'},  {"seed", required_argument, NULL, 's'},
        {"threads", required_argument, NULL, 't'}, {"out", required_argument, NULL, 'o'},
        {"force", no_argument, NULL, 'f'},       {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},        {NULL, 0, NULL, 0}};
    long reps = -1;
    uint64_t seed = 0;
    int have_seed = 0, threads = 0, force = 0, quiet = 0;
    const char *out_dir = NULL;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "n:s:t:o:fqh", opts, NULL)) != -1) {
        uint64_t v;
        switch (c) {
        case 'n':
            if (parse_u64(optarg, &v) != 0 || v < 1 || v > 100000000)
                return usage_error("--reps must be a whole number from 1 to 100000000, not", optarg);
            reps = (long)v;
            break;
        case 's':
            /* run.cfg must hold the seed, and libconfig integers are signed 64-bit. */
            if (parse_u64(optarg, &v) != 0 || v > (uint64_t)INT64_MAX)
                return usage_error("--seed must be a whole number from 0 to 9223372036854775807, not",
                                   optarg);
            seed = v;
            have_seed = 1;
            break;
        case 't':
            if (parse_u64(optarg, &v) != 0 || v < 1 || v > 4096)
                return usage_error("--threads must be a whole number from 1 to 4096, not", optarg);
            threads = (int)v;
            break;
        case 'o':
            out_dir = optarg;
            break;
        case 'f':
            force = 1;
            break;
        case 'q':
            quiet = 1;
            break;
        case 'h':
            fputs(usage_run, stdout);
            return 0;
        default:
            return 2; /* getopt printed the problem */
        }
    }
    if (optind != argc - 1)
        return usage_error(optind >= argc ? "run needs one SCENARIO file" : "run takes one SCENARIO file; unexpected",
                           optind >= argc ? NULL : argv[optind + 1]);
    const char *path = argv[optind];
    /* In an MPI run (dd_cluster.h) every process runs this; only rank 0 writes and prints. */
    const int lead = dd_cluster_rank() == 0;

    dd_error err;
    dd_error_clear(&err);
    dd_input in;
    int rc = dd_scenario_load(path, &in, &err);
    /* The processes of an MPI run go on together or stop together (one process: no-op). */
    int all = dd_cluster_agree(rc);
    if (rc == DD_OK && all != DD_OK) {
        dd_input_free(&in);
        rc = dd_error_set(&err, all, path, 0, "another process of the MPI run cannot load it");
    }
    if (rc != DD_OK) {
        if (lead)
            print_error(&err);
        return dd_error_exit_status(rc);
    }
    if (reps > 0)
        in.replications = reps;
    if (have_seed)
        in.seed = seed;

    char default_dir[DD_NAME_MAX + 8];
    if (out_dir == NULL) {
        snprintf(default_dir, sizeof default_dir, "out/%s", in.name);
        out_dir = default_dir;
    }

    dd_model *model = NULL;
    dd_outdir *od = NULL;
    dd_results *res = NULL;
    FILE *reps_file = NULL;
    run_ctx ctx = {NULL, lead && !quiet && isatty(STDERR_FILENO), now_seconds(), 0, 0.0};

    rc = dd_model_alloc(&model, &in, &err);
    if (rc == DD_OK && lead)
        rc = dd_outdir_begin(&od, out_dir, force, &err);
    if (rc == DD_OK && lead)
        rc = dd_outdir_open(od, "replications.csv", &reps_file, &err);
    if (rc == DD_OK && lead)
        rc = dd_csv_write_replications_header(reps_file, &err);
    all = dd_cluster_agree(rc);
    if (rc == DD_OK && all != DD_OK)
        rc = dd_error_set(&err, all, NULL, 0, "another process of the MPI run failed to start");
    if (rc == DD_OK) {
        ctx.replications = reps_file;
        dd_run_opts ro = {in.seed, in.replications, threads, on_replication, on_progress, &ctx};
        rc = dd_runner_run(model, &ro, &res, &err);
    }
    if (reps_file != NULL) {
        int rc2 = dd_outdir_close(od, reps_file, "replications.csv", &err);
        if (rc == DD_OK)
            rc = rc2;
    }
    char hash[65] = "";
    if (rc == DD_OK && lead)
        rc = write_csv(od, "monthly.csv", &in, res, &err);
    if (rc == DD_OK && lead)
        rc = write_csv(od, "summary.csv", &in, res, &err);
    if (rc == DD_OK && lead)
        rc = write_run_cfg(od, &in, hash, &err);
    if (rc == DD_OK && lead)
        rc = write_manifest(od, &in, path, res, hash, &err);
    if (rc == DD_OK && lead) {
        rc = dd_outdir_commit(od, &err);
        od = NULL; /* commit frees it, also on failure */
    }
    if (rc == DD_OK && !quiet && lead)
        print_run_summary(&in, res, out_dir, now_seconds() - ctx.started);
    if (rc != DD_OK && lead)
        print_error(&err);

    dd_outdir_abort(od);
    dd_results_free(res);
    dd_model_free(model);
    dd_input_free(&in);
    return dd_error_exit_status(rc);
}

static int cmd_check(int argc, char **argv)
{
    if (argc == 2 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)) {
        fputs(usage_check, stdout);
        return 0;
    }
    if (argc != 2)
        return usage_error("check needs exactly one SCENARIO file", NULL);
    dd_error err;
    dd_error_clear(&err);
    dd_input in;
    int rc = dd_scenario_load(argv[1], &in, &err);
    if (rc == DD_OK)
        rc = dd_scenario_describe(stdout, &in, &err);
    if (rc != DD_OK)
        print_error(&err);
    dd_input_free(&in);
    return dd_error_exit_status(rc);
}

static void print_range(FILE *f, const dd_param_info *pi)
{
    fprintf(f, "[%g, %g]", pi->min, pi->max);
}

/* The plausible range explored by the sensitivity runs, or "not varied". */
static void print_plausible(FILE *f, const dd_param_info *pi)
{
    if (pi->plausible_min == pi->plausible_max)
        fputs("not varied", f);
    else
        fprintf(f, "%g to %g", pi->plausible_min, pi->plausible_max);
}

static int cmd_params(int argc, char **argv)
{
    int markdown = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--markdown") == 0)
            markdown = 1;
        else if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
            fputs(usage_params, stdout);
            return 0;
        } else
            return usage_error("unknown option for params:", argv[i]);
    }
    size_t n;
    const dd_param_info *t = dd_params_table(&n);
    if (markdown) {
        printf("| parameter | mechanism | default | range | plausible range | unit | source |\n");
        printf("|---|---|---|---|---|---|---|\n");
    }
    for (size_t i = 0; i < n; i++) {
        const dd_param_info *pi = &t[i];
        const char *mech = pi->mechanism >= 0 ? dd_mech_name((dd_mech)pi->mechanism) : "-";
        if (markdown) {
            printf("| `%s` | %s | %g | ", pi->name, mech, pi->def);
            print_range(stdout, pi);
            printf(" | ");
            print_plausible(stdout, pi);
            printf(" | %s | %s |\n", pi->unit, pi->source);
        } else {
            printf("%-28s %-14s %-10g ", pi->name, mech, pi->def);
            print_range(stdout, pi);
            printf("  %s\n", pi->unit);
        }
    }
    return 0;
}

/* Settings shared by compare and report: gnuplot program and parallel drawing. */
static void analysis_defaults(dd_analysis_opts *o)
{
    const char *g = getenv("DD_GNUPLOT");
    o->gnuplot = g != NULL && g[0] != '\0' ? g : "gnuplot";
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    o->jobs = cpus < 1 ? 1 : cpus > 16 ? 16 : (int)cpus;
}

/*
 * The options of compare and report, which share all but one: --baseline
 * (compare) and --title (report) are taken only when `shortopts` names them.
 * Fills `o` (after analysis_defaults) and *quiet; returns -1 to go on, or the
 * exit status (0 after --help, 2 after a bad option, which getopt printed).
 */
static int analysis_args(int argc, char **argv, const char *shortopts, const struct option *opts,
                         const char *usage, dd_analysis_opts *o, int *quiet)
{
    memset(o, 0, sizeof *o);
    analysis_defaults(o);
    *quiet = 0;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, shortopts, opts, NULL)) != -1) {
        switch (c) {
        case 'b':
            o->baseline = optarg;
            break;
        case 't':
            o->title = optarg;
            break;
        case 'o':
            o->out = optarg;
            break;
        case 'f':
            o->force = 1;
            break;
        case 'q':
            *quiet = 1;
            break;
        case 'h':
            fputs(usage, stdout);
            return 0;
        default:
            return 2;
        }
    }
    o->dirs = (const char *const *)(argv + optind);
    o->n_dirs = (size_t)(argc - optind);
    return -1;
}

static int cmd_compare(int argc, char **argv)
{
    static const struct option opts[] = {
        {"baseline", required_argument, NULL, 'b'}, {"out", required_argument, NULL, 'o'},
        {"force", no_argument, NULL, 'f'},          {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},           {NULL, 0, NULL, 0}};
    dd_analysis_opts o;
    int quiet;
    int status = analysis_args(argc, argv, "b:o:fqh", opts, usage_compare, &o, &quiet);
    if (status >= 0)
        return status;
    if (o.n_dirs < 2)
        return usage_error("compare needs at least two RUN_DIR folders", NULL);
    dd_error err;
    dd_error_clear(&err);
    dd_analysis_done done;
    int rc = dd_analysis_compare(&o, &done, &err);
    if (rc != DD_OK) {
        print_error(&err);
        return dd_error_exit_status(rc);
    }
    if (!done.paired)
        fprintf(stderr, "drawdown: warning: intervals are unpaired (Welch), because %s\n",
                done.unpaired_reason);
    if (!quiet)
        printf("compared %zu runs (%s) -> %s/: compare.csv (%zu rows), %zu charts\n", o.n_dirs,
               done.paired ? "paired" : "unpaired", done.out, done.rows, done.charts);
    return 0;
}

static int cmd_report(int argc, char **argv)
{
    static const struct option opts[] = {
        {"out", required_argument, NULL, 'o'}, {"title", required_argument, NULL, 't'},
        {"force", no_argument, NULL, 'f'},     {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},      {NULL, 0, NULL, 0}};
    dd_analysis_opts o;
    int quiet;
    int status = analysis_args(argc, argv, "o:t:fqh", opts, usage_report, &o, &quiet);
    if (status >= 0)
        return status;
    if (o.n_dirs < 1)
        return usage_error("report needs a run or comparison folder", NULL);
    dd_error err;
    dd_error_clear(&err);
    dd_analysis_done done;
    int rc = dd_analysis_report(&o, &done, &err);
    if (rc != DD_OK) {
        print_error(&err);
        return dd_error_exit_status(rc);
    }
    if (!quiet)
        printf("report of %zu folder%s -> %s/report.html (%zu charts drawn)\n", o.n_dirs,
               o.n_dirs == 1 ? "" : "s", done.out, done.charts);
    return 0;
}

static int cmd_help(int argc, char **argv)
{
    if (argc < 2) {
        fputs(usage_main, stdout);
        return 0;
    }
    const char *topic = argv[1];
    if (strcmp(topic, "run") == 0)
        fputs(usage_run, stdout);
    else if (strcmp(topic, "check") == 0)
        fputs(usage_check, stdout);
    else if (strcmp(topic, "params") == 0)
        fputs(usage_params, stdout);
    else if (strcmp(topic, "compare") == 0)
        fputs(usage_compare, stdout);
    else if (strcmp(topic, "report") == 0)
        fputs(usage_report, stdout);
    else if (strcmp(topic, "policies") == 0) {
        for (int k = 0; k < DD_POLICY_COUNT; k++) {
            const dd_policy_type *pt = dd_policy_get((dd_policy_kind)k);
            printf("%-10s %s\n", pt->name, pt->doc);
        }
    } else
        return usage_error("no help for", topic);
    return 0;
}

static int dispatch(int argc, char **argv)
{
    /* GSL's default handler aborts; every GSL result is checked instead. */
    gsl_set_error_handler_off();
    if (argc < 2) {
        fputs(usage_main, stderr);
        return 2;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "-h") == 0 || strcmp(cmd, "--help") == 0) {
        fputs(usage_main, stdout);
        return 0;
    }
    if (strcmp(cmd, "-V") == 0 || strcmp(cmd, "--version") == 0) {
        printf("drawdown %s\n", DD_VERSION);
        return 0;
    }
    if (strcmp(cmd, "run") == 0)
        return cmd_run(argc - 1, argv + 1);
    if (strcmp(cmd, "check") == 0)
        return cmd_check(argc - 1, argv + 1);
    if (strcmp(cmd, "params") == 0)
        return cmd_params(argc - 1, argv + 1);
    if (strcmp(cmd, "compare") == 0)
        return cmd_compare(argc - 1, argv + 1);
    if (strcmp(cmd, "report") == 0)
        return cmd_report(argc - 1, argv + 1);
    if (strcmp(cmd, "help") == 0)
        return cmd_help(argc - 1, argv + 1);
    return usage_error("unknown command", cmd);
}

int main(int argc, char **argv)
{
    /* Starts MPI in an MPI build (every process of `mpirun drawdown ...` runs this). */
    if (dd_cluster_init(&argc, &argv) != DD_OK) {
        fprintf(stderr, "drawdown: cannot start MPI\n");
        return 1;
    }
    int status = dispatch(argc, argv);
    dd_cluster_finish();
    return status;
}

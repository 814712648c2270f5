/*
 * test_compare: Check suite for analysis/dd_compare.c and analysis/dd_table.c.
 *
 * The statistics are checked against cases worked out by hand. The Student t
 * quantiles were computed independently of GSL, by bisection on the t
 * distribution function written as a regularised incomplete beta function
 * (continued fraction, as in Numerical Recipes 6.4):
 *   t(0.975, 1) = 12.706204736174659
 *   t(0.975, 3) = 3.1824463052837046
 *   t(0.975, 3.234718826405868) = 3.055712710425894
 * Tolerance: 1e-9 relative on every interval bound (GSL's quantile agrees to
 * about 1e-12; anything looser would hide a wrong formula only barely).
 */
#define _POSIX_C_SOURCE 200809L

#include <check.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dd_compare.h"
#include "dd_error.h"
#include "dd_month.h"
#include "dd_results.h"
#include "dd_table.h"
#include "test_check.h"

#define TOL 1e-9

static void assert_close(double got, double want, const char *what)
{
    ck_assert_msg(fabs(got - want) <= TOL * fmax(1.0, fabs(want)), "%s: got %.15g, want %.15g",
                  what, got, want);
}

/* The means, the difference and its interval diff -/+ half_width of a hand-computed case. */
static void assert_diff(const dd_diff *d, double mean, double baseline_mean, double diff,
                        double half_width)
{
    assert_close(d->mean, mean, "mean");
    assert_close(d->baseline_mean, baseline_mean, "baseline mean");
    assert_close(d->diff, diff, "diff");
    assert_close(d->ci_low, diff - half_width, "ci_low");
    assert_close(d->ci_high, diff + half_width, "ci_high");
}

/* ------------------------------------------------------------ paired */

/*
 * x = 3 5 4 6, b = 1 2 4 3: d = 2 3 0 3, mean 2; deviations 0 1 -2 1, sum of
 * squares 6, variance 6/3 = 2, sd sqrt(2), standard error sqrt(2)/2;
 * half-width t(0.975, 3) sqrt(2)/2 = 2.250329363228181.
 * Higher is worse: d > 0 in 3 of 4 pairs. Lower is worse: d < 0 in none.
 */
START_TEST(paired_hand_case)
{
    const double x[] = {3, 5, 4, 6}, b[] = {1, 2, 4, 3};
    dd_diff d;
    dd_error err;
    ck_assert_int_eq(dd_compare_paired(x, b, 4, +1, &d, &err), 0);
    ck_assert_int_eq(d.paired, 1);
    ck_assert_int_eq(d.n, 4);
    assert_diff(&d, 4.5, 2.5, 2.0, 2.250329363228181);
    assert_close(d.share_worse, 0.75, "share worse (higher)");
    ck_assert_int_eq(dd_compare_paired(x, b, 4, -1, &d, &err), 0);
    assert_close(d.share_worse, 0.0, "share worse (lower)");
    ck_assert_int_eq(dd_compare_paired(x, b, 4, 0, &d, &err), 0);
    ck_assert(isnan(d.share_worse));
}
END_TEST

/*
 * A pair with a missing value is left out: x = 1 NA 3, b = 0 5 1 gives the
 * pairs (1, 0) and (3, 1), d = 1 2, mean 1.5, sd sqrt(0.5), standard error
 * 0.5, half-width t(0.975, 1) * 0.5 = 6.353102368087329.
 */
START_TEST(paired_skips_missing)
{
    const double x[] = {1, NAN, 3}, b[] = {0, 5, 1};
    dd_diff d;
    ck_assert_int_eq(dd_compare_paired(x, b, 3, +1, &d, NULL), 0);
    ck_assert_int_eq(d.n, 2);
    /* The means are over the two pairs only. */
    assert_diff(&d, 2.0, 0.5, 1.5, 6.353102368087329);
    assert_close(d.share_worse, 1.0, "share worse");
}
END_TEST

/* A constant difference has a zero-width interval; one pair has none. */
START_TEST(paired_degenerate)
{
    const double x[] = {2, 3, 4}, b[] = {1, 2, 3};
    dd_diff d;
    ck_assert_int_eq(dd_compare_paired(x, b, 3, -1, &d, NULL), 0);
    assert_close(d.diff, 1.0, "diff");
    ck_assert(d.ci_low == 1.0 && d.ci_high == 1.0);
    assert_close(d.share_worse, 0.0, "nothing lower");
    ck_assert_int_eq(dd_compare_paired(x, b, 1, +1, &d, NULL), 0);
    assert_close(d.diff, 1.0, "diff of one pair");
    ck_assert(isnan(d.ci_low) && isnan(d.ci_high));
}
END_TEST

/* The paired interval is narrower than the unpaired one when runs share their luck. */
START_TEST(pairing_sharpens)
{
    enum { N = 200 };
    double x[N], b[N];
    for (int i = 0; i < N; i++) {
        double luck = 10.0 * sin(0.37 * i) + 5.0 * cos(1.3 * i); /* common to both runs */
        b[i] = 100 + luck;
        x[i] = 101 + luck + 0.5 * sin(2.1 * i);
    }
    dd_diff p, u;
    ck_assert_int_eq(dd_compare_paired(x, b, N, +1, &p, NULL), 0);
    ck_assert_int_eq(dd_compare_unpaired(x, N, b, N, &u, NULL), 0);
    assert_close(p.diff, u.diff, "same mean difference");
    ck_assert(p.ci_low > 0); /* the paired interval excludes zero ... */
    ck_assert(u.ci_low < 0); /* ... the unpaired one does not */
    ck_assert(p.ci_high - p.ci_low < 0.2 * (u.ci_high - u.ci_low));
}
END_TEST

/* ---------------------------------------------------------- unpaired */

/*
 * x = 1 2 3 4: mean 2.5, variance 5/3; b = 2 4 6: mean 4, variance 4.
 * se^2 = (5/3)/4 + 4/3 = 1.75; Welch-Satterthwaite
 * nu = 1.75^2 / ((5/12)^2/3 + (4/3)^2/2) = 3.234718826405868;
 * half-width 3.055712710425894 * sqrt(1.75) = 4.042327954923022.
 */
START_TEST(welch_hand_case)
{
    const double x[] = {1, 2, 3, 4}, b[] = {2, 4, 6};
    dd_diff d;
    ck_assert_int_eq(dd_compare_unpaired(x, 4, b, 3, &d, NULL), 0);
    ck_assert_int_eq(d.paired, 0);
    assert_diff(&d, 2.5, 4.0, -1.5, 4.042327954923022);
    ck_assert(isnan(d.share_worse));
}
END_TEST

START_TEST(welch_constant_runs)
{
    const double x[] = {5, 5, 5}, b[] = {2, 2};
    dd_diff d;
    ck_assert_int_eq(dd_compare_unpaired(x, 3, b, 2, &d, NULL), 0);
    ck_assert(d.diff == 3 && d.ci_low == 3 && d.ci_high == 3);
}
END_TEST

START_TEST(directions)
{
    ck_assert_int_eq(dd_compare_direction("vacuum_index"), 1);
    ck_assert_int_eq(dd_compare_direction("civilian_fatalities"), 1);
    ck_assert_int_eq(dd_compare_direction("troop_months"), 1);
    ck_assert_int_eq(dd_compare_direction("relapse"), 1);
    ck_assert_int_eq(dd_compare_direction("final_state_authority"), -1);
    ck_assert_int_eq(dd_compare_direction("exited"), 0);
    ck_assert_int_eq(dd_compare_direction("exit_reason_calendar"), 0);
    /* measures a newer model may add */
    ck_assert_int_eq(dd_compare_direction("final_consent"), -1);
    ck_assert_int_eq(dd_compare_direction("peak_armed_control"), 1);
    ck_assert_int_eq(dd_compare_direction("something_new"), 0);
}
END_TEST

/* ------------------------------------------------- runs, built by hand */

/* A run of `reps` replications with two measures, a = base + i and b = 2 base. */
static void fake_run(dd_run *r, const char *name, uint64_t seed, long reps, double base, int exits)
{
    memset(r, 0, sizeof *r);
    dd_input_init(&r->input);
    snprintf(r->name, sizeof r->name, "%s", name);
    r->dir = strdup(name);
    snprintf(r->program, sizeof r->program, "drawdown test");
    r->seed = seed;
    r->replications = reps;
    ck_assert_int_eq(dd_month_parse("2020-01", &r->start_month), 0);
    r->months = 24;
    r->input.description = strdup("a test run, with \"quotes\", commas");
    r->n_measures = 2;
    r->measure = calloc(2, sizeof *r->measure);
    r->measure[0] = strdup("vacuum_index");
    r->measure[1] = strdup("final_state_authority");
    r->value = calloc((size_t)(2 * reps), sizeof *r->value);
    r->exit_month = calloc((size_t)reps, sizeof *r->exit_month);
    r->exit_reason = calloc((size_t)reps, sizeof *r->exit_reason);
    r->n_reasons = 2;
    r->reason = calloc(2, sizeof *r->reason);
    r->reason[0] = strdup("none");
    r->reason[1] = strdup("calendar");
    for (long i = 0; i < reps; i++) {
        r->value[i] = base + (double)i;
        r->value[reps + i] = 2 * base;
        int left = exits && i % 2 == 0;
        r->exit_month[i] = left ? r->start_month + 12 : -1;
        r->exit_reason[i] = left ? 1 : 0;
    }
    r->exited_share = exits ? 0.5 : 0;
    r->exit_p05 = r->exit_p50 = r->exit_p95 = exits ? r->start_month + 12 : -1;
}

START_TEST(compare_paired_runs)
{
    dd_run runs[2];
    fake_run(&runs[0], "base", 11, 4, 0.0, 0);
    fake_run(&runs[1], "alt", 11, 4, 1.0, 1);
    dd_comparison c;
    dd_error err;
    dd_error_clear(&err);
    ck_assert_int_eq(dd_compare_runs(runs, 2, 0, &c, &err), 0);
    ck_assert_int_eq(c.paired, 1);
    ck_assert_str_eq(c.unpaired_reason, "");
    ck_assert_uint_eq(c.n_scen, 2);
    ck_assert_str_eq(c.scen[0].name, "base");
    /* two measures, exited, exit_reason_calendar (none is not a measure) */
    ck_assert_uint_eq(c.n_rows, 4);
    const dd_compare_row *v = dd_comparison_row(&c, "vacuum_index", 1);
    ck_assert_ptr_nonnull(v);
    assert_close(v->d.diff, 1.0, "vacuum diff");
    ck_assert(v->d.ci_low == 1.0 && v->d.ci_high == 1.0); /* constant difference */
    assert_close(v->d.share_worse, 1.0, "vacuum worse everywhere");
    const dd_compare_row *a = dd_comparison_row(&c, "final_state_authority", 1);
    assert_close(a->d.diff, 2.0, "authority diff");
    assert_close(a->d.share_worse, 0.0, "more authority is never worse");
    const dd_compare_row *e = dd_comparison_row(&c, "exited", 1);
    assert_close(e->d.mean, 0.5, "exited share");
    ck_assert(isnan(e->d.share_worse));
    ck_assert_ptr_nonnull(dd_comparison_row(&c, "exit_reason_calendar", 1));
    ck_assert_ptr_null(dd_comparison_row(&c, "exit_reason_none", 1));

    /* Written and read back through the files of a comparison folder. */
    char dir[] = "/tmp/dd_test_compare_XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    char path[256];
    snprintf(path, sizeof path, "%s/compare.csv", dir);
    FILE *f = fopen(path, "w");
    ck_assert_int_eq(dd_compare_write_csv(f, &c, &err), 0);
    fclose(f);
    snprintf(path, sizeof path, "%s/scenarios.csv", dir);
    f = fopen(path, "w");
    ck_assert_int_eq(dd_compare_write_scenarios(f, &c, &err), 0);
    fclose(f);
    snprintf(path, sizeof path, "%s/manifest.txt", dir);
    f = fopen(path, "w");
    fputs("program: drawdown test\nkind: comparison\n", f);
    fclose(f);
    dd_comparison back;
    int rc = dd_compare_load(dir, &back, &err);
    ck_assert_msg(rc == 0, "%s", err.msg);
    ck_assert_uint_eq(back.n_rows, c.n_rows);
    ck_assert_str_eq(back.scen[1].description, "a test run, with \"quotes\", commas");
    for (size_t i = 0; i < c.n_rows; i++) {
        ck_assert_str_eq(back.rows[i].measure, c.rows[i].measure);
        assert_close(back.rows[i].d.diff, c.rows[i].d.diff, "diff read back");
    }
    ck_assert_int_eq(back.scen[1].exit_p50, c.scen[1].exit_p50);
    dd_comparison_free(&back);

    /* A damaged compare.csv is refused with its line. */
    snprintf(path, sizeof path, "%s/compare.csv", dir);
    f = fopen(path, "a");
    fputs("vacuum_index,alt,base,1,2,x,1,1,0.5,1\n", f);
    fclose(f);
    ck_assert_int_eq(dd_compare_load(dir, &back, &err), DD_ECONFIG);
    ck_assert_int_eq(err.line, 6);
    const char *names[] = {"compare.csv", "scenarios.csv", "manifest.txt"};
    for (size_t i = 0; i < 3; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        unlink(path);
    }
    rmdir(dir);
    dd_comparison_free(&c);
    dd_run_free(&runs[0]);
    dd_run_free(&runs[1]);
}
END_TEST

START_TEST(compare_unpaired_and_refusals)
{
    dd_run runs[3];
    fake_run(&runs[0], "base", 11, 4, 0.0, 0);
    fake_run(&runs[1], "alt", 12, 4, 1.0, 1);
    fake_run(&runs[2], "base", 11, 4, 1.0, 1);
    dd_comparison c;
    dd_error err;
    ck_assert_int_eq(dd_compare_runs(runs, 2, 1, &c, &err), 0);
    ck_assert_int_eq(c.paired, 0);
    ck_assert_str_eq(c.scen[0].name, "alt"); /* the baseline comes first */
    ck_assert_ptr_nonnull(strstr(c.unpaired_reason, "seeds differ"));
    const dd_compare_row *v = dd_comparison_row(&c, "vacuum_index", 1);
    ck_assert_int_eq(v->d.paired, 0);
    assert_close(v->d.diff, -1.0, "base - alt");
    ck_assert(isnan(v->d.share_worse));
    dd_comparison_free(&c);

    /* The same scenario twice is refused. */
    ck_assert_int_eq(dd_compare_runs((dd_run[]){runs[0], runs[2]}, 2, 0, &c, &err), DD_ECONFIG);
    ck_assert_ptr_nonnull(strstr(err.msg, "also the scenario"));
    /* So are runs whose measure columns differ. */
    free(runs[1].measure[1]);
    runs[1].measure[1] = strdup("final_consent");
    ck_assert_int_eq(dd_compare_runs(runs, 2, 0, &c, &err), DD_ECONFIG);
    ck_assert_str_eq(err.file, "alt");
    ck_assert_int_eq(dd_compare_runs(runs, 1, 0, &c, &err), DD_EUSAGE);
    for (int i = 0; i < 3; i++)
        dd_run_free(&runs[i]);
}
END_TEST

/* --------------------------------------------------------------- table */

static char *write_tmp(const char *text)
{
    char *path = strdup("/tmp/dd_test_table_XXXXXX");
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    return path;
}

/* Load text as a table; returns the code and leaves the error in err. */
static int load_text(const char *text, dd_table *t, dd_error *err)
{
    char *path = write_tmp(text);
    dd_error_clear(err);
    int rc = dd_table_load(path, t, err);
    unlink(path);
    free(path);
    return rc;
}

START_TEST(table_reads_quoted_fields)
{
    dd_table t;
    dd_error err;
    ck_assert_int_eq(load_text("a,b,c\n1,\"x, \"\"y\"\"\",NA\n2,\"two\nlines\",3.5e-2\n", &t, &err),
                     0);
    ck_assert_uint_eq(t.n_cols, 3);
    ck_assert_uint_eq(t.n_rows, 2);
    ck_assert_str_eq(dd_table_cell(&t, 0, 1), "x, \"y\"");
    ck_assert_str_eq(dd_table_cell(&t, 1, 1), "two\nlines");
    ck_assert_int_eq(t.line[1], 3);
    double v;
    ck_assert_int_eq(dd_table_number(&t, 0, 2, &v, &err), 0);
    ck_assert(isnan(v));
    ck_assert_int_eq(dd_table_number(&t, 1, 2, &v, &err), 0);
    assert_close(v, 0.035, "number");
    ck_assert_int_eq(dd_table_number(&t, 0, 1, &v, &err), DD_ECONFIG);
    ck_assert_int_eq(err.line, 2);
    ck_assert_int_eq(dd_table_column(&t, "c"), 2);
    ck_assert_int_eq(dd_table_column(&t, "z"), -1);
    dd_table_free(&t);
}
END_TEST

START_TEST(table_refuses_damage)
{
    static const struct {
        const char *text;
        int line;
    } bad[] = {
        {"a,b\n1,2\n3\n", 3},     /* a field missing */
        {"a,b\n1,2\n3,4", 3},     /* cut short: no final newline */
        {"a,b\n1,2\n\n3,4\n", 3}, /* blank line */
        {"a,b\n1,\"2\n", 2},      /* unterminated quote */
        {"a,b\n1,2\"x\"\n", 2},   /* quote inside a field */
        {"", 1},                  /* empty */
        {"a,,b\n1,2,3\n", 1},     /* empty column name */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        dd_table t;
        dd_error err;
        ck_assert_msg(load_text(bad[i].text, &t, &err) == DD_ECONFIG, "case %zu accepted", i);
        ck_assert_msg(err.line == bad[i].line, "case %zu: line %d, want %d (%s)", i, err.line,
                      bad[i].line, err.msg);
        ck_assert_ptr_null(t.cells);
    }
    double v;
    ck_assert_int_eq(dd_table_parse_number("0x10", &v), -1);
    ck_assert_int_eq(dd_table_parse_number("inf", &v), -1);
    ck_assert_int_eq(dd_table_parse_number(" 1", &v), -1);
    ck_assert_int_eq(dd_table_parse_number("1e400", &v), -1);
    ck_assert_int_eq(dd_table_parse_number("-1.5e+03", &v), 0);
    ck_assert(v == -1500);
}
END_TEST

int main(void)
{
    const TTest *const statistics[] = {
        paired_hand_case,
        paired_skips_missing,
        paired_degenerate,
        pairing_sharpens,
        welch_hand_case,
        welch_constant_runs,
        directions,
    };
    const TTest *const runs[] = {
        compare_paired_runs,
        compare_unpaired_and_refusals,
    };
    const TTest *const table[] = {
        table_reads_quoted_fields,
        table_refuses_damage,
    };
    Suite *s = suite_create("compare");
    dd_test_add_case(s, "statistics", 0, statistics, DD_TEST_COUNT(statistics));
    dd_test_add_case(s, "runs", 0, runs, DD_TEST_COUNT(runs));
    dd_test_add_case(s, "table", 0, table, DD_TEST_COUNT(table));
    return dd_test_run(s);
}

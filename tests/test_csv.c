/*
 * test_csv: Check suite for engine/io/dd_csv.c. Each file is written into a
 * tmpfile() for a tiny hand-filled input and compared byte for byte with the
 * text below (worked out by hand: see the comments at each data set), and
 * every writer must report a failing stream as DD_EIO.
 */
#include <check.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dd_csv.h"
#include "dd_error.h"
#include "dd_input.h"
#include "dd_metrics.h"
#include "dd_month.h"
#include "dd_runner.h"
#include "dd_stats.h"
#include "test_check.h"

/* ------------------------------------------------------------ helpers */

/* Compare line by line first, so a failure names the first differing line. */
static void assert_text(const char *got, const char *want)
{
    size_t line = 1;
    const char *g = got, *w = want;
    while (*g != '\0' && *w != '\0') {
        size_t lg = strcspn(g, "\n"), lw = strcspn(w, "\n");
        ck_assert_msg(lg == lw && memcmp(g, w, lg) == 0, "line %zu:\n got: %.*s\nwant: %.*s", line,
                      (int)lg, g, (int)lw, w);
        g += lg + (g[lg] == '\n');
        w += lw + (w[lw] == '\n');
        line++;
    }
    ck_assert_str_eq(got, want);
}

/* A stream every write to fails (opened for reading only). */
static FILE *unwritable(void)
{
    FILE *f = fopen("/dev/null", "r");
    ck_assert_ptr_nonnull(f);
    return f;
}

/* Scenario "demo", one region "North", from 2020-12 for `months` months. */
static void make_input(dd_input *in, int months)
{
    dd_input_init(in);
    snprintf(in->name, sizeof in->name, "demo");
    ck_assert_int_eq(dd_month_parse("2020-12", &in->start_month), 0);
    in->months = months;
    in->regions = calloc(1, sizeof *in->regions);
    ck_assert_ptr_nonnull(in->regions);
    in->n_regions = 1;
    snprintf(in->regions[0].name, sizeof in->regions[0].name, "North");
}

/* Whether metric m has only a national value (no regional cells). */
static int is_national(int m)
{
    return dd_metric_get((dd_metric)m)->agg == DD_AGG_NATIONAL;
}

/* An empty grid of `months` months x one region x every metric, all under binning `b`, the
   national-only metrics without regional cells (the caller frees it). */
static dd_grid *new_grid(int months, dd_binning b)
{
    dd_binning bins[DD_M_COUNT];
    int national[DD_M_COUNT];
    for (int m = 0; m < DD_M_COUNT; m++) {
        bins[m] = b;
        national[m] = is_national(m);
    }
    dd_grid *g = NULL;
    ck_assert_int_eq(dd_grid_alloc(&g, months, 1, DD_M_COUNT, bins, national), 0);
    return g;
}

/*
 * Two replications over 2 months x (North, ALL) x all metrics. Replication 0
 * holds v = 20 * place + metric + 3 * month, replication 1 holds v + 2, all
 * under DD_BIN_COUNT (whole numbers below 64, so quantiles are exact). Each
 * row therefore reads: mean v + 1, sd sqrt(2) = 1.414213562; p05, p25 and
 * p50 ask for the 1st of 2 values (ceil(0.1), ceil(0.5), ceil(1.0)) = v;
 * p75 and p95 ask for the 2nd = v + 2. Regional slots of the national-only
 * metrics (consent, legitimacy, cost_usd) hold NaN and must not appear.
 */
static dd_grid *make_grid(void)
{
    dd_grid *g = new_grid(2, DD_BIN_COUNT);
    size_t stride = dd_grid_rep_stride(g);
    ck_assert_uint_eq(stride, 2 * 2 * DD_M_COUNT);
    double block[2 * 2 * 2 * DD_M_COUNT];
    for (int r = 0; r < 2; r++)
        for (int t = 0; t < 2; t++)
            for (int p = 0; p < 2; p++)
                for (int m = 0; m < DD_M_COUNT; m++)
                    block[(size_t)r * stride + (size_t)((t * 2 + p) * DD_M_COUNT + m)] =
                        is_national(m) && p == 0 ? NAN : 20.0 * p + m + 3.0 * t + 2.0 * r;
    ck_assert_int_eq(dd_grid_add_block(g, block, 2, 1), 0);
    return g;
}

/*
 * Summary data. Measure m: the two values m and m + 2 (mean m + 1, sd
 * sqrt 2, p05 = p50 = m, p95 = m + 2; ci: m + 1 -/+ t(0.975, 1) * sqrt(2) /
 * sqrt(2) = m + 1 -/+ 12.70620474). Four replications exit by calendar after
 * 24 months, by conditions after 36, by calendar after 30, and not at all:
 * exit months {24, 36, 30} (mean 30, sd 6, p05 24, p50 = 2nd smallest = 30,
 * p95 36, ci 30 -/+ 4.30265273 * 6 / sqrt 3), and indicators per reason:
 * none {0,0,0,1}, calendar {1,0,1,0}, conditions {0,1,0,0}, consent_revoked
 * {0,0,0,0} (0/1 data under DD_BIN_COUNT, so quantiles are exact; ci with
 * t(0.975, 3) = 3.182446305).
 */
static void make_summary(dd_summary *s)
{
    for (int m = 0; m < DD_O_COUNT; m++) {
        dd_acc_init(&s->measure[m], DD_BIN_COUNT);
        ck_assert_int_eq(dd_acc_add(&s->measure[m], m), 0);
        ck_assert_int_eq(dd_acc_add(&s->measure[m], m + 2.0), 0);
    }
    dd_acc_init(&s->exit_months, DD_BIN_COUNT);
    for (int r = 0; r < DD_EXIT_COUNT; r++)
        dd_acc_init(&s->exit_reason[r], DD_BIN_COUNT);
    const dd_exit_reason reason[4] = {DD_EXIT_CALENDAR, DD_EXIT_CONDITIONS, DD_EXIT_CALENDAR,
                                      DD_EXIT_NONE};
    const double months[4] = {24, 36, 30, -1};
    for (int i = 0; i < 4; i++) {
        if (months[i] >= 0)
            ck_assert_int_eq(dd_acc_add(&s->exit_months, months[i]), 0);
        for (int r = 0; r < DD_EXIT_COUNT; r++)
            ck_assert_int_eq(dd_acc_add(&s->exit_reason[r], reason[i] == (dd_exit_reason)r), 0);
    }
}

static void free_summary(dd_summary *s)
{
    for (int m = 0; m < DD_O_COUNT; m++)
        dd_acc_free(&s->measure[m]);
    dd_acc_free(&s->exit_months);
    for (int r = 0; r < DD_EXIT_COUNT; r++)
        dd_acc_free(&s->exit_reason[r]);
}

/* ---------------------------------------------------------------- texts */

static const char monthly_expected[] =
    "scenario,month,region,metric,mean,sd,p05,p25,p50,p75,p95\n"
    "demo,2020-12,North,events,1,1.414213562,0,0,0,2,2\n"
    "demo,2020-12,North,fatalities,2,1.414213562,1,1,1,3,3\n"
    "demo,2020-12,North,civilian_fatalities,3,1.414213562,2,2,2,4,4\n"
    "demo,2020-12,North,civilian_fatalities_state,4,1.414213562,3,3,3,5,5\n"
    "demo,2020-12,North,pk_fatalities,5,1.414213562,4,4,4,6,6\n"
    "demo,2020-12,North,armed_strength,6,1.414213562,5,5,5,7,7\n"
    "demo,2020-12,North,armed_control,7,1.414213562,6,6,6,8,8\n"
    "demo,2020-12,North,state_authority,8,1.414213562,7,7,7,9,9\n"
    "demo,2020-12,North,host_forces,9,1.414213562,8,8,8,10,10\n"
    "demo,2020-12,North,mission_troops,10,1.414213562,9,9,9,11,11\n"
    "demo,2020-12,North,mission_police,11,1.414213562,10,10,10,12,12\n"
    "demo,2020-12,North,mission_civilians,12,1.414213562,11,11,11,13,13\n"
    "demo,2020-12,North,partner_forces,13,1.414213562,12,12,12,14,14\n"
    "demo,2020-12,North,displaced,14,1.414213562,13,13,13,15,15\n"
    "demo,2020-12,North,humanitarian_access,15,1.414213562,14,14,14,16,16\n"
    "demo,2020-12,ALL,events,21,1.414213562,20,20,20,22,22\n"
    "demo,2020-12,ALL,fatalities,22,1.414213562,21,21,21,23,23\n"
    "demo,2020-12,ALL,civilian_fatalities,23,1.414213562,22,22,22,24,24\n"
    "demo,2020-12,ALL,civilian_fatalities_state,24,1.414213562,23,23,23,25,25\n"
    "demo,2020-12,ALL,pk_fatalities,25,1.414213562,24,24,24,26,26\n"
    "demo,2020-12,ALL,armed_strength,26,1.414213562,25,25,25,27,27\n"
    "demo,2020-12,ALL,armed_control,27,1.414213562,26,26,26,28,28\n"
    "demo,2020-12,ALL,state_authority,28,1.414213562,27,27,27,29,29\n"
    "demo,2020-12,ALL,host_forces,29,1.414213562,28,28,28,30,30\n"
    "demo,2020-12,ALL,mission_troops,30,1.414213562,29,29,29,31,31\n"
    "demo,2020-12,ALL,mission_police,31,1.414213562,30,30,30,32,32\n"
    "demo,2020-12,ALL,mission_civilians,32,1.414213562,31,31,31,33,33\n"
    "demo,2020-12,ALL,partner_forces,33,1.414213562,32,32,32,34,34\n"
    "demo,2020-12,ALL,displaced,34,1.414213562,33,33,33,35,35\n"
    "demo,2020-12,ALL,humanitarian_access,35,1.414213562,34,34,34,36,36\n"
    "demo,2020-12,ALL,consent,36,1.414213562,35,35,35,37,37\n"
    "demo,2020-12,ALL,legitimacy,37,1.414213562,36,36,36,38,38\n"
    "demo,2020-12,ALL,cost_usd,38,1.414213562,37,37,37,39,39\n"
    "demo,2021-01,North,events,4,1.414213562,3,3,3,5,5\n"
    "demo,2021-01,North,fatalities,5,1.414213562,4,4,4,6,6\n"
    "demo,2021-01,North,civilian_fatalities,6,1.414213562,5,5,5,7,7\n"
    "demo,2021-01,North,civilian_fatalities_state,7,1.414213562,6,6,6,8,8\n"
    "demo,2021-01,North,pk_fatalities,8,1.414213562,7,7,7,9,9\n"
    "demo,2021-01,North,armed_strength,9,1.414213562,8,8,8,10,10\n"
    "demo,2021-01,North,armed_control,10,1.414213562,9,9,9,11,11\n"
    "demo,2021-01,North,state_authority,11,1.414213562,10,10,10,12,12\n"
    "demo,2021-01,North,host_forces,12,1.414213562,11,11,11,13,13\n"
    "demo,2021-01,North,mission_troops,13,1.414213562,12,12,12,14,14\n"
    "demo,2021-01,North,mission_police,14,1.414213562,13,13,13,15,15\n"
    "demo,2021-01,North,mission_civilians,15,1.414213562,14,14,14,16,16\n"
    "demo,2021-01,North,partner_forces,16,1.414213562,15,15,15,17,17\n"
    "demo,2021-01,North,displaced,17,1.414213562,16,16,16,18,18\n"
    "demo,2021-01,North,humanitarian_access,18,1.414213562,17,17,17,19,19\n"
    "demo,2021-01,ALL,events,24,1.414213562,23,23,23,25,25\n"
    "demo,2021-01,ALL,fatalities,25,1.414213562,24,24,24,26,26\n"
    "demo,2021-01,ALL,civilian_fatalities,26,1.414213562,25,25,25,27,27\n"
    "demo,2021-01,ALL,civilian_fatalities_state,27,1.414213562,26,26,26,28,28\n"
    "demo,2021-01,ALL,pk_fatalities,28,1.414213562,27,27,27,29,29\n"
    "demo,2021-01,ALL,armed_strength,29,1.414213562,28,28,28,30,30\n"
    "demo,2021-01,ALL,armed_control,30,1.414213562,29,29,29,31,31\n"
    "demo,2021-01,ALL,state_authority,31,1.414213562,30,30,30,32,32\n"
    "demo,2021-01,ALL,host_forces,32,1.414213562,31,31,31,33,33\n"
    "demo,2021-01,ALL,mission_troops,33,1.414213562,32,32,32,34,34\n"
    "demo,2021-01,ALL,mission_police,34,1.414213562,33,33,33,35,35\n"
    "demo,2021-01,ALL,mission_civilians,35,1.414213562,34,34,34,36,36\n"
    "demo,2021-01,ALL,partner_forces,36,1.414213562,35,35,35,37,37\n"
    "demo,2021-01,ALL,displaced,37,1.414213562,36,36,36,38,38\n"
    "demo,2021-01,ALL,humanitarian_access,38,1.414213562,37,37,37,39,39\n"
    "demo,2021-01,ALL,consent,39,1.414213562,38,38,38,40,40\n"
    "demo,2021-01,ALL,legitimacy,40,1.414213562,39,39,39,41,41\n"
    "demo,2021-01,ALL,cost_usd,41,1.414213562,40,40,40,42,42\n";
static const char summary_expected[] =
    "scenario,measure,n,mean,sd,p05,p50,p95,ci_low,ci_high\n"
    "demo,civilian_fatalities,2,1,1.414213562,0,0,2,-11.70620474,13.70620474\n"
    "demo,fatalities,2,2,1.414213562,1,1,3,-10.70620474,14.70620474\n"
    "demo,pk_fatalities,2,3,1.414213562,2,2,4,-9.706204736,15.70620474\n"
    "demo,troop_months,2,4,1.414213562,3,3,5,-8.706204736,16.70620474\n"
    "demo,cost_usd,2,5,1.414213562,4,4,6,-7.706204736,17.70620474\n"
    "demo,vacuum_index,2,6,1.414213562,5,5,7,-6.706204736,18.70620474\n"
    "demo,relapse,2,7,1.414213562,6,6,8,-5.706204736,19.70620474\n"
    "demo,peak_displaced,2,8,1.414213562,7,7,9,-4.706204736,20.70620474\n"
    "demo,final_state_authority,2,9,1.414213562,8,8,10,-3.706204736,21.70620474\n"
    "demo,exit_months_from_start,3,30,6,24,30,36,15.09517373,44.90482627\n"
    "demo,exit_reason_none,4,0.25,0.5,0,0,1,-0.5456115763,1.045611576\n"
    "demo,exit_reason_calendar,4,0.5,0.5773502692,0,0,1,-0.4186931155,1.418693116\n"
    "demo,exit_reason_conditions,4,0.25,0.5,0,0,1,-0.5456115763,1.045611576\n"
    "demo,exit_reason_consent_revoked,4,0,0,0,0,0,0,0\n";

static const char replications_header[] =
    "replication,exit_month,exit_reason,civilian_fatalities,fatalities,pk_fatalities,"
    "troop_months,cost_usd,vacuum_index,relapse,peak_displaced,final_state_authority\n";

/* ---------------------------------------------------------------- tests */

START_TEST(test_csv__numbers_use_ten_significant_digits_and_na)
{
    char buf[64];
    const struct {
        double v;
        const char *text;
    } cases[] = {
        {0.0, "0"},
        {1.0, "1"},
        {-2.5, "-2.5"},
        {0.1, "0.1"},
        {1.0 / 3.0, "0.3333333333"},
        {2.0 / 3.0, "0.6666666667"},
        {123456789012.0, "1.23456789e+11"},
        {1234567890.0, "1234567890"},
        {1e-7, "1e-07"},
        {1e20, "1e+20"},
        {NAN, "NA"},
        {INFINITY, "NA"},
        {-INFINITY, "NA"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        dd_csv_number(buf, sizeof buf, cases[i].v);
        ck_assert_str_eq(buf, cases[i].text);
    }
    /* Truncates safely into a short buffer. */
    dd_csv_number(buf, 4, 1.0 / 3.0);
    ck_assert_str_eq(buf, "0.3");
}
END_TEST

START_TEST(test_csv__monthly_rows_by_month_region_then_metric)
{
    dd_input in;
    make_input(&in, 2);
    dd_grid *g = make_grid();
    FILE *f = tmpfile();
    ck_assert_ptr_nonnull(f);
    dd_error err;
    dd_error_clear(&err);
    ck_assert_int_eq(dd_csv_write_monthly(f, &in, g, &err), 0);
    char *text = dd_test_stream_text(f);
    assert_text(text, monthly_expected);
    free(text);
    fclose(f);
    dd_grid_free(g);
    dd_input_free(&in);
}
END_TEST

START_TEST(test_csv__monthly_of_an_empty_grid_prints_na)
{
    dd_input in;
    make_input(&in, 1);
    dd_grid *g = new_grid(1, DD_BIN_SHARE);
    FILE *f = tmpfile();
    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(dd_csv_write_monthly(f, &in, g, NULL), 0);
    char *text = dd_test_stream_text(f);
    /* Header, a row per regional metric, a row per metric for the country. */
    size_t lines = 0, regional = 0;
    for (const char *p = text; *p != '\0'; p++)
        lines += *p == '\n';
    for (int m = 0; m < DD_M_COUNT; m++)
        regional += !is_national(m);
    ck_assert_uint_eq(lines, 1 + regional + DD_M_COUNT);
    ck_assert_ptr_nonnull(strstr(text, "\ndemo,2020-12,North,events,NA,0,NA,NA,NA,NA,NA\n"));
    ck_assert_ptr_nonnull(strstr(text, "\ndemo,2020-12,ALL,cost_usd,NA,0,NA,NA,NA,NA,NA\n"));
    ck_assert_ptr_null(strstr(text, "North,cost_usd"));
    free(text);
    fclose(f);
    dd_grid_free(g);
    dd_input_free(&in);
}
END_TEST

START_TEST(test_csv__replication_rows_with_and_without_an_exit)
{
    FILE *f = tmpfile();
    ck_assert_ptr_nonnull(f);
    dd_error err;
    dd_error_clear(&err);
    ck_assert_int_eq(dd_csv_write_replications_header(f, &err), 0);

    dd_outcome o = {0};
    o.exit_month = -1;
    o.exit_reason = DD_EXIT_NONE;
    o.civilian_fatalities = 12;
    o.fatalities = 30;
    o.pk_fatalities = 2;
    o.troop_months = 123456.5;
    o.cost_usd = 98765432101.0;
    o.vacuum_index = 0.125;
    o.relapse = 0;
    o.peak_displaced = 1500000;
    o.final_state_authority = 2.0 / 3.0;
    ck_assert_int_eq(dd_csv_write_replication(f, 1, &o, &err), 0);

    ck_assert_int_eq(dd_month_parse("2021-06", &o.exit_month), 0);
    o.exit_reason = DD_EXIT_CALENDAR;
    o.civilian_fatalities = NAN;
    o.vacuum_index = -0.25;
    o.relapse = 1;
    o.peak_displaced = 1e20;
    o.final_state_authority = 1e-7;
    ck_assert_int_eq(dd_csv_write_replication(f, 2, &o, &err), 0);

    o.exit_reason = DD_EXIT_CONSENT_REVOKED;
    ck_assert_int_eq(dd_month_parse("2030-01", &o.exit_month), 0);
    ck_assert_int_eq(dd_csv_write_replication(f, 1000000, &o, &err), 0);

    char *text = dd_test_stream_text(f);
    assert_text(text, "replication,exit_month,exit_reason,civilian_fatalities,fatalities,"
                      "pk_fatalities,troop_months,cost_usd,vacuum_index,relapse,peak_displaced,"
                      "final_state_authority\n"
                      "1,NA,none,12,30,2,123456.5,9.87654321e+10,0.125,0,1500000,0.6666666667\n"
                      "2,2021-06,calendar,NA,30,2,123456.5,9.87654321e+10,-0.25,1,1e+20,1e-07\n"
                      "1000000,2030-01,consent_revoked,NA,30,2,123456.5,9.87654321e+10,-0.25,1,"
                      "1e+20,1e-07\n");
    ck_assert(strncmp(text, replications_header, strlen(replications_header)) == 0);
    free(text);
    fclose(f);
}
END_TEST

START_TEST(test_csv__summary_rows_measures_then_exit_months_then_reasons)
{
    dd_input in;
    make_input(&in, 1);
    dd_summary s;
    make_summary(&s);
    FILE *f = tmpfile();
    ck_assert_ptr_nonnull(f);
    dd_error err;
    dd_error_clear(&err);
    ck_assert_int_eq(dd_csv_write_summary(f, &in, &s, &err), 0);
    char *text = dd_test_stream_text(f);
    assert_text(text, summary_expected);
    free(text);
    fclose(f);
    free_summary(&s);
    dd_input_free(&in);
}
END_TEST

START_TEST(test_csv__summary_of_empty_accumulators_prints_na)
{
    dd_input in;
    make_input(&in, 1);
    dd_summary s;
    for (int m = 0; m < DD_O_COUNT; m++)
        dd_acc_init(&s.measure[m], DD_BIN_COUNT);
    dd_acc_init(&s.exit_months, DD_BIN_COUNT);
    for (int r = 0; r < DD_EXIT_COUNT; r++)
        dd_acc_init(&s.exit_reason[r], DD_BIN_SHARE);
    FILE *f = tmpfile();
    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(dd_csv_write_summary(f, &in, &s, NULL), 0);
    char *text = dd_test_stream_text(f);
    ck_assert_ptr_nonnull(strstr(text, "\ndemo,exit_months_from_start,0,NA,0,NA,NA,NA,NA,NA\n"));
    ck_assert_ptr_nonnull(
        strstr(text, "\ndemo,exit_reason_consent_revoked,0,NA,0,NA,NA,NA,NA,NA\n"));
    free(text);
    fclose(f);
    dd_input_free(&in);
}
END_TEST

START_TEST(test_csv__names_with_commas_or_quotes_are_quoted)
{
    dd_input in;
    make_input(&in, 1);
    snprintf(in.name, sizeof in.name, "a,\"b\"");
    dd_summary s;
    make_summary(&s);
    FILE *f = tmpfile();
    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(dd_csv_write_summary(f, &in, &s, NULL), 0);
    char *text = dd_test_stream_text(f);
    ck_assert_ptr_nonnull(strstr(text, "\n\"a,\"\"b\"\"\",civilian_fatalities,2,1,"));
    free(text);
    fclose(f);
    free_summary(&s);
    dd_input_free(&in);
}
END_TEST

START_TEST(test_csv__write_failures_are_reported_as_eio)
{
    dd_input in;
    make_input(&in, 2);
    dd_grid *g = make_grid();
    dd_summary s;
    make_summary(&s);
    dd_outcome o = {0};
    o.exit_month = -1;
    dd_error err;

    FILE *f = unwritable();
    dd_error_clear(&err);
    ck_assert_int_eq(dd_csv_write_monthly(f, &in, g, &err), DD_EIO);
    ck_assert_int_eq(err.code, DD_EIO);
    ck_assert_ptr_nonnull(strstr(err.msg, "monthly.csv"));
    dd_error_clear(&err);
    ck_assert_int_eq(dd_csv_write_replications_header(f, &err), DD_EIO);
    ck_assert_ptr_nonnull(strstr(err.msg, "replications.csv"));
    dd_error_clear(&err);
    ck_assert_int_eq(dd_csv_write_replication(f, 1, &o, &err), DD_EIO);
    ck_assert_ptr_nonnull(strstr(err.msg, "replications.csv"));
    dd_error_clear(&err);
    ck_assert_int_eq(dd_csv_write_summary(f, &in, &s, &err), DD_EIO);
    ck_assert_ptr_nonnull(strstr(err.msg, "summary.csv"));
    fclose(f);

    /* A full device: unbuffered, so the first write already fails (Linux). */
    f = fopen("/dev/full", "w");
    if (f != NULL) {
        setvbuf(f, NULL, _IONBF, 0);
        dd_error_clear(&err);
        ck_assert_int_eq(dd_csv_write_monthly(f, &in, g, &err), DD_EIO);
        ck_assert_ptr_nonnull(strstr(err.msg, "monthly.csv"));
        dd_error_clear(&err);
        ck_assert_int_eq(dd_csv_write_summary(f, &in, &s, &err), DD_EIO);
        ck_assert_ptr_nonnull(strstr(err.msg, "summary.csv"));
        fclose(f);
    }

    free_summary(&s);
    dd_grid_free(g);
    dd_input_free(&in);
}
END_TEST

int main(void)
{
    const TTest *const tests[] = {
        test_csv__numbers_use_ten_significant_digits_and_na,
        test_csv__monthly_rows_by_month_region_then_metric,
        test_csv__monthly_of_an_empty_grid_prints_na,
        test_csv__replication_rows_with_and_without_an_exit,
        test_csv__summary_rows_measures_then_exit_months_then_reasons,
        test_csv__summary_of_empty_accumulators_prints_na,
        test_csv__names_with_commas_or_quotes_are_quoted,
        test_csv__write_failures_are_reported_as_eio,
    };
    return dd_test_run_case("csv", "csv", 0, tests, DD_TEST_COUNT(tests));
}

/*
 * test_report: Check suite for the generated sentences and the page of
 * analysis/dd_report.c. Each sentence is checked in full for fixed numbers,
 * so a change of wording is a deliberate change of this file; the cases
 * cover every branch that decides what a sentence claims: an interval that
 * excludes zero either way, one that includes it, an exact difference,
 * unpaired runs, 0/1 indicators, and measures the labels do not know.
 */
#define _POSIX_C_SOURCE 200809L

#include <check.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dd_chart.h"
#include "dd_compare.h"
#include "dd_month.h"
#include "dd_report.h"
#include "dd_results.h"
#include "test_check.h"

static dd_diff diff(double mean, double base, double d, double lo, double hi, double worse,
                    int paired)
{
    dd_diff x = {mean, base, d, lo, hi, worse, paired, 1000};
    return x;
}

static void assert_sentence(const char *measure, const char *s, const char *b, dd_diff d,
                            const char *want)
{
    char *got = dd_report_diff_sentence(measure, s, b, &d);
    ck_assert_ptr_nonnull(got);
    ck_assert_msg(strcmp(got, want) == 0, "\n got: %s\nwant: %s", got, want);
    free(got);
}

/* A generated paragraph must be exactly `want`; frees `p` (NULL fails). */
static void assert_paragraph_is(char *p, const char *want)
{
    ck_assert_ptr_nonnull(p);
    ck_assert_msg(strcmp(p, want) == 0, "\n got: %s\nwant: %s", p, want);
    free(p);
}

/* A generated paragraph must contain `want`; frees `p` (NULL fails). */
static void assert_paragraph_has(char *p, const char *want)
{
    ck_assert_ptr_nonnull(p);
    ck_assert_msg(strstr(p, want) != NULL, "lacks: %s\nin: %s", want, p);
    free(p);
}

/* ------------------------------------------------------------ numbers */

START_TEST(numbers)
{
    char buf[64];
    dd_report_number(buf, sizeof buf, 1486568, 0);
    ck_assert_str_eq(buf, "1,486,568");
    dd_report_number(buf, sizeof buf, 9613, 0);
    ck_assert_str_eq(buf, "9613");
    dd_report_number(buf, sizeof buf, -184800, 0);
    ck_assert_str_eq(buf, "-184,800");
    dd_report_number(buf, sizeof buf, -0.0001, 2);
    ck_assert_str_eq(buf, "0.00"); /* no minus sign on a rounded zero */
    dd_report_number(buf, sizeof buf, 0.0419, 3);
    ck_assert_str_eq(buf, "0.042");
    dd_report_number(buf, sizeof buf, NAN, 2);
    ck_assert_str_eq(buf, "n/a");
    ck_assert_int_eq(dd_report_decimals(0.046, 0.004), 3);
    ck_assert_int_eq(dd_report_decimals(8.2, 5.1), 1);
    ck_assert_int_eq(dd_report_decimals(268800, NAN), 0);
    ck_assert_int_eq(dd_report_decimals(0.0423, 0.0005), 4); /* a narrow interval keeps digits */
    dd_report_percent(buf, sizeof buf, 0.87);
    ck_assert_str_eq(buf, "87%");
    dd_report_percent(buf, sizeof buf, 0.001);
    ck_assert_str_eq(buf, "less than 1%");
    dd_report_percent(buf, sizeof buf, 0.999);
    ck_assert_str_eq(buf, "more than 99%");
    dd_report_percent(buf, sizeof buf, 1.0);
    ck_assert_str_eq(buf, "100%");
}
END_TEST

/* ---------------------------------------------------------- sentences */

START_TEST(worse_and_sure)
{
    assert_sentence("vacuum_index", "abrupt-exit", "conditions-phased",
                    diff(0.0569, 0.0149, 0.042, 0.038, 0.046, 0.87, 1),
                    "In 87% of paired replications abrupt-exit left more armed-group control two "
                    "years after the exit than conditions-phased (mean difference 0.042 share "
                    "points, 95% CI 0.038 to 0.046).");
    assert_sentence("final_state_authority", "a", "b",
                    diff(0.70, 0.74, -0.04, -0.041, -0.039, 1, 1),
                    "In every paired replication a ended with less state authority than b (mean "
                    "difference -0.040 share, 95% CI -0.041 to -0.039).");
}
END_TEST

START_TEST(better_and_sure)
{
    assert_sentence("vacuum_index", "a", "b", diff(0.01, 0.052, -0.042, -0.046, -0.038, 0.13, 1),
                    "On average a left less armed-group control two years after the exit than b "
                    "(mean difference -0.042 share points, 95% CI -0.046 to -0.038); it left more "
                    "armed-group control two years after the exit in 13% of paired replications.");
}
END_TEST

START_TEST(cannot_tell)
{
    assert_sentence("civilian_fatalities", "a", "b", diff(103.1, 100, 3.1, -2.0, 8.2, 0.55, 1),
                    "The runs cannot tell a and b apart on civilian deaths over the horizon: the "
                    "mean difference is 3.1 deaths, with a 95% CI from -2.0 to 8.2 (a cost more "
                    "civilian lives in 55% of paired replications).");
    /* A measure without a direction says no share. */
    assert_sentence("new_measure", "a", "b", diff(1.0, 0.9, 0.1, -0.2, 0.4, NAN, 1),
                    "The runs cannot tell a and b apart on new_measure: the mean difference is "
                    "0.10, with a 95% CI from -0.20 to 0.40.");
}
END_TEST

START_TEST(exact_and_unpaired)
{
    assert_sentence("troop_months", "a", "b", diff(84000, 268800, -184800, -184800, -184800, 0, 1),
                    "In every replication a used fewer troop-months than b, by exactly 184,800 "
                    "person-months (84,000 against 268,800).");
    assert_sentence("troop_months", "a", "b", diff(5, 5, 0, 0, 0, 0, 1),
                    "Both a and b had the same troop-months (uniformed person-months) in every "
                    "replication (5.0 person-months).");
    assert_sentence("civilian_fatalities", "a", "b", diff(120, 100, 20, 10, 30, NAN, 0),
                    "On average a cost more civilian lives than b (120 against 100 deaths; mean "
                    "difference 20 deaths, 95% CI 10 to 30, from unpaired runs).");
    assert_sentence("fatalities", "a", "b", diff(120, 100, 20, NAN, NAN, NAN, 1),
                    "On average a and b differ by 20 deaths in conflict deaths over the horizon "
                    "(mean 120 against 100); there are too few replications for an interval.");
    assert_sentence("fatalities", "a", "b", diff(NAN, NAN, NAN, NAN, NAN, NAN, 1),
                    "There are no values of conflict deaths over the horizon to compare between a "
                    "and b.");
}
END_TEST

START_TEST(indicators)
{
    assert_sentence("relapse", "leave", "stay", diff(0.375, 0, 0.375, 0.287, 0.463, 0.375, 1),
                    "In 38% of replications leave relapsed, against 0% for stay: more often by 38 "
                    "percentage points (95% CI 29 to 46). In 38% of paired replications leave "
                    "relapsed where stay did not.");
    assert_sentence("relapse", "a", "b", diff(0.10, 0.12, -0.02, -0.05, 0.01, 0.04, 1),
                    "The runs cannot tell a and b apart on relapse into heavier violence after "
                    "the exit: 10% against 12% of replications (difference -2.0 percentage points, "
                    "95% CI -5.0 to 1.0).");
    assert_sentence("exit_reason_consent_revoked", "a", "b", diff(1, 0, 1, 1, 1, NAN, 1),
                    "In every replication a left because the host revoked its consent and b did "
                    "not.");
    assert_sentence("exit_reason_calendar", "a", "b", diff(0, 0, 0, 0, 0, NAN, 1),
                    "Neither a nor b left on a calendar schedule in any replication.");
    assert_sentence("exited", "a", "b", diff(1, 1, 0, 0, 0, NAN, 1),
                    "Both a and b left the country in every replication.");
}
END_TEST

/* -------------------------------------------------- paragraphs on runs */

/*
 * A run of 4 replications over 2020-01..2022-12, one region, every
 * replication leaving in 2021-01; armed control 0.12 nationally in every
 * month, vacuum_index 0.03, 0.04, 0.05, 0.05 (summary: mean 0.0425, CI
 * 0.038 to 0.046 as if from more replications), relapse in one.
 */
static void fake_run(dd_run *r, int exits)
{
    memset(r, 0, sizeof *r);
    dd_input_init(&r->input);
    snprintf(r->name, sizeof r->name, "demo");
    r->dir = strdup("out/demo");
    r->replications = 4;
    ck_assert_int_eq(dd_month_parse("2020-01", &r->start_month), 0);
    r->months = 36;
    r->input.start_month = r->start_month;
    r->input.months = r->months;
    r->n_measures = 1;
    r->measure = calloc(1, sizeof *r->measure);
    r->measure[0] = strdup("vacuum_index");
    r->value = calloc(4, sizeof *r->value);
    const double v[] = {0.03, 0.04, 0.05, 0.05};
    r->exit_month = calloc(4, sizeof *r->exit_month);
    r->exit_reason = calloc(4, sizeof *r->exit_reason);
    for (int i = 0; i < 4; i++) {
        r->value[i] = exits ? v[i] : 0.0;
        r->exit_month[i] = exits ? r->start_month + 12 : -1;
    }
    r->n_reasons = 1;
    r->reason = calloc(1, sizeof *r->reason);
    r->reason[0] = strdup(exits ? "calendar" : "none");
    r->exited_share = exits ? 1 : 0;
    r->exit_p05 = r->exit_p50 = r->exit_p95 = exits ? r->start_month + 12 : -1;
    r->n_summary = 2;
    r->summary = calloc(2, sizeof *r->summary);
    r->summary[0] =
        (dd_summary_row){strdup("vacuum_index"), 4, 0.0425, 0.01, 0.03, 0.045, 0.05, 0.038, 0.046};
    r->summary[1] = (dd_summary_row){strdup("relapse"), 4, 0.25, 0.5, 0, 0, 1, 0.0, 0.6};
    if (!exits) {
        r->summary[0] = (dd_summary_row){r->summary[0].measure, 4, 0, 0, 0, 0, 0, 0, 0};
        r->summary[1] = (dd_summary_row){r->summary[1].measure, 4, 0, 0, 0, 0, 0, 0, 0};
    }
    r->n_places = 1 + 1;
    r->n_metrics = 1;
    r->metric = calloc(1, sizeof *r->metric);
    r->metric[0] = strdup("armed_control");
    size_t cells = (size_t)r->months * r->n_places;
    r->monthly = calloc(cells * DD_MS_COUNT, sizeof *r->monthly);
    r->present = calloc(cells, 1);
    for (size_t c = 0; c < cells; c++) {
        r->present[c] = 1;
        for (int s = 0; s < DD_MS_COUNT; s++)
            r->monthly[c * DD_MS_COUNT + s] = 0.12;
    }
}

START_TEST(run_vacuum_paragraph)
{
    dd_run r;
    fake_run(&r, 1);
    char *p = dd_report_run_paragraph(&r, DD_ARG_VACUUM);
    ck_assert_ptr_nonnull(p);
    const char *want[] = {
        "The mission left in 100% of the 4 replications, always in 2021-01.",
        "In the 24 months after the exit, the share of the population under armed-group control "
        "rose on average by 0.043 (95% CI 0.038 to 0.046), against a level of 0.12 at the median "
        "exit month (a relative change of 35%).",
        "Control rose in every replication with an exit.",
        "Violence relapsed (mean monthly deaths in the 24 months after the exit above 1.5 times "
        "those of the 12 months before) in 25% of replications (95% CI 0% to 60%).",
    };
    dd_test_assert_contains(p, want, DD_TEST_COUNT(want));
    free(p);

    /* An interval across zero changes the claim. */
    r.summary[0].ci_low = -0.01;
    p = dd_report_run_paragraph(&r, DD_ARG_VACUUM);
    ck_assert_msg(strstr(p, "the runs cannot tell whether armed-group control rose or fell on "
                            "average (vacuum_index 0.043, 95% CI -0.010 to 0.046). Control rose in "
                            "every replication with an exit.") != NULL,
                  "%s", p);
    ck_assert_ptr_null(strstr(p, "rose on average"));
    free(p);

    assert_paragraph_has(dd_report_run_paragraph(&r, DD_ARG_HOST),
                         "Armed-group control rose after the exit in every replication with an "
                         "exit: in none did the host keep the ground it held.");
    dd_run_free(&r);
}
END_TEST

START_TEST(run_without_exit)
{
    dd_run r;
    fake_run(&r, 0);
    assert_paragraph_is(dd_report_run_paragraph(&r, DD_ARG_VACUUM),
                        "The mission did not leave in any of the 4 replications before 2022-12, "
                        "so this run cannot show whether a vacuum follows an exit; compare it "
                        "with a run in which the mission leaves.");
    assert_paragraph_has(dd_report_run_paragraph(&r, DD_ARG_CONDITIONS),
                         "This run does not use a conditions-based exit (its policy is "
                         "\"none\"). The mission stayed to the end of the run (2022-12) "
                         "in every replication.");
    assert_paragraph_is(dd_report_run_paragraph(&r, DD_ARG_CONSENT),
                        "This run has no consent or legitimacy series, so it cannot speak to this "
                        "argument.");
    assert_paragraph_is(dd_report_run_paragraph(&r, DD_ARG_PARTNER),
                        "No mercenary partner takes part in this run, so it cannot speak to this "
                        "argument directly.");
    dd_run_free(&r);
}
END_TEST

/* ------------------------------------------------ comparison paragraphs */

static void fake_comparison(dd_comparison *c, int paired)
{
    memset(c, 0, sizeof *c);
    c->n_scen = 2;
    c->scen = calloc(2, sizeof *c->scen);
    const char *names[] = {"conditions-phased", "abrupt-exit"};
    const char *policies[] = {"conditions", "calendar"};
    for (int i = 0; i < 2; i++) {
        dd_compare_scenario *s = &c->scen[i];
        snprintf(s->name, sizeof s->name, "%s", names[i]);
        s->run_dir = strdup(names[i]);
        s->program = strdup("drawdown test");
        s->policy = strdup(policies[i]);
        s->partners = strdup("");
        s->description = strdup("Scenario <b>with</b> markup & more");
        s->seed = 11;
        s->replications = 1000;
        s->start_month = 24156;
        s->months = 174;
        s->exited_share = 1;
        s->exit_p05 = s->exit_p50 = s->exit_p95 = 24156 + 125;
        for (int k = 0; k < DD_COMPARE_STATE_COUNT; k++)
            s->state_start[k] = s->state_end[k] = 0.5;
    }
    c->paired = paired;
    if (!paired)
        snprintf(c->unpaired_reason, sizeof c->unpaired_reason, "seeds differ (11 and 12)");
    c->n_rows = 2;
    c->rows = calloc(2, sizeof *c->rows);
    c->rows[0].measure = strdup("vacuum_index");
    c->rows[0].scenario = 1;
    c->rows[0].d = diff(0.0569, 0.0149, 0.042, 0.038, 0.046, paired ? 0.87 : NAN, paired);
    c->rows[1].measure = strdup("troop_months");
    c->rows[1].scenario = 1;
    c->rows[1].d = diff(1486568, 2075819, -589251, -598617, -579885, paired ? 0 : NAN, paired);
}

START_TEST(comparison_paragraphs)
{
    dd_comparison c;
    fake_comparison(&c, 1);
    assert_paragraph_is(dd_report_compare_paragraph(&c, DD_ARG_VACUUM),
                        "In 87% of paired replications abrupt-exit left more armed-group control "
                        "two years after the exit than conditions-phased (mean difference 0.042 "
                        "share points, 95% CI 0.038 to 0.046).");
    char *p = dd_report_compare_paragraph(&c, DD_ARG_CONDITIONS);
    ck_assert_msg(strstr(p,
                         "On average abrupt-exit used fewer troop-months than "
                         "conditions-phased (mean difference -589,251 person-months, 95% CI "
                         "-598,617 to -579,885); it used more troop-months in none of the paired "
                         "replications.") != NULL,
                  "%s", p);
    ck_assert_ptr_null(strstr(p, "None of the compared runs uses a conditions-based exit"));
    free(p);
    assert_paragraph_has(dd_report_compare_paragraph(&c, DD_ARG_CONSENT),
                         "gives no evidence on their erosion");
    dd_comparison_free(&c);

    fake_comparison(&c, 0);
    assert_paragraph_has(dd_report_compare_paragraph(&c, DD_ARG_VACUUM),
                         "On average abrupt-exit left more armed-group control two years after "
                         "the exit than conditions-phased (0.057 against 0.015 share points; "
                         "mean difference 0.042 share points, 95% CI 0.038 to 0.046, from "
                         "unpaired runs). These runs are not paired (seeds differ (11 and 12))");
    dd_comparison_free(&c);
}
END_TEST

/* The comparison fan script of two fake runs, as text (the caller frees). */
static char *compare_fan_script(const dd_run *runs)
{
    char dir[] = "/tmp/dd_test_chart_XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    dd_chart_set set = {NULL, 0, 0};
    dd_error err;
    int rc = dd_chart_compare(dir, runs, 2, 0, &set, &err);
    ck_assert_msg(rc == 0, "%s", err.msg);
    char path[256];
    snprintf(path, sizeof path, "%s/compare_fan_armed_control.gp", dir);
    FILE *f = fopen(path, "r");
    ck_assert_ptr_nonnull(f);
    fseek(f, 0, SEEK_END);
    char *text = dd_test_stream_text(f);
    fclose(f);
    for (size_t i = 0; i < set.n; i++) {
        static const char *const ext[] = {".gp", ".dat"};
        for (size_t e = 0; e < 2; e++) {
            snprintf(path, sizeof path, "%s/%s%s", dir, set.items[i].name, ext[e]);
            unlink(path);
        }
    }
    dd_chart_set_free(&set);
    ck_assert_int_eq(rmdir(dir), 0);
    return text;
}

/*
 * A comparison fan marks a scenario's median exit month only where at least
 * half of its replications left: exit_p50 is the median among those that
 * left, so a line for a scenario that mostly stayed would put its usual exit
 * where only a few runs had one.
 */
START_TEST(exit_line_only_where_most_left)
{
    dd_run runs[2];
    fake_run(&runs[0], 1); /* all four leave in 2021-01 */
    fake_run(&runs[1], 1);
    snprintf(runs[1].name, sizeof runs[1].name, "mostly-stay");
    for (int i = 1; i < 4; i++)
        runs[1].exit_month[i] = -1;
    runs[1].exit_p05 = runs[1].exit_p50 = runs[1].exit_p95 = runs[1].start_month + 15;
    runs[1].exited_share = 0.25;

    char *gp = compare_fan_script(runs);
    ck_assert_msg(strstr(gp, "set arrow 1 from \"2021-01\"") != NULL, "%s", gp);
    ck_assert_msg(strstr(gp, "2021-04") == NULL, "one run in four left, yet: %s", gp);
    ck_assert_ptr_null(strstr(gp, "set arrow 2"));
    free(gp);

    runs[1].exit_month[1] = runs[1].exit_p50;
    runs[1].exited_share = 0.5; /* half left: the median exit month is theirs */
    gp = compare_fan_script(runs);
    ck_assert_msg(strstr(gp, "set arrow 2 from \"2021-04\"") != NULL, "%s", gp);
    free(gp);
    dd_run_free(&runs[0]);
    dd_run_free(&runs[1]);
}
END_TEST

/* ------------------------------------------------------------- page */

START_TEST(page_is_self_contained)
{
    dd_comparison c;
    fake_comparison(&c, 1);
    dd_chart_set none = {NULL, 0, 0};
    dd_report_item item = {
        NULL, &c, "out/compare-x", "out/compare-x/charts", "out/compare-x/charts/", &none};
    FILE *f = tmpfile();
    ck_assert_ptr_nonnull(f);
    dd_error err;
    ck_assert_int_eq(dd_report_write(f, "Title <&>", "drawdown test", &item, 1, &err), 0);
    char *html = dd_test_stream_text(f);
    fclose(f);
    static const char *const wanted[] = {"<!DOCTYPE html>", "<title>Title &lt;&amp;&gt;</title>",
                                         "Scenario &lt;b&gt;with&lt;/b&gt; markup &amp; more"};
    dd_test_assert_contains(html, wanted, DD_TEST_COUNT(wanted));
    ck_assert_ptr_null(strstr(html, "<script"));
    ck_assert_ptr_null(strstr(html, "http://"));
    ck_assert_ptr_null(strstr(html, "https://"));
    for (int a = 0; a < DD_ARG_COUNT; a++)
        ck_assert_ptr_nonnull(strstr(html, dd_report_argument_title((dd_argument)a)));
    ck_assert_ptr_nonnull(strstr(html, "</html>\n"));
    free(html);

    /* A chart whose image is missing fails the page, naming the file. */
    dd_chart_set one = {NULL, 0, 0};
    dd_chart ch = {"nothing_here", "t", "c"};
    one.items = &ch;
    one.n = 1;
    item.charts = &one;
    item.charts_dir = "/nonexistent";
    f = tmpfile();
    ck_assert_int_eq(dd_report_write(f, "t", "drawdown test", &item, 1, &err), DD_EIO);
    ck_assert_str_eq(err.file, "/nonexistent/nothing_here.png");
    fclose(f);
    dd_comparison_free(&c);
}
END_TEST

int main(void)
{
    const TTest *const sentences[] = {numbers,     worse_and_sure,     better_and_sure,
                                      cannot_tell, exact_and_unpaired, indicators};
    const TTest *const paragraphs[] = {run_vacuum_paragraph, run_without_exit,
                                       comparison_paragraphs, page_is_self_contained,
                                       exit_line_only_where_most_left};
    Suite *s = suite_create("report");
    dd_test_add_case(s, "sentences", 0, sentences, DD_TEST_COUNT(sentences));
    dd_test_add_case(s, "paragraphs", 0, paragraphs, DD_TEST_COUNT(paragraphs));
    return dd_test_run(s);
}

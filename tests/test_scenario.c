/*
 * Tests for dd_scenario: loading scenario files, the bad-input corpus in
 * tests/data/bad, writing run.cfg (and reading it back unchanged) and the
 * human summary.
 *
 * Each file of the corpus starts with comment lines that say what loading it
 * must report:
 *   # expect-line: N            the line the error names
 *   # expect: TEXT              a substring of the message
 *   # expect-file: include/x    (optional) the file the error names, relative
 *                               to tests/data/bad, when it is not the file itself
 */
#define _POSIX_C_SOURCE 200809L

#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gsl/gsl_rng.h>

#include "dd_input.h"
#include "dd_month.h"
#include "dd_params.h"
#include "dd_policy.h"
#include "dd_scenario.h"
#include "test_check.h"
#include "test_util.h"

#ifndef DD_TEST_DATA
#error "DD_TEST_DATA must name the tests/data folder"
#endif

#define BAD_DIR DD_TEST_DATA "/bad"
#define GOOD_DIR DD_TEST_DATA "/good"

#define PATH_LEN 2048
#define BAD_MAX 256
#define FILE_NAME_LEN 256
/* The corpus is meant to cover every kind of mistake; fewer files means some went missing. */
#define BAD_MIN 25
/* Random scenarios written and read back by the property test. */
#define RANDOM_SCENARIOS 200

/* ------------------------------------------------------------------ */
/* Helpers                                                             */
/* ------------------------------------------------------------------ */

static int month_of(const char *text)
{
    int m = 0;
    ck_assert_msg(dd_month_parse(text, &m) == 0, "bad month in test: %s", text);
    return m;
}

static void load_ok(const char *path, dd_input *in)
{
    dd_error err;
    int rc = dd_scenario_load(path, in, &err);
    char msg[DD_ERROR_FILE_MAX + DD_ERROR_MSG_MAX + 32];
    dd_error_format(&err, msg, sizeof msg);
    ck_assert_msg(rc == DD_OK, "loading %s failed (%d): %s", path, rc, msg);
}

/* Write text to a fresh temporary file; path receives its name. */
static void write_temp(const char *text, char path[PATH_LEN])
{
    snprintf(path, PATH_LEN, "/tmp/dd_test_scenario_XXXXXX");
    int fd = mkstemp(path);
    ck_assert_msg(fd >= 0, "mkstemp: %s", strerror(errno));
    FILE *f = fdopen(fd, "w");
    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(fputs(text, f) >= 0, 1);
    ck_assert_int_eq(fclose(f), 0);
}

/* Load a scenario given as text; returns the load's result. */
static int load_text(const char *text, dd_input *in, dd_error *err)
{
    char path[PATH_LEN];
    write_temp(text, path);
    int rc = dd_scenario_load(path, in, err);
    unlink(path);
    return rc;
}

/* The scenario as dd_scenario_write writes it (malloc'd). */
static char *written(const dd_input *in)
{
    char *buf = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&buf, &size);
    ck_assert_ptr_nonnull(f);
    dd_error err;
    int rc = dd_scenario_write(f, in, &err);
    ck_assert_msg(rc == DD_OK, "write failed: %s", err.msg);
    ck_assert_int_eq(fclose(f), 0);
    return buf;
}

/* The summary as dd_scenario_describe prints it (malloc'd). */
static char *described(const dd_input *in)
{
    char *buf = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&buf, &size);
    ck_assert_ptr_nonnull(f);
    dd_error err;
    ck_assert_int_eq(dd_scenario_describe(f, in, &err), DD_OK);
    ck_assert_int_eq(fclose(f), 0);
    return buf;
}

/* A small valid scenario in the file format, with one region group to vary. */
static const char *const TWO_REGIONS_HEAD = "name = \"t\";\n"
                                            "start = \"2013-07\";\n"
                                            "months = 24;\n";

static char *scenario_text(const char *regions, const char *rest)
{
    size_t n = strlen(TWO_REGIONS_HEAD) + strlen(regions) + strlen(rest) + 1;
    char *text = malloc(n);
    ck_assert_ptr_nonnull(text);
    snprintf(text, n, "%s%s%s", TWO_REGIONS_HEAD, regions, rest);
    return text;
}

static const char *const PLAIN_REGIONS = "regions = (\n"
                                         "  { name = \"Gao\"; population = 500000; },\n"
                                         "  { name = \"Kidal\"; population = 70000; }\n"
                                         ");\n";

static void schedules_equal(const dd_schedule *a, const dd_schedule *b, const char *what)
{
    ck_assert_msg(a->n == b->n, "%s: %zu points, then %zu", what, a->n, b->n);
    for (size_t k = 0; k < a->n; k++) {
        ck_assert_msg(a->points[k].month == b->points[k].month, "%s[%zu]: month", what, k);
        ck_assert_msg(a->points[k].value == b->points[k].value, "%s[%zu]: value", what, k);
    }
}

/* Every field except source locations must match exactly. */
static void inputs_equal(const dd_input *a, const dd_input *b)
{
    ck_assert_str_eq(a->name, b->name);
    ck_assert_str_eq(a->description != NULL ? a->description : "",
                     b->description != NULL ? b->description : "");
    ck_assert_int_eq(a->start_month, b->start_month);
    ck_assert_int_eq(a->months, b->months);
    ck_assert_msg(a->seed == b->seed, "seed");
    ck_assert_int_eq(a->replications, b->replications);
    ck_assert_msg(a->host_quality == b->host_quality, "host_quality");
    ck_assert_msg(a->consent == b->consent, "consent");
    ck_assert_msg(a->legitimacy == b->legitimacy, "legitimacy");

    ck_assert_uint_eq(a->n_regions, b->n_regions);
    for (size_t i = 0; i < a->n_regions; i++) {
        const dd_region *x = &a->regions[i], *y = &b->regions[i];
        ck_assert_str_eq(x->name, y->name);
        ck_assert_msg(x->population == y->population, "%s population", x->name);
        ck_assert_uint_eq(x->n_neighbours, y->n_neighbours);
        for (size_t k = 0; k < x->n_neighbours; k++)
            ck_assert_uint_eq(x->neighbours[k], y->neighbours[k]);
        ck_assert_msg(x->armed_strength == y->armed_strength, "%s armed_strength", x->name);
        ck_assert_msg(x->armed_control == y->armed_control, "%s armed_control", x->name);
        ck_assert_msg(x->state_authority == y->state_authority, "%s state_authority", x->name);
        ck_assert_msg(x->host_forces == y->host_forces, "%s host_forces", x->name);
        ck_assert_msg(x->displaced == y->displaced, "%s displaced", x->name);
        ck_assert_msg(x->troop_share == y->troop_share, "%s troop_share", x->name);
        ck_assert_msg(x->police_share == y->police_share, "%s police_share", x->name);
        ck_assert_int_eq(x->has_map, y->has_map);
        ck_assert_msg(x->map_x == y->map_x && x->map_y == y->map_y, "%s map", x->name);
    }
    schedules_equal(&a->troops, &b->troops, "troops");
    schedules_equal(&a->police, &b->police, "police");
    ck_assert_int_eq(a->allocation, b->allocation);

    ck_assert_uint_eq(a->n_partners, b->n_partners);
    for (size_t p = 0; p < a->n_partners; p++) {
        const dd_partner *x = &a->partners[p], *y = &b->partners[p];
        ck_assert_str_eq(x->name, y->name);
        ck_assert_int_eq(x->role, y->role);
        ck_assert_msg(x->leave_below_consent == y->leave_below_consent, "%s leave_below_consent",
                      x->name);
        schedules_equal(&x->strength, &y->strength, x->name);
        for (size_t i = 0; i < a->n_regions; i++)
            ck_assert_msg(x->region_share[i] == y->region_share[i], "%s share %zu", x->name, i);
    }
    ck_assert_uint_eq(a->n_events, b->n_events);
    for (size_t e = 0; e < a->n_events; e++) {
        ck_assert_int_eq(a->events[e].month, b->events[e].month);
        ck_assert_int_eq(a->events[e].type, b->events[e].type);
        ck_assert_msg(a->events[e].magnitude == b->events[e].magnitude, "events[%zu].magnitude",
                      e);
        if (a->events[e].type == DD_EVENT_OFFENSIVE)
            ck_assert_int_eq(a->events[e].region, b->events[e].region);
    }
    ck_assert_int_eq(a->policy.kind, b->policy.kind);
    ck_assert_int_eq(a->policy.start_month, b->policy.start_month);
    ck_assert_int_eq(a->policy.duration_months, b->policy.duration_months);
    ck_assert_int_eq(a->policy.phases, b->policy.phases);
    ck_assert_int_eq(a->policy.review_months, b->policy.review_months);
    ck_assert_int_eq(a->policy.hold_reviews, b->policy.hold_reviews);
    ck_assert_msg(a->policy.violence_max == b->policy.violence_max, "violence_max");
    ck_assert_msg(a->policy.host_ratio_min == b->policy.host_ratio_min, "host_ratio_min");
    ck_assert_msg(a->policy.authority_min == b->policy.authority_min, "authority_min");
    ck_assert_int_eq(a->policy.on_fail, b->policy.on_fail);
    for (int m = 0; m < DD_MECH_COUNT; m++)
        ck_assert_int_eq(a->mechanisms[m], b->mechanisms[m]);
    size_t count;
    const dd_param_info *table = dd_params_table(&count);
    for (size_t k = 0; k < count; k++)
        ck_assert_msg(dd_params_get(&a->params, &table[k]) == dd_params_get(&b->params, &table[k]),
                      "params.%s", table[k].name);
}

/* write -> load -> write: the same input and the same bytes. */
static void round_trip(const dd_input *in)
{
    char *first = written(in);
    char path[PATH_LEN];
    write_temp(first, path);
    dd_input again;
    load_ok(path, &again);
    unlink(path);
    inputs_equal(in, &again);
    char *second = written(&again);
    ck_assert_msg(strcmp(first, second) == 0, "second write differs:\n%s\n---\n%s", first, second);
    free(first);
    free(second);
    dd_input_free(&again);
}

/* A valid input built in code, with the given region names. */
static void build_input(dd_input *in, const char *name0, const char *name1)
{
    dd_input_init(in);
    snprintf(in->name, sizeof in->name, "built");
    in->description = malloc(64);
    ck_assert_ptr_nonnull(in->description);
    snprintf(in->description, 64, "bell\a cr\r del\x7f back\\slash \"q\" \xe2\x82\xac");
    in->start_month = month_of("2020-01");
    in->months = 12;
    in->regions = calloc(2, sizeof *in->regions);
    ck_assert_ptr_nonnull(in->regions);
    in->n_regions = 2;
    const char *names[2] = {name0, name1};
    for (size_t i = 0; i < 2; i++) {
        dd_region *r = &in->regions[i];
        snprintf(r->name, sizeof r->name, "%s", names[i]);
        r->population = 1000.0 / 3.0 * (double)(i + 1);
        r->state_authority = 0.1 + 0.2;
        r->troop_share = i == 0 ? 0.1 : 0.9;
        r->police_share = 0.5;
        r->neighbours = malloc(sizeof *r->neighbours);
        ck_assert_ptr_nonnull(r->neighbours);
        r->neighbours[0] = 1 - i;
        r->n_neighbours = 1;
    }
    in->partners = calloc(1, sizeof *in->partners);
    ck_assert_ptr_nonnull(in->partners);
    in->n_partners = 1;
    dd_partner *p = &in->partners[0];
    snprintf(p->name, sizeof p->name, "P");
    p->role = DD_ROLE_MERCENARY;
    p->region_share = calloc(2, sizeof *p->region_share);
    ck_assert_ptr_nonnull(p->region_share);
    p->region_share[0] = 0.0;
    p->region_share[1] = 1.0;
    p->strength.points = calloc(1, sizeof *p->strength.points);
    ck_assert_ptr_nonnull(p->strength.points);
    p->strength.n = 1;
    p->strength.points[0].month = in->start_month + 3;
    p->strength.points[0].value = 1e-300;
}

/* ------------------------------------------------------------------ */
/* The bad-input corpus                                                */
/* ------------------------------------------------------------------ */

static int cmp_names(const void *a, const void *b)
{
    return strcmp((const char *)a, (const char *)b);
}

/* The corpus files (the .cfg files of tests/data/bad, not the included bases), sorted. */
static size_t bad_corpus(char names[BAD_MAX][FILE_NAME_LEN])
{
    DIR *dir = opendir(BAD_DIR);
    ck_assert_msg(dir != NULL, "cannot open %s: %s", BAD_DIR, strerror(errno));
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(dir)) != NULL) {
        size_t len = strlen(e->d_name);
        if (len < 5 || strcmp(e->d_name + len - 4, ".cfg") != 0 || len >= FILE_NAME_LEN)
            continue;
        ck_assert_msg(n < BAD_MAX, "more than %d corpus files", BAD_MAX);
        memcpy(names[n++], e->d_name, len + 1);
    }
    closedir(dir);
    qsort(names, n, FILE_NAME_LEN, cmp_names);
    return n;
}

typedef struct expectation {
    int line;
    char text[1024];
    char file[1024]; /* "" when the error is in the corpus file itself */
} expectation;

static void strip_newline(char *s)
{
    s[strcspn(s, "\r\n")] = '\0';
}

static void read_expectation(const char *path, expectation *ex)
{
    FILE *f = fopen(path, "r");
    ck_assert_msg(f != NULL, "cannot open %s", path);
    char line[1024];
    memset(ex, 0, sizeof *ex);
    ex->line = -1;
    while (fgets(line, sizeof line, f) != NULL && strncmp(line, "# expect", 8) == 0) {
        strip_newline(line);
        if (strncmp(line, "# expect-line: ", 15) == 0)
            ex->line = atoi(line + 15);
        else if (strncmp(line, "# expect-file: ", 15) == 0)
            snprintf(ex->file, sizeof ex->file, "%s", line + 15);
        else if (strncmp(line, "# expect: ", 10) == 0)
            snprintf(ex->text, sizeof ex->text, "%s", line + 10);
    }
    fclose(f);
    ck_assert_msg(ex->line > 0 && ex->text[0] != '\0',
                  "%s must start with '# expect-line: N' and '# expect: TEXT'", path);
}

START_TEST(test_scenario__bad_file_fails_at_the_line_it_declares)
{
    static char names[BAD_MAX][FILE_NAME_LEN];
    size_t n = bad_corpus(names);
    ck_assert_uint_lt((size_t)_i, n);
    char path[PATH_LEN], want_file[PATH_LEN];
    snprintf(path, sizeof path, "%s/%s", BAD_DIR, names[_i]);
    expectation ex;
    read_expectation(path, &ex);
    if (ex.file[0] != '\0')
        snprintf(want_file, sizeof want_file, "%s/%s", BAD_DIR, ex.file);
    else
        snprintf(want_file, sizeof want_file, "%s", path);

    dd_input in;
    dd_error err;
    int rc = dd_scenario_load(path, &in, &err);
    char msg[DD_ERROR_FILE_MAX + DD_ERROR_MSG_MAX + 32];
    dd_error_format(&err, msg, sizeof msg);
    ck_assert_msg(rc == DD_ECONFIG || rc == DD_ERANGE,
                  "%s: expected a config or range error, got %d (%s)", names[_i], rc, msg);
    ck_assert_int_eq(err.code, rc);
    ck_assert_msg(strcmp(err.file, want_file) == 0, "%s: error names file %s, not %s", names[_i],
                  err.file, want_file);
    ck_assert_msg(err.line == ex.line, "%s: error names line %d, not %d: %s", names[_i], err.line,
                  ex.line, msg);
    ck_assert_msg(strstr(err.msg, ex.text) != NULL, "%s: message \"%s\" lacks \"%s\"", names[_i],
                  err.msg, ex.text);
    ck_assert_msg(strchr(err.msg, '\n') == NULL, "%s: message spans lines", names[_i]);
    /* A failed load leaves nothing behind. */
    ck_assert_uint_eq(in.n_regions, 0);
    ck_assert_uint_eq(in.n_partners, 0);
    ck_assert_uint_eq(in.n_files, 0);
    ck_assert_ptr_null(in.description);
}
END_TEST

START_TEST(test_scenario__bad_corpus_covers_enough_mistakes)
{
    static char names[BAD_MAX][FILE_NAME_LEN];
    size_t n = bad_corpus(names);
    ck_assert_msg(n >= BAD_MIN, "only %zu corpus files in %s", n, BAD_DIR);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Loading                                                             */
/* ------------------------------------------------------------------ */

START_TEST(test_scenario__small_scenario_loads_every_field)
{
    const char *path = GOOD_DIR "/two_regions.cfg";
    dd_input in;
    load_ok(path, &in);

    ck_assert_str_eq(in.name, "two_regions");
    ck_assert_str_eq(in.description, "Two regions, one partner.\nQuotes \"here\", a backslash \\ "
                                     "and a\ttab; caf\xc3\xa9.");
    ck_assert_int_eq(in.start_month, month_of("2013-07"));
    ck_assert_int_eq(in.months, 36);
    ck_assert_msg(in.seed == 7, "seed");
    ck_assert_int_eq(in.replications, 200);
    ck_assert_msg(in.host_quality == 0.3 && in.consent == 0.9 && in.legitimacy == 0.7, "shares");

    ck_assert_uint_eq(in.n_regions, 2);
    const dd_region *north = &in.regions[0], *south = &in.regions[1];
    ck_assert_str_eq(north->name, "North");
    ck_assert_str_eq(south->name, "South");
    ck_assert_msg(north->population == 400000.0 && south->population == 1.6e6, "population");
    ck_assert_msg(north->armed_strength == 800.0 && south->armed_strength == 100.0, "armed");
    ck_assert_msg(north->armed_control == 0.4 && south->armed_control == 0.0, "control");
    ck_assert_msg(north->state_authority == 0.2 && south->state_authority == 0.5, "authority");
    ck_assert_msg(north->host_forces == 300.0 && north->displaced == 10000.0, "host, displaced");
    ck_assert_msg(north->troop_share == 0.7 && south->troop_share == 0.3, "troop_share");
    ck_assert_msg(north->police_share == 0.25 && south->police_share == 0.75, "police_share");
    ck_assert_int_eq(north->has_map, 1);
    ck_assert_msg(north->map_x == 1.0 && north->map_y == 0.0, "map");
    ck_assert_int_eq(south->has_map, 0);

    ck_assert_uint_eq(in.troops.n, 2);
    ck_assert_int_eq(in.troops.points[1].month, month_of("2014-01"));
    ck_assert_msg(in.troops.points[1].value == 6000.5, "troops");
    ck_assert_uint_eq(in.police.n, 1);

    ck_assert_uint_eq(in.n_partners, 2);
    ck_assert_str_eq(in.partners[0].name, "Task-Force.1");
    ck_assert_int_eq(in.partners[0].role, DD_ROLE_COUNTER_TERRORISM);
    ck_assert_msg(in.partners[0].region_share[0] == 0.8 && in.partners[0].region_share[1] == 0.2,
                  "given shares");
    ck_assert_int_eq(in.partners[1].role, DD_ROLE_REGIONAL);
    /* No regions given: in proportion to population, 0.4 M and 1.6 M. */
    ck_assert_msg(fabs(in.partners[1].region_share[0] - 0.2) < 1e-15 &&
                      fabs(in.partners[1].region_share[1] - 0.8) < 1e-15,
                  "population shares");

    ck_assert_uint_eq(in.n_events, 1);
    ck_assert_int_eq(in.events[0].type, DD_EVENT_CONSENT_REVOKED);
    ck_assert_int_eq(in.events[0].month, month_of("2015-06"));

    ck_assert_int_eq(in.policy.kind, DD_POLICY_CALENDAR);
    ck_assert_int_eq(in.policy.start_month, month_of("2015-01"));
    ck_assert_int_eq(in.policy.duration_months, 6);
    ck_assert_int_eq(in.policy.phases, 3);

    ck_assert_int_eq(in.mechanisms[DD_MECH_DISPLACEMENT], 0);
    ck_assert_int_eq(in.mechanisms[DD_MECH_DETERRENCE], 1);
    ck_assert_msg(in.params.attrition_per_month == 0.12, "attrition");
    ck_assert_msg(in.params.forced_withdrawal_months == 4.0, "forced withdrawal");
    ck_assert_msg(in.params.troop_weight == 1.0, "an untouched parameter keeps its default");

    /* Locations: the scenario at its name, a region at its group, an event at its date. */
    ck_assert_str_eq(in.loc.file, path);
    ck_assert_int_eq(in.loc.line, 4);
    ck_assert_str_eq(north->loc.file, path);
    ck_assert_int_eq(north->loc.line, 15);
    ck_assert_int_eq(in.events[0].loc.line, 53);
    dd_input_free(&in);
}
END_TEST

START_TEST(test_scenario__neighbours_are_made_symmetric_and_sorted)
{
    char *text = scenario_text("regions = (\n"
                               "  { name = \"A\"; population = 1; neighbours = [\"C\", \"B\"]; },\n"
                               "  { name = \"B\"; population = 1; neighbours = [\"A\"]; },\n"
                               "  { name = \"C\"; population = 1; }\n"
                               ");\n",
                               "");
    dd_input in;
    dd_error err;
    ck_assert_int_eq(load_text(text, &in, &err), DD_OK);
    ck_assert_uint_eq(in.regions[0].n_neighbours, 2);
    ck_assert_uint_eq(in.regions[0].neighbours[0], 1);
    ck_assert_uint_eq(in.regions[0].neighbours[1], 2);
    ck_assert_uint_eq(in.regions[1].n_neighbours, 1);
    ck_assert_uint_eq(in.regions[2].n_neighbours, 1);
    ck_assert_uint_eq(in.regions[2].neighbours[0], 0);
    /* No region gave troop_share or police_share: equal shares. */
    for (size_t i = 0; i < 3; i++)
        ck_assert_msg(in.regions[i].troop_share == 1.0 / 3.0 &&
                          in.regions[i].police_share == 1.0 / 3.0,
                      "equal shares");
    dd_input_free(&in);
    free(text);
}
END_TEST

START_TEST(test_scenario__include_is_read_from_the_scenario_folder)
{
    const char *path = GOOD_DIR "/with_include.cfg";
    dd_input in;
    load_ok(path, &in);
    ck_assert_str_eq(in.name, "with_include");
    ck_assert_str_eq(in.description, "");
    ck_assert_uint_eq(in.n_regions, 2);
    ck_assert_str_eq(in.regions[0].name, "East");
    ck_assert_uint_eq(in.regions[1].n_neighbours, 1);
    /* Settings from the base file are located in the base file. */
    ck_assert_str_eq(in.regions[0].loc.file, GOOD_DIR "/base_two_regions.cfg");
    ck_assert_int_eq(in.regions[0].loc.line, 5);
    ck_assert_str_eq(in.loc.file, path);
    ck_assert_int_eq(in.loc.line, 4);
    ck_assert_uint_eq(in.troops.n, 1);
    ck_assert_str_eq(in.troops.points[0].loc.file, GOOD_DIR "/base_two_regions.cfg");
    /* An array of region names shares equally among them. */
    ck_assert_msg(in.partners[0].region_share[0] == 0.0 && in.partners[0].region_share[1] == 1.0,
                  "array shares");
    ck_assert_int_eq(in.policy.kind, DD_POLICY_NONE);
    ck_assert_msg(in.seed == 1 && in.replications == 1000, "defaults");
    dd_input_free(&in);
}
END_TEST

START_TEST(test_scenario__base_file_alone_is_reported_as_a_base)
{
    const char *path = GOOD_DIR "/base_two_regions.cfg";
    dd_input in;
    dd_error err;
    ck_assert_int_eq(dd_scenario_load(path, &in, &err), DD_ECONFIG);
    ck_assert_str_eq(err.file, path);
    ck_assert_int_eq(err.line, 1);
    ck_assert_str_eq(err.msg, "no 'name' setting (is this a base file meant to be @included?)");
}
END_TEST

START_TEST(test_scenario__missing_file_names_the_path_and_the_reason)
{
    const char *path = GOOD_DIR "/no_such_scenario.cfg";
    dd_input in;
    dd_error err;
    ck_assert_int_eq(dd_scenario_load(path, &in, &err), DD_ECONFIG);
    ck_assert_str_eq(err.file, path);
    char want[256];
    snprintf(want, sizeof want, "cannot read scenario file: %s", strerror(ENOENT));
    ck_assert_str_eq(err.msg, want);
    ck_assert_uint_eq(in.n_regions, 0);
}
END_TEST

START_TEST(test_scenario__folder_given_as_scenario_is_refused)
{
    dd_input in;
    dd_error err;
    ck_assert_int_eq(dd_scenario_load(GOOD_DIR, &in, &err), DD_ECONFIG);
    ck_assert_ptr_nonnull(strstr(err.msg, "cannot read scenario file"));
}
END_TEST

START_TEST(test_scenario__unknown_key_suggests_nearest)
{
    char *text = scenario_text("regions = (\n"
                               "  { name = \"Kidal\"; populaton = 5; }\n"
                               ");\n",
                               "");
    dd_input in;
    dd_error err;
    ck_assert_int_eq(load_text(text, &in, &err), DD_ECONFIG);
    ck_assert_str_eq(err.msg, "unknown key 'populaton' in region \"Kidal\" (did you mean "
                              "'population'?)");
    ck_assert_int_eq(err.line, 5);
    free(text);
}
END_TEST

START_TEST(test_scenario__unknown_key_without_a_close_match_lists_the_known_keys)
{
    char *text = scenario_text(PLAIN_REGIONS, "colour = \"blue\";\n");
    dd_input in;
    dd_error err;
    ck_assert_int_eq(load_text(text, &in, &err), DD_ECONFIG);
    ck_assert_ptr_nonnull(strstr(err.msg, "unknown key 'colour' at the top level (known: name, "));
    free(text);
}
END_TEST

START_TEST(test_scenario__unknown_parameter_without_a_close_match_points_to_the_list)
{
    char *text = scenario_text(PLAIN_REGIONS, "params = { zzz_qqq = 1.0; };\n");
    dd_input in;
    dd_error err;
    ck_assert_int_eq(load_text(text, &in, &err), DD_ECONFIG);
    ck_assert_str_eq(err.msg, "unknown key 'zzz_qqq' in params (`drawdown params` lists them all)");
    free(text);
}
END_TEST

START_TEST(test_scenario__unknown_neighbour_without_a_close_match_lists_the_regions)
{
    char *text = scenario_text("regions = (\n"
                               "  { name = \"Gao\"; population = 1; neighbours = [\"Bamako\"]; },\n"
                               "  { name = \"Kidal\"; population = 1; }\n"
                               ");\n",
                               "");
    dd_input in;
    dd_error err;
    ck_assert_int_eq(load_text(text, &in, &err), DD_ECONFIG);
    ck_assert_str_eq(err.msg, "region \"Gao\": neighbours: unknown region \"Bamako\" (known: Gao, "
                              "Kidal)");
    free(text);
}
END_TEST

START_TEST(test_scenario__numbers_may_be_integers_int64_or_floats)
{
    char *text = scenario_text("regions = (\n"
                               "  { name = \"Gao\"; population = 5000000000L; armed_strength = 3;\n"
                               "    host_forces = 2.5e3; map = [1, 2]; }\n"
                               ");\n",
                               "seed = 5000000000L;\nreplications = 7L;\n");
    dd_input in;
    dd_error err;
    ck_assert_int_eq(load_text(text, &in, &err), DD_OK);
    ck_assert_msg(in.regions[0].population == 5e9, "int64 population");
    ck_assert_msg(in.regions[0].armed_strength == 3.0, "int armed_strength");
    ck_assert_msg(in.regions[0].host_forces == 2500.0, "float host_forces");
    ck_assert_msg(in.regions[0].map_x == 1.0 && in.regions[0].map_y == 2.0, "int map");
    ck_assert_msg(in.seed == 5000000000ULL, "int64 seed");
    ck_assert_int_eq(in.replications, 7);
    dd_input_free(&in);
    free(text);
}
END_TEST

START_TEST(test_scenario__partner_regions_accept_names_and_pairs)
{
    char *text =
        scenario_text(PLAIN_REGIONS, "partners = (\n"
                                     "  { name = \"A\"; role = \"regional\"; strength = ();\n"
                                     "    regions = [\"Gao\", \"Kidal\"]; },\n"
                                     "  { name = \"B\"; role = \"mercenary\"; strength = [];\n"
                                     "    regions = ( (\"Kidal\", 0.25), (\"Gao\", 0.75) ); }\n"
                                     ");\n");
    dd_input in;
    dd_error err;
    ck_assert_int_eq(load_text(text, &in, &err), DD_OK);
    ck_assert_msg(in.partners[0].region_share[0] == 0.5 && in.partners[0].region_share[1] == 0.5,
                  "equal shares");
    ck_assert_msg(in.partners[1].region_share[0] == 0.75 && in.partners[1].region_share[1] == 0.25,
                  "pair shares");
    ck_assert_uint_eq(in.partners[0].strength.n, 0);
    dd_input_free(&in);
    free(text);
}
END_TEST

START_TEST(test_scenario__calendar_phases_default_to_its_months)
{
    char *text =
        scenario_text(PLAIN_REGIONS, "policy = { type = \"calendar\"; start = \"2014-01\"; "
                                     "months = 9; };\n");
    dd_input in;
    dd_error err;
    ck_assert_int_eq(load_text(text, &in, &err), DD_OK);
    ck_assert_int_eq(in.policy.phases, 9);
    dd_input_free(&in);
    free(text);
}
END_TEST

START_TEST(test_scenario__policy_none_refuses_calendar_keys)
{
    char *text = scenario_text(PLAIN_REGIONS, "policy = { type = \"none\"; months = 9; };\n");
    dd_input in;
    dd_error err;
    ck_assert_int_eq(load_text(text, &in, &err), DD_ECONFIG);
    ck_assert_str_eq(err.msg, "policy type \"none\" takes no 'months' (a key of type "
                              "\"calendar\")");
    free(text);
}
END_TEST

START_TEST(test_scenario__calendar_starting_outside_the_horizon_is_refused)
{
    char *text =
        scenario_text(PLAIN_REGIONS, "policy = { type = \"calendar\"; start = \"2016-01\"; "
                                     "months = 9; };\n");
    dd_input in;
    dd_error err;
    ck_assert_int_eq(load_text(text, &in, &err), DD_ERANGE);
    ck_assert_str_eq(err.msg, "policy.start = 2016-01 is outside the simulated months 2013-07 to "
                              "2015-06");
    free(text);
}
END_TEST

START_TEST(test_scenario__over_long_and_odd_names_are_refused)
{
    char *text = scenario_text(PLAIN_REGIONS, "");
    char *bad = malloc(strlen(text) + 128);
    ck_assert_ptr_nonnull(bad);
    dd_input in;
    dd_error err;
    /* 64 characters: one more than a name may hold. */
    sprintf(bad, "name = \"%s\";%s",
            "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", strchr(text, '\n'));
    ck_assert_int_eq(load_text(bad, &in, &err), DD_ERANGE);
    ck_assert_ptr_nonnull(strstr(err.msg, "too long"));
    sprintf(bad, "name = \"my run\";%s", strchr(text, '\n'));
    ck_assert_int_eq(load_text(bad, &in, &err), DD_ERANGE);
    ck_assert_ptr_nonnull(strstr(err.msg, "only letters, digits"));
    free(bad);
    free(text);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Settings of the full model                                          */
/* ------------------------------------------------------------------ */

/* Load text that must fail; check the code, the line and the whole message. */
static void load_fails(const char *rest, int code, int line, const char *msg)
{
    char *text = scenario_text(PLAIN_REGIONS, rest);
    dd_input in;
    dd_error err;
    int rc = load_text(text, &in, &err);
    ck_assert_msg(rc == code, "expected %d, got %d (%s) for:\n%s", code, rc, err.msg, rest);
    ck_assert_str_eq(err.msg, msg);
    if (line > 0)
        ck_assert_int_eq(err.line, line);
    free(text);
}

/* Lines of scenario_text(PLAIN_REGIONS, rest): rest starts at line 8. */
#define REST_LINE 8

START_TEST(test_scenario__full_model_scenario_loads_every_new_setting)
{
    const char *path = GOOD_DIR "/full_model.cfg";
    dd_input in;
    load_ok(path, &in);
    ck_assert_int_eq(in.allocation, DD_ALLOC_THREAT);

    ck_assert_uint_eq(in.n_partners, 2);
    ck_assert_int_eq(in.partners[0].role, DD_ROLE_TRAINING);
    ck_assert_msg(in.partners[0].leave_below_consent == 0.3, "rule");
    ck_assert_msg(in.partners[1].leave_below_consent == -1.0, "-1: no rule");

    ck_assert_uint_eq(in.n_events, 5);
    ck_assert_int_eq(in.events[0].type, DD_EVENT_DISINFORMATION);
    ck_assert_msg(in.events[0].magnitude == -1.0, "disinformation: the default");
    ck_assert_int_eq(in.events[0].region, -1);
    ck_assert_int_eq(in.events[1].type, DD_EVENT_COUP);
    ck_assert_msg(in.events[1].magnitude == 0.25, "coup magnitude");
    ck_assert_int_eq(in.events[2].type, DD_EVENT_OFFENSIVE);
    ck_assert_msg(in.events[2].magnitude == 750.0, "fighters arriving");
    ck_assert_int_eq(in.events[2].region, 1); /* North */
    ck_assert_int_eq(in.events[2].month, month_of("2017-02"));
    ck_assert_int_eq(in.events[3].type, DD_EVENT_CONTRIBUTOR_PULLOUT);
    ck_assert_msg(in.events[3].magnitude == 1200.0, "troops leaving");
    ck_assert_int_eq(in.events[4].type, DD_EVENT_CONSENT_REVOKED);
    ck_assert_msg(in.events[4].magnitude == -1.0, "no magnitude");

    const dd_policy_spec *pol = &in.policy;
    ck_assert_int_eq(pol->kind, DD_POLICY_CONDITIONS);
    ck_assert_int_eq(pol->start_month, month_of("2016-01"));
    ck_assert_int_eq(pol->review_months, 3);
    ck_assert_int_eq(pol->phases, 5);
    ck_assert_int_eq(pol->hold_reviews, 1);
    ck_assert_msg(pol->violence_max == 40.0, "violence_max");
    ck_assert_msg(pol->host_ratio_min == -1.0, "host_ratio_min not used");
    ck_assert_msg(pol->authority_min == 0.45, "authority_min");
    ck_assert_int_eq(pol->on_fail, DD_ONFAIL_REVERSE);
    ck_assert_int_eq(pol->civilians_stay, 1);
    ck_assert_int_eq(pol->loc.line, 48);
    ck_assert_int_eq((int)in.civilians.n, 2);
    ck_assert_msg(in.civilians.points[1].value == 900.0, "civilian staff");

    ck_assert_int_eq(in.mechanisms[DD_MECH_SHOCKS], 0);
    ck_assert_int_eq(in.mechanisms[DD_MECH_CONTAGION], 0);
    ck_assert_int_eq(in.mechanisms[DD_MECH_CONSENT], 1);
    ck_assert_msg(in.params.allocation_threat_weight == 0.6, "param");
    dd_input_free(&in);
}
END_TEST

START_TEST(test_scenario__new_settings_take_their_defaults)
{
    char *text = scenario_text(PLAIN_REGIONS,
                               "mission = { troops = ( (\"2013-07\", 100) ); };\n"
                               "partners = ( { name = \"P\"; role = \"training\"; strength = (); } "
                               ");\n"
                               "events = ( { date = \"2014-01\"; type = \"coup\"; },\n"
                               "           { date = \"2014-02\"; type = \"disinformation\"; } );\n"
                               "policy = { type = \"conditions\"; start = \"2014-01\"; "
                               "host_ratio_min = 1.5; };\n");
    dd_input in, init;
    dd_error err;
    ck_assert_int_eq(load_text(text, &in, &err), DD_OK);
    dd_input_init(&init);
    ck_assert_int_eq(in.allocation, DD_ALLOC_FIXED);
    ck_assert_int_eq(in.allocation, init.allocation);
    ck_assert_msg(in.partners[0].leave_below_consent == -1.0, "no rule");
    ck_assert_msg(in.events[0].magnitude == -1.0 && in.events[1].magnitude == -1.0,
                  "the parameters' defaults");
    ck_assert_int_eq(in.policy.review_months, 6);
    ck_assert_int_eq(in.policy.review_months, init.policy.review_months);
    ck_assert_int_eq(in.policy.phases, 4);
    ck_assert_int_eq(in.policy.hold_reviews, 2);
    ck_assert_int_eq(in.policy.hold_reviews, init.policy.hold_reviews);
    ck_assert_msg(in.policy.violence_max == -1.0 && in.policy.authority_min == -1.0,
                  "benchmarks not given are not used");
    ck_assert_msg(in.policy.host_ratio_min == 1.5, "host_ratio_min");
    ck_assert_int_eq(in.policy.on_fail, DD_ONFAIL_PAUSE);
    ck_assert_int_eq(in.policy.on_fail, init.policy.on_fail);
    dd_input_free(&in);
    free(text);

    /* No mission and no policy at all: the same defaults as dd_input_init. */
    text = scenario_text(PLAIN_REGIONS, "");
    ck_assert_int_eq(load_text(text, &in, &err), DD_OK);
    ck_assert_int_eq(in.allocation, DD_ALLOC_FIXED);
    ck_assert_int_eq(in.policy.kind, DD_POLICY_NONE);
    ck_assert_int_eq(in.policy.review_months, init.policy.review_months);
    ck_assert_int_eq(in.policy.phases, init.policy.phases);
    dd_input_free(&in);
    free(text);
}
END_TEST

START_TEST(test_scenario__partner_rule_and_allocation_are_checked)
{
    load_fails("partners = ( { name = \"P\"; role = \"training\"; strength = ();\n"
               "  leave_below_consent = 1.3; } );\n",
               DD_ERANGE, REST_LINE + 1,
               "partner \"P\": leave_below_consent = 1.3 is a share and must be in [0, 1], or -1 "
               "for no such rule");
    load_fails("partners = ( { name = \"P\"; role = \"training\"; strength = ();\n"
               "  leave_below_consent = \"never\"; } );\n",
               DD_ECONFIG, REST_LINE + 1,
               "partner \"P\": leave_below_consent must be a number, not a string");
    /* The message for a missing role lists every role, from the table. */
    load_fails("partners = ( { name = \"P\"; strength = (); } );\n", DD_ECONFIG, REST_LINE,
               "partner \"P\" has no 'role' (counter_terrorism, mercenary, regional or training)");
    load_fails("partners = ( { name = \"P\"; role = \"trainng\"; strength = (); } );\n",
               DD_ECONFIG, REST_LINE,
               "partner \"P\": unknown role \"trainng\" (did you mean \"training\"?)");
    load_fails("mission = { allocation = \"by_threat\"; };\n", DD_ECONFIG, REST_LINE,
               "unknown mission.allocation \"by_threat\" (did you mean \"threat\"?)");
    load_fails("mission = { allocation = \"random\"; };\n", DD_ECONFIG, REST_LINE,
               "unknown mission.allocation \"random\" (known: fixed, threat)");
    load_fails("mission = { allocation = 1; };\n", DD_ECONFIG, REST_LINE,
               "mission.allocation must be a string in double quotes, not an integer");
}
END_TEST

START_TEST(test_scenario__event_magnitudes_are_checked_by_type)
{
    load_fails("events = ( { date = \"2014-01\"; type = \"coup\"; magnitude = -0.5; } );\n",
               DD_ERANGE, REST_LINE,
               "events[0].magnitude = -0.5 is a share and must be in [0, 1], or -1 for the "
               "default, params.coup_consent_drop");
    load_fails("events = ( { date = \"2014-01\"; type = \"disinformation\"; magnitude = 2; } );\n",
               DD_ERANGE, REST_LINE,
               "events[0].magnitude = 2 is a share and must be in [0, 1], or -1 for the "
               "default, params.disinformation_legitimacy_drop");
    load_fails("events = ( { date = \"2014-01\"; type = \"contributor_pullout\";\n"
               "             magnitude = -1; } );\n",
               DD_ERANGE, REST_LINE + 1, "events[0].magnitude = -1 must be >= 0");
    load_fails("events = ( { date = \"2014-01\"; type = \"contributor_pullout\"; "
               "magnitude = \"all\"; } );\n",
               DD_ECONFIG, REST_LINE, "events[0].magnitude must be a number, not a string");
    /* The event named by index, at its own line. */
    load_fails("events = (\n"
               "  { date = \"2014-01\"; type = \"coup\"; },\n"
               "  { date = \"2014-02\"; type = \"contributor_pullout\"; }\n"
               ");\n",
               DD_ECONFIG, REST_LINE + 2,
               "events[1]: contributor_pullout needs 'magnitude' (troops leaving)");
    load_fails("events = ( { date = \"2014-01\"; type = \"consent_revoked\"; magnitude = 1; } );\n",
               DD_ECONFIG, REST_LINE, "events[0]: consent_revoked takes no 'magnitude'");
    load_fails("events = ( { date = \"2014-01\"; type = \"coup\"; size = 1; } );\n", DD_ECONFIG,
               REST_LINE, "unknown key 'size' in events[0] (known: date, type, region, magnitude)");

    /* Whole numbers, zero and an explicit -1 are accepted. */
    char *text = scenario_text(PLAIN_REGIONS,
                               "events = ( { date = \"2014-01\"; type = \"coup\"; magnitude = 1; "
                               "},\n"
                               "  { date = \"2014-01\"; type = \"disinformation\"; magnitude = -1; "
                               "},\n"
                               "  { date = \"2014-01\"; type = \"contributor_pullout\"; "
                               "magnitude = 0; } );\n");
    dd_input in;
    dd_error err;
    ck_assert_int_eq(load_text(text, &in, &err), DD_OK);
    ck_assert_msg(in.events[0].magnitude == 1.0, "coup 1");
    ck_assert_msg(in.events[1].magnitude == -1.0, "disinformation -1");
    ck_assert_msg(in.events[2].magnitude == 0.0, "pull-out 0");
    dd_input_free(&in);
    free(text);
}
END_TEST

/*
 * A loaded input's run.cfg holds `line` and its summary `summary`, and it reloads to the
 * same input; frees `in` and `text` (the scenario it was loaded from).
 */
static void expect_written_and_described(dd_input *in, char *text, const char *line,
                                         const char *summary)
{
    char *out = written(in);
    ck_assert_msg(strstr(out, line) != NULL, "run.cfg lacks\n%s\nin:\n%s", line, out);
    free(out);
    out = described(in);
    ck_assert_msg(strstr(out, summary) != NULL, "summary lacks\n%s\nin:\n%s", summary, out);
    free(out);
    round_trip(in);
    dd_input_free(in);
    free(text);
}

START_TEST(test_scenario__offensive_is_read_written_and_described)
{
    char *text = scenario_text(PLAIN_REGIONS,
                               "events = ( { date = \"2014-01\"; type = \"coup\"; },\n"
                               "  { date = \"2014-03\"; type = \"offensive\"; region = \"Kidal\";\n"
                               "    magnitude = 600; } );\n");
    dd_input in;
    dd_error err;
    ck_assert_msg(load_text(text, &in, &err) == DD_OK, "line %d: %s", err.line, err.msg);
    ck_assert_int_eq(in.events[0].region, -1);
    ck_assert_int_eq(in.events[1].type, DD_EVENT_OFFENSIVE);
    ck_assert_int_eq(in.events[1].month, month_of("2014-03"));
    ck_assert_int_eq(in.events[1].region, 1); /* Kidal, the second region */
    ck_assert_msg(in.events[1].magnitude == 600.0, "fighters");
    ck_assert_int_eq(in.events[1].loc.line, REST_LINE + 1);
    expect_written_and_described(
        &in, text,
        "  { date = \"2014-03\"; type = \"offensive\"; region = \"Kidal\"; magnitude = 6e+02; }\n",
        "2014-03 offensive: 600 fighter-equivalents join the armed groups in Kidal\n");
}
END_TEST

START_TEST(test_scenario__offensive_needs_a_known_region_and_fighters)
{
    load_fails("events = ( { date = \"2014-01\"; type = \"offensive\"; magnitude = 600; } );\n",
               DD_ECONFIG, REST_LINE,
               "events[0]: offensive needs 'region' (the region the fighters join)");
    load_fails("events = ( { date = \"2014-01\"; type = \"offensive\";\n"
               "  region = \"Kidl\"; magnitude = 600; } );\n",
               DD_ECONFIG, REST_LINE + 1,
               "events[0].region: unknown region \"Kidl\" (did you mean \"Kidal\"?)");
    load_fails("events = ( { date = \"2014-01\"; type = \"offensive\";\n"
               "  region = \"Timbuktu\"; magnitude = 600; } );\n",
               DD_ECONFIG, REST_LINE + 1,
               "events[0].region: unknown region \"Timbuktu\" (known: Gao, Kidal)");
    load_fails("events = ( { date = \"2014-01\"; type = \"offensive\"; region = 1; magnitude = 6; "
               "} );\n",
               DD_ECONFIG, REST_LINE,
               "events[0].region must be a string in double quotes, not an integer");
    load_fails("events = ( { date = \"2014-01\"; type = \"offensive\"; region = \"Gao\"; } );\n",
               DD_ECONFIG, REST_LINE, "events[0]: offensive needs 'magnitude' (fighters arriving)");
    load_fails("events = ( { date = \"2014-01\"; type = \"offensive\"; region = \"Gao\";\n"
               "  magnitude = 0; } );\n",
               DD_ERANGE, REST_LINE + 1, "events[0].magnitude = 0 must be > 0");
    load_fails("events = ( { date = \"2014-01\"; type = \"offensive\"; region = \"Gao\";\n"
               "  magnitude = -1; } );\n",
               DD_ERANGE, REST_LINE + 1, "events[0].magnitude = -1 must be > 0");
    load_fails("events = ( { date = \"2014-01\"; type = \"offensive\"; region = \"Gao\";\n"
               "  magnitude = 2e6; } );\n",
               DD_ERANGE, REST_LINE + 1,
               "events[0].magnitude = 2000000 must be at most 1e+06 (fighters arriving)");
    /* Each type takes only its own keys: a region on any other event is refused. */
    load_fails("events = ( { date = \"2014-01\"; type = \"coup\";\n"
               "  region = \"Gao\"; } );\n",
               DD_ECONFIG, REST_LINE + 1, "events[0]: coup takes no 'region'");
    load_fails("events = ( { date = \"2014-01\"; type = \"contributor_pullout\"; magnitude = 5;\n"
               "  region = \"Gao\"; } );\n",
               DD_ECONFIG, REST_LINE + 1, "events[0]: contributor_pullout takes no 'region'");

    /* The largest offensive allowed loads; a fraction of a fighter-equivalent too. */
    char *text =
        scenario_text(PLAIN_REGIONS, "events = ( { date = \"2014-01\"; type = \"offensive\"; "
                                     "region = \"Gao\"; magnitude = 1e6; },\n"
                                     "  { date = \"2014-01\"; type = \"offensive\"; "
                                     "region = \"Gao\"; magnitude = 0.5; } );\n");
    dd_input in;
    dd_error err;
    ck_assert_msg(load_text(text, &in, &err) == DD_OK, "%s", err.msg);
    ck_assert_msg(in.events[0].magnitude == DD_OFFENSIVE_MAX, "largest");
    ck_assert_msg(in.events[1].magnitude == 0.5, "fraction");
    ck_assert_int_eq(in.events[1].region, 0);
    dd_input_free(&in);
    free(text);
}
END_TEST

START_TEST(test_scenario__militia_is_read_written_described_and_checked)
{
    char *text = scenario_text(PLAIN_REGIONS,
                               "events = ( { date = \"2014-03\"; type = \"militia\";\n"
                               "    region = \"Gao\"; magnitude = 3150; } );\n");
    dd_input in;
    dd_error err;
    ck_assert_msg(load_text(text, &in, &err) == DD_OK, "line %d: %s", err.line, err.msg);
    ck_assert_int_eq(in.events[0].type, DD_EVENT_MILITIA);
    ck_assert_int_eq(in.events[0].month, month_of("2014-03"));
    ck_assert_int_eq(in.events[0].region, 0); /* Gao, the first region */
    ck_assert_msg(in.events[0].magnitude == 3150.0, "members");
    expect_written_and_described(
        &in, text,
        "  { date = \"2014-03\"; type = \"militia\"; region = \"Gao\"; magnitude = 3.15e+03; }\n",
        "2014-03 militia: 3150 members join community militias in Gao\n");

    /* Like an offensive, it names a known region and a count of people above zero. */
    load_fails("events = ( { date = \"2014-01\"; type = \"militia\"; magnitude = 600; } );\n",
               DD_ECONFIG, REST_LINE,
               "events[0]: militia needs 'region' (the region the members join)");
    load_fails("events = ( { date = \"2014-01\"; type = \"militia\"; region = \"Gao\"; } );\n",
               DD_ECONFIG, REST_LINE, "events[0]: militia needs 'magnitude' (members joining)");
    load_fails("events = ( { date = \"2014-01\"; type = \"militia\";\n"
               "  region = \"Mopti\"; magnitude = 600; } );\n",
               DD_ECONFIG, REST_LINE + 1,
               "events[0].region: unknown region \"Mopti\" (known: Gao, Kidal)");
    load_fails("events = ( { date = \"2014-01\"; type = \"militia\"; region = \"Gao\";\n"
               "  magnitude = 0; } );\n",
               DD_ERANGE, REST_LINE + 1, "events[0].magnitude = 0 must be > 0");
    load_fails("events = ( { date = \"2014-01\"; type = \"militia\"; region = \"Gao\";\n"
               "  magnitude = 2e6; } );\n",
               DD_ERANGE, REST_LINE + 1,
               "events[0].magnitude = 2000000 must be at most 1e+06 (members joining)");
}
END_TEST

START_TEST(test_scenario__conditions_policy_is_checked)
{
    load_fails("policy = { type = \"conditions\"; start = \"2014-01\"; };\n", DD_ECONFIG, REST_LINE,
               "policy type \"conditions\" needs at least one benchmark: violence_max, "
               "host_ratio_min or authority_min");
    /* -1 for every benchmark is the same as none. */
    load_fails("policy = { type = \"conditions\"; start = \"2014-01\";\n"
               "  violence_max = -1; host_ratio_min = -1; authority_min = -1; };\n",
               DD_ECONFIG, REST_LINE,
               "policy type \"conditions\" needs at least one benchmark: violence_max, "
               "host_ratio_min or authority_min");
    load_fails("policy = { type = \"conditions\"; violence_max = 3; };\n", DD_ECONFIG, REST_LINE,
               "policy type \"conditions\" needs 'start' (\"YYYY-MM\", month of the first "
               "review)");
    load_fails("policy = { type = \"conditions\"; start = \"2016-01\"; violence_max = 3; };\n",
               DD_ERANGE, REST_LINE,
               "policy.start = 2016-01 is outside the simulated months 2013-07 to 2015-06");
    load_fails("policy = { type = \"conditions\"; start = \"2014-01\";\n"
               "  violence_max = 3; months = 12; };\n",
               DD_ECONFIG, REST_LINE + 1,
               "policy type \"conditions\" takes no 'months' (a key of type \"calendar\")");
    load_fails("policy = { type = \"calendar\"; start = \"2014-01\"; months = 6;\n"
               "  on_fail = \"pause\"; };\n",
               DD_ECONFIG, REST_LINE + 1,
               "policy type \"calendar\" takes no 'on_fail' (a key of type \"conditions\")");
    load_fails("policy = { type = \"none\"; start = \"2014-01\"; };\n", DD_ECONFIG, REST_LINE,
               "policy type \"none\" takes no 'start' (a key of types \"calendar\" and "
               "\"conditions\")");
    load_fails("policy = { type = \"conditions\"; start = \"2014-01\"; violence_max = 3;\n"
               "  review_months = 121; };\n",
               DD_ERANGE, REST_LINE + 1, "policy.review_months = 121 must be in [1, 120]");
    load_fails("policy = { type = \"conditions\"; start = \"2014-01\"; violence_max = 3;\n"
               "  phases = 101; };\n",
               DD_ERANGE, REST_LINE + 1, "policy.phases = 101 must be in [1, 100]");
    load_fails("policy = { type = \"conditions\"; start = \"2014-01\"; violence_max = 3;\n"
               "  hold_reviews = 0; };\n",
               DD_ERANGE, REST_LINE + 1, "policy.hold_reviews = 0 must be in [1, 100]");
    load_fails("policy = { type = \"conditions\"; start = \"2014-01\";\n"
               "  authority_min = 1.5; };\n",
               DD_ERANGE, REST_LINE + 1,
               "policy.authority_min = 1.5 is a share and must be in [0, 1], or -1 for no such "
               "benchmark");
    load_fails("policy = { type = \"conditions\"; start = \"2014-01\";\n"
               "  host_ratio_min = -2; };\n",
               DD_ERANGE, REST_LINE + 1,
               "policy.host_ratio_min = -2 must be >= 0, or -1 for no such benchmark");
    load_fails("policy = { type = \"conditions\"; start = \"2014-01\"; violence_max = 3;\n"
               "  on_fail = \"stop\"; };\n",
               DD_ECONFIG, REST_LINE + 1,
               "unknown policy.on_fail \"stop\" (known: pause, reverse)");
    load_fails("policy = { start = \"2014-01\"; };\n", DD_ECONFIG, REST_LINE,
               "policy has no 'type' (\"none\", \"calendar\" or \"conditions\")");
    load_fails("policy = { type = \"conditons\"; };\n", DD_ECONFIG, REST_LINE,
               "unknown policy type \"conditons\" (did you mean \"conditions\"?)");
    load_fails("policy = { type = \"none\"; review_month = 3; };\n", DD_ECONFIG, REST_LINE,
               "unknown key 'review_month' in policy (did you mean 'review_months'?)");
}
END_TEST

START_TEST(test_scenario__every_mechanism_can_be_switched_off)
{
    char body[4096];
    size_t used = (size_t)snprintf(body, sizeof body, "mechanisms = {\n");
    for (int m = 0; m < DD_MECH_COUNT; m++)
        used += (size_t)snprintf(body + used, sizeof body - used, "  %s = false;\n",
                                 dd_mech_name((dd_mech)m));
    snprintf(body + used, sizeof body - used, "};\n");
    char *text = scenario_text(PLAIN_REGIONS, body);
    dd_input in;
    dd_error err;
    ck_assert_msg(load_text(text, &in, &err) == DD_OK, "%s", err.msg);
    for (int m = 0; m < DD_MECH_COUNT; m++)
        ck_assert_msg(in.mechanisms[m] == 0, "%s", dd_mech_name((dd_mech)m));
    char *out = written(&in);
    for (int m = 0; m < DD_MECH_COUNT; m++) {
        char line[128];
        snprintf(line, sizeof line, "\n  %s = false;\n", dd_mech_name((dd_mech)m));
        ck_assert_msg(strstr(out, line) != NULL, "run.cfg lacks %s", line);
    }
    free(out);
    round_trip(&in);
    dd_input_free(&in);
    free(text);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Writing                                                             */
/* ------------------------------------------------------------------ */

START_TEST(test_scenario__written_scenario_loads_back_identical_and_rewrites_byte_for_byte)
{
    dd_input in;
    load_ok(GOOD_DIR "/two_regions.cfg", &in);
    round_trip(&in);
    dd_input_free(&in);
    load_ok(GOOD_DIR "/with_include.cfg", &in);
    round_trip(&in);
    dd_input_free(&in);
}
END_TEST

START_TEST(test_scenario__random_scenarios_round_trip_exactly)
{
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    ck_assert_ptr_nonnull(r);
    for (unsigned long seed = 1; seed <= RANDOM_SCENARIOS; seed++) {
        gsl_rng_set(r, seed);
        dd_input in;
        dd_test_random_input(&in, r);
        in.seed = seed * 1000003ULL * 1000003ULL; /* past 32 bits for most seeds */
        dd_error err;
        ck_assert_msg(dd_input_validate(&in, &err) == DD_OK, "seed %lu: %s", seed, err.msg);
        round_trip(&in);
        dd_input_free(&in);
    }
    gsl_rng_free(r);
}
END_TEST

START_TEST(test_scenario__written_scenario_spells_out_every_default_and_parameter)
{
    dd_input in;
    load_ok(GOOD_DIR "/with_include.cfg", &in);
    char *text = written(&in);
    ck_assert_msg(strncmp(text, "# Written by drawdown", 21) == 0, "first comment line");
    ck_assert_ptr_null(strstr(text, "@include"));
    static const char *const wanted[] = {
        "\nseed = 1;\n",
        "\nreplications = 1000;\n",
        "\nconsent = 1.0;\n",
        "    state_authority = 0.5;\n",
        "    troop_share = 0.5;\n",
        "    neighbours = [ \"West\" ];\n",
        "    neighbours = [ \"East\" ];\n",
        "      East = 0.0;\n      West = 1.0;\n",
        "policy = { type = \"none\"; };",
        "  violence = true;\n",
    };
    dd_test_assert_contains(text, wanted, DD_TEST_COUNT(wanted));
    size_t count;
    const dd_param_info *table = dd_params_table(&count);
    const char *prev = text;
    for (size_t k = 0; k < count; k++) {
        char line[512];
        snprintf(line, sizeof line, "\n  %s = ", table[k].name);
        const char *at = strstr(prev, line);
        ck_assert_msg(at != NULL, "params.%s missing or out of table order", table[k].name);
        const char *eol = strchr(at + 1, '\n');
        snprintf(line, sizeof line, " # %s\n", table[k].unit);
        ck_assert_msg(strstr(at, line) != NULL && strstr(at, line) < eol + 1, "unit of %s",
                      table[k].name);
        prev = at + 1;
    }
    free(text);
    dd_input_free(&in);
}
END_TEST

START_TEST(test_scenario__written_strings_are_escaped_and_read_back)
{
    dd_input in;
    build_input(&in, "North", "South");
    char *text = written(&in);
    ck_assert_ptr_nonnull(strstr(text, "description = \"bell\\x07 cr\\x0d del\\x7f back\\\\slash "
                                       "\\\"q\\\" \xe2\x82\xac\";"));
    /* Shortest exact text: 0.1 + 0.2 needs all 17 digits, 0.5 needs one. */
    ck_assert_ptr_nonnull(strstr(text, "    state_authority = 0.30000000000000004;\n"));
    ck_assert_ptr_nonnull(strstr(text, "    police_share = 0.5;\n"));
    ck_assert_ptr_nonnull(strstr(text, "( \"2020-04\", 1e-300 )"));
    free(text);
    round_trip(&in);
    dd_input_free(&in);
}
END_TEST

START_TEST(test_scenario__region_names_that_cannot_be_keys_are_written_as_pairs)
{
    dd_input in;
    build_input(&in, "1st.zone", "True");
    char *text = written(&in);
    ck_assert_ptr_nonnull(strstr(text, "    regions = (\n      ( \"1st.zone\", 0.0 ),\n"));
    free(text);
    round_trip(&in);
    dd_input_free(&in);
}
END_TEST

START_TEST(test_scenario__large_seed_is_written_as_int64)
{
    dd_input in;
    build_input(&in, "A", "B");
    in.seed = 2147483647u;
    char *text = written(&in);
    ck_assert_ptr_nonnull(strstr(text, "\nseed = 2147483647;\n"));
    free(text);
    in.seed = 2147483648u;
    text = written(&in);
    ck_assert_ptr_nonnull(strstr(text, "\nseed = 2147483648L;\n"));
    free(text);
    round_trip(&in);
    in.seed = (uint64_t)INT64_MAX;
    round_trip(&in);
    dd_input_free(&in);
}
END_TEST

START_TEST(test_scenario__write_refuses_values_it_cannot_represent)
{
    dd_input in;
    build_input(&in, "A", "B");
    in.regions[0].population = INFINITY;
    FILE *f = tmpfile();
    ck_assert_ptr_nonnull(f);
    dd_error err;
    ck_assert_int_eq(dd_scenario_write(f, &in, &err), DD_ERANGE);
    ck_assert_ptr_nonnull(strstr(err.msg, "not finite"));
    fclose(f);
    dd_input_free(&in);
}
END_TEST

START_TEST(test_scenario__write_reports_a_full_disk)
{
    FILE *f = fopen("/dev/full", "w");
    if (f == NULL)
        return; /* no /dev/full here: nothing to test */
    dd_input in;
    load_ok(GOOD_DIR "/two_regions.cfg", &in);
    dd_error err;
    ck_assert_int_eq(dd_scenario_write(f, &in, &err), DD_EIO);
    fclose(f);
    dd_input_free(&in);
}
END_TEST

START_TEST(test_scenario__full_model_settings_are_written_and_read_back)
{
    dd_input in;
    load_ok(GOOD_DIR "/full_model.cfg", &in);
    char *text = written(&in);
    static const char *const wanted[] = {
        "  police = (\n    ( \"2015-01\", 1e+03 )\n  );\n  civilians = (\n    ( \"2015-01\", 4e+02 ),\n"
        "    ( \"2017-01\", 9e+02 )\n  );\n  allocation = \"threat\";\n"
        "  allocation_start = \"2015-01\";\n};\n",
        "    role = \"training\";\n    leave_below_consent = 0.3;\n",
        "    role = \"counter_terrorism\";\n    leave_below_consent = -1.0;\n",
        "  { date = \"2016-03\"; type = \"disinformation\"; magnitude = -1.0; },\n",
        "  { date = \"2016-03\"; type = \"coup\"; magnitude = 0.25; },\n",
        "  { date = \"2017-02\"; type = \"offensive\"; region = \"North\"; "
        "magnitude = 7.5e+02; },\n",
        "  { date = \"2017-06\"; type = \"contributor_pullout\"; magnitude = 1.2e+03; },\n",
        "  { date = \"2018-01\"; type = \"consent_revoked\"; }\n",
        "policy = {\n"
        "  type = \"conditions\";\n"
        "  start = \"2016-01\";\n"
        "  review_months = 3;\n"
        "  phases = 5;\n"
        "  hold_reviews = 1;\n"
        "  violence_max = 4e+01;\n"
        "  host_ratio_min = -1.0;\n"
        "  authority_min = 0.45;\n"
        "  on_fail = \"reverse\";\n"
        "  civilians_stay = true;\n"
        "};\n",
        "  shocks = false;\n",
    };
    dd_test_assert_contains(text, wanted, DD_TEST_COUNT(wanted));
    free(text);
    round_trip(&in);
    dd_input_free(&in);
}
END_TEST

START_TEST(test_scenario__settings_that_are_off_are_written_as_minus_one)
{
    dd_input in;
    build_input(&in, "A", "B");
    in.partners[0].leave_below_consent = -1.0;
    dd_test_add_event(&in, DD_EVENT_COUP, 2);
    dd_test_add_event(&in, DD_EVENT_CONTRIBUTOR_PULLOUT, 3);
    in.policy.kind = DD_POLICY_CONDITIONS;
    in.policy.start_month = in.start_month + 1;
    in.policy.authority_min = 0.5;
    dd_error err;
    ck_assert_msg(dd_input_validate(&in, &err) == DD_OK, "%s", err.msg);
    char *text = written(&in);
    ck_assert_ptr_nonnull(strstr(text, "    leave_below_consent = -1.0;\n"));
    ck_assert_ptr_nonnull(strstr(text, "type = \"coup\"; magnitude = -1.0; }"));
    ck_assert_ptr_nonnull(strstr(text, "type = \"contributor_pullout\"; magnitude = 0.0; }"));
    ck_assert_ptr_nonnull(strstr(text, "  violence_max = -1.0;\n"));
    ck_assert_ptr_nonnull(strstr(text, "  on_fail = \"pause\";\n"));
    free(text);
    round_trip(&in);

    /* Any negative value means off; it is written as the -1 that loads. */
    in.events[0].magnitude = -0.25;
    in.policy.violence_max = -3.0;
    text = written(&in);
    ck_assert_ptr_nonnull(strstr(text, "type = \"coup\"; magnitude = -1.0; }"));
    ck_assert_ptr_nonnull(strstr(text, "  violence_max = -1.0;\n"));
    free(text);
    dd_input_free(&in);
}
END_TEST

START_TEST(test_scenario__write_refuses_a_conditions_policy_it_could_not_read_back)
{
    dd_input in;
    build_input(&in, "A", "B");
    in.policy.kind = DD_POLICY_CONDITIONS;
    in.policy.start_month = in.start_month;
    FILE *f = tmpfile();
    ck_assert_ptr_nonnull(f);
    dd_error err;
    ck_assert_int_eq(dd_scenario_write(f, &in, &err), DD_ERANGE);
    ck_assert_str_eq(err.msg, "cannot write the scenario: the conditions policy has no benchmark");
    in.policy.host_ratio_min = 1.0;
    in.policy.on_fail = DD_ONFAIL_COUNT;
    ck_assert_int_eq(dd_scenario_write(f, &in, &err), DD_ERANGE);
    ck_assert_str_eq(err.msg, "cannot write the scenario: policy.on_fail is unknown");
    in.policy.on_fail = DD_ONFAIL_PAUSE;
    in.allocation = DD_ALLOC_COUNT;
    ck_assert_int_eq(dd_scenario_write(f, &in, &err), DD_ERANGE);
    ck_assert_str_eq(err.msg, "cannot write the scenario: mission.allocation is unknown");
    fclose(f);
    dd_input_free(&in);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Describing                                                          */
/* ------------------------------------------------------------------ */

START_TEST(test_scenario__summary_names_what_a_reader_needs)
{
    dd_input in;
    load_ok(GOOD_DIR "/two_regions.cfg", &in);
    char *text = described(&in);
    static const char *const wanted[] = {
        "two_regions",
        "Two regions, one partner.",
        "2013-07 to 2016-06 (36 months)",
        "seed 7, 200 replications",
        "North",
        "South",
        "2013-07 5200, 2014-01 6000.5",
        "Task-Force.1 (counter_terrorism)",
        "North 0.800, South 0.200",
        "2015-06 consent_revoked",
        "calendar: from 2015-01 down to zero over 6 months in 3 phases",
        "mechanisms off  displacement",
        "attrition_per_month",
        "forced_withdrawal_months",
    };
    dd_test_assert_contains(text, wanted, DD_TEST_COUNT(wanted));
    ck_assert_msg(strstr(text, "troop_weight") == NULL, "unchanged parameters are not listed");
    free(text);
    dd_input_free(&in);
}
END_TEST

START_TEST(test_scenario__summary_shows_the_full_model_settings)
{
    dd_input in;
    load_ok(GOOD_DIR "/full_model.cfg", &in);
    char *text = described(&in);
    static const char *const wanted[] = {
        "troop spread    threat from 2015-01: a share 0.6 by fighters "
        "(allocation_threat_weight), the rest by troop_share\n",
        "Trainers (training)",
        "    rule        leaves for good when consent falls below 0.3\n",
        "events          2016-03 disinformation: legitimacy falls by 0.1 "
        "(params.disinformation_legitimacy_drop)\n",
        "                2016-03 coup: consent falls by 0.25\n",
        "                2017-02 offensive: 750 fighter-equivalents join the armed groups in North\n",
        "                2017-06 contributor_pullout: 1200 troops leave for good\n",
        "                2018-01 consent_revoked\n",
        "policy          conditions: a review every 3 months from 2016-01; one of 5 phases down\n"
        "                after 1 passed review in a row; on a failed review: reverse\n"
        "  benchmarks    deaths per month since the last review at most 40\n"
        "                state authority at least 0.45\n",
        "mechanisms off  contagion, shocks\n",
    };
    dd_test_assert_contains(text, wanted, DD_TEST_COUNT(wanted));
    /* Only the partner with a rule shows one. */
    const char *rule = strstr(text, "    rule ");
    ck_assert_ptr_null(strstr(rule + 1, "    rule "));
    free(text);

    /* A coup with the default drop shows the scenario's value of the parameter. */
    in.events[1].magnitude = -1.0;
    in.allocation = DD_ALLOC_FIXED;
    in.policy.kind = DD_POLICY_NONE;
    text = described(&in);
    ck_assert_ptr_nonnull(
        strstr(text, "2016-03 coup: consent falls by 0.3 (params.coup_consent_drop)"));
    ck_assert_ptr_nonnull(strstr(text, "troop spread    fixed: each region's troop_share\n"));
    ck_assert_ptr_nonnull(strstr(text, "policy          none\n"));
    free(text);
    dd_input_free(&in);
}
END_TEST

/* ------------------------------------------------------------------ */
/* The format guide, scenarios/README.md                               */
/* ------------------------------------------------------------------ */

#ifdef DD_SOURCE_DIR
#define README DD_SOURCE_DIR "/scenarios/README.md"

/* The whole of scenarios/README.md (malloc'd). */
static char *readme(void)
{
    FILE *f = fopen(README, "r");
    ck_assert_msg(f != NULL, "cannot open %s", README);
    char *buf = NULL;
    size_t size = 0, used = 0, n;
    char chunk[4096];
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        if (used + n + 1 > size) {
            size = 2 * (used + n + 1);
            buf = realloc(buf, size);
            ck_assert_ptr_nonnull(buf);
        }
        memcpy(buf + used, chunk, n);
        used += n;
    }
    fclose(f);
    ck_assert_ptr_nonnull(buf);
    buf[used] = '\0';
    return buf;
}

START_TEST(test_scenario__readme_examples_load)
{
    char *text = readme();
    size_t examples = 0;
    for (char *p = strstr(text, "\n```\n"); p != NULL;) {
        char *body = p + 5;
        char *end = strstr(body, "\n```\n");
        ck_assert_msg(end != NULL, "unclosed code block in %s", README);
        /* A complete scenario is a code block with a name at the start of a line. */
        const char *name = strstr(body - 1, "\nname = ");
        if (name != NULL && name < end) {
            char save = end[1];
            end[1] = '\0';
            dd_input in;
            dd_error err;
            int rc = load_text(body, &in, &err);
            ck_assert_msg(rc == DD_OK, "example %zu of %s: line %d: %s", examples + 1, README,
                          err.line, err.msg);
            dd_input_free(&in);
            end[1] = save;
            examples++;
        }
        p = strstr(end + 4, "\n```\n");
    }
    ck_assert_msg(examples >= 2, "%zu complete examples in %s", examples, README);
    free(text);
}
END_TEST

START_TEST(test_scenario__readme_names_every_choice)
{
    char *text = readme();
    char want[128];
    for (int k = 0; k < DD_ROLE_COUNT; k++) {
        snprintf(want, sizeof want, "\"%s\"", dd_role_name((dd_role)k));
        ck_assert_msg(strstr(text, want) != NULL, "README lacks role %s", want);
    }
    for (int k = 0; k < DD_EVENT_COUNT; k++) {
        snprintf(want, sizeof want, "\"%s\"", dd_event_name((dd_event_type)k));
        ck_assert_msg(strstr(text, want) != NULL, "README lacks event %s", want);
    }
    for (int k = 0; k < DD_ALLOC_COUNT; k++) {
        snprintf(want, sizeof want, "\"%s\"", dd_allocation_name((dd_allocation)k));
        ck_assert_msg(strstr(text, want) != NULL, "README lacks allocation %s", want);
    }
    for (int k = 0; k < DD_ONFAIL_COUNT; k++) {
        snprintf(want, sizeof want, "\"%s\"", dd_onfail_name((dd_onfail)k));
        ck_assert_msg(strstr(text, want) != NULL, "README lacks on_fail %s", want);
    }
    for (int k = 0; k < DD_POLICY_COUNT; k++) {
        snprintf(want, sizeof want, "type = \"%s\";", dd_policy_get((dd_policy_kind)k)->name);
        ck_assert_msg(strstr(text, want) != NULL, "README lacks policy %s", want);
    }
    for (int k = 0; k < DD_MECH_COUNT; k++) {
        snprintf(want, sizeof want, "| `%s` |", dd_mech_name((dd_mech)k));
        ck_assert_msg(strstr(text, want) != NULL, "README's mechanism table lacks %s", want);
    }
    free(text);
}
END_TEST

/*
 * The guide names parameters (params.x, rows of the excerpt table) but does
 * not copy the table: each one it names must exist, and each excerpt row must
 * be the row `drawdown params --markdown` prints.
 */
START_TEST(test_scenario__readme_parameters_match_the_table)
{
    char *text = readme();
    size_t named = 0, rows = 0;
    for (const char *p = strstr(text, "params."); p != NULL; p = strstr(p + 1, "params.")) {
        char name[128];
        size_t len = 0;
        const char *q = p + 7;
        while (len + 1 < sizeof name && (q[len] == '_' || (q[len] >= 'a' && q[len] <= 'z') ||
                                         (q[len] >= '0' && q[len] <= '9')))
            len++;
        if (len == 0)
            continue;
        memcpy(name, q, len);
        name[len] = '\0';
        ck_assert_msg(dd_params_lookup(name) != NULL, "README names params.%s, not a parameter",
                      name);
        named++;
    }
    for (const char *p = strstr(text, "\n| `"); p != NULL; p = strstr(p + 1, "\n| `")) {
        char name[128];
        const char *q = p + 4;
        size_t len = strcspn(q, "`");
        if (len >= sizeof name)
            continue;
        memcpy(name, q, len);
        name[len] = '\0';
        const dd_param_info *pi = dd_params_lookup(name);
        if (pi == NULL)
            continue; /* a row of another table */
        char row[1024];
        const char *mech = pi->mechanism >= 0 ? dd_mech_name((dd_mech)pi->mechanism) : "-";
        snprintf(row, sizeof row, "\n| `%s` | %s | %g | [%g, %g] | %s | %s |\n", pi->name, mech,
                 pi->def, pi->min, pi->max, pi->unit, pi->source);
        ck_assert_msg(strncmp(p, row, strlen(row)) == 0,
                      "README row of %s differs from the table; the table says:%s", name, row);
        rows++;
    }
    ck_assert_msg(named > 0 && rows > 0, "README names %zu parameters and has %zu rows", named,
                  rows);
    free(text);
}
END_TEST
#endif

/* ------------------------------------------------------------------ */

static Suite *scenario_suite(size_t n_bad)
{
    Suite *s = suite_create("scenario");

    TCase *load = tcase_create("load");
    tcase_add_test(load, test_scenario__small_scenario_loads_every_field);
    tcase_add_test(load, test_scenario__neighbours_are_made_symmetric_and_sorted);
    tcase_add_test(load, test_scenario__include_is_read_from_the_scenario_folder);
    tcase_add_test(load, test_scenario__base_file_alone_is_reported_as_a_base);
    tcase_add_test(load, test_scenario__missing_file_names_the_path_and_the_reason);
    tcase_add_test(load, test_scenario__folder_given_as_scenario_is_refused);
    tcase_add_test(load, test_scenario__unknown_key_suggests_nearest);
    tcase_add_test(load, test_scenario__unknown_key_without_a_close_match_lists_the_known_keys);
    tcase_add_test(load, test_scenario__unknown_parameter_without_a_close_match_points_to_the_list);
    tcase_add_test(load, test_scenario__unknown_neighbour_without_a_close_match_lists_the_regions);
    tcase_add_test(load, test_scenario__numbers_may_be_integers_int64_or_floats);
    tcase_add_test(load, test_scenario__partner_regions_accept_names_and_pairs);
    tcase_add_test(load, test_scenario__calendar_phases_default_to_its_months);
    tcase_add_test(load, test_scenario__policy_none_refuses_calendar_keys);
    tcase_add_test(load, test_scenario__calendar_starting_outside_the_horizon_is_refused);
    tcase_add_test(load, test_scenario__over_long_and_odd_names_are_refused);
    tcase_add_test(load, test_scenario__full_model_scenario_loads_every_new_setting);
    tcase_add_test(load, test_scenario__new_settings_take_their_defaults);
    tcase_add_test(load, test_scenario__partner_rule_and_allocation_are_checked);
    tcase_add_test(load, test_scenario__event_magnitudes_are_checked_by_type);
    tcase_add_test(load, test_scenario__offensive_is_read_written_and_described);
    tcase_add_test(load, test_scenario__offensive_needs_a_known_region_and_fighters);
    tcase_add_test(load, test_scenario__militia_is_read_written_described_and_checked);
    tcase_add_test(load, test_scenario__conditions_policy_is_checked);
    tcase_add_test(load, test_scenario__every_mechanism_can_be_switched_off);
    suite_add_tcase(s, load);

    TCase *bad = tcase_create("bad_corpus");
    tcase_add_test(bad, test_scenario__bad_corpus_covers_enough_mistakes);
    tcase_add_loop_test(bad, test_scenario__bad_file_fails_at_the_line_it_declares, 0, (int)n_bad);
    suite_add_tcase(s, bad);

    TCase *write = tcase_create("write");
    tcase_add_test(write,
                   test_scenario__written_scenario_loads_back_identical_and_rewrites_byte_for_byte);
    tcase_add_test(write, test_scenario__random_scenarios_round_trip_exactly);
    tcase_add_test(write, test_scenario__written_scenario_spells_out_every_default_and_parameter);
    tcase_add_test(write, test_scenario__written_strings_are_escaped_and_read_back);
    tcase_add_test(write, test_scenario__region_names_that_cannot_be_keys_are_written_as_pairs);
    tcase_add_test(write, test_scenario__large_seed_is_written_as_int64);
    tcase_add_test(write, test_scenario__write_refuses_values_it_cannot_represent);
    tcase_add_test(write, test_scenario__write_reports_a_full_disk);
    tcase_add_test(write, test_scenario__full_model_settings_are_written_and_read_back);
    tcase_add_test(write, test_scenario__settings_that_are_off_are_written_as_minus_one);
    tcase_add_test(write, test_scenario__write_refuses_a_conditions_policy_it_could_not_read_back);
    suite_add_tcase(s, write);

    TCase *describe = tcase_create("describe");
    tcase_add_test(describe, test_scenario__summary_names_what_a_reader_needs);
    tcase_add_test(describe, test_scenario__summary_shows_the_full_model_settings);
    suite_add_tcase(s, describe);

#ifdef DD_SOURCE_DIR
    TCase *guide = tcase_create("guide");
    tcase_add_test(guide, test_scenario__readme_examples_load);
    tcase_add_test(guide, test_scenario__readme_names_every_choice);
    tcase_add_test(guide, test_scenario__readme_parameters_match_the_table);
    suite_add_tcase(s, guide);
#endif
    return s;
}

/* Count the corpus outside Check, so each file becomes one loop iteration. */
static size_t count_bad_corpus(void)
{
    DIR *dir = opendir(BAD_DIR);
    if (dir == NULL)
        return 0;
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(dir)) != NULL) {
        size_t len = strlen(e->d_name);
        if (len >= 5 && len < FILE_NAME_LEN && strcmp(e->d_name + len - 4, ".cfg") == 0)
            n++;
    }
    closedir(dir);
    return n < BAD_MAX ? n : BAD_MAX;
}

int main(void)
{
    return dd_test_run(scenario_suite(count_bad_corpus()));
}

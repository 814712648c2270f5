/*
 * Tests of dd_model: invariants over random scenarios, the direction of each
 * mechanism of the foundation (1, 2, 5, 10, 11, 12), purity of the step, and
 * common random numbers per region.
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_rng.h>

#include "dd_model.h"
#include "dd_rng.h"
#include "test_check.h"
#include "test_util.h"

/* Everything one replication needs, allocated together. */
typedef struct sim {
    dd_model *model;
    dd_state *a, *b;
    gsl_rng *rng;
    double *series;
    size_t stride;
} sim;

static void sim_open(sim *s, const dd_input *in)
{
    dd_error err;
    dd_error_clear(&err);
    int rc = dd_model_alloc(&s->model, in, &err);
    ck_assert_msg(rc == DD_OK, "model: %s", err.msg);
    s->a = dd_state_alloc(s->model);
    s->b = dd_state_alloc(s->model);
    s->rng = dd_rng_alloc();
    s->stride = dd_model_obs_stride(s->model);
    s->series = calloc((size_t)in->months * s->stride, sizeof *s->series);
    ck_assert(s->a && s->b && s->rng && s->series);
}

static void sim_close(sim *s)
{
    dd_state_free(s->a);
    dd_state_free(s->b);
    gsl_rng_free(s->rng);
    free(s->series);
    dd_model_free(s->model);
}

static void sim_run(sim *s, uint64_t seed, uint64_t rep, dd_outcome *o)
{
    dd_stream st = {s->rng, seed, rep};
    dd_model_run(s->model, &st, s->a, s->b, s->series, NULL, o);
}

static double obs(const sim *s, int t, size_t place, dd_metric m)
{
    return s->series[(size_t)t * s->stride + place * DD_M_COUNT + (size_t)m];
}

/* Record the first broken invariant; ck_assert is kept out of hot loops (each call is slow). */
#define EXPECT(cond, ...)                                                                          \
    do {                                                                                           \
        if (!(cond) && bad[0] == '\0')                                                             \
            snprintf(bad, sizeof bad, __VA_ARGS__);                                                \
    } while (0)

START_TEST(test_model__invariants_hold_over_random_scenarios)
{
    char bad[512] = "";
    gsl_rng *gen = dd_rng_alloc();
    dd_rng_set_key(gen, 20261123);
    for (int k = 0; k < 300 && bad[0] == '\0'; k++) {
        dd_input in;
        dd_test_random_input(&in, gen);
        sim s;
        sim_open(&s, &in);
        const size_t R = in.n_regions;
        for (uint64_t rep = 0; rep < 3; rep++) {
            dd_outcome o;
            sim_run(&s, (uint64_t)k, rep, &o);
            double cum_fat = 0.0, cum_civ = 0.0, cum_pk = 0.0;
            for (int t = 0; t < in.months; t++) {
                for (size_t p = 0; p <= R; p++) {
                    for (int m = 0; m < DD_M_COUNT; m++) {
                        const dd_metric_info *mi = dd_metric_get((dd_metric)m);
                        double v = obs(&s, t, p, (dd_metric)m);
                        EXPECT(isfinite(v) && v >= 0.0, "scenario %d month %d place %zu %s = %g",
                               k, t, p, mi->name, v);
                        EXPECT(!mi->bounded || v <= 1.0, "scenario %d %s = %g > 1", k, mi->name, v);
                    }
                    /* Fatality parts never exceed the total. */
                    EXPECT(obs(&s, t, p, DD_M_CIVILIAN_FATALITIES) + obs(&s, t, p, DD_M_PK_FATALITIES) <=
                               obs(&s, t, p, DD_M_FATALITIES),
                           "scenario %d: fatality parts exceed the total", k);
                    EXPECT(p == R || obs(&s, t, p, DD_M_DISPLACED) <= in.regions[p].population,
                           "scenario %d: displaced exceed population", k);
                }
                /* The national row sums the regions' counts. */
                double sum = 0.0;
                for (size_t p = 0; p < R; p++)
                    sum += obs(&s, t, p, DD_M_FATALITIES);
                EXPECT(fabs(obs(&s, t, R, DD_M_FATALITIES) - sum) <= 1e-9 * (1.0 + sum),
                       "scenario %d: national fatalities are not the regional sum", k);
                cum_fat += obs(&s, t, R, DD_M_FATALITIES);
                cum_civ += obs(&s, t, R, DD_M_CIVILIAN_FATALITIES);
                cum_pk += obs(&s, t, R, DD_M_PK_FATALITIES);
            }
            EXPECT(fabs(o.fatalities - cum_fat) <= 1e-9 * (1.0 + cum_fat), "scenario %d: cumulative deaths", k);
            EXPECT(fabs(o.civilian_fatalities - cum_civ) <= 1e-9 * (1.0 + cum_civ), "scenario %d: civilians", k);
            EXPECT(fabs(o.pk_fatalities - cum_pk) <= 1e-9 * (1.0 + cum_pk), "scenario %d: peacekeepers", k);
            EXPECT(isfinite(o.vacuum_index) && fabs(o.vacuum_index) <= 1.0, "scenario %d: vacuum %g", k,
                   o.vacuum_index);
            EXPECT(o.relapse == 0.0 || o.relapse == 1.0, "scenario %d: relapse %g", k, o.relapse);
            EXPECT(o.final_state_authority >= 0.0 && o.final_state_authority <= 1.0, "scenario %d: authority", k);
            EXPECT((o.exit_month < 0) == (o.exit_reason == DD_EXIT_NONE), "scenario %d: exit %d reason %d", k,
                   o.exit_month, (int)o.exit_reason);
            for (size_t r = 0; r < R; r++) {
                EXPECT(isfinite(s.a->armed[r]) && s.a->armed[r] >= 0.0, "scenario %d: fighters %g", k,
                       s.a->armed[r]);
                EXPECT(isfinite(s.a->host[r]) && s.a->host[r] >= 0.0, "scenario %d: host %g", k, s.a->host[r]);
            }
        }
        sim_close(&s);
        dd_input_free(&in);
    }
    gsl_rng_free(gen);
    ck_assert_msg(bad[0] == '\0', "%s", bad);
}
END_TEST

START_TEST(test_model__violence_off_means_no_events_or_deaths)
{
    dd_input in;
    dd_test_input(&in, 3, 24, 6000.0, 600.0);
    in.mechanisms[DD_MECH_VIOLENCE] = 0;
    sim s;
    sim_open(&s, &in);
    dd_outcome o;
    sim_run(&s, 3, 0, &o);
    for (int t = 0; t < in.months; t++) {
        ck_assert(obs(&s, t, 3, DD_M_EVENTS) == 0.0);
        ck_assert(obs(&s, t, 3, DD_M_FATALITIES) == 0.0);
    }
    ck_assert(o.fatalities == 0.0);
    /* Armed groups still move: deterrence is a separate mechanism. */
    ck_assert(obs(&s, 23, 0, DD_M_ARMED_STRENGTH) != in.regions[0].armed_strength);
    sim_close(&s);
    dd_input_free(&in);
}
END_TEST

START_TEST(test_model__deterrence_off_keeps_armed_strength_constant)
{
    dd_input in;
    dd_test_input(&in, 2, 36, 8000.0, 800.0);
    in.mechanisms[DD_MECH_DETERRENCE] = 0;
    sim s;
    sim_open(&s, &in);
    dd_outcome o;
    sim_run(&s, 3, 1, &o);
    for (int t = 0; t < in.months; t++)
        for (size_t r = 0; r < 2; r++)
            ck_assert(obs(&s, t, r, DD_M_ARMED_STRENGTH) == in.regions[r].armed_strength);
    ck_assert(o.fatalities > 0.0); /* violence still happens */
    sim_close(&s);
    dd_input_free(&in);
}
END_TEST

/* Mean over replications of the national end-of-horizon value of a metric. */
static double mean_final(const dd_input *in, dd_metric m, int reps)
{
    sim s;
    sim_open(&s, in);
    double sum = 0.0;
    for (int rep = 0; rep < reps; rep++) {
        dd_outcome o;
        sim_run(&s, 77, (uint64_t)rep, &o);
        sum += obs(&s, in->months - 1, in->n_regions, m);
    }
    sim_close(&s);
    return sum / reps;
}

START_TEST(test_model__more_troops_means_fewer_fighters_with_diminishing_returns)
{
    /* Same seed and replications (common random numbers), 200 replications, 36 months.
       The effect is deterministic in direction; the margins (5% and the second difference)
       are far above the Monte Carlo noise of a mean of 200 lognormal-ish paths (< 1%). */
    double level[3];
    const double troops[3] = {0.0, 6000.0, 12000.0};
    for (int i = 0; i < 3; i++) {
        dd_input in;
        dd_test_input(&in, 3, 36, troops[i], 0.0);
        level[i] = mean_final(&in, DD_M_ARMED_STRENGTH, 200);
        dd_input_free(&in);
    }
    ck_assert_msg(level[1] < 0.95 * level[0], "%g vs %g", level[1], level[0]);
    ck_assert_msg(level[2] < 0.95 * level[1], "%g vs %g", level[2], level[1]);
    ck_assert_msg(level[0] - level[1] > level[1] - level[2], "returns do not diminish: %g %g %g",
                  level[0], level[1], level[2]);
}
END_TEST

START_TEST(test_model__calendar_exit_reaches_zero_in_its_last_month)
{
    dd_input in;
    dd_test_input(&in, 2, 48, 9000.0, 900.0);
    in.policy.kind = DD_POLICY_CALENDAR;
    in.policy.start_month = in.start_month + 12;
    in.policy.duration_months = 6;
    in.policy.phases = 3;
    sim s;
    sim_open(&s, &in);
    dd_outcome o;
    sim_run(&s, 5, 0, &o);
    /* Three equal steps over six months: 2/3 after two months, 1/3 after four, 0 after six. */
    ck_assert_double_eq_tol(obs(&s, 11, 2, DD_M_MISSION_TROOPS), 9000.0, 1e-9);
    ck_assert_double_eq_tol(obs(&s, 12, 2, DD_M_MISSION_TROOPS), 9000.0, 1e-9);
    ck_assert_double_eq_tol(obs(&s, 13, 2, DD_M_MISSION_TROOPS), 6000.0, 1e-9);
    ck_assert_double_eq_tol(obs(&s, 15, 2, DD_M_MISSION_TROOPS), 3000.0, 1e-9);
    ck_assert(obs(&s, 17, 2, DD_M_MISSION_TROOPS) == 0.0);
    ck_assert(obs(&s, 17, 2, DD_M_MISSION_POLICE) == 0.0);
    ck_assert_int_eq(o.exit_month, in.start_month + 17);
    ck_assert_int_eq(o.exit_reason, DD_EXIT_CALENDAR);
    for (int t = 18; t < 48; t++)
        ck_assert(obs(&s, t, 2, DD_M_MISSION_TROOPS) == 0.0);
    sim_close(&s);
    dd_input_free(&in);
}
END_TEST

START_TEST(test_model__consent_revocation_forces_exit_within_m_months)
{
    dd_input in;
    dd_test_input(&in, 2, 40, 9000.0, 900.0);
    in.params.forced_withdrawal_months = 5;
    dd_test_add_event(&in, DD_EVENT_CONSENT_REVOKED, 10);
    sim s;
    sim_open(&s, &in);
    dd_outcome o;
    sim_run(&s, 5, 2, &o);
    ck_assert_double_eq_tol(obs(&s, 10, 2, DD_M_MISSION_TROOPS), 9000.0, 1e-9);
    ck_assert_double_eq_tol(obs(&s, 11, 2, DD_M_MISSION_TROOPS), 9000.0 * 0.8, 1e-9);
    ck_assert(obs(&s, 15, 2, DD_M_MISSION_TROOPS) == 0.0);
    ck_assert(obs(&s, 14, 2, DD_M_MISSION_TROOPS) > 0.0);
    ck_assert_int_eq(o.exit_month, in.start_month + 15);
    ck_assert_int_eq(o.exit_reason, DD_EXIT_CONSENT_REVOKED);
    ck_assert(obs(&s, 9, 2, DD_M_CONSENT) > 0.0);
    ck_assert(obs(&s, 10, 2, DD_M_CONSENT) == 0.0);
    sim_close(&s);
    dd_input_free(&in);
}
END_TEST

START_TEST(test_model__consent_revocation_overrides_a_slower_calendar)
{
    dd_input in;
    dd_test_input(&in, 1, 40, 5000.0, 0.0);
    in.policy.kind = DD_POLICY_CALENDAR;
    in.policy.start_month = in.start_month + 5;
    in.policy.duration_months = 30;
    in.policy.phases = 30;
    in.params.forced_withdrawal_months = 4;
    dd_test_add_event(&in, DD_EVENT_CONSENT_REVOKED, 8);
    sim s;
    sim_open(&s, &in);
    dd_outcome o;
    sim_run(&s, 5, 0, &o);
    ck_assert_int_eq(o.exit_month, in.start_month + 12);
    ck_assert_int_eq(o.exit_reason, DD_EXIT_CONSENT_REVOKED);
    sim_close(&s);
    dd_input_free(&in);
}
END_TEST

START_TEST(test_model__cost_counts_person_months_and_fixed_costs)
{
    dd_input in;
    dd_test_input(&in, 2, 24, 1234.5, 321.0);
    in.policy.kind = DD_POLICY_CALENDAR;
    in.policy.start_month = in.start_month + 10;
    in.policy.duration_months = 4;
    in.policy.phases = 4;
    in.params.usd_per_person_month = 4321.0;
    in.params.fixed_usd_per_month = 2.5e6;
    sim s;
    sim_open(&s, &in);
    dd_outcome o;
    sim_run(&s, 1, 0, &o);
    /* 10 full months, then 3/4, 2/4, 1/4, then gone. */
    const double level = 1234.5 + 321.0;
    const double person_months = level * (10.0 + 0.75 + 0.5 + 0.25);
    ck_assert_double_eq_tol(o.troop_months, person_months, 1e-6);
    ck_assert_double_eq_tol(o.cost_usd, person_months * 4321.0 + 13.0 * 2.5e6, 1e-3);
    ck_assert_double_eq_tol(obs(&s, 0, 2, DD_M_COST_USD), level * 4321.0 + 2.5e6, 1e-6);
    ck_assert(obs(&s, 20, 2, DD_M_COST_USD) == 0.0);
    sim_close(&s);
    dd_input_free(&in);
}
END_TEST

START_TEST(test_model__civilians_follow_the_policy_unless_they_stay)
{
    dd_input in;
    dd_test_input(&in, 2, 30, 6000.0, 600.0);
    dd_test_set_constant(&in.civilians, in.start_month, 1000.0);
    in.policy.kind = DD_POLICY_CALENDAR;
    in.policy.start_month = in.start_month + 6;
    in.policy.duration_months = 4;
    in.policy.phases = 2;
    in.params.usd_per_civilian_month = 7000.0;
    sim s;
    sim_open(&s, &in);
    dd_outcome o;
    sim_run(&s, 3, 0, &o);
    /* By default the civilian staff go down in the policy's steps and leave with it. */
    ck_assert_double_eq_tol(obs(&s, 5, 2, DD_M_MISSION_CIVILIANS), 1000.0, 1e-9);
    ck_assert_double_eq_tol(obs(&s, 7, 2, DD_M_MISSION_CIVILIANS), 500.0, 1e-9);
    for (int t = 9; t < 30; t++)
        ck_assert(obs(&s, t, 2, DD_M_MISSION_CIVILIANS) == 0.0);
    sim_close(&s);

    /* civilians_stay: the uniformed component leaves on the same dates, the staff stay. */
    in.policy.civilians_stay = 1;
    sim_open(&s, &in);
    dd_outcome o2;
    sim_run(&s, 3, 0, &o2);
    ck_assert_int_eq(o2.exit_month, o.exit_month);
    ck_assert_int_eq(o2.exit_reason, DD_EXIT_CALENDAR);
    for (int t = 0; t < 30; t++)
        ck_assert_double_eq_tol(obs(&s, t, 2, DD_M_MISSION_CIVILIANS), 1000.0, 1e-9);
    /* Each region holds its police share of the staff. */
    ck_assert_double_eq_tol(obs(&s, 20, 0, DD_M_MISSION_CIVILIANS), 500.0, 1e-9);
    /* After the exit the month's cost is the staff's alone: no fixed costs. */
    ck_assert_double_eq_tol(obs(&s, 20, 2, DD_M_COST_USD), 1000.0 * 7000.0, 1e-6);
    ck_assert(o2.troop_months == o.troop_months);
    sim_close(&s);

    /* A revocation of consent sends the staff home too, on the forced timetable. */
    in.params.forced_withdrawal_months = 3;
    dd_test_add_event(&in, DD_EVENT_CONSENT_REVOKED, 15);
    sim_open(&s, &in);
    sim_run(&s, 3, 0, &o2);
    ck_assert_double_eq_tol(obs(&s, 15, 2, DD_M_MISSION_CIVILIANS), 1000.0, 1e-9);
    ck_assert(obs(&s, 16, 2, DD_M_MISSION_CIVILIANS) < 1000.0);
    for (int t = 18; t < 30; t++)
        ck_assert(obs(&s, t, 2, DD_M_MISSION_CIVILIANS) == 0.0);
    sim_close(&s);
    dd_input_free(&in);
}
END_TEST

/*
 * Staff who stay after the uniformed exit keep up civilian work and
 * monitoring, so state authority ends higher and state forces kill fewer
 * civilians than when they leave too. Paired runs (same seeds, common random
 * numbers), 40 replications; the comparison is of means, strict, because the
 * only difference between the two runs is the staff's presence.
 */
START_TEST(test_model__a_political_mission_keeps_up_civilian_work)
{
    dd_input in;
    dd_test_input(&in, 2, 60, 4000.0, 400.0);
    dd_test_set_constant(&in.civilians, in.start_month, 1500.0);
    in.policy.kind = DD_POLICY_CALENDAR;
    in.policy.start_month = in.start_month + 12;
    in.policy.duration_months = 6;
    in.policy.phases = 3;
    double authority[2] = {0.0, 0.0}, abuses[2] = {0.0, 0.0};
    for (int stay = 0; stay < 2; stay++) {
        in.policy.civilians_stay = stay;
        sim s;
        sim_open(&s, &in);
        for (uint64_t rep = 0; rep < 40; rep++) {
            dd_outcome o;
            sim_run(&s, 17, rep, &o);
            authority[stay] += o.final_state_authority / 40.0;
            for (int t = 18; t < 60; t++)
                abuses[stay] += obs(&s, t, 2, DD_M_CIVILIAN_FATALITIES_STATE) / 40.0;
        }
        sim_close(&s);
    }
    ck_assert_msg(authority[1] > authority[0], "authority %g with staff, %g without", authority[1],
                  authority[0]);
    ck_assert_msg(abuses[1] < abuses[0], "state abuses %g with staff, %g without", abuses[1],
                  abuses[0]);
    dd_input_free(&in);
}
END_TEST

/*
 * Mean events of region 0 in the first month over 4,000 replications (seed 31),
 * checked against the negative binomial mean mu (dispersion events_dispersion)
 * within 4 standard errors of the mean: sqrt(mu + mu^2/k) / sqrt(n). The seed is
 * fixed, so the check is deterministic; 4 SE leaves room for a different but
 * correct generator.
 */
static void check_first_month_events(const dd_input *in, double mu)
{
    const double k = in->params.events_dispersion;
    sim s;
    sim_open(&s, in);
    const int n = 4000;
    double sum = 0.0;
    for (int rep = 0; rep < n; rep++) {
        dd_outcome o;
        sim_run(&s, 31, (uint64_t)rep, &o);
        sum += obs(&s, 0, 1, DD_M_EVENTS);
    }
    double se = sqrt(mu + mu * mu / k) / sqrt((double)n);
    ck_assert_double_eq_tol(sum / n, mu, 4.0 * se);
    sim_close(&s);
}

START_TEST(test_model__mean_events_match_the_model_rate)
{
    /* Deterrence off keeps fighters fixed at A, so monthly events are negative binomial with
       mean e * A (tolerance: see check_first_month_events). */
    dd_input in;
    dd_test_input(&in, 1, 1, 0.0, 0.0);
    in.mechanisms[DD_MECH_DETERRENCE] = 0;
    in.regions[0].armed_strength = 2385.0;
    const double mu = in.params.events_per_fighter_month * 2385.0;
    check_first_month_events(&in, mu);
    dd_input_free(&in);
}
END_TEST

/*
 * Run `with` and `without` (the same scenario but for an offensive) with one seed and
 * replication, so that they draw the same numbers (common random numbers), and check that
 * the offensive's region holds exactly `fighters` more at the end of every month from the
 * offensive's month on, while every output before that month is identical. Only valid where
 * the month's dynamics leave the stock as it is (deterrence off, or neutral parameters).
 */
static void expect_exact_offensive(const dd_input *with, const dd_input *without, size_t region,
                                   int month, double fighters)
{
    sim a, b;
    sim_open(&a, with);
    sim_open(&b, without);
    dd_outcome oa, ob;
    sim_run(&a, 5, 2, &oa);
    sim_run(&b, 5, 2, &ob);
    const size_t R = with->n_regions;
    for (int t = 0; t < with->months; t++) {
        for (size_t r = 0; r < R; r++) {
            double x = obs(&a, t, r, DD_M_ARMED_STRENGTH), y = obs(&b, t, r, DD_M_ARMED_STRENGTH);
            double want = (r == region && t >= month) ? y + fighters : y;
            ck_assert_msg(x == want, "month %d region %zu: armed strength %.17g, expected %.17g", t,
                          r, x, want);
        }
        if (t < month)
            ck_assert_mem_eq(a.series + (size_t)t * a.stride, b.series + (size_t)t * b.stride,
                             a.stride * sizeof *a.series);
    }
    sim_close(&a);
    sim_close(&b);
}

START_TEST(test_model__an_offensive_adds_exactly_its_fighters_in_its_month)
{
    /* Deterrence off holds every stock at its number, so the offensive's 600 fighters must
       show exactly from its month on, and nothing may change before it. The offensive is an
       input like every dated event: it applies with the mechanism off. */
    dd_input with, without;
    dd_test_input(&without, 3, 24, 5000.0, 500.0);
    dd_test_input(&with, 3, 24, 5000.0, 500.0);
    without.mechanisms[DD_MECH_DETERRENCE] = with.mechanisms[DD_MECH_DETERRENCE] = 0;
    dd_test_add_offensive(&with, 1, 6, 600.0);
    expect_exact_offensive(&with, &without, 1, 6, 600.0);

    /* Deterrence on, with growth, attrition, noise, inflow and contagion neutral: the month's
       dynamics run (suppression, violence, control) but leave the stock as it was, so the
       difference is again exactly the offensive. */
    with.mechanisms[DD_MECH_DETERRENCE] = without.mechanisms[DD_MECH_DETERRENCE] = 1;
    with.mechanisms[DD_MECH_CONTAGION] = without.mechanisms[DD_MECH_CONTAGION] = 0;
    dd_params *ps[2] = {&with.params, &without.params};
    for (int k = 0; k < 2; k++) {
        ps[k]->armed_growth_per_month = 0.0;
        ps[k]->attrition_per_month = 0.0;
        ps[k]->armed_noise_sd = 0.0;
        ps[k]->armed_inflow_per_100k = 0.0;
    }
    expect_exact_offensive(&with, &without, 1, 6, 600.0);
    dd_input_free(&with);
    dd_input_free(&without);
}
END_TEST

START_TEST(test_model__an_offensive_fights_in_the_month_it_arrives)
{
    /* As in test_model__mean_events_match_the_model_rate: deterrence off, one region, one
       month, so events are negative binomial with mean e * (A + O) when the O fighters of an
       offensive in that month take part in its violence, and e * A if they came only after
       it. O = A doubles the mean; the tolerance, 4 standard errors of the mean of 4,000
       replications (about 0.4 events), is a small fraction of the difference (about 10.9). */
    dd_input in;
    dd_test_input(&in, 1, 1, 0.0, 0.0);
    in.mechanisms[DD_MECH_DETERRENCE] = 0;
    in.regions[0].armed_strength = 2385.0;
    dd_test_add_offensive(&in, 0, 0, 2385.0);
    const double mu = in.params.events_per_fighter_month * (2385.0 + 2385.0);
    check_first_month_events(&in, mu);
    dd_input_free(&in);
}
END_TEST

START_TEST(test_model__an_offensive_raises_its_region_s_deaths_in_the_months_after)
{
    /* Every mechanism on. 2,000 fighters join region 2 (of 3; 511 fighters at the start) in
       month 12. Fixed seed 17 and 200 replications, paired by common random
       numbers: the region's deaths in months 12-23 must rise by more than three standard
       errors of the paired mean (deterministic with the seed; about 1 in 700 for a correct
       model with another generator), and must not change before month 12. */
    dd_input with, without;
    dd_test_input(&without, 3, 36, 4000.0, 400.0);
    dd_test_input(&with, 3, 36, 4000.0, 400.0);
    dd_test_add_offensive(&with, 2, 12, 2000.0);
    sim a, b;
    sim_open(&a, &with);
    sim_open(&b, &without);
    const int reps = 200;
    double sum = 0.0, sumsq = 0.0;
    for (int rep = 0; rep < reps; rep++) {
        dd_outcome oa, ob;
        sim_run(&a, 17, (uint64_t)rep, &oa);
        sim_run(&b, 17, (uint64_t)rep, &ob);
        for (int t = 0; t < 12; t++)
            ck_assert_mem_eq(a.series + (size_t)t * a.stride, b.series + (size_t)t * b.stride,
                             a.stride * sizeof *a.series);
        double d = 0.0;
        for (int t = 12; t < 24; t++)
            d += obs(&a, t, 2, DD_M_FATALITIES) - obs(&b, t, 2, DD_M_FATALITIES);
        sum += d;
        sumsq += d * d;
    }
    double mean = sum / reps;
    double se = sqrt(fmax(0.0, (sumsq - reps * mean * mean) / (reps - 1)) / reps);
    ck_assert_msg(mean > 3.0 * se, "extra deaths %g, standard error %g", mean, se);
    sim_close(&a);
    sim_close(&b);
    dd_input_free(&with);
    dd_input_free(&without);
}
END_TEST

/*
 * Civilians killed by a militia of 3,000 members in a one-region country with `troops`
 * mission troops: the mean per month over 12 months and 400 replications (seed 23), and its
 * standard error (from the replications' totals). Violence is off, so the militia's victims
 * are the only deaths; consent, contributors and shocks are off, so the mission's freedom
 * of movement stays 1 and its troops stay.
 */
static double militia_monthly_deaths(double troops, double *se)
{
    dd_input in;
    dd_test_input(&in, 1, 12, troops, 0.0);
    in.mechanisms[DD_MECH_VIOLENCE] = 0;
    in.mechanisms[DD_MECH_CONSENT] = 0;
    in.mechanisms[DD_MECH_CONTRIBUTORS] = 0;
    in.mechanisms[DD_MECH_SHOCKS] = 0;
    dd_test_add_militia(&in, 0, 0, 3000.0);
    sim s;
    sim_open(&s, &in);
    const int reps = 400;
    double sum = 0.0, sumsq = 0.0;
    for (int rep = 0; rep < reps; rep++) {
        dd_outcome o;
        sim_run(&s, 23, (uint64_t)rep, &o);
        double d = 0.0;
        for (int t = 0; t < 12; t++) {
            ck_assert(obs(&s, t, 1, DD_M_FATALITIES) == obs(&s, t, 1, DD_M_CIVILIAN_FATALITIES));
            d += obs(&s, t, 1, DD_M_CIVILIAN_FATALITIES) / 12.0;
        }
        sum += d;
        sumsq += d * d;
    }
    double mean = sum / reps;
    *se = sqrt(fmax(0.0, (sumsq - reps * mean * mean) / (reps - 1)) / reps);
    sim_close(&s);
    dd_input_free(&in);
    return mean;
}

START_TEST(test_model__militia_attacks_kill_at_their_rate_less_where_troops_protect)
{
    /* Attacks are Poisson with mean a M / 1000 times the share the mission lets happen,
       exp(-b_T T / 1000), each killing militia_deaths_per_attack on average: 87.6 a month
       with no troops, e^-1 of it with 2,000 troops (b_T = 0.5). The tolerance, 4 standard
       errors of the mean (about 1.7 and 0.7 deaths), is far below a change of either factor. */
    dd_params p;
    dd_params_default(&p);
    const double unprotected = p.militia_attacks_per_1000_month * 3000.0 / 1000.0 *
                               p.militia_deaths_per_attack;
    double se = 0.0;
    double none = militia_monthly_deaths(0.0, &se);
    ck_assert_msg(fabs(none - unprotected) < 4.0 * se, "no troops: %g a month, expected %g (se %g)",
                  none, unprotected, se);
    double guarded = militia_monthly_deaths(2000.0, &se);
    double expected = unprotected * exp(-p.civilian_protection_troops * 2000.0 / 1000.0);
    ck_assert_msg(fabs(guarded - expected) < 4.0 * se,
                  "2,000 troops: %g a month, expected %g (se %g)", guarded, expected, se);
}
END_TEST

START_TEST(test_model__a_militia_acts_in_its_region_from_its_month)
{
    /* Every mechanism on, 3,000 members join region 1 (of 2) in month 12. The militia's
       draws come last in a region-month, so everything before month 12, and region 0 in
       month 12, is identical bit for bit; in month 12 region 1's extra deaths are all
       civilians. Summed over 100 replications they are positive. Switched off, the militia
       leaves the whole run as it was without it. */
    dd_input with, without, off;
    dd_test_input(&with, 2, 24, 4000.0, 400.0);
    dd_test_input(&without, 2, 24, 4000.0, 400.0);
    dd_test_input(&off, 2, 24, 4000.0, 400.0);
    dd_test_add_militia(&with, 1, 12, 3000.0);
    dd_test_add_militia(&off, 1, 12, 3000.0);
    off.mechanisms[DD_MECH_MILITIAS] = 0;
    sim a, b, c;
    sim_open(&a, &with);
    sim_open(&b, &without);
    sim_open(&c, &off);
    double extra = 0.0;
    for (uint64_t rep = 0; rep < 100; rep++) {
        dd_outcome oa, ob, oc;
        sim_run(&a, 29, rep, &oa);
        sim_run(&b, 29, rep, &ob);
        sim_run(&c, 29, rep, &oc);
        ck_assert_mem_eq(b.series, c.series, (size_t)24 * b.stride * sizeof *b.series);
        ck_assert_mem_eq(a.series, b.series, (size_t)12 * a.stride * sizeof *a.series);
        for (int m = 0; m < DD_M_COUNT; m++)
            ck_assert(obs(&a, 12, 0, (dd_metric)m) == obs(&b, 12, 0, (dd_metric)m));
        double civ = obs(&a, 12, 1, DD_M_CIVILIAN_FATALITIES) -
                     obs(&b, 12, 1, DD_M_CIVILIAN_FATALITIES);
        ck_assert(civ >= 0.0);
        ck_assert(obs(&a, 12, 1, DD_M_FATALITIES) - obs(&b, 12, 1, DD_M_FATALITIES) == civ);
        ck_assert(obs(&a, 12, 1, DD_M_EVENTS) >= obs(&b, 12, 1, DD_M_EVENTS));
        extra += civ;
    }
    ck_assert(extra > 0.0);
    sim_close(&a);
    sim_close(&b);
    sim_close(&c);
    dd_input_free(&with);
    dd_input_free(&without);
    dd_input_free(&off);
}
END_TEST

START_TEST(test_model__peacekeeper_risk_falls_with_months_of_presence)
{
    /* Deterrence off holds the 2,000 fighters still and consent, contributors and shocks are
       off, so 5,000 troops face the same threat every month: peacekeeper deaths are Poisson
       with mean p T/1000 A/(A + A_half) times the adaptation factor f + (1 - f) e^(-m/tau),
       m the months already present: 1 in the first month, close to the floor f after five
       years. 4,000 replications (seed 31); the tolerance, 4 standard errors of each mean
       (about 0.14 and 0.08 deaths), is far below the gap between the two (about 3.3). */
    dd_input in;
    dd_test_input(&in, 1, 61, 5000.0, 0.0);
    in.mechanisms[DD_MECH_DETERRENCE] = 0;
    in.mechanisms[DD_MECH_CONSENT] = 0;
    in.mechanisms[DD_MECH_CONTRIBUTORS] = 0;
    in.mechanisms[DD_MECH_SHOCKS] = 0;
    in.regions[0].armed_strength = 2000.0;
    const dd_params *p = &in.params;
    const double full = p->pk_deaths_per_1000_month * 5000.0 / 1000.0 * 2000.0 /
                        (2000.0 + p->pk_threat_half);
    const int months[2] = {0, 60};
    double sum[2] = {0.0, 0.0};
    sim s;
    sim_open(&s, &in);
    const int reps = 4000;
    for (int rep = 0; rep < reps; rep++) {
        dd_outcome o;
        sim_run(&s, 31, (uint64_t)rep, &o);
        for (int k = 0; k < 2; k++)
            sum[k] += obs(&s, months[k], 1, DD_M_PK_FATALITIES);
    }
    for (int k = 0; k < 2; k++) {
        double factor = p->pk_adaptation_floor + (1.0 - p->pk_adaptation_floor) *
                                                     exp(-months[k] / p->pk_adaptation_months);
        double expected = full * factor, mean = sum[k] / reps;
        double tol = 4.0 * sqrt(expected / reps);
        ck_assert_msg(fabs(mean - expected) < tol, "month %d: mean %g, expected %g (tolerance %g)",
                      months[k], mean, expected, tol);
    }
    sim_close(&s);
    dd_input_free(&in);
}
END_TEST

START_TEST(test_model__step_is_pure)
{
    dd_input in;
    dd_test_input(&in, 3, 12, 5000.0, 500.0);
    dd_test_add_partner(&in, DD_ROLE_MERCENARY, 800.0);
    sim s;
    sim_open(&s, &in);
    dd_model_init(s.model, s.a);
    dd_state *c = dd_state_alloc(s.model);
    double *o1 = calloc(s.stride, sizeof *o1), *o2 = calloc(s.stride, sizeof *o2);
    dd_stream st = {s.rng, 9, 4};
    dd_model_step(s.model, s.a, s.b, &st, o1);
    dd_model_step(s.model, s.a, c, &st, o2);
    ck_assert_mem_eq(o1, o2, s.stride * sizeof *o1);
    for (size_t r = 0; r < 3; r++) {
        ck_assert(s.b->armed[r] == c->armed[r]);
        ck_assert(s.a->armed[r] == in.regions[r].armed_strength); /* input untouched */
    }
    free(o1);
    free(o2);
    dd_state_free(c);
    sim_close(&s);
    dd_input_free(&in);
}
END_TEST

START_TEST(test_model__random_numbers_stay_in_step_per_region)
{
    /* A partner in region 1 only changes region 1; region 0 draws the same numbers in both
       scenarios every month. */
    dd_input a, b;
    dd_test_input(&a, 2, 30, 4000.0, 400.0);
    dd_test_input(&b, 2, 30, 4000.0, 400.0);
    /* Switch off what couples regions: national host totals, consent and legitimacy (they
       follow national deaths), contributors (follow consent) and contagion (neighbours). */
    static const dd_mech coupling[] = {DD_MECH_HOST_CAPACITY, DD_MECH_CONSENT, DD_MECH_LEGITIMACY,
                                       DD_MECH_CONTRIBUTORS, DD_MECH_CONTAGION};
    for (size_t k = 0; k < sizeof coupling / sizeof coupling[0]; k++)
        a.mechanisms[coupling[k]] = b.mechanisms[coupling[k]] = 0;
    dd_test_add_partner(&b, DD_ROLE_COUNTER_TERRORISM, 3000.0);
    b.partners[0].region_share[0] = 0.0;
    b.partners[0].region_share[1] = 1.0;
    sim sa, sb;
    sim_open(&sa, &a);
    sim_open(&sb, &b);
    dd_outcome oa, ob;
    sim_run(&sa, 12, 3, &oa);
    sim_run(&sb, 12, 3, &ob);
    int region1_differs = 0;
    for (int t = 0; t < 30; t++) {
        for (int m = 0; m < DD_M_COUNT; m++) {
            ck_assert(obs(&sa, t, 0, (dd_metric)m) == obs(&sb, t, 0, (dd_metric)m));
            region1_differs |= obs(&sa, t, 1, (dd_metric)m) != obs(&sb, t, 1, (dd_metric)m);
        }
    }
    ck_assert(region1_differs);
    sim_close(&sa);
    sim_close(&sb);
    dd_input_free(&a);
    dd_input_free(&b);
}
END_TEST

START_TEST(test_model__vacuum_index_measures_control_after_exit)
{
    /* An abrupt exit from a region held down by troops lets control rise. */
    dd_input in;
    dd_test_input(&in, 1, 60, 15000.0, 0.0);
    in.regions[0].host_forces = 0.0;
    in.policy.kind = DD_POLICY_CALENDAR;
    in.policy.start_month = in.start_month + 24;
    in.policy.duration_months = 1;
    in.policy.phases = 1;
    sim s;
    sim_open(&s, &in);
    dd_outcome o;
    sim_run(&s, 8, 0, &o);
    ck_assert_int_eq(o.exit_month, in.start_month + 24);
    double expected = obs(&s, 48, 1, DD_M_ARMED_CONTROL) - obs(&s, 24, 1, DD_M_ARMED_CONTROL);
    ck_assert_double_eq_tol(o.vacuum_index, expected, 1e-12);
    ck_assert(o.vacuum_index > 0.0);
    sim_close(&s);
    dd_input_free(&in);
}
END_TEST

/* A scenario in which every mechanism has something to act on. */
static void full_scenario(dd_input *in)
{
    dd_test_input(in, 3, 48, 6000.0, 800.0);
    dd_test_add_partner(in, DD_ROLE_COUNTER_TERRORISM, 1200.0);
    dd_test_add_partner(in, DD_ROLE_MERCENARY, 900.0);
    dd_test_add_partner(in, DD_ROLE_TRAINING, 300.0);
    in->partners[1].leave_below_consent = 0.85;
    in->consent = 0.9;
    in->params.consent_revoke_threshold = 0.05;
    in->params.pullout_consent_level = 0.95;
    in->params.coup_per_year = 3.0;
    in->params.disinformation_per_year = 3.0;
    in->regions[0].armed_strength = 2500.0;
    dd_test_add_militia(in, 1, 6, 2000.0);
}

/* Sum over months of the national value of a metric, over a few replications. */
static double total(const dd_input *in, dd_metric k)
{
    sim s;
    sim_open(&s, in);
    double sum = 0.0;
    for (uint64_t rep = 0; rep < 8; rep++) {
        dd_outcome o;
        sim_run(&s, 404, rep, &o);
        for (int t = 0; t < in->months; t++)
            sum += obs(&s, t, in->n_regions, k);
    }
    sim_close(&s);
    return sum;
}

START_TEST(test_model__each_switch_changes_the_outputs_it_should)
{
    /* For each mechanism, a national output it drives directly; switching the mechanism off
       must change it. */
    static const struct {
        dd_mech mech;
        dd_metric metric;
    } cases[] = {
        {DD_MECH_DETERRENCE, DD_M_ARMED_STRENGTH},
        {DD_MECH_VIOLENCE, DD_M_FATALITIES},
        {DD_MECH_CONTAGION, DD_M_ARMED_STRENGTH},
        {DD_MECH_STATE_AUTHORITY, DD_M_STATE_AUTHORITY},
        {DD_MECH_HOST_CAPACITY, DD_M_HOST_FORCES},
        {DD_MECH_CONSENT, DD_M_CONSENT},
        {DD_MECH_LEGITIMACY, DD_M_LEGITIMACY},
        {DD_MECH_PARTNERS, DD_M_PARTNER_FORCES},
        {DD_MECH_CONTRIBUTORS, DD_M_MISSION_TROOPS},
        {DD_MECH_ACCOUNTABILITY, DD_M_CIVILIAN_FATALITIES_STATE},
        {DD_MECH_DISPLACEMENT, DD_M_DISPLACED},
        {DD_MECH_SHOCKS, DD_M_CONSENT},
        {DD_MECH_MILITIAS, DD_M_CIVILIAN_FATALITIES},
    };
    ck_assert_int_eq((int)(sizeof cases / sizeof cases[0]), DD_MECH_COUNT);
    dd_input on;
    full_scenario(&on);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        dd_input off;
        full_scenario(&off);
        off.mechanisms[cases[i].mech] = 0;
        double a = total(&on, cases[i].metric), b = total(&off, cases[i].metric);
        ck_assert_msg(a != b, "switching %s off leaves %s unchanged (%g)",
                      dd_mech_name(cases[i].mech), dd_metric_get(cases[i].metric)->name, a);
        dd_input_free(&off);
    }
    dd_input_free(&on);
}
END_TEST

START_TEST(test_model__displacement_off_leaves_the_conflict_alone)
{
    /* Displacement and access feed nothing back: switching them off must leave every other
       output, draw for draw, as it was. */
    dd_input on, off;
    full_scenario(&on);
    full_scenario(&off);
    off.mechanisms[DD_MECH_DISPLACEMENT] = 0;
    static const dd_metric same[] = {DD_M_EVENTS, DD_M_FATALITIES, DD_M_ARMED_STRENGTH,
                                     DD_M_CONSENT, DD_M_MISSION_TROOPS, DD_M_STATE_AUTHORITY};
    for (size_t k = 0; k < sizeof same / sizeof same[0]; k++)
        ck_assert_msg(total(&on, same[k]) == total(&off, same[k]), "%s changed",
                      dd_metric_get(same[k])->name);
    ck_assert(total(&on, DD_M_DISPLACED) != total(&off, DD_M_DISPLACED));
    dd_input_free(&on);
    dd_input_free(&off);
}
END_TEST

START_TEST(test_model__consent_below_the_threshold_forces_exit_within_m_months)
{
    dd_input in;
    dd_test_input(&in, 2, 40, 7000.0, 700.0);
    in.consent = 0.3;
    in.params.consent_revoke_threshold = 0.35;
    in.params.forced_withdrawal_months = 4;
    sim s;
    sim_open(&s, &in);
    for (uint64_t rep = 0; rep < 5; rep++) {
        dd_outcome o;
        sim_run(&s, 7, rep, &o);
        ck_assert_int_eq(o.exit_reason, DD_EXIT_CONSENT_REVOKED);
        ck_assert_int_le(o.exit_month, in.start_month + 4);
    }
    sim_close(&s);
    dd_input_free(&in);
}
END_TEST

START_TEST(test_model__a_partner_leaves_when_consent_falls_below_its_level)
{
    dd_input in;
    dd_test_input(&in, 1, 24, 3000.0, 0.0);
    dd_test_add_partner(&in, DD_ROLE_COUNTER_TERRORISM, 1000.0);
    in.partners[0].leave_below_consent = 0.6;
    in.consent = 0.8;
    dd_test_add_event(&in, DD_EVENT_COUP, 10);
    in.events[0].magnitude = 0.5;
    in.params.consent_revoke_threshold = 0.0;
    sim s;
    sim_open(&s, &in);
    dd_outcome o;
    sim_run(&s, 3, 0, &o);
    ck_assert(obs(&s, 9, 1, DD_M_PARTNER_FORCES) > 999.0);
    for (int t = 10; t < 24; t++)
        ck_assert(obs(&s, t, 1, DD_M_PARTNER_FORCES) == 0.0);
    sim_close(&s);
    dd_input_free(&in);
}
END_TEST

START_TEST(test_model__threat_allocation_moves_troops_to_the_fighters)
{
    dd_input in;
    dd_test_input(&in, 2, 12, 10000.0, 0.0);
    in.regions[0].armed_strength = 4000.0;
    in.regions[1].armed_strength = 100.0;
    in.allocation = DD_ALLOC_THREAT;
    in.allocation_start_month = in.start_month + 6;
    in.params.allocation_threat_weight = 1.0;
    sim s;
    sim_open(&s, &in);
    dd_outcome o;
    sim_run(&s, 3, 0, &o);
    ck_assert_double_eq_tol(obs(&s, 5, 0, DD_M_MISSION_TROOPS), 5000.0, 1e-9);
    /* Region 0 holds most of the fighters, so it now gets most of the troops. */
    ck_assert_msg(obs(&s, 6, 0, DD_M_MISSION_TROOPS) > 7000.0, "%g", obs(&s, 6, 0, DD_M_MISSION_TROOPS));
    sim_close(&s);
    dd_input_free(&in);
}
END_TEST

int main(void)
{
    const TTest *const tests[] = {
        test_model__invariants_hold_over_random_scenarios,
        test_model__violence_off_means_no_events_or_deaths,
        test_model__deterrence_off_keeps_armed_strength_constant,
        test_model__more_troops_means_fewer_fighters_with_diminishing_returns,
        test_model__calendar_exit_reaches_zero_in_its_last_month,
        test_model__consent_revocation_forces_exit_within_m_months,
        test_model__consent_revocation_overrides_a_slower_calendar,
        test_model__cost_counts_person_months_and_fixed_costs,
        test_model__mean_events_match_the_model_rate,
        test_model__step_is_pure,
        test_model__an_offensive_adds_exactly_its_fighters_in_its_month,
        test_model__an_offensive_fights_in_the_month_it_arrives,
        test_model__an_offensive_raises_its_region_s_deaths_in_the_months_after,
        test_model__militia_attacks_kill_at_their_rate_less_where_troops_protect,
        test_model__a_militia_acts_in_its_region_from_its_month,
        test_model__peacekeeper_risk_falls_with_months_of_presence,
        test_model__random_numbers_stay_in_step_per_region,
        test_model__vacuum_index_measures_control_after_exit,
        test_model__each_switch_changes_the_outputs_it_should,
        test_model__displacement_off_leaves_the_conflict_alone,
        test_model__consent_below_the_threshold_forces_exit_within_m_months,
        test_model__a_partner_leaves_when_consent_falls_below_its_level,
        test_model__threat_allocation_moves_troops_to_the_fighters,
        test_model__civilians_follow_the_policy_unless_they_stay,
        test_model__a_political_mission_keeps_up_civilian_work,
    };
    return dd_test_run_case("model", "core", 120, tests, DD_TEST_COUNT(tests));
}

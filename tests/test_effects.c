/*
 * Published effects, reproduced in shape (MODEL-BRIEF, "Published effects";
 * engine/MODEL.md, "Published effects" says how close the magnitudes come).
 *
 * The first eight tests build a small synthetic country (one region of 10 million
 * people, an armed group of 3,000 that can grow to at most 5,000, host forces
 * of 8,000), run it 15 years with 200 replications and seed 2385, and
 * compare the monthly means of the last two years, where the model has
 * settled. The low recruitment ceiling makes it a conflict near its steady
 * state, the situation cross-national averages describe; with the Mali
 * calibration's ceiling a group keeps growing for decades and nothing settles. The seed is fixed and the
 * compared scenarios share it, so differences are paired; the margins asked
 * for (a few percent and more) are well above the Monte Carlo error of a mean
 * over 200 x 24 region-months. The last two tests (war and its return) are built
 * differently; the comment above them says how.
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "dd_model.h"
#include "dd_rng.h"
#include "dd_runner.h"
#include "test_check.h"
#include "test_util.h"

#define REPS 200
#define MONTHS 180

/* The synthetic country; mechanisms that need more than one region or a story are off. */
static void country(dd_input *in, double troops, double police)
{
    dd_test_input(in, 1, MONTHS, troops, police);
    in->regions[0].population = 1e7;
    in->regions[0].armed_strength = 3000.0;
    in->regions[0].state_authority = 0.5;
    in->regions[0].host_forces = 8000.0;
    in->regions[0].displaced = 0.0;
    in->params.armed_capacity_per_capita = 0.0005;
    in->host_quality = 0.4;
    in->consent = 1.0;
    in->legitimacy = 1.0;
    static const dd_mech off[] = {DD_MECH_CONTAGION, DD_MECH_STATE_AUTHORITY, DD_MECH_HOST_CAPACITY,
                                  DD_MECH_CONSENT, DD_MECH_LEGITIMACY, DD_MECH_CONTRIBUTORS,
                                  DD_MECH_DISPLACEMENT, DD_MECH_SHOCKS};
    for (size_t k = 0; k < sizeof off / sizeof off[0]; k++)
        in->mechanisms[off[k]] = 0;
}

/* Monthly national mean of a metric over months [from, to). */
static double mean_over(const dd_input *in, dd_metric metric, int from, int to)
{
    dd_model *m = NULL;
    dd_error err;
    ck_assert_int_eq(dd_model_alloc(&m, in, &err), DD_OK);
    dd_run_opts o = {2385, REPS, 2, NULL, NULL, NULL};
    dd_results *res = NULL;
    ck_assert_int_eq(dd_runner_run(m, &o, &res, &err), DD_OK);
    double sum = 0.0;
    for (int t = from; t < to; t++)
        sum += dd_acc_mean(dd_grid_cell(res->grid, t, in->n_regions, (size_t)metric));
    dd_results_free(res);
    dd_model_free(m);
    return sum / (to - from);
}

static double settled(const dd_input *in, dd_metric metric)
{
    return mean_over(in, metric, MONTHS - 24, MONTHS);
}

static double battle_deaths(const dd_input *in)
{
    return settled(in, DD_M_FATALITIES) - settled(in, DD_M_CIVILIAN_FATALITIES);
}

START_TEST(test_effects__more_troops_fewer_civilian_deaths_with_diminishing_returns)
{
    /* Hultman, Kathman & Shannon 2013: about 106 a month with no troops, under 2 with 8,000. */
    double civ[3];
    const double troops[3] = {0.0, 4000.0, 8000.0};
    for (int i = 0; i < 3; i++) {
        dd_input in;
        country(&in, troops[i], 0.0);
        civ[i] = settled(&in, DD_M_CIVILIAN_FATALITIES);
        dd_input_free(&in);
    }
    ck_assert_msg(civ[1] < 0.9 * civ[0] && civ[2] < 0.9 * civ[1], "%g %g %g", civ[0], civ[1], civ[2]);
    ck_assert_msg(civ[0] - civ[1] > civ[1] - civ[2], "returns do not diminish: %g %g %g", civ[0],
                  civ[1], civ[2]);
}
END_TEST

START_TEST(test_effects__police_cut_violence_against_civilians)
{
    /* Same source: about 96 to 14 civilian deaths a month with 200 police. */
    dd_input none, some;
    country(&none, 0.0, 0.0);
    country(&some, 0.0, 1000.0);
    double a = settled(&none, DD_M_CIVILIAN_FATALITIES), b = settled(&some, DD_M_CIVILIAN_FATALITIES);
    ck_assert_msg(b < 0.9 * a, "police: %g vs %g without", b, a);
    dd_input_free(&none);
    dd_input_free(&some);
}
END_TEST

START_TEST(test_effects__troops_cut_battle_deaths_more_than_police)
{
    /* Hultman, Kathman & Shannon 2014: about 22 battle deaths a month with no troops, about 6
       with 10,000; police show no such reduction. Compare 5,000 of each. */
    dd_input none, troops, police;
    country(&none, 0.0, 0.0);
    country(&troops, 5000.0, 0.0);
    country(&police, 0.0, 5000.0);
    double b0 = battle_deaths(&none), bt = battle_deaths(&troops), bp = battle_deaths(&police);
    ck_assert_msg(bt < 0.9 * b0, "troops: %g vs %g", bt, b0);
    ck_assert_msg(b0 - bt > 2.0 * (b0 - bp), "troops cut %g, police %g", b0 - bt, b0 - bp);
    dd_input_free(&none);
    dd_input_free(&troops);
    dd_input_free(&police);
}
END_TEST

START_TEST(test_effects__the_benefit_fades_after_the_mission_leaves)
{
    /* Sambanis 2008: strong while the mission is there, fading after. The mission (8,000)
       leaves after five years; compare with a country that never had one. */
    dd_input never, left;
    country(&never, 0.0, 0.0);
    country(&left, 8000.0, 0.0);
    left.policy.kind = DD_POLICY_CALENDAR;
    left.policy.start_month = left.start_month + 60;
    left.policy.duration_months = 1;
    left.policy.phases = 1;
    double during_never = mean_over(&never, DD_M_FATALITIES, 36, 60);
    double during_left = mean_over(&left, DD_M_FATALITIES, 36, 60);
    double after_never = settled(&never, DD_M_FATALITIES);
    double after_left = settled(&left, DD_M_FATALITIES);
    double gap_during = (during_never - during_left) / during_never;
    double gap_after = (after_never - after_left) / after_never;
    ck_assert_msg(gap_during > 0.2, "no effect while present: %g", gap_during);
    ck_assert_msg(gap_after < 0.5 * gap_during, "the effect does not fade: %g after, %g during",
                  gap_after, gap_during);
    dd_input_free(&never);
    dd_input_free(&left);
}
END_TEST

START_TEST(test_effects__losing_consent_weakens_protection_more_against_state_forces)
{
    /* Fjelde, Hultman & Nilsson 2019: local presence protects against armed groups more than
       against state forces, because access needs consent. A local deployment of 2,000 troops
       and 500 police; consent 1.0 against 0.3 (no revocation). With very dense deployments
       (beyond about 8,000 troops and 500 police in one region) the troops' protection is so
       steep that the two rises become equal: engine/MODEL.md, "Published effects". */
    dd_input high, low;
    country(&high, 2000.0, 500.0);
    country(&low, 2000.0, 500.0);
    high.mechanisms[DD_MECH_CONSENT] = low.mechanisms[DD_MECH_CONSENT] = 1;
    high.params.consent_revoke_threshold = low.params.consent_revoke_threshold = 0.0;
    high.params.consent_adjust_per_month = low.params.consent_adjust_per_month = 0.0;
    high.params.mercenary_consent_pressure = low.params.mercenary_consent_pressure = 0.0;
    low.consent = 0.3;
    double state_hi = settled(&high, DD_M_CIVILIAN_FATALITIES_STATE);
    double state_lo = settled(&low, DD_M_CIVILIAN_FATALITIES_STATE);
    double armed_hi = settled(&high, DD_M_CIVILIAN_FATALITIES) - state_hi;
    double armed_lo = settled(&low, DD_M_CIVILIAN_FATALITIES) - state_lo;
    double rise_state = state_lo / state_hi, rise_armed = armed_lo / armed_hi;
    ck_assert_msg(rise_state > 1.0 && rise_armed >= 1.0, "state %g, armed %g", rise_state, rise_armed);
    ck_assert_msg(rise_state > rise_armed, "civilian deaths by state forces rise x%g, by armed "
                  "groups x%g", rise_state, rise_armed);
    dd_input_free(&high);
    dd_input_free(&low);
}
END_TEST

START_TEST(test_effects__a_mercenary_partner_raises_civilian_harm)
{
    dd_input none, merc;
    country(&none, 0.0, 0.0);
    country(&merc, 0.0, 0.0);
    dd_test_add_partner(&merc, DD_ROLE_MERCENARY, 2000.0);
    double a = settled(&none, DD_M_CIVILIAN_FATALITIES), b = settled(&merc, DD_M_CIVILIAN_FATALITIES);
    ck_assert_msg(b > 1.1 * a, "with a mercenary partner %g vs %g", b, a);
    dd_input_free(&none);
    dd_input_free(&merc);
}
END_TEST

START_TEST(test_effects__a_mercenary_partner_cuts_fighters_when_its_abuses_recruit_no_one)
{
    /* The attrition side of mechanism 8 alone: with mercenary_grievance = 0 the partner must
       lower armed strength (the shipped militarised-partner scenario shows the net effect). */
    dd_input none, merc;
    country(&none, 0.0, 0.0);
    country(&merc, 0.0, 0.0);
    none.params.mercenary_grievance = merc.params.mercenary_grievance = 0.0;
    dd_test_add_partner(&merc, DD_ROLE_MERCENARY, 2000.0);
    double a = settled(&none, DD_M_ARMED_STRENGTH), b = settled(&merc, DD_M_ARMED_STRENGTH);
    ck_assert_msg(b < 0.95 * a, "fighters with a mercenary partner %g vs %g", b, a);
    dd_input_free(&none);
    dd_input_free(&merc);
}
END_TEST

START_TEST(test_effects__partner_air_cover_means_fewer_peacekeeper_deaths)
{
    dd_input none, cover;
    country(&none, 8000.0, 0.0);
    country(&cover, 8000.0, 0.0);
    /* Same fighters in both: deterrence off, so only the cover differs. */
    none.mechanisms[DD_MECH_DETERRENCE] = cover.mechanisms[DD_MECH_DETERRENCE] = 0;
    dd_test_add_partner(&cover, DD_ROLE_COUNTER_TERRORISM, 2000.0);
    double a = settled(&none, DD_M_PK_FATALITIES), b = settled(&cover, DD_M_PK_FATALITIES);
    ck_assert_msg(b < 0.8 * a, "peacekeeper deaths with cover %g vs %g", b, a);
    dd_input_free(&none);
    dd_input_free(&cover);
}
END_TEST

/*
 * War and its return (Fortna; Hegre, Hultman & Nygard). These two effects are shares of
 * replications, not monthly means, so they read each replication's series (dd_model_run)
 * instead of the runner's statistics. They run the full model (every mechanism on, the
 * documented defaults of dd_params_default; contagion has no neighbour to act on in one
 * region, and random shocks have rate 0 by default), with the host consenting at the start.
 *
 * "War" is UCDP's threshold: at least 1,000 battle deaths, here fatalities less civilian
 * fatalities (peacekeepers count; civilians killed by either side, closer to one-sided
 * violence, do not), national.
 *
 * Each country is defined by a base rate, not by a fighter count: the test searches the
 * starting fighters that give the stated share of war without a mission (bisection on
 * their logarithm, same seed at every step), so that a recalibration of the defaults
 * keeps the scenario what it claims to be; engine/MODEL.md reports the count found.
 *
 * Seed 2385 and 1,000 replications in every run; the runs with and without a mission
 * share them (paired). Tolerance: the mission must lower the share by more than three
 * binomial standard errors, 3 sqrt((p0 (1 - p0) + p1 (1 - p1)) / 1000) (at most 0.067,
 * about 0.05 at the shares seen; for a share of replication-years, p (1 - p) / n bounds
 * the variance of a mean of values in [0, 1], and the pairing makes the true error of
 * the difference smaller still, so the margin is conservative), and by at least a third
 * of the share without it. A third is
 * below the published sizes, whose match is reported (engine/MODEL.md) rather than
 * tested, but above what the mission does here when it no longer deters (troop and
 * police weights 0: it still builds authority and mentors the host, and war comes only
 * 10-13% less often), so such a mission fails both tests.
 */
#define WAR_REPS 1000
#define WAR_DEATHS 1000.0

typedef struct war_country {
    int months;
    double population, authority, host, fighters;
    int by_year; /* 0: share of replications with a 12-month window of war; 1: share of years */
} war_country;

static void war_input(dd_input *in, const war_country *c, double troops, double police)
{
    dd_test_input(in, 1, c->months, troops, police);
    in->regions[0].population = c->population;
    in->regions[0].armed_strength = c->fighters;
    in->regions[0].armed_control = 0.0;
    in->regions[0].state_authority = c->authority;
    in->regions[0].host_forces = c->host;
    in->regions[0].displaced = 0.0;
    in->consent = 1.0; /* test_util's quality 0.4 and legitimacy 0.7 stay */
}

/* The share of war (see war_country.by_year) over WAR_REPS replications. */
static double war_share(const war_country *c, double troops, double police)
{
    dd_input in;
    war_input(&in, c, troops, police);
    dd_model *m = NULL;
    dd_error err;
    ck_assert_int_eq(dd_model_alloc(&m, &in, &err), DD_OK);
    dd_state *a = dd_state_alloc(m), *b = dd_state_alloc(m);
    gsl_rng *rng = dd_rng_alloc();
    const size_t stride = dd_model_obs_stride(m), nat = in.n_regions * DD_M_COUNT;
    double *series = malloc((size_t)c->months * stride * sizeof *series);
    double *battle = malloc((size_t)c->months * sizeof *battle);
    ck_assert(a && b && rng && series && battle);
    const int years = c->months / 12;
    double wars = 0.0;
    for (long i = 0; i < WAR_REPS; i++) {
        dd_stream st = {rng, 2385, (uint64_t)i};
        dd_outcome o;
        dd_model_run(m, &st, a, b, series, NULL, &o);
        for (int t = 0; t < c->months; t++) {
            const double *x = series + (size_t)t * stride + nat;
            battle[t] = x[DD_M_FATALITIES] - x[DD_M_CIVILIAN_FATALITIES];
        }
        if (c->by_year) {
            int n = 0;
            for (int y = 0; y < years; y++) {
                double sum = 0.0;
                for (int t = 12 * y; t < 12 * y + 12; t++)
                    sum += battle[t];
                n += sum >= WAR_DEATHS;
            }
            wars += (double)n / years;
        } else {
            double sum = 0.0;
            int war = 0;
            for (int t = 0; t < c->months && !war; t++) {
                sum += battle[t] - (t >= 12 ? battle[t - 12] : 0.0);
                war = t >= 11 && sum >= WAR_DEATHS;
            }
            wars += war;
        }
    }
    free(battle);
    free(series);
    gsl_rng_free(rng);
    dd_state_free(a);
    dd_state_free(b);
    dd_model_free(m);
    dd_input_free(&in);
    return wars / WAR_REPS;
}

/* Set c->fighters so that the share of war without a mission is near `target`; returns it. */
static double tune_fighters(war_country *c, double target)
{
    double lo = log(100.0), hi = log(100000.0);
    c->fighters = exp(lo);
    ck_assert_msg(war_share(c, 0.0, 0.0) < target, "war even with 100 fighters");
    c->fighters = exp(hi);
    ck_assert_msg(war_share(c, 0.0, 0.0) > target, "no war even with 100,000 fighters");
    for (int k = 0; k < 10; k++) { /* the interval ends within 0.7% of each other */
        c->fighters = exp(0.5 * (lo + hi));
        if (war_share(c, 0.0, 0.0) < target)
            lo = log(c->fighters);
        else
            hi = log(c->fighters);
    }
    c->fighters = exp(0.5 * (lo + hi));
    double p0 = war_share(c, 0.0, 0.0);
    ck_assert_msg(fabs(p0 - target) < 0.05, "base rate %g, wanted %g", p0, target);
    return p0;
}

/* The shape asked of both: fewer wars with the mission, by 3 standard errors and a third. */
static void check_fewer_wars(const char *what, const war_country *c, double p0, double p1)
{
    double se = sqrt((p0 * (1.0 - p0) + p1 * (1.0 - p1)) / WAR_REPS);
    printf("%s: %.0f fighters, %.3f without a mission, %.3f with, %.0f%% fewer (se %.3f)\n",
           what, c->fighters, p0, p1, 100.0 * (p0 - p1) / p0, se);
    fflush(stdout); /* Check's forked child may not flush it when a check fails */
    ck_assert_msg(p0 - p1 > 3.0 * se, "%s: %g with the mission, %g without (se %g)", what, p1,
                  p0, se);
    ck_assert_msg(p1 < (2.0 / 3.0) * p0, "%s: the mission cuts war by only %g%%", what,
                  100.0 * (p0 - p1) / p0);
}

START_TEST(test_effects__a_mission_lowers_the_risk_that_war_resumes)
{
    /* Fortna 2004, 2008 (as summarised by Renn & Diehl): a mission after a ceasefire lowers
       the risk that war resumes by about 50-75%, from a base rate of about a quarter in five
       years (Suhrke & Samset 2007; Walter 2010). A post-ceasefire country of 5 million with
       reasonable state authority (0.6) and host forces of 5,000; its remaining fighters are
       set so that war resumes in a quarter of five-year runs without a mission. War resumes
       when some 12 consecutive months have 1,000 battle deaths. The mission is a
       traditional force of 2,000 troops and 200 police (engine/MODEL.md, "Published
       effects", gives the reduction for other sizes). */
    war_country c = {60, 5e6, 0.6, 5000.0, 0.0, 0};
    double p0 = tune_fighters(&c, 0.25);
    double p1 = war_share(&c, 2000.0, 200.0);
    check_fewer_wars("war resumes within five years", &c, p0, p1);
}
END_TEST

START_TEST(test_effects__a_strong_mission_cuts_major_armed_conflict)
{
    /* Hegre, Hultman & Nygard 2019: strong-mandate, well-funded missions cut major armed
       conflict by up to two thirds (in their simulation). A country of 10 million in a
       minor conflict (authority 0.5, host forces 8,000, as in the tests above), run ten
       years; its fighters are set so that half of the country-years are major armed
       conflict (1,000 battle deaths in the calendar year) without a mission. The strong
       mission: 15,000 troops and 2,000 police throughout. */
    war_country c = {120, 1e7, 0.5, 8000.0, 0.0, 1};
    double p0 = tune_fighters(&c, 0.5);
    double p1 = war_share(&c, 15000.0, 2000.0);
    check_fewer_wars("years of major armed conflict", &c, p0, p1);
}
END_TEST

int main(void)
{
    const TTest *const tests[] = {
        test_effects__more_troops_fewer_civilian_deaths_with_diminishing_returns,
        test_effects__police_cut_violence_against_civilians,
        test_effects__troops_cut_battle_deaths_more_than_police,
        test_effects__the_benefit_fades_after_the_mission_leaves,
        test_effects__losing_consent_weakens_protection_more_against_state_forces,
        test_effects__a_mercenary_partner_raises_civilian_harm,
        test_effects__a_mercenary_partner_cuts_fighters_when_its_abuses_recruit_no_one,
        test_effects__partner_air_cover_means_fewer_peacekeeper_deaths,
        test_effects__a_mission_lowers_the_risk_that_war_resumes,
        test_effects__a_strong_mission_cuts_major_armed_conflict,
    };
    return dd_test_run_case("effects", "published", 300, tests, DD_TEST_COUNT(tests));
}

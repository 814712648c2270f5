/*
 * Published effects, reproduced in shape (MODEL-BRIEF, "Published effects";
 * engine/MODEL.md, "Published effects" says how close the magnitudes come).
 *
 * Each test builds a small synthetic country (one region of 10 million
 * people, an armed group of 3,000 that can grow to at most 5,000, host forces
 * of 8,000), runs it 15 years with 200 replications and seed 2385, and
 * compares the monthly means of the last two years, where the model has
 * settled. The low recruitment ceiling makes it a conflict near its steady
 * state, the situation cross-national averages describe; with the Mali
 * calibration's ceiling a group keeps growing for decades and nothing settles. The seed is fixed and the
 * compared scenarios share it, so differences are paired; the margins asked
 * for (a few percent and more) are well above the Monte Carlo error of a mean
 * over 200 x 24 region-months.
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "dd_model.h"
#include "dd_runner.h"
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
       (beyond about 5,000 troops in one region) the troops' protection is so steep that the
       two rises become equal: engine/MODEL.md, "Published effects". */
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

static Suite *suite(void)
{
    Suite *s = suite_create("effects");
    TCase *tc = tcase_create("published");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, test_effects__more_troops_fewer_civilian_deaths_with_diminishing_returns);
    tcase_add_test(tc, test_effects__police_cut_violence_against_civilians);
    tcase_add_test(tc, test_effects__troops_cut_battle_deaths_more_than_police);
    tcase_add_test(tc, test_effects__the_benefit_fades_after_the_mission_leaves);
    tcase_add_test(tc, test_effects__losing_consent_weakens_protection_more_against_state_forces);
    tcase_add_test(tc, test_effects__a_mercenary_partner_raises_civilian_harm);
    tcase_add_test(tc, test_effects__a_mercenary_partner_cuts_fighters_when_its_abuses_recruit_no_one);
    tcase_add_test(tc, test_effects__partner_air_cover_means_fewer_peacekeeper_deaths);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

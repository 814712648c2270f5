/*
 * dd_params: the model's numeric parameters, their defaults and ranges.
 *
 * One X-macro list is the single source of truth: it declares the struct
 * fields, the defaults, the valid ranges, the units and the sources. The
 * scenario loader overrides entries by name, the validator range-checks them,
 * run.cfg writes them all out, and `drawdown params` prints the table that
 * engine/MODEL.md documents. A parameter added here is therefore loadable,
 * checked and written without touching any other module.
 *
 * Every parameter is a double; those marked integral must hold a whole
 * number. Mechanisms group parameters and can be switched off as a whole
 * (see dd_mech).
 */
#ifndef DD_PARAMS_H
#define DD_PARAMS_H

#include <stddef.h>

#include "dd_error.h"

/* Mechanisms of engine/MODEL.md that a scenario can switch off. */
typedef enum {
    DD_MECH_DETERRENCE = 0,  /* 1: forces suppress armed groups, armed groups recruit */
    DD_MECH_VIOLENCE,        /* 2: stochastic events and the fatality split */
    DD_MECH_CONTAGION,       /* 3: pushed fighters move into thinly held neighbours */
    DD_MECH_STATE_AUTHORITY, /* 4: authority grows with security and projects, erodes */
    DD_MECH_HOST_CAPACITY,   /* 5: host forces grow and gain quality */
    DD_MECH_CONSENT,         /* 6: consent follows legitimacy and politics; revocation */
    DD_MECH_LEGITIMACY,      /* 7: legitimacy erodes without improvement, recovers with gains */
    DD_MECH_PARTNERS,        /* 8: partner forces, their rules, training and grievance */
    DD_MECH_CONTRIBUTORS,    /* 8: contributor countries pull troops out as consent falls */
    DD_MECH_ACCOUNTABILITY,  /* 9: monitoring restrains abuses by security forces */
    DD_MECH_DISPLACEMENT,    /* 10: violence displaces people, access governs returns */
    DD_MECH_SHOCKS,          /* random political shocks (coups, disinformation) */
    DD_MECH_MILITIAS,        /* 13: community militias armed by dated events attack civilians */
    DD_MECH_COUNT
} dd_mech;

/* Name of a mechanism as written in scenario files ("deterrence", ...). */
const char *dd_mech_name(dd_mech m);
/* Mechanism with that name, or -1. */
int dd_mech_lookup(const char *name);

/*
 * X(mechanism, name, default, min, max, plo, phi, integral, unit, source)
 * `mechanism` is a dd_mech, or -1 for parameters outside any switchable
 * mechanism (policy, cost, outcome definitions). [min, max] is the range the
 * validator accepts; [plo, phi] is the plausible range that the sensitivity
 * runs explore (engine/MODEL.md, Parameters, states the rules that set it).
 * plo == phi marks a reference unit or an outcome definition, not varied.
 * Always min <= plo <= default <= phi <= max: when a default moves, move its
 * plausible range with it (a fitted parameter spans 0.7 to 1.3 times it).
 */
#define DD_PARAM_LIST(X)                                                                           \
    /* 1. Deterrence and attrition */                                                              \
    X(DD_MECH_DETERRENCE, troop_weight, 1.0, 0.0, 10.0, 1.0, 1.0, 0, "effective troops per troop", \
      "assumption (reference unit)")                                                               \
    X(DD_MECH_DETERRENCE, police_weight, 0.3, 0.0, 10.0, 0.15, 0.6, 0,                             \
      "effective troops per police officer",                                                       \
      "assumption, see sensitivity; HKS 2014 find no battle-death effect of police")               \
    X(DD_MECH_DETERRENCE, host_weight, 1.0, 0.0, 10.0, 0.5, 2.0, 0,                                \
      "effective troops per host soldier at quality 1", "assumption, see sensitivity")             \
    X(DD_MECH_DETERRENCE, partner_ct_weight, 2.0, 0.0, 10.0, 1.0, 4.0, 0,                          \
      "effective troops per counter-terrorism partner soldier",                                    \
      "assumption, see sensitivity (air and special forces)")                                      \
    X(DD_MECH_DETERRENCE, partner_merc_weight, 1.5, 0.0, 10.0, 0.75, 3.0, 0,                       \
      "effective troops per mercenary partner", "assumption, see sensitivity")                     \
    X(DD_MECH_DETERRENCE, partner_regional_weight, 0.7, 0.0, 10.0, 0.35, 1.4, 0,                   \
      "effective troops per regional partner soldier", "assumption, see sensitivity")              \
    X(DD_MECH_DETERRENCE, armed_growth_per_month, 0.0462, 0.0, 1.0, 0.0323, 0.0601, 0,             \
      "1/month (recruitment rate with no state authority)", "fitted to the bands T1-T7 (engine/MODEL.md, Calibration)")         \
    X(DD_MECH_DETERRENCE, armed_inflow_per_100k, 0.772, 0.0, 1000.0, 0.540, 1.00, 0,               \
      "recruits per 100,000 inhabitants per month with no state authority",                        \
      "fitted to the bands T1-T7 (engine/MODEL.md, Calibration)")                     \
    X(DD_MECH_DETERRENCE, armed_capacity_per_capita, 0.0948, 0.0, 0.1, 0.0664, 0.1, 0,             \
      "fighters per inhabitant (recruitment ceiling)", "fitted to the bands T1-T7 (engine/MODEL.md, Calibration)")              \
    X(DD_MECH_DETERRENCE, attrition_per_month, 0.0652, 0.0, 1.0, 0.0456, 0.0848, 0,                \
      "1/month (loss rate at full suppression)", "fitted to T1-T7 and to the published troop effect (Calibration, anchor)")                    \
    X(DD_MECH_DETERRENCE, force_ratio_half, 5.57, 0.01, 100.0, 3.90, 7.24, 0,                      \
      "effective troops per fighter giving half suppression", "fitted to T1-T7 and to the published troop effect (Calibration, anchor)")       \
    X(DD_MECH_DETERRENCE, armed_noise_sd, 0.05, 0.0, 1.0, 0.025, 0.1, 0,                           \
      "sd of monthly log growth", "assumption, see sensitivity")                                   \
    X(DD_MECH_DETERRENCE, control_half_density, 2.0, 0.001, 1000.0, 1.0, 4.0, 0,                   \
      "fighters per 1,000 inhabitants giving half control", "assumption, see sensitivity")         \
    X(DD_MECH_DETERRENCE, control_adjust_per_month, 0.2, 0.0, 1.0, 0.1, 0.4, 0,                    \
      "share of the gap to target control closed per month", "assumption")                         \
    /* 2. Violence and the fatality split */                                                       \
    X(DD_MECH_VIOLENCE, events_per_fighter_month, 0.00371, 0.0, 1.0, 0.0026, 0.00482, 0,          \
      "events per fighter-month", "fitted to the bands T1-T7 (engine/MODEL.md, Calibration)")      \
    X(DD_MECH_VIOLENCE, events_contest_gain, 0.0238, 0.0, 10.0, 0.0167, 0.0309, 0,                 \
      "relative rise of events at full suppression", "fitted to the bands T1-T7 (engine/MODEL.md, Calibration)")                \
    X(DD_MECH_VIOLENCE, events_dispersion, 2.0, 0.01, 1000.0, 1.0, 4.0, 0,                         \
      "negative-binomial shape of monthly events", "assumption, see sensitivity")                  \
    X(DD_MECH_VIOLENCE, fatalities_per_event, 3.73, 0.0, 100.0, 2.61, 4.85, 0, "deaths per event", \
      "fitted to the bands T1-T7 (Calibration); ACLED 2014-2022 has 3.5 deaths per event")         \
    X(DD_MECH_VIOLENCE, fatalities_dispersion, 0.5, 0.01, 1000.0, 0.25, 1.0, 0,                    \
      "negative-binomial shape of one event's deaths", "assumption, see sensitivity")              \
    X(DD_MECH_VIOLENCE, civilian_weight, 0.63, 0.0, 100.0, 0.441, 0.819, 0,                       \
      "relative weight of civilians in the split", "fitted to the bands T1-T7 (engine/MODEL.md, Calibration)")      \
    X(DD_MECH_VIOLENCE, government_weight, 0.25, 0.0, 100.0, 0.125, 0.5, 0,                        \
      "relative weight of host and partner forces", "assumption, see sensitivity")                 \
    X(DD_MECH_VIOLENCE, armed_weight, 0.40, 0.0, 100.0, 0.2, 0.8, 0,                               \
      "relative weight of armed-group members", "assumption, see sensitivity")                     \
    X(DD_MECH_VIOLENCE, civilian_protection_troops, 0.5, 0.0, 100.0, 0.25, 1.0, 0,                 \
      "log-reduction of civilian weight per 1,000 troops in a region",                             \
      "shape from Hultman, Kathman & Shannon 2013 (as summarised by Renn & Diehl)")                \
    X(DD_MECH_VIOLENCE, civilian_protection_police, 2.0, 0.0, 100.0, 1.0, 4.0, 0,                  \
      "log-reduction of civilian weight per 1,000 police in a region",                             \
      "shape from Hultman, Kathman & Shannon 2013 (as summarised by Renn & Diehl)")                \
    X(DD_MECH_VIOLENCE, pk_deaths_per_1000_month, 1.16, 0.0, 100.0, 0.812, 1.51, 0,              \
      "peacekeeper deaths per 1,000 uniformed per month at full threat",                           \
      "fitted to T1 and T2 (engine/MODEL.md, Calibration)")                                        \
    X(DD_MECH_VIOLENCE, pk_threat_half, 500.0, 1.0, 1e6, 250.0, 1000.0, 0,                         \
      "fighters in a region giving half the full threat", "assumption, see sensitivity")           \
    X(DD_MECH_VIOLENCE, pk_air_protection, 0.5, 0.0, 1.0, 0.25, 0.75, 0,                           \
      "share of peacekeeper risk removed by full counter-terrorism cover",                         \
      "assumption, see sensitivity")                                                               \
    X(DD_MECH_VIOLENCE, pk_cover_reference, 1000.0, 1.0, 1e6, 500.0, 2000.0, 0,                    \
      "counter-terrorism partner troops in a region giving full cover", "assumption")              \
    X(DD_MECH_VIOLENCE, pk_adaptation_floor, 0.293, 0.0, 1.0, 0.205, 0.381, 0,                     \
      "share of the first month's peacekeeper risk left once the mission has adapted",            \
      "fitted to T1 and T2 (engine/MODEL.md, Calibration)")                                        \
    X(DD_MECH_VIOLENCE, pk_adaptation_months, 10.1, 1.0, 1200.0, 7.07, 13.1, 0,                   \
      "months of presence over which the mission's force protection improves (time constant)",   \
      "fitted to T1 and T2 (engine/MODEL.md, Calibration)")                                        \
    /* 3. Contagion */                                                                             \
    X(DD_MECH_CONTAGION, contagion_per_month, 0.127, 0.0, 1.0, 0.0889, 0.165, 0,                   \
      "share of a region's fighters that move to neighbours per month at full suppression",        \
      "fitted to the bands T1-T7 (engine/MODEL.md, Calibration)")                     \
    /* 4. State authority and stabilisation */                                                     \
    X(DD_MECH_STATE_AUTHORITY, authority_gain_security, 0.01, 0.0, 1.0, 0.005, 0.02, 0,            \
      "1/month (authority gain where security holds fully)", "assumption, see sensitivity")        \
    X(DD_MECH_STATE_AUTHORITY, authority_gain_projects, 0.002, 0.0, 1.0, 0.001, 0.004, 0,          \
      "1/month (authority gain with full civilian work of the mission)",                           \
      "assumption, see sensitivity (373 quick-impact projects by 2018, FACTS section 10)")         \
    X(DD_MECH_STATE_AUTHORITY, projects_reference, 1000.0, 1.0, 1e6, 500.0, 2000.0, 0,             \
      "mission personnel in a region giving full civilian work", "assumption")                     \
    X(DD_MECH_STATE_AUTHORITY, civilian_staff_weight, 1.0, 0.0, 10.0, 0.5, 2.0, 0,                 \
      "uniformed-person equivalents per civilian staff member, for civilian work and "           \
      "monitoring, where armed groups do not control the area",                                  \
      "assumption, see sensitivity (civil affairs and human-rights staff)")                        \
    X(DD_MECH_STATE_AUTHORITY, authority_erosion, 0.03, 0.0, 1.0, 0.015, 0.06, 0,                  \
      "1/month (authority loss at full armed control)", "assumption, see sensitivity")             \
    /* 5. Host security-force capacity */                                                          \
    X(DD_MECH_HOST_CAPACITY, host_recruit_per_month, 0.01, 0.0, 1.0, 0.007, 0.015, 0,              \
      "1/month (host force growth far below the ceiling)",                                         \
      "FACTS section 8: about 8,000 (2015) to about 20,000 (2022)")                                \
    X(DD_MECH_HOST_CAPACITY, host_ceiling, 45000.0, 0.0, 1e8, 35000.0, 50000.0, 0,                 \
      "host troops (national)",                                                                    \
      "FACTS section 8: about 40,000 active (recent)")                                             \
    X(DD_MECH_HOST_CAPACITY, quality_gain_per_month, 0.002, 0.0, 1.0, 0.001, 0.004, 0,             \
      "1/month (quality gain without mission support)", "assumption, see sensitivity")             \
    X(DD_MECH_HOST_CAPACITY, quality_gain_mentoring, 0.01, 0.0, 1.0, 0.005, 0.02, 0,               \
      "1/month (extra gain with full mission support)", "assumption, see sensitivity")             \
    X(DD_MECH_HOST_CAPACITY, mentoring_reference, 10000.0, 1.0, 1e7, 5000.0, 20000.0, 0,           \
      "uniformed mission personnel giving full support", "assumption")                             \
    X(DD_MECH_HOST_CAPACITY, quality_decay_per_month, 0.005, 0.0, 1.0, 0.0025, 0.01, 0,            \
      "1/month (loss of quality)", "assumption, see sensitivity")                                  \
    /* 6. Consent */                                                                               \
    X(DD_MECH_CONSENT, consent_adjust_per_month, 0.03, 0.0, 1.0, 0.015, 0.06, 0,                   \
      "share of the gap to the consent target closed per month", "assumption, see sensitivity")    \
    X(DD_MECH_CONSENT, consent_revoke_threshold, 0.2, 0.0, 1.0, 0.1, 0.4, 0,                       \
      "consent below which the host revokes it", "assumption, see sensitivity")                    \
    X(DD_MECH_CONSENT, freedom_consent_loss, 0.25, 0.0, 1.0, 0.125, 0.5, 0,                        \
      "share of the mission's effect lost at zero consent (denied flights and access)",            \
      "assumption, set so that losing consent weakens protection against state forces more "     \
      "than against armed groups (Fjelde, Hultman & Nilsson 2019); overflight denials, FACTS 9")   \
    X(DD_MECH_CONSENT, mercenary_consent_pressure, 0.3, 0.0, 1.0, 0.15, 0.6, 0,                    \
      "fall of the consent target with 1,000 mercenaries present", "assumption, see sensitivity")  \
    X(DD_MECH_CONSENT, coup_consent_drop, 0.2, 0.0, 1.0, 0.1, 0.4, 0,                              \
      "fall of consent at a coup (default event magnitude)", "assumption, see sensitivity")        \
    /* 7. Legitimacy */                                                                            \
    X(DD_MECH_LEGITIMACY, legitimacy_erosion_per_month, 0.01, 0.0, 1.0, 0.005, 0.02, 0,            \
      "1/month (loss of legitimacy after long presence without improvement)",                      \
      "assumption, see sensitivity")                                                               \
    X(DD_MECH_LEGITIMACY, legitimacy_erosion_years, 5.0, 0.1, 50.0, 2.5, 10.0, 0,                  \
      "years of presence until erosion is at full rate", "assumption, see sensitivity")            \
    X(DD_MECH_LEGITIMACY, legitimacy_gain_per_month, 0.05, 0.0, 1.0, 0.025, 0.1, 0,                \
      "1/month (gain with a full visible fall in violence)", "assumption, see sensitivity")        \
    X(DD_MECH_LEGITIMACY, legitimacy_projects_gain, 0.003, 0.0, 1.0, 0.0015, 0.006, 0,             \
      "1/month (gain from civilian projects while deployed)", "assumption, see sensitivity")       \
    X(DD_MECH_LEGITIMACY, disinformation_legitimacy_drop, 0.1, 0.0, 1.0, 0.05, 0.2, 0,             \
      "fall of legitimacy at a disinformation shock (default event magnitude)", "assumption")      \
    X(DD_MECH_LEGITIMACY, violence_short_months, 3.0, 1.0, 120.0, 1.5, 6.0, 0,                     \
      "months of the short average of national deaths", "assumption")                             \
    X(DD_MECH_LEGITIMACY, violence_long_months, 24.0, 1.0, 240.0, 12.0, 48.0, 0,                   \
      "months of the long average of national deaths", "assumption")                              \
    /* 8. Partners and contributors */                                                             \
    X(DD_MECH_PARTNERS, mercenary_grievance, 0.01, 0.0, 1.0, 0.005, 0.02, 0,                       \
      "1/month extra recruitment per 1,000 unmonitored mercenaries in a region",                   \
      "assumption, see sensitivity (abuses feed recruitment)")                                     \
    X(DD_MECH_PARTNERS, training_gain_per_month, 0.01, 0.0, 1.0, 0.005, 0.02, 0,                   \
      "1/month host quality gain with full training support", "assumption, see sensitivity")       \
    X(DD_MECH_PARTNERS, training_reference, 500.0, 1.0, 1e6, 350.0, 700.0, 0,                      \
      "training-partner personnel giving full support",                                            \
      "EUTM up to about 700 personnel (FACTS section 6)")                                          \
    X(DD_MECH_CONTRIBUTORS, pullout_per_month, 0.02, 0.0, 1.0, 0.01, 0.04, 0,                      \
      "share of troops withdrawn by contributors per month at zero consent",                       \
      "assumption, see sensitivity (2022 pull-outs, FACTS section 9)")                             \
    X(DD_MECH_CONTRIBUTORS, pullout_consent_level, 0.5, 0.0, 1.0, 0.25, 0.75, 0,                   \
      "consent below which contributors start to leave", "assumption, see sensitivity")            \
    /* 9. Accountability */                                                                        \
    X(DD_MECH_ACCOUNTABILITY, abuse_weight, 0.0502, 0.0, 100.0, 0.0351, 0.0653, 0,                 \
      "weight of civilians killed by state or partner forces, per 1,000 host-soldier equivalents", \
      "fitted to the bands T1-T7 (engine/MODEL.md, Calibration); MINUSMA HRD attributes "        \
      "248 civilian deaths to Malian forces in Q1 2022")                                           \
    X(DD_MECH_ACCOUNTABILITY, mercenary_abuse_factor, 5.0, 0.0, 100.0, 2.5, 10.0, 0,               \
      "host-soldier equivalents of abuse per mercenary",                                           \
      "assumption, see sensitivity (Moura, FACTS section 7)")                                      \
    X(DD_MECH_ACCOUNTABILITY, monitoring_restraint, 0.7, 0.0, 1.0, 0.35, 0.85, 0,                  \
      "share of abuses prevented by full monitoring", "assumption, see sensitivity")               \
    X(DD_MECH_ACCOUNTABILITY, monitoring_reference, 2000.0, 1.0, 1e6, 1000.0, 4000.0, 0,           \
      "mission personnel in a region giving full monitoring", "assumption")                        \
    X(DD_MECH_ACCOUNTABILITY, monitoring_consent_floor, 0.2, 0.0, 1.0, 0.1, 0.4, 0,                \
      "monitoring effectiveness at zero consent (access depends on consent)",                      \
      "shape from Fjelde, Hultman & Nilsson 2019")                                                 \
    /* 10. Displacement and humanitarian access */                                    \
    X(DD_MECH_DISPLACEMENT, displaced_per_fatality, 68.6, 0.0, 1e5, 48.0, 89.2, 0,                 \
      "persons displaced per conflict death", "fitted to the bands T1-T7 (engine/MODEL.md, Calibration)")                        \
    X(DD_MECH_DISPLACEMENT, return_per_month, 0.119, 0.0, 1.0, 0.0833, 0.155, 0,                   \
      "share of displaced returning per month where there is no armed control",                    \
      "fitted to the bands T1-T7 (engine/MODEL.md, Calibration)")                                  \
    X(DD_MECH_DISPLACEMENT, access_control_loss, 0.8, 0.0, 1.0, 0.4, 0.9, 0,                       \
      "access lost at full armed control", "assumption")                                           \
    X(DD_MECH_DISPLACEMENT, access_violence_loss, 0.3, 0.0, 1.0, 0.15, 0.6, 0,                     \
      "access lost at saturating violence", "assumption")                                          \
    X(DD_MECH_DISPLACEMENT, access_events_half, 5.0, 0.01, 1e5, 2.5, 10.0, 0,                      \
      "events per month giving half the violence loss", "assumption")                              \
    X(DD_MECH_DISPLACEMENT, access_escort_gain, 0.2, 0.0, 1.0, 0.1, 0.4, 0,                        \
      "access regained with full mission escort", "assumption")                                    \
    X(DD_MECH_DISPLACEMENT, escort_reference, 2000.0, 1.0, 1e6, 1000.0, 4000.0, 0,                 \
      "mission personnel in a region giving full escort", "assumption")                            \
    /* Random political shocks */                                                                  \
    X(DD_MECH_SHOCKS, coup_per_year, 0.0, 0.0, 12.0, 0.0, 0.0, 0,                                  \
      "expected random coups per year",                                                            \
      "assumption: 0 by default; scenarios set it")                                                \
    X(DD_MECH_SHOCKS, disinformation_per_year, 0.0, 0.0, 12.0, 0.0, 0.0, 0,                        \
      "expected random disinformation shocks per year", "assumption: 0 by default")                \
    /* 11. Exit policy and troop allocation */                                                     \
    X(-1, allocation_threat_weight, 0.5, 0.0, 1.0, 0.25, 0.75, 0,                                  \
      "share of troops allocated by threat under mission.allocation = \"threat\"", "assumption")   \
    X(-1, forced_withdrawal_months, 6.0, 1.0, 120.0, 3.0, 12.0, 1,                                 \
      "months from consent revocation to zero troops",                                             \
      "UNSC res 2690: June 2023 request, withdrawal complete 31 Dec 2023")                         \
    /* 12. Cost */                                                                                 \
    X(-1, usd_per_person_month, 5000.0, 0.0, 1e7, 4000.0, 6000.0, 0,                               \
      "USD per uniformed person-month",                                                            \
      "derived: FY budgets about 1.1 bn USD/yr (FACTS section 2) less fixed costs")                \
    X(-1, usd_per_civilian_month, 8000.0, 0.0, 1e7, 5000.0, 12000.0, 0,                           \
      "USD per civilian staff person-month",                                                     \
      "assumption: a mix of about 800 international and 900 national staff (FACTS section 1)")    \
    X(-1, fixed_usd_per_month, 16.0e6, 0.0, 1e10, 8.0e6, 32.0e6, 0,                                \
      "USD per month while uniformed personnel are deployed",                                     \
      "assumption: support and logistics; with the civilian staff of base-mission.cfg the "      \
      "total stays near the FY budgets of about 1.1 bn USD/yr (FACTS section 2)")                  \
    /* 13. Community militias */                                                                   \
    X(DD_MECH_MILITIAS, militia_attacks_per_1000_month, 10.0, 0.0, 1000.0, 5.0, 20.0, 0,          \
      "attacks on civilians per 1,000 militia members per month where no one protects them",      \
      "assumption, see sensitivity (with the Mali militia's size, it gives the UN's 2018 "         \
      "count)")                                                                                    \
    X(DD_MECH_MILITIAS, militia_deaths_per_attack, 2.92, 0.0, 100.0, 2.0, 4.0, 0,                 \
      "civilians killed per militia attack",                                                       \
      "OHCHR from MINUSMA, 17 Jul 2018: 289 civilians killed in 99 incidents of violence "         \
      "between communities")                                                                       \
    /* Outcome definitions */                                                                      \
    X(-1, vacuum_window_months, 24.0, 1.0, 240.0, 24.0, 24.0, 1, "months after the exit",          \
      "MODEL-BRIEF (24 months)")                                                                   \
    X(-1, relapse_window_months, 24.0, 1.0, 240.0, 24.0, 24.0, 1,                                  \
      "months after the exit", "assumption")                                                       \
    X(-1, relapse_baseline_months, 12.0, 1.0, 240.0, 12.0, 12.0, 1,                                \
      "months before the exit", "assumption")                                                      \
    X(-1, relapse_ratio, 1.5, 1.0, 100.0, 1.5, 1.5, 0,                                             \
      "ratio of mean monthly deaths after to before",                                              \
      "assumption (outcome definition, not varied)")

typedef struct dd_params {
#define DD_PARAM_FIELD(mech, name, def, lo, hi, plo, phi, integral, unit, source) double name;
    DD_PARAM_LIST(DD_PARAM_FIELD)
#undef DD_PARAM_FIELD
} dd_params;

/* Description of one parameter, for loaders, writers and documentation. */
typedef struct dd_param_info {
    const char *name;   /* as written in scenario files */
    size_t offset;      /* offsetof(dd_params, name) */
    double def;         /* documented default */
    double min, max;    /* valid closed range */
    double plausible_min, plausible_max; /* range explored by the sensitivity runs;
                                            equal when the parameter is not varied */
    int integral;       /* 1 when the value must be a whole number */
    int mechanism;      /* a dd_mech, or -1 */
    const char *unit;   /* unit and meaning */
    const char *source; /* where the default comes from */
} dd_param_info;

/* The table of all parameters, in declaration order; *count receives its length. */
const dd_param_info *dd_params_table(size_t *count);

/* Parameter with that name, or NULL. */
const dd_param_info *dd_params_lookup(const char *name);

/* Fill p with every documented default. */
void dd_params_default(dd_params *p);

/* Pointer to the field of p that `info` describes. */
double *dd_params_field(dd_params *p, const dd_param_info *info);
double dd_params_get(const dd_params *p, const dd_param_info *info);

/*
 * Check one value against a parameter's range (and integrality). Returns 0,
 * or DD_ERANGE with a message naming the parameter and its range; the error
 * carries no file location (the caller adds it).
 */
int dd_params_check_value(const dd_param_info *info, double value, dd_error *err);

/* Check every parameter. Returns 0 or DD_ERANGE for the first bad one. */
int dd_params_validate(const dd_params *p, dd_error *err);

#endif

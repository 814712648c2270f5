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
    DD_MECH_DETERRENCE = 0, /* 1: forces suppress armed groups, armed groups recruit */
    DD_MECH_VIOLENCE,       /* 2: stochastic events and the fatality split */
    DD_MECH_HOST_CAPACITY,  /* 5: host forces grow and gain quality */
    DD_MECH_DISPLACEMENT,   /* 10: violence displaces people, access falls */
    DD_MECH_COUNT
} dd_mech;

/* Name of a mechanism as written in scenario files ("deterrence", ...). */
const char *dd_mech_name(dd_mech m);
/* Mechanism with that name, or -1. */
int dd_mech_lookup(const char *name);

/*
 * X(mechanism, name, default, min, max, integral, unit, source)
 * `mechanism` is a dd_mech, or -1 for parameters outside any switchable
 * mechanism (policy, cost, outcome definitions).
 */
#define DD_PARAM_LIST(X)                                                                           \
    /* 1. Deterrence and attrition */                                                              \
    X(DD_MECH_DETERRENCE, troop_weight, 1.0, 0.0, 10.0, 0, "effective troops per troop",           \
      "assumption (reference unit)")                                                               \
    X(DD_MECH_DETERRENCE, police_weight, 0.3, 0.0, 10.0, 0, "effective troops per police officer", \
      "assumption, see sensitivity; HKS 2014 find no battle-death effect of police")               \
    X(DD_MECH_DETERRENCE, host_weight, 1.0, 0.0, 10.0, 0,                                          \
      "effective troops per host soldier at quality 1", "assumption, see sensitivity")             \
    X(DD_MECH_DETERRENCE, partner_ct_weight, 2.0, 0.0, 10.0, 0,                                    \
      "effective troops per counter-terrorism partner soldier",                                    \
      "assumption, see sensitivity (air and special forces)")                                      \
    X(DD_MECH_DETERRENCE, partner_merc_weight, 1.5, 0.0, 10.0, 0,                                  \
      "effective troops per mercenary partner", "assumption, see sensitivity")                     \
    X(DD_MECH_DETERRENCE, partner_regional_weight, 0.7, 0.0, 10.0, 0,                              \
      "effective troops per regional partner soldier", "assumption, see sensitivity")              \
    X(DD_MECH_DETERRENCE, armed_growth_per_month, 0.06, 0.0, 1.0, 0,                               \
      "1/month (recruitment rate with no state authority)", "assumption, see sensitivity")         \
    X(DD_MECH_DETERRENCE, armed_inflow_per_100k, 2.0, 0.0, 1000.0, 0,                              \
      "recruits per 100,000 inhabitants per month with no state authority",                        \
      "assumption, see sensitivity (persistent grievance keeps groups alive)")                     \
    X(DD_MECH_DETERRENCE, armed_capacity_per_capita, 0.004, 0.0, 0.1, 0,                           \
      "fighters per inhabitant (recruitment ceiling)", "assumption, see sensitivity")              \
    X(DD_MECH_DETERRENCE, attrition_per_month, 0.10, 0.0, 1.0, 0,                                  \
      "1/month (loss rate at full suppression)", "assumption, see sensitivity")                    \
    X(DD_MECH_DETERRENCE, force_ratio_half, 3.0, 0.01, 100.0, 0,                                   \
      "effective troops per fighter giving half suppression", "assumption, see sensitivity")       \
    X(DD_MECH_DETERRENCE, armed_noise_sd, 0.05, 0.0, 1.0, 0,                                       \
      "sd of monthly log growth", "assumption, see sensitivity")                                   \
    X(DD_MECH_DETERRENCE, control_half_density, 2.0, 0.001, 1000.0, 0,                            \
      "fighters per 1,000 inhabitants giving half control", "assumption, see sensitivity")         \
    X(DD_MECH_DETERRENCE, control_adjust_per_month, 0.2, 0.0, 1.0, 0,                              \
      "share of the gap to target control closed per month", "assumption")                         \
    /* 2. Violence and the fatality split */                                                       \
    X(DD_MECH_VIOLENCE, events_per_fighter_month, 0.004, 0.0, 1.0, 0,                              \
      "events per fighter-month", "calibrated to ACLED events (T4)")                               \
    X(DD_MECH_VIOLENCE, events_contest_gain, 1.0, 0.0, 10.0, 0,                                    \
      "relative rise of events at full suppression", "assumption, see sensitivity")                \
    X(DD_MECH_VIOLENCE, events_dispersion, 2.0, 0.01, 1000.0, 0,                                   \
      "negative-binomial shape of monthly events", "assumption, see sensitivity")                  \
    X(DD_MECH_VIOLENCE, fatalities_per_event, 3.3, 0.0, 100.0, 0, "deaths per event",              \
      "ACLED Mali 2014-2022: 15,276 deaths / 4,406 events = 3.5")                                  \
    X(DD_MECH_VIOLENCE, fatalities_dispersion, 0.5, 0.01, 1000.0, 0,                               \
      "negative-binomial shape of one event's deaths", "assumption, see sensitivity")              \
    X(DD_MECH_VIOLENCE, civilian_weight, 0.35, 0.0, 100.0, 0,                                      \
      "relative weight of civilians in the split", "calibrated to ACLED civilian share (T6)")      \
    X(DD_MECH_VIOLENCE, government_weight, 0.25, 0.0, 100.0, 0,                                   \
      "relative weight of host and partner forces", "assumption, see sensitivity")                 \
    X(DD_MECH_VIOLENCE, armed_weight, 0.40, 0.0, 100.0, 0,                                         \
      "relative weight of armed-group members", "assumption, see sensitivity")                     \
    X(DD_MECH_VIOLENCE, civilian_protection_troops, 0.5, 0.0, 100.0, 0,                            \
      "log-reduction of civilian weight per 1,000 troops in a region",                             \
      "shape from Hultman, Kathman & Shannon 2013 (as summarised by Renn & Diehl)")                 \
    X(DD_MECH_VIOLENCE, civilian_protection_police, 2.0, 0.0, 100.0, 0,                            \
      "log-reduction of civilian weight per 1,000 police in a region",                             \
      "shape from Hultman, Kathman & Shannon 2013 (as summarised by Renn & Diehl)")                 \
    X(DD_MECH_VIOLENCE, mercenary_civilian_harm, 1.0, 0.0, 100.0, 0,                               \
      "relative rise of civilian weight per 1,000 mercenaries in a region",                        \
      "assumption, see sensitivity (Moura, FACTS section 7)")                                      \
    X(DD_MECH_VIOLENCE, pk_deaths_per_1000_month, 0.4, 0.0, 100.0, 0,                              \
      "peacekeeper deaths per 1,000 uniformed per month at full threat",                           \
      "calibrated to UN DPO malicious-act deaths (T1, T2)")                                        \
    X(DD_MECH_VIOLENCE, pk_threat_half, 500.0, 1.0, 1e6, 0,                                        \
      "fighters in a region giving half the full threat", "assumption, see sensitivity")           \
    X(DD_MECH_VIOLENCE, pk_air_protection, 0.5, 0.0, 1.0, 0,                                       \
      "share of peacekeeper risk removed by full counter-terrorism cover",                         \
      "assumption, see sensitivity")                                                               \
    X(DD_MECH_VIOLENCE, pk_cover_reference, 1000.0, 1.0, 1e6, 0,                                   \
      "counter-terrorism partner troops in a region giving full cover", "assumption")              \
    /* 5. Host security-force capacity */                                                          \
    X(DD_MECH_HOST_CAPACITY, host_recruit_per_month, 0.01, 0.0, 1.0, 0,                            \
      "1/month (host force growth far below the ceiling)",                                         \
      "FACTS section 8: about 8,000 (2015) to about 20,000 (2022)")                                \
    X(DD_MECH_HOST_CAPACITY, host_ceiling, 45000.0, 0.0, 1e8, 0, "host troops (national)",         \
      "FACTS section 8: about 40,000 active (recent)")                                             \
    X(DD_MECH_HOST_CAPACITY, quality_gain_per_month, 0.002, 0.0, 1.0, 0,                           \
      "1/month (quality gain without mission support)", "assumption, see sensitivity")             \
    X(DD_MECH_HOST_CAPACITY, quality_gain_mentoring, 0.01, 0.0, 1.0, 0,                            \
      "1/month (extra gain with full mission support)", "assumption, see sensitivity")             \
    X(DD_MECH_HOST_CAPACITY, mentoring_reference, 10000.0, 1.0, 1e7, 0,                            \
      "uniformed mission personnel giving full support", "assumption")                             \
    X(DD_MECH_HOST_CAPACITY, quality_decay_per_month, 0.005, 0.0, 1.0, 0,                          \
      "1/month (loss of quality)", "assumption, see sensitivity")                                  \
    /* 10. Displacement and humanitarian access (basic form) */                                    \
    X(DD_MECH_DISPLACEMENT, displaced_per_fatality, 60.0, 0.0, 1e5, 0,                             \
      "persons displaced per conflict death", "calibrated to IOM DTM (T7)")                        \
    X(DD_MECH_DISPLACEMENT, return_per_month, 0.04, 0.0, 1.0, 0,                                   \
      "share of displaced returning per month where there is no armed control",                    \
      "calibrated to IOM DTM returns 2013-2016 (T7)")                                              \
    X(DD_MECH_DISPLACEMENT, access_control_loss, 0.8, 0.0, 1.0, 0,                                 \
      "access lost at full armed control", "assumption")                                           \
    X(DD_MECH_DISPLACEMENT, access_violence_loss, 0.3, 0.0, 1.0, 0,                                \
      "access lost at saturating violence", "assumption")                                          \
    X(DD_MECH_DISPLACEMENT, access_events_half, 5.0, 0.01, 1e5, 0,                                 \
      "events per month giving half the violence loss", "assumption")                              \
    X(DD_MECH_DISPLACEMENT, access_escort_gain, 0.2, 0.0, 1.0, 0,                                  \
      "access regained with full mission escort", "assumption")                                    \
    X(DD_MECH_DISPLACEMENT, escort_reference, 2000.0, 1.0, 1e6, 0,                                 \
      "mission personnel in a region giving full escort", "assumption")                            \
    /* 11. Exit policy */                                                                          \
    X(-1, forced_withdrawal_months, 6.0, 1.0, 120.0, 1,                                            \
      "months from consent revocation to zero troops",                                             \
      "UNSC res 2690: June 2023 request, withdrawal complete 31 Dec 2023")                         \
    /* 12. Cost */                                                                                 \
    X(-1, usd_per_person_month, 5000.0, 0.0, 1e7, 0, "USD per uniformed person-month",             \
      "derived: FY budgets about 1.1 bn USD/yr (FACTS section 2) less fixed costs")                 \
    X(-1, fixed_usd_per_month, 30.0e6, 0.0, 1e10, 0, "USD per month while deployed",               \
      "assumption: civilian component and support, see sensitivity")                               \
    /* Outcome definitions */                                                                      \
    X(-1, vacuum_window_months, 24.0, 1.0, 240.0, 1, "months after the exit",                      \
      "MODEL-BRIEF (24 months)")                                                                   \
    X(-1, relapse_window_months, 24.0, 1.0, 240.0, 1, "months after the exit", "assumption")       \
    X(-1, relapse_baseline_months, 12.0, 1.0, 240.0, 1, "months before the exit", "assumption")    \
    X(-1, relapse_ratio, 1.5, 1.0, 100.0, 0, "ratio of mean monthly deaths after to before",       \
      "assumption, see sensitivity")

typedef struct dd_params {
#define DD_PARAM_FIELD(mech, name, def, lo, hi, integral, unit, source) double name;
    DD_PARAM_LIST(DD_PARAM_FIELD)
#undef DD_PARAM_FIELD
} dd_params;

/* Description of one parameter, for loaders, writers and documentation. */
typedef struct dd_param_info {
    const char *name;   /* as written in scenario files */
    size_t offset;      /* offsetof(dd_params, name) */
    double def;         /* documented default */
    double min, max;    /* valid closed range */
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

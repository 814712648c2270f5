/*
 * dd_policy: exit policies as a const table of interchangeable parts.
 *
 * A policy turns the mission's dated schedule into the level actually
 * deployed: each month it returns the fraction of the scheduled troops and
 * police that stays. Policies are entries of a table (name, step function,
 * exit reason, documentation), in the manner of GSL's gsl_rng_type, so a new
 * policy is one more entry. The override by consent revocation is applied
 * by the model on top of any policy (engine/MODEL.md, mechanism 11).
 */
#ifndef DD_POLICY_H
#define DD_POLICY_H

#include "dd_input.h"
#include "dd_metrics.h"

/* What a policy may look at when it decides (filled by the model each month). */
typedef struct dd_policy_view {
    int month_index;    /* months since the start */
    int month;          /* absolute month */
    /* Indicators observed at the end of the previous month (none before the first). */
    double fatalities;  /* national deaths in the previous month */
    double host_ratio;  /* effective host forces (quality x forces) per fighter, national */
    double authority;   /* population-weighted state authority */
} dd_policy_view;

/* A policy's own state, kept in the replication state. */
typedef struct dd_policy_state {
    double fraction;    /* share of the schedule deployed last month, [0,1] */
    int phase;          /* phases completed (conditions: net phases down) */
    int streak;         /* conditions: consecutive passed reviews */
    double deaths_sum;  /* conditions: national deaths since the last review */
    int deaths_months;  /* conditions: months in deaths_sum */
} dd_policy_state;

typedef struct dd_policy_type {
    const char *name;           /* as written in scenario files */
    dd_exit_reason exit_reason; /* reason recorded when this policy empties the mission */
    /* Fraction of the schedule deployed this month; updates st. Pure. */
    double (*step)(const dd_policy_spec *spec, const dd_policy_view *view, dd_policy_state *st);
    const char *doc;            /* one line for `drawdown help` */
} dd_policy_type;

/* Table entry for a policy kind (never NULL for a valid kind). */
const dd_policy_type *dd_policy_get(dd_policy_kind kind);

/* Kind with that name, or -1. */
int dd_policy_lookup(const char *name);

/* Initial policy state (everything deployed). */
void dd_policy_init(dd_policy_state *st);

/*
 * Whether the benchmarks of a conditions policy hold for the given mean
 * monthly deaths, host ratio and authority (benchmarks < 0 are not used).
 */
int dd_policy_benchmarks_hold(const dd_policy_spec *spec, double deaths_per_month,
                              double host_ratio, double authority);

#endif

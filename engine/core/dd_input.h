/*
 * dd_input: the plain, fully resolved description of one scenario.
 *
 * This is what the engine runs. It is filled by the scenario loader
 * (engine/io/dd_scenario.c, the only module that knows libconfig) or built
 * by hand in tests, and checked by dd_input_validate. It holds no pointers
 * into any parser's memory: everything is owned by the dd_input and freed by
 * dd_input_free.
 *
 * Each item keeps the place it was written (dd_srcloc) so that a check that
 * spans several settings (shares that must sum to one, dates in order) can
 * still name `file:line`.
 *
 * Months are absolute month numbers (dd_month.h).
 */
#ifndef DD_INPUT_H
#define DD_INPUT_H

#include <stddef.h>
#include <stdint.h>

#include "dd_error.h"
#include "dd_params.h"

#define DD_NAME_MAX 64

/* Where a setting was written. `file` points into dd_input.files. */
typedef struct dd_srcloc {
    const char *file; /* NULL when built in code */
    int line;         /* 0 when unknown */
} dd_srcloc;

/* A dated value: from `month` on (linear interpolation between points). */
typedef struct dd_point {
    int month;    /* absolute month (dd_month.h) */
    double value; /* persons */
    dd_srcloc loc;
} dd_point;

/*
 * A dated schedule. Before the first point the value is 0 (not yet deployed);
 * between two points it is interpolated linearly by month; after the last
 * point it stays at the last value. Points are strictly increasing in month.
 */
typedef struct dd_schedule {
    dd_point *points;
    size_t n;
} dd_schedule;

/* Value of a schedule at an absolute month. */
double dd_schedule_at(const dd_schedule *s, int month);

typedef struct dd_region {
    char name[DD_NAME_MAX];
    double population;       /* persons, > 0 */
    size_t *neighbours;      /* indices into dd_input.regions, no duplicates, not itself */
    size_t n_neighbours;
    double armed_strength;   /* fighters at the start month, >= 0 */
    double armed_control;    /* share of population under armed control at start, [0,1] */
    double state_authority;  /* share, [0,1] */
    double host_forces;      /* host security forces in the region at start, persons >= 0 */
    double displaced;        /* internally displaced persons at start (by region of origin) */
    double troop_share;      /* share of mission troops deployed here, [0,1], sums to 1 */
    double police_share;     /* share of mission police deployed here, [0,1], sums to 1 */
    int has_map;             /* 1 when map coordinates were given */
    double map_x, map_y;     /* tile position for schematic maps (any unit) */
    dd_srcloc loc;
} dd_region;

typedef enum {
    DD_ROLE_COUNTER_TERRORISM = 0, /* fights armed groups, air cover protects peacekeepers */
    DD_ROLE_MERCENARY,             /* fights armed groups, abuses civilians */
    DD_ROLE_REGIONAL,              /* a regional force: fights, less effectively */
    DD_ROLE_TRAINING,              /* trains host forces, does not fight */
    DD_ROLE_COUNT
} dd_role;

/* Name of a role as written in scenario files ("counter_terrorism", ...). */
const char *dd_role_name(dd_role r);
/* Role with that name, or -1. */
int dd_role_lookup(const char *name);

typedef struct dd_partner {
    char name[DD_NAME_MAX];
    dd_role role;
    dd_schedule strength;   /* persons in the country */
    double *region_share;   /* n_regions shares summing to 1 */
    /* Rule: the partner leaves for good once host consent falls below this share;
       -1 when it has no such rule. Applies when the partners mechanism is on. */
    double leave_below_consent;
    dd_srcloc loc;
} dd_partner;

typedef enum {
    DD_EVENT_CONSENT_REVOKED = 0, /* host revokes consent: forced withdrawal */
    DD_EVENT_COUP,                /* consent falls by `magnitude` (default coup_consent_drop) */
    DD_EVENT_DISINFORMATION,      /* legitimacy falls by `magnitude` (default
                                     disinformation_legitimacy_drop) */
    DD_EVENT_CONTRIBUTOR_PULLOUT, /* `magnitude` troops leave the mission for good */
    DD_EVENT_OFFENSIVE,           /* `magnitude` fighters from outside the modelled area join
                                     the armed groups of `region` at the start of the month */
    DD_EVENT_MILITIA,             /* `magnitude` people join the community militias of
                                     `region` at the start of the month, for good */
    DD_EVENT_COUNT
} dd_event_type;

/* Limits of the whole-number settings, shared by the loader (which names file:line) and
   dd_input_validate (inputs built in code): guards against typos, far above any real use. */
#define DD_MONTHS_MAX 1200              /* months of a run, and policy.months */
#define DD_POLICY_REVIEW_MONTHS_MAX 120 /* policy.review_months */
#define DD_POLICY_PHASES_MAX 100        /* policy.phases of a conditions policy */
#define DD_POLICY_HOLD_REVIEWS_MAX 100  /* policy.hold_reviews */

/* Largest offensive (fighters arriving in one month) or militia event (members joining): a
   guard against typos, far above the whole armed strength of any shipped scenario. */
#define DD_OFFENSIVE_MAX 1e6

const char *dd_event_name(dd_event_type t);
int dd_event_lookup(const char *name);

typedef struct dd_event {
    int month;            /* absolute month the event happens */
    dd_event_type type;
    /* Size of the event: a share for coup and disinformation (< 0: use the parameter's
       default), persons for contributor_pullout (required, >= 0), fighters for offensive and
       members for militia (required, > 0 and at most DD_OFFENSIVE_MAX), unused otherwise. */
    double magnitude;
    /* offensive and militia: index into dd_input.regions of the region the fighters or
       members join. Ignored by other types (the loader sets -1 there). */
    long region;
    dd_srcloc loc;
} dd_event;

typedef enum {
    DD_POLICY_NONE = 0,  /* the mission follows its schedule */
    DD_POLICY_CALENDAR,  /* dated drawdown to zero */
    DD_POLICY_CONDITIONS, /* one phase down per K consecutive passed reviews */
    DD_POLICY_COUNT
} dd_policy_kind;

/* What a conditions policy does when a review fails. */
typedef enum {
    DD_ONFAIL_PAUSE = 0,   /* stay at the current phase */
    DD_ONFAIL_REVERSE,     /* go back up one phase */
    DD_ONFAIL_COUNT
} dd_onfail;

typedef struct dd_policy_spec {
    dd_policy_kind kind;
    int start_month;     /* calendar: first month of the drawdown; conditions: first review */
    int duration_months; /* calendar: months from start until zero, >= 1 */
    int phases;          /* calendar and conditions: equal steps down, >= 1 */
    /* conditions only */
    int review_months;      /* months between reviews, >= 1 */
    int hold_reviews;       /* K: consecutive passed reviews needed for one phase down, >= 1 */
    double violence_max;    /* benchmark: mean national fatalities per month since the last
                               review must be at most this (< 0: no such benchmark) */
    double host_ratio_min;  /* benchmark: effective host forces per fighter, national, must be
                               at least this (< 0: none) */
    double authority_min;   /* benchmark: population-weighted state authority at least this
                               (< 0: none) */
    dd_onfail on_fail;
    /* calendar and conditions: 0, civilian staff follow the policy and leave with the
       uniformed component; 1, they keep to their schedule when the uniformed component
       leaves (a political mission stays). Consent revocation sends everyone home. */
    int civilians_stay;
    dd_srcloc loc;
} dd_policy_spec;

/* How mission troops are spread over regions. */
typedef enum {
    DD_ALLOC_FIXED = 0, /* the regions' troop_share */
    DD_ALLOC_THREAT,    /* part fixed, part in proportion to each region's fighters
                           (allocation_threat_weight) */
    DD_ALLOC_COUNT
} dd_allocation;

const char *dd_allocation_name(dd_allocation a);
int dd_allocation_lookup(const char *name);
const char *dd_onfail_name(dd_onfail f);
int dd_onfail_lookup(const char *name);

typedef struct dd_input {
    char name[DD_NAME_MAX]; /* [A-Za-z0-9_-], names the output folder */
    char *description;      /* free text, may be "" */
    int start_month;        /* first simulated month */
    int months;             /* horizon: number of simulated months, >= 1 */
    uint64_t seed;          /* default seed */
    long replications;      /* default replication count, >= 1 */
    double host_quality;    /* host force quality at the start, [0,1] */
    double consent;         /* host consent at the start, [0,1] */
    double legitimacy;      /* mission's popular legitimacy at the start, [0,1] */

    dd_region *regions;
    size_t n_regions;

    dd_schedule troops; /* mission troops in the country (persons) */
    dd_schedule police; /* mission police in the country (persons) */
    /* Civilian staff of the mission in the country (persons), spread over regions like the
       police. Empty: no separate civilian component. */
    dd_schedule civilians;
    dd_allocation allocation; /* how troops are spread over regions (police: always fixed) */
    int allocation_start_month; /* first month of that allocation (before: troop_share);
                                   a month before the start means from the start; the
                                   loader sets the start month when not given */

    dd_partner *partners;
    size_t n_partners;

    dd_event *events;
    size_t n_events;

    dd_policy_spec policy;
    int mechanisms[DD_MECH_COUNT]; /* 1 on, 0 off */
    dd_params params;

    /* File names that dd_srcloc.file points into; owned. */
    char **files;
    size_t n_files;
    dd_srcloc loc; /* the scenario file itself */
} dd_input;

/*
 * Set every field to its default: no regions, no schedules, all mechanisms
 * on, documented parameter defaults, policy none, seed 1, 1000 replications,
 * consent and legitimacy 1, host quality 0.5. Does not allocate.
 */
void dd_input_init(dd_input *in);

/* Release everything the input owns and re-initialise it. Accepts NULL. */
void dd_input_free(dd_input *in);

/*
 * Intern a file name so dd_srcloc can point at it for the input's lifetime.
 * Returns the stored copy, or NULL when out of memory.
 */
const char *dd_input_intern_file(dd_input *in, const char *file);

/* Index of the region with that name, or -1. */
long dd_input_region_index(const dd_input *in, const char *name);

/*
 * Check the whole input: ranges, shares summing to one, schedules in strictly
 * increasing month order, events inside the horizon, a valid policy. Returns
 * 0, or DD_ERANGE / DD_ECONFIG with the location of the offending setting.
 */
int dd_input_validate(const dd_input *in, dd_error *err);

#endif

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
    DD_ROLE_COUNTER_TERRORISM = 0,
    DD_ROLE_MERCENARY,
    DD_ROLE_REGIONAL,
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
    dd_srcloc loc;
} dd_partner;

typedef enum {
    DD_EVENT_CONSENT_REVOKED = 0, /* host revokes consent: forced withdrawal */
    DD_EVENT_COUNT
} dd_event_type;

const char *dd_event_name(dd_event_type t);
int dd_event_lookup(const char *name);

typedef struct dd_event {
    int month;            /* absolute month the event happens */
    dd_event_type type;
    dd_srcloc loc;
} dd_event;

typedef enum {
    DD_POLICY_NONE = 0, /* the mission follows its schedule */
    DD_POLICY_CALENDAR, /* dated drawdown to zero */
    DD_POLICY_COUNT
} dd_policy_kind;

typedef struct dd_policy_spec {
    dd_policy_kind kind;
    int start_month;     /* calendar: first month of the drawdown */
    int duration_months; /* calendar: months from start until zero, >= 1 */
    int phases;          /* calendar: equal steps down, 1..duration_months */
    dd_srcloc loc;
} dd_policy_spec;

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

/*
 * dd_model: the monthly model (engine/MODEL.md states every equation).
 *
 * A dd_model is built once from a validated dd_input and is then read-only:
 * every thread shares it. It holds the input's schedules resolved to one
 * value per simulated month, so the monthly loop does no searching.
 *
 * A replication is a sequence of dd_model_step calls, each pure: it reads
 * the state at the start of month t and a random stream, and writes the
 * state at the end of the month and the month's observations. It allocates
 * nothing, prints nothing and touches no global.
 */
#ifndef DD_MODEL_H
#define DD_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include <gsl/gsl_rng.h>

#include "dd_error.h"
#include "dd_input.h"
#include "dd_metrics.h"
#include "dd_policy.h"

typedef struct dd_model dd_model;

/*
 * How many random draws of each kind a replication made, and the sums of
 * their parameters, so a benchmark can time the same number of draws of the
 * same kinds with the same average parameters (the "floor" of a run).
 */
typedef struct dd_draws {
    uint64_t gaussian;     /* standard normal (ziggurat) draws */
    uint64_t negbin;       /* gamma-mixed Poisson draws */
    double negbin_mean;    /* sum of their means */
    double negbin_shape;   /* sum of their shapes */
    uint64_t poisson;      /* plain Poisson draws (peacekeepers) */
    double poisson_mean;   /* sum of their means */
    uint64_t binomial;     /* binomial draws of the fatality split */
    double binomial_n;     /* sum of their trial counts */
    double binomial_p;     /* sum of their probabilities */
    uint64_t rekey;        /* stream re-keyings (dd_rng_set_key) */
} dd_draws;

/*
 * The state of one replication between months. Arrays have one entry per
 * region. Allocated by dd_state_alloc for a given model.
 */
typedef struct dd_state {
    size_t n_regions;
    int month_index;    /* months simulated so far (0 at the start) */
    double *armed;      /* fighters */
    double *control;    /* share of population under armed control */
    double *authority;  /* state authority, share */
    double *host;       /* host forces, persons */
    double *displaced;  /* persons */
    double *partner_gone; /* [partner] 1 once the partner has left by its rule */
    /* Scratch of one step, per region (kept here so the step allocates nothing). */
    double *suppression, *outflow, *inflow, *troop_share;
    double *partners; /* [region][role] partner forces this month (dd_role order) */
    double host_quality, consent, legitimacy; /* shares */
    double troops_withdrawn;  /* troops taken out by contributors so far (persons) */
    double deaths_short, deaths_long; /* moving averages of national deaths per month */
    int months_present;       /* months with uniformed personnel deployed */
    double last_fatalities;   /* national deaths in the last month */
    double last_host_ratio;   /* effective host forces per fighter, national, last month */

    /* Exit policy. */
    dd_policy_state policy;
    int deployed;         /* 1 once the mission has had uniformed personnel */
    int revoked_at;       /* month index consent was revoked, or -1 */
    double revoked_troops, revoked_police, revoked_civilians; /* mission level in that month */
    int exit_at;          /* month index the last uniformed person left, or -1 */
    int exit_reason;      /* a dd_exit_reason */

    /* Running outcome measures (dd_outcome). */
    double cum_civilian, cum_fatalities, cum_pk, troop_months, cost_usd, peak_displaced;
    double control_at_exit;   /* national armed control in the exit month */
    double control_window;    /* national armed control at the end of the vacuum window so far */
    double before_sum;        /* deaths in the baseline months before the exit */
    int before_n;
    double after_sum;         /* deaths in the months after the exit, within the window */
    int after_n;
    double *recent;           /* ring of the last relapse_baseline_months national deaths */
    double last_authority;    /* population-weighted state authority, last month */

    dd_draws draws;
} dd_state;

/*
 * Build a model from an input that passed dd_input_validate. Returns 0,
 * DD_ENOMEM, or DD_ERANGE when the input is invalid (it is validated again).
 * *out is NULL on failure; free with dd_model_free.
 */
int dd_model_alloc(dd_model **out, const dd_input *in, dd_error *err);
void dd_model_free(dd_model *m);

size_t dd_model_n_regions(const dd_model *m);
int dd_model_months(const dd_model *m);
int dd_model_start_month(const dd_model *m);
const dd_input *dd_model_input(const dd_model *m);

/* Doubles of observations per month: (n_regions + 1) * DD_M_COUNT. */
size_t dd_model_obs_stride(const dd_model *m);

/* Allocate a state sized for the model (NULL when out of memory). */
dd_state *dd_state_alloc(const dd_model *m);
void dd_state_free(dd_state *s);

/* Set s to the scenario's initial conditions (month index 0). */
void dd_model_init(const dd_model *m, dd_state *s);

/* The random stream of one replication. */
typedef struct dd_stream {
    gsl_rng *rng;         /* re-keyed per region-month by the step */
    uint64_t seed;
    uint64_t replication;
} dd_stream;

/*
 * Advance one month: from `in` (month index t = in->month_index) to `out`
 * (t + 1). `out` must be a different state of the same model; its previous
 * contents are overwritten. `obs` receives dd_model_obs_stride doubles laid
 * out as [place 0..n_regions][metric], place n_regions being the whole
 * country; regional slots of national-only metrics are set to 0.
 * Precondition: t < dd_model_months(m).
 */
void dd_model_step(const dd_model *m, const dd_state *in, dd_state *out, dd_stream *stream,
                   double *obs);

/* The replication's outcome after its last step. */
void dd_model_outcome(const dd_model *m, const dd_state *s, dd_outcome *out);

/*
 * Run one whole replication into `series` (months * obs_stride doubles, may
 * be NULL) and `outcome`. `a` and `b` are two states of the model used as
 * double buffers. Convenience for the runner and tests.
 */
void dd_model_run(const dd_model *m, dd_stream *stream, dd_state *a, dd_state *b,
                  double *series, double *obs_scratch, dd_outcome *outcome);

#endif

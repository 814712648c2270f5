/*
 * Helpers shared by the test suites: small synthetic scenarios built in
 * code (no scenario file), so model tests do not depend on the loader.
 */
#ifndef DD_TEST_UTIL_H
#define DD_TEST_UTIL_H

#include <stddef.h>

#include <gsl/gsl_rng.h>

#include "dd_input.h"
#include "dd_model.h"
#include "dd_runner.h"

/*
 * Fill `in` (initialised here) with a scenario of `n_regions` regions in a
 * line (each the neighbour of the next), `months` months from 2020-01, equal
 * troop and police shares, constant mission troops and police, no partners,
 * no events, policy none. Aborts the test on allocation failure.
 */
void dd_test_input(dd_input *in, size_t n_regions, int months, double troops, double police);

/* Add a partner with constant strength spread evenly over all regions. */
void dd_test_add_partner(dd_input *in, dd_role role, double strength);

/* Add a dated event (month index from the start). */
void dd_test_add_event(dd_input *in, dd_event_type type, int month_index);

/* Add an offensive: `fighters` join region `region` at the start of month `month_index`. */
void dd_test_add_offensive(dd_input *in, size_t region, int month_index, double fighters);
/* Append a militia event: `members` join the community militias of `region`. */
void dd_test_add_militia(dd_input *in, size_t region, int month_index, double members);

/* Replace a schedule by one constant point at the start month. */
void dd_test_set_constant(dd_schedule *s, int start_month, double value);

/*
 * A random valid scenario for property tests: random region count (1..6),
 * populations, initial conditions, schedules with several points, partners
 * of every role, maybe a consent revocation, maybe a calendar policy, and
 * every parameter drawn inside its documented range.
 */
void dd_test_random_input(dd_input *in, gsl_rng *r);

/*
 * The scenario the runner tests share: 3 regions over 30 months, 7000 troops
 * and 700 police, a counter-terrorism partner of 1500, and a calendar exit
 * from month 12 over 4 months in 2 phases. `in` is initialised here (free it
 * with dd_input_free); aborts the test on allocation failure.
 */
void dd_test_runner_input(dd_input *in);

/*
 * A runner callback's context that keeps every outcome: replications must
 * arrive in order (0, 1, ...), and the one numbered `stop_at` fails with
 * DD_EIO "disk full (simulated)" (-1: none fails).
 */
typedef struct dd_test_collect {
    long next;        /* next replication expected; after a run, how many arrived */
    dd_outcome *rows; /* outcomes in the order received */
    long stop_at;     /* return an error at this replication, or -1 */
} dd_test_collect;

/* Room for `reps` outcomes (owned by `c`: free with dd_test_collect_free); aborts on
   allocation failure. */
void dd_test_collect_init(dd_test_collect *c, long reps, long stop_at);
void dd_test_collect_free(dd_test_collect *c);

/* The dd_run_opts callback for a dd_test_collect context: DD_ERUN "out of order" when a
   replication arrives out of turn, DD_EIO at `stop_at`, otherwise the outcome is kept. */
int dd_test_collect_rep(void *ctx, long rep, const dd_outcome *o, dd_error *err);

/*
 * 1 when two results of the scenario `in` hold the same statistics bit for
 * bit: every monthly cell (the same cells present, each accumulator equal in
 * every field and bin), the summary measures and exit months, and the draw
 * counts; 0 otherwise.
 */
int dd_test_same_results(const dd_input *in, const dd_results *a, const dd_results *b);

#endif

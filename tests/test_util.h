/*
 * Helpers shared by the test suites: small synthetic scenarios built in
 * code (no scenario file), so model tests do not depend on the loader.
 */
#ifndef DD_TEST_UTIL_H
#define DD_TEST_UTIL_H

#include <stddef.h>

#include <gsl/gsl_rng.h>

#include "dd_input.h"

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

/* Replace a schedule by one constant point at the start month. */
void dd_test_set_constant(dd_schedule *s, int start_month, double value);

/*
 * A random valid scenario for property tests: random region count (1..6),
 * populations, initial conditions, schedules with several points, partners
 * of every role, maybe a consent revocation, maybe a calendar policy, and
 * every parameter drawn inside its documented range.
 */
void dd_test_random_input(dd_input *in, gsl_rng *r);

#endif

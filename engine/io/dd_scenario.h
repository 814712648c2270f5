/*
 * dd_scenario: scenario files (libconfig) to and from dd_input.
 *
 * This is the only module that includes <libconfig.h>. The format is
 * documented in scenarios/README.md. Loading is strict: every value is
 * range-checked, an unknown key is an error that names it and suggests the
 * nearest known key, and every error names the file (also inside an
 * @include) and line of the offending setting.
 */
#ifndef DD_SCENARIO_H
#define DD_SCENARIO_H

#include <stdio.h>

#include "dd_error.h"
#include "dd_input.h"

/*
 * Load and validate the scenario at `path` into `in` (which this function
 * initialises). @include paths are resolved relative to the directory of
 * `path`. Returns 0, or DD_ECONFIG (cannot read the file, syntax, unknown or
 * missing key, wrong type), DD_ERANGE (value out of range) or DD_ENOMEM,
 * with `err` holding file, line and message; on failure `in` holds nothing
 * (it is freed and re-initialised).
 */
int dd_scenario_load(const char *path, dd_input *in, dd_error *err);

/*
 * Write the fully resolved scenario, every parameter and default written
 * out, as a self-contained libconfig file (no @include) that
 * dd_scenario_load reads back into an identical dd_input, and that this
 * function writes again byte for byte. Returns 0, DD_EIO (a write failed) or
 * DD_ERANGE (a value that a scenario file cannot hold: non-finite numbers, a
 * seed above INT64_MAX, an unknown role, event or policy in an input built in
 * code).
 */
int dd_scenario_write(FILE *f, const dd_input *in, dd_error *err);

/*
 * Print a short human summary of the resolved scenario (for `drawdown
 * check`): name, months, regions, schedules, partners, events, policy,
 * mechanisms switched off and parameters that differ from their defaults.
 */
int dd_scenario_describe(FILE *f, const dd_input *in, dd_error *err);

#endif

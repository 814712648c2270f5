/*
 * What the Check suites share: their main() (run a suite and turn its result
 * into the process exit status), the registration of a test case from a list,
 * and assertions that several suites make the same way. Kept apart from
 * test_util so that programs without Check (test_mpi_runner) can still use
 * test_util.
 */
#ifndef DD_TEST_CHECK_H
#define DD_TEST_CHECK_H

#include <stdio.h>

#include <check.h>

/* The number of elements of an array (not a pointer). */
#define DD_TEST_COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* Run every test of `s` (the runner takes and frees it); EXIT_SUCCESS when all passed,
   EXIT_FAILURE otherwise. */
int dd_test_run(Suite *s);

/*
 * Add to `s` a test case named `name` holding the `n` tests of `tests`, in
 * that order. `timeout` > 0 sets the seconds each test may take; 0 keeps
 * Check's default (CK_DEFAULT_TIMEOUT). Returns the test case (owned by the
 * suite), for fixtures.
 */
TCase *dd_test_add_case(Suite *s, const char *name, double timeout, const TTest *const *tests,
                        size_t n);

/*
 * The whole main() of a suite of one test case: suite `suite_name`, test case
 * `case_name` (see dd_test_add_case for `timeout` and `tests`), run as by
 * dd_test_run.
 */
int dd_test_run_case(const char *suite_name, const char *case_name, double timeout,
                     const TTest *const *tests, size_t n);

/*
 * Fail the test unless `text` contains each of the `n` strings of `wanted`;
 * the message names the first one missing and shows the start of `text`
 * (4000 characters).
 */
void dd_test_assert_contains(const char *text, const char *const *wanted, size_t n);

/*
 * The bytes of `f` from its start to its current position (for a stream only
 * written to: everything written so far; for a file opened to read and
 * positioned at its end: the whole file), as a NUL-terminated string the
 * caller frees; `f` stays open, back at that position. Fails the test when
 * `f` cannot be flushed, measured or read.
 */
char *dd_test_stream_text(FILE *f);

#endif

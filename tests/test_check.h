/*
 * The main() of every Check suite: run a suite and turn its result into
 * the process exit status. Kept apart from test_util so that programs
 * without Check (test_mpi_runner) can still use test_util.
 */
#ifndef DD_TEST_CHECK_H
#define DD_TEST_CHECK_H

#include <check.h>

/* Run every test of `s` (the runner takes and frees it); EXIT_SUCCESS when all passed,
   EXIT_FAILURE otherwise. */
int dd_test_run(Suite *s);

#endif

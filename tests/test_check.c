/* What the Check suites share (see test_check.h). */
#include "test_check.h"

#include <stdlib.h>
#include <string.h>

int dd_test_run(Suite *s)
{
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

TCase *dd_test_add_case(Suite *s, const char *name, double timeout, const TTest *const *tests,
                        size_t n)
{
    TCase *tc = tcase_create(name);
    if (timeout > 0.0)
        tcase_set_timeout(tc, timeout);
    for (size_t i = 0; i < n; i++)
        tcase_add_test(tc, tests[i]);
    suite_add_tcase(s, tc);
    return tc;
}

int dd_test_run_case(const char *suite_name, const char *case_name, double timeout,
                     const TTest *const *tests, size_t n)
{
    Suite *s = suite_create(suite_name);
    dd_test_add_case(s, case_name, timeout, tests, n);
    return dd_test_run(s);
}

void dd_test_assert_contains(const char *text, const char *const *wanted, size_t n)
{
    /* Only the text's start is shown: Check cannot pass on a message of a whole page. */
    for (size_t k = 0; k < n; k++)
        ck_assert_msg(strstr(text, wanted[k]) != NULL, "text lacks \"%s\":\n%.4000s", wanted[k],
                      text);
}

char *dd_test_stream_text(FILE *f)
{
    ck_assert_int_eq(fflush(f), 0);
    long n = ftell(f);
    ck_assert(n >= 0);
    rewind(f);
    char *s = malloc((size_t)n + 1);
    ck_assert_ptr_nonnull(s);
    ck_assert_uint_eq(fread(s, 1, (size_t)n, f), (size_t)n);
    s[n] = '\0';
    return s;
}

/* Tests of dd_month: parsing and formatting of YYYY-MM. */
#include <check.h>
#include <stdlib.h>

#include "dd_month.h"
#include "test_check.h"

START_TEST(test_month__parses_and_formats_round_trip)
{
    int m = 0;
    ck_assert_int_eq(dd_month_parse("2013-07", &m), 0);
    ck_assert_int_eq(m, 2013 * 12 + 6);
    char buf[DD_MONTH_STR];
    dd_month_format(m, buf);
    ck_assert_str_eq(buf, "2013-07");
    dd_month_format(m + 6, buf);
    ck_assert_str_eq(buf, "2014-01");
    for (int k = 1900 * 12; k < 2100 * 12; k += 7) {
        int back = -1;
        dd_month_format(k, buf);
        ck_assert_int_eq(dd_month_parse(buf, &back), 0);
        ck_assert_int_eq(back, k);
    }
}
END_TEST

START_TEST(test_month__rejects_malformed_months)
{
    static const char *bad[] = {"2013-13", "2013-00", "2013-7", "13-07", "2013/07", "2013-071",
                                "", "abcd-ef", "1899-12", "3000-01", " 2013-07", "2013-07 "};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int m = 42;
        ck_assert_msg(dd_month_parse(bad[i], &m) == -1, "accepted '%s'", bad[i]);
        ck_assert_int_eq(m, 42);
    }
    ck_assert_int_eq(dd_month_parse(NULL, NULL), -1);
}
END_TEST

int main(void)
{
    const TTest *const tests[] = {
        test_month__parses_and_formats_round_trip,
        test_month__rejects_malformed_months,
    };
    return dd_test_run_case("month", "core", 0, tests, DD_TEST_COUNT(tests));
}

/*
 * dd_month: calendar months as integers.
 *
 * A month is stored as year * 12 + (month - 1), so "2013-07" is 24156 and
 * consecutive months differ by one. Scenario files and CSV use "YYYY-MM".
 */
#ifndef DD_MONTH_H
#define DD_MONTH_H

#include <stddef.h>

/* Length of "YYYY-MM" plus the terminating NUL. */
#define DD_MONTH_STR 8

/*
 * Parse "YYYY-MM" (exactly seven characters, year 1900..2999, month 01..12)
 * into *out. Returns 0 on success, -1 when the text is not such a month
 * (*out is then left unchanged).
 */
int dd_month_parse(const char *text, int *out);

/* Format a month as "YYYY-MM" into buf (at least DD_MONTH_STR bytes). */
void dd_month_format(int month, char buf[DD_MONTH_STR]);

#endif

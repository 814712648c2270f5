/* dd_month: see dd_month.h. */
#include "dd_month.h"


int dd_month_parse(const char *text, int *out)
{
    if (text == NULL)
        return -1;
    for (int i = 0; i < 7; i++) {
        if (i == 4) {
            if (text[i] != '-')
                return -1;
        } else if (text[i] < '0' || text[i] > '9') {
            return -1;
        }
    }
    if (text[7] != '\0')
        return -1;
    int year = (text[0] - '0') * 1000 + (text[1] - '0') * 100 + (text[2] - '0') * 10 + (text[3] - '0');
    int mon = (text[5] - '0') * 10 + (text[6] - '0');
    if (year < 1900 || year > 2999 || mon < 1 || mon > 12)
        return -1;
    *out = year * 12 + (mon - 1);
    return 0;
}

void dd_month_format(int month, char buf[DD_MONTH_STR])
{
    /* Months before year 0 do not occur (inputs are checked to 1900..2999). */
    unsigned m = month < 0 ? 0u : (unsigned)month;
    unsigned year = (m / 12u) % 10000u;
    unsigned mon = m % 12u + 1u;
    buf[0] = (char)('0' + year / 1000u);
    buf[1] = (char)('0' + year / 100u % 10u);
    buf[2] = (char)('0' + year / 10u % 10u);
    buf[3] = (char)('0' + year % 10u);
    buf[4] = '-';
    buf[5] = (char)('0' + mon / 10u);
    buf[6] = (char)('0' + mon % 10u);
    buf[7] = '\0';
}

/*
 * dd_policy: the `none` and `calendar` exit policies (see dd_policy.h).
 *
 * calendar: from policy.start the deployed fraction falls in `phases` equal
 * steps, spread over `months` months, reaching zero in month
 * start + months - 1. The number of steps taken after k months of drawdown
 * is floor(k * phases / months), computed in integers so that the last step
 * lands exactly on zero.
 */
#include "dd_policy.h"

#include <stddef.h>
#include <string.h>

static double none_step(const dd_policy_spec *spec, const dd_policy_view *view,
                        dd_policy_state *st)
{
    (void)spec;
    (void)view;
    st->fraction = 1.0;
    return 1.0;
}

static double calendar_step(const dd_policy_spec *spec, const dd_policy_view *view,
                            dd_policy_state *st)
{
    if (view->month < spec->start_month) {
        st->fraction = 1.0;
        return 1.0;
    }
    long k = (long)(view->month - spec->start_month) + 1; /* months of drawdown so far */
    long steps = k * spec->phases / spec->duration_months;
    if (steps > spec->phases)
        steps = spec->phases;
    st->phase = (int)steps;
    st->fraction = (double)(spec->phases - steps) / (double)spec->phases;
    return st->fraction;
}

static const dd_policy_type policies[DD_POLICY_COUNT] = {
    [DD_POLICY_NONE] = {"none", DD_EXIT_NONE, none_step,
                        "the mission follows its dated schedule and does not leave"},
    [DD_POLICY_CALENDAR] = {"calendar", DD_EXIT_CALENDAR, calendar_step,
                            "from policy.start, down to zero in policy.phases equal steps over "
                            "policy.months months"},
};

const dd_policy_type *dd_policy_get(dd_policy_kind kind)
{
    if (kind < 0 || kind >= DD_POLICY_COUNT)
        return NULL;
    return &policies[kind];
}

int dd_policy_lookup(const char *name)
{
    for (int k = 0; k < DD_POLICY_COUNT; k++)
        if (strcmp(policies[k].name, name) == 0)
            return k;
    return -1;
}

void dd_policy_init(dd_policy_state *st)
{
    st->fraction = 1.0;
    st->phase = 0;
}

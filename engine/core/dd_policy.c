/*
 * dd_policy: the `none`, `calendar` and `conditions` exit policies (see
 * dd_policy.h and engine/MODEL.md, mechanism 11).
 *
 * conditions: from policy.start, a review every `review_months` months. A
 * review passes when every benchmark in use holds: mean national deaths per
 * month since the last review at most violence_max, effective host forces
 * per fighter at least host_ratio_min, state authority at least
 * authority_min. After `hold_reviews` consecutive passed reviews the mission
 * goes down one of `phases` equal steps (and the count starts again); a
 * failed review resets the count and, with on_fail = reverse, takes the
 * mission back up one step. It therefore never draws down at a failed review.
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

int dd_policy_benchmarks_hold(const dd_policy_spec *spec, double deaths_per_month,
                              double host_ratio, double authority)
{
    if (spec->violence_max >= 0.0 && !(deaths_per_month <= spec->violence_max))
        return 0;
    if (spec->host_ratio_min >= 0.0 && !(host_ratio >= spec->host_ratio_min))
        return 0;
    if (spec->authority_min >= 0.0 && !(authority >= spec->authority_min))
        return 0;
    return 1;
}

static double conditions_step(const dd_policy_spec *spec, const dd_policy_view *view,
                              dd_policy_state *st)
{
    /* The previous month's deaths count towards the next review. */
    if (view->month_index > 0 && view->month > spec->start_month - spec->review_months) {
        st->deaths_sum += view->fatalities;
        st->deaths_months++;
    }
    int since = view->month - spec->start_month;
    if (since >= 0 && since % spec->review_months == 0 && st->phase < spec->phases) {
        double mean = st->deaths_months > 0 ? st->deaths_sum / st->deaths_months : 0.0;
        int pass = dd_policy_benchmarks_hold(spec, mean, view->host_ratio, view->authority);
        if (pass) {
            if (++st->streak >= spec->hold_reviews) {
                st->phase++;
                st->streak = 0;
            }
        } else {
            st->streak = 0;
            if (spec->on_fail == DD_ONFAIL_REVERSE && st->phase > 0)
                st->phase--;
        }
        st->deaths_sum = 0.0;
        st->deaths_months = 0;
    }
    st->fraction = (double)(spec->phases - st->phase) / (double)spec->phases;
    return st->fraction;
}

static const dd_policy_type policies[DD_POLICY_COUNT] = {
    [DD_POLICY_NONE] = {"none", DD_EXIT_NONE, none_step,
                        "the mission follows its dated schedule and does not leave"},
    [DD_POLICY_CALENDAR] = {"calendar", DD_EXIT_CALENDAR, calendar_step,
                            "from policy.start, down to zero in policy.phases equal steps over "
                            "policy.months months"},
    [DD_POLICY_CONDITIONS] = {"conditions", DD_EXIT_CONDITIONS, conditions_step,
                              "a review every policy.review_months; one of policy.phases steps "
                              "down after policy.hold_reviews passed reviews of the benchmarks"},
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
    st->streak = 0;
    st->deaths_sum = 0.0;
    st->deaths_months = 0;
}

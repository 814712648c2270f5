/* dd_metrics: see dd_metrics.h. */
#include "dd_metrics.h"

#include <assert.h>

#include "dd_names.h"

static const dd_metric_info metrics[DD_M_COUNT] = {
    [DD_M_EVENTS] = {"events", DD_AGG_SUM, 0, 1},
    [DD_M_FATALITIES] = {"fatalities", DD_AGG_SUM, 0, 1},
    [DD_M_CIVILIAN_FATALITIES] = {"civilian_fatalities", DD_AGG_SUM, 0, 1},
    [DD_M_CIVILIAN_FATALITIES_STATE] = {"civilian_fatalities_state", DD_AGG_SUM, 0, 1},
    [DD_M_PK_FATALITIES] = {"pk_fatalities", DD_AGG_SUM, 0, 1},
    [DD_M_ARMED_STRENGTH] = {"armed_strength", DD_AGG_SUM, 0, 0},
    [DD_M_ARMED_CONTROL] = {"armed_control", DD_AGG_POP_MEAN, 1, 0},
    [DD_M_STATE_AUTHORITY] = {"state_authority", DD_AGG_POP_MEAN, 1, 0},
    [DD_M_HOST_FORCES] = {"host_forces", DD_AGG_SUM, 0, 0},
    [DD_M_MISSION_TROOPS] = {"mission_troops", DD_AGG_SUM, 0, 0},
    [DD_M_MISSION_POLICE] = {"mission_police", DD_AGG_SUM, 0, 0},
    [DD_M_MISSION_CIVILIANS] = {"mission_civilians", DD_AGG_SUM, 0, 0},
    [DD_M_PARTNER_FORCES] = {"partner_forces", DD_AGG_SUM, 0, 0},
    [DD_M_DISPLACED] = {"displaced", DD_AGG_SUM, 0, 0},
    [DD_M_HUMANITARIAN_ACCESS] = {"humanitarian_access", DD_AGG_POP_MEAN, 1, 0},
    [DD_M_CONSENT] = {"consent", DD_AGG_NATIONAL, 1, 0},
    [DD_M_LEGITIMACY] = {"legitimacy", DD_AGG_NATIONAL, 1, 0},
    [DD_M_COST_USD] = {"cost_usd", DD_AGG_NATIONAL, 0, 0},
};

const dd_metric_info *dd_metric_get(dd_metric m)
{
    assert(m >= 0 && m < DD_M_COUNT);
    return &metrics[m];
}

static const char *const reasons[DD_EXIT_COUNT] = {
    [DD_EXIT_NONE] = "none",
    [DD_EXIT_CALENDAR] = "calendar",
    [DD_EXIT_CONDITIONS] = "conditions",
    [DD_EXIT_CONSENT_REVOKED] = "consent_revoked",
};

const char *dd_exit_reason_name(dd_exit_reason r)
{
    return dd_names_get(reasons, DD_EXIT_COUNT, (int)r);
}

static const char *const outcome_names[DD_O_COUNT] = {
    [DD_O_CIVILIAN_FATALITIES] = "civilian_fatalities",
    [DD_O_FATALITIES] = "fatalities",
    [DD_O_PK_FATALITIES] = "pk_fatalities",
    [DD_O_TROOP_MONTHS] = "troop_months",
    [DD_O_COST_USD] = "cost_usd",
    [DD_O_VACUUM_INDEX] = "vacuum_index",
    [DD_O_RELAPSE] = "relapse",
    [DD_O_PEAK_DISPLACED] = "peak_displaced",
    [DD_O_FINAL_STATE_AUTHORITY] = "final_state_authority",
};

const char *dd_outcome_name(dd_outcome_measure m)
{
    assert(m >= 0 && m < DD_O_COUNT);
    return outcome_names[m];
}

double dd_outcome_value(const dd_outcome *o, dd_outcome_measure m)
{
    switch (m) {
    case DD_O_CIVILIAN_FATALITIES:
        return o->civilian_fatalities;
    case DD_O_FATALITIES:
        return o->fatalities;
    case DD_O_PK_FATALITIES:
        return o->pk_fatalities;
    case DD_O_TROOP_MONTHS:
        return o->troop_months;
    case DD_O_COST_USD:
        return o->cost_usd;
    case DD_O_VACUUM_INDEX:
        return o->vacuum_index;
    case DD_O_RELAPSE:
        return o->relapse;
    case DD_O_PEAK_DISPLACED:
        return o->peak_displaced;
    case DD_O_FINAL_STATE_AUTHORITY:
        return o->final_state_authority;
    default:
        assert(0);
        return 0.0;
    }
}

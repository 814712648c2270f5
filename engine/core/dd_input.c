/* dd_input: see dd_input.h. */
#include "dd_input.h"

#include <math.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "dd_month.h"
#include "dd_names.h"

/* Shares read from text are summed with rounding; a plain 1e-6 slack suffices. */
#define SHARE_SUM_TOL 1e-6

static const char *const role_names[DD_ROLE_COUNT] = {
    [DD_ROLE_COUNTER_TERRORISM] = "counter_terrorism",
    [DD_ROLE_MERCENARY] = "mercenary",
    [DD_ROLE_REGIONAL] = "regional",
    [DD_ROLE_TRAINING] = "training",
};

static const char *const event_names[DD_EVENT_COUNT] = {
    [DD_EVENT_CONSENT_REVOKED] = "consent_revoked",
    [DD_EVENT_COUP] = "coup",
    [DD_EVENT_DISINFORMATION] = "disinformation",
    [DD_EVENT_CONTRIBUTOR_PULLOUT] = "contributor_pullout",
    [DD_EVENT_OFFENSIVE] = "offensive",
    [DD_EVENT_MILITIA] = "militia",
};

static const char *const allocation_names[DD_ALLOC_COUNT] = {
    [DD_ALLOC_FIXED] = "fixed",
    [DD_ALLOC_THREAT] = "threat",
};

static const char *const onfail_names[DD_ONFAIL_COUNT] = {
    [DD_ONFAIL_PAUSE] = "pause",
    [DD_ONFAIL_REVERSE] = "reverse",
};

const char *dd_allocation_name(dd_allocation a)
{
    return dd_names_get(allocation_names, DD_ALLOC_COUNT, (int)a);
}

int dd_allocation_lookup(const char *name)
{
    return dd_names_find(allocation_names, DD_ALLOC_COUNT, name);
}

const char *dd_onfail_name(dd_onfail f)
{
    return dd_names_get(onfail_names, DD_ONFAIL_COUNT, (int)f);
}

int dd_onfail_lookup(const char *name)
{
    return dd_names_find(onfail_names, DD_ONFAIL_COUNT, name);
}

const char *dd_role_name(dd_role r)
{
    return dd_names_get(role_names, DD_ROLE_COUNT, (int)r);
}

int dd_role_lookup(const char *name)
{
    return dd_names_find(role_names, DD_ROLE_COUNT, name);
}

const char *dd_event_name(dd_event_type t)
{
    return dd_names_get(event_names, DD_EVENT_COUNT, (int)t);
}

int dd_event_lookup(const char *name)
{
    return dd_names_find(event_names, DD_EVENT_COUNT, name);
}

double dd_schedule_at(const dd_schedule *s, int month)
{
    if (s->n == 0 || month < s->points[0].month)
        return 0.0;
    for (size_t i = 1; i < s->n; i++) {
        if (month < s->points[i].month) {
            const dd_point *a = &s->points[i - 1];
            const dd_point *b = &s->points[i];
            double f = (double)(month - a->month) / (double)(b->month - a->month);
            return a->value + f * (b->value - a->value);
        }
    }
    return s->points[s->n - 1].value;
}

void dd_input_init(dd_input *in)
{
    memset(in, 0, sizeof *in);
    in->seed = 1;
    in->replications = 1000;
    in->months = 1;
    in->host_quality = 0.5;
    in->consent = 1.0;
    in->legitimacy = 1.0;
    in->policy.kind = DD_POLICY_NONE;
    in->policy.phases = 1;
    in->policy.duration_months = 1;
    in->policy.review_months = 6;
    in->policy.hold_reviews = 2;
    in->policy.violence_max = -1.0;
    in->policy.host_ratio_min = -1.0;
    in->policy.authority_min = -1.0;
    in->policy.on_fail = DD_ONFAIL_PAUSE;
    in->allocation = DD_ALLOC_FIXED;
    for (int m = 0; m < DD_MECH_COUNT; m++)
        in->mechanisms[m] = 1;
    dd_params_default(&in->params);
}

void dd_input_free(dd_input *in)
{
    if (in == NULL)
        return;
    free(in->description);
    for (size_t i = 0; i < in->n_regions; i++)
        free(in->regions[i].neighbours);
    free(in->regions);
    free(in->troops.points);
    free(in->police.points);
    free(in->civilians.points);
    for (size_t i = 0; i < in->n_partners; i++) {
        free(in->partners[i].strength.points);
        free(in->partners[i].region_share);
    }
    free(in->partners);
    free(in->events);
    for (size_t i = 0; i < in->n_files; i++)
        free(in->files[i]);
    free(in->files);
    dd_input_init(in);
}

const char *dd_input_intern_file(dd_input *in, const char *file)
{
    for (size_t i = 0; i < in->n_files; i++)
        if (strcmp(in->files[i], file) == 0)
            return in->files[i];
    char **grown = realloc(in->files, (in->n_files + 1) * sizeof *grown);
    if (grown == NULL)
        return NULL;
    in->files = grown;
    size_t len = strlen(file);
    char *copy = malloc(len + 1);
    if (copy == NULL)
        return NULL;
    memcpy(copy, file, len + 1);
    in->files[in->n_files++] = copy;
    return copy;
}

long dd_input_region_index(const dd_input *in, const char *name)
{
    for (size_t i = 0; i < in->n_regions; i++)
        if (strcmp(in->regions[i].name, name) == 0)
            return (long)i;
    return -1;
}

static int fail(dd_error *err, int code, dd_srcloc loc, const char *msg)
{
    return dd_error_set(err, code, loc.file, loc.line, "%s", msg);
}

#define FAILF(err, code, loc, ...)                                                                 \
    dd_error_set((err), (code), (loc).file, (loc).line, __VA_ARGS__)

static int check_share(dd_error *err, dd_srcloc loc, const char *what, double v)
{
    if (!isfinite(v) || v < 0.0 || v > 1.0)
        return FAILF(err, DD_ERANGE, loc, "%s = %g is a share and must be in [0, 1]", what, v);
    return DD_OK;
}

static int check_count(dd_error *err, dd_srcloc loc, const char *what, double v)
{
    if (!isfinite(v) || v < 0.0)
        return FAILF(err, DD_ERANGE, loc, "%s = %g must be a count >= 0", what, v);
    return DD_OK;
}

static int check_schedule(dd_error *err, const dd_schedule *s, const char *what)
{
    char a[DD_MONTH_STR], b[DD_MONTH_STR];
    for (size_t i = 0; i < s->n; i++) {
        int rc = check_count(err, s->points[i].loc, what, s->points[i].value);
        if (rc != DD_OK)
            return rc;
        if (i > 0 && s->points[i].month <= s->points[i - 1].month) {
            dd_month_format(s->points[i - 1].month, a);
            dd_month_format(s->points[i].month, b);
            return FAILF(err, DD_ERANGE, s->points[i].loc,
                         "%s: date %s is not after the previous date %s (dates must increase)",
                         what, b, a);
        }
    }
    return DD_OK;
}

static int name_ok(const char *name)
{
    if (name[0] == '\0')
        return 0;
    for (const char *p = name; *p != '\0'; p++) {
        char c = *p;
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '-' || c == '.'))
            return 0;
    }
    return name[0] != '.';
}

int dd_input_validate(const dd_input *in, dd_error *err)
{
    int rc;
    if (!name_ok(in->name))
        return FAILF(err, DD_ERANGE, in->loc,
                     "name \"%s\" must be non-empty and use only letters, digits, '_', '-', '.'",
                     in->name);
    if (in->months < 1 || in->months > DD_MONTHS_MAX)
        return FAILF(err, DD_ERANGE, in->loc, "months = %d must be in [1, %d]", in->months,
                     DD_MONTHS_MAX);
    if (in->replications < 1)
        return FAILF(err, DD_ERANGE, in->loc, "replications = %ld must be >= 1", in->replications);
    if ((rc = check_share(err, in->loc, "host_quality", in->host_quality)) != DD_OK ||
        (rc = check_share(err, in->loc, "consent", in->consent)) != DD_OK ||
        (rc = check_share(err, in->loc, "legitimacy", in->legitimacy)) != DD_OK)
        return rc;
    if (in->n_regions == 0)
        return fail(err, DD_ECONFIG, in->loc, "the scenario defines no regions");

    double troop_sum = 0.0, police_sum = 0.0;
    for (size_t i = 0; i < in->n_regions; i++) {
        const dd_region *r = &in->regions[i];
        if (!name_ok(r->name))
            return FAILF(err, DD_ERANGE, r->loc,
                         "region name \"%s\" must use only letters, digits, '_', '-', '.'",
                         r->name);
        for (size_t j = 0; j < i; j++)
            if (strcmp(in->regions[j].name, r->name) == 0)
                return FAILF(err, DD_ECONFIG, r->loc, "region \"%s\" is defined twice", r->name);
        if (!isfinite(r->population) || r->population <= 0.0)
            return FAILF(err, DD_ERANGE, r->loc, "region %s: population = %g must be > 0",
                         r->name, r->population);
        if ((rc = check_count(err, r->loc, "armed_strength", r->armed_strength)) != DD_OK ||
            (rc = check_count(err, r->loc, "host_forces", r->host_forces)) != DD_OK ||
            (rc = check_count(err, r->loc, "displaced", r->displaced)) != DD_OK ||
            (rc = check_share(err, r->loc, "armed_control", r->armed_control)) != DD_OK ||
            (rc = check_share(err, r->loc, "state_authority", r->state_authority)) != DD_OK ||
            (rc = check_share(err, r->loc, "troop_share", r->troop_share)) != DD_OK ||
            (rc = check_share(err, r->loc, "police_share", r->police_share)) != DD_OK)
            return rc;
        if (r->displaced > r->population)
            return FAILF(err, DD_ERANGE, r->loc,
                         "region %s: displaced = %g exceeds population %g", r->name, r->displaced,
                         r->population);
        for (size_t k = 0; k < r->n_neighbours; k++) {
            size_t nb = r->neighbours[k];
            if (nb >= in->n_regions || nb == i)
                return FAILF(err, DD_ECONFIG, r->loc, "region %s: bad neighbour", r->name);
            for (size_t l = 0; l < k; l++)
                if (r->neighbours[l] == nb)
                    return FAILF(err, DD_ECONFIG, r->loc, "region %s: neighbour %s listed twice",
                                 r->name, in->regions[nb].name);
        }
        troop_sum += r->troop_share;
        police_sum += r->police_share;
    }
    const dd_srcloc rloc = in->regions[0].loc;
    if (fabs(troop_sum - 1.0) > SHARE_SUM_TOL)
        return FAILF(err, DD_ERANGE, rloc, "troop_share over all regions sums to %g, not 1",
                     troop_sum);
    if (fabs(police_sum - 1.0) > SHARE_SUM_TOL)
        return FAILF(err, DD_ERANGE, rloc, "police_share over all regions sums to %g, not 1",
                     police_sum);

    if ((rc = check_schedule(err, &in->troops, "mission.troops")) != DD_OK ||
        (rc = check_schedule(err, &in->police, "mission.police")) != DD_OK ||
        (rc = check_schedule(err, &in->civilians, "mission.civilians")) != DD_OK)
        return rc;

    for (size_t p = 0; p < in->n_partners; p++) {
        const dd_partner *pt = &in->partners[p];
        if (!name_ok(pt->name))
            return FAILF(err, DD_ERANGE, pt->loc, "partner name \"%s\" is not valid", pt->name);
        if (pt->role < 0 || pt->role >= DD_ROLE_COUNT)
            return FAILF(err, DD_ERANGE, pt->loc, "partner %s: unknown role", pt->name);
        if ((rc = check_schedule(err, &pt->strength, "partner strength")) != DD_OK)
            return rc;
        if (pt->leave_below_consent != -1.0 &&
            (rc = check_share(err, pt->loc, "leave_below_consent", pt->leave_below_consent)) != DD_OK)
            return rc;
        double sum = 0.0;
        for (size_t i = 0; i < in->n_regions; i++) {
            if ((rc = check_share(err, pt->loc, "partner region share", pt->region_share[i])) !=
                DD_OK)
                return rc;
            sum += pt->region_share[i];
        }
        if (fabs(sum - 1.0) > SHARE_SUM_TOL)
            return FAILF(err, DD_ERANGE, pt->loc, "partner %s: region shares sum to %g, not 1",
                         pt->name, sum);
    }

    const int end = in->start_month + in->months; /* one past the last month */
    char a[DD_MONTH_STR];
    for (size_t e = 0; e < in->n_events; e++) {
        const dd_event *ev = &in->events[e];
        if (ev->type < 0 || ev->type >= DD_EVENT_COUNT)
            return fail(err, DD_ERANGE, ev->loc, "unknown event type");
        if (ev->month < in->start_month || ev->month >= end) {
            dd_month_format(ev->month, a);
            return FAILF(err, DD_ERANGE, ev->loc, "event %s at %s is outside the simulated months",
                         dd_event_name(ev->type), a);
        }
        if (e > 0 && ev->month < in->events[e - 1].month)
            return fail(err, DD_ERANGE, ev->loc, "events must be listed in date order");
        if ((ev->type == DD_EVENT_COUP || ev->type == DD_EVENT_DISINFORMATION) &&
            ev->magnitude >= 0.0 &&
            (rc = check_share(err, ev->loc, "magnitude", ev->magnitude)) != DD_OK)
            return rc;
        if (ev->type == DD_EVENT_CONTRIBUTOR_PULLOUT &&
            (rc = check_count(err, ev->loc, "magnitude (troops)", ev->magnitude)) != DD_OK)
            return rc;
        if (ev->type == DD_EVENT_OFFENSIVE || ev->type == DD_EVENT_MILITIA) {
            const char *name = dd_event_name(ev->type);
            const char *unit = ev->type == DD_EVENT_OFFENSIVE ? "fighters" : "members";
            if (ev->region < 0 || (size_t)ev->region >= in->n_regions)
                return FAILF(err, DD_ERANGE, ev->loc, "%s: region index %ld is not a region",
                             name, ev->region);
            if (!isfinite(ev->magnitude) || ev->magnitude <= 0.0 ||
                ev->magnitude > DD_OFFENSIVE_MAX)
                return FAILF(err, DD_ERANGE, ev->loc,
                             "%s: magnitude = %g %s must be > 0 and at most %g", name,
                             ev->magnitude, unit, DD_OFFENSIVE_MAX);
        }
    }

    const dd_policy_spec *pol = &in->policy;
    /* Both drawdown policies start inside the horizon. */
    if ((pol->kind == DD_POLICY_CALENDAR || pol->kind == DD_POLICY_CONDITIONS) &&
        (pol->start_month < in->start_month || pol->start_month >= end)) {
        dd_month_format(pol->start_month, a);
        return FAILF(err, DD_ERANGE, pol->loc, "policy.start = %s is outside the simulated months",
                     a);
    }
    switch (pol->kind) {
    case DD_POLICY_NONE:
        break;
    case DD_POLICY_CALENDAR:
        if (pol->duration_months < 1 || pol->duration_months > DD_MONTHS_MAX)
            return FAILF(err, DD_ERANGE, pol->loc, "policy.months = %d must be in [1, %d]",
                         pol->duration_months, DD_MONTHS_MAX);
        if (pol->phases < 1 || pol->phases > pol->duration_months)
            return FAILF(err, DD_ERANGE, pol->loc,
                         "policy.phases = %d must be in [1, policy.months = %d]", pol->phases,
                         pol->duration_months);
        break;
    case DD_POLICY_CONDITIONS:
        if (pol->review_months < 1 || pol->review_months > DD_POLICY_REVIEW_MONTHS_MAX)
            return FAILF(err, DD_ERANGE, pol->loc, "policy.review_months = %d must be in [1, %d]",
                         pol->review_months, DD_POLICY_REVIEW_MONTHS_MAX);
        if (pol->phases < 1 || pol->phases > DD_POLICY_PHASES_MAX)
            return FAILF(err, DD_ERANGE, pol->loc, "policy.phases = %d must be in [1, %d]",
                         pol->phases, DD_POLICY_PHASES_MAX);
        if (pol->hold_reviews < 1 || pol->hold_reviews > DD_POLICY_HOLD_REVIEWS_MAX)
            return FAILF(err, DD_ERANGE, pol->loc, "policy.hold_reviews = %d must be in [1, %d]",
                         pol->hold_reviews, DD_POLICY_HOLD_REVIEWS_MAX);
        if (pol->authority_min > 1.0)
            return FAILF(err, DD_ERANGE, pol->loc, "policy.authority_min = %g must be at most 1",
                         pol->authority_min);
        if (!isfinite(pol->violence_max) || !isfinite(pol->host_ratio_min) ||
            !isfinite(pol->authority_min))
            return fail(err, DD_ERANGE, pol->loc, "policy benchmarks must be finite numbers");
        if (pol->on_fail < 0 || pol->on_fail >= DD_ONFAIL_COUNT)
            return fail(err, DD_ERANGE, pol->loc, "unknown policy.on_fail");
        if (pol->violence_max < 0.0 && pol->host_ratio_min < 0.0 && pol->authority_min < 0.0)
            return fail(err, DD_ERANGE, pol->loc,
                        "policy type \"conditions\" needs at least one benchmark");
        break;
    default:
        return fail(err, DD_ERANGE, pol->loc, "unknown policy type");
    }
    if (in->allocation < 0 || in->allocation >= DD_ALLOC_COUNT)
        return fail(err, DD_ERANGE, in->loc, "unknown mission.allocation");
    /* A month before the start (0 in inputs built in code) means from the start. */
    if (in->allocation_start_month >= end) {
        dd_month_format(in->allocation_start_month, a);
        return FAILF(err, DD_ERANGE, in->loc, "mission.allocation_start = %s is outside the simulated months", a);
    }
    for (int m = 0; m < DD_MECH_COUNT; m++)
        if (in->mechanisms[m] != 0 && in->mechanisms[m] != 1)
            return fail(err, DD_ERANGE, in->loc, "mechanism switches must be true or false");

    rc = dd_params_validate(&in->params, err);
    if (rc != DD_OK && err != NULL && err->file[0] == '\0' && in->loc.file != NULL) {
        snprintf(err->file, sizeof err->file, "%s", in->loc.file);
        err->line = in->loc.line;
    }
    return rc;
}

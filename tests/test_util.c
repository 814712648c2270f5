/* Helpers shared by the test suites (see test_util.h). */
#include "test_util.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>

#include "dd_month.h"

static void *xcalloc(size_t n, size_t size)
{
    void *p = calloc(n == 0 ? 1 : n, size);
    if (p == NULL) {
        fprintf(stderr, "test_util: out of memory\n");
        abort();
    }
    return p;
}

void dd_test_set_constant(dd_schedule *s, int start_month, double value)
{
    free(s->points);
    s->points = xcalloc(1, sizeof *s->points);
    s->points[0].month = start_month;
    s->points[0].value = value;
    s->n = 1;
}

void dd_test_input(dd_input *in, size_t n_regions, int months, double troops, double police)
{
    dd_input_init(in);
    snprintf(in->name, sizeof in->name, "test");
    in->description = xcalloc(1, 1);
    dd_month_parse("2020-01", &in->start_month);
    in->months = months;
    in->seed = 2385;
    in->replications = 50;
    in->host_quality = 0.4;
    in->consent = 0.9;
    in->legitimacy = 0.7;
    in->regions = xcalloc(n_regions, sizeof *in->regions);
    in->n_regions = n_regions;
    for (size_t r = 0; r < n_regions; r++) {
        dd_region *reg = &in->regions[r];
        snprintf(reg->name, sizeof reg->name, "R%zu", r);
        reg->population = 250000.0 + 137000.0 * (double)r;
        reg->armed_strength = 400.0 + 55.5 * (double)r;
        reg->armed_control = 0.1;
        reg->state_authority = 0.45;
        reg->host_forces = 900.0;
        reg->displaced = 1000.0;
        reg->troop_share = 1.0 / (double)n_regions;
        reg->police_share = 1.0 / (double)n_regions;
        reg->neighbours = xcalloc(2, sizeof *reg->neighbours);
        if (r > 0)
            reg->neighbours[reg->n_neighbours++] = r - 1;
        if (r + 1 < n_regions)
            reg->neighbours[reg->n_neighbours++] = r + 1;
    }
    /* Shares of 1/3 do not sum to exactly 1 in binary; put the rest on the last region. */
    double sum = 0.0;
    for (size_t r = 0; r + 1 < n_regions; r++)
        sum += in->regions[r].troop_share;
    in->regions[n_regions - 1].troop_share = 1.0 - sum;
    in->regions[n_regions - 1].police_share = 1.0 - sum;
    in->allocation_start_month = in->start_month;
    dd_test_set_constant(&in->troops, in->start_month, troops);
    dd_test_set_constant(&in->police, in->start_month, police);
}

void dd_test_add_partner(dd_input *in, dd_role role, double strength)
{
    dd_partner *grown = realloc(in->partners, (in->n_partners + 1) * sizeof *grown);
    if (grown == NULL)
        abort();
    in->partners = grown;
    dd_partner *p = &in->partners[in->n_partners++];
    memset(p, 0, sizeof *p);
    snprintf(p->name, sizeof p->name, "P%zu", in->n_partners);
    p->role = role;
    p->leave_below_consent = -1.0; /* no rule */
    dd_test_set_constant(&p->strength, in->start_month, strength);
    p->region_share = xcalloc(in->n_regions, sizeof *p->region_share);
    double sum = 0.0;
    for (size_t r = 0; r + 1 < in->n_regions; r++) {
        p->region_share[r] = 1.0 / (double)in->n_regions;
        sum += p->region_share[r];
    }
    p->region_share[in->n_regions - 1] = 1.0 - sum;
}

void dd_test_add_event(dd_input *in, dd_event_type type, int month_index)
{
    dd_event *grown = realloc(in->events, (in->n_events + 1) * sizeof *grown);
    if (grown == NULL)
        abort();
    in->events = grown;
    dd_event *e = &in->events[in->n_events++];
    memset(e, 0, sizeof *e);
    e->type = type;
    e->month = in->start_month + month_index;
    /* Coup and disinformation: the parameter's default; a pull-out of nobody; an offensive
       of one fighter or a militia of one member (they need more than none) in the first
       region. */
    const int regional = type == DD_EVENT_OFFENSIVE || type == DD_EVENT_MILITIA;
    e->magnitude = type == DD_EVENT_CONTRIBUTOR_PULLOUT ? 0.0 : regional ? 1.0 : -1.0;
    e->region = regional ? 0 : -1;
}

void dd_test_add_militia(dd_input *in, size_t region, int month_index, double members)
{
    dd_test_add_event(in, DD_EVENT_MILITIA, month_index);
    dd_event *e = &in->events[in->n_events - 1];
    e->region = (long)region;
    e->magnitude = members;
}

void dd_test_add_offensive(dd_input *in, size_t region, int month_index, double fighters)
{
    dd_test_add_event(in, DD_EVENT_OFFENSIVE, month_index);
    dd_event *e = &in->events[in->n_events - 1];
    e->region = (long)region;
    e->magnitude = fighters;
}

static void random_schedule(dd_schedule *s, int start, int months, double scale, gsl_rng *r)
{
    size_t n = 1 + gsl_rng_uniform_int(r, 5);
    free(s->points);
    s->points = xcalloc(n, sizeof *s->points);
    s->n = n;
    int month = start - (int)gsl_rng_uniform_int(r, 3);
    for (size_t i = 0; i < n; i++) {
        s->points[i].month = month;
        s->points[i].value = gsl_rng_uniform(r) < 0.2 ? 0.0 : scale * gsl_rng_uniform(r);
        month += 1 + (int)gsl_rng_uniform_int(r, (unsigned long)(months / 2 + 1));
    }
}

static void random_shares(double *share, size_t n, gsl_rng *r)
{
    double sum = 0.0;
    for (size_t i = 0; i < n; i++) {
        share[i] = gsl_rng_uniform(r) < 0.25 ? 0.0 : gsl_rng_uniform(r);
        sum += share[i];
    }
    if (sum == 0.0) {
        share[0] = 1.0;
        return;
    }
    double acc = 0.0;
    for (size_t i = 0; i + 1 < n; i++) {
        share[i] /= sum;
        acc += share[i];
    }
    share[n - 1] = 1.0 - acc;
    if (share[n - 1] < 0.0)
        share[n - 1] = 0.0;
}

void dd_test_random_input(dd_input *in, gsl_rng *r)
{
    size_t R = 1 + gsl_rng_uniform_int(r, 6);
    int months = 6 + (int)gsl_rng_uniform_int(r, 60);
    dd_test_input(in, R, months, 0.0, 0.0);
    in->host_quality = gsl_rng_uniform(r);
    in->consent = gsl_rng_uniform(r);
    in->legitimacy = gsl_rng_uniform(r);
    double *troop_share = xcalloc(R, sizeof *troop_share);
    double *police_share = xcalloc(R, sizeof *police_share);
    random_shares(troop_share, R, r);
    random_shares(police_share, R, r);
    for (size_t i = 0; i < R; i++) {
        dd_region *reg = &in->regions[i];
        reg->population = 1000.0 + 1e7 * gsl_rng_uniform(r);
        reg->armed_strength = gsl_rng_uniform(r) < 0.1 ? 0.0 : 5000.0 * gsl_rng_uniform(r);
        reg->armed_control = gsl_rng_uniform(r);
        reg->state_authority = gsl_rng_uniform(r);
        reg->host_forces = 10000.0 * gsl_rng_uniform(r);
        reg->displaced = reg->population * 0.3 * gsl_rng_uniform(r);
        reg->troop_share = troop_share[i];
        reg->police_share = police_share[i];
    }
    free(troop_share);
    free(police_share);
    random_schedule(&in->troops, in->start_month, months, 20000.0, r);
    random_schedule(&in->police, in->start_month, months, 3000.0, r);
    if (gsl_rng_uniform(r) < 0.5)
        random_schedule(&in->civilians, in->start_month, months, 2000.0, r);
    for (int role = 0; role < DD_ROLE_COUNT; role++) {
        if (gsl_rng_uniform(r) < 0.5)
            continue;
        dd_test_add_partner(in, (dd_role)role, 0.0);
        dd_partner *p = &in->partners[in->n_partners - 1];
        random_schedule(&p->strength, in->start_month, months, 5000.0, r);
        random_shares(p->region_share, R, r);
        if (gsl_rng_uniform(r) < 0.5)
            p->leave_below_consent = gsl_rng_uniform(r);
    }
    in->allocation = (dd_allocation)gsl_rng_uniform_int(r, DD_ALLOC_COUNT);
    in->allocation_start_month = in->start_month + (int)gsl_rng_uniform_int(r, (unsigned long)months);

    /* Up to four events of any type, in date order inside the horizon. */
    int n_events = (int)gsl_rng_uniform_int(r, 5);
    int at[4];
    for (int k = 0; k < n_events; k++)
        at[k] = (int)gsl_rng_uniform_int(r, (unsigned long)months);
    for (int k = 1; k < n_events; k++) /* insertion sort: four at most */
        for (int j = k; j > 0 && at[j - 1] > at[j]; j--) {
            int t = at[j - 1];
            at[j - 1] = at[j];
            at[j] = t;
        }
    for (int k = 0; k < n_events; k++) {
        dd_event_type type = (dd_event_type)gsl_rng_uniform_int(r, DD_EVENT_COUNT);
        dd_test_add_event(in, type, at[k]);
        dd_event *e = &in->events[in->n_events - 1];
        if ((type == DD_EVENT_COUP || type == DD_EVENT_DISINFORMATION) &&
            gsl_rng_uniform(r) < 0.6)
            e->magnitude = gsl_rng_uniform(r);
        else if (type == DD_EVENT_CONTRIBUTOR_PULLOUT && gsl_rng_uniform(r) < 0.8)
            e->magnitude = floor(3000.0 * gsl_rng_uniform(r));
        else if (type == DD_EVENT_OFFENSIVE || type == DD_EVENT_MILITIA) {
            e->region = (long)gsl_rng_uniform_int(r, R);
            e->magnitude = 1.0 + floor(5000.0 * gsl_rng_uniform(r));
        }
    }

    double u = gsl_rng_uniform(r);
    dd_policy_spec *pol = &in->policy;
    if (u < 0.35) {
        pol->kind = DD_POLICY_CALENDAR;
        pol->start_month = in->start_month + (int)gsl_rng_uniform_int(r, (unsigned long)months);
        pol->duration_months = 1 + (int)gsl_rng_uniform_int(r, 24);
        pol->phases = 1 + (int)gsl_rng_uniform_int(r, (unsigned long)pol->duration_months);
    } else if (u < 0.7) {
        pol->kind = DD_POLICY_CONDITIONS;
        pol->start_month = in->start_month + (int)gsl_rng_uniform_int(r, (unsigned long)months);
        pol->review_months = 1 + (int)gsl_rng_uniform_int(r, 12);
        pol->phases = 1 + (int)gsl_rng_uniform_int(r, 8);
        pol->hold_reviews = 1 + (int)gsl_rng_uniform_int(r, 4);
        /* A random non-empty set of benchmarks in use (a bit mask from 1 to 7). */
        int use = 1 + (int)gsl_rng_uniform_int(r, 7);
        pol->violence_max = (use & 1) ? 200.0 * gsl_rng_uniform(r) : -1.0;
        pol->host_ratio_min = (use & 2) ? 3.0 * gsl_rng_uniform(r) : -1.0;
        pol->authority_min = (use & 4) ? gsl_rng_uniform(r) : -1.0;
        pol->on_fail = (dd_onfail)gsl_rng_uniform_int(r, DD_ONFAIL_COUNT);
    }
    if (pol->kind != DD_POLICY_NONE)
        pol->civilians_stay = gsl_rng_uniform(r) < 0.5;
    for (int m = 0; m < DD_MECH_COUNT; m++)
        in->mechanisms[m] = gsl_rng_uniform(r) < 0.85;
    size_t n;
    const dd_param_info *t = dd_params_table(&n);
    for (size_t i = 0; i < n; i++) {
        double lo = t[i].min, hi = t[i].max, v;
        if (lo > 0.0 && hi / lo > 100.0)
            v = lo * exp(gsl_rng_uniform(r) * log(hi / lo)); /* log-uniform over wide ranges */
        else
            v = lo + (hi - lo) * gsl_rng_uniform(r);
        if (t[i].integral)
            v = floor(v);
        if (v < lo)
            v = lo;
        *dd_params_field(&in->params, &t[i]) = v;
    }
}

void dd_test_runner_input(dd_input *in)
{
    dd_test_input(in, 3, 30, 7000.0, 700.0);
    dd_test_add_partner(in, DD_ROLE_COUNTER_TERRORISM, 1500.0);
    in->policy.kind = DD_POLICY_CALENDAR;
    in->policy.start_month = in->start_month + 12;
    in->policy.duration_months = 4;
    in->policy.phases = 2;
}

void dd_test_collect_init(dd_test_collect *c, long reps, long stop_at)
{
    c->next = 0;
    c->rows = xcalloc((size_t)reps, sizeof *c->rows);
    c->stop_at = stop_at;
}

void dd_test_collect_free(dd_test_collect *c)
{
    free(c->rows);
    c->rows = NULL;
}

int dd_test_collect_rep(void *ctx, long rep, const dd_outcome *o, dd_error *err)
{
    dd_test_collect *c = ctx;
    if (rep != c->next)
        return dd_error_set(err, DD_ERUN, NULL, 0, "out of order: %ld after %ld", rep, c->next);
    if (rep == c->stop_at)
        return dd_error_set(err, DD_EIO, NULL, 0, "disk full (simulated)");
    c->rows[rep] = *o;
    c->next++;
    return DD_OK;
}

/* memcmp rather than ==, so that NaN and the sign of zero count as bits too. */
static int same_acc(const dd_acc *a, const dd_acc *b)
{
    return a->n == b->n && a->binning == b->binning &&
           memcmp(&a->shift, &b->shift, sizeof a->shift) == 0 &&
           memcmp(&a->sum, &b->sum, sizeof a->sum) == 0 &&
           memcmp(&a->sumsq, &b->sumsq, sizeof a->sumsq) == 0 &&
           memcmp(&a->min, &b->min, sizeof a->min) == 0 &&
           memcmp(&a->max, &b->max, sizeof a->max) == 0 && a->lo == b->lo && a->len == b->len &&
           (a->len == 0 || memcmp(a->bins, b->bins, a->len * sizeof *a->bins) == 0);
}

int dd_test_same_results(const dd_input *in, const dd_results *a, const dd_results *b)
{
    for (int t = 0; t < in->months; t++)
        for (size_t p = 0; p <= in->n_regions; p++)
            for (size_t k = 0; k < DD_M_COUNT; k++) {
                const dd_acc *x = dd_grid_cell(a->grid, t, p, k);
                const dd_acc *y = dd_grid_cell(b->grid, t, p, k);
                if ((x == NULL) != (y == NULL) || (x != NULL && !same_acc(x, y)))
                    return 0;
            }
    for (int k = 0; k < DD_O_COUNT; k++)
        if (!same_acc(&a->summary.measure[k], &b->summary.measure[k]))
            return 0;
    if (!same_acc(&a->summary.exit_months, &b->summary.exit_months))
        return 0;
    return a->draws.rekey == b->draws.rekey && a->draws.negbin == b->draws.negbin &&
           a->draws.binomial == b->draws.binomial && a->draws.poisson == b->draws.poisson &&
           a->draws.gaussian == b->draws.gaussian;
}

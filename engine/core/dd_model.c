/*
 * dd_model: the monthly step (equations in engine/MODEL.md).
 *
 * Invariants kept by every step, whatever the parameters: stocks (fighters,
 * host forces, displaced) are finite and >= 0; shares stay in [0, 1];
 * displaced never exceed a region's population; the fatality categories of a
 * region-month sum to its total (they come from one multinomial split plus
 * the separate peacekeeper count).
 *
 * A step has four parts: dated offensives, national events and the mission's
 * level; a first pass over regions that needs no random numbers (forces,
 * suppression, allocation, contagion flows); a second pass with each region's
 * draws; and national updates (host quality, legitimacy, consent,
 * contributors, outcomes). Each region's draws come from its own keyed
 * stream, national draws from the national stream (dd_rng.h).
 *
 * Cost per region-month is dominated by the random draws: one Gaussian (armed
 * growth noise), one negative binomial (events), one negative binomial for
 * the deaths of all the month's events together (a sum of N independent
 * NB(k, p) is NB(N k, p)), four binomials for the split and one Poisson for
 * peacekeepers, and where community militias are armed one Poisson for their
 * attacks and one negative binomial for their victims; draws whose mean is
 * zero are skipped.
 */
#include "dd_model.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>

#include "dd_rng.h"
#include "dd_sample.h"

/* Fatality categories of the multinomial split (peacekeepers are drawn apart). */
enum {
    SPLIT_CIVILIAN = 0, /* civilians killed by armed groups */
    SPLIT_CIVILIAN_STATE, /* civilians killed by host or partner forces */
    SPLIT_HOST,
    SPLIT_PARTNER,
    SPLIT_ARMED,
    SPLIT_COUNT
};

struct dd_model {
    const dd_input *in;
    size_t n_regions;
    int months;
    double *troops;         /* [month] scheduled mission troops */
    double *police;         /* [month] scheduled mission police */
    double *civilians;      /* [month] scheduled mission civilian staff */
    double *partner;        /* [month][partner] partner strength in the country */
    int *revoke;            /* [month] 1 when a consent_revoked event falls in the month */
    double *coup;           /* [month] consent lost to dated coups */
    double *disinfo;        /* [month] legitimacy lost to dated disinformation */
    double *pullout;        /* [month] troops withdrawn by dated contributor pull-outs */
    /* [month][region] fighters joining the armed groups from outside the modelled area at the
       start of the month (dated offensives); NULL when the scenario has none. */
    double *offensive;
    /* [month][region] members of the community militias (dated militia events, summed up to
       the month: militias stay armed); NULL when the scenario has none. */
    double *militia;
    size_t n_partners;
    double *pop_weight;     /* [region] population share */
    double *capacity;       /* [region] armed-group recruitment ceiling (fighters) */
    double *per_thousand;   /* [region] 1000 / population */
};

size_t dd_model_n_regions(const dd_model *m)
{
    return m->n_regions;
}

int dd_model_months(const dd_model *m)
{
    return m->months;
}

int dd_model_start_month(const dd_model *m)
{
    return m->in->start_month;
}

const dd_input *dd_model_input(const dd_model *m)
{
    return m->in;
}

size_t dd_model_obs_stride(const dd_model *m)
{
    return (m->n_regions + 1) * DD_M_COUNT;
}

void dd_model_free(dd_model *m)
{
    if (m == NULL)
        return;
    free(m->troops);
    free(m->police);
    free(m->civilians);
    free(m->partner);
    free(m->revoke);
    free(m->coup);
    free(m->disinfo);
    free(m->pullout);
    free(m->offensive);
    free(m->militia);
    free(m->pop_weight);
    free(m->capacity);
    free(m->per_thousand);
    free(m);
}

int dd_model_alloc(dd_model **out, const dd_input *in, dd_error *err)
{
    *out = NULL;
    int rc = dd_input_validate(in, err);
    if (rc != DD_OK)
        return rc;
    dd_model *m = calloc(1, sizeof *m);
    if (m == NULL)
        return dd_error_set(err, DD_ENOMEM, NULL, 0, "out of memory building the model");
    m->in = in;
    m->n_regions = in->n_regions;
    m->months = in->months;
    const size_t T = (size_t)in->months, R = in->n_regions;
    m->troops = malloc(T * sizeof *m->troops);
    m->police = malloc(T * sizeof *m->police);
    m->civilians = malloc(T * sizeof *m->civilians);
    m->partner = calloc(T * (in->n_partners + 1), sizeof *m->partner);
    m->revoke = calloc(T, sizeof *m->revoke);
    m->coup = calloc(T, sizeof *m->coup);
    m->disinfo = calloc(T, sizeof *m->disinfo);
    m->pullout = calloc(T, sizeof *m->pullout);
    m->n_partners = in->n_partners;
    m->pop_weight = malloc(R * sizeof *m->pop_weight);
    m->capacity = malloc(R * sizeof *m->capacity);
    m->per_thousand = malloc(R * sizeof *m->per_thousand);
    if (!m->troops || !m->police || !m->civilians || !m->partner || !m->revoke || !m->coup || !m->disinfo ||
        !m->pullout || !m->pop_weight ||
        !m->capacity || !m->per_thousand) {
        dd_model_free(m);
        return dd_error_set(err, DD_ENOMEM, NULL, 0, "out of memory building the model");
    }
    double pop_total = 0.0;
    for (size_t r = 0; r < R; r++)
        pop_total += in->regions[r].population;
    for (size_t r = 0; r < R; r++) {
        const dd_region *reg = &in->regions[r];
        m->pop_weight[r] = reg->population / pop_total;
        m->capacity[r] = in->params.armed_capacity_per_capita * reg->population;
        m->per_thousand[r] = 1000.0 / reg->population;
    }
    for (size_t t = 0; t < T; t++) {
        int month = in->start_month + (int)t;
        m->troops[t] = dd_schedule_at(&in->troops, month);
        m->police[t] = dd_schedule_at(&in->police, month);
        m->civilians[t] = dd_schedule_at(&in->civilians, month);
        for (size_t p = 0; p < in->n_partners; p++)
            m->partner[t * in->n_partners + p] = dd_schedule_at(&in->partners[p].strength, month);
    }
    for (size_t e = 0; e < in->n_events; e++) {
        double **by_region = in->events[e].type == DD_EVENT_OFFENSIVE ? &m->offensive
                             : in->events[e].type == DD_EVENT_MILITIA ? &m->militia
                                                                       : NULL;
        if (by_region == NULL || *by_region != NULL)
            continue;
        *by_region = calloc(T * R, sizeof **by_region);
        if (*by_region == NULL) {
            dd_model_free(m);
            return dd_error_set(err, DD_ENOMEM, NULL, 0, "out of memory building the model");
        }
    }
    for (size_t e = 0; e < in->n_events; e++) {
        const dd_event *ev = &in->events[e];
        size_t t = (size_t)(ev->month - in->start_month);
        switch (ev->type) {
        case DD_EVENT_CONSENT_REVOKED:
            m->revoke[t] = 1;
            break;
        case DD_EVENT_COUP:
            m->coup[t] += ev->magnitude >= 0.0 ? ev->magnitude : in->params.coup_consent_drop;
            break;
        case DD_EVENT_DISINFORMATION:
            m->disinfo[t] +=
                ev->magnitude >= 0.0 ? ev->magnitude : in->params.disinformation_legitimacy_drop;
            break;
        case DD_EVENT_CONTRIBUTOR_PULLOUT:
            m->pullout[t] += ev->magnitude;
            break;
        case DD_EVENT_OFFENSIVE:
            m->offensive[t * R + (size_t)ev->region] += ev->magnitude;
            break;
        case DD_EVENT_MILITIA:
            m->militia[t * R + (size_t)ev->region] += ev->magnitude;
            break;
        default:
            break;
        }
    }
    /* Militia members joined in a month stay: each month holds all who joined so far. */
    if (m->militia != NULL)
        for (size_t t = 1; t < T; t++)
            for (size_t r = 0; r < R; r++)
                m->militia[t * R + r] += m->militia[(t - 1) * R + r];
    *out = m;
    return DD_OK;
}

/* One block holds every per-region array, the partner flags and the ring, so a state is one
   allocation and copying it is one memcpy. */
enum {
    ARR_ARMED = 0,
    ARR_CONTROL,
    ARR_AUTHORITY,
    ARR_HOST,
    ARR_DISPLACED,
    ARR_SUPPRESSION,
    ARR_OUTFLOW,
    ARR_INFLOW,
    ARR_TROOP_SHARE,
    ARR_COUNT
};

static size_t ring_len(const dd_model *m)
{
    return (size_t)m->in->params.relapse_baseline_months;
}

static size_t block_len(const dd_model *m)
{
    return m->n_regions * (ARR_COUNT + DD_ROLE_COUNT) + m->n_partners + ring_len(m);
}

dd_state *dd_state_alloc(const dd_model *m)
{
    dd_state *s = calloc(1, sizeof *s);
    if (s == NULL)
        return NULL;
    const size_t R = m->n_regions;
    double *block = calloc(block_len(m), sizeof *block);
    if (block == NULL) {
        free(s);
        return NULL;
    }
    s->n_regions = R;
    s->armed = block + ARR_ARMED * R;
    s->control = block + ARR_CONTROL * R;
    s->authority = block + ARR_AUTHORITY * R;
    s->host = block + ARR_HOST * R;
    s->displaced = block + ARR_DISPLACED * R;
    s->suppression = block + ARR_SUPPRESSION * R;
    s->outflow = block + ARR_OUTFLOW * R;
    s->inflow = block + ARR_INFLOW * R;
    s->troop_share = block + ARR_TROOP_SHARE * R;
    s->partners = block + ARR_COUNT * R;
    s->partner_gone = s->partners + R * DD_ROLE_COUNT;
    s->recent = s->partner_gone + m->n_partners;
    return s;
}

void dd_state_free(dd_state *s)
{
    if (s == NULL)
        return;
    free(s->armed); /* the block starts with the armed array */
    free(s);
}

static double pop_mean(const dd_model *m, const double *v)
{
    double sum = 0.0;
    for (size_t r = 0; r < m->n_regions; r++)
        sum += m->pop_weight[r] * v[r];
    return sum;
}

static double host_ratio(const dd_state *s)
{
    double host = 0.0, armed = 0.0;
    for (size_t r = 0; r < s->n_regions; r++) {
        host += s->host[r];
        armed += s->armed[r];
    }
    return s->host_quality * host / (armed + 1.0);
}

void dd_model_init(const dd_model *m, dd_state *s)
{
    const dd_input *in = m->in;
    memset(s->armed, 0, block_len(m) * sizeof *s->armed);
    size_t R = m->n_regions;
    for (size_t r = 0; r < R; r++) {
        const dd_region *reg = &in->regions[r];
        s->armed[r] = reg->armed_strength;
        s->control[r] = reg->armed_control;
        s->authority[r] = reg->state_authority;
        s->host[r] = reg->host_forces;
        s->displaced[r] = reg->displaced;
    }
    s->month_index = 0;
    s->host_quality = in->host_quality;
    s->consent = in->consent;
    s->legitimacy = in->legitimacy;
    s->troops_withdrawn = 0.0;
    s->deaths_short = s->deaths_long = 0.0;
    s->months_present = 0;
    s->last_fatalities = 0.0;
    s->last_host_ratio = host_ratio(s);
    dd_policy_init(&s->policy);
    s->deployed = 0;
    s->revoked_at = -1;
    s->revoked_troops = s->revoked_police = s->revoked_civilians = 0.0;
    s->exit_at = -1;
    s->exit_reason = DD_EXIT_NONE;
    s->cum_civilian = s->cum_fatalities = s->cum_pk = 0.0;
    s->troop_months = s->cost_usd = 0.0;
    double displaced = 0.0;
    for (size_t r = 0; r < R; r++)
        displaced += s->displaced[r];
    s->peak_displaced = displaced;
    s->control_at_exit = s->control_window = 0.0;
    s->before_sum = s->after_sum = 0.0;
    s->before_n = s->after_n = 0;
    s->last_authority = pop_mean(m, s->authority);
    memset(&s->draws, 0, sizeof s->draws);
}

/* Copy everything but the arrays' addresses. */
static void state_copy(const dd_model *m, const dd_state *in, dd_state *out)
{
    double *block = out->armed;
    memcpy(block, in->armed, block_len(m) * sizeof *block);
    double *control = out->control, *authority = out->authority, *host = out->host;
    double *displaced = out->displaced, *suppression = out->suppression, *outflow = out->outflow;
    double *inflow = out->inflow, *troop_share = out->troop_share;
    double *partners = out->partners, *partner_gone = out->partner_gone, *recent = out->recent;
    *out = *in;
    out->armed = block;
    out->control = control;
    out->authority = authority;
    out->host = host;
    out->displaced = displaced;
    out->suppression = suppression;
    out->outflow = outflow;
    out->inflow = inflow;
    out->troop_share = troop_share;
    out->partners = partners;
    out->partner_gone = partner_gone;
    out->recent = recent;
}

static double clamp01(double x)
{
    return x < 0.0 ? 0.0 : (x > 1.0 ? 1.0 : x);
}

/*
 * Largest mean handed to a Poisson draw. The sampler returns an unsigned int
 * and takes means up to DD_SAMPLE_POISSON_MEAN_MAX (1e9, dd_sample.h);
 * no region-month of any sensible scenario comes near 1e8 events or deaths,
 * so the cap only guards extreme parameter values (engine/MODEL.md).
 */
#define POISSON_MEAN_CAP 1e8

/*
 * Negative binomial with mean `mean` and shape `shape` (variance
 * mean + mean^2/shape), drawn as a gamma-mixed Poisson, which is also how
 * gsl_ran_negative_binomial draws it, with the mixed mean capped.
 */
static double draw_negbin(gsl_rng *rng, double mean, double shape, dd_draws *d)
{
    if (!(mean > 0.0))
        return 0.0;
    d->negbin++;
    d->negbin_mean += mean;
    d->negbin_shape += shape;
    double lambda = gsl_ran_gamma(rng, shape, mean / shape);
    if (lambda > POISSON_MEAN_CAP)
        lambda = POISSON_MEAN_CAP;
    return (double)dd_sample_poisson(rng, lambda);
}

/*
 * National events at the start of month t: random shocks (national stream),
 * dated coups, disinformation and contributor pull-outs, then the partners'
 * consent rules and the host's revocation.
 */
static void national_events(const dd_model *m, const dd_state *in, dd_state *s, dd_stream *stream)
{
    const dd_input *inp = m->in;
    const dd_params *p = &inp->params;
    const int t = in->month_index;
    const int *mech = inp->mechanisms;
    double coup = m->coup[t], disinfo = m->disinfo[t];
    if (mech[DD_MECH_SHOCKS]) {
        /* Both uniforms are always drawn, so streams stay in step across scenarios. */
        dd_rng_set_key(stream->rng, dd_rng_key(stream->seed, stream->replication, (uint64_t)t,
                                               DD_RNG_STREAM_NATIONAL));
        s->draws.rekey++;
        double u_coup = gsl_rng_uniform(stream->rng), u_dis = gsl_rng_uniform(stream->rng);
        if (u_coup < p->coup_per_year / 12.0)
            coup += p->coup_consent_drop;
        if (u_dis < p->disinformation_per_year / 12.0)
            disinfo += p->disinformation_legitimacy_drop;
    }
    if (s->revoked_at < 0)
        s->consent = clamp01(s->consent - coup);
    s->legitimacy = clamp01(s->legitimacy - disinfo);
    s->troops_withdrawn += m->pullout[t];
    if (mech[DD_MECH_PARTNERS])
        for (size_t k = 0; k < m->n_partners; k++)
            if (inp->partners[k].leave_below_consent >= 0.0 &&
                s->consent < inp->partners[k].leave_below_consent)
                s->partner_gone[k] = 1.0;
}

/*
 * The mission's level this month: the policy's fraction of the schedule (less
 * troops withdrawn by contributors), cut by a forced withdrawal after consent
 * revocation, and zero for good once the mission has left. Civilian staff
 * follow the policy too, unless the scenario keeps them (civilians_stay: a
 * political mission stays after the uniformed exit); a revocation sends them
 * home on the same timetable. Updates the exit bookkeeping in `s`.
 */
static void mission_level(const dd_model *m, const dd_state *in, dd_state *s, double *troops,
                          double *police, double *civilians)
{
    const dd_input *inp = m->in;
    const int t = in->month_index;
    dd_policy_view view = {t, inp->start_month + t, in->last_fatalities, in->last_host_ratio,
                           in->last_authority};
    const dd_policy_type *pol = dd_policy_get(inp->policy.kind);
    double fraction = pol->step(&inp->policy, &view, &s->policy);
    double T = fmax(0.0, m->troops[t] - s->troops_withdrawn) * fraction;
    double P = m->police[t] * fraction;
    double Cv = m->civilians[t] * (inp->policy.civilians_stay ? 1.0 : fraction);

    int revoke = m->revoke[t] ||
                 (inp->mechanisms[DD_MECH_CONSENT] && s->consent < inp->params.consent_revoke_threshold);
    /* A political mission that stayed after the uniformed exit can still be sent home. */
    if (s->revoked_at < 0 && revoke && (in->exit_at < 0 || Cv > 0.0)) {
        s->revoked_at = t;
        s->revoked_troops = T;
        s->revoked_police = P;
        s->revoked_civilians = Cv;
        s->consent = 0.0;
    }
    if (s->revoked_at >= 0 && t > s->revoked_at) {
        /* Linear withdrawal from the level of the revocation month, zero M months later. */
        double M = inp->params.forced_withdrawal_months;
        double left = 1.0 - (double)(t - s->revoked_at) / M;
        if (left < 0.0)
            left = 0.0;
        T = fmin(T, s->revoked_troops * left);
        P = fmin(P, s->revoked_police * left);
        Cv = fmin(Cv, s->revoked_civilians * left);
    }
    if (in->exit_at >= 0) {
        T = P = 0.0;
        if (!inp->policy.civilians_stay)
            Cv = 0.0; /* they left with the uniformed component */
    } else if (T + P > 0.0) {
        s->deployed = 1;
    } else if (in->deployed) {
        s->exit_at = t;
        if (s->revoked_at >= 0)
            s->exit_reason = DD_EXIT_CONSENT_REVOKED;
        else if (fraction < 1.0)
            s->exit_reason = (int)pol->exit_reason;
        else
            s->exit_reason = DD_EXIT_CALENDAR; /* the dated schedule itself reached zero */
    }
    *troops = T;
    *police = P;
    *civilians = Cv;
}

/*
 * The mission's people doing civilian work and monitoring in a region, in
 * uniformed-person equivalents: civilian staff count by civilian_staff_weight,
 * and only where armed groups do not control the area (`control`), because
 * without an armed escort they cannot go there.
 */
static double mission_staff(const dd_params *p, double troops, double police, double civilians,
                            double control)
{
    return troops + police + p->civilian_staff_weight * civilians * (1.0 - control);
}

/*
 * The share of the civilian deaths that the mission's troops and police let happen in a
 * region (mechanism 2): exp(-φ (b_T T + b_P P) / 1000), 1 where no one protects.
 */
static double civilian_exposure(const dd_params *p, double freedom, double troops, double police)
{
    return exp(-freedom *
               (p->civilian_protection_troops * troops + p->civilian_protection_police * police) /
               1000.0);
}

/*
 * Split `deaths` among the categories in proportion to w (whose sum, in
 * category order, is w_sum) by sequential binomials: the multinomial draw,
 * category by category; armed-group members take what is left.
 */
static void split_deaths(gsl_rng *rng, double deaths, const double w[SPLIT_COUNT], double w_sum,
                         double split[SPLIT_COUNT], dd_draws *draws)
{
    double left_n = deaths, left_w = w_sum;
    for (int c = 0; c < SPLIT_COUNT - 1 && left_n > 0.0; c++) {
        double share = left_w > 0.0 ? w[c] / left_w : 0.0;
        if (share >= 1.0) {
            split[c] = left_n;
        } else if (share > 0.0) {
            split[c] = (double)dd_sample_binomial(rng, share, (unsigned int)left_n);
            draws->binomial++;
            draws->binomial_n += left_n;
            draws->binomial_p += share;
        }
        left_n -= split[c];
        left_w -= w[c];
    }
    split[SPLIT_ARMED] = left_n;
}

/*
 * How strongly region n draws fighters moving out of a neighbour (contagion):
 * where the state is thin and nobody suppresses them.
 */
static inline double neighbour_pull(const dd_state *in, const dd_state *out, size_t n)
{
    return (1.0 - in->authority[n]) * (1.0 - out->suppression[n]);
}

/* Partner forces of each role in region r this month (rules and switch applied). */
static void partner_forces(const dd_model *m, const dd_state *s, int t, size_t r,
                           double x[DD_ROLE_COUNT])
{
    for (int k = 0; k < DD_ROLE_COUNT; k++)
        x[k] = 0.0;
    if (!m->in->mechanisms[DD_MECH_PARTNERS])
        return;
    for (size_t k = 0; k < m->n_partners; k++) {
        if (s->partner_gone[k] != 0.0)
            continue;
        const dd_partner *pt = &m->in->partners[k];
        x[pt->role] += m->partner[(size_t)t * m->n_partners + k] * pt->region_share[r];
    }
}

void dd_model_step(const dd_model *m, const dd_state *in, dd_state *out, dd_stream *stream,
                   double *obs)
{
    assert(in != out && in->month_index < m->months);
    const dd_input *inp = m->in;
    const dd_params *p = &inp->params;
    const size_t R = m->n_regions;
    const int t = in->month_index;
    const int *mech = inp->mechanisms;
    gsl_rng *rng = stream->rng;
    dd_draws *draws = &out->draws;

    state_copy(m, in, out);
    out->month_index = t + 1;

    /* Dated offensives: fighters from outside the modelled area join the armed groups at the
       start of the month, so that all of this month's dynamics (suppression, allocation by
       threat, contagion, growth, violence) see them. They arrive whatever the mechanism
       switches say, like every dated event: an input, not a model response. From here until
       pass 2 replaces a region's stock by its end-of-month value, `armed` holds the stock
       the month starts with. */
    double *armed = out->armed;
    if (m->offensive != NULL) {
        const double *arriving = m->offensive + (size_t)t * R;
        for (size_t r = 0; r < R; r++)
            armed[r] += arriving[r];
    }

    national_events(m, in, out, stream);
    double T, P, Cv;
    mission_level(m, in, out, &T, &P, &Cv);

    const double quality = in->host_quality;
    double host_total = 0.0, armed_total = 0.0;
    for (size_t r = 0; r < R; r++) {
        host_total += in->host[r];
        armed_total += armed[r];
    }
    /* 6. Freedom of movement: denied flights and access scale the mission's effect. */
    const double consent_now = out->consent;
    const double freedom =
        mech[DD_MECH_CONSENT] ? 1.0 - p->freedom_consent_loss * (1.0 - consent_now) : 1.0;
    /* 9. Monitoring reaches as far as access, which depends on consent. */
    const double access_factor =
        p->monitoring_consent_floor + (1.0 - p->monitoring_consent_floor) * consent_now;

    /* Pass 1 (no draws): allocation, forces, suppression (contagion needs every region's). */
    for (size_t r = 0; r < R; r++) {
        const dd_region *reg = &inp->regions[r];
        double share = reg->troop_share;
        if (inp->allocation == DD_ALLOC_THREAT && armed_total > 0.0 &&
            inp->start_month + t >= inp->allocation_start_month)
            share = (1.0 - p->allocation_threat_weight) * share +
                    p->allocation_threat_weight * armed[r] / armed_total;
        out->troop_share[r] = share;
        double *x = out->partners + r * DD_ROLE_COUNT;
        partner_forces(m, out, t, r, x);
        const double troops = T * share, police = P * reg->police_share;
        const double A = armed[r];
        double suppression = 0.0;
        if (mech[DD_MECH_DETERRENCE]) {
            double forces = freedom * (p->troop_weight * troops + p->police_weight * police) +
                            p->host_weight * quality * in->host[r] +
                            p->partner_ct_weight * x[DD_ROLE_COUNTER_TERRORISM] +
                            p->partner_merc_weight * x[DD_ROLE_MERCENARY] +
                            p->partner_regional_weight * x[DD_ROLE_REGIONAL];
            double ratio = forces / (A + 1.0);
            suppression = ratio / (ratio + p->force_ratio_half);
        }
        out->suppression[r] = suppression;
        out->outflow[r] = 0.0;
        out->inflow[r] = 0.0;
    }
    /* 3. Contagion: suppressed fighters move to neighbours, towards thin state presence. */
    if (mech[DD_MECH_CONTAGION] && mech[DD_MECH_DETERRENCE]) {
        for (size_t r = 0; r < R; r++) {
            const dd_region *reg = &inp->regions[r];
            double weight_sum = 0.0;
            for (size_t k = 0; k < reg->n_neighbours; k++)
                weight_sum += neighbour_pull(in, out, reg->neighbours[k]);
            if (weight_sum <= 0.0)
                continue;
            double moving = p->contagion_per_month * out->suppression[r] * armed[r];
            out->outflow[r] = moving;
            for (size_t k = 0; k < reg->n_neighbours; k++) {
                size_t n = reg->neighbours[k];
                out->inflow[n] += moving * neighbour_pull(in, out, n) / weight_sum;
            }
        }
    }

    double nat_fat = 0.0, nat_civ = 0.0, nat_pk = 0.0, nat_displaced = 0.0;
    double merc_total = 0.0, train_total = 0.0;
    memset(obs, 0, dd_model_obs_stride(m) * sizeof *obs);

    /* The mission learns to protect itself (armoured convoys, counter-IED, camp defences):
       its peacekeepers' risk falls from its first level towards a floor with the months it
       has been present. One value for the whole country this month. */
    const double adapted =
        p->pk_adaptation_floor +
        (1.0 - p->pk_adaptation_floor) * exp(-in->months_present / p->pk_adaptation_months);

    /* Pass 2: each region's draws, from its own stream. */
    for (size_t r = 0; r < R; r++) {
        const dd_region *reg = &inp->regions[r];
        double *o = obs + r * DD_M_COUNT;
        dd_rng_set_key(rng, dd_rng_key(stream->seed, stream->replication, (uint64_t)t, r));
        draws->rekey++;

        const double troops = T * out->troop_share[r], police = P * reg->police_share;
        const double *x = out->partners + r * DD_ROLE_COUNT; /* from pass 1 */
        const double x_fight = x[DD_ROLE_COUNTER_TERRORISM] + x[DD_ROLE_MERCENARY] +
                               x[DD_ROLE_REGIONAL];
        merc_total += x[DD_ROLE_MERCENARY];
        train_total += x[DD_ROLE_TRAINING];
        const double S = in->authority[r], H = in->host[r], C = in->control[r];
        const double suppression = out->suppression[r];
        /* The mission's people at work here: for monitoring (9) and civilian projects (4). */
        const double staff = mission_staff(p, troops, police, Cv * reg->police_share, C);
        const double monitoring =
            mech[DD_MECH_ACCOUNTABILITY]
                ? p->monitoring_restraint * fmin(1.0, staff / p->monitoring_reference) *
                      access_factor
                : 0.0;
        /* Fighters after this month's movements (armed[r] is still the start-of-month stock:
           it is overwritten only at the end of this region's turn). */
        const double A = fmax(0.0, armed[r] - out->outflow[r] + out->inflow[r]);

        /* 1. Deterrence and attrition (with 8: unmonitored mercenary abuses feed recruitment). */
        double A_next = A;
        if (mech[DD_MECH_DETERRENCE]) {
            double growth = p->armed_growth_per_month * (1.0 - S) *
                            (m->capacity[r] > 0.0 ? 1.0 - A / m->capacity[r] : -1.0);
            if (mech[DD_MECH_PARTNERS])
                growth += p->mercenary_grievance * x[DD_ROLE_MERCENARY] / 1000.0 * (1.0 - monitoring);
            double noise = 0.0;
            if (p->armed_noise_sd > 0.0) {
                noise = p->armed_noise_sd * gsl_ran_gaussian_ziggurat(rng, 1.0) -
                        0.5 * p->armed_noise_sd * p->armed_noise_sd;
                draws->gaussian++;
            }
            A_next = A * exp(growth - p->attrition_per_month * suppression + noise) +
                     p->armed_inflow_per_100k * (1.0 - S) * reg->population * 1e-5;
        }
        const double density = A_next * m->per_thousand[r];
        const double control_target =
            (1.0 - suppression) * density / (density + p->control_half_density);
        const double C_next = clamp01(C + p->control_adjust_per_month * (control_target - C));

        /* 2. Violence and the fatality split (with 9: abuses restrained by monitoring). The
           share of civilian deaths the mission lets happen is needed by armed groups' and
           militias' violence alike, and only where there is some: computed once, when first
           needed (negative until then). */
        double civ_exposure = -1.0;
        double events = 0.0, deaths = 0.0, pk = 0.0;
        double split[SPLIT_COUNT] = {0.0, 0.0, 0.0, 0.0, 0.0};
        if (mech[DD_MECH_VIOLENCE]) {
            double rate = p->events_per_fighter_month * A * (1.0 + p->events_contest_gain * suppression);
            events = draw_negbin(rng, rate, p->events_dispersion, draws);
            if (events > 0.0) {
                /* Split weights with the mission's protection and monitoring (w) and
                   without (unprotected): protection removes deaths, it does not move them
                   to others. Only needed when there are events to split. */
                const double abuse = p->abuse_weight *
                                     (H + p->mercenary_abuse_factor * x[DD_ROLE_MERCENARY]) /
                                     1000.0;
                double w[SPLIT_COUNT];
                civ_exposure = civilian_exposure(p, freedom, troops, police);
                w[SPLIT_CIVILIAN] = p->civilian_weight * civ_exposure;
                w[SPLIT_CIVILIAN_STATE] = abuse * (1.0 - monitoring);
                w[SPLIT_HOST] = p->government_weight * H / (H + x_fight + 1.0);
                w[SPLIT_PARTNER] = p->government_weight * x_fight / (H + x_fight + 1.0);
                w[SPLIT_ARMED] = p->armed_weight;
                double protected_sum = 0.0;
                for (int c = 0; c < SPLIT_COUNT; c++)
                    protected_sum += w[c];
                const double unprotected_sum = protected_sum - w[SPLIT_CIVILIAN] -
                                               w[SPLIT_CIVILIAN_STATE] + p->civilian_weight +
                                               abuse;
                const double kept =
                    unprotected_sum > 0.0 ? protected_sum / unprotected_sum : 0.0;
                deaths = draw_negbin(rng, events * p->fatalities_per_event * kept,
                                     events * p->fatalities_dispersion, draws);
                if (deaths > 0.0)
                    split_deaths(rng, deaths, w, protected_sum, split, draws);
            }
            double exposure = troops + police;
            if (exposure > 0.0 && A > 0.0) {
                double cover = fmin(1.0, x[DD_ROLE_COUNTER_TERRORISM] / p->pk_cover_reference);
                double rate_pk = p->pk_deaths_per_1000_month * exposure / 1000.0 * A /
                                 (A + p->pk_threat_half) * (1.0 - p->pk_air_protection * cover) *
                                 adapted;
                if (rate_pk > 0.0) {
                    pk = (double)dd_sample_poisson(rng, fmin(rate_pk, POISSON_MEAN_CAP));
                    draws->poisson++;
                    draws->poisson_mean += fmin(rate_pk, POISSON_MEAN_CAP);
                }
            }
        }
        /* 13. Community militias attack civilians; the mission protects against them as
           against armed groups. Drawn last, so a scenario without militias draws the same
           numbers as before the mechanism existed. */
        double militia_deaths = 0.0;
        if (m->militia != NULL && mech[DD_MECH_MILITIAS]) {
            const double members = m->militia[(size_t)t * R + r];
            if (civ_exposure < 0.0)
                civ_exposure = civilian_exposure(p, freedom, troops, police);
            const double rate = fmin(p->militia_attacks_per_1000_month * members / 1000.0 *
                                         civ_exposure,
                                     POISSON_MEAN_CAP);
            if (rate > 0.0) {
                const double attacks = (double)dd_sample_poisson(rng, rate);
                draws->poisson++;
                draws->poisson_mean += rate;
                if (attacks > 0.0)
                    militia_deaths = draw_negbin(rng, attacks * p->militia_deaths_per_attack,
                                                 attacks * p->fatalities_dispersion, draws);
                events += attacks;
            }
        }
        const double civilians =
            split[SPLIT_CIVILIAN] + split[SPLIT_CIVILIAN_STATE] + militia_deaths;
        const double fatalities = deaths + pk + militia_deaths;

        /* 4. State authority: security and civilian work build it, armed control erodes it. */
        double S_next = S;
        if (mech[DD_MECH_STATE_AUTHORITY]) {
            double projects = fmin(1.0, staff / p->projects_reference);
            S_next = clamp01(S + p->authority_gain_security * (1.0 - C) * suppression * (1.0 - S) +
                             p->authority_gain_projects * projects * (1.0 - S) -
                             p->authority_erosion * C * S);
        }

        /* 5. Host capacity: logistic recruitment, losses from the month's host deaths. */
        double H_next = H;
        if (mech[DD_MECH_HOST_CAPACITY]) {
            double room = p->host_ceiling > 0.0 ? 1.0 - host_total / p->host_ceiling : 0.0;
            H_next = H + H * p->host_recruit_per_month * room - split[SPLIT_HOST];
            if (H_next < 0.0)
                H_next = 0.0;
        }

        /* 10. Humanitarian access, then displacement: returns need access and security. */
        double D_next = in->displaced[r], access = 1.0;
        if (mech[DD_MECH_DISPLACEMENT]) {
            access = clamp01(1.0 - p->access_control_loss * C_next -
                             p->access_violence_loss * events / (events + p->access_events_half) +
                             p->access_escort_gain * fmin(1.0, (troops + police) / p->escort_reference));
            D_next = in->displaced[r] * (1.0 - p->return_per_month * access * (1.0 - C)) +
                     p->displaced_per_fatality * fatalities;
            if (D_next > reg->population)
                D_next = reg->population;
        }

        armed[r] = A_next;
        out->control[r] = C_next;
        out->authority[r] = S_next;
        out->host[r] = H_next;
        out->displaced[r] = D_next;

        o[DD_M_EVENTS] = events;
        o[DD_M_FATALITIES] = fatalities;
        o[DD_M_CIVILIAN_FATALITIES] = civilians;
        o[DD_M_CIVILIAN_FATALITIES_STATE] = split[SPLIT_CIVILIAN_STATE];
        o[DD_M_PK_FATALITIES] = pk;
        o[DD_M_ARMED_STRENGTH] = A_next;
        o[DD_M_ARMED_CONTROL] = C_next;
        o[DD_M_STATE_AUTHORITY] = S_next;
        o[DD_M_HOST_FORCES] = H_next;
        o[DD_M_MISSION_TROOPS] = troops;
        o[DD_M_MISSION_POLICE] = police;
        o[DD_M_MISSION_CIVILIANS] = Cv * reg->police_share;
        o[DD_M_PARTNER_FORCES] = x_fight + x[DD_ROLE_TRAINING];
        o[DD_M_DISPLACED] = D_next;
        o[DD_M_HUMANITARIAN_ACCESS] = access;

        nat_fat += fatalities;
        nat_civ += civilians;
        nat_pk += pk;
        nat_displaced += D_next;
    }

    /* 5. Host quality: training, mentoring and training partners raise it; it decays. */
    if (mech[DD_MECH_HOST_CAPACITY]) {
        double support = fmin(1.0, (T + P) / p->mentoring_reference);
        double gain = p->quality_gain_per_month + p->quality_gain_mentoring * support;
        if (mech[DD_MECH_PARTNERS])
            gain += p->training_gain_per_month * fmin(1.0, train_total / p->training_reference);
        out->host_quality =
            clamp01(quality + gain * (1.0 - quality) - p->quality_decay_per_month * quality);
    }

    /* 7. Legitimacy: long presence without a visible fall in violence erodes it. */
    out->deaths_short += (nat_fat - in->deaths_short) / p->violence_short_months;
    out->deaths_long += (nat_fat - in->deaths_long) / p->violence_long_months;
    /* Legitimacy concerns the mission as a whole, a political mission included. */
    const int present = T + P > 0.0, present_any = present || Cv > 0.0;
    if (present_any)
        out->months_present++;
    if (mech[DD_MECH_LEGITIMACY] && present_any) {
        double improvement = (out->deaths_long - out->deaths_short) / fmax(out->deaths_long, 1.0);
        improvement = improvement < 0.0 ? 0.0 : (improvement > 1.0 ? 1.0 : improvement);
        double years = out->months_present / (12.0 * p->legitimacy_erosion_years);
        double erosion = p->legitimacy_erosion_per_month * fmin(1.0, years) * (1.0 - improvement);
        out->legitimacy =
            clamp01(out->legitimacy +
                    (p->legitimacy_gain_per_month * improvement + p->legitimacy_projects_gain) *
                        (1.0 - out->legitimacy) -
                    erosion * out->legitimacy);
    }

    /* 6. Consent follows legitimacy, less the pull of a mercenary alternative. */
    if (mech[DD_MECH_CONSENT] && out->revoked_at < 0) {
        double target = clamp01(out->legitimacy -
                                (mech[DD_MECH_PARTNERS]
                                     ? p->mercenary_consent_pressure * fmin(1.0, merc_total / 1000.0)
                                     : 0.0));
        out->consent = clamp01(out->consent + p->consent_adjust_per_month * (target - out->consent));
    }

    /* 8. Contributors take troops home as consent falls. */
    if (mech[DD_MECH_CONTRIBUTORS] && present && out->consent < p->pullout_consent_level)
        out->troops_withdrawn += p->pullout_per_month *
                                 (p->pullout_consent_level - out->consent) /
                                 p->pullout_consent_level * T;

    /* 12. Cost. */
    const double cost = (T + P) * p->usd_per_person_month + Cv * p->usd_per_civilian_month +
                        (present ? p->fixed_usd_per_month : 0.0);

    /* National row: sums, population-weighted shares, national-only metrics. */
    double *all = obs + R * DD_M_COUNT;
    for (int k = 0; k < DD_M_COUNT; k++) {
        const dd_metric_info *mi = dd_metric_get((dd_metric)k);
        if (mi->agg == DD_AGG_SUM) {
            double sum = 0.0;
            for (size_t r = 0; r < R; r++)
                sum += obs[r * DD_M_COUNT + (size_t)k];
            all[k] = sum;
        } else if (mi->agg == DD_AGG_POP_MEAN) {
            double sum = 0.0;
            for (size_t r = 0; r < R; r++)
                sum += m->pop_weight[r] * obs[r * DD_M_COUNT + (size_t)k];
            all[k] = clamp01(sum);
        }
    }
    all[DD_M_CONSENT] = out->consent;
    all[DD_M_LEGITIMACY] = out->legitimacy;
    all[DD_M_COST_USD] = cost;

    /* Outcome bookkeeping and what next month's policy review sees. */
    out->cum_civilian += nat_civ;
    out->cum_fatalities += nat_fat;
    out->cum_pk += nat_pk;
    out->troop_months += T + P;
    out->cost_usd += cost;
    if (nat_displaced > out->peak_displaced)
        out->peak_displaced = nat_displaced;
    out->last_authority = all[DD_M_STATE_AUTHORITY];
    out->last_fatalities = nat_fat;
    /* The national row has just summed host forces and fighters, region by region. */
    out->last_host_ratio =
        out->host_quality * all[DD_M_HOST_FORCES] / (all[DD_M_ARMED_STRENGTH] + 1.0);

    const double control = all[DD_M_ARMED_CONTROL];
    const size_t ring = ring_len(m);
    if (out->exit_at < 0) {
        out->recent[(size_t)t % ring] = nat_fat;
    } else if (out->exit_at == t) {
        /* Exit month: freeze the baseline (the months before it) and the starting control. */
        int n = t < (int)ring ? t : (int)ring;
        double sum = 0.0;
        for (int k = 1; k <= n; k++)
            sum += out->recent[(size_t)(t - k) % ring];
        out->before_sum = sum;
        out->before_n = n;
        out->control_at_exit = control;
        out->control_window = control;
    } else {
        int since = t - out->exit_at;
        if (since <= (int)p->vacuum_window_months)
            out->control_window = control;
        if (since <= (int)p->relapse_window_months) {
            out->after_sum += nat_fat;
            out->after_n++;
        }
    }
}

void dd_model_outcome(const dd_model *m, const dd_state *s, dd_outcome *o)
{
    const dd_params *p = &m->in->params;
    o->exit_month = s->exit_at >= 0 ? m->in->start_month + s->exit_at : -1;
    o->exit_reason = (dd_exit_reason)s->exit_reason;
    o->civilian_fatalities = s->cum_civilian;
    o->fatalities = s->cum_fatalities;
    o->pk_fatalities = s->cum_pk;
    o->troop_months = s->troop_months;
    o->cost_usd = s->cost_usd;
    o->vacuum_index = s->exit_at >= 0 ? s->control_window - s->control_at_exit : 0.0;
    o->relapse = 0.0;
    if (s->exit_at >= 0 && s->after_n > 0) {
        double after = s->after_sum / s->after_n;
        double before = s->before_n > 0 ? s->before_sum / s->before_n : 0.0;
        if (after > p->relapse_ratio * before && after > before)
            o->relapse = 1.0;
    }
    o->peak_displaced = s->peak_displaced;
    o->final_state_authority = s->last_authority;
}

void dd_model_run(const dd_model *m, dd_stream *stream, dd_state *a, dd_state *b, double *series,
                  double *obs_scratch, dd_outcome *outcome)
{
    const size_t stride = dd_model_obs_stride(m);
    dd_model_init(m, a);
    dd_state *cur = a, *next = b;
    for (int t = 0; t < m->months; t++) {
        double *obs = series != NULL ? series + (size_t)t * stride : obs_scratch;
        dd_model_step(m, cur, next, stream, obs);
        dd_state *tmp = cur;
        cur = next;
        next = tmp;
    }
    dd_model_outcome(m, cur, outcome);
    /* Leave the final state in `a` for callers that inspect it. */
    if (cur != a)
        state_copy(m, cur, a);
}

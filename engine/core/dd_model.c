/*
 * dd_model: the monthly step (equations in engine/MODEL.md).
 *
 * Invariants kept by every step, whatever the parameters: stocks (fighters,
 * host forces, displaced) are finite and >= 0; shares stay in [0, 1];
 * displaced never exceed a region's population; the fatality categories of a
 * region-month sum to its total (they come from one multinomial split plus
 * the separate peacekeeper count).
 *
 * Cost per region-month is dominated by the random draws: one Gaussian (armed
 * growth noise), one negative binomial (events), one negative binomial for
 * the deaths of all the month's events together (a sum of N independent
 * NB(k, p) is NB(N k, p)), three binomials for the split and one Poisson for
 * peacekeepers; draws whose mean is zero are skipped.
 */
#include "dd_model.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>

#include "dd_rng.h"

/* Fatality categories of the multinomial split (peacekeepers are drawn apart). */
enum { SPLIT_CIVILIAN = 0, SPLIT_HOST, SPLIT_PARTNER, SPLIT_ARMED, SPLIT_COUNT };

struct dd_model {
    const dd_input *in;
    size_t n_regions;
    int months;
    double *troops;         /* [month] scheduled mission troops */
    double *police;         /* [month] scheduled mission police */
    double *partner;        /* [month][region][role] partner forces */
    int *revoke;            /* [month] 1 when a consent_revoked event falls in the month */
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
    free(m->partner);
    free(m->revoke);
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
    m->partner = calloc(T * R * DD_ROLE_COUNT, sizeof *m->partner);
    m->revoke = calloc(T, sizeof *m->revoke);
    m->pop_weight = malloc(R * sizeof *m->pop_weight);
    m->capacity = malloc(R * sizeof *m->capacity);
    m->per_thousand = malloc(R * sizeof *m->per_thousand);
    if (!m->troops || !m->police || !m->partner || !m->revoke || !m->pop_weight ||
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
        for (size_t p = 0; p < in->n_partners; p++) {
            const dd_partner *pt = &in->partners[p];
            double strength = dd_schedule_at(&pt->strength, month);
            for (size_t r = 0; r < R; r++)
                m->partner[(t * R + r) * DD_ROLE_COUNT + (size_t)pt->role] +=
                    strength * pt->region_share[r];
        }
    }
    for (size_t e = 0; e < in->n_events; e++) {
        const dd_event *ev = &in->events[e];
        if (ev->type == DD_EVENT_CONSENT_REVOKED)
            m->revoke[ev->month - in->start_month] = 1;
    }
    *out = m;
    return DD_OK;
}

/* One block holds every per-region array, so a state is one allocation plus the ring. */
enum { ARR_ARMED = 0, ARR_CONTROL, ARR_AUTHORITY, ARR_HOST, ARR_DISPLACED, ARR_COUNT };

static size_t ring_len(const dd_model *m)
{
    return (size_t)m->in->params.relapse_baseline_months;
}

dd_state *dd_state_alloc(const dd_model *m)
{
    dd_state *s = calloc(1, sizeof *s);
    if (s == NULL)
        return NULL;
    const size_t R = m->n_regions;
    double *block = calloc(R * ARR_COUNT + ring_len(m), sizeof *block);
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
    s->recent = block + ARR_COUNT * R;
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

void dd_model_init(const dd_model *m, dd_state *s)
{
    const dd_input *in = m->in;
    double *recent = s->recent;
    size_t R = m->n_regions;
    for (size_t r = 0; r < R; r++) {
        const dd_region *reg = &in->regions[r];
        s->armed[r] = reg->armed_strength;
        s->control[r] = reg->armed_control;
        s->authority[r] = reg->state_authority;
        s->host[r] = reg->host_forces;
        s->displaced[r] = reg->displaced;
    }
    memset(recent, 0, ring_len(m) * sizeof *recent);
    s->month_index = 0;
    s->host_quality = in->host_quality;
    s->consent = in->consent;
    s->legitimacy = in->legitimacy;
    dd_policy_init(&s->policy);
    s->deployed = 0;
    s->revoked_at = -1;
    s->revoked_troops = s->revoked_police = 0.0;
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
    double *armed = out->armed, *control = out->control, *authority = out->authority;
    double *host = out->host, *displaced = out->displaced, *recent = out->recent;
    memcpy(armed, in->armed, (m->n_regions * ARR_COUNT + ring_len(m)) * sizeof *armed);
    *out = *in;
    out->armed = armed;
    out->control = control;
    out->authority = authority;
    out->host = host;
    out->displaced = displaced;
    out->recent = recent;
}

static double clamp01(double x)
{
    return x < 0.0 ? 0.0 : (x > 1.0 ? 1.0 : x);
}

/*
 * Largest mean handed to a Poisson draw. GSL's Poisson sampler converts its
 * mean to unsigned int internally and cannot take means beyond about 4e9;
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
    return (double)gsl_ran_poisson(rng, lambda);
}

/*
 * Mission level this month: the policy's fraction of the schedule, cut by a
 * forced withdrawal after consent revocation, and zero for good once the
 * mission has left. Updates the exit bookkeeping in `s`.
 */
static void mission_level(const dd_model *m, const dd_state *in, dd_state *s, double *troops,
                          double *police)
{
    const dd_input *inp = m->in;
    const int t = in->month_index;
    dd_policy_view view = {t, inp->start_month + t};
    const dd_policy_type *pol = dd_policy_get(inp->policy.kind);
    double fraction = pol->step(&inp->policy, &view, &s->policy);
    double T = m->troops[t] * fraction, P = m->police[t] * fraction;

    if (s->revoked_at < 0 && m->revoke[t]) {
        s->revoked_at = t;
        s->revoked_troops = T;
        s->revoked_police = P;
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
    }
    if (in->exit_at >= 0) {
        T = P = 0.0;
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

    double T, P;
    mission_level(m, in, out, &T, &P);

    double host_total = 0.0;
    for (size_t r = 0; r < R; r++)
        host_total += in->host[r];
    const double quality = in->host_quality;
    /* Freedom of movement: 1 until the consent mechanism (issue 4) scales it. */
    const double freedom = 1.0;

    double nat_events = 0.0, nat_fat = 0.0, nat_civ = 0.0, nat_pk = 0.0;
    double nat_displaced = 0.0;
    memset(obs, 0, dd_model_obs_stride(m) * sizeof *obs);

    for (size_t r = 0; r < R; r++) {
        const dd_region *reg = &inp->regions[r];
        double *o = obs + r * DD_M_COUNT;
        dd_rng_set_key(rng, dd_rng_key(stream->seed, stream->replication, (uint64_t)t, r));
        draws->rekey++;

        const double troops = T * reg->troop_share, police = P * reg->police_share;
        const double *x = m->partner + ((size_t)t * R + r) * DD_ROLE_COUNT;
        const double x_ct = x[DD_ROLE_COUNTER_TERRORISM], x_merc = x[DD_ROLE_MERCENARY];
        const double x_reg = x[DD_ROLE_REGIONAL], x_all = x_ct + x_merc + x_reg;
        const double A = in->armed[r], S = in->authority[r], H = in->host[r];

        /* 1. Deterrence and attrition. */
        double suppression = 0.0, A_next = A;
        if (mech[DD_MECH_DETERRENCE]) {
            double forces = p->troop_weight * freedom * troops + p->police_weight * police +
                            p->host_weight * quality * H + p->partner_ct_weight * x_ct +
                            p->partner_merc_weight * x_merc + p->partner_regional_weight * x_reg;
            double ratio = forces / (A + 1.0);
            suppression = ratio / (ratio + p->force_ratio_half);
            double growth = p->armed_growth_per_month * (1.0 - S) *
                            (m->capacity[r] > 0.0 ? 1.0 - A / m->capacity[r] : -1.0);
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
        const double C_next =
            clamp01(in->control[r] + p->control_adjust_per_month * (control_target - in->control[r]));

        /* 2. Violence and the fatality split. */
        double events = 0.0, deaths = 0.0, pk = 0.0;
        double split[SPLIT_COUNT] = {0.0, 0.0, 0.0, 0.0};
        if (mech[DD_MECH_VIOLENCE]) {
            double rate = p->events_per_fighter_month * A * (1.0 + p->events_contest_gain * suppression);
            events = draw_negbin(rng, rate, p->events_dispersion, draws);
            if (events > 0.0)
                deaths = draw_negbin(rng, events * p->fatalities_per_event,
                                     events * p->fatalities_dispersion, draws);
            if (deaths > 0.0) {
                double gov = H + x_all;
                double w[SPLIT_COUNT];
                w[SPLIT_CIVILIAN] = p->civilian_weight *
                                    exp(-(p->civilian_protection_troops * freedom * troops +
                                          p->civilian_protection_police * police) /
                                        1000.0) *
                                    (1.0 + p->mercenary_civilian_harm * x_merc / 1000.0);
                w[SPLIT_HOST] = p->government_weight * H / (gov + 1.0);
                w[SPLIT_PARTNER] = p->government_weight * x_all / (gov + 1.0);
                w[SPLIT_ARMED] = p->armed_weight;
                /* Sequential binomials: the multinomial split, category by category. */
                double left_n = deaths, left_w = 0.0;
                for (int c = 0; c < SPLIT_COUNT; c++)
                    left_w += w[c];
                for (int c = 0; c < SPLIT_COUNT - 1 && left_n > 0.0; c++) {
                    double share = left_w > 0.0 ? w[c] / left_w : 0.0;
                    if (share >= 1.0) {
                        split[c] = left_n;
                    } else if (share > 0.0) {
                        split[c] = (double)gsl_ran_binomial(rng, share, (unsigned int)left_n);
                        draws->binomial++;
                        draws->binomial_n += left_n;
                        draws->binomial_p += share;
                    }
                    left_n -= split[c];
                    left_w -= w[c];
                }
                split[SPLIT_ARMED] = left_n;
            }
            double exposure = troops + police;
            if (exposure > 0.0 && A > 0.0) {
                double cover = fmin(1.0, x_ct / p->pk_cover_reference);
                double rate_pk = p->pk_deaths_per_1000_month * exposure / 1000.0 * A /
                                 (A + p->pk_threat_half) * (1.0 - p->pk_air_protection * cover);
                if (rate_pk > 0.0) {
                    pk = (double)gsl_ran_poisson(rng, fmin(rate_pk, POISSON_MEAN_CAP));
                    draws->poisson++;
                    draws->poisson_mean += fmin(rate_pk, POISSON_MEAN_CAP);
                }
            }
        }
        const double fatalities = deaths + pk;

        /* 5. Host capacity: logistic recruitment, losses from the month's host deaths. */
        double H_next = H;
        if (mech[DD_MECH_HOST_CAPACITY]) {
            double room = p->host_ceiling > 0.0 ? 1.0 - host_total / p->host_ceiling : 0.0;
            H_next = H + H * p->host_recruit_per_month * room - split[SPLIT_HOST];
            if (H_next < 0.0)
                H_next = 0.0;
        }

        /* 10. Displacement and humanitarian access (basic form). */
        double D_next = in->displaced[r], access = 1.0;
        if (mech[DD_MECH_DISPLACEMENT]) {
            D_next = in->displaced[r] * (1.0 - p->return_per_month * (1.0 - in->control[r])) +
                     p->displaced_per_fatality * fatalities;
            if (D_next > reg->population)
                D_next = reg->population;
            access = clamp01(1.0 - p->access_control_loss * C_next -
                             p->access_violence_loss * events / (events + p->access_events_half) +
                             p->access_escort_gain * fmin(1.0, (troops + police) / p->escort_reference));
        }

        out->armed[r] = A_next;
        out->control[r] = C_next;
        out->authority[r] = S;
        out->host[r] = H_next;
        out->displaced[r] = D_next;

        o[DD_M_EVENTS] = events;
        o[DD_M_FATALITIES] = fatalities;
        o[DD_M_CIVILIAN_FATALITIES] = split[SPLIT_CIVILIAN];
        o[DD_M_PK_FATALITIES] = pk;
        o[DD_M_ARMED_STRENGTH] = A_next;
        o[DD_M_ARMED_CONTROL] = C_next;
        o[DD_M_STATE_AUTHORITY] = S;
        o[DD_M_HOST_FORCES] = H_next;
        o[DD_M_MISSION_TROOPS] = troops;
        o[DD_M_MISSION_POLICE] = police;
        o[DD_M_PARTNER_FORCES] = x_all;
        o[DD_M_DISPLACED] = D_next;
        o[DD_M_HUMANITARIAN_ACCESS] = access;

        nat_events += events;
        nat_fat += fatalities;
        nat_civ += split[SPLIT_CIVILIAN];
        nat_pk += pk;
        nat_displaced += D_next;
    }

    /* 5. Host quality: training and mentoring raise it, it decays without them. */
    if (mech[DD_MECH_HOST_CAPACITY]) {
        double support = fmin(1.0, (T + P) / p->mentoring_reference);
        double gain = p->quality_gain_per_month + p->quality_gain_mentoring * support;
        out->host_quality = clamp01(quality + gain * (1.0 - quality) - p->quality_decay_per_month * quality);
    }

    /* 12. Cost. */
    const double cost = (T + P) * p->usd_per_person_month + (T + P > 0.0 ? p->fixed_usd_per_month : 0.0);

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
    (void)nat_events;

    /* Outcome bookkeeping. */
    out->cum_civilian += nat_civ;
    out->cum_fatalities += nat_fat;
    out->cum_pk += nat_pk;
    out->troop_months += T + P;
    out->cost_usd += cost;
    if (nat_displaced > out->peak_displaced)
        out->peak_displaced = nat_displaced;
    out->last_authority = all[DD_M_STATE_AUTHORITY];

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

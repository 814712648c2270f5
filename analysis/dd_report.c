/*
 * dd_report: see dd_report.h.
 *
 * Paragraphs are built in a growing text buffer (struct text) as plain
 * text and escaped for HTML only when the page is written. Every number in
 * a paragraph is read from the run or comparison at hand; the few fixed
 * sentences are caveats about what a number can and cannot show.
 */
#define _POSIX_C_SOURCE 200809L

#include "dd_report.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dd_labels.h"
#include "dd_month.h"
#include "dd_policy.h"

/* ------------------------------------------------------------- text */

typedef struct text {
    char *s;
    size_t len, cap;
    int failed; /* an allocation failed: the text is unusable */
} text;

static void tx_vadd(text *t, const char *f, va_list ap)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 0)))
#endif
    ;
static void tx_vadd(text *t, const char *f, va_list ap)
{
    if (t->failed)
        return;
    va_list ap2;
    va_copy(ap2, ap);
    int need = vsnprintf(NULL, 0, f, ap2);
    va_end(ap2);
    if (need < 0) {
        t->failed = 1;
        return;
    }
    if (t->len + (size_t)need + 1 > t->cap) {
        size_t cap = t->cap ? t->cap : 256;
        while (cap < t->len + (size_t)need + 1)
            cap *= 2;
        char *ns = realloc(t->s, cap);
        if (ns == NULL) {
            t->failed = 1;
            return;
        }
        t->s = ns;
        t->cap = cap;
    }
    vsnprintf(t->s + t->len, t->cap - t->len, f, ap);
    t->len += (size_t)need;
}

static void tx_add(text *t, const char *f, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
static void tx_add(text *t, const char *f, ...)
{
    va_list ap;
    va_start(ap, f);
    tx_vadd(t, f, ap);
    va_end(ap);
}

/* The finished text (owned by the caller), or NULL after a failed allocation. */
static char *tx_take(text *t)
{
    if (t->failed) {
        free(t->s);
        return NULL;
    }
    if (t->s == NULL)
        tx_add(t, "%s", "");
    return t->failed ? NULL : t->s;
}

/* Append a sentence produced elsewhere (NULL marks a failed allocation). */
static void tx_take_sentence(text *t, char *s)
{
    if (s == NULL) {
        t->failed = 1;
        return;
    }
    tx_add(t, "%s%s", t->len > 0 ? " " : "", s);
    free(s);
}

/* ----------------------------------------------------------- numbers */

void dd_report_number(char *buf, size_t size, double v, int decimals)
{
    if (!isfinite(v)) {
        snprintf(buf, size, "n/a");
        return;
    }
    if (decimals < 0)
        decimals = 0;
    if (fabs(v) >= 1e15) { /* beyond any count or cost of ours: keep it short */
        snprintf(buf, size, "%.3g", v);
        return;
    }
    char raw[64];
    snprintf(raw, sizeof raw, "%.*f", decimals, fabs(v));
    /* "-0" and "-0.00" read as a real negative: only sign what is not zero once rounded. */
    int nonzero = strspn(raw, "0.") != strlen(raw);
    const char *dot = strchr(raw, '.');
    size_t int_len = dot != NULL ? (size_t)(dot - raw) : strlen(raw);
    char out[96];
    size_t k = 0;
    if (v < 0 && nonzero)
        out[k++] = '-';
    for (size_t i = 0; i < int_len; i++) {
        out[k++] = raw[i];
        size_t left = int_len - i - 1;
        if (left > 0 && left % 3 == 0 && int_len > 4)
            out[k++] = ',';
    }
    if (dot != NULL) {
        size_t rest = strlen(dot);
        memcpy(out + k, dot, rest);
        k += rest;
    }
    out[k] = '\0';
    snprintf(buf, size, "%s", out);
}

int dd_report_decimals(double largest, double halfwidth)
{
    int d = 0;
    if (isfinite(largest) && fabs(largest) > 0)
        d = 1 - (int)floor(log10(fabs(largest)));
    if (isfinite(halfwidth) && halfwidth > 0) {
        int h = -(int)floor(log10(halfwidth));
        if (h > d)
            d = h;
    }
    if (d < 0)
        d = 0;
    if (d > 6)
        d = 6;
    return d;
}

void dd_report_percent(char *buf, size_t size, double share)
{
    if (!isfinite(share))
        snprintf(buf, size, "n/a");
    else if (share > 0.0 && share < 0.005)
        snprintf(buf, size, "less than 1%%");
    else if (share < 1.0 && share > 0.995)
        snprintf(buf, size, "more than 99%%");
    else
        snprintf(buf, size, "%.0f%%", 100.0 * share);
}

/* Small formatting helpers with their own buffers (a few per sentence). */
typedef struct nb {
    char s[40];
} nb;

static nb num(double v, int decimals)
{
    nb r;
    dd_report_number(r.s, sizeof r.s, v, decimals);
    return r;
}

/* A value alone, with two significant digits (whole numbers above 10). */
static nb num_auto(double v)
{
    return num(v, dd_report_decimals(v, NAN));
}

static nb pct(double share)
{
    nb r;
    dd_report_percent(r.s, sizeof r.s, share);
    return r;
}

static nb month(int m)
{
    nb r;
    if (m < 0)
        snprintf(r.s, sizeof r.s, "n/a");
    else
        dd_month_format(m, r.s);
    return r;
}

/* "In every paired replication" or "In 87% of paired replications". */
static void in_share(text *t, double share)
{
    if (share >= 1.0)
        tx_add(t, "In every paired replication");
    else
        tx_add(t, "In %s of paired replications", pct(share).s);
}

/* ----------------------------------------------------- measure words */

typedef struct words {
    char noun[192];
    char unit[48];
    char more[192];
    char less[192];
    int binary;
} words;

/* What an exit reason sounds like in a sentence, after "left". */
static void reason_words(const char *reason, char *buf, size_t size)
{
    if (strcmp(reason, "consent_revoked") == 0)
        snprintf(buf, size, "because the host revoked its consent");
    else if (strcmp(reason, "calendar") == 0)
        snprintf(buf, size, "on a calendar schedule");
    else if (strcmp(reason, "conditions") == 0)
        snprintf(buf, size, "because its conditions were met");
    else
        snprintf(buf, size, "for the reason \"%s\"", reason);
}

static words words_of(const char *measure)
{
    words w;
    const dd_measure_label *l = dd_labels_measure(measure);
    if (l != NULL) {
        snprintf(w.noun, sizeof w.noun, "%s", l->noun);
        snprintf(w.unit, sizeof w.unit, "%s", l->unit);
        snprintf(w.more, sizeof w.more, "%s", l->more);
        snprintf(w.less, sizeof w.less, "%s", l->less);
        w.binary = l->binary;
    } else if (strcmp(measure, "exit_reason_none") == 0) {
        snprintf(w.noun, sizeof w.noun, "no exit before the end of the run");
        w.unit[0] = '\0';
        snprintf(w.more, sizeof w.more, "stayed to the end");
        snprintf(w.less, sizeof w.less, "stayed to the end");
        w.binary = 1;
    } else if (strncmp(measure, "exit_reason_", 12) == 0) {
        char r[128];
        reason_words(measure + 12, r, sizeof r);
        snprintf(w.noun, sizeof w.noun, "an exit %s", r);
        w.unit[0] = '\0';
        snprintf(w.more, sizeof w.more, "left %s", r);
        snprintf(w.less, sizeof w.less, "left %s", r);
        w.binary = 1;
    } else {
        snprintf(w.noun, sizeof w.noun, "%s", measure);
        w.unit[0] = '\0';
        snprintf(w.more, sizeof w.more, "had a higher %s", measure);
        snprintf(w.less, sizeof w.less, "had a lower %s", measure);
        w.binary = 0;
    }
    return w;
}

/* " unit" or "". */
static const char *sp_unit(const words *w, char *buf, size_t size)
{
    if (w->unit[0] == '\0')
        buf[0] = '\0';
    else
        snprintf(buf, size, " %s", w->unit);
    return buf;
}

/* ------------------------------------------------------ diff sentence */

static int ci_known(const dd_diff *d)
{
    return isfinite(d->ci_low) && isfinite(d->ci_high);
}

/* Sentence for a 0/1 indicator: percentages and percentage points. */
static void binary_sentence(text *t, const words *w, const char *s, const char *b, const dd_diff *d)
{
    double half = ci_known(d) ? (d->ci_high - d->ci_low) / 2 * 100 : NAN;
    int dec = dd_report_decimals(100 * fmax(fabs(d->ci_low), fabs(d->ci_high)), half);
    if (dec > 1)
        dec = 1;
    if (!ci_known(d)) {
        tx_add(t,
               "In %s of replications %s %s, against %s for %s (too few replications for an "
               "interval).",
               pct(d->mean).s, s, w->more, pct(d->baseline_mean).s, b);
    } else if (d->ci_low == d->ci_high) {
        if (d->diff == 0 && d->mean == 0)
            tx_add(t, "Neither %s nor %s %s in any replication.", s, b, w->more);
        else if (d->diff == 0 && d->mean == 1)
            tx_add(t, "Both %s and %s %s in every replication.", s, b, w->more);
        else if (d->diff == 0)
            tx_add(t, "Both %s and %s %s in %s of replications%s.", s, b, w->more, pct(d->mean).s,
                   d->paired ? ", the same ones" : "");
        else if (d->paired && d->diff >= 1)
            tx_add(t, "In every replication %s %s and %s did not.", s, w->more, b);
        else if (d->paired && d->diff <= -1)
            tx_add(t, "In every replication %s %s and %s did not.", b, w->more, s);
        else
            tx_add(t, "In %s of replications %s %s, against %s for %s, with no spread at all.",
                   pct(d->mean).s, s, w->more, pct(d->baseline_mean).s, b);
    } else if (d->ci_low > 0 || d->ci_high < 0) {
        tx_add(t,
               "In %s of replications %s %s, against %s for %s: %s often by %s percentage "
               "points (95%% CI %s to %s).",
               pct(d->mean).s, s, w->more, pct(d->baseline_mean).s, b,
               d->diff > 0 ? "more" : "less", num(fabs(100 * d->diff), dec).s,
               num(100 * d->ci_low, dec).s, num(100 * d->ci_high, dec).s);
        if (d->paired && isfinite(d->share_worse))
            tx_add(t, " In %s of paired replications %s %s where %s did not.",
                   pct(d->share_worse).s, s, w->more, b);
    } else {
        tx_add(t,
               "The runs cannot tell %s and %s apart on %s: %s against %s of replications "
               "(difference %s percentage points, 95%% CI %s to %s).",
               s, b, w->noun, pct(d->mean).s, pct(d->baseline_mean).s, num(100 * d->diff, dec).s,
               num(100 * d->ci_low, dec).s, num(100 * d->ci_high, dec).s);
    }
}

char *dd_report_diff_sentence(const char *measure, const char *scenario, const char *baseline,
                              const dd_diff *d)
{
    text t = {NULL, 0, 0, 0};
    words w = words_of(measure);
    const char *s = scenario, *b = baseline;
    char ub[64];
    const char *unit = sp_unit(&w, ub, sizeof ub);
    if (!isfinite(d->diff)) {
        tx_add(&t, "There are no values of %s to compare between %s and %s.", w.noun, s, b);
        return tx_take(&t);
    }
    if (w.binary) {
        binary_sentence(&t, &w, s, b, d);
        return tx_take(&t);
    }
    int dir = dd_compare_direction(measure);
    double half = ci_known(d) ? (d->ci_high - d->ci_low) / 2 : NAN;
    double largest = fmax(fabs(d->diff), ci_known(d) ? fmax(fabs(d->ci_low), fabs(d->ci_high)) : 0);
    int dec = dd_report_decimals(largest, half);
    int dm = dd_report_decimals(fmax(fabs(d->mean), fabs(d->baseline_mean)), NAN);
    const char *toward = d->diff > 0 ? w.more : w.less;
    const char *away = d->diff > 0 ? w.less : w.more;

    if (!ci_known(d)) {
        tx_add(&t,
               "On average %s and %s differ by %s%s in %s (mean %s against %s); there are "
               "too few replications for an interval.",
               s, b, num(d->diff, dec).s, unit, w.noun, num(d->mean, dm).s,
               num(d->baseline_mean, dm).s);
    } else if (d->ci_low == d->ci_high) {
        if (d->diff == 0)
            tx_add(&t, "Both %s and %s had the same %s%s (%s%s).", s, b, w.noun,
                   d->paired ? " in every replication" : ", with no spread in either run",
                   num(d->baseline_mean, dm).s, unit);
        else
            tx_add(&t, "In every replication %s %s than %s, by exactly %s%s (%s against %s).", s,
                   toward, b, num(fabs(d->diff), dec).s, unit, num(d->mean, dm).s,
                   num(d->baseline_mean, dm).s);
    } else if (d->ci_low > 0 || d->ci_high < 0) {
        char ci[256];
        snprintf(ci, sizeof ci, "mean difference %s%s, 95%% CI %s to %s", num(d->diff, dec).s, unit,
                 num(d->ci_low, dec).s, num(d->ci_high, dec).s);
        if (d->paired && dir != 0 && isfinite(d->share_worse) && d->diff * dir > 0) {
            in_share(&t, d->share_worse);
            tx_add(&t, " %s %s than %s (%s).", s, toward, b, ci);
        } else if (d->paired && dir != 0 && isfinite(d->share_worse)) {
            tx_add(&t, "On average %s %s than %s (%s)", s, toward, b, ci);
            if (d->share_worse > 0)
                tx_add(&t, "; it %s in %s of paired replications.", away, pct(d->share_worse).s);
            else
                tx_add(&t, "; it %s in none of the paired replications.", away);
        } else if (d->paired)
            tx_add(&t, "On average %s %s than %s (%s).", s, toward, b, ci);
        else
            tx_add(&t, "On average %s %s than %s (%s against %s%s; %s, from unpaired runs).", s,
                   toward, b, num(d->mean, dm).s, num(d->baseline_mean, dm).s, unit, ci);
    } else {
        tx_add(&t,
               "The runs cannot tell %s and %s apart on %s: the mean difference is %s%s, with "
               "a 95%% CI from %s to %s",
               s, b, w.noun, num(d->diff, dec).s, unit, num(d->ci_low, dec).s,
               num(d->ci_high, dec).s);
        if (d->paired && dir != 0 && isfinite(d->share_worse))
            tx_add(&t, " (%s %s in %s of paired replications)", s, dir > 0 ? w.more : w.less,
                   pct(d->share_worse).s);
        tx_add(&t, ".");
    }
    return tx_take(&t);
}

/* ------------------------------------------------------ run paragraphs */

const char *dd_report_argument_title(dd_argument a)
{
    static const char *const titles[DD_ARG_COUNT] = {
        [DD_ARG_VACUUM] = "The security vacuum",
        [DD_ARG_CONDITIONS] = "A conditions-based exit",
        [DD_ARG_CONSENT] = "Counter-argument: eroding consent and legitimacy",
        [DD_ARG_PARTNER] = "Counter-argument: a militarised partner's harm to civilians",
        [DD_ARG_HOST] = "Counter-argument: a host that can hold alone",
    };
    return (a >= 0 && a < DD_ARG_COUNT) ? titles[a] : "?";
}

/* National mean (or another statistic) of a metric in month index t; NaN when absent. */
static double national(const dd_run *r, const char *metric, int t, int stat)
{
    long m = dd_run_metric_index(r, metric);
    if (m < 0)
        return NAN;
    if (t < 0)
        t = 0;
    if (t >= r->months)
        t = r->months - 1;
    const double *c = dd_run_cell(r, t, dd_run_all(r), (size_t)m);
    return c != NULL ? c[stat] : NAN;
}

/* Summary mean and interval of a measure; 0 when summary.csv lacks it. */
static int summary(const dd_run *r, const char *measure, double *mean, double *lo, double *hi)
{
    const dd_summary_row *s = dd_run_summary(r, measure);
    if (s == NULL)
        return 0;
    *mean = s->mean;
    *lo = s->ci_low;
    *hi = s->ci_high;
    return 1;
}

/* Month index (from the start) of the median exit, or -1. */
static int exit_index(const dd_run *r)
{
    return r->exit_p50 >= 0 ? r->exit_p50 - r->start_month : -1;
}

/* "By <when>, <what> had fallen from 0.9 to 0.45": a change between two levels of a share. */
static void level_change(text *t, const char *what, double a, double b, const char *when)
{
    if (!isfinite(a) || !isfinite(b))
        return;
    double change = b - a;
    if (fabs(change) < 0.02)
        tx_add(t, "By %s, %s was still near its starting level of %s", when, what, num(a, 2).s);
    else
        tx_add(t, "By %s, %s had %s from %s to %s", when, what, change < 0 ? "fallen" : "risen",
               num(a, 2).s, num(b, 2).s);
}

/*
 * level_change of a national metric from the first month to month index tb,
 * with the spread over replications in month tb when there is one, as a
 * sentence.
 */
static void level_sentence(text *t, const dd_run *r, const char *metric, const char *what, int tb,
                           const char *when)
{
    level_change(t, what, national(r, metric, 0, DD_MS_MEAN), national(r, metric, tb, DD_MS_MEAN),
                 when);
    double p05 = national(r, metric, tb, DD_MS_P05), p95 = national(r, metric, tb, DD_MS_P95);
    if (isfinite(p05) && p95 - p05 >= 0.01)
        tx_add(t, " (90%% of replications between %s and %s)", num(p05, 2).s, num(p95, 2).s);
    tx_add(t, ".");
}

/*
 * Over the replications with an exit and a known vacuum_index: how many
 * there are, and in how many armed-group control rose (index > 0) and fell
 * after the exit. Returns 0 when the run has no vacuum_index.
 */
static int vacuum_moves(const dd_run *r, long *exited, long *up, long *down)
{
    *exited = *up = *down = 0;
    long vi = dd_run_measure_index(r, "vacuum_index");
    if (vi < 0)
        return 0;
    const double *v = r->value + (size_t)vi * (size_t)r->replications;
    for (long i = 0; i < r->replications; i++) {
        if (r->exit_month[i] < 0 || !isfinite(v[i]))
            continue;
        (*exited)++;
        *up += v[i] > 0;
        *down += v[i] < 0;
    }
    return 1;
}

/* How often control rose and fell after the exit, in words. */
static void up_down(text *t, double s_up, double s_down)
{
    if (s_up >= 1)
        tx_add(t, "Control rose in every replication with an exit.");
    else if (s_down >= 1)
        tx_add(t, "Control fell in every replication with an exit.");
    else
        tx_add(t, "Control rose in %s of the replications with an exit and fell in %s.",
               pct(s_up).s, pct(s_down).s);
}

static void run_vacuum(text *t, const dd_run *r)
{
    char last[DD_MONTH_STR];
    dd_month_format(r->start_month + r->months - 1, last);
    if (r->exit_p50 < 0) {
        tx_add(t,
               "The mission did not leave in any of the %ld replications before %s, so this "
               "run cannot show whether a vacuum follows an exit; compare it with a run in "
               "which the mission leaves.",
               r->replications, last);
        return;
    }
    tx_add(t, "The mission left in %s of the %ld replications", pct(r->exited_share).s,
           r->replications);
    if (r->exit_p05 == r->exit_p95)
        tx_add(t, ", always in %s.", month(r->exit_p50).s);
    else
        tx_add(t, " (median exit %s; 90%% of exits between %s and %s).", month(r->exit_p50).s,
               month(r->exit_p05).s, month(r->exit_p95).s);

    long window = (long)r->input.params.vacuum_window_months;
    double mu, lo, hi;
    long exited, up, down;
    if (vacuum_moves(r, &exited, &up, &down) && summary(r, "vacuum_index", &mu, &lo, &hi)) {
        double at_exit = national(r, "armed_control", exit_index(r), DD_MS_MEAN);
        int dec = dd_report_decimals(fmax(fabs(mu), fmax(fabs(lo), fabs(hi))), (hi - lo) / 2);
        double s_up = exited > 0 ? (double)up / (double)exited : NAN;
        double s_down = exited > 0 ? (double)down / (double)exited : NAN;
        if (!isfinite(lo) || !isfinite(hi)) {
            tx_add(t,
                   " Armed-group control changed by %s in the %ld months after the exit (too "
                   "few replications for an interval).",
                   num(mu, dec).s, window);
        } else if (lo == hi) {
            tx_add(t,
                   " Armed-group control changed by exactly %s in the %ld months after the exit, "
                   "in every replication.",
                   num(mu, dec).s, window);
        } else if (lo > 0 || hi < 0) {
            tx_add(t,
                   " In the %ld months after the exit, the share of the population under "
                   "armed-group control %s on average by %s (95%% CI %s to %s)",
                   window, mu > 0 ? "rose" : "fell", num(fabs(mu), dec).s, num(lo, dec).s,
                   num(hi, dec).s);
            if (isfinite(at_exit) && at_exit > 0.001)
                tx_add(t,
                       ", against a level of %s at the median exit month (a relative change of "
                       "%.0f%%)",
                       num_auto(at_exit).s, 100.0 * mu / at_exit);
            tx_add(t, ". ");
            up_down(t, s_up, s_down);
        } else {
            tx_add(t,
                   " In the %ld months after the exit, the runs cannot tell whether armed-group "
                   "control rose or fell on average (vacuum_index %s, 95%% CI %s to %s). ",
                   window, num(mu, dec).s, num(lo, dec).s, num(hi, dec).s);
            up_down(t, s_up, s_down);
        }
    }
    if (summary(r, "relapse", &mu, &lo, &hi)) {
        long rw = (long)r->input.params.relapse_window_months;
        long rb = (long)r->input.params.relapse_baseline_months;
        if (mu == 0)
            tx_add(t,
                   " Violence did not relapse in any replication (relapse: mean monthly deaths "
                   "in the %ld months after the exit above %s times those of the %ld months "
                   "before).",
                   rw, num_auto(r->input.params.relapse_ratio).s, rb);
        else
            tx_add(t,
                   " Violence relapsed (mean monthly deaths in the %ld months after the exit "
                   "above %s times those of the %ld months before) in %s of replications "
                   "(95%% CI %s to %s).",
                   rw, num_auto(r->input.params.relapse_ratio).s, rb, pct(mu).s,
                   pct(fmax(0.0, lo)).s, pct(fmin(1.0, hi)).s);
    }
    tx_add(t, " These numbers describe this scenario alone; whether the exit itself made the "
              "difference takes a paired comparison with a run in which the mission stays.");
}

/* Exit reasons with a non-zero share, from summary.csv, as "76% on a calendar schedule, ...". */
static void exit_reasons(text *t, const dd_run *r)
{
    static const char prefix[] = "exit_reason_";
    int listed = 0;
    for (size_t i = 0; i < r->n_summary; i++) {
        const dd_summary_row *s = &r->summary[i];
        if (strncmp(s->measure, prefix, sizeof prefix - 1) != 0 || !(s->mean > 0))
            continue;
        const char *reason = s->measure + sizeof prefix - 1;
        if (strcmp(reason, "none") == 0)
            continue;
        char w[128];
        reason_words(reason, w, sizeof w);
        tx_add(t, "%s%s of replications it left %s", listed ? "; in " : "In ", pct(s->mean).s, w);
        listed = 1;
    }
    if (listed)
        tx_add(t, ".");
}

static void run_conditions(text *t, const dd_run *r)
{
    const char *policy = dd_policy_get(r->input.policy.kind)->name;
    char last[DD_MONTH_STR];
    dd_month_format(r->start_month + r->months - 1, last);
    double tm, tlo, thi;
    int have_tm = summary(r, "troop_months", &tm, &tlo, &thi);
    if (strcmp(policy, "conditions") == 0) {
        if (r->exit_p50 < 0) {
            tx_add(t,
                   "Under the conditions-based policy the mission never left before %s: in no "
                   "replication were its conditions met often enough.",
                   last);
        } else {
            tx_add(t,
                   "Under the conditions-based policy the exit date was not fixed in advance: "
                   "the mission left in %s of replications, 90%% of them between %s and %s "
                   "(median %s)",
                   pct(r->exited_share).s, month(r->exit_p05).s, month(r->exit_p95).s,
                   month(r->exit_p50).s);
            if (r->exited_share < 1)
                tx_add(t, "; in the other %s the conditions were not met before %s",
                       pct(1 - r->exited_share).s, last);
            tx_add(t, ". ");
            exit_reasons(t, r);
        }
    } else {
        tx_add(t, "This run does not use a conditions-based exit (its policy is \"%s\"", policy);
        for (size_t e = 0; e < r->input.n_events; e++)
            if (strcmp(dd_event_name(r->input.events[e].type), "consent_revoked") == 0) {
                tx_add(t, ", and the host revokes its consent in %s",
                       month(r->input.events[e].month).s);
                break;
            }
        tx_add(t, "). ");
        if (r->exit_p50 < 0)
            tx_add(t, "The mission stayed to the end of the run (%s) in every replication.", last);
        else {
            exit_reasons(t, r);
            if (r->exit_p05 == r->exit_p95)
                tx_add(t,
                       " The exit came in %s in every replication: its timing did not respond "
                       "to what happened on the ground.",
                       month(r->exit_p50).s);
            else
                tx_add(t, " 90%% of exits fell between %s and %s.", month(r->exit_p05).s,
                       month(r->exit_p95).s);
        }
    }
    if (have_tm) {
        int dec = dd_report_decimals(tm, (thi - tlo) / 2);
        if (tlo == thi)
            tx_add(t,
                   " The mission used %s troop-months (uniformed person-months) in every "
                   "replication.",
                   num(tm, dec).s);
        else
            tx_add(t, " The mission used %s troop-months on average (95%% CI %s to %s).",
                   num(tm, dec).s, num(tlo, dec).s, num(thi, dec).s);
    }
    if (strcmp(policy, "conditions") != 0)
        tx_add(t, " Whether conditions would have timed the exit better takes a paired comparison "
                  "with a conditions-based run (drawdown compare).");
}

static void run_consent(text *t, const dd_run *r)
{
    int te = exit_index(r);
    int tl = r->months - 1;
    int tw = te >= 0 ? te : tl;
    /* The month before the exit: consent and legitimacy as they stood while the mission was there.
     */
    int tb = te > 0 ? te - 1 : tw;
    double c0 = national(r, "consent", 0, DD_MS_MEAN), cb = national(r, "consent", tb, DD_MS_MEAN);
    double l0 = national(r, "legitimacy", 0, DD_MS_MEAN),
           lb = national(r, "legitimacy", tb, DD_MS_MEAN);
    char when[96];
    snprintf(when, sizeof when, "%s (%s)",
             te > 0 ? "the month before the median exit" : "the end of the run",
             month(r->start_month + tb).s);
    if (!isfinite(c0) && !isfinite(l0)) {
        tx_add(t, "This run has no consent or legitimacy series, so it cannot speak to this "
                  "argument.");
        return;
    }
    if (isfinite(c0))
        level_sentence(t, r, "consent", "host consent", tb, when);
    if (isfinite(l0)) {
        if (isfinite(c0))
            tx_add(t, " ");
        level_sentence(t, r, "legitimacy", "the mission's legitimacy", tb, when);
    }
    const dd_summary_row *rev = dd_run_summary(r, "exit_reason_consent_revoked");
    int scripted = 0;
    for (size_t e = 0; e < r->input.n_events; e++)
        if (strcmp(dd_event_name(r->input.events[e].type), "consent_revoked") == 0) {
            scripted = 1;
            if (rev != NULL && rev->mean > 0)
                tx_add(t,
                       " The host revoked its consent and forced the exit in %s of replications; "
                       "the revocation (%s) is written into the scenario as a dated event, not "
                       "produced by the model.",
                       pct(rev->mean).s, month(r->input.events[e].month).s);
            break;
        }
    if (!scripted && rev != NULL && rev->mean > 0 && rev->ci_low == rev->ci_high)
        tx_add(t, " The host revoked its consent and forced the exit in %s of replications.",
               rev->mean >= 1 ? "all" : pct(rev->mean).s);
    else if (!scripted && rev != NULL && rev->mean > 0)
        tx_add(t,
               " The host revoked its consent and forced the exit in %s of replications (95%% "
               "CI %s to %s).",
               pct(rev->mean).s, pct(fmax(0.0, rev->ci_low)).s, pct(fmin(1.0, rev->ci_high)).s);
    else if (!scripted && rev != NULL)
        tx_add(t, " In no replication was the exit forced by a revocation of consent.");
    double dc = isfinite(c0) ? fabs(cb - c0) : 0, dl = isfinite(l0) ? fabs(lb - l0) : 0;
    if (dc < 0.02 && dl < 0.02)
        tx_add(t, " Consent and legitimacy barely moved while the mission was deployed, so this "
                  "run gives no evidence for or against their erosion.");
    else
        tx_add(t, " Whether a longer stay wears them down further takes a comparison with a run "
                  "that stays longer.");
}

/* First month index (from the start) in which a partner of `role` has anyone deployed, or -1. */
static int role_arrival(const dd_run *r, const char *role, char *names, size_t size)
{
    names[0] = '\0';
    int first = -1;
    size_t used = 0;
    for (size_t p = 0; p < r->input.n_partners; p++) {
        const dd_partner *pa = &r->input.partners[p];
        if (strcmp(dd_role_name(pa->role), role) != 0)
            continue;
        used += (size_t)snprintf(names + used, used < size ? size - used : 0, "%s%s",
                                 used > 0 ? ", " : "", pa->name);
        for (int t = 0; t < r->months; t++)
            if (dd_schedule_at(&pa->strength, r->start_month + t) > 0) {
                if (first < 0 || t < first)
                    first = t;
                break;
            }
    }
    return first;
}

/* Mean over months [a, b) of a national metric's mean; NaN when empty. */
static double window_mean(const dd_run *r, const char *metric, int a, int b)
{
    double s = 0;
    int n = 0;
    for (int t = a < 0 ? 0 : a; t < b && t < r->months; t++) {
        double v = national(r, metric, t, DD_MS_MEAN);
        if (isfinite(v)) {
            s += v;
            n++;
        }
    }
    return n > 0 ? s / n : NAN;
}

static void run_partner(text *t, const dd_run *r)
{
    double civ, clo, chi, fat, flo, fhi;
    int have = summary(r, "civilian_fatalities", &civ, &clo, &chi) &&
               summary(r, "fatalities", &fat, &flo, &fhi);
    char names[512];
    int arrival = role_arrival(r, "mercenary", names, sizeof names);
    if (names[0] == '\0') {
        tx_add(t, "No mercenary partner takes part in this run, so it cannot speak to this "
                  "argument directly.");
    } else if (arrival < 0) {
        tx_add(t, "A mercenary partner (%s) is listed but has nobody deployed within the run.",
               names);
    } else {
        int before = arrival < 12 ? arrival : 12;
        int after = r->months - arrival < 12 ? r->months - arrival : 12;
        tx_add(t, "A mercenary partner (%s) arrives in %s.", names,
               month(r->start_month + arrival).s);
        if (before >= 3 && after >= 3) {
            double cb = window_mean(r, "civilian_fatalities", arrival - before, arrival);
            double ca = window_mean(r, "civilian_fatalities", arrival, arrival + after);
            double fb = window_mean(r, "fatalities", arrival - before, arrival);
            double fa = window_mean(r, "fatalities", arrival, arrival + after);
            double sb = fb > 0 ? cb / fb : NAN, sa = fa > 0 ? ca / fa : NAN;
            tx_add(t,
                   " In the %d months before, civilians were %s of conflict deaths (%s civilian "
                   "deaths a month); in the %d months after, %s (%s a month).",
                   before, pct(sb).s, num_auto(cb).s, after, pct(sa).s, num_auto(ca).s);
            if (isfinite(sa) && isfinite(sb)) {
                if (fabs(sa - sb) < 0.02)
                    tx_add(t, " The civilian share barely changed.");
                else
                    tx_add(t, " The civilian share %s by %s percentage points.",
                           sa > sb ? "rose" : "fell", num(100 * fabs(sa - sb), 0).s);
            }
            tx_add(t, " This is a before-and-after reading of one run: the mission and the other "
                      "partners changed in the same months, so it does not isolate the partner; a "
                      "paired comparison of runs with and without it does.");
        }
    }
    if (have && fat > 0) {
        int dec = dd_report_decimals(civ, (chi - clo) / 2);
        tx_add(t,
               " Over the whole run civilians were %s of all conflict deaths: %s civilian deaths "
               "on average (95%% CI %s to %s).",
               pct(civ / fat).s, num(civ, dec).s, num(clo, dec).s, num(chi, dec).s);
    }
}

static void run_host(text *t, const dd_run *r)
{
    double h0 = national(r, "host_forces", 0, DD_MS_MEAN);
    double sa, slo, shi;
    int have_sa = summary(r, "final_state_authority", &sa, &slo, &shi);
    if (r->exit_p50 < 0) {
        tx_add(t, "The mission never left, so this run cannot show whether the host holds alone.");
        if (isfinite(h0))
            tx_add(t, " Host forces went from %s to %s personnel over the run.", num_auto(h0).s,
                   num_auto(national(r, "host_forces", r->months - 1, DD_MS_MEAN)).s);
    } else {
        int te = exit_index(r);
        int window = (int)r->input.params.vacuum_window_months;
        int tw = te + window;
        int clamped = tw > r->months - 1;
        if (clamped)
            tw = r->months - 1;
        if (isfinite(h0))
            tx_add(t,
                   "Host security forces numbered %s at the start, %s at the median exit month "
                   "(%s) and %s %s.",
                   num_auto(h0).s, num_auto(national(r, "host_forces", te, DD_MS_MEAN)).s,
                   month(r->exit_p50).s, num_auto(national(r, "host_forces", tw, DD_MS_MEAN)).s,
                   clamped ? "in the last month of the run" : "two years later");
        long exited, up, down;
        if (vacuum_moves(r, &exited, &up, &down)) {
            long held = exited - up; /* control did not rise: the host kept its ground */
            if (exited > 0 && held == 0)
                tx_add(t, " Armed-group control rose after the exit in every replication with an "
                          "exit: in none did the host keep the ground it held.");
            else if (exited > 0 && held == exited)
                tx_add(t, " Armed-group control stayed level or fell after the exit in every "
                          "replication with an exit: the host kept at least the ground it held.");
            else if (exited > 0)
                tx_add(t,
                       " Armed-group control did not rise after the exit (the host kept at "
                       "least the ground it held) in %s of the replications with an exit, and "
                       "rose in the other %s.",
                       pct((double)held / (double)exited).s,
                       pct(1 - (double)held / (double)exited).s);
        }
    }
    if (have_sa) {
        if (slo == shi)
            tx_add(t,
                   " State authority ended at %s (population-weighted share) in every "
                   "replication.",
                   num(sa, 2).s);
        else
            tx_add(t, " State authority ended at %s on average (95%% CI %s to %s).", num(sa, 3).s,
                   num(slo, 3).s, num(shi, 3).s);
    }
}

/* -------------------------------------------------- compare paragraphs */

/* The diff sentence of a measure for scenario s, appended; nothing when the row is absent. */
static int add_diff(text *t, const dd_comparison *c, const char *measure, size_t s)
{
    const dd_compare_row *row = dd_comparison_row(c, measure, s);
    if (row == NULL)
        return 0;
    tx_take_sentence(t,
                     dd_report_diff_sentence(measure, c->scen[s].name, c->scen[0].name, &row->d));
    return 1;
}

/* The diff sentences of two measures, scenario by scenario. */
static void add_diffs(text *t, const dd_comparison *c, const char *first, const char *second)
{
    for (size_t s = 1; s < c->n_scen; s++) {
        add_diff(t, c, first, s);
        add_diff(t, c, second, s);
    }
}

static long state_index(const char *metric)
{
    for (size_t k = 0; k < DD_COMPARE_STATE_COUNT; k++)
        if (strcmp(dd_compare_state_metrics[k], metric) == 0)
            return (long)k;
    return -1;
}

static void unpaired_note(text *t, const dd_comparison *c)
{
    if (!c->paired)
        tx_add(t,
               "%sThese runs are not paired (%s), so the intervals are wider and there is no "
               "replication-by-replication share.",
               t->len > 0 ? " " : "", c->unpaired_reason);
}

static void cmp_vacuum(text *t, const dd_comparison *c)
{
    /* The caveat first: a run that mostly stays has a small vacuum by definition. */
    for (size_t s = 0; s < c->n_scen; s++)
        if (c->scen[s].exited_share <= 0)
            tx_add(t,
                   "%sIn %s the mission never left; its vacuum_index counts as 0 and there is "
                   "no relapse by definition.",
                   t->len ? " " : "", c->scen[s].name);
        else if (c->scen[s].exited_share < 1)
            tx_add(t,
                   "%sIn %s the mission stayed to the end in %s of replications; vacuum_index "
                   "counts those as 0 and relapse as none.",
                   t->len ? " " : "", c->scen[s].name, pct(1 - c->scen[s].exited_share).s);
    add_diffs(t, c, "vacuum_index", "relapse");
    if (t->len == 0)
        tx_add(t, "The compared runs have no vacuum_index or relapse measure.");
    unpaired_note(t, c);
}

/* "median exit 2019-06 (90% between ...)" of a scenario. */
static void exit_timing(text *t, const dd_compare_scenario *s)
{
    tx_add(t, "under %s (policy \"%s\") the mission ", s->name, s->policy);
    if (s->exit_p50 < 0)
        tx_add(t, "never left");
    else if (s->exit_p05 == s->exit_p95)
        tx_add(t, "left in %s of replications, always in %s", pct(s->exited_share).s,
               month(s->exit_p50).s);
    else
        tx_add(t, "left in %s of replications, 90%% of those exits between %s and %s, median %s",
               pct(s->exited_share).s, month(s->exit_p05).s, month(s->exit_p95).s,
               month(s->exit_p50).s);
}

static void cmp_conditions(text *t, const dd_comparison *c)
{
    int any = 0;
    for (size_t i = 0; i < c->n_scen; i++)
        any = any || strcmp(c->scen[i].policy, "conditions") == 0;
    if (!any)
        tx_add(t, "None of the compared runs uses a conditions-based exit, so this comparison does "
                  "not test one directly; it shows what the compared exits cost and left behind.");
    tx_add(t, "%sExit timing: ", t->len > 0 ? " " : "");
    for (size_t i = 0; i < c->n_scen; i++) {
        tx_add(t, "%s", i > 0 ? "; " : "");
        exit_timing(t, &c->scen[i]);
    }
    tx_add(t, ".");
    for (size_t s = 1; s < c->n_scen; s++) {
        int rel = !any || strcmp(c->scen[s].policy, "conditions") == 0 ||
                  strcmp(c->scen[0].policy, "conditions") == 0;
        if (!rel)
            continue;
        add_diff(t, c, "troop_months", s);
        add_diff(t, c, "vacuum_index", s);
    }
    unpaired_note(t, c);
}

static void cmp_consent(text *t, const dd_comparison *c)
{
    long kc = state_index("consent"), kl = state_index("legitimacy");
    const dd_compare_scenario *b = &c->scen[0];
    int moved = 0;
    for (size_t s = 1; s < c->n_scen; s++) {
        const dd_compare_scenario *x = &c->scen[s];
        double cs = x->state_end[kc], cbv = b->state_end[kc];
        double ls = x->state_end[kl], lbv = b->state_end[kl];
        if (isfinite(cs) && isfinite(cbv))
            tx_add(t, "%sIn the last month, consent stood at %s in %s against %s in %s",
                   t->len ? " " : "", num(cs, 2).s, x->name, num(cbv, 2).s, b->name);
        if (isfinite(ls) && isfinite(lbv))
            tx_add(t, "%s legitimacy at %s against %s",
                   isfinite(cs) ? ", and" : " Legitimacy in the last month stood", num(ls, 2).s,
                   num(lbv, 2).s);
        if (isfinite(cs) || isfinite(ls))
            tx_add(t, " (means over replications).");
        moved = moved || (isfinite(cs) && fabs(cs - cbv) >= 0.02) ||
                (isfinite(ls) && fabs(ls - lbv) >= 0.02);
        add_diff(t, c, "exit_reason_consent_revoked", s);
        for (size_t i = 0; i < c->n_rows; i++) {
            const dd_compare_row *row = &c->rows[i];
            if (row->scenario == s &&
                (strstr(row->measure, "consent") != NULL ||
                 strstr(row->measure, "legitimacy") != NULL) &&
                strncmp(row->measure, "exit_reason_", 12) != 0)
                add_diff(t, c, row->measure, s);
        }
    }
    if (!moved)
        tx_add(t,
               "%sConsent and legitimacy end at about the same level in every compared run, so "
               "this comparison gives no evidence on their erosion.",
               t->len ? " " : "");
    unpaired_note(t, c);
}

static void cmp_partner(text *t, const dd_comparison *c)
{
    int same = 1, any_merc = 0;
    for (size_t s = 0; s < c->n_scen; s++) {
        same = same && strcmp(c->scen[s].partners, c->scen[0].partners) == 0;
        any_merc = any_merc || strstr(c->scen[s].partners, "[mercenary") != NULL;
    }
    if (same)
        tx_add(t,
               "All compared runs schedule the same partners with the same strength over "
               "time (%s), so a difference in civilian deaths here does not come from a "
               "different partner plan (a partner may still leave early under its own rules; "
               "see the partner_forces series).",
               c->scen[0].partners[0] ? c->scen[0].partners : "none");
    else {
        tx_add(t, "The compared runs differ in their partners or in the partners' strength over "
                  "time (person-months in the country):");
        for (size_t s = 0; s < c->n_scen; s++)
            tx_add(t, " %s: %s%s", c->scen[s].name,
                   c->scen[s].partners[0] ? c->scen[s].partners : "none",
                   s + 1 < c->n_scen ? ";" : ".");
    }
    if (!any_merc)
        tx_add(t, " No compared run has a mercenary partner.");
    add_diffs(t, c, "civilian_fatalities", "fatalities");
    unpaired_note(t, c);
}

static void cmp_host(text *t, const dd_comparison *c)
{
    long kh = state_index("host_forces"), ka = state_index("armed_control");
    const dd_compare_scenario *b = &c->scen[0];
    for (size_t s = 1; s < c->n_scen; s++) {
        const dd_compare_scenario *x = &c->scen[s];
        if (isfinite(x->state_end[kh]) && isfinite(b->state_end[kh]))
            tx_add(t, "%sIn the last month %s had %s host security personnel against %s in %s",
                   t->len ? " " : "", x->name, num_auto(x->state_end[kh]).s,
                   num_auto(b->state_end[kh]).s, b->name);
        if (isfinite(x->state_end[ka]) && isfinite(b->state_end[ka]))
            tx_add(t, ", and armed groups controlled %s%% of the population against %s%%",
                   num(100 * x->state_end[ka], 1).s, num(100 * b->state_end[ka], 1).s);
        tx_add(t, " (means over replications).");
        add_diff(t, c, "final_state_authority", s);
    }
    unpaired_note(t, c);
}

/* ---------------------------------------------------------- paragraphs */

/* The paragraph on argument a, of a run or, when run is NULL, of a comparison. */
static char *paragraph(const dd_run *run, const dd_comparison *c, dd_argument a)
{
    static const struct {
        void (*of_run)(text *, const dd_run *);
        void (*of_cmp)(text *, const dd_comparison *);
    } writer[DD_ARG_COUNT] = {
        [DD_ARG_VACUUM] = {run_vacuum, cmp_vacuum},
        [DD_ARG_CONDITIONS] = {run_conditions, cmp_conditions},
        [DD_ARG_CONSENT] = {run_consent, cmp_consent},
        [DD_ARG_PARTNER] = {run_partner, cmp_partner},
        [DD_ARG_HOST] = {run_host, cmp_host},
    };
    text t = {NULL, 0, 0, 0};
    if (a >= 0 && a < DD_ARG_COUNT && run != NULL)
        writer[a].of_run(&t, run);
    else if (a >= 0 && a < DD_ARG_COUNT)
        writer[a].of_cmp(&t, c);
    return tx_take(&t);
}

char *dd_report_run_paragraph(const dd_run *run, dd_argument a)
{
    return paragraph(run, NULL, a);
}

char *dd_report_compare_paragraph(const dd_comparison *c, dd_argument a)
{
    return paragraph(NULL, c, a);
}

/* ---------------------------------------------------------------- HTML */

/* A FILE with sticky failure: writes after the first failure are skipped. */
typedef struct html {
    FILE *f;
    int failed;
} html;

static void h_raw(html *h, const char *s)
{
    if (!h->failed && fputs(s, h->f) == EOF)
        h->failed = 1;
}

static void h_fmt(html *h, const char *f, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
static void h_fmt(html *h, const char *f, ...)
{
    if (h->failed)
        return;
    va_list ap;
    va_start(ap, f);
    if (vfprintf(h->f, f, ap) < 0)
        h->failed = 1;
    va_end(ap);
}

/* Text, escaped for HTML. */
static void h_text(html *h, const char *s)
{
    for (const char *p = s; *p != '\0' && !h->failed; p++) {
        switch (*p) {
        case '&':
            h_raw(h, "&amp;");
            break;
        case '<':
            h_raw(h, "&lt;");
            break;
        case '>':
            h_raw(h, "&gt;");
            break;
        case '"':
            h_raw(h, "&quot;");
            break;
        default:
            if (fputc(*p, h->f) == EOF)
                h->failed = 1;
        }
    }
}

static const char style[] =
    "body{font-family:'DejaVu Sans',Verdana,sans-serif;max-width:1100px;margin:0 auto;"
    "padding:1.5em;color:#222;line-height:1.5;background:#fff}\n"
    "h1{font-size:1.7em;margin-bottom:.2em}h2{border-bottom:2px solid #ccc;padding-bottom:.2em;"
    "margin-top:2.2em}h3{margin-top:1.6em}h4{margin:1.2em 0 .3em}\n"
    "p.meta{color:#555;margin-top:0}\n"
    "table{border-collapse:collapse;margin:1em 0;font-size:.92em}"
    "th,td{border:1px solid #ccc;padding:.3em .55em;text-align:left;vertical-align:top}"
    "th{background:#f0f0f0}td.n{text-align:right;white-space:nowrap}\n"
    "figure{margin:1.5em 0;border:1px solid #ddd;padding:.6em;background:#fff}"
    "figure img{width:100%;height:auto;display:block}"
    "figcaption{font-size:.9em;color:#333;margin-top:.4em}\n"
    ".argument{background:#f7f9fc;border-left:4px solid #1f77b4;padding:.4em 1em;margin:.8em 0}\n"
    ".warn{background:#fff4e5;border-left:4px solid #ff7f0e;padding:.4em 1em}\n"
    "code{background:#f3f3f3;padding:0 .2em}nav ol{line-height:1.7}\n";

static const char *const key_order[] = {"vacuum_index", "relapse",        "civilian_fatalities",
                                        "fatalities",   "pk_fatalities",  "troop_months",
                                        "cost_usd",     "peak_displaced", "final_state_authority",
                                        "exited"};

/* Inline a PNG file as a data URI. */
static int h_png(html *h, const char *path, const char *alt, dd_error *err)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return dd_error_set(err, DD_EIO, path, 0, "cannot read chart image: %s", strerror(errno));
    static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    h_raw(h, "<img alt=\"");
    h_text(h, alt);
    h_raw(h, "\" src=\"data:image/png;base64,");
    unsigned char in[3 * 1024];
    char out[4 * 1024 + 1];
    size_t n, total = 0;
    unsigned char sig[8] = {0};
    while ((n = fread(in, 1, sizeof in, f)) > 0 && !h->failed) {
        if (total == 0)
            memcpy(sig, in, n < 8 ? n : 8);
        total += n;
        size_t k = 0;
        for (size_t i = 0; i < n; i += 3) {
            unsigned v = (unsigned)in[i] << 16;
            if (i + 1 < n)
                v |= (unsigned)in[i + 1] << 8;
            if (i + 2 < n)
                v |= in[i + 2];
            out[k++] = b64[(v >> 18) & 63];
            out[k++] = b64[(v >> 12) & 63];
            out[k++] = i + 1 < n ? b64[(v >> 6) & 63] : '=';
            out[k++] = i + 2 < n ? b64[v & 63] : '=';
        }
        out[k] = '\0';
        h_raw(h, out);
        /* Chunks are multiples of 3 bytes, so padding appears only in the last one. */
    }
    int bad = ferror(f);
    fclose(f);
    static const unsigned char png_sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    if (bad || total < 8 || memcmp(sig, png_sig, 8) != 0)
        return dd_error_set(err, DD_EIO, path, 0, "is not a readable PNG image");
    h_raw(h, "\">");
    return 0;
}

static void h_cell_num(html *h, double v, int dec)
{
    h_fmt(h, "<td class=\"n\">%s</td>", num(v, dec).s);
}

static void h_measure_name(html *h, const char *measure, size_t rowspan)
{
    words w = words_of(measure);
    if (rowspan > 1)
        h_fmt(h, "<td rowspan=\"%zu\"><code>", rowspan);
    else
        h_raw(h, "<td><code>");
    h_text(h, measure);
    h_raw(h, "</code><br>");
    h_text(h, w.noun);
    if (w.unit[0] != '\0' && strstr(w.noun, w.unit) == NULL) {
        h_raw(h, " (");
        h_text(h, w.unit);
        h_raw(h, ")");
    }
    h_raw(h, "</td>");
}

static void h_definition(html *h, const char *term, const char *value)
{
    h_raw(h, "<tr><th>");
    h_text(h, term);
    h_raw(h, "</th><td>");
    h_text(h, value);
    h_raw(h, "</td></tr>\n");
}

static int h_charts(html *h, const dd_report_item *it, dd_error *err)
{
    if (it->charts == NULL || it->charts->n == 0)
        return 0;
    h_raw(h, "<h3>Charts</h3>\n<p>Each chart's numbers and gnuplot script are in <code>");
    h_text(h, it->charts_shown);
    h_raw(h, "</code> (<code>&lt;name&gt;.dat</code>, <code>&lt;name&gt;.gp</code>); edit a "
             "script and run <code>gnuplot &lt;name&gt;.gp</code> there to redraw it.</p>\n");
    for (size_t i = 0; i < it->charts->n; i++) {
        const dd_chart *c = &it->charts->items[i];
        char path[1400];
        snprintf(path, sizeof path, "%s/%s.png", it->charts_dir, c->name);
        h_raw(h, "<figure>");
        int rc = h_png(h, path, c->title, err);
        if (rc != 0)
            return rc;
        h_raw(h, "<figcaption><b>");
        h_text(h, c->name);
        h_raw(h, ".</b> ");
        h_text(h, c->caption);
        h_raw(h, "</figcaption></figure>\n");
    }
    return 0;
}

static int h_arguments(html *h, const dd_run *run, const dd_comparison *cmp)
{
    h_raw(h, "<h3>The arguments, read from these numbers</h3>\n");
    for (int a = 0; a < DD_ARG_COUNT; a++) {
        char *p = paragraph(run, cmp, (dd_argument)a);
        if (p == NULL)
            return DD_ENOMEM;
        h_raw(h, "<div class=\"argument\"><h4>");
        h_text(h, dd_report_argument_title((dd_argument)a));
        h_raw(h, "</h4><p>");
        h_text(h, p);
        h_raw(h, "</p></div>\n");
        free(p);
    }
    return 0;
}

/* Close a section's key table, then its arguments and charts, then the section. */
static int h_section_end(html *h, const dd_report_item *it, const dd_run *run,
                         const dd_comparison *cmp, dd_error *err)
{
    h_raw(h, "</table>\n");
    if (h_arguments(h, run, cmp) != 0)
        return dd_error_set(err, DD_ENOMEM, NULL, 0, "out of memory");
    int rc = h_charts(h, it, err);
    h_raw(h, "</section>\n");
    return rc;
}

static void anchor(char *buf, size_t size, const char *kind, const char *name)
{
    snprintf(buf, size, "%s-%s", kind, name);
}

/* The anchor of a comparison: its folder, with what an id should not hold turned into '-'. */
static void cmp_anchor(char *buf, size_t size, const char *source_dir)
{
    anchor(buf, size, "cmp", source_dir);
    for (char *p = buf; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
              *p == '-'))
            *p = '-';
}

static int write_run(html *h, const dd_report_item *it, dd_error *err)
{
    const dd_run *r = it->run;
    char id[128], tmp[256];
    anchor(id, sizeof id, "run", r->name);
    h_fmt(h, "<section id=\"%s\">\n<h2>Scenario ", id);
    h_text(h, r->name);
    h_raw(h, "</h2>\n<p>");
    h_text(h, r->input.description != NULL && r->input.description[0] ? r->input.description
                                                                      : "(no description)");
    h_raw(h, "</p>\n<h3>What was run</h3>\n<table>\n");
    h_definition(h, "results folder", it->source_dir);
    h_definition(h, "scenario file", r->scenario_file[0] ? r->scenario_file : "(not recorded)");
    h_definition(h, "program", r->program);
    snprintf(tmp, sizeof tmp, "%" PRIu64, r->seed);
    h_definition(h, "seed", tmp);
    snprintf(tmp, sizeof tmp, "%ld", r->replications);
    h_definition(h, "replications", tmp);
    snprintf(tmp, sizeof tmp, "%s to %s (%d months)", month(r->start_month).s,
             month(r->start_month + r->months - 1).s, r->months);
    h_definition(h, "months", tmp);
    h_definition(h, "exit policy", dd_policy_get(r->input.policy.kind)->name);
    text ev = {NULL, 0, 0, 0};
    for (size_t e = 0; e < r->input.n_events; e++) {
        const dd_event *de = &r->input.events[e];
        tx_add(&ev, "%s%s %s", e ? "; " : "", month(de->month).s, dd_event_name(de->type));
        /* An offensive or a militia acts on one region: name it, or the line reads as
           national. */
        if ((de->type == DD_EVENT_OFFENSIVE || de->type == DD_EVENT_MILITIA) && de->region >= 0 &&
            (size_t)de->region < r->input.n_regions)
            tx_add(&ev, " in %s", r->input.regions[de->region].name);
    }
    char *evs = tx_take(&ev);
    if (evs == NULL)
        return dd_error_set(err, DD_ENOMEM, NULL, 0, "out of memory");
    h_definition(h, "events", evs[0] ? evs : "none");
    free(evs);
    h_definition(h, "run.cfg SHA-256", r->run_cfg_sha256);
    h_raw(h, "</table>\n");

    h_raw(h, "<h3>Key numbers</h3>\n<p>Per-replication measures from <code>summary.csv</code>: "
             "mean with its 95% confidence interval, and the 5th, 50th and 95th percentiles over "
             "replications.</p>\n<table><tr><th>measure</th><th>mean</th><th>95% CI of the "
             "mean</th><th>5th pct</th><th>median</th><th>95th pct</th></tr>\n");
    for (size_t i = 0; i < r->n_summary; i++) {
        const dd_summary_row *s = &r->summary[i];
        int dec =
            dd_report_decimals(fmax(fabs(s->mean), fabs(s->p95)), (s->ci_high - s->ci_low) / 2);
        h_raw(h, "<tr>");
        h_measure_name(h, s->measure, 1);
        h_cell_num(h, s->mean, dec);
        h_fmt(h, "<td class=\"n\">%s to %s</td>", num(s->ci_low, dec).s, num(s->ci_high, dec).s);
        h_cell_num(h, s->p05, dec);
        h_cell_num(h, s->p50, dec);
        h_cell_num(h, s->p95, dec);
        h_raw(h, "</tr>\n");
    }
    return h_section_end(h, it, r, NULL, err);
}

static int key_rank(const char *measure)
{
    for (size_t i = 0; i < sizeof key_order / sizeof key_order[0]; i++)
        if (strcmp(key_order[i], measure) == 0)
            return (int)i;
    return (int)(sizeof key_order / sizeof key_order[0]);
}

static void cmp_title(char *buf, size_t size, const dd_comparison *c)
{
    size_t used = (size_t)snprintf(buf, size, "Comparison: ");
    for (size_t s = 1; s < c->n_scen && used < size; s++)
        used +=
            (size_t)snprintf(buf + used, size - used, "%s%s", s > 1 ? ", " : "", c->scen[s].name);
    if (used < size)
        snprintf(buf + used, size - used, " against %s", c->scen[0].name);
}

static int write_comparison(html *h, const dd_report_item *it, dd_error *err)
{
    const dd_comparison *c = it->cmp;
    char id[256], title[1024];
    cmp_title(title, sizeof title, c);
    cmp_anchor(id, sizeof id, it->source_dir);
    h_fmt(h, "<section id=\"%s\">\n<h2>", id);
    h_text(h, title);
    h_raw(h, "</h2>\n");
    if (c->paired)
        h_raw(h, "<p>The runs share seed, replication count and start month, so replication "
                 "<i>i</i> of each used the same random numbers: differences are <b>paired</b>, "
                 "replication by replication (common random numbers).</p>\n");
    else {
        h_raw(h, "<p class=\"warn\">These runs cannot be paired: ");
        h_text(h, c->unpaired_reason);
        h_raw(h, ". Differences use unpaired (Welch) intervals, and the share of replications "
                 "in which a scenario did worse is not available.</p>\n");
    }
    h_raw(h, "<h3>What was compared</h3>\n<table><tr><th>scenario</th><th>role</th>"
             "<th>description</th><th>policy</th><th>seed</th><th>replications</th>"
             "<th>months</th><th>program</th><th>results folder</th></tr>\n");
    for (size_t s = 0; s < c->n_scen; s++) {
        const dd_compare_scenario *x = &c->scen[s];
        char tmp[160];
        h_raw(h, "<tr><td><b>");
        h_text(h, x->name);
        h_fmt(h, "</b></td><td>%s</td><td>", s == 0 ? "baseline" : "scenario");
        h_text(h, x->description);
        h_raw(h, "</td><td>");
        h_text(h, x->policy);
        h_fmt(h, "</td><td class=\"n\">%" PRIu64 "</td><td class=\"n\">%ld</td>", x->seed,
              x->replications);
        snprintf(tmp, sizeof tmp, "%s to %s", month(x->start_month).s,
                 month(x->start_month + x->months - 1).s);
        h_raw(h, "<td>");
        h_text(h, tmp);
        h_raw(h, "</td><td>");
        h_text(h, x->program);
        h_raw(h, "</td><td><code>");
        h_text(h, x->run_dir);
        h_raw(h, "</code></td></tr>\n");
    }
    h_raw(h, "</table>\n");

    h_raw(h, "<h3>Key table</h3>\n<p>From <code>compare.csv</code>: each scenario's mean against "
             "the baseline's, the mean difference (scenario minus baseline) with its 95% "
             "confidence interval, and the share of paired replications in which the scenario "
             "did worse (more deaths, cost, displacement, armed control or relapse; less state "
             "authority). An interval that includes 0 means these runs cannot tell the two "
             "apart on that measure.</p>\n<table><tr><th>measure</th><th>scenario</th>"
             "<th>mean</th><th>baseline mean</th><th>difference</th><th>95% CI</th>"
             "<th>worse in</th></tr>\n");
    /* Key measures first, then the rest in file order. */
    int max_rank = (int)(sizeof key_order / sizeof key_order[0]);
    for (int rank = 0; rank <= max_rank; rank++)
        for (size_t i = 0; i < c->n_rows; i++) {
            const dd_compare_row *row = &c->rows[i];
            if (key_rank(row->measure) != rank)
                continue;
            /* Rows of one measure are consecutive (dd_compare_runs writes them so): the
               measure's cell spans them. */
            int first = i == 0 || strcmp(c->rows[i - 1].measure, row->measure) != 0;
            size_t span = 1;
            while (first && i + span < c->n_rows &&
                   strcmp(c->rows[i + span].measure, row->measure) == 0)
                span++;
            const dd_diff *d = &row->d;
            words w = words_of(row->measure);
            double scale = w.binary ? 100 : 1;
            int dec = dd_report_decimals(scale * fmax(fabs(d->mean), fabs(d->baseline_mean)),
                                         scale * (d->ci_high - d->ci_low) / 2);
            if (w.binary && dec > 1)
                dec = 1;
            const char *u = w.binary ? "%" : "";
            int zero_in = !(d->ci_low > 0 || d->ci_high < 0);
            h_raw(h, "<tr>");
            if (first)
                h_measure_name(h, row->measure, span);
            h_raw(h, "<td>");
            h_text(h, c->scen[row->scenario].name);
            h_raw(h, "</td>");
            h_fmt(h, "<td class=\"n\">%s%s</td><td class=\"n\">%s%s</td><td class=\"n\">%s%s</td>",
                  num(scale * d->mean, dec).s, u, num(scale * d->baseline_mean, dec).s, u,
                  num(scale * d->diff, dec).s, w.binary ? " pts" : "");
            h_fmt(h, "<td class=\"n\">%s to %s%s</td>", num(scale * d->ci_low, dec).s,
                  num(scale * d->ci_high, dec).s,
                  zero_in && d->ci_low != d->ci_high ? " (includes 0)" : "");
            h_fmt(h, "<td class=\"n\">%s</td></tr>\n",
                  isfinite(d->share_worse) ? pct(d->share_worse).s : "&ndash;");
        }
    return h_section_end(h, it, NULL, c, err);
}

int dd_report_write(FILE *f, const char *title, const char *program, const dd_report_item *items,
                    size_t n, dd_error *err)
{
    html h = {f, 0};
    h_raw(&h, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
              "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>");
    h_text(&h, title);
    h_raw(&h, "</title>\n<style>\n");
    h_raw(&h, style);
    h_raw(&h, "</style>\n</head>\n<body>\n<header>\n<h1>");
    h_text(&h, title);
    h_raw(&h, "</h1>\n<p class=\"meta\">Written by ");
    h_text(&h, program);
    size_t n_runs = 0, n_cmp = 0;
    for (size_t i = 0; i < n; i++) {
        n_runs += items[i].run != NULL;
        n_cmp += items[i].cmp != NULL;
    }
    h_fmt(&h,
          " from %zu run%s and %zu comparison%s. A teaching and planning model, not a "
          "forecast: the numbers say what follows from the scenario files and the model's "
          "assumptions (engine/MODEL.md).</p>\n</header>\n",
          n_runs, n_runs == 1 ? "" : "s", n_cmp, n_cmp == 1 ? "" : "s");

    /* Contents and an index of the scenarios. */
    h_raw(&h, "<nav>\n<h2>Contents</h2>\n<ol>\n<li><a href=\"#how\">How to read this "
              "report</a></li>\n");
    for (int pass = 0; pass < 2; pass++)
        for (size_t i = 0; i < n; i++) {
            const dd_report_item *it = &items[i];
            if ((pass == 0) != (it->cmp != NULL))
                continue;
            char id[256], label[1024];
            if (it->cmp != NULL) {
                cmp_anchor(id, sizeof id, it->source_dir);
                cmp_title(label, sizeof label, it->cmp);
            } else {
                anchor(id, sizeof id, "run", it->run->name);
                snprintf(label, sizeof label, "Scenario %s", it->run->name);
            }
            h_fmt(&h, "<li><a href=\"#%s\">", id);
            h_text(&h, label);
            h_raw(&h, "</a></li>\n");
        }
    h_raw(&h, "</ol>\n</nav>\n");
    if (n_runs > 0) {
        h_raw(&h, "<h2 id=\"index\">Scenarios in this report</h2>\n<table><tr><th>scenario</th>"
                  "<th>description</th><th>policy</th><th>left in</th><th>median exit of those "
                  "that left</th>"
                  "</tr>\n");
        for (size_t i = 0; i < n; i++) {
            const dd_run *r = items[i].run;
            if (r == NULL)
                continue;
            char id[128];
            anchor(id, sizeof id, "run", r->name);
            h_fmt(&h, "<tr><td><a href=\"#%s\">", id);
            h_text(&h, r->name);
            h_raw(&h, "</a></td><td>");
            h_text(&h, r->input.description != NULL ? r->input.description : "");
            h_raw(&h, "</td><td>");
            h_text(&h, dd_policy_get(r->input.policy.kind)->name);
            h_fmt(&h, "</td><td class=\"n\">%s</td><td class=\"n\">%s</td></tr>\n",
                  pct(r->exited_share).s, month(r->exit_p50).s);
        }
        h_raw(&h, "</table>\n");
    }
    h_raw(&h,
          "<section id=\"how\">\n<h2>How to read this report</h2>\n<p>Each scenario was run "
          "many times (replications) with different random draws. Tables give means with 95% "
          "confidence intervals: ranges built so that 95 times in 100 they hold the mean that "
          "unlimited replications would give. Comparisons of runs that share a seed are "
          "paired: replication <i>i</i> of each scenario met the same luck, so their difference "
          "shows the effect of the scenario itself. \"Worse in 87%\" means the scenario did worse "
          "than the baseline in 87% of those pairs. When an interval includes zero, the runs "
          "cannot tell the two apart; more replications may narrow it, or the difference may be "
          "nil.</p>\n<p>The paragraphs under each argument are written by the program from the "
          "numbers above them; they do not take a side, and the model's assumptions (see "
          "<code>engine/MODEL.md</code> and <code>analysis/README.md</code>) bound what they "
          "can show. Fan charts show the median and the bands within which 50% and 90% of "
          "replications fell.</p>\n</section>\n");

    /* A write that failed in the head is reported after the loops, with the others. */
    int rc = 0;
    for (int pass = 0; pass < 2 && rc == 0 && !h.failed; pass++)
        for (size_t i = 0; i < n && rc == 0; i++) {
            if (pass == 0 && items[i].cmp != NULL)
                rc = write_comparison(&h, &items[i], err);
            else if (pass == 1 && items[i].run != NULL)
                rc = write_run(&h, &items[i], err);
        }
    h_raw(&h, "</body>\n</html>\n");
    if (rc == 0 && h.failed)
        rc = dd_error_set(err, DD_EIO, NULL, 0, "cannot write report.html: %s", strerror(errno));
    return rc;
}

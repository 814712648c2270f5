/*
 * dd_calib: calibration bands T1-T7 (see dd_calib.h and engine/MODEL.md,
 * "Calibration"). The observed values are read from the CSV files, never
 * typed in here; only the band rules (which years, how wide, how many must
 * hold) are written in this file, as the FACTS sheet states them.
 */
#include "dd_calib.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dd_metrics.h"
#include "dd_month.h"
#include "dd_table.h"

#define FIRST_YEAR 2012
#define N_YEARS 12 /* 2012..2023 */
#define MAX_REGIONS 16 /* regions of the ACLED file */

struct dd_observed {
    double fatalities[N_YEARS];  /* ACLED, national */
    double events[N_YEARS];
    double centre[N_YEARS];      /* ACLED fatalities in Mopti + Segou */
    /* ACLED fatalities by region (names as in the file), for the regional check T5r. */
    char region[MAX_REGIONS][24];
    double region_fatalities[MAX_REGIONS][N_YEARS];
    int n_regions;
    double pk[N_YEARS];          /* UN DPO malicious-act deaths */
    double pk_total;             /* 2013-07 .. 2023-12 */
    double civilians[N_YEARS];   /* ACLED VAC 2017-2020, MINUSMA HRD 2021-2022 */
    int idp_month[32];
    double idp[32];
    int n_idp;
};

static int year_index(int year)
{
    return (year >= FIRST_YEAR && year < FIRST_YEAR + N_YEARS) ? year - FIRST_YEAR : -1;
}

/*
 * Read one observed series with the project's strict CSV reader; the header
 * must begin with `names`. Errors name the file and line.
 */
static int load_table(const char *folder, const char *file, const char *const *names, size_t n,
                      dd_table *t, dd_error *err)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", folder, file);
    int rc = dd_table_load(path, t, err);
    if (rc == DD_OK)
        rc = dd_table_expect_header(t, names, n, 0, err);
    return rc;
}

/* A month field ("YYYY-MM"); DD_ECONFIG naming the file and line otherwise. */
static int month_cell(const dd_table *t, size_t row, size_t col, int *out, dd_error *err)
{
    if (dd_month_parse(dd_table_cell(t, row, col), out) != 0)
        return dd_error_set(err, DD_ECONFIG, t->path, t->line[row], "expected a month YYYY-MM");
    return DD_OK;
}

int dd_observed_load(dd_observed **out, const char *folder, dd_error *err)
{
    *out = NULL;
    dd_observed *o = calloc(1, sizeof *o);
    if (o == NULL)
        return dd_error_set(err, DD_ENOMEM, NULL, 0, "out of memory");
    dd_table t;
    memset(&t, 0, sizeof t);
    int rc, month;
    double a, b;

    static const char *const acled[] = {"month", "region", "events", "fatalities"};
    rc = load_table(folder, "acled_mali_region_month.csv", acled, 4, &t, err);
    for (size_t r = 0; rc == DD_OK && r < t.n_rows; r++) {
        if ((rc = month_cell(&t, r, 0, &month, err)) != DD_OK ||
            (rc = dd_table_number(&t, r, 2, &a, err)) != DD_OK ||
            (rc = dd_table_number(&t, r, 3, &b, err)) != DD_OK)
            break;
        int y = year_index(month / 12);
        if (y < 0)
            continue;
        const char *region = dd_table_cell(&t, r, 1);
        o->events[y] += a;
        o->fatalities[y] += b;
        if (strcmp(region, "Mopti") == 0 || strcmp(region, "Segou") == 0)
            o->centre[y] += b;
        int k = 0;
        while (k < o->n_regions && strcmp(o->region[k], region) != 0)
            k++;
        if (k == o->n_regions) {
            if (k == MAX_REGIONS || strlen(region) >= sizeof o->region[k]) {
                rc = dd_error_set(err, DD_ECONFIG, t.path, t.line[r],
                                  "too many regions, or a region name too long");
                break;
            }
            snprintf(o->region[k], sizeof o->region[k], "%s", region);
            o->n_regions++;
        }
        o->region_fatalities[k][y] += b;
    }
    dd_table_free(&t);

    static const char *const minusma[] = {"month", "all_causes", "malicious_act"};
    if (rc == DD_OK)
        rc = load_table(folder, "minusma_fatalities_month.csv", minusma, 3, &t, err);
    for (size_t r = 0; rc == DD_OK && r < t.n_rows; r++) {
        if ((rc = month_cell(&t, r, 0, &month, err)) != DD_OK ||
            (rc = dd_table_number(&t, r, 2, &a, err)) != DD_OK)
            break;
        int y = year_index(month / 12);
        if (y >= 0)
            o->pk[y] += a;
        o->pk_total += a;
    }
    dd_table_free(&t);

    static const char *const civilians[] = {"year", "civilians_killed"};
    if (rc == DD_OK)
        rc = load_table(folder, "civilian_fatalities_mali_year.csv", civilians, 2, &t, err);
    for (size_t r = 0; rc == DD_OK && r < t.n_rows; r++) {
        if ((rc = dd_table_number(&t, r, 0, &a, err)) != DD_OK ||
            (rc = dd_table_number(&t, r, 1, &b, err)) != DD_OK)
            break;
        if (year_index((int)a) < 0) {
            rc = dd_error_set(err, DD_ECONFIG, t.path, t.line[r], "year outside 2012-2023");
            break;
        }
        o->civilians[year_index((int)a)] = b;
    }
    dd_table_free(&t);

    static const char *const idp[] = {"date", "idps"};
    if (rc == DD_OK)
        rc = load_table(folder, "idp_mali.csv", idp, 2, &t, err);
    for (size_t r = 0; rc == DD_OK && r < t.n_rows; r++) {
        if ((rc = month_cell(&t, r, 0, &month, err)) != DD_OK ||
            (rc = dd_table_number(&t, r, 1, &a, err)) != DD_OK)
            break;
        if (o->n_idp >= (int)(sizeof o->idp / sizeof o->idp[0])) {
            rc = dd_error_set(err, DD_ECONFIG, t.path, t.line[r], "too many observations");
            break;
        }
        o->idp_month[o->n_idp] = month;
        o->idp[o->n_idp++] = a;
    }
    dd_table_free(&t);

    if (rc != DD_OK) {
        free(o);
        return rc;
    }
    *out = o;
    return DD_OK;
}

void dd_observed_free(dd_observed *o)
{
    free(o);
}

/* Sum of the monthly means of a metric at a place over the months of [first, last]. */
static double sim_sum(const dd_input *in, const dd_results *res, dd_metric metric, size_t place,
                      int first, int last)
{
    double sum = 0.0;
    for (int m = first; m <= last; m++) {
        int t = m - in->start_month;
        if (t < 0 || t >= in->months)
            continue;
        const dd_acc *a = dd_grid_cell(res->grid, t, place, (size_t)metric);
        if (a != NULL)
            sum += dd_acc_mean(a);
    }
    return sum;
}

static double year_sum(const dd_input *in, const dd_results *res, dd_metric metric, size_t place,
                       int year)
{
    return sim_sum(in, res, metric, place, year * 12, year * 12 + 11);
}

static void add_row(dd_calib_table *t, const char *target, const char *label, double obs,
                    double sim, double low, double high)
{
    if (t->n_rows >= DD_CALIB_MAX_ROWS)
        return;
    dd_calib_row *r = &t->row[t->n_rows++];
    snprintf(r->target, sizeof r->target, "%s", target);
    snprintf(r->label, sizeof r->label, "%s", label);
    r->observed = obs;
    r->simulated = sim;
    r->low = low;
    r->high = high;
    r->inside = sim >= low && sim <= high;
}

static void close_band(dd_calib_table *t, const char *target, const char *rule, int needed)
{
    if (t->n_bands >= (int)(sizeof t->band / sizeof t->band[0]))
        return;
    dd_calib_band *b = &t->band[t->n_bands++];
    snprintf(b->target, sizeof b->target, "%s", target);
    b->rule = rule;
    b->rows = b->inside = 0;
    for (int i = 0; i < t->n_rows; i++) {
        if (strcmp(t->row[i].target, target) != 0)
            continue;
        b->rows++;
        b->inside += t->row[i].inside;
    }
    b->needed = needed < 0 ? b->rows : needed;
    b->pass = b->inside >= b->needed;
}

/* Does this band belong to the FACTS sheet (not one of the project's own checks)? */
static int facts_band(const char *target)
{
    return strcmp(target, "T5r") != 0 && strcmp(target, "T7x") != 0;
}

static int by_distance_desc(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x < y) - (x > y);
}

double dd_calib_band_penalty(const dd_calib_table *t)
{
    double sum = 0.0;
    for (int i = 0; i < t->n_bands; i++) {
        const dd_calib_band *b = &t->band[i];
        if (!facts_band(b->target))
            continue;
        double d[DD_CALIB_MAX_ROWS];
        int n = 0;
        for (int k = 0; k < t->n_rows; k++) {
            const dd_calib_row *r = &t->row[k];
            if (strcmp(r->target, b->target) != 0)
                continue;
            /* Aim 4% inside each edge, so that a fit does not stop on the edge itself; an
               open band (T6's lower bounds) has no upper edge to keep away from. */
            double low = r->low + 0.04 * fabs(r->low);
            double high = isinf(r->high) ? r->high : r->high - 0.04 * fabs(r->high);
            double aim = r->simulated < low ? low : (r->simulated > high ? high : r->simulated);
            d[n++] = fabs(r->simulated - aim) / fmax(fabs(aim), 0.05);
        }
        qsort(d, (size_t)n, sizeof d[0], by_distance_desc);
        for (int k = b->rows - b->needed; k < n; k++)
            sum += d[k] * d[k];
    }
    return sum;
}

static double sq_log(double sim, double obs)
{
    double d = log((sim + 1.0) / (obs + 1.0));
    return d * d;
}

/*
 * Rows of national displaced persons at the observation months `months`
 * (each must be in the IOM series), within 35%; their squared log ratios are
 * added to *loss unless it is NULL. Returns 0 or DD_ERANGE.
 */
static int displaced_rows(const dd_observed *obs, const dd_input *in, const dd_results *res,
                          dd_calib_table *t, const char *target, const char *const *months,
                          size_t n, double *loss, dd_error *err)
{
    char label[48];
    for (size_t k = 0; k < n; k++) {
        int month;
        dd_month_parse(months[k], &month);
        double o = -1.0;
        for (int i = 0; i < obs->n_idp; i++)
            if (obs->idp_month[i] == month)
                o = obs->idp[i];
        if (o < 0.0)
            return dd_error_set(err, DD_ERANGE, NULL, 0, "no IDP observation for %s", months[k]);
        double s = sim_sum(in, res, DD_M_DISPLACED, in->n_regions, month, month);
        snprintf(label, sizeof label, "displaced %s", months[k]);
        add_row(t, target, label, o, s, 0.65 * o, 1.35 * o);
        if (loss != NULL)
            *loss += sq_log(s, o);
    }
    return DD_OK;
}

int dd_calib_compare(const dd_observed *obs, const dd_input *in, const dd_results *res,
                     dd_calib_table *t, dd_error *err)
{
    memset(t, 0, sizeof *t);
    const size_t ALL = in->n_regions;
    long mopti = dd_input_region_index(in, "Mopti"), segou = dd_input_region_index(in, "Segou");
    int first, last;
    dd_month_parse("2013-07", &first);
    dd_month_parse("2023-12", &last);
    if (mopti < 0 || segou < 0)
        return dd_error_set(err, DD_ERANGE, NULL, 0, "the scenario has no Mopti and Segou regions");
    if (in->start_month > first || in->start_month + in->months - 1 < last)
        return dd_error_set(err, DD_ERANGE, NULL, 0, "the scenario must cover 2013-07 to 2023-12");
    char label[48];
    double loss = 0.0;

    /* T1: cumulative peacekeeper deaths from malicious acts, within 15%. */
    double pk_all = sim_sum(in, res, DD_M_PK_FATALITIES, ALL, first, last);
    add_row(t, "T1", "pk_fatalities 2013-07..2023-12", obs->pk_total, pk_all, 0.85 * obs->pk_total,
            1.15 * obs->pk_total);
    loss += 3.0 * sq_log(pk_all, obs->pk_total);
    close_band(t, "T1", "within 15% of the total", -1);

    /* T2: per year 2014-2022, within 50% or 6 deaths, whichever is wider; 7 of 9. */
    for (int y = 2014; y <= 2022; y++) {
        double o = obs->pk[year_index(y)], s = year_sum(in, res, DD_M_PK_FATALITIES, ALL, y);
        double w = fmax(0.5 * o, 6.0);
        snprintf(label, sizeof label, "pk_fatalities %d", y);
        add_row(t, "T2", label, o, s, o - w, o + w);
        loss += 0.5 * sq_log(s, o);
    }
    close_band(t, "T2", "each year within 50% or 6 deaths, in at least 7 of 9 years", 7);

    /* T3: fatalities per year within 35% in 7 of 9 years; total 2014-2022 within 15%. */
    double total_obs = 0.0, total_sim = 0.0;
    double fat_sim[2022 - 2014 + 1]; /* national deaths by year, for T5 too */
    for (int y = 2014; y <= 2022; y++) {
        double o = obs->fatalities[year_index(y)], s = year_sum(in, res, DD_M_FATALITIES, ALL, y);
        fat_sim[y - 2014] = s;
        total_obs += o;
        total_sim += s;
        snprintf(label, sizeof label, "fatalities %d", y);
        add_row(t, "T3", label, o, s, 0.65 * o, 1.35 * o);
        loss += sq_log(s, o);
    }
    close_band(t, "T3", "each year within 35% in at least 7 of 9 years", 7);
    add_row(t, "T3t", "fatalities 2014-2022", total_obs, total_sim, 0.85 * total_obs,
            1.15 * total_obs);
    loss += 3.0 * sq_log(total_sim, total_obs);
    close_band(t, "T3t", "2014-2022 total within 15%", -1);

    /* T4: events per year within 35% in 7 of 9 years. */
    for (int y = 2014; y <= 2022; y++) {
        double o = obs->events[year_index(y)], s = year_sum(in, res, DD_M_EVENTS, ALL, y);
        snprintf(label, sizeof label, "events %d", y);
        add_row(t, "T4", label, o, s, 0.65 * o, 1.35 * o);
        loss += sq_log(s, o);
    }
    close_band(t, "T4", "each year within 35% in at least 7 of 9 years", 7);

    /* T5: share of deaths in the centre: below 30% in 2014-2015, within 15 points after. */
    for (int y = 2014; y <= 2022; y++) {
        double o = obs->centre[year_index(y)] / fmax(obs->fatalities[year_index(y)], 1.0);
        double s = (year_sum(in, res, DD_M_FATALITIES, (size_t)mopti, y) +
                    year_sum(in, res, DD_M_FATALITIES, (size_t)segou, y)) /
                   fmax(fat_sim[y - 2014], 1e-9);
        snprintf(label, sizeof label, "centre share %d", y);
        if (y <= 2015)
            add_row(t, "T5", label, o, s, 0.0, 0.30);
        else
            add_row(t, "T5", label, o, s, o - 0.15, o + 0.15);
        loss += 10.0 * (s - o) * (s - o);
    }
    close_band(t, "T5", "below 30% in 2014-2015, within 15 points in 2016-2022", -1);

    /*
     * T5r, the project's own check (not a FACTS band): each region's share of
     * the deaths of 2014-2022, within 10 points. T5 calibrates only the
     * centre's share; this shows where inside the north and the centre the
     * model puts the violence. In the loss like T5 (squared differences of
     * shares, weight 10): it is what places the regions' starting conditions,
     * which no series measures (drawdown-calibrate fit REGION.FIELD).
     */
    const double all_sim = total_sim; /* the T3 total */
    double all_obs = 0.0;
    for (int k = 0; k < obs->n_regions; k++)
        for (int y = 2014; y <= 2022; y++)
            all_obs += obs->region_fatalities[k][year_index(y)];
    for (int k = 0; k < obs->n_regions; k++) {
        long r = dd_input_region_index(in, obs->region[k]);
        if (r < 0)
            return dd_error_set(err, DD_ERANGE, NULL, 0,
                                "the scenario has no region %s (observed series)", obs->region[k]);
        double o = 0.0, s = 0.0;
        for (int y = 2014; y <= 2022; y++) {
            o += obs->region_fatalities[k][year_index(y)];
            s += year_sum(in, res, DD_M_FATALITIES, (size_t)r, y);
        }
        o /= fmax(all_obs, 1.0);
        s /= fmax(all_sim, 1e-9);
        snprintf(label, sizeof label, "share of deaths, %s", obs->region[k]);
        add_row(t, "T5r", label, o, s, fmax(0.0, o - 0.10), o + 0.10);
        loss += 10.0 * (s - o) * (s - o);
    }
    close_band(t, "T5r", "each region's share of the deaths of 2014-2022 within 10 points (project check, not FACTS)", -1);

    /* T6: civilians 2017-2020 within 40%; 2021-2022 at least 0.8 x the documented count. */
    for (int y = 2017; y <= 2022; y++) {
        double o = obs->civilians[year_index(y)];
        double s = year_sum(in, res, DD_M_CIVILIAN_FATALITIES, ALL, y);
        snprintf(label, sizeof label, "civilian_fatalities %d", y);
        if (y <= 2020)
            add_row(t, "T6", label, o, s, 0.6 * o, 1.4 * o);
        else
            add_row(t, "T6", label, o, s, 0.8 * o, INFINITY);
        loss += y <= 2020 ? sq_log(s, o) : (s < o ? sq_log(s, o) : 0.0);
    }
    close_band(t, "T6", "2017-2020 within 40%; 2021-2022 at least 0.8 x documented", -1);

    /* T7: displaced at the seven observation months, within 35%, 5 of 7. */
    static const char *const t7_months[] = {"2013-10", "2014-12", "2015-11", "2019-12",
                                            "2021-07", "2022-08", "2022-12"};
    int rc = displaced_rows(obs, in, res, t, "T7", t7_months, 7, &loss, err);
    if (rc != DD_OK)
        return rc;
    close_band(t, "T7", "within 35% at at least 5 of 7 observations", 5);

    /*
     * T7x, the project's own check (not a FACTS band): the three IOM counts of
     * 2023, after the ACLED series ends, the only observations of the model's
     * years after 2022. Reported, not fitted (NULL loss): the fit tried it
     * (engine/MODEL.md, "Known limits"), and the model's one-stock growth
     * cannot follow both the rise to 2022 and the plateau of 2023.
     */
    static const char *const t7x_months[] = {"2023-04", "2023-09", "2023-12"};
    if ((rc = displaced_rows(obs, in, res, t, "T7x", t7x_months, 3, NULL, err)) != DD_OK)
        return rc;
    close_band(t, "T7x", "2023 (project check, not FACTS): within 35% at all 3", -1);
    t->loss = loss;
    t->band_penalty = dd_calib_band_penalty(t);
    return DD_OK;
}

static void fmt(char *buf, size_t size, double v)
{
    if (isinf(v))
        snprintf(buf, size, "-");
    else if (fabs(v) < 1.0)
        snprintf(buf, size, "%.2f", v);
    else
        snprintf(buf, size, "%.0f", v);
}

void dd_calib_print_markdown(FILE *f, const dd_calib_table *t)
{
    char a[32], b[32], c[32], d[32];
    fprintf(f, "| target | compared | observed | simulated | band | inside |\n");
    fprintf(f, "|---|---|---|---|---|---|\n");
    for (int i = 0; i < t->n_rows; i++) {
        const dd_calib_row *r = &t->row[i];
        fmt(a, sizeof a, r->observed);
        fmt(b, sizeof b, r->simulated);
        fmt(c, sizeof c, r->low);
        fmt(d, sizeof d, r->high);
        fprintf(f, "| %s | %s | %s | %s | %s to %s | %s |\n", r->target, r->label, a, b, c, d,
                r->inside ? "yes" : "**no**");
    }
    fprintf(f, "\n| band | rule | inside | needed | holds |\n|---|---|---|---|---|\n");
    for (int i = 0; i < t->n_bands; i++) {
        const dd_calib_band *bd = &t->band[i];
        fprintf(f, "| %s | %s | %d of %d | %d | %s |\n", bd->target, bd->rule, bd->inside, bd->rows,
                bd->needed, bd->pass ? "yes" : "**no**");
    }
}

void dd_calib_print_text(FILE *f, const dd_calib_table *t)
{
    char a[32], b[32];
    for (int i = 0; i < t->n_rows; i++) {
        const dd_calib_row *r = &t->row[i];
        fmt(a, sizeof a, r->observed);
        fmt(b, sizeof b, r->simulated);
        fprintf(f, "%-4s %-32s obs %10s sim %10s %s\n", r->target, r->label, a, b,
                r->inside ? "" : "OUT");
    }
    for (int i = 0; i < t->n_bands; i++)
        fprintf(f, "band %-4s %d/%d (need %d) %s\n", t->band[i].target, t->band[i].inside,
                t->band[i].rows, t->band[i].needed, t->band[i].pass ? "holds" : "FAILS");
    fprintf(f, "loss %.4f\n", t->loss);
    fprintf(f, "band penalty %.4f\n", t->band_penalty);
}

void dd_calib_print_fatalities_data(FILE *f, const dd_calib_table *t)
{
    fprintf(f, "# year observed_acled simulated_mean\n");
    for (int i = 0; i < t->n_rows; i++)
        if (strcmp(t->row[i].target, "T3") == 0)
            fprintf(f, "%s %.0f %.1f\n", t->row[i].label + strlen("fatalities "),
                    t->row[i].observed, t->row[i].simulated);
}

/*
 * dd_csv: monthly.csv, replications.csv and summary.csv (see dd_csv.h for
 * the columns). Every write is checked; the first failure is reported as
 * DD_EIO naming the file.
 */
#include "dd_csv.h"

#include <assert.h>
#include <errno.h>
#include <math.h>
#include <string.h>

#include "dd_metrics.h"
#include "dd_month.h"

/* Room for any "%.10g" number ("-1.234567891e-308" is 17 characters). */
#define NUM_MAX 32

/* Probabilities of the quantile columns of monthly.csv and summary.csv. */
static const double monthly_probs[] = {0.05, 0.25, 0.50, 0.75, 0.95};
static const double summary_probs[] = {0.05, 0.50, 0.95};

void dd_csv_number(char *buf, size_t size, double v)
{
    if (!isfinite(v))
        snprintf(buf, size, "NA");
    else
        snprintf(buf, size, "%.10g", v);
}

static int write_failed(dd_error *err, const char *file)
{
    int e = errno;
    return dd_error_set(err, DD_EIO, NULL, 0, "cannot write %s: %s", file,
                        e != 0 ? strerror(e) : "write error");
}

/* Write a string, or report which file failed. */
static int put(FILE *f, const char *s, const char *file, dd_error *err)
{
    errno = 0;
    if (fputs(s, f) == EOF)
        return write_failed(err, file);
    return 0;
}

/*
 * Write a text field. Scenario and region names are validated to letters,
 * digits, '_', '-' and '.', so this never quotes them; an input built in code
 * could hold a comma or a quote, and is quoted as RFC 4180 asks.
 */
static int put_field(FILE *f, const char *s, const char *file, dd_error *err)
{
    if (strpbrk(s, ",\"\r\n") == NULL)
        return put(f, s, file, err);
    errno = 0;
    if (fputc('"', f) == EOF)
        return write_failed(err, file);
    for (const char *p = s; *p != '\0'; p++) {
        if (*p == '"' && fputc('"', f) == EOF)
            return write_failed(err, file);
        if (fputc(*p, f) == EOF)
            return write_failed(err, file);
    }
    if (fputc('"', f) == EOF)
        return write_failed(err, file);
    return 0;
}

/* Write ",<number>". */
static int put_number(FILE *f, double v, const char *file, dd_error *err)
{
    char buf[NUM_MAX + 1];
    buf[0] = ',';
    dd_csv_number(buf + 1, sizeof buf - 1, v);
    return put(f, buf, file, err);
}

/* ------------------------------------------------------------ monthly.csv */

static int write_monthly_row(FILE *f, const char *scenario, const char *month, const char *region,
                             const char *metric, const dd_acc *a, dd_error *err)
{
    static const char file[] = "monthly.csv";
    int rc;
    if ((rc = put_field(f, scenario, file, err)) != 0 || (rc = put(f, ",", file, err)) != 0 ||
        (rc = put(f, month, file, err)) != 0 || (rc = put(f, ",", file, err)) != 0 ||
        (rc = put_field(f, region, file, err)) != 0 || (rc = put(f, ",", file, err)) != 0 ||
        (rc = put(f, metric, file, err)) != 0)
        return rc;
    if ((rc = put_number(f, dd_acc_mean(a), file, err)) != 0 ||
        (rc = put_number(f, dd_acc_sd(a), file, err)) != 0)
        return rc;
    for (size_t i = 0; i < sizeof monthly_probs / sizeof monthly_probs[0]; i++)
        if ((rc = put_number(f, dd_acc_quantile(a, monthly_probs[i]), file, err)) != 0)
            return rc;
    return put(f, "\n", file, err);
}

int dd_csv_write_monthly(FILE *f, const dd_input *in, const dd_grid *g, dd_error *err)
{
    /* The grid must be the one built for this input: one cell set per metric. */
    assert(dd_grid_rep_stride(g) == (size_t)in->months * (in->n_regions + 1) * DD_M_COUNT);

    int rc =
        put(f, "scenario,month,region,metric,mean,sd,p05,p25,p50,p75,p95\n", "monthly.csv", err);
    if (rc != 0)
        return rc;
    for (int t = 0; t < in->months; t++) {
        char month[DD_MONTH_STR];
        dd_month_format(in->start_month + t, month);
        for (size_t place = 0; place <= in->n_regions; place++) {
            const char *region = place < in->n_regions ? in->regions[place].name : "ALL";
            for (int m = 0; m < DD_M_COUNT; m++) {
                const dd_acc *a = dd_grid_cell(g, t, place, (size_t)m);
                if (a == NULL)
                    continue; /* regional slot of a national-only metric */
                rc = write_monthly_row(f, in->name, month, region,
                                       dd_metric_get((dd_metric)m)->name, a, err);
                if (rc != 0)
                    return rc;
            }
        }
    }
    return 0;
}

/* ------------------------------------------------------- replications.csv */

int dd_csv_write_replications_header(FILE *f, dd_error *err)
{
    static const char file[] = "replications.csv";
    int rc = put(f, "replication,exit_month,exit_reason", file, err);
    for (int m = 0; m < DD_O_COUNT && rc == 0; m++) {
        if ((rc = put(f, ",", file, err)) == 0)
            rc = put(f, dd_outcome_name((dd_outcome_measure)m), file, err);
    }
    return rc != 0 ? rc : put(f, "\n", file, err);
}

int dd_csv_write_replication(FILE *f, long replication, const dd_outcome *o, dd_error *err)
{
    static const char file[] = "replications.csv";
    char month[DD_MONTH_STR];
    if (o->exit_month >= 0)
        dd_month_format(o->exit_month, month);
    else
        snprintf(month, sizeof month, "NA");
    errno = 0;
    if (fprintf(f, "%ld,%s,%s", replication, month, dd_exit_reason_name(o->exit_reason)) < 0)
        return write_failed(err, file);
    for (int m = 0; m < DD_O_COUNT; m++) {
        int rc = put_number(f, dd_outcome_value(o, (dd_outcome_measure)m), file, err);
        if (rc != 0)
            return rc;
    }
    return put(f, "\n", file, err);
}

/* ------------------------------------------------------------ summary.csv */

static int write_summary_row(FILE *f, const char *scenario, const char *measure_prefix,
                             const char *measure, const dd_acc *a, dd_error *err)
{
    static const char file[] = "summary.csv";
    int rc;
    if ((rc = put_field(f, scenario, file, err)) != 0 || (rc = put(f, ",", file, err)) != 0 ||
        (rc = put(f, measure_prefix, file, err)) != 0 || (rc = put(f, measure, file, err)) != 0)
        return rc;
    errno = 0;
    if (fprintf(f, ",%ld", a->n) < 0)
        return write_failed(err, file);
    if ((rc = put_number(f, dd_acc_mean(a), file, err)) != 0 ||
        (rc = put_number(f, dd_acc_sd(a), file, err)) != 0)
        return rc;
    for (size_t i = 0; i < sizeof summary_probs / sizeof summary_probs[0]; i++)
        if ((rc = put_number(f, dd_acc_quantile(a, summary_probs[i]), file, err)) != 0)
            return rc;
    double low, high;
    dd_acc_ci95(a, &low, &high);
    if ((rc = put_number(f, low, file, err)) != 0 || (rc = put_number(f, high, file, err)) != 0)
        return rc;
    return put(f, "\n", file, err);
}

int dd_csv_write_summary(FILE *f, const dd_input *in, const dd_summary *s, dd_error *err)
{
    int rc = put(f, "scenario,measure,n,mean,sd,p05,p50,p95,ci_low,ci_high\n", "summary.csv", err);
    for (int m = 0; m < DD_O_COUNT && rc == 0; m++)
        rc = write_summary_row(f, in->name, "", dd_outcome_name((dd_outcome_measure)m),
                               &s->measure[m], err);
    if (rc == 0)
        rc = write_summary_row(f, in->name, "", "exit_months_from_start", &s->exit_months, err);
    for (int r = 0; r < DD_EXIT_COUNT && rc == 0; r++)
        rc = write_summary_row(f, in->name, "exit_reason_", dd_exit_reason_name((dd_exit_reason)r),
                               &s->exit_reason[r], err);
    return rc;
}

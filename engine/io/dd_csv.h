/*
 * dd_csv: the CSV files of a run (a stable public interface).
 *
 *   monthly.csv      scenario,month,region,metric,mean,sd,p05,p25,p50,p75,p95
 *   replications.csv replication,exit_month,exit_reason,civilian_fatalities,
 *                    fatalities,pk_fatalities,troop_months,cost_usd,vacuum_index,
 *                    relapse,peak_displaced,final_state_authority
 *   summary.csv      scenario,measure,n,mean,sd,p05,p50,p95,ci_low,ci_high
 *
 * Numbers are printed with "%.10g" (the same bytes on every machine with the
 * same C library); a missing value is NA. Month is YYYY-MM; region ALL is the
 * whole country. Rows of monthly.csv are ordered by month, then region (in
 * scenario order, ALL last), then metric (dd_metric order).
 */
#ifndef DD_CSV_H
#define DD_CSV_H

#include <stddef.h>
#include <stdio.h>

#include "dd_error.h"
#include "dd_input.h"
#include "dd_runner.h"

/* Format a number as the CSV files do ("NA" for NaN or infinity). */
void dd_csv_number(char *buf, size_t size, double v);

/* Write monthly.csv (header and rows). Returns 0 or DD_EIO. */
int dd_csv_write_monthly(FILE *f, const dd_input *in, const dd_grid *g, dd_error *err);

/* Write the header of replications.csv. */
int dd_csv_write_replications_header(FILE *f, dd_error *err);

/* Write one row of replications.csv; exit_month is NA when there was no exit. */
int dd_csv_write_replication(FILE *f, long replication, const dd_outcome *o, dd_error *err);

/*
 * Write summary.csv: one row per dd_outcome_measure (named as its column in
 * replications.csv), then exit_months_from_start (replications that exited),
 * then exit_reason_<reason> (the share of replications with that reason).
 */
int dd_csv_write_summary(FILE *f, const dd_input *in, const dd_summary *s, dd_error *err);

#endif

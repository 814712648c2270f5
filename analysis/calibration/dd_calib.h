/*
 * dd_calib: the historical Mali scenario against the observed series.
 *
 * Implements the calibration bands T1-T7 of the project's FACTS sheet. Each
 * compares a yearly sum (or a month's value) of the national or regional
 * monthly mean of a model output with an observed series read from
 * scenarios/mali/observed/. Troop levels, partners and dated shocks are
 * inputs; only model parameters are fitted.
 */
#ifndef DD_CALIB_H
#define DD_CALIB_H

#include <stdio.h>

#include "dd_error.h"
#include "dd_input.h"
#include "dd_runner.h"

#define DD_CALIB_MAX_ROWS 64

/* One compared value: a year's sum, a cumulative count, a share or a month's stock. */
typedef struct dd_calib_row {
    char target[4];      /* "T1".."T7"; "T5r" and "T7x" (the project's own checks) */
    char label[48];      /* what is compared, e.g. "fatalities 2018" */
    double observed;
    double simulated;
    double low, high;    /* the band the simulated value must fall in */
    int inside;          /* 1 when low <= simulated <= high */
} dd_calib_row;

/* One band: how many of its rows must be inside, and whether that holds. */
typedef struct dd_calib_band {
    char target[4];
    const char *rule;    /* the band's rule in words */
    int rows, inside, needed;
    int pass;
} dd_calib_band;

typedef struct dd_calib_table {
    dd_calib_row row[DD_CALIB_MAX_ROWS];
    int n_rows;
    dd_calib_band band[10];
    int n_bands;
    double loss;         /* fit objective: sum of squared log ratios, weighted */
    /* How far the FACTS bands (T1-T7) are from holding: for each row outside its band, the
       squared relative distance to a point 4% inside the band's edge, leaving out the rows
       farthest out that a band may miss (a band of 7 of 9 years lets the two worst go).
       Zero when every band holds with that margin. drawdown-calibrate fit --band-penalty W
       adds W times it to the loss. */
    double band_penalty;
} dd_calib_table;

/* The observed series (read once). */
typedef struct dd_observed dd_observed;

/*
 * Read the observed series from `folder` (scenarios/mali/observed). Returns 0,
 * DD_ECONFIG (a file is missing or damaged: file:line in err) or DD_ENOMEM.
 */
int dd_observed_load(dd_observed **out, const char *folder, dd_error *err);
void dd_observed_free(dd_observed *o);

/*
 * Compare a run of the historical scenario (its input and results) with the
 * observed series. The input must name the regions Mopti and Segou and cover
 * 2013-07 to 2023-12. Returns 0 or DD_ERANGE with a message.
 */
int dd_calib_compare(const dd_observed *obs, const dd_input *in, const dd_results *res,
                     dd_calib_table *table, dd_error *err);

/*
 * dd_calib_table.band_penalty of a table whose rows and bands are filled (dd_calib_compare
 * sets it already; exposed for tests and for tables built in code).
 */
double dd_calib_band_penalty(const dd_calib_table *t);

/* Print the table as Markdown (rows, then bands). */
void dd_calib_print_markdown(FILE *f, const dd_calib_table *t);

/* Print a short plain-text table. */
void dd_calib_print_text(FILE *f, const dd_calib_table *t);

/* Write "year observed simulated" of yearly fatalities (T3) for a chart. */
void dd_calib_print_fatalities_data(FILE *f, const dd_calib_table *t);

#endif

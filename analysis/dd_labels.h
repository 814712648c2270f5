/*
 * dd_labels: the words for the names in our files.
 *
 * Charts and the report show metrics (monthly.csv) and measures
 * (replications.csv, compare.csv) to people, with units. The names come
 * from the files; this module only knows how to say the ones the model
 * writes today. A name it does not know gets NULL, and callers fall back to
 * the name itself, so a metric added to the model still shows up, plainly.
 */
#ifndef DD_LABELS_H
#define DD_LABELS_H

typedef struct dd_metric_label {
    const char *name;  /* as in monthly.csv */
    const char *title; /* "Armed-group control" */
    const char *axis;  /* axis label with unit */
    const char *unit;  /* the unit alone, for small panels */
    int share;         /* 1: a share in [0, 1] */
} dd_metric_label;

/* Label of a monthly metric, or NULL when this module does not know it. */
const dd_metric_label *dd_labels_metric(const char *name);

typedef struct dd_measure_label {
    const char *name; /* as in replications.csv / compare.csv */
    const char *noun; /* "civilian deaths over the horizon" */
    const char *unit; /* "deaths", "share points", ...; "" for indicators */
    const char
        *more; /* what a scenario did when its value was higher: "cost more civilian lives" */
    const char *less; /* ... when lower */
    int binary;       /* 1: a 0/1 indicator, shown as a percentage of replications */
} dd_measure_label;

/* Label of a per-replication measure, or NULL when this module does not know it. */
const dd_measure_label *dd_labels_measure(const char *name);

#endif

/*
 * dd_stats: streaming statistics whose memory does not grow with the number
 * of replications, and whose results do not depend on the thread count.
 *
 * One accumulator (dd_acc) summarises one quantity over replications: count,
 * shifted sums for mean and variance, exact minimum and maximum, and a sparse
 * histogram for quantiles. Values must be added in replication order; the
 * runner guarantees that (it merges each block of replications in order), so
 * the floating-point sums, and therefore the printed bytes, are the same for
 * any thread count. Histogram counts are integers and order-free.
 *
 * Binning (see engine/MODEL.md, "Accuracy of quantiles"):
 *   DD_BIN_SHARE: linear bins of width 1e-3 over real values of magnitude
 *                 below 2e6 (shares, differences of shares). A quantile is
 *                 off by at most one bin (1e-3, a tenth of a percentage point).
 *   DD_BIN_COUNT: for values >= 0. Below 64 units, bins of width one unit
 *                 whose quantile is the bin's lower edge, so quantiles of
 *                 whole numbers (counts, 0/1 indicators) are exact, and other
 *                 values there are reported low by less than one unit; from
 *                 64 up, 64 bins per octave, so a quantile is off by at
 *                 most 1/64 of its value (1.6%).
 * Quantile p is the ceil(p n)-th smallest value (p = 0: the minimum), and
 * "off by" is measured from it. Above the unit bins, quantiles interpolate
 * linearly inside the bin that holds them (the part of it within the exact
 * [min, max]); all are clamped to [min, max], so a quantity that is constant
 * over replications has exact quantiles.
 *
 * The histogram keeps only the window of bins between the smallest and the
 * largest value seen; it grows (by realloc) when a value falls outside. This
 * happens outside the model's monthly loop, in the merge step.
 */
#ifndef DD_STATS_H
#define DD_STATS_H

#include <stddef.h>
#include <stdint.h>

typedef enum {
    DD_BIN_SHARE = 0,
    DD_BIN_COUNT = 1
} dd_binning;

typedef struct dd_acc {
    long n;          /* values added */
    double shift;    /* first value added; sums are of (x - shift) for stability */
    double sum;      /* sum of (x - shift) */
    double sumsq;    /* sum of (x - shift)^2 */
    double min, max; /* exact extremes (undefined while n == 0) */
    int32_t lo;      /* bin index of bins[0] */
    uint32_t len;    /* number of bins held */
    uint32_t *bins;  /* counts; owned */
    uint8_t binning; /* a dd_binning */
} dd_acc;

/* Initialise an empty accumulator. Does not allocate. */
void dd_acc_init(dd_acc *a, dd_binning binning);

/* Release the histogram and make the accumulator empty again. */
void dd_acc_free(dd_acc *a);

/*
 * Add one value. Returns 0, or DD_ENOMEM when the histogram could not grow
 * (the accumulator is then unchanged). A NaN or infinite value, a negative
 * value under DD_BIN_COUNT, or one of magnitude 2e6 or more under
 * DD_BIN_SHARE, is a programming error (asserted).
 */
int dd_acc_add(dd_acc *a, double x);

/* Mean (NaN when n == 0). */
double dd_acc_mean(const dd_acc *a);

/* Sample standard deviation with n - 1 in the denominator (0 when n < 2). */
double dd_acc_sd(const dd_acc *a);

/* Quantile p in [0, 1] as described above (NaN when n == 0). */
double dd_acc_quantile(const dd_acc *a, double p);

/*
 * 95% confidence interval of the mean, mean -/+ t(0.975, n-1) * sd / sqrt(n)
 * (Student t from GSL). Both bounds are NaN when n < 2.
 */
void dd_acc_ci95(const dd_acc *a, double *low, double *high);

/* Bin index of a value under a binning (exposed for tests). */
int32_t dd_stats_bin_index(dd_binning binning, double x);
/* Lower and upper edge of a bin (exposed for tests). */
void dd_stats_bin_edges(dd_binning binning, int32_t index, double *lo, double *hi);

/*
 * A grid of accumulators, one per (month, place, metric) cell of monthly.csv,
 * where place is a region 0..n_regions-1 or n_regions for the whole country.
 * Cells of national-only metrics exist only for the whole country.
 */
typedef struct dd_grid dd_grid;

/*
 * Allocate an empty grid. Returns 0, DD_ENOMEM (with *out NULL).
 * `bins[m]` gives the binning of metric m; `national_only[m]` is 1 for
 * metrics that have no regional value.
 */
int dd_grid_alloc(dd_grid **out, int months, size_t n_regions, size_t n_metrics,
                  const dd_binning *bins, const int *national_only);

/* Free a grid; NULL is a no-op. */
void dd_grid_free(dd_grid *g);

/*
 * Add a block of replications. `block` holds n_reps consecutive replications,
 * each laid out as [month][place 0..n_regions][metric] doubles (national-only
 * metrics' regional slots are ignored). Replications are added in the order
 * they appear; cells are processed in parallel with `threads` OpenMP threads
 * (each cell by one thread), so the result does not depend on `threads`.
 * Returns 0 or DD_ENOMEM.
 */
int dd_grid_add_block(dd_grid *g, const double *block, size_t n_reps, int threads);

/*
 * The same merge in pieces, for a caller that schedules the work itself (the
 * runner overlaps it with running the next block). A block's merge is split
 * into dd_grid_units(g) units that share no cell; dd_grid_add_unit merges
 * unit `unit` (0 <= unit < dd_grid_units(g)) of a block of n_reps
 * replications laid out as for dd_grid_add_block. Calls for distinct units
 * of the same block may run concurrently on different threads, in any
 * order; the block is merged once every unit has been added exactly once,
 * and the result is then the same as dd_grid_add_block's. Returns 0 or
 * DD_ENOMEM (then, as above, the grid is only good for dd_grid_free).
 */
size_t dd_grid_units(const dd_grid *g);
int dd_grid_add_unit(dd_grid *g, const double *block, size_t n_reps, size_t unit);

/* Accumulator of a cell; NULL for a regional slot of a national-only metric. */
const dd_acc *dd_grid_cell(const dd_grid *g, int month, size_t place, size_t metric);

/* Doubles per replication in a block: months * (n_regions + 1) * n_metrics. */
size_t dd_grid_rep_stride(const dd_grid *g);

#endif

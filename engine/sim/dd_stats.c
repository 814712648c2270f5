/*
 * dd_stats: streaming accumulators (count, shifted sums, exact extremes and a
 * sparse histogram window for quantiles) and the grid of accumulators behind
 * monthly.csv. See dd_stats.h for the contract and the accuracy of quantiles.
 */
#include "dd_stats.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>

#include "dd_error.h"

#ifdef _OPENMP
#include <omp.h>
#endif

/*
 * DD_BIN_SHARE bins are 1e-3 wide. The index is computed as floor(x * 1e3):
 * 1000 is exact in binary, so one correctly rounded multiplication replaces
 * a division by the inexact constant 1e-3 (the two can only disagree for a
 * value within one rounding of a bin edge). dd_stats_bin_edges returns the
 * edges of exactly this rule, so index and edges never disagree.
 */
/* 1e-3 rather than 1e-4: with a thousand bins per unit the share histograms of
   700 regions fit in cache, and 0.1 percentage point is finer than anything a
   share is read to (tests/bench, region_scaling). */
#define SHARE_SCALE 1e3

/* DD_BIN_COUNT: unit bins below 2^6, then 2^6 bins per octave. */
#define COUNT_LINEAR 64
#define COUNT_OCTAVE_SHIFT 6

/*
 * Largest histogram window, in bins (256 MiB of counts). Only a gross misuse
 * reaches it (a DD_BIN_SHARE quantity spread over thousands of units); it
 * is reported as DD_ENOMEM instead of attempting a huge allocation.
 */
#define MAX_WINDOW_BINS ((int64_t)1 << 26)

/* Smallest window ever allocated, and the least slack added when growing. */
#define MIN_SLACK_BINS 8

/* ---------------------------------------------------------------- binning */

static inline int32_t share_index(double x)
{
    double y = x * SHARE_SCALE;
    /* Saturate instead of converting an out-of-range double (undefined). */
    if (!(y >= -2147483648.0))
        return INT32_MIN;
    if (y >= 2147483647.0)
        return INT32_MAX;
    /* floor without a libm call: truncate, then step down for negatives. */
    int64_t t = (int64_t)y;
    if ((double)t > y)
        t--;
    return (int32_t)t;
}

static inline int32_t count_index(double x)
{
    if (!(x >= 0.0))
        return 0; /* negative or NaN: asserted by the caller */
    if (x < (double)COUNT_LINEAR)
        return (int32_t)x; /* truncation is floor for x >= 0 */
    /*
     * x >= 64 is a normal double, so its bits give frexp's answer directly:
     * the unbiased exponent is e = floor(log2 x) and the top six stored
     * fraction bits are floor((m - 1) * 64) for the significand m in [1, 2).
     */
    uint64_t bits;
    memcpy(&bits, &x, sizeof bits);
    int64_t e = (int64_t)((bits >> 52) & 0x7ff) - 1023;
    int64_t top = (int64_t)((bits >> (52 - COUNT_OCTAVE_SHIFT)) & (COUNT_LINEAR - 1));
    return (int32_t)(COUNT_LINEAR + (e - COUNT_OCTAVE_SHIFT) * COUNT_LINEAR + top);
}

static inline int32_t bin_index(dd_binning binning, double x)
{
    return binning == DD_BIN_COUNT ? count_index(x) : share_index(x);
}

int32_t dd_stats_bin_index(dd_binning binning, double x)
{
    return bin_index(binning, x);
}

/*
 * Lower edge of a DD_BIN_SHARE bin: the smallest double whose index is >= k.
 * k / 1e3 is within an ulp or two of it; step to the exact edge so that
 * index(edge) == k and index(previous double) == k - 1. The two saturated
 * bins at the ends of the int32 range have no exact edge; they only hold
 * values far outside the range DD_BIN_SHARE is meant for.
 */
static double share_lower_edge(int64_t k)
{
    double e = (double)k / SHARE_SCALE;
    if (k <= INT32_MIN || k > INT32_MAX)
        return e;
    while (share_index(e) < k)
        e = nextafter(e, HUGE_VAL);
    for (;;) {
        double below = nextafter(e, -HUGE_VAL);
        if (share_index(below) < k)
            break;
        e = below;
    }
    return e;
}

/* Lower edge of a DD_BIN_COUNT bin; exact (every edge is representable). */
static double count_lower_edge(int64_t k)
{
    if (k <= 0)
        return 0.0;
    if (k <= COUNT_LINEAR)
        return (double)k;
    int64_t j = k - COUNT_LINEAR;
    int e = (int)(j / COUNT_LINEAR) + COUNT_OCTAVE_SHIFT;
    int64_t r = j % COUNT_LINEAR;
    return ldexp(1.0 + (double)r / COUNT_LINEAR, e);
}

static void bin_edges(dd_binning binning, int64_t k, double *lo, double *hi)
{
    if (binning == DD_BIN_COUNT) {
        *lo = count_lower_edge(k);
        *hi = count_lower_edge(k + 1);
    } else {
        *lo = share_lower_edge(k);
        *hi = share_lower_edge(k + 1);
    }
}

void dd_stats_bin_edges(dd_binning binning, int32_t index, double *lo, double *hi)
{
    bin_edges(binning, index, lo, hi);
}

/* ------------------------------------------------------------ accumulator */

void dd_acc_init(dd_acc *a, dd_binning binning)
{
    a->n = 0;
    a->shift = 0.0;
    a->sum = 0.0;
    a->sumsq = 0.0;
    a->min = 0.0;
    a->max = 0.0;
    a->lo = 0;
    a->len = 0;
    a->bins = NULL;
    a->binning = (uint8_t)binning;
}

void dd_acc_free(dd_acc *a)
{
    free(a->bins);
    dd_acc_init(a, (dd_binning)a->binning);
}

/*
 * Make the window cover bin k. The new window spans the old one and k, plus
 * slack on the side that grew: half the new span (at least MIN_SLACK_BINS),
 * so a spreading quantity needs only O(log spread) reallocations while the
 * window stays within about 1.5 times the spread of the values seen.
 */
static int grow_window(dd_acc *a, int32_t k)
{
    int64_t old_lo = a->lo;
    int64_t old_hi = old_lo + (int64_t)a->len;
    int64_t lo, hi;
    if (a->len == 0) {
        lo = (int64_t)k - MIN_SLACK_BINS / 2;
        hi = (int64_t)k + MIN_SLACK_BINS / 2;
    } else {
        lo = k < old_lo ? k : old_lo;
        hi = (int64_t)k + 1 > old_hi ? (int64_t)k + 1 : old_hi;
        int64_t slack = (hi - lo) / 2;
        if (slack < MIN_SLACK_BINS)
            slack = MIN_SLACK_BINS;
        if (k < old_lo)
            lo -= slack;
        else
            hi += slack;
    }
    /* Keep every bin index inside int32 (the saturated end bins included). */
    if (lo < INT32_MIN)
        lo = INT32_MIN;
    if (hi > (int64_t)INT32_MAX + 1)
        hi = (int64_t)INT32_MAX + 1;
    if (hi - lo > MAX_WINDOW_BINS)
        return DD_ENOMEM;

    size_t len = (size_t)(hi - lo);
    uint32_t *bins = realloc(a->bins, len * sizeof *bins);
    if (bins == NULL)
        return DD_ENOMEM; /* a->bins is still valid and unchanged */
    if (a->len > 0) {
        size_t at = (size_t)(old_lo - lo);
        memmove(bins + at, bins, (size_t)a->len * sizeof *bins);
        memset(bins, 0, at * sizeof *bins);
        size_t tail = at + a->len;
        memset(bins + tail, 0, (len - tail) * sizeof *bins);
    } else {
        memset(bins, 0, len * sizeof *bins);
    }
    a->bins = bins;
    a->lo = (int32_t)lo;
    a->len = (uint32_t)len;
    return 0;
}

/*
 * Count `count` values of bin k in a's histogram, growing the window when k
 * lies outside it (rare: always on the first value). Returns 0 or
 * DD_ENOMEM.
 */
static inline int hist_add(dd_acc *a, int32_t k, uint32_t count)
{
    int64_t off = (int64_t)k - (int64_t)a->lo;
    if ((uint64_t)off >= (uint64_t)a->len) {
        int rc = grow_window(a, k);
        if (rc != 0)
            return rc;
        off = (int64_t)k - (int64_t)a->lo;
    }
    a->bins[off] += count;
    return 0;
}

/* What every value added must be (assertions only). */
static inline void check_value(const dd_acc *a, double x)
{
    (void)a;
    (void)x;
    assert(isfinite(x));
    assert(a->binning != DD_BIN_COUNT || x >= 0.0);
    /* DD_BIN_SHARE indices are int32: |x| must stay well below 2^31 * 1e-3. */
    assert(a->binning != DD_BIN_SHARE || fabs(x) < 2e6);
}

int dd_acc_add(dd_acc *a, double x)
{
    check_value(a, x);
    int rc = hist_add(a, bin_index((dd_binning)a->binning, x), 1);
    if (rc != 0)
        return rc;

    if (a->n == 0) {
        a->shift = x;
        a->min = x;
        a->max = x;
    } else {
        if (x < a->min)
            a->min = x;
        if (x > a->max)
            a->max = x;
    }
    double d = x - a->shift;
    a->sum += d;
    a->sumsq += d * d;
    a->n++;
    return 0;
}

double dd_acc_mean(const dd_acc *a)
{
    if (a->n == 0)
        return NAN;
    return a->shift + a->sum / (double)a->n;
}

double dd_acc_sd(const dd_acc *a)
{
    if (a->n < 2)
        return 0.0;
    double n = (double)a->n;
    /* Shifted by the first value, so the cancellation here is mild. */
    double ss = a->sumsq - a->sum * a->sum / n;
    if (ss <= 0.0)
        return 0.0; /* constant data, or rounding just below zero */
    return sqrt(ss / (n - 1.0));
}

double dd_acc_quantile(const dd_acc *a, double p)
{
    if (a->n == 0 || isnan(p))
        return NAN;
    if (p <= 0.0)
        return a->min;
    if (p >= 1.0)
        return a->max;

    /*
     * The quantile is the ceil(p n)-th smallest value; it lies in the first
     * bin whose cumulative count reaches t = p n. Counts are summed as
     * integers, so scanning down from the top (cheaper for p > 1/2) finds
     * the same bin with the same cumulative count as scanning up.
     */
    double t = p * (double)a->n;
    uint64_t before = 0; /* values in bins below bin i */
    uint32_t i;
    if (p <= 0.5) {
        i = 0;
        while (i + 1 < a->len && (double)(before + a->bins[i]) < t) {
            before += a->bins[i];
            i++;
        }
    } else {
        uint64_t upto = (uint64_t)a->n; /* values in bins up to and including i */
        i = a->len - 1;
        while (i > 0 && (double)(upto - a->bins[i]) >= t) {
            upto -= a->bins[i];
            i--;
        }
        before = upto - a->bins[i];
    }

    int64_t k = (int64_t)a->lo + i;
    double lo, hi;
    bin_edges((dd_binning)a->binning, k, &lo, &hi);

    double q;
    if (a->binning == DD_BIN_COUNT && k < COUNT_LINEAR) {
        /*
         * Unit bins below 64 hold counts, and every count in [k, k+1) is the
         * whole number k, so the lower edge is the exact value; interpolating
         * would invent fractions (the median of {3, 3, 4} would not be 3). A
         * non-integer value here is reported low by less than one unit.
         */
        q = lo;
    } else {
        /*
         * Linear interpolation by the share of the bin's count still needed,
         * over the part of the bin the data can occupy: the bin holding the
         * minimum (or maximum) has no data below (above) it, so a quantity
         * spread over a small part of one bin keeps quantiles inside its
         * range rather than at a bin edge.
         */
        double frac = (t - (double)before) / (double)a->bins[i];
        double from = lo > a->min ? lo : a->min;
        double to = hi < a->max ? hi : a->max;
        q = from + frac * (to - from);
    }
    if (q < a->min)
        q = a->min;
    if (q > a->max)
        q = a->max;
    return q;
}

void dd_acc_ci95(const dd_acc *a, double *low, double *high)
{
    if (a->n < 2) {
        *low = NAN;
        *high = NAN;
        return;
    }
    double mean = dd_acc_mean(a);
    double t = gsl_cdf_tdist_Pinv(0.975, (double)(a->n - 1));
    double half = t * dd_acc_sd(a) / sqrt((double)a->n);
    *low = mean - half;
    *high = mean + half;
}

/* ------------------------------------------------------------------- grid */

struct dd_grid {
    int months;
    size_t n_regions;
    size_t n_metrics;
    size_t month_stride; /* doubles per month in a replication: places * metrics */
    size_t cells_per_month;
    size_t n_cells;      /* months * cells_per_month */
    dd_acc *acc;         /* n_cells accumulators, month-major */
    size_t *cell_offset; /* cells_per_month offsets (place * n_metrics + metric) */
    long *cell_of;       /* month_stride entries: cell within a month, or -1 */
};

/* a * b, or 0 when it would overflow (callers treat 0 as failure). */
static size_t mul_size(size_t a, size_t b)
{
    if (a != 0 && b > (size_t)-1 / a)
        return 0;
    return a * b;
}

int dd_grid_alloc(dd_grid **out, int months, size_t n_regions, size_t n_metrics,
                  const dd_binning *bins, const int *national_only)
{
    *out = NULL;
    assert(months >= 1 && n_metrics >= 1);
    dd_grid *g = calloc(1, sizeof *g);
    if (g == NULL)
        return DD_ENOMEM;
    g->months = months;
    g->n_regions = n_regions;
    g->n_metrics = n_metrics;
    g->month_stride = mul_size(n_regions + 1, n_metrics);

    size_t per_month = 0;
    for (size_t m = 0; m < n_metrics; m++)
        per_month += national_only[m] ? 1 : n_regions + 1;
    g->cells_per_month = per_month;
    g->n_cells = mul_size((size_t)months, per_month);
    if (g->month_stride == 0 || g->n_cells == 0 || mul_size((size_t)months, g->month_stride) == 0)
        goto fail;

    g->acc = malloc(g->n_cells * sizeof *g->acc);
    g->cell_offset = malloc(per_month * sizeof *g->cell_offset);
    g->cell_of = malloc(g->month_stride * sizeof *g->cell_of);
    if (g->acc == NULL || g->cell_offset == NULL || g->cell_of == NULL)
        goto fail;

    /* Cells follow the block layout (place, then metric), skipping regional
       slots of national-only metrics, so a month's cells read memory in order. */
    size_t c = 0;
    for (size_t place = 0; place <= n_regions; place++) {
        for (size_t m = 0; m < n_metrics; m++) {
            size_t slot = place * n_metrics + m;
            if (national_only[m] && place < n_regions) {
                g->cell_of[slot] = -1;
                continue;
            }
            g->cell_of[slot] = (long)c;
            g->cell_offset[c] = slot;
            c++;
        }
    }
    assert(c == per_month);
    for (int mo = 0; mo < months; mo++)
        for (size_t j = 0; j < per_month; j++)
            dd_acc_init(&g->acc[(size_t)mo * per_month + j], bins[g->cell_offset[j] % n_metrics]);
    *out = g;
    return 0;

fail:
    free(g->acc);
    free(g->cell_offset);
    free(g->cell_of);
    free(g);
    return DD_ENOMEM;
}

void dd_grid_free(dd_grid *g)
{
    if (g == NULL)
        return;
    if (g->acc != NULL)
        for (size_t i = 0; i < g->n_cells; i++)
            free(g->acc[i].bins);
    free(g->acc);
    free(g->cell_offset);
    free(g->cell_of);
    free(g);
}

size_t dd_grid_rep_stride(const dd_grid *g)
{
    return (size_t)g->months * g->month_stride;
}

const dd_acc *dd_grid_cell(const dd_grid *g, int month, size_t place, size_t metric)
{
    if (month < 0 || month >= g->months || place > g->n_regions || metric >= g->n_metrics)
        return NULL;
    long c = g->cell_of[place * g->n_metrics + metric];
    if (c < 0)
        return NULL;
    return &g->acc[(size_t)month * g->cells_per_month + (size_t)c];
}

/* Slots of a month row merged together by one thread (see dd_grid_add_block). */
#define MERGE_CHUNK 256

/*
 * Count n values, `stride` doubles apart, in a's histogram, in order, as
 * dd_acc_add would: the window grows exactly as it would value by value (it
 * depends only on the order of the bins seen), and counts are integers.
 */
static int hist_add_column(dd_acc *a, const double *v, size_t n, size_t stride)
{
    const dd_binning binning = (dd_binning)a->binning;
    for (size_t r = 0; r < n; r++, v += stride) {
        check_value(a, *v);
        int rc = hist_add(a, bin_index(binning, *v), 1);
        if (rc != 0)
            return rc;
    }
    return 0;
}

#ifndef NDEBUG
/* For assertions: all n values, `stride` apart, equal x (so none is NaN). */
static int column_is(const double *v, size_t n, size_t stride, double x)
{
    for (size_t r = 0; r < n; r++, v += stride)
        if (!(*v == x))
            return 0;
    return 1;
}
#endif

/*
 * Merge replications [0, n_reps) of a block into the cells of one chunk of
 * one month row: slots [s0, s0 + n) of month `month`.
 *
 * Pass 1, replication by replication: the chunk's moments live in local
 * arrays, and each replication updates all of them in one loop over
 * consecutive doubles of the block, which the compiler turns into vector
 * instructions. Every lane is one cell, so each cell still adds its values
 * one at a time in replication order, with the same operations as
 * dd_acc_add (d = x - shift; sum += d; sumsq += d * d; min and max by strict
 * comparison), hence the same bits. Slots that are not cells (regional
 * slots of national-only metrics) are computed and dropped.
 * Pass 2, cell by cell: the histograms, over the chunk's values that pass 1
 * has just brought into cache, one histogram hot at a time. A cell whose
 * minimum still equals its maximum has had one value all along (a third of
 * the cells: troops, police, partners, consent, cost...); its block is
 * counted at once. Counting value by value costs a few nanoseconds, most of
 * it waiting for the histogram's memory (shares have windows of thousands
 * of bins), and is most of the merge's cost.
 * Returns 0 or DD_ENOMEM (a histogram could not grow).
 */
static int merge_chunk(dd_grid *g, const double *block, size_t n_reps, size_t month, size_t s0,
                       size_t n)
{
    double shift[MERGE_CHUNK], sum[MERGE_CHUNK], sumsq[MERGE_CHUNK], lo[MERGE_CHUNK],
        hi[MERGE_CHUNK];
    dd_acc *cell[MERGE_CHUNK];
    size_t cell_slot[MERGE_CHUNK];
    size_t n_cells = 0;
    const size_t rep_stride = dd_grid_rep_stride(g);
    const double *base = block + month * g->month_stride + s0;

    for (size_t j = 0; j < n; j++) {
        long c = g->cell_of[s0 + j];
        dd_acc *a = c >= 0 ? &g->acc[month * g->cells_per_month + (size_t)c] : NULL;
        if (a != NULL && a->n > 0) {
            shift[j] = a->shift;
            sum[j] = a->sum;
            sumsq[j] = a->sumsq;
            lo[j] = a->min;
            hi[j] = a->max;
        } else {
            /* First values: shift, min and max start at the first replication's value,
               and its own d = x - x is +0, as in dd_acc_add. */
            shift[j] = lo[j] = hi[j] = base[j];
            sum[j] = sumsq[j] = 0.0;
        }
        if (a != NULL) {
            cell[n_cells] = a;
            cell_slot[n_cells] = j;
            n_cells++;
        }
    }

    const double *x = base;
    for (size_t r = 0; r < n_reps; r++, x += rep_stride) {
        for (size_t j = 0; j < n; j++) {
            double v = x[j];
            double d = v - shift[j];
            sum[j] += d;
            sumsq[j] += d * d;
            lo[j] = v < lo[j] ? v : lo[j];
            hi[j] = v > hi[j] ? v : hi[j];
        }
    }

    for (size_t i = 0; i < n_cells; i++) {
        size_t j = cell_slot[i];
        int rc;
        if (lo[j] == hi[j]) {
            /* Every value so far is the same (possibly -0 and +0, which share a bin):
               so is every value of this block; count them at once. */
            assert(column_is(base + j, n_reps, rep_stride, lo[j]));
            assert(n_reps <= UINT32_MAX);
            int32_t k = bin_index((dd_binning)cell[i]->binning, lo[j]);
            rc = hist_add(cell[i], k, (uint32_t)n_reps);
        } else {
            rc = hist_add_column(cell[i], base + j, n_reps, rep_stride);
        }
        if (rc != 0)
            return rc;
    }

    for (size_t i = 0; i < n_cells; i++) {
        dd_acc *a = cell[i];
        size_t j = cell_slot[i];
        a->shift = shift[j];
        a->sum = sum[j];
        a->sumsq = sumsq[j];
        a->min = lo[j];
        a->max = hi[j];
        a->n += (long)n_reps;
    }
    return 0;
}

/*
 * Work is split into units of at most MERGE_CHUNK consecutive slots of one
 * month row; each unit is merged by one thread for the whole block (any
 * thread, any order: units share no cell), and inside a unit every cell takes
 * the block's replications in order. So each cell's sums see the same values
 * in the same order whatever the thread count or the block size.
 */
size_t dd_grid_units(const dd_grid *g)
{
    return (size_t)g->months * ((g->month_stride + MERGE_CHUNK - 1) / MERGE_CHUNK);
}

int dd_grid_add_unit(dd_grid *g, const double *block, size_t n_reps, size_t unit)
{
    if (n_reps == 0)
        return 0;
    const size_t per_row = (g->month_stride + MERGE_CHUNK - 1) / MERGE_CHUNK;
    const size_t month = unit / per_row;
    const size_t s0 = (unit % per_row) * MERGE_CHUNK;
    const size_t n = g->month_stride - s0 < MERGE_CHUNK ? g->month_stride - s0 : MERGE_CHUNK;
    assert(month < (size_t)g->months);
    return merge_chunk(g, block, n_reps, month, s0, n);
}

/*
 * A failure stops that unit and is OR-reduced after the loop (a parallel
 * region cannot return early). After DD_ENOMEM cells hold different numbers
 * of values: the grid is then only good for dd_grid_free.
 */
int dd_grid_add_block(dd_grid *g, const double *block, size_t n_reps, int threads)
{
    if (threads < 1)
        threads = 1;
    const long n_units = (long)dd_grid_units(g);
    int failed = 0;

#ifdef _OPENMP
    /* clang-format off */
#pragma omp parallel for default(none) schedule(dynamic, 4) num_threads(threads) \
    shared(g, block) firstprivate(n_reps, n_units) reduction(| : failed)
    /* clang-format on */
#else
    (void)threads;
#endif
    for (long u = 0; u < n_units; u++)
        if (dd_grid_add_unit(g, block, n_reps, (size_t)u) != 0)
            failed = 1;
    return failed ? DD_ENOMEM : 0;
}

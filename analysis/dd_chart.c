/*
 * dd_chart: see dd_chart.h.
 *
 * Every script has the same shape: a comment saying what it draws and how
 * to redraw it, the name of its data file, then one loop that draws the
 * same plot twice, as SVG and as PNG (pngcairo where gnuplot has it, else
 * the libgd png terminal). Text is drawn "noenhanced", so names with `_`
 * are not turned into subscripts. Months are read as "%Y-%m" dates.
 */
#define _POSIX_C_SOURCE 200809L

#include "dd_chart.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "dd_labels.h"
#include "dd_month.h"
#include "dd_table.h"

/* Metrics drawn as fan charts, in this order, when monthly.csv has them. */
static const char *const fan_metrics[] = {"armed_control", "civilian_fatalities", "mission_troops",
                                          "host_forces",   "state_authority",     "consent",
                                          "legitimacy"};
#define N_FAN (sizeof fan_metrics / sizeof fan_metrics[0])

/* Scenario colours: the baseline is drawn dark grey, the others from this list. */
static const char *const colours[] = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd",
                                      "#8c564b", "#e377c2", "#17becf", "#bcbd22", "#7f7f7f"};
#define BASELINE_COLOUR "#333333"
#define FAN_COLOUR "#1f77b4"

static const char *colour_of(size_t i)
{
    return i == 0 ? BASELINE_COLOUR : colours[(i - 1) % (sizeof colours / sizeof colours[0])];
}

/* ------------------------------------------------------------------ set */

void dd_chart_set_free(dd_chart_set *set)
{
    if (set == NULL)
        return;
    free(set->items);
    memset(set, 0, sizeof *set);
}

static int set_add(dd_chart_set *set, const char *name, const char *title, const char *caption,
                   dd_error *err)
{
    if (set->n == set->cap) {
        size_t cap = set->cap ? set->cap * 2 : 16;
        dd_chart *ni = realloc(set->items, cap * sizeof *ni);
        if (ni == NULL)
            return dd_error_set(err, DD_ENOMEM, NULL, 0, "out of memory");
        set->items = ni;
        set->cap = cap;
    }
    dd_chart *c = &set->items[set->n++];
    snprintf(c->name, sizeof c->name, "%s", name);
    snprintf(c->title, sizeof c->title, "%s", title);
    /* A title may break lines on the chart; in captions and alt text it is one line. */
    for (char *p = c->title; *p != '\0'; p++)
        if (*p == '\n')
            *p = ';';
    snprintf(c->caption, sizeof c->caption, "%s", caption);
    return 0;
}

/* ---------------------------------------------------------------- files */

/* An open output file and what to call it in an error. */
typedef struct out_file {
    FILE *f;
    char path[1400];
} out_file;

static int out_open(out_file *o, const char *dir, const char *stem, const char *ext, dd_error *err)
{
    snprintf(o->path, sizeof o->path, "%s/%s.%s", dir, stem, ext);
    o->f = fopen(o->path, "w");
    if (o->f == NULL)
        return dd_error_set(err, DD_EIO, NULL, 0, "cannot create %s: %s", o->path, strerror(errno));
    return 0;
}

/* Close, reporting any write that failed on the way. */
static int out_close(out_file *o, int rc, dd_error *err)
{
    if (o->f == NULL)
        return rc;
    int bad = ferror(o->f);
    int e = errno;
    if (fclose(o->f) != 0 && !bad) {
        bad = 1;
        e = errno;
    }
    o->f = NULL;
    if (rc == 0 && bad)
        return dd_error_set(err, DD_EIO, NULL, 0, "cannot write %s: %s", o->path,
                            e != 0 ? strerror(e) : "write error");
    return rc;
}

/* Write a gnuplot double-quoted string literal. */
static void gp_str(FILE *f, const char *s)
{
    fputc('"', f);
    for (const char *p = s; *p != '\0'; p++) {
        if (*p == '"' || *p == '\\')
            fputc('\\', f);
        if (*p == '\n')
            fputs("\\n", f);
        else
            fputc(*p, f);
    }
    fputc('"', f);
}

/* Write "# text" with every line of the text commented. */
static void comment(FILE *f, const char *s)
{
    fputs("# ", f);
    for (const char *p = s; *p != '\0'; p++) {
        fputc(*p, f);
        if (*p == '\n')
            fputs("# ", f);
    }
    fputc('\n', f);
}

/* fprintf into a fixed buffer (truncating). */
static void fmt(char *buf, size_t size, const char *f, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
static void fmt(char *buf, size_t size, const char *f, ...)
{
    va_list ap;
    va_start(ap, f);
    vsnprintf(buf, size, f, ap);
    va_end(ap);
}

/*
 * The header of every script, up to the start of the drawing loop. `scale`
 * enlarges the fonts of a picture wider than the report shows it (about
 * 1060 pixels), so its text is still legible once shrunk to fit.
 */
static void gp_begin_scaled(FILE *f, const char *stem, const char *title, const char *source,
                            int width, int height, double scale)
{
    comment(f, title);
    fprintf(f, "#\n# Written by drawdown from %s.\n", source);
    fprintf(f, "# The numbers are in %s.dat. To redraw after editing (a title, a colour):\n", stem);
    fprintf(f, "#     gnuplot %s.gp\n# in this folder; it writes %s.svg and %s.png.\n\n", stem,
            stem, stem);
    fprintf(f, "datafile = \"%s.dat\"\n", stem);
    fprintf(f, "set datafile missing \"NA\"\n");
    fprintf(f, "do for [fmt in \"svg png\"] {\n");
    fprintf(f, "  reset\n");
    fprintf(f, "  if (fmt eq \"svg\") {\n");
    fprintf(f,
            "    set terminal svg size %d,%d dynamic noenhanced font \"DejaVu Sans,%.0f\" "
            "background rgb \"white\"\n",
            width, height, 13 * scale);
    fprintf(f, "    set output \"%s.svg\"\n", stem);
    fprintf(f, "  } else {\n");
    fprintf(f, "    if (strstrt(GPVAL_TERMINALS, \"pngcairo\") > 0) {\n");
    fprintf(f,
            "      set terminal pngcairo size %d,%d noenhanced font \"DejaVu Sans,%.0f\" "
            "background rgb \"white\"\n",
            width, height, 12 * scale);
    fprintf(f, "    } else {\n");
    fprintf(f,
            "      set terminal png size %d,%d noenhanced font \"DejaVu Sans,%.0f\" "
            "background rgb \"white\" truecolor\n",
            width, height, 11 * scale);
    fprintf(f, "    }\n");
    fprintf(f, "    set output \"%s.png\"\n", stem);
    fprintf(f, "  }\n");
    fprintf(f, "  set datafile missing \"NA\"\n");
}

static void gp_end(FILE *f)
{
    fprintf(f, "  unset output\n}\n");
}

/* Write the line "  <command> <s as a gnuplot string><rest>". */
static void gp_line(FILE *f, const char *command, const char *s, const char *rest)
{
    fprintf(f, "  %s ", command);
    gp_str(f, s);
    fprintf(f, "%s\n", rest);
}

/* The command that starts a grid of rows x cols panels under one title (for gp_open). */
#define LAYOUT_MAX 64
static void multiplot_layout(char command[LAYOUT_MAX], size_t rows, size_t cols)
{
    fmt(command, LAYOUT_MAX, "set multiplot layout %zu,%zu title", rows, cols);
}

/* A y axis from 0 up to what the data reach, with a grid. */
static void gp_y_from_zero(FILE *f, const char *ylabel)
{
    gp_line(f, "set ylabel", ylabel, "");
    fprintf(f, "  set yrange [0:*]\n  set grid\n");
}

/*
 * Legends go under the plot: inside, they would cover lines that run along
 * the top. The bottom margin is set, not left to gnuplot, so that the plot
 * area is known in advance (cost_vacuum places its names by it): 8 lines
 * hold the tic labels, the axis title and three rows of the key; a key of
 * more rows needs `more_rows` lines more, or it covers the axis title.
 */
static void gp_key_below(FILE *f, int more_rows)
{
    fprintf(f,
            "  set key outside below center horizontal reverse Left maxcols 3 maxrows 3 box\n"
            "  set bmargin %d\n",
            8 + more_rows);
}

/*
 * Pixels a character of a key title and a row of the key take: gnuplot
 * reports 10 and 18.6 for pngcairo at 12 points, 9.1 and 19.5 for svg at 13
 * (GPVAL_TERM_HCHAR, GPVAL_TERM_VCHAR). The larger of each, the row rounded
 * up: a canvas taller by KEY_ROW_H a row of key keeps its plot area at least
 * as tall as before.
 */
#define KEY_CHAR_W 10.0
#define KEY_ROW_H 20

/*
 * The rows a key under the plot needs beyond the three the margin holds,
 * for `entries` titles the longest of which has `longest` characters, under
 * a plot `plot_w` pixels wide. gnuplot puts side by side as many columns as
 * fit the plot's width (at most maxcols, 3), each the longest title plus 6
 * characters and a tic wide (with reverse and the default sample length,
 * boundary.c: do_key_layout; the tic is counted as a character here), and
 * fills them row by row. A width guessed a little large costs at most a
 * blank line under the key, never an overlap.
 */
static int key_more_rows(size_t entries, size_t longest, double plot_w)
{
    size_t cols = (size_t)(plot_w / (KEY_CHAR_W * ((double)longest + 7.0)));
    if (cols > 3)
        cols = 3;
    if (cols < 1)
        cols = 1;
    size_t rows = (entries + cols - 1) / cols;
    return rows > 3 ? (int)(rows - 3) : 0;
}

/*
 * The words of one chart: its file stem, its title as drawn (a newline
 * breaks it), where its numbers come from, and the caption the report
 * prints under it.
 */
typedef struct chart_text {
    char stem[96], title[256], source[256], caption[768];
} chart_text;

/*
 * Create <stem>.dat and write its head: the title and the source as
 * comments, then `columns` (comment lines naming the columns), so that the
 * data file alone says what it holds.
 */
static int dat_open(out_file *d, const char *dir, const chart_text *t, const char *columns,
                    dd_error *err)
{
    int rc = out_open(d, dir, t->stem, "dat", err);
    if (rc == 0) {
        comment(d->f, t->title);
        fprintf(d->f, "# from %s\n%s", t->source, columns);
    }
    return rc;
}

/*
 * Start block k of a data file of several: gnuplot's `index` counts blocks
 * parted by two blank lines.
 */
static void dat_block(FILE *f, size_t k, const char *what, const char *name)
{
    fprintf(f, "%s# %s %s\n", k > 0 ? "\n\n" : "", what, name);
}

/*
 * Create <stem>.gp and write the head of the script (gp_begin_scaled),
 * then, unless `title_cmd` is NULL, the command that draws the title
 * ("set title", or a multiplot layout's).
 */
static int gp_open(out_file *g, const char *dir, const chart_text *t, int width, int height,
                   double scale, const char *title_cmd, dd_error *err)
{
    int rc = out_open(g, dir, t->stem, "gp", err);
    if (rc == 0) {
        gp_begin_scaled(g->f, t->stem, t->title, t->source, width, height, scale);
        if (title_cmd != NULL)
            gp_line(g->f, title_cmd, t->title, "");
    }
    return rc;
}

/* End a script and close it: 0 or DD_EIO. */
static int gp_close(out_file *g, dd_error *err)
{
    gp_end(g->f);
    return out_close(g, 0, err);
}

/*
 * Time axis over [first, last] (absolute months): a tick each January, or
 * every second (third...) January so that about eight ticks fit. The step is
 * a mean Gregorian year in seconds, which keeps every tick within a day of
 * 1 January over any horizon of ours.
 */
static void gp_time_axis(FILE *f, int first, int last, const char *xlabel)
{
    char a[DD_MONTH_STR], b[DD_MONTH_STR], jan[DD_MONTH_STR];
    dd_month_format(first, a);
    dd_month_format(last, b);
    int first_jan = first % 12 == 0 ? first : first + (12 - first % 12);
    dd_month_format(first_jan, jan);
    int years = (last - first) / 12 + 1;
    int step = years <= 8 ? 1 : (years + 7) / 8;
    fprintf(f, "  set xdata time\n  set timefmt \"%%Y-%%m\"\n  set format x \"%%Y\"\n");
    fprintf(f, "  set xrange [\"%s\":\"%s\"]\n", a, b);
    fprintf(f, "  set xtics \"%s\", %d\n  set mxtics %d\n", jan, step * 31556952,
            step > 1 ? step : 2);
    gp_line(f, "set xlabel", xlabel, "");
}

static void month_str(int m, char out[DD_MONTH_STR])
{
    dd_month_format(m, out);
}

/* The last month a run covers (absolute). */
static int last_month(const dd_run *run)
{
    return run->start_month + run->months - 1;
}

/* Column orders of the monthly quantile rows in the fan charts' data files. */
static const int fan_cols[6] = {DD_MS_P05, DD_MS_P25, DD_MS_P50, DD_MS_P75, DD_MS_P95, DD_MS_MEAN};
static const int overlay_cols[6] = {DD_MS_P25, DD_MS_P50, DD_MS_P75,
                                    DD_MS_P05, DD_MS_P95, DD_MS_MEAN};

/*
 * Write one run's rows "YYYY-MM v1 .. v6" of a metric at a place, the values
 * in `cols` order (a month without a cell gets NA). Returns the largest finite
 * p95 written, for axis ranges.
 */
static double quantile_rows(FILE *f, const dd_run *run, size_t place, size_t metric,
                            const int cols[6])
{
    double ymax = 0.0;
    for (int t = 0; t < run->months; t++) {
        const double *c = dd_run_cell(run, t, place, metric);
        char m[DD_MONTH_STR];
        month_str(run->start_month + t, m);
        if (c == NULL) {
            fprintf(f, "%s NA NA NA NA NA NA\n", m);
            continue;
        }
        if (isfinite(c[DD_MS_P95]) && c[DD_MS_P95] > ymax)
            ymax = c[DD_MS_P95];
        fputs(m, f);
        for (int k = 0; k < 6; k++)
            fprintf(f, " %.10g", c[cols[k]]);
        fputc('\n', f);
    }
    return ymax;
}

/* ------------------------------------------------------------- one run */

static void metric_words(const char *metric, const char **title, const char **axis)
{
    const dd_metric_label *l = dd_labels_metric(metric);
    *title = l != NULL ? l->title : metric;
    *axis = l != NULL ? l->axis : metric;
}

/*
 * Whether charts place a run at its median exit month (a dashed line, the month of a map):
 * only when at least half of its replications left. exit_p50 is the median among the
 * replications that left (dd_results.h), so where few left, a line there would read as
 * the scenario's usual exit when most runs never left at all.
 */
static int marks_exit(const dd_run *run)
{
    return run->exit_p50 >= 0 && run->exited_share >= 0.5;
}

/* A run's exit months as text: the 5th percentile, the 95th and the median. */
static void exit_months(const dd_run *run, char p05[DD_MONTH_STR], char p95[DD_MONTH_STR],
                        char p50[DD_MONTH_STR])
{
    month_str(run->exit_p05, p05);
    month_str(run->exit_p95, p95);
    month_str(run->exit_p50, p50);
}

/* The exit marker of one run: shading of the 5th-95th percentile months, a dashed median. */
static void gp_exit_marks(FILE *f, const dd_run *run, int *obj, const char *colour)
{
    if (!marks_exit(run))
        return;
    char a[DD_MONTH_STR], b[DD_MONTH_STR], m[DD_MONTH_STR];
    exit_months(run, a, b, m);
    if (run->exit_p05 != run->exit_p95)
        fprintf(f,
                "  set object %d rect from \"%s\", graph 0 to \"%s\", graph 1 fc rgb \"%s\" "
                "fs transparent solid 0.12 noborder behind\n",
                ++*obj, a, b, colour);
    fprintf(f,
            "  set arrow %d from \"%s\", graph 0 to \"%s\", graph 1 nohead dt 2 lw 2 lc rgb "
            "\"%s\"\n",
            ++*obj, m, m, colour);
}

static int chart_fan(const char *dir, const dd_run *run, size_t metric, dd_chart_set *set,
                     dd_error *err)
{
    const char *name = run->metric[metric];
    const char *title_w, *axis;
    metric_words(name, &title_w, &axis);
    chart_text t;
    fmt(t.stem, sizeof t.stem, "fan_%s", name);
    fmt(t.title, sizeof t.title, "%s, whole country: %s\nmedian, 50%% and 90%% of replications",
        title_w, run->name);
    fmt(t.source, sizeof t.source, "monthly.csv of %s (region ALL, metric %s)", run->dir, name);

    out_file d;
    int rc = dat_open(&d, dir, &t, "# month p05 p25 p50 p75 p95 mean\n", err);
    if (rc != 0)
        return rc;
    quantile_rows(d.f, run, dd_run_all(run), metric, fan_cols);
    if ((rc = out_close(&d, 0, err)) != 0)
        return rc;

    out_file g;
    if ((rc = gp_open(&g, dir, &t, 960, 580, 1.0, "set title", err)) != 0)
        return rc;
    FILE *f = g.f;
    gp_time_axis(f, run->start_month, last_month(run), "Month (ticks mark years)");
    gp_y_from_zero(f, axis);
    gp_key_below(f, 0);
    int obj = 0;
    gp_exit_marks(f, run, &obj, "#555555");
    fprintf(f,
            "  plot datafile using 1:2:6 with filledcurves lc rgb \"%s\" fs transparent solid "
            "0.18 title \"90%% of replications\", \\\n",
            FAN_COLOUR);
    fprintf(f,
            "       datafile using 1:3:5 with filledcurves lc rgb \"%s\" fs transparent solid "
            "0.35 title \"50%% of replications\", \\\n",
            FAN_COLOUR);
    fprintf(f, "       datafile using 1:4 with lines lw 2.5 lc rgb \"%s\" title \"median\"",
            FAN_COLOUR);
    char exit_note[160] = "";
    if (run->exit_p50 >= 0) {
        char m[DD_MONTH_STR];
        month_str(run->exit_p50, m);
        fprintf(f,
                ", \\\n       NaN with lines dt 2 lw 2 lc rgb \"#555555\" title \"exit: median "
                "(%s)\"",
                m);
        if (run->exit_p05 != run->exit_p95)
            fprintf(f, ", \\\n       NaN with boxes fs transparent solid 0.12 lc rgb \"#555555\" "
                       "title \"exit: 90%% of months\"");
        fmt(exit_note, sizeof exit_note, " The dashed line marks the median exit month (%s)%s.", m,
            run->exit_p05 != run->exit_p95 ? ", the grey band the months of 90% of exits" : "");
    } else {
        fmt(exit_note, sizeof exit_note, " The mission did not leave in any replication.");
    }
    fprintf(f, "\n");
    if ((rc = gp_close(&g, err)) != 0)
        return rc;
    fmt(t.caption, sizeof t.caption,
        "%s for the whole country, month by month. The line is the median of the %ld "
        "replications; the dark band holds the middle half of them and the light band 90%%. A "
        "wide band means the outcome depends on chance as much as on the scenario.%s",
        title_w, run->replications, exit_note);
    return set_add(set, t.stem, t.title, t.caption, err);
}

static int chart_regions(const char *dir, const dd_run *run, size_t metric, dd_chart_set *set,
                         dd_error *err)
{
    const char *name = run->metric[metric];
    const char *title_w, *axis;
    metric_words(name, &title_w, &axis);
    const dd_metric_label *lab = dd_labels_metric(name);
    const char *unit = lab != NULL ? lab->unit : name;
    size_t nr = run->input.n_regions;
    if (nr == 0)
        return 0;
    chart_text t;
    fmt(t.stem, sizeof t.stem, "regions_%s", name);
    fmt(t.title, sizeof t.title, "%s by region: %s (%s)\nmedian and 90%% of replications", title_w,
        run->name, unit);
    fmt(t.source, sizeof t.source, "monthly.csv of %s (metric %s, each region)", run->dir, name);

    out_file d;
    int rc = dat_open(&d, dir, &t,
                      "# one block per region (gnuplot index 0, 1, ...)\n"
                      "# month p05 p25 p50 p75 p95 mean\n",
                      err);
    if (rc != 0)
        return rc;
    double ymax = 0.0;
    for (size_t r = 0; r < nr; r++) {
        dat_block(d.f, r, "region", run->input.regions[r].name);
        ymax = fmax(ymax, quantile_rows(d.f, run, r, metric, fan_cols));
    }
    if ((rc = out_close(&d, 0, err)) != 0)
        return rc;
    if (!(ymax > 0.0))
        ymax = 1.0;

    size_t cols = (size_t)ceil(sqrt((double)nr));
    size_t rows = (nr + cols - 1) / cols;
    char layout[LAYOUT_MAX];
    multiplot_layout(layout, rows, cols);
    out_file g;
    if ((rc = gp_open(&g, dir, &t, (int)(cols * 380 + 40), (int)(rows * 300 + 60), 1.0, layout,
                      err)) != 0)
        return rc;
    FILE *f = g.f;
    gp_time_axis(f, run->start_month, last_month(run), "Year");
    gp_line(f, "set ylabel", unit, " font \",10\"");
    fprintf(f, "  set xlabel font \",10\"\n  set tics font \",10\"\n");
    fprintf(f, "  set format x \"'%%y\"\n  set yrange [0:%.6g]\n  set grid\n", ymax * 1.05);
    int obj = 0;
    gp_exit_marks(f, run, &obj, "#555555");
    for (size_t r = 0; r < nr; r++) {
        gp_line(f, "set title", run->input.regions[r].name, "");
        if (r == 0)
            fprintf(f, "  set key top left reverse Left font \",9\" opaque\n");
        else
            fprintf(f, "  set key off\n");
        fprintf(f,
                "  plot datafile index %zu using 1:2:6 with filledcurves lc rgb \"%s\" fs "
                "transparent solid 0.22 title \"90%% of replications\", \\\n",
                r, FAN_COLOUR);
        fprintf(f,
                "       datafile index %zu using 1:4 with lines lw 2 lc rgb \"%s\" title "
                "\"median\"%s\n",
                r, FAN_COLOUR,
                marks_exit(run) ? ", NaN with lines dt 2 lw 2 lc rgb \"#555555\" title "
                                  "\"exit (median month)\""
                                : "");
    }
    fprintf(f, "  unset multiplot\n");
    if ((rc = gp_close(&g, err)) != 0)
        return rc;
    fmt(t.caption, sizeof t.caption,
        "%s in each region, on one common scale so the panels can be compared: the line is the "
        "median of the replications, the band holds 90%% of them%s. Years on the time axis are "
        "written '14 for 2014.",
        title_w, marks_exit(run) ? "; the dashed line is the median exit month"
                 : run->exit_p50 >= 0 ? "; no exit line: fewer than half of the replications left"
                                      : "");
    return set_add(set, t.stem, t.title, t.caption, err);
}

static int chart_exit_month(const char *dir, const dd_run *run, dd_chart_set *set, dd_error *err)
{
    chart_text t;
    char last[DD_MONTH_STR];
    month_str(last_month(run), last);
    fmt(t.stem, sizeof t.stem, "exit_month");
    fmt(t.title, sizeof t.title,
        "When the mission left: %s (%.0f%% of %ld replications left by %s)", run->name,
        100.0 * run->exited_share, run->replications, last);
    fmt(t.source, sizeof t.source, "replications.csv of %s (column exit_month)", run->dir);

    /* Counted before the file is opened: running out of memory leaves no file half written. */
    long never = 0;
    long *count = calloc((size_t)run->months, sizeof *count);
    if (count == NULL)
        return dd_error_set(err, DD_ENOMEM, NULL, 0, "out of memory");
    for (long i = 0; i < run->replications; i++) {
        int m = run->exit_month[i];
        if (m < 0)
            never++;
        else
            count[m - run->start_month]++;
    }
    out_file d;
    int rc = dat_open(&d, dir, &t, "# month replications percent_of_all\n", err);
    if (rc == 0) {
        for (int mo = 0; mo < run->months; mo++) {
            if (count[mo] == 0)
                continue;
            char m[DD_MONTH_STR];
            month_str(run->start_month + mo, m);
            fprintf(d.f, "%s %ld %.10g\n", m, count[mo],
                    100.0 * (double)count[mo] / (double)run->replications);
        }
        fprintf(d.f, "# never left: %ld\n", never);
        rc = out_close(&d, 0, err);
    }
    free(count);
    if (rc != 0)
        return rc;

    out_file g;
    if ((rc = gp_open(&g, dir, &t, 960, 480, 1.0, "set title", err)) != 0)
        return rc;
    FILE *f = g.f;
    gp_time_axis(f, run->start_month, last_month(run),
                 "Month of the exit: the first month with no uniformed personnel (ticks: years)");
    gp_y_from_zero(f, "Replications (% of all)");
    gp_key_below(f, 0);
    /* About 25 days, in seconds: boxes on a time axis are measured in seconds. */
    fprintf(f, "  set boxwidth 2160000 absolute\n  set style fill solid 0.75 noborder\n");
    if (run->exit_p50 >= 0) {
        fprintf(f,
                "  plot datafile using 1:3 with boxes lc rgb \"%s\" title \"share of "
                "replications leaving in that month\"\n",
                FAN_COLOUR);
    } else {
        fprintf(f, "  set yrange [0:100]\n  set label 1 \"The mission did not leave in any "
                   "replication\" at graph 0.5, graph 0.55 center font \",14\"\n");
        fprintf(f,
                "  plot NaN with boxes lc rgb \"%s\" title \"share of replications leaving in "
                "that month (none)\"\n",
                FAN_COLOUR);
    }
    if ((rc = gp_close(&g, err)) != 0)
        return rc;
    if (run->exit_p50 >= 0) {
        char a[DD_MONTH_STR], b[DD_MONTH_STR], m[DD_MONTH_STR];
        exit_months(run, a, b, m);
        fmt(t.caption, sizeof t.caption,
            "How many replications saw the last peacekeepers leave in each month. Median exit "
            "month %s; 90%% of exits fell between %s and %s. %.0f%% of replications never left "
            "before %s. A single bar means the exit date was fixed (by a calendar or a dated "
            "revocation of consent); a spread means it depended on what happened in the run.",
            m, a, b, 100.0 * (1.0 - run->exited_share), last);
    } else {
        fmt(t.caption, sizeof t.caption,
            "The mission stayed until the end of the run (%s) in every replication, so there is "
            "no exit month to show.",
            last);
    }
    return set_add(set, t.stem, t.title, t.caption, err);
}

static int chart_vacuum(const char *dir, const dd_run *run, dd_chart_set *set, dd_error *err)
{
    long mi = dd_run_measure_index(run, "vacuum_index");
    if (mi < 0)
        return 0;
    const double *v = run->value + (size_t)mi * (size_t)run->replications;
    double lo = INFINITY, hi = -INFINITY, sum = 0.0;
    long n = 0;
    for (long i = 0; i < run->replications; i++)
        if (isfinite(v[i])) {
            lo = fmin(lo, v[i]);
            hi = fmax(hi, v[i]);
            sum += v[i];
            n++;
        }
    if (n == 0)
        return 0;
    double mean = sum / (double)n;
    enum { BINS = 40 };
    double width = (hi - lo) / BINS;
    int nb = BINS;
    if (!(width > 1e-12)) {
        nb = 1;
        width = fmax(0.002, fabs(lo) * 0.02);
        lo -= width / 2;
    }
    long count[BINS] = {0};
    for (long i = 0; i < run->replications; i++) {
        if (!isfinite(v[i]))
            continue;
        int b = nb == 1 ? 0 : (int)((v[i] - lo) / width);
        if (b >= nb)
            b = nb - 1;
        if (b < 0)
            b = 0;
        count[b]++;
    }
    chart_text t;
    long window = (long)run->input.params.vacuum_window_months;
    fmt(t.stem, sizeof t.stem, "vacuum_index");
    fmt(t.title, sizeof t.title,
        "Security vacuum: change in armed-group control in the %ld months after the exit, %s",
        window, run->name);
    fmt(t.source, sizeof t.source, "replications.csv of %s (column vacuum_index)", run->dir);
    char columns[96];
    fmt(columns, sizeof columns, "# bin_centre replications percent_of_all (bin width %.10g)\n",
        width);
    out_file d;
    int rc = dat_open(&d, dir, &t, columns, err);
    if (rc != 0)
        return rc;
    for (int b = 0; b < nb; b++)
        fprintf(d.f, "%.10g %ld %.10g\n", lo + (b + 0.5) * width, count[b],
                100.0 * (double)count[b] / (double)n);
    if ((rc = out_close(&d, 0, err)) != 0)
        return rc;

    out_file g;
    if ((rc = gp_open(&g, dir, &t, 960, 480, 1.0, "set title", err)) != 0)
        return rc;
    FILE *f = g.f;
    fprintf(f,
            "  set xlabel \"vacuum_index: armed-group control %ld months after the exit minus "
            "control at the exit (share points)\"\n",
            window);
    gp_y_from_zero(f, "Replications (% of all)");
    fprintf(f, "  set key top right box opaque\n  set boxwidth %.10g absolute\n", width * 0.9);
    fprintf(f, "  set style fill solid 0.75 noborder\n");
    fprintf(f, "  set xrange [%.10g:%.10g]\n", fmin(lo - width, 0.0 - width),
            fmax(lo + (nb + 1) * width, width));
    fprintf(f,
            "  set arrow 1 from %.10g, graph 0 to %.10g, graph 1 nohead lw 2 lc rgb \"#d62728\"\n",
            mean, mean);
    fprintf(f,
            "  set arrow 2 from 0, graph 0 to 0, graph 1 nohead dt 3 lw 1.5 lc rgb \"#000000\"\n");
    fprintf(f,
            "  plot datafile using 1:3 with boxes lc rgb \"%s\" title \"replications in each "
            "bin\", \\\n",
            FAN_COLOUR);
    fprintf(f, "       NaN with lines lw 2 lc rgb \"#d62728\" title \"mean (%.3g)\", \\\n", mean);
    fprintf(f, "       NaN with lines dt 3 lw 1.5 lc rgb \"#000000\" title \"no change (0)\"\n");
    if ((rc = gp_close(&g, err)) != 0)
        return rc;
    fmt(t.caption, sizeof t.caption,
        "Each bar counts the replications whose armed-group control (population-weighted, whole "
        "country) changed by that much between the exit and %ld months later. Bars right of the "
        "dotted zero line are replications in which armed groups gained ground after the exit; "
        "left of it, they lost ground. Replications in which the mission never left count as 0. "
        "The red line is the mean.",
        window);
    return set_add(set, t.stem, t.title, t.caption, err);
}

/* ----------------------------------------------------------------- maps */

/* Whether every region of a run has map coordinates. */
static int has_map(const dd_run *run)
{
    if (run->input.n_regions == 0)
        return 0;
    for (size_t r = 0; r < run->input.n_regions; r++)
        if (!run->input.regions[r].has_map)
            return 0;
    return 1;
}

/* Side of a square tile: 92% of the smallest Chebyshev distance between two regions. */
static double tile_side(const dd_run *run)
{
    double best = INFINITY;
    const dd_input *in = &run->input;
    for (size_t i = 0; i < in->n_regions; i++)
        for (size_t j = 0; j < i; j++) {
            double dx = fabs(in->regions[i].map_x - in->regions[j].map_x);
            double dy = fabs(in->regions[i].map_y - in->regions[j].map_y);
            double d = fmax(dx, dy);
            if (d > 0.0 && d < best)
                best = d;
        }
    return isfinite(best) ? 0.92 * best : 1.0;
}

/*
 * The month the map shows, also as text: median exit + vacuum window, or
 * the run's last month (*clamped set) when that comes earlier, or when
 * fewer than half of the replications left (marks_exit).
 */
static int map_month(const dd_run *run, int *clamped, char text[DD_MONTH_STR])
{
    int last = last_month(run);
    const int marked = marks_exit(run);
    int m = marked ? run->exit_p50 + (int)run->input.params.vacuum_window_months : last;
    *clamped = !marked || m > last;
    if (m > last)
        m = last;
    month_str(m, text);
    return m;
}

/* Extent of a run's tiles in map units, padded by part of a tile. */
typedef struct extent {
    double x0, x1, y0, y1, side;
} extent;

static extent map_extent(const dd_run *run)
{
    extent e = {INFINITY, -INFINITY, INFINITY, -INFINITY, tile_side(run)};
    for (size_t r = 0; r < run->input.n_regions; r++) {
        e.x0 = fmin(e.x0, run->input.regions[r].map_x);
        e.x1 = fmax(e.x1, run->input.regions[r].map_x);
        e.y0 = fmin(e.y0, run->input.regions[r].map_y);
        e.y1 = fmax(e.y1, run->input.regions[r].map_y);
    }
    double pad = e.side * 0.6;
    e.x0 -= pad;
    e.x1 += pad;
    e.y0 -= pad;
    e.y1 += pad;
    return e;
}

/*
 * One map panel per run (runs in `order`): tiles at the regions' map
 * coordinates, shaded by mean armed control in the month map_month gives.
 * The scenario's y grows downwards (row order, north first), so the y axis
 * is reversed. Tiles are square (size ratio -1); the canvas is sized to the
 * map's own proportions so the tiles are not squeezed.
 */
static int chart_map(const char *dir, const char *stem, const dd_run *runs, const size_t *order,
                     size_t n, const char *what, dd_chart_set *set, dd_error *err)
{
    for (size_t k = 0; k < n; k++)
        if (!has_map(&runs[order[k]]) || dd_run_metric_index(&runs[order[k]], "armed_control") < 0)
            return 0; /* no coordinates: no map (the report lists the charts that exist) */
    chart_text t;
    fmt(t.stem, sizeof t.stem, "%s", stem);
    fmt(t.title, sizeof t.title, "Armed-group control two years after the exit: %s", what);
    fmt(t.source, sizeof t.source,
        "monthly.csv (metric armed_control) and run.cfg (map) of each run");

    out_file d;
    int rc = dat_open(&d, dir, &t,
                      "# one block per scenario (gnuplot index 0, 1, ...)\n"
                      "# map_x map_y region mean_armed_control\n",
                      err);
    if (rc != 0)
        return rc;
    double cbmax = 0.05, wmax = 0, hmax = 0;
    for (size_t k = 0; k < n; k++) {
        const dd_run *run = &runs[order[k]];
        int clamped;
        char m[DD_MONTH_STR], block[DD_NAME_MAX + 32];
        int month = map_month(run, &clamped, m);
        size_t metric = (size_t)dd_run_metric_index(run, "armed_control");
        fmt(block, sizeof block, "%s, month %s", run->name, m);
        dat_block(d.f, k, "scenario", block);
        for (size_t r = 0; r < run->input.n_regions; r++) {
            const dd_region *reg = &run->input.regions[r];
            const double *c = dd_run_cell(run, month - run->start_month, r, metric);
            double v = c != NULL ? c[DD_MS_MEAN] : NAN;
            if (isfinite(v) && v > cbmax)
                cbmax = v;
            fprintf(d.f, "%.10g %.10g %s %.10g\n", reg->map_x, reg->map_y, reg->name, v);
        }
        extent e = map_extent(run);
        wmax = fmax(wmax, (e.x1 - e.x0) / e.side);
        hmax = fmax(hmax, (e.y1 - e.y0) / e.side);
    }
    if ((rc = out_close(&d, 0, err)) != 0)
        return rc;
    cbmax = ceil(cbmax * 20.0) / 20.0; /* a round upper end: 0.05 steps */

    size_t cols = n < 2 ? n : 2;
    size_t rows = (n + cols - 1) / cols;
    double px = n == 1 ? 150 : 125; /* pixels per tile */
    int panel_w = (int)(wmax * px) + 240, panel_h = (int)(hmax * px) + 150;
    int width = (int)cols * panel_w;
    double sc = width > 1200 ? width / 1060.0 : 1.0;
    char layout[LAYOUT_MAX];
    multiplot_layout(layout, rows, cols);
    out_file g;
    if ((rc = gp_open(&g, dir, &t, width, (int)rows * panel_h + (n > 1 ? 60 : 0), sc,
                      n > 1 ? layout : NULL, err)) != 0)
        return rc;
    FILE *f = g.f;
    fprintf(f,
            "  set size ratio -1\n  unset xtics\n  unset ytics\n  set border 0\n  set key off\n");
    fprintf(f, "  set xlabel \"west - east (schematic map tiles)\" font \",%.0f\"\n", 10 * sc);
    fprintf(f, "  set ylabel \"north - south (schematic map tiles)\" font \",%.0f\"\n", 10 * sc);
    fprintf(f,
            "  set cbrange [0:%.3g]\n  set cblabel \"armed-group control (share)\" font \",%.0f\"\n"
            "  set cbtics font \",%.0f\"\n",
            cbmax, 10 * sc, 10 * sc);
    fprintf(f, "  set palette defined (0 \"#fff7ec\", 0.5 \"#fc8d59\", 1 \"#d7301f\")\n");
    fprintf(f, "  set style fill solid 1.0 border lc rgb \"#444444\"\n");
    for (size_t k = 0; k < n; k++) {
        const dd_run *run = &runs[order[k]];
        int clamped;
        char m[DD_MONTH_STR], panel[512], font[32] = "";
        map_month(run, &clamped, m);
        const char *who = n > 1 ? run->name : t.title;
        if (run->exit_p50 < 0)
            fmt(panel, sizeof panel, "%s\n%s (last month; the mission did not leave)", who, m);
        else if (!marks_exit(run))
            fmt(panel, sizeof panel, "%s\n%s (last month; most replications did not leave)", who,
                m);
        else if (clamped)
            fmt(panel, sizeof panel, "%s\n%s (last month; less than two years after the exit)", who,
                m);
        else
            fmt(panel, sizeof panel, "%s\n%s (median exit + %ld months)", who, m,
                (long)run->input.params.vacuum_window_months);
        extent e = map_extent(run);
        if (n > 1)
            fmt(font, sizeof font, " font \",%.0f\"", 11 * sc);
        gp_line(f, "set title", panel, font);
        fprintf(f, "  set xrange [%.6g:%.6g]\n  set yrange [%.6g:%.6g]\n", e.x0, e.x1, e.y1, e.y0);
        fprintf(f,
                "  plot datafile index %zu using 1:2:(%.6g):(%.6g):4 with boxxyerror fc "
                "palette notitle, \\\n",
                k, e.side / 2, e.side / 2);
        fprintf(f,
                "       datafile index %zu using 1:2:3 with labels offset 0,0.6 font \",%.0f\" "
                "notitle, \\\n",
                k, (n > 1 ? 10 : 12) * sc);
        fprintf(f,
                "       datafile index %zu using 1:2:(sprintf(\"%%.2f\", $4)) with labels "
                "offset 0,-0.6 font \",%.0f\" notitle\n",
                k, (n > 1 ? 10 : 12) * sc);
    }
    if (n > 1)
        fprintf(f, "  unset multiplot\n");
    if ((rc = gp_close(&g, err)) != 0)
        return rc;
    fmt(t.caption, sizeof t.caption,
        "A schematic map: each tile is a region, placed by the map coordinates of the scenario "
        "file (not to scale, north at the top), shaded and labelled by the mean share of its "
        "population under armed-group control %ld months after the median exit month (or in the "
        "last month when that comes later or the mission never left). Darker tiles: more "
        "control; the colour bar is the legend.",
        (long)runs[order[0]].input.params.vacuum_window_months);
    return set_add(set, t.stem, t.title, t.caption, err);
}

int dd_chart_run(const char *dir, const dd_run *run, dd_chart_set *set, dd_error *err)
{
    int rc = 0;
    for (size_t k = 0; rc == 0 && k < N_FAN; k++) {
        long m = dd_run_metric_index(run, fan_metrics[k]);
        if (m >= 0)
            rc = chart_fan(dir, run, (size_t)m, set, err);
    }
    long ac = dd_run_metric_index(run, "armed_control");
    if (rc == 0 && ac >= 0)
        rc = chart_regions(dir, run, (size_t)ac, set, err);
    if (rc == 0)
        rc = chart_exit_month(dir, run, set, err);
    if (rc == 0)
        rc = chart_vacuum(dir, run, set, err);
    if (rc == 0) {
        size_t order[1] = {0};
        rc = chart_map(dir, "map_control", run, order, 1, run->name, set, err);
    }
    return rc;
}

/* ----------------------------------------------------------- comparison */

/* Room for a scenario's title in a key. */
#define KEY_TITLE_MAX (DD_NAME_MAX + 16)

/* The key title of the scenario drawn k-th in a comparison (0: the baseline). */
static void scenario_title(char label[KEY_TITLE_MAX], const dd_run *r, size_t k)
{
    fmt(label, KEY_TITLE_MAX, "%s%s", r->name, k == 0 ? " (baseline)" : "");
}

/* Write that title and continue the plot command. */
static void gp_scenario_title(FILE *f, const dd_run *r, size_t k)
{
    char label[KEY_TITLE_MAX];
    scenario_title(label, r, k);
    gp_str(f, label);
    fprintf(f, ", \\\n");
}

/*
 * A key entry that draws nothing in the plot (NaN), to explain a style;
 * `last` ends the plot command.
 */
static void gp_key_entry(FILE *f, const char *style, const char *title, int last)
{
    fprintf(f, "       NaN with %s title ", style);
    gp_str(f, title);
    fprintf(f, "%s\n", last ? "" : ", \\");
}

/*
 * The key rows a comparison's key needs beyond three (key_more_rows): a
 * title for each scenario, then the `n_fixed` of `fixed`, under the plot of
 * a canvas `width` pixels wide, of which the plot takes about 85% once the
 * y axis is labelled.
 */
static int compare_key_rows(const dd_run *runs, const size_t *order, size_t n,
                            const char *const *fixed, size_t n_fixed, int width)
{
    size_t longest = 0;
    for (size_t i = 0; i < n_fixed; i++)
        if (strlen(fixed[i]) > longest)
            longest = strlen(fixed[i]);
    for (size_t k = 0; k < n; k++) {
        char label[KEY_TITLE_MAX];
        scenario_title(label, &runs[order[k]], k);
        if (strlen(label) > longest)
            longest = strlen(label);
    }
    return key_more_rows(n + n_fixed, longest, 0.85 * width);
}

static int chart_compare_fan(const char *dir, const dd_run *runs, const size_t *order, size_t n,
                             const char *metric, dd_chart_set *set, dd_error *err)
{
    for (size_t k = 0; k < n; k++)
        if (dd_run_metric_index(&runs[order[k]], metric) < 0)
            return 0;
    const char *title_w, *axis;
    metric_words(metric, &title_w, &axis);
    chart_text t;
    fmt(t.stem, sizeof t.stem, "compare_fan_%s", metric);
    fmt(t.title, sizeof t.title,
        "%s, whole country, by scenario\nmedian and middle 50%% of replications", title_w);
    fmt(t.source, sizeof t.source, "monthly.csv of each run (region ALL, metric %s)", metric);
    int first = runs[order[0]].start_month, last = first;
    for (size_t k = 0; k < n; k++) {
        const dd_run *r = &runs[order[k]];
        if (r->start_month < first)
            first = r->start_month;
        if (last_month(r) > last)
            last = last_month(r);
    }

    out_file d;
    int rc = dat_open(&d, dir, &t,
                      "# one block per scenario (gnuplot index 0, 1, ...)\n"
                      "# month p25 p50 p75 p05 p95 mean\n",
                      err);
    if (rc != 0)
        return rc;
    for (size_t k = 0; k < n; k++) {
        const dd_run *r = &runs[order[k]];
        size_t mi = (size_t)dd_run_metric_index(r, metric);
        dat_block(d.f, k, "scenario", r->name);
        quantile_rows(d.f, r, dd_run_all(r), mi, overlay_cols);
    }
    if ((rc = out_close(&d, 0, err)) != 0)
        return rc;

    static const char *const keys[] = {"shading: middle 50% of replications",
                                       "dashed: median exit month, where most left"};
    /* A taller canvas for a longer key keeps the plot itself the same size. */
    int more = compare_key_rows(runs, order, n, keys, 2, 1040);
    out_file g;
    if ((rc = gp_open(&g, dir, &t, 1040, 580 + KEY_ROW_H * more, 1.0, "set title", err)) != 0)
        return rc;
    FILE *f = g.f;
    gp_time_axis(f, first, last, "Month (ticks mark years)");
    gp_y_from_zero(f, axis);
    gp_key_below(f, more);
    int obj = 0;
    for (size_t k = 0; k < n; k++) {
        const dd_run *r = &runs[order[k]];
        if (!marks_exit(r))
            continue;
        char m[DD_MONTH_STR];
        month_str(r->exit_p50, m);
        fprintf(f,
                "  set arrow %d from \"%s\", graph 0 to \"%s\", graph 1 nohead dt 2 lw 1.5 lc rgb "
                "\"%s\"\n",
                ++obj, m, m, colour_of(k));
    }
    fprintf(f, "  plot \\\n");
    for (size_t k = 0; k < n; k++) {
        fprintf(f,
                "       datafile index %zu using 1:2:4 with filledcurves lc rgb \"%s\" fs "
                "transparent solid 0.15 notitle, \\\n",
                k, colour_of(k));
        fprintf(f, "       datafile index %zu using 1:3 with lines lw 2.5 lc rgb \"%s\" title ", k,
                colour_of(k));
        gp_scenario_title(f, &runs[order[k]], k);
    }
    gp_key_entry(f, "boxes fs transparent solid 0.3 lc rgb \"#888888\"", keys[0], 0);
    gp_key_entry(f, "lines dt 2 lw 1.5 lc rgb \"#555555\"", keys[1], 1);
    if ((rc = gp_close(&g, err)) != 0)
        return rc;
    fmt(t.caption, sizeof t.caption,
        "%s for the whole country, one colour per scenario: the line is the median of the "
        "replications, the shading their middle half, the dashed vertical line the scenario's "
        "median exit month (drawn only where at least half of the replications left). Where "
        "scenarios coincide, the one drawn last (lowest in the legend) hides the others. Where "
        "the shadings of two scenarios overlap, single replications of the two often cross; the "
        "paired differences in the table say how often one is above the other.",
        title_w);
    return set_add(set, t.stem, t.title, t.caption, err);
}

/* Summary statistics needed for an interval chart, or 0 when a run lacks the measure. */
static int summary_of(const dd_run *r, const char *measure, const dd_summary_row **out)
{
    *out = dd_run_summary(r, measure);
    return *out != NULL;
}

/* ------------------------------------------------- cost_vacuum labels */

/*
 * The cost_vacuum chart names each point. Names of points that lie close
 * together must not print over each other, so drawdown places them itself:
 * it works out where gnuplot will draw each point, in pixels, and gives each
 * name the first of a few spots around its point that is clear of the names
 * already placed, of every point's marker and of the plot's edges, and, where
 * one can be, of the error bars too.
 */

/* Canvas of the chart, in pixels. */
#define CV_WIDTH 1000
#define CV_HEIGHT 600

/*
 * The plot area inside that canvas, in pixels. gnuplot 5.4 gives 875 x 394
 * (pngcairo) and 885 x 385 (svg), less when the y tic labels are wider, so
 * a little less is assumed: names then stand a little further apart than
 * computed, never closer.
 */
#define CV_PLOT_W (0.85 * CV_WIDTH)
#define CV_PLOT_H (0.62 * CV_HEIGHT)

/*
 * Size of a name in the ",10" font: pngcairo draws DejaVu Sans at 10 points
 * about 6.4 pixels a character, svg a little less; 7 leaves room. Names
 * keep CV_GAP pixels apart.
 */
#define CV_CHAR_W 7.0
#define CV_TEXT_H 14.0
#define CV_GAP 2.0

/* Half the side of a marker (pt 7 ps 1.4: a disc about 12 pixels across in PNG, 16 in SVG). */
#define CV_MARK 8.0

/* Half the thickness of an error bar, with its end ticks (lw 3 for the CI). */
#define CV_BAR 3.0

/* A rectangle, y up: in pixels, or in data units for the extent of the axes. */
typedef struct cv_box {
    double x0, y0, x1, y1;
} cv_box;

/*
 * A spot for a name: where its anchor sits relative to the point, in
 * pixels, and which way the text runs from the anchor (1: to the right,
 * "left" justified; -1: to the left, "right" justified; 0: centred).
 * gnuplot centres a label's text vertically on its anchor.
 */
typedef struct cv_spot {
    double dx, dy;
    int side;
} cv_spot;

/*
 * The spots in order of preference: beside the point, above then below,
 * right then left (clear of the marker and of the point's own error bars,
 * which run through the point); then a line further out; then centred over
 * or under the point; last level with it, across any horizontal bar.
 */
static const cv_spot cv_spots[] = {
    {11, 12, 1},   {11, -12, 1},   {-11, 12, -1}, {-11, -12, -1}, {11, 27, 1}, {11, -27, 1},
    {-11, 27, -1}, {-11, -27, -1}, {0, 20, 0},    {0, -20, 0},    {11, 42, 1}, {11, -42, 1},
    {-11, 42, -1}, {-11, -42, -1}, {0, 35, 0},    {0, -35, 0},    {14, 0, 1},  {-14, 0, -1}};
#define CV_N_SPOTS (sizeof cv_spots / sizeof cv_spots[0])

/*
 * One name being placed, in pixels of the plot area: its point, the extent
 * of the point's error bars (both intervals), the width of its text; then
 * the spot chosen and the box the text takes there.
 */
typedef struct cv_label {
    double x, y, w;
    double bx0, bx1, by0, by1;
    int ok; /* the point has finite coordinates */
    size_t spot;
    cv_box box;
} cv_label;

/*
 * The range gnuplot's autoscale gives an axis whose data span [lo, hi],
 * under `set offsets graph 0.08` on both sides: an empty range is widened
 * by 1% of its value (by 1 at zero), as gnuplot does; the offsets add 8% of
 * the span at each end; the ends then move out to whole tics, with the tic
 * step gnuplot picks (quantize_normal_tics, guide of 20). The chart fixes
 * its ranges to these, so the places computed for the names are where
 * gnuplot draws them, and the axes look as autoscaled ones would.
 */
static void cv_range(double lo, double hi, double *out_lo, double *out_hi)
{
    if (!isfinite(lo) || !isfinite(hi))
        lo = hi = 0.0;
    if (!(hi > lo)) {
        double half = lo != 0.0 ? 0.01 * fabs(lo) : 1.0;
        lo -= half;
        hi += half;
    }
    double pad = 0.08 * (hi - lo);
    lo -= pad;
    hi += pad;
    double power = pow(10.0, floor(log10(hi - lo)));
    double xnorm = (hi - lo) / power;
    double posns = 20.0 / xnorm;
    double step = posns > 40    ? 0.05
                  : posns > 20  ? 0.1
                  : posns > 10  ? 0.2
                  : posns > 4   ? 0.5
                  : posns > 2   ? 1.0
                  : posns > 0.5 ? 2.0
                                : ceil(xnorm);
    step *= power;
    /* The tolerance keeps an end that is a tic already, give or take rounding, where it is. */
    *out_lo = step * floor(lo / step + 1e-9);
    *out_hi = step * ceil(hi / step - 1e-9);
}

/* Widen [*lo, *hi] to take in v, when v is a number. */
static void cv_take(double v, double *lo, double *hi)
{
    if (isfinite(v)) {
        *lo = fmin(*lo, v);
        *hi = fmax(*hi, v);
    }
}

/* Characters in a UTF-8 name (bytes that do not continue a character). */
static size_t cv_chars(const char *s)
{
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++)
        n += (*p & 0xC0) != 0x80;
    return n;
}

/* The box a name of width w takes at spot s of the point (x, y). */
static cv_box cv_text_box(double x, double y, double w, const cv_spot *s)
{
    double left = x + s->dx - (s->side > 0 ? 0.0 : s->side < 0 ? w : w / 2);
    double mid = y + s->dy;
    cv_box b = {left, mid - CV_TEXT_H / 2, left + w, mid + CV_TEXT_H / 2};
    return b;
}

/* Area two boxes share, after growing a by `grow` on every side. */
static double cv_overlap(cv_box a, cv_box b, double grow)
{
    double w = fmin(a.x1 + grow, b.x1) - fmax(a.x0 - grow, b.x0);
    double h = fmin(a.y1 + grow, b.y1) - fmax(a.y0 - grow, b.y0);
    return w > 0 && h > 0 ? w * h : 0.0;
}

/* Area of a box outside the plot area [0, CV_PLOT_W] x [0, CV_PLOT_H]. */
static double cv_outside(cv_box b)
{
    cv_box plot = {0.0, 0.0, CV_PLOT_W, CV_PLOT_H};
    return (b.x1 - b.x0) * (b.y1 - b.y0) - cv_overlap(b, plot, 0.0);
}

/*
 * How badly a name's box b fits when names 0..i-1 are placed: `hard` is the
 * area it shares with those names (kept CV_GAP apart), with any marker and
 * outside the plot area; `soft` the area it shares with error bars, which
 * text may cross where nothing better is left.
 */
static void cv_fit(const cv_label *lab, size_t n, size_t i, cv_box b, double *hard, double *soft)
{
    *hard = cv_outside(b);
    *soft = 0.0;
    for (size_t j = 0; j < n; j++) {
        if (!lab[j].ok)
            continue;
        if (j < i)
            *hard += cv_overlap(lab[j].box, b, CV_GAP);
        cv_box m = {lab[j].x - CV_MARK, lab[j].y - CV_MARK, lab[j].x + CV_MARK, lab[j].y + CV_MARK};
        cv_box h = {lab[j].bx0, lab[j].y - CV_BAR, lab[j].bx1, lab[j].y + CV_BAR};
        cv_box v = {lab[j].x - CV_BAR, lab[j].by0, lab[j].x + CV_BAR, lab[j].by1};
        *hard += cv_overlap(m, b, 0.0);
        *soft += cv_overlap(h, b, 0.0) + cv_overlap(v, b, 0.0);
    }
}

/*
 * Greedy placement, in the order of the labels (the baseline first): each
 * name takes the first spot where it touches nothing (cv_fit); where every
 * spot collides, the one with the least hard collision, then the least
 * soft one, the first of equals. The result depends on the inputs only.
 */
static void cv_place(cv_label *lab, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        lab[i].spot = 0;
        if (!lab[i].ok)
            continue;
        double best_hard = INFINITY, best_soft = INFINITY;
        for (size_t s = 0; s < CV_N_SPOTS && (best_hard > 0.0 || best_soft > 0.0); s++) {
            cv_box b = cv_text_box(lab[i].x, lab[i].y, lab[i].w, &cv_spots[s]);
            double hard, soft;
            cv_fit(lab, n, i, b, &hard, &soft);
            if (hard < best_hard || (hard == best_hard && soft < best_soft)) {
                best_hard = hard;
                best_soft = soft;
                lab[i].spot = s;
                lab[i].box = b;
            }
        }
    }
}

/*
 * Write cost_vacuum.dat, and fill lab[k] with the point of the k-th run and
 * the extent of its error bars (both intervals) in data units, troop-months
 * in thousands as plotted; *ax gets the extent of them all, since the axes
 * take in the bars as well as the means, as autoscale would.
 */
static int cv_data(const char *dir, const chart_text *t, const dd_run *runs, const size_t *order,
                   size_t n, cv_label *lab, cv_box *ax, dd_error *err)
{
    out_file d;
    int rc = dat_open(&d, dir, t,
                      "# troop-months in thousands; vacuum_index in share points\n"
                      "# scenario tm_mean tm_ci_low tm_ci_high tm_p05 tm_p95 vi_mean vi_ci_low "
                      "vi_ci_high vi_p05 vi_p95\n",
                      err);
    if (rc != 0)
        return rc;
    ax->x0 = ax->y0 = INFINITY;
    ax->x1 = ax->y1 = -INFINITY;
    for (size_t k = 0; k < n; k++) {
        const dd_run *r = &runs[order[k]];
        const dd_summary_row *x, *y;
        summary_of(r, "troop_months", &x);
        summary_of(r, "vacuum_index", &y);
        fprintf(d.f, "%s %.10g %.10g %.10g %.10g %.10g %.10g %.10g %.10g %.10g %.10g\n", r->name,
                x->mean / 1000, x->ci_low / 1000, x->ci_high / 1000, x->p05 / 1000, x->p95 / 1000,
                y->mean, y->ci_low, y->ci_high, y->p05, y->p95);
        cv_label *l = &lab[k];
        l->x = x->mean / 1000;
        l->y = y->mean;
        l->w = CV_CHAR_W * (double)cv_chars(r->name);
        l->bx0 = l->by0 = INFINITY;
        l->bx1 = l->by1 = -INFINITY;
        const double xs[] = {x->mean, x->ci_low, x->ci_high, x->p05, x->p95};
        const double ys[] = {y->mean, y->ci_low, y->ci_high, y->p05, y->p95};
        for (size_t v = 0; v < 5; v++) { /* cv_take passes over a missing (NaN) value */
            cv_take(xs[v] / 1000, &l->bx0, &l->bx1);
            cv_take(ys[v], &l->by0, &l->by1);
        }
        ax->x0 = fmin(ax->x0, l->bx0);
        ax->x1 = fmax(ax->x1, l->bx1);
        ax->y0 = fmin(ax->y0, l->by0);
        ax->y1 = fmax(ax->y1, l->by1);
    }
    return out_close(&d, 0, err);
}

/*
 * Write cost_vacuum.gp: for each run its two intervals, its point and its
 * name at the spot cv_place chose, on the axes `ax` (data units).
 */
static int cv_script(const char *dir, const chart_text *t, const dd_run *runs, const size_t *order,
                     size_t n, const cv_label *lab, cv_box ax, dd_error *err)
{
    static const char *const keys[] = {"thick bars: 95% CI of the mean",
                                       "thin bars: 5th to 95th percentile"};
    /* A longer key gets a taller canvas, so the plot area, for which the names were placed
       (CV_PLOT_H), keeps its size. */
    int more = compare_key_rows(runs, order, n, keys, 2, CV_WIDTH);
    int height = CV_HEIGHT + KEY_ROW_H * more;
    out_file g;
    int rc = gp_open(&g, dir, t, CV_WIDTH, height, 1.0, "set title", err);
    if (rc != 0)
        return rc;
    FILE *f = g.f;
    fprintf(f,
            "  set xlabel \"Troop-months: uniformed personnel x months deployed (thousands)\"\n");
    fprintf(f, "  set ylabel \"vacuum_index (share points)\"\n  set grid\n");
    gp_key_below(f, more);
    /* Fixed ranges (those autoscale would pick, see cv_range): the names were placed for them. */
    fprintf(f, "  set xrange [%.10g:%.10g]\n  set yrange [%.10g:%.10g]\n", ax.x0, ax.x1, ax.y0,
            ax.y1);
    fprintf(f, "  set xzeroaxis lt 0 lw 1.5 lc rgb \"#000000\"\n");
    fprintf(f, "  plot \\\n");
    for (size_t k = 0; k < n; k++) {
        fprintf(f,
                "       datafile every ::%zu::%zu using 2:7:5:6:10:11 with xyerrorbars lw 1 pt -1 "
                "lc rgb \"%s\" notitle, \\\n",
                k, k, colour_of(k));
        fprintf(f,
                "       datafile every ::%zu::%zu using 2:7:3:4:8:9 with xyerrorbars lw 3 pt 7 "
                "ps 1.4 lc rgb \"%s\" title ",
                k, k, colour_of(k));
        gp_scenario_title(f, &runs[order[k]], k);
        /* Each name where cv_place put it; screen offsets are pixels on every terminal. */
        const cv_spot *sp = &cv_spots[lab[k].spot];
        fprintf(f,
                "       datafile every ::%zu::%zu using 2:7:1 with labels offset screen %.4f,%.4f "
                "%s font \",10\" tc rgb \"%s\" notitle, \\\n",
                k, k, sp->dx / CV_WIDTH, sp->dy / height,
                sp->side > 0   ? "left"
                : sp->side < 0 ? "right"
                               : "center",
                colour_of(k));
    }
    gp_key_entry(f, "lines lw 3 lc rgb \"#555555\"", keys[0], 0);
    gp_key_entry(f, "lines lw 1 lc rgb \"#555555\"", keys[1], 1);
    return gp_close(&g, err);
}

static int chart_cost_vacuum(const char *dir, const dd_run *runs, const size_t *order, size_t n,
                             dd_chart_set *set, dd_error *err)
{
    const dd_summary_row *x, *y;
    for (size_t k = 0; k < n; k++)
        if (!summary_of(&runs[order[k]], "troop_months", &x) ||
            !summary_of(&runs[order[k]], "vacuum_index", &y))
            return 0;
    chart_text t;
    fmt(t.stem, sizeof t.stem, "cost_vacuum");
    fmt(t.title, sizeof t.title, "Cost against security vacuum, by scenario");
    fmt(t.source, sizeof t.source, "summary.csv of each run (troop_months, vacuum_index)");
    cv_label *lab = malloc((n > 0 ? n : 1) * sizeof *lab);
    if (lab == NULL)
        return dd_error_set(err, DD_ENOMEM, NULL, 0, "out of memory");
    cv_box ax;
    int rc = cv_data(dir, &t, runs, order, n, lab, &ax, err);
    if (rc == 0) {
        /* The axes as gnuplot will draw them, then every point and bar in pixels. */
        cv_range(ax.x0, ax.x1, &ax.x0, &ax.x1);
        cv_range(ax.y0, ax.y1, &ax.y0, &ax.y1);
        const double sx = CV_PLOT_W / (ax.x1 - ax.x0), sy = CV_PLOT_H / (ax.y1 - ax.y0);
        for (size_t k = 0; k < n; k++) {
            cv_label *l = &lab[k];
            l->x = (l->x - ax.x0) * sx;
            l->y = (l->y - ax.y0) * sy;
            l->ok = isfinite(l->x) && isfinite(l->y);
            l->bx0 = (l->bx0 - ax.x0) * sx;
            l->bx1 = (l->bx1 - ax.x0) * sx;
            l->by0 = (l->by0 - ax.y0) * sy;
            l->by1 = (l->by1 - ax.y0) * sy;
        }
        cv_place(lab, n);
        rc = cv_script(dir, &t, runs, order, n, lab, ax, err);
    }
    free(lab);
    if (rc != 0)
        return rc;
    fmt(t.caption, sizeof t.caption,
        "Each scenario is a point: how many troop-months it used (right: more cost) against how "
        "much armed-group control rose after the exit (up: a larger vacuum). Thick bars are the "
        "95%% confidence intervals of the two means; thin bars show where 90%% of single "
        "replications fell. A scenario below and to the left of another was cheaper and left "
        "less of a vacuum. A mission that never leaves has a vacuum_index of 0 by definition, "
        "which is not the same as a safe exit.");
    return set_add(set, t.stem, t.title, t.caption, err);
}

static int chart_relapse(const char *dir, const dd_run *runs, const size_t *order, size_t n,
                         dd_chart_set *set, dd_error *err)
{
    const dd_summary_row *s;
    for (size_t k = 0; k < n; k++)
        if (!summary_of(&runs[order[k]], "relapse", &s))
            return 0;
    chart_text t;
    long window = (long)runs[order[0]].input.params.relapse_window_months;
    fmt(t.stem, sizeof t.stem, "relapse");
    fmt(t.title, sizeof t.title,
        "Relapse into heavier violence within %ld months of the exit, by scenario", window);
    fmt(t.source, sizeof t.source, "summary.csv of each run (relapse)");
    out_file d;
    int rc = dat_open(&d, dir, &t, "# position scenario percent ci_low ci_high colour\n", err);
    if (rc != 0)
        return rc;
    for (size_t k = 0; k < n; k++) {
        const dd_run *r = &runs[order[k]];
        summary_of(r, "relapse", &s);
        unsigned long col = strtoul(colour_of(k) + 1, NULL, 16);
        fprintf(d.f, "%zu %s %.10g %.10g %.10g %lu\n", k, r->name, 100 * s->mean,
                100 * fmax(0.0, s->ci_low), 100 * fmin(1.0, s->ci_high), col);
    }
    if ((rc = out_close(&d, 0, err)) != 0)
        return rc;
    out_file g;
    if ((rc = gp_open(&g, dir, &t, (int)(n > 4 ? 260 + 110 * n : 800), 560, 1.0, "set title",
                      err)) != 0)
        return rc;
    FILE *f = g.f;
    fprintf(f, "  set xlabel \"Scenario\"\n  set ylabel \"Relapse probability (%% of "
               "replications)\"\n");
    fprintf(f, "  set yrange [0:*]\n  set xrange [-0.6:%zu.6]\n  set grid ytics\n", n - 1);
    fprintf(f, "  set boxwidth 0.6\n  set style fill solid 0.8 noborder\n");
    gp_key_below(f, 0);
    if (n > 4)
        fprintf(f, "  set xtics rotate by -25 left\n");
    fprintf(f, "  plot datafile using 1:3:6:xtic(2) with boxes lc rgb variable title \"share of "
               "replications that relapsed\", \\\n");
    fprintf(f, "       datafile using 1:3:4:5 with yerrorbars pt -1 lw 2 lc rgb \"#000000\" title "
               "\"95%% confidence interval\", \\\n");
    fprintf(f, "       datafile using 1:5:(sprintf(\"%%.0f%%%%\", $3)) with labels offset 0,0.8 "
               "notitle\n");
    if ((rc = gp_close(&g, err)) != 0)
        return rc;
    fmt(t.caption, sizeof t.caption,
        "The share of replications in which violence relapsed after the exit: mean monthly "
        "deaths in the %ld months after the exit more than %.3g times those of the %ld months "
        "before. Black bars are 95%% confidence intervals. A mission that never leaves cannot "
        "relapse by this definition.",
        window, runs[order[0]].input.params.relapse_ratio,
        (long)runs[order[0]].input.params.relapse_baseline_months);
    return set_add(set, t.stem, t.title, t.caption, err);
}

int dd_chart_compare(const char *dir, const dd_run *runs, size_t n, size_t baseline,
                     dd_chart_set *set, dd_error *err)
{
    size_t *order = malloc((n + 1) * sizeof *order);
    if (order == NULL)
        return dd_error_set(err, DD_ENOMEM, NULL, 0, "out of memory");
    order[0] = baseline;
    for (size_t i = 0, k = 1; i < n; i++)
        if (i != baseline)
            order[k++] = i;
    int rc = 0;
    for (size_t k = 0; rc == 0 && k < N_FAN; k++)
        rc = chart_compare_fan(dir, runs, order, n, fan_metrics[k], set, err);
    if (rc == 0)
        rc = chart_cost_vacuum(dir, runs, order, n, set, err);
    if (rc == 0)
        rc = chart_relapse(dir, runs, order, n, set, err);
    if (rc == 0)
        rc = chart_map(dir, "compare_map_control", runs, order, n, "each scenario", set, err);
    free(order);
    return rc;
}

/* ------------------------------------------------------------ rendering */

/* Marker a child writes to its error file when exec itself failed. */
#define EXEC_FAILED "drawdown: cannot start gnuplot\n"

/* First line of a file, for an error message ("" when unreadable). */
static void first_line(const char *path, char *buf, size_t size)
{
    buf[0] = '\0';
    FILE *f = fopen(path, "r");
    if (f == NULL)
        return;
    /* gnuplot echoes the failing line, then a line with a caret, then the message:
       keep the first line that says something. */
    char line[512];
    while (fgets(line, sizeof line, f) != NULL) {
        line[strcspn(line, "\r\n")] = '\0';
        char *p = line;
        while (*p == ' ' || *p == '\t' || *p == '^')
            p++;
        if (*p == '\0')
            continue;
        snprintf(buf, size, "%s", p);
        if (strstr(p, "line") != NULL || strstr(p, "rror") != NULL)
            break;
    }
    fclose(f);
}

/* Start gnuplot on one script; returns the pid or -1. */
static pid_t spawn(const char *dir, const char *gnuplot, const char *script, const char *errfile)
{
    pid_t pid = fork();
    if (pid != 0)
        return pid; /* parent (or -1) */
    /* Child: only async-signal-safe calls until exec. */
    int fd = open(errfile, O_WRONLY | O_CREAT | O_TRUNC, 0666);
    if (fd >= 0) {
        dup2(fd, 2);
        close(fd);
    }
    int devnull = open("/dev/null", O_RDWR);
    if (devnull >= 0) {
        dup2(devnull, 0);
        dup2(devnull, 1);
        close(devnull);
    }
    if (chdir(dir) != 0)
        _exit(126);
    char *const argv[] = {(char *)gnuplot, (char *)script, NULL};
    execvp(gnuplot, argv);
    ssize_t w = write(2, EXEC_FAILED, sizeof EXEC_FAILED - 1);
    (void)w;
    _exit(127);
}

/* Whether a file exists and is not empty. */
static int nonempty(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0;
}

int dd_chart_render(const char *dir, const dd_chart_set *set, const char *gnuplot, int jobs,
                    dd_error *err)
{
    if (jobs < 1)
        jobs = 1;
    if (set->n == 0)
        return 0;
    /* The error files are absolute or relative to our cwd; the child runs in dir. */
    pid_t *pids = calloc(set->n, sizeof *pids);
    int *status = calloc(set->n, sizeof *status);
    if (pids == NULL || status == NULL) {
        free(pids);
        free(status);
        return dd_error_set(err, DD_ENOMEM, NULL, 0, "out of memory");
    }
    int rc = 0, running = 0;
    size_t next = 0, done = 0;
    while (done < set->n) {
        while (rc == 0 && next < set->n && running < jobs) {
            char script[128], errfile[1400];
            snprintf(script, sizeof script, "%s.gp", set->items[next].name);
            snprintf(errfile, sizeof errfile, "%s/%s.err", dir, set->items[next].name);
            pid_t pid = spawn(dir, gnuplot, script, errfile);
            if (pid < 0) {
                rc = dd_error_set(err, DD_ERUN, NULL, 0, "cannot start gnuplot: %s",
                                  strerror(errno));
                break;
            }
            pids[next++] = pid;
            running++;
        }
        if (running == 0)
            break;
        int st;
        pid_t pid = waitpid(-1, &st, 0);
        if (pid < 0) {
            if (errno == EINTR)
                continue;
            rc = dd_error_set(err, DD_ERUN, NULL, 0, "waiting for gnuplot: %s", strerror(errno));
            break;
        }
        for (size_t i = 0; i < next; i++)
            if (pids[i] == pid) {
                status[i] = st;
                pids[i] = 0;
                running--;
                done++;
                break;
            }
    }
    /* Reap any child still running after a failure to start another. */
    for (size_t i = 0; i < next; i++)
        if (pids[i] > 0) {
            int st;
            while (waitpid(pids[i], &st, 0) < 0 && errno == EINTR) {
            }
            status[i] = st;
        }
    for (size_t i = 0; i < next; i++) {
        const char *name = set->items[i].name;
        char errfile[1400], svg[1400], png[1400], why[600];
        snprintf(errfile, sizeof errfile, "%s/%s.err", dir, name);
        snprintf(svg, sizeof svg, "%s/%s.svg", dir, name);
        snprintf(png, sizeof png, "%s/%s.png", dir, name);
        int st = status[i];
        if (rc == 0) {
            if (WIFEXITED(st) && WEXITSTATUS(st) == 127) {
                first_line(errfile, why, sizeof why);
                if (strstr(why, "cannot start gnuplot") != NULL)
                    rc = dd_error_set(err, DD_ERUN, NULL, 0,
                                      "gnuplot (%s) not found: install it with sudo apt-get "
                                      "install gnuplot-nox",
                                      gnuplot);
            }
            if (rc == 0 && (!WIFEXITED(st) || WEXITSTATUS(st) != 0)) {
                first_line(errfile, why, sizeof why);
                if (WIFEXITED(st))
                    rc = dd_error_set(err, DD_ERUN, NULL, 0,
                                      "%s/%s.gp: gnuplot failed (exit %d): %s", dir, name,
                                      WEXITSTATUS(st), why[0] ? why : "no message");
                else
                    rc = dd_error_set(err, DD_ERUN, NULL, 0,
                                      "%s/%s.gp: gnuplot was killed (signal %d)", dir, name,
                                      WIFSIGNALED(st) ? WTERMSIG(st) : 0);
            }
            if (rc == 0 && (!nonempty(svg) || !nonempty(png)))
                rc = dd_error_set(err, DD_ERUN, NULL, 0, "%s/%s.gp: gnuplot wrote no %s", dir, name,
                                  nonempty(svg) ? "PNG image" : "SVG image");
        }
        remove(errfile);
    }
    free(pids);
    free(status);
    return rc;
}

/* ------------------------------------------------ for other chart writers */

int dd_chart_set_add(dd_chart_set *set, const char *name, const char *title, const char *caption,
                     dd_error *err)
{
    return set_add(set, name, title, caption, err);
}

void dd_chart_script_begin(FILE *f, const char *stem, const char *title, const char *source,
                           int width, int height)
{
    gp_begin_scaled(f, stem, title, source, width, height, 1.0);
}

void dd_chart_script_end(FILE *f)
{
    gp_end(f);
}

/* ----------------------------------------------------------- charts.csv */

static int put_field(FILE *f, const char *s)
{
    if (strpbrk(s, ",\"\r\n") == NULL)
        return fputs(s, f) == EOF ? -1 : 0;
    if (fputc('"', f) == EOF)
        return -1;
    for (const char *p = s; *p; p++) {
        if (*p == '"' && fputc('"', f) == EOF)
            return -1;
        if (fputc(*p, f) == EOF)
            return -1;
    }
    return fputc('"', f) == EOF ? -1 : 0;
}

int dd_chart_write_index(FILE *f, const dd_chart_set *set, dd_error *err)
{
    int bad = fputs("name,title,caption\n", f) == EOF;
    for (size_t i = 0; !bad && i < set->n; i++) {
        const dd_chart *c = &set->items[i];
        bad = put_field(f, c->name) != 0 || fputc(',', f) == EOF || put_field(f, c->title) != 0 ||
              fputc(',', f) == EOF || put_field(f, c->caption) != 0 || fputc('\n', f) == EOF;
    }
    if (bad)
        return dd_error_set(err, DD_EIO, NULL, 0, "cannot write charts.csv: %s", strerror(errno));
    return 0;
}

int dd_chart_write_index_file(const char *charts_dir, const dd_chart_set *set, dd_error *err)
{
    out_file o;
    int rc = out_open(&o, charts_dir, "charts", "csv", err);
    if (rc == 0)
        rc = out_close(&o, dd_chart_write_index(o.f, set, err), err);
    return rc;
}

int dd_chart_read_index(const char *path, dd_chart_set *set, dd_error *err)
{
    memset(set, 0, sizeof *set);
    dd_table t;
    int rc = dd_table_load(path, &t, err);
    if (rc != 0)
        return rc;
    static const char *const head[] = {"name", "title", "caption"};
    rc = dd_table_expect_header(&t, head, 3, 1, err);
    for (size_t i = 0; rc == 0 && i < t.n_rows; i++) {
        const char *name = dd_table_cell(&t, i, 0);
        int ok = name[0] != '\0' && strlen(name) < sizeof set->items[0].name;
        for (const char *p = name; ok && *p; p++)
            ok = (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_' || *p == '-';
        if (!ok)
            rc = dd_error_set(err, DD_ECONFIG, path, t.line[i], "bad chart name \"%s\"", name);
        else
            rc = set_add(set, name, dd_table_cell(&t, i, 1), dd_table_cell(&t, i, 2), err);
    }
    dd_table_free(&t);
    if (rc != 0)
        dd_chart_set_free(set);
    return rc;
}

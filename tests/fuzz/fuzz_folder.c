/*
 * fuzz_folder: libFuzzer targets for the readers of results folders, built
 * twice (tests/fuzz/CMakeLists.txt; optional build, `make fuzz`; README.md,
 * "Fuzzing"):
 *   fuzz_results  a run folder, read by dd_run_load (compare and report);
 *   fuzz_compare  a comparison folder, read by dd_compare_load (report),
 *                 built with -DDD_FUZZ_COMPARE.
 *
 * A results folder can be edited by hand, copied half-way or cut short, and
 * the analysis must then refuse it with one line naming the file, never read
 * past a buffer or divide by garbage. Each input is one file of a real
 * folder (DD_FUZZ_FOLDER, written by tests/fuzz/run.sh from small
 * scenarios): its first byte picks which (a run's run.cfg is not fuzzed: the
 * manifest guards it by its SHA-256), the rest is the file's new content.
 * The private copy of the folder links the other files to the original.
 * What must hold: the folder loads, or is refused with a known code and a
 * one-line message; a loaded folder answers every lookup within its arrays.
 */
#define _XOPEN_SOURCE 700 /* realpath, mkdtemp, symlink */

#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dd_compare.h"
#include "dd_results.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#ifdef DD_FUZZ_COMPARE
#define TARGET "fuzz_compare"
static const char *const files[] = {"compare.csv", "scenarios.csv", "manifest.txt"};
enum { N_FUZZED = 3, N_FILES = 3 };
#else
#define TARGET "fuzz_results"
static const char *const files[] = {"summary.csv", "replications.csv", "monthly.csv",
                                    "manifest.txt", "run.cfg"};
enum { N_FUZZED = 4, N_FILES = 5 };
#endif

static char folder[256];
static char base[4096];

static void die(const char *what, const char *detail)
{
    fprintf(stderr, TARGET ": %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
    abort();
}

static void path_of(char *buf, size_t size, const char *dir, const char *name)
{
    snprintf(buf, size, "%s/%s", dir, name);
}

/* Point the private copy's `name` at the base folder's file. */
static void link_file(const char *name)
{
    char from[4400], to[400];
    path_of(from, sizeof from, base, name);
    path_of(to, sizeof to, folder, name);
    unlink(to);
    if (symlink(from, to) != 0)
        die("cannot link", to);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    const char *given = getenv("DD_FUZZ_FOLDER");
    if (given == NULL || realpath(given, base) == NULL)
        die("set DD_FUZZ_FOLDER to a results folder (tests/fuzz/run.sh does)", given);
    const char *tmp = getenv("TMPDIR");
    snprintf(folder, sizeof folder, "%s/dd-fuzz-folder-XXXXXX", tmp != NULL ? tmp : "/tmp");
    if (mkdtemp(folder) == NULL)
        die("cannot make a folder", folder);
    for (int i = 0; i < N_FILES; i++)
        link_file(files[i]);
    return 0;
}

#ifdef DD_FUZZ_COMPARE
static int load(const char *dir, dd_error *err)
{
    dd_comparison c;
    int rc = dd_compare_load(dir, &c, err);
    if (rc == DD_OK) {
        volatile double sink = 0.0;
        for (size_t i = 0; i < c.n_rows; i++) {
            if (c.rows[i].scenario >= c.n_scen)
                die("a row names a scenario that is not there", c.rows[i].measure);
            const dd_compare_row *row =
                dd_comparison_row(&c, c.rows[i].measure, c.rows[i].scenario);
            if (row == NULL)
                die("a row cannot be looked up", c.rows[i].measure);
            sink += row->d.diff;
        }
        for (size_t k = 0; k < c.n_scen; k++)
            sink += c.scen[k].exited_share + c.scen[k].state_end[0];
        (void)sink;
    }
    dd_comparison_free(&c);
    return rc;
}
#else
static int load(const char *dir, dd_error *err)
{
    dd_run run;
    int rc = dd_run_load(dir, &run, err);
    if (rc == DD_OK) {
        volatile double sink = 0.0;
        for (size_t i = 0; i < run.n_summary; i++) {
            const dd_summary_row *row = dd_run_summary(&run, run.summary[i].measure);
            if (row == NULL)
                die("a summary row cannot be looked up", run.summary[i].measure);
            sink += row->mean;
        }
        for (int t = 0; t < run.months; t++)
            for (size_t p = 0; p < run.n_places; p++)
                for (size_t m = 0; m < run.n_metrics; m++) {
                    const double *cell = dd_run_cell(&run, t, p, m);
                    if (cell != NULL)
                        sink += cell[DD_MS_P50];
                }
        for (long r = 0; r < run.replications; r++)
            for (size_t k = 0; k < run.n_measures; k++)
                sink += run.value[k * (size_t)run.replications + (size_t)r];
        (void)sink;
    }
    dd_run_free(&run);
    return rc;
}
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    const char *name = files[data[0] % N_FUZZED];
    char path[400];
    path_of(path, sizeof path, folder, name);
    unlink(path);
    FILE *f = fopen(path, "wb");
    if (f == NULL || fwrite(data + 1, 1, size - 1, f) != size - 1 || fclose(f) != 0)
        die("cannot write", path);

    dd_error err;
    dd_error_clear(&err);
    int rc = load(folder, &err);
    if (rc != DD_OK) {
        if (rc != DD_ECONFIG && rc != DD_ERANGE && rc != DD_ENOMEM && rc != DD_EIO)
            die("unexpected error code", err.msg);
        if (err.code != rc || err.msg[0] == '\0' || strchr(err.msg, '\n') != NULL)
            die("error without a one-line message", err.msg);
    }
    link_file(name);
    return 0;
}

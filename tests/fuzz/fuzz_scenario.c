/*
 * fuzz_scenario: libFuzzer target for the scenario loader (optional build,
 * `make fuzz`; README.md, "Fuzzing").
 *
 * Each input is written as a scenario file into a private folder that also
 * holds the shipped Mali base files, so inputs that @include "base.cfg"
 * reach the whole loader. What must hold for every input:
 *   - loading either succeeds or fails with a known error code and a
 *     one-line message (no crash, leak or undefined behaviour: the build
 *     adds AddressSanitizer and UndefinedBehaviorSanitizer);
 *   - a scenario that loads is written out (dd_scenario_write), that text
 *     loads again, and writing the second load gives the same bytes
 *     (the run.cfg promise: a run reruns from its own record);
 *   - a small scenario that loads runs one replication whose observations
 *     are all finite.
 * A broken property aborts, which libFuzzer reports as a crash with the input.
 */
#define _POSIX_C_SOURCE 200809L

#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dd_model.h"
#include "dd_rng.h"
#include "dd_scenario.h"

/* Region-months above which the replication check is skipped (keeps each input fast). */
#define RUN_REGION_MONTHS_MAX 4000

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char folder[256];
static char scenario_path[300];
static char again_path[300];

static void die(const char *what, const char *detail)
{
    fprintf(stderr, "fuzz_scenario: %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
    abort();
}

static void put_file(const char *path, const void *data, size_t size)
{
    FILE *f = fopen(path, "wb");
    if (f == NULL || fwrite(data, 1, size, f) != size || fclose(f) != 0)
        die("cannot write", path);
}

/* Link the shipped base files into the private folder (DD_FUZZ_SCENARIOS is set by CMake). */
static void link_bases(void)
{
    static const char *const bases[] = {"base.cfg", "base-mission.cfg", "base-partners.cfg"};
    for (size_t i = 0; i < sizeof bases / sizeof bases[0]; i++) {
        char from[512], to[512];
        snprintf(from, sizeof from, "%s/%s", DD_FUZZ_SCENARIOS, bases[i]);
        snprintf(to, sizeof to, "%s/%s", folder, bases[i]);
        if (symlink(from, to) != 0)
            die("cannot link", to);
    }
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    const char *tmp = getenv("TMPDIR");
    snprintf(folder, sizeof folder, "%s/dd-fuzz-XXXXXX", tmp != NULL ? tmp : "/tmp");
    if (mkdtemp(folder) == NULL)
        die("cannot make a folder", folder);
    snprintf(scenario_path, sizeof scenario_path, "%s/input.cfg", folder);
    snprintf(again_path, sizeof again_path, "%s/again.cfg", folder);
    link_bases();
    return 0;
}

/* The resolved scenario as text (malloc'd), or abort. */
static char *written(const dd_input *in, size_t *len)
{
    char *buf = NULL;
    FILE *mem = open_memstream(&buf, len);
    if (mem == NULL)
        die("open_memstream failed", NULL);
    dd_error err;
    dd_error_clear(&err);
    int rc = dd_scenario_write(mem, in, &err);
    if (fclose(mem) != 0 || rc != DD_OK)
        die("a loaded scenario cannot be written", err.msg);
    return buf;
}

static void check_error(int rc, const dd_error *err)
{
    if (rc != DD_ECONFIG && rc != DD_ERANGE && rc != DD_ENOMEM && rc != DD_EIO)
        die("unexpected error code", err->msg);
    if (err->code != rc || err->msg[0] == '\0' || strchr(err->msg, '\n') != NULL)
        die("error without a one-line message", err->msg);
}

static void check_round_trip(const dd_input *in)
{
    size_t len1 = 0, len2 = 0;
    char *first = written(in, &len1);
    put_file(again_path, first, len1);
    dd_input again;
    dd_error err;
    dd_error_clear(&err);
    if (dd_scenario_load(again_path, &again, &err) != DD_OK)
        die("the written scenario does not load", err.msg);
    char *second = written(&again, &len2);
    if (len1 != len2 || memcmp(first, second, len1) != 0)
        die("writing the reloaded scenario gives other bytes", NULL);
    dd_input_free(&again);
    free(first);
    free(second);
}

static void check_run(const dd_input *in)
{
    if ((double)in->months * (double)in->n_regions > RUN_REGION_MONTHS_MAX)
        return;
    dd_model *m = NULL;
    dd_error err;
    dd_error_clear(&err);
    int rc = dd_model_alloc(&m, in, &err);
    if (rc == DD_ENOMEM)
        return;
    if (rc != DD_OK)
        die("a loaded scenario makes no model", err.msg);
    const size_t stride = dd_model_obs_stride(m), n = (size_t)dd_model_months(m) * stride;
    dd_state *a = dd_state_alloc(m), *b = dd_state_alloc(m);
    gsl_rng *rng = dd_rng_alloc();
    double *series = calloc(n, sizeof *series), *scratch = calloc(stride, sizeof *scratch);
    if (a != NULL && b != NULL && rng != NULL && series != NULL && scratch != NULL) {
        dd_stream st = {rng, in->seed, 0};
        dd_outcome o;
        dd_model_run(m, &st, a, b, series, scratch, &o);
        for (size_t i = 0; i < n; i++)
            if (!isfinite(series[i]))
                die("a replication gave a non-finite observation", NULL);
    }
    free(series);
    free(scratch);
    gsl_rng_free(rng);
    dd_state_free(a);
    dd_state_free(b);
    dd_model_free(m);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    put_file(scenario_path, data, size);
    dd_input in;
    dd_error err;
    dd_error_clear(&err);
    int rc = dd_scenario_load(scenario_path, &in, &err);
    if (rc != DD_OK) {
        check_error(rc, &err);
        return 0;
    }
    check_round_trip(&in);
    check_run(&in);
    dd_input_free(&in);
    return 0;
}

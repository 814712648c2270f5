/*
 * dd_scenario: scenario files (libconfig) to and from dd_input; see
 * dd_scenario.h and scenarios/README.md.
 *
 * Loading walks the parsed tree group by group. Each group first has its
 * keys checked against the known ones (so a typo is reported as a typo, not
 * as a missing key), then each value is read with its type and range checked
 * at the line of the setting itself. dd_input_validate runs last as a
 * backstop for the checks that span several settings.
 *
 * libconfig 1.5 records the file of a setting from an @include as the name
 * written in the @include, not as the path it opened; resolve_file() turns it
 * back into the path so that messages point at a file the user can open.
 */
#define _POSIX_C_SOURCE 200809L /* getline */

#include "dd_scenario.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <libconfig.h>

#include "dd_month.h"
#include "dd_params.h"
#include "dd_policy.h"

#if defined(__GNUC__)
#define DD_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
#else
#define DD_PRINTF(fmt, args)
#endif

/* Room for a resolved file name (Linux PATH_MAX). */
#define PATH_BUF 4096
/* Room for a prefix such as `region "Kidal": `, and for a prefix plus a key. */
#define LABEL_BUF 192
#define WHAT_BUF (2 * LABEL_BUF)
/* Room for a " (did you mean ...?)" or " (known: ...)" hint. */
#define HINT_BUF 320
/* Longest word the edit distance is computed for; longer ones get no hint. */
#define EDIT_MAX 64

#define REPLICATIONS_MAX 100000000LL
/* Shares given by hand are summed with rounding; same slack as dd_input.c. */
#define SHARE_SUM_TOL 1e-6

#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))

/* ------------------------------------------------------------------ */
/* Loader state and error reporting                                    */
/* ------------------------------------------------------------------ */

typedef struct loader {
    dd_input *in;
    dd_error *err;
    const char *path;   /* the scenario file as given */
    const char *incdir; /* folder @include names are relative to, or NULL */
} loader;

/* The path of the file a setting came from, as the user can open it. */
static void resolve_file(const loader *ld, const char *src, char *buf, size_t size)
{
    if (src == NULL || strcmp(src, ld->path) == 0 || ld->incdir == NULL || src[0] == '/') {
        snprintf(buf, size, "%s", src != NULL ? src : ld->path);
        return;
    }
    size_t n = strlen(ld->incdir);
    const char *sep = (n > 0 && ld->incdir[n - 1] == '/') ? "" : "/";
    snprintf(buf, size, "%s%s%s", ld->incdir, sep, src);
}

/*
 * File and line of a setting. libconfig takes a string's line after reading
 * the token that follows it (adjacent strings are joined), so a string that
 * ends a line inside an array or list is placed on the next token's line;
 * settings with a name and numbers are exact. The root carries line 0, so
 * walk up to the nearest setting that has a line; the root stands for line 1
 * of the top file (used for missing top-level keys).
 */
static void setting_place(const loader *ld, const config_setting_t *s, char *file, size_t size,
                          int *line)
{
    while (s != NULL && !config_setting_is_root(s) && config_setting_source_line(s) == 0)
        s = config_setting_parent(s);
    if (s == NULL || config_setting_is_root(s)) {
        resolve_file(ld, NULL, file, size);
        *line = 1;
        return;
    }
    resolve_file(ld, config_setting_source_file(s), file, size);
    *line = (int)config_setting_source_line(s);
}

static int fail_at(const loader *ld, const config_setting_t *s, int code, const char *fmt, ...)
    DD_PRINTF(4, 5);

/* Record an error located at setting s (NULL or root: line 1 of the top file). */
static int fail_at(const loader *ld, const config_setting_t *s, int code, const char *fmt, ...)
{
    char file[PATH_BUF];
    char msg[DD_ERROR_MSG_MAX];
    int line;
    setting_place(ld, s, file, sizeof file, &line);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return dd_error_set(ld->err, code, file, line, "%s", msg);
}

/* A second definition of a name; the first is named by line, or file and line. */
static int fail_twice(const loader *ld, const config_setting_t *s, const char *what,
                      const char *name, dd_srcloc first)
{
    char file[PATH_BUF];
    int line;
    setting_place(ld, s, file, sizeof file, &line);
    if (first.file != NULL && strcmp(first.file, file) == 0)
        return fail_at(ld, s, DD_ECONFIG, "%s \"%s\" is defined twice (first at line %d)", what,
                       name, first.line);
    return fail_at(ld, s, DD_ECONFIG, "%s \"%s\" is defined twice (first at %s:%d)", what, name,
                   first.file != NULL ? first.file : "?", first.line);
}

static int out_of_memory(const loader *ld)
{
    return dd_error_set(ld->err, DD_ENOMEM, ld->path, 0, "out of memory");
}

/* Store where a setting was written; the file name is interned in the input. */
static int set_loc(const loader *ld, const config_setting_t *s, dd_srcloc *loc)
{
    char file[PATH_BUF];
    int line;
    setting_place(ld, s, file, sizeof file, &line);
    loc->file = dd_input_intern_file(ld->in, file);
    loc->line = line;
    return loc->file != NULL ? DD_OK : out_of_memory(ld);
}

/* ------------------------------------------------------------------ */
/* Suggestions for misspelt names                                      */
/* ------------------------------------------------------------------ */

/* Levenshtein distance; SIZE_MAX when a word is too long to bother. */
static size_t edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > EDIT_MAX || lb > EDIT_MAX)
        return SIZE_MAX;
    size_t prev[EDIT_MAX + 1], cur[EDIT_MAX + 1];
    for (size_t j = 0; j <= lb; j++)
        prev[j] = j;
    for (size_t i = 1; i <= la; i++) {
        cur[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t sub = prev[j - 1] + (a[i - 1] != b[j - 1]);
            size_t del = prev[j] + 1;
            size_t ins = cur[j - 1] + 1;
            size_t best = sub < del ? sub : del;
            cur[j] = best < ins ? best : ins;
        }
        memcpy(prev, cur, (lb + 1) * sizeof prev[0]);
    }
    return prev[lb];
}

/* A set of known names, read through a function so any table can serve. */
typedef struct names {
    const char *(*get)(const void *ctx, size_t i);
    const void *ctx;
    size_t n;
    int list; /* 1: list them all when none is close; 0: too many to list */
} names;

static const char *name_of_string(const void *ctx, size_t i)
{
    return ((const char *const *)ctx)[i];
}

static const char *name_of_param(const void *ctx, size_t i)
{
    return ((const dd_param_info *)ctx)[i].name;
}

static const char *name_of_mech(const void *ctx, size_t i)
{
    (void)ctx;
    return dd_mech_name((dd_mech)i);
}

static const char *name_of_role(const void *ctx, size_t i)
{
    (void)ctx;
    return dd_role_name((dd_role)i);
}

static const char *name_of_event(const void *ctx, size_t i)
{
    (void)ctx;
    return dd_event_name((dd_event_type)i);
}

static const char *name_of_policy(const void *ctx, size_t i)
{
    (void)ctx;
    const dd_policy_type *t = dd_policy_get((dd_policy_kind)i);
    return t != NULL ? t->name : "?";
}

static const char *name_of_allocation(const void *ctx, size_t i)
{
    (void)ctx;
    return dd_allocation_name((dd_allocation)i);
}

static const char *name_of_onfail(const void *ctx, size_t i)
{
    (void)ctx;
    return dd_onfail_name((dd_onfail)i);
}

static const char *name_of_region(const void *ctx, size_t i)
{
    return ((const dd_input *)ctx)->regions[i].name;
}

/*
 * Write the hint that follows an unknown name: the nearest known name when it
 * is close enough to be a typo, else the known names (or `fallback`).
 */
static void hint(const char *word, const names *known, char quote, const char *fallback, char *buf,
                 size_t size)
{
    size_t limit = strlen(word) / 3;
    if (limit < 2)
        limit = 2;
    const char *best = NULL;
    size_t best_d = SIZE_MAX;
    for (size_t i = 0; i < known->n; i++) {
        size_t d = edit_distance(word, known->get(known->ctx, i));
        if (d < best_d) {
            best_d = d;
            best = known->get(known->ctx, i);
        }
    }
    if (best != NULL && best_d <= limit) {
        snprintf(buf, size, " (did you mean %c%s%c?)", quote, best, quote);
        return;
    }
    if (!known->list || known->n == 0) {
        snprintf(buf, size, "%s", fallback != NULL ? fallback : "");
        return;
    }
    size_t used = (size_t)snprintf(buf, size, " (known: ");
    for (size_t i = 0; i < known->n && used < size; i++) {
        const char *name = known->get(known->ctx, i);
        /* Leave room for ", ...)" so a long list is cut off visibly. */
        if (used + strlen(name) + 8 >= size) {
            snprintf(buf + used, size - used, ", ...)");
            return;
        }
        used += (size_t)snprintf(buf + used, size - used, "%s%s", i > 0 ? ", " : "", name);
    }
    if (used < size)
        snprintf(buf + used, size - used, ")");
}

/*
 * The known names as `"a", "b" or "c"` (quote 0: without quotes), for
 * messages that say what is allowed; built from the table so it cannot go
 * stale.
 */
static void name_list(const names *known, char quote, char *buf, size_t size)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < known->n && used < size; i++) {
        const char *sep = i == 0 ? "" : i + 1 == known->n ? " or " : ", ";
        if (quote != 0)
            used += (size_t)snprintf(buf + used, size - used, "%s%c%s%c", sep, quote,
                                     known->get(known->ctx, i), quote);
        else
            used += (size_t)snprintf(buf + used, size - used, "%s%s", sep,
                                     known->get(known->ctx, i));
    }
}

/* Reject any key of `group` that is not in `keys`. */
static int check_keys(const loader *ld, const config_setting_t *group, const char *const *keys,
                      size_t n_keys, const char *where)
{
    const names known = {name_of_string, keys, n_keys, 1};
    int len = config_setting_length(group);
    for (int i = 0; i < len; i++) {
        const config_setting_t *s = config_setting_get_elem(group, (unsigned)i);
        const char *name = config_setting_name(s);
        int found = 0;
        for (size_t k = 0; k < n_keys && !found; k++)
            found = strcmp(keys[k], name) == 0;
        if (!found) {
            char h[HINT_BUF];
            hint(name, &known, '\'', NULL, h, sizeof h);
            return fail_at(ld, s, DD_ECONFIG, "unknown key '%s' %s%s", name, where, h);
        }
    }
    return DD_OK;
}

/* ------------------------------------------------------------------ */
/* Typed values                                                        */
/* ------------------------------------------------------------------ */

static const char *type_name(const config_setting_t *s)
{
    switch (config_setting_type(s)) {
    case CONFIG_TYPE_GROUP:
        return "a group";
    case CONFIG_TYPE_INT:
    case CONFIG_TYPE_INT64:
        return "an integer";
    case CONFIG_TYPE_FLOAT:
        return "a float";
    case CONFIG_TYPE_STRING:
        return "a string";
    case CONFIG_TYPE_BOOL:
        return "a boolean";
    case CONFIG_TYPE_ARRAY:
        return "an array";
    case CONFIG_TYPE_LIST:
        return "a list";
    default:
        return "empty";
    }
}

static int get_string(const loader *ld, const config_setting_t *s, const char *what,
                      const char **out)
{
    if (config_setting_type(s) != CONFIG_TYPE_STRING)
        return fail_at(ld, s, DD_ECONFIG, "%s must be a string in double quotes, not %s", what,
                       type_name(s));
    *out = config_setting_get_string(s);
    return DD_OK;
}

static int get_real(const loader *ld, const config_setting_t *s, const char *what, double *out)
{
    double v;
    switch (config_setting_type(s)) {
    case CONFIG_TYPE_INT:
        v = (double)config_setting_get_int(s);
        break;
    case CONFIG_TYPE_INT64:
        v = (double)config_setting_get_int64(s);
        break;
    case CONFIG_TYPE_FLOAT:
        v = config_setting_get_float(s);
        break;
    default:
        return fail_at(ld, s, DD_ECONFIG, "%s must be a number, not %s", what, type_name(s));
    }
    if (!isfinite(v))
        return fail_at(ld, s, DD_ERANGE, "%s must be a finite number", what);
    *out = v;
    return DD_OK;
}

/* What a real value must satisfy. */
typedef enum { REAL_COUNT, REAL_POSITIVE, REAL_SHARE } real_kind;

static int get_real_in(const loader *ld, const config_setting_t *s, const char *what,
                       real_kind kind, double *out)
{
    double v = 0.0;
    int rc = get_real(ld, s, what, &v);
    if (rc != DD_OK)
        return rc;
    switch (kind) {
    case REAL_COUNT:
        if (v < 0.0)
            return fail_at(ld, s, DD_ERANGE, "%s = %.10g must be >= 0", what, v);
        break;
    case REAL_POSITIVE:
        if (v <= 0.0)
            return fail_at(ld, s, DD_ERANGE, "%s = %.10g must be > 0", what, v);
        break;
    case REAL_SHARE:
        if (v < 0.0 || v > 1.0)
            return fail_at(ld, s, DD_ERANGE, "%s = %.10g is a share and must be in [0, 1]", what,
                           v);
        break;
    }
    *out = v;
    return DD_OK;
}

/*
 * A number that may also be exactly -1, the value that switches it off
 * (`off` says what -1 means, for the message); any other value must be of
 * the given kind. Settings like this are written as -1 in run.cfg when off.
 */
static int get_real_or_off(const loader *ld, const config_setting_t *s, const char *what,
                           real_kind kind, const char *off, double *out)
{
    double v = 0.0;
    int rc = get_real(ld, s, what, &v);
    if (rc != DD_OK)
        return rc;
    if (v == -1.0) {
        *out = v;
        return DD_OK;
    }
    switch (kind) {
    case REAL_COUNT:
        if (v < 0.0)
            return fail_at(ld, s, DD_ERANGE, "%s = %.10g must be >= 0, or -1 for %s", what, v,
                           off);
        break;
    case REAL_POSITIVE:
        if (v <= 0.0)
            return fail_at(ld, s, DD_ERANGE, "%s = %.10g must be > 0, or -1 for %s", what, v,
                           off);
        break;
    case REAL_SHARE:
        if (v < 0.0 || v > 1.0)
            return fail_at(ld, s, DD_ERANGE,
                           "%s = %.10g is a share and must be in [0, 1], or -1 for %s", what, v,
                           off);
        break;
    }
    *out = v;
    return DD_OK;
}

static int get_integer(const loader *ld, const config_setting_t *s, const char *what, long long lo,
                       long long hi, long long *out)
{
    long long v = 0;
    switch (config_setting_type(s)) {
    case CONFIG_TYPE_INT:
        v = config_setting_get_int(s);
        break;
    case CONFIG_TYPE_INT64:
        v = config_setting_get_int64(s);
        break;
    case CONFIG_TYPE_FLOAT:
        return fail_at(ld, s, DD_ECONFIG,
                       "%s must be an integer, not a float (write it without a decimal point)",
                       what);
    default:
        return fail_at(ld, s, DD_ECONFIG, "%s must be an integer, not %s", what, type_name(s));
    }
    if (v < lo || v > hi) {
        if (hi == LLONG_MAX)
            return fail_at(ld, s, DD_ERANGE, "%s = %lld must be >= %lld", what, v, lo);
        return fail_at(ld, s, DD_ERANGE, "%s = %lld must be in [%lld, %lld]", what, v, lo, hi);
    }
    *out = v;
    return DD_OK;
}

static int get_month(const loader *ld, const config_setting_t *s, const char *what, int *out)
{
    const char *text = NULL;
    int rc = get_string(ld, s, what, &text);
    if (rc != DD_OK)
        return rc;
    if (dd_month_parse(text, out) != 0)
        return fail_at(ld, s, DD_ECONFIG,
                       "%s: bad date \"%s\" (expected \"YYYY-MM\" with a four-digit year "
                       "1900-2999 and a two-digit month 01-12, e.g. \"2013-07\")",
                       what, text);
    return DD_OK;
}

/*
 * A month read from `s` must lie inside the simulated months (start and
 * months are loaded first). Fails with "<what> <month> is outside the
 * simulated months <first> to <last>" at s's line.
 */
static int check_horizon(const loader *ld, const config_setting_t *s, const char *what, int month)
{
    const dd_input *in = ld->in;
    if (month >= in->start_month && month < in->start_month + in->months)
        return DD_OK;
    char a[DD_MONTH_STR], b[DD_MONTH_STR], c[DD_MONTH_STR];
    dd_month_format(month, a);
    dd_month_format(in->start_month, b);
    dd_month_format(in->start_month + in->months - 1, c);
    return fail_at(ld, s, DD_ERANGE, "%s %s is outside the simulated months %s to %s", what, a, b,
                   c);
}

static int name_chars_ok(const char *name)
{
    if (name[0] == '\0' || name[0] == '.')
        return 0;
    for (const char *p = name; *p != '\0'; p++) {
        unsigned char c = (unsigned char)*p;
        if (!(isalnum(c) || c == '_' || c == '-' || c == '.') || c > 127)
            return 0;
    }
    return 1;
}

/* Copy a name (scenario, region, partner) into a fixed buffer, checking it. */
static int get_name(const loader *ld, const config_setting_t *s, const char *what,
                    char dst[DD_NAME_MAX])
{
    const char *text = NULL;
    int rc = get_string(ld, s, what, &text);
    if (rc != DD_OK)
        return rc;
    if (strlen(text) >= DD_NAME_MAX)
        return fail_at(ld, s, DD_ERANGE, "%s \"%.20s...\" is too long (at most %d characters)",
                       what, text, DD_NAME_MAX - 1);
    if (!name_chars_ok(text))
        return fail_at(ld, s, DD_ERANGE,
                       "%s \"%s\" must be non-empty and use only letters, digits, '_', '-' and "
                       "'.' (not first)",
                       what, text);
    memcpy(dst, text, strlen(text) + 1);
    return DD_OK;
}

static void label(char buf[WHAT_BUF], const char *prefix, const char *key)
{
    snprintf(buf, WHAT_BUF, "%s%s", prefix, key);
}

/* ------------------------------------------------------------------ */
/* Schedules                                                           */
/* ------------------------------------------------------------------ */

static int load_schedule(const loader *ld, const config_setting_t *s, const char *what,
                         dd_schedule *out)
{
    int len = config_setting_length(s);
    /* An empty [] parses as an array; it is as good as an empty list. */
    if (!(config_setting_is_list(s) || (config_setting_is_array(s) && len == 0)))
        return fail_at(ld, s, DD_ECONFIG,
                       "%s must be a list of (\"YYYY-MM\", number) pairs, e.g. "
                       "( (\"2013-07\", 5200), (\"2014-01\", 6000) )",
                       what);
    if (len == 0)
        return DD_OK;
    out->points = calloc((size_t)len, sizeof *out->points);
    if (out->points == NULL)
        return out_of_memory(ld);
    out->n = (size_t)len;
    char what_value[WHAT_BUF];
    snprintf(what_value, sizeof what_value, "%s: value", what);
    for (int k = 0; k < len; k++) {
        const config_setting_t *e = config_setting_get_elem(s, (unsigned)k);
        dd_point *pt = &out->points[k];
        if (!config_setting_is_list(e) || config_setting_length(e) != 2)
            return fail_at(ld, e, DD_ECONFIG,
                           "%s: each point must be a (\"YYYY-MM\", number) pair, not %s", what,
                           type_name(e));
        int rc;
        if ((rc = get_month(ld, config_setting_get_elem(e, 0), what, &pt->month)) != DD_OK ||
            (rc = get_real_in(ld, config_setting_get_elem(e, 1), what_value, REAL_COUNT,
                              &pt->value)) != DD_OK ||
            (rc = set_loc(ld, e, &pt->loc)) != DD_OK)
            return rc;
        if (k > 0 && pt->month <= out->points[k - 1].month) {
            char a[DD_MONTH_STR], b[DD_MONTH_STR];
            dd_month_format(out->points[k - 1].month, a);
            dd_month_format(pt->month, b);
            return fail_at(ld, e, DD_ERANGE,
                           "%s: date %s is not after the previous date %s (dates must increase)",
                           what, b, a);
        }
    }
    return DD_OK;
}

/* ------------------------------------------------------------------ */
/* Regions                                                             */
/* ------------------------------------------------------------------ */

static const char *const region_keys[] = {
    "name",          "population",      "neighbours",  "armed_strength",
    "armed_control", "state_authority", "host_forces", "displaced",
    "troop_share",   "police_share",    "map",
};

/* Which regions gave a per-region share: the first that did and the first that did not. */
typedef struct share_seen {
    long given;   /* index of the first region with the key, or -1 */
    long missing; /* index of the first region without it, or -1 */
} share_seen;

static int load_share(const loader *ld, const config_setting_t *group, const char *key,
                      const char *prefix, size_t index, double *out, share_seen *seen)
{
    const config_setting_t *m = config_setting_get_member(group, key);
    if (m == NULL) {
        if (seen->missing < 0)
            seen->missing = (long)index;
        return DD_OK;
    }
    if (seen->given < 0)
        seen->given = (long)index;
    char what[WHAT_BUF];
    label(what, prefix, key);
    return get_real_in(ld, m, what, REAL_SHARE, out);
}

static int load_region(const loader *ld, const config_setting_t *s, size_t i, share_seen *troop,
                       share_seen *police)
{
    dd_input *in = ld->in;
    dd_region *r = &in->regions[i];
    if (!config_setting_is_group(s))
        return fail_at(ld, s, DD_ECONFIG,
                       "regions[%zu] must be a group { name = \"...\"; population = ...; }, not %s",
                       i, type_name(s));

    /* Name the region in messages as soon as its name can be read. */
    char where[LABEL_BUF], prefix[LABEL_BUF];
    const config_setting_t *m = config_setting_get_member(s, "name");
    const char *shown = m != NULL ? config_setting_get_string(m) : NULL;
    if (shown != NULL && strlen(shown) < DD_NAME_MAX) {
        snprintf(where, sizeof where, "in region \"%s\"", shown);
        snprintf(prefix, sizeof prefix, "region \"%s\": ", shown);
    } else {
        snprintf(where, sizeof where, "in regions[%zu]", i);
        snprintf(prefix, sizeof prefix, "regions[%zu]: ", i);
    }
    int rc = check_keys(ld, s, region_keys, COUNT_OF(region_keys), where);
    if (rc != DD_OK)
        return rc;

    if (m == NULL)
        return fail_at(ld, s, DD_ECONFIG, "regions[%zu] has no 'name'", i);
    if ((rc = get_name(ld, m, "region name", r->name)) != DD_OK)
        return rc;
    for (size_t j = 0; j < i; j++)
        if (strcmp(in->regions[j].name, r->name) == 0)
            return fail_twice(ld, m, "region", r->name, in->regions[j].loc);
    if ((rc = set_loc(ld, s, &r->loc)) != DD_OK)
        return rc;

    char what[WHAT_BUF];
    m = config_setting_get_member(s, "population");
    if (m == NULL)
        return fail_at(ld, s, DD_ECONFIG, "region \"%s\" has no 'population'", r->name);
    label(what, prefix, "population");
    if ((rc = get_real_in(ld, m, what, REAL_POSITIVE, &r->population)) != DD_OK)
        return rc;

    r->state_authority = 0.5;
    static const struct {
        const char *key;
        real_kind kind;
        size_t offset;
    } optional[] = {
        {"armed_strength", REAL_COUNT, offsetof(dd_region, armed_strength)},
        {"armed_control", REAL_SHARE, offsetof(dd_region, armed_control)},
        {"state_authority", REAL_SHARE, offsetof(dd_region, state_authority)},
        {"host_forces", REAL_COUNT, offsetof(dd_region, host_forces)},
        {"displaced", REAL_COUNT, offsetof(dd_region, displaced)},
    };
    for (size_t k = 0; k < COUNT_OF(optional); k++) {
        m = config_setting_get_member(s, optional[k].key);
        if (m == NULL)
            continue;
        label(what, prefix, optional[k].key);
        double *field = (double *)(void *)((char *)r + optional[k].offset);
        if ((rc = get_real_in(ld, m, what, optional[k].kind, field)) != DD_OK)
            return rc;
    }
    if (r->displaced > r->population)
        return fail_at(ld, config_setting_get_member(s, "displaced"), DD_ERANGE,
                       "region \"%s\": displaced = %.10g exceeds the population %.10g", r->name,
                       r->displaced, r->population);

    if ((rc = load_share(ld, s, "troop_share", prefix, i, &r->troop_share, troop)) != DD_OK ||
        (rc = load_share(ld, s, "police_share", prefix, i, &r->police_share, police)) != DD_OK)
        return rc;

    m = config_setting_get_member(s, "map");
    if (m != NULL) {
        if (!(config_setting_is_array(m) || config_setting_is_list(m)) ||
            config_setting_length(m) != 2)
            return fail_at(ld, m, DD_ECONFIG,
                           "region \"%s\": map must be an [x, y] pair of numbers, e.g. [3.0, 1.5]",
                           r->name);
        label(what, prefix, "map");
        if ((rc = get_real(ld, config_setting_get_elem(m, 0), what, &r->map_x)) != DD_OK ||
            (rc = get_real(ld, config_setting_get_elem(m, 1), what, &r->map_y)) != DD_OK)
            return rc;
        r->has_map = 1;
    }
    return DD_OK;
}

static int add_neighbour(const loader *ld, dd_region *r, size_t j)
{
    for (size_t k = 0; k < r->n_neighbours; k++)
        if (r->neighbours[k] == j)
            return DD_OK;
    size_t *grown = realloc(r->neighbours, (r->n_neighbours + 1) * sizeof *grown);
    if (grown == NULL)
        return out_of_memory(ld);
    r->neighbours = grown;
    r->neighbours[r->n_neighbours++] = j;
    return DD_OK;
}

static int cmp_size(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return (x > y) - (x < y);
}

/* Region index of a name, or an error with the nearest region name. */
static int find_region(const loader *ld, const config_setting_t *s, const char *name,
                       const char *context, size_t *out)
{
    long idx = dd_input_region_index(ld->in, name);
    if (idx >= 0) {
        *out = (size_t)idx;
        return DD_OK;
    }
    const names known = {name_of_region, ld->in, ld->in->n_regions, 1};
    char h[HINT_BUF];
    hint(name, &known, '"', NULL, h, sizeof h);
    return fail_at(ld, s, DD_ECONFIG, "%s: unknown region \"%s\"%s", context, name, h);
}

/* Neighbours need every region name, so they are read in a second pass. */
static int load_neighbours(const loader *ld, const config_setting_t *s, size_t i)
{
    dd_input *in = ld->in;
    const config_setting_t *m = config_setting_get_member(s, "neighbours");
    if (m == NULL)
        return DD_OK;
    char context[LABEL_BUF];
    snprintf(context, sizeof context, "region \"%s\": neighbours", in->regions[i].name);
    if (!(config_setting_is_array(m) || config_setting_is_list(m)))
        return fail_at(ld, m, DD_ECONFIG,
                       "%s must be an array of region names, e.g. [\"Gao\", \"Mopti\"]", context);
    int len = config_setting_length(m);
    for (int k = 0; k < len; k++) {
        const config_setting_t *e = config_setting_get_elem(m, (unsigned)k);
        const char *name = NULL;
        size_t j = 0;
        int rc;
        if ((rc = get_string(ld, e, context, &name)) != DD_OK ||
            (rc = find_region(ld, e, name, context, &j)) != DD_OK)
            return rc;
        if (j == i)
            return fail_at(ld, e, DD_ECONFIG, "region \"%s\" lists itself as a neighbour", name);
        for (int l = 0; l < k; l++) {
            const char *prev = config_setting_get_string(config_setting_get_elem(m, (unsigned)l));
            if (prev != NULL && strcmp(prev, name) == 0)
                return fail_at(ld, e, DD_ECONFIG, "%s lists \"%s\" twice", context, name);
        }
        /* The relation is symmetric: listing it on either side is enough. */
        if ((rc = add_neighbour(ld, &in->regions[i], j)) != DD_OK ||
            (rc = add_neighbour(ld, &in->regions[j], i)) != DD_OK)
            return rc;
    }
    return DD_OK;
}

/* Resolve troop_share or police_share once every region has been read. */
static int finish_shares(const loader *ld, const config_setting_t *list, const char *key,
                         const share_seen *seen, size_t offset)
{
    dd_input *in = ld->in;
    if (seen->given >= 0 && seen->missing >= 0) {
        const dd_region *lacking = &in->regions[seen->missing];
        const dd_region *giving = &in->regions[seen->given];
        return fail_at(ld, config_setting_get_elem(list, (unsigned)seen->missing), DD_ECONFIG,
                       "region \"%s\" has no %s but region \"%s\" has one (give %s for every "
                       "region, or for none to share equally)",
                       lacking->name, key, giving->name, key);
    }
    if (seen->given < 0)
        for (size_t i = 0; i < in->n_regions; i++)
            *(double *)(void *)((char *)&in->regions[i] + offset) = 1.0 / (double)in->n_regions;
    return DD_OK;
}

static int load_regions(const loader *ld, const config_setting_t *root)
{
    dd_input *in = ld->in;
    const config_setting_t *list = config_setting_get_member(root, "regions");
    if (list == NULL)
        return fail_at(ld, root, DD_ECONFIG,
                       "missing required setting 'regions' (a list of region groups)");
    int len = config_setting_length(list);
    if (!(config_setting_is_list(list) || (config_setting_is_array(list) && len == 0)))
        return fail_at(ld, list, DD_ECONFIG,
                       "regions must be a list of groups: regions = ( { ... }, { ... } );");
    if (len == 0)
        return fail_at(ld, list, DD_ECONFIG, "regions is empty: a scenario needs at least one");
    in->regions = calloc((size_t)len, sizeof *in->regions);
    if (in->regions == NULL)
        return out_of_memory(ld);
    in->n_regions = (size_t)len;

    share_seen troop = {-1, -1}, police = {-1, -1};
    int rc;
    for (size_t i = 0; i < in->n_regions; i++)
        if ((rc = load_region(ld, config_setting_get_elem(list, (unsigned)i), i, &troop,
                              &police)) != DD_OK)
            return rc;
    for (size_t i = 0; i < in->n_regions; i++)
        if ((rc = load_neighbours(ld, config_setting_get_elem(list, (unsigned)i), i)) != DD_OK)
            return rc;
    /* Sorted lists make the loaded input independent of listing order. */
    for (size_t i = 0; i < in->n_regions; i++)
        if (in->regions[i].n_neighbours > 1)
            qsort(in->regions[i].neighbours, in->regions[i].n_neighbours, sizeof(size_t), cmp_size);
    if ((rc = finish_shares(ld, list, "troop_share", &troop, offsetof(dd_region, troop_share))) !=
            DD_OK ||
        (rc = finish_shares(ld, list, "police_share", &police,
                            offsetof(dd_region, police_share))) != DD_OK)
        return rc;
    return DD_OK;
}

/* ------------------------------------------------------------------ */
/* Mission and partners                                                */
/* ------------------------------------------------------------------ */

static const char *const mission_keys[] = {"troops", "police", "civilians", "allocation",
                                           "allocation_start"};

static int load_mission(const loader *ld, const config_setting_t *root)
{
    /* Without mission.allocation_start the allocation applies from the first month. */
    ld->in->allocation_start_month = ld->in->start_month;
    const config_setting_t *g = config_setting_get_member(root, "mission");
    if (g == NULL)
        return DD_OK;
    if (!config_setting_is_group(g))
        return fail_at(ld, g, DD_ECONFIG,
                       "mission must be a group { troops = (...); police = (...); }, not %s",
                       type_name(g));
    int rc = check_keys(ld, g, mission_keys, COUNT_OF(mission_keys), "in mission");
    if (rc != DD_OK)
        return rc;
    const config_setting_t *m;
    if ((m = config_setting_get_member(g, "troops")) != NULL &&
        (rc = load_schedule(ld, m, "mission.troops", &ld->in->troops)) != DD_OK)
        return rc;
    if ((m = config_setting_get_member(g, "police")) != NULL &&
        (rc = load_schedule(ld, m, "mission.police", &ld->in->police)) != DD_OK)
        return rc;
    if ((m = config_setting_get_member(g, "civilians")) != NULL &&
        (rc = load_schedule(ld, m, "mission.civilians", &ld->in->civilians)) != DD_OK)
        return rc;
    if ((m = config_setting_get_member(g, "allocation")) != NULL) {
        const char *name = NULL;
        if ((rc = get_string(ld, m, "mission.allocation", &name)) != DD_OK)
            return rc;
        int a = dd_allocation_lookup(name);
        if (a < 0) {
            const names known = {name_of_allocation, NULL, DD_ALLOC_COUNT, 1};
            char h[HINT_BUF];
            hint(name, &known, '"', NULL, h, sizeof h);
            return fail_at(ld, m, DD_ECONFIG, "unknown mission.allocation \"%s\"%s", name, h);
        }
        ld->in->allocation = (dd_allocation)a;
    }
    if ((m = config_setting_get_member(g, "allocation_start")) != NULL) {
        if ((rc = get_month(ld, m, "mission.allocation_start", &ld->in->allocation_start_month)) !=
                DD_OK ||
            (rc = check_horizon(ld, m, "mission.allocation_start =",
                                ld->in->allocation_start_month)) != DD_OK)
            return rc;
    }
    return DD_OK;
}

static const char *const partner_keys[] = {"name", "role", "strength", "regions",
                                           "leave_below_consent"};

static int check_share_sum(const loader *ld, const config_setting_t *s, const dd_partner *p)
{
    double sum = 0.0;
    for (size_t i = 0; i < ld->in->n_regions; i++)
        sum += p->region_share[i];
    if (fabs(sum - 1.0) > SHARE_SUM_TOL)
        return fail_at(ld, s, DD_ERANGE, "partner \"%s\": region shares sum to %.10g, not 1",
                       p->name, sum);
    return DD_OK;
}

/*
 * A partner's spread over regions: a group of region = share, a list of
 * ("region", share) pairs (written for region names that cannot be keys),
 * an array of names (equal shares) or nothing (in proportion to population).
 */
static int load_partner_regions(const loader *ld, const config_setting_t *s, dd_partner *p)
{
    dd_input *in = ld->in;
    char context[LABEL_BUF], what[WHAT_BUF];
    snprintf(context, sizeof context, "partner \"%s\": regions", p->name);
    int rc;
    if (s == NULL) {
        double total = 0.0;
        for (size_t i = 0; i < in->n_regions; i++)
            total += in->regions[i].population;
        for (size_t i = 0; i < in->n_regions; i++)
            p->region_share[i] = in->regions[i].population / total;
        return DD_OK;
    }
    int len = config_setting_length(s);
    if (config_setting_is_group(s)) {
        for (int k = 0; k < len; k++) {
            const config_setting_t *e = config_setting_get_elem(s, (unsigned)k);
            size_t j = 0;
            snprintf(what, sizeof what, "%s.%s", context, config_setting_name(e));
            if ((rc = find_region(ld, e, config_setting_name(e), context, &j)) != DD_OK ||
                (rc = get_real_in(ld, e, what, REAL_SHARE, &p->region_share[j])) != DD_OK)
                return rc;
        }
        return check_share_sum(ld, s, p);
    }
    if (!(config_setting_is_array(s) || config_setting_is_list(s)) || len == 0)
        return fail_at(ld, s, DD_ECONFIG,
                       "%s must be a group { Gao = 0.5; Kidal = 0.5; } or a non-empty array of "
                       "region names",
                       context);
    int pairs = config_setting_is_list(config_setting_get_elem(s, 0));
    for (int k = 0; k < len; k++) {
        const config_setting_t *e = config_setting_get_elem(s, (unsigned)k);
        const config_setting_t *name_s = e;
        if (pairs) {
            if (!config_setting_is_list(e) || config_setting_length(e) != 2)
                return fail_at(ld, e, DD_ECONFIG,
                               "%s: each entry must be a (\"region\", share) pair", context);
            name_s = config_setting_get_elem(e, 0);
        }
        const char *name = NULL;
        size_t j = 0;
        if ((rc = get_string(ld, name_s, context, &name)) != DD_OK ||
            (rc = find_region(ld, name_s, name, context, &j)) != DD_OK)
            return rc;
        for (int l = 0; l < k; l++) {
            const config_setting_t *prev = config_setting_get_elem(s, (unsigned)l);
            if (pairs)
                prev = config_setting_get_elem(prev, 0);
            if (strcmp(config_setting_get_string(prev), name) == 0)
                return fail_at(ld, name_s, DD_ECONFIG, "%s lists \"%s\" twice", context, name);
        }
        if (pairs) {
            snprintf(what, sizeof what, "%s.%s", context, name);
            if ((rc = get_real_in(ld, config_setting_get_elem(e, 1), what, REAL_SHARE,
                                  &p->region_share[j])) != DD_OK)
                return rc;
        } else {
            p->region_share[j] = 1.0 / (double)len;
        }
    }
    return check_share_sum(ld, s, p);
}

static int load_partner(const loader *ld, const config_setting_t *s, size_t i)
{
    dd_input *in = ld->in;
    dd_partner *p = &in->partners[i];
    if (!config_setting_is_group(s))
        return fail_at(ld, s, DD_ECONFIG,
                       "partners[%zu] must be a group { name = ...; role = ...; strength = ...; "
                       "}, not %s",
                       i, type_name(s));
    char where[LABEL_BUF];
    const config_setting_t *m = config_setting_get_member(s, "name");
    const char *shown = m != NULL ? config_setting_get_string(m) : NULL;
    if (shown != NULL && strlen(shown) < DD_NAME_MAX)
        snprintf(where, sizeof where, "in partner \"%s\"", shown);
    else
        snprintf(where, sizeof where, "in partners[%zu]", i);
    int rc = check_keys(ld, s, partner_keys, COUNT_OF(partner_keys), where);
    if (rc != DD_OK)
        return rc;

    if (m == NULL)
        return fail_at(ld, s, DD_ECONFIG, "partners[%zu] has no 'name'", i);
    if ((rc = get_name(ld, m, "partner name", p->name)) != DD_OK)
        return rc;
    for (size_t j = 0; j < i; j++)
        if (strcmp(in->partners[j].name, p->name) == 0)
            return fail_twice(ld, m, "partner", p->name, in->partners[j].loc);
    if ((rc = set_loc(ld, s, &p->loc)) != DD_OK)
        return rc;

    char what[WHAT_BUF];
    snprintf(what, sizeof what, "partner \"%s\": role", p->name);
    m = config_setting_get_member(s, "role");
    const names roles = {name_of_role, NULL, DD_ROLE_COUNT, 1};
    if (m == NULL) {
        char list[HINT_BUF];
        name_list(&roles, 0, list, sizeof list);
        return fail_at(ld, s, DD_ECONFIG, "partner \"%s\" has no 'role' (%s)", p->name, list);
    }
    const char *role = NULL;
    if ((rc = get_string(ld, m, what, &role)) != DD_OK)
        return rc;
    int r = dd_role_lookup(role);
    if (r < 0) {
        const names known = roles;
        char h[HINT_BUF];
        hint(role, &known, '"', NULL, h, sizeof h);
        return fail_at(ld, m, DD_ECONFIG, "partner \"%s\": unknown role \"%s\"%s", p->name, role,
                       h);
    }
    p->role = (dd_role)r;

    p->leave_below_consent = -1.0;
    if ((m = config_setting_get_member(s, "leave_below_consent")) != NULL) {
        snprintf(what, sizeof what, "partner \"%s\": leave_below_consent", p->name);
        if ((rc = get_real_or_off(ld, m, what, REAL_SHARE, "no such rule",
                                  &p->leave_below_consent)) != DD_OK)
            return rc;
    }

    m = config_setting_get_member(s, "strength");
    if (m == NULL)
        return fail_at(ld, s, DD_ECONFIG,
                       "partner \"%s\" has no 'strength' (a list of (\"YYYY-MM\", persons) pairs)",
                       p->name);
    snprintf(what, sizeof what, "partner \"%s\": strength", p->name);
    if ((rc = load_schedule(ld, m, what, &p->strength)) != DD_OK)
        return rc;

    p->region_share = calloc(in->n_regions, sizeof *p->region_share);
    if (p->region_share == NULL)
        return out_of_memory(ld);
    return load_partner_regions(ld, config_setting_get_member(s, "regions"), p);
}

static int load_partners(const loader *ld, const config_setting_t *root)
{
    dd_input *in = ld->in;
    const config_setting_t *list = config_setting_get_member(root, "partners");
    if (list == NULL)
        return DD_OK;
    int len = config_setting_length(list);
    if (!(config_setting_is_list(list) || (config_setting_is_array(list) && len == 0)))
        return fail_at(ld, list, DD_ECONFIG,
                       "partners must be a list of groups: partners = ( { ... }, { ... } );");
    if (len == 0)
        return DD_OK;
    in->partners = calloc((size_t)len, sizeof *in->partners);
    if (in->partners == NULL)
        return out_of_memory(ld);
    in->n_partners = (size_t)len;
    for (size_t i = 0; i < in->n_partners; i++) {
        int rc = load_partner(ld, config_setting_get_elem(list, (unsigned)i), i);
        if (rc != DD_OK)
            return rc;
    }
    return DD_OK;
}

/* ------------------------------------------------------------------ */
/* Events, policy, mechanisms, parameters                              */
/* ------------------------------------------------------------------ */

static const char *const event_keys[] = {"date", "type", "region", "magnitude"};

/* What an event's `magnitude` is, by event type (loader, writer and summary). */
typedef enum {
    MAG_NONE = 0, /* the event takes no magnitude */
    MAG_SHARE,    /* optional share; -1 (or absent): the default in `param` */
    MAG_TROOPS,   /* required count of troops */
    MAG_JOINING,  /* required count of people, > 0, joining a group in a required region */
} magnitude_kind;

typedef struct event_size {
    magnitude_kind kind;
    const char *falls;  /* MAG_SHARE: what falls by the magnitude */
    const char *param;  /* MAG_SHARE: the parameter that gives the default */
    const char *who;    /* MAG_JOINING: who join, in messages ("fighters") */
    const char *coming; /* MAG_JOINING: the magnitude in messages ("fighters arriving") */
    const char *unit;   /* MAG_JOINING: the magnitude's unit in summaries */
    const char *group;  /* MAG_JOINING: what they join, in summaries */
} event_size;

static const event_size event_sizes[DD_EVENT_COUNT] = {
    [DD_EVENT_CONSENT_REVOKED] = {MAG_NONE, NULL, NULL},
    [DD_EVENT_COUP] = {MAG_SHARE, "consent", "coup_consent_drop", NULL, NULL, NULL, NULL},
    [DD_EVENT_DISINFORMATION] = {MAG_SHARE, "legitimacy", "disinformation_legitimacy_drop", NULL,
                                 NULL, NULL, NULL},
    [DD_EVENT_CONTRIBUTOR_PULLOUT] = {MAG_TROOPS, NULL, NULL, NULL, NULL, NULL, NULL},
    [DD_EVENT_OFFENSIVE] = {MAG_JOINING, NULL, NULL, "fighters", "fighters arriving",
                            "fighter-equivalents", "the armed groups"},
    [DD_EVENT_MILITIA] = {MAG_JOINING, NULL, NULL, "members", "members joining", "members",
                          "community militias"},
};

static magnitude_kind event_magnitude_kind(dd_event_type t)
{
    return (t >= 0 && t < DD_EVENT_COUNT) ? event_sizes[t].kind : MAG_NONE;
}

/* An event's magnitude; `s` is the event's group, `type` its type setting. */
static int load_magnitude(const loader *ld, const config_setting_t *s, size_t i, dd_event *ev)
{
    const config_setting_t *m = config_setting_get_member(s, "magnitude");
    const char *name = dd_event_name(ev->type);
    char what[WHAT_BUF], off[LABEL_BUF];
    snprintf(what, sizeof what, "events[%zu].magnitude", i);
    ev->magnitude = -1.0;
    switch (event_magnitude_kind(ev->type)) {
    case MAG_NONE:
        if (m != NULL)
            return fail_at(ld, m, DD_ECONFIG, "events[%zu]: %s takes no 'magnitude'", i, name);
        return DD_OK;
    case MAG_SHARE:
        if (m == NULL)
            return DD_OK;
        snprintf(off, sizeof off, "the default, params.%s", event_sizes[ev->type].param);
        return get_real_or_off(ld, m, what, REAL_SHARE, off, &ev->magnitude);
    case MAG_TROOPS:
        if (m == NULL)
            return fail_at(ld, s, DD_ECONFIG, "events[%zu]: %s needs 'magnitude' (troops leaving)",
                           i, name);
        return get_real_in(ld, m, what, REAL_COUNT, &ev->magnitude);
    case MAG_JOINING: {
        const char *coming = event_sizes[ev->type].coming;
        if (m == NULL)
            return fail_at(ld, s, DD_ECONFIG, "events[%zu]: %s needs 'magnitude' (%s)", i, name,
                           coming);
        int rc = get_real_in(ld, m, what, REAL_POSITIVE, &ev->magnitude);
        if (rc != DD_OK)
            return rc;
        if (ev->magnitude > DD_OFFENSIVE_MAX)
            return fail_at(ld, m, DD_ERANGE, "%s = %.10g must be at most %g (%s)", what,
                           ev->magnitude, DD_OFFENSIVE_MAX, coming);
        return DD_OK;
    }
    }
    return DD_OK;
}

/*
 * An event's region: required by the types that act on one region (offensive, militia),
 * refused by the others, so that a region written on a coup is not silently ignored.
 */
static int load_event_region(const loader *ld, const config_setting_t *s, size_t i, dd_event *ev)
{
    const config_setting_t *m = config_setting_get_member(s, "region");
    const char *type = dd_event_name(ev->type);
    ev->region = -1;
    if (event_magnitude_kind(ev->type) != MAG_JOINING) {
        if (m != NULL)
            return fail_at(ld, m, DD_ECONFIG, "events[%zu]: %s takes no 'region'", i, type);
        return DD_OK;
    }
    if (m == NULL)
        return fail_at(ld, s, DD_ECONFIG, "events[%zu]: %s needs 'region' (the region the %s join)",
                       i, type, event_sizes[ev->type].who);
    char what[WHAT_BUF];
    snprintf(what, sizeof what, "events[%zu].region", i);
    const char *name = NULL;
    size_t j = 0;
    int rc;
    if ((rc = get_string(ld, m, what, &name)) != DD_OK ||
        (rc = find_region(ld, m, name, what, &j)) != DD_OK)
        return rc;
    ev->region = (long)j;
    return DD_OK;
}

static int load_events(const loader *ld, const config_setting_t *root)
{
    dd_input *in = ld->in;
    const config_setting_t *list = config_setting_get_member(root, "events");
    if (list == NULL)
        return DD_OK;
    int len = config_setting_length(list);
    if (!(config_setting_is_list(list) || (config_setting_is_array(list) && len == 0)))
        return fail_at(ld, list, DD_ECONFIG,
                       "events must be a list of groups: events = ( { date = \"YYYY-MM\"; "
                       "type = \"...\"; } );");
    if (len == 0)
        return DD_OK;
    in->events = calloc((size_t)len, sizeof *in->events);
    if (in->events == NULL)
        return out_of_memory(ld);
    in->n_events = (size_t)len;
    for (size_t i = 0; i < in->n_events; i++) {
        const config_setting_t *s = config_setting_get_elem(list, (unsigned)i);
        dd_event *ev = &in->events[i];
        char where[LABEL_BUF], what[WHAT_BUF];
        int rc;
        if (!config_setting_is_group(s))
            return fail_at(ld, s, DD_ECONFIG,
                           "events[%zu] must be a group { date = ...; type = ...; }, not %s", i,
                           type_name(s));
        snprintf(where, sizeof where, "in events[%zu]", i);
        if ((rc = check_keys(ld, s, event_keys, COUNT_OF(event_keys), where)) != DD_OK)
            return rc;
        const config_setting_t *date = config_setting_get_member(s, "date");
        const config_setting_t *type = config_setting_get_member(s, "type");
        if (date == NULL)
            return fail_at(ld, s, DD_ECONFIG, "events[%zu] has no 'date'", i);
        if (type == NULL)
            return fail_at(ld, s, DD_ECONFIG, "events[%zu] has no 'type'", i);
        snprintf(what, sizeof what, "events[%zu].date", i);
        if ((rc = get_month(ld, date, what, &ev->month)) != DD_OK)
            return rc;
        const char *name = NULL;
        snprintf(what, sizeof what, "events[%zu].type", i);
        if ((rc = get_string(ld, type, what, &name)) != DD_OK)
            return rc;
        int t = dd_event_lookup(name);
        if (t < 0) {
            const names known = {name_of_event, NULL, DD_EVENT_COUNT, 1};
            char h[HINT_BUF];
            hint(name, &known, '"', NULL, h, sizeof h);
            return fail_at(ld, type, DD_ECONFIG, "unknown event type \"%s\"%s", name, h);
        }
        ev->type = (dd_event_type)t;
        /* The date is what order and horizon checks complain about. */
        if ((rc = set_loc(ld, date, &ev->loc)) != DD_OK)
            return rc;
        snprintf(what, sizeof what, "events[%zu]: %s at", i, name);
        if ((rc = check_horizon(ld, date, what, ev->month)) != DD_OK)
            return rc;
        if (i > 0 && ev->month < in->events[i - 1].month) {
            char a[DD_MONTH_STR], b[DD_MONTH_STR];
            dd_month_format(ev->month, a);
            dd_month_format(in->events[i - 1].month, b);
            return fail_at(ld, date, DD_ERANGE,
                           "events[%zu]: date %s is before the previous event's date %s (events "
                           "must be listed in date order)",
                           i, a, b);
        }
        if ((rc = load_event_region(ld, s, i, ev)) != DD_OK ||
            (rc = load_magnitude(ld, s, i, ev)) != DD_OK)
            return rc;
    }
    return DD_OK;
}

static const char *const policy_keys[] = {
    "type",         "start",          "months",        "phases",  "review_months",
    "hold_reviews", "violence_max",   "host_ratio_min", "authority_min", "on_fail",
    "civilians_stay",
};

/* The keys each policy type takes besides `type`. */
static const char *const calendar_keys[] = {"start", "months", "phases", "civilians_stay"};
static const char *const conditions_keys[] = {
    "start",        "review_months",  "phases",        "hold_reviews",
    "violence_max", "host_ratio_min", "authority_min", "on_fail",
    "civilians_stay",
};

typedef struct key_set {
    const char *const *keys;
    size_t n;
} key_set;

static const key_set policy_type_keys[DD_POLICY_COUNT] = {
    [DD_POLICY_NONE] = {NULL, 0},
    [DD_POLICY_CALENDAR] = {calendar_keys, COUNT_OF(calendar_keys)},
    [DD_POLICY_CONDITIONS] = {conditions_keys, COUNT_OF(conditions_keys)},
};

static int key_in(const key_set *set, const char *key)
{
    for (size_t k = 0; k < set->n; k++)
        if (strcmp(set->keys[k], key) == 0)
            return 1;
    return 0;
}

/* Conditions policy defaults that dd_input_init does not give (it sets 1 phase for calendar). */
#define CONDITIONS_PHASES_DEFAULT 4

/* Refuse the first key of the policy group that its type does not take. */
static int check_policy_type_keys(const loader *ld, const config_setting_t *g, dd_policy_kind kind,
                                  const char *name)
{
    int len = config_setting_length(g);
    for (int i = 0; i < len; i++) {
        const config_setting_t *s = config_setting_get_elem(g, (unsigned)i);
        const char *key = config_setting_name(s);
        if (strcmp(key, "type") == 0 || key_in(&policy_type_keys[kind], key))
            continue;
        /* Name the types the key belongs to: the usual cause is a mix-up of types. */
        char owners[HINT_BUF];
        size_t used = 0, n_owners = 0;
        owners[0] = '\0';
        for (int k = 0; k < DD_POLICY_COUNT; k++) {
            const dd_policy_type *t = dd_policy_get((dd_policy_kind)k);
            if (t == NULL || !key_in(&policy_type_keys[k], key) || used >= sizeof owners)
                continue;
            used += (size_t)snprintf(owners + used, sizeof owners - used, "%s\"%s\"",
                                     n_owners > 0 ? " and " : "", t->name);
            n_owners++;
        }
        if (n_owners == 0)
            return fail_at(ld, s, DD_ECONFIG, "policy type \"%s\" takes no '%s'", name, key);
        return fail_at(ld, s, DD_ECONFIG, "policy type \"%s\" takes no '%s' (a key of type%s %s)",
                       name, key, n_owners > 1 ? "s" : "", owners);
    }
    return DD_OK;
}

/* policy.start: a month inside the horizon. */
static int load_policy_start(const loader *ld, const config_setting_t *start)
{
    dd_input *in = ld->in;
    dd_policy_spec *pol = &in->policy;
    int rc = get_month(ld, start, "policy.start", &pol->start_month);
    if (rc != DD_OK)
        return rc;
    return check_horizon(ld, start, "policy.start =", pol->start_month);
}

static int load_calendar(const loader *ld, const config_setting_t *g)
{
    dd_policy_spec *pol = &ld->in->policy;
    const config_setting_t *start = config_setting_get_member(g, "start");
    const config_setting_t *months = config_setting_get_member(g, "months");
    const config_setting_t *phases = config_setting_get_member(g, "phases");
    if (start == NULL)
        return fail_at(ld, g, DD_ECONFIG,
                       "policy type \"calendar\" needs 'start' (\"YYYY-MM\", first month of the "
                       "drawdown)");
    if (months == NULL)
        return fail_at(ld, g, DD_ECONFIG,
                       "policy type \"calendar\" needs 'months' (months from start until zero)");
    int rc = load_policy_start(ld, start);
    if (rc != DD_OK)
        return rc;
    long long v = 0;
    if ((rc = get_integer(ld, months, "policy.months", 1, DD_MONTHS_MAX, &v)) != DD_OK)
        return rc;
    pol->duration_months = (int)v;
    pol->phases = pol->duration_months;
    if (phases != NULL) {
        if ((rc = get_integer(ld, phases, "policy.phases", 1, DD_MONTHS_MAX, &v)) != DD_OK)
            return rc;
        if (v > pol->duration_months)
            return fail_at(ld, phases, DD_ERANGE,
                           "policy.phases = %lld must be in [1, policy.months = %d]", v,
                           pol->duration_months);
        pol->phases = (int)v;
    }
    return DD_OK;
}

static int load_conditions(const loader *ld, const config_setting_t *g)
{
    dd_policy_spec *pol = &ld->in->policy;
    const config_setting_t *m = config_setting_get_member(g, "start");
    if (m == NULL)
        return fail_at(ld, g, DD_ECONFIG,
                       "policy type \"conditions\" needs 'start' (\"YYYY-MM\", month of the first "
                       "review)");
    int rc = load_policy_start(ld, m);
    if (rc != DD_OK)
        return rc;

    /* Whole-number settings; review_months and hold_reviews default as in dd_input_init. */
    pol->phases = CONDITIONS_PHASES_DEFAULT;
    static const struct {
        const char *key;
        long long max;
        size_t offset;
    } counts[] = {
        {"review_months", DD_POLICY_REVIEW_MONTHS_MAX, offsetof(dd_policy_spec, review_months)},
        {"phases", DD_POLICY_PHASES_MAX, offsetof(dd_policy_spec, phases)},
        {"hold_reviews", DD_POLICY_HOLD_REVIEWS_MAX, offsetof(dd_policy_spec, hold_reviews)},
    };
    char what[WHAT_BUF];
    for (size_t k = 0; k < COUNT_OF(counts); k++) {
        if ((m = config_setting_get_member(g, counts[k].key)) == NULL)
            continue;
        long long v = 0;
        label(what, "policy.", counts[k].key);
        if ((rc = get_integer(ld, m, what, 1, counts[k].max, &v)) != DD_OK)
            return rc;
        *(int *)(void *)((char *)pol + counts[k].offset) = (int)v;
    }

    /* Benchmarks: each optional, -1 (or absent) when not used, at least one in use. */
    static const struct {
        const char *key;
        real_kind kind;
        size_t offset;
    } benchmarks[] = {
        {"violence_max", REAL_COUNT, offsetof(dd_policy_spec, violence_max)},
        {"host_ratio_min", REAL_COUNT, offsetof(dd_policy_spec, host_ratio_min)},
        {"authority_min", REAL_SHARE, offsetof(dd_policy_spec, authority_min)},
    };
    int used = 0;
    for (size_t k = 0; k < COUNT_OF(benchmarks); k++) {
        double *field = (double *)(void *)((char *)pol + benchmarks[k].offset);
        *field = -1.0;
        if ((m = config_setting_get_member(g, benchmarks[k].key)) == NULL)
            continue;
        label(what, "policy.", benchmarks[k].key);
        if ((rc = get_real_or_off(ld, m, what, benchmarks[k].kind, "no such benchmark", field)) !=
            DD_OK)
            return rc;
        used += *field >= 0.0;
    }
    if (used == 0)
        return fail_at(ld, g, DD_ECONFIG,
                       "policy type \"conditions\" needs at least one benchmark: violence_max, "
                       "host_ratio_min or authority_min");

    if ((m = config_setting_get_member(g, "on_fail")) != NULL) {
        const char *name = NULL;
        if ((rc = get_string(ld, m, "policy.on_fail", &name)) != DD_OK)
            return rc;
        int f = dd_onfail_lookup(name);
        if (f < 0) {
            const names known = {name_of_onfail, NULL, DD_ONFAIL_COUNT, 1};
            char h[HINT_BUF];
            hint(name, &known, '"', NULL, h, sizeof h);
            return fail_at(ld, m, DD_ECONFIG, "unknown policy.on_fail \"%s\"%s", name, h);
        }
        pol->on_fail = (dd_onfail)f;
    }
    return DD_OK;
}

static int load_policy(const loader *ld, const config_setting_t *root)
{
    dd_input *in = ld->in;
    dd_policy_spec *pol = &in->policy;
    const config_setting_t *g = config_setting_get_member(root, "policy");
    if (g == NULL)
        return DD_OK;
    if (!config_setting_is_group(g))
        return fail_at(ld, g, DD_ECONFIG, "policy must be a group { type = \"...\"; }, not %s",
                       type_name(g));
    int rc = check_keys(ld, g, policy_keys, COUNT_OF(policy_keys), "in policy");
    if (rc != DD_OK)
        return rc;
    if ((rc = set_loc(ld, g, &pol->loc)) != DD_OK)
        return rc;
    const names known = {name_of_policy, NULL, DD_POLICY_COUNT, 1};
    const config_setting_t *type = config_setting_get_member(g, "type");
    if (type == NULL) {
        char list[HINT_BUF];
        name_list(&known, '"', list, sizeof list);
        return fail_at(ld, g, DD_ECONFIG, "policy has no 'type' (%s)", list);
    }
    const char *name = NULL;
    if ((rc = get_string(ld, type, "policy.type", &name)) != DD_OK)
        return rc;
    int kind = dd_policy_lookup(name);
    if (kind < 0) {
        char h[HINT_BUF];
        hint(name, &known, '"', NULL, h, sizeof h);
        return fail_at(ld, type, DD_ECONFIG, "unknown policy type \"%s\"%s", name, h);
    }
    pol->kind = (dd_policy_kind)kind;
    if ((rc = check_policy_type_keys(ld, g, pol->kind, name)) != DD_OK)
        return rc;
    const config_setting_t *stay = config_setting_get_member(g, "civilians_stay");
    if (stay != NULL) {
        if (config_setting_type(stay) != CONFIG_TYPE_BOOL)
            return fail_at(ld, stay, DD_ECONFIG, "policy.civilians_stay must be true or false, not %s",
                           type_name(stay));
        pol->civilians_stay = config_setting_get_bool(stay) ? 1 : 0;
    }
    switch (pol->kind) {
    case DD_POLICY_CALENDAR:
        return load_calendar(ld, g);
    case DD_POLICY_CONDITIONS:
        return load_conditions(ld, g);
    default:
        return DD_OK;
    }
}

static int load_mechanisms(const loader *ld, const config_setting_t *root)
{
    const config_setting_t *g = config_setting_get_member(root, "mechanisms");
    if (g == NULL)
        return DD_OK;
    if (!config_setting_is_group(g))
        return fail_at(ld, g, DD_ECONFIG,
                       "mechanisms must be a group { violence = false; ... }, not %s",
                       type_name(g));
    int len = config_setting_length(g);
    for (int k = 0; k < len; k++) {
        const config_setting_t *s = config_setting_get_elem(g, (unsigned)k);
        const char *name = config_setting_name(s);
        int m = dd_mech_lookup(name);
        if (m < 0) {
            const names known = {name_of_mech, NULL, DD_MECH_COUNT, 1};
            char h[HINT_BUF];
            hint(name, &known, '\'', NULL, h, sizeof h);
            return fail_at(ld, s, DD_ECONFIG, "unknown mechanism '%s' in mechanisms%s", name, h);
        }
        if (config_setting_type(s) != CONFIG_TYPE_BOOL)
            return fail_at(ld, s, DD_ECONFIG, "mechanisms.%s must be true or false, not %s", name,
                           type_name(s));
        ld->in->mechanisms[m] = config_setting_get_bool(s) ? 1 : 0;
    }
    return DD_OK;
}

static int load_params(const loader *ld, const config_setting_t *root)
{
    const config_setting_t *g = config_setting_get_member(root, "params");
    if (g == NULL)
        return DD_OK;
    if (!config_setting_is_group(g))
        return fail_at(ld, g, DD_ECONFIG,
                       "params must be a group { attrition_per_month = 0.1; ... }, not %s",
                       type_name(g));
    size_t count;
    const dd_param_info *table = dd_params_table(&count);
    int len = config_setting_length(g);
    for (int k = 0; k < len; k++) {
        const config_setting_t *s = config_setting_get_elem(g, (unsigned)k);
        const char *name = config_setting_name(s);
        const dd_param_info *info = dd_params_lookup(name);
        if (info == NULL) {
            const names known = {name_of_param, table, count, 0};
            char h[HINT_BUF];
            hint(name, &known, '\'', " (`drawdown params` lists them all)", h, sizeof h);
            return fail_at(ld, s, DD_ECONFIG, "unknown key '%s' in params%s", name, h);
        }
        char what[WHAT_BUF];
        double v = 0.0;
        snprintf(what, sizeof what, "params.%s", name);
        int rc = get_real(ld, s, what, &v);
        if (rc != DD_OK)
            return rc;
        rc = dd_params_check_value(info, v, ld->err);
        if (rc != DD_OK) {
            /* The check knows the range, not the place: add the place. */
            if (ld->err != NULL)
                setting_place(ld, s, ld->err->file, sizeof ld->err->file, &ld->err->line);
            return rc;
        }
        *dd_params_field(&ld->in->params, info) = v;
    }
    return DD_OK;
}

/* ------------------------------------------------------------------ */
/* Top level                                                           */
/* ------------------------------------------------------------------ */

static const char *const top_keys[] = {
    "name",         "description", "start",      "months",  "seed",    "replications",
    "host_quality", "consent",     "legitimacy", "regions", "mission", "partners",
    "events",       "policy",      "mechanisms", "params",
};

static int load_top(const loader *ld, const config_setting_t *root)
{
    dd_input *in = ld->in;
    int rc = check_keys(ld, root, top_keys, COUNT_OF(top_keys), "at the top level");
    if (rc != DD_OK)
        return rc;

    const config_setting_t *m = config_setting_get_member(root, "name");
    if (m == NULL)
        return fail_at(ld, root, DD_ECONFIG,
                       "no 'name' setting (is this a base file meant to be @included?)");
    if ((rc = get_name(ld, m, "name", in->name)) != DD_OK)
        return rc;
    /* The scenario is located at its name when the name is in the top file. */
    const char *src = config_setting_source_file(m);
    in->loc.file = dd_input_intern_file(in, ld->path);
    in->loc.line =
        (src != NULL && strcmp(src, ld->path) == 0) ? (int)config_setting_source_line(m) : 1;
    if (in->loc.file == NULL)
        return out_of_memory(ld);

    const char *text = "";
    if ((m = config_setting_get_member(root, "description")) != NULL &&
        (rc = get_string(ld, m, "description", &text)) != DD_OK)
        return rc;
    size_t len = strlen(text);
    in->description = malloc(len + 1);
    if (in->description == NULL)
        return out_of_memory(ld);
    memcpy(in->description, text, len + 1);

    if ((m = config_setting_get_member(root, "start")) == NULL)
        return fail_at(ld, root, DD_ECONFIG,
                       "missing required setting 'start' (first simulated month, \"YYYY-MM\")");
    if ((rc = get_month(ld, m, "start", &in->start_month)) != DD_OK)
        return rc;

    long long v = 0;
    if ((m = config_setting_get_member(root, "months")) == NULL)
        return fail_at(ld, root, DD_ECONFIG,
                       "missing required setting 'months' (number of simulated months)");
    if ((rc = get_integer(ld, m, "months", 1, DD_MONTHS_MAX, &v)) != DD_OK)
        return rc;
    in->months = (int)v;

    if ((m = config_setting_get_member(root, "seed")) != NULL) {
        if ((rc = get_integer(ld, m, "seed", 0, LLONG_MAX, &v)) != DD_OK)
            return rc;
        in->seed = (uint64_t)v;
    }
    if ((m = config_setting_get_member(root, "replications")) != NULL) {
        if ((rc = get_integer(ld, m, "replications", 1, REPLICATIONS_MAX, &v)) != DD_OK)
            return rc;
        in->replications = (long)v;
    }
    static const struct {
        const char *key;
        size_t offset;
    } shares[] = {
        {"host_quality", offsetof(dd_input, host_quality)},
        {"consent", offsetof(dd_input, consent)},
        {"legitimacy", offsetof(dd_input, legitimacy)},
    };
    for (size_t k = 0; k < COUNT_OF(shares); k++) {
        if ((m = config_setting_get_member(root, shares[k].key)) == NULL)
            continue;
        double *field = (double *)(void *)((char *)in + shares[k].offset);
        if ((rc = get_real_in(ld, m, shares[k].key, REAL_SHARE, field)) != DD_OK)
            return rc;
    }

    if ((rc = load_regions(ld, root)) != DD_OK || (rc = load_mission(ld, root)) != DD_OK ||
        (rc = load_partners(ld, root)) != DD_OK || (rc = load_events(ld, root)) != DD_OK ||
        (rc = load_policy(ld, root)) != DD_OK || (rc = load_mechanisms(ld, root)) != DD_OK ||
        (rc = load_params(ld, root)) != DD_OK)
        return rc;
    return DD_OK;
}

/*
 * The file name of the @include directive at `line` of `file`, for a message
 * (libconfig says only that some include file could not be opened).
 */
static int include_name_at(const char *file, int line, char *buf, size_t size)
{
    FILE *f = fopen(file, "r");
    if (f == NULL)
        return 0;
    char text[1024];
    int found = 0, at = 0;
    while (!found && fgets(text, sizeof text, f) != NULL) {
        /* A line longer than the buffer arrives in pieces; count whole lines. */
        if (strchr(text, '\n') != NULL || feof(f))
            at++;
        else
            continue;
        if (at != line)
            continue;
        const char *p = strstr(text, "@include");
        const char *open = p != NULL ? strchr(p, '"') : NULL;
        const char *close = open != NULL ? strchr(open + 1, '"') : NULL;
        if (close != NULL && (size_t)(close - open - 1) < size) {
            memcpy(buf, open + 1, (size_t)(close - open - 1));
            buf[close - open - 1] = '\0';
            found = 1;
        }
        break;
    }
    fclose(f);
    return found;
}

/* Folder part of a path (malloc'd), or NULL when the path has none. */
static char *folder_of(const char *path, int *oom)
{
    const char *slash = strrchr(path, '/');
    *oom = 0;
    if (slash == NULL)
        return NULL;
    size_t n = (size_t)(slash - path);
    if (n == 0)
        n = 1; /* "/x.cfg": the folder is "/" */
    char *dir = malloc(n + 1);
    if (dir == NULL) {
        *oom = 1;
        return NULL;
    }
    memcpy(dir, path, n);
    dir[n] = '\0';
    return dir;
}

/* libconfig refuses nesting deeper than this; the check below stops there too. */
#define INCLUDE_DEPTH_MAX 10

/*
 * libconfig reads an @include with a flex scanner that exits the whole
 * program when the name is a folder ("input in flex scanner failed"; `@include
 * ""` names the scenario's own folder) and would wait forever on a pipe. So
 * every @include of `file` and, down the nesting, of the files it includes is
 * looked at first, resolved as libconfig does (relative to `incdir`, the
 * scenario's folder, at every depth; the name ends at its closing quote or at
 * a NUL byte), and anything that exists but is not a regular file is refused
 * at its file and line. Missing files and nesting beyond INCLUDE_DEPTH_MAX are
 * left to libconfig, which reports them. Returns DD_OK, DD_ECONFIG with `err`
 * filled, or 1 once the nesting limit is reached (stop looking: libconfig
 * will stop there too).
 */
static int check_includes(const char *file, const char *incdir, int depth, dd_error *err)
{
    if (depth > INCLUDE_DEPTH_MAX)
        return 1;
    FILE *f = fopen(file, "r");
    if (f == NULL)
        return DD_OK;
    char *text = NULL;
    size_t cap = 0;
    int line = 0, rc = DD_OK;
    while (rc == DD_OK && getline(&text, &cap, f) >= 0) {
        line++;
        const char *p = text + strspn(text, " \t");
        if (strncmp(p, "@include", 8) != 0)
            continue;
        p += 8;
        p += strspn(p, " \t");
        if (*p != '"')
            continue;
        const char *name = p + 1;
        int n = (int)strcspn(name, "\"");
        char target[PATH_BUF];
        if (name[0] == '/' || incdir == NULL)
            snprintf(target, sizeof target, "%.*s", n, name);
        else
            snprintf(target, sizeof target, "%s/%.*s", incdir, n, name);
        struct stat st;
        if (stat(target, &st) != 0)
            continue;
        if (!S_ISREG(st.st_mode))
            rc = dd_error_set(err, DD_ECONFIG, file, line,
                              "@include \"%.*s\" is not a file (%s is a %s)", n, name, target,
                              S_ISDIR(st.st_mode) ? "folder" : "device or pipe");
        else
            rc = check_includes(target, incdir, depth + 1, err);
    }
    free(text);
    fclose(f);
    return rc;
}

int dd_scenario_load(const char *path, dd_input *in, dd_error *err)
{
    dd_input_init(in);
    dd_error_clear(err);

    /* Open it ourselves first: libconfig reports only "file I/O error". */
    FILE *probe = fopen(path, "r");
    if (probe == NULL)
        return dd_error_set(err, DD_ECONFIG, path, 0, "cannot read scenario file: %s",
                            strerror(errno));
    /* A folder opens but cannot be read; libconfig would take it for an empty file. */
    errno = 0;
    if (fgetc(probe) == EOF && ferror(probe)) {
        int e = errno;
        fclose(probe);
        return dd_error_set(err, DD_ECONFIG, path, 0, "cannot read scenario file: %s",
                            strerror(e != 0 ? e : EIO));
    }
    fclose(probe);

    int oom;
    char *incdir = folder_of(path, &oom);
    if (oom)
        return dd_error_set(err, DD_ENOMEM, path, 0, "out of memory");
    loader ld = {in, err, path, incdir};

    int rc = check_includes(path, incdir, 1, err);
    if (rc == DD_ECONFIG) {
        free(incdir);
        return rc;
    }

    config_t cfg;
    config_init(&cfg);
    if (incdir != NULL)
        config_set_include_dir(&cfg, incdir);

    if (!config_read_file(&cfg, path)) {
        if (config_error_type(&cfg) == CONFIG_ERR_FILE_IO) {
            rc = dd_error_set(err, DD_ECONFIG, path, 0, "cannot read scenario file: %s",
                              config_error_text(&cfg));
        } else {
            char file[PATH_BUF];
            resolve_file(&ld, config_error_file(&cfg), file, sizeof file);
            const char *text = config_error_text(&cfg);
            int line = config_error_line(&cfg);
            char name[PATH_BUF];
            if (text != NULL && strstr(text, "include") != NULL &&
                include_name_at(file, line, name, sizeof name))
                rc = dd_error_set(err, DD_ECONFIG, file, line,
                                  "%s \"%s\" (looked in %s; @include paths are relative to the "
                                  "folder of the scenario file)",
                                  text, name, incdir != NULL ? incdir : "the current folder");
            else
                rc = dd_error_set(err, DD_ECONFIG, file, line, "%s",
                                  text != NULL ? text : "cannot parse");
        }
    } else {
        rc = load_top(&ld, config_root_setting(&cfg));
        if (rc == DD_OK)
            rc = dd_input_validate(in, err);
    }
    config_destroy(&cfg);
    free(incdir);
    if (rc != DD_OK)
        dd_input_free(in);
    return rc;
}

/* ------------------------------------------------------------------ */
/* Writing run.cfg                                                     */
/* ------------------------------------------------------------------ */

typedef struct writer {
    FILE *f;
    const char *bad; /* first value that cannot be written, or NULL */
} writer;

/*
 * A double as the shortest "%.Ng" text that reads back bit for bit (17
 * significant digits always do), so 0.3 is written "0.3" rather than
 * "0.29999999999999999"; always with a '.' or an exponent so that libconfig
 * reads a float.
 */
static void format_double(double v, char buf[48])
{
    for (int digits = 1; digits <= 17; digits++) {
        snprintf(buf, 48, "%.*g", digits, v);
        if (strtod(buf, NULL) == v)
            break;
    }
    if (strpbrk(buf, ".eE") == NULL)
        strcat(buf, ".0");
}

static void put_double(writer *w, double v)
{
    char buf[48];
    if (!isfinite(v)) {
        if (w->bad == NULL)
            w->bad = "a number is not finite";
        v = 0.0;
    }
    format_double(v, buf);
    fputs(buf, w->f);
}

static void put_string(writer *w, const char *s)
{
    fputc('"', w->f);
    for (const unsigned char *p = (const unsigned char *)(s != NULL ? s : ""); *p != '\0'; p++) {
        switch (*p) {
        case '\\':
            fputs("\\\\", w->f);
            break;
        case '"':
            fputs("\\\"", w->f);
            break;
        case '\n':
            fputs("\\n", w->f);
            break;
        case '\t':
            fputs("\\t", w->f);
            break;
        default:
            if (*p < 0x20 || *p == 0x7f)
                fprintf(w->f, "\\x%02x", (unsigned)*p);
            else
                fputc(*p, w->f);
        }
    }
    fputc('"', w->f);
}

static void put_month(writer *w, int month)
{
    char buf[DD_MONTH_STR];
    dd_month_format(month, buf);
    fprintf(w->f, "\"%s\"", buf);
}

static void put_schedule(writer *w, const char *indent, const char *key, const dd_schedule *s)
{
    if (s->n == 0) {
        fprintf(w->f, "%s%s = ( );\n", indent, key);
        return;
    }
    fprintf(w->f, "%s%s = (\n", indent, key);
    for (size_t k = 0; k < s->n; k++) {
        fprintf(w->f, "%s  ( ", indent);
        put_month(w, s->points[k].month);
        fputs(", ", w->f);
        put_double(w, s->points[k].value);
        fprintf(w->f, " )%s\n", k + 1 < s->n ? "," : "");
    }
    fprintf(w->f, "%s);\n", indent);
}

static void put_real_key(writer *w, const char *indent, const char *key, double v)
{
    fprintf(w->f, "%s%s = ", indent, key);
    put_double(w, v);
    fputs(";\n", w->f);
}

/*
 * A setting that is off when negative (a rule, a benchmark, a default
 * magnitude): every negative value means the same, so all are written as
 * the -1 that the loader accepts.
 */
static double or_off(double v)
{
    return v < 0.0 ? -1.0 : v;
}

/* Whether a region name can be written as a libconfig setting name. */
static int usable_as_key(const char *name)
{
    if (!isalpha((unsigned char)name[0]) || strchr(name, '.') != NULL)
        return 0;
    /* Booleans are keywords, in any case. */
    static const char *const words[] = {"true", "false"};
    for (size_t k = 0; k < COUNT_OF(words); k++) {
        size_t i = 0;
        while (name[i] != '\0' && words[k][i] != '\0' &&
               tolower((unsigned char)name[i]) == words[k][i])
            i++;
        if (name[i] == '\0' && words[k][i] == '\0')
            return 0;
    }
    return 1;
}

static void put_regions(writer *w, const dd_input *in)
{
    fputs("regions = (\n", w->f);
    for (size_t i = 0; i < in->n_regions; i++) {
        const dd_region *r = &in->regions[i];
        fputs("  {\n    name = ", w->f);
        put_string(w, r->name);
        fputs(";\n", w->f);
        put_real_key(w, "    ", "population", r->population);
        fputs("    neighbours = [", w->f);
        for (size_t k = 0; k < r->n_neighbours; k++) {
            fputs(k > 0 ? ", " : " ", w->f);
            if (r->neighbours[k] < in->n_regions) {
                put_string(w, in->regions[r->neighbours[k]].name);
            } else {
                put_string(w, "?");
                if (w->bad == NULL)
                    w->bad = "a neighbour index is out of range";
            }
        }
        fputs(" ];\n", w->f);
        put_real_key(w, "    ", "armed_strength", r->armed_strength);
        put_real_key(w, "    ", "armed_control", r->armed_control);
        put_real_key(w, "    ", "state_authority", r->state_authority);
        put_real_key(w, "    ", "host_forces", r->host_forces);
        put_real_key(w, "    ", "displaced", r->displaced);
        put_real_key(w, "    ", "troop_share", r->troop_share);
        put_real_key(w, "    ", "police_share", r->police_share);
        if (r->has_map) {
            fputs("    map = [ ", w->f);
            put_double(w, r->map_x);
            fputs(", ", w->f);
            put_double(w, r->map_y);
            fputs(" ];\n", w->f);
        }
        fprintf(w->f, "  }%s\n", i + 1 < in->n_regions ? "," : "");
    }
    fputs(");\n\n", w->f);
}

static void put_partners(writer *w, const dd_input *in)
{
    if (in->n_partners == 0) {
        fputs("partners = ( );\n\n", w->f);
        return;
    }
    int as_group = 1;
    for (size_t i = 0; i < in->n_regions; i++)
        as_group = as_group && usable_as_key(in->regions[i].name);
    fputs("partners = (\n", w->f);
    for (size_t p = 0; p < in->n_partners; p++) {
        const dd_partner *pt = &in->partners[p];
        fputs("  {\n    name = ", w->f);
        put_string(w, pt->name);
        fputs(";\n    role = ", w->f);
        if ((pt->role < 0 || pt->role >= DD_ROLE_COUNT) && w->bad == NULL)
            w->bad = "a partner role is unknown";
        put_string(w, dd_role_name(pt->role));
        fputs(";\n", w->f);
        put_real_key(w, "    ", "leave_below_consent", or_off(pt->leave_below_consent));
        put_schedule(w, "    ", "strength", &pt->strength);
        /* Every region is written, zeros included, so nothing is left to a default. */
        fputs(as_group ? "    regions = {\n" : "    regions = (\n", w->f);
        for (size_t i = 0; i < in->n_regions; i++) {
            double share = 0.0;
            if (pt->region_share != NULL)
                share = pt->region_share[i];
            else if (w->bad == NULL)
                w->bad = "a partner has no region shares";
            if (as_group) {
                fprintf(w->f, "      %s = ", in->regions[i].name);
                put_double(w, share);
                fputs(";\n", w->f);
            } else {
                fputs("      ( ", w->f);
                put_string(w, in->regions[i].name);
                fputs(", ", w->f);
                put_double(w, share);
                fprintf(w->f, " )%s\n", i + 1 < in->n_regions ? "," : "");
            }
        }
        fputs(as_group ? "    };\n" : "    );\n", w->f);
        fprintf(w->f, "  }%s\n", p + 1 < in->n_partners ? "," : "");
    }
    fputs(");\n\n", w->f);
}

static void put_events(writer *w, const dd_input *in)
{
    if (in->n_events == 0) {
        fputs("events = ( );\n\n", w->f);
        return;
    }
    fputs("events = (\n", w->f);
    for (size_t e = 0; e < in->n_events; e++) {
        const dd_event *ev = &in->events[e];
        fputs("  { date = ", w->f);
        put_month(w, ev->month);
        fputs("; type = ", w->f);
        if ((ev->type < 0 || ev->type >= DD_EVENT_COUNT) && w->bad == NULL)
            w->bad = "an event type is unknown";
        put_string(w, dd_event_name(ev->type));
        switch (event_magnitude_kind(ev->type)) {
        case MAG_NONE:
            break;
        case MAG_SHARE:
            fputs("; magnitude = ", w->f);
            put_double(w, or_off(ev->magnitude));
            break;
        case MAG_TROOPS:
            fputs("; magnitude = ", w->f);
            put_double(w, ev->magnitude);
            break;
        case MAG_JOINING:
            fputs("; region = ", w->f);
            if (ev->region >= 0 && (size_t)ev->region < in->n_regions) {
                put_string(w, in->regions[ev->region].name);
            } else {
                put_string(w, "?");
                if (w->bad == NULL)
                    w->bad = "an event's region is unknown";
            }
            fputs("; magnitude = ", w->f);
            put_double(w, ev->magnitude);
            break;
        }
        fprintf(w->f, "; }%s\n", e + 1 < in->n_events ? "," : "");
    }
    fputs(");\n\n", w->f);
}

static void put_policy(writer *w, const dd_input *in)
{
    const dd_policy_spec *pol = &in->policy;
    const dd_policy_type *t = dd_policy_get(pol->kind);
    if (t == NULL && w->bad == NULL)
        w->bad = "the policy kind is unknown";
    if (pol->kind != DD_POLICY_CONDITIONS) {
        fputs("policy = { type = ", w->f);
        put_string(w, t != NULL ? t->name : "?");
        if (pol->kind == DD_POLICY_CALENDAR) {
            fputs("; start = ", w->f);
            put_month(w, pol->start_month);
            fprintf(w->f, "; months = %d; phases = %d", pol->duration_months, pol->phases);
            if (pol->civilians_stay)
                fputs("; civilians_stay = true", w->f);
        }
        fputs("; };\n\n", w->f);
        return;
    }
    /* conditions: one setting a line, every benchmark written (-1 when not used). */
    fputs("policy = {\n  type = ", w->f);
    put_string(w, t->name);
    fputs(";\n  start = ", w->f);
    put_month(w, pol->start_month);
    fprintf(w->f, ";\n  review_months = %d;\n  phases = %d;\n  hold_reviews = %d;\n",
            pol->review_months, pol->phases, pol->hold_reviews);
    put_real_key(w, "  ", "violence_max", or_off(pol->violence_max));
    put_real_key(w, "  ", "host_ratio_min", or_off(pol->host_ratio_min));
    put_real_key(w, "  ", "authority_min", or_off(pol->authority_min));
    /* The loader refuses a conditions policy without a benchmark: so must the writer. */
    if (!(pol->violence_max >= 0.0 || pol->host_ratio_min >= 0.0 || pol->authority_min >= 0.0) &&
        w->bad == NULL)
        w->bad = "the conditions policy has no benchmark";
    if ((pol->on_fail < 0 || pol->on_fail >= DD_ONFAIL_COUNT) && w->bad == NULL)
        w->bad = "policy.on_fail is unknown";
    fputs("  on_fail = ", w->f);
    put_string(w, dd_onfail_name(pol->on_fail));
    fprintf(w->f, ";\n  civilians_stay = %s;\n};\n\n", pol->civilians_stay ? "true" : "false");
}

int dd_scenario_write(FILE *f, const dd_input *in, dd_error *err)
{
    writer w = {f, NULL};
    char month[DD_MONTH_STR];

    fputs("# Written by drawdown: the fully resolved scenario, with every default and\n"
          "# every parameter written out. It needs no other file, and loading it gives\n"
          "# the same scenario.\n\n",
          f);
    fputs("name = ", f);
    put_string(&w, in->name);
    fputs(";\ndescription = ", f);
    put_string(&w, in->description);
    dd_month_format(in->start_month, month);
    fprintf(f, ";\nstart = \"%s\";\nmonths = %d;\n", month, in->months);
    /* libconfig 1.5 silently truncates integers past 32 bits unless marked with L. */
    if (in->seed > (uint64_t)INT64_MAX && w.bad == NULL)
        w.bad = "the seed is larger than 9223372036854775807";
    fprintf(f, "seed = %" PRIu64 "%s;\n", in->seed, in->seed > (uint64_t)INT32_MAX ? "L" : "");
    fprintf(f, "replications = %ld;\n", in->replications);
    put_real_key(&w, "", "host_quality", in->host_quality);
    put_real_key(&w, "", "consent", in->consent);
    put_real_key(&w, "", "legitimacy", in->legitimacy);
    fputc('\n', f);

    put_regions(&w, in);
    fputs("mission = {\n", f);
    put_schedule(&w, "  ", "troops", &in->troops);
    put_schedule(&w, "  ", "police", &in->police);
    if (in->civilians.n > 0)
        put_schedule(&w, "  ", "civilians", &in->civilians);
    if ((in->allocation < 0 || in->allocation >= DD_ALLOC_COUNT) && w.bad == NULL)
        w.bad = "mission.allocation is unknown";
    fputs("  allocation = ", f);
    put_string(&w, dd_allocation_name(in->allocation));
    fputs(";\n  allocation_start = ", f);
    put_month(&w, in->allocation_start_month < in->start_month ? in->start_month
                                                                 : in->allocation_start_month);
    fputs(";\n};\n\n", f);
    put_partners(&w, in);
    put_events(&w, in);
    put_policy(&w, in);

    fputs("mechanisms = {\n", f);
    for (int m = 0; m < DD_MECH_COUNT; m++)
        fprintf(f, "  %s = %s;\n", dd_mech_name((dd_mech)m), in->mechanisms[m] ? "true" : "false");
    fputs("};\n\n", f);

    size_t count;
    const dd_param_info *table = dd_params_table(&count);
    fputs("params = {", f);
    for (size_t k = 0; k < count; k++) {
        /* A heading whenever the table moves on to another mechanism. */
        if (k == 0 || table[k].mechanism != table[k - 1].mechanism) {
            if (table[k].mechanism >= 0)
                fprintf(f, "\n  # mechanism: %s\n", dd_mech_name((dd_mech)table[k].mechanism));
            else
                fputs("\n  # not tied to a mechanism\n", f);
        }
        double v = dd_params_get(&in->params, &table[k]);
        char num[48], setting[160];
        if (!isfinite(v) && w.bad == NULL)
            w.bad = "a parameter is not finite";
        format_double(isfinite(v) ? v : 0.0, num);
        snprintf(setting, sizeof setting, "  %s = %s;", table[k].name, num);
        /* Units line up in a column for the reader. */
        fprintf(f, "%-44s # %s\n", setting, table[k].unit);
    }
    fputs("};\n", f);

    if (w.bad != NULL)
        return dd_error_set(err, DD_ERANGE, NULL, 0, "cannot write the scenario: %s", w.bad);
    if (fflush(f) != 0 || ferror(f))
        return dd_error_set(err, DD_EIO, NULL, 0, "writing the scenario failed: %s",
                            strerror(errno));
    return DD_OK;
}

/* ------------------------------------------------------------------ */
/* Human summary                                                       */
/* ------------------------------------------------------------------ */

/*
 * Print free text indented, with lines broken between words before `width`
 * columns (a longer word stands alone); the text's own line breaks are kept.
 */
static void describe_wrapped(FILE *f, const char *text, int indent, int width)
{
    const char *p = text;
    while (*p != '\0') {
        int col = 0; /* 0: nothing on this output line yet */
        while (*p != '\0' && *p != '\n') {
            while (*p == ' ')
                p++;
            size_t len = strcspn(p, " \n");
            if (len == 0)
                break;
            if (col > 0 && col + 1 + (int)len > width) {
                fputc('\n', f);
                col = 0;
            }
            if (col == 0) {
                fprintf(f, "%*s", indent, "");
                col = indent;
            } else {
                fputc(' ', f);
                col++;
            }
            fwrite(p, 1, len, f);
            col += (int)len;
            p += len;
        }
        fputc('\n', f);
        if (*p == '\n')
            p++;
    }
}

static void describe_schedule(FILE *f, const char *title, const dd_schedule *s)
{
    char month[DD_MONTH_STR];
    fprintf(f, "%-16s", title);
    if (s->n == 0)
        fputs("none", f);
    for (size_t k = 0; k < s->n; k++) {
        if (k > 0)
            fputs(k % 6 == 0 ? ",\n                " : ", ", f);
        dd_month_format(s->points[k].month, month);
        fprintf(f, "%s %g", month, s->points[k].value);
    }
    fputc('\n', f);
}

/* What an event does, by its magnitude (nothing for events without one). */
static void describe_magnitude(FILE *f, const dd_input *in, const dd_event *ev)
{
    switch (event_magnitude_kind(ev->type)) {
    case MAG_NONE:
        break;
    case MAG_SHARE: {
        const event_size *es = &event_sizes[ev->type];
        if (ev->magnitude >= 0.0) {
            fprintf(f, ": %s falls by %g", es->falls, ev->magnitude);
            break;
        }
        const dd_param_info *info = dd_params_lookup(es->param);
        if (info != NULL)
            fprintf(f, ": %s falls by %g (params.%s)", es->falls, dd_params_get(&in->params, info),
                    es->param);
        else
            fprintf(f, ": %s falls by the default", es->falls);
        break;
    }
    case MAG_TROOPS:
        fprintf(f, ": %g troops leave for good", ev->magnitude);
        break;
    case MAG_JOINING: {
        const event_size *es = &event_sizes[ev->type];
        int known = ev->region >= 0 && (size_t)ev->region < in->n_regions;
        fprintf(f, ": %g %s join %s in %s", ev->magnitude, es->unit, es->group,
                known ? in->regions[ev->region].name : "?");
        break;
    }
    }
}

static void describe_policy(FILE *f, const dd_input *in)
{
    const dd_policy_spec *pol = &in->policy;
    char a[DD_MONTH_STR];
    if (pol->kind == DD_POLICY_CALENDAR) {
        dd_month_format(pol->start_month, a);
        fprintf(f, "policy          calendar: from %s down to zero over %d months in %d phases\n",
                a, pol->duration_months, pol->phases);
        return;
    }
    if (pol->kind != DD_POLICY_CONDITIONS) {
        const dd_policy_type *t = dd_policy_get(pol->kind);
        fprintf(f, "policy          %s\n", t != NULL ? t->name : "?");
        return;
    }
    dd_month_format(pol->start_month, a);
    fprintf(f,
            "policy          conditions: a review every %d months from %s; one of %d phases "
            "down\n"
            "                after %d passed review%s in a row; on a failed review: %s\n",
            pol->review_months, a, pol->phases, pol->hold_reviews,
            pol->hold_reviews == 1 ? "" : "s", dd_onfail_name(pol->on_fail));
    /* One benchmark a line, under a title. */
    char lines[3][LABEL_BUF];
    int n = 0;
    if (pol->violence_max >= 0.0)
        snprintf(lines[n++], LABEL_BUF, "deaths per month since the last review at most %g",
                 pol->violence_max);
    if (pol->host_ratio_min >= 0.0)
        snprintf(lines[n++], LABEL_BUF, "effective host forces per fighter at least %g",
                 pol->host_ratio_min);
    if (pol->authority_min >= 0.0)
        snprintf(lines[n++], LABEL_BUF, "state authority at least %g", pol->authority_min);
    if (n == 0)
        fputs("  benchmarks    none\n", f);
    for (int k = 0; k < n; k++)
        fprintf(f, "%-16s%s\n", k == 0 ? "  benchmarks" : "", lines[k]);
}

int dd_scenario_describe(FILE *f, const dd_input *in, dd_error *err)
{
    char a[DD_MONTH_STR], b[DD_MONTH_STR];

    fprintf(f, "scenario        %s\n", in->name);
    if (in->description != NULL && in->description[0] != '\0')
        describe_wrapped(f, in->description, 16, 96);
    dd_month_format(in->start_month, a);
    dd_month_format(in->start_month + in->months - 1, b);
    fprintf(f, "months          %s to %s (%d months)\n", a, b, in->months);
    fprintf(f, "runs            seed %" PRIu64 ", %ld replications\n", in->seed, in->replications);
    fprintf(f, "at the start    host quality %g, consent %g, legitimacy %g\n", in->host_quality,
            in->consent, in->legitimacy);

    int width = 6;
    for (size_t i = 0; i < in->n_regions; i++) {
        int len = (int)strlen(in->regions[i].name);
        if (len > width)
            width = len;
    }
    fprintf(f, "\nregions (%zu)\n", in->n_regions);
    fprintf(f, "  %-*s %12s %9s %9s %7s %7s  %s\n", width, "name", "population", "armed", "host",
            "troops", "police", "neighbours");
    for (size_t i = 0; i < in->n_regions; i++) {
        const dd_region *r = &in->regions[i];
        fprintf(f, "  %-*s %12.0f %9.0f %9.0f %7.3f %7.3f  ", width, r->name, r->population,
                r->armed_strength, r->host_forces, r->troop_share, r->police_share);
        if (r->n_neighbours == 0)
            fputc('-', f);
        for (size_t k = 0; k < r->n_neighbours; k++)
            if (r->neighbours[k] < in->n_regions)
                fprintf(f, "%s%s", k > 0 ? ", " : "", in->regions[r->neighbours[k]].name);
        fputc('\n', f);
    }

    fputc('\n', f);
    describe_schedule(f, "mission troops", &in->troops);
    describe_schedule(f, "mission police", &in->police);
    if (in->civilians.n > 0) {
        describe_schedule(f, "civilian staff", &in->civilians);
        fprintf(f, "                %s\n",
                in->policy.civilians_stay
                    ? "civilian staff stay when the uniformed component leaves"
                    : "civilian staff leave with the uniformed component");
    }
    if (in->allocation == DD_ALLOC_THREAT)
    {
        char from[DD_MONTH_STR];
        dd_month_format(in->allocation_start_month, from);
        fprintf(f, "troop spread    threat from %s: a share %g by fighters "
                   "(allocation_threat_weight), the rest by troop_share\n",
                from, in->params.allocation_threat_weight);
    }
    else
        fprintf(f, "troop spread    %s: each region's troop_share\n",
                dd_allocation_name(in->allocation));

    if (in->n_partners > 0)
        fprintf(f, "\npartners (%zu)\n", in->n_partners);
    for (size_t p = 0; p < in->n_partners; p++) {
        const dd_partner *pt = &in->partners[p];
        char title[DD_NAME_MAX + 32];
        snprintf(title, sizeof title, "  %s (%s)", pt->name, dd_role_name(pt->role));
        fprintf(f, "%s\n", title);
        describe_schedule(f, "    strength", &pt->strength);
        fputs("    regions     ", f);
        int first = 1;
        for (size_t i = 0; i < in->n_regions && pt->region_share != NULL; i++) {
            if (pt->region_share[i] == 0.0)
                continue;
            fprintf(f, "%s%s %.3f", first ? "" : ", ", in->regions[i].name, pt->region_share[i]);
            first = 0;
        }
        fputc('\n', f);
        if (pt->leave_below_consent >= 0.0)
            fprintf(f, "    rule        leaves for good when consent falls below %g\n",
                    pt->leave_below_consent);
    }

    fputc('\n', f);
    if (in->n_events == 0)
        fputs("events          none\n", f);
    for (size_t e = 0; e < in->n_events; e++) {
        const dd_event *ev = &in->events[e];
        dd_month_format(ev->month, a);
        fprintf(f, "%-16s%s %s", e == 0 ? "events" : "", a, dd_event_name(ev->type));
        describe_magnitude(f, in, ev);
        fputc('\n', f);
    }

    describe_policy(f, in);

    fputs("mechanisms off  ", f);
    int any = 0;
    for (int m = 0; m < DD_MECH_COUNT; m++)
        if (!in->mechanisms[m]) {
            fprintf(f, "%s%s", any ? ", " : "", dd_mech_name((dd_mech)m));
            any = 1;
        }
    fputs(any ? "\n" : "none\n", f);

    size_t count;
    const dd_param_info *table = dd_params_table(&count);
    any = 0;
    for (size_t k = 0; k < count; k++) {
        double v = dd_params_get(&in->params, &table[k]);
        if (v == table[k].def)
            continue;
        if (!any)
            fputs("parameters changed from their defaults\n", f);
        fprintf(f, "  %-28s %g (default %g; %s)\n", table[k].name, v, table[k].def, table[k].unit);
        any = 1;
    }
    if (!any)
        fputs("parameters      all at their defaults\n", f);

    if (ferror(f))
        return dd_error_set(err, DD_EIO, NULL, 0, "writing the summary failed");
    return DD_OK;
}

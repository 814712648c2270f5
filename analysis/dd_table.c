/*
 * dd_table: see dd_table.h. The file is split in place: each field is
 * unquoted into the same buffer (the text only ever gets shorter) and ended
 * with a NUL, so the cells are pointers into one allocation.
 */
#define _POSIX_C_SOURCE 200809L /* strdup */

#include "dd_table.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Files larger than this are not ours (the largest, monthly.csv, is a few MB). */
#define TABLE_MAX_BYTES ((size_t)1 << 30)

/* Read a whole file into a NUL-terminated buffer. */
static int read_all(const char *path, char **out, size_t *len, dd_error *err)
{
    *out = NULL;
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return dd_error_set(err, DD_ECONFIG, path, 0, "cannot read: %s", strerror(errno));
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap);
    if (buf == NULL) {
        fclose(f);
        return dd_error_set(err, DD_ENOMEM, path, 0, "out of memory");
    }
    for (;;) {
        if (cap - n < 2) {
            if (cap >= TABLE_MAX_BYTES) {
                free(buf);
                fclose(f);
                return dd_error_set(err, DD_ECONFIG, path, 0,
                                    "file is too large to be a drawdown table");
            }
            char *nb = realloc(buf, cap * 2);
            if (nb == NULL) {
                free(buf);
                fclose(f);
                return dd_error_set(err, DD_ENOMEM, path, 0, "out of memory");
            }
            buf = nb;
            cap *= 2;
        }
        size_t got = fread(buf + n, 1, cap - n - 1, f);
        n += got;
        if (got == 0)
            break;
    }
    int bad = ferror(f);
    fclose(f);
    if (bad) {
        free(buf);
        return dd_error_set(err, DD_ECONFIG, path, 0, "cannot read: read error");
    }
    buf[n] = '\0';
    if (memchr(buf, '\0', n) != NULL) {
        free(buf);
        return dd_error_set(err, DD_ECONFIG, path, 0, "holds a NUL byte: not a drawdown table");
    }
    *out = buf;
    *len = n;
    return 0;
}

/* A growing array of field pointers with their row structure. */
typedef struct fields {
    char **v;
    size_t n, cap;
} fields;

static int push_field(fields *fs, char *s)
{
    if (fs->n == fs->cap) {
        size_t cap = fs->cap ? fs->cap * 2 : 1024;
        char **nv = realloc(fs->v, cap * sizeof *nv);
        if (nv == NULL)
            return -1;
        fs->v = nv;
        fs->cap = cap;
    }
    fs->v[fs->n++] = s;
    return 0;
}

void dd_table_free(dd_table *t)
{
    if (t == NULL)
        return;
    free(t->path);
    free(t->header);
    free(t->cells);
    free(t->line);
    free(t->buf);
    memset(t, 0, sizeof *t);
}

/* Where each row starts while the text is being split. */
typedef struct rows {
    int *line;     /* 1-based line of each row */
    size_t *first; /* index into the fields of each row's first field */
    size_t n, cap;
} rows;

static int push_row(rows *rs, int line, size_t first)
{
    if (rs->n == rs->cap) {
        size_t cap = rs->cap ? rs->cap * 2 : 256;
        int *nl = realloc(rs->line, cap * sizeof *nl);
        if (nl == NULL)
            return -1;
        rs->line = nl;
        size_t *nf = realloc(rs->first, cap * sizeof *nf);
        if (nf == NULL)
            return -1;
        rs->first = nf;
        rs->cap = cap;
    }
    rs->line[rs->n] = line;
    rs->first[rs->n] = first;
    rs->n++;
    return 0;
}

/*
 * Split t->buf (len bytes, ending in a newline) into fields and rows. The
 * writer w never passes the reader r, so ending a field with a NUL cannot
 * clobber text not yet read.
 */
static int split(dd_table *t, size_t len, fields *fs, rows *rs, dd_error *err)
{
    const char *path = t->path;
    char *r = t->buf, *w = t->buf, *end = t->buf + len;
    int line = 1;
    while (r < end) {
        int row_line = line;
        if (*r == '\n' || (*r == '\r' && r + 1 < end && r[1] == '\n'))
            return dd_error_set(err, DD_ECONFIG, path, row_line, "blank line");
        if (push_row(rs, row_line, fs->n) != 0)
            return dd_error_set(err, DD_ENOMEM, path, 0, "out of memory");
        for (;;) {
            char *field = w;
            if (*r == '"') {
                r++;
                for (;;) {
                    if (r >= end)
                        return dd_error_set(err, DD_ECONFIG, path, row_line,
                                            "unterminated quoted field");
                    if (*r == '"') {
                        if (r + 1 < end && r[1] == '"') {
                            *w++ = '"';
                            r += 2;
                            continue;
                        }
                        r++;
                        break;
                    }
                    if (*r == '\n')
                        line++;
                    *w++ = *r++;
                }
                if (r < end && *r != ',' && *r != '\n' && *r != '\r')
                    return dd_error_set(err, DD_ECONFIG, path, line, "text after a closing quote");
            } else {
                while (r < end && *r != ',' && *r != '\n' && *r != '\r') {
                    if (*r == '"')
                        return dd_error_set(err, DD_ECONFIG, path, line,
                                            "quote inside an unquoted field");
                    *w++ = *r++;
                }
            }
            char sep = r < end ? *r : '\n';
            *w++ = '\0';
            if (push_field(fs, field) != 0)
                return dd_error_set(err, DD_ENOMEM, path, 0, "out of memory");
            if (sep == ',') {
                r++;
                continue;
            }
            /* The terminator may have overwritten the separator: decide by sep. */
            if (r < end)
                r++;
            if (sep == '\r' && r < end && *r == '\n')
                r++;
            line++;
            break;
        }
    }
    return 0;
}

/* Build the table's header, cells and lines from the split rows. */
static int assemble(dd_table *t, const fields *fs, const rows *rs, dd_error *err)
{
    const char *path = t->path;
    size_t n_cols = (rs->n > 1 ? rs->first[1] : fs->n) - rs->first[0];
    for (size_t i = 1; i < rs->n; i++) {
        size_t next = i + 1 < rs->n ? rs->first[i + 1] : fs->n;
        size_t got = next - rs->first[i];
        if (got != n_cols)
            return dd_error_set(err, DD_ECONFIG, path, rs->line[i],
                                "expected %zu fields, found %zu", n_cols, got);
    }
    for (size_t c = 0; c < n_cols; c++)
        if (fs->v[c][0] == '\0')
            return dd_error_set(err, DD_ECONFIG, path, 1, "empty column name in the header");
    t->n_cols = n_cols;
    t->n_rows = rs->n - 1;
    t->header = malloc(n_cols * sizeof *t->header);
    t->cells = malloc((t->n_rows * n_cols + 1) * sizeof *t->cells);
    t->line = malloc((t->n_rows + 1) * sizeof *t->line);
    if (t->header == NULL || t->cells == NULL || t->line == NULL)
        return dd_error_set(err, DD_ENOMEM, path, 0, "out of memory");
    memcpy(t->header, fs->v, n_cols * sizeof *t->header);
    if (t->n_rows > 0)
        memcpy(t->cells, fs->v + n_cols, t->n_rows * n_cols * sizeof *t->cells);
    for (size_t i = 0; i < t->n_rows; i++)
        t->line[i] = rs->line[i + 1];
    return 0;
}

int dd_table_load(const char *path, dd_table *t, dd_error *err)
{
    memset(t, 0, sizeof *t);
    size_t len = 0;
    int rc = read_all(path, &t->buf, &len, err);
    if (rc != 0)
        return rc;
    t->path = strdup(path);
    if (t->path == NULL) {
        dd_table_free(t);
        return dd_error_set(err, DD_ENOMEM, path, 0, "out of memory");
    }
    if (len == 0) {
        dd_table_free(t);
        return dd_error_set(err, DD_ECONFIG, path, 1, "file is empty");
    }
    if (t->buf[len - 1] != '\n') {
        /* Our writers end every row with a newline: a missing one means a cut file. */
        int line = 1;
        for (size_t i = 0; i + 1 < len; i++)
            line += t->buf[i] == '\n';
        dd_table_free(t);
        return dd_error_set(err, DD_ECONFIG, path, line,
                            "last line is incomplete (file cut short?)");
    }
    fields fs = {NULL, 0, 0};
    rows rs = {NULL, NULL, 0, 0};
    rc = split(t, len, &fs, &rs, err);
    if (rc == 0)
        rc = assemble(t, &fs, &rs, err);
    free(fs.v);
    free(rs.line);
    free(rs.first);
    if (rc != 0)
        dd_table_free(t);
    return rc;
}

const char *dd_table_cell(const dd_table *t, size_t row, size_t col)
{
    return t->cells[row * t->n_cols + col];
}

long dd_table_column(const dd_table *t, const char *name)
{
    for (size_t c = 0; c < t->n_cols; c++)
        if (strcmp(t->header[c], name) == 0)
            return (long)c;
    return -1;
}

int dd_table_expect_header(const dd_table *t, const char *const *names, size_t n, int exact,
                           dd_error *err)
{
    for (size_t i = 0; i < n; i++) {
        if (i >= t->n_cols)
            return dd_error_set(err, DD_ECONFIG, t->path, 1, "header lacks column %s", names[i]);
        if (strcmp(t->header[i], names[i]) != 0)
            return dd_error_set(err, DD_ECONFIG, t->path, 1,
                                "header column %zu is \"%s\", expected \"%s\"", i + 1, t->header[i],
                                names[i]);
    }
    if (exact && t->n_cols != n)
        return dd_error_set(err, DD_ECONFIG, t->path, 1, "header has %zu columns, expected %zu",
                            t->n_cols, n);
    return 0;
}

int dd_table_parse_number(const char *text, double *out)
{
    if (strcmp(text, "NA") == 0) {
        *out = NAN;
        return 0;
    }
    /* strtod also takes hex, "inf", "nan" and leading blanks; our files never hold those. */
    const char *p = text;
    if (*p == '-')
        p++;
    if (!(*p >= '0' && *p <= '9') && *p != '.')
        return -1;
    for (const char *q = p; *q != '\0'; q++)
        if (!((*q >= '0' && *q <= '9') || *q == '.' || *q == 'e' || *q == 'E' || *q == '+' ||
              *q == '-'))
            return -1;
    errno = 0;
    char *end = NULL;
    double v = strtod(text, &end);
    if (end == text || *end != '\0' || !isfinite(v))
        return -1;
    *out = v;
    return 0;
}

int dd_table_number(const dd_table *t, size_t row, size_t col, double *out, dd_error *err)
{
    const char *s = dd_table_cell(t, row, col);
    if (dd_table_parse_number(s, out) != 0)
        return dd_error_set(err, DD_ECONFIG, t->path, t->line[row], "%s is \"%s\", not a number",
                            t->header[col], s);
    return 0;
}

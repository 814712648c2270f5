/*
 * dd_table: a strict reader for the CSV files drawdown writes.
 *
 * The whole file is read into memory and split into a header and rows of
 * text fields (RFC 4180: fields may be quoted, "" inside quotes is a quote).
 * Every row must have as many fields as the header; a blank line, an
 * unterminated quote or a missing final newline is an error that names the
 * file and line, because our writers never produce them: such a file has
 * been damaged or cut short. Numbers are read by dd_table_number, which
 * accepts exactly what dd_csv_number writes ("%.10g" or NA).
 */
#ifndef DD_TABLE_H
#define DD_TABLE_H

#include <stddef.h>

#include "dd_error.h"

typedef struct dd_table {
    char *path;    /* the file read, as given; owned */
    size_t n_cols; /* fields in the header */
    char **header; /* n_cols names; point into the table's buffer */
    size_t n_rows; /* data rows (the header not counted) */
    char **cells;  /* n_rows * n_cols fields, row by row */
    int *line;     /* 1-based line of each data row in the file */
    char *buf;     /* the file's text, split in place; owned */
} dd_table;

/*
 * Read and split `path`. Returns 0, DD_ECONFIG (cannot read the file, empty,
 * damaged: the error names path and line) or DD_ENOMEM. On failure *t is
 * empty (safe to free).
 */
int dd_table_load(const char *path, dd_table *t, dd_error *err);

/* Release everything; the table is empty afterwards. NULL is a no-op. */
void dd_table_free(dd_table *t);

/* Field of a data row (0-based row and column; both must be in range). */
const char *dd_table_cell(const dd_table *t, size_t row, size_t col);

/* Index of the header column with that name, or -1. */
long dd_table_column(const dd_table *t, const char *name);

/*
 * Check that the header begins with the `n` names given, in order (more
 * columns may follow when `exact` is 0). DD_ECONFIG at line 1 otherwise.
 */
int dd_table_expect_header(const dd_table *t, const char *const *names, size_t n, int exact,
                           dd_error *err);

/*
 * Read a number field: a finite decimal number, or "NA" (read as NaN).
 * Returns 0, or DD_ECONFIG naming the file, line and column.
 */
int dd_table_number(const dd_table *t, size_t row, size_t col, double *out, dd_error *err);

/*
 * Parse a whole-string decimal number as the CSV files write it. Returns 0
 * and sets *out (NaN for "NA"), or -1 when the text is anything else.
 */
int dd_table_parse_number(const char *text, double *out);

#endif

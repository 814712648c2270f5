/*
 * dd_error: error codes and the error record every library function fills.
 *
 * Zero is success; each expected failure has its own negative code. The
 * message lives in a caller-owned dd_error, never in a global, so OpenMP
 * workers and callers cannot overwrite each other's detail. Every error is
 * raised through dd_error_set (one breakpoint catches them all). Only main()
 * prints and picks the exit status.
 */
#ifndef DD_ERROR_H
#define DD_ERROR_H

#include <stddef.h>

enum {
    DD_OK = 0,
    DD_EUSAGE = -1,  /* bad command line */
    DD_ECONFIG = -2, /* scenario file cannot be parsed or has an unknown key */
    DD_ERANGE = -3,  /* a value is outside its documented range */
    DD_EIO = -4,     /* reading or writing a file failed */
    DD_ENOMEM = -5,  /* an allocation failed */
    DD_EEXIST = -6,  /* output folder exists and --force was not given */
    DD_ERUN = -7     /* the simulation itself failed (numerical trouble) */
};

/* Longest file name and message kept; longer ones are truncated. */
#define DD_ERROR_FILE_MAX 512
#define DD_ERROR_MSG_MAX 768

typedef struct dd_error {
    int code;                     /* one of the DD_E* codes; DD_OK when clear */
    char file[DD_ERROR_FILE_MAX]; /* input file the problem is in, or "" */
    int line;                     /* 1-based line in that file, or 0 */
    char msg[DD_ERROR_MSG_MAX];   /* what is wrong, one line, no trailing period */
} dd_error;

/* Clear an error record. Accepts NULL. */
void dd_error_clear(dd_error *err);

/*
 * Record an error and return its code, so callers can write
 * `return dd_error_set(err, DD_ERANGE, file, line, "...", ...)`.
 * `file` may be NULL and `line` 0 when the error has no input location.
 * `err` may be NULL (the code is still returned).
 */
int dd_error_set(dd_error *err, int code, const char *file, int line, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 5, 6)))
#endif
    ;

/*
 * Write the one-line form of an error into buf: "file:line: message" when a
 * location is known, "file: message" with a file but no line, else "message".
 */
void dd_error_format(const dd_error *err, char *buf, size_t size);

/* Exit status for an error code: 0 ok, 2 bad input or usage, 1 otherwise. */
int dd_error_exit_status(int code);

#endif

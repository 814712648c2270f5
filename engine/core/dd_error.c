/* dd_error: see dd_error.h. */
#include "dd_error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void dd_error_clear(dd_error *err)
{
    if (err == NULL)
        return;
    err->code = DD_OK;
    err->file[0] = '\0';
    err->line = 0;
    err->msg[0] = '\0';
}

int dd_error_set(dd_error *err, int code, const char *file, int line, const char *fmt, ...)
{
    if (err == NULL)
        return code;
    err->code = code;
    snprintf(err->file, sizeof err->file, "%s", file != NULL ? file : "");
    err->line = line;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
    /* One line only: a message is printed as a single line on stderr. */
    for (char *p = err->msg; *p != '\0'; p++)
        if (*p == '\n' || *p == '\r')
            *p = ' ';
    return code;
}

void dd_error_format(const dd_error *err, char *buf, size_t size)
{
    if (size == 0)
        return;
    if (err->file[0] != '\0' && err->line > 0)
        snprintf(buf, size, "%s:%d: %s", err->file, err->line, err->msg);
    else if (err->file[0] != '\0')
        snprintf(buf, size, "%s: %s", err->file, err->msg);
    else
        snprintf(buf, size, "%s", err->msg);
}

int dd_error_exit_status(int code)
{
    switch (code) {
    case DD_OK:
        return 0;
    case DD_EUSAGE:
    case DD_ECONFIG:
    case DD_ERANGE:
    case DD_EEXIST:
        return 2;
    default:
        return 1;
    }
}

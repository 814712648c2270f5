/*
 * dd_names: the two lookups behind every enum whose values have names in a
 * table (mechanisms, roles, events, allocation rules, exit reasons...).
 * Header-only: each module keeps its own table, indexed by its enum.
 */
#ifndef DD_NAMES_H
#define DD_NAMES_H

#include <string.h>

/* The name of value v in a table of n names; "?" when v is outside it. Never NULL. */
static inline const char *dd_names_get(const char *const *names, int n, int v)
{
    return (v >= 0 && v < n) ? names[v] : "?";
}

/* The index of `name` (exact, case-sensitive) in a table of n names, or -1. */
static inline int dd_names_find(const char *const *names, int n, const char *name)
{
    for (int i = 0; i < n; i++)
        if (strcmp(names[i], name) == 0)
            return i;
    return -1;
}

#endif

/*
 * dd_outdir: results folders that appear complete or not at all (see
 * dd_outdir.h). Files go to "<final>.tmp-XXXXXX" under "<name>.tmp" and are
 * renamed when closed; commit renames the folder into place, moving an
 * existing results folder aside to "<final>.old-XXXXXX" first (with force)
 * and removing it only once the new folder is in place.
 */
#define _POSIX_C_SOURCE 200809L
#define _XOPEN_SOURCE 700

#include "dd_outdir.h"

#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

/* The file that marks a folder as drawdown results (written by the CLI). */
#define MANIFEST "manifest.txt"
#define TMP_SUFFIX ".tmp"

struct dd_outdir {
    char *final_path;  /* where the results go, without trailing slashes */
    char *tmp_path;    /* the temporary folder beside it */
    char *made_parent; /* the shallowest parent folder begin created, or NULL */
    int force;
    int open_files; /* opened and not yet closed */
    int failed;     /* a close failed: commit must not publish */
};

/* ---------------------------------------------------------------- helpers */

/* Newly allocated a + b + c (b and c may be ""), or NULL. */
static char *concat3(const char *a, const char *b, const char *c)
{
    size_t la = strlen(a), lb = strlen(b), lc = strlen(c);
    char *s = malloc(la + lb + lc + 1);
    if (s == NULL)
        return NULL;
    memcpy(s, a, la);
    memcpy(s + la, b, lb);
    memcpy(s + la + lb, c, lc + 1);
    return s;
}

static char *dup_str(const char *s)
{
    return concat3(s, "", "");
}

/* nftw callback: remove everything, deepest first; keep going past failures. */
static int remove_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
    (void)st;
    (void)type;
    (void)ftw;
    remove(path);
    return 0;
}

/*
 * Remove a folder and everything in it, without following symbolic links
 * (FTW_PHYS), so nothing outside the folder can be reached.
 */
static int remove_tree(const char *path)
{
    if (nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS) != 0)
        return -1;
    struct stat st;
    return lstat(path, &st) == 0 ? -1 : 0;
}

/*
 * Whether an existing folder may be replaced: it holds manifest.txt, or it
 * is empty. 1 yes, 0 no, -1 when it cannot be read (errno set).
 */
static int is_results_folder(const char *path)
{
    char *manifest = concat3(path, "/", MANIFEST);
    if (manifest == NULL) {
        errno = ENOMEM;
        return -1;
    }
    struct stat st;
    int has = lstat(manifest, &st) == 0 && S_ISREG(st.st_mode);
    free(manifest);
    if (has)
        return 1;

    DIR *dir = opendir(path);
    if (dir == NULL)
        return -1;
    int empty = 1;
    struct dirent *e;
    errno = 0;
    while ((e = readdir(dir)) != NULL) {
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0) {
            empty = 0;
            break;
        }
    }
    int read_errno = errno;
    closedir(dir);
    if (empty && read_errno != 0) {
        errno = read_errno;
        return -1;
    }
    return empty;
}

/*
 * mkdir -p for the folder holding `path`. *made receives the shallowest
 * folder created (NULL when none was), so abort can take them back.
 */
static int make_parents(const char *path, char **made, dd_error *err)
{
    *made = NULL;
    char *p = dup_str(path);
    if (p == NULL)
        return dd_error_set(err, DD_ENOMEM, NULL, 0, "out of memory");
    char *slash = strrchr(p, '/');
    if (slash == NULL || slash == p) {
        free(p); /* parent is "." or "/" */
        return 0;
    }
    *slash = '\0';
    size_t len = strlen(p);
    /* Each prefix ending at a '/' (and the whole parent), shallowest first. */
    for (size_t i = 1; i <= len; i++) {
        if (i < len && p[i] != '/')
            continue;
        char saved = p[i];
        p[i] = '\0';
        if (i > 0 && p[i - 1] != '/') { /* skip empty components ("a//b") */
            if (mkdir(p, 0777) == 0) {
                if (*made == NULL && (*made = dup_str(p)) == NULL) {
                    free(p);
                    return dd_error_set(err, DD_ENOMEM, NULL, 0, "out of memory");
                }
            } else {
                int e = errno;
                struct stat st;
                if (e != EEXIST || stat(p, &st) != 0 || !S_ISDIR(st.st_mode)) {
                    int code = dd_error_set(err, DD_EIO, NULL, 0, "cannot create folder %s: %s", p,
                                            strerror(e == EEXIST ? ENOTDIR : e));
                    free(p);
                    return code;
                }
            }
        }
        p[i] = saved;
    }
    free(p);
    return 0;
}

/* Remove the parent folders begin created, deepest first, while they are empty. */
static void remove_made_parents(const char *final_path, const char *made)
{
    if (made == NULL)
        return;
    char *p = dup_str(final_path);
    if (p == NULL)
        return;
    size_t stop = strlen(made);
    for (;;) {
        char *slash = strrchr(p, '/');
        if (slash == NULL)
            break;
        *slash = '\0';
        if (strlen(p) < stop || rmdir(p) != 0)
            break;
    }
    free(p);
}

static void outdir_free(dd_outdir *d)
{
    free(d->final_path);
    free(d->tmp_path);
    free(d->made_parent);
    free(d);
}

/* Path of `name` in the temporary folder, with `suffix`. */
static char *tmp_file(const dd_outdir *d, const char *name, const char *suffix)
{
    char *dir = concat3(d->tmp_path, "/", name);
    if (dir == NULL)
        return NULL;
    char *p = concat3(dir, suffix, "");
    free(dir);
    return p;
}

/* ------------------------------------------------------------------- API */

int dd_outdir_begin(dd_outdir **out, const char *final_path, int force, dd_error *err)
{
    *out = NULL;
    if (final_path == NULL || final_path[0] == '\0')
        return dd_error_set(err, DD_EIO, NULL, 0, "no output folder given");

    dd_outdir *d = calloc(1, sizeof *d);
    if (d == NULL || (d->final_path = dup_str(final_path)) == NULL) {
        free(d);
        return dd_error_set(err, DD_ENOMEM, NULL, 0, "out of memory");
    }
    d->force = force;
    /* "out/" names the folder "out": the temporary folder goes beside it, not in it. */
    size_t len = strlen(d->final_path);
    while (len > 1 && d->final_path[len - 1] == '/')
        d->final_path[--len] = '\0';
    const char *base = strrchr(d->final_path, '/');
    base = base != NULL ? base + 1 : d->final_path;
    if (base[0] == '\0' || strcmp(base, ".") == 0 || strcmp(base, "..") == 0) {
        int code =
            dd_error_set(err, DD_EIO, NULL, 0, "%s cannot be used as an output folder", final_path);
        outdir_free(d);
        return code;
    }

    struct stat st;
    if (lstat(d->final_path, &st) == 0) {
        int code;
        if (!S_ISDIR(st.st_mode)) {
            code = dd_error_set(err, DD_EEXIST, NULL, 0,
                                "%s already exists and is not a folder; --force will not "
                                "replace it",
                                final_path);
        } else {
            int ok = is_results_folder(d->final_path);
            if (ok < 0)
                code = dd_error_set(err, DD_EIO, NULL, 0, "cannot read %s: %s", final_path,
                                    strerror(errno));
            else if (ok == 0)
                code = dd_error_set(err, DD_EEXIST, NULL, 0,
                                    "%s already exists and is not a drawdown results folder "
                                    "(no %s); --force will not replace it",
                                    final_path, MANIFEST);
            else if (!force)
                code = dd_error_set(err, DD_EEXIST, NULL, 0,
                                    "%s already exists; use --force to replace it", final_path);
            else
                code = 0;
        }
        if (code != 0) {
            outdir_free(d);
            return code;
        }
    } else if (errno != ENOENT) {
        int code = dd_error_set(err, DD_EIO, NULL, 0, "cannot inspect %s: %s", final_path,
                                strerror(errno));
        outdir_free(d);
        return code;
    }

    int rc = make_parents(d->final_path, &d->made_parent, err);
    if (rc != 0) {
        outdir_free(d);
        return rc;
    }
    d->tmp_path = concat3(d->final_path, ".tmp-XXXXXX", "");
    if (d->tmp_path == NULL) {
        remove_made_parents(d->final_path, d->made_parent);
        outdir_free(d);
        return dd_error_set(err, DD_ENOMEM, NULL, 0, "out of memory");
    }
    if (mkdtemp(d->tmp_path) == NULL) {
        int code = dd_error_set(err, DD_EIO, NULL, 0, "cannot create a folder beside %s: %s",
                                d->final_path, strerror(errno));
        remove_made_parents(d->final_path, d->made_parent);
        outdir_free(d);
        return code;
    }
    /*
     * mkdtemp makes the folder private (0700); the results folder should get
     * the same permissions as any folder the user creates. Reading the umask
     * means setting it back at once (there is no query-only call).
     */
    mode_t mask = umask(0);
    umask(mask);
    if (chmod(d->tmp_path, 0777 & ~mask) != 0) {
        int code = dd_error_set(err, DD_EIO, NULL, 0, "cannot set permissions of %s: %s",
                                d->tmp_path, strerror(errno));
        dd_outdir_abort(d);
        return code;
    }
    *out = d;
    return 0;
}

int dd_outdir_open(dd_outdir *d, const char *name, FILE **f, dd_error *err)
{
    *f = NULL;
    if (name == NULL || name[0] == '\0' || strchr(name, '/') != NULL || strcmp(name, ".") == 0 ||
        strcmp(name, "..") == 0)
        return dd_error_set(err, DD_EIO, NULL, 0, "\"%s\" is not a plain file name",
                            name != NULL ? name : "");
    char *path = tmp_file(d, name, TMP_SUFFIX);
    if (path == NULL)
        return dd_error_set(err, DD_ENOMEM, NULL, 0, "out of memory");
    /* "x": never reuse a file that is already there. */
    FILE *fp = fopen(path, "wx");
    if (fp == NULL) {
        int code =
            dd_error_set(err, DD_EIO, NULL, 0, "cannot create %s: %s", path, strerror(errno));
        free(path);
        return code;
    }
    free(path);
    d->open_files++;
    *f = fp;
    return 0;
}

int dd_outdir_close(dd_outdir *d, FILE *f, const char *name, dd_error *err)
{
    /* Every step runs, so the FILE is closed whatever fails; the first failure is reported. */
    int e = 0;
    const char *what = NULL;
    if (ferror(f)) {
        what = "a write failed";
        e = EIO;
    }
    if (fflush(f) != 0 && what == NULL) {
        what = "cannot flush";
        e = errno;
    }
    /* On disk before the rename, so a crash cannot publish an empty file. */
    if (fsync(fileno(f)) != 0 && errno != EINVAL && what == NULL) {
        what = "cannot sync";
        e = errno;
    }
    if (fclose(f) != 0 && what == NULL) {
        what = "cannot close";
        e = errno;
    }
    d->open_files--;

    char *from = tmp_file(d, name, TMP_SUFFIX);
    char *to = tmp_file(d, name, "");
    int code = 0;
    if (from == NULL || to == NULL) {
        code = dd_error_set(err, DD_EIO, NULL, 0, "cannot finish %s: out of memory", name);
        d->failed = 1;
    } else if (what != NULL) {
        code = dd_error_set(err, DD_EIO, NULL, 0, "%s: %s: %s", from, what, strerror(e));
        remove(from);
        d->failed = 1;
    } else if (rename(from, to) != 0) {
        code = dd_error_set(err, DD_EIO, NULL, 0, "cannot rename %s to %s: %s", from, to,
                            strerror(errno));
        d->failed = 1;
    }
    free(from);
    free(to);
    return code;
}

int dd_outdir_commit(dd_outdir *d, dd_error *err)
{
    int code;
    if (d->open_files != 0 || d->failed) {
        code = dd_error_set(err, DD_EIO, NULL, 0, "%s: not published, %s", d->final_path,
                            d->failed ? "a file could not be written" : "a file is still open");
        dd_outdir_abort(d);
        return code;
    }

    struct stat st;
    if (lstat(d->final_path, &st) != 0) {
        if (errno != ENOENT) {
            code = dd_error_set(err, DD_EIO, NULL, 0, "cannot inspect %s: %s", d->final_path,
                                strerror(errno));
            dd_outdir_abort(d);
            return code;
        }
        if (rename(d->tmp_path, d->final_path) != 0) {
            code = dd_error_set(err, DD_EIO, NULL, 0, "cannot rename %s to %s: %s", d->tmp_path,
                                d->final_path, strerror(errno));
            dd_outdir_abort(d);
            return code;
        }
        outdir_free(d);
        return 0;
    }

    /* Something is there: checked again, as it may have changed since begin. */
    if (!d->force || !S_ISDIR(st.st_mode) || is_results_folder(d->final_path) != 1) {
        code = dd_error_set(err, DD_EIO, NULL, 0,
                            "%s appeared or changed while the results were written; it was "
                            "left as it is",
                            d->final_path);
        dd_outdir_abort(d);
        return code;
    }
    /* mkdtemp reserves a unique name; rename then replaces that empty folder. */
    char *aside = concat3(d->final_path, ".old-XXXXXX", "");
    if (aside == NULL) {
        dd_outdir_abort(d);
        return dd_error_set(err, DD_EIO, NULL, 0, "out of memory");
    }
    if (mkdtemp(aside) == NULL) {
        code = dd_error_set(err, DD_EIO, NULL, 0, "cannot create a folder beside %s: %s",
                            d->final_path, strerror(errno));
        free(aside);
        dd_outdir_abort(d);
        return code;
    }
    if (rename(d->final_path, aside) != 0) {
        code = dd_error_set(err, DD_EIO, NULL, 0, "cannot move %s aside: %s", d->final_path,
                            strerror(errno));
        rmdir(aside);
        free(aside);
        dd_outdir_abort(d);
        return code;
    }
    if (rename(d->tmp_path, d->final_path) != 0) {
        code = dd_error_set(err, DD_EIO, NULL, 0, "cannot rename %s to %s: %s", d->tmp_path,
                            d->final_path, strerror(errno));
        rename(aside, d->final_path); /* put the user's folder back */
        free(aside);
        dd_outdir_abort(d);
        return code;
    }
    /*
     * The new results are in place: that is the promise. Should the old
     * folder resist removal it stays, visibly, as <final>.old-XXXXXX; that
     * does not make the run fail.
     */
    remove_tree(aside);
    free(aside);
    outdir_free(d);
    return 0;
}

void dd_outdir_abort(dd_outdir *d)
{
    if (d == NULL)
        return;
    if (d->tmp_path != NULL)
        remove_tree(d->tmp_path);
    remove_made_parents(d->final_path, d->made_parent);
    outdir_free(d);
}

const char *dd_outdir_tmp_path(const dd_outdir *d)
{
    return d->tmp_path;
}

/*
 * test_outdir: Check suite for engine/io/dd_outdir.c (results folders that
 * are complete or absent) and engine/io/dd_sha256.c (FIPS 180-4 vectors).
 * Every test works in its own mkdtemp folder under /tmp and removes it.
 */
#define _POSIX_C_SOURCE 200809L
#define _XOPEN_SOURCE 700

#include <check.h>

#include <dirent.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dd_error.h"
#include "dd_outdir.h"
#include "dd_sha256.h"
#include "test_check.h"

/* ---------------------------------------------------------------- sha256 */

static void hash_hex(const void *data, size_t n, char out[65])
{
    dd_sha256 s;
    dd_sha256_init(&s);
    dd_sha256_update(&s, data, n);
    dd_sha256_hex(&s, out);
}

START_TEST(test_outdir__sha256_of_the_fips_180_examples)
{
    char hex[65];
    hash_hex("", 0, hex);
    ck_assert_str_eq(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    hash_hex("abc", 3, hex);
    ck_assert_str_eq(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    const char *m448 = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    hash_hex(m448, strlen(m448), hex);
    ck_assert_str_eq(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    const char *m896 = "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmno"
                       "ijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu";
    hash_hex(m896, strlen(m896), hex);
    ck_assert_str_eq(hex, "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
}
END_TEST

START_TEST(test_outdir__sha256_of_a_million_a_fed_in_uneven_pieces)
{
    char chunk[1000];
    memset(chunk, 'a', sizeof chunk);
    dd_sha256 s;
    dd_sha256_init(&s);
    /* Pieces of 1..997 bytes, so every offset within a block is crossed. */
    size_t left = 1000000, piece = 1;
    while (left > 0) {
        size_t n = piece < left ? piece : left;
        dd_sha256_update(&s, chunk, n);
        left -= n;
        piece = piece % 997 + 1;
    }
    char hex[65];
    dd_sha256_hex(&s, hex);
    ck_assert_str_eq(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}
END_TEST

/* Lengths around the padding boundaries (55/56 bytes fit one block or not). */
START_TEST(test_outdir__sha256_at_padding_boundaries)
{
    static const struct {
        size_t n;
        const char *hex;
    } cases[] = {
        {55, "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318"},
        {56, "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a"},
        {57, "f13b2d724659eb3bf47f2dd6af1accc87b81f09f59f2b75e5c0bed6589dfe8c6"},
        {63, "7d3e74a05d7db15bce4ad9ec0658ea98e3f06eeecf16b4c6fff2da457ddc2f34"},
        {64, "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb"},
        {65, "635361c48bb9eab14198e76ea8ab7f1a41685d6ad62aa9146d301d4f17eb0ae0"},
        {119, "31eba51c313a5c08226adf18d4a359cfdfd8d2e816b13f4af952f7ea6584dcfb"},
        {120, "2f3d335432c70b580af0e8e1b3674a7c020d683aa5f73aaaedfdc55af904c21c"},
        {128, "6836cf13bac400e9105071cd6af47084dfacad4e5e302c94bfed24e013afb73e"},
    };
    char a[128];
    memset(a, 'a', sizeof a);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char hex[65];
        hash_hex(a, cases[i].n, hex);
        ck_assert_msg(strcmp(hex, cases[i].hex) == 0, "%zu bytes: %s", cases[i].n, hex);
        /* Byte by byte gives the same digest. */
        dd_sha256 s;
        dd_sha256_init(&s);
        for (size_t j = 0; j < cases[i].n; j++)
            dd_sha256_update(&s, a + j, 1);
        dd_sha256_hex(&s, hex);
        ck_assert_str_eq(hex, cases[i].hex);
    }
}
END_TEST

/* --------------------------------------------------------------- helpers */

static int rm_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
    (void)st;
    (void)type;
    (void)ftw;
    remove(path);
    return 0;
}

/* A fresh folder under /tmp for one test. */
static char *new_base(void)
{
    char *dir = strdup("/tmp/dd_test_outdir-XXXXXX");
    ck_assert_ptr_nonnull(dir);
    ck_assert_ptr_nonnull(mkdtemp(dir));
    return dir;
}

static void remove_base(char *dir)
{
    nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
    free(dir);
}

static char *path_in(const char *dir, const char *name)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *p = malloc(n);
    ck_assert_ptr_nonnull(p);
    snprintf(p, n, "%s/%s", dir, name);
    return p;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The names in a folder, sorted and joined by ',' ("" when empty). */
static char *listing(const char *dir)
{
    DIR *d = opendir(dir);
    ck_assert_msg(d != NULL, "cannot open %s", dir);
    char *names[64];
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        ck_assert(n < 64);
        names[n] = strdup(e->d_name);
        ck_assert_ptr_nonnull(names[n]);
        n++;
    }
    closedir(d);
    qsort(names, n, sizeof names[0], cmp_str);
    char *joined = calloc(1, 64 * 256);
    ck_assert_ptr_nonnull(joined);
    for (size_t i = 0; i < n; i++) {
        if (i > 0)
            strcat(joined, ",");
        strncat(joined, names[i], 200);
        free(names[i]);
    }
    return joined;
}

static void assert_listing(const char *dir, const char *want)
{
    char *got = listing(dir);
    ck_assert_msg(strcmp(got, want) == 0, "%s holds \"%s\", expected \"%s\"", dir, got, want);
    free(got);
}

static void write_file(const char *dir, const char *name, const char *text)
{
    char *p = path_in(dir, name);
    FILE *f = fopen(p, "w");
    ck_assert_ptr_nonnull(f);
    ck_assert(fputs(text, f) >= 0);
    ck_assert_int_eq(fclose(f), 0);
    free(p);
}

static void assert_file(const char *dir, const char *name, const char *want)
{
    char *p = path_in(dir, name);
    FILE *f = fopen(p, "r");
    ck_assert_msg(f != NULL, "cannot open %s", p);
    char buf[256] = {0};
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose(f);
    ck_assert_msg(strcmp(buf, want) == 0, "%s holds \"%s\"", p, buf);
    free(p);
}

/* Write one file through the outdir API. */
static void put_file(dd_outdir *d, const char *name, const char *text)
{
    FILE *f = NULL;
    dd_error err;
    dd_error_clear(&err);
    ck_assert_int_eq(dd_outdir_open(d, name, &f, &err), 0);
    ck_assert_ptr_nonnull(f);
    ck_assert(fputs(text, f) >= 0);
    ck_assert_msg(dd_outdir_close(d, f, name, &err) == 0, "%s", err.msg);
}

/*
 * Every folder test works in a fresh folder `base` that the checked fixture
 * makes before the test and removes after it (both in the test's forked
 * child); `out` is the path base/out, not created.
 */
static char *base, *out;

static void scratch_setup(void)
{
    base = new_base();
    out = path_in(base, "out");
}

static void scratch_teardown(void)
{
    free(out);
    remove_base(base);
}

/* A second, empty scratch folder for the second part of a test. */
static void scratch_renew(void)
{
    scratch_teardown();
    scratch_setup();
}

/* dd_outdir_begin on `path` that must succeed: fails the test with its message otherwise. */
static dd_outdir *begin_ok(const char *path, int force)
{
    dd_outdir *d = NULL;
    dd_error err;
    dd_error_clear(&err);
    ck_assert_msg(dd_outdir_begin(&d, path, force, &err) == 0, "%s", err.msg);
    ck_assert_ptr_nonnull(d);
    return d;
}

/* An existing previous result at `out`: manifest.txt and a CSV. */
static void make_old_results(void)
{
    ck_assert_int_eq(mkdir(out, 0777), 0);
    write_file(out, "manifest.txt", "old manifest\n");
    write_file(out, "summary.csv", "old\n");
}

/* ----------------------------------------------------------------- tests */

START_TEST(test_outdir__committed_folder_holds_exactly_the_files_written)
{
    dd_outdir *d = begin_ok(out, 0);
    dd_error err;

    /* The temporary folder is beside the final one, and nothing is at the final path yet. */
    const char *tmp = dd_outdir_tmp_path(d);
    ck_assert(strncmp(tmp, out, strlen(out)) == 0);
    ck_assert(strncmp(tmp + strlen(out), ".tmp-", 5) == 0);
    ck_assert_ptr_null(strchr(tmp + strlen(out), '/'));
    ck_assert_int_ne(access(out, F_OK), 0);

    put_file(d, "monthly.csv", "a,b\n1,2\n");
    /* While a file is open it exists only under its temporary name. */
    FILE *f = NULL;
    ck_assert_int_eq(dd_outdir_open(d, "manifest.txt", &f, &err), 0);
    ck_assert(fputs("drawdown\n", f) >= 0);
    assert_listing(tmp, "manifest.txt.tmp,monthly.csv");
    ck_assert_int_eq(dd_outdir_close(d, f, "manifest.txt", &err), 0);
    assert_listing(tmp, "manifest.txt,monthly.csv");

    ck_assert_msg(dd_outdir_commit(d, &err) == 0, "%s", err.msg);
    assert_listing(base, "out");
    assert_listing(out, "manifest.txt,monthly.csv");
    assert_file(out, "monthly.csv", "a,b\n1,2\n");
    assert_file(out, "manifest.txt", "drawdown\n");
    struct stat st;
    ck_assert_int_eq(stat(out, &st), 0);
    ck_assert(S_ISDIR(st.st_mode));
    mode_t mask = umask(0);
    umask(mask);
    ck_assert_int_eq(st.st_mode & 0777, 0777 & ~mask);
}
END_TEST

START_TEST(test_outdir__missing_parent_folders_are_created)
{
    char *deep = path_in(base, "a/b//c/out/");
    dd_outdir *d = begin_ok(deep, 0);
    dd_error err;
    put_file(d, "manifest.txt", "m\n");
    ck_assert_int_eq(dd_outdir_commit(d, &err), 0);
    char *c = path_in(base, "a/b/c");
    assert_listing(c, "out");
    char *final = path_in(base, "a/b/c/out");
    assert_listing(final, "manifest.txt");
    free(final);
    free(c);
    free(deep);
}
END_TEST

START_TEST(test_outdir__existing_folder_is_refused_without_force_and_left_untouched)
{
    make_old_results();
    dd_outdir *d = (dd_outdir *)&d; /* must be reset to NULL */
    dd_error err;
    dd_error_clear(&err);
    ck_assert_int_eq(dd_outdir_begin(&d, out, 0, &err), DD_EEXIST);
    ck_assert_ptr_null(d);
    ck_assert_int_eq(err.code, DD_EEXIST);
    char want[512];
    snprintf(want, sizeof want, "%s already exists; use --force to replace it", out);
    ck_assert_str_eq(err.msg, want);
    assert_listing(base, "out");
    assert_listing(out, "manifest.txt,summary.csv");
    assert_file(out, "summary.csv", "old\n");

    /* An empty folder is refused the same way without force. */
    char *empty = path_in(base, "empty");
    ck_assert_int_eq(mkdir(empty, 0777), 0);
    ck_assert_int_eq(dd_outdir_begin(&d, empty, 0, &err), DD_EEXIST);
    ck_assert_ptr_nonnull(strstr(err.msg, "--force"));
    assert_listing(base, "empty,out");
    free(empty);
}
END_TEST

START_TEST(test_outdir__force_replaces_a_results_folder)
{
    make_old_results();
    char *sub = path_in(out, "charts");
    ck_assert_int_eq(mkdir(sub, 0777), 0);
    write_file(sub, "map.svg", "<svg/>\n");
    dd_outdir *d = begin_ok(out, 1);
    dd_error err;
    put_file(d, "manifest.txt", "new manifest\n");
    put_file(d, "replications.csv", "new\n");
    /* Until commit the old results stay in place. */
    assert_file(out, "summary.csv", "old\n");
    ck_assert_msg(dd_outdir_commit(d, &err) == 0, "%s", err.msg);
    assert_listing(base, "out"); /* no .tmp- or .old- folder left */
    assert_listing(out, "manifest.txt,replications.csv");
    assert_file(out, "manifest.txt", "new manifest\n");
    free(sub);
}
END_TEST

START_TEST(test_outdir__force_replaces_an_empty_folder)
{
    ck_assert_int_eq(mkdir(out, 0777), 0);
    dd_outdir *d = begin_ok(out, 1);
    dd_error err;
    put_file(d, "manifest.txt", "m\n");
    ck_assert_int_eq(dd_outdir_commit(d, &err), 0);
    assert_listing(base, "out");
    assert_listing(out, "manifest.txt");
}
END_TEST

START_TEST(test_outdir__force_refuses_a_folder_without_manifest)
{
    ck_assert_int_eq(mkdir(out, 0777), 0);
    write_file(out, "thesis.tex", "precious\n");
    dd_outdir *d = NULL;
    dd_error err;
    dd_error_clear(&err);
    ck_assert_int_eq(dd_outdir_begin(&d, out, 1, &err), DD_EEXIST);
    ck_assert_ptr_null(d);
    ck_assert_ptr_nonnull(strstr(err.msg, "manifest.txt"));
    assert_listing(base, "out");
    assert_listing(out, "thesis.tex");
    assert_file(out, "thesis.tex", "precious\n");
    /* A folder named manifest.txt is not a manifest. */
    char *fake = path_in(out, "manifest.txt");
    ck_assert_int_eq(mkdir(fake, 0777), 0);
    ck_assert_int_eq(dd_outdir_begin(&d, out, 1, &err), DD_EEXIST);
    assert_listing(out, "manifest.txt,thesis.tex");
    free(fake);
}
END_TEST

START_TEST(test_outdir__a_plain_file_is_never_replaced)
{
    write_file(base, "out", "not a folder\n");
    dd_outdir *d = NULL;
    dd_error err;
    for (int force = 0; force <= 1; force++) {
        dd_error_clear(&err);
        ck_assert_int_eq(dd_outdir_begin(&d, out, force, &err), DD_EEXIST);
        ck_assert_ptr_null(d);
        ck_assert_ptr_nonnull(strstr(err.msg, "not a folder"));
    }
    assert_listing(base, "out");
    assert_file(base, "out", "not a folder\n");

    /* Nor a symbolic link, even to a results folder. */
    scratch_renew();
    make_old_results();
    char *link = path_in(base, "link");
    ck_assert_int_eq(symlink(out, link), 0);
    ck_assert_int_eq(dd_outdir_begin(&d, link, 1, &err), DD_EEXIST);
    assert_listing(base, "link,out");
    assert_listing(out, "manifest.txt,summary.csv");
    free(link);
}
END_TEST

START_TEST(test_outdir__abort_leaves_nothing_behind)
{
    char *deep = path_in(base, "x/y/out");
    dd_outdir *d = begin_ok(deep, 0);
    dd_error err;
    put_file(d, "monthly.csv", "partial\n");
    FILE *f = NULL;
    ck_assert_int_eq(dd_outdir_open(d, "summary.csv", &f, &err), 0);
    ck_assert(fputs("half", f) >= 0);
    fclose(f); /* the caller gave up mid-file */
    dd_outdir_abort(d);
    /* The temporary folder and the parents begin created are gone. */
    assert_listing(base, "");
    dd_outdir_abort(NULL);

    /* Parents that existed before stay. */
    char *x = path_in(base, "x");
    ck_assert_int_eq(mkdir(x, 0777), 0);
    dd_outdir_abort(begin_ok(deep, 0));
    assert_listing(base, "x");
    assert_listing(x, "");
    free(x);
    free(deep);
}
END_TEST

START_TEST(test_outdir__abort_with_force_keeps_the_old_results)
{
    make_old_results();
    dd_outdir *d = begin_ok(out, 1);
    put_file(d, "manifest.txt", "new\n");
    dd_outdir_abort(d);
    assert_listing(base, "out");
    assert_listing(out, "manifest.txt,summary.csv");
    assert_file(out, "manifest.txt", "old manifest\n");
}
END_TEST

START_TEST(test_outdir__bad_file_names_are_refused)
{
    dd_outdir *d = begin_ok(out, 0);
    dd_error err;
    const char *bad[] = {"", ".", "..", "a/b", "../escape"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        FILE *f = (FILE *)&f;
        ck_assert_int_eq(dd_outdir_open(d, bad[i], &f, &err), DD_EIO);
        ck_assert_ptr_null(f);
    }
    /* The same name twice is refused while the first is open. */
    FILE *f1 = NULL, *f2 = NULL;
    ck_assert_int_eq(dd_outdir_open(d, "a.csv", &f1, &err), 0);
    ck_assert_int_eq(dd_outdir_open(d, "a.csv", &f2, &err), DD_EIO);
    ck_assert_int_eq(dd_outdir_close(d, f1, "a.csv", &err), 0);
    dd_outdir_abort(d);
    assert_listing(base, "");
}
END_TEST

START_TEST(test_outdir__a_failed_write_is_reported_and_never_published)
{
    dd_outdir *d = begin_ok(out, 0);
    dd_error err;
    FILE *f = NULL;
    ck_assert_int_eq(dd_outdir_open(d, "monthly.csv", &f, &err), 0);
    ck_assert(fputs("x", f) >= 0);
    /* Reading a write-only stream sets its error indicator. */
    ck_assert_int_eq(fgetc(f), EOF);
    ck_assert(ferror(f));
    dd_error_clear(&err);
    ck_assert_int_eq(dd_outdir_close(d, f, "monthly.csv", &err), DD_EIO);
    ck_assert_int_eq(err.code, DD_EIO);
    ck_assert_ptr_nonnull(strstr(err.msg, "monthly.csv"));
    assert_listing(dd_outdir_tmp_path(d), "");
    /* Commit refuses to publish an incomplete folder, and cleans up. */
    ck_assert_int_eq(dd_outdir_commit(d, &err), DD_EIO);
    assert_listing(base, "");
}
END_TEST

START_TEST(test_outdir__commit_refuses_a_folder_that_appeared_meanwhile)
{
    dd_outdir *d = begin_ok(out, 0);
    dd_error err;
    put_file(d, "manifest.txt", "new\n");
    ck_assert_int_eq(mkdir(out, 0777), 0);
    write_file(out, "someone.txt", "else\n");
    dd_error_clear(&err);
    ck_assert_int_eq(dd_outdir_commit(d, &err), DD_EIO);
    assert_listing(base, "out");
    assert_listing(out, "someone.txt");

    /* With force, a folder that stopped being a results folder is left alone too. */
    scratch_renew();
    make_old_results();
    d = begin_ok(out, 1);
    put_file(d, "manifest.txt", "new\n");
    char *manifest = path_in(out, "manifest.txt");
    ck_assert_int_eq(unlink(manifest), 0);
    ck_assert_int_eq(dd_outdir_commit(d, &err), DD_EIO);
    assert_listing(base, "out");
    assert_listing(out, "summary.csv");
    free(manifest);
}
END_TEST

int main(void)
{
    const TTest *const sha[] = {
        test_outdir__sha256_of_the_fips_180_examples,
        test_outdir__sha256_of_a_million_a_fed_in_uneven_pieces,
        test_outdir__sha256_at_padding_boundaries,
    };
    const TTest *const folders[] = {
        test_outdir__committed_folder_holds_exactly_the_files_written,
        test_outdir__missing_parent_folders_are_created,
        test_outdir__existing_folder_is_refused_without_force_and_left_untouched,
        test_outdir__force_replaces_a_results_folder,
        test_outdir__force_replaces_an_empty_folder,
        test_outdir__force_refuses_a_folder_without_manifest,
        test_outdir__a_plain_file_is_never_replaced,
        test_outdir__abort_leaves_nothing_behind,
        test_outdir__abort_with_force_keeps_the_old_results,
        test_outdir__bad_file_names_are_refused,
        test_outdir__a_failed_write_is_reported_and_never_published,
        test_outdir__commit_refuses_a_folder_that_appeared_meanwhile,
    };
    Suite *s = suite_create("outdir");
    dd_test_add_case(s, "sha256", 0, sha, DD_TEST_COUNT(sha));
    TCase *tc = dd_test_add_case(s, "folders", 0, folders, DD_TEST_COUNT(folders));
    tcase_add_checked_fixture(tc, scratch_setup, scratch_teardown);
    return dd_test_run(s);
}

/*
 * dd_outdir: output folders that are complete or absent.
 *
 * Results are written into a temporary folder created beside the final one
 * (same parent, so renames stay on one file system). Each file is written
 * under a temporary name and renamed when closed. Committing renames the
 * temporary folder into place; with `force`, an existing results folder is
 * first moved aside and removed only after the new one is in place. On any
 * failure, or on abort, the temporary folder is removed and nothing the user
 * had is touched.
 */
#ifndef DD_OUTDIR_H
#define DD_OUTDIR_H

#include <stdio.h>

#include "dd_error.h"

typedef struct dd_outdir dd_outdir;

/*
 * Start writing results that will end up at `final_path`. Missing parent
 * folders are created. Fails with DD_EEXIST when final_path exists and
 * `force` is 0 (the message names --force); with DD_EEXIST also when
 * final_path exists but is not a folder, or is a non-empty folder without a
 * manifest.txt (so --force never deletes something that is not a drawdown
 * result); DD_EIO or DD_ENOMEM otherwise. *out is NULL on failure.
 */
int dd_outdir_begin(dd_outdir **out, const char *final_path, int force, dd_error *err);

/* Open `name` (a plain file name) for writing inside the temporary folder. */
int dd_outdir_open(dd_outdir *d, const char *name, FILE **f, dd_error *err);

/*
 * Close a file opened by dd_outdir_open, checking every write, and rename it
 * to its final name. Returns 0 or DD_EIO. The FILE is closed in all cases.
 */
int dd_outdir_close(dd_outdir *d, FILE *f, const char *name, dd_error *err);

/* Move the folder into place and free d. Returns 0 or DD_EIO (then aborted). */
int dd_outdir_commit(dd_outdir *d, dd_error *err);

/* Remove the temporary folder and everything in it, and free d. NULL is a no-op. */
void dd_outdir_abort(dd_outdir *d);

/* Path of the temporary folder (for diagnostics and tests). */
const char *dd_outdir_tmp_path(const dd_outdir *d);

#endif

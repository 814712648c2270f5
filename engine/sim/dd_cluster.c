/*
 * dd_cluster: MPI process bookkeeping, or a single process without MPI.
 * See dd_cluster.h.
 */
#include "dd_cluster.h"

#include <stdlib.h>

#include "dd_error.h"

#ifdef DD_MPI
#include <limits.h>

#include <mpi.h>

static int mpi_running(void)
{
    int up = 0, down = 0;
    MPI_Initialized(&up);
    MPI_Finalized(&down);
    return up && !down;
}

int dd_cluster_init(int *argc, char ***argv)
{
    if (mpi_running())
        return DD_OK;
    int provided = 0;
    if (MPI_Init_thread(argc, argv, MPI_THREAD_FUNNELED, &provided) != MPI_SUCCESS)
        return DD_ERUN;
    if (provided < MPI_THREAD_FUNNELED) {
        MPI_Finalize();
        return DD_ERUN;
    }
    return DD_OK;
}

void dd_cluster_finish(void)
{
    if (mpi_running())
        MPI_Finalize();
}

int dd_cluster_rank(void)
{
    int rank = 0;
    if (mpi_running())
        MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    return rank;
}

int dd_cluster_size(void)
{
    int size = 1;
    if (mpi_running())
        MPI_Comm_size(MPI_COMM_WORLD, &size);
    return size;
}

int dd_cluster_available(void)
{
    return 1;
}

void dd_cluster_bcast(void *buf, size_t bytes)
{
    if (dd_cluster_size() < 2)
        return;
    char *p = buf;
    while (bytes > 0) {
        int n = bytes > (size_t)INT_MAX ? INT_MAX : (int)bytes;
        MPI_Bcast(p, n, MPI_BYTE, 0, MPI_COMM_WORLD);
        p += n;
        bytes -= (size_t)n;
    }
}

int dd_cluster_agree(int code)
{
    int size = dd_cluster_size();
    if (size < 2)
        return code;
    int *all = malloc((size_t)size * sizeof *all);
    if (all == NULL) {
        /* Cannot even agree: stop everything rather than leave ranks waiting. */
        dd_cluster_abort(1);
        return DD_ENOMEM;
    }
    MPI_Allgather(&code, 1, MPI_INT, all, 1, MPI_INT, MPI_COMM_WORLD);
    int agreed = DD_OK;
    for (int r = 0; r < size && agreed == DD_OK; r++)
        agreed = all[r];
    free(all);
    return agreed;
}

void dd_cluster_abort(int status)
{
    if (mpi_running())
        MPI_Abort(MPI_COMM_WORLD, status);
    exit(status);
}

#else /* no MPI: one process */

int dd_cluster_init(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    return DD_OK;
}

void dd_cluster_finish(void) {}

int dd_cluster_rank(void)
{
    return 0;
}

int dd_cluster_size(void)
{
    return 1;
}

int dd_cluster_available(void)
{
    return 0;
}

void dd_cluster_bcast(void *buf, size_t bytes)
{
    (void)buf;
    (void)bytes;
}

int dd_cluster_agree(int code)
{
    return code;
}

void dd_cluster_abort(int status)
{
    exit(status);
}

#endif

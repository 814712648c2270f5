/*
 * dd_cluster: the processes of an MPI run, for a program that spreads its
 * replications over several machines (dd_run_opts.cluster).
 *
 * In a build without MPI (the default: cmake without -DDD_MPI=ON) every
 * function here is a no-op for a single process: rank 0 of 1. In an MPI
 * build, dd_cluster_init starts MPI (MPI_Init_thread, funnelled: only the
 * thread that called it talks to MPI) and the other functions work on
 * MPI_COMM_WORLD. A program calls dd_cluster_init first and
 * dd_cluster_finish last, on every process.
 *
 * Division of labour: every process loads the scenario and builds the model
 * itself; every process calls dd_runner_run with the same options, in the
 * same order; only rank 0 prints, writes files and gets results. When a
 * process must take a decision from results (which only rank 0 has), rank 0
 * broadcasts it with dd_cluster_bcast.
 */
#ifndef DD_CLUSTER_H
#define DD_CLUSTER_H

#include <stddef.h>

/* Start MPI when built with it. Returns 0, or DD_ERUN when MPI cannot start. */
int dd_cluster_init(int *argc, char ***argv);

/* End MPI when built with it (after the last dd_cluster or runner call). */
void dd_cluster_finish(void);

/* This process's rank (0 without MPI) and the number of processes (1 without MPI). */
int dd_cluster_rank(void);
int dd_cluster_size(void);

/* 1 when built with MPI support (whether or not it runs with several processes). */
int dd_cluster_available(void);

/* Copy `bytes` bytes at `buf` from rank 0 to every process. No-op for one process. */
void dd_cluster_bcast(void *buf, size_t bytes);

/*
 * Agree on a status code: every process passes its own code and gets back
 * rank 0's code when it is not DD_OK, else the first non-DD_OK code by rank,
 * else DD_OK. Used before a run starts so that all processes go on or none
 * does (a process that failed to load its scenario stops them all).
 */
int dd_cluster_agree(int code);

/* Stop every process at once with exit status `status` (a failure no rank can recover from). */
void dd_cluster_abort(int status);

#endif

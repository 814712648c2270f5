/*
 * dd_runner: blocks of replications in parallel, merged in replication order.
 *
 * Why the bytes never change. Every replication draws from its own keyed
 * streams (dd_rng.h), so its series and outcome do not depend on who runs
 * it. The monthly statistics are sums (dd_stats.h): each cell adds its
 * values one replication after the other, replication 0 first, and the
 * per-replication summary and callbacks take the outcomes in that order
 * too. Whatever the runner does -- threads, block size, overlap, processes
 * -- it keeps exactly that order, so every floating-point sum, and hence
 * every byte written, is the same.
 *
 * One process. Replications are cut into blocks of block_reps (the last one
 * shorter). Block b's series go into a block buffer laid out as
 * [replication][month][place][metric]. The run is a sequence of steps; step
 * b is one OpenMP parallel region in which
 *   - the calling thread (OpenMP's master) first hands block b-1's outcomes,
 *     in order, to the summary and to on_replication/on_progress (serial
 *     work: CSV formatting), then joins the others;
 *   - all threads run block b's replications (dynamic schedule, one at a
 *     time), each into its own slot of block b's buffer;
 *   - threads that run out of replications merge block b-1 into the monthly
 *     grid, unit by unit (dd_grid_add_unit: disjoint sets of cells, each
 *     cell taking the block's replications in order).
 * Two buffers alternate. The serial work and the merge thus fill the time
 * threads would otherwise wait at the end of a block for its slowest
 * replication, which is what keeps the parallel efficiency up with many
 * threads and short blocks. A block holds as many replications as fit in
 * BLOCK_BYTES over all buffers, at most BLOCK_MAX_REPS, but at least 4 per
 * thread (fewer leave threads idle at its end) and at least BLOCK_MIN_REPS
 * (see there); so memory does not grow with the replication count, only
 * with months x regions (and with the thread count when a replication's
 * series is large).
 *
 * Several processes (MPI build, mpirun -np K; dd_cluster.h). Rank 0
 * leads; ranks 1..K-1 are workers. Blocks are the unit of work and are
 * numbered in replication order. Rank 0 hands each worker up to two blocks
 * at a time (a 2-long message: first replication, count; count 0 means
 * stop), in increasing block order, and hands it the next block as soon as a
 * result arrives. A worker runs its blocks in the order received, exactly as
 * one process runs a block (OpenMP inside), and sends the raw block buffer
 * (count x series, MPI_DOUBLE) and the outcomes (bytes) back to rank 0 with
 * non-blocking sends, running its next block meanwhile (two buffers). Rank 0
 * then takes the blocks in block order: for block b it receives the buffer
 * from the worker that ran it -- since each worker's blocks are increasing
 * and rank 0 consumes them in order, the next message from that worker is
 * block b, so no reordering buffer is needed -- and merges it exactly as a
 * block it ran itself, in the same pipelined step. Rank 0 also runs blocks:
 * when block b has not arrived yet it runs the next unassigned block
 * ("ahead", at most one at a time, kept until its turn), and when block b
 * was never assigned it runs it directly. So rank 0 computes in the time it
 * would otherwise wait, and the merge order, hence the bytes, are those of
 * one process. Only MPI's thread 0 (the thread that initialised MPI) calls
 * MPI; it polls (MPI_Test) between replications and merge units so large
 * messages progress while the others compute.
 *
 * Communication: every replication's series goes to rank 0 once, 8 bytes x
 * months x (regions + 1) x metrics (189 KB for the historical Mali scenario:
 * 174 months, 8 places, 17 metrics; so 1.9 GB per 10,000 replications), plus
 * its outcome. Rank 0 merges everything, so the merge (about a tenth of the
 * work, see dd_grid_add_unit) and rank 0's link bound the speed-up.
 * dd_results.comm_seconds and comm_bytes report rank 0's waiting time and
 * the bytes it received. All ranks must run the same model with the same
 * options (checked: series size, months, regions, replications, seed);
 * machines must share the byte layout of double and of dd_outcome (one
 * architecture and compiler across the cluster).
 */
#define _DEFAULT_SOURCE /* madvise */

#include "dd_runner.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#ifdef __linux__
#include <sys/mman.h>
#endif
#ifdef _OPENMP
#include <omp.h>
#endif
#ifdef DD_MPI
#include <mpi.h>
#endif

#include "dd_cluster.h"
#include "dd_rng.h"

/* Memory all block buffers of a process may use together; results do not depend on it. */
#define BLOCK_BYTES ((size_t)64 << 20)
#define BLOCK_MAX_REPS 4096
/* Least replications per thread in a block, so no thread idles for long at a block's end. */
#define BLOCK_MIN_PER_THREAD 4
/*
 * Least replications in a block, whatever their size. The merge visits every
 * cell's histogram once per block; with hundreds of regions the histograms
 * are gigabytes and each visit starts from main memory, so a visit must
 * count enough values to pay for itself: at 700 regions a further
 * region-month costs 900 thread-ns with 16 replications per block and 340
 * with 32 (as much as with 7 regions). Blocks of 32 such replications take
 * more than BLOCK_BYTES (about 1 GB at 700 regions and 174 months), which is
 * still a fraction of what their statistics take.
 */
#define BLOCK_MIN_REPS 32

int dd_runner_threads(int threads)
{
#ifdef _OPENMP
    if (threads <= 0)
        return omp_get_max_threads();
    return threads;
#else
    (void)threads;
    return 1;
#endif
}

static void summary_init(dd_summary *s)
{
    /* vacuum_index can be negative and authority is a share: linear bins. Counts, sums and
       the 0/1 indicators (relapse, exit reasons) take count bins, exact for whole numbers. */
    for (int k = 0; k < DD_O_COUNT; k++) {
        dd_binning b = (k == DD_O_VACUUM_INDEX || k == DD_O_FINAL_STATE_AUTHORITY) ? DD_BIN_SHARE
                                                                                   : DD_BIN_COUNT;
        dd_acc_init(&s->measure[k], b);
    }
    dd_acc_init(&s->exit_months, DD_BIN_COUNT);
    for (int k = 0; k < DD_EXIT_COUNT; k++)
        dd_acc_init(&s->exit_reason[k], DD_BIN_COUNT);
}

static void summary_free(dd_summary *s)
{
    for (int k = 0; k < DD_O_COUNT; k++)
        dd_acc_free(&s->measure[k]);
    dd_acc_free(&s->exit_months);
    for (int k = 0; k < DD_EXIT_COUNT; k++)
        dd_acc_free(&s->exit_reason[k]);
}

static int summary_add(dd_summary *s, const dd_outcome *o, int start_month)
{
    int rc = DD_OK;
    for (int k = 0; k < DD_O_COUNT && rc == DD_OK; k++)
        rc = dd_acc_add(&s->measure[k], dd_outcome_value(o, (dd_outcome_measure)k));
    if (rc == DD_OK && o->exit_month >= 0)
        rc = dd_acc_add(&s->exit_months, (double)(o->exit_month - start_month));
    for (int k = 0; k < DD_EXIT_COUNT && rc == DD_OK; k++)
        rc = dd_acc_add(&s->exit_reason[k], (int)o->exit_reason == k ? 1.0 : 0.0);
    return rc;
}

void dd_results_free(dd_results *r)
{
    if (r == NULL)
        return;
    dd_grid_free(r->grid);
    summary_free(&r->summary);
    free(r);
}

/* What one thread needs to run replications; allocated before the parallel region. */
typedef struct worker {
    dd_state *a, *b;
    gsl_rng *rng;
    dd_draws draws;
} worker;

static void workers_free(worker *w, int n)
{
    if (w == NULL)
        return;
    for (int i = 0; i < n; i++) {
        dd_state_free(w[i].a);
        dd_state_free(w[i].b);
        if (w[i].rng != NULL)
            gsl_rng_free(w[i].rng);
    }
    free(w);
}

static worker *workers_alloc(const dd_model *m, int n)
{
    worker *w = calloc((size_t)n, sizeof *w);
    if (w == NULL)
        return NULL;
    for (int i = 0; i < n; i++) {
        w[i].a = dd_state_alloc(m);
        w[i].b = dd_state_alloc(m);
        w[i].rng = dd_rng_alloc();
        if (w[i].a == NULL || w[i].b == NULL || w[i].rng == NULL) {
            workers_free(w, n);
            return NULL;
        }
    }
    return w;
}

static void add_draws(dd_draws *to, const dd_draws *from)
{
    to->gaussian += from->gaussian;
    to->negbin += from->negbin;
    to->negbin_mean += from->negbin_mean;
    to->negbin_shape += from->negbin_shape;
    to->poisson += from->poisson;
    to->poisson_mean += from->poisson_mean;
    to->binomial += from->binomial;
    to->binomial_n += from->binomial_n;
    to->binomial_p += from->binomial_p;
    to->rekey += from->rekey;
}

/* One block of replications: [first, first + n), series and outcomes. */
typedef struct block {
    long first, n;
    double *data;    /* block_reps * stride doubles */
    dd_outcome *out; /* block_reps outcomes */
} block;

static void block_free(block *b)
{
    free(b->data);
    free(b->out);
    b->data = NULL;
    b->out = NULL;
}

/* Huge pages for block buffers: fewer page faults when they are first written (costly
   in virtual machines) and fewer TLB misses when the merge reads them across
   replications. Only a hint: the buffer works the same without. */
#define HUGE_PAGE ((size_t)2 << 20)

static double *series_alloc(size_t doubles)
{
    size_t bytes = doubles * sizeof(double);
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    if (bytes >= HUGE_PAGE) {
        size_t rounded = (bytes + HUGE_PAGE - 1) / HUGE_PAGE * HUGE_PAGE;
        void *p = aligned_alloc(HUGE_PAGE, rounded);
        if (p != NULL)
            madvise(p, rounded, MADV_HUGEPAGE);
        return p;
    }
#endif
    return malloc(bytes);
}

static int block_alloc(block *b, long reps, size_t stride)
{
    b->first = b->n = 0;
    b->data = series_alloc((size_t)reps * stride);
    b->out = malloc((size_t)reps * sizeof *b->out);
    if (b->data == NULL || b->out == NULL) {
        block_free(b);
        return DD_ENOMEM;
    }
    return DD_OK;
}

typedef struct runner runner;

struct runner {
    const dd_model *m;
    const dd_run_opts *opts;
    int threads;
    size_t stride;   /* doubles of one replication's series */
    size_t units;    /* merge units of a block */
    long block_reps; /* replications per block (the last block may be shorter) */
    long n_blocks;
    int start_month;
    worker *workers;
    dd_results *res; /* summary and grid (rank 0 / one process) */
    dd_error *err;
    /* Called by thread 0 between work items (MPI progress); NULL for one process. */
    void (*poll)(runner *r);
    void *cluster;        /* the MPI state of this rank, or NULL */
    long requested_block; /* dd_run_tuning.block_reps */
};

static void block_range(const runner *r, block *b, long index)
{
    b->first = index * r->block_reps;
    b->n = r->opts->replications - b->first;
    if (b->n > r->block_reps)
        b->n = r->block_reps;
}

/* Replications per block: see the file comment. `buffers` block buffers share BLOCK_BYTES. */
static long choose_block_reps(long requested, long reps, size_t stride, int threads, int buffers,
                              int processes)
{
    long b = requested;
    if (b <= 0) {
        b = (long)(BLOCK_BYTES / (size_t)buffers / (stride * sizeof(double)));
        if (b < (long)BLOCK_MIN_PER_THREAD * threads)
            b = (long)BLOCK_MIN_PER_THREAD * threads;
        if (b < BLOCK_MIN_REPS)
            b = BLOCK_MIN_REPS;
        if (b > BLOCK_MAX_REPS)
            b = BLOCK_MAX_REPS;
        /* Several processes: at least two blocks each, so all have work. */
        if (processes > 1) {
            long share = (reps + 2L * processes - 1) / (2L * processes);
            if (b > share)
                b = share;
        }
    }
    if (b > reps)
        b = reps;
    if (b < 1)
        b = 1;
    return b;
}

/* Serial work for a finished block: summary and callbacks in replication order. */
static int finish_block(runner *r, const block *b)
{
    const dd_run_opts *o = r->opts;
    for (long i = 0; i < b->n; i++) {
        int rc = summary_add(&r->res->summary, &b->out[i], r->start_month);
        if (rc != DD_OK)
            return dd_error_set(r->err, rc, NULL, 0, "out of memory for the summary statistics");
        if (o->on_replication != NULL) {
            rc = o->on_replication(o->ctx, b->first + i, &b->out[i], r->err);
            if (rc != DD_OK)
                return rc;
        }
    }
    if (o->on_progress != NULL)
        o->on_progress(o->ctx, b->first + b->n, o->replications);
    return DD_OK;
}

static void run_one(runner *r, worker *w, block *b, long i)
{
    dd_stream stream = {w->rng, r->opts->seed, (uint64_t)(b->first + i)};
    dd_model_run(r->m, &stream, w->a, w->b, b->data + (size_t)i * r->stride, NULL, &b->out[i]);
    add_draws(&w->draws, &w->a->draws);
}

/*
 * One step: run block `run` (may be NULL) while merging block `merge` (may
 * be NULL, which also means no serial work) into the grid; the calling
 * thread does the serial work for `merge` first. Returns the serial work's
 * code, or DD_ENOMEM when the merge failed.
 */
static int step(runner *r, block *run, block *merge)
{
    int serial_rc = DD_OK, merge_failed = 0;
    const long n_run = run != NULL ? run->n : 0;
    const long n_units = merge != NULL ? (long)r->units : 0;

#ifdef _OPENMP
    /* clang-format off */
#pragma omp parallel num_threads(r->threads) default(none) \
    shared(r, run, merge, serial_rc, merge_failed) firstprivate(n_run, n_units)
    /* clang-format on */
#endif
    {
#ifdef _OPENMP
        const int tid = omp_get_thread_num();
#else
        const int tid = 0;
#endif
#ifdef _OPENMP
#pragma omp master
#endif
        if (merge != NULL)
            serial_rc = finish_block(r, merge);

#ifdef _OPENMP
#pragma omp for schedule(dynamic, 1) nowait
#endif
        for (long i = 0; i < n_run; i++) {
            run_one(r, &r->workers[tid], run, i);
            if (tid == 0 && r->poll != NULL)
                r->poll(r);
        }

#ifdef _OPENMP
#pragma omp for schedule(dynamic, 1) nowait
#endif
        for (long u = 0; u < n_units; u++) {
            if (dd_grid_add_unit(r->res->grid, merge->data, (size_t)merge->n, (size_t)u) != 0) {
#ifdef _OPENMP
#pragma omp atomic write
#endif
                merge_failed = 1;
            }
            if (tid == 0 && r->poll != NULL)
                r->poll(r);
        }
    }
    if (serial_rc != DD_OK)
        return serial_rc;
    if (merge_failed)
        return dd_error_set(r->err, DD_ENOMEM, NULL, 0,
                            "out of memory merging the monthly statistics");
    return DD_OK;
}

/* Every block in this process: step b runs block b and merges block b-1. */
static int run_local(runner *r)
{
    block buf[2];
    memset(buf, 0, sizeof buf);
    int rc = block_alloc(&buf[0], r->block_reps, r->stride);
    if (rc == DD_OK)
        rc = block_alloc(&buf[1], r->block_reps, r->stride);
    if (rc != DD_OK) {
        block_free(&buf[0]);
        return dd_error_set(r->err, DD_ENOMEM, NULL, 0,
                            "out of memory for %ld replications in a block", r->block_reps);
    }
    block *prev = NULL;
    for (long b = 0; b <= r->n_blocks && rc == DD_OK; b++) {
        block *cur = NULL;
        if (b < r->n_blocks) {
            cur = &buf[b % 2];
            block_range(r, cur, b);
        }
        rc = step(r, cur, prev);
        prev = cur;
    }
    block_free(&buf[0]);
    block_free(&buf[1]);
    return rc;
}

#ifdef DD_MPI
/* ------------------------------------------------------------ MPI ranks */

enum { TAG_WORK = 11, TAG_DATA = 12, TAG_OUT = 13 };

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Assignments in flight to one worker (rank 0's side). */
#define SEND_RING 4

typedef struct assign_msg {
    long msg[2]; /* first replication, count (0: stop) */
    MPI_Request req;
} assign_msg;

typedef struct lead_state {
    int ranks;
    int *owner;       /* [block] rank running it, -1 while unassigned */
    long next_assign; /* blocks below are assigned */
    int *outstanding; /* [rank] blocks assigned but not yet received */
    int *stopped;     /* [rank] stop sent */
    assign_msg *ring; /* [rank][SEND_RING] */
    int *ring_next;   /* [rank] */
    int draining;     /* after a failure: hand out no more work */
    /* The block being received. */
    MPI_Request recv[2];
    int recv_from;       /* rank, or 0 when nothing is being received */
    int recv_done;       /* its completion was handled */
    MPI_Datatype series; /* one replication's series */
    double wait_s, bytes;
} lead_state;

static void lead_send(lead_state *s, int w, long first, long n)
{
    assign_msg *a = &s->ring[(size_t)w * SEND_RING + (size_t)s->ring_next[w]];
    s->ring_next[w] = (s->ring_next[w] + 1) % SEND_RING;
    MPI_Wait(&a->req, MPI_STATUS_IGNORE); /* the slot's previous message is out */
    a->msg[0] = first;
    a->msg[1] = n;
    MPI_Isend(a->msg, 2, MPI_LONG, w, TAG_WORK, MPI_COMM_WORLD, &a->req);
}

/* Give worker w its next block, or tell it to stop when there is none. */
static void lead_assign(runner *r, lead_state *s, int w)
{
    if (s->stopped[w])
        return;
    if (!s->draining && s->next_assign < r->n_blocks) {
        block b;
        block_range(r, &b, s->next_assign);
        s->owner[s->next_assign] = w;
        s->next_assign++;
        s->outstanding[w]++;
        lead_send(s, w, b.first, b.n);
    } else {
        lead_send(s, w, 0, 0);
        s->stopped[w] = 1;
    }
}

static void lead_received(runner *r, lead_state *s)
{
    int w = s->recv_from;
    s->recv_done = 1;
    s->outstanding[w]--;
    lead_assign(r, s, w);
}

/* Thread 0, between work items: let the receive and the assignment sends progress. */
static void lead_poll(runner *r)
{
    lead_state *s = r->cluster;
    if (s->recv_from > 0 && !s->recv_done) {
        int flag = 0;
        MPI_Testall(2, s->recv, &flag, MPI_STATUSES_IGNORE);
        if (flag)
            lead_received(r, s);
    }
    for (int i = 0; i < s->ranks * SEND_RING; i++) {
        if (s->ring[i].req != MPI_REQUEST_NULL) {
            int flag = 0;
            MPI_Test(&s->ring[i].req, &flag, MPI_STATUS_IGNORE);
        }
    }
}

static void lead_post_recv(lead_state *s, block *b, int from)
{
    MPI_Irecv(b->data, (int)b->n, s->series, from, TAG_DATA, MPI_COMM_WORLD, &s->recv[0]);
    MPI_Irecv(b->out, (int)(b->n * (long)sizeof(dd_outcome)), MPI_BYTE, from, TAG_OUT,
              MPI_COMM_WORLD, &s->recv[1]);
    s->recv_from = from;
    s->recv_done = 0;
}

static void lead_wait_recv(runner *r, lead_state *s, const block *b)
{
    if (s->recv_from > 0 && !s->recv_done) {
        double t0 = now_s();
        MPI_Waitall(2, s->recv, MPI_STATUSES_IGNORE);
        s->wait_s += now_s() - t0;
        lead_received(r, s);
    }
    s->bytes += (double)b->n * (double)(r->stride * sizeof(double) + sizeof(dd_outcome));
    s->recv_from = 0;
}

/* A buffer of the pool that is none of the three in use. */
static block *pool_free(block *pool, const block *a, const block *b, const block *c)
{
    for (int i = 0; i < 3; i++)
        if (&pool[i] != a && &pool[i] != b && &pool[i] != c)
            return &pool[i];
    return NULL; /* cannot happen: three buffers, at most two others in use */
}

/* After a failure on rank 0: receive and drop what workers still send, then stop them. */
static void lead_drain(runner *r, lead_state *s, block *scratch, long from_block)
{
    s->draining = 1;
    for (int w = 1; w < s->ranks; w++)
        lead_assign(r, s, w); /* stop everyone not yet stopped */
    for (long b = from_block; b < s->next_assign; b++) {
        int w = s->owner[b];
        if (w <= 0)
            continue;
        block_range(r, scratch, b);
        lead_post_recv(s, scratch, w);
        MPI_Waitall(2, s->recv, MPI_STATUSES_IGNORE);
        s->recv_from = 0;
    }
}

/*
 * Every process allocates its block buffers, then all agree: one that ran out
 * of memory stops them all (none may wait for a block another cannot send).
 * Returns DD_OK, or DD_ENOMEM with r->err filled.
 */
static int blocks_agree(runner *r, int rc)
{
    if (dd_cluster_agree(rc) == DD_OK)
        return DD_OK;
    return dd_error_set(r->err, DD_ENOMEM, NULL, 0,
                        "out of memory for the blocks of a cluster run");
}

static int run_lead(runner *r, int ranks)
{
    lead_state s;
    memset(&s, 0, sizeof s);
    s.ranks = ranks;
    block pool[3];
    memset(pool, 0, sizeof pool);
    int rc = DD_OK;
    s.owner = malloc((size_t)r->n_blocks * sizeof *s.owner);
    s.outstanding = calloc((size_t)ranks, sizeof *s.outstanding);
    s.stopped = calloc((size_t)ranks, sizeof *s.stopped);
    s.ring = malloc((size_t)ranks * SEND_RING * sizeof *s.ring);
    s.ring_next = calloc((size_t)ranks, sizeof *s.ring_next);
    if (s.owner == NULL || s.outstanding == NULL || s.stopped == NULL || s.ring == NULL ||
        s.ring_next == NULL)
        rc = DD_ENOMEM;
    for (int i = 0; i < 3 && rc == DD_OK; i++)
        rc = block_alloc(&pool[i], r->block_reps, r->stride);
    if ((rc = blocks_agree(r, rc)) != DD_OK)
        goto done;
    for (long b = 0; b < r->n_blocks; b++)
        s.owner[b] = -1;
    for (int i = 0; i < ranks * SEND_RING; i++)
        s.ring[i].req = MPI_REQUEST_NULL;
    s.recv[0] = s.recv[1] = MPI_REQUEST_NULL;
    MPI_Type_contiguous((int)r->stride, MPI_DOUBLE, &s.series);
    MPI_Type_commit(&s.series);
    r->cluster = &s;
    r->poll = lead_poll;

    /* Two blocks for every worker to start with. */
    for (int round = 0; round < 2; round++)
        for (int w = 1; w < ranks; w++)
            if (round == 0 || s.next_assign < r->n_blocks)
                lead_assign(r, &s, w);

    block *prev = NULL, *ahead = NULL;
    long b = 0;
    for (; b <= r->n_blocks && rc == DD_OK; b++) {
        block *cur = NULL, *run = NULL;
        if (b < r->n_blocks) {
            if (s.owner[b] < 0) {
                /* Nobody has it: rank 0 runs it now. */
                s.owner[b] = 0;
                s.next_assign = b + 1;
                cur = run = pool_free(pool, prev, ahead, NULL);
                block_range(r, cur, b);
            } else if (s.owner[b] == 0) {
                cur = ahead; /* run ahead earlier */
                ahead = NULL;
            } else {
                cur = pool_free(pool, prev, ahead, NULL);
                block_range(r, cur, b);
                lead_post_recv(&s, cur, s.owner[b]);
                int arrived = 0;
                MPI_Testall(2, s.recv, &arrived, MPI_STATUSES_IGNORE);
                if (arrived)
                    lead_received(r, &s);
                else if (ahead == NULL && s.next_assign < r->n_blocks) {
                    /* It is not here yet: run the next unassigned block meanwhile. */
                    long u = s.next_assign++;
                    s.owner[u] = 0;
                    ahead = run = pool_free(pool, prev, cur, NULL);
                    block_range(r, ahead, u);
                }
            }
        }
        rc = step(r, run, prev);
        if (cur != NULL && s.owner[b] > 0)
            lead_wait_recv(r, &s, cur);
        prev = cur;
    }
    if (rc != DD_OK)
        lead_drain(r, &s, pool_free(pool, prev, ahead, NULL), b);
    for (int i = 0; i < ranks * SEND_RING; i++)
        MPI_Wait(&s.ring[i].req, MPI_STATUS_IGNORE);
    MPI_Type_free(&s.series);
    r->res->comm_seconds = s.wait_s;
    r->res->comm_bytes = s.bytes;

done:
    r->cluster = NULL;
    r->poll = NULL;
    for (int i = 0; i < 3; i++)
        block_free(&pool[i]);
    free(s.owner);
    free(s.outstanding);
    free(s.stopped);
    free(s.ring);
    free(s.ring_next);
    return rc;
}

/* A worker rank: its queue of assigned blocks and its two sends. */
typedef struct follow_state {
    long q_first[SEND_RING], q_n[SEND_RING];
    int q_head, q_len;
    int stopped;
    MPI_Request send[2][2]; /* [buffer][data, outcomes] */
} follow_state;

static void follow_take(follow_state *s, int wait)
{
    for (;;) {
        int flag = 0;
        if (wait && s->q_len == 0 && !s->stopped)
            flag = 1;
        else
            MPI_Iprobe(0, TAG_WORK, MPI_COMM_WORLD, &flag, MPI_STATUS_IGNORE);
        if (!flag)
            return;
        long msg[2];
        MPI_Recv(msg, 2, MPI_LONG, 0, TAG_WORK, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        if (msg[1] == 0) {
            s->stopped = 1;
        } else {
            int at = (s->q_head + s->q_len) % SEND_RING;
            s->q_first[at] = msg[0];
            s->q_n[at] = msg[1];
            s->q_len++;
        }
    }
}

static void follow_poll(runner *r)
{
    follow_state *s = r->cluster;
    for (int i = 0; i < 2; i++) {
        int flag = 0;
        MPI_Testall(2, s->send[i], &flag, MPI_STATUSES_IGNORE);
    }
    follow_take(s, 0);
}

static int run_follow(runner *r)
{
    follow_state s;
    memset(&s, 0, sizeof s);
    block buf[2];
    memset(buf, 0, sizeof buf);
    int rc = block_alloc(&buf[0], r->block_reps, r->stride);
    if (rc == DD_OK)
        rc = block_alloc(&buf[1], r->block_reps, r->stride);
    if ((rc = blocks_agree(r, rc)) != DD_OK) {
        block_free(&buf[0]);
        block_free(&buf[1]);
        return rc;
    }
    MPI_Datatype series;
    MPI_Type_contiguous((int)r->stride, MPI_DOUBLE, &series);
    MPI_Type_commit(&series);
    for (int i = 0; i < 2; i++)
        s.send[i][0] = s.send[i][1] = MPI_REQUEST_NULL;
    r->cluster = &s;
    r->poll = follow_poll;
    for (long k = 0;; k++) {
        follow_take(&s, 1);
        if (s.q_len == 0)
            break; /* stopped, nothing left */
        block *b = &buf[k % 2];
        MPI_Waitall(2, s.send[k % 2], MPI_STATUSES_IGNORE); /* its last block has left */
        b->first = s.q_first[s.q_head];
        b->n = s.q_n[s.q_head];
        s.q_head = (s.q_head + 1) % SEND_RING;
        s.q_len--;
        step(r, b, NULL); /* cannot fail: no merge, no callbacks */
        MPI_Isend(b->data, (int)b->n, series, 0, TAG_DATA, MPI_COMM_WORLD, &s.send[k % 2][0]);
        MPI_Isend(b->out, (int)(b->n * (long)sizeof(dd_outcome)), MPI_BYTE, 0, TAG_OUT,
                  MPI_COMM_WORLD, &s.send[k % 2][1]);
    }
    for (int i = 0; i < 2; i++)
        MPI_Waitall(2, s.send[i], MPI_STATUSES_IGNORE);
    MPI_Type_free(&series);
    r->cluster = NULL;
    r->poll = NULL;
    block_free(&buf[0]);
    block_free(&buf[1]);
    return DD_OK;
}

/*
 * All ranks: check they run the same thing, pick one block size, run their
 * role, agree on the outcome, and gather the draw counts on rank 0.
 */
static int run_cluster(runner *r, int ranks, int rank, int max_threads_in)
{
    const dd_run_opts *o = r->opts;
    long mine[5] = {(long)r->stride, (long)dd_model_months(r->m), (long)dd_model_n_regions(r->m),
                    o->replications, (long)max_threads_in};
    long lo[5], hi[5];
    MPI_Allreduce(mine, lo, 5, MPI_LONG, MPI_MIN, MPI_COMM_WORLD);
    MPI_Allreduce(mine, hi, 5, MPI_LONG, MPI_MAX, MPI_COMM_WORLD);
    /* The seed whole (all 64 bits), in its own type: a long may be 32 bits. */
    uint64_t seed = o->seed, seed_lo, seed_hi;
    MPI_Allreduce(&seed, &seed_lo, 1, MPI_UINT64_T, MPI_MIN, MPI_COMM_WORLD);
    MPI_Allreduce(&seed, &seed_hi, 1, MPI_UINT64_T, MPI_MAX, MPI_COMM_WORLD);
    int disagree = seed_lo != seed_hi;
    for (int i = 0; i < 4; i++)
        disagree |= lo[i] != hi[i];
    if (disagree)
        return dd_error_set(r->err, DD_ERANGE, NULL, 0,
                            "the processes of the cluster run disagree on the scenario or "
                            "the options (series size, months, regions, replications, seed)");
    if (r->stride > (size_t)INT_MAX || o->replications > LONG_MAX / 2)
        return dd_error_set(r->err, DD_ERANGE, NULL, 0,
                            "a replication's series is too large for MPI");
    /* Rank 0 chooses the block size (for the most threads any rank has) and tells all. */
    long block_reps =
        choose_block_reps(r->requested_block, o->replications, r->stride, (int)hi[4], 3, ranks);
    MPI_Bcast(&block_reps, 1, MPI_LONG, 0, MPI_COMM_WORLD);
    r->block_reps = block_reps;
    r->n_blocks = (o->replications + block_reps - 1) / block_reps;

    int rc = rank == 0 ? run_lead(r, ranks) : run_follow(r);
    MPI_Bcast(&rc, 1, MPI_INT, 0, MPI_COMM_WORLD);
    if (rc != DD_OK && rank != 0)
        dd_error_set(r->err, rc, NULL, 0, "the run failed on rank 0");

    dd_draws mine_draws;
    memset(&mine_draws, 0, sizeof mine_draws);
    for (int i = 0; i < r->threads; i++)
        add_draws(&mine_draws, &r->workers[i].draws);
    dd_draws *all = rank == 0 ? malloc((size_t)ranks * sizeof *all) : NULL;
    MPI_Gather(&mine_draws, (int)sizeof mine_draws, MPI_BYTE, all, (int)sizeof mine_draws, MPI_BYTE,
               0, MPI_COMM_WORLD);
    if (rank == 0 && all != NULL) {
        for (int i = 0; i < ranks; i++)
            add_draws(&r->res->draws, &all[i]);
    }
    free(all);
    return rc;
}
#endif /* DD_MPI */

int dd_runner_run(const dd_model *m, const dd_run_opts *opts, dd_results **out, dd_error *err)
{
    return dd_runner_run_tuned(m, opts, NULL, out, err);
}

int dd_runner_run_tuned(const dd_model *m, const dd_run_opts *opts, const dd_run_tuning *tuning,
                        dd_results **out, dd_error *err)
{
    *out = NULL;
    dd_run_tuning tune = {0, 0};
    if (tuning != NULL)
        tune = *tuning;
    if (opts->replications < 1)
        return dd_error_set(err, DD_ERANGE, NULL, 0, "replications must be >= 1");
    if (opts->threads < 0)
        return dd_error_set(err, DD_ERANGE, NULL, 0, "threads must be >= 0");
    if (tune.block_reps < 0)
        return dd_error_set(err, DD_ERANGE, NULL, 0, "block_reps must be >= 0");

    const int ranks = tune.local ? 1 : dd_cluster_size();
    const int rank = ranks > 1 ? dd_cluster_rank() : 0;
    runner r;
    memset(&r, 0, sizeof r);
    r.m = m;
    r.opts = opts;
    r.err = err;
    r.threads = dd_runner_threads(opts->threads);
    r.stride = (size_t)dd_model_months(m) * dd_model_obs_stride(m);
    r.start_month = dd_model_start_month(m);
    r.requested_block = tune.block_reps;

    dd_binning bins[DD_M_COUNT];
    int national_only[DD_M_COUNT];
    for (int k = 0; k < DD_M_COUNT; k++) {
        const dd_metric_info *mi = dd_metric_get((dd_metric)k);
        bins[k] = mi->bounded ? DD_BIN_SHARE : DD_BIN_COUNT;
        national_only[k] = mi->agg == DD_AGG_NATIONAL;
    }

    int rc = DD_OK;
    dd_results *res = calloc(1, sizeof *res);
    r.workers = workers_alloc(m, r.threads);
    if (res != NULL)
        summary_init(&res->summary);
    if (res == NULL || r.workers == NULL) {
        rc = dd_error_set(err, DD_ENOMEM, NULL, 0, "out of memory for %d threads", r.threads);
    } else if (rank == 0) {
        rc = dd_grid_alloc(&res->grid, dd_model_months(m), dd_model_n_regions(m), DD_M_COUNT, bins,
                           national_only);
        if (rc != DD_OK)
            dd_error_set(err, rc, NULL, 0, "out of memory for the monthly statistics");
        else
            r.units = dd_grid_units(res->grid);
    }
    r.res = res;

#ifdef DD_MPI
    if (ranks > 1) {
        rc = dd_cluster_agree(rc);
        if (rc == DD_OK)
            rc = run_cluster(&r, ranks, rank, r.threads);
        else if (err != NULL && err->code == DD_OK)
            dd_error_set(err, rc, NULL, 0, "another process of the cluster run failed to start");
    } else
#endif
        if (rc == DD_OK) {
        r.block_reps =
            choose_block_reps(tune.block_reps, opts->replications, r.stride, r.threads, 2, 1);
        r.n_blocks = (opts->replications + r.block_reps - 1) / r.block_reps;
        rc = run_local(&r);
    }

    if (rc == DD_OK) {
        res->replications = opts->replications;
        res->threads_used = r.threads;
        res->processes = ranks;
        if (ranks == 1)
            for (int i = 0; i < r.threads; i++)
                add_draws(&res->draws, &r.workers[i].draws);
    }
    workers_free(r.workers, r.threads);
    if (rc != DD_OK) {
        dd_results_free(res);
        return rc;
    }
    *out = res;
    return DD_OK;
}

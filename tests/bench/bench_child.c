/*
 * bench_child: run a command and report its wall time and peak memory.
 *
 *   bench_child COMMAND [ARG...]
 *
 * Runs COMMAND as a child process (its output goes where ours goes), waits
 * for it with wait4 and prints one line on stdout:
 *
 *   wall_s=<seconds> peak_rss_mb=<MiB> status=<exit status>
 *
 * peak_rss_mb is the child's maximum resident set size from its rusage (the
 * kernel's ru_maxrss, KiB on Linux, divided by 1024), so it measures the
 * program itself, not a shell or this wrapper. For a shell script it is the
 * largest of the script's processes that the shell waited for. Exits with
 * the child's status (128 + signal when killed), or 127 when COMMAND cannot
 * be started.
 */
#define _DEFAULT_SOURCE

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: bench_child COMMAND [ARG...]\n");
        return 2;
    }
    fflush(NULL);
    double t0 = now_s();
    pid_t pid = fork();
    if (pid < 0) {
        fprintf(stderr, "bench_child: fork: %s\n", strerror(errno));
        return 127;
    }
    if (pid == 0) {
        execvp(argv[1], argv + 1);
        fprintf(stderr, "bench_child: cannot run %s: %s\n", argv[1], strerror(errno));
        _exit(127);
    }
    int status = 0;
    struct rusage ru;
    memset(&ru, 0, sizeof ru);
    while (wait4(pid, &status, 0, &ru) < 0) {
        if (errno != EINTR) {
            fprintf(stderr, "bench_child: wait4: %s\n", strerror(errno));
            return 127;
        }
    }
    double wall = now_s() - t0;
    int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    /* wait4 gives the child's own peak; RUSAGE_CHILDREN also covers the processes
       the child waited for (a script's commands). Report the larger. */
    struct rusage all;
    long maxrss = ru.ru_maxrss;
    if (getrusage(RUSAGE_CHILDREN, &all) == 0 && all.ru_maxrss > maxrss)
        maxrss = all.ru_maxrss;
    printf("wall_s=%.3f peak_rss_mb=%.1f status=%d\n", wall, (double)maxrss / 1024.0, code);
    return code;
}

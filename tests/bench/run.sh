#!/bin/sh
# make bench: speed, memory and scale figures of drawdown, each printed next
# to its target, and written to out/bench/bench.csv (name,value,unit; written
# to a temporary file and renamed, so the file is complete or absent).
#
#   sh tests/bench/run.sh [BUILD_DIR]     (default build; make bench builds it first)
#
# Programs (tests/bench/, built here as the target bench_programs):
#   bench_engine  the in-process figures: engine speed against the floor of
#                 its random draws, 1 thread against all, region scaling (see
#                 its header); every ratio from one process, one run after
#                 the other, so a busy machine shifts both sides together
#   bench_child   wall time and peak RSS (wait4 rusage) of a child process, for
#                 the figures of the `drawdown` program itself: 10,000
#                 replications end to end, peak memory at 1,000 and 100,000
#                 replications (per-replication rows are streamed to disk),
#                 and the wall time of `make demo`'s runs
# The 100,000-replication run takes about half a minute on 2 cores.
# Environment: DD_BENCH_QUICK=1 runs tiny counts (to check the script, not to
# measure); OMP_NUM_THREADS limits the threads as for drawdown itself.
set -eu
build=${1:-build}
cd "$(dirname "$0")/../.."
root=$(pwd)
case $build in /*) ;; *) build=$root/$build ;; esac

cmake --build "$build" --target bench_programs -- --no-print-directory >/dev/null
engine=$build/tests/bench/bench_engine
child=$build/tests/bench/bench_child
bin=$build/drawdown
cfg=scenarios/mali/historical.cfg

out=out/bench
mkdir -p "$out"
work=$out/work
rm -rf "$work"
mkdir -p "$work"
csv=$out/bench.csv.tmp.$$
trap 'rm -f "$csv"' EXIT

if [ "${DD_BENCH_QUICK:-0}" = 1 ]; then
    engine_args="--quick"
    reps_run=200
    reps_small=100
    reps_big=1000
else
    engine_args=""
    reps_run=10000
    reps_small=1000
    reps_big=100000
fi

echo "make bench: engine figures (bench_engine, historical scenario)..."
echo "name,value,unit" >"$csv"
# shellcheck disable=SC2086
"$engine" "$cfg" $engine_args >>"$csv"

# Wall time and peak RSS of one drawdown command: "wall_s=... peak_rss_mb=... status=...".
measure() {
    line=$("$child" "$@") || {
        echo "make bench: failed: $*" >&2
        exit 1
    }
    echo "$line"
}
field() { echo "$1" | sed -n "s/.*$2=\([0-9.]*\).*/\1/p"; }

echo "make bench: drawdown run, $reps_run replications..."
m=$(measure "$bin" run "$cfg" --reps $reps_run --out "$work/run" --force --quiet)
echo "run_s_10k,$(field "$m" wall_s),s" >>"$csv"

echo "make bench: peak memory at $reps_small and $reps_big replications..."
m=$(measure "$bin" run "$cfg" --reps $reps_small --out "$work/rss-small" --force --quiet)
rss_small=$(field "$m" peak_rss_mb)
m=$(measure "$bin" run "$cfg" --reps $reps_big --out "$work/rss-big" --force --quiet)
rss_big=$(field "$m" peak_rss_mb)
echo "peak_rss_mb_1k,$rss_small,MiB" >>"$csv"
echo "peak_rss_mb_100k,$rss_big,MiB" >>"$csv"
echo "rss_ratio_100k_1k,$(awk "BEGIN { printf \"%.4g\", $rss_big / $rss_small }"),ratio" >>"$csv"
echo "run_s_100k,$(field "$m" wall_s),s" >>"$csv"

# make demo's runs, in a copy of the scenarios and the demo script, so that the
# results of an earlier `make demo` under out/ stay as they were.
echo "make bench: make demo's runs (analysis/demo.sh, in $work/demo)..."
mkdir -p "$work/demo"
cp -R analysis scenarios "$work/demo/"
if [ "${DD_BENCH_QUICK:-0}" = 1 ]; then
    echo "demo_s,0,s" >>"$csv" # not measured: every scenario at full replications
else
    m=$(measure sh -c 'sh "$1" "$2" >"$3" 2>&1' demo "$work/demo/analysis/demo.sh" "$bin" \
        "$work/demo.log")
    echo "demo_s,$(field "$m" wall_s),s" >>"$csv"
fi

# Targets of issue #6; figures without one are printed for reference.
cores=$(nproc 2>/dev/null || echo 0)
threads=$(sed -n 's/^threads,\([0-9.]*\),.*/\1/p' "$csv")
awk -F, -v threads="$threads" -v cores="$cores" '
function verdict(ok) { return ok ? "ok" : "MISSED" }
NR == 1 { next }
{
    name = $1; v = $2 + 0; target = "-"; result = "-"
    if (name == "floor_ratio" || name == "replay_floor_ratio") {
        target = "<= 2.0"; result = verdict(v <= 2.0)
    }
    else if (name == "parallel_efficiency") {
        lim = threads <= 2 ? 0.9 : 0.8
        target = ">= " lim " (" threads " threads)"; result = verdict(v >= lim)
    }
    else if (name == "rss_ratio_100k_1k") { target = "<= 1.2"; result = verdict(v <= 1.2) }
    else if (name ~ /^region_scaling/) { target = "<= 1.3"; result = verdict(v <= 1.3) }
    else if (name == "run_s_10k") {
        target = "< 2 s on 2 cores"
        result = cores == 2 ? verdict(v < 2.0) : "n/a (" cores " cores)"
    }
    printf "%-33s %10s %-10s %-20s %s\n", name, $2, $3, target, result
}' "$csv" | tee "$work/table.txt"

mv -f "$csv" "$out/bench.csv"
trap - EXIT
# The runs' results are only scaffolding (the 100,000-replication one is large); the
# logs and the table stay in $work.
rm -rf "$work/run" "$work/rss-small" "$work/rss-big" "$work/demo"
echo "make bench: $out/bench.csv"

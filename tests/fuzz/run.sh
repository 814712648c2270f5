#!/bin/sh
# Run the fuzzers of tests/fuzz/ for a while, half the time each:
#   fuzz_scenario  scenario files (dd_scenario_load, write, reload, one run)
#   fuzz_results   the files of a run folder (dd_run_load, for compare/report)
#
#   sh tests/fuzz/run.sh BUILD_DIR [SECONDS]      (make fuzz does this)
#
# Corpora live in BUILD_DIR/fuzz-corpus-* and grow from run to run. The
# scenario corpus starts from the shipped scenarios and the good and bad
# files of tests/data; the results corpus from the files of a run of
# tests/fuzz/tiny.cfg (BUILD_DIR/fuzz-run, made with BUILD_DIR/drawdown),
# each prefixed with the byte that tells fuzz_results which file it is. An
# input that breaks a property (crash, sanitizer report, failed round trip,
# non-finite output, an error without its message) is written to out/fuzz/
# and the script exits 1; replay it with BUILD_DIR/tests/fuzz/<target> FILE
# (fuzz_results also needs DD_FUZZ_RUN=BUILD_DIR/fuzz-run).
set -eu
src=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "${1:?usage: run.sh BUILD_DIR [SECONDS]}" && pwd)
seconds=${2:-60}
half=$(( (seconds + 1) / 2 ))
for t in fuzz_scenario fuzz_results; do
    [ -x "$build/tests/fuzz/$t" ] || { echo "run.sh: no $build/tests/fuzz/$t (make fuzz builds it)" >&2; exit 2; }
done
mkdir -p "$src/out/fuzz"

scen="$build/fuzz-corpus-scenario"
if [ ! -d "$scen" ]; then
    mkdir -p "$scen"
    cp "$src"/scenarios/mali/*.cfg "$src"/tests/data/good/*.cfg "$src"/tests/data/bad/*.cfg "$scen"/
fi
run="$build/fuzz-run"
res="$build/fuzz-corpus-results"
if [ ! -d "$res" ]; then
    "$build/drawdown" run "$src/tests/fuzz/tiny.cfg" --out "$run" --force --quiet
    mkdir -p "$res"
    i=0
    # The order of fuzz_results.c's files[]: the first byte picks the file.
    for f in summary.csv replications.csv monthly.csv manifest.txt; do
        { printf "\\$(printf '%03o' "$i")"; cat "$run/$f"; } >"$res/$f"
        i=$((i + 1))
    done
fi

fuzz() { # target corpus max_len [more libFuzzer options]
    log="$src/out/fuzz/$1.log"
    echo "fuzz: $1, $half s ($(ls "$2" | wc -l) inputs in its corpus); log in out/fuzz/$1.log"
    status=0
    DD_FUZZ_RUN="$run" LSAN_OPTIONS="suppressions=$src/tests/fuzz/lsan.supp" \
        "$build/tests/fuzz/$1" -max_total_time="$half" -max_len="$3" -timeout=10 \
        -artifact_prefix="$src/out/fuzz/$1-" ${4:-} "$2" >"$log" 2>&1 || status=$?
    grep -E '^#[0-9]+[[:space:]]+DONE' "$log" || true
    if [ "$status" -ne 0 ]; then
        echo "fuzz: $1 found an input that breaks it (exit $status): out/fuzz/$1-*, report in $log" >&2
        grep -E 'ERROR|fuzz_[a-z]*:|SUMMARY' "$log" | head -n 5 >&2 || true
        return 1
    fi
}
failed=0
fuzz fuzz_scenario "$scen" 8192 || failed=1
# Whole files from the start (-len_control=0): a results file is only valid whole, and
# libFuzzer would otherwise spend the first minutes on short prefixes.
fuzz fuzz_results "$res" 16384 -len_control=0 || failed=1
[ "$failed" -eq 0 ] || exit 1
echo "fuzz: ok"

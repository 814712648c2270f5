#!/bin/sh
# Run the fuzzers of tests/fuzz/ for a while, a third of the time each:
#   fuzz_scenario  scenario files (dd_scenario_load, write, reload, one run)
#   fuzz_results   the files of a run folder (dd_run_load, for compare/report)
#   fuzz_compare   the files of a comparison folder (dd_compare_load, for report)
#
#   sh tests/fuzz/run.sh BUILD_DIR [SECONDS]      (make fuzz does this)
#
# Corpora live in BUILD_DIR/fuzz-corpus-* and grow from run to run. The
# scenario corpus starts from the shipped scenarios and the good and bad
# files of tests/data; the folder corpora from the files of runs of
# tests/fuzz/tiny.cfg and tiny-stay.cfg and of their comparison
# (BUILD_DIR/fuzz-run, fuzz-run-stay, fuzz-compare, made with
# BUILD_DIR/drawdown), each prefixed with the byte that tells the target
# which file it is. An input that breaks a property (crash, sanitizer
# report, failed round trip, non-finite output, an error without its
# message) is written to out/fuzz/ and the script exits 1; replay it with
# BUILD_DIR/tests/fuzz/<target> FILE (the folder targets also need
# DD_FUZZ_FOLDER=BUILD_DIR/fuzz-run or fuzz-compare).
set -eu
src=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "${1:?usage: run.sh BUILD_DIR [SECONDS]}" && pwd)
seconds=${2:-60}
third=$(( (seconds + 2) / 3 ))
for t in fuzz_scenario fuzz_results fuzz_compare; do
    [ -x "$build/tests/fuzz/$t" ] || { echo "run.sh: no $build/tests/fuzz/$t (make fuzz builds it)" >&2; exit 2; }
done
mkdir -p "$src/out/fuzz"

scen="$build/fuzz-corpus-scenario"
if [ ! -d "$scen" ]; then
    mkdir -p "$scen"
    cp "$src"/scenarios/mali/*.cfg "$src"/tests/data/good/*.cfg "$src"/tests/data/bad/*.cfg "$scen"/
fi

# seed_corpus FOLDER CORPUS FILE...: each FILE of FOLDER, after the byte of its
# position in the list (the order of the target's files[] in fuzz_folder.c).
seed_corpus() {
    dir=$1 corpus=$2
    shift 2
    mkdir -p "$corpus"
    i=0
    for f in "$@"; do
        { printf "\\$(printf '%03o' "$i")"; cat "$dir/$f"; } >"$corpus/$f"
        i=$((i + 1))
    done
}
run="$build/fuzz-run"
cmp="$build/fuzz-compare"
if [ ! -d "$cmp" ]; then
    "$build/drawdown" run "$src/tests/fuzz/tiny.cfg" --out "$run" --force --quiet
    "$build/drawdown" run "$src/tests/fuzz/tiny-stay.cfg" --out "$build/fuzz-run-stay" --force --quiet
    "$build/drawdown" compare "$build/fuzz-run-stay" "$run" --out "$cmp" --force --quiet
fi
[ -d "$build/fuzz-corpus-results" ] ||
    seed_corpus "$run" "$build/fuzz-corpus-results" summary.csv replications.csv monthly.csv manifest.txt
[ -d "$build/fuzz-corpus-compare" ] ||
    seed_corpus "$cmp" "$build/fuzz-corpus-compare" compare.csv scenarios.csv manifest.txt

fuzz() { # target corpus folder max_len [more libFuzzer options]
    log="$src/out/fuzz/$1.log"
    echo "fuzz: $1, $third s ($(ls "$2" | wc -l) inputs in its corpus); log in out/fuzz/$1.log"
    status=0
    DD_FUZZ_FOLDER="$3" LSAN_OPTIONS="suppressions=$src/tests/fuzz/lsan.supp" \
        "$build/tests/fuzz/$1" -max_total_time="$third" -max_len="$4" -timeout=10 \
        -artifact_prefix="$src/out/fuzz/$1-" ${5:-} "$2" >"$log" 2>&1 || status=$?
    grep -E '^#[0-9]+[[:space:]]+DONE' "$log" || true
    if [ "$status" -ne 0 ]; then
        echo "fuzz: $1 found an input that breaks it (exit $status): out/fuzz/$1-*, report in $log" >&2
        grep -E 'ERROR|fuzz_[a-z]*:|SUMMARY' "$log" | head -n 5 >&2 || true
        return 1
    fi
}
failed=0
fuzz fuzz_scenario "$scen" "" 8192 || failed=1
# Whole files from the start (-len_control=0): a results file is only valid whole, and
# libFuzzer would otherwise spend the first minutes on short prefixes.
fuzz fuzz_results "$build/fuzz-corpus-results" "$run" 16384 -len_control=0 || failed=1
fuzz fuzz_compare "$build/fuzz-corpus-compare" "$cmp" 16384 -len_control=0 || failed=1
[ "$failed" -eq 0 ] || exit 1
echo "fuzz: ok"

#!/bin/sh
# Run the scenario-loader fuzzer (tests/fuzz/fuzz_scenario.c) for a while.
#
#   sh tests/fuzz/run.sh BUILD_DIR [SECONDS]      (make fuzz does this)
#
# The corpus lives in BUILD_DIR/fuzz-corpus and grows from run to run; it
# starts from the shipped scenarios and the good and bad files of
# tests/data. An input that breaks a property (crash, sanitizer report,
# failed round trip, non-finite output) is written to out/fuzz/ and the
# script exits 1: replay it with BUILD_DIR/tests/fuzz/fuzz_scenario FILE.
set -eu
src=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:?usage: run.sh BUILD_DIR [SECONDS]}
seconds=${2:-60}
bin="$build/tests/fuzz/fuzz_scenario"
[ -x "$bin" ] || { echo "run.sh: no $bin (make fuzz builds it)" >&2; exit 2; }

corpus="$build/fuzz-corpus"
if [ ! -d "$corpus" ]; then
    mkdir -p "$corpus"
    cp "$src"/scenarios/mali/*.cfg "$src"/tests/data/good/*.cfg "$src"/tests/data/bad/*.cfg "$corpus"/
fi
mkdir -p "$src/out/fuzz"
log="$src/out/fuzz/last-run.log"
echo "fuzz: $seconds s of scenario files ($(ls "$corpus" | wc -l) in the corpus); log in out/fuzz/last-run.log"
status=0
LSAN_OPTIONS="suppressions=$src/tests/fuzz/lsan.supp" "$bin" -max_total_time="$seconds" \
    -max_len=8192 -timeout=10 -artifact_prefix="$src/out/fuzz/" "$corpus" >"$log" 2>&1 || status=$?
grep -E '^#[0-9]+[[:space:]]+DONE' "$log" || true
if [ "$status" -ne 0 ]; then
    echo "fuzz: a property broke (exit $status); the input is in out/fuzz/, the report in $log" >&2
    grep -E 'ERROR|fuzz_scenario:|SUMMARY' "$log" | head -n 5 >&2 || true
    exit 1
fi
echo "fuzz: ok"

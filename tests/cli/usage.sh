# The command line: help, version, usage errors exit 2, check writes nothing.
. "$(dirname "$0")/common.sh"
"$bin" --help | grep -q 'usage: drawdown' || fail "--help"
"$bin" --version | grep -q '^drawdown [0-9]' || fail "--version"
"$bin" help run | grep -q -- '--threads' || fail "help run"
"$bin" run --help | grep -q -- '--force' || fail "run --help"
expect_usage_errors "" "frobnicate" "run" "run a.cfg b.cfg" "run x.cfg --reps 0" \
    "run x.cfg --threads -1" "run x.cfg --seed abc" "run x.cfg --bogus" "check" "help nothing"
cd "$work"
"$bin" check "$src/scenarios/mali/historical.cfg" | grep -q 'consent_revoked' || fail "check output"
[ -z "$(ls -A "$work")" ] || fail "check wrote files"
"$bin" params | grep -q 'attrition_per_month' || fail "params"
echo ok

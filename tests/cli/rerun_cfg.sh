# run.cfg is the fully resolved scenario: running it again reproduces the same
# bytes (CSV files and run.cfg itself), also when --seed and --reps were given.
. "$(dirname "$0")/common.sh"
"$bin" run "$src/scenarios/mali/historical.cfg" --reps 40 --seed 99 --out "$work/a" --quiet
"$bin" run "$work/a/run.cfg" --out "$work/b" --quiet
for f in monthly.csv replications.csv summary.csv run.cfg; do
    cmp "$work/a/$f" "$work/b/$f" || fail "$f differs after rerunning run.cfg"
done
h=$(sha256sum "$work/a/run.cfg" | cut -d' ' -f1)
grep -q "run_cfg_sha256: $h" "$work/a/manifest.txt" || fail "manifest hash does not match run.cfg"
"$bin" check "$work/a/run.cfg" >/dev/null || fail "check rejects run.cfg"
echo ok

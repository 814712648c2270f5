# drawdown compare on small runs: a tidy compare.csv whose numbers agree with
# each other, paired rows when the runs share seed, replications and start,
# charts that redraw from their own scripts, one warning line and unpaired
# rows otherwise, and the output-folder rules of every drawdown command.
. "$(dirname "$0")/common.sh"
data="$src/tests/data/compare"
cd "$work"
for s in stay leave revoked; do
    "$bin" run "$data/$s.cfg" --out "$s" --reps 40 --quiet
done

"$bin" compare stay leave revoked --out cmp --quiet 2>err
[ ! -s err ] || fail "a paired comparison printed: $(cat err)"
[ "$(head -1 cmp/compare.csv)" = "measure,scenario,baseline,mean,baseline_mean,diff,ci_low,ci_high,share_worse,paired" ] ||
    fail "compare.csv header: $(head -1 cmp/compare.csv)"
# Every row: baseline stay, paired, share_worse a share or NA, diff = mean -
# baseline_mean, and the interval around diff.
awk -F, 'NR > 1 {
    if ($3 != "stay" || $10 != 1) { print "row " NR ": baseline or paired"; bad = 1 }
    if ($9 != "NA" && ($9 < 0 || $9 > 1)) { print "row " NR ": share_worse " $9; bad = 1 }
    d = $4 - $5; e = d - $6; if (e < 0) e = -e; m = d < 0 ? -d : d
    if (e > 1e-6 * (1 + m)) { print "row " NR ": diff " $6 " but means differ by " d; bad = 1 }
    if ($7 > $6 + 1e-9 || $8 < $6 - 1e-9) { print "row " NR ": interval misses diff"; bad = 1 }
} END { exit bad }' cmp/compare.csv || fail "inconsistent rows in compare.csv"
for m in $(head -1 stay/replications.csv | cut -d, -f4- | tr , ' ') exited exit_reason_calendar \
    exit_reason_consent_revoked; do
    for s in leave revoked; do
        [ "$(grep -c "^$m,$s,stay," cmp/compare.csv)" -eq 1 ] || fail "no single row for $m, $s"
    done
done
grep -q '^vacuum_index,leave,stay,[0-9.e-]*,0,[0-9.e-]*,[0-9.e-]*,[0-9.e-]*,[01]\.*[0-9]*,1$' cmp/compare.csv ||
    fail "vacuum_index row of leave: $(grep '^vacuum_index,leave' cmp/compare.csv)"
grep -q '^exited,leave,stay,1,0,1,1,1,NA,1$' cmp/compare.csv || fail "exited row of leave"
grep -q '^kind: comparison$' cmp/manifest.txt || fail "manifest kind"
grep -q '^paired: yes$' cmp/manifest.txt || fail "manifest paired"
[ "$(sed -n 2p cmp/scenarios.csv | cut -d, -f1-2)" = "stay,baseline" ] || fail "scenarios.csv baseline first"

# Charts: four files each, real images, and scripts that redraw them.
n=0
for c in $(tail -n +2 cmp/charts/charts.csv | cut -d, -f1); do
    for e in gp dat svg png; do
        [ -s "cmp/charts/$c.$e" ] || fail "chart $c has no .$e"
    done
    [ "$(head -c 4 "cmp/charts/$c.png" | od -An -c | tr -d ' ')" = '211PNG' ] || fail "$c.png is not a PNG"
    grep -q '<svg' "cmp/charts/$c.svg" || fail "$c.svg is not an SVG"
    n=$((n + 1))
done
[ "$n" -ge 10 ] || fail "only $n comparison charts"
ls cmp/charts | grep -q '\.err$' && fail "gnuplot error files left behind"
mkdir redraw
cp cmp/charts/cost_vacuum.gp cmp/charts/cost_vacuum.dat redraw/
sed -i 's/^  set title .*/  set title "A title changed by hand"/' redraw/cost_vacuum.gp
(cd redraw && gnuplot cost_vacuum.gp) || fail "the saved script does not redraw"
[ -s redraw/cost_vacuum.png ] && grep -q 'A title changed by hand' redraw/cost_vacuum.svg || fail "redrawn chart"

# Unpaired: another seed gives one warning line and NA shares.
"$bin" run "$data/leave.cfg" --out leave8 --seed 8 --reps 40 --quiet
"$bin" compare stay leave8 --out cmp2 --quiet 2>err
[ "$(wc -l <err)" -eq 1 ] || fail "expected one warning line: $(cat err)"
grep -q '^drawdown: warning: .*unpaired.*seeds differ' err || fail "warning: $(cat err)"
awk -F, 'NR > 1 && ($10 != 0 || $9 != "NA") { bad = 1 } END { exit bad }' cmp2/compare.csv ||
    fail "unpaired rows"
grep -q '^paired: no$' cmp2/manifest.txt || fail "manifest says paired"

# --baseline picks the baseline; an unknown one is a usage error.
"$bin" compare stay leave --baseline leave --out cmp3 --quiet
grep -q '^vacuum_index,stay,leave,' cmp3/compare.csv || fail "--baseline leave"
run_rc "$bin" compare stay leave --baseline nobody --out cmp4 2>err
[ $rc -eq 2 ] && [ "$(wc -l <err)" -eq 1 ] && [ ! -e cmp4 ] || fail "unknown baseline: $rc $(cat err)"

# An existing folder is refused and left alone; --force replaces it.
before=$(ls -l --time-style=+%s.%N cmp cmp/charts | sha256sum)
run_rc "$bin" compare stay leave --out cmp 2>err
[ $rc -eq 2 ] && [ "$(wc -l <err)" -eq 1 ] && grep -q -- '--force' err || fail "existing --out: $rc $(cat err)"
[ "$before" = "$(ls -l --time-style=+%s.%N cmp cmp/charts | sha256sum)" ] || fail "existing folder touched"
"$bin" compare stay leave --out cmp --force --quiet
[ "$(grep -c ',revoked,' cmp/compare.csv)" -eq 0 ] || fail "--force did not replace the folder"
ls | grep -q 'tmp' && fail "a temporary folder was left behind"

# Help and usage errors.
"$bin" help compare | grep -q -- '--baseline' || fail "help compare"
"$bin" compare --help | grep -q 'paired' || fail "compare --help"
"$bin" help report | grep -q -- '--title' || fail "help report"
expect_usage_errors "compare" "compare stay" "compare stay leave --bogus" "report" \
    "report --bogus x"

# The default folder is out/compare-<baseline>-vs-<scenario>.
"$bin" compare stay leave --quiet
[ -s out/compare-stay-vs-leave/compare.csv ] || fail "default output folder"
echo ok

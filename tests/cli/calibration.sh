# The historical scenario must stay inside every calibration band of the
# FACTS sheet, T1-T7 (engine/MODEL.md, "Calibration"): a change that moves the
# fit out of one of them fails here. T5r and T7x, the project's own checks,
# are reported, not required.
# $1 is build/drawdown-calibrate here (not build/drawdown).
. "$(dirname "$0")/common.sh"
REQUIRED=${DD_CALIBRATION_REQUIRED:-T1,T2,T3,T3t,T4,T5,T6,T7}
"$bin" check "$src/scenarios/mali/historical.cfg" --reps 200 --seed 11 \
    --anchor "$src/analysis/calibration/anchor.cfg" --require "$REQUIRED" >"$work/table.txt" ||
    fail "calibration bands left: $(grep -E 'FAILS' "$work/table.txt" | tr '\n' ' ')"
# The regional check is reported for every region of the observed series (not required).
[ "$(grep -c '^T5r ' "$work/table.txt")" -eq 7 ] || fail "expected 7 T5r rows (one per region)"
ratio=$(sed -n 's/^anchor ratio \([0-9.]*\).*/\1/p' "$work/table.txt")
# Published: 6/22 = 0.27 of battle deaths left with 10,000 troops; allow 0.15 to 0.45.
awk -v r="$ratio" 'BEGIN { exit !(r >= 0.15 && r <= 0.45) }' || fail "anchor ratio $ratio"
# fit takes a region's starting condition as REGION.FIELD: it starts from the scenario's
# value (Mopti's host forces are 710 in scenarios/mali/base.cfg) and reports what it found.
"$bin" fit "$src/scenarios/mali/historical.cfg" --param Mopti.host_forces --iters 2 \
    --reps 20 >"$work/fit.out" 2>"$work/fit.err" || fail "fit with Mopti.host_forces failed"
grep -q '^eval 1 loss [0-9.]*: Mopti.host_forces=710$' "$work/fit.err" ||
    fail "fit did not start from Mopti's host forces: $(head -1 "$work/fit.err")"
grep -q '^  Mopti.host_forces = [0-9.e+]*;$' "$work/fit.out" || fail "fit printed no Mopti.host_forces"
# --band-penalty W adds W times the table's band penalty to the fit's loss: the first
# evaluation's loss grows by exactly that (to the printed precision).
grep -q '^band penalty [0-9.]*$' "$work/table.txt" || fail "check printed no band penalty"
for w in 0 1000; do
    "$bin" fit "$src/scenarios/mali/historical.cfg" --param contagion_per_month --iters 1 \
        --reps 20 --band-penalty $w >"$work/fit$w.out" 2>"$work/fit$w.err" ||
        fail "fit --band-penalty $w failed"
done
"$bin" check "$src/scenarios/mali/historical.cfg" --reps 20 >"$work/check20.txt"
pen=$(sed -n 's/^band penalty //p' "$work/check20.txt")
l0=$(sed -n 's/^eval 1 loss \([0-9.]*\):.*/\1/p' "$work/fit0.err")
l1=$(sed -n 's/^eval 1 loss \([0-9.]*\):.*/\1/p' "$work/fit1000.err")
awk -v a="$l0" -v b="$l1" -v p="$pen" 'BEGIN { exit !(p > 0 && (b - a - 1000 * p)^2 < 0.1^2) }' ||
    fail "band penalty $pen: loss $l0 without it, $l1 with 1000 times it"
status=0
"$bin" fit "$src/scenarios/mali/historical.cfg" --band-penalty -1 --param civilian_weight \
    >"$work/bad.out" 2>&1 || status=$?
[ "$status" -eq 2 ] || fail "a negative band penalty gave status $status, not 2"
grep -q "^usage: drawdown-calibrate" "$work/bad.out" || fail "a negative band penalty: $(cat "$work/bad.out")"
status=0
"$bin" fit "$src/scenarios/mali/historical.cfg" --param Mopti.no_such_field \
    >"$work/bad.out" 2>&1 || status=$?
[ "$status" -eq 2 ] || fail "an unknown region field gave status $status, not 2"
grep -q "unknown parameter 'Mopti.no_such_field'" "$work/bad.out" || fail "$(cat "$work/bad.out")"
echo ok

# MPI build only (registered when DD_MPI is ON): drawdown-calibrate and
# drawdown-sensitivity spread their runs over three processes with
# `mpirun --oversubscribe -np 3` and give the same output as one process.
#   $1 drawdown-calibrate, $2 source dir, $3 scratch dir, $4 mpirun, $5 drawdown-sensitivity
# Checks: `check` with the anchor prints the same bytes, and with --data and
# --require writes the same file and exits with the same status; `fit` of two
# parameters (with the anchor) follows the same Nelder-Mead path: the same
# stdout and the same "eval" lines; drawdown-sensitivity on the small scenarios
# of tests/data/sensitivity writes the same sensitivity.csv and summary.md;
# errors (an existing output folder, a missing scenario, an unknown parameter)
# exit 2 with the message printed once, and nothing hangs.
. "$(dirname "$0")/common.sh"
sens=$5
mpi_setup "${4:-}"
# From here "$@" holds the launcher's options.
# shellcheck disable=SC2086
set -- $mpi_opts
cfg=$src/scenarios/mali/historical.cfg
anchor=$src/analysis/calibration/anchor.cfg

# drawdown-calibrate check: the table and the anchor ratio.
"$bin" check "$cfg" --reps 60 --seed 11 --anchor "$anchor" >"$work/check-one.out" ||
    fail "drawdown-calibrate check failed"
timeout 300 "$mpirun" "$@" -np 3 "$bin" check "$cfg" --reps 60 --seed 11 --anchor "$anchor" \
    >"$work/check-mpi.out" || fail "mpirun -np 3 drawdown-calibrate check failed"
grep -q '^anchor ratio ' "$work/check-one.out" || fail "check printed no anchor ratio"
cmp "$work/check-one.out" "$work/check-mpi.out" ||
    fail "drawdown-calibrate check differs between one process and three"

# The same with --markdown, --data and --require: the same file, the same exit status.
one=0
"$bin" check "$cfg" --reps 30 --seed 5 --markdown --require T1,T2,T3 \
    --data "$work/one.dat" >"$work/md-one.out" 2>/dev/null || one=$?
mpi=0
timeout 300 "$mpirun" "$@" -np 3 "$bin" check "$cfg" --reps 30 --seed 5 --markdown \
    --require T1,T2,T3 --data "$work/mpi.dat" >"$work/md-mpi.out" 2>/dev/null || mpi=$?
[ "$one" -eq "$mpi" ] || fail "check --require: status $one with one process, $mpi with three"
cmp "$work/md-one.out" "$work/md-mpi.out" || fail "check --markdown differs under mpirun"
cmp "$work/one.dat" "$work/mpi.dat" || fail "check --data differs under mpirun"

# drawdown-calibrate fit: every process must take the same simplex steps.
fit="fit $cfg --param troop_weight --param fatalities_per_event --iters 5 --reps 20"
# shellcheck disable=SC2086
"$bin" $fit --anchor "$anchor" >"$work/fit-one.out" 2>"$work/fit-one.err" ||
    fail "drawdown-calibrate fit failed"
# shellcheck disable=SC2086
timeout 300 "$mpirun" "$@" -np 3 "$bin" $fit --anchor "$anchor" >"$work/fit-mpi.out" \
    2>"$work/fit-mpi.err" || fail "mpirun -np 3 drawdown-calibrate fit failed"
grep -q '^best (loss ' "$work/fit-one.out" || fail "fit printed no best values"
cmp "$work/fit-one.out" "$work/fit-mpi.out" ||
    fail "drawdown-calibrate fit differs between one process and three"
grep '^eval ' "$work/fit-one.err" >"$work/eval-one.txt"
grep '^eval ' "$work/fit-mpi.err" >"$work/eval-mpi.txt" || true
cmp "$work/eval-one.txt" "$work/eval-mpi.txt" || fail "fit's progress lines differ under mpirun"

# drawdown-calibrate errors: one message, exit 2.
status=0
timeout 120 "$mpirun" "$@" -np 3 "$bin" check "$work/no-such.cfg" >"$work/missing.out" 2>&1 ||
    status=$?
[ "$status" -eq 2 ] || fail "a missing scenario gave status $status under mpirun, not 2"
[ "$(grep -c 'no-such.cfg' "$work/missing.out")" -eq 1 ] ||
    fail "the missing scenario was not reported once: $(cat "$work/missing.out")"
status=0
timeout 120 "$mpirun" "$@" -np 3 "$bin" fit "$cfg" --param no_such_param \
    >"$work/param.out" 2>&1 || status=$?
[ "$status" -eq 2 ] || fail "an unknown parameter gave status $status under mpirun, not 2"
[ "$(grep -c 'unknown parameter' "$work/param.out")" -eq 1 ] ||
    fail "the unknown parameter was not reported once: $(cat "$work/param.out")"

# drawdown-sensitivity: the same estimates from three processes as from one.
dir="$src/tests/data/sensitivity"
args="--param usd_per_person_month --param mercenary_abuse_factor --reps 8 --quiet"
# shellcheck disable=SC2086
"$sens" "$dir" $args --out "$work/sens-one" || fail "drawdown-sensitivity failed"
# shellcheck disable=SC2086
timeout 300 "$mpirun" "$@" -np 3 "$sens" "$dir" $args --out "$work/sens-mpi" ||
    fail "mpirun -np 3 drawdown-sensitivity failed"
for f in sensitivity.csv summary.md; do
    cmp "$work/sens-one/$f" "$work/sens-mpi/$f" ||
        fail "$f differs between one process and three"
done

# An existing folder without --force: exit 2, one message, the folder untouched.
status=0
# shellcheck disable=SC2086
timeout 120 "$mpirun" "$@" -np 3 "$sens" "$dir" $args --out "$work/sens-mpi" \
    >"$work/exists.out" 2>&1 || status=$?
[ "$status" -eq 2 ] || fail "an existing folder gave status $status under mpirun, not 2"
[ "$(grep -c 'already exists' "$work/exists.out")" -eq 1 ] ||
    fail "the error was not printed once: $(cat "$work/exists.out")"
cmp "$work/sens-one/sensitivity.csv" "$work/sens-mpi/sensitivity.csv" || fail "folder touched"
echo ok

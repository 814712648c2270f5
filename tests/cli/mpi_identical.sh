# MPI build only (registered when DD_MPI is ON): replications spread over three
# processes with `mpirun --oversubscribe -np 3` give the same bytes as one process.
#   $1 drawdown, $2 source dir, $3 scratch dir, $4 mpirun, $5 test_mpi_runner
# Checks: the runner test program (statistics bit for bit, failure on rank 0
# stops everyone); `drawdown run` monthly/replications/summary/run.cfg byte for
# byte against one process for several replication counts (including fewer
# replications than processes) and thread counts; a start-up failure on rank 0
# (folder exists) exits 2 with one message and nothing hangs; processes given
# different seeds refuse to run.
. "$(dirname "$0")/common.sh"
runner_test=$5
mpi_setup "${4:-}"
# From here "$@" holds the launcher's options.
# shellcheck disable=SC2086
set -- $mpi_opts
cfg=$src/scenarios/mali/historical.cfg

timeout 300 "$mpirun" "$@" -np 3 "$runner_test" || fail "test_mpi_runner failed under mpirun -np 3"

for spec in "300 2" "2 1" "1000 1"; do
    reps=${spec% *}
    threads=${spec#* }
    "$bin" run "$cfg" --reps "$reps" --seed 11 --threads 2 --out "$work/one-$reps" --quiet
    timeout 300 "$mpirun" "$@" -np 3 "$bin" run "$cfg" --reps "$reps" --seed 11 \
        --threads "$threads" --out "$work/mpi-$reps" --quiet ||
        fail "mpirun -np 3 drawdown run --reps $reps failed"
    for f in monthly.csv replications.csv summary.csv run.cfg; do
        cmp "$work/one-$reps/$f" "$work/mpi-$reps/$f" ||
            fail "$f differs between one process and three (reps $reps)"
    done
    grep -q '^processes: 3 ' "$work/mpi-$reps/manifest.txt" || fail "manifest does not record 3 processes"
done

status=0
timeout 120 "$mpirun" "$@" -np 3 "$bin" run "$cfg" --reps 10 --out "$work/mpi-300" \
    >"$work/exists.out" 2>&1 || status=$?
[ "$status" -eq 2 ] || fail "an existing folder gave status $status under mpirun, not 2"
[ "$(grep -c 'already exists' "$work/exists.out")" -eq 1 ] || fail "the error was not printed once"

# Processes that disagree fail together, with one message, and write nothing:
# seeds 11 and 2^32 + 11 differ only above the low 32 bits (MPMD launch).
status=0
timeout 120 "$mpirun" "$@" -np 1 "$bin" run "$cfg" --reps 10 --seed 11 --out "$work/seeds" --quiet \
    : -np 2 "$bin" run "$cfg" --reps 10 --seed 4294967307 --out "$work/seeds" --quiet \
    >"$work/seeds.out" 2>&1 || status=$?
[ "$status" -ne 0 ] || fail "processes with different seeds ran"
[ "$(grep -c 'disagree on the scenario or the options' "$work/seeds.out")" -eq 1 ] ||
    fail "the disagreement was not reported once: $(cat "$work/seeds.out")"
[ ! -e "$work/seeds" ] || fail "processes with different seeds left $work/seeds"
echo ok

# The same scenario, seed and replication count give byte-identical CSV files
# at 1, 2 and 4 threads (the issue's acceptance check, on the shipped
# historical scenario with 300 replications and seed 11).
. "$(dirname "$0")/common.sh"
for t in 1 2 4; do
    "$bin" run "$src/scenarios/mali/historical.cfg" --reps 300 --seed 11 --threads $t \
        --out "$work/t$t" --quiet
done
for f in monthly.csv replications.csv summary.csv run.cfg; do
    cmp "$work/t1/$f" "$work/t2/$f" || fail "$f differs between 1 and 2 threads"
    cmp "$work/t1/$f" "$work/t4/$f" || fail "$f differs between 1 and 4 threads"
done
grep -q '^threads: 4$' "$work/t4/manifest.txt" || fail "manifest does not record 4 threads"
grep -q '^replications: 300$' "$work/t1/manifest.txt" || fail "manifest replications"
echo ok

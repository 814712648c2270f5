# Smoke test of the benchmark programs (not a measurement): tiny counts, every
# figure present and a number. $1 bench_engine, $2 bench_child, $3 source dir.
set -eu
engine=$1
child=$2
src=$3
out=$("$engine" "$src/scenarios/mali/historical.cfg" --quick --threads 2 2>/dev/null)
for name in ns_per_region_month floor_ns_per_region_month floor_ratio replay_floor_ratio reps_per_s_1thread \
    reps_per_s_all parallel_efficiency region_scaling_70 region_scaling_700 region_scaling; do
    echo "$out" | grep -Eq "^$name,[0-9.e+-]+,[a-z/-]+\$" || {
        echo "FAIL: bench_engine did not print $name" >&2
        echo "$out" >&2
        exit 1
    }
done
line=$("$child" sh -c 'exit 3' || true)
echo "$line" | grep -Eq '^wall_s=[0-9.]+ peak_rss_mb=[0-9.]+ status=3$' || {
    echo "FAIL: bench_child printed '$line'" >&2
    exit 1
}
echo ok

# drawdown-sensitivity on the small scenarios of tests/data/sensitivity: the
# output folder is complete, a rerun is refused without --force, the files
# are the same bytes at 1 and 2 threads, and bad input gets one line naming
# file:line, exit 2 and nothing written.
# $1 is build/drawdown-sensitivity here (not build/drawdown).
. "$(dirname "$0")/common.sh"
dir="$src/tests/data/sensitivity"
args="--param usd_per_person_month --param mercenary_abuse_factor --reps 8 --quiet"
# shellcheck disable=SC2086
OMP_NUM_THREADS=1 "$bin" "$dir" $args --out "$work/t1"
# shellcheck disable=SC2086
OMP_NUM_THREADS=2 "$bin" "$dir" $args --out "$work/t2"

for f in sensitivity.csv summary.md manifest.txt charts/charts.csv; do
    [ -s "$work/t1/$f" ] || fail "$f missing or empty"
done
head -n 1 "$work/t1/sensitivity.csv" |
    grep -qx 'parameter,end,value,contrast,measure,estimate,ci_low,ci_high,holds' ||
    fail "sensitivity.csv header"
# 2 parameters x 3 ends x 7 contrasts, and a header.
[ "$(wc -l <"$work/t1/sensitivity.csv")" -eq 43 ] || fail "sensitivity.csv rows"
n=0
for gp in "$work"/t1/charts/*.gp; do
    n=$((n + 1))
    stem=${gp%.gp}
    for ext in dat svg png; do
        [ -s "$stem.$ext" ] || fail "$(basename "$stem").$ext missing or empty"
    done
done
[ $n -eq 7 ] || fail "expected 7 tornado charts, found $n"
grep -q '^replications: 8$' "$work/t1/manifest.txt" || fail "manifest replications"
grep -q '^threads: 2$' "$work/t2/manifest.txt" || fail "manifest does not record 2 threads"

# The same bytes at 1 and 2 threads (the manifest records the thread count).
for f in sensitivity.csv summary.md charts/charts.csv; do
    cmp "$work/t1/$f" "$work/t2/$f" || fail "$f differs between 1 and 2 threads"
done
for f in "$work"/t1/charts/*.dat "$work"/t1/charts/*.gp; do
    cmp "$f" "$work/t2/charts/$(basename "$f")" || fail "$(basename "$f") differs between threads"
done

# A cost parameter cannot move the vacuum contrast: exactly the baseline at both ends.
base=$(grep '^usd_per_person_month,base,.*,vacuum,' "$work/t1/sensitivity.csv" | cut -d, -f6-)
for end in low high; do
    got=$(grep "^usd_per_person_month,$end,.*,vacuum," "$work/t1/sensitivity.csv" | cut -d, -f6-)
    [ "$got" = "$base" ] || fail "usd_per_person_month $end moved the vacuum contrast: $got vs $base"
done

# An existing folder is refused without --force, untouched; --force replaces it.
before=$(ls -l --time-style=+%s.%N "$work/t1" | sha256sum)
# shellcheck disable=SC2086
run_rc "$bin" "$dir" $args --out "$work/t1" 2>"$work/err"
[ $rc -eq 2 ] || fail "rerun without --force: exit $rc, expected 2"
[ "$(wc -l <"$work/err")" -eq 1 ] || fail "expected one line: $(cat "$work/err")"
grep -q -- '--force' "$work/err" || fail "message does not name --force: $(cat "$work/err")"
[ "$before" = "$(ls -l --time-style=+%s.%N "$work/t1" | sha256sum)" ] || fail "folder touched"
# shellcheck disable=SC2086
"$bin" "$dir" $args --out "$work/t1" --force
cmp "$work/t1/sensitivity.csv" "$work/t2/sensitivity.csv" || fail "--force rerun differs"

# Bad input: a scenario with an error, one line naming file:line, exit 2, nothing written.
mkdir -p "$work/bad"
cp "$dir"/*.cfg "$work/bad/"
sed 's/^host_quality = .*/host_quality = 1.7;/' "$dir/base.cfg" >"$work/bad/base.cfg"
line=$(grep -n '^host_quality = 1.7;' "$work/bad/base.cfg" | cut -d: -f1)
run_rc "$bin" "$work/bad" --reps 4 --quiet --out "$work/bad-out" 2>"$work/err"
[ $rc -eq 2 ] || fail "bad scenario: exit $rc, expected 2"
[ "$(wc -l <"$work/err")" -eq 1 ] || fail "bad scenario: expected one line: $(cat "$work/err")"
grep -qF "$work/bad/base.cfg:$line:" "$work/err" || fail "bad scenario: no file:line in $(cat "$work/err")"
[ ! -e "$work/bad-out" ] || fail "bad scenario: output written"
for args2 in "" "$dir --reps 1" "$dir --param no_such" "$dir --param troop_weight" "$dir --bogus"; do
    # shellcheck disable=SC2086
    run_rc "$bin" $args2 --out "$work/usage-out" >/dev/null 2>"$work/err"
    [ $rc -eq 2 ] || fail "'drawdown-sensitivity $args2': exit $rc, expected 2"
    [ "$(wc -l <"$work/err")" -eq 1 ] || fail "'$args2': expected one line: $(cat "$work/err")"
    [ ! -e "$work/usage-out" ] || fail "'$args2': output written"
done
"$bin" --help | grep -q 'usage: drawdown-sensitivity' || fail "--help"
echo ok

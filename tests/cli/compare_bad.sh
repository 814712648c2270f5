# Damaged or mismatched inputs to compare and report: one line naming the
# file (file:line where a line applies), exit 2, nothing written. A missing
# gnuplot: one line saying how to install it, exit 1, nothing written.
. "$(dirname "$0")/common.sh"
data="$src/tests/data/compare"
mkdir "$work/w"
cd "$work/w"
"$bin" run "$data/stay.cfg" --out stay --reps 20 --quiet
"$bin" run "$data/leave.cfg" --out leave --reps 20 --quiet

# expect_refusal CODE PATTERN ARGS...: the command fails with CODE, prints one
# line matching PATTERN, and leaves no new file or folder behind.
expect_refusal() {
    code=$1
    pattern=$2
    shift 2
    before=$(ls -A | sort)
    run_rc "$bin" "$@" --out res 2>../err >/dev/null
    [ $rc -eq "$code" ] || fail "'$*': exit $rc, expected $code ($(cat ../err))"
    [ "$(wc -l <../err)" -eq 1 ] || fail "'$*': expected one line: $(cat ../err)"
    grep -q -- "$pattern" ../err || fail "'$*': message '$(cat ../err)' does not match '$pattern'"
    [ "$before" = "$(ls -A | sort)" ] || fail "'$*': files appeared: $(ls -A)"
}

# damage NAME: a copy of the stay run to break.
damage() {
    rm -rf "$1"
    cp -r stay "$1"
}

expect_refusal 2 '^drawdown: nothere: No such file' compare nothere stay
mkdir empty
expect_refusal 2 '^drawdown: empty: not a drawdown run folder' compare empty stay
expect_refusal 2 'compare needs at least two' compare stay

damage cut1 && sed -i '$d' cut1/replications.csv
expect_refusal 2 '^drawdown: cut1/replications.csv:20: 19 replications, but manifest.txt says 20' compare cut1 leave
damage cut2 && truncate -s -3 cut2/replications.csv
expect_refusal 2 '^drawdown: cut2/replications.csv:21: last line is incomplete' compare cut2 leave
damage num && sed -i '3s/,[0-9.]*,/,x,/' num/summary.csv
expect_refusal 2 '^drawdown: num/summary.csv:3: .*not a number' compare num leave
damage cfg && sed -i 's/^name = .*/name = "stay";  # edited/' cfg/run.cfg
expect_refusal 2 '^drawdown: cfg/run.cfg: does not match run_cfg_sha256' compare cfg leave
damage mon && sed -i '$d' mon/monthly.csv
expect_refusal 2 '^drawdown: mon/monthly.csv: no row for' compare mon leave
damage man && sed -i '/^seed:/d' man/manifest.txt
expect_refusal 2 '^drawdown: man/manifest.txt: no "seed:" line' compare man leave
damage cols && sed -i '1s/vacuum_index/vacuum_idx/' cols/replications.csv
expect_refusal 2 '^drawdown: cols: replications.csv has other measure columns' compare leave cols
expect_refusal 2 'also the scenario of' compare stay stay
damage dup && expect_refusal 2 '^drawdown: dup: scenario stay is also the scenario of stay' compare stay dup

"$bin" compare stay leave --out cmp --quiet
expect_refusal 2 '^drawdown: cmp/manifest.txt: this is a comparison folder' compare cmp leave
# scenarios.csv of a comparison: the seed and the counts are whole numbers
# (column 5: seed, 6: replications).
rm -rf frac && cp -r cmp frac
awk -F, 'BEGIN { OFS = "," } NR == 2 { $6 = $6 ".5" } { print }' cmp/scenarios.csv >frac/scenarios.csv
expect_refusal 2 '^drawdown: frac/scenarios.csv:2: bad seed, replications or months' report frac
rm -rf frac && cp -r cmp frac
awk -F, 'BEGIN { OFS = "," } NR == 3 { $5 = $5 ".5" } { print }' cmp/scenarios.csv >frac/scenarios.csv
expect_refusal 2 '^drawdown: frac/scenarios.csv:3: bad seed, replications or months' report frac
rm -rf frac
rm cmp/charts/relapse.png
expect_refusal 2 '^drawdown: cmp/charts/relapse.png: missing or empty' report cmp
expect_refusal 2 '^drawdown: empty: not a drawdown run folder' report empty
run_rc "$bin" report stay leave 2>../err
[ $rc -eq 2 ] && grep -q 'several folders needs --out' ../err || fail "report of two folders without --out"

# No gnuplot: exit 1 and an installation hint; nothing written.
run_rc env DD_GNUPLOT=/nonexistent/gnuplot "$bin" compare stay leave --out res 2>../err
[ $rc -eq 1 ] || fail "missing gnuplot: exit $rc"
[ "$(wc -l <../err)" -eq 1 ] && grep -q 'gnuplot (/nonexistent/gnuplot) not found.*apt-get install gnuplot-nox' ../err ||
    fail "missing gnuplot: $(cat ../err)"
[ ! -e res ] || fail "missing gnuplot: wrote res"
ls -A | grep -q 'tmp' && fail "missing gnuplot: a temporary folder was left behind"
echo ok

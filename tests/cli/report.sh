# drawdown report: one self-contained page per run, comparison or library,
# with every chart inlined, a paragraph per argument, and the output-folder
# rules. (The browser check, analysis/browser_check.py, renders it in
# Chromium; this test needs no browser.)
. "$(dirname "$0")/common.sh"
data="$src/tests/data/compare"
cd "$work"
for s in stay leave; do
    "$bin" run "$data/$s.cfg" --out "$s" --reps 30 --quiet
done
"$bin" compare stay leave --out cmp --quiet

# check_page FILE CHARTS: a page with CHARTS inline PNG images and nothing to fetch.
check_page() {
    [ -s "$1" ] || fail "$1 missing"
    head -1 "$1" | grep -q '^<!DOCTYPE html>$' || fail "$1: not HTML"
    tail -1 "$1" | grep -q '^</html>$' || fail "$1: cut short"
    grep -qi '<script' "$1" && fail "$1 has a script"
    grep -qiE '(src|href)="(https?:|//)' "$1" && fail "$1 loads something from the network"
    imgs=$(grep -o '<img ' "$1" | wc -l)
    inline=$(grep -o '<img alt="[^"]*" src="data:image/png;base64,[A-Za-z0-9+/]*=*">' "$1" | wc -l)
    [ "$imgs" -eq "$2" ] || fail "$1: $imgs images, expected $2"
    [ "$inline" -eq "$imgs" ] || fail "$1: $inline of $imgs images are whole inline PNGs"
}

"$bin" report leave --quiet
charts=$(($(wc -l <leave/report/charts/charts.csv) - 1))
[ "$charts" -ge 10 ] || fail "only $charts charts for a run"
check_page leave/report/report.html "$charts"
for h in 'The security vacuum' 'A conditions-based exit' 'eroding consent and legitimacy' \
    "militarised partner" 'host that can hold alone'; do
    [ "$(grep -c "<h4>[^<]*$h" leave/report/report.html)" -eq 1 ] || fail "argument '$h'"
done
grep -q 'The mission left in 100% of the 30 replications, always in 2021-06' leave/report/report.html ||
    fail "vacuum paragraph of leave"
grep -q '^kind: report$' leave/report/manifest.txt || fail "manifest"
for f in leave/report/charts/*.gp; do
    [ -s "${f%.gp}.png" ] && [ -s "${f%.gp}.svg" ] && [ -s "${f%.gp}.dat" ] || fail "chart files of $f"
done

# Existing report: refused without --force.
run_rc "$bin" report leave 2>err
[ $rc -eq 2 ] && grep -q -- '--force' err || fail "existing report: $rc $(cat err)"
"$bin" report leave --force --quiet

"$bin" report cmp --quiet
check_page cmp/report/report.html $(($(wc -l <cmp/charts/charts.csv) - 1))
grep -q 'In every paired replication leave left more armed-group control two years after the exit than stay' \
    cmp/report/report.html || fail "comparison sentence"

# A library: runs and comparisons in one page, charts per scenario.
"$bin" report stay leave cmp --out lib --title 'Test library' --quiet
check_page lib/report.html $((2 * charts + $(wc -l <cmp/charts/charts.csv) - 1))
[ -s lib/charts/stay/fan_armed_control.gp ] && [ -s lib/charts/leave/map_control.png ] ||
    fail "library charts per scenario"
grep -q '<title>Test library</title>' lib/report.html || fail "title"
echo ok

#!/bin/sh
# make demo: run every shipped scenario into out/<name>/.
#
# Base files (meant to be @included, named base.cfg) are not scenarios and
# are skipped. The demo owns out/<name>/ for the shipped scenarios and
# replaces them on each run (it says so); user results elsewhere are never
# touched.
set -eu
bin=${1:-build/drawdown}
cd "$(dirname "$0")/.."
mkdir -p out
start=$(date +%s)
for cfg in scenarios/*/*.cfg; do
    case "$(basename "$cfg")" in
    base.cfg | base-*.cfg) continue ;;
    esac
    name=$(basename "$cfg" .cfg)
    if [ -d "out/$name" ]; then
        echo "make demo: replacing out/$name"
    fi
    "$bin" run "$cfg" --out "out/$name" --force
done
end=$(date +%s)
echo "make demo: scenarios ran in $((end - start)) s; results under out/"

# The key comparisons of the seminar, each into out/compare-<name>/. A
# comparison runs with the scenarios of the library that exist (it says which
# are missing) and is skipped when its baseline or every other run is missing.
comparisons=""
compare() {
    cname=$1
    base=$2
    shift 2
    if [ ! -f "out/$base/manifest.txt" ]; then
        echo "make demo: no comparison $cname: out/$base is missing"
        return 0
    fi
    dirs=""
    for s in "$@"; do
        if [ -f "out/$s/manifest.txt" ]; then
            dirs="$dirs out/$s"
        else
            echo "make demo: comparison $cname without $s (not in the library)"
        fi
    done
    if [ -z "$dirs" ]; then
        echo "make demo: no comparison $cname: nothing to compare with $base"
        return 0
    fi
    # shellcheck disable=SC2086
    "$bin" compare "out/$base" $dirs --baseline "$base" --out "out/compare-$cname" --force --quiet
    echo "make demo: out/compare-$cname/ ($base against$dirs)"
    comparisons="$comparisons out/compare-$cname"
}
# Abrupt against conditions-based exit (and the calendar in between).
compare exit-timing conditions-phased abrupt-exit calendar-phased
# The three options of the Secretary-General's review of January 2023 against what happened.
compare january-2023 historical sg-reinforce sg-reconfigure sg-political-mission
# Counter-arguments to the abrupt exit: a militarised partner, a host that can hold alone.
compare abrupt-counter abrupt-exit militarised-partner fast-host-capacity
# Counter-argument to the conditions-based exit: consent erodes while the mission waits.
compare conditions-consent conditions-phased consent-collapse
# Every exit against staying.
compare against-stay stay abrupt-exit calendar-phased conditions-phased

# One page for the whole library: out/report.html (a copy of
# out/library/report.html, whose charts/ folder holds the scripts).
runs=""
for cfg in scenarios/*/*.cfg; do
    case "$(basename "$cfg")" in
    base.cfg | base-*.cfg) continue ;;
    esac
    name=$(basename "$cfg" .cfg)
    # the actual history first, then the others in file order
    if [ "$name" = historical ]; then
        runs="out/$name $runs"
    else
        runs="$runs out/$name"
    fi
done
# shellcheck disable=SC2086
"$bin" report $comparisons $runs --out out/library --force --quiet \
    --title "Drawdown of a peacekeeping mission: the Mali scenario library"
cp out/library/report.html out/report.html.tmp
mv -f out/report.html.tmp out/report.html
end=$(date +%s)
echo "make demo: done in $((end - start)) s; open out/report.html in a browser"

#!/bin/sh
# Write the observed-versus-simulated table of the historical Mali scenario,
# and its chart of yearly deaths, into engine/MODEL.md (between the markers
# "calibration:begin" and "calibration:end"), from a clone alone:
#
#   sh analysis/calibration/update-model-md.sh [build]
#
# Needs build/drawdown-calibrate (make) and gnuplot (make demo installs it).
set -eu
cd "$(dirname "$0")/../.."
bin=${1:-build}/drawdown-calibrate
[ -x "$bin" ] || { echo "update-model-md: build first (make)" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$bin" check scenarios/mali/historical.cfg --reps 1000 --seed 11 --markdown \
    --anchor analysis/calibration/anchor.cfg --data analysis/calibration/fatalities.dat >"$tmp/table.md"
gnuplot analysis/calibration/fatalities.gp
{
    sed -n '1,/<!-- calibration:begin -->/p' engine/MODEL.md
    echo
    echo "Historical scenario, 1,000 replications, seed 11 (\`sh analysis/calibration/update-model-md.sh\`)."
    echo
    cat "$tmp/table.md"
    echo
    echo "![Yearly deaths, ACLED against the model's mean](calibration-fatalities.png)"
    echo
    sed -n '/<!-- calibration:end -->/,$p' engine/MODEL.md
} >"$tmp/MODEL.md"
mv "$tmp/MODEL.md" engine/MODEL.md
echo "engine/MODEL.md: calibration table and chart updated"

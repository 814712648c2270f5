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

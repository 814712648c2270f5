# Whole-run regression: the small scenario's CSV files must equal the answer
# files in tests/data/regress/small/ byte for byte. When a change alters the
# model on purpose, regenerate them with
#   build/drawdown run tests/data/regress/small.cfg --out tests/data/regress/small --force
# and explain the change in the commit message.
. "$(dirname "$0")/common.sh"
"$bin" run "$src/tests/data/regress/small.cfg" --out "$work/small" --quiet --threads 2
for f in monthly.csv replications.csv summary.csv run.cfg; do
    cmp "$src/tests/data/regress/small/$f" "$work/small/$f" || fail "$f differs from the answer file"
done
echo ok

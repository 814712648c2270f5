# An existing output folder is refused (exit 2, one line naming --force) and
# left untouched; --force replaces it whole; --force never deletes a folder
# that is not a drawdown result.
. "$(dirname "$0")/common.sh"
cfg="$src/tests/data/regress/small.cfg"
out="$work/res"
"$bin" run "$cfg" --out "$out" --quiet --reps 8
echo "keep me" >"$out/notes.txt"
before=$(ls -l --time-style=+%s.%N "$out" | sha256sum)
run_rc "$bin" run "$cfg" --out "$out" --reps 8 2>"$work/err"
[ $rc -eq 2 ] || fail "expected exit 2 for an existing folder, got $rc"
[ "$(wc -l <"$work/err")" -eq 1 ] || fail "expected one line on stderr: $(cat "$work/err")"
grep -q -- '--force' "$work/err" || fail "message does not name --force: $(cat "$work/err")"
after=$(ls -l --time-style=+%s.%N "$out" | sha256sum)
[ "$before" = "$after" ] || fail "the existing folder was touched"
ls "$work" | grep -q tmp && fail "a temporary folder was left behind"

"$bin" run "$cfg" --out "$out" --reps 8 --seed 5 --force --quiet
[ ! -e "$out/notes.txt" ] || fail "--force did not replace the folder whole"
grep -q '^seed: 5$' "$out/manifest.txt" || fail "--force did not write the new results"

mkdir -p "$work/precious"
echo "data" >"$work/precious/thesis.txt"
run_rc "$bin" run "$cfg" --out "$work/precious" --force --quiet --reps 4 2>"$work/err2"
[ $rc -eq 2 ] || fail "expected exit 2 when --force meets a non-result folder, got $rc"
[ -f "$work/precious/thesis.txt" ] || fail "--force deleted a folder that was not a result"
echo ok

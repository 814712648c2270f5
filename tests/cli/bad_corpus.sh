# Each file of tests/data/bad/ is refused by `drawdown run` with exit 2, one
# line on stderr naming file:line as its header comments say, containing the
# expected message, and nothing written.
. "$(dirname "$0")/common.sh"
n=0
for cfg in "$src"/tests/data/bad/*.cfg; do
    n=$((n + 1))
    line=$(sed -n 's/^# expect-line: *//p' "$cfg" | head -n 1)
    want=$(sed -n 's/^# expect: *//p' "$cfg" | head -n 1)
    file=$(sed -n 's/^# expect-file: *//p' "$cfg" | head -n 1)
    [ -n "$line" ] && [ -n "$want" ] || fail "$cfg lacks its expect-line / expect header"
    if [ -n "$file" ]; then where="$(dirname "$cfg")/$file"; else where="$cfg"; fi
    out="$work/out-$n"
    run_rc "$bin" run "$cfg" --out "$out" 2>"$work/err" >"$work/stdout"
    [ $rc -eq 2 ] || fail "$cfg: exit $rc, expected 2"
    [ "$(wc -l <"$work/err")" -eq 1 ] || fail "$cfg: expected one line, got: $(cat "$work/err")"
    grep -qF -- "$where:$line:" "$work/err" || fail "$cfg: expected $where:$line in: $(cat "$work/err")"
    grep -qF -- "$want" "$work/err" || fail "$cfg: expected '$want' in: $(cat "$work/err")"
    [ ! -e "$out" ] || fail "$cfg: output was written"
done
[ $n -ge 20 ] || fail "only $n bad-input files"
# A missing file is bad input too.
run_rc "$bin" run "$work/no-such.cfg" --out "$work/x" 2>/dev/null
[ $rc -eq 2 ] || fail "missing scenario file: exit $rc"
echo "ok ($n files)"

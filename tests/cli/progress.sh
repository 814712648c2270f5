# The progress line of `drawdown run` (replications done, rate, time left) goes to
# stderr only when stderr is a terminal, the run is not --quiet and it lasts
# longer than a second. Checked: nothing at all on stderr when it is a file or
# a pipe, with and without --quiet; on a pseudo-terminal (script(1), when
# present) a progress line, and none with --quiet. The runs must last over a
# second for any of this to mean something: a short run first measures this
# machine (and build: sanitizers are slower), and the long runs are sized
# for about 2.5 s.
. "$(dirname "$0")/common.sh"
cfg=$src/scenarios/mali/historical.cfg

"$bin" run "$cfg" --reps 200 --threads 1 --out "$work/probe" >"$work/probe.out" 2>&1
probe=$(sed -n 's/^historical: .* in \([0-9.]*\) s .*/\1/p' "$work/probe.out")
[ -n "$probe" ] || fail "no summary from the probe run: $(cat "$work/probe.out")"
reps=$(awk "BEGIN { r = int(200 * 2.5 / ($probe + 0.001)); print (r < 400 ? 400 : (r > 20000 ? 20000 : r)) }")

"$bin" run "$cfg" --reps $reps --threads 1 --out "$work/file" >"$work/file.out" 2>"$work/file.err"
[ ! -s "$work/file.err" ] || fail "progress written to a file: $(head -c 200 "$work/file.err")"
grep -q "^historical: $reps replications" "$work/file.out" || fail "no summary on stdout"

"$bin" run "$cfg" --reps 50 --threads 1 --out "$work/pipe" 2>&1 >/dev/null | cat >"$work/pipe.err"
[ ! -s "$work/pipe.err" ] || fail "progress written to a pipe"

"$bin" run "$cfg" --reps 50 --threads 1 --out "$work/quiet" --quiet >"$work/quiet.out" 2>&1
[ ! -s "$work/quiet.out" ] || fail "--quiet printed: $(head -c 200 "$work/quiet.out")"

if ! command -v script >/dev/null 2>&1; then
    echo "ok (script(1) not found: terminal case not checked)"
    exit 0
fi
# script -q -e -c CMD /dev/null runs CMD on a pseudo-terminal and copies what it prints.
script -qec "'$bin' run '$cfg' --reps $reps --threads 1 --out '$work/tty'" /dev/null >"$work/tty.log"
grep -q "^historical: $reps replications" "$work/tty.log" || fail "no summary on the terminal"
seconds=$(sed -n 's/^historical: .* in \([0-9.]*\) s .*/\1/p' "$work/tty.log")
if awk "BEGIN { exit !($seconds >= 1.5) }"; then
    grep -q "$reps/$reps replications, [0-9]*/s, [0-9]* s left" "$work/tty.log" ||
        fail "no progress line on a terminal for a run of $seconds s"
else
    echo "(run took $seconds s: too fast to expect a progress line)"
fi
script -qec "'$bin' run '$cfg' --reps $reps --threads 1 --out '$work/ttyq' --quiet" /dev/null >"$work/ttyq.log"
[ ! -s "$work/ttyq.log" ] || fail "--quiet printed on a terminal: $(head -c 200 "$work/ttyq.log")"
echo ok

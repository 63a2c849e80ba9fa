#!/bin/bash
# Batch output for automation (issue 13, item 10), on the demo host:
# --check --machine-readable gives every check line its remedy (a
# string for a failed or warned check, null otherwise) and ends with a
# summary object whose counts are those of the lines; a migration
# cancelled by SIGTERM in the middle of its copy ends with an error
# object that names the run directory, whose log does not report the
# cancelled disk as copied (it says "not copied ... kept for a resume")
# and says once that the demo's images were prepared.
. "${top_srcdir:-..}/tests/functions.sh"
. "$top_srcdir/tests/tui-lib.sh"
set -e -x
requires python3 virsh
tmpdir
tui_env C.UTF-8

# demo-running fails vm-shutoff (and the default target is not there).
rc=0
"$X2K" --demo --batch --vm-name=demo-running --check --machine-readable \
    --state-dir="$TMPD/state" > "$TMPD/check.json" || rc=$?
cat "$TMPD/check.json"
[ "$rc" = 3 ] || fail "--check exited $rc, not 3"
python3 - "$TMPD/check.json" <<'PY'
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
checks, last = lines[:-1], lines[-1]
assert checks and all(c["type"] == "check" for c in checks), "not checks"
for c in checks:
    assert "remedy" in c, c
    if c["status"] in ("FAIL", "warn"):
        assert isinstance(c["remedy"], str) and c["remedy"], c
    else:
        assert c["remedy"] is None, c
shut = [c for c in checks if c["id"] == "vm-shutoff"][0]
assert shut["status"] == "FAIL" and "Shut it down" in shut["remedy"], shut
assert last["type"] == "summary", last
assert last["passed"] is False and last["checks"] == len(checks), last
for key, st in (("ok", "ok"), ("warn", "warn"), ("fail", "FAIL"),
                ("skip", "skip")):
    assert last[key] == sum(c["status"] == st for c in checks), (key, last)
PY

# A copy cancelled in its middle (slowed to 4 MB/s).
target="test://$TMPD/cache/xen2kvm-tui/demo/kvmhost.xml"
X2K_BWLIMIT=4000000 "$X2K" --demo --batch --vm-name=demo-hvm \
    --target-uri="$target" --no-guest-fixes --state-dir="$TMPD/state" \
    --machine-readable > "$TMPD/run.json" 2> "$TMPD/run.err" &
pid=$!
cleanup_fn kill $pid
i=0
until python3 - "$TMPD/run.json" <<'PY'
import json, sys
done = [json.loads(l).get("done", 0) for l in open(sys.argv[1])
        if l.startswith('{"type":"progress"')]
sys.exit(0 if done and max(done) >= 2 * 1048576 else 1)
PY
do
    [ $i -lt 600 ] || fail "the copy did not start"
    sleep 0.1
    i=$((i + 1))
done
kill -TERM $pid
rc=0
wait $pid || rc=$?
cat "$TMPD/run.err"
tail -3 "$TMPD/run.json"
[ "$rc" = 143 ] || fail "the cancelled run exited $rc, not 143"
rundir=$(python3 - "$TMPD/run.json" <<'PY'
import json, sys
last = json.loads(open(sys.argv[1]).read().splitlines()[-1])
assert last["type"] == "error", last
assert last["code"] == "cancelled", last
print(last["run_dir"])
PY
)
[ -d "$rundir" ] && [ -f "$rundir/log" ] || fail "no run directory $rundir"
case "$rundir" in "$TMPD/state/runs/"*) ;; *) fail "run_dir $rundir" ;; esac
cat "$rundir/log"
grep -q "not copied .*demo-hvm.img -> .*(cancelled), kept for a resume" \
    "$rundir/log" || fail "the log does not say the disk was not copied"
! grep -q "[^t] copied .*demo-hvm.img ->" "$rundir/log" ||
    fail "the cancelled disk is reported as copied"
! grep -q '"copied .*demo-hvm.img ->' "$TMPD/run.json" ||
    fail "the cancelled disk is reported as copied in the JSON"
# The demo's images are prepared once per run (issue 12 item 14).
[ "$(grep -c 'demo: images prepared in ' "$rundir/log")" = 1 ] ||
    fail "the demo was not prepared exactly once in the run"

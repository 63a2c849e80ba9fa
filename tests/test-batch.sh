#!/bin/bash
# Batch mode runs the engine's stages: text lines, JSON lines that all
# parse, a run directory with the log, and the documented exit codes.
. "${top_srcdir:-..}/tests/functions.sh"
set -e -x
requires python3
tmpdir
export LANGUAGE=C LC_ALL=C.UTF-8

# --machine-readable: every line is one JSON object of a known type.
set +e
x2k --batch --uri test:///default --vm-name test --state-dir "$TMPD/state" \
    --machine-readable > "$TMPD/json" 2> "$TMPD/err"; rc=$?
set -e
[ -s "$TMPD/json" ]
python3 - "$TMPD/json" <<'PY'
import json, sys
types = {"stage", "progress", "log", "warning", "error", "result", "check"}
n = 0
for line in open(sys.argv[1], encoding="utf-8"):
    obj = json.loads(line)
    assert obj["type"] in types, obj
    if obj["type"] == "stage":
        assert obj["state"] in ("begin", "end"), obj
        assert isinstance(obj["label"], str) and obj["label"], obj
    if obj["type"] == "error":
        assert obj["code"] and obj["message"], obj
    n += 1
assert n >= 2, n
PY
# A run keeps its directory and log (0700).
run=$(ls -d "$TMPD"/state/runs/*)
[ -d "$run" ]
[ "$(stat -c %a "$run")" = 700 ]
grep -q 'stage connect begin' "$run/log"

# Text mode: stage lines on stdout, the error on stderr, exit 0 or 1.
set +e
x2k --batch --uri test:///default --vm-name test --state-dir "$TMPD/state" \
    > "$TMPD/out" 2> "$TMPD/err"; rc2=$?
set -e
assert_contains "$TMPD/out" "==> Connect to the Xen host"
if [ $rc2 != 0 ]; then
    [ $rc2 = 1 ] || [ $rc2 = 3 ] || fail "unexpected exit $rc2"
    assert_contains "$TMPD/err" "xen2kvm: error: "
    assert_contains "$TMPD/err" "xen2kvm: the log is in $TMPD/state/runs/"
fi
[ $rc = $rc2 ]

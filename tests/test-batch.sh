#!/bin/bash
# Batch mode runs the engine's stages: text lines, JSON lines that all
# parse, a run directory with the log, the documented exit codes (0, 1,
# 2, 3: each where it belongs) and --log-file.
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

# Text mode: stage lines on stdout, the error on stderr.  libvirt's
# test:///default guest "test" is running: the preflight fails, exit 3.
set +e
x2k --batch --uri test:///default --vm-name test --state-dir "$TMPD/state" \
    > "$TMPD/out" 2> "$TMPD/err"; rc2=$?
set -e
cat "$TMPD/out" "$TMPD/err"
[ $rc2 = 3 ] || fail "a failed preflight exited $rc2, expected 3"
[ $rc = 3 ] || fail "the same with --machine-readable exited $rc"
assert_contains "$TMPD/out" "==> Connect to the Xen host"
assert_contains "$TMPD/err" "xen2kvm: error: The preflight check 'vm-shutoff' failed"
assert_contains "$TMPD/err" "xen2kvm: the log is in $TMPD/state/runs/"

# A migration that works (the fake Xen host's disks on this machine,
# --output local): exit 0.  With --log-file, its log and events go to
# that file too (created 0600), the terminal output unchanged.
xen_host_start --local
truncate -s 4M "$XEN/images/win2k8-hvm.img"
xen_host_xml
x2k_expect 0 "$TMPD/ok" --batch --uri "test://$TMPD/xenhost.xml" \
    --vm-name win2k8-hvm --output-dir "$TMPD/outdir" --no-guest-fixes \
    --bridge br0 --state-dir "$TMPD/state" --log-file "$TMPD/batch.log"
assert_contains "$TMPD/ok" "Done: the disks and the domain XML of 'win2k8-hvm'"
[ "$(stat -c %a "$TMPD/batch.log")" = 600 ]
assert_contains "$TMPD/batch.log" "info: stage copy begin"
assert_contains "$TMPD/batch.log" "info: stage report end"
assert_contains "$TMPD/batch.log" "info: guest win2k8-hvm: HVM"
grep -Eq '^[0-9]{4}-[0-9]{2}-[0-9]{2}T' "$TMPD/batch.log"
# A migration that fails after the preflight (qemu-img, which --format
# qcow2 needs, is not on PATH): exit 1; logged in the --log-file too,
# which is appended to.
mkdir -p "$TMPD/emptybin"
rc=0
env PATH="$TMPD/emptybin" "$X2K" --batch \
    --uri "test://$TMPD/xenhost.xml" --vm-name win2k8-hvm \
    --output-dir "$TMPD/outdir2" --format qcow2 --no-guest-fixes \
    --bridge br0 --state-dir "$TMPD/state" --log-file "$TMPD/batch.log" \
    > "$TMPD/noqemu" 2> "$TMPD/noqemu.err" || rc=$?
cat "$TMPD/noqemu" "$TMPD/noqemu.err"
[ $rc = 1 ] || fail "a failed copy exited $rc, expected 1"
assert_contains "$TMPD/noqemu.err" "xen2kvm: error: Cannot run qemu-img"
assert_contains "$TMPD/batch.log" "error: Cannot run qemu-img"
assert_contains "$TMPD/batch.log" "info: stage report end"
# A log file that cannot be opened is a usage error (exit 2).
ln -s "$TMPD/elsewhere" "$TMPD/link.log"
x2k_expect 2 "$TMPD/badlog" --batch --uri test:///default --vm-name test \
    --state-dir "$TMPD/state" --log-file "$TMPD/link.log"
assert_contains "$TMPD/badlog.err" "Cannot open the log file $TMPD/link.log"
[ ! -e "$TMPD/elsewhere" ]

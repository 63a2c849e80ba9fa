#!/bin/bash
# One run at a time per source guest and per destination (issue 12,
# item 3), with two real concurrent runs: while a slowed copy runs
# (X2K_BWLIMIT), a second run of the same guest, and a run of another
# guest into the same destination, refuse in preflight naming the first
# run's pid and run directory.  Then (item 2) the partial copy left by a
# cancel is resumed by its own migration, but refused to another guest
# whose copy would land on it unless --overwrite.
. "${top_srcdir:-..}/tests/functions.sh"
set -e -x
requires python3 cmp
xen_host_start --local
export XDG_RUNTIME_DIR=$TMPD/run
head -c $((12 * 1048576)) /dev/urandom > "$XEN/images/rhel49-x86_64-pv.img"
truncate -s 4M "$XEN/images/win2k8-hvm.img"
xen_host_xml
kvm_host_xml
common=(--batch --uri "test://$TMPD/xenhost.xml"
        --target-uri "test://$TMPD/kvmhost.xml" --bridge br0
        --state-dir "$TMPD/state" --no-guest-fixes)
run=("${common[@]}" --vm-name rhel49-x86_64-pv)
# Another guest whose copy goes to the same volume.
other=("${common[@]}" --vm-name win2k8-hvm --new-name rhel49-x86_64-pv)
COPY=$POOL/rhel49-x86_64-pv-vda.raw

# Wait until JSON-lines file $1 reports at least 1 MiB copied.
wait_copied_json()
{
    local i=0
    until python3 - "$1" <<'PY'
import json, sys
done = [json.loads(l).get("done", 0) for l in open(sys.argv[1])
        if l.startswith('{"type":"progress"')]
sys.exit(0 if done and max(done) >= 1048576 else 1)
PY
    do
        [ $i -lt 300 ] || fail "the copy did not start"
        sleep 0.1
        i=$((i + 1))
    done
}

X2K_BWLIMIT=$((1048576)) "$X2K" "${run[@]}" --machine-readable \
    > "$TMPD/first" 2> "$TMPD/first.err" &
pid=$!
cleanup_fn kill $pid
wait_copied_json "$TMPD/first"
first_rd=$(ls -d "$TMPD"/state/runs/*)

# The same guest again: refused, naming the first run.
x2k_expect 3 "$TMPD/second" "${run[@]}"
assert_contains "$TMPD/second.err" "run-lock"
assert_contains "$TMPD/second.err" "process $pid, run directory $first_rd"
# Another guest into the same destination: refused too.
x2k_expect 3 "$TMPD/third" "${other[@]}"
assert_contains "$TMPD/third.err" "process $pid, run directory $first_rd"
assert_contains "$TMPD/third.err" "$COPY"

# Cancel the first run: its partial copy and journal stay.
kill -TERM $pid
rc=0
wait $pid || rc=$?
[ $rc = 143 ] || fail "the first run ended with $rc"
[ -s "$COPY.x2k-journal" ]
# The lock went with the process; the partial copy is not the other
# guest's to replace...
x2k_expect 3 "$TMPD/foreign" "${other[@]}"
assert_contains "$TMPD/foreign.err" "dest-exists"
assert_contains "$TMPD/foreign.err" \
    "$COPY already exists and this migration did not create it"
# ... but its own migration resumes it.
x2k_expect 0 "$TMPD/resume" "${run[@]}"
assert_contains "$TMPD/resume" "is a partial copy of this migration"
grep -Eq "resuming at byte [1-9][0-9]* of" "$TMPD/resume" ||
    fail "the re-run did not resume"
cmp "$XEN/images/rhel49-x86_64-pv.img" "$COPY"
[ "$(stat -c %a "$COPY")" = 600 ]

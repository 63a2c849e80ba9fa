#!/bin/bash
# SIGTERM, SIGHUP and SIGQUIT end a run like a cancel, in batch mode and
# in the wizard (real tmux): during a copy from a fake Xen host (test
# driver + a real loopback sshd, the data through the OpenSSH client,
# slowed by X2K_BWLIMIT), the signal stops the run with exit 128+N, the
# ssh child and the streamer on the Xen host are gone, the wizard leaves
# the terminal as it found it, and the same command again resumes the
# copy where it stopped and completes it byte for byte.
. "${top_srcdir:-..}/tests/functions.sh"
. "$top_srcdir/tests/tui-lib.sh"
set -e -x
requires tmux python3 pgrep cmp
xen_host_start
head -c $((16 * 1048576)) /dev/urandom > "$XEN/images/rhel49-x86_64-pv.img"
xen_host_xml
kvm_host_xml
run=(--batch --uri "test://$TMPD/xenhost.xml" "${XEN_SSH[@]}"
     --target-uri "test://$TMPD/kvmhost.xml" --bridge br0
     --state-dir "$TMPD/state" --no-guest-fixes --vm-name rhel49-x86_64-pv)
COPY=$POOL/rhel49-x86_64-pv-vda.raw

# Wait until JSON-lines file $1 reports at least 2 MiB of the disk copied.
wait_copied_json()
{
    local i=0
    until python3 - "$1" <<'PY'
import json, sys
done = [json.loads(l).get("done", 0) for l in open(sys.argv[1])
        if l.startswith('{"type":"progress"')]
sys.exit(0 if done and max(done) >= 2 * 1048576 else 1)
PY
    do
        [ $i -lt 300 ] || fail "the copy did not start"
        sleep 0.1
        i=$((i + 1))
    done
}

# Nothing of the run is left: no ssh client of ours, no streamer.
assert_children_gone()
{
    local i=0
    while pgrep -f -- "UserKnownHostsFile=$SSHD_KNOWN_HOSTS" >/dev/null ||
          pgrep -u "$SSHD_USER" -x perl >/dev/null; do
        [ $i -lt 50 ] || fail "ssh or the streamer still runs"
        sleep 0.1
        i=$((i + 1))
    done
}

# The same command again resumes where the run stopped and completes.
assert_resumes()
{
    x2k_expect 0 "$TMPD/resume-$1" "${run[@]}"
    grep -Eq "resuming at byte [1-9][0-9]* of" "$TMPD/resume-$1" ||
        fail "$1: the re-run did not resume"
    cmp "$XEN/images/rhel49-x86_64-pv.img" "$COPY"
    rm -f "$COPY" "$COPY.x2k-journal"
}

for sig in TERM HUP QUIT; do
    num=$(kill -l "$sig")
    # Batch mode.
    X2K_BWLIMIT=$((2 * 1048576)) "$X2K" "${run[@]}" --machine-readable \
        > "$TMPD/b-$sig" 2> "$TMPD/b-$sig.err" &
    pid=$!
    wait_copied_json "$TMPD/b-$sig"
    kill -"$sig" $pid
    rc=0
    wait $pid || rc=$?
    cat "$TMPD/b-$sig.err"
    [ $rc = $((128 + num)) ] || fail "batch: SIG$sig gave exit $rc"
    assert_contains "$TMPD/b-$sig.err" "cancelling"
    grep -q '"type":"error","code":"cancelled"' "$TMPD/b-$sig" ||
        fail "batch: SIG$sig did not cancel"
    assert_children_gone
    assert_resumes "batch-$sig"

    # The wizard, from its Summary: Enter starts the run.
    tui_env C.UTF-8
    X2K_BWLIMIT=$((2 * 1048576)) tui_open "sig-$sig" 80 24 "${run[@]:1}"
    tmux_wait " 7/9 " 20
    tui_wait_gone '[.][.][.]( |[)]|$)' 20
    tmux_keys Enter
    i=0
    until tmux_screen | grep -qE '^  vda +\[.*[^0-9](1[5-9]|[2-9][0-9])%'; do
        [ $i -lt 300 ] || { tmux_screen >&2; fail "no copy seen"; }
        sleep 0.1
        i=$((i + 1))
    done
    [ "$(tmux_get '#{alternate_on}')" = 1 ]
    wpid=$(pgrep -P "$(tmux_get '#{pane_pid}')" -x xen2kvm-tui)
    kill -"$sig" "$wpid"
    rc=$(tui_wait_exit)
    [ "$rc" = $((128 + num)) ] || fail "wizard: SIG$sig gave exit $rc"
    # The terminal as it was: the normal screen, the cursor shown.
    [ "$(tmux_get '#{alternate_on}')" = 0 ] || fail "still on the alternate screen"
    [ "$(tmux_get '#{cursor_flag}')" = 1 ] || fail "the cursor is hidden"
    tmux -L "$X2K_TMUX_SOCK" kill-server
    assert_children_gone
    assert_resumes "wizard-$sig"
done

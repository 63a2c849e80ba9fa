#!/bin/bash
# Every read of the disk data is bounded (--io-timeout): a real
# loopback sshd whose streamer stalls (a stand-in perl first on its PATH
# that stops sending after 3 MB, the connection still open).  On both
# data paths (libssh2 and the OpenSSH client) the disk fails within the
# timeout with an error that says it is resumable, and a re-run without
# the stall resumes where it stopped; then the same through the whole
# batch pipeline with --io-timeout.
. "${top_srcdir:-..}/tests/functions.sh"
. "$top_srcdir/tests/transfer-lib.sh"
set -e -x
requires perl cmp timeout head
tmpdir
chmod 755 "$TMPD"
STALL=$TMPD/stall
stall_streamer "$STALL" 3000000
xen_host_start "SetEnv PATH=$STALL:/usr/local/bin:/usr/bin:/bin"
SRC=$XEN/images OUT=$TMPD/out
mkdir -p "$OUT"
head -c $((8 * 1048576)) /dev/urandom > "$SRC/dense.img"
chmod 644 "$SRC/dense.img"
chown -R "$SSHD_USER:" "$XEN"
SSH_OPTS="--host=$SSHD_HOST --port=$SSHD_PORT --user=$SSHD_USER"
SSH_OPTS="$SSH_OPTS --identity=$SSHD_KEY --known-hosts=$SSHD_KNOWN_HOSTS"

for transport in libssh2 openssh; do
    COPY_OPTS="$SSH_OPTS --transport=$transport"
    : > "$STALL/stall"
    rm -f "$OUT/d.raw" "$OUT/d.raw.x2k-journal"
    rc=0
    # shellcheck disable=SC2086
    timeout 60 "$X2K_COPY" $COPY_OPTS --io-timeout=3 "$SRC/dense.img" \
        "$OUT/d.raw" > "$OUT/$transport.1" 2> "$OUT/$transport.1.err" || rc=$?
    cat "$OUT/$transport.1" "$OUT/$transport.1.err"
    [ $rc = 1 ] || fail "$transport: a stalled copy exited $rc"
    [ "$(field "$OUT/$transport.1" error)" = timeout ]
    [ "$(field "$OUT/$transport.1" kept)" = 1 ]
    assert_contains "$OUT/$transport.1.err" \
        "No data came from the Xen host for 3 seconds while copying disk $SRC/dense.img (option --io-timeout). The copy stopped and is resumable"
    # The re-run, the host sending again: it resumes, the copy is whole.
    rm -f "$STALL/stall"
    copy "$SRC/dense.img" "$OUT/d.raw" > "$OUT/$transport.2"
    [ "$(field "$OUT/$transport.2" resumed)" -ge 1048576 ]
    cmp "$SRC/dense.img" "$OUT/d.raw"
done

# The whole pipeline: --io-timeout in batch mode, exit 1, the message
# with the resume offset; the same command again finishes the copy.
mv "$SRC/dense.img" "$SRC/rhel49-x86_64-pv.img"
xen_host_xml
kvm_host_xml
: > "$STALL/stall"
run=(--batch --uri "test://$TMPD/xenhost.xml" "${XEN_SSH[@]}"
     --target-uri "test://$TMPD/kvmhost.xml" --bridge br0
     --state-dir "$TMPD/state" --no-guest-fixes --vm-name rhel49-x86_64-pv
     --io-timeout 3)
x2k_expect 1 "$TMPD/b1" "${run[@]}"
assert_contains "$TMPD/b1.err" "No data came from the Xen host for 3 seconds while copying disk vda"
assert_contains "$TMPD/b1.err" "running the same command again resumes it at byte 2097152"
rm -f "$STALL/stall"
x2k_expect 0 "$TMPD/b2" "${run[@]}"
assert_contains "$TMPD/b2" "resuming at byte 2097152"
cmp "$SRC/rhel49-x86_64-pv.img" "$POOL/rhel49-x86_64-pv-vda.raw"

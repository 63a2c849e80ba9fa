#!/bin/bash
# The transfer engine against a real loopback sshd (tests/functions.sh
# sshd_start): the streamer over a libssh2 exec channel, through the
# OpenSSH client, and the SFTP reader pass every check of
# transfer-lib.sh (dense, odd-sized, empty, sparse, "block device",
# --verify and corruption, kill -9 and resume, cancel within 1 s,
# progress, --parallel, no perl -> dd); a relative source path that
# begins with '-' through each reader; then the libvirt volume-upload
# writer into a real dir pool (a private session libvirtd), also under
# a volume name with '&', '<', '>' and '"'.  A real block device is
# test-transfer-block.sh.
. "${top_srcdir:-..}/tests/functions.sh"
. "$top_srcdir/tests/transfer-lib.sh"
set -e -x
requires perl cmp truncate stat
sshd_start
tmpdir
chmod 755 "$TMPD"
SRC=$TMPD/src OUT=$TMPD/out
mkdir -p "$SRC" "$OUT"
chmod 755 "$SRC"

SSH_OPTS="--host=$SSHD_HOST --port=$SSHD_PORT --user=$SSHD_USER"
SSH_OPTS="$SSH_OPTS --identity=$SSHD_KEY --known-hosts=$SSHD_KNOWN_HOSTS"

# The streamer over a libssh2 exec channel.
COPY_OPTS="$SSH_OPTS --reader=exec --transport=libssh2"
transfer_basic_checks
[ "$(field "$OUT/r3" reader)" = ssh-exec ]
transfer_verify_checks
transfer_resume_checks
transfer_progress_checks
transfer_parallel_checks
transfer_noperl_checks

# The default after a key login: the same streamer through the OpenSSH
# client (faster ciphers), after core/ssh checked the host key.
rm -rf "${OUT:?}"/*
COPY_OPTS="$SSH_OPTS"
transfer_basic_checks
[ "$(field "$OUT/r3" reader)" = openssh-exec ]
transfer_verify_checks
transfer_resume_checks

# The OpenSSH client fails (a stand-in `ssh` first on PATH): the disk
# is copied through libssh2 instead, and the run warns, with the reason.
mkdir -p "$TMPD/badssh"
printf '#!/bin/sh\necho "stand-in ssh: no way in" >&2\nexit 255\n' \
    > "$TMPD/badssh/ssh"
chmod 755 "$TMPD/badssh/ssh"
PATH="$TMPD/badssh:$PATH" copy "$SRC/sparse.img" "$OUT/fb.raw" \
    > "$OUT/f1" 2> "$OUT/f1.err"
cmp "$SRC/sparse.img" "$OUT/fb.raw"
[ "$(field "$OUT/f1" reader)" = ssh-exec ]
assert_contains "$OUT/f1.err" \
    "warning: The OpenSSH client failed, so disk $SRC/sparse.img is copied through libssh2, which is slower: stand-in ssh: no way in"
grep -qx 'warning-events 1' "$OUT/f1" || fail "not one warning event"

# A dropped connection: the streamer on the Xen host dies mid-copy (the
# throwaway user's only perl, killed by its pid); the copy fails with
# the partial output kept, and a re-run resumes to identical bytes.
rm -f "$OUT/r.raw" "$OUT/r.raw.x2k-journal"
copy_bg --bwlimit=$((6 * 1048576)) --sync-interval=0.3 \
    "$SRC/r.img" "$OUT/r.raw" > "$OUT/d1" 2> "$OUT/d1.err"
pid=$!
wait_journal_done "$OUT/r.raw.x2k-journal" 30
rpid=$(pgrep -u "$SSHD_USER" -x perl)
[ -n "$rpid" ]
kill -9 $rpid
rc=0
wait $pid || rc=$?
[ $rc = 1 ]
[ "$(field "$OUT/d1" error)" = remote ]
[ "$(field "$OUT/d1" kept)" = 1 ]
copy "$SRC/r.img" "$OUT/r.raw" > "$OUT/d2"
[ "$(field "$OUT/d2" resumed)" -gt 0 ]
cmp "$SRC/r.img" "$OUT/r.raw"

# After a password login the OpenSSH client cannot take over: libssh2.
"$X2K_COPY" --host="$SSHD_HOST" --port="$SSHD_PORT" --user="$SSHD_USER" \
    --known-hosts="$SSHD_KNOWN_HOSTS" \
    --password-env=SSHD_PASSWORD "$SRC/sparse.img" "$OUT/pw.raw" > "$OUT/pw1"
cmp "$SRC/sparse.img" "$OUT/pw.raw"
[ "$(field "$OUT/pw1" reader)" = ssh-exec ]

rm -rf "${OUT:?}"/*
COPY_OPTS="$SSH_OPTS --reader=sftp"
transfer_basic_checks
[ "$(field "$OUT/r3" reader)" = sftp ]
transfer_verify_checks

# A source path that looks like an option (issue 12 item 14): a file
# "-dash.img" in the remote user's home, named relatively, is copied
# byte for byte by each reader (remote commands end their options with
# "--" or prefix "./", never take it for a switch).
head -c 3000000 /dev/urandom > "$SSHD_HOME/-dash.img"
chmod 644 "$SSHD_HOME/-dash.img"
for r in "--reader=exec --transport=libssh2 --verify" "--verify" \
         "--reader=sftp"; do
    rm -f "$OUT/dash.raw"
    "$X2K_COPY" $SSH_OPTS $r -- -dash.img "$OUT/dash.raw" > "$OUT/dash"
    cmp "$SSHD_HOME/-dash.img" "$OUT/dash.raw"
    [ "$(field "$OUT/dash" copied)" = 3000000 ]
done
[ "$(field "$OUT/dash" reader)" = sftp ]

# A wrong host key is refused before anything is read.
sed 's/ssh-ed25519 [A-Za-z0-9+/]*/ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBadKeyBadKeyBadKeyBadKeyBadKeyBadKeyBadKey/' \
    "$SSHD_KNOWN_HOSTS" > "$TMPD/bad_known_hosts"
if "$X2K_COPY" --host="$SSHD_HOST" --port="$SSHD_PORT" --user="$SSHD_USER" \
        --identity="$SSHD_KEY" --known-hosts="$TMPD/bad_known_hosts" \
        "$SRC/dense.img" "$OUT/never.raw" > "$OUT/h1" 2>&1; then
    fail "a changed host key was accepted"
fi
grep -q 'ssh-hostkey' "$OUT/h1"

# The volume-upload writer: a dir pool of a private session libvirtd
# run as the throwaway user (virStorageVolUpload with a sparse stream).
requires libvirtd virsh
V=$TMPD/virt
mkdir -p "$V/pool"
chown -R "$SSHD_USER" "$V"
as_user() {
    runuser -u "$SSHD_USER" -- env HOME="$V" XDG_RUNTIME_DIR="$V/run" \
        XDG_CONFIG_HOME="$V/cfg" XDG_CACHE_HOME="$V/cache" "$@"
}
# The session daemon started for this test, stopped by its pid.
stop_session_libvirtd() {
    local p
    p=$(cat "$V/run/libvirt/libvirtd.pid" 2>/dev/null) && kill "$p" 2>/dev/null
    return 0
}
cleanup_fn stop_session_libvirtd
as_user virsh -c qemu:///session pool-create-as x2kpool dir --target "$V/pool"
mk_sparse "$SRC/vol.img" 24
as_user "$X2K_COPY" --reader=exec --verify --volume-uri=qemu:///session \
    --pool=x2kpool "$SRC/vol.img" vol1 > "$OUT/u1"
cmp "$SRC/vol.img" "$V/pool/vol1"
[ "$(field "$OUT/u1" verified)" = 1 ]
[ "$(allocated "$V/pool/vol1")" -le $((4 * 1048576)) ]
as_user virsh -c qemu:///session vol-info --pool x2kpool vol1 | grep -q Capacity
# A volume named with XML's special characters (a guest "a&b<c"): the
# volume XML sent to libvirt escapes them, the upload lands under
# exactly that name.
as_user "$X2K_COPY" --reader=exec --volume-uri=qemu:///session \
    --pool=x2kpool "$SRC/vol.img" 'a&b<c>"d-vda' > "$OUT/u2"
cmp "$SRC/vol.img" "$V/pool/a&b<c>\"d-vda"
as_user virsh -c qemu:///session vol-list x2kpool | grep -qF 'a&b<c>"d-vda'

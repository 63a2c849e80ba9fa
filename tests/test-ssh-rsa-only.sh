#!/bin/bash
# A Xen host whose sshd has only an RSA host key (HostKeyAlgorithms
# rsa-sha2-256,rsa-sha2-512, as OpenSSH 9 offers it): Debian 12's
# libssh2 1.10 cannot finish that handshake, so every command and the
# copy go through the OpenSSH client, without --legacy-ssh.  The host
# key is still checked against the same known_hosts first (unknown:
# refused, or accepted by fingerprint and recorded; changed: refused);
# commands give back their output and exit status; a password cannot be
# used (a clear error); and a whole migration works: --check (the guest
# list, the SSH checks, the disks' inventory) and the copy, verified.
. "${top_srcdir:-..}/tests/functions.sh"
. "$top_srcdir/tests/transfer-lib.sh"
set -e -x
requires ssh ssh-keyscan cmp
T=${top_builddir:-..}/tests/ssh-tool
[ -x "$T" ] || skip "ssh-tool not built"
SSHD_HOSTKEY_TYPE=rsa xen_host_start \
    "HostKeyAlgorithms rsa-sha2-256,rsa-sha2-512"
grep -q '^\[127.0.0.1\]:[0-9]* ssh-rsa ' "$SSHD_KNOWN_HOSTS"
conn=(--port "$SSHD_PORT" --user "$SSHD_USER" --identity "$SSHD_KEY")

# Commands: output, stderr and exit status come back; quoting holds.
rc=0
out=$("$T" "${conn[@]}" --known-hosts "$SSHD_KNOWN_HOSTS" 127.0.0.1 \
        exec 'id -un; echo oops >&2; exit 7' 2> "$TMPD/exec.err") || rc=$?
cat "$TMPD/exec.err"
[ $rc = 7 ] && [ "$out" = "$SSHD_USER" ]
assert_contains "$TMPD/exec.err" oops
"$T" "${conn[@]}" --known-hosts "$SSHD_KNOWN_HOSTS" 127.0.0.1 \
    words "a b" "'q'" '$(touch pwned)' > "$TMPD/words"
[ "$(cat "$TMPD/words")" = "$(printf '[a b]\n['"'"'q'"'"']\n[$(touch pwned)]')" ]
[ ! -e "$SSHD_HOME/pwned" ]

# Unknown: refused with the fingerprint ssh-keygen shows; accepted with
# it, recorded in OpenSSH's format, and then known to ssh itself.
: > "$TMPD/kh"
rc=0
"$T" "${conn[@]}" --known-hosts "$TMPD/kh" 127.0.0.1 exec true \
    2> "$TMPD/unknown.err" || rc=$?
[ $rc = 1 ]
assert_contains "$TMPD/unknown.err" "ssh-rsa key fingerprint is $SSHD_HOSTKEY_FP"
[ ! -s "$TMPD/kh" ]
"$T" "${conn[@]}" --known-hosts "$TMPD/kh" --accept "$SSHD_HOSTKEY_FP" \
    127.0.0.1 exec true
grep -q "^\[127.0.0.1\]:$SSHD_PORT ssh-rsa " "$TMPD/kh"
ssh -F /dev/null -i "$SSHD_KEY" -p "$SSHD_PORT" -o BatchMode=yes \
    -o UserKnownHostsFile="$TMPD/kh" -o StrictHostKeyChecking=yes \
    "$SSHD_USER@127.0.0.1" true
# Changed (another RSA key recorded): refused, with the remedy.
ssh-keygen -q -t rsa -b 2048 -N '' -f "$TMPD/other"
printf '[127.0.0.1]:%s %s\n' "$SSHD_PORT" "$(cut -d' ' -f1,2 "$TMPD/other.pub")" \
    > "$TMPD/kh-changed"
rc=0
"$T" "${conn[@]}" --known-hosts "$TMPD/kh-changed" 127.0.0.1 exec true \
    2> "$TMPD/changed.err" || rc=$?
[ $rc = 1 ]
assert_contains "$TMPD/changed.err" "REMOTE HOST IDENTIFICATION HAS CHANGED"
assert_contains "$TMPD/changed.err" "ssh-keygen -R '[127.0.0.1]:$SSHD_PORT'"
# A password cannot be given to the OpenSSH client: a clear error.
rc=0
"$T" --port "$SSHD_PORT" --user "$SSHD_USER" --known-hosts "$SSHD_KNOWN_HOSTS" \
    --password-file "$SSHD_PASSWORD_FILE" 127.0.0.1 exec true \
    2> "$TMPD/pw.err" || rc=$?
[ $rc = 1 ]
assert_contains "$TMPD/pw.err" "has only an RSA host key"
assert_contains "$TMPD/pw.err" "cannot be given a password"

# The copy: the streamer through the OpenSSH client, verified.  libssh2
# and SFTP cannot serve this host, and say so.
SRC=$XEN/images OUT=$TMPD/out
mkdir -p "$OUT"
mk_sparse "$SRC/rhel49-x86_64-pv.img" 24
chown -R "$SSHD_USER:" "$XEN"
COPY_OPTS="--host=127.0.0.1 --port=$SSHD_PORT --user=$SSHD_USER"
COPY_OPTS="$COPY_OPTS --identity=$SSHD_KEY --known-hosts=$SSHD_KNOWN_HOSTS"
copy --verify "$SRC/rhel49-x86_64-pv.img" "$OUT/c.raw" > "$OUT/c1"
cmp "$SRC/rhel49-x86_64-pv.img" "$OUT/c.raw"
[ "$(field "$OUT/c1" reader)" = openssh-exec ]
[ "$(field "$OUT/c1" verified)" = 1 ]
rc=0
copy --transport=libssh2 "$SRC/rhel49-x86_64-pv.img" "$OUT/l.raw" \
    > "$OUT/l1" 2> "$OUT/l1.err" || rc=$?
[ $rc = 1 ]
assert_contains "$OUT/l1.err" "only the OpenSSH client can verify"

# A whole migration from this host: the check, then the run.
xen_host_xml
kvm_host_xml
base=(--batch --uri "test://$TMPD/xenhost.xml" "${XEN_SSH[@]}"
      --target-uri "test://$TMPD/kvmhost.xml" --bridge br0
      --state-dir "$TMPD/state" --no-guest-fixes --vm-name rhel49-x86_64-pv)
x2k_expect 0 "$TMPD/check" "${base[@]}" --check
for id in ssh-reachable ssh-hostkey ssh-auth libvirt-uri disk-readable; do
    [ "$(awk -v id=$id '$1 == id { print $2; exit }' "$TMPD/check")" = ok ] ||
        fail "$id not ok"
done
assert_contains "$TMPD/check" "lists 7 guests"
assert_contains "$TMPD/check" "is readable, 24.0 MiB, raw"
x2k_expect 0 "$TMPD/run" "${base[@]}" --verify
cmp "$SRC/rhel49-x86_64-pv.img" "$POOL/rhel49-x86_64-pv-vda.raw"
assert_contains "$TMPD/run" "(openssh-exec, verified)"

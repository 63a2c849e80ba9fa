#!/bin/bash
# The legacy algorithm option against an sshd that speaks only what a
# RHEL 5-era server does: an ssh-rsa (SHA-1) host key,
# diffie-hellman-group14-sha1, aes128-cbc and hmac-sha1.  Without the
# option the handshake fails and the error names --legacy-ssh; with it
# the login works and the fingerprint is ssh-keygen's.
. "${top_srcdir:-..}/tests/functions.sh"
set -e -x
T=${top_builddir:-..}/tests/ssh-tool
[ -x "$T" ] || skip "ssh-tool not built"
SSHD_HOSTKEY_TYPE=rsa sshd_start \
    "HostKeyAlgorithms ssh-rsa" \
    "KexAlgorithms diffie-hellman-group14-sha1" \
    "Ciphers aes128-cbc" \
    "MACs hmac-sha1"
empty_home
conn=(--port "$SSHD_PORT" --user "$SSHD_USER" --identity "$SSHD_KEY")

rc=0
"$T" "${conn[@]}" --known-hosts "$TMPD/kh" --accept "$SSHD_HOSTKEY_FP" \
    127.0.0.1 exec true 2>"$TMPD/err" || rc=$?
cat "$TMPD/err"
[ $rc = 1 ]
assert_contains "$TMPD/err" "error: ssh-connect:"
assert_contains "$TMPD/err" "--legacy-ssh"
[ ! -s "$TMPD/kh" ]

out=$("$T" "${conn[@]}" --legacy --known-hosts "$TMPD/kh" --callback yes \
        127.0.0.1 exec 'id -un' 2>"$TMPD/err")
cat "$TMPD/err"
[ "$out" = "$SSHD_USER" ]
assert_contains "$TMPD/err" "hostkey: 127.0.0.1 $SSHD_PORT ssh-rsa $SSHD_HOSTKEY_FP"
grep -q "^\[127.0.0.1\]:$SSHD_PORT ssh-rsa " "$TMPD/kh"
# And it is then known.
"$T" "${conn[@]}" --legacy --known-hosts "$TMPD/kh" 127.0.0.1 exec true

#!/bin/bash
# The sshd_start helper itself: OpenSSH logs in with the throwaway key
# and verifies the throwaway host key; the fingerprint is ssh-keygen's.
. "${top_srcdir:-..}/tests/functions.sh"
set -e -x
requires ssh
sshd_start

out=$(sshd_ssh 'echo hello-$(id -un)')
[ "$out" = "hello-$SSHD_USER" ] || fail "unexpected: $out"
case $SSHD_HOSTKEY_FP in SHA256:*) ;; *) fail "fingerprint $SSHD_HOSTKEY_FP" ;; esac
[ -f "$SSHD_PASSWORD_FILE" ] || fail "no password file"
grep -q "^\[127.0.0.1\]:$SSHD_PORT ssh-ed25519 " "$SSHD_KNOWN_HOSTS"

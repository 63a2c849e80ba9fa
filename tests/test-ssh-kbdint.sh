#!/bin/bash
# Keyboard-interactive authentication: an sshd (with PAM) that refuses
# the "password" method, so the password only works as an answer to
# keyboard-interactive prompts.  A wrong answer is an auth error.
. "${top_srcdir:-..}/tests/functions.sh"
set -e -x
T=${top_builddir:-..}/tests/ssh-tool
[ -x "$T" ] || skip "ssh-tool not built"
[ -f /etc/pam.d/sshd ] || skip "no PAM configuration for sshd"
SSHD_USEPAM=yes SSHD_PASSWORD_AUTH=no sshd_start
empty_home
conn=(--port "$SSHD_PORT" --user "$SSHD_USER" --known-hosts "$SSHD_KNOWN_HOSTS")

out=$("$T" "${conn[@]}" --password-file "$SSHD_PASSWORD_FILE" 127.0.0.1 exec 'id -un' 2>"$TMPD/err")
cat "$TMPD/err"
[ "$out" = "$SSHD_USER" ]
assert_contains "$TMPD/err" "auth: keyboard-interactive"

echo wrong > "$TMPD/badpw"
chmod 600 "$TMPD/badpw"
rc=0
"$T" "${conn[@]}" --password-file "$TMPD/badpw" 127.0.0.1 exec true 2>"$TMPD/err" || rc=$?
cat "$TMPD/err"
[ $rc = 1 ]
assert_contains "$TMPD/err" "error: ssh-auth:"
assert_contains "$TMPD/err" "keyboard-interactive"

#!/bin/bash
# The SSH screen against a real private sshd (the key login libvirt's
# xen+ssh needs): fields pre-filled from --uri; "Generate key" makes an
# ed25519 key; "Install my key" asks about the unknown host key (SHA256
# fingerprint exactly as ssh-keygen prints it), then installs the key
# with the one-time password, which is masked, wiped and never logged;
# "Test login" then works without a password; the accepted key reaches
# the replay command, the password does not.
. "${top_srcdir:-..}/tests/functions.sh"
. "$top_srcdir/tests/tui-lib.sh"
set -e -x
requires tmux ssh-keygen
sshd_start
tmpdir
tui_env C.UTF-8
unset SSH_AUTH_SOCK
kh=$TMPD/known_hosts

# With a guest given, the wizard opens at the Summary; Esc goes back.
tui_open ssh 80 24 --uri="xen+ssh://$SSHD_USER@127.0.0.1:$SSHD_PORT/" \
    --known-hosts="$kh" --state-dir="$TMPD/state" --vm-name=guest1
tmux_wait " 7/9 "
for n in 6 5 4 3 2; do
    tmux_keys Escape
    tmux_wait " $n/9 "
done
tmux_wait "Xen host: 127.0.0.1"
tmux_wait "User: $SSHD_USER"
tmux_wait "Port: $SSHD_PORT"

# Fields: host, user, port, identity, legacy, password, then the
# buttons Generate, Install, Test.
tmux_wait 'No key pair yet: press "Generate key".'
tmux_keys Tab Tab Tab Tab Tab Tab Enter
tmux_wait "Key generated: $HOME/.ssh/id_ed25519.pub"
tmux_wait "Key: $HOME/.ssh/id_ed25519"
tmux_wait "ssh-agent: not running"
[ -f "$HOME/.ssh/id_ed25519" ] || fail "no key generated"

# The password, typed once: masked on screen.
tmux_keys BTab
tmux_keys -l "$SSHD_PASSWORD"
tmux_wait "Password (once): ****"
tmux_screen | grep -qF "$SSHD_PASSWORD" && fail "the password is shown"
tmux_keys Tab Tab Enter
# Unknown host: the fingerprint, and a choice.
tmux_wait "Unknown host key"
tmux_wait "$SSHD_HOSTKEY_FP"
tmux_keys y
tmux_wait "Type the password again"
# The field was wiped: type it again and install.
tmux_screen | grep -qF "Password (once): *" && fail "the password was kept"
tmux_keys BTab BTab
tmux_keys -l "$SSHD_PASSWORD"
tmux_keys Tab Tab Enter
tmux_wait "Key installed."
assert_contains "$SSHD_HOME/.ssh/authorized_keys" \
    "$(cut -d' ' -f2 "$HOME/.ssh/id_ed25519.pub")"
grep -qF "$SSHD_HOSTKEY_FP" <(ssh-keygen -lf "$kh") ||
    fail "the accepted host key is not in known_hosts"

# Key-only login now works.
tmux_keys Tab Enter
tmux_wait "Login works without a password (publickey)."

# On to the Summary: its command has the accepted key, never the
# password.  (The guests cannot be listed: no libvirt behind this sshd.)
# From "Test login", Tab Tab is the Next button.
tmux_keys Tab Tab Enter
tmux_wait " 3/9 "
tmux_keys Enter
tmux_wait " 4/9 "
tmux_wait "Guest name: guest1"
tmux_keys Enter
tmux_wait " 5/9 "
tmux_keys Enter
tmux_wait " 6/9 "
tmux_keys Enter
tmux_wait " 7/9 "
tmux_wait "--accept-host-key=$SSHD_HOSTKEY_FP"
tmux_screen | grep -qF "$SSHD_PASSWORD" && fail "the password is shown"
tui_quit
if grep -rqF "$SSHD_PASSWORD" "$TMPD/cache" "$TMPD/state" "$HOME" \
       2>/dev/null; then
    fail "the password was written to a file"
fi

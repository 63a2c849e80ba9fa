#!/bin/bash
# The SSH screen against a real private sshd (the key login libvirt's
# xen+ssh needs): fields pre-filled from --uri; "Generate key" makes an
# ed25519 key; "Install my key" asks about the unknown host key (SHA256
# fingerprint exactly as ssh-keygen prints it), then installs the key
# with the one-time password, which is masked, wiped and never logged;
# "Test login" then works without a password; the accepted key reaches
# the replay command, the password does not, and leaves it when the URI
# names another host.  A changed host key shows
# its error and ssh-keygen -R remedy whole in a dialog.
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

# Another URI (another host): the key accepted for 127.0.0.1 leaves the
# replay command, and the SSH screen shows the new URI's host, user and
# port (issue 13, item 3).
for n in 6 5 4 3; do
    tmux_keys Escape
    tmux_wait " $n/9 "
done
tmux_keys C-u
tmux_keys -l "xen+ssh://admin@127.0.0.2:2222/"
tmux_keys Escape
tmux_wait " 2/9 "
tmux_wait "Xen host: 127.0.0.2"
tmux_wait "User: admin"
tmux_wait "Port: 2222"
for n in 3 4 5 6 7; do
    tmux_keys Enter
    tmux_wait " $n/9 "
done
tmux_wait "xen+ssh://admin@127.0.0.2:2222/"
! tmux_screen | grep -qF -- "--accept-host-key" ||
    fail "the replay keeps the old host's key"
tui_quit
if grep -rqF "$SSHD_PASSWORD" "$TMPD/cache" "$TMPD/state" "$HOME" \
       2>/dev/null; then
    fail "the password was written to a file"
fi

# A changed host key: the error and its remedy (ssh-keygen -R) are in a
# dialog that wraps, not only in the one-line status bar (issue 13,
# item 2).
ssh-keygen -q -t ed25519 -N '' -f "$TMPD/other" </dev/null
kh2=$TMPD/known_hosts_changed
echo "[127.0.0.1]:$SSHD_PORT $(cut -d' ' -f1,2 "$TMPD/other.pub")" > "$kh2"
tui_open changed 80 24 --uri="xen+ssh://$SSHD_USER@127.0.0.1:$SSHD_PORT/" \
    --known-hosts="$kh2" --state-dir="$TMPD/state2"
tmux_wait " 1/9 "
tmux_keys Enter
tmux_wait " 2/9 "
# host, user, port, identity, legacy, password, Generate, Install, Test.
tmux_keys Tab Tab Tab Tab Tab Tab Tab Tab Enter
tmux_wait " Host key problem "
tmux_wait "[ OK ]"
tmux_screen > "$TMPD/changed.txt"
cat "$TMPD/changed.txt"
# The remedy is shown whole, wrapped inside the dialog's box.
sed -n 's/^[^│]*│ \(.*[^ ]\) *│$/\1/p' "$TMPD/changed.txt" | tr '\n' ' ' |
    grep -qF "ssh-keygen -R '[127.0.0.1]:$SSHD_PORT' -f $kh2 before" ||
    fail "the ssh-keygen -R remedy is not shown whole"
tmux_keys Enter
tui_wait_gone " Host key problem "
tmux_screen | grep -qF " 2/9 " || fail "OK left the SSH screen"
tui_quit

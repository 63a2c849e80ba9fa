#!/bin/bash
# The wizard's URI screen in xl mode: an ssh://USER@HOST URI (a Xen host
# without libvirtd) lists the guests the stand-in xl (tests/xl-host/xl)
# shows running plus the configuration file given, with the SSH screen's
# key login; the plan then says --mode=xl.
. "${top_srcdir:-..}/tests/functions.sh"
. "$top_srcdir/tests/tui-lib.sh"
set -e -x
requires tmux setpriv
tmpdir
XLBIN=$(mktemp -d "${TMPDIR:-/tmp}/x2k-xlbin.XXXXXX")
cleanup_fn rm -rf "$XLBIN"
XL_STATE=$XLBIN/state
mkdir -p "$XL_STATE/running"
cp "$top_srcdir/tests/xl-host/xl" "$XLBIN/xl"
chmod 755 "$XLBIN" "$XLBIN/xl"
sshd_start "SetEnv PATH=$XLBIN:/usr/bin:/bin XL_STATE=$XL_STATE"
tui_env C.UTF-8
unset SSH_AUTH_SOCK
cp "$top_srcdir/tests/data/xl/xen-tools-pygrub.cfg" "$SSHD_HOME/web1.cfg"
chown "$SSHD_USER:" "$SSHD_HOME/web1.cfg"
setpriv --reuid="$SSHD_USER" --regid="$(id -g "$SSHD_USER")" --clear-groups \
    sleep 600 &
pid=$!
cleanup_fn kill "$pid"
echo "3 512 1 $pid" > "$XL_STATE/running/running-one"
chown -R "$SSHD_USER:" "$XL_STATE"

# With a guest given, the wizard opens at the Summary: the plan is xl
# mode; Esc goes back to the URI screen.
tui_open xl 80 24 --uri="ssh://$SSHD_USER@127.0.0.1:$SSHD_PORT" \
    --known-hosts="$SSHD_KNOWN_HOSTS" --identity="$SSHD_KEY" \
    --xl-config="$SSHD_HOME/web1.cfg" --state-dir="$TMPD/state" \
    --vm-name=web1 --mode=xl
tmux_wait " 7/9 "
tmux_wait "mode: xl"
for n in 6 5 4 3; do
    tmux_keys Escape
    tmux_wait " $n/9 "
done
tmux_wait "A Xen host without libvirtd"
# Tab to "Test (list --all)" and press it.
tmux_keys Tab Enter
tmux_wait "The URI works: 2 guests."
tmux_wait "running-one"
tmux_wait "web1"
tmux_screen > "$TMPD/screen"
grep -E '^ +3 +running-one +idle' "$TMPD/screen"
grep -E '^ +- +web1 +shut off' "$TMPD/screen"
grep -qx "xl list" "$XL_STATE/log"
tmux_keys F10

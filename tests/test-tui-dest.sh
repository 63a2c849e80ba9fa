#!/bin/bash
# The wizard's Summary runs the destination checks of preflight too
# (issue 12 item 1), read-only, as --check does: a file in the demo pool
# that this migration did not make fails dest-exists there, with its
# remedy, and Start is disabled before anything is copied; the file is
# untouched.  With the file gone, the same Summary passes.
. "${top_srcdir:-..}/tests/functions.sh"
. "$top_srcdir/tests/tui-lib.sh"
set -e -x
requires tmux virsh
tmpdir
tui_env C.UTF-8

# A first visit makes the demo's images and pool (the Summary passes);
# then a foreign file where the copy goes.
tui_open first 80 24 --demo --vm-name=demo-pv --state-dir="$TMPD/state"
tmux_wait " 7/9 "
tui_wait_gone '[.][.][.]( |[)]|$)'
tui_quit
pool=$TMPD/cache/xen2kvm-tui/demo/pool
[ -d "$pool" ] || fail "no demo pool at $pool"
echo "someone else's file" > "$pool/demo-pv-vda.raw"
sum=$(md5sum < "$pool/demo-pv-vda.raw")

tui_open dest 80 24 --demo --vm-name=demo-pv --state-dir="$TMPD/state"
tmux_wait " 7/9 "
tui_wait_gone '[.][.][.]( |[)]|$)'
tmux_wait "Start is disabled"
# The failed check is in the pane (scroll through it).
tmux_keys Tab Tab Home
: > "$TMPD/pane"
for i in 1 2 3 4 5 6; do
    tmux_screen >> "$TMPD/pane"
    tmux_keys NPage
    sleep 0.1
done
tr '\n' ' ' < "$TMPD/pane" | tr -s ' ' | grep -q "\[FAIL\] .*already exists" ||
    { cat "$TMPD/pane"; fail "no failed dest-exists check on the Summary"; }
# Start stays shut: Enter on it explains, no run starts.
tmux_keys Escape
tmux_wait " 6/9 "
tmux_keys Enter
tmux_wait " 7/9 "
tui_wait_gone '[.][.][.]( |[)]|$)'
tmux_wait "Start is disabled"
[ "$(md5sum < "$pool/demo-pv-vda.raw")" = "$sum" ] || fail "the file was touched"
[ ! -d "$TMPD/state/runs" ] || [ -z "$(ls "$TMPD/state/runs")" ] ||
    fail "the Summary made a run directory"
tui_quit

# Gone: the Summary passes.
rm -f "$pool/demo-pv-vda.raw"
tui_open dest2 80 24 --demo --vm-name=demo-pv --state-dir="$TMPD/state"
tmux_wait " 7/9 "
tui_wait_gone '[.][.][.]( |[)]|$)'
sleep 0.5
! tmux_screen | grep -q "Start is disabled" || fail "Start is still disabled"
tui_quit

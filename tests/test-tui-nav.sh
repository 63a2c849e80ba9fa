#!/bin/bash
# Form screens have explicit Back / Next buttons, as nmtui and dialog do
# (issue 13, item 1), walked in --demo with real tmux: each button acts
# once (one screen back or forward per Enter), Space presses them too,
# and Next runs the screen's own checks as Enter does.  The guest list's
# columns are checked here too.  The buttons'
# place on every screen is in the goldens of test-tui-wizard.sh.
. "${top_srcdir:-..}/tests/functions.sh"
. "$top_srcdir/tests/tui-lib.sh"
set -e -x
requires tmux virsh
tmpdir

tui_env C.UTF-8
tui_open nav 80 24 --demo --state-dir="$TMPD/state"
tmux_wait " 1/9 "
tmux_keys Enter
tmux_wait " 2/9 "
tmux_wait "[ < Back ]  [ Next > ]"
# The demo's SSH screen: Next has the focus; Back is one Tab away.
tmux_keys Tab Enter
tmux_wait " 1/9 "
tmux_keys Enter
tmux_wait " 2/9 "
tmux_keys Enter
tmux_wait " 3/9 "
# URI (the demo's field is fixed): Test, Show XML, Back.  Space on
# Back goes back once.
tmux_keys Tab Tab Space
tmux_wait " 2/9 "
sleep 0.3
tmux_screen | grep -qF " 2/9 " || fail "Back acted more than once"
tmux_keys Enter
tmux_wait " 3/9 "
# Back gave the focus to Next: Enter goes on.
tmux_keys Enter
tmux_wait " 4/9 "
tmux_wait "demo-pv"
# Guest list (issue 13, item 4): what an admin chooses by, in columns
# (state, PV/HVM, vCPUs, memory, disks and their size); Domain-0, the
# Xen host itself, is not listed.  Next takes the selected guest.
tmux_wait "Disks, size"
! tmux_screen | grep -q "Domain-0" || fail "Domain-0 is listed"
tmux_screen | grep -Eq "^  . demo-hvm +shut off +HVM +2 +1[.]0 GiB +1, 1[.]0 GiB$" ||
    fail "demo-hvm's row is wrong"
tmux_screen | grep -Eq "^  . demo-block +shut off +PV +1 +512[.]0 MiB +2, 768[.]0 MiB$" ||
    fail "demo-block's row is wrong"
tmux_keys d e m o - p v
tmux_keys BTab Enter
tmux_wait " 5/9 "
# Disks: Back returns to the guest list, whose Next (still focused)
# goes on again with the same guest.
tmux_keys Tab Enter
tmux_wait " 4/9 "
tmux_keys Enter
tmux_wait " 5/9 "
tmux_keys Enter
tmux_wait " 6/9 "
# Target: Shift-Tab from the first field is Next.
tmux_keys BTab Enter
tmux_wait " 7/9 "
tui_wait_gone '[.][.][.]( |[)]|$)'
# Summary: Back (after Start) goes to the target, and nothing runs.
tmux_wait "[ < Back ]"
tmux_keys Tab Enter
tmux_wait " 6/9 "
! grep -q "wizard: run started" "$TMPD/cache/xen2kvm-tui/wizard.log" ||
    fail "Back on the Summary started a run"
tui_quit

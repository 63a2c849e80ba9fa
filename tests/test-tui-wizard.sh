#!/bin/bash
# The whole wizard walked in --demo with real tmux, at 80x24 and
# 120x40, in C.UTF-8 and zh_CN.UTF-8: every screen is reached and
# compared with its golden capture in tests/data/tui/ (GENERATE=1
# rewrites them).  Waits key on the "N/9" step in the title bar, which
# every language shows.
. "${top_srcdir:-..}/tests/functions.sh"
. "$top_srcdir/tests/tui-lib.sh"
set -e -x
requires tmux virsh
tmpdir

walk()
{
    local loc=$1 w=$2 h=$3 tag busy ok
    tag=$(echo "$loc" | sed 's/\..*//')-${w}x$h
    tui_env "$loc"
    # "Working..." markers and the dialog's OK button, per language.
    case "$loc" in
    zh_CN*) busy="……"; ok="[ 确定 ]" ;;
    *) busy='[.][.][.]( |[)]|$)'; ok="[ OK ]" ;;
    esac
    tui_open "walk-$tag" "$w" "$h" --demo --state-dir="$TMPD/state-$tag"
    tmux_wait " 1/9 "
    tui_golden "welcome-$tag"
    tmux_keys Enter
    tmux_wait " 2/9 "
    tui_golden "ssh-$tag"
    tmux_keys Enter
    tmux_wait " 3/9 "
    tui_golden "uri-$tag"
    # Enter runs the test (list --all); then Enter goes on.
    tmux_keys Enter
    tmux_wait "demo-running"
    tui_golden "uri-list-$tag"
    tmux_keys Enter
    tmux_wait " 4/9 "
    tui_wait_gone "$busy"
    tui_golden "vm-$tag"
    # The guest: typing filters the list (or fills the name when the
    # guests cannot be listed).
    tmux_keys d e m o - p v
    tmux_keys Enter
    tmux_wait " 5/9 "
    tui_wait_gone "$busy"
    tui_golden "disks-$tag"
    tmux_keys Enter
    tmux_wait " 6/9 "
    tui_wait_gone "$busy"
    tui_golden "target-$tag"
    tmux_keys Enter
    tmux_wait " 7/9 "
    tui_wait_gone "$busy"
    tui_golden "summary-$tag"
    tmux_keys Enter
    tmux_wait " 8/9 "
    # The run ends in a dialog (an engine not in this build) or with
    # the finished line; either way the log names the first stage.
    i=0
    until tmux_screen | grep -qF "$ok" ||
          [ "$(tmux_screen | grep -o 'x]' | wc -l)" -ge 8 ]; do
        [ $i -lt 300 ] || fail "the run never ended"
        sleep 0.1
        i=$((i + 1))
    done
    tui_golden "run-$tag"
    if tmux_screen | grep -qF "$ok"; then
        tmux_keys Enter
    fi
    tmux_keys Enter
    tmux_wait " 9/9 "
    tui_golden "done-$tag"
    tmux_keys Enter
    rc=$(tui_wait_exit)
    [ "$rc" = 0 ] || [ "$rc" = 1 ] || fail "exit status $rc"
    tmux -L "$X2K_TMUX_SOCK" kill-server
}

walk C.UTF-8 80 24
walk C.UTF-8 120 40
requires_locale zh_CN.UTF-8
walk zh_CN.UTF-8 80 24
walk zh_CN.UTF-8 120 40

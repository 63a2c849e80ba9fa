#!/bin/bash
# The terminal is always restored: q, Ctrl-C, SIGTERM, a fatal signal;
# too small a terminal gets a clear message.  Real tmux.
. "${top_srcdir:-..}/tests/functions.sh"
set -e -x
requires tmux
tmpdir
export LANGUAGE=C LC_ALL=C.UTF-8 TERM=xterm-256color
export XDG_CACHE_HOME="$TMPD/cache"

# Run the program in a shell that records its exit status and the tty
# modes afterwards.
run_case()
{
    local name=$1
    # A fresh server per case: reusing a socket races with kill-server.
    X2K_TMUX_SOCK="x2k-$$-$name"
    tmux_start 80 24 "sh -c 'trap : INT; \"$X2K\"; echo rc=\$? > \"$TMPD/$name.rc\"; stty -a > \"$TMPD/$name.stty\"; sleep 30'"
    tmux_wait "xen2kvm-tui"
}

check_restored()
{
    local name=$1 want=$2 i=0
    while [ ! -s "$TMPD/$name.stty" ] && [ $i -lt 100 ]; do
        sleep 0.1; i=$((i + 1))
    done
    assert_contains "$TMPD/$name.rc" "rc=$want"
    # Canonical mode and echo are back on; the alternate screen is gone.
    grep -qE '(^| )icanon( |$)' "$TMPD/$name.stty" || fail "$name: icanon off"
    grep -qE '(^| )echo( |$)' "$TMPD/$name.stty" || fail "$name: echo off"
    [ "$(tmux_get '#{alternate_on}')" = 0 ] || fail "$name: alternate screen"
    tmux -L "$X2K_TMUX_SOCK" kill-server
}

# q asks first; n keeps the wizard, y quits.
run_case quit
tmux_keys q
tmux_wait "Quit xen2kvm-tui?"
tmux_keys n
tmux_wait "Press Enter to begin"
tmux_keys q
tmux_wait "Quit xen2kvm-tui?"
tmux_keys y
check_restored quit 0

run_case sigint
tmux_keys C-c
check_restored sigint 4

run_case sigterm
pkill -TERM -f "^$X2K\$" || pkill -TERM -x xen2kvm-tui
check_restored sigterm 143

run_case segv
pkill -SEGV -f "^$X2K\$" || pkill -SEGV -x xen2kvm-tui
check_restored segv 139

# Below 80x24: a clear message, and a re-layout when it grows again.
X2K_TMUX_SOCK="x2k-$$-small"
tmux_start 60 20 "\"$X2K\""
tmux_wait "enlarge the terminal"
tmux_resize 80 24
tmux_wait " xen2kvm-tui " 5
tmux_keys F10
tmux_wait "Quit xen2kvm-tui?"
tmux_keys y

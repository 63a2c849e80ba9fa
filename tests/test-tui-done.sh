#!/bin/bash
# The Done screen sets no traps (issue 13, item 1), walked in --demo
# with real tmux: after a real run of demo-pv, Done shows its text in a
# pane and two buttons, "New migration" and "Quit" (golden captures at
# 80x24 and 120x40 in C.UTF-8 and zh_CN.UTF-8).  Esc on Done asks to
# quit and never starts a second run (the log says "run started" once);
# "New migration" asks first, "No" stays, "Yes" goes to the guest list
# without running anything; "Quit" leaves with the run's status.  The
# Run screen's log wraps, and L shows all of it.
. "${top_srcdir:-..}/tests/functions.sh"
. "$top_srcdir/tests/tui-lib.sh"
set -e -x
requires tmux virsh
tmpdir

# Start at the Summary of demo-pv, run it, wait for the Done screen.
run_to_done()
{
    local tag=$1 w=$2 h=$3 i=0
    # Each run a first one: the data-safety rules refuse to replace the
    # copy an earlier run finished (dest-exists).
    rm -f "$TMPD/cache/xen2kvm-tui/demo/pool/demo-pv-vda.raw"
    tui_open "$tag" "$w" "$h" --demo --vm-name=demo-pv \
        --state-dir="$TMPD/state-$tag"
    tmux_wait " 7/9 " 20
    tui_wait_gone '[.][.][.]( |[)]|$)|……'
    tmux_keys Enter
    tmux_wait " 8/9 "
    until [ "$(tmux_screen | grep -oE '\[(x|-)\]' | wc -l)" -ge 9 ]; do
        [ $i -lt 600 ] || { tmux_screen >&2; fail "the run never ended"; }
        sleep 0.1
        i=$((i + 1))
    done
    [ -n "${LOG_CHECK:-}" ] && log_check
    tmux_keys Enter
    tmux_wait " 9/9 "
}

# The finished Run screen's log wraps (the copy's long line is there
# whole) and L opens the whole log in a dialog that scrolls (item 2).
log_check()
{
    tmux_keys L
    tmux_wait " The run's log "
    # The copy's long line, whole somewhere in the viewer's pages.
    tmux_keys Home
    : > "$TMPD/wholelog"
    for i in 1 2 3 4 5 6 7 8; do
        tmux_screen | sed -n '/│/{s/│//g; s/^ *//; s/ *$//; p}' >> "$TMPD/wholelog"
        tmux_keys NPage
        sleep 0.1
    done
    tr -d '\n' < "$TMPD/wholelog" | grep -qF "demo/pool/demo-pv-vda.raw" ||
        { cat "$TMPD/wholelog"; fail "the log's copy line is cut off"; }
    tmux_keys End
    tmux_wait "Write the report"
    tmux_keys Enter
    tui_wait_gone " The run's log "
    tmux_screen | grep -qF " 8/9 " || fail "closing the log left the screen"
}

runs_started()
{
    grep -c "wizard: run started" "$TMPD/cache/xen2kvm-tui/wizard.log"
}

for loc in C.UTF-8 zh_CN.UTF-8; do
    [ "$loc" = C.UTF-8 ] || requires_locale "$loc"
    for size in 80x24 120x40; do
        tag=${loc%%.*}-$size
        tui_env "$loc"
        rm -f "$TMPD/cache/xen2kvm-tui/wizard.log"
        run_to_done "done-$tag" "${size%x*}" "${size#*x}"
        tui_golden "done-buttons-$tag"
        [ "$(runs_started)" = 1 ] || fail "not one run started"
        if [ "$tag" != C-80x24 ]; then
            tmux_keys Enter
            rc=$(tui_wait_exit)
            [ "$rc" = 0 ] || fail "exit status $rc"
            tmux -L "$X2K_TMUX_SOCK" kill-server
            continue
        fi
        tmux_screen | grep -qF "[ New migration ]" ||
            fail "no New migration button"
        tmux_screen | grep -qF "[ Quit ]" || fail "no Quit button"
        # The text is scrollable and says so; the replay command is at
        # its end (End shows it).
        tmux_wait "PgUp/PgDn scroll"
        tmux_keys End
        tmux_wait "Replay command:"
        tmux_screen | grep -qF -- "--vm-name=demo-pv" ||
            fail "the replay command is not visible after End"
        # Esc asks to quit; No stays on Done; no new run.
        tmux_keys Escape
        tmux_wait "Quit xen2kvm-tui?"
        tmux_keys n
        tui_wait_gone "Quit xen2kvm-tui[?]"
        tmux_screen | grep -qF " 9/9 " || fail "Esc left the Done screen"
        sleep 0.5
        [ "$(runs_started)" = 1 ] || fail "Esc on Done started a new run"
        # New migration asks; No stays.
        tmux_keys Left Enter
        tmux_wait "Start over with another guest"
        tmux_keys n
        tui_wait_gone "Start over with another guest"
        tmux_screen | grep -qF " 9/9 " || fail "No left the Done screen"
        # Yes goes to the guest list, and nothing runs.
        tmux_keys Enter
        tmux_wait "Start over with another guest"
        tmux_keys y
        tmux_wait " 4/9 "
        [ "$(runs_started)" = 1 ] || fail "New migration started a run"
        tui_quit
        # Quit on Done leaves with the run's status (0).
        LOG_CHECK=yes run_to_done "done-quit" 80 24
        [ "$(runs_started)" = 2 ] || fail "not two runs started"
        tmux_keys Right Enter
        rc=$(tui_wait_exit)
        [ "$rc" = 0 ] || fail "exit status $rc after Quit"
        tmux -L "$X2K_TMUX_SOCK" kill-server
    done
done

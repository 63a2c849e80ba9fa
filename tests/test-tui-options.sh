#!/bin/bash
# Batch choices reachable from the wizard (issue 13, item 3, in part):
# on the Target screen, besides output, pool or directory, format,
# allocation and verify, the guest fixes on/off, start after define, a
# new UUID and the number of parallel copies; each reaches the plan and
# so the replay command on the Summary, and back off again.  With a
# failed check, the Summary's Start is disabled and says why; its
# choices are listed in sections (Source, Disks, Target, ...).
. "${top_srcdir:-..}/tests/functions.sh"
. "$top_srcdir/tests/tui-lib.sh"
set -e -x
requires tmux virsh
tmpdir
tui_env C.UTF-8

# The replay command on the Summary, its lines joined.
replay()
{
    tmux_screen | sed -n '/^  Replay command/,/^$/p' | sed 's/^  //' |
        tr '\n' ' '
}

tui_open opts 80 24 --demo --vm-name=demo-pv --state-dir="$TMPD/state" \
    --vcpus=2
tmux_wait " 7/9 "
replay | grep -q -- "--no-guest-fixes" || fail "the demo fixes no guest"
# The choices in sections (item 6): Tab Tab is the pane; End shows the
# last ones, the Hardware and Options sections.
tui_wait_gone '[.][.][.]( |[)]|$)'
tmux_keys Tab Tab End
tmux_wait "[Options]"
tmux_screen > "$TMPD/sections.txt"
cat "$TMPD/sections.txt"
for want in "[Hardware]" "    vcpus: 2" "    engine: builtin"; do
    grep -qF -- "$want" "$TMPD/sections.txt" || fail "no '$want'"
done
i=0
until tmux_screen | grep -qF "    vm-name: demo-pv"; do
    [ $i -lt 6 ] || fail "no vm-name in the Source section"
    tmux_keys PPage
    sleep 0.2
    tmux_screen >> "$TMPD/sections.txt"
    i=$((i + 1))
done
grep -qF "[Target]" "$TMPD/sections.txt" || fail "no [Target] section"
# Its title is a line or two above.
tmux_keys Up Up Up
sleep 0.2
tmux_screen | grep -qF "[Source]" || fail "no [Source] section"
! tmux_screen | grep -q ": -$" || fail "unset choices are listed"
tmux_keys Escape
tmux_wait " 6/9 "
tmux_wait "Parallel copies: < 1 >"
tmux_wait "[ ] Fix the guest OS   [ ] Start after define   [ ] New UUID"
# output, URI, pool, NIC kind, network, format, allocation, name,
# engine, verify: ten Tabs to the parallel copies.
tmux_keys Tab Tab Tab Tab Tab Tab Tab Tab Tab Tab Right
tmux_wait "Parallel copies: < 2 >"
tmux_keys Tab Space Tab Space Tab Space
tmux_wait "[x] Fix the guest OS   [x] Start after define   [x] New UUID"
tmux_keys Enter
tmux_wait " 7/9 "
tui_wait_gone '[.][.][.]( |[)]|$)'
cmd=$(replay)
echo "$cmd"
for opt in --parallel=2 --start --new-uuid --vcpus=2; do
    case " $cmd " in *" $opt "*) ;; *) fail "no $opt in the replay" ;; esac
done
case "$cmd" in *--no-guest-fixes*) fail "the fixes are still off" ;; esac
# And off again.
tmux_keys Escape
tmux_wait " 6/9 "
# The focus is still on "New UUID": three Shift-Tabs to the copies.
tmux_keys BTab BTab BTab Left Tab Space Tab Space Tab Space
tmux_wait "Parallel copies: < 1 >"
tmux_wait "[ ] Fix the guest OS   [ ] Start after define   [ ] New UUID"
tmux_keys Enter
tmux_wait " 7/9 "
tui_wait_gone '[.][.][.]( |[)]|$)'
cmd=$(replay)
echo "$cmd"
case "$cmd" in *--start*|*--new-uuid*|*--parallel=*)
    fail "an option stayed in the replay" ;; esac
case "$cmd" in *--no-guest-fixes*) ;; *) fail "the fixes are not off" ;; esac
tui_quit

# A failed check (demo-running runs): Start is dimmed with the reason
# (issue 13, item 6), and Enter on it explains instead of starting.
tui_open failed 80 24 --demo --vm-name=demo-running \
    --state-dir="$TMPD/state"
tmux_wait " 7/9 "
tmux_wait "[FAIL] The guest 'demo-running' is running."
tmux_wait "Start is disabled: a preflight check FAILed (see above)."
tmux_keys Enter
tmux_wait " Cannot start "
tmux_keys Enter
tui_wait_gone " Cannot start "
tmux_screen | grep -qF " 7/9 " || fail "Enter on a disabled Start went on"
! grep -q "wizard: run started" "$TMPD/cache/xen2kvm-tui/wizard.log" ||
    fail "a run started despite the failed check"
tui_quit

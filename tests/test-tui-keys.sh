#!/bin/bash
# The wizard's keys and behaviour, with real tmux on the demo host:
# F1 (and ?) shows the current screen's help; Esc goes back and keeps
# every value; the Summary's command is saved mode 0600 and replays the
# same plan in batch mode; options pre-fill the wizard and, when
# complete, open the Summary; passwords are masked and never logged;
# a resize below 80x24 asks to enlarge and re-lays out exactly as
# before; q asks before quitting; a running guest gets a guided
# shutdown; TERM=xterm, xterm-256color, screen, tmux and linux all
# work, with and without NO_COLOR.
. "${top_srcdir:-..}/tests/functions.sh"
. "$top_srcdir/tests/tui-lib.sh"
set -e -x
requires tmux virsh
tmpdir
tui_env C.UTF-8

# F1 on every screen up to Target shows that screen's help; ? too.
tui_open help 80 24 --demo --state-dir="$TMPD/state"
step=1
for title in "Welcome" "SSH setup" "libvirt URI test" "Choose the guest" \
             "Disks" "Target"; do
    tmux_wait " $step/9 "
    tmux_keys F1
    tmux_wait "Help: $title"
    [ $step = 1 ] && tui_golden help-welcome-C-80x24
    tmux_keys Escape
    tui_wait_gone "Help: "
    if [ $step = 1 ]; then
        tmux_keys "?"
        tmux_wait "Help: Welcome"
        tmux_keys Enter
        tui_wait_gone "Help: "
    fi
    if [ $step = 3 ]; then
        tmux_keys Enter
        tmux_wait "demo-running"
    fi
    [ $step = 4 ] && { tmux_wait "demo-pv"; tmux_keys d e m o - p v; }
    tmux_keys Enter
    step=$((step + 1))
done
tmux_wait " 7/9 "
tmux_keys F1
tmux_wait "Help: Summary"
tmux_keys Escape
tui_wait_gone "Help: "
tmux_keys Enter
tmux_wait " 8/9 "
# The demo migration runs to its end (no failure dialog).
tmux_wait "Finished. Press Enter." 60
tmux_keys F1
tmux_wait "Help: Conversion"
tmux_keys Escape
tui_wait_gone "Help: "
tmux_keys Enter
tmux_wait " 9/9 "
tmux_keys F1
tmux_wait "Help: Done"
tmux_keys Escape
tui_wait_gone "Help: "
tui_quit

# Esc keeps values: change the target, go back two screens and forward
# again, then check the fields and the replay command.
tui_open back 80 24 --demo --state-dir="$TMPD/state" --vm-name=demo-hvm
tmux_wait " 7/9 "
tmux_keys Escape
tmux_wait " 6/9 "
# demo-hvm has NICs on a bridge and on a network: one field each.
tmux_wait "NICs on xenbr0:"
tmux_wait "NICs on default:"
# Output, URI, pool, NIC kind, name, the two NIC fields: Tab to "Disk
# format", space.
tmux_keys Tab Tab Tab Tab Tab Tab Tab Space
tmux_wait "< qcow2 >"
tmux_keys Tab Tab
tmux_keys n e w - h v m
tmux_wait "New name: new-hvm"
# The NIC on network "default" goes to bridge br1.
tmux_keys BTab BTab BTab
tmux_keys b r 1
tmux_wait "NICs on default: br1"
tmux_keys Escape
tmux_wait " 5/9 "
tmux_keys Escape
tmux_wait " 4/9 "
tmux_keys Enter
tmux_wait " 5/9 "
tmux_keys Enter
tmux_wait " 6/9 "
tmux_wait "< qcow2 >"
tmux_wait "New name: new-hvm"
tmux_wait "NICs on default: br1"
tmux_keys Enter
tmux_wait " 7/9 "
tmux_wait "--bridge=default:br1"
tmux_wait "--format=qcow2"
tmux_wait "--new-name=new-hvm"
tmux_wait "--vm-name=demo-hvm"

# Save the command (mode 0600) and replay it in batch mode: the plan
# is the wizard's.  The focus starts on "Start"; the field is two
# fields back.
tmux_keys BTab BTab
tmux_keys C-u
tmux_keys "$TMPD/replay.sh"
tmux_keys Enter
tmux_wait "(mode 0600)"
tui_quit
[ "$(stat -c %a "$TMPD/replay.sh")" = 600 ] || fail "replay.sh is not 0600"
assert_contains "$TMPD/replay.sh" "xen2kvm-tui --batch"
cmd=$(tail -n 1 "$TMPD/replay.sh" | sed "s|^xen2kvm-tui |$(printf '%q' "$X2K") |")
eval "$cmd --dump-plan" > "$TMPD/plan.txt"
assert_contains "$TMPD/plan.txt" "vm-name: demo-hvm"
assert_contains "$TMPD/plan.txt" "format: qcow2"
assert_contains "$TMPD/plan.txt" "new-name: new-hvm"
assert_contains "$TMPD/plan.txt" "demo: yes"
assert_contains "$TMPD/plan.txt" "default:br1"

# Pre-filled from options: the SSH fields come from --uri.  The
# password is masked on screen and never reaches the log.
tui_open ssh 80 24 --uri=xen+ssh://admin@xen.example.com:2222/ \
    --state-dir="$TMPD/state"
tmux_wait " 1/9 "
tmux_keys Enter
tmux_wait " 2/9 "
tmux_wait "Xen host: xen.example.com"
tmux_wait "User: admin"
tmux_wait "Port: 2222"
tmux_keys Tab Tab Tab Tab Tab
tmux_keys S3cr3tPw
tmux_wait "Password (once): ********"
tmux_screen | grep -qF S3cr3tPw && fail "the password is shown"
tui_quit
if grep -rqF S3cr3tPw "$TMPD/cache" "$TMPD/state" 2>/dev/null; then
    fail "the password was written to a file"
fi

# Resize on the Run screen: below 80x24 a message, then the same
# screen as before.  (The demo guest's copy of the first run goes
# first: a run never replaces a copy it did not make.)
rm -f "$TMPD/cache/xen2kvm-tui/demo/pool/demo-pv-vda.raw"
tui_open resize 80 24 --demo --vm-name=demo-pv --state-dir="$TMPD/state"
tmux_wait " 7/9 "
tmux_keys Enter
tmux_wait " 8/9 "
# The demo migration runs to its end (no failure dialog).
tmux_wait "Finished. Press Enter." 60
tmux_screen > "$TMPD/before"
tmux_resize 70 20
tmux_wait "enlarge the terminal"
tmux_resize 80 24
tmux_wait " 8/9 "
sleep 0.2
tmux_screen > "$TMPD/after"
diff -u "$TMPD/before" "$TMPD/after" || fail "the Run screen changed"
# q asks first; n keeps the wizard.
tmux_keys q
tmux_wait "Quit xen2kvm-tui?"
tmux_keys n
tui_wait_gone "Quit xen2kvm-tui[?]"
tmux_wait " 8/9 "
tui_quit

# A running guest: Enter offers the guided shutdown; after it the row
# says "shut off" and the guest can be chosen.
tui_open shutdown 80 24 --demo --state-dir="$TMPD/state" \
    --shutdown-timeout=10
tmux_wait " 1/9 "
tmux_keys Enter
tmux_wait " 2/9 "
tmux_keys Enter
tmux_wait " 3/9 "
tmux_keys Enter
tmux_wait "demo-running"
tmux_keys Enter
tmux_wait " 4/9 "
tmux_keys d e m o - r
tmux_wait "(filter: demo-r)"
tmux_keys Enter
tmux_wait "Shut it down now"
tmux_keys y
tmux_wait "The guest is shut off."
tmux_screen | grep -E "demo-running +shut off" || fail "still running"
tmux_keys Enter
tmux_wait " 5/9 "
tui_quit

# Terminal types and monochrome.
for term in xterm xterm-256color screen tmux linux; do
    for nc in "" 1; do
        TUI_TERM=$term NO_COLOR=$nc tui_open "term-$term-$nc" 80 24 --demo
        tmux_wait " 1/9 "
        tmux_wait "DEMO"
        # tmux sends its own function-key sequences whatever TERM the
        # program has: use the keys that need none.
        tmux_keys "?"
        tmux_wait "Help: Welcome"
        tmux_keys Enter
        tui_wait_gone "Help: "
        tmux_keys q
        tmux_wait "Quit xen2kvm-tui?"
        tmux_keys y
        [ "$(tui_wait_exit)" = 0 ] || fail "TERM=$term: bad exit"
        tmux -L "$X2K_TMUX_SOCK" kill-server
    done
done

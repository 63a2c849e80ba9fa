#!/bin/bash
# The wizard's boot check (real tmux, a real private libvirtd, the tiny
# guest of tests/tiny-guest.sh), in C.UTF-8 and zh_CN.UTF-8 at 80x24:
# the Summary's box "Start it and check that it boots" puts
# --boot-check into the replay command; during the run the console
# lines show live in the Run screen's log while the stage "Check that
# it boots" runs; the Done screen says the boot check passed, with the
# boot time, and leaves out "virsh start" (the domain runs).  Goldens:
# summary-boot-*-80x24 and done-boot-*-80x24.
. "${top_srcdir:-..}/tests/functions.sh"
. "$top_srcdir/tests/tui-lib.sh"
. "$top_srcdir/tests/tiny-guest.sh"
set -e -x
requires tmux virsh
T0=$(date +%s)
tmpdir
chmod 755 "$TMPD"
tiny_guest_build
tiny_libvirtd
tiny_xen_host tiny
# The wizard, too, runs in the daemon's mount namespace.
cat > "$TMPD/x2k-ns" <<SH
#!/bin/sh
exec nsenter -t $(cat "$LIBVIRTD_DIR/libvirtd.pid") -m -- $X2K "\$@"
SH
chmod +x "$TMPD/x2k-ns"
X2K=$TMPD/x2k-ns

# tui_golden, with the private daemon's directory and the boot time
# made constant.
boot_golden()
{
    local name=$1 want="$GOLDEN_DIR/$1.txt" got="$TMPD/$1.got"
    local prev="" cur i=0
    while [ $i -lt 30 ]; do
        cur=$(tui_capture | sed -E -e 's/x2k-libvirtd[.][A-Za-z0-9]{6}/@LIBVIRTD@/g' \
                  -e 's/[0-9]+[.][0-9] (seconds|秒)/@SECS@ \1/')
        [ "$cur" = "$prev" ] && break
        prev=$cur
        sleep 0.05
        i=$((i + 1))
    done
    printf '%s\n' "$cur" > "$got"
    if [ -n "${GENERATE:-}" ]; then
        cp "$got" "$want"
        return 0
    fi
    diff -u "$want" "$got" >&2 || fail "screen differs from $want"
}

# Wait until the pane matches the extended regexp RE.
wait_re()
{
    local re=$1 secs=${2:-10} i=0
    while [ $i -lt $((secs * 10)) ]; do
        tmux_screen | grep -qE -- "$re" && return 0
        sleep 0.1
        i=$((i + 1))
    done
    tmux_screen >&2
    fail "screen never matched '$re'"
}

for loc in C zh_CN; do
    tui_env $loc.UTF-8
    case $loc in
    C) console="console: " stage="Check that it boots"
       passed="Boot check passed: the new domain runs and showed its prompt."
       btime="Boot time: " finished="Finished. Press Enter." ;;
    *) console="控制台：" stage="检查能否启动"
       passed="启动检查通过" btime="启动时间：" finished="已完成。请按 Enter。" ;;
    esac
    tui_open boot-$loc 80 24 --uri "test://$TMPD/xen.xml" --vm-name tiny \
        --new-name "tiny-$loc" --target-uri "$LIBVIRTD_URI" --pool x2k-boot \
        --network xenbr0:user --no-guest-fixes --state-dir "$TMPD/st-$loc"
    tmux_wait " 7/9 " 30
    tui_wait_gone '[.][.][.]( |[)]|$)' 30
    tmux_screen | grep -qE -- '^  \[ \] .*--boot-check' ||
        fail "the boot check box is missing or on by default"
    tmux_screen | grep -q -- "--no-guest-fixes --boot-check" &&
        fail "--boot-check in the command by default"
    # From "Start the conversion" back to the box, then Space.
    tmux_keys BTab BTab BTab
    tmux_keys Space
    wait_re "^  \[x\] .*--boot-check" 5
    tmux_wait "--no-guest-fixes --boot-check" 5
    boot_golden summary-boot-$loc-80x24
    tmux_keys Tab Tab Tab Enter
    # Live: a console line while the stage still runs, on one screen.
    i=0
    until tmux_screen > "$TMPD/live" &&
          grep -q "\[>\] $stage" "$TMPD/live" &&
          grep -q "^  $console" "$TMPD/live"; do
        [ $i -lt 1200 ] || { cat "$TMPD/live"; fail "no live console"; }
        sleep 0.05
        i=$((i + 1))
    done
    cat "$TMPD/live"
    tmux_wait "${console}x2k-tiny login:" 120
    tmux_wait "[x] $stage" 30
    tmux_wait "$finished" 30
    tmux_keys Enter
    tmux_wait "$passed" 10
    wait_re "$btime[0-9]+[.][0-9]" 5
    tmux_screen | grep -q "start tiny" && fail "Done says virsh start"
    boot_golden done-boot-$loc-80x24
    [ "$(virsh -c "$LIBVIRTD_URI" domstate "tiny-$loc")" = running ]
    virsh -c "$LIBVIRTD_URI" destroy "tiny-$loc"
    tmux_keys Enter
    rc=$(tui_wait_exit)
    [ "$rc" = 0 ] || fail "the wizard exited with $rc"
    tmux -L "$X2K_TMUX_SOCK" kill-server || true
done
echo "test-tui-boot: $(($(date +%s) - T0)) s"

#!/bin/bash
# The Run screen while the demo's copy really runs (real tmux, one
# private server per case): keys are answered during the copy (F1 opens
# the help within a bounded time), a resize in the middle re-lays the
# screen out with nothing left of the old size, and Esc + Yes cancels:
# the partial copy and its journal stay, the Done screen says it is
# resumable, and the exported command, run in batch, completes it with
# the pool's copy byte-identical to the source image.  While the copy
# is verified, the screen says so.
. "${top_srcdir:-..}/tests/functions.sh"
. "$top_srcdir/tests/tui-lib.sh"
set -e -x
requires tmux virsh cmp
tmpdir

POOL=$TMPD/cache/xen2kvm-tui/demo/pool
IMG=$TMPD/cache/xen2kvm-tui/demo/images/demo-hvm.img

# Start the wizard at the Summary of the demo's HVM guest (1 GiB, the
# longest copy) and start the run; return when its bar is under 100 %.
start_copy()
{
    local name=$1 w=$2 h=$3 i=0
    rm -f "$POOL"/demo-hvm-*
    tui_open "$name" "$w" "$h" --demo --vm-name=demo-hvm \
        --state-dir="$TMPD/state-$name"
    tmux_wait " 7/9 " 20
    tui_wait_gone '[.][.][.]( |[)]|$)'
    tmux_keys Enter
    until tmux_screen | grep -qE '^  vda +\[.*[^0-9]([0-9]|[1-9][0-9])%'; do
        [ $i -lt 300 ] || { tmux_screen >&2; fail "no copy seen"; }
        sleep 0.05
        i=$((i + 1))
    done
}

# Milliseconds since the epoch.
now_ms()
{
    date +%s%3N
}

tui_env C.UTF-8

# --- F1 during the copy, then a resize in the middle of it. ---
start_copy keys 80 24
t0=$(now_ms)
tmux_keys F1
tmux_wait "The disks are copied with live progress" 5
t1=$(now_ms)
echo "help opened in $((t1 - t0)) ms during the copy"
[ $((t1 - t0)) -lt 1500 ] || fail "F1 took $((t1 - t0)) ms during the copy"
tmux_screen | grep -q "\[>\] Copy disks" || fail "the copy was over already"
tmux_keys Escape
tui_wait_gone "The disks are copied with live progress"

tmux_resize 120 40
sleep 0.3
tmux_screen > "$TMPD/resized.txt"
cat "$TMPD/resized.txt"
# Still copying, laid out for 120x40: the title bar spans the width
# (DEMO at its right end), the key bar is on the last line only, and
# the 80-column bars are gone.
grep -q "\[>\] Copy disks" "$TMPD/resized.txt" ||
    fail "the copy was over before the resize"
title=$(sed -n 1p "$TMPD/resized.txt")
[ "${title%DEMO}" != "$title" ] && [ ${#title} -gt 110 ] ||
    fail "the title bar was not re-laid out"
[ "$(wc -l < "$TMPD/resized.txt")" -eq 40 ] || fail "not 40 lines"
sed -n 40p "$TMPD/resized.txt" | grep -q "^F1/? Help" ||
    fail "no key bar on the last line"
[ "$(grep -c '^F1/? Help' "$TMPD/resized.txt")" -eq 1 ] ||
    fail "an old key bar is left on the screen"
grep -E '^  vda +\[' "$TMPD/resized.txt" |
    awk '{ if (length($0) < 100) exit 1 }' ||
    fail "the disk's bar did not widen"
# And back to 80x24 while it still runs (or just finished).
tmux_resize 80 24
sleep 0.3
tmux_screen > "$TMPD/back.txt"
title=$(sed -n 1p "$TMPD/back.txt")
[ "${title%DEMO}" != "$title" ] && [ ${#title} -le 80 ] ||
    fail "the title bar was not re-laid out at 80x24"
[ "$(wc -l < "$TMPD/back.txt")" -eq 24 ] || fail "not 24 lines"
[ "$(grep -c '^F1/? Help' "$TMPD/back.txt")" -eq 1 ] ||
    fail "the key bar is not where it belongs"
# The run finishes normally; the verification of the copy (the demo
# plan has --verify) is announced while it runs.
i=0 verifying=
until [ "$(tmux_screen | grep -oE '\[(x|-)\]' | wc -l)" -ge 8 ]; do
    [ $i -lt 600 ] || { tmux_screen >&2; fail "the run never ended"; }
    if tmux_screen | grep -q "Verifying the copies (checksums)"; then
        verifying=yes
    fi
    sleep 0.1
    i=$((i + 1))
done
[ -n "$verifying" ] || fail "the verification was never shown"
cmp "$POOL/demo-hvm-vda.raw" "$IMG"
tmux -L "$X2K_TMUX_SOCK" kill-server

# --- Esc during the copy cancels after asking; the re-run resumes. ---
# In C.UTF-8 and zh_CN.UTF-8 (the screens, mid-copy and after the
# cancel, fit 80 columns there too).
cancel_case()
{
    local loc=$1 tag asked stopped cancelled resumable rundir rc
    tag=cancel-${loc%%.*}
    tui_env "$loc"
    case "$loc" in
    zh_CN*) asked="取消转换？"; stopped="已停止。按 Enter 查看结果。"
            cancelled="转换已取消"; resumable="可续传" ;;
    *) asked="Cancel the conversion?"; stopped="Stopped. Press Enter"
       cancelled="The conversion was cancelled"; resumable="resumable" ;;
    esac
    start_copy "$tag" 80 24
    tmux_screen > "$TMPD/$tag-copying.txt"
    tmux_keys Escape
    tmux_wait "$asked" 5
    tmux_keys y
    tmux_wait "$stopped" 20
    tmux_screen | grep -q "\[!\]" || fail "the copy stage did not stop"
    tmux_keys Enter
    tmux_wait " 9/9 " 5
    tmux_screen > "$TMPD/$tag-done.txt"
    cat "$TMPD/$tag-copying.txt" "$TMPD/$tag-done.txt"
    grep -q "$cancelled" "$TMPD/$tag-done.txt"
    grep -q "$resumable" "$TMPD/$tag-done.txt"
    grep -qF "$POOL/demo-hvm-vda.raw" "$TMPD/$tag-done.txt"
    for f in "$TMPD/$tag-copying.txt" "$TMPD/$tag-done.txt"; do
        [ "$(wc -l < "$f")" -eq 24 ] || fail "$f: not 24 lines"
        [ "$(wc -L < "$f")" -le 80 ] || fail "$f: wider than 80 columns"
    done
    tmux_keys Enter
    rc=$(tui_wait_exit)
    [ "$rc" = 4 ] || fail "a cancelled run exited with $rc, not 4"
    tmux -L "$X2K_TMUX_SOCK" kill-server
    # The partial copy and its journal are kept.
    [ -f "$POOL/demo-hvm-vda.raw.x2k-journal" ] || fail "no resume journal"
    ! cmp -s "$POOL/demo-hvm-vda.raw" "$IMG" || fail "the copy was complete"
    rundir=$(ls -d "$TMPD/state-$tag"/runs/*-demo-hvm | tail -1)
    [ -f "$rundir/replay.sh" ] || fail "the cancelled run left no replay.sh"
    # The exported command completes it: resumed, byte-identical.
    PATH=$(dirname "$X2K"):$PATH sh "$rundir/replay.sh" \
        > "$TMPD/$tag-resume.out" 2>&1 ||
        { cat "$TMPD/$tag-resume.out" >&2; fail "the resumed run failed"; }
    cat "$TMPD/$tag-resume.out"
    grep -Eq "resuming at byte [1-9]|already done" "$TMPD/$tag-resume.out" ||
        fail "the re-run did not resume"
    grep -q "defined on test://$TMPD/cache/" "$TMPD/$tag-resume.out"
    cmp "$POOL/demo-hvm-vda.raw" "$IMG"
    [ ! -e "$POOL/demo-hvm-vda.raw.x2k-journal" ] || fail "journal left"
}

cancel_case C.UTF-8
requires_locale zh_CN.UTF-8
cancel_case zh_CN.UTF-8

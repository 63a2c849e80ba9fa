#!/bin/bash
# The program run from its build tree needs no environment (issue 13,
# item 9): without X2K_DEMO_DIR and X2K_LOCALEDIR, build/tui/xen2kvm-tui
# finds the demo in the source tree and the translations built next to
# it (tui/locale): --help in zh_CN.UTF-8 is Chinese, the batch --check
# of the demo opens the demo host, and the wizard in tmux walks to the
# demo's guest list in Chinese.  A copy of the program outside the
# build tree does not look there (the check is made at run time).
. "${top_srcdir:-..}/tests/functions.sh"
. "$top_srcdir/tests/tui-lib.sh"
set -e -x
requires tmux
requires_locale zh_CN.UTF-8
tmpdir
srcdir_real=$(realpath "$top_srcdir")

tui_env zh_CN.UTF-8
unset X2K_DEMO_DIR X2K_LOCALEDIR

"$X2K" --help > "$TMPD/help.txt"
grep -q "^用法" "$TMPD/help.txt" || fail "--help is not in Chinese"

rc=0
"$X2K" --demo --batch --vm-name=demo-pv --check > "$TMPD/check.txt" \
    2>&1 || rc=$?
cat "$TMPD/check.txt"
grep -E "^libvirt-uri +通过 .*$srcdir_real/tui/demo/xenhost.xml" \
    "$TMPD/check.txt" || fail "the demo host was not found"
grep -E "^vm-exists +通过" "$TMPD/check.txt" || fail "no demo-pv"

# The wizard: Chinese and the demo host's guests, with no environment.
tui_open build 80 24 --demo --state-dir="$TMPD/state"
tmux_wait " 1/9 "
tmux_wait "欢迎"
tmux_keys Enter
tmux_wait " 2/9 "
tmux_keys Enter
tmux_wait " 3/9 "
tmux_keys Enter
tmux_wait "demo-running"
tmux_keys Enter
tmux_wait " 4/9 "
tmux_wait "demo-pv"
tmux_keys F10
tmux_wait "退出 xen2kvm-tui？"
tmux_keys y
rc=$(tui_wait_exit)
[ "$rc" = 0 ] || fail "the wizard exited with $rc"
tmux -L "$X2K_TMUX_SOCK" kill-server

# A copy elsewhere is not in the build tree: it neither speaks the
# build tree's translations nor opens the source tree's demo.
mkdir -p "$TMPD/bin"
cp "$X2K" "$TMPD/bin/xen2kvm-tui"
LC_ALL=C.UTF-8 LANG=C.UTF-8 LANGUAGE=C "$TMPD/bin/xen2kvm-tui" --help |
    grep -q "^Usage" || fail "the copy's --help is not English"
"$TMPD/bin/xen2kvm-tui" --demo --batch --vm-name=demo-pv --check \
    > "$TMPD/copy.txt" 2>&1 || true
cat "$TMPD/copy.txt"
! grep -qF "$srcdir_real/tui/demo" "$TMPD/copy.txt" ||
    fail "the copy used the build tree's demo"

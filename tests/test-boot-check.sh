#!/bin/bash
# The boot check against a real private libvirtd (qemu driver, TCG): a
# tiny PV guest of the libvirt test driver's Xen host (the host's
# kernel, an initramfs holding only tests/data/boot/tiny-init.c built
# statically, one NIC on xenbr0, no disk) is migrated to the daemon with
# --boot-check and --network xenbr0:user:
#  1. it boots: the console lines arrive as "console:" lines without
#     escape sequences or control characters, the result has the boot
#     time, the domain runs, its NIC is <interface type='user'> and the
#     network preflight check accepted that without any bridge;
#  2. a regex that never appears and --boot-timeout=8: exit 1 after
#     about 8 s, the error (JSON) names the timeout and shows the last
#     console lines and what to try, the result line says failed;
#  3. a guest that powers off before its prompt: the console closes,
#     exit 1 with its last lines, long before the timeout;
#  4. SIGTERM while the boot check waits: it stops within seconds, exit
#     143, the cancellation said.
. "${top_srcdir:-..}/tests/functions.sh"
set -e -x
. "$top_srcdir/tests/tiny-guest.sh"
T0=$(date +%s)
tmpdir
chmod 755 "$TMPD"
export LC_ALL=C.UTF-8 LANGUAGE=
tiny_guest_build
tiny_libvirtd
echo "libvirtd up after $(($(date +%s) - T0)) s"
V() { virsh -c "$LIBVIRTD_URI" "$@"; }
tiny_xen_host tiny tiny-crash:x2k.crash
base=(--batch --uri "test://$TMPD/xen.xml" --target-uri "$LIBVIRTD_URI"
      --pool x2k-boot --network xenbr0:user --no-guest-fixes
      --state-dir "$TMPD/state")

# --- 1. It boots ------------------------------------------------------
t=$(date +%s)
rc=0
x2k_ns "${base[@]}" --vm-name tiny --boot-check --boot-timeout 120 \
    > "$TMPD/ok" 2> "$TMPD/ok.err" || rc=$?
cat "$TMPD/ok" "$TMPD/ok.err"
[ "$rc" = 0 ] || fail "boot check: exit $rc"
echo "migration with boot check: $(($(date +%s) - t)) s"
assert_contains "$TMPD/ok" "==> Check that it boots"
assert_contains "$TMPD/ok" "    console: X2K-TINY init started"
# The escape sequences went whole, the bell too.
assert_contains "$TMPD/ok" "    console: X2K-TINY colour and bell"
assert_contains "$TMPD/ok" "    console: x2k-tiny login: "
grep -q "$(printf '\033')" "$TMPD/ok" && fail "an escape reached the output"
grep -q "$(printf '\a')" "$TMPD/ok" && fail "a bell reached the output"
grep -E "^Boot check passed: 'tiny' booted in [0-9]+\.[0-9] seconds\.$" \
    "$TMPD/ok"
[ "$(V domstate tiny)" = running ]
V dumpxml tiny > "$TMPD/tiny.xml"
grep -q "<interface type='user'>" "$TMPD/tiny.xml" ||
    fail "the NIC is not user-mode"
grep -q "<source bridge" "$TMPD/tiny.xml" && fail "a bridge is left"
rd=$(sed -n 's/^The report and the log are in \(.*\)\.$/\1/p' "$TMPD/ok")
assert_contains "$rd/report.txt" "[boot check]"
grep -E "^passed after [0-9.]+ s, waiting for /login: \*\\$/$" \
    "$rd/report.txt"
assert_contains "$rd/report.txt" "prompt: x2k-tiny login:"
grep -E "^boot-check +[0-9.]+ s$" "$rd/report.txt"
assert_contains "$rd/log" "stage boot-check end"
assert_contains "$rd/log" "console X2K-TINY init started"
assert_contains "$rd/replay.sh" "--network=xenbr0:user"
assert_contains "$rd/replay.sh" "--boot-check --boot-timeout=120"
# The preflight accepted user-mode networking without any bridge.
x2k_ns "${base[@]}" --vm-name tiny --new-name tiny2 --check > "$TMPD/check" \
    2>&1 || { cat "$TMPD/check"; fail "--check failed"; }
grep -E "^network +ok +The NIC 00:16:3e:1a:2b:01 gets user-mode" "$TMPD/check"

V destroy tiny          # less load for what follows

# --- 2. The regex never appears ---------------------------------------
t=$(date +%s)
rc=0
x2k_ns "${base[@]}" --vm-name tiny --new-name tiny-neg \
    --boot-check='^never here$' --boot-timeout=8 --machine-readable \
    > "$TMPD/neg" 2> "$TMPD/neg.err" || rc=$?
el=$(($(date +%s) - t))
cat "$TMPD/neg" "$TMPD/neg.err"
[ "$rc" = 1 ] || fail "regex never seen: exit $rc, expected 1"
[ "$el" -lt 60 ] || fail "an 8 s boot timeout took $el s"
grep -q '^{"type":"stage","stage":"boot-check","state":"end","status":-1' \
    "$TMPD/neg"
grep -q '^{"type":"result",.*"defined":true,"started":true,"boot_check":"failed","boot_seconds":8\.' \
    "$TMPD/neg"
tail -1 "$TMPD/neg" > "$TMPD/neg.last"
assert_contains "$TMPD/neg.last" '{"type":"error","code":"timeout"'
assert_contains "$TMPD/neg.last" "did not print /^never here$/ on its serial console within 8 seconds"
# The message ends its list with the last console line seen (on a
# loaded machine the kernel may not have printed yet: then it says so).
last=$(sed -n 's/^{"type":"console","line":"\(.*\)"}$/\1/p' "$TMPD/neg" |
       grep -v '^$' | tail -1) || true
if [ -n "$last" ]; then
    assert_contains "$TMPD/neg.last" "$last.  The domain keeps running"
else
    assert_contains "$TMPD/neg.last" "Its last console lines: (nothing)."
fi
assert_contains "$TMPD/neg.last" "virsh console tiny-neg"
assert_contains "$TMPD/neg.last" "--boot-timeout"
[ "$(V domstate tiny-neg)" = running ]

# --- 3. The guest stops before its prompt -----------------------------
t=$(date +%s)
rc=0
x2k_ns "${base[@]}" --vm-name tiny-crash --boot-check --boot-timeout=100 \
    > "$TMPD/crash" 2> "$TMPD/crash.err" || rc=$?
el=$(($(date +%s) - t))
cat "$TMPD/crash" "$TMPD/crash.err"
[ "$rc" = 1 ] || fail "guest off before its prompt: exit $rc, expected 1"
[ "$el" -lt 90 ] || fail "the closed console was noticed after $el s"
assert_contains "$TMPD/crash" "    console: X2K-TINY crashing on purpose"
assert_contains "$TMPD/crash.err" "The serial console of 'tiny-crash' closed"
assert_contains "$TMPD/crash.err" "X2K-TINY crashing on purpose | "

# --- 4. SIGTERM while it waits ------------------------------------------
# exec: $! is the tool itself (nsenter execs it), not a subshell.
(exec nsenter -t "$(cat "$LIBVIRTD_DIR/libvirtd.pid")" -m -- "$X2K" \
    "${base[@]}" --vm-name tiny --new-name tiny-term \
    --boot-check='^never here$' --boot-timeout=300 > "$TMPD/term" \
    2> "$TMPD/term.err") &
pid=$!
i=0
until grep -q "^    console: " "$TMPD/term"; do
    [ $i -lt 1200 ] || { cat "$TMPD/term"; fail "no console line"; }
    sleep 0.05
    i=$((i + 1))
done
t=$(date +%s)
kill -TERM $pid
rc=0
wait $pid || rc=$?
el=$(($(date +%s) - t))
cat "$TMPD/term" "$TMPD/term.err"
[ "$rc" = 143 ] || fail "SIGTERM during the boot check: exit $rc, expected 143"
[ "$el" -le 5 ] || fail "the boot check took $el s to stop"
assert_contains "$TMPD/term.err" "The boot check of 'tiny-term' was cancelled; the domain keeps running."

# Nothing was written to this machine's libvirt directories.
[ ! -e /var/lib/libvirt/boot/tiny-vmlinuz ]
[ -s "$LIBVIRTD_DIR/lib/boot/tiny-vmlinuz" ]
echo "test-boot-check: $(($(date +%s) - T0)) s"

#!/bin/bash
# Text from the Xen host or from its XML reaches no terminal with its
# control characters: a fake Xen host (test driver + a real loopback
# sshd) with a guest whose name holds a C1 CSI (U+009B) and a
# right-to-left override (U+202E), and whose streamer fails with an
# error full of escape sequences (an sshd ForceCommand).  Batch text
# output carries neither (the text around them stays), JSON escapes them
# (the data is kept), and the wizard shows the name and the error clean.
. "${top_srcdir:-..}/tests/functions.sh"
. "$top_srcdir/tests/tui-lib.sh"
set -e -x
requires tmux python3 truncate
tmpdir
chmod 755 "$TMPD"
cat > "$TMPD/force" <<'SH'
#!/bin/sh
case "$SSH_ORIGINAL_COMMAND" in
*x2k-streamer*)
    printf '\033]0;owned\007\033[2J\033[31mremote says no\302\233\342\200\256!\n' >&2
    exit 2 ;;
esac
exec /bin/sh -c "$SSH_ORIGINAL_COMMAND"
SH
chmod 755 "$TMPD/force"
xen_host_start "ForceCommand $TMPD/force"
EVIL=$(printf 'evil\302\23331m\342\200\256name')
truncate -s 4M "$XEN/images/evil.img"
xen_host_xml -e '\|^</node>|d'
cat >> "$TMPD/xenhost.xml" <<XML
  <domain type='xen'>
    <name>$EVIL</name>
    <memory unit='KiB'>262144</memory>
    <vcpu>1</vcpu>
    <os><type arch='x86_64'>linux</type></os>
    <devices>
      <disk type='file' device='disk'>
        <source file='$XEN/images/evil.img'/>
        <target dev='xvda' bus='xen'/>
      </disk>
    </devices>
    <test:runstate>5</test:runstate>
  </domain>
</node>
XML
chown -R "$SSHD_USER:" "$XEN"
kvm_host_xml
run=(--batch --uri "test://$TMPD/xenhost.xml" "${XEN_SSH[@]}"
     --target-uri "test://$TMPD/kvmhost.xml" --state-dir "$TMPD/state"
     --no-guest-fixes --vm-name "$EVIL")

# FILE holds no control character a terminal would act on (the shell's
# own trace lines, "+ ...", left out).
no_controls()
{
    python3 - "$1" <<'PY'
import sys
lines = open(sys.argv[1], "rb").read().decode("utf-8", "replace").split("\n")
text = "\n".join(l for l in lines if not l.startswith("+"))
bad = [i for i, c in enumerate(text) if (ord(c) < 0x20 and c != "\n") or
       0x7f <= ord(c) <= 0x9f or 0x202a <= ord(c) <= 0x202e or
       0x2066 <= ord(c) <= 0x2069]
assert not bad, "%s: %r" % (sys.argv[1], text[max(bad[0] - 60, 0):bad[0] + 20])
PY
}

x2k_expect 1 "$TMPD/text" "${run[@]}"
no_controls "$TMPD/text"
no_controls "$TMPD/text.err"
assert_contains "$TMPD/text" "guest evil31mname: PV"
assert_contains "$TMPD/text.err" "]0;owned[2J[31mremote says no!"

x2k_expect 1 "$TMPD/json" "${run[@]}" --machine-readable
no_controls "$TMPD/json"
assert_contains "$TMPD/json" 'evil\u009b31m\u202ename'
assert_contains "$TMPD/json" '\u001b[31mremote says no'
python3 - "$TMPD/json" <<'PY'
import json, sys
msgs = [json.loads(l).get("message", "") for l in open(sys.argv[1])]
assert any("\x1b[31mremote says no" in m for m in msgs), msgs
PY

# The wizard: from the Summary (every option given), the run fails with
# the host's error in a dialog; name and error are drawn clean (curses
# would draw a control as ^[ or ~[).
tui_env C.UTF-8
tui_open printable 200 50 "${run[@]:1}" --bridge br0
tmux_wait " 7/9 " 20
tui_wait_gone '[.][.][.]( |[)]|$)' 20
tmux_keys Enter
tmux_wait "The conversion failed" 60
tmux_screen > "$TMPD/wizard.txt"
cat "$TMPD/wizard.txt"
assert_contains "$TMPD/wizard.txt" "remote says no"
assert_not_contains "$TMPD/wizard.txt" "^["
assert_not_contains "$TMPD/wizard.txt" "~["
tmux_keys Enter
tmux_wait "evil31mname" 10
tmux_screen > "$TMPD/wizard2.txt"
assert_not_contains "$TMPD/wizard2.txt" "~["

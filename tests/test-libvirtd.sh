#!/bin/bash
# Against a real private libvirtd (qemu driver, TCG) and a real sshd:
#  1. key setup as a fresh local user (no key, empty known_hosts), then
#     libvirt's own ssh transport (the `ssh` binary) opens the remote
#     connection with no prompt, no terminal and no agent; list --all
#     and dumpxml through it equal the local connection's; a host key
#     missing from known_hosts and a missing key fail fast; with $HOME
#     not the account's home the key setup's URI names the key
#     (?keyfile=) and works; a host key only in a --known-hosts file
#     makes the preflight warn before libvirt-uri fails;
#  2. the guided shutdown of a guest that ignores ACPI: the timeout is
#     reported with progress and a clear message, the guest keeps
#     running without --force-off and is powered off with it;
#  3. an inactive target pool fails the preflight 'pool' check with its
#     remedy.
. "${top_srcdir:-..}/tests/functions.sh"
set -e -x
requires qemu-system-x86_64 runuser setsid timeout nc
T0=$(date +%s)
sshd_start
libvirtd_start
tmpdir
chmod 755 "$TMPD"
unset SSH_AUTH_SOCK
export LC_ALL=C.UTF-8 LANGUAGE=
SRCTOOL=$top_builddir/tests/source-tool
SSHTOOL=$top_builddir/tests/ssh-tool
V() { virsh -c "$LIBVIRTD_URI" "$@"; }
echo "libvirtd up after $(($(date +%s) - T0)) s"

# Guests: one that never ran (shut off), one that ignores ACPI shutdown
# (no <acpi/> feature, no disk: SeaBIOS finds nothing to boot and
# waits).  Type qemu: TCG, whether or not KVM works here.
guest_xml()
{
    cat <<XML
<domain type='qemu'>
  <name>$1</name>
  <memory unit='MiB'>32</memory>
  <vcpu>1</vcpu>
  <os><type arch='x86_64' machine='pc'>hvm</type><boot dev='network'/></os>
  <on_poweroff>destroy</on_poweroff>
  <devices>
    <emulator>$(command -v qemu-system-x86_64)</emulator>
    <serial type='null'/>
    <memballoon model='none'/>
  </devices>
</domain>
XML
}
guest_xml x2k-off > "$TMPD/off.xml"
guest_xml x2k-noacpi > "$TMPD/noacpi.xml"
V define "$TMPD/off.xml"
V define "$TMPD/noacpi.xml"
mkdir -p "$TMPD/pool-live" "$TMPD/pool-idle"
V pool-define-as x2k-live dir --target "$TMPD/pool-live"
V pool-start x2k-live
V pool-define-as x2k-idle dir --target "$TMPD/pool-idle"

# --- 3. Inactive pool -------------------------------------------------
status_of()
{
    awk -v id="$2" '$1 == id { print $2; exit }' "$1"
}
check=(--batch --check --uri "$LIBVIRTD_URI" --vm-name x2k-off
       --target-uri "$LIBVIRTD_URI" --new-name x2k-new)
rc=0
x2k "${check[@]}" --pool x2k-live > "$TMPD/live" 2>&1 || rc=$?
cat "$TMPD/live"
[ "$(status_of "$TMPD/live" pool)" = ok ]
assert_contains "$TMPD/live" "The storage pool 'x2k-live' is active."
rc=0
x2k "${check[@]}" --pool x2k-idle > "$TMPD/idle" 2>&1 || rc=$?
cat "$TMPD/idle"
[ "$rc" = 3 ] || fail "inactive pool: exit $rc, expected 3"
[ "$(status_of "$TMPD/idle" pool)" = FAIL ]
assert_contains "$TMPD/idle" "The storage pool 'x2k-idle' exists but is not active."
assert_contains "$TMPD/idle" "virsh pool-start NAME"
[ "$(status_of "$TMPD/idle" space)" = skip ]
# The check never starts the pool.
V pool-info x2k-idle | grep -E '^State: +inactive'

# --- 2. Guided shutdown -----------------------------------------------
V start x2k-noacpi 2> "$TMPD/start.err" ||
    skip "QEMU cannot run a guest here: $(cat "$TMPD/start.err")"
[ "$(V domstate x2k-noacpi)" = running ]
# --check with --shutdown-source only warns; it shuts nothing down.
rc=0
x2k "${check[@]}" --vm-name x2k-noacpi --pool x2k-live --shutdown-source \
    > "$TMPD/warn" 2>&1 || rc=$?
cat "$TMPD/warn"
[ "$(status_of "$TMPD/warn" vm-shutoff)" = warn ]
[ "$(V domstate x2k-noacpi)" = running ]

# No --force-off: the timeout is an error, with progress every step.
t=$(date +%s)
rc=0
"$SRCTOOL" "$LIBVIRTD_URI" shutdown x2k-noacpi 3 2> "$TMPD/sd1" || rc=$?
cat "$TMPD/sd1"
[ "$rc" = 1 ] || fail "shutdown without --force-off: exit $rc"
el=$(($(date +%s) - t))
[ "$el" -ge 3 ] && [ "$el" -le 8 ] || fail "timeout took $el s"
assert_contains "$TMPD/sd1" "log: asking x2k-noacpi to shut down (timeout 3 s)"
assert_contains "$TMPD/sd1" "progress: 0/3 x2k-noacpi"
assert_contains "$TMPD/sd1" "progress: 2/3 x2k-noacpi"
assert_contains "$TMPD/sd1" "progress: 3/3 x2k-noacpi"
assert_contains "$TMPD/sd1" "error: timeout: The guest 'x2k-noacpi' did not shut down within 3 seconds."
assert_contains "$TMPD/sd1" "(--force-off)"
assert_not_contains "$TMPD/sd1" "Forcing"
# Not destroyed: still running, same QEMU.
[ "$(V domstate x2k-noacpi)" = running ]
[ "$("$SRCTOOL" "$LIBVIRTD_URI" state x2k-noacpi)" = running ]

# --force-off: powered off at the timeout.
rc=0
"$SRCTOOL" "$LIBVIRTD_URI" shutdown x2k-noacpi 2 force 2> "$TMPD/sd2" || rc=$?
cat "$TMPD/sd2"
[ "$rc" = 0 ] || fail "shutdown with --force-off: exit $rc"
assert_contains "$TMPD/sd2" "progress: 2/2 x2k-noacpi"
assert_contains "$TMPD/sd2" "warning: Forcing the guest 'x2k-noacpi' off after 2 seconds."
[ "$(V domstate x2k-noacpi)" = "shut off" ]
# A shut-off guest: nothing to do, at once.
"$SRCTOOL" "$LIBVIRTD_URI" shutdown x2k-noacpi 3 2> "$TMPD/sd3"
assert_not_contains "$TMPD/sd3" "progress:"

# --- 1. Key setup, then libvirt's ssh transport -----------------------
# A fresh local user: no key, no known_hosts, no agent, no terminal.
# The remote account accepts only its password for now.
CH=$TMPD/client
x2k_useradd "$CH"
CU=$X2K_USER
: > "$SSHD_HOME/.ssh/authorized_keys"
install -m 600 -o "$CU" "$SSHD_PASSWORD_FILE" "$CH/password"
# Run as the client user, detached from any terminal (setsid: no
# controlling tty), stdin from /dev/null, no SSH_AUTH_SOCK.
as_client()
{
    runuser -u "$CU" -- env -i HOME="${CLIENT_HOME:-$CH}" PATH="$PATH" \
        LC_ALL=C.UTF-8 \
        setsid -w timeout 60 "$@" < /dev/null
}
# What the product sees there: no terminal at all, no agent.
as_client sh -c 'if tty -s || (exec 3</dev/tty) 2>/dev/null; then exit 1; fi
                 [ -z "$SSH_AUTH_SOCK" ]' ||
    fail "the client still has a terminal or an agent"
as_client "$SSHTOOL" --port "$SSHD_PORT" --user "$SSHD_USER" \
    --password-file "$CH/password" --accept "$SSHD_HOSTKEY_FP" \
    127.0.0.1 setup-key '' > "$TMPD/ks" 2> "$TMPD/ks.err" ||
    { cat "$TMPD/ks.err"; fail "key setup failed"; }
cat "$TMPD/ks"
assert_contains "$TMPD/ks" "key $CH/.ssh/id_ed25519"
assert_contains "$TMPD/ks" "created 1"
assert_contains "$TMPD/ks" "installed 1"
assert_contains "$TMPD/ks" "default 1"
assert_contains "$TMPD/ks" "agent none"
assert_contains "$TMPD/ks" "uri xen+ssh://$SSHD_USER@127.0.0.1:$SSHD_PORT/"
[ "$(wc -l < "$SSHD_HOME/.ssh/authorized_keys")" = 1 ]
# The accepted host key is where OpenSSH's ssh looks for it.
[ -s "$CH/.ssh/known_hosts" ]
runuser -u "$CU" -- ssh-keygen -F "[127.0.0.1]:$SSHD_PORT" \
    -f "$CH/.ssh/known_hosts" | grep -q ssh-ed25519

# The URI the key setup built, with the test's driver and daemon: qemu
# instead of xen (no Xen here) and the private daemon's socket.  With
# socket= libvirt 9.0's default proxy mode runs nc on the remote side
# (virt-ssh-helper, proxy=native, only finds the default socket).  The
# product adds no_tty=1 itself (x2k_uri_noninteractive).
kuri=$(sed -n 's/^uri //p' "$TMPD/ks")
ruri="qemu${kuri#xen}system?socket=$LIBVIRTD_SOCK"
t=$(date +%s)
as_client "$SRCTOOL" "$ruri" list > "$TMPD/rlist" 2> "$TMPD/rlist.err" ||
    { cat "$TMPD/rlist.err"; fail "libvirt over ssh failed"; }
echo "remote list took $(($(date +%s) - t)) s"
"$SRCTOOL" "$LIBVIRTD_URI" list > "$TMPD/llist"
cat "$TMPD/rlist"
diff -u "$TMPD/llist" "$TMPD/rlist"
assert_contains "$TMPD/rlist" "x2k-off"
assert_contains "$TMPD/rlist" "x2k-noacpi"
as_client "$SRCTOOL" "$ruri" dumpxml x2k-off > "$TMPD/rxml"
"$SRCTOOL" "$LIBVIRTD_URI" dumpxml x2k-off > "$TMPD/lxml"
diff -u "$TMPD/lxml" "$TMPD/rxml"
assert_contains "$TMPD/rxml" "<name>x2k-off</name>"
# sshd saw a publickey login of the remote user.
grep -q "Accepted publickey for $SSHD_USER" "$SSHD_LOG"

# The whole preflight through the ssh URI, as that user.
rc=0
as_client "$X2K" --batch --check --uri "$ruri" --vm-name x2k-off \
    --target-uri "$LIBVIRTD_URI" --pool x2k-live --new-name x2k-new \
    > "$TMPD/rcheck" 2>&1 || rc=$?
cat "$TMPD/rcheck"
[ "$rc" = 0 ] || fail "preflight over ssh: exit $rc"
for id in ssh-reachable ssh-hostkey ssh-auth libvirt-uri vm-exists \
          vm-shutoff pool; do
    [ "$(status_of "$TMPD/rcheck" $id)" = ok ] || fail "$id not ok"
done
assert_contains "$TMPD/rcheck" "opens without a prompt"

# A host key missing from known_hosts: fails at once, no prompt.
mv "$CH/.ssh/known_hosts" "$CH/.ssh/known_hosts.saved"
t=$(date +%s)
rc=0
as_client "$SRCTOOL" "$ruri" list > /dev/null 2> "$TMPD/nokh" || rc=$?
el=$(($(date +%s) - t))
cat "$TMPD/nokh"
[ "$rc" = 1 ] || fail "unknown host key: exit $rc"
echo "unknown host key: failed after $el s"
[ "$el" -le 10 ] || fail "unknown host key took $el s"
assert_contains "$TMPD/nokh" "Host key verification failed"
[ ! -s "$CH/.ssh/known_hosts" ] || fail "ssh wrote known_hosts by itself"
mv "$CH/.ssh/known_hosts.saved" "$CH/.ssh/known_hosts"

# --known-hosts elsewhere: the tool trusts the host, OpenSSH does not.
# The ssh-hostkey check warns so, and libvirt-uri fails as it said.
mv "$CH/.ssh/known_hosts" "$CH/kh-elsewhere"
rc=0
as_client "$X2K" --batch --check --uri "$ruri" --vm-name x2k-off \
    --known-hosts "$CH/kh-elsewhere" --target-uri "$LIBVIRTD_URI" \
    --pool x2k-live --new-name x2k-new > "$TMPD/khcheck" 2>&1 || rc=$?
cat "$TMPD/khcheck"
[ "$rc" = 3 ] || fail "known_hosts elsewhere: exit $rc"
[ "$(status_of "$TMPD/khcheck" ssh-hostkey)" = warn ]
assert_contains "$TMPD/khcheck" "known to this tool, but not in $CH/.ssh/known_hosts"
[ "$(status_of "$TMPD/khcheck" libvirt-uri)" = FAIL ]
assert_contains "$TMPD/khcheck" "Host key verification failed"
mv "$CH/kh-elsewhere" "$CH/.ssh/known_hosts"

# No usable key (the pair moved away): fails at once, no password
# prompt.
mv "$CH/.ssh/id_ed25519" "$CH/.ssh/moved"
t=$(date +%s)
rc=0
as_client "$SRCTOOL" "$ruri" list > /dev/null 2> "$TMPD/nokey" || rc=$?
el=$(($(date +%s) - t))
cat "$TMPD/nokey"
[ "$rc" = 1 ] || fail "no key: exit $rc"
echo "no key: failed after $el s"
[ "$el" -le 10 ] || fail "no key took $el s"
assert_contains "$TMPD/nokey" "Permission denied"
# Named with ?keyfile=, a key that is not a default one works again.
rc=0
as_client "$SRCTOOL" "$ruri&keyfile=$CH/.ssh/moved" list > "$TMPD/kf" \
    2> "$TMPD/kf.err" || rc=$?
cat "$TMPD/kf" "$TMPD/kf.err"
[ "$rc" = 0 ] || fail "keyfile=: exit $rc"
diff -u "$TMPD/llist" "$TMPD/kf"

# $HOME is not the passwd entry's home (sudo -E, say): the key the tool
# creates in $HOME/.ssh is not one ssh (run by libvirt) finds alone, so
# the URI names it with ?keyfile=, and libvirt's ssh transport uses it.
mkdir -p "$CH/alt"
chown "$CU" "$CH/alt"
CLIENT_HOME=$CH/alt as_client "$SSHTOOL" --port "$SSHD_PORT" \
    --user "$SSHD_USER" --password-file "$CH/password" \
    --accept "$SSHD_HOSTKEY_FP" 127.0.0.1 setup-key '' > "$TMPD/ks2" \
    2> "$TMPD/ks2.err" || { cat "$TMPD/ks2.err"; fail "key setup 2 failed"; }
cat "$TMPD/ks2"
assert_contains "$TMPD/ks2" "key $CH/alt/.ssh/id_ed25519"
assert_contains "$TMPD/ks2" "created 1"
assert_contains "$TMPD/ks2" "installed 1"
assert_contains "$TMPD/ks2" "default 0"
assert_contains "$TMPD/ks2" "uri xen+ssh://$SSHD_USER@127.0.0.1:$SSHD_PORT/?keyfile=$CH/alt/.ssh/id_ed25519"
kuri=$(sed -n 's/^uri //p' "$TMPD/ks2")
base=${kuri%%\?*}
ruri2="qemu${base#xen}system?${kuri#*\?}&socket=$LIBVIRTD_SOCK"
rc=0
CLIENT_HOME=$CH/alt as_client "$SRCTOOL" "$ruri2" list > "$TMPD/alt" \
    2> "$TMPD/alt.err" || rc=$?
cat "$TMPD/alt" "$TMPD/alt.err"
[ "$rc" = 0 ] || fail "libvirt with the URI of key setup 2: exit $rc"
diff -u "$TMPD/llist" "$TMPD/alt"

echo "test-libvirtd: $(($(date +%s) - T0)) s"

#!/bin/bash
# --mode xl end to end against a fake Xen host without libvirtd: the
# tests' sshd with the stand-in tests/xl-host/xl (and xm) first on its
# user's PATH and fixture state in $XL_STATE.  An xl PV guest of
# xen-tools' kind with per-partition volumes on real loop devices
# (phy:,xvda2 and xvda1) runs as a real process: --shutdown-source
# stops it with `xl shutdown -w', then both volumes are copied
# byte-identical into a dir pool on a test-driver target.  An HVM guest
# with a file disk found through --xl-config, the same guest read with
# the xm toolstack (xl removed from the PATH), --print-source over SSH,
# and the guided shutdown's timeout and --force-off.
# Needs root and free loop devices: skipped (77) otherwise.
. "${top_srcdir:-..}/tests/functions.sh"
set -e -x
private_boot_dir
requires truncate cmp md5sum losetup setpriv
tmpdir
XLBIN=$(mktemp -d "${TMPDIR:-/tmp}/x2k-xlbin.XXXXXX")
cleanup_fn rm -rf "$XLBIN"
XL_STATE=$XLBIN/state
mkdir -p "$XL_STATE/running"
cp "$top_srcdir/tests/xl-host/xl" "$XLBIN/xl"
ln -s xl "$XLBIN/xm"
chmod 755 "$XLBIN" "$XLBIN/xl"
xen_host_start "SetEnv PATH=$XLBIN:/usr/bin:/bin XL_STATE=$XL_STATE"
chown -R "$SSHD_USER:" "$XL_STATE"
kvm_host_xml
URI="ssh://$SSHD_USER@127.0.0.1:$SSHD_PORT"
SSH=(--known-hosts "$SSHD_KNOWN_HOSTS" --identity "$SSHD_KEY")

# The stand-in answers as xl(1) does.
sshd_ssh xl list > "$TMPD/list"
head -1 "$TMPD/list" | grep -E '^Name +ID +Mem +VCPUs +State +Time\(s\)$'

# The PV guest's volumes: real loop devices owned by the sshd user.
truncate -s 6M "$TMPD/root.raw"
head -c 1048576 /dev/urandom | dd of="$TMPD/root.raw" conv=notrunc status=none
head -c 65536 /dev/urandom | dd of="$TMPD/root.raw" bs=64K seek=90 conv=notrunc status=none
truncate -s 2M "$TMPD/swap.raw"
head -c 4096 /dev/urandom | dd of="$TMPD/swap.raw" conv=notrunc status=none
rootdev=$(loop_attach "$TMPD/root.raw") || skip "no free loop device"
sshd_own_device "$rootdev"
swapdev=$(loop_attach "$TMPD/swap.raw") || skip "no free loop device"
sshd_own_device "$swapdev"
mkdir -p "$XEN/etc" "$XEN/boot"
echo kernel > "$XEN/boot/vmlinuz-6.1.0-18-amd64"
echo initrd > "$XEN/boot/initrd.img-6.1.0-18-amd64"
sed -e "s|/dev/vg0/deb12-pv-disk|$rootdev|" -e "s|/dev/vg0/deb12-pv-swap|$swapdev|" \
    -e "s|/boot/|$XEN/boot/|" \
    "$top_srcdir/tests/data/xl/xen-tools-pv.cfg" > "$XEN/etc/deb12-pv.cfg"
chown -R "$SSHD_USER:" "$XEN"

# The guest runs: a process of the sshd user that `xl shutdown' stops.
setpriv --reuid="$SSHD_USER" --regid="$(id -g "$SSHD_USER")" --clear-groups \
    sleep 600 &
guest=$!
cleanup_fn kill "$guest"
echo "7 512 2 $guest" > "$XL_STATE/running/deb12-pv"
chown "$SSHD_USER" "$XL_STATE/running/deb12-pv"
sshd_ssh xl list | grep -E '^deb12-pv +7 +512 +2 +-b----'

# Without --shutdown-source the preflight refuses a running guest.
x2k_expect 3 "$TMPD/pre" --batch --mode xl --uri "$URI" "${SSH[@]}" \
    --xl-config "$XEN/etc/deb12-pv.cfg" --vm-name deb12-pv \
    --target-uri "test://$TMPD/kvmhost.xml" --bridge br0 \
    --state-dir "$TMPD/state" --no-guest-fixes --check
assert_contains "$TMPD/pre" "vm-shutoff"
# The source check is the xl host's own, not libvirt's.
grep -E '^xl-host +ok +The Xen host ssh://.* answers with its toolstack over SSH' \
    "$TMPD/pre" || fail "no xl-host check"
assert_not_contains "$TMPD/pre" "libvirt-uri"

x2k_expect 0 "$TMPD/pv" --batch --mode xl --uri "$URI" "${SSH[@]}" \
    --xl-config "$XEN/etc/deb12-pv.cfg" --vm-name deb12-pv \
    --target-uri "test://$TMPD/kvmhost.xml" --bridge br0 \
    --state-dir "$TMPD/state" --no-guest-fixes --shutdown-source \
    --shutdown-timeout 30 --machine-readable
tail -1 "$TMPD/pv" | grep '"defined":true'
grep -qx "xl shutdown -w deb12-pv" "$XL_STATE/log"
! grep -q "xl destroy" "$XL_STATE/log"
# The guest's process really ended.
rc=0
wait "$guest" || rc=$?
[ "$rc" = 143 ] || fail "the guest ended with $rc, not by SIGTERM"
cmp "$TMPD/root.raw" "$POOL/deb12-pv-vda.raw"
cmp "$TMPD/swap.raw" "$POOL/deb12-pv-vdb.raw"
rd=$(tail -1 "$TMPD/pv" | sed -n 's/.*"run_dir":"\([^"]*\)".*/\1/p')
assert_contains "$rd/original.xml" "<source dev='$rootdev'/>"
assert_contains "$rd/original.xml" "<target dev='xvda2' bus='xen'/>"
assert_contains "$rd/converted.xml" "$POOL/deb12-pv-vda.raw"

# An HVM guest with a file disk, shut off.
truncate -s 4M "$XEN/images/win.img"
head -c 200000 /dev/urandom | dd of="$XEN/images/win.img" conv=notrunc status=none
cat > "$XEN/etc/win-hvm.cfg" <<CFG
name = "win-hvm"
type = "hvm"
memory = 1024
vcpus = 2
disk = [ "format=raw, vdev=hda, access=rw, target=$XEN/images/win.img" ]
vif = [ "mac=00:16:3e:7a:00:01,bridge=xenbr0,model=e1000" ]
boot = "c"
viridian = 1
CFG
chown -R "$SSHD_USER:" "$XEN"
x2k --batch --mode xl --uri "$URI" "${SSH[@]}" --xl-config "$XEN/etc/win-hvm.cfg" \
    --vm-name win-hvm --print-source > "$TMPD/hvm.xml"
assert_contains "$TMPD/hvm.xml" "<source file='$XEN/images/win.img'/>"
assert_contains "$TMPD/hvm.xml" "machine='xenfv'>hvm</type>"
x2k_expect 0 "$TMPD/hvm" --batch --mode xl --uri "$URI" "${SSH[@]}" \
    --xl-config "$XEN/etc/win-hvm.cfg" --vm-name win-hvm \
    --target-uri "test://$TMPD/kvmhost.xml" --bridge br0 \
    --state-dir "$TMPD/state" --no-guest-fixes --machine-readable
tail -1 "$TMPD/hvm" | grep '"defined":true'
# Taken for Windows (viridian): the disk stays on IDE.
cmp "$XEN/images/win.img" "$POOL/win-hvm-hda.raw"

# The wrong name for a file, and a guest no file names.
x2k_expect 1 "$TMPD/nf" --batch --mode xl --uri "$URI" "${SSH[@]}" \
    --xl-config "$XEN/etc/win-hvm.cfg" --vm-name other --print-source
assert_contains "$TMPD/nf.err" "There is no guest named 'other'"

# The xm toolstack only (xl gone): the xm-era guest, shut off.
rm "$XLBIN/xl"
cp "$top_srcdir/tests/xl-host/xl" "$XLBIN/xl.real"
rm "$XLBIN/xm"
ln -s xl.real "$XLBIN/xm"
sed -e "s|/var/lib/xen/images/rhel5-hvm.img|$XEN/images/win.img|" \
    -e 's|"phy:/dev/VolGroup00/rhel5data,hdb,w", ]|]|' "$top_srcdir/tests/data/xl/xm-hvm.cfg" > "$XEN/etc/rhel5-hvm"
chown -R "$SSHD_USER:" "$XEN"
x2k_expect 0 "$TMPD/xm" --batch --mode xl --uri "$URI" "${SSH[@]}" \
    --xl-config "$XEN/etc/rhel5-hvm" --vm-name rhel5-hvm \
    --target-uri "test://$TMPD/kvmhost.xml" --bridge br0 \
    --state-dir "$TMPD/state" --no-guest-fixes --machine-readable -v
tail -1 "$TMPD/xm" | grep '"defined":true'
grep -q "toolstack xm" "$TMPD/xm" "$TMPD/xm.err"
grep -qx "xm list" "$XL_STATE/log"

# A guest that ignores the shutdown: the timeout fails the run, and only
# --force-off destroys it.
setpriv --reuid="$SSHD_USER" --regid="$(id -g "$SSHD_USER")" --clear-groups \
    sleep 600 &
guest=$!
cleanup_fn kill "$guest"
echo "9 1024 1 $guest" > "$XL_STATE/running/rhel5-hvm"
: > "$XL_STATE/ignore-shutdown"
chown -R "$SSHD_USER:" "$XL_STATE"
x2k_expect 1 "$TMPD/to" --batch --mode xl --uri "$URI" "${SSH[@]}" \
    --xl-config "$XEN/etc/rhel5-hvm" --vm-name rhel5-hvm --new-name r2 \
    --target-uri "test://$TMPD/kvmhost.xml" --bridge br0 \
    --state-dir "$TMPD/state" --no-guest-fixes --shutdown-source \
    --shutdown-timeout 2
assert_contains "$TMPD/to.err" "did not shut down within 2 seconds"
kill -0 "$guest"
! grep -q "xm destroy" "$XL_STATE/log"
x2k_expect 0 "$TMPD/fo" --batch --mode xl --uri "$URI" "${SSH[@]}" \
    --xl-config "$XEN/etc/rhel5-hvm" --vm-name rhel5-hvm --new-name r3 \
    --target-uri "test://$TMPD/kvmhost.xml" --bridge br0 \
    --state-dir "$TMPD/state" --no-guest-fixes --shutdown-source \
    --shutdown-timeout 2 --force-off
grep -qx "xm destroy rhel5-hvm" "$XL_STATE/log"
rc=0
wait "$guest" || rc=$?
[ "$rc" = 137 ] || fail "the guest ended with $rc, not by SIGKILL"

# A host with neither xl nor xm.
rm "$XLBIN/xm"
x2k_expect 1 "$TMPD/none" --batch --mode xl --uri "$URI" "${SSH[@]}" \
    --vm-name x --print-source
assert_contains "$TMPD/none.err" "has neither the xl nor the xm command"
x2k_expect 3 "$TMPD/nonec" --batch --mode xl --uri "$URI" "${SSH[@]}" \
    --vm-name x --target-uri "test://$TMPD/kvmhost.xml" --bridge br0 \
    --state-dir "$TMPD/state" --no-guest-fixes --check
grep -E '^xl-host +FAIL' "$TMPD/nonec" || fail "xl-host did not fail"

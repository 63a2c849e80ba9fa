#!/bin/bash
# make check-slow: one whole migration WITH the guest fixes, through the
# real libguestfs appliance (one launch).  The image is built without an
# appliance (sfdisk + mke2fs -d): an MBR disk whose ext4 partition holds a
# Debian-style Xen PV guest (xvda fstab, GRUB 2 config and
# /etc/default/grub with console=hvc0, a generic kernel with virtio_blk,
# an initrd that has it, a getty on hvc0, securetty).  It is served as
# the PV guest of the fake Xen host (test driver + loopback sshd), copied
# by `xen2kvm-tui --batch' into a dir pool of a test-driver target,
# fixed, defined; then the fixed files are read back from the copy with
# debugfs (no second launch) and the source is checked unchanged.
. "${top_srcdir:-..}/tests/functions.sh"
set -e -x
requires sfdisk mke2fs debugfs cpio gzip md5sum
xen_host_start
start=$(date +%s)

# ---- The guest's tree ----------------------------------------------
R=$TMPD/root
K=5.10.0-21-amd64
mkdir -p $R/etc/default $R/boot/grub $R/bin $R/sbin $R/usr/bin \
    $R/lib/modules/$K/kernel/drivers/block \
    $R/etc/systemd/system/getty.target.wants $R/lib/systemd/system
cat > $R/etc/os-release <<'OS'
PRETTY_NAME="Debian GNU/Linux 11 (bullseye)"
NAME="Debian GNU/Linux"
VERSION_ID="11"
VERSION="11 (bullseye)"
ID=debian
OS
echo 11.6 > $R/etc/debian_version
echo pvguest > $R/etc/hostname
cat > $R/etc/fstab <<'FSTAB'
/dev/xvda1  /     ext4  errors=remount-ro  0 1
/dev/xvdb   none  swap  sw                 0 0
proc        /proc proc  defaults           0 0
FSTAB
cat > $R/etc/default/grub <<'GRUB'
GRUB_DEFAULT=0
GRUB_TIMEOUT=5
GRUB_CMDLINE_LINUX_DEFAULT="quiet"
GRUB_CMDLINE_LINUX="root=/dev/xvda1 console=hvc0"
GRUB
cat > $R/boot/grub/grub.cfg <<CFG
set default="0"
menuentry 'Debian GNU/Linux' {
	linux /boot/vmlinuz-$K root=/dev/xvda1 ro console=hvc0 quiet
	initrd /boot/initrd.img-$K
}
CFG
echo "fake kernel $K" > $R/boot/vmlinuz-$K
echo "fake module" > $R/lib/modules/$K/kernel/drivers/block/virtio_blk.ko
mkdir -p $TMPD/initrd/lib/modules/$K/kernel/drivers/block
touch $TMPD/initrd/lib/modules/$K/kernel/drivers/block/virtio_blk.ko
(cd $TMPD/initrd && find . | cpio --quiet -o -H newc | gzip -9) \
    > $R/boot/initrd.img-$K
printf 'console\ntty1\nhvc0\n' > $R/etc/securetty
printf '[Unit]\nDescription=Getty\n' > $R/lib/systemd/system/getty@.service
printf '[Unit]\nDescription=Serial Getty\n' > \
    $R/lib/systemd/system/serial-getty@.service
ln -s /lib/systemd/system/serial-getty@.service \
    $R/etc/systemd/system/getty.target.wants/serial-getty@hvc0.service
cp /bin/dash $R/bin/sh

# ---- The image: MBR, one ext4 partition from 1 MiB (no appliance) ----
IMG=$XEN/images/rhel49-x86_64-pv.img
truncate -s 64M "$IMG"
echo 'start=2048, type=83' | sfdisk -q "$IMG"
truncate -s 63M $TMPD/part.img
mke2fs -q -t ext4 -d $R -L root $TMPD/part.img
dd if=$TMPD/part.img of="$IMG" bs=1M seek=1 conv=notrunc,sparse status=none
xen_host_xml
sum_before=$(md5sum < "$IMG")
kvm_host_xml

# ---- The migration, with the guest fixes (the one launch) ----------
rc=0
x2k --batch --uri "test://$TMPD/xenhost.xml" "${XEN_SSH[@]}" \
    --target-uri "test://$TMPD/kvmhost.xml" --bridge br0 \
    --state-dir "$TMPD/state" --vm-name rhel49-x86_64-pv \
    --machine-readable > $TMPD/out 2> $TMPD/err || rc=$?
cat $TMPD/out $TMPD/err
[ $rc = 0 ] || fail "the migration failed: exit $rc"
t_run=$(date +%s)
rd=$(tail -1 $TMPD/out | sed -n 's/.*"run_dir":"\([^"]*\)".*/\1/p')
tail -1 $TMPD/out | grep '"type":"result".*"defined":true'
[ -s "$rd/guest-changes.txt" ]
cat "$rd/report.txt"
assert_contains "$rd/report.txt" "/etc/fstab"
assert_not_contains "$rd/report.txt" "none: "
grep -q '"type":"stage","stage":"fix-guest","state":"end","status":0' $TMPD/out
if command -v virt-xml-validate >/dev/null; then
    virt-xml-validate "$rd/converted.xml" domain
fi

# ---- Read the fixed files back from the copy (debugfs) --------------
COPY=$POOL/rhel49-x86_64-pv-vda.raw
dd if="$COPY" of=$TMPD/fixed.img bs=1M skip=1 status=none
gcat() { debugfs -R "cat $1" $TMPD/fixed.img 2>/dev/null; }
gcat /etc/fstab > $TMPD/fstab
cat $TMPD/fstab
grep -Eq '^(/dev/vda1|UUID=[0-9a-f-]+) +/ ' $TMPD/fstab
! grep -q xvd $TMPD/fstab
gcat /etc/default/grub > $TMPD/defgrub
cat $TMPD/defgrub
grep -q 'console=ttyS0' $TMPD/defgrub
! grep -q 'hvc0\|xvda' $TMPD/defgrub
gcat /boot/grub/grub.cfg > $TMPD/grubcfg
! grep -q 'hvc0\|xvda' $TMPD/grubcfg
gcat /etc/securetty > $TMPD/securetty
grep -qx ttyS0 $TMPD/securetty
debugfs -R "ls -l /etc/systemd/system/getty.target.wants" $TMPD/fixed.img \
    2>/dev/null > $TMPD/getty
cat $TMPD/getty
grep -q 'ttyS0' $TMPD/getty
! grep -q 'hvc0' $TMPD/getty

# The source was never written.
[ "$(md5sum < "$IMG")" = "$sum_before" ] || fail "the source image changed"
echo "slow-pipeline: migration with guest fixes $((t_run - start)) s"

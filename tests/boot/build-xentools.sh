#!/bin/bash
# The xen-tools guest of make check-boot (build-xentools.sh DIR
# ROOTFS_TAR), a recipe of its own so that changing it never rebuilds
# build-guests.sh's images (lib.sh keys DIR by this file's hash).  From
# build-guests.sh's trimmed Debian 12 tree (ROOTFS_TAR; the kernel,
# initramfs-tools, grub-pc, sysvinit) it makes what xen-tools leaves:
# two volume files WITHOUT a partition table, xt-swap.img (swap, the
# guest's xvda1) and xt-root.img (ext4, xvda2), fstab on /dev/xvda1 and
# /dev/xvda2, hvc0 consoles, an initramfs with only the Xen drivers
# (MODULES=list), grub-pc installed but never run (no boot sector, no
# grub.cfg: Xen booted it by kernel=/ramdisk=).  The guest keeps its own
# kernel and initrd in /boot; xt-vmlinuz and xt-initrd beside the
# images are the same files as the fake dom0 has them.  The guest
# prints "X2K-BOOT-OK-xt root=<dev>" on ttyS0/hvc0 in runlevel 2.
set -e -x
umask 022
out=${1:?usage: build-xentools.sh DIR ROOTFS_TAR}
tarball=${2:?usage: build-xentools.sh DIR ROOTFS_TAR}
[ "$(id -u)" = 0 ] || { echo "build-xentools.sh: needs root" >&2; exit 77; }
for c in mkfs.ext4 mkswap chroot mount tar; do
    command -v $c >/dev/null || { echo "build-xentools.sh: $c missing" >&2; exit 77; }
done
mkdir -p "$out"
work=$(mktemp -d "$out/work.XXXXXX")
root=$work/root
mounted=""
cleanup()
{
    set +e
    for m in $mounted; do umount -l "$m"; done
    rm -rf --one-file-system "$work"
}
trap cleanup EXIT

mkdir -p "$root"
tar -C "$root" -xpf "$tarball"
kver=$(ls "$root/lib/modules")

cat > "$root/etc/init.d/x2k-boot-marker" <<'MARK'
#!/bin/sh
### BEGIN INIT INFO
# Provides:          x2k-boot-marker
# Required-Start:    $all
# Required-Stop:
# Default-Start:     2 3 4 5
# Default-Stop:
# Short-Description: print the xen2kvm-tui boot marker on the serial consoles
### END INIT INFO
case "$1" in
start)
    msg="X2K-BOOT-OK-$(cat /etc/x2k-guest) root=$(findmnt -no SOURCE /)"
    for c in /dev/ttyS0 /dev/hvc0; do
        [ -c "$c" ] || continue
        timeout 5 sh -c "printf '\n%s\n' '$msg' > $c" 2>/dev/null || :
    done
    ;;
esac
exit 0
MARK
chmod 755 "$root/etc/init.d/x2k-boot-marker"
chroot "$root" update-rc.d x2k-boot-marker defaults
echo x2k-guest > "$root/etc/hostname"
printf 'root:x2k\n' | chroot "$root" chpasswd
echo xt > "$root/etc/x2k-guest"
cat > "$root/etc/fstab" <<FSTAB
/dev/xvda2  /      ext4  errors=remount-ro  0 1
/dev/xvda1  none   swap  sw                 0 0
proc        /proc  proc  defaults           0 0
FSTAB
cat > "$root/etc/default/grub" <<GRUB
GRUB_DEFAULT=0
GRUB_TIMEOUT=1
GRUB_DISTRIBUTOR="Debian"
GRUB_CMDLINE_LINUX_DEFAULT=""
GRUB_CMDLINE_LINUX="console=hvc0"
GRUB_DISABLE_RECOVERY=true
GRUB_DISABLE_OS_PROBER=true
GRUB_TERMINAL="console serial"
GRUB_SERIAL_COMMAND="serial --unit=0 --speed=115200"
GRUB
sed -i '/^[1-6]:/d; /^T[0-9]:/d' "$root/etc/inittab"
echo 'h0:2345:respawn:/sbin/getty -L hvc0 115200 vt100' >> "$root/etc/inittab"
echo hvc0 >> "$root/etc/securetty" 2>/dev/null || :
sed -i 's/^MODULES=.*/MODULES=list/' "$root/etc/initramfs-tools/initramfs.conf"
printf '%s\n' xen-blkfront xen-netfront ext4 >> "$root/etc/initramfs-tools/modules"
for m in dev proc sys; do
    mount --bind /$m "$root/$m"
    mounted="$root/$m $mounted"
done
chroot "$root" update-initramfs -c -k "$kver"
for m in $mounted; do umount "$m"; done
mounted=""
if chroot "$root" lsinitramfs "/boot/initrd.img-$kver" | grep virtio; then
    echo "build-xentools.sh: the Xen initramfs has virtio" >&2; exit 1
fi
[ ! -e "$root/boot/grub/grub.cfg" ]
cp "$root/boot/vmlinuz-$kver" "$work/xt-vmlinuz"
cp "$root/boot/initrd.img-$kver" "$work/xt-initrd"

truncate -s 64M "$work/xt-swap.img"
mkswap -L swap "$work/xt-swap.img"
mkfs.ext4 -q -L root -d "$root" "$work/xt-root.img" 1400M
mv "$work/xt-swap.img" "$work/xt-root.img" "$work/xt-vmlinuz" \
    "$work/xt-initrd" "$out/"
echo "$kver" > "$out/kernel-version"
date -u +%FT%TZ > "$out/ok"

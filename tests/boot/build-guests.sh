#!/bin/bash
# Build the guests of `make check-boot' (tests/boot/README) into DIR
# (build-guests.sh DIR [ROOTFS_CACHE]):
#
#   pv.img   Xen PV Debian 12: MBR, root on partition 1 (ext4), fstab
#            /dev/xvda1, getty on hvc0 (inittab), GRUB 2 config with
#            root=/dev/xvda1 console=hvc0 (pygrub reads it; GRUB is in the
#            MBR too, as on a guest that was installed as HVM or by
#            debootstrap + grub-pc), initramfs with MODULES=list holding
#            only xen-blkfront, xen-netfront and ext4: no virtio.
#   blk.img  the same, marker "blk": served as a host block device.
#   hvm.img  Xen HVM Debian 12 as the installer leaves it, with
#            PV-on-HVM naming: fstab /dev/xvda1, GRUB with Debian's
#            default root=UUID=... console=ttyS0, Debian's default
#            initramfs (MODULES=most: Xen and virtio drivers).
#
# Every guest runs sysvinit (sysvinit-core), not systemd: under TCG it
# reaches runlevel 2 in a fraction of systemd's time (no unit graph, no
# journald, a dozen rc scripts), and it is what many long-lived Xen
# guests still run.  The rc script x2k-boot-marker (last in runlevel 2)
# prints "X2K-BOOT-OK-<guest> root=<device>" on /dev/ttyS0 and /dev/hvc0.
#
# Root only (debootstrap, loop devices with partitions, chroot).  Uses
# $X2K_DEBIAN_MIRROR, else the mirror (and proxy) apt is configured
# with, else deb.debian.org.  The
# caller (tests/boot/lib.sh) keys DIR by a hash of this file, so a
# changed recipe rebuilds.  Writes DIR/ok last.
set -e -x
umask 022
out=${1:?usage: build-guests.sh DIR}
# The mirror and proxy this machine's apt uses (a machine may reach
# Debian only through them), else deb.debian.org.
apt_mirror=$(apt-get indextargets --format '$(REPO_URI) $(RELEASE) $(COMPONENT)' \
    2>/dev/null | awk '$2 == "bookworm" && $3 == "main" { print $1; exit }')
case $apt_mirror in
http://* | https://*) apt_mirror=${apt_mirror%/} ;;
*) apt_mirror= ;;   # a transport debootstrap lacks (ar+https://, ...)
esac
mirror=${X2K_DEBIAN_MIRROR:-${apt_mirror:-http://deb.debian.org/debian}}
if [ -z "${http_proxy:-}" ]; then
    eval "$(apt-config shell http_proxy Acquire::http::Proxy 2>/dev/null)" || :
    [ -z "${http_proxy:-}" ] || export http_proxy
fi
size=${X2K_BOOT_IMAGE_SIZE:-1536M}
[ "$(id -u)" = 0 ] || { echo "build-guests.sh: needs root" >&2; exit 77; }
for c in debootstrap losetup sfdisk mkfs.ext4 chroot mount; do
    command -v $c >/dev/null || { echo "build-guests.sh: $c missing" >&2; exit 77; }
done

mkdir -p "$out"
work=$(mktemp -d "$out/work.XXXXXX")
mnt=$work/mnt
loop=
mounted=""
cleanup()
{
    set +e
    for m in $mounted; do umount -l "$m"; done
    # What an interrupted debootstrap leaves mounted in its target.
    for m in proc sys dev/pts dev; do
        mountpoint -q "$work/root/$m" 2>/dev/null && umount -l "$work/root/$m"
    done
    if [ -n "$loop" ]; then partx -d "$loop"; losetup -d "$loop"; fi
    rm -rf --one-file-system "$work"
}
trap cleanup EXIT

# ---- One debootstrap, shared by every image --------------------------
# The trimmed tree is kept as ROOTFS_CACHE/rootfs-KEY.tar (KEY: a hash
# of the debootstrap recipe below), so a change to the image recipe
# further down does not download Debian again.
root=$work/root
packages=linux-image-amd64,initramfs-tools,grub-pc,sysvinit-core,udev,kmod,e2fsprogs,util-linux
trim="drivers/gpu drivers/media drivers/net/wireless drivers/infiniband
      drivers/staging drivers/iio drivers/bluetooth net/wireless
      net/bluetooth net/mac80211 sound"
key=$(printf '%s\n' "bookworm minbase $packages $trim v1" | sha256sum | cut -c1-16)
tarball=${2:-$out}/rootfs-$key.tar
mkdir -p "$root"
if [ -f "$tarball" ]; then
    tar -C "$root" -xpf "$tarball"
else
    # A mirror can drop a connection: three attempts, each from scratch,
    # the last from deb.debian.org.
    attempt=0
    for m in "$mirror" "$mirror" http://deb.debian.org/debian; do
        attempt=$((attempt + 1))
        if debootstrap --variant=minbase --arch=amd64 --include=$packages \
                bookworm "$root" "$m"; then
            break
        fi
        [ $attempt != 3 ] || { echo "build-guests.sh: debootstrap failed 3 times ($mirror)" >&2; exit 1; }
        for mp in proc sys dev/pts dev; do umount -l "$root/$mp" 2>/dev/null || :; done
        rm -rf --one-file-system "$root"
        mkdir -p "$root"
        sleep 10
    done
    # Trim what a test guest never loads (smaller copies, faster
    # initramfs builds); depmod keeps the module index consistent.
    kver=$(ls "$root/lib/modules")
    for d in $trim; do rm -rf "$root/lib/modules/$kver/kernel/$d"; done
    chroot "$root" depmod "$kver"
    rm -rf "$root"/usr/share/doc/* "$root"/usr/share/man/* \
        "$root"/usr/share/locale/* "$root"/var/cache/apt/archives/*.deb \
        "$root"/var/lib/apt/lists/*
    rm -f "$root"/boot/initrd.img-*
    tar -C "$root" -cpf "$tarball.tmp" .
    mv "$tarball.tmp" "$tarball"
    touch "$out/debootstrapped"
fi
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

# ---- Images ----------------------------------------------------------
# wait_partition LOOP PART: the node of LOOP's first partition.  Right
# after LOOP_CONFIGURE, on a loaded machine, the partition scan can lag;
# where /dev is not devtmpfs the node never appears by itself: make it
# from sysfs.
wait_partition()
{
    local loop=$1 part=$2 sys i
    sys=/sys/class/block/$(basename "$part")
    for i in $(seq 1 100); do
        [ -b "$part" ] && return 0
        [ $((i % 10)) = 5 ] && { partx -a "$loop" 2>/dev/null || partx -u "$loop" 2>/dev/null || :; }
        if [ -r "$sys/dev" ] && [ $i -ge 20 ]; then
            mknod "$part" b $(tr ':' ' ' < "$sys/dev") && return 0
        fi
        sleep 0.1
    done
    echo "build-guests.sh: $part never appeared" >&2
    ls -l /dev/loop* "/sys/class/block/$(basename "$loop")" >&2 || :
    return 1
}

# make_image NAME KIND: KIND pv or hvm.
make_image()
{
    local name=$1 kind=$2 img=$work/$1.img part
    rm -f "$img"
    truncate -s "$size" "$img"
    printf 'label: dos\nstart=2048, type=83, bootable\n' | sfdisk -q "$img"
    loop=$(losetup -P -f --show "$img")
    part=${loop}p1
    wait_partition "$loop" "$part"
    mkfs.ext4 -q -L root "$part"
    mkdir -p "$mnt"
    mount "$part" "$mnt"
    mounted="$mnt"
    cp -a "$root/." "$mnt/"

    echo "$name" > "$mnt/etc/x2k-guest"
    cat > "$mnt/etc/fstab" <<FSTAB
# /etc/fstab of a Xen $kind guest (xen2kvm-tui check-boot)
/dev/xvda1  /      ext4  errors=remount-ro  0 1
proc        /proc  proc  defaults           0 0
FSTAB
    cat > "$mnt/etc/default/grub" <<GRUB
GRUB_DEFAULT=0
GRUB_TIMEOUT=1
GRUB_DISTRIBUTOR="Debian"
GRUB_CMDLINE_LINUX_DEFAULT=""
GRUB_CMDLINE_LINUX="console=$([ "$kind" = pv ] && echo hvc0 || echo ttyS0)"
$([ "$kind" = pv ] && echo GRUB_DISABLE_LINUX_UUID=true)
GRUB_DISABLE_RECOVERY=true
GRUB_DISABLE_OS_PROBER=true
GRUB_TERMINAL="console serial"
GRUB_SERIAL_COMMAND="serial --unit=0 --speed=115200"
GRUB
    if [ "$kind" = pv ]; then
        # The Xen console, not a serial port.
        sed -i '/^[1-6]:/d; /^T[0-9]:/d' "$mnt/etc/inittab"
        echo 'h0:2345:respawn:/sbin/getty -L hvc0 115200 vt100' >> "$mnt/etc/inittab"
        echo hvc0 >> "$mnt/etc/securetty" 2>/dev/null || :
        sed -i 's/^MODULES=.*/MODULES=list/' "$mnt/etc/initramfs-tools/initramfs.conf"
        printf '%s\n' xen-blkfront xen-netfront ext4 >> "$mnt/etc/initramfs-tools/modules"
    else
        sed -i '/^[2-6]:/d' "$mnt/etc/inittab"
        echo 'T0:2345:respawn:/sbin/getty -L ttyS0 115200 vt100' >> "$mnt/etc/inittab"
        sed -i 's/^MODULES=.*/MODULES=most/' "$mnt/etc/initramfs-tools/initramfs.conf"
    fi

    for m in dev proc sys; do
        mount --bind /$m "$mnt/$m"
        mounted="$mnt/$m $mounted"
    done
    chroot "$mnt" update-initramfs -c -k "$kver"
    chroot "$mnt" grub-install --target=i386-pc --modules="part_msdos ext2" "$loop"
    chroot "$mnt" grub-mkconfig -o /boot/grub/grub.cfg
    # grub-mkconfig ran here, where the disk is a loop device and no udev
    # made /dev/disk/by-uuid; on the Xen host it said /dev/xvda1 (pv,
    # GRUB_DISABLE_LINUX_UUID) or root=UUID=... (hvm, Debian's default).
    if [ "$kind" = pv ]; then
        sed -i "s|root=$part|root=/dev/xvda1|" "$mnt/boot/grub/grub.cfg"
    else
        sed -i "s|root=$part|root=UUID=$(blkid -s UUID -o value "$part")|" \
            "$mnt/boot/grub/grub.cfg"
    fi
    if [ "$kind" = pv ]; then
        grep -q 'root=/dev/xvda1 ro console=hvc0' "$mnt/boot/grub/grub.cfg"
    else
        grep -q 'root=UUID=.* ro console=ttyS0' "$mnt/boot/grub/grub.cfg"
    fi
    if grep -q "$loop" "$mnt/boot/grub/grub.cfg"; then
        echo "build-guests.sh: grub.cfg still names $loop" >&2; exit 1
    fi
    chroot "$mnt" lsinitramfs "/boot/initrd.img-$kver" > "$work/$name.initrd-list"
    if [ "$kind" = pv ]; then
        grep -q 'xen-blkfront.ko' "$work/$name.initrd-list"
        grep -q 'xen-netfront.ko' "$work/$name.initrd-list"
        if grep 'virtio' "$work/$name.initrd-list"; then
            echo "build-guests.sh: the PV initramfs has virtio" >&2; exit 1
        fi
    else
        grep -q 'virtio_blk.ko' "$work/$name.initrd-list"
    fi
    cp "$mnt/boot/grub/grub.cfg" "$work/$name.grub.cfg"
    cp "$mnt/etc/initramfs-tools/modules" "$work/$name.initramfs-modules"

    for m in $mounted; do umount "$m"; done
    mounted=""
    partx -d "$loop" 2>/dev/null || :
    losetup -d "$loop"
    loop=
    mv "$img" "$out/$name.img"
    mv "$work/$name.initrd-list" "$work/$name.grub.cfg" "$work/$name.initramfs-modules" "$out/"
}

make_image pv pv
make_image blk pv
make_image hvm hvm
echo "$kver" > "$out/kernel-version"
date -u +%FT%TZ > "$out/ok"

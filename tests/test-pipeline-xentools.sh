#!/bin/bash
# A xen-tools guest end to end without SSH (--no-guest-fixes, so no
# appliance): its swap and root volumes are partitions of one Xen disk
# (xvda1, xvda2; no partition table) and it boots the dom0's kernel and
# initrd.  The default layout keeps one disk per volume (warning
# layout-keep): both volumes are copied byte for byte, the kernel and
# initrd fetched, root=/dev/xvda2 becomes /dev/vdb.  --layout=assemble
# with --no-guest-fixes streams both into the partitions of one new
# disk.  (Assemble with guest fixes installs the guest's GRUB in that
# disk inside the appliance: proved by make check-boot, guest xt.)
. "${top_srcdir:-..}/tests/functions.sh"
set -e -x
private_boot_dir
requires truncate cmp sfdisk
xen_host_start --local

mkdir -p "$XEN/boot"
truncate -s 8M "$XEN/images/xt-swap.img" "$XEN/images/xt-disk.img"
head -c 200000 /dev/urandom |
    dd of="$XEN/images/xt-disk.img" bs=1M seek=3 conv=notrunc status=none
head -c 4096 /dev/urandom > "$XEN/images/xt-swap.img.head"
dd if="$XEN/images/xt-swap.img.head" of="$XEN/images/xt-swap.img" \
    conv=notrunc status=none
printf 'not a kernel\n' > "$XEN/boot/vmlinuz-6.1.0-27-amd64"
printf 'not an initrd\n' > "$XEN/boot/initrd.img-6.1.0-27-amd64"
xen_host_xml
# The xen-tools domain, as the dom0's libvirt shows it.
sed -i "s|^</node>|  <domain type='xen'>\\
    <name>xt-amd64</name>\\
    <uuid>7b2e4c1d-3f5a-4e9b-8c7d-6a5b4c3d2e1f</uuid>\\
    <memory unit='KiB'>262144</memory>\\
    <vcpu>1</vcpu>\\
    <os>\\
      <type arch='x86_64' machine='xenpv'>linux</type>\\
      <kernel>$XEN/boot/vmlinuz-6.1.0-27-amd64</kernel>\\
      <initrd>$XEN/boot/initrd.img-6.1.0-27-amd64</initrd>\\
      <cmdline>root=/dev/xvda2 ro</cmdline>\\
    </os>\\
    <devices>\\
      <disk type='file' device='disk'>\\
        <source file='$XEN/images/xt-swap.img'/>\\
        <target dev='xvda1' bus='xen'/>\\
      </disk>\\
      <disk type='file' device='disk'>\\
        <source file='$XEN/images/xt-disk.img'/>\\
        <target dev='xvda2' bus='xen'/>\\
      </disk>\\
    </devices>\\
    <test:runstate>5</test:runstate>\\
  </domain>\\
</node>|" "$TMPD/xenhost.xml"
kvm_host_xml
base=(--batch --uri "test://$TMPD/xenhost.xml"
      --target-uri "test://$TMPD/kvmhost.xml" --bridge br0
      --state-dir "$TMPD/state" --no-guest-fixes --vm-name xt-amd64)

# Assemble with --no-guest-fixes: one new disk, swap in partition 1 and
# root in partition 2 at 1 MiB boundaries, each byte for byte, sparse;
# one <disk>, no <kernel>, nothing fetched.
x2k "${base[@]}" --layout=assemble --verify --new-name xt-as \
    > "$TMPD/as2" 2> "$TMPD/as2.err"
cat "$TMPD/as2" "$TMPD/as2.err"
assert_contains "$TMPD/as2" "Done: the domain 'xt-as' is defined on"
disk=$TMPD/pool/xt-as-vda.raw
[ "$(ls "$TMPD/pool")" = xt-as-vda.raw ] || fail "not one disk: $(ls "$TMPD/pool")"
[ "$(stat -c %s "$disk")" = $((17 * 1048576)) ]
[ "$(stat -c %a "$disk")" = 600 ]
sfdisk --dump "$disk" > "$TMPD/dump"
assert_contains "$TMPD/dump" "xt-as-vda.raw1 : start=        2048, size=       16384, type=83"
assert_contains "$TMPD/dump" "xt-as-vda.raw2 : start=       18432, size=       16384, type=83"
cmp -n $((8 * 1048576)) -i 0:1048576 "$XEN/images/xt-swap.img" "$disk"
cmp -n $((8 * 1048576)) -i 0:$((9 * 1048576)) "$XEN/images/xt-disk.img" "$disk"
[ $(( $(stat -c '%b * %B' "$disk") )) -lt $((2 * 1048576)) ]
rd=$(sed -n 's/^The report and the log are in \(.*\)\.$/\1/p' "$TMPD/as2")
assert_not_contains "$rd/converted.xml" "<kernel>"
[ "$(grep -c "<disk " "$rd/converted.xml")" = 1 ]
assert_contains "$rd/report.txt" "layout-assemble"
assert_not_contains "$rd/log" "boot file kernel"
for j in "$disk".x2k-journal*; do
    [ ! -e "$j" ] || fail "journal $j left behind"
done
rm -f "$TMPD/pool"/*

# The default: one disk per volume, said with warning layout-keep.
x2k "${base[@]}" > "$TMPD/keep" 2> "$TMPD/keep.err"
cat "$TMPD/keep" "$TMPD/keep.err"
assert_contains "$TMPD/keep.err" "partitions of one Xen disk (xvda1 and more)"
assert_contains "$TMPD/keep" "Done: the domain 'xt-amd64' is defined on"
cmp "$XEN/images/xt-swap.img" "$TMPD/pool/xt-amd64-vda.raw"
cmp "$XEN/images/xt-disk.img" "$TMPD/pool/xt-amd64-vdb.raw"
rd=$(sed -n 's/^The report and the log are in \(.*\)\.$/\1/p' "$TMPD/keep")
assert_contains "$rd/converted.xml" "root=/dev/vdb ro"
assert_contains "$rd/converted.xml" "<kernel>"
assert_contains "$rd/report.txt" "xvda2 -> vdb"
assert_contains "$rd/report.txt" "layout-keep"

# --layout=keep given: the same, without the warning.
rm -f "$TMPD/pool"/*
x2k "${base[@]}" --layout=keep --new-name xt-keep > "$TMPD/k2" \
    2> "$TMPD/k2.err"
cat "$TMPD/k2" "$TMPD/k2.err"
assert_not_contains "$TMPD/k2.err" "layout-keep"
cmp "$XEN/images/xt-disk.img" "$TMPD/pool/xt-keep-vdb.raw"

#!/bin/bash
# The block-device guest end to end: a fake Xen host (libvirt's test
# driver, tests/data/xenhost.xml, a real loopback sshd) whose guest
# ubuntu14.04 has a file disk and a host block device, a real loop
# device read by the sshd's user -> `xen2kvm-tui --batch --block-device'
# into a dir pool on a test-driver target: both disks byte-identical,
# the converted XML names the copies, the source device unchanged.
# Needs root and a free loop device: skipped (77) otherwise.
. "${top_srcdir:-..}/tests/functions.sh"
set -e -x
requires truncate cmp md5sum losetup
xen_host_start

truncate -s 8M "$XEN/images/ubuntu14.04.img"
head -c 131072 /dev/urandom | dd of="$XEN/images/ubuntu14.04.img" conv=notrunc status=none
truncate -s 12M "$TMPD/ubuntu-data.raw"
head -c 1048576 /dev/urandom |
    dd of="$TMPD/ubuntu-data.raw" bs=1M seek=1 conv=notrunc status=none
head -c 524288 /dev/urandom |
    dd of="$TMPD/ubuntu-data.raw" bs=1M seek=11 conv=notrunc status=none
serve_block_device "$TMPD/ubuntu-data.raw" "$XEN/dev/ubuntu-data"
[ -b "$XEN/dev/ubuntu-data" ]
xen_host_xml
kvm_host_xml
before=$(md5sum < "$TMPD/ubuntu-data.raw")

x2k_expect 0 "$TMPD/blk" --batch --uri "test://$TMPD/xenhost.xml" \
    "${XEN_SSH[@]}" --target-uri "test://$TMPD/kvmhost.xml" --bridge br0 \
    --state-dir "$TMPD/state" --no-guest-fixes --vm-name ubuntu14.04 \
    --block-device --start --machine-readable
tail -1 "$TMPD/blk" | grep '"defined":true,"started":true'
rd=$(tail -1 "$TMPD/blk" | sed -n 's/.*"run_dir":"\([^"]*\)".*/\1/p')
cmp "$XEN/images/ubuntu14.04.img" "$POOL/ubuntu14.04-vda.raw"
cmp "$TMPD/ubuntu-data.raw" "$POOL/ubuntu14.04-vdb.raw"
grep -q "$POOL/ubuntu14.04-vdb.raw" "$rd/converted.xml"
tail -1 "$TMPD/blk" | grep -F "\"disks\":[\"$POOL/ubuntu14.04-vda.raw\",\"$POOL/ubuntu14.04-vdb.raw\"]"
[ "$(md5sum < "$TMPD/ubuntu-data.raw")" = "$before" ]

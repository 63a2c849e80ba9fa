#!/bin/bash
# Formats are never guessed into danger (issue 12, item 5), with images
# made by qemu-img create: a disk declared raw whose first bytes are a
# qcow2 header naming a backing file on this machine is copied as the
# raw disk it is (byte-identical, the backing file never read); a
# declared qcow2 with a backing file, a declared qcow2 that is raw, and
# a vmdk are refused in preflight with what to do.
. "${top_srcdir:-..}/tests/functions.sh"
set -e -x
requires qemu-img cmp
xen_host_start --local
export XDG_RUNTIME_DIR=$TMPD/run
img=$XEN/images/rhel49-x86_64-pv.img
kvm_host_xml
base=(--batch --uri "test://$TMPD/xenhost.xml"
      --target-uri "test://$TMPD/kvmhost.xml" --bridge br0
      --state-dir "$TMPD/state" --no-guest-fixes --vm-name rhel49-x86_64-pv)
copy=$POOL/rhel49-x86_64-pv-vda.raw
declare_qcow2=(-e "s|<driver name='file'/>|<driver name='qemu' type='qcow2'/>|")

# A secret of this machine, and a "raw" disk that names it as backing.
head -c 1048576 /dev/urandom > "$TMPD/secret"
qemu-img create -q -f qcow2 -b "$TMPD/secret" -F raw "$img"
xen_host_xml
x2k_expect 0 "$TMPD/rawhdr" "${base[@]}"
assert_contains "$TMPD/rawhdr.err" "is declared raw but begins like a qcow2"
cmp "$img" "$copy"
[ "$(stat -c %s "$copy")" = "$(stat -c %s "$img")" ]
if cmp -s -n 1048576 "$TMPD/secret" "$copy"; then
    fail "the backing file was read into the copy"
fi
rm -f "$copy"

# The same image declared qcow2: it has a backing file, refused.
xen_host_xml "${declare_qcow2[@]}"
x2k_expect 3 "$TMPD/backing" "${base[@]}"
assert_contains "$TMPD/backing.err" "qcow2 image with a backing file"
assert_contains "$TMPD/backing.err" "qemu-img convert"
[ ! -e "$copy" ]

# A standalone qcow2 declared qcow2 is copied (verified, converted).
rm -f "$img"
qemu-img create -q -f qcow2 "$img" 4M
x2k_expect 0 "$TMPD/qcow2" "${base[@]}"
qemu-img compare -f qcow2 -F raw "$img" "$copy"
rm -f "$copy"

# Declared qcow2 but raw bytes: refused, the XML is wrong.
rm -f "$img"
truncate -s 4M "$img"
x2k_expect 3 "$TMPD/liar" "${base[@]}"
assert_contains "$TMPD/liar.err" "the XML says qcow2 but the image is raw"

# A vmdk declared vmdk: refused with the conversion to make.
rm -f "$img"
qemu-img create -q -f vmdk "$img" 4M
xen_host_xml -e "s|<driver name='file'/>|<driver name='qemu' type='vmdk'/>|"
x2k_expect 3 "$TMPD/vmdk" "${base[@]}"
assert_contains "$TMPD/vmdk.err" "is a vmdk image"
assert_contains "$TMPD/vmdk.err" "qemu-img convert -f vmdk -O raw"
[ ! -e "$copy" ]

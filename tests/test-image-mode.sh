#!/bin/bash
# --mode image end to end: disk images of other hypervisors (a
# monolithicSparse vmdk and a vdi, vhd, vhdx and qcow2 made by qemu-img
# from a raw disk with a known pattern written by qemu-io, and a vmdk split
# into two flat extents with a descriptor written here from the VMDK
# specification's "Extent Descriptions") become one domain described by
# options, defined into the test driver's dir pool; each new disk equals
# its image (qemu-img compare).  --print-source prints the domain XML,
# the replay command keeps --image and --firmware, and the refusals:
# a missing extent, a backing file, no --new-name, --image outside image
# mode, --bridge IN:OUT in image mode.
. "${top_srcdir:-..}/tests/functions.sh"
set -e -x
requires qemu-img qemu-io virt-xml-validate
tmpdir
export LANGUAGE=C LC_ALL=C.UTF-8
I=$TMPD/img
mkdir -p "$I"

qemu-img create -q -f raw "$I/base.raw" 8M
qemu-io -f raw -c 'write -P 0xab 0 1M' -c 'write -P 0x5c 5M 512k' \
    "$I/base.raw" > /dev/null
qemu-img convert -f raw -O vmdk "$I/base.raw" "$I/a.vmdk"
qemu-img convert -f raw -O vdi "$I/base.raw" "$I/a.vdi"
qemu-img convert -f raw -O vpc "$I/base.raw" "$I/a.vhd"
qemu-img convert -f raw -O qcow2 "$I/base.raw" "$I/a.qcow2"
qemu-img convert -f raw -O vhdx "$I/base.raw" "$I/a.vhdx"
# Two flat extents of 4 MiB (8192 sectors each) and their descriptor.
head -c 4M "$I/base.raw" > "$I/two-f001.vmdk"
tail -c 4M "$I/base.raw" > "$I/two-f002.vmdk"
cat > "$I/two.vmdk" <<'VMDK'
# Disk DescriptorFile
version=1
CID=fffffffe
parentCID=ffffffff
createType="twoGbMaxExtentFlat"

# Extent description
RW 8192 FLAT "two-f001.vmdk" 0
RW 8192 FLAT "two-f002.vmdk" 0

# The Disk Data Base
ddb.adapterType = "ide"
VMDK
qemu-img compare -f vmdk -F raw "$I/two.vmdk" "$I/base.raw"
chmod a-w "$I"/*
sum_before=$(cat "$I"/* | md5sum)

images=(--image "$I/a.vmdk" --image "$I/two.vmdk"
        --image "$I/two-f001.vmdk" --image "$I/two-f002.vmdk"
        --image "$I/a.vdi" --image "$I/a.vhd" --image "$I/a.qcow2"
        --image "$I/a.vhdx")

# --print-source: the domain made of the options, formats as probed.
x2k_expect 0 "$TMPD/src.xml" --batch --mode image "${images[@]}" \
    --new-name imgvm --vcpus 2 --memory 2G --firmware uefi \
    --bridge br0 --network default --print-source
# libvirt's schema knows no vhdx format: validated without it.
x2k_expect 0 "$TMPD/srcv.xml" --batch --mode image "${images[@]:0:14}" \
    --new-name imgvm --bridge br0 --print-source
virt-xml-validate "$TMPD/srcv.xml" domain
assert_contains "$TMPD/src.xml" "<name>imgvm</name>"
assert_contains "$TMPD/src.xml" "<vcpu placement='static'>2</vcpu>"
assert_contains "$TMPD/src.xml" "<memory unit='KiB'>2097152</memory>"
assert_contains "$TMPD/src.xml" "type='pflash'"
for f in "vmdk'/>
      <source file='$I/a.vmdk'" "vmdk'/>
      <source file='$I/two.vmdk'" "vdi'/>" "vpc'/>" "qcow2'/>" \
         "vhdx'/>"; do
    grep -qzF -- "$f" "$TMPD/src.xml" || fail "no disk $f"
done
# The extents are part of their descriptor's disk, not disks.
[ "$(grep -c "<disk " "$TMPD/src.xml")" = 6 ]
assert_not_contains "$TMPD/src.xml" "two-f001"
assert_contains "$TMPD/src.xml" "<source bridge='br0'/>"
assert_contains "$TMPD/src.xml" "<source network='default'/>"

# The replay command keeps every --image, in order, and --firmware.
x2k_expect 0 "$TMPD/plan" --batch --mode image "${images[@]}" \
    --new-name imgvm --firmware uefi --dump-plan
assert_contains "$TMPD/plan" "image: $I/two-f001.vmdk"
assert_contains "$TMPD/plan" "firmware: uefi"
want="--mode=image --image=$I/a.vmdk --image=$I/two.vmdk"
assert_contains "$TMPD/plan" "$want --image=$I/two-f001.vmdk"
replay=$(sed -n 's/^replay: //p' "$TMPD/plan")
mkdir -p "$TMPD/bin"
ln -s "$X2K" "$TMPD/bin/xen2kvm-tui"
PATH="$TMPD/bin:$PATH" eval "$replay --dump-plan" > "$TMPD/plan2" ||
    { cat "$TMPD/plan2"; fail "replay failed"; }
diff "$TMPD/plan" "$TMPD/plan2"

# The run: into the test driver target's dir pool, two NICs.
kvm_host_xml
x2k_expect 0 "$TMPD/run" --batch --mode image "${images[@]}" \
    --new-name imgvm --bridge br0 --network default \
    --target-uri "test://$TMPD/kvmhost.xml" --state-dir "$TMPD/state" \
    --no-guest-fixes
assert_contains "$TMPD/run" "Done: the domain 'imgvm' is defined on"
n=0
for src in a.vmdk two.vmdk a.vdi a.vhd a.qcow2 a.vhdx; do
    dev=vd$(printf "\\x$(printf %x $((97 + n)))")
    qemu-img compare -F raw "$I/$src" "$POOL/imgvm-$dev.raw" ||
        fail "$src differs from $dev"
    # Private, also the qcow2 source's raw result (core/transfer's
    # qemu-img step).
    [ "$(stat -c %a "$POOL/imgvm-$dev.raw")" = 600 ] ||
        fail "$dev is not 0600"
    n=$((n + 1))
done
rd=$(sed -n 's/^The report and the log are in \(.*\)\.$/\1/p' "$TMPD/run")
case $rd in */runs/*-imgvm) ;; *) fail "run directory $rd";; esac
virt-xml-validate "$rd/converted.xml" domain
assert_contains "$rd/converted.xml" '<source bridge="br0"/>'
assert_contains "$rd/converted.xml" '<source network="default"/>'
# The raw copies staged for the images qemu-img had to read are gone.
assert_contains "$TMPD/run" "image $I/a.vdi (vdi): qemu-img convert to $rd/image-4.raw"
assert_contains "$TMPD/run" "staged image $rd/image-4.raw removed"
! ls "$rd"/image-*.raw 2>/dev/null || fail "staged images left behind"
[ "$(cat "$I"/* | md5sum)" = "$sum_before" ] || fail "an image changed"

# Refusals.
x2k_expect 1 "$TMPD/r1" --batch --mode image --image "$I/two.vmdk" \
    --image "$I/two-f001.vmdk" --new-name x --print-source
assert_contains "$TMPD/r1.err" \
    "its extent $I/two-f002.vmdk is not given: give every extent with --image"
# An extent that does not exist at all: refused before qemu-img opens it.
sed 's|"two-f001|"img/two-f001|; s|two-f002|gone-f002|' "$I/two.vmdk" \
    > "$TMPD/gone.vmdk"
x2k_expect 1 "$TMPD/r8" --batch --mode image --image "$TMPD/gone.vmdk" \
    --image "$I/two-f001.vmdk" --new-name x --print-source
assert_contains "$TMPD/r8.err" "its extent $TMPD/gone-f002.vmdk is not given"
qemu-img create -q -f qcow2 -b "$I/a.qcow2" -F qcow2 "$TMPD/over.qcow2"
x2k_expect 1 "$TMPD/r2" --batch --mode image --image "$TMPD/over.qcow2" \
    --new-name x --print-source
assert_contains "$TMPD/r2.err" "has a backing file, which is not followed"
x2k_expect 2 "$TMPD/r3" --batch --mode image --image "$I/a.vmdk" \
    --print-source
assert_contains "$TMPD/r3.err" "--mode image needs --new-name NAME"
x2k_expect 2 "$TMPD/r4" --batch --mode image --new-name x --print-source
assert_contains "$TMPD/r4.err" "--mode image needs --image PATH"
x2k_expect 2 "$TMPD/r5" --batch --uri test:///default --vm-name test \
    --image "$I/a.vmdk" --dump-plan
assert_contains "$TMPD/r5.err" "--image and --firmware are only used with --mode image"
x2k_expect 2 "$TMPD/r6" --batch --mode image --image "$I/a.vmdk" \
    --new-name x --bridge xenbr0:br0 --dump-plan
assert_contains "$TMPD/r6.err" "takes OUT alone in image mode"
x2k_expect 1 "$TMPD/r7" --batch --mode image --image "$TMPD/nonexistent" \
    --new-name x --print-source
assert_contains "$TMPD/r7.err" "--image $TMPD/nonexistent: No such file"

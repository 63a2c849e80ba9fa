#!/bin/bash
# The XML converter end to end: every golden output validates against
# libvirt's RNG schema (virt-xml-validate), and the offline command
# `--batch --mode libvirtxml --input F --print-xml' prints valid KVM XML
# with the warnings on stderr, in English and in Chinese.
. "${top_srcdir:-..}/tests/functions.sh"
set -e -x
requires virt-xml-validate
tmpdir
export LANGUAGE=C LC_ALL=C.UTF-8
data="$top_srcdir/tests/data/xmlconv"

n=0
for f in "$data"/golden/*.xml; do
    virt-xml-validate "$f" domain > "$TMPD/v" 2>&1 || { cat "$TMPD/v"; fail "$f is not valid"; }
    n=$((n + 1))
done
# One golden output per fixture.
[ "$n" = "$(ls "$data"/*.xml | wc -l)" ] || fail "a fixture has no golden output"

# Offline conversion, target capabilities from a real libvirt (the
# test driver: only i686 guests of type 'test', so they are ignored).
x2k --batch --mode libvirtxml --input "$data/sles11sp3.xml" \
    --target-uri test:///default --new-name sles-kvm --bridge br0:br1 \
    --print-xml > "$TMPD/out.xml" 2> "$TMPD/err"
virt-xml-validate "$TMPD/out.xml" domain
assert_contains "$TMPD/out.xml" '<domain type="kvm">'
assert_contains "$TMPD/out.xml" '<name>sles-kvm</name>'
assert_contains "$TMPD/out.xml" '<target dev="vda" bus="virtio"/>'
assert_contains "$TMPD/out.xml" '<source bridge="br1"/>'
assert_contains "$TMPD/out.xml" '<source pool="default" volume="sles-kvm-vda.raw"/>'
assert_not_contains "$TMPD/out.xml" 'bootloader'
assert_not_contains "$TMPD/out.xml" 'xen'
assert_contains "$TMPD/err" "xen2kvm: disk xvda -> vda (virtio): /var/lib/libvirt/images/SLES_11_SP2_JeOS.x86_64-0.0.2_para.raw -> default/sles-kvm-vda.raw (to copy)"
assert_contains "$TMPD/err" "xen2kvm: warning: The source XML names no architecture; x86_64 was assumed."

# --network IN:user: a user-mode NIC, with no <source>, schema-valid.
x2k --batch --mode libvirtxml --input "$data/sles11sp3.xml" \
    --target-uri test:///default --network br0:user \
    --print-xml > "$TMPD/user.xml" 2> "$TMPD/user.err"
virt-xml-validate "$TMPD/user.xml" domain
assert_contains "$TMPD/user.xml" '<interface type="user">'
assert_not_contains "$TMPD/user.xml" '<source bridge='
assert_not_contains "$TMPD/user.xml" '<source network=' 
# The test driver lists no hypervisor: its capabilities are ignored.
assert_not_contains "$TMPD/err" "The target offers no"

# The name is taken on the target (the test driver's domain 'test'): a
# warning says the migration would stop there; a free name says nothing.
x2k --batch --mode libvirtxml --input "$data/sles11sp3.xml" \
    --target-uri test:///default --new-name test --print-xml \
    > "$TMPD/out.xml" 2> "$TMPD/err"
assert_contains "$TMPD/err" "xen2kvm: warning: A domain named 'test' already exists on test:///default"
assert_contains "$TMPD/err" "--new-name"
assert_contains "$TMPD/out.xml" '<name>test</name>'
x2k --batch --mode libvirtxml --input "$data/sles11sp3.xml" \
    --target-uri test:///default --print-xml > "$TMPD/out.xml" 2> "$TMPD/err"
assert_not_contains "$TMPD/err" "already exists"

# Local output: files in the output directory; direct kernel boot.
x2k --batch --mode libvirtxml --input "$data/pv-kernel.xml" \
    --target-uri test:///default --output-dir /srv/out --format qcow2 \
    --print-xml > "$TMPD/out.xml" 2> "$TMPD/err"
virt-xml-validate "$TMPD/out.xml" domain
assert_contains "$TMPD/out.xml" '<source file="/srv/out/centos6-pv-kernel-vda.qcow2"/>'
assert_contains "$TMPD/out.xml" '<driver name="qemu" type="qcow2"/>'
assert_contains "$TMPD/out.xml" '<kernel>/srv/out/centos6-pv-kernel-vmlinuz-2.6.32-754.el6.x86_64</kernel>'
assert_contains "$TMPD/out.xml" '<cmdline>root=/dev/vda1 ro resume=/dev/vdb console=ttyS0 console=tty0 quiet</cmdline>'
assert_contains "$TMPD/err" "xen2kvm: boot file kernel: /var/lib/xen/boot/vmlinuz-2.6.32-754.el6.x86_64 -> /srv/out/centos6-pv-kernel-vmlinuz-2.6.32-754.el6.x86_64"

# No target reachable: still converts, libvirt picks the emulator.
x2k --batch --mode libvirtxml --input "$data/hvm-linux.xml" \
    --target-uri "test:///$TMPD/nonexistent.xml" --print-xml \
    > "$TMPD/out.xml" 2> "$TMPD/err"
virt-xml-validate "$TMPD/out.xml" domain
assert_not_contains "$TMPD/out.xml" '<emulator>'
assert_contains "$TMPD/err" "libvirt will choose the emulator and machine type"

# Errors: a clear message and exit code 1, never a crash.
printf '<domain type="xen"><name>x</name>' > "$TMPD/bad.xml"
set +e
x2k --batch --mode libvirtxml --input "$TMPD/bad.xml" \
    --target-uri test:///default --print-xml > "$TMPD/out" 2> "$TMPD/err"
rc=$?
set -e
[ $rc = 1 ] || fail "malformed XML: exit $rc"
assert_contains "$TMPD/err" "xen2kvm: error: the domain XML is malformed"
[ ! -s "$TMPD/out" ]

set +e
x2k --batch --mode libvirtxml --input "$TMPD/missing.xml" --print-xml \
    2> "$TMPD/err"
rc=$?
set -e
[ $rc = 1 ] || fail "missing file: exit $rc"
assert_contains "$TMPD/err" "cannot open '$TMPD/missing.xml'"

set +e
x2k --batch --uri test:///default --vm-name test --print-xml 2> "$TMPD/err"
rc=$?
set -e
[ $rc = 2 ] || fail "xen mode --print-xml: exit $rc"
assert_contains "$TMPD/err" "--print-xml needs --mode libvirtxml"

# Warnings are translated.
if locale -a 2>/dev/null | grep -qix 'zh_CN.utf8'; then
    LANGUAGE=zh_CN LANG=zh_CN.UTF-8 LC_ALL=zh_CN.UTF-8 \
        x2k --batch --mode libvirtxml --input "$data/passthrough.xml" \
        --target-uri test:///default --print-xml > "$TMPD/out.xml" \
        2> "$TMPD/err"
    assert_contains "$TMPD/err" "xen2kvm: 警告：已删除 PCI 直通设备 0x0000:0x03:0x00.0x0：它属于 Xen 主机。"
    virt-xml-validate "$TMPD/out.xml" domain
fi

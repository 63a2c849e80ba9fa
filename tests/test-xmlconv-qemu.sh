#!/bin/bash
# The strictest check of the converter's output: libvirt's real QEMU
# driver, embedded in the process (qemu:///embed, no daemon), probing
# the real qemu-system-x86_64.  Every fixture is converted with that
# target's own capabilities (`--print-xml --target-uri ...') and defined
# there with schema validation.  As root it runs as `nobody' (a
# privileged embedded driver wants the libvirt-qemu user and /dev/kvm
# may not be usable); then only TCG (type qemu) is offered.
. "${top_srcdir:-..}/tests/functions.sh"
set -e -x
requires virsh qemu-system-x86_64
tmpdir
export LANGUAGE=C LC_ALL=C.UTF-8
data="$top_srcdir/tests/data/xmlconv"

as_user=()
if [ "$(id -u)" = 0 ]; then
    requires runuser
    as_user=(runuser -u nobody --)
    chmod 0777 "$TMPD"
fi
run()
{
    "${as_user[@]}" env HOME="$TMPD" "$@"
}
uri="qemu:///embed?root=$TMPD/root"
run test -x "$X2K" || skip "$X2K is not reachable as nobody"

# The QEMU driver needs a first probe of the emulator (a few seconds).
run virsh -q -c "$uri" capabilities > "$TMPD/caps.xml" ||
    skip "the embedded QEMU driver does not start here"
grep -q "<domain type='qemu'" "$TMPD/caps.xml" ||
    skip "QEMU offers no guests here"

n=0
for f in "$data"/*.xml; do
    name=$(basename "$f" .xml)
    run "$X2K" --batch --mode libvirtxml --input "$f" --print-xml \
        --target-uri "$uri" > "$TMPD/$name.xml" 2> "$TMPD/$name.err"
    assert_not_contains "$TMPD/$name.err" "cannot connect to the target"
    # The target's own emulator and machine types were used.
    assert_contains "$TMPD/$name.xml" "<emulator>"
    assert_contains "$TMPD/$name.xml" 'machine="pc"'
    run virsh -q -c "$uri" define --validate "$TMPD/$name.xml" \
        > "$TMPD/$name.define" 2>&1 ||
        { cat "$TMPD/$name.define" "$TMPD/$name.xml"; fail "QEMU refused $name"; }
    n=$((n + 1))
done
[ "$n" -ge 14 ]

# The hardware options, through the same driver.
run "$X2K" --batch --mode libvirtxml --input "$data/hardware.xml" --print-xml \
    --target-uri "$uri" --new-name sles12-db-hw --new-uuid --vcpus 2 --memory 3G \
    --disk-bus sata --disk-bus xvdb=virtio --disk-bus xvdc=scsi \
    --nic-model 00:16:3e:12:00:02=rtl8139 > "$TMPD/hw.xml" 2> "$TMPD/hw.err"
run virsh -q -c "$uri" define --validate "$TMPD/hw.xml" > "$TMPD/hw.define" 2>&1 ||
    { cat "$TMPD/hw.define" "$TMPD/hw.xml"; fail "QEMU refused the hardware options"; }
n=$((n + 1))
run virsh -q -c "$uri" dumpxml --inactive sles12-db-hw > "$TMPD/hw.back"
grep -q "<vcpu placement='static'>2</vcpu>" "$TMPD/hw.back"
grep -q "<memory unit='KiB'>3145728</memory>" "$TMPD/hw.back"
grep -q "<target dev='sdb' bus='scsi'/>" "$TMPD/hw.back"
grep -q "<model type='rtl8139'/>" "$TMPD/hw.back"
run virsh -q -c "$uri" list --all --name | sort > "$TMPD/defined"
[ "$(grep -c . "$TMPD/defined")" = "$n" ] || fail "not every domain is defined"
grep -qx SLES11SP3 "$TMPD/defined"
grep -qx gateway "$TMPD/defined"

#!/bin/bash
# End to end without SSH (any user): the fake Xen host's disks are on
# this machine (a test:// source URI names no host), so the pipeline
# reads them locally.  The PV guest goes into a dir pool of a
# test-driver target, the HVM guest to --output local; both copies must
# be byte-identical and sparse, the XML schema-valid, the run directory
# complete.
. "${top_srcdir:-..}/tests/functions.sh"
set -e -x
requires truncate cmp du
xen_host_start --local

truncate -s 20M "$XEN/images/rhel49-x86_64-pv.img"
head -c 300000 /dev/urandom |
    dd of="$XEN/images/rhel49-x86_64-pv.img" bs=1M seek=7 conv=notrunc status=none
truncate -s 8M "$XEN/images/win2k8-hvm.img"
head -c 100000 /dev/urandom |
    dd of="$XEN/images/win2k8-hvm.img" conv=notrunc status=none
xen_host_xml
kvm_host_xml
base=(--batch --uri "test://$TMPD/xenhost.xml"
      --target-uri "test://$TMPD/kvmhost.xml" --bridge br0
      --state-dir "$TMPD/state" --no-guest-fixes)

x2k "${base[@]}" --vm-name rhel49-x86_64-pv > "$TMPD/pv" 2> "$TMPD/pv.err"
cat "$TMPD/pv" "$TMPD/pv.err"
assert_contains "$TMPD/pv" "no SSH host: the disks are read on this machine"
assert_contains "$TMPD/pv" "Done: the domain 'rhel49-x86_64-pv' is defined on"
cmp "$XEN/images/rhel49-x86_64-pv.img" "$TMPD/pool/rhel49-x86_64-pv-vda.raw"
[ "$(du -k "$TMPD/pool/rhel49-x86_64-pv-vda.raw" | cut -f1)" -lt 2048 ]
rd=$(sed -n 's/^The report and the log are in \(.*\)\.$/\1/p' "$TMPD/pv")
for f in log plan.txt replay.sh original.xml converted.xml report.txt; do
    [ -s "$rd/$f" ] || fail "$rd/$f missing"
done
if command -v virt-xml-validate >/dev/null; then
    virt-xml-validate "$rd/converted.xml" domain
fi
assert_contains "$rd/report.txt" "xvda -> vda"

x2k "${base[@]}" --vm-name win2k8-hvm --output local \
    --output-dir "$TMPD/out" > "$TMPD/hvm" 2> "$TMPD/hvm.err"
cat "$TMPD/hvm" "$TMPD/hvm.err"
assert_contains "$TMPD/hvm" "are in $TMPD/out."
cmp "$XEN/images/win2k8-hvm.img" "$TMPD/out/win2k8-hvm-vda.raw"
[ -s "$TMPD/out/win2k8-hvm.xml" ]
[ -s "$TMPD/out/win2k8-hvm-report.txt" ]
grep -q "$TMPD/out/win2k8-hvm-vda.raw" "$TMPD/out/win2k8-hvm.xml"

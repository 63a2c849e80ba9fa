#!/bin/bash
# The staging-space check (issue 12, item 14): the builtin engine stages
# nothing, so a block-device guest with a state directory on a tiny
# tmpfs passes --check; virt-v2v's engine stages block devices in the
# run directory, and the check measures the state directory it uses
# (not the current directory).  Needs a tmpfs mount (root), else SKIP.
. "${top_srcdir:-..}/tests/functions.sh"
set -e -x
requires truncate mount umount
requires_root
xen_host_start --local
truncate -s 16M "$XEN/images/ubuntu14.04.img"
truncate -s 24M "$XEN/dev/ubuntu-data"
xen_host_xml
kvm_host_xml
mkdir "$TMPD/small"
mount -t tmpfs -o size=1m tmpfs "$TMPD/small" || skip "no tmpfs mount"
cleanup_fn umount "$TMPD/small"
mkdir "$TMPD/small/state"
base=(--batch --check --uri "test://$TMPD/xenhost.xml"
      --target-uri "test://$TMPD/kvmhost.xml" --bridge br0
      --vm-name ubuntu14.04 --block-device --state-dir "$TMPD/small/state")

# Print the status of every row with check ID in table file F.
status_of()
{
    awk -v id="$2" '$1 == id { print $2 }' "$1"
}

x2k_expect 0 "$TMPD/builtin" "${base[@]}"
[ "$(status_of "$TMPD/builtin" space | sort -u)" = ok ] ||
    fail "the builtin engine's space check measured a staging directory"

rc=0
x2k "${base[@]}" --engine virt-v2v > "$TMPD/v2v" 2>&1 || rc=$?
cat "$TMPD/v2v"
[ $rc = 3 ]
status_of "$TMPD/v2v" space | grep -qx FAIL ||
    fail "virt-v2v's staging needs room in the state directory"
assert_contains "$TMPD/v2v" "$TMPD/small/state"

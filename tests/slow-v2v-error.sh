#!/bin/bash
# make check-slow: a REAL virt-v2v run through core/v2v (argv built from
# a plan, child with pipes, --machine-readable parser) on a blank disk:
# virt-v2v launches its appliance, fails inspection (~20-35 s here) and
# the error must surface with virt-v2v's own message as detail, its
# whole output kept in the log, progress messages turned into events.
. "${top_srcdir:-..}/tests/functions.sh"
set -e -x

requires virt-v2v nbdkit nbdcopy
HELPER="${top_builddir:-..}/tests/slow-helper"
[ -x "$HELPER" ] || fail "build tests/slow-helper first (make check)"
tmpdir
T=$TMPD
# The runner must find out about broken KVM by itself.
unset LIBGUESTFS_BACKEND_SETTINGS

"$HELPER" v2v-probe > $T/probe
cat $T/probe
assert_contains $T/probe "libvirtxml: yes"
grep -E '^version: [0-9]+\.[0-9]+' $T/probe

truncate -s 100M "$T/blank disk.img"
cat > $T/blank.xml <<XML
<domain type='xen'>
  <name>blank</name>
  <memory unit='KiB'>524288</memory>
  <vcpu>1</vcpu>
  <os><type arch='x86_64'>hvm</type></os>
  <devices>
    <disk type='file' device='disk'>
      <driver name='qemu' type='raw'/>
      <source file='$T/blank disk.img'/>
      <target dev='hda' bus='ide'/>
    </disk>
  </devices>
</domain>
XML
mkdir $T/out
sum_before=$(md5sum < "$T/blank disk.img")
start=$(date +%s)
if "$HELPER" v2v-run $T/v2v.log $T/out $T/blank.xml > $T/run.out 2> $T/run.err
then
    cat $T/run.out $T/run.err >&2
    fail "virt-v2v succeeded on a blank disk"
fi
end=$(date +%s)
cat $T/run.out $T/run.err
# The argv came from the plan, no shell.
assert_contains $T/run.out \
    "argv: virt-v2v -i libvirtxml -o local -os $T/out -of raw -oa sparse --machine-readable $T/blank.xml"
# Its messages became events; its error is the detail.
assert_contains $T/run.err "log: Setting up the source: -i libvirtxml"
assert_contains $T/run.err "log: Inspecting the source"
assert_contains $T/run.err "error: virt-v2v: virt-v2v failed with exit status 1 (its full output is in $T/v2v.log)"
assert_contains $T/run.err "inspection could not detect the source guest"
# The log keeps everything, both streams.
assert_contains $T/run.err "log: virt-v2v 2."
grep -q "^# /.*/virt-v2v -i libvirtxml" $T/v2v.log || fail "log lacks the command"
assert_contains $T/v2v.log '"type": "error"'
assert_contains $T/v2v.log "virt-v2v: error: inspection could not detect"
[ "$(md5sum < "$T/blank disk.img")" = "$sum_before" ] ||
    fail "virt-v2v changed its input"
echo "virt-v2v error path: $((end - start)) s"

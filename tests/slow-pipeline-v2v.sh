#!/bin/bash
# make check-slow: the virt-v2v engine through the whole pipeline, on
# the block-device guest of the fake Xen host (test driver + loopback
# sshd): our transfer copies both disks (a file and a host block device)
# into the run directory, the sources are rewritten to the copies
# (virt-v2v-input.xml) and `virt-v2v -i libvirtxml' runs on them.  The
# disks are blank, so virt-v2v fails inspection (~20-35 s): its error
# must surface (exit 1, a JSON error line with its message), its log
# kept in the run directory, its messages turned into events.
. "${top_srcdir:-..}/tests/functions.sh"
set -e -x
requires virt-v2v nbdkit nbdcopy cmp
xen_host_start
unset LIBGUESTFS_BACKEND_SETTINGS

truncate -s 32M "$XEN/images/ubuntu14.04.img"
printf 'not an OS' | dd of="$XEN/images/ubuntu14.04.img" conv=notrunc status=none
truncate -s 8M "$TMPD/ubuntu-data.raw"
printf 'data' | dd of="$TMPD/ubuntu-data.raw" bs=1M seek=4 conv=notrunc status=none
serve_block_device "$TMPD/ubuntu-data.raw" "$XEN/dev/ubuntu-data"
xen_host_xml

start=$(date +%s)
rc=0
x2k --batch --uri "test://$TMPD/xenhost.xml" "${XEN_SSH[@]}" \
    --engine virt-v2v --output local --output-dir "$TMPD/out" \
    --state-dir "$TMPD/state" --vm-name ubuntu14.04 --block-device \
    --bridge br0 --machine-readable > $TMPD/out.json 2> $TMPD/err || rc=$?
end=$(date +%s)
cat $TMPD/out.json $TMPD/err
[ $rc = 1 ] || fail "exit $rc, expected 1"
rd=$(ls -d "$TMPD"/state/runs/*-ubuntu14.04)
ls -l "$rd" "$rd/disks"

# Our copies of both disks, byte-identical; the XML virt-v2v read.
cmp "$XEN/images/ubuntu14.04.img" "$rd/disks/vda.raw"
cmp "$TMPD/ubuntu-data.raw" "$rd/disks/vdb.raw"
cat "$rd/virt-v2v-input.xml"
grep -q "file=.$rd/disks/vda.raw" "$rd/virt-v2v-input.xml"
grep -q "file=.$rd/disks/vdb.raw" "$rd/virt-v2v-input.xml"
! grep -q "type=.block" "$rd/virt-v2v-input.xml"
# virt-v2v ran on it; its messages are events, its error the last line.
grep -q '"message":"running: [^"]*virt-v2v -i libvirtxml' $TMPD/out.json
grep -q '"type":"log","message":"Inspecting the source' $TMPD/out.json
tail -1 $TMPD/out.json | grep '"type":"error","code":"virt-v2v"'
tail -1 $TMPD/out.json | grep 'inspection could not detect the source guest'
assert_contains "$rd/virt-v2v.log" "virt-v2v: error: inspection could not detect"
assert_contains "$rd/log" "stage convert end (failed)"
# A failed run still leaves its report and replay command.
assert_contains "$rd/report.txt" "failed in the stage convert"
[ -s "$rd/replay.sh" ]
echo "slow-pipeline-v2v: $((end - start)) s"

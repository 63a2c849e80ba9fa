#!/bin/bash
# End to end: a fake Xen host (libvirt's test driver, tests/data/
# xenhost.xml, disks served by a real loopback sshd) -> `xen2kvm-tui
# --batch' migrations of the PV and HVM guests into a dir pool in a temp
# dir on a test-driver target, with --no-guest-fixes (the appliance runs
# only in make check-slow).  Asserts the converted XML (schema-valid),
# the disks (byte-identical, sparse), the run directory, the untouched
# sources, re-runs, --output local, a failed preflight and a cancelled
# copy.  The block-device guest is test-pipeline-block.sh: it needs a
# real loop device.
. "${top_srcdir:-..}/tests/functions.sh"
set -e -x
requires qemu-img truncate cmp md5sum python3
xen_host_start

# A disk with data here and there and holes between: OFFSET_MIB:LEN_KIB...
mkdisk()
{
    local f=$1 size=$2 spec
    shift 2
    truncate -s "$size" "$f"
    for spec in "$@"; do
        head -c "$((${spec#*:} * 1024))" /dev/urandom |
            dd of="$f" bs=1M seek="${spec%:*}" conv=notrunc status=none
    done
}

mkdisk "$XEN/images/rhel49-x86_64-pv.img" 24M 0:512 10:1024 23:64
mkdisk "$XEN/images/win2k8-hvm.img" 16M 0:256 8:2048
mkdisk "$XEN/images/ubuntu14.04.img" 8M 0:128 4:256
mkdisk "$XEN/images/web-running.img" 4M 0:64
mkdisk "$XEN/images/multi-root.img" 4M 0:64
mkdisk "$XEN/images/multi log 'x'.img" 2M 1:64
qemu-img create -q -f qcow2 "$XEN/images/multi-data.qcow2" 64M
qemu-io -c 'write -P 0x5a 1M 256k' "$XEN/images/multi-data.qcow2" >/dev/null
mkdisk "$XEN/images/pv-kernel.img" 4M 0:64
mkdir -p "$XEN/boot"
head -c 300000 /dev/urandom > "$XEN/boot/vmlinuz-pv"
head -c 200000 /dev/urandom > "$XEN/boot/initrd-pv"
# The block-device guest's second disk, only for the XML to list it.
mkdisk "$TMPD/ubuntu-data.raw" 12M 1:1024 11:512
cp "$TMPD/ubuntu-data.raw" "$XEN/dev/ubuntu-data"

# Plus a PV guest booted with a kernel and initrd from the Xen host.
xen_host_xml -e '\|^</node>|d'
(cd "$XEN" && find images dev boot -type f -o -type l | sort | xargs -d '\n' md5sum -b -- ) \
    > "$TMPD/sources.md5"
md5sum "$TMPD/ubuntu-data.raw" >> "$TMPD/sources.md5"
cat >> "$TMPD/xenhost.xml" <<XML
  <domain type='xen'>
    <name>pv-kernel</name>
    <uuid>4d8b9f2e-1c1a-4f6e-9a51-2d5c0f3b7a99</uuid>
    <memory unit='KiB'>262144</memory>
    <vcpu>1</vcpu>
    <os>
      <type arch='x86_64'>linux</type>
      <kernel>$XEN/boot/vmlinuz-pv</kernel>
      <initrd>$XEN/boot/initrd-pv</initrd>
      <cmdline>root=/dev/xvda1 console=hvc0</cmdline>
    </os>
    <devices>
      <disk type='file' device='disk'>
        <source file='$XEN/images/pv-kernel.img'/>
        <target dev='xvda' bus='xen'/>
      </disk>
    </devices>
    <test:runstate>5</test:runstate>
  </domain>
</node>
XML
kvm_host_xml
cp "$TMPD/xenhost.xml" "$TMPD/xenhost.xml.orig"

base=(--batch --uri "test://$TMPD/xenhost.xml" "${XEN_SSH[@]}"
      --target-uri "test://$TMPD/kvmhost.xml" --bridge br0
      --state-dir "$TMPD/state" --no-guest-fixes)

# The run directory named in the last line of a JSON-lines output.
run_dir_of()
{
    tail -1 "$1" | sed -n 's/.*"run_dir":"\([^"]*\)".*/\1/p'
}

# Every line of a --machine-readable output is one JSON object.
check_json()
{
    python3 -c '
import json, os, re, sys
kinds = set()
warnings = []
for n, line in enumerate(open(sys.argv[1]), 1):
    o = json.loads(line)
    assert isinstance(o, dict) and "type" in o, (n, line)
    t = o["type"]
    kinds.add(t)
    if t == "stage":
        # status 1: skipped (nothing to do: boot-check without
        # --boot-check, fix-guest with --no-guest-fixes).
        assert o["state"] in ("begin", "end") and o["status"] in (0, -1, 1)
        if o["status"] == 1:
            assert o["stage"] in ("fix-guest", "boot-check"), o
        assert o["stage"] in ("connect", "inspect", "preflight", "copy",
                              "convert", "fix-guest", "define",
                              "boot-check", "report")
        if o["stage"] == "boot-check" and o["state"] == "end":
            assert o["status"] == 1, o
    elif t == "console":
        assert isinstance(o["line"], str)
    elif t == "progress":
        assert isinstance(o["disk"], int) and o["done"] <= o["total"], o
    elif t in ("log", "warning"):
        assert isinstance(o["message"], str)
        if t == "warning":
            # Every warning has a stable id.
            assert re.match(r"^[a-z0-9][a-z0-9-]*$", o["id"]), o
            warnings.append("%s: %s" % (o["id"], o["message"]))
    elif t == "result":
        assert isinstance(o["domain"], str) and o["domain"]
        assert isinstance(o["target"], str) and o["target"]
        assert isinstance(o["run_dir"], str) and o["run_dir"]
        assert all(isinstance(d, str) for d in o["disks"]) and o["disks"]
        assert isinstance(o["warnings"], int)
        assert isinstance(o["defined"], bool)
        assert isinstance(o["started"], bool)
        assert o["boot_check"] == "skipped", o
        assert isinstance(o["boot_seconds"], float)
        assert n == len(open(sys.argv[1]).readlines()), "result not last"
        assert o["warnings"] == len(warnings), (o["warnings"], warnings)
        # ...and each one is in the report, with its id.
        report = open(os.path.join(o["run_dir"], "report.txt")).read()
        rest = report.split("\n[warnings]\n", 1)[1].split("\n")
        listed = rest[:rest.index("")]
        assert listed == warnings, (listed, warnings)
    elif t == "error":
        assert isinstance(o["code"], str) and isinstance(o["message"], str)
        assert o["run_dir"] is None or os.path.isdir(o["run_dir"]), o
    else:
        raise AssertionError("unknown type %s" % t)
assert "result" in kinds or "error" in kinds
print(sorted(kinds))
' "$1"
}

# Sparse: the copy uses about as many blocks as its source.
assert_sparse()
{
    local src=$1 dst=$2 s d
    s=$(du -k "$src" | cut -f1)
    d=$(du -k "$dst" | cut -f1)
    [ "$d" -le $((s + 256)) ] || fail "$dst uses $d KiB, its source $s KiB"
}

validate()
{
    if command -v virt-xml-validate >/dev/null; then
        virt-xml-validate "$1" domain
    fi
}

# --- PV guest into the dir pool. ---
start=$(date +%s.%N)
x2k_expect 0 "$TMPD/pv" "${base[@]}" --vm-name rhel49-x86_64-pv \
    --machine-readable
echo "pv: $(echo "$(date +%s.%N) - $start" | bc) s"
check_json "$TMPD/pv"
tail -1 "$TMPD/pv" | grep '"type":"result","domain":"rhel49-x86_64-pv"'
tail -1 "$TMPD/pv" | grep '"defined":true'
rd=$(run_dir_of "$TMPD/pv")
[ -d "$rd" ]
for f in log plan.txt replay.sh original.xml converted.xml report.txt; do
    [ -s "$rd/$f" ] || fail "$rd/$f missing"
done
validate "$rd/converted.xml"
grep -q "<domain type=" "$rd/converted.xml"
grep -q "$POOL/rhel49-x86_64-pv-vda.raw" "$rd/converted.xml"
grep -q "<target dev=.vda. bus=.virtio." "$rd/converted.xml"
cmp "$rd/original.xml" <(virsh -q -c "test://$TMPD/xenhost.xml" dumpxml --inactive rhel49-x86_64-pv)
cmp "$XEN/images/rhel49-x86_64-pv.img" "$POOL/rhel49-x86_64-pv-vda.raw"
assert_sparse "$XEN/images/rhel49-x86_64-pv.img" "$POOL/rhel49-x86_64-pv-vda.raw"
assert_contains "$rd/report.txt" "xvda -> vda"
assert_contains "$rd/report.txt" "[replay]"
assert_contains "$rd/report.txt" "none: --no-guest-fixes"
assert_contains "$rd/log" "stage define end"
assert_contains "$rd/log" "domain rhel49-x86_64-pv defined on test://$TMPD/kvmhost.xml"
grep -q '"type":"progress","disk":0,"name":"vda"' "$TMPD/pv"

# A finished run leaves no resume journal in the pool.
[ -z "$(ls "$POOL" | grep x2k-journal)" ] || fail "journal left in the pool"

# Re-running the same command does not replace the finished copy (its
# journal is gone: nothing says this migration made it) ...
x2k_expect 3 "$TMPD/pv1" "${base[@]}" --vm-name rhel49-x86_64-pv
assert_contains "$TMPD/pv1.err" "dest-exists"
# ... with --overwrite it gives the same result (a new copy: the target
# here is a fresh test driver each time).
x2k_expect 0 "$TMPD/pv2" "${base[@]}" --vm-name rhel49-x86_64-pv \
    --machine-readable --overwrite
rd2=$(run_dir_of "$TMPD/pv2")
[ "$rd2" != "$rd" ]
assert_contains "$rd2/report.txt" "result: success"
cmp "$rd/converted.xml" "$rd2/converted.xml"
cmp "$XEN/images/rhel49-x86_64-pv.img" "$POOL/rhel49-x86_64-pv-vda.raw"

# --- HVM guest (human output). ---
x2k_expect 0 "$TMPD/hvm" "${base[@]}" --vm-name win2k8-hvm --verify
assert_contains "$TMPD/hvm" "Done: the domain 'win2k8-hvm' is defined on"
rd=$(sed -n 's/^The report and the log are in \(.*\)\.$/\1/p' "$TMPD/hvm")
validate "$rd/converted.xml"
cmp "$XEN/images/win2k8-hvm.img" "$POOL/win2k8-hvm-vda.raw"
assert_contains "$rd/report.txt" ", verified ("
# Every changed line of the domain XML, old -> new.
assert_contains "$rd/report.txt" "[domain XML diff: original.xml -> converted.xml]"
assert_contains "$rd/report.txt" 'xml: -       <model type="rtl8139"/>'
assert_contains "$rd/report.txt" 'xml: +       <model type="virtio"/>'
assert_sparse "$XEN/images/win2k8-hvm.img" "$POOL/win2k8-hvm-vda.raw"

# --- --output local: disks, XML and report in a directory. ---
OUT=$TMPD/out
x2k_expect 0 "$TMPD/local" "${base[@]}" --vm-name rhel49-x86_64-pv \
    --output local --output-dir "$OUT" --new-name pv-local --machine-readable
check_json "$TMPD/local"
tail -1 "$TMPD/local" | grep '"defined":false'
cmp "$XEN/images/rhel49-x86_64-pv.img" "$OUT/pv-local-vda.raw"
[ -s "$OUT/pv-local.xml" ] && validate "$OUT/pv-local.xml"
grep -q "$OUT/pv-local-vda.raw" "$OUT/pv-local.xml"
[ -s "$OUT/pv-local-report.txt" ]

# --- Several disks: a real qcow2 (the output is --format, raw by
# default, whatever the source's), a path with a space and quotes. ---
x2k_expect 0 "$TMPD/multi" "${base[@]}" --vm-name multidisk-pv \
    --machine-readable
check_json "$TMPD/multi"
rd=$(run_dir_of "$TMPD/multi")
validate "$rd/converted.xml"
cmp "$XEN/images/multi-root.img" "$POOL/multidisk-pv-vda.raw"
qemu-img compare -q -f qcow2 -F raw "$XEN/images/multi-data.qcow2" \
    "$POOL/multidisk-pv-vdb.raw"
[ "$(stat -c %s "$POOL/multidisk-pv-vdb.raw")" = $((64 * 1048576)) ]
[ -z "$(ls "$POOL" | grep -e qcow2 -e x2k-src)" ] || fail "a qcow2 copy in the pool"
cmp "$XEN/images/multi log 'x'.img" "$POOL/multidisk-pv-vdc.raw"
grep -q "$POOL/multidisk-pv-vdb.raw" "$rd/converted.xml"
! grep -q "type=.qcow2" "$rd/converted.xml"
# ...and qcow2 with --format qcow2, converted from the source's qcow2.
x2k_expect 0 "$TMPD/multiq" "${base[@]}" --vm-name multidisk-pv \
    --new-name multi-q --format qcow2 --machine-readable
check_json "$TMPD/multiq"
qemu-img compare -q -f qcow2 -F qcow2 "$XEN/images/multi-data.qcow2" \
    "$POOL/multi-q-vdb.qcow2"
qemu-img compare -q -f raw -F qcow2 "$XEN/images/multi-root.img" \
    "$POOL/multi-q-vda.qcow2"
grep -q "type=.qcow2" "$(run_dir_of "$TMPD/multiq")/converted.xml"

# --- Direct kernel boot: kernel and initrd fetched over SSH to the
# paths the converted XML names (--output local: the output dir). ---
OUT2=$TMPD/out2
x2k_expect 0 "$TMPD/kern" "${base[@]}" --vm-name pv-kernel --output local \
    --output-dir "$OUT2" --format qcow2 --machine-readable
qemu-img compare -q -f raw -F qcow2 "$XEN/images/pv-kernel.img" \
    "$OUT2/pv-kernel-vda.qcow2"
grep -q "type=.qcow2" "$OUT2/pv-kernel.xml"
kernel=$(sed -n 's|.*<kernel>\(.*\)</kernel>.*|\1|p' "$OUT2/pv-kernel.xml")
initrd=$(sed -n 's|.*<initrd>\(.*\)</initrd>.*|\1|p' "$OUT2/pv-kernel.xml")
case $kernel in "$OUT2"/*) ;; *) fail "kernel at '$kernel'" ;; esac
cmp "$XEN/boot/vmlinuz-pv" "$kernel"
cmp "$XEN/boot/initrd-pv" "$initrd"
[ -z "$(ls "$OUT2" | grep x2k-journal)" ] || fail "journal left in $OUT2"
grep -q 'root=/dev/vda1 console=ttyS0' "$OUT2/pv-kernel.xml"
validate "$OUT2/pv-kernel.xml"
[ "$(stat -c %a "$kernel")" = 600 ] || fail "the fetched kernel is not 0600"
# A kernel already there (not this migration's) is not replaced.
mkdir "$TMPD/out3"
cp "$kernel" "$TMPD/out3/$(basename "$kernel")"
x2k_expect 3 "$TMPD/kern3" "${base[@]}" --vm-name pv-kernel --output local \
    --output-dir "$TMPD/out3"
assert_contains "$TMPD/kern3.err" "$TMPD/out3/$(basename "$kernel") already"

# --- A failed preflight exits 3 and copies nothing. ---
x2k_expect 3 "$TMPD/running" "${base[@]}" --vm-name web-running
assert_contains "$TMPD/running.err" "vm-shutoff"
[ ! -e "$POOL/web-running-vda.raw" ]
# What connect or inspect could not do is a failed preflight check too.
x2k_expect 3 "$TMPD/noguest" "${base[@]}" --vm-name no-such-guest \
    --machine-readable
check_json "$TMPD/noguest"
tail -1 "$TMPD/noguest" | grep '"code":"preflight".*vm-exists'
x2k_expect 3 "$TMPD/closed" "${base[@]}" --vm-name rhel49-x86_64-pv \
    --ssh-port "$(free_port)" --machine-readable
tail -1 "$TMPD/closed" | grep '"code":"preflight".*ssh-reachable'

# --- A running guest with --shutdown-source: guided shutdown, then copy.
x2k_expect 0 "$TMPD/shut" "${base[@]}" --vm-name web-running \
    --shutdown-source --shutdown-timeout 10 --machine-readable
check_json "$TMPD/shut"
grep -q '"message":"shutting down web-running' "$TMPD/shut"
cmp "$XEN/images/web-running.img" "$POOL/web-running-vda.raw"

# --- Ctrl-C in the middle of a copy exits 4; a re-run resumes. ---
rm -f "$POOL"/rhel49-x86_64-pv-vda.raw*
# X2K_BWLIMIT slows the copy (512 KiB/s) so that the signal lands in
# the middle: after the hole at 512 KiB - 10 MiB, inside the data at 10 MiB.
X2K_BWLIMIT=$((512 * 1024)) "$X2K" "${base[@]}" --vm-name rhel49-x86_64-pv \
    --machine-readable > "$TMPD/cancel" 2>"$TMPD/cancel.err" &
pid=$!
i=0
until grep -Eq '"type":"progress","disk":0,[^}]*"done":[0-9]{8},' "$TMPD/cancel"; do
    i=$((i + 1)); [ $i -lt 200 ] || fail "no progress"; sleep 0.05
done
kill -INT $pid
rc=0; wait $pid || rc=$?
cat "$TMPD/cancel" "$TMPD/cancel.err"
[ $rc = 4 ] || fail "cancel: exit $rc"
check_json "$TMPD/cancel"
tail -1 "$TMPD/cancel" | grep '"type":"error","code":"cancelled"'
rd=$(sed -n 's/^{"type":"log","message":"run directory: \(.*\)"}$/\1/p' "$TMPD/cancel")
[ -d "$rd" ]
assert_contains "$rd/report.txt" "result: failed in the stage copy"
[ -s "$POOL/rhel49-x86_64-pv-vda.raw.x2k-journal" ]
x2k_expect 0 "$TMPD/resume" "${base[@]}" --vm-name rhel49-x86_64-pv \
    --machine-readable
rd=$(run_dir_of "$TMPD/resume")
assert_contains "$rd/report.txt" "resumed at"
grep -q '"type":"progress","disk":0,[^}]*"done":[1-9][0-9]*,' "$TMPD/resume"
cmp "$XEN/images/rhel49-x86_64-pv.img" "$POOL/rhel49-x86_64-pv-vda.raw"

# The sources were never written to.
(cd "$XEN" && md5sum -c --quiet) < <(head -n -1 "$TMPD/sources.md5")
md5sum -c --quiet <(tail -1 "$TMPD/sources.md5")
cmp "$TMPD/xenhost.xml" "$TMPD/xenhost.xml.orig"

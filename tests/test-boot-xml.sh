#!/bin/bash
# tests/boot/boot-xml.py (make check-boot's converted XML -> bootable
# XML) on the converter's golden HVM output: every device kept, only the
# documented changes made.
. "${top_srcdir:-..}/tests/functions.sh"
set -e -x
requires python3
tmpdir
in=$top_srcdir/tests/data/xmlconv/golden/hvm-linux.xml
out=$TMPD/boot.xml
python3 "$top_srcdir/tests/boot/boot-xml.py" "$in" "$out" \
    --serial-log "$TMPD/serial.log" --name booted --pool "default=$TMPD/pool"
cat "$out"
python3 - "$in" "$out" "$TMPD" <<'PY'
import sys
import xml.etree.ElementTree as ET
a = ET.parse(sys.argv[1]).getroot()
b = ET.parse(sys.argv[2]).getroot()
t = sys.argv[3]
attrs = lambda e, tag: None if e.find(tag) is None else e.find(tag).attrib
assert b.get("type") == "qemu"
assert b.findtext("name") == "booted"
assert b.find("cpu") is None, "host CPU under TCG"
for tag in ("memory", "vcpu", "os/type", "os/boot"):
    assert ET.tostring(a.find(tag)) == ET.tostring(b.find(tag)), tag
da, db = a.find("devices"), b.find("devices")
# Disks: same count, buses, targets and formats; the pool volume became
# its file in the pool directory.
disks_a, disks_b = da.findall("disk"), db.findall("disk")
assert len(disks_a) == len(disks_b)
for x, y in zip(disks_a, disks_b):
    assert attrs(x, "target") == attrs(y, "target")
    assert attrs(x, "driver") == attrs(y, "driver")
    if x.get("type") == "volume":
        assert y.get("type") == "file"
        assert y.find("source").get("file") == \
            t + "/pool/" + x.find("source").get("volume")
    else:
        assert attrs(x, "source") == attrs(y, "source")
# NICs: user-mode, model and MAC kept.
nics_a, nics_b = da.findall("interface"), db.findall("interface")
assert len(nics_a) == len(nics_b) > 0
for x, y in zip(nics_a, nics_b):
    assert y.get("type") == "user"
    assert y.find("source") is None
    assert attrs(x, "mac") == attrs(y, "mac")
    assert attrs(x, "model") == attrs(y, "model")
# One serial port, to the file; no console alias; no graphics.
ser = db.findall("serial")
assert len(ser) == 1 and ser[0].get("type") == "file"
assert ser[0].find("source").get("path") == t + "/serial.log"
assert db.find("console") is None and db.find("graphics") is None
# Everything else is untouched.
rest = lambda d: [ET.tostring(e) for e in d
                  if e.tag not in ("disk", "interface", "serial",
                                   "console", "graphics")]
assert rest(da) == rest(db), "other devices changed"
print("ok")
PY
# A pool volume without --pool is an error, not a guess.
if python3 "$top_srcdir/tests/boot/boot-xml.py" "$in" "$out" \
        --serial-log "$TMPD/s" 2> "$TMPD/err"; then
    fail "a volume disk without --pool was accepted"
fi
assert_contains "$TMPD/err" "no --pool"

#!/bin/bash
# The xl/xm configuration reader end to end: every fixture of
# tests/data/xl (written from xl.cfg(5), xl-disk-configuration(5) and
# xen-tools' templates) gives its golden Xen domain XML with
# `--mode xl --input F --print-source' (GENERATE=1 rewrites them), each
# golden validates against libvirt's domain schema, --print-xml converts
# it, the stop points exclude each other, and bad files fail naming the
# file, line and column.
. "${top_srcdir:-..}/tests/functions.sh"
set -e -x
requires virt-xml-validate
tmpdir
export LANGUAGE=C LC_ALL=C.UTF-8
data="$top_srcdir/tests/data/xl"

n=0
for cfg in "$data"/*.cfg; do
    golden=${cfg%.cfg}.xml
    (cd "$data" && x2k --batch --mode xl --input "$(basename "$cfg")" \
        --print-source) > "$TMPD/out.xml" 2> "$TMPD/err"
    if [ -n "$GENERATE" ]; then
        cp "$TMPD/out.xml" "$golden"
    fi
    diff -u "$golden" "$TMPD/out.xml" || fail "$cfg: differs from $golden"
    virt-xml-validate "$golden" domain > "$TMPD/v" 2>&1 || {
        cat "$TMPD/v"; fail "$golden is not valid"; }
    n=$((n + 1))
done
[ "$n" -ge 6 ] || fail "too few fixtures"
[ "$(ls "$data"/*.xml | wc -l)" = "$n" ] || fail "a golden has no fixture"

# Warnings: an unknown key is named with its file and line.
x2k --batch --mode xl --input "$data/pvh.cfg" --print-source \
    > /dev/null 2> "$TMPD/err"
assert_contains "$TMPD/err" "pvh.cfg:16: the setting 'frobnicate' is not known"
x2k --batch --mode xl --input "$data/xen-tools-pv.cfg" --print-source \
    > /dev/null 2> "$TMPD/err"
assert_not_contains "$TMPD/err" "warning"

# --print-xml converts the same file for KVM.
x2k --batch --mode xl --input "$data/xen-tools-pv.cfg" \
    --target-uri test:///default --print-xml > "$TMPD/kvm.xml" 2> "$TMPD/err"
virt-xml-validate "$TMPD/kvm.xml" domain
assert_contains "$TMPD/kvm.xml" '<domain type="kvm">'
assert_contains "$TMPD/kvm.xml" '<name>deb12-pv</name>'
assert_contains "$TMPD/err" 'xen2kvm: disk xvda2 -> vda (virtio): /dev/vg0/deb12-pv-disk'

# --print-source in libvirtxml mode prints the file as read.
x2k --batch --mode libvirtxml --input "$top_srcdir/tests/data/xmlconv/pv-kernel.xml" \
    --print-source > "$TMPD/src.xml"
cmp "$top_srcdir/tests/data/xmlconv/pv-kernel.xml" "$TMPD/src.xml"
# ... and in xen mode the libvirt source's inactive XML.
x2k --batch --uri "test://$top_srcdir/tests/data/xenhost.xml" \
    --vm-name rhel49-x86_64-pv \
    --print-source > "$TMPD/src.xml"
assert_contains "$TMPD/src.xml" "<domain type="
virt-xml-validate "$TMPD/src.xml" domain

# Two stop points are a usage error.
for pair in "--print-source --print-xml" "--print-source --dump-plan" \
        "--print-source --check" "--dump-plan --print-xml"; do
    rc=0
    # shellcheck disable=SC2086
    x2k --batch --mode xl --input "$data/pvh.cfg" $pair \
        > /dev/null 2> "$TMPD/err" || rc=$?
    [ "$rc" = 2 ] || fail "$pair: exit $rc, not 2"
    assert_contains "$TMPD/err" "give only one of them"
done

# A syntax error names the file, line and column, and says what to do.
printf 'name = "bad"\nmemory = 512\ndisk = [ "phy:/dev/x,xvda,w"\nvcpus = 1\n' \
    > "$TMPD/bad.cfg"
rc=0
x2k --batch --mode xl --input "$TMPD/bad.cfg" --print-source \
    > /dev/null 2> "$TMPD/err" || rc=$?
[ "$rc" = 1 ] || fail "syntax error: exit $rc"
assert_contains "$TMPD/err" "bad.cfg:4:1: expected ',' or ']', found a name; fix the configuration file"
# No name; a bad disk; a missing file.
printf 'memory = 512\n' > "$TMPD/noname.cfg"
x2k --batch --mode xl --input "$TMPD/noname.cfg" --print-source \
    > /dev/null 2> "$TMPD/err" && fail "no name accepted"
assert_contains "$TMPD/err" "has no name"
printf 'name = "d"\ndisk = [ "phy:/dev/x" ]\n' > "$TMPD/disk.cfg"
x2k --batch --mode xl --input "$TMPD/disk.cfg" --print-source \
    > /dev/null 2> "$TMPD/err" && fail "bad disk accepted"
assert_contains "$TMPD/err" "disk.cfg:2: the disk 'phy:/dev/x' has no virtual device"
x2k --batch --mode xl --input "$TMPD/none.cfg" --print-source \
    > /dev/null 2> "$TMPD/err" && fail "missing file accepted"
assert_contains "$TMPD/err" "Cannot open the Xen configuration"
# --mode xl without --input.
rc=0
x2k --batch --mode xl --print-source > /dev/null 2> "$TMPD/err" || rc=$?
[ "$rc" = 2 ] || fail "no --input: exit $rc"
assert_contains "$TMPD/err" "--mode xl needs either --uri ssh://USER@HOST"
echo "PASS: $n fixtures"

#!/bin/bash
# The transfer engine with the streamer run by a local /bin/sh (the
# conversion host is the Xen host), and with the direct local reader:
# dense, odd-sized, empty, sparse and "block device" disks, --verify and
# corruption, kill -9 and resume, cancel within 1 s, progress rate,
# --parallel, the dd fallback without perl, qcow2.  ENOSPC on a real
# tmpfs and a copy without a thread are their own tests
# (test-transfer-enospc.sh, test-transfer-threads.sh): they need root.
. "${top_srcdir:-..}/tests/functions.sh"
. "$top_srcdir/tests/transfer-lib.sh"
set -e -x
requires perl cmp truncate stat qemu-img
tmpdir
SRC=$TMPD/src OUT=$TMPD/out
mkdir -p "$SRC" "$OUT"

COPY_OPTS=--reader=exec
transfer_basic_checks
transfer_verify_checks
transfer_resume_checks
transfer_progress_checks
transfer_parallel_checks
transfer_noperl_checks

# The direct local reader gives the same bytes and allocation.
rm -f "$OUT"/*
COPY_OPTS=--reader=local
transfer_basic_checks
transfer_verify_checks

# qcow2: copied raw, converted by qemu-img, the raw removed.
COPY_OPTS=--reader=exec
mk_sparse "$SRC/q.img" 16
copy --format=qcow2 --progress "$SRC/q.img" "$OUT/q.qcow2" > "$OUT/q1" 2> "$OUT/q1.err"
qemu-img compare -q -f raw -F qcow2 "$SRC/q.img" "$OUT/q.qcow2"
[ ! -e "$OUT/q.qcow2.x2k-raw" ]
grep -q '^progress disk=0 convert' "$OUT/q1.err"
copy --format=qcow2 "$SRC/q.img" "$OUT/q.qcow2" > "$OUT/q2"
[ "$(field "$OUT/q2" already)" = 1 ]

# The output format is --format whatever the source's: a qcow2 source
# (copied as the file it is) becomes a raw disk by default, a qcow2
# one with --format=qcow2; never the source's file as it is.
qemu-img convert -f raw -O qcow2 "$SRC/q.img" "$SRC/q.qcow2"
copy --source-format=qcow2 "$SRC/q.qcow2" "$OUT/q-from-qcow2.raw" > "$OUT/q3"
qemu-img compare -q -f qcow2 -F raw "$SRC/q.qcow2" "$OUT/q-from-qcow2.raw"
[ "$(head -c 3 "$OUT/q-from-qcow2.raw" | od -An -c | tr -d ' ')" != QFI ]
[ "$(stat -c %s "$OUT/q-from-qcow2.raw")" = $((16 * 1048576)) ]
[ ! -e "$OUT/q-from-qcow2.raw.x2k-src" ]
copy --source-format=qcow2 --format=qcow2 "$SRC/q.qcow2" "$OUT/q-from-qcow2.qcow2" > "$OUT/q4"
qemu-img compare -q -f qcow2 -F qcow2 "$SRC/q.qcow2" "$OUT/q-from-qcow2.qcow2"
! cmp -s "$SRC/q.qcow2" "$OUT/q-from-qcow2.qcow2"
# Never uploaded into a volume as the file it is.
if "$X2K_COPY" --source-format=qcow2 --volume-uri test:///default --pool default-pool \
        "$SRC/q.qcow2" q.raw > "$OUT/q5" 2>&1; then
    fail "a qcow2 file was uploaded into a volume as it is"
fi
grep -q "converted into a local file" "$OUT/q5"

# Preallocated raw: every byte allocated, same content.
rm -f "$OUT/q.raw" "$OUT/q.raw.x2k-journal"
copy --prealloc "$SRC/q.img" "$OUT/qp.raw" > "$OUT/qp1"
cmp "$SRC/q.img" "$OUT/qp.raw"
[ "$(allocated "$OUT/qp.raw")" -ge $((16 * 1048576)) ]

# OpenSSL refuses MD5 (a configuration that allows only FIPS algorithms,
# with no FIPS provider): --verify fails with an error naming MD5.
cat > "$TMPD/openssl.cnf" <<'CNF'
openssl_conf = openssl_init
[openssl_init]
alg_section = evp_properties
[evp_properties]
default_properties = fips=yes
CNF
rm -f "$OUT/m.raw" "$OUT/m.raw.x2k-journal"
if OPENSSL_CONF=$TMPD/openssl.cnf copy --reader=local --verify \
        "$SRC/dense.img" "$OUT/m.raw" > "$OUT/m1" 2> "$OUT/m1.err"; then
    fail "--verify succeeded without MD5"
fi
[ "$(field "$OUT/m1" error)" = unsupported ]
assert_contains "$OUT/m1.err" "MD5 checksums are not available"

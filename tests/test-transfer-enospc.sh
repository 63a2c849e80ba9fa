#!/bin/bash
# ENOSPC on a real (small) tmpfs: the copy fails with a clear error
# naming the path and the missing bytes; what was written stays, and
# with more room a re-run resumes and completes.  Needs root to mount a
# tmpfs: skipped (77) otherwise, never run on a substitute.
. "${top_srcdir:-..}/tests/functions.sh"
. "$top_srcdir/tests/transfer-lib.sh"
set -e -x
requires_root
requires mount umount cmp
tmpdir
SRC=$TMPD/src OUT=$TMPD/out
mkdir -p "$SRC" "$OUT" "$TMPD/small"
mount -t tmpfs -o size=8m tmpfs "$TMPD/small" 2>"$TMPD/mount.err" ||
    skip "cannot mount a tmpfs: $(cat "$TMPD/mount.err")"
cleanup_fn umount "$TMPD/small"
COPY_OPTS=--reader=exec

head -c $((12 * 1048576)) /dev/urandom > "$SRC/big.img"
if copy "$SRC/big.img" "$TMPD/small/big.raw" > "$OUT/e1" 2> "$OUT/e1.err"; then
    fail "copy into a full filesystem succeeded"
fi
[ "$(field "$OUT/e1" error)" = no-space ]
assert_contains "$OUT/e1.err" "$TMPD/small/big.raw"
grep -Eq 'up to [0-9]+ more bytes' "$OUT/e1.err"
mount -o remount,size=16m "$TMPD/small"
copy "$SRC/big.img" "$TMPD/small/big.raw" > "$OUT/e2"
cmp "$SRC/big.img" "$TMPD/small/big.raw"
[ "$(field "$OUT/e2" resumed)" -gt 0 ]

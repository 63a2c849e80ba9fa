#!/bin/bash
# No thread can be started for the copy (the user's process limit is
# reached): the copy fails with an error, it does not abort.  Needs root
# and runuser to run as a user with a process limit of 1: skipped (77)
# otherwise.
. "${top_srcdir:-..}/tests/functions.sh"
. "$top_srcdir/tests/transfer-lib.sh"
set -e -x
requires_root
requires runuser
tmpdir
SRC=$TMPD/src OUT=$TMPD/out
mkdir -p "$SRC" "$OUT" "$TMPD/nothread"
head -c $((2 * 1048576)) /dev/urandom > "$SRC/dense.img"
chmod 755 "$TMPD" "$SRC"
chmod 644 "$SRC/dense.img"
chmod 777 "$TMPD/nothread"
rc=0
runuser -u nobody -- bash -c 'ulimit -u 1; exec "$0" "$@"' \
    "$X2K_COPY" "$SRC/dense.img" "$TMPD/nothread/t.raw" \
    > "$OUT/t1" 2> "$OUT/t1.err" || rc=$?
[ $rc = 1 ] || fail "x2k-copy exited with $rc without a thread"
[ "$(field "$OUT/t1" error)" = io ]
assert_contains "$OUT/t1.err" "Cannot start a thread to copy the disks."

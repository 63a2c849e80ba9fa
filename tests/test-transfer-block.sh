#!/bin/bash
# A real block device on the Xen host (a read-only loop device over a
# sparse image, read by a real loopback sshd's user): the streamer reads
# it as a device (no holes to look for, zeros found and not sent), with
# --verify, and the dd fallback of a host without perl.  Needs root and
# a free loop device: skipped (77) otherwise, never run on a file.
. "${top_srcdir:-..}/tests/functions.sh"
. "$top_srcdir/tests/transfer-lib.sh"
set -e -x
requires perl cmp truncate stat losetup blockdev
sshd_start
tmpdir
chmod 755 "$TMPD"
SRC=$TMPD/src OUT=$TMPD/out
mkdir -p "$SRC" "$OUT" "$SRC/bin"
chmod 755 "$SRC"
mk_sparse "$SRC/sparse.img" 64
LOOP=$(loop_attach "$SRC/sparse.img" -r) || skip "no free loop device"
cleanup_fn loop_detach "$LOOP"
chmod o+r "$LOOP"
cleanup_fn chmod o-r "$LOOP"
for c in dd md5sum wc cat blockdev sleep; do
    p=$(command -v $c) && ln -sf "$p" "$SRC/bin/$c"
done
COPY_OPTS="--host=$SSHD_HOST --port=$SSHD_PORT --user=$SSHD_USER"
COPY_OPTS="$COPY_OPTS --identity=$SSHD_KEY --known-hosts=$SSHD_KNOWN_HOSTS"

copy --block --verify "$LOOP" "$OUT/loop.raw" > "$OUT/l1"
cmp "$SRC/sparse.img" "$OUT/loop.raw"
[ "$(field "$OUT/l1" verified)" = 1 ]
[ "$(field "$OUT/l1" data)" -le $(( 3 * 1048576 + 3 * 4096 + 65536 )) ]
[ "$(allocated "$OUT/loop.raw")" -le $(( 4 * 1048576 )) ]
copy --block --remote-path="$SRC/bin" "$LOOP" "$OUT/loopdd.raw" > "$OUT/l2"
cmp "$SRC/sparse.img" "$OUT/loopdd.raw"
[ "$(field "$OUT/l2" dd)" = 1 ]
[ "$(allocated "$OUT/loopdd.raw")" -le $(( 4 * 1048576 )) ]

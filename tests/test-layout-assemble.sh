#!/bin/bash
# Layout assemble on the data path: a xen-tools guest's swap and root
# volumes (no partition table; real read-only loop devices) are streamed
# over a real loopback sshd straight into partitions 1 and 2 of one new
# sparse disk: the MBR is what sfdisk and the kernel read (partition N
# at a 1 MiB boundary, /dev/loopXpN = volume xvdaN byte for byte), the
# swap keeps its UUID and label (copied as is), --verify hashes each
# partition, a second run finds each partition done from its own
# journal, and what cannot be assembled is refused with what to do.
# Needs root and free loop devices: skipped (77) otherwise.
. "${top_srcdir:-..}/tests/functions.sh"
. "$top_srcdir/tests/transfer-lib.sh"
set -e -x
requires perl cmp truncate stat losetup blockdev mkswap mkfs.ext4 sfdisk \
    blkid partx
sshd_start
tmpdir
chmod 755 "$TMPD"
SRC=$TMPD/src OUT=$TMPD/out
mkdir -p "$SRC" "$OUT" "$SRC/root/etc"
chmod 755 "$SRC"

# xen-tools' volumes: xvda1 swap, xvda2 an ext4 root with an fstab.
truncate -s 16M "$SRC/swap.img"
mkswap -U 0b7c2a4e-1f3d-4c55-9a8e-2d6f1e0c9b71 -L xtswap "$SRC/swap.img"
printf '/dev/xvda2 / ext4 errors=remount-ro 0 1\n/dev/xvda1 none swap sw 0 0\n' \
    > "$SRC/root/etc/fstab"
head -c $((3 * 1048576 + 4321)) /dev/urandom > "$SRC/root/data"
truncate -s 40M "$SRC/root.img"
mkfs.ext4 -q -F -L xtroot -d "$SRC/root" "$SRC/root.img"
SWAP=$(loop_attach "$SRC/swap.img" -r) || skip "no free loop device"
cleanup_fn loop_detach "$SWAP"
ROOT=$(loop_attach "$SRC/root.img" -r) || skip "no free loop device"
cleanup_fn loop_detach "$ROOT"
chmod o+r "$SWAP" "$ROOT"
cleanup_fn chmod o-r "$SWAP" "$ROOT"
# A read-only loop device over SECTORS sectors at START of FILE.
loop_attach_part()
{
    local dev i=0
    dev=$(losetup -r -o $(($2 * 512)) --sizelimit $(($3 * 512)) -f --show \
          "$1" 2>/dev/null) || return 1
    until [ "$(blockdev --getsize64 "$dev" 2>/dev/null)" = $(($3 * 512)) ]; do
        i=$((i + 1))
        [ $i -lt 50 ] || { losetup -d "$dev"; return 1; }
        sleep 0.1
    done
    echo "$dev"
}
COPY_OPTS="--host=$SSHD_HOST --port=$SSHD_PORT --user=$SSHD_USER"
COPY_OPTS="$COPY_OPTS --identity=$SSHD_KEY --known-hosts=$SSHD_KNOWN_HOSTS"

# Root given first: partition numbers, not the order, decide.
copy --block --verify --assemble="$OUT/disk.raw" \
    "$ROOT" xvda2 "$SWAP" xvda1 > "$OUT/r1"
assert_contains "$OUT/r1" "part 1: volume=1 offset=1048576 size=16777216"
assert_contains "$OUT/r1" "part 2: volume=0 offset=17825792 size=41943040"
assert_contains "$OUT/r1" "assembled: size=59768832"
[ "$(stat -c %s "$OUT/disk.raw")" = 59768832 ]
[ "$(stat -c %a "$OUT/disk.raw")" = 600 ]
[ "$(field "$OUT/r1" verified 0)" = 1 ]
[ "$(field "$OUT/r1" verified 1)" = 1 ]
# Sparse: no temporary copy, the holes of the volumes stay holes.
[ "$(allocated "$OUT/disk.raw")" -lt $((20 * 1048576)) ]

# The partition table as sfdisk reads it.
sfdisk --dump "$OUT/disk.raw" > "$OUT/dump"
assert_contains "$OUT/dump" "label: dos"
assert_contains "$OUT/dump" "disk.raw1 : start=        2048, size=       32768, type=83"
assert_contains "$OUT/dump" "disk.raw2 : start=       34816, size=       81920, type=83"

# Each partition is its volume, byte for byte.
cmp -n $((16 * 1048576)) -i 0:1048576 "$SRC/swap.img" "$OUT/disk.raw"
cmp -n $((40 * 1048576)) -i 0:17825792 "$SRC/root.img" "$OUT/disk.raw"

# The partitions as util-linux's partx reads them, each attached as a
# real loop device at that offset (this kernel may lack the msdos
# partition scanner, so no partscan): swap keeps its UUID and label
# (copied as is, mkswap is not run again), the root file system is
# whole.
partx -g -o NR,START,SECTORS "$OUT/disk.raw" > "$OUT/partx"
[ "$(sed -n 1p "$OUT/partx" | tr -s ' ')" = " 1 2048 32768" ]
[ "$(sed -n 2p "$OUT/partx" | tr -s ' ')" = " 2 34816 81920" ]
P1=$(loop_attach_part "$OUT/disk.raw" 2048 32768) ||
    skip "no free loop device"
cleanup_fn loop_detach "$P1"
P2=$(loop_attach_part "$OUT/disk.raw" 34816 81920) ||
    skip "no free loop device"
cleanup_fn loop_detach "$P2"
[ "$(blkid -p -o value -s UUID "$P1")" = 0b7c2a4e-1f3d-4c55-9a8e-2d6f1e0c9b71 ]
[ "$(blkid -p -o value -s LABEL "$P1")" = xtswap ]
[ "$(blkid -p -o value -s TYPE "$P1")" = swap ]
[ "$(blkid -p -o value -s LABEL "$P2")" = xtroot ]
cmp "$SRC/root.img" "$P2"

# A second run into the same disk: each partition's own journal says
# it is done and its source is unchanged; nothing is copied again.
copy --block --verify --assembled="$OUT/disk.raw" \
    "$ROOT" xvda2 "$SWAP" xvda1 > "$OUT/r2"
[ "$(field "$OUT/r2" already 0)" = 1 ]
[ "$(field "$OUT/r2" already 1)" = 1 ]
[ "$(field "$OUT/r2" verified 1)" = 1 ]
cmp -n $((16 * 1048576)) -i 0:1048576 "$SRC/swap.img" "$OUT/disk.raw"

# The assembled disk is always new: an existing file is refused.
set +e
copy --block --assemble="$OUT/disk.raw" "$ROOT" xvda2 "$SWAP" xvda1 \
    > "$OUT/r3" 2> "$OUT/e3"; rc=$?
set -e
[ "$rc" = 1 ]
assert_contains "$OUT/e3" "the assembled disk is always a new file"

# Not partitions of one disk: refused, with the way out.
set +e
copy --block --assemble="$OUT/bad.raw" "$ROOT" xvda "$SWAP" xvda1 \
    > "$OUT/r4" 2> "$OUT/e4"; rc=$?
set -e
[ "$rc" = 1 ]
assert_contains "$OUT/e4" "use --layout=keep"
[ ! -e "$OUT/bad.raw" ]

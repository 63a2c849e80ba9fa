#!/bin/bash
# A source that changes under the copy is noticed (issue 12, item 6):
# while a slowed copy (--bwlimit) reads a disk, the disk grows, shrinks,
# is written, or another file replaces it at its path; each time the
# disk fails with a message that says what changed and that the same
# command copies it again; the local reader and the streamer over a real
# loopback sshd (OpenSSH client) alike.
. "${top_srcdir:-..}/tests/functions.sh"
. "$top_srcdir/tests/transfer-lib.sh"
set -e -x
requires perl cmp truncate
sshd_start
tmpdir
chmod 755 "$TMPD"
SRC=$TMPD/src OUT=$TMPD/out
mkdir -p "$SRC" "$OUT"
chmod 755 "$SRC"
SSH_OPTS="--host=$SSHD_HOST --port=$SSHD_PORT --user=$SSHD_USER"
SSH_OPTS="$SSH_OPTS --identity=$SSHD_KEY --known-hosts=$SSHD_KNOWN_HOSTS"

# Wait until x2k-copy's progress lines in $1 report 1 MiB copied.
wait_started()
{
    local i=0
    until sed -n 's/.* done=\([0-9]*\) .*/\1/p' "$1" |
          awk '$1 >= 1048576 { f = 1 } END { exit !f }'; do
        [ $i -lt 300 ] || fail "the copy did not start"
        sleep 0.1
        i=$((i + 1))
    done
}

# change NAME WHY COMMAND...: copy a fresh disk, run COMMAND on it while
# it is read, expect the copy to fail saying WHY.
change()
{
    local name=$1 why=$2 rc=0
    shift 2
    head -c $((6 * 1048576)) /dev/urandom > "$SRC/d.img"
    chmod 644 "$SRC/d.img"
    rm -f "$OUT/$name.raw" "$OUT/$name.raw.x2k-journal"
    copy_bg --bwlimit=$((4 * 1048576)) --progress "$SRC/d.img" \
        "$OUT/$name.raw" > "$OUT/$name.out" 2> "$OUT/$name.err"
    pid=$!
    wait_started "$OUT/$name.err"
    "$@"
    wait $pid || rc=$?
    cat "$OUT/$name.out" "$OUT/$name.err"
    [ $rc != 0 ] || fail "$name: the copy of a changed disk succeeded"
    assert_contains "$OUT/$name.err" "changed while it"
    assert_contains "$OUT/$name.err" "$why"
}

grow() { head -c 1048576 /dev/urandom >> "$SRC/d.img"; }
shrink() { truncate -s 3M "$SRC/d.img"; }
scribble() { printf x | dd of="$SRC/d.img" bs=1 seek=100 conv=notrunc \
                 status=none; }
replace() { cp "$SRC/d.img" "$SRC/d.new"; chmod 644 "$SRC/d.new";
            mv "$SRC/d.new" "$SRC/d.img"; }

for reader in local ssh; do
    if [ $reader = local ]; then
        COPY_OPTS="--reader=local"
    else
        COPY_OPTS="$SSH_OPTS"
    fi
    change "$reader-grow" "it grew" grow
    change "$reader-shrink" "it shrank" shrink
    change "$reader-written" "it was written" scribble
    change "$reader-replaced" "its path now names another file" replace
done
# The same command with nothing changing completes the copy.
COPY_OPTS="$SSH_OPTS"
copy "$SRC/d.img" "$OUT/again.raw" > "$OUT/again"
cmp "$SRC/d.img" "$OUT/again.raw"

# A block device's copy is "already done" only by content: the source
# changes between two runs with its size and mtime kept (as a device
# node's are), and the second run copies it again.  (--block on a file:
# the rule is the device's, the data is a file's.)
for reader in local ssh; do
    if [ $reader = local ]; then
        COPY_OPTS="--reader=local"
    else
        COPY_OPTS="$SSH_OPTS"
    fi
    head -c $((3 * 1048576)) /dev/urandom > "$SRC/b.img"
    chmod 644 "$SRC/b.img"
    rm -f "$OUT/b.raw" "$OUT/b.raw.x2k-journal"
    copy --block "$SRC/b.img" "$OUT/b.raw" > "$OUT/b1"
    cmp "$SRC/b.img" "$OUT/b.raw"
    touch -r "$SRC/b.img" "$TMPD/stamp"
    printf 'changed' | dd of="$SRC/b.img" bs=1 seek=2000000 conv=notrunc \
        status=none
    touch -r "$TMPD/stamp" "$SRC/b.img"
    copy --block "$SRC/b.img" "$OUT/b.raw" > "$OUT/b2"
    cat "$OUT/b2"
    [ "$(field "$OUT/b2" already)" = 0 ] ||
        fail "$reader: a changed block device was taken as already copied"
    cmp "$SRC/b.img" "$OUT/b.raw"
done

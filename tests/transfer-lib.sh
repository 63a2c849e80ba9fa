# Shared by the transfer tests: disk images and the checks every reader
# must pass.  The caller sets COPY_OPTS (x2k-copy's reader and connection
# options, split on spaces), SRC (a directory the "Xen host" reads) and
# OUT.

X2K_COPY="$top_builddir/tests/x2k-copy"

# shellcheck disable=SC2086
copy() { "$X2K_COPY" $COPY_OPTS "$@"; }
# In the background, as x2k-copy itself (so that $! is its pid).
# shellcheck disable=SC2086
copy_bg() { ( exec "$X2K_COPY" $COPY_OPTS "$@" ) & }

# A sparse image: SIZE MiB with random data at a few offsets, one of
# them not block aligned.
mk_sparse()
{
    local f=$1 size=$2
    truncate -s "${size}M" "$f"
    dd if=/dev/urandom of="$f" bs=1M count=2 seek=1 conv=notrunc status=none
    dd if=/dev/urandom of="$f" bs=4096 count=3 seek=$((size * 256 / 2 + 7)) \
        conv=notrunc status=none
    dd if=/dev/urandom of="$f" bs=1M count=1 seek=$((size - 3)) \
        conv=notrunc status=none
}

allocated()
{
    echo $(( $(stat -c '%b * %B' "$1") ))
}

# Field NAME of disk line N (default 0) of x2k-copy's output in FILE.
field()
{
    sed -n "s/^disk ${3:-0}: .*\\b$2=\\([^ ]*\\).*/\\1/p" "$1"
}

# dense, odd-sized, empty, sparse (allocation), block (zeros detected).
transfer_basic_checks()
{
    head -c $((8 * 1048576 + 12345)) /dev/urandom > "$SRC/dense.img"
    : > "$SRC/empty.img"
    mk_sparse "$SRC/sparse.img" 64

    copy "$SRC/dense.img" "$OUT/dense.raw" > "$OUT/r1"
    cmp "$SRC/dense.img" "$OUT/dense.raw"
    [ "$(field "$OUT/r1" data)" = $((8 * 1048576 + 12345)) ]

    copy "$SRC/empty.img" "$OUT/empty.raw" > "$OUT/r2"
    cmp "$SRC/empty.img" "$OUT/empty.raw"
    [ "$(stat -c %s "$OUT/empty.raw")" = 0 ]

    copy "$SRC/sparse.img" "$OUT/sparse.raw" > "$OUT/r3"
    cmp "$SRC/sparse.img" "$OUT/sparse.raw"
    data=$(( 3 * 1048576 + 3 * 4096 ))
    # Only the data crossed and only the data was allocated.
    [ "$(field "$OUT/r3" data)" -le $((data + 65536)) ]
    [ "$(allocated "$OUT/sparse.raw")" -le $((data * 11 / 10 + 65536)) ]

    # A missing source: a clear error naming it, nothing created.
    if copy "$SRC/missing.img" "$OUT/missing.raw" > "$OUT/r0" 2> "$OUT/r0.err"; then
        fail "copying a missing disk succeeded"
    fi
    assert_contains "$OUT/r0.err" "$SRC/missing.img"

    # A block device has no holes: every zero block is read and detected.
    copy --block "$SRC/sparse.img" "$OUT/block.raw" > "$OUT/r4"
    cmp "$SRC/sparse.img" "$OUT/block.raw"
    [ "$(allocated "$OUT/block.raw")" -le $((data * 11 / 10 + 65536)) ]
}

# --verify passes, then a corrupted output byte is caught on a re-run.
transfer_verify_checks()
{
    mk_sparse "$SRC/v.img" 16
    copy --verify "$SRC/v.img" "$OUT/v.raw" > "$OUT/v1"
    [ "$(field "$OUT/v1" verified)" = 1 ]
    [ "$(field "$OUT/v1" src)" = "$(field "$OUT/v1" dst)" ]

    # A finished disk is not copied again, but it is checked.
    copy "$SRC/v.img" "$OUT/v.raw" > "$OUT/v2"
    [ "$(field "$OUT/v2" already)" = 1 ]
    [ "$(field "$OUT/v2" data)" = 0 ]

    # Silent corruption: one byte changes, the mtime does not.
    touch -r "$OUT/v.raw" "$OUT/v.ref"
    # Flip the byte to a value it does not already have (the data there
    # is random: a fixed 'X' was a no-op once in 256 runs).
    b=$(dd if="$OUT/v.raw" bs=1 skip=1048600 count=1 status=none | od -An -tu1)
    printf "\\$(printf %03o $(( (b + 1) % 256 )))" |
        dd of="$OUT/v.raw" bs=1 seek=1048600 conv=notrunc status=none
    [ "$(dd if="$OUT/v.raw" bs=1 skip=1048600 count=1 status=none | od -An -tu1)" != "$b" ]
    touch -r "$OUT/v.ref" "$OUT/v.raw"
    if copy --verify "$SRC/v.img" "$OUT/v.raw" > "$OUT/v3" 2> "$OUT/v3.err"; then
        fail "--verify accepted a corrupted copy"
    fi
    [ "$(field "$OUT/v3" error)" = verify ]
    [ "$(field "$OUT/v3" kept)" = 1 ]
    [ "$(field "$OUT/v3" src)" != "$(field "$OUT/v3" dst)" ]
    grep -q 'error (verify)' "$OUT/v3.err"
}

# Wait until journal FILE records done > 0, at most SECS seconds.
wait_journal_done()
{
    local i=0
    while [ $i -lt $(($2 * 10)) ]; do
        grep -qs '^done=[1-9]' "$1" && return 0
        sleep 0.1
        i=$((i + 1))
    done
    return 1
}

# kill -9 mid-copy, then a re-run resumes and the result is identical;
# SIGINT is honoured within 1 s and the partial output is kept.
transfer_resume_checks()
{
    head -c $((24 * 1048576)) /dev/urandom > "$SRC/r.img"
    copy_bg --bwlimit=$((6 * 1048576)) --sync-interval=0.3 \
        "$SRC/r.img" "$OUT/r.raw" > "$OUT/k1" 2>&1
    pid=$!
    # Killed once the journal says some data is safely written (at most
    # 30 s: a loaded machine may need more than the usual second).
    wait_journal_done "$OUT/r.raw.x2k-journal" 30
    kill -9 $pid
    wait $pid || true
    copy "$SRC/r.img" "$OUT/r.raw" > "$OUT/k2"
    [ "$(field "$OUT/k2" resumed)" -gt 0 ]
    cmp "$SRC/r.img" "$OUT/r.raw"

    rm -f "$OUT/r.raw" "$OUT/r.raw.x2k-journal"
    copy_bg --bwlimit=$((6 * 1048576)) --sync-interval=0.3 \
        "$SRC/r.img" "$OUT/r.raw" > "$OUT/c1" 2> "$OUT/c1.err"
    pid=$!
    wait_journal_done "$OUT/r.raw.x2k-journal" 30
    t0=$(date +%s%N)
    kill -INT $pid
    rc=0
    wait $pid || rc=$?
    t1=$(date +%s%N)
    [ $rc = 1 ]
    [ $(( (t1 - t0) / 1000000 )) -lt 1000 ] || fail "cancel took $(( (t1 - t0) / 1000000 )) ms"
    [ "$(field "$OUT/c1" error)" = cancelled ]
    [ "$(field "$OUT/c1" kept)" = 1 ]
    copy "$SRC/r.img" "$OUT/r.raw" > "$OUT/c2"
    [ "$(field "$OUT/c2" resumed)" -gt 0 ]
    cmp "$SRC/r.img" "$OUT/r.raw"
}

# Progress events carry rates and come at most ~10 times a second.
transfer_progress_checks()
{
    head -c $((12 * 1048576)) /dev/urandom > "$SRC/p.img"
    copy --progress --bwlimit=$((6 * 1048576)) "$SRC/p.img" "$OUT/p.raw" \
        > "$OUT/p1" 2> "$OUT/p1.err"
    n=$(grep -c '^progress disk=0' "$OUT/p1.err")
    # About 2 s of copying: at least a few events, never more than ~10/s.
    [ "$n" -ge 5 ] && [ "$n" -le 30 ] || fail "$n progress events"
    grep '^progress disk=0' "$OUT/p1.err" | tail -1 |
        grep -q "done=$((12 * 1048576)) total=$((12 * 1048576))"
    grep '^progress disk=0' "$OUT/p1.err" | grep -q 'rate=[1-9]'
    grep '^progress disk=0' "$OUT/p1.err" | grep -q 'eta=[1-9]'
}

# Several disks at once.
transfer_parallel_checks()
{
    mk_sparse "$SRC/a.img" 8
    head -c 3000000 /dev/urandom > "$SRC/b.img"
    mk_sparse "$SRC/c.img" 12
    copy --parallel=2 --verify --progress "$SRC/a.img" "$OUT/a.raw" \
        "$SRC/b.img" "$OUT/b.raw" "$SRC/c.img" "$OUT/c.raw" > "$OUT/j1" \
        2> "$OUT/j1.err"
    for d in a b c; do cmp "$SRC/$d.img" "$OUT/$d.raw"; done
    [ "$(grep -c 'verified=1' "$OUT/j1")" = 3 ]
    # Overall progress (disk -1) ends at the sum of the sizes.
    total=$(( 8 * 1048576 + 3000000 + 12 * 1048576 ))
    grep '^progress disk=-1' "$OUT/j1.err" | tail -1 |
        grep -q "done=$total total=$total"
}

# Without perl on the source host the streamer falls back to dd.
transfer_noperl_checks()
{
    mkdir -p "$SRC/bin"
    for c in dd md5sum wc cat blockdev sleep; do
        p=$(command -v $c) && ln -sf "$p" "$SRC/bin/$c"
    done
    mk_sparse "$SRC/n.img" 16
    copy --remote-path="$SRC/bin" --verify "$SRC/n.img" "$OUT/n.raw" \
        > "$OUT/n1" 2> "$OUT/n1.err"
    cmp "$SRC/n.img" "$OUT/n.raw"
    [ "$(field "$OUT/n1" dd)" = 1 ]
    # The fallback is one warning event of the run, naming the disk.
    assert_contains "$OUT/n1.err" \
        "warning: The Xen host has no perl, so disk $SRC/n.img is copied with dd"
    grep -qx 'warning-events 1' "$OUT/n1" || fail "not one warning event"
    if copy --remote-path="$SRC/bin" "$SRC/missing.img" "$OUT/nm.raw" \
            > "$OUT/n2" 2> "$OUT/n2.err"; then
        fail "copying a missing disk with dd succeeded"
    fi
    [ "$(field "$OUT/n2" error)" = remote ]
    assert_contains "$OUT/n2.err" "cannot read $SRC/missing.img"
    [ "$(field "$OUT/n1" verified)" = 1 ]
    [ "$(field "$OUT/n1" alg)" = md5 ]
    [ "$(allocated "$OUT/n.raw")" -le $((4 * 1048576)) ]
}

#!/bin/bash
# Disk transfer benchmark (`make bench`): x2k-copy (the streamer over a
# libssh2 exec channel, and SFTP for reference) against the baseline
# `ssh -p PORT host cat PATH > out` (OpenSSH), both on a private loopback
# sshd started here, in the same invocation.  Each figure is the median
# of BENCH_RUNS (default 5, at least 3) runs; ratios are ours / baseline.
#
# Contenders: x2k-copy's default (the streamer through the OpenSSH
# client after a libssh2 login), the streamer over libssh2, and SFTP.
#
#   dense     1 GiB of random data                  target <= 1.0
#   sparse    1 GiB file holding 5 % data (holes)   target <= 0.33,
#                                                   allocation <= 1.1 x data
#   block     the same bytes as a block device      target <= 0.5
#             (a read-only loop device when possible: no holes to find,
#             every zero block must be detected)
#   rss       peak RSS of a 4 GiB sparse copy       target < 64 MiB
#
# BENCH_CASES picks some of "dense sparse block rss" (default: all).
# BENCH_SIZE_MIB (default 1024) scales the disks.  Needs root (sshd,
# losetup).
. "${top_srcdir:-..}/tests/functions.sh"

set -e
requires perl ssh python3 truncate
RUNS=${BENCH_RUNS:-5}
[ "$RUNS" -ge 3 ] || RUNS=3
SIZE=${BENCH_SIZE_MIB:-1024}
CASES=${BENCH_CASES:-dense sparse block rss}
want() { case " $CASES " in *" $1 "*) return 0;; esac; return 1; }
X2K_COPY="$top_builddir/tests/x2k-copy"
[ -x "$X2K_COPY" ] || fail "build tests/x2k-copy first (make -C tests x2k-copy)"

sshd_start
tmpdir
chmod 755 "$TMPD"
D=$TMPD/disks
mkdir -p "$D" "$TMPD/out"
chmod 755 "$D"

echo "bench: building the disks (${SIZE} MiB)..." >&2
head -c $((SIZE * 1048576)) /dev/urandom > "$D/dense.img"
# 5 % data: 1 MiB of random data in every 20 MiB, plus some 64 KiB
# pieces inside the gaps.
truncate -s "${SIZE}M" "$D/sparse.img"
i=0
while [ $((i + 20)) -le "$SIZE" ]; do
    dd if=/dev/urandom of="$D/sparse.img" bs=1M count=1 seek=$((i + 3)) \
        conv=notrunc status=none
    i=$((i + 20))
done
DATA=$(( $(stat -c '%b * %B' "$D/sparse.img") ))
# The same bytes with every zero allocated: what a block device holds.
cp --sparse=never "$D/sparse.img" "$D/full.img"
BLOCKDEV=
if LOOP=$(losetup -f --show -r "$D/full.img" 2>/dev/null); then
    cleanup_fn loop_detach "$LOOP"
    chmod o+r "$LOOP"
    cleanup_fn chmod o-r "$LOOP"
    BLOCKDEV=$LOOP
fi
truncate -s 4G "$D/big.img"
dd if=/dev/urandom of="$D/big.img" bs=1M count=64 seek=100 conv=notrunc status=none
dd if=/dev/urandom of="$D/big.img" bs=1M count=64 seek=3000 conv=notrunc status=none
chmod 644 "$D"/*.img
# Warm the page cache the same way for every contender.
cat "$D"/*.img > /dev/null

SSH=(ssh -F /dev/null -i "$SSHD_KEY" -p "$SSHD_PORT"
     -o UserKnownHostsFile="$SSHD_KNOWN_HOSTS" -o StrictHostKeyChecking=yes
     -o BatchMode=yes -o IdentitiesOnly=yes "$SSHD_USER@$SSHD_HOST")
OURS=(--host="$SSHD_HOST" --port="$SSHD_PORT" --user="$SSHD_USER"
      --identity="$SSHD_KEY" --known-hosts="$SSHD_KNOWN_HOSTS")

now() { date +%s.%N; }

# Seconds taken by "$@".
timed()
{
    local t0 t1
    # Start each run with no dirty pages left by the previous one.
    rm -f "$TMPD/out/base.raw" "$TMPD/out/ours.raw" "$TMPD/out/ours.raw.x2k-journal"
    sync
    t0=$(now)
    "$@" > /dev/null
    t1=$(now)
    echo "$t1 - $t0" | bc -l
}

median()
{
    printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'
}

baseline_run() { "${SSH[@]}" cat "$1" > "$TMPD/out/base.raw"; }
ours_run()
{
    local src=$1 reader=$2
    shift 2
    rm -f "$TMPD/out/ours.raw" "$TMPD/out/ours.raw.x2k-journal"
    "$X2K_COPY" "${OURS[@]}" --reader="$reader" "$@" "$src" "$TMPD/out/ours.raw"
}

# bench NAME SOURCE [X2K-COPY OPTIONS]: prints
# "NAME base default libssh2 sftp" (median seconds).
bench()
{
    local name=$1 src=$2 r b=() e=() l=() s=()
    shift 2
    for r in $(seq "$RUNS"); do
        b+=("$(timed baseline_run "$src")")
        e+=("$(timed ours_run "$src" exec "$@")")
        cmp "$src" "$TMPD/out/ours.raw" || fail "$name: the copy differs"
        echo $(( $(stat -c '%b * %B' "$TMPD/out/ours.raw") )) > "$TMPD/alloc.$name"
        l+=("$(timed ours_run "$src" exec --transport=libssh2 "$@")")
        s+=("$(timed ours_run "$src" sftp "$@")")
    done
    echo "$name $(median "${b[@]}") $(median "${e[@]}") $(median "${l[@]}") $(median "${s[@]}")"
}

echo "bench: $RUNS runs each..." >&2
want dense && R_DENSE=$(bench dense "$D/dense.img")
if want sparse; then
    R_SPARSE=$(bench sparse "$D/sparse.img")
    ALLOC_SPARSE=$(cat "$TMPD/alloc.sparse")
fi
if [ -n "$BLOCKDEV" ]; then
    BLOCK_KIND="loop device $BLOCKDEV"
    want block && R_BLOCK=$(bench block "$BLOCKDEV" --block)
else
    BLOCK_KIND="file read as a block device (losetup unavailable)"
    want block && R_BLOCK=$(bench block "$D/full.img" --block)
fi
want block && ALLOC_BLOCK=$(cat "$TMPD/alloc.block")

if want rss; then
    rm -f "$TMPD/out/ours.raw" "$TMPD/out/ours.raw.x2k-journal"
    RSS_KB=$(python3 -c '
import resource, subprocess, sys
subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, check=True)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)' \
        "$X2K_COPY" "${OURS[@]}" --reader=exec "$D/big.img" "$TMPD/out/ours.raw")
    cmp "$D/big.img" "$TMPD/out/ours.raw"
fi

verdict() { awk -v r="$1" -v t="$2" 'BEGIN { print (r <= t) ? "ok" : "MISSED" }'; }
row()
{
    local name base exec lib sftp target re rl rs mbs
    read -r name base exec lib sftp <<< "$1"
    target=$2
    re=$(echo "$exec / $base" | bc -l)
    rl=$(echo "$lib / $base" | bc -l)
    rs=$(echo "$sftp / $base" | bc -l)
    mbs=$(echo "$SIZE * 1.048576 / $base" | bc -l)
    printf '%-7s %7.2f %6.0f %7.2f %7.2f %7.2f %6.2f %6.2f %6.2f  <=%-5s %s\n' \
        "$name" "$base" "$mbs" "$exec" "$lib" "$sftp" "$re" "$rl" "$rs" \
        "$target" "$(verdict "$re" "$target")"
}

echo
echo "Disk transfer on loopback, ${SIZE} MiB disks, median of $RUNS runs"
echo "baseline: OpenSSH 'ssh -p PORT host cat PATH > out'; ours: x2k-copy"
echo "block: $BLOCK_KIND"
echo
echo "columns: seconds for the baseline (and its MB/s), x2k-copy's default"
echo "(streamer through the OpenSSH client), the streamer over libssh2, SFTP;"
echo "then each as a ratio to the baseline; the target applies to the default."
printf '%-7s %7s %6s %7s %7s %7s %6s %6s %6s  %s\n' case base MB/s \
    default libssh2 sftp def/b lib/b sftp/b target
want dense && row "$R_DENSE" 1.0
want sparse && row "$R_SPARSE" 0.33
want block && row "$R_BLOCK" 0.5
echo
want sparse && printf 'sparse: data %d bytes, output allocated %d bytes = %.3f x data (<= 1.1: %s)\n' \
    "$DATA" "$ALLOC_SPARSE" "$(echo "$ALLOC_SPARSE / $DATA" | bc -l)" \
    "$(verdict "$(echo "$ALLOC_SPARSE / $DATA" | bc -l)" 1.1)"
want block && printf 'block:  output allocated %d bytes = %.3f x data\n' \
    "$ALLOC_BLOCK" "$(echo "$ALLOC_BLOCK / $DATA" | bc -l)"
want rss && printf 'rss:    peak RSS copying a 4 GiB sparse disk: %.1f MiB (< 64: %s)\n' \
    "$(echo "$RSS_KB / 1024" | bc -l)" \
    "$(verdict "$(echo "$RSS_KB / 1024" | bc -l)" 63.999)"

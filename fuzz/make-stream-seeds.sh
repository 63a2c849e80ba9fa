#!/bin/sh
# The seed corpus of fuzz-stream, made at build time from the real
# streamer (core/transfer/transfer-streamer.sh) run on small disks here:
# every kind of stream the protocol has (data, holes and zero runs,
# keepalives, a resume, the checksum, hash mode, the dd and md5sum
# fallbacks of a host without perl, the streamer's errors), each behind
# the harness's 9-byte prologue (mode byte, offset asked for).  A change
# of the protocol changes the streamer, and so these seeds.
#   make-stream-seeds.sh STREAMER.sh OUTDIR
set -e
streamer=$1 out=$2
script=$(cat "$streamer")
tmp=$(mktemp -d "${TMPDIR:-/tmp}/x2k-seeds.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$out"

# A prologue: hash mode (0/1) and the offset in MiB, as 9 bytes.
prologue()
{
    printf "\\$(printf %03o "$1")"
    off=$(($2 * 1048576))
    for shift in 56 48 40 32 24 16 8 0; do
        printf "\\$(printf %03o $(( (off >> shift) & 255 )))"
    done
}

# seed NAME HASH OFFSET_MIB ARGS...: the streamer's output for ARGS,
# run with $SEED_PATH as its PATH.
SEED_PATH=$PATH
seed()
{
    name=$1 hash=$2 mib=$3
    shift 3
    { prologue "$hash" "$mib"
      /usr/bin/env PATH="$SEED_PATH" /bin/sh -c "$script" x2k-streamer "$@" ||
          :
    } > "$out/$name" 2>/dev/null
}

# Small disks keep the inputs small (the fuzzer's -max_len).
head -c 100000 /dev/urandom > "$tmp/dense"
truncate -s 5M "$tmp/sparse"
printf 'data here' | dd of="$tmp/sparse" bs=1 seek=1048579 conv=notrunc 2>/dev/null
head -c 30000 /dev/urandom | dd of="$tmp/sparse" bs=1M seek=3 conv=notrunc 2>/dev/null
truncate -s 1100000 "$tmp/small"
printf 'raw data' | dd of="$tmp/small" bs=1 seek=1048600 conv=notrunc 2>/dev/null
: > "$tmp/empty"

seed copy-dense 0 0 copy "$tmp/dense" 0 0 0 1
seed copy-sparse 0 0 copy "$tmp/sparse" 0 0 0 1
seed copy-sparse-verify 0 0 copy "$tmp/sparse" 0 0 1 1
seed copy-resume 0 2 copy "$tmp/sparse" 2097152 0 1 1
seed copy-past-end 0 9 copy "$tmp/sparse" 9437184 0 0 1
seed copy-block 0 0 copy "$tmp/sparse" 0 1 0 1
seed copy-empty 0 0 copy "$tmp/empty" 0 0 0 1
seed copy-missing 0 0 copy "$tmp/no-such-disk" 0 0 0 1
seed hash-sparse 1 0 hash "$tmp/sparse" 0 0 1 1

# A host without perl: the dd and md5sum fallbacks.
mkdir "$tmp/bin"
for tool in dd wc md5sum sleep cat; do
    p=$(command -v "$tool") && ln -s "$p" "$tmp/bin/$tool"
done
SEED_PATH=$tmp/bin
seed raw-resume 0 1 copy "$tmp/small" 1048576 0 0 1
seed raw-missing 0 0 copy "$tmp/no-such-disk" 0 0 0 1
seed md5sum-sparse 1 0 hash "$tmp/sparse" 0 0 1 1
rm "$tmp/bin/md5sum"
seed nohash-sparse 1 0 hash "$tmp/sparse" 0 0 1 1

# The keepalives of a long read, written out (a real one takes seconds).
{ prologue 1 0; printf 'K\nK\nX2KMD5 0123456789abcdef0123456789abcdef\n'; } \
    > "$out/md5sum-keepalive"

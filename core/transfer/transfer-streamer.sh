# x2k-streamer, protocol version 2: read one disk READ-ONLY and write it
# to stdout as framed records.  Run as
#   sh -c "$(cat transfer-streamer.sh)" x2k-streamer MODE PATH OFFSET BLOCK VERIFY KA
# MODE is "copy" (records from OFFSET, a multiple of 1 MiB) or "hash"
# (checksum only); BLOCK=1 means a block device (no holes to look for);
# VERIFY=1 adds the source checksum to the end record; KA is the most
# seconds it stays silent (default 5): while it reads without sending
# (hashing before OFFSET, a long run of zeros, hash mode) it sends a
# keepalive, so that the receiver can bound every read.  It is embedded
# in xen2kvm-tui at build time (core/transfer/transfer-streamer.inc) and
# sent through the SSH exec channel: nothing is written on the Xen host.
# Its one reader is core/transfer/transfer-decode.c (strict).
#
# With perl (every dom0 has it) the stream is binary, big-endian:
#   header  "X2KS" N:version=2 Q:size Q:offset Q:mtime N:flags(1=md5)
#           (offset: where the records start, OFFSET or the disk's end;
#           the disk's end in hash mode)
#   'D' Q:offset N:length bytes      data (1 <= length <= 1 MiB)
#   'Z' Q:offset Q:length            zeros (file holes, zero blocks)
#   'K' Q:position                   keepalive (position increases)
#   'E' Q:size C:n alg C:n hex       end; alg "md5tree1m" or ""
#   'X' N:length text                fatal error (length < 65536)
# D and Z records follow each other without gap or overlap from the
# header's offset to the size.  md5tree1m = md5 over the md5 digests of
# each aligned 1 MiB block.  Without perl: one line "X2KRAW1 SIZE
# OFFSET" then the raw bytes (dd), or in hash mode lines "K" while
# md5sum runs, then "X2KMD5 HEX" (md5sum) or "X2KNOHASH"; "X2KERR TEXT"
# on failure.
x2k_perl='
use strict;
my ($mode, $path, $off, $isblk, $verify, $ka) = @ARGV;
$ka = 5 unless defined $ka && $ka =~ /^[1-9][0-9]*$/;
my $BS = 1048576;
my $ZB = 65536;
my $md5 = 0;
if ($verify) { $md5 = eval { require Digest::MD5; 1 } ? 1 : 0; }
binmode STDOUT;
sub u64 { my $v = shift; my $hi = int($v / 4294967296);
          return pack("NN", $hi, $v - $hi * 4294967296); }
sub out {
    my ($s, $len, $pos) = @_;
    $len = length($s) unless defined $len;
    $pos = 0 unless defined $pos;
    while ($len > 0) {
        my $n = syswrite(STDOUT, $s, $len, $pos);
        if (!defined $n) { next if $!{EINTR}; exit 3; }
        $len -= $n; $pos += $n;
    }
}
sub fatal { my $m = "x2k-streamer: " . shift; out("X" . pack("N", length $m) . $m);
            print STDERR "$m\n"; exit 2; }
open(my $fh, "<", $path) or fatal("cannot open $path: $!");
binmode $fh;
my $size = sysseek($fh, 0, 2);
fatal("cannot seek $path: $!") unless defined $size;
$size = 0 + $size;
# Sub-second mtime and ctime where Time::HiRes (core perl) has them.
my $hires = eval { require Time::HiRes; 1 } ? 1 : 0;
sub hstat { return $hires ? Time::HiRes::stat($_[0]) : stat($_[0]); }
my @st0 = hstat($fh);
my $mtime = int($st0[9] || 0);
# At the end: still the file that was opened, of the same size, not
# written meanwhile (a block device: its size and identity only).
sub unchanged {
    my @now = hstat($fh); my @at = stat($path);
    my $end = sysseek($fh, 0, 2);
    my $why = !@now || !defined $end ? "it cannot be examined again"
        : (!@at || $at[0] != $now[0] || $at[1] != $now[1]) ? "its path now names another file"
        : $end < $size ? "it shrank" : $end > $size ? "it grew"
        : (!$isblk && ($now[9] != $st0[9] || $now[10] != $st0[10])) ? "it was written"
        : "";
    fatal("$path changed while it was read ($why)") if $why ne "";
}
$off = $size if $off > $size || $mode ne "copy";
out("X2KS" . pack("N", 2) . u64($size) . u64($off) . u64($mtime) . pack("N", $md5));
my $zero = "\0" x $BS;
my $zsub = "\0" x $ZB;
my $zdig = $md5 ? Digest::MD5::md5($zero) : "";
my $tree = $md5 ? Digest::MD5->new : undef;
my $seek = $isblk ? 0 : 1;
my $next_data = -1;
my $zstart = -1;
my $emit = ($mode eq "copy") ? 1 : 0;
my $buf;
my $alive = 0;
my $alive_at = time + $ka;
sub flushz { my $end = shift;
    if ($zstart >= 0) { out("Z" . u64($zstart) . u64($end - $zstart)) if $emit; $zstart = -1; } }
# Data records of at most 256 KiB keep the receiver cache-friendly.
sub data { my ($base, $at, $n) = @_;
    while ($n > 0) {
        my $l = $n > 262144 ? 262144 : $n;
        out("D" . u64($base + $at) . pack("N", $l)); out($buf, $l, $at);
        $at += $l; $n -= $l;
    }
}
sub rd { my ($pos, $len) = @_;
    sysseek($fh, $pos, 0) or fatal("cannot seek $path: $!");
    my $got = 0; $buf = "";
    while ($got < $len) {
        my $n = sysread($fh, $buf, $len - $got, $got);
        fatal("cannot read $path: $!") unless defined $n;
        fatal("$path changed while it was read (it shrank)") if $n == 0;
        $got += $n;
    }
}
# The checksum covers the whole disk: hash [0, offset) without sending.
my $start = $md5 ? 0 : $off;
my $pos = $start;
while ($pos < $size) {
    my $len = $size - $pos < $BS ? $size - $pos : $BS;
    my $send = $emit && $pos >= $off;
    if (time >= $alive_at) {
        # Silent too long: what is known of a zero run goes out, and a
        # keepalive says how far the reading got.
        flushz($pos) if $send;
        if ($pos > $alive) { out("K" . u64($pos)); $alive = $pos; }
        $alive_at = time + $ka;
    }
    if ($seek && $next_data < $pos) {
        my $d = sysseek($fh, $pos, 3);
        if (defined $d) { $next_data = 0 + $d; }
        elsif ($!{ENXIO}) {
            # Past the last data, or past an end that moved: a disk
            # that shrank is an error, not a hole.
            my $end = sysseek($fh, 0, 2);
            fatal("$path changed while it was read (it shrank)")
                if !defined $end || $end < $size;
            $next_data = $size;
        }
        else { $seek = 0; }
    }
    if ($seek && $next_data >= $pos + $len) {
        # A hole: jump to the block holding the next data.
        my $to = $next_data >= $size ? $size : $next_data - $next_data % $BS;
        if ($send) { $zstart = $pos if $zstart < 0; }
        if ($tree) {
            for (my $p = $pos; $p < $to; $p += $BS) {
                $tree->add($to - $p < $BS ? Digest::MD5::md5("\0" x ($to - $p)) : $zdig);
            }
        }
        $pos = $to;
        next;
    }
    if (!$send && !$tree) { $pos += $len; next; }
    rd($pos, $len);
    $tree->add($len == $BS && $buf eq $zero ? $zdig : Digest::MD5::md5($buf)) if $tree;
    if ($send) {
        if ($len == $BS && $buf eq $zero) { $zstart = $pos if $zstart < 0; }
        else {
            my $i = 0; my $ds = -1;
            while ($i < $len) {
                my $l = $len - $i < $ZB ? $len - $i : $ZB;
                # A non-zero first or last byte settles most data blocks
                # without copying them.
                my $z = ord(substr($buf, $i, 1)) == 0 &&
                        ord(substr($buf, $i + $l - 1, 1)) == 0 &&
                        ($l == $ZB ? substr($buf, $i, $l) eq $zsub
                                   : substr($buf, $i, $l) eq "\0" x $l);
                if ($z) {
                    if ($ds >= 0) { data($pos, $ds, $i - $ds); $ds = -1; }
                    $zstart = $pos + $i if $zstart < 0;
                } else {
                    flushz($pos + $i);
                    $ds = $i if $ds < 0;
                }
                $i += $l;
            }
            data($pos, $ds, $len - $ds) if $ds >= 0;
        }
    }
    $pos += $len;
}
unchanged();
flushz($size);
my $hex = $tree ? $tree->hexdigest : "";
my $alg = $tree ? "md5tree1m" : "";
out("E" . u64($size) . pack("C", length $alg) . $alg . pack("C", length $hex) . $hex);
exit 0;
'
mode=$1 path=$2 off=$3 blk=$4 verify=$5 ka=${6:-5}
if command -v perl >/dev/null 2>&1; then
    if [ "$mode" != hash ] || perl -MDigest::MD5 -e 1 >/dev/null 2>&1; then
        exec perl -e "$x2k_perl" -- "$@"
    fi
else
    echo "x2k-streamer: perl not found; falling back to dd" >&2
fi
if [ ! -r "$path" ]; then
    echo "X2KERR x2k-streamer: cannot read $path"
    exit 2
fi
if [ "$mode" = hash ]; then
    if command -v md5sum >/dev/null 2>&1; then
        # Keepalive lines while md5sum reads (sleep must not hold stdout).
        ( while sleep "$ka" >/dev/null 2>&1; do echo K || exit 0; done ) &
        alive=$!
        sum=$(md5sum < "$path") || { kill $alive; exit 2; }
        kill $alive 2>/dev/null
        wait $alive 2>/dev/null
        printf 'X2KMD5 %.32s\n' "$sum"
    else
        echo X2KNOHASH
    fi
    exit 0
fi
size=
if [ -b "$path" ]; then
    size=$(blockdev --getsize64 "$path" 2>/dev/null) || size=
fi
if [ -z "$size" ]; then
    size=$(wc -c < "$path") || exit 2
fi
size=$(echo $size)
printf 'X2KRAW1 %s %s\n' "$size" "$off"
exec dd if="$path" bs=1048576 skip=$((off / 1048576)) 2>/dev/null

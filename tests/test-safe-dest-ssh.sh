#!/bin/bash
# The source is never written, over SSH (issue 12, item 1): the Xen
# host (a real sshd on 127.0.0.1) shares a directory with the target
# pool and the checks find it read-only from the Xen side (readlink,
# stat, a probe file made in the pool and looked for): the pool is the
# Xen host's image directory (same path), a symbolic link to it, a bind
# mount of it (another path on each side), and a hard link of the source
# disk in a pool of its own.  Each is refused in preflight even with
# --overwrite; the source stays byte-identical and no probe is left.
. "${top_srcdir:-..}/tests/functions.sh"
set -e -x
requires truncate md5sum mount umount
requires_root
xen_host_start
export XDG_RUNTIME_DIR=$TMPD/run

name=rhel49-x86_64-pv-vda.raw
src=$XEN/images/$name
truncate -s 4M "$src"
head -c 50000 /dev/urandom | dd of="$src" conv=notrunc status=none
sum=$(md5sum < "$src")
xen_host_xml -e "s|rhel49-x86_64-pv.img|$name|"
kvm_host_xml
base=(--batch --uri "test://$TMPD/xenhost.xml" "${XEN_SSH[@]}"
      --target-uri "test://$TMPD/kvmhost.xml" --bridge br0
      --state-dir "$TMPD/state" --no-guest-fixes --vm-name rhel49-x86_64-pv
      --overwrite)

# Point the target's dir pool at DIR.
pool_at()
{
    sed -e "s|/var/lib/libvirt/images|$1|" \
        "$top_srcdir/tests/data/kvmhost.xml" > "$TMPD/kvmhost.xml"
}

refused()
{
    x2k_expect 3 "$TMPD/$1" "${base[@]}"
    assert_contains "$TMPD/$1.err" "dest-not-source"
    assert_contains "$TMPD/$1.err" "is the source disk $src"
    [ "$(md5sum < "$src")" = "$sum" ] || fail "$1: the source was written"
    if ls -a "$XEN/images" "$POOL" | grep -q x2k-probe; then
        fail "$1: a probe file was left"
    fi
}

# The pool is the Xen host's image directory, at the same path.
pool_at "$XEN/images"
refused samepath

# The pool is a symbolic link to it.
ln -s "$XEN/images" "$TMPD/pool-link"
pool_at "$TMPD/pool-link"
refused symlink

# A bind mount: the pool is the same directory under another path.
mkdir "$TMPD/bindmnt"
mount --bind "$XEN/images" "$TMPD/bindmnt" || skip "mount --bind failed"
cleanup_fn umount "$TMPD/bindmnt"
pool_at "$TMPD/bindmnt"
refused bind

# A hard link of the source disk in a pool of its own.
mkdir "$SSHD_HOME/pool"
ln "$src" "$SSHD_HOME/pool/$name"
pool_at "$SSHD_HOME/pool"
refused hardlink

# A pool the Xen host does not share: the copy runs.
pool_at "$POOL"
x2k_expect 0 "$TMPD/good" "${base[@]}"
cmp "$src" "$POOL/$name"

#!/bin/bash
# The source is never written and nothing is replaced that this
# migration did not create (issue 12, items 1, 2 and 4), disks read on
# this machine (test:// source): a destination that is the source disk
# (pool path == source path, a symbolic link or a hard link in the pool,
# an output directory that is a link to the source's directory) is
# refused in preflight even with --overwrite and the source stays
# byte-identical; an existing file is refused unless --overwrite; names
# that collide once sanitised are refused and no name leaves the output
# directory; copies are 0600, the output directory 0700, and another
# user's output directory is refused.
. "${top_srcdir:-..}/tests/functions.sh"
set -e -x
requires truncate cmp md5sum stat
xen_host_start --local
export XDG_RUNTIME_DIR=$TMPD/run

src=$XEN/images/rhel49-x86_64-pv.img
truncate -s 8M "$src"
head -c 100000 /dev/urandom | dd of="$src" conv=notrunc status=none
sum=$(md5sum < "$src")
xen_host_xml
kvm_host_xml
base=(--batch --uri "test://$TMPD/xenhost.xml"
      --target-uri "test://$TMPD/kvmhost.xml" --bridge br0
      --state-dir "$TMPD/state" --no-guest-fixes --vm-name rhel49-x86_64-pv)
dest=$POOL/rhel49-x86_64-pv-vda.raw

src_intact()
{
    [ "$(md5sum < "$src")" = "$sum" ] || fail "the source disk was written"
}

# A symbolic link in the pool to the source disk: refused, --overwrite
# or not, before anything is written.
ln -s "$src" "$dest"
x2k_expect 3 "$TMPD/symlink" "${base[@]}" --overwrite
assert_contains "$TMPD/symlink.err" "dest-not-source"
assert_contains "$TMPD/symlink.err" "is the source disk $src"
assert_contains "$TMPD/symlink.err" "--new-name"
src_intact
[ -L "$dest" ]
rm "$dest"

# A hard link: same device and inode.
ln "$src" "$dest"
x2k_expect 3 "$TMPD/hardlink" "${base[@]}" --overwrite
assert_contains "$TMPD/hardlink.err" "is the source disk $src"
src_intact
rm "$dest"

# An existing file this migration did not create: refused, then
# replaced with --overwrite; the copy is private.
echo "someone else's" > "$dest"
x2k_expect 3 "$TMPD/exists" "${base[@]}"
assert_contains "$TMPD/exists.err" "dest-exists"
assert_contains "$TMPD/exists.err" "$dest already exists and this migration"
assert_contains "$TMPD/exists.err" "--overwrite"
[ "$(cat "$dest")" = "someone else's" ]
x2k_expect 0 "$TMPD/overwrite" "${base[@]}" --overwrite
cmp "$src" "$dest"
src_intact
[ "$(stat -c %a "$dest")" = 600 ] || fail "the copy is not 0600"
grep -q -- "--overwrite" "$(sed -n 's/^The report and the log are in \(.*\)\.$/\1/p' \
    "$TMPD/overwrite")/replay.sh"
rm -f "$dest"

# The pool's volume path is the source disk's path (the pool is the
# Xen host's image directory).
mv "$src" "$XEN/images/rhel49-x86_64-pv-vda.raw"
src=$XEN/images/rhel49-x86_64-pv-vda.raw
xen_host_xml -e "s|rhel49-x86_64-pv.img|rhel49-x86_64-pv-vda.raw|"
sed -i "s|$POOL|$XEN/images|" "$TMPD/kvmhost.xml"
x2k_expect 3 "$TMPD/samepath" "${base[@]}" --overwrite
assert_contains "$TMPD/samepath.err" \
    "The destination $src is the source disk $src"
src_intact
kvm_host_xml

# --output local into a directory that is a link to the source's.
ln -s "$XEN/images" "$TMPD/outlink"
x2k_expect 3 "$TMPD/outlink.out" "${base[@]}" --overwrite --output local \
    --output-dir "$TMPD/outlink"
assert_contains "$TMPD/outlink.out.err" "output-dir"
src_intact
rm "$TMPD/outlink"

# --output local: names are sanitised (no hidden file, nothing leaves
# the directory), the directory is made 0700, the files are 0600.
x2k_expect 0 "$TMPD/local" "${base[@]}" --output local \
    --output-dir "$TMPD/out" --new-name ".web"
[ "$(stat -c %a "$TMPD/out")" = 700 ] || fail "output directory not 0700"
ls -la "$TMPD/out"
[ ! -e "$TMPD/out/.web.xml" ] && [ -s "$TMPD/out/_web.xml" ]
[ -s "$TMPD/out/_web-report.txt" ]
for f in "$TMPD"/out/*; do
    [ "$(stat -c %a "$f")" = 600 ] || fail "$f is not 0600"
done
cmp "$src" "$TMPD/out/_web-vda.raw"
# A second guest whose name is the same once sanitised: refused.
x2k_expect 3 "$TMPD/collide" "${base[@]}" --output local \
    --output-dir "$TMPD/out" --new-name "_web"
assert_contains "$TMPD/collide.err" "dest-exists"
src_intact

# Another user's output directory.
if id nobody >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    mkdir "$TMPD/theirs"
    chown nobody "$TMPD/theirs"
    x2k_expect 3 "$TMPD/theirs.out" "${base[@]}" --output local \
        --output-dir "$TMPD/theirs"
    assert_contains "$TMPD/theirs.out.err" "belongs to another user"
fi
src_intact

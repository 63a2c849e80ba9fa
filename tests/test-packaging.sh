#!/bin/bash
# The packaging files agree with the source: xen2kvm-tui.spec parses
# for RHEL 9 and for SLES 15 and has configure's version, and so has
# debian/changelog; debian/control's Depends name the programs the tool
# runs.  (Building and installing the packages is
# build-aux/check-packages.sh, in ./quickstart check.)
. "${top_srcdir:-..}/tests/functions.sh"
set -e -x
requires rpmspec dpkg-parsechangelog
tmpdir
version=$(sed -n 's/^PACKAGE_VERSION = //p' "$top_builddir/Makefile")
[ -n "$version" ]
spec=$top_srcdir/xen2kvm-tui.spec

for define in 'rhel 9' 'suse_version 1500'; do
    rpmspec -P --define "$define" "$spec" > "$TMPD/spec" ||
        fail "rpmspec -P ($define) failed"
    v=$(rpmspec -q --define "$define" --qf '%{VERSION}\n' "$spec" | head -1)
    [ "$v" = "$version" ] || fail "spec ($define): Version $v, configure $version"
done
rpmspec -P --define 'rhel 9' "$spec" > "$TMPD/rhel"
rpmspec -P --define 'suse_version 1500' "$spec" > "$TMPD/suse"
grep -qE '^Requires: +qemu-img$' "$TMPD/rhel" || fail "RHEL: no qemu-img"
grep -qE '^Requires: +openssh-clients$' "$TMPD/rhel" || fail "RHEL: no ssh"
grep -qE '^Requires: +qemu-tools$' "$TMPD/suse" || fail "SUSE: no qemu-img"
grep -qE '^BuildRequires: +libopenssl-devel$' "$TMPD/suse" ||
    fail "SUSE: its OpenSSL headers are libopenssl-devel"

v=$(dpkg-parsechangelog -l "$top_srcdir/debian/changelog" -S Version)
[ "$v" = "$version" ] || fail "debian/changelog: $v, configure $version"
depends=$(sed -n '/^Package: xen2kvm-tui$/,/^Description:/p' \
    "$top_srcdir/debian/control" | sed -n '/^Depends:/,/^[A-Z]/p')
for p in openssh-client qemu-utils supermin '${shlibs:Depends}'; do
    grep -qF -- "$p" <<< "$depends" || fail "debian/control: Depends lacks $p"
done
grep -qx 'debhelper-compat (= 13),' <(sed -n 's/^Build-Depends: //p' \
    "$top_srcdir/debian/control") || fail "debian/control: not debhelper-compat 13"

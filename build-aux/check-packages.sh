#!/bin/sh
# The packages as CI checks them (./quickstart check), each from the
# release tarball that `make dist' makes:
#
#   build-aux/check-packages.sh deb TARBALL
#       dpkg-buildpackage -us -uc -b with DEB_BUILD_OPTIONS=nocheck (the
#       suite already ran), lintian with no error, `apt-get install' of
#       the .deb on this machine, then the installed program alone (no
#       build-tree variables, a clean environment): --version, --help in
#       zh_CN.UTF-8 (it must be Chinese), and a demo migration in batch
#       mode from the installed demo host; then `apt-get purge'.
#   build-aux/check-packages.sh rpm TARBALL
#       xen2kvm-tui.spec parses (rpmspec -P, for RHEL and for SUSE) and
#       builds (rpmbuild -tb --nodeps --nocheck).
#
# Logs go to the tarball's directory (package-deb.log, package-rpm.log).
# Exit 0 passed, 1 failed, 77 skipped (a tool is missing, or the
# package is already installed here and is not ours to remove).
set -eu

kind=${1:?usage: check-packages.sh deb|rpm TARBALL}
tarball=$(cd "$(dirname "${2:?usage: check-packages.sh deb|rpm TARBALL}")" && pwd)/$(basename "$2")
logdir=$(dirname "$tarball")
name=xen2kvm-tui
version=$(basename "$tarball" .tar.gz)
version=${version#"$name"-}

say() { echo "check-packages: $*"; }
die() { say "FAIL: $*"; exit 1; }
skip() { say "SKIP: $*"; exit 77; }

work=$(mktemp -d /tmp/x2k-pkg.XXXXXX)
installed=""
cleanup()
{
    rc=$?
    if [ -n "$installed" ]; then
        apt-get purge -y -q "$name" > "$work/purge.log" 2>&1 ||
            { cat "$work/purge.log"; rc=1; }
    fi
    rm -rf "$work"
    exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# The installed program in a clean environment: nothing from the build
# tree (X2K_DEMO_DIR, X2K_LOCALEDIR...), a private HOME.
run_installed()
{
    env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME="$work/home" \
        LANG="${LANG_RUN:-C.UTF-8}" "$@"
}

check_deb()
{
    for t in dpkg-buildpackage lintian apt-get; do
        command -v $t > /dev/null || skip "$t is missing (build-aux/install-deps.sh)"
    done
    [ "$(id -u)" = 0 ] || skip "installing the package needs root"
    if dpkg-query -W -f='${Status}' "$name" 2>/dev/null | grep -q 'ok installed'; then
        skip "$name is already installed on this machine; not replacing it"
    fi
    log=$logdir/package-deb.log
    : > "$log"

    tar -C "$work" -xzf "$tarball"
    say "dpkg-buildpackage -us -uc -b (nocheck)"
    (cd "$work/$name-$version" &&
        DEB_BUILD_OPTIONS="nocheck parallel=$(nproc)" \
        dpkg-buildpackage -us -uc -b) >> "$log" 2>&1 ||
        { tail -40 "$log"; die "dpkg-buildpackage failed ($log)"; }
    deb=$work/${name}_${version}_$(dpkg --print-architecture).deb
    [ -f "$deb" ] || die "no $deb"

    # Errors fail; warnings are shown.
    lintian --fail-on error "$work"/*.changes > "$work/lintian.txt" 2>&1 ||
        { cat "$work/lintian.txt"; die "lintian reports errors"; }
    grep -v '^running with root privileges' "$work/lintian.txt" || :
    say "lintian: $(grep -c '^E:' "$work/lintian.txt" || :) errors, $(grep -c '^W:' "$work/lintian.txt" || :) warnings"

    say "apt-get install $(basename "$deb")"
    # Without recommends: virt-v2v and the rest are there already, and a
    # libvirt-daemon-system would start daemons on this machine.
    installed=yes
    (cd "$work" && DEBIAN_FRONTEND=noninteractive \
        apt-get install -y -q --no-install-recommends "./$(basename "$deb")") \
        >> "$log" 2>&1 || { tail -20 "$log"; die "apt-get install failed"; }
    [ "$(command -v $name)" = /usr/bin/$name ] || die "/usr/bin/$name is not on PATH"

    run_installed $name --version > "$work/version"
    head -1 "$work/version" | grep -qx "$name $version" ||
        { cat "$work/version"; die "installed --version is not $version"; }
    grep -q '^libvirt [0-9]' "$work/version" ||
        die "installed --version lacks the libraries"
    say "installed: $(tr '\n' ' ' < "$work/version")"

    # Chinese from the installed catalog: CJK text, no English titles.
    LANG_RUN=zh_CN.UTF-8 run_installed $name --help > "$work/help-zh"
    LC_ALL=C.UTF-8 grep -qP '[\x{4e00}-\x{9fff}]' "$work/help-zh" ||
        { head -20 "$work/help-zh"; die "--help in zh_CN.UTF-8 is not Chinese"; }
    ! grep -qF 'Source (the Xen host and the guest):' "$work/help-zh" ||
        die "--help in zh_CN.UTF-8 still has English group titles"

    # A whole demo migration from the installed demo host.
    cache=$work/home/.cache/$name/demo
    mkdir -p "$work/home"
    run_installed xen2kvm-tui --batch --demo --vm-name demo-pv \
        --target-uri "test://$cache/kvmhost.xml" --no-guest-fixes --verify \
        --state-dir "$work/state" > "$work/demo.out" 2>&1 ||
        { cat "$work/demo.out"; die "the installed demo migration failed"; }
    grep -q "^Done: the domain 'demo-pv' is defined" "$work/demo.out" ||
        { cat "$work/demo.out"; die "the demo migration did not say Done"; }
    cmp "$cache/pool/demo-pv-vda.raw" "$cache/images/demo-pv.img" ||
        die "the demo's copy differs from its source"
    say "installed demo migration: $(grep '^Done:' "$work/demo.out")"

    apt-get purge -y -q "$name" >> "$log" 2>&1 || die "apt-get purge failed"
    installed=""
    [ ! -e /usr/bin/$name ] || die "/usr/bin/$name is still there after purge"
    say "deb: passed"
}

check_rpm()
{
    for t in rpmspec rpmbuild; do
        command -v $t > /dev/null || skip "$t is missing (build-aux/install-deps.sh: rpm)"
    done
    log=$logdir/package-rpm.log
    : > "$log"
    tar -C "$work" -xzf "$tarball" "$name-$version/$name.spec"
    spec=$work/$name-$version/$name.spec
    rpmspec -P "$spec" > "$work/rhel.spec" 2>> "$log" ||
        { cat "$log"; die "rpmspec -P failed"; }
    rpmspec -P --define 'rhel 9' "$spec" > /dev/null 2>> "$log" ||
        { cat "$log"; die "rpmspec -P (rhel 9) failed"; }
    rpmspec -P --define 'suse_version 1500' "$spec" > "$work/suse.spec" 2>> "$log" ||
        { cat "$log"; die "rpmspec -P (suse_version 1500) failed"; }
    v=$(rpmspec -q --qf '%{VERSION}\n' "$spec" 2>> "$log" | head -1)
    [ "$v" = "$version" ] || die "the spec's Version is $v, the tarball's $version"
    grep -q '^Requires: *qemu-img' "$work/rhel.spec" || die "RHEL: no qemu-img"
    grep -q '^Requires: *qemu-tools' "$work/suse.spec" || die "SUSE: no qemu-tools"
    say "rpmbuild -tb --nodeps --nocheck"
    rpmbuild -tb --nodeps --nocheck --define "_topdir $work/rpm" "$tarball" \
        >> "$log" 2>&1 || { tail -40 "$log"; die "rpmbuild failed ($log)"; }
    rpm=$(find "$work/rpm/RPMS" -name "$name-$version-*.rpm" | head -1)
    [ -n "$rpm" ] || die "rpmbuild wrote no binary RPM"
    rpm -qpl "$rpm" 2>/dev/null > "$work/files"
    for f in /usr/bin/xen2kvm-tui /usr/bin/xen2kvm \
             /usr/share/bash-completion/completions/xen2kvm-tui \
             /usr/share/locale/zh_CN/LC_MESSAGES/xen2kvm-tui.mo \
             /usr/share/xen2kvm-tui/demo/xenhost.xml; do
        grep -qx "$f" "$work/files" || die "the RPM lacks $f"
    done
    say "rpm: passed ($(basename "$rpm"))"
}

case $kind in
deb) check_deb ;;
rpm) check_rpm ;;
*) die "unknown kind '$kind' (deb or rpm)" ;;
esac

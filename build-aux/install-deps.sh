#!/bin/sh
# Install every Debian 12 package that building, testing and the demo
# of xen2kvm-tui need, when any is missing, and generate the zh_CN.UTF-8
# locale.  make check-boot builds Debian guests with debootstrap, fdisk's
# sfdisk and loop devices, and boots them with virt-qemu-run
# (libvirt-daemon-driver-qemu).  virt-xml-validate needs xmllint (libxml2-utils,
# only recommended by libvirt-clients).  virt-v2v (--engine virt-v2v, make check-slow) only recommends
# nbdkit and nbdcopy (libnbd-bin), and this script installs without
# recommends, so they are listed too.  The packages' check
# (build-aux/check-packages.sh) builds the .deb (debhelper, dpkg-dev),
# lints it (lintian) and builds the RPM spec (rpm: rpmspec, rpmbuild);
# bash-completion's pkg-config file says where the completion goes.  As root it runs apt-get; otherwise it prints the exact
# command and exits non-zero.
set -e

PACKAGES="
autoconf automake libtool autopoint gettext pkg-config gcc make
libncurses-dev libvirt-dev libguestfs-dev libxml2-dev libssh2-1-dev
libpopt-dev libcmocka-dev libssl-dev
tmux openssh-server openssh-client libvirt-clients libxml2-utils libvirt-daemon
netcat-openbsd
qemu-utils qemu-system-x86 libguestfs-tools linux-image-amd64
e2fsprogs fdisk
virt-v2v nbdkit libnbd-bin cpio
locales perl python3 xz-utils procps psmisc passwd mount coreutils
clang libclang-rt-14-dev
debootstrap util-linux libvirt-daemon-driver-qemu
bash-completion debhelper dpkg-dev lintian rpm
"

missing=""
for p in $PACKAGES; do
    if ! dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null |
            grep -q '^install ok installed$'; then
        missing="$missing $p"
    fi
done

if [ -n "$missing" ]; then
    cmd="apt-get install -y --no-install-recommends$missing"
    if [ "$(id -u)" != 0 ]; then
        echo "install-deps: missing packages; run as root:" >&2
        echo "  apt-get update && $cmd" >&2
        exit 1
    fi
    echo "install-deps: installing:$missing"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q
    # shellcheck disable=SC2086
    apt-get install -y -q --no-install-recommends $missing
fi

# zh_CN.UTF-8 for the translation tests and Chinese users.
if ! locale -a 2>/dev/null | grep -qix 'zh_CN.utf8'; then
    if [ "$(id -u)" != 0 ]; then
        echo "install-deps: the zh_CN.UTF-8 locale is missing; as root run:" >&2
        echo "  sed -i 's/^# *zh_CN.UTF-8/zh_CN.UTF-8/' /etc/locale.gen && locale-gen" >&2
        exit 1
    fi
    if grep -q 'zh_CN.UTF-8 UTF-8' /etc/locale.gen 2>/dev/null; then
        sed -i 's/^# *zh_CN.UTF-8 UTF-8/zh_CN.UTF-8 UTF-8/' /etc/locale.gen
    else
        echo 'zh_CN.UTF-8 UTF-8' >> /etc/locale.gen
    fi
    locale-gen
fi
echo "install-deps: all dependencies present"

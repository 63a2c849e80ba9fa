#!/bin/bash
# `make install DESTDIR=...' puts nothing outside the prefix, sysconfdir
# and localstatedir: as configured, and with an /opt layout whose
# sysconfdir and localstatedir lie outside the prefix (so nothing may
# hard-code /usr, /etc, /var or what pkg-config says).  What it
# installs: both programs, the man pages, the catalogs, the demo host
# and the bash completion for both names, under the prefix.
. "${top_srcdir:-..}/tests/functions.sh"
set -e -x
requires make
tmpdir

# install DIR [VAR=VALUE...]: make install into DIR; print prefix,
# sysconfdir and localstatedir as the Makefile has them.
install_into()
{
    local dest=$1
    shift
    make -s -C "$top_builddir" install DESTDIR="$dest" "$@" \
        > "$TMPD/install.log" 2>&1 ||
        { cat "$TMPD/install.log" >&2; fail "make install failed"; }
}

# check DEST PREFIX SYSCONFDIR LOCALSTATEDIR
check()
{
    local dest=$1 prefix=$2 sysconfdir=$3 localstatedir=$4 f rel
    find "$dest" ! -type d > "$TMPD/files"
    [ -s "$TMPD/files" ] || fail "make install installed nothing"
    while IFS= read -r f; do
        rel=${f#"$dest"}
        case $rel in
        "$prefix"/* | "$sysconfdir"/* | "$localstatedir"/*) ;;
        *) fail "installed outside prefix, sysconfdir and localstatedir: $rel" ;;
        esac
    done < "$TMPD/files"
    for f in bin/xen2kvm-tui bin/xen2kvm share/man/man1/xen2kvm-tui.1 \
             share/locale/zh_CN/LC_MESSAGES/xen2kvm-tui.mo \
             share/xen2kvm-tui/demo/xenhost.xml \
             share/bash-completion/completions/xen2kvm-tui \
             share/bash-completion/completions/xen2kvm; do
        [ -e "$dest$prefix/$f" ] || fail "make install did not install $f"
    done
    [ "$(readlink "$dest$prefix/share/bash-completion/completions/xen2kvm")" = \
        xen2kvm-tui ] || fail "the xen2kvm completion is not a link"
}

# As configured (the directories as the Makefile holds them: ${prefix}
# references expanded here).
mk_var()
{
    sed -n "s/^$1 = //p" "$top_builddir/Makefile"
}
prefix=$(mk_var prefix)
exec_prefix=$(mk_var exec_prefix)
exec_prefix=${exec_prefix//\$\{prefix\}/$prefix}
sysconfdir=$(mk_var sysconfdir)
sysconfdir=${sysconfdir//\$\{prefix\}/$prefix}
localstatedir=$(mk_var localstatedir)
localstatedir=${localstatedir//\$\{prefix\}/$prefix}
[ "$exec_prefix" = "$prefix" ] || skip "configured with a separate exec_prefix"
install_into "$TMPD/root1"
check "$TMPD/root1" "$prefix" "$sysconfdir" "$localstatedir"

# The FHS /opt layout.
install_into "$TMPD/root2" prefix=/opt/x2k-test sysconfdir=/etc/opt/x2k-test \
    localstatedir=/var/opt/x2k-test
check "$TMPD/root2" /opt/x2k-test /etc/opt/x2k-test /var/opt/x2k-test

#!/bin/bash
# --version names the program's version, then the version of each
# library it runs with, as the libraries themselves report it at run
# time: libvirt (virsh's "Using library"), libguestfs (guestfish
# --version), libxml2 (xmllint's "using libxml version"), ncurses (tic
# -V); libssh2 and popt as pkg-config knows them (no other tool prints
# them here).
. "${top_srcdir:-..}/tests/functions.sh"
set -e -x
requires virsh guestfish xmllint tic pkg-config
tmpdir
export LANGUAGE=C LC_ALL=C.UTF-8

x2k --version > "$TMPD/v"
cat "$TMPD/v"
grep -qxE 'xen2kvm-tui [0-9]+\.[0-9]+\.[0-9]+' "$TMPD/v"

want_line()
{
    grep -qxF "$1" "$TMPD/v" || fail "--version lacks the line '$1'"
}

v=$(virsh -c test:///default version | sed -n 's/^Using library: libvirt //p')
[ -n "$v" ]
want_line "libvirt $v"
v=$(guestfish --version | sed -n 's/^guestfish //p')
want_line "libguestfs $v"
v=$(xmllint --version 2>&1 | sed -n 's/.*using libxml version \([0-9]*\).*/\1/p')
want_line "libxml2 $((v / 10000)).$((v / 100 % 100)).$((v % 100))"
want_line "$(tic -V)"
want_line "libssh2 $(pkg-config --modversion libssh2)"
want_line "popt $(pkg-config --modversion popt) (at build time)"
[ "$(wc -l < "$TMPD/v")" = 7 ] || fail "--version: unexpected lines"

# The short option prints the same.
x2k -V | cmp - "$TMPD/v"

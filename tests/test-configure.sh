#!/bin/bash
# configure without cmocka: it fails and names the package and
# --disable-unit-tests, rather than drop the unit tests silently; with
# --disable-unit-tests it succeeds and says so.  "Without cmocka" is a
# pkg-config search path holding every .pc file of this machine but
# cmocka's.  Both runs share a cache file for speed (~20 s).
. "${top_srcdir:-..}/tests/functions.sh"
set -e -x
requires pkg-config
tmpdir
pkg-config --exists cmocka || skip "cmocka is not installed: nothing to hide"
mkdir "$TMPD/pc" "$TMPD/build"
IFS=: read -r -a dirs <<< "$(pkg-config --variable pc_path pkg-config)"
for d in "${dirs[@]}"; do
    for f in "$d"/*.pc; do
        [ -e "$f" ] || continue
        [ "$(basename "$f")" = cmocka.pc ] || ln -sf "$f" "$TMPD/pc/"
    done
done
export PKG_CONFIG_LIBDIR=$TMPD/pc PKG_CONFIG_PATH=
! pkg-config --exists cmocka

cd "$TMPD/build"
rc=0
"$top_srcdir/configure" -C > out 2> err || rc=$?
cat out err
[ $rc != 0 ] || fail "configure succeeded without cmocka"
assert_contains err "libcmocka-dev"
assert_contains err "--disable-unit-tests"
[ ! -f Makefile ]

"$top_srcdir/configure" -C --disable-unit-tests > out2 2> err2 ||
    { cat out2 err2; fail "configure --disable-unit-tests failed"; }
grep -q 'unit tests: no' out2
grep -q 'HAVE_CMOCKA_TRUE.*#' config.status ||
    grep -q '"HAVE_CMOCKA_TRUE"\]="#"' config.status

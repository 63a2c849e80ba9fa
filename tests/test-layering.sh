#!/bin/bash
# core/ stays UI-free and layered: no curses, no exit() or abort(), no
# terminal output; tui/ includes curses only through tcurses.h.  Two
# marked exceptions: _exit() in a forked child, marked
# "/* in a forked child */" on the same line (the process is not ours),
# and the one abort() on out-of-memory in core/base/util.c, marked
# "/* out of memory */".  Every core folder has a README; no core file
# is over 850 lines; no cycle between core's files, by include or by
# symbol (build-aux/objcycles.py reads the objects with nm).
. "${top_srcdir:-..}/tests/functions.sh"
set -e -x
cd "$top_srcdir"

! grep -rnE '#include[[:space:]]*[<"](n?curses|ncursesw/|curses)' core help ||
    fail "core/ or help/ includes curses"
! grep -rnE '\b(exit|_exit|abort)[[:space:]]*\(' core --include='*.c' |
    grep -vE '^core/base/util\.c:[0-9]+:[[:space:]]*abort\(\); /\* out of memory \*/$' |
    grep -vE '_exit\(.*/\* in a forked child \*/' ||
    fail "core/ calls exit() or abort()"
[ "$(grep -c 'abort(); /\* out of memory \*/' core/base/util.c)" = 1 ] ||
    fail "core/base/util.c: more than one out-of-memory abort()"
! grep -rnE '\b(printf|puts|putchar|perror)[[:space:]]*\(|\bf(printf|puts)[[:space:]]*\([[:space:]]*std(out|err)' \
    core --include='*.c' || fail "core/ prints to the terminal"
! grep -rnE '#include[[:space:]]*[<"](n?curses|ncursesw/curses)' tui \
    --include='*.c' --include='*.h' | grep -v 'tui/tcurses.h' ||
    fail "tui/ includes curses other than through tcurses.h"

# Every test has its own log: automake names the log of tests/NAME.sh
# and of the program tests/NAME alike (NAME.log), and then runs only
# one of them.
for t in tests/*.sh; do
    [ ! -e "${t%.sh}.c" ] || fail "$t and ${t%.sh}.c would share one test log"
done

# Every core folder says what it owns, what it may call and what must
# never call it.
for d in core/*/; do
    [ -s "$d/README" ] || fail "$d has no README"
done

# No core source file over 850 lines: split along a real seam.
big=$(find core -name '*.[ch]' -exec wc -l {} + | grep -v ' total$' |
      awk '$1 > 850 { print $2 " (" $1 " lines)" }')
[ -z "$big" ] || fail "core files over 850 lines: $big"

# No cycles: headers including each other, folders depending on each
# other, or objects needing each other's symbols.
python3 build-aux/objcycles.py --includes core ||
    fail "core/ has an include cycle (above)"
# The objects of today's sources (a build tree may hold stale ones).
objs=""
for c in $(find core -name '*.c' | sort); do
    d=$(dirname "$c")
    o="$top_builddir/$d/libx2k_la-$(basename "$c" .c).o"
    [ -f "$o" ] || fail "$o is missing: build first"
    objs="$objs $o"
done
python3 build-aux/objcycles.py $objs ||
    fail "core/ has a cycle between object files (above)"

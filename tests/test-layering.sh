#!/bin/bash
# core/ stays UI-free: no curses, no exit(), no terminal output
# (DESIGN.md).  The one exception: _exit() in a forked child, marked
# "/* in a forked child */" on the same line (the process is not ours).  tui/ is the only place that includes curses, through
# tcurses.h.
. "${top_srcdir:-..}/tests/functions.sh"
set -e -x
cd "$top_srcdir"

! grep -rnE '#include[[:space:]]*[<"](n?curses|ncursesw/|curses)' core help ||
    fail "core/ or help/ includes curses"
! grep -rnE '\b(exit|_exit|abort)[[:space:]]*\(' core --include='*.c' |
    grep -vE 'abort\(\);[[:space:]]*$' | grep -v 'util.c' |
    grep -vE '_exit\(.*/\* in a forked child \*/' ||
    fail "core/ calls exit()"
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

#!/bin/bash
# Every option in the popt table is documented in the man page, and the
# man page documents no option that does not exist.
. "${top_srcdir:-..}/tests/functions.sh"
set -e -x
tmpdir
man="$top_srcdir/man/xen2kvm-tui.1"

x2k --long-options | sort -u > "$TMPD/table"
# Options are documented as .TP entries: the line after .TP names them.
awk '/^\.TP/ { getline; print }' "$man" | sed 's/\\-/-/g' |
    grep -oE -- '--[a-z0-9][a-z0-9-]*' | sort -u > "$TMPD/man"
diff -u "$TMPD/table" "$TMPD/man" || fail "man page and option table differ"

# Every exit code of tui/frontend.h is documented.
sed -n '/^\.SH "EXIT STATUS"/,/^\.SH EXAMPLES/p' "$man" |
    awk '/^\.TP/ { getline; print }' > "$TMPD/codes"
grep -oE 'TUI_EXIT_[A-Z]+ = [0-9]+' "$top_srcdir/tui/frontend.h" |
    sed 's/.* = //' | while read -r code; do
    grep -qx "$code" "$TMPD/codes" || fail "exit code $code undocumented"
done
grep -qx '128+N' "$TMPD/codes"

# The block-device example (xen+ssh://172.16.7.54, ubuntu14.04) is there.
grep -qF 'xen+ssh://172.16.7.54' "$man"
grep -qF 'ubuntu14.04' "$man"
grep -qF -- '\-\-block\-device' "$man"

# Every stable warning id of core (xc_warn, x2k_report_warning_id) is
# documented in WARNINGS.
sed -n '/^\.SH WARNINGS/,/^\.SH "EXIT STATUS"/p' "$man" | sed 's/\\-/-/g' \
    > "$TMPD/warnings"
{ grep -ohE 'xc_warn\(c, "[a-z0-9-]+"' "$top_srcdir"/core/convert/*.c
  grep -ohzE 'x2k_report_warning_id\([^,]+,[[:space:]]*"[a-z0-9-]+"' \
      "$top_srcdir"/core/*/*.c | tr '\0' '\n'
} | grep -oE '"[a-z0-9-]+"' | tr -d '"' | sort -u > "$TMPD/ids"
[ "$(grep -c . "$TMPD/ids")" -ge 40 ] || fail "too few warning ids found"
while read -r id; do
    grep -qw -- "$id" "$TMPD/warnings" || fail "warning id $id undocumented"
done < "$TMPD/ids"

#!/bin/bash
# Translations: catalogs compile with msgfmt -c; every source file that
# uses _( or N_( is in POTFILES.in; zh_CN translates every message.
. "${top_srcdir:-..}/tests/functions.sh"
set -e -x
requires msgfmt xgettext msgmerge
tmpdir
cd "$top_srcdir"

# POTFILES.in lists exactly the files that use _("...") or N_("...").
{ find core -name '*.[ch]'; ls tui/*.[ch] help/*.[ch]; } | xargs grep -lE '\b_\("|\bN_\("' |
    grep -v 'core/base/i18n.h' | sort > "$TMPD/using"
grep -vE '^\s*(#|$)' po/POTFILES.in | sort > "$TMPD/listed"
comm -23 "$TMPD/using" "$TMPD/listed" > "$TMPD/missing"
[ ! -s "$TMPD/missing" ] || { cat "$TMPD/missing"; fail "missing from po/POTFILES.in"; }
while read -r f; do
    [ -f "$f" ] || fail "po/POTFILES.in lists '$f', which does not exist"
done < "$TMPD/listed"

# Extract the current messages and check each language against them.
xgettext --keyword=_ --keyword=N_ --add-comments=TRANSLATORS: \
    --from-code=UTF-8 --language=C -o "$TMPD/messages.pot" \
    --files-from=po/POTFILES.in
for lang in $(grep -vE '^\s*(#|$)' po/LINGUAS); do
    msgfmt -c --check-format -o /dev/null "po/$lang.po"
    msgmerge -q -o "$TMPD/$lang.po" "po/$lang.po" "$TMPD/messages.pot"
    LC_ALL=C msgfmt -c --statistics -o /dev/null "$TMPD/$lang.po" \
        2> "$TMPD/$lang.stats"
    cat "$TMPD/$lang.stats"
    if grep -qE 'untranslated|fuzzy' "$TMPD/$lang.stats"; then
        msgattrib --untranslated --only-fuzzy "$TMPD/$lang.po" >&2 || true
        msgattrib --untranslated "$TMPD/$lang.po" | head -50 >&2 || true
        fail "po/$lang.po is incomplete"
    fi
done

#!/bin/bash
# The bash completion (completion/, generated from the option table):
# loaded with `complete' for both command names; it offers every long
# option the program has, an enum's values as the parser accepts them,
# files or directories where the option takes one, and for --vm-name
# the names in the list cache of the wizard's last URI test (--uri the
# cached URI), shell-quoted so that a hostile name stays one word; all
# in the "--opt=val", "--opt = val" (COMP_WORDBREAKS) and "--opt val"
# shapes.
. "${top_srcdir:-..}/tests/functions.sh"
set -e -x
tmpdir
export LANGUAGE=C LC_ALL=C.UTF-8
comp_file=$top_builddir/completion/xen2kvm-tui
[ -f "$comp_file" ] || fail "$comp_file was not built"

# shellcheck source=/dev/null
. "$comp_file"
complete -p xen2kvm-tui | grep -qx 'complete -F _xen2kvm_tui xen2kvm-tui'
complete -p xen2kvm | grep -qx 'complete -F _xen2kvm_tui xen2kvm'

# Complete the last word of "$@" (the line up to the cursor); the
# candidates, one per line, in $TMPD/got.
comp()
{
    COMP_WORDS=("$@")
    COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
    COMP_LINE="$*"
    COMP_POINT=${#COMP_LINE}
    _xen2kvm_tui xen2kvm-tui "${COMP_WORDS[COMP_CWORD]}" \
        "${COMP_WORDS[COMP_CWORD - 1]}"
    printf '%s\n' "${COMPREPLY[@]}" | sort > "$TMPD/got"
}
want()
{
    printf '%s\n' "$@" | sort > "$TMPD/want"
    diff -u "$TMPD/want" "$TMPD/got" || fail "completion differs (above)"
}

# Every long option the program has (--long-options itself is hidden),
# the ones taking a value with '=' (as the man page shows them).
comp xen2kvm-tui --
sed 's/=$//' "$TMPD/got" | sort > "$TMPD/offered"
x2k --long-options | grep -vx -- --long-options | sort > "$TMPD/table"
diff -u "$TMPD/table" "$TMPD/offered" || fail "options differ from the table"
grep -qx -- '--vm-name=' "$TMPD/got"
grep -qx -- '--batch' "$TMPD/got"
comp xen2kvm-tui --batch --ver
want --verbose --verify --version
comp xen2kvm --for
want --force-off --format=

# Every enum's values are exactly those the parser accepts (its error
# message lists them).
for opt in $(sed -n 's/^    \(--[a-z-]*\)) REPLY=.enum .*/\1/p' "$comp_file"); do
    comp xen2kvm-tui "$opt" = ""
    set +e
    x2k --batch --uri=test:///default --vm-name=g "$opt=bogus" \
        --dump-plan > /dev/null 2> "$TMPD/err"
    set -e
    values=$(sed -n "s/.*'bogus' is not one of: //p" "$TMPD/err" | tr -d ,)
    [ -n "$values" ] || fail "$opt: the parser does not list its values"
    # shellcheck disable=SC2086
    want $values
done

# The three shapes of a value.
comp xen2kvm-tui --format = q
want qcow2
comp xen2kvm-tui --format=q
want --format=qcow2
comp xen2kvm-tui --engine v
want virt-v2v
comp xen2kvm-tui --mode =
want image libvirtxml xen xl
comp xen2kvm-tui --firmware=
want --firmware=bios --firmware=uefi

# Files and directories.
mkdir "$TMPD/dir one" "$TMPD/dir2"
: > "$TMPD/file one"
comp xen2kvm-tui --output-dir "$TMPD/"
want "$TMPD/dir one" "$TMPD/dir2"
comp xen2kvm-tui --log-file = "$TMPD/"
want "$TMPD/dir one" "$TMPD/dir2" "$TMPD/file one" "$TMPD/got" "$TMPD/want" \
    "$TMPD/offered" "$TMPD/table" "$TMPD/err"
# A free-form value gets nothing (not the option list).
comp xen2kvm-tui --new-name ""
want ""

# --vm-name from the list cache ($XDG_CACHE_HOME/xen2kvm-tui/guests),
# hostile names quoted.
export HOME="$TMPD/home" XDG_CACHE_HOME="$TMPD/cache"
comp xen2kvm-tui --vm-name ""
want ""
mkdir -p "$XDG_CACHE_HOME/xen2kvm-tui"
hostile="x\$(touch $TMPD/pwned)\`touch $TMPD/pwned\`;'"
printf '%s\n' "test:///h.xml" "web 1" "web2" "db" "$hostile" \
    > "$XDG_CACHE_HOME/xen2kvm-tui/guests"
comp xen2kvm-tui --batch --vm-name w
want 'web\ 1' web2
comp xen2kvm-tui --uri=test:///h.xml --vm-name = ""
[ "$(wc -l < "$TMPD/got")" = 4 ] || fail "not every cached guest offered"
grep -qxF "$(printf '%q' "$hostile")" "$TMPD/got"
# The quoted candidate, read back by a shell, is the name, and runs
# nothing.
eval "set -- $(grep -F 'pwned' "$TMPD/got")"
[ "$1" = "$hostile" ] && [ $# = 1 ] || fail "a cached name is not one word"
[ ! -e "$TMPD/pwned" ] || fail "completing a cached name executed it"
# Another URI on the line: its guests are not these.
comp xen2kvm-tui --uri test:///other.xml --vm-name ""
want ""
# A relative XDG_CACHE_HOME is ignored, as the program ignores it.
XDG_CACHE_HOME=cache comp xen2kvm-tui --vm-name w
want ""
# --uri offers the cached URI.
comp xen2kvm-tui --uri=te
want --uri=test:///h.xml

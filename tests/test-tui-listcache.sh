#!/bin/bash
# The wizard's URI test keeps the guests it listed for the shell
# completion of --vm-name: after a successful test the list cache
# ($XDG_CACHE_HOME/xen2kvm-tui/guests, mode 0600) holds the URI and the
# guests (not Domain-0), and the completion offers them; a failed test
# leaves the cache as it was.
. "${top_srcdir:-..}/tests/functions.sh"
. "$top_srcdir/tests/tui-lib.sh"
set -e -x
requires tmux
tmpdir
tui_env C.UTF-8
cache=$XDG_CACHE_HOME/xen2kvm-tui/guests

# To the URI screen (3/9), Enter (the demo's focus is on the Test
# button), wait for WAIT, quit.
uri_test()
{
    local wait=$1
    shift
    tui_open listcache 80 24 "$@"
    tmux_wait " 1/9 "
    tmux_keys Enter
    tmux_wait " 2/9 "
    tmux_keys Enter
    tmux_wait " 3/9 "
    tmux_keys Enter
    tmux_wait "$wait"
    tui_quit
}

uri_test "demo-running" --demo
[ -f "$cache" ] || fail "the URI test wrote no list cache"
[ "$(stat -c %a "$cache")" = 600 ] || fail "the list cache is not private"
head -1 "$cache" | grep -qE '^test:///.*/xenhost\.xml$' ||
    fail "the list cache does not start with the URI"
for g in demo-pv demo-hvm demo-running; do
    grep -qx "$g" "$cache" || fail "guest $g is not in the list cache"
done
! grep -qx Domain-0 "$cache" || fail "Domain-0 is in the list cache"
cp "$cache" "$TMPD/cache.ok"

# The completion offers them.
# shellcheck source=/dev/null
. "$top_builddir/completion/xen2kvm-tui"
COMP_WORDS=(xen2kvm-tui --batch --demo --vm-name demo-p)
COMP_CWORD=4
_xen2kvm_tui
[ "${COMPREPLY[*]}" = demo-pv ] || fail "completion offered '${COMPREPLY[*]}'"

# A failed listing keeps the cache (Enter in the URI field goes on to
# the guest screen, which lists the guests itself).
uri_test "cannot be listed" --uri "test:///$TMPD/no-such-host.xml" \
    --ssh-host 127.0.0.1
cmp "$cache" "$TMPD/cache.ok" || fail "a failed URI test changed the cache"

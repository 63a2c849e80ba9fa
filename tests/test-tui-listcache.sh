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

# Through the URI screen (Enter in its field goes on) to the guest
# screen, which lists the guests of URI; wait for WAIT, quit.
list_guests()
{
    local uri=$1 wait=$2
    local step
    tui_open listcache 80 24 --uri "$uri" --ssh-host 127.0.0.1
    for step in 1 2 3; do
        tmux_wait " $step/9 "
        tmux_keys Enter
    done
    tmux_wait " 4/9 "
    tmux_wait "$wait"
    tui_quit
}

uri=test://$top_srcdir/tests/data/xenhost.xml
list_guests "$uri" "ubuntu14.04"
[ -f "$cache" ] || fail "the URI test wrote no list cache"
[ "$(stat -c %a "$cache")" = 600 ] || fail "the list cache is not private"
[ "$(head -1 "$cache")" = "$uri" ] ||
    fail "the list cache does not start with the URI"
for g in rhel49-x86_64-pv win2k8-hvm ubuntu14.04 multidisk-pv web-running; do
    grep -qx "$g" "$cache" || fail "guest $g is not in the list cache"
done
! grep -qx Domain-0 "$cache" || fail "Domain-0 is in the list cache"
cp "$cache" "$TMPD/cache.ok"

# The completion offers them.
# shellcheck source=/dev/null
. "$top_builddir/completion/xen2kvm-tui"
COMP_WORDS=(xen2kvm-tui --batch --uri "$uri" --vm-name ubu)
COMP_CWORD=5
_xen2kvm_tui
[ "${COMPREPLY[*]}" = ubuntu14.04 ] ||
    fail "completion offered '${COMPREPLY[*]}'"

# A failed listing keeps the cache.
list_guests "test:///$TMPD/no-such-host.xml" "cannot be listed"
cmp "$cache" "$TMPD/cache.ok" || fail "a failed URI test changed the cache"

# Shared helpers for the shell tests.  Source it, then `set -e -x`.
#
#   requires CMD...          skip (exit 77) unless every CMD exists
#   skip "reason"            skip with a reason
#   fail "message"           fail with a message
#   cleanup_fn CMD ARGS...   run CMD ARGS at exit (last added runs first)
#   tmpdir                   a private temp dir removed at exit ($TMPD)
#   x2k ARGS...              run the built xen2kvm-tui
#   tmux_start W H CMD       start CMD in a private tmux server
#   tmux_wait TEXT [SECS]    wait until the pane shows TEXT
#   tmux_screen              print the pane
#   tmux_keys KEYS...        send keys

: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
: "${X2K:=$top_builddir/tui/xen2kvm-tui}"
export LC_ALL="${LC_ALL-}"

_x2k_cleanups=""

_x2k_run_cleanups()
{
    local rc=$? c
    set +e
    for c in $_x2k_cleanups; do
        eval "$(printf '%b' "$c")"
    done
    return $rc
}
trap _x2k_run_cleanups EXIT
trap 'exit 130' INT TERM

# Queue a cleanup command (words are shell-quoted for later eval).
cleanup_fn()
{
    local q
    q=$(printf '%q ' "$@")
    q=$(printf '%s' "$q" | sed 's/\\/\\\\/g; s/ /\\x20/g')
    _x2k_cleanups="$q $_x2k_cleanups"
}

skip()
{
    echo "SKIP: $*" >&2
    exit 77
}

fail()
{
    echo "FAIL: $*" >&2
    exit 1
}

requires()
{
    local c
    for c in "$@"; do
        command -v "$c" >/dev/null 2>&1 || skip "'$c' is not installed"
    done
}

requires_root()
{
    [ "$(id -u)" = 0 ] || skip "this test needs root"
}

requires_locale()
{
    locale -a 2>/dev/null | grep -qix "$(echo "$1" | sed 's/UTF-8/utf8/')" ||
        skip "locale $1 is not generated (run build-aux/install-deps.sh)"
}

tmpdir()
{
    TMPD=$(mktemp -d "${TMPDIR:-/tmp}/x2k-test.XXXXXX")
    cleanup_fn rm -rf "$TMPD"
}

x2k()
{
    "$X2K" "$@"
}

# Assert that FILE contains the fixed string TEXT.
assert_contains()
{
    grep -qF -- "$2" "$1" || { cat "$1" >&2; fail "'$1' lacks '$2'"; }
}

assert_not_contains()
{
    if grep -qF -- "$2" "$1"; then cat "$1" >&2; fail "'$1' has '$2'"; fi
}

# tmux, on a private server so tests never touch the user's sessions.
X2K_TMUX_SOCK="x2k-$$"

tmux_start()
{
    local w=$1 h=$2
    shift 2
    tmux -L "$X2K_TMUX_SOCK" -f /dev/null new-session -d -x "$w" -y "$h" \
        -s t "$@"
    tmux -L "$X2K_TMUX_SOCK" set-option -g remain-on-exit on >/dev/null
    cleanup_fn tmux -L "$X2K_TMUX_SOCK" kill-server
}

tmux_screen()
{
    tmux -L "$X2K_TMUX_SOCK" capture-pane -p -t t
}

tmux_keys()
{
    tmux -L "$X2K_TMUX_SOCK" send-keys -t t "$@"
}

tmux_get()
{
    tmux -L "$X2K_TMUX_SOCK" display-message -p -t t "$1"
}

tmux_resize()
{
    tmux -L "$X2K_TMUX_SOCK" resize-window -t t -x "$1" -y "$2"
}

tmux_wait()
{
    local text=$1 secs=${2:-10} i=0
    while [ $i -lt $((secs * 10)) ]; do
        if tmux_screen | grep -qF -- "$text"; then return 0; fi
        sleep 0.1
        i=$((i + 1))
    done
    tmux_screen >&2
    fail "screen never showed '$text'"
}

# Wait until the pane's process has exited; print its exit status.
tmux_wait_dead()
{
    local secs=${1:-10} i=0
    while [ $i -lt $((secs * 10)) ]; do
        if [ "$(tmux_get '#{pane_dead}')" = 1 ]; then
            tmux_get '#{pane_dead_status}'
            return 0
        fi
        sleep 0.1
        i=$((i + 1))
    done
    fail "the program did not exit"
}

# Helpers for the wizard's tmux tests (source after functions.sh).
#
#   tui_env LOCALE           export the locale, cache and state dirs
#   tui_open NAME W H ARGS   start the wizard in its own tmux server
#                            (with TERM=$TUI_TERM when that is set)
#   tui_golden NAME          compare the pane with tests/data/tui/NAME.txt
#                            (GENERATE=1 rewrites it)
#   tui_quit                 F10, y, and wait for the exit
#
# Variable parts of a capture (the temp dir, the source dir, run
# directory time stamps, free space in GiB, copy rates and times left)
# become @TMPD@, @SRCDIR@, @TIME@, @FREE@, @RATE@ and @ETA@; the log
# line saying whether this machine's KVM is usable, @KVM-PROBE@.

: "${GOLDEN_DIR:=$top_srcdir/tests/data/tui}"

tui_env()
{
    export LC_ALL=$1 LANG=$1 TERM=xterm-256color
    case "$1" in
    zh_CN*) export LANGUAGE=zh_CN ;;
    *) export LANGUAGE=C ;;
    esac
    export XDG_CACHE_HOME="$TMPD/cache" XDG_STATE_HOME="$TMPD/state"
    export HOME="$TMPD/home"
    mkdir -p "$HOME"
    # A fixed-length path for the demo host, so captures do not depend
    # on where the source tree is.
    ln -sfn "$top_srcdir/tui/demo" "$TMPD/demo"
    export X2K_DEMO_DIR="$TMPD/demo"
}

tui_open()
{
    local name=$1 w=$2 h=$3
    shift 3
    X2K_TMUX_SOCK="x2k-$$-$name"
    # A shell records the exit status (tmux may leave the pane's
    # process unreaped for a while, so its own status is unreliable).
    TUI_RC="$TMPD/rc.$name"
    rm -f "$TUI_RC"
    # tmux sets TERM in the pane; TUI_TERM overrides it.
    local cmd
    cmd=$(printf '%q ' env ${TUI_TERM:+TERM=$TUI_TERM} "$X2K" "$@")
    tmux_start "$w" "$h" \
        "$cmd; echo \$? > $(printf '%q' "$TUI_RC"); sleep 60"
}

tui_capture()
{
    tmux_screen | sed -e "s|$TMPD|@TMPD@|g" -e "s|$top_srcdir|@SRCDIR@|g" \
        -E -e 's/[0-9]{8}-[0-9]{6}/@TIME@/g' \
        -e 's/[0-9]+[.][0-9]( GiB| TiB|$)/@FREE@\1/g' \
        -e 's|[0-9]+([.][0-9])? ([KMGT]i)?B/s|@RATE@/s|g' \
        -e 's/([0-9][0-9]:[0-9][0-9]|--:--) left/@ETA@ left/g' \
        -e 's/剩余 ([0-9][0-9]:[0-9][0-9]|--:--)/剩余 @ETA@/g' \
        -e 's/^(  )KVM is (not )?usable.*/\1@KVM-PROBE@/'
}

tui_golden()
{
    local name=$1 want="$GOLDEN_DIR/$1.txt" got="$TMPD/$1.got"
    # Let the screen settle: two equal captures in a row.
    local prev="" cur i=0
    while [ $i -lt 30 ]; do
        cur=$(tui_capture)
        [ "$cur" = "$prev" ] && break
        prev=$cur
        sleep 0.05
        i=$((i + 1))
    done
    printf '%s\n' "$cur" > "$got"
    if [ -n "${GENERATE:-}" ]; then
        mkdir -p "$GOLDEN_DIR"
        cp "$got" "$want"
        return 0
    fi
    [ -f "$want" ] || fail "no golden file $want (run with GENERATE=1)"
    diff -u "$want" "$got" >&2 || fail "screen differs from $want"
}

tui_quit()
{
    tmux_keys F10
    tmux_wait "xen2kvm-tui?"
    tmux_keys y
    local rc
    rc=$(tui_wait_exit)
    [ "$rc" = 0 ] || fail "the wizard exited with $rc, not 0"
    tmux -L "$X2K_TMUX_SOCK" kill-server
}

# Wait until the pane no longer matches the extended regexp RE.
tui_wait_gone()
{
    local text=$1 secs=${2:-10} i=0
    while [ $i -lt $((secs * 10)) ]; do
        tmux_screen | grep -qE -- "$text" || return 0
        sleep 0.1
        i=$((i + 1))
    done
    tmux_screen >&2
    fail "screen still shows '$text'"
}

# Wait for the wizard to exit; print its exit status.
tui_wait_exit()
{
    local i=0
    while [ ! -s "$TUI_RC" ]; do
        [ $i -lt 100 ] || fail "the wizard did not exit"
        sleep 0.1
        i=$((i + 1))
    done
    cat "$TUI_RC"
}

# Shared helpers for the shell tests.  Source it, then `set -e -x`.
#
#   requires CMD...          skip (exit 77) unless every CMD exists
#   skip "reason"            skip with a reason
#   fail "message"           fail with a message
#   cleanup_fn CMD ARGS...   run CMD ARGS at exit (last added runs first)
#   tmpdir                   a private temp dir removed at exit ($TMPD)
#   empty_home               $HOME empty in $TMPD, no ssh-agent
#   x2k ARGS...              run the built xen2kvm-tui
#   x2k_expect RC OUT ARGS   run it, output in OUT and OUT.err, exit RC
#   tmux_start W H CMD       start CMD in a private tmux server
#   tmux_wait TEXT [SECS]    wait until the pane shows TEXT
#   tmux_screen              print the pane
#   tmux_keys KEYS...        send keys
#   free_port                a TCP port nothing listens on (127.0.0.1)
#   sshd_start               a real private sshd (see below)
#   x2k_useradd DIR          a throwaway local user ($X2K_USER), home DIR
#   libvirtd_start           a real private libvirtd + virtlogd (see below)
#   loop_attach FILE [ARGS]  a loop device on FILE (ARGS: losetup's, -r)
#   loop_detach DEV          detach DEV, retrying while a reader holds it
#   sshd_own_device DEV      DEV read by the sshd user until exit
#   serve_block_device F P   F as a block device at P (a loop device, or 77)
#   stall_streamer DIR BYTES a stand-in perl whose streamer stalls
#   xen_host_start [--local] the fake Xen host's sshd and files ($XEN)
#                  [LINE...] (LINEs: more sshd_config)
#   xen_host_xml [SED...]    its libvirt test-driver file, xenhost.xml
#   kvm_host_xml             a test-driver target with a dir pool ($POOL)
#   private_boot_dir         the test in a mount namespace with its own
#                            /var/lib/libvirt/boot (fetched kernels)

: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
: "${X2K:=$top_builddir/tui/xen2kvm-tui}"
export LC_ALL="${LC_ALL-}"

_x2k_cleanups=""
TMPD=                           # set by tmpdir

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

# private_boot_dir: run the rest of the test in its own mount namespace
# with a tmpfs on /var/lib/libvirt/boot, where the tool puts the kernels
# and initrds it fetches, so that a test never writes this machine's
# (and never meets the files an earlier run left there).  Call it first:
# it re-executes the test.
private_boot_dir()
{
    if [ -z "${X2K_PRIVATE_BOOT_NS:-}" ]; then
        requires_root
        requires unshare mount
        X2K_PRIVATE_BOOT_NS=1 exec unshare -m --propagation private \
            "$BASH" "$0" "$@"
    fi
    mkdir -p /var/lib/libvirt/boot
    mount -t tmpfs -o mode=0755 x2k-boot /var/lib/libvirt/boot ||
        skip "cannot mount a tmpfs on /var/lib/libvirt/boot"
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
    # The run locks live in $XDG_RUNTIME_DIR: each test its own, so
    # that tests running side by side (make -j) never meet each other's
    # (two tests' private /var/lib/libvirt/boot have the same paths).
    # Sticky and open to all, like /tmp: the tests also run libvirt as
    # nobody (the embedded QEMU driver keeps its state there); the tool
    # makes its own lock directory inside 0700.
    XDG_RUNTIME_DIR=$(mktemp -d "${TMPDIR:-/tmp}/x2k-run.XXXXXX")
    chmod 1777 "$XDG_RUNTIME_DIR"
    cleanup_fn rm -rf "$XDG_RUNTIME_DIR"
    export XDG_RUNTIME_DIR
}

# An empty $HOME in $TMPD (made first if the test has none) and no
# ssh-agent: no default key and no user known_hosts reach the product.
empty_home()
{
    [ -n "$TMPD" ] || tmpdir
    unset SSH_AUTH_SOCK
    export HOME=$TMPD/home
    mkdir -p "$HOME"
}

x2k()
{
    "$X2K" "$@"
}

# x2k_expect RC OUT ARGS...: run x2k ARGS with stdout in OUT and stderr
# in OUT.err, show both, and fail unless it exited with RC.
x2k_expect()
{
    local want_rc=$1 out=$2 rc=0
    shift 2
    x2k "$@" > "$out" 2>"$out.err" || rc=$?
    cat "$out" "$out.err"
    [ "$rc" = "$want_rc" ] || fail "exit $rc, expected $want_rc"
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

# A real private sshd on 127.0.0.1 (root only; skips otherwise).
#   sshd_start [EXTRA_CONFIG_LINE...]
# starts /usr/sbin/sshd -D with its own config, a throwaway host key
# (ed25519, or the type in $SSHD_HOSTKEY_TYPE), a throwaway user with a known password and a throwaway ed25519
# client key in its authorized_keys, and a known_hosts file holding the
# host key.  Exports SSHD_HOST (127.0.0.1), SSHD_PORT, SSHD_USER,
# SSHD_HOME, SSHD_PASSWORD, SSHD_PASSWORD_FILE, SSHD_KEY (private key;
# SSHD_KEY.pub next to it), SSHD_KNOWN_HOSTS, SSHD_HOSTKEY (public host
# key file), SSHD_HOSTKEY_FP (as `ssh-keygen -lf` prints it), SSHD_DIR,
# SSHD_LOG.  Everything is removed at exit.  SSHD_USEPAM=yes and
# SSHD_PASSWORD_AUTH=no make the password reachable only through
# keyboard-interactive (PAM).
sshd_start()
{
    local d i port user
    requires_root
    requires /usr/sbin/sshd ssh-keygen useradd userdel chpasswd
    d=$(mktemp -d "${TMPDIR:-/tmp}/x2k-sshd.XXXXXX")
    [ -n "$X2K_KEEP" ] || cleanup_fn rm -rf "$d"
    chmod 755 "$d"
    SSHD_DIR=$d
    ssh-keygen -q -t "${SSHD_HOSTKEY_TYPE:-ed25519}" -N '' -C x2k-test-host \
        -f "$d/host_key"
    ssh-keygen -q -t ed25519 -N '' -C x2k-test-client -f "$d/id_ed25519"
    SSHD_HOSTKEY=$d/host_key.pub
    SSHD_HOSTKEY_FP=$(ssh-keygen -lf "$SSHD_HOSTKEY" | awk '{print $2}')
    SSHD_KEY=$d/id_ed25519

    # A throwaway user.  useradd may race with other tests on the
    # passwd lock: retry a few times.
    user="x2k$$r$((RANDOM % 10000))"
    i=0
    until useradd -m -d "$d/home" -s /bin/sh "$user" 2>"$d/useradd.err"; do
        i=$((i + 1))
        [ $i -lt 20 ] || { cat "$d/useradd.err" >&2; fail "useradd failed"; }
        sleep 0.2
    done
    cleanup_fn _sshd_userdel "$user"
    SSHD_USER=$user
    SSHD_HOME=$d/home
    SSHD_PASSWORD="pw-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"
    i=0
    until echo "$user:$SSHD_PASSWORD" | chpasswd 2>"$d/chpasswd.err"; do
        i=$((i + 1))
        [ $i -lt 20 ] || { cat "$d/chpasswd.err" >&2; fail "chpasswd failed"; }
        sleep 0.2
    done
    SSHD_PASSWORD_FILE=$d/password
    printf '%s\n' "$SSHD_PASSWORD" > "$SSHD_PASSWORD_FILE"
    chmod 600 "$SSHD_PASSWORD_FILE"
    mkdir -p "$SSHD_HOME/.ssh"
    cp "$SSHD_KEY.pub" "$SSHD_HOME/.ssh/authorized_keys"
    chmod 700 "$SSHD_HOME/.ssh"
    chmod 600 "$SSHD_HOME/.ssh/authorized_keys"
    chown -R "$user:" "$SSHD_HOME"

    mkdir -p /run/sshd
    chmod 755 /run/sshd
    SSHD_LOG=$d/sshd.log
    for i in 1 2 3 4 5 6 7 8 9 10; do
        port=$(free_port)
        cat > "$d/sshd_config" <<CONF
ListenAddress 127.0.0.1:$port
HostKey $d/host_key
PidFile $d/sshd.pid
UsePAM ${SSHD_USEPAM:-no}
PermitRootLogin no
AllowUsers $user
PubkeyAuthentication yes
PasswordAuthentication ${SSHD_PASSWORD_AUTH:-yes}
KbdInteractiveAuthentication yes
AuthorizedKeysFile .ssh/authorized_keys
StrictModes yes
MaxStartups 100
MaxSessions 50
LogLevel VERBOSE
Subsystem sftp internal-sftp
CONF
        local extra
        for extra in "$@"; do printf '%s\n' "$extra" >> "$d/sshd_config"; done
        /usr/sbin/sshd -D -e -f "$d/sshd_config" 2>>"$SSHD_LOG" &
        SSHD_PID=$!
        # Wait (bounded) until it accepts connections or dies.
        local j=0
        while [ $j -lt 50 ]; do
            kill -0 "$SSHD_PID" 2>/dev/null || break
            if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
                cleanup_fn kill "$SSHD_PID"
                SSHD_PORT=$port
                SSHD_HOST=127.0.0.1
                SSHD_KNOWN_HOSTS=$d/known_hosts
                printf '[127.0.0.1]:%s %s\n' "$port" \
                    "$(cut -d' ' -f1,2 "$SSHD_HOSTKEY")" > "$SSHD_KNOWN_HOSTS"
                export SSHD_HOST SSHD_PORT SSHD_USER SSHD_HOME SSHD_PASSWORD \
                    SSHD_PASSWORD_FILE SSHD_KEY SSHD_KNOWN_HOSTS SSHD_HOSTKEY \
                    SSHD_HOSTKEY_FP SSHD_DIR SSHD_LOG SSHD_PID
                return 0
            fi
            sleep 0.1
            j=$((j + 1))
        done
        kill "$SSHD_PID" 2>/dev/null || :
        wait "$SSHD_PID" 2>/dev/null || :
    done
    cat "$SSHD_LOG" >&2
    fail "sshd did not start"
}

# Print a TCP port on 127.0.0.1 that nothing listens on now.
free_port()
{
    local p i
    for i in $(seq 1 50); do
        p=$((20000 + RANDOM % 40000))
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
            echo "$p"
            return 0
        fi
    done
    fail "no free port found"
}

_sshd_userdel()
{
    local i=0
    until userdel -r "$1" 2>/dev/null; do
        i=$((i + 1))
        [ $i -lt 20 ] || { userdel -f "$1" 2>/dev/null; return 0; }
        sleep 0.2
    done
}

# Run a command as the sshd's user through OpenSSH (key auth).
sshd_ssh()
{
    ssh -F /dev/null -i "$SSHD_KEY" -p "$SSHD_PORT" \
        -o UserKnownHostsFile="$SSHD_KNOWN_HOSTS" -o StrictHostKeyChecking=yes \
        -o BatchMode=yes -o IdentitiesOnly=yes \
        "$SSHD_USER@$SSHD_HOST" "$@"
}

# A throwaway local user with its home DIR (root only), in $X2K_USER;
# removed at exit.  For running the product as a user whose ~/.ssh is
# private to the test (OpenSSH's ssh reads the passwd entry's home, not
# $HOME).  Not in a $(...) subshell: the cleanup must be queued here.
#   x2k_useradd DIR
x2k_useradd()
{
    local d=$1 user i=0
    requires_root
    user="x2k$$c$((RANDOM % 10000))"
    until useradd -m -d "$d" -s /bin/sh "$user" 2>"$d.useradd.err"; do
        i=$((i + 1))
        [ $i -lt 20 ] || { cat "$d.useradd.err" >&2; fail "useradd failed"; }
        sleep 0.2
    done
    rm -f "$d.useradd.err"
    cleanup_fn _sshd_userdel "$user"
    X2K_USER=$user
}

# A private system-mode libvirtd (root only; skips otherwise), with
# virtlogd, in a mount namespace of its own: /run/libvirt,
# /var/lib/libvirt, /etc/libvirt and /var/log/libvirt are directories
# under LIBVIRTD_DIR, so nothing is shared with another libvirtd on the
# machine (two system daemons would fight over those paths).  Its
# sockets are in $LIBVIRTD_DIR/sock, mode 0777 with auth none (there is
# no polkit without D-Bus), reachable from outside the namespace:
# LIBVIRTD_URI = qemu:///system?socket=$LIBVIRTD_SOCK.  QEMU runs as
# root with no security driver.  The passwd/group files inside the
# namespace gain the libvirt-qemu account when the host has none (the
# qemu driver refuses to start without it).  At exit every running
# guest is destroyed and both daemons are stopped (then any QEMU left
# is killed by its pid file).  The first start on a machine probes
# QEMU (~9 s, cached in /var/cache/libvirt).
# One start of the private daemons; 0 once they answer.
_libvirtd_try()
{
    local d=$1 i=0
    unshare -m --propagation private sh -e -c '
        d=$1
        mkdir -p /run/libvirt /var/lib/libvirt /etc/libvirt /var/log/libvirt
        mount --bind "$d/run" /run/libvirt
        mount --bind "$d/lib" /var/lib/libvirt
        mount --bind "$d/etc" /etc/libvirt
        mount --bind "$d/log" /var/log/libvirt
        mount --bind "$d/passwd" /etc/passwd
        mount --bind "$d/group" /etc/group
        virtlogd -d -p "$d/virtlogd.pid"
        libvirtd -d -p "$d/libvirtd.pid" -f "$d/libvirtd.conf"
    ' sh "$d" 2>"$d/start.err" ||
        skip "cannot start a private libvirtd: $(cat "$d/start.err")"
    # Bounded wait for the socket and a first answer (the QEMU probe).
    until virsh -c "$LIBVIRTD_URI" uri >/dev/null 2>&1; do
        i=$((i + 1))
        if [ $i -ge 300 ] ||
           { [ $((i % 10)) = 0 ] && ! kill -0 "$(cat "$d/libvirtd.pid" 2>/dev/null || echo 0)" 2>/dev/null; }; then
            return 1
        fi
        sleep 0.1
    done
}

# Kill what a failed try left running.
_libvirtd_kill()
{
    local d=$1 f
    for f in "$d/libvirtd.pid" "$d/virtlogd.pid"; do
        [ -f "$f" ] && kill "$(cat "$f")" 2>/dev/null
        rm -f "$f"
    done
    sleep 0.2
}

libvirtd_start()
{
    local d i
    requires_root
    requires libvirtd virtlogd virsh unshare mount
    d=$(mktemp -d "${TMPDIR:-/tmp}/x2k-libvirtd.XXXXXX")
    [ -n "$X2K_KEEP" ] || cleanup_fn rm -rf "$d"
    chmod 755 "$d"
    mkdir -p "$d/run" "$d/lib" "$d/etc/qemu" "$d/etc/storage" "$d/log" \
        "$d/sock"
    LIBVIRTD_DIR=$d
    LIBVIRTD_SOCK=$d/sock/libvirt-sock
    LIBVIRTD_URI="qemu:///system?socket=$LIBVIRTD_SOCK"
    cat > "$d/libvirtd.conf" <<CONF
unix_sock_dir = "$d/sock"
unix_sock_rw_perms = "0777"
unix_sock_ro_perms = "0777"
unix_sock_admin_perms = "0700"
auth_unix_rw = "none"
auth_unix_ro = "none"
log_outputs = "3:file:$d/log/libvirtd.log"
CONF
    cat > "$d/etc/qemu.conf" <<CONF
user = "root"
group = "root"
security_driver = "none"
dynamic_ownership = 0
CONF
    [ ! -f /etc/libvirt/libvirt.conf ] || cp /etc/libvirt/libvirt.conf "$d/etc/"
    cp /etc/passwd "$d/passwd"
    cp /etc/group "$d/group"
    getent passwd libvirt-qemu >/dev/null ||
        echo "libvirt-qemu:x:64055:64055:x2k test:/var/lib/libvirt:/usr/sbin/nologin" >> "$d/passwd"
    getent group libvirt-qemu >/dev/null ||
        echo "libvirt-qemu:x:64055:" >> "$d/group"
    cleanup_fn _libvirtd_stop "$d"
    # Up to three tries: under a parallel `make check' the driver's state
    # initialisation has been seen to fail once, and a retry comes up.
    for attempt in 1 2 3; do
        if _libvirtd_try "$d"; then
            break
        fi
        [ $attempt -lt 3 ] || {
            tail -20 "$d/log/libvirtd.log" >&2
            skip "the private libvirtd did not come up: $(grep -E ' (error|fatal) ' "$d/log/libvirtd.log" | tail -1)"
        }
        echo "libvirtd_start: try $attempt failed, retrying" >&2
        _libvirtd_kill "$d"
        sleep 1
    done
    export LIBVIRTD_DIR LIBVIRTD_SOCK LIBVIRTD_URI
}

_libvirtd_stop()
{
    local d=$1 dom p f
    if [ -S "$d/sock/libvirt-sock" ]; then
        for dom in $(virsh -c "qemu:///system?socket=$d/sock/libvirt-sock" \
                         list --name 2>/dev/null); do
            timeout 10 virsh -c "qemu:///system?socket=$d/sock/libvirt-sock" \
                destroy "$dom" >/dev/null 2>&1
        done
    fi
    for f in "$d/libvirtd.pid" "$d/virtlogd.pid"; do
        p=$(cat "$f" 2>/dev/null) || continue
        kill "$p" 2>/dev/null || continue
        for _ in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
            kill -0 "$p" 2>/dev/null || break
            sleep 0.1
        done
        kill -9 "$p" 2>/dev/null
    done
    for f in "$d"/run/qemu/*.pid; do
        [ -f "$f" ] || continue
        p=$(cat "$f" 2>/dev/null) && kill -9 "$p" 2>/dev/null
    done
    return 0
}

# sshd_own_device DEV: the loop device DEV belongs to the sshd user (who
# reads the fake Xen host's disks) until exit, then is detached.
sshd_own_device()
{
    cleanup_fn loop_detach "$1"
    cleanup_fn chown "$(stat -c %u:%g "$1")" "$1"
    chown "$SSHD_USER" "$1"
}

# serve_block_device FILE PATH: FILE's bytes at PATH as a Xen host's
# block device: a real loop device (sshd_own_device) linked at PATH.
# Skips the test (77) when this machine gives no loop device: a test of
# a block device never runs on a file instead.
serve_block_device()
{
    local dev
    requires losetup
    dev=$(loop_attach "$1") || skip "no free loop device for $2"
    sshd_own_device "$dev"
    ln -s "$dev" "$2"
}

# stall_streamer DIR BYTES: a stand-in `perl` in DIR (DIR goes first on
# the streamer's PATH) that, while DIR/stall exists, lets the streamer's
# copy send BYTES bytes and then keeps its output open without sending
# anything more for 8 s: a Xen host that stalls.  Without DIR/stall, and
# for every other use of perl, it is the real perl.
stall_streamer()
{
    local perl
    perl=$(command -v perl)
    mkdir -p "$1"
    chmod 755 "$1"
    cat > "$1/perl" <<STALL
#!/bin/sh
[ "\$4" = copy ] && [ -e '$1/stall' ] || exec '$perl' "\$@"
'$perl' "\$@" | { head -c $2; exec sleep 8; }
STALL
    chmod 755 "$1/perl"
    : > "$1/stall"
    chmod 644 "$1/stall"
}

# Attach FILE to a free loop device and print its name, once the device
# reports FILE's size (right after LOOP_CONFIGURE, under load, a reader
# has been seen to get 0 bytes).  Further arguments go to losetup (-r:
# read-only).  Non-zero when no loop device can be had.
loop_attach()
{
    local f=$1 dev size i=0
    shift
    dev=$(losetup "$@" -f --show "$f" 2>/dev/null) || return 1
    size=$(stat -c %s "$f")
    until [ "$(blockdev --getsize64 "$dev" 2>/dev/null)" = "$size" ]; do
        i=$((i + 1))
        if [ $i -ge 50 ]; then
            losetup -d "$dev"
            return 1
        fi
        sleep 0.1
    done
    echo "$dev"
}

# Detach a loop device of ours; a remote reader may still hold it for a
# moment after its session ends, so retry for up to 10 s.
loop_detach()
{
    local i=0
    while [ $i -lt 50 ]; do
        losetup -d "$1" 2>/dev/null && return 0
        sleep 0.2
        i=$((i + 1))
    done
    echo "warning: could not detach $1" >&2
}

# The fake Xen host of the migration tests, started in three steps:
#   xen_host_start [--local | SSHD_CONFIG_LINE...]
# a real private sshd (sshd_start, given the lines; root only), $TMPD (tmpdir, unless
# the test made it), empty_home, untranslated C.UTF-8 messages, and
# XEN=$SSHD_HOME/xen with images/ and dev/ for the guests' disks, which
# the test then writes.  XEN_SSH holds the options that log in to it
# (--ssh-host ... --identity).  With --local there is no sshd: XEN is
# $TMPD/xen, read on this machine (a test:// URI names no host).
#   xen_host_xml [SED_ARGS...]
# hands the disks to the sshd user and writes $TMPD/xenhost.xml,
# tests/data/xenhost.xml (libvirt's test driver) with its disk paths
# under $XEN; SED_ARGS edit it further.
#   kvm_host_xml
# writes $TMPD/kvmhost.xml, tests/data/kvmhost.xml with its dir pool
# at POOL=$TMPD/pool, which it creates.
xen_host_start()
{
    if [ "${1:-}" = --local ]; then
        XEN_SSH=()
        [ -n "$TMPD" ] || tmpdir
        XEN=$TMPD/xen
    else
        sshd_start "$@"
        [ -n "$TMPD" ] || tmpdir
        XEN=$SSHD_HOME/xen
        XEN_SSH=(--ssh-host 127.0.0.1 --ssh-port "$SSHD_PORT"
                 --ssh-user "$SSHD_USER" --known-hosts "$SSHD_KNOWN_HOSTS"
                 --identity "$SSHD_KEY")
    fi
    empty_home
    export LC_ALL=C.UTF-8 LANGUAGE=
    mkdir -p "$XEN/images" "$XEN/dev"
}

xen_host_xml()
{
    [ "${#XEN_SSH[@]}" = 0 ] || chown -R "$SSHD_USER:" "$XEN"
    sed -e "s|/var/lib/xen/images|$XEN/images|g" -e "s|/dev/vg_xen|$XEN/dev|g" \
        "$@" "$top_srcdir/tests/data/xenhost.xml" > "$TMPD/xenhost.xml"
}

kvm_host_xml()
{
    POOL=$TMPD/pool
    mkdir -p "$POOL"
    sed -e "s|/var/lib/libvirt/images|$POOL|" \
        "$top_srcdir/tests/data/kvmhost.xml" > "$TMPD/kvmhost.xml"
}

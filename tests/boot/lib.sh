# Helpers of `make check-boot' (tests/boot/README).  Source after
# tests/functions.sh.
#
#   boot_cache_dir            print the cache directory
#   boot_images               build or reuse the guest images; sets
#                             BOOT_IMAGES (directory) and BOOT_CACHE
#                             (warm, or cold with what was built)
#   boot_xentools_images      the same for build-xentools.sh (its own
#                             key and directory xentools-KEY, from the
#                             debootstrap tree boot_images cached); sets
#                             BOOT_XT_IMAGES and BOOT_XT_CACHE
#   boot_kvm_usable           0 if QEMU really runs a guest with KVM here
#   boot_run NAME XML LOG MARKER SECS
#                             boot domain XML (as boot-xml.py left it)
#                             through libvirt's QEMU driver, embedded
#                             (virt-qemu-run, no daemon); wait at most
#                             SECS for MARKER on the serial log LOG (in
#                             $BOOT_LOGS: libvirt, as nobody, recreates
#                             it); sets BOOT_SECONDS (until the marker),
#                             BOOT_WAITED and BOOT_WHY (why it stopped
#                             waiting); 0 if the marker appeared
#   boot_stop_all             stop every virt-qemu-run and QEMU that
#                             boot_run started (queued at exit by
#                             boot_setup)
#   boot_setup DIR            BOOT_ROOT=DIR for the embedded driver,
#                             BOOT_LOGS=DIR/logs for serial logs

boot_dir="$top_srcdir/tests/boot"

boot_cache_dir()
{
    if [ -n "${X2K_BOOT_CACHE:-}" ]; then
        echo "$X2K_BOOT_CACHE"
    elif [ "$(id -u)" = 0 ]; then
        echo /var/cache/xen2kvm-tui-tests
    else
        echo "${XDG_CACHE_HOME:-$HOME/.cache}/xen2kvm-tui-tests"
    fi
}

boot_images()
{
    local cache key dir d
    cache=$(boot_cache_dir)
    mkdir -p "$cache"
    key=$(sha256sum "$boot_dir/build-guests.sh" | cut -c1-16)
    dir=$cache/guests-$key
    BOOT_CACHE=warm
    (
        # One builder at a time; a second test run waits for the first.
        flock -w 2400 9 || fail "timed out waiting for $cache/.lock"
        if [ ! -f "$dir/ok" ]; then
            rm -rf "$dir"
            # Images of older recipes only take space.
            for d in "$cache"/guests-*; do
                [ -d "$d" ] && [ "$d" != "$dir" ] && rm -rf "$d"
            done
            nice -n 10 "$boot_dir/build-guests.sh" "$dir" "$cache" \
                > "$cache/build.log" 2>&1 ||
                { tail -60 "$cache/build.log" >&2; fail "building the guests failed ($cache/build.log)"; }
            echo cold > "$dir/built-by-this-run"
        fi
        # The test's sshd user reads the images (whatever the umask
        # of the run that built them).
        chmod 755 "$cache" "$dir"
        chmod 644 "$dir"/*.img
    ) 9> "$cache/.lock"
    if [ -f "$dir/built-by-this-run" ]; then
        if [ -f "$dir/debootstrapped" ]; then
            BOOT_CACHE="cold (debootstrap and images built)"
        else
            BOOT_CACHE="cold (images built from the cached debootstrap tree)"
        fi
        rm -f "$dir/built-by-this-run"
    fi
    BOOT_IMAGES=$dir
}

boot_xentools_images()
{
    local cache key dir d tar
    cache=$(boot_cache_dir)
    key=$(sha256sum "$boot_dir/build-xentools.sh" | cut -c1-16)
    dir=$cache/xentools-$key
    BOOT_XT_CACHE=warm
    tar=$(ls -t "$cache"/rootfs-*.tar | head -1)
    [ -f "$tar" ] || fail "no debootstrap tree in $cache (boot_images first)"
    (
        flock -w 2400 9 || fail "timed out waiting for $cache/.lock"
        if [ ! -f "$dir/ok" ]; then
            rm -rf "$dir"
            for d in "$cache"/xentools-*; do
                [ -d "$d" ] && [ "$d" != "$dir" ] && rm -rf "$d"
            done
            nice -n 10 "$boot_dir/build-xentools.sh" "$dir" "$tar" \
                > "$cache/build-xentools.log" 2>&1 ||
                { tail -60 "$cache/build-xentools.log" >&2; fail "building the xen-tools guest failed ($cache/build-xentools.log)"; }
            echo cold > "$dir/built-by-this-run"
        fi
        chmod 755 "$cache" "$dir"
        chmod 644 "$dir"/*.img "$dir"/xt-vmlinuz "$dir"/xt-initrd
    ) 9> "$cache/.lock"
    if [ -f "$dir/built-by-this-run" ]; then
        BOOT_XT_CACHE="cold (built from the cached debootstrap tree)"
        rm -f "$dir/built-by-this-run"
    fi
    BOOT_XT_IMAGES=$dir
}

# A real probe: boot the host's kernel under QEMU with -accel kvm, with
# no disk, and wait (bounded) until it has initialised everything and
# panics for want of a root file system (~1 s under KVM, 4 s under TCG
# here).  /dev/kvm can exist while nested KVM aborts QEMU (MSR 0x10a)
# or hangs the vCPU part-way, so the first console line is not enough.
boot_kvm_usable()
{
    local k log pid i want='Unable to mount root fs'
    [ -z "${X2K_BOOT_FORCE_TCG:-}" ] || return 1
    [ -r /dev/kvm ] && [ -w /dev/kvm ] || return 1
    k=$(ls /boot/vmlinuz-* 2>/dev/null | sort -V | tail -1)
    [ -n "$k" ] || return 1
    # nobody must read the kernel (Debian installs it 0644; be sure).
    [ "$(setpriv --reuid=nobody --regid=nogroup --clear-groups \
            sh -c "test -r '$k' && echo y")" = y ] || return 1
    log=$(mktemp "${TMPDIR:-/tmp}/x2k-kvmprobe.XXXXXX")
    # As the identity that boots the guests (boot_as_nobody): root may
    # open /dev/kvm where nobody cannot.
    chown nobody "$log"
    BOOT_TYPE=kvm boot_as_nobody \
        timeout 30 qemu-system-x86_64 -accel kvm -cpu host -machine pc -m 256 \
        -nodefaults -display none -no-reboot -serial "file:$log" \
        -kernel "$k" -append "console=ttyS0 panic=-1 earlyprintk=ttyS0" \
        > "$log.out" 2>&1 &
    pid=$!
    for i in $(seq 1 200); do
        grep -q "$want" "$log" 2>/dev/null && break
        kill -0 $pid 2>/dev/null || break
        sleep 0.1
    done
    if grep -q "$want" "$log" 2>/dev/null; then
        kill $pid 2>/dev/null; wait $pid 2>/dev/null
        pkill -KILL -f "file:$log" 2>/dev/null || :
        rm -f "$log" "$log.out"
        return 0
    fi
    kill $pid 2>/dev/null; wait $pid 2>/dev/null
    pkill -KILL -f "file:$log" 2>/dev/null || :
    # (without the shell's own -x trace of boot_as_nobody)
    BOOT_KVM_WHY=$(grep -v '^+' "$log.out" | head -c 300 | tr '\n' ' ')
    [ -n "$BOOT_KVM_WHY" ] ||
        BOOT_KVM_WHY="the kernel did not finish booting within 20 s ($(grep -ac . "$log") console lines)"
    rm -f "$log" "$log.out"
    return 1
}

# The embedded QEMU driver runs as `nobody' (as root it wants the
# libvirt-qemu user, which a test machine need not have).  setpriv
# execs (no child left behind), so $! is virt-qemu-run itself.  For KVM
# the group is the one that owns /dev/kvm: on a VM image it need not be
# the group named kvm (seen here: root:ssl-cert, mode 0660).
boot_as_nobody()
{
    local grp=nogroup
    [ "${BOOT_TYPE:-qemu}" = kvm ] && grp=$(stat -c %g /dev/kvm)
    setpriv --reuid=nobody --regid=$grp --clear-groups \
        env HOME="$BOOT_ROOT" "$@"
}

boot_setup()
{
    BOOT_ROOT=$1
    BOOT_PIDS=""
    BOOT_LOGS=$BOOT_ROOT/logs
    mkdir -p "$BOOT_ROOT" "$BOOT_LOGS"
    chown nobody "$BOOT_ROOT" "$BOOT_LOGS"
    cleanup_fn boot_stop_all
}

boot_stop_all()
{
    local p f
    for p in $BOOT_PIDS; do kill -TERM "$p" 2>/dev/null || :; done
    sleep 1
    for f in "$BOOT_ROOT"/embed-*/run/qemu/*.pid; do
        [ -f "$f" ] || continue
        p=$(cat "$f")
        [ -n "$p" ] && kill -KILL "$p" 2>/dev/null || :
    done
    for p in $BOOT_PIDS; do kill -KILL "$p" 2>/dev/null || :; done
}

boot_run()
{
    local name=$1 xml=$2 log=$3 marker=$4 secs=$5 pid t0 now pidfile i
    local root=$BOOT_ROOT/embed-$name
    rm -f "$log"
    # A driver root per boot: nothing of one boot can hold up the next.
    rm -rf "$root"
    t0=$(date +%s%N)
    boot_as_nobody virt-qemu-run --root "$root" "$xml" \
        > "$log.run" 2>&1 &
    pid=$!
    BOOT_PIDS="$BOOT_PIDS $pid"
    BOOT_SECONDS=
    BOOT_WHY=
    while :; do
        now=$(date +%s%N)
        BOOT_WAITED=$(( (now - t0 + 500000000) / 1000000000 ))
        if grep -qaF -- "$marker" "$log" 2>/dev/null; then
            BOOT_SECONDS=$BOOT_WAITED
            BOOT_WHY="marker"
            break
        fi
        # Dead ends: the guest will never get further.
        if grep -qaE 'Dropping to a shell|Kernel panic - not syncing' \
                "$log" 2>/dev/null; then
            BOOT_WHY="dead end: $(grep -aoEm1 'ALERT! .*|Kernel panic - not syncing.*' "$log" | tr -d '\r')"
            break
        fi
        if ! kill -0 $pid 2>/dev/null; then
            BOOT_WHY="virt-qemu-run exited: $(grep -v '^+' "$log.run" | tail -1)"
            break
        fi
        if [ $(( (now - t0) / 1000000000 )) -ge "$secs" ]; then
            BOOT_WHY="no marker within ${secs}s"
            break
        fi
        sleep 1
    done
    # Keep the QEMU command line libvirt generated (the documentation of
    # what booted).
    cp "$root/log/qemu/$name.log" "$log.qemu" 2>/dev/null || :
    # SIGTERM: virt-qemu-run destroys the guest and exits.
    kill -TERM $pid 2>/dev/null || :
    for i in $(seq 1 150); do kill -0 $pid 2>/dev/null || break; sleep 0.1; done
    kill -KILL $pid 2>/dev/null || :
    wait $pid 2>/dev/null || :
    pidfile=$root/run/qemu/$name.pid
    if [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
        kill -KILL "$(cat "$pidfile")" 2>/dev/null || :
    fi
    for i in $(seq 1 50); do
        pgrep -f "guest=$name," >/dev/null || break
        sleep 0.1
    done
    [ -n "$BOOT_SECONDS" ]
}

#!/bin/bash
# The whole migration, measured (`make bench-migrate', part of `make
# bench'; never `make check'): the check-boot PV guest (tests/boot: a
# real Debian 12 guest, Xen PV layout, root=/dev/xvda1, a Xen-only
# initramfs) migrated by xen2kvm-tui (builtin engine with guest fixes,
# from a fake Xen host over a real loopback sshd) and by
# `virt-v2v -i disk' on the same image, one after the other in this
# invocation.  Printed: both whole-migration times and their ratio, each
# stage's time (ours from the stage-end events, virt-v2v's from its own
# "[ seconds] Stage" lines), the appliance launches, bytes copied
# (allocated bytes of the output), and whether each result boots to the
# guest's marker under QEMU (the check-boot harness, TCG here).
#
# Needs root, debootstrap's image cache (built on first use, minutes),
# virt-v2v.  Takes 5-7 minutes on the 2-core machine under TCG.
# BENCH_BOOT_TIMEOUT (default 300) bounds each boot.
. "${top_srcdir:-..}/tests/functions.sh"
. "$top_srcdir/tests/boot/lib.sh"
set -e
requires_root
requires virt-v2v virt-qemu-run qemu-system-x86_64 python3 debootstrap
export LC_ALL=C.UTF-8 LANGUAGE=
unset SSH_AUTH_SOCK
boot_timeout=${BENCH_BOOT_TIMEOUT:-300}
tmpdir
T=$TMPD
chmod 755 "$T"

echo "bench-migrate: the check-boot images (cached)..." >&2
boot_images
I=$BOOT_IMAGES
if boot_kvm_usable; then BOOT_TYPE=kvm; else BOOT_TYPE=qemu; fi
boot_setup "$T/boot"

xen_host_start
cp --sparse=always "$I/pv.img" "$XEN/pv.img"
chown -R "$SSHD_USER:" "$XEN"
cat > "$T/xenhost.xml" <<XML
<node xmlns:test='http://libvirt.org/schemas/domain/test/1.0'>
  <cpu><mhz>2400</mhz><model>x86_64</model><active>2</active><nodes>1</nodes>
    <sockets>1</sockets><cores>2</cores><threads>1</threads></cpu>
  <memory>8388608</memory>
  <domain type='xen'>
    <name>bench-pv</name>
    <uuid>6b1c1a0e-0b0a-4c1e-9a00-0000000000b1</uuid>
    <memory unit='MiB'>512</memory>
    <vcpu>1</vcpu>
    <bootloader>/usr/bin/pygrub</bootloader>
    <os><type arch='x86_64' machine='xenpv'>linux</type></os>
    <devices>
      <disk type='file' device='disk'>
        <driver name='qemu' type='raw'/>
        <source file='$XEN/pv.img'/>
        <target dev='xvda' bus='xen'/>
      </disk>
      <interface type='bridge'>
        <mac address='00:16:3e:10:00:b1'/>
        <source bridge='xenbr0'/>
      </interface>
      <console type='pty'><target type='xen' port='0'/></console>
    </devices>
    <test:runstate>5</test:runstate>
  </domain>
</node>
XML
kvm_host_xml

now() { date +%s.%N; }
secs() { echo "$2 - $1" | bc -l; }
alloc() { du -B1 -c "$@" | tail -1 | cut -f1; }

# ---- ours ------------------------------------------------------------
echo "bench-migrate: xen2kvm-tui..." >&2
t0=$(now)
x2k --batch --machine-readable --uri "test://$T/xenhost.xml" "${XEN_SSH[@]}" \
    --target-uri "test://$T/kvmhost.xml" --pool default \
    --network xenbr0:default --engine builtin --state-dir "$T/state" \
    --vm-name bench-pv > "$T/ours.out" 2> "$T/ours.err" ||
    { cat "$T/ours.err"; fail "xen2kvm-tui failed"; }
t1=$(now)
OURS_S=$(secs "$t0" "$t1")
rd=$(tail -1 "$T/ours.out" | sed -n 's/.*"run_dir":"\([^"]*\)".*/\1/p')
[ -s "$rd/converted.xml" ] || fail "no converted XML in '$rd'"
OURS_STAGES=$(sed -n 's/.*"stage":"\([a-z-]*\)","state":"end".*"seconds":\([0-9.]*\).*/\1 \2/p' "$T/ours.out")
OURS_LAUNCH=$(grep -o 'appliance up in [0-9.]* s' "$T/ours.out" | head -1 | grep -o '[0-9.]*' || echo -)
OURS_BYTES=$(alloc "$POOL"/*)

# ---- virt-v2v on the same image --------------------------------------
echo "bench-migrate: virt-v2v -i disk..." >&2
mkdir -p "$T/v2v"
kvm_env=()
[ "$BOOT_TYPE" = kvm ] || kvm_env=(LIBGUESTFS_BACKEND_SETTINGS=force_tcg)
t0=$(now)
env "${kvm_env[@]}" LIBGUESTFS_BACKEND=direct virt-v2v -v -x -i disk \
    "$XEN/pv.img" -o local -os "$T/v2v" -of raw -on bench-v2v \
    > "$T/v2v.log" 2>&1 || V2V_FAILED=1
t1=$(now)
V2V_S=$(secs "$t0" "$t1")
# Its stage lines ("[  12.3] Converting..."), not the appliance kernel's
# ("[    0.000000] ...").
V2V_STAGES=$(grep -aE '^\[ *[0-9]+\.[0-9]\] ' "$T/v2v.log" | sed 's/^\[ *\([0-9.]*\)\] \(.*\)/\1 \2/')
V2V_BYTES=$(alloc "$T/v2v"/bench-v2v-sd* 2>/dev/null || echo 0)

# ---- boot both ----------------------------------------------------------
bootit()
{
    local name=$1 xml=$2 log=$BOOT_LOGS/serial-$1.log d
    python3 "$boot_dir/boot-xml.py" "$xml" "$T/boot-$name.xml" \
        --serial-log "$log" --type "$BOOT_TYPE" --name "bench-$name" \
        --pool "default=$POOL" > /dev/null
    for d in $(sed -n "s/.*<source file=[\"']\([^\"']*\)[\"'].*/\1/p" "$T/boot-$name.xml"); do
        chown nobody "$d"
        chmod o+x "$(dirname "$d")"
    done
    chown nobody "$T/boot-$name.xml"
    if boot_run "bench-$name" "$T/boot-$name.xml" "$log" X2K-BOOT-OK-pv "$boot_timeout"; then
        echo "yes, marker after ${BOOT_SECONDS}s ($(grep -aoF -m1 'root=/dev/vda1' "$log" || grep -ao -m1 'root=[^ ]*' "$log"))"
    else
        echo "no: $BOOT_WHY"
    fi
}
echo "bench-migrate: booting both results..." >&2
OURS_BOOT=$(bootit ours "$rd/converted.xml")
if [ -z "${V2V_FAILED:-}" ] && [ -s "$T/v2v/bench-v2v.xml" ]; then
    V2V_BOOT=$(bootit v2v "$T/v2v/bench-v2v.xml")
else
    V2V_BOOT="no: virt-v2v failed ($(grep -a 'virt-v2v: error' "$T/v2v.log" | head -1))"
fi

echo
echo "Whole migration of the check-boot PV guest ($(du -h --apparent-size "$I/pv.img" | cut -f1) image," \
    "$(du -h "$I/pv.img" | cut -f1) allocated), accelerator $BOOT_TYPE"
printf '%-28s %10s %14s  %s\n' contender seconds "bytes copied" boots
printf '%-28s %10.1f %14d  %s\n' "xen2kvm-tui (builtin)" "$OURS_S" "$OURS_BYTES" "$OURS_BOOT"
printf '%-28s %10.1f %14d  %s\n' "virt-v2v -i disk" "$V2V_S" "$V2V_BYTES" "$V2V_BOOT"
printf 'ratio ours / virt-v2v: %.2f\n' "$(echo "$OURS_S / $V2V_S" | bc -l)"
echo
echo "xen2kvm-tui stages (seconds):"
echo "$OURS_STAGES" | awk '{ printf "  %-12s %8.1f\n", $1, $2 }'
echo "  (libguestfs appliance launch: $OURS_LAUNCH s)"
echo "virt-v2v stages (start time of each, seconds):"
echo "$V2V_STAGES" | sed 's/^/  /'

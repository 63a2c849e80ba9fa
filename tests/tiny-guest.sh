# The boot check's tiny test guest (source after functions.sh; see
# test-boot-check.sh): tiny_guest_build makes $TMPD/vmlinuz (the host's
# kernel) and $TMPD/initrd (tests/data/boot/tiny-init.c, static), or
# exits 77; tiny_libvirtd starts the private libvirtd with the dir pool
# x2k-boot; tiny_xen_host NAME... writes $TMPD/xen.xml, a test-driver
# Xen host with one such PV guest per NAME (NAME x2k.crash-ish words
# after a colon go on its kernel command line: "tiny-crash:x2k.crash").
# x2k_ns runs the tool in the daemon's mount namespace, so that the
# kernel and initrd it fetches land in the daemon's private
# /var/lib/libvirt/boot, never this machine's.

tiny_guest_build()
{
    local k kernel=
    requires qemu-system-x86_64 gcc cpio nsenter
    for k in /boot/vmlinuz-*; do
        [ -r "$k" ] && kernel=$k
    done
    [ -n "$kernel" ] || skip "no readable kernel in /boot"
    gcc -static -Os -o "$TMPD/init" \
        "$top_srcdir/tests/data/boot/tiny-init.c" 2> "$TMPD/gcc.err" ||
        skip "no static C library: $(tail -1 "$TMPD/gcc.err")"
    mkdir -p "$TMPD/initramfs"
    cp "$TMPD/init" "$TMPD/initramfs/init"
    (cd "$TMPD/initramfs" && echo init | cpio -o -H newc --quiet) \
        > "$TMPD/initrd"
    cp "$kernel" "$TMPD/vmlinuz"
    chmod 644 "$TMPD/vmlinuz" "$TMPD/initrd"
}

tiny_libvirtd()
{
    libvirtd_start
    mkdir -p "$TMPD/pool"
    virsh -c "$LIBVIRTD_URI" pool-define-as x2k-boot dir \
        --target "$TMPD/pool" > /dev/null
    virsh -c "$LIBVIRTD_URI" pool-start x2k-boot > /dev/null
}

tiny_xen_host()
{
    local g name args n=0
    {
        echo "<node xmlns:test='http://libvirt.org/schemas/domain/test/1.0'>"
        for g in "$@"; do
            name=${g%%:*}
            args=
            [ "$name" = "$g" ] || args=${g#*:}
            n=$((n + 1))
            cat <<XML
  <domain type='xen'>
    <name>$name</name>
    <memory unit='KiB'>131072</memory>
    <vcpu>1</vcpu>
    <os>
      <type arch='x86_64' machine='xenpv'>linux</type>
      <kernel>$TMPD/vmlinuz</kernel>
      <initrd>$TMPD/initrd</initrd>
      <cmdline>console=hvc0 panic=-1 $args</cmdline>
    </os>
    <on_poweroff>destroy</on_poweroff>
    <devices>
      <interface type='bridge'>
        <mac address='00:16:3e:1a:2b:0$n'/>
        <source bridge='xenbr0'/>
        <script path='vif-bridge'/>
      </interface>
      <console type='pty'><target type='xen' port='0'/></console>
    </devices>
    <test:runstate>5</test:runstate>
  </domain>
XML
        done
        echo "</node>"
    } > "$TMPD/xen.xml"
}

x2k_ns()
{
    nsenter -t "$(cat "$LIBVIRTD_DIR/libvirtd.pid")" -m -- "$X2K" "$@"
}

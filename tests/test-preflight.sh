#!/bin/bash
# xen2kvm-tui --batch --check against a fake Xen host (libvirt's test
# driver, tests/data/xenhost.xml) whose disks are files served by a real
# sshd, and a fake KVM target (tests/data/kvmhost.xml).  A good plan
# passes; each broken precondition fails with its check id and remedy.
. "${top_srcdir:-..}/tests/functions.sh"
set -e -x
requires qemu-img truncate
xen_host_start

# The Xen host's files, readable by the sshd's user.
truncate -s 64M "$XEN/images/rhel49-x86_64-pv.img"
truncate -s 32M "$XEN/images/win2k8-hvm.img"
truncate -s 16M "$XEN/images/ubuntu14.04.img"
truncate -s 16M "$XEN/images/multi-root.img"
qemu-img create -q -f qcow2 "$XEN/images/multi-data.qcow2" 1G
truncate -s 8M "$XEN/images/multi log 'x'.img"
truncate -s 16M "$XEN/images/web-running.img"
# The guest's block device: the checks read <disk type='block'> from
# the XML and the size from the path, so a file serves here (a real
# device is copied in test-pipeline-block.sh).
truncate -s 24M "$XEN/dev/ubuntu-data"
xen_host_xml
cp "$top_srcdir/tests/data/kvmhost.xml" "$TMPD/kvmhost.xml"

nobr=(--batch --check --uri "test://$TMPD/xenhost.xml" "${XEN_SSH[@]}"
      --target-uri "test://$TMPD/kvmhost.xml")
base=("${nobr[@]}" --bridge br0)

# Print the status of the first row with check ID in table file F.
status_of()
{
    awk -v id="$2" '$1 == id { print $2; exit }' "$1"
}

# A good plan: everything passes.
x2k_expect 0 "$TMPD/good" "${base[@]}" --vm-name rhel49-x86_64-pv
for id in ssh-reachable ssh-hostkey ssh-auth libvirt-uri vm-exists vm-shutoff \
          disk-readable target-uri pool space network target-name; do
    [ "$(status_of "$TMPD/good" $id)" = ok ] || fail "$id not ok"
done
assert_contains "$TMPD/good" "64.0 MiB"
assert_contains "$TMPD/good" "All preflight checks passed."

# Multi-disk: the real qcow2 header wins over the XML's claim, sizes are
# the guest-visible ones, a path with a space and quotes is probed.
x2k_expect 0 "$TMPD/multi" "${base[@]}" --vm-name multidisk-pv
assert_contains "$TMPD/multi" "multi-data.qcow2) is readable, 1.0 GiB, qcow2"
assert_contains "$TMPD/multi" "multi log 'x'.img) is readable, 8.0 MiB, raw"
[ "$(grep -c '^disk-readable *ok' "$TMPD/multi")" = 3 ]

# Block-device guest: detected, with its reason.
x2k_expect 0 "$TMPD/block" "${base[@]}" --vm-name ubuntu14.04
[ "$(status_of "$TMPD/block" block-device)" = warn ]
assert_contains "$TMPD/block" "ubuntu-data (<disk type='block'>)"
assert_contains "$TMPD/block" "24.0 MiB"
x2k_expect 0 "$TMPD/block2" "${base[@]}" --vm-name ubuntu14.04 --block-device
[ "$(status_of "$TMPD/block2" block-device)" = ok ]

# Running guest.
x2k_expect 3 "$TMPD/running" "${base[@]}" --vm-name web-running
[ "$(status_of "$TMPD/running" vm-shutoff)" = FAIL ]
assert_contains "$TMPD/running" "vm-shutoff: Guest shut off"
assert_contains "$TMPD/running" "virsh shutdown NAME"
x2k_expect 0 "$TMPD/running2" "${base[@]}" --vm-name web-running \
    --shutdown-source
[ "$(status_of "$TMPD/running2" vm-shutoff)" = warn ]

# Missing disk.
mv "$XEN/images/rhel49-x86_64-pv.img" "$XEN/images/moved.img"
x2k_expect 3 "$TMPD/missing" "${base[@]}" --vm-name rhel49-x86_64-pv
[ "$(status_of "$TMPD/missing" disk-readable)" = FAIL ]
assert_contains "$TMPD/missing" "does not exist on the Xen host"
assert_contains "$TMPD/missing" "disk-readable: Disks readable"
mv "$XEN/images/moved.img" "$XEN/images/rhel49-x86_64-pv.img"
# Unreadable disk.
chmod 000 "$XEN/images/rhel49-x86_64-pv.img"
x2k_expect 3 "$TMPD/unreadable" "${base[@]}" --vm-name rhel49-x86_64-pv
[ "$(status_of "$TMPD/unreadable" disk-readable)" = FAIL ]
chmod 644 "$XEN/images/rhel49-x86_64-pv.img"

# No space: the target's tiny pool has 1 MiB free.
x2k_expect 3 "$TMPD/nospace" "${base[@]}" --vm-name rhel49-x86_64-pv --pool tiny
[ "$(status_of "$TMPD/nospace" space)" = FAIL ]
assert_contains "$TMPD/nospace" "space: Free space"
# Unknown pool.
x2k_expect 3 "$TMPD/nopool" "${base[@]}" --vm-name rhel49-x86_64-pv \
    --pool nosuch
[ "$(status_of "$TMPD/nopool" pool)" = FAIL ]

# Changed host key.
ssh-keygen -q -t ed25519 -N '' -f "$TMPD/otherhost"
printf '[127.0.0.1]:%s %s\n' "$SSHD_PORT" "$(cut -d' ' -f1,2 "$TMPD/otherhost.pub")" > "$TMPD/kh-bad"
x2k_expect 3 "$TMPD/badkey" "${base[@]}" --vm-name rhel49-x86_64-pv \
    --known-hosts "$TMPD/kh-bad"
[ "$(status_of "$TMPD/badkey" ssh-reachable)" = ok ]
[ "$(status_of "$TMPD/badkey" ssh-hostkey)" = FAIL ]
[ "$(status_of "$TMPD/badkey" ssh-auth)" = skip ]
assert_contains "$TMPD/badkey" "REMOTE HOST IDENTIFICATION HAS CHANGED"
assert_contains "$TMPD/badkey" "ssh-keygen -R HOST"
# Unknown host key: refused without --accept-host-key, accepted with it.
: > "$TMPD/kh-empty"
x2k_expect 3 "$TMPD/unknownkey" "${base[@]}" --vm-name rhel49-x86_64-pv \
    --known-hosts "$TMPD/kh-empty"
[ "$(status_of "$TMPD/unknownkey" ssh-hostkey)" = FAIL ]
assert_contains "$TMPD/unknownkey" "$SSHD_HOSTKEY_FP"
x2k_expect 0 "$TMPD/acceptkey" "${base[@]}" --vm-name rhel49-x86_64-pv \
    --known-hosts "$TMPD/kh-empty" --accept-host-key "$SSHD_HOSTKEY_FP"
[ "$(wc -l < "$TMPD/kh-empty")" = 1 ]

# Wrong password (no key anywhere); the right one works but warns.
nokey=("${base[@]}")
for i in "${!nokey[@]}"; do
    [ "${nokey[$i]}" = --identity ] && unset "nokey[$i]" "nokey[$((i + 1))]"
done
echo not-the-password > "$TMPD/badpw"
chmod 600 "$TMPD/badpw"
x2k_expect 3 "$TMPD/badpw.out" "${nokey[@]}" --vm-name rhel49-x86_64-pv \
    --password-file "$TMPD/badpw"
[ "$(status_of "$TMPD/badpw.out" ssh-auth)" = FAIL ]
assert_contains "$TMPD/badpw.out" "ssh-auth: SSH login"
assert_not_contains "$TMPD/badpw.out" not-the-password
x2k_expect 0 "$TMPD/goodpw" "${nokey[@]}" --vm-name rhel49-x86_64-pv \
    --password-file "$SSHD_PASSWORD_FILE"
[ "$(status_of "$TMPD/goodpw" ssh-auth)" = warn ]
assert_not_contains "$TMPD/goodpw" "$SSHD_PASSWORD"
assert_not_contains "$TMPD/goodpw.err" "$SSHD_PASSWORD"
# A password file others can read is refused, with the remedy.
cp "$SSHD_PASSWORD_FILE" "$TMPD/openpw"
chmod 644 "$TMPD/openpw"
x2k_expect 3 "$TMPD/openpw.out" "${nokey[@]}" --vm-name rhel49-x86_64-pv \
    --password-file "$TMPD/openpw"
[ "$(status_of "$TMPD/openpw.out" ssh-auth)" = FAIL ]
assert_contains "$TMPD/openpw.out" "can be read by other users (mode 0644)"
assert_contains "$TMPD/openpw.out" "chmod 600 $TMPD/openpw"

# Unreachable SSH server (a closed port).
closed=$(free_port)
x2k_expect 3 "$TMPD/closed" "${base[@]}" --vm-name rhel49-x86_64-pv \
    --ssh-port "$closed"
[ "$(status_of "$TMPD/closed" ssh-reachable)" = FAIL ]
[ "$(status_of "$TMPD/closed" disk-readable)" = skip ]

# Unknown guest, network disk, taken name, missing bridge.
x2k_expect 3 "$TMPD/noguest" "${base[@]}" --vm-name no-such-guest
[ "$(status_of "$TMPD/noguest" vm-exists)" = FAIL ]
x2k_expect 3 "$TMPD/netdisk" "${base[@]}" --vm-name netdisk-pv
[ "$(status_of "$TMPD/netdisk" disk-readable)" = FAIL ]
assert_contains "$TMPD/netdisk" "network disks are not supported"
x2k_expect 3 "$TMPD/taken" "${base[@]}" --vm-name rhel49-x86_64-pv \
    --new-name taken-name
[ "$(status_of "$TMPD/taken" target-name)" = FAIL ]
x2k_expect 3 "$TMPD/nobridge" "${nobr[@]}" --vm-name rhel49-x86_64-pv
[ "$(status_of "$TMPD/nobridge" network)" = FAIL ]
assert_contains "$TMPD/nobridge" "'xenbr0'"
x2k_expect 0 "$TMPD/netmap" "${nobr[@]}" --vm-name win2k8-hvm \
    --network default:default
[ "$(status_of "$TMPD/netmap" network)" = ok ]
assert_contains "$TMPD/netmap" "The cdrom hdc"

# Machine-readable output.
x2k_expect 3 "$TMPD/json" "${base[@]}" --vm-name web-running --machine-readable
assert_contains "$TMPD/json" '{"type":"check","id":"vm-shutoff","status":"FAIL","message":'

# The source was never written to.
[ "$(stat -c %s "$XEN/images/rhel49-x86_64-pv.img")" = 67108864 ]
[ "$(stat -c %b "$XEN/images/rhel49-x86_64-pv.img")" = 0 ]
cmp "$TMPD/xenhost.xml" <(sed -e "s|/var/lib/xen/images|$XEN/images|g" -e "s|/dev/vg_xen|$XEN/dev|g" "$top_srcdir/tests/data/xenhost.xml")

# The table and its remedies in Chinese (when the locale exists); the
# check ids stay untranslated so scripts can match them.
if locale -a 2>/dev/null | grep -qix zh_cn.utf8; then
    rc=0
    LANGUAGE=zh_CN LANG=zh_CN.UTF-8 LC_ALL=zh_CN.UTF-8 \
        x2k "${base[@]}" --vm-name web-running > "$TMPD/zh" 2>&1 || rc=$?
    cat "$TMPD/zh"
    [ $rc = 3 ]
    assert_contains "$TMPD/zh" "检查项"
    grep -q '^vm-shutoff *失败 *虚拟机“web-running”的状态为“运行中”' "$TMPD/zh"
    assert_contains "$TMPD/zh" "vm-shutoff: 虚拟机已关机"
    assert_contains "$TMPD/zh" "有预检未通过：无法执行迁移。"
fi

#!/bin/bash
# The xl source finds a Xen host's guests as xl and xm hosts keep them:
# configuration files in /etc/xen (NAME.cfg as xen-tools writes, NAME
# without a suffix as on RHEL 5, vm/NAME as on SLES, auto/ links),
# matched by their name = setting and not by file name, plus what the
# stand-in `xl list' (tests/xl-host/xl) shows running, Domain-0 left
# out.  The Xen host is a second sshd in a private mount namespace
# whose /etc is an overlay with the fixture /etc/xen: the machine's own
# /etc is not touched.  Needs root, unshare and overlayfs: skipped (77)
# otherwise.
. "${top_srcdir:-..}/tests/functions.sh"
set -e -x
requires unshare setpriv virt-xml-validate
tmpdir
XLBIN=$(mktemp -d "${TMPDIR:-/tmp}/x2k-xlbin.XXXXXX")
cleanup_fn rm -rf "$XLBIN"
XL_STATE=$XLBIN/state
mkdir -p "$XL_STATE/running"
cp "$top_srcdir/tests/xl-host/xl" "$XLBIN/xl"
chmod 755 "$XLBIN" "$XLBIN/xl"
xen_host_start "SetEnv PATH=$XLBIN:/usr/bin:/bin XL_STATE=$XL_STATE"
chown -R "$SSHD_USER:" "$XL_STATE"

# The fixture /etc/xen, in the overlay's upper directory.
ovl=$(mktemp -d "${TMPDIR:-/tmp}/x2k-etc.XXXXXX")
cleanup_fn rm -rf "$ovl"
mkdir -p "$ovl/upper/xen/vm" "$ovl/upper/xen/auto" "$ovl/upper/xen/scripts" \
    "$ovl/work"
data=$top_srcdir/tests/data/xl
cp "$data/xen-tools-pygrub.cfg" "$ovl/upper/xen/guest-one.cfg"  # name web1
cp "$data/xm-hvm.cfg" "$ovl/upper/xen/rhel5-hvm"                # RHEL 5
cp "$data/xm-pv.cfg" "$ovl/upper/xen/vm/sles11"                 # SLES
ln -s ../guest-one.cfg "$ovl/upper/xen/auto/guest-one.cfg"      # twice
printf 'autoballoon="off"\n' > "$ovl/upper/xen/xl.conf"
printf '# no name here\nmemory = 256\n' > "$ovl/upper/xen/noname.cfg"
printf '#!/bin/sh\n' > "$ovl/upper/xen/scripts/vif-bridge"
chmod -R a+rX "$ovl"

port=$(free_port)
sed -e "s/^ListenAddress .*/ListenAddress 127.0.0.1:$port/" \
    -e "s|^PidFile .*|PidFile $SSHD_DIR/sshd-ns.pid|" \
    "$SSHD_DIR/sshd_config" > "$SSHD_DIR/sshd-ns_config"
unshare -m --propagation private sh -c "
    mount -t overlay overlay \
        -o lowerdir=/etc,upperdir=$ovl/upper,workdir=$ovl/work /etc || exit 77
    exec /usr/sbin/sshd -D -e -f $SSHD_DIR/sshd-ns_config" \
    2>> "$SSHD_DIR/sshd-ns.log" &
nspid=$!
cleanup_fn kill "$nspid"
i=0
until (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do
    if ! kill -0 "$nspid" 2>/dev/null; then
        cat "$SSHD_DIR/sshd-ns.log"
        skip "no overlay mount in a private mount namespace here"
    fi
    i=$((i + 1))
    [ $i -lt 100 ] || fail "the namespaced sshd did not start"
    sleep 0.1
done
printf '[127.0.0.1]:%s %s\n' "$port" "$(cut -d' ' -f1,2 "$SSHD_HOSTKEY")" \
    >> "$SSHD_KNOWN_HOSTS"
[ ! -e /etc/xen/guest-one.cfg ] || fail "the overlay leaked into this /etc"

# web1 and a guest no file names run.
for g in web1 orphan; do
    setpriv --reuid="$SSHD_USER" --regid="$(id -g "$SSHD_USER")" \
        --clear-groups sleep 600 &
    pid=$!
    cleanup_fn kill "$pid"
    echo "$((${#g} + 2)) 512 1 $pid" > "$XL_STATE/running/$g"
done
chown -R "$SSHD_USER:" "$XL_STATE"

URI="ssh://$SSHD_USER@127.0.0.1:$port"
export X2K_SSH_KEY=$SSHD_KEY X2K_KNOWN_HOSTS=$SSHD_KNOWN_HOSTS
tool=$top_builddir/tests/source-tool
"$tool" "$URI" list > "$TMPD/list"
cat "$TMPD/list"
# Running ones first by id (web1 6, orphan 8), then the shut off ones by
# name; each once, Domain-0 and the files without a guest left out.
cat > "$TMPD/want" <<'LIST'
 Id    Name                           State
----------------------------------------------------
 6     web1                           idle
 8     orphan                         idle
 -     rhel5-hvm                      shut off
 -     sles11                         shut off
LIST
diff -u "$TMPD/want" "$TMPD/list"
"$tool" "$URI" state sles11 | grep -qx 'shut off'
"$tool" "$URI" state web1 | grep -qx 'idle'
"$tool" "$URI" dumpxml web1 > "$TMPD/web1.xml"
assert_contains "$TMPD/web1.xml" "<name>web1</name>"
assert_contains "$TMPD/web1.xml" "<bootloader>pygrub</bootloader>"
"$tool" "$URI" dumpxml sles11 | grep -q "<source file='/var/lib/xen/images/sles11/disk0'/>"
# A running guest no file names: read from `xl list -l' (JSON).
cp "$data/orphan.json" "$XL_STATE/orphan.json"
"$tool" "$URI" dumpxml orphan > "$TMPD/orphan.xml" 2> "$TMPD/err"
assert_contains "$TMPD/orphan.xml" "<uuid>5e6f7a8b-1c2d-4e3f-8a9b-0c1d2e3f4a5b</uuid>"
assert_contains "$TMPD/orphan.xml" "<memory unit='KiB'>1048576</memory>"
assert_contains "$TMPD/orphan.xml" "<currentMemory unit='KiB'>524288</currentMemory>"
assert_contains "$TMPD/orphan.xml" "<vcpu placement='static'>2</vcpu>"
assert_contains "$TMPD/orphan.xml" "<kernel>/boot/vmlinuz-6.1.0-18-amd64</kernel>"
assert_contains "$TMPD/orphan.xml" "<source dev='/dev/vg0/orphan-disk'/>"
assert_contains "$TMPD/orphan.xml" "<source file='/srv/iso/tools &quot;v2&quot;.iso'/>"
assert_contains "$TMPD/orphan.xml" "<disk type='file' device='cdrom'>"
assert_contains "$TMPD/orphan.xml" "<mac address='00:16:3e:0a:0b:0c'/>"
virt-xml-validate "$TMPD/orphan.xml" domain
grep -qx "xl list -l orphan" "$XL_STATE/log"
rc=0
"$tool" "$URI" state nosuch 2> "$TMPD/err" || rc=$?
[ "$rc" = 1 ]
assert_contains "$TMPD/err" "There is no guest named 'nosuch'"
# The same through the program, as a migration reads it.
x2k --batch --mode xl --uri "$URI" --known-hosts "$SSHD_KNOWN_HOSTS" \
    --identity "$SSHD_KEY" --vm-name rhel5-hvm --print-source > "$TMPD/rhel5.xml"
diff -u "$data/xm-hvm.xml" "$TMPD/rhel5.xml"
# Guided shutdown through the source: web1 really stops.
"$tool" "$URI" shutdown web1 20
"$tool" "$URI" state web1 | grep -qx 'shut off'
grep -qx "xl shutdown -w web1" "$XL_STATE/log"

# The xm toolstack: `xm list -l' S-expressions.
rm "$XLBIN/xl"
cp "$top_srcdir/tests/xl-host/xl" "$XLBIN/xl.real"
ln -s xl.real "$XLBIN/xm"
cp "$data/orphan.sxp" "$XL_STATE/orphan.sxp"
chown -R "$SSHD_USER:" "$XL_STATE"
"$tool" "$URI" dumpxml orphan > "$TMPD/orphan-xm.xml"
assert_contains "$TMPD/orphan-xm.xml" "<bootloader>/usr/bin/pygrub</bootloader>"
assert_contains "$TMPD/orphan-xm.xml" "<currentMemory unit='KiB'>524288</currentMemory>"
assert_contains "$TMPD/orphan-xm.xml" "<source file='/var/lib/xen/images/orphan.img'/>"
assert_contains "$TMPD/orphan-xm.xml" "<target dev='xvda' bus='xen'/>"
assert_contains "$TMPD/orphan-xm.xml" "<cmdline>ro root=/dev/VolGroup00/LogVol00</cmdline>"
assert_contains "$TMPD/orphan-xm.xml" "<script path='vif-bridge'/>"
virt-xml-validate "$TMPD/orphan-xm.xml" domain
grep -qx "xm list -l orphan" "$XL_STATE/log"

#!/bin/bash
# --check shows the destination checks (issue 12): against a Xen host
# over a real sshd on 127.0.0.1, --check reports dest-not-source (the
# pool is the Xen host's image directory), output-dir (--output local
# into a link to it), dest-exists (a finished copy, no --overwrite) and
# run-lock (a slowed run of the same guest is going on), each with its
# remedy, exit 3.  --check is read-only: no run directory, no lock kept
# (a run right after it goes through), the source unchanged.
. "${top_srcdir:-..}/tests/functions.sh"
set -e -x
requires truncate md5sum python3
xen_host_start
export XDG_RUNTIME_DIR=$TMPD/run

name=rhel49-x86_64-pv-vda.raw
src=$XEN/images/$name
head -c $((6 * 1048576)) /dev/urandom > "$src"
sum=$(md5sum < "$src")
xen_host_xml -e "s|rhel49-x86_64-pv.img|$name|"
kvm_host_xml
base=(--batch --uri "test://$TMPD/xenhost.xml" "${XEN_SSH[@]}"
      --target-uri "test://$TMPD/kvmhost.xml" --bridge br0
      --state-dir "$TMPD/state" --no-guest-fixes --vm-name rhel49-x86_64-pv)

no_rundir()
{
    if ls "$TMPD/state/runs" 2>/dev/null | grep -q .; then
        fail "$1: --check made a run directory"
    fi
    [ "$(md5sum < "$src")" = "$sum" ] || fail "$1: the source was written"
}

# dest-not-source: the pool is the Xen host's image directory.
sed -e "s|/var/lib/libvirt/images|$XEN/images|" \
    "$top_srcdir/tests/data/kvmhost.xml" > "$TMPD/kvmhost.xml"
x2k_expect 3 "$TMPD/samepath" "${base[@]}" --overwrite --check
assert_contains "$TMPD/samepath" "dest-not-source"
assert_contains "$TMPD/samepath" "is the source disk $src"
assert_contains "$TMPD/samepath" "FAIL"
no_rundir samepath
kvm_host_xml

# output-dir: --output local into a link to the source's directory.
ln -s "$XEN/images" "$TMPD/outlink"
x2k_expect 3 "$TMPD/outlink.out" "${base[@]}" --output local \
    --output-dir "$TMPD/outlink" --check
assert_contains "$TMPD/outlink.out" "output-dir"
no_rundir outlink
rm "$TMPD/outlink"

# Passing --check, then the run it promised (no lock was kept).
x2k_expect 0 "$TMPD/ok" "${base[@]}" --check
assert_contains "$TMPD/ok" "run-lock"
assert_contains "$TMPD/ok" "dest-exists"
no_rundir ok
x2k_expect 0 "$TMPD/good" "${base[@]}"
cmp "$src" "$POOL/$name"

# dest-exists: the copy is there and --overwrite is not given.
x2k_expect 3 "$TMPD/exists" "${base[@]}" --check
assert_contains "$TMPD/exists" "dest-exists"
assert_contains "$TMPD/exists" "--overwrite"

# run-lock: a slowed run of the same guest is copying.
X2K_BWLIMIT=$((1048576)) "$X2K" "${base[@]}" --overwrite \
    --machine-readable > "$TMPD/first" 2> "$TMPD/first.err" &
pid=$!
cleanup_fn kill $pid
i=0
until grep -q '"type":"progress"' "$TMPD/first"; do
    [ $i -lt 300 ] || fail "the copy did not start"
    sleep 0.1
    i=$((i + 1))
done
x2k_expect 3 "$TMPD/locked" "${base[@]}" --overwrite --check
assert_contains "$TMPD/locked" "run-lock"
assert_contains "$TMPD/locked" "process $pid"
kill $pid
wait $pid || true
[ "$(md5sum < "$src")" = "$sum" ] || fail "the source was written"

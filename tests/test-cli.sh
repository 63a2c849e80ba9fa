#!/bin/bash
# The command line: --help, --version, exit codes, --dump-plan, the
# replay command (run through a real shell), the xen2kvm alias.
. "${top_srcdir:-..}/tests/functions.sh"
set -e -x
tmpdir
export LANGUAGE=C LC_ALL=C.UTF-8

x2k --help > "$TMPD/help"
assert_contains "$TMPD/help" "--vm-name=NAME"
assert_contains "$TMPD/help" "--block-device"
assert_contains "$TMPD/help" "Source (the Xen host and the guest):"
x2k --usage > "$TMPD/usage"
assert_contains "$TMPD/usage" "--uri=URI"
x2k --version > "$TMPD/version"
grep -qE '^xen2kvm-tui [0-9]+\.[0-9]+\.[0-9]+$' "$TMPD/version"

# Usage errors: exit 2, one clear line, a hint.
set +e
x2k --no-such-option 2> "$TMPD/err"; rc=$?
set -e
[ $rc = 2 ] || fail "bad option: exit $rc"
assert_contains "$TMPD/err" "xen2kvm: error: --no-such-option"
assert_contains "$TMPD/err" "--help"

set +e
x2k --batch --vm-name=g 2> "$TMPD/err"; rc=$?
set -e
[ $rc = 2 ] || fail "missing --uri: exit $rc"
assert_contains "$TMPD/err" "--uri is required"

set +e
x2k --batch --uri=xen+ssh://h --vm-name=g --format=vmdk 2> "$TMPD/err"; rc=$?
set -e
[ $rc = 2 ] || fail "bad format: exit $rc"
assert_contains "$TMPD/err" "'vmdk' is not one of: raw, qcow2"

# The documented block-device example, as a plan.
x2k --batch --mode xen --uri xen+ssh://172.16.7.54 --vm-name ubuntu14.04 \
    --block-device --dump-plan > "$TMPD/plan"
assert_contains "$TMPD/plan" "mode: xen"
assert_contains "$TMPD/plan" "uri: xen+ssh://172.16.7.54"
assert_contains "$TMPD/plan" "vm-name: ubuntu14.04"
assert_contains "$TMPD/plan" "block-device: yes"
assert_contains "$TMPD/plan" "target-uri: qemu:///system"
assert_contains "$TMPD/plan" "replay: xen2kvm-tui --batch --uri=xen+ssh://172.16.7.54 --vm-name=ubuntu14.04 --block-device"

# A hostile plan: the replay line, run by a shell, gives the same plan,
# and nothing in it executes.
rm -f "$TMPD/pwned"
name="a'; touch $TMPD/pwned; '\$(touch $TMPD/pwned)\`touch $TMPD/pwned\` 中文虚拟机"
x2k --batch --uri "xen+ssh://root@h" --vm-name "$name" \
    --new-name "-rf --help" --bridge xenbr0:br0 --network default \
    --format qcow2 --verify --parallel 3 --password-file "/root/pass word" \
    --dump-plan > "$TMPD/plan1"
replay=$(sed -n 's/^replay: //p' "$TMPD/plan1")
[ -n "$replay" ]
mkdir -p "$TMPD/bin"
ln -s "$X2K" "$TMPD/bin/xen2kvm-tui"
PATH="$TMPD/bin:$PATH" eval "$replay --dump-plan" > "$TMPD/plan2"
diff "$TMPD/plan1" "$TMPD/plan2"
[ ! -e "$TMPD/pwned" ] || fail "the replay command executed something"
assert_contains "$TMPD/plan1" "vm-name: $name"
assert_contains "$TMPD/plan1" "bridge: xenbr0:br0"
assert_contains "$TMPD/plan1" "network: *:default"

# --layout: left out it is chosen by the disks' shape ("-" in the plan,
# nothing in the replay); given, it round-trips; a wrong value is a
# usage error that lists the right ones.
assert_contains "$TMPD/plan1" "layout: -"
for l in assemble keep; do
    x2k --batch --uri xen+ssh://h --vm-name g --layout "$l" --dump-plan \
        > "$TMPD/layout"
    assert_contains "$TMPD/layout" "layout: $l"
    assert_contains "$TMPD/layout" "replay: xen2kvm-tui --batch --uri=xen+ssh://h --vm-name=g --layout=$l"
done
set +e
x2k --batch --uri xen+ssh://h --vm-name g --layout=merge --dump-plan \
    > "$TMPD/out" 2> "$TMPD/err"; rc=$?
set -e
[ "$rc" = 2 ] || fail "--layout=merge: exit $rc, not 2"
assert_contains "$TMPD/err" "'merge' is not one of: assemble, keep"

# `xen2kvm' implies --batch.
ln -s "$X2K" "$TMPD/bin/xen2kvm"
"$TMPD/bin/xen2kvm" --uri xen+ssh://h --vm-name g --dump-plan > "$TMPD/alias"
assert_contains "$TMPD/alias" "replay: xen2kvm-tui --batch --uri=xen+ssh://h --vm-name=g"

# No terminal and no --batch: a clear error, not a broken screen.
set +e
x2k < /dev/null > "$TMPD/out" 2> "$TMPD/err"; rc=$?
set -e
[ $rc = 2 ] || fail "wizard without a tty: exit $rc"
assert_contains "$TMPD/err" "--batch"

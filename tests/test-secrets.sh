#!/bin/bash
# The SSH password is wiped as soon as the logins it serves are done: a
# fake Xen host (test driver + a real loopback sshd) reached with a
# password only (--password-file, no key, --parallel 2: both sessions
# of the copy log in at the start); while the disk is being copied the
# program's whole memory (/proc/PID/mem, read as root) holds the
# password nowhere.  The password never reaches the output, the log or
# the run directory either.
. "${top_srcdir:-..}/tests/functions.sh"
set -e -x
requires python3 cmp
xen_host_start
head -c $((16 * 1048576)) /dev/urandom > "$XEN/images/rhel49-x86_64-pv.img"
xen_host_xml
kvm_host_xml
# Every option of XEN_SSH but the key.
ssh_opts=()
for ((i = 0; i < ${#XEN_SSH[@]}; i++)); do
    if [ "${XEN_SSH[$i]}" = --identity ]; then i=$((i + 1)); continue; fi
    ssh_opts+=("${XEN_SSH[$i]}")
done
run=(--batch --uri "test://$TMPD/xenhost.xml" "${ssh_opts[@]}"
     --password-file "$SSHD_PASSWORD_FILE" --parallel 2
     --target-uri "test://$TMPD/kvmhost.xml" --bridge br0
     --state-dir "$TMPD/state" --no-guest-fixes --vm-name rhel49-x86_64-pv
     --machine-readable --log-file "$TMPD/x2k.log")

# (sshd_start exports the password for other tests: not to this one.)
X2K_BWLIMIT=$((2 * 1048576)) env -u SSHD_PASSWORD "$X2K" "${run[@]}" \
    > "$TMPD/out" 2> "$TMPD/err" &
pid=$!
i=0
until grep -q '"type":"progress"' "$TMPD/out"; do
    [ $i -lt 300 ] || { cat "$TMPD/out" "$TMPD/err"; fail "no copy seen"; }
    sleep 0.1
    i=$((i + 1))
done
# Every readable mapping of the process, searched for the password.
python3 - "$pid" "$SSHD_PASSWORD" <<'PY'
import re, sys
pid, secret = sys.argv[1], sys.argv[2].encode()
found, scanned = [], 0
with open("/proc/%s/maps" % pid) as maps, open("/proc/%s/mem" % pid, "rb", 0) as mem:
    for line in maps:
        m = re.match(r"([0-9a-f]+)-([0-9a-f]+) (r)", line)
        if not m or "[vvar]" in line or "[vsyscall]" in line:
            continue
        start, end = int(m.group(1), 16), int(m.group(2), 16)
        try:
            mem.seek(start)
            data = mem.read(end - start)
        except OSError:
            continue
        scanned += len(data)
        if secret in data:
            found.append(line.strip())
print("scanned %d bytes" % scanned)
assert scanned > 1000000, scanned
assert not found, "the password is still in memory: %s" % found
PY
wait $pid || { cat "$TMPD/out" "$TMPD/err"; fail "the run failed"; }
cmp "$XEN/images/rhel49-x86_64-pv.img" "$POOL/rhel49-x86_64-pv-vda.raw"
assert_contains "$TMPD/out" "2 session(s) logged in for the copy; the password is wiped"
rd=$(tail -1 "$TMPD/out" | sed -n 's/.*"run_dir":"\([^"]*\)".*/\1/p')
for f in "$TMPD/out" "$TMPD/err" "$TMPD/x2k.log" "$rd"/*; do
    assert_not_contains "$f" "$SSHD_PASSWORD"
done

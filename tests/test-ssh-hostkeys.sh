#!/bin/bash
# Host keys as OpenSSH decides them, against a real sshd with two host
# keys (ed25519 and ECDSA): on a port other than 22 only "[host]:port"
# entries count (a plain-host entry neither vouches for the key nor
# hides a changed one, hashed or not); a known key of another type for
# the host is a changed key (a hard stop with the ssh-keygen -R remedy,
# even with --accept-host-key); a server with several keys is asked for
# the type known_hosts holds; and on the data path a host key refused by
# the OpenSSH client stops the copy instead of falling back to libssh2.
. "${top_srcdir:-..}/tests/functions.sh"
. "$top_srcdir/tests/transfer-lib.sh"
set -e -x
requires ssh ssh-keygen cmp
T=${top_builddir:-..}/tests/ssh-tool
[ -x "$T" ] || skip "ssh-tool not built"
tmpdir
chmod 755 "$TMPD"
ssh-keygen -q -t ecdsa -N '' -C x2k-test-host -f "$TMPD/host_ecdsa"
sshd_start "HostKey $TMPD/host_ecdsa"
empty_home
ssh-keygen -q -t ed25519 -N '' -f "$TMPD/other_ed25519"
ssh-keygen -q -t ecdsa -N '' -f "$TMPD/other_ecdsa"
ssh-keygen -q -t rsa -b 2048 -N '' -f "$TMPD/other_rsa"
key() { cut -d' ' -f1,2 "$1"; }
ED=$(key "$SSHD_HOSTKEY") EC=$(key "$TMPD/host_ecdsa.pub")
OTHER_ED=$(key "$TMPD/other_ed25519.pub") OTHER_EC=$(key "$TMPD/other_ecdsa.pub")
OTHER_RSA=$(key "$TMPD/other_rsa.pub")
HP="[127.0.0.1]:$SSHD_PORT"
conn=(--port "$SSHD_PORT" --user "$SSHD_USER" --identity "$SSHD_KEY")

# try NAME KNOWN_HOSTS_LINES...: ssh-tool with those lines; its exit
# status in $rc, its stderr in $TMPD/NAME.err.
try()
{
    local name=$1
    shift
    printf '%s\n' "$@" > "$TMPD/$name.kh"
    rc=0
    "$T" "${conn[@]}" --known-hosts "$TMPD/$name.kh" 127.0.0.1 exec true \
        2> "$TMPD/$name.err" || rc=$?
    cat "$TMPD/$name.err"
}

# "[host]:port" wins over a plain-host entry: changed, whatever the
# plain entry says; and the other way round it is simply known.
try bracket-changed "$HP $OTHER_ED" "127.0.0.1 $ED"
[ $rc = 1 ]
assert_contains "$TMPD/bracket-changed.err" "REMOTE HOST IDENTIFICATION HAS CHANGED"
assert_contains "$TMPD/bracket-changed.err" "ssh-keygen -R '$HP' -f $TMPD/bracket-changed.kh"
try bracket-known "$HP $ED" "127.0.0.1 $OTHER_ED"
[ $rc = 0 ]
# A plain-host entry alone does not vouch for the key on this port.
try plain-only "127.0.0.1 $ED"
[ $rc = 1 ]
assert_contains "$TMPD/plain-only.err" "can't be established"
# The same, hashed.
printf '%s\n' "$HP $OTHER_ED" "127.0.0.1 $ED" > "$TMPD/hashed.kh"
ssh-keygen -H -f "$TMPD/hashed.kh" >/dev/null 2>&1
grep -q '^|1|' "$TMPD/hashed.kh"
rc=0
"$T" "${conn[@]}" --known-hosts "$TMPD/hashed.kh" 127.0.0.1 exec true \
    2> "$TMPD/hashed.err" || rc=$?
[ $rc = 1 ]
assert_contains "$TMPD/hashed.err" "REMOTE HOST IDENTIFICATION HAS CHANGED"

# The server's two keys: whichever one known_hosts holds is the one
# asked for, and it is known.
try only-ecdsa "$HP $EC"
[ $rc = 0 ]
try only-ed25519 "$HP $ED"
[ $rc = 0 ]
# A key of the type asked for that is not the server's: changed.
try same-type "$HP $OTHER_EC"
[ $rc = 1 ]
assert_contains "$TMPD/same-type.err" "It differs from the key recorded"
# Only a key of a type the server does not have (RSA): the host key
# changed.  --accept-host-key cannot accept it.
try other-type "$HP $OTHER_RSA"
[ $rc = 1 ]
assert_contains "$TMPD/other-type.err" "records a key of another type"
assert_contains "$TMPD/other-type.err" "ssh-keygen -R '$HP' -f $TMPD/other-type.kh"
printf '%s\n' "$HP $OTHER_RSA" > "$TMPD/accept.kh"
rc=0
"$T" "${conn[@]}" --known-hosts "$TMPD/accept.kh" --accept "$SSHD_HOSTKEY_FP" \
    127.0.0.1 exec true 2> "$TMPD/accept.err" || rc=$?
[ $rc = 1 ]
assert_contains "$TMPD/accept.err" "records a key of another type"
[ "$(wc -l < "$TMPD/accept.kh")" = 1 ]

# The data path: libssh2 trusts the host, the OpenSSH client then
# refuses its key (a stand-in `ssh' first on PATH makes the real one read
# a known_hosts with another key): the copy stops with the host key
# error; it is not copied through libssh2 instead.
SRC=$TMPD/src OUT=$TMPD/out
mkdir -p "$SRC" "$OUT" "$TMPD/bin"
chmod 755 "$SRC"
head -c 3000000 /dev/urandom > "$SRC/disk.img"
chmod 644 "$SRC/disk.img"
printf '%s\n' "$HP $OTHER_ED" "$HP $OTHER_EC" > "$TMPD/wrong.kh"
cat > "$TMPD/bin/ssh" <<SH
#!/bin/sh
exec $(command -v ssh) -o UserKnownHostsFile=$TMPD/wrong.kh "\$@"
SH
chmod 755 "$TMPD/bin/ssh"
rc=0
PATH="$TMPD/bin:$PATH" "$X2K_COPY" --host=127.0.0.1 --port="$SSHD_PORT" \
    --user="$SSHD_USER" --identity="$SSHD_KEY" \
    --known-hosts="$SSHD_KNOWN_HOSTS" "$SRC/disk.img" "$OUT/disk.raw" \
    > "$OUT/c1" 2> "$OUT/c1.err" || rc=$?
cat "$OUT/c1" "$OUT/c1.err"
[ $rc = 1 ]
[ "$(field "$OUT/c1" error)" = ssh-hostkey ]
assert_contains "$OUT/c1.err" "The OpenSSH client refused the host key of 127.0.0.1"
assert_contains "$OUT/c1.err" "never falls back to libssh2"
assert_not_contains "$OUT/c1.err" "copied through libssh2"
[ "$(field "$OUT/c1" data)" = 0 ]
# Without the stand-in the same copy works, through the OpenSSH client.
"$X2K_COPY" --host=127.0.0.1 --port="$SSHD_PORT" --user="$SSHD_USER" \
    --identity="$SSHD_KEY" --known-hosts="$SSHD_KNOWN_HOSTS" \
    "$SRC/disk.img" "$OUT/disk.raw" > "$OUT/c2"
[ "$(field "$OUT/c2" reader)" = openssh-exec ]
cmp "$SRC/disk.img" "$OUT/disk.raw"

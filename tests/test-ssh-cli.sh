#!/bin/bash
# core/ssh against a real sshd: known, unknown, accepted, hashed and
# changed host keys (fingerprints as ssh-keygen -lf prints them); key,
# agent and password authentication; key setup idempotency; the legacy
# algorithm option; remote quoting of hostile words; a streaming read.
. "${top_srcdir:-..}/tests/functions.sh"
set -e -x
requires ssh ssh-agent ssh-add
T=${top_builddir:-..}/tests/ssh-tool
[ -x "$T" ] || skip "ssh-tool not built"
sshd_start
empty_home

conn=(--port "$SSHD_PORT" --user "$SSHD_USER")

# Key auth with a known host key.
out=$("$T" "${conn[@]}" --identity "$SSHD_KEY" --known-hosts "$SSHD_KNOWN_HOSTS" \
        127.0.0.1 exec 'id -un' 2>"$TMPD/err")
[ "$out" = "$SSHD_USER" ]
assert_contains "$TMPD/err" "auth: publickey $SSHD_KEY"

# Exit status and stderr come back.
rc=0
"$T" "${conn[@]}" --identity "$SSHD_KEY" --known-hosts "$SSHD_KNOWN_HOSTS" \
    127.0.0.1 exec 'echo oops >&2; exit 7' 2>"$TMPD/err" || rc=$?
[ $rc = 7 ]
assert_contains "$TMPD/err" oops

# Unknown host key, refused by the callback: the fingerprint shown is
# exactly ssh-keygen's, and nothing is recorded.
kh=$TMPD/known_hosts
rc=0
"$T" "${conn[@]}" --identity "$SSHD_KEY" --known-hosts "$kh" --callback no \
    127.0.0.1 exec true 2>"$TMPD/err" || rc=$?
[ $rc = 1 ]
assert_contains "$TMPD/err" "hostkey: 127.0.0.1 $SSHD_PORT ssh-ed25519 $SSHD_HOSTKEY_FP"
assert_contains "$TMPD/err" "error: ssh-hostkey:"
[ ! -s "$kh" ]
# Unknown with no callback and no accepted fingerprint: refused.
rc=0
"$T" "${conn[@]}" --identity "$SSHD_KEY" --known-hosts "$kh" \
    127.0.0.1 exec true 2>"$TMPD/err" || rc=$?
[ $rc = 1 ]
assert_contains "$TMPD/err" "$SSHD_HOSTKEY_FP"
# A wrong --accept-host-key fingerprint: refused.
rc=0
"$T" "${conn[@]}" --identity "$SSHD_KEY" --known-hosts "$kh" \
    --accept SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA \
    127.0.0.1 exec true 2>"$TMPD/err" || rc=$?
[ $rc = 1 ]
assert_contains "$TMPD/err" "error: ssh-hostkey:"
[ ! -s "$kh" ]

# Accepted by the callback: appended in OpenSSH format, which the ssh
# binary (what libvirt's xen+ssh runs) then accepts strictly.
"$T" "${conn[@]}" --identity "$SSHD_KEY" --known-hosts "$kh" --callback yes \
    127.0.0.1 exec true 2>"$TMPD/err"
[ "$(wc -l < "$kh")" = 1 ]
ssh -F /dev/null -i "$SSHD_KEY" -p "$SSHD_PORT" -o BatchMode=yes \
    -o UserKnownHostsFile="$kh" -o StrictHostKeyChecking=yes \
    "$SSHD_USER@127.0.0.1" true
# Now known: no callback needed, nothing appended again.
"$T" "${conn[@]}" --identity "$SSHD_KEY" --known-hosts "$kh" 127.0.0.1 exec true
[ "$(wc -l < "$kh")" = 1 ]

# Batch acceptance with the right fingerprint.
kh2=$TMPD/known_hosts2
"$T" "${conn[@]}" --identity "$SSHD_KEY" --known-hosts "$kh2" \
    --accept "$SSHD_HOSTKEY_FP" 127.0.0.1 exec true
[ "$(wc -l < "$kh2")" = 1 ]

# Hashed known_hosts entries are recognised.
ssh-keygen -H -f "$kh2" >/dev/null 2>&1
grep -q '^|1|' "$kh2"
"$T" "${conn[@]}" --identity "$SSHD_KEY" --known-hosts "$kh2" 127.0.0.1 exec true

# A revoked key is refused even when it is also listed as known; lines
# libssh2 cannot parse (@cert-authority) do not hide later entries.
{ echo "@cert-authority * $(cut -d' ' -f1,2 "$SSHD_KEY.pub")"
  cat "$SSHD_KNOWN_HOSTS"
  echo "@revoked * $(cut -d' ' -f1,2 "$SSHD_HOSTKEY")"; } > "$TMPD/kh-revoked"
rc=0
"$T" "${conn[@]}" --identity "$SSHD_KEY" --known-hosts "$TMPD/kh-revoked" \
    127.0.0.1 exec true 2>"$TMPD/err" || rc=$?
[ $rc = 1 ]
assert_contains "$TMPD/err" "revoked"
{ echo "@cert-authority * $(cut -d' ' -f1,2 "$SSHD_KEY.pub")"
  cat "$SSHD_KNOWN_HOSTS"; } > "$TMPD/kh-ca"
"$T" "${conn[@]}" --identity "$SSHD_KEY" --known-hosts "$TMPD/kh-ca" 127.0.0.1 exec true

# A changed host key: hard stop with OpenSSH's warning.
ssh-keygen -q -t ed25519 -N '' -f "$TMPD/otherhost"
printf '[127.0.0.1]:%s %s\n' "$SSHD_PORT" "$(cut -d' ' -f1,2 "$TMPD/otherhost.pub")" > "$TMPD/kh-changed"
rc=0
"$T" "${conn[@]}" --identity "$SSHD_KEY" --known-hosts "$TMPD/kh-changed" \
    --callback yes --accept "$SSHD_HOSTKEY_FP" \
    127.0.0.1 exec true 2>"$TMPD/err" || rc=$?
[ $rc = 1 ]
assert_contains "$TMPD/err" "REMOTE HOST IDENTIFICATION HAS CHANGED"
assert_contains "$TMPD/err" "$SSHD_HOSTKEY_FP"
assert_not_contains "$TMPD/err" "hostkey: 127.0.0.1"

# Password auth (no keys in HOME, no agent); a wrong password fails.
out=$("$T" "${conn[@]}" --password-file "$SSHD_PASSWORD_FILE" \
        --known-hosts "$SSHD_KNOWN_HOSTS" 127.0.0.1 exec 'id -un' 2>"$TMPD/err")
[ "$out" = "$SSHD_USER" ]
assert_contains "$TMPD/err" "auth: password"
echo wrong-password > "$TMPD/badpw"
chmod 600 "$TMPD/badpw"
rc=0
"$T" "${conn[@]}" --password-file "$TMPD/badpw" --known-hosts "$SSHD_KNOWN_HOSTS" \
    127.0.0.1 exec true 2>"$TMPD/err" || rc=$?
[ $rc = 1 ]
assert_contains "$TMPD/err" "error: ssh-auth:"
# The password never shows up in the sshd's logs or ours.
assert_not_contains "$TMPD/err" "$SSHD_PASSWORD"

# Agent auth, with its own agent; agent state detection.
[ "$("$T" agent-state)" = none ]
eval "$(ssh-agent -a "$TMPD/agent.sock" -s)" >/dev/null
cleanup_fn kill "$SSH_AGENT_PID"
[ "$("$T" agent-state "$SSHD_KEY.pub")" = running ]
ssh-add "$SSHD_KEY" 2>/dev/null
[ "$("$T" agent-state "$SSHD_KEY.pub")" = loaded ]
out=$("$T" "${conn[@]}" --known-hosts "$SSHD_KNOWN_HOSTS" 127.0.0.1 exec 'id -un' 2>"$TMPD/err")
[ "$out" = "$SSHD_USER" ]
assert_contains "$TMPD/err" "auth: agent"
ssh-add -D 2>/dev/null
kill "$SSH_AGENT_PID"
unset SSH_AUTH_SOCK SSH_AGENT_PID

# Key setup: a new default key, installed with one password login, twice:
# exactly one line; then key login works with no password.
"$T" keygen "$HOME/.ssh/id_ed25519"
[ -f "$HOME/.ssh/id_ed25519.pub" ]
[ "$(stat -c %a "$HOME/.ssh")" = 700 ]
rm -f "$SSHD_HOME/.ssh/authorized_keys"
rmdir "$SSHD_HOME/.ssh"
out=$("$T" "${conn[@]}" --password-file "$SSHD_PASSWORD_FILE" \
        --known-hosts "$SSHD_KNOWN_HOSTS" 127.0.0.1 install-key "$HOME/.ssh/id_ed25519.pub" 2>"$TMPD/err")
[ "$out" = added ]
assert_contains "$TMPD/err" "auth: password"
out=$("$T" "${conn[@]}" --password-file "$SSHD_PASSWORD_FILE" \
        --known-hosts "$SSHD_KNOWN_HOSTS" 127.0.0.1 install-key "$HOME/.ssh/id_ed25519.pub" 2>"$TMPD/err")
[ "$out" = present ]
assert_contains "$TMPD/err" "auth: publickey $HOME/.ssh/id_ed25519"
key=$(cut -d' ' -f2 "$HOME/.ssh/id_ed25519.pub")
[ "$(grep -c -F "$key" "$SSHD_HOME/.ssh/authorized_keys")" = 1 ]
[ "$(stat -c %a "$SSHD_HOME/.ssh")" = 700 ]
[ "$(stat -c %a "$SSHD_HOME/.ssh/authorized_keys")" = 600 ]
"$T" "${conn[@]}" --known-hosts "$SSHD_KNOWN_HOSTS" 127.0.0.1 exec true 2>"$TMPD/err"
assert_contains "$TMPD/err" "auth: publickey $HOME/.ssh/id_ed25519"
# Refused to overwrite an existing key.
! "$T" keygen "$HOME/.ssh/id_ed25519" 2>/dev/null

# The whole key setup from a HOME with no key: creates ~/.ssh/id_ed25519,
# installs it with the password, proves the key alone logs in; again:
# nothing new.  A non-default key gets ?keyfile= in the URI.
export HOME=$TMPD/home2
mkdir -p "$HOME"
"$T" "${conn[@]}" --password-file "$SSHD_PASSWORD_FILE" --known-hosts "$SSHD_KNOWN_HOSTS" \
    127.0.0.1 setup-key '' > "$TMPD/setup1"
cat "$TMPD/setup1"
assert_contains "$TMPD/setup1" "key $HOME/.ssh/id_ed25519"
assert_contains "$TMPD/setup1" "created 1"
assert_contains "$TMPD/setup1" "installed 1"
# This HOME is not the passwd entry's home, where OpenSSH's ssh (run by
# libvirt) looks for keys: the key is not a default one for ssh, and
# the URI names it.
assert_contains "$TMPD/setup1" "default 0"
assert_contains "$TMPD/setup1" "agent none"
assert_contains "$TMPD/setup1" "uri xen+ssh://$SSHD_USER@127.0.0.1:$SSHD_PORT/?keyfile=$HOME/.ssh/id_ed25519"
"$T" "${conn[@]}" --password-file "$SSHD_PASSWORD_FILE" --known-hosts "$SSHD_KNOWN_HOSTS" \
    127.0.0.1 setup-key '' > "$TMPD/setup2"
assert_contains "$TMPD/setup2" "created 0"
assert_contains "$TMPD/setup2" "installed 0"
key=$(cut -d' ' -f2 "$HOME/.ssh/id_ed25519.pub")
[ "$(grep -c -F "$key" "$SSHD_HOME/.ssh/authorized_keys")" = 1 ]
ssh-keygen -q -t ed25519 -N '' -f "$TMPD/custom key"
"$T" "${conn[@]}" --password-file "$SSHD_PASSWORD_FILE" --known-hosts "$SSHD_KNOWN_HOSTS" \
    127.0.0.1 setup-key "$TMPD/custom key" > "$TMPD/setup3"
assert_contains "$TMPD/setup3" "default 0"
assert_contains "$TMPD/setup3" "installed 1"
assert_contains "$TMPD/setup3" "?keyfile=$(echo "$TMPD/custom key" | sed 's/ /%20/g')"
# A wrong password: the setup fails with an auth error, nothing installed.
before=$(wc -l < "$SSHD_HOME/.ssh/authorized_keys")
rm -f "$HOME/.ssh/id_ed25519" "$HOME/.ssh/id_ed25519.pub"
rc=0
"$T" "${conn[@]}" --password-file "$TMPD/badpw" --known-hosts "$SSHD_KNOWN_HOSTS" \
    127.0.0.1 setup-key '' > /dev/null 2>"$TMPD/err" || rc=$?
[ $rc = 1 ]
assert_contains "$TMPD/err" "error: ssh-auth:"
[ "$(wc -l < "$SSHD_HOME/.ssh/authorized_keys")" = "$before" ]
export HOME=$TMPD/home

# The legacy algorithm option is accepted by a modern server.
"$T" "${conn[@]}" --legacy --known-hosts "$SSHD_KNOWN_HOSTS" 127.0.0.1 exec true

# Hostile words reach the remote shell as exactly themselves.
rm -f /tmp/x2k-pwned
nl='
'
"$T" "${conn[@]}" --known-hosts "$SSHD_KNOWN_HOSTS" 127.0.0.1 words \
    "a'; touch /tmp/x2k-pwned; '" 'b"$(touch /tmp/x2k-pwned)"' \
    '`touch /tmp/x2k-pwned`' "with space" "new${nl}line" '--opt' '~' '' \
    '中文虚拟机' > "$TMPD/words"
printf '[%s]\n' "a'; touch /tmp/x2k-pwned; '" 'b"$(touch /tmp/x2k-pwned)"' \
    '`touch /tmp/x2k-pwned`' "with space" "new${nl}line" '--opt' '~' '' \
    '中文虚拟机' > "$TMPD/words.expected"
cmp "$TMPD/words" "$TMPD/words.expected"
[ ! -e /tmp/x2k-pwned ]

# Remote file names with spaces, quotes, newlines and shell syntax are
# probed as themselves (core/inventory over SSH), and nothing runs.
names=("with space.img" "q'uote\"d.img" "new${nl}line.img" '$(touch x2k-pwned).img'
       "a'; touch x2k-pwned; '.img" '`touch x2k-pwned`.img' '-dash.img')
paths=()
i=1
for n in "${names[@]}"; do
    truncate -s "${i}M" "$SSHD_HOME/$n"
    paths+=("$SSHD_HOME/$n")
    i=$((i + 1))
done
paths+=("$SSHD_HOME/does not exist")
chown -R "$SSHD_USER:" "$SSHD_HOME"
"$T" "${conn[@]}" --known-hosts "$SSHD_KNOWN_HOSTS" 127.0.0.1 probe "${paths[@]}" > "$TMPD/probe"
cat "$TMPD/probe"
cat > "$TMPD/probe.expected" <<PROBE
xvda 1 1 1048576 raw
xvdb 1 1 2097152 raw
xvdc 1 1 3145728 raw
xvdd 1 1 4194304 raw
xvde 1 1 5242880 raw
xvdf 1 1 6291456 raw
xvdg 1 1 7340032 raw
xvdh 0 0 0 -
PROBE
diff "$TMPD/probe.expected" "$TMPD/probe"
[ ! -e /tmp/x2k-pwned ] && [ ! -e "$SSHD_HOME/x2k-pwned" ]

# Timeouts and cancellation end a hanging remote command quickly.
start=$(date +%s)
rc=0
"$T" "${conn[@]}" --known-hosts "$SSHD_KNOWN_HOSTS" --timeout 1000 127.0.0.1 \
    exec 'sleep 20' 2>"$TMPD/err" || rc=$?
[ $rc = 1 ]
assert_contains "$TMPD/err" "error: timeout:"
rc=0
"$T" "${conn[@]}" --known-hosts "$SSHD_KNOWN_HOSTS" --cancel-after 300 127.0.0.1 \
    exec 'sleep 20' 2>"$TMPD/err" || rc=$?
[ $rc = 1 ]
assert_contains "$TMPD/err" "error: cancelled:"
[ $(($(date +%s) - start)) -lt 10 ]

# Streaming read of 256 MiB.
out=$("$T" "${conn[@]}" --known-hosts "$SSHD_KNOWN_HOSTS" 127.0.0.1 stream \
        'head -c 268435456 /dev/zero')
echo "$out"
case $out in "bytes 268435456 "*" status 0") ;; *) fail "stream: $out" ;; esac

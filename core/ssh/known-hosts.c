/* Host keys as OpenSSH keeps them: read known_hosts (hashed entries
 * too, @revoked lines honoured, other @ lines skipped), check the key
 * a server sent, print its fingerprint as ssh-keygen -lf does, append
 * an accepted key, and tell whether OpenSSH's own ssh would trust it.
 * Runs on the thread that owns the session, during x2k_ssh_connect or
 * after it.
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <unistd.h>

#include <libssh2.h>
#include <openssl/evp.h>

#include "base/fsutil.h"
#include "base/i18n.h"
#include "base/log.h"
#include "ssh/ssh-internal.h"

/* Base64 (standard alphabet). */
const char ssh_b64chars[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* P[0..N) in base64, with '=' padding if PAD.  Caller frees. */
static char *
b64_encode(const unsigned char *p, size_t n, bool pad)
{
    struct x2k_buf b = { 0 };
    size_t i;

    for (i = 0; i < n; i += 3) {
        unsigned v = p[i] << 16;
        char q[4];
        size_t k = n - i >= 3 ? 3 : n - i;

        if (k > 1)
            v |= p[i + 1] << 8;
        if (k > 2)
            v |= p[i + 2];
        q[0] = ssh_b64chars[(v >> 18) & 63];
        q[1] = ssh_b64chars[(v >> 12) & 63];
        q[2] = k > 1 ? ssh_b64chars[(v >> 6) & 63] : '=';
        q[3] = k > 2 ? ssh_b64chars[v & 63] : '=';
        x2k_buf_append(&b, q, pad ? 4 : k + 1);
    }
    return x2k_buf_steal(&b);
}

/* Decode base64 S (stops at the first non-alphabet byte).  Caller
 * frees *OUT. */
void
ssh_b64_decode(const char *s, unsigned char **out, size_t *outlen)
{
    size_t n = strlen(s), j = 0;
    unsigned char *r = x2k_xmalloc(n * 3 / 4 + 3);
    unsigned v = 0;
    int bits = 0;

    for (; *s; s++) {
        const char *c = strchr(ssh_b64chars, *s);
        if (!c || !*s)
            break;
        v = (v << 6) | (unsigned)(c - ssh_b64chars);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            r[j++] = (unsigned char)(v >> bits);
        }
    }
    *out = r;
    *outlen = j;
}

/* The key type named inside a public key blob ("ssh-ed25519"). */
static char *
blob_keytype(const unsigned char *blob, size_t len)
{
    uint32_t n;

    if (len < 4)
        return x2k_xstrdup("unknown");
    n = (uint32_t)blob[0] << 24 | blob[1] << 16 | blob[2] << 8 | blob[3];
    if (n > len - 4 || n == 0 || n > 64)
        return x2k_xstrdup("unknown");
    return x2k_xstrndup((const char *)blob + 4, n);
}

/* The libssh2 known_hosts key bit for a libssh2 host key type. */
static int
knownhost_keybit(int hostkey_type)
{
    switch (hostkey_type) {
    case LIBSSH2_HOSTKEY_TYPE_RSA:
        return LIBSSH2_KNOWNHOST_KEY_SSHRSA;
    case LIBSSH2_HOSTKEY_TYPE_DSS:
        return LIBSSH2_KNOWNHOST_KEY_SSHDSS;
#ifdef LIBSSH2_HOSTKEY_TYPE_ECDSA_256
    case LIBSSH2_HOSTKEY_TYPE_ECDSA_256:
        return LIBSSH2_KNOWNHOST_KEY_ECDSA_256;
    case LIBSSH2_HOSTKEY_TYPE_ECDSA_384:
        return LIBSSH2_KNOWNHOST_KEY_ECDSA_384;
    case LIBSSH2_HOSTKEY_TYPE_ECDSA_521:
        return LIBSSH2_KNOWNHOST_KEY_ECDSA_521;
#endif
#ifdef LIBSSH2_HOSTKEY_TYPE_ED25519
    case LIBSSH2_HOSTKEY_TYPE_ED25519:
        return LIBSSH2_KNOWNHOST_KEY_ED25519;
#endif
    default:
        return LIBSSH2_KNOWNHOST_KEY_UNKNOWN;
    }
}

/* Load PATH into HOSTS line by line, skipping lines libssh2 does not
 * understand (its readfile stops at the first one).  Returns true if
 * an "@revoked" line lists the key whose base64 is KEY_B64. */
static bool
knownhosts_load(LIBSSH2_KNOWNHOSTS *hosts, const char *path,
                const char *key_b64)
{
    FILE *f = fopen(path, "re");
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    bool revoked = false;

    if (!f)
        return false;
    while ((n = getline(&line, &cap, f)) > 0) {
        if (strncmp(line, "@revoked", 8) == 0) {
            char *save = NULL, *w;
            int field = 0;
            for (w = strtok_r(line, " \t\r\n", &save); w;
                 w = strtok_r(NULL, " \t\r\n", &save), field++) {
                if (field == 3 && strcmp(w, key_b64) == 0)
                    revoked = true;
            }
            continue;
        }
        if (line[0] == '@')
            continue;               /* @cert-authority: not supported */
        if (libssh2_knownhost_readline(hosts, line, n,
                                       LIBSSH2_KNOWNHOST_FILE_OPENSSH) != 0)
            x2k_log(X2K_LOG_DEBUG, "known_hosts %s: skipped a line", path);
    }
    free(line);
    fclose(f);
    return revoked;
}

/* Append the host key of S to PATH in OpenSSH format. */
static int
knownhosts_append(struct x2k_ssh *s, const char *path, const char *key,
                  size_t keylen, int typemask, struct x2k_error *err)
{
    LIBSSH2_KNOWNHOSTS *hosts = libssh2_knownhost_init(s->session);
    struct libssh2_knownhost *store = NULL;
    X2K_AUTOFREE char *name = NULL;
    char line[16384];
    size_t len = 0;
    int fd, rc = -1;

    if (!hosts) {
        x2k_error_set(err, X2K_ERR_INTERNAL, _("Out of SSH resources."));
        return -1;
    }
    name = s->port == 22 ? x2k_xstrdup(s->host)
                         : x2k_strdup_printf("[%s]:%d", s->host, s->port);
    if (libssh2_knownhost_addc(hosts, name, NULL, key, keylen, NULL, 0,
                               typemask, &store) != 0 ||
        libssh2_knownhost_writeline(hosts, store, line, sizeof(line) - 1,
                                    &len, LIBSSH2_KNOWNHOST_FILE_OPENSSH)
        != 0) {
        x2k_error_set(err, X2K_ERR_SSH_HOSTKEY,
                      _("Could not record the host key of %1$s."), s->host);
        ssh_detail(err, s->session);
        goto out;
    }
    if (len == 0 || line[len - 1] != '\n')
        line[len++] = '\n';

    if (x2k_mkdir_parents(path, 0700, err) < 0)
        goto out;
    fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0 || write(fd, line, len) != (ssize_t)len) {
        x2k_error_set_errno(err, X2K_ERR_IO, errno,
                            _("Could not write the host key to %1$s."), path);
        if (fd >= 0)
            close(fd);
        goto out;
    }
    close(fd);
    x2k_log(X2K_LOG_INFO, "added the host key of %s to %s", name, path);
    rc = 0;
out:
    libssh2_knownhost_free(hosts);
    return rc;
}

/* The name OpenSSH looks S's host up by in known_hosts: "HOST" on port
 * 22, else "[HOST]:PORT" (then only that form counts).  Caller frees. */
char *
ssh_known_name(const struct x2k_ssh *s)
{
    return s->port == 22 ? x2k_xstrdup(s->host)
                         : x2k_strdup_printf("[%s]:%d", s->host, s->port);
}

/* The key file S's host key is checked against (O's, or the user's). */
char *
ssh_known_hosts_path(const struct x2k_ssh_opts *o)
{
    return o->known_hosts ? x2k_xstrdup(o->known_hosts)
                          : ssh_home_path(".ssh/known_hosts");
}

/* The libssh2 host key type of an OpenSSH key type name, or 0. */
int
ssh_keytype_from_name(const char *name)
{
    static const struct { const char *name; int type; } types[] = {
        { "ssh-rsa", LIBSSH2_HOSTKEY_TYPE_RSA },
        { "ssh-dss", LIBSSH2_HOSTKEY_TYPE_DSS },
#ifdef LIBSSH2_HOSTKEY_TYPE_ECDSA_256
        { "ecdsa-sha2-nistp256", LIBSSH2_HOSTKEY_TYPE_ECDSA_256 },
        { "ecdsa-sha2-nistp384", LIBSSH2_HOSTKEY_TYPE_ECDSA_384 },
        { "ecdsa-sha2-nistp521", LIBSSH2_HOSTKEY_TYPE_ECDSA_521 },
#endif
#ifdef LIBSSH2_HOSTKEY_TYPE_ED25519
        { "ssh-ed25519", LIBSSH2_HOSTKEY_TYPE_ED25519 },
#endif
    };
    size_t i;

    for (i = 0; i < X2K_N_ELEMENTS(types); i++) {
        if (strcmp(name, types[i].name) == 0)
            return types[i].type;
    }
    return 0;
}

/* How HOSTS holds NAME's keys of TYPE (a libssh2 host key type): MATCH
 * (KEY is one), MISMATCH (only others) or NOTFOUND.  TYPE 0: any. */
static int
known_check(LIBSSH2_KNOWNHOSTS *hosts, const char *name,
            const unsigned char *key, size_t keylen, int type)
{
    struct libssh2_knownhost *found = NULL;

    /* Port -1: NAME is looked up as given, as OpenSSH does; libssh2
     * would otherwise also accept the plain host's entries for
     * "[host]:port". */
    return libssh2_knownhost_checkp(hosts, name, -1, (const char *)key,
                                    keylen,
                                    LIBSSH2_KNOWNHOST_TYPE_PLAIN |
                                        LIBSSH2_KNOWNHOST_KEYENC_RAW |
                                        (type ? knownhost_keybit(type) : 0),
                                    &found);
}

/* The host key algorithms to offer S's server, the ones known_hosts
 * already holds a key of for it first (OpenSSH does the same, so that a
 * server with several keys shows the one recorded).  Caller frees. */
char *
ssh_hostkey_prefs(struct x2k_ssh *s, const struct x2k_ssh_opts *o,
                  const char *const *algs, size_t n)
{
    static const unsigned char probe[] = "not-a-key";
    LIBSSH2_KNOWNHOSTS *hosts = libssh2_knownhost_init(s->session);
    X2K_AUTOFREE char *path = ssh_known_hosts_path(o);
    X2K_AUTOFREE char *name = ssh_known_name(s);
    struct x2k_buf known = { 0 }, other = { 0 };
    size_t i;

    if (hosts)
        knownhosts_load(hosts, path, "");
    for (i = 0; i < n; i++) {
        int type = ssh_keytype_from_name(algs[i]);
        bool has = hosts && type &&
                   known_check(hosts, name, probe, sizeof probe - 1, type) ==
                       LIBSSH2_KNOWNHOST_CHECK_MISMATCH;
        struct x2k_buf *b = has ? &known : &other;

        x2k_buf_printf(b, "%s%s", b->len ? "," : "", algs[i]);
    }
    if (hosts)
        libssh2_knownhost_free(hosts);
    if (!known.len)
        return x2k_buf_steal(&other);
    if (other.len)
        x2k_buf_printf(&known, ",%s", other.data);
    x2k_buf_clear(&other);
    return x2k_buf_steal(&known);
}

/* The SHA256 fingerprint of a key blob, as ssh-keygen -lf prints it. */
static char *
fingerprint(const unsigned char *key, size_t keylen)
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int mdlen = 0;
    X2K_AUTOFREE char *b64 = NULL;

    if (EVP_Digest(key, keylen, md, &mdlen, EVP_sha256(), NULL) != 1)
        return x2k_xstrdup("SHA256:?");
    b64 = b64_encode(md, mdlen, false);
    return x2k_strdup_printf("SHA256:%s", b64);
}

/* Check S's host key (s->hostkey) against known_hosts, as OpenSSH
 * decides. */
int
ssh_check_hostkey(struct x2k_ssh *s, const struct x2k_ssh_opts *o,
                  struct x2k_error *err)
{
    const unsigned char *key = s->hostkey;
    size_t keylen = s->hostkey_len;
    int type = s->hostkey_type, typemask, check;
    X2K_AUTOFREE char *fp = NULL;
    X2K_AUTOFREE char *keytype = NULL;
    X2K_AUTOFREE char *path = NULL;
    X2K_AUTOFREE char *keyb64 = NULL;
    X2K_AUTOFREE char *name = NULL;
    LIBSSH2_KNOWNHOSTS *hosts;

    if (!key || keylen == 0) {
        x2k_error_set(err, X2K_ERR_SSH_HOSTKEY,
                      _("The SSH server %1$s sent no usable host key."),
                      s->host);
        return -1;
    }
    fp = fingerprint(key, keylen);
    keytype = blob_keytype(key, keylen);
    path = ssh_known_hosts_path(o);
    name = ssh_known_name(s);
    x2k_str_replace(&s->known_hosts, path);

    hosts = libssh2_knownhost_init(s->session);
    if (!hosts) {
        x2k_error_set(err, X2K_ERR_INTERNAL, _("Out of SSH resources."));
        return -1;
    }
    keyb64 = b64_encode(key, keylen, true);
    if (knownhosts_load(hosts, path, keyb64)) {
        libssh2_knownhost_free(hosts);
        x2k_error_set(err, X2K_ERR_SSH_HOSTKEY,
                      _("The %1$s host key %2$s of %3$s is marked as revoked "
                        "in %4$s. Connection refused."),
                      keytype, fp, s->host, path);
        return -1;
    }
    typemask = LIBSSH2_KNOWNHOST_TYPE_PLAIN | LIBSSH2_KNOWNHOST_KEYENC_RAW |
               knownhost_keybit(type);
    check = known_check(hosts, name, key, keylen, type);
    /* A key of another type recorded for the host: it has changed too. */
    if (check == LIBSSH2_KNOWNHOST_CHECK_NOTFOUND &&
        known_check(hosts, name, key, keylen, 0) ==
            LIBSSH2_KNOWNHOST_CHECK_MISMATCH) {
        libssh2_knownhost_free(hosts);
        x2k_log(X2K_LOG_DEBUG, "host key %s %s of %s: only keys of another "
                "type are known", keytype, fp, name);
        /* TRANSLATORS: %1$s host, %2$d port, %3$s key type, %4$s
         * fingerprint, %5$s known_hosts file, %6$s the name in it. */
        x2k_error_set(err, X2K_ERR_SSH_HOSTKEY,
                      _("WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED! "
                        "%1$s port %2$d sent a %3$s host key (%4$s), but %5$s "
                        "records a key of another type for it: the host key "
                        "has changed, or someone could be eavesdropping on "
                        "you (man-in-the-middle attack). Connection refused: "
                        "verify the new key with the host's administrator, "
                        "then remove the old entry with "
                        "ssh-keygen -R '%6$s' -f %5$s before trying again."),
                      s->host, s->port, keytype, fp, path, name);
        return -1;
    }
    libssh2_knownhost_free(hosts);
    x2k_log(X2K_LOG_DEBUG, "host key %s %s of %s: check %d", keytype, fp,
            name, check);

    switch (check) {
    case LIBSSH2_KNOWNHOST_CHECK_MATCH:
        return 0;
    case LIBSSH2_KNOWNHOST_CHECK_MISMATCH:
        /* TRANSLATORS: modelled on OpenSSH's warning; %1$s host, %2$d port,
         * %3$s key type, %4$s fingerprint, %5$s known_hosts file, %6$s the
         * name in it. */
        x2k_error_set(err, X2K_ERR_SSH_HOSTKEY,
                      _("WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED! "
                        "IT IS POSSIBLE THAT SOMEONE IS DOING SOMETHING "
                        "NASTY! Someone could be eavesdropping on you right "
                        "now (man-in-the-middle attack), or the host key of "
                        "%1$s port %2$d has just been changed. The %3$s key "
                        "sent by the remote host is %4$s. It differs from "
                        "the key recorded in %5$s. Connection refused: "
                        "verify the new key with the host's administrator, "
                        "then remove the old entry with "
                        "ssh-keygen -R '%6$s' -f %5$s before trying again."),
                      s->host, s->port, keytype, fp, path, name);
        return -1;
    case LIBSSH2_KNOWNHOST_CHECK_NOTFOUND:
        break;
    default:
        x2k_error_set(err, X2K_ERR_SSH_HOSTKEY,
                      _("Could not check the host key of %1$s against %2$s."),
                      s->host, path);
        ssh_detail(err, s->session);
        return -1;
    }

    /* Unknown key. */
    if (o->accept_fingerprint) {
        if (strcmp(o->accept_fingerprint, fp) != 0) {
            x2k_error_set(err, X2K_ERR_SSH_HOSTKEY,
                          _("The host key of %1$s is %2$s, not the "
                            "fingerprint %3$s given to accept."),
                          s->host, fp, o->accept_fingerprint);
            return -1;
        }
    } else if (!o->hostkey_cb ||
               !o->hostkey_cb(s->host, s->port, keytype, fp,
                              o->hostkey_opaque)) {
        x2k_error_set(err, X2K_ERR_SSH_HOSTKEY,
                      _("The authenticity of host %1$s port %2$d can't be "
                        "established: its %3$s key fingerprint is %4$s and "
                        "it is not in %5$s. Check the fingerprint with the "
                        "host's administrator, then accept it (option "
                        "--accept-host-key)."),
                      s->host, s->port, keytype, fp, path);
        return -1;
    }
    return knownhosts_append(s, path, (const char *)key, keylen, typemask,
                             err);
}

/* Whether OpenSSH's ssh would trust S's host key. */
bool
x2k_ssh_openssh_knows_host(struct x2k_ssh *s, char **user_file)
{
    struct passwd pwbuf, *pw = NULL;
    char buf[4096];
    char *files[2] = { NULL, NULL };
    const char *key;
    size_t keylen = 0, i;
    int type = 0;
    bool known = false;
    X2K_AUTOFREE char *keyb64 = NULL;
    X2K_AUTOFREE char *name = ssh_known_name(s);

    if (user_file)
        *user_file = NULL;
    if (getpwuid_r(getuid(), &pwbuf, buf, sizeof(buf), &pw) == 0 && pw &&
        pw->pw_dir && *pw->pw_dir)
        files[0] = x2k_strdup_printf("%s/.ssh/known_hosts", pw->pw_dir);
    files[1] = x2k_xstrdup("/etc/ssh/ssh_known_hosts");
    key = (const char *)s->hostkey;
    keylen = s->hostkey_len;
    type = s->hostkey_type;
    if (key)
        keyb64 = b64_encode((const unsigned char *)key, keylen, true);
    for (i = 0; key && i < X2K_N_ELEMENTS(files) && !known; i++) {
        LIBSSH2_KNOWNHOSTS *hosts;

        if (!files[i] || !(hosts = libssh2_knownhost_init(s->session)))
            continue;
        if (!knownhosts_load(hosts, files[i], keyb64))
            known = known_check(hosts, name, (const unsigned char *)key,
                                keylen, type) ==
                    LIBSSH2_KNOWNHOST_CHECK_MATCH;
        libssh2_knownhost_free(hosts);
    }
    if (user_file)
        *user_file = files[0];
    else
        free(files[0]);
    free(files[1]);
    return known;
}

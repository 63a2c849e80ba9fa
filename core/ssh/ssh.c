/* SSH sessions with libssh2: TCP connect, handshake, host-key check
 * against OpenSSH known_hosts, authentication, exec channels, key
 * setup.  The handshake and authentication run in libssh2's blocking
 * mode bounded by the session timeout; channels run non-blocking and
 * wait with poll() in slices of at most 200 ms so that timeouts and
 * cancellation are honoured.  A session is used by one thread at a
 * time (the caller's).
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <netdb.h>
#include <poll.h>
#include <pthread.h>
#include <pwd.h>
#include <spawn.h>
#include <stdio.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <libssh2.h>

#include "base/fsutil.h"
#include "base/i18n.h"
#include "base/log.h"
#include "base/shquote.h"
#include "plan/uri.h"
#include "ssh/ssh.h"

extern char **environ;

#define SSH_WINDOW (16u * 1024 * 1024)
#define SSH_PACKET 32768
#define SSH_SLICE_MS 200
#define SSH_STDERR_MAX (1024 * 1024)

struct x2k_ssh {
    int sock;
    LIBSSH2_SESSION *session;
    struct x2k_reporter *reporter;
    char *host;
    int port;
    char *user;
    const char *auth_method;
    char *auth_keyfile;
    const char *kbd_password;       /* borrowed during auth only */
    bool wipe_frees;                /* zero what libssh2 frees (auth) */
};

struct x2k_ssh_chan {
    struct x2k_ssh *s;
    LIBSSH2_CHANNEL *ch;
    struct x2k_buf errbuf;
    bool eof;
};

/* libssh2 allocators: while authenticating, every buffer libssh2 frees
 * (password packets, keyboard-interactive answers) is zeroed first. */
static void *
ssh_alloc(size_t n, void **abstract)
{
    (void)abstract;
    return malloc(n);
}

static void *
ssh_realloc(void *p, size_t n, void **abstract)
{
    (void)abstract;
    return realloc(p, n);
}

static void
ssh_dealloc(void *p, void **abstract)
{
    struct x2k_ssh *s = abstract ? *abstract : NULL;

    if (p && s && s->wipe_frees)
        x2k_secure_zero(p, malloc_usable_size(p));
    free(p);
}

static pthread_once_t ssh_once = PTHREAD_ONCE_INIT;
static int ssh_init_rc;

static void
ssh_global_init(void)
{
    ssh_init_rc = libssh2_init(0);
}

/* libssh2's last error text, for error details. */
static void
ssh_detail(struct x2k_error *err, LIBSSH2_SESSION *session)
{
    char *msg = NULL;

    if (!session)
        return;
    libssh2_session_last_error(session, &msg, NULL, 0);
    if (msg && *msg)
        x2k_error_set_detail(err, msg);
}

static bool
ssh_cancelled(struct x2k_reporter *r)
{
    return r && x2k_reporter_is_cancelled(r);
}

/* Remaining milliseconds until DEADLINE (0 = none), capped to a slice. */
static int
ssh_slice(double deadline)
{
    double left;

    if (deadline <= 0)
        return SSH_SLICE_MS;
    left = (deadline - x2k_now()) * 1000.0;
    if (left <= 0)
        return 0;
    return left < SSH_SLICE_MS ? (int)left + 1 : SSH_SLICE_MS;
}

static double
ssh_deadline(int timeout_ms)
{
    return timeout_ms > 0 ? x2k_now() + timeout_ms / 1000.0 : 0;
}

/* Wait until the socket is ready in the direction libssh2 needs.
 * 0, or -1 with ERR set on timeout or cancellation. */
static int
ssh_wait(struct x2k_ssh *s, double deadline, struct x2k_error *err)
{
    struct pollfd p = { .fd = s->sock, .events = 0 };
    int dir = libssh2_session_block_directions(s->session);
    int ms;

    if (ssh_cancelled(s->reporter)) {
        x2k_error_set(err, X2K_ERR_CANCELLED, _("Cancelled."));
        return -1;
    }
    if (deadline > 0 && x2k_now() >= deadline) {
        x2k_error_set(err, X2K_ERR_TIMEOUT,
                      _("An SSH operation on %1$s timed out."), s->host);
        return -1;
    }
    if (dir & LIBSSH2_SESSION_BLOCK_INBOUND)
        p.events |= POLLIN;
    if (dir & LIBSSH2_SESSION_BLOCK_OUTBOUND)
        p.events |= POLLOUT;
    if (!p.events)
        p.events = POLLIN;
    ms = ssh_slice(deadline);
    if (poll(&p, 1, ms) < 0 && errno != EINTR) {
        x2k_error_set_errno(err, X2K_ERR_SSH, errno,
                            _("Waiting for the SSH server %1$s failed."),
                            s->host);
        return -1;
    }
    return 0;
}

/* Base64 (standard alphabet). */
static const char b64chars[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

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
        q[0] = b64chars[(v >> 18) & 63];
        q[1] = b64chars[(v >> 12) & 63];
        q[2] = k > 1 ? b64chars[(v >> 6) & 63] : '=';
        q[3] = k > 2 ? b64chars[v & 63] : '=';
        x2k_buf_append(&b, q, pad ? 4 : k + 1);
    }
    return x2k_buf_steal(&b);
}

/* Decode base64 S (stops at the first non-alphabet byte).  Caller
 * frees *OUT. */
static void
b64_decode(const char *s, unsigned char **out, size_t *outlen)
{
    size_t n = strlen(s), j = 0;
    unsigned char *r = x2k_xmalloc(n * 3 / 4 + 3);
    unsigned v = 0;
    int bits = 0;

    for (; *s; s++) {
        const char *c = strchr(b64chars, *s);
        if (!c || !*s)
            break;
        v = (v << 6) | (unsigned)(c - b64chars);
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

static char *
home_path(const char *rel)
{
    const char *home = getenv("HOME");

    if (!home || !*home) {
        struct passwd *pw = getpwuid(getuid());
        home = pw ? pw->pw_dir : "/";
    }
    return x2k_strdup_printf("%s/%s", home, rel);
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

/* Check the server's host key against known_hosts. */
static int
ssh_check_hostkey(struct x2k_ssh *s, const struct x2k_ssh_opts *o,
                  struct x2k_error *err)
{
    const char *key;
    size_t keylen = 0;
    int type = 0, typemask, check;
    const unsigned char *hash;
    X2K_AUTOFREE char *fp = NULL;
    X2K_AUTOFREE char *b64 = NULL;
    X2K_AUTOFREE char *keytype = NULL;
    X2K_AUTOFREE char *path = NULL;
    X2K_AUTOFREE char *keyb64 = NULL;
    LIBSSH2_KNOWNHOSTS *hosts;
    struct libssh2_knownhost *found = NULL;

    key = libssh2_session_hostkey(s->session, &keylen, &type);
    hash = (const unsigned char *)
        libssh2_hostkey_hash(s->session, LIBSSH2_HOSTKEY_HASH_SHA256);
    if (!key || !hash) {
        x2k_error_set(err, X2K_ERR_SSH_HOSTKEY,
                      _("The SSH server %1$s sent no usable host key."),
                      s->host);
        return -1;
    }
    b64 = b64_encode(hash, 32, false);
    fp = x2k_strdup_printf("SHA256:%s", b64);
    keytype = blob_keytype((const unsigned char *)key, keylen);
    path = o->known_hosts ? x2k_xstrdup(o->known_hosts)
                          : home_path(".ssh/known_hosts");

    hosts = libssh2_knownhost_init(s->session);
    if (!hosts) {
        x2k_error_set(err, X2K_ERR_INTERNAL, _("Out of SSH resources."));
        return -1;
    }
    keyb64 = b64_encode((const unsigned char *)key, keylen, true);
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
    check = libssh2_knownhost_checkp(hosts, s->host, s->port, key, keylen,
                                     typemask, &found);
    libssh2_knownhost_free(hosts);
    x2k_log(X2K_LOG_DEBUG, "host key %s %s of %s:%d: check %d", keytype, fp,
            s->host, s->port, check);

    switch (check) {
    case LIBSSH2_KNOWNHOST_CHECK_MATCH:
        return 0;
    case LIBSSH2_KNOWNHOST_CHECK_MISMATCH:
        /* TRANSLATORS: modelled on OpenSSH's warning; %1$s host, %2$d port,
         * %3$s key type, %4$s fingerprint, %5$s known_hosts file. */
        x2k_error_set(err, X2K_ERR_SSH_HOSTKEY,
                      _("WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED! "
                        "IT IS POSSIBLE THAT SOMEONE IS DOING SOMETHING "
                        "NASTY! Someone could be eavesdropping on you right "
                        "now (man-in-the-middle attack), or the host key of "
                        "%1$s port %2$d has just been changed. The %3$s key "
                        "sent by the remote host is %4$s. It differs from "
                        "the key recorded in %5$s. Connection refused: "
                        "verify the new key with the host's administrator, "
                        "then remove the old entry (ssh-keygen -R) before "
                        "trying again."),
                      s->host, s->port, keytype, fp, path);
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
    return knownhosts_append(s, path, key, keylen, typemask, err);
}

static bool
list_has(const char *list, const char *method)
{
    size_t n = strlen(method);
    const char *p = list;

    while (p && *p) {
        if (strncmp(p, method, n) == 0 && (p[n] == ',' || p[n] == '\0'))
            return true;
        p = strchr(p, ',');
        if (p)
            p++;
    }
    return false;
}

/* Errors after which trying another method is pointless. */
static bool
ssh_fatal(int rc)
{
    return rc == LIBSSH2_ERROR_TIMEOUT || rc == LIBSSH2_ERROR_SOCKET_SEND ||
           rc == LIBSSH2_ERROR_SOCKET_RECV ||
           rc == LIBSSH2_ERROR_SOCKET_DISCONNECT ||
           rc == LIBSSH2_ERROR_SOCKET_TIMEOUT;
}

static int
ssh_auth_agent(struct x2k_ssh *s, bool *fatal)
{
    LIBSSH2_AGENT *agent;
    struct libssh2_agent_publickey *id = NULL, *prev = NULL;
    int rc = -1, r;

    if (!getenv("SSH_AUTH_SOCK"))
        return -1;
    agent = libssh2_agent_init(s->session);
    if (!agent)
        return -1;
    if (libssh2_agent_connect(agent) != 0 ||
        libssh2_agent_list_identities(agent) != 0)
        goto out;
    while (libssh2_agent_get_identity(agent, &id, prev) == 0) {
        r = libssh2_agent_userauth(agent, s->user, id);
        if (r == 0) {
            x2k_log(X2K_LOG_DEBUG, "ssh: agent key %s accepted",
                    id->comment ? id->comment : "");
            rc = 0;
            break;
        }
        if (ssh_fatal(r)) {
            *fatal = true;
            break;
        }
        prev = id;
    }
out:
    libssh2_agent_disconnect(agent);
    libssh2_agent_free(agent);
    return rc;
}

static int
ssh_auth_keyfile(struct x2k_ssh *s, const char *priv, bool *fatal)
{
    X2K_AUTOFREE char *pub = x2k_strdup_printf("%s.pub", priv);
    int r;

    if (access(priv, R_OK) != 0)
        return -1;
    r = libssh2_userauth_publickey_fromfile_ex(
        s->session, s->user, strlen(s->user),
        access(pub, R_OK) == 0 ? pub : NULL, priv, NULL);
    x2k_log(X2K_LOG_DEBUG, "ssh: key %s: %d", priv, r);
    if (r == 0)
        return 0;
    if (ssh_fatal(r))
        *fatal = true;
    return -1;
}

static void
kbd_callback(const char *name, int name_len, const char *instruction,
             int instruction_len, int num_prompts,
             const LIBSSH2_USERAUTH_KBDINT_PROMPT *prompts,
             LIBSSH2_USERAUTH_KBDINT_RESPONSE *responses, void **abstract)
{
    struct x2k_ssh *s = *abstract;
    int i;

    (void)name;
    (void)name_len;
    (void)instruction;
    (void)instruction_len;
    (void)prompts;
    for (i = 0; i < num_prompts; i++) {
        /* libssh2 frees the text with its allocator (plain free). */
        responses[i].text = strdup(s->kbd_password ? s->kbd_password : "");
        responses[i].length = responses[i].text
            ? (unsigned int)strlen(responses[i].text) : 0;
    }
}

static const char *const default_keys[] = {
    ".ssh/id_ed25519",
    ".ssh/id_ecdsa",
    ".ssh/id_rsa",
};

static int
ssh_authenticate(struct x2k_ssh *s, const struct x2k_ssh_opts *o,
                 struct x2k_error *err)
{
    const char *list;
    X2K_AUTOFREE char *methods = NULL;
    struct x2k_buf tried = { 0 };
    bool fatal = false;
    size_t i;

    list = libssh2_userauth_list(s->session, s->user, strlen(s->user));
    if (!list) {
        if (libssh2_userauth_authenticated(s->session)) {
            s->auth_method = "none";
            return 0;
        }
        x2k_error_set(err, X2K_ERR_SSH_AUTH,
                      _("The SSH server %1$s did not offer any way to log "
                        "in as %2$s."), s->host, s->user);
        ssh_detail(err, s->session);
        return -1;
    }
    methods = x2k_xstrdup(list);
    x2k_log(X2K_LOG_DEBUG, "ssh: server offers %s", methods);

    if (list_has(methods, "publickey")) {
        if (getenv("SSH_AUTH_SOCK") && !o->no_agent) {
            x2k_buf_puts(&tried, "agent");
            if (ssh_auth_agent(s, &fatal) == 0) {
                s->auth_method = "agent";
                goto ok;
            }
        }
        if (o->identity && !fatal) {
            x2k_buf_printf(&tried, "%s%s", tried.len ? ", " : "",
                           o->identity);
            if (access(o->identity, R_OK) != 0) {
                x2k_error_set_errno(err, X2K_ERR_SSH_AUTH, errno,
                                    _("Cannot read the identity file %1$s."),
                                    o->identity);
                goto fail;
            }
            if (ssh_auth_keyfile(s, o->identity, &fatal) == 0) {
                s->auth_method = "publickey";
                s->auth_keyfile = x2k_xstrdup(o->identity);
                goto ok;
            }
        } else {
            for (i = 0; i < X2K_N_ELEMENTS(default_keys) && !fatal; i++) {
                X2K_AUTOFREE char *k = home_path(default_keys[i]);
                if (access(k, R_OK) != 0)
                    continue;
                x2k_buf_printf(&tried, "%s%s", tried.len ? ", " : "", k);
                if (ssh_auth_keyfile(s, k, &fatal) == 0) {
                    s->auth_method = "publickey";
                    s->auth_keyfile = x2k_steal(&k);
                    goto ok;
                }
            }
        }
    }
    if (!fatal && o->password && list_has(methods, "password")) {
        int r;
        x2k_buf_printf(&tried, "%s%s", tried.len ? ", " : "", "password");
        r = libssh2_userauth_password_ex(s->session, s->user,
                                         strlen(s->user), o->password,
                                         strlen(o->password), NULL);
        if (r == 0) {
            s->auth_method = "password";
            goto ok;
        }
        fatal = ssh_fatal(r);
    }
    if (!fatal && o->password && list_has(methods, "keyboard-interactive")) {
        int r;
        x2k_buf_printf(&tried, "%s%s", tried.len ? ", " : "",
                       "keyboard-interactive");
        s->kbd_password = o->password;
        r = libssh2_userauth_keyboard_interactive_ex(
            s->session, s->user, strlen(s->user), kbd_callback);
        s->kbd_password = NULL;
        if (r == 0) {
            s->auth_method = "keyboard-interactive";
            goto ok;
        }
        fatal = ssh_fatal(r);
    }
    if (fatal) {
        x2k_error_set(err, X2K_ERR_SSH_CONNECT,
                      _("The connection to %1$s broke during login."),
                      s->host);
        ssh_detail(err, s->session);
        goto fail;
    }
    x2k_error_set(err, X2K_ERR_SSH_AUTH,
                  _("Could not log in to %1$s as %2$s (tried: %3$s; the "
                    "server accepts: %4$s)."),
                  s->host, s->user, tried.len ? tried.data : "-", methods);
fail:
    x2k_buf_clear(&tried);
    return -1;
ok:
    x2k_log(X2K_LOG_INFO, "ssh: logged in to %s as %s (%s)", s->host,
            s->user, s->auth_method);
    x2k_buf_clear(&tried);
    return 0;
}

static int
tcp_connect(struct x2k_ssh *s, double deadline, struct x2k_error *err)
{
    struct addrinfo hints = { 0 }, *res = NULL, *ai;
    char portstr[16];
    int r, saved = 0;

    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    snprintf(portstr, sizeof(portstr), "%d", s->port);
    r = getaddrinfo(s->host, portstr, &hints, &res);
    if (r != 0) {
        x2k_error_set(err, X2K_ERR_SSH_CONNECT,
                      _("Cannot resolve the host name %1$s."), s->host);
        x2k_error_set_detail(err, gai_strerror(r));
        return -1;
    }
    for (ai = res; ai; ai = ai->ai_next) {
        int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC |
                        SOCK_NONBLOCK, ai->ai_protocol);
        if (fd < 0) {
            saved = errno;
            continue;
        }
        if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0 ||
            errno == EINPROGRESS) {
            for (;;) {
                struct pollfd p = { .fd = fd, .events = POLLOUT };
                int ms = ssh_slice(deadline);
                socklen_t sl = sizeof(saved);

                if (ssh_cancelled(s->reporter)) {
                    close(fd);
                    freeaddrinfo(res);
                    x2k_error_set(err, X2K_ERR_CANCELLED, _("Cancelled."));
                    return -1;
                }
                if (ms == 0) {
                    saved = ETIMEDOUT;
                    break;
                }
                r = poll(&p, 1, ms);
                if (r < 0 && errno != EINTR) {
                    saved = errno;
                    break;
                }
                if (r > 0) {
                    saved = 0;
                    getsockopt(fd, SOL_SOCKET, SO_ERROR, &saved, &sl);
                    break;
                }
            }
            if (saved == 0) {
                fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
                s->sock = fd;
                freeaddrinfo(res);
                return 0;
            }
        } else {
            saved = errno;
        }
        close(fd);
    }
    freeaddrinfo(res);
    x2k_error_set_errno(err, saved == ETIMEDOUT ? X2K_ERR_TIMEOUT
                                                : X2K_ERR_SSH_CONNECT,
                        saved, _("Cannot connect to %1$s port %2$d."),
                        s->host, s->port);
    return -1;
}

static const char modern_kex[] =
    "curve25519-sha256,curve25519-sha256@libssh.org,ecdh-sha2-nistp256,"
    "ecdh-sha2-nistp384,ecdh-sha2-nistp521,"
    "diffie-hellman-group-exchange-sha256,diffie-hellman-group16-sha512,"
    "diffie-hellman-group18-sha512,diffie-hellman-group14-sha256";
static const char legacy_kex[] =
    ",diffie-hellman-group14-sha1,diffie-hellman-group-exchange-sha1,"
    "diffie-hellman-group1-sha1";
static const char modern_hostkey[] =
    "ssh-ed25519,ecdsa-sha2-nistp256,ecdsa-sha2-nistp384,ecdsa-sha2-nistp521";
static const char legacy_hostkey[] = ",ssh-rsa,ssh-dss";
static const char modern_crypt[] = "aes128-ctr,aes192-ctr,aes256-ctr";
static const char legacy_crypt[] =
    ",aes128-cbc,aes192-cbc,aes256-cbc,3des-cbc";
static const char modern_mac[] = "hmac-sha2-256,hmac-sha2-512";
static const char legacy_mac[] = ",hmac-sha1";

static void
ssh_set_methods(LIBSSH2_SESSION *session, bool legacy)
{
    X2K_AUTOFREE char *kex = x2k_strdup_printf("%s%s", modern_kex,
                                               legacy ? legacy_kex : "");
    X2K_AUTOFREE char *hk = x2k_strdup_printf("%s%s", modern_hostkey,
                                              legacy ? legacy_hostkey : "");
    X2K_AUTOFREE char *cr = x2k_strdup_printf("%s%s", modern_crypt,
                                              legacy ? legacy_crypt : "");
    X2K_AUTOFREE char *mac = x2k_strdup_printf("%s%s", modern_mac,
                                               legacy ? legacy_mac : "");

    libssh2_session_method_pref(session, LIBSSH2_METHOD_KEX, kex);
    libssh2_session_method_pref(session, LIBSSH2_METHOD_HOSTKEY, hk);
    libssh2_session_method_pref(session, LIBSSH2_METHOD_CRYPT_CS, cr);
    libssh2_session_method_pref(session, LIBSSH2_METHOD_CRYPT_SC, cr);
    libssh2_session_method_pref(session, LIBSSH2_METHOD_MAC_CS, mac);
    libssh2_session_method_pref(session, LIBSSH2_METHOD_MAC_SC, mac);
}

struct x2k_ssh *
x2k_ssh_connect(const struct x2k_ssh_opts *o, struct x2k_error *err)
{
    struct x2k_ssh *s;
    int timeout = o->timeout_ms > 0 ? o->timeout_ms
                                    : X2K_SSH_DEFAULT_TIMEOUT_MS;
    double deadline = ssh_deadline(timeout);
    int r;

    if (x2k_str_is_empty(o->host)) {
        x2k_error_set(err, X2K_ERR_INVALID,
                      _("No SSH host given (option --ssh-host or the "
                        "host of --uri)."));
        return NULL;
    }
    pthread_once(&ssh_once, ssh_global_init);
    if (ssh_init_rc != 0) {
        x2k_error_set(err, X2K_ERR_INTERNAL,
                      _("The SSH library could not be initialised."));
        return NULL;
    }
    s = x2k_xcalloc(1, sizeof(*s));
    s->sock = -1;
    s->reporter = o->reporter;
    s->host = x2k_xstrdup(o->host);
    s->port = o->port > 0 ? o->port : 22;
    s->user = x2k_xstrdup(o->user ? o->user : "root");

    if (tcp_connect(s, deadline, err) < 0)
        goto fail;
    s->session = libssh2_session_init_ex(ssh_alloc, ssh_dealloc, ssh_realloc,
                                         s);
    if (!s->session) {
        x2k_error_set(err, X2K_ERR_INTERNAL, _("Out of SSH resources."));
        goto fail;
    }
    ssh_set_methods(s->session, o->legacy);
    libssh2_session_set_blocking(s->session, 1);
    libssh2_session_set_timeout(s->session, timeout);
    r = libssh2_session_handshake(s->session, s->sock);
    if (r != 0) {
        if (r == LIBSSH2_ERROR_KEX_FAILURE && !o->legacy)
            x2k_error_set(err, X2K_ERR_SSH_CONNECT,
                          _("The SSH handshake with %1$s port %2$d failed: "
                            "no common algorithms. An old server (RHEL 5) "
                            "may need the legacy algorithms option, "
                            "--legacy-ssh."), s->host, s->port);
        else
            x2k_error_set(err, r == LIBSSH2_ERROR_TIMEOUT
                                   ? X2K_ERR_TIMEOUT : X2K_ERR_SSH_CONNECT,
                          _("The SSH handshake with %1$s port %2$d failed."),
                          s->host, s->port);
        ssh_detail(err, s->session);
        goto fail;
    }
    x2k_log(X2K_LOG_DEBUG, "ssh: %s:%d kex %s hostkey %s cipher %s",
            s->host, s->port,
            libssh2_session_methods(s->session, LIBSSH2_METHOD_KEX),
            libssh2_session_methods(s->session, LIBSSH2_METHOD_HOSTKEY),
            libssh2_session_methods(s->session, LIBSSH2_METHOD_CRYPT_CS));
    if (ssh_check_hostkey(s, o, err) < 0)
        goto fail;
    if (ssh_cancelled(s->reporter)) {
        x2k_error_set(err, X2K_ERR_CANCELLED, _("Cancelled."));
        goto fail;
    }
    s->wipe_frees = true;
    r = ssh_authenticate(s, o, err);
    s->wipe_frees = false;
    if (r < 0)
        goto fail;
    libssh2_session_set_timeout(s->session, 0);
    libssh2_session_set_blocking(s->session, 0);
    return s;
fail:
    x2k_ssh_free(s);
    return NULL;
}

void
x2k_ssh_free(struct x2k_ssh *s)
{
    if (!s)
        return;
    if (s->session) {
        libssh2_session_set_blocking(s->session, 1);
        libssh2_session_set_timeout(s->session, 2000);
        libssh2_session_disconnect(s->session, "bye");
        libssh2_session_free(s->session);
    }
    if (s->sock >= 0)
        close(s->sock);
    free(s->host);
    free(s->user);
    free(s->auth_keyfile);
    free(s);
}

LIBSSH2_SESSION *
x2k_ssh_raw_session(struct x2k_ssh *s)
{
    return s->session;
}

int
x2k_ssh_wait(struct x2k_ssh *s, double start, int timeout_ms,
             struct x2k_error *err)
{
    return ssh_wait(s, timeout_ms > 0 ? start + timeout_ms / 1000.0 : 0,
                    err);
}

const char *
x2k_ssh_auth_method(const struct x2k_ssh *s)
{
    return s->auth_method;
}

const char *
x2k_ssh_auth_keyfile(const struct x2k_ssh *s)
{
    return s->auth_keyfile;
}

/* Channels. */

struct x2k_ssh_chan *
x2k_ssh_exec_start(struct x2k_ssh *s, const char *cmd, struct x2k_error *err)
{
    struct x2k_ssh_chan *c;
    LIBSSH2_CHANNEL *ch;
    double deadline = ssh_deadline(X2K_SSH_DEFAULT_TIMEOUT_MS);
    int r;

    while (!(ch = libssh2_channel_open_ex(s->session, "session", 7,
                                          SSH_WINDOW, SSH_PACKET, NULL, 0))) {
        if (libssh2_session_last_errno(s->session) != LIBSSH2_ERROR_EAGAIN) {
            x2k_error_set(err, X2K_ERR_SSH,
                          _("Could not open an SSH channel to %1$s."),
                          s->host);
            ssh_detail(err, s->session);
            return NULL;
        }
        if (ssh_wait(s, deadline, err) < 0)
            return NULL;
    }
    c = x2k_xcalloc(1, sizeof(*c));
    c->s = s;
    c->ch = ch;
    x2k_log(X2K_LOG_DEBUG, "ssh exec: %s", cmd);
    while ((r = libssh2_channel_exec(ch, cmd)) == LIBSSH2_ERROR_EAGAIN) {
        if (ssh_wait(s, deadline, err) < 0)
            goto fail;
    }
    if (r != 0) {
        x2k_error_set(err, X2K_ERR_SSH,
                      _("Could not run a command on %1$s."), s->host);
        ssh_detail(err, s->session);
        goto fail;
    }
    return c;
fail:
    x2k_ssh_chan_close(c, NULL, NULL, NULL);
    return NULL;
}

/* Move pending stderr into C's buffer (bounded).  -1 on channel error. */
static int
chan_drain_stderr(struct x2k_ssh_chan *c)
{
    char tmp[8192];
    ssize_t r;

    while ((r = libssh2_channel_read_stderr(c->ch, tmp, sizeof(tmp))) > 0) {
        if (c->errbuf.len < SSH_STDERR_MAX)
            x2k_buf_append(&c->errbuf, tmp, r);
    }
    return r == 0 || r == LIBSSH2_ERROR_EAGAIN ? 0 : -1;
}

ssize_t
x2k_ssh_chan_read(struct x2k_ssh_chan *c, void *buf, size_t n,
                  int timeout_ms, struct x2k_error *err)
{
    double deadline = timeout_ms < 0 ? 0
                      : ssh_deadline(timeout_ms ? timeout_ms : 1);
    ssize_t r;

    if (c->eof)
        return 0;
    for (;;) {
        if (chan_drain_stderr(c) < 0)
            goto fail;
        r = libssh2_channel_read(c->ch, buf, n);
        if (r > 0)
            return r;
        if (r == 0 || libssh2_channel_eof(c->ch)) {
            if (libssh2_channel_eof(c->ch)) {
                c->eof = true;
                return 0;
            }
        } else if (r != LIBSSH2_ERROR_EAGAIN) {
            goto fail;
        }
        if (ssh_wait(c->s, deadline, err) < 0)
            return -1;
    }
fail:
    x2k_error_set(err, X2K_ERR_SSH,
                  _("Reading from the SSH channel to %1$s failed."),
                  c->s->host);
    ssh_detail(err, c->s->session);
    return -1;
}

int
x2k_ssh_chan_write(struct x2k_ssh_chan *c, const void *buf, size_t n,
                   struct x2k_error *err)
{
    const char *p = buf;
    ssize_t r;

    while (n > 0) {
        r = libssh2_channel_write(c->ch, p, n);
        if (r > 0) {
            p += r;
            n -= r;
            continue;
        }
        if (r != LIBSSH2_ERROR_EAGAIN && r != 0) {
            x2k_error_set(err, X2K_ERR_SSH,
                          _("Writing to the SSH channel to %1$s failed."),
                          c->s->host);
            ssh_detail(err, c->s->session);
            return -1;
        }
        if (chan_drain_stderr(c) < 0 || ssh_wait(c->s, 0, err) < 0)
            return -1;
    }
    return 0;
}

int
x2k_ssh_chan_send_eof(struct x2k_ssh_chan *c, struct x2k_error *err)
{
    double deadline = ssh_deadline(X2K_SSH_DEFAULT_TIMEOUT_MS);
    int r;

    while ((r = libssh2_channel_send_eof(c->ch)) == LIBSSH2_ERROR_EAGAIN) {
        if (ssh_wait(c->s, deadline, err) < 0)
            return -1;
    }
    if (r != 0) {
        x2k_error_set(err, X2K_ERR_SSH,
                      _("Writing to the SSH channel to %1$s failed."),
                      c->s->host);
        ssh_detail(err, c->s->session);
        return -1;
    }
    return 0;
}

int
x2k_ssh_chan_close(struct x2k_ssh_chan *c, int *exit_status,
                   char **stderr_text, struct x2k_error *err)
{
    double deadline = ssh_deadline(30000);
    char *sig = NULL;
    int r, rc = 0;
    bool saw_eof, abandoned = false;

    if (!c) {
        x2k_error_set(err, X2K_ERR_INTERNAL, _("No SSH channel."));
        return -1;
    }
    if (exit_status)
        *exit_status = -1;
    saw_eof = c->eof;
    if (saw_eof)
        chan_drain_stderr(c);
    /* Closing before the end (timeout, cancel, early stop): the server
     * answers our close only when the command exits, so wait briefly
     * and abandon the channel to libssh2_session_free otherwise. */
    if (!saw_eof)
        deadline = ssh_deadline(1000);
    while ((r = libssh2_channel_close(c->ch)) == LIBSSH2_ERROR_EAGAIN) {
        if (ssh_wait(c->s, deadline, NULL) < 0) {
            abandoned = true;
            break;
        }
    }
    if (saw_eof) {
        while ((r = libssh2_channel_wait_closed(c->ch)) ==
               LIBSSH2_ERROR_EAGAIN) {
            if (ssh_wait(c->s, deadline, NULL) < 0)
                break;
        }
        if (exit_status) {
            *exit_status = libssh2_channel_get_exit_status(c->ch);
            if (libssh2_channel_get_exit_signal(c->ch, &sig, NULL, NULL,
                                                NULL, NULL, NULL) == 0 &&
                sig) {
                x2k_log(X2K_LOG_DEBUG, "ssh exec: killed by SIG%s", sig);
                *exit_status = -1;
            }
            free(sig);
        }
    }
    while (!abandoned &&
           libssh2_channel_free(c->ch) == LIBSSH2_ERROR_EAGAIN) {
        if (ssh_wait(c->s, deadline, NULL) < 0)
            break;
    }
    if (abandoned)
        x2k_log(X2K_LOG_DEBUG, "ssh: channel abandoned before its end");
    if (stderr_text)
        *stderr_text = x2k_buf_steal(&c->errbuf);
    x2k_buf_clear(&c->errbuf);
    free(c);
    return rc;
}

int
x2k_ssh_exec(struct x2k_ssh *s, const char *cmd, const void *stdin_data,
             size_t stdin_len, int timeout_ms, char **out, char **errout,
             int *exit_status, struct x2k_error *err)
{
    struct x2k_ssh_chan *c;
    struct x2k_buf ob = { 0 };
    double deadline = ssh_deadline(timeout_ms);
    const char *in = stdin_data;
    size_t inleft = stdin_data ? stdin_len : 0;
    bool eof_sent = false;
    char buf[65536];

    *exit_status = -1;
    c = x2k_ssh_exec_start(s, cmd, err);
    if (!c)
        return -1;
    for (;;) {
        ssize_t r;
        bool progress = false;

        if (!eof_sent) {
            if (inleft > 0) {
                r = libssh2_channel_write(c->ch, in, inleft);
                if (r > 0) {
                    in += r;
                    inleft -= r;
                    progress = true;
                } else if (r != LIBSSH2_ERROR_EAGAIN && r != 0) {
                    /* The command may not read its stdin: stop feeding. */
                    inleft = 0;
                }
            }
            if (inleft == 0) {
                r = libssh2_channel_send_eof(c->ch);
                if (r != LIBSSH2_ERROR_EAGAIN)
                    eof_sent = true;
            }
        }
        if (chan_drain_stderr(c) < 0)
            goto fail_io;
        r = libssh2_channel_read(c->ch, buf, sizeof(buf));
        if (r > 0) {
            x2k_buf_append(&ob, buf, r);
            continue;
        }
        if (r < 0 && r != LIBSSH2_ERROR_EAGAIN)
            goto fail_io;
        if (libssh2_channel_eof(c->ch)) {
            c->eof = true;
            break;
        }
        if (!progress && ssh_wait(s, deadline, err) < 0)
            goto fail;
    }
    if (x2k_ssh_chan_close(c, exit_status, errout, err) < 0) {
        x2k_buf_clear(&ob);
        return -1;
    }
    if (out)
        *out = x2k_buf_steal(&ob);
    else
        x2k_buf_clear(&ob);
    return 0;
fail_io:
    x2k_error_set(err, X2K_ERR_SSH,
                  _("Reading from the SSH channel to %1$s failed."),
                  s->host);
    ssh_detail(err, s->session);
fail:
    x2k_ssh_chan_close(c, NULL, NULL, NULL);
    x2k_buf_clear(&ob);
    return -1;
}

int
x2k_ssh_run(struct x2k_ssh *s, const char *cmd, int timeout_ms, char **out,
            struct x2k_error *err)
{
    X2K_AUTOFREE char *errtext = NULL;
    char *o = NULL;
    int status;

    if (x2k_ssh_exec(s, cmd, NULL, 0, timeout_ms, &o, &errtext, &status,
                     err) < 0)
        return -1;
    if (status != 0) {
        size_t n = strlen(errtext);
        while (n > 0 && (errtext[n - 1] == '\n' || errtext[n - 1] == '\r'))
            errtext[--n] = '\0';
        x2k_error_set(err, X2K_ERR_REMOTE,
                      _("The command on %1$s failed with exit status "
                        "%2$d."), s->host, status);
        x2k_error_set_detail(err, *errtext ? errtext : NULL);
        free(o);
        return -1;
    }
    if (out)
        *out = o;
    else
        free(o);
    return 0;
}

/* Plan glue. */

char *
x2k_ssh_read_password_file(const char *path, struct x2k_error *err)
{
    char buf[4096];
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    ssize_t n;
    char *nl, *r;

    if (fd < 0) {
        x2k_error_set_errno(err, X2K_ERR_IO, errno,
                            _("Cannot read the password file %1$s."), path);
        return NULL;
    }
    n = read(fd, buf, sizeof(buf) - 1);
    close(fd);
    if (n < 0) {
        x2k_error_set_errno(err, X2K_ERR_IO, errno,
                            _("Cannot read the password file %1$s."), path);
        return NULL;
    }
    buf[n] = '\0';
    nl = strpbrk(buf, "\r\n");
    if (nl)
        *nl = '\0';
    r = x2k_xstrdup(buf);
    x2k_secure_zero(buf, sizeof(buf));
    return r;
}

int
x2k_ssh_opts_from_plan(const struct x2k_plan *plan, struct x2k_ssh_opts *o,
                       char **host_out, char **user_out, char **password,
                       struct x2k_error *err)
{
    X2K_AUTOFREE char *uri = x2k_plan_source_uri(plan);
    X2K_AUTO(x2k_uri) u = NULL;

    memset(o, 0, sizeof(*o));
    *host_out = NULL;
    *user_out = NULL;
    *password = NULL;
    if (uri)
        u = x2k_uri_parse(uri, NULL);
    if (plan->ssh_host)
        *host_out = x2k_xstrdup(plan->ssh_host);
    else if (u && u->host)
        *host_out = x2k_xstrdup(u->host);
    if (!*host_out) {
        x2k_error_set(err, X2K_ERR_INVALID,
                      _("No SSH host given (option --ssh-host or the "
                        "host of --uri)."));
        return -1;
    }
    if (plan->ssh_user)
        *user_out = x2k_xstrdup(plan->ssh_user);
    else if (u && u->user)
        *user_out = x2k_xstrdup(u->user);
    if (plan->ssh_port > 0)
        o->port = plan->ssh_port;
    else if (u && u->host && u->port > 0 && !plan->ssh_host)
        o->port = u->port;
    o->host = *host_out;
    o->user = *user_out;
    o->identity = plan->identity;
    o->known_hosts = plan->known_hosts;
    o->accept_fingerprint = plan->accept_host_key;
    o->legacy = plan->legacy_ssh;
    if (plan->password_file) {
        *password = x2k_ssh_read_password_file(plan->password_file, err);
        if (!*password) {
            free(*host_out);
            free(*user_out);
            *host_out = *user_out = NULL;
            return -1;
        }
        o->password = *password;
    }
    return 0;
}

/* Key setup. */

char *
x2k_ssh_default_identity(const char *identity)
{
    size_t i;

    if (identity)
        return x2k_xstrdup(identity);
    for (i = 0; i < X2K_N_ELEMENTS(default_keys); i++) {
        char *k = home_path(default_keys[i]);
        if (access(k, R_OK) == 0)
            return k;
        free(k);
    }
    return NULL;
}

/* Run ARGV (no shell) with stdio on /dev/null; its exit status or -1. */
static int
run_quiet(const char *const *argv)
{
    posix_spawn_file_actions_t fa;
    pid_t pid;
    int status, r;

    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
    r = posix_spawnp(&pid, argv[0], &fa, NULL, (char *const *)argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    if (r != 0) {
        errno = r;
        return -1;
    }
    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR)
            return -1;
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

int
x2k_ssh_keygen(const char *path, struct x2k_error *err)
{
    const char *argv[] = { "ssh-keygen", "-q", "-t", "ed25519", "-N", "",
                           "-C", "xen2kvm-tui", "-f", path, NULL };
    int r;

    if (access(path, F_OK) == 0) {
        x2k_error_set(err, X2K_ERR_INVALID,
                      _("The key file %1$s already exists."), path);
        return -1;
    }
    if (x2k_mkdir_parents(path, 0700, err) < 0)
        return -1;
    r = run_quiet(argv);
    if (r != 0) {
        x2k_error_set_errno(err, X2K_ERR_IO, r < 0 ? errno : 0,
                            _("ssh-keygen could not create the key %1$s."),
                            path);
        return -1;
    }
    x2k_log(X2K_LOG_INFO, "created the key pair %s", path);
    return 0;
}

/* Read the first key line of a .pub file: "type base64 [comment]";
 * *TYPE and *B64 are set (caller frees).  -1 if malformed. */
static int
read_pubkey(const char *path, char **type, char **b64, char **line_out)
{
    FILE *f = fopen(path, "re");
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    char *sp1, *sp2;

    if (!f)
        return -1;
    n = getline(&line, &cap, f);
    fclose(f);
    if (n <= 0) {
        free(line);
        return -1;
    }
    line[strcspn(line, "\r\n")] = '\0';
    sp1 = strchr(line, ' ');
    if (!sp1 || sp1 == line) {
        free(line);
        return -1;
    }
    sp2 = strchr(sp1 + 1, ' ');
    *type = x2k_xstrndup(line, sp1 - line);
    *b64 = sp2 ? x2k_xstrndup(sp1 + 1, sp2 - sp1 - 1) : x2k_xstrdup(sp1 + 1);
    if (!**b64 || (*b64)[strspn(*b64, b64chars) +
                         strspn(*b64 + strspn(*b64, b64chars), "=")]) {
        free(*type);
        free(*b64);
        free(line);
        return -1;
    }
    if (line_out)
        *line_out = line;
    else
        free(line);
    return 0;
}

int
x2k_ssh_install_key(struct x2k_ssh *s, const char *pubkey_path, bool *added,
                    struct x2k_error *err)
{
    X2K_AUTOFREE char *type = NULL;
    X2K_AUTOFREE char *b64 = NULL;
    X2K_AUTOFREE char *line = NULL;
    X2K_AUTOFREE char *qline = NULL;
    X2K_AUTOFREE char *qb64 = NULL;
    X2K_AUTOFREE char *cmd = NULL;
    X2K_AUTOFREE char *out = NULL;

    if (added)
        *added = false;
    if (read_pubkey(pubkey_path, &type, &b64, &line) < 0) {
        x2k_error_set(err, X2K_ERR_INVALID,
                      _("%1$s is not an OpenSSH public key file."),
                      pubkey_path);
        return -1;
    }
    qline = x2k_shell_quote(line);
    qb64 = x2k_shell_quote(b64);
    /* Create ~/.ssh (0700) and authorized_keys (0600); append the key
     * only if its base64 blob is not there yet. */
    cmd = x2k_strdup_printf(
        "umask 077; cd && mkdir -p .ssh && chmod 700 .ssh && "
        "touch .ssh/authorized_keys && chmod 600 .ssh/authorized_keys && "
        "if grep -qF -- %s .ssh/authorized_keys; then echo present; else "
        "if [ -s .ssh/authorized_keys ] && "
        "[ \"$(tail -c 1 .ssh/authorized_keys)\" != '' ]; then "
        "echo >> .ssh/authorized_keys; fi; "
        "printf '%%s\\n' %s >> .ssh/authorized_keys && echo added; fi",
        qb64, qline);
    if (x2k_ssh_run(s, cmd, 30000, &out, err) < 0)
        return -1;
    if (added)
        *added = x2k_str_has_prefix(out, "added");
    x2k_log(X2K_LOG_INFO, "ssh: public key %s %s on %s", pubkey_path,
            x2k_str_has_prefix(out, "added") ? "installed" : "already present",
            s->host);
    return 0;
}

enum x2k_agent_state
x2k_ssh_agent_state(const char *pubkey_path)
{
    LIBSSH2_SESSION *session;
    LIBSSH2_AGENT *agent;
    struct libssh2_agent_publickey *id = NULL, *prev = NULL;
    enum x2k_agent_state st = X2K_AGENT_NONE;
    unsigned char *blob = NULL;
    size_t bloblen = 0;

    if (!getenv("SSH_AUTH_SOCK"))
        return X2K_AGENT_NONE;
    if (pubkey_path) {
        X2K_AUTOFREE char *type = NULL;
        X2K_AUTOFREE char *b64 = NULL;
        if (read_pubkey(pubkey_path, &type, &b64, NULL) == 0)
            b64_decode(b64, &blob, &bloblen);
    }
    pthread_once(&ssh_once, ssh_global_init);
    session = libssh2_session_init();
    if (!session) {
        free(blob);
        return X2K_AGENT_NONE;
    }
    agent = libssh2_agent_init(session);
    if (agent && libssh2_agent_connect(agent) == 0) {
        st = X2K_AGENT_RUNNING;
        if (libssh2_agent_list_identities(agent) == 0) {
            while (libssh2_agent_get_identity(agent, &id, prev) == 0) {
                if (!pubkey_path ||
                    (blob && id->blob_len == bloblen &&
                     memcmp(id->blob, blob, bloblen) == 0)) {
                    st = X2K_AGENT_KEY_LOADED;
                    break;
                }
                prev = id;
            }
        }
        libssh2_agent_disconnect(agent);
    }
    if (agent)
        libssh2_agent_free(agent);
    libssh2_session_free(session);
    free(blob);
    return st;
}

void
x2k_key_setup_clear(struct x2k_key_setup *res)
{
    if (!res)
        return;
    free(res->key_path);
    free(res->uri);
    memset(res, 0, sizeof(*res));
}

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

    if (user_file)
        *user_file = NULL;
    if (getpwuid_r(getuid(), &pwbuf, buf, sizeof(buf), &pw) == 0 && pw &&
        pw->pw_dir && *pw->pw_dir)
        files[0] = x2k_strdup_printf("%s/.ssh/known_hosts", pw->pw_dir);
    files[1] = x2k_xstrdup("/etc/ssh/ssh_known_hosts");
    key = libssh2_session_hostkey(s->session, &keylen, &type);
    if (key)
        keyb64 = b64_encode((const unsigned char *)key, keylen, true);
    for (i = 0; key && i < X2K_N_ELEMENTS(files) && !known; i++) {
        LIBSSH2_KNOWNHOSTS *hosts;
        struct libssh2_knownhost *found = NULL;

        if (!files[i] || !(hosts = libssh2_knownhost_init(s->session)))
            continue;
        if (!knownhosts_load(hosts, files[i], keyb64))
            known = libssh2_knownhost_checkp(
                        hosts, s->host, s->port, key, keylen,
                        LIBSSH2_KNOWNHOST_TYPE_PLAIN |
                        LIBSSH2_KNOWNHOST_KEYENC_RAW |
                        knownhost_keybit(type), &found) ==
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

bool
x2k_ssh_key_is_default(const char *path)
{
    /* OpenSSH 9.2's identity files tried without -i. */
    static const char *const ssh_keys[] = {
        ".ssh/id_rsa", ".ssh/id_ecdsa", ".ssh/id_ecdsa_sk",
        ".ssh/id_ed25519", ".ssh/id_ed25519_sk", ".ssh/id_xmss",
    };
    struct passwd pwbuf, *pw = NULL;
    char buf[4096];
    X2K_AUTOFREE char *real = realpath(path, NULL);
    size_t i;

    /* The passwd entry's home, as ssh finds it: not $HOME. */
    if (getpwuid_r(getuid(), &pwbuf, buf, sizeof(buf), &pw) != 0 || !pw ||
        !pw->pw_dir || !*pw->pw_dir)
        return false;
    for (i = 0; i < X2K_N_ELEMENTS(ssh_keys); i++) {
        X2K_AUTOFREE char *k = x2k_strdup_printf("%s/%s", pw->pw_dir,
                                                 ssh_keys[i]);
        X2K_AUTOFREE char *kreal = NULL;

        if (strcmp(k, path) == 0)
            return true;
        kreal = real ? realpath(k, NULL) : NULL;
        if (kreal && strcmp(kreal, real) == 0)
            return true;
    }
    return false;
}

int
x2k_ssh_setup_key(const struct x2k_ssh_opts *opts, const char *identity,
                  struct x2k_key_setup *res, struct x2k_error *err)
{
    struct x2k_ssh_opts keyonly;
    struct x2k_ssh *s;
    X2K_AUTOFREE char *pub = NULL;

    memset(res, 0, sizeof(*res));
    res->key_path = x2k_ssh_default_identity(identity);
    if (!res->key_path) {
        res->key_path = home_path(default_keys[0]);
        if (x2k_ssh_keygen(res->key_path, err) < 0)
            return -1;
        res->created = true;
    }
    res->is_default = x2k_ssh_key_is_default(res->key_path);
    pub = x2k_strdup_printf("%s.pub", res->key_path);
    if (access(pub, R_OK) != 0) {
        x2k_error_set_errno(err, X2K_ERR_IO, errno,
                            _("Cannot read the public key %1$s."), pub);
        return -1;
    }
    res->uri = x2k_uri_build_xen_ssh(opts->user, opts->host,
                                     opts->port,
                                     res->is_default ? NULL : res->key_path);

    s = x2k_ssh_connect(opts, err);
    if (!s)
        return -1;
    if (x2k_ssh_install_key(s, pub, &res->installed, err) < 0) {
        x2k_ssh_free(s);
        return -1;
    }
    x2k_ssh_free(s);

    /* Proof: the key alone logs in. */
    keyonly = *opts;
    keyonly.password = NULL;
    keyonly.identity = res->key_path;
    keyonly.no_agent = true;
    keyonly.hostkey_cb = NULL;
    s = x2k_ssh_connect(&keyonly, err);
    if (!s)
        return -1;
    x2k_ssh_free(s);
    res->agent = x2k_ssh_agent_state(pub);
    return 0;
}

/* SSH sessions with libssh2: process-wide init, TCP connect,
 * algorithm choice and handshake, then the host-key check
 * (known-hosts.c) and the login (auth.c); the session object, its
 * socket wait, and the connection options built from a plan.  The
 * handshake and authentication run in libssh2's blocking mode bounded
 * by the session timeout; afterwards the session is non-blocking and
 * every wait polls in slices of at most 200 ms so that timeouts and
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
#include <stdio.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libssh2.h>

#include "base/i18n.h"
#include "base/log.h"
#include "base/secret.h"
#include "plan/options.h"
#include "plan/uri.h"
#include "ssh/ssh-internal.h"

#define SSH_SLICE_MS 200

/* libssh2 allocators: while authenticating, every buffer libssh2 frees
 * (password packets, keyboard-interactive answers) is zeroed first. */
static void *
ssh_alloc(size_t n, void **abstract)
{
    (void)abstract;
    return malloc(n);
}

/* realloc for libssh2 (see ssh_alloc). */
static void *
ssh_realloc(void *p, size_t n, void **abstract)
{
    (void)abstract;
    return realloc(p, n);
}

/* free for libssh2, zeroing first while the session authenticates. */
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

/* Run libssh2_init (once, through ssh_once). */
static void
ssh_init_once(void)
{
    ssh_init_rc = libssh2_init(0);
}

/* Initialise libssh2 once per process. */
int
ssh_global_init(void)
{
    pthread_once(&ssh_once, ssh_init_once);
    return ssh_init_rc;
}

/* Whether the run R (may be NULL) was cancelled. */
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

/* The deadline TIMEOUT_MS from now (0 = none). */
double
ssh_deadline(int timeout_ms)
{
    return timeout_ms > 0 ? x2k_now() + timeout_ms / 1000.0 : 0;
}

/* Wait one slice for the socket, in the direction libssh2 needs. */
int
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

/* Connect S's socket to its host and port within DEADLINE. */
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

/* The algorithms offered: modern ones, plus legacy ones for RHEL 5-era
 * servers when asked (--legacy-ssh). */
static const char modern_kex[] =
    "curve25519-sha256,curve25519-sha256@libssh.org,ecdh-sha2-nistp256,"
    "ecdh-sha2-nistp384,ecdh-sha2-nistp521,"
    "diffie-hellman-group-exchange-sha256,diffie-hellman-group16-sha512,"
    "diffie-hellman-group18-sha512,diffie-hellman-group14-sha256";
static const char legacy_kex[] =
    ",diffie-hellman-group14-sha1,diffie-hellman-group-exchange-sha1,"
    "diffie-hellman-group1-sha1";
static const char modern_crypt[] = "aes128-ctr,aes192-ctr,aes256-ctr";
static const char legacy_crypt[] =
    ",aes128-cbc,aes192-cbc,aes256-cbc,3des-cbc";
static const char modern_mac[] = "hmac-sha2-256,hmac-sha2-512";
static const char legacy_mac[] = ",hmac-sha1";

/* Set the algorithm preferences of S's session: host key types that
 * known_hosts holds for the host first, as OpenSSH orders them. */
static void
ssh_set_methods(struct x2k_ssh *s, const struct x2k_ssh_opts *o)
{
    static const char *const hostkeys[] = {
        "ssh-ed25519", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384",
        "ecdsa-sha2-nistp521", "ssh-rsa", "ssh-dss",
    };
    LIBSSH2_SESSION *session = s->session;
    bool legacy = o->legacy;
    X2K_AUTOFREE char *kex = x2k_strdup_printf("%s%s", modern_kex,
                                               legacy ? legacy_kex : "");
    X2K_AUTOFREE char *hk = ssh_hostkey_prefs(s, o, hostkeys,
                                              legacy ? 6 : 4);
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

/* Keep the host key the server sent in the handshake. */
static int
keep_hostkey(struct x2k_ssh *s, struct x2k_error *err)
{
    size_t len = 0;
    int type = 0;
    const char *key = libssh2_session_hostkey(s->session, &len, &type);

    if (!key || len == 0) {
        x2k_error_set(err, X2K_ERR_SSH_HOSTKEY,
                      _("The SSH server %1$s sent no usable host key."),
                      s->host);
        return -1;
    }
    s->hostkey = x2k_xmalloc(len);
    memcpy(s->hostkey, key, len);
    s->hostkey_len = len;
    s->hostkey_type = type;
    return 0;
}

/* The rest of x2k_ssh_connect for a host only the OpenSSH client can
 * talk to: the host key (from ssh-keyscan) checked as for libssh2, then
 * a login through `ssh', which checks the key again itself. */
static struct x2k_ssh *
openssh_connect(struct x2k_ssh *s, const struct x2k_ssh_opts *o,
                int timeout, struct x2k_error *err)
{
    /* The libssh2 session stays, unconnected, for known_hosts. */
    close(s->sock);
    s->sock = -1;
    if (ssh_check_hostkey(s, o, err) < 0 ||
        ssh_openssh_login(s, o, timeout, err) < 0) {
        x2k_ssh_free(s);
        return NULL;
    }
    x2k_log(X2K_LOG_DEBUG, "ssh: %s:%d through the OpenSSH client",
            s->host, s->port);
    return s;
}

/* Open, check and log in a session with O. */
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
    if (ssh_global_init() != 0) {
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
    s->legacy = o->legacy;
    ssh_set_methods(s, o);
    libssh2_session_set_blocking(s->session, 1);
    libssh2_session_set_timeout(s->session, timeout);
    r = libssh2_session_handshake(s->session, s->sock);
    if (r == LIBSSH2_ERROR_KEX_FAILURE) {
        /* A host with only an RSA key: the OpenSSH client takes over. */
        int k = ssh_openssh_take_over(s, o, timeout, err);

        if (k < 0)
            goto fail;
        if (k > 0)
            return openssh_connect(s, o, timeout, err);
    }
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
    if (keep_hostkey(s, err) < 0 || ssh_check_hostkey(s, o, err) < 0)
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

/* Disconnect and free S. */
void
x2k_ssh_free(struct x2k_ssh *s)
{
    if (!s)
        return;
    if (s->session) {
        if (!s->openssh && s->sock >= 0) {
            libssh2_session_set_blocking(s->session, 1);
            libssh2_session_set_timeout(s->session, 2000);
            libssh2_session_disconnect(s->session, "bye");
        }
        libssh2_session_free(s->session);
    }
    if (s->sock >= 0)
        close(s->sock);
    free(s->host);
    free(s->user);
    free(s->auth_keyfile);
    free(s->hostkey);
    free(s->known_hosts);
    if (s->identities)
        x2k_argv_free(s->identities);
    free(s);
}

/* S's libssh2 session, for modules that drive it directly. */
LIBSSH2_SESSION *
x2k_ssh_raw_session(struct x2k_ssh *s)
{
    return s->openssh ? NULL : s->session;
}

/* ssh_wait for callers that count from START. */
int
x2k_ssh_wait(struct x2k_ssh *s, double start, int timeout_ms,
             struct x2k_error *err)
{
    return ssh_wait(s, timeout_ms > 0 ? start + timeout_ms / 1000.0 : 0,
                    err);
}

/* How S logged in. */
const char *
x2k_ssh_auth_method(const struct x2k_ssh *s)
{
    return s->auth_method;
}

/* The key file S logged in with, or NULL. */
const char *
x2k_ssh_auth_keyfile(const struct x2k_ssh *s)
{
    return s->auth_keyfile;
}

/* Plan glue. */

/* The first line of the password file PATH, which only its owner may
 * read. */
char *
x2k_ssh_read_password_file(const char *path, struct x2k_error *err)
{
    char buf[4096];
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    ssize_t n;
    char *nl, *r;

    if (fd < 0) {
        x2k_error_set_errno(err, X2K_ERR_IO, errno,
                            _("Cannot read the password file %1$s."), path);
        return NULL;
    }
    if (fstat(fd, &st) == 0 && (st.st_mode & 077)) {
        close(fd);
        x2k_error_set(err, X2K_ERR_SSH_AUTH,
                      _("The password file %1$s can be read by other users (mode %2$04o): a password must be private. Make it readable by its owner only (chmod 600 %1$s), then run again."),
                      path, (unsigned)(st.st_mode & 07777));
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
    r = x2k_secret_dup(buf);
    x2k_secure_zero(buf, sizeof(buf));
    return r;
}

/* Fill O from PLAN's SSH settings and source URI. */
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
    if (password)
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
    if (plan->password_file && password) {
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

const char *
x2k_ssh_lib_version(void)
{
    const char *v = libssh2_version(0);

    return v ? v : "?";
}

/* Logging in once the host key is trusted: ssh-agent keys, the
 * identity file or the default keys, then the password and
 * keyboard-interactive with the borrowed password.  Runs on the
 * connecting thread inside x2k_ssh_connect, in libssh2's blocking mode
 * bounded by the session timeout.
 */
#include <config.h>

#include <errno.h>
#include <unistd.h>

#include <libssh2.h>

#include "base/i18n.h"
#include "base/log.h"
#include "ssh/ssh-internal.h"

/* Whether the comma-separated LIST names METHOD. */
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

/* Try each key ssh-agent holds; 0 when one logs in. */
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

/* Try the private key file PRIV; 0 when it logs in. */
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

/* Answer every keyboard-interactive prompt with the password. */
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

/* Default private keys under the home, in the order they are tried. */
const char *const ssh_default_keys[SSH_N_DEFAULT_KEYS] = {
    ".ssh/id_ed25519",
    ".ssh/id_ecdsa",
    ".ssh/id_rsa",
};

/* Log in with the methods the server offers and O allows. */
int
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
            for (i = 0; i < X2K_N_ELEMENTS(ssh_default_keys) && !fatal; i++) {
                X2K_AUTOFREE char *k = ssh_home_path(ssh_default_keys[i]);
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

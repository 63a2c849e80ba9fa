/* Key setup, the ssh-copy-id equivalent done by the tool: pick the
 * key (the identity, else a default one, else a new ed25519 pair made
 * with ssh-keygen), install its public half with one password login,
 * prove that the key alone logs in, and tell whether OpenSSH (and so
 * libvirt's ssh transport) offers it without -i and whether ssh-agent
 * holds it.  Runs on the caller's thread (the wizard's worker).
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <spawn.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

#include <libssh2.h>

#include "base/fsutil.h"
#include "base/i18n.h"
#include "base/log.h"
#include "base/shquote.h"
#include "plan/uri.h"
#include "ssh/ssh-internal.h"

extern char **environ;

/* The identity, else the first default key that exists, or NULL. */
char *
x2k_ssh_default_identity(const char *identity)
{
    size_t i;

    if (identity)
        return x2k_xstrdup(identity);
    for (i = 0; i < X2K_N_ELEMENTS(ssh_default_keys); i++) {
        char *k = ssh_home_path(ssh_default_keys[i]);
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

/* Create a new ed25519 key pair at PATH with ssh-keygen. */
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
    if (!**b64 || (*b64)[strspn(*b64, ssh_b64chars) +
                         strspn(*b64 + strspn(*b64, ssh_b64chars), "=")]) {
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

/* Append the public key to the remote authorized_keys unless there. */
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

/* Whether ssh-agent runs and holds the key of PUBKEY_PATH. */
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
            ssh_b64_decode(b64, &blob, &bloblen);
    }
    ssh_global_init();
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

/* Free what RES holds and zero it. */
void
x2k_key_setup_clear(struct x2k_key_setup *res)
{
    if (!res)
        return;
    free(res->key_path);
    free(res->uri);
    memset(res, 0, sizeof(*res));
}

/* Whether OpenSSH's ssh offers the key PATH without -i. */
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

/* Pick or create the key, install it with OPTS, prove it logs in. */
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
        res->key_path = ssh_home_path(ssh_default_keys[0]);
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

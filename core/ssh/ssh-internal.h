/* Private to the files of core/ssh: the session struct and the
 * helpers that the session (ssh.c), known_hosts (known-hosts.c),
 * authentication (auth.c), exec channels (channel.c) and key setup
 * (keys.c) share, and the OpenSSH client as the transport of a host
 * libssh2 cannot talk to (openssh.c).  Everything here runs on the
 * thread that owns the session.  The files in order, lowest first:
 * known-hosts.c and auth.c, openssh.c, ssh.c, channel.c, keys.c; a file
 * calls only files below it.
 */
#ifndef X2K_SSH_INTERNAL_H
#define X2K_SSH_INTERNAL_H

#include <pwd.h>
#include <unistd.h>

#include <libssh2.h>

#include "ssh/ssh.h"

struct x2k_ssh {
    int sock;
    LIBSSH2_SESSION *session;       /* with OPENSSH: never handshaken,
                                     * for known_hosts only */
    struct x2k_reporter *reporter;
    char *host;
    int port;
    char *user;
    const char *auth_method;
    char *auth_keyfile;
    const char *kbd_password;       /* borrowed during auth only */
    bool wipe_frees;                /* zero what libssh2 frees (auth) */
    unsigned char *hostkey;         /* the server's host key blob */
    size_t hostkey_len;
    int hostkey_type;               /* LIBSSH2_HOSTKEY_TYPE_* */
    char *known_hosts;              /* the file it was checked against */
    bool legacy;
    /* Only the OpenSSH client talks to the host (libssh2 1.10 cannot
     * verify an RSA-only OpenSSH 9 server): every command runs through
     * `ssh', with the host key checked against KNOWN_HOSTS. */
    bool openssh;
    char **identities;              /* OPENSSH: the keys -i offers */
    bool identities_only;
    bool no_agent;
};

/* Helpers every file uses, defined here so that the two lowest files
 * (known-hosts.c, auth.c) need nothing from the session file above. */

/* Put libssh2's last error text of SESSION into ERR's detail. */
static inline void
ssh_detail(struct x2k_error *err, LIBSSH2_SESSION *session)
{
    char *msg = NULL;

    if (!session)
        return;
    libssh2_session_last_error(session, &msg, NULL, 0);
    if (msg && *msg)
        x2k_error_set_detail(err, msg);
}

/* REL under the user's home: $HOME, else the passwd entry's.  Caller
 * frees. */
static inline char *
ssh_home_path(const char *rel)
{
    const char *home = getenv("HOME");

    if (!home || !*home) {
        struct passwd *pw = getpwuid(getuid());
        home = pw ? pw->pw_dir : "/";
    }
    return x2k_strdup_printf("%s/%s", home, rel);
}

/* known-hosts.c */

/* The base64 alphabet (standard, without the '=' pad). */
extern const char ssh_b64chars[];

/* Decode base64 S (stops at the first non-alphabet byte).  Caller
 * frees *OUT. */
void ssh_b64_decode(const char *s, unsigned char **out, size_t *outlen);

/* Check the server's host key (s->hostkey) against O's known_hosts as
 * OpenSSH decides: only the entries of ssh_known_name count, and a key
 * of another type recorded for the host means it changed.  An unknown
 * key accepted by O (fingerprint or callback) is appended.  0, or -1
 * with ERR set (X2K_ERR_SSH_HOSTKEY). */
int ssh_check_hostkey(struct x2k_ssh *s, const struct x2k_ssh_opts *o,
                      struct x2k_error *err);

/* The name OpenSSH looks S's host up by in known_hosts ("HOST", or
 * "[HOST]:PORT" on another port than 22).  Caller frees. */
char *ssh_known_name(const struct x2k_ssh *s);

/* O's known_hosts file (default ~/.ssh/known_hosts).  Caller frees. */
char *ssh_known_hosts_path(const struct x2k_ssh_opts *o);

/* The libssh2 host key type of an OpenSSH key type name, or 0. */
int ssh_keytype_from_name(const char *name);

/* ALGS (N host key algorithms) reordered for S's server: those
 * known_hosts already holds a key of for it first.  Caller frees. */
char *ssh_hostkey_prefs(struct x2k_ssh *s, const struct x2k_ssh_opts *o,
                        const char *const *algs, size_t n);

/* auth.c */

/* The private keys tried without an identity, under the home, in
 * order; the first is the one key setup creates. */
#define SSH_N_DEFAULT_KEYS 3
extern const char *const ssh_default_keys[SSH_N_DEFAULT_KEYS];

/* Log in as S's user with what O allows (agent, identity or default
 * keys, password, keyboard-interactive); sets S's auth_method and
 * auth_keyfile.  0, or -1 with ERR set. */
int ssh_authenticate(struct x2k_ssh *s, const struct x2k_ssh_opts *o,
                     struct x2k_error *err);

/* openssh.c */

/* After libssh2's handshake failed: whether S's server offers only RSA
 * host keys (ssh-keyscan); then S becomes an OpenSSH-client session
 * (s->openssh) holding that key, and 1 is returned.  0 if it offers
 * others (libssh2's failure stands), -1 with ERR set. */
int ssh_openssh_take_over(struct x2k_ssh *s, const struct x2k_ssh_opts *o,
                          int timeout_ms, struct x2k_error *err);

/* Log in with the OpenSSH client (BatchMode: keys and agent only) to
 * prove that commands will run.  0, or -1 with ERR set. */
int ssh_openssh_login(struct x2k_ssh *s, const struct x2k_ssh_opts *o,
                      int timeout_ms, struct x2k_error *err);

/* Start `ssh ... CMD' with its stdin, stdout and stderr piped
 * (non-blocking, close-on-exec).  0, or -1 with ERR set. */
int ssh_openssh_spawn(struct x2k_ssh *s, const char *cmd, pid_t *pid,
                      int *in_fd, int *out_fd, int *err_fd,
                      struct x2k_error *err);

/* The meaning of the OpenSSH client's failure (exit 255) from its
 * stderr: X2K_ERR_SSH_HOSTKEY, X2K_ERR_SSH_AUTH or X2K_ERR_SSH_CONNECT. */
enum x2k_errcode ssh_openssh_failure(const char *errtext);

/* ssh.c */

/* Initialise libssh2 once per process; 0 or libssh2_init's error. */
int ssh_global_init(void);

/* The x2k_now() value TIMEOUT_MS from now, or 0 (none) if <= 0. */
double ssh_deadline(int timeout_ms);

/* Wait until the socket is ready in the direction libssh2 needs, at
 * most one slice (200 ms).  0, or -1 with ERR set on timeout (DEADLINE
 * passed, 0 = none) or cancellation. */
int ssh_wait(struct x2k_ssh *s, double deadline, struct x2k_error *err);

#endif /* X2K_SSH_INTERNAL_H */

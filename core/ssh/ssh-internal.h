/* Private to the files of core/ssh: the session struct and the
 * helpers that the session (ssh.c), known_hosts (known-hosts.c),
 * authentication (auth.c), exec channels (channel.c) and key setup
 * (keys.c) share.  Everything here runs on the thread that owns the
 * session.  The files in order, lowest first: known-hosts.c and auth.c,
 * ssh.c, channel.c, keys.c; a file calls only files below it.
 */
#ifndef X2K_SSH_INTERNAL_H
#define X2K_SSH_INTERNAL_H

#include <pwd.h>
#include <unistd.h>

#include <libssh2.h>

#include "ssh/ssh.h"

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

/* Check the server's host key against O's known_hosts; an unknown key
 * accepted by O (fingerprint or callback) is appended to it.  0, or -1
 * with ERR set (X2K_ERR_SSH_HOSTKEY). */
int ssh_check_hostkey(struct x2k_ssh *s, const struct x2k_ssh_opts *o,
                      struct x2k_error *err);

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

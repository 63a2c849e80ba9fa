/* SSH to the Xen host with libssh2: connect, verify the host key against
 * OpenSSH known_hosts (hashed entries too), authenticate (agent, key
 * files, password, keyboard-interactive), run remote commands and
 * install a public key (the ssh-copy-id equivalent).  One struct
 * x2k_ssh belongs to one thread at a time; different sessions may be
 * used from different threads.  Core never prompts: unknown host keys
 * go through a callback or the plan's accepted fingerprint.
 */
#ifndef X2K_SSH_H
#define X2K_SSH_H

#include <sys/types.h>

#include "base/error.h"
#include "base/event.h"
#include "plan/plan.h"

struct x2k_ssh;                    /* one connected, authenticated session */
struct x2k_ssh_chan;               /* one exec channel */

/* Asked when the host key is unknown: FINGERPRINT exactly as
 * `ssh-keygen -lf` prints it ("SHA256:base64-without-padding"), KEYTYPE
 * e.g. "ssh-ed25519".  Return true to accept (then appended to
 * known_hosts in OpenSSH format).  Runs on the connecting thread. */
typedef bool (*x2k_ssh_hostkey_fn)(const char *host, int port,
                                   const char *keytype,
                                   const char *fingerprint, void *opaque);

#define X2K_SSH_DEFAULT_TIMEOUT_MS 20000

struct x2k_ssh_opts {
    const char *host;              /* required */
    int port;                      /* 0 = 22 */
    const char *user;              /* NULL = "root" */
    const char *identity;          /* private key file or NULL = defaults */
    const char *password;          /* borrowed, may be NULL; never logged */
    const char *known_hosts;       /* NULL = ~/.ssh/known_hosts */
    const char *accept_fingerprint;/* batch: accept an unknown key with this
                                    * fingerprint */
    bool legacy;                   /* ssh-rsa, dh-group14-sha1/group1, aes-cbc */
    int timeout_ms;                /* connect/auth timeout, 0 = default (20 s) */
    x2k_ssh_hostkey_fn hostkey_cb;
    void *hostkey_opaque;
    struct x2k_reporter *reporter; /* may be NULL; cancellation honoured */
    bool no_agent;                 /* do not try ssh-agent keys */
};

/* Connect, check the host key, authenticate.  NULL with ERR set:
 * X2K_ERR_SSH_CONNECT, X2K_ERR_SSH_HOSTKEY (unknown and not accepted, or
 * changed: then the message is OpenSSH's warning), X2K_ERR_SSH_AUTH,
 * X2K_ERR_TIMEOUT or X2K_ERR_CANCELLED. */
struct x2k_ssh *x2k_ssh_connect(const struct x2k_ssh_opts *opts,
                                struct x2k_error *err) X2K_NONNULL(1);
void x2k_ssh_free(struct x2k_ssh *s);          /* NULL ok */
X2K_DEFINE_AUTO(x2k_ssh, x2k_ssh_free)

/* Whether only the OpenSSH client talks to S's host: it has only an
 * RSA host key, which libssh2 1.10 cannot verify, so every command (and
 * the copy) runs through `ssh' (x2k_ssh_openssh_argv), the host key
 * checked beforehand as for libssh2 and again by ssh against the same
 * known_hosts (StrictHostKeyChecking=yes).  Such a session has no
 * libssh2 session (x2k_ssh_raw_session is NULL: no SFTP). */
bool x2k_ssh_uses_openssh(const struct x2k_ssh *s) X2K_NONNULL(1);

/* The argv of the OpenSSH client running CMD (NULL: none) on S's host,
 * as S logged in: BatchMode=yes, StrictHostKeyChecking=yes, the
 * known_hosts file S's host key was checked against and no other, the
 * key S logged in with.  Free with x2k_argv_free. */
char **x2k_ssh_openssh_argv(const struct x2k_ssh *s, const char *cmd)
    X2K_NONNULL(1);

/* Whether ERRTEXT (the OpenSSH client's stderr) says it refused the
 * host key: such a failure never falls back to another client. */
bool x2k_ssh_is_hostkey_failure(const char *errtext);

/* How the session authenticated: "agent", "publickey", "password" or
 * "keyboard-interactive".  Borrowed. */
const char *x2k_ssh_auth_method(const struct x2k_ssh *s) X2K_NONNULL(1);
/* The key file that worked (publickey), or NULL.  Borrowed. */
const char *x2k_ssh_auth_keyfile(const struct x2k_ssh *s) X2K_NONNULL(1);

/* The version of the libssh2 library this process runs with
 * ("1.10.0").  Static. */
const char *x2k_ssh_lib_version(void);

/* Run CMD (already quoted by the caller with x2k_shell_quote) and
 * collect everything.  STDIN_DATA may be NULL.  OUT/ERROUT may be NULL
 * (then discarded); else caller frees (never NULL on success).
 * TIMEOUT_MS <= 0: no limit.  Returns 0 when the command ran (exit
 * status in *EXIT_STATUS, -1 if killed by a signal), -1 on transport
 * error/timeout/cancel. */
int x2k_ssh_exec(struct x2k_ssh *s, const char *cmd,
                 const void *stdin_data, size_t stdin_len, int timeout_ms,
                 char **out, char **errout, int *exit_status,
                 struct x2k_error *err) X2K_NONNULL(1, 2, 8);

/* Same, but a non-zero exit status is an error too (X2K_ERR_REMOTE, with
 * stderr as the detail).  OUT may be NULL. */
int x2k_ssh_run(struct x2k_ssh *s, const char *cmd, int timeout_ms,
                char **out, struct x2k_error *err) X2K_NONNULL(1, 2);

/* Streaming exec for bulk data. */
struct x2k_ssh_chan *x2k_ssh_exec_start(struct x2k_ssh *s, const char *cmd,
                                        struct x2k_error *err)
    X2K_NONNULL(1, 2);
/* Read stdout: >0 bytes, 0 = EOF, -1 error (timeout_ms < 0 = forever;
 * cancel checked every <= 200 ms).  Stderr is collected on the side. */
ssize_t x2k_ssh_chan_read(struct x2k_ssh_chan *c, void *buf, size_t n,
                          int timeout_ms, struct x2k_error *err)
    X2K_NONNULL(1, 2);
/* Write all N bytes to the command's stdin.  0 or -1. */
int x2k_ssh_chan_write(struct x2k_ssh_chan *c, const void *buf, size_t n,
                       struct x2k_error *err) X2K_NONNULL(1);
int x2k_ssh_chan_send_eof(struct x2k_ssh_chan *c, struct x2k_error *err)
    X2K_NONNULL(1);
/* Wait for the end; sets *EXIT_STATUS and (if not NULL) stderr text
 * (caller frees); frees C in every case (NULL: returns -1). */
int x2k_ssh_chan_close(struct x2k_ssh_chan *c, int *exit_status,
                       char **stderr_text, struct x2k_error *err);

/* Build connection options from PLAN: ssh_host/ssh_user/ssh_port first,
 * else the host/user/port of the plan's source URI; identity,
 * known_hosts, accept_host_key, legacy_ssh; the password is read from
 * --password-file into *PASSWORD (a secret: the caller wipes it with
 * x2k_secret_free as soon as it has logged in), unless PASSWORD is
 * NULL.  OPTS borrows strings from PLAN and from *HOST_OUT / *USER_OUT
 * (caller frees those).  -1 when no host is known or the password file
 * cannot be read or is not private. */
int x2k_ssh_opts_from_plan(const struct x2k_plan *plan,
                           struct x2k_ssh_opts *opts, char **host_out,
                           char **user_out, char **password,
                           struct x2k_error *err) X2K_NONNULL(1, 2, 3, 4);

/* Read the first line of a password file (trailing newline removed);
 * a file others may read (mode & 077) is refused (X2K_ERR_SSH_AUTH).
 * A secret: the caller wipes it with x2k_secret_free. */
char *x2k_ssh_read_password_file(const char *path, struct x2k_error *err)
    X2K_NONNULL(1);

/* For modules that drive libssh2 directly on this session (the SFTP
 * disk reader in core/transfer): the session (non-blocking; NULL when
 * x2k_ssh_uses_openssh), and a wait
 * until its socket is ready in the direction libssh2 needs (<= 200 ms;
 * -1 with ERR set on cancellation or when TIMEOUT_MS, if > 0, passed
 * since START, an x2k_now() value). */
struct _LIBSSH2_SESSION *x2k_ssh_raw_session(struct x2k_ssh *s)
    X2K_NONNULL(1);
int x2k_ssh_wait(struct x2k_ssh *s, double start, int timeout_ms,
                 struct x2k_error *err) X2K_NONNULL(1);

/* Key setup: the tool gives the user a key login to the Xen host (no
 * password, no prompt), which libvirt's xen+ssh transport needs. */

/* Default private key path to use: IDENTITY if set, else the first of
 * ~/.ssh/id_ed25519, id_ecdsa, id_rsa that exists, else NULL. */
char *x2k_ssh_default_identity(const char *identity);

/* True when OpenSSH's ssh, as libvirt's ssh transport runs it, trusts
 * the host key S was opened with: an entry of ~/.ssh/known_hosts in
 * the passwd entry's home (ssh ignores $HOME and --known-hosts) or of
 * /etc/ssh/ssh_known_hosts matches it.  *USER_FILE (if not NULL) gets
 * the first file's path, or NULL (caller frees). */
bool x2k_ssh_openssh_knows_host(struct x2k_ssh *s, char **user_file)
    X2K_NONNULL(1);

/* True when OpenSSH's ssh run without -i (as libvirt's ssh transport
 * runs it) offers the key PATH: one of its default identity files in
 * the passwd entry's home directory, which ssh uses whatever $HOME
 * says.  False means a URI must name the key (?keyfile=). */
bool x2k_ssh_key_is_default(const char *path) X2K_NONNULL(1);

/* Create an ed25519 key pair at PATH (and PATH.pub) with no passphrase
 * using ssh-keygen, creating the directory 0700.  Fails if PATH exists. */
int x2k_ssh_keygen(const char *path, struct x2k_error *err) X2K_NONNULL(1);

/* Append PUBKEY_PATH's key to the remote ~/.ssh/authorized_keys over S
 * (creating ~/.ssh 0700 and the file 0600) unless the key is already
 * there.  *ADDED (if not NULL) says whether a line was appended. */
int x2k_ssh_install_key(struct x2k_ssh *s, const char *pubkey_path,
                        bool *added, struct x2k_error *err)
    X2K_NONNULL(1, 2);

enum x2k_agent_state {
    X2K_AGENT_NONE,                /* no SSH_AUTH_SOCK or not reachable */
    X2K_AGENT_RUNNING,             /* agent up, key not loaded */
    X2K_AGENT_KEY_LOADED,          /* agent holds the public key asked for */
};
/* Whether an ssh-agent runs and holds the key of PUBKEY_PATH (NULL: any
 * key). */
enum x2k_agent_state x2k_ssh_agent_state(const char *pubkey_path);

/* The outcome of the whole key setup: pick or create a key, install it
 * with one password login, prove that the key alone logs in. */
struct x2k_key_setup {
    char *key_path;                /* private key used */
    bool created;                  /* a new ed25519 pair was generated */
    bool installed;                /* its line was appended remotely */
    bool is_default;               /* a key ssh (and libvirt) finds alone:
                                    * x2k_ssh_key_is_default */
    enum x2k_agent_state agent;    /* whether ssh-agent holds the key */
    char *uri;                     /* xen+ssh URI, ?keyfile= if needed */
};

/* Use IDENTITY, else the first default key, else create
 * ~/.ssh/id_ed25519; log in with OPTS (typically with the password) and
 * install the public key (idempotent); then prove that a login with
 * only that key works (no password, no agent).  RES is filled (clear
 * with x2k_key_setup_clear) even on failure, as far as it got. */
int x2k_ssh_setup_key(const struct x2k_ssh_opts *opts, const char *identity,
                      struct x2k_key_setup *res, struct x2k_error *err)
    X2K_NONNULL(1, 3);
void x2k_key_setup_clear(struct x2k_key_setup *res);

#endif /* X2K_SSH_H */

/* The OpenSSH client as the tool's ssh: the argv of every `ssh' it runs
 * (the bulk data path, and every command on a host libssh2 cannot talk
 * to), always with BatchMode, StrictHostKeyChecking=yes and the very
 * known_hosts file core/ssh checked the host key against; the detection
 * of such a host (only RSA host keys: libssh2 1.10 has no rsa-sha2, and
 * OpenSSH 9 refuses ssh-rsa signatures), its host key through
 * ssh-keyscan, the login, the spawn of one command, and what the
 * client's failures mean.  Runs on the thread that owns the session.
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

#include <libssh2.h>

#include "base/i18n.h"
#include "base/log.h"
#include "plan/options.h"
#include "ssh/ssh-internal.h"

extern char **environ;

#define KEYSCAN_MAX (64 * 1024)

bool
x2k_ssh_uses_openssh(const struct x2k_ssh *s)
{
    return s->openssh;
}

/* Append S to the NULL-terminated *ARGV of *N entries. */
static void
push(char ***argv, size_t *n, char *s)
{
    *argv = x2k_xreallocarray(*argv, *n + 2, sizeof **argv);
    (*argv)[(*n)++] = s;
    (*argv)[*n] = NULL;
}

/* Append "-o" and the option VALUE. */
static void
push_opt(char ***argv, size_t *n, char *value)
{
    push(argv, n, x2k_xstrdup("-o"));
    push(argv, n, value);
}

char **
x2k_ssh_openssh_argv(const struct x2k_ssh *s, const char *cmd)
{
    char **argv = NULL;
    size_t n = 0, i;

    push(&argv, &n, x2k_xstrdup("ssh"));
    push(&argv, &n, x2k_xstrdup("-F"));
    push(&argv, &n, x2k_xstrdup("/dev/null"));
    push_opt(&argv, &n, x2k_xstrdup("BatchMode=yes"));
    push_opt(&argv, &n, x2k_xstrdup("StrictHostKeyChecking=yes"));
    /* The file core/ssh decided with, and no other. */
    push_opt(&argv, &n, x2k_strdup_printf("UserKnownHostsFile=%s",
                                          s->known_hosts ? s->known_hosts
                                                         : "/dev/null"));
    push_opt(&argv, &n, x2k_xstrdup("GlobalKnownHostsFile=/dev/null"));
    push_opt(&argv, &n, x2k_xstrdup("CheckHostIP=no"));
    push_opt(&argv, &n, x2k_xstrdup("UpdateHostKeys=no"));
    /* AES-GCM first: with AES-NI it costs half of chacha20-poly1305
     * (measured: 1 GiB in 1.1-1.6 s against 2.0-2.3 s on loopback). */
    push_opt(&argv, &n, x2k_xstrdup(
        s->legacy
            ? "Ciphers=aes128-gcm@openssh.com,aes256-gcm@openssh.com,"
              "chacha20-poly1305@openssh.com,aes128-ctr,aes256-ctr,aes128-cbc"
            : "Ciphers=aes128-gcm@openssh.com,aes256-gcm@openssh.com,"
              "chacha20-poly1305@openssh.com,aes128-ctr,aes256-ctr"));
    push_opt(&argv, &n, x2k_xstrdup("Compression=no"));
    push_opt(&argv, &n, x2k_xstrdup("ConnectTimeout=20"));
    push_opt(&argv, &n, x2k_xstrdup("ServerAliveInterval=15"));
    push_opt(&argv, &n, x2k_xstrdup("ServerAliveCountMax=8"));
    if (s->legacy) {
        push_opt(&argv, &n, x2k_xstrdup("HostKeyAlgorithms=+ssh-rsa"));
        push_opt(&argv, &n, x2k_xstrdup("PubkeyAcceptedAlgorithms=+ssh-rsa"));
        push_opt(&argv, &n, x2k_xstrdup(
            "KexAlgorithms=+diffie-hellman-group14-sha1,"
            "diffie-hellman-group1-sha1"));
    }
    if (s->no_agent)
        push_opt(&argv, &n, x2k_xstrdup("IdentityAgent=none"));
    if (s->auth_keyfile && x2k_str_equal(s->auth_method, "publickey")) {
        /* libssh2 logged in with this key: the same one. */
        push_opt(&argv, &n, x2k_xstrdup("IdentitiesOnly=yes"));
        push(&argv, &n, x2k_xstrdup("-i"));
        push(&argv, &n, x2k_xstrdup(s->auth_keyfile));
    } else if (s->openssh) {
        if (s->identities_only)
            push_opt(&argv, &n, x2k_xstrdup("IdentitiesOnly=yes"));
        for (i = 0; s->identities && s->identities[i]; i++) {
            push(&argv, &n, x2k_xstrdup("-i"));
            push(&argv, &n, x2k_xstrdup(s->identities[i]));
        }
    }
    push(&argv, &n, x2k_xstrdup("-p"));
    push(&argv, &n, x2k_strdup_printf("%d", s->port));
    push(&argv, &n, x2k_xstrdup("-l"));
    push(&argv, &n, x2k_xstrdup(s->user));
    push(&argv, &n, x2k_xstrdup("--"));
    push(&argv, &n, x2k_xstrdup(s->host));
    if (cmd)
        push(&argv, &n, x2k_xstrdup(cmd));
    return argv;
}

enum x2k_errcode
ssh_openssh_failure(const char *errtext)
{
    if (!errtext)
        return X2K_ERR_SSH_CONNECT;
    if (strstr(errtext, "Host key verification failed") ||
        strstr(errtext, "REMOTE HOST IDENTIFICATION HAS CHANGED") ||
        strstr(errtext, "host key is known for") ||
        strstr(errtext, "No matching host key type found"))
        return X2K_ERR_SSH_HOSTKEY;
    if (strstr(errtext, "Permission denied") ||
        strstr(errtext, "Too many authentication failures"))
        return X2K_ERR_SSH_AUTH;
    return X2K_ERR_SSH_CONNECT;
}

bool
x2k_ssh_is_hostkey_failure(const char *errtext)
{
    return errtext && ssh_openssh_failure(errtext) == X2K_ERR_SSH_HOSTKEY;
}

/* Run ARGV (a program on PATH) with no stdin; its stdout (at most
 * KEYSCAN_MAX bytes) into *OUT and stderr into *ERRTEXT, waiting at most
 * TIMEOUT_MS (then it is killed) and honouring S's cancellation.  Its
 * exit status, or -1 (killed, or not started: ERR set). */
static int
run_collect(struct x2k_ssh *s, char *const argv[], int timeout_ms,
            char **out, char **errtext, struct x2k_error *err)
{
    posix_spawn_file_actions_t fa;
    struct x2k_buf ob = { 0 }, eb = { 0 };
    double deadline = x2k_now() + timeout_ms / 1000.0;
    int po[2] = { -1, -1 }, pe[2] = { -1, -1 };
    int r, status = 0, open_fds = 2;
    pid_t pid;

    *out = *errtext = NULL;
    if (pipe2(po, O_CLOEXEC) < 0 || pipe2(pe, O_CLOEXEC) < 0) {
        x2k_error_set_errno(err, X2K_ERR_IO, errno,
                            _("Cannot run %1$s."), argv[0]);
        goto fail_pipes;
    }
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&fa, po[1], 1);
    posix_spawn_file_actions_adddup2(&fa, pe[1], 2);
    r = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    close(po[1]);
    close(pe[1]);
    po[1] = pe[1] = -1;
    if (r != 0) {
        x2k_error_set_errno(err, X2K_ERR_IO, r,
                            _("Cannot run %1$s (install openssh-client)."),
                            argv[0]);
        goto fail_pipes;
    }
    while (open_fds > 0) {
        struct pollfd p[2] = { { .fd = po[0], .events = POLLIN },
                               { .fd = pe[0], .events = POLLIN } };
        char buf[8192];
        int k;

        if ((s->reporter && x2k_reporter_is_cancelled(s->reporter)) ||
            x2k_now() >= deadline) {
            kill(pid, SIGTERM);
            break;
        }
        if (poll(p, 2, 200) < 0 && errno != EINTR)
            break;
        for (k = 0; k < 2; k++) {
            struct x2k_buf *b = k == 0 ? &ob : &eb;
            int *fd = k == 0 ? &po[0] : &pe[0];
            ssize_t n;

            if (*fd < 0 || !p[k].revents)
                continue;
            n = read(*fd, buf, sizeof buf);
            if (n > 0 && b->len < KEYSCAN_MAX)
                x2k_buf_append(b, buf, (size_t)n);
            if (n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN)) {
                close(*fd);
                *fd = -1;
                open_fds--;
            }
        }
    }
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    if (po[0] >= 0)
        close(po[0]);
    if (pe[0] >= 0)
        close(pe[0]);
    *out = x2k_buf_steal(&ob);
    *errtext = x2k_buf_steal(&eb);
    if (s->reporter && x2k_reporter_is_cancelled(s->reporter)) {
        x2k_error_set(err, X2K_ERR_CANCELLED, _("Cancelled."));
        return -1;
    }
    if (!WIFEXITED(status)) {
        x2k_error_set(err, X2K_ERR_TIMEOUT,
                      _("An SSH operation on %1$s timed out."), s->host);
        return -1;
    }
    return WEXITSTATUS(status);

fail_pipes:
    for (r = 0; r < 2; r++) {
        if (po[r] >= 0)
            close(po[r]);
        if (pe[r] >= 0)
            close(pe[r]);
    }
    return -1;
}

/* The host keys ssh-keyscan gets from S's server: whether it has any
 * but RSA ones, and the RSA key blob. */
static int
keyscan(struct x2k_ssh *s, int timeout_ms, bool *others,
        unsigned char **rsa, size_t *rsa_len, struct x2k_error *err)
{
    X2K_AUTOFREE char *port = x2k_strdup_printf("%d", s->port);
    X2K_AUTOFREE char *secs = x2k_strdup_printf("%d", timeout_ms / 1000 > 0
                                                          ? timeout_ms / 1000
                                                          : 1);
    char *argv[] = { (char *)"ssh-keyscan", (char *)"-T", secs, (char *)"-p",
                     port, (char *)"-t", (char *)"rsa,ecdsa,ed25519",
                     (char *)"--", s->host, NULL };
    X2K_AUTOFREE char *out = NULL;
    X2K_AUTOFREE char *errtext = NULL;
    char *line, *save = NULL;

    *others = false;
    *rsa = NULL;
    *rsa_len = 0;
    if (run_collect(s, argv, timeout_ms + 2000, &out, &errtext, err) < 0)
        return -1;
    for (line = strtok_r(out, "\n", &save); line;
         line = strtok_r(NULL, "\n", &save)) {
        char *f[3], *w, *wsave = NULL;
        int nf = 0;

        if (line[0] == '#')
            continue;
        for (w = strtok_r(line, " \t\r", &wsave); w && nf < 3;
             w = strtok_r(NULL, " \t\r", &wsave))
            f[nf++] = w;
        if (nf < 3)
            continue;
        if (strcmp(f[1], "ssh-rsa") != 0) {
            *others = true;
        } else if (!*rsa) {
            ssh_b64_decode(f[2], rsa, rsa_len);
        }
    }
    x2k_log(X2K_LOG_DEBUG, "ssh-keyscan %s:%d: %s%s", s->host, s->port,
            *rsa ? "an RSA key" : "no RSA key",
            *others ? " and keys of other types" : "");
    return 0;
}

int
ssh_openssh_take_over(struct x2k_ssh *s, const struct x2k_ssh_opts *o,
                      int timeout_ms, struct x2k_error *err)
{
    unsigned char *rsa = NULL;
    size_t rsa_len = 0, i, n = 0;
    bool others;

    if (keyscan(s, timeout_ms, &others, &rsa, &rsa_len, err) < 0)
        return -1;
    if (others || !rsa) {
        free(rsa);
        return 0;
    }
    x2k_log(X2K_LOG_INFO,
            "ssh: %s port %d has only an RSA host key, which libssh2 cannot "
            "verify: every command goes through the OpenSSH client",
            s->host, s->port);
    s->openssh = true;
    free(s->hostkey);
    s->hostkey = rsa;
    s->hostkey_len = rsa_len;
    s->hostkey_type = LIBSSH2_HOSTKEY_TYPE_RSA;
    s->no_agent = o->no_agent;
    /* The keys libssh2 would have tried, in its order. */
    if (o->identity) {
        s->identities = x2k_xcalloc(2, sizeof *s->identities);
        s->identities[0] = x2k_xstrdup(o->identity);
        s->identities_only = true;
    } else {
        s->identities = x2k_xcalloc(SSH_N_DEFAULT_KEYS + 1,
                                    sizeof *s->identities);
        for (i = 0; i < SSH_N_DEFAULT_KEYS; i++) {
            char *k = ssh_home_path(ssh_default_keys[i]);

            if (access(k, R_OK) == 0)
                s->identities[n++] = k;
            else
                free(k);
        }
    }
    return 1;
}

int
ssh_openssh_login(struct x2k_ssh *s, const struct x2k_ssh_opts *o,
                  int timeout_ms, struct x2k_error *err)
{
    char **argv = x2k_ssh_openssh_argv(s, "true");
    X2K_AUTOFREE char *out = NULL;
    X2K_AUTOFREE char *errtext = NULL;
    int rc = run_collect(s, argv, timeout_ms, &out, &errtext, err);
    enum x2k_errcode code;

    x2k_argv_free(argv);
    if (rc < 0)
        return -1;
    if (rc == 0) {
        s->auth_method = "publickey";
        if (s->identities_only && s->identities)
            x2k_str_replace(&s->auth_keyfile, s->identities[0]);
        return 0;
    }
    code = ssh_openssh_failure(errtext);
    if (code == X2K_ERR_SSH_AUTH && o->password)
        x2k_error_set(err, X2K_ERR_SSH_AUTH,
                      _("%1$s port %2$d has only an RSA host key, so the tool talks to it through the OpenSSH client, which cannot be given a password: set up a key login (the wizard's SSH screen, or ssh-copy-id) and use --identity."),
                      s->host, s->port);
    else if (code == X2K_ERR_SSH_AUTH)
        x2k_error_set(err, X2K_ERR_SSH_AUTH,
                      _("The SSH login to %1$s as %2$s failed through the OpenSSH client (the host has only an RSA host key): no key or agent key was accepted."),
                      s->host, s->user);
    else if (code == X2K_ERR_SSH_HOSTKEY)
        x2k_error_set(err, X2K_ERR_SSH_HOSTKEY,
                      _("The OpenSSH client refused the host key of %1$s port %2$d (checked against %3$s)."),
                      s->host, s->port, s->known_hosts);
    else
        x2k_error_set(err, X2K_ERR_SSH_CONNECT,
                      _("The OpenSSH client could not connect to %1$s port %2$d."),
                      s->host, s->port);
    x2k_error_set_detail(err, errtext);
    return -1;
}

int
ssh_openssh_spawn(struct x2k_ssh *s, const char *cmd, pid_t *pid,
                  int *in_fd, int *out_fd, int *err_fd,
                  struct x2k_error *err)
{
    posix_spawn_file_actions_t fa;
    char **argv = x2k_ssh_openssh_argv(s, cmd);
    int pi[2] = { -1, -1 }, po[2] = { -1, -1 }, pe[2] = { -1, -1 };
    int r, i;

    if (pipe2(pi, O_CLOEXEC) < 0 || pipe2(po, O_CLOEXEC) < 0 ||
        pipe2(pe, O_CLOEXEC) < 0) {
        r = errno;
        goto fail;
    }
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, pi[0], 0);
    posix_spawn_file_actions_adddup2(&fa, po[1], 1);
    posix_spawn_file_actions_adddup2(&fa, pe[1], 2);
    r = posix_spawnp(pid, argv[0], &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    if (r != 0)
        goto fail;
    close(pi[0]);
    close(po[1]);
    close(pe[1]);
    *in_fd = pi[1];
    *out_fd = po[0];
    *err_fd = pe[0];
    fcntl(*in_fd, F_SETFL, O_NONBLOCK);
    fcntl(*out_fd, F_SETFL, O_NONBLOCK);
    fcntl(*err_fd, F_SETFL, O_NONBLOCK);
    x2k_argv_free(argv);
    return 0;
fail:
    for (i = 0; i < 2; i++) {
        if (pi[i] >= 0)
            close(pi[i]);
        if (po[i] >= 0)
            close(po[i]);
        if (pe[i] >= 0)
            close(pe[i]);
    }
    x2k_argv_free(argv);
    x2k_error_set_errno(err, X2K_ERR_SSH, r,
                        _("Could not run a command on %1$s."), s->host);
    return -1;
}

/* Exec channels on a session: start a remote command, stream its
 * stdout and stdin, collect its stderr on the side (bounded), and wait
 * for its exit status; x2k_ssh_exec and x2k_ssh_run run one command to
 * the end.  A channel is a libssh2 channel, or, on a host only the
 * OpenSSH client talks to, an `ssh' child with three pipes.  Channels
 * are non-blocking and wait in slices of at most 200 ms so that
 * timeouts and cancellation are honoured.  Runs on the thread that owns
 * the session.
 */
#include <config.h>

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>

#include <libssh2.h>

#include "base/i18n.h"
#include "base/log.h"
#include "ssh/ssh-internal.h"

/* Channel window and packet size, and how much stderr is kept. */
#define SSH_WINDOW (16u * 1024 * 1024)
#define SSH_PACKET 32768
#define SSH_STDERR_MAX (1024 * 1024)

/* One exec channel on session S. */
struct x2k_ssh_chan {
    struct x2k_ssh *s;
    LIBSSH2_CHANNEL *ch;
    pid_t pid;                      /* the OpenSSH client, or 0 */
    int in_fd, out_fd, err_fd;      /* its pipes, -1 once closed */
    struct x2k_buf errbuf;
    bool eof;
};

/* ---- Through the OpenSSH client (x2k_ssh_uses_openssh). ---- */

/* Start CMD in an `ssh' child. */
static struct x2k_ssh_chan *
ossh_start(struct x2k_ssh *s, const char *cmd, struct x2k_error *err)
{
    struct x2k_ssh_chan *c = x2k_xcalloc(1, sizeof(*c));

    c->s = s;
    x2k_log(X2K_LOG_DEBUG, "ssh exec (OpenSSH client): %s", cmd);
    if (ssh_openssh_spawn(s, cmd, &c->pid, &c->in_fd, &c->out_fd,
                          &c->err_fd, err) < 0) {
        free(c);
        return NULL;
    }
    return c;
}

/* Move what the child wrote to stderr into C's buffer (bounded). */
static void
ossh_drain_stderr(struct x2k_ssh_chan *c)
{
    char tmp[8192];
    ssize_t r;

    while (c->err_fd >= 0) {
        r = read(c->err_fd, tmp, sizeof(tmp));
        if (r > 0) {
            if (c->errbuf.len < SSH_STDERR_MAX)
                x2k_buf_append(&c->errbuf, tmp, r);
            continue;
        }
        if (r < 0 && errno == EINTR)
            continue;
        if (r == 0 || errno != EAGAIN) {
            close(c->err_fd);
            c->err_fd = -1;
        }
        break;
    }
}

/* Wait at most one slice for FD (EVENTS) or stderr, honouring the
 * session's cancellation and DEADLINE (0 = none). */
static int
ossh_wait(struct x2k_ssh_chan *c, int fd, short events, double deadline,
          struct x2k_error *err)
{
    struct pollfd p[2] = { { .fd = fd, .events = events },
                           { .fd = c->err_fd, .events = POLLIN } };

    if (c->s->reporter && x2k_reporter_is_cancelled(c->s->reporter)) {
        x2k_error_set(err, X2K_ERR_CANCELLED, _("Cancelled."));
        return -1;
    }
    if (deadline > 0 && x2k_now() >= deadline) {
        x2k_error_set(err, X2K_ERR_TIMEOUT,
                      _("An SSH operation on %1$s timed out."), c->s->host);
        return -1;
    }
    if (poll(p, 2, 200) < 0 && errno != EINTR) {
        x2k_error_set_errno(err, X2K_ERR_SSH, errno,
                            _("Waiting for the SSH server %1$s failed."),
                            c->s->host);
        return -1;
    }
    if (p[1].revents)
        ossh_drain_stderr(c);
    return 0;
}

/* Read the child's stdout. */
static ssize_t
ossh_read(struct x2k_ssh_chan *c, void *buf, size_t n, double deadline,
          struct x2k_error *err)
{
    ssize_t r;

    for (;;) {
        if (c->eof)
            return 0;
        r = read(c->out_fd, buf, n);
        if (r > 0)
            return r;
        if (r == 0) {
            c->eof = true;
            return 0;
        }
        if (errno != EAGAIN && errno != EINTR) {
            x2k_error_set_errno(err, X2K_ERR_SSH, errno,
                                _("Reading from the SSH channel to %1$s failed."),
                                c->s->host);
            return -1;
        }
        if (ossh_wait(c, c->out_fd, POLLIN, deadline, err) < 0)
            return -1;
    }
}

/* Write all of BUF to the child's stdin. */
static int
ossh_write(struct x2k_ssh_chan *c, const void *buf, size_t n,
           struct x2k_error *err)
{
    const char *p = buf;
    ssize_t r;

    while (n > 0) {
        r = c->in_fd >= 0 ? write(c->in_fd, p, n) : -1;
        if (r > 0) {
            p += r;
            n -= (size_t)r;
            continue;
        }
        if (c->in_fd < 0 || (errno != EAGAIN && errno != EINTR)) {
            x2k_error_set_errno(err, X2K_ERR_SSH, errno,
                                _("Writing to the SSH channel to %1$s failed."),
                                c->s->host);
            return -1;
        }
        if (ossh_wait(c, c->in_fd, POLLOUT, 0, err) < 0)
            return -1;
    }
    return 0;
}

/* Reap the child: its exit status (-1 if killed) and stderr. */
static void
ossh_close(struct x2k_ssh_chan *c, int *exit_status)
{
    int status = 0;

    if (c->in_fd >= 0)
        close(c->in_fd);
    /* Closing before the end: stop the client (and so the command). */
    if (!c->eof)
        kill(c->pid, SIGTERM);
    close(c->out_fd);
    while (waitpid(c->pid, &status, 0) < 0 && errno == EINTR)
        ;
    ossh_drain_stderr(c);
    if (c->err_fd >= 0)
        close(c->err_fd);
    if (exit_status)
        *exit_status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* ---- libssh2 channels. ---- */

/* Open a channel on S and start CMD on it. */
struct x2k_ssh_chan *
x2k_ssh_exec_start(struct x2k_ssh *s, const char *cmd, struct x2k_error *err)
{
    struct x2k_ssh_chan *c;
    LIBSSH2_CHANNEL *ch;
    double deadline = ssh_deadline(X2K_SSH_DEFAULT_TIMEOUT_MS);
    int r;

    if (s->openssh)
        return ossh_start(s, cmd, err);

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
    c->in_fd = c->out_fd = c->err_fd = -1;
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

/* Read the command's stdout into BUF. */
ssize_t
x2k_ssh_chan_read(struct x2k_ssh_chan *c, void *buf, size_t n,
                  int timeout_ms, struct x2k_error *err)
{
    double deadline = timeout_ms < 0 ? 0
                      : ssh_deadline(timeout_ms ? timeout_ms : 1);
    ssize_t r;

    if (c->pid)
        return ossh_read(c, buf, n, deadline, err);
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

/* Write BUF to the command's stdin. */
int
x2k_ssh_chan_write(struct x2k_ssh_chan *c, const void *buf, size_t n,
                   struct x2k_error *err)
{
    const char *p = buf;
    ssize_t r;

    if (c->pid)
        return ossh_write(c, buf, n, err);
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

/* Close the command's stdin. */
int
x2k_ssh_chan_send_eof(struct x2k_ssh_chan *c, struct x2k_error *err)
{
    double deadline = ssh_deadline(X2K_SSH_DEFAULT_TIMEOUT_MS);
    int r;

    if (c->pid) {
        if (c->in_fd >= 0)
            close(c->in_fd);
        c->in_fd = -1;
        return 0;
    }
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

/* Wait for the command's end, take its status and stderr, free C. */
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
    if (c->pid) {
        ossh_close(c, exit_status);
        goto done;
    }
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
done:
    if (stderr_text)
        *stderr_text = x2k_buf_steal(&c->errbuf);
    x2k_buf_clear(&c->errbuf);
    free(c);
    return rc;
}

/* x2k_ssh_exec through the OpenSSH client: feed STDIN_DATA, collect
 * stdout until its end. */
static int
ossh_exec(struct x2k_ssh *s, const char *cmd, const void *stdin_data,
          size_t stdin_len, int timeout_ms, char **out, char **errout,
          int *exit_status, struct x2k_error *err)
{
    double deadline = ssh_deadline(timeout_ms);
    struct x2k_buf ob = { 0 };
    struct x2k_ssh_chan *c = ossh_start(s, cmd, err);
    const char *in = stdin_data;
    size_t inleft = stdin_data ? stdin_len : 0;
    char buf[65536];

    if (!c)
        return -1;
    while (!c->eof) {
        struct pollfd p[3] = { { .fd = c->out_fd, .events = POLLIN },
                               { .fd = c->err_fd, .events = POLLIN },
                               { .fd = c->in_fd, .events = POLLOUT } };
        ssize_t r;

        if (c->in_fd >= 0 && inleft == 0) {
            close(c->in_fd);
            c->in_fd = p[2].fd = -1;
        }
        if ((s->reporter && x2k_reporter_is_cancelled(s->reporter)) ||
            (deadline > 0 && x2k_now() >= deadline)) {
            if (s->reporter && x2k_reporter_is_cancelled(s->reporter))
                x2k_error_set(err, X2K_ERR_CANCELLED, _("Cancelled."));
            else
                x2k_error_set(err, X2K_ERR_TIMEOUT,
                              _("An SSH operation on %1$s timed out."),
                              s->host);
            x2k_ssh_chan_close(c, NULL, NULL, NULL);
            x2k_buf_clear(&ob);
            return -1;
        }
        if (poll(p, 3, 200) < 0 && errno != EINTR)
            break;
        if (p[1].revents)
            ossh_drain_stderr(c);
        if (p[2].revents & POLLOUT) {
            r = write(c->in_fd, in, inleft);
            if (r > 0) {
                in += r;
                inleft -= (size_t)r;
            } else if (r < 0 && errno != EAGAIN && errno != EINTR) {
                inleft = 0;     /* it does not read its stdin */
            }
        } else if (p[2].revents) {
            inleft = 0;
        }
        if (p[0].revents) {
            r = read(c->out_fd, buf, sizeof(buf));
            if (r > 0)
                x2k_buf_append(&ob, buf, (size_t)r);
            else if (r == 0 || (errno != EAGAIN && errno != EINTR))
                c->eof = true;
        }
    }
    x2k_ssh_chan_close(c, exit_status, errout, NULL);
    if (out)
        *out = x2k_buf_steal(&ob);
    else
        x2k_buf_clear(&ob);
    return 0;
}

/* Run CMD to its end, feeding STDIN_DATA and collecting its output. */
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
    if (s->openssh)
        return ossh_exec(s, cmd, stdin_data, stdin_len, timeout_ms, out,
                         errout, exit_status, err);
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

/* Run CMD; a non-zero exit status is an error. */
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

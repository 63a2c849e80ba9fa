/* The virt-v2v engine (see v2v.h): presence probe, argv construction
 * and the child process runner; the --machine-readable output parser is
 * v2v-parse.c.  The child is started with posix_spawn (no shell, no
 * fork in a threaded program); its stdout and stderr are two pipes read
 * with poll() on the engine's thread, which also polls for cancellation.
 */
#include <config.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/fsutil.h"
#include "base/i18n.h"
#include "base/log.h"
#include "base/shquote.h"
#include "convert/kvm.h"
#include "engine/v2v.h"
#include "plan/options.h"

extern char **environ;

/* ---- argv ------------------------------------------------------------ */

struct argv_builder {
    char **v;
    size_t n;
};

/* Append a copy of S to the argv being built. */
static void
push(struct argv_builder *a, const char *s)
{
    a->v = x2k_xreallocarray(a->v, a->n + 2, sizeof *a->v);
    a->v[a->n++] = x2k_xstrdup(s);
    a->v[a->n] = NULL;
}

char **
x2k_v2v_build_argv(const struct x2k_plan *plan, const char *libvirtxml,
                   const char *program, struct x2k_error *err)
{
    struct argv_builder a = { NULL, 0 };
    const char *positional;
    char *uri = NULL;
    size_t i;

    if (!libvirtxml && plan->mode == X2K_MODE_LIBVIRTXML)
        libvirtxml = plan->input_xml;
    if (libvirtxml) {
        positional = libvirtxml;
    } else {
        uri = x2k_plan_source_uri(plan);
        positional = plan->vm_name;
        if (!uri || x2k_str_is_empty(positional)) {
            x2k_error_set(err, X2K_ERR_INVALID,
                          _("virt-v2v needs the Xen host's URI and the "
                            "guest's name"));
            goto fail;
        }
    }
    if (plan->output == X2K_OUTPUT_LOCAL &&
        x2k_str_is_empty(plan->output_dir)) {
        x2k_error_set(err, X2K_ERR_INVALID,
                      _("virt-v2v's local output needs --output-dir"));
        goto fail;
    }

    push(&a, program ? program : "virt-v2v");
    push(&a, "-i");
    if (libvirtxml) {
        push(&a, "libvirtxml");
    } else {
        push(&a, "libvirt");
        push(&a, "-ic");
        push(&a, uri);
    }
    push(&a, "-o");
    if (plan->output == X2K_OUTPUT_LOCAL) {
        push(&a, "local");
        push(&a, "-os");
        push(&a, plan->output_dir);
    } else {
        push(&a, "libvirt");
        if (plan->target_uri) {
            push(&a, "-oc");
            push(&a, plan->target_uri);
        }
        push(&a, "-os");
        push(&a, plan->pool ? plan->pool : X2K_DEFAULT_POOL);
    }
    for (i = 0; i < plan->n_nets; i++) {
        const struct x2k_netmap *m = &plan->nets[i];
        char *arg = m->in ? x2k_strdup_printf("%s:%s", m->in, m->out)
                          : x2k_xstrdup(m->out);

        push(&a, m->kind == X2K_NET_BRIDGE ? "--bridge" : "--network");
        push(&a, arg);
        free(arg);
    }
    push(&a, "-of");
    push(&a, x2k_format_name(plan->format));
    push(&a, "-oa");
    push(&a, x2k_alloc_name(plan->allocation));
    if (!x2k_str_is_empty(plan->new_name)) {
        push(&a, "-on");
        push(&a, plan->new_name);
    }
    push(&a, "--machine-readable");
    /* A guest called "-x" must not be read as an option. */
    if (positional[0] == '-')
        push(&a, "--");
    push(&a, positional);
    free(uri);
    return a.v;
fail:
    free(uri);
    x2k_argv_free(a.v);
    return NULL;
}

/* ---- Presence ------------------------------------------------------- */

void
x2k_v2v_info_free(struct x2k_v2v_info *info)
{
    if (!info)
        return;
    free(info->path);
    free(info->version);
    x2k_argv_free(info->features);
    free(info);
}

bool
x2k_v2v_has_feature(const struct x2k_v2v_info *info, const char *feature)
{
    size_t i;

    for (i = 0; info->features && info->features[i]; i++)
        if (strcmp(info->features[i], feature) == 0)
            return true;
    return false;
}

/* Run ARGV and collect its stdout (at most 1 MiB); NULL on failure. */
static char *
capture(const char *const *argv)
{
    posix_spawn_file_actions_t fa;
    struct x2k_buf b = { 0 };
    int fds[2], status;
    pid_t pid;
    char buf[4096];
    ssize_t r;

    if (pipe2(fds, O_CLOEXEC) < 0)
        return NULL;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, fds[1], 1);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
    if (posix_spawn(&pid, argv[0], &fa, NULL, (char *const *)argv,
                    environ) != 0) {
        posix_spawn_file_actions_destroy(&fa);
        close(fds[0]);
        close(fds[1]);
        return NULL;
    }
    posix_spawn_file_actions_destroy(&fa);
    close(fds[1]);
    while ((r = read(fds[0], buf, sizeof buf)) != 0) {
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            break;
        if (b.len < 1024 * 1024)
            x2k_buf_append(&b, buf, (size_t)r);
    }
    close(fds[0]);
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        free(b.data);
        return NULL;
    }
    return x2k_buf_steal(&b);
}

struct x2k_v2v_info *
x2k_v2v_probe(struct x2k_error *err)
{
    static const char *const helpers[] = { "nbdkit", "nbdcopy" };
    const char *name = getenv("X2K_VIRT_V2V");
    struct x2k_v2v_info *info;
    const char *argv[3];
    char *out, *save = NULL, *line;
    size_t n = 0;

    info = x2k_xcalloc(1, sizeof *info);
    info->path = x2k_find_program(name && *name ? name : "virt-v2v");
    if (!info->path) {
        x2k_error_set(err, X2K_ERR_NOT_FOUND,
                      _("virt-v2v is not installed (Debian: apt-get install "
                        "virt-v2v nbdkit libnbd-bin)"));
        goto fail;
    }
    /* virt-v2v 2.x copies with nbdkit and nbdcopy, which Debian's
     * package only recommends: without them every run fails. */
    for (n = 0; n < X2K_N_ELEMENTS(helpers); n++) {
        char *h = x2k_find_program(helpers[n]);

        free(h);
        if (!h) {
            x2k_error_set(err, X2K_ERR_NOT_FOUND,
                          _("virt-v2v is installed but '%1$s', which it "
                            "needs, is not (Debian: apt-get install nbdkit "
                            "libnbd-bin)"),
                          helpers[n]);
            goto fail;
        }
    }
    n = 0;
    argv[0] = info->path;
    argv[1] = "--version";
    argv[2] = NULL;
    out = capture(argv);
    /* "virt-v2v 2.2.0" */
    if (!out || !(line = strchr(out, ' ')) ||
        !isdigit((unsigned char)line[1])) {
        x2k_error_set(err, X2K_ERR_NOT_FOUND,
                      _("'%1$s' does not work (its --version failed)"),
                      info->path);
        free(out);
        goto fail;
    }
    info->version = x2k_xstrndup(line + 1, strcspn(line + 1, " \n"));
    free(out);
    argv[1] = "--machine-readable";
    out = capture(argv);
    for (line = out ? strtok_r(out, "\n", &save) : NULL; line;
         line = strtok_r(NULL, "\n", &save)) {
        info->features = x2k_xreallocarray(info->features, n + 2,
                                           sizeof *info->features);
        info->features[n++] = x2k_xstrdup(line);
        info->features[n] = NULL;
    }
    free(out);
    return info;
fail:
    x2k_v2v_info_free(info);
    return NULL;
}

/* ---- Run ------------------------------------------------------------- */

/* environ plus what virt-v2v's own libguestfs needs here: TCG when KVM
 * is unusable (unless the user set LIBGUESTFS_BACKEND_SETTINGS).  The
 * strings are borrowed from environ or static; free only the array. */
static char **
child_env(struct x2k_reporter *rep)
{
    static char force_tcg[] = "LIBGUESTFS_BACKEND_SETTINGS=force_tcg";
    size_t n = 0, i;
    char **env;
    char *why = NULL;
    bool tcg = !getenv("LIBGUESTFS_BACKEND_SETTINGS") &&
               !x2k_kvm_is_usable(&why);

    while (environ[n])
        n++;
    env = x2k_xcalloc(n + 2, sizeof *env);
    for (i = 0; i < n; i++)
        env[i] = environ[i];
    if (tcg) {
        env[n] = force_tcg;
        x2k_report_log(rep, "KVM is not usable (%s): virt-v2v runs with %s",
                       why, force_tcg);
    }
    free(why);
    return env;
}

#define KILL_GRACE_SECONDS 10.0
#define DRAIN_SECONDS 5.0

int
x2k_v2v_run(char *const *argv, const char *log_path,
            struct x2k_reporter *rep, enum x2k_stage stage,
            struct x2k_error *err)
{
    X2K_AUTO(x2k_v2v_parser) parser = x2k_v2v_parser_new(rep, stage);
    posix_spawn_file_actions_t fa;
    posix_spawnattr_t attr;
    int out[2] = { -1, -1 }, errp[2] = { -1, -1 }, logfd, status = 0, rc;
    double term_at = 0, exited_at = 0;
    bool open_out = true, open_err = true, reaped = false;
    char *cmd, **env;
    pid_t pid;

    logfd = open(log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (logfd < 0) {
        x2k_error_set_errno(err, X2K_ERR_IO, errno,
                            _("cannot create the log '%1$s'"), log_path);
        return -1;
    }
    if (pipe2(out, O_CLOEXEC) < 0 || pipe2(errp, O_CLOEXEC) < 0) {
        x2k_error_set_errno(err, X2K_ERR_IO, errno,
                            _("cannot create a pipe for virt-v2v"));
        goto fail_fds;
    }
    cmd = x2k_shell_join((const char *const *)argv);
    x2k_report_log(rep, "running: %s", cmd);
    (void)!write(logfd, "# ", 2);
    (void)!write(logfd, cmd, strlen(cmd));
    (void)!write(logfd, "\n", 1);
    free(cmd);

    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&fa, out[1], 1);
    posix_spawn_file_actions_adddup2(&fa, errp[1], 2);
    /* Its own process group: cancelling stops its helpers (nbdkit,
     * qemu) too, and a terminal's ^C reaches us first. */
    posix_spawnattr_init(&attr);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
    posix_spawnattr_setpgroup(&attr, 0);
    env = child_env(rep);
    rc = posix_spawnp(&pid, argv[0], &fa, &attr, argv, env);
    free(env);
    posix_spawnattr_destroy(&attr);
    posix_spawn_file_actions_destroy(&fa);
    close(out[1]);
    close(errp[1]);
    out[1] = errp[1] = -1;
    if (rc != 0) {
        x2k_error_set_errno(err, X2K_ERR_NOT_FOUND, rc,
                            _("cannot run '%1$s'"), argv[0]);
        goto fail_fds;
    }

    while (open_out || open_err) {
        struct pollfd pfd[2];
        nfds_t n = 0;
        int i, r;

        if (open_out)
            pfd[n++] = (struct pollfd){ .fd = out[0], .events = POLLIN };
        if (open_err)
            pfd[n++] = (struct pollfd){ .fd = errp[0], .events = POLLIN };
        r = poll(pfd, n, 200);
        if (r < 0 && errno != EINTR)
            break;
        for (i = 0; r > 0 && i < (int)n; i++) {
            char buf[8192];
            ssize_t got;
            bool is_out = pfd[i].fd == out[0];

            if (!(pfd[i].revents & (POLLIN | POLLHUP | POLLERR)))
                continue;
            got = read(pfd[i].fd, buf, sizeof buf);
            if (got < 0 && (errno == EINTR || errno == EAGAIN))
                continue;
            if (got <= 0) {
                if (is_out)
                    open_out = false;
                else
                    open_err = false;
                continue;
            }
            (void)!write(logfd, buf, (size_t)got);
            x2k_v2v_parser_feed(parser,
                                is_out ? X2K_V2V_STDOUT : X2K_V2V_STDERR,
                                buf, (size_t)got);
        }
        /* A helper that outlives virt-v2v may hold the pipes open:
         * after virt-v2v exits, drain for a moment, then stop. */
        if (!reaped && waitpid(pid, &status, WNOHANG) == pid) {
            reaped = true;
            exited_at = x2k_now();
        }
        if (reaped && x2k_now() - exited_at > DRAIN_SECONDS)
            break;
        if (!reaped && x2k_reporter_is_cancelled(rep)) {
            if (term_at == 0) {
                x2k_report_log(rep, "cancelled: stopping virt-v2v");
                kill(-pid, SIGTERM);
                term_at = x2k_now();
            } else if (x2k_now() - term_at > KILL_GRACE_SECONDS) {
                kill(-pid, SIGKILL);
            }
        }
    }
    while (!reaped && waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    close(out[0]);
    close(errp[0]);
    x2k_v2v_parser_finish(parser, WIFEXITED(status) &&
                                      WEXITSTATUS(status) == 0);
    close(logfd);

    if (term_at != 0) {
        x2k_error_set(err, X2K_ERR_CANCELLED,
                      _("virt-v2v was cancelled (its output is in %1$s)"),
                      log_path);
        return -1;
    }
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
        return 0;
    if (WIFEXITED(status))
        x2k_error_set(err, X2K_ERR_V2V,
                      _("virt-v2v failed with exit status %1$d (its full "
                        "output is in %2$s)"),
                      WEXITSTATUS(status), log_path);
    else
        x2k_error_set(err, X2K_ERR_V2V,
                      _("virt-v2v was killed by signal %1$d (its full "
                        "output is in %2$s)"),
                      WTERMSIG(status), log_path);
    x2k_error_set_detail(err, x2k_v2v_parser_error(parser));
    return -1;

fail_fds:
    if (out[0] >= 0)
        close(out[0]);
    if (out[1] >= 0)
        close(out[1]);
    if (errp[0] >= 0)
        close(errp[0]);
    if (errp[1] >= 0)
        close(errp[1]);
    close(logfd);
    return -1;
}

int
x2k_v2v_convert(const struct x2k_plan *plan, const char *libvirtxml,
                const char *log_path, struct x2k_reporter *rep,
                enum x2k_stage stage, struct x2k_error *err)
{
    struct x2k_v2v_info *info = x2k_v2v_probe(err);
    char **argv;
    int rc;

    if (!info)
        return -1;
    x2k_report_log(rep, "virt-v2v %s at %s", info->version, info->path);
    argv = x2k_v2v_build_argv(plan, libvirtxml, info->path, err);
    x2k_v2v_info_free(info);
    if (!argv)
        return -1;
    rc = x2k_v2v_run(argv, log_path, rep, stage, err);
    x2k_argv_free(argv);
    return rc;
}

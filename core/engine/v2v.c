/* The virt-v2v engine (see v2v.h): presence probe, argv construction,
 * the --machine-readable output parser and the child process runner.
 * The child is started with posix_spawn (no shell, no fork in a
 * threaded program); its stdout and stderr are two pipes read with
 * poll() on the engine's thread, which also polls for cancellation.
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
    if (plan->output == X2K_OUTPUT_LOCAL && x2k_str_is_empty(plan->output_dir)) {
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

/* ---- A minimal JSON reader for virt-v2v's flat message objects ------ */

static void
put_utf8(struct x2k_buf *b, unsigned long cp)
{
    char u[4];
    size_t n;

    if (cp < 0x80) {
        u[0] = (char)cp;
        n = 1;
    } else if (cp < 0x800) {
        u[0] = (char)(0xc0 | (cp >> 6));
        u[1] = (char)(0x80 | (cp & 0x3f));
        n = 2;
    } else if (cp < 0x10000) {
        u[0] = (char)(0xe0 | (cp >> 12));
        u[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
        u[2] = (char)(0x80 | (cp & 0x3f));
        n = 3;
    } else {
        u[0] = (char)(0xf0 | (cp >> 18));
        u[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
        u[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
        u[3] = (char)(0x80 | (cp & 0x3f));
        n = 4;
    }
    x2k_buf_append(b, u, n);
}

static bool
hex4(const char *p, unsigned long *out)
{
    unsigned long v = 0;
    int i;

    for (i = 0; i < 4; i++) {
        int c = (unsigned char)p[i], d;

        if (c >= '0' && c <= '9')
            d = c - '0';
        else if (c >= 'a' && c <= 'f')
            d = c - 'a' + 10;
        else if (c >= 'A' && c <= 'F')
            d = c - 'A' + 10;
        else
            return false;
        v = v * 16 + (unsigned long)d;
    }
    *out = v;
    return true;
}

/* Parse a JSON string at *P (at the opening quote); advance past it. */
static char *
json_string(const char **pp)
{
    const char *p = *pp + 1;
    struct x2k_buf b = { 0 };

    for (;;) {
        unsigned long cp, lo;

        if (*p == '\0') {
            free(b.data);
            return NULL;
        }
        if (*p == '"')
            break;
        if (*p != '\\') {
            x2k_buf_append(&b, p++, 1);
            continue;
        }
        p++;
        switch (*p) {
        case '"': case '\\': case '/': x2k_buf_append(&b, p, 1); break;
        case 'b': x2k_buf_puts(&b, "\b"); break;
        case 'f': x2k_buf_puts(&b, "\f"); break;
        case 'n': x2k_buf_puts(&b, "\n"); break;
        case 'r': x2k_buf_puts(&b, "\r"); break;
        case 't': x2k_buf_puts(&b, "\t"); break;
        case 'u':
            if (!hex4(p + 1, &cp)) {
                free(b.data);
                return NULL;
            }
            p += 4;
            if (cp >= 0xd800 && cp < 0xdc00 && p[1] == '\\' && p[2] == 'u' &&
                hex4(p + 3, &lo) && lo >= 0xdc00 && lo < 0xe000) {
                cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
                p += 6;
            } else if (cp >= 0xd800 && cp < 0xe000) {
                cp = 0xfffd;
            }
            put_utf8(&b, cp);
            break;
        default:
            free(b.data);
            return NULL;
        }
        p++;
    }
    *pp = p + 1;
    return x2k_buf_steal(&b);
}

static const char *
json_ws(const char *p)
{
    while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
        p++;
    return p;
}

/* A flat JSON object: the values of "message" and "type" (strings);
 * other members (numbers, true/false/null, strings) are skipped.
 * False if LINE is not such an object. */
static bool
json_message(const char *line, char **message, char **type)
{
    const char *p = json_ws(line);

    *message = *type = NULL;
    if (*p != '{')
        return false;
    p = json_ws(p + 1);
    if (*p == '}')
        goto end;
    for (;;) {
        char *key, *val = NULL;

        if (*p != '"' || !(key = json_string(&p)))
            goto bad;
        p = json_ws(p);
        if (*p != ':') {
            free(key);
            goto bad;
        }
        p = json_ws(p + 1);
        if (*p == '"') {
            if (!(val = json_string(&p))) {
                free(key);
                goto bad;
            }
        } else {
            size_t n = strspn(p, "0123456789+-.eEtruefalsn");

            if (n == 0) {
                free(key);
                goto bad;
            }
            p += n;
        }
        if (strcmp(key, "message") == 0 && val)
            x2k_str_replace(message, val);
        else if (strcmp(key, "type") == 0 && val)
            x2k_str_replace(type, val);
        free(key);
        free(val);
        p = json_ws(p);
        if (*p == ',') {
            p = json_ws(p + 1);
            continue;
        }
        if (*p == '}')
            break;
        goto bad;
    }
end:
    if (*json_ws(p + 1) != '\0')
        goto bad;
    return true;
bad:
    free(*message);
    free(*type);
    *message = *type = NULL;
    return false;
}

/* ---- Parser ------------------------------------------------------------ */

/* Longer lines are cut (and logged in pieces), never buffered forever. */
#define LINE_MAX_BYTES (64 * 1024)

struct line_buf {
    char *data;
    size_t len;
};

struct x2k_v2v_parser {
    struct x2k_reporter *rep;
    enum x2k_stage stage;
    struct line_buf bufs[2];
    char *last_message;         /* last JSON message, to drop its echo */
    char *error;
    int disk;                   /* 0-based, -1 before "Copying disk" */
    uint64_t done, total;       /* last progress of the current disk */
    bool progress_open;         /* a bar was started and not completed */
    bool progress_seen;         /* some progress for the current disk */
    bool json_seen;             /* JSON messages: stderr only repeats them */
    struct x2k_v2v_stats stats;
};

struct x2k_v2v_parser *
x2k_v2v_parser_new(struct x2k_reporter *rep, enum x2k_stage stage)
{
    struct x2k_v2v_parser *p = x2k_xcalloc(1, sizeof *p);

    p->rep = rep;
    p->stage = stage;
    p->disk = -1;
    return p;
}

void
x2k_v2v_parser_free(struct x2k_v2v_parser *p)
{
    if (!p)
        return;
    free(p->bufs[0].data);
    free(p->bufs[1].data);
    free(p->last_message);
    free(p->error);
    free(p);
}

static void
emit_text(struct x2k_v2v_parser *p, enum x2k_event_kind kind,
          const char *text)
{
    struct x2k_event ev = {
        .kind = kind, .stage = p->stage, .disk = p->disk, .eta = -1,
    };
    const char *s = text;

    /* One event per line of a multi-line message. */
    while (*s) {
        size_t n = strcspn(s, "\n");
        char *line = x2k_xstrndup(s, n);

        if (*line) {
            ev.text = line;
            x2k_report(p->rep, &ev);
        }
        free(line);
        s += n;
        if (*s)
            s++;
    }
}

static void
emit_progress(struct x2k_v2v_parser *p, uint64_t done, uint64_t total)
{
    struct x2k_event ev = {
        .kind = X2K_EVENT_PROGRESS, .stage = p->stage, .disk = p->disk,
        .done = done, .total = total, .eta = -1,
    };

    p->done = done;
    p->total = total;
    p->progress_open = done < total;
    p->progress_seen = true;
    p->stats.progress++;
    x2k_report(p->rep, &ev);
}

/* "Copying disk N/M" starts disk N-1. */
static void
note_message(struct x2k_v2v_parser *p, const char *msg)
{
    long n, m;
    char tail;

    if (sscanf(msg, "Copying disk %ld/%ld%c", &n, &m, &tail) == 2 && n >= 1 &&
        n <= m && m < 10000) {
        if (p->progress_open && p->total)
            emit_progress(p, p->total, p->total);
        p->disk = (int)n - 1;
        p->stats.disks = (int)m;
        p->done = p->total = 0;
        p->progress_open = p->progress_seen = false;
    }
}

static bool
parse_fraction(const char *s, uint64_t *done, uint64_t *total)
{
    unsigned long long d, t;
    size_t a = strspn(s, "0123456789"), b;

    if (a == 0 || a > 18 || s[a] != '/')
        return false;
    b = strspn(s + a + 1, "0123456789");
    if (b == 0 || b > 18 || s[a + 1 + b] != '\0')
        return false;
    d = strtoull(s, NULL, 10);
    t = strtoull(s + a + 1, NULL, 10);
    if (t == 0 || d > t)
        return false;
    *done = d;
    *total = t;
    return true;
}

static void
set_error(struct x2k_v2v_parser *p, const char *msg)
{
    x2k_str_replace(&p->error, msg);
    p->stats.errors++;
}

static void
handle_line(struct x2k_v2v_parser *p, enum x2k_v2v_stream stream, char *line)
{
    size_t len = strlen(line);
    char *msg, *type;
    uint64_t done, total;
    const char *s;

    while (len && (line[len - 1] == ' ' || line[len - 1] == '\t'))
        line[--len] = '\0';
    if (len == 0)
        return;
    p->stats.lines++;
    x2k_log(X2K_LOG_DEBUG, "virt-v2v %s: %s",
            stream == X2K_V2V_STDOUT ? "out" : "err", line);

    if (stream == X2K_V2V_STDOUT && parse_fraction(line, &done, &total)) {
        if (done != p->done || total != p->total || !p->progress_seen)
            emit_progress(p, done, total);
        return;
    }
    if (json_message(line, &msg, &type)) {
        p->json_seen = true;
        if (!msg) {
            p->stats.unknown++;
            emit_text(p, X2K_EVENT_LOG, line);
        } else if (x2k_str_equal(type, "warning")) {
            p->stats.warnings++;
            emit_text(p, X2K_EVENT_WARNING, msg);
        } else if (x2k_str_equal(type, "error")) {
            set_error(p, msg);
            emit_text(p, X2K_EVENT_LOG, msg);
        } else {
            p->stats.messages++;
            note_message(p, msg);
            emit_text(p, X2K_EVENT_LOG, msg);
        }
        x2k_str_replace(&p->last_message, msg);
        free(msg);
        free(type);
        return;
    }
    /* "[  12.3] Message": the human echo of the JSON line before it. */
    s = line;
    if (*s == '[') {
        s += 1 + strspn(s + 1, " ");
        s += strspn(s, "0123456789.");
        if (*s == ']' && s[1] == ' ') {
            s += 2;
            if (!x2k_str_equal(s, p->last_message)) {
                p->stats.messages++;
                note_message(p, s);
                emit_text(p, X2K_EVENT_LOG, s);
            }
            return;
        }
    }
    /* With JSON messages on stdout, stderr's "virt-v2v: warning:" and
     * "virt-v2v: error:" lines repeat them for humans: log only. */
    if (!p->json_seen && x2k_str_has_prefix(line, "virt-v2v: warning: ")) {
        p->stats.warnings++;
        emit_text(p, X2K_EVENT_WARNING, line + 19);
        return;
    }
    if (x2k_str_has_prefix(line, "virt-v2v: error: ")) {
        if (!p->error)
            set_error(p, line + 17);
        emit_text(p, X2K_EVENT_LOG, line);
        return;
    }
    p->stats.unknown++;
    emit_text(p, X2K_EVENT_LOG, line);
}

void
x2k_v2v_parser_feed(struct x2k_v2v_parser *p, enum x2k_v2v_stream stream,
                    const char *data, size_t len)
{
    struct line_buf *lb = &p->bufs[stream == X2K_V2V_STDERR];
    size_t i;

    for (i = 0; i < len; i++) {
        char c = data[i];

        if (c == '\n' || c == '\r' || lb->len >= LINE_MAX_BYTES) {
            if (lb->data) {
                lb->data[lb->len] = '\0';
                handle_line(p, stream, lb->data);
                lb->len = 0;
            }
            if (c == '\n' || c == '\r')
                continue;
        }
        if (!lb->data)
            lb->data = x2k_xmalloc(LINE_MAX_BYTES + 1);
        /* NUL bytes would cut the line short: show them as '?'. */
        lb->data[lb->len++] = c ? c : '?';
    }
}

void
x2k_v2v_parser_finish(struct x2k_v2v_parser *p, bool success)
{
    int s;

    for (s = 0; s < 2; s++) {
        struct line_buf *lb = &p->bufs[s];

        if (lb->data && lb->len) {
            lb->data[lb->len] = '\0';
            handle_line(p, s ? X2K_V2V_STDERR : X2K_V2V_STDOUT, lb->data);
            lb->len = 0;
        }
    }
    if (success && p->progress_open && p->total)
        emit_progress(p, p->total, p->total);
}

const char *
x2k_v2v_parser_error(const struct x2k_v2v_parser *p)
{
    return p->error;
}

const struct x2k_v2v_stats *
x2k_v2v_parser_stats(const struct x2k_v2v_parser *p)
{
    return &p->stats;
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
    if (!out || !(line = strchr(out, ' ')) || !isdigit((unsigned char)line[1])) {
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

/* The destination checks of preflight, run by the engine once it knows
 * where every disk goes and before anything is written there:
 *   run-lock         one run at a time per source guest and per
 *                    destination on this machine (flock on lock files
 *                    that name the holder's pid and run directory);
 *   output-dir       an --output local directory is ours;
 *   dest-not-source  no destination (disk copy, journal, domain XML,
 *                    report) is a source disk: same path after
 *                    resolving symbolic links, same device and inode, or
 *                    the same file through a directory the Xen host
 *                    shares with this machine.  A shared directory is
 *                    found with a probe file made here, in the
 *                    destination directory, and looked for read-only
 *                    from the Xen side (at the same path, and beside
 *                    each source disk); nothing is written there;
 *   dest-exists      nothing is replaced that this migration did not
 *                    create (a partial copy resumes only with a journal
 *                    naming the same source), unless --overwrite.
 * The engine's thread.
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "base/fsutil.h"
#include "base/i18n.h"
#include "base/log.h"
#include "base/shquote.h"
#include "base/text.h"
#include "engine/engine-internal.h"
#include "source/demo.h"

/* A file identity, seen here or on the Xen host. */
struct fid {
    bool known;
    uint64_t dev, ino;
};

/* One destination this run writes. */
struct dest {
    char *path;                 /* local path */
    char *real;                 /* realpath (of its directory + name) */
    struct fid id;              /* of the file, if it exists */
    const char *journal_src;    /* a copy: what its journal must name */
    bool is_journal;            /* a copy's journal */
    bool is_volume;             /* an existing volume of the pool */
    size_t probe;               /* index into probes */
};

/* A probe file in a destination directory. */
struct probe {
    char *dir;                  /* realpath of the directory */
    char *path;                 /* dir/.x2k-probe-XXXX, or NULL */
    struct fid id;              /* local */
    bool same_path;             /* the Xen host sees it at PATH */
};

/* A source disk. */
struct src {
    const char *path;           /* on the Xen host */
    char *real;                 /* resolved (there), or NULL */
    struct fid id;              /* there */
};

/* A pair (local device, Xen-side device) of one shared file system. */
struct devmap {
    uint64_t here, there;
};

struct dest_ctx {
    struct x2k_engine *eng;
    struct x2k_preflight *p;
    struct dest *d;
    size_t n_d;
    struct probe *pr;
    size_t n_pr;
    struct src *s;
    size_t n_s;
    struct devmap *map;
    size_t n_map;
    bool remote;
};

static void X2K_PRINTF(4, 5)
add(struct x2k_preflight *p, const char *id, enum x2k_check_status st,
    const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    x2k_preflight_vadd(p, id, st, fmt, ap);
    va_end(ap);
}

/* realpath of PATH, or of its directory joined with its name when PATH
 * does not exist yet.  Never NULL. */
static char *
resolve(const char *path)
{
    char buf[PATH_MAX];
    X2K_AUTOFREE char *dir = x2k_xstrdup(path);
    char *slash = strrchr(dir, '/');

    if (realpath(path, buf))
        return x2k_xstrdup(buf);
    if (!slash)
        return x2k_xstrdup(path);
    *slash = '\0';
    if (realpath(*dir ? dir : "/", buf))
        return x2k_strdup_printf("%s/%s", strcmp(buf, "/") ? buf : "",
                                 slash + 1);
    return x2k_xstrdup(path);
}

static char *
dir_of(const char *path)
{
    char *d = x2k_xstrdup(path);
    char *slash = strrchr(d, '/');

    if (slash)
        *(slash == d ? slash + 1 : slash) = '\0';
    return d;
}

static const char *
base_of(const char *path)
{
    const char *slash = strrchr(path, '/');

    return slash ? slash + 1 : path;
}

static void
add_dest(struct dest_ctx *c, const char *path, const char *journal_src)
{
    struct dest *d;
    struct stat st;
    X2K_AUTOFREE char *dir = NULL;
    size_t i;

    c->d = x2k_xreallocarray(c->d, c->n_d + 1, sizeof *c->d);
    d = &c->d[c->n_d++];
    memset(d, 0, sizeof *d);
    d->path = x2k_xstrdup(path);
    d->real = resolve(path);
    d->journal_src = journal_src;
    if (stat(path, &st) == 0) {
        d->id.known = true;
        d->id.dev = st.st_dev;
        d->id.ino = st.st_ino;
    }
    dir = dir_of(d->real);
    for (i = 0; i < c->n_pr; i++) {
        if (strcmp(c->pr[i].dir, dir) == 0)
            break;
    }
    if (i == c->n_pr) {
        c->pr = x2k_xreallocarray(c->pr, c->n_pr + 1, sizeof *c->pr);
        memset(&c->pr[c->n_pr], 0, sizeof *c->pr);
        c->pr[c->n_pr++].dir = x2k_xstrdup(dir);
    }
    d->probe = i;
}

/* Make the probe files (the directories that exist). */
static void
make_probes(struct dest_ctx *c)
{
    size_t i;

    for (i = 0; i < c->n_pr; i++) {
        struct probe *pr = &c->pr[i];
        unsigned char r[8];
        char hex[17];
        struct stat st;
        size_t k;
        int fd;

        if (getrandom(r, sizeof r, 0) != sizeof r)
            continue;
        for (k = 0; k < sizeof r; k++)
            snprintf(hex + 2 * k, 3, "%02x", r[k]);
        pr->path = x2k_strdup_printf("%s/.x2k-probe-%s",
                                     strcmp(pr->dir, "/") ? pr->dir : "",
                                     hex);
        fd = open(pr->path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
                            O_CLOEXEC, 0600);
        if (fd < 0 || fstat(fd, &st) < 0) {
            if (fd >= 0) {
                close(fd);
                unlink(pr->path);
            }
            free(pr->path);
            pr->path = NULL;
            continue;
        }
        close(fd);
        pr->id.known = true;
        pr->id.dev = st.st_dev;
        pr->id.ino = st.st_ino;
    }
}

static void
drop_probes(struct dest_ctx *c)
{
    size_t i;

    for (i = 0; i < c->n_pr; i++) {
        if (c->pr[i].path)
            unlink(c->pr[i].path);
    }
}

static void
add_map(struct dest_ctx *c, uint64_t here, uint64_t there)
{
    size_t i;

    for (i = 0; i < c->n_map; i++) {
        if (c->map[i].here == here && c->map[i].there == there)
            return;
    }
    c->map = x2k_xreallocarray(c->map, c->n_map + 1, sizeof *c->map);
    c->map[c->n_map].here = here;
    c->map[c->n_map++].there = there;
}

/* Parse "DEV INO" (or "- -") at *P, moving past it and one space. */
static bool
parse_fid(char **p, struct fid *f)
{
    char *e;

    f->known = false;
    if (strncmp(*p, "- - ", 4) == 0 || strncmp(*p, "- -\n", 4) == 0) {
        *p += 4;
        return true;
    }
    errno = 0;
    f->dev = strtoull(*p, &e, 10);
    if (e == *p || *e != ' ')
        return false;
    *p = e + 1;
    f->ino = strtoull(*p, &e, 10);
    if (e == *p || (*e != ' ' && *e != '\n') || errno)
        return false;
    *p = e + 1;
    f->known = true;
    return true;
}

/* The sources as the Xen host sees them, and the probes it can see:
 * one read-only command (readlink, stat) over the SSH exec channel. */
static int
look_remote(struct dest_ctx *c, struct x2k_error *err)
{
    struct x2k_buf cmd = { 0 };
    X2K_AUTOFREE char *out = NULL;
    char *p;
    size_t i, j;
    int rc = -1;

    x2k_buf_printf(&cmd, "LC_ALL=C; export LC_ALL; for p in");
    for (i = 0; i < c->n_s; i++) {
        x2k_buf_printf(&cmd, " ");
        x2k_shell_quote_buf(&cmd, c->s[i].path);
    }
    x2k_buf_printf(&cmd, "; do s=$(stat -L -c '%%d %%i' -- \"$p\" "
                   "2>/dev/null) || s='- -'; r=$(readlink -f -- \"$p\") "
                   "|| r=; printf '%%s %%s %%s\\n' \"$s\" \"${#r}\" "
                   "\"$r\"; done; for p in");
    /* Each probe at its own path, then beside each source disk. */
    for (i = 0; i < c->n_pr; i++) {
        if (!c->pr[i].path)
            continue;
        x2k_buf_printf(&cmd, " ");
        x2k_shell_quote_buf(&cmd, c->pr[i].path);
        for (j = 0; j < c->n_s; j++) {
            X2K_AUTOFREE char *sd = dir_of(c->s[j].path);
            X2K_AUTOFREE char *q = x2k_strdup_printf(
                "%s/%s", sd, base_of(c->pr[i].path));

            x2k_buf_printf(&cmd, " ");
            x2k_shell_quote_buf(&cmd, q);
        }
    }
    x2k_buf_printf(&cmd, " /; do stat -c '%%d %%i' -- \"$p\" 2>/dev/null "
                   "|| echo '- -'; done");
    if (x2k_ssh_run(c->eng->ssh, cmd.data, 60000, &out, err) < 0)
        goto out;
    p = out;
    for (i = 0; i < c->n_s; i++) {
        char *e;
        unsigned long len;

        if (!parse_fid(&p, &c->s[i].id))
            goto bad;
        len = strtoul(p, &e, 10);
        if (e == p || *e != ' ' || strlen(e + 1) < len + 1)
            goto bad;
        if (len > 0)
            c->s[i].real = x2k_xstrndup(e + 1, len);
        p = e + 1 + len;
        if (*p++ != '\n')
            goto bad;
    }
    /* A source this machine sees at the same path with the same inode
     * and device: one file system, seen by both (the same host, or
     * storage shared at the same path). */
    for (i = 0; i < c->n_s; i++) {
        struct stat st;

        if (c->s[i].id.known && stat(c->s[i].path, &st) == 0 &&
            st.st_ino == c->s[i].id.ino && st.st_dev == c->s[i].id.dev)
            add_map(c, st.st_dev, c->s[i].id.dev);
    }
    for (i = 0; i < c->n_pr; i++) {
        struct fid f;

        if (!c->pr[i].path)
            continue;
        for (j = 0; j <= c->n_s; j++) {
            if (!parse_fid(&p, &f))
                goto bad;
            /* The random name found with the same inode: that directory
             * is this one, on a file system both hosts see. */
            if (f.known && f.ino == c->pr[i].id.ino) {
                add_map(c, c->pr[i].id.dev, f.dev);
                if (j == 0)
                    c->pr[i].same_path = true;
            }
        }
    }
    rc = 0;
    goto out;
bad:
    x2k_error_set(err, X2K_ERR_REMOTE,
                  _("The Xen host's answer to 'stat' and 'readlink' "
                    "cannot be read."));
out:
    x2k_buf_clear(&cmd);
    return rc;
}

/* The sources as this machine sees them (no SSH: the disks are here). */
static void
look_local(struct dest_ctx *c)
{
    size_t i;

    for (i = 0; i < c->n_s; i++) {
        X2K_AUTOFREE char *local = c->eng->plan.demo
                                       ? x2k_demo_map_path(c->s[i].path)
                                       : x2k_xstrdup(c->s[i].path);
        char buf[PATH_MAX];
        struct stat st;

        if (realpath(local, buf))
            c->s[i].real = x2k_xstrdup(buf);
        if (stat(local, &st) == 0) {
            c->s[i].id.known = true;
            c->s[i].id.dev = st.st_dev;
            c->s[i].id.ino = st.st_ino;
        }
    }
}

/* Is destination D the source S? */
static bool
same_file(const struct dest_ctx *c, const struct dest *d,
          const struct src *s)
{
    size_t i;

    if (!c->remote)
        return (s->real && strcmp(s->real, d->real) == 0) ||
               (s->id.known && d->id.known && s->id.dev == d->id.dev &&
                s->id.ino == d->id.ino);
    if (s->real && strcmp(s->real, d->real) == 0 &&
        c->pr[d->probe].same_path)
        return true;
    if (!s->id.known || !d->id.known || s->id.ino != d->id.ino)
        return false;
    for (i = 0; i < c->n_map; i++) {
        if (c->map[i].here == d->id.dev && c->map[i].there == s->id.dev)
            return true;
    }
    return false;
}

static void
check_not_source(struct dest_ctx *c)
{
    struct x2k_error err = X2K_ERROR_INIT;
    size_t i, j, bad = 0;

    make_probes(c);
    if (c->remote) {
        if (look_remote(c, &err) < 0) {
            X2K_AUTOFREE char *m = x2k_error_format(&err);

            add(c->p, "dest-not-source", X2K_CHECK_FAIL,
                _("Cannot tell whether a destination is one of the source's "
                  "disks: %1$s"), m);
            x2k_error_clear(&err);
            drop_probes(c);
            return;
        }
    } else {
        look_local(c);
    }
    drop_probes(c);
    for (i = 0; i < c->n_d; i++) {
        for (j = 0; j < c->n_s; j++) {
            if (!same_file(c, &c->d[i], &c->s[j]))
                continue;
            add(c->p, "dest-not-source", X2K_CHECK_FAIL,
                _("The destination %1$s is the source disk %2$s: writing "
                  "it would destroy the source. Choose another pool or "
                  "directory (wizard field 'Pool or directory', option "
                  "--pool or --output-dir) or another name (field 'New "
                  "name', option --new-name)."), c->d[i].path,
                c->s[j].path);
            bad++;
        }
    }
    if (bad)
        return;
    for (i = 0; i < c->n_pr; i++) {
        if (c->pr[i].same_path)
            break;
    }
    if (i < c->n_pr)
        add(c->p, "dest-not-source", X2K_CHECK_OK,
            _("The Xen host sees the directory %1$s too; no destination "
              "is one of the source's disks."), c->pr[i].dir);
    else
        add(c->p, "dest-not-source", X2K_CHECK_OK,
            _("No destination is one of the source's disks."));
}

static void
check_exists(struct dest_ctx *c)
{
    bool overwrite = c->eng->plan.overwrite;
    size_t i, j, bad = 0;

    for (i = 0; i < c->n_d; i++) {
        const struct dest *d = &c->d[i];
        struct stat st;
        X2K_AUTOFREE char *jsrc = NULL;

        for (j = 0; j < i; j++) {
            if (strcmp(c->d[j].real, d->real) == 0)
                break;
        }
        if (j < i) {
            add(c->p, "dest-exists", X2K_CHECK_FAIL,
                _("Two files of this migration would be written to %1$s "
                  "(their names are the same once made safe for a file "
                  "name). Rename the guest (option --new-name)."),
                d->path);
            bad++;
            continue;
        }
        if (d->is_journal ||
            (lstat(d->path, &st) < 0 && !d->is_volume))
            continue;
        if (!d->is_volume && S_ISLNK(st.st_mode)) {
            add(c->p, "dest-exists", X2K_CHECK_FAIL,
                _("The destination %1$s is a symbolic link: it is never "
                  "followed. Remove it, or choose another pool or "
                  "directory (option --pool or --output-dir)."), d->path);
            bad++;
            continue;
        }
        if (d->journal_src) {
            jsrc = x2k_transfer_journal_source(d->path);
            if (jsrc && strcmp(jsrc, d->journal_src) == 0) {
                add(c->p, "dest-exists", X2K_CHECK_OK,
                    _("%1$s is a partial copy of this migration: it is "
                      "resumed."), d->path);
                continue;
            }
        }
        if (overwrite) {
            add(c->p, "dest-exists", X2K_CHECK_WARN,
                _("%1$s exists and is replaced (--overwrite)."), d->path);
            continue;
        }
        add(c->p, "dest-exists", X2K_CHECK_FAIL,
            _("%1$s already exists and this migration did not create it. "
              "Remove it, choose another pool or directory (option --pool "
              "or --output-dir) or name (option --new-name), or replace it "
              "with --overwrite."), d->path);
        bad++;
    }
    if (!bad)
        add(c->p, "dest-exists", X2K_CHECK_OK,
            _("Nothing that exists is replaced."));
}

/* --output local: the directory, when it exists, is a directory of
 * this user (not a link to elsewhere, not another user's). */
static bool
check_output_dir(struct dest_ctx *c)
{
    const char *dir = c->eng->plan.output_dir;
    struct stat st;

    if (c->eng->plan.output != X2K_OUTPUT_LOCAL || !dir)
        return true;
    if (lstat(dir, &st) < 0)
        return true;            /* made by the copy, 0700 */
    if (!S_ISDIR(st.st_mode)) {
        add(c->p, "output-dir", X2K_CHECK_FAIL,
            _("The output directory %1$s is not a directory (a symbolic "
              "link is not followed). Choose another one (wizard field "
              "'Pool or directory', option --output-dir)."), dir);
        return false;
    }
    if (st.st_uid != geteuid()) {
        add(c->p, "output-dir", X2K_CHECK_FAIL,
            _("The output directory %1$s belongs to another user (uid "
              "%2$u): the copies would be readable or replaceable by "
              "them. Choose a directory of your own (wizard field 'Pool "
              "or directory', option --output-dir)."), dir,
            (unsigned)st.st_uid);
        return false;
    }
    if (st.st_mode & 022)
        add(c->p, "output-dir", X2K_CHECK_WARN,
            _("Others may write into the output directory %1$s."), dir);
    else
        add(c->p, "output-dir", X2K_CHECK_OK,
            _("The output directory %1$s is yours."), dir);
    return true;
}

/* ---- Run locks ---- */

static char *
lock_dir(void)
{
    const char *rt = getenv("XDG_RUNTIME_DIR");
    X2K_AUTOFREE char *cache = NULL;

    if (rt && *rt == '/')
        return x2k_strdup_printf("%s/xen2kvm-tui/locks", rt);
    if (geteuid() == 0)
        return x2k_xstrdup("/run/xen2kvm-tui/locks");
    cache = x2k_cache_dir();
    return x2k_strdup_printf("%s/locks", cache);
}

/* Lock KEY (what: for the message); false with a failed check added
 * when another run holds it. */
static bool
take_lock(struct dest_ctx *c, const char *dir, const char *key,
          const char *what)
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int n = 0, k;
    char hex[2 * 16 + 1];
    X2K_AUTOFREE char *path = NULL;
    X2K_AUTOFREE char *text = NULL;
    char buf[4096];
    ssize_t got;
    int fd;

    EVP_Digest(key, strlen(key), md, &n, EVP_sha256(), NULL);
    for (k = 0; k < 16 && k < n; k++)
        snprintf(hex + 2 * k, 3, "%02x", md[k]);
    path = x2k_strdup_printf("%s/%s.lock", dir, hex);
    fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0) {
        add(c->p, "run-lock", X2K_CHECK_FAIL,
            _("Cannot open the lock file %1$s: %2$s."), path,
            strerror(errno));
        return false;
    }
    if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
        char *pid = NULL, *rd = NULL, *line, *save = NULL;

        got = pread(fd, buf, sizeof buf - 1, 0);
        close(fd);
        buf[got > 0 ? got : 0] = '\0';
        for (line = strtok_r(buf, "\n", &save); line;
             line = strtok_r(NULL, "\n", &save)) {
            if (strncmp(line, "pid=", 4) == 0)
                pid = line + 4;
            else if (strncmp(line, "run-dir=", 8) == 0)
                rd = line + 8;
        }
        text = x2k_text_printable(rd ? rd : "?", false);
        add(c->p, "run-lock", X2K_CHECK_FAIL,
            _("Another run (process %1$s, run directory %2$s) is migrating "
              "%3$s on this machine. Wait for it to end, or choose another "
              "guest or destination."), pid ? pid : "?", text, what);
        return false;
    }
    text = x2k_strdup_printf("pid=%ld\nrun-dir=%s\nwhat=%s\n",
                             (long)getpid(), c->eng->run_dir
                                                 ? c->eng->run_dir : "-",
                             what);
    if (c->eng->check_only) {
        /* --check: the lock is free; it is not kept. */
        close(fd);
        return true;
    }
    if (ftruncate(fd, 0) < 0 ||
        pwrite(fd, text, strlen(text), 0) != (ssize_t)strlen(text))
        x2k_log(X2K_LOG_DEBUG, "cannot write the lock file %s", path);
    c->eng->lock_fds = x2k_xreallocarray(c->eng->lock_fds,
                                         c->eng->n_lock_fds + 1,
                                         sizeof(int));
    c->eng->lock_fds[c->eng->n_lock_fds++] = fd;
    return true;
}

static bool
take_locks(struct dest_ctx *c)
{
    struct x2k_error err = X2K_ERROR_INIT;
    X2K_AUTOFREE char *dir = lock_dir();
    X2K_AUTOFREE char *uri = x2k_plan_source_uri(&c->eng->plan);
    X2K_AUTOFREE char *key = NULL;
    X2K_AUTOFREE char *what = NULL;
    size_t i;

    if (x2k_mkdir_p(dir, 0700, &err) < 0) {
        X2K_AUTOFREE char *m = x2k_error_format(&err);

        add(c->p, "run-lock", X2K_CHECK_FAIL, "%s", m);
        x2k_error_clear(&err);
        return false;
    }
    key = x2k_strdup_printf("guest\n%s\n%s", uri ? uri : "-",
                            c->eng->plan.vm_name ? c->eng->plan.vm_name
                                                 : "-");
    what = x2k_strdup_printf(_("the guest '%1$s' of %2$s"),
                             c->eng->plan.vm_name ? c->eng->plan.vm_name
                                                  : "?",
                             uri ? uri : "-");
    if (!take_lock(c, dir, key, what))
        return false;
    for (i = 0; i < c->n_d; i++) {
        free(key);
        key = x2k_strdup_printf("dest\n%s", c->d[i].real);
        if (!take_lock(c, dir, key, c->d[i].path))
            return false;
    }
    add(c->p, "run-lock", X2K_CHECK_OK,
        _("No other run uses this guest or its destinations."));
    return true;
}

void
eng_unlock(struct x2k_engine *eng)
{
    size_t i;

    for (i = 0; i < eng->n_lock_fds; i++)
        close(eng->lock_fds[i]);
    free(eng->lock_fds);
    eng->lock_fds = NULL;
    eng->n_lock_fds = 0;
}

/* ---- Entry ---- */

static void
skip_all(struct x2k_preflight *p, const char *because)
{
    static const char *const ids[] = { "run-lock", "dest-not-source",
                                       "dest-exists" };
    size_t i;

    for (i = 0; i < X2K_N_ELEMENTS(ids); i++)
        add(p, ids[i], X2K_CHECK_SKIPPED,
            _("Not checked: the check '%1$s' did not pass."), because);
}

void
eng_preflight_dest(struct x2k_engine *eng, struct x2k_preflight *p)
{
    struct dest_ctx c = { 0 };
    struct x2k_error err = X2K_ERROR_INIT;
    size_t i;

    c.eng = eng;
    c.p = p;
    c.remote = eng->ssh != NULL;
    for (i = 0; i < p->n_checks; i++) {
        if (p->checks[i].status == X2K_CHECK_FAIL) {
            skip_all(p, p->checks[i].id);
            return;
        }
    }
    if (!eng->inv || !eng->orig_xml) {
        skip_all(p, "vm-exists");
        return;
    }
    if (!check_output_dir(&c))
        return;
    if (eng_is_v2v(eng) && !eng->inv->block_device) {
        /* virt-v2v reads the source and writes the pool itself. */
        skip_all(p, "virt-v2v");
        return;
    }
    if (eng_place_disks(eng, &err) < 0) {
        X2K_AUTOFREE char *m = x2k_error_format(&err);

        add(p, "dest-exists", X2K_CHECK_FAIL, "%s", m);
        x2k_error_clear(&err);
        return;
    }
    for (i = 0; i < eng->n_disks; i++) {
        struct eng_disk *d = &eng->disks[i];

        if (d->dest_path)
            add_dest(&c, d->dest_path, NULL);
        if (d->pool && d->volume && eng->tgt) {
            char *vp = x2k_target_volume_path(eng->tgt, d->pool, d->volume,
                                              &err);
            x2k_error_clear(&err);
            if (vp) {
                add_dest(&c, vp, NULL);
                c.d[c.n_d - 1].is_volume = true;
                free(vp);
            }
        }
    }
    /* The journals: never a source, locked, but a journal is replaced
     * with the copy it describes (dest-exists looks at the copy). */
    for (i = 0; i < eng->n_disks; i++) {
        X2K_AUTOFREE char *j = NULL;

        if (!eng->disks[i].dest_path)
            continue;
        j = x2k_transfer_journal_path(eng->disks[i].dest_path);
        add_dest(&c, j, NULL);
        c.d[c.n_d - 1].is_journal = true;
    }
    for (i = 0; i < eng->n_boot; i++) {
        if (eng->boot_local[i])
            add_dest(&c, eng->boot_local[i], eng->boot_remote[i]);
    }
    if (eng->plan.output == X2K_OUTPUT_LOCAL) {
        X2K_AUTOFREE char *stem = eng_file_stem(eng);
        X2K_AUTOFREE char *xml = x2k_strdup_printf(
            "%s/%s.xml", eng->plan.output_dir, stem);
        X2K_AUTOFREE char *rep = x2k_strdup_printf(
            "%s/%s-report.txt", eng->plan.output_dir, stem);

        add_dest(&c, xml, NULL);
        add_dest(&c, rep, NULL);
    }
    /* What a copy's journal names, for a resume (as copy_group). */
    {
        char **jsrc = x2k_xcalloc(eng->n_disks + 1, sizeof *jsrc);
        size_t k;

        for (i = 0; i < eng->n_disks; i++) {
            struct eng_disk *d = &eng->disks[i];

            if (!d->dest_path)
                continue;
            jsrc[i] = eng->plan.demo ? x2k_demo_map_path(d->source)
                                     : x2k_xstrdup(d->source);
            for (k = 0; k < c.n_d; k++) {
                if (strcmp(c.d[k].path, d->dest_path) == 0)
                    c.d[k].journal_src = jsrc[i];
            }
        }
        for (i = 0; i < eng->inv->n_disks; i++) {
            const struct x2k_disk *id = &eng->inv->disks[i];

            if (!x2k_disk_is_copied(id) || !id->path)
                continue;
            c.s = x2k_xreallocarray(c.s, c.n_s + 1, sizeof *c.s);
            memset(&c.s[c.n_s], 0, sizeof *c.s);
            c.s[c.n_s++].path = id->path;
        }
        if (take_locks(&c)) {
            if (c.n_s > 0)
                check_not_source(&c);
            check_exists(&c);
        }
        for (i = 0; i < eng->n_disks; i++)
            free(jsrc[i]);
        free(jsrc);
    }
    for (i = 0; i < c.n_d; i++) {
        free(c.d[i].path);
        free(c.d[i].real);
    }
    for (i = 0; i < c.n_pr; i++) {
        free(c.pr[i].dir);
        free(c.pr[i].path);
    }
    for (i = 0; i < c.n_s; i++)
        free(c.s[i].real);
    free(c.d);
    free(c.pr);
    free(c.s);
    free(c.map);
}

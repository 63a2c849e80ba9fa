/* The xl source: a Xen host without libvirtd, driven over the SSH
 * session with its own toolstack (xl, else the older xm).  The guests
 * are the configuration files found on the host, matched by their
 * name = setting (/etc/xen/NAME.cfg, /etc/xen/NAME as on RHEL 5,
 * /etc/xen/vm/NAME as on SLES, /etc/xen/auto/), or the one file
 * --xl-config names, plus what `xl list' shows running (Domain-0 left
 * out).  A guest's domain XML is its configuration file read with
 * `cat' and converted by xl-xml.c; the state comes from `xl list'; the
 * guided shutdown is `xl shutdown -w' bounded by the timeout, and `xl
 * destroy' only when a forced power-off is allowed.  Every value in a
 * remote command is quoted by x2k_shell_quote.  Runs on the caller's
 * thread.
 */
#include <config.h>

#include "base/i18n.h"
#include "base/log.h"
#include "base/shquote.h"
#include "base/util.h"
#include "source/source-internal.h"
#include "source/xl-cfg.h"
#include "ssh/ssh.h"

#define XL_TIMEOUT_MS 60000

struct xl_guest {
    char *name;
    char *path;                     /* its configuration file, or NULL */
};

struct xl_priv {
    struct x2k_ssh *ssh;            /* borrowed, unless own_ssh */
    bool own_ssh;
    char *tool;                     /* "xl" or "xm" */
    char *xl_config;                /* --xl-config, or NULL */
    struct xl_guest *guests;        /* the configuration files */
    size_t n_guests;
    bool scanned;
};

#define PRIV(s) ((struct xl_priv *)(s)->priv)

static void
xl_free(struct x2k_source *s)
{
    struct xl_priv *p = PRIV(s);
    size_t i;

    for (i = 0; i < p->n_guests; i++) {
        free(p->guests[i].name);
        free(p->guests[i].path);
    }
    free(p->guests);
    free(p->tool);
    free(p->xl_config);
    if (p->own_ssh)
        x2k_ssh_free(p->ssh);
    free(p);
}

/* The value of the name = setting in LINE (one line of a configuration
 * file), or NULL. */
static char *
name_of_line(const char *line, const char *path)
{
    struct x2k_error err = X2K_ERROR_INIT;
    X2K_AUTO(x2k_xlcfg) cfg = x2k_xlcfg_parse(line, strlen(line), path,
                                              &err);
    const struct x2k_xlval *v;

    x2k_error_clear(&err);
    if (!cfg)
        return NULL;
    v = x2k_xlcfg_get(cfg, "name");
    if (!v || v->kind == X2K_XLVAL_LIST || x2k_str_is_empty(v->s))
        return NULL;
    return x2k_xstrdup(v->s);
}

static void
add_guest(struct xl_priv *p, char *name, const char *path)
{
    size_t i;

    for (i = 0; i < p->n_guests; i++) {
        if (strcmp(p->guests[i].name, name) == 0) {
            free(name);             /* the first file found wins */
            return;
        }
    }
    p->guests = x2k_xreallocarray(p->guests, p->n_guests + 1,
                                  sizeof *p->guests);
    p->guests[p->n_guests].name = name;
    p->guests[p->n_guests].path = x2k_xstrdup(path);
    p->n_guests++;
}

/* Find the configuration files (once): "F PATH" and "N NAMELINE" pairs
 * from the host. */
static int
scan_configs(struct x2k_source *s, struct x2k_error *err)
{
    static const char script[] =
        "for f in /etc/xen/*.cfg /etc/xen/* /etc/xen/vm/* /etc/xen/auto/*; "
        "do [ -f \"$f\" ] && [ -r \"$f\" ] || continue; "
        "case $f in *.sxp|*/xl.conf|*/README*|*~|*.rpm*|*.dpkg-*|*.sh) "
        "continue;; esac; "
        "l=$(grep -m1 -E '^[[:space:]]*name[[:space:]]*=' \"$f\" "
        "2>/dev/null) || continue; printf 'F %s\\nN %s\\n' \"$f\" \"$l\"; "
        "done; true";
    struct xl_priv *p = PRIV(s);
    X2K_AUTOFREE char *out = NULL;
    X2K_AUTOFREE char *cmd = NULL;
    char *line, *save = NULL, *path = NULL;

    if (p->scanned)
        return 0;
    if (p->xl_config) {
        X2K_AUTOFREE char *q = x2k_shell_quote(p->xl_config);

        cmd = x2k_strdup_printf(
            "grep -m1 -E '^[[:space:]]*name[[:space:]]*=' %s", q);
        if (x2k_ssh_run(p->ssh, cmd, XL_TIMEOUT_MS, &out, err) < 0) {
            x2k_error_set(err, X2K_ERR_NOT_FOUND,
                          _("The Xen configuration %1$s on %2$s cannot be "
                            "read or has no name = setting; check "
                            "--xl-config."),
                          p->xl_config, s->uri);
            return -1;
        }
        line = name_of_line(out, p->xl_config);
        if (line)
            add_guest(p, line, p->xl_config);
        p->scanned = true;
        return 0;
    }
    if (x2k_ssh_run(p->ssh, script, XL_TIMEOUT_MS, &out, err) < 0)
        return -1;
    for (line = strtok_r(out, "\n", &save); line;
         line = strtok_r(NULL, "\n", &save)) {
        if (line[0] == 'F' && line[1] == ' ') {
            path = line + 2;
        } else if (line[0] == 'N' && line[1] == ' ' && path) {
            char *name = name_of_line(line + 2, path);

            if (name)
                add_guest(p, name, path);
            path = NULL;
        }
    }
    p->scanned = true;
    return 0;
}

static const struct xl_guest *
find_guest(struct xl_priv *p, const char *name)
{
    size_t i;

    for (i = 0; i < p->n_guests; i++) {
        if (strcmp(p->guests[i].name, name) == 0)
            return &p->guests[i];
    }
    return NULL;
}

/* The state letters of xl list (r b p s c d) as a libvirt state. */
static enum x2k_domstate
parse_state(const char *st)
{
    if (strchr(st, 'c'))
        return X2K_DOM_CRASHED;
    if (strchr(st, 's') || strchr(st, 'd'))
        return X2K_DOM_SHUTDOWN;
    if (strchr(st, 'p'))
        return X2K_DOM_PAUSED;
    if (strchr(st, 'b'))
        return X2K_DOM_BLOCKED;
    return X2K_DOM_RUNNING;
}

/* The running domains: `xl list', columns Name ID Mem VCPUs State
 * Time(s); a name may hold spaces, so the columns are read from the
 * right. */
static int
list_running(struct x2k_source *s, struct x2k_source_dom **doms, size_t *n,
             struct x2k_error *err)
{
    struct xl_priv *p = PRIV(s);
    X2K_AUTOFREE char *cmd = x2k_strdup_printf("%s list", p->tool);
    X2K_AUTOFREE char *out = NULL;
    char *line, *save = NULL;

    *doms = NULL;
    *n = 0;
    if (x2k_ssh_run(p->ssh, cmd, XL_TIMEOUT_MS, &out, err) < 0)
        return -1;
    for (line = strtok_r(out, "\n", &save); line;
         line = strtok_r(NULL, "\n", &save)) {
        char *f[6];
        char *end = line + strlen(line);
        long id;
        int k;

        /* The five columns after the name, from the right. */
        for (k = 5; k >= 1; k--) {
            while (end > line && (end[-1] == ' ' || end[-1] == '\t'))
                *--end = '\0';
            while (end > line && end[-1] != ' ' && end[-1] != '\t')
                end--;
            f[k] = end;
            if (end == line)
                break;
        }
        if (k >= 1)
            continue;
        while (end > line && (end[-1] == ' ' || end[-1] == '\t'))
            *--end = '\0';
        f[0] = line;
        if (!*f[0] || !x2k_parse_long(f[1], 0, 1 << 30, &id))
            continue;               /* the header */
        if (id == 0 || strcmp(f[0], "Domain-0") == 0)
            continue;
        *doms = x2k_xreallocarray(*doms, *n + 1, sizeof **doms);
        (*doms)[*n].id = (int)id;
        (*doms)[*n].name = x2k_xstrdup(f[0]);
        (*doms)[*n].state = parse_state(f[4]);
        (*n)++;
    }
    return 0;
}

static int
xl_list(struct x2k_source *s, struct x2k_source_dom **doms, size_t *n,
        struct x2k_error *err)
{
    struct xl_priv *p = PRIV(s);
    size_t i, j;

    if (scan_configs(s, err) < 0 || list_running(s, doms, n, err) < 0)
        return -1;
    for (i = 0; i < p->n_guests; i++) {
        bool running = false;

        for (j = 0; j < *n && !running; j++)
            running = strcmp((*doms)[j].name, p->guests[i].name) == 0;
        if (running)
            continue;
        *doms = x2k_xreallocarray(*doms, *n + 1, sizeof **doms);
        (*doms)[*n].id = -1;
        (*doms)[*n].name = x2k_xstrdup(p->guests[i].name);
        (*doms)[*n].state = X2K_DOM_SHUTOFF;
        (*n)++;
    }
    x2k_source_sort(*doms, *n);
    return 0;
}

static int
xl_state(struct x2k_source *s, const char *name, enum x2k_domstate *state,
         struct x2k_error *err)
{
    struct x2k_source_dom *doms = NULL;
    size_t n = 0, i;
    int rc = -1;

    if (xl_list(s, &doms, &n, err) < 0)
        return -1;
    for (i = 0; i < n; i++) {
        if (strcmp(doms[i].name, name) == 0) {
            *state = doms[i].state;
            rc = 0;
        }
    }
    x2k_source_doms_free(doms, n);
    if (rc < 0)
        x2k_error_set(err, X2K_ERR_NOT_FOUND,
                      _("There is no guest named '%1$s' on %2$s: no "
                        "configuration file names it and '%3$s list' does "
                        "not show it.  Give its file with --xl-config."),
                      name, s->uri, PRIV(s)->tool);
    return rc;
}

/* A running guest that no file names: what `xl list -l NAME' (JSON) or
 * `xm list -l NAME' (S-expressions) says about it. */
static char *
running_xml(struct x2k_source *s, const char *name, struct x2k_reporter *r,
            struct x2k_error *err)
{
    struct xl_priv *p = PRIV(s);
    bool xm = strcmp(p->tool, "xm") == 0;
    X2K_AUTOFREE char *q = x2k_shell_quote(name);
    X2K_AUTOFREE char *cmd = NULL;
    X2K_AUTOFREE char *out = NULL;
    X2K_AUTOFREE char *text = NULL;
    X2K_AUTOFREE char *label = NULL;
    X2K_AUTO(x2k_xlcfg) cfg = NULL;
    enum x2k_domstate st;

    if (xl_state(s, name, &st, err) < 0)
        return NULL;
    if (st == X2K_DOM_SHUTOFF) {
        x2k_error_set(err, X2K_ERR_NOT_FOUND,
                      _("No configuration file on %1$s names the guest "
                        "'%2$s'; give its file with --xl-config."),
                      s->uri, name);
        return NULL;
    }
    cmd = x2k_strdup_printf("%s list -l %s", p->tool, q);
    if (x2k_ssh_run(p->ssh, cmd, XL_TIMEOUT_MS, &out, err) < 0)
        return NULL;
    text = x2k_xl_running_to_cfg(out, xm, name, err);
    if (!text)
        return NULL;
    x2k_report_warning_id(r, "xl-running-config",
                          _("No configuration file on %1$s names the guest "
                            "'%2$s': it is read from '%3$s list -l' while "
                            "it runs."),
                          s->uri, name, p->tool);
    label = x2k_strdup_printf("%s list -l %s", p->tool, name);
    cfg = x2k_xlcfg_parse(text, strlen(text), label, err);
    if (!cfg)
        return NULL;
    return x2k_xlcfg_to_xml(cfg, xm, r, err);
}

static char *
xl_dumpxml(struct x2k_source *s, const char *name, struct x2k_reporter *r,
           struct x2k_error *err)
{
    struct xl_priv *p = PRIV(s);
    const struct xl_guest *g;
    X2K_AUTOFREE char *q = NULL;
    X2K_AUTOFREE char *cmd = NULL;
    X2K_AUTOFREE char *text = NULL;
    X2K_AUTO(x2k_xlcfg) cfg = NULL;

    if (scan_configs(s, err) < 0)
        return NULL;
    g = find_guest(p, name);
    if (!g)
        return running_xml(s, name, r, err);
    q = x2k_shell_quote(g->path);
    cmd = x2k_strdup_printf("cat -- %s", q);
    if (x2k_ssh_run(p->ssh, cmd, XL_TIMEOUT_MS, &text, err) < 0)
        return NULL;
    x2k_report_log(r, "xl: %s is read from %s", name, g->path);
    cfg = x2k_xlcfg_parse(text, strlen(text), g->path, err);
    if (!cfg)
        return NULL;
    return x2k_xlcfg_to_xml(cfg,
                            strcmp(p->tool, "xm") == 0 ||
                                x2k_xlcfg_is_xm(cfg),
                            r, err);
}

static int
xl_shutdown(struct x2k_source *s, const char *name, int timeout_s,
            bool force_off, struct x2k_reporter *r, struct x2k_error *err)
{
    struct xl_priv *p = PRIV(s);
    struct x2k_error local = X2K_ERROR_INIT;
    X2K_AUTOFREE char *q = x2k_shell_quote(name);
    X2K_AUTOFREE char *cmd = NULL;
    X2K_AUTOFREE char *errout = NULL;
    enum x2k_domstate st;
    int status = 0;

    if (xl_state(s, name, &st, err) < 0)
        return -1;
    if (st == X2K_DOM_SHUTOFF)
        return 0;
    x2k_report_log(r, "asking %s to shut down with %s shutdown -w "
                   "(timeout %d s)", name, p->tool, timeout_s);
    cmd = x2k_strdup_printf("%s shutdown -w %s", p->tool, q);
    if (x2k_ssh_exec(p->ssh, cmd, NULL, 0, timeout_s * 1000, NULL, &errout,
                     &status, &local) < 0) {
        if (local.code != X2K_ERR_TIMEOUT) {
            x2k_error_move(err, &local);
            return -1;
        }
        x2k_error_clear(&local);
        status = -2;                /* timed out */
    } else if (status != 0) {
        x2k_error_set(err, X2K_ERR_REMOTE,
                      _("'%1$s shutdown' failed for the guest '%2$s' on "
                        "%3$s."),
                      p->tool, name, s->uri);
        x2k_error_set_detail(err, errout);
        return -1;
    }
    if (xl_state(s, name, &st, err) < 0)
        return -1;
    if (st == X2K_DOM_SHUTOFF)
        return 0;
    if (!force_off) {
        x2k_error_set(err, X2K_ERR_TIMEOUT,
                      _("The guest '%1$s' did not shut down within %2$d "
                        "seconds. Shut it down inside the guest, or allow "
                        "a forced power-off (--force-off)."),
                      name, timeout_s);
        return -1;
    }
    x2k_report_warning_id(r, "force-off",
                          _("Forcing the guest '%1$s' off after %2$d "
                            "seconds."),
                          name, timeout_s);
    free(cmd);
    cmd = x2k_strdup_printf("%s destroy %s", p->tool, q);
    if (x2k_ssh_run(p->ssh, cmd, XL_TIMEOUT_MS, NULL, err) < 0)
        return -1;
    return 0;
}

static const struct x2k_source_ops xl_ops = {
    xl_free, xl_list, xl_dumpxml, xl_state, xl_shutdown,
};

struct x2k_source *
x2k_source_open_xl(struct x2k_ssh *ssh, const char *uri,
                   const char *xl_config, struct x2k_error *err)
{
    static const char detect[] =
        "if command -v xl >/dev/null 2>&1; then echo xl; "
        "elif command -v xm >/dev/null 2>&1; then echo xm; "
        "else echo none; fi";
    X2K_AUTOFREE char *out = NULL;
    struct x2k_source *s;
    struct xl_priv *p;

    if (x2k_ssh_run(ssh, detect, XL_TIMEOUT_MS, &out, err) < 0)
        return NULL;
    if (!x2k_str_has_prefix(out, "xl") && !x2k_str_has_prefix(out, "xm")) {
        x2k_error_set(err, X2K_ERR_REMOTE,
                      _("%1$s has neither the xl nor the xm command on its "
                        "PATH: it is not a Xen host with a toolstack (for a "
                        "host with libvirtd, use --mode xen with a "
                        "xen+ssh:// URI)."),
                      uri);
        return NULL;
    }
    p = x2k_xcalloc(1, sizeof *p);
    p->ssh = ssh;
    p->tool = x2k_xstrndup(out, 2);
    p->xl_config = x2k_xstrdup(xl_config);
    s = x2k_xcalloc(1, sizeof *s);
    s->ops = &xl_ops;
    s->priv = p;
    s->uri = x2k_xstrdup(uri);
    x2k_log(X2K_LOG_INFO, "xl source %s: toolstack %s", uri, p->tool);
    return s;
}

struct x2k_source *
x2k_source_open_xl_owning(struct x2k_ssh *ssh, const char *uri,
                          const char *xl_config, struct x2k_error *err)
{
    struct x2k_source *s = x2k_source_open_xl(ssh, uri, xl_config, err);

    if (!s) {
        x2k_ssh_free(ssh);
        return NULL;
    }
    PRIV(s)->own_ssh = true;
    return s;
}

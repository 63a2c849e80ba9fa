/* Pure text rewrites for the guest fixes (see guest-rewrite.h), the
 * part about booting: the kernel command line (Xen disk and console
 * names), grub legacy and GRUB 2 configuration (kernel arguments and a
 * default entry moved off Xen kernels), /etc/default/grub, grubenv,
 * device.map, and the login consoles (inittab, securetty, systemd getty
 * links: from the Xen console to ttyS0).  Uses guest-rewrite.c's
 * helpers (guest-rewrite-internal.h).  No I/O; any thread.
 */
#include <config.h>

#include <ctype.h>

#include "guest/guest-rewrite-internal.h"

/* ---- Kernel command line ------------------------------------------- */

/* Is DEV[0..LEN) a Xen console device (xvc0, hvc0...)? */
static bool
is_xen_console(const char *dev, size_t len)
{
    return (len >= 4 && (strncmp(dev, "xvc", 3) == 0 ||
                         strncmp(dev, "hvc", 3) == 0) &&
            strspn(dev + 3, "0123456789") == len - 3);
}

/* The console device of a "console=DEV[,opts]" word, or NULL. */
static const char *
console_dev(const char *w, size_t len, size_t *dlen)
{
    const char *c;

    if (len < 9 || strncmp(w, "console=", 8) != 0)
        return NULL;
    c = memchr(w + 8, ',', len - 8);
    *dlen = c ? (size_t)(c - w - 8) : len - 8;
    return w + 8;
}

/* Does CMDLINE have a console=DEV word? */
static bool
has_console(const char *cmdline, const char *dev)
{
    const char *p = cmdline;
    size_t dl = strlen(dev);

    while ((p = strstr(p, "console=")) != NULL) {
        if ((p == cmdline || isspace((unsigned char)p[-1])) &&
            strncmp(p + 8, dev, dl) == 0 &&
            (p[8 + dl] == '\0' || p[8 + dl] == ',' ||
             isspace((unsigned char)p[8 + dl])))
            return true;
        p += 8;
    }
    return false;
}

char *
x2k_guest_rewrite_cmdline(const char *cmdline, const char *const *map)
{
    struct x2k_buf b = { 0 };
    const char *p = cmdline, *lead = cmdline;
    size_t leadlen = strspn(cmdline, " \t\n");
    bool have_ttys0 = has_console(cmdline, "ttyS0");
    bool emitted = false;

    for (;;) {
        const char *sep = p, *w, *e, *eq, *dev;
        size_t seplen, len, dlen;
        char *nw = NULL;
        bool drop = false;

        while (*p && isspace((unsigned char)*p))
            p++;
        seplen = (size_t)(p - sep);
        if (!*p) {
            /* Trailing blanks are kept as they were. */
            if (emitted)
                x2k_buf_append(&b, sep, seplen);
            else
                x2k_buf_append(&b, lead, leadlen);
            break;
        }
        for (w = e = p; *e && !isspace((unsigned char)*e); e++)
            ;
        len = (size_t)(e - w);
        p = e;

        if ((dev = console_dev(w, len, &dlen)) && is_xen_console(dev, dlen)) {
            if (have_ttys0)
                drop = true;
            else {
                nw = x2k_xstrdup("console=ttyS0");
                have_ttys0 = true;
            }
        } else if (len >= 8 && strncmp(w, "xencons=", 8) == 0) {
            drop = true;
        } else if ((eq = memchr(w, '=', len)) != NULL &&
                   (size_t)(e - eq) > 6 && strncmp(eq + 1, "/dev/", 5) == 0) {
            char *n = rw_rename_disk(eq + 6, (size_t)(e - eq - 6), map);

            if (n) {
                nw = x2k_strdup_printf("%.*s/dev/%s", (int)(eq + 1 - w), w,
                                       n);
                free(n);
            }
        }
        if (drop)
            continue;
        /* A dropped word takes its leading blanks with it; the first
         * word kept gets the line's original leading blanks. */
        if (emitted)
            x2k_buf_append(&b, sep, seplen);
        else
            x2k_buf_append(&b, lead, leadlen);
        emitted = true;
        if (nw)
            x2k_buf_puts(&b, nw);
        else
            x2k_buf_append(&b, w, len);
        free(nw);
    }
    return x2k_buf_steal(&b);
}

/* ---- Bootloaders --------------------------------------------------- */

struct boot_entry {
    bool xen;
    char *title;                /* menu title, or NULL */
};

struct boot_entries {
    struct boot_entry *v;
    size_t n;
};

/* The first word after the keyword at P (a kernel path), as a copy. */
static char *
first_arg(const char *p)
{
    p += strcspn(p, " \t=");
    p += strspn(p, " \t=");
    return x2k_xstrndup(p, strcspn(p, " \t"));
}

/* The title after a "title" or "menuentry" keyword at P. */
static char *
entry_title(const char *p)
{
    size_t n;

    p += strcspn(p, " \t");
    p = rw_skip_space(p);
    if (*p == '\'' || *p == '"') {
        const char *q = strchr(p + 1, *p);

        return q ? x2k_xstrndup(p + 1, (size_t)(q - p - 1)) : NULL;
    }
    n = strlen(p);
    while (n && (p[n - 1] == ' ' || p[n - 1] == '\t' || p[n - 1] == '{'))
        n--;
    return x2k_xstrndup(p, n);
}

/* Add the entry whose title line is LINE. */
static void
entries_add(struct boot_entries *e, const char *line)
{
    e->v = x2k_xreallocarray(e->v, e->n + 1, sizeof *e->v);
    e->v[e->n].xen = false;
    e->v[e->n++].title = entry_title(line);
}

/* Free the entries of E. */
static void
entries_free(struct boot_entries *e)
{
    size_t i;

    for (i = 0; i < e->n; i++)
        free(e->v[i].title);
    free(e->v);
}

/* Collect the boot entries of a configuration. */
static void
collect_entries(const char *cfg, bool legacy, struct boot_entries *e)
{
    struct rw_lines l;
    size_t i;
    int depth = 0;
    bool in_entry = false;

    e->v = NULL;
    e->n = 0;
    rw_lines_split(&l, cfg);
    for (i = 0; i < l.n; i++) {
        const char *p = rw_skip_space(l.v[i]);

        if (*p == '#')
            continue;
        if (legacy) {
            if (rw_word_is(p, "title")) {
                entries_add(e, p);
                in_entry = true;
            } else if (in_entry && (rw_word_is(p, "kernel") ||
                                    rw_word_is(p, "module"))) {
                char *k = first_arg(p);

                if (x2k_guest_is_xen_kernel(k))
                    e->v[e->n - 1].xen = true;
                free(k);
            }
            continue;
        }
        /* GRUB 2: top-level menuentry/submenu, braces for depth. */
        if (depth == 0 && (rw_word_is(p, "menuentry") || rw_word_is(p, "submenu"))) {
            entries_add(e, p);
            /* A submenu is never picked: its entries are unknown. */
            e->v[e->n - 1].xen = rw_word_is(p, "submenu");
        } else if (depth > 0 && e->n &&
                   (rw_word_is(p, "linux") || rw_word_is(p, "linux16") ||
                    rw_word_is(p, "linuxefi") || rw_word_is(p, "multiboot") ||
                    rw_word_is(p, "multiboot2") || rw_word_is(p, "module") ||
                    rw_word_is(p, "module2"))) {
            char *k = first_arg(p);

            if (x2k_guest_is_xen_kernel(k))
                e->v[e->n - 1].xen = true;
            free(k);
        }
        for (; *p; p++) {
            if (*p == '{')
                depth++;
            else if (*p == '}' && depth > 0)
                depth--;
            else if (*p == '"' || *p == '\'') {
                const char *q = strchr(p + 1, *p);

                if (!q)
                    break;
                p = q;
            }
        }
    }
    rw_lines_free(&l);
}

void
x2k_guest_grub_count(const char *cfg, bool legacy, size_t *n,
                     size_t *n_non_xen)
{
    struct boot_entries e;
    size_t i;

    collect_entries(cfg, legacy, &e);
    *n = e.n;
    *n_non_xen = 0;
    for (i = 0; i < e.n; i++)
        if (!e.v[i].xen)
            (*n_non_xen)++;
    entries_free(&e);
}

int
x2k_guest_grub_pick_default(const char *cfg, bool legacy, int current)
{
    struct boot_entries e;
    int ret = -1;
    size_t i;

    collect_entries(cfg, legacy, &e);
    if (current >= 0 && (size_t)current < e.n && !e.v[current].xen)
        ret = current;
    else if (current >= 0 && (size_t)current >= e.n && e.n == 0)
        ret = current;             /* no entries known: keep it */
    for (i = 0; i < e.n && ret < 0; i++)
        if (!e.v[i].xen)
            ret = (int)i;
    entries_free(&e);
    return ret;
}

char *
x2k_guest_grub2_saved_default(const char *cfg, const char *saved)
{
    struct boot_entries e;
    char *ret = NULL;
    long idx = -1;
    size_t i;
    bool xen = false;

    collect_entries(cfg, false, &e);
    if (x2k_parse_long(saved, 0, 9999, &idx)) {
        xen = (size_t)idx < e.n && e.v[idx].xen;
    } else {
        for (i = 0; i < e.n; i++)
            if (e.v[i].title && strcmp(e.v[i].title, saved) == 0)
                xen = e.v[i].xen;
    }
    for (i = 0; xen && i < e.n && !ret; i++)
        if (!e.v[i].xen && e.v[i].title)
            ret = x2k_xstrdup(e.v[i].title);
    entries_free(&e);
    return ret;
}

char *
x2k_guest_rewrite_grubenv(const char *text, const char *entry)
{
    struct x2k_buf b = { 0 };
    struct rw_lines l;
    size_t i, size = strlen(text);
    bool set = false;

    rw_lines_split(&l, text);
    for (i = 0; i < l.n; i++) {
        const char *line = l.v[i];

        /* The '#' padding is recomputed below. */
        if (i > 0 && *line == '#' && strspn(line, "#") == strlen(line))
            continue;
        if (x2k_str_has_prefix(line, "saved_entry=")) {
            x2k_buf_printf(&b, "saved_entry=%s\n", entry);
            set = true;
        } else {
            x2k_buf_printf(&b, "%s\n", line);
        }
    }
    rw_lines_free(&l);
    if (!set)
        x2k_buf_printf(&b, "saved_entry=%s\n", entry);
    if (b.len > size) {
        free(b.data);
        return NULL;
    }
    while (b.len < size)
        x2k_buf_puts(&b, "#");
    return x2k_buf_steal(&b);
}

/* Rewrite the arguments after the kernel path on a kernel line. */
static char *
kernel_args_line(const char *line, const char *const *map)
{
    const char *p = rw_skip_space(line);
    const char *args;
    char *na, *ret;

    p += strcspn(p, " \t=");        /* keyword */
    p += strspn(p, " \t=");
    p += strcspn(p, " \t");         /* path */
    args = p;
    na = x2k_guest_rewrite_cmdline(args, map);
    if (strcmp(na, args) == 0) {
        free(na);
        return NULL;
    }
    ret = x2k_strdup_printf("%.*s%s", (int)(args - line), line, na);
    free(na);
    return ret;
}

struct grub_ctx {
    const char *const *map;
    bool legacy;
    int new_default;            /* -1: keep */
};

/* "default N" / "default=N" / `set default="N"': the number's span. */
static bool
default_number(const char *p, bool legacy, const char **num, size_t *len)
{
    if (legacy) {
        if (!rw_word_is(p, "default"))
            return false;
        p += 7;
        p += strspn(p, " \t=");
    } else {
        if (!rw_word_is(p, "set"))
            return false;
        p = rw_skip_space(p + 3);
        if (!x2k_str_has_prefix(p, "default="))
            return false;
        p += 8;
        if (*p == '"' || *p == '\'')
            p++;
    }
    *num = p;
    *len = strspn(p, "0123456789");
    return *len > 0;
}

/* rw_line_fn for grub configurations: kernel arguments and default. */
static char *
grub_line(const char *line, void *opaque)
{
    const struct grub_ctx *ctx = opaque;
    const char *p = rw_skip_space(line), *num;
    size_t len;

    if (*p == '#')
        return NULL;
    if (ctx->new_default >= 0 && default_number(p, ctx->legacy, &num, &len))
        return x2k_strdup_printf("%.*s%d%s", (int)(num - line), line,
                                 ctx->new_default, num + len);
    if (ctx->legacy ? (rw_word_is(p, "kernel") || rw_word_is(p, "module"))
                    : (rw_word_is(p, "linux") || rw_word_is(p, "linux16") ||
                       rw_word_is(p, "linuxefi") || rw_word_is(p, "module")))
        return kernel_args_line(line, ctx->map);
    return NULL;
}

/* The current numeric default of CFG, or -1. */
static int
current_default(const char *cfg, bool legacy)
{
    struct rw_lines l;
    size_t i;
    int ret = legacy ? 0 : -1;
    long v;

    rw_lines_split(&l, cfg);
    for (i = 0; i < l.n; i++) {
        const char *p = rw_skip_space(l.v[i]), *num;
        size_t len;
        char *s;

        if (*p != '#' && default_number(p, legacy, &num, &len)) {
            s = x2k_xstrndup(num, len);
            if (x2k_parse_long(s, 0, 9999, &v))
                ret = (int)v;
            free(s);
        }
    }
    rw_lines_free(&l);
    return ret;
}

/* A grub legacy or GRUB 2 configuration rewritten for KVM. */
static char *
rewrite_grub(const char *text, const char *const *map, bool legacy)
{
    struct grub_ctx ctx = { map, legacy, -1 };
    int cur = current_default(text, legacy);

    if (cur >= 0) {
        int pick = x2k_guest_grub_pick_default(text, legacy, cur);

        if (pick >= 0 && pick != cur)
            ctx.new_default = pick;
    }
    return rw_map_lines(text, grub_line, &ctx);
}

char *
x2k_guest_rewrite_grub_legacy(const char *text, const char *const *map)
{
    return rewrite_grub(text, map, true);
}

char *
x2k_guest_rewrite_grub2_cfg(const char *text, const char *const *map)
{
    return rewrite_grub(text, map, false);
}

struct defgrub_ctx {
    const char *const *map;
    int new_default;
};

/* rw_assignment_line callback: a GRUB_CMDLINE_* value rewritten. */
static char *
cmdline_value(const char *val, size_t len, void *opaque)
{
    const struct defgrub_ctx *ctx = opaque;
    char *v = x2k_xstrndup(val, len);
    char *n = x2k_guest_rewrite_cmdline(v, ctx->map);

    if (strcmp(n, v) == 0) {
        free(n);
        n = NULL;
    }
    free(v);
    return n;
}

/* rw_assignment_line callback: a numeric GRUB_DEFAULT replaced. */
static char *
default_value(const char *val, size_t len, void *opaque)
{
    const struct defgrub_ctx *ctx = opaque;

    if (len == 0 || strspn(val, "0123456789") != len)
        return NULL;
    return x2k_strdup_printf("%d", ctx->new_default);
}

/* rw_line_fn for /etc/default/grub. */
static char *
default_grub_line(const char *line, void *opaque)
{
    static const char *const cmdline_keys[] = {
        "GRUB_CMDLINE_LINUX", "GRUB_CMDLINE_LINUX_DEFAULT",
        "GRUB_CMDLINE_LINUX_RECOVERY", "GRUB_CMDLINE_XEN",
        "GRUB_CMDLINE_LINUX_XEN_REPLACE",
        "GRUB_CMDLINE_LINUX_XEN_REPLACE_DEFAULT", NULL,
    };
    static const char *const default_keys[] = { "GRUB_DEFAULT", NULL };
    const struct defgrub_ctx *ctx = opaque;
    char *r = rw_assignment_line(line, cmdline_keys, cmdline_value, opaque);

    if (r)
        return r;
    if (ctx->new_default >= 0)
        return rw_assignment_line(line, default_keys, default_value, opaque);
    return NULL;
}

char *
x2k_guest_rewrite_default_grub(const char *text, const char *const *map,
                               int new_default)
{
    struct defgrub_ctx ctx = { map, new_default };

    return rw_map_lines(text, default_grub_line, &ctx);
}

/* rw_line_fn for device.map: Xen disk names renamed. */
static char *
device_map_line(const char *line, void *opaque)
{
    char *n;

    if (rw_is_comment_or_blank(line))
        return NULL;
    n = x2k_guest_rewrite_devices(line, opaque);
    if (strcmp(n, line) == 0) {
        free(n);
        return NULL;
    }
    return n;
}

char *
x2k_guest_rewrite_device_map(const char *text, const char *const *map)
{
    return rw_map_lines(text, device_map_line, (void *)map);
}

/* ---- Consoles ------------------------------------------------------ */

/* Find a whole word that is a Xen console in S: its start and length. */
static const char *
find_xen_console_word(const char *s, size_t *len)
{
    const char *p = s;

    while (*p) {
        size_t n;

        if (!isalnum((unsigned char)*p)) {
            p++;
            continue;
        }
        n = strspn(p, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                      "0123456789");
        if (is_xen_console(p, n) &&
            (p == s || p[-1] == ' ' || p[-1] == '\t' || p[-1] == '/' ||
             p[-1] == ':')) {
            *len = n;
            return p;
        }
        p += n;
    }
    return NULL;
}

/* Does an active inittab entry already run on ttyS0? */
static bool
inittab_has_ttys0(const char *text)
{
    struct rw_lines l;
    size_t i;
    bool ret = false;

    rw_lines_split(&l, text);
    for (i = 0; i < l.n && !ret; i++) {
        const char *proc;

        if (rw_is_comment_or_blank(l.v[i]))
            continue;
        proc = strrchr(l.v[i], ':');
        ret = proc && strstr(proc, "ttyS0") != NULL;
    }
    rw_lines_free(&l);
    return ret;
}

/* rw_line_fn for inittab: a getty on a Xen console moved or disabled. */
static char *
inittab_line(const char *line, void *opaque)
{
    const bool *have_ttys0 = opaque;
    const char *proc, *w;
    size_t len;

    if (rw_is_comment_or_blank(line))
        return NULL;
    /* id:runlevels:action:process -- the device is in the process. */
    proc = strchr(line, ':');
    proc = proc ? strchr(proc + 1, ':') : NULL;
    proc = proc ? strchr(proc + 1, ':') : NULL;
    if (!proc || !(w = find_xen_console_word(proc + 1, &len)))
        return NULL;
    if (*have_ttys0)
        return x2k_strdup_printf("#%s", line);
    return x2k_strdup_printf("%.*sttyS0%s", (int)(w - line), line, w + len);
}

char *
x2k_guest_rewrite_inittab(const char *text)
{
    bool have = inittab_has_ttys0(text);

    return rw_map_lines(text, inittab_line, &have);
}

/* rw_line_fn for securetty: the first xvc0 becomes ttyS0. */
static char *
securetty_line(const char *line, void *opaque)
{
    bool *have = opaque;
    const char *p = rw_skip_space(line);

    if (strcmp(p, "ttyS0") == 0)
        *have = true;
    else if (strcmp(p, "xvc0") == 0 && !*have) {
        *have = true;
        return x2k_xstrdup("ttyS0");
    }
    return NULL;
}

char *
x2k_guest_rewrite_securetty(const char *text)
{
    bool have = false;
    struct rw_lines l;
    size_t i;
    char *out;
    struct x2k_buf b = { 0 };

    /* ttyS0 anywhere in the file means xvc0 must not be doubled. */
    rw_lines_split(&l, text);
    for (i = 0; i < l.n; i++)
        if (strcmp(rw_skip_space(l.v[i]), "ttyS0") == 0)
            have = true;
    rw_lines_free(&l);
    out = rw_map_lines(text, securetty_line, &have);
    if (have)
        return out;
    x2k_buf_puts(&b, out);
    free(out);
    if (b.len && b.data[b.len - 1] != '\n')
        x2k_buf_puts(&b, "\n");
    x2k_buf_puts(&b, "ttyS0\n");
    return x2k_buf_steal(&b);
}

char *
x2k_guest_rewrite_getty_link(const char *name)
{
    const char *at = strchr(name, '@');
    const char *dot;

    if (!at || !x2k_str_has_suffix(name, ".service"))
        return NULL;
    if (strncmp(name, "getty@", 6) != 0 &&
        strncmp(name, "serial-getty@", 13) != 0)
        return NULL;
    dot = strrchr(name, '.');
    if (!is_xen_console(at + 1, (size_t)(dot - at - 1)))
        return NULL;
    return x2k_xstrdup("serial-getty@ttyS0.service");
}

/* Pure text rewrites for the guest fixes and the conversion report (see
 * guest-rewrite.h).  Every function takes a whole file as a string and
 * returns a new string; lines are processed one at a time and kept
 * byte-identical unless a rule applies.  Any thread.
 */
#include <config.h>

#include <ctype.h>
#include <stdio.h>

#include "guest/guest-rewrite.h"

static const char *const virtio_modules[] = {
    "virtio_blk", "virtio_pci", "virtio_net", "virtio_balloon",
};

/* ---- Report ------------------------------------------------------- */

struct x2k_guest_report *
x2k_guest_report_new(void)
{
    return x2k_xcalloc(1, sizeof(struct x2k_guest_report));
}

void
x2k_guest_report_free(struct x2k_guest_report *rep)
{
    size_t i;

    if (!rep)
        return;
    for (i = 0; i < rep->n_changes; i++) {
        free(rep->changes[i].file);
        free(rep->changes[i].before);
        free(rep->changes[i].after);
    }
    free(rep->changes);
    for (i = 0; i < rep->n_warnings; i++)
        free(rep->warnings[i]);
    free(rep->warnings);
    for (i = 0; i < rep->n_notes; i++)
        free(rep->notes[i]);
    free(rep->notes);
    free(rep);
}

void
x2k_guest_report_add(struct x2k_guest_report *rep, const char *file,
                     const char *before, const char *after)
{
    struct x2k_guest_change *c;

    rep->changes = x2k_xreallocarray(rep->changes, rep->n_changes + 1,
                                     sizeof *rep->changes);
    c = &rep->changes[rep->n_changes++];
    c->file = x2k_xstrdup(file);
    c->before = x2k_xstrdup(before);
    c->after = x2k_xstrdup(after);
}

static void
push_string(char ***v, size_t *n, const char *fmt, va_list ap)
{
    *v = x2k_xreallocarray(*v, *n + 1, sizeof **v);
    (*v)[(*n)++] = x2k_strdup_vprintf(fmt, ap);
}

void
x2k_guest_report_warn(struct x2k_guest_report *rep, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    push_string(&rep->warnings, &rep->n_warnings, fmt, ap);
    va_end(ap);
}

void
x2k_guest_report_note(struct x2k_guest_report *rep, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    push_string(&rep->notes, &rep->n_notes, fmt, ap);
    va_end(ap);
}

/* Lines of TEXT (without their newlines), as pointers into a copy. */
struct lines {
    char *copy;
    char **v;
    size_t n;
};

static void
lines_split(struct lines *l, const char *text)
{
    char *p;

    l->copy = x2k_xstrdup(text);
    l->v = NULL;
    l->n = 0;
    p = l->copy;
    while (*p) {
        char *nl = strchr(p, '\n');

        l->v = x2k_xreallocarray(l->v, l->n + 1, sizeof *l->v);
        l->v[l->n++] = p;
        if (!nl)
            break;
        *nl = '\0';
        p = nl + 1;
    }
}

static void
lines_free(struct lines *l)
{
    free(l->copy);
    free(l->v);
}

/* Files are small; beyond this many lines the whole file is one change. */
#define DIFF_MAX_LINES 4000

size_t
x2k_guest_report_diff(struct x2k_guest_report *rep, const char *file,
                      const char *old_text, const char *new_text)
{
    struct lines a, b;
    size_t i, j, n = 0;
    unsigned *lcs;

    if (strcmp(old_text, new_text) == 0)
        return 0;
    lines_split(&a, old_text);
    lines_split(&b, new_text);
    if (a.n > DIFF_MAX_LINES || b.n > DIFF_MAX_LINES) {
        x2k_guest_report_add(rep, file, old_text, new_text);
        lines_free(&a);
        lines_free(&b);
        return 1;
    }
    /* Longest common subsequence from the end, then walk forward. */
    lcs = x2k_xcalloc((a.n + 1) * (b.n + 1), sizeof *lcs);
#define L(x, y) lcs[(x) * (b.n + 1) + (y)]
    for (i = a.n; i-- > 0;)
        for (j = b.n; j-- > 0;)
            L(i, j) = strcmp(a.v[i], b.v[j]) == 0
                          ? L(i + 1, j + 1) + 1
                          : (L(i + 1, j) > L(i, j + 1) ? L(i + 1, j)
                                                       : L(i, j + 1));
    i = j = 0;
    while (i < a.n || j < b.n) {
        if (i < a.n && j < b.n && strcmp(a.v[i], b.v[j]) == 0) {
            i++, j++;
        } else if (i < a.n && j < b.n && L(i + 1, j) == L(i, j + 1) &&
                   L(i + 1, j + 1) == L(i, j)) {
            /* A line replaced in place. */
            x2k_guest_report_add(rep, file, a.v[i++], b.v[j++]);
            n++;
        } else if (j >= b.n || (i < a.n && L(i + 1, j) >= L(i, j + 1))) {
            x2k_guest_report_add(rep, file, a.v[i++], NULL);
            n++;
        } else {
            x2k_guest_report_add(rep, file, NULL, b.v[j++]);
            n++;
        }
    }
#undef L
    free(lcs);
    lines_free(&a);
    lines_free(&b);
    return n;
}

char *
x2k_guest_report_format(const struct x2k_guest_report *rep)
{
    struct x2k_buf b = { 0 };
    size_t i;

    for (i = 0; i < rep->n_notes; i++)
        x2k_buf_printf(&b, "note: %s\n", rep->notes[i]);
    for (i = 0; i < rep->n_changes; i++) {
        const struct x2k_guest_change *c = &rep->changes[i];

        if (c->before)
            x2k_buf_printf(&b, "%s: - %s\n", c->file, c->before);
        if (c->after)
            x2k_buf_printf(&b, "%s: + %s\n", c->file, c->after);
    }
    for (i = 0; i < rep->n_warnings; i++)
        x2k_buf_printf(&b, "warning: %s\n", rep->warnings[i]);
    return x2k_buf_steal(&b);
}

/* ---- Line-by-line driver ------------------------------------------ */

/* Called with one line (no newline); returns a new line, or NULL to
 * keep it, or DROP_LINE to delete it. */
typedef char *(*line_fn)(const char *line, void *opaque);
static char drop_line_marker;
#define DROP_LINE (&drop_line_marker)

static char *
map_lines(const char *text, line_fn fn, void *opaque)
{
    struct x2k_buf b = { 0 };
    const char *p = text;

    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        char *line = x2k_xstrndup(p, len);
        char *out = fn(line, opaque);

        if (out != DROP_LINE) {
            x2k_buf_puts(&b, out ? out : line);
            if (nl)
                x2k_buf_puts(&b, "\n");
            free(out);
        }
        free(line);
        p = nl ? nl + 1 : p + len;
    }
    return x2k_buf_steal(&b);
}

static const char *
skip_space(const char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    return s;
}

static bool
word_is_alias(const char *p)
{
    return strncmp(p, "alias", 5) == 0 && (p[5] == ' ' || p[5] == '\t');
}

static bool
is_comment_or_blank(const char *line)
{
    line = skip_space(line);
    return *line == '#' || *line == '\0';
}

/* ---- Device names -------------------------------------------------- */

/* Split a disk name "xvdb12" into prefix length (3), letters length (1);
 * false when it is not a Xen or IDE disk or partition name. */
static bool
parse_xen_disk(const char *name, size_t len, size_t *plen, size_t *llen)
{
    size_t p, l, d;

    if (len > 3 && strncmp(name, "xvd", 3) == 0)
        p = 3;
    else if (len > 2 && strncmp(name, "hd", 2) == 0)
        p = 2;
    else
        return false;
    for (l = 0; p + l < len && name[p + l] >= 'a' && name[p + l] <= 'z';)
        l++;
    if (l == 0 || l > 3)
        return false;
    for (d = 0; p + l + d < len && isdigit((unsigned char)name[p + l + d]);)
        d++;
    if (p + l + d != len)
        return false;
    *plen = p;
    *llen = l;
    return true;
}

/* Like parse_xen_disk for an "sdX[N]" name, but only when MAP renames
 * that very disk: sdX is not a Xen name in general, but it is what the
 * libguestfs appliance calls the disks, and a guest's own grub-mkconfig
 * run there writes it (see guest.c). */
static bool
parse_mapped_sd_disk(const char *name, size_t len, const char *const *map,
                     size_t *plen, size_t *llen)
{
    size_t l, d, i;

    if (len < 3 || strncmp(name, "sd", 2) != 0)
        return false;
    for (l = 0; 2 + l < len && name[2 + l] >= 'a' && name[2 + l] <= 'z';)
        l++;
    for (d = 0; 2 + l + d < len && isdigit((unsigned char)name[2 + l + d]);)
        d++;
    if (l == 0 || l > 3 || 2 + l + d != len)
        return false;
    for (i = 0; map && map[i] && map[i + 1]; i += 2) {
        if (strlen(map[i]) == 2 + l && strncmp(map[i], name, 2 + l) == 0) {
            *plen = 2;
            *llen = l;
            return true;
        }
    }
    return false;
}

/* The new name of the disk/partition NAME[0..LEN); NULL if not Xen. */
static char *
rename_disk(const char *name, size_t len, const char *const *map)
{
    size_t plen, llen, i;
    char *disk;
    const char *to = NULL;
    char *ret;

    if (!parse_xen_disk(name, len, &plen, &llen) &&
        !parse_mapped_sd_disk(name, len, map, &plen, &llen))
        return NULL;
    disk = x2k_xstrndup(name, plen + llen);
    for (i = 0; map && map[i] && map[i + 1]; i += 2) {
        if (strcmp(map[i], disk) == 0) {
            to = map[i + 1];
            break;
        }
    }
    if (to)
        ret = x2k_strdup_printf("%s%.*s", to, (int)(len - plen - llen),
                                name + plen + llen);
    else
        ret = x2k_strdup_printf("vd%.*s", (int)(len - plen), name + plen);
    free(disk);
    return ret;
}

char *
x2k_guest_rewrite_devname(const char *dev, const char *const *map)
{
    bool slash = x2k_str_has_prefix(dev, "/dev/");
    const char *name = slash ? dev + 5 : dev;
    char *n = rename_disk(name, strlen(name), map);
    char *ret;

    if (!n || !slash)
        return n;
    ret = x2k_strdup_printf("/dev/%s", n);
    free(n);
    return ret;
}

static bool
is_name_char(char c)
{
    return isalnum((unsigned char)c);
}

char *
x2k_guest_rewrite_devices(const char *text, const char *const *map)
{
    struct x2k_buf b = { 0 };
    const char *p = text;

    for (;;) {
        const char *d = strstr(p, "/dev/");
        const char *name, *end;
        char *n;

        if (!d) {
            x2k_buf_puts(&b, p);
            break;
        }
        name = d + 5;
        for (end = name; is_name_char(*end); end++)
            ;
        x2k_buf_append(&b, p, (size_t)(name - p));
        n = rename_disk(name, (size_t)(end - name), map);
        if (n)
            x2k_buf_puts(&b, n);
        else
            x2k_buf_append(&b, name, (size_t)(end - name));
        free(n);
        p = end;
    }
    return x2k_buf_steal(&b);
}

/* ---- fstab, crypttab ------------------------------------------------ */

struct tab_ctx {
    const char *const *map;
    const char *const *uuids;
    int field;                  /* 0-based field holding the device */
};

static const char *
uuid_of(const char *const *uuids, const char *dev)
{
    size_t i;

    for (i = 0; uuids && uuids[i] && uuids[i + 1]; i += 2)
        if (strcmp(uuids[i], dev) == 0 && *uuids[i + 1])
            return uuids[i + 1];
    return NULL;
}

static char *
tab_line(const char *line, void *opaque)
{
    const struct tab_ctx *ctx = opaque;
    const char *p = line, *start, *end;
    char *newdev, *repl;
    const char *uuid;
    struct x2k_buf b = { 0 };
    int f;

    if (is_comment_or_blank(line))
        return NULL;
    for (f = 0;; f++) {
        p = skip_space(p);
        start = p;
        while (*p && *p != ' ' && *p != '\t')
            p++;
        end = p;
        if (start == end)
            return NULL;
        if (f == ctx->field)
            break;
    }
    if (end - start <= 5 || strncmp(start, "/dev/", 5) != 0)
        return NULL;
    newdev = rename_disk(start + 5, (size_t)(end - start - 5), ctx->map);
    if (!newdev)
        return NULL;
    repl = x2k_strdup_printf("/dev/%s", newdev);
    free(newdev);
    uuid = uuid_of(ctx->uuids, repl);
    x2k_buf_append(&b, line, (size_t)(start - line));
    if (uuid)
        x2k_buf_printf(&b, "UUID=%s", uuid);
    else
        x2k_buf_puts(&b, repl);
    x2k_buf_puts(&b, end);
    free(repl);
    return x2k_buf_steal(&b);
}

char *
x2k_guest_rewrite_fstab(const char *text, const char *const *map,
                        const char *const *uuids)
{
    struct tab_ctx ctx = { map, uuids, 0 };

    return map_lines(text, tab_line, &ctx);
}

char *
x2k_guest_rewrite_crypttab(const char *text, const char *const *map,
                           const char *const *uuids)
{
    struct tab_ctx ctx = { map, uuids, 1 };

    return map_lines(text, tab_line, &ctx);
}

/* ---- Kernel command line ------------------------------------------- */

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
            char *n = rename_disk(eq + 6, (size_t)(e - eq - 6), map);

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

/* ---- Xen drivers and kernels ----------------------------------------- */

bool
x2k_guest_is_xen_module(const char *module)
{
    static const char *const xen[] = {
        "xenblk", "xennet", "xen-blkfront", "xen_blkfront", "xen-netfront",
        "xen_netfront", "xen-vbd", "xen_vbd", "xen-vnif", "xen_vnif",
    };
    size_t i;

    for (i = 0; i < X2K_N_ELEMENTS(xen); i++)
        if (strcmp(module, xen[i]) == 0)
            return true;
    return false;
}

bool
x2k_guest_is_xen_kernel(const char *name)
{
    const char *base = strrchr(name, '/');
    size_t len;

    base = base ? base + 1 : name;
    len = strlen(base);
    if (x2k_str_has_prefix(base, "xen") && (strstr(base, ".gz") ||
                                             strchr(base, '-') == NULL))
        return true;               /* the hypervisor itself: xen.gz */
    /* SUSE/Debian flavours: 2.6.32.12-0.7-xen, 2.6.18-xenU, -xen-amd64;
     * RHEL 5: 2.6.18-398.el5xen. */
    return strstr(base, "-xen") != NULL ||
           (len >= 3 && strcmp(base + len - 3, "xen") == 0);
}

/* ---- Module lists --------------------------------------------------- */

/* Rewrite a blank-separated module list: Xen drivers removed and, when
 * any was, the virtio drivers appended.  NULL when unchanged. */
static char *
rewrite_module_list(const char *list, size_t len)
{
    struct x2k_buf b = { 0 };
    char *copy = x2k_xstrndup(list, len);
    char *save = NULL, *tok;
    bool removed = false;
    size_t lead = strspn(copy, " \t");
    size_t trail = 0, i;
    char *words[256];
    size_t n = 0;

    while (trail < len - lead && isspace((unsigned char)copy[len - 1 - trail]))
        trail++;
    for (tok = strtok_r(copy, " \t", &save); tok && n < X2K_N_ELEMENTS(words);
         tok = strtok_r(NULL, " \t", &save)) {
        if (x2k_guest_is_xen_module(tok))
            removed = true;
        else
            words[n++] = tok;
    }
    if (!removed) {
        free(copy);
        return NULL;
    }
    x2k_buf_append(&b, list, lead);
    for (i = 0; i < n; i++)
        x2k_buf_printf(&b, "%s%s", b.len > lead ? " " : "", words[i]);
    for (i = 0; i < X2K_N_ELEMENTS(virtio_modules); i++) {
        size_t k;
        bool have = false;

        for (k = 0; k < n; k++)
            have = have || strcmp(words[k], virtio_modules[i]) == 0;
        if (!have)
            x2k_buf_printf(&b, "%s%s", b.len > lead ? " " : "",
                           virtio_modules[i]);
    }
    x2k_buf_append(&b, list + len - trail, trail);
    free(copy);
    return x2k_buf_steal(&b);
}

/* Rewrite the value of a shell assignment KEY=VALUE / KEY+=VALUE on
 * LINE when its key is one of KEYS.  The value may be quoted. */
static char *
assignment_line(const char *line, const char *const *keys,
                char *(*fn)(const char *val, size_t len, void *opaque),
                void *opaque)
{
    const char *p = skip_space(line), *k = p, *v, *end;
    size_t klen, i;
    bool match = false;
    char *nv, *ret;

    if (*p == '#')
        return NULL;
    if (x2k_str_has_prefix(p, "export "))
        p = k = skip_space(p + 7);
    while (isalnum((unsigned char)*p) || *p == '_')
        p++;
    klen = (size_t)(p - k);
    for (i = 0; keys[i]; i++)
        match = match || (strlen(keys[i]) == klen &&
                          strncmp(keys[i], k, klen) == 0);
    if (!match)
        return NULL;
    if (*p == '+')
        p++;
    if (*p != '=')
        return NULL;
    p++;
    if (*p == '"' || *p == '\'') {
        char q = *p++;

        v = p;
        end = strchr(v, q);
        if (!end)
            return NULL;
    } else {
        v = p;
        for (end = v; *end && !isspace((unsigned char)*end) && *end != '#';)
            end++;
    }
    nv = fn(v, (size_t)(end - v), opaque);
    if (!nv)
        return NULL;
    ret = x2k_strdup_printf("%.*s%s%s", (int)(v - line), line, nv, end);
    free(nv);
    return ret;
}

static char *
module_value(const char *val, size_t len, void *opaque)
{
    return rewrite_module_list(val, len);
}

static char *
modules_assignment_line(const char *line, void *opaque)
{
    return assignment_line(line, opaque, module_value, NULL);
}

char *
x2k_guest_rewrite_sysconfig_kernel(const char *text)
{
    static const char *const keys[] = { "INITRD_MODULES", NULL };

    return map_lines(text, modules_assignment_line, (void *)keys);
}

char *
x2k_guest_rewrite_dracut_conf(const char *text)
{
    static const char *const keys[] = {
        "add_drivers", "force_drivers", "drivers", NULL,
    };

    return map_lines(text, modules_assignment_line, (void *)keys);
}

struct modfile_ctx {
    bool removed;
    bool have[X2K_N_ELEMENTS(virtio_modules)];
};

static char *
initramfs_modules_line(const char *line, void *opaque)
{
    struct modfile_ctx *ctx = opaque;
    const char *p = skip_space(line);
    size_t len = strcspn(p, " \t#");
    char *mod;
    size_t i;

    if (is_comment_or_blank(line))
        return NULL;
    mod = x2k_xstrndup(p, len);
    for (i = 0; i < X2K_N_ELEMENTS(virtio_modules); i++)
        if (strcmp(mod, virtio_modules[i]) == 0)
            ctx->have[i] = true;
    if (x2k_guest_is_xen_module(mod)) {
        ctx->removed = true;
        free(mod);
        return DROP_LINE;
    }
    free(mod);
    return NULL;
}

char *
x2k_guest_rewrite_initramfs_modules(const char *text)
{
    struct modfile_ctx ctx = { 0 };
    struct x2k_buf b = { 0 };
    char *out = map_lines(text, initramfs_modules_line, &ctx);
    size_t i;

    if (!ctx.removed) {
        free(out);
        return x2k_xstrdup(text);
    }
    x2k_buf_puts(&b, out);
    free(out);
    if (b.len && b.data[b.len - 1] != '\n')
        x2k_buf_puts(&b, "\n");
    for (i = 0; i < X2K_N_ELEMENTS(virtio_modules); i++)
        if (!ctx.have[i])
            x2k_buf_printf(&b, "%s\n", virtio_modules[i]);
    return x2k_buf_steal(&b);
}

static char *
modprobe_line(const char *line, void *opaque)
{
    const char *p = skip_space(line), *name, *mod;
    size_t nlen, mlen;
    char *m, *ret = NULL;

    if (!word_is_alias(p))
        return NULL;
    name = skip_space(p + 5);
    nlen = strcspn(name, " \t");
    mod = skip_space(name + nlen);
    mlen = strcspn(mod, " \t#");
    if (nlen == 0 || mlen == 0)
        return NULL;
    m = x2k_xstrndup(mod, mlen);
    if (x2k_guest_is_xen_module(m))
        ret = x2k_strdup_printf("%.*s%s%s", (int)(mod - line), line,
                                strstr(m, "net") || strstr(m, "vnif")
                                    ? "virtio_net"
                                    : "virtio_blk",
                                mod + mlen);
    free(m);
    return ret;
}

char *
x2k_guest_rewrite_modprobe(const char *text)
{
    return map_lines(text, modprobe_line, NULL);
}

/* ---- Bootloaders ---------------------------------------------------- */

struct boot_entry {
    bool xen;
    char *title;                /* menu title, or NULL */
};

struct boot_entries {
    struct boot_entry *v;
    size_t n;
};

static bool
word_is(const char *p, const char *word)
{
    size_t n = strlen(word);

    return strncmp(p, word, n) == 0 && (p[n] == ' ' || p[n] == '\t' ||
                                        p[n] == '=' || p[n] == '\0');
}

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
    p = skip_space(p);
    if (*p == '\'' || *p == '"') {
        const char *q = strchr(p + 1, *p);

        return q ? x2k_xstrndup(p + 1, (size_t)(q - p - 1)) : NULL;
    }
    n = strlen(p);
    while (n && (p[n - 1] == ' ' || p[n - 1] == '\t' || p[n - 1] == '{'))
        n--;
    return x2k_xstrndup(p, n);
}

static void
entries_add(struct boot_entries *e, const char *line)
{
    e->v = x2k_xreallocarray(e->v, e->n + 1, sizeof *e->v);
    e->v[e->n].xen = false;
    e->v[e->n++].title = entry_title(line);
}

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
    struct lines l;
    size_t i;
    int depth = 0;
    bool in_entry = false;

    e->v = NULL;
    e->n = 0;
    lines_split(&l, cfg);
    for (i = 0; i < l.n; i++) {
        const char *p = skip_space(l.v[i]);

        if (*p == '#')
            continue;
        if (legacy) {
            if (word_is(p, "title")) {
                entries_add(e, p);
                in_entry = true;
            } else if (in_entry && (word_is(p, "kernel") ||
                                    word_is(p, "module"))) {
                char *k = first_arg(p);

                if (x2k_guest_is_xen_kernel(k))
                    e->v[e->n - 1].xen = true;
                free(k);
            }
            continue;
        }
        /* GRUB 2: top-level menuentry/submenu, braces for depth. */
        if (depth == 0 && (word_is(p, "menuentry") || word_is(p, "submenu"))) {
            entries_add(e, p);
            /* A submenu is never picked: its entries are unknown. */
            e->v[e->n - 1].xen = word_is(p, "submenu");
        } else if (depth > 0 && e->n &&
                   (word_is(p, "linux") || word_is(p, "linux16") ||
                    word_is(p, "linuxefi") || word_is(p, "multiboot") ||
                    word_is(p, "multiboot2") || word_is(p, "module") ||
                    word_is(p, "module2"))) {
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
    lines_free(&l);
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
    struct lines l;
    size_t i, size = strlen(text);
    bool set = false;

    lines_split(&l, text);
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
    lines_free(&l);
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
    const char *p = skip_space(line);
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
        if (!word_is(p, "default"))
            return false;
        p += 7;
        p += strspn(p, " \t=");
    } else {
        if (!word_is(p, "set"))
            return false;
        p = skip_space(p + 3);
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

static char *
grub_line(const char *line, void *opaque)
{
    const struct grub_ctx *ctx = opaque;
    const char *p = skip_space(line), *num;
    size_t len;

    if (*p == '#')
        return NULL;
    if (ctx->new_default >= 0 && default_number(p, ctx->legacy, &num, &len))
        return x2k_strdup_printf("%.*s%d%s", (int)(num - line), line,
                                 ctx->new_default, num + len);
    if (ctx->legacy ? (word_is(p, "kernel") || word_is(p, "module"))
                    : (word_is(p, "linux") || word_is(p, "linux16") ||
                       word_is(p, "linuxefi") || word_is(p, "module")))
        return kernel_args_line(line, ctx->map);
    return NULL;
}

/* The current numeric default of CFG, or -1. */
static int
current_default(const char *cfg, bool legacy)
{
    struct lines l;
    size_t i;
    int ret = legacy ? 0 : -1;
    long v;

    lines_split(&l, cfg);
    for (i = 0; i < l.n; i++) {
        const char *p = skip_space(l.v[i]), *num;
        size_t len;
        char *s;

        if (*p != '#' && default_number(p, legacy, &num, &len)) {
            s = x2k_xstrndup(num, len);
            if (x2k_parse_long(s, 0, 9999, &v))
                ret = (int)v;
            free(s);
        }
    }
    lines_free(&l);
    return ret;
}

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
    return map_lines(text, grub_line, &ctx);
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

static char *
default_value(const char *val, size_t len, void *opaque)
{
    const struct defgrub_ctx *ctx = opaque;

    if (len == 0 || strspn(val, "0123456789") != len)
        return NULL;
    return x2k_strdup_printf("%d", ctx->new_default);
}

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
    char *r = assignment_line(line, cmdline_keys, cmdline_value, opaque);

    if (r)
        return r;
    if (ctx->new_default >= 0)
        return assignment_line(line, default_keys, default_value, opaque);
    return NULL;
}

char *
x2k_guest_rewrite_default_grub(const char *text, const char *const *map,
                               int new_default)
{
    struct defgrub_ctx ctx = { map, new_default };

    return map_lines(text, default_grub_line, &ctx);
}

static char *
device_map_line(const char *line, void *opaque)
{
    char *n;

    if (is_comment_or_blank(line))
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
    return map_lines(text, device_map_line, (void *)map);
}

/* ---- Consoles ------------------------------------------------------- */

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

static bool
inittab_has_ttys0(const char *text)
{
    struct lines l;
    size_t i;
    bool ret = false;

    lines_split(&l, text);
    for (i = 0; i < l.n && !ret; i++) {
        const char *proc;

        if (is_comment_or_blank(l.v[i]))
            continue;
        proc = strrchr(l.v[i], ':');
        ret = proc && strstr(proc, "ttyS0") != NULL;
    }
    lines_free(&l);
    return ret;
}

static char *
inittab_line(const char *line, void *opaque)
{
    const bool *have_ttys0 = opaque;
    const char *proc, *w;
    size_t len;

    if (is_comment_or_blank(line))
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

    return map_lines(text, inittab_line, &have);
}

static char *
securetty_line(const char *line, void *opaque)
{
    bool *have = opaque;
    const char *p = skip_space(line);

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
    struct lines l;
    size_t i;
    char *out;
    struct x2k_buf b = { 0 };

    /* ttyS0 anywhere in the file means xvc0 must not be doubled. */
    lines_split(&l, text);
    for (i = 0; i < l.n; i++)
        if (strcmp(skip_space(l.v[i]), "ttyS0") == 0)
            have = true;
    lines_free(&l);
    out = map_lines(text, securetty_line, &have);
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

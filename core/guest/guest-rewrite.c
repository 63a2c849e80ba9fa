/* Pure text rewrites for the guest fixes (see guest-rewrite.h), the
 * part about names: the conversion report, the line helpers, Xen and
 * IDE disk names (device names, fstab, crypttab) and Xen driver names
 * (initrd module lists, modprobe aliases), plus the Xen kernel test.
 * The bootloader, kernel command line and console rewrites are in
 * guest-rewrite-boot.c, which uses the helpers here (declared in
 * guest-rewrite-internal.h).  Every function takes a whole file as a
 * string and returns a new string; lines are processed one at a time
 * and kept byte-identical unless a rule applies.  Any thread.
 */
#include <config.h>

#include <ctype.h>

#include "guest/guest-rewrite-internal.h"

static const char *const virtio_modules[] = {
    "virtio_blk", "virtio_pci", "virtio_net", "virtio_balloon",
};

/* ---- Report -------------------------------------------------------- */

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

/* Append a formatted string to the list V of N. */
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

/* Split TEXT into lines (pointers into a copy). */
void
rw_lines_split(struct rw_lines *l, const char *text)
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

/* Free what rw_lines_split allocated. */
void
rw_lines_free(struct rw_lines *l)
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
    struct rw_lines a, b;
    size_t i, j, n = 0;
    unsigned *lcs;

    if (strcmp(old_text, new_text) == 0)
        return 0;
    rw_lines_split(&a, old_text);
    rw_lines_split(&b, new_text);
    if (a.n > DIFF_MAX_LINES || b.n > DIFF_MAX_LINES) {
        x2k_guest_report_add(rep, file, old_text, new_text);
        rw_lines_free(&a);
        rw_lines_free(&b);
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
    rw_lines_free(&a);
    rw_lines_free(&b);
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

/* ---- Line-by-line driver ------------------------------------------- */

/* An rw_line_fn here may also return DROP_LINE to delete the line. */
static char drop_line_marker;
#define DROP_LINE (&drop_line_marker)

/* TEXT with FN applied to each line. */
char *
rw_map_lines(const char *text, rw_line_fn fn, void *opaque)
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

/* S past its leading blanks. */
const char *
rw_skip_space(const char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    return s;
}

/* Does P start with the word "alias"? */
static bool
word_is_alias(const char *p)
{
    return strncmp(p, "alias", 5) == 0 && (p[5] == ' ' || p[5] == '\t');
}

/* Is LINE blank or a comment? */
bool
rw_is_comment_or_blank(const char *line)
{
    line = rw_skip_space(line);
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
 * run there writes it (see guest-boot.c). */
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
char *
rw_rename_disk(const char *name, size_t len, const char *const *map)
{
    size_t plen, llen, i;
    char *disk;
    const char *to = NULL;
    char *ret;

    if (!parse_xen_disk(name, len, &plen, &llen) &&
        !parse_mapped_sd_disk(name, len, map, &plen, &llen))
        return NULL;
    /* A partition that was a volume of its own (xen-tools' xvda2 with
     * --layout=keep) is a whole disk now: "xvda2", "vdb" in MAP. */
    for (i = 0; map && map[i] && map[i + 1]; i += 2) {
        if (plen + llen < len && strlen(map[i]) == len &&
            strncmp(map[i], name, len) == 0)
            return x2k_xstrdup(map[i + 1]);
    }
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
    char *n = rw_rename_disk(name, strlen(name), map);
    char *ret;

    if (!n || !slash)
        return n;
    ret = x2k_strdup_printf("/dev/%s", n);
    free(n);
    return ret;
}

/* Can C be part of a disk name after "/dev/"? */
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
        n = rw_rename_disk(name, (size_t)(end - name), map);
        if (n)
            x2k_buf_puts(&b, n);
        else
            x2k_buf_append(&b, name, (size_t)(end - name));
        free(n);
        p = end;
    }
    return x2k_buf_steal(&b);
}

/* ---- fstab, crypttab ----------------------------------------------- */

struct tab_ctx {
    const char *const *map;
    const char *const *uuids;
    int field;                  /* 0-based field holding the device */
};

/* The UUID of new device DEV in UUIDS, or NULL. */
static const char *
uuid_of(const char *const *uuids, const char *dev)
{
    size_t i;

    for (i = 0; uuids && uuids[i] && uuids[i + 1]; i += 2)
        if (strcmp(uuids[i], dev) == 0 && *uuids[i + 1])
            return uuids[i + 1];
    return NULL;
}

/* rw_line_fn for fstab and crypttab: the device field renamed. */
static char *
tab_line(const char *line, void *opaque)
{
    const struct tab_ctx *ctx = opaque;
    const char *p = line, *start, *end;
    char *newdev, *repl;
    const char *uuid;
    struct x2k_buf b = { 0 };
    int f;

    if (rw_is_comment_or_blank(line))
        return NULL;
    for (f = 0;; f++) {
        p = rw_skip_space(p);
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
    newdev = rw_rename_disk(start + 5, (size_t)(end - start - 5), ctx->map);
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

    return rw_map_lines(text, tab_line, &ctx);
}

char *
x2k_guest_rewrite_crypttab(const char *text, const char *const *map,
                           const char *const *uuids)
{
    struct tab_ctx ctx = { map, uuids, 1 };

    return rw_map_lines(text, tab_line, &ctx);
}

/* ---- Xen drivers and kernels --------------------------------------- */

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

/* ---- Module lists -------------------------------------------------- */

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

/* Is the word at P WORD (followed by a blank, '=' or the end)? */
bool
rw_word_is(const char *p, const char *word)
{
    size_t n = strlen(word);

    return strncmp(p, word, n) == 0 && (p[n] == ' ' || p[n] == '\t' ||
                                        p[n] == '=' || p[n] == '\0');
}

/* Rewrite the value of a shell assignment KEY=VALUE / KEY+=VALUE on
 * LINE when its key is one of KEYS.  The value may be quoted. */
char *
rw_assignment_line(const char *line, const char *const *keys,
                   char *(*fn)(const char *val, size_t len, void *opaque),
                   void *opaque)
{
    const char *p = rw_skip_space(line), *k = p, *v, *end;
    size_t klen, i;
    bool match = false;
    char *nv, *ret;

    if (*p == '#')
        return NULL;
    if (x2k_str_has_prefix(p, "export "))
        p = k = rw_skip_space(p + 7);
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

/* rw_assignment_line callback: a module list rewritten. */
static char *
module_value(const char *val, size_t len, void *opaque)
{
    return rewrite_module_list(val, len);
}

/* rw_line_fn: module list assignments (OPAQUE: the keys). */
static char *
modules_assignment_line(const char *line, void *opaque)
{
    return rw_assignment_line(line, opaque, module_value, NULL);
}

char *
x2k_guest_rewrite_sysconfig_kernel(const char *text)
{
    static const char *const keys[] = { "INITRD_MODULES", NULL };

    return rw_map_lines(text, modules_assignment_line, (void *)keys);
}

char *
x2k_guest_rewrite_dracut_conf(const char *text)
{
    static const char *const keys[] = {
        "add_drivers", "force_drivers", "drivers", NULL,
    };

    return rw_map_lines(text, modules_assignment_line, (void *)keys);
}

struct modfile_ctx {
    bool removed;
    bool have[X2K_N_ELEMENTS(virtio_modules)];
};

/* rw_line_fn for initramfs-tools/modules: Xen module lines dropped. */
static char *
initramfs_modules_line(const char *line, void *opaque)
{
    struct modfile_ctx *ctx = opaque;
    const char *p = rw_skip_space(line);
    size_t len = strcspn(p, " \t#");
    char *mod;
    size_t i;

    if (rw_is_comment_or_blank(line))
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
    char *out = rw_map_lines(text, initramfs_modules_line, &ctx);
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

/* rw_line_fn for modprobe configuration: Xen aliases to virtio. */
static char *
modprobe_line(const char *line, void *opaque)
{
    const char *p = rw_skip_space(line), *name, *mod;
    size_t nlen, mlen;
    char *m, *ret = NULL;

    if (!word_is_alias(p))
        return NULL;
    name = rw_skip_space(p + 5);
    nlen = strcspn(name, " \t");
    mod = rw_skip_space(name + nlen);
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
    return rw_map_lines(text, modprobe_line, NULL);
}


/* Pure text: a root= override, what Xen's command line gave a guest
 * that boots through pygrub, set in the guest's own bootloader
 * configuration (every kernel line of grub legacy and GRUB 2, and
 * /etc/default/grub for the guest's grub-mkconfig).  No I/O; any
 * thread.  guest-boot.c applies it after the disk-name rewrites.
 */
#include <config.h>

#include "guest/guest-rewrite-internal.h"

char *
x2k_guest_set_root(const char *cmdline, const char *root)
{
    struct x2k_buf b = { 0 };
    const char *p = cmdline, *w;
    bool set = false;
    size_t len;

    while (*p) {
        len = strspn(p, " \t");
        x2k_buf_append(&b, p, len);
        p += len;
        w = p;
        p += strcspn(p, " \t");
        if (p - w > 5 && strncmp(w, "root=", 5) == 0) {
            /* One root= is left, where the first one was. */
            if (!set)
                x2k_buf_printf(&b, "root=%s", root);
            else if (b.len && (b.data[b.len - 1] == ' ' ||
                               b.data[b.len - 1] == '\t'))
                b.data[--b.len] = '\0';
            set = true;
        } else {
            x2k_buf_append(&b, w, (size_t)(p - w));
        }
    }
    if (!set) {
        while (b.len && (b.data[b.len - 1] == ' ' || b.data[b.len - 1] == '\t'))
            b.data[--b.len] = '\0';
        x2k_buf_printf(&b, "%sroot=%s", b.len ? " " : "", root);
    }
    return x2k_buf_steal(&b);
}

struct root_ctx {
    const char *root;
    bool legacy;
};

/* rw_line_fn: a kernel line of a grub configuration with root=. */
static char *
root_line(const char *line, void *opaque)
{
    const struct root_ctx *ctx = opaque;
    const char *p = rw_skip_space(line), *args, *path, *base;
    char *na, *ret;

    if (!(ctx->legacy ? rw_word_is(p, "kernel")
                      : (rw_word_is(p, "linux") || rw_word_is(p, "linux16") ||
                         rw_word_is(p, "linuxefi"))))
        return NULL;
    p += strcspn(p, " \t=");       /* keyword */
    p += strspn(p, " \t=");
    path = p;
    p += strcspn(p, " \t");        /* path */
    args = p;
    /* The Xen hypervisor of a multiboot entry takes no root=. */
    for (base = p; base > path && base[-1] != '/' && base[-1] != ')'; base--)
        ;
    if (x2k_str_has_prefix(base, "xen"))
        return NULL;
    na = x2k_guest_set_root(args, ctx->root);
    ret = x2k_strdup_printf("%.*s%s%s", (int)(args - line), line,
                            *args == ' ' || *args == '\t' || !*na ? ""
                                                                 : " ",
                            na);
    free(na);
    return ret;
}

char *
x2k_guest_rewrite_grub_root(const char *text, bool legacy, const char *root)
{
    struct root_ctx ctx = { root, legacy };

    return rw_map_lines(text, root_line, &ctx);
}

/* rw_assignment_line callback: a GRUB_CMDLINE_* value with root=. */
static char *
root_value(const char *val, size_t len, void *opaque)
{
    char *v = x2k_xstrndup(val, len);
    char *n = x2k_guest_set_root(v, opaque);

    free(v);
    return n;
}

/* rw_line_fn: root= replaced in a GRUB_CMDLINE_LINUX* that has one. */
static char *
default_root_line(const char *line, void *opaque)
{
    static const char *const keys[] = {
        "GRUB_CMDLINE_LINUX", "GRUB_CMDLINE_LINUX_DEFAULT", NULL,
    };

    if (!strstr(line, "root="))
        return NULL;
    return rw_assignment_line(line, keys, root_value, opaque);
}

/* rw_line_fn: root= added to GRUB_CMDLINE_LINUX. */
static char *
linux_root_line(const char *line, void *opaque)
{
    static const char *const keys[] = { "GRUB_CMDLINE_LINUX", NULL };

    return rw_assignment_line(line, keys, root_value, opaque);
}

char *
x2k_guest_rewrite_default_grub_root(const char *text, const char *root)
{
    char *r = rw_map_lines(text, default_root_line, (void *)root);
    char *r2;

    /* No root= anywhere: GRUB_CMDLINE_LINUX comes after grub-mkconfig's
     * own root=, so the last, the kernel's, is this one. */
    if (strcmp(r, text) == 0 && !strstr(text, "root=")) {
        r2 = rw_map_lines(text, linux_root_line, (void *)root);
        free(r);
        r = r2;
    }
    return r;
}

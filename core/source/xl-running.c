/* A running Xen domain as the toolstack describes it, for a guest that
 * no configuration file names: the JSON of `xl list -l' (one object
 * per domain: domid and config with c_info, b_info, disks, nics) or the
 * S-expressions of `xm list -l' ((domain (name ..) (memory ..) (image
 * (linux (kernel ..))) (device (vbd (uname ..) (dev ..) (mode ..)))
 * ...)).  Both are turned into xl.cfg(5) text, which xl-cfg.c parses
 * and xl-xml.c converts like any other file.  Small tree parsers of
 * their own, bounded in depth; pure; any thread.
 */
#include <config.h>

#include <stdio.h>

#include "base/i18n.h"
#include "base/util.h"
#include "source/source-internal.h"
#include "source/xl-cfg.h"

#define MAX_DEPTH 64

/* One node of either notation: a JSON value or an S-expression. */
struct x2k_jnode {
    enum { N_ATOM, N_LIST, N_OBJECT } kind;   /* string/number/bool: atom */
    char *s;                        /* ATOM */
    char **keys;                    /* OBJECT: keys[i] names kids[i] */
    struct x2k_jnode *kids;
    size_t n;
};

static void
node_clear(struct x2k_jnode *n)
{
    size_t i;

    free(n->s);
    for (i = 0; i < n->n; i++) {
        if (n->keys)
            free(n->keys[i]);
        node_clear(&n->kids[i]);
    }
    free(n->keys);
    free(n->kids);
}

struct rd {
    const char *p, *end;
    int depth;
};

static void
skip_ws(struct rd *r)
{
    while (r->p < r->end && (*r->p == ' ' || *r->p == '\t' ||
                             *r->p == '\n' || *r->p == '\r'))
        r->p++;
}

static void
push(struct x2k_jnode *n, struct x2k_jnode *kid, char *key)
{
    n->kids = x2k_xreallocarray(n->kids, n->n + 1, sizeof *n->kids);
    if (n->kind == N_OBJECT) {
        n->keys = x2k_xreallocarray(n->keys, n->n + 1, sizeof *n->keys);
        n->keys[n->n] = key;
    }
    n->kids[n->n++] = *kid;
}

/* A JSON string at the quote; escapes decoded (\u as UTF-8). */
static char *
json_string(struct rd *r)
{
    struct x2k_buf b = { 0 };

    r->p++;
    while (r->p < r->end && *r->p != '"') {
        char c = *r->p++;

        if (c == '\\' && r->p < r->end) {
            char e = *r->p++;
            unsigned v = 0;
            int i;

            switch (e) {
            case 'n': c = '\n'; break;
            case 't': c = '\t'; break;
            case 'r': c = '\r'; break;
            case 'b': c = '\b'; break;
            case 'f': c = '\f'; break;
            case 'u':
                for (i = 0; i < 4 && r->p < r->end; i++, r->p++) {
                    char h = *r->p;

                    v = v * 16 + (unsigned)(h >= 'a' ? h - 'a' + 10
                                            : h >= 'A' ? h - 'A' + 10
                                                       : h - '0');
                }
                v &= 0xffff;
                if (v == 0 || (v >= 0xd800 && v <= 0xdfff))
                    v = '?';
                if (v < 0x80) {
                    c = (char)v;
                } else {
                    char u[3];
                    size_t k = 0;

                    if (v < 0x800) {
                        u[k++] = (char)(0xc0 | (v >> 6));
                    } else {
                        u[k++] = (char)(0xe0 | (v >> 12));
                        u[k++] = (char)(0x80 | ((v >> 6) & 0x3f));
                    }
                    u[k++] = (char)(0x80 | (v & 0x3f));
                    x2k_buf_append(&b, u, k);
                    continue;
                }
                break;
            default: c = e; break;
            }
        }
        if (c == '\0')
            c = '?';
        x2k_buf_append(&b, &c, 1);
    }
    if (r->p >= r->end) {
        x2k_buf_clear(&b);
        return NULL;
    }
    r->p++;
    return x2k_buf_steal(&b);
}

static bool
json_value(struct rd *r, struct x2k_jnode *n)
{
    skip_ws(r);
    memset(n, 0, sizeof *n);
    if (r->p >= r->end || ++r->depth > MAX_DEPTH)
        return false;
    if (*r->p == '{' || *r->p == '[') {
        char close = *r->p == '{' ? '}' : ']';

        n->kind = close == '}' ? N_OBJECT : N_LIST;
        r->p++;
        skip_ws(r);
        if (r->p < r->end && *r->p == close) {
            r->p++;
            r->depth--;
            return true;
        }
        for (;;) {
            struct x2k_jnode kid;
            char *key = NULL;

            skip_ws(r);
            if (n->kind == N_OBJECT) {
                if (r->p >= r->end || *r->p != '"' ||
                    !(key = json_string(r)))
                    return false;
                skip_ws(r);
                if (r->p >= r->end || *r->p != ':') {
                    free(key);
                    return false;
                }
                r->p++;
            }
            if (!json_value(r, &kid)) {
                free(key);
                node_clear(&kid);
                return false;
            }
            push(n, &kid, key);
            skip_ws(r);
            if (r->p < r->end && *r->p == ',') {
                r->p++;
                continue;
            }
            if (r->p < r->end && *r->p == close) {
                r->p++;
                r->depth--;
                return true;
            }
            return false;
        }
    }
    n->kind = N_ATOM;
    if (*r->p == '"') {
        n->s = json_string(r);
    } else {
        const char *s = r->p;

        while (r->p < r->end && !strchr(",]} \t\r\n", *r->p))
            r->p++;
        n->s = x2k_xstrndup(s, (size_t)(r->p - s));
    }
    r->depth--;
    return n->s != NULL;
}

/* An S-expression: ( atom... ) with atoms bare or in quotes. */
static bool
sexpr_value(struct rd *r, struct x2k_jnode *n)
{
    skip_ws(r);
    memset(n, 0, sizeof *n);
    if (r->p >= r->end || ++r->depth > MAX_DEPTH)
        return false;
    if (*r->p == '(') {
        n->kind = N_LIST;
        r->p++;
        for (;;) {
            struct x2k_jnode kid;

            skip_ws(r);
            if (r->p < r->end && *r->p == ')') {
                r->p++;
                r->depth--;
                return true;
            }
            if (!sexpr_value(r, &kid)) {
                node_clear(&kid);
                return false;
            }
            push(n, &kid, NULL);
        }
    }
    n->kind = N_ATOM;
    if (*r->p == '\'' || *r->p == '"') {
        char q = *r->p++;
        const char *s = r->p;

        while (r->p < r->end && *r->p != q)
            r->p++;
        if (r->p >= r->end)
            return false;
        n->s = x2k_xstrndup(s, (size_t)(r->p - s));
        r->p++;
    } else {
        const char *s = r->p;

        while (r->p < r->end && !strchr("() \t\r\n", *r->p))
            r->p++;
        if (r->p == s)
            return false;
        n->s = x2k_xstrndup(s, (size_t)(r->p - s));
    }
    r->depth--;
    return true;
}

/* JSON: the member KEY of object N. */
static const struct x2k_jnode *
member(const struct x2k_jnode *n, const char *key)
{
    size_t i;

    if (!n || n->kind != N_OBJECT)
        return NULL;
    for (i = 0; i < n->n; i++) {
        if (strcmp(n->keys[i], key) == 0)
            return &n->kids[i];
    }
    return NULL;
}

static const char *
atom(const struct x2k_jnode *n)
{
    return n && n->kind == N_ATOM && strcmp(n->s, "null") != 0 ? n->s : NULL;
}

/* S-expression: the first (KEY ...) list inside N, from index 1. */
static const struct x2k_jnode *
sfind(const struct x2k_jnode *n, const char *key)
{
    size_t i;

    if (!n || n->kind != N_LIST)
        return NULL;
    for (i = 1; i < n->n; i++) {
        const struct x2k_jnode *k = &n->kids[i];

        if (k->kind == N_LIST && k->n > 0 && k->kids[0].kind == N_ATOM &&
            strcmp(k->kids[0].s, key) == 0)
            return k;
    }
    return NULL;
}

/* The value of (KEY VALUE) inside N. */
static const char *
sval(const struct x2k_jnode *n, const char *key)
{
    const struct x2k_jnode *k = sfind(n, key);

    return k && k->n >= 2 ? atom(&k->kids[1]) : NULL;
}

/* KEY = 'VALUE' with ' and \ escaped. */
static void
put_setting(struct x2k_buf *b, const char *key, const char *value)
{
    const char *p;

    if (!value)
        return;
    x2k_buf_printf(b, "%s = '", key);
    for (p = value; *p; p++) {
        if (*p == '\'' || *p == '\\')
            x2k_buf_puts(b, "\\");
        if (*p == '\n')
            x2k_buf_puts(b, "\\n");
        else
            x2k_buf_append(b, p, 1);
    }
    x2k_buf_puts(b, "'\n");
}

/* One list item 'VALUE' (escaped as above) of a list being written. */
static void
put_item(struct x2k_buf *b, const char *value)
{
    struct x2k_buf t = { 0 };
    char *s;

    put_setting(&t, "x", value);
    s = x2k_buf_steal(&t);
    s[strlen(s) - 1] = '\0';        /* the newline */
    x2k_buf_printf(b, "  %s,\n", s + 4);
    free(s);
}

/* KEY = N for a count the dump gave as text: only a number is written
 * (the dump is remote text; anything else would be xl.cfg syntax). */
static void
put_count(struct x2k_buf *b, const char *key, const char *n)
{
    long v;

    if (n && x2k_parse_long(n, 0, 1L << 20, &v))
        x2k_buf_printf(b, "%s = %ld\n", key, v);
}

static void
put_kib(struct x2k_buf *b, const char *key, const char *kib)
{
    long v;

    if (kib && x2k_parse_long(kib, 1, 1L << 40, &v))
        x2k_buf_printf(b, "%s = %ld\n", key, v / 1024);
}

/* `xl list -l' JSON of the domain NAME as xl.cfg text. */
static bool
json_to_cfg(const struct x2k_jnode *root, const char *name, struct x2k_buf *b)
{
    const struct x2k_jnode *dom = NULL, *cfg, *ci, *bi, *list, *pv;
    size_t i;

    for (i = 0; root->kind == N_LIST && i < root->n && !dom; i++) {
        const struct x2k_jnode *c = member(member(&root->kids[i], "config"),
                                      "c_info");

        if (x2k_str_equal(atom(member(c, "name")), name))
            dom = &root->kids[i];
    }
    if (!dom)
        return false;
    cfg = member(dom, "config");
    ci = member(cfg, "c_info");
    bi = member(cfg, "b_info");
    put_setting(b, "name", name);
    put_setting(b, "uuid", atom(member(ci, "uuid")));
    put_setting(b, "type", atom(member(ci, "type")));
    put_kib(b, "memory", atom(member(bi, "target_memkb")));
    put_kib(b, "maxmem", atom(member(bi, "max_memkb")));
    list = member(bi, "avail_vcpus");
    if (list && list->kind == N_LIST && list->n > 0)
        x2k_buf_printf(b, "vcpus = %zu\n", list->n);
    else
        put_count(b, "vcpus", atom(member(bi, "max_vcpus")));
    put_count(b, "maxvcpus", atom(member(bi, "max_vcpus")));
    put_setting(b, "kernel", atom(member(bi, "kernel")));
    put_setting(b, "ramdisk", atom(member(bi, "ramdisk")));
    put_setting(b, "cmdline", atom(member(bi, "cmdline")));
    pv = member(bi, "type.pv");
    put_setting(b, "bootloader", atom(member(pv, "bootloader")));
    put_setting(b, "on_poweroff", atom(member(cfg, "on_poweroff")));
    put_setting(b, "on_reboot", atom(member(cfg, "on_reboot")));
    put_setting(b, "on_crash", atom(member(cfg, "on_crash")));
    list = member(cfg, "disks");
    x2k_buf_puts(b, "disk = [\n");
    for (i = 0; list && list->kind == N_LIST && i < list->n; i++) {
        const struct x2k_jnode *d = &list->kids[i];
        const char *rw = atom(member(d, "readwrite"));
        const char *cd = atom(member(d, "is_cdrom"));
        const char *path = atom(member(d, "pdev_path"));
        const char *fmt = atom(member(d, "format"));
        const char *be = atom(member(d, "backend"));
        X2K_AUTOFREE char *spec = x2k_strdup_printf(
            "vdev=%s,access=%s%s%s%s%s%s%s%s", atom(member(d, "vdev"))
                ? atom(member(d, "vdev")) : "",
            x2k_str_equal(rw, "0") || x2k_str_equal(rw, "false") ? "ro"
                                                                 : "rw",
            x2k_str_equal(cd, "1") || x2k_str_equal(cd, "true")
                ? ",devtype=cdrom" : "",
            fmt && strcmp(fmt, "unknown") ? ",format=" : "",
            fmt && strcmp(fmt, "unknown") ? fmt : "",
            be && strcmp(be, "unknown") ? ",backendtype=" : "",
            be && strcmp(be, "unknown") ? be : "",
            path && *path ? ",target=" : "", path && *path ? path : "");

        put_item(b, spec);
    }
    x2k_buf_puts(b, "]\nvif = [\n");
    list = member(cfg, "nics");
    for (i = 0; list && list->kind == N_LIST && i < list->n; i++) {
        static const char *const keys[] = { "mac", "bridge", "model",
                                            "script", "ip", "ifname" };
        struct x2k_buf v = { 0 };
        size_t k;
        char *spec;

        for (k = 0; k < X2K_N_ELEMENTS(keys); k++) {
            const char *val = atom(member(&list->kids[i], keys[k]));

            if (val && !strchr(val, ','))
                x2k_buf_printf(&v, "%s%s=%s", v.len ? "," : "",
                               k == 5 ? "vifname" : keys[k], val);
        }
        spec = x2k_buf_steal(&v);
        put_item(b, spec);
        free(spec);
    }
    x2k_buf_puts(b, "]\n");
    return true;
}

/* `xm list -l' S-expression (domain ...) of NAME as xl.cfg text. */
static bool
sexpr_to_cfg(const struct x2k_jnode *root, const char *name, struct x2k_buf *b)
{
    const struct x2k_jnode *image, *kind = NULL;
    size_t i;

    if (!x2k_str_equal(root->kind == N_LIST && root->n > 0
                           ? atom(&root->kids[0]) : NULL, "domain") ||
        !x2k_str_equal(sval(root, "name"), name))
        return false;
    put_setting(b, "name", name);
    put_setting(b, "uuid", sval(root, "uuid"));
    put_setting(b, "memory", sval(root, "memory"));
    put_setting(b, "maxmem", sval(root, "maxmem"));
    put_setting(b, "vcpus", sval(root, "vcpus"));
    put_setting(b, "bootloader", sval(root, "bootloader"));
    put_setting(b, "on_poweroff", sval(root, "on_poweroff"));
    put_setting(b, "on_reboot", sval(root, "on_reboot"));
    put_setting(b, "on_crash", sval(root, "on_crash"));
    image = sfind(root, "image");
    if (image && image->n >= 2 && image->kids[1].kind == N_LIST)
        kind = &image->kids[1];
    if (kind && kind->n > 0 && x2k_str_equal(atom(&kind->kids[0]), "hvm")) {
        put_setting(b, "builder", "hvm");
        put_setting(b, "boot", sval(kind, "boot"));
    }
    if (kind) {
        put_setting(b, "kernel", sval(kind, "kernel"));
        put_setting(b, "ramdisk", sval(kind, "ramdisk"));
        put_setting(b, "extra", sval(kind, "args"));
    }
    x2k_buf_puts(b, "disk = [\n");
    for (i = 1; i < root->n; i++) {
        const struct x2k_jnode *dev = &root->kids[i], *vbd;
        const char *uname, *d;

        if (dev->kind != N_LIST || dev->n < 2 ||
            !x2k_str_equal(atom(&dev->kids[0]), "device"))
            continue;
        vbd = &dev->kids[1];
        if (vbd->kind != N_LIST || vbd->n == 0 ||
            (!x2k_str_equal(atom(&vbd->kids[0]), "vbd") &&
             !x2k_str_equal(atom(&vbd->kids[0]), "tap") &&
             !x2k_str_equal(atom(&vbd->kids[0]), "tap2")))
            continue;
        uname = sval(vbd, "uname");
        d = sval(vbd, "dev");
        if (d) {
            X2K_AUTOFREE char *spec = x2k_strdup_printf(
                "%s,%s,%s", uname ? uname : "", d,
                sval(vbd, "mode") ? sval(vbd, "mode") : "w");

            put_item(b, spec);
        }
    }
    x2k_buf_puts(b, "]\nvif = [\n");
    for (i = 1; i < root->n; i++) {
        const struct x2k_jnode *dev = &root->kids[i], *vif;
        static const char *const keys[] = { "mac", "bridge", "model",
                                            "script", "ip", "vifname" };
        struct x2k_buf v = { 0 };
        size_t k;
        char *spec;

        if (dev->kind != N_LIST || dev->n < 2 ||
            !x2k_str_equal(atom(&dev->kids[0]), "device"))
            continue;
        vif = &dev->kids[1];
        if (vif->kind != N_LIST || vif->n == 0 ||
            !x2k_str_equal(atom(&vif->kids[0]), "vif"))
            continue;
        for (k = 0; k < X2K_N_ELEMENTS(keys); k++) {
            const char *val = sval(vif, keys[k]);

            if (val && !strchr(val, ','))
                x2k_buf_printf(&v, "%s%s=%s", v.len ? "," : "", keys[k],
                               val);
        }
        spec = x2k_buf_steal(&v);
        put_item(b, spec);
        free(spec);
    }
    x2k_buf_puts(b, "]\n");
    return true;
}

char *
x2k_xl_running_to_cfg(const char *text, bool sexpr, const char *name,
                      struct x2k_error *err)
{
    struct rd r = { text, text + strlen(text), 0 };
    struct x2k_buf b = { 0 };
    bool found = false;

    for (;;) {
        struct x2k_jnode root;
        bool ok;

        skip_ws(&r);
        if (r.p >= r.end)
            break;
        ok = sexpr ? sexpr_value(&r, &root) : json_value(&r, &root);
        if (ok)
            found = sexpr ? sexpr_to_cfg(&root, name, &b)
                          : json_to_cfg(&root, name, &b);
        node_clear(&root);
        if (!ok || found || !sexpr)
            break;
    }
    if (!found) {
        x2k_buf_clear(&b);
        x2k_error_set(err, X2K_ERR_INVALID,
                      sexpr ? _("'xm list -l' does not describe the guest "
                                "'%1$s'; give its configuration file with "
                                "--xl-config.")
                            : _("'xl list -l' does not describe the guest "
                                "'%1$s'; give its configuration file with "
                                "--xl-config."),
                      name);
        return NULL;
    }
    return x2k_buf_steal(&b);
}

/* The JSON reader for the other readers of core/source
 * (source-internal.h). */
struct x2k_jnode *
x2k_jnode_parse(const char *text)
{
    struct rd r = { text, text + strlen(text), 0 };
    struct x2k_jnode *n = x2k_xcalloc(1, sizeof *n);

    if (!json_value(&r, n)) {
        x2k_jnode_free(n);
        return NULL;
    }
    return n;
}

void
x2k_jnode_free(struct x2k_jnode *n)
{
    if (!n)
        return;
    node_clear(n);
    free(n);
}

const struct x2k_jnode *
x2k_jnode_member(const struct x2k_jnode *n, const char *key)
{
    return member(n, key);
}

const char *
x2k_jnode_atom(const struct x2k_jnode *n)
{
    return atom(n);
}

size_t
x2k_jnode_len(const struct x2k_jnode *n)
{
    return n && n->kind == N_LIST ? n->n : 0;
}

const struct x2k_jnode *
x2k_jnode_item(const struct x2k_jnode *n, size_t i)
{
    return n && n->kind == N_LIST && i < n->n ? &n->kids[i] : NULL;
}

/* The disk and vif specification strings of Xen guest configurations:
 * xl-disk-configuration(5) in its positional form (phy:/dev/vg/lv,xvda2,w
 * with the deprecated file:, tap:aio:, tap2:tapdisk:aio: prefixes) and
 * its KEY=VALUE form (target= last, it takes the rest of the string),
 * and the KEY=VALUE vif strings of xl-network-configuration(5).  Pure;
 * any thread.
 */
#include <config.h>

#include "base/i18n.h"
#include "base/util.h"
#include "source/xl-cfg.h"

/* SPEC split at commas, each part trimmed; "target=" takes the rest. */
static char **
split_spec(const char *spec, size_t *n)
{
    char **parts = NULL;
    const char *p = spec;

    *n = 0;
    for (;;) {
        const char *end, *s, *e;

        while (*p == ' ' || *p == '\t')
            p++;
        end = x2k_str_has_prefix(p, "target=") ? p + strlen(p)
                                               : p + strcspn(p, ",");
        s = p;
        e = end;
        while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
            e--;
        parts = x2k_xreallocarray(parts, *n + 1, sizeof *parts);
        parts[(*n)++] = x2k_xstrndup(s, (size_t)(e - s));
        if (*end != ',')
            break;
        p = end + 1;
    }
    return parts;
}

static void
free_parts(char **parts, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        free(parts[i]);
    free(parts);
}

static bool
is_format(const char *s)
{
    static const char *const formats[] = { "raw", "qcow", "qcow2", "vhd",
                                           "qed", "empty" };
    size_t i;

    for (i = 0; i < X2K_N_ELEMENTS(formats); i++) {
        if (strcmp(s, formats[i]) == 0)
            return true;
    }
    return false;
}

/* Strip the deprecated prefixes (phy:, file:, tap:aio:, tap:qcow2:,
 * tap2:tapdisk:aio:...) from the target TARGET. */
static void
strip_prefixes(struct x2k_xldisk *d, char **target)
{
    static const char *const kinds[] = { "phy", "file", "tap", "tap2",
                                         "tapdisk", "aio", "ioemu" };
    char *t = *target;

    for (;;) {
        char *colon = strchr(t, ':');
        bool known = false;
        size_t i;

        if (!colon || colon == t)
            break;
        *colon = '\0';
        for (i = 0; i < X2K_N_ELEMENTS(kinds); i++)
            known = known || strcmp(t, kinds[i]) == 0;
        if (!known && !is_format(t)) {
            *colon = ':';
            break;
        }
        if (is_format(t))
            x2k_str_replace(&d->format, t);
        else if (strcmp(t, "aio") == 0)
            x2k_str_replace(&d->format, "raw");
        else if (!d->prefix && strcmp(t, "aio") != 0 &&
                 strcmp(t, "ioemu") != 0)
            d->prefix = x2k_xstrdup(strcmp(t, "tapdisk") == 0 ? "tap2" : t);
        t = colon + 1;
    }
    if (d->prefix && strcmp(d->prefix, "phy") == 0)
        x2k_str_replace(&d->backendtype, "phy");
    else if (d->prefix && x2k_str_has_prefix(d->prefix, "tap"))
        x2k_str_replace(&d->backendtype, "tap");
    /* xend's phy:sda1 meant /dev/sda1. */
    if (d->prefix && strcmp(d->prefix, "phy") == 0 && *t && *t != '/') {
        char *full = x2k_strdup_printf("/dev/%s", t);

        free(*target);
        *target = full;
        return;
    }
    if (t != *target) {
        char *rest = x2k_xstrdup(t);

        free(*target);
        *target = rest;
    }
}

/* VALUE of vdev: "ioemu:hda", "hdc:cdrom", "xvda:disk". */
static void
set_vdev(struct x2k_xldisk *d, const char *value)
{
    const char *v = x2k_str_has_prefix(value, "ioemu:") ? value + 6 : value;
    const char *colon = strchr(v, ':');

    free(d->vdev);
    d->vdev = colon ? x2k_xstrndup(v, (size_t)(colon - v)) : x2k_xstrdup(v);
    if (colon && strcmp(colon + 1, "cdrom") == 0)
        d->cdrom = true;
}

static int
set_access(struct x2k_xldisk *d, const char *value, struct x2k_error *err)
{
    if (strcmp(value, "r") == 0 || strcmp(value, "ro") == 0) {
        d->readonly = true;
    } else if (strcmp(value, "w") == 0 || strcmp(value, "rw") == 0 ||
               strcmp(value, "w!") == 0 || *value == '\0') {
        d->readonly = false;
    } else {
        x2k_error_set(err, X2K_ERR_INVALID,
                      _("disk access '%1$s' is not r, ro, w or rw"), value);
        return -1;
    }
    return 0;
}

/* One KEY=VALUE of a disk specification. */
static int
disk_keyword(struct x2k_xldisk *d, const char *key, const char *value,
             struct x2k_error *err)
{
    static const char *const ignored[] = {
        "backend", "script", "discard", "no-discard", "direct-io-safe",
        "colo", "colo-host", "colo-port", "colo-export", "active-disk",
        "hidden-disk", "trusted", "untrusted", "specification",
    };
    size_t i;

    if (strcmp(key, "target") == 0) {
        x2k_str_replace(&d->target, value);
    } else if (strcmp(key, "format") == 0) {
        if (!is_format(value)) {
            x2k_error_set(err, X2K_ERR_INVALID,
                          _("disk format '%1$s' is not raw, qcow, qcow2, "
                            "vhd, qed or empty"), value);
            return -1;
        }
        x2k_str_replace(&d->format, value);
    } else if (strcmp(key, "vdev") == 0) {
        set_vdev(d, value);
    } else if (strcmp(key, "access") == 0) {
        return set_access(d, value, err);
    } else if (strcmp(key, "devtype") == 0) {
        if (strcmp(value, "cdrom") != 0 && strcmp(value, "disk") != 0) {
            x2k_error_set(err, X2K_ERR_INVALID,
                          _("disk devtype '%1$s' is not cdrom or disk"),
                          value);
            return -1;
        }
        d->cdrom = strcmp(value, "cdrom") == 0;
    } else if (strcmp(key, "backendtype") == 0) {
        if (strcmp(value, "phy") != 0 && strcmp(value, "qdisk") != 0 &&
            strcmp(value, "tap") != 0 && strcmp(value, "standalone") != 0) {
            x2k_error_set(err, X2K_ERR_INVALID,
                          _("disk backendtype '%1$s' is not phy, qdisk, tap "
                            "or standalone"), value);
            return -1;
        }
        x2k_str_replace(&d->backendtype, value);
    } else {
        for (i = 0; i < X2K_N_ELEMENTS(ignored); i++) {
            if (strcmp(key, ignored[i]) == 0)
                return 0;
        }
        x2k_error_set(err, X2K_ERR_INVALID,
                      _("unknown disk parameter '%1$s'"), key);
        return -1;
    }
    return 0;
}

int
x2k_xldisk_parse(const char *spec, struct x2k_xldisk *d,
                 struct x2k_error *err)
{
    size_t n, i, npos = 0;
    char **parts = split_spec(spec, &n);
    bool had_target = false, access_set = false;
    int rc = -1;

    memset(d, 0, sizeof *d);
    for (i = 0; i < n; i++) {
        char *p = parts[i];
        char *eq = strchr(p, '=');

        if (eq && eq != p && strcspn(p, ":/") > (size_t)(eq - p)) {
            *eq = '\0';
            if (disk_keyword(d, p, eq + 1, err) < 0)
                goto out;
            had_target = had_target || strcmp(p, "target") == 0;
            continue;
        }
        if (strcmp(p, "cdrom") == 0 && npos > 0) {
            d->cdrom = true;
            continue;
        }
        if (strcmp(p, "discard") == 0 || strcmp(p, "no-discard") == 0 ||
            strcmp(p, "direct-io-safe") == 0)
            continue;
        /* Positional: target, [format], vdev, access. */
        if (npos == 0) {
            x2k_str_replace(&d->target, p);
            had_target = true;
        } else if (npos == 1 && !d->prefix && !d->format &&
                   (is_format(p) || !*p)) {
            if (*p)
                x2k_str_replace(&d->format, p);
            npos++;                 /* the format's place is taken */
            continue;
        } else if (!d->vdev) {
            set_vdev(d, p);
        } else if (!access_set) {
            if (set_access(d, p, err) < 0)
                goto out;
            access_set = true;
        } else {
            x2k_error_set(err, X2K_ERR_INVALID,
                          _("too many positional parameters in the disk "
                            "'%1$s'"), spec);
            goto out;
        }
        if (npos == 0 && d->target)
            strip_prefixes(d, &d->target);
        npos++;
    }
    if (!d->vdev || !*d->vdev) {
        x2k_error_set(err, X2K_ERR_INVALID,
                      _("the disk '%1$s' has no virtual device (vdev)"),
                      spec);
        goto out;
    }
    if (!had_target || !d->target || !*d->target) {
        x2k_str_replace(&d->target, NULL);
        if (!d->cdrom) {
            x2k_error_set(err, X2K_ERR_INVALID,
                          _("the disk '%1$s' has no target (only an empty "
                            "CD-ROM may have none)"), spec);
            goto out;
        }
    }
    if (d->cdrom)
        d->readonly = true;
    rc = 0;
out:
    free_parts(parts, n);
    if (rc < 0)
        x2k_xldisk_clear(d);
    return rc;
}

void
x2k_xldisk_clear(struct x2k_xldisk *d)
{
    free(d->target);
    free(d->format);
    free(d->vdev);
    free(d->backendtype);
    free(d->prefix);
    memset(d, 0, sizeof *d);
}

int
x2k_xlvif_parse(const char *spec, struct x2k_xlvif *v, struct x2k_error *err)
{
    static const char *const ignored[] = {
        "backend", "gatewaydev", "accel", "devid", "trusted", "untrusted",
        "mtu", "forwarddev", "netdev", "uuid", "colo",
    };
    size_t n, i, j;
    char **parts;

    memset(v, 0, sizeof *v);
    parts = split_spec(spec, &n);
    for (i = 0; i < n; i++) {
        char *p = parts[i];
        char *eq = strchr(p, '=');
        char **slot = NULL;
        char *key, *val;

        if (!*p)
            continue;
        if (!eq) {
            x2k_error_set(err, X2K_ERR_INVALID,
                          _("'%1$s' in the vif '%2$s' is not KEY=VALUE"), p,
                          spec);
            free_parts(parts, n);
            x2k_xlvif_clear(v);
            return -1;
        }
        *eq = '\0';
        key = p;
        val = eq + 1;
        while (*val == ' ')
            val++;
        if (strcmp(key, "mac") == 0)
            slot = &v->mac;
        else if (strcmp(key, "bridge") == 0)
            slot = &v->bridge;
        else if (strcmp(key, "model") == 0)
            slot = &v->model;
        else if (strcmp(key, "type") == 0)
            slot = &v->type;
        else if (strcmp(key, "ip") == 0)
            slot = &v->ip;
        else if (strcmp(key, "script") == 0)
            slot = &v->script;
        else if (strcmp(key, "vifname") == 0)
            slot = &v->vifname;
        else if (strcmp(key, "rate") == 0)
            slot = &v->rate;
        if (slot) {
            x2k_str_replace(slot, val);
            continue;
        }
        for (j = 0; j < X2K_N_ELEMENTS(ignored); j++) {
            if (x2k_str_has_prefix(key, ignored[j]))
                break;
        }
        if (j == X2K_N_ELEMENTS(ignored) && !v->unknown)
            v->unknown = x2k_xstrdup(key);
    }
    free_parts(parts, n);
    return 0;
}

void
x2k_xlvif_clear(struct x2k_xlvif *v)
{
    free(v->mac);
    free(v->bridge);
    free(v->model);
    free(v->type);
    free(v->ip);
    free(v->script);
    free(v->vifname);
    free(v->rate);
    free(v->unknown);
    memset(v, 0, sizeof *v);
}

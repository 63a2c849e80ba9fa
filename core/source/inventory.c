/* Guest inventory (see inventory.h): libxml2 XPath over the domain XML,
 * and one probe per disk run over SSH as a single remote shell command
 * (every path through x2k_shell_quote), or locally with stat/ioctl.
 * Caller's thread.
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <libxml/xpath.h>

#include "base/i18n.h"
#include "base/log.h"
#include "base/shquote.h"
#include "base/xml.h"
#include "source/demo.h"
#include "source/inventory.h"

static void
disk_clear(struct x2k_disk *d)
{
    free(d->path);
    free(d->pool);
    free(d->volume);
    free(d->protocol);
    free(d->net_name);
    free(d->target_dev);
    free(d->bus);
    free(d->driver_name);
    free(d->declared_format);
    free(d->real_format);
    free(d->header_format);
    free(d->probe_error);
}

void
x2k_inventory_free(struct x2k_inventory *inv)
{
    size_t i;

    if (!inv)
        return;
    for (i = 0; i < inv->n_disks; i++)
        disk_clear(&inv->disks[i]);
    free(inv->disks);
    for (i = 0; i < inv->n_nics; i++) {
        free(inv->nics[i].type);
        free(inv->nics[i].mac);
        free(inv->nics[i].source);
        free(inv->nics[i].model);
    }
    free(inv->nics);
    free(inv->name);
    free(inv->domain_type);
    free(inv->os_type);
    free(inv->arch);
    free(inv->block_reason);
    free(inv);
}

/* String value of XPath EXPR relative to NODE, or NULL if empty. */
static char *
xp_str(xmlXPathContextPtr ctx, xmlNodePtr node, const char *expr)
{
    xmlXPathObjectPtr o;
    char *r = NULL;

    ctx->node = node;
    o = xmlXPathEvalExpression(BAD_CAST expr, ctx);
    if (o && o->type == XPATH_STRING && o->stringval && *o->stringval)
        r = x2k_xstrdup((const char *)o->stringval);
    xmlXPathFreeObject(o);
    return r;
}

static xmlXPathObjectPtr
xp_nodes(xmlXPathContextPtr ctx, const char *expr)
{
    ctx->node = xmlDocGetRootElement(ctx->doc);
    return xmlXPathEvalExpression(BAD_CAST expr, ctx);
}

static enum x2k_disk_type
parse_disk_type(const char *s)
{
    if (!s || strcmp(s, "file") == 0)
        return X2K_DISK_FILE;
    if (strcmp(s, "block") == 0)
        return X2K_DISK_BLOCK;
    if (strcmp(s, "volume") == 0)
        return X2K_DISK_VOLUME;
    if (strcmp(s, "network") == 0)
        return X2K_DISK_NETWORK;
    return X2K_DISK_OTHER;
}

static enum x2k_disk_device
parse_disk_device(const char *s)
{
    if (s && strcmp(s, "cdrom") == 0)
        return X2K_DEV_CDROM;
    if (s && strcmp(s, "floppy") == 0)
        return X2K_DEV_FLOPPY;
    if (s && strcmp(s, "lun") == 0)
        return X2K_DEV_LUN;
    return X2K_DEV_DISK;
}

struct x2k_inventory *
x2k_inventory_from_xml(const char *xml, struct x2k_error *err)
{
    xmlDocPtr doc;
    xmlXPathContextPtr ctx = NULL;
    xmlXPathObjectPtr o = NULL;
    struct x2k_inventory *inv = NULL;
    X2K_AUTOFREE char *s = NULL;
    int i;

    doc = x2k_xml_parse(xml, strlen(xml), X2K_XML_DOMAIN, NULL);
    if (!doc || !xmlDocGetRootElement(doc) ||
        !xmlStrEqual(xmlDocGetRootElement(doc)->name, BAD_CAST "domain")) {
        x2k_error_set(err, X2K_ERR_XML,
                      _("The guest's configuration is not a libvirt domain "
                        "XML document."));
        goto out;
    }
    ctx = xmlXPathNewContext(doc);
    inv = x2k_xcalloc(1, sizeof(*inv));
    inv->name = xp_str(ctx, xmlDocGetRootElement(doc), "string(/domain/name)");
    inv->domain_type = xp_str(ctx, NULL, "string(/domain/@type)");
    inv->os_type = xp_str(ctx, NULL, "string(/domain/os/type)");
    inv->arch = xp_str(ctx, NULL, "string(/domain/os/type/@arch)");
    s = xp_str(ctx, NULL, "string(/domain/bootloader)");
    inv->pv = (inv->os_type && (strcmp(inv->os_type, "linux") == 0 ||
                                strcmp(inv->os_type, "xen") == 0)) ||
              (s && !inv->os_type);
    free(s);
    s = xp_str(ctx, NULL, "string(/domain/memory)");
    inv->memory_kib = s ? strtoull(s, NULL, 10) : 0;
    free(s);
    s = xp_str(ctx, NULL, "string(/domain/vcpu)");
    inv->vcpus = s ? (unsigned)strtoul(s, NULL, 10) : 1;

    o = xp_nodes(ctx, "/domain/devices/disk");
    if (o && o->nodesetval && o->nodesetval->nodeNr > 0) {
        inv->n_disks = o->nodesetval->nodeNr;
        inv->disks = x2k_xcalloc(inv->n_disks, sizeof(*inv->disks));
        for (i = 0; i < o->nodesetval->nodeNr; i++) {
            xmlNodePtr n = o->nodesetval->nodeTab[i];
            struct x2k_disk *d = &inv->disks[i];
            char *t = xp_str(ctx, n, "string(@type)");
            char *dev = xp_str(ctx, n, "string(@device)");

            d->type = parse_disk_type(t);
            d->device = parse_disk_device(dev);
            free(t);
            free(dev);
            switch (d->type) {
            case X2K_DISK_FILE:
                d->path = xp_str(ctx, n, "string(source/@file)");
                break;
            case X2K_DISK_BLOCK:
                d->path = xp_str(ctx, n, "string(source/@dev)");
                break;
            case X2K_DISK_VOLUME:
                d->pool = xp_str(ctx, n, "string(source/@pool)");
                d->volume = xp_str(ctx, n, "string(source/@volume)");
                break;
            case X2K_DISK_NETWORK:
                d->protocol = xp_str(ctx, n, "string(source/@protocol)");
                d->net_name = xp_str(ctx, n, "string(source/@name)");
                inv->has_network_disks = true;
                break;
            default:
                break;
            }
            d->target_dev = xp_str(ctx, n, "string(target/@dev)");
            d->bus = xp_str(ctx, n, "string(target/@bus)");
            d->driver_name = xp_str(ctx, n, "string(driver/@name)");
            d->declared_format = xp_str(ctx, n, "string(driver/@type)");
            ctx->node = n;
            {
                xmlXPathObjectPtr ro =
                    xmlXPathEvalExpression(BAD_CAST "boolean(readonly)", ctx);
                d->readonly = ro && ro->boolval;
                xmlXPathFreeObject(ro);
            }
            if (d->type == X2K_DISK_BLOCK && !inv->block_device) {
                inv->block_device = true;
                inv->block_reason = x2k_strdup_printf(
                    _("The disk %1$s is the host block device %2$s "
                      "(<disk type='block'>), so block-device mode is on: "
                      "the device is copied to this machine, which needs "
                      "room for it."),
                    d->target_dev ? d->target_dev : "?",
                    d->path ? d->path : "?");
            }
        }
    }
    xmlXPathFreeObject(o);

    o = xp_nodes(ctx, "/domain/devices/interface");
    if (o && o->nodesetval && o->nodesetval->nodeNr > 0) {
        inv->n_nics = o->nodesetval->nodeNr;
        inv->nics = x2k_xcalloc(inv->n_nics, sizeof(*inv->nics));
        for (i = 0; i < o->nodesetval->nodeNr; i++) {
            xmlNodePtr n = o->nodesetval->nodeTab[i];
            struct x2k_nic *nic = &inv->nics[i];

            nic->type = xp_str(ctx, n, "string(@type)");
            nic->mac = xp_str(ctx, n, "string(mac/@address)");
            if (nic->type && strcmp(nic->type, "network") == 0)
                nic->source = xp_str(ctx, n, "string(source/@network)");
            else
                nic->source = xp_str(ctx, n, "string(source/@bridge)");
            nic->model = xp_str(ctx, n, "string(model/@type)");
        }
    }
out:
    xmlXPathFreeObject(o);
    xmlXPathFreeContext(ctx);
    xmlFreeDoc(doc);
    return inv;
}

bool
x2k_disk_is_copied(const struct x2k_disk *d)
{
    return (d->device == X2K_DEV_DISK || d->device == X2K_DEV_LUN) &&
           (d->type == X2K_DISK_FILE || d->type == X2K_DISK_BLOCK) &&
           d->path != NULL;
}

const char *
x2k_image_format_from_magic(const unsigned char *p, size_t n)
{
    if (n >= 8 && p[0] == 'Q' && p[1] == 'F' && p[2] == 'I' && p[3] == 0xfb)
        return p[4] == 0 && p[5] == 0 && p[6] == 0 && p[7] == 1 ? "qcow"
                                                                : "qcow2";
    if (n >= 4 && p[0] == 'Q' && p[1] == 'F' && p[2] == 'I' && p[3] == 0xfb)
        return "qcow2";
    if (n >= 4 && memcmp(p, "KDMV", 4) == 0)
        return "vmdk";
    if (n >= 21 && memcmp(p, "# Disk DescriptorFile", 21) == 0)
        return "vmdk";
    if (n >= 8 && memcmp(p, "conectix", 8) == 0)
        return "vpc";
    if (n >= 8 && memcmp(p, "vhdxfile", 8) == 0)
        return "vhdx";
    if (n >= 4 && memcmp(p, "QED", 4) == 0)
        return "qed";
    if (n >= 68 && p[64] == 0x7f && p[65] == 0x10 && p[66] == 0xda &&
        p[67] == 0xbe)
        return "vdi";
    return "raw";
}

/* Is the declared format FMT raw (or not declared: libvirt's default;
 * Xen's "aio" and "file" drivers read raw images)? */
bool
x2k_format_declared_raw(const char *fmt)
{
    return !fmt || !*fmt || strcmp(fmt, "raw") == 0 ||
           strcmp(fmt, "aio") == 0 || strcmp(fmt, "file") == 0;
}

/* Apply the first header bytes H (N of them) to D.  A declared raw disk
 * is raw whatever its first bytes (the guest writes them: probing would
 * follow a backing file it names); a declared format is verified. */
static void
disk_apply_header(struct x2k_disk *d, const unsigned char *h, size_t n)
{
    const char *fmt = x2k_image_format_from_magic(h, n);

    x2k_str_replace(&d->header_format, fmt);
    if (x2k_format_declared_raw(d->declared_format)) {
        x2k_str_replace(&d->real_format, "raw");
        return;
    }
    x2k_str_replace(&d->real_format, fmt);
    if (strcmp(fmt, "qcow2") == 0 && n >= 32) {
        uint64_t v = 0, backing = 0;
        int i;
        for (i = 8; i < 16; i++)
            backing = (backing << 8) | h[i];
        d->has_backing = backing != 0;
        for (i = 24; i < 32; i++)
            v = (v << 8) | h[i];
        d->size = v;                /* the guest-visible size */
    }
}

static int
hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

static void
probe_local(struct x2k_disk *d, bool demo)
{
    struct stat st;
    unsigned char h[X2K_HEADER_BYTES];
    ssize_t n;
    int fd;

    /* The demo host's disks stand for images in the cache (demo.h). */
    if (demo && x2k_str_has_prefix(d->path, X2K_DEMO_PREFIX)) {
        char *p = x2k_demo_map_path(d->path);

        free(d->path);
        d->path = p;
    }
    d->probed = true;
    if (stat(d->path, &st) < 0) {
        d->probe_error = x2k_strdup_printf(_("%1$s: %2$s"), d->path,
                                           strerror(errno));
        return;
    }
    d->exists = true;
    d->is_block = S_ISBLK(st.st_mode);
    fd = open(d->path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        d->probe_error = x2k_strdup_printf(_("%1$s: %2$s"), d->path,
                                           strerror(errno));
        return;
    }
    if (d->is_block) {
        uint64_t sz = 0;
        if (ioctl(fd, BLKGETSIZE64, &sz) == 0)
            d->size = sz;
    } else {
        d->size = st.st_size;
        d->allocated = (uint64_t)st.st_blocks * 512;
    }
    n = pread(fd, h, sizeof(h), 0);
    if (n < 0) {
        d->probe_error = x2k_strdup_printf(_("%1$s: %2$s"), d->path,
                                           strerror(errno));
    } else {
        d->readable = true;
        disk_apply_header(d, h, n);
    }
    close(fd);
}

/* The remote probe: one shell function, called once per disk.  Prints
 * "@@ INDEX" then key=value lines. */
static const char probe_fn[] =
    "x2kp() { echo \"@@ $1\"; p=$2; case $p in /*) ;; *) p=./$p;; esac; "
    "if [ ! -e \"$p\" ]; then echo exists=0; return; fi; echo exists=1; "
    "if [ -b \"$p\" ]; then echo block=1; "
    "s=$(blockdev --getsize64 \"$p\" 2>/dev/null) || "
    "s=$(( $(cat \"/sys/class/block/$(basename -- \"$(readlink -f -- \"$p\")\")/size\" "
    "2>/dev/null || echo 0) * 512 )); echo size=$s; "
    "else echo block=0; stat -L -c 'size=%s' -- \"$p\"; "
    "stat -L -c 'blocks=%b' -- \"$p\"; stat -L -c 'bsize=%B' -- \"$p\"; fi; "
    "if dd if=\"$p\" of=/dev/null bs=512 count=1 2>/dev/null; then "
    "echo readable=1; echo head=$(dd if=\"$p\" bs=72 count=1 2>/dev/null | "
    "od -An -v -tx1 | tr -d ' \\n'); "
    "else echo readable=0; echo err=$(dd if=\"$p\" of=/dev/null bs=512 "
    "count=1 2>&1 | head -n 1); fi; }; ";

static void
probe_parse(struct x2k_inventory *inv, const char *out)
{
    struct x2k_disk *d = NULL;
    uint64_t blocks = 0, bsize = 512;
    const char *line = out;

    while (line && *line) {
        const char *nl = strchr(line, '\n');
        size_t len = nl ? (size_t)(nl - line) : strlen(line);
        X2K_AUTOFREE char *l = x2k_xstrndup(line, len);
        char *eq = strchr(l, '=');

        line = nl ? nl + 1 : NULL;
        if (strncmp(l, "@@ ", 3) == 0) {
            size_t i = strtoul(l + 3, NULL, 10);
            if (d && blocks)
                d->allocated = blocks * bsize;
            d = i < inv->n_disks ? &inv->disks[i] : NULL;
            blocks = 0;
            bsize = 512;
            if (d)
                d->probed = true;
            continue;
        }
        if (!d || !eq)
            continue;
        *eq = '\0';
        if (strcmp(l, "exists") == 0)
            d->exists = eq[1] == '1';
        else if (strcmp(l, "block") == 0)
            d->is_block = eq[1] == '1';
        else if (strcmp(l, "size") == 0)
            d->size = strtoull(eq + 1, NULL, 10);
        else if (strcmp(l, "blocks") == 0)
            blocks = strtoull(eq + 1, NULL, 10);
        else if (strcmp(l, "bsize") == 0)
            bsize = strtoull(eq + 1, NULL, 10);
        else if (strcmp(l, "readable") == 0)
            d->readable = eq[1] == '1';
        else if (strcmp(l, "err") == 0 && !d->probe_error)
            d->probe_error = x2k_strdup_printf(_("%1$s: %2$s"), d->path,
                                               eq + 1);
        else if (strcmp(l, "head") == 0) {
            unsigned char h[X2K_HEADER_BYTES];
            size_t n = 0;
            const char *p = eq + 1;
            while (n < sizeof(h) && hexval(p[0]) >= 0 && hexval(p[1]) >= 0) {
                h[n++] = (unsigned char)(hexval(p[0]) << 4 | hexval(p[1]));
                p += 2;
            }
            disk_apply_header(d, h, n);
        }
    }
    if (d && blocks)
        d->allocated = blocks * bsize;
}

int
x2k_inventory_probe(struct x2k_inventory *inv, struct x2k_ssh *s,
                    struct x2k_error *err)
{
    struct x2k_buf cmd = { 0 };
    X2K_AUTOFREE char *out = NULL;
    size_t i;
    bool any = false;

    for (i = 0; i < inv->n_disks; i++) {
        struct x2k_disk *d = &inv->disks[i];

        if (d->type != X2K_DISK_FILE && d->type != X2K_DISK_BLOCK)
            continue;
        if (!d->path)
            continue;
        if (!s) {
            probe_local(d, inv->demo);
            continue;
        }
        if (!any)
            x2k_buf_puts(&cmd, probe_fn);
        any = true;
        x2k_buf_printf(&cmd, "x2kp %zu ", i);
        x2k_shell_quote_buf(&cmd, d->path);
        x2k_buf_puts(&cmd, "; ");
    }
    if (!any)
        return 0;
    if (x2k_ssh_run(s, cmd.data, 60000, &out, err) < 0) {
        x2k_buf_clear(&cmd);
        return -1;
    }
    x2k_buf_clear(&cmd);
    probe_parse(inv, out);
    for (i = 0; i < inv->n_disks; i++) {
        struct x2k_disk *d = &inv->disks[i];
        if (!d->probed || d->probe_error)
            continue;
        if (!d->exists)
            d->probe_error = x2k_strdup_printf(
                _("%1$s does not exist on the Xen host."), d->path);
        else if (!d->readable)
            d->probe_error = x2k_strdup_printf(
                _("%1$s cannot be read on the Xen host."), d->path);
    }
    return 0;
}

uint64_t
x2k_inventory_copy_size(const struct x2k_inventory *inv)
{
    uint64_t sum = 0;
    size_t i;

    for (i = 0; i < inv->n_disks; i++) {
        if (x2k_disk_is_copied(&inv->disks[i]))
            sum += inv->disks[i].size;
    }
    return sum;
}

const char *
x2k_disk_type_name(enum x2k_disk_type t)
{
    static const char *const n[] = { "file", "block", "volume", "network",
                                     "other" };
    return (unsigned)t < X2K_N_ELEMENTS(n) ? n[t] : "other";
}

const char *
x2k_disk_device_name(enum x2k_disk_device d)
{
    static const char *const n[] = { "disk", "cdrom", "floppy", "lun" };
    return (unsigned)d < X2K_N_ELEMENTS(n) ? n[d] : "disk";
}

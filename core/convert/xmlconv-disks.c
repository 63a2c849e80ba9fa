/* The converted guest's disks: Xen disk names to KVM names and buses
 * (xvda -> vda or sda, cdroms on IDE or SATA, floppies) keeping the
 * Xen order, each disk's new source (a copy placed as the plan says,
 * or the disk where it is), the QEMU driver and format, and the old ->
 * new name map the kernel command line needs.  Runs on the caller's
 * thread, as one pass of x2k_xmlconv_convert.
 */
#include <config.h>

#include <ctype.h>

#include "base/i18n.h"
#include "convert/layout.h"
#include "convert/xmlconv-internal.h"

/* The index of disk name NAME (xvdb -> 1), or -1. */
int
x2k_xmlconv_disk_index(const char *name, const char **prefix_end)
{
    static const char *const prefixes[] = { "xvd", "hd", "sd", "vd", "fd" };
    const char *p = NULL;
    long idx = 0;
    size_t i;

    if (!name)
        return -1;
    for (i = 0; i < X2K_N_ELEMENTS(prefixes) && !p; i++) {
        if (x2k_str_has_prefix(name, prefixes[i]))
            p = name + strlen(prefixes[i]);
    }
    if (!p || !islower((unsigned char)*p))
        return -1;
    if (prefix_end)
        *prefix_end = p;
    /* Bijective base 26: a=0, z=25, aa=26 (as the Linux kernel names). */
    for (; islower((unsigned char)*p); p++) {
        idx = idx * 26 + (*p - 'a' + 1);
        if (idx > 1000000)
            return -1;
    }
    if (*p != '\0')
        return -1;
    return (int)(idx - 1);
}

/* PREFIX followed by the letters of INDEX (1 -> "b"). */
char *
x2k_xmlconv_disk_name(const char *prefix, int index)
{
    char letters[16];
    size_t n = sizeof letters - 1;

    letters[n] = '\0';
    if (index < 0)
        index = 0;
    index++;
    while (index > 0 && n > 0) {
        index--;
        letters[--n] = (char)('a' + index % 26);
        index /= 26;
    }
    return x2k_strdup_printf("%s%s", prefix, letters + n);
}

struct disk_slot {
    xmlNodePtr node;
    int old_index;              /* from the old name; past any if none */
    size_t order;               /* document order */
};

/* Record that disk OLD is now NEW (for the kernel command line). */
static void
add_map(struct conv *c, const char *old, const char *new)
{
    if (!old || !new)
        return;
    c->map = x2k_xreallocarray(c->map, c->n_map + 3, sizeof *c->map);
    c->map[c->n_map++] = x2k_xstrdup(old);
    c->map[c->n_map++] = x2k_xstrdup(new);
    c->map[c->n_map] = NULL;
}

/* Xen's declared disk format -> a QEMU format name. */
static const char *
qemu_format(const char *driver_name, const char *driver_type)
{
    static const char *const map[][2] = {
        { "aio", "raw" }, { "raw", "raw" }, { "qcow", "qcow" },
        { "qcow2", "qcow2" }, { "vhd", "vpc" }, { "vpc", "vpc" },
        { "vmdk", "vmdk" }, { "qed", "qed" },
    };
    size_t i;

    if (driver_type) {
        for (i = 0; i < X2K_N_ELEMENTS(map); i++) {
            if (strcmp(driver_type, map[i][0]) == 0)
                return map[i][1];
        }
        return NULL;
    }
    if (x2k_str_equal(driver_name, "file") ||
        x2k_str_equal(driver_name, "phy"))
        return "raw";
    return NULL;
}

/* The caller's facts about the disk with SOURCE, or NULL. */
const struct x2k_xmlconv_disk_in *
xc_find_disk_in(struct conv *c, const char *source)
{
    size_t i;

    for (i = 0; source && i < c->opts->n_disks; i++) {
        if (x2k_str_equal(c->opts->disks[i].source, source))
            return &c->opts->disks[i];
    }
    return NULL;
}

/* Order disks by old index, then document order. */
static int
cmp_slot(const void *a, const void *b)
{
    const struct disk_slot *x = a, *y = b;

    if (x->old_index != y->old_index)
        return x->old_index < y->old_index ? -1 : 1;
    return x->order < y->order ? -1 : x->order > y->order;
}

/* Append a zeroed disk to the result. */
static struct x2k_xmlconv_disk *
new_result_disk(struct conv *c)
{
    struct x2k_xmlconv_result *r = c->r;

    r->disks = x2k_xreallocarray(r->disks, r->n_disks + 1, sizeof *r->disks);
    memset(&r->disks[r->n_disks], 0, sizeof *r->disks);
    return &r->disks[r->n_disks++];
}

/* <driver name='qemu' type=FORMAT>, keeping the cache/io settings QEMU
 * takes and saying which it does not. */
static void
set_driver(struct conv *c, xmlNodePtr disk, const char *format)
{
    xmlNodePtr drv = xc_child(disk, "driver");
    static const char *const keep[] = {
        "cache", "io", "discard", "detect_zeroes", NULL,
    };
    X2K_AUTOFREE char *cache = NULL;
    X2K_AUTOFREE char *io = NULL;
    X2K_AUTOFREE char *dev = xc_get_attr(xc_child(disk, "target"), "dev");

    if (!drv) {
        drv = xmlNewNode(NULL, (const xmlChar *)"driver");
        if (disk->children)
            xmlAddPrevSibling(disk->children, drv);
        else
            xmlAddChild(disk, drv);
    }
    xc_keep_attrs(drv, keep);
    xc_keep_children(drv, (const char *const[]){ NULL });
    cache = xc_get_attr(drv, "cache");
    if (cache && !xc_in_list(cache, (const char *const[]){
                        "default", "none", "writethrough", "writeback",
                        "directsync", "unsafe", NULL })) {
        xc_warn(c, "disk-driver",
                _("Disk %1$s: the cache mode '%2$s' is unknown to KVM; "
                  "QEMU's default applies."),
                dev ? dev : "?", cache);
        xc_unset_attr(drv, "cache");
        x2k_str_replace(&cache, NULL);
    }
    io = xc_get_attr(drv, "io");
    if (io && !xc_in_list(io, (const char *const[]){
                     "threads", "native", "io_uring", NULL })) {
        xc_warn(c, "disk-driver",
                _("Disk %1$s: the I/O mode '%2$s' is unknown to KVM; "
                  "QEMU's default applies."),
                dev ? dev : "?", io);
        xc_unset_attr(drv, "io");
    } else if (x2k_str_equal(io, "native") &&
               !xc_in_list(cache ? cache : "default",
                           (const char *const[]){ "none", "directsync",
                                                  NULL })) {
        /* QEMU's native AIO bypasses the host cache: it refuses a
         * cached mode. */
        xc_warn(c, "disk-driver",
                _("Disk %1$s: native I/O needs cache 'none' or "
                  "'directsync', not '%2$s'; the cache mode was kept and "
                  "I/O runs in threads."),
                dev ? dev : "?", cache ? cache : "default");
        xc_unset_attr(drv, "io");
    }
    xc_set_attr(drv, "name", "qemu");
    if (format)
        xc_set_attr(drv, "type", format);
    else
        xc_unset_attr(drv, "type");
}

/* <target dev=DEV bus=BUS>, keeping only a cdrom's tray. */
static void
set_target(xmlNodePtr disk, const char *dev, const char *bus)
{
    xmlNodePtr t = xc_child(disk, "target");

    if (!t)
        t = xc_add_child(disk, "target");
    xc_keep_attrs(t, (const char *const[]){ "tray", NULL });
    xc_set_attr(t, "dev", dev);
    xc_set_attr(t, "bus", bus);
}

/* The new <source> of a copied disk: a file or a pool volume. */
static void
place_copy(struct conv *c, xmlNodePtr disk, struct x2k_xmlconv_disk *d,
           const struct x2k_xmlconv_disk_in *in)
{
    xmlNodePtr src;
    const struct x2k_plan *p = c->plan;

    if (in && in->new_path) {
        d->new_path = x2k_xstrdup(in->new_path);
    } else if (in && in->new_pool && in->new_volume) {
        d->new_pool = x2k_xstrdup(in->new_pool);
        d->new_volume = x2k_xstrdup(in->new_volume);
    } else if (p->output == X2K_OUTPUT_LOCAL && p->output_dir) {
        d->new_path = x2k_strdup_printf("%s/%s-%s.%s", p->output_dir,
                                        c->file_stem, d->new_target,
                                        d->new_format);
    } else {
        d->new_pool = x2k_xstrdup(p->pool ? p->pool : X2K_DEFAULT_POOL);
        d->new_volume = x2k_strdup_printf("%s-%s.%s", c->file_stem,
                                          d->new_target, d->new_format);
    }
    xc_remove_children_named(disk, "source");
    src = xmlNewNode(NULL, (const xmlChar *)"source");
    if (disk->children)
        xmlAddNextSibling(xc_child(disk, "driver"), src);
    else
        xmlAddChild(disk, src);
    if (d->new_path) {
        xc_set_attr(disk, "type", "file");
        xc_set_attr(src, "file", d->new_path);
    } else {
        xc_set_attr(disk, "type", "volume");
        xc_set_attr(src, "pool", d->new_pool);
        xc_set_attr(src, "volume", d->new_volume);
    }
}

static const char *const disk_children[] = {
    "driver", "source", "target", "boot", "readonly", "shareable",
    "serial", "iotune", "geometry", "blockio", "transient", "auth",
    "encryption", NULL,
};

/* One disk of device type disk, named NEWDEV. */
static void
convert_disk(struct conv *c, xmlNodePtr disk, const char *newdev,
             const char *bus)
{
    X2K_AUTOFREE char *type = xc_get_attr(disk, "type");
    X2K_AUTOFREE char *dname = NULL;
    X2K_AUTOFREE char *dtype = NULL;
    xmlNodePtr src = xc_child(disk, "source");
    xmlNodePtr tgt = xc_child(disk, "target");
    xmlNodePtr drv = xc_child(disk, "driver");
    const struct x2k_xmlconv_disk_in *in;
    struct x2k_xmlconv_disk *d;
    const char *declared;

    dname = xc_get_attr(drv, "name");
    dtype = xc_get_attr(drv, "type");
    declared = qemu_format(dname, dtype);
    if (dtype && !declared)
        xc_warn(c, "disk-format",
                _("The Xen disk driver type '%1$s' is unknown; the format "
                  "must be detected from the image."),
                dtype);

    d = new_result_disk(c);
    d->device = x2k_xstrdup("disk");
    d->old_target = xc_get_attr(tgt, "dev");
    d->new_target = x2k_xstrdup(newdev);
    d->new_bus = x2k_xstrdup(bus);
    d->readonly = xc_child(disk, "readonly") != NULL;
    d->shareable = xc_child(disk, "shareable") != NULL;
    if (x2k_str_equal(type, "block")) {
        d->old_block = true;
        d->old_source = xc_get_attr(src, "dev");
    } else if (x2k_str_equal(type, "volume")) {
        X2K_AUTOFREE char *pool = xc_get_attr(src, "pool");
        X2K_AUTOFREE char *vol = xc_get_attr(src, "volume");

        if (pool && vol)
            d->old_source = x2k_strdup_printf("%s/%s", pool, vol);
    } else {
        d->old_source = xc_get_attr(src, "file");
    }
    in = xc_find_disk_in(c, d->old_source);
    d->old_format = x2k_xstrdup(in && in->detected_format
                                    ? in->detected_format
                                    : declared);

    if (x2k_str_equal(type, "network")) {
        X2K_AUTOFREE char *proto = xc_get_attr(src, "protocol");

        xc_warn(c, "network-disk",
                _("Disk %1$s is a network disk (%2$s); it is not copied and "
                  "the KVM host must reach it itself."),
                d->old_target ? d->old_target : "?", proto ? proto : "?");
        d->new_format = x2k_xstrdup(d->old_format ? d->old_format : "raw");
        set_driver(c, disk, d->new_format);
    } else if (!d->old_source) {
        xc_warn(c, "disk-no-source",
                _("Disk %1$s has no source; it was kept empty."),
                d->old_target ? d->old_target : "?");
        d->new_format = x2k_xstrdup("raw");
        set_driver(c, disk, "raw");
    } else if (c->opts->disk_policy == X2K_DISKS_KEEP && !in) {
        /* Not copied: the KVM guest uses the Xen image in place. */
        d->new_format = x2k_xstrdup(d->old_format ? d->old_format : "raw");
        if (d->old_block) {
            d->new_path = x2k_xstrdup(d->old_source);
        } else if (x2k_str_equal(type, "volume")) {
            d->new_pool = xc_get_attr(src, "pool");
            d->new_volume = xc_get_attr(src, "volume");
        } else {
            d->new_path = x2k_xstrdup(d->old_source);
        }
        xc_keep_attrs(src, (const char *const[]){
                               "file", "dev", "pool", "volume", NULL });
        xc_keep_children(src, (const char *const[]){ NULL });
        set_driver(c, disk, d->new_format);
    } else {
        d->copy = true;
        if (in && in->new_format)
            d->new_format = x2k_xstrdup(in->new_format);
        else if (c->opts->disk_policy == X2K_DISKS_KEEP)
            d->new_format = x2k_xstrdup(d->old_format ? d->old_format
                                                      : "raw");
        else
            d->new_format = x2k_xstrdup(x2k_format_name(c->plan->format));
        set_driver(c, disk, d->new_format);
        place_copy(c, disk, d, in);
    }
    set_target(disk, newdev, bus);
    xc_unset_attr(disk, "snapshot");
    xc_keep_children(disk, disk_children);
    xc_set_attr(disk, "device", "disk");
    add_map(c, d->old_target, newdev);
}

/* A cdrom or floppy: new bus; media from the Xen host are ejected. */
static void
convert_removable(struct conv *c, xmlNodePtr disk, const char *device,
                  const char *newdev, const char *bus)
{
    X2K_AUTOFREE char *type = xc_get_attr(disk, "type");
    xmlNodePtr src = xc_child(disk, "source");
    struct x2k_xmlconv_disk *d = new_result_disk(c);

    d->device = x2k_xstrdup(device);
    d->old_target = xc_get_attr(xc_child(disk, "target"), "dev");
    d->new_target = x2k_xstrdup(newdev);
    d->new_bus = x2k_xstrdup(bus);
    d->readonly = xc_child(disk, "readonly") != NULL ||
                  strcmp(device, "cdrom") == 0;
    d->old_block = x2k_str_equal(type, "block");
    d->old_source = xc_get_attr(src, d->old_block ? "dev" : "file");
    d->new_format = x2k_xstrdup("raw");
    if (src) {
        xc_warn(c, "media-ejected",
                strcmp(device, "cdrom") == 0
                    ? _("The CD-ROM %1$s held '%2$s' on the Xen host; it was "
                        "ejected.  Insert the medium again on the KVM host.")
                    : _("The floppy %1$s held '%2$s' on the Xen host; it was "
                        "ejected.  Insert the medium again on the KVM host."),
                d->old_target ? d->old_target : "?",
                d->old_source ? d->old_source : "?");
        xc_remove_node(src);
    }
    xc_set_attr(disk, "type", "file");
    xc_set_attr(disk, "device", device);
    set_driver(c, disk, "raw");
    set_target(disk, newdev, bus);
    xc_keep_children(disk, disk_children);
    add_map(c, d->old_target, newdev);
}

/* The next free index of each name prefix: vd (virtio), sd (SATA and
 * SCSI, disks and cdroms alike), hd (IDE). */
struct names {
    int vd, sd, hd;
};

/* Can a device go on IDE?  Not on q35: then an i440fx machine of the
 * target is chosen instead when there is one.  Without capabilities the
 * machine becomes pc (i440fx) rather than libvirt's default, which may
 * be q35. */
static bool
ide_possible(struct conv *c)
{
    xmlNodePtr type = xc_child(c->os, "type");
    const char *pc = NULL;
    size_t i;

    if (c->machine && !strstr(c->machine, "q35"))
        return true;
    for (i = 0; c->cg && i < c->cg->n_machines && !pc; i++) {
        if (strcmp(c->cg->machines[i], "pc") == 0 ||
            strstr(c->cg->machines[i], "i440fx"))
            pc = c->cg->machines[i];
    }
    if (c->machine && !pc)
        return false;
    if (c->machine)
        xc_warn(c, "machine-i440fx",
                _("IDE needs an i440fx machine: %1$s was chosen instead of "
                  "%2$s."),
                pc, c->machine);
    x2k_str_replace(&c->machine, pc ? pc : "pc");
    xc_set_attr(type, "machine", c->machine);
    c->cdrom_bus = "ide";
    return true;
}

/* The new name of a device on *BUS; IDE, when it is not possible or
 * its four places are taken, becomes SATA, with a warning naming DEV. */
static char *
take_name(struct conv *c, struct names *nm, enum x2k_disk_bus *bus,
          const char *dev)
{
    const char *who = dev ? dev : "?";

    if (*bus == X2K_DISK_BUS_IDE && !ide_possible(c)) {
        xc_warn(c, "ide-unavailable",
                _("Disk %1$s cannot be on IDE: the machine type %2$s has no "
                  "IDE controller.  It was put on SATA."),
                who, c->machine);
        *bus = X2K_DISK_BUS_SATA;
    } else if (*bus == X2K_DISK_BUS_IDE && nm->hd >= 4) {
        xc_warn(c, "ide-full",
                _("IDE has four places and they are taken: disk %1$s was "
                  "put on SATA."),
                who);
        *bus = X2K_DISK_BUS_SATA;
    }
    switch (*bus) {
    case X2K_DISK_BUS_VIRTIO:
        return x2k_xmlconv_disk_name("vd", nm->vd++);
    case X2K_DISK_BUS_IDE:
        return x2k_xmlconv_disk_name("hd", nm->hd++);
    case X2K_DISK_BUS_SCSI:
        c->scsi = true;
        return x2k_xmlconv_disk_name("sd", nm->sd++);
    case X2K_DISK_BUS_SATA:
    default:
        return x2k_xmlconv_disk_name("sd", nm->sd++);
    }
}

/* --layout=assemble: the ND volumes (partitions of one Xen disk) become
 * one disk, named as their Xen disk would be; each volume is partition N
 * of it (xvda2 -> vda2 in the map) and shares its new source.  Returns
 * the first partition's <disk>, the one to keep in the XML. */
static xmlNodePtr
convert_assembled(struct conv *c, struct names *nm, struct disk_slot *disks,
                  size_t nd)
{
    X2K_AUTOFREE char *name = NULL;
    enum x2k_disk_bus bus;
    xmlNodePtr keep = NULL;
    int num;
    size_t i;

    for (num = 1; num <= X2K_LAYOUT_MAX_PARTS; num++) {
        for (i = 0; i < nd; i++) {
            X2K_AUTOFREE char *dev =
                xc_get_attr(xc_child(disks[i].node, "target"), "dev");
            char disk[X2K_LAYOUT_DISK_MAX];
            struct x2k_xmlconv_disk *d;

            if (!dev || x2k_layout_partition_of(dev, disk) != num)
                continue;
            if (!name) {
                bus = xc_disk_bus_for(c, disk);
                name = take_name(c, nm, &bus, disk);
                keep = disks[i].node;
            }
            convert_disk(c, disks[i].node, name, x2k_disk_bus_name(bus));
            d = &c->r->disks[c->r->n_disks - 1];
            d->partition = num;
            /* The map says where the partition went. */
            free(c->map[c->n_map - 1]);
            c->map[c->n_map - 1] = x2k_strdup_printf("%s%d", name, num);
        }
    }
    return keep;
}

/* Every <disk>: names and buses, sources, formats, the disk map. */
void
xc_convert_disks(struct conv *c)
{
    X2K_AUTOFREE xmlNodePtr *v = NULL;
    X2K_AUTOFREE struct disk_slot *disks = NULL;
    struct names names = { 0 };
    size_t n, i, nd = 0, n_assembled = 0;
    xmlNodePtr keep = NULL;
    int next_fd = 0;

    v = xc_elems(c->devices, "disk", &n);
    disks = x2k_xcalloc(n ? n : 1, sizeof *disks);
    for (i = 0; i < n; i++) {
        X2K_AUTOFREE char *type = xc_get_attr(v[i], "type");
        X2K_AUTOFREE char *device = xc_get_attr(v[i], "device");
        X2K_AUTOFREE char *dev = xc_get_attr(xc_child(v[i], "target"), "dev");
        int idx;

        xc_strip_device(v[i]);
        if (x2k_str_equal(type, "dir") || x2k_str_equal(type, "nvme") ||
            x2k_str_equal(type, "vhostuser")) {
            xc_warn(c, "disk-type",
                    _("Disk %1$s of type '%2$s' cannot be carried to KVM and "
                      "was dropped."),
                    dev ? dev : "?", type);
            xc_remove_node(v[i]);
            v[i] = NULL;
            continue;
        }
        if (x2k_str_equal(device, "lun")) {
            xc_warn(c, "disk-lun",
                    _("Disk %1$s was a SCSI LUN passthrough; it became a "
                      "plain disk."),
                    dev ? dev : "?");
            x2k_str_replace(&device, "disk");
            xc_set_attr(v[i], "device", "disk");
        }
        if (!device || strcmp(device, "disk") == 0) {
            idx = x2k_xmlconv_disk_index(dev, NULL);
            disks[nd].node = v[i];
            disks[nd].old_index = idx < 0 ? 1000001 : idx;
            disks[nd].order = i;
            nd++;
        }
    }
    /* Order preserved: xvda before xvdb whatever the XML order. */
    qsort(disks, nd, sizeof *disks, cmp_slot);
    if (c->assembled) {
        keep = convert_assembled(c, &names, disks, nd);
        n_assembled = nd;
        nd = 0;
    }
    for (i = 0; i < nd; i++) {
        X2K_AUTOFREE char *dev =
            xc_get_attr(xc_child(disks[i].node, "target"), "dev");
        enum x2k_disk_bus bus = xc_disk_bus_for(c, dev);
        X2K_AUTOFREE char *name = take_name(c, &names, &bus, dev);

        convert_disk(c, disks[i].node, name, x2k_disk_bus_name(bus));
    }
    for (i = 0; i < n; i++) {
        X2K_AUTOFREE char *device = xc_get_attr(v[i], "device");
        X2K_AUTOFREE char *name = NULL;

        if (!v[i])
            continue;           /* dropped above */
        if (x2k_str_equal(device, "cdrom")) {
            X2K_AUTOFREE char *dev =
                xc_get_attr(xc_child(v[i], "target"), "dev");
            enum x2k_disk_bus bus = strcmp(c->cdrom_bus, "ide") == 0
                                        ? X2K_DISK_BUS_IDE
                                        : X2K_DISK_BUS_SATA;

            name = take_name(c, &names, &bus, dev);
            convert_removable(c, v[i], "cdrom", name, x2k_disk_bus_name(bus));
        } else if (x2k_str_equal(device, "floppy")) {
            name = x2k_xmlconv_disk_name("fd", next_fd++);
            convert_removable(c, v[i], "floppy", name, "fdc");
        }
    }
    /* The other volumes live in the kept disk's partitions. */
    for (i = 0; i < n_assembled; i++) {
        if (disks[i].node != keep)
            xc_remove_node(disks[i].node);
    }
}

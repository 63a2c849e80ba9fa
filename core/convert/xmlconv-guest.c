/* The guest and the hardware it gets: Windows or not (from the caller,
 * else from the hints Xen leaves: Viridian or libxl's <hyperv>, a
 * local-time clock), which Windows (before Vista/2008 or not: from the
 * caller's inspection, libosinfo metadata, or the domain's name, title
 * or description), the default disk bus and NIC model that follow (virtio;
 * for Windows without virtio drivers what it boots from without drivers),
 * the plan's --disk-bus and --nic-model choices, and --vcpus and
 * --memory applied to <vcpu>, <memory> and what must stay consistent
 * with them.  Runs on the caller's thread, as passes of
 * x2k_xmlconv_convert.
 */
#include <config.h>

#include <ctype.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>

#include "base/i18n.h"
#include "convert/xmlconv-internal.h"

/* Is the word starting at P a Windows before Vista/2008 (0), Vista/2008
 * or later (1), or no Windows version at all (-1)?  P follows "win",
 * "windows" or "w" (then only "2k..."), as in winxp, win2k3, w2k8r2,
 * windows-2012r2, win/7 (libosinfo). */
static int
era_after_prefix(const char *p, bool only_2k)
{
    unsigned long n = 0;
    size_t digits = 0;

    while (*p == '-' || *p == '_' || *p == ' ' || *p == '.' || *p == '/')
        p++;
    /* windows-server-2008, winsrv2012 */
    if (!only_2k && (x2k_str_has_prefix(p, "server") ||
                     x2k_str_has_prefix(p, "srv"))) {
        p += p[1] == 'e' ? 6 : 3;
        while (*p == '-' || *p == '_' || *p == ' ' || *p == '.')
            p++;
    }
    if (!only_2k) {
        if (x2k_str_has_prefix(p, "xp") || x2k_str_has_prefix(p, "nt") ||
            x2k_str_has_prefix(p, "me"))
            return 0;
        if (x2k_str_has_prefix(p, "vista"))
            return 1;
    }
    if (x2k_str_has_prefix(p, "2k")) {
        for (p += 2; isdigit((unsigned char)*p) && digits < 4; p++, digits++)
            n = n * 10 + (unsigned long)(*p - '0');
        /* 2k (2000), 2k3, 2k8, 2k12... */
        if (digits == 0 || n == 3)
            return 0;
        return n >= 8 && n <= 99 ? 1 : -1;
    }
    if (only_2k)
        return -1;
    for (; isdigit((unsigned char)*p) && digits < 5; p++, digits++)
        n = n * 10 + (unsigned long)(*p - '0');
    if (digits == 0 || isdigit((unsigned char)*p))
        return -1;
    if (n == 95 || n == 98 || n == 2000 || n == 2003)
        return 0;
    if (n == 7 || n == 8 || n == 10 || n == 11 || (n >= 2008 && n <= 2099))
        return 1;
    return -1;
}

/* The Windows era named in the free text S (a name, a title), or -1. */
static int
era_from_text(const char *s)
{
    X2K_AUTOFREE char *low = x2k_xstrdup(s);
    char *p;
    int era;

    if (!low)
        return -1;
    for (p = low; *p; p++)
        *p = (char)tolower((unsigned char)*p);
    for (p = low; (p = strstr(p, "w")) != NULL; p++) {
        if (p > low && isalpha((unsigned char)p[-1]))
            continue;
        if (x2k_str_has_prefix(p, "windows"))
            era = era_after_prefix(p + 7, false);
        else if (x2k_str_has_prefix(p, "win"))
            era = era_after_prefix(p + 3, false);
        else
            era = era_after_prefix(p + 1, true);
        if (era >= 0)
            return era;
    }
    return -1;
}

/* The id of libosinfo's <os> in <metadata>, or NULL.  Caller frees. */
static char *
libosinfo_id(xmlNodePtr root)
{
    xmlNodePtr md = xc_child(root, "metadata"), n, os;

    for (n = md ? md->children : NULL; n; n = n->next) {
        if (n->type != XML_ELEMENT_NODE ||
            strcmp((const char *)n->name, "libosinfo") != 0)
            continue;
        for (os = n->children; os; os = os->next) {
            xmlChar *id;
            char *s;

            if (os->type != XML_ELEMENT_NODE ||
                strcmp((const char *)os->name, "os") != 0)
                continue;
            id = xmlGetNoNsProp(os, (const xmlChar *)"id");
            s = id ? x2k_xstrdup((const char *)id) : NULL;
            xmlFree(id);
            return s;
        }
    }
    return NULL;
}

/* Which Windows: -1 unknown, 0 before Vista/2008, 1 from then on. */
static int
windows_era(struct conv *c)
{
    static const char *const texts[] = { "name", "title", "description" };
    X2K_AUTOFREE char *id = libosinfo_id(c->root);
    size_t i;
    int era;

    if (c->opts->windows_major > 0)
        return c->opts->windows_major >= 6;
    if (id && strstr(id, "microsoft.com/win") &&
        (era = era_from_text(strstr(id, "win"))) >= 0)
        return era;
    for (i = 0; i < X2K_N_ELEMENTS(texts); i++) {
        X2K_AUTOFREE char *t = xc_get_text(xc_child(c->root, texts[i]));

        if ((era = era_from_text(t)) >= 0)
            return era;
    }
    return -1;
}

/* Windows: from the caller, else guessed from Xen's hints; then the
 * default disk bus and NIC model. */
void
xc_decide_guest_os(struct conv *c)
{
    xmlNodePtr clock = xc_child(c->root, "clock");
    xmlNodePtr features = xc_child(c->root, "features");
    bool viridian = xc_child(features, "viridian") != NULL ||
                    xc_child(features, "hyperv") != NULL;
    bool localtime = xc_attr_is(clock, "offset", "localtime") ||
                     xc_attr_is(clock, "basis", "localtime");

    switch (c->opts->guest_os) {
    case X2K_GUEST_OS_WINDOWS:
        c->windows = true;
        break;
    case X2K_GUEST_OS_LINUX:
        c->windows = false;
        break;
    case X2K_GUEST_OS_UNKNOWN:
    default:
        c->windows = !c->pv && (viridian || localtime);
        if (c->windows)
            xc_warn(c, "guest-os-guessed",
                    _("The guest looks like Windows (Viridian or Hyper-V "
                      "enlightenments, or a local-time clock); it was "
                      "converted as Windows."));
        break;
    }
    c->r->windows = c->windows;
    c->virtio = !c->windows || c->opts->virtio_drivers;
    c->windows_era = c->windows ? windows_era(c) : -1;
    if (c->virtio) {
        c->default_bus = X2K_DISK_BUS_VIRTIO;
        c->default_nic = X2K_NIC_VIRTIO;
    } else {
        /* What Windows boots from without drivers: IDE always, SATA
         * (AHCI) from Vista/2008 on. */
        c->default_bus = c->windows_era == 1 ? X2K_DISK_BUS_SATA
                                             : X2K_DISK_BUS_IDE;
        c->default_nic = X2K_NIC_E1000;
    }
}

/* After the disks and NICs: say what the Windows defaults chose. */
void
xc_warn_windows_defaults(struct conv *c)
{
    if (c->virtio || !c->defaults_used)
        return;
    if (c->windows_era == 1)
        xc_warn(c, "windows-no-virtio",
                _("Windows has no virtio drivers out of the box: its disks "
                  "were put on SATA and its network interfaces on e1000.  "
                  "Choose others with --disk-bus and --nic-model; the "
                  "virt-v2v engine installs virtio drivers."));
    else if (c->windows_era == 0)
        xc_warn(c, "windows-no-virtio",
                _("Windows older than Vista/2008 has neither virtio nor SATA "
                  "drivers: its disks were put on IDE and its network "
                  "interfaces on e1000.  Choose others with --disk-bus and "
                  "--nic-model."));
    else
        xc_warn(c, "windows-no-virtio",
                _("The Windows version is unknown: its disks were put on "
                  "IDE, which every Windows boots from without drivers "
                  "(--disk-bus=sata suits Vista/2008 and later), and its "
                  "network interfaces on e1000.  The virt-v2v engine "
                  "installs virtio drivers."));
}

/* The bus of the disk that was OLD_TARGET: the plan's choice, else the
 * default. */
enum x2k_disk_bus
xc_disk_bus_for(struct conv *c, const char *old_target)
{
    int b = x2k_devchoices_get(&c->plan->disk_buses, old_target);

    if (b >= 0 && b < X2K_N_DISK_BUSES)
        return (enum x2k_disk_bus)b;
    c->defaults_used = true;
    return c->default_bus;
}

/* The model of the NIC with MAC: the plan's choice, else the default. */
enum x2k_nic_model
xc_nic_model_for(struct conv *c, const char *mac)
{
    int m = x2k_devchoices_get(&c->plan->nic_models, mac);

    if (m >= 0 && m < X2K_N_NIC_MODELS)
        return (enum x2k_nic_model)m;
    c->defaults_used = true;
    return c->default_nic;
}

/* N's memory value in KiB with libvirt's units; 0 if unknown. */
static uint64_t
memory_kib(xmlNodePtr n)
{
    static const struct {
        const char *unit;
        uint64_t num, den;
    } units[] = {
        { "b", 1, 1024 }, { "bytes", 1, 1024 }, { "KB", 1000, 1024 },
        { "k", 1, 1 }, { "KiB", 1, 1 }, { "MB", 1000000, 1024 },
        { "M", 1024, 1 }, { "MiB", 1024, 1 }, { "GB", 1000000000, 1024 },
        { "G", 1048576, 1 }, { "GiB", 1048576, 1 },
        { "TB", 1000000000000ULL, 1024 }, { "T", 1ULL << 30, 1 },
        { "TiB", 1ULL << 30, 1 },
    };
    X2K_AUTOFREE char *text = xc_get_text(n);
    X2K_AUTOFREE char *unit = xc_get_attr(n, "unit");
    long v;
    size_t i;

    if (!text || !x2k_parse_long(text, 0, LONG_MAX, &v))
        return 0;
    if (!unit)
        return (uint64_t)v;
    for (i = 0; i < X2K_N_ELEMENTS(units); i++) {
        if (strcmp(unit, units[i].unit) == 0)
            return (uint64_t)v / units[i].den * units[i].num;
    }
    return 0;
}

/* Set N (an element of the top level) to KIB KiB. */
static void
set_memory(xmlNodePtr n, uint64_t kib)
{
    char buf[32];

    snprintf(buf, sizeof buf, "%" PRIu64, kib);
    xc_set_text(n, buf);
    xc_set_attr(n, "unit", "KiB");
}

/* --vcpus: <vcpu>, and the topology and per-vCPU list that must match. */
static void
apply_vcpus(struct conv *c, int n)
{
    xmlNodePtr vcpu = xc_child(c->root, "vcpu");
    xmlNodePtr topo = xc_child(xc_child(c->root, "cpu"), "topology");
    char buf[16];

    if (!vcpu) {
        vcpu = xmlNewNode(NULL, (const xmlChar *)"vcpu");
        xmlAddNextSibling(xc_child(c->root, "currentMemory")
                              ? xc_child(c->root, "currentMemory")
                              : xc_child(c->root, "memory"),
                          vcpu);
    }
    snprintf(buf, sizeof buf, "%d", n);
    xc_set_text(vcpu, buf);
    /* All of them online, as the option says. */
    xc_unset_attr(vcpu, "current");
    xc_remove_node(xc_child(c->root, "vcpus"));
    if (topo) {
        static const char *const parts[] = { "sockets", "dies", "cores",
                                             "threads" };
        long product = 1, v;
        size_t i;

        for (i = 0; i < X2K_N_ELEMENTS(parts); i++) {
            X2K_AUTOFREE char *s = xc_get_attr(topo, parts[i]);

            if (s && x2k_parse_long(s, 1, 65536, &v))
                product *= v;
        }
        if (product != n) {
            xc_warn(c, "cpu-topology",
                    _("The CPU topology of the source (%1$ld vCPUs) does not "
                      "fit --vcpus=%2$d; it was dropped."),
                    product, n);
            xc_remove_node(topo);
        }
    }
}

/* --memory: <memory>, <currentMemory> and a <maxMemory> below it. */
static void
apply_memory(struct conv *c, uint64_t kib)
{
    xmlNodePtr mem = xc_child(c->root, "memory");
    xmlNodePtr cur = xc_child(c->root, "currentMemory");
    xmlNodePtr max = xc_child(c->root, "maxMemory");

    set_memory(mem, kib);
    if (cur)
        set_memory(cur, kib);
    if (max && memory_kib(max) < kib) {
        xc_warn(c, "max-memory",
                _("The memory hotplug limit (maxMemory) of the source is "
                  "below --memory; it was dropped."));
        xc_remove_node(max);
    }
}

/* --vcpus and --memory; NUMA cells name both, so they go. */
void
xc_convert_hardware(struct conv *c)
{
    xmlNodePtr cpu = xc_child(c->root, "cpu");
    xmlNodePtr numa = xc_child(cpu, "numa");

    if (c->plan->vcpus > 0)
        apply_vcpus(c, c->plan->vcpus);
    if (c->plan->memory_kib > 0)
        apply_memory(c, c->plan->memory_kib);
    if (numa && (c->plan->vcpus > 0 || c->plan->memory_kib > 0)) {
        xc_warn(c, "numa",
                _("The guest's NUMA cells divide the source's vCPUs and "
                  "memory; with --vcpus or --memory they were dropped."));
        xc_remove_node(numa);
        if (!cpu->children && !cpu->properties)
            xc_remove_node(cpu);
        if (xc_child(c->root, "maxMemory")) {
            xc_warn(c, "max-memory",
                    _("Memory hotplug (maxMemory) needs NUMA cells; it was "
                      "dropped with them."));
            xc_remove_node(xc_child(c->root, "maxMemory"));
        }
    } else if (!numa && xc_child(c->root, "maxMemory")) {
        /* QEMU plugs memory into a NUMA node: without one it refuses. */
        xc_warn(c, "max-memory",
                _("The source allows memory hotplug (maxMemory) but has no "
                  "NUMA cells, which KVM needs for it; memory hotplug was "
                  "dropped."));
        xc_remove_node(xc_child(c->root, "maxMemory"));
    }
}

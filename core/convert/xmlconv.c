/* The Xen -> KVM domain XML converter.  Works on a copy of the parsed
 * source with libxml2's tree and XPath APIs, one pass per part of the
 * domain (os, features, clock, each device class), collecting the disk
 * map, the boot files and a warning for everything it cannot carry.
 * No I/O.  Runs on the caller's thread; calls share no state.
 */
#include <config.h>

#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <libxml/parser.h>
#include <libxml/xmlsave.h>
#include <libxml/xpath.h>

#include "base/i18n.h"
#include "base/log.h"
#include "base/xml.h"
#include "convert/xmlconv-internal.h"

/* ---- Small tree helpers ---------------------------------------------- */

static bool
is_elem(xmlNodePtr n, const char *name)
{
    return n && n->type == XML_ELEMENT_NODE && !n->ns &&
           strcmp((const char *)n->name, name) == 0;
}

static xmlNodePtr
child(xmlNodePtr parent, const char *name)
{
    xmlNodePtr n;

    for (n = parent ? parent->children : NULL; n; n = n->next) {
        if (is_elem(n, name))
            return n;
    }
    return NULL;
}

static xmlNodePtr
add_child(xmlNodePtr parent, const char *name)
{
    return xmlNewChild(parent, NULL, (const xmlChar *)name, NULL);
}

static char *
get_attr(xmlNodePtr n, const char *name)
{
    xmlChar *v = n ? xmlGetNoNsProp(n, (const xmlChar *)name) : NULL;
    char *s = v ? x2k_xstrdup((const char *)v) : NULL;

    xmlFree(v);
    return s;
}

static bool
attr_is(xmlNodePtr n, const char *name, const char *value)
{
    X2K_AUTOFREE char *v = get_attr(n, name);

    return x2k_str_equal(v, value);
}

static void
set_attr(xmlNodePtr n, const char *name, const char *value)
{
    xmlSetProp(n, (const xmlChar *)name, (const xmlChar *)value);
}

static void
unset_attr(xmlNodePtr n, const char *name)
{
    xmlUnsetProp(n, (const xmlChar *)name);
}

static void
remove_node(xmlNodePtr n)
{
    if (!n)
        return;
    xmlUnlinkNode(n);
    xmlFreeNode(n);
}

/* Remove every attribute of N except those named in KEEP (NULL-ended). */
static void
keep_attrs(xmlNodePtr n, const char *const *keep)
{
    xmlAttrPtr a = n->properties, next;
    size_t i;

    for (; a; a = next) {
        bool keep_it = false;

        next = a->next;
        for (i = 0; keep[i] && !a->ns; i++) {
            if (strcmp((const char *)a->name, keep[i]) == 0)
                keep_it = true;
        }
        if (!keep_it)
            xmlRemoveProp(a);
    }
}

/* Remove every child element of N not named in KEEP (NULL-ended). */
static void
keep_children(xmlNodePtr n, const char *const *keep)
{
    xmlNodePtr c, next;
    size_t i;

    for (c = n->children; c; c = next) {
        bool keep_it = false;

        next = c->next;
        if (c->type != XML_ELEMENT_NODE)
            continue;
        for (i = 0; keep[i] && !c->ns; i++) {
            if (strcmp((const char *)c->name, keep[i]) == 0)
                keep_it = true;
        }
        if (!keep_it)
            remove_node(c);
    }
}

/* Remove every child element of N named NAME. */
static void
remove_children_named(xmlNodePtr n, const char *name)
{
    xmlNodePtr c, next;

    for (c = n ? n->children : NULL; c; c = next) {
        next = c->next;
        if (is_elem(c, name))
            remove_node(c);
    }
}

/* N's text, trimmed; NULL if N is NULL.  Caller frees. */
static char *
get_text(xmlNodePtr n)
{
    xmlChar *t = n ? xmlNodeGetContent(n) : NULL;
    char *s, *p, *e;

    if (!t)
        return NULL;
    /* Trim surrounding white space. */
    for (p = (char *)t; isspace((unsigned char)*p); p++)
        ;
    s = x2k_xstrdup(p);
    for (e = s + strlen(s); e > s && isspace((unsigned char)e[-1]); e--)
        ;
    *e = '\0';
    xmlFree(t);
    return s;
}

/* Replace N's content by TEXT (escaped on output). */
static void
set_text(xmlNodePtr n, const char *text)
{
    xmlNodePtr c;

    while ((c = n->children) != NULL)
        remove_node(c);
    xmlAddChild(n, xmlNewText((const xmlChar *)text));
}

/* Element children of PARENT named NAME, as a snapshot (the tree may
 * change while the caller walks it).  Caller frees the array. */
static xmlNodePtr *
elems(xmlNodePtr parent, const char *name, size_t *n)
{
    xmlNodePtr c, *v = NULL;

    *n = 0;
    for (c = parent ? parent->children : NULL; c; c = c->next) {
        if (is_elem(c, name)) {
            v = x2k_xreallocarray(v, *n + 1, sizeof *v);
            v[(*n)++] = c;
        }
    }
    return v;
}

/* ---- Disk names -------------------------------------------------------- */

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

/* ---- Kernel command line ---------------------------------------------- */

/* "/dev/xvda1" with MAP {xvda, vda} -> "/dev/vda1"; NULL if no entry. */
static char *
map_dev_path(const char *value, const char *const *map)
{
    const char *dev, *rest;
    size_t i, len;

    if (!x2k_str_has_prefix(value, "/dev/"))
        return NULL;
    dev = value + 5;
    for (i = 0; map && map[i] && map[i + 1]; i += 2) {
        len = strlen(map[i]);
        if (strncmp(dev, map[i], len) != 0)
            continue;
        rest = dev + len;
        /* The whole disk or a partition of it, nothing else. */
        if (rest[strspn(rest, "0123456789")] != '\0')
            continue;
        return x2k_strdup_printf("/dev/%s%s", map[i + 1], rest);
    }
    return NULL;
}

/* Is TOK a kernel parameter that only means something under Xen? */
static bool
is_xen_only_param(const char *tok)
{
    static const char *const prefixes[] = {
        "xencons=", "xen_", "xen-", "xenfb", "xen.", "xennet", "xenblk",
        "xenbus", "clocksource=xen", "earlyprintk=xen",
    };
    size_t i;

    for (i = 0; i < X2K_N_ELEMENTS(prefixes); i++) {
        if (x2k_str_has_prefix(tok, prefixes[i]))
            return true;
    }
    return strcmp(tok, "xen") == 0;
}

char *
x2k_xmlconv_cmdline(const char *cmdline, const char *const *map)
{
    struct x2k_buf b = { 0 };
    char *copy = x2k_xstrdup(cmdline), *tok, *save = NULL;
    bool serial_console = false;

    for (tok = strtok_r(copy, " \t\r\n", &save); tok;
         tok = strtok_r(NULL, " \t\r\n", &save)) {
        X2K_AUTOFREE char *out = NULL;
        char *eq = strchr(tok, '=');

        if (is_xen_only_param(tok))
            continue;
        if (x2k_str_has_prefix(tok, "console=")) {
            const char *dev = tok + 8;
            size_t dlen = strcspn(dev, ",");

            if ((dlen == 3 && strncmp(dev, "xvc", 3) == 0) ||
                (dlen == 4 && (strncmp(dev, "xvc0", 4) == 0 ||
                               strncmp(dev, "hvc0", 4) == 0))) {
                out = x2k_strdup_printf("console=ttyS0%s", dev + dlen);
            }
            if (x2k_str_has_prefix(out ? out : tok, "console=ttyS0")) {
                /* Two Xen consoles must not become two ttyS0. */
                if (serial_console)
                    continue;
                serial_console = true;
            }
        } else if (eq) {
            X2K_AUTOFREE char *dev = map_dev_path(eq + 1, map);

            if (dev)
                out = x2k_strdup_printf("%.*s=%s", (int)(eq - tok), tok, dev);
        }
        if (b.len)
            x2k_buf_puts(&b, " ");
        x2k_buf_puts(&b, out ? out : tok);
    }
    free(copy);
    return x2k_buf_steal(&b);
}

/* ---- The conversion ---------------------------------------------------- */

struct disk_slot {
    xmlNodePtr node;
    int old_index;              /* from the old name; INT_MAX if none */
    size_t order;               /* document order */
};

struct conv {
    xmlDocPtr doc;
    xmlNodePtr root;
    xmlNodePtr os;
    xmlNodePtr devices;
    const struct x2k_plan *plan;
    const struct x2k_xmlconv_opts *opts;
    struct x2k_xmlconv_result *r;
    const struct x2k_caps_guest *cg;
    char *arch;
    char *machine;              /* NULL: libvirt's default */
    bool pv;
    bool windows;
    bool virtio;                /* the guest can use virtio devices */
    bool uefi;
    const char *disk_prefix;    /* vd or sd */
    const char *disk_bus;       /* virtio or sata */
    const char *cdrom_prefix;
    const char *cdrom_bus;
    char **map;                 /* old,new,old,new,...,NULL */
    size_t n_map;
    bool pinning_warned;
    bool bootloader;            /* the source had <bootloader> */
    char *file_stem;            /* the name, safe as a file name */
};

static void
warn(struct conv *c, const char *id, const char *fmt, ...) X2K_PRINTF(3, 4);

static void
warn(struct conv *c, const char *id, const char *fmt, ...)
{
    struct x2k_xmlconv_result *r = c->r;
    va_list ap;
    char *msg;
    size_t i;

    va_start(ap, fmt);
    msg = x2k_strdup_vprintf(fmt, ap);
    va_end(ap);
    for (i = 0; i < r->n_warnings; i++) {
        if (strcmp(r->warnings[i].id, id) == 0 &&
            strcmp(r->warnings[i].msg, msg) == 0) {
            free(msg);
            return;
        }
    }
    r->warnings = x2k_xreallocarray(r->warnings, r->n_warnings + 1,
                                    sizeof *r->warnings);
    r->warnings[r->n_warnings].id = x2k_xstrdup(id);
    r->warnings[r->n_warnings].msg = msg;
    r->n_warnings++;
    x2k_log(X2K_LOG_DEBUG, "xmlconv: warning %s", id);
}

/* Drop <address> and live-only <alias> from a device. */
static void
strip_device(xmlNodePtr dev)
{
    xmlNodePtr c, next;

    for (c = dev->children; c; c = next) {
        next = c->next;
        if (is_elem(c, "address")) {
            remove_node(c);
        } else if (is_elem(c, "alias")) {
            X2K_AUTOFREE char *name = get_attr(c, "name");

            /* User aliases ("ua-...") are configuration. */
            if (!x2k_str_has_prefix(name, "ua-"))
                remove_node(c);
        }
    }
}

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

/* Remove elements and attributes in foreign namespaces (libxl's
 * <xen:commandline>, the test driver's <test:...>). */
static void
drop_namespaced(struct conv *c, xmlNodePtr n)
{
    xmlNodePtr ch, next;
    xmlAttrPtr a, anext;

    for (ch = n->children; ch; ch = next) {
        next = ch->next;
        if (ch->type != XML_ELEMENT_NODE)
            continue;
        if (ch->ns) {
            warn(c, "xen-namespace",
                 _("The hypervisor-specific element <%1$s:%2$s> was "
                   "dropped: it has no meaning under KVM."),
                 ch->ns->prefix ? (const char *)ch->ns->prefix : "",
                 (const char *)ch->name);
            remove_node(ch);
            continue;
        }
        drop_namespaced(c, ch);
    }
    for (a = n->properties; a; a = anext) {
        anext = a->next;
        if (a->ns)
            xmlRemoveProp(a);
    }
}

/* Drop namespace declarations (no element uses them any more). */
static void
free_ns_defs(xmlNodePtr n)
{
    xmlNodePtr ch;

    if (n->type != XML_ELEMENT_NODE)
        return;
    if (n->nsDef) {
        xmlFreeNsList(n->nsDef);
        n->nsDef = NULL;
    }
    for (ch = n->children; ch; ch = ch->next)
        free_ns_defs(ch);
}

/* Remove white-space-only text between elements so that the output is
 * indented evenly. */
static void
drop_blank_text(xmlNodePtr n)
{
    xmlNodePtr ch, next;
    bool has_elem = false;

    for (ch = n->children; ch; ch = ch->next)
        has_elem |= ch->type == XML_ELEMENT_NODE;
    for (ch = n->children; ch; ch = next) {
        next = ch->next;
        if (ch->type == XML_TEXT_NODE && has_elem &&
            xmlIsBlankNode(ch))
            remove_node(ch);
        else if (ch->type == XML_ELEMENT_NODE)
            drop_blank_text(ch);
    }
}

static const char *
known_top_level[] = {
    "name", "uuid", "genid", "title", "description", "metadata",
    "maxMemory", "memory", "currentMemory", "blkiotune", "memtune",
    "memoryBacking", "vcpu", "vcpus", "iothreads", "iothreadids",
    "cputune", "numatune", "resource", "sysinfo", "bootloader",
    "bootloader_args", "os", "features", "cpu", "clock", "on_poweroff",
    "on_reboot", "on_crash", "on_lockfailure", "pm", "perf", "devices",
    "seclabel", "keywrap", "idmap", "launchSecurity", NULL,
};

/* Is S one of the NULL-terminated LIST? */
static bool
in_list(const char *s, const char *const *list)
{
    size_t i;

    for (i = 0; s && list[i]; i++) {
        if (strcmp(s, list[i]) == 0)
            return true;
    }
    return false;
}

/* Top-level elements: Xen-only and unknown ones out, the new name. */
static void
convert_top_level(struct conv *c)
{
    xmlNodePtr n, next;
    const char *newname;

    for (n = c->root->children; n; n = next) {
        next = n->next;
        if (n->type != XML_ELEMENT_NODE)
            continue;
        if (!in_list((const char *)n->name, known_top_level)) {
            warn(c, "unknown-element",
                 _("The unknown element <%1$s> was dropped."),
                 (const char *)n->name);
            remove_node(n);
        } else if (is_elem(n, "bootloader") ||
                   is_elem(n, "bootloader_args") || is_elem(n, "idmap")) {
            c->bootloader |= is_elem(n, "bootloader");
            remove_node(n);
        } else if (is_elem(n, "seclabel")) {
            if (attr_is(n, "type", "static"))
                warn(c, "seclabel",
                     _("The static security label of the Xen guest was "
                       "dropped; the KVM host assigns its own."));
            remove_node(n);
        } else if (is_elem(n, "resource")) {
            /* Xen host partitions do not exist on the KVM host. */
            remove_node(n);
        }
    }
    /* Live-only attribute of a running domain. */
    unset_attr(c->root, "id");

    newname = c->plan->new_name;
    n = child(c->root, "name");
    if (newname)
        set_text(n, newname);
    c->r->name = get_text(n);
    c->file_stem = x2k_name_sanitize(c->r->name, 0);

    if (c->plan->new_uuid)
        remove_node(child(c->root, "uuid"));
}

/* vcpu/iothread pinning and NUMA placement name the Xen host's CPUs. */
static void
convert_tuning(struct conv *c)
{
    xmlNodePtr vcpu = child(c->root, "vcpu");
    xmlNodePtr cputune = child(c->root, "cputune");
    xmlNodePtr numatune = child(c->root, "numatune");
    bool pinned = false;
    xmlNodePtr n, next;

    if (vcpu && xmlHasProp(vcpu, (const xmlChar *)"cpuset")) {
        unset_attr(vcpu, "cpuset");
        pinned = true;
    }
    if (vcpu && attr_is(vcpu, "placement", "auto"))
        unset_attr(vcpu, "placement");
    for (n = cputune ? cputune->children : NULL; n; n = next) {
        next = n->next;
        if (is_elem(n, "vcpupin") || is_elem(n, "emulatorpin") ||
            is_elem(n, "iothreadpin") || is_elem(n, "vcpusched") ||
            is_elem(n, "iothreadsched") || is_elem(n, "emulatorsched")) {
            remove_node(n);
            pinned = true;
        }
    }
    if (cputune && !cputune->children)
        remove_node(cputune);
    if (numatune) {
        remove_node(numatune);
        pinned = true;
    }
    if (pinned && !c->pinning_warned) {
        c->pinning_warned = true;
        warn(c, "cpu-pinning",
             _("CPU pinning and NUMA placement were dropped: they name "
               "CPUs of the Xen host.  Pin again on the KVM host if "
               "needed."));
    }
}

/* A machine type the target offers: the source's, pc, q35, i440fx... */
static const char *
pick_machine(struct conv *c, const char *source_machine)
{
    static const char *const preferred[] = { "pc", "q35" };
    const struct x2k_caps_guest *g = c->cg;
    size_t i;

    if (!g || g->n_machines == 0)
        return NULL;
    if (source_machine && !x2k_str_has_prefix(source_machine, "xen") &&
        x2k_caps_guest_has_machine(g, source_machine))
        return source_machine;
    for (i = 0; i < X2K_N_ELEMENTS(preferred); i++) {
        if (x2k_caps_guest_has_machine(g, preferred[i]))
            return preferred[i];
    }
    for (i = 0; i < g->n_machines; i++) {
        if (strstr(g->machines[i], "i440fx"))
            return g->machines[i];
    }
    for (i = 0; i < g->n_machines; i++) {
        if (strstr(g->machines[i], "q35"))
            return g->machines[i];
    }
    return g->machines[0];
}

/* Does a device carry its own <boot order=...>? */
static bool
has_device_boot_order(struct conv *c)
{
    xmlNodePtr d;

    for (d = c->devices ? c->devices->children : NULL; d; d = d->next) {
        if (d->type == XML_ELEMENT_NODE && child(d, "boot"))
            return true;
    }
    return false;
}

/* Where fetched kernels and initrds go on the KVM host. */
static const char *
boot_dir(struct conv *c)
{
    if (c->opts->boot_dir)
        return c->opts->boot_dir;
    if (c->plan->output == X2K_OUTPUT_LOCAL && c->plan->output_dir)
        return c->plan->output_dir;
    return "/var/lib/libvirt/boot";
}

/* Record <kernel>/<initrd>/<dtb> N as a file to fetch; point N at it. */
static void
add_boot_file(struct conv *c, xmlNodePtr n, const char *kind)
{
    struct x2k_xmlconv_result *r = c->r;
    X2K_AUTOFREE char *remote = get_text(n);
    X2K_AUTOFREE char *safe = NULL;
    const char *base;
    char *local;

    if (x2k_str_is_empty(remote)) {
        remove_node(n);
        return;
    }
    base = strrchr(remote, '/');
    base = base ? base + 1 : remote;
    if (!*base)
        base = kind;
    safe = x2k_name_sanitize(base, 0);
    local = x2k_strdup_printf("%s/%s-%s", boot_dir(c), c->file_stem, safe);
    set_text(n, local);
    r->boot_files = x2k_xreallocarray(r->boot_files, r->n_boot_files + 1,
                                      sizeof *r->boot_files);
    r->boot_files[r->n_boot_files].kind = x2k_xstrdup(kind);
    r->boot_files[r->n_boot_files].remote = x2k_steal(&remote);
    r->boot_files[r->n_boot_files].local = local;
    r->n_boot_files++;
}

/* Decide arch, machine, domain type and firmware; rewrite <os> except
 * for the kernel command line (which needs the disk map). */
static void
convert_os(struct conv *c)
{
    xmlNodePtr type, n, next, loader;
    X2K_AUTOFREE char *ostype = NULL;
    X2K_AUTOFREE char *machine = NULL;
    X2K_AUTOFREE char *firmware = NULL;
    X2K_AUTOFREE char *loader_path = NULL;
    X2K_AUTOFREE char *loader_type = NULL;
    const char *dtype, *picked;

    if (!c->os) {
        static const char *const after_os[] = {
            "features", "cpu", "clock", "on_poweroff", "on_reboot",
            "on_crash", "pm", "devices", NULL,
        };

        c->os = xmlNewNode(NULL, (const xmlChar *)"os");
        for (n = c->root->children; n; n = n->next) {
            if (n->type == XML_ELEMENT_NODE &&
                in_list((const char *)n->name, after_os))
                break;
        }
        if (n)
            xmlAddPrevSibling(n, c->os);
        else
            xmlAddChild(c->root, c->os);
    }
    type = child(c->os, "type");
    if (!type) {
        type = add_child(c->os, "type");
        /* <os> starts with <type>. */
        if (c->os->children != type) {
            xmlUnlinkNode(type);
            xmlAddPrevSibling(c->os->children, type);
        }
    }
    ostype = get_text(type);
    c->pv = !x2k_str_equal(ostype, "hvm");
    c->r->was_pv = c->pv;
    if (c->pv && !x2k_str_is_empty(ostype) && strcmp(ostype, "linux") &&
        strcmp(ostype, "xen") && strcmp(ostype, "xenpvh"))
        warn(c, "os-type",
             _("The OS type '%1$s' is not a Xen type; the guest is "
               "treated as paravirtualised."),
             ostype);
    set_text(type, "hvm");

    c->arch = get_attr(type, "arch");
    if (x2k_str_equal(c->arch, "i386") || x2k_str_equal(c->arch, "i586"))
        x2k_str_replace(&c->arch, "i686");
    if (x2k_str_is_empty(c->arch)) {
        x2k_str_replace(&c->arch, "x86_64");
        warn(c, "arch-guessed",
             _("The source XML names no architecture; x86_64 was "
               "assumed."));
    } else if (strcmp(c->arch, "x86_64") && strcmp(c->arch, "i686")) {
        warn(c, "arch",
             _("The architecture '%1$s' is not x86; the converted guest "
               "may not run."),
             c->arch);
    }
    set_attr(type, "arch", c->arch);

    /* libvirt's test driver (the demo's and the tests' target) lists
     * i686 guests of type 'test': nothing a KVM guest needs. */
    if (c->opts->caps && !x2k_caps_is_test_driver(c->opts->caps)) {
        c->cg = x2k_caps_guest_for(c->opts->caps, c->arch);
        if (!c->cg)
            warn(c, "arch-unsupported",
                 _("The target offers no %1$s guests."), c->arch);
    }
    if (c->opts->domain_type)
        dtype = c->opts->domain_type;
    else if (c->cg && c->cg->kvm)
        dtype = "kvm";
    else if (c->cg && c->cg->qemu)
        dtype = "qemu";
    else {
        dtype = "kvm";
        if (c->cg)
            warn(c, "no-kvm",
                 _("The target offers neither KVM nor QEMU for %1$s "
                   "guests; the domain type was set to kvm anyway."),
                 c->arch);
    }
    c->r->domain_type = x2k_xstrdup(dtype);

    machine = get_attr(type, "machine");
    picked = pick_machine(c, machine);
    if (picked) {
        c->machine = x2k_xstrdup(picked);
        set_attr(type, "machine", picked);
    } else {
        unset_attr(type, "machine");
    }
    /* No IDE on q35, nor when we do not know the machine. */
    if (c->machine && !strstr(c->machine, "q35")) {
        c->cdrom_prefix = "hd";
        c->cdrom_bus = "ide";
    } else {
        c->cdrom_prefix = "sd";
        c->cdrom_bus = "sata";
    }

    /* Firmware: BIOS (hvmloader, dropped) or UEFI (the target's OVMF). */
    firmware = get_attr(c->os, "firmware");
    loader = child(c->os, "loader");
    loader_path = get_text(loader);
    loader_type = get_attr(loader, "type");
    c->uefi = x2k_str_equal(firmware, "efi") ||
              x2k_str_equal(loader_type, "pflash") ||
              (loader_path && (strstr(loader_path, "ovmf") ||
                               strstr(loader_path, "OVMF")));
    for (n = c->os->children; n; n = next) {
        next = n->next;
        if (is_elem(n, "loader") || is_elem(n, "nvram") ||
            is_elem(n, "init") || is_elem(n, "initarg") ||
            is_elem(n, "initenv") || is_elem(n, "initdir") ||
            is_elem(n, "inituser") || is_elem(n, "initgroup") ||
            is_elem(n, "firmware"))
            remove_node(n);
    }
    unset_attr(c->os, "firmware");
    if (c->uefi) {
        const struct x2k_caps *caps = c->opts->caps;

        if (caps && caps->ovmf &&
            (!caps->ovmf_arch || x2k_str_equal(caps->ovmf_arch, c->arch))) {
            loader = xmlNewNode(NULL, (const xmlChar *)"loader");
            set_attr(loader, "readonly", "yes");
            set_attr(loader, "type", "pflash");
            set_text(loader, caps->ovmf);
            xmlAddNextSibling(type, loader);
        } else {
            /* libvirt picks the OVMF build itself. */
            set_attr(c->os, "firmware", "efi");
        }
    }

    /* PV-GRUB (or GRUB built for Xen) loaded as the "kernel" is a
     * bootloader: under KVM the disk's own GRUB boots instead. */
    if ((n = child(c->os, "kernel")) != NULL) {
        X2K_AUTOFREE char *kernel = get_text(n);
        const char *base = kernel ? strrchr(kernel, '/') : NULL;

        base = base ? base + 1 : kernel;
        if (base && strstr(base, "grub")) {
            remove_node(n);
            remove_children_named(c->os, "initrd");
            remove_children_named(c->os, "cmdline");
            c->bootloader = true;
        }
    }
    /* Direct kernel boot: files to fetch, paths rewritten. */
    if ((n = child(c->os, "kernel")) != NULL)
        add_boot_file(c, n, "kernel");
    if ((n = child(c->os, "initrd")) != NULL)
        add_boot_file(c, n, "initrd");
    if ((n = child(c->os, "dtb")) != NULL)
        add_boot_file(c, n, "dtb");

    if (c->pv && !child(c->os, "kernel") && !child(c->os, "boot") &&
        !c->bootloader)
        warn(c, "no-boot-method",
             _("The paravirtualised guest has neither a bootloader nor a "
               "kernel; booting from its first disk was assumed."));
}

/* <cpu>: without KVM (TCG) the host CPU cannot be passed through. */
static void
convert_cpu(struct conv *c)
{
    xmlNodePtr cpu = child(c->root, "cpu");
    X2K_AUTOFREE char *mode = get_attr(cpu, "mode");

    if (!cpu || strcmp(c->r->domain_type, "qemu") != 0 ||
        !x2k_str_equal(mode, "host-passthrough"))
        return;
    warn(c, "cpu-model",
         _("The target has no KVM: the host-passthrough CPU mode was "
           "dropped and QEMU's default CPU model is used."));
    unset_attr(cpu, "mode");
    unset_attr(cpu, "check");
    unset_attr(cpu, "migratable");
    keep_children(cpu, (const char *const[]){ "numa", "topology", NULL });
    if (!cpu->children)
        remove_node(cpu);
}

/* <boot dev='hd'/> unless the guest orders devices itself. */
static void
convert_boot_order(struct conv *c)
{
    xmlNodePtr n, last = NULL;

    if (has_device_boot_order(c)) {
        remove_children_named(c->os, "boot");
        return;
    }
    if (child(c->os, "boot"))
        return;
    for (n = c->os->children; n; n = n->next) {
        if (is_elem(n, "type") || is_elem(n, "loader") ||
            is_elem(n, "kernel") || is_elem(n, "initrd") ||
            is_elem(n, "cmdline") || is_elem(n, "dtb"))
            last = n;
    }
    n = xmlNewNode(NULL, (const xmlChar *)"boot");
    set_attr(n, "dev", "hd");
    if (last)
        xmlAddNextSibling(last, n);
    else
        xmlAddChild(c->os, n);
}

/* The kernel command line of direct kernel boot, with the disk map. */
static void
convert_cmdline(struct conv *c)
{
    xmlNodePtr cmd = child(c->os, "cmdline");
    xmlNodePtr root = child(c->os, "root");
    X2K_AUTOFREE char *text = get_text(cmd);
    X2K_AUTOFREE char *rootdev = get_text(root);
    X2K_AUTOFREE char *joined = NULL;
    X2K_AUTOFREE char *out = NULL;

    /* xend-era XML may carry the root device on its own. */
    if (!x2k_str_is_empty(rootdev)) {
        joined = x2k_strdup_printf("root=%s%s%s", rootdev,
                                   text && *text ? " " : "",
                                   text ? text : "");
        free(text);
        text = x2k_steal(&joined);
    }
    remove_node(root);
    if (!text)
        return;
    if (!child(c->os, "kernel")) {
        /* A command line without a kernel means nothing to libvirt. */
        remove_node(cmd);
        return;
    }
    out = x2k_xmlconv_cmdline(text, (const char *const *)c->map);
    if (!cmd)
        cmd = add_child(c->os, "cmdline");
    set_text(cmd, out);
}

static const char *kvm_features[] = {
    "acpi", "apic", "pae", "privnet", "hyperv", "kvm", "pvspinlock", "pmu",
    "vmport", "smm", "ioapic", "vmcoreinfo", "msrs", "gic", "htm",
    "nested-hv", "ccf-assist", "cfpc", "sbbc", "ibs", "hpt", "tcg",
    "async-teardown", NULL,
};

/* <features>: Xen-only ones out, viridian -> hyperv, ACPI for PV. */
static void
convert_features(struct conv *c)
{
    xmlNodePtr f = child(c->root, "features"), n, next, hv, s;
    bool viridian = false;

    if (!f) {
        f = xmlNewNode(NULL, (const xmlChar *)"features");
        n = child(c->root, "cpu");
        if (!n)
            n = child(c->root, "clock");
        if (n)
            xmlAddPrevSibling(n, f);
        else
            xmlAddNextSibling(c->os, f);
    }
    for (n = f->children; n; n = next) {
        next = n->next;
        if (n->type != XML_ELEMENT_NODE)
            continue;
        if (is_elem(n, "viridian")) {
            viridian = true;
            remove_node(n);
        } else if (is_elem(n, "hap")) {
            /* KVM uses EPT/NPT by itself. */
            remove_node(n);
        } else if (is_elem(n, "xen")) {
            if (child(n, "passthrough") || child(n, "e820_host"))
                warn(c, "xen-passthrough",
                     _("The Xen passthrough features (e820_host, "
                       "passthrough) were dropped."));
            remove_node(n);
        } else if (!in_list((const char *)n->name, kvm_features)) {
            warn(c, "feature",
                 _("The Xen feature <%1$s> was dropped."),
                 (const char *)n->name);
            remove_node(n);
        }
    }
    /* A PV guest had no ACPI; under KVM it needs it to shut down. */
    if (!child(f, "acpi"))
        add_child(f, "acpi");
    if (!child(f, "apic"))
        add_child(f, "apic");
    if (c->arch && strcmp(c->arch, "i686") == 0 && !child(f, "pae"))
        add_child(f, "pae");
    if (viridian && !child(f, "hyperv")) {
        /* Viridian = Hyper-V enlightenments for Windows. */
        hv = add_child(f, "hyperv");
        s = add_child(hv, "relaxed");
        set_attr(s, "state", "on");
        s = add_child(hv, "vapic");
        set_attr(s, "state", "on");
        s = add_child(hv, "spinlocks");
        set_attr(s, "state", "on");
        set_attr(s, "retries", "8191");
    }
}

/* <clock>: libxl's variable offsets, local time for Windows, timers. */
static void
convert_clock(struct conv *c)
{
    xmlNodePtr clock = child(c->root, "clock"), t, next;
    static const char *const timers[] = {
        "rtc", "pit", "hpet", "kvmclock", "hypervclock", NULL,
    };
    X2K_AUTOFREE char *offset = NULL;
    X2K_AUTOFREE char *basis = NULL;
    X2K_AUTOFREE char *adj = NULL;

    if (!clock) {
        clock = xmlNewNode(NULL, (const xmlChar *)"clock");
        t = child(c->root, "on_poweroff");
        if (t)
            xmlAddPrevSibling(t, clock);
        else
            xmlAddPrevSibling(c->devices, clock);
        set_attr(clock, "offset", "utc");
    }
    offset = get_attr(clock, "offset");
    basis = get_attr(clock, "basis");
    adj = get_attr(clock, "adjustment");
    /* libxl writes offset='variable' adjustment='0' basis='...'. */
    if (x2k_str_equal(offset, "variable") &&
        (!adj || strcmp(adj, "0") == 0 || strcmp(adj, "reset") == 0)) {
        x2k_str_replace(&offset, basis ? basis : "utc");
        unset_attr(clock, "adjustment");
        unset_attr(clock, "basis");
        set_attr(clock, "offset", offset);
    }
    if (c->windows && !x2k_str_equal(offset, "localtime")) {
        /* Windows keeps its hardware clock in local time. */
        keep_attrs(clock, (const char *const[]){ NULL });
        set_attr(clock, "offset", "localtime");
    }
    for (t = clock->children; t; t = next) {
        next = t->next;
        if (is_elem(t, "timer")) {
            X2K_AUTOFREE char *name = get_attr(t, "name");

            if (!in_list(name, timers)) {
                warn(c, "timer",
                     _("The Xen timer '%1$s' was dropped."),
                     name ? name : "");
                remove_node(t);
            }
        }
    }
}

/* on_poweroff/on_reboot/on_crash: Xen-only actions replaced. */
static void
convert_lifecycle(struct conv *c)
{
    static const char *const names[] = {
        "on_poweroff", "on_reboot", "on_crash",
    };
    size_t i;

    for (i = 0; i < X2K_N_ELEMENTS(names); i++) {
        xmlNodePtr n = child(c->root, names[i]);
        X2K_AUTOFREE char *v = get_text(n);

        if (x2k_str_equal(v, "rename-restart")) {
            set_text(n, "restart");
            warn(c, "lifecycle",
                 _("%1$s 'rename-restart' is Xen-only; it became "
                   "'restart'."),
                 names[i]);
        }
    }
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
static const struct x2k_xmlconv_disk_in *
find_disk_in(struct conv *c, const char *source)
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

/* <driver name='qemu' type=FORMAT>, keeping valid cache/io settings. */
static void
set_driver(xmlNodePtr disk, const char *format)
{
    xmlNodePtr drv = child(disk, "driver");
    static const char *const keep[] = {
        "cache", "io", "discard", "detect_zeroes", NULL,
    };
    X2K_AUTOFREE char *cache = NULL;
    X2K_AUTOFREE char *io = NULL;

    if (!drv) {
        drv = xmlNewNode(NULL, (const xmlChar *)"driver");
        if (disk->children)
            xmlAddPrevSibling(disk->children, drv);
        else
            xmlAddChild(disk, drv);
    }
    keep_attrs(drv, keep);
    keep_children(drv, (const char *const[]){ NULL });
    cache = get_attr(drv, "cache");
    if (cache && !in_list(cache, (const char *const[]){
                     "default", "none", "writethrough", "writeback",
                     "directsync", "unsafe", NULL }))
        unset_attr(drv, "cache");
    io = get_attr(drv, "io");
    if (io && !in_list(io, (const char *const[]){
                  "threads", "native", "io_uring", NULL }))
        unset_attr(drv, "io");
    set_attr(drv, "name", "qemu");
    if (format)
        set_attr(drv, "type", format);
    else
        unset_attr(drv, "type");
}

/* <target dev=DEV bus=BUS>, keeping only a cdrom's tray. */
static void
set_target(xmlNodePtr disk, const char *dev, const char *bus)
{
    xmlNodePtr t = child(disk, "target");

    if (!t)
        t = add_child(disk, "target");
    keep_attrs(t, (const char *const[]){ "tray", NULL });
    set_attr(t, "dev", dev);
    set_attr(t, "bus", bus);
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
    remove_children_named(disk, "source");
    src = xmlNewNode(NULL, (const xmlChar *)"source");
    if (disk->children)
        xmlAddNextSibling(child(disk, "driver"), src);
    else
        xmlAddChild(disk, src);
    if (d->new_path) {
        set_attr(disk, "type", "file");
        set_attr(src, "file", d->new_path);
    } else {
        set_attr(disk, "type", "volume");
        set_attr(src, "pool", d->new_pool);
        set_attr(src, "volume", d->new_volume);
    }
}

static const char *const disk_children[] = {
    "driver", "source", "target", "boot", "readonly", "shareable",
    "serial", "iotune", "geometry", "blockio", "transient", "auth",
    "encryption", NULL,
};

/* One disk of device type disk, named NEWDEV. */
static void
convert_disk(struct conv *c, xmlNodePtr disk, const char *newdev)
{
    X2K_AUTOFREE char *type = get_attr(disk, "type");
    X2K_AUTOFREE char *dname = NULL;
    X2K_AUTOFREE char *dtype = NULL;
    xmlNodePtr src = child(disk, "source");
    xmlNodePtr tgt = child(disk, "target");
    xmlNodePtr drv = child(disk, "driver");
    const struct x2k_xmlconv_disk_in *in;
    struct x2k_xmlconv_disk *d;
    const char *declared;

    dname = get_attr(drv, "name");
    dtype = get_attr(drv, "type");
    declared = qemu_format(dname, dtype);
    if (dtype && !declared)
        warn(c, "disk-format",
             _("The Xen disk driver type '%1$s' is unknown; the format "
               "must be detected from the image."),
             dtype);

    d = new_result_disk(c);
    d->device = x2k_xstrdup("disk");
    d->old_target = get_attr(tgt, "dev");
    d->new_target = x2k_xstrdup(newdev);
    d->new_bus = x2k_xstrdup(c->disk_bus);
    d->readonly = child(disk, "readonly") != NULL;
    d->shareable = child(disk, "shareable") != NULL;
    if (x2k_str_equal(type, "block")) {
        d->old_block = true;
        d->old_source = get_attr(src, "dev");
    } else if (x2k_str_equal(type, "volume")) {
        X2K_AUTOFREE char *pool = get_attr(src, "pool");
        X2K_AUTOFREE char *vol = get_attr(src, "volume");

        if (pool && vol)
            d->old_source = x2k_strdup_printf("%s/%s", pool, vol);
    } else {
        d->old_source = get_attr(src, "file");
    }
    in = find_disk_in(c, d->old_source);
    d->old_format = x2k_xstrdup(in && in->detected_format
                                    ? in->detected_format
                                    : declared);

    if (x2k_str_equal(type, "network")) {
        X2K_AUTOFREE char *proto = get_attr(src, "protocol");

        warn(c, "network-disk",
             _("Disk %1$s is a network disk (%2$s); it is not copied and "
               "the KVM host must reach it itself."),
             d->old_target ? d->old_target : "?", proto ? proto : "?");
        d->new_format = x2k_xstrdup(d->old_format ? d->old_format : "raw");
        set_driver(disk, d->new_format);
    } else if (!d->old_source) {
        warn(c, "disk-no-source",
             _("Disk %1$s has no source; it was kept empty."),
             d->old_target ? d->old_target : "?");
        d->new_format = x2k_xstrdup("raw");
        set_driver(disk, "raw");
    } else if (c->opts->disk_policy == X2K_DISKS_KEEP && !in) {
        /* The disk stays where it is (seed 001 16.2.4). */
        d->new_format = x2k_xstrdup(d->old_format ? d->old_format : "raw");
        if (d->old_block) {
            d->new_path = x2k_xstrdup(d->old_source);
        } else if (x2k_str_equal(type, "volume")) {
            d->new_pool = get_attr(src, "pool");
            d->new_volume = get_attr(src, "volume");
        } else {
            d->new_path = x2k_xstrdup(d->old_source);
        }
        keep_attrs(src, (const char *const[]){
                            "file", "dev", "pool", "volume", NULL });
        keep_children(src, (const char *const[]){ NULL });
        set_driver(disk, d->new_format);
    } else {
        d->copy = true;
        if (in && in->new_format)
            d->new_format = x2k_xstrdup(in->new_format);
        else if (c->opts->disk_policy == X2K_DISKS_KEEP)
            d->new_format = x2k_xstrdup(d->old_format ? d->old_format
                                                      : "raw");
        else
            d->new_format = x2k_xstrdup(x2k_format_name(c->plan->format));
        set_driver(disk, d->new_format);
        place_copy(c, disk, d, in);
    }
    set_target(disk, newdev, c->disk_bus);
    unset_attr(disk, "snapshot");
    keep_children(disk, disk_children);
    set_attr(disk, "device", "disk");
    add_map(c, d->old_target, newdev);
}

/* A cdrom or floppy: new bus; media from the Xen host are ejected. */
static void
convert_removable(struct conv *c, xmlNodePtr disk, const char *device,
                  const char *newdev, const char *bus)
{
    X2K_AUTOFREE char *type = get_attr(disk, "type");
    xmlNodePtr src = child(disk, "source");
    struct x2k_xmlconv_disk *d = new_result_disk(c);

    d->device = x2k_xstrdup(device);
    d->old_target = get_attr(child(disk, "target"), "dev");
    d->new_target = x2k_xstrdup(newdev);
    d->new_bus = x2k_xstrdup(bus);
    d->readonly = child(disk, "readonly") != NULL ||
                  strcmp(device, "cdrom") == 0;
    d->old_block = x2k_str_equal(type, "block");
    d->old_source = get_attr(src, d->old_block ? "dev" : "file");
    d->new_format = x2k_xstrdup("raw");
    if (src) {
        warn(c, "media-ejected",
             strcmp(device, "cdrom") == 0
                 ? _("The CD-ROM %1$s held '%2$s' on the Xen host; it was "
                     "ejected.  Insert the medium again on the KVM host.")
                 : _("The floppy %1$s held '%2$s' on the Xen host; it was "
                     "ejected.  Insert the medium again on the KVM host."),
             d->old_target ? d->old_target : "?",
             d->old_source ? d->old_source : "?");
        remove_node(src);
    }
    set_attr(disk, "type", "file");
    set_attr(disk, "device", device);
    set_driver(disk, "raw");
    set_target(disk, newdev, bus);
    keep_children(disk, disk_children);
    add_map(c, d->old_target, newdev);
}

/* Every <disk>: names and buses, sources, formats, the disk map. */
static void
convert_disks(struct conv *c)
{
    X2K_AUTOFREE xmlNodePtr *v = NULL;
    X2K_AUTOFREE struct disk_slot *disks = NULL;
    size_t n, i, nd = 0;
    int next_disk = 0, next_cd = 0, next_fd = 0;
    bool shared = false;

    v = elems(c->devices, "disk", &n);
    disks = x2k_xcalloc(n ? n : 1, sizeof *disks);
    for (i = 0; i < n; i++) {
        X2K_AUTOFREE char *type = get_attr(v[i], "type");
        X2K_AUTOFREE char *device = get_attr(v[i], "device");
        X2K_AUTOFREE char *dev = get_attr(child(v[i], "target"), "dev");
        int idx;

        strip_device(v[i]);
        if (x2k_str_equal(type, "dir") || x2k_str_equal(type, "nvme") ||
            x2k_str_equal(type, "vhostuser")) {
            warn(c, "disk-type",
                 _("Disk %1$s of type '%2$s' cannot be carried to KVM and "
                   "was dropped."),
                 dev ? dev : "?", type);
            remove_node(v[i]);
            v[i] = NULL;
            continue;
        }
        if (x2k_str_equal(device, "lun")) {
            warn(c, "disk-lun",
                 _("Disk %1$s was a SCSI LUN passthrough; it became a "
                   "plain disk."),
                 dev ? dev : "?");
            x2k_str_replace(&device, "disk");
            set_attr(v[i], "device", "disk");
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
    /* SATA disks and SATA cdroms share the sdX names. */
    shared = strcmp(c->disk_prefix, c->cdrom_prefix) == 0;
    for (i = 0; i < nd; i++) {
        X2K_AUTOFREE char *name =
            x2k_xmlconv_disk_name(c->disk_prefix, next_disk++);

        convert_disk(c, disks[i].node, name);
    }
    if (shared)
        next_cd = next_disk;
    for (i = 0; i < n; i++) {
        X2K_AUTOFREE char *device = get_attr(v[i], "device");
        X2K_AUTOFREE char *name = NULL;

        if (!v[i])
            continue;           /* dropped above */
        if (x2k_str_equal(device, "cdrom")) {
            const char *prefix = c->cdrom_prefix, *bus = c->cdrom_bus;

            /* IDE has four places. */
            if (strcmp(bus, "ide") == 0 && next_cd >= 4) {
                prefix = "sd";
                bus = "sata";
            }
            name = x2k_xmlconv_disk_name(prefix, next_cd++);
            convert_removable(c, v[i], "cdrom", name, bus);
        } else if (x2k_str_equal(device, "floppy")) {
            name = x2k_xmlconv_disk_name("fd", next_fd++);
            convert_removable(c, v[i], "floppy", name, "fdc");
        }
    }
}

/* The target network of a NIC on bridge/network IN per the plan. */
static const struct x2k_netmap *
find_netmap(const struct x2k_plan *plan, const char *in)
{
    size_t i;

    for (i = 0; in && i < plan->n_nets; i++) {
        if (x2k_str_equal(plan->nets[i].in, in))
            return &plan->nets[i];
    }
    for (i = 0; i < plan->n_nets; i++) {
        if (!plan->nets[i].in)
            return &plan->nets[i];
    }
    return NULL;
}

/* Point NIC at bridge or network NAME. */
static void
set_nic_source(xmlNodePtr nic, enum x2k_net_kind kind, const char *name)
{
    xmlNodePtr src;

    remove_children_named(nic, "source");
    src = xmlNewNode(NULL, (const xmlChar *)"source");
    if (child(nic, "mac"))
        xmlAddNextSibling(child(nic, "mac"), src);
    else if (nic->children)
        xmlAddPrevSibling(nic->children, src);
    else
        xmlAddChild(nic, src);
    if (kind == X2K_NET_BRIDGE) {
        set_attr(nic, "type", "bridge");
        set_attr(src, "bridge", name);
    } else {
        set_attr(nic, "type", "network");
        set_attr(src, "network", name);
    }
}

/* Every <interface>: mapping, virtio model, Xen-only parts out. */
static void
convert_interfaces(struct conv *c)
{
    static const char *const standard_scripts[] = {
        "vif-bridge", "vif-openvswitch", "vif-route", "vif-nat", NULL,
    };
    static const char *const nic_children[] = {
        "mac", "source", "target", "model", "boot", "bandwidth", "link",
        "mtu", "vlan", "virtualport", "tune", "coalesce", "rom", NULL,
    };
    X2K_AUTOFREE xmlNodePtr *v = NULL;
    size_t n, i;

    v = elems(c->devices, "interface", &n);
    for (i = 0; i < n; i++) {
        xmlNodePtr nic = v[i], src = child(nic, "source");
        xmlNodePtr script = child(nic, "script"), tgt, model;
        X2K_AUTOFREE char *type = get_attr(nic, "type");
        X2K_AUTOFREE char *mac = get_attr(child(nic, "mac"), "address");
        X2K_AUTOFREE char *in = NULL;
        X2K_AUTOFREE char *spath = get_attr(script, "path");
        X2K_AUTOFREE char *tdev = NULL;
        const struct x2k_netmap *m;
        const char *who = mac ? mac : "?";

        strip_device(nic);
        if (x2k_str_equal(type, "hostdev") ||
            x2k_str_equal(type, "vhostuser") ||
            x2k_str_equal(type, "vdpa")) {
            warn(c, "nic-passthrough",
                 _("The network interface %1$s was a device passthrough "
                   "('%2$s') and was dropped."),
                 who, type);
            remove_node(nic);
            continue;
        }
        if (x2k_str_equal(type, "bridge"))
            in = get_attr(src, "bridge");
        else if (x2k_str_equal(type, "network"))
            in = get_attr(src, "network");

        if (spath) {
            const char *base = strrchr(spath, '/');

            base = base ? base + 1 : spath;
            if (!in_list(base, standard_scripts))
                warn(c, "custom-script",
                     _("The network interface %1$s used the custom Xen "
                       "script '%2$s'; what it did is not carried over."),
                     who, spath);
        }
        remove_node(script);
        if (child(nic, "ip")) {
            warn(c, "nic-ip",
                 _("The IP address settings of network interface %1$s "
                   "(Xen anti-spoofing) were dropped."),
                 who);
        }
        if (child(nic, "backenddomain"))
            warn(c, "nic-backend",
                 _("The network interface %1$s used a Xen driver domain; "
                   "it is connected on the KVM host instead."),
                 who);

        m = find_netmap(c->plan, in);
        if (m) {
            set_nic_source(nic, m->kind, m->out);
        } else if (x2k_str_equal(type, "ethernet") ||
                   (!in && (x2k_str_equal(type, "bridge") ||
                            x2k_str_equal(type, "network")))) {
            warn(c, "nic-unmapped",
                 _("The network interface %1$s had no bridge or network; "
                   "it was connected to the libvirt network 'default'.  "
                   "Use --bridge or --network to choose."),
                 who);
            set_nic_source(nic, X2K_NET_NETWORK, "default");
        } else if (x2k_str_equal(type, "direct")) {
            warn(c, "nic-direct",
                 _("The network interface %1$s is attached directly to a "
                   "host device; check that the KVM host has it."),
                 who);
        }
        /* vif1.0, vnet0, veth...: names the Xen host chose at run time. */
        tgt = child(nic, "target");
        tdev = get_attr(tgt, "dev");
        if (tgt && (!tdev || x2k_str_has_prefix(tdev, "vif") ||
                    x2k_str_has_prefix(tdev, "vnet") ||
                    x2k_str_has_prefix(tdev, "veth") ||
                    x2k_str_has_prefix(tdev, "tap")))
            remove_node(tgt);
        else if (tgt)
            keep_attrs(tgt, (const char *const[]){ "dev", NULL });
        keep_children(nic, nic_children);
        model = child(nic, "model");
        if (!model)
            model = add_child(nic, "model");
        keep_attrs(model, (const char *const[]){ NULL });
        set_attr(model, "type", c->virtio ? "virtio" : "e1000");
        keep_attrs(nic, (const char *const[]){ "type", "trustGuestRxFilters",
                                               NULL });
    }
}

/* Xen consoles, serials and channels out; one pty serial console in. */
static void
convert_consoles(struct conv *c)
{
    X2K_AUTOFREE xmlNodePtr *v = NULL;
    xmlNodePtr n, t;
    size_t cnt, i;

    v = elems(c->devices, "serial", &cnt);
    for (i = 0; i < cnt; i++) {
        X2K_AUTOFREE char *type = get_attr(v[i], "type");

        if (type && strcmp(type, "pty") != 0)
            warn(c, "serial",
                 _("A serial port of type '%1$s' was replaced by the pty "
                   "serial console."),
                 type);
        remove_node(v[i]);
    }
    free(v);
    v = NULL;
    v = elems(c->devices, "console", &cnt);
    for (i = 0; i < cnt; i++)
        remove_node(v[i]);
    free(v);
    v = NULL;
    v = elems(c->devices, "channel", &cnt);
    for (i = 0; i < cnt; i++) {
        t = child(v[i], "target");
        if (attr_is(t, "type", "xen")) {
            X2K_AUTOFREE char *name = get_attr(t, "name");

            warn(c, "channel",
                 _("The Xen channel '%1$s' was dropped."),
                 name ? name : "?");
            remove_node(v[i]);
        } else {
            strip_device(v[i]);
        }
    }
    /* One pty serial port and the console on it: virsh console works. */
    n = add_child(c->devices, "serial");
    set_attr(n, "type", "pty");
    t = add_child(n, "target");
    set_attr(t, "port", "0");
    n = add_child(c->devices, "console");
    set_attr(n, "type", "pty");
    t = add_child(n, "target");
    set_attr(t, "type", "serial");
    set_attr(t, "port", "0");
}

/* Inputs on ps2/usb, graphics on automatic ports, Xen video -> VGA. */
static void
convert_inputs_graphics(struct conv *c)
{
    X2K_AUTOFREE xmlNodePtr *v = NULL;
    size_t n, i;
    bool tablet = false, graphics = false;

    v = elems(c->devices, "input", &n);
    for (i = 0; i < n; i++) {
        X2K_AUTOFREE char *type = get_attr(v[i], "type");
        X2K_AUTOFREE char *bus = get_attr(v[i], "bus");

        strip_device(v[i]);
        if (x2k_str_equal(type, "passthrough") ||
            x2k_str_equal(type, "evdev")) {
            warn(c, "input-passthrough",
                 _("An input device passthrough was dropped."));
            remove_node(v[i]);
            continue;
        }
        if (x2k_str_equal(type, "tablet")) {
            tablet = true;
            set_attr(v[i], "bus", "usb");
        } else if (x2k_str_equal(bus, "xen") || !bus) {
            set_attr(v[i], "bus", "ps2");
        }
    }
    free(v);
    v = NULL;

    v = elems(c->devices, "graphics", &n);
    for (i = 0; i < n; i++) {
        X2K_AUTOFREE char *type = get_attr(v[i], "type");

        if (x2k_str_equal(type, "sdl")) {
            warn(c, "graphics-sdl",
                 _("SDL graphics were replaced by VNC."));
            keep_attrs(v[i], (const char *const[]){ NULL });
            keep_children(v[i], (const char *const[]){ NULL });
            set_attr(v[i], "type", "vnc");
            x2k_str_replace(&type, "vnc");
        }
        if (!x2k_str_equal(type, "vnc") && !x2k_str_equal(type, "spice")) {
            warn(c, "graphics",
                 _("Graphics of type '%1$s' were dropped."),
                 type ? type : "?");
            remove_node(v[i]);
            continue;
        }
        graphics = true;
        if (attr_is(v[i], "autoport", "no")) {
            X2K_AUTOFREE char *port = get_attr(v[i], "port");

            if (port && strcmp(port, "-1") != 0)
                warn(c, "graphics-port",
                     _("The fixed display port %1$s was replaced by an "
                       "automatic port; check firewall rules and clients."),
                     port);
        }
        /* The ports of a running guest are live values. */
        unset_attr(v[i], "port");
        unset_attr(v[i], "tlsPort");
        unset_attr(v[i], "websocket");
        unset_attr(v[i], "display");
        unset_attr(v[i], "xauth");
        set_attr(v[i], "autoport", "yes");
    }
    free(v);
    v = NULL;

    v = elems(c->devices, "video", &n);
    for (i = 0; i < n; i++) {
        xmlNodePtr model = child(v[i], "model");
        X2K_AUTOFREE char *type = get_attr(model, "type");

        strip_device(v[i]);
        if (!model)
            continue;
        if (!in_list(type, (const char *const[]){
                         "vga", "cirrus", "qxl", "virtio", "bochs",
                         "ramfb", "none", NULL })) {
            /* Xen's PV framebuffer and the like. */
            warn(c, "vfb",
                 _("The Xen display adapter '%1$s' became a standard VGA "
                   "adapter."),
                 type ? type : "?");
            keep_attrs(model, (const char *const[]){ "heads", "primary",
                                                     NULL });
            keep_children(model, (const char *const[]){ NULL });
            set_attr(model, "type", "vga");
        }
    }
    free(v);
    v = NULL;

    if (graphics && !tablet) {
        /* A usb tablet keeps the VNC pointer in step. */
        xmlNodePtr t = xmlNewNode(NULL, (const xmlChar *)"input");

        set_attr(t, "type", "tablet");
        set_attr(t, "bus", "usb");
        v = elems(c->devices, "input", &n);
        if (n)
            xmlAddPrevSibling(v[0], t);
        else
            xmlAddChild(c->devices, t);
    }
}

/* One warning naming the dropped passthrough device H. */
static void
warn_hostdev(struct conv *c, xmlNodePtr h)
{
    X2K_AUTOFREE char *type = get_attr(h, "type");
    xmlNodePtr src = child(h, "source"), a;

    if (x2k_str_equal(type, "pci") && (a = child(src, "address"))) {
        X2K_AUTOFREE char *dom = get_attr(a, "domain");
        X2K_AUTOFREE char *bus = get_attr(a, "bus");
        X2K_AUTOFREE char *slot = get_attr(a, "slot");
        X2K_AUTOFREE char *fn = get_attr(a, "function");
        X2K_AUTOFREE char *addr = x2k_strdup_printf(
            "%s:%s:%s.%s", dom ? dom : "?", bus ? bus : "?",
            slot ? slot : "?", fn ? fn : "?");

        warn(c, "pci-passthrough",
             _("The PCI passthrough device %1$s was dropped: it belongs "
               "to the Xen host."),
             addr);
    } else if (x2k_str_equal(type, "usb")) {
        X2K_AUTOFREE char *vendor =
            get_attr(child(src, "vendor"), "id");
        X2K_AUTOFREE char *product =
            get_attr(child(src, "product"), "id");
        X2K_AUTOFREE char *id = x2k_strdup_printf(
            "%s:%s", vendor ? vendor : "?", product ? product : "?");

        warn(c, "usb-passthrough",
             _("The USB passthrough device %1$s was dropped: it belongs "
               "to the Xen host."),
             id);
    } else {
        warn(c, "hostdev",
             _("A host device passthrough of type '%1$s' was dropped."),
             type ? type : "?");
    }
}

/* The remaining devices: emulator, passthrough, controllers, balloon. */
static void
convert_other_devices(struct conv *c)
{
    static const char *const keep[] = {
        "sound", "watchdog", "rng", "panic", "redirdev", "redirfilter",
        "smartcard", "hub", "memory", "iommu", "vsock", "tpm", "shmem",
        "audio", "lease", "parallel", NULL,
    };
    static const char *const handled[] = {
        "disk", "interface", "serial", "console", "channel", "input",
        "graphics", "video", NULL,
    };
    xmlNodePtr d, next;

    for (d = c->devices->children; d; d = next) {
        const char *name = (const char *)d->name;

        next = d->next;
        if (d->type != XML_ELEMENT_NODE || in_list(name, handled))
            continue;
        if (is_elem(d, "emulator")) {
            const struct x2k_caps_guest *g = c->cg;
            const char *emu = NULL;

            if (g && strcmp(c->r->domain_type, "kvm") == 0 &&
                g->kvm_emulator)
                emu = g->kvm_emulator;
            else if (g && (g->kvm || g->qemu))
                emu = g->emulator;
            if (emu)
                set_text(d, emu);
            else
                remove_node(d);
        } else if (is_elem(d, "hostdev")) {
            warn_hostdev(c, d);
            remove_node(d);
        } else if (is_elem(d, "controller")) {
            X2K_AUTOFREE char *type = get_attr(d, "type");
            X2K_AUTOFREE char *model = get_attr(d, "model");

            /* libvirt adds the controllers the new devices need; only
             * a plain USB controller says something of its own. */
            if (x2k_str_equal(type, "usb") &&
                !x2k_str_has_prefix(model, "qusb") &&
                !x2k_str_equal(model, "none")) {
                strip_device(d);
                keep_children(d, (const char *const[]){ NULL });
                keep_attrs(d, (const char *const[]){ "type", "model",
                                                     "ports", NULL });
            } else {
                remove_node(d);
            }
        } else if (is_elem(d, "memballoon")) {
            remove_node(d);
        } else if (is_elem(d, "filesystem")) {
            warn(c, "filesystem",
                 _("A shared host directory (filesystem) was dropped: it "
                   "is on the Xen host."));
            remove_node(d);
        } else if (in_list(name, keep) && !d->ns) {
            strip_device(d);
        } else {
            warn(c, "unknown-device",
                 _("The device <%1$s> is not known to the converter and "
                   "was dropped."),
                 name);
            remove_node(d);
        }
    }
    if (c->cg && !child(c->devices, "emulator") &&
        (c->cg->kvm || c->cg->qemu)) {
        xmlNodePtr e = xmlNewNode(NULL, (const xmlChar *)"emulator");

        set_text(e, strcmp(c->r->domain_type, "kvm") == 0 &&
                            c->cg->kvm_emulator
                        ? c->cg->kvm_emulator
                        : c->cg->emulator);
        if (c->devices->children)
            xmlAddPrevSibling(c->devices->children, e);
        else
            xmlAddChild(c->devices, e);
    }
    d = add_child(c->devices, "memballoon");
    set_attr(d, "model", "virtio");
}

/* Windows: from the caller, else guessed from Xen's hints. */
static void
decide_guest_os(struct conv *c)
{
    xmlNodePtr clock = child(c->root, "clock");
    bool viridian = child(child(c->root, "features"), "viridian") != NULL;
    bool localtime = attr_is(clock, "offset", "localtime") ||
                     attr_is(clock, "basis", "localtime");

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
            warn(c, "guest-os-guessed",
                 _("The guest looks like Windows (Viridian or a local-time "
                   "clock); it was converted as Windows."));
        break;
    }
    c->virtio = !c->windows || c->opts->virtio_drivers;
    if (c->virtio) {
        c->disk_prefix = "vd";
        c->disk_bus = "virtio";
    } else {
        c->disk_prefix = "sd";
        c->disk_bus = "sata";
        warn(c, "windows-no-virtio",
             _("Windows has no virtio drivers out of the box: disks were "
               "put on SATA and network interfaces on e1000.  The virt-v2v "
               "engine installs virtio drivers."));
    }
}

/* DOC's root as indented XML without declaration; NULL on failure. */
static char *
serialize(xmlDocPtr doc)
{
    xmlBufferPtr buf = xmlBufferCreate();
    xmlSaveCtxtPtr save;
    char *out;

    if (!buf)
        return NULL;
    save = xmlSaveToBuffer(buf, "UTF-8", XML_SAVE_FORMAT | XML_SAVE_NO_DECL);
    if (!save) {
        xmlBufferFree(buf);
        return NULL;
    }
    xmlSaveTree(save, xmlDocGetRootElement(doc));
    xmlSaveClose(save);
    out = x2k_strdup_printf("%s\n", (const char *)xmlBufferContent(buf));
    xmlBufferFree(buf);
    return out;
}

/* Is ROOT a domain with a name and memory? */
static int
check_source(xmlNodePtr root, struct x2k_error *err)
{
    xmlNodePtr name, mem;
    X2K_AUTOFREE char *n = NULL;

    if (!root || root->type != XML_ELEMENT_NODE || root->ns ||
        strcmp((const char *)root->name, "domain") != 0) {
        x2k_error_set(err, X2K_ERR_XML,
                      _("not a libvirt domain XML (the root element is "
                        "<%1$s>)"),
                      root ? (const char *)root->name : "");
        return -1;
    }
    name = child(root, "name");
    n = get_text(name);
    if (x2k_str_is_empty(n)) {
        x2k_error_set(err, X2K_ERR_XML,
                      _("the domain XML has no <name>"));
        return -1;
    }
    mem = child(root, "memory");
    if (!mem) {
        x2k_error_set(err, X2K_ERR_XML,
                      _("the domain XML of '%1$s' has no <memory>"), n);
        return -1;
    }
    return 0;
}

struct x2k_xmlconv_result *
x2k_xmlconv_convert(const xmlDoc *src, const struct x2k_plan *plan,
                    const struct x2k_xmlconv_opts *opts,
                    struct x2k_error *err)
{
    static const struct x2k_xmlconv_opts no_opts = { 0 };
    struct conv c = { 0 };
    struct x2k_xmlconv_result *r;
    X2K_AUTOFREE char *type = NULL;
    size_t i;

    if (check_source(xmlDocGetRootElement((xmlDocPtr)src), err) < 0)
        return NULL;
    c.doc = xmlCopyDoc((xmlDocPtr)src, 1);
    if (!c.doc) {
        x2k_error_set(err, X2K_ERR_XML, _("cannot copy the domain XML"));
        return NULL;
    }
    c.root = xmlDocGetRootElement(c.doc);
    c.plan = plan;
    c.opts = opts ? opts : &no_opts;
    c.r = r = x2k_xcalloc(1, sizeof *r);

    type = get_attr(c.root, "type");
    if (!x2k_str_equal(type, "xen"))
        warn(&c, "not-xen",
             _("The source domain is of type '%1$s', not xen; it was "
               "converted anyway."),
             type ? type : "");

    drop_namespaced(&c, c.root);
    free_ns_defs(c.root);
    c.os = child(c.root, "os");
    c.devices = child(c.root, "devices");
    if (!c.devices)
        c.devices = add_child(c.root, "devices");

    convert_top_level(&c);
    convert_tuning(&c);
    convert_os(&c);
    decide_guest_os(&c);
    convert_features(&c);
    convert_cpu(&c);
    convert_clock(&c);
    convert_lifecycle(&c);
    convert_disks(&c);
    convert_cmdline(&c);
    convert_interfaces(&c);
    convert_consoles(&c);
    convert_inputs_graphics(&c);
    convert_other_devices(&c);
    convert_boot_order(&c);
    set_attr(c.root, "type", r->domain_type);
    drop_blank_text(c.root);

    r->xml = serialize(c.doc);
    xmlFreeDoc(c.doc);
    free(c.arch);
    free(c.machine);
    free(c.file_stem);
    for (i = 0; i < c.n_map; i++)
        free(c.map[i]);
    free(c.map);
    if (!r->xml) {
        x2k_xmlconv_result_free(r);
        x2k_error_set(err, X2K_ERR_XML,
                      _("cannot write the converted domain XML"));
        return NULL;
    }
    return r;
}

char *
x2k_xmlconv_local_sources(const xmlDoc *src,
                          const struct x2k_xmlconv_disk_in *disks,
                          size_t n_disks, struct x2k_error *err)
{
    struct x2k_xmlconv_opts opts = { 0 };
    struct conv c = { 0 };
    X2K_AUTOFREE xmlNodePtr *v = NULL;
    size_t n, i;
    char *out;

    if (check_source(xmlDocGetRootElement((xmlDocPtr)src), err) < 0)
        return NULL;
    c.doc = xmlCopyDoc((xmlDocPtr)src, 1);
    if (!c.doc) {
        x2k_error_set(err, X2K_ERR_XML, _("cannot copy the domain XML"));
        return NULL;
    }
    opts.disks = disks;
    opts.n_disks = n_disks;
    c.opts = &opts;
    c.root = xmlDocGetRootElement(c.doc);
    v = elems(child(c.root, "devices"), "disk", &n);
    for (i = 0; i < n; i++) {
        xmlNodePtr src_node = child(v[i], "source"), s2, drv;
        X2K_AUTOFREE char *path = get_attr(src_node, "file");
        const struct x2k_xmlconv_disk_in *in;

        if (!path)
            path = get_attr(src_node, "dev");
        in = find_disk_in(&c, path);
        if (!in || !in->new_path)
            continue;
        remove_children_named(v[i], "source");
        s2 = xmlNewNode(NULL, (const xmlChar *)"source");
        set_attr(s2, "file", in->new_path);
        drv = child(v[i], "driver");
        if (drv) {
            xmlAddNextSibling(drv, s2);
        } else {
            drv = xmlNewNode(NULL, (const xmlChar *)"driver");
            if (v[i]->children)
                xmlAddPrevSibling(v[i]->children, drv);
            else
                xmlAddChild(v[i], drv);
            xmlAddNextSibling(drv, s2);
        }
        set_attr(v[i], "type", "file");
        set_attr(drv, "name", "qemu");
        if (in->new_format)
            set_attr(drv, "type", in->new_format);
    }
    out = serialize(c.doc);
    xmlFreeDoc(c.doc);
    if (!out)
        x2k_error_set(err, X2K_ERR_XML,
                      _("cannot write the converted domain XML"));
    return out;
}

/* ---- Parsing ----------------------------------------------------------- */

xmlDocPtr
x2k_xmlconv_parse(const char *xml, size_t len, struct x2k_error *err)
{
    return x2k_xml_parse(xml, len, X2K_XML_DOMAIN, err);
}

struct x2k_xmlconv_result *
x2k_xmlconv_convert_string(const char *xml, size_t len,
                           const struct x2k_plan *plan,
                           const struct x2k_xmlconv_opts *opts,
                           struct x2k_error *err)
{
    xmlDocPtr doc = x2k_xmlconv_parse(xml, len, err);
    struct x2k_xmlconv_result *r;

    if (!doc)
        return NULL;
    r = x2k_xmlconv_convert(doc, plan, opts, err);
    xmlFreeDoc(doc);
    return r;
}

char *
x2k_xmlconv_read_file(const char *path, size_t *len, struct x2k_error *err)
{
    struct x2k_buf b = { 0 };
    char chunk[65536];
    size_t n;
    FILE *fp = fopen(path, "re");

    if (!fp) {
        x2k_error_set_errno(err, errno == ENOENT ? X2K_ERR_NOT_FOUND
                                                 : X2K_ERR_IO,
                            errno, _("cannot open '%1$s'"), path);
        return NULL;
    }
    while ((n = fread(chunk, 1, sizeof chunk, fp)) > 0) {
        if (b.len + n > X2K_XMLCONV_MAX_INPUT) {
            x2k_error_set(err, X2K_ERR_XML,
                          _("'%1$s' is larger than %2$d bytes: not a "
                            "domain XML"),
                          path, X2K_XMLCONV_MAX_INPUT);
            fclose(fp);
            x2k_buf_clear(&b);
            return NULL;
        }
        x2k_buf_append(&b, chunk, n);
    }
    if (ferror(fp)) {
        x2k_error_set_errno(err, X2K_ERR_IO, errno,
                            _("cannot read '%1$s'"), path);
        fclose(fp);
        x2k_buf_clear(&b);
        return NULL;
    }
    fclose(fp);
    *len = b.len;
    return x2k_buf_steal(&b);
}

void
x2k_xmlconv_result_free(struct x2k_xmlconv_result *r)
{
    size_t i;

    if (!r)
        return;
    free(r->xml);
    free(r->name);
    free(r->domain_type);
    for (i = 0; i < r->n_disks; i++) {
        struct x2k_xmlconv_disk *d = &r->disks[i];

        free(d->device);
        free(d->old_target);
        free(d->new_target);
        free(d->new_bus);
        free(d->old_source);
        free(d->old_format);
        free(d->new_path);
        free(d->new_pool);
        free(d->new_volume);
        free(d->new_format);
    }
    free(r->disks);
    for (i = 0; i < r->n_boot_files; i++) {
        free(r->boot_files[i].kind);
        free(r->boot_files[i].remote);
        free(r->boot_files[i].local);
    }
    free(r->boot_files);
    for (i = 0; i < r->n_warnings; i++) {
        free(r->warnings[i].id);
        free(r->warnings[i].msg);
    }
    free(r->warnings);
    free(r);
}

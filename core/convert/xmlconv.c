/* The Xen -> KVM domain XML converter's entry points and the passes
 * over the domain as a whole: namespaces, top-level elements and the
 * new name.  x2k_xmlconv_convert works on a copy of the
 * parsed source and runs the passes in order, with those of
 * xmlconv-os.c (boot), xmlconv-guest.c (the guest OS and its hardware),
 * xmlconv-platform.c (CPU, features, clock, lifecycle), xmlconv-disks.c
 * and xmlconv-devices.c; it
 * collects the disk map, the boot files and a warning for everything
 * it cannot carry.  No I/O but x2k_xmlconv_read_file.  Runs on the
 * caller's thread; calls share no state.
 */
#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <libxml/parser.h>
#include <libxml/xmlsave.h>

#include "base/i18n.h"
#include "base/xml.h"
#include "convert/layout.h"
#include "convert/xmlconv-internal.h"

/* Remove elements and attributes in foreign namespaces (libxl's
 * <xen:commandline>, the test driver's <test:...>), but not the
 * applications' own data in <metadata> (libosinfo's, virt-manager's),
 * which libvirt keeps for them. */
static void
drop_namespaced(struct conv *c, xmlNodePtr n)
{
    xmlNodePtr ch, next;
    xmlAttrPtr a, anext;

    for (ch = n->children; ch; ch = next) {
        next = ch->next;
        if (ch->type != XML_ELEMENT_NODE ||
            (n == c->root && xc_is_elem(ch, "metadata")))
            continue;
        if (ch->ns) {
            xc_warn(c, "xen-namespace",
                    _("The hypervisor-specific element <%1$s:%2$s> was "
                      "dropped: it has no meaning under KVM."),
                    ch->ns->prefix ? (const char *)ch->ns->prefix : "",
                    (const char *)ch->name);
            xc_remove_node(ch);
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

/* Add the namespaces that N's subtree uses to *USED. */
static void
collect_ns(xmlNodePtr n, xmlNsPtr **used, size_t *n_used)
{
    xmlNodePtr ch;
    xmlAttrPtr a;

    if (n->type != XML_ELEMENT_NODE)
        return;
    if (n->ns) {
        *used = x2k_xreallocarray(*used, *n_used + 1, sizeof **used);
        (*used)[(*n_used)++] = n->ns;
    }
    for (a = n->properties; a; a = a->next) {
        if (a->ns) {
            *used = x2k_xreallocarray(*used, *n_used + 1, sizeof **used);
            (*used)[(*n_used)++] = a->ns;
        }
    }
    for (ch = n->children; ch; ch = ch->next)
        collect_ns(ch, used, n_used);
}

/* Drop the namespace declarations in N's subtree that nothing uses any
 * more (those of the elements dropped). */
static void
free_unused_ns(xmlNodePtr n, xmlNsPtr *used, size_t n_used)
{
    xmlNodePtr ch;
    xmlNsPtr *link, ns;
    size_t i;

    if (n->type != XML_ELEMENT_NODE)
        return;
    for (link = &n->nsDef; (ns = *link) != NULL;) {
        bool in_use = false;

        for (i = 0; i < n_used && !in_use; i++)
            in_use = used[i] == ns;
        if (in_use) {
            link = &ns->next;
            continue;
        }
        *link = ns->next;
        ns->next = NULL;
        xmlFreeNs(ns);
    }
    for (ch = n->children; ch; ch = ch->next)
        free_unused_ns(ch, used, n_used);
}

static void
free_ns_defs(xmlNodePtr root)
{
    X2K_AUTOFREE xmlNsPtr *used = NULL;
    size_t n_used = 0;

    collect_ns(root, &used, &n_used);
    free_unused_ns(root, used, n_used);
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
            xc_remove_node(ch);
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
        if (!xc_in_list((const char *)n->name, known_top_level)) {
            xc_warn(c, "unknown-element",
                    _("The unknown element <%1$s> was dropped."),
                    (const char *)n->name);
            xc_remove_node(n);
        } else if (xc_is_elem(n, "bootloader")) {
            /* A repeated element: the last one counts, as in libvirt. */
            c->bootloader = true;
            free(c->bootloader_path);
            c->bootloader_path = xc_get_text(n);
            xc_remove_node(n);
        } else if (xc_is_elem(n, "bootloader_args")) {
            free(c->bootloader_args);
            c->bootloader_args = xc_get_text(n);
            xc_remove_node(n);
        } else if (xc_is_elem(n, "idmap")) {
            xc_remove_node(n);
        } else if (xc_is_elem(n, "seclabel")) {
            if (xc_attr_is(n, "type", "static"))
                xc_warn(c, "seclabel",
                        _("The static security label of the Xen guest was "
                          "dropped; the KVM host assigns its own."));
            xc_remove_node(n);
        } else if (xc_is_elem(n, "resource")) {
            /* Xen host partitions do not exist on the KVM host. */
            xc_remove_node(n);
        }
    }
    /* Live-only attribute of a running domain. */
    xc_unset_attr(c->root, "id");

    newname = c->plan->new_name;
    n = xc_child(c->root, "name");
    if (newname)
        xc_set_text(n, newname);
    c->r->name = xc_get_text(n);
    c->file_stem = x2k_name_sanitize(c->r->name, 0);

    if (c->plan->new_uuid)
        xc_remove_node(xc_child(c->root, "uuid"));
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
    name = xc_child(root, "name");
    n = xc_get_text(name);
    if (x2k_str_is_empty(n)) {
        x2k_error_set(err, X2K_ERR_XML,
                      _("the domain XML has no <name>"));
        return -1;
    }
    mem = xc_child(root, "memory");
    if (!mem) {
        x2k_error_set(err, X2K_ERR_XML,
                      _("the domain XML of '%1$s' has no <memory>"), n);
        return -1;
    }
    return 0;
}
/* --layout=assemble asked, and the guest's disks are partitions of one
 * Xen disk (convert/layout.h): they become one partitioned disk. */
static bool
is_assembled(struct conv *c)
{
    X2K_AUTOFREE xmlNodePtr *v = NULL;
    X2K_AUTOFREE const char **targets = NULL;
    size_t n, i, k = 0;
    bool ok;

    if (c->plan->layout != X2K_LAYOUT_ASSEMBLE)
        return false;
    v = xc_elems(c->devices, "disk", &n);
    targets = x2k_xcalloc(n + 1, sizeof *targets);
    for (i = 0; i < n; i++) {
        X2K_AUTOFREE char *device = xc_get_attr(v[i], "device");

        if (!device || strcmp(device, "disk") == 0)
            targets[k++] = xc_get_attr(xc_child(v[i], "target"), "dev");
    }
    ok = x2k_layout_assemblable(targets, k);
    for (i = 0; i < k; i++)
        free((char *)targets[i]);
    return ok;
}


/* Convert SRC for PLAN: run every pass on a copy, then serialise. */
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

    type = xc_get_attr(c.root, "type");
    if (!x2k_str_equal(type, "xen"))
        xc_warn(&c, "not-xen",
                _("The source domain is of type '%1$s', not xen; it was "
                  "converted anyway."),
                type ? type : "");

    drop_namespaced(&c, c.root);
    free_ns_defs(c.root);
    c.os = xc_child(c.root, "os");
    c.devices = xc_child(c.root, "devices");
    if (!c.devices)
        c.devices = xc_add_child(c.root, "devices");

    c.assembled = is_assembled(&c);
    convert_top_level(&c);
    xc_convert_tuning(&c);
    xc_convert_os(&c);
    xc_decide_guest_os(&c);
    xc_convert_features(&c);
    xc_convert_cpu(&c);
    xc_convert_hardware(&c);
    xc_convert_clock(&c);
    xc_convert_lifecycle(&c);
    xc_convert_disks(&c);
    xc_convert_cmdline(&c);
    xc_convert_interfaces(&c);
    xc_warn_windows_defaults(&c);
    xc_convert_consoles(&c);
    xc_convert_inputs_graphics(&c);
    xc_convert_other_devices(&c);
    xc_convert_boot_order(&c);
    xc_set_attr(c.root, "type", r->domain_type);
    drop_blank_text(c.root);

    r->xml = serialize(c.doc);
    xmlFreeDoc(c.doc);
    free(c.arch);
    free(c.machine);
    free(c.file_stem);
    free(c.bootloader_path);
    free(c.bootloader_args);
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

/* SRC with each disk of DISKS on its local copy (virt-v2v input). */
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
    v = xc_elems(xc_child(c.root, "devices"), "disk", &n);
    for (i = 0; i < n; i++) {
        xmlNodePtr src_node = xc_child(v[i], "source"), s2, drv;
        X2K_AUTOFREE char *path = xc_get_attr(src_node, "file");
        const struct x2k_xmlconv_disk_in *in;

        if (!path)
            path = xc_get_attr(src_node, "dev");
        in = xc_find_disk_in(&c, path);
        if (!in || !in->new_path)
            continue;
        xc_remove_children_named(v[i], "source");
        s2 = xmlNewNode(NULL, (const xmlChar *)"source");
        xc_set_attr(s2, "file", in->new_path);
        drv = xc_child(v[i], "driver");
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
        xc_set_attr(v[i], "type", "file");
        xc_set_attr(drv, "name", "qemu");
        if (in->new_format)
            xc_set_attr(drv, "type", in->new_format);
    }
    out = serialize(c.doc);
    xmlFreeDoc(c.doc);
    if (!out)
        x2k_error_set(err, X2K_ERR_XML,
                      _("cannot write the converted domain XML"));
    return out;
}

/* ---- Parsing ----------------------------------------------------------- */

/* Parse domain XML with the hardened parser. */
xmlDocPtr
x2k_xmlconv_parse(const char *xml, size_t len, struct x2k_error *err)
{
    return x2k_xml_parse(xml, len, X2K_XML_DOMAIN, err);
}

/* Parse XML, then convert it. */
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

/* Read the domain XML file PATH, up to the size limit. */
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

/* Free R; NULL is a no-op. */
void
x2k_xmlconv_result_free(struct x2k_xmlconv_result *r)
{
    size_t i;

    if (!r)
        return;
    free(r->xml);
    free(r->name);
    free(r->domain_type);
    free(r->root_override);
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
    for (i = 0; i < r->n_nics; i++) {
        free(r->nics[i].mac);
        free(r->nics[i].old_model);
        free(r->nics[i].new_model);
    }
    free(r->nics);
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

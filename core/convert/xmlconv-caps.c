/* Target capabilities for the XML converter: which domain types
 * (kvm, qemu), emulators and machine types the KVM host offers per
 * architecture, and its OVMF firmware, parsed from libvirt's
 * capabilities and domain capabilities XML.  Runs on the caller's
 * thread; x2k_caps_from_uri is the only function doing I/O.
 */
#include <config.h>

#include <pthread.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include <libxml/xpath.h>

#include "base/i18n.h"
#include "base/xml.h"
#include "convert/xmlconv-internal.h"

/* N's text, "" if it has none.  Caller frees. */
static char *
node_text(xmlNodePtr n)
{
    xmlChar *t = xmlNodeGetContent(n);
    char *s = x2k_xstrdup(t ? (const char *)t : "");

    xmlFree(t);
    return s;
}

/* N's attribute NAME, or NULL.  Caller frees. */
static char *
node_attr(xmlNodePtr n, const char *name)
{
    xmlChar *v = xmlGetNoNsProp(n, (const xmlChar *)name);
    char *s = v ? x2k_xstrdup((const char *)v) : NULL;

    xmlFree(v);
    return s;
}

/* Is N an element named NAME (in any namespace)? */
static bool
is_elem(xmlNodePtr n, const char *name)
{
    return n && n->type == XML_ELEMENT_NODE &&
           strcmp((const char *)n->name, name) == 0;
}

/* Add machine type M's name to G, once. */
static void
add_machine(struct x2k_caps_guest *g, xmlNodePtr m)
{
    char *name = node_text(m);
    size_t i;

    for (i = 0; i < g->n_machines; i++) {
        if (strcmp(g->machines[i], name) == 0) {
            free(name);
            return;
        }
    }
    g->machines = x2k_xreallocarray(g->machines, g->n_machines + 1,
                                    sizeof *g->machines);
    g->machines[g->n_machines++] = name;
}

/* One <guest> of the capabilities: only hvm guests matter. */
static void
parse_guest(struct x2k_caps *caps, xmlNodePtr guest)
{
    xmlNodePtr n, arch = NULL, d, dn;
    struct x2k_caps_guest *g;
    char *os_type = NULL;

    for (n = guest->children; n; n = n->next) {
        if (is_elem(n, "os_type") && !os_type)
            os_type = node_text(n);
        else if (is_elem(n, "arch") && !arch)
            arch = n;
    }
    if (!x2k_str_equal(os_type, "hvm") || !arch) {
        free(os_type);
        return;
    }
    free(os_type);
    caps->guests = x2k_xreallocarray(caps->guests, caps->n_guests + 1,
                                     sizeof *caps->guests);
    g = &caps->guests[caps->n_guests++];
    memset(g, 0, sizeof *g);
    g->arch = node_attr(arch, "name");
    if (!g->arch)
        g->arch = x2k_xstrdup("");
    for (n = arch->children; n; n = n->next) {
        if (is_elem(n, "emulator") && !g->emulator) {
            g->emulator = node_text(n);
        } else if (is_elem(n, "machine")) {
            add_machine(g, n);
        } else if (is_elem(n, "domain")) {
            char *type = node_attr(n, "type");

            d = n;
            if (x2k_str_equal(type, "test"))
                caps->test_domains = true;
            else
                caps->real_domains = true;
            if (x2k_str_equal(type, "kvm"))
                g->kvm = true;
            else if (x2k_str_equal(type, "qemu"))
                g->qemu = true;
            /* Old hosts: a <domain> with its own emulator/machines. */
            for (dn = d->children; dn; dn = dn->next) {
                if (is_elem(dn, "emulator") && x2k_str_equal(type, "kvm") &&
                    !g->kvm_emulator)
                    g->kvm_emulator = node_text(dn);
                else if (is_elem(dn, "machine") &&
                         (x2k_str_equal(type, "kvm") ||
                          x2k_str_equal(type, "qemu")))
                    add_machine(g, dn);
            }
            free(type);
        }
    }
}

/* Is PATH an OVMF build that enforces Secure Boot? */
static bool
is_secure_boot_firmware(const char *path)
{
    return strstr(path, "secboot") || strstr(path, ".ms.") ||
           strstr(path, "_ms") || strstr(path, "snakeoil");
}

/* Read OVMF path, firmware='efi' support and arch from domain caps DOC. */
static void
parse_domcaps(struct x2k_caps *caps, xmlDocPtr doc)
{
    xmlXPathContextPtr ctx = xmlXPathNewContext(doc);
    xmlXPathObjectPtr o;
    int i;

    if (!ctx)
        return;
    o = xmlXPathEvalExpression(
        (const xmlChar *)"/domainCapabilities/os/loader/value", ctx);
    if (o && o->nodesetval) {
        for (i = 0; i < o->nodesetval->nodeNr && !caps->ovmf; i++) {
            char *v = node_text(o->nodesetval->nodeTab[i]);

            if (*v && !is_secure_boot_firmware(v))
                caps->ovmf = x2k_steal(&v);
            free(v);
        }
    }
    xmlXPathFreeObject(o);
    o = xmlXPathEvalExpression(
        (const xmlChar *)"/domainCapabilities/os/enum[@name='firmware']"
                         "/value[.='efi']",
        ctx);
    caps->efi_auto = o && o->nodesetval && o->nodesetval->nodeNr > 0;
    xmlXPathFreeObject(o);
    o = xmlXPathEvalExpression((const xmlChar *)"/domainCapabilities/arch",
                               ctx);
    if (o && o->nodesetval && o->nodesetval->nodeNr > 0)
        caps->ovmf_arch = node_text(o->nodesetval->nodeTab[0]);
    xmlXPathFreeObject(o);
    xmlXPathFreeContext(ctx);
}

/* Parse capabilities and optional domain capabilities XML. */
struct x2k_caps *
x2k_caps_parse(const char *caps_xml, const char *domcaps_xml,
               struct x2k_error *err)
{
    xmlDocPtr doc, ddoc;
    xmlNodePtr root, n, c;
    struct x2k_caps *caps;

    doc = x2k_xml_parse(caps_xml, strlen(caps_xml), X2K_XML_LIBVIRT, err);
    if (!doc)
        return NULL;
    root = xmlDocGetRootElement(doc);
    if (!is_elem(root, "capabilities")) {
        x2k_error_set(err, X2K_ERR_XML,
                      _("not libvirt capabilities XML (the root element is "
                        "<%1$s>)"),
                      root ? (const char *)root->name : "");
        xmlFreeDoc(doc);
        return NULL;
    }
    caps = x2k_xcalloc(1, sizeof *caps);
    for (n = root->children; n; n = n->next) {
        if (is_elem(n, "guest")) {
            parse_guest(caps, n);
        } else if (is_elem(n, "host")) {
            for (c = n->children; c; c = c->next) {
                if (is_elem(c, "cpu")) {
                    xmlNodePtr a;

                    for (a = c->children; a; a = a->next) {
                        if (is_elem(a, "arch") && !caps->host_arch)
                            caps->host_arch = node_text(a);
                    }
                }
            }
        }
    }
    xmlFreeDoc(doc);
    if (domcaps_xml) {
        ddoc = x2k_xml_parse(domcaps_xml, strlen(domcaps_xml), X2K_XML_LIBVIRT,
                             err);
        if (!ddoc) {
            x2k_caps_free(caps);
            return NULL;
        }
        parse_domcaps(caps, ddoc);
        xmlFreeDoc(ddoc);
    }
    return caps;
}

/* libvirt's error callback: print nothing. */
static void
silent_virt_error(void *opaque, virErrorPtr e)
{
}

/* libvirt's default event loop, for embedded drivers. */
static void
register_event_loop(void)
{
    virEventRegisterDefaultImpl();
}

/* Read the capabilities of the libvirt connection URI. */
struct x2k_caps *
x2k_caps_from_uri(const char *uri, struct x2k_error *err)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    virConnectPtr conn;
    char *xml, *dxml;
    struct x2k_caps *caps;

    virSetErrorFunc(NULL, silent_virt_error);
    /* An embedded driver (qemu:///embed?root=...) runs in this process
     * and needs an event loop implementation registered. */
    if (strstr(uri, "///embed"))
        pthread_once(&once, register_event_loop);
    conn = virConnectOpenReadOnly(uri);
    if (!conn) {
        x2k_error_set(err, X2K_ERR_LIBVIRT,
                      _("cannot connect to the target '%1$s' to read its "
                        "capabilities"),
                      uri);
        x2k_error_set_detail(err, virGetLastErrorMessage());
        return NULL;
    }
    xml = virConnectGetCapabilities(conn);
    if (!xml) {
        x2k_error_set(err, X2K_ERR_LIBVIRT,
                      _("the target '%1$s' did not report its capabilities"),
                      uri);
        x2k_error_set_detail(err, virGetLastErrorMessage());
        virConnectClose(conn);
        return NULL;
    }
    /* Not every driver has domain capabilities: optional. */
    dxml = virConnectGetDomainCapabilities(conn, NULL, NULL, NULL, NULL, 0);
    virResetLastError();
    caps = x2k_caps_parse(xml, dxml, err);
    free(xml);
    free(dxml);
    virConnectClose(conn);
    return caps;
}

/* Free CAPS; NULL is a no-op. */
void
x2k_caps_free(struct x2k_caps *caps)
{
    size_t i, j;

    if (!caps)
        return;
    for (i = 0; i < caps->n_guests; i++) {
        struct x2k_caps_guest *g = &caps->guests[i];

        free(g->arch);
        free(g->emulator);
        free(g->kvm_emulator);
        for (j = 0; j < g->n_machines; j++)
            free(g->machines[j]);
        free(g->machines);
    }
    free(caps->guests);
    free(caps->host_arch);
    free(caps->ovmf);
    free(caps->ovmf_arch);
    free(caps);
}

/* Did CAPS come from libvirt's test driver only? */
bool
x2k_caps_is_test_driver(const struct x2k_caps *caps)
{
    return caps && caps->test_domains && !caps->real_domains;
}

/* The hvm guest of CAPS for ARCH, or NULL. */
const struct x2k_caps_guest *
x2k_caps_guest_for(const struct x2k_caps *caps, const char *arch)
{
    size_t i;

    for (i = 0; caps && i < caps->n_guests; i++) {
        if (strcmp(caps->guests[i].arch, arch) == 0)
            return &caps->guests[i];
    }
    return NULL;
}

/* Does G offer machine type M (name or alias)? */
bool
x2k_caps_guest_has_machine(const struct x2k_caps_guest *g, const char *m)
{
    size_t i;

    for (i = 0; g && m && i < g->n_machines; i++) {
        if (strcmp(g->machines[i], m) == 0)
            return true;
    }
    return false;
}

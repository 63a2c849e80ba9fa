/* Helpers of the XML converter's unit tests (test-xmlconv.c,
 * test-xmlconv-rules.c): fixtures and capabilities from tests/data,
 * conversion that fails the test on error, XPath assertions on the
 * output.
 */
#include <config.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <cmocka.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include <libxml/xpath.h>

#include "xmlconv-lib.h"

char *
data_path(const char *rel)
{
    const char *top = getenv("top_srcdir");

    return x2k_strdup_printf("%s/tests/data/%s", top ? top : "..", rel);
}

char *
slurp(const char *rel)
{
    struct x2k_error err = X2K_ERROR_INIT;
    char *path = data_path(rel);
    size_t len;
    char *s = x2k_xmlconv_read_file(path, &len, &err);

    if (!s)
        fail_msg("%s: %s", path, err.msg);
    free(path);
    return s;
}

struct x2k_caps *
load_caps(const char *caps, const char *domcaps)
{
    struct x2k_error err = X2K_ERROR_INIT;
    X2K_AUTOFREE char *c = NULL;
    X2K_AUTOFREE char *d = NULL;
    X2K_AUTOFREE char *cp = NULL;
    X2K_AUTOFREE char *dp = NULL;
    struct x2k_caps *r;

    if (!caps)
        return NULL;
    cp = x2k_strdup_printf("caps/%s.xml", caps);
    c = slurp(cp);
    if (domcaps) {
        dp = x2k_strdup_printf("caps/%s.xml", domcaps);
        d = slurp(dp);
    }
    r = x2k_caps_parse(c, d, &err);
    if (!r)
        fail_msg("caps %s: %s", caps, err.msg);
    return r;
}

void
plan_free(struct x2k_plan *p)
{
    x2k_plan_clear(p);
    free(p->target_uri);
    free(p->pool);
}

/* Convert XML; fail the test on error. */
struct x2k_xmlconv_result *
convert(const char *xml, const struct x2k_plan *plan,
        const struct x2k_xmlconv_opts *opts)
{
    struct x2k_error err = X2K_ERROR_INIT;
    struct x2k_xmlconv_result *r;

    r = x2k_xmlconv_convert_string(xml, strlen(xml), plan, opts, &err);
    if (!r)
        fail_msg("conversion failed: %s (%s)", err.msg,
                 err.detail ? err.detail : "");
    return r;
}

/* Convert with the default plan and Debian 12 capabilities. */
struct x2k_xmlconv_result *
convert_simple(const char *xml)
{
    struct x2k_plan plan;
    struct x2k_xmlconv_opts opts = { 0 };
    X2K_AUTO(x2k_caps) caps = load_caps("debian12", NULL);
    struct x2k_xmlconv_result *r;

    x2k_plan_init(&plan);
    opts.caps = caps;
    r = convert(xml, &plan, &opts);
    plan_free(&plan);
    return r;
}

/* Evaluate XPath EXPR on XML: the string value (caller frees). */
char *
xp_str(const char *xml, const char *expr)
{
    xmlDocPtr doc = xmlReadMemory(xml, (int)strlen(xml), "out.xml", NULL,
                                  XML_PARSE_NONET);
    xmlXPathContextPtr ctx;
    xmlXPathObjectPtr o;
    char *s;

    assert_non_null(doc);
    ctx = xmlXPathNewContext(doc);
    o = xmlXPathEvalExpression((const xmlChar *)expr, ctx);
    if (!o)
        fail_msg("bad XPath %s", expr);
    s = (char *)xmlXPathCastToString(o);
    xmlXPathFreeObject(o);
    xmlXPathFreeContext(ctx);
    xmlFreeDoc(doc);
    {
        char *copy = x2k_xstrdup(s);

        xmlFree(s);
        return copy;
    }
}

void
assert_xp(const char *xml, const char *expr, const char *want)
{
    X2K_AUTOFREE char *got = xp_str(xml, expr);

    if (strcmp(got, want) != 0)
        fail_msg("%s = '%s', want '%s' in:\n%s", expr, got, want, xml);
}

void
assert_xp_count(const char *xml, const char *expr, int want)
{
    X2K_AUTOFREE char *e = x2k_strdup_printf("count(%s)", expr);
    X2K_AUTOFREE char *got = xp_str(xml, e);

    if (atoi(got) != want)
        fail_msg("%s = %s, want %d in:\n%s", e, got, want, xml);
}

bool
has_warning(const struct x2k_xmlconv_result *r, const char *id)
{
    size_t i;

    for (i = 0; i < r->n_warnings; i++) {
        if (strcmp(r->warnings[i].id, id) == 0)
            return true;
    }
    return false;
}

const char *
domain(const char *body)
{
    static char bufs[4][65536];
    static size_t next;
    char *buf = bufs[next++ % 4];

    snprintf(buf, sizeof bufs[0],
             "<domain type='xen'><name>g</name><memory>524288</memory>%s"
             "</domain>",
             body);
    return buf;
}

struct x2k_xmlconv_result *
convert_fixture(const struct fixture *f)
{
    struct x2k_plan plan;
    struct x2k_xmlconv_opts opts = { 0 };
    X2K_AUTO(x2k_caps) caps = load_caps(f->caps, f->domcaps);
    X2K_AUTOFREE char *rel = x2k_strdup_printf("xmlconv/%s.xml", f->name);
    X2K_AUTOFREE char *xml = slurp(rel);
    struct x2k_xmlconv_result *r;

    x2k_plan_init(&plan);
    opts.caps = caps;
    if (f->setup)
        f->setup(&plan, &opts);
    r = convert(xml, &plan, &opts);
    plan_free(&plan);
    return r;
}

static void
silent(void *opaque, virErrorPtr e)
{
}

/* XML defines into libvirt's test driver with schema validation. */
void
assert_defines(const char *xml)
{
    virConnectPtr conn;
    virDomainPtr dom;

    virSetErrorFunc(NULL, silent);
    conn = virConnectOpen("test:///default");
    assert_non_null(conn);
    dom = virDomainDefineXMLFlags(conn, xml, VIR_DOMAIN_DEFINE_VALIDATE);
    if (!dom)
        fail_msg("libvirt refused the XML: %s\n%s", virGetLastErrorMessage(),
                 xml);
    assert_int_equal(virDomainUndefine(dom), 0);
    virDomainFree(dom);
    virConnectClose(conn);
}

/* The options of the hardware fixture: 2 vCPUs, 3 GiB, SATA but xvdb on
 * virtio and xvdc on SCSI, the second NIC on rtl8139. */
void
setup_hardware_options(struct x2k_plan *p, struct x2k_xmlconv_opts *o)
{
    p->vcpus = 2;
    p->memory_kib = 3 * 1024 * 1024;
    x2k_devchoices_add(&p->disk_buses, NULL, X2K_DISK_BUS_SATA);
    x2k_devchoices_add(&p->disk_buses, "xvdb", X2K_DISK_BUS_VIRTIO);
    x2k_devchoices_add(&p->disk_buses, "xvdc", X2K_DISK_BUS_SCSI);
    x2k_devchoices_add(&p->nic_models, "00:16:3E:12:00:02", X2K_NIC_RTL8139);
}

/* The hardened XML parser (see xml.h).  Any thread: libxml2 is
 * initialised once, and each call has its own parser context. */
#include <config.h>

#include <pthread.h>
#include <libxml/parser.h>

#include "base/i18n.h"
#include "base/util.h"
#include "base/xml.h"

struct parse_err {
    char *first;
};

/* Keep the parser's first error message for the error's detail. */
static void
on_parse_error(void *opaque, xmlErrorPtr e)
{
    xmlParserCtxtPtr ctxt = opaque;
    struct parse_err *pe = ctxt ? ctxt->_private : NULL;
    char *msg, *end;

    if (!pe || pe->first || !e || !e->message)
        return;
    msg = x2k_strdup_printf("line %d: %s", e->line, e->message);
    end = msg + strlen(msg);
    while (end > msg && (end[-1] == '\n' || end[-1] == ' '))
        *--end = '\0';
    pe->first = msg;
}

static void
init_libxml(void)
{
    xmlInitParser();
}

static void
set_error(struct x2k_error *err, enum x2k_xml_kind kind, int why, size_t len)
{
    switch (why) {
    case 0:
        if (kind == X2K_XML_DOMAIN)
            x2k_error_set(err, X2K_ERR_XML,
                          _("the domain XML is too large (%1$zu bytes; the "
                            "limit is %2$d)"),
                          len, X2K_XML_MAX_INPUT);
        else
            x2k_error_set(err, X2K_ERR_XML,
                          _("the XML document from libvirt is too large "
                            "(%1$zu bytes; the limit is %2$d)"),
                          len, X2K_XML_MAX_INPUT);
        break;
    case 1:
        if (kind == X2K_XML_DOMAIN)
            x2k_error_set(err, X2K_ERR_XML, _("the domain XML is malformed"));
        else
            x2k_error_set(err, X2K_ERR_XML,
                          _("the XML document from libvirt is malformed"));
        break;
    default:
        if (kind == X2K_XML_DOMAIN)
            x2k_error_set(err, X2K_ERR_XML,
                          _("the domain XML must not have a DOCTYPE"));
        else
            x2k_error_set(err, X2K_ERR_XML,
                          _("the XML document from libvirt must not have a "
                            "DOCTYPE"));
        break;
    }
}

xmlDocPtr
x2k_xml_parse(const char *xml, size_t len, enum x2k_xml_kind kind,
              struct x2k_error *err)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    struct parse_err pe = { NULL };
    xmlParserCtxtPtr ctxt;
    xmlDocPtr doc;

    /* libxml2 2.9 must be initialised once before threads use it. */
    pthread_once(&once, init_libxml);
    if (len > X2K_XML_MAX_INPUT) {
        set_error(err, kind, 0, len);
        return NULL;
    }
    ctxt = xmlNewParserCtxt();
    if (!ctxt) {
        x2k_error_set(err, X2K_ERR_XML, _("cannot create an XML parser"));
        return NULL;
    }
    ctxt->_private = &pe;
    ctxt->sax->serror = on_parse_error;
    ctxt->vctxt.error = NULL;
    ctxt->vctxt.warning = NULL;
    doc = xmlCtxtReadMemory(ctxt, xml, (int)len,
                            kind == X2K_XML_DOMAIN ? "domain.xml"
                                                   : "libvirt.xml",
                            NULL,
                            XML_PARSE_NONET | XML_PARSE_NOBLANKS |
                                XML_PARSE_NOWARNING | XML_PARSE_NOERROR |
                                XML_PARSE_NOCDATA);
    if (doc && (!ctxt->wellFormed || pe.first)) {
        xmlFreeDoc(doc);
        doc = NULL;
    }
    if (!doc) {
        set_error(err, kind, 1, len);
        x2k_error_set_detail(err, pe.first);
    } else if (doc->intSubset) {
        /* These documents never have a DTD; refuse entity games. */
        xmlFreeDoc(doc);
        doc = NULL;
        set_error(err, kind, 2, len);
    }
    free(pe.first);
    xmlFreeParserCtxt(ctxt);
    return doc;
}

char *
x2k_xml_lib_version(void)
{
    long v;

    /* xmlParserVersion is "20914" for 2.9.14. */
    if (!x2k_parse_long(xmlParserVersion, 0, 999999, &v))
        return x2k_xstrdup(xmlParserVersion);
    return x2k_strdup_printf("%ld.%ld.%ld", v / 10000, v / 100 % 100,
                             v % 100);
}

char *
x2k_xml_escape(const char *text)
{
    struct x2k_buf b = { 0 };
    const char *p;

    for (p = text; *p; p++) {
        switch (*p) {
        case '&': x2k_buf_printf(&b, "&amp;"); break;
        case '<': x2k_buf_printf(&b, "&lt;"); break;
        case '>': x2k_buf_printf(&b, "&gt;"); break;
        case '\'': x2k_buf_printf(&b, "&apos;"); break;
        case '"': x2k_buf_printf(&b, "&quot;"); break;
        default: x2k_buf_append(&b, p, 1); break;
        }
    }
    return x2k_buf_steal(&b);
}

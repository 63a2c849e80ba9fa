/* The one hardened XML parser for every document that comes from
 * outside (a Xen host's domain XML, libvirt's capabilities and pool or
 * volume XML, plan files): no network, no DTD, no entities, a size
 * limit, the parser's first message kept as the error's detail and
 * nothing printed.  Any thread.
 */
#ifndef X2K_XML_H
#define X2K_XML_H

#include <libxml/tree.h>

#include "base/error.h"

/* The largest document accepted (a domain with thousands of disks is
 * well below it). */
#define X2K_XML_MAX_INPUT (16 * 1024 * 1024)

/* What the document is, for the error message. */
enum x2k_xml_kind {
    X2K_XML_DOMAIN,             /* a libvirt domain XML */
    X2K_XML_LIBVIRT,            /* any other XML libvirt returned */
};

/* Parse LEN bytes of XML.  NULL with X2K_ERR_XML in ERR (may be NULL)
 * when it is larger than X2K_XML_MAX_INPUT, not well formed, or has a
 * DOCTYPE.  Free the result with xmlFreeDoc. */
xmlDocPtr x2k_xml_parse(const char *xml, size_t len, enum x2k_xml_kind kind,
                        struct x2k_error *err) X2K_NONNULL(1);

/* TEXT with &, <, >, ' and " escaped, for an attribute value or text
 * of an XML document built by hand.  Caller frees. */
char *x2k_xml_escape(const char *text) X2K_NONNULL(1);

/* The version of the libxml2 library this process runs with
 * ("2.9.14", from xmlParserVersion).  Caller frees. */
char *x2k_xml_lib_version(void);

#endif /* X2K_XML_H */

/* Helpers shared by the XML converter's unit tests (xmlconv-lib.c). */
#ifndef X2K_TESTS_XMLCONV_LIB_H
#define X2K_TESTS_XMLCONV_LIB_H

#include "convert/xmlconv.h"

/* tests/data/REL under $top_srcdir; caller frees. */
char *data_path(const char *rel);
/* The contents of tests/data/REL; fails the test if unreadable. */
char *slurp(const char *rel);
/* Capabilities from tests/data/caps/CAPS.xml (+ DOMCAPS), or NULL if
 * CAPS is NULL. */
struct x2k_caps *load_caps(const char *caps, const char *domcaps);
/* x2k_plan_clear plus the defaults it leaves allocated. */
void plan_free(struct x2k_plan *p);

/* Convert XML; fail the test on error. */
struct x2k_xmlconv_result *convert(const char *xml,
                                   const struct x2k_plan *plan,
                                   const struct x2k_xmlconv_opts *opts);
/* Convert with the default plan and Debian 12 capabilities. */
struct x2k_xmlconv_result *convert_simple(const char *xml);

/* XPath EXPR on XML: the string value (caller frees), and assertions
 * on it and on the number of nodes it selects. */
char *xp_str(const char *xml, const char *expr);
void assert_xp(const char *xml, const char *expr, const char *want);
void assert_xp_count(const char *xml, const char *expr, int want);

/* XML defines into libvirt's test driver with schema validation. */
void assert_defines(const char *xml);

bool has_warning(const struct x2k_xmlconv_result *r, const char *id);

/* A Xen domain named g with 512 MiB around BODY (one of four static
 * buffers, reused in turn). */
const char *domain(const char *body);

/* A fixture: tests/data/xmlconv/NAME.xml converted with caps/CAPS.xml
 * (and DOMCAPS) after SETUP adjusted the plan and options. */
struct fixture {
    const char *name;
    const char *caps;           /* tests/data/caps/NAME.xml or NULL */
    const char *domcaps;
    void (*setup)(struct x2k_plan *p, struct x2k_xmlconv_opts *o);
};

struct x2k_xmlconv_result *convert_fixture(const struct fixture *f);

/* The plan of the hardware fixture: the options of
 * tests/test-xmlconv-qemu.sh's hardware define. */
void setup_hardware_options(struct x2k_plan *p, struct x2k_xmlconv_opts *o);

#endif /* X2K_TESTS_XMLCONV_LIB_H */

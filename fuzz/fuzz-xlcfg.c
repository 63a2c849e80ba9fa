/* libFuzzer harness for the Xen guest configuration reader
 * (core/source/xl-cfg.c, xl-spec.c, xl-xml.c): each input is parsed as
 * an xl/xm configuration file; when it parses, it is turned into a
 * domain XML both as xl and as xm, and that XML must be well formed (the
 * hardened parser of core/base/xml.c reads it back).  Every string value
 * also goes through the disk and vif parsers, and the raw input through
 * the readers of `xl list -l' JSON and `xm list -l' S-expressions.  A crash, a sanitizer
 * report or XML that does not parse is a bug.  Its corpus starts from
 * tests/data/xl.  See fuzz/README.
 */
#include <config.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/xml.h"
#include "source/xl-cfg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
on_event(const struct x2k_event *ev, void *opaque)
{
    (void)opaque;
    if (ev->kind == X2K_EVENT_WARNING && (!ev->text || !ev->id))
        abort();
}

/* Feed every string of V to the disk and vif parsers. */
static void
specs(const struct x2k_xlval *v)
{
    struct x2k_error err = X2K_ERROR_INIT;
    size_t i;

    if (v->kind == X2K_XLVAL_LIST) {
        for (i = 0; i < v->n; i++)
            specs(&v->items[i]);
        return;
    }
    if (v->kind == X2K_XLVAL_STRING) {
        struct x2k_xldisk d;
        struct x2k_xlvif f;

        if (x2k_xldisk_parse(v->s, &d, &err) == 0) {
            if (!d.vdev || !*d.vdev)
                abort();
            x2k_xldisk_clear(&d);
        } else if (!err.msg) {
            abort();
        }
        x2k_error_clear(&err);
        if (x2k_xlvif_parse(v->s, &f, &err) == 0)
            x2k_xlvif_clear(&f);
        x2k_error_clear(&err);
    }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct x2k_error err = X2K_ERROR_INIT;
    struct x2k_reporter r;
    struct x2k_xlcfg *cfg;
    size_t i;
    int xm;

    x2k_reporter_init(&r, on_event, NULL);
    if (size > 0 && memchr(data, 0, size) == NULL) {
        char *text = strndup((const char *)data, size);
        int sx;

        for (sx = 0; sx < 2; sx++) {
            char *c = x2k_xl_running_to_cfg(text, sx, "orphan", &err);

            /* What it writes must be a configuration xl-cfg.c reads. */
            if (c) {
                cfg = x2k_xlcfg_parse(c, strlen(c), "gen.cfg", &err);
                if (!cfg)
                    abort();
                x2k_xlcfg_free(cfg);
                free(c);
            }
            x2k_error_clear(&err);
        }
        free(text);
    }
    cfg = x2k_xlcfg_parse((const char *)data, size, "fuzz.cfg", &err);
    if (!cfg) {
        if (err.code != X2K_ERR_INVALID || !err.msg ||
            strncmp(err.msg, "fuzz.cfg:", 9) != 0)
            abort();
        x2k_error_clear(&err);
        return 0;
    }
    for (i = 0; i < cfg->n; i++)
        specs(&cfg->ents[i].val);
    for (xm = 0; xm < 2; xm++) {
        char *xml = x2k_xlcfg_to_xml(cfg, xm, &r, &err);

        if (xml) {
            xmlDocPtr doc = x2k_xml_parse(xml, strlen(xml), X2K_XML_DOMAIN,
                                          NULL);

            if (!doc)
                abort();
            xmlFreeDoc(doc);
            free(xml);
        } else if (!err.msg) {
            abort();
        }
        x2k_error_clear(&err);
    }
    x2k_xlcfg_free(cfg);
    return 0;
}

/* The source ops table: one implementation per kind of Xen host (the
 * libvirt one in source.c, xl/xm over SSH in xl-source.c).  source.h's
 * x2k_source_* functions dispatch through it; nothing outside
 * core/source sees it.
 */
#ifndef X2K_SOURCE_INTERNAL_H
#define X2K_SOURCE_INTERNAL_H

#include "source/source.h"

struct x2k_source_ops {
    void (*free)(struct x2k_source *s);
    int (*list)(struct x2k_source *s, struct x2k_source_dom **doms,
                size_t *n, struct x2k_error *err);
    char *(*dumpxml)(struct x2k_source *s, const char *name,
                     struct x2k_reporter *r, struct x2k_error *err);
    int (*state)(struct x2k_source *s, const char *name,
                 enum x2k_domstate *state, struct x2k_error *err);
    int (*shutdown)(struct x2k_source *s, const char *name, int timeout_s,
                    bool force_off, struct x2k_reporter *r,
                    struct x2k_error *err);
};

struct x2k_source {
    const struct x2k_source_ops *ops;
    char *uri;                      /* for messages */
    void *priv;                     /* the implementation's */
};

/* Sort DOMS as virsh list --all does (active by id, then by name). */
void x2k_source_sort(struct x2k_source_dom *doms, size_t n);

#endif /* X2K_SOURCE_INTERNAL_H */

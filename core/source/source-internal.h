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

/* A JSON document as a tree (xl-running.c's bounded reader): NULL when
 * TEXT is not one JSON value.  Members and items are borrowed from the
 * tree; atoms are strings, numbers and booleans as written, null is
 * NULL. */
struct x2k_jnode;
struct x2k_jnode *x2k_jnode_parse(const char *text);
void x2k_jnode_free(struct x2k_jnode *n);
const struct x2k_jnode *x2k_jnode_member(const struct x2k_jnode *n,
                                         const char *key);
const char *x2k_jnode_atom(const struct x2k_jnode *n);
size_t x2k_jnode_len(const struct x2k_jnode *n);    /* 0 unless a list */
const struct x2k_jnode *x2k_jnode_item(const struct x2k_jnode *n,
                                       size_t i);

#endif /* X2K_SOURCE_INTERNAL_H */

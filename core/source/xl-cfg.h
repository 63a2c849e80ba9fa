/* Xen guest configuration files, as xl.cfg(5) and the older xm (Python
 * syntax) describe them: the parser (xl-cfg.c), the disk and vif
 * specification parsers (xl-spec.c, xl-disk-configuration(5)) and the
 * conversion to a libvirt Xen domain XML (xl-xml.c).  Pure functions of
 * their input; any thread.
 */
#ifndef X2K_XL_CFG_H
#define X2K_XL_CFG_H

#include <stdbool.h>
#include <stddef.h>

#include "base/error.h"
#include "base/event.h"

enum x2k_xlval_kind {
    X2K_XLVAL_STRING,               /* "..." or '...' (escapes done) */
    X2K_XLVAL_NUMBER,               /* text as written: 512, 0x10, -3 */
    X2K_XLVAL_LIST,                 /* [ ... ] or ( ... ) */
};

struct x2k_xlval {
    enum x2k_xlval_kind kind;
    char *s;                        /* STRING, NUMBER */
    struct x2k_xlval *items;        /* LIST */
    size_t n;
    unsigned line, col;             /* where it starts, 1-based */
};

struct x2k_xlent {
    char *key;
    struct x2k_xlval val;
    unsigned line, col;
};

struct x2k_xlcfg {
    char *file;                     /* as given, for messages */
    struct x2k_xlent *ents;         /* in file order; a key may repeat */
    size_t n;
};

/* Parse TEXT (LEN bytes) read from FILE (for messages only).  A syntax
 * error is X2K_ERR_INVALID with a message naming FILE, line and column.
 * KEY += VALUE appends to a list (or string) given before. */
struct x2k_xlcfg *x2k_xlcfg_parse(const char *text, size_t len,
                                  const char *file, struct x2k_error *err)
    X2K_NONNULL(1, 3);
void x2k_xlcfg_free(struct x2k_xlcfg *cfg);
X2K_DEFINE_AUTO(x2k_xlcfg, x2k_xlcfg_free)

/* Read and parse FILE. */
struct x2k_xlcfg *x2k_xlcfg_read_file(const char *file,
                                      struct x2k_error *err) X2K_NONNULL(1);

/* The last value given for KEY, or NULL. */
const struct x2k_xlval *x2k_xlcfg_get(const struct x2k_xlcfg *cfg,
                                      const char *key) X2K_NONNULL(1, 2);

/* A disk of xl-disk-configuration(5), positional or key=value. */
struct x2k_xldisk {
    char *target;                   /* path; NULL for an empty CD-ROM */
    char *format;                   /* raw, qcow, qcow2, vhd, qed, empty */
    char *vdev;                     /* xvda, hdc, sda... */
    char *backendtype;              /* phy, qdisk, tap, or NULL */
    char *prefix;                   /* the deprecated prefix: phy, file,
                                       tap, tap2 (NULL if none) */
    bool readonly;
    bool cdrom;
};

/* Parse SPEC.  X2K_ERR_INVALID naming the problem. */
int x2k_xldisk_parse(const char *spec, struct x2k_xldisk *d,
                     struct x2k_error *err) X2K_NONNULL(1, 2);
void x2k_xldisk_clear(struct x2k_xldisk *d);

/* A vif of xl-network-configuration(5): comma-separated KEY=VALUE. */
struct x2k_xlvif {
    char *mac, *bridge, *model, *type, *ip, *script, *vifname, *rate;
    char *unknown;                  /* the first key not known, or NULL */
};

int x2k_xlvif_parse(const char *spec, struct x2k_xlvif *v,
                    struct x2k_error *err) X2K_NONNULL(1, 2);
void x2k_xlvif_clear(struct x2k_xlvif *v);

/* The libvirt Xen domain XML for CFG, as libvirt's
 * `virsh domxml-from-native xen-xl' (XM: xen-xm) would describe it: the
 * same name, uuid, memory, vCPUs, OS, kernel, disks and NICs.  Keys
 * that are not known, or values that cannot be converted, are warnings
 * on R (ids xl-unknown-key, xl-bad-value); a missing name or a bad disk
 * is an error. */
char *x2k_xlcfg_to_xml(const struct x2k_xlcfg *cfg, bool xm,
                       struct x2k_reporter *r, struct x2k_error *err)
    X2K_NONNULL(1);

/* The running domain NAME as xl.cfg(5) text, from the output of
 * `xl list -l' (JSON) or, SEXPR, `xm list -l' (S-expressions): name,
 * uuid, type, memory, vCPUs, kernel, bootloader, lifecycle, disks and
 * NICs.  X2K_ERR_INVALID when the output does not describe NAME. */
char *x2k_xl_running_to_cfg(const char *text, bool sexpr, const char *name,
                            struct x2k_error *err) X2K_NONNULL(1, 3);

/* Whether CFG is written for xm rather than xl (builder = without
 * type =, or an xm-only key such as on_xend_start). */
bool x2k_xlcfg_is_xm(const struct x2k_xlcfg *cfg) X2K_NONNULL(1);

/* Read FILE and return its domain XML (x2k_xlcfg_to_xml), xm or xl as
 * x2k_xlcfg_is_xm tells. */
char *x2k_xlcfg_file_to_xml(const char *file, struct x2k_reporter *r,
                            struct x2k_error *err) X2K_NONNULL(1);

#endif /* X2K_XL_CFG_H */

/* Private to core/convert/xmlconv*.c: the parsed form of a target's
 * capabilities (xmlconv-caps.c), the state of one conversion that the
 * passes share, the tree helpers and the warning list (xmlconv-tree.c),
 * and the passes that x2k_xmlconv_convert (xmlconv.c) runs from
 * xmlconv-os.c, xmlconv-disks.c and xmlconv-devices.c.  One struct conv
 * belongs to one call, on the caller's thread.
 */
#ifndef X2K_XMLCONV_INTERNAL_H
#define X2K_XMLCONV_INTERNAL_H

#include "convert/xmlconv.h"

/* ---- Target capabilities (xmlconv-caps.c) ---------------------------- */

struct x2k_caps_guest {
    char *arch;                 /* "x86_64", "i686" */
    char *emulator;             /* the arch's emulator */
    char *kvm_emulator;         /* an emulator only for type kvm, or NULL */
    bool kvm;                   /* <domain type='kvm'/> offered */
    bool qemu;                  /* <domain type='qemu'/> offered */
    char **machines;            /* names and aliases, capabilities order */
    size_t n_machines;
};

struct x2k_caps {
    char *host_arch;
    struct x2k_caps_guest *guests;      /* hvm guests only */
    size_t n_guests;
    char *ovmf;                 /* a non-secure-boot OVMF code file */
    char *ovmf_arch;            /* the arch the domcaps were for */
    bool efi_auto;              /* <os firmware='efi'> is supported */
    bool test_domains;          /* a <domain type='test'> was listed */
    bool real_domains;          /* a <domain> of any other type was */
};

const struct x2k_caps_guest *x2k_caps_guest_for(const struct x2k_caps *caps,
                                                const char *arch);
bool x2k_caps_guest_has_machine(const struct x2k_caps_guest *g,
                                const char *machine);

/* ---- One conversion ---------------------------------------------------- */

/* What the passes of one x2k_xmlconv_convert call share.  DOC is the
 * copy being rewritten; R collects what the caller gets back. */
struct conv {
    xmlDocPtr doc;
    xmlNodePtr root;
    xmlNodePtr os;              /* NULL until xc_convert_os adds one */
    xmlNodePtr devices;
    const struct x2k_plan *plan;
    const struct x2k_xmlconv_opts *opts;
    struct x2k_xmlconv_result *r;
    const struct x2k_caps_guest *cg;    /* the target's, for ARCH */
    char *arch;
    char *machine;              /* NULL: libvirt's default */
    bool pv;
    bool windows;
    int windows_era;            /* -1 unknown, 0 before Vista, 1 since */
    bool virtio;                /* the guest can use virtio devices */
    bool uefi;
    enum x2k_disk_bus default_bus;      /* without a --disk-bus choice */
    enum x2k_nic_model default_nic;     /* without a --nic-model choice */
    bool defaults_used;         /* a device got the default */
    bool scsi;                  /* a disk is on SCSI: add a controller */
    const char *cdrom_bus;
    char **map;                 /* old,new,old,new,...,NULL */
    size_t n_map;
    bool pinning_warned;
    bool bootloader;            /* the source had <bootloader> */
    bool assembled;             /* --layout=assemble of per-partition
                                 * volumes (convert/layout.h) */
    char *bootloader_path;      /* its text, or NULL */
    char *bootloader_args;      /* <bootloader_args>, or NULL */
    bool pxe;                   /* pypxeboot: boot from the network */
    char *file_stem;            /* the name, safe as a file name */
};

/* ---- Tree helpers and warnings (xmlconv-tree.c) ------------------------ */

/* Only elements without a namespace count; N or PARENT may be NULL
 * where a function reads (get, child, is), not where it writes. */
bool xc_is_elem(xmlNodePtr n, const char *name);
xmlNodePtr xc_child(xmlNodePtr parent, const char *name);
xmlNodePtr xc_add_child(xmlNodePtr parent, const char *name);
char *xc_get_attr(xmlNodePtr n, const char *name);      /* caller frees */
bool xc_attr_is(xmlNodePtr n, const char *name, const char *value);
void xc_set_attr(xmlNodePtr n, const char *name, const char *value);
void xc_unset_attr(xmlNodePtr n, const char *name);
void xc_remove_node(xmlNodePtr n);
/* KEEP lists names and ends with NULL. */
void xc_keep_attrs(xmlNodePtr n, const char *const *keep);
void xc_keep_children(xmlNodePtr n, const char *const *keep);
void xc_remove_children_named(xmlNodePtr n, const char *name);
char *xc_get_text(xmlNodePtr n);                        /* caller frees */
void xc_set_text(xmlNodePtr n, const char *text);
/* A snapshot of PARENT's NAME children; caller frees the array. */
xmlNodePtr *xc_elems(xmlNodePtr parent, const char *name, size_t *n);
bool xc_in_list(const char *s, const char *const *list);
/* Drop a device's <address> and run-time <alias>. */
void xc_strip_device(xmlNodePtr dev);

/* Add the warning ID (stable) with a translated message, once. */
void xc_warn(struct conv *c, const char *id, const char *fmt, ...)
    X2K_PRINTF(3, 4);

/* ---- Passes of x2k_xmlconv_convert, in the order it runs them ---------- */

/* xmlconv-os.c: arch, domain type, machine, firmware, kernel files.
 * Sets ARCH, CG, MACHINE, PV, UEFI and the cdrom bus. */
void xc_convert_os(struct conv *c);
/* xmlconv-platform.c: pinning (before the OS pass). */
void xc_convert_tuning(struct conv *c);
/* xmlconv-guest.c: Windows or not, which era; the default bus and NIC
 * model. */
void xc_decide_guest_os(struct conv *c);
/* xmlconv-platform.c */
void xc_convert_features(struct conv *c);
void xc_convert_cpu(struct conv *c);
/* xmlconv-guest.c: --vcpus and --memory (after <cpu>). */
void xc_convert_hardware(struct conv *c);
/* xmlconv-platform.c */
void xc_convert_clock(struct conv *c);
void xc_convert_lifecycle(struct conv *c);
/* xmlconv-disks.c: every <disk>; fills R's disks and MAP. */
void xc_convert_disks(struct conv *c);
/* xmlconv-os.c: the kernel command line, with MAP. */
void xc_convert_cmdline(struct conv *c);
/* xmlconv-devices.c */
void xc_convert_interfaces(struct conv *c);
void xc_convert_consoles(struct conv *c);
void xc_convert_inputs_graphics(struct conv *c);
void xc_convert_other_devices(struct conv *c);
/* xmlconv-os.c: <boot dev='hd'/> unless devices carry their order. */
void xc_convert_boot_order(struct conv *c);
/* xmlconv-guest.c: the warning for the Windows defaults, if used. */
void xc_warn_windows_defaults(struct conv *c);

/* xmlconv-guest.c: the bus of the disk that was OLD_TARGET and the
 * model of the NIC with MAC, from the plan or the defaults. */
enum x2k_disk_bus xc_disk_bus_for(struct conv *c, const char *old_target);
enum x2k_nic_model xc_nic_model_for(struct conv *c, const char *mac);

/* xmlconv-disks.c: the caller's facts about the disk with SOURCE (in
 * C's opts), or NULL. */
const struct x2k_xmlconv_disk_in *xc_find_disk_in(struct conv *c,
                                                  const char *source);

#endif /* X2K_XMLCONV_INTERNAL_H */

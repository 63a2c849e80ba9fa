/* The Xen -> KVM domain XML converter.  It applies the general rules
 * for running a Xen guest under KVM: domain type kvm, no <bootloader>,
 * os type hvm with an arch and <boot dev='hd'/>, the target's
 * emulator, disks on driver qemu with a format and xvdX -> vdX on
 * virtio, NICs on virtio without <script> or run-time vif/vnet/veth
 * targets, no Xen console or serial, inputs on ps2, a virtio balloon,
 * and root=/resume= of the kernel command line on the new disk names.
 * It adds what a real migration needs (disk and NIC mapping, firmware,
 * consoles, direct kernel boot, warnings for what cannot be carried).
 * Pure: it reads only what the caller passes (the parsed source XML,
 * the plan, the target's capabilities) and does no I/O, except
 * x2k_caps_from_uri which asks a libvirt connection and
 * x2k_xmlconv_read_file.  Runs on the caller's thread; different calls
 * share nothing.
 */
#ifndef X2K_XMLCONV_H
#define X2K_XMLCONV_H

#include <libxml/tree.h>

#include "base/error.h"
#include "base/xml.h"
#include "plan/plan.h"

/* Largest domain XML accepted (bytes). */
#define X2K_XMLCONV_MAX_INPUT X2K_XML_MAX_INPUT

/* ---- Target capabilities ------------------------------------------- */

/* What the target hypervisor offers, from `virsh capabilities' and
 * optionally `virsh domcapabilities' (for the OVMF path). */
struct x2k_caps;

/* Parse capabilities XML CAPS_XML and (if not NULL) domain
 * capabilities XML DOMCAPS_XML.  NULL with ERR set on malformed XML. */
struct x2k_caps *x2k_caps_parse(const char *caps_xml,
                                const char *domcaps_xml,
                                struct x2k_error *err) X2K_NONNULL(1);

/* Ask the libvirt connection URI (read-only) for its capabilities.
 * Domain capabilities are optional (not every driver has them). */
struct x2k_caps *x2k_caps_from_uri(const char *uri, struct x2k_error *err)
    X2K_NONNULL(1);

void x2k_caps_free(struct x2k_caps *caps);
/* The capabilities of libvirt's test driver: its guests run on no
 * hypervisor, so they say nothing about what a KVM guest needs. */
bool x2k_caps_is_test_driver(const struct x2k_caps *caps);
X2K_DEFINE_AUTO(x2k_caps, x2k_caps_free)

/* ---- Converter input ----------------------------------------------- */

enum x2k_guest_os {
    X2K_GUEST_OS_UNKNOWN,       /* guess from the XML (viridian, localtime) */
    X2K_GUEST_OS_LINUX,
    X2K_GUEST_OS_WINDOWS,
};

enum x2k_disk_policy {
    X2K_DISKS_FROM_PLAN,        /* copies: output dir or pool volumes */
    X2K_DISKS_KEEP,             /* the disks are used where they are */
};

/* What the caller knows about one source disk, matched by the source
 * path of the Xen disk.  Every field but SOURCE may be NULL. */
struct x2k_xmlconv_disk_in {
    const char *source;             /* <source file|dev> on the Xen host */
    const char *detected_format;    /* real format of the source image */
    const char *new_path;           /* local file of the copy */
    const char *new_pool;           /* or a volume in this pool... */
    const char *new_volume;         /* ...with this name */
    const char *new_format;         /* format of the copy */
};

struct x2k_xmlconv_opts {
    const struct x2k_caps *caps;    /* NULL: libvirt picks emulator/machine */
    const char *domain_type;        /* "kvm"/"qemu" or NULL (from caps) */
    enum x2k_guest_os guest_os;
    int windows_major;              /* from inspection (6 = Vista/2008);
                                     * 0: from the XML's hints */
    bool virtio_drivers;            /* Windows: drivers will be installed */
    enum x2k_disk_policy disk_policy;
    const struct x2k_xmlconv_disk_in *disks;
    size_t n_disks;
    const char *boot_dir;           /* fetched kernels; NULL = default */
};

/* ---- Converter output ---------------------------------------------- */

/* One disk of the converted guest, old -> new. */
struct x2k_xmlconv_disk {
    char *device;                   /* "disk", "cdrom", "floppy" */
    char *old_target;               /* xvda */
    char *new_target;               /* vda */
    char *new_bus;                  /* virtio, sata, ide, fdc */
    char *old_source;               /* path on the Xen host, or NULL */
    bool old_block;                 /* a host block device */
    char *old_format;               /* detected, else declared, else NULL */
    char *new_path;                 /* file of the copy, or NULL */
    char *new_pool;                 /* or pool + volume */
    char *new_volume;
    char *new_format;               /* "raw", "qcow2"... */
    bool copy;                      /* the pipeline must copy it */
    bool readonly;
    bool shareable;
    int partition;                  /* --layout=assemble: this volume is
                                     * partition N of NEW_TARGET (all
                                     * volumes share its new source); 0:
                                     * a disk of its own */
};

/* A file of direct kernel boot that the pipeline must fetch. */
struct x2k_xmlconv_bootfile {
    char *kind;                     /* "kernel", "initrd", "dtb" */
    char *remote;                   /* path on the Xen host */
    char *local;                    /* path the converted XML uses */
};

/* One NIC of the converted guest. */
struct x2k_xmlconv_nic {
    char *mac;                      /* or NULL */
    char *old_model;                /* the source's model, or NULL */
    char *new_model;                /* virtio, e1000, rtl8139 */
};

struct x2k_xmlconv_warning {
    char *id;                       /* stable: "pci-passthrough"... */
    char *msg;                      /* translated sentence */
};

struct x2k_xmlconv_result {
    char *xml;                      /* the KVM domain XML */
    char *name;                     /* the new domain's name */
    char *domain_type;              /* "kvm" or "qemu" */
    bool was_pv;                    /* the source was paravirtualised */
    bool windows;                   /* converted as a Windows guest */
    struct x2k_xmlconv_disk *disks;
    size_t n_disks;
    struct x2k_xmlconv_nic *nics;
    size_t n_nics;
    struct x2k_xmlconv_bootfile *boot_files;
    size_t n_boot_files;
    struct x2k_xmlconv_warning *warnings;
    size_t n_warnings;
    /* root= that the Xen command line gave a guest which boots through
     * its own bootloader (pygrub's extra arguments), on the new disk
     * names: the guest fixes put it into the bootloader configuration.
     * NULL if none. */
    char *root_override;
};

/* Parse domain XML with x2k_xml_parse (X2K_XML_DOMAIN). */
xmlDocPtr x2k_xmlconv_parse(const char *xml, size_t len,
                            struct x2k_error *err) X2K_NONNULL(1);

/* Convert SRC (not modified) for PLAN.  OPTS may be NULL (defaults:
 * no caps, guess the OS, disks from the plan).  NULL with ERR set when
 * SRC is not a domain that can be converted. */
struct x2k_xmlconv_result *
x2k_xmlconv_convert(const xmlDoc *src, const struct x2k_plan *plan,
                    const struct x2k_xmlconv_opts *opts,
                    struct x2k_error *err) X2K_NONNULL(1, 2);

/* For `virt-v2v -i libvirtxml' (the virt-v2v engine with local
 * copies): SRC as it is, except that each disk found in DISKS (by
 * source) becomes a file disk on its NEW_PATH with driver type
 * NEW_FORMAT.  Caller frees; NULL with ERR set if SRC is no domain. */
char *x2k_xmlconv_local_sources(const xmlDoc *src,
                                const struct x2k_xmlconv_disk_in *disks,
                                size_t n_disks, struct x2k_error *err)
    X2K_NONNULL(1);

/* Parse then convert. */
struct x2k_xmlconv_result *
x2k_xmlconv_convert_string(const char *xml, size_t len,
                           const struct x2k_plan *plan,
                           const struct x2k_xmlconv_opts *opts,
                           struct x2k_error *err) X2K_NONNULL(1, 3);

/* Read the domain XML file PATH (at most X2K_XMLCONV_MAX_INPUT bytes)
 * for x2k_xmlconv_convert_string.  *LEN gets its length.  Caller
 * frees. */
char *x2k_xmlconv_read_file(const char *path, size_t *len,
                            struct x2k_error *err) X2K_NONNULL(1, 2);

void x2k_xmlconv_result_free(struct x2k_xmlconv_result *r);
X2K_DEFINE_AUTO(x2k_xmlconv_result, x2k_xmlconv_result_free)

/* Rewrite a Linux kernel command line for KVM: root=/resume=/... on
 * /dev/<old> use the new disk names of MAP (pairs old,new,...,NULL;
 * a Xen disk xvdX that MAP lacks becomes vdX),
 * console=xvc0|hvc0 -> ttyS0, Xen-only parameters dropped.  Caller
 * frees. */
char *x2k_xmlconv_cmdline(const char *cmdline, const char *const *map)
    X2K_NONNULL(1);

/* "xvdb" -> index 1; -1 when NAME is not a disk name (hd, sd, xvd, vd
 * followed by letters). */
int x2k_xmlconv_disk_index(const char *name, const char **prefix_end);

/* Index 0 -> "a", 25 -> "z", 26 -> "aa" appended to PREFIX.  Caller
 * frees. */
char *x2k_xmlconv_disk_name(const char *prefix, int index) X2K_NONNULL(1);

#endif /* X2K_XMLCONV_H */

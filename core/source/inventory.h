/* The inventory of one guest: every disk and NIC from its domain XML,
 * then real facts about each disk read on the Xen host over SSH (or
 * locally): size, allocation, the real image format from its header,
 * readability.  Any <disk type='block'> turns block-device mode on
 * (such disks cannot be read as files through libvirt's volume
 * API; they are streamed over SSH instead).  Read-only towards the source: the probes only
 * stat, ioctl and read the first bytes.  Caller's thread.
 */
#ifndef X2K_INVENTORY_H
#define X2K_INVENTORY_H

#include <stdint.h>

#include "base/error.h"
#include "ssh/ssh.h"

enum x2k_disk_type {
    X2K_DISK_FILE,
    X2K_DISK_BLOCK,
    X2K_DISK_VOLUME,
    X2K_DISK_NETWORK,
    X2K_DISK_OTHER,
};

enum x2k_disk_device {
    X2K_DEV_DISK,
    X2K_DEV_CDROM,
    X2K_DEV_FLOPPY,
    X2K_DEV_LUN,
};

/* Header bytes read from each disk (the vdi signature is at 64). */
#define X2K_HEADER_BYTES 72

struct x2k_disk {
    /* From the XML. */
    enum x2k_disk_type type;
    enum x2k_disk_device device;
    char *path;                     /* file or dev; NULL if none */
    char *pool, *volume;            /* type volume */
    char *protocol, *net_name;      /* type network */
    char *target_dev;               /* "xvda" */
    char *bus;                      /* "xen", "ide"; NULL if none */
    char *driver_name;              /* "file", "tap", "qemu" or NULL */
    char *declared_format;          /* driver type="raw"/"qcow2"/"aio" or NULL */
    bool readonly;
    /* Facts (after x2k_inventory_probe). */
    bool probed;
    bool exists;
    bool readable;
    bool is_block;                  /* the path is a block device */
    uint64_t size;                  /* virtual size of the data, bytes */
    uint64_t allocated;             /* bytes used on the host (files) */
    char *real_format;              /* what it is copied as: "raw" when
                                     * declared raw, else the verified
                                     * header's format; NULL if unknown */
    char *header_format;            /* what its first bytes look like */
    bool has_backing;               /* a qcow2 header names a backing file */
    char *probe_error;              /* translated sentence, or NULL */
};

struct x2k_nic {
    char *type;                     /* "bridge", "network", "ethernet"... */
    char *mac;
    char *source;                   /* bridge or network name, or NULL */
    char *model;                    /* NULL if none */
};

struct x2k_inventory {
    char *name;
    char *domain_type;              /* "xen" */
    char *os_type;                  /* "linux" (PV) or "hvm" */
    char *arch;
    bool pv;
    uint64_t memory_kib;
    unsigned vcpus;
    struct x2k_disk *disks;
    size_t n_disks;
    struct x2k_nic *nics;
    size_t n_nics;
    bool block_device;              /* some disk is type block */
    bool demo;                      /* set by the caller for a demo plan:
                                     * only then do demo paths stand for
                                     * the cache's images */
    char *block_reason;             /* translated, or NULL */
    bool has_network_disks;
};

/* Parse domain XML.  NULL with X2K_ERR_XML. */
struct x2k_inventory *x2k_inventory_from_xml(const char *xml,
                                             struct x2k_error *err)
    X2K_NONNULL(1);
void x2k_inventory_free(struct x2k_inventory *inv);
X2K_DEFINE_AUTO(x2k_inventory, x2k_inventory_free)

/* Whether DISK's data is copied (a disk or LUN of type file/block). */
bool x2k_disk_is_copied(const struct x2k_disk *d) X2K_NONNULL(1);

/* Probe every file/block disk: over S (one remote command for all
 * disks), or on this machine when S is NULL.  Per-disk problems are
 * recorded in the disk (readable false, probe_error); -1 only when the
 * probe itself could not run. */
int x2k_inventory_probe(struct x2k_inventory *inv, struct x2k_ssh *s,
                        struct x2k_error *err) X2K_NONNULL(1);

/* Sum of the sizes of the copied disks (after probing). */
uint64_t x2k_inventory_copy_size(const struct x2k_inventory *inv)
    X2K_NONNULL(1);

/* Untranslated names: "file", "block"...; "disk", "cdrom"... */
const char *x2k_disk_type_name(enum x2k_disk_type t);
const char *x2k_disk_device_name(enum x2k_disk_device d);

/* The format the first bytes P (N of them, X2K_HEADER_BYTES for vdi) of
 * an image look like: "qcow2", "qcow" (version 1), "vmdk", "vpc",
 * "vhdx", "qed", "vdi", else "raw".  Never applied to a declared raw
 * disk: it only says what such a disk's bytes look like. */
const char *x2k_image_format_from_magic(const unsigned char *p, size_t n);

/* Is FMT, a disk's declared format, raw: "raw", or none (libvirt's
 * default), or Xen's "aio" and "file"?  Such a disk is copied as raw. */
bool x2k_format_declared_raw(const char *fmt);

#endif /* X2K_INVENTORY_H */

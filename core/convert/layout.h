/* Disk layouts of per-partition volumes (xen-tools guests): whether a
 * guest's Xen disks are partitions of one disk (xvda1 + xvda2, no whole
 * xvda), the geometry of the one new disk they are assembled into (an
 * MBR partition table, partition N <-> xvdaN at a 1 MiB boundary), its
 * partition table sector, and the device names the guest sees after.
 * Pure computation: no I/O.
 */
#ifndef X2K_LAYOUT_H
#define X2K_LAYOUT_H

#include <stdint.h>

#include "base/error.h"
#include "plan/plan.h"

#define X2K_LAYOUT_ALIGN (1024 * 1024)  /* partition starts, disk end */
#define X2K_LAYOUT_SECTOR 512
#define X2K_LAYOUT_MAX_PARTS 4          /* MBR primary partitions */
#define X2K_LAYOUT_DISK_MAX 16          /* "xvda", "sdb", with the NUL */

/* One per-partition volume of the source. */
struct x2k_layout_volume {
    const char *target;         /* the Xen target dev: "xvda2" */
    uint64_t size;              /* bytes */
    bool swap;                  /* MBR type 0x82 instead of 0x83 */
};

/* Where volume VOLUME lands in the new disk. */
struct x2k_layout_part {
    int number;                 /* 1..4, the N of xvdaN */
    size_t volume;              /* index in the volumes given */
    uint64_t offset;            /* bytes from the start of the new disk */
    uint64_t size;              /* bytes: the volume's, in whole sectors */
    bool swap;
};

struct x2k_layout_geometry {
    char disk[X2K_LAYOUT_DISK_MAX];     /* the Xen disk: "xvda" */
    size_t n;
    struct x2k_layout_part parts[X2K_LAYOUT_MAX_PARTS]; /* by offset */
    uint64_t disk_size;         /* bytes, a multiple of X2K_LAYOUT_ALIGN */
};

/* If TARGET is a partition of a Xen disk ("xvda2", "sdb1", "hda3"),
 * copy the disk's name into DISK and return N (>= 1); else 0. */
int x2k_layout_partition_of(const char *target,
                            char disk[X2K_LAYOUT_DISK_MAX]) X2K_NONNULL(1, 2);

/* Are the N TARGETS all partitions (numbers 1..4, distinct) of one Xen
 * disk, with no whole disk among them? */
bool x2k_layout_assemblable(const char *const *targets, size_t n);

/* The layout to use: WANT unless it is X2K_LAYOUT_AUTO, which is
 * assemble for assemblable TARGETS and keep otherwise. */
enum x2k_layout x2k_layout_resolve(enum x2k_layout want,
                                   const char *const *targets, size_t n);

/* The new disk for N volumes.  -1 with ERR (X2K_ERR_INVALID, says what
 * to do) when they cannot be assembled: not partitions of one disk, a
 * number above 4, a volume of 0 bytes, or a disk over the 2 TiB MBR
 * limit. */
int x2k_layout_compute(const struct x2k_layout_volume *vols, size_t n,
                       struct x2k_layout_geometry *geo,
                       struct x2k_error *err) X2K_NONNULL(3);

/* The MBR of GEO into SECTOR: no boot code (the bootloader is installed
 * later), disk SIGNATURE, one primary entry per partition at slot N,
 * LBA addressing (CHS fields marked as beyond 1024 cylinders), 0x55AA. */
void x2k_layout_mbr(const struct x2k_layout_geometry *geo,
                    uint32_t signature,
                    uint8_t sector[X2K_LAYOUT_SECTOR]) X2K_NONNULL(1, 3);

/* The device name a guest path gets on the assembled disk NEW_DISK
 * ("vda"): "/dev/xvda2" -> "/dev/vda2", "xvda1" -> "vda1".  NULL when
 * PATH names no partition of GEO's disk ("/dev/xvdb", "/dev/xvda22"
 * with no such partition).  Caller frees. */
char *x2k_layout_map_device(const struct x2k_layout_geometry *geo,
                            const char *path,
                            const char *new_disk) X2K_NONNULL(1, 2, 3);

#endif

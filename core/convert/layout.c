/* Layouts of per-partition volumes: recognising xen-tools' "one volume
 * per partition" disks, the geometry and MBR of the one disk they are
 * assembled into, and the device names inside the guest afterwards.
 * See layout.h; pure computation, no I/O, callable from any thread.
 */
#include <config.h>

#include <ctype.h>
#include <string.h>

#include "base/i18n.h"
#include "base/util.h"
#include "convert/layout.h"

#define MBR_MAX_SECTORS 0xffffffffULL

int
x2k_layout_partition_of(const char *target, char disk[X2K_LAYOUT_DISK_MAX])
{
    static const char *const prefixes[] = { "xvd", "sd", "hd", "vd" };
    size_t i, p, l, d;
    long n = 0;

    disk[0] = '\0';
    for (i = 0; i < X2K_N_ELEMENTS(prefixes); i++) {
        p = strlen(prefixes[i]);
        if (strncmp(target, prefixes[i], p) == 0)
            break;
    }
    if (i == X2K_N_ELEMENTS(prefixes))
        return 0;
    for (l = p; target[l] >= 'a' && target[l] <= 'z'; l++)
        ;
    /* The disk letters, then a number without a leading zero. */
    if (l == p || l >= X2K_LAYOUT_DISK_MAX || target[l] < '1' ||
        target[l] > '9')
        return 0;
    for (d = l; isdigit((unsigned char)target[d]); d++) {
        n = n * 10 + (target[d] - '0');
        if (n > 255)
            return 0;
    }
    if (target[d] != '\0')
        return 0;
    memcpy(disk, target, l);
    disk[l] = '\0';
    return (int)n;
}

bool
x2k_layout_assemblable(const char *const *targets, size_t n)
{
    char first[X2K_LAYOUT_DISK_MAX], disk[X2K_LAYOUT_DISK_MAX];
    bool seen[X2K_LAYOUT_MAX_PARTS + 1] = { false };
    size_t i;
    int num;

    if (n == 0 || n > X2K_LAYOUT_MAX_PARTS)
        return false;
    for (i = 0; i < n; i++) {
        if (!targets[i])
            return false;
        num = x2k_layout_partition_of(targets[i], i ? disk : first);
        if (num < 1 || num > X2K_LAYOUT_MAX_PARTS || seen[num])
            return false;
        if (i && strcmp(disk, first) != 0)
            return false;
        seen[num] = true;
    }
    return true;
}

enum x2k_layout
x2k_layout_resolve(enum x2k_layout want, const char *const *targets,
                   size_t n)
{
    if (want != X2K_LAYOUT_AUTO)
        return want;
    return x2k_layout_assemblable(targets, n) ? X2K_LAYOUT_ASSEMBLE
                                              : X2K_LAYOUT_KEEP;
}

static uint64_t
align_up(uint64_t v, uint64_t a)
{
    return (v + a - 1) / a * a;
}

int
x2k_layout_compute(const struct x2k_layout_volume *vols, size_t n,
                   struct x2k_layout_geometry *geo, struct x2k_error *err)
{
    const char *targets[X2K_LAYOUT_MAX_PARTS];
    char disk[X2K_LAYOUT_DISK_MAX];
    uint64_t off = X2K_LAYOUT_ALIGN;
    size_t i, k;
    int num;

    memset(geo, 0, sizeof *geo);
    for (i = 0; i < n && i < X2K_LAYOUT_MAX_PARTS; i++)
        targets[i] = vols[i].target;
    if (!x2k_layout_assemblable(targets, n)) {
        x2k_error_set(err, X2K_ERR_INVALID,
                      _("The disks of this guest are not partitions 1 to 4 of one Xen disk (such as xvda1 and xvda2 without xvda), so they cannot be assembled into one disk: use --layout=keep."));
        return -1;
    }
    /* Partitions in the order of their numbers: partition N is the
     * N-th entry of the table and the N-th from the disk's start. */
    for (num = 1; num <= X2K_LAYOUT_MAX_PARTS; num++) {
        for (i = 0; i < n; i++) {
            struct x2k_layout_part *p;

            if (x2k_layout_partition_of(vols[i].target, disk) != num)
                continue;
            if (vols[i].size == 0) {
                x2k_error_set(err, X2K_ERR_INVALID,
                              _("Volume %1$s of this guest has no size, so no partition can be made for it: check that the volume can be read on the Xen host, or use --layout=keep."),
                              vols[i].target);
                return -1;
            }
            k = geo->n++;
            p = &geo->parts[k];
            p->number = num;
            p->volume = i;
            p->offset = off;
            p->size = align_up(vols[i].size, X2K_LAYOUT_SECTOR);
            p->swap = vols[i].swap;
            if (p->size / X2K_LAYOUT_SECTOR >
                MBR_MAX_SECTORS - p->offset / X2K_LAYOUT_SECTOR) {
                x2k_error_set(err, X2K_ERR_INVALID,
                              _("The assembled disk would be larger than the 2 TiB an MBR partition table can address (volume %1$s ends beyond it): use --layout=keep."),
                              vols[i].target);
                return -1;
            }
            off = align_up(p->offset + p->size, X2K_LAYOUT_ALIGN);
        }
    }
    x2k_layout_partition_of(vols[0].target, geo->disk);
    geo->disk_size = off;
    return 0;
}

static void
put_le32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

void
x2k_layout_mbr(const struct x2k_layout_geometry *geo, uint32_t signature,
               uint8_t sector[X2K_LAYOUT_SECTOR])
{
    size_t i;

    memset(sector, 0, X2K_LAYOUT_SECTOR);
    put_le32(sector + 440, signature);
    for (i = 0; i < geo->n; i++) {
        const struct x2k_layout_part *p = &geo->parts[i];
        uint8_t *e = sector + 446 + 16 * (p->number - 1);

        e[0] = 0x00;                    /* not active: GRUB needs none */
        /* CHS beyond 1024 cylinders: every reader uses the LBA. */
        e[1] = 0xfe;
        e[2] = 0xff;
        e[3] = 0xff;
        e[4] = p->swap ? 0x82 : 0x83;
        e[5] = 0xfe;
        e[6] = 0xff;
        e[7] = 0xff;
        put_le32(e + 8, (uint32_t)(p->offset / X2K_LAYOUT_SECTOR));
        put_le32(e + 12, (uint32_t)(p->size / X2K_LAYOUT_SECTOR));
    }
    sector[510] = 0x55;
    sector[511] = 0xaa;
}

char *
x2k_layout_map_device(const struct x2k_layout_geometry *geo,
                      const char *path, const char *new_disk)
{
    char disk[X2K_LAYOUT_DISK_MAX];
    const char *name = path;
    size_t i;
    int num;

    if (x2k_str_has_prefix(path, "/dev/"))
        name = path + 5;
    num = x2k_layout_partition_of(name, disk);
    if (num < 1 || strcmp(disk, geo->disk) != 0)
        return NULL;
    for (i = 0; i < geo->n; i++) {
        if (geo->parts[i].number == num)
            return x2k_strdup_printf("%.*s%s%d", (int)(name - path), path,
                                     new_disk, num);
    }
    return NULL;
}

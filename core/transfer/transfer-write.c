/* The writers: a sparse local file (holes for zeros, early writeback,
 * durable checkpoints for the journal) and a libvirt storage volume
 * upload (a sparse stream; cannot be made durable midway).  A writer
 * belongs to one transfer worker thread.
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <linux/falloc.h>
#include <inttypes.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <libvirt/virterror.h>

#include "base/i18n.h"
#include "base/log.h"
#include "base/xml.h"
#include "transfer/transfer-internal.h"

/* ---- Writer: a sparse local file. ---- */

#define KICK_BYTES (32 * 1024 * 1024)   /* start writeback this often */
#define DROP_LAG (128 * 1024 * 1024)    /* cached behind the write front */

struct file_writer {
    struct tx_writer w;
    int fd;
    char *path;
    uint64_t base;              /* where the disk starts in the file */
    uint64_t size;              /* base + the disk's size */
    uint64_t kick_from;         /* written, writeback not started */
    uint64_t drop_from;         /* writeback started, still cached */
    uint64_t high;              /* highest written end */
};

/* Set ERR to the no-space error for what is left from OFF. */
static int
file_nospace(struct file_writer *f, uint64_t off, struct x2k_error *err)
{
    struct statvfs sv;
    uint64_t need = f->size > off ? f->size - off : 0;
    uint64_t avail = 0;

    if (fstatvfs(f->fd, &sv) == 0)
        avail = (uint64_t)sv.f_bavail * sv.f_frsize;
    x2k_error_set_errno(err, X2K_ERR_NOSPACE, ENOSPC,
                        _("No space left for '%1$s': up to %2$llu more bytes (%3$.1f MiB) are needed, %4$llu bytes are free."),
                        f->path,
                        (unsigned long long)(need > avail ? need - avail : need),
                        (double)(need > avail ? need - avail : need) / 1048576.0,
                        (unsigned long long)avail);
    return -1;
}

/* Write LEN bytes at OFF, starting writeback behind the front. */
static int
file_write(struct tx_writer *w, const void *buf, size_t len, uint64_t off,
           struct x2k_error *err)
{
    struct file_writer *f = (struct file_writer *)w;
    size_t done = 0;
    ssize_t n;

    off += f->base;
    while (done < len) {
        n = pwrite(f->fd, (const char *)buf + done, len - done, off + done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == ENOSPC || errno == EDQUOT))
            return file_nospace(f, off + done, err);
        if (n < 0) {
            x2k_error_set_errno(err, X2K_ERR_IO, errno,
                                _("Cannot write '%1$s'."), f->path);
            return -1;
        }
        done += n;
    }
    if (off + len > f->high)
        f->high = off + len;
    /* Start writeback early so that checkpoints find little to flush,
     * and drop what is on disk from the page cache: a disk image must
     * not evict the host's cache, and recycled pages are cheaper to
     * fill than fresh ones. */
    if (f->high - f->kick_from >= KICK_BYTES) {
        if (f->kick_from - f->drop_from >= DROP_LAG) {
            uint64_t end = f->kick_from - DROP_LAG / 2;

            sync_file_range(f->fd, f->drop_from, end - f->drop_from,
                            SYNC_FILE_RANGE_WAIT_BEFORE |
                            SYNC_FILE_RANGE_WRITE |
                            SYNC_FILE_RANGE_WAIT_AFTER);
            posix_fadvise(f->fd, f->drop_from, end - f->drop_from,
                          POSIX_FADV_DONTNEED);
            f->drop_from = end;
        }
        sync_file_range(f->fd, f->kick_from, f->high - f->kick_from,
                        SYNC_FILE_RANGE_WRITE);
        f->kick_from = f->high;
    }
    return 0;
}

/* Zeros need no write: the file holds holes there. */
static int
file_zero(struct tx_writer *w, uint64_t off, uint64_t len,
          struct x2k_error *err)
{
    /* The file was truncated at the resume offset and nothing was
     * written past it: zeros are holes (or preallocated) already. */
    return 0;
}

/* Make everything up to DONE durable. */
static int
file_sync(struct tx_writer *w, uint64_t done, struct x2k_error *err)
{
    struct file_writer *f = (struct file_writer *)w;
    struct stat st;

    if (fstat(f->fd, &st) == 0 && (uint64_t)st.st_size < done &&
        ftruncate(f->fd, done) < 0) {
        x2k_error_set_errno(err, X2K_ERR_IO, errno,
                            _("Cannot write '%1$s'."), f->path);
        return -1;
    }
    if (fdatasync(f->fd) < 0) {
        if (errno == ENOSPC)
            return file_nospace(f, done, err);
        x2k_error_set_errno(err, X2K_ERR_IO, errno,
                            _("Cannot write '%1$s'."), f->path);
        return -1;
    }
    return 0;
}

/* Set the final size and make the file durable. */
static int
file_finish(struct tx_writer *w, uint64_t size, struct x2k_error *err)
{
    struct file_writer *f = (struct file_writer *)w;

    if (ftruncate(f->fd, size) < 0 || fsync(f->fd) < 0) {
        if (errno == ENOSPC)
            return file_nospace(f, size, err);
        x2k_error_set_errno(err, X2K_ERR_IO, errno,
                            _("Cannot write '%1$s'."), f->path);
        return -1;
    }
    return 0;
}

/* Close the file. */
static void
file_close(struct tx_writer *w, bool abort)
{
    struct file_writer *f = (struct file_writer *)w;

    if (!f)
        return;
    close(f->fd);
    free(f->path);
    free(f);
}

static const struct tx_writer_ops file_ops = {
    .name = "file",
    .write = file_write,
    .zero = file_zero,
    .sync = file_sync,
    .finish = file_finish,
    .close = file_close,
};

/* Open PATH for writing from OFFSET on. */
struct tx_writer *
tx_file_writer_new(const char *path, uint64_t offset, uint64_t size,
                   bool prealloc, struct x2k_reporter *rep,
                   struct x2k_error *err)
{
    struct file_writer *f;
    int fd, r;

    /* A fresh copy is a new private file: what was there (a copy that
     * restarts, or what preflight let --overwrite replace) is unlinked,
     * never truncated, so that a hard link keeps its data.  A resume
     * reopens the copy, never through a symbolic link. */
    if (offset) {
        fd = open(path, O_WRONLY | O_NOFOLLOW | O_CLOEXEC);
    } else {
        fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
                        O_CLOEXEC, 0600);
        if (fd < 0 && errno == EEXIST && unlink(path) == 0)
            fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
                            O_CLOEXEC, 0600);
    }
    if (fd < 0) {
        x2k_error_set_errno(err, X2K_ERR_IO, errno,
                            _("Cannot create '%1$s'."), path);
        return NULL;
    }
    f = x2k_xcalloc(1, sizeof *f);
    f->w.ops = &file_ops;
    f->fd = fd;
    f->path = x2k_xstrdup(path);
    f->size = size;
    f->kick_from = f->drop_from = f->high = offset;
    /* Whatever lies past the durable offset may be torn: drop it. */
    if (ftruncate(fd, offset) < 0) {
        x2k_error_set_errno(err, X2K_ERR_IO, errno,
                            _("Cannot write '%1$s'."), path);
        file_close(&f->w, true);
        return NULL;
    }
    if (prealloc && size > offset) {
        r = posix_fallocate(fd, offset, size - offset);
        if (r == ENOSPC) {
            file_nospace(f, offset, err);
            file_close(&f->w, true);
            return NULL;
        }
        if (r != 0 && r != EOPNOTSUPP && r != EINVAL)
            x2k_report_warning_id(rep, "no-preallocation",
                               _("Space for '%1$s' could not be reserved in advance, so it is written without preallocation: %2$s"),
                               path, strerror(r));
    }
    return &f->w;
}

/* ---- Writer: a partition of an assembled disk (layout assemble). ---- */

/* Make everything written durable; the file keeps its size. */
static int
part_sync(struct tx_writer *w, uint64_t done, struct x2k_error *err)
{
    struct file_writer *f = (struct file_writer *)w;

    if (fdatasync(f->fd) < 0) {
        if (errno == ENOSPC)
            return file_nospace(f, f->base + done, err);
        x2k_error_set_errno(err, X2K_ERR_IO, errno,
                            _("Cannot write '%1$s'."), f->path);
        return -1;
    }
    return 0;
}

static int
part_finish(struct tx_writer *w, uint64_t size, struct x2k_error *err)
{
    return part_sync(w, size, err);
}

static const struct tx_writer_ops part_ops = {
    .name = "partition",
    .write = file_write,
    .zero = file_zero,
    .sync = part_sync,
    .finish = part_finish,
    .close = file_close,
};

/* Open the assembled disk PATH (made by the caller, at its final size)
 * to write a disk of SIZE bytes at BASE, from the disk's OFFSET on.
 * What lies in the partition past OFFSET may be torn: it becomes a
 * hole again, so that zeros need no write. */
struct tx_writer *
tx_part_writer_new(const char *path, uint64_t base, uint64_t offset,
                   uint64_t size, struct x2k_error *err)
{
    struct file_writer *f;
    struct stat st;
    int fd;

    fd = open(path, O_WRONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) {
        x2k_error_set_errno(err, X2K_ERR_IO, errno,
                            _("Cannot open '%1$s'."), path);
        return NULL;
    }
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) ||
        (uint64_t)st.st_size < base + size) {
        x2k_error_set(err, X2K_ERR_INVALID,
                      _("'%1$s' is not an assembled disk of at least %2$llu bytes, so the volume cannot be written into its partition at byte %3$llu: remove it and run again."),
                      path, (unsigned long long)(base + size),
                      (unsigned long long)base);
        close(fd);
        return NULL;
    }
    if (size > offset &&
        fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
                  (off_t)(base + offset), (off_t)(size - offset)) < 0) {
        x2k_error_set_errno(err, X2K_ERR_IO, errno,
                            _("Cannot clear the partition at byte %1$llu of '%2$s' (the file system must support punching holes)."),
                            (unsigned long long)base, path);
        close(fd);
        return NULL;
    }
    f = x2k_xcalloc(1, sizeof *f);
    f->w.ops = &part_ops;
    f->fd = fd;
    f->path = x2k_xstrdup(path);
    f->base = base;
    f->size = base + size;
    f->kick_from = f->drop_from = f->high = base + offset;
    return &f->w;
}

/* Create the assembled disk PATH: new (never an existing file), 0600,
 * HEAD (the partition table) at its start, SIZE bytes, the rest holes. */
int
x2k_transfer_create_disk(const char *path, const void *head, size_t head_len,
                         uint64_t size, struct x2k_error *err)
{
    size_t done = 0;
    ssize_t n;
    int fd;

    fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
              0600);
    if (fd < 0) {
        x2k_error_set_errno(err, X2K_ERR_IO, errno,
                            _("Cannot create '%1$s' (the assembled disk is always a new file: remove an old one first)."),
                            path);
        return -1;
    }
    while (done < head_len) {
        n = pwrite(fd, (const char *)head + done, head_len - done,
                   (off_t)done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        done += (size_t)n;
    }
    if (done < head_len || ftruncate(fd, (off_t)size) < 0 || fsync(fd) < 0) {
        x2k_error_set_errno(err, errno == ENOSPC ? X2K_ERR_NOSPACE
                                                 : X2K_ERR_IO,
                            errno, _("Cannot write '%1$s'."), path);
        close(fd);
        unlink(path);
        return -1;
    }
    close(fd);
    return 0;
}

/* ---- Writer: a libvirt storage volume upload. ---- */

struct vol_writer {
    struct tx_writer w;
    virStorageVolPtr vol;
    virStreamPtr st;
    char *name;
    uint64_t pos;
};

/* Set ERR from libvirt's last error during WHAT. */
static int
vol_error(struct vol_writer *v, const char *what, struct x2k_error *err)
{
    x2k_error_set(err, X2K_ERR_LIBVIRT,
                  _("Uploading to the volume '%1$s' failed."), v->name);
    x2k_error_set_detail(err, virGetLastErrorMessage());
    x2k_log(X2K_LOG_DEBUG, "transfer: %s: %s", what,
            virGetLastErrorMessage());
    return -1;
}

/* Send a hole of LEN bytes. */
static int
vol_hole(struct vol_writer *v, uint64_t len, struct x2k_error *err)
{
    if (len == 0)
        return 0;
    if (virStreamSendHole(v->st, len, 0) < 0)
        return vol_error(v, "virStreamSendHole", err);
    v->pos += len;
    return 0;
}

/* Send LEN bytes at OFF, a hole first if OFF is ahead. */
static int
vol_write(struct tx_writer *w, const void *buf, size_t len, uint64_t off,
          struct x2k_error *err)
{
    struct vol_writer *v = (struct vol_writer *)w;
    size_t done = 0;
    int n;

    if (off > v->pos && vol_hole(v, off - v->pos, err) < 0)
        return -1;
    while (done < len) {
        size_t chunk = len - done > 256 * 1024 ? 256 * 1024 : len - done;

        n = virStreamSend(v->st, (const char *)buf + done, chunk);
        if (n < 0)
            return vol_error(v, "virStreamSend", err);
        done += n;
    }
    v->pos += len;
    return 0;
}

/* Send zeros as a hole. */
static int
vol_zero(struct tx_writer *w, uint64_t off, uint64_t len,
         struct x2k_error *err)
{
    struct vol_writer *v = (struct vol_writer *)w;

    return vol_hole(v, off + len - v->pos, err);
}

/* An upload cannot be made durable midway. */
static int
vol_sync(struct tx_writer *w, uint64_t done, struct x2k_error *err)
{
    return 1;                   /* an upload cannot be made durable midway */
}

/* Send the trailing hole and finish the upload. */
static int
vol_finish(struct tx_writer *w, uint64_t size, struct x2k_error *err)
{
    struct vol_writer *v = (struct vol_writer *)w;

    if (size > v->pos && vol_hole(v, size - v->pos, err) < 0)
        return -1;
    if (virStreamFinish(v->st) < 0)
        return vol_error(v, "virStreamFinish", err);
    virStreamFree(v->st);
    v->st = NULL;
    return 0;
}

/* Abort an unfinished upload and release the volume. */
static void
vol_close(struct tx_writer *w, bool abort)
{
    struct vol_writer *v = (struct vol_writer *)w;

    if (!v)
        return;
    if (v->st) {
        virStreamAbort(v->st);
        virStreamFree(v->st);
    }
    if (v->vol)
        virStorageVolFree(v->vol);
    free(v->name);
    free(v);
}

static const struct tx_writer_ops vol_ops = {
    .name = "volume",
    .write = vol_write,
    .zero = vol_zero,
    .sync = vol_sync,
    .finish = vol_finish,
    .close = vol_close,
};

/* Start a sparse upload into VOLUME of POOL (created when missing). */
struct tx_writer *
tx_volume_writer_new(virConnectPtr conn, const char *pool_name,
                     const char *volume, uint64_t size, bool prealloc,
                     struct x2k_error *err)
{
    struct vol_writer *v = x2k_xcalloc(1, sizeof *v);
    virStoragePoolPtr pool;
    virStorageVolInfo info;

    v->w.ops = &vol_ops;
    v->name = x2k_strdup_printf("%s/%s", pool_name, volume);
    pool = virStoragePoolLookupByName(conn, pool_name);
    if (!pool) {
        x2k_error_set(err, X2K_ERR_NOT_FOUND,
                      _("The storage pool '%1$s' does not exist."), pool_name);
        x2k_error_set_detail(err, virGetLastErrorMessage());
        goto fail;
    }
    v->vol = virStorageVolLookupByName(pool, volume);
    if (!v->vol) {
        X2K_AUTOFREE char *name = x2k_xml_escape(volume);
        char *xml = x2k_strdup_printf(
            "<volume><name>%s</name>"
            "<capacity unit='bytes'>%" PRIu64 "</capacity>"
            "<allocation unit='bytes'>%" PRIu64 "</allocation>"
            "<target><format type='raw'/></target></volume>",
            name, size, prealloc ? size : 0);

        v->vol = virStorageVolCreateXML(pool, xml, 0);
        free(xml);
    }
    virStoragePoolFree(pool);
    if (!v->vol) {
        vol_error(v, "virStorageVolCreateXML", err);
        goto fail;
    }
    if (virStorageVolGetInfo(v->vol, &info) == 0 && info.capacity < size) {
        x2k_error_set(err, X2K_ERR_NOSPACE,
                      _("The volume '%1$s' holds %2$llu bytes; the disk needs %3$llu."),
                      v->name, (unsigned long long)info.capacity,
                      (unsigned long long)size);
        goto fail;
    }
    v->st = virStreamNew(conn, 0);
    if (!v->st ||
        virStorageVolUpload(v->vol, v->st, 0, size,
                            VIR_STORAGE_VOL_UPLOAD_SPARSE_STREAM) < 0) {
        vol_error(v, "virStorageVolUpload", err);
        goto fail;
    }
    return &v->w;

fail:
    vol_close(&v->w, true);
    return NULL;
}

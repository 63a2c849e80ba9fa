/* The transfer's local ends: block readers (a local file or device;
 * SFTP builds on the same loop), the writers (sparse file, libvirt
 * volume upload), the resume journal and the md5tree1m checksum.  Each
 * object belongs to one transfer worker thread.
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <libvirt/virterror.h>

#include "base/i18n.h"
#include "base/log.h"
#include "transfer/transfer-internal.h"

/* ---- Zero detection and the checksum. ---- */

bool
tx_is_zero(const void *buf, size_t len)
{
    const unsigned char *p = buf;
    size_t i;

    /* Check a short head byte by byte, then compare the buffer with
     * itself shifted: memcmp is vectorised. */
    for (i = 0; i < len && i < 16; i++) {
        if (p[i])
            return false;
    }
    return len <= 16 || memcmp(p, p + 16, len - 16) == 0;
}

void
tx_tree_init(struct tx_tree *t)
{
    static const char zero_block[TX_BLOCK];

    t->outer = EVP_MD_CTX_new();
    if (!t->outer)
        abort();
    EVP_DigestInit_ex(t->outer, EVP_md5(), NULL);
    EVP_Digest(zero_block, TX_BLOCK, t->zero_digest, NULL, EVP_md5(), NULL);
}

void
tx_tree_add_block(struct tx_tree *t, const void *buf, size_t len)
{
    unsigned char d[EVP_MAX_MD_SIZE];

    if (len == TX_BLOCK && tx_is_zero(buf, len)) {
        EVP_DigestUpdate(t->outer, t->zero_digest, 16);
        return;
    }
    EVP_Digest(buf, len, d, NULL, EVP_md5(), NULL);
    EVP_DigestUpdate(t->outer, d, 16);
}

void
tx_tree_add_zero(struct tx_tree *t, size_t len)
{
    static const char zero_block[TX_BLOCK];
    unsigned char d[EVP_MAX_MD_SIZE];

    if (len == TX_BLOCK) {
        EVP_DigestUpdate(t->outer, t->zero_digest, 16);
        return;
    }
    EVP_Digest(zero_block, len, d, NULL, EVP_md5(), NULL);
    EVP_DigestUpdate(t->outer, d, 16);
}

static char *
hex_of(const unsigned char *d, size_t n)
{
    char *hex = x2k_xmalloc(2 * n + 1);
    size_t i;

    for (i = 0; i < n; i++)
        snprintf(hex + 2 * i, 3, "%02x", d[i]);
    return hex;
}

char *
tx_tree_final(struct tx_tree *t)
{
    unsigned char d[EVP_MAX_MD_SIZE];
    unsigned int n = 0;

    EVP_DigestFinal_ex(t->outer, d, &n);
    EVP_MD_CTX_free(t->outer);
    t->outer = NULL;
    return hex_of(d, n);
}

void
tx_tree_free(struct tx_tree *t)
{
    if (t && t->outer) {
        EVP_MD_CTX_free(t->outer);
        t->outer = NULL;
    }
}

static int
pread_full(int fd, void *buf, size_t len, uint64_t off)
{
    size_t got = 0;
    ssize_t n;

    while (got < len) {
        n = pread(fd, (char *)buf + got, len - got, off + got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -1;
        if (n == 0) {
            errno = EIO;        /* shorter than its size: treat as an error */
            return -1;
        }
        got += n;
    }
    return 0;
}

int
x2k_transfer_hash_file(const char *path, const char *alg, char **hex,
                       struct x2k_reporter *reporter, struct x2k_error *err)
{
    bool tree = x2k_str_equal(alg, "md5tree1m");
    struct tx_tree t = { 0 };
    EVP_MD_CTX *plain = NULL;
    char *buf = NULL;
    uint64_t size, pos, next_data = 0;
    bool have_seek = true;
    int fd, ret = -1;

    if (!tree && !x2k_str_equal(alg, "md5")) {
        x2k_error_set(err, X2K_ERR_UNSUPPORTED,
                      _("Unknown checksum algorithm '%1$s'."), alg);
        return -1;
    }
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        x2k_error_set_errno(err, X2K_ERR_IO, errno,
                            _("Cannot open '%1$s'."), path);
        return -1;
    }
    size = lseek(fd, 0, SEEK_END);
    posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
    buf = x2k_xmalloc(TX_BLOCK);
    if (tree) {
        tx_tree_init(&t);
    } else {
        plain = EVP_MD_CTX_new();
        EVP_DigestInit_ex(plain, EVP_md5(), NULL);
    }
    for (pos = 0; pos < size;) {
        size_t len = size - pos < TX_BLOCK ? size - pos : TX_BLOCK;
        bool hole = false;

        if (x2k_reporter_is_cancelled(reporter)) {
            x2k_error_set(err, X2K_ERR_CANCELLED, _("The copy was cancelled."));
            goto out;
        }
        if (have_seek && next_data < pos + len) {
            off_t d = lseek(fd, pos, SEEK_DATA);

            if (d >= 0)
                next_data = d;
            else if (errno == ENXIO)
                next_data = size;
            else
                have_seek = false;
        }
        if (have_seek && next_data >= pos + len)
            hole = true;
        if (hole) {
            memset(buf, 0, len);
        } else if (pread_full(fd, buf, len, pos) < 0) {
            x2k_error_set_errno(err, X2K_ERR_IO, errno,
                                _("Cannot read '%1$s'."), path);
            goto out;
        }
        if (tree) {
            if (hole)
                tx_tree_add_zero(&t, len);
            else
                tx_tree_add_block(&t, buf, len);
        } else {
            EVP_DigestUpdate(plain, buf, len);
        }
        pos += len;
    }
    if (tree) {
        *hex = tx_tree_final(&t);
    } else {
        unsigned char d[EVP_MAX_MD_SIZE];
        unsigned int n = 0;

        EVP_DigestFinal_ex(plain, d, &n);
        *hex = hex_of(d, n);
    }
    ret = 0;
out:
    tx_tree_free(&t);
    if (plain)
        EVP_MD_CTX_free(plain);
    free(buf);
    close(fd);
    return ret;
}

/* ---- Block readers: read blocks, find holes and zeros here. ---- */

#define MAX_QUEUE (2 * (TX_BLOCK / TX_ZERO_GRAIN) + 4)

struct block_reader {
    struct tx_reader r;
    const char *name;
    struct tx_block_src src;
    struct x2k_reporter *rep;
    char *buf;
    uint64_t pos;               /* next block to look at */
    int64_t next_data;          /* -1 unknown; -2 no seek support */
    int64_t zstart;             /* pending zero run, -1 none */
    bool verify;
    struct tx_tree tree;
    struct tx_rec queue[MAX_QUEUE];
    size_t q_head, q_len;
    bool ended;
};

static void
push(struct block_reader *b, enum tx_rec_kind kind, uint64_t off,
     uint64_t len, const char *data)
{
    struct tx_rec *rec = &b->queue[b->q_len++];

    rec->kind = kind;
    rec->off = off;
    rec->len = len;
    rec->data = data;
}

static void
flush_zero(struct block_reader *b, uint64_t end)
{
    if (b->zstart >= 0) {
        push(b, TX_REC_ZERO, b->zstart, end - b->zstart, NULL);
        b->zstart = -1;
    }
}

/* Look at the next block (or hole) and queue its records. */
static int
block_step(struct block_reader *b, struct x2k_error *err)
{
    uint64_t size = b->r.size;
    uint64_t pos = b->pos;
    size_t len = size - pos < TX_BLOCK ? size - pos : TX_BLOCK;
    bool send = pos >= b->r.offset;
    size_t i, ds;

    if (b->next_data != -2 && b->next_data < (int64_t)pos) {
        b->next_data = b->src.seek_data ? b->src.seek_data(b->src.h, pos) : -1;
        if (b->next_data < 0)
            b->next_data = -2;
    }
    if (b->next_data >= 0 && (uint64_t)b->next_data >= pos + len) {
        uint64_t nd = b->next_data;
        uint64_t to = nd >= size ? size : nd - nd % TX_BLOCK;
        uint64_t p;

        if (send && b->zstart < 0)
            b->zstart = pos;
        if (b->verify) {
            for (p = pos; p < to; p += TX_BLOCK)
                tx_tree_add_zero(&b->tree, to - p < TX_BLOCK ? to - p
                                                             : TX_BLOCK);
        }
        b->pos = to;
        return 0;
    }
    if (!send && !b->verify) {
        b->pos += len;
        return 0;
    }
    if (b->src.read_at(b->src.h, b->buf, len, pos, err) < 0)
        return -1;
    if (b->verify)
        tx_tree_add_block(&b->tree, b->buf, len);
    b->pos += len;
    if (!send)
        return 0;
    ds = SIZE_MAX;
    for (i = 0; i < len; i += TX_ZERO_GRAIN) {
        size_t l = len - i < TX_ZERO_GRAIN ? len - i : TX_ZERO_GRAIN;

        if (tx_is_zero(b->buf + i, l)) {
            if (ds != SIZE_MAX) {
                push(b, TX_REC_DATA, pos + ds, i - ds, b->buf + ds);
                ds = SIZE_MAX;
            }
            if (b->zstart < 0)
                b->zstart = pos + i;
        } else {
            flush_zero(b, pos + i);
            if (ds == SIZE_MAX)
                ds = i;
        }
    }
    if (ds != SIZE_MAX)
        push(b, TX_REC_DATA, pos + ds, len - ds, b->buf + ds);
    return 0;
}

static int
block_next(struct tx_reader *r, struct tx_rec *rec, struct x2k_error *err)
{
    struct block_reader *b = (struct block_reader *)r;

    while (b->q_head == b->q_len) {
        b->q_head = b->q_len = 0;
        if (x2k_reporter_is_cancelled(b->rep)) {
            x2k_error_set(err, X2K_ERR_CANCELLED, _("The copy was cancelled."));
            return -1;
        }
        if (b->pos >= r->size) {
            if (b->ended) {
                x2k_error_set(err, X2K_ERR_INTERNAL, "read past the end");
                return -1;
            }
            flush_zero(b, r->size);
            push(b, TX_REC_END, r->size, 0, NULL);
            b->ended = true;
            if (b->verify) {
                r->hash_alg = x2k_xstrdup("md5tree1m");
                r->hash = tx_tree_final(&b->tree);
            }
            break;
        }
        if (block_step(b, err) < 0)
            return -1;
    }
    *rec = b->queue[b->q_head++];
    return 0;
}

static int
block_close(struct tx_reader *r, bool abort, struct x2k_error *err)
{
    return 0;
}

static void
block_free(struct tx_reader *r)
{
    struct block_reader *b = (struct block_reader *)r;

    if (b->src.close)
        b->src.close(b->src.h);
    tx_tree_free(&b->tree);
    free(b->buf);
}

static const struct tx_reader_ops block_ops = {
    .name = "block",
    .next = block_next,
    .close = block_close,
    .free = block_free,
};

struct tx_reader *
tx_block_reader_new(const char *name, struct tx_block_src *src, uint64_t size,
                    uint64_t mtime, uint64_t offset, bool verify,
                    struct x2k_reporter *rep, struct x2k_error *err)
{
    struct block_reader *b = x2k_xcalloc(1, sizeof *b);

    b->r.ops = &block_ops;
    b->r.size = size;
    b->r.mtime = mtime;
    b->r.offset = offset > size ? size : offset;
    b->name = name;
    b->src = *src;
    b->rep = rep;
    b->buf = x2k_xmalloc(TX_BLOCK);
    b->next_data = -1;
    b->zstart = -1;
    b->verify = verify;
    b->pos = verify ? 0 : b->r.offset;
    if (verify)
        tx_tree_init(&b->tree);
    return &b->r;
}

struct local_src {
    int fd;
    char *path;
};

static int
local_read_at(void *h, void *buf, size_t len, uint64_t off,
              struct x2k_error *err)
{
    struct local_src *l = h;

    if (pread_full(l->fd, buf, len, off) < 0) {
        x2k_error_set_errno(err, X2K_ERR_IO, errno,
                            _("Cannot read '%1$s'."), l->path);
        return -1;
    }
    return 0;
}

static int64_t
local_seek_data(void *h, uint64_t off)
{
    struct local_src *l = h;
    off_t d = lseek(l->fd, off, SEEK_DATA);

    if (d >= 0)
        return d;
    if (errno == ENXIO)
        return lseek(l->fd, 0, SEEK_END);
    return -1;
}

static void
local_close(void *h)
{
    struct local_src *l = h;

    close(l->fd);
    free(l->path);
    free(l);
}

struct tx_reader *
tx_local_reader_new(const char *path, bool is_block, uint64_t offset,
                    bool verify, struct x2k_reporter *rep,
                    struct x2k_error *err)
{
    struct tx_block_src src = {
        .read_at = local_read_at,
        .seek_data = is_block ? NULL : local_seek_data,
        .close = local_close,
    };
    struct local_src *l;
    struct stat st;
    off_t size;
    int fd;

    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        x2k_error_set_errno(err, errno == ENOENT ? X2K_ERR_NOT_FOUND
                                                 : X2K_ERR_IO,
                            errno, _("Cannot open the disk '%1$s'."), path);
        return NULL;
    }
    size = lseek(fd, 0, SEEK_END);
    if (size < 0 || fstat(fd, &st) < 0) {
        x2k_error_set_errno(err, X2K_ERR_IO, errno,
                            _("Cannot open the disk '%1$s'."), path);
        close(fd);
        return NULL;
    }
    posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
    l = x2k_xcalloc(1, sizeof *l);
    l->fd = fd;
    l->path = x2k_xstrdup(path);
    src.h = l;
    return tx_block_reader_new("local", &src, size, st.st_mtime, offset,
                               verify, rep, err);
}

/* ---- Writer: a sparse local file. ---- */

#define KICK_BYTES (32 * 1024 * 1024)   /* start writeback this often */
#define DROP_LAG (128 * 1024 * 1024)    /* cached behind the write front */

struct file_writer {
    struct tx_writer w;
    int fd;
    char *path;
    uint64_t size;
    uint64_t kick_from;         /* written, writeback not started */
    uint64_t drop_from;         /* writeback started, still cached */
    uint64_t high;              /* highest written end */
};

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

static int
file_write(struct tx_writer *w, const void *buf, size_t len, uint64_t off,
           struct x2k_error *err)
{
    struct file_writer *f = (struct file_writer *)w;
    size_t done = 0;
    ssize_t n;

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

static int
file_zero(struct tx_writer *w, uint64_t off, uint64_t len,
          struct x2k_error *err)
{
    /* The file was truncated at the resume offset and nothing was
     * written past it: zeros are holes (or preallocated) already. */
    return 0;
}

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

struct tx_writer *
tx_file_writer_new(const char *path, uint64_t offset, uint64_t size,
                   bool prealloc, struct x2k_error *err)
{
    struct file_writer *f;
    int fd, r;

    fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | (offset ? 0 : O_TRUNC),
              0644);
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
            x2k_log(X2K_LOG_WARN, "transfer: %s: posix_fallocate: %s",
                    path, strerror(r));
    }
    return &f->w;
}

/* ---- Writer: a libvirt storage volume upload. ---- */

struct vol_writer {
    struct tx_writer w;
    virStorageVolPtr vol;
    virStreamPtr st;
    char *name;
    uint64_t pos;
};

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

static int
vol_zero(struct tx_writer *w, uint64_t off, uint64_t len,
         struct x2k_error *err)
{
    struct vol_writer *v = (struct vol_writer *)w;

    return vol_hole(v, off + len - v->pos, err);
}

static int
vol_sync(struct tx_writer *w, uint64_t done, struct x2k_error *err)
{
    return 1;                   /* an upload cannot be made durable midway */
}

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
        char *xml = x2k_strdup_printf(
            "<volume><name>%s</name>"
            "<capacity unit='bytes'>%" PRIu64 "</capacity>"
            "<allocation unit='bytes'>%" PRIu64 "</allocation>"
            "<target><format type='raw'/></target></volume>",
            volume, size, prealloc ? size : 0);

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

/* ---- The journal. ---- */

static char *
hex_encode(const char *s)
{
    return hex_of((const unsigned char *)s, strlen(s));
}

static char *
hex_decode(const char *h)
{
    size_t n = strlen(h) / 2, i;
    char *s = x2k_xmalloc(n + 1);
    unsigned int c;

    for (i = 0; i < n; i++) {
        if (sscanf(h + 2 * i, "%2x", &c) != 1) {
            free(s);
            return NULL;
        }
        s[i] = c;
    }
    s[n] = '\0';
    return s;
}

static const char *const state_names[] = {
    "copying", "copied", "complete", "verify-failed",
};

/* The journal is one 4 KiB block rewritten in place, so that saving it
 * never needs a new block (it must work when the disk is full); a
 * trailing md5 of the text detects a torn write. */
#define JOURNAL_SIZE 4096

static char *
md5_hex(const char *text, size_t len)
{
    unsigned char d[EVP_MAX_MD_SIZE];
    unsigned int n = 0;

    EVP_Digest(text, len, d, &n, EVP_md5(), NULL);
    return hex_of(d, n);
}

int
tx_journal_load(const char *path, struct tx_journal *j)
{
    char text[JOURNAL_SIZE + 1];
    char *line, *next, *sum, *want;
    bool ok = false;
    ssize_t n;
    int fd;

    memset(j, 0, sizeof *j);
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    n = read(fd, text, JOURNAL_SIZE);
    close(fd);
    if (n <= 0)
        return -1;
    text[n] = '\0';
    sum = strstr(text, "\nsum=");
    if (!sum)
        return -1;
    want = md5_hex(text, sum + 1 - text);
    ok = strncmp(sum + 5, want, strlen(want)) == 0;
    free(want);
    if (!ok)
        return -1;
    sum[1] = '\0';
    ok = false;
    for (line = text; line && *line; line = next) {
        char *v;
        size_t i;

        next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        if (x2k_str_equal(line, "x2k-journal 1")) {
            ok = true;
            continue;
        }
        v = strchr(line, '=');
        if (!v)
            continue;
        *v++ = '\0';
        if (x2k_str_equal(line, "source")) {
            free(j->source);
            j->source = hex_decode(v);
        } else if (x2k_str_equal(line, "size")) {
            j->size = strtoull(v, NULL, 10);
        } else if (x2k_str_equal(line, "mtime")) {
            j->mtime = strtoull(v, NULL, 10);
        } else if (x2k_str_equal(line, "format")) {
            x2k_str_replace(&j->format, v);
        } else if (x2k_str_equal(line, "done")) {
            j->done = strtoull(v, NULL, 10);
        } else if (x2k_str_equal(line, "out-size")) {
            j->out_size = strtoull(v, NULL, 10);
        } else if (x2k_str_equal(line, "out-mtime-ns")) {
            j->out_mtime_ns = strtoll(v, NULL, 10);
        } else if (x2k_str_equal(line, "alg")) {
            x2k_str_replace(&j->alg, v);
        } else if (x2k_str_equal(line, "checksum")) {
            x2k_str_replace(&j->checksum, v);
        } else if (x2k_str_equal(line, "state")) {
            for (i = 0; i < X2K_N_ELEMENTS(state_names); i++) {
                if (x2k_str_equal(v, state_names[i]))
                    j->state = i;
            }
        }
    }
    if (!ok || !j->source || !j->format) {
        tx_journal_clear(j);
        return -1;
    }
    return 0;
}

int
tx_journal_save(const char *path, const struct tx_journal *j,
                struct x2k_error *err)
{
    X2K_AUTOFREE char *src = hex_encode(j->source);
    X2K_AUTOFREE char *sum = NULL;
    struct x2k_buf b = { 0 };
    char block[JOURNAL_SIZE];
    size_t off = 0;
    ssize_t n;
    int fd;

    x2k_buf_printf(&b, "x2k-journal 1\nsource=%s\nsize=%" PRIu64
                   "\nmtime=%" PRIu64 "\nformat=%s\ndone=%" PRIu64
                   "\nstate=%s\n", src, j->size, j->mtime, j->format,
                   j->done, state_names[j->state]);
    if (j->state == TX_JOURNAL_COMPLETE)
        x2k_buf_printf(&b, "out-size=%" PRIu64 "\nout-mtime-ns=%" PRId64
                       "\n", j->out_size, j->out_mtime_ns);
    if (j->alg && j->checksum)
        x2k_buf_printf(&b, "alg=%s\nchecksum=%s\n", j->alg, j->checksum);
    sum = md5_hex(b.data, b.len);
    x2k_buf_printf(&b, "sum=%s\n", sum);
    if (b.len > JOURNAL_SIZE) {
        x2k_buf_clear(&b);
        x2k_error_set(err, X2K_ERR_INTERNAL, "journal entry too long");
        return -1;
    }
    memset(block, '\n', sizeof block);
    memcpy(block, b.data, b.len);
    x2k_buf_clear(&b);

    fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0)
        goto fail;
    while (off < sizeof block) {
        n = pwrite(fd, block + off, sizeof block - off, off);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            close(fd);
            goto fail;
        }
        off += n;
    }
    if (fdatasync(fd) < 0) {
        close(fd);
        goto fail;
    }
    close(fd);
    return 0;

fail:
    if (errno == ENOSPC)
        x2k_error_set_errno(err, X2K_ERR_NOSPACE, errno,
                            _("No space left to write the journal '%1$s'."),
                            path);
    else
        x2k_error_set_errno(err, X2K_ERR_IO, errno,
                            _("Cannot write the journal '%1$s'."), path);
    return -1;
}

void
tx_journal_clear(struct tx_journal *j)
{
    free(j->source);
    free(j->format);
    free(j->alg);
    free(j->checksum);
    memset(j, 0, sizeof *j);
}

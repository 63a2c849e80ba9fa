/* Readers on this host's side: what every reader shares (its release),
 * the block reader (reads blocks and finds holes and zeros here; the
 * SFTP reader runs on it too) and the direct reader of a local file or
 * device.  A reader belongs to one transfer worker thread.
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/i18n.h"
#include "transfer/transfer-internal.h"

/* Release any reader: its own state, then what all readers share. */
void
tx_reader_free(struct tx_reader *r)
{
    if (!r)
        return;
    if (r->ops->free)
        r->ops->free(r);
    free(r->hash_alg);
    free(r->hash);
    free(r);
}

/* Read exactly LEN bytes at OFF (a short file is EIO). */
int
tx_pread_full(int fd, void *buf, size_t len, uint64_t off)
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

/* ---- The block reader. ---- */

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

/* Queue a record. */
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

/* Queue the pending zero run, which ends at END. */
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

/* The next queued record, reading blocks until there is one. */
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
            if (b->src.check && b->src.check(b->src.h, err) < 0)
                return -1;
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

/* Nothing to stop: the source is released with the reader. */
static int
block_close(struct tx_reader *r, bool abort, struct x2k_error *err)
{
    return 0;
}

/* Release the block source, the checksum and the buffer. */
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

/* A reader of SRC, records from OFFSET. */
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
    if (verify && tx_tree_init(&b->tree, err) < 0) {
        tx_reader_free(&b->r);
        return NULL;
    }
    return &b->r;
}

struct local_src {
    int fd;
    char *path;
    bool is_block;
    struct stat st;             /* when opened */
    uint64_t size;
};

/* -1 with ERR set when the disk is no longer what was opened: another
 * file at its path, or a file whose size, mtime or ctime moved. */
static int
local_check(void *h, struct x2k_error *err)
{
    struct local_src *l = h;
    struct stat now, at_path;
    off_t end = lseek(l->fd, 0, SEEK_END);
    const char *what = NULL;

    if (fstat(l->fd, &now) < 0 || end < 0)
        what = _("it cannot be examined again");
    else if (stat(l->path, &at_path) < 0 || at_path.st_dev != now.st_dev ||
             at_path.st_ino != now.st_ino)
        what = _("its path now names another file");
    else if ((uint64_t)end < l->size)
        what = _("it shrank");
    else if ((uint64_t)end > l->size)
        what = _("it grew");
    else if (!l->is_block &&
             (now.st_mtim.tv_sec != l->st.st_mtim.tv_sec ||
              now.st_mtim.tv_nsec != l->st.st_mtim.tv_nsec ||
              now.st_ctim.tv_sec != l->st.st_ctim.tv_sec ||
              now.st_ctim.tv_nsec != l->st.st_ctim.tv_nsec))
        what = _("it was written");
    if (!what)
        return 0;
    x2k_error_set(err, X2K_ERR_IO,
                  _("The disk '%1$s' changed while it was copied (%2$s): "
                    "make sure nothing uses it (the guest is shut off), "
                    "then run the same command again to copy it anew."),
                  l->path, what);
    return -1;
}

/* Read LEN bytes at OFF of the local disk. */
static int
local_read_at(void *h, void *buf, size_t len, uint64_t off,
              struct x2k_error *err)
{
    struct local_src *l = h;

    if (tx_pread_full(l->fd, buf, len, off) < 0) {
        int e = errno;

        /* Shorter than it was (SEEK_DATA's ENXIO past a shrunk end
         * leads here too): say that the source changed. */
        if (local_check(h, err) < 0)
            return -1;
        x2k_error_set_errno(err, X2K_ERR_IO, e,
                            _("Cannot read '%1$s'."), l->path);
        return -1;
    }
    return 0;
}

/* The next data offset at or after OFF, SIZE in the last hole. */
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

/* Close the local disk. */
static void
local_close(void *h)
{
    struct local_src *l = h;

    close(l->fd);
    free(l->path);
    free(l);
}

/* The direct reader of a local file or device. */
struct tx_reader *
tx_local_reader_new(const char *path, bool is_block, uint64_t offset,
                    bool verify, struct x2k_reporter *rep,
                    struct x2k_error *err)
{
    struct tx_block_src src = {
        .read_at = local_read_at,
        .seek_data = is_block ? NULL : local_seek_data,
        .check = local_check,
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
    l->is_block = is_block;
    l->st = st;
    l->size = size;
    src.h = l;
    return tx_block_reader_new("local", &src, size, st.st_mtime, offset,
                               verify, rep, err);
}

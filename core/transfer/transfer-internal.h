/* Private to core/transfer: the data path.  A reader and a writer are
 * ops tables (one implementation per kind of source and destination,
 * so that the copy loop never asks which); the byte channel under a
 * stream reader; the journal and the checksum helpers.  One reader and
 * one writer belong to one worker thread.
 */
#ifndef X2K_TRANSFER_INTERNAL_H
#define X2K_TRANSFER_INTERNAL_H

#include <sys/types.h>

#include <openssl/evp.h>

#include "transfer/transfer-decode.h"
#include "transfer/transfer.h"

#define TX_BLOCK (1024 * 1024)      /* read size, checksum block, resume grain */
#define TX_ZERO_GRAIN (64 * 1024)   /* zero detection */

enum tx_rec_kind {
    TX_REC_DATA,
    TX_REC_ZERO,
    TX_REC_END,
};

/* One record; DATA is borrowed until the next call on the reader. */
struct tx_rec {
    enum tx_rec_kind kind;
    uint64_t off;
    uint64_t len;
    const char *data;
};

/* A byte stream under a stream reader: a local child's stdout or an
 * SSH exec channel.  read returns 0 at EOF, -1 with ERR set; it gives
 * up within ~1 s of cancellation (X2K_ERR_CANCELLED). */
struct tx_chan {
    ssize_t (*read)(struct tx_chan *c, void *buf, size_t n,
                    struct x2k_error *err);
    /* Close; *STATUS = exit status, *ERRTEXT = its stderr (may be NULL).
     * ABORT: stop the other side first.  Frees C. */
    int (*close)(struct tx_chan *c, bool abort, int *status,
                 char **errtext, struct x2k_error *err);
};

struct tx_reader;
struct tx_reader_ops {
    const char *name;
    /* Next record, in increasing offsets, ending with TX_REC_END. */
    int (*next)(struct tx_reader *r, struct tx_rec *rec,
                struct x2k_error *err);
    /* Stop reading and release (ABORT: the copy failed or stopped). */
    int (*close)(struct tx_reader *r, bool abort, struct x2k_error *err);
    /* Release what the reader owns (not the struct). */
    void (*free)(struct tx_reader *r);
};

struct tx_reader {
    const struct tx_reader_ops *ops;
    uint64_t size;
    uint64_t offset;            /* where the records start */
    uint64_t mtime;             /* source mtime, 0 if unknown */
    bool dd_fallback;
    char *hash_alg;             /* set at TX_REC_END when the source hashed */
    char *hash;
};

/* What the streamer is asked for, and how long a read of its output
 * may wait for a byte. */
struct tx_stream_req {
    const char *mode;           /* "copy" or "hash" */
    const char *path;           /* the disk on the Xen host */
    uint64_t offset;            /* copy: where the records start */
    bool is_block;
    bool verify;                /* the source hashes the whole disk */
    int timeout_ms;             /* no byte for this long: X2K_ERR_TIMEOUT */
    const char *remote_path;    /* PATH for the streamer's shell, or NULL */
};

/* The streamer's keepalive interval (seconds) for reads bounded by
 * TIMEOUT_MS. */
int tx_keepalive_for(int timeout_ms);

/* ERR = X2K_ERR_TIMEOUT: no byte came for TIMEOUT_MS. */
void tx_timeout_error(struct x2k_error *err, int timeout_ms);

/* Stream reader over CHAN (taken over), from the streamer asked to
 * start at OFFSET: its records pass the strict decoder. */
struct tx_reader *tx_stream_reader_new(struct tx_chan *chan,
                                       const char *source, uint64_t offset,
                                       struct x2k_error *err);

/* The streamer asked for Q run by a local /bin/sh (the conversion host
 * is the Xen host, and the test harness of the protocol). */
struct tx_chan *tx_local_exec_chan(const struct tx_stream_req *q,
                                   struct x2k_reporter *rep,
                                   struct x2k_error *err);

/* Spawn ARGV (FILE looked up in PATH; PATH_ENV replaces $PATH when
 * set) with its stdout as the channel; its stderr is kept for errors.
 * A read with no byte for TIMEOUT_MS (> 0) fails. */
struct tx_chan *tx_spawn_chan(const char *file, char *const argv[],
                              const char *path_env, int timeout_ms,
                              struct x2k_reporter *rep,
                              struct x2k_error *err);

/* Read the streamer's hash mode output from CHAN (taken over). */
int tx_stream_hash(struct tx_chan *chan, const char *source, char **alg,
                   char **hex, struct x2k_error *err);

/* A block reader: READ_AT fills BUF with LEN bytes at OFF (sequential
 * calls); SEEK_DATA (may be NULL) returns the next data offset >= OFF,
 * SIZE at the end, or -1 if unsupported.  It hashes (md5tree1m) the
 * whole disk when VERIFY.  SRC is taken over: closed with the reader,
 * or at once if none can be made. */
struct tx_block_src {
    void *h;
    int (*read_at)(void *h, void *buf, size_t len, uint64_t off,
                   struct x2k_error *err);
    int64_t (*seek_data)(void *h, uint64_t off);
    /* At the end: -1 with ERR set when the source changed while it was
     * read (size, mtime, ctime, inode); NULL: not known. */
    int (*check)(void *h, struct x2k_error *err);
    void (*close)(void *h);
};
struct tx_reader *tx_block_reader_new(const char *name,
                                      struct tx_block_src *src,
                                      uint64_t size, uint64_t mtime,
                                      uint64_t offset, bool verify,
                                      struct x2k_reporter *rep,
                                      struct x2k_error *err);

/* Direct local reader (O_RDONLY). */
struct tx_reader *tx_local_reader_new(const char *path, bool is_block,
                                      uint64_t offset, bool verify,
                                      struct x2k_reporter *rep,
                                      struct x2k_error *err);

/* Release R and what it owns (NULL: no-op). */
void tx_reader_free(struct tx_reader *r);

/* Read exactly LEN bytes at OFF of FD: 0, or -1 with errno set (EIO if
 * the file is shorter). */
int tx_pread_full(int fd, void *buf, size_t len, uint64_t off);

struct tx_writer;
struct tx_writer_ops {
    const char *name;
    int (*write)(struct tx_writer *w, const void *buf, size_t len,
                 uint64_t off, struct x2k_error *err);
    int (*zero)(struct tx_writer *w, uint64_t off, uint64_t len,
                struct x2k_error *err);
    /* Everything written so far is durable (0), or cannot be (1). */
    int (*sync)(struct tx_writer *w, uint64_t done, struct x2k_error *err);
    /* The disk is complete at SIZE bytes. */
    int (*finish)(struct tx_writer *w, uint64_t size, struct x2k_error *err);
    /* Release (ABORT: keep what is durable, stop the upload). */
    void (*close)(struct tx_writer *w, bool abort);
};

struct tx_writer {
    const struct tx_writer_ops *ops;
};

/* A local file, truncated to OFFSET (0: created empty).  PREALLOC
 * reserves SIZE bytes (REP is warned when that cannot be done). */
struct tx_writer *tx_file_writer_new(const char *path, uint64_t offset,
                                     uint64_t size, bool prealloc,
                                     struct x2k_reporter *rep,
                                     struct x2k_error *err);
/* A disk written into the partition at BASE of an assembled disk. */
struct tx_writer *tx_part_writer_new(const char *path, uint64_t base,
                                     uint64_t offset, uint64_t size,
                                     struct x2k_error *err);

/* A libvirt volume upload (sparse stream), from offset 0. */
struct tx_writer *tx_volume_writer_new(virConnectPtr conn, const char *pool,
                                       const char *volume, uint64_t size,
                                       bool prealloc, struct x2k_error *err);

/* Journal beside an output file. */
enum tx_journal_state {
    TX_JOURNAL_COPYING,
    TX_JOURNAL_COPIED,          /* raw complete; verify/convert pending */
    TX_JOURNAL_COMPLETE,
    TX_JOURNAL_VERIFY_FAILED,
};
struct tx_journal {
    char *source;
    uint64_t size;
    uint64_t mtime;
    char *format;
    uint64_t done;
    enum tx_journal_state state;
    uint64_t out_size;          /* COMPLETE: the final file's size */
    int64_t out_mtime_ns;       /* and mtime */
    char *alg;
    char *checksum;
};
int tx_journal_load(const char *path, struct tx_journal *j);   /* 0 / -1 */
int tx_journal_save(const char *path, const struct tx_journal *j,
                    struct x2k_error *err);
void tx_journal_clear(struct tx_journal *j);

/* md5tree1m: md5 over the md5 of each aligned 1 MiB block. */
struct tx_tree {
    EVP_MD_CTX *outer;
    unsigned char zero_digest[16];
};
int tx_tree_init(struct tx_tree *t, struct x2k_error *err);   /* 0 / -1 */
void tx_tree_add_block(struct tx_tree *t, const void *buf, size_t len);
void tx_tree_add_zero(struct tx_tree *t, size_t len);
char *tx_tree_final(struct tx_tree *t);     /* hex; frees the context */
void tx_tree_free(struct tx_tree *t);

bool tx_is_zero(const void *buf, size_t len);

/* A new context for plain md5 in *MD (free with EVP_MD_CTX_free). */
int tx_md5_new(EVP_MD_CTX **md, struct x2k_error *err);

/* The N bytes at D in lowercase hex (caller frees). */
char *tx_hex(const unsigned char *d, size_t n);

#endif /* X2K_TRANSFER_INTERNAL_H */

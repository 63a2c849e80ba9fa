/* The disk data path: copy Xen disks (files or host block devices) to
 * the KVM side.  A reader (the x2k-streamer over an SSH exec channel or
 * a local shell, SFTP, or a direct local read) feeds records (data /
 * zero run / end) to a writer (a sparse local file, or a libvirt volume
 * upload).  Zeros are never written and, with the streamer, never sent.
 * A journal beside each output file makes a re-run resume from the last
 * durable offset; --verify compares checksums computed on both ends.
 *
 * x2k_transfer_run() blocks; it runs on the engine's thread and starts
 * up to opts->parallel worker threads, one SSH session each.  Events
 * (X2K_EVENT_PROGRESS, logs, warnings) are delivered from the workers
 * but never concurrently: the reporter's callback is serialised.
 */
#ifndef X2K_TRANSFER_H
#define X2K_TRANSFER_H

#include <stdint.h>

#include <libvirt/libvirt.h>

#include "base/error.h"
#include "base/event.h"
#include "plan/plan.h"

struct x2k_ssh;
struct x2k_ssh_opts;

enum x2k_transfer_reader {
    X2K_READER_AUTO,            /* ssh ? exec : local */
    X2K_READER_EXEC,            /* the streamer over ssh exec; without ssh,
                                 * the streamer in a local /bin/sh */
    X2K_READER_SFTP,            /* needs ssh */
    X2K_READER_LOCAL,           /* direct read: this host is the Xen host */
};

/* The bulk channel of the exec reader.  core/ssh (libssh2) always
 * connects first (host key check, authentication); with key or agent
 * authentication the data may then flow through the OpenSSH client,
 * whose ciphers are several times faster than libssh2 1.10's. */
enum x2k_transfer_transport {
    X2K_TRANSPORT_AUTO,         /* OpenSSH when possible, else libssh2 */
    X2K_TRANSPORT_LIBSSH2,
    X2K_TRANSPORT_OPENSSH,      /* fails if it cannot be used */
};

/* One disk to copy.  All pointers are borrowed for the call. */
struct x2k_transfer_disk {
    const char *source;         /* path on the Xen host (file or device) */
    bool is_block;              /* a host block device: no holes to find */
    uint64_t size;              /* bytes, 0 if unknown (learned on open) */
    const char *name;           /* label for events ("vda"), may be NULL */
    const char *format;         /* the source's format: NULL or "raw"; or
                                 * "qcow2", copied as the file it is and
                                 * converted to opts->format at the end
                                 * (a local file destination only) */

    /* Destination: a local file (dest_path), or, when pool is set, the
     * volume VOLUME of POOL on CONN (created when missing). */
    const char *dest_path;
    /* Layout assemble: with dest_path, the disk is written into the
     * partition at this byte offset of DEST_PATH, which the caller has
     * made (partition table, final size); the file is neither created
     * nor truncated, holes stay holes, the journal is per partition.
     * 0: DEST_PATH is this disk alone. */
    uint64_t dest_offset;
    virConnectPtr conn;
    const char *pool;
    const char *volume;
};

struct x2k_transfer_opts {
    enum x2k_format format;     /* the copies' format, whatever the
                                 * sources': raw at guest offsets while
                                 * copying, qemu-img convert at the end */
    enum x2k_alloc allocation;
    bool verify;
    int parallel;               /* disks at once; <= 0 means 1 */
    const struct x2k_ssh_opts *ssh;   /* NULL: the disks are local.  Each
                                       * worker connects with these; a
                                       * hostkey_cb would run on workers,
                                       * so check the key beforehand */
    /* Sessions already logged in with SSH (borrowed, kept by the
     * caller): worker K uses sessions[K] instead of logging in itself,
     * so that a password is typed once and wiped before the copy. */
    struct x2k_ssh *const *sessions;
    size_t n_sessions;
    enum x2k_transfer_reader reader;
    enum x2k_transfer_transport transport;
    struct x2k_reporter *reporter;    /* events + cancellation; may be NULL */

    /* Rarely set.  remote_path: PATH for the streamer's shell (NULL: the
     * login default; tests hide perl with it).  bwlimit: bytes/s per
     * disk, 0 = unlimited.  sync_interval: seconds between durable
     * checkpoints (fsync + journal), 0 = default (5 s). */
    const char *remote_path;
    uint64_t bwlimit;
    double sync_interval;

    /* Seconds a read of the disk data may wait for a byte, on every
     * data path (libssh2, the OpenSSH client, SFTP, a local streamer);
     * then the disk fails with X2K_ERR_TIMEOUT, resumable.  0 = 120. */
    int io_timeout;
};

/* What happened to one disk.  Strings are owned; release with
 * x2k_transfer_result_clear(). */
struct x2k_transfer_result {
    uint64_t size;              /* disk size in bytes */
    uint64_t resumed_from;      /* offset this run started at */
    uint64_t bytes_copied;      /* disk bytes covered by this run */
    uint64_t data_bytes;        /* bytes of data received and written */
    bool already_done;          /* finished by an earlier run (checked) */
    bool verified;              /* checksums compared and equal */
    bool partial_kept;          /* output left for a resume or inspection */
    bool dd_fallback;           /* the source host had no perl */
    const char *reader;         /* static name: "ssh-exec" (libssh2),
                                 * "openssh-exec", "sftp", "local-exec",
                                 * "local" */
    char *checksum_alg;         /* "md5tree1m" or "md5"; NULL if none */
    char *source_checksum;      /* hex */
    char *dest_checksum;        /* hex */
    struct x2k_error error;     /* this disk's failure, if any */
};

/* Copy N disks.  RESULTS has N entries, filled whatever happens.
 * 0 if every disk was copied (or already was); -1 with ERR set to the
 * first failure (X2K_ERR_CANCELLED, X2K_ERR_NOSPACE, X2K_ERR_VERIFY...). */
int x2k_transfer_run(const struct x2k_transfer_disk *disks, size_t n,
                     const struct x2k_transfer_opts *opts,
                     struct x2k_transfer_result *results,
                     struct x2k_error *err) X2K_NONNULL(3);

void x2k_transfer_result_clear(struct x2k_transfer_result *res);

/* Create the assembled disk PATH (layout assemble) before copying into
 * its partitions: a new file (O_EXCL), 0600, HEAD_LEN bytes of HEAD (the
 * partition table) at offset 0, SIZE bytes long, sparse. */
int x2k_transfer_create_disk(const char *path, const void *head,
                             size_t head_len, uint64_t size,
                             struct x2k_error *err) X2K_NONNULL(1, 2);

/* The journal file kept beside DEST_PATH (caller frees). */
char *x2k_transfer_journal_path(const char *dest_path) X2K_NONNULL(1);

/* The source path named by the valid journal beside DEST_PATH, or NULL
 * when there is none (missing, torn or foreign).  Caller frees. */
char *x2k_transfer_journal_source(const char *dest_path) X2K_NONNULL(1);
/* The same for the journal file PATH itself (a partition's journal of an
 * assembled disk, for instance). */
char *x2k_transfer_journal_file_source(const char *path) X2K_NONNULL(1);

/* The journal of the disk written at OFFSET of DEST_PATH (dest_offset
 * of layout assemble; caller frees). */
char *x2k_transfer_part_journal_path(const char *dest_path, uint64_t offset)
    X2K_NONNULL(1);

/* The embedded streamer script (core/transfer/transfer-streamer.sh). */
const char *x2k_transfer_streamer_script(void);

/* The shell command that runs the streamer remotely: MODE "copy" or
 * "hash"; it stays silent at most KEEPALIVE seconds (<= 0: 5).
 * REMOTE_PATH may be NULL.  Caller frees. */
char *x2k_transfer_streamer_command(const char *mode, const char *path,
                                    uint64_t offset, bool is_block,
                                    bool verify, int keepalive,
                                    const char *remote_path)
    X2K_NONNULL(1, 2);

/* Checksum of a local file with ALG ("md5tree1m" or "md5"), reading
 * holes as zeros without reading them.  Caller frees *HEX. */
int x2k_transfer_hash_file(const char *path, const char *alg, char **hex,
                           struct x2k_reporter *reporter,
                           struct x2k_error *err) X2K_NONNULL(1, 2, 3);

/* The same for LENGTH bytes at BASE (a partition of an assembled disk;
 * UINT64_MAX: to the end of the file), as if they were a file. */
int x2k_transfer_hash_range(const char *path, uint64_t base,
                            uint64_t length, const char *alg, char **hex,
                            struct x2k_reporter *reporter,
                            struct x2k_error *err) X2K_NONNULL(1, 4, 5);

#endif /* X2K_TRANSFER_H */

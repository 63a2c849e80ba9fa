/* Private to the files of one transfer job: transfer.c runs it, and the
 * steps it takes for each disk live beside it (transfer-progress.c,
 * transfer-source.c, transfer-verify.c, transfer-qcow2.c).  The job's
 * state is shared by its worker threads; a worker's own belongs to it.
 */
#ifndef X2K_TRANSFER_JOB_H
#define X2K_TRANSFER_JOB_H

#include <pthread.h>
#include <stdatomic.h>

#include "transfer/transfer-internal.h"

struct tx_ssh;

/* What x2k_transfer_run() shares with its workers. */
struct tx_ctx {
    const struct x2k_transfer_disk *disks;
    size_t n;
    const struct x2k_transfer_opts *opts;
    struct x2k_transfer_result *results;
    struct x2k_reporter *user;          /* may be NULL */
    struct x2k_reporter rep;            /* serialised; our cancel flag */
    pthread_mutex_t lock;
    atomic_size_t next;
    atomic_int running;
    uint64_t *done;                     /* per disk, under lock */
    uint64_t *total;
    struct x2k_rate overall;
};

/* One worker thread: it takes the next disk until none is left. */
struct tx_worker {
    struct tx_ctx *ctx;
    size_t index;                       /* in the job's workers */
    pthread_t tid;
    struct tx_ssh *ssh;                 /* this worker's session, lazily */
};

/* The name of disk D in events and messages. */
static inline const char *
tx_disk_label(const struct x2k_transfer_disk *d)
{
    return d->name ? d->name : d->source;
}

/* transfer-progress.c: events and cancellation, from any worker. */

/* The callback of ctx->rep: hands EV to the caller's reporter, one
 * event at a time. */
void tx_serial_event(const struct x2k_event *ev, void *opaque);

/* Whether the copy was cancelled (the caller's flag is copied to ours). */
bool tx_cancelled(struct tx_ctx *ctx);

/* How long a read of the disk data may wait for a byte (opts->io_timeout
 * or 120 s), in milliseconds. */
int tx_io_timeout_ms(const struct tx_ctx *ctx);

/* A progress event for disk I at DONE of TOTAL bytes, and the overall
 * one, at most ~10/s unless FORCE.  PHASE: NULL while copying, else the
 * step ("convert"), which the overall sum leaves out. */
void tx_progress(struct tx_ctx *ctx, size_t i, struct x2k_rate *rate,
                 uint64_t done, uint64_t total, bool force,
                 const char *phase);

/* transfer-source.c: a worker's side of the source disk. */

/* The reader W uses now: "ssh-exec", "openssh-exec", "sftp",
 * "local-exec" or "local" (static). */
const char *tx_reader_name(const struct tx_worker *w);

/* Open the reader the options ask for, records from OFFSET on; VERIFY:
 * the source hashes the whole disk on the way. */
struct tx_reader *tx_open_reader(struct tx_worker *w,
                                 const struct x2k_transfer_disk *d,
                                 uint64_t offset, bool verify,
                                 struct x2k_error *err);

/* The checksum of the source disk, computed where it lives, with the
 * algorithm that side can do ("md5tree1m" or "md5").  Caller frees. */
int tx_source_hash(struct tx_worker *w, const struct x2k_transfer_disk *d,
                   char **alg, char **hex, struct x2k_error *err);

/* transfer-verify.c: compare disk I's source checksum (R's, when the
 * reader hashed on the way; else asked for) with that of the output at
 * PATH; fills the result's checksums, X2K_ERR_VERIFY on a mismatch. */
int tx_verify_output(struct tx_worker *w, size_t i, struct tx_reader *r,
                     const char *path, struct x2k_error *err);

/* transfer-qcow2.c: convert disk I's copy SRC (SIZE bytes, in format
 * SRC_FMT) into DEST in format OUT_FMT, then remove SRC. */
int tx_convert_image(struct tx_worker *w, size_t i, const char *src,
                     const char *src_fmt, const char *dest,
                     const char *out_fmt, uint64_t size,
                     struct x2k_error *err);

#endif /* X2K_TRANSFER_JOB_H */

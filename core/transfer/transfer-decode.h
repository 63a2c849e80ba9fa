/* The strict decoder of the x2k-streamer's output (protocol version 2,
 * see transfer-streamer.sh): the one reader of the protocol.  It trusts
 * nothing the Xen host sends: records come in order, from the offset
 * asked for (or the disk's end if it is shorter), and cover the disk
 * exactly up to an end record of the header's size; every offset and
 * length is checked without overflow; zero-length records, records that
 * go back, keepalives that do not advance and bytes after the end are
 * rejected.  It also reads the fallbacks of a host without perl (the
 * dd "X2KRAW1" stream, the md5sum and error lines of hash mode).
 *
 * Pure: no I/O, no allocation, no global state; it depends on nothing
 * but the C library, so that fuzz/fuzz-stream.c can drive it alone.
 * One decoder belongs to one thread.
 */
#ifndef X2K_TRANSFER_DECODE_H
#define X2K_TRANSFER_DECODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TX_DEC_VERSION 2
#define TX_DEC_HEADER_LEN 36            /* "X2KS" N Q Q Q N */
#define TX_DEC_MAX_DATA (1024 * 1024)   /* a data record, a raw chunk */
#define TX_DEC_MAX_TEXT 65535           /* an error record's text */
#define TX_DEC_MAX_LINE 128             /* a line of the fallbacks */
/* The most bytes one record needs: a buffer this big always suffices. */
#define TX_DEC_MAX_RECORD (13 + TX_DEC_MAX_DATA)

enum tx_dec_mode {
    TX_DEC_COPY,                /* "copy": records from the offset on */
    TX_DEC_HASH,                /* "hash": no data, a checksum at the end */
};

enum tx_dec_kind {
    TX_DEC_HEADER,              /* size, offset, mtime are known */
    TX_DEC_DATA,                /* LEN bytes of DATA at OFF */
    TX_DEC_ZERO,                /* LEN zero bytes at OFF */
    TX_DEC_RAW,                 /* dd fallback: LEN bytes at OFF (zeros
                                 * not told apart) */
    TX_DEC_KEEPALIVE,           /* the streamer reads on, at OFF */
    TX_DEC_END,                 /* the disk is covered; ALG/HASH if any */
    TX_DEC_FAILED,              /* the streamer's own error: TEXT */
    TX_DEC_NOHASH,              /* hash mode: the host can hash nothing */
};

/* One record.  Pointers point into the bytes given to tx_dec_step and
 * are valid as long as they are. */
struct tx_dec_rec {
    enum tx_dec_kind kind;
    uint64_t off;
    uint64_t len;
    const unsigned char *data;  /* DATA, RAW */
    const char *text;           /* FAILED (not NUL-terminated) */
    size_t text_len;
    const char *alg;            /* END: "md5tree1m", "md5" or NULL */
    size_t alg_len;
    const char *hash;           /* END: lowercase hex, or NULL */
    size_t hash_len;
};

struct tx_dec {
    /* Set by tx_dec_init. */
    enum tx_dec_mode mode;
    uint64_t want;              /* the offset asked for */
    /* Learned from the header. */
    bool have_header;
    uint32_t version;           /* of a binary stream's header */
    bool raw;                   /* the dd fallback */
    uint64_t size;
    uint64_t offset;            /* where the records start */
    uint64_t mtime;
    bool md5;                   /* the end record carries md5tree1m */
    /* Progress. */
    uint64_t next;              /* where the next record must start */
    uint64_t alive;             /* the last keepalive's offset */
    bool done;                  /* END, FAILED or NOHASH was returned */
    const char *why;            /* why the stream was rejected (English,
                                 * static), or NULL */
};

enum {
    TX_DEC_BAD = -1,            /* rejected: d->why says why */
    TX_DEC_MORE = 0,            /* *USED is the bytes needed in all */
    TX_DEC_RECORD = 1,          /* *REC filled, *USED bytes consumed */
    TX_DEC_EOF = 2,             /* the stream ended where it may */
};

/* Start decoding a stream of MODE asked to start at WANT (hash mode:
 * anything; the streamer starts it at the disk's end). */
void tx_dec_init(struct tx_dec *d, enum tx_dec_mode mode, uint64_t want);

/* Decode the record at the start of P[0..N).  EOF: no byte follows N.
 * Returns TX_DEC_RECORD, TX_DEC_MORE (never when EOF; *USED is then the
 * number of bytes the record needs, at most TX_DEC_MAX_RECORD),
 * TX_DEC_EOF (after the last record, with N == 0 and EOF) or TX_DEC_BAD.
 * A rejected decoder stays rejected. */
int tx_dec_step(struct tx_dec *d, const unsigned char *p, size_t n,
                bool eof, struct tx_dec_rec *rec, size_t *used);

/* Decode the whole stream P[0..N), calling FN for every record.
 * 0 when it ends where it may; -1 when it is rejected (d->why) or FN
 * returned < 0. */
int tx_dec_all(struct tx_dec *d, const unsigned char *p, size_t n,
               int (*fn)(const struct tx_dec_rec *rec, void *opaque),
               void *opaque);

#endif /* X2K_TRANSFER_DECODE_H */

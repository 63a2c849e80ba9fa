/* The strict decoder of the streamer's records (see transfer-decode.h):
 * a state machine over bytes, one record per call.  Every rule of the
 * protocol that the receiver relies on is checked here and nowhere
 * else.  Pure: no I/O, no allocation; any thread, one decoder each.
 */
#include <config.h>

#include <string.h>

#include "transfer/transfer-decode.h"

#define DD_BLOCK 1048576            /* the dd fallback's block size */
#define MAX_SIZE ((uint64_t)INT64_MAX)

/* A big-endian 64-bit number. */
static uint64_t
get_u64(const unsigned char *p)
{
    uint64_t v = 0;
    int i;

    for (i = 0; i < 8; i++)
        v = (v << 8) | p[i];
    return v;
}

/* A big-endian 32-bit number. */
static uint32_t
get_u32(const unsigned char *p)
{
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) |
           ((uint32_t)p[2] << 8) | p[3];
}

/* Reject the stream for WHY. */
static int
reject(struct tx_dec *d, const char *why)
{
    d->why = why;
    return TX_DEC_BAD;
}

/* Make sure K bytes are there: else ask for them, or reject at EOF. */
#define NEED(k)                                                         \
    do {                                                                \
        if (n < (size_t)(k)) {                                          \
            if (eof)                                                    \
                return reject(d, "the stream ended inside a record");   \
            *used = (size_t)(k);                                        \
            return TX_DEC_MORE;                                         \
        }                                                               \
    } while (0)

/* Whether P[0..N) is N lowercase hex digits. */
static bool
is_hex(const unsigned char *p, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        if (!((p[i] >= '0' && p[i] <= '9') || (p[i] >= 'a' && p[i] <= 'f')))
            return false;
    }
    return true;
}

/* Parse the decimal number at *P (up to END), no sign, no overflow,
 * at most MAX_SIZE; advance *P past it. */
static bool
parse_size(const unsigned char **p, const unsigned char *end, uint64_t *v)
{
    const unsigned char *s = *p;
    uint64_t x = 0;

    if (s == end || *s < '0' || *s > '9')
        return false;
    for (; s < end && *s >= '0' && *s <= '9'; s++) {
        unsigned digit = *s - '0';

        if (x > (MAX_SIZE - digit) / 10)
            return false;
        x = x * 10 + digit;
    }
    *p = s;
    *v = x;
    return true;
}

/* The record is the last one: nothing may follow. */
static int
finish(struct tx_dec *d, struct tx_dec_rec *rec, enum tx_dec_kind kind,
       size_t len, size_t *used)
{
    rec->kind = kind;
    d->done = true;
    *used = len;
    return TX_DEC_RECORD;
}

/* The header learned: records start at OFFSET of SIZE. */
static int
header(struct tx_dec *d, struct tx_dec_rec *rec, uint64_t size,
       uint64_t offset, size_t len, size_t *used)
{
    d->have_header = true;
    d->size = size;
    d->offset = d->next = offset;
    rec->kind = TX_DEC_HEADER;
    rec->off = offset;
    rec->len = size;
    *used = len;
    return TX_DEC_RECORD;
}

/* One line of the fallbacks (the shell's answers without perl). */
static int
line(struct tx_dec *d, const unsigned char *p, size_t n, bool eof,
     struct tx_dec_rec *rec, size_t *used)
{
    const unsigned char *nl = memchr(p, '\n', n < TX_DEC_MAX_LINE
                                                 ? n : TX_DEC_MAX_LINE);
    const unsigned char *s, *end;
    size_t len;
    uint64_t size, off;

    if (!nl) {
        if (n >= TX_DEC_MAX_LINE)
            return reject(d, "a line too long");
        NEED(n + 1);
    }
    end = nl;
    len = (size_t)(nl - p) + 1;
    if (end - p >= 7 && memcmp(p, "X2KERR ", 7) == 0) {
        rec->text = (const char *)p + 7;
        rec->text_len = (size_t)(end - p) - 7;
        return finish(d, rec, TX_DEC_FAILED, len, used);
    }
    if (d->mode == TX_DEC_HASH) {
        if (end - p == 1 && p[0] == 'K') {
            rec->kind = TX_DEC_KEEPALIVE;
            *used = len;
            return TX_DEC_RECORD;
        }
        if (end - p == 9 && memcmp(p, "X2KNOHASH", 9) == 0)
            return finish(d, rec, TX_DEC_NOHASH, len, used);
        if (end - p == 7 + 32 && memcmp(p, "X2KMD5 ", 7) == 0 &&
            is_hex(p + 7, 32)) {
            rec->alg = "md5";
            rec->alg_len = 3;
            rec->hash = (const char *)p + 7;
            rec->hash_len = 32;
            return finish(d, rec, TX_DEC_END, len, used);
        }
        return reject(d, "an unknown answer in hash mode");
    }
    if (end - p < 8 || memcmp(p, "X2KRAW1 ", 8) != 0)
        return reject(d, "an unknown line");
    s = p + 8;
    if (!parse_size(&s, end, &size) || s == end || *s++ != ' ' ||
        !parse_size(&s, end, &off) || s != end)
        return reject(d, "a bad X2KRAW1 line");
    if (off != d->want)
        return reject(d, "a raw stream from another offset");
    if (off < size && off % DD_BLOCK != 0)
        return reject(d, "a raw stream from an unaligned offset");
    d->raw = true;
    return header(d, rec, size, off < size ? off : size, len, used);
}

/* The streamer's error record: 'X' N:length text, the last record. */
static int
error_record(struct tx_dec *d, const unsigned char *p, size_t n, bool eof,
             struct tx_dec_rec *rec, size_t *used)
{
    uint32_t len;

    NEED(5);
    len = get_u32(p + 1);
    if (len > TX_DEC_MAX_TEXT)
        return reject(d, "an error record too long");
    NEED(5 + (size_t)len);
    rec->text = (const char *)p + 5;
    rec->text_len = len;
    return finish(d, rec, TX_DEC_FAILED, 5 + (size_t)len, used);
}

/* The stream's beginning: a header, a fallback line, or an error. */
static int
start(struct tx_dec *d, const unsigned char *p, size_t n, bool eof,
      struct tx_dec_rec *rec, size_t *used)
{
    uint64_t size, offset;
    uint32_t flags;

    NEED(1);
    if (d->mode == TX_DEC_HASH && p[0] == 'K')
        return line(d, p, n, eof, rec, used);
    if (p[0] != 'X')
        return reject(d, "not the disk streamer's output");
    NEED(3);
    /* An error record before the header (the disk did not open). */
    if (p[1] == 0 && p[2] == 0)
        return error_record(d, p, n, eof, rec, used);
    NEED(4);
    if (memcmp(p, "X2KS", 4) != 0)
        return line(d, p, n, eof, rec, used);
    NEED(TX_DEC_HEADER_LEN);
    d->version = get_u32(p + 4);
    if (d->version != TX_DEC_VERSION)
        return reject(d, "another protocol version");
    size = get_u64(p + 8);
    offset = get_u64(p + 16);
    d->mtime = get_u64(p + 24);
    flags = get_u32(p + 32);
    if (size > MAX_SIZE)
        return reject(d, "a disk size too large");
    if (flags > 1)
        return reject(d, "unknown header flags");
    d->md5 = flags & 1;
    if (d->mode == TX_DEC_HASH ? offset != size
                               : offset != (d->want < size ? d->want : size))
        return reject(d, "a stream from another offset");
    return header(d, rec, size, offset, TX_DEC_HEADER_LEN, used);
}

/* The end record: the size again and the checksum the header promised. */
static int
end_record(struct tx_dec *d, const unsigned char *p, size_t n, bool eof,
           struct tx_dec_rec *rec, size_t *used)
{
    size_t alen, hlen;

    NEED(10);
    alen = p[9];
    NEED(11 + alen);
    hlen = p[10 + alen];
    NEED(11 + alen + hlen);
    if (get_u64(p + 1) != d->size)
        return reject(d, "an end record of another size");
    if (d->next != d->size)
        return reject(d, "an end record before the disk was covered");
    if (d->md5) {
        if (alen != 9 || memcmp(p + 10, "md5tree1m", 9) != 0 ||
            hlen != 32 || !is_hex(p + 11 + alen, hlen))
            return reject(d, "an end record without its checksum");
        rec->alg = (const char *)p + 10;
        rec->alg_len = alen;
        rec->hash = (const char *)p + 11 + alen;
        rec->hash_len = hlen;
    } else if (alen || hlen) {
        return reject(d, "an end record with an unasked checksum");
    }
    rec->off = d->size;
    return finish(d, rec, TX_DEC_END, 11 + alen + hlen, used);
}

/* The next data or zero record: exactly at NEXT, not empty, inside. */
static int
check_range(struct tx_dec *d, uint64_t off, uint64_t len)
{
    if (off != d->next)
        return reject(d, "a record out of order");
    if (len == 0)
        return reject(d, "an empty record");
    if (len > d->size - d->next)
        return reject(d, "a record past the disk's end");
    return 0;
}

/* A record of the binary stream, after the header. */
static int
record(struct tx_dec *d, const unsigned char *p, size_t n, bool eof,
       struct tx_dec_rec *rec, size_t *used)
{
    uint64_t off, len;

    NEED(1);
    switch (p[0]) {
    case 'D':
        NEED(13);
        off = get_u64(p + 1);
        len = get_u32(p + 9);
        if (check_range(d, off, len) < 0)
            return TX_DEC_BAD;
        if (len > TX_DEC_MAX_DATA)
            return reject(d, "a data record too long");
        NEED(13 + (size_t)len);
        rec->kind = TX_DEC_DATA;
        rec->off = off;
        rec->len = len;
        rec->data = p + 13;
        d->next += len;
        *used = 13 + (size_t)len;
        return TX_DEC_RECORD;
    case 'Z':
        NEED(17);
        off = get_u64(p + 1);
        len = get_u64(p + 9);
        if (check_range(d, off, len) < 0)
            return TX_DEC_BAD;
        rec->kind = TX_DEC_ZERO;
        rec->off = off;
        rec->len = len;
        d->next += len;
        *used = 17;
        return TX_DEC_RECORD;
    case 'K':
        NEED(9);
        off = get_u64(p + 1);
        if (off <= d->alive)
            return reject(d, "a keepalive that does not advance");
        if (off > d->size)
            return reject(d, "a keepalive past the disk's end");
        d->alive = off;
        rec->kind = TX_DEC_KEEPALIVE;
        rec->off = off;
        *used = 9;
        return TX_DEC_RECORD;
    case 'E':
        return end_record(d, p, n, eof, rec, used);
    case 'X':
        return error_record(d, p, n, eof, rec, used);
    default:
        return reject(d, "an unknown record");
    }
}

/* The dd fallback: the disk's bytes from the offset, nothing more. */
static int
raw_chunk(struct tx_dec *d, const unsigned char *p, size_t n, bool eof,
          struct tx_dec_rec *rec, size_t *used)
{
    uint64_t len = d->size - d->next;

    if (len == 0) {
        rec->off = d->size;
        return finish(d, rec, TX_DEC_END, 0, used);
    }
    if (len > TX_DEC_MAX_DATA)
        len = TX_DEC_MAX_DATA;
    NEED(len);
    rec->kind = TX_DEC_RAW;
    rec->off = d->next;
    rec->len = len;
    rec->data = p;
    d->next += len;
    *used = (size_t)len;
    return TX_DEC_RECORD;
}

void
tx_dec_init(struct tx_dec *d, enum tx_dec_mode mode, uint64_t want)
{
    memset(d, 0, sizeof *d);
    d->mode = mode;
    d->want = want;
}

int
tx_dec_step(struct tx_dec *d, const unsigned char *p, size_t n, bool eof,
            struct tx_dec_rec *rec, size_t *used)
{
    memset(rec, 0, sizeof *rec);
    *used = 0;
    if (d->why)
        return TX_DEC_BAD;
    if (d->done) {
        if (n > 0)
            return reject(d, "bytes after the end of the stream");
        if (eof)
            return TX_DEC_EOF;
        *used = 1;
        return TX_DEC_MORE;
    }
    if (!d->have_header)
        return start(d, p, n, eof, rec, used);
    if (d->raw)
        return raw_chunk(d, p, n, eof, rec, used);
    return record(d, p, n, eof, rec, used);
}

int
tx_dec_all(struct tx_dec *d, const unsigned char *p, size_t n,
           int (*fn)(const struct tx_dec_rec *rec, void *opaque),
           void *opaque)
{
    struct tx_dec_rec rec;
    size_t pos = 0, used;

    for (;;) {
        switch (tx_dec_step(d, p + pos, n - pos, true, &rec, &used)) {
        case TX_DEC_RECORD:
            if (fn && fn(&rec, opaque) < 0)
                return -1;
            pos += used;
            break;
        case TX_DEC_EOF:
            return 0;
        default:
            return -1;
        }
    }
}

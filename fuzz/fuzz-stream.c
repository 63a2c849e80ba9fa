/* libFuzzer harness for the strict stream decoder (core/transfer/
 * transfer-decode.c), the one reader of what a Xen host's streamer
 * sends.  An input is a 9-byte prologue (mode byte: bit 0 = hash mode;
 * the offset asked for, big-endian) and the stream.  The stream is
 * decoded whole, then again in chunks whose sizes come from the input,
 * and every record is checked against what the receiver relies on:
 * records in order from the header's offset, inside the disk, never
 * empty, data no longer than the protocol allows, the end only when the
 * disk is covered, nothing after it.  Both decodings must agree.  A
 * broken rule aborts, as a crash or sanitizer report does: each is a
 * bug.  See fuzz/README for how to run it and where the corpus comes
 * from (the real streamer, fuzz/make-stream-seeds.sh).
 */
#include <config.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "transfer/transfer-decode.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* What one decoding saw, to compare the two. */
struct trace {
    uint64_t sum;               /* a running hash of every record */
    size_t n;
    bool have_header;
    uint64_t size, next;
    bool ended;
};

/* Fold V into T's hash. */
static void
mix(struct trace *t, uint64_t v)
{
    t->sum = (t->sum ^ v) * 0x100000001b3ULL;
}

/* Check REC against the rules and fold it into T. */
static int
check(const struct tx_dec_rec *rec, void *opaque)
{
    struct trace *t = opaque;
    size_t i;

    if (t->ended)
        abort();                /* nothing after the end */
    t->n++;
    mix(t, rec->kind);
    switch (rec->kind) {
    case TX_DEC_HEADER:
        if (t->have_header || rec->off > rec->len)
            abort();
        t->have_header = true;
        t->size = rec->len;
        t->next = rec->off;
        mix(t, rec->off);
        mix(t, rec->len);
        break;
    case TX_DEC_DATA:
    case TX_DEC_ZERO:
    case TX_DEC_RAW:
        if (!t->have_header || rec->off != t->next || rec->len == 0 ||
            rec->len > t->size - t->next)
            abort();
        if (rec->kind != TX_DEC_ZERO && rec->len > TX_DEC_MAX_DATA)
            abort();
        for (i = 0; rec->data && i < rec->len; i++)
            mix(t, rec->data[i]);
        t->next += rec->len;
        mix(t, rec->off);
        break;
    case TX_DEC_KEEPALIVE:
        mix(t, rec->off);
        break;
    case TX_DEC_END:
        if (t->have_header && t->next != t->size)
            abort();
        for (i = 0; i < rec->hash_len; i++)
            mix(t, (unsigned char)rec->hash[i]);
        t->ended = true;
        break;
    case TX_DEC_FAILED:
        if (rec->text_len > TX_DEC_MAX_TEXT)
            abort();
        for (i = 0; i < rec->text_len; i++)
            mix(t, (unsigned char)rec->text[i]);
        t->ended = true;
        break;
    case TX_DEC_NOHASH:
        t->ended = true;
        break;
    }
    return 0;
}

/* Decode P[0..N) in chunks: the reader's loop, bytes arriving a few at
 * a time (chunk sizes from SEED), EOF only after the last one. */
static int
decode_chunked(struct tx_dec *d, const uint8_t *p, size_t n, uint32_t seed,
               struct trace *t)
{
    struct tx_dec_rec rec;
    size_t have = 0, pos = 0, used;

    for (;;) {
        int k = tx_dec_step(d, p + pos, have - pos, have == n, &rec, &used);

        if (k == TX_DEC_RECORD) {
            if (used > have - pos)
                abort();
            check(&rec, t);
            pos += used;
        } else if (k == TX_DEC_MORE) {
            if (used <= have - pos || used > TX_DEC_MAX_RECORD || have == n)
                abort();
            seed = seed * 1103515245 + 12345;
            have += 1 + (seed >> 16) % 4096;
            if (have > n)
                have = n;
        } else {
            return k == TX_DEC_EOF ? 0 : -1;
        }
    }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct trace whole = { 0 }, chunked = { 0 };
    struct tx_dec a, b;
    enum tx_dec_mode mode;
    uint64_t want = 0;
    int ra, rb;
    size_t i;

    if (size < 9)
        return 0;
    mode = data[0] & 1 ? TX_DEC_HASH : TX_DEC_COPY;
    for (i = 1; i < 9; i++)
        want = want << 8 | data[i];
    data += 9;
    size -= 9;

    tx_dec_init(&a, mode, want);
    ra = tx_dec_all(&a, data, size, check, &whole);
    if ((ra < 0) != (a.why != NULL))
        abort();
    if (ra == 0 && !whole.ended)
        abort();                /* accepted without an end */

    tx_dec_init(&b, mode, want);
    rb = decode_chunked(&b, data, size, (uint32_t)size, &chunked);
    if (ra != rb || whole.n != chunked.n || whole.sum != chunked.sum)
        abort();
    return 0;
}

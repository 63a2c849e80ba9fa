/* Unit tests for the strict stream decoder (core/transfer/
 * transfer-decode.c): well-formed streams of every kind are accepted
 * and give their records in order; each rule of the protocol rejects
 * the stream that breaks it (order, gaps, overlaps, zero-length and
 * looping records, overflowing lengths, an early or wrong end record,
 * bytes after the end, truncation, another version, keepalives that do
 * not advance, checksums not asked for, the dd fallback's bounds, the
 * hash mode's answers); and decoding byte by byte gives the same
 * records as decoding the whole buffer.
 */
#include <config.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <cmocka.h>

#include "base/util.h"
#include "transfer/transfer-decode.h"

#define MIB 1048576ULL

static void
put_u64(struct x2k_buf *b, uint64_t v)
{
    unsigned char p[8];
    int i;

    for (i = 7; i >= 0; i--, v >>= 8)
        p[i] = (unsigned char)(v & 0xff);
    x2k_buf_append(b, p, 8);
}

static void
put_u32(struct x2k_buf *b, uint32_t v)
{
    unsigned char p[4] = { v >> 24, v >> 16, v >> 8, v };

    x2k_buf_append(b, p, 4);
}

static void
header(struct x2k_buf *b, uint32_t version, uint64_t size, uint64_t off,
       uint32_t flags)
{
    x2k_buf_append(b, "X2KS", 4);
    put_u32(b, version);
    put_u64(b, size);
    put_u64(b, off);
    put_u64(b, 1234567890);
    put_u32(b, flags);
}

static void
data(struct x2k_buf *b, uint64_t off, uint32_t len)
{
    uint32_t i;

    x2k_buf_append(b, "D", 1);
    put_u64(b, off);
    put_u32(b, len);
    for (i = 0; i < len; i++)
        x2k_buf_append(b, "\xa5", 1);
}

static void
zero(struct x2k_buf *b, uint64_t off, uint64_t len)
{
    x2k_buf_append(b, "Z", 1);
    put_u64(b, off);
    put_u64(b, len);
}

static void
alive(struct x2k_buf *b, uint64_t pos)
{
    x2k_buf_append(b, "K", 1);
    put_u64(b, pos);
}

static void
end(struct x2k_buf *b, uint64_t size, const char *alg, const char *hex)
{
    unsigned char n;

    x2k_buf_append(b, "E", 1);
    put_u64(b, size);
    n = (unsigned char)strlen(alg);
    x2k_buf_append(b, &n, 1);
    x2k_buf_append(b, alg, n);
    n = (unsigned char)strlen(hex);
    x2k_buf_append(b, &n, 1);
    x2k_buf_append(b, hex, n);
}

static void
error_rec(struct x2k_buf *b, uint32_t len, const char *text)
{
    x2k_buf_append(b, "X", 1);
    put_u32(b, len);
    x2k_buf_puts(b, text);
}

/* What a decoded stream gave: the records' kinds as letters, and the
 * last offset covered. */
struct seen {
    char kinds[64];
    size_t n;
    uint64_t covered;
    char hash[64];
    char text[64];
};

static int
note(const struct tx_dec_rec *rec, void *opaque)
{
    static const char letters[] = "HDZRKEFN";
    struct seen *s = opaque;

    if (s->n + 1 < sizeof s->kinds)
        s->kinds[s->n++] = letters[rec->kind];
    if (rec->kind == TX_DEC_DATA || rec->kind == TX_DEC_ZERO ||
        rec->kind == TX_DEC_RAW) {
        assert_int_equal(rec->off, s->covered);
        s->covered = rec->off + rec->len;
    }
    if (rec->kind == TX_DEC_HEADER)
        s->covered = rec->off;
    if (rec->kind == TX_DEC_END && rec->hash)
        snprintf(s->hash, sizeof s->hash, "%.*s:%.*s", (int)rec->alg_len,
                 rec->alg, (int)rec->hash_len, rec->hash);
    if (rec->kind == TX_DEC_FAILED)
        snprintf(s->text, sizeof s->text, "%.*s", (int)rec->text_len,
                 rec->text);
    return 0;
}

/* Decode B whole in MODE from WANT; the result of tx_dec_all. */
static int
decode(struct x2k_buf *b, enum tx_dec_mode mode, uint64_t want,
       struct tx_dec *d, struct seen *s)
{
    memset(s, 0, sizeof *s);
    tx_dec_init(d, mode, want);
    return tx_dec_all(d, (const unsigned char *)b->data, b->len, note, s);
}

/* B must be rejected for a reason containing WHY. */
static void
rejected(struct x2k_buf *b, enum tx_dec_mode mode, uint64_t want,
         const char *why)
{
    struct tx_dec d;
    struct seen s;

    assert_int_equal(decode(b, mode, want, &d, &s), -1);
    assert_non_null(d.why);
    if (!strstr(d.why, why))
        fail_msg("rejected for '%s', expected '%s'", d.why, why);
    x2k_buf_clear(b);
}

static void
test_good_streams(void **state)
{
    struct x2k_buf b = { 0 };
    struct tx_dec d;
    struct seen s;

    /* From 0: data, zeros, a keepalive, data, end. */
    header(&b, 2, 3 * MIB + 5, 0, 0);
    data(&b, 0, 4096);
    zero(&b, 4096, 2 * MIB);
    alive(&b, 2 * MIB);
    data(&b, 2 * MIB + 4096, MIB - 4096 + 5);
    end(&b, 3 * MIB + 5, "", "");
    assert_int_equal(decode(&b, TX_DEC_COPY, 0, &d, &s), 0);
    assert_string_equal(s.kinds, "HDZKDE");
    assert_int_equal(s.covered, 3 * MIB + 5);
    assert_int_equal(d.mtime, 1234567890);
    x2k_buf_clear(&b);

    /* A resume from 1 MiB, with the checksum of the whole disk. */
    header(&b, 2, 2 * MIB, MIB, 1);
    alive(&b, MIB / 2);
    zero(&b, MIB, MIB);
    end(&b, 2 * MIB, "md5tree1m", "0123456789abcdef0123456789abcdef");
    assert_int_equal(decode(&b, TX_DEC_COPY, MIB, &d, &s), 0);
    assert_string_equal(s.kinds, "HKZE");
    assert_string_equal(s.hash,
                        "md5tree1m:0123456789abcdef0123456789abcdef");
    x2k_buf_clear(&b);

    /* Asked past the end of a disk that shrank: it starts at its end. */
    header(&b, 2, MIB, MIB, 0);
    end(&b, MIB, "", "");
    assert_int_equal(decode(&b, TX_DEC_COPY, 5 * MIB, &d, &s), 0);
    assert_string_equal(s.kinds, "HE");
    x2k_buf_clear(&b);

    /* An empty disk. */
    header(&b, 2, 0, 0, 0);
    end(&b, 0, "", "");
    assert_int_equal(decode(&b, TX_DEC_COPY, 0, &d, &s), 0);
    x2k_buf_clear(&b);

    /* The streamer's error, before or after the header. */
    error_rec(&b, 12, "cannot open!");
    assert_int_equal(decode(&b, TX_DEC_COPY, 0, &d, &s), 0);
    assert_string_equal(s.kinds, "F");
    assert_string_equal(s.text, "cannot open!");
    x2k_buf_clear(&b);
    header(&b, 2, MIB, 0, 0);
    data(&b, 0, 10);
    error_rec(&b, 5, "short");
    assert_int_equal(decode(&b, TX_DEC_COPY, 0, &d, &s), 0);
    assert_string_equal(s.kinds, "HDF");
    x2k_buf_clear(&b);
}

static void
test_order_and_coverage(void **state)
{
    struct x2k_buf b = { 0 };

    /* A gap. */
    header(&b, 2, MIB, 0, 0);
    data(&b, 0, 10);
    data(&b, 20, 10);
    rejected(&b, TX_DEC_COPY, 0, "out of order");
    /* An overlap. */
    header(&b, 2, MIB, 0, 0);
    data(&b, 0, 10);
    data(&b, 5, 10);
    rejected(&b, TX_DEC_COPY, 0, "out of order");
    /* A loop: the same range again. */
    header(&b, 2, MIB, 0, 0);
    zero(&b, 0, 10);
    zero(&b, 0, 10);
    rejected(&b, TX_DEC_COPY, 0, "out of order");
    /* Records before the resume offset. */
    header(&b, 2, 2 * MIB, MIB, 0);
    data(&b, 0, 10);
    rejected(&b, TX_DEC_COPY, MIB, "out of order");
    /* A header from another offset than asked. */
    header(&b, 2, 2 * MIB, 0, 0);
    rejected(&b, TX_DEC_COPY, MIB, "another offset");
    header(&b, 2, 2 * MIB, MIB, 0);
    rejected(&b, TX_DEC_COPY, 0, "another offset");
    /* Zero-length records. */
    header(&b, 2, MIB, 0, 0);
    data(&b, 0, 0);
    rejected(&b, TX_DEC_COPY, 0, "empty record");
    header(&b, 2, MIB, 0, 0);
    zero(&b, 0, 0);
    rejected(&b, TX_DEC_COPY, 0, "empty record");
    /* Past the end, and lengths that would overflow. */
    header(&b, 2, MIB, 0, 0);
    data(&b, 0, MIB - 5);
    data(&b, MIB - 5, 10);
    rejected(&b, TX_DEC_COPY, 0, "past the disk's end");
    header(&b, 2, MIB, 0, 0);
    data(&b, 0, 10);
    zero(&b, 10, UINT64_MAX - 5);
    rejected(&b, TX_DEC_COPY, 0, "past the disk's end");
    header(&b, 2, UINT64_MAX, 0, 0);
    rejected(&b, TX_DEC_COPY, 0, "too large");
    /* A data record longer than the protocol allows. */
    header(&b, 2, 4 * MIB, 0, 0);
    data(&b, 0, MIB + 1);
    rejected(&b, TX_DEC_COPY, 0, "too long");
}

static void
test_end_rules(void **state)
{
    struct x2k_buf b = { 0 };

    /* Before the disk is covered. */
    header(&b, 2, MIB, 0, 0);
    data(&b, 0, 10);
    end(&b, MIB, "", "");
    rejected(&b, TX_DEC_COPY, 0, "before the disk was covered");
    /* Of another size. */
    header(&b, 2, 10, 0, 0);
    data(&b, 0, 10);
    end(&b, 11, "", "");
    rejected(&b, TX_DEC_COPY, 0, "another size");
    /* Bytes after it. */
    header(&b, 2, 10, 0, 0);
    data(&b, 0, 10);
    end(&b, 10, "", "");
    x2k_buf_append(&b, "Z", 1);
    rejected(&b, TX_DEC_COPY, 0, "after the end");
    /* None at all: the stream stops after the last data. */
    header(&b, 2, 10, 0, 0);
    data(&b, 0, 10);
    rejected(&b, TX_DEC_COPY, 0, "ended inside a record");
    /* Truncated inside a data record. */
    header(&b, 2, MIB, 0, 0);
    data(&b, 0, 100);
    b.len -= 1;
    rejected(&b, TX_DEC_COPY, 0, "ended inside a record");
    /* The checksum the header promised, and only that one. */
    header(&b, 2, 10, 0, 1);
    data(&b, 0, 10);
    end(&b, 10, "", "");
    rejected(&b, TX_DEC_COPY, 0, "without its checksum");
    header(&b, 2, 10, 0, 1);
    data(&b, 0, 10);
    end(&b, 10, "md5tree1m", "0123456789ABCDEF0123456789ABCDEF");
    rejected(&b, TX_DEC_COPY, 0, "without its checksum");
    header(&b, 2, 10, 0, 0);
    data(&b, 0, 10);
    end(&b, 10, "md5tree1m", "0123456789abcdef0123456789abcdef");
    rejected(&b, TX_DEC_COPY, 0, "unasked checksum");
}

static void
test_header_and_records(void **state)
{
    struct x2k_buf b = { 0 };
    struct tx_dec d;
    struct seen s;

    /* Another protocol version: rejected, the version kept. */
    header(&b, 1, 10, 0, 0);
    assert_int_equal(decode(&b, TX_DEC_COPY, 0, &d, &s), -1);
    assert_int_equal(d.version, 1);
    x2k_buf_clear(&b);
    header(&b, 2, 10, 0, 2);
    rejected(&b, TX_DEC_COPY, 0, "flags");
    x2k_buf_puts(&b, "SSH-2.0-OpenSSH_9.2\r\n");
    rejected(&b, TX_DEC_COPY, 0, "not the disk streamer");
    x2k_buf_puts(&b, "X2KSa");
    rejected(&b, TX_DEC_COPY, 0, "ended inside a record");
    /* Unknown records. */
    header(&b, 2, 10, 0, 0);
    x2k_buf_append(&b, "Q", 1);
    rejected(&b, TX_DEC_COPY, 0, "unknown record");
    /* Keepalives must advance and stay inside the disk. */
    header(&b, 2, 10 * MIB, 0, 0);
    alive(&b, MIB);
    alive(&b, MIB);
    rejected(&b, TX_DEC_COPY, 0, "does not advance");
    header(&b, 2, 10 * MIB, 0, 0);
    alive(&b, 0);
    rejected(&b, TX_DEC_COPY, 0, "does not advance");
    header(&b, 2, 10 * MIB, 0, 0);
    alive(&b, 11 * MIB);
    rejected(&b, TX_DEC_COPY, 0, "past the disk's end");
    /* Error records stay short. */
    header(&b, 2, 10, 0, 0);
    error_rec(&b, 70000, "x");
    rejected(&b, TX_DEC_COPY, 0, "too long");
}

static void
test_dd_fallback(void **state)
{
    struct x2k_buf b = { 0 };
    struct tx_dec d;
    struct seen s;
    size_t i;

    x2k_buf_puts(&b, "X2KRAW1 5 0\nabcde");
    assert_int_equal(decode(&b, TX_DEC_COPY, 0, &d, &s), 0);
    assert_string_equal(s.kinds, "HRE");
    assert_true(d.raw);
    x2k_buf_clear(&b);
    /* A resume: the bytes from the offset on. */
    x2k_buf_puts(&b, "X2KRAW1 1048580 1048576\nabcd");
    assert_int_equal(decode(&b, TX_DEC_COPY, MIB, &d, &s), 0);
    assert_int_equal(s.covered, MIB + 4);
    x2k_buf_clear(&b);
    /* More than a chunk: chunks of 1 MiB. */
    x2k_buf_puts(&b, "X2KRAW1 2097153 0\n");
    for (i = 0; i < 2 * MIB + 1; i++)
        x2k_buf_append(&b, "\0", 1);
    assert_int_equal(decode(&b, TX_DEC_COPY, 0, &d, &s), 0);
    assert_string_equal(s.kinds, "HRRRE");
    x2k_buf_clear(&b);

    x2k_buf_puts(&b, "X2KRAW1 5 0\nabcdef");
    rejected(&b, TX_DEC_COPY, 0, "after the end");
    x2k_buf_puts(&b, "X2KRAW1 5 0\nabcd");
    rejected(&b, TX_DEC_COPY, 0, "ended inside a record");
    x2k_buf_puts(&b, "X2KRAW1 5 1\nabcd");
    rejected(&b, TX_DEC_COPY, 0, "another offset");
    x2k_buf_puts(&b, "X2KRAW1 3145728 5\n");
    rejected(&b, TX_DEC_COPY, 5, "unaligned");
    x2k_buf_puts(&b, "X2KRAW1 -1 0\n");
    rejected(&b, TX_DEC_COPY, 0, "bad X2KRAW1");
    x2k_buf_puts(&b, "X2KRAW1 99999999999999999999 0\n");
    rejected(&b, TX_DEC_COPY, 0, "bad X2KRAW1");
    x2k_buf_puts(&b, "X2KRAW1 9223372036854775808 0\n");
    rejected(&b, TX_DEC_COPY, 0, "bad X2KRAW1");
    x2k_buf_puts(&b, "X2KRAW1 5  0\n");
    rejected(&b, TX_DEC_COPY, 0, "bad X2KRAW1");
    x2k_buf_puts(&b, "X2KRAW1 5 0");
    rejected(&b, TX_DEC_COPY, 0, "ended inside a record");
    for (i = 0; i < 200; i++)
        x2k_buf_puts(&b, "X");
    rejected(&b, TX_DEC_COPY, 0, "too long");
    x2k_buf_puts(&b, "X2KERR x2k-streamer: cannot read /dev/x\n");
    assert_int_equal(decode(&b, TX_DEC_COPY, 0, &d, &s), 0);
    assert_string_equal(s.text, "x2k-streamer: cannot read /dev/x");
    x2k_buf_clear(&b);
}

static void
test_hash_mode(void **state)
{
    struct x2k_buf b = { 0 };
    struct tx_dec d;
    struct seen s;

    x2k_buf_puts(&b, "K\nK\nX2KMD5 0123456789abcdef0123456789abcdef\n");
    assert_int_equal(decode(&b, TX_DEC_HASH, 0, &d, &s), 0);
    assert_string_equal(s.kinds, "KKE");
    assert_string_equal(s.hash, "md5:0123456789abcdef0123456789abcdef");
    x2k_buf_clear(&b);
    x2k_buf_puts(&b, "X2KNOHASH\n");
    assert_int_equal(decode(&b, TX_DEC_HASH, 0, &d, &s), 0);
    assert_string_equal(s.kinds, "N");
    x2k_buf_clear(&b);
    header(&b, 2, 5 * MIB, 5 * MIB, 1);
    alive(&b, MIB);
    alive(&b, 3 * MIB);
    end(&b, 5 * MIB, "md5tree1m", "0123456789abcdef0123456789abcdef");
    assert_int_equal(decode(&b, TX_DEC_HASH, 0, &d, &s), 0);
    assert_string_equal(s.kinds, "HKKE");
    x2k_buf_clear(&b);

    x2k_buf_puts(&b, "X2KMD5 0123456789abcdef0123456789abcde\n");
    rejected(&b, TX_DEC_HASH, 0, "unknown answer");
    x2k_buf_puts(&b, "X2KMD5 0123456789abcdef0123456789abcdef\nK\n");
    rejected(&b, TX_DEC_HASH, 0, "after the end");
    x2k_buf_puts(&b, "X2KRAW1 5 0\nabcde");
    rejected(&b, TX_DEC_HASH, 0, "unknown answer");
    /* The hash mode sends no data: its header starts at the end. */
    header(&b, 2, 5 * MIB, 0, 1);
    rejected(&b, TX_DEC_HASH, 0, "another offset");
    header(&b, 2, 5 * MIB, 5 * MIB, 1);
    data(&b, 5 * MIB, 1);
    rejected(&b, TX_DEC_HASH, 0, "past the disk's end");
    /* Text answers are not a copy stream. */
    x2k_buf_puts(&b, "K\n");
    rejected(&b, TX_DEC_COPY, 0, "not the disk streamer");
}

/* Fed one byte at a time (EOF only at the end), the decoder gives the
 * records the whole buffer gives. */
static void
test_byte_by_byte(void **state)
{
    struct x2k_buf b = { 0 };
    struct tx_dec d, whole;
    struct tx_dec_rec rec;
    struct seen s, w;
    size_t have = 0, pos = 0, used;
    int k;

    header(&b, 2, 2 * MIB + 3, 0, 0);
    data(&b, 0, 300);
    zero(&b, 300, MIB);
    alive(&b, MIB);
    data(&b, MIB + 300, MIB + 3 - 300);
    end(&b, 2 * MIB + 3, "", "");
    assert_int_equal(decode(&b, TX_DEC_COPY, 0, &whole, &w), 0);

    memset(&s, 0, sizeof s);
    tx_dec_init(&d, TX_DEC_COPY, 0);
    for (;;) {
        k = tx_dec_step(&d, (const unsigned char *)b.data + pos, have - pos,
                        have == b.len, &rec, &used);
        if (k == TX_DEC_RECORD) {
            note(&rec, &s);
            pos += used;
        } else if (k == TX_DEC_MORE) {
            assert_true(used > have - pos);
            assert_true(used <= TX_DEC_MAX_RECORD);
            assert_true(have < b.len);
            have++;
        } else {
            break;
        }
    }
    assert_int_equal(k, TX_DEC_EOF);
    assert_string_equal(s.kinds, w.kinds);
    assert_int_equal(s.covered, w.covered);
    x2k_buf_clear(&b);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_good_streams),
        cmocka_unit_test(test_order_and_coverage),
        cmocka_unit_test(test_end_rules),
        cmocka_unit_test(test_header_and_records),
        cmocka_unit_test(test_dd_fallback),
        cmocka_unit_test(test_hash_mode),
        cmocka_unit_test(test_byte_by_byte),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}

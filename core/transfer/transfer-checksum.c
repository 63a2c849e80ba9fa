/* Zero detection and the md5tree1m checksum (md5 over the md5 of each
 * aligned 1 MiB block), the primitives that the readers, the journal and
 * --verify share.  Pure functions and per-object state: any thread, one
 * object per thread.
 */
#include <config.h>

#include <stdio.h>

#include "base/i18n.h"
#include "transfer/transfer-internal.h"

/* Whether the LEN bytes at BUF are all zero. */
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

/* A context ready for md5, or X2K_ERR_UNSUPPORTED. */
int
tx_md5_new(EVP_MD_CTX **md, struct x2k_error *err)
{
    *md = EVP_MD_CTX_new();
    if (*md && EVP_DigestInit_ex(*md, EVP_md5(), NULL) == 1)
        return 0;
    EVP_MD_CTX_free(*md);
    *md = NULL;
    x2k_error_set(err, X2K_ERR_UNSUPPORTED,
                  _("MD5 checksums are not available: the OpenSSL library refused them."));
    return -1;
}

/* Start an md5tree1m checksum. */
int
tx_tree_init(struct tx_tree *t, struct x2k_error *err)
{
    static const char zero_block[TX_BLOCK];

    if (tx_md5_new(&t->outer, err) < 0)
        return -1;
    EVP_Digest(zero_block, TX_BLOCK, t->zero_digest, NULL, EVP_md5(), NULL);
    return 0;
}

/* Add the next block of data (TX_BLOCK bytes, or fewer at the end). */
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

/* Add the next block, LEN zero bytes, without reading them. */
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

/* The N bytes at D as lowercase hex. */
char *
tx_hex(const unsigned char *d, size_t n)
{
    char *hex = x2k_xmalloc(2 * n + 1);
    size_t i;

    for (i = 0; i < n; i++)
        snprintf(hex + 2 * i, 3, "%02x", d[i]);
    return hex;
}

/* Finish the checksum: its hex digest. */
char *
tx_tree_final(struct tx_tree *t)
{
    unsigned char d[EVP_MAX_MD_SIZE];
    unsigned int n = 0;

    EVP_DigestFinal_ex(t->outer, d, &n);
    EVP_MD_CTX_free(t->outer);
    t->outer = NULL;
    return tx_hex(d, n);
}

/* Release an unfinished checksum. */
void
tx_tree_free(struct tx_tree *t)
{
    if (t && t->outer) {
        EVP_MD_CTX_free(t->outer);
        t->outer = NULL;
    }
}

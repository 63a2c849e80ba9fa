/* --verify: the checksum of the output (a local file, read as the disk
 * it holds: holes read as zeros without reading them) compared with the
 * source's.  Runs on the transfer worker that copied the disk, or on
 * the caller's thread through x2k_transfer_hash_file().
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "base/i18n.h"
#include "transfer/transfer-job.h"

/* The checksum ALG of a local file, holes read as zeros. */
int
x2k_transfer_hash_file(const char *path, const char *alg, char **hex,
                       struct x2k_reporter *reporter, struct x2k_error *err)
{
    return x2k_transfer_hash_range(path, 0, UINT64_MAX, alg, hex, reporter,
                                   err);
}

/* The checksum ALG of LENGTH bytes at BASE of a local file (to its end
 * if shorter), blocks counted from BASE, holes read as zeros. */
int
x2k_transfer_hash_range(const char *path, uint64_t base, uint64_t length,
                        const char *alg, char **hex,
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
    if (base > size)
        base = size;
    if (length < size - base)
        size = base + length;
    posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
    buf = x2k_xmalloc(TX_BLOCK);
    if (tree ? tx_tree_init(&t, err) < 0 : tx_md5_new(&plain, err) < 0)
        goto out;
    for (pos = base; pos < size;) {
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
        } else if (tx_pread_full(fd, buf, len, pos) < 0) {
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
        *hex = tx_hex(d, n);
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

/* Compare the source's checksum with the output's. */
int
tx_verify_output(struct tx_worker *w, size_t i, struct tx_reader *r,
                 const char *path, struct x2k_error *err)
{
    struct tx_ctx *ctx = w->ctx;
    const struct x2k_transfer_disk *d = &ctx->disks[i];
    struct x2k_transfer_result *res = &ctx->results[i];
    char *alg = NULL, *hex = NULL;

    if (r && r->hash_alg) {
        alg = x2k_steal(&r->hash_alg);
        hex = x2k_steal(&r->hash);
    } else if (tx_source_hash(w, d, &alg, &hex, err) < 0) {
        return -1;
    }
    res->checksum_alg = alg;
    res->source_checksum = hex;
    if (x2k_transfer_hash_range(path, d->dest_offset,
                                d->dest_offset ? res->size : UINT64_MAX,
                                alg, &res->dest_checksum, &ctx->rep,
                                err) < 0)
        return -1;
    if (!x2k_str_equal(res->source_checksum, res->dest_checksum)) {
        res->partial_kept = true;
        x2k_error_set(err, X2K_ERR_VERIFY,
                      _("The copy of disk %1$s does not match its source: %2$s checksum %3$s on the Xen host, %4$s in '%5$s'. The output is kept for inspection."),
                      tx_disk_label(d), alg, res->source_checksum,
                      res->dest_checksum, path);
        return -1;
    }
    res->verified = true;
    x2k_report_log(&ctx->rep, "disk %s verified (%s %s)", tx_disk_label(d),
                   alg, hex);
    return 0;
}

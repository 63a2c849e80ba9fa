/* --verify: the checksum of a local file, read as the disk it holds
 * (holes read as zeros without reading them).  Runs on a transfer
 * worker, or on the caller's thread through x2k_transfer_hash_file().
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "base/i18n.h"
#include "transfer/transfer-internal.h"

int
x2k_transfer_hash_file(const char *path, const char *alg, char **hex,
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
    posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
    buf = x2k_xmalloc(TX_BLOCK);
    if (tree) {
        tx_tree_init(&t);
    } else {
        plain = EVP_MD_CTX_new();
        EVP_DigestInit_ex(plain, EVP_md5(), NULL);
    }
    for (pos = 0; pos < size;) {
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

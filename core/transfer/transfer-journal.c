/* The resume journal beside each output file: where the copy stands
 * (copying, copied, complete, verify failed), up to which offset the
 * output is durable, and what the finished output looked like.  Saved
 * by the worker thread that copies the disk.
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <unistd.h>

#include "base/i18n.h"
#include "transfer/transfer-internal.h"

/* The journal beside an output file. */
char *
x2k_transfer_journal_path(const char *dest_path)
{
    return x2k_strdup_printf("%s.x2k-journal", dest_path);
}

/* The journal of the partition at OFFSET of the assembled DEST_PATH. */
char *
x2k_transfer_part_journal_path(const char *dest_path, uint64_t offset)
{
    return x2k_strdup_printf("%s.x2k-journal-at-%llu", dest_path,
                             (unsigned long long)offset);
}

/* S in hex, so that any path fits on one line. */
static char *
hex_encode(const char *s)
{
    return tx_hex((const unsigned char *)s, strlen(s));
}

/* The string that hex_encode() made, or NULL. */
static char *
hex_decode(const char *h)
{
    size_t n = strlen(h) / 2, i;
    char *s = x2k_xmalloc(n + 1);
    unsigned int c;

    for (i = 0; i < n; i++) {
        if (sscanf(h + 2 * i, "%2x", &c) != 1) {
            free(s);
            return NULL;
        }
        s[i] = c;
    }
    s[n] = '\0';
    return s;
}

static const char *const state_names[] = {
    "copying", "copied", "complete", "verify-failed",
};

/* The journal is one 4 KiB block rewritten in place, so that saving it
 * never needs a new block (it must work when the disk is full); a
 * trailing md5 of the text detects a torn write. */
#define JOURNAL_SIZE 4096

/* The md5 of the LEN bytes of TEXT, in hex. */
static char *
md5_hex(const char *text, size_t len)
{
    unsigned char d[EVP_MAX_MD_SIZE];
    unsigned int n = 0;

    EVP_Digest(text, len, d, &n, EVP_md5(), NULL);
    return tx_hex(d, n);
}

/* Read the journal at PATH into J; -1 if missing, torn or foreign. */
int
tx_journal_load(const char *path, struct tx_journal *j)
{
    char text[JOURNAL_SIZE + 1];
    char *line, *next, *sum, *want;
    bool ok = false;
    ssize_t n;
    int fd;

    memset(j, 0, sizeof *j);
    fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return -1;
    n = read(fd, text, JOURNAL_SIZE);
    close(fd);
    if (n <= 0)
        return -1;
    text[n] = '\0';
    sum = strstr(text, "\nsum=");
    if (!sum)
        return -1;
    want = md5_hex(text, sum + 1 - text);
    ok = strncmp(sum + 5, want, strlen(want)) == 0;
    free(want);
    if (!ok)
        return -1;
    sum[1] = '\0';
    ok = false;
    for (line = text; line && *line; line = next) {
        char *v;
        size_t i;

        next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        if (x2k_str_equal(line, "x2k-journal 1")) {
            ok = true;
            continue;
        }
        v = strchr(line, '=');
        if (!v)
            continue;
        *v++ = '\0';
        if (x2k_str_equal(line, "source")) {
            free(j->source);
            j->source = hex_decode(v);
        } else if (x2k_str_equal(line, "size")) {
            j->size = strtoull(v, NULL, 10);
        } else if (x2k_str_equal(line, "mtime")) {
            j->mtime = strtoull(v, NULL, 10);
        } else if (x2k_str_equal(line, "format")) {
            x2k_str_replace(&j->format, v);
        } else if (x2k_str_equal(line, "done")) {
            j->done = strtoull(v, NULL, 10);
        } else if (x2k_str_equal(line, "out-size")) {
            j->out_size = strtoull(v, NULL, 10);
        } else if (x2k_str_equal(line, "out-mtime-ns")) {
            j->out_mtime_ns = strtoll(v, NULL, 10);
        } else if (x2k_str_equal(line, "alg")) {
            x2k_str_replace(&j->alg, v);
        } else if (x2k_str_equal(line, "checksum")) {
            x2k_str_replace(&j->checksum, v);
        } else if (x2k_str_equal(line, "state")) {
            for (i = 0; i < X2K_N_ELEMENTS(state_names); i++) {
                if (x2k_str_equal(v, state_names[i]))
                    j->state = i;
            }
        }
    }
    if (!ok || !j->source || !j->format) {
        tx_journal_clear(j);
        return -1;
    }
    return 0;
}

/* Rewrite the journal at PATH in place and make it durable. */
int
tx_journal_save(const char *path, const struct tx_journal *j,
                struct x2k_error *err)
{
    X2K_AUTOFREE char *src = hex_encode(j->source);
    X2K_AUTOFREE char *sum = NULL;
    struct x2k_buf b = { 0 };
    char block[JOURNAL_SIZE];
    size_t off = 0;
    ssize_t n;
    int fd;

    x2k_buf_printf(&b, "x2k-journal 1\nsource=%s\nsize=%" PRIu64
                   "\nmtime=%" PRIu64 "\nformat=%s\ndone=%" PRIu64
                   "\nstate=%s\n", src, j->size, j->mtime, j->format,
                   j->done, state_names[j->state]);
    if (j->state == TX_JOURNAL_COMPLETE)
        x2k_buf_printf(&b, "out-size=%" PRIu64 "\nout-mtime-ns=%" PRId64
                       "\n", j->out_size, j->out_mtime_ns);
    if (j->alg && j->checksum)
        x2k_buf_printf(&b, "alg=%s\nchecksum=%s\n", j->alg, j->checksum);
    sum = md5_hex(b.data, b.len);
    x2k_buf_printf(&b, "sum=%s\n", sum);
    if (b.len > JOURNAL_SIZE) {
        x2k_buf_clear(&b);
        x2k_error_set(err, X2K_ERR_INTERNAL, "journal entry too long");
        return -1;
    }
    memset(block, '\n', sizeof block);
    memcpy(block, b.data, b.len);
    x2k_buf_clear(&b);

    fd = open(path, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0)
        goto fail;
    while (off < sizeof block) {
        n = pwrite(fd, block + off, sizeof block - off, off);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            close(fd);
            goto fail;
        }
        off += n;
    }
    if (fdatasync(fd) < 0) {
        close(fd);
        goto fail;
    }
    close(fd);
    return 0;

fail:
    if (errno == ENOSPC)
        x2k_error_set_errno(err, X2K_ERR_NOSPACE, errno,
                            _("No space left to write the journal '%1$s'."),
                            path);
    else
        x2k_error_set_errno(err, X2K_ERR_IO, errno,
                            _("Cannot write the journal '%1$s'."), path);
    return -1;
}

/* Release what J owns and zero it. */
void
tx_journal_clear(struct tx_journal *j)
{
    free(j->source);
    free(j->format);
    free(j->alg);
    free(j->checksum);
    memset(j, 0, sizeof *j);
}

char *
x2k_transfer_journal_source(const char *dest_path)
{
    X2K_AUTOFREE char *path = x2k_transfer_journal_path(dest_path);

    return x2k_transfer_journal_file_source(path);
}

char *
x2k_transfer_journal_file_source(const char *path)
{
    struct tx_journal j;
    char *src;

    if (tx_journal_load(path, &j) < 0)
        return NULL;
    src = j.source;
    j.source = NULL;
    tx_journal_clear(&j);
    return src;
}

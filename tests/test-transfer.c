/* Unit tests for core/transfer: the embedded streamer is the file in the
 * tree; its command survives hostile paths (run by a real /bin/sh in the
 * directory where an injected command would leave its canary); what it
 * sends passes the strict decoder and rebuilds the disk; the local
 * checksum of a file agrees with the streamer's whatever its holes; a
 * cancelled reporter stops a run before it starts.  The end-to-end
 * copies are in test-transfer-local.sh and test-transfer-ssh.sh; the
 * decoder's rules in test-transfer-decode.c. */
#include <config.h>

#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "transfer/transfer-decode.h"
#include "transfer/transfer.h"

static char tmpdir[] = "/tmp/x2k-transfer.XXXXXX";

static char *
slurp(FILE *fp, size_t *len)
{
    struct x2k_buf b = { 0 };
    char tmp[65536];
    size_t n;

    while ((n = fread(tmp, 1, sizeof tmp, fp)) > 0)
        x2k_buf_append(&b, tmp, n);
    *len = b.len;
    return x2k_buf_steal(&b);
}

static void
test_script_matches_file(void **state)
{
    const char *top = getenv("top_srcdir");
    char *path = x2k_strdup_printf("%s/core/transfer/transfer-streamer.sh",
                                   top ? top : "..");
    FILE *fp = fopen(path, "r");
    char *text;
    size_t len;

    assert_non_null(fp);
    text = slurp(fp, &len);
    fclose(fp);
    assert_string_equal(text, x2k_transfer_streamer_script());
    assert_non_null(strstr(text, "protocol version 2"));
    free(text);
    free(path);
}

static void
write_at(const char *path, off_t off, const char *data, size_t len)
{
    int fd = open(path, O_WRONLY | O_CREAT, 0644);

    assert_true(fd >= 0);
    assert_int_equal(pwrite(fd, data, len, off), (ssize_t)len);
    close(fd);
}

/* Run CMD with /bin/sh in TMPDIR, where an injected `touch pwned`
 * would leave its file; its whole output. */
static char *
run_in_tmpdir(const char *cmd, size_t *len)
{
    char *full = x2k_strdup_printf("cd '%s' && %s", tmpdir, cmd);
    FILE *fp = popen(full, "r");
    char *out;

    assert_non_null(fp);
    out = slurp(fp, len);
    assert_int_equal(pclose(fp), 0);
    free(full);
    return out;
}

/* The canaries an injected command would create. */
static void
assert_no_canary(void)
{
    char *a = x2k_strdup_printf("%s/pwned", tmpdir);
    char *b = x2k_strdup_printf("%s/pwned2", tmpdir);

    assert_int_equal(access(a, F_OK), -1);
    assert_int_equal(access(b, F_OK), -1);
    free(a);
    free(b);
}

struct rebuilt {
    int fd;                     /* the disk rebuilt from the records */
    char *alg, *hash;
};

/* Write a decoded record into the rebuilt disk. */
static int
rebuild(const struct tx_dec_rec *rec, void *opaque)
{
    struct rebuilt *r = opaque;

    if (rec->kind == TX_DEC_DATA || rec->kind == TX_DEC_RAW)
        assert_int_equal(pwrite(r->fd, rec->data, rec->len, rec->off),
                         (ssize_t)rec->len);
    if (rec->kind == TX_DEC_END) {
        if (r->fd >= 0)
            assert_int_equal(ftruncate(r->fd, rec->off), 0);
        if (rec->hash) {
            r->alg = x2k_xstrndup(rec->alg, rec->alg_len);
            r->hash = x2k_xstrndup(rec->hash, rec->hash_len);
        }
    }
    return 0;
}

/* Run the streamer command exactly as a remote shell would, in MODE,
 * and decode its output strictly; the checksum it ends with (caller
 * frees).  A copy is rebuilt into OUT (may be NULL in hash mode). */
static char *
run_streamer(const char *mode, const char *path, const char *remote_path,
             const char *out)
{
    char *cmd = x2k_transfer_streamer_command(mode, path, 0, false, true,
                                              0, remote_path);
    struct rebuilt r = { -1, NULL, NULL };
    struct tx_dec d;
    char *text, *hex;
    size_t len;

    text = run_in_tmpdir(cmd, &len);
    free(cmd);
    if (out) {
        r.fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        assert_true(r.fd >= 0);
    }
    tx_dec_init(&d, strcmp(mode, "hash") == 0 ? TX_DEC_HASH : TX_DEC_COPY,
                0);
    if (tx_dec_all(&d, (const unsigned char *)text, len, rebuild, &r) < 0)
        fail_msg("the decoder rejected the streamer: %s", d.why);
    if (r.fd >= 0)
        close(r.fd);
    free(text);
    assert_non_null(r.hash);
    /* Without perl (REMOTE_PATH holds md5sum only): plain md5. */
    assert_string_equal(r.alg, remote_path ? "md5" : "md5tree1m");
    hex = r.hash;
    free(r.alg);
    return hex;
}

/* The canary is looked for where an injected command would run. */
static void
test_canary_can_fire(void **state)
{
    char *pwned = x2k_strdup_printf("%s/pwned", tmpdir);
    size_t len;

    free(run_in_tmpdir("touch pwned", &len));
    assert_int_equal(access(pwned, F_OK), 0);
    assert_int_equal(unlink(pwned), 0);
    free(pwned);
}

static void
test_hostile_path_and_checksums(void **state)
{
    char *path = x2k_strdup_printf("%s/a'b $(touch pwned) `touch pwned2` "
                                   "\"中文\" ;x.img", tmpdir);
    char *dense = x2k_strdup_printf("%s/dense.img", tmpdir);
    char *copy = x2k_strdup_printf("%s/copy.img", tmpdir);
    char *remote, *local, *local_dense, *plain, *bin, *copied;
    char buf[8192];
    int fd;

    /* Sparse: 5 MiB + 777 bytes with data at odd places. */
    memset(buf, 0xa5, sizeof buf);
    fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    assert_true(fd >= 0);
    assert_int_equal(ftruncate(fd, 5 * 1048576 + 777), 0);
    close(fd);
    write_at(path, 1048576 + 3, buf, sizeof buf);
    write_at(path, 5 * 1048576 + 700, buf, 77);

    remote = run_streamer("hash", path, NULL, NULL);
    assert_no_canary();
    assert_int_equal(x2k_transfer_hash_file(path, "md5tree1m", &local, NULL,
                                            NULL), 0);
    assert_string_equal(remote, local);

    /* The copy stream passes the strict decoder and rebuilds the disk. */
    copied = run_streamer("copy", path, NULL, copy);
    assert_no_canary();
    assert_string_equal(copied, local);
    free(copied);
    assert_int_equal(x2k_transfer_hash_file(copy, "md5tree1m", &copied, NULL,
                                            NULL), 0);
    assert_string_equal(copied, local);
    free(copied);

    /* The same bytes, every one of them allocated: same checksum. */
    {
        FILE *in = fopen(path, "r"), *out = fopen(dense, "w");
        size_t n;

        assert_non_null(in);
        assert_non_null(out);
        while ((n = fread(buf, 1, sizeof buf, in)) > 0)
            assert_int_equal(fwrite(buf, 1, n, out), n);
        fclose(in);
        fclose(out);
    }
    assert_int_equal(x2k_transfer_hash_file(dense, "md5tree1m", &local_dense,
                                            NULL, NULL), 0);
    assert_string_equal(local, local_dense);

    /* Without perl the streamer answers with md5sum: plain md5. */
    bin = x2k_strdup_printf("%s/bin", tmpdir);
    assert_int_equal(mkdir(bin, 0755), 0);
    {
        char *link = x2k_strdup_printf("%s/md5sum", bin);

        assert_int_equal(symlink("/usr/bin/md5sum", link), 0);
        free(link);
    }
    free(remote);
    remote = run_streamer("hash", path, bin, NULL);
    assert_no_canary();
    assert_int_equal(x2k_transfer_hash_file(path, "md5", &plain, NULL, NULL),
                     0);
    assert_string_equal(remote, plain);
    assert_string_not_equal(plain, local);

    /* One byte changed: a different checksum. */
    write_at(dense, 2 * 1048576, "x", 1);
    free(local_dense);
    assert_int_equal(x2k_transfer_hash_file(dense, "md5tree1m", &local_dense,
                                            NULL, NULL), 0);
    assert_string_not_equal(local, local_dense);

    free(remote);
    free(local);
    free(local_dense);
    free(plain);
    free(bin);
    free(path);
    free(copy);
    free(dense);
}

static void
test_cancelled_before_start(void **state)
{
    struct x2k_reporter rep;
    struct x2k_transfer_disk disk = {
        .source = "/dev/null",
        .dest_path = "/nonexistent/never-written",
    };
    struct x2k_transfer_opts opts = { .reporter = &rep };
    struct x2k_transfer_result res;
    struct x2k_error err = X2K_ERROR_INIT;

    x2k_reporter_init(&rep, NULL, NULL);
    x2k_reporter_cancel(&rep);
    assert_int_equal(x2k_transfer_run(&disk, 1, &opts, &res, &err), -1);
    assert_int_equal(err.code, X2K_ERR_CANCELLED);
    assert_int_equal(res.error.code, X2K_ERR_CANCELLED);
    x2k_transfer_result_clear(&res);
    x2k_error_clear(&err);
}

static void
test_journal_path(void **state)
{
    char *p = x2k_transfer_journal_path("/var/lib/libvirt/images/vm-vda");

    assert_string_equal(p, "/var/lib/libvirt/images/vm-vda.x2k-journal");
    free(p);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_script_matches_file),
        cmocka_unit_test(test_canary_can_fire),
        cmocka_unit_test(test_hostile_path_and_checksums),
        cmocka_unit_test(test_cancelled_before_start),
        cmocka_unit_test(test_journal_path),
    };
    int rc;
    char *cmd;

    if (!mkdtemp(tmpdir))
        return 1;
    rc = cmocka_run_group_tests(tests, NULL, NULL);
    cmd = x2k_strdup_printf("rm -rf '%s'", tmpdir);
    if (system(cmd) != 0)
        rc = 1;
    free(cmd);
    return rc;
}

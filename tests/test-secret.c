/* Unit tests for core/base/secret.c and the password file: while a
 * secret is held the process is not dumpable (PR_GET_DUMPABLE 0), and
 * it is again when the last one is wiped; a password file is read as a
 * secret, and one that other users can read is refused, naming the
 * remedy. */
#include <config.h>

#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "base/secret.h"
#include "ssh/ssh.h"

static int
dumpable(void)
{
    return prctl(PR_GET_DUMPABLE, 0, 0, 0, 0);
}

static void
test_not_dumpable_while_held(void **state)
{
    char *a, *b;

    assert_int_equal(dumpable(), 1);
    assert_false(x2k_secret_held());
    a = x2k_secret_dup("hunter2");
    assert_string_equal(a, "hunter2");
    assert_int_equal(dumpable(), 0);
    b = x2k_secret_dup("other");
    x2k_secret_free(a);
    assert_int_equal(dumpable(), 0);     /* B is still held */
    x2k_secret_hold();
    x2k_secret_free(b);
    assert_int_equal(dumpable(), 0);     /* the hold is still counted */
    x2k_secret_release();
    assert_int_equal(dumpable(), 1);
    assert_false(x2k_secret_held());
    assert_null(x2k_secret_dup(NULL));
    x2k_secret_free(NULL);
    assert_int_equal(dumpable(), 1);
}

static void
test_password_file(void **state)
{
    char path[] = "/tmp/x2k-secret.XXXXXX";
    struct x2k_error err = X2K_ERROR_INIT;
    int fd = mkstemp(path);
    char *pw;

    assert_true(fd >= 0);
    assert_int_equal(write(fd, "s3cret\nsecond line\n", 19), 19);
    close(fd);
    assert_int_equal(chmod(path, 0600), 0);
    pw = x2k_ssh_read_password_file(path, &err);
    assert_non_null(pw);
    assert_string_equal(pw, "s3cret");
    assert_int_equal(dumpable(), 0);
    x2k_secret_free(pw);
    assert_int_equal(dumpable(), 1);

    /* Readable by the group or by everyone: refused. */
    assert_int_equal(chmod(path, 0640), 0);
    assert_null(x2k_ssh_read_password_file(path, &err));
    assert_int_equal(err.code, X2K_ERR_SSH_AUTH);
    assert_non_null(strstr(err.msg, "can be read by other users"));
    assert_non_null(strstr(err.msg, "chmod 600"));
    assert_int_equal(dumpable(), 1);
    x2k_error_clear(&err);
    assert_int_equal(chmod(path, 0604), 0);
    assert_null(x2k_ssh_read_password_file(path, &err));
    x2k_error_clear(&err);
    unlink(path);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_not_dumpable_while_held),
        cmocka_unit_test(test_password_file),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}

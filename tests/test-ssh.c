/* Unit tests for core/ssh's local decisions (the network parts run
 * against a real sshd in test-ssh*.sh): which key OpenSSH's ssh offers
 * without -i, from the passwd entry's home whatever $HOME says. */
#include <config.h>

#include <pwd.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "ssh/ssh.h"

static char *
pw_path(const char *rel)
{
    struct passwd *pw = getpwuid(getuid());

    assert_non_null(pw);
    return x2k_strdup_printf("%s/%s", pw->pw_dir, rel);
}

static void
test_key_is_default(void **state)
{
    char tmpl[] = "/tmp/x2k-test-ssh.XXXXXX";
    char *dir, *key, *p;

    (void)state;
    /* ssh's own defaults, existing or not. */
    p = pw_path(".ssh/id_ed25519");
    assert_true(x2k_ssh_key_is_default(p));
    free(p);
    p = pw_path(".ssh/id_rsa");
    assert_true(x2k_ssh_key_is_default(p));
    free(p);
    p = pw_path(".ssh/id_ecdsa_sk");
    assert_true(x2k_ssh_key_is_default(p));
    free(p);
    p = pw_path(".ssh/mykey");
    assert_false(x2k_ssh_key_is_default(p));
    free(p);
    p = pw_path("id_ed25519");
    assert_false(x2k_ssh_key_is_default(p));
    free(p);

    /* $HOME elsewhere: a key in $HOME/.ssh is not one ssh finds. */
    dir = mkdtemp(tmpl);
    assert_non_null(dir);
    setenv("HOME", dir, 1);
    key = x2k_strdup_printf("%s/.ssh/id_ed25519", dir);
    assert_false(x2k_ssh_key_is_default(key));
    free(key);
    rmdir(dir);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_key_is_default),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}

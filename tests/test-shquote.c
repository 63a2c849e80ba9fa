/* Unit tests for core/shquote: the one audited shell-quoting function.
 * Every quoted word is read back by real shells and must come out
 * byte-identical, and nothing in it may execute. */
#include <config.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "base/shquote.h"
#include "plan/options.h"
#include "testlib.h"

static const char *shells[] = { "/bin/sh", "/bin/bash", "/bin/dash" };

static void
check_roundtrip(const char *const *words)
{
    char *line = x2k_shell_join(words);
    size_t s, i;

    for (s = 0; s < X2K_N_ELEMENTS(shells); s++) {
        char **back;

        if (access(shells[s], X_OK) != 0)
            continue;
        back = testlib_sh_words(shells[s], line);
        assert_non_null(back);
        for (i = 0; words[i]; i++) {
            assert_non_null(back[i]);
            assert_string_equal(back[i], words[i]);
        }
        assert_null(back[i]);
        x2k_argv_free(back);
    }
    free(line);
}

static void
test_plain_words(void **state)
{
    char *q;

    q = x2k_shell_quote("ubuntu14.04");
    assert_string_equal(q, "ubuntu14.04");
    free(q);
    q = x2k_shell_quote("--uri=xen+ssh://root@172.16.7.54");
    assert_string_equal(q, "--uri=xen+ssh://root@172.16.7.54");
    free(q);
    q = x2k_shell_quote("");
    assert_string_equal(q, "''");
    free(q);
    q = x2k_shell_quote("~root");
    assert_string_equal(q, "'~root'");
    free(q);
    q = x2k_shell_quote("a'b");
    assert_string_equal(q, "'a'\\''b'");
    free(q);
}

static void
test_hostile_fixed(void **state)
{
    const char *words[] = {
        "a'; touch /tmp/x2k-pwned; '",
        "$(touch /tmp/x2k-pwned)",
        "`touch /tmp/x2k-pwned`",
        "path with spaces/and \"quotes\"",
        "line1\nline2",
        "中文虚拟机",
        "-rf",
        "--help",
        "*",
        "",
        "'",
        "''",
        "\\",
        "$HOME ${IFS} !! #comment",
        NULL,
    };

    unlink("/tmp/x2k-pwned");
    check_roundtrip(words);
    assert_int_not_equal(access("/tmp/x2k-pwned", F_OK), 0);
}

static void
test_every_byte(void **state)
{
    char word[2] = { 0, 0 };
    const char *words[2] = { word, NULL };
    int c;

    for (c = 1; c < 256; c++) {
        word[0] = (char)c;
        check_roundtrip(words);
    }
}

static void
test_random(void **state)
{
    int iter;

    testlib_seed(12345);
    unlink("/tmp/x2k-pwned");
    for (iter = 0; iter < 300; iter++) {
        char *w[4] = { testlib_hostile_string(), testlib_hostile_string(),
                       testlib_hostile_string(), NULL };

        check_roundtrip((const char *const *)w);
        free(w[0]);
        free(w[1]);
        free(w[2]);
    }
    assert_int_not_equal(access("/tmp/x2k-pwned", F_OK), 0);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plain_words),
        cmocka_unit_test(test_hostile_fixed),
        cmocka_unit_test(test_every_byte),
        cmocka_unit_test(test_random),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* Unit tests for core/base/text.c: x2k_text_printable removes every
 * control a terminal would act on (C0 with ESC sequences, DEL, C1, the
 * bidirectional overrides and isolates) and turns invalid UTF-8 into
 * '?', keeps CJK and other text, and keeps newlines only when asked;
 * JSON strings escape the same controls. */
#include <config.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <cmocka.h>

#include "base/json.h"
#include "base/text.h"

static void
check(const char *in, bool keep, const char *want)
{
    char *out = x2k_text_printable(in, keep);

    assert_string_equal(out, want);
    free(out);
}

static void
test_printable(void **state)
{
    check("\033]0;owned\007\033[2J\033[31mboom\033[0m", false,
          "]0;owned[2J[31mboom[0m");
    check("a\tb\nc\rd\x7f" "e", false, "a b cde");
    check("line 1\nline 2\r\n", true, "line 1\nline 2\n");
    check("csi\xc2\x9b" "31m nel\xc2\x85!", false, "csi31m nel!");
    check("rtl\xe2\x80\xae" "evil\xe2\x81\xa6x\xe2\x81\xa9", false,
          "rtlevilx");
    check("sep\xe2\x80\xa8" "x", false, "sep x");
    check("\xe4\xb8\xad\xe6\x96\x87 caf\xc3\xa9 \xf0\x9f\x98\x80", false,
          "\xe4\xb8\xad\xe6\x96\x87 caf\xc3\xa9 \xf0\x9f\x98\x80");
    /* Not UTF-8: a lone byte, an overlong NUL, a surrogate, cut short. */
    check("a\xff" "b\xc0\x80" "c\xed\xa0\x80" "d\xe4\xb8", false,
          "a?b??c???d??");
    check(NULL, false, "");
}

static void
test_json_escapes(void **state)
{
    struct x2k_buf b = { 0 };

    x2k_json_string(&b, "e\033[1m c1\xc2\x9b bidi\xe2\x80\xae \xe4\xb8\xad");
    assert_string_equal(b.data,
                        "\"e\\u001b[1m c1\\u009b bidi\\u202e \xe4\xb8\xad\"");
    x2k_buf_clear(&b);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_printable),
        cmocka_unit_test(test_json_escapes),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}

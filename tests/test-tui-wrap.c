/* Unit tests for the wizard's text layout (tui/draw.c): wrapping by
 * display columns never exceeds the width, never splits a character,
 * loses no text, and keeps paragraphs; sizes and times read well.
 * Property test over random strings of ASCII words and CJK.
 */
#include <config.h>

#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <wchar.h>
#include <cmocka.h>

#include "testlib.h"
#include "tui.h"

/* Whether S is valid UTF-8 (no character split). */
static bool
valid_utf8(const char *s)
{
    mbstate_t st;
    size_t n = strlen(s);

    memset(&st, 0, sizeof st);
    while (n > 0) {
        wchar_t wc;
        size_t len = mbrtowc(&wc, s, n, &st);

        if (len == (size_t)-1 || len == (size_t)-2)
            return false;
        s += len;
        n -= len;
    }
    return true;
}

/* S with every space and newline removed. */
static char *
squeeze(const char *s)
{
    char *out = x2k_xmalloc(strlen(s) + 1), *o = out;

    for (; *s; s++) {
        if (*s != ' ' && *s != '\n')
            *o++ = *s;
    }
    *o = '\0';
    return out;
}

static void
test_wrap_examples(void **state)
{
    size_t n;
    char **lines;

    (void)state;
    lines = tui_wrap("one two three", 7, &n);
    assert_int_equal(n, 2);
    assert_string_equal(lines[0], "one two");
    assert_string_equal(lines[1], "three");
    tui_lines_free(lines, n);

    /* CJK breaks between characters, 2 columns each. */
    lines = tui_wrap("中文虚拟机迁移", 5, &n);
    assert_int_equal(n, 4);
    assert_string_equal(lines[0], "中文");
    assert_string_equal(lines[3], "移");
    tui_lines_free(lines, n);

    /* Paragraphs: one empty line between them, not two. */
    lines = tui_wrap("a\n\nb", 10, &n);
    assert_int_equal(n, 3);
    assert_string_equal(lines[1], "");
    tui_lines_free(lines, n);

    /* A word longer than the width is cut, never lost. */
    lines = tui_wrap("abcdefghij", 4, &n);
    assert_int_equal(n, 3);
    assert_string_equal(lines[2], "ij");
    tui_lines_free(lines, n);
}

static void
test_wrap_property(void **state)
{
    static const char *const pieces[] = {
        "a", "word", "longerword", "xen+ssh://root@host/", " ", " ", "  ",
        "中", "文虚拟", "机", "，", "。", "\n", "é", "ü", "verylongtoken",
    };
    int iter;

    (void)state;
    testlib_seed(0);
    for (iter = 0; iter < 2000; iter++) {
        struct x2k_buf b = { 0 };
        int k, parts = 1 + (int)(testlib_rand() % 30);
        int w = 1 + (int)(testlib_rand() % 40);
        char *text, *in, *out;
        struct x2k_buf joined = { 0 };
        char **lines;
        size_t n, i;

        for (k = 0; k < parts; k++)
            x2k_buf_puts(&b, pieces[testlib_rand() % X2K_N_ELEMENTS(pieces)]);
        text = x2k_buf_steal(&b);
        lines = tui_wrap(text, w, &n);
        for (i = 0; i < n; i++) {
            /* A 2-column character on a 1-column line is the one
             * allowed overflow: it cannot be split. */
            assert_true(x2k_mbswidth(lines[i]) <= (size_t)(w < 2 ? 2 : w));
            assert_true(valid_utf8(lines[i]));
            x2k_buf_puts(&joined, lines[i]);
        }
        in = squeeze(text);
        out = squeeze(joined.len ? joined.data : "");
        assert_string_equal(in, out);
        free(in);
        free(out);
        x2k_buf_clear(&joined);
        tui_lines_free(lines, n);
        free(text);
    }
}

static void
test_formats(void **state)
{
    char buf[32];

    (void)state;
    assert_string_equal(tui_fmt_eta(-1, buf, sizeof buf), "--:--");
    assert_string_equal(tui_fmt_eta(75, buf, sizeof buf), "01:15");
    assert_string_equal(tui_fmt_eta(3725, buf, sizeof buf), "1:02:05");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_wrap_examples),
        cmocka_unit_test(test_wrap_property),
        cmocka_unit_test(test_formats),
    };

    if (!setlocale(LC_ALL, "C.UTF-8"))
        return 99;
    return cmocka_run_group_tests(tests, NULL, NULL);
}

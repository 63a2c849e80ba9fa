/* Unit tests for core/util, core/error and core/event. */
#include <config.h>

#include <locale.h>
#include <stdio.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "base/error.h"
#include "base/event.h"
#include "base/fsutil.h"
#include "base/util.h"

static void
test_width(void **state)
{
    /* "中文" is 4 columns, never split mid-character. */
    assert_int_equal(x2k_mbswidth("abc"), 3);
    assert_int_equal(x2k_mbswidth("中文虚拟机"), 10);
    assert_int_equal(x2k_mbswidth("a中b"), 4);
    assert_int_equal(x2k_mbs_fit("中文虚拟机", 5), 6);   /* 2 chars */
    assert_int_equal(x2k_mbs_fit("中文虚拟机", 4), 6);
    assert_int_equal(x2k_mbs_fit("中文虚拟机", 1), 0);
    assert_int_equal(x2k_mbs_fit("abc", 10), 3);
    /* Invalid UTF-8 counts one column per byte and never stalls. */
    assert_int_equal(x2k_mbswidth("\xff\xfe"), 2);
}

static void
test_parse_long(void **state)
{
    long v = 0;

    assert_true(x2k_parse_long("22", 1, 65535, &v));
    assert_int_equal(v, 22);
    assert_false(x2k_parse_long("0", 1, 65535, &v));
    assert_false(x2k_parse_long("65536", 1, 65535, &v));
    assert_false(x2k_parse_long("22x", 1, 65535, &v));
    assert_false(x2k_parse_long("", 1, 65535, &v));
    assert_false(x2k_parse_long(NULL, 1, 65535, &v));
    assert_false(x2k_parse_long("99999999999999999999999", 0, 10, &v));
}

static void
test_buf(void **state)
{
    struct x2k_buf b = { 0 };
    char *s;
    int i;

    for (i = 0; i < 1000; i++)
        x2k_buf_printf(&b, "%d,", i % 10);
    assert_int_equal(b.len, 2000);
    s = x2k_buf_steal(&b);
    assert_int_equal(strlen(s), 2000);
    assert_null(b.data);
    free(s);
    s = x2k_buf_steal(&b);
    assert_string_equal(s, "");
    free(s);
}

static void
test_error(void **state)
{
    struct x2k_error err = X2K_ERROR_INIT, other = X2K_ERROR_INIT;
    char *text;

    assert_false(x2k_error_is_set(&err));
    x2k_error_set_errno(&err, X2K_ERR_NOSPACE, 28, "writing %s", "/x");
    /* The first error wins. */
    x2k_error_set(&err, X2K_ERR_INTERNAL, "later");
    assert_int_equal(err.code, X2K_ERR_NOSPACE);
    assert_string_equal(err.msg, "writing /x");
    text = x2k_error_format(&err);
    assert_non_null(strstr(text, "writing /x: "));
    free(text);
    assert_string_equal(x2k_errcode_name(err.code), "no-space");
    x2k_error_move(&other, &err);
    assert_false(x2k_error_is_set(&err));
    assert_int_equal(other.code, X2K_ERR_NOSPACE);
    x2k_error_clear(&other);
    x2k_error_clear(NULL);
    x2k_error_set(NULL, X2K_ERR_INVALID, "ignored");
}

struct seen {
    int n;
    enum x2k_event_kind last;
    char text[64];
};

static void
collect(const struct x2k_event *ev, void *opaque)
{
    struct seen *s = opaque;

    s->n++;
    s->last = ev->kind;
    if (ev->text)
        snprintf(s->text, sizeof s->text, "%s", ev->text);
}

static void
test_reporter(void **state)
{
    struct x2k_reporter r;
    struct seen s = { 0 };

    x2k_reporter_init(&r, collect, &s);
    x2k_report_stage(&r, X2K_STAGE_COPY, true, 0);
    assert_int_equal(s.last, X2K_EVENT_STAGE_BEGIN);
    x2k_report_warning_id(&r, "disk-test", "disk %s", "xvdb");
    assert_int_equal(s.last, X2K_EVENT_WARNING);
    assert_string_equal(s.text, "disk xvdb");
    assert_int_equal(s.n, 2);
    assert_false(x2k_reporter_is_cancelled(&r));
    x2k_reporter_cancel(&r);
    assert_true(x2k_reporter_is_cancelled(&r));
    assert_string_equal(x2k_stage_id(X2K_STAGE_FIX_GUEST), "fix-guest");
    x2k_report(NULL, NULL);
}

static void
test_rate(void **state)
{
    struct x2k_rate r;
    double eta;

    x2k_rate_start(&r, 100);
    r.start -= 2.0;             /* pretend two seconds have passed */
    r.win_time -= 2.0;
    x2k_rate_update(&r, 100 + 2000);
    assert_true(r.avg_rate > 900 && r.avg_rate < 1100);
    assert_true(r.rate > 900 && r.rate < 1100);
    eta = x2k_rate_eta(&r, 2100, 12100);
    assert_true(eta > 9 && eta < 11);
    assert_true(x2k_rate_eta(&r, 5, 0) < 0);
    assert_true(x2k_rate_eta(&r, 10, 10) == 0);
    assert_true(x2k_rate_due(&r));
    assert_false(x2k_rate_due(&r));   /* at most 10 per second */
}

static void
test_format_bytes(void **state)
{
    char buf[32];

    (void)state;
    assert_string_equal(x2k_format_bytes(0, buf, sizeof buf), "0 B");
    assert_string_equal(x2k_format_bytes(512, buf, sizeof buf), "512 B");
    assert_string_equal(x2k_format_bytes(1536, buf, sizeof buf), "1.5 KiB");
    assert_string_equal(x2k_format_bytes(256ULL << 20, buf, sizeof buf),
                        "256.0 MiB");
    assert_string_equal(x2k_format_bytes(3ULL << 30, buf, sizeof buf),
                        "3.0 GiB");
}

static void
test_name_sanitize(void **state)
{
    static const struct {
        const char *in;
        size_t max;
        const char *out;
    } cases[] = {
        { "web01", 0, "web01" },
        { "../../etc/passwd", 0, "_._.._etc_passwd" },
        { ".hidden", 0, "_hidden" },
        { "a\nb\x7f", 0, "a_b_" },
        { "", 0, "guest" },
        { NULL, 0, "guest" },
        { "abcdef", 4, "abcd" },
        /* Never cut inside a character: 中 is three bytes. */
        { "\xe4\xb8\xad\xe6\x96\x87", 4, "\xe4\xb8\xad" },
    };
    size_t i;

    (void)state;
    for (i = 0; i < X2K_N_ELEMENTS(cases); i++) {
        char *s = x2k_name_sanitize(cases[i].in, cases[i].max);

        assert_string_equal(s, cases[i].out);
        free(s);
    }
}

static void
test_fsutil(void **state)
{
    char tmpl[] = "/tmp/test-util-XXXXXX";
    char *dir = mkdtemp(tmpl), *deep, *file, *found;
    struct x2k_error err = X2K_ERROR_INIT;
    struct stat st;
    char buf[16] = "";
    FILE *fp;

    (void)state;
    assert_non_null(dir);
    deep = x2k_strdup_printf("%s/a/b/c", dir);
    assert_int_equal(x2k_mkdir_p(deep, 0700, &err), 0);
    assert_int_equal(x2k_mkdir_p(deep, 0700, &err), 0);      /* again */
    assert_int_equal(stat(deep, &st), 0);
    assert_true(S_ISDIR(st.st_mode));
    assert_int_equal(st.st_mode & 0777, 0700);

    file = x2k_strdup_printf("%s/x/y/f.txt", dir);
    assert_int_equal(x2k_mkdir_parents(file, 0700, &err), 0);
    assert_int_equal(x2k_write_file_atomic(file, "one", 3, 0600, &err), 0);
    assert_int_equal(x2k_write_file_atomic(file, "two", 3, 0600, &err), 0);
    assert_int_equal(stat(file, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    fp = fopen(file, "r");
    assert_non_null(fp);
    assert_non_null(fgets(buf, sizeof buf, fp));
    fclose(fp);
    assert_string_equal(buf, "two");
    free(file);
    /* A directory that does not exist: an error, and no temp file. */
    file = x2k_strdup_printf("%s/none/f.txt", dir);
    assert_int_equal(x2k_write_file_atomic(file, "x", 1, 0600, &err), -1);
    assert_int_equal(err.code, X2K_ERR_IO);
    x2k_error_clear(&err);
    free(file);

    found = x2k_find_program("sh");
    assert_non_null(found);
    assert_true(found[0] == '/' || found[0] == '.');
    free(found);
    assert_null(x2k_find_program("no-such-program-x2k"));
    assert_null(x2k_find_program("/nonexistent/prog"));

    file = x2k_strdup_printf("rm -rf '%s'", dir);
    assert_int_equal(system(file), 0);
    free(file);
    free(deep);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_width),
        cmocka_unit_test(test_parse_long),
        cmocka_unit_test(test_buf),
        cmocka_unit_test(test_error),
        cmocka_unit_test(test_reporter),
        cmocka_unit_test(test_rate),
        cmocka_unit_test(test_format_bytes),
        cmocka_unit_test(test_name_sanitize),
        cmocka_unit_test(test_fsutil),
    };

    if (!setlocale(LC_ALL, "C.UTF-8"))
        return 99;
    return cmocka_run_group_tests(tests, NULL, NULL);
}

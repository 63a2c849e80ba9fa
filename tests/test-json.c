/* Unit tests for core/json and core/rundir. */
#include <config.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "base/json.h"
#include "plan/plan.h"
#include "plan/rundir.h"

static char *
quote(const char *s)
{
    struct x2k_buf b = { 0 };

    x2k_json_string(&b, s);
    return x2k_buf_steal(&b);
}

static void
test_string(void **state)
{
    struct {
        const char *in, *out;
    } cases[] = {
        { "plain", "\"plain\"" },
        { "a\"b\\c", "\"a\\\"b\\\\c\"" },
        { "l1\nl2\r\t", "\"l1\\nl2\\r\\t\"" },
        { "\x01\x1f\x7f", "\"\\u0001\\u001f\\u007f\"" },
        { "中文虚拟机", "\"中文虚拟机\"" },
        { "\xff", "\"\\ufffd\"" },              /* invalid byte */
        { "\xe4\xb8", "\"\\ufffd\\ufffd\"" },     /* truncated sequence */
        { "\xc0\xaf", "\"\\ufffd\\ufffd\"" },     /* overlong '/' */
        { "\xed\xa0\x80", "\"\\ufffd\\ufffd\\ufffd\"" }, /* surrogate */
        { "", "\"\"" },
    };
    size_t i;

    for (i = 0; i < X2K_N_ELEMENTS(cases); i++) {
        char *q = quote(cases[i].in);

        assert_string_equal(q, cases[i].out);
        free(q);
    }
}

static void
test_events(void **state)
{
    struct x2k_event ev = { .kind = X2K_EVENT_PROGRESS, .disk = 1,
                            .disk_name = "vdb", .done = 50, .total = 200,
                            .rate = 1048576, .avg_rate = 1000, .eta = -1 };
    struct x2k_error err = X2K_ERROR_INIT;
    char *s;

    s = x2k_json_event(&ev);
    assert_string_equal(s, "{\"type\":\"progress\",\"disk\":1,\"name\":"
                           "\"vdb\",\"done\":50,\"total\":200,\"rate\":"
                           "1048576.0,\"avg_rate\":1000.0,\"eta\":null,"
                           "\"percent\":25.0}");
    free(s);
    ev.kind = X2K_EVENT_WARNING;
    ev.text = "PCI passthrough \"0000:01:00.0\" dropped";
    s = x2k_json_event(&ev);
    assert_string_equal(s, "{\"type\":\"warning\",\"message\":\"PCI "
                           "passthrough \\\"0000:01:00.0\\\" dropped\"}");
    free(s);
    /* A warning's stable id comes before its sentence. */
    ev.id = "pci-passthrough";
    s = x2k_json_event(&ev);
    assert_non_null(strstr(s, "{\"type\":\"warning\",\"id\":"
                              "\"pci-passthrough\",\"message\":\"PCI "));
    free(s);
    ev.id = NULL;
    ev.kind = X2K_EVENT_STAGE_END;
    ev.stage = X2K_STAGE_COPY;
    ev.status = -1;
    s = x2k_json_event(&ev);
    assert_non_null(strstr(s, "\"stage\":\"copy\",\"state\":\"end\","
                              "\"status\":-1"));
    free(s);
    /* The stage's duration, with '.' in every locale. */
    ev.seconds = 12.3456;
    s = x2k_json_event(&ev);
    assert_non_null(strstr(s, "\"seconds\":12.346}"));
    free(s);
    ev.kind = X2K_EVENT_PROGRESS;
    ev.seconds = 0;
    ev.rate = -2.25;
    ev.eta = 0.04;
    s = x2k_json_event(&ev);
    assert_non_null(strstr(s, "\"rate\":-2.3,"));
    assert_non_null(strstr(s, "\"eta\":0.0,"));
    free(s);
    ev.kind = X2K_EVENT_STAGE_END;
    x2k_error_set(&err, X2K_ERR_SSH_AUTH, "no method worked");
    s = x2k_json_error(&err);
    assert_string_equal(s, "{\"type\":\"error\",\"code\":\"ssh-auth\","
                           "\"message\":\"no method worked\",\"detail\":"
                           "null}");
    free(s);
    x2k_error_clear(&err);
}

static void
test_rundir(void **state)
{
    char tmpl[] = "/tmp/x2k-rundir.XXXXXX";
    struct x2k_plan plan;
    struct x2k_error err = X2K_ERROR_INIT;
    struct stat st;
    char *dir1, *dir2, *path;
    char buf[64] = { 0 };
    FILE *fp;

    assert_non_null(mkdtemp(tmpl));
    x2k_plan_init(&plan);
    plan.state_dir = x2k_strdup_printf("%s/state/deep", tmpl);
    dir1 = x2k_rundir_create(&plan, "../etc/中文 vm\n", &err);
    assert_non_null(dir1);
    dir2 = x2k_rundir_create(&plan, "../etc/中文 vm\n", &err);
    assert_non_null(dir2);
    assert_string_not_equal(dir1, dir2);        /* unique */
    assert_non_null(strstr(dir1, "/runs/"));
    assert_null(strstr(dir1 + strlen(tmpl), "/etc"));  /* no escape */
    assert_null(strchr(dir1, '\n'));
    assert_int_equal(stat(dir1, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0700);
    assert_int_equal(x2k_rundir_write(dir1, "replay.sh", "hello", 5, &err),
                     0);
    path = x2k_strdup_printf("%s/replay.sh", dir1);
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    fp = fopen(path, "r");
    assert_non_null(fp);
    assert_int_equal(fread(buf, 1, sizeof buf, fp), 5);
    fclose(fp);
    assert_string_equal(buf, "hello");
    /* A directory that cannot be written: a clear error. */
    assert_int_equal(x2k_rundir_write("/proc/nonexistent", "f", "x", 1,
                                      &err),
                     -1);
    assert_int_equal(err.code, X2K_ERR_IO);
    assert_non_null(strstr(err.msg, "/proc/nonexistent/f"));
    x2k_error_clear(&err);
    free(path);
    free(dir1);
    free(dir2);
    path = x2k_strdup_printf("rm -rf '%s'", tmpl);
    assert_int_equal(system(path), 0);
    free(path);
    x2k_plan_clear(&plan);
    free(plan.target_uri);
    free(plan.pool);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_string),
        cmocka_unit_test(test_events),
        cmocka_unit_test(test_rundir),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}

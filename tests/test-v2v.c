/* Unit tests for core/v2v: the virt-v2v argv built from plans, the
 * --machine-readable parser on samples (tests/data/v2v: success.* is
 * written from virt-v2v(1)'s documented format, noos.* is recorded from
 * a real virt-v2v 2.2.0 run on a blank disk) fed whole, byte by byte
 * and in random chunks, hostile input, and the child runner (pipes,
 * log, exit status, cancellation) on a shell script standing in for
 * virt-v2v (the real virt-v2v runs in make check-slow). */
#include <config.h>

#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "engine/v2v.h"
#include "plan/options.h"
#include "testlib.h"

/* ---- argv ------------------------------------------------------------ */

static void
check_argv(char **argv, const char *const *want)
{
    size_t i;

    assert_non_null(argv);
    for (i = 0; want[i]; i++) {
        assert_non_null(argv[i]);
        assert_string_equal(argv[i], want[i]);
    }
    assert_null(argv[i]);
    x2k_argv_free(argv);
}

static void
test_argv_libvirt(void **state)
{
    struct x2k_plan plan;
    static const char *const want[] = {
        "virt-v2v", "-i", "libvirt", "-ic", "xen+ssh://root@xen.example.com/",
        "-o", "libvirt", "-oc", "qemu:///system", "-os", "images",
        "--bridge", "br0", "--network", "xenbr1:default",
        "-of", "qcow2", "-oa", "sparse", "-on", "sles11_kvm",
        "--machine-readable", "sles11_xen", NULL,
    };

    x2k_plan_init(&plan);
    plan.uri = x2k_xstrdup("xen+ssh://root@xen.example.com/");
    plan.vm_name = x2k_xstrdup("sles11_xen");
    x2k_str_replace(&plan.target_uri, "qemu:///system");
    x2k_str_replace(&plan.pool, "images");
    x2k_plan_add_net(&plan, X2K_NET_BRIDGE, NULL, "br0");
    x2k_plan_add_net(&plan, X2K_NET_NETWORK, "xenbr1", "default");
    plan.format = X2K_FORMAT_QCOW2;
    plan.allocation = X2K_ALLOC_SPARSE;
    plan.new_name = x2k_xstrdup("sles11_kvm");
    check_argv(x2k_v2v_build_argv(&plan, NULL, NULL, NULL), want);
    x2k_plan_clear(&plan);
    /* x2k_plan_clear resets to the defaults, which own strings. */
    free(plan.target_uri);
    free(plan.pool);
}

static void
test_argv_local_libvirtxml(void **state)
{
    struct x2k_plan plan;
    struct x2k_error err = X2K_ERROR_INIT;
    static const char *const want[] = {
        "/usr/bin/virt-v2v", "-i", "libvirtxml", "-o", "local", "-os",
        "/srv/out dir", "-of", "raw", "-oa", "preallocated",
        "--machine-readable", "/run/x2k/guest copy.xml", NULL,
    };
    static const char *const want_dash[] = {
        "virt-v2v", "-i", "libvirt", "-ic", "xen+ssh://h/", "-o", "local",
        "-os", "/o", "-of", "raw", "-oa", "sparse", "--machine-readable",
        "--", "-oops", NULL,
    };

    x2k_plan_init(&plan);
    plan.uri = x2k_xstrdup("xen+ssh://h/");
    plan.vm_name = x2k_xstrdup("-oops");
    plan.output = X2K_OUTPUT_LOCAL;
    plan.output_dir = x2k_xstrdup("/srv/out dir");
    plan.allocation = X2K_ALLOC_PREALLOCATED;
    /* Block-device guests: the caller's XML with local copies. */
    check_argv(x2k_v2v_build_argv(&plan, "/run/x2k/guest copy.xml",
                                  "/usr/bin/virt-v2v", NULL),
               want);
    x2k_str_replace(&plan.output_dir, "/o");
    plan.allocation = X2K_ALLOC_SPARSE;
    check_argv(x2k_v2v_build_argv(&plan, NULL, NULL, NULL), want_dash);

    /* Incomplete plans are refused, not half-built. */
    x2k_str_replace(&plan.output_dir, NULL);
    assert_null(x2k_v2v_build_argv(&plan, NULL, NULL, &err));
    assert_int_equal(err.code, X2K_ERR_INVALID);
    x2k_error_clear(&err);
    plan.output = X2K_OUTPUT_LIBVIRT;
    x2k_str_replace(&plan.uri, NULL);
    assert_null(x2k_v2v_build_argv(&plan, NULL, NULL, &err));
    assert_int_equal(err.code, X2K_ERR_INVALID);
    x2k_error_clear(&err);
    x2k_plan_clear(&plan);
    /* x2k_plan_clear resets to the defaults, which own strings. */
    free(plan.target_uri);
    free(plan.pool);
}

/* ---- Parser -------------------------------------------------------------- */

/* Events serialised one per line, for comparing feeds. */
static void
record_event(const struct x2k_event *ev, void *opaque)
{
    struct x2k_buf *b = opaque;

    switch (ev->kind) {
    case X2K_EVENT_PROGRESS:
        assert_int_equal(ev->stage, X2K_STAGE_CONVERT);
        x2k_buf_printf(b, "P %d %llu/%llu\n", ev->disk,
                       (unsigned long long)ev->done,
                       (unsigned long long)ev->total);
        break;
    case X2K_EVENT_WARNING:
        x2k_buf_printf(b, "W %s\n", ev->text);
        break;
    case X2K_EVENT_LOG:
        x2k_buf_printf(b, "L %s\n", ev->text);
        break;
    default:
        x2k_buf_printf(b, "? %d\n", ev->kind);
    }
}

static char *
read_sample(const char *name, size_t *len)
{
    const char *top = getenv("top_srcdir");
    char *path = x2k_strdup_printf("%s/tests/data/v2v/%s", top ? top : "..",
                                   name);
    FILE *f = fopen(path, "rb");
    struct x2k_buf b = { 0 };
    char buf[4096];
    size_t n;

    assert_non_null(f);
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        x2k_buf_append(&b, buf, n);
    fclose(f);
    free(path);
    *len = b.len;
    return x2k_buf_steal(&b);
}

enum feed_mode { WHOLE, BYTES, RANDOM };

/* Feed both streams of sample NAME; return the events. */
static char *
run_parser(const char *name, enum feed_mode mode, char **error,
           struct x2k_v2v_stats *stats)
{
    struct x2k_buf events = { 0 };
    struct x2k_reporter rep;
    struct x2k_v2v_parser *p;
    char *path_out = x2k_strdup_printf("%s.stdout", name);
    char *path_err = x2k_strdup_printf("%s.stderr", name);
    size_t lo, le, io = 0, ie = 0;
    char *out = read_sample(path_out, &lo);
    char *errs = read_sample(path_err, &le);

    x2k_reporter_init(&rep, record_event, &events);
    p = x2k_v2v_parser_new(&rep, X2K_STAGE_CONVERT);
    /* Stdout first, as the pipes deliver it when virt-v2v writes both
     * at the end; interleaving is covered by the random mode. */
    while (io < lo || ie < le) {
        size_t n;
        bool use_out = io < lo && (ie >= le || mode != RANDOM ||
                                   testlib_rand() % 2);
        size_t left = use_out ? lo - io : le - ie;

        n = mode == WHOLE  ? left
            : mode == BYTES ? 1
                            : 1 + testlib_rand() % 97;
        if (n > left)
            n = left;
        if (use_out) {
            x2k_v2v_parser_feed(p, X2K_V2V_STDOUT, out + io, n);
            io += n;
        } else {
            x2k_v2v_parser_feed(p, X2K_V2V_STDERR, errs + ie, n);
            ie += n;
        }
    }
    x2k_v2v_parser_finish(p, true);
    if (error)
        *error = x2k_xstrdup(x2k_v2v_parser_error(p));
    if (stats)
        *stats = *x2k_v2v_parser_stats(p);
    x2k_v2v_parser_free(p);
    free(out);
    free(errs);
    free(path_out);
    free(path_err);
    return x2k_buf_steal(&events);
}

static void
test_parser_success(void **state)
{
    struct x2k_v2v_stats st;
    char *error = NULL;
    char *whole = run_parser("success", WHOLE, &error, &st);
    char *bytes;

    /* Progress: disk 0 from 0 to 100 (the repeated 100/100 is not
     * reported twice; CRLF and lone CR end lines), disk 1 stops at 57
     * and finish() completes it. */
    assert_non_null(strstr(whole, "P 0 0/100\nP 0 10/100\n"));
    assert_non_null(strstr(whole, "P 0 50/100\nP 0 60/100\nP 0 70/100\n"));
    assert_non_null(strstr(whole, "P 0 100/100\nL Copying disk 2/2\n"));
    assert_non_null(strstr(whole, "P 1 57/100\n"));
    assert_non_null(strstr(whole, "L Creating output metadata\n"
                                  "L Finishing off\n"));
    assert_true(x2k_str_has_suffix(whole, "P 1 100/100\n"));
    assert_int_equal(st.progress, 11 + 3 + 1);
    assert_int_equal(st.disks, 2);
    /* The JSON warning once, not again from stderr. */
    assert_non_null(strstr(whole, "W /boot/grub/device.map references "
                                  "unknown device /dev/vda."));
    assert_int_equal(st.warnings, 1);
    /* Human echoes "[  1.7] ..." are dropped; each message once. */
    assert_non_null(strstr(whole, "L Opening the source\nL Inspecting"));
    assert_int_equal(st.messages, 16);
    /* \u escapes decoded to UTF-8, tab kept. */
    assert_non_null(strstr(whole, "L Guest name with UTF-8: 中文虚拟机 "
                                  "\"quoted\"\ttab\n"));
    /* Unknown lines are logged, never dropped. */
    assert_non_null(strstr(whole, "L nbdkit: ssh[1]: debug: an unknown"));
    assert_null(error);

    /* Byte by byte: exactly the same events. */
    bytes = run_parser("success", BYTES, NULL, NULL);
    assert_string_equal(bytes, whole);
    free(bytes);
    free(whole);
}

static void
test_parser_random_chunks(void **state)
{
    char *whole = run_parser("success", WHOLE, NULL, NULL);
    int i;

    testlib_seed(7);
    for (i = 0; i < 50; i++) {
        char *r = run_parser("success", RANDOM, NULL, NULL);
        size_t k;
        const char *lines[] = {
            "P 0 100/100\n", "P 1 57/100\n", "L Finishing off\n",
            "W /boot/grub/device.map", "L Copying disk 2/2\n",
        };

        /* Stdout's events keep their order whatever the interleaving;
         * stderr only adds log lines. */
        for (k = 0; k < X2K_N_ELEMENTS(lines); k++)
            assert_non_null(strstr(r, lines[k]));
        assert_true(strlen(r) >= strlen(whole) - 200);
        free(r);
    }
    free(whole);
}

static void
test_parser_recorded_error(void **state)
{
    struct x2k_v2v_stats st;
    char *error = NULL;
    char *ev = run_parser("noos", WHOLE, &error, &st);
    char *bytes;

    assert_non_null(error);
    assert_true(x2k_str_has_prefix(error, "inspection could not detect the "
                                          "source guest"));
    assert_non_null(strstr(error, "No root device found"));
    assert_non_null(strstr(ev, "L Inspecting the source\n"));
    assert_int_equal(st.progress, 0);
    assert_int_equal(st.errors, 1);
    free(error);
    bytes = run_parser("noos", BYTES, &error, NULL);
    assert_string_equal(bytes, ev);
    free(bytes);
    free(error);
    free(ev);
}

static void
test_parser_hostile(void **state)
{
    struct x2k_buf events = { 0 };
    struct x2k_reporter rep;
    struct x2k_v2v_parser *p;
    static const char junk[] =
        "virt-v2v: warning: before any JSON\n"
        "5/0\n7/3\n-1/100\n12/100 \n1/2/3\n/100\n100/\n"
        "{ \"message\": \"unterminated\n"
        "{ \"message\": \"x\", \"type\": \"warning\" } trailing\n"
        "{ \"message\": \"bad \\q escape\" }\n"
        "{ \"message\": \"\\ud800 lone surrogate\", \"type\": \"info\" }\n"
        "{ \"type\": \"message\" }\n"
        "[ 1.0]no space\n";
    char *big = x2k_xmalloc(200000);
    size_t i;

    x2k_reporter_init(&rep, record_event, &events);
    p = x2k_v2v_parser_new(&rep, X2K_STAGE_CONVERT);
    x2k_v2v_parser_feed(p, X2K_V2V_STDOUT, junk, sizeof junk - 1);
    x2k_v2v_parser_feed(p, X2K_V2V_STDERR, "virt-v2v: warning: w2\n", 22);
    /* A 200 kB line with NULs, then random bytes: logged in pieces. */
    for (i = 0; i < 200000; i++)
        big[i] = i % 1000 == 0 ? '\0' : 'a';
    x2k_v2v_parser_feed(p, X2K_V2V_STDOUT, big, 200000);
    testlib_seed(3);
    for (i = 0; i < 200000; i++)
        big[i] = (char)(testlib_rand() & 0xff);
    x2k_v2v_parser_feed(p, X2K_V2V_STDERR, big, 200000);
    x2k_v2v_parser_feed(p, X2K_V2V_STDOUT, "\n33/100", 7); /* no newline */
    x2k_v2v_parser_finish(p, false);
    /* Only the "12/100 " (trailing blank trimmed) and the final partial
     * line are progress; a failed run does not complete the bar. */
    assert_int_equal(x2k_v2v_parser_stats(p)->progress, 2);
    assert_non_null(strstr(events.data, "P -1 33/100\n"));
    assert_non_null(strstr(events.data, "L 5/0\n"));
    assert_non_null(strstr(events.data, "L 7/3\n"));
    assert_non_null(strstr(events.data, "L { \"message\": \"x\", \"type\": "
                                        "\"warning\" } trailing\n"));
    assert_non_null(strstr(events.data, "L \xef\xbf\xbd lone surrogate\n"));
    assert_non_null(strstr(events.data, "W before any JSON\n"));
    /* After a JSON line, stderr warnings are echoes: logged. */
    assert_non_null(strstr(events.data, "L virt-v2v: warning: w2\n"));
    x2k_v2v_parser_free(p);
    free(big);
    free(events.data);
}

/* ---- Runner ------------------------------------------------------------- */

static char *
write_script(const char *dir, const char *body)
{
    char *path = x2k_strdup_printf("%s/fake-v2v", dir);
    FILE *f = fopen(path, "w");

    assert_non_null(f);
    fprintf(f, "#!/bin/sh\n%s", body);
    fclose(f);
    chmod(path, 0755);
    return path;
}

static char *
slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    struct x2k_buf b = { 0 };
    char buf[4096];
    size_t n;

    assert_non_null(f);
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        x2k_buf_append(&b, buf, n);
    fclose(f);
    return x2k_buf_steal(&b);
}

static void
test_run_failure_keeps_log(void **state)
{
    char dir[] = "/tmp/x2k-v2v.XXXXXX";
    struct x2k_error err = X2K_ERROR_INIT;
    struct x2k_buf events = { 0 };
    struct x2k_reporter rep;
    const char *top = getenv("top_srcdir");
    char *script, *log, *text, *body;
    char *argv[3];

    assert_non_null(mkdtemp(dir));
    body = x2k_strdup_printf("cat '%s/tests/data/v2v/noos.stdout'\n"
                             "cat '%s/tests/data/v2v/noos.stderr' >&2\n"
                             "exit 1\n",
                             top ? top : "..", top ? top : "..");
    script = write_script(dir, body);
    log = x2k_strdup_printf("%s/v2v.log", dir);
    argv[0] = script;
    argv[1] = "arg with space";
    argv[2] = NULL;
    x2k_reporter_init(&rep, record_event, &events);
    assert_int_equal(x2k_v2v_run(argv, log, &rep, X2K_STAGE_CONVERT, &err),
                     -1);
    assert_int_equal(err.code, X2K_ERR_V2V);
    assert_non_null(strstr(err.msg, log));
    assert_true(x2k_str_has_prefix(err.detail, "inspection could not"));
    text = slurp(log);
    assert_non_null(strstr(text, "'arg with space'"));
    assert_non_null(strstr(text, "\"type\": \"error\""));
    assert_non_null(strstr(text, "If reporting bugs"));
    assert_non_null(strstr(events.data, "L Inspecting the source\n"));
    free(text);
    x2k_error_clear(&err);

    /* A program that is not there. */
    argv[0] = "/nonexistent/virt-v2v";
    assert_int_equal(x2k_v2v_run(argv, log, &rep, X2K_STAGE_CONVERT, &err),
                     -1);
    assert_int_equal(err.code, X2K_ERR_NOT_FOUND);
    x2k_error_clear(&err);

    unlink(log);
    unlink(script);
    rmdir(dir);
    free(body);
    free(script);
    free(log);
    free(events.data);
}

static void *
cancel_later(void *opaque)
{
    usleep(300 * 1000);
    x2k_reporter_cancel(opaque);
    return NULL;
}

static void
test_run_success_and_cancel(void **state)
{
    char dir[] = "/tmp/x2k-v2v.XXXXXX";
    struct x2k_error err = X2K_ERROR_INIT;
    struct x2k_buf events = { 0 };
    struct x2k_reporter rep;
    char *script, *log;
    char *argv[2];
    pthread_t t;
    double t0;

    assert_non_null(mkdtemp(dir));
    script = write_script(dir, "printf '{ \"message\": \"Copying disk 1/1\", "
                               "\"type\": \"message\" }\\n0/100\\n4'\n"
                               "sleep 0.1\nprintf '2/100\\r'\n"
                               "echo 'virt-v2v: warning: w' >&2\nexit 0\n");
    log = x2k_strdup_printf("%s/v2v.log", dir);
    argv[0] = script;
    argv[1] = NULL;
    x2k_reporter_init(&rep, record_event, &events);
    assert_int_equal(x2k_v2v_run(argv, log, &rep, X2K_STAGE_CONVERT, &err),
                     0);
    /* "4" and "2/100" arrive apart; success completes the bar. */
    assert_non_null(strstr(events.data, "P 0 0/100\nP 0 42/100\n"));
    assert_true(x2k_str_has_suffix(events.data, "P 0 100/100\n"));
    unlink(script);
    free(script);

    /* Cancellation stops a virt-v2v that never ends, with its helpers. */
    script = write_script(dir, "sleep 600 &\nsleep 600\n");
    argv[0] = script;
    x2k_reporter_init(&rep, record_event, &events);
    pthread_create(&t, NULL, cancel_later, &rep);
    t0 = x2k_now();
    assert_int_equal(x2k_v2v_run(argv, log, &rep, X2K_STAGE_CONVERT, &err),
                     -1);
    pthread_join(t, NULL);
    assert_int_equal(err.code, X2K_ERR_CANCELLED);
    assert_true(x2k_now() - t0 < 5);
    x2k_error_clear(&err);
    unlink(log);
    unlink(script);
    rmdir(dir);
    free(script);
    free(log);
    free(events.data);
}

static void
test_probe(void **state)
{
    struct x2k_error err = X2K_ERROR_INIT;
    struct x2k_v2v_info *info;
    char *old = getenv("PATH") ? x2k_xstrdup(getenv("PATH")) : NULL;

    /* Missing: a clear, translated reason. */
    setenv("PATH", "/nonexistent", 1);
    unsetenv("X2K_VIRT_V2V");
    assert_null(x2k_v2v_probe(&err));
    assert_int_equal(err.code, X2K_ERR_NOT_FOUND);
    assert_non_null(strstr(err.msg, "virt-v2v"));
    x2k_error_clear(&err);
    if (old)
        setenv("PATH", old, 1);
    free(old);

    info = x2k_v2v_probe(&err);
    if (!info) {
        x2k_error_clear(&err);
        skip();                 /* virt-v2v not installed here */
    }

    /* virt-v2v without nbdkit (Debian only recommends it): refused with
     * the package to install. */
    {
        char dir[] = "/tmp/x2k-v2v.XXXXXX";
        char *link;

        assert_non_null(mkdtemp(dir));
        link = x2k_strdup_printf("%s/virt-v2v", dir);
        assert_int_equal(symlink(info->path, link), 0);
        old = x2k_xstrdup(getenv("PATH"));
        setenv("PATH", dir, 1);
        assert_null(x2k_v2v_probe(&err));
        setenv("PATH", old, 1);
        assert_int_equal(err.code, X2K_ERR_NOT_FOUND);
        assert_non_null(strstr(err.msg, "nbdkit"));
        x2k_error_clear(&err);
        unlink(link);
        rmdir(dir);
        free(link);
        free(old);
    }
    assert_non_null(info->version);
    assert_true(info->version[0] >= '1' && info->version[0] <= '9');
    assert_true(x2k_v2v_has_feature(info, "input:libvirtxml"));
    assert_true(x2k_v2v_has_feature(info, "output:local"));
    assert_false(x2k_v2v_has_feature(info, "output:nonexistent"));
    x2k_v2v_info_free(info);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_argv_libvirt),
        cmocka_unit_test(test_argv_local_libvirtxml),
        cmocka_unit_test(test_parser_success),
        cmocka_unit_test(test_parser_random_chunks),
        cmocka_unit_test(test_parser_recorded_error),
        cmocka_unit_test(test_parser_hostile),
        cmocka_unit_test(test_run_failure_keeps_log),
        cmocka_unit_test(test_run_success_and_cancel),
        cmocka_unit_test(test_probe),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}

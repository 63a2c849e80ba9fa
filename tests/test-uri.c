/* Unit tests for core/uri: parsing the URIs libvirt accepts, building
 * xen+ssh://[USER@]HOST[:PORT]/ URIs, and the round trip. */
#include <config.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "plan/uri.h"

static void
test_parse_xen_ssh(void **state)
{
    struct x2k_error err = X2K_ERROR_INIT;
    struct x2k_uri *u;

    (void)state;
    u = x2k_uri_parse("xen+ssh://root@xen.example.com:2222/?keyfile=/k%20x&no_verify=1",
                      &err);
    assert_non_null(u);
    assert_string_equal(u->scheme, "xen+ssh");
    assert_string_equal(u->driver, "xen");
    assert_string_equal(u->transport, "ssh");
    assert_string_equal(u->user, "root");
    assert_string_equal(u->host, "xen.example.com");
    assert_int_equal(u->port, 2222);
    assert_string_equal(u->path, "/");
    assert_string_equal(x2k_uri_get_param(u, "keyfile"), "/k x");
    assert_string_equal(x2k_uri_get_param(u, "no_verify"), "1");
    assert_null(x2k_uri_get_param(u, "missing"));
    assert_true(x2k_uri_is_remote(u));
    x2k_uri_free(u);

    u = x2k_uri_parse("xen+ssh://172.16.7.54", &err);
    assert_non_null(u);
    assert_string_equal(u->host, "172.16.7.54");
    assert_null(u->user);
    assert_int_equal(u->port, 0);
    x2k_uri_free(u);
}

static void
test_parse_local(void **state)
{
    struct x2k_error err = X2K_ERROR_INIT;
    struct x2k_uri *u;

    (void)state;
    u = x2k_uri_parse("test:///abs/path/xenhost.xml", &err);
    assert_non_null(u);
    assert_string_equal(u->driver, "test");
    assert_null(u->transport);
    assert_null(u->host);
    assert_string_equal(u->path, "/abs/path/xenhost.xml");
    assert_false(x2k_uri_is_remote(u));
    x2k_uri_free(u);

    u = x2k_uri_parse("qemu:///system", &err);
    assert_non_null(u);
    assert_string_equal(u->path, "/system");
    x2k_uri_free(u);

    assert_null(x2k_uri_parse("not a uri", &err));
    assert_int_equal(err.code, X2K_ERR_INVALID);
    x2k_error_clear(&err);
    assert_null(x2k_uri_parse("", &err));
    x2k_error_clear(&err);
}

static void
test_build(void **state)
{
    char *s;

    (void)state;
    s = x2k_uri_build_xen_ssh("root", "xen.example.com", 0, NULL);
    assert_string_equal(s, "xen+ssh://root@xen.example.com/");
    free(s);
    s = x2k_uri_build_xen_ssh(NULL, "172.16.7.54", 22, NULL);
    assert_string_equal(s, "xen+ssh://172.16.7.54/");
    free(s);
    s = x2k_uri_build_xen_ssh("admin", "h", 2222, "/root/.ssh/my key");
    assert_string_equal(s, "xen+ssh://admin@h:2222/?keyfile=/root/.ssh/my%20key");
    free(s);
}

static void
test_roundtrip(void **state)
{
    static const char *const uris[] = {
        "xen+ssh://root@xen.example.com/",
        "xen+ssh://u@h:2222/?keyfile=/a%20b/c&no_tty=1",
        "test:///abs/xenhost.xml",
        "qemu:///system",
        "test+ssh://root@[::1]:22/default",
    };
    size_t i;

    (void)state;
    for (i = 0; i < X2K_N_ELEMENTS(uris); i++) {
        struct x2k_error err = X2K_ERROR_INIT;
        struct x2k_uri *u = x2k_uri_parse(uris[i], &err);
        char *s;

        assert_non_null(u);
        s = x2k_uri_format(u);
        assert_string_equal(s, uris[i]);
        free(s);
        x2k_uri_set_param(u, "keyfile", "/new");
        s = x2k_uri_format(u);
        assert_non_null(strstr(s, "keyfile=/new"));
        free(s);
        x2k_uri_free(u);
    }
    x2k_uri_free(NULL);
}

static void
test_noninteractive(void **state)
{
    char *s;

    (void)state;
    s = x2k_uri_noninteractive("xen+ssh://root@xen1/");
    assert_string_equal(s, "xen+ssh://root@xen1/?no_tty=1");
    free(s);
    s = x2k_uri_noninteractive("xen+ssh://root@xen1/?keyfile=/k");
    assert_string_equal(s, "xen+ssh://root@xen1/?keyfile=/k&no_tty=1");
    free(s);
    s = x2k_uri_noninteractive("xen+ssh://root@xen1/?no_tty=0");
    assert_string_equal(s, "xen+ssh://root@xen1/?no_tty=0");
    free(s);
    s = x2k_uri_noninteractive("test:///abs/xenhost.xml");
    assert_string_equal(s, "test:///abs/xenhost.xml");
    free(s);
    s = x2k_uri_noninteractive("xen+tls://xen1/");
    assert_string_equal(s, "xen+tls://xen1/");
    free(s);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_xen_ssh),
        cmocka_unit_test(test_parse_local),
        cmocka_unit_test(test_build),
        cmocka_unit_test(test_roundtrip),
        cmocka_unit_test(test_noninteractive),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}

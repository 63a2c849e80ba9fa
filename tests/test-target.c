/* Unit tests for core/target's queries against libvirt's test driver
 * loaded with tests/data/kvmhost.xml (the fake KVM host): pools with
 * free space, networks, bridges (libvirt interfaces and a sysfs-like
 * directory), taken domain names; and the remedy text of every
 * preflight check. */
#include <config.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "engine/preflight.h"
#include "help.h"
#include "target/target.h"

static char *uri;

static void
test_pools(void **state)
{
    struct x2k_error err = X2K_ERROR_INIT;
    struct x2k_target *t = x2k_target_open(uri, &err);
    struct x2k_pool_info pi;
    char **names;

    (void)state;
    assert_non_null(t);
    assert_int_equal(x2k_target_pool_info(t, "default", &pi, &err), 0);
    assert_true(pi.active);
    assert_true(pi.available > 50ULL << 30);
    assert_string_equal(pi.path, "/var/lib/libvirt/images");
    assert_string_equal(pi.type, "dir");
    x2k_pool_info_clear(&pi);
    assert_int_equal(x2k_target_pool_info(t, "tiny", &pi, &err), 0);
    assert_int_equal(pi.available, 1 << 20);
    x2k_pool_info_clear(&pi);
    assert_int_equal(x2k_target_pool_info(t, "nosuch", &pi, &err), -1);
    assert_int_equal(err.code, X2K_ERR_NOT_FOUND);
    x2k_error_clear(&err);
    names = x2k_target_list_pools(t, &err);
    assert_non_null(names);
    assert_non_null(names[0]);
    assert_non_null(names[1]);
    assert_null(names[2]);
    x2k_target_names_free(names);
    x2k_target_free(t);
    x2k_target_free(NULL);
}

static void
test_networks_bridges(void **state)
{
    struct x2k_error err = X2K_ERROR_INIT;
    struct x2k_target *t = x2k_target_open(uri, &err);
    char dir[] = "/tmp/x2k-sysfs.XXXXXX";
    char p[256];
    char **names;
    bool active = false;

    (void)state;
    assert_non_null(t);
    assert_true(x2k_target_has_network(t, "default", &active));
    assert_true(active);
    assert_false(x2k_target_has_network(t, "nosuch", NULL));
    names = x2k_target_list_networks(t, &err);
    assert_string_equal(names[0], "default");
    assert_null(names[1]);
    x2k_target_names_free(names);

    /* br0 is a bridge interface known to libvirt. */
    assert_true(x2k_target_has_bridge(t, "br0", "/nonexistent"));
    assert_false(x2k_target_has_bridge(t, "xenbr0", "/nonexistent"));
    /* A host bridge appears as NAME/bridge under /sys/class/net. */
    assert_non_null(mkdtemp(dir));
    snprintf(p, sizeof(p), "%s/xenbr0", dir);
    assert_int_equal(mkdir(p, 0755), 0);
    snprintf(p, sizeof(p), "%s/xenbr0/bridge", dir);
    assert_int_equal(mkdir(p, 0755), 0);
    snprintf(p, sizeof(p), "%s/eth0", dir);
    assert_int_equal(mkdir(p, 0755), 0);
    assert_true(x2k_target_has_bridge(t, "xenbr0", dir));
    assert_false(x2k_target_has_bridge(t, "eth0", dir));
    assert_false(x2k_target_has_bridge(t, "../xenbr0", dir));
    names = x2k_host_bridges(dir);
    assert_string_equal(names[0], "xenbr0");
    assert_null(names[1]);
    x2k_target_names_free(names);
    rmdir(p);
    snprintf(p, sizeof(p), "%s/xenbr0/bridge", dir);
    rmdir(p);
    snprintf(p, sizeof(p), "%s/xenbr0", dir);
    rmdir(p);
    rmdir(dir);
    x2k_target_free(t);
}

static void
test_domains(void **state)
{
    struct x2k_error err = X2K_ERROR_INIT;
    struct x2k_target *t = x2k_target_open(uri, &err);
    bool exists = false;

    (void)state;
    assert_int_equal(x2k_target_has_domain(t, "taken-name", &exists, &err),
                     0);
    assert_true(exists);
    assert_int_equal(x2k_target_has_domain(t, "free-name", &exists, &err), 0);
    assert_false(exists);
    x2k_target_free(t);

    assert_null(x2k_target_open("nosuchdriver:///x", &err));
    assert_int_equal(err.code, X2K_ERR_LIBVIRT);
    x2k_error_clear(&err);
}

/* Every preflight check has its remedy text in help/ ("check-<id>"). */
static void
test_check_help(void **state)
{
    const char *const *ids = x2k_preflight_check_ids();
    size_t i;

    (void)state;
    for (i = 0; ids[i]; i++) {
        char *hid = x2k_check_help_id(ids[i]);
        const struct x2k_help *h = x2k_help_find(hid);

        if (!h)
            fail_msg("no help entry %s", hid);
        assert_non_null(x2k_help_para(h, 0));
        free(hid);
    }
    assert_true(i >= 15);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pools),
        cmocka_unit_test(test_networks_bridges),
        cmocka_unit_test(test_domains),
        cmocka_unit_test(test_check_help),
    };
    const char *top = getenv("top_srcdir");
    char *abs = realpath(top ? top : "..", NULL);
    int rc;

    uri = x2k_strdup_printf("test://%s/tests/data/kvmhost.xml", abs);
    free(abs);
    rc = cmocka_run_group_tests(tests, NULL, NULL);
    free(uri);
    return rc;
}

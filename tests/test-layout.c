/* Unit tests for core/convert/layout: which disks are partitions of one
 * Xen disk, the geometry and MBR of the assembled disk, and the device
 * names the guest sees after assembling. */
#include <config.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <cmocka.h>

#include "convert/layout.h"

#define MiB (1024ULL * 1024)

static uint32_t
le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
           (uint32_t)p[3] << 24;
}

static void
test_partition_of(void **state)
{
    char d[X2K_LAYOUT_DISK_MAX];

    (void)state;
    assert_int_equal(x2k_layout_partition_of("xvda2", d), 2);
    assert_string_equal(d, "xvda");
    assert_int_equal(x2k_layout_partition_of("sdb1", d), 1);
    assert_string_equal(d, "sdb");
    assert_int_equal(x2k_layout_partition_of("hda3", d), 3);
    assert_int_equal(x2k_layout_partition_of("xvdaa12", d), 12);
    assert_string_equal(d, "xvdaa");
    assert_int_equal(x2k_layout_partition_of("xvda", d), 0);
    assert_int_equal(x2k_layout_partition_of("xvda0", d), 0);
    assert_int_equal(x2k_layout_partition_of("xvda01", d), 0);
    assert_int_equal(x2k_layout_partition_of("xvda1x", d), 0);
    assert_int_equal(x2k_layout_partition_of("xvd1", d), 0);
    assert_int_equal(x2k_layout_partition_of("nvme0n1p1", d), 0);
    assert_int_equal(x2k_layout_partition_of("", d), 0);
}

static void
test_assemblable(void **state)
{
    static const char *const xt[] = { "xvda2", "xvda1" };
    static const char *const whole[] = { "xvda", "xvda1" };
    static const char *const two[] = { "xvda1", "xvdb2" };
    static const char *const five[] = { "xvda1", "xvda5" };
    static const char *const dup[] = { "xvda1", "xvda1" };
    static const char *const sd[] = { "sda1", "sda2", "sda3" };
    static const char *const hd[] = { "hda1" };

    (void)state;
    assert_true(x2k_layout_assemblable(xt, 2));
    assert_false(x2k_layout_assemblable(whole, 2));
    assert_false(x2k_layout_assemblable(two, 2));
    assert_false(x2k_layout_assemblable(five, 2));
    assert_false(x2k_layout_assemblable(dup, 2));
    assert_true(x2k_layout_assemblable(sd, 3));
    assert_true(x2k_layout_assemblable(hd, 1));
    assert_false(x2k_layout_assemblable(xt, 0));

    assert_int_equal(x2k_layout_resolve(X2K_LAYOUT_AUTO, xt, 2),
                     X2K_LAYOUT_ASSEMBLE);
    assert_int_equal(x2k_layout_resolve(X2K_LAYOUT_AUTO, whole, 2),
                     X2K_LAYOUT_KEEP);
    assert_int_equal(x2k_layout_resolve(X2K_LAYOUT_KEEP, xt, 2),
                     X2K_LAYOUT_KEEP);
    assert_int_equal(x2k_layout_resolve(X2K_LAYOUT_ASSEMBLE, xt, 2),
                     X2K_LAYOUT_ASSEMBLE);
}

/* xen-tools' shape, given root first: partition 1 (swap) still comes
 * first; every start is on a MiB, sizes are whole sectors. */
static void
test_compute(void **state)
{
    const struct x2k_layout_volume v[] = {
        { "xvda2", 2048 * MiB + 1000, false },
        { "xvda1", 512 * MiB, true },
    };
    struct x2k_layout_geometry g;
    struct x2k_error err = X2K_ERROR_INIT;

    (void)state;
    assert_int_equal(x2k_layout_compute(v, 2, &g, &err), 0);
    assert_string_equal(g.disk, "xvda");
    assert_int_equal(g.n, 2);
    assert_int_equal(g.parts[0].number, 1);
    assert_int_equal(g.parts[0].volume, 1);
    assert_true(g.parts[0].swap);
    assert_int_equal(g.parts[0].offset, 1 * MiB);
    assert_int_equal(g.parts[0].size, 512 * MiB);
    assert_int_equal(g.parts[1].number, 2);
    assert_int_equal(g.parts[1].volume, 0);
    assert_int_equal(g.parts[1].offset, 513 * MiB);
    assert_int_equal(g.parts[1].size, 2048 * MiB + 1024);
    assert_int_equal(g.disk_size, (513 + 2048 + 1) * MiB);
}

/* Partition 3 alone stays entry 3, after a free first MiB. */
static void
test_compute_gap(void **state)
{
    const struct x2k_layout_volume v[] = { { "sda3", 10 * MiB, false } };
    struct x2k_layout_geometry g;
    struct x2k_error err = X2K_ERROR_INIT;
    uint8_t s[X2K_LAYOUT_SECTOR];

    (void)state;
    assert_int_equal(x2k_layout_compute(v, 1, &g, &err), 0);
    assert_int_equal(g.parts[0].number, 3);
    assert_int_equal(g.disk_size, 11 * MiB);
    x2k_layout_mbr(&g, 0x12345678, s);
    assert_int_equal(le32(s + 446 + 8), 0);          /* entry 1 empty */
    assert_int_equal(s[446 + 32 + 4], 0x83);
    assert_int_equal(le32(s + 446 + 32 + 8), 2048);
    assert_int_equal(le32(s + 446 + 32 + 12), 20480);
}

static void
test_compute_refused(void **state)
{
    const struct x2k_layout_volume whole[] = { { "xvda", MiB, false } };
    const struct x2k_layout_volume empty[] = { { "xvda1", 0, false } };
    const struct x2k_layout_volume huge[] = {
        { "xvda1", 1024ULL * 1024 * MiB, false },
        { "xvda2", 1024ULL * 1024 * MiB, false },
    };
    struct x2k_layout_geometry g;
    struct x2k_error err = X2K_ERROR_INIT;

    (void)state;
    assert_int_equal(x2k_layout_compute(whole, 1, &g, &err), -1);
    assert_int_equal(err.code, X2K_ERR_INVALID);
    assert_non_null(strstr(err.msg, "--layout=keep"));
    x2k_error_clear(&err);
    assert_int_equal(x2k_layout_compute(empty, 1, &g, &err), -1);
    assert_non_null(strstr(err.msg, "xvda1"));
    x2k_error_clear(&err);
    /* 1 TiB + 1 TiB + the first MiB: past 2^32 sectors. */
    assert_int_equal(x2k_layout_compute(huge, 2, &g, &err), -1);
    assert_non_null(strstr(err.msg, "2 TiB"));
    x2k_error_clear(&err);
}

static void
test_mbr(void **state)
{
    const struct x2k_layout_volume v[] = {
        { "xvda1", 128 * MiB, true },
        { "xvda2", 1000 * MiB, false },
    };
    struct x2k_layout_geometry g;
    struct x2k_error err = X2K_ERROR_INIT;
    uint8_t s[X2K_LAYOUT_SECTOR];
    size_t i;

    (void)state;
    assert_int_equal(x2k_layout_compute(v, 2, &g, &err), 0);
    x2k_layout_mbr(&g, 0xdeadbeef, s);
    for (i = 0; i < 440; i++)
        assert_int_equal(s[i], 0);                  /* no boot code yet */
    assert_int_equal(le32(s + 440), 0xdeadbeef);
    assert_int_equal(s[446 + 4], 0x82);
    assert_int_equal(le32(s + 446 + 8), 2048);
    assert_int_equal(le32(s + 446 + 12), 128 * 2048);
    assert_int_equal(s[462 + 4], 0x83);
    assert_int_equal(le32(s + 462 + 8), 129 * 2048);
    assert_int_equal(le32(s + 462 + 12), 1000 * 2048);
    for (i = 478; i < 510; i++)
        assert_int_equal(s[i], 0);                  /* entries 3, 4 */
    assert_int_equal(s[510], 0x55);
    assert_int_equal(s[511], 0xaa);
}

static void
test_map_device(void **state)
{
    const struct x2k_layout_volume v[] = {
        { "xvda1", MiB, true },
        { "xvda2", MiB, false },
    };
    struct x2k_layout_geometry g;
    struct x2k_error err = X2K_ERROR_INIT;
    char *s;

    (void)state;
    assert_int_equal(x2k_layout_compute(v, 2, &g, &err), 0);
    s = x2k_layout_map_device(&g, "/dev/xvda2", "vda");
    assert_string_equal(s, "/dev/vda2");
    free(s);
    s = x2k_layout_map_device(&g, "xvda1", "vda");
    assert_string_equal(s, "vda1");
    free(s);
    assert_null(x2k_layout_map_device(&g, "/dev/xvda3", "vda"));
    assert_null(x2k_layout_map_device(&g, "/dev/xvdb1", "vda"));
    assert_null(x2k_layout_map_device(&g, "/dev/xvda", "vda"));
    assert_null(x2k_layout_map_device(&g, "/dev/xvda22", "vda"));
    assert_null(x2k_layout_map_device(&g, "UUID=1234", "vda"));
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_partition_of),
        cmocka_unit_test(test_assemblable),
        cmocka_unit_test(test_compute),
        cmocka_unit_test(test_compute_gap),
        cmocka_unit_test(test_compute_refused),
        cmocka_unit_test(test_mbr),
        cmocka_unit_test(test_map_device),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}

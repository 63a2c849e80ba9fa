/* Unit tests for core/guest's pure parts: x2k_guest_check (the preflight
 * check on inspection data: Windows and other OSes refused with a
 * pointer to virt-v2v, Xen-only kernels refused with the remedy to
 * install kernel-default unless direct kernel boot, kernels without
 * virtio refused) and the enum names.  The libguestfs side runs in make check-slow
 * (tests/slow-guest-fix.sh) with the real appliance. */
#include <config.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "guest/guest.h"

static struct x2k_guest_kernel xen_kernel = {
    .version = "2.6.32.12-0.7-xen", .xen = true, .virtio_module = false,
};
static struct x2k_guest_kernel default_kernel = {
    .version = "2.6.32.12-0.7-default", .virtio_module = true,
};
static struct x2k_guest_kernel no_virtio_kernel = {
    .version = "2.6.16-old", .virtio_module = false,
};

static void
test_check_linux(void **state)
{
    struct x2k_guest_kernel both[2];
    struct x2k_guest_info info = { .os = X2K_OS_LINUX, .os_name = "linux" };
    struct x2k_error err = X2K_ERROR_INIT;

    both[0] = xen_kernel;
    both[1] = default_kernel;
    info.kernels = both;
    info.n_kernels = 2;
    assert_int_equal(x2k_guest_check(&info, false, &err), 0);
    assert_false(x2k_error_is_set(&err));

    /* Only a Xen kernel: refused with the remedy, naming the kernel. */
    info.n_kernels = 1;
    assert_int_equal(x2k_guest_check(&info, false, &err), -1);
    assert_int_equal(err.code, X2K_ERR_PREFLIGHT);
    assert_non_null(strstr(err.msg, "2.6.32.12-0.7-xen"));
    assert_non_null(strstr(err.msg, "zypper in kernel-default"));
    x2k_error_clear(&err);
    /* ... unless the plan boots a kernel from outside the guest. */
    assert_int_equal(x2k_guest_check(&info, true, &err), 0);

    /* No kernel at all. */
    info.n_kernels = 0;
    assert_int_equal(x2k_guest_check(&info, false, &err), -1);
    assert_int_equal(err.code, X2K_ERR_PREFLIGHT);
    assert_non_null(strstr(err.msg, "kernel-default"));
    x2k_error_clear(&err);

    /* Generic kernels without virtio_blk. */
    info.kernels = &no_virtio_kernel;
    info.n_kernels = 1;
    assert_int_equal(x2k_guest_check(&info, false, &err), -1);
    assert_int_equal(err.code, X2K_ERR_PREFLIGHT);
    assert_non_null(strstr(err.msg, "virtio_blk"));
    x2k_error_clear(&err);
}

static void
test_check_other_os(void **state)
{
    struct x2k_guest_info info = { .os = X2K_OS_WINDOWS, .os_name = "windows" };
    struct x2k_error err = X2K_ERROR_INIT;

    /* Windows: the builtin engine refuses and points at virt-v2v, even
     * with direct kernel boot. */
    assert_int_equal(x2k_guest_check(&info, true, &err), -1);
    assert_int_equal(err.code, X2K_ERR_UNSUPPORTED);
    assert_non_null(strstr(err.msg, "Windows"));
    assert_non_null(strstr(err.msg, "--engine virt-v2v"));
    x2k_error_clear(&err);

    info.os = X2K_OS_OTHER;
    info.os_name = "freebsd";
    assert_int_equal(x2k_guest_check(&info, false, &err), -1);
    assert_int_equal(err.code, X2K_ERR_UNSUPPORTED);
    assert_non_null(strstr(err.msg, "freebsd"));
    assert_non_null(strstr(err.msg, "--engine virt-v2v"));
    x2k_error_clear(&err);

    info.os = X2K_OS_UNKNOWN;
    info.os_name = NULL;
    assert_int_equal(x2k_guest_check(&info, false, &err), -1);
    assert_int_equal(err.code, X2K_ERR_UNSUPPORTED);
    x2k_error_clear(&err);
}

static void
test_names(void **state)
{
    assert_string_equal(x2k_os_kind_name(X2K_OS_LINUX), "linux");
    assert_string_equal(x2k_os_kind_name(X2K_OS_WINDOWS), "windows");
    assert_string_equal(x2k_bootloader_name(X2K_BOOT_GRUB_LEGACY),
                        "grub-legacy");
    assert_string_equal(x2k_bootloader_name(X2K_BOOT_GRUB2), "grub2");
    assert_string_equal(x2k_bootloader_name(X2K_BOOT_NONE), "none");
    /* Closing nothing succeeds; freeing nothing is a no-op. */
    assert_int_equal(x2k_guest_close(NULL, NULL), 0);
    x2k_guest_free(NULL);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_check_linux),
        cmocka_unit_test(test_check_other_os),
        cmocka_unit_test(test_names),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}

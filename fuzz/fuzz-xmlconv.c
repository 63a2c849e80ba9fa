/* libFuzzer harness for the XML converter: every input is parsed as a
 * domain XML and converted with target capabilities that enable every
 * code path (KVM, machine types, OVMF), once with the plan's default
 * disk placement and once keeping the disks, plus the kernel command
 * line rewriter on the raw bytes.  A crash, leak, or sanitizer report
 * is a bug.  See fuzz/README for how to run it.
 */
#include <config.h>

#include <stddef.h>
#include <stdint.h>

#include "convert/xmlconv.h"

static const char caps_xml[] =
    "<capabilities><host><cpu><arch>x86_64</arch></cpu></host>"
    "<guest><os_type>hvm</os_type><arch name='x86_64'>"
    "<emulator>/usr/bin/qemu-system-x86_64</emulator>"
    "<machine canonical='pc-i440fx-7.2'>pc</machine>"
    "<machine>pc-q35-7.2</machine><domain type='qemu'/>"
    "<domain type='kvm'/></arch></guest>"
    "<guest><os_type>hvm</os_type><arch name='i686'>"
    "<emulator>/usr/bin/qemu-system-i386</emulator>"
    "<machine>pc-q35-7.2</machine><domain type='kvm'>"
    "<emulator>/usr/libexec/qemu-kvm</emulator></domain></arch></guest>"
    "</capabilities>";
static const char domcaps_xml[] =
    "<domainCapabilities><arch>x86_64</arch><os><enum name='firmware'>"
    "<value>efi</value></enum><loader><value>/usr/share/OVMF/"
    "OVMF_CODE_4M.fd</value></loader></os></domainCapabilities>";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct x2k_caps *caps;
    static const char *const map[] = { "xvda", "vda", "hdb", "vdb", NULL };
    static const struct x2k_xmlconv_disk_in disks[] = {
        { "/var/lib/xen/images/a.img", "qcow2", "/kvm/a.qcow2", NULL, NULL,
          "qcow2" },
        { "/dev/vg/b", "raw", NULL, "pool", "vol", NULL },
    };
    struct x2k_error err = X2K_ERROR_INIT;
    struct x2k_xmlconv_opts opts = { 0 };
    struct x2k_plan plan;
    struct x2k_xmlconv_result *r;
    char *s;

    if (!caps)
        caps = x2k_caps_parse(caps_xml, domcaps_xml, NULL);
    x2k_plan_init(&plan);
    x2k_plan_add_net(&plan, X2K_NET_BRIDGE, "xenbr0", "br0");
    x2k_plan_add_net(&plan, X2K_NET_NETWORK, NULL, "default");
    opts.caps = caps;
    opts.disks = disks;
    opts.n_disks = 2;
    r = x2k_xmlconv_convert_string((const char *)data, size, &plan, &opts,
                                   &err);
    if (!r && !x2k_error_is_set(&err))
        __builtin_trap();           /* a failure must explain itself */
    x2k_xmlconv_result_free(r);
    x2k_error_clear(&err);

    opts.caps = NULL;
    opts.disk_policy = X2K_DISKS_KEEP;
    opts.guest_os = X2K_GUEST_OS_WINDOWS;
    plan.output = X2K_OUTPUT_LOCAL;
    x2k_str_replace(&plan.output_dir, "/out");
    r = x2k_xmlconv_convert_string((const char *)data, size, &plan, &opts,
                                   &err);
    x2k_xmlconv_result_free(r);
    x2k_error_clear(&err);

    s = x2k_xstrndup((const char *)data, size);
    free(x2k_xmlconv_cmdline(s, map));
    free(s);

    x2k_plan_clear(&plan);
    free(plan.target_uri);
    free(plan.pool);
    return 0;
}

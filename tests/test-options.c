/* Unit tests for core/options.  The central property: for many
 * generated plans, hostile strings included, plan -> argv -> parse ->
 * plan is the identity, and the shell-quoted replay command read back
 * by a real shell yields the same argv. */
#include <config.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <unistd.h>
#include <cmocka.h>

#include "base/shquote.h"
#include "plan/options.h"
#include "testlib.h"

static void
free_plan(struct x2k_plan *p)
{
    x2k_plan_clear(p);
    free(p->target_uri);
    free(p->pool);
}

static size_t
argv_len(char **argv)
{
    size_t n = 0;

    while (argv[n])
        n++;
    return n;
}

static int
parse(char **argv, struct x2k_plan *p, struct x2k_cli *cli,
      struct x2k_error *err)
{
    x2k_plan_init(p);
    return x2k_options_parse((int)argv_len(argv), (const char *const *)argv,
                             p, cli, err);
}

static char *
maybe(void)
{
    return testlib_rand() % 3 == 0 ? NULL : testlib_hostile_string();
}

/* A hostile string without SEP (a separator of the option's value). */
static char *
hostile_without(char sep)
{
    char *s = testlib_hostile_string(), *p;

    for (p = s; *p; p++) {
        if (*p == sep)
            *p = '_';
    }
    return s;
}

/* A netmap name: hostile but without ':' (the IN:OUT separator). */
static char *
netname(void)
{
    return hostile_without(':');
}

/* Up to three --disk-bus or --nic-model choices, keys without '='. */
static void
random_choices(struct x2k_devchoices *ch, int n_values)
{
    size_t i, n = testlib_rand() % 4;

    for (i = 0; i < n; i++) {
        char *key = testlib_rand() % 3 ? hostile_without('=') : NULL;

        x2k_devchoices_add(ch, key, (int)(testlib_rand() % n_values));
        free(key);
    }
}

static void
random_plan(struct x2k_plan *p)
{
    size_t i, n;

    x2k_plan_init(p);
#define STR(f) do { free(p->f); p->f = maybe(); } while (0)
    p->mode = (enum x2k_mode)(testlib_rand() % 3);
    STR(uri);
    STR(vm_name);
    STR(input_xml);
    STR(xl_config);
    STR(ssh_host);
    STR(ssh_user);
    STR(identity);
    STR(password_file);
    STR(known_hosts);
    STR(accept_host_key);
    STR(state_dir);
    STR(new_name);
    if (testlib_rand() % 4)
        STR(target_uri);
    if (testlib_rand() % 4)
        STR(pool);
    if (!p->target_uri)
        p->target_uri = x2k_xstrdup(X2K_DEFAULT_TARGET_URI);
    if (!p->pool)
        p->pool = x2k_xstrdup(X2K_DEFAULT_POOL);
#undef STR
    p->block_device = testlib_rand() % 2;
    p->demo = testlib_rand() % 2;
    p->legacy_ssh = testlib_rand() % 2;
    p->io_timeout = (int)(1 + testlib_rand() % 86400);
    p->shutdown_source = testlib_rand() % 2;
    p->force_off = testlib_rand() % 2;
    p->new_uuid = testlib_rand() % 2;
    p->verify = testlib_rand() % 2;
    p->start = testlib_rand() % 2;
    /* --boot-check[=REGEX]: a regex only with the check, never empty
     * ("--boot-check=" is the default regex). */
    p->boot_check = testlib_rand() % 2;
    if (p->boot_check) {
        p->boot_regex = maybe();
        if (p->boot_regex && !*p->boot_regex) {
            free(p->boot_regex);
            p->boot_regex = NULL;
        }
    }
    p->boot_timeout = (int)(1 + testlib_rand() % 86400);
    p->no_guest_fixes = testlib_rand() % 2;
    p->ssh_port = (int)(testlib_rand() % 3 ? 0 : 1 + testlib_rand() % 65535);
    p->parallel = (int)(1 + testlib_rand() % X2K_MAX_PARALLEL);
    p->shutdown_timeout = (int)(1 + testlib_rand() % 86400);
    p->format = (enum x2k_format)(testlib_rand() % 2);
    p->allocation = (enum x2k_alloc)(testlib_rand() % 2);
    p->engine = (enum x2k_engine_kind)(testlib_rand() % 2);
    p->layout = (enum x2k_layout)(testlib_rand() % 3);   /* with auto */
    p->output = (enum x2k_output)(testlib_rand() % 2);
    if (p->output == X2K_OUTPUT_LOCAL)
        p->output_dir = testlib_hostile_string();
    p->vcpus = (int)(testlib_rand() % 3 ? 0 : 1 + testlib_rand() % X2K_MAX_VCPUS);
    /* Whole MiB, or KiB that are not. */
    p->memory_kib = testlib_rand() % 3 == 0 ? 0
                    : testlib_rand() % 2
                        ? 1024 * (1 + (uint64_t)testlib_rand() % 1048576)
                        : X2K_MIN_MEMORY_KIB +
                              (uint64_t)testlib_rand() %
                                  (X2K_MAX_MEMORY_KIB - X2K_MIN_MEMORY_KIB);
    random_choices(&p->disk_buses, X2K_N_DISK_BUSES);
    random_choices(&p->nic_models, X2K_N_NIC_MODELS);
    n = testlib_rand() % 4;
    for (i = 0; i < n; i++) {
        char *in = testlib_rand() % 3 ? netname() : NULL;
        char *out = netname();

        x2k_plan_add_net(p, (enum x2k_net_kind)(testlib_rand() % 2), in,
                         out);
        free(in);
        free(out);
    }
}

static void
assert_same_argv(char **a, char **b)
{
    size_t i;

    for (i = 0; a[i]; i++) {
        assert_non_null(b[i]);
        assert_string_equal(a[i], b[i]);
    }
    assert_null(b[i]);
}

/* The documented block-device example (a Xen host by IP, a guest with a
 * host block device): parsed, and replayed as the same command. */
static void
test_block_device_example(void **state)
{
    const char *argv[] = { "xen2kvm-tui", "--mode", "xen", "--uri",
                           "xen+ssh://172.16.7.54", "--vm-name",
                           "ubuntu14.04", "--block-device", NULL };
    struct x2k_plan p;
    struct x2k_cli cli;
    char *cmd;

    x2k_plan_init(&p);
    assert_int_equal(x2k_options_parse(8, argv, &p, &cli, NULL), 0);
    assert_string_equal(p.uri, "xen+ssh://172.16.7.54");
    assert_string_equal(p.vm_name, "ubuntu14.04");
    assert_true(p.block_device);
    assert_false(cli.batch);
    cmd = x2k_plan_to_command(&p);
    assert_string_equal(cmd, "xen2kvm-tui --batch "
                             "--uri=xen+ssh://172.16.7.54 "
                             "--vm-name=ubuntu14.04 --block-device");
    free(cmd);
    free_plan(&p);
}

static void
test_secrets_never(void **state)
{
    struct x2k_plan p;
    char *cmd, *dump;

    x2k_plan_init(&p);
    x2k_str_replace(&p.password_file, "/root/.xen-pw");
    cmd = x2k_plan_to_command(&p);
    dump = x2k_plan_dump(&p);
    /* Only the path, and no option exists that takes a password. */
    assert_non_null(strstr(cmd, "--password-file=/root/.xen-pw"));
    assert_null(strstr(cmd, "--password="));
    assert_null(strstr(dump, "password:"));
    free(cmd);
    free(dump);
    free_plan(&p);
}

static void
test_errors(void **state)
{
    struct {
        const char *args[4];
        const char *needle;
    } cases[] = {
        { { "x", "--format=vmdk", NULL }, "vmdk" },
        { { "x", "--mode=hyperv", NULL }, "xen, libvirtxml" },
        { { "x", "--ssh-port=0", NULL }, "--ssh-port" },
        { { "x", "--parallel=lots", NULL }, "--parallel" },
        { { "x", "--no-such-option", NULL }, "--no-such-option" },
        { { "x", "stray", NULL }, "stray" },
        { { "x", "--vm-name", NULL }, "--vm-name" },
        { { "x", "--vcpus=0", NULL }, "--vcpus" },
        { { "x", "--memory=lots", NULL }, "K, M or G" },
        { { "x", "--memory=2T", NULL }, "--memory" },
        { { "x", "--memory=512K", NULL }, "at least 1 MiB" },
        { { "x", "--disk-bus=xvda=floppy", NULL }, "virtio, sata, ide, scsi" },
        { { "x", "--nic-model=ne2k_pci", NULL }, "virtio, e1000, rtl8139" },
    };
    size_t i;

    for (i = 0; i < X2K_N_ELEMENTS(cases); i++) {
        struct x2k_plan p;
        struct x2k_cli cli;
        struct x2k_error err = X2K_ERROR_INIT;
        int argc = 0;

        while (cases[i].args[argc])
            argc++;
        x2k_plan_init(&p);
        assert_int_equal(x2k_options_parse(argc, cases[i].args, &p, &cli,
                                           &err),
                         -1);
        assert_int_equal(err.code, X2K_ERR_INVALID);
        if (!strstr(err.msg, cases[i].needle))
            fail_msg("case %zu: '%s' lacks '%s'", i, err.msg,
                     cases[i].needle);
        x2k_error_clear(&err);
        x2k_cli_clear(&cli);
        free_plan(&p);
    }
}

/* The hardware options: parsed into the plan, replayed in their order,
 * dumped one line per choice. */
static void
test_hardware(void **state)
{
    const char *argv[] = { "x", "--vcpus=4", "--memory", "4G",
                           "--disk-bus=sata", "--disk-bus=xvdb=virtio",
                           "--nic-model=00:16:3E:aa:bb:cc=e1000", NULL };
    struct x2k_plan p;
    struct x2k_cli cli;
    uint64_t kib;
    char *cmd, *dump;

    x2k_plan_init(&p);
    assert_int_equal(x2k_options_parse(7, argv, &p, &cli, NULL), 0);
    assert_int_equal(p.vcpus, 4);
    assert_int_equal(p.memory_kib, 4 * 1024 * 1024);
    assert_int_equal(x2k_devchoices_get(&p.disk_buses, "xvdb"),
                     X2K_DISK_BUS_VIRTIO);
    assert_int_equal(x2k_devchoices_get(&p.disk_buses, "xvda"),
                     X2K_DISK_BUS_SATA);
    assert_int_equal(x2k_devchoices_get(&p.nic_models, "00:16:3e:AA:BB:CC"),
                     X2K_NIC_E1000);
    assert_int_equal(x2k_devchoices_get(&p.nic_models, "00:16:3e:00:00:01"),
                     -1);
    assert_int_equal(x2k_plan_validate(&p, NULL), -1);  /* no --uri */
    cmd = x2k_plan_to_command(&p);
    assert_string_equal(cmd, "xen2kvm-tui --batch --vcpus=4 --memory=4096 "
                             "--disk-bus=sata --disk-bus=xvdb=virtio "
                             "--nic-model=00:16:3E:aa:bb:cc=e1000");
    dump = x2k_plan_dump(&p);
    assert_non_null(strstr(dump, "vcpus: 4\nmemory: 4096\n"
                                 "disk-bus: sata\ndisk-bus: xvdb=virtio\n"
                                 "nic-model: 00:16:3E:aa:bb:cc=e1000\n"));
    free(cmd);
    free(dump);

    /* The wizard's way: set replaces, a negative value removes. */
    x2k_devchoices_set(&p.disk_buses, "XVDB", X2K_DISK_BUS_IDE);
    assert_int_equal(p.disk_buses.n, 2);
    assert_int_equal(x2k_devchoices_get(&p.disk_buses, "xvdb"),
                     X2K_DISK_BUS_IDE);
    x2k_devchoices_set(&p.disk_buses, NULL, -1);
    assert_int_equal(x2k_devchoices_get(&p.disk_buses, "xvda"), -1);
    free_plan(&p);

    /* Sizes: MiB by default, K/M/G, optional B or iB. */
    assert_true(x2k_memory_parse("2048", &kib) && kib == 2048 * 1024);
    assert_true(x2k_memory_parse("512M", &kib) && kib == 512 * 1024);
    assert_true(x2k_memory_parse("1536k", &kib) && kib == 1536);
    assert_true(x2k_memory_parse("2GiB", &kib) && kib == 2 * 1024 * 1024);
    assert_true(x2k_memory_parse("8MB", &kib) && kib == 8 * 1024);
    assert_false(x2k_memory_parse("1.5G", &kib));
    assert_false(x2k_memory_parse("-1", &kib));
    assert_false(x2k_memory_parse("", &kib));
    assert_false(x2k_memory_parse("99999999999999999999999", &kib));
    assert_false(x2k_memory_parse("4096B", &kib));
    cmd = x2k_memory_string(1536);
    assert_string_equal(cmd, "1536K");
    free(cmd);
}

static void
test_output_dir_implies_local(void **state)
{
    const char *argv[] = { "x", "--output-dir=/srv/out", NULL };
    struct x2k_plan p;
    struct x2k_cli cli;
    char *cmd;

    x2k_plan_init(&p);
    assert_int_equal(x2k_options_parse(2, argv, &p, &cli, NULL), 0);
    assert_int_equal(p.output, X2K_OUTPUT_LOCAL);
    cmd = x2k_plan_to_command(&p);
    assert_string_equal(cmd, "xen2kvm-tui --batch --output-dir=/srv/out");
    free(cmd);
    free_plan(&p);
}

static void
test_roundtrip_property(void **state)
{
    const char *shell = access("/bin/dash", X_OK) == 0 ? "/bin/dash"
                                                       : "/bin/sh";
    int iter, iters = 2000;

    testlib_seed(20261122);
    unlink("/tmp/x2k-pwned");
    for (iter = 0; iter < iters; iter++) {
        struct x2k_plan a, b;
        struct x2k_cli cli;
        struct x2k_error err = X2K_ERROR_INIT;
        char **argv, **back;
        char *cmd;

        random_plan(&a);
        argv = x2k_plan_to_argv(&a);
        if (parse(argv, &b, &cli, &err) < 0)
            fail_msg("iteration %d: %s", iter, err.msg);
        assert_true(cli.batch);
        if (!x2k_plan_equal(&a, &b)) {
            char *da = x2k_plan_dump(&a), *db = x2k_plan_dump(&b);
            char *line = x2k_shell_join((const char *const *)argv);

            /* cmocka truncates long messages: print the dumps first. */
            fprintf(stderr, "argv: %s\n%s\n---\n%s\n", line, da, db);
            fail_msg("iteration %d: plans differ", iter);
        }
        /* The shell reads the replay command back into the same argv. */
        if (iter % 4 == 0) {
            cmd = x2k_plan_to_command(&a);
            back = testlib_sh_words(shell, cmd);
            assert_non_null(back);
            assert_same_argv(argv, back);
            x2k_argv_free(back);
            free(cmd);
        }
        x2k_argv_free(argv);
        x2k_cli_clear(&cli);
        free_plan(&a);
        free_plan(&b);
    }
    assert_int_not_equal(access("/tmp/x2k-pwned", F_OK), 0);
}

static void
test_help_lists_every_option(void **state)
{
    const char *const *names = x2k_options_long_names();
    char *help = x2k_options_help();
    size_t i;

    for (i = 0; names[i]; i++) {
        char *opt = x2k_strdup_printf("--%s", names[i]);

        if (strcmp(names[i], "long-options") != 0 && !strstr(help, opt))
            fail_msg("--help lacks %s", opt);
        free(opt);
    }
    free(help);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_block_device_example),
        cmocka_unit_test(test_secrets_never),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_output_dir_implies_local),
        cmocka_unit_test(test_hardware),
        cmocka_unit_test(test_roundtrip_property),
        cmocka_unit_test(test_help_lists_every_option),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}

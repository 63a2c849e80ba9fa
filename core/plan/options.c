/* The option table (one for both front ends) and argv -> plan.  Each
 * entry of `x2k_optdefs' describes one option and, for plan options,
 * the plan field it sets; parsing, --help and --long-options are
 * generated from it here, the replay argv and --dump-plan in
 * options-argv.c, so they cannot disagree.  Runs on the main thread.
 */
#include <config.h>

#include <popt.h>
#include <stddef.h>
#include <stdio.h>

#include "base/i18n.h"
#include "base/shquote.h"
#include "plan/options-internal.h"

static const char *const mode_values[] = { "xen", "libvirtxml", "xl",
                                            "image", NULL };
static const char *const firmware_values[] = { "bios", "uefi", NULL };
static const char *const format_values[] = { "raw", "qcow2", NULL };
static const char *const alloc_values[] = { "sparse", "preallocated", NULL };
static const char *const engine_values[] = { "builtin", "virt-v2v", NULL };
static const char *const layout_values[] = { "assemble", "keep", NULL };
static const char *const output_values[] = { "libvirt", "local", NULL };
static const char *const bus_values[] = { "virtio", "sata", "ide", "scsi",
                                          NULL };
static const char *const nic_values[] = { "virtio", "e1000", "rtl8139",
                                          NULL };

#define P(f) offsetof(struct x2k_plan, f)
#define C(f) offsetof(struct x2k_cli, f)

const struct optdef x2k_optdefs[] = {
    /* Source. */
    { "mode", 0, K_ENUM, G_SOURCE, P(mode), mode_values, 0, 0, 0, false,
      N_("Input mode: xen (a libvirt source such as xen+ssh://), "
         "libvirtxml (a local domain XML file), xl (a Xen guest "
         "configuration file of xl or xm) or image (disk images of "
         "another hypervisor)"),
      N_("xen|libvirtxml|xl|image") },
    { "uri", 0, K_STR, G_SOURCE, P(uri), NULL, 0, 0, 0, false,
      N_("libvirt URI of the Xen host, e.g. xen+ssh://root@xen.example.com"),
      N_("URI") },
    { "vm-name", 0, K_STR, G_SOURCE, P(vm_name), NULL, 0, 0, 0, false,
      N_("Name of the guest to convert, as listed by 'virsh list --all'"),
      N_("NAME") },
    { "block-device", 0, K_BOOL, G_SOURCE, P(block_device), NULL, 0, 0, 0,
      false,
      N_("The guest has disks on host block devices (<disk type='block'>); "
         "they are copied to the conversion host (xen mode only)"),
      NULL },
    { "input", 0, K_STR, G_SOURCE, P(input_xml), NULL, 0, 0, 0, false,
      N_("Domain XML file (libvirtxml mode) or Xen guest configuration "
         "(xl mode) to convert"),
      N_("FILE") },
    { "xl-config", 0, K_STR, G_SOURCE, P(xl_config), NULL, 0, 0, 0, false,
      N_("The guest's configuration file on the Xen host (xl mode; default: "
         "the file in /etc/xen whose name = is --vm-name)"),
      N_("PATH") },
    { "image", 0, K_STRLIST, G_SOURCE, P(images), NULL, 0, 0, 0, false,
      N_("A disk image to convert (image mode; vmdk, vdi, vhd, vhdx, qcow2 "
         "or raw; repeat for each disk and each extent of a split vmdk)"),
      N_("PATH") },
    { "firmware", 0, K_ENUM, G_SOURCE, P(firmware), firmware_values, 0, 0,
      0, false,
      N_("Firmware of the new domain (image mode; default bios)"),
      N_("bios|uefi") },
    { "demo", 0, K_BOOL, G_SOURCE, P(demo), NULL, 0, 0, 0, false,
      N_("Use the bundled demo Xen host instead of a real one"), NULL },
    { "shutdown-source", 0, K_BOOL, G_SOURCE, P(shutdown_source), NULL, 0,
      0, 0, false,
      N_("Shut the source guest down cleanly if it is running"), NULL },
    { "shutdown-timeout", 0, K_INT, G_SOURCE, P(shutdown_timeout), NULL, 1,
      86400, 0, false,
      N_("How long to wait for the guest to shut down (default 300)"),
      N_("SECONDS") },
    { "force-off", 0, K_BOOL, G_SOURCE, P(force_off), NULL, 0, 0, 0, false,
      N_("Power the source guest off (virsh destroy) if it has not shut "
         "down in time"),
      NULL },

    /* SSH. */
    { "ssh-host", 0, K_STR, G_SSH, P(ssh_host), NULL, 0, 0, 0, false,
      N_("Host to copy disks from over SSH (default: the URI's host)"),
      N_("HOST") },
    { "ssh-user", 0, K_STR, G_SSH, P(ssh_user), NULL, 0, 0, 0, false,
      N_("SSH user (default: the URI's user, else root)"), N_("USER") },
    { "ssh-port", 0, K_INT, G_SSH, P(ssh_port), NULL, 1, 65535, 0, false,
      N_("SSH port (default: the URI's port, else 22)"), N_("PORT") },
    { "identity", 0, K_STR, G_SSH, P(identity), NULL, 0, 0, 0, false,
      N_("Private key file (default: ~/.ssh/id_ed25519, id_ecdsa, id_rsa)"),
      N_("FILE") },
    { "password-file", 0, K_STR, G_SSH, P(password_file), NULL, 0, 0, 0,
      false,
      N_("Read the SSH password from FILE (never give it on the command "
         "line)"),
      N_("FILE") },
    { "known-hosts", 0, K_STR, G_SSH, P(known_hosts), NULL, 0, 0, 0, false,
      N_("OpenSSH known_hosts file (default: ~/.ssh/known_hosts)"),
      N_("FILE") },
    { "accept-host-key", 0, K_STR, G_SSH, P(accept_host_key), NULL, 0, 0, 0,
      false,
      N_("Accept an unknown host key with this fingerprint and add it to "
         "known_hosts"),
      N_("SHA256:...") },
    { "legacy-ssh", 0, K_BOOL, G_SSH, P(legacy_ssh), NULL, 0, 0, 0, false,
      N_("Allow legacy algorithms for RHEL 5-era servers (ssh-rsa, "
         "diffie-hellman-group14-sha1, group1, aes-cbc)"),
      NULL },
    { "io-timeout", 0, K_INT, G_SSH, P(io_timeout), NULL, 1, 86400, 0, false,
      N_("Fail a disk whose data stops coming for SECONDS (default 120); "
         "the copy resumes when run again"),
      N_("SECONDS") },

    /* Target. */
    { "output", 0, K_ENUM, G_TARGET, P(output), output_values, 0, 0, 0,
      false,
      N_("Where the result goes: libvirt (define the domain) or local "
         "(files in --output-dir)"),
      N_("libvirt|local") },
    { "target-uri", 0, K_STR, G_TARGET, P(target_uri), NULL, 0, 0, 0, false,
      N_("libvirt URI of the KVM host (default qemu:///system)"),
      N_("URI") },
    { "pool", 0, K_STR, G_TARGET, P(pool), NULL, 0, 0, 0, false,
      N_("Storage pool for the disks (default: default)"), N_("POOL") },
    { "output-dir", 0, K_STR, G_TARGET, P(output_dir), NULL, 0, 0, 0, false,
      N_("Directory for disks, XML and report (implies --output local)"),
      N_("DIR") },
    { "bridge", 0, K_NET, G_TARGET, 0, NULL, 0, 0, X2K_NET_BRIDGE, false,
      N_("Connect NICs on bridge IN (all NICs if IN is left out) to host "
         "bridge OUT; repeatable"),
      N_("[IN:]OUT") },
    { "network", 0, K_NET, G_TARGET, 0, NULL, 0, 0, X2K_NET_NETWORK, false,
      N_("Connect NICs on bridge or network IN (all NICs if IN is left "
         "out) to libvirt network OUT; repeatable"),
      N_("[IN:]OUT") },
    { "format", 0, K_ENUM, G_TARGET, P(format), format_values, 0, 0, 0,
      false, N_("Disk format of the copies (default raw)"),
      N_("raw|qcow2") },
    { "allocation", 0, K_ENUM, G_TARGET, P(allocation), alloc_values, 0, 0,
      0, false, N_("Disk allocation (default sparse)"),
      N_("sparse|preallocated") },
    { "new-name", 0, K_STR, G_TARGET, P(new_name), NULL, 0, 0, 0, false,
      N_("Name of the new KVM domain (default: the source's name)"),
      N_("NAME") },
    { "overwrite", 0, K_BOOL, G_TARGET, P(overwrite), NULL, 0, 0, 0, false,
      N_("Replace disk copies, volumes and files that already exist at a "
         "destination (default: refuse them)"), NULL },
    { "new-uuid", 0, K_BOOL, G_TARGET, P(new_uuid), NULL, 0, 0, 0, false,
      N_("Give the new domain a new UUID instead of the source's"), NULL },
    { "engine", 0, K_ENUM, G_TARGET, P(engine), engine_values, 0, 0, 0,
      false,
      N_("Conversion engine: builtin, or virt-v2v (default builtin)"),
      N_("builtin|virt-v2v") },
    { "no-guest-fixes", 0, K_BOOL, G_TARGET, P(no_guest_fixes), NULL, 0, 0,
      0, false,
      N_("Do not change the guest OS (fstab, bootloader, initrd, consoles)"),
      NULL },
    { "layout", 0, K_ENUM, G_TARGET, P(layout), layout_values, 0, 0, 0,
      false,
      N_("Volumes that are partitions of one Xen disk (xvda1, xvda2): "
         "assemble them into one partitioned disk that boots on its own, "
         "or keep one disk per volume"),
      N_("assemble|keep") },
    { "verify", 0, K_BOOL, G_TARGET, P(verify), NULL, 0, 0, 0, false,
      N_("Compare checksums of source and copy for every disk"), NULL },
    { "parallel", 0, K_INT, G_TARGET, P(parallel), NULL, 1, X2K_MAX_PARALLEL,
      0, false, N_("Copy N disks at once (default 1)"), N_("N") },
    { "start", 0, K_BOOL, G_TARGET, P(start), NULL, 0, 0, 0, false,
      N_("Start the new domain after defining it"), NULL },
    { "boot-check", 0, K_BOOTCHECK, G_TARGET, P(boot_check), NULL, 0, 0, 0,
      false,
      N_("Start the new domain and watch its serial console until a login "
         "prompt (or the POSIX extended REGEX) appears; implies --start"),
      N_("REGEX") },
    { "boot-timeout", 0, K_INT, G_TARGET, P(boot_timeout), NULL, 1, 86400,
      0, false,
      N_("How long the boot check waits (default 300)"), N_("SECONDS") },
    { "state-dir", 0, K_STR, G_TARGET, P(state_dir), NULL, 0, 0, 0, false,
      N_("Where run directories are kept (default /var/lib/xen2kvm as "
         "root, else $XDG_STATE_HOME/xen2kvm)"),
      N_("DIR") },

    /* Hardware of the new domain. */
    { "vcpus", 0, K_INT, G_HARDWARE, P(vcpus), NULL, 1, X2K_MAX_VCPUS, 0,
      false, N_("Number of virtual CPUs (default: the source's)"),
      N_("N") },
    { "memory", 0, K_SIZE, G_HARDWARE, P(memory_kib), NULL, 0, 0, 0, false,
      N_("Memory in MiB, or with a K, M or G suffix (default: the "
         "source's)"),
      N_("SIZE") },
    { "disk-bus", 0, K_DEVMAP, G_HARDWARE, P(disk_buses), bus_values, 0, 0,
      0, false,
      N_("Bus of the disk whose source target is DEV (every disk if DEV is "
         "left out); default virtio, for Windows what it boots from; "
         "repeatable"),
      N_("[DEV=]virtio|sata|ide|scsi") },
    { "nic-model", 0, K_DEVMAP, G_HARDWARE, P(nic_models), nic_values, 0, 0,
      0, false,
      N_("Model of the NIC with this MAC address (every NIC if MAC is left "
         "out); default virtio, for Windows e1000; repeatable"),
      N_("[MAC=]virtio|e1000|rtl8139") },

    /* Program. */
    { "batch", 'b', K_CLI_BOOL, G_PROGRAM, C(batch), NULL, 0, 0, 0, false,
      N_("Run without the wizard; every choice comes from options"), NULL },
    { "check", 0, K_CLI_BOOL, G_PROGRAM, C(check), NULL, 0, 0, 0, false,
      N_("Only run the preflight checks and print their table"), NULL },
    { "dump-plan", 0, K_CLI_BOOL, G_PROGRAM, C(dump_plan), NULL, 0, 0, 0,
      false,
      N_("Print the validated plan and the replay command, then exit"),
      NULL },
    { "print-source", 0, K_CLI_BOOL, G_PROGRAM, C(print_source), NULL, 0, 0,
      0, false,
      N_("Print the source domain as read (a libvirt Xen domain XML), "
         "then exit"),
      NULL },
    { "print-xml", 0, K_CLI_BOOL, G_PROGRAM, C(print_xml), NULL, 0, 0, 0,
      false, N_("Print the converted KVM domain XML and warnings, then exit"),
      NULL },
    { "machine-readable", 0, K_CLI_BOOL, G_PROGRAM, C(machine_readable),
      NULL, 0, 0, 0, false,
      N_("Print one JSON object per line instead of text (batch mode)"),
      NULL },
    { "log-file", 0, K_CLI_STR, G_PROGRAM, C(log_file), NULL, 0, 0, 0, false,
      N_("Write the log to FILE"), N_("FILE") },
    { "verbose", 'v', K_CLI_COUNT, G_PROGRAM, C(verbose), NULL, 0, 0, 0,
      false, N_("More messages (repeat for debug output)"), NULL },
    { "long-options", 0, K_CLI_BOOL, G_PROGRAM, C(long_options), NULL, 0, 0,
      0, true, N_("List all long options"), NULL },
    { "help", '?', K_CLI_BOOL, G_PROGRAM, C(help), NULL, 0, 0, 0, false,
      N_("Show this help and exit"), NULL },
    { "usage", 0, K_CLI_BOOL, G_PROGRAM, C(usage), NULL, 0, 0, 0, false,
      N_("Show a short usage message and exit"), NULL },
    { "version", 'V', K_CLI_BOOL, G_PROGRAM, C(version), NULL, 0, 0, 0,
      false, N_("Show the version and exit"), NULL },
};

#undef P
#undef C

const size_t x2k_n_optdefs = X2K_N_ELEMENTS(x2k_optdefs);

static const char *const group_titles[G_N] = {
    N_("Source (the Xen host and the guest):"),
    N_("SSH to the Xen host:"),
    N_("Target (the KVM host):"),
    N_("Hardware of the new domain:"),
    N_("Program:"),
};

struct parse_state {
    struct x2k_plan *plan;
    struct x2k_cli *cli;
    struct x2k_error *err;
    bool output_given;
};

static const char *
value_list(const char *const *values, char *buf, size_t len)
{
    size_t i, n = 0;

    buf[0] = '\0';
    for (i = 0; values[i] && n < len; i++)
        n += (size_t)snprintf(buf + n, len - n, "%s%s", i ? ", " : "",
                              values[i]);
    return buf;
}

static void
apply(struct parse_state *st, const struct optdef *d, const char *arg)
{
    long v;
    size_t i;
    char list[128];
    const char *colon, *eq;
    uint64_t kib;

    switch (d->kind) {
    case K_STR:
        x2k_str_replace(FIELD(st->plan, d->off, char *), arg);
        break;
    case K_BOOL:
        *FIELD(st->plan, d->off, bool) = true;
        break;
    case K_INT:
        if (!x2k_parse_long(arg, d->lo, d->hi, &v)) {
            x2k_error_set(st->err, X2K_ERR_INVALID,
                          _("--%1$s: '%2$s' is not a number from %3$d to "
                            "%4$d"),
                          d->name, arg, d->lo, d->hi);
            return;
        }
        *FIELD(st->plan, d->off, int) = (int)v;
        break;
    case K_ENUM:
        for (i = 0; d->values[i]; i++) {
            if (strcmp(arg, d->values[i]) == 0) {
                /* Every plan enum is an int-sized enum. */
                *FIELD(st->plan, d->off, int) = (int)i;
                if (d->off == offsetof(struct x2k_plan, output))
                    st->output_given = true;
                return;
            }
        }
        x2k_error_set(st->err, X2K_ERR_INVALID,
                      _("--%1$s: '%2$s' is not one of: %3$s"), d->name, arg,
                      value_list(d->values, list, sizeof list));
        break;
    case K_NET:
        colon = strchr(arg, ':');
        if (colon) {
            char *in = x2k_xstrndup(arg, (size_t)(colon - arg));

            x2k_plan_add_net(st->plan, (enum x2k_net_kind)d->net_kind, in,
                             colon + 1);
            free(in);
        } else {
            x2k_plan_add_net(st->plan, (enum x2k_net_kind)d->net_kind, NULL,
                             arg);
        }
        break;
    case K_STRLIST:
        if (!*arg) {
            x2k_error_set(st->err, X2K_ERR_INVALID,
                          _("--%1$s needs a path"), d->name);
            return;
        }
        x2k_plan_add_image(st->plan, arg);
        break;
    case K_SIZE:
        if (!x2k_memory_parse(arg, &kib)) {
            x2k_error_set(st->err, X2K_ERR_INVALID,
                          _("--%1$s: '%2$s' is not a size: give MiB (2048) "
                            "or a number with a K, M or G suffix (512M, "
                            "4G), at least 1 MiB"),
                          d->name, arg);
            return;
        }
        *FIELD(st->plan, d->off, uint64_t) = kib;
        break;
    case K_DEVMAP:
        eq = strchr(arg, '=');
        for (i = 0; d->values[i]; i++) {
            if (strcmp(eq ? eq + 1 : arg, d->values[i]) == 0)
                break;
        }
        if (!d->values[i]) {
            x2k_error_set(st->err, X2K_ERR_INVALID,
                          _("--%1$s: '%2$s' is not one of: %3$s"), d->name,
                          eq ? eq + 1 : arg,
                          value_list(d->values, list, sizeof list));
            return;
        }
        if (eq) {
            char *key = x2k_xstrndup(arg, (size_t)(eq - arg));

            x2k_devchoices_add(FIELD(st->plan, d->off,
                                     struct x2k_devchoices),
                               key, (int)i);
            free(key);
        } else {
            x2k_devchoices_add(FIELD(st->plan, d->off,
                                     struct x2k_devchoices),
                               NULL, (int)i);
        }
        break;
    case K_BOOTCHECK:
        st->plan->boot_check = true;
        x2k_str_replace(&st->plan->boot_regex, *arg ? arg : NULL);
        break;
    case K_CLI_BOOL:
        *FIELD(st->cli, d->off, bool) = true;
        break;
    case K_CLI_STR:
        x2k_str_replace(FIELD(st->cli, d->off, char *), arg);
        break;
    case K_CLI_COUNT:
        (*FIELD(st->cli, d->off, int))++;
        break;
    }
}

static void
option_cb(poptContext con, enum poptCallbackReason reason,
          const struct poptOption *opt, const char *arg, const void *data)
{
    struct parse_state *st = (struct parse_state *)data;

    if (reason != POPT_CALLBACK_REASON_OPTION || !opt || opt->val <= 0 ||
        x2k_error_is_set(st->err))
        return;
    apply(st, &x2k_optdefs[opt->val - 1], arg ? arg : "");
}

static bool
takes_arg(const struct optdef *d)
{
    return d->kind == K_STR || d->kind == K_INT || d->kind == K_ENUM ||
           d->kind == K_NET || d->kind == K_SIZE || d->kind == K_DEVMAP ||
           d->kind == K_STRLIST || d->kind == K_CLI_STR;
}

/* Build the popt tables: one sub-table per group, each starting with
 * the callback (carrying ST) and the translation domain. */
static struct poptOption *
build_table(struct parse_state *st)
{
    size_t n = X2K_N_ELEMENTS(x2k_optdefs), i, g, k = 0, nsub = 0;
    struct poptOption *top, *sub;

    top = x2k_xcalloc(G_N + 1, sizeof *top);
    sub = x2k_xcalloc(n + G_N * 3, sizeof *sub);
    for (g = 0; g < G_N; g++) {
        struct poptOption *t = &sub[k];

        sub[k++] = (struct poptOption){ NULL, '\0', POPT_ARG_CALLBACK,
                                        (void *)option_cb, 0,
                                        (const char *)st, NULL };
        sub[k++] = (struct poptOption){ NULL, '\0', POPT_ARG_INTL_DOMAIN,
                                        (void *)PACKAGE, 0, NULL, NULL };
        for (i = 0; i < n; i++) {
            const struct optdef *d = &x2k_optdefs[i];

            if (d->group != g)
                continue;
            sub[k++] = (struct poptOption){
                d->name, d->shortname,
                (takes_arg(d) || d->kind == K_BOOTCHECK ? POPT_ARG_STRING
                                                        : POPT_ARG_NONE) |
                    (d->kind == K_BOOTCHECK ? POPT_ARGFLAG_OPTIONAL : 0) |
                    (d->hidden ? POPT_ARGFLAG_DOC_HIDDEN : 0),
                NULL, (int)i + 1, d->descrip, d->argdescrip };
        }
        sub[k++] = (struct poptOption)POPT_TABLEEND;
        top[nsub++] = (struct poptOption){ NULL, '\0',
                                           POPT_ARG_INCLUDE_TABLE, t, 0,
                                           group_titles[g], NULL };
    }
    top[nsub] = (struct poptOption)POPT_TABLEEND;
    return top;
}

static void
free_table(struct poptOption *top)
{
    /* All sub-tables live in one block, the first one's. */
    free(top[0].arg);
    free(top);
}

void
x2k_cli_clear(struct x2k_cli *cli)
{
    if (!cli)
        return;
    free(cli->log_file);
    memset(cli, 0, sizeof *cli);
}

int
x2k_options_parse(int argc, const char *const *argv, struct x2k_plan *plan,
                  struct x2k_cli *cli, struct x2k_error *err)
{
    struct x2k_error local = X2K_ERROR_INIT;
    struct parse_state st = { plan, cli, &local, false };
    struct poptOption *table;
    poptContext ctx;
    const char *extra;
    int rc;

    memset(cli, 0, sizeof *cli);
    table = build_table(&st);
    ctx = poptGetContext(X2K_PROGRAM, argc, (const char **)argv, table, 0);
    while ((rc = poptGetNextOpt(ctx)) > 0)
        ;
    if (rc < -1 && !x2k_error_is_set(&local)) {
        x2k_error_set(&local, X2K_ERR_INVALID, _("%1$s: %2$s"),
                      poptBadOption(ctx, POPT_BADOPTION_NOALIAS),
                      poptStrerror(rc));
    }
    if (!x2k_error_is_set(&local) && (extra = poptGetArg(ctx)) != NULL) {
        x2k_error_set(&local, X2K_ERR_INVALID,
                      _("unexpected argument '%1$s' (options take the "
                        "form --name=value)"),
                      extra);
    }
    /* The stop points are mutually exclusive. */
    if (!x2k_error_is_set(&local) &&
        (cli->dump_plan + cli->print_source + cli->print_xml +
         cli->check) > 1)
        x2k_error_set(&local, X2K_ERR_INVALID,
                      _("--dump-plan, --print-source, --print-xml, --check "
                        "and --dry-run each stop the run at their point: "
                        "give only one of them"));
    /* --output-dir alone means local output. */
    if (!x2k_error_is_set(&local) && plan->output_dir && !st.output_given)
        plan->output = X2K_OUTPUT_LOCAL;
    poptFreeContext(ctx);
    free_table(table);
    if (x2k_error_is_set(&local)) {
        if (err)
            x2k_error_move(err, &local);
        else
            x2k_error_clear(&local);
        return -1;
    }
    return 0;
}

static char *
popt_text(bool usage)
{
    struct x2k_plan plan;
    struct x2k_cli cli;
    struct x2k_error err = X2K_ERROR_INIT;
    struct parse_state st = { &plan, &cli, &err, false };
    struct poptOption *table;
    poptContext ctx;
    const char *argv[] = { X2K_PROGRAM, NULL };
    char *text = NULL;
    size_t len = 0;
    FILE *fp;

    x2k_plan_init(&plan);
    memset(&cli, 0, sizeof cli);
    table = build_table(&st);
    ctx = poptGetContext(X2K_PROGRAM, 1, argv, table, 0);
    poptSetOtherOptionHelp(ctx, _("[OPTION...]"));
    fp = open_memstream(&text, &len);
    if (fp) {
        if (usage)
            poptPrintUsage(ctx, fp, 0);
        else
            poptPrintHelp(ctx, fp, 0);
        fclose(fp);
    }
    poptFreeContext(ctx);
    free_table(table);
    x2k_plan_clear(&plan);
    free(plan.target_uri);
    free(plan.pool);
    return text ? text : x2k_xstrdup("");
}

char *
x2k_options_help(void)
{
    return popt_text(false);
}

char *
x2k_options_usage(void)
{
    return popt_text(true);
}

const char *const *
x2k_options_long_names(void)
{
    static const char *names[X2K_N_ELEMENTS(x2k_optdefs) + 1];
    size_t i;

    if (!names[0]) {
        for (i = 0; i < X2K_N_ELEMENTS(x2k_optdefs); i++)
            names[i] = x2k_optdefs[i].name;
    }
    return names;
}

bool
x2k_options_info(size_t i, struct x2k_optinfo *info)
{
    const struct optdef *d;

    if (i >= X2K_N_ELEMENTS(x2k_optdefs))
        return false;
    d = &x2k_optdefs[i];
    *info = (struct x2k_optinfo){ d->name, d->shortname, takes_arg(d),
                                  d->hidden, d->values, d->argdescrip };
    return true;
}

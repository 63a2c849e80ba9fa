/* Batch mode: every choice comes from options.  Validates the plan,
 * prints it for --dump-plan, prints the converted domain XML for
 * --print-xml (offline conversion), and reports errors as
 * "xen2kvm: error: ..." with the documented exit codes.  Main thread.
 */
#include <config.h>

#include <stdio.h>

#include "batch.h"
#include "i18n.h"
#include "log.h"
#include "xmlconv.h"

static void
log_to_stderr(enum x2k_log_level level, const char *line, void *opaque)
{
    fprintf(stderr, "xen2kvm: %s: %s\n", x2k_log_level_name(level), line);
}

static int
fail(struct x2k_error *err, int code)
{
    char *text = x2k_error_format(err);

    fprintf(stderr, _("xen2kvm: error: %1$s\n"), text);
    free(text);
    x2k_error_clear(err);
    return code;
}

/* --print-xml: convert --input's XML for the target and print it; the
 * warnings, the disk map and the boot files go to stderr. */
static int
print_xml(const struct x2k_plan *plan)
{
    struct x2k_error err = X2K_ERROR_INIT;
    struct x2k_xmlconv_opts opts = { 0 };
    X2K_AUTO(x2k_caps) caps = NULL;
    X2K_AUTO(x2k_xmlconv_result) r = NULL;
    X2K_AUTOFREE char *xml = NULL;
    size_t len = 0, i;

    if (plan->mode != X2K_MODE_LIBVIRTXML) {
        x2k_error_set(&err, X2K_ERR_UNSUPPORTED,
                      _("--print-xml needs --mode libvirtxml --input FILE "
                        "in this build"));
        return fail(&err, TUI_EXIT_USAGE);
    }
    xml = x2k_xmlconv_read_file(plan->input_xml, &len, &err);
    if (!xml)
        return fail(&err, TUI_EXIT_FAILED);

    /* The target decides kvm or qemu, the emulator, the machine type
     * and the OVMF path; without it libvirt picks them at define. */
    caps = x2k_caps_from_uri(plan->target_uri, &err);
    if (!caps) {
        char *text = x2k_error_format(&err);

        fprintf(stderr,
                _("xen2kvm: warning: %1$s; libvirt will choose the emulator "
                  "and machine type when the domain is defined\n"),
                text);
        free(text);
        x2k_error_clear(&err);
    }
    opts.caps = caps;
    r = x2k_xmlconv_convert_string(xml, len, plan, &opts, &err);
    if (!r)
        return fail(&err, TUI_EXIT_FAILED);
    fputs(r->xml, stdout);
    for (i = 0; i < r->n_disks; i++) {
        const struct x2k_xmlconv_disk *d = &r->disks[i];
        X2K_AUTOFREE char *dst =
            d->new_path ? x2k_xstrdup(d->new_path)
            : d->new_volume
                ? x2k_strdup_printf("%s/%s", d->new_pool, d->new_volume)
                : x2k_xstrdup("-");

        /* TRANSLATORS: "disk xvda -> vda (virtio): /xen/a.img -> /kvm/a.raw" */
        fprintf(stderr,
                d->copy ? _("xen2kvm: %1$s %2$s -> %3$s (%4$s): %5$s -> "
                            "%6$s (to copy)\n")
                        : _("xen2kvm: %1$s %2$s -> %3$s (%4$s): %5$s -> "
                            "%6$s\n"),
                d->device, d->old_target ? d->old_target : "-",
                d->new_target, d->new_bus,
                d->old_source ? d->old_source : "-", dst);
    }
    for (i = 0; i < r->n_boot_files; i++)
        fprintf(stderr, _("xen2kvm: boot file %1$s: %2$s -> %3$s\n"),
                r->boot_files[i].kind, r->boot_files[i].remote,
                r->boot_files[i].local);
    for (i = 0; i < r->n_warnings; i++)
        fprintf(stderr, _("xen2kvm: warning: %1$s\n"), r->warnings[i].msg);
    return TUI_EXIT_OK;
}

int
tui_batch_main(struct x2k_plan *plan, const struct x2k_cli *cli)
{
    struct x2k_error err = X2K_ERROR_INIT;
    char *text;

    x2k_log_set_sink(log_to_stderr, NULL,
                     cli->verbose >= 2   ? X2K_LOG_DEBUG
                     : cli->verbose == 1 ? X2K_LOG_INFO
                                         : X2K_LOG_WARN);
    if (x2k_plan_validate(plan, &err) < 0) {
        fail(&err, TUI_EXIT_USAGE);
        fprintf(stderr, _("Try '%1$s --help' for more information.\n"),
                X2K_PROGRAM);
        return TUI_EXIT_USAGE;
    }
    if (cli->dump_plan) {
        text = x2k_plan_dump(plan);
        fputs(text, stdout);
        free(text);
        text = x2k_plan_to_command(plan);
        printf("replay: %s\n", text);
        free(text);
        return TUI_EXIT_OK;
    }
    if (cli->print_xml)
        return print_xml(plan);
    if (cli->print_xml)
        return print_xml(plan);
    x2k_error_set(&err, X2K_ERR_UNSUPPORTED,
                  _("the conversion engine is not part of this build yet; "
                    "only --dump-plan works in batch mode"));
    return fail(&err, TUI_EXIT_FAILED);
}

/* The convert and fix-guest stages: the converter's inputs (the disks
 * and the target's options, which the copy stage also uses for its
 * trial conversion), the KVM XML and the boot files it names, or one
 * virt-v2v run instead; then core/guest on the copies.  Runs on the
 * engine's thread.
 */
#include <config.h>

#include <libgen.h>
#include <stdlib.h>
#include <string.h>

#include "base/fsutil.h"
#include "base/i18n.h"
#include "convert/kvm.h"
#include "engine/engine-internal.h"
#include "engine/v2v.h"
#include "plan/rundir.h"

/* The disks as the caller knows them, for the converter. */
struct x2k_xmlconv_disk_in *
eng_disks_in(const struct x2k_engine *eng, bool with_copies)
{
    struct x2k_xmlconv_disk_in *in;
    size_t i, n = 0;

    in = x2k_xcalloc(eng->inv->n_disks + 1, sizeof *in);
    for (i = 0; i < eng->inv->n_disks; i++) {
        const struct x2k_disk *d = &eng->inv->disks[i];
        size_t j;

        if (!d->path || !x2k_disk_is_copied(d))
            continue;
        in[n].source = d->path;
        in[n].detected_format = d->real_format;
        /* The copy's format is the plan's, whatever the source's; only
         * the copies already made (virt-v2v's staging) say otherwise. */
        for (j = 0; with_copies && j < eng->n_disks; j++) {
            const struct eng_disk *c = &eng->disks[j];

            if (!x2k_str_equal(c->source, d->path))
                continue;
            in[n].new_path = c->dest_path;
            in[n].new_pool = c->pool;
            in[n].new_volume = c->volume;
            in[n].new_format = c->new_format;
        }
        n++;
    }
    return in;
}

/* The options of the converter for this target: its capabilities, and
 * "qemu" (TCG) when the target is this machine and KVM does not work
 * here (nested KVM, no /dev/kvm). */
void
eng_conv_opts(struct x2k_engine *eng, struct x2k_xmlconv_opts *o,
              struct x2k_caps **caps, const struct x2k_xmlconv_disk_in *in)
{
    struct x2k_error local = X2K_ERROR_INIT;
    const char *uri = eng_target_uri(eng);

    memset(o, 0, sizeof *o);
    *caps = NULL;
    if (eng->plan.output == X2K_OUTPUT_LIBVIRT) {
        *caps = x2k_caps_from_uri(uri, &local);
        if (!*caps) {
            char *text = x2k_error_format(&local);

            x2k_report_log(&eng->reporter, "no target capabilities: %s",
                           text);
            free(text);
            x2k_error_clear(&local);
        }
    }
    o->caps = *caps;
    if (eng->plan.output == X2K_OUTPUT_LOCAL || !strstr(uri, "://") ||
        strstr(uri, ":///")) {
        char *why = NULL;

        if (!x2k_kvm_is_usable(&why)) {
            o->domain_type = "qemu";
            if (!eng->kvm_logged)
                x2k_report_log(&eng->reporter,
                               "KVM is not usable here (%s): domain type "
                               "qemu", why ? why : "?");
            eng->kvm_logged = true;
        }
        free(why);
    }
    o->disks = in;
    for (o->n_disks = 0; in && in[o->n_disks].source; o->n_disks++)
        ;
    if (eng->plan.output == X2K_OUTPUT_LOCAL)
        o->boot_dir = eng->plan.output_dir;
}

/* Fetch the kernels/initrds of a direct-kernel-boot guest to the local
 * paths the converter chose. */
static int
fetch_boot_files(struct x2k_engine *eng, struct x2k_error *err)
{
    struct x2k_transfer_opts o = { 0 };
    const char *uri = eng_target_uri(eng);
    size_t i;

    if (eng->conv->n_boot_files && eng->plan.output == X2K_OUTPUT_LIBVIRT &&
        strstr(uri, "://") && !strstr(uri, ":///"))
        x2k_report_warning_id(&eng->reporter, "boot-files-remote",
                           _("The kernel and initrd are fetched to this "
                             "machine, but the target %1$s is remote: copy "
                             "them to the same paths there before starting "
                             "the domain."), uri);
    for (i = 0; i < eng->conv->n_boot_files; i++) {
        const struct x2k_xmlconv_bootfile *b = &eng->conv->boot_files[i];
        struct x2k_transfer_disk td = { 0 };
        struct x2k_transfer_result res = { 0 };
        X2K_AUTOFREE char *dir = x2k_xstrdup(b->local);
        int rc;

        if (x2k_mkdir_p(dirname(dir), 0700, err) < 0)
            return -1;
        td.source = b->remote;
        td.name = b->kind;
        td.dest_path = b->local;
        o.ssh = eng->have_ssh_opts ? &eng->ssh_opts : NULL;
        eng_transfer_sessions(eng, &o);
        o.reporter = &eng->reporter;
        rc = x2k_transfer_run(&td, 1, &o, &res, err);
        x2k_transfer_result_clear(&res);
        if (rc < 0)
            return -1;
        x2k_report_log(&eng->reporter, "boot file %s: %s -> %s", b->kind,
                       b->remote, b->local);
    }
    return 0;
}

/* The virt-v2v engine: one run of virt-v2v, reading the guest over
 * libvirt, or (block devices) the local copies through -i libvirtxml. */
static int
run_v2v(struct x2k_engine *eng, struct x2k_error *err)
{
    X2K_AUTOFREE char *log = x2k_strdup_printf("%s/virt-v2v.log",
                                               eng->run_dir);
    X2K_AUTOFREE char *xmlpath = NULL;
    int rc;

    if (eng->inv->block_device) {
        X2K_AUTOFREE struct x2k_xmlconv_disk_in *in = eng_disks_in(eng, true);
        xmlDocPtr doc = x2k_xmlconv_parse(eng->orig_xml,
                                          strlen(eng->orig_xml), err);
        size_t n;

        if (!doc)
            return -1;
        for (n = 0; in[n].source; n++)
            ;
        eng->v2v_xml = x2k_xmlconv_local_sources(doc, in, n, err);
        xmlFreeDoc(doc);
        if (!eng->v2v_xml ||
            x2k_rundir_write(eng->run_dir, "virt-v2v-input.xml",
                             eng->v2v_xml, strlen(eng->v2v_xml), err) < 0)
            return -1;
        xmlpath = x2k_strdup_printf("%s/virt-v2v-input.xml", eng->run_dir);
    }
    rc = x2k_v2v_convert(&eng->plan, xmlpath, log, &eng->reporter,
                         X2K_STAGE_CONVERT, err);
    if (rc == 0)
        eng->defined = eng->plan.output == X2K_OUTPUT_LIBVIRT;
    return rc;
}

/* Convert the XML for the target, with the real copy locations and
 * formats; keep it as converted.xml; warnings become events. */
int
eng_stage_convert(struct x2k_engine *eng, struct x2k_error *err)
{
    X2K_AUTOFREE struct x2k_xmlconv_disk_in *in = NULL;
    struct x2k_xmlconv_opts o;
    struct x2k_caps *caps = NULL;
    size_t i;

    if (eng_is_v2v(eng))
        return run_v2v(eng, err);
    in = eng_disks_in(eng, true);
    eng_conv_opts(eng, &o, &caps, in);
    eng->conv = x2k_xmlconv_convert_string(eng->orig_xml,
                                           strlen(eng->orig_xml),
                                           &eng->plan, &o, err);
    x2k_caps_free(caps);
    if (!eng->conv)
        return -1;
    for (i = 0; i < eng->conv->n_warnings; i++)
        x2k_report_warning_id(&eng->reporter, eng->conv->warnings[i].id,
                              "%s", eng->conv->warnings[i].msg);
    for (i = 0; i < eng->conv->n_disks; i++) {
        const struct x2k_xmlconv_disk *d = &eng->conv->disks[i];

        x2k_report_log(&eng->reporter, "%s %s -> %s (%s)", d->device,
                       d->old_target ? d->old_target : "-", d->new_target,
                       d->new_bus);
    }
    if (x2k_rundir_write(eng->run_dir, "converted.xml", eng->conv->xml,
                         strlen(eng->conv->xml), err) < 0)
        return -1;
    return fetch_boot_files(eng, err);
}

/* Fix the guest OS inside the copies (core/guest). */
int
eng_stage_fix_guest(struct x2k_engine *eng, struct x2k_error *err)
{
    struct x2k_guest_disk *gd;
    const char **map;
    char **paths, **owned;
    struct x2k_guest_fix_opts o = { 0 };
    size_t i, n = 0, m = 0, n_owned = 0;
    int rc = -1;

    if (eng_is_v2v(eng)) {
        eng->guest_skipped = x2k_xstrdup("virt-v2v fixed the guest");
        return 0;
    }
    if (eng->plan.demo) {
        /* The demo's disks are sparse images with no OS in them. */
        eng->guest_skipped = x2k_xstrdup("the demo guest's disks hold no "
                                         "operating system");
        x2k_report_log(&eng->reporter, "guest fixes skipped (%s)",
                       eng->guest_skipped);
        return 0;
    }
    if (eng->plan.no_guest_fixes) {
        eng->guest_skipped = x2k_xstrdup("--no-guest-fixes");
        x2k_report_log(&eng->reporter, "guest fixes skipped "
                                       "(--no-guest-fixes)");
        return 0;
    }
    gd = x2k_xcalloc(eng->n_disks + 1, sizeof *gd);
    paths = x2k_xcalloc(eng->n_disks + 1, sizeof *paths);
    map = x2k_xcalloc(2 * eng->conv->n_disks + 1, sizeof *map);
    owned = x2k_xcalloc(eng->conv->n_disks + 1, sizeof *owned);
    for (i = 0; i < eng->conv->n_disks; i++) {
        const struct x2k_xmlconv_disk *d = &eng->conv->disks[i];

        if (d->old_target && d->new_target) {
            map[m++] = d->old_target;
            /* An assembled volume: partition N of its new disk. */
            map[m++] = d->partition
                           ? (owned[n_owned++] = x2k_strdup_printf(
                                  "%s%d", d->new_target, d->partition))
                           : d->new_target;
        }
    }
    for (i = 0; i < eng->n_disks; i++) {
        struct eng_disk *d = &eng->disks[i];
        size_t k;
        bool seen = false;

        /* The volumes of an assembled disk share its file: the
         * appliance gets it once, named as the disk (vda). */
        for (k = 0; k < n && d->partition && d->dest_path; k++)
            seen = seen || x2k_str_equal(paths[k], d->dest_path);
        if (seen)
            continue;
        if (d->partition)
            o.assembled = true;
        if (d->dest_path)
            paths[n] = x2k_xstrdup(d->dest_path);
        else if (!(paths[n] = x2k_target_volume_path(eng->tgt, d->pool,
                                                     d->volume, err)))
            goto out;
        gd[n].path = paths[n];
        gd[n].format = d->new_format;
        gd[n].target_dev = d->new_target;
        n++;
    }
    if (n == 0) {
        eng->guest_skipped = x2k_xstrdup("no disk was copied");
        rc = 0;
        goto out;
    }
    o.map = map;
    o.root = eng->conv->root_override;
    o.direct_kernel_boot = eng->conv->n_boot_files > 0;
    eng->guest_report = x2k_guest_report_new();
    rc = x2k_guest_convert(gd, n, &o, &eng->reporter, eng->guest_report,
                           err);
    for (i = 0; i < eng->guest_report->n_warnings; i++)
        x2k_report_warning_id(&eng->reporter, "guest-fix", "%s",
                              eng->guest_report->warnings[i]);
    for (i = 0; i < eng->guest_report->n_changes; i++) {
        const struct x2k_guest_change *c = &eng->guest_report->changes[i];

        x2k_report_log(&eng->reporter, "guest %s: %s -> %s", c->file,
                       c->before ? c->before : "(none)",
                       c->after ? c->after : "(removed)");
    }
    if (eng_write_guest_changes(eng, rc < 0 ? NULL : err) < 0)
        rc = -1;
out:
    for (i = 0; i < eng->n_disks; i++)
        free(paths[i]);
    free(paths);
    free(gd);
    free(map);
    for (i = 0; i < n_owned; i++)
        free(owned[i]);
    free(owned);
    return rc;
}

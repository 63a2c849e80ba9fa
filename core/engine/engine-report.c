/* The report stage and the run directory's records of a run:
 * report.txt (disks, XML changes with a diff of original.xml against
 * converted.xml, guest changes, durations, result), plan.txt, replay.sh,
 * and guest-changes.txt for the fix-guest stage.  Also called,
 * best effort, after a failed run.  Runs on the engine's thread.
 */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include <libxml/xmlsave.h>

#include "engine/engine-internal.h"
#include "plan/options.h"
#include "plan/rundir.h"

/* Append the rate of D's copy, when it is known. */
static void
fmt_rate(struct x2k_buf *b, const struct eng_disk *d)
{
    if (d->seconds > 0 && d->res.bytes_copied)
        x2k_buf_printf(b, ", %.1f MB/s",
                       (double)d->res.bytes_copied / d->seconds / 1e6);
}

/* XML as the converter writes it (same quotes and indentation), so that
 * the report's diff shows changes, not style.  NULL on failure. */
static char *
canonical_xml(const char *xml)
{
    xmlDocPtr doc = x2k_xmlconv_parse(xml, strlen(xml), NULL);
    xmlBufferPtr buf;
    xmlSaveCtxtPtr save;
    char *out = NULL;

    if (!doc)
        return NULL;
    buf = xmlBufferCreate();
    save = buf ? xmlSaveToBuffer(buf, "UTF-8",
                                 XML_SAVE_FORMAT | XML_SAVE_NO_DECL)
               : NULL;
    if (save) {
        xmlSaveTree(save, xmlDocGetRootElement(doc));
        xmlSaveClose(save);
        out = x2k_strdup_printf("%s\n", (const char *)xmlBufferContent(buf));
    }
    xmlBufferFree(buf);
    xmlFreeDoc(doc);
    return out;
}

/* The conversion report: disks copied, XML changes and warnings, guest
 * changes, durations, the replay command. */
static char *
report_text(struct x2k_engine *eng, const char *cmd)
{
    struct x2k_buf b = { 0 };
    size_t i;
    int s;

    x2k_buf_printf(&b, "xen2kvm-tui %s conversion report\n\n", VERSION);
    x2k_buf_printf(&b, "guest:    %s\n", eng->plan.vm_name
                                             ? eng->plan.vm_name
                                             : (eng->inv && eng->inv->name
                                                    ? eng->inv->name : "?"));
    x2k_buf_printf(&b, "new name: %s\n", eng_new_name(eng));
    x2k_buf_printf(&b, "engine:   %s\n", x2k_engine_name(eng->plan.engine));
    if (eng->plan.output == X2K_OUTPUT_LOCAL)
        x2k_buf_printf(&b, "output:   local %s\n", eng->plan.output_dir);
    else
        x2k_buf_printf(&b, "target:   %s pool %s (%s)\n", eng_target_uri(eng),
                       eng_pool_name(eng),
                       eng->defined ? (eng->started ? "defined, started"
                                                    : "defined")
                                    : "not defined");
    x2k_buf_puts(&b, "\n[disks copied]\n");
    for (i = 0; i < eng->n_disks; i++) {
        const struct eng_disk *d = &eng->disks[i];

        x2k_buf_printf(&b, "%s -> %s: %s (%s) -> %s (%s), %llu bytes, "
                       "%llu data bytes, %.2f s",
                       d->old_target ? d->old_target : "-", d->new_target,
                       d->source, d->detected_format ? d->detected_format
                                                     : "?",
                       d->label, d->new_format,
                       (unsigned long long)d->res.size,
                       (unsigned long long)d->res.data_bytes, d->seconds);
        fmt_rate(&b, d);
        if (d->res.already_done)
            x2k_buf_puts(&b, ", already copied by an earlier run");
        else if (d->res.resumed_from)
            x2k_buf_printf(&b, ", resumed at %llu",
                           (unsigned long long)d->res.resumed_from);
        if (d->res.verified)
            x2k_buf_printf(&b, ", verified (%s %s)", d->res.checksum_alg,
                           d->res.dest_checksum);
        x2k_buf_puts(&b, "\n");
    }
    if (eng->conv) {
        x2k_buf_puts(&b, "\n[domain XML changes]\n");
        x2k_buf_printf(&b, "type: xen -> %s%s\n", eng->conv->domain_type,
                       eng->conv->was_pv ? " (was paravirtualised)" : "");
        for (i = 0; i < eng->conv->n_disks; i++) {
            const struct x2k_xmlconv_disk *d = &eng->conv->disks[i];

            x2k_buf_printf(&b, "%s %s -> %s (bus %s)\n", d->device,
                           d->old_target ? d->old_target : "-",
                           d->new_target, d->new_bus);
        }
        for (i = 0; i < eng->conv->n_boot_files; i++)
            x2k_buf_printf(&b, "boot file %s: %s -> %s\n",
                           eng->conv->boot_files[i].kind,
                           eng->conv->boot_files[i].remote,
                           eng->conv->boot_files[i].local);
        /* Every line of the domain XML that changed, old -> new. */
        {
            struct x2k_guest_report *d = x2k_guest_report_new();
            char *text;

            char *orig = canonical_xml(eng->orig_xml);

            x2k_guest_report_diff(d, "xml", orig ? orig : eng->orig_xml,
                                  eng->conv->xml);
            free(orig);
            text = x2k_guest_report_format(d);
            x2k_buf_puts(&b, "\n[domain XML diff: original.xml -> "
                             "converted.xml]\n");
            x2k_buf_puts(&b, text);
            free(text);
            x2k_guest_report_free(d);
        }
    }
    x2k_buf_puts(&b, "\n[guest changes]\n");
    if (eng->guest_report) {
        char *text = x2k_guest_report_format(eng->guest_report);

        x2k_buf_puts(&b, text);
        free(text);
    } else {
        x2k_buf_printf(&b, "none: %s\n", eng->guest_skipped
                                              ? eng->guest_skipped
                                              : "not run");
    }
    x2k_buf_puts(&b, "\n[boot check]\n");
    if (eng->boot_status == 0) {
        x2k_buf_puts(&b, "skipped (no --boot-check)\n");
    } else {
        x2k_buf_printf(&b, "%s after %.1f s, waiting for /%s/\n",
                       eng->boot_status > 0 ? "passed" : "failed",
                       eng->boot.seconds,
                       eng->plan.boot_regex ? eng->plan.boot_regex
                                            : X2K_BOOT_REGEX_DEFAULT);
        if (eng->boot.matched)
            x2k_buf_printf(&b, "prompt: %s\n", eng->boot.matched);
        for (i = 0; i < eng->boot.n_last; i++)
            x2k_buf_printf(&b, "console: %s\n", eng->boot.last[i]);
    }
    x2k_buf_puts(&b, "\n[durations]\n");
    for (s = 0; s < X2K_STAGE_REPORT; s++)
        x2k_buf_printf(&b, "%-10s %.2f s\n", x2k_stage_id((enum x2k_stage)s),
                       eng->stage_secs[s]);
    /* Every warning of the run, whichever stage gave it. */
    x2k_buf_puts(&b, "\n[warnings]\n");
    pthread_mutex_lock(&eng->warn_lock);
    for (i = 0; i < eng->n_warnings; i++)
        x2k_buf_printf(&b, "%s: %s\n",
                       eng->warnings[i].id ? eng->warnings[i].id : "-",
                       eng->warnings[i].text);
    x2k_buf_printf(&b, "\nwarnings: %zu\n", eng->n_warnings);
    pthread_mutex_unlock(&eng->warn_lock);
    if (eng->failure)
        x2k_buf_printf(&b, "\nresult: failed in the stage %s: %s\n",
                       x2k_stage_id(eng->stage), eng->failure);
    else
        x2k_buf_puts(&b, "\nresult: success\n");
    x2k_buf_printf(&b, "\n[replay]\n%s\n", cmd);
    return x2k_buf_steal(&b);
}

/* Keep the report, the plan and the replay command beside the results
 * (and the report in --output-dir). */
int
eng_stage_report(struct x2k_engine *eng, struct x2k_error *err)
{
    char *dump = x2k_plan_dump(&eng->plan);
    char *cmd = x2k_plan_to_command(&eng->plan);
    char *script = x2k_strdup_printf("#!/bin/sh\n# Replays this "
                                     "migration.\nexec %s \"$@\"\n",
                                     cmd);
    char *report = report_text(eng, cmd);
    int rc = -1;

    if (x2k_rundir_write(eng->run_dir, "plan.txt", dump, strlen(dump),
                         err) < 0 ||
        x2k_rundir_write(eng->run_dir, "replay.sh", script, strlen(script),
                         err) < 0 ||
        x2k_rundir_write(eng->run_dir, "report.txt", report, strlen(report),
                         err) < 0)
        goto out;
    if (eng->plan.output == X2K_OUTPUT_LOCAL) {
        X2K_AUTOFREE char *stem = eng_file_stem(eng);
        X2K_AUTOFREE char *file = x2k_strdup_printf("%s-report.txt", stem);

        if (x2k_rundir_write(eng->plan.output_dir, file, report,
                             strlen(report), err) < 0)
            goto out;
    }
    rc = 0;
out:
    free(dump);
    free(cmd);
    free(script);
    free(report);
    return rc;
}

/* Keep the guest's changes as guest-changes.txt. */
int
eng_write_guest_changes(struct x2k_engine *eng, struct x2k_error *err)
{
    char *text = x2k_guest_report_format(eng->guest_report);
    int rc = x2k_rundir_write(eng->run_dir, "guest-changes.txt", text,
                              strlen(text), err);

    free(text);
    return rc;
}

/* The define stage: the domain is defined on the target (and started
 * with --start), or its XML is left in the output directory (--output
 * local); after success the copies' resume journals, and virt-v2v's
 * staging copies, are removed.  The boot check stage after it starts
 * the domain and watches its serial console (--boot-check; it starts
 * the domain itself, so that the console is attached before the first
 * byte).  Runs on the engine's thread.
 */
#include <config.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine/engine-internal.h"
#include "plan/rundir.h"

/* After a successful run: the copies' resume journals go (they would
 * show up as volumes in a dir pool), and so do virt-v2v's staging
 * copies, which virt-v2v has converted into its own output. */
static void
drop_journals(struct x2k_engine *eng, bool staging_too)
{
    size_t i;

    for (i = 0; i < eng->n_disks; i++) {
        const struct eng_disk *d = &eng->disks[i];
        char *j;

        if (!d->dest_path)
            continue;
        j = d->dest_offset
                ? x2k_transfer_part_journal_path(d->dest_path, d->dest_offset)
                : x2k_transfer_journal_path(d->dest_path);
        if (unlink(j) < 0 && errno != ENOENT)
            x2k_report_log(&eng->reporter, "cannot remove %s: %s", j,
                           strerror(errno));
        free(j);
        if (staging_too && unlink(d->dest_path) == 0)
            x2k_report_log(&eng->reporter, "removed the staging copy %s",
                           d->dest_path);
    }
    for (i = 0; eng->conv && i < eng->conv->n_boot_files; i++) {
        char *j = x2k_transfer_journal_path(eng->conv->boot_files[i].local);

        (void)unlink(j);
        free(j);
    }
}

/* Define the domain on the target (and start it with --start), or
 * leave the XML in the output directory (--output local). */
int
eng_stage_define(struct x2k_engine *eng, struct x2k_error *err)
{
    struct x2k_error local = X2K_ERROR_INIT;

    if (eng_is_v2v(eng)) {
        drop_journals(eng, true);
        return 0;
    }
    if (eng->plan.output == X2K_OUTPUT_LOCAL) {
        X2K_AUTOFREE char *stem = eng_file_stem(eng);
        X2K_AUTOFREE char *file = x2k_strdup_printf("%s.xml", stem);

        if (x2k_rundir_write(eng->plan.output_dir, file, eng->conv->xml,
                             strlen(eng->conv->xml), err) < 0)
            return -1;
        drop_journals(eng, false);
        x2k_report_log(&eng->reporter, "wrote %s/%s (not defined: "
                       "--output local)", eng->plan.output_dir, file);
        return 0;
    }
    if (x2k_target_define(eng->tgt, eng->conv->xml,
                          eng->plan.start && !eng->plan.boot_check,
                          err) < 0) {
        return -1;
    }
    eng->defined = true;
    eng->started = eng->plan.start && !eng->plan.boot_check;
    drop_journals(eng, false);
    /* The disks are files in a dir pool: list them as its volumes. */
    if (eng->pool_path &&
        x2k_target_pool_refresh(eng->tgt, eng_pool_name(eng), &local) < 0) {
        char *text = x2k_error_format(&local);

        x2k_report_warning_id(&eng->reporter, "pool-refresh", "%s", text);
        free(text);
        x2k_error_clear(&local);
    }
    x2k_report_log(&eng->reporter, "domain %s defined on %s%s",
                   eng_new_name(eng), x2k_target_uri(eng->tgt),
                   eng->started ? " and started" : "");
    return 0;
}

/* Start the new domain and wait for its login prompt (--boot-check). */
int
eng_stage_boot_check(struct x2k_engine *eng, struct x2k_error *err)
{
    int rc;

    if (!eng->plan.boot_check || !eng->defined)
        return X2K_STAGE_SKIPPED;
    rc = x2k_target_boot_check(x2k_target_uri(eng->tgt), eng_new_name(eng),
                               eng->plan.boot_regex, eng->plan.boot_timeout,
                               &eng->reporter, &eng->boot, err);
    eng->started = eng->boot.started;
    eng->boot_status = rc == 0 ? 1 : -1;
    if (rc == 0)
        x2k_report_log(&eng->reporter, "boot check: %s booted in %.1f s "
                       "(console: %s)", eng_new_name(eng), eng->boot.seconds,
                       eng->boot.matched ? eng->boot.matched : "");
    return rc;
}

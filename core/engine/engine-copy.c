/* The copy stage: where each disk goes (a trial conversion names it,
 * the target's pool says whether it is a file or a volume upload), then
 * core/transfer copies the disks, verifying them when the plan asks.
 * Every copy ends in the plan's --format, whatever the source's: a qcow2
 * source is copied as the file it is and converted (into a local
 * staging file first when the destination is a volume), except
 * virt-v2v's staging copies, which are byte copies it reads itself.
 * Runs on the engine's thread.
 */
#include <config.h>

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/fsutil.h"
#include "base/i18n.h"
#include "convert/layout.h"
#include "engine/engine-internal.h"
#include "source/demo.h"

/* Free what D owns. */
void
eng_disk_clear(struct eng_disk *d)
{
    free(d->source);
    free(d->old_target);
    free(d->new_target);
    free(d->detected_format);
    free(d->new_format);
    free(d->dest_path);
    free(d->pool);
    free(d->volume);
    free(d->label);
    x2k_transfer_result_clear(&d->res);
}

/* Decide where each copied disk goes: the converter names it (a trial
 * conversion), then a dir pool's volume becomes a file in the pool's
 * directory, another pool's a volume upload, --output local a file in
 * the output directory.  virt-v2v's staging copies go into the run
 * directory. */
static int
place_disks(struct x2k_engine *eng, struct x2k_error *err)
{
    X2K_AUTOFREE struct x2k_xmlconv_disk_in *in = eng_disks_in(eng, false);
    struct x2k_xmlconv_opts o;
    struct x2k_caps *caps = NULL;
    struct x2k_xmlconv_result *r;
    size_t i;

    eng_conv_opts(eng, &o, &caps, in);
    r = x2k_xmlconv_convert_string(eng->orig_xml, strlen(eng->orig_xml),
                                   &eng->plan, &o, err);
    x2k_caps_free(caps);
    if (!r)
        return -1;
    for (i = 0; i < r->n_disks; i++) {
        const struct x2k_xmlconv_disk *cd = &r->disks[i];
        struct eng_disk *d;
        size_t j;

        if (!cd->copy || !cd->old_source)
            continue;
        eng->disks = x2k_xreallocarray(eng->disks, eng->n_disks + 1,
                                       sizeof *eng->disks);
        d = &eng->disks[eng->n_disks++];
        memset(d, 0, sizeof *d);
        d->source = x2k_xstrdup(cd->old_source);
        d->old_target = x2k_xstrdup(cd->old_target);
        d->new_target = x2k_xstrdup(cd->new_target);
        d->is_block = cd->old_block;
        d->detected_format = x2k_xstrdup(cd->old_format);
        for (j = 0; j < eng->inv->n_disks; j++) {
            const struct x2k_disk *id = &eng->inv->disks[j];

            if (x2k_str_equal(id->path, cd->old_source)) {
                d->size = id->size;
                d->is_block = d->is_block || id->is_block;
            }
        }
        d->new_format = x2k_xstrdup(cd->new_format);
        d->partition = cd->partition;
        if (eng_is_v2v(eng)) {
            X2K_AUTOFREE char *dir =
                x2k_strdup_printf("%s/disks", eng->run_dir);

            if (x2k_mkdir_p(dir, 0700, err) < 0)
                goto fail;
            free(d->new_format);
            d->new_format = x2k_xstrdup(x2k_str_equal(d->detected_format,
                                                      "qcow2") ? "qcow2"
                                                               : "raw");
            d->dest_path = x2k_strdup_printf("%s/%s.%s", dir, d->new_target,
                                             d->new_format);
        } else if (cd->new_path) {
            d->dest_path = x2k_xstrdup(cd->new_path);
        } else if (eng->pool_path) {
            d->dest_path = x2k_strdup_printf("%s/%s", eng->pool_path,
                                             cd->new_volume);
        } else {
            d->pool = x2k_xstrdup(cd->new_pool);
            d->volume = x2k_xstrdup(cd->new_volume);
            if (x2k_str_equal(d->detected_format, "qcow2")) {
                /* Converted here first, then uploaded (upload_staged). */
                X2K_AUTOFREE char *dir =
                    x2k_strdup_printf("%s/disks", eng->run_dir);

                if (x2k_mkdir_p(dir, 0700, err) < 0)
                    goto fail;
                d->dest_path = x2k_strdup_printf("%s/%s.%s", dir,
                                                 d->new_target,
                                                 d->new_format);
            }
        }
        d->label = d->dest_path && !d->pool
                       ? x2k_xstrdup(d->dest_path)
                       : x2k_strdup_printf("%s/%s", d->pool, d->volume);
        if (d->partition &&
            (eng_is_v2v(eng) || !d->dest_path || d->pool ||
             !x2k_str_equal(d->new_format, "raw") ||
             x2k_str_equal(d->detected_format, "qcow2"))) {
            x2k_error_set(err, X2K_ERR_UNSUPPORTED,
                          _("Volumes can be assembled into one disk only by the builtin engine, as a raw file (a directory pool or --output local) from raw volumes: use --layout=keep, or such a destination."));
            goto fail;
        }
    }
    /* The kernels and initrds the convert stage fetches: destinations
     * too (preflight-dest.c). */
    for (i = 0; i < r->n_boot_files; i++) {
        eng->boot_local = x2k_xreallocarray(eng->boot_local, eng->n_boot + 1,
                                            sizeof(char *));
        eng->boot_remote = x2k_xreallocarray(eng->boot_remote,
                                             eng->n_boot + 1, sizeof(char *));
        eng->boot_local[eng->n_boot] = x2k_xstrdup(r->boot_files[i].local);
        eng->boot_remote[eng->n_boot++] =
            x2k_xstrdup(r->boot_files[i].remote);
    }
    x2k_xmlconv_result_free(r);
    return 0;
fail:
    x2k_xmlconv_result_free(r);
    return -1;
}

/* --layout=assemble: the one new disk of the partition volumes, made
 * (new, 0600, its partition table) or, on a re-run, found as this run
 * made it; each volume then goes to its partition's offset. */
static int
assemble_disk(struct x2k_engine *eng, struct x2k_error *err)
{
    struct x2k_layout_volume vols[X2K_LAYOUT_MAX_PARTS];
    size_t idx[X2K_LAYOUT_MAX_PARTS];
    struct x2k_layout_geometry geo;
    uint8_t mbr[X2K_LAYOUT_SECTOR], old[X2K_LAYOUT_SECTOR];
    const char *path = NULL;
    uint32_t sig = 2166136261u;
    const char *p;
    size_t i, n = 0;
    struct stat st;
    int fd;

    for (i = 0; i < eng->n_disks && n < X2K_LAYOUT_MAX_PARTS; i++) {
        struct eng_disk *d = &eng->disks[i];

        if (!d->partition)
            continue;
        path = d->dest_path;
        vols[n] = (struct x2k_layout_volume){ d->old_target, d->size,
                                              false };
        idx[n++] = i;
    }
    if (n == 0)
        return 0;
    if (x2k_layout_compute(vols, n, &geo, err) < 0)
        return -1;
    /* The disk signature: the same for the same disk, run after run. */
    for (p = eng->inv->name ? eng->inv->name : ""; *p; p++)
        sig = (sig ^ (uint8_t)*p) * 16777619u;
    x2k_layout_mbr(&geo, sig, mbr);
    if (lstat(path, &st) == 0) {
        bool same = false;

        fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
        if (fd >= 0 && S_ISREG(st.st_mode) &&
            (uint64_t)st.st_size == geo.disk_size &&
            pread(fd, old, sizeof old, 0) == (ssize_t)sizeof old)
            same = memcmp(old, mbr, sizeof mbr) == 0;
        if (fd >= 0)
            close(fd);
        if (!same) {
            x2k_error_set(err, X2K_ERR_INVALID,
                          _("'%1$s' exists and is not the disk an earlier run assembled for this guest: move it away or choose another pool or --new-name."),
                          path);
            return -1;
        }
        x2k_report_log(&eng->reporter, "assembled disk %s: found", path);
    } else if (x2k_transfer_create_disk(path, mbr, sizeof mbr,
                                        geo.disk_size, err) < 0) {
        return -1;
    }
    for (i = 0; i < geo.n; i++) {
        struct eng_disk *d = &eng->disks[idx[geo.parts[i].volume]];

        d->dest_offset = geo.parts[i].offset;
        x2k_report_log(&eng->reporter,
                       "partition %d of %s (%llu bytes at %llu): %s",
                       geo.parts[i].number, path,
                       (unsigned long long)geo.parts[i].size,
                       (unsigned long long)geo.parts[i].offset, d->source);
    }
    return 0;
}

/* Copy with core/transfer the disks whose copy is (or is not) a byte
 * copy (virt-v2v's staging); a qcow2 source ends in the plan's format. */
static int
copy_group(struct x2k_engine *eng, bool byte_copy, struct x2k_error *err)
{
    struct x2k_transfer_disk *td;
    struct x2k_transfer_result *res;
    char **srcs;                /* the sources' local paths (demo) */
    size_t *idx;
    struct x2k_transfer_opts o = { 0 };
    size_t i, n = 0;
    const char *bw = getenv("X2K_BWLIMIT");
    double t0 = x2k_now();
    int rc;

    td = x2k_xcalloc(eng->n_disks + 1, sizeof *td);
    srcs = x2k_xcalloc(eng->n_disks + 1, sizeof *srcs);
    res = x2k_xcalloc(eng->n_disks + 1, sizeof *res);
    idx = x2k_xcalloc(eng->n_disks + 1, sizeof *idx);
    for (i = 0; i < eng->n_disks; i++) {
        struct eng_disk *d = &eng->disks[i];
        bool bc = eng_is_v2v(eng);
        bool qcow2 = x2k_str_equal(d->detected_format, "qcow2");

        if (bc != byte_copy)
            continue;
        td[n].source = srcs[n] = eng->plan.demo
                                     ? x2k_demo_map_path(d->source)
                                     : x2k_xstrdup(d->source);
        td[n].is_block = d->is_block;
        /* A qcow2 file is copied as the file it is: its size is the
         * file's, not the virtual disk's (learned when opened). */
        td[n].size = qcow2 ? 0 : d->size;
        td[n].format = qcow2 && !bc ? "qcow2" : NULL;
        td[n].name = d->new_target;
        td[n].dest_path = d->dest_path;
        td[n].dest_offset = d->dest_offset;
        if (!d->dest_path) {
            td[n].conn = x2k_target_conn(eng->tgt);
            td[n].pool = d->pool;
            td[n].volume = d->volume;
        }
        idx[n++] = i;
    }
    if (n == 0) {
        rc = 0;
        goto out;
    }
    o.format = byte_copy ? X2K_FORMAT_RAW : eng->plan.format;
    o.allocation = eng->plan.allocation;
    o.verify = eng->plan.verify;
    o.parallel = eng->plan.parallel;
    o.io_timeout = eng->plan.io_timeout;
    o.ssh = eng->have_ssh_opts ? &eng->ssh_opts : NULL;
    eng_transfer_sessions(eng, &o);
    o.reporter = &eng->reporter;
    if (bw)
        o.bwlimit = strtoull(bw, NULL, 10);
    rc = x2k_transfer_run(td, n, &o, res, err);
    for (i = 0; i < n; i++) {
        struct eng_disk *d = &eng->disks[idx[i]];

        x2k_transfer_result_clear(&d->res);
        d->res = res[i];
        d->seconds = x2k_now() - t0;
        /* Only a disk whose copy ended is reported as copied; a
         * cancelled or failed one says so (and whether it resumes). */
        if (d->res.error.code != X2K_ERR_NONE) {
            x2k_report_log(&eng->reporter,
                           "not copied %s -> %s: %llu of %llu bytes "
                           "(%s)%s", d->source, d->label,
                           (unsigned long long)(d->res.resumed_from +
                                                d->res.bytes_copied),
                           (unsigned long long)d->res.size,
                           d->res.error.code == X2K_ERR_CANCELLED
                           ? "cancelled" : "failed",
                           d->res.partial_kept
                           ? ", kept for a resume" : "");
            continue;
        }
        x2k_report_log(&eng->reporter,
                       "copied %s -> %s: %llu bytes, %llu data bytes "
                       "(%s%s%s)", d->source, d->label,
                       (unsigned long long)d->res.size,
                       (unsigned long long)d->res.data_bytes,
                       d->res.reader ? d->res.reader : "?",
                       d->res.already_done ? ", already done" : "",
                       d->res.verified ? ", verified" : "");
    }
out:
    for (i = 0; i < eng->n_disks; i++)
        free(srcs[i]);
    free(srcs);
    free(td);
    free(res);
    free(idx);
    return rc;
}

/* The disks converted into a local staging file for a volume: upload
 * each (a local read), then drop the staging file, so that what follows
 * uses the volume. */
static int
upload_staged(struct x2k_engine *eng, struct x2k_error *err)
{
    struct x2k_transfer_opts o = { 0 };
    size_t i;

    o.format = eng->plan.format;
    o.allocation = eng->plan.allocation;
    o.reporter = &eng->reporter;
    for (i = 0; i < eng->n_disks; i++) {
        struct eng_disk *d = &eng->disks[i];
        struct x2k_transfer_disk td = { 0 };
        struct x2k_transfer_result res = { 0 };
        int rc;

        if (!d->pool || !d->dest_path)
            continue;
        td.source = d->dest_path;
        td.name = d->new_target;
        td.conn = x2k_target_conn(eng->tgt);
        td.pool = d->pool;
        td.volume = d->volume;
        rc = x2k_transfer_run(&td, 1, &o, &res, err);
        x2k_transfer_result_clear(&res);
        if (rc < 0)
            return -1;
        x2k_report_log(&eng->reporter, "uploaded %s into %s",
                       d->dest_path, d->label);
        {
            X2K_AUTOFREE char *j = x2k_transfer_journal_path(d->dest_path);

            unlink(j);
        }
        unlink(d->dest_path);
        free(d->dest_path);
        d->dest_path = NULL;
    }
    return 0;
}

/* Open the target and decide where each disk goes (once: preflight
 * calls it to check the destinations, the copy stage reuses it). */
int
eng_place_disks(struct x2k_engine *eng, struct x2k_error *err)
{
    if (eng->placed)
        return 0;
    if (eng->plan.output == X2K_OUTPUT_LOCAL) {
        if (!eng->plan.output_dir) {
            x2k_error_set(err, X2K_ERR_INVALID,
                          _("--output local needs --output-dir."));
            return -1;
        }
    } else if (!eng_is_v2v(eng) && !eng->tgt) {
        struct x2k_pool_info pi;

        eng->tgt = x2k_target_open(eng_target_uri(eng), err);
        if (!eng->tgt)
            return -1;
        if (x2k_target_pool_info(eng->tgt, eng_pool_name(eng), &pi, err) < 0)
            return -1;
        if (x2k_str_equal(pi.type, "dir") && pi.path)
            eng->pool_path = x2k_xstrdup(pi.path);
        x2k_pool_info_clear(&pi);
    }
    if (place_disks(eng, err) < 0)
        return -1;
    eng->placed = true;
    return 0;
}

/* Copy every disk into the target. */
int
eng_stage_copy(struct x2k_engine *eng, struct x2k_error *err)
{
    if (eng_is_v2v(eng) && !eng->inv->block_device) {
        x2k_report_log(&eng->reporter,
                       "virt-v2v reads the disks itself: nothing to copy");
        return 0;
    }
    /* The assembled disk is made here, after preflight checked that
     * nothing of another run is there. */
    if (eng_place_disks(eng, err) < 0 || assemble_disk(eng, err) < 0)
        return -1;
    /* Private: the copies, the XML and the report are the guest's. */
    if (eng->plan.output == X2K_OUTPUT_LOCAL &&
        x2k_mkdir_p(eng->plan.output_dir, 0700, err) < 0)
        return -1;
    if (copy_group(eng, false, err) < 0 || copy_group(eng, true, err) < 0 ||
        upload_staged(eng, err) < 0)
        return -1;
    return 0;
}

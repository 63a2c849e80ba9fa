/* The stage runner (see engine.h).  Runs on the caller's thread (the
 * wizard's worker, or batch mode's main thread); only x2k_engine_cancel
 * may be called from another thread.  Each stage is one function over
 * the shared `struct x2k_engine' state: connect opens the libvirt source
 * and the SSH session of the data path; inspect keeps the original XML
 * and the inventory; preflight runs core/preflight on those same
 * connections and XML (--check calls it alone, opening its own) and the
 * guided shutdown; copy runs core/transfer into the places the converter
 * chose; convert writes the KVM XML and fetches boot files; fix guest
 * runs core/guest on the copies; define uses core/target; report writes
 * the run directory's report.  The virt-v2v engine replaces copy ..
 * define by one virt-v2v run (after a local copy of block devices).
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include <libxml/xmlsave.h>

#include "base/fsutil.h"
#include "base/i18n.h"
#include "base/log.h"
#include "convert/kvm.h"
#include "convert/xmlconv.h"
#include "engine/engine.h"
#include "engine/preflight.h"
#include "engine/v2v.h"
#include "guest/guest.h"
#include "plan/options.h"
#include "plan/rundir.h"
#include "plan/uri.h"
#include "source/demo.h"
#include "source/inventory.h"
#include "source/source.h"
#include "ssh/ssh.h"
#include "target/target.h"
#include "transfer/transfer.h"

/* One disk the copy stage copies, as the converter placed it. */
struct eng_disk {
    char *source;               /* path on the Xen host */
    char *old_target, *new_target;
    bool is_block;
    uint64_t size;
    char *detected_format;      /* of the source */
    char *new_format;           /* of the copy */
    char *dest_path;            /* local file of the copy, or NULL */
    char *pool, *volume;        /* or this volume */
    char *label;                /* for the report: path or POOL/VOLUME */
    struct x2k_transfer_result res;
    double seconds;
};

struct x2k_engine {
    struct x2k_plan plan;
    char *password;
    struct x2k_reporter reporter;
    x2k_event_fn user_fn;
    void *user_opaque;
    char *run_dir;
    int log_fd;
    enum x2k_stage stage;
    double stage_secs[X2K_N_STAGES];
    size_t n_warnings;
    bool kvm_logged;

    /* connect */
    struct x2k_source *src;
    struct x2k_ssh *ssh;
    struct x2k_ssh_opts ssh_opts;
    bool have_ssh_opts;
    char *ssh_host, *ssh_user, *ssh_password;
    /* inspect */
    char *orig_xml;
    struct x2k_inventory *inv;
    /* copy */
    struct x2k_target *tgt;
    char *pool_path;            /* dir pool: its directory */
    struct eng_disk *disks;
    size_t n_disks;
    const char **disk_labels;   /* for x2k_engine_get_result */
    /* convert */
    struct x2k_xmlconv_result *conv;
    char *v2v_xml;              /* virt-v2v -i libvirtxml input */
    /* fix guest */
    struct x2k_guest_report *guest_report;
    char *guest_skipped;        /* why no guest fixes ran, or NULL */
    /* define */
    bool defined, started;
    char *failure;              /* the error of a failed run, or NULL */
};

typedef int (*stage_fn)(struct x2k_engine *eng, struct x2k_error *err);

static const char *
new_name(const struct x2k_engine *eng)
{
    if (eng->conv && eng->conv->name)
        return eng->conv->name;
    if (eng->plan.new_name)
        return eng->plan.new_name;
    if (eng->plan.vm_name)
        return eng->plan.vm_name;
    return eng->inv && eng->inv->name ? eng->inv->name : "guest";
}

static const char *
target_uri(const struct x2k_engine *eng)
{
    return eng->plan.target_uri ? eng->plan.target_uri
                                : X2K_DEFAULT_TARGET_URI;
}

static const char *
pool_name(const struct x2k_engine *eng)
{
    return eng->plan.pool ? eng->plan.pool : X2K_DEFAULT_POOL;
}

static bool
is_v2v(const struct x2k_engine *eng)
{
    return eng->plan.engine == X2K_ENGINE_VIRT_V2V;
}

/* Open the libvirt source and, unless the disks are local, the SSH
 * session the data path uses. */
static int
stage_connect(struct x2k_engine *eng, struct x2k_error *err)
{
    struct x2k_error local = X2K_ERROR_INIT;

    if (eng->plan.demo && x2k_demo_prepare(err) < 0)
        return -1;
    if (eng->plan.mode == X2K_MODE_XEN) {
        X2K_AUTOFREE char *uri = x2k_plan_source_uri(&eng->plan);
        X2K_AUTOFREE char *ni = NULL;

        if (!uri) {
            x2k_error_set(err, X2K_ERR_INVALID,
                          _("No libvirt URI given (option --uri)."));
            return -1;
        }
        /* The demo's images (and its target) are made on first use. */
        if (eng->plan.demo && x2k_demo_prepare(err) < 0)
            return -1;
        ni = x2k_uri_noninteractive(uri);
        eng->src = x2k_source_open(ni, NULL, NULL, err);
        if (!eng->src)
            return -1;
        x2k_report_log(&eng->reporter, "source %s opened", uri);
    }
    if (x2k_ssh_opts_from_plan(&eng->plan, &eng->ssh_opts, &eng->ssh_host,
                               &eng->ssh_user, &eng->ssh_password,
                               &local) < 0) {
        if (local.code != X2K_ERR_INVALID) {
            x2k_error_move(err, &local);
            return -1;
        }
        x2k_error_clear(&local);
        x2k_report_log(&eng->reporter,
                       "no SSH host: the disks are read on this machine");
        return 0;
    }
    if (eng->password)
        eng->ssh_opts.password = eng->password;
    else
        eng->ssh_opts.password = eng->ssh_password;
    eng->ssh_opts.reporter = &eng->reporter;
    eng->have_ssh_opts = true;
    eng->ssh = x2k_ssh_connect(&eng->ssh_opts, err);
    if (!eng->ssh)
        return -1;
    x2k_report_log(&eng->reporter, "ssh %s@%s: logged in (%s)",
                   eng->ssh_opts.user ? eng->ssh_opts.user : "root",
                   eng->ssh_opts.host, x2k_ssh_auth_method(eng->ssh));
    return 0;
}

/* Fetch the inactive XML (kept as original.xml, seed 001 16.2.2) and
 * the inventory with the disks' real sizes and formats. */
static int
stage_inspect(struct x2k_engine *eng, struct x2k_error *err)
{
    size_t i, len = 0;

    if (eng->plan.mode == X2K_MODE_LIBVIRTXML) {
        eng->orig_xml = x2k_xmlconv_read_file(eng->plan.input_xml, &len,
                                              err);
    } else {
        if (!eng->plan.vm_name) {
            x2k_error_set(err, X2K_ERR_INVALID,
                          _("No guest given (option --vm-name)."));
            return -1;
        }
        eng->orig_xml = x2k_source_dumpxml(eng->src, eng->plan.vm_name, err);
    }
    if (!eng->orig_xml)
        return -1;
    if (x2k_rundir_write(eng->run_dir, "original.xml", eng->orig_xml,
                         strlen(eng->orig_xml), err) < 0)
        return -1;
    /* The demo host's disk paths stand for images in the cache: the
     * rest of the run reads those files. */
    if (eng->plan.demo && eng->plan.mode == X2K_MODE_XEN) {
        char *mapped = x2k_demo_map_xml(eng->orig_xml);

        free(eng->orig_xml);
        eng->orig_xml = mapped;
        x2k_report_log(&eng->reporter,
                       "demo: disk paths mapped to the cache's images");
    }
    eng->inv = x2k_inventory_from_xml(eng->orig_xml, err);
    if (!eng->inv)
        return -1;
    if (x2k_inventory_probe(eng->inv, eng->ssh, err) < 0)
        return -1;
    x2k_report_log(&eng->reporter, "guest %s: %s, %zu disks, %zu NICs",
                   eng->inv->name ? eng->inv->name : "?",
                   eng->inv->pv ? "PV" : "HVM", eng->inv->n_disks,
                   eng->inv->n_nics);
    for (i = 0; i < eng->inv->n_disks; i++) {
        const struct x2k_disk *d = &eng->inv->disks[i];

        x2k_report_log(&eng->reporter,
                       "disk %s: %s %s, %llu bytes, %s%s",
                       d->target_dev ? d->target_dev : "?",
                       x2k_disk_type_name(d->type),
                       d->path ? d->path : "-",
                       (unsigned long long)d->size,
                       d->real_format ? d->real_format : "?",
                       d->is_block ? ", block device" : "");
    }
    return 0;
}

/* Run the preflight checks (core/preflight); a failed check stops the
 * run before anything is copied.  A running guest with
 * --shutdown-source then gets the guided shutdown. */
static int
stage_preflight(struct x2k_engine *eng, struct x2k_error *err)
{
    struct x2k_preflight_opts o = { 0 };
    struct x2k_preflight *p;
    const struct x2k_check *failed = NULL;
    enum x2k_domstate st;
    size_t i;

    o.password = eng->password;
    o.reporter = &eng->reporter;
    /* Reuse what connect and inspect opened and fetched. */
    o.ssh = eng->ssh;
    o.source = eng->src;
    o.xml = eng->orig_xml;
    p = x2k_preflight_run(&eng->plan, &o);
    for (i = 0; i < p->n_checks; i++) {
        const struct x2k_check *c = &p->checks[i];

        if (c->status == X2K_CHECK_FAIL || c->status == X2K_CHECK_WARN)
            x2k_report_warning(&eng->reporter, "%s: %s", c->id, c->message);
        else
            x2k_report_log(&eng->reporter, "check %s: %s: %s", c->id,
                           x2k_check_status_name(c->status), c->message);
        if (c->status == X2K_CHECK_FAIL && !failed)
            failed = c;
    }
    if (failed)
        x2k_error_set(err, X2K_ERR_PREFLIGHT,
                      _("The preflight check '%1$s' failed: %2$s"),
                      failed->id, failed->message);
    x2k_preflight_free(p);
    if (failed)
        return -1;

    if (eng->src && eng->plan.shutdown_source) {
        if (x2k_source_state(eng->src, eng->plan.vm_name, &st, err) < 0)
            return -1;
        if (st != X2K_DOM_SHUTOFF) {
            x2k_report_log(&eng->reporter, "shutting down %s (timeout %d s)",
                           eng->plan.vm_name, eng->plan.shutdown_timeout);
            if (x2k_source_shutdown(eng->src, eng->plan.vm_name,
                                    eng->plan.shutdown_timeout,
                                    eng->plan.force_off, &eng->reporter,
                                    err) < 0)
                return -1;
        }
    }
    return 0;
}

/* The disks as the caller knows them, for the converter. */
static struct x2k_xmlconv_disk_in *
disks_in(const struct x2k_engine *eng, bool with_copies)
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
        /* A qcow2 source is copied byte for byte and stays qcow2. */
        if (x2k_str_equal(d->real_format, "qcow2"))
            in[n].new_format = "qcow2";
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
static void
conv_opts(struct x2k_engine *eng, struct x2k_xmlconv_opts *o,
          struct x2k_caps **caps, const struct x2k_xmlconv_disk_in *in)
{
    struct x2k_error local = X2K_ERROR_INIT;
    const char *uri = target_uri(eng);

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

static void
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
    X2K_AUTOFREE struct x2k_xmlconv_disk_in *in = disks_in(eng, false);
    struct x2k_xmlconv_opts o;
    struct x2k_caps *caps = NULL;
    struct x2k_xmlconv_result *r;
    size_t i;

    conv_opts(eng, &o, &caps, in);
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
        /* A qcow2 source is copied byte for byte and stays qcow2. */
        if (x2k_str_equal(d->detected_format, "qcow2"))
            d->new_format = x2k_xstrdup("qcow2");
        else
            d->new_format = x2k_xstrdup(cd->new_format);
        if (is_v2v(eng)) {
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
        }
        d->label = d->dest_path ? x2k_xstrdup(d->dest_path)
                                : x2k_strdup_printf("%s/%s", d->pool,
                                                    d->volume);
    }
    x2k_xmlconv_result_free(r);
    return 0;
fail:
    x2k_xmlconv_result_free(r);
    return -1;
}

/* Copy with core/transfer the disks whose copy format is (or is not)
 * the plan's; a qcow2 source is a byte copy. */
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
        bool bc = is_v2v(eng) || x2k_str_equal(d->detected_format, "qcow2");

        if (bc != byte_copy)
            continue;
        td[n].source = srcs[n] = eng->plan.demo
                                     ? x2k_demo_map_path(d->source)
                                     : x2k_xstrdup(d->source);
        td[n].is_block = d->is_block;
        /* A qcow2 file is copied as the file it is: its size is the
         * file's, not the virtual disk's (learned when opened). */
        td[n].size = x2k_str_equal(d->detected_format, "qcow2") ? 0
                                                                : d->size;
        td[n].name = d->new_target;
        td[n].dest_path = d->dest_path;
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
    o.ssh = eng->have_ssh_opts ? &eng->ssh_opts : NULL;
    o.reporter = &eng->reporter;
    if (bw)
        o.bwlimit = strtoull(bw, NULL, 10);
    rc = x2k_transfer_run(td, n, &o, res, err);
    for (i = 0; i < n; i++) {
        struct eng_disk *d = &eng->disks[idx[i]];

        x2k_transfer_result_clear(&d->res);
        d->res = res[i];
        d->seconds = x2k_now() - t0;
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

/* Copy every disk into the target. */
static int
stage_copy(struct x2k_engine *eng, struct x2k_error *err)
{
    if (is_v2v(eng) && !eng->inv->block_device) {
        x2k_report_log(&eng->reporter,
                       "virt-v2v reads the disks itself: nothing to copy");
        return 0;
    }
    if (eng->plan.output == X2K_OUTPUT_LOCAL) {
        if (!eng->plan.output_dir) {
            x2k_error_set(err, X2K_ERR_INVALID,
                          _("--output local needs --output-dir."));
            return -1;
        }
        if (x2k_mkdir_p(eng->plan.output_dir, 0755, err) < 0)
            return -1;
    } else if (!is_v2v(eng)) {
        struct x2k_pool_info pi;

        eng->tgt = x2k_target_open(target_uri(eng), err);
        if (!eng->tgt)
            return -1;
        if (x2k_target_pool_info(eng->tgt, pool_name(eng), &pi, err) < 0)
            return -1;
        if (x2k_str_equal(pi.type, "dir") && pi.path)
            eng->pool_path = x2k_xstrdup(pi.path);
        x2k_pool_info_clear(&pi);
    }
    if (place_disks(eng, err) < 0)
        return -1;
    if (copy_group(eng, false, err) < 0 || copy_group(eng, true, err) < 0)
        return -1;
    return 0;
}

/* Fetch the kernels/initrds of a direct-kernel-boot guest to the local
 * paths the converter chose. */
static int
fetch_boot_files(struct x2k_engine *eng, struct x2k_error *err)
{
    struct x2k_transfer_opts o = { 0 };
    const char *uri = target_uri(eng);
    size_t i;

    if (eng->conv->n_boot_files && eng->plan.output == X2K_OUTPUT_LIBVIRT &&
        strstr(uri, "://") && !strstr(uri, ":///"))
        x2k_report_warning(&eng->reporter,
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

        if (x2k_mkdir_p(dirname(dir), 0755, err) < 0)
            return -1;
        td.source = b->remote;
        td.name = b->kind;
        td.dest_path = b->local;
        o.ssh = eng->have_ssh_opts ? &eng->ssh_opts : NULL;
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
        X2K_AUTOFREE struct x2k_xmlconv_disk_in *in = disks_in(eng, true);
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
static int
stage_convert(struct x2k_engine *eng, struct x2k_error *err)
{
    X2K_AUTOFREE struct x2k_xmlconv_disk_in *in = NULL;
    struct x2k_xmlconv_opts o;
    struct x2k_caps *caps = NULL;
    size_t i;

    if (is_v2v(eng))
        return run_v2v(eng, err);
    in = disks_in(eng, true);
    conv_opts(eng, &o, &caps, in);
    eng->conv = x2k_xmlconv_convert_string(eng->orig_xml,
                                           strlen(eng->orig_xml),
                                           &eng->plan, &o, err);
    x2k_caps_free(caps);
    if (!eng->conv)
        return -1;
    for (i = 0; i < eng->conv->n_warnings; i++)
        x2k_report_warning(&eng->reporter, "%s",
                           eng->conv->warnings[i].msg);
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
static int
stage_fix_guest(struct x2k_engine *eng, struct x2k_error *err)
{
    struct x2k_guest_disk *gd;
    const char **map;
    char **paths;
    struct x2k_guest_fix_opts o = { 0 };
    size_t i, n = 0, m = 0;
    int rc = -1;

    if (is_v2v(eng)) {
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
    for (i = 0; i < eng->conv->n_disks; i++) {
        const struct x2k_xmlconv_disk *d = &eng->conv->disks[i];

        if (d->old_target && d->new_target) {
            map[m++] = d->old_target;
            map[m++] = d->new_target;
        }
    }
    for (i = 0; i < eng->n_disks; i++) {
        struct eng_disk *d = &eng->disks[i];

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
    o.direct_kernel_boot = eng->conv->n_boot_files > 0;
    eng->guest_report = x2k_guest_report_new();
    rc = x2k_guest_convert(gd, n, &o, &eng->reporter, eng->guest_report,
                           err);
    for (i = 0; i < eng->guest_report->n_changes; i++) {
        const struct x2k_guest_change *c = &eng->guest_report->changes[i];

        x2k_report_log(&eng->reporter, "guest %s: %s -> %s", c->file,
                       c->before ? c->before : "(none)",
                       c->after ? c->after : "(removed)");
    }
    {
        char *text = x2k_guest_report_format(eng->guest_report);

        if (x2k_rundir_write(eng->run_dir, "guest-changes.txt", text,
                             strlen(text), rc < 0 ? NULL : err) < 0)
            rc = -1;
        free(text);
    }
out:
    for (i = 0; i < eng->n_disks; i++)
        free(paths[i]);
    free(paths);
    free(gd);
    free(map);
    return rc;
}

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
        j = x2k_transfer_journal_path(d->dest_path);
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
static int
stage_define(struct x2k_engine *eng, struct x2k_error *err)
{
    struct x2k_error local = X2K_ERROR_INIT;

    if (is_v2v(eng)) {
        drop_journals(eng, true);
        return 0;
    }
    if (eng->plan.output == X2K_OUTPUT_LOCAL) {
        X2K_AUTOFREE char *file = x2k_strdup_printf("%s.xml", new_name(eng));

        if (x2k_rundir_write(eng->plan.output_dir, file, eng->conv->xml,
                             strlen(eng->conv->xml), err) < 0)
            return -1;
        drop_journals(eng, false);
        x2k_report_log(&eng->reporter, "wrote %s/%s (not defined: "
                       "--output local)", eng->plan.output_dir, file);
        return 0;
    }
    if (x2k_target_define(eng->tgt, eng->conv->xml, eng->plan.start,
                          err) < 0) {
        return -1;
    }
    eng->defined = true;
    eng->started = eng->plan.start;
    drop_journals(eng, false);
    /* The disks are files in a dir pool: list them as its volumes. */
    if (eng->pool_path &&
        x2k_target_pool_refresh(eng->tgt, pool_name(eng), &local) < 0) {
        char *text = x2k_error_format(&local);

        x2k_report_warning(&eng->reporter, "%s", text);
        free(text);
        x2k_error_clear(&local);
    }
    x2k_report_log(&eng->reporter, "domain %s defined on %s%s",
                   new_name(eng), x2k_target_uri(eng->tgt),
                   eng->started ? " and started" : "");
    return 0;
}

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
    x2k_buf_printf(&b, "new name: %s\n", new_name(eng));
    x2k_buf_printf(&b, "engine:   %s\n", x2k_engine_name(eng->plan.engine));
    if (eng->plan.output == X2K_OUTPUT_LOCAL)
        x2k_buf_printf(&b, "output:   local %s\n", eng->plan.output_dir);
    else
        x2k_buf_printf(&b, "target:   %s pool %s (%s)\n", target_uri(eng),
                       pool_name(eng),
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
        for (i = 0; i < eng->conv->n_warnings; i++)
            x2k_buf_printf(&b, "warning %s: %s\n", eng->conv->warnings[i].id,
                           eng->conv->warnings[i].msg);
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
    x2k_buf_puts(&b, "\n[durations]\n");
    for (s = 0; s < X2K_STAGE_REPORT; s++)
        x2k_buf_printf(&b, "%-10s %.2f s\n", x2k_stage_id((enum x2k_stage)s),
                       eng->stage_secs[s]);
    x2k_buf_printf(&b, "\nwarnings: %zu\n", eng->n_warnings);
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
static int
stage_report(struct x2k_engine *eng, struct x2k_error *err)
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
        X2K_AUTOFREE char *file = x2k_strdup_printf("%s-report.txt",
                                                    new_name(eng));

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

static const stage_fn stage_fns[X2K_N_STAGES] = {
    [X2K_STAGE_CONNECT] = stage_connect,
    [X2K_STAGE_INSPECT] = stage_inspect,
    [X2K_STAGE_PREFLIGHT] = stage_preflight,
    [X2K_STAGE_COPY] = stage_copy,
    [X2K_STAGE_CONVERT] = stage_convert,
    [X2K_STAGE_FIX_GUEST] = stage_fix_guest,
    [X2K_STAGE_DEFINE] = stage_define,
    [X2K_STAGE_REPORT] = stage_report,
};

/* Every event also goes, as a line, into the run directory's log. */
static void
tee_event(const struct x2k_event *ev, void *opaque)
{
    struct x2k_engine *eng = opaque;

    if (ev->kind == X2K_EVENT_WARNING)
        eng->n_warnings++;
    if (eng->log_fd >= 0 &&
        (ev->kind == X2K_EVENT_LOG || ev->kind == X2K_EVENT_WARNING ||
         ev->kind == X2K_EVENT_STAGE_BEGIN ||
         ev->kind == X2K_EVENT_STAGE_END)) {
        char stamp[32];
        time_t now = time(NULL);
        struct tm tm;
        char *line;

        gmtime_r(&now, &tm);
        strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &tm);
        if (ev->kind == X2K_EVENT_STAGE_BEGIN ||
            ev->kind == X2K_EVENT_STAGE_END)
            line = x2k_strdup_printf("%s stage %s %s%s\n", stamp,
                                     x2k_stage_id(ev->stage),
                                     ev->kind == X2K_EVENT_STAGE_BEGIN
                                         ? "begin"
                                         : "end",
                                     ev->kind == X2K_EVENT_STAGE_END &&
                                             ev->status
                                         ? " (failed)"
                                         : "");
        else
            line = x2k_strdup_printf("%s %s %s\n", stamp,
                                     ev->kind == X2K_EVENT_WARNING
                                         ? "warning"
                                         : "info",
                                     ev->text ? ev->text : "");
        (void)!write(eng->log_fd, line, strlen(line));
        free(line);
    }
    if (eng->user_fn)
        eng->user_fn(ev, eng->user_opaque);
}

struct x2k_engine *
x2k_engine_new(const struct x2k_plan *plan)
{
    struct x2k_engine *eng = x2k_xcalloc(1, sizeof *eng);

    x2k_plan_init(&eng->plan);
    x2k_plan_copy(&eng->plan, plan);
    x2k_reporter_init(&eng->reporter, tee_event, eng);
    eng->log_fd = -1;
    return eng;
}

void
x2k_engine_free(struct x2k_engine *eng)
{
    size_t i;

    if (!eng)
        return;
    x2k_plan_clear(&eng->plan);
    free(eng->plan.target_uri);
    free(eng->plan.pool);
    x2k_secure_free(eng->password);
    free(eng->run_dir);
    if (eng->log_fd >= 0)
        close(eng->log_fd);
    x2k_source_free(eng->src);
    x2k_ssh_free(eng->ssh);
    free(eng->ssh_host);
    free(eng->ssh_user);
    x2k_secure_free(eng->ssh_password);
    free(eng->orig_xml);
    x2k_inventory_free(eng->inv);
    x2k_target_free(eng->tgt);
    free(eng->pool_path);
    for (i = 0; i < eng->n_disks; i++)
        eng_disk_clear(&eng->disks[i]);
    free(eng->disks);
    free(eng->disk_labels);
    x2k_xmlconv_result_free(eng->conv);
    free(eng->v2v_xml);
    x2k_guest_report_free(eng->guest_report);
    free(eng->guest_skipped);
    free(eng->failure);
    free(eng);
}

void
x2k_engine_set_password(struct x2k_engine *eng, const char *password)
{
    x2k_secure_free(eng->password);
    eng->password = x2k_xstrdup(password);
}

void
x2k_engine_cancel(struct x2k_engine *eng)
{
    x2k_reporter_cancel(&eng->reporter);
}

void
x2k_engine_get_result(const struct x2k_engine *eng,
                      struct x2k_engine_result *res)
{
    struct x2k_engine *e = (struct x2k_engine *)eng;
    size_t i;

    memset(res, 0, sizeof *res);
    if (eng->inv || eng->plan.vm_name)
        res->domain = new_name(eng);
    res->target = eng->plan.output == X2K_OUTPUT_LOCAL ? eng->plan.output_dir
                                                       : target_uri(eng);
    res->run_dir = eng->run_dir;
    free(e->disk_labels);
    e->disk_labels = x2k_xcalloc(eng->n_disks + 1, sizeof *e->disk_labels);
    for (i = 0; i < eng->n_disks; i++)
        e->disk_labels[i] = eng->disks[i].label;
    res->disks = e->disk_labels;
    res->n_disks = eng->n_disks;
    res->n_warnings = eng->n_warnings;
    res->defined = eng->defined;
    res->started = eng->started;
}

const char *
x2k_engine_run_dir(const struct x2k_engine *eng)
{
    return eng->run_dir;
}

static int
open_run_dir(struct x2k_engine *eng, struct x2k_error *err)
{
    const char *name = eng->plan.vm_name ? eng->plan.vm_name : "guest";
    char *log;

    eng->run_dir = x2k_rundir_create(&eng->plan, name, err);
    if (!eng->run_dir)
        return -1;
    log = x2k_strdup_printf("%s/log", eng->run_dir);
    eng->log_fd = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (eng->log_fd < 0) {
        x2k_error_set_errno(err, X2K_ERR_IO, errno,
                            _("cannot create the log '%1$s'"), log);
        free(log);
        return -1;
    }
    free(log);
    return 0;
}

int
x2k_engine_run(struct x2k_engine *eng, bool only_preflight, x2k_event_fn fn,
               void *opaque, struct x2k_error *err)
{
    struct x2k_error local = X2K_ERROR_INIT;
    struct x2k_error early = X2K_ERROR_INIT;  /* connect/inspect failed */
    double t0;
    int s, rc = 0;

    eng->user_fn = fn;
    eng->user_opaque = opaque;
    if (x2k_plan_validate(&eng->plan, &local) < 0 ||
        open_run_dir(eng, &local) < 0) {
        rc = -1;
        goto out;
    }
    x2k_report_log(&eng->reporter, "run directory: %s", eng->run_dir);
    for (s = 0; s < X2K_N_STAGES && rc == 0; s++) {
        if (only_preflight && s > X2K_STAGE_PREFLIGHT)
            break;
        if (x2k_reporter_is_cancelled(&eng->reporter)) {
            x2k_error_set(&local, X2K_ERR_CANCELLED,
                          _("cancelled before the stage '%1$s'"),
                          x2k_stage_label((enum x2k_stage)s));
            rc = -1;
            break;
        }
        eng->stage = (enum x2k_stage)s;
        if (s == X2K_STAGE_INSPECT && x2k_error_is_set(&early))
            continue;           /* nothing to inspect without a source */
        x2k_report_stage(&eng->reporter, eng->stage, true, 0);
        t0 = x2k_now();
        rc = stage_fns[s](eng, &local);
        eng->stage_secs[s] = x2k_now() - t0;
        if (rc < 0 && !x2k_error_is_set(&local))
            x2k_error_set(&local, X2K_ERR_INTERNAL,
                          "stage %s failed without an error",
                          x2k_stage_id(eng->stage));
        x2k_report_stage(&eng->reporter, eng->stage, false, rc);
        if (rc < 0 && s < X2K_STAGE_PREFLIGHT &&
            local.code != X2K_ERR_CANCELLED) {
            /* The preflight checks say what is wrong, with a remedy
             * (they open their own connections for what failed here);
             * this error is kept for the case they do not fail. */
            char *text = x2k_error_format(&local);

            x2k_report_warning(&eng->reporter, "%s", text);
            free(text);
            x2k_error_move(&early, &local);
            rc = 0;
        } else if (rc == 0 && s == X2K_STAGE_PREFLIGHT &&
                   x2k_error_is_set(&early)) {
            x2k_error_move(&local, &early);
            rc = -1;
        }
    }
    x2k_error_clear(&early);
    if (rc < 0 && eng->log_fd >= 0) {
        char *text = x2k_error_format(&local);
        char *line = x2k_strdup_printf("error %s\n", text);

        (void)!write(eng->log_fd, line, strlen(line));
        free(line);
        /* A failed run past its preflight still leaves its report and
         * replay command (best effort). */
        eng->failure = text;
        if (!only_preflight && eng->stage > X2K_STAGE_PREFLIGHT &&
            eng->stage < X2K_STAGE_REPORT)
            stage_report(eng, NULL);
    }
out:
    if (rc < 0) {
        if (err)
            x2k_error_move(err, &local);
        else
            x2k_error_clear(&local);
    }
    return rc;
}

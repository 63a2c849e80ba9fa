/* The stage driver (see engine.h).  Runs on the caller's thread (the
 * wizard's worker, or batch mode's main thread); only x2k_engine_cancel
 * may be called from another thread.  x2k_engine_run calls the stages
 * in order over the shared `struct x2k_engine' (engine-internal.h),
 * checks for cancellation between them and tees every event into the
 * run directory's log.  The first three stages are here: connect opens
 * the libvirt source and the SSH session of the data path; inspect
 * keeps the original XML and the inventory; preflight runs
 * core/preflight on those same connections and XML (--check calls it
 * alone, opening its own) and the guided shutdown.  The others have
 * their own files: copy (engine-copy.c), convert and fix guest
 * (engine-convert.c), define (engine-define.c), report
 * (engine-report.c).  The virt-v2v engine replaces copy .. define by
 * one virt-v2v run (after a local copy of block devices).
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/i18n.h"
#include "base/secret.h"
#include "convert/layout.h"
#include "engine/engine-internal.h"
#include "engine/preflight.h"
#include "plan/rundir.h"
#include "plan/uri.h"
#include "source/demo.h"
#include "source/xl-cfg.h"

typedef int (*stage_fn)(struct x2k_engine *eng, struct x2k_error *err);

/* Wipe the password: every login it was needed for is done. */
static void
forget_password(struct x2k_engine *eng)
{
    x2k_secret_free(eng->ssh_password);
    eng->ssh_password = NULL;
    x2k_secret_free(eng->password);
    eng->password = NULL;
    eng->ssh_opts.password = NULL;
}

/* After a password login, the copy's other sessions log in now, so that
 * the password can be wiped: the disks' workers use these (one each,
 * --parallel of them). */
static int
password_sessions(struct x2k_engine *eng, struct x2k_error *err)
{
    const char *method = x2k_ssh_auth_method(eng->ssh);
    size_t n = eng->plan.parallel > 1 ? (size_t)eng->plan.parallel : 1;

    if (!x2k_str_equal(method, "password") &&
        !x2k_str_equal(method, "keyboard-interactive"))
        return 0;
    eng->sessions = x2k_xcalloc(n, sizeof *eng->sessions);
    eng->sessions[0] = eng->ssh;
    for (eng->n_sessions = 1; eng->n_sessions < n; eng->n_sessions++) {
        eng->sessions[eng->n_sessions] = x2k_ssh_connect(&eng->ssh_opts,
                                                         err);
        if (!eng->sessions[eng->n_sessions])
            return -1;
    }
    x2k_report_log(&eng->reporter,
                   "ssh: %zu session(s) logged in for the copy; the "
                   "password is wiped", eng->n_sessions);
    return 0;
}

/* Open the libvirt source and, unless the disks are local, the SSH
 * session the data path uses; a password is wiped once it has served. */
static int
stage_connect(struct x2k_engine *eng, struct x2k_error *err)
{
    struct x2k_error local = X2K_ERROR_INIT;
    int rc;

    /* The demo's images (and its target) are made on first use, once
     * per run (the log line is counted by test-batch-json.sh). */
    if (eng->plan.demo) {
        if (x2k_demo_prepare(err) < 0)
            return -1;
        x2k_report_log(&eng->reporter, "demo: images prepared in %s",
                       x2k_demo_dir());
    }
    if (eng->plan.mode == X2K_MODE_XEN) {
        X2K_AUTOFREE char *uri = x2k_plan_source_uri(&eng->plan);
        X2K_AUTOFREE char *ni = NULL;

        if (!uri) {
            x2k_error_set(err, X2K_ERR_INVALID,
                          _("No libvirt URI given (option --uri)."));
            return -1;
        }
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
        forget_password(eng);
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
    if (!eng->ssh) {
        forget_password(eng);
        return -1;
    }
    x2k_report_log(&eng->reporter, "ssh %s@%s: logged in (%s)",
                   eng->ssh_opts.user ? eng->ssh_opts.user : "root",
                   eng->ssh_opts.host, x2k_ssh_auth_method(eng->ssh));
    rc = password_sessions(eng, err);
    forget_password(eng);
    /* A Xen host without libvirtd: its toolstack over this session. */
    if (rc == 0 && eng->plan.mode == X2K_MODE_XL && eng->plan.uri) {
        eng->src = x2k_source_open_xl(eng->ssh, eng->plan.uri,
                                      eng->plan.xl_config, err);
        if (!eng->src)
            return -1;
        x2k_report_log(&eng->reporter, "source %s opened (xl toolstack)",
                       eng->plan.uri);
    }
    return rc;
}

/* --layout for this guest's disks (convert/layout.h).  Assembling
 * (one new disk, each volume streamed into its partition) boots the
 * guest from that disk: the guest fixes install the guest's own GRUB
 * in it (core/guest), and stop the run with a message naming
 * --layout=keep when the guest has none.  By default the disks are
 * kept, and said so: most xen-tools guests have no bootloader, and
 * whether this one has is known only once its disk is copied. */
static int
check_layout(struct x2k_engine *eng, struct x2k_error *err)
{
    X2K_AUTOFREE const char **targets = NULL;
    size_t i, n = 0;

    (void)err;
    targets = x2k_xcalloc(eng->inv->n_disks + 1, sizeof *targets);
    for (i = 0; i < eng->inv->n_disks; i++) {
        if (eng->inv->disks[i].device == X2K_DEV_DISK)
            targets[n++] = eng->inv->disks[i].target_dev;
    }
    if (x2k_layout_resolve(eng->plan.layout, targets, n) !=
        X2K_LAYOUT_ASSEMBLE)
        return 0;
    if (eng->plan.layout == X2K_LAYOUT_ASSEMBLE)
        return 0;
    x2k_report_warning_id(&eng->reporter, "layout-keep",
                          _("The disks of this guest are partitions of one Xen disk (%1$s and more): each becomes a disk of its own, booted with the Xen host's kernel (--layout=keep)."),
                          targets[0] ? targets[0] : "?");
    return 0;
}

/* Fetch the inactive XML, kept as original.xml (the Xen configuration
 * is backed up before anything changes), and the inventory with the
 * disks' real sizes and formats. */
static int
stage_inspect(struct x2k_engine *eng, struct x2k_error *err)
{
    size_t i, len = 0;

    if (eng->plan.mode == X2K_MODE_LIBVIRTXML) {
        eng->orig_xml = x2k_xmlconv_read_file(eng->plan.input_xml, &len,
                                              err);
    } else if (eng->plan.mode == X2K_MODE_XL && eng->plan.input_xml) {
        eng->orig_xml = x2k_xlcfg_file_to_xml(eng->plan.input_xml,
                                              &eng->reporter, err);
    } else if (eng->plan.mode == X2K_MODE_IMAGE) {
        /* Images qemu-img must read are staged as raw files in the
         * run directory first. */
        eng->orig_xml = x2k_image_domain_xml(&eng->plan, eng->run_dir,
                                             &eng->reporter, err);
    } else {
        if (!eng->plan.vm_name) {
            x2k_error_set(err, X2K_ERR_INVALID,
                          _("No guest given (option --vm-name)."));
            return -1;
        }
        eng->orig_xml = x2k_source_dumpxml_r(eng->src, eng->plan.vm_name,
                                             &eng->reporter, err);
    }
    if (!eng->orig_xml)
        return -1;
    if (eng->run_dir &&
        x2k_rundir_write(eng->run_dir, "original.xml", eng->orig_xml,
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
    eng->inv->demo = eng->plan.demo;
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
    return check_layout(eng, err);
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
    eng_preflight_dest(eng, p);
    for (i = 0; i < p->n_checks; i++) {
        const struct x2k_check *c = &p->checks[i];

        if (c->status == X2K_CHECK_FAIL || c->status == X2K_CHECK_WARN)
            x2k_report_warning_id(&eng->reporter, c->id, "%s: %s", c->id,
                                  c->message);
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

/* Every stage, in the order of a run. */
static const stage_fn stage_fns[X2K_N_STAGES] = {
    [X2K_STAGE_CONNECT] = stage_connect,
    [X2K_STAGE_INSPECT] = stage_inspect,
    [X2K_STAGE_PREFLIGHT] = stage_preflight,
    [X2K_STAGE_COPY] = eng_stage_copy,
    [X2K_STAGE_CONVERT] = eng_stage_convert,
    [X2K_STAGE_FIX_GUEST] = eng_stage_fix_guest,
    [X2K_STAGE_DEFINE] = eng_stage_define,
    [X2K_STAGE_BOOT_CHECK] = eng_stage_boot_check,
    [X2K_STAGE_REPORT] = eng_stage_report,
};

/* Every event also goes, as a line, into the run directory's log. */
static void
tee_event(const struct x2k_event *ev, void *opaque)
{
    struct x2k_engine *eng = opaque;

    if (ev->kind == X2K_EVENT_WARNING) {
        struct eng_warning *w;

        pthread_mutex_lock(&eng->warn_lock);
        eng->warnings = x2k_xreallocarray(eng->warnings, eng->n_warnings + 1,
                                          sizeof *eng->warnings);
        w = &eng->warnings[eng->n_warnings++];
        w->id = x2k_xstrdup(ev->id);
        w->text = x2k_xstrdup(ev->text ? ev->text : "");
        pthread_mutex_unlock(&eng->warn_lock);
    }
    if (eng->log_fd >= 0 &&
        (ev->kind == X2K_EVENT_LOG || ev->kind == X2K_EVENT_WARNING ||
         ev->kind == X2K_EVENT_STAGE_BEGIN ||
         ev->kind == X2K_EVENT_STAGE_END || ev->kind == X2K_EVENT_CONSOLE)) {
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
                                     ev->kind != X2K_EVENT_STAGE_END ? ""
                                     : ev->status == X2K_STAGE_SKIPPED
                                         ? " (skipped)"
                                     : ev->status ? " (failed)"
                                                  : "");
        else if (ev->kind == X2K_EVENT_CONSOLE)
            line = x2k_strdup_printf("%s console %s\n", stamp,
                                     ev->text ? ev->text : "");
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
    pthread_mutex_init(&eng->warn_lock, NULL);
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
    forget_password(eng);
    eng_unlock(eng);
    for (i = 0; i < eng->n_boot; i++) {
        free(eng->boot_local[i]);
        free(eng->boot_remote[i]);
    }
    free(eng->boot_local);
    free(eng->boot_remote);
    free(eng->run_dir);
    if (eng->log_fd >= 0)
        close(eng->log_fd);
    x2k_source_free(eng->src);
    for (i = 1; i < eng->n_sessions; i++)
        x2k_ssh_free(eng->sessions[i]);
    free(eng->sessions);
    x2k_ssh_free(eng->ssh);
    free(eng->ssh_host);
    free(eng->ssh_user);
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
    x2k_boot_result_clear(&eng->boot);
    free(eng->failure);
    for (i = 0; i < eng->n_warnings; i++) {
        free(eng->warnings[i].id);
        free(eng->warnings[i].text);
    }
    free(eng->warnings);
    pthread_mutex_destroy(&eng->warn_lock);
    free(eng);
}

void
x2k_engine_set_password(struct x2k_engine *eng, const char *password)
{
    x2k_secret_free(eng->password);
    eng->password = x2k_secret_dup(password);
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
        res->domain = eng_new_name(eng);
    res->target = eng->plan.output == X2K_OUTPUT_LOCAL ? eng->plan.output_dir
                                                       : eng_target_uri(eng);
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
    res->boot_check = eng->boot_status > 0   ? "passed"
                      : eng->boot_status < 0 ? "failed"
                                             : "skipped";
    res->boot_seconds = eng->boot.seconds;
}

const char *
x2k_engine_run_dir(const struct x2k_engine *eng)
{
    return eng->run_dir;
}

/* Create the run directory and open its log. */
static int
open_run_dir(struct x2k_engine *eng, struct x2k_error *err)
{
    const char *name = eng->plan.vm_name    ? eng->plan.vm_name
                       : eng->plan.new_name ? eng->plan.new_name
                                            : "guest";
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

struct x2k_preflight *
x2k_engine_check(struct x2k_engine *eng, x2k_event_fn fn, void *opaque)
{
    struct x2k_preflight_opts o = { 0 };
    struct x2k_error err = X2K_ERROR_INIT;
    struct x2k_preflight *p;

    /* No run directory, no lock kept, no file left behind: what fails
     * here the preflight checks below report with their remedies. */
    eng->user_fn = fn;
    eng->user_opaque = opaque;
    eng->check_only = true;
    if (stage_connect(eng, &err) == 0)
        (void)stage_inspect(eng, &err);
    x2k_error_clear(&err);
    o.password = eng->password;
    o.reporter = &eng->reporter;
    o.ssh = eng->ssh;
    o.source = eng->src;
    o.xml = eng->orig_xml;
    p = x2k_preflight_run(&eng->plan, &o);
    eng_preflight_dest(eng, p);
    eng_unlock(eng);
    return p;
}

/* Image mode: the raw copies inspect staged in the run directory
 * (x2k_image_domain_xml) are not kept once the run is over. */
static void
drop_staged_images(struct x2k_engine *eng)
{
    size_t i;

    if (eng->plan.mode != X2K_MODE_IMAGE || !eng->run_dir)
        return;
    for (i = 0; i < eng->plan.n_images; i++) {
        X2K_AUTOFREE char *f = x2k_strdup_printf("%s/image-%zu.raw",
                                                 eng->run_dir, i);

        if (unlink(f) == 0)
            x2k_report_log(&eng->reporter, "staged image %s removed", f);
    }
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
        /* A stage that had nothing to do ends as skipped, not done. */
        if (rc == 0 && s == X2K_STAGE_FIX_GUEST && eng->guest_skipped)
            rc = X2K_STAGE_SKIPPED;
        x2k_report_stage_end(&eng->reporter, eng->stage, rc,
                             eng->stage_secs[s]);
        if (rc == X2K_STAGE_SKIPPED)
            rc = 0;
        if (rc < 0 && s < X2K_STAGE_PREFLIGHT &&
            local.code != X2K_ERR_CANCELLED) {
            /* The preflight checks say what is wrong, with a remedy
             * (they open their own connections for what failed here);
             * this error is kept for the case they do not fail. */
            char *text = x2k_error_format(&local);

            x2k_report_warning_id(&eng->reporter, x2k_stage_id(eng->stage),
                                  "%s", text);
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
    drop_staged_images(eng);
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
            eng_stage_report(eng, NULL);
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


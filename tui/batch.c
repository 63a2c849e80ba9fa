/* Batch mode: every choice comes from options.  Validates the plan,
 * prints it for --dump-plan, prints the converted domain XML for
 * --print-xml (offline conversion), otherwise runs the engine on this
 * (main) thread and prints its events: a single updating status line
 * on a tty, plain lines otherwise, or one JSON object per line with
 * --machine-readable.  The event and log callbacks may run on any
 * engine thread (the copy's workers report from theirs): they print
 * under one lock, and what they print from outside (remote messages,
 * names and paths from the domain XML) passes x2k_text_printable.
 * With --log-file the log lines and events also go to that file.
 * Ctrl-C, SIGTERM, SIGHUP and SIGQUIT cancel at the next safe point
 * (children stopped, the copy resumable; a second one exits at once).
 * Errors are "xen2kvm: error: ..." with the documented exit codes.
 */
#include <config.h>

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "base/i18n.h"
#include "base/json.h"
#include "base/log.h"
#include "base/text.h"
#include "batch.h"
#include "convert/xmlconv.h"
#include "engine/engine.h"
#include "engine/preflight.h"
#include "help.h"
#include "plan/uri.h"
#include "base/secret.h"
#include "source/source.h"
#include "ssh/ssh.h"
#include "source/xl-cfg.h"
#include "target/target.h"

#define MAX_DISKS 64

struct out {
    /* Held by the callbacks while they print or change what follows.
     * The log sink takes it under core's log lock, so nothing may log
     * while holding it. */
    pthread_mutex_t lock;
    bool json;
    const char *run_dir;        /* named in the JSON error, if any */
    bool tty;
    enum x2k_log_level stderr_level;    /* the lowest level on stderr */
    FILE *log_fp;               /* --log-file, or NULL */
    bool status_shown;          /* a \r status line is on screen */
    double last_plain[MAX_DISKS];
    char *disk_status[MAX_DISKS];
};

static struct x2k_engine *volatile running_engine;
static volatile sig_atomic_t interrupts;
static volatile sig_atomic_t stop_signal;   /* the first signal */
static char cancel_msg[256];                /* translated beforehand */

/* Ctrl-C, SIGTERM, SIGHUP, SIGQUIT: cancel the run; the second one
 * ends the program at once. */
static void
on_signal(int sig)
{
    if (++interrupts > 1) {
        signal(sig, SIG_DFL);
        raise(sig);
        return;
    }
    stop_signal = sig;
    (void)!write(STDERR_FILENO, cancel_msg, strlen(cancel_msg));
    if (running_engine)
        x2k_engine_cancel(running_engine);
}

/* The signals that end a run like a cancel. */
static const int stop_signals[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };

/* Catch them (HANDLER on_signal) or give them back (SIG_DFL). */
static void
catch_stop_signals(void (*handler)(int))
{
    struct sigaction sa;
    size_t i;

    memset(&sa, 0, sizeof sa);
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    sa.sa_handler = handler;
    for (i = 0; i < X2K_N_ELEMENTS(stop_signals); i++)
        sigaction(stop_signals[i], &sa, NULL);
}

/* Append a line (LEVEL: TEXT) to the --log-file, if there is one; O's
 * lock is held. */
static void
log_file_line(struct out *o, const char *level, const char *text)
{
    X2K_AUTOFREE char *clean = NULL;
    char stamp[32];
    time_t now;
    struct tm tm;

    if (!o->log_fp)
        return;
    clean = x2k_text_printable(text, false);
    now = time(NULL);
    gmtime_r(&now, &tm);
    strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &tm);
    fprintf(o->log_fp, "%s %s: %s\n", stamp, level, clean);
    fflush(o->log_fp);
}

/* Print a line made from FMT to FP without control characters: it may
 * hold names and messages from outside. */
static void X2K_PRINTF(2, 3)
say(FILE *fp, const char *fmt, ...)
{
    va_list ap;
    char *raw, *clean;

    va_start(ap, fmt);
    raw = x2k_strdup_vprintf(fmt, ap);
    va_end(ap);
    clean = x2k_text_printable(raw, true);
    fputs(clean, fp);
    free(raw);
    free(clean);
}

/* The log sink: the --log-file, and a JSON line on stdout or a line on
 * stderr at the level -v asks for.  Any thread. */
static void
log_to_stderr(enum x2k_log_level level, const char *line, void *opaque)
{
    struct out *o = opaque;

    pthread_mutex_lock(&o->lock);
    log_file_line(o, x2k_log_level_name(level), line);
    if (level < o->stderr_level) {
        /* Only for the log file. */
    } else if (o->json) {
        struct x2k_buf b = { 0 };

        x2k_buf_printf(&b, "{\"type\":\"log\",\"level\":\"%s\",\"message\":",
                       x2k_log_level_name(level));
        x2k_json_string(&b, line);
        x2k_buf_puts(&b, "}\n");
        fputs(b.data, stdout);
        fflush(stdout);
        x2k_buf_clear(&b);
    } else {
        char *clean = x2k_text_printable(line, false);

        fprintf(stderr, "xen2kvm: %s: %s\n", x2k_log_level_name(level),
                clean);
        free(clean);
    }
    pthread_mutex_unlock(&o->lock);
}

static void
clear_status(struct out *o)
{
    if (o->status_shown) {
        fputs("\r\033[K", stdout);
        o->status_shown = false;
    }
}

static void
human_eta(char *buf, size_t len, double eta)
{
    long s = (long)(eta + 0.5);

    if (eta < 0)
        snprintf(buf, len, "--:--");
    else if (s >= 3600)
        snprintf(buf, len, "%ld:%02ld:%02ld", s / 3600, s / 60 % 60, s % 60);
    else
        snprintf(buf, len, "%02ld:%02ld", s / 60, s % 60);
}

static char *
progress_text(const struct x2k_event *ev)
{
    X2K_AUTOFREE char *name = NULL;
    char done[32], total[32], rate[32], eta[32];
    double pct = ev->total ? 100.0 * (double)ev->done / (double)ev->total
                           : 0;

    x2k_format_bytes(ev->done, done, sizeof done);
    x2k_format_bytes(ev->total, total, sizeof total);
    x2k_format_bytes((uint64_t)(ev->rate > 0 ? ev->rate : ev->avg_rate),
                     rate, sizeof rate);
    human_eta(eta, sizeof eta, ev->eta);
    name = x2k_text_printable(ev->disk_name ? ev->disk_name : "-", false);
    /* TRANSLATORS: disk, percent, bytes done, total, rate, time left. */
    return x2k_strdup_printf(_("%1$s %2$5.1f%% %3$s/%4$s %5$s/s ETA %6$s"),
                             name, pct, done, total, rate, eta);
}

static void
show_status_line(struct out *o)
{
    struct winsize ws;
    struct x2k_buf b = { 0 };
    size_t cols = 80, i, fit;

    if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
        cols = ws.ws_col;
    for (i = 0; i < MAX_DISKS; i++) {
        if (!o->disk_status[i])
            continue;
        if (b.len)
            x2k_buf_puts(&b, " | ");
        x2k_buf_puts(&b, o->disk_status[i]);
    }
    if (!b.len)
        return;
    fit = x2k_mbs_fit(b.data, cols - 1);
    fputs("\r\033[K", stdout);
    fwrite(b.data, 1, fit, stdout);
    fflush(stdout);
    o->status_shown = true;
    x2k_buf_clear(&b);
}

/* Print event EV as a human reads it; O's lock is held. */
static void
print_event_human(struct out *o, const struct x2k_event *ev)
{
    int d = ev->disk >= 0 && ev->disk < MAX_DISKS ? ev->disk : -1;
    X2K_AUTOFREE char *text = x2k_text_printable(ev->text, false);

    switch (ev->kind) {
    case X2K_EVENT_STAGE_BEGIN:
        clear_status(o);
        /* TRANSLATORS: a stage of the conversion begins. */
        printf(_("==> %1$s\n"), x2k_stage_label(ev->stage));
        break;
    case X2K_EVENT_STAGE_END:
        if (ev->status == X2K_STAGE_SKIPPED) {
            clear_status(o);
            printf(_("    %1$s: skipped\n"), x2k_stage_label(ev->stage));
        } else if (ev->status) {
            clear_status(o);
            printf(_("    %1$s: failed\n"), x2k_stage_label(ev->stage));
        }
        break;
    case X2K_EVENT_CONSOLE:
        clear_status(o);
        /* TRANSLATORS: one line of the new domain's serial console. */
        printf(_("    console: %1$s\n"), text);
        break;
    case X2K_EVENT_PROGRESS:
        if (d < 0)
            break;
        if (o->tty) {
            free(o->disk_status[d]);
            o->disk_status[d] = progress_text(ev);
            show_status_line(o);
            if (ev->total && ev->done >= ev->total) {
                clear_status(o);
                printf("    %s\n", o->disk_status[d]);
                free(o->disk_status[d]);
                o->disk_status[d] = NULL;
            }
        } else if (x2k_now() - o->last_plain[d] >= 5.0 ||
                   (ev->total && ev->done >= ev->total)) {
            char *line = progress_text(ev);

            o->last_plain[d] = x2k_now();
            printf("    %s\n", line);
            free(line);
        }
        break;
    case X2K_EVENT_LOG:
        clear_status(o);
        printf("    %s\n", text);
        break;
    case X2K_EVENT_WARNING:
        clear_status(o);
        fprintf(stderr, _("xen2kvm: warning: %1$s\n"), text);
        break;
    }
    fflush(stdout);
}

/* Print one event of the engine, as O says, and log it.  Any thread. */
static void
print_event(const struct x2k_event *ev, void *opaque)
{
    struct out *o = opaque;

    pthread_mutex_lock(&o->lock);
    if (ev->kind == X2K_EVENT_STAGE_BEGIN || ev->kind == X2K_EVENT_STAGE_END) {
        char *line = x2k_strdup_printf("stage %s %s%s", x2k_stage_id(ev->stage),
                                       ev->kind == X2K_EVENT_STAGE_BEGIN
                                           ? "begin" : "end",
                                       ev->kind != X2K_EVENT_STAGE_END ? ""
                                       : ev->status == X2K_STAGE_SKIPPED
                                           ? " (skipped)"
                                       : ev->status ? " (failed)" : "");

        log_file_line(o, "info", line);
        free(line);
    } else if (ev->kind == X2K_EVENT_CONSOLE) {
        log_file_line(o, "console", ev->text ? ev->text : "");
    } else if (ev->kind == X2K_EVENT_LOG || ev->kind == X2K_EVENT_WARNING) {
        log_file_line(o, ev->kind == X2K_EVENT_LOG ? "info" : "warning",
                      ev->text ? ev->text : "");
    }
    if (o->json) {
        char *line = x2k_json_event(ev);

        puts(line);
        fflush(stdout);
        free(line);
    } else {
        print_event_human(o, ev);
    }
    pthread_mutex_unlock(&o->lock);
}

static int
fail(struct out *o, struct x2k_error *err, int code)
{
    char *raw = x2k_error_format(err);
    char *text = x2k_text_printable(raw, false);

    free(raw);
    if (o) {
        pthread_mutex_lock(&o->lock);
        log_file_line(o, "error", text);
        pthread_mutex_unlock(&o->lock);
    }
    if (o && o->json) {
        char *line = x2k_json_error(err);
        size_t len = strlen(line);

        /* The run directory (log, report, XML) where there is one. */
        if (len && line[len - 1] == '}') {
            struct x2k_buf b = { 0 };

            line[len - 1] = '\0';
            x2k_buf_puts(&b, line);
            x2k_buf_puts(&b, ",\"run_dir\":");
            if (o->run_dir)
                x2k_json_string(&b, o->run_dir);
            else
                x2k_buf_puts(&b, "null");
            x2k_buf_puts(&b, "}");
            free(line);
            line = x2k_buf_steal(&b);
        }
        puts(line);
        free(line);
    } else {
        if (o)
            clear_status(o);
        fprintf(stderr, _("xen2kvm: error: %1$s\n"), text);
    }
    free(text);
    x2k_error_clear(err);
    return code;
}

/* --print-xml with a target: warn when the new name is taken there, as
 * the migration's preflight check target-name would refuse it. */
static void
warn_name_taken(const struct x2k_plan *plan, const char *name)
{
    struct x2k_error err = X2K_ERROR_INIT;
    struct x2k_target *t;
    bool exists = false;

    if (plan->output != X2K_OUTPUT_LIBVIRT)
        return;
    t = x2k_target_open(plan->target_uri, &err);
    if (t && x2k_target_has_domain(t, name, &exists, &err) == 0 && exists)
        say(stderr,
                _("xen2kvm: warning: A domain named '%1$s' already exists on "
                  "%2$s: a migration would stop at the preflight check "
                  "target-name.  Choose another name with --new-name.\n"),
                name, plan->target_uri);
    x2k_target_free(t);
    x2k_error_clear(&err);
}

/* A warning of the xl configuration reader: to stderr. */
static void
print_source_event(const struct x2k_event *ev, void *opaque)
{
    (void)opaque;
    if (ev->kind == X2K_EVENT_WARNING)
        say(stderr, _("xen2kvm: warning: %1$s\n"), ev->text);
}

/* The domain XML of --vm-name on the xl host of --uri, over SSH. */
static char *
read_xl_host_xml(const struct x2k_plan *plan, struct x2k_reporter *r,
                 struct x2k_error *err)
{
    struct x2k_ssh_opts so;
    X2K_AUTOFREE char *host = NULL;
    X2K_AUTOFREE char *user = NULL;
    char *password = NULL;
    struct x2k_ssh *ssh;
    struct x2k_source *src;
    char *xml = NULL;

    memset(&so, 0, sizeof so);
    if (x2k_ssh_opts_from_plan(plan, &so, &host, &user, &password, err) < 0)
        return NULL;
    so.password = password;
    ssh = x2k_ssh_connect(&so, err);
    x2k_secret_free(password);
    if (!ssh)
        return NULL;
    src = x2k_source_open_xl(ssh, plan->uri, plan->xl_config, err);
    if (src)
        xml = x2k_source_dumpxml_r(src, plan->vm_name, r, err);
    x2k_source_free(src);
    x2k_ssh_free(ssh);
    return xml;
}

/* The source domain XML as read: --input's XML, the xl configuration
 * converted, or the source's inactive XML of --vm-name.  NULL with
 * ERR. */
static char *
read_source_xml(const struct x2k_plan *plan, struct x2k_error *err)
{
    struct x2k_reporter r;
    X2K_AUTOFREE char *uri = NULL;
    X2K_AUTOFREE char *ni = NULL;
    X2K_AUTO(x2k_source) src = NULL;
    size_t len = 0;

    x2k_reporter_init(&r, print_source_event, NULL);
    switch (plan->mode) {
    case X2K_MODE_LIBVIRTXML:
        return x2k_xmlconv_read_file(plan->input_xml, &len, err);
    case X2K_MODE_XL:
        if (!plan->input_xml)
            return read_xl_host_xml(plan, &r, err);
        return x2k_xlcfg_file_to_xml(plan->input_xml, &r, err);
    case X2K_MODE_IMAGE:
        return x2k_image_domain_xml(plan, NULL, NULL, err);
    default:
        break;
    }
    uri = x2k_plan_source_uri(plan);
    if (!uri) {
        x2k_error_set(err, X2K_ERR_INVALID,
                      _("No libvirt URI given (option --uri)."));
        return NULL;
    }
    ni = x2k_uri_noninteractive(uri);
    src = x2k_source_open(ni, NULL, NULL, err);
    if (!src)
        return NULL;
    return x2k_source_dumpxml(src, plan->vm_name, err);
}

/* --print-source: print the source domain as read and exit. */
static int
print_source(const struct x2k_plan *plan)
{
    struct x2k_error err = X2K_ERROR_INIT;
    X2K_AUTOFREE char *xml = read_source_xml(plan, &err);
    X2K_AUTOFREE char *clean = NULL;

    if (!xml)
        return fail(NULL, &err,
                    err.code == X2K_ERR_INVALID &&
                            plan->mode != X2K_MODE_XL &&
                            plan->mode != X2K_MODE_IMAGE
                        ? TUI_EXIT_USAGE : TUI_EXIT_FAILED);
    clean = x2k_text_printable(xml, true);
    fputs(clean, stdout);
    return TUI_EXIT_OK;
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

    if (plan->mode != X2K_MODE_LIBVIRTXML && plan->mode != X2K_MODE_XL &&
        plan->mode != X2K_MODE_IMAGE) {
        x2k_error_set(&err, X2K_ERR_UNSUPPORTED,
                      _("--print-xml needs --mode libvirtxml or --mode xl "
                        "with --input FILE in this build"));
        return fail(NULL, &err, TUI_EXIT_USAGE);
    }
    xml = read_source_xml(plan, &err);
    if (!xml)
        return fail(NULL, &err, TUI_EXIT_FAILED);
    len = strlen(xml);

    /* The target decides kvm or qemu, the emulator, the machine type
     * and the OVMF path; without it libvirt picks them at define. */
    caps = x2k_caps_from_uri(plan->target_uri, &err);
    if (!caps) {
        char *text = x2k_error_format(&err);

        say(stderr,
                _("xen2kvm: warning: %1$s; libvirt will choose the emulator "
                  "and machine type when the domain is defined\n"),
                text);
        free(text);
        x2k_error_clear(&err);
    }
    opts.caps = caps;
    r = x2k_xmlconv_convert_string(xml, len, plan, &opts, &err);
    if (!r)
        return fail(NULL, &err, TUI_EXIT_FAILED);
    fputs(r->xml, stdout);
    for (i = 0; i < r->n_disks; i++) {
        const struct x2k_xmlconv_disk *d = &r->disks[i];
        X2K_AUTOFREE char *dst =
            d->new_path ? x2k_xstrdup(d->new_path)
            : d->new_volume
                ? x2k_strdup_printf("%s/%s", d->new_pool, d->new_volume)
                : x2k_xstrdup("-");

        /* TRANSLATORS: "disk xvda -> vda (virtio): /xen/a.img -> /kvm/a.raw" */
        say(stderr,
                d->copy ? _("xen2kvm: %1$s %2$s -> %3$s (%4$s): %5$s -> "
                            "%6$s (to copy)\n")
                        : _("xen2kvm: %1$s %2$s -> %3$s (%4$s): %5$s -> "
                            "%6$s\n"),
                d->device, d->old_target ? d->old_target : "-",
                d->new_target, d->new_bus,
                d->old_source ? d->old_source : "-", dst);
    }
    for (i = 0; i < r->n_boot_files; i++)
        say(stderr, _("xen2kvm: boot file %1$s: %2$s -> %3$s\n"),
                r->boot_files[i].kind, r->boot_files[i].remote,
                r->boot_files[i].local);
    for (i = 0; i < r->n_warnings; i++)
        say(stderr, _("xen2kvm: warning: %1$s\n"), r->warnings[i].msg);
    if (caps)
        warn_name_taken(plan, r->name);
    return TUI_EXIT_OK;
}

/* Print S padded with spaces to COLS display columns, and at least one
 * space after it (dest-not-source is as wide as the column). */
static void
print_padded(const char *s, size_t cols)
{
    size_t w = x2k_mbswidth(s);

    fputs(s, stdout);
    do
        fputc(' ', stdout);
    while (++w < cols);
}

/* The remedy of check ID as a JSON string (its help's paragraphs, one
 * per line), or null when WANT is false or there is none. */
static void
json_remedy(struct x2k_buf *b, const char *id, bool want)
{
    const struct x2k_help *h = NULL;
    struct x2k_buf t = { 0 };
    char *hid, *text;
    size_t k;

    if (want) {
        hid = x2k_check_help_id(id);
        h = x2k_help_find(hid);
        free(hid);
    }
    if (!h) {
        x2k_buf_puts(b, "null");
        return;
    }
    for (k = 0; x2k_help_para(h, k); k++)
        x2k_buf_printf(&t, "%s%s", k ? "\n" : "", x2k_help_para(h, k));
    text = x2k_buf_steal(&t);
    x2k_json_string(b, text ? text : "");
    free(text);
}

/* --check: run the preflight checks, print the table and the remedies
 * of the checks that did not pass.  Exit 3 when one failed. */
static int
run_check(struct x2k_plan *plan, const struct x2k_cli *cli)
{
    struct x2k_engine *eng = x2k_engine_new(plan);
    struct x2k_preflight *p = x2k_engine_check(eng, NULL, NULL);
    bool passed = x2k_preflight_passed(p);
    size_t i, j, k;

    if (cli->machine_readable) {
        size_t count[4] = { 0 };

        for (i = 0; i < p->n_checks; i++) {
            struct x2k_buf b = { 0 };
            enum x2k_check_status st = p->checks[i].status;

            if ((unsigned)st < X2K_N_ELEMENTS(count))
                count[st]++;
            x2k_buf_printf(&b, "{\"type\":\"check\",\"id\":\"%s\","
                           "\"status\":\"%s\",\"message\":",
                           p->checks[i].id, x2k_check_status_name(st));
            x2k_json_string(&b, p->checks[i].message);
            /* What to do, for a check that failed or warned (the same
             * text the table's remedies print); null otherwise. */
            x2k_buf_puts(&b, ",\"remedy\":");
            json_remedy(&b, p->checks[i].id,
                        st == X2K_CHECK_FAIL || st == X2K_CHECK_WARN);
            x2k_buf_puts(&b, "}\n");
            fputs(b.data, stdout);
            x2k_buf_clear(&b);
        }
        printf("{\"type\":\"summary\",\"passed\":%s,\"checks\":%zu,"
               "\"ok\":%zu,\"warn\":%zu,\"fail\":%zu,\"skip\":%zu}\n",
               passed ? "true" : "false", p->n_checks,
               count[X2K_CHECK_OK], count[X2K_CHECK_WARN],
               count[X2K_CHECK_FAIL], count[X2K_CHECK_SKIPPED]);

    } else {
        /* TRANSLATORS: headings of the preflight table. */
        print_padded(_("CHECK"), 15);
        print_padded(_("STATUS"), 7);
        say(stdout, "%s\n", _("MESSAGE"));
        for (i = 0; i < p->n_checks; i++) {
            print_padded(p->checks[i].id, 15);
            print_padded(x2k_check_status_label(p->checks[i].status), 7);
            say(stdout, "%s\n", p->checks[i].message);
        }
        /* Remedies, once per check id that failed or warned. */
        for (i = 0; i < p->n_checks; i++) {
            const struct x2k_help *h;
            char *hid;
            bool seen = false;

            if (p->checks[i].status != X2K_CHECK_FAIL &&
                p->checks[i].status != X2K_CHECK_WARN)
                continue;
            for (j = 0; j < i; j++) {
                if (strcmp(p->checks[j].id, p->checks[i].id) == 0 &&
                    (p->checks[j].status == X2K_CHECK_FAIL ||
                     p->checks[j].status == X2K_CHECK_WARN))
                    seen = true;
            }
            if (seen)
                continue;
            hid = x2k_check_help_id(p->checks[i].id);
            h = x2k_help_find(hid);
            free(hid);
            if (!h)
                continue;
            say(stdout, "\n%s: %s\n", p->checks[i].id, x2k_help_title(h));
            for (k = 0; x2k_help_para(h, k); k++)
                say(stdout, "  %s\n", x2k_help_para(h, k));
        }
        say(stdout, "\n%s\n", passed ? _("All preflight checks passed.")
                                : _("A preflight check failed: the "
                                    "migration cannot run."));
    }
    x2k_preflight_free(p);
    x2k_engine_free(eng);
    return passed ? TUI_EXIT_OK : TUI_EXIT_PREFLIGHT;
}

/* The last line of a successful run: what it produced. */
static void
print_result(struct out *o, const struct x2k_engine *eng)
{
    struct x2k_engine_result r;
    size_t i;

    x2k_engine_get_result(eng, &r);
    if (o->json) {
        struct x2k_buf b = { 0 };

        x2k_buf_puts(&b, "{\"type\":\"result\",\"domain\":");
        x2k_json_string(&b, r.domain ? r.domain : "");
        x2k_buf_puts(&b, ",\"target\":");
        x2k_json_string(&b, r.target ? r.target : "");
        x2k_buf_puts(&b, ",\"run_dir\":");
        x2k_json_string(&b, r.run_dir ? r.run_dir : "");
        x2k_buf_puts(&b, ",\"disks\":[");
        for (i = 0; i < r.n_disks; i++) {
            if (i)
                x2k_buf_puts(&b, ",");
            x2k_json_string(&b, r.disks[i]);
        }
        x2k_buf_printf(&b, "],\"warnings\":%zu,\"defined\":%s,"
                       "\"started\":%s,\"boot_check\":\"%s\","
                       "\"boot_seconds\":%.1f}\n", r.n_warnings,
                       r.defined ? "true" : "false",
                       r.started ? "true" : "false", r.boot_check,
                       r.boot_seconds);
        fputs(b.data, stdout);
        x2k_buf_clear(&b);
        return;
    }
    if (r.defined)
        say(stdout, _("Done: the domain '%1$s' is defined on %2$s.\n"),
               r.domain ? r.domain : "?", r.target);
    else
        say(stdout, _("Done: the disks and the domain XML of '%1$s' are in "
                 "%2$s.\n"), r.domain ? r.domain : "?",
               r.target ? r.target : "?");
    if (strcmp(r.boot_check, "passed") == 0)
        say(stdout, _("Boot check passed: '%1$s' booted in %2$.1f "
                      "seconds.\n"),
            r.domain ? r.domain : "?", r.boot_seconds);
    say(stdout, _("The report and the log are in %1$s.\n"),
           r.run_dir ? r.run_dir : "?");
}

/* Open --log-file FILE into O (appended to, created 0600, never through
 * a symlink); -1 with ERR set. */
static int
open_log_file(struct out *o, const char *path, struct x2k_error *err)
{
    o->log_fp = tui_log_open(path);
    if (!o->log_fp) {
        x2k_error_set_errno(err, X2K_ERR_IO, errno,
                            _("Cannot open the log file %1$s (option --log-file)."),
                            path);
        return -1;
    }
    return 0;
}

int
tui_batch_main(struct x2k_plan *plan, const struct x2k_cli *cli)
{
    /* Static: the log sink keeps it for the rest of the process. */
    static struct out o = { .lock = PTHREAD_MUTEX_INITIALIZER };
    struct x2k_error err = X2K_ERROR_INIT;
    struct x2k_engine *eng;
    enum x2k_log_level file_level;
    char *text;
    int rc;
    size_t i;

    o.json = cli->machine_readable;
    o.tty = !o.json && isatty(STDOUT_FILENO);
    o.stderr_level = cli->verbose >= 2   ? X2K_LOG_DEBUG
                     : cli->verbose == 1 ? X2K_LOG_INFO
                                         : X2K_LOG_WARN;
    /* The log file gets what the wizard's gets: info, debug with -v. */
    file_level = cli->verbose ? X2K_LOG_DEBUG : X2K_LOG_INFO;
    if (cli->log_file && *cli->log_file &&
        open_log_file(&o, cli->log_file, &err) < 0)
        return fail(&o, &err, TUI_EXIT_USAGE);
    x2k_log_set_sink(log_to_stderr, &o,
                     o.log_fp && file_level < o.stderr_level
                         ? file_level : o.stderr_level);
    if (x2k_plan_validate(plan, &err) < 0) {
        fail(&o, &err, TUI_EXIT_USAGE);
        if (!o.json)
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
    if (cli->print_source)
        return print_source(plan);
    if (cli->print_xml)
        return print_xml(plan);
    if (cli->check)
        return run_check(plan, cli);

    /* TRANSLATORS: printed when Ctrl-C or SIGTERM/SIGHUP/SIGQUIT arrives
     * during a run. */
    snprintf(cancel_msg, sizeof cancel_msg, "\n%s\n",
             _("xen2kvm: cancelling; the copied data is kept for a resume "
               "(the same signal again quits at once)"));
    eng = x2k_engine_new(plan);
    running_engine = eng;
    catch_stop_signals(on_signal);
    signal(SIGPIPE, SIG_IGN);
    rc = x2k_engine_run(eng, cli->check, print_event, &o, &err);
    running_engine = NULL;
    catch_stop_signals(SIG_DFL);
    clear_status(&o);
    for (i = 0; i < MAX_DISKS; i++)
        free(o.disk_status[i]);
    if (rc < 0) {
        int code = err.code == X2K_ERR_CANCELLED   ? TUI_EXIT_CANCELLED
                   : err.code == X2K_ERR_PREFLIGHT ? TUI_EXIT_PREFLIGHT
                                                   : TUI_EXIT_FAILED;

        /* Ended by a signal other than Ctrl-C: 128 + its number. */
        if (stop_signal && stop_signal != SIGINT)
            code = 128 + stop_signal;
        if (x2k_engine_run_dir(eng) && !o.json)
            say(stderr, _("xen2kvm: the log is in %1$s/log\n"),
                    x2k_engine_run_dir(eng));
        /* A failed boot check: the domain is defined; the result line
         * says so, before the error. */
        if (o.json && err.code != X2K_ERR_CANCELLED) {
            struct x2k_engine_result r;

            x2k_engine_get_result(eng, &r);
            if (strcmp(r.boot_check, "failed") == 0)
                print_result(&o, eng);
        }
        o.run_dir = x2k_engine_run_dir(eng);
        code = fail(&o, &err, code);
        x2k_engine_free(eng);
        return code;
    }
    print_result(&o, eng);
    x2k_engine_free(eng);
    return TUI_EXIT_OK;
}

/* The boot check (see bootcheck.h): start the domain paused, attach a
 * non-blocking virStream to its serial console, resume it, then read
 * the stream every 50 ms, split it into lines without escape sequences
 * and control characters (x2k_text_printable), report each one and
 * match the regex against complete lines and against the line being
 * written (a getty's "login: " ends without a newline).  libvirt's
 * remote driver moves stream data only while an event loop runs, so
 * this module registers libvirt's default one and runs it on a thread
 * of its own (once per process, as virsh does); the connection it
 * reads through is its own, opened after that.
 * Cancellation and the time limit are checked at every poll.
 */
#include <config.h>

#include <pthread.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/i18n.h"
#include "base/log.h"
#include "base/text.h"
#include "base/virt.h"
#include "target/bootcheck.h"

/* A console line longer than this is reported in pieces. */
#define MAX_LINE 1024

static void *
event_loop(void *opaque)
{
    (void)opaque;
    for (;;) {
        if (virEventRunDefaultImpl() < 0) {
            struct timespec ts = { 0, 100 * 1000 * 1000 };

            nanosleep(&ts, NULL);
        }
    }
    return NULL;
}

static pthread_once_t loop_once = PTHREAD_ONCE_INIT;
static bool loop_running;

static void
start_event_loop(void)
{
    pthread_t th;
    pthread_attr_t attr;

    x2k_virt_init();
    if (virEventRegisterDefaultImpl() < 0)
        return;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    loop_running = pthread_create(&th, &attr, event_loop, NULL) == 0;
    pthread_attr_destroy(&attr);
}

void
x2k_boot_result_clear(struct x2k_boot_result *res)
{
    size_t i;

    if (!res)
        return;
    free(res->matched);
    for (i = 0; i < res->n_last; i++)
        free(res->last[i]);
    memset(res, 0, sizeof *res);
}

bool
x2k_boot_regex_valid(const char *regex, struct x2k_error *err)
{
    regex_t re;
    int rc = regcomp(&re, regex, REG_EXTENDED | REG_NOSUB);

    if (rc != 0) {
        char why[256];

        regerror(rc, &re, why, sizeof why);
        x2k_error_set(err, X2K_ERR_INVALID,
                      _("--boot-check: '%1$s' is not a POSIX extended "
                        "regular expression (%2$s); give one such as "
                        "'login: *$'"),
                      regex, why);
        return false;
    }
    regfree(&re);
    return true;
}

/* Keep LINE (printable) as the newest of RES's last lines. */
static void
keep_line(struct x2k_boot_result *res, const char *line)
{
    if (res->n_last == X2K_BOOT_LAST_LINES) {
        free(res->last[0]);
        memmove(&res->last[0], &res->last[1],
                (X2K_BOOT_LAST_LINES - 1) * sizeof res->last[0]);
        res->n_last--;
    }
    res->last[res->n_last++] = x2k_xstrdup(line);
}

struct console {
    struct x2k_reporter *r;
    struct x2k_boot_result *res;
    regex_t re;
    char line[MAX_LINE + 1];
    size_t len;
    int esc;                    /* 0, 1 after ESC, 2 inside ESC [ ... */
    bool matched;
};

/* Report and keep the line being assembled; match it. */
static void
end_line(struct console *c, bool complete)
{
    X2K_AUTOFREE char *text = NULL;
    struct x2k_event ev = { .kind = X2K_EVENT_CONSOLE, .disk = -1,
                            .eta = -1, .stage = X2K_STAGE_BOOT_CHECK };

    c->line[c->len] = '\0';
    text = x2k_text_printable(c->line, false);
    if (!c->matched && regexec(&c->re, c->line, 0, NULL, 0) == 0) {
        c->matched = true;
        c->res->matched = x2k_xstrdup(text);
    }
    if (complete || c->matched) {
        ev.text = text;
        x2k_report(c->r, &ev);
        keep_line(c->res, text);
        c->len = 0;
    }
}

/* Take N bytes of console output. */
static void
feed(struct console *c, const char *buf, size_t n)
{
    size_t i;

    for (i = 0; i < n && !c->matched; i++) {
        unsigned char ch = (unsigned char)buf[i];

        /* Terminal escape sequences (colours, cursor moves) go whole,
         * not only their ESC: ESC [ params final, or ESC and one. */
        if (c->esc == 1) {
            c->esc = ch == '[' ? 2 : 0;
            continue;
        }
        if (c->esc == 2) {
            if (ch >= 0x40 && ch <= 0x7e)
                c->esc = 0;
            continue;
        }
        if (ch == 0x1b) {
            c->esc = 1;
            continue;
        }
        if (buf[i] == '\r' || buf[i] == '\0')
            continue;
        if (buf[i] == '\n') {
            end_line(c, true);
            continue;
        }
        c->line[c->len++] = buf[i];
        if (c->len == MAX_LINE)
            end_line(c, true);
    }
    /* The line being written: a prompt has no newline after it. */
    if (!c->matched && c->len > 0)
        end_line(c, false);
}

/* The last lines of RES joined with " | ", or a word for none. */
static char *
last_lines(const struct x2k_boot_result *res)
{
    struct x2k_buf b = { 0 };
    size_t i;

    for (i = 0; i < res->n_last; i++) {
        if (*res->last[i] == '\0')
            continue;
        if (b.len)
            x2k_buf_puts(&b, " | ");
        x2k_buf_puts(&b, res->last[i]);
    }
    if (!b.len)
        /* TRANSLATORS: the console printed nothing at all. */
        x2k_buf_puts(&b, _("(nothing)"));
    return x2k_buf_steal(&b);
}

/* Start DOM paused when it is not running; -1 with ERR set. */
static int
start_paused(virDomainPtr dom, const char *name, const char *uri,
             bool *paused, struct x2k_error *err)
{
    int active = virDomainIsActive(dom);

    *paused = false;
    if (active == 1)
        return 0;
    if (virDomainCreateWithFlags(dom, VIR_DOMAIN_START_PAUSED) < 0) {
        x2k_virt_error(err, X2K_ERR_LIBVIRT,
                       _("The domain '%1$s' is defined on %2$s but did not "
                         "start; see its QEMU log on the KVM host "
                         "(/var/log/libvirt/qemu/%1$s.log)."),
                       name, uri);
        return -1;
    }
    *paused = true;
    return 0;
}

int
x2k_target_boot_check(const char *uri, const char *name, const char *regex,
                      int timeout, struct x2k_reporter *r,
                      struct x2k_boot_result *res, struct x2k_error *err)
{
    struct console c = { .r = r, .res = res };
    virConnectPtr conn = NULL;
    virDomainPtr dom = NULL;
    virStreamPtr st = NULL;
    bool paused = false, re_ok = false;
    double t0, now;
    int rc = -1;
    char buf[4096];

    memset(res, 0, sizeof *res);
    if (!regex)
        regex = X2K_BOOT_REGEX_DEFAULT;
    if (timeout <= 0)
        timeout = 300;
    if (!x2k_boot_regex_valid(regex, err))
        return -1;
    regcomp(&c.re, regex, REG_EXTENDED | REG_NOSUB);
    re_ok = true;
    pthread_once(&loop_once, start_event_loop);
    if (!loop_running) {
        x2k_error_set(err, X2K_ERR_INTERNAL,
                      _("Cannot run libvirt's event loop for the boot "
                        "check."));
        goto out;
    }
    conn = x2k_virt_open(uri, NULL, NULL, false, err);
    if (!conn)
        goto out;
    dom = virDomainLookupByName(conn, name);
    if (!dom) {
        x2k_virt_error(err, X2K_ERR_LIBVIRT,
                       _("Cannot look up the domain '%1$s' on %2$s."), name,
                       uri);
        goto out;
    }
    if (start_paused(dom, name, uri, &paused, err) < 0)
        goto out;
    res->started = true;
    st = virStreamNew(conn, VIR_STREAM_NONBLOCK);
    if (!st || virDomainOpenConsole(dom, NULL, st,
                                    VIR_DOMAIN_CONSOLE_FORCE) < 0) {
        x2k_virt_error(err, X2K_ERR_LIBVIRT,
                       _("The domain '%1$s' runs, but its serial console "
                         "cannot be opened: it needs a <serial> or "
                         "<console> device of type pty.  Check it by hand "
                         "with 'virsh console %1$s'."),
                       name);
        goto out;
    }
    if (paused && virDomainResume(dom) < 0) {
        x2k_virt_error(err, X2K_ERR_LIBVIRT,
                       _("The domain '%1$s' started paused and cannot be "
                         "resumed."), name);
        goto out;
    }
    x2k_report_log(r, "boot check: watching the serial console of %s for "
                   "/%s/ (timeout %d s)", name, regex, timeout);
    t0 = x2k_now();
    for (;;) {
        int n = virStreamRecv(st, buf, sizeof buf);

        now = x2k_now();
        if (n > 0) {
            feed(&c, buf, (size_t)n);
            if (c.matched) {
                res->booted = true;
                res->seconds = now - t0;
                rc = 0;
                break;
            }
            continue;
        }
        if (n == 0 || n == -1) {
            X2K_AUTOFREE char *lines = last_lines(res);

            x2k_virt_error(err, X2K_ERR_LIBVIRT,
                           _("The serial console of '%1$s' closed after "
                             "%2$.0f seconds before /%3$s/ appeared: the "
                             "domain stopped or crashed.  Its last console "
                             "lines: %4$s.  See its QEMU log on the KVM "
                             "host (/var/log/libvirt/qemu/%1$s.log)."),
                           name, now - t0, regex, lines);
            break;
        }
        if (x2k_reporter_is_cancelled(r)) {
            x2k_error_set(err, X2K_ERR_CANCELLED,
                          _("The boot check of '%1$s' was cancelled; the "
                            "domain keeps running."), name);
            break;
        }
        if (now - t0 >= timeout) {
            X2K_AUTOFREE char *lines = NULL;

            if (c.len > 0)
                end_line(&c, true);
            lines = last_lines(res);
            res->seconds = now - t0;
            x2k_error_set(err, X2K_ERR_TIMEOUT,
                          _("The domain '%1$s' did not print /%2$s/ on its "
                            "serial console within %3$d seconds.  Its last "
                            "console lines: %4$s.  The domain keeps "
                            "running: watch it with 'virsh console %1$s'.  "
                            "Check that the guest has a getty on ttyS0 and "
                            "console=ttyS0 on its kernel command line, or "
                            "give a longer --boot-timeout or another "
                            "--boot-check=REGEX."),
                          name, regex, timeout, lines);
            break;
        }
        {
            struct timespec ts = { 0, 50 * 1000 * 1000 };

            nanosleep(&ts, NULL);
        }
    }
out:
    if (st) {
        virStreamAbort(st);
        virStreamFree(st);
    }
    if (dom)
        virDomainFree(dom);
    if (conn)
        virConnectClose(conn);
    if (re_ok)
        regfree(&c.re);
    return rc;
}

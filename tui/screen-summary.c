/* Summary screen: every choice, the preflight results (ok / warn /
 * fail with the remedy) and the replayable command, wrapped, which can
 * be saved to a file (mode 0600).  A plan that does not validate, or a
 * failed check, keeps the Run screen closed.  UI thread; preflight runs
 * on a worker thread via backend.h.
 */
#include <config.h>

#include "tcurses.h"
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backend.h"
#include "base/i18n.h"
#include "tui.h"

enum { B_SAVE, B_START };
enum { T_PREFLIGHT = 600 };

static struct tui_widget path = { .kind = TUI_W_FIELD,
                                  .label = N_("Save the command to:") };
static struct tui_widget b_save = { .kind = TUI_W_BUTTON, .id = B_SAVE,
                                    .label = N_("Save") };
static struct tui_widget b_start = { .kind = TUI_W_BUTTON, .id = B_START,
                                     .label = N_("Start the conversion") };
static struct tui_widget b_back = TUI_NAV_BUTTON(TUI_NAV_BACK);
/* The boot check's box (boot.c) above the command's field. */
static struct tui_widget *widgets[] = { &tui_boot_widget, &path, &b_save,
                                        &b_start, &b_back };
/* Focus on "Start the conversion"; PgUp/PgDn scroll from the form. */
static struct tui_paned pf = {
    .form = { widgets, X2K_N_ELEMENTS(widgets), 3 },
    .pane_h = 10,
    .page_keys = true,
};
static int pane_w = 76;
static char *invalid;           /* why the plan cannot run, or NULL */
static char *checks_text;       /* preflight results, wrapped later */
static bool checks_failed;

/* The sections of the choices, and which option lines (by the name
 * before ':' in x2k_plan_dump) each one takes; the rest go to the last,
 * Options. */
static const struct {
    const char *title;
    const char *const keys[20];
} sections[] = {
    { N_("Source"), { "mode", "uri", "vm-name", "demo", "input",
                      "shutdown-source", "shutdown-timeout", "force-off",
                      "ssh-host", "ssh-user", "ssh-port", "identity",
                      "password-file", "known-hosts", "accept-host-key",
                      "legacy-ssh", "io-timeout", NULL } },
    { N_("Disks"), { "block-device", "format", "allocation", "verify",
                     "parallel", NULL } },
    { N_("Target"), { "output", "target-uri", "pool", "output-dir",
                      "new-name", "new-uuid", "start", NULL } },
    { N_("Network"), { "bridge", "network", NULL } },
    { N_("Hardware"), { "vcpus", "memory", "disk-bus", "nic-model",
                        NULL } },
    { N_("Options"), { NULL } },
};

/* Which section the dump line LINE ("key: value") belongs to. */
static size_t
section_of(const char *line)
{
    size_t len = strcspn(line, ":"), i, k;

    for (i = 0; i + 1 < X2K_N_ELEMENTS(sections); i++) {
        for (k = 0; sections[i].keys[k]; k++) {
            if (strlen(sections[i].keys[k]) == len &&
                strncmp(sections[i].keys[k], line, len) == 0)
                return i;
        }
    }
    return X2K_N_ELEMENTS(sections) - 1;
}

/* DUMP's "key: value" lines under section titles, without the unset
 * ("-") ones and the replay line (shown first already). */
static void
put_sections(struct x2k_buf *b, const char *dump)
{
    size_t i;

    for (i = 0; i < X2K_N_ELEMENTS(sections); i++) {
        const char *s = dump;
        bool title = false;

        while (s && *s) {
            const char *nl = strchr(s, '\n');
            size_t n = nl ? (size_t)(nl - s) : strlen(s);
            char *line = x2k_xstrndup(s, n);

            s = nl ? nl + 1 : NULL;
            if (!*line || strncmp(line, "replay:", 7) == 0 ||
                (n >= 3 && strcmp(line + n - 3, ": -") == 0) ||
                section_of(line) != i) {
                free(line);
                continue;
            }
            if (!title) {
                x2k_buf_printf(b, "\n[%s]\n", _(sections[i].title));
                title = true;
            }
            x2k_buf_printf(b, "  %s\n", line);
            free(line);
        }
    }
}

/* Rebuild the pane's text for the current plan at width W. */
static void
rebuild(struct tui_ctx *ctx, int w)
{
    struct x2k_buf b = { 0 };
    char *dump = x2k_plan_dump(ctx->plan);
    char *cmd = x2k_plan_to_command(ctx->plan);
    char *text, **lines;
    size_t n, i, top = pf.pane.top;

    /* The command first: it is what this screen is for. */
    x2k_buf_printf(&b, "%s\n", _("Replay command (runs this migration "
                                "without the wizard):"));
    x2k_buf_puts(&b, cmd);
    x2k_buf_printf(&b, "\n\n%s\n", _("Preflight checks:"));
    x2k_buf_puts(&b, checks_text ? checks_text : _("(running...)"));
    x2k_buf_printf(&b, "\n\n%s\n", _("Choices (Tab to here, then arrows "
                                      "and PgUp/PgDn scroll):"));
    put_sections(&b, dump);
    text = x2k_buf_steal(&b);
    lines = tui_wrap(text, w - 1, &n);
    tui_pane_clear(&pf.pane);
    for (i = 0; i < n; i++)
        tui_pane_add(&pf.pane, lines[i]);
    pf.pane.top = top;
    tui_lines_free(lines, n);
    free(text);
    free(cmd);
    free(dump);
}

static int
preflight_task(void *opaque, void **result, struct x2k_error *err)
{
    struct x2k_plan *plan = opaque;
    char *text = NULL;
    int rc = tui_backend_preflight(plan, &text, err);

    *result = text;
    x2k_plan_free(plan);
    return rc;
}

static void
summary_enter(struct tui_ctx *ctx)
{
    struct x2k_error err = X2K_ERROR_INIT;
    struct x2k_plan *copy;

    free(invalid);
    invalid = NULL;
    if (x2k_plan_validate(ctx->plan, &err) < 0)
        invalid = x2k_strdup_printf(_("The plan is not complete: %1$s"),
                                    err.msg);
    x2k_error_clear(&err);
    tui_boot_widget_sync(ctx);
    if (!path.text[0]) {
        char *p = x2k_strdup_printf("xen2kvm-%s.sh", ctx->plan->vm_name
                                    ? ctx->plan->vm_name : "plan");
        tui_field_set(&path, p);
        free(p);
    }
    free(checks_text);
    checks_text = NULL;
    checks_failed = false;
    pf.pane.top = 0;
    copy = x2k_plan_new();
    x2k_plan_copy(copy, ctx->plan);
    tui_task_start(T_PREFLIGHT, preflight_task, copy);
    rebuild(ctx, pane_w);
    if (invalid)
        tui_set_status(ctx, true, "%s", invalid);
}

static void
summary_draw(struct tui_ctx *ctx, int top, int rows)
{
    int w = COLS - 4, y = top + rows - 2;

    if (w != pane_w) {
        pane_w = w;
        rebuild(ctx, w);
    }
    path.y = b_save.y = b_start.y = y;
    tui_boot_widget.y = y - 1;
    tui_boot_widget.x = 2;
    tui_boot_widget.w = w;
    path.x = 2;
    path.w = w / 2;
    b_save.x = 2 + w / 2 + 1;
    b_save.w = w / 4;
    b_start.x = b_save.x + (int)x2k_mbswidth(_(b_save.label)) + 6;
    b_start.w = COLS - b_start.x - 2;
    tui_nav_place(&b_back, NULL);
    /* Start is dimmed while the plan cannot run; the reason is on the
     * row below it (Enter on it says the same in a dialog). */
    if (invalid || checks_failed)
        tui_widget_disable(&b_start, NULL);
    else
        tui_widget_enable(&b_start);
    tui_paned_draw(&pf, top, 2, rows - 4, w);
    if (b_start.disabled) {
        attron(tui_attr(TUI_C_FAIL));
        tui_put(b_back.y, 2, b_back.x - 4,
                invalid ? _("Start is disabled: the plan is not complete "
                            "(see the status line).")
                : _("Start is disabled: a preflight check FAILed (see "
                    "above)."), false);
        attroff(tui_attr(TUI_C_FAIL));
    }
}

/* Write the command to the file named in the field, mode 0600. */
static void
save(struct tui_ctx *ctx)
{
    char *cmd = x2k_plan_to_command(ctx->plan);
    char *text = x2k_strdup_printf("#!/bin/sh\n%s\n", cmd);
    int fd = open(path.text, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
                  0600);
    size_t len = strlen(text);

    if (fd < 0 || fchmod(fd, 0600) < 0 ||
        write(fd, text, len) != (ssize_t)len) {
        tui_set_status(ctx, true, _("Cannot write %1$s: %2$s"), path.text,
                       strerror(errno));
    } else {
        tui_set_status(ctx, false, _("Saved to %1$s (mode 0600)."),
                       path.text);
    }
    if (fd >= 0)
        close(fd);
    free(text);
    free(cmd);
}

static int
summary_key(struct tui_ctx *ctx, int action, int ch)
{
    int pressed, flags = tui_paned_key(&pf, action);

    if (flags)
        return flags;
    if (pf.pane_focus) {
        /* Enter in the pane starts the conversion. */
        if (action != TUI_ACT_ENTER)
            return 0;
        pressed = B_START;
        flags = TUI_HANDLED;
    } else {
        if ((flags = tui_nav_key(&pf.form, &action)))
            return flags;
        if (action == TUI_ACT_ENTER && pf.form.w[pf.form.focus] == &path) {
            save(ctx);
            return TUI_HANDLED | TUI_REDRAW;
        }
        /* A dimmed Start still answers Enter: with the reason, never by
         * going on. */
        if (action == TUI_ACT_ENTER &&
            pf.form.w[pf.form.focus] == &b_start) {
            pressed = B_START;
            flags = TUI_HANDLED;
        } else {
            flags = tui_form_key(&pf.form, action, ch, &pressed);
        }
        if (tui_boot_widget_apply(ctx)) {
            /* The replay command shows the choice at once. */
            rebuild(ctx, pane_w);
            flags |= TUI_REDRAW;
        }
    }
    if (pressed == B_SAVE) {
        save(ctx);
        return flags | TUI_REDRAW;
    }
    if (pressed == B_START) {
        if (invalid) {
            tui_dialog_message(ctx, _("Cannot start"), invalid);
            return flags | TUI_REDRAW;
        }
        if (checks_failed) {
            tui_dialog_message(ctx, _("Cannot start"),
                               _("A preflight check failed. Fix it (see "
                                 "the remedy) and come back."));
            return flags | TUI_REDRAW;
        }
        return flags | TUI_NEXT;
    }
    return flags;
}

static int
summary_event(struct tui_ctx *ctx, const struct tui_msg *msg)
{
    free(checks_text);
    if (msg->rc < 0) {
        /* Only a failed check closes the Run screen; any other error
         * is shown after the results, and the run meets it again. */
        checks_text = x2k_strdup_printf("%s%s", (char *)msg->result,
                                        msg->err.code == X2K_ERR_PREFLIGHT
                                        ? "" : msg->err.msg ? msg->err.msg
                                        : "?");
        free(msg->result);
        checks_failed = msg->err.code == X2K_ERR_PREFLIGHT;
    } else {
        checks_text = msg->result;
    }
    rebuild(ctx, pane_w);
    return TUI_REDRAW;
}

static bool
summary_typing(struct tui_ctx *ctx)
{
    (void)ctx;
    return tui_paned_typing(&pf);
}

const struct tui_screen screen_summary = {
    .id = "summary",
    .title = N_("Summary"),
    .enter = summary_enter,
    .draw = summary_draw,
    .key = summary_key,
    .event = summary_event,
    .typing = summary_typing,
    .nav = true,
};

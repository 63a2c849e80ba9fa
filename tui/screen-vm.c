/* VM selection screen: the source's guests with their state, filtered
 * by typing; a running guest cannot be chosen until it is shut down,
 * which the screen offers to do (with a timeout).  When the guests
 * cannot be listed, the name can be typed.  UI thread; listing and
 * shutdown run on worker threads via backend.h.
 */
#include <config.h>

#include "tcurses.h"
#include <stdio.h>

#include "backend.h"
#include "base/i18n.h"
#include "tui.h"

enum { T_LIST = 300, T_SHUTDOWN };

static struct tui_widget list = { .kind = TUI_W_LIST, .filterable = true,
                                  .label = N_("Guests (type to filter)") };
static struct tui_widget name = { .kind = TUI_W_FIELD,
                                  .label = N_("Guest name:") };
static struct tui_widget b_back = TUI_NAV_BUTTON(TUI_NAV_BACK);
static struct tui_widget b_next = TUI_NAV_BUTTON(TUI_NAV_NEXT);
static struct tui_widget *widgets[] = { &list, &name, &b_back, &b_next };
static struct tui_form form = { widgets, X2K_N_ELEMENTS(widgets), 0 };
static char *list_error;
static bool busy;
static double shutdown_start;

/* The width of the name column: the longest name, 12 to 32. */
static int name_w = 24;

/* One row of the guest list: name, state, PV/HVM, vCPUs, memory, the
 * number and total size of the disks (columns as in the header). */
static char *
vm_row(const struct tui_vm *v)
{
    char mem[32], size[32], *disks, *row;

    if (!v->info)
        return x2k_strdup_printf("%-*s %-10s", name_w, v->name, v->state);
    x2k_format_bytes(v->memory_kib * 1024, mem, sizeof mem);
    if (v->sized)
        x2k_format_bytes(v->disk_bytes, size, sizeof size);
    disks = x2k_strdup_printf("%zu, %s", v->n_disks,
                              v->sized ? size : "?");
    row = x2k_strdup_printf("%-*s %-10s %-4s %5u %10s  %s", name_w,
                            v->name, v->state, v->pv ? "PV" : "HVM",
                            v->vcpus, mem, disks);
    free(disks);
    return row;
}

static void
fill_rows(struct tui_ctx *ctx)
{
    char **rows = x2k_xcalloc(ctx->n_vms + 1, sizeof *rows);
    char **keys = x2k_xcalloc(ctx->n_vms + 1, sizeof *keys);
    size_t i;

    name_w = 12;
    for (i = 0; i < ctx->n_vms; i++) {
        int l = (int)x2k_mbswidth(ctx->vms[i].name);

        if (l > name_w)
            name_w = l > 32 ? 32 : l;
    }
    for (i = 0; i < ctx->n_vms; i++) {
        keys[i] = x2k_xstrdup(ctx->vms[i].name);
        rows[i] = vm_row(&ctx->vms[i]);
        if (x2k_str_equal(ctx->vms[i].name, ctx->plan->vm_name))
            list.sel = i;
    }
    {
        size_t sel = list.sel;

        tui_list_set_rows(&list, rows, ctx->n_vms);
        tui_list_set_keys(&list, keys);
        list.sel = sel < ctx->n_vms ? sel : 0;
    }
}

static int
list_task(void *opaque, void **result, struct x2k_error *err)
{
    char *uri = opaque;
    struct tui_vm *vms = NULL;
    size_t n = 0;
    int rc = tui_backend_list_vms(uri, &vms, &n, err);

    if (rc == 0) {
        void **box = x2k_xcalloc(2, sizeof *box);

        box[0] = vms;
        box[1] = (void *)(uintptr_t)n;
        *result = box;
    }
    free(uri);
    return rc;
}

static void
vm_enter(struct tui_ctx *ctx)
{
    if (ctx->plan->vm_name && !name.text[0])
        tui_field_set(&name, ctx->plan->vm_name);
    if (ctx->vms_loaded) {
        fill_rows(ctx);
    } else if (!busy) {
        char *uri = tui_source_uri(ctx);

        if (uri) {
            busy = true;
            tui_backend_set_ssh_plan(ctx->plan);
            tui_task_start(T_LIST, list_task, uri);
        }
    }
}

/* The chosen guest: the list's selection, else the typed name. */
static const char *
chosen(struct tui_ctx *ctx, const struct tui_vm **vm)
{
    long i = ctx->vms_loaded ? tui_list_selected(&list) : -1;

    *vm = NULL;
    /* The list's guest unless the name field has the focus (the list
     * or the Next button: the one selected). */
    if (form.focus != 1 && i >= 0 && (size_t)i < ctx->n_vms) {
        *vm = &ctx->vms[i];
        return ctx->vms[i].name;
    }
    return name.text[0] ? name.text : NULL;
}

static void
vm_leave(struct tui_ctx *ctx, bool forward)
{
    const struct tui_vm *vm;
    const char *n = chosen(ctx, &vm);

    (void)forward;
    if (n) {
        x2k_str_replace(&ctx->plan->vm_name, n);
        tui_field_set(&name, n);
    }
}

/* S padded with spaces to COLS display columns (or, with RIGHT,
 * right-aligned in them) onto B. */
static void
pad(struct x2k_buf *b, const char *s, int cols, bool right)
{
    int n = cols - (int)x2k_mbswidth(s);

    if (!right)
        x2k_buf_puts(b, s);
    for (; n > 0; n--)
        x2k_buf_puts(b, " ");
    if (right)
        x2k_buf_puts(b, s);
}

/* The column titles for the rows of vm_row. */
static char *
vm_header(void)
{
    struct x2k_buf b = { 0 };

    pad(&b, _("Name"), name_w, false);
    x2k_buf_puts(&b, " ");
    pad(&b, _("State"), 10, false);
    x2k_buf_puts(&b, " ");
    pad(&b, _("Type"), 4, false);
    x2k_buf_puts(&b, " ");
    /* TRANSLATORS: column titles of the guest list; keep them short. */
    pad(&b, _("vCPUs"), 5, true);
    x2k_buf_puts(&b, " ");
    pad(&b, _("Memory"), 10, true);
    x2k_buf_puts(&b, "  ");
    x2k_buf_puts(&b, _("Disks, size"));
    return x2k_buf_steal(&b);
}

static void
vm_draw(struct tui_ctx *ctx, int top, int rows)
{
    static char *header;
    int w = COLS - 4, y = top;

    free(header);
    header = ctx->vms_loaded ? vm_header() : NULL;
    list.header = header;

    list.y = y;
    list.x = 2;
    list.w = w;
    list.h = rows - 6;
    if (!ctx->vms_loaded) {
        attron(A_BOLD);
        tui_put(y, 2, w, _(list.label), false);
        attroff(A_BOLD);
        tui_put_wrapped(y + 1, 4, w - 2, list.h - 1,
                        busy ? _("Listing the guests...")
                        : list_error ? list_error
                        : _("No guest list yet."));
        list.h = 0;
    }
    y += rows - 5;
    name.y = y;
    name.x = 2;
    name.w = 60;
    tui_put_wrapped(y + 1, 2, w, 2,
                    _("Enter chooses the selected guest. A running guest "
                      "must be shut down first; the wizard offers to do "
                      "it."));
    if (busy && shutdown_start > 0) {
        char *s = x2k_strdup_printf(
            _("Shutting down: %1$d s of %2$d s..."),
            (int)(x2k_now() - shutdown_start),
            ctx->plan->shutdown_timeout);
        double frac = (x2k_now() - shutdown_start) /
            (ctx->plan->shutdown_timeout > 0
             ? ctx->plan->shutdown_timeout : 1);

        tui_draw_bar(y + 3, 2, w, frac, s);
        free(s);
        ctx->tick = true;       /* keep the indicator moving */
    }
    tui_nav_place(&b_back, &b_next);
    /* Without a list, the name field (or Back / Next) has the focus. */
    if (!ctx->vms_loaded && form.focus == 0)
        form.focus = 1;
    tui_form_draw(&form);
}

struct shutdown_arg {
    char *uri;
    char *name;
    int timeout;
    bool force_off;
};

static int
shutdown_task(void *opaque, void **result, struct x2k_error *err)
{
    struct shutdown_arg *a = opaque;
    int rc = tui_backend_shutdown(a->uri, a->name, a->timeout,
                                  a->force_off, NULL, err);

    *result = rc == 0 ? x2k_steal(&a->name) : NULL;
    free(a->uri);
    free(a->name);
    free(a);
    return rc;
}

static void
shutdown_answer(struct tui_ctx *ctx, bool yes)
{
    const struct tui_vm *vm;
    struct shutdown_arg *a;

    if (!yes || !chosen(ctx, &vm) || !vm)
        return;
    a = x2k_xcalloc(1, sizeof *a);
    a->uri = tui_source_uri(ctx);
    a->name = x2k_xstrdup(vm->name);
    a->timeout = ctx->plan->shutdown_timeout;
    a->force_off = ctx->plan->force_off;
    busy = true;
    shutdown_start = x2k_now();
    ctx->plan->shutdown_source = true;
    tui_backend_set_ssh_plan(ctx->plan);
    tui_task_start(T_SHUTDOWN, shutdown_task, a);
}

static int
vm_key(struct tui_ctx *ctx, int action, int ch)
{
    int pressed, flags;

    if ((flags = tui_nav_key(&form, &action)))
        return flags;
    if (action == TUI_ACT_ENTER) {
        const struct tui_vm *vm;
        const char *n = chosen(ctx, &vm);

        if (!n) {
            tui_set_status(ctx, true, "%s", _("Choose a guest."));
            return TUI_HANDLED | TUI_REDRAW;
        }
        if (vm && strcmp(vm->name, "Domain-0") == 0) {
            tui_set_status(ctx, true, "%s",
                           _("Domain-0 is the Xen host itself; choose a "
                             "guest."));
            return TUI_HANDLED | TUI_REDRAW;
        }
        if (vm && vm->running) {
            char *q = x2k_strdup_printf(
                _("%1$s is running. Its disks change while they are "
                  "copied, so it must be shut off. Shut it down now "
                  "(waiting up to %2$d seconds)?"),
                vm->name, ctx->plan->shutdown_timeout);

            tui_dialog_confirm(ctx, _("The guest is running"), q,
                               shutdown_answer);
            free(q);
            return TUI_HANDLED | TUI_REDRAW;
        }
        return TUI_HANDLED | TUI_NEXT;
    }
    if (!ctx->vms_loaded && (action == TUI_ACT_NEXT_FIELD ||
                             action == TUI_ACT_PREV_FIELD)) {
        /* No list to focus: between the name, Back and Next. */
        flags = tui_form_key(&form, action, ch, &pressed);
        if (form.focus == 0)
            flags = tui_form_key(&form, action, ch, &pressed);
        return flags;
    }
    return tui_form_key(&form, action, ch, &pressed);
}

static int
vm_event(struct tui_ctx *ctx, const struct tui_msg *msg)
{
    busy = false;
    shutdown_start = 0;
    if (msg->task == T_LIST) {
        if (msg->rc < 0) {
            free(list_error);
            list_error = x2k_strdup_printf(
                _("The guests cannot be listed: %1$s Type the guest's "
                  "name below."), msg->err.msg ? msg->err.msg : "");
            return TUI_REDRAW;
        }
        {
            void **box = msg->result;

            tui_vms_free(ctx->vms, ctx->n_vms);
            ctx->vms = box[0];
            ctx->n_vms = (size_t)(uintptr_t)box[1];
            ctx->vms_loaded = true;
            free(box);
        }
        form.focus = 0;
        fill_rows(ctx);
        return TUI_REDRAW;
    }
    /* T_SHUTDOWN */
    if (msg->rc < 0) {
        tui_dialog_message(ctx, _("Shutdown failed"),
                           msg->err.msg ? msg->err.msg : "?");
        return TUI_REDRAW;
    }
    /* Update the row rather than list again: a test:// source (the
     * demo) forgets the shutdown with its connection. */
    if (msg->result) {
        size_t i;

        for (i = 0; i < ctx->n_vms; i++) {
            if (strcmp(ctx->vms[i].name, msg->result) == 0) {
                ctx->vms[i].running = false;
                ctx->vms[i].id = -1;
                x2k_str_replace(&ctx->vms[i].state, "shut off");
            }
        }
        free(msg->result);
        fill_rows(ctx);
    }
    tui_set_status(ctx, false, "%s", _("The guest is shut off."));
    return TUI_REDRAW;
}

static bool
vm_typing(struct tui_ctx *ctx)
{
    (void)ctx;
    return tui_form_typing(&form);
}

static const char *
vm_hint(struct tui_ctx *ctx)
{
    (void)ctx;
    return _("^U clear filter");
}

const struct tui_screen screen_vm = {
    .id = "vm",
    .title = N_("Choose the guest"),
    .enter = vm_enter,
    .draw = vm_draw,
    .key = vm_key,
    .leave = vm_leave,
    .event = vm_event,
    .typing = vm_typing,
    .nav = true,
    .hint = vm_hint,
};

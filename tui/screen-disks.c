/* Disks screen: the guest's disks as a table (target dev, file/block,
 * source, format, size); a <disk type='block'> needs block-device
 * mode, which is switched on automatically with the reason; local free
 * space against what the copy needs.  UI thread; the
 * inventory runs on a worker thread via backend.h.
 */
#include <config.h>

#include "tcurses.h"
#include <stdio.h>
#include <sys/statvfs.h>

#include "backend.h"
#include "base/i18n.h"
#include "plan/rundir.h"
#include "tui.h"

enum { T_DISKS = 400 };

static struct tui_widget block = {
    .kind = TUI_W_CHECK,
    .label = N_("Block-device mode (--block-device)") };
static struct tui_widget b_back = TUI_NAV_BUTTON(TUI_NAV_BACK);
static struct tui_widget b_next = TUI_NAV_BUTTON(TUI_NAV_NEXT);
static struct tui_widget *widgets[] = { &block, &b_back, &b_next };
static struct tui_form form = { widgets, X2K_N_ELEMENTS(widgets), 0 };
static struct tui_disk *disks;
static size_t n_disks;
static char *disks_vm;          /* the guest DISKS belong to */
static char *error;
static bool busy, auto_block;

static int
disks_task(void *opaque, void **result, struct x2k_error *err)
{
    struct x2k_plan *plan = opaque;
    struct tui_disk *d = NULL;
    size_t n = 0;
    bool blk = false;
    int rc = tui_backend_disks(plan, &d, &n, &blk, err);

    if (rc == 0) {
        void **box = x2k_xcalloc(3, sizeof *box);

        box[0] = d;
        box[1] = (void *)(uintptr_t)n;
        box[2] = (void *)(uintptr_t)blk;
        *result = box;
    }
    x2k_plan_free(plan);
    return rc;
}

static void
disks_enter(struct tui_ctx *ctx)
{
    struct x2k_plan *copy;

    block.on = ctx->plan->block_device;
    if (busy || !ctx->plan->vm_name ||
        (disks_vm && strcmp(disks_vm, ctx->plan->vm_name) == 0 && !error))
        return;
    x2k_str_replace(&disks_vm, ctx->plan->vm_name);
    tui_disks_free(disks, n_disks);
    disks = NULL;
    n_disks = 0;
    free(error);
    error = NULL;
    copy = x2k_plan_new();
    x2k_plan_copy(copy, ctx->plan);
    busy = true;
    tui_task_start(T_DISKS, disks_task, copy);
}

static void
disks_leave(struct tui_ctx *ctx, bool forward)
{
    (void)forward;
    ctx->plan->block_device = block.on;
}

/* Free bytes where local copies go (the output or state directory, or
 * the nearest of its parents that exists). */
static uint64_t
local_free(const struct x2k_plan *plan)
{
    struct statvfs st;
    char *dir = plan->output_dir ? x2k_xstrdup(plan->output_dir)
        : x2k_rundir_state_dir(plan);
    uint64_t avail = 0;

    for (;;) {
        char *slash;

        if (statvfs(dir, &st) == 0) {
            avail = (uint64_t)st.f_bavail * st.f_frsize;
            break;
        }
        slash = strrchr(dir, '/');
        if (!slash || slash == dir)
            break;
        *slash = '\0';
    }
    free(dir);
    return avail;
}

static void
disks_draw(struct tui_ctx *ctx, int top, int rows)
{
    int w = COLS - 4, y = top, i;
    uint64_t need = 0, avail;
    char a[32], b[32], *s;

    s = x2k_strdup_printf(_("Disks of %1$s:"), ctx->plan->vm_name
                          ? ctx->plan->vm_name : "?");
    attron(A_BOLD);
    tui_put(y++, 2, w, s, false);
    attroff(A_BOLD);
    free(s);
    /* TRANSLATORS: table header; keep the columns aligned with the
     * rows below: 6, 6, then source, format and size. */
    /* Columns by display width, so CJK headers line up too. */
    attron(A_UNDERLINE);
    mvhline(y, 2, ' ', w);
    tui_put(y, 2, 6, _("Dev"), false);
    tui_put(y, 9, 6, _("Type"), false);
    tui_put(y, 16, 8, _("Format"), false);
    tui_put_right(y, 25, 10, _("Size"));
    tui_put(y, 37, w - 35, _("Source"), false);
    attroff(A_UNDERLINE);
    y++;
    if (busy) {
        tui_put(y++, 2, w, _("Reading the guest's disks..."), false);
    } else if (error) {
        attron(tui_attr(TUI_C_FAIL));
        y += tui_put_wrapped(y, 2, w, 3, error);
        attroff(tui_attr(TUI_C_FAIL));
    }
    for (i = 0; i < (int)n_disks && y < top + rows - 7; i++) {
        const char *src = disks[i].source ? disks[i].source : "";
        int sw = (int)x2k_mbswidth(src), room = w - 35;

        s = x2k_strdup_printf("%-6s %-6s %-8s %10s", disks[i].dev,
                              disks[i].block ? "block" : "file",
                              disks[i].format ? disks[i].format : "raw",
                              x2k_format_bytes(disks[i].size, a, sizeof a));
        tui_put(y, 2, w, s, false);
        free(s);
        /* A long path keeps its end, where the file name is. */
        if (sw > room) {
            while (sw > room - 3 && *src) {
                src++;
                while (((unsigned char)*src & 0xc0) == 0x80)
                    src++;
                sw = (int)x2k_mbswidth(src);
            }
            s = x2k_strdup_printf("...%s", src);
        } else {
            s = x2k_xstrdup(src);
        }
        tui_put(y++, 37, room, s, false);
        free(s);
        need += disks[i].size;
    }
    y = top + rows - 6;
    block.y = y;
    block.x = 2;
    block.w = w;
    tui_nav_place(&b_back, &b_next);
    tui_form_draw(&form);
    if (auto_block) {
        tui_put_wrapped(y + 1, 6, w - 4, 2,
                        _("Switched on: a disk is a host block device "
                          "(<disk type='block'>). Its data is copied to "
                          "this host."));
    }
    avail = local_free(ctx->plan);
    if (n_disks) {
        s = x2k_strdup_printf(_("Local free space: %1$s; the disks need "
                                "up to %2$s."),
                              x2k_format_bytes(avail, a, sizeof a),
                              x2k_format_bytes(need, b, sizeof b));
        if (avail < need)
            attron(tui_attr(TUI_C_WARN));
        tui_put_wrapped(y + 3, 2, w, 2, s);
        if (avail < need)
            attroff(tui_attr(TUI_C_WARN));
        free(s);
    }
}

static int
disks_key(struct tui_ctx *ctx, int action, int ch)
{
    int pressed, flags;

    if ((flags = tui_nav_key(&form, &action)))
        return flags;
    if (action == TUI_ACT_ENTER)
        return TUI_HANDLED | TUI_NEXT;
    if (action == TUI_ACT_TOGGLE && form.w[form.focus] == &block)
        auto_block = false;
    (void)ctx;
    return tui_form_key(&form, action, ch, &pressed);
}

static int
disks_event(struct tui_ctx *ctx, const struct tui_msg *msg)
{
    size_t i;

    busy = false;
    if (msg->rc < 0) {
        x2k_str_replace(&error, msg->err.msg);
        return TUI_REDRAW;
    }
    {
        void **box = msg->result;

        tui_disks_free(disks, n_disks);
        disks = box[0];
        n_disks = (size_t)(uintptr_t)box[1];
        if (box[2] && !block.on) {
            block.on = true;
            ctx->plan->block_device = true;
            auto_block = true;
        }
        free(box);
    }
    for (i = 0; i < n_disks; i++) {
        if (disks[i].block && !block.on) {
            block.on = true;
            ctx->plan->block_device = true;
            auto_block = true;
        }
    }
    return TUI_REDRAW;
}

const struct tui_screen screen_disks = {
    .id = "disks",
    .title = N_("Disks"),
    .enter = disks_enter,
    .draw = disks_draw,
    .key = disks_key,
    .leave = disks_leave,
    .event = disks_event,
    .nav = true,
};

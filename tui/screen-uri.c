/* URI test screen: before converting, the libvirt URI must list the
 * guests and dump a guest's XML, or the conversion fails too.  The
 * URI, editable; "list --all" shown in virsh's table format; a guest's
 * dumpxml in a scrollable pane.  A failure says why and that the
 * conversion would fail too.  UI thread; listing runs on a worker
 * thread via backend.h.
 */
#include <config.h>

#include "tcurses.h"

#include "backend.h"
#include "base/i18n.h"
#include "plan/uri.h"
#include "tui.h"

enum { B_LIST, B_XML };
enum { T_LIST = 200, T_XML };

static struct tui_widget uri = { .kind = TUI_W_FIELD,
                                 .label = N_("URI:") };
static struct tui_widget b_list = { .kind = TUI_W_BUTTON, .id = B_LIST,
                                    .label = N_("Test (list --all)") };
static struct tui_widget b_xml = { .kind = TUI_W_BUTTON, .id = B_XML,
                                   .label = N_("Show dumpxml") };
static struct tui_widget b_back = TUI_NAV_BUTTON(TUI_NAV_BACK);
static struct tui_widget b_next = TUI_NAV_BUTTON(TUI_NAV_NEXT);
static struct tui_widget *widgets[] = {
    &uri, &b_list, &b_xml, &b_back, &b_next,
};
static struct tui_paned pf = {
    .form = { widgets, X2K_N_ELEMENTS(widgets), 0 },
    .pane_h = 10,
};
static bool loaded;
static size_t xml_vm;           /* the guest whose XML is shown next */
static char *listed_uri;        /* the URI ctx->vms came from */

static void
uri_enter(struct tui_ctx *ctx)
{
    char *s = tui_source_uri(ctx);

    if (!loaded || ctx->demo) {
        tui_field_set(&uri, s ? s : "");
        loaded = true;
    } else if (s && !uri.text[0]) {
        tui_field_set(&uri, s);
    }
    free(s);
    if (ctx->demo) {
        tui_widget_disable(&uri, NULL);
        if (pf.form.focus == 0)
            pf.form.focus = 1;
    }
    if (!pf.pane.n)
        tui_pane_set_text(&pf.pane, _("Press \"Test\" to run 'list --all' "
                                   "on this URI.\n\nA Xen host without "
                                   "libvirtd (the xl or xm toolstack): give\n"
                                   "ssh://USER@HOST, and its guests are read "
                                   "over SSH (xl mode)."));
}

/* The SSH host and port a plan logs in to with URI TEXT (NULL: none). */
static char *
ssh_target(const struct x2k_plan *p, const char *text)
{
    struct x2k_uri *u = text ? x2k_uri_parse(text, NULL) : NULL;
    const char *h = p->ssh_host ? p->ssh_host : u ? u->host : NULL;
    int port = p->ssh_port > 0 ? p->ssh_port : u && u->port ? u->port : 22;
    char *s = h ? x2k_strdup_printf("%s:%d", h, port) : NULL;

    x2k_uri_free(u);
    return s;
}

static void
uri_leave(struct tui_ctx *ctx, bool forward)
{
    struct x2k_plan *p = ctx->plan;

    (void)forward;
    if (!ctx->demo && !x2k_str_equal(p->uri, uri.text[0] ? uri.text
                                                          : NULL)) {
        char *before = ssh_target(p, p->uri);
        char *after = ssh_target(p, uri.text[0] ? uri.text : NULL);

        /* Another host: the host key accepted for the old one is not
         * its key (the replay command must not carry it), and the SSH
         * screen shows the new URI's user, host and port. */
        if (!x2k_str_equal(before, after)) {
            free(p->accept_host_key);
            p->accept_host_key = NULL;
            ctx->ssh_reload = true;
        }
        free(before);
        free(after);
    }
    if (!ctx->demo) {
        x2k_str_replace(&ctx->plan->uri, uri.text[0] ? uri.text : NULL);
        /* ssh://USER@HOST: a Xen host without libvirtd, read with its
         * own toolstack (xl mode). */
        ctx->plan->mode = x2k_str_has_prefix(uri.text, "ssh://")
                              ? X2K_MODE_XL : X2K_MODE_XEN;
    }
    /* Another URI: the guests listed before are not its guests. */
    if (ctx->vms_loaded && !x2k_str_equal(listed_uri, uri.text))
        ctx->vms_loaded = false;
}

static void
uri_draw(struct tui_ctx *ctx, int top, int rows)
{
    int w = COLS - 4, y = top;

    y += tui_put_wrapped(y, 2, w, 2,
                         _("Check that libvirt reaches the Xen host. If "
                           "this test fails, the conversion will fail "
                           "too.")) + 1;
    uri.y = y;
    uri.x = 2;
    uri.w = w;
    y += 2;
    b_list.y = b_xml.y = y;
    b_list.x = 2;
    b_list.w = b_xml.w = w / 2;
    b_xml.x = 2 + (int)x2k_mbswidth(_(b_list.label)) + 6;
    y += 2;
    attron(A_BOLD);
    tui_draw_hline(y - 1, 2, w);
    attroff(A_BOLD);
    tui_nav_place(&b_back, &b_next);
    tui_paned_draw(&pf, y, 2, top + rows - y, w);
    (void)ctx;
}

struct list_arg {
    char *uri;
    char *name;
};

static int
list_task(void *opaque, void **result, struct x2k_error *err)
{
    struct list_arg *a = opaque;
    struct tui_vm *vms = NULL;
    size_t n = 0;
    int rc = tui_backend_list_vms(a->uri, &vms, &n, err);

    if (rc == 0) {
        /* Hand both over: a small box of (vms, n). */
        void **box = x2k_xcalloc(2, sizeof *box);

        box[0] = vms;
        box[1] = (void *)(uintptr_t)n;
        *result = box;
    }
    free(a->uri);
    free(a);
    return rc;
}

static int
xml_task(void *opaque, void **result, struct x2k_error *err)
{
    struct list_arg *a = opaque;

    *result = tui_backend_dumpxml(a->uri, a->name, err);
    free(a->uri);
    free(a->name);
    free(a);
    return *result ? 0 : -1;
}

/* Start the list task (also used by the VM screen). */
static void
start_list(struct tui_ctx *ctx)
{
    struct list_arg *a = x2k_xcalloc(1, sizeof *a);

    a->uri = x2k_xstrdup(uri.text);
    tui_backend_set_ssh_plan(ctx->plan);
    tui_task_start(T_LIST, list_task, a);
    tui_pane_set_text(&pf.pane, _("Connecting..."));
    tui_set_status(ctx, false, "%s", _("Testing the URI..."));
}

static int
uri_key(struct tui_ctx *ctx, int action, int ch)
{
    int pressed, flags = tui_paned_key(&pf, action);

    /* Enter in the pane is the wizard's: it goes on. */
    if (flags || pf.pane_focus)
        return flags;
    if ((flags = tui_nav_key(&pf.form, &action)))
        return flags;
    if (action == TUI_ACT_ENTER &&
        (widgets[pf.form.focus]->kind != TUI_W_BUTTON ||
         tui_nav_next_focused(&pf.form))) {
        if (!uri.text[0]) {
            tui_set_status(ctx, true, "%s", _("Give a libvirt URI."));
            return TUI_HANDLED | TUI_REDRAW;
        }
        return TUI_HANDLED | TUI_NEXT;
    }
    flags = tui_form_key(&pf.form, action, ch, &pressed);
    if (pressed == B_LIST) {
        if (!ctx->demo)
            x2k_str_replace(&ctx->plan->uri, uri.text);
        start_list(ctx);
    } else if (pressed == B_XML) {
        struct list_arg *a;

        if (!ctx->vms_loaded || ctx->n_vms == 0) {
            tui_set_status(ctx, true, "%s",
                           _("Run the test first: there is no guest to "
                             "show."));
            return flags | TUI_REDRAW;
        }
        /* Cycle through the guests (not Domain-0), one per press. */
        xml_vm %= ctx->n_vms;
        if (strcmp(ctx->vms[xml_vm].name, "Domain-0") == 0 &&
            ctx->n_vms > 1)
            xml_vm = (xml_vm + 1) % ctx->n_vms;
        a = x2k_xcalloc(1, sizeof *a);
        a->uri = x2k_xstrdup(uri.text);
        a->name = x2k_xstrdup(ctx->vms[xml_vm].name);
        tui_set_status(ctx, false, _("dumpxml %1$s..."), a->name);
        xml_vm++;
        tui_backend_set_ssh_plan(ctx->plan);
        tui_task_start(T_XML, xml_task, a);
    }
    return flags;
}

static int
uri_event(struct tui_ctx *ctx, const struct tui_msg *msg)
{
    if (msg->rc < 0) {
        const char *d = msg->err.detail ? msg->err.detail : "";
        bool no_libvirtd =
            x2k_str_has_prefix(uri.text, "xen+ssh://") &&
            (strstr(d, "libvirt-sock") || strstr(d, "Failed to connect socket") ||
             strstr(d, "virsh: command not found") ||
             strstr(d, "nc: command not found") ||
             (msg->err.msg && strstr(msg->err.msg, "libvirt-sock")));
        char *s = x2k_strdup_printf(
            no_libvirtd
                /* TRANSLATORS: the pane does not wrap: keep each line
                 * under 76 columns. */
                ? _("The test failed: %1$s\n\nNo libvirtd answers on that "
                    "host.  If it is a Xen host with\nthe xl or xm toolstack "
                    "and no libvirt, give ssh://USER@HOST\ninstead: xl mode "
                    "reads its guests over SSH.")
                : _("The test failed: %1$s\n\nIf this test fails, the "
                    "conversion will fail too. Check the SSH login "
                    "(previous screen) and the URI; the log has the "
                    "details."),
            msg->err.msg ? msg->err.msg : "?");

        tui_pane_set_text(&pf.pane, s);
        free(s);
        tui_set_status(ctx, true, "%s", msg->err.msg ? msg->err.msg : "?");
        return TUI_REDRAW;
    }
    if (msg->task == T_LIST) {
        void **box = msg->result;
        char *table;

        tui_vms_free(ctx->vms, ctx->n_vms);
        ctx->vms = box[0];
        ctx->n_vms = (size_t)(uintptr_t)box[1];
        ctx->vms_loaded = true;
        x2k_str_replace(&listed_uri, uri.text);
        free(box);
        table = tui_backend_vm_table(ctx->vms, ctx->n_vms);
        tui_pane_set_text(&pf.pane, table);
        free(table);
        tui_set_status(ctx, false, _("The URI works: %1$zu guests. Enter "
                                     "goes on."), ctx->n_vms);
        /* Enter now continues; the table scrolls with the arrows. */
        pf.pane_focus = true;
    } else {
        tui_pane_set_text(&pf.pane, msg->result);
        free(msg->result);
        pf.pane_focus = true;
        tui_set_status(ctx, false, "%s",
                       _("Arrows and PgUp/PgDn scroll the XML."));
    }
    return TUI_REDRAW;
}

static bool
uri_typing(struct tui_ctx *ctx)
{
    (void)ctx;
    return tui_paned_typing(&pf);
}

const struct tui_screen screen_uri = {
    .id = "uri",
    .title = N_("libvirt URI test"),
    .enter = uri_enter,
    .draw = uri_draw,
    .key = uri_key,
    .leave = uri_leave,
    .event = uri_event,
    .typing = uri_typing,
    .nav = true,
};

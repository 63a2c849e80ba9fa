/* Target screen: output (libvirt or a local directory), target URI,
 * storage pool (with free space when the target engine lists them),
 * bridge or network for the NICs, format, allocation, new name, engine
 * (virt-v2v greyed with the reason when missing), verify.  UI thread;
 * pool and network lists come from worker threads via backend.h.
 */
#include <config.h>

#include "tcurses.h"
#include <stdio.h>

#include "backend.h"
#include "base/i18n.h"
#include "tui.h"

enum { T_POOLS = 500, T_NETS, T_NICS };

/* Per-NIC mappings: one field per distinct source bridge/network when
 * the guest's NICs are on several. */
#define MAX_NIC_FIELDS 3

static const char *const outputs[] = { N_("libvirt"), N_("local directory") };
static const char *const formats[] = { "raw", "qcow2" };
static const char *const allocs[] = { N_("sparse"), N_("preallocated") };
static const char *const netkinds[] = { N_("bridge"), N_("network") };
static const char *const engines[] = { N_("builtin"), "virt-v2v" };

static struct tui_widget output = { .kind = TUI_W_CHOICE,
                                    .label = N_("Output:"),
                                    .options = outputs, .n_options = 2 };
static struct tui_widget turi = { .kind = TUI_W_FIELD,
                                  .label = N_("Target URI:") };
static struct tui_widget pool = { .kind = TUI_W_FIELD,
                                  .label = N_("Pool or directory:") };
static struct tui_widget netkind = { .kind = TUI_W_CHOICE,
                                     .label = N_("NICs connect to:"),
                                     .options = netkinds, .n_options = 2 };
static struct tui_widget net = { .kind = TUI_W_FIELD,
                                 .label = N_("Bridge/network name:") };
static struct tui_widget format = { .kind = TUI_W_CHOICE,
                                    .label = N_("Disk format:"),
                                    .options = formats, .n_options = 2 };
static struct tui_widget alloc = { .kind = TUI_W_CHOICE,
                                   .label = N_("Allocation:"),
                                   .options = allocs, .n_options = 2 };
static struct tui_widget newname = { .kind = TUI_W_FIELD,
                                     .label = N_("New name:") };
static struct tui_widget engine = { .kind = TUI_W_CHOICE,
                                    .label = N_("Engine:"),
                                    .options = engines, .n_options = 2 };
static struct tui_widget verify = { .kind = TUI_W_CHECK,
                                    .label = N_("Verify the copies "
                                                "(checksums)") };
static struct tui_widget fixes = { .kind = TUI_W_CHECK,
                                   .label = N_("Fix the guest OS") };
static struct tui_widget start = { .kind = TUI_W_CHECK,
                                   .label = N_("Start after define") };
static struct tui_widget uuid = { .kind = TUI_W_CHECK,
                                  .label = N_("New UUID") };
static const char *const parallels[] = { "1", "2", "3", "4" };
static struct tui_widget par = { .kind = TUI_W_CHOICE,
                                 .label = N_("Parallel copies:"),
                                 .options = parallels, .n_options = 4 };
static struct tui_widget nicf[MAX_NIC_FIELDS];
static char *nic_src[MAX_NIC_FIELDS];  /* whole keys, never truncated */
static char *nic_label[MAX_NIC_FIELDS];
static size_t n_nicf;
static char *nics_vm;           /* the guest NIC_SRC belong to */
static struct tui_widget *base[] = {
    &output, &turi, &pool, &netkind, &net, &format, &alloc, &newname,
    &engine, &verify, &par, &fixes, &start, &uuid,
};

/* Widgets drawn on the row of the one before them (after it). */
static bool
inline_widget(const struct tui_widget *w)
{
    return w == &par || w == &start || w == &uuid;
}

/* The columns a check box or choice takes as drawn. */
static int
widget_cols(const struct tui_widget *w)
{
    int n = (int)x2k_mbswidth(_(w->label)) + 4;

    if (w->kind == TUI_W_CHOICE && w->n_options)
        n += (int)x2k_mbswidth(_(w->options[w->sel])) + 1;
    return n;
}
static struct tui_widget b_back = TUI_NAV_BUTTON(TUI_NAV_BACK);
static struct tui_widget b_next = TUI_NAV_BUTTON(TUI_NAV_NEXT);
static struct tui_widget *widgets[X2K_N_ELEMENTS(base) + MAX_NIC_FIELDS +
                                  2];
static struct tui_form form = { widgets, X2K_N_ELEMENTS(base), 0 };

/* The form's widgets: the base ones with the per-NIC fields after the
 * network name. */
static void
build_form(void)
{
    size_t i, n = 0, k;

    for (i = 0; i < X2K_N_ELEMENTS(base); i++) {
        widgets[n++] = base[i];
        if (base[i] == &net) {
            for (k = 0; k < n_nicf; k++)
                widgets[n++] = &nicf[k];
        }
    }
    widgets[n++] = &b_back;
    widgets[n++] = &b_next;
    form.n = n;
    if (form.focus >= n)
        form.focus = 0;
}
static bool loaded;
static char *pools_info;        /* "default (12 GiB free), ..." */
static char *nets_info;

static void
load(struct tui_ctx *ctx)
{
    const struct x2k_plan *p = ctx->plan;

    output.sel = p->output == X2K_OUTPUT_LOCAL;
    tui_field_set(&turi, p->target_uri ? p->target_uri
                  : X2K_DEFAULT_TARGET_URI);
    tui_field_set(&pool, p->output == X2K_OUTPUT_LOCAL
                  ? p->output_dir : p->pool);
    {
        size_t i;

        for (i = 0; i < p->n_nets; i++) {
            netkind.sel = p->nets[i].kind == X2K_NET_NETWORK;
            if (!p->nets[i].in)
                tui_field_set(&net, p->nets[i].out);
        }
    }
    format.sel = p->format == X2K_FORMAT_QCOW2;
    alloc.sel = p->allocation == X2K_ALLOC_PREALLOCATED;
    tui_field_set(&newname, p->new_name);
    engine.sel = p->engine == X2K_ENGINE_VIRT_V2V;
    verify.on = p->verify;
    par.sel = p->parallel >= 1 && (size_t)p->parallel <= par.n_options
        ? (size_t)p->parallel - 1 : 0;
    fixes.on = !p->no_guest_fixes;
    start.on = p->start;
    uuid.on = p->new_uuid;
}

static int
pools_task(void *opaque, void **result, struct x2k_error *err)
{
    char *uri = opaque;
    struct tui_pool *pools = NULL;
    struct x2k_buf b = { 0 };
    size_t n = 0, i;
    int rc = tui_backend_pools(uri, &pools, &n, err);

    for (i = 0; rc == 0 && i < n; i++) {
        char sz[32];

        x2k_buf_printf(&b, "%s%s (%s)", i ? ", " : "", pools[i].name,
                       x2k_format_bytes(pools[i].avail, sz, sizeof sz));
    }
    tui_pools_free(pools, n);
    *result = rc == 0 ? x2k_buf_steal(&b) : NULL;
    x2k_buf_clear(&b);
    free(uri);
    return rc;
}

static int
nets_task(void *opaque, void **result, struct x2k_error *err)
{
    char *uri = opaque;
    char **names = NULL;
    struct x2k_buf b = { 0 };
    size_t n = 0, i;
    int rc = tui_backend_networks(uri, &names, &n, err);

    for (i = 0; rc == 0 && i < n; i++) {
        x2k_buf_printf(&b, "%s%s", i ? ", " : "", names[i]);
        free(names[i]);
    }
    free(names);
    *result = rc == 0 ? x2k_buf_steal(&b) : NULL;
    x2k_buf_clear(&b);
    free(uri);
    return rc;
}

static int
nics_task(void *opaque, void **result, struct x2k_error *err)
{
    struct x2k_plan *plan = opaque;
    char **srcs = NULL;
    size_t n = 0;
    int rc = tui_backend_nic_sources(plan, &srcs, &n, err);

    *result = srcs;
    x2k_plan_free(plan);
    return rc;
}

static void
target_enter(struct tui_ctx *ctx)
{
    if (!loaded) {
        load(ctx);
        loaded = true;
    }
    if (!tui_backend_have_virt_v2v()) {
        engine.sel = 0;
        tui_widget_disable(&engine, _("(virt-v2v is not installed)"));
    }
    if (ctx->plan->vm_name && !x2k_str_equal(nics_vm, ctx->plan->vm_name)) {
        struct x2k_plan *copy = x2k_plan_new();

        x2k_str_replace(&nics_vm, ctx->plan->vm_name);
        x2k_plan_copy(copy, ctx->plan);
        tui_task_start(T_NICS, nics_task, copy);
    }
    build_form();
    if (!pools_info) {
        pools_info = x2k_xstrdup(_("Listing the pools..."));
        tui_task_start(T_POOLS, pools_task, x2k_xstrdup(turi.text));
        tui_task_start(T_NETS, nets_task, x2k_xstrdup(turi.text));
    }
}

static void
target_leave(struct tui_ctx *ctx, bool forward)
{
    struct x2k_plan *p = ctx->plan;

    (void)forward;
    p->output = output.sel ? X2K_OUTPUT_LOCAL : X2K_OUTPUT_LIBVIRT;
    x2k_str_replace(&p->target_uri, turi.text[0] ? turi.text
                    : X2K_DEFAULT_TARGET_URI);
    if (p->output == X2K_OUTPUT_LOCAL)
        x2k_str_replace(&p->output_dir, pool.text[0] ? pool.text : NULL);
    else
        x2k_str_replace(&p->pool, pool.text[0] ? pool.text
                        : X2K_DEFAULT_POOL);
    /* The mappings: one per NIC source given here, then the one for
     * every other NIC.  Mappings from the command line for sources this
     * screen does not show are kept. */
    {
        enum x2k_net_kind kind = netkind.sel ? X2K_NET_NETWORK
            : X2K_NET_BRIDGE;
        struct x2k_plan keep;
        size_t i, k;

        x2k_plan_init(&keep);
        for (i = 0; i < p->n_nets; i++) {
            bool shown = !p->nets[i].in;

            for (k = 0; k < n_nicf && !shown; k++)
                shown = strcmp(p->nets[i].in, nic_src[k]) == 0;
            if (!shown)
                x2k_plan_add_net(&keep, p->nets[i].kind, p->nets[i].in,
                                 p->nets[i].out);
        }
        while (p->n_nets > 0) {
            p->n_nets--;
            free(p->nets[p->n_nets].in);
            free(p->nets[p->n_nets].out);
        }
        for (i = 0; i < keep.n_nets; i++)
            x2k_plan_add_net(p, keep.nets[i].kind, keep.nets[i].in,
                             keep.nets[i].out);
        for (k = 0; k < n_nicf; k++) {
            if (nicf[k].text[0])
                x2k_plan_add_net(p, kind, nic_src[k], nicf[k].text);
        }
        if (net.text[0])
            x2k_plan_add_net(p, kind, NULL, net.text);
        x2k_plan_clear(&keep);
        free(keep.target_uri);
        free(keep.pool);
    }
    p->format = format.sel ? X2K_FORMAT_QCOW2 : X2K_FORMAT_RAW;
    p->allocation = alloc.sel ? X2K_ALLOC_PREALLOCATED : X2K_ALLOC_SPARSE;
    x2k_str_replace(&p->new_name, newname.text[0] ? newname.text : NULL);
    p->engine = engine.sel ? X2K_ENGINE_VIRT_V2V : X2K_ENGINE_BUILTIN;
    p->verify = verify.on;
    p->parallel = (int)par.sel + 1;
    p->no_guest_fixes = !fixes.on;
    p->start = start.on;
    p->new_uuid = uuid.on;
}

static void
target_draw(struct tui_ctx *ctx, int top, int rows)
{
    int w = COLS - 4, y = top;
    size_t i;

    for (i = 0; i + 2 < form.n; i++) {
        if (i > 0 && inline_widget(widgets[i])) {
            const struct tui_widget *prev = widgets[i - 1];

            widgets[i]->x = prev->x + widget_cols(prev) + 3;
            widgets[i]->w = 2 + w - widgets[i]->x;
            widgets[i]->y = prev->y;
            continue;
        }
        widgets[i]->x = 2;
        widgets[i]->w = w;
        widgets[i]->y = y++;
        if (widgets[i] == &pool) {
            char *s = x2k_strdup_printf(_("Pools: %1$s"), pools_info);

            attron(tui_attr(TUI_C_DIM));
            tui_put(y++, 6, w - 4, s, false);
            attroff(tui_attr(TUI_C_DIM));
            free(s);
        } else if (widgets[i] == &net) {
            char *s = x2k_strdup_printf(_("Networks: %1$s"),
                                        nets_info ? nets_info : "...");

            attron(tui_attr(TUI_C_DIM));
            tui_put(y++, 6, w - 4, s, false);
            attroff(tui_attr(TUI_C_DIM));
            free(s);
            if (n_nicf > 0)
                tui_put(y++, 6, w - 4,
                        _("The NICs are on several bridges or networks: "
                          "map each below (empty: as above)."), false);
        }
        if (widgets[i]->kind == TUI_W_FIELD)
            widgets[i]->w = 64;
    }
    if (y + 2 < top + rows)
        tui_put_wrapped(y + 1, 2, w, top + rows - y - 1,
                        _("Space or arrows change a choice. An empty "
                          "new name keeps the guest's name."));
    tui_nav_place(&b_back, &b_next);
    tui_form_draw(&form);
}

static int
target_key(struct tui_ctx *ctx, int action, int ch)
{
    int pressed, flags;

    (void)ctx;
    if ((flags = tui_nav_key(&form, &action)))
        return flags;
    if (action == TUI_ACT_ENTER)
        return TUI_HANDLED | TUI_NEXT;
    return tui_form_key(&form, action, ch, &pressed);
}

/* The guest's NIC sources arrived: a field per source when several. */
static void
set_nic_sources(struct tui_ctx *ctx, char **srcs)
{
    size_t i, k, n = 0;

    for (n = 0; srcs && srcs[n]; n++)
        ;
    n_nicf = 0;
    for (i = 0; n > 1 && i < n && n_nicf < MAX_NIC_FIELDS; i++) {
        struct tui_widget *w = &nicf[n_nicf];

        memset(w, 0, sizeof *w);
        w->kind = TUI_W_FIELD;
        x2k_str_replace(&nic_src[n_nicf], srcs[i]);
        /* TRANSLATORS: a per-NIC mapping field: "NICs on xenbr1:". */
        free(nic_label[n_nicf]);
        nic_label[n_nicf] = x2k_strdup_printf(_("  NICs on %1$s:"), srcs[i]);
        w->label = nic_label[n_nicf];
        for (k = 0; k < ctx->plan->n_nets; k++) {
            if (x2k_str_equal(ctx->plan->nets[k].in, srcs[i]))
                tui_field_set(w, ctx->plan->nets[k].out);
        }
        n_nicf++;
    }
    for (i = 0; srcs && srcs[i]; i++)
        free(srcs[i]);
    free(srcs);
    build_form();
}

static int
target_event(struct tui_ctx *ctx, const struct tui_msg *msg)
{
    char **dst = msg->task == T_POOLS ? &pools_info : &nets_info;

    if (msg->task == T_NICS) {
        if (msg->rc == 0)
            set_nic_sources(ctx, msg->result);
        return TUI_REDRAW;
    }
    free(*dst);
    if (msg->rc < 0)
        *dst = x2k_strdup_printf(_("cannot list: %1$s"),
                                 msg->err.msg ? msg->err.msg : "?");
    else
        *dst = msg->result;
    return TUI_REDRAW;
}

static bool
target_typing(struct tui_ctx *ctx)
{
    (void)ctx;
    return tui_form_typing(&form);
}

const struct tui_screen screen_target = {
    .id = "target",
    .title = N_("Target"),
    .enter = target_enter,
    .draw = target_draw,
    .key = target_key,
    .leave = target_leave,
    .event = target_event,
    .typing = target_typing,
    .nav = true,
};

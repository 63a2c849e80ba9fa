/* SSH setup screen: libvirt's xen+ssh transport cannot answer a
 * password prompt, so the Xen host must take a key login.  Fields:
 * host, user, port, identity, legacy algorithms; generate a key,
 * install it with a one-time masked password, test the login with the
 * host-key dialog.  The values build the xen+ssh:// URI the next
 * screen tests.  UI thread; the SSH work
 * runs on worker threads through backend.h.
 */
#include <config.h>

#include "tcurses.h"
#include <stdio.h>
#include <unistd.h>

#include "backend.h"
#include "base/i18n.h"
#include "base/secret.h"
#include "ssh/ssh.h"
#include "tui.h"

enum { B_KEYGEN, B_INSTALL, B_TEST };
enum { T_KEYGEN = 100, T_INSTALL, T_TEST };   /* screen index 1 */

static struct tui_widget host = { .kind = TUI_W_FIELD,
                                  .label = N_("Xen host:") };
static struct tui_widget user = { .kind = TUI_W_FIELD,
                                  .label = N_("User:") };
static struct tui_widget port = { .kind = TUI_W_FIELD,
                                  .label = N_("Port:") };
static struct tui_widget ident = { .kind = TUI_W_FIELD,
                                   .label = N_("Identity file:") };
static struct tui_widget legacy = {
    .kind = TUI_W_CHECK,
    .label = N_("Legacy algorithms (RHEL 5-era hosts)") };
static struct tui_widget password = { .kind = TUI_W_FIELD, .masked = true,
                                      .label = N_("Password (once):") };
static struct tui_widget b_keygen = { .kind = TUI_W_BUTTON, .id = B_KEYGEN,
                                      .label = N_("Generate key") };
static struct tui_widget b_install = { .kind = TUI_W_BUTTON,
                                       .id = B_INSTALL,
                                       .label = N_("Install my key") };
static struct tui_widget b_test = { .kind = TUI_W_BUTTON, .id = B_TEST,
                                    .label = N_("Test login") };
static struct tui_widget b_back = TUI_NAV_BUTTON(TUI_NAV_BACK);
static struct tui_widget b_next = TUI_NAV_BUTTON(TUI_NAV_NEXT);
static struct tui_widget *widgets[] = {
    &host, &user, &port, &ident, &legacy, &password, &b_keygen, &b_install,
    &b_test, &b_back, &b_next,
};
static struct tui_form form = { widgets, X2K_N_ELEMENTS(widgets), 0 };
static bool loaded;
static char *fingerprint;
static bool busy;
static int retry_task;          /* what to run again once a key is OK */

/* Fill the fields from the plan: explicit SSH options, else the URI. */
static void
load(struct tui_ctx *ctx)
{
    const struct x2k_plan *p = ctx->plan;
    const char *uri = p->uri;
    char buf[32];

    if (uri && strstr(uri, "://")) {
        /* scheme://[user@]host[:port]/ */
        const char *s = strstr(uri, "://") + 3;
        const char *end = s + strcspn(s, "/?");
        const char *at = memchr(s, '@', (size_t)(end - s));
        const char *h = at ? at + 1 : s;
        const char *colon = memchr(h, ':', (size_t)(end - h));
        char *tmp;

        if (at) {
            tmp = x2k_xstrndup(s, (size_t)(at - s));
            tui_field_set(&user, tmp);
            free(tmp);
        }
        tmp = x2k_xstrndup(h, (size_t)((colon ? colon : end) - h));
        tui_field_set(&host, tmp);
        free(tmp);
        if (colon) {
            tmp = x2k_xstrndup(colon + 1, (size_t)(end - colon - 1));
            tui_field_set(&port, tmp);
            free(tmp);
        }
    }
    if (p->ssh_host)
        tui_field_set(&host, p->ssh_host);
    if (p->ssh_user)
        tui_field_set(&user, p->ssh_user);
    if (p->ssh_port > 0) {
        snprintf(buf, sizeof buf, "%d", p->ssh_port);
        tui_field_set(&port, buf);
    }
    if (!user.text[0])
        tui_field_set(&user, "root");
    if (!port.text[0])
        tui_field_set(&port, "22");
    if (p->identity)
        tui_field_set(&ident, p->identity);
    legacy.on = p->legacy_ssh;
}

/* The URI these fields describe: xen+ssh://USER@HOST[:PORT]/ (no
 * port when it is 22). */
static char *
built_uri(void)
{
    bool def_port = strcmp(port.text, "22") == 0 || !port.text[0];

    return x2k_strdup_printf("xen+ssh://%s%s%s%s%s/",
                             user.text, user.text[0] ? "@" : "",
                             host.text, def_port ? "" : ":",
                             def_port ? "" : port.text);
}

/* Write the fields into the plan (Esc and Enter both keep them). */
static void
store(struct tui_ctx *ctx)
{
    struct x2k_plan *p = ctx->plan;
    long n;

    if (ctx->demo)
        return;
    if (host.text[0]) {
        char *uri = built_uri();

        /* Only a URI we built (or none) follows the fields. */
        if (!p->uri || strncmp(p->uri, "xen+ssh://", 10) == 0)
            x2k_str_replace(&p->uri, uri);
        free(uri);
    }
    x2k_str_replace(&p->identity, ident.text[0] ? ident.text : NULL);
    p->legacy_ssh = legacy.on;
    if (x2k_parse_long(port.text, 1, 65535, &n) && n != 22 &&
        !(p->uri && strstr(p->uri, port.text)))
        p->ssh_port = (int)n;
}

static void
ssh_enter(struct tui_ctx *ctx)
{
    if (!loaded || ctx->ssh_reload) {
        if (ctx->ssh_reload) {
            /* What the old URI implied goes; typed fields are redone. */
            host.text[0] = user.text[0] = port.text[0] = '\0';
            free(fingerprint);
            fingerprint = NULL;
        }
        load(ctx);
        loaded = true;
        ctx->ssh_reload = false;
    }
    /* Coming back, Enter goes on again (from the first field). */
    form.focus = 0;
    if (ctx->demo) {
        size_t i;

        /* All but Back and Next, which has the focus. */
        for (i = 0; i + 2 < form.n; i++)
            tui_widget_disable(widgets[i], NULL);
        form.focus = form.n - 1;
    }
}

static void
ssh_leave(struct tui_ctx *ctx, bool forward)
{
    (void)forward;
    store(ctx);
    tui_field_wipe(&password);
}

static void
ssh_draw(struct tui_ctx *ctx, int top, int rows)
{
    int y = top, w = COLS - 4;
    size_t i;

    y += tui_put_wrapped(y, 2, w, 2,
                         _("The conversion host logs in to the Xen host "
                           "with a key: libvirt's xen+ssh transport and "
                           "the disk copy need it.")) + 1;
    if (ctx->demo) {
        attron(A_BOLD);
        tui_put_wrapped(y, 2, w, 3,
                        _("Demo: the demo host is local, so no SSH login "
                          "is needed. Press Enter to go on."));
        attroff(A_BOLD);
        y += 4;
    }
    for (i = 0; i < 6; i++) {
        widgets[i]->y = y + (int)i + (i >= 4) + (i >= 5);
        widgets[i]->x = 2;
        widgets[i]->w = i == 4 ? w : 60;
    }
    y = password.y + 2;
    b_keygen.y = b_install.y = b_test.y = y;
    b_keygen.x = 2;
    b_keygen.w = b_install.w = b_test.w = 24;
    b_install.x = 2 + 2 + (int)x2k_mbswidth(_(b_keygen.label)) + 4 + 2;
    b_test.x = b_install.x + (int)x2k_mbswidth(_(b_install.label)) + 4 + 2;
    tui_nav_place(&b_back, &b_next);
    tui_form_draw(&form);
    y += 2;
    if (!ctx->demo && y < top + rows) {
        /* Which key a login will offer: without one, no key login. */
        char *key = x2k_ssh_default_identity(ident.text[0] ? ident.text
                                             : NULL);
        char *line;

        if (key && access(key, R_OK) == 0)
            line = x2k_strdup_printf(_("Key: %1$s"), key);
        else
            line = x2k_xstrdup(_("No key pair yet: press \"Generate "
                                 "key\"."));
        tui_put(y++, 2, w, line, false);
        free(line);
        if (y < top + rows) {
            /* Seed 000 hands the key to ssh-agent: say where it is. */
            char *pub = key ? x2k_strdup_printf("%s.pub", key) : NULL;

            switch (x2k_ssh_agent_state(pub)) {
            case X2K_AGENT_NONE:
                tui_put(y++, 2, w, _("ssh-agent: not running (the key "
                                     "file is used directly)."), false);
                break;
            case X2K_AGENT_RUNNING:
                tui_put(y++, 2, w, _("ssh-agent: running, without this "
                                     "key (ssh-add adds it)."), false);
                break;
            case X2K_AGENT_KEY_LOADED:
                tui_put(y++, 2, w, _("ssh-agent: running, holds this "
                                     "key."), false);
                break;
            }
            free(pub);
        }
        free(key);
    }
    if (fingerprint && y < top + rows) {
        char *s = x2k_strdup_printf(_("Host key: %1$s"), fingerprint);

        tui_put(y, 2, w, s, false);
        free(s);
    }
    if (busy && y + 1 < top + rows)
        tui_put(y + 1, 2, w, _("Working..."), false);
    if (form.focus < form.n && widgets[form.focus]->kind == TUI_W_FIELD &&
        !widgets[form.focus]->disabled)
        tui_widget_draw(widgets[form.focus], true);
}

static int
keygen_task(void *arg, void **result, struct x2k_error *err)
{
    struct x2k_plan *plan = arg;
    char *path = NULL;
    int rc;

    rc = tui_backend_ssh_keygen(plan, &path, err);
    *result = path;
    x2k_plan_free(plan);
    return rc;
}

struct install_arg {
    struct x2k_plan plan;
    char *password;
};

static int
install_task(void *opaque, void **result, struct x2k_error *err)
{
    struct install_arg *a = opaque;
    char *fp = NULL;
    int rc = tui_backend_ssh_install_key(&a->plan, a->password, &fp, err);

    *result = fp;
    x2k_secret_free(a->password);
    x2k_plan_clear(&a->plan);
    free(a);
    return rc;
}

static int
test_task(void *opaque, void **result, struct x2k_error *err)
{
    struct x2k_plan *plan = opaque;
    char *fp = NULL, *method = NULL;
    int rc = tui_backend_ssh_test(plan, &fp, &method, err);

    *result = rc == 0 ? method : fp;
    if (rc == 0)
        free(fp);
    else
        free(method);
    x2k_plan_free(plan);
    return rc;
}

static struct x2k_plan *
plan_copy(struct tui_ctx *ctx)
{
    struct x2k_plan *p = x2k_plan_new();

    x2k_plan_copy(p, ctx->plan);
    return p;
}

static int
ssh_key(struct tui_ctx *ctx, int action, int ch)
{
    int pressed, flags;

    if ((flags = tui_nav_key(&form, &action)))
        return flags;
    if (ctx->demo) {
        /* Only Back and Next: Tab moves between them. */
        if (action == TUI_ACT_NEXT_FIELD || action == TUI_ACT_PREV_FIELD)
            return tui_form_key(&form, action, ch, &pressed);
        return 0;
    }
    if (action == TUI_ACT_ENTER &&
        (widgets[form.focus]->kind != TUI_W_BUTTON ||
         tui_nav_next_focused(&form))) {
        if (!host.text[0]) {
            tui_set_status(ctx, true, "%s",
                           _("Give the Xen host's name or address."));
            return TUI_HANDLED | TUI_REDRAW;
        }
        return TUI_HANDLED | TUI_NEXT;
    }
    flags = tui_form_key(&form, action, ch, &pressed);
    if (pressed < 0 || busy)
        return flags;
    store(ctx);
    busy = true;
    switch (pressed) {
    case B_KEYGEN:
        tui_task_start(T_KEYGEN, keygen_task, plan_copy(ctx));
        break;
    case B_INSTALL: {
        struct install_arg *a = x2k_xcalloc(1, sizeof *a);

        if (!password.text[0]) {
            busy = false;
            tui_set_status(ctx, true, "%s",
                           _("Type the Xen host's password first; it is "
                             "used once and not kept."));
            return flags | TUI_REDRAW;
        }
        x2k_plan_init(&a->plan);
        x2k_plan_copy(&a->plan, ctx->plan);
        a->password = x2k_secret_dup(password.text);
        tui_field_wipe(&password);
        tui_task_start(T_INSTALL, install_task, a);
        break;
    }
    case B_TEST:
        tui_task_start(T_TEST, test_task, plan_copy(ctx));
        break;
    }
    tui_set_status(ctx, false, "%s", _("Working..."));
    return flags | TUI_REDRAW;
}

static void
accept_key(struct tui_ctx *ctx, bool yes)
{
    if (yes) {
        x2k_str_replace(&ctx->plan->accept_host_key, fingerprint);
        tui_set_status(ctx, false, "%s",
                       _("Host key accepted. Test the login again."));
        if (retry_task == T_INSTALL)
            tui_set_status(ctx, false, "%s",
                           _("Host key accepted. Type the password again "
                             "and install the key."));
    } else {
        tui_set_status(ctx, true, "%s", _("Host key rejected."));
    }
}

static int
ssh_event(struct tui_ctx *ctx, const struct tui_msg *msg)
{
    busy = false;
    if (msg->rc < 0) {
        if (msg->err.code == X2K_ERR_SSH_HOSTKEY && msg->result) {
            char *q;

            free(fingerprint);
            fingerprint = x2k_xstrdup(msg->result);
            q = x2k_strdup_printf(_("The host %1$s is not known. Its key "
                                    "fingerprint is %2$s. Compare it with "
                                    "'ssh-keygen -lf' on the host. Accept "
                                    "it?"), host.text, fingerprint);
            retry_task = msg->task;
            tui_dialog_confirm(ctx, _("Unknown host key"), q, accept_key);
            free(q);
        } else {
            /* The whole message, wrapped, with its remedy (a changed
             * host key's ssh-keygen -R, a login's methods): the status
             * line keeps only its start. */
            const char *m = msg->err.msg ? msg->err.msg : _("Failed.");

            tui_dialog_message(ctx,
                               msg->err.code == X2K_ERR_SSH_HOSTKEY
                               ? _("Host key problem")
                               : msg->err.code == X2K_ERR_SSH_AUTH
                               ? _("Login failed")
                               : msg->err.code == X2K_ERR_SSH_CONNECT
                               ? _("Cannot connect") : _("SSH failed"), m);
            tui_set_status(ctx, true, "%s", m);
        }
        free(msg->result);
        return TUI_REDRAW;
    }
    switch (msg->task) {
    case T_KEYGEN:
        tui_set_status(ctx, false, _("Key generated: %1$s"),
                       (char *)msg->result);
        break;
    case T_INSTALL:
        tui_set_status(ctx, false, "%s",
                       _("Key installed. Test the login now."));
        break;
    case T_TEST:
        /* TRANSLATORS: %1$s: "publickey", "agent"... */
        tui_set_status(ctx, false, _("Login works without a password "
                                     "(%1$s)."),
                       msg->result ? (char *)msg->result : "?");
        break;
    }
    free(msg->result);
    return TUI_REDRAW;
}

static bool
ssh_typing(struct tui_ctx *ctx)
{
    return !ctx->demo && tui_form_typing(&form);
}

const struct tui_screen screen_ssh = {
    .id = "ssh",
    .title = N_("SSH setup"),
    .enter = ssh_enter,
    .draw = ssh_draw,
    .key = ssh_key,
    .leave = ssh_leave,
    .event = ssh_event,
    .typing = ssh_typing,
    .nav = true,
};

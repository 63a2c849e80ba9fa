/* The wizard's side of the boot check: the Summary's check box "Start
 * it and check that it boots" (plan.boot_check), and the line the Done
 * screen shows for it.  The console itself is shown live in the Run
 * screen's log (X2K_EVENT_CONSOLE lines).  UI thread.
 */
#include <config.h>

#include <stdio.h>

#include "base/i18n.h"
#include "base/log.h"
#include "engine/engine.h"
#include "tui.h"

struct tui_widget tui_boot_widget = {
    .kind = TUI_W_CHECK,
    .label = N_("Start it and check that it boots (--boot-check)"),
};

void
tui_boot_widget_sync(struct tui_ctx *ctx)
{
    const struct x2k_plan *p = ctx->plan;

    tui_boot_widget.on = p->boot_check;
    if (p->output == X2K_OUTPUT_LOCAL)
        tui_widget_disable(&tui_boot_widget,
                           _("(only for a domain defined on the target)"));
    else
        tui_widget_enable(&tui_boot_widget);
}

bool
tui_boot_widget_apply(struct tui_ctx *ctx)
{
    struct x2k_plan *p = ctx->plan;

    if (tui_boot_widget.disabled || tui_boot_widget.on == p->boot_check)
        return false;
    p->boot_check = tui_boot_widget.on;
    x2k_log(X2K_LOG_INFO, "wizard: boot check %s",
            p->boot_check ? "on" : "off");
    return true;
}

char *
tui_boot_result_text(const struct x2k_engine_result *res)
{
    const char *name = res->domain ? res->domain : "?";

    if (x2k_str_equal(res->boot_check, "passed")) {
        /* Two lines: the time alone on the second. */
        X2K_AUTOFREE char *t = x2k_strdup_printf(_("Boot time: %1$.1f "
                                                   "seconds."),
                                                 res->boot_seconds);

        return x2k_strdup_printf("%s\n%s",
                                 _("Boot check passed: the new domain runs "
                                   "and showed its prompt."), t);
    }
    if (x2k_str_equal(res->boot_check, "failed"))
        return x2k_strdup_printf(_("Boot check failed after %1$.1f "
                                   "seconds: %2$s is defined and left "
                                   "running for you to look at (virsh "
                                   "console %2$s).  The last console lines "
                                   "and what to try follow."),
                                 res->boot_seconds, name);
    return NULL;
}

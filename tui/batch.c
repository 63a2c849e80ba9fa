/* Batch mode: every choice comes from options.  Validates the plan,
 * prints it for --dump-plan, and reports errors as
 * "xen2kvm: error: ..." with the documented exit codes.  Main thread.
 */
#include <config.h>

#include <stdio.h>

#include "batch.h"
#include "i18n.h"
#include "log.h"

static void
log_to_stderr(enum x2k_log_level level, const char *line, void *opaque)
{
    fprintf(stderr, "xen2kvm: %s: %s\n", x2k_log_level_name(level), line);
}

static int
fail(struct x2k_error *err, int code)
{
    char *text = x2k_error_format(err);

    fprintf(stderr, _("xen2kvm: error: %1$s\n"), text);
    free(text);
    x2k_error_clear(err);
    return code;
}

int
tui_batch_main(struct x2k_plan *plan, const struct x2k_cli *cli)
{
    struct x2k_error err = X2K_ERROR_INIT;
    char *text;

    x2k_log_set_sink(log_to_stderr, NULL,
                     cli->verbose >= 2   ? X2K_LOG_DEBUG
                     : cli->verbose == 1 ? X2K_LOG_INFO
                                         : X2K_LOG_WARN);
    if (x2k_plan_validate(plan, &err) < 0) {
        fail(&err, TUI_EXIT_USAGE);
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
    x2k_error_set(&err, X2K_ERR_UNSUPPORTED,
                  _("the conversion engine is not part of this build yet; "
                    "only --dump-plan works in batch mode"));
    return fail(&err, TUI_EXIT_FAILED);
}

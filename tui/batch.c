/* Batch mode: every choice comes from options.  Validates the plan,
 * prints it for --dump-plan, and reports errors as
 * "xen2kvm: error: ..." with the documented exit codes.  Main thread.
 */
#include <config.h>

#include <stdio.h>

#include "batch.h"
#include "help.h"
#include "i18n.h"
#include "log.h"
#include "preflight.h"

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

/* Print S as a JSON string. */
static void
json_str(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            fprintf(f, "\\%c", c);
        else if (c < 0x20)
            fprintf(f, "\\u%04x", c);
        else
            fputc(c, f);
    }
    fputc('"', f);
}

/* Print S padded with spaces to COLS display columns. */
static void
print_padded(const char *s, size_t cols)
{
    size_t w = x2k_mbswidth(s);

    fputs(s, stdout);
    for (; w < cols; w++)
        fputc(' ', stdout);
}

/* --check: run the preflight checks, print the table and the remedies
 * of the checks that did not pass.  Exit 3 when one failed. */
static int
run_check(struct x2k_plan *plan, const struct x2k_cli *cli)
{
    struct x2k_preflight *p = x2k_preflight_run(plan, NULL);
    bool passed = x2k_preflight_passed(p);
    size_t i, j, k;

    if (cli->machine_readable) {
        for (i = 0; i < p->n_checks; i++) {
            printf("{\"check\":\"%s\",\"status\":\"%s\",\"message\":",
                   p->checks[i].id,
                   x2k_check_status_name(p->checks[i].status));
            json_str(stdout, p->checks[i].message);
            printf("}\n");
        }
    } else {
        /* TRANSLATORS: headings of the preflight table. */
        print_padded(_("CHECK"), 15);
        print_padded(_("STATUS"), 7);
        printf("%s\n", _("MESSAGE"));
        for (i = 0; i < p->n_checks; i++) {
            print_padded(p->checks[i].id, 15);
            print_padded(x2k_check_status_label(p->checks[i].status), 7);
            printf("%s\n", p->checks[i].message);
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
            printf("\n%s: %s\n", p->checks[i].id, x2k_help_title(h));
            for (k = 0; x2k_help_para(h, k); k++)
                printf("  %s\n", x2k_help_para(h, k));
        }
        printf("\n%s\n", passed ? _("All preflight checks passed.")
                                : _("A preflight check failed: the "
                                    "migration cannot run."));
    }
    x2k_preflight_free(p);
    return passed ? TUI_EXIT_OK : TUI_EXIT_PREFLIGHT;
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
    if (cli->check)
        return run_check(plan, cli);
    x2k_error_set(&err, X2K_ERR_UNSUPPORTED,
                  _("the conversion engine is not part of this build yet; "
                    "only --dump-plan works in batch mode"));
    return fail(&err, TUI_EXIT_FAILED);
}

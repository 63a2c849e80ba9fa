/* Program entry: locale, options, then one of the two front ends.
 * `xen2kvm' (a link to this program) implies --batch.  Main thread.
 */
#include <config.h>

#include <libgen.h>
#include <stdio.h>

#include "base/i18n.h"
#include "frontend.h"
#include "plan/options.h"
#include "version.h"

static void
init_locale(void)
{
    const char *dir = getenv("X2K_LOCALEDIR");

    setlocale(LC_ALL, "");
    bindtextdomain(PACKAGE, dir && *dir ? dir : LOCALEDIR);
    bind_textdomain_codeset(PACKAGE, "UTF-8");
    textdomain(PACKAGE);
}

static void
print_and_free(char *s)
{
    fputs(s, stdout);
    free(s);
}

int
main(int argc, char **argv)
{
    struct x2k_plan plan;
    struct x2k_cli cli;
    struct x2k_error err = X2K_ERROR_INIT;
    char *base = x2k_xstrdup(argv[0]);
    bool alias_batch = strcmp(basename(base), "xen2kvm") == 0;
    int rc;

    free(base);
    init_locale();
    x2k_plan_init(&plan);
    if (x2k_options_parse(argc, (const char *const *)argv, &plan, &cli,
                          &err) < 0) {
        fprintf(stderr, _("xen2kvm: error: %1$s\n"), err.msg);
        fprintf(stderr, _("Try '%1$s --help' for more information.\n"),
                X2K_PROGRAM);
        x2k_error_clear(&err);
        x2k_plan_clear(&plan);
        return TUI_EXIT_USAGE;
    }
    if (alias_batch)
        cli.batch = true;

    if (cli.help) {
        print_and_free(x2k_options_help());
        rc = TUI_EXIT_OK;
    } else if (cli.usage) {
        print_and_free(x2k_options_usage());
        rc = TUI_EXIT_OK;
    } else if (cli.version) {
        print_and_free(tui_version_text());
        rc = TUI_EXIT_OK;
    } else if (cli.long_options) {
        const char *const *names = x2k_options_long_names();
        size_t i;

        for (i = 0; names[i]; i++)
            printf("--%s\n", names[i]);
        rc = TUI_EXIT_OK;
    } else if (cli.batch || cli.dump_plan || cli.check || cli.print_xml ||
               cli.print_source ||
               cli.machine_readable) {
        rc = tui_batch_main(&plan, &cli);
    } else {
        rc = tui_wizard_main(&plan, &cli);
    }
    x2k_cli_clear(&cli);
    x2k_plan_clear(&plan);
    free(plan.target_uri);
    free(plan.pool);
    return rc;
}

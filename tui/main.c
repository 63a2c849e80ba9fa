/* Program entry: locale, options, then one of the two front ends.
 * `xen2kvm' (a link to this program) implies --batch.  Run from its
 * build tree, it finds the translations and the demo there.  Main
 * thread.
 */
#include <config.h>

#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "base/i18n.h"
#include "frontend.h"
#include "plan/options.h"
#include "plan/plan.h"
#include "version.h"

/* Whether this program runs from the build tree it was built in: its
 * own directory (/proc/self/exe) is the build's tui/ directory, checked
 * at run time, so an installed copy never looks there. */
static bool
in_build_tree(void)
{
    char self[4096];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    char *slash;

    if (n <= 0)
        return false;
    self[n] = '\0';
    slash = strrchr(self, '/');
    if (!slash)
        return false;
    *slash = '\0';
    return strcmp(self, X2K_BUILD_TUI_DIR) == 0;
}

/* Run from the build tree: its translations (tui/locale, built with the
 * program) and the source tree's demo, unless the environment names
 * others (X2K_LOCALEDIR, X2K_DEMO_DIR) or they are gone. */
static const char *
build_tree_dirs(void)
{
    static char demo[PATH_MAX];
    static const char locale[] = X2K_BUILD_TUI_DIR "/locale";

    if (!in_build_tree())
        return NULL;
    /* Without "build/.." in the paths shown. */
    if (realpath(X2K_SOURCE_DIR "/tui/demo", demo) &&
        access(demo, R_OK) == 0)
        x2k_demo_set_dir(demo);
    return access(locale, R_OK) == 0 ? locale : NULL;
}

static void
init_locale(void)
{
    const char *dir = getenv("X2K_LOCALEDIR");
    const char *build = build_tree_dirs();

    setlocale(LC_ALL, "");
    bindtextdomain(PACKAGE, dir && *dir ? dir : build ? build : LOCALEDIR);
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

/* The command line: one popt table for both front ends, built from the
 * plan's fields, and the reverse direction, plan -> replayable argv and
 * shell command.  Parsing never prints and never exits; help text is
 * returned as a string for the front end to print.  Not thread-safe.
 */
#ifndef X2K_OPTIONS_H
#define X2K_OPTIONS_H

#include "plan/plan.h"

#define X2K_PROGRAM "xen2kvm-tui"

/* Front-end choices that are not part of a migration plan. */
struct x2k_cli {
    bool batch;                 /* line mode, no curses */
    bool check;                 /* preflight only */
    bool dump_plan;             /* print the validated plan and exit */
    bool print_source;          /* print the source domain XML and exit */
    bool print_xml;             /* print the converted XML and exit */
    bool machine_readable;      /* JSON lines */
    bool help;
    bool usage;
    bool version;
    bool long_options;          /* list long option names (tests) */
    int verbose;
    char *log_file;
};

void x2k_cli_clear(struct x2k_cli *cli);

/* Parse ARGV into PLAN (which must be initialised; given options
 * override it) and CLI (zeroed first).  No validation beyond the
 * syntax of each option: call x2k_plan_validate() for that.  0 on
 * success; -1 with X2K_ERR_INVALID and a translated message. */
int x2k_options_parse(int argc, const char *const *argv,
                      struct x2k_plan *plan, struct x2k_cli *cli,
                      struct x2k_error *err) X2K_NONNULL(2, 3, 4);

/* Translated --help and --usage texts.  Caller frees. */
char *x2k_options_help(void);
char *x2k_options_usage(void);

/* Every long option name, without dashes, NULL-terminated; static. */
const char *const *x2k_options_long_names(void);

/* One option as a shell completion sees it (all borrowed, static). */
struct x2k_optinfo {
    const char *name;           /* without dashes */
    char shortname;             /* or '\0' */
    bool takes_arg;
    bool hidden;                /* left out of --help */
    const char *const *values;  /* an enum's values, NULL-terminated; or NULL */
    const char *argdescrip;     /* untranslated ("FILE", "DIR"...), or NULL */
};

/* The I-th option of the table, in table order; false past the end. */
bool x2k_options_info(size_t i, struct x2k_optinfo *info) X2K_NONNULL(2);

/* The argv that replays PLAN: "xen2kvm-tui --batch" followed by every
 * non-default setting as --name=value, in table order.  Secrets never
 * appear (only --password-file's path).  Free with x2k_argv_free. */
char **x2k_plan_to_argv(const struct x2k_plan *plan) X2K_NONNULL(1);
void x2k_argv_free(char **argv);

/* The same as one shell-quoted command line.  Caller frees. */
char *x2k_plan_to_command(const struct x2k_plan *plan) X2K_NONNULL(1);

/* "key: value" lines describing every setting of PLAN (defaults too),
 * for --dump-plan.  Values with control characters are shell-quoted.
 * Caller frees. */
char *x2k_plan_dump(const struct x2k_plan *plan) X2K_NONNULL(1);

#endif /* X2K_OPTIONS_H */

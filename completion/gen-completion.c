/* Build tool: print the data half of the bash completion, generated
 * from the one option table (core/plan/options.c) so that completion
 * cannot disagree with the parser.  The logic half is
 * xen2kvm-tui.bash.in; completion/Makefile.am joins the two.  Prints:
 *
 *   _xen2kvm_tui_options='--batch --mode= ...'   every shown long option,
 *                                                '=' when it takes a value
 *   _xen2kvm_tui_arg OPTION                      sets REPLY to the value's
 *                                                kind: "enum V1 V2...", or
 *                                                the option's untranslated
 *                                                placeholder (FILE, DIR,
 *                                                URI, NAME...); 1 if none
 */
#include <config.h>

#include <stdio.h>

#include "plan/options.h"

/* Option names, values and placeholders go between single quotes. */
static bool
shell_safe(const char *s)
{
    return s[strspn(s, "abcdefghijklmnopqrstuvwxyz"
                       "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.:|[]")] == '\0';
}

int
main(void)
{
    struct x2k_optinfo o;
    size_t i, j;
    const char *sep = "";

    for (i = 0; x2k_options_info(i, &o); i++) {
        if (!shell_safe(o.name) || (o.argdescrip && !o.values &&
                                        !shell_safe(o.argdescrip)))
            goto unsafe;
        for (j = 0; o.values && o.values[j]; j++) {
            if (!shell_safe(o.values[j]))
                goto unsafe;
        }
    }

    fputs("_xen2kvm_tui_options='", stdout);
    for (i = 0; x2k_options_info(i, &o); i++) {
        if (o.hidden)
            continue;
        printf("%s--%s%s", sep, o.name, o.takes_arg ? "=" : "");
        sep = " ";
    }
    fputs("'\n\n_xen2kvm_tui_arg()\n{\n    case $1 in\n", stdout);
    for (i = 0; x2k_options_info(i, &o); i++) {
        if (!o.takes_arg)
            continue;
        printf("    --%s) REPLY='", o.name);
        if (o.values) {
            fputs("enum", stdout);
            for (j = 0; o.values[j]; j++)
                printf(" %s", o.values[j]);
        } else {
            fputs(o.argdescrip ? o.argdescrip : "VALUE", stdout);
        }
        fputs("' ;;\n", stdout);
    }
    fputs("    *) return 1 ;;\n    esac\n}\n", stdout);
    return ferror(stdout) || fflush(stdout) ? 1 : 0;

unsafe:
    fprintf(stderr, "gen-completion: option '%s' has characters a shell "
            "word cannot hold unquoted\n", o.name);
    return 1;
}

/* Shell quoting (see shquote.h for the contract).  Audited: single
 * quotes make every byte literal in POSIX sh (and bash, dash, busybox
 * ash, ksh); the only byte that cannot appear inside them is ' itself,
 * which is closed, escaped and reopened.  NUL cannot occur in a C
 * string, so nothing else needs handling.
 */
#include <config.h>

#include "base/shquote.h"

static bool
is_plain(const char *s)
{
    static const char safe[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
        "0123456789_@%+=:,./-";

    return *s && *s != '~' && s[strspn(s, safe)] == '\0';
}

void
x2k_shell_quote_buf(struct x2k_buf *b, const char *s)
{
    const char *p;

    if (is_plain(s)) {
        x2k_buf_puts(b, s);
        return;
    }
    x2k_buf_puts(b, "'");
    for (p = s; *p; p++) {
        if (*p == '\'')
            x2k_buf_puts(b, "'\\''");
        else
            x2k_buf_append(b, p, 1);
    }
    x2k_buf_puts(b, "'");
}

char *
x2k_shell_quote(const char *s)
{
    struct x2k_buf b = { 0 };

    x2k_shell_quote_buf(&b, s);
    return x2k_buf_steal(&b);
}

char *
x2k_shell_join(const char *const *argv)
{
    struct x2k_buf b = { 0 };
    size_t i;

    for (i = 0; argv[i]; i++) {
        if (i)
            x2k_buf_puts(&b, " ");
        x2k_shell_quote_buf(&b, argv[i]);
    }
    return x2k_buf_steal(&b);
}

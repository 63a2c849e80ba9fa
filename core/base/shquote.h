/* The one audited shell-quoting function.  Every value that reaches a
 * remote shell, and every word of the exported replay command, goes
 * through x2k_shell_quote().  Pure functions; any thread.
 */
#ifndef X2K_SHQUOTE_H
#define X2K_SHQUOTE_H

#include "base/util.h"

/* Quote S for POSIX sh so that it is read back as exactly one word with
 * exactly S's bytes.  Words made only of [A-Za-z0-9_@%+=:,./-] (and not
 * starting with '~' or being empty) are returned as they are; anything
 * else is put in single quotes, with each ' written as '\''.  The
 * result never contains a byte that the shell would expand.  Caller
 * frees. */
char *x2k_shell_quote(const char *s) X2K_NONNULL(1);

/* Append the quoted form of S to B. */
void x2k_shell_quote_buf(struct x2k_buf *b, const char *s) X2K_NONNULL(1, 2);

/* Join ARGV (NULL-terminated) into one command line, each word quoted
 * and separated by one space.  Caller frees. */
char *x2k_shell_join(const char *const *argv) X2K_NONNULL(1);

#endif /* X2K_SHQUOTE_H */

/* Text from outside (the Xen host's messages, names and paths from a
 * domain XML) made safe to print: the one filter every front end runs
 * it through before a terminal sees it, so that escape sequences and
 * other control characters never reach the screen.  Pure; any thread.
 */
#ifndef X2K_TEXT_H
#define X2K_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Decode the UTF-8 character at P (NUL-terminated): its length in
 * bytes and *CP, or 0 when the bytes are not well-formed UTF-8
 * (overlong, surrogate, out of range, truncated). */
size_t x2k_utf8_decode(const unsigned char *p, uint32_t *cp);

/* Whether code point CP is a control a terminal may act on: C0, DEL,
 * C1 (U+0080-U+009F), the line and paragraph separators, and the
 * bidirectional embeddings, overrides and isolates. */
bool x2k_cp_is_control(uint32_t cp);

/* S without control characters (caller frees; NULL gives ""): a tab
 * becomes a space, so does a line break unless KEEP_NEWLINES keeps
 * '\n' (text laid out on several lines); every other control is
 * removed, and a byte that is not UTF-8 becomes '?'. */
char *x2k_text_printable(const char *s, bool keep_newlines);

#endif /* X2K_TEXT_H */

/* The printable filter (see text.h).  It decodes UTF-8 itself, so that
 * what is removed does not depend on the locale.  Pure; any thread.
 */
#include <config.h>

#include "base/text.h"
#include "base/util.h"

size_t
x2k_utf8_decode(const unsigned char *p, uint32_t *cp)
{
    size_t len, i;
    uint32_t c;

    if (p[0] < 0x80) {
        *cp = p[0];
        return 1;
    }
    if ((p[0] & 0xe0) == 0xc0) {
        len = 2;
        c = p[0] & 0x1f;
    } else if ((p[0] & 0xf0) == 0xe0) {
        len = 3;
        c = p[0] & 0x0f;
    } else if ((p[0] & 0xf8) == 0xf0) {
        len = 4;
        c = p[0] & 0x07;
    } else {
        return 0;
    }
    for (i = 1; i < len; i++) {
        if ((p[i] & 0xc0) != 0x80)
            return 0;
        c = (c << 6) | (p[i] & 0x3f);
    }
    if (c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff) ||
        (len == 2 && c < 0x80) || (len == 3 && c < 0x800) ||
        (len == 4 && c < 0x10000))
        return 0;
    *cp = c;
    return len;
}

bool
x2k_cp_is_control(uint32_t cp)
{
    return cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp <= 0x9f) ||
           cp == 0x2028 || cp == 0x2029 ||
           (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069);
}

char *
x2k_text_printable(const char *s, bool keep_newlines)
{
    const unsigned char *p = (const unsigned char *)(s ? s : "");
    struct x2k_buf b = { 0 };
    uint32_t cp;
    size_t len;

    while (*p) {
        len = x2k_utf8_decode(p, &cp);
        if (len == 0) {
            x2k_buf_puts(&b, "?");
            p++;
            continue;
        }
        if (cp == '\n' && keep_newlines)
            x2k_buf_puts(&b, "\n");
        else if (cp == '\t' || cp == '\n' || cp == 0x2028 || cp == 0x2029)
            x2k_buf_puts(&b, " ");
        else if (!x2k_cp_is_control(cp))
            x2k_buf_append(&b, p, len);
        p += len;
    }
    return x2k_buf_steal(&b);
}

/* Allocation, string and width helpers for every module.  No state;
 * callable from any thread.
 */
#include <config.h>

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>
#include <wchar.h>

#include "base/util.h"

static void *
oom(void)
{
    /* The one allowed abort in core: a library that cannot allocate a
     * few bytes cannot report it either.  fd 2 is the log file while the
     * wizard runs. */
    static const char msg[] = "xen2kvm: out of memory\n";
    (void)!write(2, msg, sizeof msg - 1);
    abort(); /* out of memory */
}

void *
x2k_xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);

    return p ? p : oom();
}

void *
x2k_xcalloc(size_t nmemb, size_t size)
{
    void *p = calloc(nmemb ? nmemb : 1, size ? size : 1);

    return p ? p : oom();
}

void *
x2k_xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);

    return q ? q : oom();
}

void *
x2k_xreallocarray(void *p, size_t nmemb, size_t size)
{
    if (size && nmemb > SIZE_MAX / size)
        return oom();
    return x2k_xrealloc(p, nmemb * size);
}

char *
x2k_xstrdup(const char *s)
{
    return s ? x2k_xstrndup(s, strlen(s)) : NULL;
}

char *
x2k_xstrndup(const char *s, size_t n)
{
    size_t len = strnlen(s, n);
    char *p = x2k_xmalloc(len + 1);

    memcpy(p, s, len);
    p[len] = '\0';
    return p;
}

char *
x2k_strdup_vprintf(const char *fmt, va_list ap)
{
    char *s = NULL;

    if (vasprintf(&s, fmt, ap) < 0)
        return oom();
    return s;
}

char *
x2k_strdup_printf(const char *fmt, ...)
{
    va_list ap;
    char *s;

    va_start(ap, fmt);
    s = x2k_strdup_vprintf(fmt, ap);
    va_end(ap);
    return s;
}

void
x2k_str_replace(char **dst, const char *src)
{
    char *old = *dst;

    *dst = x2k_xstrdup(src);
    free(old);
}

bool
x2k_str_has_prefix(const char *s, const char *prefix)
{
    return s && strncmp(s, prefix, strlen(prefix)) == 0;
}

bool
x2k_str_has_suffix(const char *s, const char *suffix)
{
    size_t n, m;

    if (!s)
        return false;
    n = strlen(s);
    m = strlen(suffix);
    return n >= m && memcmp(s + n - m, suffix, m) == 0;
}

bool
x2k_str_equal(const char *a, const char *b)
{
    if (!a || !b)
        return a == b;
    return strcmp(a, b) == 0;
}

bool
x2k_str_is_empty(const char *s)
{
    return !s || !*s;
}

bool
x2k_str_has_control(const char *s)
{
    const unsigned char *p;

    for (p = (const unsigned char *)s; *p; p++) {
        if (*p < 0x20 || *p == 0x7f)
            return true;
    }
    return false;
}

bool
x2k_parse_long(const char *s, long min, long max, long *out)
{
    char *end = NULL;
    long v;

    if (x2k_str_is_empty(s))
        return false;
    errno = 0;
    v = strtol(s, &end, 10);
    if (errno || *end != '\0' || v < min || v > max)
        return false;
    *out = v;
    return true;
}

void
x2k_secure_zero(void *p, size_t n)
{
    if (p)
        explicit_bzero(p, n);
}

void
x2k_secure_free(char *s)
{
    if (s) {
        explicit_bzero(s, strlen(s));
        free(s);
    }
}

/* Decode one character of S (at most N bytes); return its length and
 * width, treating an invalid byte as one column. */
static size_t
char_at(const char *s, size_t n, int *width)
{
    mbstate_t st;
    wchar_t wc;
    size_t len;
    int w;

    memset(&st, 0, sizeof st);
    len = mbrtowc(&wc, s, n, &st);
    if (len == (size_t)-1 || len == (size_t)-2 || len == 0) {
        *width = 1;
        return 1;
    }
    w = wcwidth(wc);
    *width = w < 0 ? 1 : w;
    return len;
}

size_t
x2k_mbswidth(const char *s)
{
    size_t n = strlen(s), i = 0, cols = 0;
    int w;

    while (i < n) {
        i += char_at(s + i, n - i, &w);
        cols += (size_t)w;
    }
    return cols;
}

size_t
x2k_mbs_fit(const char *s, size_t cols)
{
    size_t n = strlen(s), i = 0, used = 0, len;
    int w;

    while (i < n) {
        len = char_at(s + i, n - i, &w);
        if (used + (size_t)w > cols)
            break;
        used += (size_t)w;
        i += len;
    }
    return i;
}

double
x2k_now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void
x2k_buf_append(struct x2k_buf *b, const void *p, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 64;

        while (cap < b->len + n + 1)
            cap *= 2;
        b->data = x2k_xrealloc(b->data, cap);
        b->cap = cap;
    }
    if (n)
        memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void
x2k_buf_puts(struct x2k_buf *b, const char *s)
{
    x2k_buf_append(b, s, strlen(s));
}

void
x2k_buf_printf(struct x2k_buf *b, const char *fmt, ...)
{
    va_list ap;
    char *s;

    va_start(ap, fmt);
    s = x2k_strdup_vprintf(fmt, ap);
    va_end(ap);
    x2k_buf_puts(b, s);
    free(s);
}

char *
x2k_buf_steal(struct x2k_buf *b)
{
    char *s;

    if (!b->data)
        return x2k_xstrdup("");
    s = b->data;
    b->data = NULL;
    b->len = b->cap = 0;
    return s;
}

void
x2k_buf_clear(struct x2k_buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

const char *
x2k_format_bytes(uint64_t n, char *buf, size_t len)
{
    static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB" };
    double v = (double)n;
    size_t u = 0;

    while (v >= 1024 && u + 1 < X2K_N_ELEMENTS(units)) {
        v /= 1024;
        u++;
    }
    if (u == 0)
        snprintf(buf, len, "%llu B", (unsigned long long)n);
    else
        snprintf(buf, len, "%.1f %s", v, units[u]);
    return buf;
}

char *
x2k_name_sanitize(const char *name, size_t max_bytes)
{
    char *s = x2k_xstrdup(name && *name ? name : "guest");
    unsigned char *p;
    size_t n;

    for (p = (unsigned char *)s; *p; p++) {
        if (*p == '/' || *p < 0x20 || *p == 0x7f)
            *p = '_';
    }
    if (s[0] == '.')
        s[0] = '_';
    n = strlen(s);
    if (max_bytes > 0 && n > max_bytes) {
        n = max_bytes;
        /* Back up over continuation bytes to a character boundary. */
        while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
            n--;
        s[n] = '\0';
    }
    return s;
}

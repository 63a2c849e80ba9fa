/* Small helpers used by every module: allocation that aborts on
 * out-of-memory, string helpers, scoped cleanup.  Thread-safe.
 */
#ifndef X2K_UTIL_H
#define X2K_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define X2K_N_ELEMENTS(a) (sizeof(a) / sizeof((a)[0]))
#define X2K_NONNULL(...) __attribute__((nonnull(__VA_ARGS__)))
#define X2K_PRINTF(f, a) __attribute__((format(printf, f, a)))
#define X2K_UNUSED __attribute__((unused))

/* Allocation: these abort on out-of-memory (the one allowed abort). */
void *x2k_xmalloc(size_t n);
void *x2k_xcalloc(size_t nmemb, size_t size);
void *x2k_xrealloc(void *p, size_t n);
void *x2k_xreallocarray(void *p, size_t nmemb, size_t size);
char *x2k_xstrdup(const char *s);           /* NULL -> NULL */
char *x2k_xstrndup(const char *s, size_t n);
char *x2k_strdup_printf(const char *fmt, ...) X2K_PRINTF(1, 2);
char *x2k_strdup_vprintf(const char *fmt, va_list ap) X2K_PRINTF(1, 0);

/* Replace *DST with a copy of SRC (NULL allowed), freeing the old value. */
void x2k_str_replace(char **dst, const char *src);

bool x2k_str_has_prefix(const char *s, const char *prefix);
bool x2k_str_has_suffix(const char *s, const char *suffix);
bool x2k_str_equal(const char *a, const char *b);   /* NULL-safe */
bool x2k_str_is_empty(const char *s);               /* NULL or "" */
/* Whether S has a control character (below 0x20, or DEL). */
bool x2k_str_has_control(const char *s) X2K_NONNULL(1);

/* Parse a whole decimal number in [MIN, MAX]; false on junk/overflow. */
bool x2k_parse_long(const char *s, long min, long max, long *out);

/* Zero a buffer in a way the compiler may not drop, then free it. */
void x2k_secure_free(char *s);
void x2k_secure_zero(void *p, size_t n);

/* Display width of a UTF-8 string in terminal columns (CJK counts 2,
 * invalid bytes count 1).  Needs an LC_CTYPE with UTF-8 for CJK. */
size_t x2k_mbswidth(const char *s);

/* Bytes of S that fit in COLS display columns without splitting a
 * character. */
size_t x2k_mbs_fit(const char *s, size_t cols);

/* N bytes for people: "512 B", "1.5 KiB", "768.0 MiB" (binary units,
 * one decimal).  Writes BUF (LEN bytes) and returns it. */
const char *x2k_format_bytes(uint64_t n, char *buf, size_t len);

/* NAME made safe as one file name component (caller frees): '/',
 * control characters and DEL become '_', so does a leading '.'; an
 * empty or NULL name is "guest".  MAX_BYTES > 0 cuts it to at most that
 * many bytes without splitting a UTF-8 character.  A hostile guest
 * name must not place a file outside its directory. */
char *x2k_name_sanitize(const char *name, size_t max_bytes);

/* Monotonic time in seconds. */
double x2k_now(void);

/* Growable byte buffer. */
struct x2k_buf {
    char *data;                     /* always NUL-terminated when len>0 */
    size_t len;
    size_t cap;
};
void x2k_buf_append(struct x2k_buf *b, const void *p, size_t n);
void x2k_buf_puts(struct x2k_buf *b, const char *s);
void x2k_buf_printf(struct x2k_buf *b, const char *fmt, ...) X2K_PRINTF(2, 3);
char *x2k_buf_steal(struct x2k_buf *b);     /* never NULL */
void x2k_buf_clear(struct x2k_buf *b);

/* Scoped cleanup. */
static inline void
x2k_free_ptr(void *p)
{
    free(*(void **)p);
}
#define X2K_AUTOFREE __attribute__((cleanup(x2k_free_ptr)))
#define X2K_AUTO(type) __attribute__((cleanup(type##_freep))) struct type *
#define X2K_DEFINE_AUTO(type, fn)                                   \
    static inline void type##_freep(struct type **p) { fn(*p); }

/* Hand ownership over: return *P and set it to NULL. */
static inline void *
x2k_steal_ptr(void *pp)
{
    void **p = pp;
    void *v = *p;
    *p = NULL;
    return v;
}
#define x2k_steal(pp) x2k_steal_ptr(pp)

#endif /* X2K_UTIL_H */

/* Private to core/guest's pure text rewrites (guest-rewrite.c,
 * guest-rewrite-boot.c and guest-rewrite-root.c): the line helpers they
 * use, the disk renaming
 * rule and the shell assignment parser.  All defined in
 * guest-rewrite.c, which calls nothing in guest-rewrite-boot.c.  No
 * I/O; any thread.
 */
#ifndef X2K_GUEST_REWRITE_INTERNAL_H
#define X2K_GUEST_REWRITE_INTERNAL_H

#include "guest/guest-rewrite.h"

/* Lines of a text (without their newlines), as pointers into a copy. */
struct rw_lines {
    char *copy;
    char **v;
    size_t n;
};

/* Split TEXT into L; free with rw_lines_free. */
void rw_lines_split(struct rw_lines *l, const char *text);
void rw_lines_free(struct rw_lines *l);

/* Called with one line (no newline); returns a new line (freed by the
 * caller), or NULL to keep it.  Callbacks in guest-rewrite.c may also
 * return its private DROP_LINE to delete the line. */
typedef char *(*rw_line_fn)(const char *line, void *opaque);

/* TEXT with FN applied to each line, newlines kept.  Caller frees. */
char *rw_map_lines(const char *text, rw_line_fn fn, void *opaque);

/* S past its leading blanks and tabs. */
const char *rw_skip_space(const char *s);

/* Is the word at P WORD (followed by a blank, '=' or the end)? */
bool rw_word_is(const char *p, const char *word);

/* Is LINE blank or a '#' comment? */
bool rw_is_comment_or_blank(const char *line);

/* The new name of the disk or partition NAME[0..LEN) under MAP (see
 * guest-rewrite.h); NULL when it is not a Xen or IDE disk name. */
char *rw_rename_disk(const char *name, size_t len, const char *const *map);

/* Rewrite the value of a shell assignment KEY=VALUE / KEY+=VALUE on
 * LINE when its key is one of KEYS (NULL-terminated): FN returns the new
 * value, or NULL to keep it.  The value may be quoted.  NULL when the
 * line is kept. */
char *rw_assignment_line(const char *line, const char *const *keys,
                         char *(*fn)(const char *val, size_t len,
                                     void *opaque),
                         void *opaque);

#endif /* X2K_GUEST_REWRITE_INTERNAL_H */

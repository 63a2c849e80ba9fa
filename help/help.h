/* Help texts: one entry per wizard screen and per preflight check, one
 * N_() string per paragraph.  The front end wraps them at run time by
 * display width.  Static data; any thread.
 */
#ifndef X2K_HELP_H
#define X2K_HELP_H

#include <stddef.h>

struct x2k_help {
    const char *id;             /* "screen-ssh", "check-vm-shut-off" */
    const char *title;          /* N_() */
    const char *const *paras;   /* N_() each, NULL-terminated */
};

/* The entry for ID, or NULL.  Strings are untranslated: pass them to
 * gettext (or use x2k_help_title / x2k_help_para). */
const struct x2k_help *x2k_help_find(const char *id);

/* Translated title, and translated paragraph I (NULL past the end). */
const char *x2k_help_title(const struct x2k_help *h);
const char *x2k_help_para(const struct x2k_help *h, size_t i);

/* All entries, terminated by one with id NULL (for tests). */
const struct x2k_help *x2k_help_all(void);

#endif /* X2K_HELP_H */

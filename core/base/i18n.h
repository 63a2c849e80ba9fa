/* Translation macros shared by core/, help/ and tui/.  Include config.h
 * first.  Every user-visible string goes through _() or N_().
 */
#ifndef X2K_I18N_H
#define X2K_I18N_H

#include <libintl.h>
#include <locale.h>

#define _(s) gettext(s)
#define N_(s) (s)

#endif /* X2K_I18N_H */

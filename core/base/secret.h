/* Secrets in memory (passwords): a copy that is wiped when freed, and
 * a process that cannot be dumped (no core file, no ptrace by the same
 * user: PR_SET_DUMPABLE 0) for as long as any secret is held.  Any
 * thread.
 */
#ifndef X2K_SECRET_H
#define X2K_SECRET_H

#include <stdbool.h>

/* A copy of S held as a secret (NULL gives NULL).  Free it with
 * x2k_secret_free. */
char *x2k_secret_dup(const char *s);

/* Wipe and free a secret from x2k_secret_dup (NULL: no-op); the process
 * is dumpable again when the last secret is gone. */
void x2k_secret_free(char *s);

/* Count a secret held elsewhere (a text field being typed into), and
 * stop counting it.  Calls pair up. */
void x2k_secret_hold(void);
void x2k_secret_release(void);

/* Whether a secret is held now (the process is then not dumpable). */
bool x2k_secret_held(void);

#endif /* X2K_SECRET_H */

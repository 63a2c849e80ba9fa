/* Files and directories on this machine: mkdir -p, the atomic write
 * every file the tool keeps goes through, and the PATH search.  Any
 * thread.
 */
#ifndef X2K_FSUTIL_H
#define X2K_FSUTIL_H

#include <sys/types.h>

#include "base/error.h"

/* mkdir -p with MODE for every directory created.  0 or -1 with ERR. */
int x2k_mkdir_p(const char *path, mode_t mode, struct x2k_error *err)
    X2K_NONNULL(1);

/* mkdir -p for the directories above FILE (MODE for each created). */
int x2k_mkdir_parents(const char *file, mode_t mode, struct x2k_error *err)
    X2K_NONNULL(1);

/* Write LEN bytes of DATA to PATH atomically: a new temporary file
 * beside it (mode MODE), fsync, rename over PATH.  0 or -1 with ERR
 * (X2K_ERR_NOSPACE when the disk is full); the temporary file never
 * stays behind. */
int x2k_write_file_atomic(const char *path, const void *data, size_t len,
                          mode_t mode, struct x2k_error *err) X2K_NONNULL(1);

/* The program's cache directory: $XDG_CACHE_HOME/xen2kvm-tui when
 * that is absolute, else $HOME/.cache/xen2kvm-tui (/tmp without a
 * HOME).  Not created.  Caller frees. */
char *x2k_cache_dir(void);

/* The path of the executable NAME: NAME itself when it has a '/',
 * else the first match in $PATH (/usr/bin:/bin when unset).  NULL when
 * there is none.  Caller frees. */
char *x2k_find_program(const char *name) X2K_NONNULL(1);

#endif /* X2K_FSUTIL_H */

/* Run locks of preflight (the run-lock check): one run at a time per
 * source guest and per destination on this machine, as flock()ed lock
 * files that name the holder's pid and run directory.  The locks are
 * held by the engine until eng_unlock.  The engine's thread.
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "base/fsutil.h"
#include "base/i18n.h"
#include "base/log.h"
#include "base/text.h"
#include "engine/engine-internal.h"

static void X2K_PRINTF(4, 5)
add(struct x2k_preflight *p, const char *id, enum x2k_check_status st,
    const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    x2k_preflight_vadd(p, id, st, fmt, ap);
    va_end(ap);
}

char *
eng_lock_dir(void)
{
    const char *rt = getenv("XDG_RUNTIME_DIR");
    X2K_AUTOFREE char *cache = NULL;

    if (rt && *rt == '/')
        return x2k_strdup_printf("%s/xen2kvm-tui/locks", rt);
    if (geteuid() == 0)
        return x2k_xstrdup("/run/xen2kvm-tui/locks");
    cache = x2k_cache_dir();
    return x2k_strdup_printf("%s/locks", cache);
}

bool
eng_lock_take(struct x2k_engine *eng, struct x2k_preflight *p,
              const char *dir, const char *key, const char *what)
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int n = 0, k;
    char hex[2 * 16 + 1];
    X2K_AUTOFREE char *path = NULL;
    X2K_AUTOFREE char *text = NULL;
    char buf[4096];
    ssize_t got;
    int fd;

    EVP_Digest(key, strlen(key), md, &n, EVP_sha256(), NULL);
    for (k = 0; k < 16 && k < n; k++)
        snprintf(hex + 2 * k, 3, "%02x", md[k]);
    path = x2k_strdup_printf("%s/%s.lock", dir, hex);
    fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0) {
        add(p, "run-lock", X2K_CHECK_FAIL,
            _("Cannot open the lock file %1$s: %2$s."), path,
            strerror(errno));
        return false;
    }
    if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
        char *pid = NULL, *rd = NULL, *line, *save = NULL;

        got = pread(fd, buf, sizeof buf - 1, 0);
        close(fd);
        buf[got > 0 ? got : 0] = '\0';
        for (line = strtok_r(buf, "\n", &save); line;
             line = strtok_r(NULL, "\n", &save)) {
            if (strncmp(line, "pid=", 4) == 0)
                pid = line + 4;
            else if (strncmp(line, "run-dir=", 8) == 0)
                rd = line + 8;
        }
        text = x2k_text_printable(rd ? rd : "?", false);
        add(p, "run-lock", X2K_CHECK_FAIL,
            _("Another run (process %1$s, run directory %2$s) is migrating "
              "%3$s on this machine. Wait for it to end, or choose another "
              "guest or destination."), pid ? pid : "?", text, what);
        return false;
    }
    text = x2k_strdup_printf("pid=%ld\nrun-dir=%s\nwhat=%s\n",
                             (long)getpid(), eng->run_dir
                                                 ? eng->run_dir : "-",
                             what);
    if (eng->check_only) {
        /* --check: the lock is free; it is not kept. */
        close(fd);
        return true;
    }
    if (ftruncate(fd, 0) < 0 ||
        pwrite(fd, text, strlen(text), 0) != (ssize_t)strlen(text))
        x2k_log(X2K_LOG_DEBUG, "cannot write the lock file %s", path);
    eng->lock_fds = x2k_xreallocarray(eng->lock_fds,
                                         eng->n_lock_fds + 1,
                                         sizeof(int));
    eng->lock_fds[eng->n_lock_fds++] = fd;
    return true;
}

void
eng_unlock(struct x2k_engine *eng)
{
    size_t i;

    for (i = 0; i < eng->n_lock_fds; i++)
        close(eng->lock_fds[i]);
    free(eng->lock_fds);
    eng->lock_fds = NULL;
    eng->n_lock_fds = 0;
}

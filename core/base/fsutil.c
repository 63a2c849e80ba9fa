/* Files and directories (see fsutil.h).  Any thread. */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/fsutil.h"
#include "base/i18n.h"

int
x2k_mkdir_p(const char *path, mode_t mode, struct x2k_error *err)
{
    char *p = x2k_xstrdup(path), *s;
    int rc = 0;

    for (s = p + 1; rc == 0; s++) {
        char c;

        if (*s != '/' && *s != '\0')
            continue;
        c = *s;
        *s = '\0';
        if (mkdir(p, mode) < 0 && errno != EEXIST) {
            x2k_error_set_errno(err, X2K_ERR_IO, errno,
                                _("cannot create directory '%1$s'"), p);
            rc = -1;
        }
        *s = c;
        if (c == '\0')
            break;
    }
    free(p);
    return rc;
}

int
x2k_mkdir_parents(const char *file, mode_t mode, struct x2k_error *err)
{
    X2K_AUTOFREE char *dir = x2k_xstrdup(file);
    char *slash = strrchr(dir, '/');

    if (!slash || slash == dir)
        return 0;
    *slash = '\0';
    return x2k_mkdir_p(dir, mode, err);
}

int
x2k_write_file_atomic(const char *path, const void *data, size_t len,
                      mode_t mode, struct x2k_error *err)
{
    X2K_AUTOFREE char *tmp = NULL;
    const char *slash = strrchr(path, '/');
    const char *p = data;
    int fd;

    tmp = slash ? x2k_strdup_printf("%.*s/.%s.tmp", (int)(slash - path),
                                    path, slash + 1)
                : x2k_strdup_printf(".%s.tmp", path);
    unlink(tmp);
    fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
              mode);
    if (fd < 0) {
        x2k_error_set_errno(err, X2K_ERR_IO, errno,
                            _("cannot write '%1$s'"), path);
        return -1;
    }
    while (len > 0) {
        ssize_t r = write(fd, p, len);

        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            x2k_error_set_errno(err, errno == ENOSPC ? X2K_ERR_NOSPACE
                                                     : X2K_ERR_IO,
                                errno, _("cannot write '%1$s'"), path);
            close(fd);
            unlink(tmp);
            return -1;
        }
        p += r;
        len -= (size_t)r;
    }
    if ((fsync(fd) < 0) | (close(fd) < 0) || rename(tmp, path) < 0) {
        x2k_error_set_errno(err, errno == ENOSPC ? X2K_ERR_NOSPACE
                                                 : X2K_ERR_IO,
                            errno, _("cannot write '%1$s'"), path);
        unlink(tmp);
        return -1;
    }
    return 0;
}

char *
x2k_find_program(const char *name)
{
    const char *path = getenv("PATH");
    const char *p;

    if (strchr(name, '/'))
        return access(name, X_OK) == 0 ? x2k_xstrdup(name) : NULL;
    if (!path)
        path = "/usr/bin:/bin";
    for (p = path;;) {
        size_t n = strcspn(p, ":");
        char *f = x2k_strdup_printf("%.*s/%s", (int)n, n ? p : ".", name);

        if (access(f, X_OK) == 0)
            return f;
        free(f);
        if (!p[n])
            return NULL;
        p += n + 1;
    }
}

char *
x2k_cache_dir(void)
{
    const char *cache = getenv("XDG_CACHE_HOME");
    const char *home = getenv("HOME");

    if (cache && *cache == '/')
        return x2k_strdup_printf("%s/xen2kvm-tui", cache);
    return x2k_strdup_printf("%s/.cache/xen2kvm-tui",
                             home && *home ? home : "/tmp");
}

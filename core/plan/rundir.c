/* Run directories (see rundir.h). */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/i18n.h"
#include "plan/rundir.h"

char *
x2k_rundir_state_dir(const struct x2k_plan *plan)
{
    const char *xdg, *home;

    if (!x2k_str_is_empty(plan->state_dir))
        return x2k_xstrdup(plan->state_dir);
    if (geteuid() == 0)
        return x2k_xstrdup("/var/lib/xen2kvm");
    xdg = getenv("XDG_STATE_HOME");
    if (!x2k_str_is_empty(xdg) && xdg[0] == '/')
        return x2k_strdup_printf("%s/xen2kvm", xdg);
    home = getenv("HOME");
    return x2k_strdup_printf("%s/.local/state/xen2kvm",
                             !x2k_str_is_empty(home) ? home : "/tmp");
}

int
x2k_mkdir_p(const char *path, mode_t mode, struct x2k_error *err)
{
    char *p = x2k_xstrdup(path), *s;
    int rc = 0;

    for (s = p + 1; rc == 0; s++) {
        if (*s != '/' && *s != '\0')
            continue;
        {
            char c = *s;

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
    }
    free(p);
    return rc;
}

/* NAME made safe as one path component, at most 64 bytes. */
static char *
safe_component(const char *name)
{
    char *s = x2k_xstrndup(name, 64);
    unsigned char *p;

    for (p = (unsigned char *)s; *p; p++) {
        if (*p == '/' || *p < 0x20 || *p == 0x7f)
            *p = '_';
    }
    if (s[0] == '.' || s[0] == '\0') {
        char *t = x2k_strdup_printf("_%s", s);

        free(s);
        s = t;
    }
    return s;
}

char *
x2k_rundir_create(const struct x2k_plan *plan, const char *name,
                  struct x2k_error *err)
{
    char *state = x2k_rundir_state_dir(plan);
    char *runs = x2k_strdup_printf("%s/runs", state);
    char *safe = safe_component(name);
    char stamp[32];
    char *path = NULL;
    time_t now = time(NULL);
    struct tm tm;
    int i;

    gmtime_r(&now, &tm);
    strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tm);
    if (x2k_mkdir_p(runs, 0700, err) < 0)
        goto out;
    for (i = 0; i < 1000; i++) {
        path = i ? x2k_strdup_printf("%s/%s-%s-%d", runs, stamp, safe, i)
                 : x2k_strdup_printf("%s/%s-%s", runs, stamp, safe);
        if (mkdir(path, 0700) == 0)
            goto out;
        if (errno != EEXIST) {
            x2k_error_set_errno(err, X2K_ERR_IO, errno,
                                _("cannot create run directory '%1$s'"),
                                path);
            free(path);
            path = NULL;
            goto out;
        }
        free(path);
        path = NULL;
    }
    x2k_error_set(err, X2K_ERR_IO, _("cannot create a run directory in "
                                     "'%1$s'"),
                  runs);
out:
    free(state);
    free(runs);
    free(safe);
    return path;
}

int
x2k_rundir_write(const char *dir, const char *file, const void *data,
                 size_t len, struct x2k_error *err)
{
    char *path = x2k_strdup_printf("%s/%s", dir, file);
    char *tmp = x2k_strdup_printf("%s/.%s.tmp", dir, file);
    const char *p = data;
    int fd, rc = -1;

    fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) {
        x2k_error_set_errno(err, X2K_ERR_IO, errno,
                            _("cannot write '%1$s'"), path);
        goto out;
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
            goto out;
        }
        p += r;
        len -= (size_t)r;
    }
    if ((fsync(fd) < 0) | (close(fd) < 0) || rename(tmp, path) < 0) {
        x2k_error_set_errno(err, X2K_ERR_IO, errno,
                            _("cannot write '%1$s'"), path);
        unlink(tmp);
        goto out;
    }
    rc = 0;
out:
    free(path);
    free(tmp);
    return rc;
}

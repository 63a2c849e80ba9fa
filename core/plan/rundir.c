/* Run directories (see rundir.h). */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/fsutil.h"
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

char *
x2k_rundir_create(const struct x2k_plan *plan, const char *name,
                  struct x2k_error *err)
{
    char *state = x2k_rundir_state_dir(plan);
    char *runs = x2k_strdup_printf("%s/runs", state);
    char *safe = x2k_name_sanitize(name, 64);
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
    X2K_AUTOFREE char *path = x2k_strdup_printf("%s/%s", dir, file);

    return x2k_write_file_atomic(path, data, len, 0600, err);
}

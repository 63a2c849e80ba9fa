/* The list cache (see listcache.h).  Any thread. */
#include <config.h>

#include "base/fsutil.h"
#include "base/i18n.h"
#include "base/util.h"
#include "source/listcache.h"

char *
x2k_listcache_path(void)
{
    char *dir = x2k_cache_dir();
    char *path = x2k_strdup_printf("%s/guests", dir);

    free(dir);
    return path;
}

int
x2k_listcache_write(const char *uri, const char *const *names, size_t n,
                    struct x2k_error *err)
{
    struct x2k_buf b = { 0 };
    char *path, *data;
    size_t i, len;
    int rc = -1;

    if (x2k_str_has_control(uri)) {
        x2k_error_set(err, X2K_ERR_INVALID,
                      _("The URI has control characters; the list of its "
                        "guests is not cached."));
        return -1;
    }
    x2k_buf_printf(&b, "%s\n", uri);
    for (i = 0; i < n; i++) {
        if (!names[i] || !*names[i] || x2k_str_has_control(names[i]) ||
            strcmp(names[i], "Domain-0") == 0)
            continue;
        x2k_buf_printf(&b, "%s\n", names[i]);
    }
    len = b.len;
    data = x2k_buf_steal(&b);
    path = x2k_listcache_path();
    if (x2k_mkdir_parents(path, 0700, err) == 0)
        rc = x2k_write_file_atomic(path, data, len, 0600, err);
    free(path);
    free(data);
    return rc;
}

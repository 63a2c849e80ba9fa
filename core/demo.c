/* The demo host's disk images (see demo.h): read DEMODIR/disks.txt,
 * create what is missing in the cache directory, map the XML's paths
 * to those files.  Called from any thread; no shared state.
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "demo.h"
#include "i18n.h"
#include "plan.h"

#define MIB (1024 * 1024)

char *
x2k_demo_cache_dir(void)
{
    const char *cache = getenv("XDG_CACHE_HOME");
    const char *home = getenv("HOME");

    if (cache && *cache == '/')
        return x2k_strdup_printf("%s/xen2kvm-tui/demo", cache);
    return x2k_strdup_printf("%s/.cache/xen2kvm-tui/demo",
                             home && *home ? home : "/tmp");
}

char *
x2k_demo_map_path(const char *path)
{
    char *dir, *out;

    if (!x2k_str_has_prefix(path, X2K_DEMO_PREFIX))
        return x2k_xstrdup(path);
    dir = x2k_demo_cache_dir();
    out = x2k_strdup_printf("%s/%s", dir, path + strlen(X2K_DEMO_PREFIX));
    free(dir);
    return out;
}

/* mkdir -p for the parents of FILE. */
static int
make_parents(const char *file, struct x2k_error *err)
{
    char *p = x2k_xstrdup(file), *s;

    for (s = p + 1; *s; s++) {
        if (*s != '/')
            continue;
        *s = '\0';
        if (mkdir(p, 0700) < 0 && errno != EEXIST) {
            x2k_error_set_errno(err, X2K_ERR_IO, errno,
                                _("cannot create the directory '%1$s'"), p);
            free(p);
            return -1;
        }
        *s = '/';
    }
    free(p);
    return 0;
}

/* A sparse image of MIB_SIZE MiB with a recognisable MiB of data at
 * the start and at the middle (the rest reads as zeros). */
static int
make_image(const char *file, long mib_size, struct x2k_error *err)
{
    char *tmp = x2k_strdup_printf("%s.tmp", file);
    char *buf = x2k_xmalloc(MIB);
    off_t offsets[2];
    size_t i, j;
    int fd;

    offsets[0] = 0;
    offsets[1] = (off_t)mib_size / 2 * MIB;
    fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0)
        goto fail;
    for (i = 0; i < X2K_N_ELEMENTS(offsets); i++) {
        for (j = 0; j < MIB; j++)
            buf[j] = (char)((j * 31 + i * 7) & 0xff);
        if (pwrite(fd, buf, MIB, offsets[i]) != MIB)
            goto fail;
    }
    if (ftruncate(fd, (off_t)mib_size * MIB) < 0 || close(fd) < 0) {
        fd = -1;
        goto fail;
    }
    fd = -1;
    if (rename(tmp, file) < 0)
        goto fail;
    free(buf);
    free(tmp);
    return 0;

fail:
    x2k_error_set_errno(err, X2K_ERR_IO, errno,
                        _("cannot create the demo image '%1$s'"), file);
    if (fd >= 0)
        close(fd);
    unlink(tmp);
    free(buf);
    free(tmp);
    return -1;
}

int
x2k_demo_prepare(struct x2k_error *err)
{
    char *list = x2k_strdup_printf("%s/disks.txt", x2k_demo_dir());
    FILE *fp = fopen(list, "r");
    char line[512];
    int rc = 0;

    if (!fp) {
        x2k_error_set_errno(err, X2K_ERR_NOT_FOUND, errno,
                            _("cannot read the demo's disk list '%1$s'"),
                            list);
        free(list);
        return -1;
    }
    while (rc == 0 && fgets(line, sizeof line, fp)) {
        char path[400];
        long mib;
        char *file;
        struct stat st;

        if (line[0] == '#' || sscanf(line, "%399s %ld", path, &mib) != 2)
            continue;
        if (mib <= 0 || mib > 4096)
            continue;
        file = x2k_demo_map_path(path);
        if (stat(file, &st) < 0 || st.st_size != (off_t)mib * MIB) {
            rc = make_parents(file, err);
            if (rc == 0)
                rc = make_image(file, mib, err);
        }
        free(file);
    }
    fclose(fp);
    free(list);
    return rc;
}

/* The demo host's disk images (see demo.h): read DEMODIR/disks.txt,
 * create what is missing in the cache directory, map the XML's paths
 * to those files.  Called from any thread; no shared state.
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/fsutil.h"
#include "base/i18n.h"
#include "base/util.h"
#include "plan/plan.h"
#include "source/demo.h"

#define MIB (1024 * 1024)

char *
x2k_demo_cache_dir(void)
{
    char *dir = x2k_cache_dir();
    char *demo = x2k_strdup_printf("%s/demo", dir);

    free(dir);
    return demo;
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

/* Whether MiB number I of an image holds data: three MiB in every
 * four, so a copy has real data to move (and the fourth stays a hole,
 * which the copy keeps sparse). */
static bool
image_mib_has_data(long i)
{
    return i % 4 != 3;
}

/* The bytes an image of MIB_SIZE MiB holds. */
static uint64_t
image_data_bytes(long mib_size)
{
    uint64_t n = 0;
    long i;

    for (i = 0; i < mib_size; i++)
        n += image_mib_has_data(i) ? MIB : 0;
    return n;
}

/* A partly sparse image of MIB_SIZE MiB: a varying byte pattern in
 * the MiB image_mib_has_data() names, holes elsewhere.  Not an OS:
 * the demo's guest fixes find nothing to fix. */
static int
make_image(const char *file, long mib_size, struct x2k_error *err)
{
    char *tmp = x2k_strdup_printf("%s.tmp", file);
    unsigned char *buf = x2k_xmalloc(MIB);
    long i;
    size_t j;
    int fd;

    fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0)
        goto fail;
    for (i = 0; i < mib_size; i++) {
        if (!image_mib_has_data(i))
            continue;
        for (j = 0; j < MIB; j += 8) {
            uint64_t v = ((uint64_t)i << 32 | j) * 0x9e3779b97f4a7c15ULL;

            memcpy(buf + j, &v, 8);
        }
        if (pwrite(fd, buf, MIB, (off_t)i * MIB) != MIB)
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

char *
x2k_demo_pool_dir(void)
{
    char *dir = x2k_demo_cache_dir();
    char *out = x2k_strdup_printf("%s/pool", dir);

    free(dir);
    return out;
}

char *
x2k_demo_target_uri(void)
{
    char *dir = x2k_demo_cache_dir();
    char *out = x2k_strdup_printf("test://%s/kvmhost.xml", dir);

    free(dir);
    return out;
}

/* S with every FROM replaced by TO.  Caller frees. */
static char *
replace_all(const char *s, const char *from, const char *to)
{
    struct x2k_buf b = { 0 };
    const char *p;

    while ((p = strstr(s, from))) {
        x2k_buf_append(&b, s, (size_t)(p - s));
        x2k_buf_puts(&b, to);
        s = p + strlen(from);
    }
    x2k_buf_puts(&b, s);
    return x2k_buf_steal(&b);
}

/* TEXT escaped for an XML attribute or text node.  Caller frees. */
static char *
xml_escape(const char *text)
{
    struct x2k_buf b = { 0 };

    for (; *text; text++) {
        switch (*text) {
        case '&': x2k_buf_puts(&b, "&amp;"); break;
        case '<': x2k_buf_puts(&b, "&lt;"); break;
        case '>': x2k_buf_puts(&b, "&gt;"); break;
        case '\'': x2k_buf_puts(&b, "&apos;"); break;
        case '"': x2k_buf_puts(&b, "&quot;"); break;
        default: x2k_buf_append(&b, text, 1); break;
        }
    }
    return x2k_buf_steal(&b);
}

char *
x2k_demo_map_xml(const char *xml)
{
    char *dir = x2k_demo_cache_dir();
    char *to = x2k_strdup_printf("%s/", dir);
    char *esc = xml_escape(to);
    char *out = replace_all(xml, X2K_DEMO_PREFIX, esc);

    free(esc);
    free(to);
    free(dir);
    return out;
}

/* CACHE/kvmhost.xml from DEMODIR/kvmhost.xml, its pool at CACHE/pool. */
static int
write_target(struct x2k_error *err)
{
    char *tmpl = x2k_strdup_printf("%s/kvmhost.xml", x2k_demo_dir());
    char *dir = x2k_demo_cache_dir();
    char *pool = x2k_demo_pool_dir();
    char *file = x2k_strdup_printf("%s/kvmhost.xml", dir);
    char *text = NULL, *esc = NULL, *out = NULL;
    struct x2k_buf b = { 0 };
    char chunk[4096];
    size_t n;
    FILE *fp;
    int rc = -1;

    fp = fopen(tmpl, "r");
    if (!fp) {
        x2k_error_set_errno(err, X2K_ERR_NOT_FOUND, errno,
                            _("cannot read the demo's target '%1$s'"), tmpl);
        goto out;
    }
    while ((n = fread(chunk, 1, sizeof chunk, fp)) > 0)
        x2k_buf_append(&b, chunk, n);
    fclose(fp);
    text = x2k_buf_steal(&b);
    esc = xml_escape(pool);
    out = replace_all(text, "@POOL@", esc);
    if (x2k_mkdir_p(pool, 0700, err) < 0 ||
        x2k_write_file_atomic(file, out, strlen(out), 0600, err) < 0)
        goto out;
    rc = 0;
out:
    free(out);
    free(esc);
    free(text);
    free(file);
    free(pool);
    free(dir);
    free(tmpl);
    return rc;
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
        /* (Re)made when missing, resized, or an older, emptier one. */
        if (stat(file, &st) < 0 || st.st_size != (off_t)mib * MIB ||
            (uint64_t)st.st_blocks * 512 < image_data_bytes(mib)) {
            rc = x2k_mkdir_parents(file, 0700, err);
            if (rc == 0)
                rc = make_image(file, mib, err);
        }
        free(file);
    }
    fclose(fp);
    free(list);
    if (rc == 0)
        rc = write_target(err);
    return rc;
}

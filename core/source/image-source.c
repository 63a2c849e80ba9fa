/* The image source (--mode image): disk images made by another
 * hypervisor (vmdk, vdi, vhd, vhdx, qcow2, raw), named by the admin with
 * --image, and a domain described by options (--new-name, --vcpus,
 * --memory, --firmware, one NIC per --bridge OUT or --network OUT).
 * Here, and only here, a disk's format is probed, with `qemu-img info
 * --output=json --backing-chain'; an image with a backing file is
 * refused, a split vmdk is accepted only when every extent its
 * descriptor lists is given too.  The result is the minimal Xen HVM
 * domain XML the converter takes, so everything after inspection is
 * shared with the other sources.  With a staging directory, the images
 * the copy stage cannot read (all but raw and qcow2) are first
 * converted by `qemu-img convert' into new raw files there (O_EXCL,
 * 0600), which the XML then names.  Never writes to an image.  Runs on
 * the caller's thread.
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/i18n.h"
#include "base/text.h"
#include "base/util.h"
#include "base/xml.h"
#include "plan/plan.h"
#include "source/source-internal.h"

extern char **environ;

#define MAX_OUTPUT (1024 * 1024)
#define DEFAULT_MEMORY_KIB (1024ULL * 1024)     /* 1 GiB */

struct image {
    char *path;                 /* absolute, as given resolved */
    char *format;               /* qemu-img's name */
    unsigned long long size;    /* virtual size, bytes */
    bool extent;                /* an extent of a given vmdk descriptor */
};

static void
images_free(struct image *im, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        free(im[i].path);
        free(im[i].format);
    }
    free(im);
}

/* Run ARGV (argv[0] on $PATH) with no input; its standard output in
 * *OUT and standard error in *ERRTEXT (both NUL-terminated, caller
 * frees).  The exit status, or -1 if it could not run. */
static int
run_capture(char *const argv[], char **out, char **errtext)
{
    posix_spawn_file_actions_t fa;
    int po[2], pe[2], status = 0, r;
    pid_t pid;
    struct x2k_buf bo = { 0 }, be = { 0 };

    *out = *errtext = NULL;
    if (pipe2(po, O_CLOEXEC) < 0)
        return -1;
    if (pipe2(pe, O_CLOEXEC) < 0) {
        close(po[0]);
        close(po[1]);
        return -1;
    }
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&fa, po[1], 1);
    posix_spawn_file_actions_adddup2(&fa, pe[1], 2);
    r = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    close(po[1]);
    close(pe[1]);
    if (r != 0) {
        close(po[0]);
        close(pe[0]);
        return -1;
    }
    /* Standard error first would block on a full stdout pipe: read
     * stdout to its end (qemu-img writes little to stderr). */
    for (;;) {
        char buf[8192];
        ssize_t n = read(po[0], buf, sizeof buf);

        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        if (bo.len < MAX_OUTPUT)
            x2k_buf_append(&bo, buf, (size_t)n);
    }
    for (;;) {
        char buf[4096];
        ssize_t n = read(pe[0], buf, sizeof buf);

        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        if (be.len < MAX_OUTPUT)
            x2k_buf_append(&be, buf, (size_t)n);
    }
    close(po[0]);
    close(pe[0]);
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    *out = x2k_buf_steal(&bo);
    *errtext = x2k_buf_steal(&be);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

/* qemu-img's message, one line, printable. */
static char *
tool_message(const char *errtext)
{
    X2K_AUTOFREE char *clean = x2k_text_printable(errtext, false);
    size_t n = strlen(clean);

    while (n > 0 && (clean[n - 1] == '\n' || clean[n - 1] == ' '))
        clean[--n] = '\0';
    return x2k_xstrdup(n ? clean : "?");
}

static bool
format_supported(const char *f)
{
    static const char *const ok[] = { "raw", "qcow2", "vmdk", "vdi", "vpc",
                                      "vhdx", NULL };
    size_t i;

    for (i = 0; ok[i]; i++) {
        if (strcmp(f, ok[i]) == 0)
            return true;
    }
    return false;
}

/* Probe IM->path with qemu-img info. */
static int
probe_image(struct image *im, struct x2k_error *err)
{
    char *argv[] = { (char *)"qemu-img", (char *)"info",
                     (char *)"--output=json", (char *)"--backing-chain",
                     im->path, NULL };
    X2K_AUTOFREE char *out = NULL;
    X2K_AUTOFREE char *errtext = NULL;
    struct x2k_jnode *root;
    const struct x2k_jnode *top;
    const char *fmt, *size;
    int rc = run_capture(argv, &out, &errtext);

    if (rc < 0) {
        x2k_error_set(err, X2K_ERR_UNSUPPORTED,
                      _("Cannot run qemu-img to read the image %1$s: "
                        "install qemu-utils (qemu-img)."),
                      im->path);
        return -1;
    }
    if (rc != 0) {
        X2K_AUTOFREE char *msg = tool_message(errtext);

        x2k_error_set(err, X2K_ERR_INVALID,
                      _("qemu-img cannot read the image %1$s: %2$s. Check "
                        "the file (and, for a split vmdk, that its extent "
                        "files are beside the descriptor)."),
                      im->path, msg);
        return -1;
    }
    root = x2k_jnode_parse(out);
    top = root ? x2k_jnode_item(root, 0) : NULL;
    if (!top) {
        x2k_jnode_free(root);
        x2k_error_set(err, X2K_ERR_INVALID,
                      _("qemu-img info printed no description of %1$s."),
                      im->path);
        return -1;
    }
    fmt = x2k_jnode_atom(x2k_jnode_member(top, "format"));
    size = x2k_jnode_atom(x2k_jnode_member(top, "virtual-size"));
    if (x2k_jnode_len(root) > 1 ||
        x2k_jnode_atom(x2k_jnode_member(top, "backing-filename")) ||
        x2k_jnode_atom(x2k_jnode_member(top, "full-backing-filename"))) {
        x2k_jnode_free(root);
        x2k_error_set(err, X2K_ERR_UNSUPPORTED,
                      _("The image %1$s has a backing file, which is not "
                        "followed: make one image of the chain first "
                        "(qemu-img convert -O qcow2 %1$s NEW.qcow2) and "
                        "give that with --image."),
                      im->path);
        return -1;
    }
    if (!fmt || !format_supported(fmt)) {
        x2k_error_set(err, X2K_ERR_UNSUPPORTED,
                      _("The image %1$s is in the format '%2$s', which is "
                        "not converted: give a vmdk, vdi, vhd, vhdx, qcow2 "
                        "or raw image."),
                      im->path, fmt ? fmt : "?");
        x2k_jnode_free(root);
        return -1;
    }
    im->format = x2k_xstrdup(fmt);
    im->size = size ? strtoull(size, NULL, 10) : 0;
    x2k_jnode_free(root);
    return 0;
}

/* The extent file names a vmdk text descriptor at PATH lists, resolved
 * against its directory (NULL-terminated; caller frees), or NULL when
 * PATH is no text descriptor. */
static char **
vmdk_extents(const char *path)
{
    FILE *f = fopen(path, "re");
    char line[4096], head[32];
    char **v = NULL;
    size_t n = 0;
    X2K_AUTOFREE char *dir = NULL;
    const char *slash = strrchr(path, '/');

    if (!f)
        return NULL;
    if (!fgets(head, sizeof head, f) ||
        !x2k_str_has_prefix(head, "# Disk DescriptorFile")) {
        fclose(f);
        return NULL;
    }
    dir = x2k_xstrndup(path, slash ? (size_t)(slash - path) : 0);
    v = x2k_xcalloc(1, sizeof *v);
    /* Extent lines (VMDK specification 5.0, "Extent Descriptions"):
     * ACCESS SECTORS TYPE "FILENAME" [OFFSET]. */
    while (fgets(line, sizeof line, f)) {
        char *q1, *q2;

        if (!x2k_str_has_prefix(line, "RW ") &&
            !x2k_str_has_prefix(line, "RDONLY ") &&
            !x2k_str_has_prefix(line, "NOACCESS "))
            continue;
        q1 = strchr(line, '"');
        q2 = q1 ? strchr(q1 + 1, '"') : NULL;
        if (!q2 || q2 == q1 + 1)
            continue;
        *q2 = '\0';
        v = x2k_xreallocarray(v, n + 2, sizeof *v);
        v[n++] = q1[1] == '/' ? x2k_xstrdup(q1 + 1)
                              : x2k_strdup_printf("%s/%s", dir, q1 + 1);
        v[n] = NULL;
    }
    fclose(f);
    return v;
}

static void
strv_free(char **v)
{
    size_t i;

    for (i = 0; v && v[i]; i++)
        free(v[i]);
    free(v);
}

/* Every extent of each vmdk text descriptor must be one of the images
 * (checked before qemu-img opens them); those are marked as extents
 * (they are no disks of their own). */
static int
check_extents(struct image *im, size_t n, struct x2k_error *err)
{
    size_t i, j, k;

    for (i = 0; i < n; i++) {
        char **ext;

        ext = vmdk_extents(im[i].path);
        for (k = 0; ext && ext[k]; k++) {
            char real[PATH_MAX];
            bool found = false;

            if (realpath(ext[k], real)) {
                for (j = 0; j < n; j++) {
                    if (j != i && strcmp(im[j].path, real) == 0) {
                        im[j].extent = true;
                        found = true;
                    }
                }
            }
            if (!found) {
                x2k_error_set(err, X2K_ERR_INVALID,
                              _("The vmdk %1$s is split into extents, and "
                                "its extent %2$s is not given: give every "
                                "extent with --image too."),
                              im[i].path, ext[k]);
                strv_free(ext);
                return -1;
            }
        }
        strv_free(ext);
    }
    return 0;
}

/* A new raw file at DEST (O_EXCL, 0600) holding IM converted by
 * qemu-img. */
static int
stage_image(const struct image *im, const char *dest,
            struct x2k_reporter *r, struct x2k_error *err)
{
    char *argv[] = { (char *)"qemu-img", (char *)"convert", (char *)"-n",
                     (char *)"-f", im->format, (char *)"-O", (char *)"raw",
                     im->path, (char *)dest, NULL };
    X2K_AUTOFREE char *out = NULL;
    X2K_AUTOFREE char *errtext = NULL;
    int fd, rc;

    fd = open(dest, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
              0600);
    if (fd < 0) {
        x2k_error_set(err, X2K_ERR_IO,
                      _("Cannot create the staging file %1$s: %2$s"), dest,
                      strerror(errno));
        return -1;
    }
    if (ftruncate(fd, (off_t)im->size) < 0) {
        x2k_error_set(err, errno == ENOSPC || errno == EFBIG
                               ? X2K_ERR_NOSPACE : X2K_ERR_IO,
                      _("Cannot size the staging file %1$s: %2$s"), dest,
                      strerror(errno));
        close(fd);
        unlink(dest);
        return -1;
    }
    close(fd);
    if (r)
        x2k_report_log(r, "image %s (%s): qemu-img convert to %s",
                       im->path, im->format, dest);
    rc = run_capture(argv, &out, &errtext);
    if (rc != 0) {
        X2K_AUTOFREE char *msg = tool_message(errtext ? errtext : "");

        unlink(dest);
        x2k_error_set(err, X2K_ERR_IO,
                      _("qemu-img could not convert the image %1$s: %2$s"),
                      im->path, rc < 0 ? _("cannot run qemu-img") : msg);
        return -1;
    }
    return 0;
}

/* A MAC address for NIC I of domain NAME: stable, in QEMU's locally
 * administered 52:54:00 range. */
static void
nic_mac(const char *name, size_t i, char mac[18])
{
    uint32_t h = 2166136261u;
    const unsigned char *p;

    for (p = (const unsigned char *)name; *p; p++)
        h = (h ^ *p) * 16777619u;
    h = (h ^ (uint32_t)i) * 16777619u;
    snprintf(mac, 18, "52:54:00:%02x:%02x:%02x", (h >> 16) & 0xff,
             (h >> 8) & 0xff, h & 0xff);
}

static void
put_domain(struct x2k_buf *b, const struct x2k_plan *plan,
           const struct image *im, size_t n, char **paths)
{
    X2K_AUTOFREE char *name = x2k_xml_escape(plan->new_name);
    unsigned long long kib = plan->memory_kib ? plan->memory_kib
                                              : DEFAULT_MEMORY_KIB;
    size_t i, d = 0;

    x2k_buf_printf(b, "<domain type='xen'>\n  <name>%s</name>\n", name);
    x2k_buf_printf(b, "  <memory unit='KiB'>%llu</memory>\n", kib);
    x2k_buf_printf(b, "  <currentMemory unit='KiB'>%llu</currentMemory>\n",
                   kib);
    x2k_buf_printf(b, "  <vcpu placement='static'>%d</vcpu>\n",
                   plan->vcpus > 0 ? plan->vcpus : 1);
    x2k_buf_puts(b, "  <os>\n"
                    "    <type arch='x86_64' machine='xenfv'>hvm</type>\n");
    if (plan->firmware == X2K_FIRMWARE_UEFI)
        x2k_buf_puts(b, "    <loader readonly='yes' type='pflash'>"
                        "/usr/lib/xen/boot/ovmf.bin</loader>\n");
    else
        x2k_buf_puts(b, "    <loader type='rom'>"
                        "/usr/lib/xen/boot/hvmloader</loader>\n");
    x2k_buf_puts(b, "    <boot dev='hd'/>\n  </os>\n"
                    "  <features>\n    <acpi/>\n    <apic/>\n    <pae/>\n"
                    "  </features>\n"
                    "  <clock offset='utc'/>\n"
                    "  <on_poweroff>destroy</on_poweroff>\n"
                    "  <on_reboot>restart</on_reboot>\n"
                    "  <on_crash>destroy</on_crash>\n"
                    "  <devices>\n");
    for (i = 0; i < n; i++) {
        X2K_AUTOFREE char *path = NULL;
        bool staged = paths && paths[i];

        if (im[i].extent)
            continue;
        path = x2k_xml_escape(staged ? paths[i] : im[i].path);
        x2k_buf_printf(b, "    <disk type='file' device='disk'>\n"
                          "      <driver name='qemu' type='%s'/>\n"
                          "      <source file='%s'/>\n",
                       staged ? "raw" : im[i].format, path);
        if (d < 26)
            x2k_buf_printf(b, "      <target dev='xvd%c' bus='xen'/>\n",
                           (char)('a' + d));
        else
            x2k_buf_printf(b, "      <target dev='xvd%c%c' bus='xen'/>\n",
                           (char)('a' + d / 26 - 1), (char)('a' + d % 26));
        x2k_buf_puts(b, "    </disk>\n");
        d++;
    }
    for (i = 0; i < plan->n_nets; i++) {
        const struct x2k_netmap *m = &plan->nets[i];
        X2K_AUTOFREE char *out = x2k_xml_escape(m->out);
        char mac[18];
        bool bridge = m->kind == X2K_NET_BRIDGE;

        nic_mac(plan->new_name, i, mac);
        x2k_buf_printf(b, "    <interface type='%s'>\n"
                          "      <mac address='%s'/>\n"
                          "      <source %s='%s'/>\n"
                          "    </interface>\n",
                       bridge ? "bridge" : "network", mac,
                       bridge ? "bridge" : "network", out);
    }
    x2k_buf_puts(b, "    <serial type='pty'>\n      <target port='0'/>\n"
                    "    </serial>\n"
                    "    <console type='pty'>\n"
                    "      <target type='serial' port='0'/>\n"
                    "    </console>\n"
                    "  </devices>\n</domain>\n");
}

char *
x2k_image_domain_xml(const struct x2k_plan *plan, const char *stage_dir,
                     struct x2k_reporter *r, struct x2k_error *err)
{
    struct image *im;
    char **paths = NULL;
    struct x2k_buf b = { 0 };
    size_t i, j, n = plan->n_images;
    char *xml = NULL;

    if (n == 0 || x2k_str_is_empty(plan->new_name)) {
        x2k_error_set(err, X2K_ERR_INVALID,
                      _("--mode image needs --image PATH and --new-name "
                        "NAME"));
        return NULL;
    }
    im = x2k_xcalloc(n, sizeof *im);
    for (i = 0; i < n; i++) {
        char real[PATH_MAX];
        struct stat st;

        if (!realpath(plan->images[i], real) || stat(real, &st) < 0) {
            x2k_error_set(err, X2K_ERR_NOT_FOUND,
                          _("--image %1$s: %2$s"), plan->images[i],
                          strerror(errno));
            goto out;
        }
        if (!S_ISREG(st.st_mode)) {
            x2k_error_set(err, X2K_ERR_INVALID,
                          _("--image %1$s is not a regular file: give a "
                            "disk image file."),
                          plan->images[i]);
            goto out;
        }
        im[i].path = x2k_xstrdup(real);
        for (j = 0; j < i; j++) {
            if (strcmp(im[j].path, real) == 0) {
                x2k_error_set(err, X2K_ERR_INVALID,
                              _("--image %1$s is given twice."),
                              plan->images[i]);
                goto out;
            }
        }
    }
    if (check_extents(im, n, err) < 0)
        goto out;
    for (i = 0; i < n; i++) {
        if (probe_image(&im[i], err) < 0)
            goto out;
    }
    if (stage_dir) {
        paths = x2k_xcalloc(n + 1, sizeof *paths);
        for (i = 0; i < n; i++) {
            if (im[i].extent || strcmp(im[i].format, "raw") == 0 ||
                strcmp(im[i].format, "qcow2") == 0)
                continue;
            paths[i] = x2k_strdup_printf("%s/image-%zu.raw", stage_dir, i);
            if (stage_image(&im[i], paths[i], r, err) < 0)
                goto out;
        }
    }
    put_domain(&b, plan, im, n, paths);
    xml = x2k_buf_steal(&b);
out:
    images_free(im, n);
    for (i = 0; paths && i < n; i++)
        free(paths[i]);
    free(paths);
    return xml;
}

/* The output format rule: a copy is --format (default raw) whatever the
 * source's.  A disk copied raw for --format=qcow2, or a qcow2 source
 * copied as the file it is, is converted by qemu-img beside the output
 * (after a space check) and the copy is removed; qemu-img's own
 * progress becomes the disk's progress events (phase "convert").  Runs
 * on the transfer worker that copied the disk.
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/i18n.h"
#include "transfer/transfer-job.h"

extern char **environ;

/* qemu-img convert RAW (in SRC_FMT) to OUT_FMT at DEST, its progress
 * folded into the disk's progress events (phase "convert"). */
int
tx_convert_image(struct tx_worker *w, size_t i, const char *raw,
                 const char *src_fmt, const char *dest, const char *out_fmt,
                 uint64_t size, struct x2k_error *err)
{
    struct tx_ctx *ctx = w->ctx;
    X2K_AUTOFREE char *part = x2k_strdup_printf("%s.x2k-part", dest);
    X2K_AUTOFREE char *dir = x2k_xstrdup(dest);
    bool prealloc = ctx->opts->allocation == X2K_ALLOC_PREALLOCATED;
    char *argv[] = {
        (char *)"qemu-img", (char *)"convert", (char *)"-p", (char *)"-f",
        (char *)src_fmt, (char *)"-O", (char *)out_fmt, (char *)"-o",
        (char *)(prealloc ? "preallocation=falloc" : "preallocation=off"),
        (char *)raw, part, NULL,
    };
    posix_spawn_file_actions_t fa;
    struct x2k_rate rate;
    struct statvfs sv;
    struct stat st;
    char buf[512];
    char *slash;
    pid_t pid;
    int pfd[2], wstatus = 0, r;
    uint64_t need;

    /* A copy never refers to a file of this machine: an image naming a
     * backing file is not handed to qemu-img, which would open it. */
    if (strcmp(src_fmt, "raw") != 0) {
        unsigned char h[16];
        uint64_t backing = 0;
        int fd = open(raw, O_RDONLY | O_NOFOLLOW | O_CLOEXEC), k;
        ssize_t got = fd >= 0 ? pread(fd, h, sizeof h, 0) : -1;

        if (fd >= 0)
            close(fd);
        for (k = 8; got == (ssize_t)sizeof h && k < 16; k++)
            backing = (backing << 8) | h[k];
        if (got != (ssize_t)sizeof h || memcmp(h, "QFI\xfb", 4) != 0 ||
            backing != 0) {
            x2k_error_set(err, X2K_ERR_UNSUPPORTED,
                          _("'%1$s' is not a standalone qcow2 image (it "
                            "names a backing file, or is not qcow2): it is "
                            "not converted."), raw);
            return -1;
        }
    }
    /* Space: the output holds at most the copy's data (all of SIZE if
     * preallocated) while the copy still exists. */
    slash = strrchr(dir, '/');
    if (slash)
        *(slash == dir ? slash + 1 : slash) = '\0';
    need = prealloc ? size : 0;
    if (!prealloc && stat(raw, &st) == 0)
        need = (uint64_t)st.st_blocks * 512;
    need += need / 64 + 1024 * 1024;     /* qcow2 metadata */
    if (statvfs(slash ? dir : ".", &sv) == 0 &&
        (uint64_t)sv.f_bavail * sv.f_frsize < need) {
        uint64_t avail = (uint64_t)sv.f_bavail * sv.f_frsize;

        x2k_error_set(err, X2K_ERR_NOSPACE,
                      _("No space left for '%1$s': converting to %2$s needs %3$llu more bytes (%4$.1f MiB)."),
                      dest, out_fmt, (unsigned long long)(need - avail),
                      (double)(need - avail) / 1048576.0);
        return -1;
    }

    /* The converted file is private from its first byte: made here
     * (0600, new), and qemu-img writes into it (opening an existing file
     * keeps its mode).  A .x2k-part is this program's own leftover. */
    {
        int pf;

        (void)unlink(part);
        pf = open(part, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
                  0600);
        if (pf < 0) {
            x2k_error_set_errno(err, X2K_ERR_IO, errno,
                                _("Cannot write '%1$s'."), part);
            return -1;
        }
        close(pf);
    }
    if (pipe2(pfd, O_CLOEXEC) < 0) {
        x2k_error_set_errno(err, X2K_ERR_IO, errno,
                            _("Cannot run qemu-img."));
        return -1;
    }
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, pfd[1], 1);
    posix_spawn_file_actions_adddup2(&fa, pfd[1], 2);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    r = posix_spawnp(&pid, "qemu-img", &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    close(pfd[1]);
    if (r != 0) {
        close(pfd[0]);
        x2k_error_set_errno(err, X2K_ERR_UNSUPPORTED, r,
                            _("Cannot run qemu-img (install qemu-utils)."));
        return -1;
    }
    x2k_rate_start(&rate, 0);
    for (;;) {
        struct pollfd p = { .fd = pfd[0], .events = POLLIN };
        ssize_t n;
        char *pc;

        if (tx_cancelled(ctx)) {
            kill(pid, SIGTERM);
            break;
        }
        if (poll(&p, 1, 200) <= 0)
            continue;
        n = read(pfd[0], buf, sizeof buf - 1);
        if (n <= 0)
            break;
        buf[n] = '\0';
        /* "    (12.34/100%)\r" */
        pc = strrchr(buf, '(');
        if (pc) {
            double pct = strtod(pc + 1, NULL);

            tx_progress(ctx, i, &rate,
                        (uint64_t)(pct / 100.0 * (double)size), size, false,
                        "convert");
        }
    }
    close(pfd[0]);
    while (waitpid(pid, &wstatus, 0) < 0 && errno == EINTR)
        ;
    if (tx_cancelled(ctx)) {
        unlink(part);
        x2k_error_set(err, X2K_ERR_CANCELLED, _("The copy was cancelled."));
        return -1;
    }
    if (!WIFEXITED(wstatus) || WEXITSTATUS(wstatus) != 0) {
        unlink(part);
        x2k_error_set(err, X2K_ERR_IO,
                      _("qemu-img could not convert '%1$s' to %2$s."), raw,
                      out_fmt);
        return -1;
    }
    tx_progress(ctx, i, &rate, size, size, true, "convert");
    if (rename(part, dest) < 0) {
        x2k_error_set_errno(err, X2K_ERR_IO, errno,
                            _("Cannot write '%1$s'."), dest);
        return -1;
    }
    unlink(raw);
    return 0;
}

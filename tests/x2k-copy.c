/* x2k-copy: a thin command line over x2k_transfer_run() for the shell
 * tests and the benchmark.  Not installed.
 *
 *   x2k-copy [OPTIONS] SOURCE DEST [SOURCE DEST]...
 *     --reader=auto|exec|sftp|local   --block     --verify
 *     --transport=auto|libssh2|openssh
 *     --format=raw|qcow2   --prealloc   --parallel=N   --bwlimit=BYTES
 *     --sync-interval=SECS   --remote-path=PATH   --progress
 *     --io-timeout=SECS
 *     --volume-uri=URI --pool=POOL    (DEST names volumes of POOL)
 *     --host=H --port=P --user=U --identity=F --known-hosts=F
 *     --password-env=VAR
 *     --assemble=FILE   (layout assemble: each DEST is the Xen target,
 *                        xvda1, of its SOURCE; all go into partitions of
 *                        the new disk FILE; "part" lines tell where)
 *     --assembled=FILE  (the same into FILE made by an earlier run)
 * Prints one "disk" line per disk, then the number of progress and of
 * warning events; SIGINT/SIGTERM cancel the copy.
 */
#include <config.h>

#include <fcntl.h>
#include <getopt.h>
#include <linux/fs.h>
#include <signal.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <libvirt/virterror.h>

#include "base/log.h"
#include "convert/layout.h"
#include "transfer/transfer.h"
#define X2K_COPY_SSH 1
#include "ssh/ssh.h"

static struct x2k_reporter reporter;
static bool show_progress;
static unsigned long n_progress;
static unsigned long n_warning;

static void
on_signal(int sig)
{
    x2k_reporter_cancel(&reporter);
}

static void
on_event(const struct x2k_event *ev, void *opaque)
{
    if (ev->kind == X2K_EVENT_PROGRESS) {
        n_progress++;
        if (show_progress)
            fprintf(stderr, "progress disk=%d %s done=%llu total=%llu "
                    "rate=%.0f avg=%.0f eta=%.1f\n", ev->disk,
                    ev->text ? ev->text : "copy",
                    (unsigned long long)ev->done,
                    (unsigned long long)ev->total, ev->rate, ev->avg_rate,
                    ev->eta);
    } else if (ev->text) {
        if (ev->kind == X2K_EVENT_WARNING)
            n_warning++;
        fprintf(stderr, "%s: %s\n",
                ev->kind == X2K_EVENT_WARNING ? "warning" : "log", ev->text);
    }
}

static void
silent(void *opaque, virErrorPtr e)
{
}

static void
on_log(enum x2k_log_level level, const char *line, void *opaque)
{
    fprintf(stderr, "%s: %s\n", x2k_log_level_name(level), line);
}

/* Layout assemble: the geometry of the local SOURCEs named by their Xen
 * targets (in dest_path), the new disk FILE, and each disk's offset. */
static int
make_assembled(const char *file, bool reuse, struct x2k_transfer_disk *disks,
               size_t n)
{
    struct x2k_layout_volume vols[X2K_LAYOUT_MAX_PARTS];
    struct x2k_layout_geometry geo;
    struct x2k_error err = X2K_ERROR_INIT;
    uint8_t mbr[X2K_LAYOUT_SECTOR];
    size_t i;

    for (i = 0; i < n && i < X2K_LAYOUT_MAX_PARTS; i++) {
        uint64_t size = 0;
        int fd = open(disks[i].source, O_RDONLY);

        if (fd >= 0 && ioctl(fd, BLKGETSIZE64, &size) < 0)
            size = (uint64_t)lseek(fd, 0, SEEK_END);
        if (fd >= 0)
            close(fd);
        vols[i] = (struct x2k_layout_volume){ disks[i].dest_path, size,
                                              false };
    }
    if (x2k_layout_compute(vols, n, &geo, &err) < 0 ||
        (x2k_layout_mbr(&geo, 0x78326b31, mbr), !reuse &&
         x2k_transfer_create_disk(file, mbr, sizeof mbr, geo.disk_size,
                                  &err) < 0)) {
        fprintf(stderr, "x2k-copy: %s\n", err.msg);
        return -1;
    }
    printf("assembled: size=%llu\n", (unsigned long long)geo.disk_size);
    for (i = 0; i < geo.n; i++) {
        const struct x2k_layout_part *p = &geo.parts[i];

        disks[p->volume].dest_path = file;
        disks[p->volume].dest_offset = p->offset;
        printf("part %d: volume=%zu offset=%llu size=%llu\n", p->number,
               p->volume, (unsigned long long)p->offset,
               (unsigned long long)p->size);
    }
    return 0;
}

int
main(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "reader", required_argument, NULL, 'r' },
        { "block", no_argument, NULL, 'b' },
        { "transport", required_argument, NULL, 't' },
        { "verify", no_argument, NULL, 'v' },
        { "format", required_argument, NULL, 'f' },
        { "source-format", required_argument, NULL, 'F' },
        { "prealloc", no_argument, NULL, 'a' },
        { "parallel", required_argument, NULL, 'j' },
        { "bwlimit", required_argument, NULL, 'l' },
        { "sync-interval", required_argument, NULL, 's' },
        { "remote-path", required_argument, NULL, 'P' },
        { "io-timeout", required_argument, NULL, 'I' },
        { "progress", no_argument, NULL, 'p' },
        { "volume-uri", required_argument, NULL, 'U' },
        { "pool", required_argument, NULL, 'o' },
        { "host", required_argument, NULL, 'H' },
        { "port", required_argument, NULL, 'T' },
        { "user", required_argument, NULL, 'u' },
        { "identity", required_argument, NULL, 'i' },
        { "known-hosts", required_argument, NULL, 'k' },
        { "password-env", required_argument, NULL, 'w' },
        { "assemble", required_argument, NULL, 'A' },
        { "assembled", required_argument, NULL, 'R' },
        { NULL, 0, NULL, 0 },
    };
    struct x2k_transfer_opts opts = { 0 };
    struct x2k_transfer_disk *disks;
    struct x2k_transfer_result *res;
    struct x2k_error err = X2K_ERROR_INIT;
    const char *uri = NULL, *pool = NULL, *source_format = NULL;
    const char *assemble = NULL;
    bool reuse = false;
    virConnectPtr conn = NULL;
    bool block = false;
#if X2K_COPY_SSH
    struct x2k_ssh_opts ssh = { 0 };
    bool use_ssh = false;
#endif
    size_t n, i;
    int c, rc;

    while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        switch (c) {
        case 'r':
            opts.reader = !strcmp(optarg, "exec") ? X2K_READER_EXEC
                        : !strcmp(optarg, "sftp") ? X2K_READER_SFTP
                        : !strcmp(optarg, "local") ? X2K_READER_LOCAL
                        : X2K_READER_AUTO;
            break;
        case 'b': block = true; break;
        case 't':
            opts.transport = !strcmp(optarg, "libssh2") ? X2K_TRANSPORT_LIBSSH2
                           : !strcmp(optarg, "openssh") ? X2K_TRANSPORT_OPENSSH
                           : X2K_TRANSPORT_AUTO;
            break;
        case 'v': opts.verify = true; break;
        case 'f':
            opts.format = !strcmp(optarg, "qcow2") ? X2K_FORMAT_QCOW2
                                                   : X2K_FORMAT_RAW;
            break;
        case 'F': source_format = optarg; break;
        case 'a': opts.allocation = X2K_ALLOC_PREALLOCATED; break;
        case 'j': opts.parallel = atoi(optarg); break;
        case 'l': opts.bwlimit = strtoull(optarg, NULL, 10); break;
        case 's': opts.sync_interval = atof(optarg); break;
        case 'P': opts.remote_path = optarg; break;
        case 'I': opts.io_timeout = atoi(optarg); break;
        case 'p': show_progress = true; break;
        case 'U': uri = optarg; break;
        case 'A': assemble = optarg; break;
        case 'R': assemble = optarg; reuse = true; break;
        case 'o': pool = optarg; break;
#if X2K_COPY_SSH
        case 'H': ssh.host = optarg; use_ssh = true; break;
        case 'T': ssh.port = atoi(optarg); break;
        case 'u': ssh.user = optarg; break;
        case 'i': ssh.identity = optarg; break;
        case 'k': ssh.known_hosts = optarg; break;
        case 'w': ssh.password = getenv(optarg); break;
#else
        case 'H': case 'T': case 'u': case 'i': case 'k': case 'w':
            fprintf(stderr, "x2k-copy: built without SSH\n");
            return 2;
#endif
        default:
            return 2;
        }
    }
    if (optind >= argc || (argc - optind) % 2) {
        fprintf(stderr, "usage: x2k-copy [OPTIONS] SOURCE DEST...\n");
        return 2;
    }
    x2k_log_set_sink(on_log, NULL, getenv("X2K_DEBUG") ? X2K_LOG_DEBUG
                                                       : X2K_LOG_WARN);
    x2k_reporter_init(&reporter, on_event, NULL);
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    opts.reporter = &reporter;
#if X2K_COPY_SSH
    if (use_ssh) {
        ssh.timeout_ms = 30000;
        opts.ssh = &ssh;
    }
#endif
    virSetErrorFunc(NULL, silent);
    if (uri && !(conn = virConnectOpen(uri))) {
        fprintf(stderr, "x2k-copy: cannot open %s\n", uri);
        return 2;
    }

    n = (argc - optind) / 2;
    disks = calloc(n, sizeof *disks);
    res = calloc(n, sizeof *res);
    for (i = 0; i < n; i++) {
        disks[i].source = argv[optind + 2 * i];
        disks[i].is_block = block;
        disks[i].format = source_format;
        disks[i].name = NULL;
        if (pool) {
            disks[i].conn = conn;
            disks[i].pool = pool;
            disks[i].volume = argv[optind + 2 * i + 1];
        } else {
            disks[i].dest_path = argv[optind + 2 * i + 1];
        }
    }
    if (assemble && make_assembled(assemble, reuse, disks, n) < 0)
        return 1;
    rc = x2k_transfer_run(disks, n, &opts, res, &err);
    for (i = 0; i < n; i++) {
        printf("disk %zu: size=%llu resumed=%llu copied=%llu data=%llu "
               "already=%d verified=%d kept=%d dd=%d reader=%s alg=%s "
               "src=%s dst=%s error=%s\n", i,
               (unsigned long long)res[i].size,
               (unsigned long long)res[i].resumed_from,
               (unsigned long long)res[i].bytes_copied,
               (unsigned long long)res[i].data_bytes,
               res[i].already_done, res[i].verified, res[i].partial_kept,
               res[i].dd_fallback, res[i].reader ? res[i].reader : "-",
               res[i].checksum_alg ? res[i].checksum_alg : "-",
               res[i].source_checksum ? res[i].source_checksum : "-",
               res[i].dest_checksum ? res[i].dest_checksum : "-",
               x2k_errcode_name(res[i].error.code));
        x2k_transfer_result_clear(&res[i]);
    }
    printf("progress-events %lu\n", n_progress);
    printf("warning-events %lu\n", n_warning);
    if (rc < 0) {
        char *msg = x2k_error_format(&err);

        fprintf(stderr, "x2k-copy: error (%s): %s\n",
                x2k_errcode_name(err.code), msg);
        free(msg);
        x2k_error_clear(&err);
    }
    free(disks);
    free(res);
    if (conn)
        virConnectClose(conn);
    return rc < 0 ? 1 : 0;
}

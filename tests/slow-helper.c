/* Driver for the slow tests (make check-slow): calls core's public APIs
 * the way the engine does, prints what came back.
 *
 *   slow-helper guest-fix [--direct-kernel-boot] DISK[:FORMAT]...
 *       open read-write, inspect, check, fix, close; the conversion
 *       report on stdout
 *   slow-helper guest-check DISK[:FORMAT]...
 *       open read-only, inspect, x2k_guest_check
 *   slow-helper v2v-run LOG OUTDIR DOMAIN.XML
 *       build virt-v2v's argv from a plan (libvirtxml input, local
 *       output) and run it; events on stderr
 *   slow-helper v2v-probe
 *       print virt-v2v's path and version
 *   slow-helper kvm-usable
 *       exit 0 if x2k_kvm_is_usable(), else print why and exit 1
 *
 * Events and log lines go to stderr; an error is printed as
 * "error: CODE: MESSAGE" on stderr with exit status 1.
 */
#include <config.h>

#include <stdio.h>
#include <string.h>

#include "base/error.h"
#include "base/event.h"
#include "base/log.h"
#include "base/shquote.h"
#include "convert/kvm.h"
#include "engine/v2v.h"
#include "guest/guest.h"
#include "plan/options.h"
#include "plan/plan.h"

static void
print_event(const struct x2k_event *ev, void *opaque)
{
    if (ev->kind == X2K_EVENT_LOG)
        fprintf(stderr, "log: %s\n", ev->text);
    else if (ev->kind == X2K_EVENT_WARNING)
        fprintf(stderr, "warning: %s\n", ev->text);
    else if (ev->kind == X2K_EVENT_PROGRESS)
        fprintf(stderr, "progress: disk %d %llu/%llu\n", ev->disk,
                (unsigned long long)ev->done, (unsigned long long)ev->total);
}

static void
print_log(enum x2k_log_level level, const char *line, void *opaque)
{
    fprintf(stderr, "%s: %s\n", x2k_log_level_name(level), line);
}

static int
fail(struct x2k_error *err)
{
    char *text = x2k_error_format(err);

    fprintf(stderr, "error: %s: %s\n", x2k_errcode_name(err->code), text);
    free(text);
    x2k_error_clear(err);
    return 1;
}

/* "path:format" -> disk. */
static struct x2k_guest_disk *
parse_disks(char **args, int n)
{
    struct x2k_guest_disk *d = x2k_xcalloc((size_t)n, sizeof *d);
    int i;

    for (i = 0; i < n; i++) {
        char *colon = strrchr(args[i], ':');

        d[i].path = args[i];
        if (colon) {
            *colon = '\0';
            d[i].format = colon + 1;
        }
    }
    return d;
}

static int
guest_fix(int argc, char **argv)
{
    struct x2k_guest_fix_opts opts = { 0 };
    struct x2k_error err = X2K_ERROR_INIT;
    struct x2k_reporter rep;
    struct x2k_guest_report *report = x2k_guest_report_new();
    struct x2k_guest_disk *disks;
    char *text;
    int i = 0, rc;

    if (i < argc && strcmp(argv[i], "--direct-kernel-boot") == 0) {
        opts.direct_kernel_boot = true;
        i++;
    }
    if (i + 1 < argc && strcmp(argv[i], "--root") == 0) {
        opts.root = argv[i + 1];
        i += 2;
    }
    x2k_reporter_init(&rep, print_event, NULL);
    disks = parse_disks(argv + i, argc - i);
    rc = x2k_guest_convert(disks, (size_t)(argc - i), &opts, &rep, report,
                           &err);
    text = x2k_guest_report_format(report);
    fputs(text, stdout);
    free(text);
    x2k_guest_report_free(report);
    free(disks);
    return rc < 0 ? fail(&err) : 0;
}

static int
guest_check(int argc, char **argv)
{
    struct x2k_error err = X2K_ERROR_INIT;
    struct x2k_reporter rep;
    struct x2k_guest_disk *disks = parse_disks(argv, argc);
    struct x2k_guest *g;
    const struct x2k_guest_info *info;
    int rc = -1;

    x2k_reporter_init(&rep, print_event, NULL);
    g = x2k_guest_open(disks, (size_t)argc, true, &rep, &err);
    if (g && (info = x2k_guest_inspect(g, &err)) != NULL) {
        printf("os: %s\nbootloader: %s\nkernels: %zu\n",
               x2k_os_kind_name(info->os),
               x2k_bootloader_name(info->bootloader), info->n_kernels);
        rc = x2k_guest_check(info, false, &err);
    }
    x2k_guest_free(g);
    free(disks);
    return rc < 0 ? fail(&err) : 0;
}

static int
v2v_run(const char *log, const char *outdir, const char *xml)
{
    struct x2k_error err = X2K_ERROR_INIT;
    struct x2k_reporter rep;
    struct x2k_plan plan;
    char **argv;
    char *cmd;
    int rc = -1;

    x2k_plan_init(&plan);
    plan.output = X2K_OUTPUT_LOCAL;
    plan.output_dir = x2k_xstrdup(outdir);
    x2k_reporter_init(&rep, print_event, NULL);
    /* The argv the engine will run, for the test to check... */
    argv = x2k_v2v_build_argv(&plan, xml, NULL, &err);
    if (argv) {
        cmd = x2k_shell_join((const char *const *)argv);
        printf("argv: %s\n", cmd);
        fflush(stdout);
        free(cmd);
        /* ...then the engine's one call. */
        rc = x2k_v2v_convert(&plan, xml, log, &rep, X2K_STAGE_CONVERT, &err);
    }
    x2k_argv_free(argv);
    x2k_plan_clear(&plan);
    /* x2k_plan_clear resets to the defaults, which own strings. */
    free(plan.target_uri);
    free(plan.pool);
    return rc < 0 ? fail(&err) : 0;
}

static int
v2v_probe(void)
{
    struct x2k_error err = X2K_ERROR_INIT;
    struct x2k_v2v_info *info = x2k_v2v_probe(&err);

    if (!info)
        return fail(&err);
    printf("path: %s\nversion: %s\nlibvirtxml: %s\n", info->path,
           info->version,
           x2k_v2v_has_feature(info, "input:libvirtxml") ? "yes" : "no");
    x2k_v2v_info_free(info);
    return 0;
}

int
main(int argc, char **argv)
{
    x2k_log_set_sink(print_log, NULL, X2K_LOG_DEBUG);
    if (argc == 2 && strcmp(argv[1], "kvm-usable") == 0) {
        char *why = NULL;

        if (x2k_kvm_is_usable(&why))
            return 0;
        printf("%s\n", why);
        free(why);
        return 1;
    }
    if (argc >= 3 && strcmp(argv[1], "guest-fix") == 0)
        return guest_fix(argc - 2, argv + 2);
    if (argc >= 3 && strcmp(argv[1], "guest-check") == 0)
        return guest_check(argc - 2, argv + 2);
    if (argc == 5 && strcmp(argv[1], "v2v-run") == 0)
        return v2v_run(argv[2], argv[3], argv[4]);
    if (argc == 2 && strcmp(argv[1], "v2v-probe") == 0)
        return v2v_probe();
    fprintf(stderr, "usage: slow-helper guest-fix|guest-check DISK...\n");
    return 2;
}

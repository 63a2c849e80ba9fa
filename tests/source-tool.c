/* Test driver for core/source: open a libvirt URI the way the product
 * does (x2k_uri_noninteractive, then x2k_source_open) and run one
 * operation, so shell tests can exercise the real module against a real
 * libvirtd.  Not installed.
 *
 *   source-tool URI list                  virsh list --all's table
 *   source-tool URI dumpxml NAME          the inactive XML
 *   source-tool URI state NAME            virsh's state name
 *   source-tool URI shutdown NAME SECS [force]
 *                                         guided shutdown; events on
 *                                         stderr ("progress: D/T",
 *                                         "log: ...", "warning: ...")
 *
 * An ssh://USER@HOST:PORT URI opens the xl source (x2k_source_open_xl)
 * instead, logged in with the key $X2K_SSH_KEY and $X2K_KNOWN_HOSTS;
 * $X2K_XL_CONFIG, if set, is its --xl-config.
 *
 * Exit: 0 ok, 1 error (printed on stderr as "error: CODE: MESSAGE").
 */
#include <config.h>

#include <stdio.h>

#include "base/error.h"
#include "base/event.h"
#include "plan/uri.h"
#include "source/source.h"
#include "ssh/ssh.h"

static void
print_event(const struct x2k_event *ev, void *opaque)
{
    (void)opaque;
    if (ev->kind == X2K_EVENT_LOG)
        fprintf(stderr, "log: %s\n", ev->text);
    else if (ev->kind == X2K_EVENT_WARNING)
        fprintf(stderr, "warning: %s\n", ev->text);
    else if (ev->kind == X2K_EVENT_PROGRESS)
        fprintf(stderr, "progress: %llu/%llu %s\n",
                (unsigned long long)ev->done, (unsigned long long)ev->total,
                ev->text ? ev->text : "");
}

static int
die(struct x2k_error *err)
{
    char *m = x2k_error_format(err);

    fprintf(stderr, "error: %s: %s\n", x2k_errcode_name(err->code), m);
    free(m);
    x2k_error_clear(err);
    return 1;
}

int
main(int argc, char **argv)
{
    struct x2k_error err = X2K_ERROR_INIT;
    struct x2k_source *src;
    struct x2k_ssh *ssh = NULL;
    char *uri;
    const char *op;
    int rc = 0;

    if (argc < 3)
        return 2;
    op = argv[2];
    if (x2k_str_has_prefix(argv[1], "ssh://")) {
        struct x2k_uri *u = x2k_uri_parse(argv[1], &err);
        struct x2k_ssh_opts o = { 0 };

        if (!u)
            return die(&err);
        o.host = u->host;
        o.port = u->port;
        o.user = u->user;
        o.identity = getenv("X2K_SSH_KEY");
        o.known_hosts = getenv("X2K_KNOWN_HOSTS");
        o.no_agent = true;
        ssh = x2k_ssh_connect(&o, &err);
        x2k_uri_free(u);
        if (!ssh)
            return die(&err);
        src = x2k_source_open_xl(ssh, argv[1], getenv("X2K_XL_CONFIG"),
                                 &err);
    } else {
        uri = x2k_uri_noninteractive(argv[1]);
        src = x2k_source_open(uri, NULL, NULL, &err);
        free(uri);
    }
    if (!src)
        return die(&err);

    if (strcmp(op, "list") == 0) {
        struct x2k_source_dom *doms = NULL;
        size_t n = 0;
        if (x2k_source_list(src, &doms, &n, &err) < 0) {
            rc = die(&err);
        } else {
            char *t = x2k_source_format_list(doms, n);
            fputs(t, stdout);
            free(t);
            x2k_source_doms_free(doms, n);
        }
    } else if (strcmp(op, "dumpxml") == 0 && argc == 4) {
        char *xml = x2k_source_dumpxml(src, argv[3], &err);
        if (!xml)
            rc = die(&err);
        else
            fputs(xml, stdout);
        free(xml);
    } else if (strcmp(op, "state") == 0 && argc == 4) {
        enum x2k_domstate st;
        if (x2k_source_state(src, argv[3], &st, &err) < 0)
            rc = die(&err);
        else
            printf("%s\n", x2k_domstate_name(st));
    } else if (strcmp(op, "shutdown") == 0 && (argc == 5 || argc == 6)) {
        struct x2k_reporter r;
        bool force = argc == 6 && strcmp(argv[5], "force") == 0;

        x2k_reporter_init(&r, print_event, NULL);
        if (x2k_source_shutdown(src, argv[3], atoi(argv[4]), force, &r,
                                &err) < 0)
            rc = die(&err);
    } else {
        rc = 2;
    }
    x2k_source_free(src);
    x2k_ssh_free(ssh);
    return rc;
}

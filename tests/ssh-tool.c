/* Test driver for core/ssh: connect with the given options and run one
 * operation, so shell tests can exercise the real module against a real
 * sshd.  Not installed.
 *
 *   ssh-tool [options] HOST exec CMD          run CMD, copy its stdout,
 *                                             stderr and exit status
 *   ssh-tool [options] HOST words WORD...     run printf '[%s]\n' WORD...
 *                                             (each quoted with
 *                                             x2k_shell_quote)
 *   ssh-tool [options] HOST stream CMD        streaming read; prints
 *                                             "bytes N MB/s R"
 *   ssh-tool [options] HOST install-key PUB   prints added|present
 *   ssh-tool [options] HOST probe PATH...     core/inventory's probe of
 *                                             PATH... as disks xvda...
 *   ssh-tool agent-state [PUB]                prints none|running|loaded
 *   ssh-tool keygen PATH                      create an ed25519 key pair
 *   ssh-tool [options] HOST setup-key KEY|''   the whole key setup
 *
 * Options: --port --user --identity --password-file --known-hosts
 * --accept FP --legacy --callback yes|no (answer of the host-key
 * callback, which prints "hostkey: HOST PORT TYPE FP" on stderr),
 * --timeout MS (exec), --cancel-after MS (cancel from another thread).
 * Exit: remote status for exec, 0 ok, 1 error (printed on stderr as
 * "error: CODE: MESSAGE").
 */
#include <config.h>

#include <getopt.h>
#include <pthread.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "base/error.h"
#include "base/shquote.h"
#include "source/inventory.h"
#include "ssh/ssh.h"

static int cb_answer = -1;
static struct x2k_reporter reporter;
static int cancel_after_ms = -1;

static void *
canceller(void *arg)
{
    struct timespec ts = { cancel_after_ms / 1000,
                           (cancel_after_ms % 1000) * 1000000L };
    (void)arg;
    nanosleep(&ts, NULL);
    x2k_reporter_cancel(&reporter);
    return NULL;
}

/* Append S to B as XML attribute text. */
static void
xml_attr(struct x2k_buf *b, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '&': x2k_buf_puts(b, "&amp;"); break;
        case '<': x2k_buf_puts(b, "&lt;"); break;
        case '>': x2k_buf_puts(b, "&gt;"); break;
        case '\'': x2k_buf_puts(b, "&apos;"); break;
        case '"': x2k_buf_puts(b, "&quot;"); break;
        case '\n': x2k_buf_puts(b, "&#10;"); break;
        default: x2k_buf_append(b, s, 1); break;
        }
    }
}

static bool
hostkey_cb(const char *host, int port, const char *keytype,
           const char *fingerprint, void *opaque)
{
    (void)opaque;
    fprintf(stderr, "hostkey: %s %d %s %s\n", host, port, keytype,
            fingerprint);
    return cb_answer == 1;
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
    static const struct option lo[] = {
        { "port", required_argument, NULL, 'p' },
        { "user", required_argument, NULL, 'u' },
        { "identity", required_argument, NULL, 'i' },
        { "password-file", required_argument, NULL, 'P' },
        { "known-hosts", required_argument, NULL, 'k' },
        { "accept", required_argument, NULL, 'a' },
        { "legacy", no_argument, NULL, 'L' },
        { "callback", required_argument, NULL, 'c' },
        { "timeout", required_argument, NULL, 't' },
        { "cancel-after", required_argument, NULL, 'C' },
        { NULL, 0, NULL, 0 },
    };
    struct x2k_ssh_opts o = { 0 };
    struct x2k_error err = X2K_ERROR_INIT;
    struct x2k_ssh *s;
    char *password = NULL;
    const char *op;
    int c, rc = 0, timeout = 30000;
    pthread_t th;

    while ((c = getopt_long(argc, argv, "+", lo, NULL)) != -1) {
        switch (c) {
        case 'p': o.port = atoi(optarg); break;
        case 'u': o.user = optarg; break;
        case 'i': o.identity = optarg; break;
        case 'P':
            password = x2k_ssh_read_password_file(optarg, &err);
            if (!password)
                return die(&err);
            o.password = password;
            break;
        case 'k': o.known_hosts = optarg; break;
        case 'a': o.accept_fingerprint = optarg; break;
        case 'L': o.legacy = true; break;
        case 'c':
            cb_answer = strcmp(optarg, "yes") == 0;
            o.hostkey_cb = hostkey_cb;
            break;
        case 't': timeout = atoi(optarg); break;
        case 'C': cancel_after_ms = atoi(optarg); break;
        default:
            return 2;
        }
    }
    x2k_reporter_init(&reporter, NULL, NULL);
    o.reporter = &reporter;
    if (optind < argc && strcmp(argv[optind], "agent-state") == 0) {
        static const char *const names[] = { "none", "running", "loaded" };
        printf("%s\n", names[x2k_ssh_agent_state(argv[optind + 1])]);
        return 0;
    }
    if (optind + 1 < argc && strcmp(argv[optind], "keygen") == 0) {
        if (x2k_ssh_keygen(argv[optind + 1], &err) < 0)
            return die(&err);
        return 0;
    }
    if (argc - optind == 3 && strcmp(argv[optind + 1], "setup-key") == 0) {
        static const char *const agent[] = { "none", "running", "loaded" };
        struct x2k_key_setup ks;

        o.host = argv[optind];
        rc = x2k_ssh_setup_key(&o, *argv[optind + 2] ? argv[optind + 2]
                                                    : NULL, &ks, &err);
        x2k_secure_free(password);
        if (rc < 0) {
            x2k_key_setup_clear(&ks);
            return die(&err);
        }
        printf("key %s\ncreated %d\ninstalled %d\ndefault %d\n"
               "agent %s\nuri %s\n", ks.key_path, ks.created,
               ks.installed, ks.is_default, agent[ks.agent], ks.uri);
        x2k_key_setup_clear(&ks);
        return 0;
    }
    if (argc - optind < 2)
        return 2;
    o.host = argv[optind];
    op = argv[optind + 1];

    s = x2k_ssh_connect(&o, &err);
    x2k_secure_free(password);
    if (!s)
        return die(&err);
    if (cancel_after_ms >= 0)
        pthread_create(&th, NULL, canceller, NULL);
    fprintf(stderr, "auth: %s %s\n", x2k_ssh_auth_method(s),
            x2k_ssh_auth_keyfile(s) ? x2k_ssh_auth_keyfile(s) : "-");

    if (strcmp(op, "exec") == 0 && argc - optind == 3) {
        char *out = NULL, *errout = NULL;
        if (x2k_ssh_exec(s, argv[optind + 2], NULL, 0, timeout, &out,
                         &errout, &rc, &err) < 0) {
            rc = die(&err);
        } else {
            fputs(out, stdout);
            fputs(errout, stderr);
        }
        free(out);
        free(errout);
    } else if (strcmp(op, "words") == 0) {
        struct x2k_buf b = { 0 };
        char *out = NULL;
        int i;

        x2k_buf_puts(&b, "printf '[%s]\\n'");
        for (i = optind + 2; i < argc; i++) {
            x2k_buf_puts(&b, " ");
            x2k_shell_quote_buf(&b, argv[i]);
        }
        if (x2k_ssh_run(s, b.data, 30000, &out, &err) < 0)
            rc = die(&err);
        else
            fputs(out, stdout);
        free(out);
        x2k_buf_clear(&b);
    } else if (strcmp(op, "stream") == 0 && argc - optind == 3) {
        struct x2k_ssh_chan *ch = x2k_ssh_exec_start(s, argv[optind + 2],
                                                     &err);
        static char buf[1 << 20];
        unsigned long long total = 0;
        double t0 = x2k_now();
        ssize_t n;
        int status = -1;

        if (!ch) {
            rc = die(&err);
        } else {
            while ((n = x2k_ssh_chan_read(ch, buf, sizeof(buf), 30000,
                                          &err)) > 0)
                total += n;
            if (n < 0) {
                rc = die(&err);
                x2k_ssh_chan_close(ch, NULL, NULL, NULL);
            } else if (x2k_ssh_chan_close(ch, &status, NULL, &err) < 0) {
                rc = die(&err);
            } else {
                printf("bytes %llu MB/s %.1f status %d\n", total,
                       total / 1e6 / (x2k_now() - t0), status);
            }
        }
    } else if (strcmp(op, "probe") == 0) {
        /* Probe the files named on the command line as the disks of a
         * domain; print "dev exists readable size format" per disk. */
        struct x2k_buf b = { 0 };
        struct x2k_inventory *inv;
        int i;

        x2k_buf_puts(&b, "<domain type='xen'><name>p</name><devices>");
        for (i = optind + 2; i < argc; i++) {
            x2k_buf_puts(&b, "<disk type='file' device='disk'><source file='");
            xml_attr(&b, argv[i]);
            x2k_buf_printf(&b, "'/><target dev='xvd%c'/></disk>",
                           'a' + (i - optind - 2));
        }
        x2k_buf_puts(&b, "</devices></domain>");
        inv = x2k_inventory_from_xml(b.data, &err);
        if (!inv || x2k_inventory_probe(inv, s, &err) < 0) {
            rc = die(&err);
        } else {
            size_t k;
            for (k = 0; k < inv->n_disks; k++)
                printf("%s %d %d %llu %s\n", inv->disks[k].target_dev,
                       inv->disks[k].exists, inv->disks[k].readable,
                       (unsigned long long)inv->disks[k].size,
                       inv->disks[k].real_format ? inv->disks[k].real_format
                                                 : "-");
        }
        x2k_inventory_free(inv);
        x2k_buf_clear(&b);
    } else if (strcmp(op, "install-key") == 0 && argc - optind == 3) {
        bool added;
        if (x2k_ssh_install_key(s, argv[optind + 2], &added, &err) < 0)
            rc = die(&err);
        else
            printf("%s\n", added ? "added" : "present");
    } else {
        rc = 2;
    }
    x2k_ssh_free(s);
    x2k_error_clear(&err);
    return rc;
}

/* Benchmark: list all domains of a Xen host with 1,000 guests (a
 * generated libvirt test-driver file), as the wizard's URI test and
 * guest list do: open, list --all with states, format the virsh table.
 * Baseline in the same invocation: `virsh -c URI list --all`.  Prints
 * the median of 5 runs of each.  Target: list < 1 s.
 */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "source/source.h"

#define N_DOMAINS 1000
#define RUNS 5

static int
cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static void
write_host(const char *path)
{
    FILE *f = fopen(path, "w");
    int i;

    if (!f) {
        perror(path);
        exit(1);
    }
    fprintf(f, "<node xmlns:test='http://libvirt.org/schemas/domain/test/1.0'>\n"
               "<cpu><mhz>2400</mhz><model>x86_64</model><active>4</active>"
               "<nodes>1</nodes><sockets>1</sockets><cores>4</cores>"
               "<threads>1</threads></cpu><memory>1073741824</memory>\n");
    for (i = 0; i < N_DOMAINS; i++) {
        fprintf(f,
                "<domain type='xen'><name>guest-%04d</name>"
                "<uuid>4d8b9f2e-1c1a-4f6e-9a51-%012d</uuid>"
                "<memory unit='KiB'>524288</memory><vcpu>1</vcpu>"
                "<bootloader>/usr/bin/pygrub</bootloader>"
                "<os><type arch='x86_64'>linux</type></os><devices>"
                "<disk type='file' device='disk'><source file='/var/lib/xen/"
                "images/guest-%04d.img'/><target dev='xvda' bus='xen'/></disk>"
                "<interface type='bridge'><source bridge='xenbr0'/></interface>"
                "</devices>%s</domain>\n",
                i, i, i, i % 4 ? "<test:runstate>5</test:runstate>" : "");
    }
    fprintf(f, "</node>\n");
    fclose(f);
}

int
main(void)
{
    char dir[] = "/tmp/x2k-bench.XXXXXX";
    char path[256], uri[300], cmd[400];
    double open_t[RUNS], list_t[RUNS], virsh_t[RUNS];
    struct x2k_error err = X2K_ERROR_INIT;
    size_t total_n = 0;
    int r;

    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    snprintf(path, sizeof(path), "%s/xenhost-1000.xml", dir);
    snprintf(uri, sizeof(uri), "test://%s", path);
    write_host(path);

    for (r = 0; r < RUNS; r++) {
        struct x2k_source_dom *doms = NULL;
        struct x2k_source *s;
        size_t n = 0;
        char *table;
        double t0 = x2k_now(), t1, t2;

        s = x2k_source_open(uri, NULL, NULL, &err);
        if (!s) {
            fprintf(stderr, "open: %s\n", err.msg);
            return 1;
        }
        t1 = x2k_now();
        if (x2k_source_list(s, &doms, &n, &err) < 0) {
            fprintf(stderr, "list: %s\n", err.msg);
            return 1;
        }
        table = x2k_source_format_list(doms, n);
        t2 = x2k_now();
        open_t[r] = t1 - t0;
        list_t[r] = t2 - t1;
        total_n = n;
        free(table);
        x2k_source_doms_free(doms, n);
        x2k_source_free(s);

        snprintf(cmd, sizeof(cmd), "virsh -q -c '%s' list --all >/dev/null",
                 uri);
        t0 = x2k_now();
        if (system(cmd) != 0) {
            fprintf(stderr, "virsh failed\n");
            return 1;
        }
        virsh_t[r] = x2k_now() - t0;
    }
    qsort(open_t, RUNS, sizeof(double), cmp_double);
    qsort(list_t, RUNS, sizeof(double), cmp_double);
    qsort(virsh_t, RUNS, sizeof(double), cmp_double);
    printf("bench-list: %zu domains, median of %d runs\n", total_n, RUNS);
    printf("  %-34s %9.3f s\n", "open (parse the host file)", open_t[RUNS / 2]);
    printf("  %-34s %9.3f s\n", "list --all + states + table", list_t[RUNS / 2]);
    printf("  %-34s %9.3f s\n", "open + list (what the user waits)",
           open_t[RUNS / 2] + list_t[RUNS / 2]);
    printf("  %-34s %9.3f s\n", "baseline: virsh list --all", virsh_t[RUNS / 2]);
    printf("  %-34s %9.2f\n", "ratio (open + list) / virsh",
           (open_t[RUNS / 2] + list_t[RUNS / 2]) / virsh_t[RUNS / 2]);
    printf("  target: open + list < 1 s: %s\n",
           open_t[RUNS / 2] + list_t[RUNS / 2] < 1.0 ? "met" : "MISSED");
    unlink(path);
    rmdir(dir);
    return 0;
}

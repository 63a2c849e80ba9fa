/* Benchmark of the XML converter: conversions per second on every
 * fixture of tests/data/xmlconv, against a baseline measured in the
 * same run (libxml2 parsing and writing the same XML, which any
 * converter must do), median of 5 runs.  Usage: bench-xmlconv DATADIR.
 */
#include <config.h>

#include <libxml/parser.h>
#include <stdio.h>

#include "convert/xmlconv.h"

#define RUNS 5

static const char *const names[] = {
    "sles11sp3", "ubuntu1404", "pv-pygrub", "pv-kernel", "hvm-linux",
    "hvm-windows", "hvm-uefi", "multidisk-cdrom", "qcow2", "two-nics",
    "running", "xend-era", "passthrough",
};

static int
cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return x < y ? -1 : x > y;
}

/* Seconds per call of the baseline (0) or the conversion (1). */
static double
time_one(const char *xml, size_t len, int what, const struct x2k_plan *plan,
         const struct x2k_xmlconv_opts *opts, long iters)
{
    double t0 = x2k_now();
    long i;

    for (i = 0; i < iters; i++) {
        if (what == 0) {
            xmlDocPtr d = xmlReadMemory(xml, (int)len, "x.xml", NULL,
                                        XML_PARSE_NONET | XML_PARSE_NOBLANKS);
            xmlChar *out;
            int n;

            xmlDocDumpFormatMemory(d, &out, &n, 1);
            xmlFree(out);
            xmlFreeDoc(d);
        } else {
            struct x2k_xmlconv_result *r =
                x2k_xmlconv_convert_string(xml, len, plan, opts, NULL);

            if (!r)
                abort();
            x2k_xmlconv_result_free(r);
        }
    }
    return (x2k_now() - t0) / (double)iters;
}

static double
median(const char *xml, size_t len, int what, const struct x2k_plan *plan,
       const struct x2k_xmlconv_opts *opts, long iters)
{
    double t[RUNS];
    int i;

    for (i = 0; i < RUNS; i++)
        t[i] = time_one(xml, len, what, plan, opts, iters);
    qsort(t, RUNS, sizeof *t, cmp_double);
    return t[RUNS / 2];
}

int
main(int argc, char **argv)
{
    const char *dir = argc > 1 ? argv[1] : "tests/data";
    struct x2k_plan plan;
    struct x2k_xmlconv_opts opts = { 0 };
    struct x2k_error err = X2K_ERROR_INIT;
    char *path, *caps_xml, *dom_xml;
    struct x2k_caps *caps;
    double total_conv = 0, total_base = 0;
    size_t i, len;
    long iters = 2000;

    path = x2k_strdup_printf("%s/caps/debian12.xml", dir);
    caps_xml = x2k_xmlconv_read_file(path, &len, &err);
    free(path);
    path = x2k_strdup_printf("%s/caps/debian12-domcaps.xml", dir);
    dom_xml = x2k_xmlconv_read_file(path, &len, &err);
    free(path);
    if (!caps_xml || !dom_xml) {
        fprintf(stderr, "bench-xmlconv: %s\n", err.msg);
        return 1;
    }
    caps = x2k_caps_parse(caps_xml, dom_xml, &err);
    x2k_plan_init(&plan);
    opts.caps = caps;

    printf("%-16s %8s %12s %12s %8s\n", "fixture", "bytes", "convert/s",
           "us/convert", "x parse");
    for (i = 0; i < X2K_N_ELEMENTS(names); i++) {
        char *xml;
        double conv, base;

        path = x2k_strdup_printf("%s/xmlconv/%s.xml", dir, names[i]);
        xml = x2k_xmlconv_read_file(path, &len, &err);
        free(path);
        if (!xml) {
            fprintf(stderr, "bench-xmlconv: %s\n", err.msg);
            return 1;
        }
        base = median(xml, len, 0, &plan, &opts, iters);
        conv = median(xml, len, 1, &plan, &opts, iters);
        total_conv += conv;
        total_base += base;
        printf("%-16s %8zu %12.0f %12.1f %8.2f\n", names[i], len, 1.0 / conv,
               conv * 1e6, conv / base);
        free(xml);
    }
    printf("%-16s %8s %12.0f %12.1f %8.2f\n", "mean", "",
           X2K_N_ELEMENTS(names) / total_conv,
           total_conv * 1e6 / X2K_N_ELEMENTS(names), total_conv / total_base);
    printf("(x parse = time of one conversion / time of libxml2 parsing and "
           "writing the same XML; median of %d runs of %ld)\n",
           RUNS, iters);
    x2k_caps_free(caps);
    free(caps_xml);
    free(dom_xml);
    x2k_plan_clear(&plan);
    free(plan.target_uri);
    free(plan.pool);
    return 0;
}

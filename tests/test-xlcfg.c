/* Unit tests for core/source/xl-*.c: the xl.cfg(5) / xm parser (quoting,
 * escapes, lists over lines, numbers, +=, Python forms, errors with
 * line and column), the disk specifications of
 * xl-disk-configuration(5) (positional and key=value), vif strings and
 * the domain XML with its warnings, and the running domain read from
 * `xl list -l' JSON and `xm list -l' S-expressions. */
#include <config.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <cmocka.h>

#include "source/xl-cfg.h"

static struct x2k_xlcfg *
parse(const char *text)
{
    struct x2k_error err = X2K_ERROR_INIT;
    struct x2k_xlcfg *cfg = x2k_xlcfg_parse(text, strlen(text), "t.cfg",
                                            &err);

    if (!cfg)
        fprintf(stderr, "%s\n", err.msg);
    assert_non_null(cfg);
    x2k_error_clear(&err);
    return cfg;
}

/* TEXT fails with a message that contains WANT. */
static void
parse_fails(const char *text, const char *want)
{
    struct x2k_error err = X2K_ERROR_INIT;
    struct x2k_xlcfg *cfg = x2k_xlcfg_parse(text, strlen(text), "g.cfg",
                                            &err);

    assert_null(cfg);
    assert_int_equal(err.code, X2K_ERR_INVALID);
    if (!strstr(err.msg, want))
        fail_msg("'%s' does not contain '%s'", err.msg, want);
    x2k_error_clear(&err);
}

static const char *
str(const struct x2k_xlcfg *cfg, const char *key)
{
    const struct x2k_xlval *v = x2k_xlcfg_get(cfg, key);

    assert_non_null(v);
    assert_int_not_equal(v->kind, X2K_XLVAL_LIST);
    return v->s;
}

static void
test_quoting(void **state)
{
    struct x2k_xlcfg *cfg;

    (void)state;
    cfg = parse("a = \"double\"\nb = 'single'\n"
                "c = \"tab\\there \\\"q\\\" \\\\ \\x41\\101\"\n"
                "d = 'it\\'s'\ne = \"#not a comment\" # a comment\n"
                "f = r'C:\\raw\\n'\ng = '''triple\nline'''\n"
                "h = 'joined' \"strings\"\ni = 'unknown\\q escape'\n");
    assert_string_equal(str(cfg, "a"), "double");
    assert_string_equal(str(cfg, "b"), "single");
    assert_string_equal(str(cfg, "c"), "tab\there \"q\" \\ AA");
    assert_string_equal(str(cfg, "d"), "it's");
    assert_string_equal(str(cfg, "e"), "#not a comment");
    assert_string_equal(str(cfg, "f"), "C:\\raw\\n");
    assert_string_equal(str(cfg, "g"), "triple\nline");
    assert_string_equal(str(cfg, "h"), "joinedstrings");
    assert_string_equal(str(cfg, "i"), "unknown\\q escape");
    x2k_xlcfg_free(cfg);
}

static void
test_numbers_lists(void **state)
{
    struct x2k_xlcfg *cfg;
    const struct x2k_xlval *v;

    (void)state;
    cfg = parse("memory = 512\nmaxmem=0x800; vcpus = 2 ; off = -3600\n"
                "disk = [ 'a',\n  # inside\n  'b',\n]\n"
                "t = ( 'x', [ 1, 2 ] )\nb = True\nn = None\n"
                "vif = []\nlong = 'one' \\\n 'two'\n");
    assert_int_equal(x2k_xlcfg_get(cfg, "memory")->kind, X2K_XLVAL_NUMBER);
    assert_string_equal(str(cfg, "memory"), "512");
    assert_string_equal(str(cfg, "maxmem"), "0x800");
    assert_string_equal(str(cfg, "vcpus"), "2");
    assert_string_equal(str(cfg, "off"), "-3600");
    v = x2k_xlcfg_get(cfg, "disk");
    assert_int_equal(v->kind, X2K_XLVAL_LIST);
    assert_int_equal(v->n, 2);
    assert_string_equal(v->items[1].s, "b");
    assert_int_equal(v->items[1].line, 5);
    assert_int_equal(v->items[1].col, 3);
    v = x2k_xlcfg_get(cfg, "t");
    assert_int_equal(v->n, 2);
    assert_int_equal(v->items[1].kind, X2K_XLVAL_LIST);
    assert_string_equal(v->items[1].items[1].s, "2");
    assert_string_equal(str(cfg, "b"), "1");
    assert_string_equal(str(cfg, "n"), "");
    assert_int_equal(x2k_xlcfg_get(cfg, "vif")->n, 0);
    assert_string_equal(str(cfg, "long"), "onetwo");
    assert_null(x2k_xlcfg_get(cfg, "nothing"));
    x2k_xlcfg_free(cfg);
}

static void
test_append_repeat(void **state)
{
    struct x2k_xlcfg *cfg;
    const struct x2k_xlval *v;

    (void)state;
    cfg = parse("disk = [ 'a' ]\ndisk += [ 'b', 'c' ]\nname = 'x'\n"
                "name = 'last'\nextra = 'a'\nextra += ' b'\n");
    v = x2k_xlcfg_get(cfg, "disk");
    assert_int_equal(v->n, 3);
    assert_string_equal(v->items[0].s, "a");
    assert_string_equal(v->items[2].s, "c");
    assert_string_equal(str(cfg, "name"), "last");
    assert_string_equal(str(cfg, "extra"), "a b");
    x2k_xlcfg_free(cfg);
    /* Empty lists on either side (found by fuzz-xlcfg under UBSan:
     * memcpy from a NULL items array). */
    cfg = parse("disk = []\ndisk += []\nvif = [ 'mac=00:16:3e:00:00:01' ]\n"
                "vif += []\nserial = []\nserial += [ 'pty' ]\n");
    assert_int_equal(x2k_xlcfg_get(cfg, "disk")->n, 0);
    assert_int_equal(x2k_xlcfg_get(cfg, "vif")->n, 1);
    assert_int_equal(x2k_xlcfg_get(cfg, "serial")->n, 1);
    x2k_xlcfg_free(cfg);
}

static void
test_errors(void **state)
{
    (void)state;
    parse_fails("name = 'x'\nmemory = \n", "g.cfg:2:10: expected a value");
    parse_fails("name = 'unclosed\n", "g.cfg:1:8: the string is not closed");
    parse_fails("disk = [ 'a' 'b' 'c' ,, ]", "g.cfg:1:23:");
    parse_fails("disk = [ 'a'\n", "g.cfg:2:1: expected ',' or ']'");
    parse_fails("\n\n  memory 512\n", "g.cfg:3:10: expected '='");
    parse_fails("= 1\n", "g.cfg:1:1: expected a setting name");
    parse_fails("a = 1 2\n", "g.cfg:1:7: expected the end of the line");
    parse_fails("a = 'x' ?\n", "g.cfg:1:9: unexpected '?'");
    parse_fails("a = \"\\x4\"\n", "g.cfg:1:6: \\x needs two");
    parse_fails("a = \"\\0\"\n", "bad octal escape");
    parse_fails("import os\n", "g.cfg:1:8: expected '='");
    parse_fails("a = 'caf\xc3\xa9' ?\n", "g.cfg:1:12:");
    parse_fails("a = [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]"
                "]]]]]]]]]]]]]]\n", "nested too deeply");
    {
        struct x2k_error err = X2K_ERROR_INIT;
        static const char nul[] = "a = 1\nb = \0\n";

        assert_null(x2k_xlcfg_parse(nul, sizeof nul - 1, "n.cfg", &err));
        assert_non_null(strstr(err.msg, "n.cfg:2:5: a NUL byte"));
        x2k_error_clear(&err);
    }
}

static void
disk_ok(const char *spec, const char *target, const char *vdev,
        const char *format, const char *backend, bool ro, bool cdrom)
{
    struct x2k_error err = X2K_ERROR_INIT;
    struct x2k_xldisk d;

    if (x2k_xldisk_parse(spec, &d, &err) < 0)
        fail_msg("%s: %s", spec, err.msg);
    if (target)
        assert_string_equal(d.target, target);
    else
        assert_null(d.target);
    assert_string_equal(d.vdev, vdev);
    if (format)
        assert_string_equal(d.format, format);
    else
        assert_null(d.format);
    if (backend)
        assert_string_equal(d.backendtype, backend);
    else
        assert_null(d.backendtype);
    assert_int_equal(d.readonly, ro);
    assert_int_equal(d.cdrom, cdrom);
    x2k_xldisk_clear(&d);
}

static void
disk_bad(const char *spec, const char *want)
{
    struct x2k_error err = X2K_ERROR_INIT;
    struct x2k_xldisk d;

    assert_int_equal(x2k_xldisk_parse(spec, &d, &err), -1);
    if (!strstr(err.msg, want))
        fail_msg("%s: '%s' does not contain '%s'", spec, err.msg, want);
    x2k_error_clear(&err);
}

static void
test_disks(void **state)
{
    (void)state;
    /* The positional form, with the deprecated prefixes. */
    disk_ok("phy:/dev/vg/guest,xvda2,w", "/dev/vg/guest", "xvda2", NULL,
            "phy", false, false);
    disk_ok("phy:sda1,hda1,r", "/dev/sda1", "hda1", NULL, "phy", true,
            false);
    disk_ok("file:/img/a.img,ioemu:hda,w", "/img/a.img", "hda", NULL, NULL,
            false, false);
    disk_ok("tap:aio:/img/b.img,xvdb,w", "/img/b.img", "xvdb", "raw", "tap",
            false, false);
    disk_ok("tap:qcow2:/img/c.qcow2,xvdc,w", "/img/c.qcow2", "xvdc",
            "qcow2", "tap", false, false);
    disk_ok("tap2:tapdisk:aio:/img/d.img,xvdd,w", "/img/d.img", "xvdd",
            "raw", "tap", false, false);
    disk_ok("phy:/dev/sr0,hdc:cdrom,r", "/dev/sr0", "hdc", NULL, "phy",
            true, true);
    disk_ok("/img/e.img,raw,xvde,rw", "/img/e.img", "xvde", "raw", NULL,
            false, false);
    disk_ok("/img/f.img,,xvdf", "/img/f.img", "xvdf", NULL, NULL, false,
            false);
    disk_ok(",,hdc:cdrom,r", NULL, "hdc", NULL, NULL, true, true);
    disk_ok(" /img/g.img , qcow2 , xvdg , ro ", "/img/g.img", "xvdg",
            "qcow2", NULL, true, false);
    /* The key=value form; target= is last and takes the rest. */
    disk_ok("format=raw, vdev=hda, access=rw, target=/dev/vg/x,y",
            "/dev/vg/x,y", "hda", "raw", NULL, false, false);
    disk_ok("vdev=xvdb,backendtype=qdisk,format=qcow2,target=/i.qcow2",
            "/i.qcow2", "xvdb", "qcow2", "qdisk", false, false);
    disk_ok("vdev=hdc,devtype=cdrom,target=/iso/x.iso", "/iso/x.iso", "hdc",
            NULL, NULL, true, true);
    disk_ok("/iso/y.iso,raw,hdd,ro,devtype=cdrom", "/iso/y.iso", "hdd",
            "raw", NULL, true, true);
    disk_ok("/img/h.img,raw,xvdh,w,discard,direct-io-safe", "/img/h.img",
            "xvdh", "raw", NULL, false, false);
    disk_ok("/img/a=b.img,xvdi,w", "/img/a=b.img", "xvdi", NULL, NULL,
            false, false);

    disk_bad("phy:/dev/vg/x", "has no virtual device");
    disk_bad(",xvda,w", "has no target");
    disk_bad("/img/x,raw,xvda,w,extra", "too many positional");
    disk_bad("/img/x,xvda,maybe", "access 'maybe'");
    disk_bad("format=vmdk,vdev=xvda,target=/x", "disk format 'vmdk'");
    disk_bad("vdev=xvda,colour=red,target=/x", "unknown disk parameter");
    disk_bad("vdev=xvda,devtype=floppy,target=/x", "devtype 'floppy'");
    disk_bad("vdev=xvda,backendtype=nbd,target=/x", "backendtype 'nbd'");
}

static void
test_vif(void **state)
{
    struct x2k_error err = X2K_ERROR_INIT;
    struct x2k_xlvif v;

    (void)state;
    assert_int_equal(x2k_xlvif_parse("mac=00:16:3e:00:00:01, bridge=xenbr0,"
                                     "model=e1000,type=ioemu,ip=10.0.0.1 "
                                     "10.0.0.2,script=vif-bridge,"
                                     "vifname=v1,rate=10Mb/s,mtu=9000,"
                                     "frob=1",
                                     &v, &err), 0);
    assert_string_equal(v.mac, "00:16:3e:00:00:01");
    assert_string_equal(v.bridge, "xenbr0");
    assert_string_equal(v.model, "e1000");
    assert_string_equal(v.type, "ioemu");
    assert_string_equal(v.ip, "10.0.0.1 10.0.0.2");
    assert_string_equal(v.script, "vif-bridge");
    assert_string_equal(v.vifname, "v1");
    assert_string_equal(v.rate, "10Mb/s");
    assert_string_equal(v.unknown, "frob");
    x2k_xlvif_clear(&v);
    assert_int_equal(x2k_xlvif_parse("", &v, &err), 0);
    assert_null(v.mac);
    x2k_xlvif_clear(&v);
    assert_int_equal(x2k_xlvif_parse("bridge", &v, &err), -1);
    assert_non_null(strstr(err.msg, "not KEY=VALUE"));
    x2k_error_clear(&err);
}

struct seen {
    char ids[8][32];
    char msgs[8][256];
    size_t n;
};

static void
on_event(const struct x2k_event *ev, void *opaque)
{
    struct seen *s = opaque;

    if (ev->kind != X2K_EVENT_WARNING || s->n >= 8)
        return;
    snprintf(s->ids[s->n], sizeof s->ids[0], "%s", ev->id ? ev->id : "");
    snprintf(s->msgs[s->n], sizeof s->msgs[0], "%s", ev->text);
    s->n++;
}

static char *
to_xml(const char *text, struct seen *s, struct x2k_error *err)
{
    struct x2k_reporter r;
    struct x2k_xlcfg *cfg = parse(text);
    char *xml;

    memset(s, 0, sizeof *s);
    x2k_reporter_init(&r, on_event, s);
    xml = x2k_xlcfg_to_xml(cfg, x2k_xlcfg_is_xm(cfg), &r, err);
    x2k_xlcfg_free(cfg);
    return xml;
}

static void
test_xml(void **state)
{
    struct x2k_error err = X2K_ERROR_INIT;
    struct seen s;
    char *xml;

    (void)state;
    xml = to_xml("name = 'a<b>&\"c'\nmemory = 256\nvcpus = 2\n"
                 "kernel = '/k'\nroot = '/dev/xvda1 ro'\nextra = 'quiet'\n"
                 "disk = [ 'phy:/dev/vg/a,xvda1,w' ]\n"
                 "vif = [ 'mac=00:16:3E:AA:BB:CC,bridge=br0' ]\n"
                 "frob = 1\nfrob = 2\ncpus = '0-3'\n",
                 &s, &err);
    assert_non_null(xml);
    assert_non_null(strstr(xml, "<name>a&lt;b&gt;&amp;&quot;c</name>"));
    assert_non_null(strstr(xml, "<memory unit='KiB'>262144</memory>"));
    assert_non_null(strstr(xml, "<vcpu placement='static'>2</vcpu>"));
    assert_non_null(strstr(xml, "machine='xenpv'>linux</type>"));
    assert_non_null(strstr(xml, "<cmdline>root=/dev/xvda1 ro quiet"));
    free(xml);
    /* Bytes that are not UTF-8 cannot go into a domain XML: said with
     * the file's name (found by fuzz-xlcfg). */
    xml = to_xml("name = 'a'\nmemory = 256\nkernel = '/k\xe0\x8b\x9e'\n", &s,
                 &err);
    assert_null(xml);
    assert_non_null(strstr(err.msg, "not UTF-8"));
    x2k_error_clear(&err);
    xml = to_xml("name = 'a<b>&\"c'\nmemory = 256\nvcpus = 2\n"
                 "kernel = '/k'\nroot = '/dev/xvda1 ro'\nextra = 'quiet'\n"
                 "disk = [ 'phy:/dev/vg/a,xvda1,w' ]\n"
                 "vif = [ 'mac=00:16:3E:AA:BB:CC,bridge=br0' ]\n"
                 "frob = 1\nfrob = 2\ncpus = '0-3'\n",
                 &s, &err);
    assert_non_null(strstr(xml, "<source dev='/dev/vg/a'/>"));
    assert_non_null(strstr(xml, "<target dev='xvda1' bus='xen'/>"));
    assert_non_null(strstr(xml, "<mac address='00:16:3e:aa:bb:cc'/>"));
    /* One warning for the unknown key, none for the known cpus. */
    assert_int_equal(s.n, 1);
    assert_string_equal(s.ids[0], "xl-unknown-key");
    assert_non_null(strstr(s.msgs[0], "t.cfg:9: the setting 'frob'"));
    free(xml);

    xml = to_xml("name='h'\nbuilder='hvm'\nmemory='bad'\nboot='nd'\n"
                 "vif=['mac=nonsense']\non_crash='explode'\n",
                 &s, &err);
    assert_non_null(xml);
    assert_non_null(strstr(xml, "machine='xenfv'>hvm</type>"));
    assert_non_null(strstr(xml, "<memory unit='KiB'>131072</memory>"));
    assert_non_null(strstr(xml, "<boot dev='network'/>\n"
                                "    <boot dev='cdrom'/>"));
    assert_non_null(strstr(xml, "<on_crash>restart</on_crash>"));
    assert_null(strstr(xml, "nonsense"));
    assert_int_equal(s.n, 3);
    assert_string_equal(s.ids[0], "xl-bad-value");
    assert_string_equal(s.ids[1], "xl-bad-value");
    assert_string_equal(s.ids[2], "xl-bad-value");
    free(xml);

    /* No name, or a bad disk, is an error. */
    assert_null(to_xml("memory = 512\n", &s, &err));
    assert_non_null(strstr(err.msg, "t.cfg has no name"));
    x2k_error_clear(&err);
    assert_null(to_xml("name='x'\ndisk=['/a,xvda,w,too,many']\n", &s, &err));
    assert_non_null(strstr(err.msg, "t.cfg:2: too many positional"));
    x2k_error_clear(&err);
    assert_null(to_xml("name='x'\ndisk=[ 1 ]\n", &s, &err));
    assert_non_null(strstr(err.msg, "each disk must be a string"));
    x2k_error_clear(&err);
}

static void
test_running(void **state)
{
    struct x2k_error err = X2K_ERROR_INIT;
    char *text;
    struct x2k_xlcfg *cfg;
    const struct x2k_xlval *v;

    (void)state;
    text = x2k_xl_running_to_cfg(
        "[ { \"domid\": 2, \"config\": { \"c_info\": { \"name\": "
        "\"a\" } } }, { \"domid\": 3, \"config\": { \"c_info\": "
        "{ \"name\": \"it's\", \"uuid\": \"u\\u00e9\" }, \"b_info\": "
        "{ \"max_memkb\": 2097152, \"target_memkb\": 1048576, "
        "\"max_vcpus\": 4, \"avail_vcpus\": [0, 1] }, \"disks\": [ { "
        "\"pdev_path\": \"/x,y\", \"vdev\": \"xvda\", \"readwrite\": 0 "
        "} ], \"nics\": [ { \"mac\": \"00:16:3e:00:00:09\" } ] } } ]",
        false, "it's", &err);
    assert_non_null(text);
    cfg = parse(text);
    assert_string_equal(str(cfg, "name"), "it's");
    assert_string_equal(str(cfg, "uuid"), "u\xc3\xa9");
    assert_string_equal(str(cfg, "memory"), "1024");
    assert_string_equal(str(cfg, "maxmem"), "2048");
    assert_string_equal(str(cfg, "vcpus"), "2");
    assert_string_equal(str(cfg, "maxvcpus"), "4");
    v = x2k_xlcfg_get(cfg, "disk");
    assert_int_equal(v->n, 1);
    assert_string_equal(v->items[0].s, "vdev=xvda,access=ro,target=/x,y");
    assert_string_equal(x2k_xlcfg_get(cfg, "vif")->items[0].s,
                        "mac=00:16:3e:00:00:09");
    x2k_xlcfg_free(cfg);
    free(text);

    text = x2k_xl_running_to_cfg(
        "(domain (domid 1) (name other))\n(domain (domid 4) (name b) "
        "(memory 256) (image (hvm (kernel /usr/lib/xen/boot/hvmloader) "
        "(boot dc))) (device (vbd (uname phy:/dev/sr0) (dev hdc:cdrom) "
        "(mode r))))", true, "b", &err);
    assert_non_null(text);
    cfg = parse(text);
    assert_string_equal(str(cfg, "builder"), "hvm");
    assert_string_equal(str(cfg, "boot"), "dc");
    assert_string_equal(x2k_xlcfg_get(cfg, "disk")->items[0].s,
                        "phy:/dev/sr0,hdc:cdrom,r");
    x2k_xlcfg_free(cfg);
    free(text);

    /* A count that is not a number is left out, never written as
     * xl.cfg text (found by fuzz-xlcfg: "#2" became a comment). */
    text = x2k_xl_running_to_cfg(
        "[ { \"domid\": 3, \"config\": { \"c_info\": { \"type\": "
        "\"pv\", \"name\": \"n\" }, \"b_info\": { \"max_vcpus\":#2 "
        "} } } ]", false, "n", &err);
    if (text) {
        cfg = x2k_xlcfg_parse(text, strlen(text), "gen.cfg", &err);
        assert_non_null(cfg);
        assert_null(x2k_xlcfg_get(cfg, "vcpus"));
        x2k_xlcfg_free(cfg);
        free(text);
    }
    x2k_error_clear(&err);

    /* Not there, or not JSON / S-expressions at all. */
    assert_null(x2k_xl_running_to_cfg("[]", false, "a", &err));
    assert_non_null(strstr(err.msg, "'xl list -l' does not describe"));
    x2k_error_clear(&err);
    assert_null(x2k_xl_running_to_cfg("[ { \"a\": ", false, "a", &err));
    x2k_error_clear(&err);
    assert_null(x2k_xl_running_to_cfg("(domain (name a", true, "a", &err));
    assert_non_null(strstr(err.msg, "'xm list -l' does not describe"));
    x2k_error_clear(&err);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_quoting),
        cmocka_unit_test(test_numbers_lists),
        cmocka_unit_test(test_append_repeat),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_disks),
        cmocka_unit_test(test_vif),
        cmocka_unit_test(test_xml),
        cmocka_unit_test(test_running),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}

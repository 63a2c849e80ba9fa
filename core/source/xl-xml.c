/* A parsed Xen guest configuration (xl-cfg.c) turned into the libvirt
 * Xen domain XML that libvirt's `virsh domxml-from-native xen-xl' (or
 * xen-xm) writes for it: name, uuid, memory, vCPUs, OS type, kernel,
 * bootloader, features, clock, lifecycle actions, disks, NICs, consoles,
 * graphics, PCI devices.  Every key is either converted, known and
 * without a KVM meaning (ignored silently), or a warning with the id
 * xl-unknown-key.  Pure; any thread.
 */
#include <config.h>

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <strings.h>

#include "base/i18n.h"
#include "base/util.h"
#include "base/xml.h"
#include "source/xl-cfg.h"

/* Keys this file reads. */
static const char *const converted[] = {
    "name", "uuid", "type", "builder", "memory", "maxmem", "vcpus",
    "maxvcpus", "kernel", "ramdisk", "initrd", "extra", "root", "cmdline",
    "bootloader", "bootloader_args", "on_poweroff", "on_reboot",
    "on_crash", "disk", "vif", "vfb", "vnc", "vnclisten", "vncdisplay",
    "vncunused", "vncpasswd", "keymap", "sdl", "serial", "boot", "pci",
    "usb", "usbdevice", "acpi", "apic", "pae", "hap", "localtime",
    "rtc_timeoffset", "viridian", "firmware", "bios", "hpet", "nx",
    "device_model_override",
};

/* Keys of xl.cfg(5) and xm that have no meaning on the KVM side (or
 * are read by a later stage from the result). */
static const char *const known[] = {
    "cpus", "cpus_soft", "cpu_weight", "cap", "on_watchdog",
    "on_soft_reset", "on_xend_start", "on_xend_stop", "opengl", "display",
    "xauthority", "pci_permissive", "pci_msitranslate", "pci_seize",
    "pci_power_mgmt", "usbctrl", "usbdev", "usbversion", "acpi_s3",
    "acpi_s4", "acpi_laptop_slate", "nestedhvm", "timer_mode",
    "device_model_version", "device_model_stubdomain_override",
    "device_model_args", "device_model_args_hvm", "device_model_args_pv",
    "device_model_user", "device_model", "stdvga", "vga", "videoram",
    "soundhw", "gfx_passthru", "shadow_memory", "seclabel",
    "init_seclabel", "driver_domain", "channel", "vtpm", "p9", "vkb",
    "vdispl", "vsnd", "rdm", "rdm_mem_boundary", "iomem", "ioports",
    "irqs", "irq", "max_grant_frames", "max_maptrack_frames",
    "max_event_channels", "e820_host", "tsc_mode", "xen_platform_pci",
    "smbios_firmware", "acpi_firmware", "ms_vm_genid", "altp2m",
    "altp2mhvm", "vpmu", "mca_caps", "cpuid", "dm_restrict", "pool",
    "vuart", "dtdev", "gic_version", "tee", "nomigrate", "vnuma",
    "passthrough", "spice", "spicehost", "spiceport", "spicetls_port",
    "spicedisable_ticketing", "spicepasswd", "spiceagent_mouse",
    "spicevdagent", "spice_clipboard_sharing", "spiceusbredirection",
    "spice_image_compression", "spice_streaming_video", "vscsi", "cpu",
    "cpu_cap", "dhcp", "ip", "netmask", "gateway", "hostname",
    "nfs_server", "nfs_root", "extid", "s3_integrity", "guest_os_type",
    "monitor", "nographic", "vcpu_avail", "access_control", "security",
    "machine_address_size", "superpages", "blkif", "netif", "tpmif",
    "vif2", "vhpt", "vncconsole", "serial_console", "device_tree",
    "max_vcpus", "claim_mode", "suppress_vmdesc", "vcpu_hard_affinity",
    "vcpu_soft_affinity", "localtime_offset", "pvh", "interface",
    "alias", "vtpm_manager", "bootloader_restrict", "bootloader_user",
    "rtc", "cpupool", "xen_extended_power_mgmt", "bootargs",
};

static bool
in_table(const char *key, const char *const *t, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        if (strcmp(key, t[i]) == 0)
            return true;
    }
    return false;
}

/* Text for XML: & < > ' " escaped; control characters and invalid
 * UTF-8 (which XML cannot hold) become '?'. */
static void
put_esc(struct x2k_buf *b, const char *s)
{
    const unsigned char *p = (const unsigned char *)s;

    while (*p) {
        size_t len = 0, i;

        if (*p < 0x80)
            len = 1;
        else if (*p >= 0xc2 && *p <= 0xdf)
            len = 2;
        else if (*p >= 0xe0 && *p <= 0xef)
            len = 3;
        else if (*p >= 0xf0 && *p <= 0xf4)
            len = 4;
        for (i = 1; i < len; i++) {
            if ((p[i] & 0xc0) != 0x80) {
                len = 0;
                break;
            }
        }
        if (len == 0 || (len == 1 && (*p < 0x20 && *p != '\t' &&
                                      *p != '\n')) || *p == 0x7f) {
            x2k_buf_puts(b, "?");
            p++;
            continue;
        }
        if (len == 1) {
            switch (*p) {
            case '&': x2k_buf_puts(b, "&amp;"); break;
            case '<': x2k_buf_puts(b, "&lt;"); break;
            case '>': x2k_buf_puts(b, "&gt;"); break;
            case '\'': x2k_buf_puts(b, "&apos;"); break;
            case '"': x2k_buf_puts(b, "&quot;"); break;
            default: x2k_buf_append(b, p, 1); break;
            }
        } else {
            x2k_buf_append(b, p, len);
        }
        p += len;
    }
}

/* INDENT <TAG>TEXT</TAG>\n */
static void
put_elem(struct x2k_buf *b, const char *indent, const char *tag,
         const char *text)
{
    x2k_buf_printf(b, "%s<%s>", indent, tag);
    put_esc(b, text);
    x2k_buf_printf(b, "</%s>\n", tag);
}

struct conv {
    const struct x2k_xlcfg *cfg;
    bool xm;
    struct x2k_reporter *r;
    struct x2k_buf b;
};

/* The string of KEY (a number is its text), or NULL. */
static const char *
get_str(struct conv *c, const char *key)
{
    const struct x2k_xlval *v = x2k_xlcfg_get(c->cfg, key);

    if (!v)
        return NULL;
    if (v->kind == X2K_XLVAL_LIST) {
        /* xm allows a one-string list for some strings. */
        if (v->n == 1 && v->items[0].kind != X2K_XLVAL_LIST)
            return v->items[0].s;
        x2k_report_warning_id(c->r, "xl-bad-value",
                              _("%1$s:%2$u: '%3$s' should be one value, not "
                                "a list; it is left out"),
                              c->cfg->file, v->line, key);
        return NULL;
    }
    return v->s;
}

/* KEY as a whole number (decimal or 0x hex), or DEF. */
static long
get_long(struct conv *c, const char *key, long def)
{
    const char *s = get_str(c, key);
    char *end;
    long v;

    if (!s || !*s)
        return def;
    errno = 0;
    v = strtol(s, &end, 0);
    if (errno || *end) {
        x2k_report_warning_id(c->r, "xl-bad-value",
                              _("%1$s: '%2$s = %3$s' is not a whole number; "
                                "the default is used"),
                              c->cfg->file, key, s);
        return def;
    }
    return v;
}

/* KEY as a boolean (0/1, "yes"/"no"...), or DEF. */
static bool
get_bool(struct conv *c, const char *key, bool def)
{
    const char *s = get_str(c, key);

    if (!s || !*s)
        return def;
    if (strcmp(s, "1") == 0 || strcasecmp(s, "yes") == 0 ||
        strcasecmp(s, "true") == 0 || strcasecmp(s, "on") == 0)
        return true;
    if (strcmp(s, "0") == 0 || strcasecmp(s, "no") == 0 ||
        strcasecmp(s, "false") == 0 || strcasecmp(s, "off") == 0)
        return false;
    return get_long(c, key, def ? 1 : 0) != 0;
}

/* The items of a list KEY (a lone string counts as a list of one). */
static const struct x2k_xlval *
get_list(struct conv *c, const char *key, size_t *n)
{
    const struct x2k_xlval *v = x2k_xlcfg_get(c->cfg, key);

    *n = 0;
    if (!v)
        return NULL;
    if (v->kind != X2K_XLVAL_LIST) {
        *n = 1;
        return v;
    }
    *n = v->n;
    return v->items;
}

static void
warn_unknown_keys(struct conv *c)
{
    size_t i, j;

    for (i = 0; i < c->cfg->n; i++) {
        const struct x2k_xlent *e = &c->cfg->ents[i];
        bool seen = false;

        if (in_table(e->key, converted, X2K_N_ELEMENTS(converted)) ||
            in_table(e->key, known, X2K_N_ELEMENTS(known)))
            continue;
        for (j = 0; j < i && !seen; j++)
            seen = strcmp(c->cfg->ents[j].key, e->key) == 0;
        if (!seen)
            x2k_report_warning_id(c->r, "xl-unknown-key",
                                  _("%1$s:%2$u: the setting '%3$s' is not "
                                    "known; it is left out of the domain"),
                                  c->cfg->file, e->line, e->key);
    }
}

static const char *
lifecycle(struct conv *c, const char *key, const char *def)
{
    static const char *const actions[] = {
        "destroy", "restart", "rename-restart", "preserve",
        "coredump-destroy", "coredump-restart", "soft-reset",
    };
    const char *s = get_str(c, key);

    if (!s)
        return def;
    if (in_table(s, actions, X2K_N_ELEMENTS(actions)))
        return s;
    x2k_report_warning_id(c->r, "xl-bad-value",
                          _("%1$s: '%2$s = %3$s' is not a Xen action; "
                            "'%4$s' is used"),
                          c->cfg->file, key, s, def);
    return def;
}

/* The bus libvirt gives a Xen disk named VDEV. */
static const char *
disk_bus(const char *vdev, bool hvm)
{
    if (x2k_str_has_prefix(vdev, "hd"))
        return "ide";
    if (x2k_str_has_prefix(vdev, "sd"))
        return "scsi";
    (void)hvm;
    return "xen";
}

static int
put_disks(struct conv *c, struct x2k_error *err)
{
    const struct x2k_xlval *items;
    size_t n, i;

    items = get_list(c, "disk", &n);
    for (i = 0; i < n; i++) {
        struct x2k_xldisk d;
        struct x2k_error derr = X2K_ERROR_INIT;
        bool block;
        const char *driver;

        if (items[i].kind != X2K_XLVAL_STRING) {
            x2k_error_set(err, X2K_ERR_INVALID,
                          _("%1$s:%2$u: each disk must be a string such as "
                            "'phy:/dev/vg/lv,xvda,w'"),
                          c->cfg->file, items[i].line);
            return -1;
        }
        if (x2k_xldisk_parse(items[i].s, &d, &derr) < 0) {
            x2k_error_set(err, X2K_ERR_INVALID, "%s:%u: %s", c->cfg->file,
                          items[i].line, derr.msg);
            x2k_error_clear(&derr);
            return -1;
        }
        block = x2k_str_equal(d.backendtype, "phy") ||
                (!d.backendtype && d.target &&
                 x2k_str_has_prefix(d.target, "/dev/"));
        if (c->xm)
            driver = d.prefix ? d.prefix : block ? "phy" : "file";
        else
            driver = x2k_str_equal(d.backendtype, "phy") ? "phy"
                     : x2k_str_equal(d.backendtype, "tap") ? "tap"
                     : block ? "phy" : "qemu";
        x2k_buf_printf(&c->b, "    <disk type='%s' device='%s'>\n",
                       block ? "block" : "file", d.cdrom ? "cdrom" : "disk");
        x2k_buf_printf(&c->b, "      <driver name='%s' type='%s'/>\n",
                       driver,
                       d.format && strcmp(d.format, "empty") != 0 ? d.format
                                                                  : "raw");
        if (d.target) {
            x2k_buf_printf(&c->b, "      <source %s='",
                           block ? "dev" : "file");
            put_esc(&c->b, d.target);
            x2k_buf_puts(&c->b, "'/>\n");
        }
        x2k_buf_puts(&c->b, "      <target dev='");
        put_esc(&c->b, d.vdev);
        x2k_buf_printf(&c->b, "' bus='%s'/>\n", disk_bus(d.vdev, false));
        if (d.readonly)
            x2k_buf_puts(&c->b, "      <readonly/>\n");
        x2k_buf_puts(&c->b, "    </disk>\n");
        x2k_xldisk_clear(&d);
    }
    return 0;
}

static void
put_attr_elem(struct x2k_buf *b, const char *fmt_open, const char *val)
{
    x2k_buf_puts(b, fmt_open);
    put_esc(b, val);
    x2k_buf_puts(b, "'/>\n");
}

/* Six hexadecimal pairs separated by ':'. */
static bool
is_mac(const char *s)
{
    size_t i;

    for (i = 0; i < 17; i++) {
        if (i % 3 == 2 ? s[i] != ':' : !isxdigit((unsigned char)s[i]))
            return false;
    }
    return s[17] == '\0';
}

static void
put_vifs(struct conv *c, bool hvm)
{
    const struct x2k_xlval *items;
    size_t n, i;

    items = get_list(c, "vif", &n);
    for (i = 0; i < n; i++) {
        struct x2k_xlvif v;
        struct x2k_error verr = X2K_ERROR_INIT;
        bool bridge;
        const char *model;

        if (items[i].kind != X2K_XLVAL_STRING ||
            x2k_xlvif_parse(items[i].s, &v, &verr) < 0) {
            x2k_report_warning_id(c->r, "xl-bad-value",
                                  _("%1$s:%2$u: the vif is not a string of "
                                    "KEY=VALUE; it is left out (%3$s)"),
                                  c->cfg->file, items[i].line,
                                  verr.msg ? verr.msg : "-");
            x2k_error_clear(&verr);
            continue;
        }
        if (v.unknown)
            x2k_report_warning_id(c->r, "xl-unknown-key",
                                  _("%1$s:%2$u: the vif setting '%3$s' is "
                                    "not known; it is left out"),
                                  c->cfg->file, items[i].line, v.unknown);
        bridge = v.bridge || !v.script || strstr(v.script, "vif-bridge") ||
                 strstr(v.script, "vif-vnic") ||
                 strstr(v.script, "vif-openvswitch");
        x2k_buf_printf(&c->b, "    <interface type='%s'>\n",
                       bridge ? "bridge" : "ethernet");
        if (v.mac && is_mac(v.mac)) {
            char *p;

            for (p = v.mac; *p; p++)
                *p = (char)tolower((unsigned char)*p);
            put_attr_elem(&c->b, "      <mac address='", v.mac);
        } else if (v.mac) {
            x2k_report_warning_id(c->r, "xl-bad-value",
                                  _("%1$s:%2$u: '%3$s' is not a MAC address; "
                                    "the NIC gets a new one"),
                                  c->cfg->file, items[i].line, v.mac);
        }
        if (v.bridge)
            put_attr_elem(&c->b, "      <source bridge='", v.bridge);
        if (v.script)
            put_attr_elem(&c->b, "      <script path='", v.script);
        if (v.ip) {
            char *ip = x2k_xstrdup(v.ip);
            char *sp = strchr(ip, ' ');

            if (sp)
                *sp = '\0';         /* the first of a list */
            put_attr_elem(&c->b, "      <ip address='", ip);
            free(ip);
        }
        if (v.vifname)
            put_attr_elem(&c->b, "      <target dev='", v.vifname);
        model = v.model ? v.model
                : hvm && !x2k_str_equal(v.type, "vif") &&
                      !x2k_str_equal(v.type, "netfront")
                    ? NULL
                    : x2k_str_equal(v.type, "netfront") ? "netfront" : NULL;
        if (model)
            put_attr_elem(&c->b, "      <model type='", model);
        x2k_buf_puts(&c->b, "    </interface>\n");
        x2k_xlvif_clear(&v);
    }
}

/* <hostdev> for each pci = [ '[DDDD:]BB:DD.F[@VSLOT][,opts]' ]. */
static void
put_pci(struct conv *c)
{
    const struct x2k_xlval *items;
    size_t n, i;

    items = get_list(c, "pci", &n);
    for (i = 0; i < n; i++) {
        unsigned dom = 0, bus, slot, fn;
        int used = 0;
        const char *s = items[i].kind == X2K_XLVAL_STRING ? items[i].s : "";

        if (sscanf(s, "%x:%x:%x.%x%n", &dom, &bus, &slot, &fn, &used) != 4) {
            dom = 0;
            if (sscanf(s, "%x:%x.%x%n", &bus, &slot, &fn, &used) != 3)
                used = 0;
        }
        if (used == 0 || dom > 0xffff || bus > 0xff || slot > 0x1f ||
            fn > 7) {
            x2k_report_warning_id(c->r, "xl-bad-value",
                                  _("%1$s:%2$u: the PCI device '%3$s' is not "
                                    "BB:DD.F; it is left out"),
                                  c->cfg->file, items[i].line, s);
            continue;
        }
        x2k_buf_printf(&c->b,
                       "    <hostdev mode='subsystem' type='pci' "
                       "managed='no'>\n      <source>\n        <address "
                       "domain='0x%04x' bus='0x%02x' slot='0x%02x' "
                       "function='0x%x'/>\n      </source>\n"
                       "    </hostdev>\n",
                       dom, bus, slot, fn);
    }
}

/* <graphics> from vfb = [ 'vnc=1,...' ] (PV) or vnc=1/sdl=1 (HVM). */
static void
put_graphics(struct conv *c, bool hvm)
{
    const struct x2k_xlval *items;
    size_t n, i;
    bool any = false;

    items = get_list(c, "vfb", &n);
    for (i = 0; i < n; i++) {
        const char *s = items[i].kind == X2K_XLVAL_STRING ? items[i].s : "";
        bool vnc = strstr(s, "vnc=1") || strstr(s, "type=vnc");
        bool sdl = strstr(s, "sdl=1") || strstr(s, "type=sdl");
        const char *listen = strstr(s, "vnclisten=");
        const char *keymap = strstr(s, "keymap=");

        if (!vnc && !sdl)
            continue;
        any = true;
        if (sdl && !vnc) {
            x2k_buf_puts(&c->b, "    <graphics type='sdl'/>\n");
            continue;
        }
        x2k_buf_puts(&c->b, "    <graphics type='vnc' port='-1' "
                            "autoport='yes'");
        if (listen) {
            char *l = x2k_xstrndup(listen + 10, strcspn(listen + 10, ","));

            x2k_buf_puts(&c->b, " listen='");
            put_esc(&c->b, l);
            x2k_buf_puts(&c->b, "'");
            free(l);
        }
        if (keymap) {
            char *k = x2k_xstrndup(keymap + 7, strcspn(keymap + 7, ","));

            x2k_buf_puts(&c->b, " keymap='");
            put_esc(&c->b, k);
            x2k_buf_puts(&c->b, "'");
            free(k);
        }
        x2k_buf_puts(&c->b, "/>\n");
    }
    if (!any && hvm && get_bool(c, "vnc", false)) {
        const char *listen = get_str(c, "vnclisten");
        const char *keymap = get_str(c, "keymap");

        any = true;
        x2k_buf_puts(&c->b,
                     "    <graphics type='vnc' port='-1' autoport='yes'");
        if (listen) {
            x2k_buf_puts(&c->b, " listen='");
            put_esc(&c->b, listen);
            x2k_buf_puts(&c->b, "'");
        }
        if (keymap) {
            x2k_buf_puts(&c->b, " keymap='");
            put_esc(&c->b, keymap);
            x2k_buf_puts(&c->b, "'");
        }
        x2k_buf_puts(&c->b, "/>\n");
    } else if (!any && hvm && get_bool(c, "sdl", false)) {
        any = true;
        x2k_buf_puts(&c->b, "    <graphics type='sdl'/>\n");
    }
    if (any && !hvm)
        x2k_buf_puts(&c->b, "    <input type='mouse' bus='xen'/>\n"
                            "    <input type='keyboard' bus='xen'/>\n");
}

/* <os> for HVM: the firmware and the boot order (boot = "cdn"). */
static void
put_hvm_os(struct conv *c)
{
    const char *fw = get_str(c, "firmware");
    const char *bios = get_str(c, "bios");
    const char *kernel = get_str(c, "kernel");
    const char *boot = get_str(c, "boot");
    const char *p;

    if (x2k_str_equal(fw, "ovmf") || x2k_str_equal(fw, "uefi") ||
        x2k_str_equal(bios, "ovmf"))
        x2k_buf_puts(&c->b, "    <loader readonly='yes' type='pflash'>"
                            "/usr/lib/xen/boot/ovmf.bin</loader>\n");
    else if (c->xm && kernel && strstr(kernel, "hvmloader"))
        put_elem(&c->b, "    ", "loader", kernel);
    else
        x2k_buf_puts(&c->b, "    <loader type='rom'>"
                            "/usr/lib/xen/boot/hvmloader</loader>\n");
    for (p = boot ? boot : "c"; *p; p++) {
        const char *dev = *p == 'a' ? "fd" : *p == 'c' ? "hd"
                          : *p == 'd' ? "cdrom" : *p == 'n' ? "network"
                                                            : NULL;

        if (dev)
            x2k_buf_printf(&c->b, "    <boot dev='%s'/>\n", dev);
    }
}

/* <os> for PV and PVH: kernel, initrd, cmdline (root + extra). */
static void
put_pv_os(struct conv *c)
{
    const char *kernel = get_str(c, "kernel");
    const char *ramdisk = get_str(c, "ramdisk");
    const char *cmdline = get_str(c, "cmdline");
    const char *root = get_str(c, "root");
    const char *extra = get_str(c, "extra");

    if (!ramdisk)
        ramdisk = get_str(c, "initrd");
    if (kernel)
        put_elem(&c->b, "    ", "kernel", kernel);
    if (ramdisk)
        put_elem(&c->b, "    ", "initrd", ramdisk);
    if (cmdline) {
        put_elem(&c->b, "    ", "cmdline", cmdline);
    } else if (root || extra) {
        X2K_AUTOFREE char *s =
            root && extra ? x2k_strdup_printf("root=%s %s", root, extra)
            : root        ? x2k_strdup_printf("root=%s", root)
                          : x2k_xstrdup(extra);

        put_elem(&c->b, "    ", "cmdline", s);
    }
}

static void
put_features_clock(struct conv *c, bool hvm)
{
    const char *vir = get_str(c, "viridian");
    long offset = get_long(c, "rtc_timeoffset", 0);
    bool localtime = get_bool(c, "localtime", false);

    if (hvm) {
        x2k_buf_puts(&c->b, "  <features>\n");
        if (get_bool(c, "acpi", true))
            x2k_buf_puts(&c->b, "    <acpi/>\n");
        if (get_bool(c, "apic", true))
            x2k_buf_puts(&c->b, "    <apic/>\n");
        if (get_bool(c, "pae", true))
            x2k_buf_puts(&c->b, "    <pae/>\n");
        if (get_bool(c, "hap", true))
            x2k_buf_puts(&c->b, "    <hap state='on'/>\n");
        else
            x2k_buf_puts(&c->b, "    <hap state='off'/>\n");
        if (vir && strcmp(vir, "0") != 0)
            x2k_buf_puts(&c->b, "    <viridian/>\n");
        x2k_buf_puts(&c->b, "  </features>\n");
    }
    if (offset)
        x2k_buf_printf(&c->b,
                       "  <clock offset='variable' adjustment='%ld' "
                       "basis='%s'/>\n",
                       offset, localtime ? "localtime" : "utc");
    else
        x2k_buf_printf(&c->b, "  <clock offset='%s' adjustment='reset'/>\n",
                       localtime ? "localtime" : "utc");
}

char *
x2k_xlcfg_to_xml(const struct x2k_xlcfg *cfg, bool xm,
                 struct x2k_reporter *r, struct x2k_error *err)
{
    struct conv c = { cfg, xm, r, { 0 } };
    const char *name = NULL, *uuid, *type, *builder, *bl, *serial;
    long memory, maxmem, vcpus, maxvcpus;
    bool hvm, pvh;

    warn_unknown_keys(&c);
    name = get_str(&c, "name");
    if (x2k_str_is_empty(name)) {
        x2k_error_set(err, X2K_ERR_INVALID,
                      _("%1$s has no name = \"...\"; every Xen guest "
                        "configuration names its guest"),
                      cfg->file);
        return NULL;
    }
    type = get_str(&c, "type");
    builder = get_str(&c, "builder");
    hvm = x2k_str_equal(type, "hvm") ||
          (!type && x2k_str_equal(builder, "hvm"));
    pvh = x2k_str_equal(type, "pvh") ||
          (!type && get_bool(&c, "pvh", false));
    if (type && !hvm && !pvh && strcmp(type, "pv") != 0)
        x2k_report_warning_id(r, "xl-bad-value",
                              _("%1$s: type = '%2$s' is not hvm, pv or pvh; "
                                "the guest is read as PV"),
                              cfg->file, type);
    memory = get_long(&c, "memory", 128);
    maxmem = get_long(&c, "maxmem", memory);
    if (memory <= 0 || memory > 64L * 1024 * 1024)
        memory = 128;
    if (maxmem < memory || maxmem > 64L * 1024 * 1024)
        maxmem = memory;
    vcpus = get_long(&c, "vcpus", 1);
    if (vcpus < 1 || vcpus > 4096)
        vcpus = 1;
    maxvcpus = get_long(&c, "maxvcpus", vcpus);
    if (maxvcpus < vcpus || maxvcpus > 4096)
        maxvcpus = vcpus;

    x2k_buf_puts(&c.b, "<domain type='xen'>\n");
    put_elem(&c.b, "  ", "name", name);
    uuid = get_str(&c, "uuid");
    if (uuid)
        put_elem(&c.b, "  ", "uuid", uuid);
    x2k_buf_printf(&c.b, "  <memory unit='KiB'>%ld</memory>\n", maxmem * 1024);
    x2k_buf_printf(&c.b, "  <currentMemory unit='KiB'>%ld</currentMemory>\n",
                   memory * 1024);
    if (maxvcpus != vcpus)
        x2k_buf_printf(&c.b,
                       "  <vcpu placement='static' current='%ld'>%ld</vcpu>\n",
                       vcpus, maxvcpus);
    else
        x2k_buf_printf(&c.b, "  <vcpu placement='static'>%ld</vcpu>\n", vcpus);
    bl = get_str(&c, "bootloader");
    if (bl && !hvm) {
        const char *args = get_str(&c, "bootloader_args");

        put_elem(&c.b, "  ", "bootloader", bl);
        if (args)
            put_elem(&c.b, "  ", "bootloader_args", args);
    }
    x2k_buf_puts(&c.b, "  <os>\n");
    if (hvm) {
        x2k_buf_puts(&c.b, "    <type arch='x86_64' machine='xenfv'>hvm"
                           "</type>\n");
        put_hvm_os(&c);
    } else {
        x2k_buf_puts(&c.b, pvh ? "    <type arch='x86_64' machine='xenpvh'>"
                                 "xenpvh</type>\n"
                               : "    <type arch='x86_64' machine='xenpv'>"
                                 "linux</type>\n");
        put_pv_os(&c);
    }
    x2k_buf_puts(&c.b, "  </os>\n");
    put_features_clock(&c, hvm);
    x2k_buf_printf(&c.b, "  <on_poweroff>%s</on_poweroff>\n",
                   lifecycle(&c, "on_poweroff", "destroy"));
    x2k_buf_printf(&c.b, "  <on_reboot>%s</on_reboot>\n",
                   lifecycle(&c, "on_reboot", "restart"));
    x2k_buf_printf(&c.b, "  <on_crash>%s</on_crash>\n",
                   lifecycle(&c, "on_crash", "restart"));
    x2k_buf_puts(&c.b, "  <devices>\n");
    if (hvm && get_str(&c, "device_model_override"))
        put_elem(&c.b, "    ", "emulator",
                 get_str(&c, "device_model_override"));
    if (put_disks(&c, err) < 0) {
        x2k_buf_clear(&c.b);
        return NULL;
    }
    put_vifs(&c, hvm);
    put_pci(&c);
    serial = get_str(&c, "serial");
    if (hvm && serial && strcmp(serial, "none") != 0) {
        x2k_buf_puts(&c.b, "    <serial type='pty'>\n"
                           "      <target port='0'/>\n"
                           "    </serial>\n"
                           "    <console type='pty'>\n"
                           "      <target type='serial' port='0'/>\n"
                           "    </console>\n");
    } else if (!hvm) {
        x2k_buf_puts(&c.b, "    <console type='pty'>\n"
                           "      <target type='xen' port='0'/>\n"
                           "    </console>\n");
    }
    if (hvm) {
        const char *usbdev = get_str(&c, "usbdevice");

        if (usbdev && strcmp(usbdev, "tablet") == 0)
            x2k_buf_puts(&c.b, "    <input type='tablet' bus='usb'/>\n");
        else if (usbdev && strcmp(usbdev, "mouse") == 0)
            x2k_buf_puts(&c.b, "    <input type='mouse' bus='usb'/>\n");
        x2k_buf_puts(&c.b, "    <input type='mouse' bus='ps2'/>\n"
                           "    <input type='keyboard' bus='ps2'/>\n");
    }
    put_graphics(&c, hvm);
    x2k_buf_puts(&c.b, "  </devices>\n</domain>\n");
    /* The values are the file's text: what XML cannot carry (bytes that
     * are not UTF-8, control characters) is said here, not by a parser
     * later on. */
    {
        struct x2k_error perr = X2K_ERROR_INIT;
        char *xml = x2k_buf_steal(&c.b);
        xmlDocPtr doc = x2k_xml_parse(xml, strlen(xml), X2K_XML_DOMAIN,
                                      &perr);

        if (!doc) {
            x2k_error_clear(&perr);
            free(xml);
            x2k_error_set(err, X2K_ERR_INVALID,
                          _("%1$s: a value holds text a domain XML cannot "
                            "carry (bytes that are not UTF-8, or control "
                            "characters); convert the file to UTF-8 (iconv) "
                            "and fix the value."),
                          cfg->file ? cfg->file : "?");
            return NULL;
        }
        xmlFreeDoc(doc);
        return xml;
    }
}

bool
x2k_xlcfg_is_xm(const struct x2k_xlcfg *cfg)
{
    static const char *const xm_only[] = {
        "on_xend_start", "on_xend_stop", "vncconsole", "extid",
        "guest_os_type", "vhpt",
    };
    size_t i;

    if (x2k_xlcfg_get(cfg, "type"))
        return false;
    if (x2k_xlcfg_get(cfg, "builder"))
        return true;
    for (i = 0; i < cfg->n; i++) {
        if (in_table(cfg->ents[i].key, xm_only, X2K_N_ELEMENTS(xm_only)))
            return true;
    }
    return false;
}

char *
x2k_xlcfg_file_to_xml(const char *file, struct x2k_reporter *r,
                      struct x2k_error *err)
{
    X2K_AUTO(x2k_xlcfg) cfg = x2k_xlcfg_read_file(file, err);

    if (!cfg)
        return NULL;
    return x2k_xlcfg_to_xml(cfg, x2k_xlcfg_is_xm(cfg), r, err);
}

/* How the converted guest boots: <os> from PV to HVM, the architecture,
 * domain type and machine type chosen from the target's capabilities,
 * BIOS or UEFI firmware, PV-GRUB and bootloaders replaced by the disk's
 * own boot, direct kernel boot (the kernel, initrd and dtb to fetch),
 * the kernel command line rewritten for KVM, and the boot order.  Runs
 * on the caller's thread, as passes of x2k_xmlconv_convert.
 */
#include <config.h>

#include "base/i18n.h"
#include "convert/xmlconv-internal.h"

/* A machine type the target offers: the source's, pc, q35, i440fx... */
static const char *
pick_machine(struct conv *c, const char *source_machine)
{
    static const char *const preferred[] = { "pc", "q35" };
    const struct x2k_caps_guest *g = c->cg;
    size_t i;

    if (!g || g->n_machines == 0)
        return NULL;
    if (source_machine && !x2k_str_has_prefix(source_machine, "xen") &&
        x2k_caps_guest_has_machine(g, source_machine))
        return source_machine;
    for (i = 0; i < X2K_N_ELEMENTS(preferred); i++) {
        if (x2k_caps_guest_has_machine(g, preferred[i]))
            return preferred[i];
    }
    for (i = 0; i < g->n_machines; i++) {
        if (strstr(g->machines[i], "i440fx"))
            return g->machines[i];
    }
    for (i = 0; i < g->n_machines; i++) {
        if (strstr(g->machines[i], "q35"))
            return g->machines[i];
    }
    return g->machines[0];
}

/* Does a device carry its own <boot order=...>? */
static bool
has_device_boot_order(struct conv *c)
{
    xmlNodePtr d;

    for (d = c->devices ? c->devices->children : NULL; d; d = d->next) {
        if (d->type == XML_ELEMENT_NODE && xc_child(d, "boot"))
            return true;
    }
    return false;
}

/* Where fetched kernels and initrds go on the KVM host. */
static const char *
boot_dir(struct conv *c)
{
    if (c->opts->boot_dir)
        return c->opts->boot_dir;
    if (c->plan->output == X2K_OUTPUT_LOCAL && c->plan->output_dir)
        return c->plan->output_dir;
    return "/var/lib/libvirt/boot";
}

/* Record <kernel>/<initrd>/<dtb> N as a file to fetch; point N at it. */
static void
add_boot_file(struct conv *c, xmlNodePtr n, const char *kind)
{
    struct x2k_xmlconv_result *r = c->r;
    X2K_AUTOFREE char *remote = xc_get_text(n);
    X2K_AUTOFREE char *safe = NULL;
    const char *base;
    char *local;

    if (x2k_str_is_empty(remote)) {
        xc_remove_node(n);
        return;
    }
    base = strrchr(remote, '/');
    base = base ? base + 1 : remote;
    if (!*base)
        base = kind;
    safe = x2k_name_sanitize(base, 0);
    local = x2k_strdup_printf("%s/%s-%s", boot_dir(c), c->file_stem, safe);
    xc_set_text(n, local);
    r->boot_files = x2k_xreallocarray(r->boot_files, r->n_boot_files + 1,
                                      sizeof *r->boot_files);
    r->boot_files[r->n_boot_files].kind = x2k_xstrdup(kind);
    r->boot_files[r->n_boot_files].remote = x2k_steal(&remote);
    r->boot_files[r->n_boot_files].local = local;
    r->n_boot_files++;
}

/* The MAC address in pypxeboot's arguments ("mac=..."), or NULL.
 * Caller frees. */
static char *
pxe_mac(const char *args)
{
    const char *p = args ? strstr(args, "mac=") : NULL;

    if (!p)
        return NULL;
    p += 4;
    return x2k_xstrndup(p, strspn(p, "0123456789abcdefABCDEF:"));
}

/* Is KERNEL the copy a bootloader (pygrub, libxl's bootloader run)
 * extracted from the guest's disk for its last boot? */
static bool
is_bootloader_copy(const char *kernel)
{
    static const char *const dirs[] = {
        "/var/lib/xen/", "/var/run/xen/", "/run/xen/", "/tmp/",
    };
    const char *base = strrchr(kernel, '/');
    size_t i;

    base = base ? base + 1 : kernel;
    if (x2k_str_has_prefix(base, "boot_kernel.") ||
        x2k_str_has_prefix(base, "boot_ramdisk."))
        return true;
    for (i = 0; i < X2K_N_ELEMENTS(dirs); i++) {
        if (x2k_str_has_prefix(kernel, dirs[i]))
            return true;
    }
    return false;
}

/* A guest with a Xen bootloader: pypxeboot boots from the network; a
 * kernel that pygrub extracted (a running guest's dump) is no kernel to
 * boot directly: the guest boots from its disk. */
static void
convert_bootloader(struct conv *c)
{
    xmlNodePtr k = xc_child(c->os, "kernel");
    X2K_AUTOFREE char *kernel = xc_get_text(k);
    const char *loader = c->bootloader_path ? c->bootloader_path : "";
    const char *base = strrchr(loader, '/');

    base = base ? base + 1 : loader;
    if (strstr(base, "pxe")) {
        X2K_AUTOFREE char *mac = pxe_mac(c->bootloader_args);

        c->pxe = true;
        if (mac && *mac)
            xc_warn(c, "pxe-boot",
                    _("The guest booted from the network through %1$s (NIC "
                      "%2$s); it boots from the network under KVM too, with "
                      "its NIC's PXE firmware.  The PXE server must offer it "
                      "a kernel that runs under KVM."),
                    loader, mac);
        else
            xc_warn(c, "pxe-boot",
                    _("The guest booted from the network through %1$s; it "
                      "boots from the network under KVM too, with its NIC's "
                      "PXE firmware.  The PXE server must offer it a kernel "
                      "that runs under KVM."),
                    loader);
        xc_remove_node(k);
        xc_remove_children_named(c->os, "initrd");
        xc_remove_children_named(c->os, "cmdline");
        return;
    }
    if (kernel && is_bootloader_copy(kernel)) {
        xc_warn(c, "bootloader-kernel",
                _("The kernel %1$s is the copy that %2$s extracted from the "
                  "running guest's disk; under KVM the guest boots from its "
                  "disk with its own bootloader."),
                kernel, loader);
        xc_remove_node(k);
        xc_remove_children_named(c->os, "initrd");
    }
}

/* Decide arch, machine, domain type and firmware; rewrite <os> except
 * for the kernel command line (which needs the disk map). */
void
xc_convert_os(struct conv *c)
{
    xmlNodePtr type, n, next, loader;
    X2K_AUTOFREE char *ostype = NULL;
    X2K_AUTOFREE char *machine = NULL;
    X2K_AUTOFREE char *firmware = NULL;
    X2K_AUTOFREE char *loader_path = NULL;
    X2K_AUTOFREE char *loader_type = NULL;
    const char *dtype, *picked;

    if (!c->os) {
        static const char *const after_os[] = {
            "features", "cpu", "clock", "on_poweroff", "on_reboot",
            "on_crash", "pm", "devices", NULL,
        };

        c->os = xmlNewNode(NULL, (const xmlChar *)"os");
        for (n = c->root->children; n; n = n->next) {
            if (n->type == XML_ELEMENT_NODE &&
                xc_in_list((const char *)n->name, after_os))
                break;
        }
        if (n)
            xmlAddPrevSibling(n, c->os);
        else
            xmlAddChild(c->root, c->os);
    }
    type = xc_child(c->os, "type");
    if (!type) {
        type = xc_add_child(c->os, "type");
        /* <os> starts with <type>. */
        if (c->os->children != type) {
            xmlUnlinkNode(type);
            xmlAddPrevSibling(c->os->children, type);
        }
    }
    ostype = xc_get_text(type);
    c->pv = !x2k_str_equal(ostype, "hvm");
    c->r->was_pv = c->pv;
    if (c->pv && !x2k_str_is_empty(ostype) && strcmp(ostype, "linux") &&
        strcmp(ostype, "xen") && strcmp(ostype, "xenpvh"))
        xc_warn(c, "os-type",
                _("The OS type '%1$s' is not a Xen type; the guest is "
                  "treated as paravirtualised."),
                ostype);
    xc_set_text(type, "hvm");

    c->arch = xc_get_attr(type, "arch");
    if (x2k_str_equal(c->arch, "i386") || x2k_str_equal(c->arch, "i586"))
        x2k_str_replace(&c->arch, "i686");
    if (x2k_str_is_empty(c->arch)) {
        x2k_str_replace(&c->arch, "x86_64");
        xc_warn(c, "arch-guessed",
                _("The source XML names no architecture; x86_64 was "
                  "assumed."));
    } else if (strcmp(c->arch, "x86_64") && strcmp(c->arch, "i686")) {
        xc_warn(c, "arch",
                _("The architecture '%1$s' is not x86; the converted guest "
                  "may not run."),
                c->arch);
    }
    xc_set_attr(type, "arch", c->arch);

    /* libvirt's test driver (the demo's and the tests' target) lists
     * i686 guests of type 'test': nothing a KVM guest needs. */
    if (c->opts->caps && !x2k_caps_is_test_driver(c->opts->caps)) {
        c->cg = x2k_caps_guest_for(c->opts->caps, c->arch);
        if (!c->cg)
            xc_warn(c, "arch-unsupported",
                    _("The target offers no %1$s guests."), c->arch);
    }
    if (c->opts->domain_type)
        dtype = c->opts->domain_type;
    else if (c->cg && c->cg->kvm)
        dtype = "kvm";
    else if (c->cg && c->cg->qemu)
        dtype = "qemu";
    else {
        dtype = "kvm";
        if (c->cg)
            xc_warn(c, "no-kvm",
                    _("The target offers neither KVM nor QEMU for %1$s "
                      "guests; the domain type was set to kvm anyway."),
                    c->arch);
    }
    c->r->domain_type = x2k_xstrdup(dtype);

    machine = xc_get_attr(type, "machine");
    picked = pick_machine(c, machine);
    if (picked) {
        c->machine = x2k_xstrdup(picked);
        xc_set_attr(type, "machine", picked);
    } else {
        xc_unset_attr(type, "machine");
    }
    /* No IDE on q35, nor when we do not know the machine. */
    if (c->machine && !strstr(c->machine, "q35")) {
        c->cdrom_bus = "ide";
    } else {
        c->cdrom_bus = "sata";
    }

    /* Firmware: BIOS (hvmloader, dropped) or UEFI (the target's OVMF). */
    firmware = xc_get_attr(c->os, "firmware");
    loader = xc_child(c->os, "loader");
    loader_path = xc_get_text(loader);
    loader_type = xc_get_attr(loader, "type");
    c->uefi = x2k_str_equal(firmware, "efi") ||
              x2k_str_equal(loader_type, "pflash") ||
              (loader_path && (strstr(loader_path, "ovmf") ||
                               strstr(loader_path, "OVMF")));
    for (n = c->os->children; n; n = next) {
        next = n->next;
        if (xc_is_elem(n, "loader") || xc_is_elem(n, "nvram") ||
            xc_is_elem(n, "init") || xc_is_elem(n, "initarg") ||
            xc_is_elem(n, "initenv") || xc_is_elem(n, "initdir") ||
            xc_is_elem(n, "inituser") || xc_is_elem(n, "initgroup") ||
            xc_is_elem(n, "firmware"))
            xc_remove_node(n);
    }
    xc_unset_attr(c->os, "firmware");
    if (c->uefi) {
        const struct x2k_caps *caps = c->opts->caps;

        if (caps && caps->ovmf &&
            (!caps->ovmf_arch || x2k_str_equal(caps->ovmf_arch, c->arch))) {
            loader = xmlNewNode(NULL, (const xmlChar *)"loader");
            xc_set_attr(loader, "readonly", "yes");
            xc_set_attr(loader, "type", "pflash");
            xc_set_text(loader, caps->ovmf);
            xmlAddNextSibling(type, loader);
        } else {
            /* libvirt picks the OVMF build itself. */
            xc_set_attr(c->os, "firmware", "efi");
        }
    }

    /* PV-GRUB (or GRUB built for Xen) loaded as the "kernel" is a
     * bootloader: under KVM the disk's own GRUB boots instead. */
    if ((n = xc_child(c->os, "kernel")) != NULL) {
        X2K_AUTOFREE char *kernel = xc_get_text(n);
        const char *base = kernel ? strrchr(kernel, '/') : NULL;

        base = base ? base + 1 : kernel;
        if (base && strstr(base, "grub")) {
            xc_remove_node(n);
            xc_remove_children_named(c->os, "initrd");
            xc_remove_children_named(c->os, "cmdline");
            c->bootloader = true;
        }
    }
    if (c->bootloader)
        convert_bootloader(c);
    /* Assembled volumes boot from their own disk: the Xen host's kernel
     * is not fetched, and root= goes to the bootloader's configuration
     * as for a guest with a bootloader. */
    if (c->assembled && (n = xc_child(c->os, "kernel")) != NULL) {
        X2K_AUTOFREE char *kernel = xc_get_text(n);

        xc_warn(c, "layout-assemble",
                _("The guest's volumes were assembled into one disk, which "
                  "boots through the guest's own bootloader: the Xen host's "
                  "kernel %1$s is not used."),
                kernel ? kernel : "?");
        xc_remove_node(n);
        xc_remove_children_named(c->os, "initrd");
        xc_remove_children_named(c->os, "dtb");
        c->bootloader = true;
    }
    /* Direct kernel boot: files to fetch, paths rewritten. */
    if ((n = xc_child(c->os, "kernel")) != NULL)
        add_boot_file(c, n, "kernel");
    if ((n = xc_child(c->os, "initrd")) != NULL)
        add_boot_file(c, n, "initrd");
    if ((n = xc_child(c->os, "dtb")) != NULL)
        add_boot_file(c, n, "dtb");

    if (c->pv && !xc_child(c->os, "kernel") && !xc_child(c->os, "boot") &&
        !c->bootloader)
        xc_warn(c, "no-boot-method",
                _("The paravirtualised guest has neither a bootloader nor a "
                  "kernel; booting from its first disk was assumed."));
}

/* <boot dev='hd'/> (network for PXE) unless the guest orders devices
 * itself. */
void
xc_convert_boot_order(struct conv *c)
{
    xmlNodePtr n, last = NULL;
    const char *dev = c->pxe ? "network" : "hd";

    if (c->pxe) {
        /* One order only: the network's. */
        for (n = c->devices->children; n; n = n->next)
            xc_remove_children_named(n, "boot");
        xc_remove_children_named(c->os, "boot");
    }
    if (has_device_boot_order(c)) {
        xc_remove_children_named(c->os, "boot");
        return;
    }
    if (xc_child(c->os, "boot"))
        return;
    for (n = c->os->children; n; n = n->next) {
        if (xc_is_elem(n, "type") || xc_is_elem(n, "loader") ||
            xc_is_elem(n, "kernel") || xc_is_elem(n, "initrd") ||
            xc_is_elem(n, "cmdline") || xc_is_elem(n, "dtb"))
            last = n;
    }
    n = xmlNewNode(NULL, (const xmlChar *)"boot");
    xc_set_attr(n, "dev", dev);
    if (last)
        xmlAddNextSibling(last, n);
    else
        xmlAddChild(c->os, n);
}

/* "/dev/xvda1" with MAP {xvda, vda} -> "/dev/vda1"; a Xen disk name
 * that MAP lacks (the domain lists no disks) keeps its letters after
 * FALLBACK ("/dev/xvdb2" -> "/dev/vdb2"); NULL for anything else. */
static char *
map_dev_path(const char *value, const char *const *map, const char *fallback)
{
    const char *dev, *rest;
    size_t i, len;

    if (!x2k_str_has_prefix(value, "/dev/"))
        return NULL;
    dev = value + 5;
    for (i = 0; map && map[i] && map[i + 1]; i += 2) {
        len = strlen(map[i]);
        if (strncmp(dev, map[i], len) != 0)
            continue;
        rest = dev + len;
        /* The whole disk or a partition of it, nothing else. */
        if (rest[strspn(rest, "0123456789")] != '\0')
            continue;
        return x2k_strdup_printf("/dev/%s%s", map[i + 1], rest);
    }
    if (fallback && x2k_str_has_prefix(dev, "xvd")) {
        rest = dev + 3 + strspn(dev + 3, "abcdefghijklmnopqrstuvwxyz");
        if (rest > dev + 3 && rest[strspn(rest, "0123456789")] == '\0')
            return x2k_strdup_printf("/dev/%s%s", fallback, dev + 3);
    }
    return NULL;
}

/* Is TOK a kernel parameter that only means something under Xen? */
static bool
is_xen_only_param(const char *tok)
{
    static const char *const prefixes[] = {
        "xencons=", "xen_", "xen-", "xenfb", "xen.", "xennet", "xenblk",
        "xenbus", "clocksource=xen", "earlyprintk=xen",
    };
    size_t i;

    for (i = 0; i < X2K_N_ELEMENTS(prefixes); i++) {
        if (x2k_str_has_prefix(tok, prefixes[i]))
            return true;
    }
    return strcmp(tok, "xen") == 0;
}

/* Rewrite a Linux kernel command line for KVM, with the disk MAP and
 * FALLBACK for Xen disks it lacks. */
static char *
rewrite_cmdline(const char *cmdline, const char *const *map,
                const char *fallback)
{
    struct x2k_buf b = { 0 };
    char *copy = x2k_xstrdup(cmdline), *tok, *save = NULL;
    bool serial_console = false;

    for (tok = strtok_r(copy, " \t\r\n", &save); tok;
         tok = strtok_r(NULL, " \t\r\n", &save)) {
        X2K_AUTOFREE char *out = NULL;
        char *eq = strchr(tok, '=');

        if (is_xen_only_param(tok))
            continue;
        if (x2k_str_has_prefix(tok, "console=")) {
            const char *dev = tok + 8;
            size_t dlen = strcspn(dev, ",");

            if ((dlen == 3 && strncmp(dev, "xvc", 3) == 0) ||
                (dlen == 4 && (strncmp(dev, "xvc0", 4) == 0 ||
                               strncmp(dev, "hvc0", 4) == 0))) {
                out = x2k_strdup_printf("console=ttyS0%s", dev + dlen);
            }
            if (x2k_str_has_prefix(out ? out : tok, "console=ttyS0")) {
                /* Two Xen consoles must not become two ttyS0. */
                if (serial_console)
                    continue;
                serial_console = true;
            }
        } else if (eq) {
            X2K_AUTOFREE char *dev = map_dev_path(eq + 1, map, fallback);

            if (dev)
                out = x2k_strdup_printf("%.*s=%s", (int)(eq - tok), tok, dev);
        }
        if (b.len)
            x2k_buf_puts(&b, " ");
        x2k_buf_puts(&b, out ? out : tok);
    }
    free(copy);
    return x2k_buf_steal(&b);
}

char *
x2k_xmlconv_cmdline(const char *cmdline, const char *const *map)
{
    return rewrite_cmdline(cmdline, map, "vd");
}

/* The value of pygrub's --args in bootloader_args ARGS (--args=V,
 * --args V, quoted or not), or NULL.  Caller frees. */
static char *
pygrub_args(const char *args)
{
    const char *p = args ? strstr(args, "--args") : NULL;
    char q;

    if (!p)
        return NULL;
    p += 6;
    if (*p != '=' && *p != ' ' && *p != '\t')
        return NULL;
    p += strspn(p, "= \t");
    if (*p == '"' || *p == '\'') {
        const char *end;

        q = *p++;
        end = strchr(p, q);
        return x2k_xstrndup(p, end ? (size_t)(end - p) : strlen(p));
    }
    return x2k_xstrndup(p, strcspn(p, " \t"));
}

/* The next word of *P (blanks separate words, quotes group them and
 * are removed), or NULL at the end.  Caller frees. */
static char *
next_word(const char **p)
{
    struct x2k_buf b = { 0 };
    const char *s = *p + strspn(*p, " \t");
    char q = 0;

    if (!*s)
        return NULL;
    for (; *s && (q || (*s != ' ' && *s != '\t')); s++) {
        if (!q && (*s == '"' || *s == '\''))
            q = *s;
        else if (q && *s == q)
            q = 0;
        else
            x2k_buf_printf(&b, "%c", *s);
    }
    *p = s;
    return b.data ? x2k_buf_steal(&b) : x2k_xstrdup("");
}

/* pygrub's own choices in bootloader_args that KVM cannot carry out: a
 * menu entry (--entry), a kernel or initrd inside the guest (--kernel,
 * --ramdisk), and options unknown to pygrub, each said.  --args is
 * carry_root's; the rest (-q, --output...) is pygrub's plumbing on the
 * Xen host. */
static void
warn_bootloader_args(struct conv *c)
{
    static const char *const plumbing[] = {
        "-q", "--quiet", "-n", "--not-really", "-i", "--interactive",
        "-l", "--list-entries", "--isconfig", "--debug", NULL,
    };
    static const char *const with_value[] = {
        "--output", "--output-format", "--output-directory", "--offset",
        "--args", NULL,
    };
    static const char *const choices[] = { "--entry", "--kernel",
                                           "--ramdisk", NULL };
    const char *p = c->bootloader_args ? c->bootloader_args : "";
    char *w;

    while ((w = next_word(&p))) {
        X2K_AUTOFREE char *word = w;
        X2K_AUTOFREE char *opt = x2k_xstrndup(word, strcspn(word, "="));
        X2K_AUTOFREE char *val = word[strlen(opt)] == '='
                                     ? x2k_xstrdup(word + strlen(opt) + 1)
                                     : NULL;
        bool choice = xc_in_list(opt, choices);

        if (xc_in_list(opt, plumbing))
            continue;
        if (!val && (choice || xc_in_list(opt, with_value)))
            val = next_word(&p);
        if (xc_in_list(opt, with_value))
            continue;
        if (choice)
            xc_warn(c, "bootloader-args",
                    _("pygrub was told %1$s %2$s on the Xen host; under KVM "
                      "the guest's own bootloader boots its default entry: "
                      "make that choice the default in the guest's "
                      "bootloader configuration."),
                    opt, val ? val : "");
        else
            xc_warn(c, "bootloader-args",
                    _("The bootloader argument '%1$s' was dropped: it was "
                      "meant for Xen's bootloader, which KVM does not run."),
                    word);
    }
}

/* A guest that boots through its own bootloader: the root= that Xen's
 * command line (pygrub's extra arguments) gave it goes to the guest
 * fixes, which set it in the bootloader configuration; the rest of
 * TEXT is the bootloader configuration's business under KVM. */
static void
carry_root(struct conv *c, const char *text, const char *fallback)
{
    X2K_AUTOFREE char *extra = pygrub_args(c->bootloader_args);
    X2K_AUTOFREE char *all = x2k_strdup_printf("%s %s", text ? text : "",
                                               extra ? extra : "");
    X2K_AUTOFREE char *mapped =
        rewrite_cmdline(all, (const char *const *)c->map, fallback);
    X2K_AUTOFREE char *orig_root = NULL;
    struct x2k_buf rest = { 0 };
    char *tok, *save = NULL;

    if (!c->bootloader || c->pxe)
        return;
    warn_bootloader_args(c);
    for (tok = strtok_r(all, " \t", &save); tok;
         tok = strtok_r(NULL, " \t", &save)) {
        if (x2k_str_has_prefix(tok, "root="))
            x2k_str_replace(&orig_root, tok + 5);
    }
    for (tok = strtok_r(mapped, " \t", &save); tok;
         tok = strtok_r(NULL, " \t", &save)) {
        /* The last root= is the kernel's. */
        if (x2k_str_has_prefix(tok, "root="))
            x2k_str_replace(&c->r->root_override, tok + 5);
        else if (!x2k_str_has_prefix(tok, "console="))
            x2k_buf_printf(&rest, "%s%s", rest.len ? " " : "", tok);
    }
    if (c->r->root_override && *c->r->root_override)
        xc_warn(c, "root-override",
                _("Xen gave the guest root=%1$s on its kernel command line; "
                  "the guest fixes set root=%2$s in the guest's bootloader "
                  "configuration (with --no-guest-fixes, set it there "
                  "yourself)."),
                orig_root ? orig_root : "", c->r->root_override);
    else
        x2k_str_replace(&c->r->root_override, NULL);
    if (rest.len)
        xc_warn(c, "bootloader-cmdline",
                _("Xen added '%1$s' to the kernel command line of a guest "
                  "that boots through its own bootloader; under KVM the "
                  "bootloader configuration alone gives the command line."),
                rest.data);
    x2k_buf_clear(&rest);
}

/* The kernel command line of direct kernel boot, with the disk map; for
 * a guest booting through its bootloader, its root= override. */
void
xc_convert_cmdline(struct conv *c)
{
    xmlNodePtr cmd = xc_child(c->os, "cmdline");
    xmlNodePtr root = xc_child(c->os, "root");
    X2K_AUTOFREE char *text = xc_get_text(cmd);
    X2K_AUTOFREE char *rootdev = xc_get_text(root);
    X2K_AUTOFREE char *joined = NULL;
    X2K_AUTOFREE char *out = NULL;
    int bus = x2k_devchoices_get(&c->plan->disk_buses, NULL);
    const char *fallback;

    /* Xen disks the domain does not list: named as its disks are. */
    if (bus < 0)
        bus = (int)c->default_bus;
    fallback = bus == X2K_DISK_BUS_VIRTIO ? "vd"
               : bus == X2K_DISK_BUS_IDE  ? "hd"
                                          : "sd";
    /* xend-era XML may carry the root device on its own. */
    if (!x2k_str_is_empty(rootdev)) {
        joined = x2k_strdup_printf("root=%s%s%s", rootdev,
                                   text && *text ? " " : "",
                                   text ? text : "");
        free(text);
        text = x2k_steal(&joined);
    }
    xc_remove_node(root);
    if (!xc_child(c->os, "kernel")) {
        /* A command line without a kernel means nothing to libvirt. */
        carry_root(c, text, fallback);
        xc_remove_node(cmd);
        return;
    }
    if (!text)
        return;
    out = rewrite_cmdline(text, (const char *const *)c->map, fallback);
    if (!cmd)
        cmd = xc_add_child(c->os, "cmdline");
    xc_set_text(cmd, out);
}

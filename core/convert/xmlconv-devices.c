/* The converted guest's devices other than disks: network interfaces
 * on the plan's bridges and networks (the model the plan or the guest's
 * defaults choose), one pty serial
 * console instead of Xen's consoles and channels, inputs, graphics and
 * video, controllers, the emulator and the balloon, with a warning for
 * every passthrough device that is dropped.  Runs on the caller's
 * thread, as passes of x2k_xmlconv_convert.
 */
#include <config.h>

#include <stdio.h>

#include "base/i18n.h"
#include "convert/xmlconv-internal.h"

/* The target network of a NIC on bridge/network IN per the plan. */
static const struct x2k_netmap *
find_netmap(const struct x2k_plan *plan, const char *in)
{
    size_t i;

    for (i = 0; in && i < plan->n_nets; i++) {
        if (x2k_str_equal(plan->nets[i].in, in))
            return &plan->nets[i];
    }
    /* Image mode makes one NIC on each --bridge/--network OUT given. */
    for (i = 0; in && i < plan->n_nets; i++) {
        if (!plan->nets[i].in && x2k_str_equal(plan->nets[i].out, in))
            return &plan->nets[i];
    }
    for (i = 0; i < plan->n_nets; i++) {
        if (!plan->nets[i].in)
            return &plan->nets[i];
    }
    return NULL;
}

/* Point NIC at bridge or network NAME; network "user" makes it a
 * user-mode NIC (no source). */
static void
set_nic_source(xmlNodePtr nic, enum x2k_net_kind kind, const char *name)
{
    xmlNodePtr src;

    xc_remove_children_named(nic, "source");
    if (x2k_net_is_user(kind, name)) {
        xc_set_attr(nic, "type", "user");
        return;
    }
    src = xmlNewNode(NULL, (const xmlChar *)"source");
    if (xc_child(nic, "mac"))
        xmlAddNextSibling(xc_child(nic, "mac"), src);
    else if (nic->children)
        xmlAddPrevSibling(nic->children, src);
    else
        xmlAddChild(nic, src);
    if (kind == X2K_NET_BRIDGE) {
        xc_set_attr(nic, "type", "bridge");
        xc_set_attr(src, "bridge", name);
    } else {
        xc_set_attr(nic, "type", "network");
        xc_set_attr(src, "network", name);
    }
}

/* Add the NIC with MAC (its <model> MODEL as the source has it) to the
 * result, with the model it gets. */
static void
record_nic(struct conv *c, const char *mac, xmlNodePtr model)
{
    struct x2k_xmlconv_result *r = c->r;
    struct x2k_xmlconv_nic *nic;

    r->nics = x2k_xreallocarray(r->nics, r->n_nics + 1, sizeof *r->nics);
    nic = &r->nics[r->n_nics++];
    nic->mac = x2k_xstrdup(mac);
    nic->old_model = xc_get_attr(model, "type");
    nic->new_model = x2k_xstrdup(x2k_nic_model_name(xc_nic_model_for(c, mac)));
}

/* Every <interface>: mapping, model, Xen-only parts out. */
void
xc_convert_interfaces(struct conv *c)
{
    static const char *const standard_scripts[] = {
        "vif-bridge", "vif-openvswitch", "vif-route", "vif-nat", NULL,
    };
    static const char *const nic_children[] = {
        "mac", "source", "target", "model", "boot", "bandwidth", "link",
        "mtu", "vlan", "virtualport", "tune", "coalesce", "rom", NULL,
    };
    X2K_AUTOFREE xmlNodePtr *v = NULL;
    size_t n, i;

    v = xc_elems(c->devices, "interface", &n);
    for (i = 0; i < n; i++) {
        xmlNodePtr nic = v[i], src = xc_child(nic, "source");
        xmlNodePtr script = xc_child(nic, "script"), tgt, model;
        X2K_AUTOFREE char *type = xc_get_attr(nic, "type");
        X2K_AUTOFREE char *mac = xc_get_attr(xc_child(nic, "mac"), "address");
        X2K_AUTOFREE char *in = NULL;
        X2K_AUTOFREE char *spath = xc_get_attr(script, "path");
        X2K_AUTOFREE char *tdev = NULL;
        const struct x2k_netmap *m;
        const char *who = mac ? mac : "?";

        xc_strip_device(nic);
        if (x2k_str_equal(type, "hostdev") ||
            x2k_str_equal(type, "vhostuser") ||
            x2k_str_equal(type, "vdpa")) {
            xc_warn(c, "nic-passthrough",
                    _("The network interface %1$s was a device passthrough "
                      "('%2$s') and was dropped."),
                    who, type);
            xc_remove_node(nic);
            continue;
        }
        if (x2k_str_equal(type, "bridge"))
            in = xc_get_attr(src, "bridge");
        else if (x2k_str_equal(type, "network"))
            in = xc_get_attr(src, "network");

        if (spath) {
            const char *base = strrchr(spath, '/');

            base = base ? base + 1 : spath;
            if (!xc_in_list(base, standard_scripts))
                xc_warn(c, "custom-script",
                        _("The network interface %1$s used the custom Xen "
                          "script '%2$s'; what it did is not carried over."),
                        who, spath);
        }
        xc_remove_node(script);
        if (xc_child(nic, "ip")) {
            xc_warn(c, "nic-ip",
                    _("The IP address settings of network interface %1$s "
                      "(Xen anti-spoofing) were dropped."),
                    who);
        }
        if (xc_child(nic, "backenddomain"))
            xc_warn(c, "nic-backend",
                    _("The network interface %1$s used a Xen driver domain; "
                      "it is connected on the KVM host instead."),
                    who);

        m = find_netmap(c->plan, in);
        if (m) {
            set_nic_source(nic, m->kind, m->out);
        } else if (x2k_str_equal(type, "ethernet") ||
                   (!in && (x2k_str_equal(type, "bridge") ||
                            x2k_str_equal(type, "network")))) {
            xc_warn(c, "nic-unmapped",
                    _("The network interface %1$s had no bridge or network; "
                      "it was connected to the libvirt network 'default'.  "
                      "Use --bridge or --network to choose."),
                    who);
            set_nic_source(nic, X2K_NET_NETWORK, "default");
        } else if (x2k_str_equal(type, "direct")) {
            xc_warn(c, "nic-direct",
                    _("The network interface %1$s is attached directly to a "
                      "host device; check that the KVM host has it."),
                    who);
        }
        /* vif1.0, vnet0, veth...: names the Xen host chose at run time. */
        tgt = xc_child(nic, "target");
        tdev = xc_get_attr(tgt, "dev");
        if (tgt && (!tdev || x2k_str_has_prefix(tdev, "vif") ||
                    x2k_str_has_prefix(tdev, "vnet") ||
                    x2k_str_has_prefix(tdev, "veth") ||
                    x2k_str_has_prefix(tdev, "tap")))
            xc_remove_node(tgt);
        else if (tgt)
            xc_keep_attrs(tgt, (const char *const[]){ "dev", NULL });
        xc_keep_children(nic, nic_children);
        model = xc_child(nic, "model");
        if (!model)
            model = xc_add_child(nic, "model");
        record_nic(c, mac, model);
        xc_keep_attrs(model, (const char *const[]){ NULL });
        xc_set_attr(model, "type", c->r->nics[c->r->n_nics - 1].new_model);
        xc_keep_attrs(nic, (const char *const[]){ "type", "trustGuestRxFilters",
                                                  NULL });
    }
}

/* The guest agent's channel under KVM: virtio-serial, with the socket
 * libvirt makes for it. */
static void
set_agent_channel(xmlNodePtr ch)
{
    xmlNodePtr t;

    xc_keep_attrs(ch, (const char *const[]){ NULL });
    xc_keep_children(ch, (const char *const[]){ NULL });
    xc_set_attr(ch, "type", "unix");
    t = xc_add_child(ch, "target");
    xc_set_attr(t, "type", "virtio");
    xc_set_attr(t, "name", "org.qemu.guest_agent.0");
}

/* Every serial port as a pty (ISA has four), the console on the first;
 * Xen consoles out; the guest agent's channel on virtio-serial. */
void
xc_convert_consoles(struct conv *c)
{
    X2K_AUTOFREE xmlNodePtr *v = NULL;
    xmlNodePtr n, t;
    size_t cnt, i;
    bool used[4] = { false };
    int *ports, kept = 0, first = -1;
    long p;

    /* Ports as the guest knows them (ttyS1 stays ttyS1), the others on
     * the free ones. */
    v = xc_elems(c->devices, "serial", &cnt);
    ports = x2k_xcalloc(cnt + 1, sizeof *ports);
    for (i = 0; i < cnt; i++) {
        X2K_AUTOFREE char *s = xc_get_attr(xc_child(v[i], "target"), "port");

        ports[i] = -1;
        if (s && x2k_parse_long(s, 0, 3, &p) && !used[p]) {
            ports[i] = (int)p;
            used[p] = true;
        }
    }
    for (i = 0; i < cnt; i++) {
        X2K_AUTOFREE char *type = xc_get_attr(v[i], "type");
        char num[16];

        for (p = 0; ports[i] < 0 && p < 4; p++) {
            if (!used[p]) {
                ports[i] = (int)p;
                used[p] = true;
            }
        }
        if (ports[i] < 0) {
            xc_warn(c, "serial",
                    _("A fifth serial port was dropped: KVM's PC has four."));
            xc_remove_node(v[i]);
            continue;
        }
        if (type && strcmp(type, "pty") != 0)
            xc_warn(c, "serial",
                    _("Serial port %1$d of type '%2$s' became a pty (it "
                      "named a file or endpoint of the Xen host)."),
                    ports[i], type);
        /* The pty of a running guest is a live value. */
        xc_keep_attrs(v[i], (const char *const[]){ NULL });
        xc_keep_children(v[i], (const char *const[]){ NULL });
        xc_set_attr(v[i], "type", "pty");
        t = xc_add_child(v[i], "target");
        snprintf(num, sizeof num, "%d", ports[i]);
        xc_set_attr(t, "port", num);
        if (kept++ == 0)
            first = ports[i];
    }
    free(ports);
    free(v);
    v = NULL;
    v = xc_elems(c->devices, "console", &cnt);
    for (i = 0; i < cnt; i++)
        xc_remove_node(v[i]);
    free(v);
    v = NULL;
    v = xc_elems(c->devices, "channel", &cnt);
    for (i = 0; i < cnt; i++) {
        X2K_AUTOFREE char *name = NULL;

        t = xc_child(v[i], "target");
        name = xc_get_attr(t, "name");
        if (x2k_str_equal(name, "org.qemu.guest_agent.0")) {
            set_agent_channel(v[i]);
        } else if (xc_attr_is(t, "type", "xen")) {
            xc_warn(c, "channel",
                    _("The Xen channel '%1$s' was dropped."),
                    name ? name : "?");
            xc_remove_node(v[i]);
        } else {
            xc_strip_device(v[i]);
        }
    }
    /* A pty serial port and the console on the first: virsh console
     * works. */
    if (kept == 0) {
        n = xc_add_child(c->devices, "serial");
        xc_set_attr(n, "type", "pty");
        t = xc_add_child(n, "target");
        xc_set_attr(t, "port", "0");
        first = 0;
    }
    n = xc_add_child(c->devices, "console");
    xc_set_attr(n, "type", "pty");
    t = xc_add_child(n, "target");
    xc_set_attr(t, "type", "serial");
    {
        char num[16];

        snprintf(num, sizeof num, "%d", first);
        xc_set_attr(t, "port", num);
    }
}

/* Inputs on ps2/usb, graphics on automatic ports, Xen video -> VGA. */
void
xc_convert_inputs_graphics(struct conv *c)
{
    X2K_AUTOFREE xmlNodePtr *v = NULL;
    size_t n, i;
    bool tablet = false, graphics = false;

    v = xc_elems(c->devices, "input", &n);
    for (i = 0; i < n; i++) {
        X2K_AUTOFREE char *type = xc_get_attr(v[i], "type");
        X2K_AUTOFREE char *bus = xc_get_attr(v[i], "bus");

        xc_strip_device(v[i]);
        if (x2k_str_equal(type, "passthrough") ||
            x2k_str_equal(type, "evdev")) {
            xc_warn(c, "input-passthrough",
                    _("An input device passthrough was dropped."));
            xc_remove_node(v[i]);
            continue;
        }
        if (x2k_str_equal(type, "tablet")) {
            tablet = true;
            xc_set_attr(v[i], "bus", "usb");
        } else if (x2k_str_equal(bus, "xen") || !bus) {
            xc_set_attr(v[i], "bus", "ps2");
        }
    }
    free(v);
    v = NULL;

    v = xc_elems(c->devices, "graphics", &n);
    for (i = 0; i < n; i++) {
        X2K_AUTOFREE char *type = xc_get_attr(v[i], "type");

        if (x2k_str_equal(type, "sdl")) {
            xc_warn(c, "graphics-sdl",
                    _("SDL graphics were replaced by VNC."));
            xc_keep_attrs(v[i], (const char *const[]){ NULL });
            xc_keep_children(v[i], (const char *const[]){ NULL });
            xc_set_attr(v[i], "type", "vnc");
            x2k_str_replace(&type, "vnc");
        }
        if (!x2k_str_equal(type, "vnc") && !x2k_str_equal(type, "spice")) {
            xc_warn(c, "graphics",
                    _("Graphics of type '%1$s' were dropped."),
                    type ? type : "?");
            xc_remove_node(v[i]);
            continue;
        }
        graphics = true;
        if (xc_attr_is(v[i], "autoport", "no")) {
            X2K_AUTOFREE char *port = xc_get_attr(v[i], "port");

            if (port && strcmp(port, "-1") != 0)
                xc_warn(c, "graphics-port",
                        _("The fixed display port %1$s was replaced by an "
                          "automatic port; check firewall rules and clients."),
                        port);
        }
        /* A UNIX socket is a path of the Xen host: the display listens
         * on an automatic port instead. */
        {
            X2K_AUTOFREE char *sock = xc_get_attr(v[i], "socket");
            size_t k, nl;
            xmlNodePtr *l = xc_elems(v[i], "listen", &nl);

            for (k = 0; k < nl; k++) {
                X2K_AUTOFREE char *lt = xc_get_attr(l[k], "type");

                if (!x2k_str_equal(lt, "socket"))
                    continue;
                if (!sock)
                    sock = xc_get_attr(l[k], "socket");
                xc_remove_node(l[k]);
            }
            free(l);
            if (sock)
                xc_warn(c, "graphics-port",
                        _("The display's socket %1$s (a path of the Xen host) "
                          "was replaced by an automatic port."),
                        sock);
            xc_unset_attr(v[i], "socket");
        }
        /* The ports of a running guest are live values. */
        xc_unset_attr(v[i], "port");
        xc_unset_attr(v[i], "tlsPort");
        xc_unset_attr(v[i], "websocket");
        xc_unset_attr(v[i], "display");
        xc_unset_attr(v[i], "xauth");
        xc_set_attr(v[i], "autoport", "yes");
    }
    free(v);
    v = NULL;

    v = xc_elems(c->devices, "video", &n);
    for (i = 0; i < n; i++) {
        xmlNodePtr model = xc_child(v[i], "model");
        X2K_AUTOFREE char *type = xc_get_attr(model, "type");

        xc_strip_device(v[i]);
        if (!model)
            continue;
        if (!xc_in_list(type, (const char *const[]){
                            "vga", "cirrus", "qxl", "virtio", "bochs",
                            "ramfb", "none", NULL })) {
            /* Xen's PV framebuffer and the like. */
            xc_warn(c, "vfb",
                    _("The Xen display adapter '%1$s' became a standard VGA "
                      "adapter."),
                    type ? type : "?");
            xc_keep_attrs(model, (const char *const[]){ "heads", "primary",
                                                        NULL });
            xc_keep_children(model, (const char *const[]){ NULL });
            xc_set_attr(model, "type", "vga");
        }
    }
    free(v);
    v = NULL;

    if (graphics && !tablet) {
        /* A usb tablet keeps the VNC pointer in step. */
        xmlNodePtr t = xmlNewNode(NULL, (const xmlChar *)"input");

        xc_set_attr(t, "type", "tablet");
        xc_set_attr(t, "bus", "usb");
        v = xc_elems(c->devices, "input", &n);
        if (n)
            xmlAddPrevSibling(v[0], t);
        else
            xmlAddChild(c->devices, t);
    }
}

/* One warning naming the dropped passthrough device H. */
static void
warn_hostdev(struct conv *c, xmlNodePtr h)
{
    X2K_AUTOFREE char *type = xc_get_attr(h, "type");
    xmlNodePtr src = xc_child(h, "source"), a;

    if (x2k_str_equal(type, "pci") && (a = xc_child(src, "address"))) {
        X2K_AUTOFREE char *dom = xc_get_attr(a, "domain");
        X2K_AUTOFREE char *bus = xc_get_attr(a, "bus");
        X2K_AUTOFREE char *slot = xc_get_attr(a, "slot");
        X2K_AUTOFREE char *fn = xc_get_attr(a, "function");
        X2K_AUTOFREE char *addr = x2k_strdup_printf(
            "%s:%s:%s.%s", dom ? dom : "?", bus ? bus : "?",
            slot ? slot : "?", fn ? fn : "?");

        xc_warn(c, "pci-passthrough",
                _("The PCI passthrough device %1$s was dropped: it belongs "
                  "to the Xen host."),
                addr);
    } else if (x2k_str_equal(type, "usb")) {
        X2K_AUTOFREE char *vendor =
            xc_get_attr(xc_child(src, "vendor"), "id");
        X2K_AUTOFREE char *product =
            xc_get_attr(xc_child(src, "product"), "id");
        X2K_AUTOFREE char *bus = xc_get_attr(xc_child(src, "address"), "bus");
        X2K_AUTOFREE char *dev =
            xc_get_attr(xc_child(src, "address"), "device");

        if (vendor || product || (!bus && !dev)) {
            X2K_AUTOFREE char *id = x2k_strdup_printf(
                "%s:%s", vendor ? vendor : "?", product ? product : "?");

            xc_warn(c, "usb-passthrough",
                    _("The USB passthrough device %1$s was dropped: it "
                      "belongs to the Xen host."),
                    id);
        } else {
            /* libxl's usbdev=['hostbus=1,hostaddr=3']. */
            xc_warn(c, "usb-passthrough",
                    _("The USB passthrough device on bus %1$s, device %2$s "
                      "of the Xen host was dropped: it belongs to that "
                      "host."),
                    bus ? bus : "?", dev ? dev : "?");
        }
    } else {
        xc_warn(c, "hostdev",
                _("A host device passthrough of type '%1$s' was dropped."),
                type ? type : "?");
    }
}

/* The remaining devices: emulator, passthrough, controllers, balloon. */
void
xc_convert_other_devices(struct conv *c)
{
    static const char *const keep[] = {
        "sound", "watchdog", "rng", "panic", "redirdev", "redirfilter",
        "smartcard", "hub", "memory", "iommu", "vsock", "tpm", "shmem",
        "audio", "lease", "parallel", NULL,
    };
    static const char *const handled[] = {
        "disk", "interface", "serial", "console", "channel", "input",
        "graphics", "video", NULL,
    };
    xmlNodePtr d, next;

    for (d = c->devices->children; d; d = next) {
        const char *name = (const char *)d->name;

        next = d->next;
        if (d->type != XML_ELEMENT_NODE || xc_in_list(name, handled))
            continue;
        if (xc_is_elem(d, "emulator")) {
            const struct x2k_caps_guest *g = c->cg;
            const char *emu = NULL;

            if (g && strcmp(c->r->domain_type, "kvm") == 0 &&
                g->kvm_emulator)
                emu = g->kvm_emulator;
            else if (g && (g->kvm || g->qemu))
                emu = g->emulator;
            if (emu)
                xc_set_text(d, emu);
            else
                xc_remove_node(d);
        } else if (xc_is_elem(d, "hostdev")) {
            warn_hostdev(c, d);
            xc_remove_node(d);
        } else if (xc_is_elem(d, "controller")) {
            X2K_AUTOFREE char *type = xc_get_attr(d, "type");
            X2K_AUTOFREE char *model = xc_get_attr(d, "model");

            /* libvirt adds the controllers the new devices need; only
             * a plain USB controller says something of its own. */
            if (x2k_str_equal(type, "usb") &&
                !x2k_str_has_prefix(model, "qusb") &&
                !x2k_str_equal(model, "none")) {
                xc_strip_device(d);
                xc_keep_children(d, (const char *const[]){ NULL });
                xc_keep_attrs(d, (const char *const[]){ "type", "model",
                                                        "ports", NULL });
            } else {
                xc_remove_node(d);
            }
        } else if (xc_is_elem(d, "memballoon")) {
            xc_remove_node(d);
        } else if (xc_is_elem(d, "filesystem")) {
            xc_warn(c, "filesystem",
                    _("A shared host directory (filesystem) was dropped: it "
                      "is on the Xen host."));
            xc_remove_node(d);
        } else if (xc_in_list(name, keep) && !d->ns) {
            xc_strip_device(d);
        } else {
            xc_warn(c, "unknown-device",
                    _("The device <%1$s> is not known to the converter and "
                      "was dropped."),
                    name);
            xc_remove_node(d);
        }
    }
    if (c->cg && !xc_child(c->devices, "emulator") &&
        (c->cg->kvm || c->cg->qemu)) {
        xmlNodePtr e = xmlNewNode(NULL, (const xmlChar *)"emulator");

        xc_set_text(e, strcmp(c->r->domain_type, "kvm") == 0 &&
                               c->cg->kvm_emulator
                           ? c->cg->kvm_emulator
                           : c->cg->emulator);
        if (c->devices->children)
            xmlAddPrevSibling(c->devices->children, e);
        else
            xmlAddChild(c->devices, e);
    }
    if (c->scsi) {
        /* --disk-bus=scsi: libvirt's default SCSI model is not in every
         * QEMU build; virtio-scsi is. */
        d = xc_add_child(c->devices, "controller");
        xc_set_attr(d, "type", "scsi");
        xc_set_attr(d, "index", "0");
        xc_set_attr(d, "model", "virtio-scsi");
    }
    d = xc_add_child(c->devices, "memballoon");
    xc_set_attr(d, "model", "virtio");
}

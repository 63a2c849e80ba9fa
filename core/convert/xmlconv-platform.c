/* The converted guest's platform: CPU tuning and pinning (the Xen
 * host's CPUs), <cpu> without KVM, <features> (Xen-only ones out,
 * Viridian as Hyper-V enlightenments, ACPI for PV guests), the clock
 * and its timers as QEMU takes them, and lifecycle actions mapped to
 * the nearest ones the QEMU driver accepts.  Runs on the caller's
 * thread, as passes of x2k_xmlconv_convert.
 */
#include <config.h>

#include <limits.h>

#include "base/i18n.h"
#include "convert/xmlconv-internal.h"

/* vcpu/iothread pinning and NUMA placement name the Xen host's CPUs. */
void
xc_convert_tuning(struct conv *c)
{
    xmlNodePtr vcpu = xc_child(c->root, "vcpu");
    xmlNodePtr cputune = xc_child(c->root, "cputune");
    xmlNodePtr numatune = xc_child(c->root, "numatune");
    bool pinned = false;
    xmlNodePtr n, next;

    if (vcpu && xmlHasProp(vcpu, (const xmlChar *)"cpuset")) {
        xc_unset_attr(vcpu, "cpuset");
        pinned = true;
    }
    if (vcpu && xc_attr_is(vcpu, "placement", "auto"))
        xc_unset_attr(vcpu, "placement");
    for (n = cputune ? cputune->children : NULL; n; n = next) {
        next = n->next;
        if (xc_is_elem(n, "vcpupin") || xc_is_elem(n, "emulatorpin") ||
            xc_is_elem(n, "iothreadpin") || xc_is_elem(n, "vcpusched") ||
            xc_is_elem(n, "iothreadsched") || xc_is_elem(n, "emulatorsched")) {
            xc_remove_node(n);
            pinned = true;
        }
    }
    if (cputune && !cputune->children)
        xc_remove_node(cputune);
    if (numatune) {
        xc_remove_node(numatune);
        pinned = true;
    }
    if (pinned && !c->pinning_warned) {
        c->pinning_warned = true;
        xc_warn(c, "cpu-pinning",
                _("CPU pinning and NUMA placement were dropped: they name "
                  "CPUs of the Xen host.  Pin again on the KVM host if "
                  "needed."));
    }
}

/* <cpu>: without KVM (TCG) the host CPU cannot be passed through. */
void
xc_convert_cpu(struct conv *c)
{
    xmlNodePtr cpu = xc_child(c->root, "cpu");
    X2K_AUTOFREE char *mode = xc_get_attr(cpu, "mode");

    if (!cpu || strcmp(c->r->domain_type, "qemu") != 0 ||
        !x2k_str_equal(mode, "host-passthrough"))
        return;
    xc_warn(c, "cpu-model",
            _("The target has no KVM: the host-passthrough CPU mode was "
              "dropped and QEMU's default CPU model is used."));
    xc_unset_attr(cpu, "mode");
    xc_unset_attr(cpu, "check");
    xc_unset_attr(cpu, "migratable");
    xc_keep_children(cpu, (const char *const[]){ "numa", "topology", NULL });
    if (!cpu->children)
        xc_remove_node(cpu);
}

static const char *kvm_features[] = {
    "acpi", "apic", "pae", "privnet", "hyperv", "kvm", "pvspinlock", "pmu",
    "vmport", "smm", "ioapic", "vmcoreinfo", "msrs", "gic", "htm",
    "nested-hv", "ccf-assist", "cfpc", "sbbc", "ibs", "hpt", "tcg",
    "async-teardown", NULL,
};

/* <features>: Xen-only ones out, viridian -> hyperv, ACPI for PV. */
void
xc_convert_features(struct conv *c)
{
    xmlNodePtr f = xc_child(c->root, "features"), n, next, hv, s;
    bool viridian = false;

    if (!f) {
        f = xmlNewNode(NULL, (const xmlChar *)"features");
        n = xc_child(c->root, "cpu");
        if (!n)
            n = xc_child(c->root, "clock");
        if (n)
            xmlAddPrevSibling(n, f);
        else
            xmlAddNextSibling(c->os, f);
    }
    for (n = f->children; n; n = next) {
        next = n->next;
        if (n->type != XML_ELEMENT_NODE)
            continue;
        if (xc_is_elem(n, "viridian")) {
            viridian = true;
            xc_remove_node(n);
        } else if (xc_is_elem(n, "hap")) {
            /* KVM uses EPT/NPT by itself. */
            xc_remove_node(n);
        } else if (xc_is_elem(n, "xen")) {
            if (xc_child(n, "passthrough") || xc_child(n, "e820_host"))
                xc_warn(c, "xen-passthrough",
                        _("The Xen passthrough features (e820_host, "
                          "passthrough) were dropped."));
            xc_remove_node(n);
        } else if (!xc_in_list((const char *)n->name, kvm_features)) {
            xc_warn(c, "feature",
                    _("The Xen feature <%1$s> was dropped."),
                    (const char *)n->name);
            xc_remove_node(n);
        }
    }
    /* libvirt's QEMU driver takes no fewer than 4095 spinlock retries. */
    s = xc_child(xc_child(f, "hyperv"), "spinlocks");
    if (s) {
        X2K_AUTOFREE char *retries = xc_get_attr(s, "retries");
        long v;

        if (retries && (!x2k_parse_long(retries, 0, LONG_MAX, &v) ||
                        v < 4095)) {
            xc_warn(c, "hyperv",
                    _("The Hyper-V spinlock retry count %1$s became 4095, "
                      "the lowest KVM takes."),
                    retries);
            xc_set_attr(s, "retries", "4095");
        }
    }
    /* A PV guest had no ACPI; under KVM it needs it to shut down. */
    if (!xc_child(f, "acpi"))
        xc_add_child(f, "acpi");
    if (!xc_child(f, "apic"))
        xc_add_child(f, "apic");
    if (c->arch && strcmp(c->arch, "i686") == 0 && !xc_child(f, "pae"))
        xc_add_child(f, "pae");
    if (viridian && !xc_child(f, "hyperv")) {
        /* Viridian = Hyper-V enlightenments for Windows. */
        hv = xc_add_child(f, "hyperv");
        s = xc_add_child(hv, "relaxed");
        xc_set_attr(s, "state", "on");
        s = xc_add_child(hv, "vapic");
        xc_set_attr(s, "state", "on");
        s = xc_add_child(hv, "spinlocks");
        xc_set_attr(s, "state", "on");
        xc_set_attr(s, "retries", "8191");
    }
}

/* One <timer> T of the clock: mapped to what QEMU takes, or dropped,
 * never silently. */
static void
convert_timer(struct conv *c, xmlNodePtr t)
{
    static const char *const rtc_attrs[] = { "name", "present",
                                             "tickpolicy", "track", NULL };
    static const char *const ticking_attrs[] = { "name", "present",
                                                 "tickpolicy", NULL };
    static const char *const tsc_attrs[] = { "name", "present", "frequency",
                                             NULL };
    static const char *const plain_attrs[] = { "name", "present", NULL };
    static const char *const rtc_policies[] = { "delay", "catchup", NULL };
    static const char *const pit_policies[] = { "delay", "catchup",
                                                "discard", NULL };
    static const char *const hpet_policies[] = { "delay", "catchup", "merge",
                                                 "discard", NULL };
    static const char *const no_policies[] = { NULL };
    static const struct {
        const char *name;
        const char *const *attrs;       /* what the QEMU driver takes */
        const char *const *policies;    /* tickpolicy values */
        const char *policy_to;          /* for the others; NULL: drop */
    } timers[] = {
        { "rtc", rtc_attrs, rtc_policies, "delay" },
        { "pit", ticking_attrs, pit_policies, "discard" },
        { "hpet", ticking_attrs, hpet_policies, NULL },
        { "tsc", tsc_attrs, no_policies, NULL },
        { "kvmclock", plain_attrs, no_policies, NULL },
        { "hypervclock", plain_attrs, no_policies, NULL },
    };
    X2K_AUTOFREE char *name = xc_get_attr(t, "name");
    X2K_AUTOFREE char *policy = xc_get_attr(t, "tickpolicy");
    X2K_AUTOFREE char *mode = xc_get_attr(t, "mode");
    xmlAttrPtr a;
    size_t i;

    for (i = 0; i < X2K_N_ELEMENTS(timers); i++) {
        if (x2k_str_equal(name, timers[i].name))
            break;
    }
    if (i == X2K_N_ELEMENTS(timers)) {
        xc_warn(c, "timer", _("The Xen timer '%1$s' was dropped: KVM has "
                              "no such timer."),
                name ? name : "");
        xc_remove_node(t);
        return;
    }
    if (mode)
        xc_warn(c, "timer",
                _("Xen's TSC mode '%1$s' was dropped: KVM manages the TSC "
                  "itself."),
                mode);
    if (policy && !xc_in_list(policy, timers[i].policies)) {
        if (timers[i].policy_to) {
            xc_warn(c, "timer",
                    _("The tick policy '%1$s' of the %2$s timer became "
                      "'%3$s', the nearest one KVM has."),
                    policy, name, timers[i].policy_to);
            xc_set_attr(t, "tickpolicy", timers[i].policy_to);
        } else {
            xc_warn(c, "timer",
                    _("The tick policy '%1$s' of the %2$s timer was dropped: "
                      "KVM has none for it."),
                    policy, name);
            xc_unset_attr(t, "tickpolicy");
        }
    }
    for (a = t->properties; a; a = a->next) {
        if (!xc_in_list((const char *)a->name, timers[i].attrs) &&
            !x2k_str_equal((const char *)a->name, "mode"))
            xc_warn(c, "timer",
                    _("The setting '%1$s' of the %2$s timer was dropped: KVM "
                      "has no such setting."),
                    (const char *)a->name, name);
    }
    xc_keep_attrs(t, timers[i].attrs);
    /* <catchup threshold slew limit> belongs to the catchup policy: kept
     * with it, and said when it goes with another policy. */
    {
        X2K_AUTOFREE char *now = xc_get_attr(t, "tickpolicy");

        if (!x2k_str_equal(now, "catchup") && xc_child(t, "catchup"))
            xc_warn(c, "timer",
                    _("The catch-up settings of the %1$s timer were dropped: "
                      "they belong to the catchup tick policy."),
                    name);
        xc_keep_children(t, x2k_str_equal(now, "catchup")
                                ? (const char *const[]){ "catchup", NULL }
                                : (const char *const[]){ NULL });
    }
}

/* <clock>: kept as it is (QEMU takes libxl's offset='variable' with its
 * adjustment and basis), local time for Windows, timers mapped. */
void
xc_convert_clock(struct conv *c)
{
    xmlNodePtr clock = xc_child(c->root, "clock"), t, next;
    X2K_AUTOFREE char *offset = NULL;
    X2K_AUTOFREE char *basis = NULL;
    X2K_AUTOFREE char *adj = NULL;

    if (!clock) {
        clock = xmlNewNode(NULL, (const xmlChar *)"clock");
        t = xc_child(c->root, "on_poweroff");
        if (t)
            xmlAddPrevSibling(t, clock);
        else
            xmlAddPrevSibling(c->devices, clock);
        xc_set_attr(clock, "offset", c->windows ? "localtime" : "utc");
    }
    offset = xc_get_attr(clock, "offset");
    basis = xc_get_attr(clock, "basis");
    adj = xc_get_attr(clock, "adjustment");
    /* 'reset' belongs to utc and localtime, not to a variable offset. */
    if (x2k_str_equal(offset, "variable") && x2k_str_equal(adj, "reset")) {
        xc_keep_attrs(clock, (const char *const[]){ NULL });
        xc_set_attr(clock, "offset", basis ? basis : "utc");
        xc_set_attr(clock, "adjustment", "reset");
    } else if (c->windows && x2k_str_equal(offset, "utc")) {
        /* Windows keeps its hardware clock in local time. */
        xc_warn(c, "clock-localtime",
                _("The Windows guest's clock was in UTC; it now starts in "
                  "local time, as Windows expects."));
        xc_keep_attrs(clock, (const char *const[]){ NULL });
        xc_set_attr(clock, "offset", "localtime");
    }
    for (t = clock->children; t; t = next) {
        next = t->next;
        if (xc_is_elem(t, "timer"))
            convert_timer(c, t);
    }
}

/* The QEMU driver refuses one pair of otherwise valid actions: a guest
 * restarted when it powers off but destroyed when it reboots (it cannot
 * tell the two apart).  Power-off becomes destroy: a guest that stops
 * when asked is the safe side. */
static void
lifecycle_pair(struct conv *c)
{
    xmlNodePtr off = xc_child(c->root, "on_poweroff");
    xmlNodePtr reboot = xc_child(c->root, "on_reboot");
    X2K_AUTOFREE char *v_off = xc_get_text(off);
    X2K_AUTOFREE char *v_reboot = xc_get_text(reboot);

    if (!x2k_str_equal(v_off, "restart") ||
        !x2k_str_equal(v_reboot, "destroy"))
        return;
    xc_warn(c, "lifecycle",
            _("KVM cannot restart a guest on power-off while it destroys it "
              "on reboot; on_poweroff became 'destroy'."));
    xc_set_text(off, "destroy");
}

/* on_poweroff/on_reboot/on_crash/on_lockfailure: each action the QEMU
 * driver refuses becomes the nearest one it takes.  Xen keeps a
 * preserved domain without running it, so preserve is destroy for a
 * power-off or reboot; a rename-restart restarts; a core dump only
 * exists on a crash. */
void
xc_convert_lifecycle(struct conv *c)
{
    static const char *const poweroff_ok[] = { "destroy", "restart", NULL };
    static const char *const crash_ok[] = {
        "destroy", "restart", "preserve", "coredump-destroy",
        "coredump-restart", NULL,
    };
    static const char *const lockfailure_ok[] = { "poweroff", "restart",
                                                  "pause", "ignore", NULL };
    static const struct {
        const char *name;
        const char *const *ok;
        const char *fallback;       /* for anything unknown */
    } events[] = {
        { "on_poweroff", poweroff_ok, "destroy" },
        { "on_reboot", poweroff_ok, "restart" },
        { "on_crash", crash_ok, "destroy" },
        { "on_lockfailure", lockfailure_ok, NULL },
    };
    static const char *const nearest[][2] = {
        { "preserve", "destroy" }, { "rename-restart", "restart" },
        { "coredump-destroy", "destroy" }, { "coredump-restart", "restart" },
    };
    size_t i, k;

    for (i = 0; i < X2K_N_ELEMENTS(events); i++) {
        xmlNodePtr n = xc_child(c->root, events[i].name);
        X2K_AUTOFREE char *v = xc_get_text(n);
        const char *to = events[i].fallback;

        if (!n || xc_in_list(v, events[i].ok))
            continue;
        for (k = 0; k < X2K_N_ELEMENTS(nearest) && to; k++) {
            if (x2k_str_equal(v, nearest[k][0]))
                to = nearest[k][1];
        }
        if (to) {
            xc_warn(c, "lifecycle",
                    _("KVM does not take the action '%1$s' for %2$s; it "
                      "became '%3$s'."),
                    v ? v : "", events[i].name, to);
            xc_set_text(n, to);
        } else {
            xc_warn(c, "lifecycle",
                    _("KVM does not take the action '%1$s' for %2$s; it was "
                      "dropped (libvirt's default applies)."),
                    v ? v : "", events[i].name);
            xc_remove_node(n);
        }
    }
    lifecycle_pair(c);
}

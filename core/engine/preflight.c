/* Preflight checks (see preflight.h).  The order follows the flow of a
 * migration: SSH, libvirt source, guest, disks, target, tools.  Caller's
 * thread.
 */
#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <guestfs.h>

#include "base/fsutil.h"
#include "base/i18n.h"
#include "base/log.h"
#include "base/secret.h"
#include "engine/preflight.h"
#include "plan/rundir.h"
#include "plan/uri.h"
#include "source/source.h"
#include "source/xl-cfg.h"
#include "target/target.h"

static const char *const check_ids[] = {
    "ssh-reachable", "ssh-hostkey", "ssh-auth", "libvirt-uri", "xl-host",
    "vm-exists", "vm-shutoff", "block-device", "disk-readable", "target-uri", "pool",
    "space", "network", "target-name", "virt-v2v", "libguestfs",
    "output-dir", "run-lock", "dest-not-source", "dest-exists", NULL,
};

const char *const *
x2k_preflight_check_ids(void)
{
    return check_ids;
}

static void X2K_PRINTF(4, 5)
add(struct x2k_preflight *p, const char *id, enum x2k_check_status st,
    const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    x2k_preflight_vadd(p, id, st, fmt, ap);
    va_end(ap);
}

void
x2k_preflight_vadd(struct x2k_preflight *p, const char *id,
                   enum x2k_check_status st, const char *fmt, va_list ap)
{
    struct x2k_check *c;

    p->checks = x2k_xreallocarray(p->checks, p->n_checks + 1,
                                  sizeof(*p->checks));
    c = &p->checks[p->n_checks++];
    c->id = id;
    c->status = st;
    c->message = x2k_strdup_vprintf(fmt, ap);
    x2k_log(X2K_LOG_DEBUG, "preflight %s: %s: %s", id,
            x2k_check_status_name(st), c->message);
}

/* Add a check from an error (message + detail). */
static void
add_err(struct x2k_preflight *p, const char *id, struct x2k_error *err)
{
    X2K_AUTOFREE char *m = x2k_error_format(err);

    add(p, id, X2K_CHECK_FAIL, "%s", m);
    x2k_error_clear(err);
}

static void
skip(struct x2k_preflight *p, const char *id, const char *because)
{
    add(p, id, X2K_CHECK_SKIPPED, _("Not checked: the check '%1$s' did not "
                                    "pass."), because);
}

static char *
fmt_size(uint64_t b)
{
    char buf[32];

    return x2k_xstrdup(x2k_format_bytes(b, buf, sizeof buf));
}

static bool
in_path(const char *prog)
{
    X2K_AUTOFREE char *f = x2k_find_program(prog);

    return f != NULL;
}

/* The host key is known to this tool.  Over an ssh transport libvirt
 * runs OpenSSH's ssh, which reads only its own known_hosts files: warn
 * when they lack the key (--known-hosts elsewhere, or $HOME not the
 * account's home), or the libvirt connection fails later. */
static void
check_openssh_hostkey(struct x2k_preflight *p, const struct x2k_plan *plan,
                      struct x2k_ssh *s, const char *host)
{
    X2K_AUTOFREE char *uri = x2k_plan_source_uri(plan);
    X2K_AUTOFREE char *file = NULL;
    struct x2k_uri *u = uri ? x2k_uri_parse(uri, NULL) : NULL;
    bool ssh_transport = u && u->transport &&
                         strcmp(u->transport, "ssh") == 0;

    x2k_uri_free(u);
    if (!ssh_transport || x2k_ssh_openssh_knows_host(s, &file)) {
        add(p, "ssh-hostkey", X2K_CHECK_OK,
            _("The host key of %1$s is known."), host);
        return;
    }
    add(p, "ssh-hostkey", X2K_CHECK_WARN,
        _("The host key of %1$s is known to this tool, but not in %2$s, "
          "the file OpenSSH reads: libvirt's ssh transport will refuse the "
          "host ('Host key verification failed'). Add the key there as "
          "well."), host, file ? file : "~/.ssh/known_hosts");
}

static void
check_ssh(struct x2k_preflight *p, const struct x2k_plan *plan,
          const struct x2k_preflight_opts *o, struct x2k_ssh **sp,
          bool *ssh_ok, bool *no_ssh)
{
    struct x2k_ssh_opts so;
    struct x2k_error err = X2K_ERROR_INIT;
    X2K_AUTOFREE char *host = NULL;
    X2K_AUTOFREE char *user = NULL;
    char *password = NULL;
    struct x2k_ssh *s;

    *ssh_ok = false;
    *no_ssh = false;
    if (o && o->ssh) {
        /* The engine's connect stage already logged in. */
        const char *method = x2k_ssh_auth_method(o->ssh);

        add(p, "ssh-reachable", X2K_CHECK_OK,
            _("The SSH server answers (session already open)."));
        /* The host only: the password file is not read again. */
        if (x2k_ssh_opts_from_plan(plan, &so, &host, &user, NULL, &err) < 0)
            x2k_error_clear(&err);
        check_openssh_hostkey(p, plan, o->ssh, host ? host : "?");
        if (strcmp(method, "password") == 0 ||
            strcmp(method, "keyboard-interactive") == 0)
            add(p, "ssh-auth", X2K_CHECK_WARN,
                _("Logged in with a password. libvirt's xen+ssh transport "
                  "cannot type a password: install a key."));
        else
            add(p, "ssh-auth", X2K_CHECK_OK,
                _("Logged in without a password (%1$s)."), method);
        *ssh_ok = true;
        *sp = o->ssh;
        return;
    }
    if (x2k_ssh_opts_from_plan(plan, &so, &host, &user, &password,
                               &err) < 0) {
        if (err.code == X2K_ERR_INVALID) {
            /* No SSH host: the disks are local (demo, local test URI). */
            x2k_error_clear(&err);
            *no_ssh = true;
            add(p, "ssh-reachable", X2K_CHECK_SKIPPED,
                _("No SSH host: the disks are read on this machine."));
            return;
        }
        add_err(p, "ssh-auth", &err);
        return;
    }
    so.hostkey_cb = o ? o->hostkey_cb : NULL;
    so.hostkey_opaque = o ? o->hostkey_opaque : NULL;
    so.reporter = o ? o->reporter : NULL;
    if (o && o->password)
        so.password = o->password;
    s = x2k_ssh_connect(&so, &err);
    x2k_secret_free(password);
    if (!s) {
        enum x2k_errcode code = err.code;

        if (code == X2K_ERR_SSH_CONNECT || code == X2K_ERR_TIMEOUT ||
            code == X2K_ERR_CANCELLED || code == X2K_ERR_INVALID ||
            code == X2K_ERR_INTERNAL) {
            add_err(p, "ssh-reachable", &err);
            skip(p, "ssh-hostkey", "ssh-reachable");
            skip(p, "ssh-auth", "ssh-reachable");
            return;
        }
        add(p, "ssh-reachable", X2K_CHECK_OK,
            _("The SSH server %1$s port %2$d answers."), so.host,
            so.port ? so.port : 22);
        if (code == X2K_ERR_SSH_HOSTKEY) {
            add_err(p, "ssh-hostkey", &err);
            skip(p, "ssh-auth", "ssh-hostkey");
            return;
        }
        add(p, "ssh-hostkey", X2K_CHECK_OK,
            _("The host key of %1$s is known."), so.host);
        add_err(p, "ssh-auth", &err);
        return;
    }
    add(p, "ssh-reachable", X2K_CHECK_OK,
        _("The SSH server %1$s port %2$d answers."), so.host,
        so.port ? so.port : 22);
    check_openssh_hostkey(p, plan, s, so.host);
    if (strcmp(x2k_ssh_auth_method(s), "password") == 0 ||
        strcmp(x2k_ssh_auth_method(s), "keyboard-interactive") == 0)
        add(p, "ssh-auth", X2K_CHECK_WARN,
            _("Logged in to %1$s as %2$s with a password. libvirt's xen+ssh "
              "transport cannot type a password: install a key."),
            so.host, so.user ? so.user : "root");
    else
        add(p, "ssh-auth", X2K_CHECK_OK,
            _("Logged in to %1$s as %2$s without a password (%3$s)."),
            so.host, so.user ? so.user : "root", x2k_ssh_auth_method(s));
    *ssh_ok = true;
    *sp = s;
}

/* The target of NIC after the plan's --bridge/--network mappings. */
static void
nic_target(const struct x2k_plan *plan, const struct x2k_nic *nic,
           enum x2k_net_kind *kind, const char **name)
{
    const struct x2k_netmap *any = NULL;
    size_t i;

    for (i = 0; i < plan->n_nets; i++) {
        const struct x2k_netmap *m = &plan->nets[i];
        if (m->in && nic->source && strcmp(m->in, nic->source) == 0) {
            *kind = m->kind;
            *name = m->out;
            return;
        }
        if (!m->in && !any)
            any = m;
    }
    if (any) {
        *kind = any->kind;
        *name = any->out;
        return;
    }
    *kind = nic->type && strcmp(nic->type, "network") == 0
                ? X2K_NET_NETWORK : X2K_NET_BRIDGE;
    *name = nic->source;
}

static void
check_space(struct x2k_preflight *p, const char *where, uint64_t avail,
            bool qcow2)
{
    X2K_AUTOFREE char *need = fmt_size(p->needed_bytes);
    X2K_AUTOFREE char *have = fmt_size(avail);

    if (avail >= p->needed_bytes)
        add(p, "space", X2K_CHECK_OK,
            _("Free space in %1$s: %2$s; the disks need %3$s."), where, have,
            need);
    else if (qcow2)
        add(p, "space", X2K_CHECK_FAIL,
            _("Not enough free space in %1$s: the disks need %2$s, "
              "including room for the qcow2 pass, but only %3$s is free."),
            where, need, have);
    else
        add(p, "space", X2K_CHECK_FAIL,
            _("Not enough free space in %1$s: the disks need %2$s, but "
              "only %3$s is free."), where, need, have);
}

static void
check_target(struct x2k_preflight *p, const struct x2k_plan *plan,
             const struct x2k_preflight_opts *o, bool have_inv)
{
    struct x2k_error err = X2K_ERROR_INIT;
    X2K_AUTO(x2k_target) t = NULL;
    const char *name = plan->new_name ? plan->new_name : plan->vm_name;
    bool qcow2 = plan->format == X2K_FORMAT_QCOW2;
    size_t i;

    /* A qcow2 source is converted too (the output is --format). */
    for (i = 0; have_inv && p->inv && i < p->inv->n_disks; i++)
        qcow2 |= x2k_disk_is_copied(&p->inv->disks[i]) &&
                 x2k_str_equal(p->inv->disks[i].real_format, "qcow2");
    if (plan->output == X2K_OUTPUT_LOCAL) {
        struct statvfs sv;
        const char *dir = plan->output_dir ? plan->output_dir : ".";
        X2K_AUTOFREE char *probe = x2k_xstrdup(dir);
        char *slash;

        /* The output directory is created by the copy: measure the
         * nearest directory that exists. */
        while (statvfs(probe, &sv) < 0 && errno == ENOENT &&
               (slash = strrchr(probe, '/')) != NULL) {
            if (slash == probe)
                slash[1] = '\0';
            else
                *slash = '\0';
        }
        skip(p, "pool", "target-uri");
        if (!have_inv)
            skip(p, "space", "vm-exists");
        else if (statvfs(probe, &sv) < 0)
            add(p, "space", X2K_CHECK_FAIL,
                _("Cannot read the free space of %1$s: %2$s."), dir,
                strerror(errno));
        else
            check_space(p, dir, (uint64_t)sv.f_bavail * sv.f_frsize, qcow2);
        return;
    }

    t = x2k_target_open(plan->target_uri ? plan->target_uri
                                         : X2K_DEFAULT_TARGET_URI, &err);
    if (!t) {
        add_err(p, "target-uri", &err);
        skip(p, "pool", "target-uri");
        skip(p, "space", "target-uri");
        skip(p, "network", "target-uri");
        skip(p, "target-name", "target-uri");
        return;
    }
    add(p, "target-uri", X2K_CHECK_OK, _("The target %1$s opens."),
        x2k_target_uri(t));

    {
        struct x2k_pool_info pi;
        const char *pool = plan->pool ? plan->pool : X2K_DEFAULT_POOL;

        if (x2k_target_pool_info(t, pool, &pi, &err) < 0) {
            add_err(p, "pool", &err);
            skip(p, "space", "pool");
        } else if (!pi.active) {
            add(p, "pool", X2K_CHECK_FAIL,
                _("The storage pool '%1$s' exists but is not active."),
                pool);
            skip(p, "space", "pool");
        } else {
            add(p, "pool", X2K_CHECK_OK,
                _("The storage pool '%1$s' is active."), pool);
            if (!have_inv) {
                skip(p, "space", "vm-exists");
            } else {
                X2K_AUTOFREE char *where =
                    x2k_strdup_printf(_("the pool '%1$s'"), pool);
                check_space(p, where, pi.available, qcow2);
            }
        }
        x2k_pool_info_clear(&pi);
    }
    if (have_inv && plan->engine == X2K_ENGINE_VIRT_V2V &&
        p->inv->block_device) {
        /* virt-v2v's engine stages block devices in the run directory
         * (under the state directory) first: it needs room for them as
         * well.  The builtin engine stages nothing. */
        struct statvfs sv;
        X2K_AUTOFREE char *dir = x2k_rundir_state_dir(plan);
        X2K_AUTOFREE char *probe = x2k_xstrdup(dir);
        char *slash;

        while (statvfs(probe, &sv) < 0 && errno == ENOENT &&
               (slash = strrchr(probe, '/')) != NULL && slash != probe)
            *slash = '\0';
        if (statvfs(probe, &sv) == 0 &&
            (uint64_t)sv.f_bavail * sv.f_frsize < p->needed_bytes)
            check_space(p, dir, (uint64_t)sv.f_bavail * sv.f_frsize, qcow2);
    }

    if (!have_inv) {
        skip(p, "network", "vm-exists");
    } else if (p->inv->n_nics == 0) {
        add(p, "network", X2K_CHECK_OK, _("The guest has no network "
                                          "interface."));
    } else {
        for (i = 0; i < p->inv->n_nics; i++) {
            const struct x2k_nic *nic = &p->inv->nics[i];
            enum x2k_net_kind kind;
            const char *out = NULL;
            bool active = false;

            nic_target(plan, nic, &kind, &out);
            if (!out) {
                add(p, "network", X2K_CHECK_FAIL,
                    _("The NIC %1$s has no source: map it with --bridge or "
                      "--network."), nic->mac ? nic->mac : "?");
            } else if (x2k_net_is_user(kind, out)) {
                add(p, "network", X2K_CHECK_OK,
                    _("The NIC %1$s gets user-mode networking (--network "
                      "IN:user): no bridge or libvirt network is needed."),
                    nic->mac ? nic->mac : "?");
            } else if (kind == X2K_NET_NETWORK) {
                if (!x2k_target_has_network(t, out, &active))
                    add(p, "network", X2K_CHECK_FAIL,
                        _("The NIC %1$s needs the libvirt network '%2$s', "
                          "which the target does not have."),
                        nic->mac ? nic->mac : "?", out);
                else if (!active)
                    add(p, "network", X2K_CHECK_WARN,
                        _("The libvirt network '%1$s' for the NIC %2$s is "
                          "not active."), out, nic->mac ? nic->mac : "?");
                else
                    add(p, "network", X2K_CHECK_OK,
                        _("The NIC %1$s goes to the libvirt network "
                          "'%2$s'."), nic->mac ? nic->mac : "?", out);
            } else if (!x2k_target_has_bridge(t, out,
                                              o ? o->sysfs_net : NULL)) {
                add(p, "network", X2K_CHECK_FAIL,
                    _("The NIC %1$s needs the bridge '%2$s', which the "
                      "target does not have."),
                    nic->mac ? nic->mac : "?", out);
            } else {
                add(p, "network", X2K_CHECK_OK,
                    _("The NIC %1$s goes to the bridge '%2$s'."),
                    nic->mac ? nic->mac : "?", out);
            }
        }
    }

    if (!name) {
        skip(p, "target-name", "vm-exists");
    } else {
        bool exists = false;
        if (x2k_target_has_domain(t, name, &exists, &err) < 0)
            add_err(p, "target-name", &err);
        else if (exists)
            add(p, "target-name", X2K_CHECK_FAIL,
                _("A domain named '%1$s' already exists on the target."),
                name);
        else
            add(p, "target-name", X2K_CHECK_OK,
                _("The name '%1$s' is free on the target."), name);
    }
}

static void
check_disks(struct x2k_preflight *p, const struct x2k_plan *plan)
{
    struct x2k_inventory *inv = p->inv;
    size_t i;

    if (inv->block_device)
        add(p, "block-device", plan->block_device ? X2K_CHECK_OK
                                                  : X2K_CHECK_WARN,
            "%s", inv->block_reason);
    for (i = 0; i < inv->n_disks; i++) {
        const struct x2k_disk *d = &inv->disks[i];
        const char *dev = d->target_dev ? d->target_dev : "?";

        if (d->type == X2K_DISK_NETWORK) {
            add(p, "disk-readable", X2K_CHECK_FAIL,
                _("The disk %1$s is on the network (%2$s): network disks "
                  "are not supported."), dev,
                d->protocol ? d->protocol : "?");
        } else if (d->type == X2K_DISK_VOLUME || d->type == X2K_DISK_OTHER) {
            add(p, "disk-readable", X2K_CHECK_FAIL,
                _("The disk %1$s is of type '%2$s', which is not "
                  "supported."), dev, x2k_disk_type_name(d->type));
        } else if (!x2k_disk_is_copied(d)) {
            add(p, "disk-readable", X2K_CHECK_WARN,
                _("The %1$s %2$s (%3$s) is not copied."),
                x2k_disk_device_name(d->device), dev,
                d->path ? d->path : "-");
        } else if (!d->readable) {
            add(p, "disk-readable", X2K_CHECK_FAIL,
                _("The disk %1$s cannot be read: %2$s"), dev,
                d->probe_error ? d->probe_error : d->path);
        } else {
            X2K_AUTOFREE char *sz = fmt_size(d->size);
            const char *real = d->real_format ? d->real_format : "raw";
            const char *head = d->header_format ? d->header_format : real;
            bool raw = strcmp(real, "raw") == 0;

            if (raw && strcmp(head, "raw") != 0)
                add(p, "disk-readable", X2K_CHECK_WARN,
                    _("The disk %1$s (%2$s) is declared raw but begins like "
                      "a %3$s image: it is copied byte for byte as the raw "
                      "disk it is declared to be, never opened as %3$s."),
                    dev, d->path, head);
            else if (!x2k_format_declared_raw(d->declared_format) &&
                     strcmp(d->declared_format, real) != 0)
                add(p, "disk-readable", X2K_CHECK_FAIL,
                    _("The disk %1$s (%2$s): the XML says %3$s but the image "
                      "is %4$s. Correct the disk's <driver type='...'/> in "
                      "the guest's XML on the Xen host."), dev, d->path,
                    d->declared_format, real);
            else if (!raw && strcmp(real, "qcow2") != 0 &&
                     plan->mode == X2K_MODE_IMAGE)
                add(p, "disk-readable", X2K_CHECK_OK,
                    _("The disk %1$s (%2$s) is a %3$s image of %4$s: it is "
                      "converted to raw by qemu-img at the start of the "
                      "run."), dev, d->path, real, sz);
            else if (!raw && strcmp(real, "qcow2") != 0)
                add(p, "disk-readable", X2K_CHECK_FAIL,
                    _("The disk %1$s (%2$s) is a %3$s image, which is not "
                      "copied: convert it on the Xen host first (qemu-img "
                      "convert -f %3$s -O raw) and point the guest at the "
                      "result."), dev, d->path, real);
            else if (d->has_backing)
                add(p, "disk-readable", X2K_CHECK_FAIL,
                    _("The disk %1$s (%2$s) is a qcow2 image with a backing "
                      "file: a copy never refers to another file. Flatten "
                      "it on the Xen host first (qemu-img convert -O qcow2 "
                      "into a new file) and point the guest at the "
                      "result."), dev, d->path);
            else
                add(p, "disk-readable", X2K_CHECK_OK,
                    _("The disk %1$s (%2$s) is readable, %3$s, %4$s."), dev,
                    d->path, sz, real);
        }
    }
    if (inv->n_disks == 0)
        add(p, "disk-readable", X2K_CHECK_WARN, _("The guest has no disk."));
}

static void
check_tools(struct x2k_preflight *p, const struct x2k_plan *plan)
{
    if (plan->engine == X2K_ENGINE_VIRT_V2V) {
        if (in_path("virt-v2v"))
            add(p, "virt-v2v", X2K_CHECK_OK, _("virt-v2v is installed."));
        else
            add(p, "virt-v2v", X2K_CHECK_FAIL,
                _("The engine virt-v2v was chosen but virt-v2v is not "
                  "installed."));
    }
    if (!plan->no_guest_fixes && plan->engine == X2K_ENGINE_BUILTIN &&
        p->inv && p->inv->pv) {
        guestfs_h *g = guestfs_create_flags(GUESTFS_CREATE_NO_ENVIRONMENT);
        if (!g) {
            add(p, "libguestfs", X2K_CHECK_FAIL,
                _("The PV guest needs fixes inside its disks, but "
                  "libguestfs cannot start."));
        } else {
            add(p, "libguestfs", X2K_CHECK_OK,
                _("libguestfs is available for the guest fixes."));
            guestfs_close(g);
        }
    }
}

struct x2k_preflight *
x2k_preflight_run(const struct x2k_plan *plan,
                  const struct x2k_preflight_opts *o)
{
    struct x2k_preflight *p = x2k_xcalloc(1, sizeof(*p));
    struct x2k_error err = X2K_ERROR_INIT;
    struct x2k_ssh *s = NULL;
    X2K_AUTO(x2k_source) src = NULL;   /* opened here */
    struct x2k_source *use = NULL;     /* src or the engine's */
    X2K_AUTOFREE char *uri = x2k_plan_source_uri(plan);
    X2K_AUTOFREE char *xml = NULL;
    bool ssh_ok = false, no_ssh = false, have_inv = false, uri_ok = false;

    check_ssh(p, plan, o, &s, &ssh_ok, &no_ssh);

    if (plan->mode == X2K_MODE_LIBVIRTXML) {
        /* The domain XML comes from a file: no libvirt source. */
        FILE *f = plan->input_xml ? fopen(plan->input_xml, "re") : NULL;
        struct x2k_buf b = { 0 };
        char buf[8192];
        size_t n;

        if (!f) {
            add(p, "vm-exists", X2K_CHECK_FAIL,
                _("Cannot read the domain XML file %1$s."),
                plan->input_xml ? plan->input_xml : "-");
        } else {
            while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
                x2k_buf_append(&b, buf, n);
            fclose(f);
            xml = x2k_buf_steal(&b);
        }
    } else if (plan->mode == X2K_MODE_XL && plan->input_xml) {
        /* The configuration file's warnings come at inspect. */
        xml = x2k_xlcfg_file_to_xml(plan->input_xml, NULL, &err);
        if (!xml)
            add_err(p, "vm-exists", &err);
    } else if (plan->mode == X2K_MODE_IMAGE) {
        /* The images named by --image, the domain from the options
         * (the run's own XML names its staged copies). */
        xml = o && o->xml ? x2k_xstrdup(o->xml)
                          : x2k_image_domain_xml(plan, NULL, NULL, &err);
        if (!xml)
            add_err(p, "vm-exists", &err);
    } else if (!uri) {
        add(p, "libvirt-uri", X2K_CHECK_FAIL,
            _("No libvirt URI given (option --uri)."));
    } else if (plan->mode == X2K_MODE_XL && !(o && o->source) && !s) {
        /* The xl toolstack is reached over SSH only. */
        skip(p, "xl-host", "ssh-auth");
    } else {
        X2K_AUTOFREE char *ni = x2k_uri_noninteractive(uri);
        const char *src_id = plan->mode == X2K_MODE_XL ? "xl-host"
                                                       : "libvirt-uri";
        struct x2k_source *s0 =
            o && o->source ? o->source
            : plan->mode == X2K_MODE_XL
                ? x2k_source_open_xl(s, uri, plan->xl_config, &err)
                : x2k_source_open(ni, NULL, NULL, &err);

        if (s0 && s0 != (o ? o->source : NULL))
            src = s0;
        if (!s0) {
            add_err(p, src_id, &err);
        } else {
            struct x2k_source_dom *doms = NULL;
            size_t n = 0;
            if (x2k_source_list(s0, &doms, &n, &err) < 0) {
                add_err(p, src_id, &err);
            } else {
                use = s0;
                if (plan->mode == X2K_MODE_XL)
                    add(p, src_id, X2K_CHECK_OK,
                        _("The Xen host %1$s answers with its toolstack "
                          "over SSH and lists %2$zu guests."), uri, n);
                else
                    add(p, src_id, X2K_CHECK_OK,
                        _("The libvirt URI %1$s opens without a prompt and "
                          "lists %2$zu guests."), uri, n);
                uri_ok = true;
                x2k_source_doms_free(doms, n);
            }
        }
    }

    if (uri_ok) {
        if (!plan->vm_name) {
            add(p, "vm-exists", X2K_CHECK_FAIL,
                _("No guest given (option --vm-name)."));
        } else {
            xml = o && o->xml ? x2k_xstrdup(o->xml)
                              : x2k_source_dumpxml(use, plan->vm_name, &err);
            if (!xml)
                add_err(p, "vm-exists", &err);
        }
    } else if (plan->mode == X2K_MODE_XEN) {
        skip(p, "vm-exists", "libvirt-uri");
    } else if (plan->mode == X2K_MODE_XL && !plan->input_xml) {
        skip(p, "vm-exists", "xl-host");
    }
    if (xml) {
        p->inv = x2k_inventory_from_xml(xml, &err);
        if (!p->inv) {
            add_err(p, "vm-exists", &err);
        } else {
            have_inv = true;
            add(p, "vm-exists", X2K_CHECK_OK,
                _("The guest '%1$s' exists (%2$s, %3$zu disks, %4$zu "
                  "NICs)."), p->inv->name ? p->inv->name : "?",
                p->inv->pv ? "PV" : "HVM", p->inv->n_disks,
                p->inv->n_nics);
        }
    }

    if (have_inv && use) {
        enum x2k_domstate st;
        if (x2k_source_state(use, plan->vm_name, &st, &err) < 0)
            add_err(p, "vm-shutoff", &err);
        else if (st == X2K_DOM_SHUTOFF)
            add(p, "vm-shutoff", X2K_CHECK_OK,
                _("The guest '%1$s' is shut off."), plan->vm_name);
        else if (plan->shutdown_source)
            add(p, "vm-shutoff", X2K_CHECK_WARN,
                _("The guest '%1$s' is %2$s; it will be shut down before "
                  "the copy (--shutdown-source)."), plan->vm_name,
                x2k_domstate_label(st));
        else
            add(p, "vm-shutoff", X2K_CHECK_FAIL,
                _("The guest '%1$s' is %2$s. It must be shut off: its disks "
                  "change while it runs."), plan->vm_name,
                x2k_domstate_label(st));
    } else if (plan->mode == X2K_MODE_XEN ||
               (plan->mode == X2K_MODE_XL && !plan->input_xml)) {
        skip(p, "vm-shutoff", "vm-exists");
    }

    if (have_inv) {
        if (!no_ssh && !ssh_ok) {
            skip(p, "disk-readable", "ssh-auth");
        } else if ((p->inv->demo = plan->demo,
                    x2k_inventory_probe(p->inv, s, &err) < 0)) {
            add_err(p, "disk-readable", &err);
        } else {
            check_disks(p, plan);
        }
        p->needed_bytes = x2k_inventory_copy_size(p->inv);
        if (plan->format == X2K_FORMAT_QCOW2) {
            p->needed_bytes *= 2;
        } else {
            size_t k;

            /* The copy of a qcow2 source, then its raw conversion. */
            for (k = 0; k < p->inv->n_disks; k++) {
                const struct x2k_disk *d = &p->inv->disks[k];

                if (x2k_disk_is_copied(d) &&
                    x2k_str_equal(d->real_format, "qcow2"))
                    p->needed_bytes += d->size;
            }
        }
    } else {
        skip(p, "disk-readable", "vm-exists");
    }
    if (!o || s != o->ssh)
        x2k_ssh_free(s);

    check_target(p, plan, o, have_inv);
    check_tools(p, plan);
    return p;
}

void
x2k_preflight_free(struct x2k_preflight *p)
{
    size_t i;

    if (!p)
        return;
    for (i = 0; i < p->n_checks; i++)
        free(p->checks[i].message);
    free(p->checks);
    x2k_inventory_free(p->inv);
    free(p);
}

bool
x2k_preflight_passed(const struct x2k_preflight *p)
{
    size_t i;

    for (i = 0; i < p->n_checks; i++) {
        if (p->checks[i].status == X2K_CHECK_FAIL)
            return false;
    }
    return true;
}

const struct x2k_check *
x2k_preflight_find(const struct x2k_preflight *p, const char *id)
{
    size_t i;

    for (i = 0; i < p->n_checks; i++) {
        if (strcmp(p->checks[i].id, id) == 0)
            return &p->checks[i];
    }
    return NULL;
}

const char *
x2k_check_status_name(enum x2k_check_status st)
{
    static const char *const n[] = { "ok", "warn", "FAIL", "skip" };
    return (unsigned)st < X2K_N_ELEMENTS(n) ? n[st] : "?";
}

const char *
x2k_check_status_label(enum x2k_check_status st)
{
    /* TRANSLATORS: preflight status words, shown in a narrow column. */
    static const char *const n[] = { N_("ok"), N_("warn"), N_("FAIL"),
                                     N_("skip") };
    return (unsigned)st < X2K_N_ELEMENTS(n) ? _(n[st]) : "?";
}

char *
x2k_check_help_id(const char *id)
{
    return x2k_strdup_printf("check-%s", id);
}

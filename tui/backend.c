/* The wizard's adapter to core's engines (see backend.h): SSH, the
 * libvirt source (list, dumpxml, shutdown), the disk inventory, the
 * target's pools and networks and the preflight stages, each a call
 * into core's public API with the result copied into the screens'
 * types.  Runs on worker threads; no curses.
 */
#include <config.h>

#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

#include "backend.h"
#include "base/fsutil.h"
#include "base/i18n.h"
#include "base/log.h"
#include "base/secret.h"
#include "engine/engine.h"
#include "engine/preflight.h"
#include "help.h"
#include "plan/uri.h"
#include "source/demo.h"
#include "source/inventory.h"
#include "source/listcache.h"
#include "source/source.h"
#include "ssh/ssh.h"
#include "target/target.h"

bool
tui_backend_have_virt_v2v(void)
{
    X2K_AUTOFREE char *f = x2k_find_program("virt-v2v");

    return f != NULL;
}

/* Remember an unknown host key's fingerprint and refuse it: the
 * wizard asks the user, then connects again with it accepted. */
static bool
record_hostkey(const char *host, int port, const char *keytype,
               const char *fingerprint, void *opaque)
{
    char **fp = opaque;

    (void)host;
    (void)port;
    (void)keytype;
    free(*fp);
    *fp = x2k_xstrdup(fingerprint);
    return false;
}

/* Connect as PLAN says, with PASSWORD if not NULL. */
static struct x2k_ssh *
connect_plan(const struct x2k_plan *plan, const char *password,
             char **fingerprint, struct x2k_error *err)
{
    struct x2k_ssh_opts opts;
    char *host = NULL, *user = NULL, *filepw = NULL;
    struct x2k_ssh *s;

    *fingerprint = NULL;
    /* A password typed in: the password file is not read at all. */
    if (x2k_ssh_opts_from_plan(plan, &opts, &host, &user,
                               password ? NULL : &filepw, err) < 0)
        return NULL;
    if (password)
        opts.password = password;
    opts.hostkey_cb = record_hostkey;
    opts.hostkey_opaque = fingerprint;
    s = x2k_ssh_connect(&opts, err);
    x2k_secret_free(filepw);
    free(host);
    free(user);
    if (s) {
        free(*fingerprint);
        *fingerprint = NULL;
    }
    return s;
}

int
tui_backend_ssh_test(const struct x2k_plan *plan, char **fingerprint,
                     char **method, struct x2k_error *err)
{
    struct x2k_ssh *s = connect_plan(plan, NULL, fingerprint, err);

    *method = NULL;
    if (!s)
        return -1;
    *method = x2k_xstrdup(x2k_ssh_auth_method(s));
    x2k_ssh_free(s);
    return 0;
}

int
tui_backend_ssh_keygen(const struct x2k_plan *plan, char **pubkey_path,
                       struct x2k_error *err)
{
    char *have = x2k_ssh_default_identity(plan->identity);
    const char *home = getenv("HOME");
    char *path;

    *pubkey_path = NULL;
    if (have && access(have, R_OK) == 0) {
        x2k_error_set(err, X2K_ERR_INVALID,
                      _("A key already exists: %1$s. Install it on the "
                        "Xen host."), have);
        free(have);
        return -1;
    }
    free(have);
    path = plan->identity ? x2k_xstrdup(plan->identity)
        : x2k_strdup_printf("%s/.ssh/id_ed25519", home ? home : "");
    if (x2k_ssh_keygen(path, err) < 0) {
        free(path);
        return -1;
    }
    *pubkey_path = x2k_strdup_printf("%s.pub", path);
    free(path);
    return 0;
}

int
tui_backend_ssh_install_key(const struct x2k_plan *plan,
                            const char *password, char **fingerprint,
                            struct x2k_error *err)
{
    char *key = x2k_ssh_default_identity(plan->identity);
    char *pub;
    struct x2k_ssh *s;
    int rc;

    if (!key) {
        x2k_error_set(err, X2K_ERR_NOT_FOUND, "%s",
                      _("There is no key to install: generate one "
                        "first."));
        return -1;
    }
    pub = x2k_strdup_printf("%s.pub", key);
    free(key);
    s = connect_plan(plan, password, fingerprint, err);
    if (!s) {
        free(pub);
        return -1;
    }
    rc = x2k_ssh_install_key(s, pub, NULL, err);
    x2k_ssh_free(s);
    free(pub);
    return rc;
}

/* The SSH settings of the wizard's plan, for ssh:// (xl mode) sources:
 * the UI thread sets them (tui_backend_set_ssh_plan) before it starts a
 * task that opens such a source on the worker. */
static pthread_mutex_t ssh_plan_lock = PTHREAD_MUTEX_INITIALIZER;
static struct x2k_plan ssh_plan;
static bool ssh_plan_set;

void
tui_backend_set_ssh_plan(const struct x2k_plan *plan)
{
    pthread_mutex_lock(&ssh_plan_lock);
    if (!ssh_plan_set)
        x2k_plan_init(&ssh_plan);
    x2k_plan_copy(&ssh_plan, plan);
    ssh_plan_set = true;
    pthread_mutex_unlock(&ssh_plan_lock);
}

/* Open URI as the source.  Over an ssh transport libvirt runs OpenSSH,
 * which would prompt on the terminal (over the wizard's screen):
 * no_tty=1 makes it fail instead, and the screen says why.  An ssh://
 * URI is a Xen host without libvirtd (xl mode): the login of the SSH
 * screen, then its toolstack. */
static struct x2k_source *
open_source(const char *uri, struct x2k_error *err)
{
    char *safe;
    struct x2k_source *src;

    if (x2k_str_has_prefix(uri, "ssh://")) {
        struct x2k_plan p;
        struct x2k_ssh *ssh;
        char *fp = NULL;

        x2k_plan_init(&p);
        pthread_mutex_lock(&ssh_plan_lock);
        if (ssh_plan_set)
            x2k_plan_copy(&p, &ssh_plan);
        pthread_mutex_unlock(&ssh_plan_lock);
        x2k_str_replace(&p.uri, uri);
        p.mode = X2K_MODE_XL;
        ssh = connect_plan(&p, NULL, &fp, err);
        free(fp);
        /* The source frees its session: tasks may run side by side. */
        src = ssh ? x2k_source_open_xl_owning(ssh, uri, p.xl_config, err)
                  : NULL;
        x2k_plan_clear(&p);
        free(p.target_uri);
        free(p.pool);
        return src;
    }
    safe = x2k_uri_noninteractive(uri);
    src = x2k_source_open(safe, NULL, NULL, err);
    free(safe);
    return src;
}

/* Keep the names for the shell completion of --vm-name (completion/);
 * a cache that cannot be written only costs that. */
static void
cache_guests(const char *uri, const struct x2k_source_dom *doms, size_t n)
{
    const char **names = x2k_xcalloc(n + 1, sizeof *names);
    struct x2k_error err = X2K_ERROR_INIT;
    size_t i;

    for (i = 0; i < n; i++)
        names[i] = doms[i].name;
    if (x2k_listcache_write(uri, names, n, &err) < 0)
        x2k_log(X2K_LOG_INFO, "guest list cache: %s", err.msg);
    x2k_error_clear(&err);
    free(names);
}

/* Whether URI's disks are on this machine (the demo, test:///). */
static bool
is_local_uri(const char *uri)
{
    struct x2k_uri *u = x2k_uri_parse(uri, NULL);
    bool local = u && !x2k_uri_is_remote(u);

    x2k_uri_free(u);
    return local;
}

/* What the guest list shows of V: type, vCPUs, memory, its disks (and,
 * with LOCAL, their total size).  Best effort: a guest whose XML cannot
 * be read is still listed, without these. */
static void
vm_info(struct x2k_source *src, struct tui_vm *v, bool local)
{
    struct x2k_error err = X2K_ERROR_INIT;
    char *xml = x2k_source_dumpxml(src, v->name, &err);
    struct x2k_inventory *inv = xml ? x2k_inventory_from_xml(xml, &err)
                                    : NULL;
    size_t i;

    if (inv) {
        v->info = true;
        v->pv = inv->pv;
        v->vcpus = inv->vcpus;
        v->memory_kib = inv->memory_kib;
        for (i = 0; i < inv->n_disks; i++) {
            if (inv->disks[i].path) {
                char *p = x2k_demo_map_path(inv->disks[i].path);

                free(inv->disks[i].path);
                inv->disks[i].path = p;
            }
            v->n_disks += x2k_disk_is_copied(&inv->disks[i]);
        }
        if (local && x2k_inventory_probe(inv, NULL, &err) == 0) {
            v->sized = true;
            for (i = 0; i < inv->n_disks; i++) {
                if (x2k_disk_is_copied(&inv->disks[i]))
                    v->disk_bytes += inv->disks[i].size;
            }
        }
    }
    x2k_error_clear(&err);
    x2k_inventory_free(inv);
    free(xml);
}

int
tui_backend_list_vms(const char *uri, struct tui_vm **vms, size_t *n,
                     struct x2k_error *err)
{
    struct x2k_source *src = open_source(uri, err);
    struct x2k_source_dom *doms = NULL;
    size_t i, k = 0, count = 0;
    bool local;

    *vms = NULL;
    *n = 0;
    if (!src)
        return -1;
    if (x2k_source_list(src, &doms, &count, err) < 0) {
        x2k_source_free(src);
        return -1;
    }
    *vms = x2k_xcalloc(count + 1, sizeof **vms);
    local = is_local_uri(uri);
    for (i = 0; i < count; i++) {
        struct tui_vm *v = &(*vms)[k];

        /* Domain-0 is the Xen host itself, never a guest to move. */
        if (doms[i].id == 0 || strcmp(doms[i].name, "Domain-0") == 0)
            continue;
        v->id = doms[i].id;
        v->name = x2k_xstrdup(doms[i].name);
        v->state = x2k_xstrdup(x2k_domstate_name(doms[i].state));
        v->dstate = doms[i].state;
        v->running = doms[i].state != X2K_DOM_SHUTOFF &&
            doms[i].state != X2K_DOM_NOSTATE &&
            doms[i].state != X2K_DOM_CRASHED;
        vm_info(src, v, local);
        k++;
    }
    *n = k;
    cache_guests(uri, doms, count);
    x2k_source_doms_free(doms, count);
    x2k_source_free(src);
    return 0;
}

char *
tui_backend_dumpxml(const char *uri, const char *name,
                    struct x2k_error *err)
{
    struct x2k_source *src = open_source(uri, err);
    char *xml;

    if (!src)
        return NULL;
    xml = x2k_source_dumpxml(src, name, err);
    x2k_source_free(src);
    return xml;
}

int
tui_backend_shutdown(const char *uri, const char *name, int timeout,
                     bool force_off, struct x2k_reporter *r,
                     struct x2k_error *err)
{
    struct x2k_source *src = open_source(uri, err);
    int rc;

    if (!src)
        return -1;
    rc = x2k_source_shutdown(src, name, timeout, force_off, r, err);
    x2k_source_free(src);
    return rc;
}

int
tui_backend_disks(const struct x2k_plan *plan, struct tui_disk **disks,
                  size_t *n, bool *block, struct x2k_error *err)
{
    char *uri = x2k_plan_source_uri(plan);
    char *xml = uri ? tui_backend_dumpxml(uri, plan->vm_name, err) : NULL;
    struct x2k_inventory *inv = NULL;
    struct x2k_ssh *ssh = NULL;
    struct x2k_uri *u = NULL;
    size_t i, count = 0;
    int rc = -1;

    *disks = NULL;
    *n = 0;
    *block = false;
    if (!xml)
        goto out;
    inv = x2k_inventory_from_xml(xml, err);
    if (!inv)
        goto out;
    /* The demo's disks are local files standing for its fake paths. */
    for (i = 0; plan->demo && i < inv->n_disks; i++) {
        if (inv->disks[i].path) {
            char *p = x2k_demo_map_path(inv->disks[i].path);

            free(inv->disks[i].path);
            inv->disks[i].path = p;
        }
    }
    u = x2k_uri_parse(uri, NULL);
    if (u && x2k_uri_is_remote(u)) {
        char *fp = NULL;

        ssh = connect_plan(plan, NULL, &fp, err);
        free(fp);
        if (!ssh)
            goto out;
    }
    if (x2k_inventory_probe(inv, ssh, err) < 0)
        goto out;
    *disks = x2k_xcalloc(inv->n_disks + 1, sizeof **disks);
    for (i = 0; i < inv->n_disks; i++) {
        const struct x2k_disk *d = &inv->disks[i];

        if (!x2k_disk_is_copied(d))
            continue;
        (*disks)[count].dev = x2k_xstrdup(d->target_dev);
        (*disks)[count].block = d->type == X2K_DISK_BLOCK;
        (*disks)[count].source = x2k_xstrdup(d->path);
        (*disks)[count].format = x2k_xstrdup(d->real_format
                                             ? d->real_format
                                             : d->declared_format);
        (*disks)[count].size = d->size;
        count++;
    }
    *n = count;
    *block = inv->block_device;
    rc = 0;
out:
    x2k_uri_free(u);
    x2k_ssh_free(ssh);
    x2k_inventory_free(inv);
    free(xml);
    free(uri);
    return rc;
}
int
tui_backend_nic_sources(const struct x2k_plan *plan, char ***sources,
                        size_t *n, struct x2k_error *err)
{
    char *uri = x2k_plan_source_uri(plan);
    char *xml = uri && plan->vm_name
        ? tui_backend_dumpxml(uri, plan->vm_name, err) : NULL;
    struct x2k_inventory *inv = xml ? x2k_inventory_from_xml(xml, err)
        : NULL;
    size_t i, j, count = 0;

    *sources = NULL;
    *n = 0;
    free(uri);
    free(xml);
    if (!inv)
        return -1;
    *sources = x2k_xcalloc(inv->n_nics + 1, sizeof **sources);
    for (i = 0; i < inv->n_nics; i++) {
        const char *src = inv->nics[i].source;

        if (!src)
            continue;
        for (j = 0; j < count && strcmp((*sources)[j], src) != 0; j++)
            ;
        if (j == count)
            (*sources)[count++] = x2k_xstrdup(src);
    }
    *n = count;
    x2k_inventory_free(inv);
    return 0;
}

int
tui_backend_pools(const char *target_uri, struct tui_pool **pools,
                  size_t *n, struct x2k_error *err)
{
    struct x2k_target *t = x2k_target_open(target_uri, err);
    char **names;
    size_t i, count;

    *pools = NULL;
    *n = 0;
    if (!t)
        return -1;
    names = x2k_target_list_pools(t, err);
    if (!names) {
        x2k_target_free(t);
        return -1;
    }
    for (count = 0; names[count]; count++)
        ;
    *pools = x2k_xcalloc(count + 1, sizeof **pools);
    for (i = 0; i < count; i++) {
        struct x2k_pool_info info;

        memset(&info, 0, sizeof info);
        (*pools)[i].name = x2k_xstrdup(names[i]);
        if (x2k_target_pool_info(t, names[i], &info, NULL) == 0)
            (*pools)[i].avail = info.available;
        x2k_pool_info_clear(&info);
    }
    *n = count;
    x2k_target_names_free(names);
    x2k_target_free(t);
    return 0;
}

int
tui_backend_networks(const char *target_uri, char ***names, size_t *n,
                     struct x2k_error *err)
{
    struct x2k_target *t = x2k_target_open(target_uri, err);
    char **nets, **bridges;
    size_t i, count = 0;

    *names = NULL;
    *n = 0;
    if (!t)
        return -1;
    nets = x2k_target_list_networks(t, err);
    x2k_target_free(t);
    if (!nets)
        return -1;
    bridges = x2k_host_bridges(NULL);
    for (i = 0; nets[i]; i++)
        count++;
    for (i = 0; bridges && bridges[i]; i++)
        count++;
    *names = x2k_xcalloc(count + 1, sizeof **names);
    count = 0;
    /* TRANSLATORS: a libvirt network / a host bridge, in a list. */
    for (i = 0; nets[i]; i++)
        (*names)[count++] = x2k_strdup_printf(_("network %1$s"), nets[i]);
    for (i = 0; bridges && bridges[i]; i++)
        (*names)[count++] = x2k_strdup_printf(_("bridge %1$s"),
                                              bridges[i]);
    *n = count;
    x2k_target_names_free(nets);
    x2k_target_names_free(bridges);
    return 0;
}

int
tui_backend_preflight(const struct x2k_plan *plan, char **text,
                      struct x2k_error *err)
{
    /* The engine's read-only check: the destination checks too
     * (run-lock, output-dir, dest-not-source, dest-exists), as --check. */
    struct x2k_engine *eng = x2k_engine_new(plan);
    struct x2k_preflight *p = x2k_engine_check(eng, NULL, NULL);
    struct x2k_buf b = { 0 };
    size_t i;
    int rc = 0;

    for (i = 0; i < p->n_checks; i++) {
        const struct x2k_check *c = &p->checks[i];

        x2k_buf_printf(&b, "[%s] %s\n", x2k_check_status_label(c->status),
                       c->message ? c->message : c->id);
        if (c->status == X2K_CHECK_WARN || c->status == X2K_CHECK_FAIL) {
            char *id = x2k_check_help_id(c->id);
            const struct x2k_help *h = x2k_help_find(id);
            const char *remedy = h ? x2k_help_para(h, 0) : NULL;

            if (remedy)
                x2k_buf_printf(&b, "    -> %s\n", remedy);
            free(id);
        }
    }
    if (!x2k_preflight_passed(p)) {
        x2k_error_set(err, X2K_ERR_PREFLIGHT, "%s",
                      _("A preflight check failed."));
        rc = -1;
    }
    x2k_preflight_free(p);
    x2k_engine_free(eng);
    *text = x2k_buf_steal(&b);
    return rc;
}

char *
tui_backend_vm_table(const struct tui_vm *vms, size_t n)
{
    /* The layout of `virsh list --all` (Id, Name, State), from core. */
    struct x2k_source_dom *doms = x2k_xcalloc(n + 1, sizeof *doms);
    char *table;
    size_t i;

    for (i = 0; i < n; i++) {
        doms[i].id = vms[i].id;
        doms[i].name = vms[i].name;     /* borrowed */
        doms[i].state = vms[i].dstate;
    }
    table = x2k_source_format_list(doms, n);
    free(doms);
    return table;
}

void
tui_vms_free(struct tui_vm *vms, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        free(vms[i].name);
        free(vms[i].state);
    }
    free(vms);
}

void
tui_disks_free(struct tui_disk *disks, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        free(disks[i].dev);
        free(disks[i].source);
        free(disks[i].format);
    }
    free(disks);
}

void
tui_pools_free(struct tui_pool *pools, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        free(pools[i].name);
    free(pools);
}

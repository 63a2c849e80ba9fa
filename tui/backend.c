/* The wizard's adapter to core's engines (see backend.h).  Today's
 * build has none of the SSH, source, inventory, target, preflight or
 * pipeline engines, so those calls say so; wiring one in means
 * replacing its stub here with the call into core.  Runs on worker
 * threads; no curses.
 */
#include <config.h>

#include <stdio.h>
#include <unistd.h>

#include "backend.h"
#include "i18n.h"

static int
missing(struct x2k_error *err, const char *what)
{
    /* TRANSLATORS: %1$s names an engine, e.g. "the SSH engine". */
    x2k_error_set(err, X2K_ERR_UNSUPPORTED,
                  _("%1$s is not in this build yet."), what);
    return -1;
}

bool
tui_backend_have_ssh(void)
{
    return false;
}

bool
tui_backend_have_source(void)
{
    return false;
}

bool
tui_backend_have_target(void)
{
    return false;
}

bool
tui_backend_have_preflight(void)
{
    return false;
}

bool
tui_backend_have_engine(void)
{
    return false;
}

bool
tui_backend_have_virt_v2v(void)
{
    const char *path = getenv("PATH");
    char *copy, *dir, *save = NULL;
    bool found = false;

    if (!path)
        return false;
    copy = x2k_xstrdup(path);
    for (dir = strtok_r(copy, ":", &save); dir && !found;
         dir = strtok_r(NULL, ":", &save)) {
        char *p = x2k_strdup_printf("%s/virt-v2v", *dir ? dir : ".");

        found = access(p, X_OK) == 0;
        free(p);
    }
    free(copy);
    return found;
}

int
tui_backend_ssh_test(const struct x2k_plan *plan, char **fingerprint,
                     struct x2k_error *err)
{
    (void)plan;
    *fingerprint = NULL;
    return missing(err, _("The SSH engine"));
}

int
tui_backend_ssh_keygen(char **pubkey_path, struct x2k_error *err)
{
    *pubkey_path = NULL;
    return missing(err, _("The SSH engine"));
}

int
tui_backend_ssh_install_key(const struct x2k_plan *plan,
                            const char *password, struct x2k_error *err)
{
    (void)plan;
    (void)password;
    return missing(err, _("The SSH engine"));
}

int
tui_backend_list_vms(const char *uri, struct tui_vm **vms, size_t *n,
                     struct x2k_error *err)
{
    (void)uri;
    *vms = NULL;
    *n = 0;
    return missing(err, _("The libvirt source engine"));
}

char *
tui_backend_dumpxml(const char *uri, const char *name,
                    struct x2k_error *err)
{
    (void)uri;
    (void)name;
    missing(err, _("The libvirt source engine"));
    return NULL;
}

int
tui_backend_shutdown(const char *uri, const char *name, int timeout,
                     struct x2k_reporter *r, struct x2k_error *err)
{
    (void)uri;
    (void)name;
    (void)timeout;
    (void)r;
    return missing(err, _("The libvirt source engine"));
}

int
tui_backend_disks(const char *uri, const char *name,
                  struct tui_disk **disks, size_t *n, struct x2k_error *err)
{
    (void)uri;
    (void)name;
    *disks = NULL;
    *n = 0;
    return missing(err, _("The disk inventory engine"));
}

int
tui_backend_pools(const char *target_uri, struct tui_pool **pools,
                  size_t *n, struct x2k_error *err)
{
    (void)target_uri;
    *pools = NULL;
    *n = 0;
    return missing(err, _("The libvirt target engine"));
}

int
tui_backend_networks(const char *target_uri, char ***names, size_t *n,
                     struct x2k_error *err)
{
    (void)target_uri;
    *names = NULL;
    *n = 0;
    return missing(err, _("The libvirt target engine"));
}

int
tui_backend_preflight(const struct x2k_plan *plan,
                      struct tui_check **checks, size_t *n,
                      struct x2k_error *err)
{
    (void)plan;
    *checks = NULL;
    *n = 0;
    return missing(err, _("The preflight engine"));
}

int
tui_backend_run(const struct x2k_plan *plan, struct x2k_reporter *r,
                struct x2k_error *err)
{
    (void)plan;
    (void)r;
    return missing(err, _("The conversion pipeline"));
}

char *
tui_backend_vm_table(const struct tui_vm *vms, size_t n)
{
    struct x2k_buf b = { 0 };
    size_t i;

    /* virsh's own layout (seed 000 section 3); not translated, as
     * virsh's is what users compare it with. */
    x2k_buf_printf(&b, " %-5s %-30s %s\n", "Id", "Name", "State");
    x2k_buf_puts(&b, "----------------------------------------------------\n");
    for (i = 0; i < n; i++) {
        char id[16];

        if (vms[i].id >= 0)
            snprintf(id, sizeof id, "%d", vms[i].id);
        else
            snprintf(id, sizeof id, "-");
        x2k_buf_printf(&b, " %-5s %-30s %s\n", id, vms[i].name,
                       vms[i].state);
    }
    return x2k_buf_steal(&b);
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

void
tui_checks_free(struct tui_check *checks, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        free(checks[i].id);
        free(checks[i].message);
        free(checks[i].remedy);
    }
    free(checks);
}

/* What the wizard's screens ask of the engine, in one place: each
 * function calls core's public API.  The functions block: screens call them
 * through tui_task_start() on a worker thread.  No curses here.
 */
#ifndef TUI_BACKEND_H
#define TUI_BACKEND_H

#include <stdint.h>

#include "base/error.h"
#include "base/event.h"
#include "plan/plan.h"
#include "source/source.h"

struct tui_vm {
    int id;                     /* -1 when not running */
    char *name;
    char *state;                /* as virsh prints it: "shut off" */
    enum x2k_domstate dstate;
    bool running;
    /* From its domain XML (INFO false when it could not be read). */
    bool info;
    bool pv;
    unsigned vcpus;
    uint64_t memory_kib;
    size_t n_disks;             /* the disks that would be copied */
    /* Their total size, when it can be read here (a local source);
     * SIZED false otherwise (a remote one needs SSH per disk). */
    bool sized;
    uint64_t disk_bytes;
};

struct tui_disk {
    char *dev;                  /* target dev: xvda */
    bool block;                 /* <disk type='block'> */
    char *source;
    char *format;
    uint64_t size;              /* bytes; 0 if unknown */
};

struct tui_pool {
    char *name;
    uint64_t avail;
};

/* Whether virt-v2v can be run (found in PATH). */
bool tui_backend_have_virt_v2v(void);

/* SSH: the key login libvirt's xen+ssh needs.  On X2K_ERR_SSH_HOSTKEY
 * for an unknown key, *FINGERPRINT is its SHA256 fingerprint: ask the
 * user, then set the plan's accept_host_key and try again.  *METHOD:
 * how the login authenticated.  PASSWORD is borrowed; the caller wipes
 * it. */
int tui_backend_ssh_test(const struct x2k_plan *plan, char **fingerprint,
                         char **method, struct x2k_error *err);
int tui_backend_ssh_keygen(const struct x2k_plan *plan, char **pubkey_path,
                           struct x2k_error *err);
int tui_backend_ssh_install_key(const struct x2k_plan *plan,
                                const char *password, char **fingerprint,
                                struct x2k_error *err);

/* The SSH settings (host key, identity...) that an ssh:// URI (a Xen
 * host without libvirtd, xl mode) logs in with; PLAN is copied.  UI
 * thread, before starting a task with such a URI. */
void tui_backend_set_ssh_plan(const struct x2k_plan *plan);

/* The source: what `virsh -c URI list --all` and `dumpxml` show, and
 * the guided shutdown; for an ssh:// URI, what xl shows. */
int tui_backend_list_vms(const char *uri, struct tui_vm **vms, size_t *n,
                         struct x2k_error *err);
char *tui_backend_dumpxml(const char *uri, const char *name,
                          struct x2k_error *err);
int tui_backend_shutdown(const char *uri, const char *name, int timeout,
                         bool force_off, struct x2k_reporter *r,
                         struct x2k_error *err);
/* The copied disks of the plan's guest, probed on the Xen host (over
 * SSH) or locally (local URIs, the demo); *BLOCK: block-device mode is
 * needed (a <disk type='block'>: the copy goes through local space). */
int tui_backend_disks(const struct x2k_plan *plan, struct tui_disk **disks,
                      size_t *n, bool *block, struct x2k_error *err);

/* The distinct bridges/networks the guest's NICs are on (for per-NIC
 * mappings); NULL-terminated array of N strings, caller frees. */
int tui_backend_nic_sources(const struct x2k_plan *plan, char ***sources,
                            size_t *n, struct x2k_error *err);

/* The target. */
int tui_backend_pools(const char *target_uri, struct tui_pool **pools,
                      size_t *n, struct x2k_error *err);
int tui_backend_networks(const char *target_uri, char ***names, size_t *n,
                         struct x2k_error *err);

/* The engine's connect, inspect and preflight stages for PLAN, as
 * text lines ("[ok  ] ...", "[FAIL] ...") in *TEXT (always set). */
int tui_backend_preflight(const struct x2k_plan *plan, char **text,
                          struct x2k_error *err);

/* "virsh list --all" table text for VMS. */
char *tui_backend_vm_table(const struct tui_vm *vms, size_t n);

void tui_vms_free(struct tui_vm *vms, size_t n);
void tui_disks_free(struct tui_disk *disks, size_t n);
void tui_pools_free(struct tui_pool *pools, size_t n);

#endif /* TUI_BACKEND_H */

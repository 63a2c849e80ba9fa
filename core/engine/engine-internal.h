/* Private to core/engine/engine*.c: the state one run shares between
 * its stages, and the stages the driver (engine.c) calls in order.  It
 * all runs on the engine's thread, the caller of x2k_engine_run; other
 * threads touch only the reporter's cancel flag (x2k_engine_cancel).
 */
#ifndef X2K_ENGINE_INTERNAL_H
#define X2K_ENGINE_INTERNAL_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "base/event.h"
#include "convert/xmlconv.h"
#include "engine/preflight.h"
#include "engine/engine.h"
#include "guest/guest.h"
#include "plan/plan.h"
#include "source/inventory.h"
#include "source/source.h"
#include "ssh/ssh.h"
#include "target/bootcheck.h"
#include "target/target.h"
#include "transfer/transfer.h"

/* One disk the copy stage copies, as the converter placed it. */
struct eng_disk {
    char *source;               /* path on the Xen host */
    char *old_target, *new_target;
    bool is_block;
    uint64_t size;
    char *detected_format;      /* of the source */
    char *new_format;           /* of the copy */
    char *dest_path;            /* local file of the copy, or NULL */
    char *pool, *volume;        /* or this volume */
    char *label;                /* for the report: path or POOL/VOLUME */
    int partition;              /* --layout=assemble: partition N of
                                 * dest_path, at dest_offset; 0: none */
    uint64_t dest_offset;
    struct x2k_transfer_result res;
    double seconds;
};

/* One warning of the run, as its event said it. */
struct eng_warning {
    char *id;                   /* stable id, or NULL */
    char *text;                 /* translated sentence */
};

/* One run; each stage fills the fields under its name. */
struct x2k_engine {
    struct x2k_plan plan;
    char *password;
    struct x2k_reporter reporter;
    x2k_event_fn user_fn;
    void *user_opaque;
    char *run_dir;
    int log_fd;
    enum x2k_stage stage;
    double stage_secs[X2K_N_STAGES];
    size_t n_warnings;
    struct eng_warning *warnings;   /* every warning event, in order */
    pthread_mutex_t warn_lock;      /* for the two: events come from any
                                     * thread */
    bool kvm_logged;

    /* connect */
    struct x2k_source *src;
    struct x2k_ssh *ssh;
    struct x2k_ssh_opts ssh_opts;
    bool have_ssh_opts;
    char *ssh_host, *ssh_user, *ssh_password;  /* the password: a secret,
                                                * wiped after connect */
    struct x2k_ssh **sessions;  /* after a password login: the copy's
                                 * sessions ([0] is ssh), else NULL */
    size_t n_sessions;
    /* inspect */
    char *orig_xml;
    struct x2k_inventory *inv;
    /* copy */
    struct x2k_target *tgt;
    char *pool_path;            /* dir pool: its directory */
    struct eng_disk *disks;
    size_t n_disks;
    bool placed;                /* disks placed (eng_place_disks) */
    char **boot_local;          /* where the trial conversion puts the */
    char **boot_remote;         /* kernels/initrds, from where */
    size_t n_boot;
    int *lock_fds;              /* run locks held (preflight-dest.c) */
    size_t n_lock_fds;
    bool check_only;            /* x2k_engine_check: nothing written */
    const char **disk_labels;   /* for x2k_engine_get_result */
    /* convert */
    struct x2k_xmlconv_result *conv;
    char *v2v_xml;              /* virt-v2v -i libvirtxml input */
    /* fix guest */
    struct x2k_guest_report *guest_report;
    char *guest_skipped;        /* why no guest fixes ran, or NULL */
    /* define */
    bool defined, started;
    /* boot check */
    int boot_status;            /* 0 not run, 1 booted, -1 failed */
    struct x2k_boot_result boot;
    char *failure;              /* the error of a failed run, or NULL */
};

/* The copy's sessions logged in beforehand (a password login), into O. */
static inline void
eng_transfer_sessions(const struct x2k_engine *eng,
                      struct x2k_transfer_opts *o)
{
    o->sessions = eng->sessions;
    o->n_sessions = eng->n_sessions;
}

/* The new domain's name, from the best source known so far. */
static inline const char *
eng_new_name(const struct x2k_engine *eng)
{
    if (eng->conv && eng->conv->name)
        return eng->conv->name;
    if (eng->plan.new_name)
        return eng->plan.new_name;
    if (eng->plan.vm_name)
        return eng->plan.vm_name;
    return eng->inv && eng->inv->name ? eng->inv->name : "guest";
}

/* The target's libvirt URI. */
static inline const char *
eng_target_uri(const struct x2k_engine *eng)
{
    return eng->plan.target_uri ? eng->plan.target_uri
                                : X2K_DEFAULT_TARGET_URI;
}

/* The target's storage pool. */
static inline const char *
eng_pool_name(const struct x2k_engine *eng)
{
    return eng->plan.pool ? eng->plan.pool : X2K_DEFAULT_POOL;
}

/* Whether virt-v2v, not this tool, converts the guest. */
static inline bool
eng_is_v2v(const struct x2k_engine *eng)
{
    return eng->plan.engine == X2K_ENGINE_VIRT_V2V;
}

/* ---- Stages after the preflight: 0, or -1 with ERR set ------------- */

/* Copy every disk into the target (engine-copy.c). */
int eng_stage_copy(struct x2k_engine *eng, struct x2k_error *err);
int eng_place_disks(struct x2k_engine *eng, struct x2k_error *err);

/* preflight-dest.c: take the run locks and check every destination
 * against the sources (added to P); release the locks. */
void eng_preflight_dest(struct x2k_engine *eng, struct x2k_preflight *p);
void eng_unlock(struct x2k_engine *eng);
/* preflight-lock.c: the directory of the lock files (caller frees), and
 * the lock KEY taken for ENG (WHAT names it in P's failed run-lock
 * check when another run holds it). */
char *eng_lock_dir(void);
bool eng_lock_take(struct x2k_engine *eng, struct x2k_preflight *p,
                   const char *dir, const char *key, const char *what);

/* The guest's name made safe for a file name (the domain XML and report
 * of --output local).  Caller frees. */
static inline char *
eng_file_stem(struct x2k_engine *eng)
{
    return x2k_name_sanitize(eng_new_name(eng), 0);
}

/* Convert the XML, or run virt-v2v (engine-convert.c). */
int eng_stage_convert(struct x2k_engine *eng, struct x2k_error *err);

/* Fix the guest OS inside the copies (engine-convert.c). */
int eng_stage_fix_guest(struct x2k_engine *eng, struct x2k_error *err);

/* Define the domain, or write its XML (engine-define.c). */
int eng_stage_define(struct x2k_engine *eng, struct x2k_error *err);

/* Start the domain and watch its console; X2K_STAGE_SKIPPED without
 * --boot-check (engine-define.c). */
int eng_stage_boot_check(struct x2k_engine *eng, struct x2k_error *err);

/* Write the run directory's report, plan and replay command
 * (engine-report.c).  ERR may be NULL: a failed run's best effort. */
int eng_stage_report(struct x2k_engine *eng, struct x2k_error *err);

/* ---- Shared between the stages -------------------------------------- */

/* Free what D owns (engine-copy.c). */
void eng_disk_clear(struct eng_disk *d);

/* The copied disks as the converter takes them, ended by a NULL source;
 * WITH_COPIES adds where the copy stage put them.  Free the array only:
 * the strings are borrowed from ENG (engine-convert.c). */
struct x2k_xmlconv_disk_in *eng_disks_in(const struct x2k_engine *eng,
                                         bool with_copies);

/* Fill O for converting to the plan's target; *CAPS (free it after the
 * conversion) may be NULL.  IN is borrowed (engine-convert.c). */
void eng_conv_opts(struct x2k_engine *eng, struct x2k_xmlconv_opts *o,
                   struct x2k_caps **caps,
                   const struct x2k_xmlconv_disk_in *in);

/* Keep the guest's changes as guest-changes.txt in the run directory
 * (engine-report.c).  ERR may be NULL. */
int eng_write_guest_changes(struct x2k_engine *eng, struct x2k_error *err);

#endif /* X2K_ENGINE_INTERNAL_H */

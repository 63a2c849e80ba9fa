/* struct x2k_plan: every choice of one migration, with defaults and
 * validation.  The wizard fills it step by step, --batch fills it from
 * options; the engine only reads it.  The plan is the single source of
 * truth for the replay command (options.h turns it into argv and back,
 * losslessly).  Not thread-safe: one owner at a time.
 */
#ifndef X2K_PLAN_H
#define X2K_PLAN_H

#include "base/error.h"

enum x2k_mode {
    X2K_MODE_XEN,               /* a libvirt source (xen+ssh://, test://...) */
    X2K_MODE_LIBVIRTXML,        /* a local domain XML file (offline) */
    X2K_MODE_XL,                /* a Xen guest configuration (xl, xm) */
    X2K_MODE_IMAGE,             /* disk images, the domain from options */
};

/* --firmware (image mode): what the new domain boots with. */
enum x2k_firmware {
    X2K_FIRMWARE_BIOS,
    X2K_FIRMWARE_UEFI,
};

enum x2k_format {
    X2K_FORMAT_RAW,
    X2K_FORMAT_QCOW2,
};

enum x2k_alloc {
    X2K_ALLOC_SPARSE,
    X2K_ALLOC_PREALLOCATED,
};

enum x2k_engine_kind {
    X2K_ENGINE_BUILTIN,
    X2K_ENGINE_VIRT_V2V,
};

/* --layout; index = name in the option table.  AUTO (the default, never
 * written in a replay command) is assemble when the guest's disks are
 * partitions of one Xen disk (convert/layout.h), else keep. */
enum x2k_layout {
    X2K_LAYOUT_ASSEMBLE,        /* one partitioned disk, own bootloader */
    X2K_LAYOUT_KEEP,            /* one disk per volume, dom0 kernel */
    X2K_LAYOUT_AUTO,
};

enum x2k_output {
    X2K_OUTPUT_LIBVIRT,         /* define on target_uri, disks into pool */
    X2K_OUTPUT_LOCAL,           /* disks + XML + report into output_dir */
};

enum x2k_net_kind {
    X2K_NET_BRIDGE,
    X2K_NET_NETWORK,
};

/* --disk-bus values; index = name in x2k_disk_bus_name(). */
enum x2k_disk_bus {
    X2K_DISK_BUS_VIRTIO,
    X2K_DISK_BUS_SATA,
    X2K_DISK_BUS_IDE,
    X2K_DISK_BUS_SCSI,
    X2K_N_DISK_BUSES,
};

/* --nic-model values; index = name in x2k_nic_model_name(). */
enum x2k_nic_model {
    X2K_NIC_VIRTIO,
    X2K_NIC_E1000,
    X2K_NIC_RTL8139,
    X2K_N_NIC_MODELS,
};

/* One --disk-bus or --nic-model choice.  KEY is the source disk's
 * target dev (xvda) or the NIC's MAC address; NULL chooses for every
 * device that has no choice of its own.  VALUE is an enum x2k_disk_bus
 * or enum x2k_nic_model. */
struct x2k_devchoice {
    char *key;
    int value;
};

struct x2k_devchoices {
    struct x2k_devchoice *v;
    size_t n;
};

/* One --bridge/--network mapping.  IN NULL maps every NIC not mapped
 * otherwise (virt-v2v's "--bridge OUT"). */
struct x2k_netmap {
    enum x2k_net_kind kind;
    char *in;
    char *out;
};

#define X2K_DEFAULT_TARGET_URI "qemu:///system"
#define X2K_DEFAULT_POOL "default"
#define X2K_DEFAULT_PARALLEL 1
#define X2K_MAX_PARALLEL 16
#define X2K_DEFAULT_SHUTDOWN_TIMEOUT 300
#define X2K_DEFAULT_IO_TIMEOUT 120
#define X2K_DEFAULT_BOOT_TIMEOUT 300
/* --network IN:user: a user-mode NIC (<interface type='user'>). */
#define X2K_NET_USER_NAME "user"
#define X2K_MAX_VCPUS 4096
#define X2K_MIN_MEMORY_KIB 1024ULL                      /* 1 MiB */
#define X2K_MAX_MEMORY_KIB (1ULL << 42)                 /* 4 PiB */

struct x2k_plan {
    /* Source. */
    enum x2k_mode mode;
    char *uri;                  /* libvirt URI of the Xen host */
    char *vm_name;
    bool block_device;          /* disks are host block devices */
    char *input_xml;            /* mode libvirtxml: the domain XML file;
                                   mode xl: a configuration file */
    char *xl_config;            /* mode xl: the configuration file on the
                                   Xen host, instead of looking for it */
    bool demo;                  /* use the bundled fake Xen host */
    char **images;              /* mode image: --image, in option order */
    size_t n_images;
    enum x2k_firmware firmware; /* mode image: --firmware */

    /* SSH to the Xen host for the data path.  NULL/0: taken from the
     * URI; no host at all means the disks are local. */
    char *ssh_host;
    char *ssh_user;
    int ssh_port;
    char *identity;             /* private key file */
    char *password_file;        /* never the password itself */
    char *known_hosts;          /* default ~/.ssh/known_hosts */
    char *accept_host_key;      /* "SHA256:..." accepted if unknown */
    bool legacy_ssh;            /* ssh-rsa, dh-group1/14-sha1, aes-cbc */
    int io_timeout;             /* seconds a disk read waits for a byte */

    /* The source guest. */
    bool shutdown_source;       /* guided shutdown if it runs */
    int shutdown_timeout;       /* seconds */
    bool force_off;             /* destroy after the timeout */

    /* Target. */
    enum x2k_output output;
    char *target_uri;
    char *pool;
    char *output_dir;
    char *state_dir;            /* run directories; NULL = default */
    struct x2k_netmap *nets;
    size_t n_nets;
    enum x2k_format format;
    enum x2k_alloc allocation;
    char *new_name;             /* NULL = the source's name */
    bool new_uuid;
    bool overwrite;             /* replace existing destinations */
    enum x2k_engine_kind engine;
    bool verify;
    int parallel;
    bool start;
    bool boot_check;            /* start it and watch its console */
    char *boot_regex;           /* --boot-check=REGEX; NULL = default */
    int boot_timeout;           /* seconds */
    bool no_guest_fixes;
    enum x2k_layout layout;

    /* Hardware of the new domain; 0 and no choices keep the source's
     * vCPUs and memory and let the converter pick buses and models
     * (virtio; for Windows what it boots without drivers). */
    int vcpus;
    uint64_t memory_kib;
    struct x2k_devchoices disk_buses;   /* --disk-bus, in option order */
    struct x2k_devchoices nic_models;   /* --nic-model */
};

/* Whether a mapping to network OUT of KIND is --network IN:user, a
 * user-mode NIC that needs neither a bridge nor a libvirt network. */
static inline bool
x2k_net_is_user(enum x2k_net_kind kind, const char *out)
{
    return kind == X2K_NET_NETWORK && out &&
           strcmp(out, X2K_NET_USER_NAME) == 0;
}

/* Fill PLAN with the defaults (owns nothing yet). */
void x2k_plan_init(struct x2k_plan *plan) X2K_NONNULL(1);

/* Release what PLAN owns and reset it to the defaults. */
void x2k_plan_clear(struct x2k_plan *plan);

struct x2k_plan *x2k_plan_new(void);
void x2k_plan_free(struct x2k_plan *plan);
X2K_DEFINE_AUTO(x2k_plan, x2k_plan_free)

/* Deep copy. */
void x2k_plan_copy(struct x2k_plan *dst, const struct x2k_plan *src)
    X2K_NONNULL(1, 2);

bool x2k_plan_equal(const struct x2k_plan *a, const struct x2k_plan *b)
    X2K_NONNULL(1, 2);

/* Append an --image path (copies it). */
void x2k_plan_add_image(struct x2k_plan *plan, const char *path)
    X2K_NONNULL(1, 2);

/* Append a network mapping (copies the strings). */
void x2k_plan_add_net(struct x2k_plan *plan, enum x2k_net_kind kind,
                      const char *in, const char *out) X2K_NONNULL(1, 4);

/* Choose VALUE for the device KEY (NULL: every device without a choice
 * of its own) in CH, replacing an earlier choice for KEY; VALUE < 0
 * removes it.  For the wizard: options append with x2k_devchoices_add
 * and validation refuses a key given twice. */
void x2k_devchoices_set(struct x2k_devchoices *ch, const char *key,
                        int value) X2K_NONNULL(1);
void x2k_devchoices_add(struct x2k_devchoices *ch, const char *key,
                        int value) X2K_NONNULL(1);
void x2k_devchoices_clear(struct x2k_devchoices *ch);
/* The value chosen for KEY: its own choice, else the one for every
 * device, else -1.  Keys compare without case (MAC addresses). */
int x2k_devchoices_get(const struct x2k_devchoices *ch, const char *key)
    X2K_NONNULL(1);

/* "2048" (MiB), "512M", "4G", "1536K" -> KiB.  False if S is not a size
 * from X2K_MIN_MEMORY_KIB to X2K_MAX_MEMORY_KIB. */
bool x2k_memory_parse(const char *s, uint64_t *kib) X2K_NONNULL(1, 2);
/* KIB as --memory writes it back: MiB when whole, else "NK".  Caller
 * frees. */
char *x2k_memory_string(uint64_t kib);

/* Check that the plan is complete and consistent enough to run.
 * 0 if valid; -1 with a translated message naming the option. */
int x2k_plan_validate(const struct x2k_plan *plan, struct x2k_error *err)
    X2K_NONNULL(1);

/* The source URI to open: the plan's, or the demo host's. */
char *x2k_plan_source_uri(const struct x2k_plan *plan) X2K_NONNULL(1);

/* Directory of the bundled demo: X2K_DEMO_DIR, else the one given to
 * x2k_demo_set_dir (the program run from its build tree), else the
 * installed DEMODIR. */
const char *x2k_demo_dir(void);
/* DIR (kept, not copied; NULL forgets it) instead of DEMODIR. */
void x2k_demo_set_dir(const char *dir);

/* Names of enum values as used on the command line. */
const char *x2k_mode_name(enum x2k_mode m);
const char *x2k_format_name(enum x2k_format f);
const char *x2k_alloc_name(enum x2k_alloc a);
const char *x2k_engine_name(enum x2k_engine_kind e);
const char *x2k_output_name(enum x2k_output o);
const char *x2k_disk_bus_name(enum x2k_disk_bus b);   /* "virtio"... */
const char *x2k_nic_model_name(enum x2k_nic_model m); /* "e1000"... */

#endif /* X2K_PLAN_H */

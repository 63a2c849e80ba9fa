/* The migration plan: defaults, copy, comparison, validation.  Pure
 * data; no I/O except reading the X2K_DEMO_DIR environment variable.
 */
#include <config.h>

#include <ctype.h>
#include <regex.h>
#include <strings.h>

#include "base/i18n.h"
#include "plan/plan.h"

void
x2k_plan_init(struct x2k_plan *plan)
{
    memset(plan, 0, sizeof *plan);
    plan->mode = X2K_MODE_XEN;
    plan->shutdown_timeout = X2K_DEFAULT_SHUTDOWN_TIMEOUT;
    plan->io_timeout = X2K_DEFAULT_IO_TIMEOUT;
    plan->boot_timeout = X2K_DEFAULT_BOOT_TIMEOUT;
    plan->output = X2K_OUTPUT_LIBVIRT;
    plan->target_uri = x2k_xstrdup(X2K_DEFAULT_TARGET_URI);
    plan->pool = x2k_xstrdup(X2K_DEFAULT_POOL);
    plan->format = X2K_FORMAT_RAW;
    plan->allocation = X2K_ALLOC_SPARSE;
    plan->engine = X2K_ENGINE_BUILTIN;
    plan->parallel = X2K_DEFAULT_PARALLEL;
    plan->layout = X2K_LAYOUT_AUTO;
}

static void
free_nets(struct x2k_plan *plan)
{
    size_t i;

    for (i = 0; i < plan->n_nets; i++) {
        free(plan->nets[i].in);
        free(plan->nets[i].out);
    }
    free(plan->nets);
    plan->nets = NULL;
    plan->n_nets = 0;
}

static void
free_images(struct x2k_plan *plan)
{
    size_t i;

    for (i = 0; i < plan->n_images; i++)
        free(plan->images[i]);
    free(plan->images);
    plan->images = NULL;
    plan->n_images = 0;
}

void
x2k_plan_clear(struct x2k_plan *plan)
{
    if (!plan)
        return;
    free(plan->uri);
    free(plan->vm_name);
    free(plan->input_xml);
    free(plan->xl_config);
    free(plan->ssh_host);
    free(plan->ssh_user);
    free(plan->identity);
    free(plan->password_file);
    free(plan->known_hosts);
    free(plan->accept_host_key);
    free(plan->target_uri);
    free(plan->pool);
    free(plan->output_dir);
    free(plan->state_dir);
    free(plan->new_name);
    free(plan->boot_regex);
    free_nets(plan);
    free_images(plan);
    x2k_devchoices_clear(&plan->disk_buses);
    x2k_devchoices_clear(&plan->nic_models);
    x2k_plan_init(plan);
}

struct x2k_plan *
x2k_plan_new(void)
{
    struct x2k_plan *plan = x2k_xmalloc(sizeof *plan);

    x2k_plan_init(plan);
    return plan;
}

void
x2k_plan_free(struct x2k_plan *plan)
{
    if (!plan)
        return;
    x2k_plan_clear(plan);
    free(plan->target_uri);
    free(plan->pool);
    free(plan);
}

void
x2k_plan_copy(struct x2k_plan *dst, const struct x2k_plan *src)
{
    size_t i;

    x2k_plan_clear(dst);
    free(dst->target_uri);
    free(dst->pool);
    *dst = *src;
    dst->uri = x2k_xstrdup(src->uri);
    dst->vm_name = x2k_xstrdup(src->vm_name);
    dst->input_xml = x2k_xstrdup(src->input_xml);
    dst->xl_config = x2k_xstrdup(src->xl_config);
    dst->ssh_host = x2k_xstrdup(src->ssh_host);
    dst->ssh_user = x2k_xstrdup(src->ssh_user);
    dst->identity = x2k_xstrdup(src->identity);
    dst->password_file = x2k_xstrdup(src->password_file);
    dst->known_hosts = x2k_xstrdup(src->known_hosts);
    dst->accept_host_key = x2k_xstrdup(src->accept_host_key);
    dst->target_uri = x2k_xstrdup(src->target_uri);
    dst->pool = x2k_xstrdup(src->pool);
    dst->output_dir = x2k_xstrdup(src->output_dir);
    dst->state_dir = x2k_xstrdup(src->state_dir);
    dst->new_name = x2k_xstrdup(src->new_name);
    dst->boot_regex = x2k_xstrdup(src->boot_regex);
    dst->images = NULL;
    dst->n_images = 0;
    for (i = 0; i < src->n_images; i++)
        x2k_plan_add_image(dst, src->images[i]);
    dst->nets = NULL;
    dst->n_nets = 0;
    for (i = 0; i < src->n_nets; i++)
        x2k_plan_add_net(dst, src->nets[i].kind, src->nets[i].in,
                         src->nets[i].out);
    memset(&dst->disk_buses, 0, sizeof dst->disk_buses);
    memset(&dst->nic_models, 0, sizeof dst->nic_models);
    for (i = 0; i < src->disk_buses.n; i++)
        x2k_devchoices_add(&dst->disk_buses, src->disk_buses.v[i].key,
                           src->disk_buses.v[i].value);
    for (i = 0; i < src->nic_models.n; i++)
        x2k_devchoices_add(&dst->nic_models, src->nic_models.v[i].key,
                           src->nic_models.v[i].value);
}

/* Same choices in the same order? */
static bool
devchoices_equal(const struct x2k_devchoices *a,
                 const struct x2k_devchoices *b)
{
    size_t i;

    if (a->n != b->n)
        return false;
    for (i = 0; i < a->n; i++) {
        if (a->v[i].value != b->v[i].value ||
            !x2k_str_equal(a->v[i].key, b->v[i].key))
            return false;
    }
    return true;
}

bool
x2k_plan_equal(const struct x2k_plan *a, const struct x2k_plan *b)
{
    size_t i;

#define SAME_STR(f) x2k_str_equal(a->f, b->f)
#define SAME(f) (a->f == b->f)
    if (!(SAME(mode) && SAME_STR(uri) && SAME_STR(vm_name) &&
          SAME(block_device) && SAME_STR(input_xml) &&
          SAME_STR(xl_config) && SAME(demo) && SAME(n_images) &&
          SAME(firmware) &&
          SAME_STR(ssh_host) && SAME_STR(ssh_user) && SAME(ssh_port) &&
          SAME_STR(identity) && SAME_STR(password_file) &&
          SAME_STR(known_hosts) && SAME_STR(accept_host_key) &&
          SAME(legacy_ssh) && SAME(io_timeout) && SAME(shutdown_source) &&
          SAME(shutdown_timeout) && SAME(force_off) && SAME(output) &&
          SAME_STR(target_uri) && SAME_STR(pool) && SAME_STR(output_dir) &&
          SAME_STR(state_dir) && SAME(format) && SAME(allocation) &&
          SAME_STR(new_name) && SAME(new_uuid) && SAME(overwrite) &&
          SAME(engine) &&
          SAME(verify) && SAME(parallel) && SAME(start) &&
          SAME(boot_check) && SAME_STR(boot_regex) &&
          SAME(boot_timeout) &&
          SAME(no_guest_fixes) && SAME(layout) && SAME(n_nets) &&
          SAME(vcpus) && SAME(memory_kib) &&
          devchoices_equal(&a->disk_buses, &b->disk_buses) &&
          devchoices_equal(&a->nic_models, &b->nic_models)))
        return false;
    for (i = 0; i < a->n_images; i++) {
        if (!x2k_str_equal(a->images[i], b->images[i]))
            return false;
    }
    for (i = 0; i < a->n_nets; i++) {
        if (a->nets[i].kind != b->nets[i].kind ||
            !x2k_str_equal(a->nets[i].in, b->nets[i].in) ||
            !x2k_str_equal(a->nets[i].out, b->nets[i].out))
            return false;
    }
#undef SAME
#undef SAME_STR
    return true;
}

void
x2k_plan_add_image(struct x2k_plan *plan, const char *path)
{
    plan->images = x2k_xreallocarray(plan->images, plan->n_images + 1,
                                     sizeof *plan->images);
    plan->images[plan->n_images++] = x2k_xstrdup(path);
}

void
x2k_plan_add_net(struct x2k_plan *plan, enum x2k_net_kind kind,
                 const char *in, const char *out)
{
    struct x2k_netmap *m;

    plan->nets = x2k_xreallocarray(plan->nets, plan->n_nets + 1,
                                   sizeof *plan->nets);
    m = &plan->nets[plan->n_nets++];
    m->kind = kind;
    m->in = x2k_xstrdup(in);
    m->out = x2k_xstrdup(out);
}

void
x2k_devchoices_add(struct x2k_devchoices *ch, const char *key, int value)
{
    ch->v = x2k_xreallocarray(ch->v, ch->n + 1, sizeof *ch->v);
    ch->v[ch->n].key = x2k_xstrdup(key);
    ch->v[ch->n].value = value;
    ch->n++;
}

/* Does choice C stand for KEY (NULL: every device)? */
static bool
devchoice_is(const struct x2k_devchoice *c, const char *key)
{
    if (!c->key || !key)
        return !c->key && !key;
    return strcasecmp(c->key, key) == 0;
}

void
x2k_devchoices_set(struct x2k_devchoices *ch, const char *key, int value)
{
    size_t i;

    for (i = 0; i < ch->n; i++) {
        if (!devchoice_is(&ch->v[i], key))
            continue;
        if (value >= 0) {
            ch->v[i].value = value;
            return;
        }
        free(ch->v[i].key);
        memmove(&ch->v[i], &ch->v[i + 1], (ch->n - i - 1) * sizeof *ch->v);
        ch->n--;
        return;
    }
    if (value >= 0)
        x2k_devchoices_add(ch, key, value);
}

void
x2k_devchoices_clear(struct x2k_devchoices *ch)
{
    size_t i;

    if (!ch)
        return;
    for (i = 0; i < ch->n; i++)
        free(ch->v[i].key);
    free(ch->v);
    ch->v = NULL;
    ch->n = 0;
}

int
x2k_devchoices_get(const struct x2k_devchoices *ch, const char *key)
{
    size_t i;
    int all = -1;

    for (i = 0; i < ch->n; i++) {
        if (!ch->v[i].key && all < 0)
            all = ch->v[i].value;
        else if (key && ch->v[i].key && devchoice_is(&ch->v[i], key))
            return ch->v[i].value;
    }
    return all;
}

bool
x2k_memory_parse(const char *s, uint64_t *kib)
{
    static const struct {
        char letter;
        unsigned long long kib;
    } units[] = { { 'k', 1 }, { 'm', 1024 }, { 'g', 1024 * 1024 } };
    unsigned long long n = 0, mult = 1024;
    const char *p = s;
    size_t i;

    if (!isdigit((unsigned char)*p))
        return false;
    for (; isdigit((unsigned char)*p); p++) {
        if (n > X2K_MAX_MEMORY_KIB)
            return false;
        n = n * 10 + (unsigned long long)(*p - '0');
    }
    /* 512M, 512MB, 512MiB; a bare number is MiB. */
    for (i = 0; *p && i < X2K_N_ELEMENTS(units); i++) {
        if (tolower((unsigned char)*p) == units[i].letter) {
            mult = units[i].kib;
            p++;
            if (p[0] == 'i' && p[1] == 'B')
                p += 2;
            else if (p[0] == 'B')
                p++;
            break;
        }
    }
    if (*p != '\0' || n > X2K_MAX_MEMORY_KIB / mult)
        return false;
    n *= mult;
    if (n < X2K_MIN_MEMORY_KIB)
        return false;
    *kib = n;
    return true;
}

char *
x2k_memory_string(uint64_t kib)
{
    if (kib % 1024 == 0)
        return x2k_strdup_printf("%llu", (unsigned long long)(kib / 1024));
    return x2k_strdup_printf("%lluK", (unsigned long long)kib);
}

/* A libvirt object name we can pass on: non-empty, no '/', no control
 * characters (libvirt rejects '/' in domain names). */
static bool
is_valid_name(const char *s)
{
    const unsigned char *p;

    if (x2k_str_is_empty(s) || strchr(s, '/'))
        return false;
    for (p = (const unsigned char *)s; *p; p++) {
        if (*p < 0x20 || *p == 0x7f)
            return false;
    }
    return true;
}

static bool
is_valid_netname(const char *s)
{
    return is_valid_name(s) && !strchr(s, ':') && !strchr(s, ' ');
}

/* xx:xx:xx:xx:xx:xx in hex digits of either case. */
static bool
is_mac(const char *s)
{
    size_t i;

    if (strlen(s) != 17)
        return false;
    for (i = 0; i < 17; i++) {
        if (i % 3 == 2 ? s[i] != ':' : !isxdigit((unsigned char)s[i]))
            return false;
    }
    return true;
}

/* Each key of CH valid (IS_MAC, else a disk name) and given once, each
 * value below N.  OPT names the option in the message. */
static int
validate_devchoices(const struct x2k_devchoices *ch, const char *opt,
                    bool macs, int n, struct x2k_error *err)
{
    size_t i, j;

    for (i = 0; i < ch->n; i++) {
        const char *key = ch->v[i].key;

        if (ch->v[i].value < 0 || ch->v[i].value >= n) {
            x2k_error_set(err, X2K_ERR_INVALID, _("%1$s: unknown value"),
                          opt);
            return -1;
        }
        if (key && macs && !is_mac(key)) {
            x2k_error_set(err, X2K_ERR_INVALID,
                          _("%1$s: '%2$s' is not a MAC address "
                            "(xx:xx:xx:xx:xx:xx)"),
                          opt, key);
            return -1;
        }
        if (key && !macs && (!is_valid_netname(key) || strchr(key, '='))) {
            x2k_error_set(err, X2K_ERR_INVALID,
                          _("%1$s: '%2$s' is not a disk's target device "
                            "name such as xvda"),
                          opt, key);
            return -1;
        }
        for (j = 0; j < i; j++) {
            if (devchoice_is(&ch->v[j], key)) {
                x2k_error_set(err, X2K_ERR_INVALID,
                              _("%1$s: '%2$s' is chosen twice"), opt,
                              key ? key : "*");
                return -1;
            }
        }
    }
    return 0;
}

int
x2k_plan_validate(const struct x2k_plan *plan, struct x2k_error *err)
{
    size_t i, j;

    switch (plan->mode) {
    case X2K_MODE_XEN:
        if (x2k_str_is_empty(plan->uri) && !plan->demo) {
            x2k_error_set(err, X2K_ERR_INVALID,
                          _("--uri is required in xen mode (for example "
                            "--uri xen+ssh://root@xen.example.com)"));
            return -1;
        }
        if (plan->input_xml) {
            x2k_error_set(err, X2K_ERR_INVALID,
                          _("--input is only used with --mode libvirtxml "
                            "or --mode xl"));
            return -1;
        }
        if (plan->xl_config) {
            x2k_error_set(err, X2K_ERR_INVALID,
                          _("--xl-config is only used with --mode xl"));
            return -1;
        }
        break;
    case X2K_MODE_XL:
        if (x2k_str_is_empty(plan->input_xml) == x2k_str_is_empty(plan->uri)) {
            x2k_error_set(err, X2K_ERR_INVALID,
                          _("--mode xl needs either --uri ssh://USER@HOST "
                            "(the Xen host, with --vm-name) or --input FILE "
                            "(a copy of the guest's xl or xm configuration "
                            "file), not both"));
            return -1;
        }
        if (plan->uri && !x2k_str_has_prefix(plan->uri, "ssh://")) {
            x2k_error_set(err, X2K_ERR_INVALID,
                          _("--mode xl reads the Xen host over SSH: give "
                            "--uri ssh://USER@HOST[:PORT], not '%1$s'"),
                          plan->uri);
            return -1;
        }
        if (plan->input_xml && plan->xl_config) {
            x2k_error_set(err, X2K_ERR_INVALID,
                          _("--xl-config names a file on the Xen host: use "
                            "it with --uri, not with --input"));
            return -1;
        }
        if (plan->uri && x2k_str_is_empty(plan->vm_name)) {
            x2k_error_set(err, X2K_ERR_INVALID,
                          _("--vm-name is required: the guest to convert, "
                            "as 'xl list' or its configuration file's "
                            "name = names it"));
            return -1;
        }
        if (plan->demo) {
            x2k_error_set(err, X2K_ERR_INVALID,
                          _("--demo can only be used in xen mode"));
            return -1;
        }
        break;
    case X2K_MODE_LIBVIRTXML:
        if (x2k_str_is_empty(plan->input_xml)) {
            x2k_error_set(err, X2K_ERR_INVALID,
                          _("--mode libvirtxml needs --input FILE"));
            return -1;
        }
        if (plan->block_device) {
            x2k_error_set(err, X2K_ERR_INVALID,
                          _("--block-device can only be used in xen mode"));
            return -1;
        }
        if (plan->demo) {
            x2k_error_set(err, X2K_ERR_INVALID,
                          _("--demo can only be used in xen mode"));
            return -1;
        }
        break;
    case X2K_MODE_IMAGE:
        if (plan->n_images == 0) {
            x2k_error_set(err, X2K_ERR_INVALID,
                          _("--mode image needs --image PATH, once per "
                            "disk image (and every extent of a split "
                            "vmdk)"));
            return -1;
        }
        if (x2k_str_is_empty(plan->new_name)) {
            x2k_error_set(err, X2K_ERR_INVALID,
                          _("--mode image needs --new-name NAME: disk "
                            "images carry no domain name"));
            return -1;
        }
        if (plan->input_xml || plan->vm_name || plan->xl_config ||
            plan->demo || plan->block_device) {
            x2k_error_set(err, X2K_ERR_INVALID,
                          _("--mode image takes the domain from options: "
                            "leave out --input, --vm-name, --xl-config, "
                            "--demo and --block-device"));
            return -1;
        }
        if (plan->engine == X2K_ENGINE_VIRT_V2V) {
            x2k_error_set(err, X2K_ERR_INVALID,
                          _("--engine virt-v2v cannot read disk images "
                            "here; leave --engine out to use the builtin "
                            "engine"));
            return -1;
        }
        break;
    default:
        x2k_error_set(err, X2K_ERR_INVALID, _("unknown --mode"));
        return -1;
    }

    if (plan->mode != X2K_MODE_IMAGE &&
        (plan->n_images || plan->firmware != X2K_FIRMWARE_BIOS)) {
        x2k_error_set(err, X2K_ERR_INVALID,
                      _("--image and --firmware are only used with --mode "
                        "image"));
        return -1;
    }
    if (plan->mode == X2K_MODE_XL && plan->engine == X2K_ENGINE_VIRT_V2V) {
        x2k_error_set(err, X2K_ERR_INVALID,
                      _("--engine virt-v2v cannot read xl configurations; "
                        "leave --engine out to use the builtin engine"));
        return -1;
    }
    if (plan->mode == X2K_MODE_XEN && x2k_str_is_empty(plan->vm_name)) {
        x2k_error_set(err, X2K_ERR_INVALID,
                      _("--vm-name is required: the guest to convert, as "
                        "listed by 'virsh list --all'"));
        return -1;
    }
    if (plan->new_name && !is_valid_name(plan->new_name)) {
        x2k_error_set(err, X2K_ERR_INVALID,
                      _("--new-name '%1$s' is not a valid domain name "
                        "(empty, or contains '/' or control characters)"),
                      plan->new_name);
        return -1;
    }
    if (plan->ssh_port < 0 || plan->ssh_port > 65535) {
        x2k_error_set(err, X2K_ERR_INVALID,
                      _("--ssh-port must be between 1 and 65535"));
        return -1;
    }
    if (plan->accept_host_key &&
        !x2k_str_has_prefix(plan->accept_host_key, "SHA256:")) {
        x2k_error_set(err, X2K_ERR_INVALID,
                      _("--accept-host-key takes a SHA256 fingerprint as "
                        "printed by 'ssh-keygen -lf' (SHA256:...)"));
        return -1;
    }
    if (plan->parallel < 1 || plan->parallel > X2K_MAX_PARALLEL) {
        x2k_error_set(err, X2K_ERR_INVALID,
                      _("--parallel must be between 1 and %1$d"),
                      X2K_MAX_PARALLEL);
        return -1;
    }
    if (plan->shutdown_timeout < 1) {
        x2k_error_set(err, X2K_ERR_INVALID,
                      _("--shutdown-timeout must be at least 1 second"));
        return -1;
    }
    if (plan->io_timeout < 1) {
        x2k_error_set(err, X2K_ERR_INVALID,
                      _("--io-timeout must be at least 1 second"));
        return -1;
    }
    if (plan->force_off && !plan->shutdown_source) {
        x2k_error_set(err, X2K_ERR_INVALID,
                      _("--force-off only makes sense with "
                        "--shutdown-source"));
        return -1;
    }
    if (plan->output == X2K_OUTPUT_LOCAL) {
        if (x2k_str_is_empty(plan->output_dir)) {
            x2k_error_set(err, X2K_ERR_INVALID,
                          _("--output local needs --output-dir DIR"));
            return -1;
        }
    } else {
        if (plan->output_dir) {
            x2k_error_set(err, X2K_ERR_INVALID,
                          _("--output-dir is only used with --output local"));
            return -1;
        }
        if (x2k_str_is_empty(plan->target_uri) ||
            x2k_str_is_empty(plan->pool)) {
            x2k_error_set(err, X2K_ERR_INVALID,
                          _("--target-uri and --pool must not be empty"));
            return -1;
        }
    }
    if (plan->start && plan->output != X2K_OUTPUT_LIBVIRT) {
        x2k_error_set(err, X2K_ERR_INVALID,
                      _("--start needs --output libvirt"));
        return -1;
    }
    if (plan->boot_check && plan->output != X2K_OUTPUT_LIBVIRT) {
        x2k_error_set(err, X2K_ERR_INVALID,
                      _("--boot-check needs --output libvirt: only a "
                        "defined domain can be started"));
        return -1;
    }
    if (plan->boot_regex) {
        regex_t re;
        int rc = regcomp(&re, plan->boot_regex, REG_EXTENDED | REG_NOSUB);

        if (rc != 0) {
            char why[256];

            regerror(rc, &re, why, sizeof why);
            x2k_error_set(err, X2K_ERR_INVALID,
                          _("--boot-check: '%1$s' is not a POSIX extended "
                            "regular expression (%2$s); give one such as "
                            "'login: *$'"),
                          plan->boot_regex, why);
            return -1;
        }
        regfree(&re);
    }
    if (plan->boot_timeout < 1) {
        x2k_error_set(err, X2K_ERR_INVALID,
                      _("--boot-timeout must be at least 1 second"));
        return -1;
    }
    for (i = 0; i < plan->n_nets; i++) {
        const struct x2k_netmap *m = &plan->nets[i];
        const char *opt = m->kind == X2K_NET_BRIDGE ? "--bridge"
                                                    : "--network";

        if ((m->in && !is_valid_netname(m->in)) ||
            !is_valid_netname(m->out)) {
            x2k_error_set(err, X2K_ERR_INVALID,
                          _("%1$s takes [IN:]OUT where IN and OUT are "
                            "bridge or network names without ':' or spaces"),
                          opt);
            return -1;
        }
        if (plan->mode == X2K_MODE_IMAGE) {
            /* Each mapping is a new NIC on OUT. */
            if (m->in) {
                x2k_error_set(err, X2K_ERR_INVALID,
                              _("%1$s takes OUT alone in image mode (a new "
                                "NIC on OUT), not '%2$s:%3$s'"),
                              opt, m->in, m->out);
                return -1;
            }
            continue;
        }
        for (j = 0; j < i; j++) {
            if (x2k_str_equal(plan->nets[j].in, m->in)) {
                x2k_error_set(err, X2K_ERR_INVALID,
                              _("source network '%1$s' is mapped twice"),
                              m->in ? m->in : "*");
                return -1;
            }
        }
    }
    if (plan->vcpus < 0 || plan->vcpus > X2K_MAX_VCPUS) {
        x2k_error_set(err, X2K_ERR_INVALID,
                      _("--vcpus must be between 1 and %1$d"), X2K_MAX_VCPUS);
        return -1;
    }
    if (plan->memory_kib &&
        (plan->memory_kib < X2K_MIN_MEMORY_KIB ||
         plan->memory_kib > X2K_MAX_MEMORY_KIB)) {
        x2k_error_set(err, X2K_ERR_INVALID,
                      _("--memory must be at least 1 MiB"));
        return -1;
    }
    if (validate_devchoices(&plan->disk_buses, "--disk-bus", false,
                            X2K_N_DISK_BUSES, err) < 0 ||
        validate_devchoices(&plan->nic_models, "--nic-model", true,
                            X2K_N_NIC_MODELS, err) < 0)
        return -1;
    return 0;
}

static const char *demo_dir_given;

void
x2k_demo_set_dir(const char *dir)
{
    demo_dir_given = dir;
}

const char *
x2k_demo_dir(void)
{
    const char *d = getenv("X2K_DEMO_DIR");

    if (d && *d)
        return d;
    return demo_dir_given ? demo_dir_given : DEMODIR;
}

char *
x2k_plan_source_uri(const struct x2k_plan *plan)
{
    if (plan->uri)
        return x2k_xstrdup(plan->uri);
    if (plan->demo)
        return x2k_strdup_printf("test://%s/xenhost.xml", x2k_demo_dir());
    return NULL;
}

const char *
x2k_mode_name(enum x2k_mode m)
{
    return m == X2K_MODE_LIBVIRTXML ? "libvirtxml"
           : m == X2K_MODE_XL       ? "xl"
           : m == X2K_MODE_IMAGE    ? "image"
                                    : "xen";
}

const char *
x2k_format_name(enum x2k_format f)
{
    return f == X2K_FORMAT_QCOW2 ? "qcow2" : "raw";
}

const char *
x2k_alloc_name(enum x2k_alloc a)
{
    return a == X2K_ALLOC_PREALLOCATED ? "preallocated" : "sparse";
}

const char *
x2k_engine_name(enum x2k_engine_kind e)
{
    return e == X2K_ENGINE_VIRT_V2V ? "virt-v2v" : "builtin";
}

const char *
x2k_output_name(enum x2k_output o)
{
    return o == X2K_OUTPUT_LOCAL ? "local" : "libvirt";
}

const char *
x2k_disk_bus_name(enum x2k_disk_bus b)
{
    static const char *const names[] = { "virtio", "sata", "ide", "scsi" };

    return (size_t)b < X2K_N_ELEMENTS(names) ? names[b] : "?";
}

const char *
x2k_nic_model_name(enum x2k_nic_model m)
{
    static const char *const names[] = { "virtio", "e1000", "rtl8139" };

    return (size_t)m < X2K_N_ELEMENTS(names) ? names[m] : "?";
}

/* libvirt plumbing (see virt.h).  Any thread: libvirt keeps its last
 * error per thread. */
#include <config.h>

#include <pthread.h>

#include "base/i18n.h"
#include "base/log.h"
#include "base/virt.h"

static void
virt_silent(void *opaque, virErrorPtr e)
{
    (void)opaque;
    if (e && e->message)
        x2k_log(X2K_LOG_DEBUG, "libvirt: %s", e->message);
}

static pthread_once_t virt_once = PTHREAD_ONCE_INIT;

static void
virt_init_once(void)
{
    virInitialize();
    virSetErrorFunc(NULL, virt_silent);
}

void
x2k_virt_init(void)
{
    pthread_once(&virt_once, virt_init_once);
}

struct virt_creds {
    const char *user;
    const char *password;
};

static int
virt_auth_cb(virConnectCredentialPtr cred, unsigned int ncred, void *opaque)
{
    struct virt_creds *c = opaque;
    unsigned int i;

    for (i = 0; i < ncred; i++) {
        const char *answer = NULL;

        switch (cred[i].type) {
        case VIR_CRED_AUTHNAME:
        case VIR_CRED_USERNAME:
            answer = c->user;
            break;
        case VIR_CRED_PASSPHRASE:
        case VIR_CRED_NOECHOPROMPT:
            answer = c->password;
            break;
        default:
            break;
        }
        if (!answer) {
            x2k_log(X2K_LOG_DEBUG, "libvirt asked '%s': no answer",
                    cred[i].prompt ? cred[i].prompt : "?");
            return -1;
        }
        cred[i].result = strdup(answer);
        if (!cred[i].result)
            return -1;
        cred[i].resultlen = strlen(answer);
    }
    return 0;
}

virConnectPtr
x2k_virt_open(const char *uri, const char *user, const char *password,
              bool read_only, struct x2k_error *err)
{
    static int credtypes[] = {
        VIR_CRED_AUTHNAME, VIR_CRED_USERNAME, VIR_CRED_PASSPHRASE,
        VIR_CRED_NOECHOPROMPT, VIR_CRED_ECHOPROMPT,
    };
    struct virt_creds c = { user, password };
    virConnectAuth auth = {
        credtypes, X2K_N_ELEMENTS(credtypes), virt_auth_cb, &c,
    };
    virConnectPtr conn;

    x2k_virt_init();
    conn = virConnectOpenAuth(uri, &auth, read_only ? VIR_CONNECT_RO : 0);
    if (!conn) {
        x2k_virt_error(err, X2K_ERR_LIBVIRT,
                       _("Cannot open the libvirt connection %1$s."), uri);
        return NULL;
    }
    x2k_log(X2K_LOG_DEBUG, "libvirt: opened %s", uri);
    return conn;
}

void
x2k_virt_error(struct x2k_error *err, enum x2k_errcode code,
               const char *fmt, ...)
{
    virErrorPtr e = virGetLastError();
    char *msg;
    va_list ap;

    if (!err || err->code != X2K_ERR_NONE)
        return;
    va_start(ap, fmt);
    msg = x2k_strdup_vprintf(fmt, ap);
    va_end(ap);
    x2k_error_set(err, code, "%s", msg);
    free(msg);
    if (e && e->message)
        x2k_error_set_detail(err, e->message);
}

bool
x2k_virt_last_is_not_found(void)
{
    virErrorPtr e = virGetLastError();

    return e && (e->code == VIR_ERR_NO_DOMAIN ||
                 e->code == VIR_ERR_NO_STORAGE_POOL ||
                 e->code == VIR_ERR_NO_NETWORK ||
                 e->code == VIR_ERR_NO_INTERFACE);
}

int
x2k_virt_conn_open(struct x2k_virt_conn *c, const char *uri,
                   const char *user, const char *password,
                   struct x2k_error *err)
{
    c->conn = x2k_virt_open(uri, user, password, false, err);
    c->uri = c->conn ? x2k_xstrdup(uri) : NULL;
    return c->conn ? 0 : -1;
}

void
x2k_virt_conn_close(struct x2k_virt_conn *c)
{
    if (c->conn)
        virConnectClose(c->conn);
    free(c->uri);
    c->conn = NULL;
    c->uri = NULL;
}

char *
x2k_virt_lib_version(void)
{
    unsigned long v = 0;

    if (virGetVersion(&v, NULL, NULL) < 0)
        return NULL;
    return x2k_strdup_printf("%lu.%lu.%lu", v / 1000000, v / 1000 % 1000,
                             v % 1000);
}

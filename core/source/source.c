/* The libvirt source (see source.h) and the dispatch of the x2k_source_*
 * calls through the ops table (source-internal.h) to it or to the xl
 * source (xl-source.c).  Runs on the caller's thread (the wizard's
 * worker or batch's main thread).
 */
#include <config.h>

#include <stdio.h>
#include <time.h>

#include "base/i18n.h"
#include "base/log.h"
#include "base/virt.h"
#include "source/source-internal.h"

/* The libvirt connection of a libvirt source. */
#define CONN(s) ((struct x2k_virt_conn *)(s)->priv)

static const struct x2k_source_ops libvirt_ops;

struct x2k_source *
x2k_source_open(const char *uri, const char *user, const char *password,
                struct x2k_error *err)
{
    struct x2k_source *s = x2k_xcalloc(1, sizeof(*s));
    struct x2k_virt_conn *c = x2k_xcalloc(1, sizeof(*c));

    if (x2k_virt_conn_open(c, uri, user, password, err) < 0) {
        free(c);
        free(s);
        return NULL;
    }
    s->ops = &libvirt_ops;
    s->priv = c;
    s->uri = x2k_xstrdup(c->uri);
    return s;
}

static void
lv_free(struct x2k_source *s)
{
    x2k_virt_conn_close(CONN(s));
    free(CONN(s));
}

void
x2k_source_free(struct x2k_source *s)
{
    if (!s)
        return;
    s->ops->free(s);
    free(s->uri);
    free(s);
}

const char *
x2k_source_uri(const struct x2k_source *s)
{
    return s->uri;
}

int
x2k_source_list(struct x2k_source *s, struct x2k_source_dom **doms,
                size_t *n, struct x2k_error *err)
{
    *doms = NULL;
    *n = 0;
    return s->ops->list(s, doms, n, err);
}

char *
x2k_source_dumpxml(struct x2k_source *s, const char *name,
                   struct x2k_error *err)
{
    return s->ops->dumpxml(s, name, NULL, err);
}

char *
x2k_source_dumpxml_r(struct x2k_source *s, const char *name,
                     struct x2k_reporter *r, struct x2k_error *err)
{
    return s->ops->dumpxml(s, name, r, err);
}

int
x2k_source_state(struct x2k_source *s, const char *name,
                 enum x2k_domstate *state, struct x2k_error *err)
{
    return s->ops->state(s, name, state, err);
}

int
x2k_source_shutdown(struct x2k_source *s, const char *name, int timeout_s,
                    bool force_off, struct x2k_reporter *r,
                    struct x2k_error *err)
{
    return s->ops->shutdown(s, name, timeout_s, force_off, r, err);
}

void
x2k_source_doms_free(struct x2k_source_dom *doms, size_t n)
{
    size_t i;

    for (i = 0; doms && i < n; i++)
        free(doms[i].name);
    free(doms);
}

static int
dom_cmp(const void *pa, const void *pb)
{
    const struct x2k_source_dom *a = pa, *b = pb;

    if ((a->id >= 0) != (b->id >= 0))
        return a->id >= 0 ? -1 : 1;
    if (a->id >= 0 && a->id != b->id)
        return a->id < b->id ? -1 : 1;
    return strcmp(a->name, b->name);
}

void
x2k_source_sort(struct x2k_source_dom *doms, size_t n)
{
    if (n > 1)
        qsort(doms, n, sizeof(*doms), dom_cmp);
}

/* The pre-0.9.13 calls, for old libvirt daemons (RHEL 5's): running ids
 * and defined names.  The count, or -1. */
static int
list_old_api(struct x2k_source *s, virDomainPtr **doms_out)
{
    int nact = virConnectNumOfDomains(CONN(s)->conn);
    int ninact = virConnectNumOfDefinedDomains(CONN(s)->conn);
    int *ids = NULL, i, n = 0;
    char **names = NULL;
    virDomainPtr *doms;

    if (nact < 0 || ninact < 0)
        return -1;
    ids = x2k_xcalloc(nact + 1, sizeof(*ids));
    names = x2k_xcalloc(ninact + 1, sizeof(*names));
    nact = virConnectListDomains(CONN(s)->conn, ids, nact);
    ninact = virConnectListDefinedDomains(CONN(s)->conn, names, ninact);
    if (nact < 0 || ninact < 0) {
        free(ids);
        for (i = 0; i < ninact; i++)
            free(names[i]);
        free(names);
        return -1;
    }
    doms = x2k_xcalloc(nact + ninact + 1, sizeof(*doms));
    for (i = 0; i < nact; i++) {
        virDomainPtr d = virDomainLookupByID(CONN(s)->conn, ids[i]);
        if (d)
            doms[n++] = d;
    }
    for (i = 0; i < ninact; i++) {
        virDomainPtr d = virDomainLookupByName(CONN(s)->conn, names[i]);
        if (d)
            doms[n++] = d;
        free(names[i]);
    }
    free(ids);
    free(names);
    *doms_out = doms;
    return n;
}

static int
lv_list(struct x2k_source *s, struct x2k_source_dom **doms_out,
        size_t *n_out, struct x2k_error *err)
{
    virDomainPtr *doms = NULL;
    virDomainStatsRecordPtr *stats = NULL;
    struct x2k_source_dom *r;
    int n, ns, i;

    *doms_out = NULL;
    *n_out = 0;
    /* One round trip for all states when the driver supports it. */
    ns = virConnectGetAllDomainStats(CONN(s)->conn, VIR_DOMAIN_STATS_STATE, &stats,
                                     0);
    if (ns >= 0) {
        r = x2k_xcalloc(ns ? ns : 1, sizeof(*r));
        for (i = 0; i < ns; i++) {
            int st = 0, k;
            unsigned int id = virDomainGetID(stats[i]->dom);

            for (k = 0; k < stats[i]->nparams; k++) {
                if (strcmp(stats[i]->params[k].field, "state.state") == 0)
                    st = stats[i]->params[k].value.i;
            }
            r[i].name = x2k_xstrdup(virDomainGetName(stats[i]->dom));
            r[i].id = id == (unsigned int)-1 ? -1 : (int)id;
            r[i].state = (enum x2k_domstate)st;
        }
        virDomainStatsRecordListFree(stats);
        n = ns;
    } else {
        n = virConnectListAllDomains(CONN(s)->conn, &doms, 0);
        if (n < 0)
            n = list_old_api(s, &doms);
        if (n < 0) {
            x2k_virt_error(err, X2K_ERR_LIBVIRT,
                           _("Cannot list the domains of %1$s."), s->uri);
            return -1;
        }
        r = x2k_xcalloc(n ? n : 1, sizeof(*r));
        for (i = 0; i < n; i++) {
            int st = 0, reason;
            unsigned int id = virDomainGetID(doms[i]);

            if (virDomainGetState(doms[i], &st, &reason, 0) < 0)
                st = 0;
            r[i].name = x2k_xstrdup(virDomainGetName(doms[i]));
            r[i].id = id == (unsigned int)-1 ? -1 : (int)id;
            r[i].state = (enum x2k_domstate)st;
            virDomainFree(doms[i]);
        }
        free(doms);
    }
    qsort(r, n, sizeof(*r), dom_cmp);
    *doms_out = r;
    *n_out = n;
    return 0;
}

static const char *const state_names[] = {
    "no state", "running", "idle", "paused", "in shutdown", "shut off",
    "crashed", "pmsuspended",
};

static const char *const state_labels[] = {
    N_("no state"), N_("running"), N_("idle"), N_("paused"),
    N_("in shutdown"), N_("shut off"), N_("crashed"), N_("suspended"),
};

const char *
x2k_domstate_name(enum x2k_domstate st)
{
    return (unsigned)st < X2K_N_ELEMENTS(state_names) ? state_names[st]
                                                      : "unknown";
}

const char *
x2k_domstate_label(enum x2k_domstate st)
{
    return (unsigned)st < X2K_N_ELEMENTS(state_labels) ? _(state_labels[st])
                                                       : _("unknown");
}

char *
x2k_source_format_list(const struct x2k_source_dom *doms, size_t n)
{
    struct x2k_buf b = { 0 };
    size_t i;

    x2k_buf_printf(&b, " %-5s %-30s %s\n", "Id", "Name", "State");
    x2k_buf_puts(&b, "----------------------------------------------------\n");
    for (i = 0; i < n; i++) {
        char id[16];

        if (doms[i].id >= 0)
            snprintf(id, sizeof(id), "%d", doms[i].id);
        else
            snprintf(id, sizeof(id), "-");
        x2k_buf_printf(&b, " %-5s %-30s %s\n", id, doms[i].name,
                       x2k_domstate_name(doms[i].state));
    }
    return x2k_buf_steal(&b);
}

static virDomainPtr
lookup(struct x2k_source *s, const char *name, struct x2k_error *err)
{
    virDomainPtr d = virDomainLookupByName(CONN(s)->conn, name);

    if (!d) {
        if (x2k_virt_last_is_not_found())
            x2k_virt_error(err, X2K_ERR_NOT_FOUND,
                           _("There is no guest named '%1$s' on %2$s."),
                           name, s->uri);
        else
            x2k_virt_error(err, X2K_ERR_LIBVIRT,
                           _("Cannot look up the guest '%1$s' on %2$s."),
                           name, s->uri);
    }
    return d;
}

static char *
lv_dumpxml(struct x2k_source *s, const char *name, struct x2k_reporter *r,
           struct x2k_error *err)
{
    virDomainPtr d = lookup(s, name, err);
    char *xml;

    (void)r;
    if (!d)
        return NULL;
    xml = virDomainGetXMLDesc(d, VIR_DOMAIN_XML_INACTIVE);
    if (!xml)
        x2k_virt_error(err, X2K_ERR_LIBVIRT,
                       _("Cannot read the configuration of '%1$s'."), name);
    virDomainFree(d);
    return xml;
}

static int
dom_state(virDomainPtr d, const char *name, enum x2k_domstate *state,
          struct x2k_error *err)
{
    int st, reason;

    if (virDomainGetState(d, &st, &reason, 0) < 0) {
        x2k_virt_error(err, X2K_ERR_LIBVIRT,
                       _("Cannot read the state of '%1$s'."), name);
        return -1;
    }
    *state = (enum x2k_domstate)st;
    return 0;
}

static int
lv_state(struct x2k_source *s, const char *name, enum x2k_domstate *state,
         struct x2k_error *err)
{
    virDomainPtr d = lookup(s, name, err);
    int rc;

    if (!d)
        return -1;
    rc = dom_state(d, name, state, err);
    virDomainFree(d);
    return rc;
}

static int
lv_shutdown(struct x2k_source *s, const char *name, int timeout_s,
            bool force_off, struct x2k_reporter *r, struct x2k_error *err)
{
    virDomainPtr d = lookup(s, name, err);
    enum x2k_domstate st;
    double start, now;
    int rc = -1;

    if (!d)
        return -1;
    if (dom_state(d, name, &st, err) < 0)
        goto out;
    if (st == X2K_DOM_SHUTOFF) {
        rc = 0;
        goto out;
    }
    x2k_report_log(r, "asking %s to shut down (timeout %d s)", name,
                   timeout_s);
    if (virDomainShutdown(d) < 0) {
        x2k_virt_error(err, X2K_ERR_LIBVIRT,
                       _("Cannot ask the guest '%1$s' to shut down."), name);
        goto out;
    }
    start = x2k_now();
    for (;;) {
        struct x2k_event ev = { 0 };
        struct timespec ts = { 0, 250 * 1000 * 1000 };

        if (dom_state(d, name, &st, err) < 0)
            goto out;
        if (st == X2K_DOM_SHUTOFF) {
            x2k_report_log(r, "%s is shut off", name);
            rc = 0;
            goto out;
        }
        now = x2k_now();
        ev.kind = X2K_EVENT_PROGRESS;
        ev.stage = X2K_STAGE_PREFLIGHT;
        ev.disk = -1;
        ev.done = (uint64_t)(now - start);
        ev.total = timeout_s > 0 ? (uint64_t)timeout_s : 0;
        ev.eta = timeout_s - (now - start);
        ev.text = name;
        x2k_report(r, &ev);
        if (r && x2k_reporter_is_cancelled(r)) {
            x2k_error_set(err, X2K_ERR_CANCELLED, _("Cancelled."));
            goto out;
        }
        if (now - start >= timeout_s)
            break;
        nanosleep(&ts, NULL);
    }
    if (!force_off) {
        x2k_error_set(err, X2K_ERR_TIMEOUT,
                      _("The guest '%1$s' did not shut down within %2$d "
                        "seconds. Shut it down inside the guest, or allow "
                        "a forced power-off (--force-off)."),
                      name, timeout_s);
        goto out;
    }
    x2k_report_warning_id(r, "force-off", _("Forcing the guest '%1$s' off after %2$d "
                            "seconds."), name, timeout_s);
    if (virDomainDestroy(d) < 0) {
        x2k_virt_error(err, X2K_ERR_LIBVIRT,
                       _("Cannot power off the guest '%1$s'."), name);
        goto out;
    }
    rc = 0;
out:
    virDomainFree(d);
    return rc;
}

static const struct x2k_source_ops libvirt_ops = {
    lv_free, lv_list, lv_dumpxml, lv_state, lv_shutdown,
};

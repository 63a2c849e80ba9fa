/* The libvirt target (see target.h).  Caller's thread. */
#include <config.h>

#include <dirent.h>
#include <stdio.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <libxml/xpath.h>

#include "base/i18n.h"
#include "base/log.h"
#include "base/virt.h"
#include "base/xml.h"
#include "target/target.h"

struct x2k_target {
    struct x2k_virt_conn c;
};

struct x2k_target *
x2k_target_open(const char *uri, struct x2k_error *err)
{
    struct x2k_target *t = x2k_xcalloc(1, sizeof(*t));

    if (x2k_virt_conn_open(&t->c, uri, NULL, NULL, err) < 0) {
        free(t);
        return NULL;
    }
    return t;
}

void
x2k_target_free(struct x2k_target *t)
{
    if (!t)
        return;
    x2k_virt_conn_close(&t->c);
    free(t);
}

const char *
x2k_target_uri(const struct x2k_target *t)
{
    return t->c.uri;
}

void
x2k_pool_info_clear(struct x2k_pool_info *info)
{
    if (!info)
        return;
    free(info->path);
    free(info->type);
    memset(info, 0, sizeof(*info));
}

/* A string XPath value of XML, or NULL. */
static char *
xml_xpath_str(const char *xml, const char *expr)
{
    xmlDocPtr doc = x2k_xml_parse(xml, strlen(xml), X2K_XML_LIBVIRT, NULL);
    xmlXPathContextPtr ctx;
    xmlXPathObjectPtr o;
    char *r = NULL;

    if (!doc)
        return NULL;
    ctx = xmlXPathNewContext(doc);
    o = xmlXPathEvalExpression(BAD_CAST expr, ctx);
    if (o && o->type == XPATH_STRING && o->stringval && *o->stringval)
        r = x2k_xstrdup((const char *)o->stringval);
    xmlXPathFreeObject(o);
    xmlXPathFreeContext(ctx);
    xmlFreeDoc(doc);
    return r;
}

int
x2k_target_pool_info(struct x2k_target *t, const char *name,
                     struct x2k_pool_info *info, struct x2k_error *err)
{
    virStoragePoolPtr p;
    virStoragePoolInfo vi;
    char *xml;

    memset(info, 0, sizeof(*info));
    p = virStoragePoolLookupByName(t->c.conn, name);
    if (!p) {
        if (x2k_virt_last_is_not_found())
            x2k_virt_error(err, X2K_ERR_NOT_FOUND,
                           _("There is no storage pool '%1$s' on %2$s."),
                           name, t->c.uri);
        else
            x2k_virt_error(err, X2K_ERR_LIBVIRT,
                           _("Cannot look up the storage pool '%1$s' on "
                             "%2$s."), name, t->c.uri);
        return -1;
    }
    /* Fresh numbers: a refresh fails harmlessly on inactive pools. */
    virStoragePoolRefresh(p, 0);
    if (virStoragePoolGetInfo(p, &vi) < 0) {
        x2k_virt_error(err, X2K_ERR_LIBVIRT,
                       _("Cannot read the storage pool '%1$s'."), name);
        virStoragePoolFree(p);
        return -1;
    }
    info->active = vi.state == VIR_STORAGE_POOL_RUNNING ||
                   vi.state == VIR_STORAGE_POOL_DEGRADED;
    info->capacity = vi.capacity;
    info->available = vi.available;
    xml = virStoragePoolGetXMLDesc(p, 0);
    if (xml) {
        info->path = xml_xpath_str(xml, "string(/pool/target/path)");
        info->type = xml_xpath_str(xml, "string(/pool/@type)");
        free(xml);
    }
    virStoragePoolFree(p);
    return 0;
}

void
x2k_target_names_free(char **names)
{
    size_t i;

    for (i = 0; names && names[i]; i++)
        free(names[i]);
    free(names);
}

char **
x2k_target_list_pools(struct x2k_target *t, struct x2k_error *err)
{
    virStoragePoolPtr *pools = NULL;
    int n = virConnectListAllStoragePools(t->c.conn, &pools, 0), i;
    char **r;

    if (n < 0) {
        x2k_virt_error(err, X2K_ERR_LIBVIRT,
                       _("Cannot list the storage pools of %1$s."), t->c.uri);
        return NULL;
    }
    r = x2k_xcalloc(n + 1, sizeof(*r));
    for (i = 0; i < n; i++) {
        r[i] = x2k_xstrdup(virStoragePoolGetName(pools[i]));
        virStoragePoolFree(pools[i]);
    }
    free(pools);
    return r;
}

char **
x2k_target_list_networks(struct x2k_target *t, struct x2k_error *err)
{
    virNetworkPtr *nets = NULL;
    int n = virConnectListAllNetworks(t->c.conn, &nets, 0), i;
    char **r;

    if (n < 0) {
        x2k_virt_error(err, X2K_ERR_LIBVIRT,
                       _("Cannot list the networks of %1$s."), t->c.uri);
        return NULL;
    }
    r = x2k_xcalloc(n + 1, sizeof(*r));
    for (i = 0; i < n; i++) {
        r[i] = x2k_xstrdup(virNetworkGetName(nets[i]));
        virNetworkFree(nets[i]);
    }
    free(nets);
    return r;
}

bool
x2k_target_has_network(struct x2k_target *t, const char *name, bool *active)
{
    virNetworkPtr n = virNetworkLookupByName(t->c.conn, name);

    if (!n)
        return false;
    if (active)
        *active = virNetworkIsActive(n) == 1;
    virNetworkFree(n);
    return true;
}

bool
x2k_target_has_bridge(struct x2k_target *t, const char *name,
                      const char *sysfs_net)
{
    X2K_AUTOFREE char *p = NULL;
    virInterfacePtr iface;

    if (!strchr(name, '/') && strcmp(name, ".") && strcmp(name, "..")) {
        p = x2k_strdup_printf("%s/%s/bridge",
                              sysfs_net ? sysfs_net : "/sys/class/net", name);
        if (access(p, F_OK) == 0)
            return true;
    }
    iface = virInterfaceLookupByName(t->c.conn, name);
    if (iface) {
        char *xml = virInterfaceGetXMLDesc(iface, 0);
        X2K_AUTOFREE char *type = xml
            ? xml_xpath_str(xml, "string(/interface/@type)") : NULL;
        free(xml);
        virInterfaceFree(iface);
        return type && strcmp(type, "bridge") == 0;
    }
    return false;
}

char **
x2k_host_bridges(const char *sysfs_net)
{
    const char *dir = sysfs_net ? sysfs_net : "/sys/class/net";
    DIR *d = opendir(dir);
    struct dirent *e;
    char **r = x2k_xcalloc(1, sizeof(*r));
    size_t n = 0;

    if (!d)
        return r;
    while ((e = readdir(d))) {
        X2K_AUTOFREE char *p = NULL;

        if (e->d_name[0] == '.')
            continue;
        p = x2k_strdup_printf("%s/%s/bridge", dir, e->d_name);
        if (access(p, F_OK) != 0)
            continue;
        r = x2k_xreallocarray(r, n + 2, sizeof(*r));
        r[n++] = x2k_xstrdup(e->d_name);
        r[n] = NULL;
    }
    closedir(d);
    return r;
}

int
x2k_target_has_domain(struct x2k_target *t, const char *name, bool *exists,
                      struct x2k_error *err)
{
    virDomainPtr d = virDomainLookupByName(t->c.conn, name);

    if (d) {
        *exists = true;
        virDomainFree(d);
        return 0;
    }
    if (x2k_virt_last_is_not_found()) {
        *exists = false;
        return 0;
    }
    x2k_virt_error(err, X2K_ERR_LIBVIRT,
                   _("Cannot look up the domain '%1$s' on %2$s."), name,
                   t->c.uri);
    return -1;
}

virConnectPtr
x2k_target_conn(struct x2k_target *t)
{
    return t->c.conn;
}

int
x2k_target_define(struct x2k_target *t, const char *xml, bool start,
                  struct x2k_error *err)
{
    virDomainPtr dom = virDomainDefineXML(t->c.conn, xml);
    int rc = 0;

    if (!dom) {
        x2k_virt_error(err, X2K_ERR_LIBVIRT,
                       _("The target %1$s refused the converted domain."),
                       t->c.uri);
        return -1;
    }
    if (start && virDomainCreate(dom) < 0) {
        x2k_virt_error(err, X2K_ERR_LIBVIRT,
                       _("The domain was defined on %1$s but did not "
                         "start."), t->c.uri);
        rc = -1;
    }
    virDomainFree(dom);
    return rc;
}

int
x2k_target_pool_refresh(struct x2k_target *t, const char *name,
                        struct x2k_error *err)
{
    virStoragePoolPtr pool = virStoragePoolLookupByName(t->c.conn, name);
    int rc;

    if (!pool) {
        x2k_virt_error(err, X2K_ERR_NOT_FOUND,
                       _("The storage pool '%1$s' does not exist."), name);
        return -1;
    }
    rc = virStoragePoolRefresh(pool, 0);
    if (rc < 0)
        x2k_virt_error(err, X2K_ERR_LIBVIRT,
                       _("Cannot refresh the storage pool '%1$s'."), name);
    virStoragePoolFree(pool);
    return rc < 0 ? -1 : 0;
}

char *
x2k_target_volume_path(struct x2k_target *t, const char *pool,
                       const char *volume, struct x2k_error *err)
{
    virStoragePoolPtr p = virStoragePoolLookupByName(t->c.conn, pool);
    virStorageVolPtr v;
    char *path, *r;

    if (!p) {
        x2k_virt_error(err, X2K_ERR_NOT_FOUND,
                       _("The storage pool '%1$s' does not exist."), pool);
        return NULL;
    }
    v = virStorageVolLookupByName(p, volume);
    virStoragePoolFree(p);
    if (!v) {
        x2k_virt_error(err, X2K_ERR_NOT_FOUND,
                       _("The volume '%1$s' is not in the pool '%2$s'."),
                       volume, pool);
        return NULL;
    }
    path = virStorageVolGetPath(v);
    virStorageVolFree(v);
    if (!path) {
        x2k_virt_error(err, X2K_ERR_LIBVIRT,
                       _("The volume '%1$s' has no local path."), volume);
        return NULL;
    }
    r = x2k_xstrdup(path);
    free(path);
    return r;
}

/* libvirt URI parsing and building, on top of libxml2's RFC 3986
 * parser (the one libvirt itself uses).  Pure functions; any thread.
 */
#include <config.h>

#include <ctype.h>
#include <stdio.h>
#include <libxml/uri.h>

#include "base/i18n.h"
#include "plan/uri.h"

void
x2k_uri_free(struct x2k_uri *u)
{
    size_t i;

    if (!u)
        return;
    free(u->scheme);
    free(u->driver);
    free(u->transport);
    free(u->user);
    free(u->host);
    free(u->path);
    for (i = 0; i < u->n_params; i++) {
        free(u->params[i].name);
        free(u->params[i].value);
    }
    free(u->params);
    free(u);
}

/* Decode %XX escapes (and nothing else) of the N bytes at S. */
static char *
uri_unescape(const char *s, size_t n)
{
    char *r = x2k_xmalloc(n + 1);
    size_t i, j = 0;

    for (i = 0; i < n; i++) {
        if (s[i] == '%' && i + 2 < n &&
            isxdigit((unsigned char)s[i + 1]) &&
            isxdigit((unsigned char)s[i + 2])) {
            char hex[3] = { s[i + 1], s[i + 2], 0 };
            r[j++] = (char)strtol(hex, NULL, 16);
            i += 2;
        } else {
            r[j++] = s[i];
        }
    }
    r[j] = '\0';
    return r;
}

static void
uri_parse_query(struct x2k_uri *u, const char *q)
{
    while (q && *q) {
        const char *amp = strchr(q, '&');
        size_t len = amp ? (size_t)(amp - q) : strlen(q);
        const char *eq = memchr(q, '=', len);

        if (len > 0) {
            u->params = x2k_xreallocarray(u->params, u->n_params + 1,
                                          sizeof(*u->params));
            if (eq) {
                u->params[u->n_params].name = uri_unescape(q, eq - q);
                u->params[u->n_params].value =
                    uri_unescape(eq + 1, len - (eq - q) - 1);
            } else {
                u->params[u->n_params].name = uri_unescape(q, len);
                u->params[u->n_params].value = x2k_xstrdup("");
            }
            u->n_params++;
        }
        q = amp ? amp + 1 : NULL;
    }
}

struct x2k_uri *
x2k_uri_parse(const char *s, struct x2k_error *err)
{
    xmlURIPtr x;
    struct x2k_uri *u;
    const char *plus;

    x = xmlParseURI(s);
    if (!x || !x->scheme || !*x->scheme) {
        if (x)
            xmlFreeURI(x);
        x2k_error_set(err, X2K_ERR_INVALID,
                      _("'%1$s' is not a libvirt URI "
                        "(expected something like xen+ssh://root@host/)"), s);
        return NULL;
    }
    u = x2k_xcalloc(1, sizeof(*u));
    u->scheme = x2k_xstrdup(x->scheme);
    plus = strchr(x->scheme, '+');
    if (plus) {
        u->driver = x2k_xstrndup(x->scheme, plus - x->scheme);
        u->transport = x2k_xstrdup(plus + 1);
    } else {
        u->driver = x2k_xstrdup(x->scheme);
    }
    if (x->user && *x->user)
        u->user = x2k_xstrdup(x->user);
    if (x->server && *x->server) {
        size_t n = strlen(x->server);
        /* libxml2 keeps the brackets of an IPv6 literal. */
        if (x->server[0] == '[' && x->server[n - 1] == ']')
            u->host = x2k_xstrndup(x->server + 1, n - 2);
        else
            u->host = x2k_xstrdup(x->server);
    }
    u->port = x->port > 0 ? x->port : 0;
    if (x->path && *x->path)
        u->path = x2k_xstrdup(x->path);
    if (x->query_raw)
        uri_parse_query(u, x->query_raw);
    xmlFreeURI(x);
    return u;
}

static void
uri_escape_buf(struct x2k_buf *b, const char *s)
{
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (isalnum(c) || strchr("-._~/", c))
            x2k_buf_append(b, s, 1);
        else
            x2k_buf_printf(b, "%%%02X", c);
    }
}

char *
x2k_uri_format(const struct x2k_uri *u)
{
    struct x2k_buf b = { 0 };
    size_t i;

    x2k_buf_printf(&b, "%s:", u->scheme);
    x2k_buf_puts(&b, "//");
    if (u->host) {
        if (u->user) {
            uri_escape_buf(&b, u->user);
            x2k_buf_puts(&b, "@");
        }
        if (strchr(u->host, ':'))
            x2k_buf_printf(&b, "[%s]", u->host);
        else
            x2k_buf_puts(&b, u->host);
        if (u->port > 0)
            x2k_buf_printf(&b, ":%d", u->port);
    }
    if (u->path)
        x2k_buf_puts(&b, u->path);
    else if (u->host || u->n_params)
        x2k_buf_puts(&b, "/");
    for (i = 0; i < u->n_params; i++) {
        x2k_buf_puts(&b, i == 0 ? "?" : "&");
        uri_escape_buf(&b, u->params[i].name);
        x2k_buf_puts(&b, "=");
        uri_escape_buf(&b, u->params[i].value);
    }
    return x2k_buf_steal(&b);
}

const char *
x2k_uri_get_param(const struct x2k_uri *u, const char *name)
{
    size_t i;

    for (i = 0; i < u->n_params; i++) {
        if (strcmp(u->params[i].name, name) == 0)
            return u->params[i].value;
    }
    return NULL;
}

void
x2k_uri_set_param(struct x2k_uri *u, const char *name, const char *value)
{
    size_t i;

    for (i = 0; i < u->n_params; i++) {
        if (strcmp(u->params[i].name, name) == 0) {
            x2k_str_replace(&u->params[i].value, value);
            return;
        }
    }
    u->params = x2k_xreallocarray(u->params, u->n_params + 1,
                                  sizeof(*u->params));
    u->params[u->n_params].name = x2k_xstrdup(name);
    u->params[u->n_params].value = x2k_xstrdup(value);
    u->n_params++;
}

char *
x2k_uri_build_xen_ssh(const char *user, const char *host, int port,
                      const char *keyfile)
{
    struct x2k_uri u = { 0 };
    char *r;

    u.scheme = (char *)"xen+ssh";
    u.user = (char *)user;
    u.host = (char *)host;
    u.port = port == 22 ? 0 : port;
    u.path = (char *)"/";
    if (keyfile) {
        struct x2k_uri_param p = { (char *)"keyfile", (char *)keyfile };
        u.params = &p;
        u.n_params = 1;
        r = x2k_uri_format(&u);
    } else {
        r = x2k_uri_format(&u);
    }
    return r;
}

bool
x2k_uri_is_remote(const struct x2k_uri *u)
{
    return u->host != NULL;
}

char *
x2k_uri_noninteractive(const char *uri)
{
    struct x2k_uri *u = x2k_uri_parse(uri, NULL);
    char *r;

    if (!u || !u->transport || strcmp(u->transport, "ssh") != 0 ||
        x2k_uri_get_param(u, "no_tty")) {
        x2k_uri_free(u);
        return x2k_xstrdup(uri);
    }
    x2k_uri_set_param(u, "no_tty", "1");
    r = x2k_uri_format(u);
    x2k_uri_free(u);
    return r;
}

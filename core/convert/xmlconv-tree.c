/* The converter's small helpers: finding, reading, changing and
 * removing elements, attributes and text of libxml2's tree (elements
 * without a namespace only), and the result's warning list.  Every
 * pass of xmlconv*.c uses them; they run on the caller's thread and
 * keep no state of their own.
 */
#include <config.h>

#include <ctype.h>

#include "base/log.h"
#include "convert/xmlconv-internal.h"

/* Is N an element named NAME, without a namespace? */
bool
xc_is_elem(xmlNodePtr n, const char *name)
{
    return n && n->type == XML_ELEMENT_NODE && !n->ns &&
           strcmp((const char *)n->name, name) == 0;
}

/* PARENT's first child element named NAME, or NULL. */
xmlNodePtr
xc_child(xmlNodePtr parent, const char *name)
{
    xmlNodePtr n;

    for (n = parent ? parent->children : NULL; n; n = n->next) {
        if (xc_is_elem(n, name))
            return n;
    }
    return NULL;
}

/* Append an empty element NAME to PARENT. */
xmlNodePtr
xc_add_child(xmlNodePtr parent, const char *name)
{
    return xmlNewChild(parent, NULL, (const xmlChar *)name, NULL);
}

/* N's attribute NAME, or NULL.  Caller frees. */
char *
xc_get_attr(xmlNodePtr n, const char *name)
{
    xmlChar *v = n ? xmlGetNoNsProp(n, (const xmlChar *)name) : NULL;
    char *s = v ? x2k_xstrdup((const char *)v) : NULL;

    xmlFree(v);
    return s;
}

/* Has N the attribute NAME with the value VALUE? */
bool
xc_attr_is(xmlNodePtr n, const char *name, const char *value)
{
    X2K_AUTOFREE char *v = xc_get_attr(n, name);

    return x2k_str_equal(v, value);
}

/* Set N's attribute NAME to VALUE. */
void
xc_set_attr(xmlNodePtr n, const char *name, const char *value)
{
    xmlSetProp(n, (const xmlChar *)name, (const xmlChar *)value);
}

/* Remove N's attribute NAME, if it has one. */
void
xc_unset_attr(xmlNodePtr n, const char *name)
{
    xmlUnsetProp(n, (const xmlChar *)name);
}

/* Unlink and free N; NULL is a no-op. */
void
xc_remove_node(xmlNodePtr n)
{
    if (!n)
        return;
    xmlUnlinkNode(n);
    xmlFreeNode(n);
}

/* Remove every attribute of N except those named in KEEP (NULL-ended). */
void
xc_keep_attrs(xmlNodePtr n, const char *const *keep)
{
    xmlAttrPtr a = n->properties, next;
    size_t i;

    for (; a; a = next) {
        bool keep_it = false;

        next = a->next;
        for (i = 0; keep[i] && !a->ns; i++) {
            if (strcmp((const char *)a->name, keep[i]) == 0)
                keep_it = true;
        }
        if (!keep_it)
            xmlRemoveProp(a);
    }
}

/* Remove every child element of N not named in KEEP (NULL-ended). */
void
xc_keep_children(xmlNodePtr n, const char *const *keep)
{
    xmlNodePtr c, next;
    size_t i;

    for (c = n->children; c; c = next) {
        bool keep_it = false;

        next = c->next;
        if (c->type != XML_ELEMENT_NODE)
            continue;
        for (i = 0; keep[i] && !c->ns; i++) {
            if (strcmp((const char *)c->name, keep[i]) == 0)
                keep_it = true;
        }
        if (!keep_it)
            xc_remove_node(c);
    }
}

/* Remove every child element of N named NAME. */
void
xc_remove_children_named(xmlNodePtr n, const char *name)
{
    xmlNodePtr c, next;

    for (c = n ? n->children : NULL; c; c = next) {
        next = c->next;
        if (xc_is_elem(c, name))
            xc_remove_node(c);
    }
}

/* N's text, trimmed; NULL if N is NULL.  Caller frees. */
char *
xc_get_text(xmlNodePtr n)
{
    xmlChar *t = n ? xmlNodeGetContent(n) : NULL;
    char *s, *p, *e;

    if (!t)
        return NULL;
    /* Trim surrounding white space. */
    for (p = (char *)t; isspace((unsigned char)*p); p++)
        ;
    s = x2k_xstrdup(p);
    for (e = s + strlen(s); e > s && isspace((unsigned char)e[-1]); e--)
        ;
    *e = '\0';
    xmlFree(t);
    return s;
}

/* Replace N's content by TEXT (escaped on output). */
void
xc_set_text(xmlNodePtr n, const char *text)
{
    xmlNodePtr c;

    while ((c = n->children) != NULL)
        xc_remove_node(c);
    xmlAddChild(n, xmlNewText((const xmlChar *)text));
}

/* Element children of PARENT named NAME, as a snapshot (the tree may
 * change while the caller walks it).  Caller frees the array. */
xmlNodePtr *
xc_elems(xmlNodePtr parent, const char *name, size_t *n)
{
    xmlNodePtr c, *v = NULL;

    *n = 0;
    for (c = parent ? parent->children : NULL; c; c = c->next) {
        if (xc_is_elem(c, name)) {
            v = x2k_xreallocarray(v, *n + 1, sizeof *v);
            v[(*n)++] = c;
        }
    }
    return v;
}

/* Is S one of the NULL-terminated LIST? */
bool
xc_in_list(const char *s, const char *const *list)
{
    size_t i;

    for (i = 0; s && list[i]; i++) {
        if (strcmp(s, list[i]) == 0)
            return true;
    }
    return false;
}

/* Add warning ID with a printf-formatted message, unless it is there. */
void
xc_warn(struct conv *c, const char *id, const char *fmt, ...)
{
    struct x2k_xmlconv_result *r = c->r;
    va_list ap;
    char *msg;
    size_t i;

    va_start(ap, fmt);
    msg = x2k_strdup_vprintf(fmt, ap);
    va_end(ap);
    for (i = 0; i < r->n_warnings; i++) {
        if (strcmp(r->warnings[i].id, id) == 0 &&
            strcmp(r->warnings[i].msg, msg) == 0) {
            free(msg);
            return;
        }
    }
    r->warnings = x2k_xreallocarray(r->warnings, r->n_warnings + 1,
                                    sizeof *r->warnings);
    r->warnings[r->n_warnings].id = x2k_xstrdup(id);
    r->warnings[r->n_warnings].msg = msg;
    r->n_warnings++;
    x2k_log(X2K_LOG_DEBUG, "xmlconv: warning %s", id);
}

/* Drop <address> and live-only <alias> from a device. */
void
xc_strip_device(xmlNodePtr dev)
{
    xmlNodePtr c, next;

    for (c = dev->children; c; c = next) {
        next = c->next;
        if (xc_is_elem(c, "address")) {
            xc_remove_node(c);
        } else if (xc_is_elem(c, "alias")) {
            X2K_AUTOFREE char *name = xc_get_attr(c, "name");

            /* User aliases ("ua-...") are configuration. */
            if (!x2k_str_has_prefix(name, "ua-"))
                xc_remove_node(c);
        }
    }
}

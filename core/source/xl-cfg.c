/* The parser of Xen guest configuration files: xl.cfg(5) (KEY = VALUE,
 * strings in either quote style with C escapes, numbers, lists that may
 * span lines, # comments, statements ended by a newline or ';', KEY +=
 * VALUE) and what the older xm configurations use of Python: triple
 * quotes, r'' strings, adjacent strings joined, tuples, True/False/None
 * and backslash continuation lines.  Anything else is a syntax error
 * naming the file, line and column.  Pure; any thread.
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/i18n.h"
#include "base/util.h"
#include "source/xl-cfg.h"

#define MAX_DEPTH 32
#define MAX_FILE (4 * 1024 * 1024)

struct lexer {
    const char *p, *end;
    unsigned line, col;
    const char *file;
    int depth;                      /* brackets open: newlines ignored */
    struct x2k_error *err;
};

enum tok {
    T_EOF, T_NL, T_IDENT, T_STRING, T_NUMBER, T_EQ, T_PLUSEQ, T_LBRACK,
    T_RBRACK, T_LPAREN, T_RPAREN, T_COMMA, T_SEMI, T_ERROR,
};

struct token {
    enum tok t;
    char *s;                        /* IDENT, STRING, NUMBER */
    unsigned line, col;
};

/* Fill ERR with a syntax error at LINE:COL. */
static void
syntax_error(struct lexer *lx, unsigned line, unsigned col, const char *what)
{
    if (x2k_error_is_set(lx->err))
        return;
    /* TRANSLATORS: FILE:LINE:COLUMN: what is wrong. */
    x2k_error_set(lx->err, X2K_ERR_INVALID,
                  _("%1$s:%2$u:%3$u: %4$s; fix the configuration file"),
                  lx->file, line, col, what);
}

static int
peekc(const struct lexer *lx, size_t ahead)
{
    return lx->p + ahead < lx->end ? (unsigned char)lx->p[ahead] : -1;
}

static void
advance(struct lexer *lx)
{
    if (lx->p >= lx->end)
        return;
    if (*lx->p == '\n') {
        lx->line++;
        lx->col = 1;
    } else if (((unsigned char)*lx->p & 0xc0) != 0x80) {
        lx->col++;                  /* columns count characters */
    }
    lx->p++;
}

static bool
is_ident_start(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static bool
is_ident(int c)
{
    return is_ident_start(c) || (c >= '0' && c <= '9') || c == '.';
}

static int
hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* One escape after a backslash (the backslash already consumed). */
static bool
lex_escape(struct lexer *lx, struct x2k_buf *b)
{
    unsigned line = lx->line, col = lx->col - 1;
    int c = peekc(lx, 0), v, i;
    char ch;

    switch (c) {
    case 'n': ch = '\n'; break;
    case 't': ch = '\t'; break;
    case 'r': ch = '\r'; break;
    case 'a': ch = '\a'; break;
    case 'b': ch = '\b'; break;
    case 'f': ch = '\f'; break;
    case 'v': ch = '\v'; break;
    case '\\': case '\'': case '"': ch = (char)c; break;
    case '\n':
        advance(lx);                /* Python: the newline is dropped */
        return true;
    case 'x':
        advance(lx);
        v = 0;
        for (i = 0; i < 2; i++) {
            if (hexval(peekc(lx, 0)) < 0) {
                syntax_error(lx, line, col,
                             _("\\x needs two hexadecimal digits"));
                return false;
            }
            v = v * 16 + hexval(peekc(lx, 0));
            advance(lx);
        }
        if (v == 0) {
            syntax_error(lx, line, col, _("a string cannot hold a NUL"));
            return false;
        }
        ch = (char)v;
        x2k_buf_append(b, &ch, 1);
        return true;
    default:
        if (c >= '0' && c <= '7') {
            v = 0;
            for (i = 0; i < 3 && peekc(lx, 0) >= '0' && peekc(lx, 0) <= '7';
                 i++) {
                v = v * 8 + (peekc(lx, 0) - '0');
                advance(lx);
            }
            if (v == 0 || v > 255) {
                syntax_error(lx, line, col,
                             _("bad octal escape in a string"));
                return false;
            }
            ch = (char)v;
            x2k_buf_append(b, &ch, 1);
            return true;
        }
        if (c < 0) {
            syntax_error(lx, line, col, _("the string is not closed"));
            return false;
        }
        /* Unknown escapes keep their backslash, as in Python. */
        ch = '\\';
        x2k_buf_append(b, &ch, 1);
        return true;
    }
    x2k_buf_append(b, &ch, 1);
    advance(lx);
    return true;
}

/* A string starting at the quote; RAW: r'' (no escapes). */
static bool
lex_string(struct lexer *lx, bool raw, struct x2k_buf *b)
{
    unsigned line = lx->line, col = lx->col;
    int q = peekc(lx, 0);
    bool triple = peekc(lx, 1) == q && peekc(lx, 2) == q;
    int c;

    advance(lx);
    if (triple) {
        advance(lx);
        advance(lx);
    }
    for (;;) {
        c = peekc(lx, 0);
        if (c < 0 || (c == '\n' && !triple)) {
            syntax_error(lx, line, col, _("the string is not closed"));
            return false;
        }
        if (c == q && (!triple || (peekc(lx, 1) == q && peekc(lx, 2) == q))) {
            advance(lx);
            if (triple) {
                advance(lx);
                advance(lx);
            }
            return true;
        }
        if (c == 0) {
            syntax_error(lx, lx->line, lx->col,
                         _("a string cannot hold a NUL"));
            return false;
        }
        advance(lx);
        if (c == '\\' && !raw) {
            if (!lex_escape(lx, b))
                return false;
        } else {
            char ch = (char)c;

            if (c == '\\' && raw && peekc(lx, 0) == q) {
                x2k_buf_append(b, &ch, 1);
                ch = (char)q;
                advance(lx);
            }
            x2k_buf_append(b, &ch, 1);
        }
    }
}

/* The next token; T_ERROR with ERR set. */
static struct token
lex(struct lexer *lx)
{
    struct token t = { T_ERROR, NULL, 0, 0 };
    int c;

    for (;;) {
        c = peekc(lx, 0);
        if (c == ' ' || c == '\t' || c == '\r' || c == '\f' ||
            (c == '\n' && lx->depth > 0)) {
            advance(lx);
        } else if (c == '#') {
            while (peekc(lx, 0) >= 0 && peekc(lx, 0) != '\n')
                advance(lx);
        } else if (c == '\\' && (peekc(lx, 1) == '\n' ||
                                 (peekc(lx, 1) == '\r' &&
                                  peekc(lx, 2) == '\n'))) {
            advance(lx);            /* a continuation line */
            if (peekc(lx, 0) == '\r')
                advance(lx);
            advance(lx);
        } else {
            break;
        }
    }
    t.line = lx->line;
    t.col = lx->col;
    if (c < 0) {
        t.t = T_EOF;
        return t;
    }
    if (c == '\n') {
        advance(lx);
        t.t = T_NL;
        return t;
    }
    if (c == '"' || c == '\'' ||
        ((c == 'r' || c == 'R') && (peekc(lx, 1) == '"' ||
                                    peekc(lx, 1) == '\''))) {
        struct x2k_buf b = { 0 };
        bool raw = c == 'r' || c == 'R';

        if (raw)
            advance(lx);
        if (!lex_string(lx, raw, &b)) {
            x2k_buf_clear(&b);
            return t;
        }
        t.t = T_STRING;
        t.s = x2k_buf_steal(&b);
        return t;
    }
    if ((c >= '0' && c <= '9') ||
        ((c == '-' || c == '+') && peekc(lx, 1) >= '0' &&
         peekc(lx, 1) <= '9')) {
        const char *start = lx->p;

        advance(lx);
        while (is_ident(peekc(lx, 0)))
            advance(lx);
        t.t = T_NUMBER;
        t.s = x2k_xstrndup(start, (size_t)(lx->p - start));
        return t;
    }
    if (is_ident_start(c)) {
        const char *start = lx->p;

        while (is_ident(peekc(lx, 0)))
            advance(lx);
        t.t = T_IDENT;
        t.s = x2k_xstrndup(start, (size_t)(lx->p - start));
        return t;
    }
    advance(lx);
    switch (c) {
    case '=': t.t = T_EQ; return t;
    case '[': t.t = T_LBRACK; return t;
    case ']': t.t = T_RBRACK; return t;
    case '(': t.t = T_LPAREN; return t;
    case ')': t.t = T_RPAREN; return t;
    case ',': t.t = T_COMMA; return t;
    case ';': t.t = T_SEMI; return t;
    case '+':
        if (peekc(lx, 0) == '=') {
            advance(lx);
            t.t = T_PLUSEQ;
            return t;
        }
        break;
    default:
        break;
    }
    if (c == 0)
        syntax_error(lx, t.line, t.col, _("a NUL byte is not allowed"));
    else if (c < 0x20 || c == 0x7f || c >= 0x80)
        syntax_error(lx, t.line, t.col, _("unexpected character"));
    else {
        char what[2] = { (char)c, 0 };
        X2K_AUTOFREE char *msg =
            x2k_strdup_printf(_("unexpected '%1$s'"), what);

        syntax_error(lx, t.line, t.col, msg);
    }
    return t;
}

static void
val_clear(struct x2k_xlval *v)
{
    size_t i;

    free(v->s);
    for (i = 0; i < v->n; i++)
        val_clear(&v->items[i]);
    free(v->items);
    memset(v, 0, sizeof *v);
}

struct parser {
    struct lexer lx;
    struct token tok;               /* the current token */
};

static void
next(struct parser *ps)
{
    free(ps->tok.s);
    ps->tok = lex(&ps->lx);
}

/* What the current token is, for "expected X, found Y". */
static const char *
tok_name(enum tok t)
{
    switch (t) {
    case T_EOF: return _("the end of the file");
    case T_NL: return _("the end of the line");
    case T_IDENT: return _("a name");
    case T_STRING: return _("a string");
    case T_NUMBER: return _("a number");
    case T_EQ: return "'='";
    case T_PLUSEQ: return "'+='";
    case T_LBRACK: return "'['";
    case T_RBRACK: return "']'";
    case T_LPAREN: return "'('";
    case T_RPAREN: return "')'";
    case T_COMMA: return "','";
    case T_SEMI: return "';'";
    default: return "?";
    }
}

static void
expected(struct parser *ps, const char *what)
{
    X2K_AUTOFREE char *msg = NULL;

    if (ps->tok.t == T_ERROR)
        return;
    /* TRANSLATORS: "expected a value, found the end of the line" */
    msg = x2k_strdup_printf(_("expected %1$s, found %2$s"), what,
                            tok_name(ps->tok.t));
    syntax_error(&ps->lx, ps->tok.line, ps->tok.col, msg);
}

static bool parse_value(struct parser *ps, struct x2k_xlval *v);

/* [ v, v, ] or ( v, v ) at the opening bracket. */
static bool
parse_list(struct parser *ps, struct x2k_xlval *v)
{
    enum tok close = ps->tok.t == T_LBRACK ? T_RBRACK : T_RPAREN;

    if (ps->lx.depth >= MAX_DEPTH) {
        syntax_error(&ps->lx, ps->tok.line, ps->tok.col,
                     _("lists are nested too deeply"));
        return false;
    }
    v->kind = X2K_XLVAL_LIST;
    ps->lx.depth++;
    next(ps);
    while (ps->tok.t != close) {
        struct x2k_xlval item = { 0 };

        if (!parse_value(ps, &item)) {
            val_clear(&item);
            return false;
        }
        v->items = x2k_xreallocarray(v->items, v->n + 1, sizeof *v->items);
        v->items[v->n++] = item;
        if (ps->tok.t == T_COMMA)
            next(ps);
        else if (ps->tok.t != close) {
            expected(ps, close == T_RBRACK ? _("',' or ']'")
                                           : _("',' or ')'"));
            return false;
        }
    }
    ps->lx.depth--;
    next(ps);
    return true;
}

/* One value at the current token. */
static bool
parse_value(struct parser *ps, struct x2k_xlval *v)
{
    v->line = ps->tok.line;
    v->col = ps->tok.col;
    switch (ps->tok.t) {
    case T_STRING: {
        struct x2k_buf b = { 0 };

        /* Python joins adjacent strings. */
        while (ps->tok.t == T_STRING) {
            x2k_buf_puts(&b, ps->tok.s);
            next(ps);
        }
        v->kind = X2K_XLVAL_STRING;
        v->s = x2k_buf_steal(&b);
        return true;
    }
    case T_NUMBER:
        v->kind = X2K_XLVAL_NUMBER;
        v->s = x2k_steal(&ps->tok.s);
        next(ps);
        return true;
    case T_IDENT:
        if (strcmp(ps->tok.s, "True") == 0 ||
            strcmp(ps->tok.s, "False") == 0) {
            v->kind = X2K_XLVAL_NUMBER;
            v->s = x2k_xstrdup(ps->tok.s[0] == 'T' ? "1" : "0");
            next(ps);
            return true;
        }
        if (strcmp(ps->tok.s, "None") == 0) {
            v->kind = X2K_XLVAL_STRING;
            v->s = x2k_xstrdup("");
            next(ps);
            return true;
        }
        expected(ps, _("a value"));
        return false;
    case T_LBRACK:
    case T_LPAREN:
        return parse_list(ps, v);
    default:
        expected(ps, _("a value"));
        return false;
    }
}

/* KEY += VALUE: append VALUE to the last value of KEY. */
static void
append_value(struct x2k_xlcfg *cfg, struct x2k_xlent *e)
{
    struct x2k_xlval *old = NULL;
    size_t i;

    for (i = cfg->n; i-- > 0;) {
        if (strcmp(cfg->ents[i].key, e->key) == 0) {
            old = &cfg->ents[i].val;
            break;
        }
    }
    if (!old)
        return;                     /* nothing before: a plain = */
    if (old->kind == X2K_XLVAL_LIST) {
        struct x2k_xlval *add = e->val.kind == X2K_XLVAL_LIST
                                    ? e->val.items : &e->val;
        size_t n = e->val.kind == X2K_XLVAL_LIST ? e->val.n : 1;
        struct x2k_xlval *items =
            x2k_xcalloc(old->n + n ? old->n + n : 1, sizeof *items);

        /* An empty list has no items array: memcpy wants none. */
        if (old->n)
            memcpy(items, old->items, old->n * sizeof *items);
        if (n)
            memcpy(items + old->n, add, n * sizeof *items);
        free(old->items);
        if (e->val.kind == X2K_XLVAL_LIST)
            free(e->val.items);
        old->items = items;
        old->n += n;
        memset(&e->val, 0, sizeof e->val);
        e->val.kind = X2K_XLVAL_LIST;
        /* The merged list is the new last value. */
        e->val = *old;
        memset(old, 0, sizeof *old);
        old->kind = X2K_XLVAL_LIST;
    } else if (old->kind == X2K_XLVAL_STRING &&
               e->val.kind == X2K_XLVAL_STRING) {
        char *s = x2k_strdup_printf("%s%s", old->s, e->val.s);

        free(e->val.s);
        e->val.s = s;
    }
}

struct x2k_xlcfg *
x2k_xlcfg_parse(const char *text, size_t len, const char *file,
                struct x2k_error *err)
{
    struct parser ps = { 0 };
    struct x2k_xlcfg *cfg = x2k_xcalloc(1, sizeof *cfg);

    cfg->file = x2k_xstrdup(file);
    ps.lx.p = text;
    ps.lx.end = text + len;
    ps.lx.line = ps.lx.col = 1;
    ps.lx.file = file;
    ps.lx.err = err;
    /* A UTF-8 byte order mark is not part of the text. */
    if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0)
        ps.lx.p += 3;
    next(&ps);
    for (;;) {
        struct x2k_xlent e = { 0 };
        bool plus;

        while (ps.tok.t == T_NL || ps.tok.t == T_SEMI)
            next(&ps);
        if (ps.tok.t == T_EOF)
            break;
        if (ps.tok.t != T_IDENT) {
            expected(&ps, _("a setting name"));
            goto fail;
        }
        e.key = x2k_steal(&ps.tok.s);
        e.line = ps.tok.line;
        e.col = ps.tok.col;
        next(&ps);
        if (ps.tok.t != T_EQ && ps.tok.t != T_PLUSEQ) {
            free(e.key);
            expected(&ps, _("'='"));
            goto fail;
        }
        plus = ps.tok.t == T_PLUSEQ;
        next(&ps);
        if (!parse_value(&ps, &e.val) ||
            (ps.tok.t != T_NL && ps.tok.t != T_SEMI && ps.tok.t != T_EOF)) {
            if (!x2k_error_is_set(err))
                expected(&ps, _("the end of the line"));
            free(e.key);
            val_clear(&e.val);
            goto fail;
        }
        if (plus)
            append_value(cfg, &e);
        cfg->ents = x2k_xreallocarray(cfg->ents, cfg->n + 1,
                                      sizeof *cfg->ents);
        cfg->ents[cfg->n++] = e;
    }
    free(ps.tok.s);
    return cfg;

fail:
    free(ps.tok.s);
    if (!x2k_error_is_set(err))
        syntax_error(&ps.lx, ps.lx.line, ps.lx.col, _("syntax error"));
    x2k_xlcfg_free(cfg);
    return NULL;
}

void
x2k_xlcfg_free(struct x2k_xlcfg *cfg)
{
    size_t i;

    if (!cfg)
        return;
    for (i = 0; i < cfg->n; i++) {
        free(cfg->ents[i].key);
        val_clear(&cfg->ents[i].val);
    }
    free(cfg->ents);
    free(cfg->file);
    free(cfg);
}

struct x2k_xlcfg *
x2k_xlcfg_read_file(const char *file, struct x2k_error *err)
{
    struct x2k_buf b = { 0 };
    struct x2k_xlcfg *cfg;
    char chunk[8192];
    ssize_t got;
    int fd;

    fd = open(file, O_RDONLY | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) {
        x2k_error_set_errno(err, X2K_ERR_IO, errno,
                            _("Cannot open the Xen configuration %1$s"),
                            file);
        return NULL;
    }
    while ((got = read(fd, chunk, sizeof chunk)) != 0) {
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0 || b.len + (size_t)got > MAX_FILE) {
            if (got < 0)
                x2k_error_set_errno(err, X2K_ERR_IO, errno,
                                    _("Cannot read the Xen configuration "
                                      "%1$s"), file);
            else
                x2k_error_set(err, X2K_ERR_INVALID,
                              _("%1$s is too big for a Xen configuration "
                                "(more than 4 MiB)"), file);
            close(fd);
            x2k_buf_clear(&b);
            return NULL;
        }
        x2k_buf_append(&b, chunk, (size_t)got);
    }
    close(fd);
    cfg = x2k_xlcfg_parse(b.data ? b.data : "", b.len, file, err);
    x2k_buf_clear(&b);
    return cfg;
}

const struct x2k_xlval *
x2k_xlcfg_get(const struct x2k_xlcfg *cfg, const char *key)
{
    size_t i;

    for (i = cfg->n; i-- > 0;) {
        if (strcmp(cfg->ents[i].key, key) == 0)
            return &cfg->ents[i].val;
    }
    return NULL;
}

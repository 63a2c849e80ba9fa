/* The virt-v2v --machine-readable output parser (see v2v.h): a minimal
 * JSON reader for virt-v2v's flat message objects, and the line
 * handler that turns progress fractions, JSON messages, their human
 * echoes and stderr's warnings and errors into x2k events.  Pure: it
 * reads no file and starts no process; x2k_v2v_run feeds it on the
 * engine's thread, the unit test feeds it recorded output.
 */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "engine/v2v.h"

/* ---- A minimal JSON reader for virt-v2v's flat message objects ------ */

/* Append code point CP to B as UTF-8. */
static void
put_utf8(struct x2k_buf *b, unsigned long cp)
{
    char u[4];
    size_t n;

    if (cp < 0x80) {
        u[0] = (char)cp;
        n = 1;
    } else if (cp < 0x800) {
        u[0] = (char)(0xc0 | (cp >> 6));
        u[1] = (char)(0x80 | (cp & 0x3f));
        n = 2;
    } else if (cp < 0x10000) {
        u[0] = (char)(0xe0 | (cp >> 12));
        u[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
        u[2] = (char)(0x80 | (cp & 0x3f));
        n = 3;
    } else {
        u[0] = (char)(0xf0 | (cp >> 18));
        u[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
        u[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
        u[3] = (char)(0x80 | (cp & 0x3f));
        n = 4;
    }
    x2k_buf_append(b, u, n);
}

/* Read four hex digits at P into *OUT; false if they are not. */
static bool
hex4(const char *p, unsigned long *out)
{
    unsigned long v = 0;
    int i;

    for (i = 0; i < 4; i++) {
        int c = (unsigned char)p[i], d;

        if (c >= '0' && c <= '9')
            d = c - '0';
        else if (c >= 'a' && c <= 'f')
            d = c - 'a' + 10;
        else if (c >= 'A' && c <= 'F')
            d = c - 'A' + 10;
        else
            return false;
        v = v * 16 + (unsigned long)d;
    }
    *out = v;
    return true;
}

/* Parse a JSON string at *P (at the opening quote); advance past it. */
static char *
json_string(const char **pp)
{
    const char *p = *pp + 1;
    struct x2k_buf b = { 0 };

    for (;;) {
        unsigned long cp, lo;

        if (*p == '\0') {
            free(b.data);
            return NULL;
        }
        if (*p == '"')
            break;
        if (*p != '\\') {
            x2k_buf_append(&b, p++, 1);
            continue;
        }
        p++;
        switch (*p) {
        case '"': case '\\': case '/': x2k_buf_append(&b, p, 1); break;
        case 'b': x2k_buf_puts(&b, "\b"); break;
        case 'f': x2k_buf_puts(&b, "\f"); break;
        case 'n': x2k_buf_puts(&b, "\n"); break;
        case 'r': x2k_buf_puts(&b, "\r"); break;
        case 't': x2k_buf_puts(&b, "\t"); break;
        case 'u':
            if (!hex4(p + 1, &cp)) {
                free(b.data);
                return NULL;
            }
            p += 4;
            if (cp >= 0xd800 && cp < 0xdc00 && p[1] == '\\' && p[2] == 'u' &&
                hex4(p + 3, &lo) && lo >= 0xdc00 && lo < 0xe000) {
                cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
                p += 6;
            } else if (cp >= 0xd800 && cp < 0xe000) {
                cp = 0xfffd;
            }
            put_utf8(&b, cp);
            break;
        default:
            free(b.data);
            return NULL;
        }
        p++;
    }
    *pp = p + 1;
    return x2k_buf_steal(&b);
}

/* Skip JSON white space. */
static const char *
json_ws(const char *p)
{
    while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
        p++;
    return p;
}

/* A flat JSON object: the values of "message" and "type" (strings);
 * other members (numbers, true/false/null, strings) are skipped.
 * False if LINE is not such an object. */
static bool
json_message(const char *line, char **message, char **type)
{
    const char *p = json_ws(line);

    *message = *type = NULL;
    if (*p != '{')
        return false;
    p = json_ws(p + 1);
    if (*p == '}')
        goto end;
    for (;;) {
        char *key, *val = NULL;

        if (*p != '"' || !(key = json_string(&p)))
            goto bad;
        p = json_ws(p);
        if (*p != ':') {
            free(key);
            goto bad;
        }
        p = json_ws(p + 1);
        if (*p == '"') {
            if (!(val = json_string(&p))) {
                free(key);
                goto bad;
            }
        } else {
            size_t n = strspn(p, "0123456789+-.eEtruefalsn");

            if (n == 0) {
                free(key);
                goto bad;
            }
            p += n;
        }
        if (strcmp(key, "message") == 0 && val)
            x2k_str_replace(message, val);
        else if (strcmp(key, "type") == 0 && val)
            x2k_str_replace(type, val);
        free(key);
        free(val);
        p = json_ws(p);
        if (*p == ',') {
            p = json_ws(p + 1);
            continue;
        }
        if (*p == '}')
            break;
        goto bad;
    }
end:
    if (*json_ws(p + 1) != '\0')
        goto bad;
    return true;
bad:
    free(*message);
    free(*type);
    *message = *type = NULL;
    return false;
}

/* ---- Parser ------------------------------------------------------------ */

/* Longer lines are cut (and logged in pieces), never buffered forever. */
#define LINE_MAX_BYTES (64 * 1024)

struct line_buf {
    char *data;
    size_t len;
};

struct x2k_v2v_parser {
    struct x2k_reporter *rep;
    enum x2k_stage stage;
    struct line_buf bufs[2];
    char *last_message;         /* last JSON message, to drop its echo */
    char *error;
    int disk;                   /* 0-based, -1 before "Copying disk" */
    uint64_t done, total;       /* last progress of the current disk */
    bool progress_open;         /* a bar was started and not completed */
    bool progress_seen;         /* some progress for the current disk */
    bool json_seen;             /* JSON messages: stderr only repeats them */
    struct x2k_v2v_stats stats;
};

struct x2k_v2v_parser *
x2k_v2v_parser_new(struct x2k_reporter *rep, enum x2k_stage stage)
{
    struct x2k_v2v_parser *p = x2k_xcalloc(1, sizeof *p);

    p->rep = rep;
    p->stage = stage;
    p->disk = -1;
    return p;
}

void
x2k_v2v_parser_free(struct x2k_v2v_parser *p)
{
    if (!p)
        return;
    free(p->bufs[0].data);
    free(p->bufs[1].data);
    free(p->last_message);
    free(p->error);
    free(p);
}

/* Report TEXT as events of KIND on the current disk. */
static void
emit_text(struct x2k_v2v_parser *p, enum x2k_event_kind kind,
          const char *text)
{
    struct x2k_event ev = {
        .kind = kind, .stage = p->stage, .disk = p->disk, .eta = -1,
        .id = kind == X2K_EVENT_WARNING ? "virt-v2v" : NULL,
    };
    const char *s = text;

    /* One event per line of a multi-line message. */
    while (*s) {
        size_t n = strcspn(s, "\n");
        char *line = x2k_xstrndup(s, n);

        if (*line) {
            ev.text = line;
            x2k_report(p->rep, &ev);
        }
        free(line);
        s += n;
        if (*s)
            s++;
    }
}

/* Report the current disk's progress and remember it. */
static void
emit_progress(struct x2k_v2v_parser *p, uint64_t done, uint64_t total)
{
    struct x2k_event ev = {
        .kind = X2K_EVENT_PROGRESS, .stage = p->stage, .disk = p->disk,
        .done = done, .total = total, .eta = -1,
    };

    p->done = done;
    p->total = total;
    p->progress_open = done < total;
    p->progress_seen = true;
    p->stats.progress++;
    x2k_report(p->rep, &ev);
}

/* "Copying disk N/M" starts disk N-1. */
static void
note_message(struct x2k_v2v_parser *p, const char *msg)
{
    long n, m;
    char tail;

    if (sscanf(msg, "Copying disk %ld/%ld%c", &n, &m, &tail) == 2 && n >= 1 &&
        n <= m && m < 10000) {
        if (p->progress_open && p->total)
            emit_progress(p, p->total, p->total);
        p->disk = (int)n - 1;
        p->stats.disks = (int)m;
        p->done = p->total = 0;
        p->progress_open = p->progress_seen = false;
    }
}

/* A progress line "N/M" (N <= M, M > 0); false for anything else. */
static bool
parse_fraction(const char *s, uint64_t *done, uint64_t *total)
{
    unsigned long long d, t;
    size_t a = strspn(s, "0123456789"), b;

    if (a == 0 || a > 18 || s[a] != '/')
        return false;
    b = strspn(s + a + 1, "0123456789");
    if (b == 0 || b > 18 || s[a + 1 + b] != '\0')
        return false;
    d = strtoull(s, NULL, 10);
    t = strtoull(s + a + 1, NULL, 10);
    if (t == 0 || d > t)
        return false;
    *done = d;
    *total = t;
    return true;
}

/* Remember MSG as virt-v2v's last error. */
static void
set_error(struct x2k_v2v_parser *p, const char *msg)
{
    x2k_str_replace(&p->error, msg);
    p->stats.errors++;
}

/* Turn one whole line of STREAM into events (LINE is modified). */
static void
handle_line(struct x2k_v2v_parser *p, enum x2k_v2v_stream stream, char *line)
{
    size_t len = strlen(line);
    char *msg, *type;
    uint64_t done, total;
    const char *s;

    while (len && (line[len - 1] == ' ' || line[len - 1] == '\t'))
        line[--len] = '\0';
    if (len == 0)
        return;
    p->stats.lines++;
    x2k_log(X2K_LOG_DEBUG, "virt-v2v %s: %s",
            stream == X2K_V2V_STDOUT ? "out" : "err", line);

    if (stream == X2K_V2V_STDOUT && parse_fraction(line, &done, &total)) {
        if (done != p->done || total != p->total || !p->progress_seen)
            emit_progress(p, done, total);
        return;
    }
    if (json_message(line, &msg, &type)) {
        p->json_seen = true;
        if (!msg) {
            p->stats.unknown++;
            emit_text(p, X2K_EVENT_LOG, line);
        } else if (x2k_str_equal(type, "warning")) {
            p->stats.warnings++;
            emit_text(p, X2K_EVENT_WARNING, msg);
        } else if (x2k_str_equal(type, "error")) {
            set_error(p, msg);
            emit_text(p, X2K_EVENT_LOG, msg);
        } else {
            p->stats.messages++;
            note_message(p, msg);
            emit_text(p, X2K_EVENT_LOG, msg);
        }
        x2k_str_replace(&p->last_message, msg);
        free(msg);
        free(type);
        return;
    }
    /* "[  12.3] Message": the human echo of the JSON line before it. */
    s = line;
    if (*s == '[') {
        s += 1 + strspn(s + 1, " ");
        s += strspn(s, "0123456789.");
        if (*s == ']' && s[1] == ' ') {
            s += 2;
            if (!x2k_str_equal(s, p->last_message)) {
                p->stats.messages++;
                note_message(p, s);
                emit_text(p, X2K_EVENT_LOG, s);
            }
            return;
        }
    }
    /* With JSON messages on stdout, stderr's "virt-v2v: warning:" and
     * "virt-v2v: error:" lines repeat them for humans: log only. */
    if (!p->json_seen && x2k_str_has_prefix(line, "virt-v2v: warning: ")) {
        p->stats.warnings++;
        emit_text(p, X2K_EVENT_WARNING, line + 19);
        return;
    }
    if (x2k_str_has_prefix(line, "virt-v2v: error: ")) {
        if (!p->error)
            set_error(p, line + 17);
        emit_text(p, X2K_EVENT_LOG, line);
        return;
    }
    p->stats.unknown++;
    emit_text(p, X2K_EVENT_LOG, line);
}

void
x2k_v2v_parser_feed(struct x2k_v2v_parser *p, enum x2k_v2v_stream stream,
                    const char *data, size_t len)
{
    struct line_buf *lb = &p->bufs[stream == X2K_V2V_STDERR];
    size_t i;

    for (i = 0; i < len; i++) {
        char c = data[i];

        if (c == '\n' || c == '\r' || lb->len >= LINE_MAX_BYTES) {
            if (lb->data) {
                lb->data[lb->len] = '\0';
                handle_line(p, stream, lb->data);
                lb->len = 0;
            }
            if (c == '\n' || c == '\r')
                continue;
        }
        if (!lb->data)
            lb->data = x2k_xmalloc(LINE_MAX_BYTES + 1);
        /* NUL bytes would cut the line short: show them as '?'. */
        lb->data[lb->len++] = c ? c : '?';
    }
}

void
x2k_v2v_parser_finish(struct x2k_v2v_parser *p, bool success)
{
    int s;

    for (s = 0; s < 2; s++) {
        struct line_buf *lb = &p->bufs[s];

        if (lb->data && lb->len) {
            lb->data[lb->len] = '\0';
            handle_line(p, s ? X2K_V2V_STDERR : X2K_V2V_STDOUT, lb->data);
            lb->len = 0;
        }
    }
    if (success && p->progress_open && p->total)
        emit_progress(p, p->total, p->total);
}

const char *
x2k_v2v_parser_error(const struct x2k_v2v_parser *p)
{
    return p->error;
}

const struct x2k_v2v_stats *
x2k_v2v_parser_stats(const struct x2k_v2v_parser *p)
{
    return &p->stats;
}

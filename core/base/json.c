/* JSON output for machine-readable mode (see json.h). */
#include <config.h>

#include <math.h>
#include <stdlib.h>
#include <stdio.h>

#include "base/json.h"
#include "base/text.h"

void
x2k_json_string(struct x2k_buf *b, const char *s)
{
    const unsigned char *p = (const unsigned char *)(s ? s : "");

    x2k_buf_puts(b, "\"");
    while (*p) {
        if (*p < 0x80) {
            switch (*p) {
            case '"': x2k_buf_puts(b, "\\\""); break;
            case '\\': x2k_buf_puts(b, "\\\\"); break;
            case '\n': x2k_buf_puts(b, "\\n"); break;
            case '\r': x2k_buf_puts(b, "\\r"); break;
            case '\t': x2k_buf_puts(b, "\\t"); break;
            default:
                if (*p < 0x20 || *p == 0x7f)
                    x2k_buf_printf(b, "\\u%04x", *p);
                else
                    x2k_buf_append(b, p, 1);
            }
            p++;
            continue;
        }
        /* Validate one UTF-8 sequence independently of the locale;
         * controls a terminal would act on are escaped. */
        {
            uint32_t cp;
            size_t len = x2k_utf8_decode(p, &cp);

            if (len == 0) {
                x2k_buf_puts(b, "\\ufffd");
                p++;
            } else if (x2k_cp_is_control(cp)) {
                x2k_buf_printf(b, "\\u%04x", (unsigned)cp);
                p += len;
            } else {
                x2k_buf_append(b, p, len);
                p += len;
            }
        }
    }
    x2k_buf_puts(b, "\"");
}

/* V with DIGITS decimals (0-3), '.' whatever the locale's LC_NUMERIC
 * says (printf's %f would write "1,5" in a German locale). */
static void
json_number(struct x2k_buf *b, double v, int digits)
{
    static const long long scale[] = { 1, 10, 100, 1000 };
    long long n, ip, fp;

    if (!isfinite(v) || v > 9e15 || v < -9e15) {
        x2k_buf_puts(b, "null");
        return;
    }
    n = (long long)(v * (double)scale[digits] + (v < 0 ? -0.5 : 0.5));
    ip = llabs(n) / scale[digits];
    fp = llabs(n) % scale[digits];
    if (digits == 0)
        x2k_buf_printf(b, "%s%lld", n < 0 ? "-" : "", ip);
    else
        x2k_buf_printf(b, "%s%lld.%0*lld", n < 0 ? "-" : "", ip, digits, fp);
}

char *
x2k_json_event(const struct x2k_event *ev)
{
    struct x2k_buf b = { 0 };

    switch (ev->kind) {
    case X2K_EVENT_STAGE_BEGIN:
    case X2K_EVENT_STAGE_END:
        x2k_buf_printf(&b, "{\"type\":\"stage\",\"stage\":\"%s\","
                           "\"state\":\"%s\",\"status\":%d,\"label\":",
                       x2k_stage_id(ev->stage),
                       ev->kind == X2K_EVENT_STAGE_BEGIN ? "begin" : "end",
                       ev->status);
        x2k_json_string(&b, x2k_stage_label(ev->stage));
        if (ev->kind == X2K_EVENT_STAGE_END) {
            x2k_buf_puts(&b, ",\"seconds\":");
            json_number(&b, ev->seconds, 3);
        }
        x2k_buf_puts(&b, "}");
        break;
    case X2K_EVENT_PROGRESS:
        x2k_buf_printf(&b, "{\"type\":\"progress\",\"disk\":%d,\"name\":",
                       ev->disk);
        if (ev->disk_name)
            x2k_json_string(&b, ev->disk_name);
        else
            x2k_buf_puts(&b, "null");
        x2k_buf_printf(&b, ",\"done\":%llu,\"total\":%llu,\"rate\":",
                       (unsigned long long)ev->done,
                       (unsigned long long)ev->total);
        json_number(&b, ev->rate, 1);
        x2k_buf_puts(&b, ",\"avg_rate\":");
        json_number(&b, ev->avg_rate, 1);
        x2k_buf_puts(&b, ",\"eta\":");
        if (ev->eta < 0)
            x2k_buf_puts(&b, "null");
        else
            json_number(&b, ev->eta, 1);
        x2k_buf_puts(&b, ",\"percent\":");
        if (ev->total)
            json_number(&b, 100.0 * (double)ev->done / (double)ev->total, 1);
        else
            x2k_buf_puts(&b, "null");
        x2k_buf_puts(&b, "}");
        break;
    case X2K_EVENT_CONSOLE:
        x2k_buf_puts(&b, "{\"type\":\"console\",\"line\":");
        x2k_json_string(&b, ev->text);
        x2k_buf_puts(&b, "}");
        break;
    case X2K_EVENT_LOG:
    case X2K_EVENT_WARNING:
        x2k_buf_printf(&b, "{\"type\":\"%s\",",
                       ev->kind == X2K_EVENT_LOG ? "log" : "warning");
        if (ev->kind == X2K_EVENT_WARNING && ev->id) {
            x2k_buf_puts(&b, "\"id\":");
            x2k_json_string(&b, ev->id);
            x2k_buf_puts(&b, ",");
        }
        x2k_buf_puts(&b, "\"message\":");
        x2k_json_string(&b, ev->text);
        x2k_buf_puts(&b, "}");
        break;
    }
    return x2k_buf_steal(&b);
}

char *
x2k_json_error(const struct x2k_error *err)
{
    struct x2k_buf b = { 0 };

    x2k_buf_printf(&b, "{\"type\":\"error\",\"code\":\"%s\",\"message\":",
                   x2k_errcode_name(err->code));
    x2k_json_string(&b, err->msg ? err->msg : "");
    x2k_buf_puts(&b, ",\"detail\":");
    if (err->detail)
        x2k_json_string(&b, err->detail);
    else
        x2k_buf_puts(&b, "null");
    x2k_buf_puts(&b, "}");
    return x2k_buf_steal(&b);
}

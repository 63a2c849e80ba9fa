/* JSON lines for --machine-readable: one object per event, documented
 * in the man page (section MACHINE-READABLE OUTPUT).  Pure functions;
 * any thread.
 */
#ifndef X2K_JSON_H
#define X2K_JSON_H

#include "base/error.h"
#include "base/event.h"

/* Append S to B as a JSON string literal (quotes included).  Control
 * characters are escaped; invalid UTF-8 bytes become U+FFFD so the
 * output is always valid JSON. */
void x2k_json_string(struct x2k_buf *b, const char *s) X2K_NONNULL(1);

/* One event as a JSON object without a trailing newline:
 *   {"type":"stage","stage":"copy","state":"begin"|"end","status":0,"label":"..."}
 *   {"type":"progress","disk":0,"name":"vda","done":N,"total":N,
 *    "rate":B/s,"avg_rate":B/s,"eta":seconds|null,"percent":P}
 *   {"type":"log","message":"..."}
 *   {"type":"warning","id":"...","message":"..."} (no id if NULL)
 * Caller frees. */
char *x2k_json_event(const struct x2k_event *ev) X2K_NONNULL(1);

/* {"type":"error","code":"ssh-auth","message":"...","detail":...} */
char *x2k_json_error(const struct x2k_error *err) X2K_NONNULL(1);

#endif /* X2K_JSON_H */

/* Logging: core modules call x2k_log(); the front end sets one sink
 * (a file for the wizard, stderr or JSON for batch).  Debug text stays
 * untranslated.  Thread-safe: the sink is called under a lock.
 */
#ifndef X2K_LOG_H
#define X2K_LOG_H

#include "base/util.h"

enum x2k_log_level {
    X2K_LOG_DEBUG,
    X2K_LOG_INFO,
    X2K_LOG_WARN,
    X2K_LOG_ERROR,
};

typedef void (*x2k_log_fn)(enum x2k_log_level level, const char *line,
                           void *opaque);

/* Install SINK (NULL: discard) and the lowest level it receives. */
void x2k_log_set_sink(x2k_log_fn sink, void *opaque,
                      enum x2k_log_level min_level);

void x2k_log(enum x2k_log_level level, const char *fmt, ...)
    X2K_PRINTF(2, 3);

const char *x2k_log_level_name(enum x2k_log_level level);

#endif /* X2K_LOG_H */

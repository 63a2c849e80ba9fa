/* The process-wide log sink.  Any thread may log; the sink runs under
 * a mutex so lines never interleave.
 */
#include <config.h>

#include <pthread.h>

#include "base/log.h"

static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static x2k_log_fn log_sink;
static void *log_opaque;
static enum x2k_log_level log_min = X2K_LOG_INFO;

void
x2k_log_set_sink(x2k_log_fn sink, void *opaque, enum x2k_log_level min_level)
{
    pthread_mutex_lock(&log_lock);
    log_sink = sink;
    log_opaque = opaque;
    log_min = min_level;
    pthread_mutex_unlock(&log_lock);
}

void
x2k_log(enum x2k_log_level level, const char *fmt, ...)
{
    va_list ap;
    char *line;

    pthread_mutex_lock(&log_lock);
    if (log_sink && level >= log_min) {
        va_start(ap, fmt);
        line = x2k_strdup_vprintf(fmt, ap);
        va_end(ap);
        log_sink(level, line, log_opaque);
        free(line);
    }
    pthread_mutex_unlock(&log_lock);
}

const char *
x2k_log_level_name(enum x2k_log_level level)
{
    switch (level) {
    case X2K_LOG_DEBUG: return "debug";
    case X2K_LOG_INFO: return "info";
    case X2K_LOG_WARN: return "warning";
    case X2K_LOG_ERROR: return "error";
    }
    return "?";
}

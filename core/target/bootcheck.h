/* The boot check: start the new domain, watch its serial console
 * through libvirt (virDomainOpenConsole) and wait for a login prompt,
 * or any POSIX extended regex, within a time limit.  Each console line
 * is an X2K_EVENT_CONSOLE event as it arrives.  Runs on the caller's
 * thread; the console is read through libvirt's default event loop,
 * which this module registers and runs on a thread of its own, once
 * per process.
 */
#ifndef X2K_BOOTCHECK_H
#define X2K_BOOTCHECK_H

#include <stdbool.h>
#include <stddef.h>

#include "base/error.h"
#include "base/event.h"

/* What --boot-check without a value waits for: a getty's prompt. */
#define X2K_BOOT_REGEX_DEFAULT "login: *$"
/* Console lines kept for the report and the failure message. */
#define X2K_BOOT_LAST_LINES 10

struct x2k_boot_result {
    bool started;               /* the domain runs (started or found so) */
    bool booted;                /* the regex matched in time */
    double seconds;             /* from the start to the match */
    char *matched;              /* the line that matched, or NULL */
    char *last[X2K_BOOT_LAST_LINES];    /* the last console lines, */
    size_t n_last;                      /* oldest first */
};

void x2k_boot_result_clear(struct x2k_boot_result *res);

/* Whether REGEX compiles as a POSIX extended regex; false with a
 * translated message naming --boot-check in ERR. */
bool x2k_boot_regex_valid(const char *regex, struct x2k_error *err)
    X2K_NONNULL(1);

/* Start domain NAME on the libvirt URI (paused, so that the console is
 * attached before its first byte, then resumed; a domain already
 * running is only attached to), report its console lines through R
 * and wait until a line (or the line being written) matches REGEX
 * (NULL: X2K_BOOT_REGEX_DEFAULT) or TIMEOUT seconds pass.  RES gets the
 * result in both cases.  0 when it matched; -1 with ERR set:
 * X2K_ERR_TIMEOUT (the last lines and what to try in the message),
 * X2K_ERR_CANCELLED, X2K_ERR_LIBVIRT. */
int x2k_target_boot_check(const char *uri, const char *name,
                          const char *regex, int timeout,
                          struct x2k_reporter *r, struct x2k_boot_result *res,
                          struct x2k_error *err) X2K_NONNULL(1, 2, 6);

#endif /* X2K_BOOTCHECK_H */

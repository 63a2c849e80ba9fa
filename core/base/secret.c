/* Secrets (see secret.h): a count of the secrets alive, under a lock;
 * the first one makes the process undumpable, the last one gone
 * restores what it was.  Any thread.
 */
#include <config.h>

#include <pthread.h>
#include <sys/prctl.h>

#include "base/secret.h"
#include "base/util.h"

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned long held;
static int dumpable_before;

void
x2k_secret_hold(void)
{
    pthread_mutex_lock(&lock);
    if (held++ == 0) {
        dumpable_before = prctl(PR_GET_DUMPABLE, 0, 0, 0, 0);
        prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
    }
    pthread_mutex_unlock(&lock);
}

void
x2k_secret_release(void)
{
    pthread_mutex_lock(&lock);
    if (held > 0 && --held == 0 && dumpable_before > 0)
        prctl(PR_SET_DUMPABLE, dumpable_before, 0, 0, 0);
    pthread_mutex_unlock(&lock);
}

bool
x2k_secret_held(void)
{
    bool r;

    pthread_mutex_lock(&lock);
    r = held > 0;
    pthread_mutex_unlock(&lock);
    return r;
}

char *
x2k_secret_dup(const char *s)
{
    if (!s)
        return NULL;
    x2k_secret_hold();
    return x2k_xstrdup(s);
}

void
x2k_secret_free(char *s)
{
    if (!s)
        return;
    x2k_secure_free(s);
    x2k_secret_release();
}

/* The --log-file of both front ends: opened the same way for the
 * wizard and for batch mode.  Main thread.
 */
#include <config.h>

#include <fcntl.h>
#include <unistd.h>

#include "frontend.h"

FILE *
tui_log_open(const char *path)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC |
                  O_NOFOLLOW, 0600);
    FILE *fp;

    if (fd < 0)
        return NULL;
    fp = fdopen(fd, "a");
    if (!fp) {
        close(fd);
        return NULL;
    }
    setvbuf(fp, NULL, _IOLBF, 0);
    return fp;
}

/* The init of the boot check's tiny test guest (tests/test-boot-check.sh
 * builds it statically into an initramfs): it mounts devtmpfs, writes a
 * few lines and then a getty-like prompt without a newline to the
 * console (ttyS0 under KVM), and waits for ever.  With "x2k.crash" on
 * the kernel command line it writes one line and powers the guest off
 * instead, so that the console closes before any prompt.
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <unistd.h>

static void
say(int fd, const char *s)
{
    (void)!write(fd, s, strlen(s));
}

int
main(void)
{
    char cmdline[4096] = "";
    int fd, c;
    ssize_t n;

    mkdir("/dev", 0755);
    mkdir("/proc", 0755);
    mount("devtmpfs", "/dev", "devtmpfs", 0, NULL);
    mount("proc", "/proc", "proc", 0, NULL);
    fd = open("/dev/console", O_RDWR | O_NOCTTY);
    if (fd < 0)
        fd = 1;
    c = open("/proc/cmdline", O_RDONLY);
    if (c >= 0) {
        n = read(c, cmdline, sizeof cmdline - 1);
        cmdline[n > 0 ? n : 0] = '\0';
        close(c);
    }
    say(fd, "X2K-TINY init started\r\n");
    /* An escape sequence and a bell: the tool must strip them. */
    say(fd, "X2K-TINY \033[31mcolour\033[0m and bell\a\r\n");
    if (strstr(cmdline, "x2k.crash")) {
        say(fd, "X2K-TINY crashing on purpose\r\n");
        sync();
        reboot(RB_POWER_OFF);
    }
    say(fd, "\r\nDebian GNU/Linux 12 x2k-tiny ttyS0\r\n\r\n");
    say(fd, "x2k-tiny login: ");
    for (;;)
        pause();
    return 0;
}

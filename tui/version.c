/* --version: the program's version, then the version of every library
 * it runs with, as virsh and virt-v2v print theirs: libvirt, libguestfs,
 * libssh2, libxml2 and ncurses as loaded now (a host whose libraries
 * were upgraded under the binary shows the new ones), popt as built
 * (it has no run-time version query).  Main thread.
 */
#include <config.h>

#include <stdio.h>

#include "base/i18n.h"
#include "base/virt.h"
#include "base/xml.h"
#include "guest/guest.h"
#include "plan/options.h"
#include "ssh/ssh.h"
#include "tcurses.h"
#include "version.h"

/* One "name version" line; "?" when the library cannot say. */
static void
lib_line(struct x2k_buf *b, const char *name, char *version)
{
    x2k_buf_printf(b, "%s %s\n", name, version ? version : "?");
    free(version);
}

char *
tui_version_text(void)
{
    struct x2k_buf b = { 0 };

    x2k_buf_printf(&b, "%s %s\n", X2K_PROGRAM, PACKAGE_VERSION);
    lib_line(&b, "libvirt", x2k_virt_lib_version());
    lib_line(&b, "libguestfs", x2k_guest_lib_version());
    lib_line(&b, "libssh2", x2k_xstrdup(x2k_ssh_lib_version()));
    lib_line(&b, "libxml2", x2k_xml_lib_version());
    /* curses_version() is "ncurses 6.4.20221231". */
    x2k_buf_printf(&b, "%s\n", curses_version());
    /* TRANSLATORS: %1$s is popt's version number, known only from the
     * time the program was compiled. */
    x2k_buf_printf(&b, _("popt %1$s (at build time)\n"),
                   POPT_BUILD_VERSION);
    return x2k_buf_steal(&b);
}

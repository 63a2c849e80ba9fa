/* The help texts (see help.h).  Keep paragraphs short: they are shown
 * in an 80x24 window, in English and Chinese.
 */
#include <config.h>

#include <string.h>

#include "help.h"
#include "i18n.h"

#define PARAS(...) ((const char *const[]){ __VA_ARGS__, NULL })

static const struct x2k_help entries[] = {
    { "screen-welcome", N_("Welcome"),
      PARAS(N_("xen2kvm-tui moves one guest from a Xen host to a "
               "libvirt-managed KVM host. The source guest's disks and "
               "configuration are only read, never changed."),
            N_("The steps: set up SSH to the Xen host, test the libvirt "
               "URI, choose the guest, check its disks, choose the target "
               "pool, network and format, review the summary, then run the "
               "conversion."),
            N_("Keys: Tab and Shift-Tab move between fields, arrows move in "
               "lists, Enter goes on, Esc goes back, F1 or ? shows help, F10 "
               "or q quits.")) },
    { "screen-ssh", N_("SSH setup"),
      PARAS(N_("The conversion host reads the guest's disks over SSH, and "
               "libvirt's xen+ssh transport needs a login that asks for no "
               "password. Give the Xen host, the user (usually root) and "
               "the port."),
            N_("If you have no key pair, generate one. Then install your "
               "public key on the Xen host: this asks for the password once "
               "and adds the key to ~/.ssh/authorized_keys there."),
            N_("The first time you connect, the host's key fingerprint is "
               "shown. Compare it with 'ssh-keygen -lf "
               "/etc/ssh/ssh_host_ed25519_key.pub' on the Xen host before "
               "you accept it."),
            N_("RHEL 5-era hosts only speak old algorithms: switch on legacy "
               "algorithms for them.")) },
    { "screen-uri", N_("libvirt URI test"),
      PARAS(N_("The URI tells libvirt how to reach the Xen host, for "
               "example xen+ssh://root@xen.example.com. The test runs "
               "'list --all' and shows the result as virsh would."),
            N_("Warning: if this test fails, the conversion will fail too. "
               "Fix the SSH login or the URI first.")) },
    { "screen-vm", N_("Choose the guest"),
      PARAS(N_("Choose the guest to convert. Type to filter the list."),
            N_("A running guest cannot be converted: its disks change "
               "while they are copied. Shut it down first; the wizard can do "
               "it for you and waits until it is off.")) },
    { "screen-disks", N_("Disks"),
      PARAS(N_("Every disk of the guest is listed with its type, source, "
               "format and size, as seen on the Xen host."),
            N_("A disk of type 'block' lives on a host block device. Such "
               "guests need block-device mode (--block-device): the device "
               "is copied to the conversion host, which needs enough free "
               "space for it.")) },
    { "screen-target", N_("Target"),
      PARAS(N_("Choose the storage pool for the disks, the bridge or "
               "libvirt network for each NIC, the disk format and the name "
               "of the new domain."),
            N_("raw is fastest and simplest; qcow2 supports snapshots and "
               "needs a conversion pass after the copy.")) },
    { "screen-summary", N_("Summary"),
      PARAS(N_("Check every choice and the preflight results. A failed "
               "check must be fixed before the conversion can run."),
            N_("The replay command runs exactly this migration without the "
               "wizard. Save it to a file to run it later or on many "
               "guests.")) },
    { "screen-run", N_("Conversion"),
      PARAS(N_("The disks are copied with live progress, then the domain "
               "XML is converted, the guest OS is fixed for KVM and the new "
               "domain is defined."),
            N_("Esc cancels after asking. A cancelled copy is kept and "
               "resumes when you run the same migration again.")) },
    { "screen-done", N_("Done"),
      PARAS(N_("The new domain is defined but not started. Start it with "
               "'virsh start NAME' and watch it with 'virsh console "
               "NAME'.")) },
    { NULL, NULL, NULL },
};

const struct x2k_help *
x2k_help_find(const char *id)
{
    const struct x2k_help *h;

    for (h = entries; h->id; h++) {
        if (strcmp(h->id, id) == 0)
            return h;
    }
    return NULL;
}

const char *
x2k_help_title(const struct x2k_help *h)
{
    return _(h->title);
}

const char *
x2k_help_para(const struct x2k_help *h, size_t i)
{
    size_t n;

    for (n = 0; h->paras[n]; n++)
        ;
    return i < n ? _(h->paras[i]) : NULL;
}

const struct x2k_help *
x2k_help_all(void)
{
    return entries;
}

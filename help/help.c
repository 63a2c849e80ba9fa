/* The help texts (see help.h).  Keep paragraphs short: they are shown
 * in an 80x24 window, in English and Chinese.
 */
#include <config.h>

#include <string.h>

#include "help.h"
#include "base/i18n.h"

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
               "or q quits. While you type in a field, Ctrl-G shows help "
               "and Ctrl-X quits.")) },
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
               "NAME'."),
            N_("The text scrolls with the arrows, PgUp/PgDn, Home and End; "
               "the replay command is at its end. \"New migration\" asks "
               "first, then goes back to the guest list; \"Quit\" (or "
               "Enter) leaves. Esc asks whether to quit: it never runs the "
               "migration again.")) },
    { "check-ssh-reachable", N_("SSH server reachable"),
      PARAS(N_("The Xen host must accept SSH connections from this "
               "machine. Check the host name or address, the port "
               "(--ssh-port, or the port in the URI), firewalls, and that "
               "sshd runs on the Xen host ('service sshd status')."),
            N_("Try it by hand: ssh -p PORT root@HOST true.")) },
    { "check-ssh-hostkey", N_("SSH host key"),
      PARAS(N_("The Xen host's key must be in ~/.ssh/known_hosts so that "
               "both this tool and libvirt's ssh transport trust it. "
               "Compare the fingerprint shown with the output of "
               "'ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub' on the "
               "Xen host, then accept it in the wizard or pass "
               "--accept-host-key FINGERPRINT."),
            N_("If the key has CHANGED, stop: either the host was "
               "reinstalled or someone is intercepting the connection. "
               "Only after the administrator confirms the new key, remove "
               "the old one with 'ssh-keygen -R HOST' (or '[HOST]:PORT').")) },
    { "check-ssh-auth", N_("SSH login"),
      PARAS(N_("Logging in to the Xen host failed, or needed a password. "
               "libvirt's xen+ssh transport cannot type a password, so a "
               "key login is needed."),
            N_("Create a key pair if you have none (ssh-keygen -t ed25519), "
               "install the public key on the Xen host with one password "
               "login (the wizard's SSH screen does both), or load the key "
               "into ssh-agent: eval $(ssh-agent -s); ssh-add."),
            N_("Check the user (--ssh-user or the user in the URI), the "
               "key (--identity) and the password file (--password-file). "
               "RHEL 5-era hosts may need --legacy-ssh.")) },
    { "check-libvirt-uri", N_("libvirt URI"),
      PARAS(N_("The libvirt URI must open without any prompt, as 'virsh -c "
               "URI list --all' does. For a Xen host it "
               "looks like xen+ssh://root@xen.example.com/."),
            N_("If the SSH checks pass but this one fails, check that "
               "libvirtd runs on the Xen host and that the user may "
               "connect to it; for a key that is not a default one, add "
               "?keyfile=/path/to/key to the URI.")) },
    { "check-xl-host", N_("Xen host (xl)"),
      PARAS(N_("In xl mode the Xen host is read over SSH with its own "
               "toolstack: 'xl' (or the older 'xm') must run there for the "
               "SSH user, as 'xl list' does, and the guests' configuration "
               "files in /etc/xen must be readable."),
            N_("If the SSH checks pass but this one fails, log in and run "
               "'xl list' as that user (xl needs root), and check that "
               "the file --xl-config names exists there.")) },
    { "check-vm-exists", N_("Guest exists"),
      PARAS(N_("The guest named with --vm-name must appear in 'virsh list "
               "--all' on the Xen host. Names are case-sensitive; copy the "
               "name from the list.")) },
    { "check-vm-shutoff", N_("Guest shut off"),
      PARAS(N_("A running guest cannot be converted: its disks change "
               "while they are copied. Shut it down from inside "
               "the guest, or with 'virsh shutdown NAME' on the Xen host."),
            N_("Batch mode can do it: --shutdown-source asks the guest to shut "
               "down and waits (--shutdown-timeout); only --force-off "
               "powers it off after the timeout.")) },
    { "check-block-device", N_("Block-device mode"),
      PARAS(N_("At least one disk is a block device on the Xen host "
               "(<disk type='block'> with <source dev=...>). Such guests "
               "need block-device mode (--block-device): "
               "it is switched on for you."),
            N_("The device is copied to this machine, so the directory "
               "the tool runs in (or --state-dir) needs enough free space "
               "for it.")) },
    { "check-disk-readable", N_("Disks readable"),
      PARAS(N_("Every disk must exist on the Xen host and be readable by "
               "the SSH user. Check the path in the guest's XML, that the "
               "file or logical volume exists (ls -l PATH, lvs), and the "
               "permissions (block devices usually need root)."),
            N_("Network disks (nbd, iscsi, rbd) and CD-ROM images are not "
               "copied; remove or copy them by hand.")) },
    { "check-target-uri", N_("Target libvirt"),
      PARAS(N_("The target libvirt (--target-uri, default qemu:///system) "
               "must open. Start libvirtd (and virtlogd) on this machine, "
               "or check the URI and your permissions.")) },
    { "check-pool", N_("Storage pool"),
      PARAS(N_("The disks are written into the storage pool given with "
               "--pool (default 'default'). It must exist and be active: "
               "'virsh pool-list --all', then 'virsh pool-start NAME'; "
               "create one with 'virsh pool-define-as NAME dir --target "
               "DIR'.")) },
    { "check-space", N_("Free space"),
      PARAS(N_("The pool (or the output directory) needs at least the sum "
               "of the disk sizes free, twice that for a disk that a "
               "conversion pass follows (the output format is qcow2, or the "
               "source disk is qcow2)."),
            N_("Free some space, choose another pool (--pool), or use raw "
               "format.")) },
    { "check-network", N_("Networks and bridges"),
      PARAS(N_("Every NIC needs a host bridge (listed by 'ip link show "
               "type bridge') or a libvirt network ('virsh net-list --all') "
               "on the target. Map the Xen bridges with --bridge "
               "xenbr0:br0 or --network xenbr0:default."),
            N_("Start an inactive network with 'virsh net-start NAME'.")) },
    { "check-target-name", N_("Target name"),
      PARAS(N_("A domain with this name is already defined on the target. "
               "Choose another name with --new-name, or remove the old "
               "domain if it is a leftover ('virsh undefine NAME').")) },
    { "check-virt-v2v", N_("virt-v2v"),
      PARAS(N_("The virt-v2v engine was chosen but the program is not "
               "installed. Install virt-v2v, or use the built-in engine "
               "(--engine builtin).")) },
    { "check-libguestfs", N_("libguestfs"),
      PARAS(N_("A PV guest needs changes inside its disks (fstab, boot "
               "loader, initramfs) and these are made with libguestfs. "
               "Install libguestfs and its appliance (libguestfs-tools), "
               "or skip the fixes with --no-guest-fixes and fix the guest "
               "by hand.")) },
    { "check-output-dir", N_("Output directory"),
      PARAS(N_("The copies, the domain XML and the report of --output "
               "local are private: the output directory must be a "
               "directory of the user who runs the migration, not a "
               "symbolic link and not another user's. A directory that "
               "does not exist is created with mode 0700."),
            N_("Choose another directory in the field 'Pool or directory' "
               "or with --output-dir.")) },
    { "check-run-lock", N_("One run at a time"),
      PARAS(N_("Only one run at a time may migrate a guest or write a "
               "destination on this machine. The message names the "
               "process and the run directory of the run that holds the "
               "lock."),
            N_("Wait for that run to end (or cancel it), or choose another "
               "guest or destination.")) },
    { "check-dest-not-source", N_("Destination is not a source"),
      PARAS(N_("No destination may be one of the source's disks: not the "
               "same path once symbolic links are resolved, not the same "
               "file through a hard link, not the same file in a "
               "directory that the Xen host shares with this machine "
               "(found with a probe file made in the destination "
               "directory and looked for, read-only, from the Xen host)."),
            N_("Choose another pool or directory (field 'Pool or "
               "directory', --pool or --output-dir) or another name "
               "(field 'New name', --new-name). --overwrite does not "
               "lift this check.")) },
    { "check-dest-exists", N_("Existing destination"),
      PARAS(N_("A disk copy, volume, domain XML or report that already "
               "exists is not replaced unless this migration created it: "
               "a partial copy is resumed when its journal names the same "
               "source disk. A symbolic link at a destination is never "
               "followed."),
            N_("Remove what is there, choose another pool, directory or "
               "name, or replace it with --overwrite.")) },
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

/* The SSH side of the transfer.  Placeholder until core/ssh lands: every
 * entry point fails with X2K_ERR_UNSUPPORTED.
 */
#include <config.h>

#include "i18n.h"
#include "transfer-ssh.h"

struct tx_ssh *
tx_ssh_connect(const struct x2k_ssh_opts *opts, struct x2k_reporter *rep,
               struct x2k_error *err)
{
    x2k_error_set(err, X2K_ERR_UNSUPPORTED,
                  _("Copying disks over SSH is not available in this build."));
    return NULL;
}

void
tx_ssh_free(struct tx_ssh *s)
{
}

struct tx_chan *
tx_ssh_exec_chan(struct tx_ssh *s, const char *mode, const char *path,
                 uint64_t offset, bool is_block, bool verify,
                 const char *remote_path, struct x2k_error *err)
{
    x2k_error_set(err, X2K_ERR_UNSUPPORTED,
                  _("Copying disks over SSH is not available in this build."));
    return NULL;
}

struct tx_reader *
tx_sftp_reader_new(struct tx_ssh *s, const char *path, bool is_block,
                   uint64_t offset, bool verify, struct x2k_reporter *rep,
                   struct x2k_error *err)
{
    x2k_error_set(err, X2K_ERR_UNSUPPORTED,
                  _("Copying disks over SSH is not available in this build."));
    return NULL;
}

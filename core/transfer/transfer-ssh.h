/* Private to core/transfer*.c: the SSH side of the transfer, one
 * session per worker thread (libssh2 sessions are not thread-safe).
 */
#ifndef X2K_TRANSFER_SSH_H
#define X2K_TRANSFER_SSH_H

#include "transfer/transfer-internal.h"

struct tx_ssh;

/* Connect with OPTS; REP (cancellation) replaces opts->reporter. */
struct tx_ssh *tx_ssh_connect(const struct x2k_ssh_opts *opts,
                              enum x2k_transfer_transport transport,
                              struct x2k_reporter *rep,
                              struct x2k_error *err);

/* Use S, a session the caller logged in with OPTS and keeps (a
 * password login is done once, before the copy). */
struct tx_ssh *tx_ssh_adopt(const struct x2k_ssh_opts *opts,
                            struct x2k_ssh *s,
                            enum x2k_transfer_transport transport,
                            struct x2k_reporter *rep, struct x2k_error *err);

/* Whether the next exec channel goes through the OpenSSH client; and
 * stop using it (it failed: fall back to libssh2), false if libssh2
 * cannot talk to the host. */
bool tx_ssh_uses_openssh(const struct tx_ssh *s);
bool tx_ssh_disable_openssh(struct tx_ssh *s);
void tx_ssh_free(struct tx_ssh *s);

/* The streamer asked for Q over an exec channel. */
struct tx_chan *tx_ssh_exec_chan(struct tx_ssh *s,
                                 const struct tx_stream_req *q,
                                 struct x2k_error *err);

/* An SFTP block reader (zeros found here, so they are sent); a read
 * with no byte for TIMEOUT_MS fails.  It hashes nothing: the checksum
 * comes from the streamer's hash mode. */
struct tx_reader *tx_sftp_reader_new(struct tx_ssh *s, const char *path,
                                     bool is_block, uint64_t offset,
                                     int timeout_ms,
                                     struct x2k_reporter *rep,
                                     struct x2k_error *err);

#endif /* X2K_TRANSFER_SSH_H */

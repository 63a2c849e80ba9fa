/* The virt-v2v engine (--engine virt-v2v): find virt-v2v and its
 * version, build its argv from a plan (never a shell string), run it as
 * a child process with pipes and turn its --machine-readable output into
 * x2k events.  Its whole output is kept in a log file the caller names.
 *
 * Output format parsed (virt-v2v(1) "Machine readable output" and
 * guestfs(3) "ADVANCED MACHINE READABLE OUTPUT"):
 *   stdout  "N/M"                      progress of the current disk copy
 *           {"message": "...", "timestamp": "...", "type": "message"|
 *            "info"|"warning"|"error"} one JSON object per line
 *           "[  12.3] Copying disk 1/2" the same messages for humans
 *   stderr  "virt-v2v: warning: ...", "virt-v2v: error: ...", anything
 * Lines may end in \n or \r and arrive split anywhere; unknown lines
 * become log events.  Blocking; runs on the engine's thread.
 */
#ifndef X2K_V2V_H
#define X2K_V2V_H

#include "base/error.h"
#include "base/event.h"
#include "plan/plan.h"

/* ---- Presence ------------------------------------------------------ */

struct x2k_v2v_info {
    char *path;                 /* absolute path found in $PATH */
    char *version;              /* "2.2.0" */
    char **features;            /* --machine-readable lines, NULL-ended */
};

/* Find virt-v2v in PATH (or $X2K_VIRT_V2V) and the nbdkit and nbdcopy
 * it runs, and ask its version and features.  NULL with
 * X2K_ERR_NOT_FOUND and a translated sentence that the wizard shows
 * beside the greyed option when it is missing. */
struct x2k_v2v_info *x2k_v2v_probe(struct x2k_error *err);
void x2k_v2v_info_free(struct x2k_v2v_info *info);
X2K_DEFINE_AUTO(x2k_v2v_info, x2k_v2v_info_free)

/* "input:libvirtxml", "output:local"... */
bool x2k_v2v_has_feature(const struct x2k_v2v_info *info, const char *feature)
    X2K_NONNULL(1, 2);

/* ---- Command ------------------------------------------------------- */

/* The argv (NULL-terminated; free with x2k_argv_free) for PLAN:
 *   virt-v2v -i libvirt -ic URI  |  -i libvirtxml
 *            -o libvirt [-oc TARGET_URI] -os POOL  |  -o local -os DIR
 *            [--bridge|--network [IN:]OUT]... -of FMT -oa ALLOC [-on NAME]
 *            --machine-readable [--] GUEST|FILE
 * LIBVIRTXML, when not NULL, is a domain XML file whose disk sources the
 * caller rewrote to local copies (block-device guests, which virt-v2v
 * cannot read over ssh): it forces -i libvirtxml.  PROGRAM NULL means
 * "virt-v2v".  NULL with ERR set when the plan lacks what virt-v2v
 * needs. */
char **x2k_v2v_build_argv(const struct x2k_plan *plan, const char *libvirtxml,
                          const char *program, struct x2k_error *err)
    X2K_NONNULL(1);

/* ---- Output parser ------------------------------------------------- */

enum x2k_v2v_stream {
    X2K_V2V_STDOUT,
    X2K_V2V_STDERR,
};

struct x2k_v2v_parser;

/* Events go to REP with stage STAGE.  Progress events carry the disk
 * index (0-based, from "Copying disk N/M"), done and total as virt-v2v
 * printed them (a fraction, usually of 100). */
struct x2k_v2v_parser *x2k_v2v_parser_new(struct x2k_reporter *rep,
                                          enum x2k_stage stage);
void x2k_v2v_parser_free(struct x2k_v2v_parser *p);
X2K_DEFINE_AUTO(x2k_v2v_parser, x2k_v2v_parser_free)

/* Feed LEN bytes read from STREAM; whole lines are handled at once, a
 * partial line waits for more.  Never fails. */
void x2k_v2v_parser_feed(struct x2k_v2v_parser *p, enum x2k_v2v_stream stream,
                         const char *data, size_t len) X2K_NONNULL(1);

/* End of output: handle partial lines; if a disk's progress bar was
 * left short of its total and SUCCESS, complete it. */
void x2k_v2v_parser_finish(struct x2k_v2v_parser *p, bool success)
    X2K_NONNULL(1);

/* The last error virt-v2v reported (JSON "error" or "virt-v2v: error:"),
 * or NULL.  Borrowed. */
const char *x2k_v2v_parser_error(const struct x2k_v2v_parser *p)
    X2K_NONNULL(1);

/* Counters for tests and the report. */
struct x2k_v2v_stats {
    size_t lines, progress, messages, warnings, errors, unknown;
    int disks;                  /* M of the last "Copying disk N/M" */
};
const struct x2k_v2v_stats *x2k_v2v_parser_stats(const struct x2k_v2v_parser *p)
    X2K_NONNULL(1);

/* ---- Run ----------------------------------------------------------- */

/* Run ARGV (no shell; argv[0] looked up in PATH) with stdin from
 * /dev/null and LIBGUESTFS_BACKEND_SETTINGS=force_tcg added to its
 * environment when KVM is unusable here (x2k_kvm_is_usable) and the
 * user did not set it, parse its output into events on REP (stage
 * STAGE), append every byte it writes to LOG_PATH (created 0600 if
 * missing).  REP's cancel flag stops it (SIGTERM, SIGKILL after 10 s).
 * 0 when it exits 0; -1 with ERR set otherwise: X2K_ERR_NOT_FOUND if it
 * cannot be run, X2K_ERR_CANCELLED, or X2K_ERR_V2V whose detail is
 * virt-v2v's own error and whose message names the log. */
int x2k_v2v_run(char *const *argv, const char *log_path,
                struct x2k_reporter *rep, enum x2k_stage stage,
                struct x2k_error *err) X2K_NONNULL(1, 2);

/* The whole virt-v2v engine stage: x2k_v2v_probe (X2K_ERR_NOT_FOUND
 * with the reason when virt-v2v cannot run), x2k_v2v_build_argv with the
 * path found, x2k_v2v_run.  LIBVIRTXML as for x2k_v2v_build_argv. */
int x2k_v2v_convert(const struct x2k_plan *plan, const char *libvirtxml,
                    const char *log_path, struct x2k_reporter *rep,
                    enum x2k_stage stage, struct x2k_error *err)
    X2K_NONNULL(1, 3);

#endif /* X2K_V2V_H */

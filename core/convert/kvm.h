/* Is hardware virtualisation usable here?  /dev/kvm can exist and still
 * be broken (nested KVM: QEMU aborts setting MSR 0x10a, or the vCPU
 * hangs), so the probe does what QEMU needs: a VM, a vCPU, the feature
 * MSRs QEMU writes, and one real KVM_RUN to a HLT, in a child process
 * with a time limit.  The answer is computed once per process.  Any
 * thread.
 */
#ifndef X2K_KVM_H
#define X2K_KVM_H

#include "base/util.h"

/* True if KVM works.  When not and REASON is not NULL, *REASON is an
 * untranslated sentence saying why (caller frees). */
bool x2k_kvm_is_usable(char **reason);

#endif /* X2K_KVM_H */

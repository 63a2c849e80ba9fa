/* KVM usability probe (see kvm.h).  The probe runs in a forked child:
 * a vCPU that hangs, or a kernel that misbehaves, costs the child and
 * never the caller.  The child calls only async-signal-safe functions
 * and system calls, so forking from a threaded program is safe.
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <pthread.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "convert/kvm.h"

/* Exit codes of the probe child. */
enum {
    PROBE_OK = 0,
    PROBE_OPEN = 10,
    PROBE_API,
    PROBE_VM,
    PROBE_VCPU,
    PROBE_MSR,
    PROBE_MEM,
    PROBE_RUN,
    PROBE_EXIT,
};

#define PROBE_TIMEOUT_MS 5000
#define MSR_IA32_ARCH_CAPABILITIES 0x10a

/* In the forked child: run a vCPU of a new VM to HLT; a PROBE_ code. */
static int
probe_child(void)
{
    struct {
        struct kvm_msrs h;
        struct kvm_msr_entry e[1];
    } msrs;
    struct kvm_userspace_memory_region region;
    struct kvm_sregs sregs;
    struct kvm_regs regs;
    struct kvm_run *run;
    void *mem;
    int kvm, vm, vcpu, size;

    kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
    if (kvm < 0)
        return PROBE_OPEN;
    if (ioctl(kvm, KVM_GET_API_VERSION, 0) != KVM_API_VERSION)
        return PROBE_API;
    vm = ioctl(kvm, KVM_CREATE_VM, 0);
    if (vm < 0)
        return PROBE_VM;
    vcpu = ioctl(vm, KVM_CREATE_VCPU, 0);
    if (vcpu < 0)
        return PROBE_VCPU;

    /* QEMU copies the host's feature MSRs into each vCPU and aborts
     * when the kernel refuses one (broken nested KVM refuses 0x10a). */
    memset(&msrs, 0, sizeof msrs);
    msrs.h.nmsrs = 1;
    msrs.e[0].index = MSR_IA32_ARCH_CAPABILITIES;
    if (ioctl(kvm, KVM_GET_MSRS, &msrs) == 1 &&
        ioctl(vcpu, KVM_SET_MSRS, &msrs) != 1)
        return PROBE_MSR;

    /* One page of real-mode code: HLT. */
    mem = mmap(NULL, 0x1000, PROT_READ | PROT_WRITE,
               MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (mem == MAP_FAILED)
        return PROBE_MEM;
    *(unsigned char *)mem = 0xf4;
    memset(&region, 0, sizeof region);
    region.guest_phys_addr = 0x1000;
    region.memory_size = 0x1000;
    region.userspace_addr = (unsigned long)mem;
    if (ioctl(vm, KVM_SET_USER_MEMORY_REGION, &region) < 0)
        return PROBE_MEM;
    size = ioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
    if (size <= 0)
        return PROBE_RUN;
    run = mmap(NULL, (size_t)size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu,
               0);
    if (run == MAP_FAILED)
        return PROBE_RUN;
    if (ioctl(vcpu, KVM_GET_SREGS, &sregs) < 0)
        return PROBE_RUN;
    sregs.cs.base = 0;
    sregs.cs.selector = 0;
    if (ioctl(vcpu, KVM_SET_SREGS, &sregs) < 0)
        return PROBE_RUN;
    memset(&regs, 0, sizeof regs);
    regs.rip = 0x1000;
    regs.rflags = 2;
    if (ioctl(vcpu, KVM_SET_REGS, &regs) < 0)
        return PROBE_RUN;
    if (ioctl(vcpu, KVM_RUN, 0) < 0)
        return PROBE_RUN;
    return run->exit_reason == KVM_EXIT_HLT ? PROBE_OK : PROBE_EXIT;
}

/* The sentence for the probe child's exit STATUS. */
static const char *
probe_reason(int status)
{
    switch (status) {
    case PROBE_OPEN: return "/dev/kvm cannot be opened";
    case PROBE_API: return "/dev/kvm has an unexpected API version";
    case PROBE_VM: return "KVM_CREATE_VM failed";
    case PROBE_VCPU: return "KVM_CREATE_VCPU failed";
    case PROBE_MSR:
        return "the kernel refuses MSR 0x10a on a vCPU (broken nested KVM; "
               "QEMU would abort)";
    case PROBE_MEM: return "guest memory could not be set up";
    case PROBE_RUN: return "KVM_RUN failed";
    case PROBE_EXIT: return "a test vCPU did not stop at HLT";
    default: return "the KVM probe failed";
    }
}

static bool kvm_usable;
static char *kvm_reason;

/* Fork the probe child and wait for it, within the time limit. */
static void
probe_once(void)
{
    double deadline;
    pid_t pid, r;
    int status = 0;

    if (access("/dev/kvm", F_OK) != 0) {
        kvm_reason = x2k_xstrdup("/dev/kvm does not exist");
        return;
    }
    pid = fork();
    if (pid < 0) {
        kvm_reason = x2k_strdup_printf("fork: %s", strerror(errno));
        return;
    }
    if (pid == 0)
        _exit(probe_child()); /* in a forked child */
    deadline = x2k_now() + PROBE_TIMEOUT_MS / 1000.0;
    for (;;) {
        struct timespec ts = { 0, 10 * 1000 * 1000 };

        r = waitpid(pid, &status, WNOHANG);
        if (r == pid || (r < 0 && errno != EINTR))
            break;
        if (x2k_now() > deadline) {
            kill(pid, SIGKILL);
            (void)waitpid(pid, &status, 0);
            kvm_reason = x2k_xstrdup("a test vCPU hung (broken nested KVM)");
            return;
        }
        nanosleep(&ts, NULL);
    }
    if (r == pid && WIFEXITED(status) && WEXITSTATUS(status) == PROBE_OK) {
        kvm_usable = true;
        return;
    }
    kvm_reason = x2k_xstrdup(r == pid && WIFEXITED(status)
                                 ? probe_reason(WEXITSTATUS(status))
                                 : "the KVM probe crashed");
}

/* Probe once per process; say whether KVM works, and why not. */
bool
x2k_kvm_is_usable(char **reason)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;

    pthread_once(&once, probe_once);
    if (!kvm_usable && reason)
        *reason = x2k_xstrdup(kvm_reason);
    return kvm_usable;
}

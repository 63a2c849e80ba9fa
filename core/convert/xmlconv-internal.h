/* Shared between xmlconv.c and xmlconv-caps.c (and their unit test):
 * the parsed form of a target's capabilities.
 */
#ifndef X2K_XMLCONV_INTERNAL_H
#define X2K_XMLCONV_INTERNAL_H

#include "convert/xmlconv.h"

struct x2k_caps_guest {
    char *arch;                 /* "x86_64", "i686" */
    char *emulator;             /* the arch's emulator */
    char *kvm_emulator;         /* an emulator only for type kvm, or NULL */
    bool kvm;                   /* <domain type='kvm'/> offered */
    bool qemu;                  /* <domain type='qemu'/> offered */
    char **machines;            /* names and aliases, capabilities order */
    size_t n_machines;
};

struct x2k_caps {
    char *host_arch;
    struct x2k_caps_guest *guests;      /* hvm guests only */
    size_t n_guests;
    char *ovmf;                 /* a non-secure-boot OVMF code file */
    char *ovmf_arch;            /* the arch the domcaps were for */
    bool efi_auto;              /* <os firmware='efi'> is supported */
    bool test_domains;          /* a <domain type='test'> was listed */
    bool real_domains;          /* a <domain> of any other type was */
};

const struct x2k_caps_guest *x2k_caps_guest_for(const struct x2k_caps *caps,
                                                const char *arch);
bool x2k_caps_guest_has_machine(const struct x2k_caps_guest *g,
                                const char *machine);

#endif /* X2K_XMLCONV_INTERNAL_H */

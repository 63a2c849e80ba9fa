/* The option table's types, shared by options.c (the table, parsing,
 * --help) and options-argv.c (the replay argv and --dump-plan).  Only
 * core/plan includes it.
 */
#ifndef X2K_OPTIONS_INTERNAL_H
#define X2K_OPTIONS_INTERNAL_H

#include <stddef.h>

#include "plan/options.h"

enum opt_kind {
    K_STR,                      /* char * in the plan */
    K_BOOL,                     /* bool in the plan */
    K_INT,                      /* int in the plan */
    K_ENUM,                     /* enum in the plan, names in `values' */
    K_NET,                      /* --bridge / --network */
    K_STRLIST,                  /* repeatable string: plan->images */
    K_SIZE,                     /* uint64_t KiB in the plan (--memory) */
    K_DEVMAP,                   /* struct x2k_devchoices, [KEY=]VALUE */
    K_BOOTCHECK,                /* --boot-check[=REGEX]: bool + char * */
    K_CLI_BOOL,                 /* bool in struct x2k_cli */
    K_CLI_STR,                  /* char * in struct x2k_cli */
    K_CLI_COUNT,                /* int in struct x2k_cli, counted */
};

enum opt_group {
    G_SOURCE,
    G_SSH,
    G_TARGET,
    G_HARDWARE,
    G_PROGRAM,
    G_N,
};

struct optdef {
    const char *name;
    char shortname;
    enum opt_kind kind;
    enum opt_group group;
    size_t off;
    const char *const *values;  /* K_ENUM, K_DEVMAP: index = enum value */
    int lo, hi;                 /* K_INT range */
    int net_kind;               /* K_NET */
    bool hidden;
    const char *descrip;        /* N_() */
    const char *argdescrip;     /* N_() */
};

/* The table, in --help order. */
extern const struct optdef x2k_optdefs[];
extern const size_t x2k_n_optdefs;

#define FIELD(base, off, type) ((type *)((char *)(base) + (off)))

#endif /* X2K_OPTIONS_INTERNAL_H */

/* Helpers shared by the C unit tests. */
#ifndef X2K_TESTLIB_H
#define X2K_TESTLIB_H

#include <stddef.h>

/* Run SHELL -c "printf '%s\0' CMDLINE" and return the words it printed
 * (NULL-terminated, free with x2k_argv_free); NULL if SHELL failed. */
char **testlib_sh_words(const char *shell, const char *cmdline);

/* Deterministic PRNG (xorshift64*), seeded from X2K_TEST_SEED or SEED. */
void testlib_seed(unsigned long long seed);
unsigned long long testlib_rand(void);

/* A random string: mostly hostile pieces (quotes, $(...), backticks,
 * newlines, UTF-8 such as 中文虚拟机, leading dashes) and random bytes
 * 0x01..0xff.  Never empty.  Caller frees. */
char *testlib_hostile_string(void);

#endif /* X2K_TESTLIB_H */

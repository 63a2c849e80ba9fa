/* Helpers shared by the C unit tests (see testlib.h). */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/util.h"
#include "plan/options.h"
#include "testlib.h"

char **
testlib_sh_words(const char *shell, const char *cmdline)
{
    char *script = x2k_strdup_printf("printf '%%s\\0' %s", cmdline);
    struct x2k_buf out = { 0 };
    char **words = NULL;
    size_t n = 0, i;
    int fd[2], status;
    char buf[4096];
    ssize_t r;
    pid_t pid;

    if (pipe(fd) < 0)
        abort();
    pid = fork();
    if (pid == 0) {
        dup2(fd[1], 1);
        close(fd[0]);
        close(fd[1]);
        execl(shell, shell, "-c", script, (char *)NULL);
        _exit(127);
    }
    close(fd[1]);
    while ((r = read(fd[0], buf, sizeof buf)) > 0)
        x2k_buf_append(&out, buf, (size_t)r);
    close(fd[0]);
    waitpid(pid, &status, 0);
    free(script);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        x2k_buf_clear(&out);
        return NULL;
    }
    words = x2k_xcalloc(1, sizeof *words);
    for (i = 0; i < out.len; i += strlen(out.data + i) + 1) {
        words = x2k_xreallocarray(words, n + 2, sizeof *words);
        words[n++] = x2k_xstrdup(out.data + i);
        words[n] = NULL;
    }
    x2k_buf_clear(&out);
    return words;
}

static unsigned long long rng = 88172645463325252ULL;

void
testlib_seed(unsigned long long seed)
{
    const char *env = getenv("X2K_TEST_SEED");

    rng = env ? strtoull(env, NULL, 0) : seed;
    if (rng == 0)
        rng = 1;
}

unsigned long long
testlib_rand(void)
{
    rng ^= rng >> 12;
    rng ^= rng << 25;
    rng ^= rng >> 27;
    return rng * 2685821657736338717ULL;
}

char *
testlib_hostile_string(void)
{
    static const char *const pieces[] = {
        " ", "'", "\"", "$(touch /tmp/x2k-pwned)", "`id`", "\n", "\t",
        "中文虚拟机", "-", "--help", "=", "a=b", "\\", "*", "?", "~", "!",
        "#", ";", "&&", "|", ">", "$HOME", "${IFS}", "'\\''", "%s", "%1$s",
        "ubuntu14.04", "xen+ssh://root@172.16.7.54", "\r", "\xe2\x80\xae",
        "\x7f", "--", "-rf", "[a-z]", "{a,b}", "name", ":", "/",
    };
    struct x2k_buf b = { 0 };
    size_t n = 1 + testlib_rand() % 5, i;

    for (i = 0; i < n; i++) {
        if (testlib_rand() % 4 == 0) {
            char c = (char)(1 + testlib_rand() % 255);

            x2k_buf_append(&b, &c, 1);
        } else {
            x2k_buf_puts(&b,
                         pieces[testlib_rand() % X2K_N_ELEMENTS(pieces)]);
        }
    }
    return x2k_buf_steal(&b);
}

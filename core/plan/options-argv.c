/* A plan as options: the replay argv and command (x2k_plan_to_argv,
 * x2k_plan_to_command) and the --dump-plan text, both walked from the
 * option table (options-internal.h) so that parsing them gives the same
 * plan back.  Pure; any thread.
 */
#include <config.h>

#include <stdio.h>

#include "base/shquote.h"
#include "plan/options-internal.h"

/* Is D's field in PLAN different from the default plan DEF? */
static bool
differs(const struct optdef *d, const struct x2k_plan *plan,
        const struct x2k_plan *def)
{
    switch (d->kind) {
    case K_STR:
        return !x2k_str_equal(*FIELD(plan, d->off, char *),
                              *FIELD(def, d->off, char *));
    case K_BOOL:
        return *FIELD(plan, d->off, bool) != *FIELD(def, d->off, bool);
    case K_INT:
    case K_ENUM:
        return *FIELD(plan, d->off, int) != *FIELD(def, d->off, int);
    case K_SIZE:
        return *FIELD(plan, d->off, uint64_t) !=
               *FIELD(def, d->off, uint64_t);
    default:
        return false;
    }
}

/* Choice J of the K_DEVMAP option D as "KEY=VALUE" or "VALUE". */
static char *
devchoice_string(const struct optdef *d, const struct x2k_plan *plan,
                 size_t j)
{
    const struct x2k_devchoices *ch =
        FIELD(plan, d->off, struct x2k_devchoices);
    const struct x2k_devchoice *c = &ch->v[j];
    const char *v = "?";
    int k;

    for (k = 0; d->values[k]; k++) {
        if (k == c->value)
            v = d->values[k];
    }

    return c->key ? x2k_strdup_printf("%s=%s", c->key, v) : x2k_xstrdup(v);
}

static void
push(char ***argv, size_t *n, char *s)
{
    *argv = x2k_xreallocarray(*argv, *n + 2, sizeof **argv);
    (*argv)[(*n)++] = s;
    (*argv)[*n] = NULL;
}

/* The value of plan option D as it appears after "--name=". */
static char *
value_string(const struct optdef *d, const struct x2k_plan *plan)
{
    switch (d->kind) {
    case K_STR:
        return x2k_xstrdup(*FIELD(plan, d->off, char *));
    case K_INT:
        /* 0 below the option's range means "not set" (--ssh-port). */
        if (*FIELD(plan, d->off, int) < d->lo)
            return NULL;
        return x2k_strdup_printf("%d", *FIELD(plan, d->off, int));
    case K_ENUM: {
        int k, v = *FIELD(plan, d->off, int);

        /* A value past the names is "not chosen" (--layout's auto). */
        for (k = 0; d->values[k]; k++) {
            if (k == v)
                return x2k_xstrdup(d->values[k]);
        }
        return NULL;
    }
    case K_BOOL:
        return x2k_xstrdup(*FIELD(plan, d->off, bool) ? "yes" : "no");
    case K_SIZE:
        if (*FIELD(plan, d->off, uint64_t) == 0)
            return NULL;
        return x2k_memory_string(*FIELD(plan, d->off, uint64_t));
    default:
        return NULL;
    }
}

char **
x2k_plan_to_argv(const struct x2k_plan *plan)
{
    struct x2k_plan def;
    char **argv = NULL;
    size_t n = 0, i, j;
    bool nets_done = false;

    x2k_plan_init(&def);
    push(&argv, &n, x2k_xstrdup(X2K_PROGRAM));
    push(&argv, &n, x2k_xstrdup("--batch"));
    for (i = 0; i < x2k_n_optdefs; i++) {
        const struct optdef *d = &x2k_optdefs[i];
        char *v;

        if (d->kind == K_NET) {
            /* All mappings at the first K_NET entry, in plan order, so
             * that the round trip keeps their order. */
            if (nets_done)
                continue;
            nets_done = true;
            for (j = 0; j < plan->n_nets; j++) {
                const struct x2k_netmap *m = &plan->nets[j];
                const char *name = m->kind == X2K_NET_BRIDGE ? "bridge"
                                                             : "network";

                push(&argv, &n,
                     m->in ? x2k_strdup_printf("--%s=%s:%s", name, m->in,
                                               m->out)
                           : x2k_strdup_printf("--%s=%s", name, m->out));
            }
            continue;
        }
        if (d->kind == K_DEVMAP) {
            const struct x2k_devchoices *ch =
                FIELD(plan, d->off, struct x2k_devchoices);

            for (j = 0; j < ch->n; j++) {
                X2K_AUTOFREE char *c = devchoice_string(d, plan, j);

                push(&argv, &n, x2k_strdup_printf("--%s=%s", d->name, c));
            }
            continue;
        }
        if (d->kind == K_STRLIST) {
            for (j = 0; j < plan->n_images; j++)
                push(&argv, &n, x2k_strdup_printf("--%s=%s", d->name,
                                                  plan->images[j]));
            continue;
        }
        if (d->kind == K_BOOTCHECK) {
            if (plan->boot_check)
                push(&argv, &n,
                     plan->boot_regex
                         ? x2k_strdup_printf("--%s=%s", d->name,
                                             plan->boot_regex)
                         : x2k_strdup_printf("--%s", d->name));
            continue;
        }
        if (d->kind >= K_CLI_BOOL || !differs(d, plan, &def))
            continue;
        /* --output=local is implied by --output-dir. */
        if (d->off == offsetof(struct x2k_plan, output) && plan->output_dir)
            continue;
        if (d->kind == K_BOOL) {
            push(&argv, &n, x2k_strdup_printf("--%s", d->name));
            continue;
        }
        v = value_string(d, plan);
        push(&argv, &n, x2k_strdup_printf("--%s=%s", d->name, v ? v : ""));
        free(v);
    }
    x2k_plan_clear(&def);
    free(def.target_uri);
    free(def.pool);
    return argv;
}

void
x2k_argv_free(char **argv)
{
    size_t i;

    if (!argv)
        return;
    for (i = 0; argv[i]; i++)
        free(argv[i]);
    free(argv);
}

char *
x2k_plan_to_command(const struct x2k_plan *plan)
{
    char **argv = x2k_plan_to_argv(plan);
    char *cmd = x2k_shell_join((const char *const *)argv);

    x2k_argv_free(argv);
    return cmd;
}

char *
x2k_plan_dump(const struct x2k_plan *plan)
{
    struct x2k_buf b = { 0 };
    size_t i, j;

    for (i = 0; i < x2k_n_optdefs; i++) {
        const struct optdef *d = &x2k_optdefs[i];
        char *v;

        if (d->kind >= K_CLI_BOOL)
            continue;
        /* The image mode's own options only in that mode. */
        if (plan->mode != X2K_MODE_IMAGE &&
            (d->kind == K_STRLIST ||
             d->off == offsetof(struct x2k_plan, firmware)))
            continue;
        if (d->kind == K_NET) {
            for (j = 0; j < plan->n_nets; j++) {
                if ((int)plan->nets[j].kind != d->net_kind)
                    continue;
                x2k_buf_printf(&b, "%s: %s:%s\n", d->name,
                               plan->nets[j].in ? plan->nets[j].in : "*",
                               plan->nets[j].out);
            }
            continue;
        }
        if (d->kind == K_DEVMAP) {
            const struct x2k_devchoices *ch =
                FIELD(plan, d->off, struct x2k_devchoices);

            for (j = 0; j < ch->n; j++) {
                X2K_AUTOFREE char *c = devchoice_string(d, plan, j);
                /* A valid choice is one word the shell leaves as it is. */
                X2K_AUTOFREE char *q = x2k_shell_quote(c);

                x2k_buf_printf(&b, "%s: %s\n", d->name, q);
            }
            continue;
        }
        if (d->kind == K_STRLIST) {
            for (j = 0; j < plan->n_images; j++) {
                X2K_AUTOFREE char *q = x2k_shell_quote(plan->images[j]);

                x2k_buf_printf(&b, "%s: %s\n", d->name, q);
            }
            continue;
        }
        if (d->kind == K_BOOTCHECK) {
            v = !plan->boot_check ? x2k_xstrdup("no")
                : plan->boot_regex ? x2k_shell_quote(plan->boot_regex)
                                   : x2k_xstrdup("yes");
            x2k_buf_printf(&b, "%s: %s\n", d->name, v);
            free(v);
            continue;
        }
        v = value_string(d, plan);
        if (!v) {
            x2k_buf_printf(&b, "%s: -\n", d->name);
            continue;
        }
        if (x2k_str_has_control(v)) {
            char *q = x2k_shell_quote(v);

            free(v);
            v = q;
        }
        x2k_buf_printf(&b, "%s: %s\n", d->name, v);
        free(v);
    }
    return x2k_buf_steal(&b);
}

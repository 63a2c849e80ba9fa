/* The wizard's framework: screens, the key binding table, widgets,
 * dialogs, drawing by display columns, and the worker-thread event
 * queue.  Everything here runs on the UI thread (the one that calls
 * curses), except tui_queue_push(), which any thread may call.
 */
#ifndef TUI_TUI_H
#define TUI_TUI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/error.h"
#include "base/event.h"
#include "frontend.h"
#include "plan/options.h"
#include "plan/plan.h"

/* ---- Screens ---------------------------------------------------- */

/* What a screen's key (or event) hook did. */
enum {
    TUI_HANDLED = 1 << 0,       /* the key was consumed */
    TUI_REDRAW = 1 << 1,        /* something changed: redraw */
    TUI_NEXT = 1 << 2,          /* go to the next screen */
    TUI_BACK = 1 << 3,          /* go to the previous screen */
    TUI_QUIT = 1 << 4,          /* leave the wizard (no confirmation) */
};

struct tui_ctx;
struct tui_msg;

struct tui_screen {
    const char *id;             /* "ssh": help entry "screen-ssh" */
    const char *title;          /* N_() */
    void (*enter)(struct tui_ctx *ctx);
    void (*draw)(struct tui_ctx *ctx, int top, int rows);
    int (*key)(struct tui_ctx *ctx, int action, int ch);
    void (*leave)(struct tui_ctx *ctx, bool forward);
    int (*event)(struct tui_ctx *ctx, const struct tui_msg *msg);
    /* Translated key-bar hints specific to this screen, or NULL. */
    const char *(*hint)(struct tui_ctx *ctx);
    /* Whether the focused widget takes typed text (q, ? are text). */
    bool (*typing)(struct tui_ctx *ctx);
    /* A form screen with Back / Next buttons on the row above the
     * status line (the screen gets one row fewer). */
    bool nav;
};

extern const struct tui_screen screen_welcome;
extern const struct tui_screen screen_ssh;
extern const struct tui_screen screen_uri;
extern const struct tui_screen screen_vm;
extern const struct tui_screen screen_disks;
extern const struct tui_screen screen_target;
extern const struct tui_screen screen_summary;
extern const struct tui_screen screen_run;
extern const struct tui_screen screen_done;

/* Cancel the migration the Run screen started, as its Esc does (no
 * question asked); false if none runs. */
bool tui_run_cancel(struct tui_ctx *ctx);

/* ---- Keys -------------------------------------------------------- */

enum tui_action {
    TUI_ACT_NONE,               /* not bound: a character for a field */
    TUI_ACT_NEXT_FIELD,         /* Tab */
    TUI_ACT_PREV_FIELD,         /* Shift-Tab */
    TUI_ACT_UP,
    TUI_ACT_DOWN,
    TUI_ACT_LEFT,
    TUI_ACT_RIGHT,
    TUI_ACT_PAGE_UP,
    TUI_ACT_PAGE_DOWN,
    TUI_ACT_HOME,
    TUI_ACT_END,
    TUI_ACT_ENTER,              /* activate / next */
    TUI_ACT_TOGGLE,             /* space */
    TUI_ACT_BACK,               /* Esc */
    TUI_ACT_HELP,               /* F1, ?, Ctrl-G */
    TUI_ACT_QUIT,               /* F10, q, Ctrl-X */
    TUI_ACT_ERASE,              /* Backspace */
    TUI_ACT_KILL,               /* Ctrl-U: clear the field */
    TUI_ACT_RESIZE,
};

/* Map a key from wget_wch() to an action.  IS_CODE: a KEY_* code.
 * TYPING: a text field has the focus, so printable keys (?, q, space)
 * are characters, not actions. */
int tui_keys_action(int ch, bool is_code, bool typing);

/* ---- The wizard's state ----------------------------------------- */

enum tui_dialog_kind {
    TUI_DLG_NONE,
    TUI_DLG_MESSAGE,            /* OK */
    TUI_DLG_CONFIRM,            /* Yes / No */
    TUI_DLG_HELP,               /* scrollable help text */
};

/* Called with the answer of a confirm dialog (true = yes). */
typedef void (*tui_dialog_fn)(struct tui_ctx *ctx, bool yes);

struct tui_dialog {
    enum tui_dialog_kind kind;
    char *title;
    char *text;
    bool yes;                   /* the focused button of a confirm */
    int scroll;                 /* help: first line shown */
    tui_dialog_fn fn;
};

struct tui_ctx {
    struct x2k_plan *plan;
    const struct x2k_cli *cli;
    bool demo;
    char *log_path;             /* where the log goes; shown on Welcome */
    size_t cur;                 /* index of the current screen */
    bool dirty;
    bool quit;
    int exit_code;
    struct tui_dialog dlg;
    char *status;               /* the status line, or NULL */
    bool status_error;
    bool running;               /* a migration job runs: Ctrl-C asks */
    int stop_signal;            /* SIGTERM/SIGHUP/SIGQUIT came during a
                                 * run: quit once it has stopped */
    double stop_deadline;       /* ... or at this x2k_now() anyway */
    bool tick;                  /* redraw every 100 ms (set by draw) */
    /* The source's guests, once listed (URI and VM screens). */
    struct tui_vm *vms;
    size_t n_vms;
    bool vms_loaded;
    /* The URI changed its host: the SSH screen reads its fields from
     * it again. */
    bool ssh_reload;
    /* The run's outcome, for the Done screen. */
    int run_rc;                 /* -1 not run, 0 ok, else TUI_EXIT_* */
    char *run_error;
    char *run_dir;              /* the engine's run directory, or NULL */
    size_t n_warnings;
    char **run_warnings;        /* their texts (n_warnings of them) */
    char *run_domain;           /* the new domain, once defined */
    char *run_target;           /* where it was defined, or NULL */
    bool run_defined;
    bool run_started;
    char *run_boot;             /* the boot check's result (boot.c) */
    char **run_copies;          /* the disks' copies (paths/volumes) */
    size_t n_run_copies;
};

/* ---- The boot check (boot.c) ------------------------------------ */

/* The Summary's check box "Start it and check that it boots". */
extern struct tui_widget tui_boot_widget;
/* The check box from the plan (disabled for --output local). */
void tui_boot_widget_sync(struct tui_ctx *ctx);
/* The plan from the check box; true when that changed the plan. */
bool tui_boot_widget_apply(struct tui_ctx *ctx);
struct x2k_engine_result;
/* The Done screen's line on the boot check, or NULL when none ran.
 * Caller frees. */
char *tui_boot_result_text(const struct x2k_engine_result *res);

/* The source URI the plan opens (the demo host's in --demo).  Caller
 * frees; NULL when none is known yet. */
char *tui_source_uri(const struct tui_ctx *ctx);
/* Whether the focused widget of the current screen takes text. */
bool tui_screen_typing(struct tui_ctx *ctx);

/* Go to screen INDEX (leave/enter hooks run). */
void tui_wizard_goto(struct tui_ctx *ctx, size_t index);
size_t tui_wizard_index(const char *id);
/* Ask whether to quit (and cancel a running conversion). */
void tui_wizard_ask_quit(struct tui_ctx *ctx);

void tui_set_status(struct tui_ctx *ctx, bool error, const char *fmt, ...)
    X2K_PRINTF(3, 4);

void tui_dialog_message(struct tui_ctx *ctx, const char *title,
                        const char *text);
void tui_dialog_confirm(struct tui_ctx *ctx, const char *title,
                        const char *text, tui_dialog_fn fn);
void tui_dialog_help(struct tui_ctx *ctx, const char *help_id);
/* A long text (a log) in the help viewer: it wraps and scrolls. */
void tui_dialog_text(struct tui_ctx *ctx, const char *title,
                     const char *text);
void tui_dialog_close(struct tui_ctx *ctx);
void tui_dialog_draw(struct tui_ctx *ctx);
/* Feed a key to the open dialog; returns TUI_* flags. */
int tui_dialog_key(struct tui_ctx *ctx, int action, int ch);

/* ---- Drawing (display columns, never bytes) --------------------- */

enum tui_color {
    TUI_C_NORMAL,
    TUI_C_TITLE,
    TUI_C_KEY,
    TUI_C_FOCUS,
    TUI_C_OK,
    TUI_C_WARN,
    TUI_C_FAIL,
    TUI_C_DEMO,
    TUI_C_DIM,
    TUI_C_BAR,
};

void tui_draw_init_colors(void);
/* Attributes for role C (colour, or bold/reverse in monochrome). */
int tui_attr(enum tui_color c);

/* Write S at (Y, X) in at most W columns, padding with spaces when
 * PAD.  Returns the columns written. */
int tui_put(int y, int x, int w, const char *s, bool pad);
/* Same, text right-aligned to column X+W. */
void tui_put_right(int y, int x, int w, const char *s);

/* Wrap S to W columns: an array of lines (caller frees each and the
 * array), *N set.  Breaks at spaces, or between CJK characters. */
char **tui_wrap(const char *s, int w, size_t *n);
void tui_lines_free(char **lines, size_t n);
/* Draw S wrapped at (Y, X), at most MAXROWS rows; returns rows used. */
int tui_put_wrapped(int y, int x, int w, int maxrows, const char *s);

void tui_draw_hline(int y, int x, int w);
void tui_draw_box(int y, int x, int h, int w);

/* A progress bar of W columns: [####....] with text centred. */
void tui_draw_bar(int y, int x, int w, double frac, const char *text);

/* "1.5 GiB", "12 MiB/s"; into BUF of size N. */
const char *tui_fmt_eta(double secs, char *buf, size_t len);

/* ---- Widgets ---------------------------------------------------- */

enum tui_widget_kind {
    TUI_W_FIELD,                /* one-line text input */
    TUI_W_CHECK,                /* [x] label */
    TUI_W_CHOICE,               /* < raw > cycled with left/right/space */
    TUI_W_LIST,                 /* selectable rows, type to filter */
    TUI_W_BUTTON,               /* [ Label ] */
};

#define TUI_FIELD_MAX 1024

struct tui_widget {
    enum tui_widget_kind kind;
    const char *label;          /* N_(); translated when drawn */
    int id;                     /* returned when a button is pressed */
    bool disabled;
    char *disabled_reason;      /* translated, owned */
    /* TUI_W_FIELD */
    char text[TUI_FIELD_MAX];   /* UTF-8 */
    bool masked;                /* passwords: drawn as '*' */
    bool secret;                /* masked and not empty: a secret held */
    /* TUI_W_CHECK */
    bool on;
    /* TUI_W_CHOICE: N_() option names */
    const char *const *options;
    size_t n_options;
    size_t sel;
    /* TUI_W_LIST: rows owned by the widget; SEL indexes ROWS */
    char **rows;
    char **keys;                /* what the filter matches, or NULL:
                                   the rows themselves */
    size_t n_rows;
    size_t top;
    char filter[64];
    bool filterable;
    const char *header;         /* column titles under the label, lined
                                   up with the rows; borrowed, or NULL */
    /* Placement, set by the screen before drawing. */
    int y, x, w, h;
};

struct tui_form {
    struct tui_widget **w;
    size_t n;
    size_t focus;
};

/* Keys for the focused widget and focus movement.  Returns TUI_*
 * flags; *PRESSED is set to a button's id (or -1). */
int tui_form_key(struct tui_form *f, int action, int ch, int *pressed);
/* Whether the focused widget takes typed characters. */
bool tui_form_typing(const struct tui_form *f);
void tui_form_draw(const struct tui_form *f);
void tui_widget_draw(const struct tui_widget *w, bool focus);
/* Column where the widget's label ends (for aligned fields). */
void tui_field_set(struct tui_widget *w, const char *s);
/* Wipe a (password) field. */
void tui_field_wipe(struct tui_widget *w);
void tui_list_set_rows(struct tui_widget *w, char **rows, size_t n);
/* KEYS (N of them, taken over): the filter matches these instead. */
void tui_list_set_keys(struct tui_widget *w, char **keys);
void tui_list_clear(struct tui_widget *w);
/* Index of the selected row in ROWS after filtering, or -1. */
long tui_list_selected(const struct tui_widget *w);
/* Whether row I matches the list's filter. */
bool tui_list_visible(const struct tui_widget *w, size_t i);
void tui_widget_disable(struct tui_widget *w, const char *reason);
void tui_widget_enable(struct tui_widget *w);

/* The Back / Next buttons of a form screen, as nmtui and dialog have:
 * widgets of the screen's form (after its own), placed by
 * tui_nav_place at the right of the row above the status line.  NEXT
 * may be NULL (the Summary's Start goes on). */
enum { TUI_NAV_BACK = 900, TUI_NAV_NEXT = 901 };
#define TUI_NAV_BUTTON(ID) { .kind = TUI_W_BUTTON, .id = (ID) }
void tui_nav_place(struct tui_widget *back, struct tui_widget *next);
/* Enter or Space on a focused nav button: TUI_HANDLED | TUI_BACK for
 * Back (the focus moves on to Next, so that Enter goes on when the
 * screen is shown again); for Next, *ACTION becomes TUI_ACT_ENTER (the
 * screen's own Enter checks run) and 0 is returned, as for any other
 * key. */
int tui_nav_key(struct tui_form *f, int *action);
/* Whether the focused widget is the Next button. */
bool tui_nav_next_focused(const struct tui_form *f);

/* A scrollable text pane (log, dumpxml). */
struct tui_pane {
    char **lines;
    size_t n;
    size_t cap;
    size_t top;
    bool follow;                /* keep the last line visible */
};
void tui_pane_add(struct tui_pane *p, const char *line);
void tui_pane_set_text(struct tui_pane *p, const char *text);
void tui_pane_clear(struct tui_pane *p);
void tui_pane_draw(struct tui_pane *p, int y, int x, int h, int w,
                   bool focus);
int tui_pane_key(struct tui_pane *p, int action, int h);

/* A form with a scrollable pane (URI test, Summary).  Tab after the
 * last widget, or Shift-Tab before the first, focuses the pane; from
 * the pane, Tab goes to the first widget and Shift-Tab to the last. */
struct tui_paned {
    struct tui_form form;
    struct tui_pane pane;
    int pane_h;                 /* the pane's rows, as last drawn */
    bool pane_focus;
    bool page_keys;             /* PgUp/PgDn scroll the pane from the
                                   form too */
};
/* Draw the pane at (Y, X), H rows of W columns, then the form, whose
 * widgets the screen has placed (none is focused while the pane is). */
void tui_paned_draw(struct tui_paned *p, int y, int x, int h, int w);
/* Focus moves between the form and the pane, and the pane's scroll
 * keys (arrows, PgUp/PgDn, Home, End) while it has the focus.  Returns
 * TUI_* flags, or 0 for a key left to the screen (Enter in the pane,
 * the widgets' own keys): P->pane_focus says which one has it. */
int tui_paned_key(struct tui_paned *p, int action);
/* Whether the focused widget takes typed text (the pane never does). */
bool tui_paned_typing(const struct tui_paned *p);

/* ---- Worker threads and the event queue ------------------------- */

enum tui_msg_kind {
    TUI_MSG_EVENT,              /* a copy of a core x2k_event */
    TUI_MSG_TASK_DONE,          /* a background task finished */
};

struct tui_msg {
    enum tui_msg_kind kind;
    struct x2k_event ev;        /* ev.text/disk_name point into TEXT... */
    char *text;
    char *disk_name;
    int task;                   /* the task's id */
    int rc;                     /* the task's result */
    struct x2k_error err;       /* the task's error (owned) */
    void *result;               /* the task's result data (owned by
                                   the receiver) */
    struct tui_msg *next;
};

/* Create the self-pipe.  UI thread, once. */
bool tui_queue_init(void);
int tui_queue_fd(void);
/* Any thread: queue MSG (taken over) and wake the UI thread. */
void tui_queue_push(struct tui_msg *msg);
/* UI thread: the next message, or NULL.  Free with tui_msg_free. */
struct tui_msg *tui_queue_pop(void);
void tui_msg_free(struct tui_msg *msg);
/* An x2k_event_fn that queues a copy of each event. */
void tui_queue_event_fn(const struct x2k_event *ev, void *opaque);

/* Run FN(ARG, &result, err) on a detached worker thread; its return
 * value, result and error come back as a TUI_MSG_TASK_DONE with id
 * TASK. */
typedef int (*tui_task_fn)(void *arg, void **result,
                           struct x2k_error *err);
void tui_task_start(int task, tui_task_fn fn, void *arg);
/* How many tasks are still running. */
int tui_task_active(void);

#endif /* TUI_TUI_H */

/* The one key binding table: every key the wizard understands, mapped
 * to an action, so screens never test raw key codes.  Each action has
 * a binding without function keys, for terminals that eat them.  UI
 * thread.
 */
#include <config.h>

#include "tcurses.h"

#include "tui.h"

#define CTRL(c) ((c) & 0x1f)

struct binding {
    int ch;
    bool is_code;               /* a KEY_* code, not a character */
    bool printable;             /* a character a text field takes */
    enum tui_action action;
};

static const struct binding bindings[] = {
    { '\t', false, false, TUI_ACT_NEXT_FIELD },
    { KEY_BTAB, true, false, TUI_ACT_PREV_FIELD },
    { KEY_UP, true, false, TUI_ACT_UP },
    { CTRL('P'), false, false, TUI_ACT_UP },
    { KEY_DOWN, true, false, TUI_ACT_DOWN },
    { CTRL('N'), false, false, TUI_ACT_DOWN },
    { KEY_LEFT, true, false, TUI_ACT_LEFT },
    { KEY_RIGHT, true, false, TUI_ACT_RIGHT },
    { KEY_PPAGE, true, false, TUI_ACT_PAGE_UP },
    { KEY_NPAGE, true, false, TUI_ACT_PAGE_DOWN },
    { KEY_HOME, true, false, TUI_ACT_HOME },
    { KEY_END, true, false, TUI_ACT_END },
    { '\r', false, false, TUI_ACT_ENTER },
    { '\n', false, false, TUI_ACT_ENTER },
    { KEY_ENTER, true, false, TUI_ACT_ENTER },
    { ' ', false, true, TUI_ACT_TOGGLE },
    { 27, false, false, TUI_ACT_BACK },
    { KEY_F(1), true, false, TUI_ACT_HELP },
    { '?', false, true, TUI_ACT_HELP },
    { CTRL('G'), false, false, TUI_ACT_HELP },      /* as in nano */
    { KEY_F(10), true, false, TUI_ACT_QUIT },
    { 'q', false, true, TUI_ACT_QUIT },
    { 'Q', false, true, TUI_ACT_QUIT },
    { CTRL('X'), false, false, TUI_ACT_QUIT },      /* as in nano */
    { KEY_BACKSPACE, true, false, TUI_ACT_ERASE },
    { 127, false, false, TUI_ACT_ERASE },
    { CTRL('H'), false, false, TUI_ACT_ERASE },
    { CTRL('U'), false, false, TUI_ACT_KILL },
    { KEY_RESIZE, true, false, TUI_ACT_RESIZE },
};

int
tui_keys_action(int ch, bool is_code, bool typing)
{
    size_t i;

    for (i = 0; i < X2K_N_ELEMENTS(bindings); i++) {
        const struct binding *b = &bindings[i];

        if (b->ch == ch && b->is_code == is_code) {
            if (typing && b->printable)
                return TUI_ACT_NONE;
            return b->action;
        }
    }
    return TUI_ACT_NONE;
}

/* The ncursesw wizard; see frontend.h for its entry point. */
#ifndef TUI_WIZARD_H
#define TUI_WIZARD_H

#include "frontend.h"

#endif /* TUI_WIZARD_H */

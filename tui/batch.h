/* Batch (line-mode) front end; see frontend.h. */
#ifndef TUI_BATCH_H
#define TUI_BATCH_H

#include "frontend.h"

#endif /* TUI_BATCH_H */

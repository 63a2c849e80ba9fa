# core/engine: listed here, built into libx2k (core/Makefile.am).
libx2k_la_SOURCES += \
	%reldir%/engine-convert.c \
	%reldir%/engine-copy.c \
	%reldir%/engine-define.c \
	%reldir%/engine-internal.h \
	%reldir%/engine-report.c \
	%reldir%/engine.c \
	%reldir%/engine.h \
	%reldir%/preflight-dest.c \
	%reldir%/preflight-lock.c \
	%reldir%/preflight.c \
	%reldir%/preflight.h \
	%reldir%/v2v-parse.c \
	%reldir%/v2v.c \
	%reldir%/v2v.h \
	$(NULL)

# Plain text: what the folder owns and who may call it.
EXTRA_DIST += %reldir%/README

# core/plan: listed here, built into libx2k (core/Makefile.am).
libx2k_la_SOURCES += \
	%reldir%/options-argv.c \
	%reldir%/options-internal.h \
	%reldir%/options.c \
	%reldir%/options.h \
	%reldir%/plan.c \
	%reldir%/plan.h \
	%reldir%/rundir.c \
	%reldir%/rundir.h \
	%reldir%/uri.c \
	%reldir%/uri.h \
	$(NULL)

EXTRA_DIST += %reldir%/README

# core/target: listed here, built into libx2k (core/Makefile.am).
libx2k_la_SOURCES += \
	%reldir%/bootcheck.c \
	%reldir%/bootcheck.h \
	%reldir%/target.c \
	%reldir%/target.h \
	$(NULL)

EXTRA_DIST += %reldir%/README

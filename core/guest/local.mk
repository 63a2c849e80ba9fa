# core/guest: listed here, built into libx2k (core/Makefile.am).
libx2k_la_SOURCES += \
	%reldir%/guest-boot.c \
	%reldir%/guest-inspect.c \
	%reldir%/guest-internal.h \
	%reldir%/guest-io.c \
	%reldir%/guest-rewrite-boot.c \
	%reldir%/guest-rewrite-internal.h \
	%reldir%/guest-rewrite-root.c \
	%reldir%/guest-rewrite.c \
	%reldir%/guest-rewrite.h \
	%reldir%/guest.c \
	%reldir%/guest.h \
	$(NULL)
EXTRA_DIST += %reldir%/README

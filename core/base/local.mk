# core/base: listed here, built into libx2k (core/Makefile.am).
libx2k_la_SOURCES += \
	%reldir%/error.c \
	%reldir%/error.h \
	%reldir%/event.c \
	%reldir%/event.h \
	%reldir%/fsutil.c \
	%reldir%/fsutil.h \
	%reldir%/i18n.h \
	%reldir%/json.c \
	%reldir%/json.h \
	%reldir%/log.c \
	%reldir%/log.h \
	%reldir%/secret.c \
	%reldir%/secret.h \
	%reldir%/shquote.c \
	%reldir%/shquote.h \
	%reldir%/text.c \
	%reldir%/text.h \
	%reldir%/util.c \
	%reldir%/util.h \
	%reldir%/virt.c \
	%reldir%/virt.h \
	%reldir%/xml.c \
	%reldir%/xml.h \
	$(NULL)

EXTRA_DIST += %reldir%/README

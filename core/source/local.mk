# core/source: listed here, built into libx2k (core/Makefile.am).
libx2k_la_SOURCES += \
	%reldir%/demo.c \
	%reldir%/demo.h \
	%reldir%/image-source.c \
	%reldir%/inventory.c \
	%reldir%/inventory.h \
	%reldir%/listcache.c \
	%reldir%/listcache.h \
	%reldir%/source.c \
	%reldir%/source.h \
	%reldir%/xl-cfg.c \
	%reldir%/xl-cfg.h \
	%reldir%/source-internal.h \
	%reldir%/xl-running.c \
	%reldir%/xl-source.c \
	%reldir%/xl-spec.c \
	%reldir%/xl-xml.c \
	$(NULL)

EXTRA_DIST += %reldir%/README

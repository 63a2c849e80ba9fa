# core/source: listed here, built into libx2k (core/Makefile.am).
libx2k_la_SOURCES += \
	%reldir%/demo.c \
	%reldir%/demo.h \
	%reldir%/inventory.c \
	%reldir%/inventory.h \
	%reldir%/listcache.c \
	%reldir%/listcache.h \
	%reldir%/source.c \
	%reldir%/source.h \
	$(NULL)

EXTRA_DIST += %reldir%/README

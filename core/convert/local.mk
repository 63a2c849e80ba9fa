# core/convert: listed here, built into libx2k (core/Makefile.am).
libx2k_la_SOURCES += \
	%reldir%/kvm.c \
	%reldir%/kvm.h \
	%reldir%/layout.c \
	%reldir%/layout.h \
	%reldir%/xmlconv-caps.c \
	%reldir%/xmlconv-devices.c \
	%reldir%/xmlconv-disks.c \
	%reldir%/xmlconv-guest.c \
	%reldir%/xmlconv-internal.h \
	%reldir%/xmlconv-os.c \
	%reldir%/xmlconv-platform.c \
	%reldir%/xmlconv-tree.c \
	%reldir%/xmlconv.c \
	%reldir%/xmlconv.h \
	$(NULL)

# What each file owns, and who may call the folder.
EXTRA_DIST += %reldir%/README

# core/convert: listed here, built into libx2k (core/Makefile.am).
libx2k_la_SOURCES += \
	%reldir%/kvm.c \
	%reldir%/kvm.h \
	%reldir%/xmlconv-caps.c \
	%reldir%/xmlconv-internal.h \
	%reldir%/xmlconv.c \
	%reldir%/xmlconv.h \
	$(NULL)

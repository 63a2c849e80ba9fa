# core/guest: listed here, built into libx2k (core/Makefile.am).
libx2k_la_SOURCES += \
	%reldir%/guest-rewrite.c \
	%reldir%/guest-rewrite.h \
	%reldir%/guest.c \
	%reldir%/guest.h \
	$(NULL)

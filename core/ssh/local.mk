# core/ssh: listed here, built into libx2k (core/Makefile.am).
libx2k_la_SOURCES += \
	%reldir%/ssh.c \
	%reldir%/ssh.h \
	$(NULL)

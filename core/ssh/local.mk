# core/ssh: listed here, built into libx2k (core/Makefile.am).
libx2k_la_SOURCES += \
	%reldir%/auth.c \
	%reldir%/channel.c \
	%reldir%/keys.c \
	%reldir%/known-hosts.c \
	%reldir%/openssh.c \
	%reldir%/ssh-internal.h \
	%reldir%/ssh.c \
	%reldir%/ssh.h \
	$(NULL)
EXTRA_DIST += %reldir%/README

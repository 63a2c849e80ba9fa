# core/transfer: listed here, built into libx2k (core/Makefile.am).
libx2k_la_SOURCES += \
	%reldir%/transfer-checksum.c \
	%reldir%/transfer-decode.c \
	%reldir%/transfer-decode.h \
	%reldir%/transfer-internal.h \
	%reldir%/transfer-job.h \
	%reldir%/transfer-journal.c \
	%reldir%/transfer-progress.c \
	%reldir%/transfer-qcow2.c \
	%reldir%/transfer-read.c \
	%reldir%/transfer-source.c \
	%reldir%/transfer-ssh.c \
	%reldir%/transfer-ssh.h \
	%reldir%/transfer-stream.c \
	%reldir%/transfer-verify.c \
	%reldir%/transfer-write.c \
	%reldir%/transfer.c \
	%reldir%/transfer.h \
	$(NULL)

# The streamer script lives here as a readable file and is embedded as a
# C string literal at build time (tests/test-transfer.c checks the match).
BUILT_SOURCES += %reldir%/transfer-streamer.inc
nodist_libx2k_la_SOURCES += %reldir%/transfer-streamer.inc
EXTRA_DIST += %reldir%/transfer-streamer.sh
CLEANFILES += %reldir%/transfer-streamer.inc
%reldir%/transfer-streamer.inc: $(srcdir)/%reldir%/transfer-streamer.sh
	$(AM_V_GEN)$(MKDIR_P) $(@D) && sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' \
	    -e 's/^/"/' -e 's/$$/\\n"/' $< > $@-t && mv $@-t $@

# Plain text: what the folder owns and who may call it.
EXTRA_DIST += %reldir%/README

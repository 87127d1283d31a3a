# src/lib: libqmail, linked statically into every program.  Layers: base;
# io, parse; sys, control, queue, net, log.  check-layers enforces them.
noinst_LTLIBRARIES += src/lib/libqmail.la
src_lib_libqmail_la_SOURCES = \
	src/lib/base/auto.h \
	src/lib/base/date822.cc \
	src/lib/base/date822.h \
	src/lib/base/exit_code.h \
	src/lib/base/fd.cc \
	src/lib/base/fd.h \
	src/lib/base/guard.h \
	src/lib/base/result.cc \
	src/lib/base/result.h \
	src/lib/base/str.cc \
	src/lib/base/str.h \
	src/lib/control/control.cc \
	src/lib/control/control.h \
	src/lib/io/reader.cc \
	src/lib/io/reader.h \
	src/lib/io/stream.h \
	src/lib/io/writer.cc \
	src/lib/io/writer.h \
	src/lib/log/escape.cc \
	src/lib/log/escape.h \
	src/lib/queue/client.cc \
	src/lib/queue/client.h \
	src/lib/queue/paths.cc \
	src/lib/queue/paths.h \
	src/lib/sys/lock.cc \
	src/lib/sys/lock.h \
	src/lib/sys/open.cc \
	src/lib/sys/open.h \
	src/lib/sys/priv.cc \
	src/lib/sys/priv.h \
	src/lib/sys/process.cc \
	src/lib/sys/process.h \
	src/lib/sys/sig.cc \
	src/lib/sys/sig.h

EXTRA_DIST += src/lib/check-layers.sh
TESTS += src/lib/check-layers.sh

// sig.h: signal dispositions via sigaction.  Handlers set a flag or _exit.
#pragma once

namespace qmail::sys {

using SignalHandler = void (*)(int);

/// Installs `handler` for `sig` without SA_RESTART, so blocking calls see EINTR.
void catch_signal(int sig, SignalHandler handler);
void ignore_signal(int sig);
void default_signal(int sig);
void block_signal(int sig);
void unblock_signal(int sig);

}  // namespace qmail::sys

// tcp-env: runs as whoever starts it (inetd, a systemd socket unit), before the server it runs.
// Reads the socket on descriptor 0 (getsockname, getpeername), the DNS, the peer's ident server.
// Writes nothing: sets the tcp-environ(5) variables and execs the program.
#include "base/exit_code.h"
#include "base/guard.h"
#include "tcp_env.h"

int main(int argc, char** argv) {
  return qmail::run_guarded(qmail::ToolExit::kTemporary, qmail::ToolExit::kTemporary,
                            [&] { return qmail::tcpenv::run(argc, argv); });
}

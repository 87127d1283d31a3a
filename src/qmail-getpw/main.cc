// qmail-getpw: runs as qmailp (group nofiles), started by qmail-lspawn per delivery.
// Reads the passwd database and looks at home directories.
// Writes the answer to stdout; nothing else.
#include "base/guard.h"
#include "getpw.h"

int main(int argc, char** argv) {
  using qmail::getpw::GetpwExit;
  return qmail::run_guarded(GetpwExit::kNoMem, GetpwExit::kSys,
                            [&] { return qmail::getpw::run(argc, argv); });
}

#include "newmrh.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>

#include "base/auto.h"
#include "base/exit_code.h"
#include "base/str.h"
#include "control/cdb_make.h"
#include "control/control.h"
#include "io/writer.h"
#include "sys/open.h"

namespace qmail::newmrh {

namespace {
constexpr const char* kSource = "control/morercpthosts";
constexpr const char* kTemp = "control/morercpthosts.tmp";  // qmail's name for it
constexpr const char* kTarget = "control/morercpthosts.cdb";

int fatal(std::string_view what) {
  std::string line = "qmail-newmrh: fatal: ";
  line.append(what);
  line.push_back('\n');
  (void)io::write_all(2, line);
  return as_int(ToolExit::kTemporary);  // qmail-newmrh exits 111 on every trouble
}
/// "unable to <doing> <path>: <reason>", without repeating what the library
/// already said about the path.
std::string trouble(std::string_view doing, std::string_view path, const Error& e) {
  std::string line(doing);
  line.append(" ").append(path).append(": ");
  line.append(e.errnum ? std::strerror(e.errnum) : e.what);
  return line;
}

/// The cdb into kTemp, flushed, then renamed over kTarget and the directory
/// flushed: qmail-smtpd sees the old database or the new one, never half of one.
int install(std::string_view cdb) {
  auto fd = sys::open_trunc(kTemp, 0644);
  if (!fd) return fatal(trouble("unable to write", kTemp, fd.error()));
  if (auto st = io::write_all(fd->get(), cdb); !st)
    return fatal(trouble("unable to write", kTemp, st.error()));
  if (auto st = sys::sync_fd(fd->get()); !st)
    return fatal(trouble("unable to write", kTemp, st.error()));
  if (auto st = fd->close(); !st) return fatal(trouble("unable to write", kTemp, st.error()));
  if (::rename(kTemp, kTarget) == -1)
    return fatal(trouble("unable to move", kTemp, sys_error("rename")));
  if (auto st = sys::sync_dir("control"); !st)
    return fatal(trouble("unable to sync", "control", st.error()));
  return as_int(ToolExit::kOk);
}
}  // namespace

Result<std::string> build_morercpthosts_cdb(std::string_view text) {
  control::CdbMake maker;
  while (!text.empty()) {
    auto nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
    line = trim_right(line);
    if (line.empty() || line.front() == '#') continue;
    if (auto st = maker.add(ascii_lower(line), ""); !st) return st.error();
  }
  return maker.finish();
}

int run() {
  ::umask(033);
  if (::chdir(autoconf::kHome) == -1)
    return fatal(trouble("unable to chdir to", autoconf::kHome, sys_error("chdir")));
  std::string text;
  bool found = false;
  if (auto st = sys::read_file(kSource, text, control::kMaxControlFile, &found); !st)
    return fatal(st.error().errnum ? trouble("unable to read", kSource, st.error())
                                   : st.error().what);  // already names the file
  if (!found) return fatal(std::string("unable to read ") + kSource + ": file does not exist");
  auto cdb = build_morercpthosts_cdb(text);
  if (!cdb) return fatal(trouble("unable to build", kTarget, cdb.error()));
  return install(*cdb);
}

}  // namespace qmail::newmrh

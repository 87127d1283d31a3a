#include "sys/open.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>

#include "io/reader.h"
#include "io/writer.h"

namespace qmail::sys {

namespace {
Result<Fd> open_flags(const std::string& path, int flags, mode_t mode) {
  for (;;) {
    int fd = ::open(path.c_str(), flags | O_CLOEXEC, mode);
    if (fd >= 0) return Fd(fd);
    if (errno == EINTR) continue;
    return sys_error("unable to open " + path);
  }
}
}  // namespace

Result<Fd> open_read(const std::string& path) { return open_flags(path, O_RDONLY, 0); }
Result<Fd> open_write(const std::string& path) { return open_flags(path, O_WRONLY, 0); }
Result<Fd> open_append(const std::string& path) { return open_flags(path, O_WRONLY | O_APPEND, 0); }
Result<Fd> open_excl(const std::string& path, mode_t mode) {
  return open_flags(path, O_WRONLY | O_CREAT | O_EXCL, mode);
}
Result<Fd> open_trunc(const std::string& path, mode_t mode) {
  return open_flags(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
}
Result<Fd> open_dir(const std::string& path) { return open_flags(path, O_RDONLY | O_DIRECTORY, 0); }

Status sync_fd(int fd) {
  if (::fsync(fd) == -1) return sys_error("unable to fsync");
  return {};
}

Status sync_dir(const std::string& path) {
  auto fd = open_dir(path);
  if (!fd) return fd.error();
  if (::fsync(fd->get()) == -1 && errno != EINVAL) return sys_error("unable to fsync " + path);
  return {};
}

Result<bool> exists(const std::string& path) {
  struct stat st;
  if (::lstat(path.c_str(), &st) == 0) return true;
  if (errno == ENOENT) return false;
  return sys_error("unable to stat " + path);
}

Status read_file(const std::string& path, std::string& out, std::size_t max, bool* found) {
  out.clear();
  auto fd = open_read(path);
  if (!fd) {
    if (fd.error().errnum == ENOENT) {
      if (found) *found = false;
      return {};
    }
    return fd.error();
  }
  if (found) *found = true;
  io::Reader r(fd->get());
  if (auto st = r.read_all(out, max); !st) {
    Error e = st.error();
    e.what = "unable to read " + path + (e.errnum ? "" : ": " + e.what);
    return e;
  }
  return {};
}

Status write_file_atomic(const std::string& path, std::string_view data, mode_t mode) {
  std::string tmp = path + ".tmp";
  ::unlink(tmp.c_str());
  auto fd = open_excl(tmp, mode);
  if (!fd) return fd.error();
  if (auto st = io::write_all(fd->get(), data); !st) return st;
  if (auto st = sync_fd(fd->get()); !st) return st;
  if (auto st = fd->close(); !st) return st;
  if (::rename(tmp.c_str(), path.c_str()) == -1) return sys_error("unable to move " + tmp);
  auto slash = path.rfind('/');
  return sync_dir(slash == std::string::npos ? "." : path.substr(0, slash == 0 ? 1 : slash));
}

}  // namespace qmail::sys

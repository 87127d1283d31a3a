// check_tmp.h: temporary files for Check suites.  Directories made here are
// removed when the test process exits (also after a failed assertion, which
// exits too); set KEEP_TMP in the environment to keep them for a look.
#pragma once

#include <check.h>
#include <fcntl.h>
#include <ftw.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <string>
#include <vector>

namespace check_tmp {

inline std::vector<std::string>& dirs() {
  static std::vector<std::string> d;
  return d;
}

inline void remove_all() {
  if (std::getenv("KEEP_TMP")) return;
  for (const auto& d : dirs())
    ::nftw(
        d.c_str(), [](const char* p, const struct stat*, int, struct FTW*) { return ::remove(p); },
        16, FTW_DEPTH | FTW_PHYS);
}

/// A new directory /tmp/<name>.XXXXXX, removed at exit.
inline std::string make_dir(const std::string& name) {
  std::string tmpl = "/tmp/" + name + ".XXXXXX";
  ck_assert_ptr_nonnull(::mkdtemp(tmpl.data()));
  if (dirs().empty()) std::atexit(remove_all);
  dirs().push_back(tmpl);
  return tmpl;
}

/// Writes `data` to `path` (created or truncated), then sets `mode`.
inline void write_file(const std::string& path, const std::string& data, mode_t mode = 0644) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  ck_assert_int_ge(fd, 0);
  ck_assert_int_eq(::write(fd, data.data(), data.size()), static_cast<ssize_t>(data.size()));
  ::close(fd);
  ck_assert_int_eq(::chmod(path.c_str(), mode), 0);
}

/// The queue tree as `make setup` lays it out under `dir` (which exists):
/// pid intd todo bounce lock, and mess info local remote with `split`
/// subdirectories; lock/trigger as a named pipe when `trigger`.
inline void make_queue_tree(const std::string& dir, unsigned split, bool trigger) {
  auto mk = [&](const std::string& d) {
    ck_assert_int_eq(::mkdir((dir + "/" + d).c_str(), 0700), 0);
  };
  for (const char* d : {"pid", "intd", "todo", "bounce", "lock", "mess", "info", "local", "remote"})
    mk(d);
  for (const char* d : {"mess", "info", "local", "remote"})
    for (unsigned i = 0; i < split; ++i) mk(std::string(d) + "/" + std::to_string(i));
  if (trigger) ck_assert_int_eq(::mkfifo((dir + "/lock/trigger").c_str(), 0622), 0);
}

}  // namespace check_tmp

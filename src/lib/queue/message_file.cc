#include "queue/message_file.h"

#include <dirent.h>

#include <algorithm>
#include <cerrno>

#include "base/str.h"

namespace qmail::queue {

namespace {

class DirHandle {
 public:
  explicit DirHandle(const std::string& path) : d_(::opendir(path.c_str())) {}
  ~DirHandle() {
    if (d_) ::closedir(d_);
  }
  DirHandle(const DirHandle&) = delete;
  DirHandle& operator=(const DirHandle&) = delete;
  [[nodiscard]] bool ok() const { return d_ != nullptr; }
  /// The next name other than . and ..; nullptr at the end or on error (errno set).
  const char* next() {
    for (;;) {
      errno = 0;
      struct dirent* e = ::readdir(d_);
      if (!e) return nullptr;
      std::string_view n = e->d_name;
      if (n != "." && n != "..") return e->d_name;
    }
  }

 private:
  DIR* d_;
};

}  // namespace

Result<std::vector<std::uint64_t>> list_message_ids(const std::string& dir) {
  DirHandle d(dir);
  if (!d.ok()) return sys_error("unable to opendir " + dir);
  std::vector<std::uint64_t> ids;
  while (const char* name = d.next()) {
    if (auto n = scan_u64(name)) ids.push_back(*n);
  }
  if (errno != 0) return sys_error("unable to read directory " + dir);
  std::sort(ids.begin(), ids.end());
  return ids;
}

Result<std::uint64_t> count_entries(const std::string& dir) {
  DirHandle d(dir);
  if (!d.ok()) return sys_error("unable to opendir " + dir);
  std::uint64_t n = 0;
  while (d.next()) ++n;
  if (errno != 0) return sys_error("unable to read directory " + dir);
  return n;
}

std::string join_path(std::string_view dir, std::string_view name) {
  if (dir.empty() || dir == ".") return std::string(name);
  std::string p(dir);
  if (p.back() != '/') p += '/';
  p += name;
  return p;
}

}  // namespace qmail::queue

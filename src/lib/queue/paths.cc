#include "queue/paths.h"

#include <fcntl.h>
#include <unistd.h>

#include "base/str.h"

namespace qmail::queue {

std::string_view dir_name(Dir d) {
  switch (d) {
    case Dir::kMess:
      return "mess";
    case Dir::kInfo:
      return "info";
    case Dir::kLocal:
      return "local";
    case Dir::kRemote:
      return "remote";
    case Dir::kIntd:
      return "intd";
    case Dir::kTodo:
      return "todo";
    case Dir::kBounce:
      return "bounce";
  }
  return "?";
}

bool is_split(Dir d) {
  return d == Dir::kMess || d == Dir::kInfo || d == Dir::kLocal || d == Dir::kRemote;
}

std::string path(Dir d, std::uint64_t id, unsigned split) {
  std::string p(dir_name(d));
  p += '/';
  if (is_split(d)) {
    p += fmt_u64(split_of(id, split));
    p += '/';
  }
  p += fmt_u64(id);
  return p;
}

void pull_trigger(const std::string& queue_dir) {
  std::string t = queue_dir + "/" + kTrigger;
  int fd = ::open(t.c_str(), O_WRONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd == -1) return;
  (void)!::write(fd, "", 1);
  ::close(fd);
}

}  // namespace qmail::queue

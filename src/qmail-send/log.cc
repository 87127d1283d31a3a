#include "qmail-send/log.h"

#include <string>

#include "base/str.h"
#include "io/writer.h"

namespace qmail::send {

void Log::line(std::initializer_list<std::string_view> pieces) const {
  std::string out;
  for (auto p : pieces) out.append(p);
  out += '\n';
  (void)io::write_all(fd_, out);
}

void Log::status(unsigned local, unsigned local_max, unsigned remote, unsigned remote_max) const {
  line({"status: local ", fmt_u64(local), "/", fmt_u64(local_max), " remote ", fmt_u64(remote), "/",
        fmt_u64(remote_max)});
}

}  // namespace qmail::send

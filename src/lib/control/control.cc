#include "control/control.h"

#include "base/str.h"
#include "sys/open.h"

namespace qmail::control {

namespace {
Status read_whole(const std::string& path, std::string& out, bool& found) {
  if (auto st = sys::read_file(path, out, kMaxControlFile, &found); !st) return st;
  return {};
}
}  // namespace

Result<std::optional<std::string>> read_line(const std::string& path) {
  std::string data;
  bool found = false;
  if (auto st = read_whole(path, data, found); !st) return st.error();
  if (!found) return std::optional<std::string>{};
  std::string_view v = data;
  auto nl = v.find('\n');
  if (nl != std::string_view::npos) v = v.substr(0, nl);
  return std::optional<std::string>{std::string(trim_right(v))};
}

Result<std::string> read_line_or(const std::string& path, std::string_view fallback) {
  auto line = read_line(path);
  if (!line) return line.error();
  if (!line->has_value() || (*line)->empty()) return std::string(fallback);
  return **line;
}

Result<std::vector<std::string>> read_lines(const std::string& path) {
  std::string data;
  bool found = false;
  if (auto st = read_whole(path, data, found); !st) return st.error();
  std::vector<std::string> lines;
  std::string_view v = data;
  while (!v.empty()) {
    auto nl = v.find('\n');
    std::string_view line = v.substr(0, nl);
    v = nl == std::string_view::npos ? std::string_view{} : v.substr(nl + 1);
    line = trim_right(line);
    if (line.empty() || line.front() == '#') continue;
    lines.emplace_back(line);
  }
  return lines;
}

Result<std::uint64_t> read_number(const std::string& path, std::uint64_t fallback) {
  auto line = read_line(path);
  if (!line) return line.error();
  if (!line->has_value()) return fallback;
  auto n = scan_u64(trim(**line));
  if (!n) return temp_error("unable to parse " + path + ": not a number");
  return *n;
}

StringSet::StringSet(const std::vector<std::string>& items) {
  for (const auto& s : items) insert(s);
}

void StringSet::insert(std::string_view s) { set_.insert(ascii_lower(s)); }

bool StringSet::contains(std::string_view s) const { return set_.count(ascii_lower(s)) != 0; }

}  // namespace qmail::control

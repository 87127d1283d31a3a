#include "manifest.h"

#include <array>

#include "base/auto.h"
#include "base/str.h"
#include "sys/priv.h"

namespace qmail::instcheck {

namespace {

constexpr std::array<std::string_view, 8> kUserRoles = {"root",   "alias",  "qmaild", "qmaill",
                                                        "qmailp", "qmailq", "qmailr", "qmails"};
constexpr std::array<std::string_view, 2> kGroupRoles = {"qmail", "nofiles"};

bool is_one_of(std::string_view s, auto const& set) {
  for (auto x : set)
    if (x == s) return true;
  return false;
}

// Splits a line into fields separated by spaces and tabs.
std::vector<std::string_view> fields_of(std::string_view line) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    std::size_t start = i;
    while (i < line.size() && line[i] != ' ' && line[i] != '\t') ++i;
    if (i > start) out.push_back(line.substr(start, i - start));
  }
  return out;
}

std::optional<Kind> kind_of(std::string_view s) {
  if (s == "d") return Kind::kDir;
  if (s == "s") return Kind::kSplitDir;
  if (s == "f") return Kind::kFile;
  if (s == "z") return Kind::kZeroFile;
  if (s == "p") return Kind::kFifo;
  return std::nullopt;
}

// A relative path of plain components: no "..", no empty component, nothing
// that could leave the home or confuse a shell reading our messages.
bool path_ok(std::string_view p) {
  if (p == ".") return true;
  if (p.empty() || p.size() > kMaxManifestPath || p.front() == '/' || p.back() == '/') return false;
  std::size_t start = 0;
  while (start <= p.size()) {
    auto slash = p.find('/', start);
    auto comp = p.substr(start, slash == std::string_view::npos ? p.npos : slash - start);
    if (comp.empty() || comp == "." || comp == "..") return false;
    for (char c : comp)
      if (c <= ' ' || c > '~') return false;
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return true;
}

std::optional<mode_t> mode_of(std::string_view s) {
  if (s.size() < 3 || s.size() > 5 || s.front() != '0') return std::nullopt;
  mode_t m = 0;
  for (char c : s) {
    if (c < '0' || c > '7') return std::nullopt;
    m = m * 8 + static_cast<mode_t>(c - '0');
  }
  if (m > 07777) return std::nullopt;
  return m;
}

Error bad_line(std::size_t lineno, std::string_view why) {
  return perm_error("manifest line " + fmt_u64(lineno) + ": " + std::string(why));
}

}  // namespace

Result<std::vector<Entry>> parse_manifest(std::string_view text) {
  std::vector<Entry> entries;
  std::size_t lineno = 0;
  while (!text.empty()) {
    ++lineno;
    auto nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
    line = trim(line);
    if (line.empty() || line.front() == '#') continue;
    if (entries.size() >= kMaxManifestEntries) return bad_line(lineno, "too many entries");
    auto f = fields_of(line);
    if (f.size() < 5 || f.size() > 6) return bad_line(lineno, "wrong number of fields");
    Entry e;
    auto kind = kind_of(f[0]);
    if (!kind) return bad_line(lineno, "unknown kind " + std::string(f[0]));
    e.kind = *kind;
    if (!path_ok(f[1])) return bad_line(lineno, "bad path " + std::string(f[1]));
    e.path = f[1];
    if (!is_one_of(f[2], kUserRoles)) return bad_line(lineno, "unknown user " + std::string(f[2]));
    e.owner = f[2];
    if (!is_one_of(f[3], kGroupRoles))
      return bad_line(lineno, "unknown group " + std::string(f[3]));
    e.group = f[3];
    auto mode = mode_of(f[4]);
    if (!mode) return bad_line(lineno, "bad mode " + std::string(f[4]));
    e.mode = *mode;
    if (e.kind == Kind::kZeroFile) {
      if (f.size() != 6) return bad_line(lineno, "a z file needs a size");
      auto size = scan_u64(f[5]);
      if (!size || *size > kMaxZeroFileSize) return bad_line(lineno, "bad size");
      e.size = static_cast<std::size_t>(*size);
    } else if (f.size() != 5) {
      return bad_line(lineno, "only a z file has a size");
    }
    if (e.path == "." && e.kind != Kind::kDir) return bad_line(lineno, "the home is a directory");
    entries.push_back(std::move(e));
  }
  return entries;
}

Ids configured_ids() {
  Ids ids;
  ids.user = [](const std::string& role) -> Result<std::pair<std::string, uid_t>> {
    const char* name = nullptr;
    if (role == "root") name = autoconf::kUserRoot;
    if (role == "alias") name = autoconf::kUserAlias;
    if (role == "qmaild") name = autoconf::kUserQmaild;
    if (role == "qmaill") name = autoconf::kUserQmaill;
    if (role == "qmailp") name = autoconf::kUserQmailp;
    if (role == "qmailq") name = autoconf::kUserQmailq;
    if (role == "qmailr") name = autoconf::kUserQmailr;
    if (role == "qmails") name = autoconf::kUserQmails;
    if (!name) return Error{ErrorKind::kBug, 0, "unknown user role " + role};
    auto a = sys::lookup_user(name);
    if (!a) return a.error();
    return std::pair<std::string, uid_t>{name, a->uid};
  };
  ids.group = [](const std::string& role) -> Result<std::pair<std::string, gid_t>> {
    const char* name = nullptr;
    if (role == "qmail") name = autoconf::kGroupQmail;
    if (role == "nofiles") name = autoconf::kGroupNofiles;
    if (!name) return Error{ErrorKind::kBug, 0, "unknown group role " + role};
    auto g = sys::lookup_group(name);
    if (!g) return g.error();
    return std::pair<std::string, gid_t>{name, *g};
  };
  return ids;
}

Result<std::vector<Item>> expand(const std::vector<Entry>& entries, unsigned split,
                                 const Ids& ids) {
  std::vector<Item> items;
  for (const auto& e : entries) {
    auto user = ids.user(e.owner);
    if (!user) return user.error();
    auto group = ids.group(e.group);
    if (!group) return group.error();
    Item item;
    item.kind = e.kind == Kind::kSplitDir ? Kind::kDir : e.kind;
    item.path = e.path;
    item.owner_name = user->first;
    item.uid = user->second;
    item.group_name = group->first;
    item.gid = group->second;
    item.mode = e.mode;
    item.size = e.size;
    items.push_back(item);
    if (e.kind != Kind::kSplitDir) continue;
    for (unsigned i = 0; i < split; ++i) {
      Item sub = item;
      sub.path = e.path + "/" + fmt_u64(i);
      items.push_back(std::move(sub));
    }
  }
  return items;
}

Result<std::vector<Item>> installed_items() {
  auto entries = parse_manifest(kManifestText);
  if (!entries) return Error{ErrorKind::kBug, 0, entries.error().what};
  return expand(*entries, autoconf::kSplit, configured_ids());
}

}  // namespace qmail::instcheck

#include "hier.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/fd.h"
#include "base/str.h"
#include "io/writer.h"
#include "sys/open.h"

namespace qmail::instcheck {

namespace {

std::string full_path(const std::string& home, const Item& item) {
  return item.path == "." ? home : home + "/" + item.path;
}

// The administrator may make a first-level entry (queue, control, ...) a
// symbolic link to another disk; deeper ones are under qmail users' control.
bool may_follow(const Item& item) { return item.path.find('/') == std::string::npos; }

bool type_ok(Kind kind, mode_t st_mode) {
  switch (kind) {
    case Kind::kDir:
    case Kind::kSplitDir:
      return S_ISDIR(st_mode);
    case Kind::kFile:
    case Kind::kZeroFile:
      return S_ISREG(st_mode);
    case Kind::kFifo:
      return S_ISFIFO(st_mode);
  }
  return false;
}

std::string_view type_name(Kind kind) {
  switch (kind) {
    case Kind::kDir:
    case Kind::kSplitDir:
      return "a directory";
    case Kind::kFile:
    case Kind::kZeroFile:
      return "a regular file";
    case Kind::kFifo:
      return "a named pipe";
  }
  return "?";
}

int stat_item(const std::string& path, const Item& item, struct stat& st) {
  return may_follow(item) ? ::stat(path.c_str(), &st) : ::lstat(path.c_str(), &st);
}

Status create_item(const std::string& path, const Item& item) {
  switch (item.kind) {
    case Kind::kDir:
    case Kind::kSplitDir:
      if (::mkdir(path.c_str(), 0700) == -1) return sys_error("unable to create " + path);
      return {};
    case Kind::kFifo:
      if (::mkfifo(path.c_str(), 0600) == -1) return sys_error("unable to create " + path);
      return {};
    case Kind::kZeroFile: {
      auto fd = sys::open_excl(path, 0600);
      if (!fd) return fd.error();
      if (item.size > 0) {
        std::string zeros(item.size, '\0');
        if (auto st = io::write_all(fd->get(), zeros); !st)
          return Error{st.error().kind, st.error().errnum, "unable to write " + path};
      }
      if (auto st = sys::sync_fd(fd->get()); !st) return st;
      if (auto st = fd->close(); !st)
        return Error{st.error().kind, st.error().errnum, "unable to close " + path};
      return {};
    }
    case Kind::kFile:
      break;  // ensure_items never asks: installing files is make install's job
  }
  return {};
}

// Sets owner and mode through a descriptor opened without following a final
// symbolic link, so a link planted by a qmail user cannot redirect root.
Status fix_by_fd(const std::string& path, const Item& item, const Note& note) {
  int flags = O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY;
  if (!may_follow(item)) flags |= O_NOFOLLOW;
  if (item.kind == Kind::kDir) flags |= O_DIRECTORY;
  Fd fd(::open(path.c_str(), flags));
  if (!fd.valid()) return sys_error("unable to open " + path);
  struct stat st;
  if (::fstat(fd.get(), &st) == -1) return sys_error("unable to stat " + path);
  if (!type_ok(item.kind, st.st_mode))
    return perm_error(path + " is not " + std::string(type_name(item.kind)));
  if (st.st_uid != item.uid || st.st_gid != item.gid) {
    if (::fchown(fd.get(), item.uid, item.gid) == -1) return sys_error("unable to chown " + path);
    note("set owner of " + path + " to " + item.owner_name + ":" + item.group_name);
    // chown may clear the setuid and setgid bits: look again.
    if (::fstat(fd.get(), &st) == -1) return sys_error("unable to stat " + path);
  }
  if ((st.st_mode & 07777) != item.mode) {
    if (::fchmod(fd.get(), item.mode) == -1) return sys_error("unable to chmod " + path);
    note("set mode of " + path + " to " + format_mode(item.mode));
  }
  return {};
}

// Without root nobody can give a file away, so there is nothing to redirect:
// plain calls by name, which also work on a file whose mode forbids opening it.
Status fix_by_path(const std::string& path, const Item& item, const Note& note) {
  struct stat st;
  if (stat_item(path, item, st) == -1) return sys_error("unable to stat " + path);
  if (!type_ok(item.kind, st.st_mode))
    return perm_error(path + " is not " + std::string(type_name(item.kind)));
  if (st.st_uid != item.uid || st.st_gid != item.gid) {
    if (::chown(path.c_str(), item.uid, item.gid) == -1)
      return sys_error("unable to chown " + path + " to " + item.owner_name + ":" +
                       item.group_name);
    note("set owner of " + path + " to " + item.owner_name + ":" + item.group_name);
    if (::stat(path.c_str(), &st) == -1) return sys_error("unable to stat " + path);
  }
  if ((st.st_mode & 07777) != item.mode) {
    if (::chmod(path.c_str(), item.mode) == -1) return sys_error("unable to chmod " + path);
    note("set mode of " + path + " to " + format_mode(item.mode));
  }
  return {};
}

}  // namespace

std::string format_mode(unsigned mode) {
  std::string digits;
  for (unsigned m = mode; m != 0; m /= 8) digits.insert(digits.begin(), char('0' + m % 8));
  while (digits.size() < 3) digits.insert(digits.begin(), '0');
  return "0" + digits;
}

std::vector<std::string> check_items(const std::string& home, const std::vector<Item>& items) {
  std::vector<std::string> problems;
  for (const auto& item : items) {
    std::string path = full_path(home, item);
    struct stat st;
    if (stat_item(path, item, st) == -1) {
      problems.push_back(sys_error("unable to stat " + path).text());
      continue;
    }
    if (!type_ok(item.kind, st.st_mode)) {
      problems.push_back(path + " is not " + std::string(type_name(item.kind)));
      continue;
    }
    if (st.st_uid != item.uid)
      problems.push_back(path + " has owner uid " + fmt_u64(st.st_uid) + ", should be " +
                         item.owner_name + " (uid " + fmt_u64(item.uid) + ")");
    if (st.st_gid != item.gid)
      problems.push_back(path + " has group gid " + fmt_u64(st.st_gid) + ", should be " +
                         item.group_name + " (gid " + fmt_u64(item.gid) + ")");
    if ((st.st_mode & 07777) != item.mode)
      problems.push_back(path + " has mode " + format_mode(st.st_mode & 07777) + ", should be " +
                         format_mode(item.mode));
  }
  return problems;
}

Status ensure_items(const std::string& home, const std::vector<Item>& items, const Note& note) {
  bool root = ::geteuid() == 0;
  std::vector<std::string> missing;
  for (const auto& item : items) {
    std::string path = full_path(home, item);
    struct stat st;
    if (stat_item(path, item, st) == -1) {
      if (errno != ENOENT) return sys_error("unable to stat " + path);
      if (item.kind == Kind::kFile) {  // make install's job: build the rest, then complain
        missing.push_back(path);
        continue;
      }
      if (auto made = create_item(path, item); !made) return made;
      note("created " + path);
    }
    auto fixed = root ? fix_by_fd(path, item, note) : fix_by_path(path, item, note);
    if (!fixed) return fixed;
  }
  if (missing.empty()) return {};
  std::string what = missing.front() + " is missing";
  if (missing.size() > 1) what += ", and " + fmt_u64(missing.size() - 1) + " more installed files";
  return perm_error(what + " (run make install first)");
}

}  // namespace qmail::instcheck

#include "mailbox/maildir.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>

#include "base/fd.h"
#include "base/str.h"
#include "io/writer.h"

namespace qmail::mailbox {

namespace {
constexpr std::size_t kChunk = 65536;
// The tmp name is fresh (it holds our pid and a sequence number), so a clash
// means a clock or pid reuse oddity: a few tries with a new number suffice.
constexpr int kCreateTries = 3;
// maildir(5): a file in tmp/ untouched for 36 hours may be removed.
constexpr std::time_t kTmpMaxAge = 36 * 60 * 60;

std::atomic<unsigned long> sequence{0};

std::string host_name() {
  char buf[256] = {};
  if (::gethostname(buf, sizeof buf - 1) == -1 || !buf[0]) return "localhost";
  return buf;
}

// Removes tmp/<name> unless disarmed: on every failure path the tmp file goes.
class TmpFile {
 public:
  TmpFile(int dirfd, std::string path) : dirfd_(dirfd), path_(std::move(path)) {}
  TmpFile(const TmpFile&) = delete;
  TmpFile& operator=(const TmpFile&) = delete;
  ~TmpFile() { (void)::unlinkat(dirfd_, path_.c_str(), 0); }

 private:
  int dirfd_;
  std::string path_;
};

Error with_errno(int errnum, std::string what) {
  return Error{ErrorKind::kTemporary, errnum, std::move(what)};
}

Status copy_message(int from, io::Writer& to, bool* read_failed) {
  std::string buf(kChunk, '\0');
  for (;;) {
    ssize_t r = ::read(from, buf.data(), buf.size());
    if (r < 0) {
      if (errno == EINTR) continue;
      *read_failed = true;
      return sys_error("Unable to read message");
    }
    if (r == 0) return {};
    if (auto st = to.put(std::string_view(buf.data(), static_cast<std::size_t>(r))); !st) return st;
  }
}

Status scan_subdir(const std::string& dir, const char* sub, std::vector<MaildirEntry>& out) {
  std::string path = dir + "/" + sub;
  DIR* d = ::opendir(path.c_str());
  if (!d) return sys_error("unable to scan " + path);
  int saved = 0;
  for (;;) {
    errno = 0;
    struct dirent* e = ::readdir(d);
    if (!e) {
      saved = errno;
      break;
    }
    if (e->d_name[0] == '.') continue;
    std::string name = std::string(sub) + "/" + e->d_name;
    struct stat st;
    if (::stat((dir + "/" + name).c_str(), &st) == -1) continue;  // raced with a reader
    if (!S_ISREG(st.st_mode)) continue;
    out.push_back({std::move(name), st.st_mtime});
  }
  ::closedir(d);
  if (saved) return with_errno(saved, "unable to scan " + path);
  return {};
}
}  // namespace

std::string maildir_unique_name(std::time_t sec, long usec, pid_t pid, unsigned long seq,
                                std::string_view host) {
  std::string name = fmt_u64(static_cast<std::uint64_t>(sec)) + ".M" +
                     fmt_u64(static_cast<std::uint64_t>(usec)) + "P" +
                     fmt_u64(static_cast<std::uint64_t>(pid)) + "Q" + fmt_u64(seq) + ".";
  for (char c : host) {
    if (c == '/')
      name += "\\057";
    else if (c == ':')
      name += "\\072";
    else
      name += c;
  }
  return name;
}

Result<std::string> deliver_to_maildir(const std::string& dir, std::string_view head,
                                       int message_fd, MaildirFailure* failure) {
  *failure = MaildirFailure::kDirectory;
  int rawdir = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (rawdir == -1) return sys_error("Unable to chdir to maildir " + dir);
  Fd dirfd(rawdir);

  const std::string host = host_name();
  std::string name;
  Fd file;
  for (int tries = 0;; ++tries) {
    struct timeval tv;
    ::gettimeofday(&tv, nullptr);
    name = maildir_unique_name(tv.tv_sec, tv.tv_usec, ::getpid(), ++sequence, host);
    int fd = ::openat(dirfd.get(), ("tmp/" + name).c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
                      0600);
    if (fd >= 0) {
      file = Fd(fd);
      break;
    }
    if (errno != EEXIST || tries + 1 >= kCreateTries) {
      *failure = MaildirFailure::kCreate;
      return sys_error("Unable to create " + dir + "/tmp/" + name);
    }
  }
  const std::string tmp = "tmp/" + name, fresh = "new/" + name;
  TmpFile guard(dirfd.get(), tmp);

  io::Writer out(file.get(), 0, kChunk);
  bool read_failed = false;
  Status st = out.put(head);
  if (st) st = copy_message(message_fd, out, &read_failed);
  if (st) st = out.flush();
  if (!st) {
    *failure = read_failed ? MaildirFailure::kReadMessage : MaildirFailure::kWrite;
    if (read_failed) return st.error();
    return with_errno(st.error().errnum, "Unable to write " + dir + "/" + tmp);
  }
  // maildir(5)'s NFS-writing: check fsync and close.
  *failure = MaildirFailure::kWrite;
  if (::fsync(file.get()) == -1) return sys_error("Unable to write " + dir + "/" + tmp);
  if (auto c = file.close(); !c)
    return with_errno(c.error().errnum, "Unable to write " + dir + "/" + tmp);

  // link, never rename: an existing new/ file is never replaced.
  *failure = MaildirFailure::kLink;
  if (::linkat(dirfd.get(), tmp.c_str(), dirfd.get(), fresh.c_str(), 0) == -1)
    return sys_error("Unable to link " + dir + "/" + tmp + " to new/");
  // The link is durable only once new/ is synced (DESIGN §6).  If that fails,
  // take the message back so that the retry does not deliver it twice.
  int newdir = ::openat(dirfd.get(), "new", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (newdir == -1 || (::fsync(newdir) == -1 && errno != EINVAL)) {
    Error e = sys_error("Unable to sync " + dir + "/new");
    if (newdir != -1) ::close(newdir);
    (void)::unlinkat(dirfd.get(), fresh.c_str(), 0);
    return e;
  }
  ::close(newdir);
  *failure = MaildirFailure::kNone;
  return fresh;
}

Result<std::vector<MaildirEntry>> scan_maildir(const std::string& dir) {
  std::vector<MaildirEntry> out;
  if (auto st = scan_subdir(dir, "new", out); !st) return st.error();
  if (auto st = scan_subdir(dir, "cur", out); !st) return st.error();
  std::sort(out.begin(), out.end(), [](const MaildirEntry& a, const MaildirEntry& b) {
    return a.mtime != b.mtime ? a.mtime < b.mtime : a.name < b.name;
  });
  return out;
}

void clean_maildir_tmp(const std::string& dir, std::time_t now) {
  std::string tmp = dir + "/tmp";
  DIR* d = ::opendir(tmp.c_str());
  if (!d) return;
  while (struct dirent* e = ::readdir(d)) {
    if (e->d_name[0] == '.') continue;
    std::string path = tmp + "/" + e->d_name;
    struct stat st;
    if (::lstat(path.c_str(), &st) == -1 || !S_ISREG(st.st_mode)) continue;
    if (st.st_atime + kTmpMaxAge < now) (void)::unlink(path.c_str());
  }
  ::closedir(d);
}

}  // namespace qmail::mailbox

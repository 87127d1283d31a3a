// manifest.h: the install manifest (conf-templates/hier.txt): every directory,
// file and named pipe of the qmail home with its owner, group and mode, as
// qmail's hier.c has them.  qmail-hier and instcheck read the copy compiled into
// them (kManifestText); unit tests feed their own text.  The text is trusted (it
// comes from the source tree) but is still checked line by line, so a broken
// manifest is a clear error instead of a wrong installation.
#pragma once

#include <sys/types.h>

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace qmail::instcheck {

/// conf-templates/hier.txt as it was when the program was built.
extern const char kManifestText[];

enum class Kind {
  kDir,       // d
  kSplitDir,  // s: the directory and its subdirectories 0 .. split-1
  kFile,      // f: installed by make install
  kZeroFile,  // z: created full of zero bytes when missing
  kFifo,      // p
};

/// One line of the manifest: roles, not ids.
struct Entry {
  Kind kind = Kind::kDir;
  std::string path;   // relative to the home; "." is the home itself
  std::string owner;  // a role: root alias qmaild qmaill qmailp qmailq qmailr qmails
  std::string group;  // qmail or nofiles
  mode_t mode = 0;
  std::size_t size = 0;  // for kZeroFile
};

/// Limits on the manifest, far above what hier.txt needs.
inline constexpr std::size_t kMaxManifestEntries = 10000;
inline constexpr std::size_t kMaxManifestPath = 200;
inline constexpr std::size_t kMaxZeroFileSize = 1024 * 1024;

/// Parses manifest text: blank lines and lines starting with '#' are skipped,
/// others are "kind path owner group mode [size]".  A permanent error names the
/// first bad line.
Result<std::vector<Entry>> parse_manifest(std::string_view text);

/// One thing on disk, with the ids looked up.
struct Item {
  Kind kind = Kind::kDir;  // never kSplitDir: split directories are expanded
  std::string path;
  std::string owner_name;  // the configured user name, for messages
  std::string group_name;
  uid_t uid = 0;
  gid_t gid = 0;
  mode_t mode = 0;
  std::size_t size = 0;
};

/// Maps a role to the configured user or group name and its id.
struct Ids {
  std::function<Result<std::pair<std::string, uid_t>>(const std::string& role)> user;
  std::function<Result<std::pair<std::string, gid_t>>(const std::string& role)> group;
};

/// The ids of the configured names (base/auto.h), looked up now.
Ids configured_ids();

/// Expands split directories into `split` subdirectories and resolves roles;
/// the order is the manifest's, so parents come before children.
Result<std::vector<Item>> expand(const std::vector<Entry>& entries, unsigned split, const Ids& ids);

/// parse_manifest(kManifestText), expanded with autoconf::kSplit and configured_ids().
Result<std::vector<Item>> installed_items();

}  // namespace qmail::instcheck

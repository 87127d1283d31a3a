// paths.h: the queue layout on disk, as qmail 1.03 has it (relative to the
// queue directory): pid/ intd/ todo/ bounce/ flat; mess/ info/ local/ remote/
// split into autoconf::kSplit subdirectories by message number modulo split.
// A message's number is the inode of its mess/ file.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace qmail::queue {

enum class Dir { kMess, kInfo, kLocal, kRemote, kIntd, kTodo, kBounce };

/// The name of a queue directory ("mess", "todo", ...).
std::string_view dir_name(Dir d);
/// Whether the directory is split into subdirectories.
bool is_split(Dir d);
/// "mess/17/12345" or "todo/12345", relative to the queue directory.
std::string path(Dir d, std::uint64_t id, unsigned split);
/// The subdirectory number of a message id.
inline unsigned split_of(std::uint64_t id, unsigned split) {
  return static_cast<unsigned>(id % split);
}

/// Name of the trigger fifo, relative to the queue directory.
inline constexpr const char* kTrigger = "lock/trigger";

/// Wakes qmail-send: a non-blocking write of one byte to lock/trigger.
/// Silently does nothing when nobody is listening.
void pull_trigger(const std::string& queue_dir);

}  // namespace qmail::queue

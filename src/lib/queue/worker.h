// worker.h: how a spawn talks to a long-lived delivery worker (qmail-rspawn
// and "qmail-remote --worker", HACKING.md).  The two ends of a Unix stream
// socketpair carry, one at a time:
//   job   (spawn to worker): 4-byte length L in network order, with the
//         message's descriptor attached to those bytes (SCM_RIGHTS); then L
//         bytes of arguments, each ending in NUL (what argv[1..] would be);
//   reply (worker to spawn): 4-byte length L, then L bytes of report (the
//         report stream qmail-remote would write on fd 1).
// The worker answers every job before it reads the next.  The spawn trusts
// the worker no more than a child's output: WorkerReplyReader is a pure,
// bounded parser, and a worker that breaks the framing is let go.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/fd.h"
#include "base/result.h"

namespace qmail::queue {

/// Largest job a worker takes (100 recipients of kMaxSpawnAddress and more).
inline constexpr std::size_t kMaxWorkerJob = 8 * 1024 * 1024;
/// Largest reply a spawn takes (qmail-remote bounds each record to 4000 bytes).
inline constexpr std::size_t kMaxWorkerReply = 1024 * 1024;

/// Sends a job: `message_fd` goes along, `args` must hold no NUL.  Blocks,
/// 30 s at most once the job is bigger than the socket's buffer.  A
/// permanent error is the job's fault (too big, a NUL), a temporary one the
/// worker's.
Status send_worker_job(int sock, int message_fd, const std::vector<std::string>& args);

struct WorkerJob {
  Fd message;
  std::vector<std::string> args;
};

/// Waits for the next job.  An empty optional when the spawn has closed its
/// end between jobs (the worker's signal to exit); an error for a broken or
/// oversized job, or one without a descriptor.
Result<std::optional<WorkerJob>> receive_worker_job(int sock, std::size_t max = kMaxWorkerJob);

/// Sends a reply.  Blocks.
Status send_worker_reply(int sock, std::string_view report);

/// The spawn's side of a reply, fed with whatever a non-blocking read gave.
class WorkerReplyReader {
 public:
  enum class State {
    kMore,    // not complete yet
    kDone,    // reply() holds the whole reply
    kBroken,  // too long, or bytes after a complete reply
  };
  explicit WorkerReplyReader(std::size_t max = kMaxWorkerReply) : max_(max) {}
  State feed(std::string_view bytes);
  [[nodiscard]] State state() const { return state_; }
  [[nodiscard]] const std::string& reply() const { return body_; }
  /// Ready for the next job's reply.
  void reset();

 private:
  std::size_t max_;
  State state_ = State::kMore;
  unsigned char header_[4] = {0, 0, 0, 0};
  std::size_t header_len_ = 0;
  std::size_t want_ = 0;
  std::string body_;
};

}  // namespace qmail::queue

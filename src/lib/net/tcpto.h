// tcpto.h: qmail-remote's table of hosts that did not answer (queue/lock/tcpto;
// qmail-tcpto(8) prints it, qmail-tcpok(8) clears it, qmail-rspawn clears it
// when it starts).  When a connection to an address times out, qmail-remote
// records it; an address that timed out twice or more, the last time less than
// about an hour ago, is skipped without trying, so a dead host does not cost
// every delivery the full connect timeout.  A successful connection clears it.
// The file holds kTcptoRecords records of kTcptoRecordSize bytes (our own
// format: qmail's 16-byte records had no room for IPv6):
//   bytes 0-15   the address (IPv4 in bytes 0-3, the rest zero)
//   byte  16     family: 4 or 6 (0: an empty record)
//   byte  17     timeouts in a row, 1..10 (0: cleared)
//   bytes 24-31  time of the last timeout, seconds since the epoch, little endian
// Readers and writers lock the file (flock) for each update.  The table is a
// hint: any error reading or writing it is ignored (a delivery is then tried).
#pragma once

#include <cstddef>
#include <cstdint>
#include <ctime>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "net/ip.h"

namespace qmail::net {

inline constexpr std::size_t kTcptoRecordSize = 32;
inline constexpr std::size_t kTcptoRecords = 64;
inline constexpr std::size_t kTcptoFileSize = kTcptoRecordSize * kTcptoRecords;

struct TcptoEntry {
  IpAddress ip;
  unsigned timeouts = 0;  // in a row
  std::time_t last = 0;   // when the last one happened
};

/// Pure: the entries of a table image (empty and cleared records left out;
/// a short image is read as far as it goes).
std::vector<TcptoEntry> decode_tcpto(std::string_view image);

/// Pure: true when `e` says the address is to be skipped at `now`: two or more
/// timeouts, the last one less than (60 + jitter) * 64 seconds ago (jitter 0..31,
/// so that not every qmail-remote tries again at the same moment).
bool tcpto_skip(const TcptoEntry& e, std::time_t now, unsigned jitter);

/// Pure: the table image after a connection attempt to `ip` at `now`:
/// `timed_out` adds one to its count (at most 10; not when the last one was less
/// than 2 minutes ago), taking an empty record or else the oldest one; a
/// success clears its count.  `image` is padded to kTcptoFileSize first.
std::string update_tcpto(std::string_view image, const IpAddress& ip, bool timed_out,
                         std::time_t now);

/// The file at `path` (normally "queue/lock/tcpto" from qmail's home).
class TcptoTable {
 public:
  explicit TcptoTable(std::string path) : path_(std::move(path)) {}
  /// True when `ip` is to be skipped now.  False when the file cannot be read.
  /// `listed` (when not null) says whether the table holds `ip` at all, so a
  /// caller records a success only then (no write, nor even a lock, for the
  /// usual host that never timed out).
  bool should_skip(const IpAddress& ip, std::time_t now, unsigned jitter,
                   bool* listed = nullptr) const;
  /// Records the outcome of a connection attempt; errors ignored.
  void record(const IpAddress& ip, bool timed_out, std::time_t now) const;
  /// Every entry (for qmail-tcpto).
  [[nodiscard]] Result<std::vector<TcptoEntry>> read() const;
  /// Empties the table (for qmail-tcpok and qmail-rspawn).
  [[nodiscard]] Status clear() const;

 private:
  std::string path_;
};

}  // namespace qmail::net

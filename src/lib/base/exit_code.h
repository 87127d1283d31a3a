// exit_code.h: documented exit codes, copied from the man pages.  A unit test
// checks these against the EXIT CODES sections in man/.
#pragma once

namespace qmail {

/// qmail-queue(8).  11-40 permanent, 41-99 temporary.
enum class QueueExit : int {
  kOk = 0,
  kAddressTooLong = 11,  // an address in the envelope is too long
  kMessageRefused = 31,  // a message filter refused the message (permanent)
  kNoMem = 51,
  kTimeout = 52,
  kWriteError = 53,      // trouble writing to disk
  kReadError = 54,       // trouble reading the message or envelope
  kConfigError = 55,     // trouble reading a configuration file
  kNetworkError = 56,    // trouble making a network connection
  kQueueHome = 61,       // trouble in the home directory
  kQueueDirectory = 62,  // trouble in the queue directory
  kQueuePid = 63,        // trouble in queue/pid
  kQueueMess = 64,       // trouble in queue/mess
  kQueueIntd = 65,       // trouble in queue/intd
  kQueueTodo = 66,       // trouble in queue/todo
  kTempRefused = 71,     // a message filter deferred the message
  kTempSmtp = 72,        // connection to the QMQP server timed out
  kTempConnect = 73,     // connection to the QMQP server refused
  kTempFilter = 74,      // message filter trouble
  kTempOutOfOrder = 75,
  kBug = 81,          // internal bug
  kBadEnvelope = 91,  // envelope format error
};

/// Exit codes of programs run from .qmail files and of qmail-local itself.
enum class DeliveryExit : int {
  kOk = 0,
  kOkStop = 99,      // success, ignore the rest of the .qmail file
  kPermanent = 100,  // hard error: bounce
  kTemporary = 111,  // soft error: retry later
};

/// Ordinary command-line tools (qmail-newu, maildirmake ...): 0, or 111 on any
/// trouble, or 100 for a usage error, as qmail's tools do.
enum class ToolExit : int {
  kOk = 0,
  kUsage = 100,
  kTemporary = 111,
};

constexpr int as_int(QueueExit e) { return static_cast<int>(e); }
constexpr int as_int(DeliveryExit e) { return static_cast<int>(e); }
constexpr int as_int(ToolExit e) { return static_cast<int>(e); }

}  // namespace qmail

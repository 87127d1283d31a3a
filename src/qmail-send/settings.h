// settings.h: qmail-send's control files (qmail-send(8)), read at start and
// again on SIGHUP.  Paths are relative to the qmail home, the current
// directory when load_config runs.  Control files are trusted (the admin).
#pragma once

#include <cstdint>
#include <ctime>
#include <string>

#include "base/result.h"
#include "qmail-send/bounce_text.h"
#include "qmail-send/rewrite.h"

namespace qmail::send {

struct Config {
  std::string me;
  RewriteRules rules;
  BounceSettings bounce;
  unsigned concurrency[kChannels] = {10, 20};
  std::time_t queuelifetime = 604800;
};

/// Reads every control file qmail-send uses.  A file that exists but cannot
/// be read, or a number that is not one, is a temporary error naming the file;
/// locals missing with me missing too is a permanent error (nothing is local).
Result<Config> load_config();

}  // namespace qmail::send

// smtp_dot.cc: the DATA encoder of smtp_dot.h and the scan that sizes its
// output.  Runs of ordinary bytes are copied at once; only CR, LF and a dot at
// the start of a line need a decision.  A CR at the end of a chunk is held
// back (state kAfterCr, nothing written yet) until the next byte shows whether
// it ends a line together with an LF or stands alone.
#include "parse/smtp_dot.h"

namespace qmail::parse {

namespace {

constexpr std::string_view kCrLf = "\r\n";
constexpr std::string_view kEndOfData = ".\r\n";
/// The scanner encodes into a scratch string this many message bytes at a
/// time, so what it holds does not grow with the chunk it is given.
constexpr std::size_t kScanSlice = 64 * 1024;

}  // namespace

void DotStuffer::feed(std::string_view chunk, std::string& out) {
  fed_ += chunk.size();
  std::size_t i = 0;
  while (i < chunk.size()) {
    char c = chunk[i];
    if (at_ == At::kAfterCr) {
      // CR LF stays one line end; a bare CR becomes one too (see the header).
      out.append(kCrLf);
      at_ = At::kLineStart;
      if (c == '\n') {
        ++i;
        continue;
      }
    }
    if (c == '\r') {
      at_ = At::kAfterCr;
      ++i;
      continue;
    }
    if (c == '\n') {
      out.append(kCrLf);
      at_ = At::kLineStart;
      ++i;
      continue;
    }
    if (at_ == At::kLineStart && c == '.') out.push_back('.');  // RFC 5321 4.5.2
    std::size_t end = chunk.find_first_of("\r\n", i);
    if (end == std::string_view::npos) end = chunk.size();
    out.append(chunk.substr(i, end - i));
    at_ = At::kMidLine;
    i = end;
  }
}

void DotStuffer::finish(std::string& out) {
  // kAfterCr: a CR at the very end is bare, so it becomes the last line end.
  if (at_ != At::kLineStart) out.append(kCrLf);
  out.append(kEndOfData);
  at_ = At::kLineStart;
  fed_ = 0;
}

void MessageScanner::feed(std::string_view chunk) {
  for (char c : chunk) {
    auto b = static_cast<unsigned char>(c);
    if (b >= 0x80) scan_.eight_bit = true;
    if (b == 0) scan_.nul = true;
  }
  // The same encoder that sends the message counts it, so the size is exact
  // by construction; the scratch string is cleared slice by slice.
  std::string scratch;
  while (!chunk.empty()) {
    std::string_view slice = chunk.substr(0, kScanSlice);
    chunk.remove_prefix(slice.size());
    scratch.clear();
    stuffer_.feed(slice, scratch);
    scan_.wire_size += scratch.size();
  }
}

MessageScan MessageScanner::result() const {
  // What finish() would add, less the final ".\r\n": CR LF or nothing.
  DotStuffer end = stuffer_;
  std::string tail;
  end.finish(tail);
  MessageScan scan = scan_;
  scan.wire_size += tail.size() - kEndOfData.size();
  return scan;
}

}  // namespace qmail::parse

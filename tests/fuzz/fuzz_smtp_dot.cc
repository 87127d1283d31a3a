// fuzz_smtp_dot: the DATA encoder of qmail-remote.  Whatever the message, fed
// in pieces whose sizes come from its own bytes, the wire form must (1) be the
// same as when fed at once, (2) hold no bare CR and no bare LF, (3) end the
// data exactly at its end and never earlier, both for qmail-smtpd's strict
// decoder and for a lenient one that takes CR, LF or CR LF as a line end,
// (4) decode back to the message with normalized line ends, and (5) have the
// size MessageScanner predicts.  Any violation aborts.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "parse/smtp_data.h"
#include "parse/smtp_dot.h"

using qmail::parse::DotStuffer;
using qmail::parse::MessageScanner;
using qmail::parse::SmtpDataDecoder;

namespace {

/// Where a receiver that ends a line at CR, at LF or at CR LF, and ends the
/// data at a line that is "." alone, sees the end: the offset just after that
/// line's end, or npos.
std::size_t lenient_end_of_data(std::string_view wire) {
  std::size_t line_start = 0;
  for (std::size_t i = 0; i < wire.size(); ++i) {
    if (wire[i] != '\r' && wire[i] != '\n') continue;
    std::string_view line = wire.substr(line_start, i - line_start);
    if (wire[i] == '\r' && i + 1 < wire.size() && wire[i + 1] == '\n') ++i;
    if (line == ".") return i + 1;
    line_start = i + 1;
  }
  return std::string_view::npos;
}

/// The message as a receiver stores it: every CR LF, bare CR and bare LF one
/// LF, and an unterminated last line terminated.
std::string normalized(std::string_view msg) {
  std::string out;
  for (std::size_t i = 0; i < msg.size(); ++i) {
    if (msg[i] == '\r') {
      out.push_back('\n');
      if (i + 1 < msg.size() && msg[i + 1] == '\n') ++i;
    } else {
      out.push_back(msg[i]);
    }
  }
  if (!out.empty() && out.back() != '\n') out.push_back('\n');
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view msg(reinterpret_cast<const char*>(data), size);

  DotStuffer whole;
  std::string whole_out;
  whole.feed(msg, whole_out);
  whole.finish(whole_out);

  DotStuffer pieces;
  MessageScanner scanner;
  std::string out;
  bool eight_bit = false, nul = false;
  for (std::size_t off = 0; off < size;) {
    std::size_t len = 1 + (data[off] * 31u + off) % 9;
    std::string_view piece = msg.substr(off, len);
    pieces.feed(piece, out);
    scanner.feed(piece);
    off += piece.size();
  }
  for (std::size_t i = 0; i < size; ++i) {
    if (data[i] >= 0x80) eight_bit = true;
    if (data[i] == 0) nul = true;
  }
  if (pieces.fed() != size) std::abort();
  pieces.finish(out);
  if (pieces.fed() != 0) std::abort();
  if (out != whole_out) std::abort();

  // (2) every CR is followed by LF, every LF preceded by CR.
  for (std::size_t i = 0; i < out.size(); ++i) {
    if (out[i] == '\r' && (i + 1 >= out.size() || out[i + 1] != '\n')) std::abort();
    if (out[i] == '\n' && (i == 0 || out[i - 1] != '\r')) std::abort();
  }
  if (out.size() < 3 || out.compare(out.size() - 3, 3, ".\r\n") != 0) std::abort();
  if (size == 0 && out != ".\r\n") std::abort();

  // (3) and (4): the strict decoder, fed in pieces too.
  SmtpDataDecoder strict;
  std::string stored;
  std::size_t used = 0;
  std::string_view wire = out;
  for (std::size_t off = 0; off < wire.size() && !strict.done();) {
    std::size_t len = 1 + (static_cast<unsigned char>(wire[off]) * 17u + off) % 13;
    std::string_view piece = wire.substr(off, len);
    used += strict.feed(piece, stored);
    off += piece.size();
  }
  if (!strict.done() || used != out.size()) std::abort();
  if (stored != normalized(msg)) std::abort();
  if (lenient_end_of_data(out) != out.size()) std::abort();

  // (5) the scan.
  auto scan = scanner.result();
  if (scan.wire_size != out.size() - 3) std::abort();
  if (scan.eight_bit != eight_bit || scan.nul != nul) std::abort();
  return 0;
}

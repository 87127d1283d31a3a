// smtp_data.cc: the DATA decoder of smtp_data.h.  One byte moves the state
// machine one step; bytes go straight to the caller's string, so nothing
// here grows with the input but the output the caller asked for.
#include "parse/smtp_data.h"

#include "base/str.h"

namespace qmail::parse {
namespace {

constexpr std::string_view kReceived = "received:";
constexpr std::string_view kDeliveredTo = "delivered-to:";

}  // namespace

void SmtpDataDecoder::emit(std::string& out, char c) {
  out.push_back(c);
  ++stats_.bytes;
  if (static_cast<unsigned char>(c) >= 128) stats_.eight_bit = true;
  if (!in_header_) return;
  if (c == '\n') {
    if (line_empty_) {
      in_header_ = false;  // the first empty line ends the header
      return;
    }
    line_empty_ = true;
    prefix_len_ = 0;
  } else if (line_empty_) {
    line_empty_ = false;
    if (c != ' ' && c != '\t') field_len_ = 0;  // not a continuation: a new field
  }
  if (++field_len_ > kMaxSmtpHeaderField) stats_.header_too_long = true;
  if (c == '\n' || prefix_len_ >= sizeof prefix_) return;
  prefix_[prefix_len_++] = c;
  std::string_view seen(prefix_, prefix_len_);
  if ((prefix_len_ == kReceived.size() && ascii_iequal(seen, kReceived)) ||
      (prefix_len_ == kDeliveredTo.size() && ascii_iequal(seen, kDeliveredTo)))
    ++stats_.hops;
}

std::size_t SmtpDataDecoder::feed(std::string_view in, std::string& out) {
  std::size_t i = 0;
  while (i < in.size() && state_ != State::kDone) {
    if (state_ == State::kText && !in_header_) {
      // The common case, the body's text: copy up to the next CR or LF at once.
      std::size_t end = in.find_first_of("\r\n", i);
      if (end == std::string_view::npos) end = in.size();
      if (end > i) {
        std::string_view run = in.substr(i, end - i);
        out.append(run);
        stats_.bytes += run.size();
        if (!stats_.eight_bit)
          for (char c : run)
            if (static_cast<unsigned char>(c) >= 128) stats_.eight_bit = true;
        i = end;
        continue;
      }
    }
    char c = in[i++];
    switch (state_) {
      case State::kLineStart:
        if (c == '.') {
          state_ = State::kDot;
        } else if (c == '\r') {
          state_ = State::kCr;
        } else if (c == '\n') {
          emit_bare_lf(out);
        } else {
          emit(out, c);
          state_ = State::kText;
        }
        break;
      case State::kDot:
        if (c == '\r') {
          state_ = State::kDotCr;
        } else if (c == '\n') {
          // "." and a bare LF: a line of just a dot, which is not the end
          // (only CR LF ends a line that can end the data); kept as it came.
          emit(out, '.');
          emit_bare_lf(out);
        } else {
          emit(out, c);  // RFC 5321 4.5.2: the leading dot is removed
          state_ = State::kText;
        }
        break;
      case State::kDotCr:
        if (c == '\n') {
          state_ = State::kDone;
        } else {
          // ". CR x": the CR is bare, so this is an ordinary line ".", CR, x.
          emit(out, '.');
          after_cr(out, c);
        }
        break;
      case State::kText:
        if (c == '\r')
          state_ = State::kCr;
        else if (c == '\n')
          emit_bare_lf(out);
        else
          emit(out, c);
        break;
      case State::kCr:
        after_cr(out, c);
        break;
      case State::kDone:
        break;
    }
  }
  return i;
}

void SmtpDataDecoder::emit_bare_lf(std::string& out) {
  // A bare LF ends the stored line, but the next line does not start after
  // CR LF: it can neither be dot-unstuffed nor end the data.
  emit(out, '\n');
  stats_.bare_lf = true;
  state_ = State::kText;
}

void SmtpDataDecoder::after_cr(std::string& out, char c) {
  if (c == '\n') {
    emit(out, '\n');
    state_ = State::kLineStart;
    return;
  }
  emit(out, '\r');  // a CR not followed by LF is kept as a byte
  stats_.bare_cr = true;
  if (c == '\r') {
    state_ = State::kCr;
  } else {
    emit(out, c);
    state_ = State::kText;
  }
}

}  // namespace qmail::parse

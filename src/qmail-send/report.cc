#include "qmail-send/report.h"

#include <utility>

namespace qmail::send {

void ReportParser::feed(std::string_view bytes) {
  for (char c : bytes) {
    switch (state_) {
      case State::kSlot:
        cur_ = Report{};
        cur_.slot = static_cast<unsigned char>(c);
        state_ = State::kStatus;
        break;
      case State::kStatus:
        if (c == '\0') {  // an empty report: mangled
          cur_.status = '?';
          done_.push_back(std::move(cur_));
          state_ = State::kSlot;
          break;
        }
        cur_.status = c;
        state_ = State::kText;
        break;
      case State::kText:
        if (c == '\0') {
          done_.push_back(std::move(cur_));
          state_ = State::kSlot;
        } else if (cur_.text.size() < kMaxReport) {
          cur_.text += c;
        }
        break;
    }
  }
}

bool ReportParser::next(Report& out) {
  if (done_.empty()) return false;
  out = std::move(done_.front());
  done_.pop_front();
  return true;
}

std::string log_text(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    auto u = static_cast<unsigned char>(c);
    if (c == ' ') {
      out += '_';
    } else if (c == '\n') {
      out += '/';
    } else if (u < 0x20 || u > 0x7e) {
      out += '?';
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace qmail::send

#include "environ.h"

namespace qmail::local {

std::string_view ext_part(std::string_view ext, int n) {
  for (int i = 1; i < n; ++i) {
    std::size_t dash = ext.find('-');
    if (dash == std::string_view::npos) return ext.substr(ext.size());
    ext.remove_prefix(dash + 1);
  }
  return ext;
}

std::string_view host_part(std::string_view host, int n) {
  for (int i = 1; i < n; ++i) {
    std::size_t dot = host.rfind('.');
    if (dot != std::string_view::npos) host = host.substr(0, dot);
  }
  return host;
}

std::string new_sender(std::string_view sender, std::string_view local, std::string_view host,
                       bool owner_exists, bool owner_default_exists) {
  if (sender.empty() || sender == "#@[]" || !owner_exists) return std::string(sender);
  std::string out(local);
  if (owner_default_exists) {
    out += "-owner-@";
    out.append(host);
    out += "-@[]";
  } else {
    out += "-owner@";
    out.append(host);
  }
  return out;
}

LoopDetector::Verdict LoopDetector::feed(std::string_view chunk) {
  for (char c : chunk) {
    if (done_ != Verdict::kMore) break;
    if (same_ && (pos_ >= dtline_.size() || dtline_[pos_] != c)) same_ = false;
    ++pos_;
    if (c != '\n') continue;
    if (pos_ == 1) {
      done_ = Verdict::kClean;  // the empty line ends the header
    } else if (same_ && pos_ == dtline_.size()) {
      done_ = Verdict::kLoop;
    }
    pos_ = 0;
    same_ = true;
  }
  return done_;
}

}  // namespace qmail::local

#include "parse/rfc822_header.h"

#include "base/str.h"

namespace qmail::parse {

namespace {
constexpr std::string_view kMboxPrefix = "From ";
constexpr std::string_view kMboxField = "MBOX-Line: ";

bool is_blank(char c) { return c == ' ' || c == '\t'; }
}  // namespace

std::size_t field_name_length(std::string_view line, std::size_t* colon) {
  std::size_t c = line.find(':');
  if (c == std::string_view::npos) return 0;
  std::size_t n = c;
  while (n > 0 && is_blank(line[n - 1])) --n;
  if (n == 0) return 0;
  for (std::size_t i = 0; i < n; ++i) {
    auto ch = static_cast<unsigned char>(line[i]);
    if (ch <= 32 || ch >= 127) return 0;
  }
  if (colon) *colon = c;
  return n;
}

bool field_is(const HeaderField& field, std::string_view name) {
  return ascii_iequal(field.name(), name);
}

void HeaderSplitter::complete_pending() {
  if (!has_pending_) return;
  fields_.push_back(std::move(pending_));
  pending_ = HeaderField{};
  has_pending_ = false;
}

Result<bool> HeaderSplitter::feed(std::string_view raw, bool newline) {
  if (done_) return Error{ErrorKind::kBug, 0, "header already ended"};
  if (raw.size() > kMaxHeaderLine) return perm_error("header line too long");
  std::string_view line = raw;
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);

  if (has_pending_ && !line.empty() && is_blank(line.front())) {
    if (pending_.text.size() + line.size() + 1 > kMaxHeaderField)
      return perm_error("header field too long");
    if (total_ + line.size() + 1 > kMaxHeaderBytes) return perm_error("header too long");
    total_ += line.size() + 1;
    pending_.text.append(line);
    pending_.text.push_back('\n');
    return true;
  }
  complete_pending();

  if (line.empty()) {
    done_ = true;
    body_start_ = "\n";
    return false;
  }

  std::string text;
  if (line.substr(0, kMboxPrefix.size()) == kMboxPrefix) {
    text.reserve(kMboxField.size() + line.size() + 1);
    text.append(kMboxField);
  }
  text.append(line);
  std::size_t colon = 0;
  std::size_t name = field_name_length(text, &colon);
  if (name == 0) {
    done_ = true;
    body_start_.reserve(raw.size() + 2);
    body_start_ = "\n";
    body_start_.append(raw);
    if (newline) body_start_.push_back('\n');
    return false;
  }
  if (fields_.size() >= kMaxHeaderFields) return perm_error("too many header fields");
  if (total_ + text.size() + 1 > kMaxHeaderBytes) return perm_error("header too long");
  total_ += text.size() + 1;
  text.push_back('\n');
  pending_.text = std::move(text);
  pending_.name_length = name;
  pending_.colon = colon;
  has_pending_ = true;
  return true;
}

void HeaderSplitter::finish() {
  complete_pending();
  done_ = true;
}

Result<SplitMessage> split_header(std::string_view message) {
  HeaderSplitter splitter;
  std::string_view rest = message;
  while (!rest.empty()) {
    std::size_t nl = rest.find('\n');
    bool newline = nl != std::string_view::npos;
    std::string_view line = newline ? rest.substr(0, nl) : rest;
    rest = newline ? rest.substr(nl + 1) : std::string_view{};
    auto more = splitter.feed(line, newline);
    if (!more) return more.error();
    if (!*more) break;
  }
  if (!splitter.done()) splitter.finish();
  SplitMessage out;
  out.fields = std::move(splitter.fields());
  out.body.reserve(splitter.body_start().size() + rest.size());
  out.body = splitter.body_start();
  out.body.append(rest);
  return out;
}

}  // namespace qmail::parse

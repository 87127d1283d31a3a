#include "inject/header.h"

#include <array>

#include "base/date822.h"
#include "base/str.h"
#include "log/escape.h"

namespace qmail::inject {

namespace {

using parse::AddressItem;

// What qmail-inject does with a field's addresses.
enum class Role {
  kNone,
  kSender,           // rewritten only; a parse error is fatal
  kReturnPath,       // rewritten; the first address becomes the envelope sender
  kToCc,             // rewritten; header recipients; Mail-Followup-To candidates
  kRecipient,        // rewritten; header recipients
  kResentRecipient,  // rewritten; header recipients of a resent message
};

enum FieldId {
  kFrom,
  kSender,
  kReplyTo,
  kTo,
  kCc,
  kBcc,
  kApparentlyTo,
  kDate,
  kMessageId,
  kResentSender,
  kResentFrom,
  kResentReplyTo,
  kResentTo,
  kResentCc,
  kResentBcc,
  kResentDate,
  kResentMessageId,
  kReturnReceiptTo,
  kErrorsTo,
  kDispositionTo,
  kReturnPath,
  kContentLength,
  kMailFollowupTo,
  kFieldCount
};

struct Known {
  const char* name;
  Role role;
};

// Indexed by FieldId.
constexpr std::array<Known, kFieldCount> kKnown = {{
    {"from", Role::kSender},
    {"sender", Role::kSender},
    {"reply-to", Role::kSender},
    {"to", Role::kToCc},
    {"cc", Role::kToCc},
    {"bcc", Role::kRecipient},
    {"apparently-to", Role::kRecipient},
    {"date", Role::kNone},
    {"message-id", Role::kNone},
    {"resent-sender", Role::kSender},
    {"resent-from", Role::kSender},
    {"resent-reply-to", Role::kSender},
    {"resent-to", Role::kResentRecipient},
    {"resent-cc", Role::kResentRecipient},
    {"resent-bcc", Role::kResentRecipient},
    {"resent-date", Role::kNone},
    {"resent-message-id", Role::kNone},
    {"return-receipt-to", Role::kSender},
    {"errors-to", Role::kSender},
    {"disposition-notification-to", Role::kSender},
    {"return-path", Role::kReturnPath},
    {"content-length", Role::kNone},
    {"mail-followup-to", Role::kNone},
}};

int lookup(std::string_view name) {
  for (std::size_t i = 0; i < kKnown.size(); ++i)
    if (ascii_iequal(name, kKnown[i].name)) return static_cast<int>(i);
  return -1;
}

bool removed(int id) {
  return id == kBcc || id == kResentBcc || id == kReturnPath || id == kContentLength;
}

std::string two(int n) { return std::string(1, char('0' + n / 10 % 10)) + char('0' + n % 10); }

// The first line of a field, made safe for a one-line diagnostic.
std::string excerpt(const parse::HeaderField& f) {
  std::string_view t = f.text;
  t = t.substr(0, std::min(t.find('\n'), std::size_t{200}));
  return log::escape(t);
}

class Composer {
 public:
  explicit Composer(const Request& req) : req_(req), cfg_(*req.config) {}

  Result<Prepared> run(const std::vector<parse::HeaderField>& fields);

 private:
  Status take_field(const parse::HeaderField& f);
  Result<std::string> default_from(const std::string& name) const;
  Result<std::string> default_sender() const;
  std::string followup_field() const;
  bool seen(int id) const { return seen_[static_cast<std::size_t>(id)]; }

  const Request& req_;
  const Config& cfg_;
  std::array<bool, kFieldCount> seen_{};
  std::string kept_;
  std::optional<std::string> sender_;
  std::vector<std::string> header_rcpts_, resent_rcpts_, to_cc_;
};

Status Composer::take_field(const parse::HeaderField& f) {
  int id = lookup(f.name());
  if (id == kFrom && cfg_.delete_from) return {};
  if (id == kMessageId && cfg_.delete_message_id) return {};
  if (id == kReturnPath && cfg_.ignore_return_path) return {};
  if (id >= 0) seen_[static_cast<std::size_t>(id)] = true;
  Role role = id >= 0 ? kKnown[static_cast<std::size_t>(id)].role : Role::kNone;

  std::string rewritten;
  if (role != Role::kNone) {
    auto list = parse::parse_address_list(f.value());
    if (!list) {
      if (role == Role::kSender || role == Role::kReturnPath)
        return perm_error("unable to parse this header field (" + list.error().what +
                          "): " + excerpt(f));
      // A recipient field qmail-inject cannot parse is passed on untouched.
    } else {
      for (auto& item : *list) {
        if (item.kind != AddressItem::Kind::kAddress) continue;
        req_.rewriter->rewrite(item.tokens);
        std::string addr = parse::envelope_form(item.tokens);
        switch (role) {
          case Role::kReturnPath:
            if (!sender_) {
              sender_ = addr;
              if (cfg_.verp_recipient && !addr.empty()) *sender_ += "-@[]";
            }
            break;
          case Role::kToCc:
            if (!addr.empty()) to_cc_.push_back(addr);
            [[fallthrough]];
          case Role::kRecipient:
            if (!addr.empty()) header_rcpts_.push_back(std::move(addr));
            break;
          case Role::kResentRecipient:
            if (!addr.empty()) resent_rcpts_.push_back(std::move(addr));
            break;
          default:
            break;
        }
      }
      rewritten = parse::format_field(f.name(), *list);
    }
  }
  if (id >= 0 && removed(id)) return {};
  kept_.append(rewritten.empty() ? f.text : rewritten);
  return {};
}

Result<std::string> Composer::default_from(const std::string& name) const {
  std::string addr = parse::quote_local_part(cfg_.user);
  if (cfg_.host) addr += "@" + *cfg_.host;
  std::string text;
  if (cfg_.full_name && !cfg_.name_comment) {
    text = parse::unparse(std::vector<parse::Token>{{parse::TokenType::kQuoted, *cfg_.full_name}}) +
           " <" + addr + ">";
  } else {
    text = addr;
    if (cfg_.full_name)
      text += " " + parse::unparse(
                        std::vector<parse::Token>{{parse::TokenType::kComment, *cfg_.full_name}});
  }
  auto list = parse::parse_address_list(text);
  if (!list) return perm_error("unable to parse the default From address: " + log::escape(text));
  for (auto& item : *list)
    if (item.kind == AddressItem::Kind::kAddress) req_.rewriter->rewrite(item.tokens);
  return parse::format_field(name, *list);
}

Result<std::string> Composer::default_sender() const {
  std::string user = cfg_.sender_user;
  if (cfg_.verp_message)
    user += "-" + fmt_u64(static_cast<std::uint64_t>(req_.now)) + "." +
            fmt_u64(static_cast<std::uint64_t>(req_.pid));
  if (cfg_.verp_recipient) user += "-";
  std::string text = parse::quote_local_part(user);
  if (cfg_.sender_host) text += "@" + *cfg_.sender_host;
  auto env = req_.rewriter->envelope(text);
  if (!env) return perm_error("unable to parse the default sender: " + log::escape(text));
  if (cfg_.verp_recipient) *env += "-@[]";
  return env;
}

std::string Composer::followup_field() const {
  if (!cfg_.followup_lists || seen(kMailFollowupTo)) return {};
  bool listed = false;
  for (const auto& a : to_cc_) listed = listed || cfg_.followup_lists->contains(a);
  if (!listed) return {};
  std::string out = "Mail-Followup-To: ";
  for (std::size_t i = 0; i < to_cc_.size(); ++i) {
    if (i) out += ",\n  ";
    out += parse::quote_address(to_cc_[i]);
  }
  return out + "\n";
}

Result<Prepared> Composer::run(const std::vector<parse::HeaderField>& fields) {
  sender_ = req_.sender;  // -f overrides Return-Path and the environment
  for (const auto& f : fields)
    if (auto st = take_field(f); !st) return st.error();

  bool resent = false;
  for (int id : {kResentSender, kResentFrom, kResentReplyTo, kResentTo, kResentCc, kResentBcc,
                 kResentDate, kResentMessageId})
    resent = resent || seen(id);

  Prepared out;
  if (!sender_) {
    auto s = default_sender();
    if (!s) return s.error();
    sender_ = std::move(*s);
  }
  out.sender = *sender_;

  std::string& h = out.header;
  if (req_.print) h += "Return-Path: <" + parse::quote_address(out.sender) + ">\n";
  std::string prefix = resent ? "Resent-" : "";
  if (!seen(resent ? kResentDate : kDate)) h += prefix + "Date: " + date822(req_.now) + "\n";
  if (!seen(resent ? kResentMessageId : kMessageId))
    h += prefix + message_id_field(req_.now, req_.pid, cfg_.id_host);
  if (!seen(resent ? kResentFrom : kFrom)) {
    auto from = default_from(prefix + "From");
    if (!from) return from.error();
    h += *from;
  }
  if (!seen(resent ? kResentTo : kTo) && !seen(resent ? kResentCc : kCc))
    h += prefix + "Cc: recipient list not shown: ;\n";
  if (!resent) h += followup_field();
  h += kept_;

  out.recipients = req_.recipients;
  if (req_.header_recipients) {
    const auto& from_header = resent ? resent_rcpts_ : header_rcpts_;
    out.recipients.insert(out.recipients.end(), from_header.begin(), from_header.end());
  }
  return out;
}

}  // namespace

std::string message_id_field(std::time_t now, long pid, const std::string& id_host) {
  struct tm tm {};
  gmtime_r(&now, &tm);
  std::string id = fmt_u64(static_cast<std::uint64_t>(tm.tm_year + 1900)) + two(tm.tm_mon + 1) +
                   two(tm.tm_mday) + two(tm.tm_hour) + two(tm.tm_min) + two(tm.tm_sec);
  return "Message-ID: <" + id + "." + fmt_u64(static_cast<std::uint64_t>(pid)) + ".qmail@" +
         id_host + ">\n";
}

Result<Prepared> prepare_header(const std::vector<parse::HeaderField>& fields, const Request& req) {
  return Composer(req).run(fields);
}

}  // namespace qmail::inject

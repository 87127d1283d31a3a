// dns_message.cc: building a DNS query and reading an answer (RFC 1035 4.1).
// The answer bytes come from the network: every offset is checked against the
// message size before it is read, names are decompressed under the limits of
// dns_message.h, and the reader walks every section so that an answer that
// does not hold together is rejected as a whole.
#include "parse/dns_message.h"

#include "base/str.h"

namespace qmail::parse {

namespace {
constexpr std::size_t kHeaderSize = 12;
constexpr std::size_t kMaxDnsLabel = 63;    // RFC 1035 2.3.4
constexpr std::size_t kMaxDnsLabels = 128;  // 255 bytes hold at most 127 labels and the root
constexpr std::size_t kMaxQueryText = 253;  // a name of 255 wire bytes as text, no final dot
constexpr std::size_t kMinRecordSize = 11;  // the root name and 10 bytes of fixed fields
constexpr std::uint16_t kClassIn = 1;

bool query_name_byte(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_' || c == '*';
}

bool host_name_byte(char c) { return c != '*' && query_name_byte(c); }

/// How reading a piece of the message ended.  kShort (the message stops in
/// the middle) is kept apart from kBad so that a truncated (TC) answer can
/// stop at its last complete record.
enum class Read { kOk, kShort, kBad };

/// A name read from the message: lower case, labels joined by '.', no final dot.
struct Name {
  std::string text;
  bool host = true;   // every label is letters, digits, '-' and '_'
  bool query = true;  // as `host`, '*' allowed too
};

class Reader {
 public:
  explicit Reader(std::string_view msg) : msg_(msg) {}

  [[nodiscard]] std::size_t pos() const { return pos_; }
  [[nodiscard]] std::size_t left() const { return msg_.size() - pos_; }

  bool u8(std::uint8_t& out) {
    if (left() < 1) return false;
    out = static_cast<unsigned char>(msg_[pos_++]);
    return true;
  }
  bool u16(std::uint16_t& out) {
    if (left() < 2) return false;
    out = static_cast<std::uint16_t>((byte_at(pos_) << 8) | byte_at(pos_ + 1));
    pos_ += 2;
    return true;
  }
  bool u32(std::uint32_t& out) {
    std::uint16_t hi = 0, lo = 0;
    if (left() < 4) return false;
    (void)u16(hi);
    (void)u16(lo);
    out = (std::uint32_t{hi} << 16) | lo;
    return true;
  }
  bool skip(std::size_t n) {
    if (left() < n) return false;
    pos_ += n;
    return true;
  }

  /// Reads the name at the current position, following compression pointers
  /// (RFC 1035 4.1.4).  A pointer must point strictly before the first label
  /// of the run of labels it ends (the name's start, or the previous pointer's
  /// target), so each jump lands lower than the last and no loop is possible.
  Read name(Name& out) {
    out = Name{};
    std::size_t at = pos_;
    std::size_t run_start = pos_;
    std::size_t end = 0;  // where the name ends in place: set at the first pointer
    bool jumped = false;
    std::size_t wire = 1;  // the root label's length byte
    std::size_t labels = 0;
    for (;;) {
      if (at >= msg_.size()) return jumped ? Read::kBad : Read::kShort;
      unsigned len = byte_at(at);
      if ((len & 0xc0) == 0xc0) {
        if (at + 1 >= msg_.size()) return jumped ? Read::kBad : Read::kShort;
        std::size_t target = ((len & 0x3f) << 8) | byte_at(at + 1);
        if (target >= run_start) return Read::kBad;
        if (!jumped) end = at + 2;
        jumped = true;
        at = run_start = target;
        continue;
      }
      if ((len & 0xc0) != 0) return Read::kBad;  // 01 and 10: reserved label types
      if (len == 0) {
        pos_ = jumped ? end : at + 1;
        return Read::kOk;
      }
      // len <= 63 here, as the top two bits are clear.
      wire += len + 1;
      if (wire > kMaxDnsName || ++labels > kMaxDnsLabels) return Read::kBad;
      if (at + 1 + len > msg_.size()) return jumped ? Read::kBad : Read::kShort;
      if (labels > 1) out.text.push_back('.');
      for (std::size_t i = 0; i < len; ++i) {
        char c = msg_[at + 1 + i];
        if (!host_name_byte(c)) out.host = false;
        if (!query_name_byte(c)) out.query = false;
        out.text.push_back(ascii_lower(c));
      }
      at += 1 + len;
    }
  }

 private:
  [[nodiscard]] unsigned byte_at(std::size_t i) const {
    return static_cast<unsigned char>(msg_[i]);
  }

  std::string_view msg_;
  std::size_t pos_ = 0;
};

bool kept_type(std::uint16_t type) {
  return type == static_cast<std::uint16_t>(DnsType::kA) ||
         type == static_cast<std::uint16_t>(DnsType::kCname) ||
         type == static_cast<std::uint16_t>(DnsType::kMx) ||
         type == static_cast<std::uint16_t>(DnsType::kAaaa);
}

/// Reads one resource record.  `keep` is null for the authority and
/// additional sections, whose records are only checked for fit.  A record of
/// a kept type whose names are not host names is skipped, not rejected: DNS
/// allows any byte in a label, but such a name is of no use to mail.
Read read_record(Reader& r, std::vector<DnsRecord>* keep) {
  Name owner;
  if (Read n = r.name(owner); n != Read::kOk) return n;
  std::uint16_t type = 0, klass = 0, rdlength = 0;
  std::uint32_t ttl = 0;
  if (!r.u16(type) || !r.u16(klass) || !r.u32(ttl) || !r.u16(rdlength)) return Read::kShort;
  if (r.left() < rdlength) return Read::kShort;
  std::size_t rdata_end = r.pos() + rdlength;
  if (keep == nullptr || klass != kClassIn || !kept_type(type)) {
    (void)r.skip(rdlength);
    return Read::kOk;
  }

  DnsRecord rec;
  rec.owner = std::move(owner.text);
  rec.type = static_cast<DnsType>(type);
  rec.ttl = ttl > 0x7fffffffu ? 0 : ttl;  // RFC 2181 8: a TTL with the top bit set means 0
  bool usable = owner.host;
  switch (rec.type) {
    case DnsType::kA:
    case DnsType::kAaaa: {
      std::size_t want = rec.type == DnsType::kA ? 4 : 16;
      if (rdlength != want) return Read::kBad;
      for (std::size_t i = 0; i < want; ++i) {
        std::uint8_t b = 0;
        (void)r.u8(b);
        rec.address[i] = b;
      }
      break;
    }
    case DnsType::kMx:
    case DnsType::kCname: {
      if (rec.type == DnsType::kMx) {
        if (rdlength < 3) return Read::kBad;
        (void)r.u16(rec.preference);
      }
      Name target;
      // Inside the record a short read is a bad record: rdlength said it fit.
      if (r.name(target) != Read::kOk || r.pos() != rdata_end) return Read::kBad;
      rec.target = std::move(target.text);
      usable = usable && target.host;
      break;
    }
    default:
      return Read::kBad;  // kept_type() lets no other type through
  }
  if (!usable) return Read::kOk;
  if (keep->size() >= kMaxDnsRecords) return Read::kBad;
  keep->push_back(std::move(rec));
  return Read::kOk;
}
}  // namespace

std::optional<std::string> encode_dns_query(std::uint16_t id, std::string_view name, DnsType type) {
  if (!name.empty() && name.back() == '.') name.remove_suffix(1);
  if (name.empty() || name.size() > kMaxQueryText) return std::nullopt;
  std::string out;
  out.reserve(kHeaderSize + name.size() + 6);
  auto put16 = [&out](unsigned v) {
    out.push_back(static_cast<char>((v >> 8) & 0xff));
    out.push_back(static_cast<char>(v & 0xff));
  };
  put16(id);
  put16(0x0100);  // a standard query, recursion desired
  put16(1);       // one question
  put16(0);
  put16(0);
  put16(0);
  std::string_view rest = name;
  for (;;) {
    std::size_t dot = rest.find('.');
    std::string_view label = rest.substr(0, dot);
    if (label.empty() || label.size() > kMaxDnsLabel) return std::nullopt;
    for (char c : label)
      if (!query_name_byte(c)) return std::nullopt;
    out.push_back(static_cast<char>(label.size()));
    out.append(label);
    if (dot == std::string_view::npos) break;
    rest.remove_prefix(dot + 1);
  }
  out.push_back('\0');
  put16(static_cast<unsigned>(type));
  put16(kClassIn);
  return out;
}

std::optional<DnsAnswer> parse_dns_answer(std::string_view message) {
  if (message.size() < kHeaderSize || message.size() > kMaxDnsMessage) return std::nullopt;
  Reader r(message);
  DnsAnswer a;
  std::uint16_t flags = 0, qdcount = 0, ancount = 0, nscount = 0, arcount = 0;
  (void)r.u16(a.id);
  (void)r.u16(flags);
  (void)r.u16(qdcount);
  (void)r.u16(ancount);
  (void)r.u16(nscount);
  (void)r.u16(arcount);
  if ((flags & 0x8000) == 0) return std::nullopt;       // QR: not a response
  if (((flags >> 11) & 0xf) != 0) return std::nullopt;  // not a standard query's answer
  a.authoritative = (flags & 0x0400) != 0;
  a.truncated = (flags & 0x0200) != 0;
  a.rcode_value = static_cast<std::uint8_t>(flags & 0xf);
  a.rcode = static_cast<DnsRcode>(a.rcode_value);

  // We ask one question; an answer that does not repeat it cannot be matched.
  if (qdcount != 1) return std::nullopt;
  Name q;
  if (r.name(q) != Read::kOk || !q.query) return std::nullopt;
  if (!r.u16(a.question_type)) return std::nullopt;
  std::uint16_t qclass = 0;
  if (!r.u16(qclass) || qclass != kClassIn) return std::nullopt;
  a.question = std::move(q.text);

  // Each record takes at least kMinRecordSize bytes: counts that cannot fit
  // are rejected before any work (a truncated answer may hold fewer).
  std::size_t total = std::size_t{ancount} + nscount + arcount;
  if (!a.truncated && total * kMinRecordSize > r.left()) return std::nullopt;

  for (std::size_t i = 0; i < total; ++i) {
    Read got = read_record(r, i < ancount ? &a.records : nullptr);
    if (got == Read::kOk) continue;
    if (got == Read::kShort && a.truncated) break;
    return std::nullopt;
  }
  return a;
}

bool dns_name_equal(std::string_view a, std::string_view b) {
  if (!a.empty() && a.back() == '.') a.remove_suffix(1);
  if (!b.empty() && b.back() == '.') b.remove_suffix(1);
  return ascii_iequal(a, b);
}

}  // namespace qmail::parse

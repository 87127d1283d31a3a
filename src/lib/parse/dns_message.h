// dns_message.h: DNS messages (RFC 1035) as bytes: building a query and parsing
// an answer.  qmail-remote's resolver (net/dns.h) sends what encode_dns_query()
// builds and hands every datagram or TCP message it receives to
// parse_dns_answer().  The answer comes from the network and is untrusted: the
// parser is a pure function with limits (message size, names of at most 255
// bytes, compression pointers that only point backwards, at most kMaxDnsRecords
// records kept), and it rejects anything it cannot read completely.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace qmail::parse {

/// The record types the mail system asks for.
enum class DnsType : std::uint16_t {
  kA = 1,
  kCname = 5,
  kSoa = 6,
  kMx = 15,
  kAaaa = 28,
};

/// Response codes that matter here (RFC 1035 4.1.1).
enum class DnsRcode : std::uint8_t {
  kNoError = 0,
  kFormErr = 1,
  kServFail = 2,
  kNxDomain = 3,
  kNotImp = 4,
  kRefused = 5,
};

inline constexpr std::size_t kMaxDnsMessage = 65535;  // a TCP message's largest size
inline constexpr std::size_t kMaxDnsUdp = 512;        // no EDNS0: larger answers come by TCP
inline constexpr std::size_t kMaxDnsName = 255;       // wire length of a name, RFC 1035 2.3.4
inline constexpr std::size_t kMaxDnsRecords = 256;    // answer records kept; more is an error

/// One resource record of the answer section, of class IN and of a type in
/// DnsType other than SOA (other types and classes are skipped while parsing).
struct DnsRecord {
  std::string owner;  // the record's name: lower case, no final dot ("" for the root)
  DnsType type = DnsType::kA;
  std::uint32_t ttl = 0;
  std::uint16_t preference = 0;  // MX only
  std::string target;  // MX exchange or CNAME target: lower case, no final dot ("" = root)
  std::array<unsigned char, 16> address{};  // A: the first 4 bytes; AAAA: all 16
};

struct DnsAnswer {
  std::uint16_t id = 0;
  bool truncated = false;  // TC: ask again over TCP
  bool authoritative = false;
  DnsRcode rcode = DnsRcode::kNoError;  // other codes are kept as their number
  std::uint8_t rcode_value = 0;         // the raw 4-bit code
  std::string question;                 // the question's name, lower case, no final dot
  std::uint16_t question_type = 0;
  std::vector<DnsRecord> records;  // the answer section's records that are kept, in order
};

/// A query with one question (class IN, recursion desired, no EDNS0) for
/// `name`: a domain in ASCII (A-labels), with or without a final dot, case
/// kept.  nullopt when the name cannot be a DNS name: empty, an empty label, a
/// label over 63 bytes, more than 253 characters, or a byte outside
/// letters, digits, '-', '_' and '*'.
std::optional<std::string> encode_dns_query(std::uint16_t id, std::string_view name, DnsType type);

/// Parses a response.  nullopt when the bytes are not a complete, well-formed
/// response (not QR, an opcode other than QUERY, not exactly one question of
/// class IN, a question name with a byte encode_dns_query() would refuse, a
/// section running past the end, a bad name, a record whose data does not fit
/// its type, more than kMaxDnsRecords records kept).  Answer records whose
/// owner or target has a label of other bytes than letters, digits, '-' and
/// '_' are skipped, not kept.
/// Bytes after the last section are ignored.  A truncated (TC) answer is
/// returned with whatever complete records it holds.
std::optional<DnsAnswer> parse_dns_answer(std::string_view message);

/// True when `a` and `b` are the same DNS name, ignoring ASCII case and a final dot.
bool dns_name_equal(std::string_view a, std::string_view b);

}  // namespace qmail::parse

// fuzz_dns_answer: any bytes as a DNS answer from the network (parse/dns_message.h).
// Whatever parses must keep the parser's promises: bounded record count, names
// in lower case within the RFC 1035 limits and made of host-name bytes, data
// that fits its type; and the question must make a query that reads back as
// the same question once it is marked as a response.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "parse/dns_message.h"

namespace {
using namespace qmail::parse;

/// A name as the parser returns it: lower case, no empty label, no final dot,
/// at most 253 characters; `star` allows '*' (question names only).
bool name_ok(const std::string& name, bool star) {
  if (name.empty()) return true;  // the root
  if (name.size() > kMaxDnsName - 2) return false;
  std::size_t label = 0;
  for (char c : name) {
    if (c == '.') {
      if (label == 0) return false;
      label = 0;
      continue;
    }
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
              (star && c == '*');
    if (!ok || ++label > 63) return false;
  }
  return label != 0;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  auto answer = parse_dns_answer(bytes);
  if (!answer) return 0;
  if (size < 12) std::abort();
  if (answer->records.size() > kMaxDnsRecords) std::abort();
  if (answer->rcode_value > 15 || static_cast<unsigned>(answer->rcode) != answer->rcode_value)
    std::abort();
  if (!name_ok(answer->question, true)) std::abort();
  for (const auto& r : answer->records) {
    if (!name_ok(r.owner, false) || !name_ok(r.target, false)) std::abort();
    if (r.ttl > 0x7fffffffu) std::abort();
    bool has_target = r.type == DnsType::kMx || r.type == DnsType::kCname;
    if (!has_target && !r.target.empty()) std::abort();
    if (r.type != DnsType::kMx && r.preference != 0) std::abort();
    if (r.type == DnsType::kSoa) std::abort();
  }
  if (!dns_name_equal(answer->question, answer->question + ".")) std::abort();

  // The question, asked again, reads back the same once marked as an answer.
  if (answer->question.empty()) return 0;
  auto query =
      encode_dns_query(answer->id, answer->question, static_cast<DnsType>(answer->question_type));
  if (!query) std::abort();
  if (parse_dns_answer(*query)) std::abort();  // a query is not an answer
  (*query)[2] = static_cast<char>((*query)[2] | 0x80);
  auto back = parse_dns_answer(*query);
  if (!back || back->id != answer->id || back->question != answer->question ||
      back->question_type != answer->question_type || !back->records.empty())
    std::abort();
  return 0;
}

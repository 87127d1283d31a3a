// Unit tests for src/lib/parse/dns_message: queries as bytes, and answers built
// by hand byte by byte (compression, truncation, limits, bad records).
#include <check.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "check_main.h"
#include "parse/dns_message.h"

/// Compares as strings, holding both values while Check looks at them.
#define expect_eq(got, want)                       \
  do {                                             \
    std::string got_ = (got);                      \
    std::string want_ = (want);                    \
    ck_assert_str_eq(got_.c_str(), want_.c_str()); \
  } while (0)

using namespace qmail::parse;

namespace {
constexpr unsigned kResponse = 0x8180;  // QR, RD, RA, NOERROR

/// A DNS message written field by field.
struct Msg {
  std::string b;

  Msg& u8(unsigned v) {
    b.push_back(static_cast<char>(v & 0xff));
    return *this;
  }
  Msg& u16(unsigned v) { return u8(v >> 8).u8(v); }
  Msg& u32(std::uint32_t v) { return u16(v >> 16).u16(v & 0xffff); }
  /// A name in full, without compression: "a.b" or "" for the root.
  Msg& name(std::string_view dotted) {
    while (!dotted.empty()) {
      auto dot = dotted.find('.');
      std::string_view label = dotted.substr(0, dot);
      u8(static_cast<unsigned>(label.size()));
      b.append(label);
      dotted.remove_prefix(dot == std::string_view::npos ? dotted.size() : dot + 1);
    }
    return u8(0);
  }
  Msg& pointer(unsigned offset) { return u16(0xc000 | offset); }
  Msg& header(unsigned id, unsigned flags, unsigned qd, unsigned an, unsigned ns = 0,
              unsigned ar = 0) {
    return u16(id).u16(flags).u16(qd).u16(an).u16(ns).u16(ar);
  }
  Msg& question(std::string_view qname, DnsType type) {
    return name(qname).u16(static_cast<unsigned>(type)).u16(1);
  }
  /// The fixed fields of a record after its owner name.
  Msg& fixed(DnsType type, unsigned rdlength, std::uint32_t ttl = 3600, unsigned klass = 1) {
    return u16(static_cast<unsigned>(type)).u16(klass).u32(ttl).u16(rdlength);
  }
  Msg& a(unsigned char w, unsigned char x, unsigned char y, unsigned char z) {
    return fixed(DnsType::kA, 4).u8(w).u8(x).u8(y).u8(z);
  }
  Msg& mx(unsigned pref, std::string_view target) {
    fixed(DnsType::kMx, 2 + wire_size(target)).u16(pref);
    return name(target);
  }
  Msg& cname(std::string_view target) {
    fixed(DnsType::kCname, wire_size(target));
    return name(target);
  }
  static unsigned wire_size(std::string_view dotted) {
    return dotted.empty() ? 1 : static_cast<unsigned>(dotted.size()) + 2;
  }
};

/// An answer for "example.com" (question at offset 12) with `an` records to follow.
Msg answer_for(DnsType type, unsigned an, unsigned flags = kResponse) {
  Msg m;
  m.header(0x1234, flags, 1, an).question("example.com", type);
  return m;
}

std::optional<DnsAnswer> parse(const Msg& m) { return parse_dns_answer(m.b); }

std::string label_of(std::size_t n, char c) { return std::string(n, c); }
}  // namespace

START_TEST(encode_dns_query_builds_one_question) {
  auto q = encode_dns_query(0xbeef, "Mail.Example.", DnsType::kMx);
  ck_assert(q.has_value());
  Msg want;
  want.header(0xbeef, 0x0100, 1, 0).name("Mail.Example").u16(15).u16(1);
  ck_assert(*q == want.b);
  auto aaaa = encode_dns_query(1, "x", DnsType::kAaaa);
  ck_assert(aaaa.has_value());
  ck_assert_int_eq(aaaa->size(), 12 + 3 + 4);
  ck_assert_int_eq(static_cast<unsigned char>((*aaaa)[aaaa->size() - 3]), 28);
}
END_TEST

START_TEST(encode_dns_query_rejects_names_dns_cannot_carry) {
  const char* bad[] = {"", ".", "a..b", ".a", "a b", "a/b", "\xc3\xa9.com", "a.b..", "-\n"};
  for (const char* name : bad)
    ck_assert_msg(!encode_dns_query(1, name, DnsType::kA), "accepted \"%s\"", name);
  ck_assert(!encode_dns_query(1, std::string_view("a\0b", 3), DnsType::kA));
  ck_assert(!encode_dns_query(1, label_of(64, 'a') + ".com", DnsType::kA));
  ck_assert(encode_dns_query(1, label_of(63, 'a') + ".com", DnsType::kA));
  // 253 characters are 255 bytes on the wire, the most a name may have
  std::string longest = label_of(63, 'a') + "." + label_of(63, 'b') + "." + label_of(63, 'c') +
                        "." + label_of(61, 'd');
  ck_assert_int_eq(longest.size(), 253);
  ck_assert(encode_dns_query(1, longest, DnsType::kA));
  ck_assert(encode_dns_query(1, longest + ".", DnsType::kA));
  ck_assert(!encode_dns_query(1, longest + "d", DnsType::kA));
  ck_assert(encode_dns_query(1, "_dmarc.example.com", DnsType::kA));
  ck_assert(encode_dns_query(1, "*.example.com", DnsType::kA));
}
END_TEST

START_TEST(parse_reads_a_and_aaaa_records) {
  Msg m = answer_for(DnsType::kA, 2);
  m.pointer(12).a(192, 0, 2, 1);
  m.pointer(12).fixed(DnsType::kAaaa, 16, 300);
  for (int i = 0; i < 16; ++i) m.u8(i == 0 ? 0x20 : i == 1 ? 0x01 : i == 15 ? 1 : 0);
  auto got = parse(m);
  ck_assert(got.has_value());
  ck_assert_int_eq(got->id, 0x1234);
  ck_assert(!got->truncated);
  ck_assert(got->rcode == DnsRcode::kNoError);
  expect_eq(got->question, "example.com");
  ck_assert_int_eq(got->question_type, 1);
  ck_assert_int_eq(got->records.size(), 2);
  expect_eq(got->records[0].owner, "example.com");
  ck_assert(got->records[0].type == DnsType::kA);
  ck_assert_int_eq(got->records[0].ttl, 3600);
  ck_assert_int_eq(got->records[0].address[0], 192);
  ck_assert_int_eq(got->records[0].address[3], 1);
  ck_assert(got->records[1].type == DnsType::kAaaa);
  ck_assert_int_eq(got->records[1].ttl, 300);
  ck_assert_int_eq(got->records[1].address[0], 0x20);
  ck_assert_int_eq(got->records[1].address[15], 1);
}
END_TEST

START_TEST(parse_reads_mx_records_with_compressed_targets) {
  Msg m = answer_for(DnsType::kMx, 3);
  m.pointer(12).mx(10, "mx1.example.com");
  // "mx2" then a pointer to "example.com": 2 + 4 + 2 bytes of RDATA
  m.pointer(12).fixed(DnsType::kMx, 8).u16(20).u8(3);
  m.b += "mx2";
  m.pointer(12);
  // the root: a null MX
  m.pointer(12).mx(0, "");
  auto got = parse(m);
  ck_assert(got.has_value());
  ck_assert_int_eq(got->records.size(), 3);
  expect_eq(got->records[0].target, "mx1.example.com");
  ck_assert_int_eq(got->records[0].preference, 10);
  expect_eq(got->records[1].target, "mx2.example.com");
  ck_assert_int_eq(got->records[1].preference, 20);
  expect_eq(got->records[2].target, "");
}
END_TEST

START_TEST(parse_reads_a_cname_chain_in_order) {
  Msg m = answer_for(DnsType::kA, 3);
  m.pointer(12).cname("www.example.net");
  m.name("www.example.net").cname("Edge.CDN.example");
  m.name("edge.cdn.example").a(198, 51, 100, 7);
  auto got = parse(m);
  ck_assert(got.has_value());
  ck_assert_int_eq(got->records.size(), 3);
  ck_assert(got->records[0].type == DnsType::kCname);
  expect_eq(got->records[0].target, "www.example.net");
  expect_eq(got->records[1].owner, "www.example.net");
  expect_eq(got->records[1].target, "edge.cdn.example");  // lower case
  expect_eq(got->records[2].owner, "edge.cdn.example");
}
END_TEST

START_TEST(parse_rejects_pointer_loops_and_forward_pointers) {
  // a pointer to itself
  Msg self = answer_for(DnsType::kA, 1);
  self.pointer(static_cast<unsigned>(self.b.size())).a(1, 2, 3, 4);
  ck_assert(!parse(self));
  // a pointer to a later byte where a name does start: the A record's data "\1x\0\0"
  Msg fwd = answer_for(DnsType::kA, 1);
  fwd.pointer(static_cast<unsigned>(fwd.b.size()) + 12).fixed(DnsType::kA, 4);
  fwd.u8(1).u8('x').u8(0).u8(0);
  ck_assert(!parse(fwd));
  // "a" then a pointer back to the "a": a loop
  Msg loop = answer_for(DnsType::kA, 1);
  unsigned start = static_cast<unsigned>(loop.b.size());
  loop.u8(1).u8('a').pointer(start).a(1, 2, 3, 4);
  ck_assert(!parse(loop));
  // a pointer that runs off the end of the message
  Msg off = answer_for(DnsType::kA, 1);
  off.u8(0xc0);
  ck_assert(!parse(off));
  // reserved label types 01 and 10
  Msg reserved = answer_for(DnsType::kA, 1);
  reserved.u8(0x41).a(1, 2, 3, 4);
  ck_assert(!parse(reserved));
  Msg reserved2 = answer_for(DnsType::kA, 1);
  reserved2.u8(0x80).a(1, 2, 3, 4);
  ck_assert(!parse(reserved2));
  // a backward pointer is fine, also one that reaches another pointer
  Msg chain = answer_for(DnsType::kCname, 2);
  chain.pointer(12).cname("x.example.com");
  unsigned x = static_cast<unsigned>(chain.b.size());
  chain.u8(1).u8('y').pointer(12).fixed(DnsType::kCname, 2).pointer(x);
  auto got = parse(chain);
  ck_assert(got.has_value());
  ck_assert_int_eq(got->records.size(), 2);
  expect_eq(got->records[1].owner, "y.example.com");
  expect_eq(got->records[1].target, "y.example.com");
}
END_TEST

START_TEST(parse_rejects_every_cut_short_message) {
  Msg m = answer_for(DnsType::kMx, 2);
  m.pointer(12).mx(10, "mx.example.com");
  m.pointer(12).a(192, 0, 2, 25);
  ck_assert(parse(m));
  for (std::size_t n = 0; n < m.b.size(); ++n)
    ck_assert_msg(!parse_dns_answer(std::string_view(m.b).substr(0, n)), "accepted %zu bytes", n);
  // bytes after the last section are ignored
  Msg more = m;
  more.b += "trailing";
  auto got = parse(more);
  ck_assert(got.has_value());
  ck_assert_int_eq(got->records.size(), 2);
}
END_TEST

START_TEST(parse_keeps_complete_records_of_a_truncated_answer) {
  Msg m = answer_for(DnsType::kA, 3, kResponse | 0x0200);
  m.pointer(12).a(192, 0, 2, 1);
  m.pointer(12).fixed(DnsType::kA, 4).u8(192);  // cut in the middle of the second
  auto got = parse(m);
  ck_assert(got.has_value());
  ck_assert(got->truncated);
  ck_assert_int_eq(got->records.size(), 1);
  // with nothing after the question at all
  auto bare = parse(answer_for(DnsType::kA, 5, kResponse | 0x0200));
  ck_assert(bare.has_value());
  ck_assert(bare->records.empty());
  // but the question itself must be whole
  Msg cut = answer_for(DnsType::kA, 0, kResponse | 0x0200);
  cut.b.resize(cut.b.size() - 1);
  ck_assert(!parse(cut));
}
END_TEST

START_TEST(parse_rejects_queries_and_other_opcodes) {
  ck_assert(!parse(answer_for(DnsType::kA, 0, 0x0100)));              // QR clear
  ck_assert(!parse(answer_for(DnsType::kA, 0, kResponse | 0x2000)));  // opcode 4 (NOTIFY)
  ck_assert(parse(answer_for(DnsType::kA, 0)));
}
END_TEST

START_TEST(parse_reports_the_rcode) {
  for (unsigned code = 0; code < 16; ++code) {
    auto got = parse(answer_for(DnsType::kA, 0, 0x8180 | code));
    ck_assert(got.has_value());
    ck_assert_int_eq(got->rcode_value, code);
    ck_assert_int_eq(static_cast<unsigned>(got->rcode), code);
  }
  ck_assert(parse(answer_for(DnsType::kA, 0, 0x8183))->rcode == DnsRcode::kNxDomain);
  ck_assert(parse(answer_for(DnsType::kA, 0, 0x8182))->rcode == DnsRcode::kServFail);
  ck_assert(parse(answer_for(DnsType::kA, 0, 0x8185))->rcode == DnsRcode::kRefused);
  ck_assert(parse(answer_for(DnsType::kA, 0, 0x8580))->authoritative);
}
END_TEST

START_TEST(parse_rejects_more_than_kMaxDnsRecords) {
  for (std::size_t n : {kMaxDnsRecords, kMaxDnsRecords + 1}) {
    Msg m = answer_for(DnsType::kA, static_cast<unsigned>(n));
    for (std::size_t i = 0; i < n; ++i)
      m.pointer(12).a(10, 0, static_cast<unsigned char>(i >> 8), static_cast<unsigned char>(i));
    auto got = parse(m);
    if (n == kMaxDnsRecords) {
      ck_assert(got.has_value());
      ck_assert_int_eq(got->records.size(), kMaxDnsRecords);
    } else {
      ck_assert(!got);
    }
  }
  // records that are skipped do not count
  Msg m = answer_for(DnsType::kA, static_cast<unsigned>(kMaxDnsRecords + 10));
  for (std::size_t i = 0; i < kMaxDnsRecords + 10; ++i)
    m.pointer(12).fixed(static_cast<DnsType>(16), 2).u8(1).u8('x');  // TXT
  ck_assert(parse(m));
}
END_TEST

START_TEST(parse_takes_names_of_255_bytes_not_256) {
  std::string head = label_of(63, 'a') + "." + label_of(63, 'b') + "." + label_of(63, 'c') + ".";
  for (std::size_t last : {61, 62}) {
    std::string owner = head + label_of(last, 'd');
    Msg m = answer_for(DnsType::kA, 1);
    m.name(owner).a(1, 2, 3, 4);
    auto got = parse(m);
    if (last == 61) {
      ck_assert(got.has_value());
      ck_assert_int_eq(got->records[0].owner.size(), 253);
    } else {
      ck_assert(!got);
    }
  }
  // the limit holds across pointers: 4 bytes in place and 252 behind the pointer
  for (bool two : {true, false}) {
    Msg m;
    m.header(1, kResponse, 1, 1).question(head + label_of(58, 'd'), DnsType::kA);
    if (two)
      m.u8(2).u8('x').u8('y');
    else
      m.u8(3).u8('x').u8('y').u8('z');
    m.pointer(12).a(1, 2, 3, 4);
    auto got = parse(m);
    ck_assert(got.has_value() == two);
    if (two) ck_assert_int_eq(got->records[0].owner.size(), 253);
  }
  // a label over 63 bytes cannot even be written: 64 is the reserved type 01
  Msg big = answer_for(DnsType::kA, 1);
  big.u8(64);
  big.b += label_of(64, 'a');
  big.u8(0).a(1, 2, 3, 4);
  ck_assert(!parse(big));
}
END_TEST

START_TEST(parse_checks_the_data_of_each_type) {
  Msg a5 = answer_for(DnsType::kA, 1);
  a5.pointer(12).fixed(DnsType::kA, 5).u32(0).u8(0);
  ck_assert(!parse(a5));
  Msg aaaa4 = answer_for(DnsType::kAaaa, 1);
  aaaa4.pointer(12).fixed(DnsType::kAaaa, 4).u32(0);
  ck_assert(!parse(aaaa4));
  Msg mx2 = answer_for(DnsType::kMx, 1);
  mx2.pointer(12).fixed(DnsType::kMx, 2).u16(10);
  ck_assert(!parse(mx2));
  // a name shorter than the record's data
  Msg mxlong = answer_for(DnsType::kMx, 1);
  mxlong.pointer(12).fixed(DnsType::kMx, 2 + 4 + 1).u16(10).name("mx").u8(0);
  ck_assert(!parse(mxlong));
  // a name running past the record's data
  Msg cname = answer_for(DnsType::kCname, 1);
  cname.pointer(12).fixed(DnsType::kCname, 3).name("abc");
  cname.b += std::string(8, '\0');
  ck_assert(!parse(cname));
  // data longer than the message
  Msg past = answer_for(DnsType::kA, 1);
  past.pointer(12).fixed(static_cast<DnsType>(16), 200).u8(1);
  ck_assert(!parse(past));
}
END_TEST

START_TEST(parse_skips_other_types_classes_and_odd_names) {
  Msg m = answer_for(DnsType::kA, 5, kResponse);
  m.b[9] = 1;                                                              // NSCOUNT 1
  m.b[11] = 1;                                                             // ARCOUNT 1
  m.pointer(12).fixed(static_cast<DnsType>(16), 3).u8(2).u8('h').u8('i');  // TXT
  m.pointer(12).fixed(DnsType::kA, 4, 60, 3).u32(0x7f000001);              // class CH
  m.u8(3).u8('a').u8(' ').u8('b').pointer(12).a(1, 1, 1, 1);               // "a b" owner
  m.pointer(12).cname("bad\x01name");                                      // odd target
  m.pointer(12).a(192, 0, 2, 9);
  m.pointer(12).fixed(DnsType::kSoa, 2).u8(0).u8(0);    // authority: SOA, data not read
  m.u8(0).fixed(static_cast<DnsType>(41), 0, 0, 1232);  // additional: OPT
  auto got = parse(m);
  ck_assert(got.has_value());
  ck_assert_int_eq(got->records.size(), 1);
  ck_assert_int_eq(got->records[0].address[3], 9);
}
END_TEST

START_TEST(parse_lowercases_names_and_zeroes_huge_ttls) {
  Msg m;
  m.header(7, kResponse, 1, 1).question("MiXeD.Example.COM", DnsType::kMx);
  m.pointer(12).fixed(DnsType::kMx, 2 + 6, 0x80000000u).u16(5).name("M_X1");
  auto got = parse(m);
  ck_assert(got.has_value());
  expect_eq(got->question, "mixed.example.com");
  expect_eq(got->records[0].owner, "mixed.example.com");
  expect_eq(got->records[0].target, "m_x1");
  ck_assert_int_eq(got->records[0].ttl, 0);
}
END_TEST

START_TEST(parse_rejects_bad_headers_and_questions) {
  ck_assert(!parse_dns_answer(""));
  ck_assert(!parse_dns_answer(std::string(11, '\0')));
  ck_assert(!parse_dns_answer(std::string(kMaxDnsMessage + 1, '\0')));
  Msg none;
  none.header(1, kResponse, 0, 0);
  ck_assert(!parse(none));
  Msg two;
  two.header(1, kResponse, 2, 0).question("a", DnsType::kA).question("b", DnsType::kA);
  ck_assert(!parse(two));
  Msg chaos;
  chaos.header(1, kResponse, 1, 0).name("a").u16(1).u16(3);
  ck_assert(!parse(chaos));
  Msg odd;
  odd.header(1, kResponse, 1, 0).question("a b", DnsType::kA);
  ck_assert(!parse(odd));
  // counts that cannot fit in the bytes that follow
  Msg many = answer_for(DnsType::kA, 0xffff);
  many.pointer(12).a(1, 2, 3, 4);
  ck_assert(!parse(many));
}
END_TEST

START_TEST(dns_name_equal_ignores_case_and_final_dot) {
  ck_assert(dns_name_equal("Example.COM", "example.com."));
  ck_assert(dns_name_equal("", "."));
  ck_assert(dns_name_equal("a.", "A"));
  ck_assert(!dns_name_equal("example.com", "example.co"));
  ck_assert(!dns_name_equal("a..", "a"));
}
END_TEST

Suite* make_suite() {
  Suite* s = suite_create("dns");
  TCase* tc = tcase_create("encode_dns_query");
  tcase_add_test(tc, encode_dns_query_builds_one_question);
  tcase_add_test(tc, encode_dns_query_rejects_names_dns_cannot_carry);
  suite_add_tcase(s, tc);
  tc = tcase_create("parse_dns_answer");
  tcase_add_test(tc, parse_reads_a_and_aaaa_records);
  tcase_add_test(tc, parse_reads_mx_records_with_compressed_targets);
  tcase_add_test(tc, parse_reads_a_cname_chain_in_order);
  tcase_add_test(tc, parse_rejects_pointer_loops_and_forward_pointers);
  tcase_add_test(tc, parse_rejects_every_cut_short_message);
  tcase_add_test(tc, parse_keeps_complete_records_of_a_truncated_answer);
  tcase_add_test(tc, parse_rejects_queries_and_other_opcodes);
  tcase_add_test(tc, parse_reports_the_rcode);
  tcase_add_test(tc, parse_rejects_more_than_kMaxDnsRecords);
  tcase_add_test(tc, parse_takes_names_of_255_bytes_not_256);
  tcase_add_test(tc, parse_checks_the_data_of_each_type);
  tcase_add_test(tc, parse_skips_other_types_classes_and_odd_names);
  tcase_add_test(tc, parse_lowercases_names_and_zeroes_huge_ttls);
  tcase_add_test(tc, parse_rejects_bad_headers_and_questions);
  suite_add_tcase(s, tc);
  tc = tcase_create("dns_name_equal");
  tcase_add_test(tc, dns_name_equal_ignores_case_and_final_dot);
  suite_add_tcase(s, tc);
  return s;
}

// Unit tests for src/lib/parse/sasl: base64 and the PLAIN, LOGIN and
// CRAM-MD5 responses of SMTP AUTH.
#include <check.h>

#include <string>
#include <string_view>

#include "check_main.h"
#include "parse/sasl.h"

using namespace qmail;
using namespace qmail::parse;
using namespace std::string_literals;

namespace {
bool decodes_to(std::string_view in, const std::string& want) {
  auto r = base64_decode(in);
  return r.ok() && *r == want;
}

bool refused(const Result<std::string>& r) { return !r.ok() && !r.error().temporary(); }
bool refused(const Result<SaslCredentials>& r) { return !r.ok() && !r.error().temporary(); }
}  // namespace

START_TEST(base64_matches_rfc4648_vectors) {
  // RFC 4648 section 10.
  const char* plain[] = {"", "f", "fo", "foo", "foob", "fooba", "foobar"};
  const char* coded[] = {"", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy"};
  for (int i = 0; i < 7; ++i) {
    std::string got = base64_encode(plain[i]);
    ck_assert_str_eq(got.c_str(), coded[i]);
    ck_assert(decodes_to(coded[i], plain[i]));
  }
}
END_TEST

START_TEST(base64_round_trips_every_byte) {
  std::string all;
  for (int i = 0; i < 256; ++i) all.push_back(static_cast<char>(i));
  for (std::size_t len = 0; len <= all.size(); len += 37) {
    std::string part = all.substr(all.size() - len);
    ck_assert(decodes_to(base64_encode(part), part));
  }
  ck_assert(decodes_to(base64_encode(all), all));
  std::string got = base64_encode("\xff\xfe\xfd"s);
  ck_assert_str_eq(got.c_str(), "//79");
}
END_TEST

START_TEST(base64_rejects_bad_characters_and_padding) {
  ck_assert(refused(base64_decode("Zg=")));       // not a multiple of 4
  ck_assert(refused(base64_decode("Zm9")));       // padding left out
  ck_assert(refused(base64_decode("Zm 9v")));     // whitespace
  ck_assert(refused(base64_decode("Zm9v\r\n")));  // line end
  ck_assert(refused(base64_decode("Zm-v")));      // base64url alphabet
  ck_assert(refused(base64_decode("Zm_v")));
  ck_assert(refused(base64_decode("Zg==Zm9v")));  // padding in the middle
  ck_assert(refused(base64_decode("Z===")));
  ck_assert(refused(base64_decode("====")));
  ck_assert(refused(base64_decode("Zm=v")));
  ck_assert(refused(base64_decode("=")));  // the caller's business, never ours
  ck_assert(refused(base64_decode("Zm9\0"s)));
  ck_assert(refused(base64_decode("Zm9\x80"s)));
}
END_TEST

START_TEST(base64_accepts_nonzero_trailing_bits) {
  ck_assert(decodes_to("Zh==", "f"));
  ck_assert(decodes_to("Zm9=", "fo"));
}
END_TEST

START_TEST(base64_refuses_input_over_limit) {
  std::string at_limit(kMaxSaslEncoded, 'A');
  auto r = base64_decode(at_limit);
  ck_assert(r.ok());
  ck_assert_uint_eq(r->size(), kMaxSaslEncoded / 4 * 3);
  ck_assert(refused(base64_decode(std::string(kMaxSaslEncoded + 4, 'A'))));
}
END_TEST

START_TEST(mechanism_names_ignore_case) {
  ck_assert(parse_sasl_mechanism("PLAIN") == SaslMechanism::kPlain);
  ck_assert(parse_sasl_mechanism("plain") == SaslMechanism::kPlain);
  ck_assert(parse_sasl_mechanism("Login") == SaslMechanism::kLogin);
  ck_assert(parse_sasl_mechanism("cram-md5") == SaslMechanism::kCramMd5);
  ck_assert(parse_sasl_mechanism("CRAM-MD5") == SaslMechanism::kCramMd5);
  ck_assert(parse_sasl_mechanism("DIGEST-MD5") == SaslMechanism::kUnknown);
  ck_assert(parse_sasl_mechanism("") == SaslMechanism::kUnknown);
  ck_assert(parse_sasl_mechanism("PLAINX") == SaslMechanism::kUnknown);
}
END_TEST

START_TEST(plain_without_authzid) {
  auto r = parse_sasl_plain("\0tim\0tanstaaftanstaaf"s);
  ck_assert(r.ok());
  ck_assert_str_eq(r->user.c_str(), "tim");
  ck_assert_str_eq(r->secret.c_str(), "tanstaaftanstaaf");
  // The same as a client sends it, through base64 (RFC 4616 section 4).
  auto d = base64_decode("AHRpbQB0YW5zdGFhZnRhbnN0YWFm");
  ck_assert(d.ok());
  auto r2 = parse_sasl_plain(*d);
  ck_assert(r2.ok());
  ck_assert_str_eq(r2->user.c_str(), "tim");
}
END_TEST

START_TEST(plain_with_matching_authzid) {
  auto r = parse_sasl_plain("alice\0alice\0pass word"s);
  ck_assert(r.ok());
  ck_assert_str_eq(r->user.c_str(), "alice");
  ck_assert_str_eq(r->secret.c_str(), "pass word");
}
END_TEST

START_TEST(plain_refuses_other_authzid) {
  ck_assert(refused(parse_sasl_plain("Ursel\0Kurt\0xipj3plmq"s)));
}
END_TEST

START_TEST(plain_refuses_missing_nul_and_empty_fields) {
  ck_assert(refused(parse_sasl_plain("alicesecret")));
  ck_assert(refused(parse_sasl_plain("alice\0secret"s)));
  ck_assert(refused(parse_sasl_plain("\0\0secret"s)));
  ck_assert(refused(parse_sasl_plain("\0alice\0"s)));
  ck_assert(refused(parse_sasl_plain("\0alice\0sec\0ret"s)));  // a third NUL
  ck_assert(refused(parse_sasl_plain("")));
}
END_TEST

START_TEST(plain_refuses_fields_over_limit) {
  std::string big(kMaxSaslField + 1, 'x');
  std::string fits(kMaxSaslField, 'x');
  ck_assert(parse_sasl_plain("\0"s + fits + "\0"s + fits).ok());
  ck_assert(refused(parse_sasl_plain("\0"s + big + "\0pw"s)));
  ck_assert(refused(parse_sasl_plain("\0user\0"s + big)));
  ck_assert(refused(parse_sasl_plain(big + "\0user\0pw"s)));
}
END_TEST

START_TEST(cram_md5_takes_user_and_lowercases_digest) {
  // RFC 2195 section 2.
  auto d = base64_decode("dGltIGI5MTNhNjAyYzdlZGE3YTQ5NWI0ZTZlNzMzNGQzODkw");
  ck_assert(d.ok());
  auto r = parse_sasl_cram_md5(*d);
  ck_assert(r.ok());
  ck_assert_str_eq(r->user.c_str(), "tim");
  ck_assert_str_eq(r->secret.c_str(), "b913a602c7eda7a495b4e6e7334d3890");
  auto up = parse_sasl_cram_md5("tim B913A602C7EDA7A495B4E6E7334D3890");
  ck_assert(up.ok());
  ck_assert_str_eq(up->secret.c_str(), "b913a602c7eda7a495b4e6e7334d3890");
  auto spaced = parse_sasl_cram_md5("tim smith b913a602c7eda7a495b4e6e7334d3890");
  ck_assert(spaced.ok());
  ck_assert_str_eq(spaced->user.c_str(), "tim smith");
}
END_TEST

START_TEST(cram_md5_refuses_bad_responses) {
  ck_assert(refused(parse_sasl_cram_md5("timb913a602c7eda7a495b4e6e7334d3890")));
  ck_assert(refused(parse_sasl_cram_md5(" b913a602c7eda7a495b4e6e7334d3890")));
  ck_assert(refused(parse_sasl_cram_md5("tim b913a602c7eda7a495b4e6e7334d389")));
  ck_assert(refused(parse_sasl_cram_md5("tim b913a602c7eda7a495b4e6e7334d38900")));
  ck_assert(refused(parse_sasl_cram_md5("tim g913a602c7eda7a495b4e6e7334d3890")));
  ck_assert(refused(parse_sasl_cram_md5("tim b913a602c7eda7a495b4e6e7334d3890 ")));
  ck_assert(refused(parse_sasl_cram_md5("t\0m b913a602c7eda7a495b4e6e7334d3890"s)));
  ck_assert(refused(parse_sasl_cram_md5("")));
  std::string big(kMaxSaslField + 1, 'u');
  ck_assert(refused(parse_sasl_cram_md5(big + " b913a602c7eda7a495b4e6e7334d3890")));
}
END_TEST

START_TEST(login_field_is_bounded_and_without_nul) {
  auto r = parse_sasl_login_field("alice@example.org");
  ck_assert(r.ok());
  ck_assert_str_eq(r->c_str(), "alice@example.org");
  ck_assert(parse_sasl_login_field(std::string(kMaxSaslField, 'p')).ok());
  ck_assert(refused(parse_sasl_login_field("")));
  ck_assert(refused(parse_sasl_login_field("al\0ice"s)));
  ck_assert(refused(parse_sasl_login_field(std::string(kMaxSaslField + 1, 'p'))));
}
END_TEST

Suite* make_suite() {
  Suite* s = suite_create("parse_sasl");
  TCase* tc = tcase_create("base64");
  tcase_add_test(tc, base64_matches_rfc4648_vectors);
  tcase_add_test(tc, base64_round_trips_every_byte);
  tcase_add_test(tc, base64_rejects_bad_characters_and_padding);
  tcase_add_test(tc, base64_accepts_nonzero_trailing_bits);
  tcase_add_test(tc, base64_refuses_input_over_limit);
  suite_add_tcase(s, tc);
  tc = tcase_create("mechanism");
  tcase_add_test(tc, mechanism_names_ignore_case);
  suite_add_tcase(s, tc);
  tc = tcase_create("plain");
  tcase_add_test(tc, plain_without_authzid);
  tcase_add_test(tc, plain_with_matching_authzid);
  tcase_add_test(tc, plain_refuses_other_authzid);
  tcase_add_test(tc, plain_refuses_missing_nul_and_empty_fields);
  tcase_add_test(tc, plain_refuses_fields_over_limit);
  suite_add_tcase(s, tc);
  tc = tcase_create("cram_md5");
  tcase_add_test(tc, cram_md5_takes_user_and_lowercases_digest);
  tcase_add_test(tc, cram_md5_refuses_bad_responses);
  suite_add_tcase(s, tc);
  tc = tcase_create("login");
  tcase_add_test(tc, login_field_is_bounded_and_without_nul);
  suite_add_tcase(s, tc);
  return s;
}

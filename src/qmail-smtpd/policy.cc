#include "policy.h"

#include "base/str.h"
#include "net/idn.h"
#include "net/ip.h"
#include "net/ipme.h"

namespace qmail::smtpd {

namespace {

// Splits at the last '@': qmail-send takes the domain from there too.
void split_address(std::string_view a, std::string_view& local, std::string_view& domain) {
  auto at = a.rfind('@');
  if (at == std::string_view::npos) {
    local = a;
    domain = {};
  } else {
    local = a.substr(0, at);
    domain = a.substr(at + 1);
  }
}

bool listed(const control::StringSet& set, std::string_view address) {
  if (set.contains(address)) return true;
  auto at = address.rfind('@');
  return at != std::string_view::npos && set.contains(address.substr(at));
}

bool in_morercpthosts(const Config& cfg, const std::string& key) {
  if (!cfg.morercpthosts) return false;
  auto r = cfg.morercpthosts->find(key, 0);
  // a broken cdb refuses rather than relays
  return r && r->has_value();
}

}  // namespace

bool sender_is_bad(const Config& cfg, std::string_view sender) {
  return !sender.empty() && listed(cfg.badmailfrom, sender);
}

bool rcpthosts_allow(const Config& cfg, std::string_view domain) {
  std::string d = ascii_lower(domain);
  if (d.empty()) return false;
  if (cfg.rcpthosts && cfg.rcpthosts->contains(d)) return true;
  if (in_morercpthosts(cfg, d)) return true;
  // parents listed with a leading dot: ".example.com" covers a.b.example.com
  for (std::size_t i = d.find('.'); i != std::string::npos; i = d.find('.', i + 1)) {
    std::string parent = d.substr(i);
    if (cfg.rcpthosts && cfg.rcpthosts->contains(parent)) return true;
    if (in_morercpthosts(cfg, parent)) return true;
  }
  return false;
}

RcptDecision decide_recipient(const Config& cfg, std::string_view address, bool may_relay,
                              bool sender_bad) {
  RcptDecision d;
  if (sender_bad) {
    d.reply = "553 5.7.1 sorry, your envelope sender is in my badmailfrom list";
    return d;
  }
  std::string_view local, domain;
  split_address(address, local, domain);
  std::string dom(domain);
  bool has_at = address.find('@') != std::string_view::npos;
  if (auto lit = net::parse_address_literal(dom)) {
    // rare: the interface list is read only when a literal comes
    std::vector<net::IpAddress> mine = cfg.local_ips;
    if (mine.empty()) {
      auto sys = net::local_addresses();
      if (sys) mine = std::move(*sys);  // unreadable: the literal is simply not local
    }
    if (net::is_local_address(*lit, mine)) dom = cfg.localiphost;
  } else if (has_at) {
    auto ascii = net::domain_to_ascii(dom);
    if (!ascii) {
      d.reply = ascii.error().temporary()
                    ? "451 4.3.0 unable to convert that domain name now, try again later"
                    : "553 5.1.2 sorry, that domain name is not valid";
      return d;
    }
    dom = *ascii;
  }
  std::string final_addr = has_at ? std::string(local) + "@" + dom : std::string(local);
  if (listed(cfg.badrcptto, final_addr)) {
    d.reply = "553 5.7.1 sorry, mail to that recipient is not accepted";
    return d;
  }
  if (!may_relay) {
    if (local.find_first_of("@%!") != std::string_view::npos) {
      d.reply = "553 5.7.1 sorry, sender-specified routing is not accepted here";
      return d;
    }
    if (has_at && !rcpthosts_allow(cfg, dom)) {
      d.reply = "553 5.7.1 sorry, that domain isn't in my list of allowed rcpthosts";
      return d;
    }
  }
  d.accepted = true;
  d.address = std::move(final_addr);
  return d;
}

}  // namespace qmail::smtpd

#include "qmail-remote/plan.h"

#include <algorithm>
#include <map>

#include "base/str.h"
#include "net/ip.h"
#include "qmail-remote/cache.h"

namespace qmail::remote {

std::string sharing_key(const Config& config, const Destination& d) {
  if (!d.found || d.targets.targets.empty() || d.tls.checks_names()) return "";
  std::vector<std::string> hosts;
  for (const Target& t : d.targets.targets) {
    std::string one = fmt_u64(t.preference);
    one.push_back('\0');
    one += t.host;
    one.push_back('\0');
    one += net::format_ip(t.ip);
    one.push_back('\0');
    one += fmt_u64(t.port);
    hosts.push_back(std::move(one));
  }
  std::sort(hosts.begin(), hosts.end());
  std::string key = connection_settings(config, d.tls, d.auth);
  for (const std::string& h : hosts) {
    key.push_back('\n');
    key += h;
  }
  return key;
}

std::vector<std::vector<std::size_t>> share_transactions(const Config& config,
                                                         const std::vector<Destination>& ds) {
  std::vector<std::vector<std::size_t>> groups;
  std::map<std::string, std::size_t> by_key;  // sharing key -> its group
  for (std::size_t i = 0; i < ds.size(); ++i) {
    std::string key = sharing_key(config, ds[i]);
    if (!key.empty()) {
      auto [it, fresh] = by_key.try_emplace(std::move(key), groups.size());
      if (!fresh) {
        groups[it->second].push_back(i);
        continue;
      }
    }
    groups.push_back({i});
  }
  return groups;
}

}  // namespace qmail::remote

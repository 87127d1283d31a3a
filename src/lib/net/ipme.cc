#include "net/ipme.h"

#include <ifaddrs.h>
#include <netinet/in.h>

#include <algorithm>

namespace qmail::net {

namespace {
/// Frees the getifaddrs list however run() leaves.
struct IfaddrsList {
  ifaddrs* head = nullptr;
  IfaddrsList() = default;
  IfaddrsList(const IfaddrsList&) = delete;
  IfaddrsList& operator=(const IfaddrsList&) = delete;
  ~IfaddrsList() {
    if (head) ::freeifaddrs(head);
  }
};

void add_unique(std::vector<IpAddress>& out, const IpAddress& ip) {
  if (std::find(out.begin(), out.end(), ip) == out.end()) out.push_back(ip);
}
}  // namespace

Result<std::vector<IpAddress>> local_addresses() {
  std::vector<IpAddress> out;
  // "this host" in both families: a connection to 0.0.0.0 or :: reaches us.
  add_unique(out, ipv4(0, 0, 0, 0));
  IpAddress any6;
  any6.family = AF_INET6;
  add_unique(out, any6);

  IfaddrsList list;
  if (::getifaddrs(&list.head) == -1) return sys_error("unable to list the local addresses");
  for (const ifaddrs* a = list.head; a != nullptr; a = a->ifa_next) {
    if (a->ifa_addr == nullptr) continue;
    socklen_t len = 0;
    if (a->ifa_addr->sa_family == AF_INET)
      len = sizeof(sockaddr_in);
    else if (a->ifa_addr->sa_family == AF_INET6)
      len = sizeof(sockaddr_in6);
    else
      continue;
    if (auto ip = from_sockaddr(a->ifa_addr, len)) add_unique(out, *ip);
  }
  return out;
}

bool is_local_address(const IpAddress& ip, const std::vector<IpAddress>& mine) {
  return std::find(mine.begin(), mine.end(), ip) != mine.end();
}

}  // namespace qmail::net

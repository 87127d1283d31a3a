#include "inject/options.h"

#include <cstdlib>

namespace qmail::inject {

Result<Options> parse_options(const std::vector<std::string>& args) {
  Options o;
  std::size_t i = 0;
  for (; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--") {
      ++i;
      break;
    }
    if (a.size() < 2 || a[0] != '-') break;
    for (std::size_t j = 1; j < a.size(); ++j) {
      switch (a[j]) {
        case 'a':
          o.source = RecipientSource::kArgs;
          break;
        case 'A':
          o.source = RecipientSource::kDefault;
          break;
        case 'h':
          o.source = RecipientSource::kHeader;
          break;
        case 'H':
          o.source = RecipientSource::kBoth;
          break;
        case 'n':
          o.queue = false;
          break;
        case 'N':
          o.queue = true;
          break;
        case 'f':
          if (j + 1 < a.size()) {
            o.sender = a.substr(j + 1);
          } else if (i + 1 < args.size()) {
            o.sender = args[++i];
          } else {
            return perm_error("option requires an argument -- f");
          }
          j = a.size();
          break;
        default:
          return perm_error(std::string("illegal option -- ") + a[j]);
      }
    }
  }
  o.recipients.assign(args.begin() + static_cast<std::ptrdiff_t>(i), args.end());
  return o;
}

Env process_env() {
  return [](const char* name) -> std::optional<std::string> {
    const char* v = std::getenv(name);
    if (!v || !*v) return std::nullopt;
    return std::string(v);
  };
}

namespace {
std::optional<std::string> first_of(const Env& env, std::initializer_list<const char*> names) {
  for (const char* n : names)
    if (auto v = env(n)) return v;
  return std::nullopt;
}

Status read_default(std::string& out, const std::string& home, const char* name,
                    const std::optional<std::string>& me, const Env& env, const char* var) {
  auto line = control::read_line_or(home + "/control/" + name, me ? *me : std::string(name));
  if (!line) return line.error();
  out = std::move(*line);
  if (auto v = env(var)) out = *v;
  return {};
}
}  // namespace

Config config_from_env(const Env& env) {
  Config c;
  if (auto flags = env("QMAILINJECT")) {
    for (char f : *flags) {
      switch (f) {
        case 'c':
          c.name_comment = true;
          break;
        case 's':
          c.ignore_return_path = true;
          break;
        case 'f':
          c.delete_from = true;
          break;
        case 'i':
          c.delete_message_id = true;
          break;
        case 'r':
          c.verp_recipient = true;
          break;
        case 'm':
          c.verp_message = true;
          break;
        default:
          break;  // qmail ignores letters it does not know
      }
    }
  }
  c.host = first_of(env, {"QMAILHOST", "MAILHOST"});
  c.sender_host = first_of(env, {"QMAILSHOST"});
  if (!c.sender_host) c.sender_host = c.host;
  if (auto u = first_of(env, {"QMAILUSER", "MAILUSER", "USER", "LOGNAME"})) c.user = *u;
  c.sender_user = first_of(env, {"QMAILSUSER"}).value_or(c.user);
  c.full_name = first_of(env, {"QMAILNAME", "MAILNAME", "NAME"});
  return c;
}

Status load_controls(Config& c, const std::string& home, const Env& env) {
  auto me = control::read_line(home + "/control/me");
  if (!me) return me.error();
  std::optional<std::string> me_name = *me;
  if (me_name && me_name->empty()) me_name.reset();
  if (auto st =
          read_default(c.default_domain, home, "defaultdomain", me_name, env, "QMAILDEFAULTDOMAIN");
      !st)
    return st;
  if (auto st = read_default(c.default_host, home, "defaulthost", me_name, env, "QMAILDEFAULTHOST");
      !st)
    return st;
  if (auto st = read_default(c.plus_domain, home, "plusdomain", me_name, env, "QMAILPLUSDOMAIN");
      !st)
    return st;
  if (auto st = read_default(c.id_host, home, "idhost", me_name, env, "QMAILIDHOST"); !st)
    return st;
  if (auto mft = env("QMAILMFTFILE")) {
    auto lists = control::read_lines(*mft);
    if (!lists) return lists.error();
    if (!lists->empty()) c.followup_lists = control::StringSet(*lists);
  }
  return {};
}

}  // namespace qmail::inject

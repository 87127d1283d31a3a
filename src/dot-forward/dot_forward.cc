#include "dot_forward.h"

#include <signal.h>

#include <cstdlib>

#include "base/auto.h"
#include "base/exit_code.h"
#include "control/control.h"
#include "io/writer.h"
#include "log/escape.h"
#include "sys/open.h"
#include "sys/sig.h"

namespace qmail::dotforward {

namespace {

constexpr std::string_view kUsage = "dot-forward: usage: dot-forward [ -nN ] file ...\n";

int fatal(std::string_view what, int code = as_int(DeliveryExit::kTemporary)) {
  std::string line = "dot-forward: fatal: ";
  line.append(what);
  line += '\n';
  (void)io::write_all(2, line);
  return code;
}

std::string env_or_empty(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

// Follows the instructions of one file; returns the exit code.
int follow(const std::vector<parse::ForwardInstruction>& ins, const Environment& env) {
  std::string head = env.ufline + env.rpline + env.dtline;
  std::vector<std::string> addresses;
  bool consumed = false;
  for (const auto& i : ins) {
    if (i.kind == parse::ForwardKind::kAddress) addresses.push_back(i.target);
    if (i.kind != parse::ForwardKind::kProgram) continue;
    if (auto st = rewind_input(consumed); !st) return fatal(st.error().text());
    if (int code = run_program(i.target, head); code != 0) return code;
  }
  if (!addresses.empty()) {
    if (auto st = rewind_input(consumed); !st) return fatal(st.error().text());
    if (auto st = forward(addresses, env); !st) {
      return fatal("unable to forward message: " + st.error().text(),
                   st.error().temporary() ? as_int(DeliveryExit::kTemporary)
                                          : as_int(DeliveryExit::kPermanent));
    }
  }
  return exit_after(ins);
}

}  // namespace

Result<Options> parse_args(const std::vector<std::string>& args) {
  Options o;
  std::size_t i = 0;
  for (; i < args.size(); ++i) {
    std::string_view a = args[i];
    if (a == "--") {
      ++i;
      break;
    }
    if (a.size() < 2 || a[0] != '-') break;
    for (char c : a.substr(1)) {
      if (c == 'n') {
        o.deliver = false;
      } else if (c == 'N') {
        o.deliver = true;
      } else {
        return perm_error(std::string("unknown option -") + c);
      }
    }
  }
  o.files.assign(args.begin() + static_cast<std::ptrdiff_t>(i), args.end());
  if (o.files.empty()) return perm_error("no file");
  return o;
}

Environment environment_from_process() {
  Environment e;
  e.ufline = env_or_empty("UFLINE");
  e.rpline = env_or_empty("RPLINE");
  e.dtline = env_or_empty("DTLINE");
  e.sender = env_or_empty("NEWSENDER");
  e.user = env_or_empty("USER");
  e.host = env_or_empty("HOST");
  return e;
}

Result<Controls> read_controls(const std::string& home) {
  Controls c;
  const std::string dir = home + "/control/";
  auto me = control::read_line_or(dir + "me", "me");
  if (!me) return me.error();
  c.me = *me;
  auto dh = control::read_line_or(dir + "defaulthost", c.me);
  if (!dh) return dh.error();
  c.default_host = *dh;
  auto dd = control::read_line_or(dir + "defaultdomain", c.me);
  if (!dd) return dd.error();
  c.default_domain = *dd;
  auto pd = control::read_line_or(dir + "plusdomain", c.me);
  if (!pd) return pd.error();
  c.plus_domain = *pd;
  return c;
}

std::string describe(const std::vector<parse::ForwardInstruction>& ins) {
  std::string out;
  for (const auto& i : ins) {
    switch (i.kind) {
      case parse::ForwardKind::kSelf:
        out += "direct delivery\n";
        break;
      case parse::ForwardKind::kProgram:
        out += "pipe through " + log::escape(i.target) + "\n";
        break;
      case parse::ForwardKind::kFile:
        out += "file delivery " + log::escape(i.target) + " (not supported)\n";
        break;
      case parse::ForwardKind::kAddress:
        out += "forward " + log::escape(i.target) + "\n";
        break;
    }
  }
  return out;
}

int exit_after(const std::vector<parse::ForwardInstruction>& ins) {
  for (const auto& i : ins)
    if (i.kind == parse::ForwardKind::kSelf) return as_int(DeliveryExit::kOk);
  return as_int(DeliveryExit::kOkStop);
}

int run(int argc, char** argv) {
  sys::ignore_signal(SIGPIPE);
  auto opts = parse_args(std::vector<std::string>(argv + (argc > 0 ? 1 : 0), argv + argc));
  if (!opts) {
    (void)io::write_all(2, kUsage);
    return as_int(DeliveryExit::kPermanent);
  }
  Environment env = environment_from_process();
  auto controls = read_controls(autoconf::kHome);
  if (!controls) return fatal("unable to read controls: " + controls.error().text());
  parse::ForwardContext ctx{env.user, env.host, controls->default_host, controls->default_domain,
                            controls->plus_domain};

  for (const auto& file : opts->files) {
    std::string data;
    bool found = false;
    // Any trouble but absence defers: sendmail would wrongly take it as absent.
    if (auto st = sys::read_file(file, data, parse::kMaxDotForwardFile, &found); !st)
      return fatal(log::escape(st.error().text()));
    if (!found) continue;
    auto ins = parse::parse_dot_forward(data, ctx);
    // A line that cannot be understood defers the message until it is fixed.
    if (!ins) return fatal("unable to parse " + log::escape(file) + ": " + ins.error().what);
    if (ins->empty()) {
      if (!opts->deliver) (void)io::write_all(1, "skipping empty file " + log::escape(file) + "\n");
      continue;  // an empty file counts as no file
    }
    if (!opts->deliver) (void)io::write_all(1, describe(*ins));
    // File deliveries are refused before anything is done, so that nothing
    // is delivered twice once the user replaces them with a .qmail file.
    for (const auto& i : *ins) {
      if (i.kind == parse::ForwardKind::kFile)
        return fatal("file delivery " + log::escape(i.target) + " not supported");
    }
    if (!opts->deliver) return exit_after(*ins);
    return follow(*ins, env);
  }
  if (!opts->deliver) (void)io::write_all(1, "direct delivery\n");
  return as_int(DeliveryExit::kOk);
}

}  // namespace qmail::dotforward

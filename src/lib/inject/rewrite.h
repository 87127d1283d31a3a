// rewrite.h: qmail-inject's rewriting of one address (qmail-header(5)):
// source routes are stripped, a lone box gets the default host, a host
// ending in "+" gets the plus domain, a host without dots gets the default
// domain.  Called by prepare_header() for every address in a sender or
// recipient field and by run() for -f and the recipient arguments.  The
// addresses are untrusted; the host and domain names come from the control
// files and the invoking user's environment.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "inject/options.h"
#include "parse/rfc822_address.h"

namespace qmail::inject {

class Rewriter {
 public:
  /// Tokenizes the default host, default domain and plus domain of `config`;
  /// a temporary error (a configuration problem) when one is not a host name.
  static Result<Rewriter> make(const Config& config);

  /// Rewrites one address (the tokens of an AddressItem::kAddress) in place.
  /// "<>" and "<x@[]>" stay as they are.
  void rewrite(std::vector<parse::Token>& address) const;

  /// An address in header syntax (e.g. from quote_address()) as one address:
  /// tokenized, rewritten, and returned in envelope form.  A permanent error
  /// when it does not tokenize.
  [[nodiscard]] Result<std::string> envelope(std::string_view header_syntax) const;

 private:
  std::vector<parse::Token> host_;    // "@" and the default host
  std::vector<parse::Token> domain_;  // "." and the default domain
  std::vector<parse::Token> plus_;    // the plus domain, without a leading dot
};

}  // namespace qmail::inject

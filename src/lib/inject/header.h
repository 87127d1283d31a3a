// header.h: the heart of qmail-inject (qmail-header(5)): given the fields of
// a message's header and the settings, produce the header to send (new
// Date, Message-ID, From and Cc fields first, then the kept fields with
// their addresses rewritten, Bcc, Return-Path and Content-Length removed),
// the envelope sender and the envelope recipients.  A pure function, so tests
// can run it on any header with any settings.  Called by inject(); the header
// is untrusted input, the settings are the invoking user's.
#pragma once

#include <ctime>
#include <optional>
#include <string>
#include <vector>

#include "base/result.h"
#include "inject/options.h"
#include "inject/rewrite.h"
#include "parse/rfc822_header.h"

namespace qmail::inject {

struct Request {
  const Config* config = nullptr;
  const Rewriter* rewriter = nullptr;
  std::optional<std::string> sender;    // from -f, already in envelope form
  std::vector<std::string> recipients;  // from the arguments, in envelope form
  bool header_recipients = true;        // add the header's recipients
  bool print = false;                   // -n: start with a Return-Path field
  std::time_t now = 0;                  // for Date, Message-ID and VERPs
  long pid = 0;                         // for Message-ID and VERPs
};

struct Prepared {
  std::string header;                   // the complete header, without the blank line
  std::string sender;                   // envelope sender
  std::vector<std::string> recipients;  // envelope recipients, in order
};

/// Rewrites a header.  A permanent error (the message is bad) when a sender
/// field (From, Sender, Reply-To, Return-Path ...) cannot be parsed; a
/// recipient field that cannot be parsed is kept as it is and adds no
/// recipients, as qmail does.
Result<Prepared> prepare_header(const std::vector<parse::HeaderField>& fields, const Request& req);

/// "Message-ID: <YYYYMMDDHHMMSS.pid.qmail@idhost>\n", in UTC.
std::string message_id_field(std::time_t now, long pid, const std::string& id_host);

}  // namespace qmail::inject

// lines.h: the lines qmail-local puts in front of a delivered message: the
// Return-Path and Delivered-To header fields (qmail-local(8)) and the mbox
// From_ line (mbox(5)).  Called by qmail-local, maildir2mbox and the mailbox
// writers.  The sender and recipient come from the envelope, i.e. from a
// possibly hostile remote client: newlines are replaced so that they can never
// start a header field of their own.  Pure functions.
#pragma once

#include <ctime>
#include <string>
#include <string_view>

namespace qmail::mailbox {

/// `addr` with its local part (before the last '@') in RFC 822 quotes when it
/// needs them (spaces, specials, leading/trailing/double dots), as qmail's
/// quote2 does; "" stays "".
std::string quote_address(std::string_view addr);

/// "Return-Path: <sender>\n", the sender quoted, newlines turned into '_'.
std::string return_path_line(std::string_view sender);

/// "Delivered-To: recipient\n", newlines turned into '_'.
std::string delivered_to_line(std::string_view recipient);

/// "From sender Sat Nov 21 08:04:36 2026\n" (mbox(5)): MAILER-DAEMON for the
/// empty sender, spaces, tabs and newlines in it turned into '-'.
std::string mbox_from_line(std::string_view sender, std::time_t when);

}  // namespace qmail::mailbox

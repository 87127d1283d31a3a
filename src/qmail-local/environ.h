// environ.h: what qmail-local derives from its arguments for the programs it
// runs (qmail-command(8): EXT2..EXT4, HOST2..HOST4, NEWSENDER) and how it
// spots its own Delivered-To line in a message header (a forwarding loop).
// Called by local.cc.  The arguments come from qmail-lspawn (trusted); the
// header bytes come from anyone and are scanned with constant memory.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace qmail::local {

/// EXT2 (n=2), EXT3, EXT4: `ext` after its first, second, third '-'; "" when
/// there are not that many.  n=1 gives `ext` itself.
std::string_view ext_part(std::string_view ext, int n);

/// HOST2 (n=2), HOST3, HOST4: `host` without its last one, two, three
/// dot-separated parts; `host` as it is once no dot is left.
std::string_view host_part(std::string_view host, int n);

/// The envelope sender for forwarded copies (dot-qmail(5)): `sender` itself
/// for bounces ("" and "#@[]") or without a .qmail-ext-owner file;
/// local-owner@host with it; local-owner-@host-@[] (VERP) when
/// .qmail-ext-owner-default exists as well.
std::string new_sender(std::string_view sender, std::string_view local, std::string_view host,
                       bool owner_exists, bool owner_default_exists);

/// Looks for an exact copy of a Delivered-To line in a message header, fed in
/// chunks of any size.  The header ends at the first empty line.
class LoopDetector {
 public:
  enum class Verdict { kMore, kLoop, kClean };
  /// `dtline` is the whole line, newline included; it must outlive the detector.
  explicit LoopDetector(std::string_view dtline) : dtline_(dtline) {}
  /// kLoop or kClean once decided; kMore while the header goes on.
  Verdict feed(std::string_view chunk);

 private:
  std::string_view dtline_;
  std::size_t pos_ = 0;  // bytes of the current line seen
  bool same_ = true;     // the current line so far equals dtline_
  Verdict done_ = Verdict::kMore;
};

}  // namespace qmail::local

// result.h: the three outcomes that run through qmail (success, temporary
// failure, permanent failure) as a value.  Every library call that can fail
// returns Result<T>; each main() maps the error kind to its documented exit code.
// Trust: none needed; this is plain data.
#pragma once

#include <cerrno>
#include <string>
#include <utility>
#include <variant>

namespace qmail {

enum class ErrorKind {
  kTemporary,  // retry later (qmail's 111 / "Z")
  kPermanent,  // give up (qmail's 100 / "D")
  kBug,        // an internal inconsistency: treated as temporary by callers
};

struct Error {
  ErrorKind kind = ErrorKind::kTemporary;
  int errnum = 0;    // errno at the failure, 0 when not a system error
  std::string what;  // fixed description, e.g. "unable to open mess/12/345"

  /// Returns `what`, followed by ": " and strerror(errnum) when errnum is set.
  [[nodiscard]] std::string text() const;
  [[nodiscard]] bool temporary() const { return kind != ErrorKind::kPermanent; }
};

/// A temporary failure with no errno.
inline Error temp_error(std::string what) { return {ErrorKind::kTemporary, 0, std::move(what)}; }
/// A permanent failure with no errno.
inline Error perm_error(std::string what) { return {ErrorKind::kPermanent, 0, std::move(what)}; }
/// A temporary failure carrying the current errno.
inline Error sys_error(std::string what) { return {ErrorKind::kTemporary, errno, std::move(what)}; }

template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}      // NOLINT(google-explicit-constructor)
  Result(Error error) : v_(std::move(error)) {}  // NOLINT(google-explicit-constructor)

  [[nodiscard]] bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  [[nodiscard]] const Error& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, Error> v_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : err_(std::move(error)), failed_(true) {}  // NOLINT

  [[nodiscard]] bool ok() const { return !failed_; }
  explicit operator bool() const { return ok(); }
  [[nodiscard]] const Error& error() const { return err_; }

 private:
  Error err_;
  bool failed_ = false;
};

using Status = Result<void>;

}  // namespace qmail

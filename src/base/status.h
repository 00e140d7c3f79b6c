// Errors as values: every fallible function returns a Status or a Result<T>.
//
// A Status is either OK or carries an ErrorCode and a human-readable message. The message of an
// error about input names where the problem is (file, row, column) so that it can be shown to an
// office clerk as it is. Exceptions from third-party libraries are caught at the edge (a CLI
// command, an HTTP handler) and turned into a Status there.
#pragma once

#include <cassert>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace popreg {

// The one error-code enum of the project. The HTTP layer maps each code to a status code once.
enum class ErrorCode {
  kOk = 0,
  kInvalidArgument,     // the caller's input is malformed (bad flag, bad value, bad file)
  kNotFound,            // a named thing does not exist
  kAlreadyExists,       // creating something that is already there
  kFailedPrecondition,  // the system is not in a state where the operation is allowed
  kPermissionDenied,    // the user may not do this
  kUnauthenticated,     // no valid session
  kConflict,            // a concurrent change won; retry with fresh data
  kResourceExhausted,   // disk full, memory, a cap reached
  kIoError,             // reading or writing a file or a socket failed
  kDataLoss,            // stored data is corrupt or truncated
  kUnimplemented,       // a feature this build does not have
  kCancelled,           // the operation was cancelled by the user
  kInternal,            // a bug: an invariant was broken
};

// Returns the stable snake_case name of a code, e.g. "invalid_argument".
std::string_view ErrorCodeName(ErrorCode code);

class [[nodiscard]] Status {
 public:
  // An OK status.
  Status() = default;
  Status(ErrorCode code, std::string message) : code_(code), message_(std::move(message)) {
    assert(code != ErrorCode::kOk);
  }

  static Status Ok() { return Status(); }

  bool ok() const { return code_ == ErrorCode::kOk; }
  ErrorCode code() const { return code_; }
  const std::string& message() const { return message_; }

  // "invalid_argument: message", or "ok".
  std::string ToString() const;

  // Returns a copy whose message is "prefix: message"; an OK status stays OK.
  Status WithContext(std::string_view prefix) const;

  // Marks the status as looked at, for call sites that deliberately ignore an error.
  void IgnoreError() const {}

 private:
  ErrorCode code_ = ErrorCode::kOk;
  std::string message_;
};

inline Status InvalidArgument(std::string msg) {
  return {ErrorCode::kInvalidArgument, std::move(msg)};
}
inline Status NotFound(std::string msg) { return {ErrorCode::kNotFound, std::move(msg)}; }
inline Status AlreadyExists(std::string msg) { return {ErrorCode::kAlreadyExists, std::move(msg)}; }
inline Status FailedPrecondition(std::string msg) {
  return {ErrorCode::kFailedPrecondition, std::move(msg)};
}
inline Status PermissionDenied(std::string msg) {
  return {ErrorCode::kPermissionDenied, std::move(msg)};
}
inline Status Conflict(std::string msg) { return {ErrorCode::kConflict, std::move(msg)}; }
inline Status IoError(std::string msg) { return {ErrorCode::kIoError, std::move(msg)}; }
inline Status DataLoss(std::string msg) { return {ErrorCode::kDataLoss, std::move(msg)}; }
inline Status ResourceExhausted(std::string msg) {
  return {ErrorCode::kResourceExhausted, std::move(msg)};
}
inline Status Internal(std::string msg) { return {ErrorCode::kInternal, std::move(msg)}; }

// Either a value of type T or an error Status. Accessing value() of an error is a programmer
// error (asserted), never something user input can cause.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}        // NOLINT(google-explicit-constructor)
  Result(Status status) : v_(std::move(status)) {  // NOLINT(google-explicit-constructor)
    assert(!std::get<Status>(v_).ok());
  }

  bool ok() const { return std::holds_alternative<T>(v_); }
  // The error, or OK when there is a value.
  Status status() const { return ok() ? Status() : std::get<Status>(v_); }

  T& value() & {
    assert(ok());
    return std::get<T>(v_);
  }
  const T& value() const& {
    assert(ok());
    return std::get<T>(v_);
  }
  T&& value() && {
    assert(ok());
    return std::get<T>(std::move(v_));
  }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace popreg

#define POPREG_CONCAT_INNER_(a, b) a##b
#define POPREG_CONCAT_(a, b) POPREG_CONCAT_INNER_(a, b)

// Returns the Status of `expr` from the enclosing function when it is an error.
#define RETURN_IF_ERROR(expr)                        \
  do {                                               \
    ::popreg::Status popreg_status_ = (expr);        \
    if (!popreg_status_.ok()) return popreg_status_; \
  } while (false)

// `ASSIGN_OR_RETURN(auto x, MakeX());` declares x from a Result, or returns its error.
#define ASSIGN_OR_RETURN(lhs, expr) \
  ASSIGN_OR_RETURN_IMPL_(POPREG_CONCAT_(popreg_result_, __LINE__), lhs, expr)
// `lhs` is a declaration, which cannot be parenthesised.
// NOLINTBEGIN(bugprone-macro-parentheses)
#define ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                           \
  if (!tmp.ok()) return tmp.status();          \
  lhs = std::move(tmp).value()
// NOLINTEND(bugprone-macro-parentheses)

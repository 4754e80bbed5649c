// Status and Result<T>: how every expected failure travels in Jumeau.
// A small closed set of codes; the message names the file and the offset or
// line. Propagate with JUMEAU_RETURN_IF_ERROR / JUMEAU_ASSIGN_OR_RETURN.
#ifndef JUMEAU_CORE_STATUS_H_
#define JUMEAU_CORE_STATUS_H_

#include <cassert>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace jumeau {

// The closed set of failure kinds. Front ends map each to an exit code or an
// HTTP status in one table.
enum class StatusCode {
  kOk = 0,
  kInvalidArgument,     // a caller's argument is wrong (bad option, bad time)
  kNotFound,            // unknown patient, stream, file
  kAlreadyExists,       // identical content already ingested, name taken
  kDataLoss,            // malformed or corrupt input: truncated, bad header,
                        // checksum mismatch
  kUnimplemented,       // a valid input feature we do not handle
  kFailedPrecondition,  // the store is in the wrong state (not initialised,
                        // newer schema)
  kOutOfRange,          // a value beyond what a format can represent
  kIoError,             // the operating system refused a read or write
  kInternal,            // a dependency failed unexpectedly (SQLite, zstd)
};

// Returns a stable lower-case name for `code` ("data_loss").
std::string_view StatusCodeName(StatusCode code);

// A Status is the outcome of an operation: ok, or a code and a message.
// Thread-compatible: a const Status may be read from several threads.
class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message)
      : code_(code), message_(std::move(message)) {}

  static Status Ok() { return Status(); }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }

  // "data_loss: 100.hea line 2: unknown signal format 999"; "ok" when ok.
  std::string ToString() const;

  // Returns a copy whose message is "<prefix>: <message>".
  Status WithPrefix(std::string_view prefix) const;

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

inline Status InvalidArgumentError(std::string m) {
  return Status(StatusCode::kInvalidArgument, std::move(m));
}
inline Status NotFoundError(std::string m) {
  return Status(StatusCode::kNotFound, std::move(m));
}
inline Status AlreadyExistsError(std::string m) {
  return Status(StatusCode::kAlreadyExists, std::move(m));
}
inline Status DataLossError(std::string m) {
  return Status(StatusCode::kDataLoss, std::move(m));
}
inline Status UnimplementedError(std::string m) {
  return Status(StatusCode::kUnimplemented, std::move(m));
}
inline Status FailedPreconditionError(std::string m) {
  return Status(StatusCode::kFailedPrecondition, std::move(m));
}
inline Status OutOfRangeError(std::string m) {
  return Status(StatusCode::kOutOfRange, std::move(m));
}
inline Status IoError(std::string m) {
  return Status(StatusCode::kIoError, std::move(m));
}
inline Status InternalError(std::string m) {
  return Status(StatusCode::kInternal, std::move(m));
}

// A Result<T> holds either a T or a non-ok Status (GCC 12 has no
// std::expected). Accessing value() of an error Result is a programmer error.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : value_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Status status) : status_(std::move(status)) {  // NOLINT
    assert(!status_.ok() && "Result built from an ok Status without a value");
  }

  bool ok() const { return value_.has_value(); }
  const Status& status() const { return status_; }

  T& value() & {
    assert(ok());
    return *value_;
  }
  const T& value() const& {
    assert(ok());
    return *value_;
  }
  T&& value() && {
    assert(ok());
    return std::move(*value_);
  }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  // On a temporary Result, returns the value itself (moved out), so that
  // `for (auto& x : *F())` does not refer into a destroyed temporary.
  T operator*() && { return std::move(*this).value(); }

 private:
  Status status_;
  std::optional<T> value_;
};

}  // namespace jumeau

#define JUMEAU_STATUS_CONCAT_INNER_(a, b) a##b
#define JUMEAU_STATUS_CONCAT_(a, b) JUMEAU_STATUS_CONCAT_INNER_(a, b)

// Returns from the enclosing function if `expr` (a Status) is not ok.
#define JUMEAU_RETURN_IF_ERROR(expr)                 \
  do {                                               \
    ::jumeau::Status jumeau_status_ = (expr);        \
    if (!jumeau_status_.ok()) return jumeau_status_; \
  } while (0)

// `lhs = *expr` when `expr` (a Result) is ok; otherwise returns its Status.
#define JUMEAU_ASSIGN_OR_RETURN(lhs, expr) \
  JUMEAU_ASSIGN_OR_RETURN_IMPL_(           \
      JUMEAU_STATUS_CONCAT_(jumeau_result_, __LINE__), lhs, expr)
#define JUMEAU_ASSIGN_OR_RETURN_IMPL_(result, lhs, expr) \
  auto result = (expr);                                  \
  if (!result.ok()) return result.status();              \
  lhs = std::move(result).value()

#endif  // JUMEAU_CORE_STATUS_H_

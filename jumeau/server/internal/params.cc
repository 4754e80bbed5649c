// Query parameters, JSON responses and the Status -> HTTP table.
#include "jumeau/server/internal/params.h"

#include <charconv>

namespace jumeau::server {

int HttpStatusFor(StatusCode code) {
  switch (code) {
    case StatusCode::kOk:
      return 200;
    case StatusCode::kInvalidArgument:
    case StatusCode::kOutOfRange:
    case StatusCode::kDataLoss:
      return 400;
    case StatusCode::kNotFound:
      return 404;
    case StatusCode::kAlreadyExists:
    case StatusCode::kFailedPrecondition:
      return 409;
    case StatusCode::kUnimplemented:
      return 501;
    case StatusCode::kIoError:
    case StatusCode::kInternal:
      return 500;
  }
  return 500;
}

std::string ErrorBody(int http_status, std::string_view code,
                      std::string_view message) {
  nlohmann::json j = {{"error",
                       {{"status", http_status},
                        {"code", std::string(code)},
                        {"message", std::string(message)}}}};
  // Replace invalid UTF-8 (a message may quote a raw request byte).
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

namespace internal {

std::optional<std::string> Param(const Request& request, const char* name) {
  auto it = request.query.find(name);
  if (it == request.query.end() || it->second.empty()) return std::nullopt;
  return it->second;
}

Result<int64_t> IntParam(const Request& request, const char* name,
                         int64_t fallback, int64_t min, int64_t max) {
  auto text = Param(request, name);
  if (!text) return fallback;
  int64_t v = 0;
  const char* end = text->data() + text->size();
  auto [p, ec] = std::from_chars(text->data(), end, v);
  if (ec != std::errc() || p != end) {
    return InvalidArgumentError("parameter '" + std::string(name) + "': '" +
                                *text + "' is not an integer");
  }
  if (v < min || v > max) {
    return InvalidArgumentError("parameter '" + std::string(name) +
                                "' must be between " + std::to_string(min) +
                                " and " + std::to_string(max) + ", not " +
                                *text);
  }
  return v;
}

Result<std::optional<Time>> TimeParam(const Request& request,
                                      const char* name) {
  auto text = Param(request, name);
  if (!text) return std::optional<Time>();
  const bool integer =
      text->find_first_not_of("-0123456789") == std::string::npos;
  if (integer) {
    int64_t v = 0;
    const char* end = text->data() + text->size();
    auto [p, ec] = std::from_chars(text->data(), end, v);
    if (ec == std::errc() && p == end) return std::optional<Time>(Time{v});
  } else if (auto t = ParseIso8601(*text); t.ok()) {
    return std::optional<Time>(*t);
  }
  return InvalidArgumentError(
      "parameter '" + std::string(name) + "': '" + *text +
      "' is neither nanoseconds since 1970 nor an ISO 8601 UTC time");
}

Response Json(const nlohmann::json& body, int status) {
  Response r;
  r.status = status;
  r.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return r;
}

Response Error(const Status& status) {
  Response r;
  r.status = HttpStatusFor(status.code());
  r.body = ErrorBody(r.status, StatusCodeName(status.code()), status.message());
  return r;
}

std::string BirthFor(const Caller& caller, const std::string& birth) {
  if (caller.researcher() && birth.size() > 4) return birth.substr(0, 4);
  return birth;
}

}  // namespace internal
}  // namespace jumeau::server

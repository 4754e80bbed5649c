// Helpers shared by the server's route files: reading query parameters with
// clear errors, JSON responses, the caller's identity. Internal to server/.
#ifndef JUMEAU_SERVER_INTERNAL_PARAMS_H_
#define JUMEAU_SERVER_INTERNAL_PARAMS_H_

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "jumeau/core/status.h"
#include "jumeau/core/time.h"
#include "jumeau/server/api.h"
#include "jumeau/store/store.h"

namespace jumeau::server::internal {

// Who is asking: the authenticated token.
struct Caller {
  store::ApiToken token;
  bool researcher() const { return token.role == "researcher"; }
};

// The query parameter `name`, if given (an empty value counts as absent).
std::optional<std::string> Param(const Request& request, const char* name);

// An integer parameter in [min, max], `fallback` when absent. kInvalidArgument
// naming the parameter when it is not an integer or out of range.
Result<int64_t> IntParam(const Request& request, const char* name,
                         int64_t fallback, int64_t min, int64_t max);

// A time parameter: integer nanoseconds since the epoch ("1546300800000000000")
// or ISO 8601 UTC ("2019-01-01T00:00:00Z"). kInvalidArgument naming the
// parameter otherwise.
Result<std::optional<Time>> TimeParam(const Request& request, const char* name);

// A 200 (or `status`) response with `body` serialised.
Response Json(const nlohmann::json& body, int status = 200);

// The error response for `status`.
Response Error(const Status& status);

// "1958" from "1958-05-02": what a researcher sees of a birth date.
std::string BirthFor(const Caller& caller, const std::string& birth);

// Seconds since the epoch, the time unit of the API's plotted arrays (a
// double keeps microseconds over centuries).
inline double Seconds(Time t) {
  return static_cast<double>(t.ns_since_epoch) * 1e-9;
}

}  // namespace jumeau::server::internal

#endif  // JUMEAU_SERVER_INTERNAL_PARAMS_H_

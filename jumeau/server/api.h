// The HTTP API's route handlers, apart from the HTTP plumbing (server.h): a
// Request (method, path, query, headers that matter, body) in, a Response
// (status, JSON body, ETag) out. Routes: /api/v1/... (JSON, docs/api.md) and
// the FHIR R4 read facade /fhir/... . Every data route needs a bearer token
// (store::Store::AuthenticateApiToken) and every data access is audited.
// Layer: server/ (above derive/ and store/).
#ifndef JUMEAU_SERVER_API_H_
#define JUMEAU_SERVER_API_H_

#include <cstdint>
#include <map>
#include <string>

#include "jumeau/core/status.h"
#include "jumeau/core/time.h"
#include "jumeau/server/audit_writer.h"
#include "jumeau/server/store_pool.h"

namespace jumeau::server {

// One request, as the HTTP layer decoded it.
struct Request {
  std::string method;  // "GET", "POST", ...
  std::string path;    // percent-decoded: "/api/v1/patients/example"
  std::multimap<std::string, std::string> query;  // decoded
  std::string target;  // the path and query as sent (for the audit trail)
  std::string authorization;  // the Authorization header, "" when absent
  std::string if_none_match;  // the If-None-Match header, "" when absent
  std::string body;
};

// One response.
struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::string etag;  // quoted ETag, "" when the data is not immutable
};

// The HTTP status for a Status code: the one table (STYLE.md "Errors").
// kInvalidArgument, kOutOfRange, kDataLoss (a malformed request body) 400,
// kNotFound 404, kAlreadyExists 409, kFailedPrecondition 409,
// kUnimplemented 501, kIoError and kInternal 500; kOk 200.
int HttpStatusFor(StatusCode code);

// A JSON error body: {"error": {"status": 404, "code": "not_found",
// "message": "..."}}.
std::string ErrorBody(int http_status, std::string_view code,
                      std::string_view message);

// Limits on what one request may ask; defaults in brackets.
struct ApiOptions {
  int64_t max_points = 100000;  // points of one signal window [100000]
  int64_t default_points = 2000;
  int64_t max_page = 10000;  // items of one page of a list [10000]
  int64_t default_page = 500;
  int max_simulation_samples = 200;  // what-if posterior samples [200]
  int max_waveform_points = 2000;
};

// The Api answers requests. Safe for concurrent use from many threads: each
// call borrows its own store connection from the pool and queues its audit
// entry on the writer.
class Api {
 public:
  // REQUIRES: pool, audit and clock outlive the Api.
  Api(StorePool* pool, AuditWriter* audit, const Clock& clock,
      ApiOptions options = {});

  // Answers `request`. Never throws; every failure is a JSON error response
  // with the status of HttpStatusFor. Unknown routes are 404; a known path
  // with the wrong method 405; a data route without a valid bearer token 401
  // (audited, with token 0).
  Response Handle(const Request& request);

  // True for the paths this Api answers (/api/ and /fhir/ prefixes); other
  // paths are static files.
  static bool Owns(std::string_view path);

 private:
  StorePool* pool_;
  AuditWriter* audit_;
  const Clock& clock_;
  ApiOptions options_;
};

}  // namespace jumeau::server

#endif  // JUMEAU_SERVER_API_H_

// Server: cpp-httplib configured for the API (one pre-routing handler takes
// every request), static files with a path-traversal guard, JSON errors for
// the library's own refusals (413, 400).
#include "jumeau/server/server.h"

#include <httplib.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include "jumeau/store/sqlite_store.h"

namespace jumeau::server {
namespace {

std::string ContentTypeOf(const std::filesystem::path& p) {
  const std::string ext = p.extension().string();
  if (ext == ".html") return "text/html; charset=utf-8";
  if (ext == ".js" || ext == ".mjs") return "text/javascript; charset=utf-8";
  if (ext == ".css") return "text/css; charset=utf-8";
  if (ext == ".json" || ext == ".map") return "application/json";
  if (ext == ".svg") return "image/svg+xml";
  if (ext == ".png") return "image/png";
  if (ext == ".ico") return "image/x-icon";
  return "application/octet-stream";
}

void SetJsonError(httplib::Response& res, int status, std::string_view code,
                  std::string_view message) {
  res.status = status;
  res.set_content(ErrorBody(status, code, message), "application/json");
}

}  // namespace

struct Server::Impl {
  ServerOptions options;
  std::filesystem::path web_root;  // canonical, or empty
  std::unique_ptr<StorePool> pool;
  std::unique_ptr<AuditWriter> audit;
  std::unique_ptr<Api> api;
  httplib::Server http;
  bool bound = false;

  void Static(const httplib::Request& req, httplib::Response& res) {
    if (req.method != "GET" && req.method != "HEAD") {  // HEAD: as GET
      return SetJsonError(res, 405, "method_not_allowed",
                          "static files answer GET and HEAD only");
    }
    if (web_root.empty())
      return SetJsonError(res, 404, "not_found",
                          "this server has no dashboard (no web root)");
    std::string rel = req.path;
    if (rel.find('\0') != std::string::npos ||
        rel.find('\\') != std::string::npos) {
      return SetJsonError(res, 400, "invalid_argument",
                          "path contains a backslash or NUL byte");
    }
    std::vector<std::string> parts;
    std::stringstream ss(rel);
    for (std::string part; std::getline(ss, part, '/');) {
      if (part.empty() || part == ".") continue;
      if (part == "..")
        return SetJsonError(res, 400, "invalid_argument",
                            "path may not contain '..'");
      parts.push_back(part);
    }
    std::filesystem::path p = web_root;
    for (const auto& part : parts) p /= part;
    std::error_code ec;
    if (std::filesystem::is_directory(p, ec)) p /= "index.html";
    const auto canonical = std::filesystem::weakly_canonical(p, ec);
    const std::string root = web_root.string() + "/";
    if (ec || canonical.string().rfind(root, 0) != 0) {
      return SetJsonError(res, 400, "invalid_argument",
                          "path leads outside the dashboard folder");
    }
    if (!std::filesystem::is_regular_file(canonical, ec)) {
      return SetJsonError(res, 404, "not_found",
                          "no file " + req.path + " in the dashboard");
    }
    std::ifstream in(canonical, std::ios::binary);
    std::string body((std::istreambuf_iterator<char>(in)),
                     std::istreambuf_iterator<char>());
    if (!in && !in.eof())
      return SetJsonError(res, 500, "io_error", "cannot read " + req.path);
    res.status = 200;
    res.set_header("Cache-Control", "no-cache");
    res.set_header("X-Content-Type-Options", "nosniff");
    res.set_content(std::move(body), ContentTypeOf(canonical).c_str());
  }

  void Handle(const httplib::Request& req, httplib::Response& res) {
    if (!Api::Owns(req.path)) return Static(req, res);
    Request r;
    r.method = req.method;
    r.path = req.path;
    r.target = req.target.empty() ? req.path : req.target;
    for (const auto& [k, v] : req.params) r.query.emplace(k, v);
    r.authorization = req.get_header_value("Authorization");
    r.if_none_match = req.get_header_value("If-None-Match");
    r.body = req.body;
    Response out = api->Handle(r);
    res.status = out.status;
    res.set_header("Cache-Control", "private, no-cache");
    res.set_header("X-Content-Type-Options", "nosniff");
    if (!out.etag.empty()) res.set_header("ETag", out.etag);
    if (out.status == 401)
      res.set_header("WWW-Authenticate", "Bearer realm=\"jumeau\"");
    if (out.status != 304)
      res.set_content(std::move(out.body), out.content_type.c_str());
  }
};

Server::Server(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Server::~Server() {
  if (impl_) impl_->http.stop();
}

Result<std::unique_ptr<Server>> Server::Create(
    const std::filesystem::path& store_path, const ServerOptions& options,
    const Clock& clock) {
  if (options.threads < 1 || options.threads > 256)
    return InvalidArgumentError("threads must be between 1 and 256");
  if (options.port < 0 || options.port > 65535)
    return InvalidArgumentError("port must be between 0 and 65535");
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  if (!options.web_root.empty()) {
    std::error_code ec;
    if (!std::filesystem::is_directory(options.web_root, ec))
      return NotFoundError(options.web_root.string() +
                           ": no dashboard folder here");
    impl->web_root = std::filesystem::canonical(options.web_root, ec);
    if (ec) return IoError(options.web_root.string() + ": " + ec.message());
  }
  std::shared_ptr<store::DecodedCache> decoded_cache;
  if (options.decoded_cache_bytes > 0) {
    decoded_cache =
        std::make_shared<store::DecodedCache>(options.decoded_cache_bytes);
  }
  JUMEAU_ASSIGN_OR_RETURN(
      impl->pool,
      StorePool::Open(store_path, options.threads, clock, decoded_cache));
  JUMEAU_ASSIGN_OR_RETURN(auto audit_store,
                          store::OpenSqliteStore(store_path, clock));
  impl->audit = std::make_unique<AuditWriter>(std::move(audit_store));
  impl->api = std::make_unique<Api>(impl->pool.get(), impl->audit.get(), clock,
                                    options.api);
  Impl* raw = impl.get();
  auto& http = impl->http;
  const int threads = options.threads;
  http.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  http.set_payload_max_length(options.max_body_bytes);
  http.set_keep_alive_max_count(10000);
  http.set_keep_alive_timeout(5);
  http.set_read_timeout(10, 0);
  http.set_write_timeout(10, 0);
  // One handler for every path and method (the body is read before a route
  // handler runs, not before a pre-routing handler).
  const auto handler = [raw](const httplib::Request& req,
                             httplib::Response& res) { raw->Handle(req, res); };
  http.Get(".*", handler);
  http.Post(".*", handler);
  http.Put(".*", handler);
  http.Patch(".*", handler);
  http.Delete(".*", handler);
  http.Options(".*", handler);
  // Small JSON answers: do not let Nagle's algorithm hold them back.
  http.set_tcp_nodelay(true);
  http.set_exception_handler([](const httplib::Request&, httplib::Response& res,
                                std::exception_ptr) {
    SetJsonError(res, 500, "internal", "internal error");
  });
  // The library's own refusals (oversized body 413, malformed request 400)
  // come without a body: give them a JSON one.
  http.set_error_handler([](const httplib::Request&, httplib::Response& res) {
    if (!res.body.empty()) return;
    std::string message = "request refused";
    if (res.status == 413)
      message = "request body too large";
    else if (res.status == 400)
      message = "malformed HTTP request";
    else if (res.status == 414)
      message = "request URI too long";
    SetJsonError(res, res.status, "bad_request", message);
  });
  return std::unique_ptr<Server>(new Server(std::move(impl)));
}

Result<int> Server::Bind() {
  auto& o = impl_->options;
  int port = o.port;
  if (port == 0) {
    port = impl_->http.bind_to_any_port(o.bind);
    if (port < 0) port = 0;
  } else if (!impl_->http.bind_to_port(o.bind, port)) {
    port = 0;
  }
  if (port <= 0)
    return IoError("cannot listen on " + o.bind + ":" +
                   std::to_string(o.port) +
                   " (address in use or not available)");
  impl_->bound = true;
  return port;
}

Status Server::Run() {
  if (!impl_->bound) return FailedPreconditionError("server not bound");
  if (!impl_->http.listen_after_bind())
    return IoError("the server stopped listening unexpectedly");
  return Status::Ok();
}

void Server::Stop() { impl_->http.stop(); }

Status Server::FlushAudit() { return impl_->audit->Flush(); }

std::filesystem::path DefaultWebRoot() {
  std::error_code ec;
  if (const char* env = std::getenv("JUMEAU_WEB_ROOT"); env && *env)
    return env;
#ifdef JUMEAU_SOURCE_WEB
  if (std::filesystem::is_directory(JUMEAU_SOURCE_WEB, ec))
    return JUMEAU_SOURCE_WEB;
#endif
  char exe[4096];
  const ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
  if (n > 0) {
    exe[n] = '\0';
    const auto installed = std::filesystem::path(exe).parent_path().parent_path() /
                           "share" / "jumeau" / "web";
    if (std::filesystem::is_directory(installed, ec)) return installed;
  }
  return {};
}

}  // namespace jumeau::server

// Server: `jumeau serve` — the HTTP plumbing (cpp-httplib) around the Api's
// route handlers, plus the dashboard's static files from web/. Binds to
// loopback unless told otherwise. Layer: server/.
#ifndef JUMEAU_SERVER_SERVER_H_
#define JUMEAU_SERVER_SERVER_H_

#include <cstddef>
#include <filesystem>
#include <memory>
#include <string>

#include "jumeau/core/status.h"
#include "jumeau/core/time.h"
#include "jumeau/server/api.h"

namespace jumeau::server {

// Options of Server; defaults in brackets.
struct ServerOptions {
  std::string bind = "127.0.0.1";  // address to listen on [loopback]
  int port = 8080;                 // 0: any free port [8080]
  // Folder of the dashboard's static files; "" serves none [""]. Requests
  // outside it (.., absolute paths, symlinks leading out) are refused.
  std::filesystem::path web_root;
  int threads = 8;  // worker threads, each with its own store connection [8]
  size_t max_body_bytes = 1 << 20;  // larger request bodies get 413 [1 MiB]
  // Memory for decoded signal chunks and pyramid blocks shared by the worker
  // threads (store::DecodedCache: least recently used evicted first, checked
  // against the stored bytes on every use); 0 decodes every window afresh
  // [64 MiB: about 230 chunks of 65,536 samples, 11 h of 360 Hz ECG].
  size_t decoded_cache_bytes = size_t{64} << 20;
  ApiOptions api;
};

// A Server answers HTTP on one address. Run() blocks in the caller's thread;
// Stop() may be called from any thread.
class Server {
 public:
  // Opens the store at `store_path` (options.threads read connections and one
  // audit connection). Returns the store's open errors, kInvalidArgument for
  // bad options, kNotFound when web_root is given and is not a folder.
  // `clock` stamps audit entries; it must outlive the server.
  static Result<std::unique_ptr<Server>> Create(
      const std::filesystem::path& store_path, const ServerOptions& options,
      const Clock& clock = Clock::Real());
  ~Server();

  // Binds the listening socket. Returns the port (the one chosen when
  // options.port is 0); kIoError when the address cannot be bound.
  Result<int> Bind();
  // Serves until Stop(). REQUIRES: Bind() succeeded.
  Status Run();
  void Stop();
  // Returns once every audit entry of the requests answered so far is stored.
  Status FlushAudit();

 private:
  struct Impl;
  explicit Server(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// The dashboard folder when none is given: $JUMEAU_WEB_ROOT if set; else
// web/ beside the source tree the binary was built from (JUMEAU_SOURCE_WEB,
// compiled in); else ../share/jumeau/web next to the executable's folder (an
// install). Returns "" when none exists.
std::filesystem::path DefaultWebRoot();

}  // namespace jumeau::server

#endif  // JUMEAU_SERVER_SERVER_H_

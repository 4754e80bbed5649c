// `jumeau serve STORE [--port 8080] [--bind 127.0.0.1] [--web DIR]
// [--threads N] [--cache-mib M]`: the HTTP API and the dashboard until
// Ctrl-C (server/).
#include <csignal>
#include <cstdio>

#include "jumeau/cli/cli.h"
#include "jumeau/server/server.h"

namespace jumeau::cli {
namespace {

server::Server* g_running = nullptr;

void StopOnSignal(int) {
  if (g_running) g_running->Stop();
}

}  // namespace

void AddServeVerb(CLI::App& app, Action* action) {
  auto* cmd = app.add_subcommand(
      "serve", "Serve the HTTP API and the web dashboard over a store");
  struct Args {
    std::string store, bind = "127.0.0.1", web;
    int port = 8080, threads = 8, cache_mib = 64;
  };
  auto args = std::make_shared<Args>();
  cmd->add_option("STORE", args->store, "Store file")->required();
  cmd->add_option("--port", args->port, "TCP port (default 8080; 0: any free)");
  cmd->add_option("--bind", args->bind,
                  "Address to listen on (default 127.0.0.1, loopback only)");
  cmd->add_option("--web", args->web,
                  "Dashboard folder (default: $JUMEAU_WEB_ROOT, else web/ of "
                  "the source tree, else ../share/jumeau/web by the binary)");
  cmd->add_option("--threads", args->threads,
                  "Worker threads, one store connection each (default 8)");
  cmd->add_option("--cache-mib", args->cache_mib,
                  "Memory for decoded signal chunks shared by the workers, in "
                  "MiB (default 64; 0: decode every window afresh)")
      ->check(CLI::Range(0, 65536));
  cmd->callback([=] {
    *action = [=]() -> Status {
      server::ServerOptions o;
      o.bind = args->bind;
      o.port = args->port;
      o.threads = args->threads;
      o.decoded_cache_bytes = static_cast<size_t>(args->cache_mib) << 20;
      o.web_root = args->web.empty() ? server::DefaultWebRoot()
                                     : std::filesystem::path(args->web);
      // Fail early with the CLI's message for a missing store.
      { JUMEAU_ASSIGN_OR_RETURN(auto s, OpenStore(args->store)); }
      JUMEAU_ASSIGN_OR_RETURN(auto srv, server::Server::Create(args->store, o));
      JUMEAU_ASSIGN_OR_RETURN(const int port, srv->Bind());
      std::printf("jumeau: serving %s on http://%s:%d/ (dashboard: %s)\n",
                  args->store.c_str(), args->bind.c_str(), port,
                  o.web_root.empty() ? "none" : o.web_root.c_str());
      std::printf("jumeau: API under /api/v1 and /fhir; Ctrl-C stops\n");
      const bool loopback = args->bind.rfind("127.", 0) == 0 ||
                            args->bind == "::1" || args->bind == "localhost";
      if (!loopback) {
        std::fprintf(stderr,
                     "jumeau: warning: listening beyond loopback on %s; the "
                     "server speaks plain HTTP, put TLS in front of it\n",
                     args->bind.c_str());
      }
      std::fflush(stdout);
      g_running = srv.get();
      std::signal(SIGINT, StopOnSignal);
      std::signal(SIGTERM, StopOnSignal);
      Status s = srv->Run();
      g_running = nullptr;
      Status flushed = srv->FlushAudit();
      std::printf("jumeau: stopped\n");
      JUMEAU_RETURN_IF_ERROR(s);
      return flushed;
    };
  });
}

}  // namespace jumeau::cli

// `jumeau audit STORE [--patient P] [--token ID] [--from T] [--to T]
// [--limit N] [--json]`: the API's audit trail, oldest first.
#include <cstdio>
#include <nlohmann/json.hpp>

#include "jumeau/cli/cli.h"

namespace jumeau::cli {

void AddAuditVerb(CLI::App& app, Action* action) {
  auto* cmd = app.add_subcommand(
      "audit", "Show the audit trail of data accesses through the API");
  struct Args {
    std::string store, patient, from, to;
    int64_t token = -1, limit = 1000;
    bool json = false;
  };
  auto args = std::make_shared<Args>();
  cmd->add_option("STORE", args->store, "Store file")->required();
  cmd->add_option("--patient", args->patient, "Only accesses to this patient");
  cmd->add_option("--token", args->token,
                  "Only accesses with this token id (0: refused, no token)");
  cmd->add_option("--from", args->from, "Start: ISO 8601 UTC");
  cmd->add_option("--to", args->to, "End (exclusive): ISO 8601 UTC");
  cmd->add_option("--limit", args->limit,
                  "Most entries, the latest ones (default 1000)");
  cmd->add_flag("--json", args->json, "Machine-readable output");
  cmd->callback([=] {
    *action = [=]() -> Status {
      JUMEAU_ASSIGN_OR_RETURN(auto store, OpenStore(args->store));
      store::AuditQuery q;
      q.limit = args->limit;
      if (!args->patient.empty()) q.patient = args->patient;
      if (args->token >= 0) q.token_id = args->token;
      if (!args->from.empty()) {
        JUMEAU_ASSIGN_OR_RETURN(q.from, ParseTimeArgument(args->from, Time{0}));
      }
      if (!args->to.empty()) {
        JUMEAU_ASSIGN_OR_RETURN(q.to, ParseTimeArgument(args->to, Time{0}));
      }
      JUMEAU_ASSIGN_OR_RETURN(const auto entries, store->AuditLog(q));
      if (args->json) {
        nlohmann::json out = nlohmann::json::array();
        for (const auto& e : entries) {
          out.push_back({{"time", FormatIso8601(e.time)},
                         {"token_id", e.token_id},
                         {"role", e.role},
                         {"patient", e.patient},
                         {"action", e.action},
                         {"target", e.target},
                         {"status", e.status}});
        }
        std::printf("%s\n", out.dump(2).c_str());
        return Status::Ok();
      }
      std::printf("%-32s %-6s %-11s %-14s %-4s %s\n", "TIME", "TOKEN", "ROLE",
                  "PATIENT", "HTTP", "ACTION / TARGET");
      for (const auto& e : entries) {
        std::printf("%-32s %-6lld %-11s %-14s %-4d %s  %s\n",
                    FormatIso8601(e.time).c_str(),
                    static_cast<long long>(e.token_id),
                    e.role.empty() ? "-" : e.role.c_str(),
                    e.patient.empty() ? "-" : e.patient.c_str(), e.status,
                    e.action.c_str(), e.target.c_str());
      }
      return Status::Ok();
    };
  });
}

}  // namespace jumeau::cli

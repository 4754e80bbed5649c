// `jumeau analyze STORE PATIENT [--what abp,risk,rollup] [--region R]
// [--as-of T] [--json]`: runs analyses on the patient's record and stores
// their results as derived sources (re-running replaces them).
#include <cstdio>
#include <nlohmann/json.hpp>
#include <sstream>

#include "jumeau/cli/cli.h"
#include "jumeau/derive/derive.h"

namespace jumeau::cli {

void AddAnalyzeVerb(CLI::App& app, Action* action) {
  auto* cmd = app.add_subcommand(
      "analyze", "Derive beats, pressures, risk scores and roll-ups, stored");
  struct Args {
    std::string store, patient, what, region = "low", as_of;
    bool json = false;
  };
  auto args = std::make_shared<Args>();
  cmd->add_option("STORE", args->store, "Store file")->required();
  cmd->add_option("PATIENT", args->patient, "Patient pseudonym")->required();
  std::string names;
  for (const auto& n : derive::AnalysisNames())
    names += (names.empty() ? "" : ",") + n;
  cmd->add_option("--what", args->what,
                  "Comma-separated analyses (default all: " + names + ")");
  cmd->add_option("--region", args->region,
                  "SCORE2 risk region: low (default), moderate, high, "
                  "very-high");
  cmd->add_option("--as-of", args->as_of,
                  "Risk as of this instant (ISO 8601; default the patient's "
                  "last recorded instant)");
  cmd->add_flag("--json", args->json, "Machine-readable output");
  cmd->callback([=] {
    *action = [=]() -> Status {
      JUMEAU_ASSIGN_OR_RETURN(auto store, OpenStore(args->store));
      JUMEAU_ASSIGN_OR_RETURN(const auto patient,
                              store->FindPatient(args->patient));
      derive::AnalyzeOptions options;
      std::stringstream what(args->what);
      std::string item;
      while (std::getline(what, item, ',')) {
        if (!item.empty()) options.what.push_back(item);
      }
      JUMEAU_ASSIGN_OR_RETURN(options.region,
                              analysis::ParseScore2Region(args->region));
      if (!args->as_of.empty()) {
        JUMEAU_ASSIGN_OR_RETURN(options.as_of, ParseIso8601(args->as_of));
      }
      JUMEAU_ASSIGN_OR_RETURN(const auto runs,
                              derive::Analyze(*store, patient, options));
      if (args->json) {
        nlohmann::json out = nlohmann::json::array();
        for (const auto& r : runs) {
          out.push_back({{"analysis", r.name},
                         {"version", r.version},
                         {"streams", r.streams},
                         {"events", r.events},
                         {"results", r.results},
                         {"notes", r.notes}});
        }
        std::printf("%s\n", out.dump(2).c_str());
        return Status::Ok();
      }
      for (const auto& r : runs) {
        std::printf("%s/%s: %lld streams, %lld events stored\n", r.name.c_str(),
                    r.version.c_str(), static_cast<long long>(r.streams),
                    static_cast<long long>(r.events));
        for (const auto& line : r.results) std::printf("  %s\n", line.c_str());
        for (const auto& line : r.notes)
          std::printf("  note: %s\n", line.c_str());
      }
      return Status::Ok();
    };
  });
}

}  // namespace jumeau::cli

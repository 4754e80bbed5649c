// `jumeau patients STORE`: the patients in a store, by pseudonym.
#include <cstdio>
#include <nlohmann/json.hpp>

#include "jumeau/cli/cli.h"

namespace jumeau::cli {

void AddPatientsVerb(CLI::App& app, Action* action) {
  auto* cmd = app.add_subcommand("patients", "List the patients in a store");
  struct Args {
    std::string store;
    bool json = false;
  };
  auto args = std::make_shared<Args>();
  cmd->add_option("STORE", args->store, "Store file")->required();
  cmd->add_flag("--json", args->json, "Machine-readable output");
  cmd->callback([=] {
    *action = [=]() -> Status {
      JUMEAU_ASSIGN_OR_RETURN(auto store, OpenStore(args->store));
      JUMEAU_ASSIGN_OR_RETURN(const auto patients, store->Patients());
      if (args->json) {
        nlohmann::json out = nlohmann::json::array();
        for (const auto& p : patients) {
          nlohmann::json j = {{"patient", p.pseudonym},
                              {"birth", p.birth},
                              {"sex", p.sex},
                              {"sources", p.source_count},
                              {"streams", p.stream_count},
                              {"events", p.event_count},
                              {"variants", p.variant_count}};
          if (p.first) j["first"] = FormatIso8601(*p.first);
          if (p.last) j["last"] = FormatIso8601(*p.last);
          out.push_back(j);
        }
        std::printf("%s\n", out.dump(2).c_str());
        return Status::Ok();
      }
      std::printf("%-16s %-6s %-7s %7s %7s %8s %8s  %-24s %s\n", "PATIENT",
                  "BIRTH", "SEX", "SOURCES", "STREAMS", "EVENTS", "VARIANTS",
                  "FIRST", "LAST");
      for (const auto& p : patients) {
        std::printf("%-16s %-6s %-7s %7lld %7lld %8lld %8lld  %-24s %s\n",
                    p.pseudonym.c_str(), p.birth.empty() ? "-" : p.birth.c_str(),
                    p.sex.empty() ? "-" : p.sex.c_str(),
                    static_cast<long long>(p.source_count),
                    static_cast<long long>(p.stream_count),
                    static_cast<long long>(p.event_count),
                    static_cast<long long>(p.variant_count),
                    p.first ? FormatIso8601(*p.first).c_str() : "-",
                    p.last ? FormatIso8601(*p.last).c_str() : "-");
      }
      return Status::Ok();
    };
  });
}

}  // namespace jumeau::cli

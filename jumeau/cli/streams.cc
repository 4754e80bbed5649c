// `jumeau streams STORE PATIENT`: a patient's signal streams with their rate,
// unit, span and source.
#include <cstdio>
#include <nlohmann/json.hpp>

#include "jumeau/cli/cli.h"

namespace jumeau::cli {

void AddStreamsVerb(CLI::App& app, Action* action) {
  auto* cmd = app.add_subcommand("streams", "List a patient's signal streams");
  struct Args {
    std::string store, patient;
    bool json = false;
  };
  auto args = std::make_shared<Args>();
  cmd->add_option("STORE", args->store, "Store file")->required();
  cmd->add_option("PATIENT", args->patient, "Patient pseudonym")->required();
  cmd->add_flag("--json", args->json, "Machine-readable output");
  cmd->callback([=] {
    *action = [=]() -> Status {
      JUMEAU_ASSIGN_OR_RETURN(auto store, OpenStore(args->store));
      JUMEAU_ASSIGN_OR_RETURN(const auto patient,
                              store->FindPatient(args->patient));
      JUMEAU_ASSIGN_OR_RETURN(const auto streams, store->Streams(patient.id));
      JUMEAU_ASSIGN_OR_RETURN(const auto sources, store->Sources(patient.id));
      auto format_of = [&](store::SourceId id) {
        for (const auto& s : sources) {
          if (s.id == id) return s.format;
        }
        return std::string("?");
      };
      if (args->json) {
        nlohmann::json out = nlohmann::json::array();
        for (const auto& s : streams) {
          out.push_back({{"id", s.id},
                         {"name", s.name},
                         {"label", s.signal.label},
                         {"unit", s.signal.unit},
                         {"source_unit", s.signal.source_unit},
                         {"sample_rate_hz", s.signal.rate.hz()},
                         {"sample_rate", s.signal.rate.ToString()},
                         {"start", FormatIso8601(s.signal.start)},
                         {"end", FormatIso8601(s.end())},
                         {"start_ns", s.signal.start.ns_since_epoch},
                         {"samples", s.sample_count},
                         {"scale", s.signal.scale},
                         {"offset", s.signal.offset},
                         {"digital_min", s.signal.digital_min},
                         {"digital_max", s.signal.digital_max},
                         {"bits", s.signal.bits},
                         {"source_id", s.source_id},
                         {"source_format", format_of(s.source_id)}});
        }
        std::printf("%s\n", out.dump(2).c_str());
        return Status::Ok();
      }
      std::printf("%4s  %-16s %-7s %9s %10s  %-22s %s\n", "ID", "NAME", "UNIT",
                  "RATE_HZ", "SAMPLES", "START", "DURATION  SOURCE");
      for (const auto& s : streams) {
        std::printf("%4lld  %-16s %-7s %9s %10lld  %-22s %s  %s\n",
                    static_cast<long long>(s.id), s.name.c_str(),
                    s.signal.unit.c_str(), s.signal.rate.ToString().c_str(),
                    static_cast<long long>(s.sample_count),
                    FormatIso8601(s.signal.start).c_str(),
                    FormatOffset(s.end() - s.signal.start).c_str(),
                    format_of(s.source_id).c_str());
      }
      return Status::Ok();
    };
  });
}

}  // namespace jumeau::cli

// `jumeau events STORE PATIENT [--code C] [--from T] [--to T]`: a patient's
// events in time order. Offsets are from the patient's first recorded instant.
#include <cstdio>
#include <nlohmann/json.hpp>

#include "jumeau/cli/cli.h"

namespace jumeau::cli {

void AddEventsVerb(CLI::App& app, Action* action) {
  auto* cmd = app.add_subcommand(
      "events", "List a patient's events (annotations, beats, …)");
  struct Args {
    std::string store, patient, code, origin, from, to;
    int64_t limit = 1000000;
    bool json = false;
  };
  auto args = std::make_shared<Args>();
  cmd->add_option("STORE", args->store, "Store file")->required();
  cmd->add_option("PATIENT", args->patient, "Patient pseudonym")->required();
  cmd->add_option("--code", args->code,
                  "Only events with this code (e.g. N, V, T1, 8480-6)");
  cmd->add_option("--origin", args->origin,
                  "Only events from this annotator or analysis (e.g. atr, gqrsh)");
  cmd->add_option("--from", args->from,
                  "Start: ISO 8601 UTC or an offset from the patient's first "
                  "instant (+00:05:00)");
  cmd->add_option("--to", args->to, "End (exclusive), same forms");
  cmd->add_option("--limit", args->limit,
                  "Most events to list (default 1000000)");
  cmd->add_flag("--json", args->json, "Machine-readable output");
  cmd->callback([=] {
    *action = [=]() -> Status {
      JUMEAU_ASSIGN_OR_RETURN(auto store, OpenStore(args->store));
      JUMEAU_ASSIGN_OR_RETURN(const auto patient,
                              store->FindPatient(args->patient));
      const Time time_origin = patient.first.value_or(Time{0});
      store::EventQuery q;
      q.limit = args->limit;
      if (!args->code.empty()) q.code = args->code;
      if (!args->origin.empty()) q.origin = args->origin;
      if (!args->from.empty()) {
        JUMEAU_ASSIGN_OR_RETURN(q.from, ParseTimeArgument(args->from, time_origin));
      }
      if (!args->to.empty()) {
        JUMEAU_ASSIGN_OR_RETURN(q.to, ParseTimeArgument(args->to, time_origin));
      }
      if (q.from && q.to && *q.to <= *q.from) {
        return InvalidArgumentError("--to must be after --from");
      }
      JUMEAU_ASSIGN_OR_RETURN(const auto events, store->Events(patient.id, q));
      if (args->json) {
        nlohmann::json out = nlohmann::json::array();
        for (const auto& se : events) {
          const Event& e = se.event;
          nlohmann::json j = {{"time", FormatIso8601(e.time)},
                              {"time_ns", e.time.ns_since_epoch},
                              {"system", e.code.system},
                              {"code", e.code.code},
                              {"source_id", se.source_id}};
          if (e.end) j["end"] = FormatIso8601(*e.end);
          if (!e.code.display.empty()) j["display"] = e.code.display;
          if (e.value) {
            j["value"] = *e.value;
            j["unit"] = e.unit;
          }
          if (!e.text.empty()) j["text"] = e.text;
          if (!e.channel.empty()) j["channel"] = e.channel;
          if (!e.origin.empty()) j["origin"] = e.origin;
          if (e.time_precision != DatePrecision::kSecond)
            j["time_precision"] = DatePrecisionName(e.time_precision);
          if (!e.status.empty()) j["status"] = e.status;
          if (e.source_value) {
            j["source_value"] = *e.source_value;
            j["source_unit"] = e.source_unit;
          }
          if (e.reference_low) j["reference_low"] = *e.reference_low;
          if (e.reference_high) j["reference_high"] = *e.reference_high;
          if (e.value_code) {
            j["value_code"] = {{"system", e.value_code->system},
                               {"code", e.value_code->code},
                               {"display", e.value_code->display}};
          }
          if (!e.source_ref.empty()) j["source_ref"] = e.source_ref;
          out.push_back(j);
        }
        std::printf("%s\n", out.dump(2).c_str());
        return Status::Ok();
      }
      std::printf("%-32s %-22s %-10s %s\n", "TIME", "OFFSET", "CODE", "DETAIL");
      for (const auto& se : events) {
        const Event& e = se.event;
        std::string detail = e.text;
        if (e.end)
          detail += (detail.empty() ? "" : " ") + std::string("for ") +
                    FormatOffset(*e.end - e.time).substr(1);
        if (e.value) detail += " " + FormatValue(*e.value) + " " + e.unit;
        if (e.code.display.size() && e.text.empty())
          detail = e.code.display + (detail.empty() ? "" : " " + detail);
        if (!e.channel.empty()) detail += " [" + e.channel + "]";
        if (!e.origin.empty()) detail += " (" + e.origin + ")";
        std::printf("%-32s %-22s %-10s %s\n", FormatIso8601(e.time).c_str(),
                    FormatOffset(e.time - time_origin).c_str(), e.code.code.c_str(),
                    detail.c_str());
      }
      return Status::Ok();
    };
  });
}

}  // namespace jumeau::cli

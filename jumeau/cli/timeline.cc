// `jumeau timeline STORE PATIENT [--from T] [--to T] [--json]`: one view of a
// patient across scales — clinical history by resource type and years,
// recordings by source (signals, length, rate, day), annotations, genotypes
// — then the events of the window when one is given.
#include <algorithm>
#include <cstdio>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "jumeau/cli/cli.h"

namespace jumeau::cli {
namespace {

std::string Year(Time t) { return std::to_string(ToCivil(t).year); }
std::string Day(Time t) { return FormatIso8601(t).substr(0, 10); }

// "30 min", "2 h 5 min", "45 s", "7 d".
std::string HumanDuration(Duration d) {
  const int64_t s = d.ns / 1000000000;
  if (s < 120) return std::to_string(s) + " s";
  if (s < 7200) return std::to_string(s / 60) + " min";
  if (s < 3 * 86400)
    return std::to_string(s / 3600) + " h" +
           (s % 3600 >= 60 ? " " + std::to_string(s % 3600 / 60) + " min" : "");
  return std::to_string(s / 86400) + " d";
}

std::string HumanRate(const SampleRate& rate) {
  const double hz = static_cast<double>(rate.numerator()) /
                    static_cast<double>(rate.denominator());
  if (hz >= 1) return FormatValue(hz) + " Hz";
  return "1/" + FormatValue(1 / hz) + " s";
}

// One recorded source of signals.
struct Recorded {
  std::string format;
  std::vector<std::string> labels;
  std::set<std::string> rates;
  Time start{INT64_MAX};
  Time end{INT64_MIN};
};

}  // namespace

void AddTimelineVerb(CLI::App& app, Action* action) {
  auto* cmd = app.add_subcommand(
      "timeline", "A patient across scales: history, recordings, genome");
  struct Args {
    std::string store, patient, from, to;
    int64_t limit = 200;
    bool json = false;
  };
  auto args = std::make_shared<Args>();
  cmd->add_option("STORE", args->store, "Store file")->required();
  cmd->add_option("PATIENT", args->patient, "Patient pseudonym")->required();
  cmd->add_option("--from", args->from,
                  "Window start: ISO 8601 UTC or an offset from the patient's "
                  "first instant; with --to, lists the window's events");
  cmd->add_option("--to", args->to, "Window end (exclusive), same forms");
  cmd->add_option("--limit", args->limit,
                  "Most window events to list (default 200)");
  cmd->add_flag("--json", args->json, "Machine-readable output");
  cmd->callback([=] {
    *action = [=]() -> Status {
      JUMEAU_ASSIGN_OR_RETURN(auto store, OpenStore(args->store));
      JUMEAU_ASSIGN_OR_RETURN(const auto patient,
                              store->FindPatient(args->patient));
      const Time origin = patient.first.value_or(Time{0});
      std::optional<Time> from, to;
      if (!args->from.empty()) {
        JUMEAU_ASSIGN_OR_RETURN(from, ParseTimeArgument(args->from, origin));
      }
      if (!args->to.empty()) {
        JUMEAU_ASSIGN_OR_RETURN(to, ParseTimeArgument(args->to, origin));
      }
      if (from && to && *to <= *from)
        return InvalidArgumentError("--to must be after --from");

      JUMEAU_ASSIGN_OR_RETURN(const auto groups,
                              store->EventSummary(patient.id, from, to));
      JUMEAU_ASSIGN_OR_RETURN(const auto sources, store->Sources(patient.id));
      JUMEAU_ASSIGN_OR_RETURN(const auto streams, store->Streams(patient.id));
      JUMEAU_ASSIGN_OR_RETURN(const auto sets, store->GenotypeSets(patient.id));
      JUMEAU_ASSIGN_OR_RETURN(const auto twins,
                              store->TwinSnapshots(patient.id));
      std::map<store::SourceId, std::string> format_of;
      // Derived sources: "ecg/1" from reader jumeau.analysis.ecg, version 1.
      std::map<store::SourceId, std::string> analysis_of;
      for (const auto& s : sources) {
        format_of[s.id] = s.format;
        if (s.format == "derived") {
          analysis_of[s.id] =
              s.reader.substr(s.reader.rfind('.') + 1) + "/" + s.reader_version;
        }
      }
      std::map<store::SourceId, Recorded> recorded;
      std::map<std::string, int64_t> derived_streams;  // analysis -> count
      for (const auto& s : streams) {
        if (from && s.end() <= *from) continue;
        if (to && s.signal.start >= *to) continue;
        if (auto it = analysis_of.find(s.source_id); it != analysis_of.end()) {
          ++derived_streams[it->second];
          continue;
        }
        Recorded& r = recorded[s.source_id];
        r.format = format_of[s.source_id];
        // Labels once each: a signal with gaps is stored as several streams.
        if (std::find(r.labels.begin(), r.labels.end(), s.signal.label) ==
            r.labels.end())
          r.labels.push_back(s.signal.label);
        r.rates.insert(HumanRate(s.signal.rate));
        r.start = std::min(r.start, s.signal.start);
        r.end = std::max(r.end, s.end());
      }
      // Clinical history: events of record sources (FHIR resource types),
      // the rest are annotations of recordings or derived results.
      static const std::set<std::string> kClinical = {
          "Observation",        "Condition",
          "MedicationRequest",  "MedicationStatement",
          "Procedure",          "Encounter",
          "AllergyIntolerance", "Immunization",
          "DiagnosticReport",   "Device"};

      std::optional<std::vector<store::StoredEvent>> window;
      if (from || to) {
        store::EventQuery q;
        q.from = from;
        q.to = to;
        q.limit = args->limit;
        JUMEAU_ASSIGN_OR_RETURN(window, store->Events(patient.id, q));
      }

      if (args->json) {
        nlohmann::json out = {{"patient", patient.pseudonym},
                              {"birth", patient.birth},
                              {"sex", patient.sex}};
        out["events"] = nlohmann::json::array();
        for (const auto& g : groups) {
          out["events"].push_back(
              {{"origin", g.origin},
               {"system", g.code_system},
               {"count", g.count},
               {"first", FormatIso8601(g.first)},
               {"last", FormatIso8601(g.last)},
               {"clinical", kClinical.count(g.origin) > 0}});
        }
        out["recordings"] = nlohmann::json::array();
        for (const auto& [id, r] : recorded) {
          out["recordings"].push_back(
              {{"source_id", id},
               {"format", r.format},
               {"signals", r.labels},
               {"rates",
                std::vector<std::string>(r.rates.begin(), r.rates.end())},
               {"start", FormatIso8601(r.start)},
               {"end", FormatIso8601(r.end)}});
        }
        out["derived_streams"] = derived_streams;
        out["twins"] = nlohmann::json::array();
        for (const auto& t : twins) {
          out["twins"].push_back({{"snapshot_id", t.id},
                                  {"model", t.model},
                                  {"model_version", t.model_version},
                                  {"created", FormatIso8601(t.created)},
                                  {"data_from", FormatIso8601(t.data_from)},
                                  {"data_to", FormatIso8601(t.data_to)}});
        }
        out["genotypes"] = nlohmann::json::array();
        for (const auto& s : sets) {
          out["genotypes"].push_back({{"source_id", s.source_id},
                                      {"genome_build", s.genome_build},
                                      {"variants", s.variant_count},
                                      {"called", s.called}});
        }
        if (window) {
          out["window"] = nlohmann::json::array();
          for (const auto& se : *window) {
            nlohmann::json j = {{"time", FormatIso8601(se.event.time)},
                                {"system", se.event.code.system},
                                {"code", se.event.code.code},
                                {"display", se.event.code.display},
                                {"origin", se.event.origin}};
            if (se.event.value) {
              j["value"] = *se.event.value;
              j["unit"] = se.event.unit;
            }
            if (!se.event.text.empty()) j["text"] = se.event.text;
            out["window"].push_back(j);
          }
        }
        std::printf("%s\n", out.dump(2).c_str());
        return Status::Ok();
      }

      std::printf("patient %s", patient.pseudonym.c_str());
      if (!patient.birth.empty())
        std::printf(", born %s", patient.birth.c_str());
      if (!patient.sex.empty()) std::printf(", %s", patient.sex.c_str());
      std::printf("\n");
      // Clinical history in one line, then the other event groups.
      int64_t clinical_count = 0;
      Time first{INT64_MAX}, last{INT64_MIN};
      std::string clinical;
      for (const auto& g : groups) {
        if (!kClinical.count(g.origin)) continue;
        clinical_count += g.count;
        first = std::min(first, g.first);
        last = std::max(last, g.last);
        clinical += (clinical.empty() ? "" : ", ") + std::to_string(g.count) +
                    " " + g.origin;
      }
      if (clinical_count > 0) {
        std::printf("  clinical history %s-%s: %s\n", Year(first).c_str(),
                    Year(last).c_str(), clinical.c_str());
      }
      for (const auto& [id, r] : recorded) {
        std::string rates;
        for (const auto& rate : r.rates)
          rates += (rates.empty() ? "" : ", ") + rate;
        std::string labels;
        for (size_t i = 0; i < r.labels.size() && i < 4; ++i)
          labels += (i ? ", " : "") + r.labels[i];
        if (r.labels.size() > 4) labels += ", …";
        std::printf("  %s %zu signals (%s) %s at %s on %s\n", r.format.c_str(),
                    r.labels.size(), labels.c_str(),
                    HumanDuration(r.end - r.start).c_str(), rates.c_str(),
                    Day(r.start).c_str());
      }
      for (const auto& g : groups) {
        if (kClinical.count(g.origin)) continue;
        std::printf("  %lld events %s(%s) %s", static_cast<long long>(g.count),
                    g.origin.empty() ? "" : (g.origin + " ").c_str(),
                    g.code_system.c_str(), Day(g.first).c_str());
        if (Day(g.last) != Day(g.first))
          std::printf(" to %s", Day(g.last).c_str());
        std::printf("\n");
      }
      if (!derived_streams.empty()) {
        std::string list;
        int64_t total = 0;
        for (const auto& [name, n] : derived_streams) {
          list += (list.empty() ? "" : ", ") + name + " " + std::to_string(n);
          total += n;
        }
        std::printf("  %lld derived streams (%s)\n",
                    static_cast<long long>(total), list.c_str());
      }
      for (const auto& s : sets) {
        std::printf(
            "  genotype %lld variants (%s), %lld called\n",
            static_cast<long long>(s.variant_count),
            s.genome_build.empty() ? "build unknown" : s.genome_build.c_str(),
            static_cast<long long>(s.called));
      }
      for (const auto& t : twins) {
        std::printf("  twin snapshot %lld: %s %s, data %s to %s\n",
                    static_cast<long long>(t.id), t.model.c_str(),
                    t.model_version.c_str(), Day(t.data_from).c_str(),
                    Day(t.data_to).c_str());
      }
      if (window) {
        std::printf("events %s to %s:\n",
                    from ? FormatIso8601(*from).c_str() : "start",
                    to ? FormatIso8601(*to).c_str() : "end");
        for (const auto& se : *window) {
          const Event& e = se.event;
          std::string detail = e.code.display.empty() ? e.text : e.code.display;
          if (e.value) detail += " " + FormatValue(*e.value) + " " + e.unit;
          std::printf("  %s  %-10s %s\n", FormatIso8601(e.time).c_str(),
                      e.code.code.c_str(), detail.c_str());
        }
      }
      return Status::Ok();
    };
  });
}

}  // namespace jumeau::cli

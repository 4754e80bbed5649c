// `jumeau score-beats STORE [PATIENT...] --reference ORIGIN --test ORIGIN`:
// beat-by-beat comparison of two annotation streams of each patient by the
// ANSI/AAMI EC57 rule as PhysioNet's bxb applies it (analysis/beat_match.h:
// a match within 150 ms, the first 5 minutes of the recording excluded):
// sensitivity and positive predictivity per patient and pooled (gross).
// The streams are events of the given origins ("atr", "ecg/1") whose code
// is a WFDB beat label; the recording is the one holding the first
// reference beat.
#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "jumeau/analysis/beat_match.h"
#include "jumeau/cli/cli.h"

namespace jumeau::cli {
namespace {

std::vector<Event> EventsOf(const std::vector<store::StoredEvent>& stored) {
  std::vector<Event> out;
  out.reserve(stored.size());
  for (const auto& s : stored) out.push_back(s.event);
  return out;
}

}  // namespace

void AddScoreBeatsVerb(CLI::App& app, Action* action) {
  auto* cmd = app.add_subcommand(
      "score-beats",
      "Compare two beat annotation streams (EC57/bxb): Se and +P");
  struct Args {
    std::string store, reference = "atr", test = "ecg/1";
    std::vector<std::string> patients;
    bool json = false;
  };
  auto args = std::make_shared<Args>();
  cmd->add_option("STORE", args->store, "Store file")->required();
  cmd->add_option("PATIENT", args->patients,
                  "Patients (default: every patient with reference beats)");
  cmd->add_option("--reference", args->reference,
                  "Origin of the reference beats (default atr)");
  cmd->add_option("--test", args->test,
                  "Origin of the beats to score (default ecg/1)");
  cmd->add_flag("--json", args->json, "Machine-readable output");
  cmd->callback([=] {
    *action = [=]() -> Status {
      JUMEAU_ASSIGN_OR_RETURN(auto store, OpenStore(args->store));
      std::vector<store::PatientInfo> patients;
      if (args->patients.empty()) {
        JUMEAU_ASSIGN_OR_RETURN(patients, store->Patients());
      } else {
        for (const auto& p : args->patients) {
          JUMEAU_ASSIGN_OR_RETURN(auto info, store->FindPatient(p));
          patients.push_back(std::move(info));
        }
      }
      struct Row {
        std::string patient;
        analysis::BeatMatchResult result;
      };
      std::vector<Row> rows;
      for (const auto& p : patients) {
        store::EventQuery q;
        q.origin = args->reference;
        q.limit = INT64_MAX;
        JUMEAU_ASSIGN_OR_RETURN(const auto ref_stored, store->Events(p.id, q));
        const std::vector<Event> ref_events = EventsOf(ref_stored);
        const std::vector<Time> reference = analysis::WfdbBeatTimes(ref_events);
        if (reference.empty()) continue;
        q.origin = args->test;
        JUMEAU_ASSIGN_OR_RETURN(const auto test_stored, store->Events(p.id, q));
        const std::vector<Time> detected =
            analysis::WfdbBeatTimes(EventsOf(test_stored));
        analysis::BeatMatchOptions options;
        options.reference_vf = analysis::WfdbVfEpisodes(ref_events);
        // The recording: the streams of the reference beats' source.
        JUMEAU_ASSIGN_OR_RETURN(const auto streams, store->Streams(p.id));
        const store::SourceId source = ref_stored.front().source_id;
        bool found = false;
        for (const auto& s : streams) {
          if (s.source_id != source) continue;
          if (!found || s.signal.start < options.record_start)
            options.record_start = s.signal.start;
          if (!found || !options.end || s.end() > *options.end)
            options.end = s.end();
          found = true;
        }
        if (!found) options.record_start = ref_events.front().time;
        rows.push_back(
            {p.pseudonym, analysis::MatchBeats(reference, detected, options)});
      }
      if (rows.empty()) {
        return NotFoundError("no patient has beats from origin '" +
                             args->reference + "'");
      }
      std::vector<analysis::BeatMatchResult> results;
      for (const auto& r : rows) results.push_back(r.result);
      const analysis::BeatMatchResult pooled =
          analysis::PoolBeatMatches(results);
      auto percent = [](double f) { return std::isnan(f) ? NAN : 100 * f; };
      if (args->json) {
        nlohmann::json out = {{"reference", args->reference},
                              {"test", args->test},
                              {"records", nlohmann::json::array()}};
        for (const auto& r : rows) {
          out["records"].push_back(
              {{"patient", r.patient},
               {"tp", r.result.true_positives},
               {"fn", r.result.false_negatives},
               {"fp", r.result.false_positives},
               {"se", percent(r.result.sensitivity())},
               {"ppv", percent(r.result.positive_predictivity())}});
        }
        out["pooled"] = {{"tp", pooled.true_positives},
                         {"fn", pooled.false_negatives},
                         {"fp", pooled.false_positives},
                         {"se", percent(pooled.sensitivity())},
                         {"ppv", percent(pooled.positive_predictivity())}};
        std::printf("%s\n", out.dump(2).c_str());
        return Status::Ok();
      }
      std::printf("%-16s %7s %6s %6s %8s %8s\n", "PATIENT", "TP", "FN", "FP",
                  "Se%", "+P%");
      auto line = [&](const std::string& name,
                      const analysis::BeatMatchResult& r) {
        std::printf("%-16s %7lld %6lld %6lld %8.2f %8.2f\n", name.c_str(),
                    static_cast<long long>(r.true_positives),
                    static_cast<long long>(r.false_negatives),
                    static_cast<long long>(r.false_positives),
                    percent(r.sensitivity()),
                    percent(r.positive_predictivity()));
      };
      for (const auto& r : rows) line(r.patient, r.result);
      line("pooled", pooled);
      return Status::Ok();
    };
  });
}

}  // namespace jumeau::cli

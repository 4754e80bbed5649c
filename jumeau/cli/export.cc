// `jumeau export STORE PATIENT STREAM... --edf OUT`: write stored streams (and
// the annotations of their sources within their span) as EDF+ (BDF+ when the
// samples need more than 16 bits). The digital samples are written exactly.
#include <algorithm>
#include <cstdio>
#include <set>

#include "jumeau/cli/cli.h"
#include "jumeau/io/edf_writer.h"

namespace jumeau::cli {

void AddExportVerb(CLI::App& app, Action* action) {
  auto* cmd = app.add_subcommand(
      "export", "Export streams as EDF+ (identical digital samples)");
  struct Args {
    std::string store, patient, edf;
    std::vector<std::string> streams;
  };
  auto args = std::make_shared<Args>();
  cmd->add_option("STORE", args->store, "Store file")->required();
  cmd->add_option("PATIENT", args->patient, "Patient pseudonym")->required();
  cmd->add_option("STREAM", args->streams, "Stream names or ids")->required();
  cmd->add_option("--edf", args->edf, "Output EDF+ file")->required();
  cmd->callback([=] {
    *action = [=]() -> Status {
      JUMEAU_ASSIGN_OR_RETURN(auto store, OpenStore(args->store));
      JUMEAU_ASSIGN_OR_RETURN(const auto patient,
                              store->FindPatient(args->patient));
      Recording rec;
      rec.source_patient_id = "X X X " + patient.pseudonym;
      rec.source_recording_id = "Startdate X X X jumeau-export";
      std::set<store::SourceId> sources;
      bool wide = false;
      for (const auto& name : args->streams) {
        JUMEAU_ASSIGN_OR_RETURN(const auto info,
                                store->FindStream(patient.id, name));
        if (!rec.signals.empty() && info.signal.start != rec.start) {
          return InvalidArgumentError("stream '" + info.name +
                                      "' starts at a different time than the "
                                      "first; EDF needs a common start");
        }
        rec.start = info.signal.start;
        Signal sig = info.signal;
        JUMEAU_ASSIGN_OR_RETURN(
            sig.samples, store->ReadSamples(info.id, 0, info.sample_count));
        wide = wide || sig.bits > 16 || sig.digital_min < -32768 ||
               sig.digital_max > 32767;
        rec.signals.push_back(std::move(sig));
        sources.insert(info.source_id);
      }
      Time end = rec.start;
      for (const auto& s : rec.signals) {
        end = std::max(end,
                       s.TimeOfSample(static_cast<int64_t>(s.samples.size())));
      }
      store::EventQuery q;
      q.from = rec.start;
      q.to = end;
      JUMEAU_ASSIGN_OR_RETURN(const auto events, store->Events(patient.id, q));
      for (const auto& e : events) {
        if (sources.count(e.source_id)) rec.events.push_back(e.event);
      }
      rec.format = wide ? "BDF+C" : "EDF+C";
      io::EdfWriteOptions options;
      options.bdf = wide;
      JUMEAU_RETURN_IF_ERROR(io::WriteEdf(rec, args->edf, options));
      std::printf("wrote %s: %zu signals, %zu annotations (%s)\n",
                  args->edf.c_str(), rec.signals.size(), rec.events.size(),
                  rec.format.c_str());
      return Status::Ok();
    };
  });
}

}  // namespace jumeau::cli

// `jumeau ingest STORE FILE... [--patient ID]`: one transaction per source.
#include "jumeau/ingest/ingest.h"

#include <cstdio>
#include <nlohmann/json.hpp>

#include "jumeau/cli/cli.h"

namespace jumeau::cli {

void AddIngestVerb(CLI::App& app, Action* action) {
  auto* cmd = app.add_subcommand(
      "ingest",
      "Ingest EDF/EDF+/BDF files and WFDB records, each source all or nothing");
  struct Args {
    std::string store;
    std::vector<std::string> files;
    std::string patient;
    bool json = false;
  };
  auto args = std::make_shared<Args>();
  cmd->add_option("STORE", args->store, "Store file")->required();
  cmd->add_option(
         "FILE", args->files,
         "EDF/BDF files, WFDB records (.hea or any file of the record)")
      ->required();
  cmd->add_option(
      "--patient", args->patient,
      "Pseudonym of the patient (default: derived from the source's identity)");
  cmd->add_flag("--json", args->json, "Machine-readable output");
  cmd->callback([=] {
    *action = [=]() -> Status {
      JUMEAU_ASSIGN_OR_RETURN(auto store, OpenStore(args->store));
      std::vector<std::filesystem::path> paths(args->files.begin(),
                                               args->files.end());
      JUMEAU_ASSIGN_OR_RETURN(const auto sources,
                              ingest::ResolveSources(paths));
      nlohmann::json out = nlohmann::json::array();
      for (const auto& source : sources) {
        ingest::IngestOptions options;
        options.patient = args->patient;
        ProgressBar bar(source.path.filename().string());
        options.progress = [&bar](uint64_t done, uint64_t total) {
          bar.Update(done, total);
        };
        auto report = ingest::IngestSource(*store, source, options);
        if (!report.ok()) return report.status();
        const auto& r = *report;
        if (args->json) {
          out.push_back({{"file", r.display_name},
                         {"format", r.format},
                         {"already_present", r.already_present},
                         {"patient", r.patient},
                         {"content_hash", r.content_hash},
                         {"signals", r.signals},
                         {"samples", r.samples},
                         {"events", r.events},
                         {"bytes", r.bytes},
                         {"warnings", r.warnings}});
        } else if (r.already_present) {
          std::printf("%s: identical content already ingested; nothing to do\n",
                      r.display_name.c_str());
        } else {
          std::printf(
              "%s: %s, patient %s: %lld signals, %lld samples, %lld events\n",
              r.display_name.c_str(), r.format.c_str(), r.patient.c_str(),
              static_cast<long long>(r.signals),
              static_cast<long long>(r.samples),
              static_cast<long long>(r.events));
          for (const auto& w : r.warnings)
            std::printf("  warning: %s\n", w.c_str());
        }
      }
      if (args->json) std::printf("%s\n", out.dump(2).c_str());
      return Status::Ok();
    };
  });
}

}  // namespace jumeau::cli

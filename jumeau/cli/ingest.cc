// `jumeau ingest STORE FILE|DIR... [--patient P] [--mapping F] [--sample S]`:
// one transaction per source.
#include "jumeau/ingest/ingest.h"

#include <cstdio>
#include <nlohmann/json.hpp>

#include "jumeau/cli/cli.h"

namespace jumeau::cli {

void AddIngestVerb(CLI::App& app, Action* action) {
  auto* cmd = app.add_subcommand(
      "ingest",
      "Ingest recordings (EDF/BDF, WFDB), FHIR R4 (JSON, NDJSON, Bulk Data "
      "folders), VCF/BCF, device CSV and Challenge 2012 files, each source "
      "all or nothing");
  struct Args {
    std::string store;
    std::vector<std::string> files;
    std::string patient;
    std::string mapping;
    std::string sample;
    bool json = false;
  };
  auto args = std::make_shared<Args>();
  cmd->add_option("STORE", args->store, "Store file")->required();
  cmd->add_option(
         "FILE", args->files,
         "Files or folders: EDF/BDF, WFDB records (.hea or any file of the "
         "record), FHIR .json/.ndjson or Bulk Data folders, VCF/BCF, device "
         ".csv/.tsv, Challenge 2012 .txt")
      ->required();
  cmd->add_option(
      "--patient", args->patient,
      "Pseudonym of the patient (default: derived from the source's identity)");
  cmd->add_option("--mapping", args->mapping,
                  "Column mapping of a device CSV (default: <stem>.mapping.ini "
                  "beside it)");
  cmd->add_option("--sample", args->sample,
                  "VCF: ingest only this sample (default: every sample, each "
                  "its own patient)");
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
        options.csv_mapping = args->mapping;
        options.vcf_sample = args->sample;
        // Per-patient FHIR counts are printed only with --json.
        options.resources_by_patient = args->json;
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
                         {"patients", r.patients},
                         {"content_hash", r.content_hash},
                         {"signals", r.signals},
                         {"samples", r.samples},
                         {"events", r.events},
                         {"variants", r.variants},
                         {"connectome_regions", r.connectome_regions},
                         {"bytes", r.bytes},
                         {"resources_by_type", r.resources_by_type},
                         {"skipped_by_type", r.skipped_by_type},
                         {"resources_by_patient", r.resources_by_patient},
                         {"warnings", r.warnings}});
        } else if (r.already_present) {
          std::printf("%s: identical content already ingested; nothing to do\n",
                      r.display_name.c_str());
        } else {
          const std::string who =
              r.patients == 1 ? "patient " + r.patient
                              : std::to_string(r.patients) + " patients";
          std::string what;
          if (r.signals > 0)
            what += std::to_string(r.signals) + " signals, " +
                    std::to_string(r.samples) + " samples, ";
          if (r.variants > 0)
            what += std::to_string(r.variants) + " variants, ";
          if (r.connectome_regions > 0)
            what +=
                std::to_string(r.connectome_regions) + "-region connectome, ";
          what += std::to_string(r.events) + " events";
          int64_t skipped = 0;
          for (const auto& [type, n] : r.skipped_by_type) skipped += n;
          if (skipped > 0) {
            what += "; " + std::to_string(skipped) + " resources skipped (";
            bool first = true;
            for (const auto& [type, n] : r.skipped_by_type) {
              what += (first ? "" : ", ") + std::to_string(n) + " " + type;
              first = false;
            }
            what += ")";
          }
          std::printf("%s: %s, %s: %s\n", r.display_name.c_str(),
                      r.format.c_str(), who.c_str(), what.c_str());
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

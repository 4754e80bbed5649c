// `jumeau genotype STORE PATIENT [--region CHR:FROM-TO] [--rsid ID...]`: a
// patient's stored genotypes, one line per variant.
#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "jumeau/cli/cli.h"

namespace jumeau::cli {
namespace {

// "0/0", "0/1", "1/1", "./.", "1" (haploid): the stored call, ALT copies
// only (the store keeps whether a call was phased, not which haplotype
// carries ALT, so calls are shown unordered).
std::string CallText(const GenotypeTable& t, size_t v) {
  const int8_t alt = t.alt_count(v, 0);
  if (t.haploid(v, 0)) return alt == kMissingCall ? "." : std::to_string(alt);
  if (alt == kMissingCall) return "./.";
  if (alt == 0) return "0/0";
  if (alt == 1) return "0/1";
  return "1/1";
}

}  // namespace

void AddGenotypeVerb(CLI::App& app, Action* action) {
  auto* cmd = app.add_subcommand("genotype", "Show a patient's genotypes");
  struct Args {
    std::string store, patient, region;
    std::vector<std::string> ids;
    bool json = false;
  };
  auto args = std::make_shared<Args>();
  cmd->add_option("STORE", args->store, "Store file")->required();
  cmd->add_option("PATIENT", args->patient, "Patient pseudonym")->required();
  cmd->add_option("--region", args->region,
                  "CHROM, CHROM:FROM or CHROM:FROM-TO (1-based, inclusive)");
  cmd->add_option("--rsid", args->ids, "Variant ids (rs numbers)");
  cmd->add_flag("--json", args->json, "Machine-readable output");
  cmd->callback([=] {
    *action = [=]() -> Status {
      JUMEAU_ASSIGN_OR_RETURN(auto store, OpenStore(args->store));
      JUMEAU_ASSIGN_OR_RETURN(const auto patient,
                              store->FindPatient(args->patient));
      store::GenotypeQuery q;
      if (!args->region.empty()) q.region = args->region;
      q.ids = args->ids;
      JUMEAU_ASSIGN_OR_RETURN(const GenotypeTable t,
                              store->Genotypes(patient.id, q));
      if (args->json) {
        nlohmann::json out = {{"patient", patient.pseudonym},
                              {"genome_build", t.genome_build()},
                              {"variants", nlohmann::json::array()}};
        for (size_t v = 0; v < t.variant_count(); ++v) {
          nlohmann::json j = {{"chrom", t.chrom(v)}, {"pos", t.position(v)},
                              {"id", t.id(v)},       {"ref", t.ref(v)},
                              {"alt", t.alt(v)},     {"gt", CallText(t, v)}};
          if (t.alt_count(v, 0) != kMissingCall)
            j["alt_count"] = t.alt_count(v, 0);
          if (!std::isnan(t.dosage(v, 0))) j["ds"] = t.dosage(v, 0);
          if (t.multiallelic(v)) j["multiallelic"] = true;
          if (t.phased(v, 0)) j["phased"] = true;
          out["variants"].push_back(j);
        }
        std::printf("%s\n", out.dump(2).c_str());
        return Status::Ok();
      }
      std::printf(
          "# %zu variants, genome build %s\n", t.variant_count(),
          t.genome_build().empty() ? "unknown" : t.genome_build().c_str());
      std::printf("%-6s %11s %-14s %-6s %-6s %-5s %s\n", "CHROM", "POS", "ID",
                  "REF", "ALT", "GT", "DS");
      for (size_t v = 0; v < t.variant_count(); ++v) {
        const float ds = t.dosage(v, 0);
        std::printf("%-6s %11lld %-14s %-6s %-6s %-5s %s\n",
                    std::string(t.chrom(v)).c_str(),
                    static_cast<long long>(t.position(v)),
                    t.id(v).empty() ? "." : std::string(t.id(v)).c_str(),
                    std::string(t.ref(v)).c_str(),
                    t.alt(v).empty() ? "." : std::string(t.alt(v)).c_str(),
                    CallText(t, v).c_str(),
                    std::isnan(ds) ? "." : FormatValue(ds).c_str());
      }
      return Status::Ok();
    };
  });
}

}  // namespace jumeau::cli

// `jumeau score STORE PATIENT --pgs FILE`: a polygenic score of the patient's
// stored genotypes with the pgsc_calc conventions (analysis/pgs_score.h),
// stored as an event (code system urn:jumeau:pgs, code = the PGS id, value =
// the sum of weight x effect-allele dosage) of a derived source that records
// the scoring file's hash, so that the result keeps its provenance and the
// same score is not stored twice.
#include <cstdio>
#include <nlohmann/json.hpp>

#include "jumeau/analysis/pgs_score.h"
#include "jumeau/cli/cli.h"
#include "jumeau/ingest/ingest.h"
#include "jumeau/io/content_hash.h"
#include "jumeau/io/pgs.h"

namespace jumeau::cli {

void AddScoreVerb(CLI::App& app, Action* action) {
  auto* cmd = app.add_subcommand(
      "score", "Compute and store a polygenic score (PGS Catalog file)");
  struct Args {
    std::string store, patient, pgs;
    double min_overlap = 0.75;
    bool keep_ambiguous = false;
    bool json = false;
  };
  auto args = std::make_shared<Args>();
  cmd->add_option("STORE", args->store, "Store file")->required();
  cmd->add_option("PATIENT", args->patient, "Patient pseudonym")->required();
  cmd->add_option("--pgs", args->pgs,
                  "PGS Catalog scoring file (original or harmonized, .txt or "
                  ".txt.gz)")
      ->required();
  cmd->add_option("--min-overlap", args->min_overlap,
                  "Refuse to score below this fraction of matched variants "
                  "(default 0.75, as pgsc_calc)");
  cmd->add_flag("--keep-ambiguous", args->keep_ambiguous,
                "Keep strand-ambiguous (A/T, C/G) variants");
  cmd->add_flag("--json", args->json, "Machine-readable output");
  cmd->callback([=] {
    *action = [=]() -> Status {
      JUMEAU_ASSIGN_OR_RETURN(auto store, OpenStore(args->store));
      JUMEAU_ASSIGN_OR_RETURN(const auto patient,
                              store->FindPatient(args->patient));
      JUMEAU_ASSIGN_OR_RETURN(const ScoringFile scoring,
                              io::ReadPgs(args->pgs));
      JUMEAU_ASSIGN_OR_RETURN(const GenotypeTable genotypes,
                              store->Genotypes(patient.id, {}));
      if (genotypes.variant_count() == 0) {
        return FailedPreconditionError("patient " + patient.pseudonym +
                                       " has no genotypes in the store");
      }
      analysis::PgsOptions options;
      options.min_overlap = args->min_overlap;
      options.keep_ambiguous = args->keep_ambiguous;
      // One sample: a missing genotype contributes nothing (there is no
      // cohort to take a mean from).
      options.missing = analysis::MissingGenotypes::kZero;
      JUMEAU_ASSIGN_OR_RETURN(const analysis::PgsScores scores,
                              analysis::ScorePgs(scoring, genotypes, options));
      const std::string pgs_id =
          scoring.pgs_id.empty()
              ? std::filesystem::path(args->pgs).stem().string()
              : scoring.pgs_id;

      // Provenance: a derived source keyed by the scoring file's content,
      // the patient, the genotype sources and the options.
      JUMEAU_ASSIGN_OR_RETURN(const std::string file_hash,
                              io::ContentHash({args->pgs}));
      JUMEAU_ASSIGN_OR_RETURN(const auto sets, store->GenotypeSets(patient.id));
      std::string key =
          "pgs-score:" + file_hash + ":" + patient.pseudonym + ":sources";
      for (const auto& s : sets) key += "," + std::to_string(s.source_id);
      key += ":overlap=" + FormatValue(args->min_overlap) +
             ":ambiguous=" + (args->keep_ambiguous ? "1" : "0");
      store::SourceDescription d;
      d.content_hash = key;
      d.format = "PGS score";
      d.reader = "jumeau.analysis.pgs_score";
      d.reader_version = ingest::kReaderVersion;
      d.warnings = scores.warnings;
      d.warnings.insert(d.warnings.end(), scores.match.warnings.begin(),
                        scores.match.warnings.end());
      // The derived source is about this patient, whatever its key.
      d.patient_pseudonym = patient.pseudonym;
      const double sum = scores.sums.at(0);
      const double average = scores.averages.at(0);
      bool already_stored = false;
      auto txn = store->BeginSource(d);
      if (txn.status().code() == StatusCode::kAlreadyExists) {
        already_stored = true;
      } else if (!txn.ok()) {
        return txn.status();
      } else {
        store::PatientIdentity identity;
        identity.keys = {"derived:" + key};
        JUMEAU_ASSIGN_OR_RETURN(const store::PatientId id,
                                (*txn)->Patient(identity));
        Event e;
        e.time = Clock::Real().Now();
        e.code = Code{"urn:jumeau:pgs", pgs_id, scoring.trait_reported};
        e.value = sum;
        e.unit = "1";
        e.text = scores.match.BriefReport();
        e.origin = "jumeau score";
        e.source_ref = std::filesystem::path(args->pgs).filename().string();
        JUMEAU_RETURN_IF_ERROR((*txn)->AddEvents(id, std::span(&e, 1)));
        JUMEAU_RETURN_IF_ERROR((*txn)->Commit());
      }
      if (args->json) {
        nlohmann::json j = {{"patient", patient.pseudonym},
                            {"pgs_id", pgs_id},
                            {"trait", scoring.trait_reported},
                            {"sum", sum},
                            {"average", average},
                            {"allele_count", scores.allele_counts.at(0)},
                            {"variants_total", scores.match.variants_total},
                            {"variants_matched", scores.match.variants_matched},
                            {"overlap", scores.match.overlap()},
                            {"flipped", scores.match.flipped},
                            {"already_stored", already_stored},
                            {"warnings", d.warnings}};
        std::printf("%s\n", j.dump(2).c_str());
        return Status::Ok();
      }
      std::printf("%s\n", scores.match.BriefReport().c_str());
      std::printf(
          "patient %s: %s score %s (sum of weight x dosage; average "
          "%s over %lld alleles)%s\n",
          patient.pseudonym.c_str(), pgs_id.c_str(), FormatValue(sum).c_str(),
          FormatValue(average).c_str(),
          static_cast<long long>(scores.allele_counts.at(0)),
          already_stored ? "; already stored" : "; stored");
      for (const auto& w : d.warnings)
        std::printf("  warning: %s\n", w.c_str());
      return Status::Ok();
    };
  });
}

}  // namespace jumeau::cli

// VCF/BCF ingest: each selected sample is a patient ("vcf-sample:<name>");
// the reader's batches go straight into the store's genotype blocks, so
// memory is bounded by one batch.
#include "jumeau/ingest/internal/sources.h"
#include "jumeau/io/vcf.h"

namespace jumeau::ingest::internal {

Result<IngestReport> IngestVcf(store::Store& store, const SourcePath& source,
                               const IngestOptions& options) {
  IngestReport report;
  report.display_name = source.path.filename().string();
  io::VcfOptions vcf_options;
  if (!options.vcf_sample.empty()) vcf_options.samples = {options.vcf_sample};
  JUMEAU_ASSIGN_OR_RETURN(std::unique_ptr<io::VcfReader> reader,
                          io::OpenVcf(source.path, vcf_options));
  const std::string name = source.path.filename().string();
  const bool bcf = name.size() > 4 && name.substr(name.size() - 4) == ".bcf";
  std::vector<std::filesystem::path> files = {source.path};
  JUMEAU_ASSIGN_OR_RETURN(
      store::SourceDescription d,
      Describe(store, files, bcf ? "BCF" : "VCF", "jumeau.io.vcf", options, &report));
  if (!options.patient.empty() && reader->sample_ids().size() > 1) {
    return InvalidArgumentError(
        source.path.string() + ": " +
        std::to_string(reader->sample_ids().size()) +
        " samples; --patient applies to one: choose it with --sample");
  }
  JUMEAU_ASSIGN_OR_RETURN(auto txn, Begin(store, d, &report));
  if (!txn) return report;
  std::vector<store::PatientId> patients;
  for (const auto& sample : reader->sample_ids()) {
    store::PatientIdentity identity;
    identity.keys = {"vcf-sample:" + sample};
    JUMEAU_ASSIGN_OR_RETURN(const store::PatientId p, txn->Patient(identity));
    patients.push_back(p);
  }
  report.patients = static_cast<int64_t>(patients.size());
  if (patients.size() == 1) {
    JUMEAU_ASSIGN_OR_RETURN(report.patient, txn->Pseudonym(patients[0]));
  }
  GenotypeTable batch;
  while (true) {
    JUMEAU_ASSIGN_OR_RETURN(const bool more, reader->Next(&batch));
    if (!more) break;
    JUMEAU_RETURN_IF_ERROR(txn->AddGenotypes(batch, patients));
    report.variants += static_cast<int64_t>(batch.variant_count());
  }
  report.warnings = reader->warnings();
  if (reader->genome_build().empty())
    report.warnings.push_back(
        "genome build unknown (no ##reference, no "
        "##contig assembly or length of chromosome 1)");
  JUMEAU_RETURN_IF_ERROR(Commit(*txn, &report));
  return report;
}

}  // namespace jumeau::ingest::internal

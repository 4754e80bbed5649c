// Tabular sources: device CSV/TSV exports (with their column mapping) and
// the PhysioNet Challenge 2012 ICU stays and outcomes. Each is read whole
// (they are small) and written in one transaction.
#include "jumeau/ingest/internal/sources.h"
#include "jumeau/io/challenge2012.h"
#include "jumeau/io/device_csv.h"

namespace jumeau::ingest::internal {
namespace {

// Writes the signals and events of a recording for `patient`.
Status WriteRecording(store::SourceTransaction& txn, store::PatientId patient,
                      const Recording& recording, IngestReport* report) {
  for (const Signal& signal : recording.signals) {
    JUMEAU_RETURN_IF_ERROR(txn.AddSignal(patient, signal).status());
    ++report->signals;
    report->samples += static_cast<int64_t>(signal.samples.size());
  }
  JUMEAU_RETURN_IF_ERROR(txn.AddEvents(patient, recording.events));
  report->events += static_cast<int64_t>(recording.events.size());
  return Status::Ok();
}

}  // namespace

Result<IngestReport> IngestDeviceCsv(store::Store& store,
                                     const SourcePath& source,
                                     const IngestOptions& options) {
  IngestReport report;
  report.display_name = source.path.filename().string();
  const std::filesystem::path mapping_path =
      options.csv_mapping.empty() ? io::DefaultCsvMappingPath(source.path)
                                  : options.csv_mapping;
  std::error_code ec;
  if (!std::filesystem::exists(mapping_path, ec)) {
    return NotFoundError(source.path.string() +
                         ": no column mapping (looked for " +
                         mapping_path.string() +
                         "; give one with --mapping, see docs/formats.md)");
  }
  JUMEAU_ASSIGN_OR_RETURN(const io::CsvColumnMapping mapping,
                          io::ReadCsvMapping(mapping_path));
  JUMEAU_ASSIGN_OR_RETURN(io::DeviceCsv csv,
                          io::ReadDeviceCsv(source.path, mapping));
  JUMEAU_ASSIGN_OR_RETURN(
      store::SourceDescription d,
      Describe(store, {source.path, mapping_path}, csv.recording.format,
               "jumeau.io.device_csv", options, &report));
  JUMEAU_ASSIGN_OR_RETURN(auto txn, Begin(store, d, &report));
  if (!txn) return report;
  JUMEAU_ASSIGN_OR_RETURN(const store::PatientId patient,
                          SinglePatient(*txn, "", &report));
  JUMEAU_RETURN_IF_ERROR(WriteRecording(*txn, patient, csv.recording, &report));
  report.warnings = csv.recording.warnings;
  JUMEAU_RETURN_IF_ERROR(Commit(*txn, &report));
  return report;
}

Result<IngestReport> IngestChallenge2012(store::Store& store,
                                         const SourcePath& source,
                                         const IngestOptions& options) {
  IngestReport report;
  report.display_name = source.path.filename().string();
  JUMEAU_ASSIGN_OR_RETURN(io::Challenge2012Stay stay,
                          io::ReadChallenge2012(source.path));
  JUMEAU_ASSIGN_OR_RETURN(
      store::SourceDescription d,
      Describe(store, {source.path}, stay.recording.format, "jumeau.io.challenge2012",
               options, &report));
  JUMEAU_ASSIGN_OR_RETURN(auto txn, Begin(store, d, &report));
  if (!txn) return report;
  store::PatientIdentity identity;
  identity.keys = {stay.record_id.empty()
                       ? "source:" + report.content_hash
                       : "challenge2012-record:" + stay.record_id};
  if (stay.gender) identity.sex = *stay.gender == 0 ? "female" : "male";
  JUMEAU_ASSIGN_OR_RETURN(const store::PatientId patient,
                          txn->Patient(identity));
  JUMEAU_ASSIGN_OR_RETURN(report.patient, txn->Pseudonym(patient));
  report.patients = 1;
  JUMEAU_RETURN_IF_ERROR(
      WriteRecording(*txn, patient, stay.recording, &report));
  report.warnings = stay.recording.warnings;
  JUMEAU_RETURN_IF_ERROR(Commit(*txn, &report));
  return report;
}

Result<IngestReport> IngestChallenge2012Outcomes(store::Store& store,
                                                 const SourcePath& source,
                                                 const IngestOptions& options) {
  IngestReport report;
  report.display_name = source.path.filename().string();
  JUMEAU_ASSIGN_OR_RETURN(const auto outcomes,
                          io::ReadChallenge2012Outcomes(source.path));
  JUMEAU_ASSIGN_OR_RETURN(
      store::SourceDescription d,
      Describe(store, {source.path}, "Challenge2012 outcomes",
               "jumeau.io.challenge2012", options, &report));
  if (!options.patient.empty() && outcomes.size() > 1) {
    return InvalidArgumentError(source.path.string() +
                                ": outcomes of many stays; --patient applies "
                                "to a source about one person");
  }
  JUMEAU_ASSIGN_OR_RETURN(auto txn, Begin(store, d, &report));
  if (!txn) return report;
  for (const auto& outcome : outcomes) {
    store::PatientIdentity identity;
    identity.keys = {"challenge2012-record:" + outcome.record_id};
    JUMEAU_ASSIGN_OR_RETURN(const store::PatientId patient,
                            txn->Patient(identity));
    const std::vector<Event> events = io::Challenge2012OutcomeEvents(outcome);
    JUMEAU_RETURN_IF_ERROR(txn->AddEvents(patient, events));
    report.events += static_cast<int64_t>(events.size());
  }
  report.patients = static_cast<int64_t>(outcomes.size());
  JUMEAU_RETURN_IF_ERROR(Commit(*txn, &report));
  return report;
}

}  // namespace jumeau::ingest::internal

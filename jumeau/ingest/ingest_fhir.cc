// FHIR ingest: the reader streams patients and events into a sink that
// resolves each patient reference to a store patient (identity
// "fhir-patient:<Patient.id>", plus "identifier:<system>|<value>" for each
// Patient.identifier) and writes events as they come: memory stays bounded
// by the reader's, whatever the number of resources.
#include <algorithm>
#include <functional>
#include <map>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "jumeau/ingest/internal/sources.h"
#include "jumeau/io/fhir.h"

namespace jumeau::ingest::internal {
namespace {

// The Patient id a reference names: "123" for "123", "Patient/123",
// "https://server/fhir/Patient/123", "urn:uuid:123"; "" for a reference to
// something else ("Group/7"). A view into `ref`.
std::string_view PatientIdOf(std::string_view ref) {
  constexpr std::string_view kUuid = "urn:uuid:";
  if (ref.substr(0, kUuid.size()) == kUuid) return ref.substr(kUuid.size());
  const size_t slash = ref.rfind('/');
  if (slash == std::string_view::npos) return ref;
  const std::string_view head = ref.substr(0, slash);
  const size_t type_start =
      head.rfind('/') == std::string_view::npos ? 0 : head.rfind('/') + 1;
  if (head.substr(type_start) != "Patient") return "";
  return ref.substr(slash + 1);
}

// Hash for string keys that also takes string_views (heterogeneous lookup:
// no string is built per event to find its patient).
struct StringHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const {
    return std::hash<std::string_view>{}(s);
  }
};

class StoreSink final : public io::FhirSink {
 public:
  StoreSink(store::SourceTransaction* txn, IngestReport* report)
      : txn_(txn), report_(report) {}

  Status OnPatient(io::FhirPatient patient) override {
    store::PatientIdentity identity;
    identity.keys.push_back("fhir-patient:" + patient.resource_id);
    for (const auto& id : patient.identifiers)
      identity.keys.push_back("identifier:" + id);
    identity.birth_date = patient.birth_date;
    identity.birth_date_precision = patient.birth_date_precision;
    identity.sex = patient.gender;
    JUMEAU_ASSIGN_OR_RETURN(const store::PatientId id, txn_->Patient(identity));
    by_patient_id_[patient.resource_id] = id;
    return Status::Ok();
  }

  Status OnEvent(io::FhirEvent fhir_event) override {
    const std::string_view patient_id = PatientIdOf(fhir_event.patient_ref);
    if (patient_id.empty()) {
      // About no patient (a Device on its own, a reference to a Group):
      // counted as skipped.
      if (fhir_event.component <= 0)
        ++report_->skipped_by_type[fhir_event.event.origin + " (no patient)"];
      return Status::Ok();
    }
    store::PatientId patient;
    if (auto it = by_patient_id_.find(patient_id); it != by_patient_id_.end()) {
      patient = it->second;
    } else {
      store::PatientIdentity identity;
      identity.keys = {"fhir-patient:" + std::string(patient_id)};
      JUMEAU_ASSIGN_OR_RETURN(patient, txn_->Patient(identity));
      by_patient_id_.emplace(std::string(patient_id), patient);
    }
    // The reader fills the event as the store keeps it (clinical detail,
    // origin, source_ref).
    JUMEAU_RETURN_IF_ERROR(
        txn_->AddEvents(patient, std::span(&fhir_event.event, 1)));
    ++report_->events;
    return Status::Ok();
  }

  // The pseudonym of each patient met, by the reader's patient reference
  // keys; PatientIdOf of references that name no patient map to nothing.
  Result<std::map<std::string, std::string>> Pseudonyms() {
    std::map<std::string, std::string> out;
    for (const auto& [ref, id] : by_patient_id_) {
      JUMEAU_ASSIGN_OR_RETURN(out[ref], txn_->Pseudonym(id));
    }
    return out;
  }

  size_t patient_count() const {
    std::vector<store::PatientId> ids;
    ids.reserve(by_patient_id_.size());
    for (const auto& [ref, id] : by_patient_id_) ids.push_back(id);
    std::sort(ids.begin(), ids.end());
    return static_cast<size_t>(std::unique(ids.begin(), ids.end()) -
                               ids.begin());
  }

  // The pseudonym of one patient met. REQUIRES: patient_count() > 0.
  Result<std::string> AnyPseudonym() {
    return txn_->Pseudonym(by_patient_id_.begin()->second);
  }

 private:
  store::SourceTransaction* txn_;
  IngestReport* report_;
  // Patient.id -> store patient, for every patient met.
  std::unordered_map<std::string, store::PatientId, StringHash, std::equal_to<>>
      by_patient_id_;
};

// The files of a FHIR source, in the order they are hashed: the file, or
// the folder's .json/.ndjson files by name.
Result<std::vector<std::filesystem::path>> FhirFiles(
    const std::filesystem::path& path) {
  std::error_code ec;
  if (!std::filesystem::is_directory(path, ec)) {
    if (!std::filesystem::exists(path, ec))
      return NotFoundError(path.string() + ": no such file");
    return std::vector<std::filesystem::path>{path};
  }
  std::vector<std::filesystem::path> files;
  for (auto it = std::filesystem::directory_iterator(path, ec);
       !ec && it != std::filesystem::directory_iterator(); it.increment(ec)) {
    const std::string ext = it->path().extension().string();
    if ((ext == ".json" || ext == ".ndjson") && it->is_regular_file(ec))
      files.push_back(it->path());
  }
  if (ec) return IoError(path.string() + ": cannot list: " + ec.message());
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace

Result<IngestReport> IngestFhir(store::Store& store, const SourcePath& source,
                                const IngestOptions& options) {
  IngestReport report;
  report.display_name = source.path.filename().string();
  JUMEAU_ASSIGN_OR_RETURN(const auto files, FhirFiles(source.path));
  JUMEAU_ASSIGN_OR_RETURN(
      store::SourceDescription d,
      Describe(store, files,
               std::filesystem::is_directory(source.path) ? "FHIR Bulk Data"
                                                          : "FHIR R4",
               "jumeau.io.fhir", options, &report));
  JUMEAU_ASSIGN_OR_RETURN(auto txn, Begin(store, d, &report));
  if (!txn) return report;
  StoreSink sink(txn.get(), &report);
  io::FhirReadResult result;
  {
    io::FhirReaderOptions reader_options;
    reader_options.count_by_patient = options.resources_by_patient;
    io::FhirReader reader(&sink, reader_options);
    if (std::filesystem::is_directory(source.path)) {
      JUMEAU_RETURN_IF_ERROR(reader.AddFolder(source.path));
    } else {
      JUMEAU_RETURN_IF_ERROR(reader.AddFile(source.path));
    }
    result = reader.Finish();
  }  // The reader's per-patient tables are freed before the report is built.
  report.resources_by_type = std::move(result.resources_by_type);
  for (const auto& [type, n] : result.skipped_by_type)
    report.skipped_by_type[type] += n;
  report.patients = static_cast<int64_t>(sink.patient_count());
  if (report.patients == 1) {
    JUMEAU_ASSIGN_OR_RETURN(report.patient, sink.AnyPseudonym());
  }
  report.warnings = std::move(result.warnings);
  if (!options.resources_by_patient) {
    JUMEAU_RETURN_IF_ERROR(Commit(*txn, &report));
    return report;
  }
  JUMEAU_ASSIGN_OR_RETURN(const auto pseudonyms, sink.Pseudonyms());
  // Each patient's counts move into the report and leave the result, so
  // that the two per-patient tables are not both whole at the peak.
  auto& by_patient = result.resources_by_patient;
  for (auto at = by_patient.begin(); at != by_patient.end();
       at = by_patient.erase(at)) {
    const auto it = pseudonyms.find(std::string(PatientIdOf(at->first)));
    // Resources whose patient produced nothing storable (only skipped
    // types) are reported under "(no stored patient)".
    const std::string key =
        it == pseudonyms.end() ? "(no stored patient)" : it->second;
    auto& dst = report.resources_by_patient[key];
    if (dst.empty()) {
      dst = std::move(at->second);
    } else {
      for (const auto& [type, n] : at->second) dst[type] += n;
    }
  }
  JUMEAU_RETURN_IF_ERROR(Commit(*txn, &report));
  return report;
}

}  // namespace jumeau::ingest::internal

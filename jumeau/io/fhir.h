// FHIR R4 reader: JSON Bundles (transaction, collection, searchset, batch,
// document...), single resources, NDJSON (Bulk Data export files) and Bulk
// Data folders become FhirPatient records and core Events with codes, UCUM
// units and UTC times. Part of io/: bytes in, core types out; never touches
// the store. What is read from each resource type: docs/formats-fhir.md.
#ifndef JUMEAU_IO_FHIR_H_
#define JUMEAU_IO_FHIR_H_

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "jumeau/core/event.h"
#include "jumeau/core/status.h"
#include "jumeau/core/time.h"

namespace jumeau::io {

// Code systems met in FHIR data besides those of jumeau/core/event.h.
namespace fhir_code_system {
inline constexpr char kRxNorm[] = "http://www.nlm.nih.gov/research/umls/rxnorm";
inline constexpr char kCvx[] = "http://hl7.org/fhir/sid/cvx";
// A CodeableConcept with text but no coding: code = the text.
inline constexpr char kText[] = "urn:jumeau:fhir-text";
// A resource with no code at all (a Device without type...): code = the
// resource type.
inline constexpr char kUncoded[] = "urn:jumeau:fhir-uncoded";
// A medicationReference that could not be resolved: code = the reference.
inline constexpr char kReference[] = "urn:jumeau:fhir-reference";
}  // namespace fhir_code_system

// A person as a FHIR source describes them. Identifying text (identifiers)
// lives here only in memory so that the store can turn it into keyed hashes:
// it must never be logged or stored in clear. Names, addresses, telecom and
// contacts are not read at all.
struct FhirPatient {
  // Patient.id; inside a bundle without Patient.id, the fullUrl's id
  // ("urn:uuid:X" -> "X", ".../Patient/X" -> "X"). Events refer to it.
  std::string resource_id;
  // "system|value" of each Patient.identifier that has a value (system may
  // be empty: "|value").
  std::vector<std::string> identifiers;
  // Patient.birthDate: year, month and day as given (month and day 1 when
  // absent), with the precision the source gave.
  std::optional<CivilTime> birth_date;
  DatePrecision birth_date_precision = DatePrecision::kDay;
  // Patient.gender: "male", "female", "other", "unknown" or "".
  std::string gender;
  // Patient.deceasedDateTime (UTC, first instant of a partial date).
  std::optional<Time> deceased_time;
  DatePrecision deceased_precision = DatePrecision::kSecond;
  // Patient.deceasedBoolean, or true when deceasedDateTime is given.
  bool deceased = false;
};

// One clinical fact read from a FHIR resource. A resource gives one event,
// except an Observation with components, which gives one per component (the
// blood-pressure panel gives systolic 8480-6 and diastolic 8462-4) plus one
// for its own value when it has one. What the core Event can say lives in
// `event`; the members beside it are what only FHIR has.
struct FhirEvent {
  // The resource id of the Patient the resource is about (subject, else
  // patient) when it resolves to a Patient of the source; otherwise the raw
  // reference as written ("Patient/123", "urn:uuid:..."), or "" when the
  // resource names none.
  std::string patient_ref;
  bool patient_resolved = false;

  // The fact, filled by the reader as the store keeps it:
  //   time: UTC, the first instant of a partial date; time_precision: how
  //     much of it the source gave. end: for periods (effectivePeriod.end,
  //     Condition abatement, Encounter period end...).
  //   code: the chosen coding (see docs: LOINC, SNOMED CT, RxNorm, CVX
  //     first) with its display.
  //   value/unit: the quantity in its canonical UCUM unit (converted with
  //     jumeau/core/ucum_conversion.h where a row applies, else as given, the
  //     unit mapped to UCUM). source_value/source_unit: the quantity exactly
  //     as the source gave it — value, and unit as its UCUM code
  //     (Quantity.code when Quantity.system is UCUM) else the unit text — set
  //     only when it differs from value/unit (a conversion or a mapped unit).
  //   text: valueString, the display of a coded value, a comparator ("<"), a
  //     report's conclusion, a device name.
  //   value_code: a coded value: valueCodeableConcept, Encounter.class, the
  //     first manifestation of an AllergyIntolerance reaction.
  //   reference_low/high: Observation.referenceRange[0] low/high in `unit`
  //     (converted like the value); unset when absent or in a unit that does
  //     not convert.
  //   status: Observation/Procedure/... .status; Condition and
  //     AllergyIntolerance: the clinicalStatus code ("active", "resolved").
  //   origin: the resource type ("Observation"); source_ref: "<type>/<id>"
  //     with Resource.id (in a bundle without one, the fullUrl's id).
  Event event;
  DatePrecision end_precision = DatePrecision::kSecond;

  // Index in Observation.component, or -1 for the resource's own value.
  int component = -1;
  std::string reference_text;  // referenceRange[0].text

  // Resources this one points to: DiagnosticReport.result, as "Type/id"
  // when resolved in the source, else as written.
  std::vector<std::string> related;
};

// Everything read from one or more FHIR inputs.
struct FhirReadResult {
  std::vector<FhirPatient> patients;
  std::vector<FhirEvent> events;
  // Every resource seen, by resourceType (Bundles included; resources
  // contained in another are part of it and not counted).
  std::map<std::string, int64_t> resources_by_type;
  // Seen but not handled (Claim, ExplanationOfBenefit, Organization,
  // Practitioner...): counted here as well as in resources_by_type.
  std::map<std::string, int64_t> skipped_by_type;
  // Resources per patient and type, handled or skipped, attributed by
  // subject (else patient) reference; Patients count under their own id.
  // Keys as FhirEvent::patient_ref (the raw reference when unresolved).
  std::map<std::string, std::map<std::string, int64_t>> resources_by_patient;
  // Recoverable oddities, aggregated ("3 Observation resources reference a
  // subject that is not in the source ... (first: obs.ndjson line 7 ...)").
  // They never quote identifying values.
  std::vector<std::string> warnings;
};

// Receives patients and events one by one as a reader produces them, so
// that memory does not grow with the number of resources. Calls come in
// source order (inside a Bundle, entry order: an event may precede its
// Patient entry; its patient_ref is resolved all the same). Called from the
// reader's thread only.
class FhirSink {
 public:
  virtual ~FhirSink() = default;
  // Returning a non-ok Status stops the read, which returns that Status.
  virtual Status OnPatient(FhirPatient patient) = 0;
  virtual Status OnEvent(FhirEvent event) = 0;
};

// How a FhirReader reads.
struct FhirReaderOptions {
  // Count resources per patient and type (FhirReadResult::
  // resources_by_patient). Default true. When false that table stays empty
  // and the reader keeps per patient only its id (what resolving references
  // across files needs).
  bool count_by_patient = true;
};

// Reads FHIR inputs one after the other, resolving references across them
// (a Bulk Data folder's Observation file refers to its Patient file). Not
// thread-safe; one reader per thread.
//
// Errors (each Add* returns the first, and the reader must then be
// discarded; with a sink, part of the data may already have been handed
// over — the caller's transaction must not commit):
//   kDataLoss, "<file> line L column C (<JSON pointer>): <reason>", for
//     malformed JSON ("expected ',' or '}'", "unexpected end of input"), a
//     wrong JSON type where a FHIR element is read ("expected a number"), a
//     missing or unknown resourceType, or a malformed FHIR date;
//   kNotFound / kIoError for files that are missing or unreadable.
// Out-of-range times, unresolved references and resources without a usable
// time are warnings, not errors.
class FhirReader {
 public:
  // With a null sink (the default) patients and events are kept in the
  // result of Finish(); otherwise each goes to `sink` as soon as it is read,
  // and the result's vectors stay empty. REQUIRES: `sink`, when given,
  // outlives the reader.
  explicit FhirReader(FhirSink* sink = nullptr);
  FhirReader(FhirSink* sink, const FhirReaderOptions& options);
  ~FhirReader();
  FhirReader(const FhirReader&) = delete;
  FhirReader& operator=(const FhirReader&) = delete;

  // One JSON document: a Bundle or a single resource. `file_name` names it
  // in messages.
  Status AddJson(std::string_view bytes, std::string_view file_name);
  // NDJSON: one resource per line; blank lines are skipped. Parsed line by
  // line: memory is bounded by the longest line.
  Status AddNdjson(std::string_view bytes, std::string_view file_name);
  // A file: "*.ndjson" is streamed line by line from disk; anything else is
  // read whole as JSON.
  Status AddFile(const std::filesystem::path& path);
  // A folder: every "*.ndjson" and "*.json" file in it (not recursive),
  // Patient and Medication files first, then by name. A Bulk Data client's
  // "log.ndjson" and a Bulk Data manifest are skipped with a warning.
  // Returns kNotFound when the folder holds no such file.
  Status AddFolder(const std::filesystem::path& folder);

  // Ends the read and returns what was read. Collecting (no sink): events
  // whose subject appeared later in the input are resolved now. Warnings are
  // produced here. Call once.
  FhirReadResult Finish();

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

// One JSON document: a Bundle or a single resource. Errors as FhirReader.
Result<FhirReadResult> ReadFhirJson(std::string_view bytes,
                                    std::string_view file_name);

// NDJSON: one resource per line (a Bulk Data export file, Type.000.ndjson).
// Errors as FhirReader.
Result<FhirReadResult> ReadFhirNdjson(std::string_view bytes,
                                      std::string_view file_name);

// A file (".ndjson" or JSON) or a Bulk Data folder (FhirReader::AddFolder),
// references resolved across its files. Errors as FhirReader.
Result<FhirReadResult> ReadFhir(const std::filesystem::path& path_or_folder);

// As ReadFhir, handing patients and events to `sink` as they are read (the
// result's patients and events are empty): memory stays bounded by the
// largest JSON document (or NDJSON line) plus the set of Patient ids.
Result<FhirReadResult> ReadFhir(const std::filesystem::path& path_or_folder,
                                FhirSink& sink);

}  // namespace jumeau::io

#endif  // JUMEAU_IO_FHIR_H_

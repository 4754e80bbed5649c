// The patient record as stored: patients under pseudonyms, sources with their
// content hash and reader, signals (exact integer samples, chunked and
// compressed, with a min/max/mean pyramid), events and provenance. Store is the
// interface; sqlite_store.h is the embedded implementation (a PostgreSQL one
// can follow behind the same interface).
#ifndef JUMEAU_STORE_STORE_H_
#define JUMEAU_STORE_STORE_H_

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "jumeau/core/event.h"
#include "jumeau/core/genotype.h"
#include "jumeau/core/signal.h"
#include "jumeau/core/status.h"
#include "jumeau/core/time.h"

namespace jumeau::store {

using PatientId = int64_t;
using SourceId = int64_t;
using StreamId = int64_t;

// A patient, known only by a pseudonym.
struct PatientInfo {
  PatientId id = 0;
  std::string pseudonym;
  // Birth date generalised to the store's precision ("1958" by default,
  // "1958-05-02" in a store created with day precision); "" when unknown.
  std::string birth;
  std::string sex;  // "male", "female", "other", "unknown" or ""
  int64_t source_count = 0;
  int64_t stream_count = 0;
  int64_t event_count = 0;
  int64_t variant_count = 0;  // genotyped variants, over all sources
  std::optional<Time> first;  // earliest sample or event
  std::optional<Time> last;   // latest sample or event
};

// Where stored items came from: one source file or record.
struct SourceInfo {
  SourceId id = 0;
  std::string content_hash;  // io/content_hash.h ("sha256:…")
  std::string format;        // "EDF+C", "WFDB", …
  std::string reader;        // "jumeau.io.edf"
  std::string reader_version;
  int64_t byte_size = 0;
  Time ingested_at;
  std::vector<std::string> warnings;
};

// A stored uniformly sampled signal: the metadata of a core Signal plus its
// identity in the store. Its samples live in chunks.
struct StreamInfo {
  StreamId id = 0;
  PatientId patient_id = 0;
  SourceId source_id = 0;
  std::string name;  // unique per patient: the label, "MLII", "MLII (2)"…
  Signal signal;     // metadata; `signal.samples` is always empty here
  int64_t sample_count = 0;

  Time end() const { return signal.TimeOfSample(sample_count); }
};

// A stored event with its identity and provenance.
struct StoredEvent {
  int64_t id = 0;
  PatientId patient_id = 0;
  SourceId source_id = 0;
  Event event;
};

// What to select from the events of a patient. Unset fields do not filter.
struct EventQuery {
  std::optional<std::string> code;         // matches Code::code
  std::optional<std::string> code_system;  // matches Code::system
  std::optional<std::string> origin;       // matches Event::origin
  std::optional<Time> from;                // time >= from
  std::optional<Time> to;                  // time < to
  int64_t limit = 1000000;
};

// Events of a patient grouped by origin and code system: what a timeline
// summarises ("Observation", LOINC: 412 from 1976 to 2021).
struct EventGroup {
  std::string origin;
  std::string code_system;
  int64_t count = 0;
  Time first;
  Time last;  // latest time (or end)
};

// One bucket of a reduced window: the digital min/max/mean of `count` samples
// whose times are in [start, end).
struct Bucket {
  Time start;
  Time end;
  int32_t min = 0;
  int32_t max = 0;
  double mean = 0.0;
  int64_t count = 0;
};

// A window of a stream: either the exact samples (when they number at most the
// points asked for) or buckets reduced from the pyramid. Physical values are
// digital * scale + offset, in `unit`.
struct SignalWindow {
  bool exact = true;
  int64_t first_sample = 0;      // index of samples[0] (exact) or of the
                                 // first sample of buckets[0]
  std::vector<int32_t> samples;  // exact mode
  std::vector<Time> times;       // exact mode: time of each sample
  std::vector<Bucket> buckets;   // reduced mode
  int pyramid_level = 0;         // reduced mode: 0 = from raw samples
  double scale = 1.0;
  double offset = 0.0;
  std::string unit;
};

// Writes one stream of a source being ingested: append samples in order.
class StreamWriter {
 public:
  virtual ~StreamWriter() = default;
  // Appends the next digital samples. Returns kInternal on a store failure.
  virtual Status Append(std::span<const int32_t> samples) = 0;
  virtual StreamId id() const = 0;
};

// Who records of a source are about, as the source names them.
struct PatientIdentity {
  // The person's keys in the source, each "kind:value", the first being the
  // primary one: "fhir-patient:<Patient.id>", "identifier:<system>|<value>",
  // "vcf-sample:<name>", "wfdb-record:<name>", "edf-patient:<field>",
  // "challenge2012-record:<RecordID>", "source:<content hash>" (a source that
  // names nobody). Never stored in clear: the store keeps keyed hashes.
  std::vector<std::string> keys;
  // As the source gives them; the store keeps the birth date generalised to
  // its configured precision (the year by default).
  std::optional<CivilTime> birth_date;
  DatePrecision birth_date_precision = DatePrecision::kDay;
  std::string sex;  // "male", "female", "other", "unknown" or ""
};

// A structural connectome of a patient, stored as a source (a TVB
// connectivity zip or folder: jumeau/io/connectome.h reads it). Matrices are
// n x n row-major, weights[i*n + j] the weight region i receives from j.
struct StoredConnectome {
  int64_t id = 0;            // set by the store
  SourceId source_id = 0;    // set by the store
  PatientId patient_id = 0;  // set by the store
  Time created;              // set by the store: the source's ingest time
  std::vector<std::string> labels;       // n
  std::vector<double> weights;           // n*n
  std::vector<double> tract_lengths_mm;  // n*n
  std::vector<double> centres_mm;        // n*3
  std::vector<uint8_t> cortical;         // n flags, or empty
  std::vector<double> areas_mm2;         // n, or empty
  std::vector<double> orientations;      // n*3, or empty
  int regions() const { return static_cast<int>(labels.size()); }
};

// One source being ingested: everything written through it becomes visible
// at Commit(), all at once, or never (destroying it without Commit() rolls
// back). Only one SourceTransaction may be open per Store at a time.
class SourceTransaction {
 public:
  virtual ~SourceTransaction() = default;
  virtual SourceId source_id() const = 0;

  // The patient `identity` designates: with the source's explicit pseudonym
  // (SourceDescription::patient_pseudonym) that patient, every key linked
  // to it; otherwise the patient any key is already linked to (the others
  // are linked to it too), or a new patient with a pseudonym derived from
  // the primary key. When keys of one identity are linked to two patients,
  // the second is merged into the first. Demographics fill the patient's
  // unknown fields. Returns kInvalidArgument when `identity` has no key, or
  // when an explicit pseudonym is given and the source names a second
  // person ("--patient applies to a source about one person").
  virtual Result<PatientId> Patient(const PatientIdentity& identity) = 0;
  // The pseudonym of a patient of this source. kNotFound otherwise.
  virtual Result<std::string> Pseudonym(PatientId patient) = 0;

  // Adds a signal stream of `patient` described by `signal` (its samples,
  // if any, are appended too). The returned writer is owned by the
  // transaction and valid until Commit() or destruction.
  virtual Result<StreamWriter*> AddSignal(PatientId patient,
                                          const Signal& signal) = 0;
  // Adds events of `patient`.
  virtual Status AddEvents(PatientId patient,
                           std::span<const Event> events) = 0;
  // Adds the variants of `batch` (in source order, batch after batch) and
  // each sample's calls to the patient at the same index of
  // `sample_patients` (a 0 there skips the sample). The first call fixes the
  // genome build and dosage columns. kInvalidArgument when the sizes differ.
  virtual Status AddGenotypes(const GenotypeTable& batch,
                              std::span<const PatientId> sample_patients) = 0;
  // Adds the structural connectome of `patient` (the ids and created of
  // `connectome` are ignored). Returns its id; kInvalidArgument when the
  // sizes are inconsistent (n*n matrices, n*3 centres, n or no cortical
  // flags and areas, n*3 or no orientations) or n is 0.
  virtual Result<int64_t> AddConnectome(PatientId patient,
                                        const StoredConnectome& connectome) = 0;
  // Replaces the source's recorded warnings (readers find some while
  // streaming).
  virtual Status SetWarnings(const std::vector<std::string>& warnings) = 0;
  // Sets the content hash of a source begun without one (its files were
  // hashed as they were read). Returns kAlreadyExists (naming the hash) when
  // a stored source has it: the caller then drops this transaction.
  // REQUIRES: the description's content_hash was empty.
  virtual Status SetContentHash(const std::string& content_hash) = 0;
  // Makes everything durable and visible. Returns kInternal on failure (the
  // store is then unchanged), kFailedPrecondition when the content hash was
  // never set.
  virtual Status Commit() = 0;
};

// Description of a source at the start of its ingest.
struct SourceDescription {
  // Identical content is ingested only once. Empty: not known yet (the
  // files are hashed while they are read); SourceTransaction::SetContentHash
  // gives it before Commit().
  std::string content_hash;
  std::string format;
  std::string reader;
  std::string reader_version;
  int64_t byte_size = 0;
  std::vector<std::string> warnings;
  // The patient chosen by the user (`--patient`): the source is about that
  // one person, whatever keys it names (they are linked to the pseudonym).
  // Empty: patients are resolved from the source's own identities.
  std::string patient_pseudonym;
  // When a source with the same content hash is stored: false (default),
  // BeginSource refuses with kAlreadyExists; true, that source and all it
  // holds are deleted in this transaction (a derived result recomputed by
  // the same analysis version replaces the previous one).
  bool replace_existing = false;
};

// What Store::Link did.
struct LinkResult {
  std::string pseudonym;    // the patient the key now designates
  bool created = false;     // the patient was created
  std::string merged_from;  // a patient merged into it, or ""
};

// Which genotypes to read. Unset fields do not filter; both set: either.
struct GenotypeQuery {
  // Region "chrom", "chrom:from" or "chrom:from-to" (1-based, inclusive),
  // chromosome names matched canonically ("chr1" = "1").
  std::optional<std::string> region;
  // Variant ids ("rs123").
  std::vector<std::string> ids;
};

// One genotyped source of a patient.
struct GenotypeSetInfo {
  SourceId source_id = 0;
  std::string genome_build;  // "GRCh38", "GRCh37" or ""
  int64_t variant_count = 0;
  bool has_dosages = false;
  int64_t called = 0;  // variants with a non-missing call for the patient
};

// A twin snapshot: one calibration of a model to a patient's record (see
// DESIGN.md "The twin"). The store keeps the model's results as an opaque
// JSON document written and read by the twin layer (jumeau/derive/twin.h),
// so that the store knows nothing of models.
struct TwinSnapshot {
  int64_t id = 0;             // set by the store
  PatientId patient_id = 0;   // set by the store
  std::string model;          // "regazzoni2022_cardio"
  std::string model_version;  // "1.0.0"
  Time created;               // set by the store (its clock) when added
  Time data_from;             // earliest observation used
  Time data_to;               // latest observation used
  // JSON object: parameters (name, unit, MAP, sd, credible interval,
  // informed), covariance, observations (time, source, residual), outputs.
  std::string data_json;
};

// A bearer token of the HTTP API (`jumeau token create`). The store keeps
// only a keyed hash of its secret.
struct ApiToken {
  int64_t id = 0;
  std::string role;   // "clinician" or "researcher"
  std::string label;  // free text: who or what holds it
  Time created;
  std::optional<Time> revoked;  // unset while valid
};

// A token just created: the only time its secret is known.
struct NewApiToken {
  ApiToken token;
  std::string secret;  // "jmt_" and 64 hex digits (32 random bytes)
};

// One access to patient data through the API: who, which patient, what,
// when, and what was answered.
struct AuditEntry {
  int64_t id = 0;        // set by the store
  Time time;             // when the request was answered
  int64_t token_id = 0;  // 0: no valid token was given
  std::string role;      // the token's role, "" without one
  std::string patient;   // pseudonym, "" when the request names none
  std::string action;    // the route: "GET /api/v1/patients/{id}/signal"
  std::string target;    // the path and query as requested
  int status = 0;        // the HTTP status answered
};

// Which audit entries to read. Unset fields do not filter.
struct AuditQuery {
  std::optional<std::string> patient;
  std::optional<int64_t> token_id;
  std::optional<Time> from;  // time >= from
  std::optional<Time> to;    // time < to
  int64_t limit = 1000;      // the latest `limit` entries, oldest first
};

// A Store is the patient record. Implementations are safe for use by one
// thread at a time per Store object; open one Store per thread (SQLite WAL
// lets readers run beside one writer).
class Store {
 public:
  virtual ~Store() = default;

  // Starts ingesting a source. Returns kAlreadyExists (message naming the
  // hash) when a source with the same content hash is stored, unless
  // description.replace_existing.
  virtual Result<std::unique_ptr<SourceTransaction>> BeginSource(
      const SourceDescription& description) = 0;
  // The content hashes of the stored sources of exactly `byte_size` bytes:
  // content can only be identical at equal size, so an empty answer tells an
  // ingest that its source is new before it has been hashed.
  virtual Result<std::vector<std::string>> ContentHashesOfSize(
      int64_t byte_size) = 0;

  virtual Result<std::vector<PatientInfo>> Patients() = 0;
  // Returns kNotFound when no patient has that pseudonym.
  virtual Result<PatientInfo> FindPatient(std::string_view pseudonym) = 0;
  // The id of the patient `pseudonym`, without FindPatient's counts (one
  // index lookup: what a request that only needs the id should use).
  // kNotFound when no patient has that pseudonym.
  virtual Result<PatientId> FindPatientId(std::string_view pseudonym) = 0;
  virtual Result<std::vector<SourceInfo>> Sources(PatientId patient) = 0;
  virtual Result<std::vector<StreamInfo>> Streams(PatientId patient) = 0;
  // `name` is a stream name or its numeric id. kNotFound otherwise.
  virtual Result<StreamInfo> FindStream(PatientId patient,
                                        std::string_view name) = 0;

  // The exact samples [first, first + count) of a stream, clipped to its
  // length. kInvalidArgument when first < 0 or count < 0.
  virtual Result<std::vector<int32_t>> ReadSamples(StreamId stream,
                                                   int64_t first,
                                                   int64_t count) = 0;

  // The window [from, to) of a stream at most `max_points` wide: exact samples
  // when the window holds at most max_points of them, otherwise max_points
  // buckets (or fewer, at the edges of the data) of min/max/mean taken from
  // the pyramid. kInvalidArgument when to <= from or max_points < 1.
  virtual Result<SignalWindow> ReadWindow(StreamId stream, Time from, Time to,
                                          int64_t max_points) = 0;

  virtual Result<std::vector<StoredEvent>> Events(PatientId patient,
                                                  const EventQuery& query) = 0;

  // The patient's events in [from, to) (unset: unbounded) grouped by origin
  // and code system, ordered by origin then system.
  virtual Result<std::vector<EventGroup>> EventSummary(
      PatientId patient, std::optional<Time> from, std::optional<Time> to) = 0;

  // Links the source identity `key` (a PatientIdentity key, "vcf-sample:X")
  // to the patient `pseudonym`, creating the patient when new. When the key
  // already designates another patient, that patient is merged into
  // `pseudonym`: its records and links move, its streams are renamed where
  // names clash, and it is deleted. Later ingests naming the key land in
  // `pseudonym`. kInvalidArgument for an empty key or pseudonym.
  virtual Result<LinkResult> Link(std::string_view key,
                                  std::string_view pseudonym) = 0;

  // The genotyped sources of a patient.
  virtual Result<std::vector<GenotypeSetInfo>> GenotypeSets(
      PatientId patient) = 0;
  // The patient's genotypes selected by `query`, over all its sources in
  // ingest order, as a one-sample table (sample id = the pseudonym; build of
  // the first source; chromosomes named canonically, "1" for "chr1"; calls
  // as ALT copies with their phased flag, not which haplotype carries ALT).
  // kInvalidArgument for a malformed region.
  virtual Result<GenotypeTable> Genotypes(PatientId patient,
                                          const GenotypeQuery& query) = 0;

  // Stores `snapshot` for `patient` in its own transaction, stamped with the
  // store's clock (snapshot.id, patient_id and created are ignored). Returns
  // the snapshot as stored (its id, patient_id and created set);
  // kNotFound for an unknown patient; kInvalidArgument for an empty model
  // name or data_to < data_from; kFailedPrecondition while a source ingest
  // is open.
  virtual Result<TwinSnapshot> AddTwinSnapshot(PatientId patient,
                                               TwinSnapshot snapshot) = 0;
  // The patient's twin snapshots, oldest first (by created, then id).
  virtual Result<std::vector<TwinSnapshot>> TwinSnapshots(
      PatientId patient) = 0;

  // The patient's latest structural connectome (by ingest time, then id).
  // kNotFound when the patient has none; kDataLoss for a malformed row.
  virtual Result<StoredConnectome> LatestConnectome(PatientId patient) = 0;

  // Creates an API token with `role` ("clinician" or "researcher") and a
  // free-text `label`, stamped with the store's clock. Returns the token and
  // its secret (32 random bytes; only its keyed hash is stored);
  // kInvalidArgument for another role.
  virtual Result<NewApiToken> CreateApiToken(std::string_view role,
                                             std::string_view label) = 0;
  // Every API token, valid or revoked, oldest first.
  virtual Result<std::vector<ApiToken>> ApiTokens() = 0;
  // Revokes token `id` (stamped with the store's clock). kNotFound for an
  // unknown id; a revoked token stays revoked (ok, unchanged).
  virtual Status RevokeApiToken(int64_t id) = 0;
  // The valid token whose secret is `secret`. kNotFound when no token has
  // that secret or it is revoked (one message for both).
  virtual Result<ApiToken> AuthenticateApiToken(std::string_view secret) = 0;

  // Appends `entries` to the audit trail in one transaction (ids are set by
  // the store). kFailedPrecondition while a source ingest is open.
  virtual Status AppendAudit(std::span<const AuditEntry> entries) = 0;
  // The audit entries selected by `query`, oldest first.
  virtual Result<std::vector<AuditEntry>> AuditLog(const AuditQuery& query) = 0;

  // Runs SQLite's integrity check (or the backend's equivalent). Returns ok
  // or kDataLoss with what the check reported.
  virtual Status CheckIntegrity() = 0;
};

}  // namespace jumeau::store

#endif  // JUMEAU_STORE_STORE_H_

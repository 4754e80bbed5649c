// Ingest: the front-end composition io → store. Each source (an EDF/BDF file,
// a WFDB record with its annotation files, a FHIR document or Bulk Data
// folder, a VCF/BCF, a device CSV with its mapping, a PhysioNet Challenge
// 2012 ICU stay or outcomes file, a TVB structural connectome) is read by its
// io reader and written in one store transaction: all or nothing. Identical
// content is recognised by its hash and not stored twice. Who each record is
// about is resolved by the store from the identities the source names (never
// stored in clear).
#ifndef JUMEAU_INGEST_INGEST_H_
#define JUMEAU_INGEST_INGEST_H_

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "jumeau/core/status.h"
#include "jumeau/store/store.h"

namespace jumeau::ingest {

// The version of the ingest path, recorded as each source's reader version.
inline constexpr char kReaderVersion[] = "0.1.0";

enum class SourceKind {
  kEdf,                    // EDF, EDF+, BDF, BDF+ file
  kWfdb,                   // WFDB record (path: its .hea)
  kFhir,                   // FHIR JSON/NDJSON file or Bulk Data folder
  kVcf,                    // VCF (plain, gzip, bgzip) or BCF
  kDeviceCsv,              // CSV/TSV time series with a column mapping
  kChallenge2012,          // PhysioNet Challenge 2012 ICU stay
  kChallenge2012Outcomes,  // its Outcomes file
  kConnectome,             // TVB structural connectome (zip or folder)
};

// One source to ingest, resolved from command-line paths.
struct SourcePath {
  SourceKind kind = SourceKind::kEdf;
  std::filesystem::path path;  // the file, the WFDB .hea, or the folder
};

// Resolves paths given by a user into sources: EDF/BDF files by extension or
// magic bytes; WFDB records from their .hea, any of their other files (.dat,
// .atr, …) or the record path without extension — all files of one record
// collapse into one source; FHIR ".json"/".ndjson" files; a folder holding
// ".ndjson" or ".json" files is one FHIR source (a Bulk Data export); VCF
// ".vcf", ".vcf.gz", ".bcf"; ".csv"/".tsv" device exports; ".txt" files of
// the Challenge 2012 (recognised by their header); a TVB connectome: a
// ".zip" naming weights.txt and tract_lengths.txt among its members, or a
// folder holding both files; any other folder stands
// for the sources among its files (not recursive; unknown files skipped).
// Returns kNotFound for a missing path, kUnimplemented naming the file for
// an unknown format given explicitly.
Result<std::vector<SourcePath>> ResolveSources(
    const std::vector<std::filesystem::path>& paths);

struct IngestOptions {
  // Pseudonym of the patient the sources belong to (`--patient`). Empty
  // (default): derived from the source's own patient identity through the
  // store's keyed hash.
  std::string patient;
  // Device CSV: the column mapping file. Empty (default): the file beside
  // the CSV, "<stem>.mapping.ini" (io::DefaultCsvMappingPath).
  std::filesystem::path csv_mapping;
  // VCF: the one sample to ingest. Empty (default): every sample, each its
  // own patient ("vcf-sample:<name>" identity).
  std::string vcf_sample;
  // FHIR: fill IngestReport::resources_by_patient. Default true. When
  // false (`jumeau ingest` without --json, which does not print it) the
  // reader keeps no per-patient counts, so memory grows with the number of
  // patients only by their ids.
  bool resources_by_patient = true;
  // Called now and then with bytes read so far and in all. May be empty.
  std::function<void(uint64_t done, uint64_t total)> progress;
};

// What one ingest did.
struct IngestReport {
  std::string display_name;  // the file name, for the user's messages only
  std::string format;        // "EDF+C", "WFDB", …
  bool already_present = false;
  std::string patient;       // pseudonym, when the source is about one
  int64_t patients = 0;      // how many patients the source is about
  std::string content_hash;  // "sha256:…" (io/content_hash.h)
  int64_t signals = 0;
  int64_t samples = 0;
  int64_t events = 0;
  int64_t variants = 0;      // genotyped variants (multi-allelic sites split)
  int64_t connectome_regions = 0;  // regions of a stored connectome
  uint64_t bytes = 0;
  // FHIR: every resource read, by type; those not handled (Claim,
  // Organization...) or about no patient, by type; and per patient
  // pseudonym, resources by type, handled or skipped (empty unless
  // IngestOptions::resources_by_patient).
  std::map<std::string, int64_t> resources_by_type;
  std::map<std::string, int64_t> skipped_by_type;
  std::map<std::string, std::map<std::string, int64_t>> resources_by_patient;
  std::vector<std::string> warnings;
};

// Ingests one source in one transaction. On success the source is stored
// entirely (or was already: report.already_present). On any error nothing of
// it is stored and the Status names the file and the offset or line.
Result<IngestReport> IngestSource(store::Store& store, const SourcePath& source,
                                  const IngestOptions& options = {});

}  // namespace jumeau::ingest

#endif  // JUMEAU_INGEST_INGEST_H_

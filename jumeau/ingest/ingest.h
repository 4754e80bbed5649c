// Ingest: the front-end composition io → store. Each source (an EDF/BDF file
// or a WFDB record with its annotation files) is read by its io reader and
// written in one store transaction: all or nothing. Identical content is
// recognised by its hash and not stored twice.
#ifndef JUMEAU_INGEST_INGEST_H_
#define JUMEAU_INGEST_INGEST_H_

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "jumeau/core/status.h"
#include "jumeau/store/store.h"

namespace jumeau::ingest {

// The version of the ingest path, recorded as each source's reader version.
inline constexpr char kReaderVersion[] = "0.1.0";

enum class SourceKind { kEdf, kWfdb };

// One source to ingest, resolved from command-line paths.
struct SourcePath {
  SourceKind kind = SourceKind::kEdf;
  std::filesystem::path path;  // the EDF/BDF file, or the WFDB .hea file
};

// Resolves paths given by a user into sources: EDF/BDF files by extension or
// magic bytes; WFDB records from their .hea, any of their other files (.dat,
// .atr, …) or the record path without extension — all files of one record
// collapse into one source. Returns kNotFound for a missing path,
// kUnimplemented naming the file for an unknown format.
Result<std::vector<SourcePath>> ResolveSources(
    const std::vector<std::filesystem::path>& paths);

struct IngestOptions {
  // Pseudonym of the patient the sources belong to (`--patient`). Empty
  // (default): derived from the source's own patient identity through the
  // store's keyed hash.
  std::string patient;
  // Called now and then with bytes read so far and in all. May be empty.
  std::function<void(uint64_t done, uint64_t total)> progress;
};

// What one ingest did.
struct IngestReport {
  std::string display_name;  // the file name, for the user's messages only
  std::string format;        // "EDF+C", "WFDB", …
  bool already_present = false;
  std::string patient;       // pseudonym
  std::string content_hash;  // hex BLAKE2b-256
  int64_t signals = 0;
  int64_t samples = 0;
  int64_t events = 0;
  uint64_t bytes = 0;
  std::vector<std::string> warnings;
};

// Ingests one source in one transaction. On success the source is stored
// entirely (or was already: report.already_present). On any error nothing of
// it is stored and the Status names the file and the offset or line.
Result<IngestReport> IngestSource(store::Store& store, const SourcePath& source,
                                  const IngestOptions& options = {});

// Hex BLAKE2b-256 over the files of a source, in the given order: for each,
// its base name, size and bytes. kIoError naming the file when unreadable.
Result<std::string> HashFiles(const std::vector<std::filesystem::path>& files);

}  // namespace jumeau::ingest

#endif  // JUMEAU_INGEST_INGEST_H_

// The ingest of each kind of source, behind IngestSource (ingest.cc), and
// the steps they share. Internal to jumeau/ingest.
#ifndef JUMEAU_INGEST_INTERNAL_SOURCES_H_
#define JUMEAU_INGEST_INTERNAL_SOURCES_H_

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "jumeau/ingest/ingest.h"
#include "jumeau/store/store.h"

namespace jumeau::ingest::internal {

// Starts the source's transaction. Returns a null transaction, with
// report->already_present set, when identical content is stored.
Result<std::unique_ptr<store::SourceTransaction>> Begin(
    store::Store& store, const store::SourceDescription& description,
    IngestReport* report);

// The description of a source made of `files` (hashed in this order, see
// io/content_hash.h), with report->content_hash and report->bytes filled in.
// In a store holding sources hashed the old way (before SHA-256), the hash
// is the old one when such a source has the same content. !hash_files: the
// content hash is left empty (the caller hashes the files as it reads them
// and gives it with SetContentHash).
Result<store::SourceDescription> Describe(
    store::Store& store, const std::vector<std::filesystem::path>& files,
    std::string format, std::string reader, const IngestOptions& options,
    IngestReport* report, bool hash_files = true);

// The patient of a source that names one person by `key` (or nobody, when
// `key` is empty: the source's content hash stands for them).
Result<store::PatientId> SinglePatient(store::SourceTransaction& txn,
                                       const std::string& key,
                                       IngestReport* report);

// Records warnings, then commits.
Status Commit(store::SourceTransaction& txn, IngestReport* report);

Result<IngestReport> IngestRecording(store::Store& store,
                                     const SourcePath& source,
                                     const IngestOptions& options);
Result<IngestReport> IngestFhir(store::Store& store, const SourcePath& source,
                                const IngestOptions& options);
Result<IngestReport> IngestVcf(store::Store& store, const SourcePath& source,
                               const IngestOptions& options);
Result<IngestReport> IngestDeviceCsv(store::Store& store,
                                     const SourcePath& source,
                                     const IngestOptions& options);
Result<IngestReport> IngestChallenge2012(store::Store& store,
                                         const SourcePath& source,
                                         const IngestOptions& options);
Result<IngestReport> IngestChallenge2012Outcomes(store::Store& store,
                                                 const SourcePath& source,
                                                 const IngestOptions& options);
Result<IngestReport> IngestConnectome(store::Store& store,
                                      const SourcePath& source,
                                      const IngestOptions& options);

}  // namespace jumeau::ingest::internal

#endif  // JUMEAU_INGEST_INTERNAL_SOURCES_H_

// Structural connectome ingest: a TVB connectivity zip or folder
// (io/connectome.h) is read whole, validated, and stored as one source of
// its patient with the connectome's arrays (store::StoredConnectome).
#include <algorithm>

#include "jumeau/ingest/internal/sources.h"
#include "jumeau/io/connectome.h"

namespace jumeau::ingest::internal {
namespace {

// The files ReadConnectome reads: the zip itself, or the folder's .txt and
// .bz2 files in name order.
std::vector<std::filesystem::path> ConnectomeFiles(
    const std::filesystem::path& path) {
  std::error_code ec;
  if (!std::filesystem::is_directory(path, ec)) return {path};
  std::vector<std::filesystem::path> files;
  for (auto it = std::filesystem::directory_iterator(path, ec);
       !ec && it != std::filesystem::directory_iterator(); it.increment(ec)) {
    const std::string base = it->path().filename().string();
    if (it->is_regular_file(ec) &&
        (base.ends_with(".txt") || base.ends_with(".bz2")))
      files.push_back(it->path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace

Result<IngestReport> IngestConnectome(store::Store& store,
                                      const SourcePath& source,
                                      const IngestOptions& options) {
  IngestReport report;
  report.display_name = source.path.filename().string();
  // Read and validated before anything is written: a malformed file stores
  // nothing (the error names the file and line).
  JUMEAU_ASSIGN_OR_RETURN(io::Connectome c, io::ReadConnectome(source.path));
  JUMEAU_ASSIGN_OR_RETURN(
      store::SourceDescription d,
      Describe(store, ConnectomeFiles(source.path), "TVB connectome",
               "jumeau.io.connectome", options, &report));
  d.warnings = c.warnings;
  JUMEAU_ASSIGN_OR_RETURN(auto txn, Begin(store, d, &report));
  if (!txn) return report;
  JUMEAU_ASSIGN_OR_RETURN(const store::PatientId patient,
                          SinglePatient(*txn, "", &report));
  store::StoredConnectome stored;
  stored.labels = std::move(c.labels);
  stored.weights = std::move(c.weights);
  stored.tract_lengths_mm = std::move(c.tract_lengths_mm);
  stored.centres_mm = std::move(c.centres_mm);
  stored.cortical = std::move(c.cortical);
  stored.areas_mm2 = std::move(c.areas_mm2);
  stored.orientations = std::move(c.orientations);
  JUMEAU_RETURN_IF_ERROR(txn->AddConnectome(patient, stored).status());
  report.connectome_regions = stored.regions();
  report.warnings = c.warnings;
  JUMEAU_RETURN_IF_ERROR(Commit(*txn, &report));
  return report;
}

}  // namespace jumeau::ingest::internal

// IngestSource() and the steps every kind of source shares; the recordings
// (EDF/BDF, WFDB): open the reader (the header is validated before anything
// is written), then stream its blocks into one transaction, hashing the
// source first or, when it cannot be a stored one, while it is read.
#include "jumeau/ingest/ingest.h"

#include <sodium.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <map>
#include <optional>
#include <set>

#include "jumeau/ingest/internal/sources.h"
#include "jumeau/io/challenge2012.h"
#include "jumeau/io/content_hash.h"
#include "jumeau/io/edf.h"
#include "jumeau/io/wfdb.h"
#include "jumeau/io/wfdb_annotation.h"
#include "jumeau/io/wfdb_header.h"
#include "jumeau/store/sqlite_store.h"

namespace jumeau::ingest {
namespace {

std::string Lower(std::string s) {
  for (char& c : s)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

bool IsEdfExtension(const std::string& ext) {
  return ext == ".edf" || ext == ".bdf" || ext == ".rec";
}

// Reads the first bytes of `path` to recognise EDF ("0       ") or BDF
// (0xFF "BIOSEMI").
bool LooksLikeEdf(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  char magic[8] = {};
  if (!in.read(magic, 8)) return false;
  return std::string_view(magic, 8) == "0       " ||
         (static_cast<unsigned char>(magic[0]) == 0xFF &&
          std::string_view(magic + 1, 7) == "BIOSEMI");
}

// An EDF patient field that identifies nobody: empty, "X", "X X X X".
bool AnonymousEdfPatient(std::string_view field) {
  for (char c : field) {
    if (c != 'X' && c != ' ' && c != '_') return false;
  }
  return true;
}

// The content hash of stores written before hashes were SHA-256: hex
// BLAKE2b-256 over each file's base name, a NUL, its size in decimal, a NUL
// and its bytes. Computed only to recognise such a stored source.
Result<std::string> LegacyContentHash(
    const std::vector<std::filesystem::path>& files) {
  if (sodium_init() < 0) return InternalError("libsodium failed to initialise");
  crypto_generichash_state state;
  crypto_generichash_init(&state, nullptr, 0, 32);
  std::vector<char> buffer(1 << 20);
  for (const auto& file : files) {
    std::FILE* f = std::fopen(file.c_str(), "rb");
    if (f == nullptr)
      return IoError(file.string() + ": cannot open for reading");
    std::error_code ec;
    const std::string prefix =
        file.filename().string() + '\0' +
        std::to_string(std::filesystem::file_size(file, ec)) + '\0';
    crypto_generichash_update(
        &state, reinterpret_cast<const unsigned char*>(prefix.data()),
        prefix.size());
    size_t got;
    while ((got = std::fread(buffer.data(), 1, buffer.size(), f)) > 0) {
      crypto_generichash_update(
          &state, reinterpret_cast<const unsigned char*>(buffer.data()), got);
    }
    const bool failed = std::ferror(f) != 0;
    std::fclose(f);
    if (failed) return IoError(file.string() + ": read error");
  }
  unsigned char digest[32];
  crypto_generichash_final(&state, digest, sizeof digest);
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string hex;
  for (unsigned char b : digest) {
    hex.push_back(kDigits[b >> 4]);
    hex.push_back(kDigits[b & 15]);
  }
  return hex;
}

uint64_t TotalBytes(const std::vector<std::filesystem::path>& files) {
  uint64_t bytes = 0;
  for (const auto& f : files) {
    std::error_code ec;
    const uint64_t size = std::filesystem::file_size(f, ec);
    if (!ec) bytes += size;
  }
  return bytes;
}

// The hash under which `files` may be stored: `content_hash`, or the legacy
// one when a source hashed the old way has their size and content.
Result<std::string> StoredHashOf(
    store::Store& store, const std::vector<std::filesystem::path>& files,
    std::string content_hash) {
  JUMEAU_ASSIGN_OR_RETURN(
      const std::vector<std::string> same_size,
      store.ContentHashesOfSize(static_cast<int64_t>(TotalBytes(files))));
  // Old hashes are bare hex; derived sources are keyed by other text.
  const bool legacy =
      std::any_of(same_size.begin(), same_size.end(), [](const std::string& h) {
        return h.size() == 64 &&
               h.find_first_not_of("0123456789abcdef") == std::string::npos;
      });
  if (!legacy) return content_hash;
  JUMEAU_ASSIGN_OR_RETURN(std::string old, LegacyContentHash(files));
  if (std::find(same_size.begin(), same_size.end(), old) != same_size.end())
    return old;
  return content_hash;
}

Result<std::unique_ptr<io::RecordingReader>> OpenReader(
    const SourcePath& source) {
  return source.kind == SourceKind::kEdf ? io::OpenEdf(source.path)
                                         : io::OpenWfdb(source.path);
}

// The annotation files of a WFDB record and the events they hold.
Result<std::vector<Event>> ReadRecordAnnotations(
    const SourcePath& source, const Recording& header,
    std::vector<std::filesystem::path>* files) {
  std::vector<Event> events;
  if (source.kind != SourceKind::kWfdb) return events;
  JUMEAU_ASSIGN_OR_RETURN(const io::WfdbHeader parsed,
                          io::ReadWfdbHeader(source.path));
  std::vector<std::string> labels;
  for (const auto& s : header.signals) labels.push_back(s.label);
  for (const auto& file : io::FindWfdbAnnotationFiles(source.path)) {
    JUMEAU_ASSIGN_OR_RETURN(
        auto more,
        io::ReadWfdbAnnotations(file, parsed.frequency, header.start, labels));
    // The annotator is the file's extension ("atr", "gqrsh"): two annotation
    // files of one record stay apart.
    const std::string annotator = file.extension().string().substr(1);
    for (Event& e : more) e.origin = annotator;
    events.insert(events.end(), more.begin(), more.end());
    files->push_back(file);
  }
  return events;
}

// Writes the blocks of `reader` through `txn`, one stream per signal (and a
// further stream per signal at each discontinuity of an EDF+D file).
Status WriteSignals(io::RecordingReader& reader, store::SourceTransaction& txn,
                    store::PatientId patient, const IngestOptions& options,
                    IngestReport* report) {
  const Recording& header = reader.header();
  const size_t n = header.signals.size();
  std::vector<store::StreamWriter*> writers(n, nullptr);
  std::vector<Time> next_time(n);
  std::vector<int64_t> written(n, 0);
  std::vector<Time> segment_start(n);
  io::SampleBlock block;
  uint64_t last_progress = 0;
  while (true) {
    JUMEAU_ASSIGN_OR_RETURN(const bool more, reader.Next(&block));
    if (!more) break;
    for (size_t s = 0; s < n && s < block.samples.size(); ++s) {
      const auto& samples = block.samples[s];
      if (samples.empty()) continue;
      const Time start = s < block.start.size() ? block.start[s] : next_time[s];
      if (writers[s] == nullptr || start != next_time[s]) {
        Signal meta = header.signals[s];
        meta.samples.clear();
        meta.start = start;
        JUMEAU_ASSIGN_OR_RETURN(writers[s], txn.AddSignal(patient, meta));
        segment_start[s] = start;
        written[s] = 0;
        ++report->signals;
      }
      JUMEAU_RETURN_IF_ERROR(writers[s]->Append(samples));
      written[s] += static_cast<int64_t>(samples.size());
      report->samples += static_cast<int64_t>(samples.size());
      next_time[s] =
          segment_start[s] + header.signals[s].rate.OffsetOfSample(written[s]);
    }
    if (!block.events.empty()) {
      JUMEAU_RETURN_IF_ERROR(txn.AddEvents(patient, block.events));
      report->events += static_cast<int64_t>(block.events.size());
    }
    if (options.progress && reader.bytes_read() - last_progress > (1u << 20)) {
      last_progress = reader.bytes_read();
      options.progress(reader.bytes_read(), reader.bytes_total());
    }
  }
  if (options.progress)
    options.progress(reader.bytes_total(), reader.bytes_total());
  return Status::Ok();
}

}  // namespace

namespace {

// The first bytes of a file (for format detection).
std::string Head(const std::filesystem::path& path, size_t n = 4096) {
  std::ifstream in(path, std::ios::binary);
  std::string bytes(n, '\0');
  in.read(bytes.data(), static_cast<std::streamsize>(n));
  bytes.resize(static_cast<size_t>(in.gcount()));
  return bytes;
}

bool EndsWith(const std::string& s, std::string_view suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

bool HasFhirFiles(const std::filesystem::path& folder) {
  std::error_code ec;
  for (auto it = std::filesystem::directory_iterator(folder, ec);
       !ec && it != std::filesystem::directory_iterator(); it.increment(ec)) {
    const std::string ext = Lower(it->path().extension().string());
    if (ext == ".ndjson" || ext == ".json") return true;
  }
  return false;
}

// A TVB connectome folder: holds weights.txt and tract_lengths.txt.
bool IsConnectomeFolder(const std::filesystem::path& folder) {
  std::error_code ec;
  return std::filesystem::is_regular_file(folder / "weights.txt", ec) &&
         std::filesystem::is_regular_file(folder / "tract_lengths.txt", ec);
}

// A TVB connectome zip: a .zip whose member names (stored in clear in the
// local and central headers) include weights.txt and tract_lengths.txt.
// Zips over 256 MiB are not inspected.
bool IsConnectomeZip(const std::filesystem::path& p) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(p, ec);
  if (ec || size > (uint64_t{256} << 20)) return false;
  const std::string bytes = Head(p, static_cast<size_t>(size));
  return bytes.find("weights.txt") != std::string::npos &&
         bytes.find("tract_lengths.txt") != std::string::npos;
}

// The kind of a regular file by name and first bytes; nullopt when unknown.
std::optional<SourceKind> FileKind(const std::filesystem::path& p) {
  const std::string name = Lower(p.filename().string());
  const std::string ext = Lower(p.extension().string());
  if (IsEdfExtension(ext) || LooksLikeEdf(p)) return SourceKind::kEdf;
  if (ext == ".json" || ext == ".ndjson") return SourceKind::kFhir;
  if (EndsWith(name, ".vcf") || EndsWith(name, ".vcf.gz") ||
      EndsWith(name, ".vcf.bgz") || ext == ".bcf")
    return SourceKind::kVcf;
  if (ext == ".csv" || ext == ".tsv") return SourceKind::kDeviceCsv;
  if (ext == ".zip" && IsConnectomeZip(p)) return SourceKind::kConnectome;
  if (ext == ".txt") {
    const std::string head = Head(p);
    if (io::LooksLikeChallenge2012(head)) return SourceKind::kChallenge2012;
    if (io::LooksLikeChallenge2012Outcomes(head))
      return SourceKind::kChallenge2012Outcomes;
  }
  return std::nullopt;
}

// Appends the source `p` stands for; `explicit_path` says whether the user
// named it (an unknown format is then an error) or a folder listing did.
Status Resolve(const std::filesystem::path& p, bool explicit_path,
               std::set<std::string>* seen_records,
               std::vector<SourcePath>* out) {
  std::error_code ec;
  const std::string ext = Lower(p.extension().string());
  if (std::filesystem::is_regular_file(p, ec) && ext != ".hea") {
    if (auto kind = FileKind(p)) {
      out->push_back({*kind, p});
      return Status::Ok();
    }
  }
  if (std::filesystem::is_directory(p, ec)) {
    if (IsConnectomeFolder(p)) {
      out->push_back({SourceKind::kConnectome, p});
      return Status::Ok();
    }
    if (HasFhirFiles(p)) {
      out->push_back({SourceKind::kFhir, p});
      return Status::Ok();
    }
    std::vector<std::filesystem::path> entries;
    for (auto it = std::filesystem::directory_iterator(p, ec);
         !ec && it != std::filesystem::directory_iterator(); it.increment(ec)) {
      if (it->is_regular_file(ec)) entries.push_back(it->path());
    }
    std::sort(entries.begin(), entries.end());
    for (const auto& e : entries)
      JUMEAU_RETURN_IF_ERROR(Resolve(e, false, seen_records, out));
    return Status::Ok();
  }
  // WFDB: the record's header is <dir>/<record>.hea.
  std::filesystem::path header = p;
  if (ext != ".hea") {
    header = std::filesystem::is_regular_file(p, ec)
                 ? p.parent_path() / p.stem()
                 : p;
    header += ".hea";
  }
  if (std::filesystem::is_regular_file(header, ec)) {
    const std::string key =
        std::filesystem::weakly_canonical(header, ec).string();
    if (seen_records->insert(key).second)
      out->push_back({SourceKind::kWfdb, header});
    return Status::Ok();
  }
  if (!explicit_path) return Status::Ok();
  if (!std::filesystem::exists(p, ec))
    return NotFoundError(p.string() + ": no such file");
  return UnimplementedError(
      p.string() +
      ": unknown format (expected EDF/BDF, a WFDB record with its .hea, FHIR "
      ".json/.ndjson or a Bulk Data folder, VCF/BCF, a device .csv/.tsv, "
      "a Challenge 2012 .txt, or a TVB connectome .zip or folder)");
}

}  // namespace

Result<std::vector<SourcePath>> ResolveSources(
    const std::vector<std::filesystem::path>& paths) {
  std::vector<SourcePath> out;
  std::set<std::string> seen_records;
  for (const auto& p : paths)
    JUMEAU_RETURN_IF_ERROR(Resolve(p, true, &seen_records, &out));
  return out;
}

namespace internal {

Result<std::unique_ptr<store::SourceTransaction>> Begin(
    store::Store& store, const store::SourceDescription& description,
    IngestReport* report) {
  auto txn = store.BeginSource(description);
  if (txn.status().code() == StatusCode::kAlreadyExists) {
    report->already_present = true;
    return std::unique_ptr<store::SourceTransaction>();
  }
  return txn;
}

Result<store::SourceDescription> Describe(
    store::Store& store, const std::vector<std::filesystem::path>& files,
    std::string format, std::string reader, const IngestOptions& options,
    IngestReport* report, bool hash_files) {
  report->bytes = TotalBytes(files);
  report->format = format;
  store::SourceDescription d;
  if (hash_files) {
    JUMEAU_ASSIGN_OR_RETURN(std::string hash, io::ContentHash(files));
    JUMEAU_ASSIGN_OR_RETURN(report->content_hash,
                            StoredHashOf(store, files, std::move(hash)));
    d.content_hash = report->content_hash;
  }
  d.format = std::move(format);
  d.reader = std::move(reader);
  d.reader_version = kReaderVersion;
  d.byte_size = static_cast<int64_t>(report->bytes);
  d.patient_pseudonym = options.patient;
  return d;
}

Result<store::PatientId> SinglePatient(store::SourceTransaction& txn,
                                       const std::string& key,
                                       IngestReport* report) {
  store::PatientIdentity identity;
  // Nothing identifies the person: the source is its own patient, keyed by
  // its content hash (linked once known when the source is hashed as it is
  // read; the transaction's explicit pseudonym designates the patient).
  if (!key.empty()) {
    identity.keys = {key};
  } else if (!report->content_hash.empty()) {
    identity.keys = {"source:" + report->content_hash};
  }
  JUMEAU_ASSIGN_OR_RETURN(const store::PatientId patient,
                          txn.Patient(identity));
  JUMEAU_ASSIGN_OR_RETURN(report->patient, txn.Pseudonym(patient));
  report->patients = 1;
  return patient;
}

Status Commit(store::SourceTransaction& txn, IngestReport* report) {
  JUMEAU_RETURN_IF_ERROR(txn.SetWarnings(report->warnings));
  return txn.Commit();
}

Result<IngestReport> IngestRecording(store::Store& store,
                                     const SourcePath& source,
                                     const IngestOptions& options) {
  IngestReport report;
  report.display_name = source.path.filename().string();
  JUMEAU_ASSIGN_OR_RETURN(std::unique_ptr<io::RecordingReader> reader,
                          OpenReader(source));
  // The store keeps each signal in chunks: blocks of one signal, a chunk
  // long, are encoded while their samples are in the cache.
  reader->PreferSignalBlocks(store::kChunkSamples);
  const Recording& header = reader->header();
  std::vector<std::filesystem::path> files = reader->files();
  JUMEAU_ASSIGN_OR_RETURN(std::vector<Event> annotations,
                          ReadRecordAnnotations(source, header, &files));
  std::string key;
  if (source.kind == SourceKind::kWfdb) {
    key = "wfdb-record:" + header.source_recording_id;
  } else if (!AnonymousEdfPatient(header.source_patient_id)) {
    key = "edf-patient:" + header.source_patient_id;
  }
  // The source is read once, hashed as it streams, when no stored source can
  // be identical (none has its size) and its patient is known without its
  // content hash; otherwise it is hashed first, so that a source already
  // stored is recognised before any work.
  JUMEAU_ASSIGN_OR_RETURN(
      const std::vector<std::string> same_size,
      store.ContentHashesOfSize(static_cast<int64_t>(TotalBytes(files))));
  const bool hash_while_reading = same_size.empty() &&
                                  (!key.empty() || !options.patient.empty()) &&
                                  reader->StartFileDigests();
  const std::string reader_name =
      source.kind == SourceKind::kEdf ? "jumeau.io.edf" : "jumeau.io.wfdb";
  JUMEAU_ASSIGN_OR_RETURN(
      store::SourceDescription d,
      Describe(store, files, header.format, reader_name, options, &report,
               /*hash_files=*/!hash_while_reading));
  d.warnings = header.warnings;
  JUMEAU_ASSIGN_OR_RETURN(auto txn, Begin(store, d, &report));
  if (!txn) return report;
  JUMEAU_ASSIGN_OR_RETURN(const store::PatientId patient,
                          SinglePatient(*txn, key, &report));
  JUMEAU_RETURN_IF_ERROR(
      WriteSignals(*reader, *txn, patient, options, &report));
  if (!annotations.empty()) {
    JUMEAU_RETURN_IF_ERROR(txn->AddEvents(patient, annotations));
    report.events += static_cast<int64_t>(annotations.size());
  }
  if (hash_while_reading) {
    JUMEAU_ASSIGN_OR_RETURN(std::vector<std::string> digests,
                            reader->FinishFileDigests());
    for (size_t i = digests.size(); i < files.size(); ++i) {
      JUMEAU_ASSIGN_OR_RETURN(std::string digest, io::HashFile(files[i]));
      digests.push_back(std::move(digest));
    }
    report.content_hash = io::ContentHashOf(files, digests);
    const Status set = txn->SetContentHash(report.content_hash);
    if (set.code() == StatusCode::kAlreadyExists) {
      // Only if a file changed size while it was read. Nothing is stored.
      IngestReport present;
      present.display_name = report.display_name;
      present.format = report.format;
      present.content_hash = report.content_hash;
      present.bytes = report.bytes;
      present.already_present = true;
      return present;
    }
    JUMEAU_RETURN_IF_ERROR(set);
    if (key.empty()) {
      store::PatientIdentity identity;
      identity.keys = {"source:" + report.content_hash};
      JUMEAU_RETURN_IF_ERROR(txn->Patient(identity).status());
    }
  }
  report.warnings = reader->header().warnings;
  JUMEAU_RETURN_IF_ERROR(Commit(*txn, &report));
  return report;
}

}  // namespace internal

Result<IngestReport> IngestSource(store::Store& store, const SourcePath& source,
                                  const IngestOptions& options) {
  switch (source.kind) {
    case SourceKind::kEdf:
    case SourceKind::kWfdb:
      return internal::IngestRecording(store, source, options);
    case SourceKind::kFhir:
      return internal::IngestFhir(store, source, options);
    case SourceKind::kVcf:
      return internal::IngestVcf(store, source, options);
    case SourceKind::kDeviceCsv:
      return internal::IngestDeviceCsv(store, source, options);
    case SourceKind::kChallenge2012:
      return internal::IngestChallenge2012(store, source, options);
    case SourceKind::kChallenge2012Outcomes:
      return internal::IngestChallenge2012Outcomes(store, source, options);
    case SourceKind::kConnectome:
      return internal::IngestConnectome(store, source, options);
  }
  return InternalError("unknown source kind");
}

}  // namespace jumeau::ingest

// SqliteStore: schema in schema.cc, chunk codec in codec.cc, pyramid in
// pyramid.cc; this file holds the transactions, the pseudonymous linking of
// sources to patients, and the queries.
#include "jumeau/store/sqlite_store.h"

#include <sodium.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <unordered_map>

#include "jumeau/store/codec.h"
#include "jumeau/store/decoded_cache.h"
#include "jumeau/store/genotype_codec.h"
#include "jumeau/store/internal/min_max_sum.h"
#include "jumeau/store/internal/patients.h"
#include "jumeau/store/internal/sqlite.h"
#include "jumeau/store/pyramid.h"
#include "jumeau/store/schema.h"

namespace jumeau::store {
namespace {

using internal::Database;
using internal::Statement;

int64_t ChunkKey(StreamId stream, int64_t chunk) {
  return (stream << 24) | chunk;
}
int64_t PyramidKey(StreamId stream, int level, int64_t block) {
  return (stream << 28) | (static_cast<int64_t>(level) << 24) | block;
}
// Largest chunk index representable in a chunk key.
constexpr int64_t kMaxChunks = int64_t{1} << 24;

Status AlreadyIngested(SourceId source, const std::string& content_hash) {
  return AlreadyExistsError("identical content already ingested (source " +
                            std::to_string(source) + ", hash " +
                            content_hash.substr(0, 23) + "…)");
}

std::string JoinLines(const std::vector<std::string>& lines) {
  std::string s;
  for (const auto& l : lines) {
    if (!s.empty()) s += '\n';
    s += l;
  }
  return s;
}

// Connectome columns: float64 arrays as little-endian bytes, labels as a
// JSON array of strings.
std::string EncodeDoubles(const std::vector<double>& values) {
  std::string out;
  out.reserve(values.size() * 8);
  for (double v : values) {
    uint64_t bits;
    std::memcpy(&bits, &v, 8);
    for (int b = 0; b < 8; ++b)
      out.push_back(static_cast<char>((bits >> (8 * b)) & 0xFF));
  }
  return out;
}

bool DecodeDoubles(std::string_view bytes, std::vector<double>* out) {
  if (bytes.size() % 8 != 0) return false;
  out->resize(bytes.size() / 8);
  for (size_t i = 0; i < out->size(); ++i) {
    uint64_t bits = 0;
    for (int b = 0; b < 8; ++b)
      bits |= uint64_t{static_cast<unsigned char>(bytes[i * 8 + b])} << (8 * b);
    std::memcpy(&(*out)[i], &bits, 8);
  }
  return true;
}

std::string EncodeLabels(const std::vector<std::string>& labels) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "[";
  for (size_t i = 0; i < labels.size(); ++i) {
    if (i > 0) out += ',';
    out += '"';
    for (char c : labels[i]) {
      const auto u = static_cast<unsigned char>(c);
      if (c == '"' || c == '\\') {
        out += '\\';
        out += c;
      } else if (u < 0x20) {
        out += "\\u00";
        out += kHex[u >> 4];
        out += kHex[u & 15];
      } else {
        out += c;
      }
    }
    out += '"';
  }
  return out + "]";
}

// Parses what EncodeLabels writes. False when malformed.
bool DecodeLabels(std::string_view s, std::vector<std::string>* out) {
  out->clear();
  size_t i = 0;
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  if (i >= s.size() || s[i++] != '[') return false;
  if (i < s.size() && s[i] == ']') return i + 1 == s.size();
  while (i < s.size()) {
    if (s[i++] != '"') return false;
    std::string label;
    while (true) {
      if (i >= s.size()) return false;
      const char c = s[i++];
      if (c == '"') break;
      if (c != '\\') {
        label += c;
        continue;
      }
      if (i >= s.size()) return false;
      const char e = s[i++];
      if (e == 'u') {
        if (i + 4 > s.size()) return false;
        int v = 0;
        for (int k = 0; k < 4; ++k) {
          const int h = hex(s[i + k]);
          if (h < 0) return false;
          v = v * 16 + h;
        }
        if (v > 0x7F) return false;  // EncodeLabels escapes only controls
        label += static_cast<char>(v);
        i += 4;
      } else if (e == '"' || e == '\\' || e == '/') {
        label += e;
      } else {
        return false;
      }
    }
    out->push_back(std::move(label));
    if (i >= s.size()) return false;
    const char sep = s[i++];
    if (sep == ']') return i == s.size();
    if (sep != ',') return false;
  }
  return false;
}

std::vector<std::string> SplitLines(const std::string& s) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start < s.size()) {
    size_t nl = s.find('\n', start);
    if (nl == std::string::npos) nl = s.size();
    out.push_back(s.substr(start, nl - start));
    start = nl + 1;
  }
  return out;
}

class SqliteStore;

// Writes one stream: buffers kChunkSamples samples, encodes, inserts; feeds
// the pyramid builder. Owned by its transaction.
class SqliteStreamWriter final : public StreamWriter {
 public:
  SqliteStreamWriter(Database* db, StreamId id)
      : db_(db),
        id_(id),
        pyramid_([this](const PyramidBlock& b) { return WriteBlock(b); }) {
    buffer_.reserve(kChunkSamples);
  }

  StreamId id() const override { return id_; }

  Status Append(std::span<const int32_t> samples) override {
    JUMEAU_RETURN_IF_ERROR(pyramid_.Add(samples));
    size_t i = 0;
    while (i < samples.size()) {
      if (buffer_.empty() && samples.size() - i >= kChunkSamples) {
        // A whole chunk in the caller's span: encoded from there, uncopied.
        JUMEAU_RETURN_IF_ERROR(FlushChunk(samples.subspan(i, kChunkSamples)));
        i += kChunkSamples;
        continue;
      }
      const size_t take =
          std::min(samples.size() - i, kChunkSamples - buffer_.size());
      buffer_.insert(buffer_.end(), samples.begin() + i,
                     samples.begin() + i + take);
      i += take;
      if (buffer_.size() == kChunkSamples) {
        JUMEAU_RETURN_IF_ERROR(FlushChunk(buffer_));
        buffer_.clear();
      }
    }
    sample_count_ += static_cast<int64_t>(samples.size());
    return Status::Ok();
  }

  // Flushes the partial chunk and the pyramid and records the sample count.
  Status Finish() {
    if (!buffer_.empty()) {
      JUMEAU_RETURN_IF_ERROR(FlushChunk(buffer_));
      buffer_.clear();
    }
    JUMEAU_RETURN_IF_ERROR(pyramid_.Finish());
    JUMEAU_ASSIGN_OR_RETURN(
        auto update,
        db_->Prepare("UPDATE streams SET sample_count = ? WHERE id = ?"));
    return update.Bind(1, sample_count_).Bind(2, id_).Run();
  }

 private:
  // Stores `samples` as the stream's next chunk.
  Status FlushChunk(std::span<const int32_t> samples) {
    if (chunk_index_ >= kMaxChunks)
      return OutOfRangeError("stream too long for the store");
    if (!insert_chunk_) {
      JUMEAU_ASSIGN_OR_RETURN(
          insert_chunk_,
          db_->Prepare(
              "INSERT INTO chunks(key, sample_count, data) VALUES(?, ?, ?)"));
    }
    encoded_.clear();
    EncodeSamples(samples, &encoded_);
    Statement& s = *insert_chunk_;
    s.Reset();
    JUMEAU_RETURN_IF_ERROR(s.Bind(1, ChunkKey(id_, chunk_index_))
                               .Bind(2, static_cast<int64_t>(samples.size()))
                               .BindBlob(3, encoded_)
                               .Run());
    ++chunk_index_;
    return Status::Ok();
  }

  Status WriteBlock(const PyramidBlock& block) {
    if (!insert_block_) {
      JUMEAU_ASSIGN_OR_RETURN(
          insert_block_,
          db_->Prepare(
              "INSERT INTO pyramid(key, bucket_count, data) VALUES(?, ?, ?)"));
    }
    std::string encoded;
    EncodePyramidBlock(block, &encoded);
    Statement& s = *insert_block_;
    s.Reset();
    return s.Bind(1, PyramidKey(id_, block.level, block.block_index))
        .Bind(2, static_cast<int64_t>(block.min.size()))
        .BindBlob(3, encoded)
        .Run();
  }

  Database* db_;
  StreamId id_;
  PyramidBuilder pyramid_;
  std::vector<int32_t> buffer_;
  std::string encoded_;
  int64_t chunk_index_ = 0;
  int64_t sample_count_ = 0;
  std::optional<Statement> insert_chunk_;
  std::optional<Statement> insert_block_;
};

class SqliteTransaction final : public SourceTransaction {
 public:
  SqliteTransaction(Database* db, const Clock* clock, bool* open_flag,
                    SourceId source, std::string explicit_pseudonym,
                    bool hash_pending)
      : db_(db),
        patients_(db, clock),
        open_flag_(open_flag),
        source_(source),
        explicit_pseudonym_(std::move(explicit_pseudonym)),
        hash_pending_(hash_pending) {}

  ~SqliteTransaction() override {
    if (!committed_) (void)db_->Exec("ROLLBACK");
    *open_flag_ = false;
  }

  SourceId source_id() const override { return source_; }

  Result<PatientId> Patient(const PatientIdentity& identity) override {
    // With an explicit pseudonym the keys may come later (a source hashed
    // while it is read learns its "source:" key at the end).
    if (identity.keys.empty() && explicit_pseudonym_.empty())
      return InvalidArgumentError("a patient identity needs at least one key");
    const std::string primary =
        identity.keys.empty() ? std::string() : identity.keys.front();
    PatientId patient = 0;
    if (!explicit_pseudonym_.empty()) {
      if (explicit_patient_ == 0) {
        JUMEAU_ASSIGN_OR_RETURN(explicit_patient_,
                                patients_.FindOrCreate(explicit_pseudonym_));
        explicit_primary_ = primary;
      } else if (explicit_primary_.empty()) {
        explicit_primary_ = primary;
      } else if (!primary.empty() && primary != explicit_primary_) {
        return InvalidArgumentError(
            "the source describes more than one person; --patient applies "
            "only to a source about one person");
      }
      patient = explicit_patient_;
    }
    // Otherwise the identity's keys find the patient: every key met in this
    // transaction is linked (SetLink below, kept up to date by Merge), so no
    // table of the identities met is kept here (it would grow with the
    // number of patients of the source).
    // Keys already linked elsewhere: the first designates the patient, any
    // other patient they designate is the same person and merged into it.
    std::vector<std::string> hashes;
    for (const auto& key : identity.keys) {
      JUMEAU_ASSIGN_OR_RETURN(std::string h, patients_.KeyHash(key));
      JUMEAU_ASSIGN_OR_RETURN(const auto linked, patients_.Linked(h));
      if (linked && patient == 0) {
        patient = *linked;
      } else if (linked && *linked != patient) {
        JUMEAU_RETURN_IF_ERROR(patients_.Merge(*linked, patient));
      }
      hashes.push_back(std::move(h));
    }
    if (patient == 0) {
      JUMEAU_ASSIGN_OR_RETURN(const std::string pseudonym,
                              patients_.DerivedPseudonym(primary));
      JUMEAU_ASSIGN_OR_RETURN(patient, patients_.FindOrCreate(pseudonym));
    }
    for (const auto& h : hashes)
      JUMEAU_RETURN_IF_ERROR(patients_.SetLink(h, patient));
    JUMEAU_RETURN_IF_ERROR(patients_.SetDemographics(patient, identity));
    if (!insert_source_patient_) {
      JUMEAU_ASSIGN_OR_RETURN(
          insert_source_patient_,
          db_->Prepare("INSERT OR IGNORE INTO source_patients("
                       "source_id, patient_id) VALUES(?, ?)"));
    }
    Statement& link = *insert_source_patient_;
    link.Reset();
    JUMEAU_RETURN_IF_ERROR(link.Bind(1, source_).Bind(2, patient).Run());
    return patient;
  }

  Result<std::string> Pseudonym(PatientId patient) override {
    return patients_.Pseudonym(patient);
  }

  Result<StreamWriter*> AddSignal(PatientId patient,
                                  const Signal& signal) override {
    if (!signal.rate.valid())
      return InvalidArgumentError("signal '" + signal.label + "' has no rate");
    JUMEAU_ASSIGN_OR_RETURN(
        const std::string name,
        internal::UniqueStreamName(*db_, patient, signal.label));
    JUMEAU_ASSIGN_OR_RETURN(auto insert, db_->Prepare(R"sql(
      INSERT INTO streams(patient_id, source_id, name, label, unit, source_unit, transducer,
        prefilter, rate_num, rate_den, start_ns, sample_count, scale, offset, digital_min,
        digital_max, physical_min, physical_max, bits, chunk_samples)
      VALUES(?,?,?,?,?,?,?,?,?,?,?,0,?,?,?,?,?,?,?,?))sql"));
    JUMEAU_RETURN_IF_ERROR(insert.Bind(1, patient)
                               .Bind(2, source_)
                               .Bind(3, name)
                               .Bind(4, signal.label)
                               .Bind(5, signal.unit)
                               .Bind(6, signal.source_unit)
                               .Bind(7, signal.transducer)
                               .Bind(8, signal.prefilter)
                               .Bind(9, signal.rate.numerator())
                               .Bind(10, signal.rate.denominator())
                               .Bind(11, signal.start.ns_since_epoch)
                               .Bind(12, signal.scale)
                               .Bind(13, signal.offset)
                               .Bind(14, signal.digital_min)
                               .Bind(15, signal.digital_max)
                               .Bind(16, signal.physical_min)
                               .Bind(17, signal.physical_max)
                               .Bind(18, signal.bits)
                               .Bind(19, kChunkSamples)
                               .Run());
    writers_.push_back(
        std::make_unique<SqliteStreamWriter>(db_, db_->LastInsertId()));
    StreamWriter* w = writers_.back().get();
    if (!signal.samples.empty())
      JUMEAU_RETURN_IF_ERROR(w->Append(signal.samples));
    return w;
  }

  Result<int64_t> AddConnectome(PatientId patient,
                                const StoredConnectome& c) override {
    const size_t n = c.labels.size();
    if (n == 0 || c.weights.size() != n * n ||
        c.tract_lengths_mm.size() != n * n || c.centres_mm.size() != n * 3 ||
        (!c.cortical.empty() && c.cortical.size() != n) ||
        (!c.areas_mm2.empty() && c.areas_mm2.size() != n) ||
        (!c.orientations.empty() && c.orientations.size() != n * 3)) {
      return InvalidArgumentError("connectome: inconsistent sizes for " +
                                  std::to_string(n) + " regions");
    }
    const std::string weights = EncodeDoubles(c.weights);
    const std::string lengths = EncodeDoubles(c.tract_lengths_mm);
    const std::string centres = EncodeDoubles(c.centres_mm);
    const std::string cortical(c.cortical.begin(), c.cortical.end());
    const std::string areas = EncodeDoubles(c.areas_mm2);
    const std::string orientations = EncodeDoubles(c.orientations);
    JUMEAU_ASSIGN_OR_RETURN(auto insert, db_->Prepare(R"sql(
      INSERT INTO connectomes(source_id, patient_id, region_count, labels, weights,
        tract_lengths, centres, cortical, areas, orientations, created_ns)
      VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10,
        (SELECT ingested_ns FROM sources WHERE id = ?1)))sql"));
    JUMEAU_RETURN_IF_ERROR(insert.Bind(1, source_)
                               .Bind(2, patient)
                               .Bind(3, static_cast<int64_t>(n))
                               .Bind(4, EncodeLabels(c.labels))
                               .BindBlob(5, weights)
                               .BindBlob(6, lengths)
                               .BindBlob(7, centres)
                               .BindBlob(8, cortical)
                               .BindBlob(9, areas)
                               .BindBlob(10, orientations)
                               .Run());
    return db_->LastInsertId();
  }

  Status SetWarnings(const std::vector<std::string>& warnings) override {
    JUMEAU_ASSIGN_OR_RETURN(
        auto update,
        db_->Prepare("UPDATE sources SET warnings = ? WHERE id = ?"));
    return update.Bind(1, JoinLines(warnings)).Bind(2, source_).Run();
  }

  Status SetContentHash(const std::string& content_hash) override {
    assert(hash_pending_);
    JUMEAU_ASSIGN_OR_RETURN(
        auto q, db_->Prepare("SELECT id FROM sources WHERE content_hash = ?"));
    q.Bind(1, content_hash);
    JUMEAU_ASSIGN_OR_RETURN(const bool stored, q.Step());
    if (stored) return AlreadyIngested(q.Int(0), content_hash);
    JUMEAU_ASSIGN_OR_RETURN(
        auto update,
        db_->Prepare("UPDATE sources SET content_hash = ? WHERE id = ?"));
    JUMEAU_RETURN_IF_ERROR(update.Bind(1, content_hash).Bind(2, source_).Run());
    hash_pending_ = false;
    return Status::Ok();
  }

  Status AddEvents(PatientId patient, std::span<const Event> events) override {
    if (!insert_event_) {
      JUMEAU_ASSIGN_OR_RETURN(insert_event_, db_->Prepare(R"sql(
        INSERT INTO events(patient_id, source_id, time_ns, end_ns, code_id, value, unit, text,
          channel, subtype, number, origin, time_precision, status, source_value, source_unit,
          reference_low, reference_high, value_code_id, source_ref)
        VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?))sql"));
    }
    Statement& s = *insert_event_;
    auto bind_optional = [&s](int i, const auto& v) {
      if (v) {
        s.Bind(i, *v);
      } else {
        s.BindNull(i);
      }
    };
    for (const Event& e : events) {
      JUMEAU_ASSIGN_OR_RETURN(const int64_t code_id, CodeId(e.code));
      std::optional<int64_t> value_code_id;
      if (e.value_code) {
        JUMEAU_ASSIGN_OR_RETURN(value_code_id, CodeId(*e.value_code));
      }
      s.Reset();
      s.Bind(1, patient).Bind(2, source_).Bind(3, e.time.ns_since_epoch);
      bind_optional(4, e.end ? std::optional<int64_t>(e.end->ns_since_epoch)
                             : std::nullopt);
      s.Bind(5, code_id);
      bind_optional(6, e.value);
      s.Bind(7, e.unit)
          .Bind(8, e.text)
          .Bind(9, e.channel)
          .Bind(10, e.subtype)
          .Bind(11, e.number)
          .Bind(12, e.origin)
          .Bind(13, static_cast<int>(e.time_precision))
          .Bind(14, e.status);
      bind_optional(15, e.source_value);
      s.Bind(16, e.source_unit);
      bind_optional(17, e.reference_low);
      bind_optional(18, e.reference_high);
      bind_optional(19, value_code_id);
      s.Bind(20, e.source_ref);
      JUMEAU_RETURN_IF_ERROR(s.Run());
    }
    return Status::Ok();
  }

  Status AddGenotypes(const GenotypeTable& batch,
                      std::span<const PatientId> sample_patients) override {
    if (sample_patients.size() != batch.sample_count())
      return InvalidArgumentError("genotypes: one patient per sample expected");
    if (variant_set_ == 0) {
      JUMEAU_ASSIGN_OR_RETURN(
          auto insert,
          db_->Prepare("INSERT INTO variant_sets(source_id, genome_build, "
                       "has_dosages) VALUES(?, ?, ?)"));
      JUMEAU_RETURN_IF_ERROR(insert.Bind(1, source_)
                                 .Bind(2, batch.genome_build())
                                 .Bind(3, batch.has_dosages() ? 1 : 0)
                                 .Run());
      variant_set_ = db_->LastInsertId();
      set_has_dosages_ = batch.has_dosages();
      JUMEAU_ASSIGN_OR_RETURN(
          insert_variant_block_,
          db_->Prepare("INSERT INTO variant_blocks(set_id, block, chrom, "
                       "first_position, last_position, variant_count, data) "
                       "VALUES(?,?,?,?,?,?,?)"));
      JUMEAU_ASSIGN_OR_RETURN(
          insert_genotype_block_,
          db_->Prepare("INSERT INTO genotype_blocks(patient_id, set_id, "
                       "block, data) VALUES(?,?,?,?)"));
    } else if (batch.has_dosages() != set_has_dosages_) {
      return InvalidArgumentError(
          "genotypes: dosage columns changed within a source");
    }
    // Blocks: runs of one chromosome, at most kVariantsPerBlock long.
    size_t first = 0;
    std::string encoded;
    while (first < batch.variant_count()) {
      size_t end = first + 1;
      while (end < batch.variant_count() && end - first < kVariantsPerBlock &&
             batch.chrom(end) == batch.chrom(first))
        ++end;
      const size_t count = end - first;
      int64_t lo = batch.position(first), hi = lo;
      for (size_t v = first; v < end; ++v) {
        lo = std::min(lo, batch.position(v));
        hi = std::max(hi, batch.position(v) +
                              static_cast<int64_t>(batch.ref(v).size()) - 1);
      }
      encoded.clear();
      EncodeVariantBlock(batch, first, count, &encoded);
      Statement& vb = *insert_variant_block_;
      vb.Reset();
      JUMEAU_RETURN_IF_ERROR(
          vb.Bind(1, variant_set_)
              .Bind(2, variant_blocks_)
              .Bind(3, std::string(CanonicalChromosome(batch.chrom(first))))
              .Bind(4, lo)
              .Bind(5, hi)
              .Bind(6, static_cast<int64_t>(count))
              .BindBlob(7, encoded)
              .Run());
      for (size_t sample = 0; sample < sample_patients.size(); ++sample) {
        if (sample_patients[sample] == 0) continue;
        encoded.clear();
        EncodeGenotypeBlock(batch, sample, first, count, &encoded);
        Statement& gb = *insert_genotype_block_;
        gb.Reset();
        JUMEAU_RETURN_IF_ERROR(gb.Bind(1, sample_patients[sample])
                                   .Bind(2, variant_set_)
                                   .Bind(3, variant_blocks_)
                                   .BindBlob(4, encoded)
                                   .Run());
      }
      ++variant_blocks_;
      variant_count_ += static_cast<int64_t>(count);
      first = end;
    }
    return Status::Ok();
  }

  Status Commit() override {
    if (hash_pending_)
      return FailedPreconditionError("the source's content hash was not set");
    for (auto& w : writers_) JUMEAU_RETURN_IF_ERROR(w->Finish());
    writers_.clear();
    if (variant_set_ != 0) {
      JUMEAU_ASSIGN_OR_RETURN(
          auto update,
          db_->Prepare(
              "UPDATE variant_sets SET variant_count = ? WHERE id = ?"));
      JUMEAU_RETURN_IF_ERROR(
          update.Bind(1, variant_count_).Bind(2, variant_set_).Run());
    }
    insert_event_.reset();
    insert_source_patient_.reset();
    select_code_.reset();
    insert_code_.reset();
    insert_variant_block_.reset();
    insert_genotype_block_.reset();
    JUMEAU_RETURN_IF_ERROR(db_->Exec("COMMIT"));
    committed_ = true;
    return Status::Ok();
  }

 private:
  // The id of `code` in the codes table, inserted when new. Cached per
  // transaction (hashed: keys share long system URLs, and this runs once
  // per event).
  Result<int64_t> CodeId(const Code& code) {
    std::string& key = code_key_;
    key.clear();
    key.append(code.system).push_back('\0');
    key.append(code.code).push_back('\0');
    key.append(code.display);
    if (auto it = code_ids_.find(key); it != code_ids_.end()) return it->second;
    if (!select_code_) {
      JUMEAU_ASSIGN_OR_RETURN(select_code_,
                              db_->Prepare("SELECT id FROM codes WHERE system "
                                           "= ? AND code = ? AND display = ?"));
      JUMEAU_ASSIGN_OR_RETURN(
          insert_code_,
          db_->Prepare(
              "INSERT INTO codes(system, code, display) VALUES(?, ?, ?)"));
    }
    select_code_->Reset();
    select_code_->Bind(1, code.system).Bind(2, code.code).Bind(3, code.display);
    JUMEAU_ASSIGN_OR_RETURN(const bool found, select_code_->Step());
    int64_t id;
    if (found) {
      id = select_code_->Int(0);
    } else {
      insert_code_->Reset();
      JUMEAU_RETURN_IF_ERROR(insert_code_->Bind(1, code.system)
                                 .Bind(2, code.code)
                                 .Bind(3, code.display)
                                 .Run());
      id = db_->LastInsertId();
    }
    select_code_->Reset();
    code_ids_.emplace(key, id);
    return id;
  }

  Database* db_;
  internal::Patients patients_;
  bool* open_flag_;
  SourceId source_;
  std::string explicit_pseudonym_;
  bool hash_pending_;  // begun without a content hash, not given yet
  bool committed_ = false;
  // With an explicit pseudonym: the one identity's primary key and its
  // patient, once met.
  std::string explicit_primary_;
  PatientId explicit_patient_ = 0;
  std::vector<std::unique_ptr<SqliteStreamWriter>> writers_;
  std::optional<Statement> insert_event_;
  std::optional<Statement> select_code_;
  std::optional<Statement> insert_code_;
  std::unordered_map<std::string, int64_t> code_ids_;
  std::string code_key_;  // CodeId's key buffer, reused
  std::optional<Statement> insert_source_patient_;
  int64_t variant_set_ = 0;
  bool set_has_dosages_ = false;
  int64_t variant_blocks_ = 0;
  int64_t variant_count_ = 0;
  std::optional<Statement> insert_variant_block_;
  std::optional<Statement> insert_genotype_block_;
};

class SqliteStore final : public Store {
 public:
  SqliteStore(const Clock& clock, std::shared_ptr<DecodedCache> cache)
      : clock_(clock), cache_(std::move(cache)) {}

  // Opens (create = false) or creates the store; `options` apply to a new
  // store only.
  Status Init(const std::filesystem::path& path, bool create,
              const StoreOptions& options) {
    if (create) {
      std::error_code ec;
      if (std::filesystem::exists(path, ec)) {
        return AlreadyExistsError(
            path.string() + ": file exists; not creating a store over it");
      }
    } else if (!std::filesystem::exists(path)) {
      return NotFoundError(path.string() +
                           ": no store here (create it with `jumeau init`)");
    }
    JUMEAU_RETURN_IF_ERROR(db_.Open(path.string(), create));
    if (create) {
      JUMEAU_RETURN_IF_ERROR(db_.Exec("PRAGMA foreign_keys = ON"));
      JUMEAU_RETURN_IF_ERROR(db_.Exec("PRAGMA page_size = 4096"));
      JUMEAU_RETURN_IF_ERROR(db_.Exec("PRAGMA journal_mode = WAL"));
      JUMEAU_RETURN_IF_ERROR(db_.Exec("BEGIN IMMEDIATE"));
      Status s = CreateSchema(db_);
      if (s.ok()) {
        auto put = db_.Prepare("INSERT INTO meta(key, value) VALUES(?, ?)");
        s = put.ok()
                ? put->Bind(1, internal::kBirthDatePrecisionKey)
                      .Bind(2, DatePrecisionName(options.birth_date_precision))
                      .Run()
                : put.status();
      }
      if (!s.ok()) {
        (void)db_.Exec("ROLLBACK");
        return s;
      }
      JUMEAU_RETURN_IF_ERROR(db_.Exec("COMMIT"));
    } else {
      {
        JUMEAU_ASSIGN_OR_RETURN(auto mode,
                                db_.Prepare("PRAGMA journal_mode = WAL"));
        (void)mode.Step();
      }
      // Migration steps may rebuild tables: foreign keys are checked once,
      // after the steps, before commit.
      JUMEAU_RETURN_IF_ERROR(db_.Exec("PRAGMA foreign_keys = OFF"));
      JUMEAU_RETURN_IF_ERROR(db_.Exec("BEGIN IMMEDIATE"));
      Status s = MigrateSchema(db_);
      if (s.ok()) s = CheckForeignKeys();
      if (!s.ok()) {
        (void)db_.Exec("ROLLBACK");
        return s;
      }
      JUMEAU_RETURN_IF_ERROR(db_.Exec("COMMIT"));
      JUMEAU_RETURN_IF_ERROR(db_.Exec("PRAGMA foreign_keys = ON"));
    }
    JUMEAU_RETURN_IF_ERROR(db_.Exec("PRAGMA synchronous = NORMAL"));
    JUMEAU_RETURN_IF_ERROR(db_.Exec("PRAGMA cache_size = -16384"));
    JUMEAU_RETURN_IF_ERROR(db_.Exec("PRAGMA mmap_size = 1073741824"));
    return Status::Ok();
  }

  Status CheckForeignKeys() {
    JUMEAU_ASSIGN_OR_RETURN(auto q, db_.Prepare("PRAGMA foreign_key_check"));
    JUMEAU_ASSIGN_OR_RETURN(const bool violation, q.Step());
    if (violation) {
      return DataLossError(db_.path() + ": foreign key violation in table " +
                           q.Text(0) + " after migration");
    }
    return Status::Ok();
  }

  Result<std::unique_ptr<SourceTransaction>> BeginSource(
      const SourceDescription& d) override {
    if (txn_open_)
      return FailedPreconditionError(
          "a source ingest is already open on this store");
    JUMEAU_RETURN_IF_ERROR(db_.Exec("BEGIN IMMEDIATE"));
    txn_open_ = true;
    // From here a failure must roll back: the transaction object does it.
    auto rollback = [&](Status s) -> Status {
      (void)db_.Exec("ROLLBACK");
      txn_open_ = false;
      return s;
    };
    const bool hash_pending = d.content_hash.empty();
    if (!hash_pending) {
      JUMEAU_ASSIGN_OR_RETURN(
          auto q, db_.Prepare("SELECT id FROM sources WHERE content_hash = ?"));
      q.Bind(1, d.content_hash);
      auto row = q.Step();
      if (!row.ok()) return rollback(row.status());
      if (*row && d.replace_existing) {
        const SourceId old = q.Int(0);
        q.Reset();
        Status deleted = DeleteSourceRows(old);
        if (!deleted.ok()) return rollback(deleted);
      } else if (*row) {
        return rollback(AlreadyIngested(q.Int(0), d.content_hash));
      }
    }
    // A pending hash holds a unique placeholder until SetContentHash().
    auto insert = db_.Prepare(R"sql(
      INSERT INTO sources(content_hash, format, reader, reader_version, byte_size,
        ingested_ns, warnings)
      VALUES(coalesce(?, 'pending:' || lower(hex(randomblob(16)))),?,?,?,?,?,?))sql");
    if (!insert.ok()) return rollback(insert.status());
    if (hash_pending) {
      insert->BindNull(1);
    } else {
      insert->Bind(1, d.content_hash);
    }
    Status s = insert->Bind(2, d.format)
                   .Bind(3, d.reader)
                   .Bind(4, d.reader_version)
                   .Bind(5, d.byte_size)
                   .Bind(6, clock_.Now().ns_since_epoch)
                   .Bind(7, JoinLines(d.warnings))
                   .Run();
    if (!s.ok()) return rollback(s);
    return std::unique_ptr<SourceTransaction>(
        new SqliteTransaction(&db_, &clock_, &txn_open_, db_.LastInsertId(),
                              d.patient_pseudonym, hash_pending));
  }

  Result<std::vector<std::string>> ContentHashesOfSize(
      int64_t byte_size) override {
    JUMEAU_ASSIGN_OR_RETURN(
        auto q,
        db_.Prepare("SELECT content_hash FROM sources WHERE byte_size = ?"));
    q.Bind(1, byte_size);
    std::vector<std::string> hashes;
    while (true) {
      JUMEAU_ASSIGN_OR_RETURN(const bool row, q.Step());
      if (!row) break;
      hashes.push_back(q.Text(0));
    }
    return hashes;
  }

  Result<std::vector<PatientInfo>> Patients() override {
    JUMEAU_ASSIGN_OR_RETURN(
        auto q,
        db_.Prepare("SELECT pseudonym FROM patients ORDER BY pseudonym"));
    std::vector<std::string> names;
    while (true) {
      JUMEAU_ASSIGN_OR_RETURN(const bool row, q.Step());
      if (!row) break;
      names.push_back(q.Text(0));
    }
    std::vector<PatientInfo> out;
    for (const auto& n : names) {
      JUMEAU_ASSIGN_OR_RETURN(auto p, FindPatient(n));
      out.push_back(std::move(p));
    }
    return out;
  }

  Result<PatientInfo> FindPatient(std::string_view pseudonym) override {
    JUMEAU_ASSIGN_OR_RETURN(auto q, db_.Prepare(R"sql(
      SELECT id, pseudonym, birth, sex,
        (SELECT count(*) FROM source_patients WHERE patient_id = p.id),
        (SELECT count(*) FROM events WHERE patient_id = p.id),
        (SELECT min(time_ns) FROM events WHERE patient_id = p.id),
        (SELECT max(coalesce(end_ns, time_ns)) FROM events WHERE patient_id = p.id),
        (SELECT coalesce(sum(b.variant_count), 0) FROM genotype_blocks g
           JOIN variant_blocks b ON b.set_id = g.set_id AND b.block = g.block
           WHERE g.patient_id = p.id)
      FROM patients p WHERE pseudonym = ?)sql"));
    q.Bind(1, pseudonym);
    JUMEAU_ASSIGN_OR_RETURN(const bool row, q.Step());
    if (!row)
      return NotFoundError("no patient '" + std::string(pseudonym) +
                           "' in the store");
    PatientInfo p;
    p.id = q.Int(0);
    p.pseudonym = q.Text(1);
    p.birth = q.Text(2);
    p.sex = q.Text(3);
    p.source_count = q.Int(4);
    p.event_count = q.Int(5);
    if (!q.IsNull(6)) p.first = Time{q.Int(6)};
    if (!q.IsNull(7)) p.last = Time{q.Int(7)};
    p.variant_count = q.Int(8);
    JUMEAU_ASSIGN_OR_RETURN(const auto streams, Streams(p.id));
    p.stream_count = static_cast<int64_t>(streams.size());
    for (const auto& s : streams) {
      if (!p.first || s.signal.start < *p.first) p.first = s.signal.start;
      if (!p.last || s.end() > *p.last) p.last = s.end();
    }
    return p;
  }

  Result<PatientId> FindPatientId(std::string_view pseudonym) override {
    if (!select_patient_id_) {
      JUMEAU_ASSIGN_OR_RETURN(
          select_patient_id_,
          db_.Prepare("SELECT id FROM patients WHERE pseudonym = ?"));
    }
    Statement& q = *select_patient_id_;
    q.Reset();
    q.Bind(1, pseudonym);
    JUMEAU_ASSIGN_OR_RETURN(const bool row, q.Step());
    const PatientId id = row ? q.Int(0) : 0;
    q.Reset();
    if (!row)
      return NotFoundError("no patient '" + std::string(pseudonym) +
                           "' in the store");
    return id;
  }

  Result<std::vector<SourceInfo>> Sources(PatientId patient) override {
    JUMEAU_ASSIGN_OR_RETURN(auto q, db_.Prepare(R"sql(
      SELECT id, content_hash, format, reader, reader_version, byte_size, ingested_ns, warnings
      FROM sources WHERE id IN (SELECT source_id FROM source_patients WHERE patient_id = ?)
      ORDER BY id)sql"));
    q.Bind(1, patient);
    std::vector<SourceInfo> out;
    while (true) {
      JUMEAU_ASSIGN_OR_RETURN(const bool row, q.Step());
      if (!row) break;
      SourceInfo s;
      s.id = q.Int(0);
      s.content_hash = q.Text(1);
      s.format = q.Text(2);
      s.reader = q.Text(3);
      s.reader_version = q.Text(4);
      s.byte_size = q.Int(5);
      s.ingested_at = Time{q.Int(6)};
      s.warnings = SplitLines(q.Text(7));
      out.push_back(std::move(s));
    }
    return out;
  }

  Result<std::vector<StreamInfo>> Streams(PatientId patient) override {
    return QueryStreams<int64_t>("patient_id = ? ORDER BY id", patient,
                                 std::nullopt);
  }

  Result<StreamInfo> FindStream(PatientId patient,
                                std::string_view name) override {
    // The window route looks a stream up on every request: statements
    // prepared once per connection.
    JUMEAU_ASSIGN_OR_RETURN(
        auto by_name, OneStream(&select_stream_by_name_,
                                "patient_id = ? AND name = ?", patient, name));
    if (by_name) return *std::move(by_name);
    int64_t id = 0;
    bool numeric = !name.empty();
    for (char c : name) {
      if (c < '0' || c > '9') numeric = false;
    }
    if (numeric && name.size() < 18) {
      id = std::stoll(std::string(name));
      JUMEAU_ASSIGN_OR_RETURN(
          auto by_id, OneStream(&select_stream_by_patient_id_,
                                "patient_id = ? AND id = ?", patient, id));
      if (by_id) return *std::move(by_id);
    }
    return NotFoundError("no stream '" + std::string(name) +
                         "' for this patient");
  }

  Result<std::vector<int32_t>> ReadSamples(StreamId stream, int64_t first,
                                           int64_t count) override {
    if (first < 0 || count < 0)
      return InvalidArgumentError("negative sample range");
    JUMEAU_ASSIGN_OR_RETURN(const StreamInfo info, StreamById(stream));
    const int64_t end = std::min(info.sample_count, first + count);
    std::vector<int32_t> out;
    if (end <= first) return out;
    out.resize(static_cast<size_t>(end - first));
    JUMEAU_RETURN_IF_ERROR(DecodeRange(info, first, end, out.data()));
    return out;
  }

  Result<SignalWindow> ReadWindow(StreamId stream, Time from, Time to,
                                  int64_t max_points) override {
    if (to <= from)
      return InvalidArgumentError("window end must be after its start");
    if (max_points < 1)
      return InvalidArgumentError("points must be at least 1");
    JUMEAU_ASSIGN_OR_RETURN(const StreamInfo info, StreamById(stream));
    const Signal& sig = info.signal;
    SignalWindow w;
    w.scale = sig.scale;
    w.offset = sig.offset;
    w.unit = sig.unit;
    const int64_t i0 = std::clamp<int64_t>(
        sig.rate.SampleAtOrAfter(from - sig.start), 0, info.sample_count);
    const int64_t i1 = std::clamp<int64_t>(
        sig.rate.SampleAtOrAfter(to - sig.start), 0, info.sample_count);
    w.first_sample = i0;
    const int64_t n = i1 - i0;
    if (n <= 0) return w;
    if (n <= max_points) {
      w.exact = true;
      w.samples.resize(static_cast<size_t>(n));
      JUMEAU_RETURN_IF_ERROR(DecodeRange(info, i0, i1, w.samples.data()));
      w.times.reserve(w.samples.size());
      for (int64_t i = i0; i < i1; ++i) w.times.push_back(sig.TimeOfSample(i));
      return w;
    }
    w.exact = false;
    // The coarsest level with at least two of its buckets per point (so that
    // point edges fall within half a point of the ideal), else one bucket per
    // point, else none (buckets computed from the decoded samples).
    const int64_t per_point = n / max_points;  // >= 1
    const int levels = PyramidLevelCount(info.sample_count);
    int level = 0;
    while (level < levels && 2 * PyramidBucketSamples(level + 1) <= per_point)
      ++level;
    if (level == 0 && levels >= 1 && PyramidBucketSamples(1) <= per_point)
      level = 1;
    w.pyramid_level = level;
    if (level == 0) {
      // Point j covers samples [j n / max_points, (j + 1) n / max_points) of
      // the window (never empty: n > max_points). The decoded chunks stream
      // past once, without a copy of the window's samples.
      w.buckets.reserve(static_cast<size_t>(max_points));
      int64_t j = 0, pos = 0;  // the point being summed; samples consumed
      int64_t a = 0, b = n / max_points;
      int32_t lo = 0, hi = 0;
      int64_t sum = 0;
      Time start = sig.TimeOfSample(i0);  // of point j
      JUMEAU_RETURN_IF_ERROR(
          ForEachDecoded(info, i0, i1, [&](std::span<const int32_t> part) {
            size_t k = 0;
            while (k < part.size()) {
              const size_t take =
                  std::min(part.size() - k, static_cast<size_t>(b - pos));
              if (pos == a) {
                lo = hi = part[k];
                sum = 0;
              }
              internal::MinMaxSum(part.data() + k, take, &lo, &hi, &sum);
              k += take;
              pos += static_cast<int64_t>(take);
              if (pos == b) {
                Bucket bucket;
                bucket.min = lo;
                bucket.max = hi;
                bucket.count = b - a;
                bucket.mean = static_cast<double>(sum) /
                              static_cast<double>(bucket.count);
                bucket.start = start;
                bucket.end = sig.TimeOfSample(i0 + b);
                start = bucket.end;
                w.buckets.push_back(bucket);
                ++j;
                a = b;
                b = (j + 1) * n / max_points;
              }
            }
          }));
      return w;
    }
    const int64_t bucket_samples = PyramidBucketSamples(level);
    const int64_t p0 = i0 / bucket_samples;
    const int64_t p1 = (i1 + bucket_samples - 1) / bucket_samples;
    const int64_t np = p1 - p0;
    BlockView block;
    int64_t loaded_block = -1;
    w.first_sample = p0 * bucket_samples;
    w.buckets.reserve(static_cast<size_t>(std::min(np, max_points)));
    for (int64_t j = 0; j < max_points; ++j) {
      const int64_t a = p0 + j * np / max_points,
                    b = p0 + (j + 1) * np / max_points;
      if (b <= a) continue;
      Bucket out;
      double weighted = 0;
      for (int64_t p = a; p < b; ++p) {
        const int64_t blk = p / kPyramidBlockBuckets;
        if (blk != loaded_block) {
          JUMEAU_RETURN_IF_ERROR(LoadBlock(info.id, level, blk, &block));
          loaded_block = blk;
        }
        const size_t k = static_cast<size_t>(p % kPyramidBlockBuckets);
        if (k >= block.min.size())
          return DataLossError("pyramid block shorter than its stream");
        const int64_t first = p * bucket_samples;
        const int64_t count =
            std::min(info.sample_count, first + bucket_samples) - first;
        if (out.count == 0) {
          out.min = block.min[k];
          out.max = block.max[k];
        } else {
          out.min = std::min(out.min, block.min[k]);
          out.max = std::max(out.max, block.max[k]);
        }
        weighted +=
            static_cast<double>(block.mean[k]) * static_cast<double>(count);
        out.count += count;
      }
      out.mean = weighted / static_cast<double>(out.count);
      out.start = sig.TimeOfSample(a * bucket_samples);
      out.end =
          sig.TimeOfSample(std::min(info.sample_count, b * bucket_samples));
      w.buckets.push_back(out);
    }
    return w;
  }

  Result<std::vector<StoredEvent>> Events(PatientId patient,
                                          const EventQuery& query) override {
    std::string sql =
        "SELECT e.id, e.patient_id, e.source_id, e.time_ns, e.end_ns, "
        "c.system, c.code, "
        "c.display, e.value, e.unit, e.text, e.channel, e.subtype, e.number, "
        "e.origin, "
        "e.time_precision, e.status, e.source_value, e.source_unit, "
        "e.reference_low, "
        "e.reference_high, v.system, v.code, v.display, e.source_ref "
        "FROM events e JOIN codes c ON c.id = e.code_id "
        "LEFT JOIN codes v ON v.id = e.value_code_id WHERE e.patient_id = ?";
    if (query.code)
      sql += " AND e.code_id IN (SELECT id FROM codes WHERE code = ?)";
    if (query.code_system) sql += " AND c.system = ?";
    if (query.origin) sql += " AND e.origin = ?";
    if (query.from) sql += " AND e.time_ns >= ?";
    if (query.to) sql += " AND e.time_ns < ?";
    sql += " ORDER BY e.time_ns, e.id LIMIT ?";
    JUMEAU_ASSIGN_OR_RETURN(auto q, db_.Prepare(sql));
    int i = 1;
    q.Bind(i++, patient);
    if (query.code) q.Bind(i++, *query.code);
    if (query.code_system) q.Bind(i++, *query.code_system);
    if (query.origin) q.Bind(i++, *query.origin);
    if (query.from) q.Bind(i++, query.from->ns_since_epoch);
    if (query.to) q.Bind(i++, query.to->ns_since_epoch);
    q.Bind(i++, query.limit);
    std::vector<StoredEvent> out;
    while (true) {
      JUMEAU_ASSIGN_OR_RETURN(const bool row, q.Step());
      if (!row) break;
      StoredEvent e;
      e.id = q.Int(0);
      e.patient_id = q.Int(1);
      e.source_id = q.Int(2);
      e.event.time = Time{q.Int(3)};
      if (!q.IsNull(4)) e.event.end = Time{q.Int(4)};
      e.event.code = Code{q.Text(5), q.Text(6), q.Text(7)};
      if (!q.IsNull(8)) e.event.value = q.Double(8);
      e.event.unit = q.Text(9);
      e.event.text = q.Text(10);
      e.event.channel = q.Text(11);
      e.event.subtype = static_cast<int>(q.Int(12));
      e.event.number = static_cast<int>(q.Int(13));
      e.event.origin = q.Text(14);
      e.event.time_precision =
          static_cast<DatePrecision>(std::clamp<int64_t>(q.Int(15), 0, 3));
      e.event.status = q.Text(16);
      if (!q.IsNull(17)) e.event.source_value = q.Double(17);
      e.event.source_unit = q.Text(18);
      if (!q.IsNull(19)) e.event.reference_low = q.Double(19);
      if (!q.IsNull(20)) e.event.reference_high = q.Double(20);
      if (!q.IsNull(21))
        e.event.value_code = Code{q.Text(21), q.Text(22), q.Text(23)};
      e.event.source_ref = q.Text(24);
      out.push_back(std::move(e));
    }
    return out;
  }

  Result<std::vector<EventGroup>> EventSummary(
      PatientId patient, std::optional<Time> from,
      std::optional<Time> to) override {
    JUMEAU_ASSIGN_OR_RETURN(auto q, db_.Prepare(R"sql(
      SELECT e.origin, c.system, count(*), min(e.time_ns),
        max(coalesce(e.end_ns, e.time_ns))
      FROM events e JOIN codes c ON c.id = e.code_id
      WHERE e.patient_id = ? AND e.time_ns >= ? AND e.time_ns < ?
      GROUP BY e.origin, c.system ORDER BY e.origin, c.system)sql"));
    q.Bind(1, patient)
        .Bind(2,
              from ? from->ns_since_epoch : std::numeric_limits<int64_t>::min())
        .Bind(3, to ? to->ns_since_epoch : std::numeric_limits<int64_t>::max());
    std::vector<EventGroup> out;
    while (true) {
      JUMEAU_ASSIGN_OR_RETURN(const bool row, q.Step());
      if (!row) break;
      out.push_back(
          {q.Text(0), q.Text(1), q.Int(2), Time{q.Int(3)}, Time{q.Int(4)}});
    }
    return out;
  }

  Result<LinkResult> Link(std::string_view key,
                          std::string_view pseudonym) override {
    if (key.empty() || pseudonym.empty())
      return InvalidArgumentError("link: the key and the patient are required");
    if (txn_open_)
      return FailedPreconditionError("a source ingest is open on this store");
    JUMEAU_RETURN_IF_ERROR(db_.Exec("BEGIN IMMEDIATE"));
    auto result = LinkInTransaction(key, pseudonym);
    if (!result.ok()) {
      (void)db_.Exec("ROLLBACK");
      return result.status();
    }
    JUMEAU_RETURN_IF_ERROR(db_.Exec("COMMIT"));
    return result;
  }

  Result<std::vector<GenotypeSetInfo>> GenotypeSets(
      PatientId patient) override {
    JUMEAU_ASSIGN_OR_RETURN(auto q, db_.Prepare(R"sql(
      SELECT s.source_id, s.genome_build, s.variant_count, s.has_dosages, s.id
      FROM variant_sets s WHERE s.id IN
        (SELECT DISTINCT set_id FROM genotype_blocks WHERE patient_id = ?)
      ORDER BY s.id)sql"));
    q.Bind(1, patient);
    std::vector<GenotypeSetInfo> out;
    std::vector<int64_t> set_ids;
    while (true) {
      JUMEAU_ASSIGN_OR_RETURN(const bool row, q.Step());
      if (!row) break;
      GenotypeSetInfo info;
      info.source_id = q.Int(0);
      info.genome_build = q.Text(1);
      info.variant_count = q.Int(2);
      info.has_dosages = q.Int(3) != 0;
      set_ids.push_back(q.Int(4));
      out.push_back(std::move(info));
    }
    for (size_t i = 0; i < out.size(); ++i) {
      JUMEAU_ASSIGN_OR_RETURN(
          auto blocks,
          db_.Prepare(
              "SELECT b.variant_count, g.data FROM genotype_blocks g JOIN "
              "variant_blocks b ON b.set_id = g.set_id AND b.block = "
              "g.block WHERE g.patient_id = ? AND g.set_id = ?"));
      blocks.Bind(1, patient).Bind(2, set_ids[i]);
      GenotypeBlock calls;
      while (true) {
        JUMEAU_ASSIGN_OR_RETURN(const bool row, blocks.Step());
        if (!row) break;
        JUMEAU_RETURN_IF_ERROR(DecodeGenotypeBlock(
            blocks.Blob(1), static_cast<size_t>(blocks.Int(0)), &calls));
        for (int8_t c : calls.alt_counts) out[i].called += c != kMissingCall;
      }
    }
    return out;
  }

  Result<GenotypeTable> Genotypes(PatientId patient,
                                  const GenotypeQuery& query) override {
    std::string chrom;
    int64_t from = 1, to = std::numeric_limits<int64_t>::max();
    if (query.region) {
      JUMEAU_RETURN_IF_ERROR(ParseRegion(*query.region, &chrom, &from, &to));
    }
    const std::set<std::string> ids(query.ids.begin(), query.ids.end());
    const bool by_region = query.region.has_value();
    const bool by_id = !ids.empty();
    std::string sql = R"sql(
      SELECT s.genome_build, s.has_dosages, b.chrom, b.variant_count, b.data, g.data
      FROM genotype_blocks g
      JOIN variant_sets s ON s.id = g.set_id
      JOIN variant_blocks b ON b.set_id = g.set_id AND b.block = g.block
      WHERE g.patient_id = ?)sql";
    // Blocks of the region; with ids as well, every block (an id may lie
    // outside the region).
    if (by_region && !by_id)
      sql +=
          " AND b.chrom = ? AND b.last_position >= ? AND b.first_position <= ?";
    sql += " ORDER BY g.set_id, g.block";
    JUMEAU_ASSIGN_OR_RETURN(auto q, db_.Prepare(sql));
    q.Bind(1, patient);
    if (by_region && !by_id) q.Bind(2, chrom).Bind(3, from).Bind(4, to);
    JUMEAU_ASSIGN_OR_RETURN(
        const std::string pseudonym,
        internal::Patients(&db_, &clock_).Pseudonym(patient));
    std::optional<GenotypeTable> table;
    VariantBlock variants;
    GenotypeBlock calls;
    while (true) {
      JUMEAU_ASSIGN_OR_RETURN(const bool row, q.Step());
      if (!row) break;
      const bool dosages = q.Int(1) != 0;
      if (!table) {
        table.emplace(std::vector<std::string>{pseudonym}, dosages);
        table->set_genome_build(q.Text(0));
      }
      const std::string block_chrom = q.Text(2);
      const size_t n = static_cast<size_t>(q.Int(3));
      JUMEAU_RETURN_IF_ERROR(DecodeVariantBlock(q.Blob(4), &variants));
      JUMEAU_RETURN_IF_ERROR(DecodeGenotypeBlock(q.Blob(5), n, &calls));
      if (variants.positions.size() != n)
        return DataLossError(db_.path() + ": variant block size mismatch");
      for (size_t v = 0; v < n; ++v) {
        const int64_t end = variants.positions[v] +
                            static_cast<int64_t>(variants.refs[v].size()) - 1;
        const bool in_region = by_region && block_chrom == chrom &&
                               end >= from && variants.positions[v] <= to;
        const bool has_id = by_id && ids.count(variants.ids[v]) > 0;
        if ((by_region || by_id) && !in_region && !has_id) continue;
        const size_t at = table->AddVariant(
            block_chrom, variants.positions[v], variants.ids[v],
            variants.refs[v], variants.alts[v], variants.flags[v]);
        *table->mutable_alt_count_row(at) = calls.alt_counts[v];
        *table->mutable_call_flags_row(at) = calls.call_flags[v];
        if (table->has_dosages()) {
          *table->mutable_dosage_row(at) =
              calls.dosages.empty() ? std::nanf("") : calls.dosages[v];
        }
      }
    }
    if (!table) return GenotypeTable({pseudonym}, false);
    return std::move(*table);
  }

  Result<TwinSnapshot> AddTwinSnapshot(PatientId patient,
                                       TwinSnapshot snapshot) override {
    if (snapshot.model.empty())
      return InvalidArgumentError("twin snapshot: empty model name");
    if (snapshot.data_to < snapshot.data_from)
      return InvalidArgumentError(
          "twin snapshot: data window ends before it starts");
    if (txn_open_)
      return FailedPreconditionError("a source ingest is open on this store");
    {
      JUMEAU_ASSIGN_OR_RETURN(
          auto q, db_.Prepare("SELECT 1 FROM patients WHERE id = ?"));
      q.Bind(1, patient);
      JUMEAU_ASSIGN_OR_RETURN(const bool row, q.Step());
      if (!row)
        return NotFoundError("no patient with id " + std::to_string(patient));
    }
    snapshot.patient_id = patient;
    snapshot.created = clock_.Now();
    JUMEAU_RETURN_IF_ERROR(db_.Exec("BEGIN IMMEDIATE"));
    auto insert = db_.Prepare(R"sql(
      INSERT INTO twin_snapshots(patient_id, model, model_version, created_ns,
        data_from_ns, data_to_ns, data) VALUES(?,?,?,?,?,?,?))sql");
    Status s = insert.ok() ? insert->Bind(1, patient)
                                 .Bind(2, snapshot.model)
                                 .Bind(3, snapshot.model_version)
                                 .Bind(4, snapshot.created.ns_since_epoch)
                                 .Bind(5, snapshot.data_from.ns_since_epoch)
                                 .Bind(6, snapshot.data_to.ns_since_epoch)
                                 .Bind(7, snapshot.data_json)
                                 .Run()
                           : insert.status();
    if (!s.ok()) {
      (void)db_.Exec("ROLLBACK");
      return s;
    }
    snapshot.id = db_.LastInsertId();
    JUMEAU_RETURN_IF_ERROR(db_.Exec("COMMIT"));
    return snapshot;
  }

  Result<std::vector<TwinSnapshot>> TwinSnapshots(PatientId patient) override {
    JUMEAU_ASSIGN_OR_RETURN(auto q, db_.Prepare(R"sql(
      SELECT id, patient_id, model, model_version, created_ns, data_from_ns,
        data_to_ns, data FROM twin_snapshots WHERE patient_id = ?
      ORDER BY created_ns, id)sql"));
    q.Bind(1, patient);
    std::vector<TwinSnapshot> out;
    while (true) {
      JUMEAU_ASSIGN_OR_RETURN(const bool row, q.Step());
      if (!row) break;
      TwinSnapshot t;
      t.id = q.Int(0);
      t.patient_id = q.Int(1);
      t.model = q.Text(2);
      t.model_version = q.Text(3);
      t.created = Time{q.Int(4)};
      t.data_from = Time{q.Int(5)};
      t.data_to = Time{q.Int(6)};
      t.data_json = q.Text(7);
      out.push_back(std::move(t));
    }
    return out;
  }

  Result<StoredConnectome> LatestConnectome(PatientId patient) override {
    JUMEAU_ASSIGN_OR_RETURN(auto q, db_.Prepare(R"sql(
      SELECT id, source_id, patient_id, region_count, labels, weights,
        tract_lengths, centres, cortical, areas, orientations, created_ns
      FROM connectomes WHERE patient_id = ?
      ORDER BY created_ns DESC, id DESC LIMIT 1)sql"));
    q.Bind(1, patient);
    JUMEAU_ASSIGN_OR_RETURN(const bool row, q.Step());
    if (!row) {
      return NotFoundError("patient " + std::to_string(patient) +
                           " has no stored connectome");
    }
    StoredConnectome c;
    c.id = q.Int(0);
    c.source_id = q.Int(1);
    c.patient_id = q.Int(2);
    c.created = Time{q.Int(11)};
    const int64_t n = q.Int(3);
    const std::string_view cortical = q.Blob(8);
    const bool ok =
        DecodeLabels(q.Text(4), &c.labels) &&
        static_cast<int64_t>(c.labels.size()) == n &&
        DecodeDoubles(q.Blob(5), &c.weights) &&
        DecodeDoubles(q.Blob(6), &c.tract_lengths_mm) &&
        DecodeDoubles(q.Blob(7), &c.centres_mm) &&
        DecodeDoubles(q.Blob(9), &c.areas_mm2) &&
        DecodeDoubles(q.Blob(10), &c.orientations) &&
        static_cast<int64_t>(c.weights.size()) == n * n &&
        static_cast<int64_t>(c.tract_lengths_mm.size()) == n * n &&
        static_cast<int64_t>(c.centres_mm.size()) == n * 3 &&
        (cortical.empty() || static_cast<int64_t>(cortical.size()) == n) &&
        (c.areas_mm2.empty() ||
         static_cast<int64_t>(c.areas_mm2.size()) == n) &&
        (c.orientations.empty() ||
         static_cast<int64_t>(c.orientations.size()) == n * 3);
    if (!ok) {
      return DataLossError(db_.path() + ": connectome " + std::to_string(c.id) +
                           " is malformed");
    }
    c.cortical.assign(cortical.begin(), cortical.end());
    return c;
  }

  Result<NewApiToken> CreateApiToken(std::string_view role,
                                     std::string_view label) override {
    if (role != "clinician" && role != "researcher") {
      return InvalidArgumentError(
          "token role must be clinician or researcher, not '" +
          std::string(role) + "'");
    }
    if (sodium_init() < 0)
      return InternalError("libsodium failed to initialise");
    unsigned char bytes[32];
    randombytes_buf(bytes, sizeof bytes);
    char hex[2 * sizeof bytes + 1];
    sodium_bin2hex(hex, sizeof hex, bytes, sizeof bytes);
    sodium_memzero(bytes, sizeof bytes);
    NewApiToken out;
    out.secret = std::string("jmt_") + hex;
    JUMEAU_ASSIGN_OR_RETURN(const std::string hash, TokenHash(out.secret));
    out.token.role = std::string(role);
    out.token.label = std::string(label);
    out.token.created = clock_.Now();
    JUMEAU_ASSIGN_OR_RETURN(auto insert, db_.Prepare(R"sql(
      INSERT INTO api_tokens(token_hash, role, label, created_ns)
      VALUES(?, ?, ?, ?))sql"));
    JUMEAU_RETURN_IF_ERROR(insert.BindBlob(1, hash)
                               .Bind(2, out.token.role)
                               .Bind(3, out.token.label)
                               .Bind(4, out.token.created.ns_since_epoch)
                               .Run());
    out.token.id = db_.LastInsertId();
    return out;
  }

  Result<std::vector<ApiToken>> ApiTokens() override {
    JUMEAU_ASSIGN_OR_RETURN(auto q, db_.Prepare(R"sql(
      SELECT id, role, label, created_ns, revoked_ns FROM api_tokens
      ORDER BY id)sql"));
    std::vector<ApiToken> out;
    while (true) {
      JUMEAU_ASSIGN_OR_RETURN(const bool row, q.Step());
      if (!row) break;
      out.push_back(TokenFromRow(q));
    }
    return out;
  }

  Status RevokeApiToken(int64_t id) override {
    JUMEAU_ASSIGN_OR_RETURN(
        auto find, db_.Prepare("SELECT 1 FROM api_tokens WHERE id = ?"));
    find.Bind(1, id);
    JUMEAU_ASSIGN_OR_RETURN(const bool row, find.Step());
    if (!row)
      return NotFoundError("no API token with id " + std::to_string(id));
    JUMEAU_ASSIGN_OR_RETURN(auto update, db_.Prepare(R"sql(
      UPDATE api_tokens SET revoked_ns = ? WHERE id = ? AND revoked_ns IS NULL)sql"));
    return update.Bind(1, clock_.Now().ns_since_epoch).Bind(2, id).Run();
  }

  Result<ApiToken> AuthenticateApiToken(std::string_view secret) override {
    JUMEAU_ASSIGN_OR_RETURN(const std::string hash, TokenHash(secret));
    if (!select_token_) {
      JUMEAU_ASSIGN_OR_RETURN(select_token_, db_.Prepare(R"sql(
        SELECT id, role, label, created_ns, revoked_ns FROM api_tokens
        WHERE token_hash = ? AND revoked_ns IS NULL)sql"));
    }
    Statement& q = *select_token_;
    q.Reset();
    q.BindBlob(1, hash);
    JUMEAU_ASSIGN_OR_RETURN(const bool row, q.Step());
    if (!row) {
      q.Reset();
      return NotFoundError("unknown or revoked token");
    }
    ApiToken t = TokenFromRow(q);
    q.Reset();
    return t;
  }

  Status AppendAudit(std::span<const AuditEntry> entries) override {
    if (entries.empty()) return Status::Ok();
    if (txn_open_)
      return FailedPreconditionError("a source ingest is open on this store");
    JUMEAU_RETURN_IF_ERROR(db_.Exec("BEGIN IMMEDIATE"));
    auto insert = db_.Prepare(R"sql(
      INSERT INTO audit_log(time_ns, token_id, role, patient, action, target,
        status) VALUES(?,?,?,?,?,?,?))sql");
    Status s = insert.status();
    for (size_t i = 0; s.ok() && i < entries.size(); ++i) {
      const AuditEntry& e = entries[i];
      insert->Reset();
      s = insert->Bind(1, e.time.ns_since_epoch)
              .Bind(2, e.token_id)
              .Bind(3, e.role)
              .Bind(4, e.patient)
              .Bind(5, e.action)
              .Bind(6, e.target)
              .Bind(7, e.status)
              .Run();
    }
    if (!s.ok()) {
      (void)db_.Exec("ROLLBACK");
      return s;
    }
    return db_.Exec("COMMIT");
  }

  Result<std::vector<AuditEntry>> AuditLog(const AuditQuery& query) override {
    std::string sql =
        "SELECT id, time_ns, token_id, role, patient, action, target, status "
        "FROM audit_log WHERE 1";
    if (query.patient) sql += " AND patient = ?1";
    if (query.token_id) sql += " AND token_id = ?2";
    if (query.from) sql += " AND time_ns >= ?3";
    if (query.to) sql += " AND time_ns < ?4";
    sql += " ORDER BY time_ns DESC, id DESC LIMIT ?5";
    JUMEAU_ASSIGN_OR_RETURN(auto q, db_.Prepare(sql));
    if (query.patient) q.Bind(1, *query.patient);
    if (query.token_id) q.Bind(2, *query.token_id);
    if (query.from) q.Bind(3, query.from->ns_since_epoch);
    if (query.to) q.Bind(4, query.to->ns_since_epoch);
    q.Bind(5, std::max<int64_t>(query.limit, 0));
    std::vector<AuditEntry> out;
    while (true) {
      JUMEAU_ASSIGN_OR_RETURN(const bool row, q.Step());
      if (!row) break;
      AuditEntry e;
      e.id = q.Int(0);
      e.time = Time{q.Int(1)};
      e.token_id = q.Int(2);
      e.role = q.Text(3);
      e.patient = q.Text(4);
      e.action = q.Text(5);
      e.target = q.Text(6);
      e.status = static_cast<int>(q.Int(7));
      out.push_back(std::move(e));
    }
    std::reverse(out.begin(), out.end());
    return out;
  }

  Status CheckIntegrity() override {
    JUMEAU_ASSIGN_OR_RETURN(auto q, db_.Prepare("PRAGMA integrity_check"));
    std::string report;
    while (true) {
      JUMEAU_ASSIGN_OR_RETURN(const bool row, q.Step());
      if (!row) break;
      if (!report.empty()) report += "; ";
      report += q.Text(0);
    }
    if (report != "ok")
      return DataLossError(db_.path() + ": integrity check: " + report);
    return Status::Ok();
  }

 private:
  // Deletes a source and everything stored from it. REQUIRES: inside a
  // transaction.
  Status DeleteSourceRows(SourceId source) {
    std::vector<StreamId> streams;
    {
      JUMEAU_ASSIGN_OR_RETURN(
          auto q, db_.Prepare("SELECT id FROM streams WHERE source_id = ?"));
      q.Bind(1, source);
      while (true) {
        JUMEAU_ASSIGN_OR_RETURN(const bool row, q.Step());
        if (!row) break;
        streams.push_back(q.Int(0));
      }
    }
    for (StreamId id : streams) {
      JUMEAU_ASSIGN_OR_RETURN(
          auto chunks,
          db_.Prepare("DELETE FROM chunks WHERE key >= ? AND key < ?"));
      JUMEAU_RETURN_IF_ERROR(
          chunks.Bind(1, ChunkKey(id, 0)).Bind(2, ChunkKey(id + 1, 0)).Run());
      JUMEAU_ASSIGN_OR_RETURN(
          auto blocks,
          db_.Prepare("DELETE FROM pyramid WHERE key >= ? AND key < ?"));
      JUMEAU_RETURN_IF_ERROR(blocks.Bind(1, PyramidKey(id, 0, 0))
                                 .Bind(2, PyramidKey(id + 1, 0, 0))
                                 .Run());
    }
    for (const char* sql : {
             "DELETE FROM streams WHERE source_id = ?1",
             "DELETE FROM events WHERE source_id = ?1",
             "DELETE FROM genotype_blocks WHERE set_id IN "
             "(SELECT id FROM variant_sets WHERE source_id = ?1)",
             "DELETE FROM variant_blocks WHERE set_id IN "
             "(SELECT id FROM variant_sets WHERE source_id = ?1)",
             "DELETE FROM variant_sets WHERE source_id = ?1",
             "DELETE FROM connectomes WHERE source_id = ?1",
             "DELETE FROM source_patients WHERE source_id = ?1",
             "DELETE FROM sources WHERE id = ?1",
         }) {
      JUMEAU_ASSIGN_OR_RETURN(auto q, db_.Prepare(sql));
      JUMEAU_RETURN_IF_ERROR(q.Bind(1, source).Run());
    }
    return Status::Ok();
  }

  Result<LinkResult> LinkInTransaction(std::string_view key,
                                       std::string_view pseudonym) {
    internal::Patients patients(&db_, &clock_);
    LinkResult result;
    result.pseudonym = std::string(pseudonym);
    JUMEAU_ASSIGN_OR_RETURN(
        const PatientId patient,
        patients.FindOrCreate(result.pseudonym, &result.created));
    JUMEAU_ASSIGN_OR_RETURN(const std::string hash, patients.KeyHash(key));
    JUMEAU_ASSIGN_OR_RETURN(const auto linked, patients.Linked(hash));
    if (linked && *linked != patient) {
      JUMEAU_ASSIGN_OR_RETURN(result.merged_from, patients.Pseudonym(*linked));
      JUMEAU_RETURN_IF_ERROR(patients.Merge(*linked, patient));
    }
    JUMEAU_RETURN_IF_ERROR(patients.SetLink(hash, patient));
    return result;
  }

  // "chrom", "chrom:from" or "chrom:from-to" (1-based, inclusive, commas
  // allowed in numbers); chrom made canonical.
  static Status ParseRegion(const std::string& region, std::string* chrom,
                            int64_t* from, int64_t* to) {
    auto bad = [&region](const char* why) {
      return InvalidArgumentError("region '" + region + "': " + why);
    };
    const size_t colon = region.rfind(':');
    *chrom = std::string(CanonicalChromosome(region.substr(0, colon)));
    if (chrom->empty()) return bad("no chromosome");
    if (colon == std::string::npos) return Status::Ok();
    auto number = [](std::string_view text, int64_t* out) {
      int64_t v = 0;
      bool digits = false;
      for (char c : text) {
        if (c == ',') continue;
        if (c < '0' || c > '9' || v > (int64_t{1} << 50)) return false;
        v = v * 10 + (c - '0');
        digits = true;
      }
      *out = v;
      return digits;
    };
    const std::string range = region.substr(colon + 1);
    const size_t dash = range.find('-');
    if (!number(range.substr(0, dash), from) || *from < 1)
      return bad("start is not a positive integer");
    if (dash != std::string::npos &&
        (!number(range.substr(dash + 1), to) || *to < *from))
      return bad("end is not an integer at or after the start");
    return Status::Ok();
  }

  template <typename Arg>
  Result<std::vector<StreamInfo>> QueryStreams(const std::string& where,
                                               PatientId patient,
                                               std::optional<Arg> arg) {
    JUMEAU_ASSIGN_OR_RETURN(
        auto q, db_.Prepare(std::string(kStreamColumns) + " WHERE " + where));
    q.Bind(1, patient);
    if (arg) q.Bind(2, *arg);
    std::vector<StreamInfo> out;
    while (true) {
      JUMEAU_ASSIGN_OR_RETURN(const bool row, q.Step());
      if (!row) break;
      out.push_back(RowToStream(q));
    }
    return out;
  }

  // The columns RowToStream reads, in its order.
  static constexpr const char* kStreamColumns =
      "SELECT id, patient_id, source_id, name, label, unit, source_unit, "
      "transducer, prefilter, rate_num, rate_den, start_ns, sample_count, "
      "scale, offset, digital_min, digital_max, physical_min, physical_max, "
      "bits FROM streams";

  static StreamInfo RowToStream(const Statement& q) {
    StreamInfo s;
    s.id = q.Int(0);
    s.patient_id = q.Int(1);
    s.source_id = q.Int(2);
    s.name = q.Text(3);
    s.signal.label = q.Text(4);
    s.signal.unit = q.Text(5);
    s.signal.source_unit = q.Text(6);
    s.signal.transducer = q.Text(7);
    s.signal.prefilter = q.Text(8);
    const int64_t num = q.Int(9), den = q.Int(10);
    if (num > 0 && den > 0) s.signal.rate = SampleRate(num, den);
    s.signal.start = Time{q.Int(11)};
    s.sample_count = q.Int(12);
    s.signal.scale = q.Double(13);
    s.signal.offset = q.Double(14);
    s.signal.digital_min = static_cast<int32_t>(q.Int(15));
    s.signal.digital_max = static_cast<int32_t>(q.Int(16));
    s.signal.physical_min = q.Double(17);
    s.signal.physical_max = q.Double(18);
    s.signal.bits = static_cast<int>(q.Int(19));
    return s;
  }

  // Looked up on every read (one indexed row through a kept statement): a
  // stream id freed by a deleted source can be reused by a new stream, so a
  // description kept across reads could be another stream's.
  Result<StreamInfo> StreamById(StreamId id) {
    JUMEAU_ASSIGN_OR_RETURN(auto found,
                            OneStream(&select_stream_by_id_, "id = ?", id));
    if (!found) return NotFoundError("no stream with id " + std::to_string(id));
    return *std::move(found);
  }

  // The stream the statement in `*slot` finds with `args` bound in order,
  // if any; the statement (kStreamColumns WHERE `where`) is prepared on first
  // use and kept.
  template <typename... Args>
  Result<std::optional<StreamInfo>> OneStream(std::optional<Statement>* slot,
                                              const char* where,
                                              const Args&... args) {
    if (!*slot) {
      JUMEAU_ASSIGN_OR_RETURN(
          *slot, db_.Prepare(std::string(kStreamColumns) + " WHERE " + where));
    }
    Statement& q = **slot;
    q.Reset();
    int i = 0;
    (q.Bind(++i, args), ...);
    JUMEAU_ASSIGN_OR_RETURN(const bool row, q.Step());
    std::optional<StreamInfo> out;
    if (row) out = RowToStream(q);
    q.Reset();
    return out;
  }

  // Calls f(span) with the decoded samples [first, end) of `info`, in order,
  // one span per chunk touched. Chunks come from the shared decoded cache
  // when there is one (and go into it when decoded). The span is valid
  // during the call only.
  template <typename F>
  Status ForEachDecoded(const StreamInfo& info, int64_t first, int64_t end,
                        F&& f) {
    if (!cache_) {
      for (int64_t c = first / kChunkSamples; c * kChunkSamples < end; ++c) {
        const int64_t a = std::max(first, c * kChunkSamples),
                      b = std::min(end, (c + 1) * kChunkSamples);
        scratch_span_.resize(static_cast<size_t>(b - a));
        JUMEAU_RETURN_IF_ERROR(DecodeRange(info, a, b, scratch_span_.data()));
        f(std::span<const int32_t>(scratch_span_));
      }
      return Status::Ok();
    }
    JUMEAU_RETURN_IF_ERROR(PrepareSelectChunk());
    for (int64_t c = first / kChunkSamples; c * kChunkSamples < end; ++c) {
      JUMEAU_ASSIGN_OR_RETURN(const auto entry, CachedChunk(info, c));
      const int64_t chunk_first = c * kChunkSamples;
      const int64_t count = static_cast<int64_t>(entry->values.size());
      const int64_t a = std::max(first, chunk_first),
                    b = std::min(end, chunk_first + count);
      if (b < a) return DataLossError("chunk size mismatch");
      f(std::span<const int32_t>(entry->values)
            .subspan(static_cast<size_t>(a - chunk_first),
                     static_cast<size_t>(b - a)));
    }
    return Status::Ok();
  }

  Status PrepareSelectChunk() {
    if (!select_chunk_) {
      JUMEAU_ASSIGN_OR_RETURN(
          select_chunk_,
          db_.Prepare("SELECT sample_count, data FROM chunks WHERE key = ?"));
    }
    return Status::Ok();
  }

  // Chunk c of `info` decoded, from the cache when its stored bytes are the
  // cached ones. REQUIRES: cache_, PrepareSelectChunk() done.
  Result<std::shared_ptr<const DecodedCache::Entry>> CachedChunk(
      const StreamInfo& info, int64_t c) {
    Statement& q = *select_chunk_;
    q.Reset();
    const int64_t key = ChunkKey(info.id, c);
    q.Bind(1, key);
    JUMEAU_ASSIGN_OR_RETURN(const bool row, q.Step());
    if (!row) return MissingChunk(info, c);
    const int64_t count = q.Int(0);
    if (count < 0 || count > kChunkSamples)
      return DataLossError("chunk size mismatch");
    const std::string_view blob = q.Blob(1);
    auto entry = cache_->Find(DecodedCache::Kind::kChunk, key, blob);
    if (!entry || static_cast<int64_t>(entry->values.size()) != count) {
      auto fresh = std::make_shared<DecodedCache::Entry>();
      fresh->encoded.assign(blob);
      fresh->values.resize(static_cast<size_t>(count));
      JUMEAU_RETURN_IF_ERROR(DecodeSamples(blob, fresh->values));
      entry = fresh;
      cache_->Insert(DecodedCache::Kind::kChunk, key, entry);
    }
    q.Reset();
    return entry;
  }

  // The error for chunk `c` of `info` absent from the store.
  Status MissingChunk(const StreamInfo& info, int64_t c) const {
    return DataLossError(db_.path() + ": chunk " + std::to_string(c) +
                         " of stream " + std::to_string(info.id) + " missing");
  }

  // Decodes samples [first, end) of `info` into `out`.
  Status DecodeRange(const StreamInfo& info, int64_t first, int64_t end,
                     int32_t* out) {
    if (cache_) {
      int32_t* next = out;
      return ForEachDecoded(info, first, end,
                            [&](std::span<const int32_t> part) {
                              next = std::copy(part.begin(), part.end(), next);
                            });
    }
    if (!select_chunk_) {
      JUMEAU_ASSIGN_OR_RETURN(
          select_chunk_,
          db_.Prepare("SELECT sample_count, data FROM chunks WHERE key = ?"));
    }
    std::vector<int32_t>& scratch = scratch_;
    for (int64_t c = first / kChunkSamples; c * kChunkSamples < end; ++c) {
      Statement& q = *select_chunk_;
      q.Reset();
      q.Bind(1, ChunkKey(info.id, c));
      JUMEAU_ASSIGN_OR_RETURN(const bool row, q.Step());
      if (!row) return MissingChunk(info, c);
      const int64_t count = q.Int(0);
      const int64_t chunk_first = c * kChunkSamples;
      const int64_t a = std::max(first, chunk_first),
                    b = std::min(end, chunk_first + count);
      if (b < a || count > kChunkSamples)
        return DataLossError("chunk size mismatch");
      if (a == chunk_first && b == chunk_first + count) {
        JUMEAU_RETURN_IF_ERROR(DecodeSamples(
            q.Blob(1),
            std::span<int32_t>(out + (a - first), static_cast<size_t>(count))));
      } else {
        scratch.resize(static_cast<size_t>(count));
        JUMEAU_RETURN_IF_ERROR(DecodeSamples(q.Blob(1), scratch));
        std::copy(scratch.begin() + (a - chunk_first),
                  scratch.begin() + (b - chunk_first), out + (a - first));
      }
      q.Reset();
    }
    return Status::Ok();
  }

  // The keyed hash stored for an API token's secret (domain-separated from
  // the identity hashes by its prefix).
  Result<std::string> TokenHash(std::string_view secret) {
    return token_keys_.KeyHash("api-token:" + std::string(secret));
  }

  static ApiToken TokenFromRow(const Statement& q) {
    ApiToken t;
    t.id = q.Int(0);
    t.role = q.Text(1);
    t.label = q.Text(2);
    t.created = Time{q.Int(3)};
    if (!q.IsNull(4)) t.revoked = Time{q.Int(4)};
    return t;
  }

  // A decoded pyramid block: min, max and mean of its buckets, held either
  // by a cache entry (min|max|mean, one third each) or by `decoded`.
  struct BlockView {
    std::shared_ptr<const DecodedCache::Entry> entry;
    PyramidBlock decoded;
    std::span<const int32_t> min, max, mean;
  };

  Status LoadBlock(StreamId stream, int level, int64_t block_index,
                   BlockView* view) {
    if (!select_block_) {
      JUMEAU_ASSIGN_OR_RETURN(
          select_block_, db_.Prepare("SELECT data FROM pyramid WHERE key = ?"));
    }
    Statement& q = *select_block_;
    q.Reset();
    const int64_t key = PyramidKey(stream, level, block_index);
    q.Bind(1, key);
    JUMEAU_ASSIGN_OR_RETURN(const bool row, q.Step());
    if (!row) return DataLossError(db_.path() + ": pyramid block missing");
    const std::string_view blob = q.Blob(0);
    view->entry = cache_ ? cache_->Find(DecodedCache::Kind::kPyramid, key, blob)
                         : nullptr;
    if (!view->entry) {
      PyramidBlock& block = view->decoded;
      block.level = level;
      block.block_index = block_index;
      JUMEAU_RETURN_IF_ERROR(DecodePyramidBlock(blob, &block));
      view->min = block.min;
      view->max = block.max;
      view->mean = block.mean;
      if (cache_) {
        auto fresh = std::make_shared<DecodedCache::Entry>();
        fresh->encoded.assign(blob);
        auto& v = fresh->values;
        v.reserve(block.min.size() * 3);
        v.insert(v.end(), block.min.begin(), block.min.end());
        v.insert(v.end(), block.max.begin(), block.max.end());
        v.insert(v.end(), block.mean.begin(), block.mean.end());
        cache_->Insert(DecodedCache::Kind::kPyramid, key, std::move(fresh));
      }
      q.Reset();
      return Status::Ok();
    }
    q.Reset();
    const std::span<const int32_t> all(view->entry->values);
    const size_t third = all.size() / 3;
    view->min = all.subspan(0, third);
    view->max = all.subspan(third, third);
    view->mean = all.subspan(2 * third, third);
    return Status::Ok();
  }

  const Clock& clock_;
  std::shared_ptr<DecodedCache> cache_;  // may be null; shared, thread-safe
  Database db_;
  bool txn_open_ = false;
  std::optional<Statement> select_chunk_;
  std::optional<Statement> select_block_;
  std::optional<Statement> select_token_;
  std::optional<Statement> select_patient_id_;
  std::optional<Statement> select_stream_by_name_;
  std::optional<Statement> select_stream_by_patient_id_;
  std::optional<Statement> select_stream_by_id_;
  // Holds the store's secret key once read (KeyHash caches it).
  internal::Patients token_keys_{&db_, &clock_};
  std::vector<int32_t> scratch_;
  std::vector<int32_t> scratch_span_;  // ForEachDecoded without a cache
};

}  // namespace

Result<std::unique_ptr<Store>> CreateSqliteStore(
    const std::filesystem::path& path, const StoreOptions& options,
    const Clock& clock) {
  if (options.birth_date_precision == DatePrecision::kSecond) {
    return InvalidArgumentError(
        "birth date precision must be year, month or day");
  }
  auto store = std::make_unique<SqliteStore>(clock, nullptr);
  JUMEAU_RETURN_IF_ERROR(store->Init(path, /*create=*/true, options));
  return std::unique_ptr<Store>(std::move(store));
}

Result<std::unique_ptr<Store>> OpenSqliteStore(
    const std::filesystem::path& path, const Clock& clock,
    std::shared_ptr<DecodedCache> decoded_cache) {
  auto store = std::make_unique<SqliteStore>(clock, std::move(decoded_cache));
  JUMEAU_RETURN_IF_ERROR(store->Init(path, /*create=*/false, {}));
  return std::unique_ptr<Store>(std::move(store));
}

}  // namespace jumeau::store

// SqliteStore: schema in schema.cc, chunk codec in codec.cc, pyramid in
// pyramid.cc; this file holds the transactions, the pseudonymous linking of
// sources to patients, and the queries.
#include "jumeau/store/sqlite_store.h"

#include <sodium.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>

#include "jumeau/store/codec.h"
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

std::string Base32(const unsigned char* bytes, size_t n) {
  static constexpr char kAlphabet[] = "abcdefghijkmnpqrstuvwxyz23456789";
  std::string out;
  uint32_t buffer = 0;
  int bits = 0;
  for (size_t i = 0; i < n; ++i) {
    buffer = (buffer << 8) | bytes[i];
    bits += 8;
    while (bits >= 5) {
      out.push_back(kAlphabet[(buffer >> (bits - 5)) & 31]);
      bits -= 5;
    }
  }
  return out;
}

std::string JoinLines(const std::vector<std::string>& lines) {
  std::string s;
  for (const auto& l : lines) {
    if (!s.empty()) s += '\n';
    s += l;
  }
  return s;
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
      const size_t take =
          std::min(samples.size() - i, kChunkSamples - buffer_.size());
      buffer_.insert(buffer_.end(), samples.begin() + i,
                     samples.begin() + i + take);
      i += take;
      if (buffer_.size() == kChunkSamples) JUMEAU_RETURN_IF_ERROR(FlushChunk());
    }
    sample_count_ += static_cast<int64_t>(samples.size());
    return Status::Ok();
  }

  // Flushes the partial chunk and the pyramid and records the sample count.
  Status Finish() {
    if (!buffer_.empty()) JUMEAU_RETURN_IF_ERROR(FlushChunk());
    JUMEAU_RETURN_IF_ERROR(pyramid_.Finish());
    JUMEAU_ASSIGN_OR_RETURN(
        auto update,
        db_->Prepare("UPDATE streams SET sample_count = ? WHERE id = ?"));
    return update.Bind(1, sample_count_).Bind(2, id_).Run();
  }

 private:
  Status FlushChunk() {
    if (chunk_index_ >= kMaxChunks)
      return OutOfRangeError("stream too long for the store");
    if (!insert_chunk_) {
      JUMEAU_ASSIGN_OR_RETURN(
          insert_chunk_,
          db_->Prepare(
              "INSERT INTO chunks(key, sample_count, data) VALUES(?, ?, ?)"));
    }
    encoded_.clear();
    EncodeSamples(buffer_, &encoded_);
    Statement& s = *insert_chunk_;
    s.Reset();
    JUMEAU_RETURN_IF_ERROR(s.Bind(1, ChunkKey(id_, chunk_index_))
                               .Bind(2, static_cast<int64_t>(buffer_.size()))
                               .BindBlob(3, encoded_)
                               .Run());
    ++chunk_index_;
    buffer_.clear();
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
  SqliteTransaction(Database* db, bool* open_flag, SourceId source,
                    PatientId patient, std::string pseudonym)
      : db_(db),
        open_flag_(open_flag),
        source_(source),
        patient_(patient),
        pseudonym_(std::move(pseudonym)) {}

  ~SqliteTransaction() override {
    if (!committed_) (void)db_->Exec("ROLLBACK");
    *open_flag_ = false;
  }

  SourceId source_id() const override { return source_; }
  PatientId patient_id() const override { return patient_; }
  const std::string& patient_pseudonym() const override { return pseudonym_; }

  Result<StreamWriter*> AddSignal(const Signal& signal) override {
    if (!signal.rate.valid())
      return InvalidArgumentError("signal '" + signal.label + "' has no rate");
    JUMEAU_ASSIGN_OR_RETURN(const std::string name, UniqueName(signal.label));
    JUMEAU_ASSIGN_OR_RETURN(auto insert, db_->Prepare(R"sql(
      INSERT INTO streams(patient_id, source_id, name, label, unit, source_unit, transducer,
        prefilter, rate_num, rate_den, start_ns, sample_count, scale, offset, digital_min,
        digital_max, physical_min, physical_max, bits, chunk_samples)
      VALUES(?,?,?,?,?,?,?,?,?,?,?,0,?,?,?,?,?,?,?,?))sql"));
    JUMEAU_RETURN_IF_ERROR(insert.Bind(1, patient_)
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

  Status SetWarnings(const std::vector<std::string>& warnings) override {
    JUMEAU_ASSIGN_OR_RETURN(
        auto update,
        db_->Prepare("UPDATE sources SET warnings = ? WHERE id = ?"));
    return update.Bind(1, JoinLines(warnings)).Bind(2, source_).Run();
  }

  Status AddEvents(std::span<const Event> events) override {
    if (!insert_event_) {
      JUMEAU_ASSIGN_OR_RETURN(insert_event_, db_->Prepare(R"sql(
        INSERT INTO events(patient_id, source_id, time_ns, end_ns, code_id, value, unit, text,
          channel, subtype, number, origin) VALUES(?,?,?,?,?,?,?,?,?,?,?,?))sql"));
    }
    Statement& s = *insert_event_;
    for (const Event& e : events) {
      JUMEAU_ASSIGN_OR_RETURN(const int64_t code_id, CodeId(e.code));
      s.Reset();
      s.Bind(1, patient_).Bind(2, source_).Bind(3, e.time.ns_since_epoch);
      if (e.end) {
        s.Bind(4, e.end->ns_since_epoch);
      } else {
        s.BindNull(4);
      }
      s.Bind(5, code_id);
      if (e.value) {
        s.Bind(6, *e.value);
      } else {
        s.BindNull(6);
      }
      s.Bind(7, e.unit)
          .Bind(8, e.text)
          .Bind(9, e.channel)
          .Bind(10, e.subtype)
          .Bind(11, e.number)
          .Bind(12, e.origin);
      JUMEAU_RETURN_IF_ERROR(s.Run());
    }
    return Status::Ok();
  }

  Status Commit() override {
    for (auto& w : writers_) JUMEAU_RETURN_IF_ERROR(w->Finish());
    writers_.clear();
    insert_event_.reset();
    select_code_.reset();
    insert_code_.reset();
    JUMEAU_RETURN_IF_ERROR(db_->Exec("COMMIT"));
    committed_ = true;
    return Status::Ok();
  }

 private:
  // The id of `code` in the codes table, inserted when new. Cached per
  // transaction.
  Result<int64_t> CodeId(const Code& code) {
    const std::string key = code.system + '\0' + code.code + '\0' + code.display;
    if (auto it = code_ids_.find(key); it != code_ids_.end()) return it->second;
    if (!select_code_) {
      JUMEAU_ASSIGN_OR_RETURN(
          select_code_,
          db_->Prepare("SELECT id FROM codes WHERE system = ? AND code = ? AND display = ?"));
      JUMEAU_ASSIGN_OR_RETURN(
          insert_code_, db_->Prepare("INSERT INTO codes(system, code, display) VALUES(?, ?, ?)"));
    }
    select_code_->Reset();
    select_code_->Bind(1, code.system).Bind(2, code.code).Bind(3, code.display);
    JUMEAU_ASSIGN_OR_RETURN(const bool found, select_code_->Step());
    int64_t id;
    if (found) {
      id = select_code_->Int(0);
    } else {
      insert_code_->Reset();
      JUMEAU_RETURN_IF_ERROR(
          insert_code_->Bind(1, code.system).Bind(2, code.code).Bind(3, code.display).Run());
      id = db_->LastInsertId();
    }
    select_code_->Reset();
    code_ids_.emplace(key, id);
    return id;
  }

  Result<std::string> UniqueName(const std::string& label) {
    const std::string base = label.empty() ? "signal" : label;
    JUMEAU_ASSIGN_OR_RETURN(
        auto q, db_->Prepare(
                    "SELECT 1 FROM streams WHERE patient_id = ? AND name = ?"));
    for (int n = 1;; ++n) {
      const std::string name =
          n == 1 ? base : base + " (" + std::to_string(n) + ")";
      q.Reset();
      q.Bind(1, patient_).Bind(2, name);
      JUMEAU_ASSIGN_OR_RETURN(const bool taken, q.Step());
      if (!taken) return name;
    }
  }

  Database* db_;
  bool* open_flag_;
  SourceId source_;
  PatientId patient_;
  std::string pseudonym_;
  bool committed_ = false;
  std::vector<std::unique_ptr<SqliteStreamWriter>> writers_;
  std::optional<Statement> insert_event_;
  std::optional<Statement> select_code_;
  std::optional<Statement> insert_code_;
  std::map<std::string, int64_t> code_ids_;
};

class SqliteStore final : public Store {
 public:
  explicit SqliteStore(const Clock& clock) : clock_(clock) {}

  Status Init(const std::filesystem::path& path, bool create) {
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
    JUMEAU_RETURN_IF_ERROR(db_.Exec("PRAGMA foreign_keys = ON"));
    if (create) {
      JUMEAU_RETURN_IF_ERROR(db_.Exec("PRAGMA page_size = 4096"));
      JUMEAU_RETURN_IF_ERROR(db_.Exec("PRAGMA journal_mode = WAL"));
      JUMEAU_RETURN_IF_ERROR(db_.Exec("BEGIN IMMEDIATE"));
      Status s = CreateSchema(db_);
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
      JUMEAU_RETURN_IF_ERROR(db_.Exec("BEGIN IMMEDIATE"));
      Status s = MigrateSchema(db_);
      if (!s.ok()) {
        (void)db_.Exec("ROLLBACK");
        return s;
      }
      JUMEAU_RETURN_IF_ERROR(db_.Exec("COMMIT"));
    }
    JUMEAU_RETURN_IF_ERROR(db_.Exec("PRAGMA synchronous = NORMAL"));
    JUMEAU_RETURN_IF_ERROR(db_.Exec("PRAGMA cache_size = -16384"));
    JUMEAU_RETURN_IF_ERROR(db_.Exec("PRAGMA mmap_size = 1073741824"));
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
    {
      JUMEAU_ASSIGN_OR_RETURN(
          auto q, db_.Prepare("SELECT id FROM sources WHERE content_hash = ?"));
      q.Bind(1, d.content_hash);
      auto row = q.Step();
      if (!row.ok()) return rollback(row.status());
      if (*row) {
        return rollback(
            AlreadyExistsError("identical content already ingested (source " +
                               std::to_string(q.Int(0)) + ", hash " +
                               d.content_hash.substr(0, 16) + "…)"));
      }
    }
    auto patient = ResolvePatient(d);
    if (!patient.ok()) return rollback(patient.status());
    auto insert = db_.Prepare(R"sql(
      INSERT INTO sources(patient_id, content_hash, format, reader, reader_version, byte_size,
        ingested_ns, warnings) VALUES(?,?,?,?,?,?,?,?))sql");
    if (!insert.ok()) return rollback(insert.status());
    Status s = insert->Bind(1, *patient)
                   .Bind(2, d.content_hash)
                   .Bind(3, d.format)
                   .Bind(4, d.reader)
                   .Bind(5, d.reader_version)
                   .Bind(6, d.byte_size)
                   .Bind(7, clock_.Now().ns_since_epoch)
                   .Bind(8, JoinLines(d.warnings))
                   .Run();
    if (!s.ok()) return rollback(s);
    const SourceId source = db_.LastInsertId();
    auto name = db_.Prepare("SELECT pseudonym FROM patients WHERE id = ?");
    if (!name.ok()) return rollback(name.status());
    name->Bind(1, *patient);
    auto row = name->Step();
    if (!row.ok() || !*row)
      return rollback(InternalError("patient vanished during ingest"));
    return std::unique_ptr<SourceTransaction>(new SqliteTransaction(
        &db_, &txn_open_, source, *patient, name->Text(0)));
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
      SELECT id, pseudonym,
        (SELECT count(*) FROM sources WHERE patient_id = p.id),
        (SELECT count(*) FROM events WHERE patient_id = p.id),
        (SELECT min(time_ns) FROM events WHERE patient_id = p.id),
        (SELECT max(coalesce(end_ns, time_ns)) FROM events WHERE patient_id = p.id)
      FROM patients p WHERE pseudonym = ?)sql"));
    q.Bind(1, pseudonym);
    JUMEAU_ASSIGN_OR_RETURN(const bool row, q.Step());
    if (!row)
      return NotFoundError("no patient '" + std::string(pseudonym) +
                           "' in the store");
    PatientInfo p;
    p.id = q.Int(0);
    p.pseudonym = q.Text(1);
    p.source_count = q.Int(2);
    p.event_count = q.Int(3);
    if (!q.IsNull(4)) p.first = Time{q.Int(4)};
    if (!q.IsNull(5)) p.last = Time{q.Int(5)};
    JUMEAU_ASSIGN_OR_RETURN(const auto streams, Streams(p.id));
    p.stream_count = static_cast<int64_t>(streams.size());
    for (const auto& s : streams) {
      if (!p.first || s.signal.start < *p.first) p.first = s.signal.start;
      if (!p.last || s.end() > *p.last) p.last = s.end();
    }
    return p;
  }

  Result<std::vector<SourceInfo>> Sources(PatientId patient) override {
    JUMEAU_ASSIGN_OR_RETURN(auto q, db_.Prepare(R"sql(
      SELECT id, patient_id, content_hash, format, reader, reader_version, byte_size, ingested_ns,
        warnings FROM sources WHERE patient_id = ? ORDER BY id)sql"));
    q.Bind(1, patient);
    std::vector<SourceInfo> out;
    while (true) {
      JUMEAU_ASSIGN_OR_RETURN(const bool row, q.Step());
      if (!row) break;
      SourceInfo s;
      s.id = q.Int(0);
      s.patient_id = q.Int(1);
      s.content_hash = q.Text(2);
      s.format = q.Text(3);
      s.reader = q.Text(4);
      s.reader_version = q.Text(5);
      s.byte_size = q.Int(6);
      s.ingested_at = Time{q.Int(7)};
      s.warnings = SplitLines(q.Text(8));
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
    JUMEAU_ASSIGN_OR_RETURN(
        auto by_name, QueryStreams<std::string>("patient_id = ? AND name = ?",
                                                patient, std::string(name)));
    if (!by_name.empty()) return by_name.front();
    int64_t id = 0;
    bool numeric = !name.empty();
    for (char c : name) {
      if (c < '0' || c > '9') numeric = false;
    }
    if (numeric && name.size() < 18) {
      id = std::stoll(std::string(name));
      JUMEAU_ASSIGN_OR_RETURN(
          auto by_id,
          QueryStreams<int64_t>("patient_id = ? AND id = ?", patient, id));
      if (!by_id.empty()) return by_id.front();
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
      std::vector<int32_t> raw(static_cast<size_t>(n));
      JUMEAU_RETURN_IF_ERROR(DecodeRange(info, i0, i1, raw.data()));
      w.buckets.reserve(static_cast<size_t>(max_points));
      for (int64_t j = 0; j < max_points; ++j) {
        const int64_t a = j * n / max_points, b = (j + 1) * n / max_points;
        if (b <= a) continue;
        Bucket bucket;
        bucket.min = bucket.max = raw[a];
        int64_t sum = 0;
        for (int64_t k = a; k < b; ++k) {
          bucket.min = std::min(bucket.min, raw[k]);
          bucket.max = std::max(bucket.max, raw[k]);
          sum += raw[k];
        }
        bucket.count = b - a;
        bucket.mean =
            static_cast<double>(sum) / static_cast<double>(bucket.count);
        bucket.start = sig.TimeOfSample(i0 + a);
        bucket.end = sig.TimeOfSample(i0 + b);
        w.buckets.push_back(bucket);
      }
      return w;
    }
    const int64_t bucket_samples = PyramidBucketSamples(level);
    const int64_t p0 = i0 / bucket_samples;
    const int64_t p1 = (i1 + bucket_samples - 1) / bucket_samples;
    const int64_t np = p1 - p0;
    PyramidBlock block;
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
        "SELECT e.id, e.patient_id, e.source_id, e.time_ns, e.end_ns, c.system, c.code, "
        "c.display, e.value, e.unit, e.text, e.channel, e.subtype, e.number, e.origin "
        "FROM events e JOIN codes c ON c.id = e.code_id WHERE e.patient_id = ?";
    if (query.code) sql += " AND e.code_id IN (SELECT id FROM codes WHERE code = ?)";
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
      out.push_back(std::move(e));
    }
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
  // The patient a source belongs to: the explicit pseudonym when given (created
  // if new), else the one linked to the keyed hash of the source identity, else
  // a new patient with a pseudonym derived from that hash.
  Result<PatientId> ResolvePatient(const SourceDescription& d) {
    std::optional<std::string> link_hash;
    std::string derived_pseudonym;
    if (!d.source_identity.empty()) {
      JUMEAU_ASSIGN_OR_RETURN(const std::string key, PseudonymKey());
      unsigned char h[32];
      crypto_generichash(
          h, sizeof h,
          reinterpret_cast<const unsigned char*>(d.source_identity.data()),
          d.source_identity.size(),
          reinterpret_cast<const unsigned char*>(key.data()), key.size());
      link_hash = std::string(reinterpret_cast<char*>(h), sizeof h);
      // The pseudonym comes from a second keyed hash so it reveals nothing of
      // the link hash.
      const std::string salted = "pseudonym:" + d.source_identity;
      unsigned char p[32];
      crypto_generichash(
          p, sizeof p, reinterpret_cast<const unsigned char*>(salted.data()),
          salted.size(), reinterpret_cast<const unsigned char*>(key.data()),
          key.size());
      derived_pseudonym = "p-" + Base32(p, 8).substr(0, 10);
    }
    if (!d.patient_pseudonym.empty()) {
      JUMEAU_ASSIGN_OR_RETURN(const PatientId id,
                              FindOrCreatePatient(d.patient_pseudonym));
      if (link_hash) JUMEAU_RETURN_IF_ERROR(LinkIfUnlinked(*link_hash, id));
      return id;
    }
    if (!link_hash) {
      return InvalidArgumentError(
          "the source names no patient; give one with --patient");
    }
    JUMEAU_ASSIGN_OR_RETURN(
        auto q,
        db_.Prepare(
            "SELECT patient_id FROM patient_links WHERE identity_hash = ?"));
    q.BindBlob(1, *link_hash);
    JUMEAU_ASSIGN_OR_RETURN(const bool row, q.Step());
    if (row) return q.Int(0);
    JUMEAU_ASSIGN_OR_RETURN(const PatientId id,
                            FindOrCreatePatient(derived_pseudonym));
    JUMEAU_RETURN_IF_ERROR(LinkIfUnlinked(*link_hash, id));
    return id;
  }

  Result<PatientId> FindOrCreatePatient(const std::string& pseudonym) {
    JUMEAU_ASSIGN_OR_RETURN(
        auto q, db_.Prepare("SELECT id FROM patients WHERE pseudonym = ?"));
    q.Bind(1, pseudonym);
    JUMEAU_ASSIGN_OR_RETURN(const bool row, q.Step());
    if (row) return q.Int(0);
    JUMEAU_ASSIGN_OR_RETURN(
        auto ins,
        db_.Prepare(
            "INSERT INTO patients(pseudonym, created_ns) VALUES(?, ?)"));
    JUMEAU_RETURN_IF_ERROR(
        ins.Bind(1, pseudonym).Bind(2, clock_.Now().ns_since_epoch).Run());
    return db_.LastInsertId();
  }

  Status LinkIfUnlinked(const std::string& hash, PatientId id) {
    JUMEAU_ASSIGN_OR_RETURN(
        auto ins,
        db_.Prepare("INSERT OR IGNORE INTO patient_links(identity_hash, "
                    "patient_id) VALUES(?, ?)"));
    return ins.BindBlob(1, hash).Bind(2, id).Run();
  }

  Result<std::string> PseudonymKey() {
    if (!pseudonym_key_.empty()) return pseudonym_key_;
    if (sodium_init() < 0)
      return InternalError("libsodium failed to initialise");
    JUMEAU_ASSIGN_OR_RETURN(
        auto q,
        db_.Prepare("SELECT value FROM meta WHERE key = 'pseudonym_key'"));
    JUMEAU_ASSIGN_OR_RETURN(const bool row, q.Step());
    if (!row || q.Blob(0).size() != 32)
      return DataLossError(db_.path() + ": pseudonym key missing");
    pseudonym_key_ = std::string(q.Blob(0));
    return pseudonym_key_;
  }

  template <typename Arg>
  Result<std::vector<StreamInfo>> QueryStreams(const std::string& where,
                                               PatientId patient,
                                               std::optional<Arg> arg) {
    JUMEAU_ASSIGN_OR_RETURN(
        auto q,
        db_.Prepare("SELECT id, patient_id, source_id, name, label, unit, "
                    "source_unit, transducer, prefilter, "
                    "rate_num, rate_den, start_ns, sample_count, scale, "
                    "offset, digital_min, digital_max, "
                    "physical_min, physical_max, bits FROM streams WHERE " +
                    where));
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

  Result<StreamInfo> StreamById(StreamId id) {
    if (cached_stream_ && cached_stream_->id == id) return *cached_stream_;
    JUMEAU_ASSIGN_OR_RETURN(
        auto q,
        db_.Prepare(
            "SELECT id, patient_id, source_id, name, label, unit, source_unit, "
            "transducer, prefilter, "
            "rate_num, rate_den, start_ns, sample_count, scale, offset, "
            "digital_min, digital_max, "
            "physical_min, physical_max, bits FROM streams WHERE id = ?"));
    q.Bind(1, id);
    JUMEAU_ASSIGN_OR_RETURN(const bool row, q.Step());
    if (!row) return NotFoundError("no stream with id " + std::to_string(id));
    StreamInfo info = RowToStream(q);
    if (!txn_open_) cached_stream_ = info;
    return info;
  }

  // Decodes samples [first, end) of `info` into `out`.
  Status DecodeRange(const StreamInfo& info, int64_t first, int64_t end,
                     int32_t* out) {
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
      if (!row)
        return DataLossError(db_.path() + ": chunk " + std::to_string(c) +
                             " of stream " + std::to_string(info.id) +
                             " missing");
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

  Status LoadBlock(StreamId stream, int level, int64_t block_index,
                   PyramidBlock* block) {
    if (!select_block_) {
      JUMEAU_ASSIGN_OR_RETURN(
          select_block_, db_.Prepare("SELECT data FROM pyramid WHERE key = ?"));
    }
    Statement& q = *select_block_;
    q.Reset();
    q.Bind(1, PyramidKey(stream, level, block_index));
    JUMEAU_ASSIGN_OR_RETURN(const bool row, q.Step());
    if (!row) return DataLossError(db_.path() + ": pyramid block missing");
    block->level = level;
    block->block_index = block_index;
    Status s = DecodePyramidBlock(q.Blob(0), block);
    q.Reset();
    return s;
  }

  const Clock& clock_;
  Database db_;
  bool txn_open_ = false;
  std::string pseudonym_key_;
  std::optional<StreamInfo> cached_stream_;
  std::optional<Statement> select_chunk_;
  std::optional<Statement> select_block_;
  std::vector<int32_t> scratch_;
};

}  // namespace

Result<std::unique_ptr<Store>> CreateSqliteStore(
    const std::filesystem::path& path, const Clock& clock) {
  auto store = std::make_unique<SqliteStore>(clock);
  JUMEAU_RETURN_IF_ERROR(store->Init(path, /*create=*/true));
  return std::unique_ptr<Store>(std::move(store));
}

Result<std::unique_ptr<Store>> OpenSqliteStore(
    const std::filesystem::path& path, const Clock& clock) {
  auto store = std::make_unique<SqliteStore>(clock);
  JUMEAU_RETURN_IF_ERROR(store->Init(path, /*create=*/false));
  return std::unique_ptr<Store>(std::move(store));
}

}  // namespace jumeau::store

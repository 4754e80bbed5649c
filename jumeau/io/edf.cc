// EDF / EDF+ / BDF / BDF+ reader: header validation, TAL (time-stamped
// annotation list) parsing and the record decoder behind OpenEdf() and
// ReadEdf(). Reads from a file with large sequential pread()s or from memory;
// both go through ByteSource. Layout and edge cases: docs/formats-edf.md.
#include "jumeau/io/edf.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <bit>
#include <cassert>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <optional>
#include <string>
#include <utility>

#include "jumeau/core/event.h"
#include "jumeau/core/units.h"
#include "jumeau/io/content_hash.h"
#include "jumeau/io/internal/message.h"

namespace jumeau::io {
namespace {

constexpr int64_t kNanosPerSecond = 1000000000;
// Warnings kept per file; further ones are counted in one last line.
constexpr size_t kMaxWarnings = 50;
// Time ranges that keep every instant inside int64 nanoseconds (years
// 1678..2261): header years 1900..2100 (the dd.mm.yy rule gives 1985..2084),
// TAL onsets and durations within ±2e9 s (63 years), and all data records
// together within 50 years.
constexpr int kMinYear = 1900;
constexpr int kMaxYear = 2100;
constexpr int64_t kMaxTalSeconds = 2000000000;
constexpr int64_t kMaxRecordingSpanNs =
    int64_t{50} * 366 * 86400 * kNanosPerSecond;

// ---------------------------------------------------------------------------
// Byte sources: a file read with pread(), or bytes already in memory.

class ByteSource {
 public:
  virtual ~ByteSource() = default;
  virtual uint64_t size() const = 0;
  // Returns a pointer to bytes [offset, offset + n), valid until the next
  // call. REQUIRES: offset + n <= size().
  virtual Result<const unsigned char*> View(uint64_t offset, size_t n) = 0;
  // Hashes the bytes viewed from now on (a file only: false otherwise).
  virtual bool StartDigest() { return false; }
  // The hex SHA-256 of all bytes. REQUIRES: StartDigest() returned true.
  virtual Result<std::string> FinishDigest() {
    return UnimplementedError("no file to hash");
  }
};

class MemorySource final : public ByteSource {
 public:
  explicit MemorySource(std::string_view bytes) : bytes_(bytes) {}
  uint64_t size() const override { return bytes_.size(); }
  Result<const unsigned char*> View(uint64_t offset, size_t /*n*/) override {
    return reinterpret_cast<const unsigned char*>(bytes_.data()) + offset;
  }

 private:
  std::string_view bytes_;
};

class FileSource final : public ByteSource {
 public:
  ~FileSource() override {
    if (fd_ >= 0) ::close(fd_);
  }

  static Result<std::unique_ptr<FileSource>> Open(
      const std::filesystem::path& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      const int err = errno;
      if (err == ENOENT) return NotFoundError(path.string() + ": no such file");
      return IoError(path.string() + ": cannot open: " + std::strerror(err));
    }
    auto source =
        std::unique_ptr<FileSource>(new FileSource(fd, path.string()));
    struct stat st;
    if (::fstat(fd, &st) != 0) {
      return IoError(path.string() + ": cannot stat: " + std::strerror(errno));
    }
    if (!S_ISREG(st.st_mode))
      return IoError(path.string() + ": not a regular file");
    source->size_ = static_cast<uint64_t>(st.st_size);
#ifdef POSIX_FADV_SEQUENTIAL
    ::posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
#endif
    return source;
  }

  uint64_t size() const override { return size_; }

  Result<const unsigned char*> View(uint64_t offset, size_t n) override {
    if (n > capacity_) {
      // In 2 MiB pages where the kernel offers them (fewer TLB misses for
      // the reads into it and the decoder's strided walk: ~4% of an ingest).
      const size_t huge = size_t{2} << 20;
      const size_t bytes = (n + huge - 1) / huge * huge;
      void* p = std::aligned_alloc(huge, bytes);
      if (p == nullptr) return IoError(name_ + ": out of memory");
      ::madvise(p, bytes, MADV_HUGEPAGE);
      buffer_.reset(static_cast<unsigned char*>(p));
      capacity_ = n;
    }
    // Read in pieces, each hashed while it is still in the cache.
    constexpr size_t kPiece = size_t{1} << 20;
    size_t done = 0;
    while (done < n) {
      const size_t piece_at = done;
      const size_t piece_end = std::min(n, done + kPiece);
      while (done < piece_end) {
        const ssize_t got = ::pread(fd_, buffer_.get() + done, piece_end - done,
                                    static_cast<off_t>(offset + done));
        if (got < 0) {
          if (errno == EINTR) continue;
          return IoError(name_ + " offset " + std::to_string(offset + done) +
                         ": read failed: " + std::strerror(errno));
        }
        if (got == 0) {
          return DataLossError(
              name_ + " offset " + std::to_string(offset + done) +
              ": file ended while reading (was it truncated meanwhile?)");
        }
        done += static_cast<size_t>(got);
      }
      if (digest_) {
        JUMEAU_RETURN_IF_ERROR(digest_->Offer(
            offset + piece_at, buffer_.get() + piece_at, piece_end - piece_at));
      }
    }
    return static_cast<const unsigned char*>(buffer_.get());
  }

  bool StartDigest() override {
    digest_.emplace(fd_, name_);
    return true;
  }
  Result<std::string> FinishDigest() override {
    assert(digest_);
    return digest_->Finish(size_);
  }

 private:
  FileSource(int fd, std::string name) : fd_(fd), name_(std::move(name)) {}

  int fd_ = -1;
  std::string name_;
  uint64_t size_ = 0;
  struct Free {
    void operator()(unsigned char* p) const { std::free(p); }
  };
  std::unique_ptr<unsigned char, Free> buffer_;
  size_t capacity_ = 0;
  std::optional<FileDigest> digest_;
};

// ---------------------------------------------------------------------------
// Text helpers.

std::string_view Trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Parses a whole-field integer ("  -123  "). False on anything else.
bool ParseInt(std::string_view field, int64_t* out) {
  std::string_view s = Trim(field);
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  if (s.empty() || s.size() > 18) return false;
  int64_t v = 0;
  const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return false;
  *out = v;
  return true;
}

// Parses a whole-field finite decimal ("-3276.8", "1e3"). False otherwise.
bool ParseDouble(std::string_view field, double* out) {
  std::string_view s = Trim(field);
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  if (s.empty()) return false;
  // from_chars accepts "inf"/"nan"; EDF numbers are plain decimals.
  for (const char c : s) {
    if (!IsDigit(c) && c != '.' && c != '-' && c != 'e' && c != 'E' && c != '+')
      return false;
  }
  double v = 0;
  const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || !std::isfinite(v))
    return false;
  *out = v;
  return true;
}

// Parses an unsigned decimal "12", "0.5", "1.25e-1" exactly into nanoseconds.
// Sets *inexact when digits finer than 1 ns were dropped. False on anything
// else or beyond ~292 years.
bool ParseDecimalNanos(std::string_view s, int64_t* out, bool* inexact) {
  __int128 mantissa = 0;
  int exponent = 0;  // value = mantissa * 10^exponent seconds
  size_t i = 0;
  bool any = false;
  constexpr __int128 kCap = static_cast<__int128>(1) << 100;
  while (i < s.size() && IsDigit(s[i])) {
    if (mantissa < kCap) {
      mantissa = mantissa * 10 + (s[i] - '0');
    } else {
      ++exponent;
    }
    any = true;
    ++i;
  }
  if (i < s.size() && s[i] == '.') {
    ++i;
    while (i < s.size() && IsDigit(s[i])) {
      if (mantissa < kCap) {
        mantissa = mantissa * 10 + (s[i] - '0');
        --exponent;
      }
      any = true;
      ++i;
    }
  }
  if (!any) return false;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    bool negative = false;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) negative = s[i++] == '-';
    if (i >= s.size()) return false;
    int e = 0;
    while (i < s.size() && IsDigit(s[i])) {
      if (e < 1000) e = e * 10 + (s[i] - '0');
      ++i;
    }
    exponent += negative ? -e : e;
  }
  if (i != s.size()) return false;
  exponent += 9;  // to nanoseconds
  *inexact = false;
  if (mantissa == 0) {
    *out = 0;
    return true;
  }
  while (exponent > 0) {
    mantissa *= 10;
    --exponent;
    if (mantissa > INT64_MAX) return false;
  }
  while (exponent < 0) {
    if (mantissa % 10 != 0) *inexact = true;
    mantissa /= 10;
    ++exponent;
  }
  if (mantissa > INT64_MAX) return false;
  *out = static_cast<int64_t>(mantissa);
  return true;
}

// TAL onset "+12.5" / "-0.25" (sign required) or duration "30" (no sign).
bool ParseTalTime(std::string_view s, bool signed_onset, Duration* out) {
  bool negative = false;
  if (signed_onset) {
    if (s.empty() || (s.front() != '+' && s.front() != '-')) return false;
    negative = s.front() == '-';
    s.remove_prefix(1);
  }
  // Only digits with at most one '.', and at least one digit.
  if (s.empty() || s.front() == '.') return false;
  int dots = 0;
  for (const char c : s) {
    if (c == '.') {
      ++dots;
    } else if (!IsDigit(c)) {
      return false;
    }
  }
  if (dots > 1) return false;
  const size_t dot = s.find('.');
  const std::string_view whole = s.substr(0, dot);
  if (whole.size() > 10) return false;
  int64_t seconds = 0;
  for (const char c : whole) seconds = seconds * 10 + (c - '0');
  if (seconds > kMaxTalSeconds) return false;
  int64_t nanos = 0;
  if (dot != std::string_view::npos) {
    const std::string_view frac = s.substr(dot + 1);
    int64_t scale = 100000000;
    for (const char c : frac) {
      nanos += (c - '0') * scale;  // digits past 1 ns are dropped (scale 0)
      scale /= 10;
    }
  }
  const int64_t total = seconds * kNanosPerSecond + nanos;
  *out = Duration{negative ? -total : total};
  return true;
}

bool IsValidUtf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    int extra;
    uint32_t cp;
    if (c < 0x80) {
      ++i;
      continue;
    } else if ((c & 0xE0) == 0xC0) {
      extra = 1;
      cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      extra = 2;
      cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      extra = 3;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (i + extra >= s.size()) return false;
    for (int k = 1; k <= extra; ++k) {
      const auto d = static_cast<unsigned char>(s[i + k]);
      if ((d & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (d & 0x3F);
    }
    if ((extra == 1 && cp < 0x80) || (extra == 2 && cp < 0x800) ||
        (extra == 3 && (cp < 0x10000 || cp > 0x10FFFF)) ||
        (cp >= 0xD800 && cp <= 0xDFFF)) {
      return false;
    }
    i += extra + 1;
  }
  return true;
}

std::string Latin1ToUtf8(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 8);
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (c < 0x80) {
      out += ch;
    } else {
      out += static_cast<char>(0xC0 | (c >> 6));
      out += static_cast<char>(0x80 | (c & 0x3F));
    }
  }
  return out;
}

// ---------------------------------------------------------------------------
// Decoders: little-endian 16-bit and 24-bit two's complement to int32, and
// int32 to physical doubles. GCC vector extensions keep the loops vectorised
// at -O2 whatever the cost model (SSE2 on x86-64, NEON on ARM).

#if defined(__GNUC__)
#define JUMEAU_EDF_VECTOR 1
typedef int16_t I16x8 __attribute__((vector_size(16)));
typedef int32_t I32x8 __attribute__((vector_size(32)));
typedef int32_t I32x4 __attribute__((vector_size(16)));
typedef double F64x4 __attribute__((vector_size(32)));
#endif

constexpr bool kLittleEndian = std::endian::native == std::endian::little;

void Decode16(const unsigned char* p, size_t n, int32_t* out) {
  size_t i = 0;
#ifdef JUMEAU_EDF_VECTOR
  if constexpr (kLittleEndian) {
    for (; i + 16 <= n; i += 16) {
      I16x8 a, b;
      std::memcpy(&a, p + 2 * i, 16);
      std::memcpy(&b, p + 2 * i + 16, 16);
      const I32x8 wa = __builtin_convertvector(a, I32x8);
      const I32x8 wb = __builtin_convertvector(b, I32x8);
      std::memcpy(out + i, &wa, 32);
      std::memcpy(out + i + 8, &wb, 32);
    }
  }
#endif
  for (; i < n; ++i) {
    out[i] = static_cast<int16_t>(
        static_cast<uint16_t>(p[2 * i] | (p[2 * i + 1] << 8)));
  }
}

inline int32_t Sign24(uint32_t u) { return static_cast<int32_t>(u << 8) >> 8; }

void Decode24Scalar(const unsigned char* p, size_t n, int32_t* out) {
  size_t i = 0;
  if constexpr (kLittleEndian) {
    // Four samples from three 32-bit loads.
    for (; i + 4 <= n; i += 4) {
      uint32_t a, b, c;
      const unsigned char* q = p + 3 * i;
      std::memcpy(&a, q, 4);
      std::memcpy(&b, q + 4, 4);
      std::memcpy(&c, q + 8, 4);
      out[i] = Sign24(a);
      out[i + 1] = Sign24((a >> 24) | (b << 8));
      out[i + 2] = Sign24((b >> 16) | (c << 16));
      out[i + 3] = static_cast<int32_t>(c) >> 8;
    }
  }
  for (; i < n; ++i) {
    const unsigned char* q = p + 3 * i;
    out[i] = Sign24(static_cast<uint32_t>(q[0]) |
                    (static_cast<uint32_t>(q[1]) << 8) |
                    (static_cast<uint32_t>(q[2]) << 16));
  }
}

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define JUMEAU_EDF_SSSE3 1
typedef uint8_t U8x16 __attribute__((vector_size(16)));
// SSSE3 (pshufb): 4 samples per 12 bytes, placed in the top 3 bytes of each
// lane, then an arithmetic shift right by 8 sign-extends them.
__attribute__((target("ssse3"))) void Decode24Ssse3(const unsigned char* p,
                                                    size_t n, int32_t* out) {
  size_t i = 0;
  const U8x16 mask = {15, 0, 1, 2, 15, 3, 4, 5, 15, 6, 7, 8, 15, 9, 10, 11};
  // 16-byte loads read 4 bytes past the 4 samples: stop while 6 remain.
  for (; i + 6 <= n; i += 4) {
    U8x16 v;
    std::memcpy(&v, p + 3 * i, 16);
    const U8x16 shuffled = __builtin_shuffle(v, mask);
    I32x4 w;
    std::memcpy(&w, &shuffled, 16);
    w >>= 8;
    std::memcpy(out + i, &w, 16);
  }
  Decode24Scalar(p + 3 * i, n - i, out + i);
}

bool HaveSsse3() {
  static const bool have = [] {
    __builtin_cpu_init();
    return __builtin_cpu_supports("ssse3") != 0;
  }();
  return have;
}
#endif

void Decode24(const unsigned char* p, size_t n, int32_t* out) {
#ifdef JUMEAU_EDF_SSSE3
  if (HaveSsse3()) {
    Decode24Ssse3(p, n, out);
    return;
  }
#endif
  Decode24Scalar(p, n, out);
}

// ---------------------------------------------------------------------------
// Header layout (all fields ASCII, left-justified, space-padded).

struct Field {
  int offset;
  int width;
  const char* name;
};
constexpr Field kVersion = {0, 8, "version"};
constexpr Field kPatient = {8, 80, "patient"};
constexpr Field kRecordingField = {88, 80, "recording"};
constexpr Field kStartDate = {168, 8, "start date"};
constexpr Field kStartTime = {176, 8, "start time"};
constexpr Field kHeaderBytes = {184, 8, "header size"};
constexpr Field kReserved = {192, 44, "reserved"};
constexpr Field kRecordCount = {236, 8, "number of data records"};
constexpr Field kRecordDuration = {244, 8, "data record duration"};
constexpr Field kSignalCount = {252, 4, "number of signals"};

// Per-signal arrays after the first 256 bytes: field width and where each
// array starts, in units of ns bytes (label: 16 bytes per signal at 256,
// transducer: 80 at 256 + 16 ns, ...).
struct SignalField {
  int width;
  int start_per_signal;  // array starts at 256 + start_per_signal * ns
  const char* name;
};
constexpr SignalField kLabel = {16, 0, "label"};
constexpr SignalField kTransducer = {80, 16, "transducer type"};
constexpr SignalField kUnit = {8, 96, "physical dimension"};
constexpr SignalField kPhysMin = {8, 104, "physical minimum"};
constexpr SignalField kPhysMax = {8, 112, "physical maximum"};
constexpr SignalField kDigMin = {8, 120, "digital minimum"};
constexpr SignalField kDigMax = {8, 128, "digital maximum"};
constexpr SignalField kPrefilter = {80, 136, "prefiltering"};
constexpr SignalField kSamplesPerRecord = {8, 216,
                                           "number of samples per data record"};
constexpr SignalField kSignalReserved = {32, 224, "signal reserved field"};
constexpr SignalField kSignalFields[] = {
    kLabel,  kTransducer, kUnit,      kPhysMin,          kPhysMax,
    kDigMin, kDigMax,     kPrefilter, kSamplesPerRecord, kSignalReserved};

// One signal as stored in a data record (annotation signals included).
struct StoredSignal {
  int64_t byte_offset = 0;  // within the data record
  int64_t samples_per_record = 0;
  bool annotation = false;
  int data_index = -1;  // index in Recording::signals; -1 for annotations
};

// What Parse() learns from the header.
struct Layout {
  bool bdf = false;
  bool plus = false;
  bool discontinuous = false;
  int bytes_per_sample = 2;
  uint64_t header_bytes = 0;
  uint64_t record_bytes = 0;
  int64_t num_records = 0;
  Duration record_duration;
  Time header_time;  // header date and time (whole seconds)
  std::vector<StoredSignal> stored;
  std::vector<int> annotation_signals;  // indices into stored
};

// Month abbreviations of the EDF+ "Startdate dd-MMM-yyyy" subfield.
int MonthFromAbbrev(std::string_view m) {
  static constexpr const char* kMonths[] = {"JAN", "FEB", "MAR", "APR",
                                            "MAY", "JUN", "JUL", "AUG",
                                            "SEP", "OCT", "NOV", "DEC"};
  for (int i = 0; i < 12; ++i) {
    if (m == kMonths[i]) return i + 1;
  }
  return 0;
}

// ---------------------------------------------------------------------------
// The reader.

class EdfReader final : public RecordingReader {
 public:
  EdfReader(std::unique_ptr<ByteSource> source, std::string name,
            std::optional<std::filesystem::path> path)
      : source_(std::move(source)),
        name_(std::move(name)),
        path_(std::move(path)) {}

  // Reads and validates the header; positions the reader at record 0.
  Status Open();

  const Recording& header() const override { return recording_; }
  Result<bool> Next(SampleBlock* block) override;
  void PreferSignalBlocks(int64_t samples) override;
  uint64_t bytes_read() const override { return bytes_read_; }
  uint64_t bytes_total() const override { return source_->size(); }
  std::vector<std::filesystem::path> files() const override {
    if (path_) return {*path_};
    return {};
  }
  bool StartFileDigests() override {
    return path_.has_value() && source_->StartDigest();
  }
  Result<std::vector<std::string>> FinishFileDigests() override {
    JUMEAU_ASSIGN_OR_RETURN(std::string digest, source_->FinishDigest());
    return std::vector<std::string>{std::move(digest)};
  }

 private:
  Status Error(uint64_t offset, const std::string& reason) const {
    return DataLossError(name_ + " offset " + std::to_string(offset) + ": " +
                         reason);
  }
  void Warn(std::string message);
  void WarnAt(uint64_t offset, const std::string& message) {
    Warn("offset " + std::to_string(offset) + ": " + message);
  }

  Status ParseMainHeader(const unsigned char* h, int* ns);
  Status ParseStartTime(const unsigned char* h);
  Status ParseSignalHeaders(const unsigned char* h, int ns);
  Status CheckDataSize(int64_t declared_records);
  Status CheckSpan() const;
  Status ReadFirstTimeKeeping();

  // Parses the annotations and timing of the next records, up to the end of
  // the buffer or a gap (EDF+D), which become the group; their events go to
  // *events. Reads the next buffer first when next_record_ is past it.
  Status StartGroup(std::vector<Event>* events);
  // Fills *block with the group's next data signal (the others empty) and
  // every signal's start; block->events is left to the caller.
  void EmitGroupSignal(SampleBlock* block);
  // Fills *block with every data signal of the group and their starts.
  void EmitGroup(SampleBlock* block);
  // Sets every data signal's start in *block to the group's first sample.
  void SetGroupStarts(SampleBlock* block) const;

  // Parses the annotation signals of record `record` (bytes at `rec`):
  // events go to *events, the time-keeping onset (first TAL of the first
  // annotation signal) to *time_keeping, oddities to *warnings.
  void ParseRecordAnnotations(const unsigned char* rec, int64_t record,
                              std::optional<Duration>* time_keeping,
                              std::vector<Event>* events,
                              std::vector<std::string>* warnings) const;
  void ParseTals(const unsigned char* p, size_t n, uint64_t base_offset,
                 bool time_keeping_signal,
                 std::optional<Duration>* time_keeping,
                 std::vector<Event>* events,
                 std::vector<std::string>* warnings) const;

  uint64_t RecordOffset(int64_t record) const {
    return layout_.header_bytes +
           static_cast<uint64_t>(record) * layout_.record_bytes;
  }

  std::unique_ptr<ByteSource> source_;
  std::string name_;
  std::optional<std::filesystem::path> path_;
  Recording recording_;
  Layout layout_;
  size_t suppressed_warnings_ = 0;
  // Deviation of a record's time-keeping onset from the continuous timing
  // that is ignored (half the shortest sample period).
  Duration tolerance_;
  bool has_data_signals_ = false;
  int64_t records_per_block_ = 1;

  // Streaming state.
  int64_t next_record_ = 0;
  int64_t segment_first_record_ = 0;  // first record of the current segment
  Time segment_start_;                // its start
  Time prev_record_start_;            // start of record next_record_ - 1
  uint64_t bytes_read_ = 0;
  // Records [buffer_first_, buffer_first_ + buffer_count_) are at buffer_.
  const unsigned char* buffer_ = nullptr;
  int64_t buffer_first_ = 0;
  int64_t buffer_count_ = 0;
  // The group of records being handed out, as one block of every signal or,
  // after PreferSignalBlocks(), one block per data signal: records
  // [group_first_, group_first_ + group_count_), all in buffer_ and in one
  // segment; layout_.stored[group_next_signal_] is the next signal to hand
  // out (layout_.stored.size() when the group is done).
  int64_t group_first_ = 0;
  int64_t group_count_ = 0;
  size_t group_next_signal_ = std::numeric_limits<size_t>::max();
  bool signal_blocks_ = false;  // PreferSignalBlocks() was called
};

void EdfReader::Warn(std::string message) {
  if (recording_.warnings.size() < kMaxWarnings) {
    recording_.warnings.push_back(std::move(message));
    return;
  }
  ++suppressed_warnings_;
  const std::string line = "... and " + std::to_string(suppressed_warnings_) +
                           " more warnings not shown";
  if (recording_.warnings.size() == kMaxWarnings) {
    recording_.warnings.push_back(line);
  } else {
    recording_.warnings.back() = line;
  }
}

Status EdfReader::Open() {
  const uint64_t size = source_->size();
  if (size < 256) {
    return Error(size, "file ends after " + std::to_string(size) +
                           " bytes, inside the 256-byte EDF header");
  }
  JUMEAU_ASSIGN_OR_RETURN(const unsigned char* h, source_->View(0, 256));
  int ns = 0;
  JUMEAU_RETURN_IF_ERROR(ParseMainHeader(h, &ns));
  const uint64_t header_bytes = 256 * static_cast<uint64_t>(ns + 1);
  if (size < header_bytes) {
    return Error(size, "file ends inside the header (" +
                           std::to_string(header_bytes) + " bytes for " +
                           std::to_string(ns) + " signals)");
  }
  JUMEAU_ASSIGN_OR_RETURN(h, source_->View(0, header_bytes));
  JUMEAU_RETURN_IF_ERROR(ParseStartTime(h));
  int64_t declared_records = 0;
  ParseInt(
      std::string_view(reinterpret_cast<const char*>(h) + kRecordCount.offset,
                       kRecordCount.width),
      &declared_records);  // validated by ParseMainHeader
  JUMEAU_RETURN_IF_ERROR(ParseSignalHeaders(h, ns));
  JUMEAU_RETURN_IF_ERROR(CheckDataSize(declared_records));
  recording_.start = layout_.header_time;
  if (layout_.plus) JUMEAU_RETURN_IF_ERROR(ReadFirstTimeKeeping());
  for (Signal& s : recording_.signals) s.start = recording_.start;
  segment_start_ = recording_.start;
  prev_record_start_ = recording_.start;
  bytes_read_ = layout_.header_bytes;
  records_per_block_ = std::max<int64_t>(
      1, kEdfBlockBytes / static_cast<int64_t>(layout_.record_bytes));
  return Status::Ok();
}

Status EdfReader::ParseMainHeader(const unsigned char* h, int* ns) {
  const auto field = [&](const Field& f) {
    return std::string_view(reinterpret_cast<const char*>(h) + f.offset,
                            f.width);
  };
  // Version: "0" (EDF) or 0xFF "BIOSEMI" (BDF).
  if (h[0] == 0xFF) {
    if (std::memcmp(h + 1, "BIOSEMI", 7) != 0) {
      return Error(0, "unknown version field " +
                          internal::QuoteForMessage(field(kVersion)) +
                          " (BDF is 0xFF followed by 'BIOSEMI')");
    }
    layout_.bdf = true;
    layout_.bytes_per_sample = 3;
  } else if (Trim(field(kVersion)) != "0") {
    return Error(0, "unknown version field " +
                        internal::QuoteForMessage(field(kVersion)) +
                        " (EDF is '0', BDF is 0xFF 'BIOSEMI')");
  }
  for (int i = 8; i < 256; ++i) {
    if (h[i] < 0x20 || h[i] > 0x7e) {
      const Field* fields[] = {&kPatient,     &kRecordingField, &kStartDate,
                               &kStartTime,   &kHeaderBytes,    &kReserved,
                               &kRecordCount, &kRecordDuration, &kSignalCount};
      const char* name = "header";
      for (const Field* f : fields) {
        if (i >= f->offset && i < f->offset + f->width) name = f->name;
      }
      char byte[8];
      std::snprintf(byte, sizeof byte, "0x%02X", h[i]);
      return Error(i, std::string("non-ASCII byte ") + byte + " in the " +
                          name +
                          " field (EDF header fields are printable ASCII)");
    }
  }
  recording_.source_patient_id = std::string(Trim(field(kPatient)));
  recording_.source_recording_id = std::string(Trim(field(kRecordingField)));

  int64_t count = 0;
  if (!ParseInt(field(kSignalCount), &count) || count <= 0) {
    return Error(kSignalCount.offset,
                 "signal count " +
                     internal::QuoteForMessage(Trim(field(kSignalCount))) +
                     " is not a positive integer");
  }
  if (count > kEdfMaxSignals) {
    return Error(kSignalCount.offset, "signal count " + std::to_string(count) +
                                          " exceeds the limit of " +
                                          std::to_string(kEdfMaxSignals));
  }
  *ns = static_cast<int>(count);
  int64_t header_bytes = 0;
  if (!ParseInt(field(kHeaderBytes), &header_bytes)) {
    return Error(kHeaderBytes.offset,
                 "header size " +
                     internal::QuoteForMessage(Trim(field(kHeaderBytes))) +
                     " is not an integer");
  }
  const int64_t expected = 256 * (count + 1);
  if (header_bytes != expected) {
    return Error(kHeaderBytes.offset,
                 "header size " + std::to_string(header_bytes) +
                     " does not match 256 * (1 + " + std::to_string(count) +
                     " signals) = " + std::to_string(expected));
  }
  layout_.header_bytes = static_cast<uint64_t>(expected);

  // Reserved: "EDF+C" / "EDF+D" (BDF+: "BDF+C" / "BDF+D"); anything else is
  // plain EDF/BDF ("24BIT" in BioSemi files).
  const std::string_view reserved = field(kReserved);
  if ((reserved.substr(0, 4) == "EDF+" || reserved.substr(0, 4) == "BDF+") &&
      (reserved[4] == 'C' || reserved[4] == 'D')) {
    layout_.plus = true;
    layout_.discontinuous = reserved[4] == 'D';
    if ((reserved[0] == 'B') != layout_.bdf) {
      WarnAt(kReserved.offset,
             "reserved field " + internal::QuoteForMessage(Trim(reserved)) +
                 " in a " + (layout_.bdf ? "BDF" : "EDF") + " file; read as " +
                 (layout_.bdf ? "BDF+" : "EDF+"));
    }
  } else if (reserved.substr(0, 4) == "EDF+" ||
             reserved.substr(0, 4) == "BDF+") {
    WarnAt(kReserved.offset, "reserved field " +
                                 internal::QuoteForMessage(Trim(reserved)) +
                                 " is neither +C nor +D; read as plain " +
                                 (layout_.bdf ? "BDF" : "EDF"));
  }
  recording_.format =
      std::string(layout_.bdf ? "BDF" : "EDF") +
      (layout_.plus ? (layout_.discontinuous ? "+D" : "+C") : "");

  int64_t records = 0;
  if (!ParseInt(field(kRecordCount), &records) || records < -1) {
    return Error(kRecordCount.offset,
                 "number of data records " +
                     internal::QuoteForMessage(Trim(field(kRecordCount))) +
                     " is not a non-negative integer (or -1)");
  }

  const std::string_view duration_text = Trim(field(kRecordDuration));
  std::string_view unsigned_text = duration_text;
  if (!unsigned_text.empty() && unsigned_text.front() == '+')
    unsigned_text.remove_prefix(1);
  int64_t duration_ns = 0;
  bool inexact = false;
  if (!unsigned_text.empty() && unsigned_text.front() == '-') {
    double v = 0;
    if (ParseDouble(duration_text, &v) && v == 0) {
      duration_ns = 0;
    } else {
      return Error(kRecordDuration.offset,
                   "data record duration " +
                       internal::QuoteForMessage(duration_text) +
                       " is negative");
    }
  } else if (!ParseDecimalNanos(unsigned_text, &duration_ns, &inexact)) {
    return Error(kRecordDuration.offset,
                 "data record duration " +
                     internal::QuoteForMessage(duration_text) +
                     " is not a decimal number of seconds");
  }
  if (inexact) {
    WarnAt(kRecordDuration.offset,
           "data record duration " + internal::QuoteForMessage(duration_text) +
               " rounded down to whole nanoseconds");
  }
  layout_.record_duration = Duration{duration_ns};
  return Status::Ok();
}

Status EdfReader::ParseStartTime(const unsigned char* h) {
  const std::string_view date(
      reinterpret_cast<const char*>(h) + kStartDate.offset, 8);
  const std::string_view time(
      reinterpret_cast<const char*>(h) + kStartTime.offset, 8);
  const auto two = [](std::string_view s, size_t pos, int* out) {
    if (!IsDigit(s[pos]) || !IsDigit(s[pos + 1])) return false;
    *out = (s[pos] - '0') * 10 + (s[pos + 1] - '0');
    return true;
  };
  const auto separators_ok = [](std::string_view s) {
    return s[2] == '.' && s[5] == '.';
  };
  const auto separators_lenient = [](std::string_view s) {
    const auto sep = [](char c) {
      return c == '.' || c == ':' || c == '-' || c == '/';
    };
    return sep(s[2]) && sep(s[5]);
  };
  CivilTime civil;
  int yy = 0;
  const bool yy_literal = date.substr(6, 2) == "yy";
  if (!separators_lenient(date) || !two(date, 0, &civil.day) ||
      !two(date, 3, &civil.month) || (!yy_literal && !two(date, 6, &yy))) {
    return Error(kStartDate.offset, "start date " +
                                        internal::QuoteForMessage(date) +
                                        " is not a dd.mm.yy date");
  }
  if (!separators_lenient(time) || !two(time, 0, &civil.hour) ||
      !two(time, 3, &civil.minute) || !two(time, 6, &civil.second)) {
    return Error(kStartTime.offset, "start time " +
                                        internal::QuoteForMessage(time) +
                                        " is not an hh.mm.ss time");
  }
  if (!separators_ok(date)) {
    WarnAt(kStartDate.offset, "start date " + internal::QuoteForMessage(date) +
                                  " uses separators other than '.'");
  }
  if (!separators_ok(time)) {
    WarnAt(kStartTime.offset, "start time " + internal::QuoteForMessage(time) +
                                  " uses separators other than '.'");
  }
  // The 1985 clipping rule: yy 85..99 is 1985..1999, 00..84 is 2000..2084.
  civil.year = yy >= 85 ? 1900 + yy : 2000 + yy;

  // EDF+: "Startdate dd-MMM-yyyy ..." in the recording field has the 4-digit
  // year (and is the only year after 2084, when the header says "yy").
  bool four_digit_year = false;
  if (layout_.plus) {
    const std::string_view rec(
        reinterpret_cast<const char*>(h) + kRecordingField.offset, 80);
    if (rec.substr(0, 10) != "Startdate ") {
      WarnAt(kRecordingField.offset,
             "EDF+ recording field does not start with 'Startdate ': " +
                 internal::QuoteForMessage(Trim(rec)));
    } else if (rec[10] != 'X') {
      const std::string_view d = rec.substr(10, 11);
      int day = 0;
      int year = 0;
      const int month = MonthFromAbbrev(d.substr(3, 3));
      const bool ok = two(d, 0, &day) && d[2] == '-' && d[6] == '-' &&
                      month != 0 && IsDigit(d[7]) && IsDigit(d[8]) &&
                      IsDigit(d[9]) && IsDigit(d[10]);
      if (ok) year = std::stoi(std::string(d.substr(7, 4)));
      if (!ok) {
        WarnAt(kRecordingField.offset + 10,
               "EDF+ startdate " + internal::QuoteForMessage(d) +
                   " is not dd-MMM-yyyy; using the header date");
      } else if (year < kMinYear || year > kMaxYear) {
        WarnAt(kRecordingField.offset + 10,
               "EDF+ startdate " + internal::QuoteForMessage(d) +
                   " is outside " + std::to_string(kMinYear) + ".." +
                   std::to_string(kMaxYear) + "; using the header date");
      } else if (day != civil.day || month != civil.month ||
                 (!yy_literal && year % 100 != yy)) {
        WarnAt(kRecordingField.offset + 10,
               "EDF+ startdate " + internal::QuoteForMessage(d) +
                   " disagrees with the header date " +
                   internal::QuoteForMessage(date) + "; using the header date");
      } else {
        civil.year = year;
        four_digit_year = true;
      }
    }
  }
  if (yy_literal && !four_digit_year) {
    return Error(kStartDate.offset,
                 "start date " + internal::QuoteForMessage(date) +
                     " has year 'yy' but no EDF+ startdate gives the year");
  }
  if (!ValidCivil(civil)) {
    return Error(kStartDate.offset,
                 "start date and time " + internal::QuoteForMessage(date) +
                     " " + internal::QuoteForMessage(time) +
                     " is not a valid calendar date and time");
  }
  layout_.header_time = FromCivil(civil);
  return Status::Ok();
}

Status EdfReader::ParseSignalHeaders(const unsigned char* h, int ns) {
  const auto text = [&](const SignalField& f, int i) {
    return std::string_view(reinterpret_cast<const char*>(h) + 256 +
                                f.start_per_signal * ns + f.width * i,
                            f.width);
  };
  const auto offset_of = [&](const SignalField& f, int i) {
    return static_cast<uint64_t>(256 + f.start_per_signal * ns + f.width * i);
  };
  // ASCII everywhere in the signal headers.
  for (const SignalField& f : kSignalFields) {
    for (int i = 0; i < ns; ++i) {
      const std::string_view t = text(f, i);
      for (size_t k = 0; k < t.size(); ++k) {
        const auto c = static_cast<unsigned char>(t[k]);
        if (c < 0x20 || c > 0x7e) {
          char byte[8];
          std::snprintf(byte, sizeof byte, "0x%02X", c);
          return Error(offset_of(f, i) + k,
                       std::string("non-ASCII byte ") + byte + " in the " +
                           f.name + " of signal " + std::to_string(i) +
                           " (EDF header fields are printable ASCII)");
        }
      }
    }
  }
  const auto who = [&](int i) {
    return "signal " + std::to_string(i) + " (" +
           internal::QuoteForMessage(Trim(text(kLabel, i))) + ")";
  };
  const int64_t format_min = layout_.bdf ? -8388608 : -32768;
  const int64_t format_max = layout_.bdf ? 8388607 : 32767;
  int64_t record_samples = 0;
  Duration shortest_period{INT64_MAX};
  for (int i = 0; i < ns; ++i) {
    StoredSignal stored;
    const std::string_view label = Trim(text(kLabel, i));
    stored.annotation = layout_.plus && (label == "EDF Annotations" ||
                                         label == "BDF Annotations");
    int64_t spr = 0;
    if (!ParseInt(text(kSamplesPerRecord, i), &spr) || spr <= 0 ||
        spr > 99999999) {
      return Error(
          offset_of(kSamplesPerRecord, i),
          who(i) + " samples per data record " +
              internal::QuoteForMessage(Trim(text(kSamplesPerRecord, i))) +
              " is not a positive integer");
    }
    stored.samples_per_record = spr;
    stored.byte_offset = record_samples * layout_.bytes_per_sample;
    record_samples += spr;
    if (stored.annotation) {
      layout_.annotation_signals.push_back(i);
      layout_.stored.push_back(stored);
      continue;
    }
    Signal s;
    s.label = std::string(label);
    s.source_unit = std::string(Trim(text(kUnit, i)));
    s.unit = ToUcum(s.source_unit);
    s.transducer = std::string(Trim(text(kTransducer, i)));
    s.prefilter = std::string(Trim(text(kPrefilter, i)));
    s.bits = layout_.bdf ? 24 : 16;
    int64_t dmin = 0, dmax = 0;
    if (!ParseInt(text(kDigMin, i), &dmin) || dmin < INT32_MIN ||
        dmin > INT32_MAX) {
      return Error(offset_of(kDigMin, i),
                   who(i) + " digital minimum " +
                       internal::QuoteForMessage(Trim(text(kDigMin, i))) +
                       " is not an integer");
    }
    if (!ParseInt(text(kDigMax, i), &dmax) || dmax < INT32_MIN ||
        dmax > INT32_MAX) {
      return Error(offset_of(kDigMax, i),
                   who(i) + " digital maximum " +
                       internal::QuoteForMessage(Trim(text(kDigMax, i))) +
                       " is not an integer");
    }
    if (dmin >= dmax) {
      return Error(offset_of(kDigMin, i),
                   who(i) + " digital minimum " + std::to_string(dmin) +
                       " is not below the digital maximum " +
                       std::to_string(dmax));
    }
    if (dmin < format_min || dmax > format_max) {
      WarnAt(offset_of(kDigMin, i),
             who(i) + " digital range " + std::to_string(dmin) + ".." +
                 std::to_string(dmax) + " exceeds the " +
                 std::to_string(layout_.bdf ? 24 : 16) + "-bit range");
    }
    double pmin = 0, pmax = 0;
    if (!ParseDouble(text(kPhysMin, i), &pmin)) {
      return Error(offset_of(kPhysMin, i),
                   who(i) + " physical minimum " +
                       internal::QuoteForMessage(Trim(text(kPhysMin, i))) +
                       " is not a number");
    }
    if (!ParseDouble(text(kPhysMax, i), &pmax)) {
      return Error(offset_of(kPhysMax, i),
                   who(i) + " physical maximum " +
                       internal::QuoteForMessage(Trim(text(kPhysMax, i))) +
                       " is not a number");
    }
    s.digital_min = static_cast<int32_t>(dmin);
    s.digital_max = static_cast<int32_t>(dmax);
    s.physical_min = pmin;
    s.physical_max = pmax;
    if (pmin == pmax) {
      // No affine map can be derived: keep the digital values as they are.
      WarnAt(offset_of(kPhysMin, i),
             who(i) + " physical minimum equals maximum (" +
                 std::string(Trim(text(kPhysMin, i))) +
                 "); physical values are the digital values");
      s.scale = 1.0;
      s.offset = 0.0;
    } else {
      // The same arithmetic as EDFlib: bitvalue and offset in digital units.
      const double bitvalue = (pmax - pmin) / static_cast<double>(dmax - dmin);
      s.scale = bitvalue;
      s.offset = bitvalue * (pmax / bitvalue - static_cast<double>(dmax));
    }
    if (layout_.record_duration.ns <= 0) {
      return Error(kRecordDuration.offset,
                   "data record duration 0 leaves " + who(i) +
                       " without a sampling rate (only annotation-only files "
                       "may use 0)");
    }
    const Result<SampleRate> rate =
        SampleRate::FromSamplesPer(spr, layout_.record_duration);
    if (!rate.ok()) {
      return Error(
          offset_of(kSamplesPerRecord, i),
          who(i) + " has an impossible sampling rate: " + std::to_string(spr) +
              " samples per " +
              internal::QuoteForMessage(Trim(std::string_view(
                  reinterpret_cast<const char*>(h) + kRecordDuration.offset,
                  8))) +
              " s");
    }
    s.rate = *rate;
    shortest_period = std::min(shortest_period, s.rate.OffsetOfSample(1));
    stored.data_index = static_cast<int>(recording_.signals.size());
    recording_.signals.push_back(std::move(s));
    layout_.stored.push_back(stored);
  }
  has_data_signals_ = !recording_.signals.empty();
  tolerance_ =
      has_data_signals_ ? Duration{shortest_period.ns / 2} : Duration{};
  const int64_t record_bytes = record_samples * layout_.bytes_per_sample;
  if (record_bytes > kEdfMaxRecordBytes) {
    return UnimplementedError(
        name_ + " offset " +
        std::to_string(256 + kSamplesPerRecord.start_per_signal * ns) +
        ": data record of " + std::to_string(record_bytes) +
        " bytes exceeds the supported " + std::to_string(kEdfMaxRecordBytes) +
        " bytes");
  }
  layout_.record_bytes = static_cast<uint64_t>(record_bytes);
  if (layout_.plus && layout_.annotation_signals.empty()) {
    Warn(std::string(layout_.bdf ? "BDF+" : "EDF+") +
         " file without an annotation signal; read as continuous without "
         "annotations");
  }
  return Status::Ok();
}

Status EdfReader::CheckDataSize(int64_t declared_records) {
  const uint64_t size = source_->size();
  const uint64_t data_bytes = size - layout_.header_bytes;
  const uint64_t rb = layout_.record_bytes;
  const uint64_t complete = data_bytes / rb;
  if (declared_records == -1) {
    layout_.num_records = static_cast<int64_t>(complete);
    WarnAt(kRecordCount.offset,
           "number of data records is -1 (recording not closed); " +
               std::to_string(complete) +
               " records computed from the file size");
    if (data_bytes % rb != 0) {
      WarnAt(RecordOffset(static_cast<int64_t>(complete)),
             "last data record is incomplete (" +
                 std::to_string(data_bytes % rb) + " of " + std::to_string(rb) +
                 " bytes); ignored");
    }
    return CheckSpan();
  }
  if (static_cast<uint64_t>(declared_records) > complete) {
    const uint64_t at = layout_.header_bytes + complete * rb;
    return Error(at, "data record " + std::to_string(complete) +
                         " is incomplete: the file ends " +
                         std::to_string(size - at) +
                         " bytes into it (the header declares " +
                         std::to_string(declared_records) + " records of " +
                         std::to_string(rb) + " bytes)");
  }
  layout_.num_records = declared_records;
  const uint64_t used =
      layout_.header_bytes + static_cast<uint64_t>(declared_records) * rb;
  if (size > used) {
    WarnAt(used, std::to_string(size - used) + " bytes after the last of " +
                     std::to_string(declared_records) +
                     " declared data records ignored");
  }
  if (declared_records == 0) Warn("the file has no data records");
  return CheckSpan();
}

Status EdfReader::CheckSpan() const {
  const __int128 span =
      static_cast<__int128>(layout_.num_records) * layout_.record_duration.ns;
  if (span > kMaxRecordingSpanNs) {
    return Error(kRecordCount.offset,
                 std::to_string(layout_.num_records) + " data records of " +
                     FormatOffset(layout_.record_duration) +
                     " span more than the supported 50 years");
  }
  return Status::Ok();
}

Status EdfReader::ReadFirstTimeKeeping() {
  if (layout_.annotation_signals.empty() || layout_.num_records == 0)
    return Status::Ok();
  const StoredSignal& a = layout_.stored[layout_.annotation_signals.front()];
  const size_t n =
      static_cast<size_t>(a.samples_per_record * layout_.bytes_per_sample);
  const uint64_t at = RecordOffset(0) + static_cast<uint64_t>(a.byte_offset);
  JUMEAU_ASSIGN_OR_RETURN(const unsigned char* p, source_->View(at, n));
  std::optional<Duration> onset;
  std::vector<Event> ignored_events;
  std::vector<std::string>
      ignored_warnings;  // reported again when record 0 streams
  ParseTals(p, n, at, /*time_keeping_signal=*/true, &onset, &ignored_events,
            &ignored_warnings);
  if (!onset) {
    if (layout_.discontinuous && has_data_signals_) {
      return Error(at,
                   "the first data record has no time-keeping annotation "
                   "(required in EDF+D)");
    }
    return Status::Ok();
  }
  if (onset->ns < 0 || onset->ns >= kNanosPerSecond) {
    WarnAt(
        at,
        "first data record starts " + FormatOffset(*onset) +
            " after the header start time (expected a fraction of a second)");
  }
  recording_.start = layout_.header_time + *onset;
  return Status::Ok();
}

void EdfReader::ParseRecordAnnotations(
    const unsigned char* rec, int64_t record,
    std::optional<Duration>* time_keeping, std::vector<Event>* events,
    std::vector<std::string>* warnings) const {
  bool first = true;
  for (const int idx : layout_.annotation_signals) {
    const StoredSignal& a = layout_.stored[idx];
    const size_t n =
        static_cast<size_t>(a.samples_per_record * layout_.bytes_per_sample);
    ParseTals(rec + a.byte_offset, n, RecordOffset(record) + a.byte_offset,
              first, time_keeping, events, warnings);
    first = false;
  }
}

// TAL: onset [0x15 duration] 0x14 (text 0x14)* 0x00, repeated; zero padding
// after the last one. In the first annotation signal the first TAL of each
// record is the time-keeping one (its first text is empty).
void EdfReader::ParseTals(const unsigned char* p, size_t n,
                          uint64_t base_offset, bool time_keeping_signal,
                          std::optional<Duration>* time_keeping,
                          std::vector<Event>* events,
                          std::vector<std::string>* warnings) const {
  const auto warn = [&](size_t at, const std::string& m) {
    warnings->push_back("offset " + std::to_string(base_offset + at) + ": " +
                        m);
  };
  const char* text = reinterpret_cast<const char*>(p);
  size_t pos = 0;
  bool first_tal = true;
  while (pos < n) {
    if (p[pos] == 0) {
      ++pos;
      continue;
    }
    const size_t tal_start = pos;
    const void* nul = std::memchr(p + pos, 0, n - pos);
    const size_t end =
        nul ? static_cast<size_t>(static_cast<const unsigned char*>(nul) - p)
            : n;
    pos = end + 1;
    const bool is_time_keeping = time_keeping_signal && first_tal;
    first_tal = false;
    const std::string_view tal(text + tal_start, end - tal_start);
    if (!nul) {
      warn(tal_start,
           "annotation list " + internal::QuoteForMessage(tal.substr(0, 40)) +
               " is not terminated by a 0 byte before the end of the signal");
    }
    const size_t onset_end = tal.find_first_of("\x14\x15");
    if (onset_end == std::string_view::npos) {
      warn(tal_start, "malformed annotation " +
                          internal::QuoteForMessage(tal.substr(0, 40)) +
                          " skipped");
      continue;
    }
    Duration onset;
    if (!ParseTalTime(tal.substr(0, onset_end), /*signed_onset=*/true,
                      &onset)) {
      warn(tal_start, "annotation onset " +
                          internal::QuoteForMessage(tal.substr(0, onset_end)) +
                          " is not [+-]seconds; annotation skipped");
      continue;
    }
    size_t cursor = onset_end;
    std::optional<Duration> duration;
    if (tal[cursor] == '\x15') {
      const size_t dur_end = tal.find('\x14', cursor + 1);
      Duration d;
      if (dur_end == std::string_view::npos ||
          !ParseTalTime(tal.substr(cursor + 1, dur_end - cursor - 1), false,
                        &d)) {
        warn(tal_start, "annotation duration in " +
                            internal::QuoteForMessage(tal.substr(0, 40)) +
                            " is not a number of seconds; annotation skipped");
        continue;
      }
      duration = d;
      cursor = dur_end;
    }
    // tal[cursor] == 0x14; texts follow, each ended by 0x14.
    std::string_view rest = tal.substr(cursor + 1);
    if (is_time_keeping) *time_keeping = onset;
    bool first_text = true;
    while (!rest.empty()) {
      const size_t sep = rest.find('\x14');
      std::string_view piece = rest.substr(0, sep);
      if (sep == std::string_view::npos) {
        warn(tal_start + (rest.data() - tal.data()),
             "annotation text " +
                 internal::QuoteForMessage(piece.substr(0, 40)) +
                 " is not ended by 0x14; kept");
        rest = {};
      } else {
        rest.remove_prefix(sep + 1);
      }
      const bool skip = is_time_keeping && first_text && piece.empty();
      first_text = false;
      if (skip) continue;
      Event e;
      e.time = layout_.header_time + onset;
      if (duration) e.end = e.time + *duration;
      std::string t;
      if (IsValidUtf8(piece)) {
        t = std::string(piece);
      } else {
        t = Latin1ToUtf8(piece);
        warn(tal_start, "annotation text " +
                            internal::QuoteForMessage(piece.substr(0, 40)) +
                            " is not UTF-8; read as Latin-1");
      }
      e.code = Code{code_system::kEdfAnnotation, t, ""};
      e.text = std::move(t);
      events->push_back(std::move(e));
    }
  }
}

Result<bool> EdfReader::Next(SampleBlock* block) {
  if (group_next_signal_ < layout_.stored.size()) {
    block->events.clear();
    EmitGroupSignal(block);
    return true;
  }
  if (next_record_ >= layout_.num_records) return false;
  JUMEAU_RETURN_IF_ERROR(StartGroup(&block->events));
  if (signal_blocks_) {
    EmitGroupSignal(block);
  } else {
    EmitGroup(block);
  }
  return true;
}

void EdfReader::PreferSignalBlocks(int64_t samples) {
  if (next_record_ > 0 || samples <= 0) return;  // too late, or no hint
  int64_t max_spr = 1;
  for (const StoredSignal& st : layout_.stored) {
    if (!st.annotation) max_spr = std::max(max_spr, st.samples_per_record);
  }
  signal_blocks_ = true;
  records_per_block_ = std::clamp<int64_t>(
      (samples + max_spr - 1) / max_spr, 1,
      std::max<int64_t>(
          1, kEdfMaxGroupBytes / static_cast<int64_t>(layout_.record_bytes)));
}

void EdfReader::SetGroupStarts(SampleBlock* block) const {
  const size_t nsig = recording_.signals.size();
  block->samples.resize(nsig);
  block->start.resize(nsig);
  for (const StoredSignal& st : layout_.stored) {
    if (st.annotation) continue;
    block->start[st.data_index] =
        segment_start_ +
        recording_.signals[st.data_index].rate.OffsetOfSample(
            (group_first_ - segment_first_record_) * st.samples_per_record);
  }
}

void EdfReader::EmitGroup(SampleBlock* block) {
  SetGroupStarts(block);
  for (const StoredSignal& st : layout_.stored) {
    if (st.annotation) continue;
    block->samples[st.data_index].resize(
        static_cast<size_t>(group_count_ * st.samples_per_record));
  }
  for (int64_t k = 0; k < group_count_; ++k) {
    const unsigned char* rec =
        buffer_ + static_cast<uint64_t>(group_first_ + k - buffer_first_) *
                      layout_.record_bytes;
    for (const StoredSignal& st : layout_.stored) {
      if (st.annotation) continue;
      const size_t spr = static_cast<size_t>(st.samples_per_record);
      int32_t* out =
          block->samples[st.data_index].data() + static_cast<size_t>(k) * spr;
      if (layout_.bdf) {
        Decode24(rec + st.byte_offset, spr, out);
      } else {
        Decode16(rec + st.byte_offset, spr, out);
      }
    }
  }
  group_next_signal_ = layout_.stored.size();
}

Status EdfReader::StartGroup(std::vector<Event>* events) {
  if (next_record_ < buffer_first_ ||
      next_record_ >= buffer_first_ + buffer_count_ || buffer_ == nullptr) {
    const int64_t count =
        std::min(records_per_block_, layout_.num_records - next_record_);
    JUMEAU_ASSIGN_OR_RETURN(buffer_, source_->View(RecordOffset(next_record_),
                                                   static_cast<size_t>(count) *
                                                       layout_.record_bytes));
    buffer_first_ = next_record_;
    buffer_count_ = count;
  }
  events->clear();
  const int64_t first = next_record_;
  const int64_t buffer_end = buffer_first_ + buffer_count_;
  const bool timed =
      layout_.plus && has_data_signals_ && !layout_.annotation_signals.empty();
  std::vector<Event> record_events;
  std::vector<std::string> record_warnings;
  int64_t count = 0;
  for (int64_t r = first; r < buffer_end; ++r) {
    const unsigned char* rec =
        buffer_ +
        static_cast<uint64_t>(r - buffer_first_) * layout_.record_bytes;
    record_events.clear();
    record_warnings.clear();
    std::optional<Duration> time_keeping;
    if (!layout_.annotation_signals.empty()) {
      ParseRecordAnnotations(rec, r, &time_keeping, &record_events,
                             &record_warnings);
    }
    Time record_start = r == 0 ? recording_.start
                               : prev_record_start_ + layout_.record_duration;
    bool new_segment = r == 0;
    if (timed && r > 0) {
      const uint64_t at =
          RecordOffset(r) +
          layout_.stored[layout_.annotation_signals[0]].byte_offset;
      if (!time_keeping) {
        if (layout_.discontinuous) {
          return Error(
              at, "data record " + std::to_string(r) +
                      " has no time-keeping annotation (required in EDF+D)");
        }
        record_warnings.push_back(
            "offset " + std::to_string(at) + ": data record " +
            std::to_string(r) +
            " has no time-keeping annotation; assumed continuous");
      } else {
        const Time actual = layout_.header_time + *time_keeping;
        const Duration deviation = actual - record_start;
        if (deviation > tolerance_) {
          if (!layout_.discontinuous) {
            record_warnings.push_back(
                "offset " + std::to_string(at) + ": data record " +
                std::to_string(r) + " of an EDF+C file starts " +
                FormatOffset(deviation) +
                " after the previous record ends; read as a gap");
          }
          record_start = actual;
          new_segment = true;
        } else if (deviation < -tolerance_) {
          return Error(
              at, "data record " + std::to_string(r) + " starts at " +
                      FormatOffset(*time_keeping) + ", " +
                      FormatOffset(-deviation) +
                      " before the previous record ends (records overlap)");
        }
      }
    }
    if (new_segment && count > 0) break;  // the next block starts here
    if (new_segment) {
      segment_first_record_ = r;
      segment_start_ = record_start;
    }
    prev_record_start_ = record_start;
    for (std::string& w : record_warnings) Warn(std::move(w));
    for (Event& e : record_events) events->push_back(std::move(e));
    ++count;
  }
  group_first_ = first;
  group_count_ = count;
  group_next_signal_ = 0;
  next_record_ = first + count;
  bytes_read_ = RecordOffset(next_record_);
  return Status::Ok();
}

void EdfReader::EmitGroupSignal(SampleBlock* block) {
  // The group's next data signal; none in a file of annotations only, whose
  // group is one block of events.
  const size_t nstored = layout_.stored.size();
  size_t at = group_next_signal_;
  while (at < nstored && layout_.stored[at].annotation) ++at;
  group_next_signal_ = at + 1;
  while (group_next_signal_ < nstored &&
         layout_.stored[group_next_signal_].annotation) {
    ++group_next_signal_;
  }
  group_next_signal_ = std::min(group_next_signal_, nstored);

  SetGroupStarts(block);
  const size_t nsig = recording_.signals.size();
  if (at == nstored) {
    for (std::vector<int32_t>& v : block->samples) v.clear();
    return;
  }
  const StoredSignal& st = layout_.stored[at];
  // One buffer serves every signal: the largest one the block holds moves to
  // this signal's slot, so the decoded samples stay in the cache.
  std::vector<int32_t>& out =
      block->samples[static_cast<size_t>(st.data_index)];
  for (size_t s = 0; s < nsig; ++s) {
    if (s == static_cast<size_t>(st.data_index)) continue;
    std::vector<int32_t>& v = block->samples[s];
    if (v.capacity() > out.capacity()) out.swap(v);
    v.clear();
  }
  const size_t spr = static_cast<size_t>(st.samples_per_record);
  out.resize(static_cast<size_t>(group_count_) * spr);
  const unsigned char* rec =
      buffer_ +
      static_cast<uint64_t>(group_first_ - buffer_first_) *
          layout_.record_bytes +
      st.byte_offset;
  const size_t bytes = spr * static_cast<size_t>(layout_.bytes_per_sample);
  for (int64_t k = 0; k < group_count_; ++k, rec += layout_.record_bytes) {
    // The signal's bytes are short runs a record apart, which the hardware
    // prefetcher does not foresee: ask for the run two records ahead.
    if (k + 2 < group_count_) {
      const unsigned char* ahead = rec + 2 * layout_.record_bytes;
      for (size_t b = 0; b < bytes; b += 64) __builtin_prefetch(ahead + b);
    }
    int32_t* dst = out.data() + static_cast<size_t>(k) * spr;
    if (layout_.bdf) {
      Decode24(rec, spr, dst);
    } else {
      Decode16(rec, spr, dst);
    }
  }
}

Result<std::unique_ptr<RecordingReader>> OpenSource(
    std::unique_ptr<ByteSource> source, std::string name,
    std::optional<std::filesystem::path> path) {
  auto reader = std::make_unique<EdfReader>(std::move(source), std::move(name),
                                            std::move(path));
  JUMEAU_RETURN_IF_ERROR(reader->Open());
  return std::unique_ptr<RecordingReader>(std::move(reader));
}

Result<Recording> ReadWhole(RecordingReader& reader) {
  JUMEAU_ASSIGN_OR_RETURN(Recording recording, ReadAll(reader));
  // ReadAll copies header() before streaming; warnings found while streaming
  // were appended to it since.
  recording.warnings = reader.header().warnings;
  return recording;
}

}  // namespace

Result<std::unique_ptr<RecordingReader>> OpenEdf(
    const std::filesystem::path& path) {
  JUMEAU_ASSIGN_OR_RETURN(std::unique_ptr<FileSource> source,
                          FileSource::Open(path));
  return OpenSource(std::move(source), path.string(), path);
}

Result<Recording> ReadEdf(const std::filesystem::path& path) {
  JUMEAU_ASSIGN_OR_RETURN(std::unique_ptr<RecordingReader> reader,
                          OpenEdf(path));
  return ReadWhole(*reader);
}

Result<std::unique_ptr<RecordingReader>> OpenEdfFromMemory(
    std::string_view bytes, std::string_view name) {
  return OpenSource(std::make_unique<MemorySource>(bytes), std::string(name),
                    std::nullopt);
}

Result<Recording> ReadEdfFromMemory(std::string_view bytes,
                                    std::string_view name) {
  JUMEAU_ASSIGN_OR_RETURN(std::unique_ptr<RecordingReader> reader,
                          OpenEdfFromMemory(bytes, name));
  return ReadWhole(*reader);
}

void DigitalToPhysical(const int32_t* digital, size_t n, double scale,
                       double offset, double* physical) {
  size_t i = 0;
#ifdef JUMEAU_EDF_VECTOR
  for (; i + 8 <= n; i += 8) {
    I32x4 a, b;
    std::memcpy(&a, digital + i, 16);
    std::memcpy(&b, digital + i + 4, 16);
    F64x4 da = __builtin_convertvector(a, F64x4);
    F64x4 db = __builtin_convertvector(b, F64x4);
    da = da * scale + offset;
    db = db * scale + offset;
    std::memcpy(physical + i, &da, 32);
    std::memcpy(physical + i + 4, &db, 32);
  }
#endif
  for (; i < n; ++i) physical[i] = digital[i] * scale + offset;
}

void BlockToPhysical(const SampleBlock& block, const Recording& header,
                     std::vector<std::vector<double>>* physical) {
  physical->resize(block.samples.size());
  for (size_t s = 0; s < block.samples.size() && s < header.signals.size();
       ++s) {
    const std::vector<int32_t>& in = block.samples[s];
    std::vector<double>& out = (*physical)[s];
    out.resize(in.size());
    DigitalToPhysical(in.data(), in.size(), header.signals[s].scale,
                      header.signals[s].offset, out.data());
  }
}

}  // namespace jumeau::io

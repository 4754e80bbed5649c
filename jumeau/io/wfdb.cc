// OpenWfdb(): a streaming RecordingReader over WFDB records. One
// SegmentReader decodes a single-segment record group by group (a group is
// one signal file); MultiSegmentReader chains SegmentReaders over the
// segments of a fixed-layout multi-segment record, null segments as gaps.
#include "jumeau/io/wfdb.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <numeric>
#include <set>

#include "jumeau/core/units.h"
#include "jumeau/io/internal/wfdb_files.h"
#include "jumeau/io/wfdb_signal.h"

namespace jumeau::io {
namespace {

constexpr int64_t kMaxSamplesPerBlock = int64_t{4} << 20;
constexpr int64_t kMaxFrameSamples = int64_t{1} << 20;
constexpr int32_t kNullSignalValue = -32768;  // WFDB_INVALID_SAMPLE
constexpr int64_t kNanosPerSecond = 1000000000;

// A signal file open for positioned reads: a file descriptor (closed on
// destruction) or a file of an in-memory set.
class File {
 public:
  File() = default;
  File(const File&) = delete;
  File& operator=(const File&) = delete;
  File(File&& o) noexcept
      : fd_(o.fd_), mem_(o.mem_), keep_(std::move(o.keep_)) {
    o.fd_ = -1;
  }
  File& operator=(File&& o) noexcept {
    std::swap(fd_, o.fd_);
    std::swap(mem_, o.mem_);
    std::swap(keep_, o.keep_);
    return *this;
  }
  ~File() {
    if (fd_ >= 0) ::close(fd_);
  }

  // Opens `path` for reading and returns its size.
  Result<int64_t> Open(const std::filesystem::path& path) {
    fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd_ < 0) {
      const int err = errno;
      if (err == ENOENT)
        return NotFoundError(path.string() + ": no such signal file");
      return IoError(path.string() + ": cannot open: " + std::strerror(err));
    }
    struct stat st;
    if (::fstat(fd_, &st) != 0) return IoError(path.string() + ": cannot stat");
    if (!S_ISREG(st.st_mode))
      return IoError(path.string() + ": not a regular file");
    return static_cast<int64_t>(st.st_size);
  }

  // Uses `*bytes` (kept alive by `keep`) as the file.
  int64_t OpenMemory(const std::string* bytes,
                     std::shared_ptr<const WfdbMemoryFiles> keep) {
    mem_ = bytes;
    keep_ = std::move(keep);
    return static_cast<int64_t>(bytes->size());
  }

  // Reads up to n bytes at `offset`; returns the count read (short at EOF).
  Result<int64_t> ReadAt(int64_t offset, int64_t n, uint8_t* out) const {
    if (mem_ != nullptr) {
      const auto size = static_cast<int64_t>(mem_->size());
      const int64_t got = std::clamp<int64_t>(size - offset, 0, n);
      if (got > 0)
        std::memcpy(out, mem_->data() + offset, static_cast<size_t>(got));
      return got;
    }
    int64_t got = 0;
    while (got < n) {
      const ssize_t r =
          ::pread(fd_, out + got, static_cast<size_t>(n - got), offset + got);
      if (r < 0) {
        if (errno == EINTR) continue;
        return IoError(std::string("read error: ") + std::strerror(errno));
      }
      if (r == 0) break;
      got += r;
    }
    return got;
  }

 private:
  int fd_ = -1;
  const std::string* mem_ = nullptr;
  std::shared_ptr<const WfdbMemoryFiles> keep_;
};

// Where a record's files come from: the file system, or an in-memory set
// keyed by file name.
class Storage {
 public:
  Storage() = default;
  explicit Storage(std::shared_ptr<const WfdbMemoryFiles> mem)
      : mem_(std::move(mem)) {}

  Result<std::string> ReadText(const std::filesystem::path& path,
                               uint64_t max_bytes) const {
    if (mem_ == nullptr) return internal::ReadWholeFile(path, max_bytes);
    const std::string* f = Find(path);
    if (f == nullptr) return NotFoundError(path.string() + ": no such file");
    if (f->size() > max_bytes)
      return OutOfRangeError(path.string() + ": too large");
    return *f;
  }

  Result<int64_t> Open(const std::filesystem::path& path, File* file) const {
    if (mem_ == nullptr) return file->Open(path);
    const std::string* f = Find(path);
    if (f == nullptr)
      return NotFoundError(path.string() + ": no such signal file");
    return file->OpenMemory(f, mem_);
  }

 private:
  const std::string* Find(const std::filesystem::path& path) const {
    const auto it = mem_->find(path.filename().string());
    return it == mem_->end() ? nullptr : &it->second;
  }

  std::shared_ptr<const WfdbMemoryFiles> mem_;
};

// Exact rate of a signal with `spf` samples per frame. Returns false on
// overflow.
bool MultiplyRate(const SampleRate& frame, int64_t spf, SampleRate* out) {
  const __int128 num = static_cast<__int128>(frame.numerator()) * spf;
  const int64_t den = frame.denominator();
  const __int128 g = std::gcd(static_cast<int64_t>(spf), den);
  const __int128 n = num / g, d = den / g;
  if (n > INT64_MAX / kNanosPerSecond || d > INT64_MAX / kNanosPerSecond)
    return false;
  *out = SampleRate(static_cast<int64_t>(n), static_cast<int64_t>(d));
  return true;
}

// Checks that `frames` frames of up to `max_spf` samples each keep sample
// indices and times far from overflow: at most 2^53 samples per signal and
// a duration under 2^62 ns (about 146 years).
Status CheckLength(int64_t frames, int64_t max_spf,
                   const SampleRate& frame_rate, Time start,
                   const std::string& hea_name) {
  if (frames > (int64_t{1} << 53) / std::max<int64_t>(max_spf, 1)) {
    return DataLossError(hea_name + ": record of " + std::to_string(frames) +
                         " frames is too long");
  }
  const __int128 ns = static_cast<__int128>(frames) * kNanosPerSecond *
                      frame_rate.denominator() / frame_rate.numerator();
  if (ns > (static_cast<__int128>(1) << 62) ||
      ns + start.ns_since_epoch > INT64_MAX) {
    return DataLossError(hea_name + ": record of " + std::to_string(frames) +
                         " frames at " + frame_rate.ToString() +
                         " Hz lasts over 146 years or ends after 2262");
  }
  return Status::Ok();
}

// Builds the Recording signals (metadata only) of a header.
Status BuildSignals(const WfdbHeader& h, std::string_view hea_name, Time start,
                    std::vector<Signal>* signals,
                    std::vector<std::string>* warnings) {
  for (size_t i = 0; i < h.signals.size(); ++i) {
    const WfdbSignalSpec& spec = h.signals[i];
    Signal s;
    s.label = spec.description.empty() ? "sig " + std::to_string(i)
                                       : spec.description;
    s.source_unit = spec.units;
    s.unit = spec.units.empty() ? "mV" : ToUcum(spec.units);
    if (!MultiplyRate(h.frequency, spec.samples_per_frame, &s.rate)) {
      return DataLossError(
          std::string(hea_name) + " line " + std::to_string(spec.line) +
          ": sampling frequency times samples per frame is out of range");
    }
    s.start = start;
    const double gain = spec.gain_for_scale();
    if (spec.adc_gain == 0.0) {
      warnings->push_back(std::string(hea_name) + " line " +
                          std::to_string(spec.line) + ": signal " +
                          std::to_string(i) + " (" + s.label +
                          ") has no ADC gain (uncalibrated); assuming 200 per "
                          "unit as WFDB does");
    }
    s.scale = 1.0 / gain;
    s.offset = -static_cast<double>(spec.baseline) / gain;
    const int bits = spec.resolved_adc_resolution;
    const int64_t half = int64_t{1} << (bits - 1);
    const int64_t dmin =
        std::clamp<int64_t>(spec.adc_zero - half, INT32_MIN, INT32_MAX);
    const int64_t dmax =
        std::clamp<int64_t>(spec.adc_zero + half - 1, INT32_MIN, INT32_MAX);
    s.digital_min = static_cast<int32_t>(dmin);
    s.digital_max = static_cast<int32_t>(dmax);
    s.physical_min = s.digital_min * s.scale + s.offset;
    s.physical_max = s.digital_max * s.scale + s.offset;
    s.bits = bits;
    signals->push_back(std::move(s));
  }
  return Status::Ok();
}

// Start time with the documented conventions for missing fields.
Time StartOf(const WfdbHeader& h, std::string_view hea_name,
             std::vector<std::string>* warnings) {
  if (!h.base_time_present) {
    warnings->push_back(
        std::string(hea_name) +
        ": no base time or date; start set to 1970-01-01T00:00:00Z");
  } else if (!h.base_date_present) {
    warnings->push_back(
        std::string(hea_name) +
        ": no base date; start set to 1970-01-01 at the base time");
  }
  return h.StartTime();
}

// Decodes one single-segment record, frame range by frame range.
class SegmentReader {
 public:
  // Opens the signal files of `h` (the header at `dir`/`hea_name`).
  Status Open(const WfdbHeader& h, const Storage& storage,
              const std::filesystem::path& dir, std::string hea_name,
              std::vector<std::string>* warnings);

  int64_t frames() const { return frames_; }
  // Frames per Next() block: at most kWfdbFramesPerBlock and ~4 M samples.
  int64_t block_frames() const { return chunk_frames_; }
  uint64_t bytes_total() const { return bytes_total_; }
  uint64_t bytes_read() const { return bytes_read_; }
  const std::vector<std::filesystem::path>& files() const { return files_; }

  // Decodes output frames [f0, f1) into (*out)[s] (resized to the sample
  // count), verifying checksums once the last frame is decoded.
  // REQUIRES: consecutive calls with f0 equal to the previous f1, starting at
  // 0; f1 <= frames().
  Status Read(int64_t f0, int64_t f1, std::vector<std::vector<int32_t>>* out);
  // As Read, writing signal s's samples of frame f0 onwards at dst[s].
  Status ReadInto(int64_t f0, int64_t f1, const std::vector<int32_t*>& dst);

 private:
  struct SignalState {
    int spf = 1;
    int pos = 0;  // offset of its first sample within the group's frame
    int64_t skew = 0;
    uint32_t value = 0;  // running amplitude for format 8
    uint32_t sum = 0;    // checksum accumulator
    std::optional<int64_t> checksum;
    std::string label;
  };
  struct SkewClass {
    int64_t skew = 0;
    int64_t cursor = 0;  // raw frames consumed so far
    std::vector<int> signals;
  };
  struct Group {
    std::string file_name;
    const WfdbFormatInfo* info = nullptr;  // nullptr: null signals (format 0)
    int64_t byte_offset = 0;
    int64_t frame_samples = 0;
    int64_t available = 0;  // complete raw frames in the file
    std::vector<int> signals;
    std::vector<SkewClass> classes;
    File file;
    bool pairs212 =
        false;  // fast path: 212, two signals, 1 sample/frame, no skew
  };

  Status DecodeRaw(Group& g, int64_t r0, int64_t r1);
  void Consume(const Group& g, SignalState& s, int64_t r0, int64_t r1,
               int64_t first_out, int32_t* out);
  Status VerifyChecksums();

  std::string hea_name_;
  std::vector<SignalState> signals_;
  std::vector<Group> groups_;
  std::vector<std::filesystem::path> files_;
  int64_t frames_ = 0;
  int64_t checksum_frames_ = 0;  // raw frames summed into checksums; 0: none
  int64_t chunk_frames_ = 1;
  uint64_t bytes_total_ = 0;
  uint64_t bytes_read_ = 0;
  std::vector<uint8_t> bytes_;
  std::vector<int32_t> flat_;
  int64_t lead_ = 0;
};

Status SegmentReader::Open(const WfdbHeader& h, const Storage& storage,
                           const std::filesystem::path& dir,
                           std::string hea_name,
                           std::vector<std::string>* warnings) {
  hea_name_ = std::move(hea_name);
  signals_.resize(h.signals.size());
  int64_t total_frame_samples = 0;
  std::set<std::string> seen_files;
  for (size_t i = 0; i < h.signals.size(); ++i) {
    const WfdbSignalSpec& spec = h.signals[i];
    SignalState& st = signals_[i];
    st.spf = spec.samples_per_frame;
    st.skew = spec.skew;
    st.value = static_cast<uint32_t>(spec.initial_value);
    st.checksum = spec.checksum;
    st.label = spec.description.empty() ? "sig " + std::to_string(i)
                                        : spec.description;
    const bool new_group =
        groups_.empty() || groups_.back().file_name != spec.file_name;
    if (new_group) {
      if (!seen_files.insert(spec.file_name).second) {
        return DataLossError(hea_name_ + " line " + std::to_string(spec.line) +
                             ": signal lines for " + spec.file_name +
                             " are not consecutive");
      }
      Group g;
      g.file_name = spec.file_name;
      g.info = spec.format == 0 ? nullptr : FindWfdbFormat(spec.format);
      g.byte_offset = spec.byte_offset;
      groups_.push_back(std::move(g));
    } else {
      const WfdbSignalSpec& first = h.signals[groups_.back().signals.front()];
      if (first.format != spec.format) {
        return DataLossError(hea_name_ + " line " + std::to_string(spec.line) +
                             ": signals in " + spec.file_name +
                             " have different formats (" +
                             std::to_string(first.format) + " and " +
                             std::to_string(spec.format) + ")");
      }
      if (first.byte_offset != spec.byte_offset) {
        return DataLossError(hea_name_ + " line " + std::to_string(spec.line) +
                             ": signals in " + spec.file_name +
                             " have different byte offsets");
      }
    }
    Group& g = groups_.back();
    st.pos = static_cast<int>(g.frame_samples);
    g.frame_samples += st.spf;
    total_frame_samples += st.spf;
    if (g.frame_samples > kMaxFrameSamples ||
        total_frame_samples > kMaxFrameSamples) {
      return DataLossError(hea_name_ + " line " + std::to_string(spec.line) +
                           ": more than " + std::to_string(kMaxFrameSamples) +
                           " samples per frame");
    }
    g.signals.push_back(static_cast<int>(i));
    auto cls =
        std::find_if(g.classes.begin(), g.classes.end(),
                     [&](const SkewClass& c) { return c.skew == spec.skew; });
    if (cls == g.classes.end()) {
      g.classes.push_back(SkewClass{spec.skew, 0, {}});
      cls = g.classes.end() - 1;
    }
    cls->signals.push_back(static_cast<int>(i));
  }
  chunk_frames_ = std::clamp<int64_t>(
      kMaxSamplesPerBlock / std::max<int64_t>(total_frame_samples, 1), 1,
      kWfdbFramesPerBlock);

  // Open the files and find how many frames each holds.
  const int64_t declared =
      h.samples_per_signal_present ? h.samples_per_signal : -1;
  int64_t frames = -1;
  for (Group& g : groups_) {
    if (g.info == nullptr) {
      g.available = INT64_MAX;
      continue;
    }
    const std::filesystem::path path = dir / g.file_name;
    JUMEAU_ASSIGN_OR_RETURN(const int64_t size, storage.Open(path, &g.file));
    files_.push_back(path);
    const int64_t data_bytes = std::max<int64_t>(0, size - g.byte_offset);
    bytes_total_ += static_cast<uint64_t>(data_bytes);
    const int64_t samples = WfdbSamplesInBytes(*g.info, data_bytes);
    g.available = samples / g.frame_samples;
    int64_t max_skew = 0;
    for (const SkewClass& c : g.classes) max_skew = std::max(max_skew, c.skew);
    if (declared >= 0) {
      if (g.available < declared) {
        std::string expected;
        if (declared <= (int64_t{1} << 53) / g.frame_samples) {
          expected = " (" +
                     std::to_string(WfdbBytesForSamples(
                                        *g.info, declared * g.frame_samples) +
                                    g.byte_offset) +
                     " bytes expected)";
        }
        return DataLossError(
            g.file_name + " offset " + std::to_string(size) +
            ": truncated: the file holds " + std::to_string(g.available) +
            " complete frames of the " + std::to_string(declared) + " that " +
            hea_name_ + " declares" + expected);
      }
      if (g.available > declared + max_skew) {
        warnings->push_back(g.file_name + ": holds " +
                            std::to_string(g.available - declared) +
                            " frames beyond the " + std::to_string(declared) +
                            " declared; ignored");
      }
      if (max_skew > 0 && g.available < declared + max_skew) {
        for (const SkewClass& c : g.classes) {
          if (g.available >= declared + c.skew) continue;
          for (int s : c.signals) {
            warnings->push_back(
                g.file_name + ": signal " + std::to_string(s) + " (" +
                signals_[s].label + ") has skew " + std::to_string(c.skew) +
                "; its last " +
                std::to_string(
                    std::min(declared, declared + c.skew - g.available)) +
                " frames lie past the end of the file and are set to " +
                std::to_string(g.info->invalid_value) + " (invalid)");
          }
        }
      }
    } else {
      if (samples % g.frame_samples != 0 ||
          WfdbBytesForSamples(*g.info, samples) != data_bytes) {
        warnings->push_back(g.file_name +
                            ": ends with a partial frame; ignored");
      }
      const int64_t usable = std::max<int64_t>(0, g.available - max_skew);
      frames = frames < 0 ? usable : std::min(frames, usable);
    }
  }
  if (declared >= 0) {
    frames_ = declared;
    checksum_frames_ = declared;
  } else {
    frames_ = std::max<int64_t>(frames, 0);
    checksum_frames_ = 0;
    bool any_checksum = false;
    for (const SignalState& s : signals_)
      any_checksum |= s.checksum.has_value() && *s.checksum != 0;
    if (any_checksum) {
      warnings->push_back(
          hea_name_ + ": record length unspecified; checksums not verified");
    }
    if (!groups_.empty() && frames < 0) {
      warnings->push_back(
          hea_name_ +
          ": record length unspecified and only null signals; read as empty");
    }
  }
  int64_t max_spf = 1;
  for (const SignalState& st : signals_)
    max_spf = std::max<int64_t>(max_spf, st.spf);
  JUMEAU_RETURN_IF_ERROR(
      CheckLength(frames_, max_spf, h.frequency, h.StartTime(), hea_name_));
  for (Group& g : groups_) {
    g.pairs212 = g.info != nullptr && g.info->format == 212 &&
                 g.signals.size() == 2 && g.frame_samples == 2 &&
                 g.classes.size() == 1 && g.classes[0].skew == 0;
  }
  return Status::Ok();
}

Status SegmentReader::DecodeRaw(Group& g, int64_t r0, int64_t r1) {
  const WfdbFormatInfo& info = *g.info;
  const int64_t s0 = r0 * g.frame_samples, s1 = r1 * g.frame_samples;
  const int64_t a0 = s0 - s0 % info.unit_samples;
  const int64_t byte0 =
      g.byte_offset + a0 / info.unit_samples * info.unit_bytes;
  const int64_t nbytes = WfdbBytesForSamples(info, s1 - a0);
  if (bytes_.size() < static_cast<size_t>(nbytes) + 8)
    bytes_.resize(static_cast<size_t>(nbytes) + 8);
  JUMEAU_ASSIGN_OR_RETURN(const int64_t got,
                          g.file.ReadAt(byte0, nbytes, bytes_.data()));
  if (got < nbytes) {
    return DataLossError(
        g.file_name + " offset " + std::to_string(byte0 + got) +
        ": truncated: the file ended while reading (it shrank after opening?)");
  }
  bytes_read_ += static_cast<uint64_t>(nbytes);
  if (flat_.size() < static_cast<size_t>(s1 - a0))
    flat_.resize(static_cast<size_t>(s1 - a0));
  DecodeWfdbSamples(info, bytes_.data(), s1 - a0, flat_.data());
  lead_ = s0 - a0;
  return Status::Ok();
}

// Takes signal `s`'s samples of raw frames [r0, r1) from flat_: those of
// frames >= first_out go to out[(r - first_out) * spf ...]; all update the
// format 8 running value and, below checksum_frames_, the checksum.
void SegmentReader::Consume(const Group& g, SignalState& s, int64_t r0,
                            int64_t r1, int64_t first_out, int32_t* out) {
  const int64_t fs = g.frame_samples;
  const int spf = s.spf;
  const int32_t* base = flat_.data() + lead_ + s.pos;
  const bool diff = g.info->difference;
  const int64_t out_from = std::max(r0, first_out);
  // Frames before the output range (skewed signals, first calls only).
  for (int64_t r = r0; r < std::min(out_from, r1); ++r) {
    for (int c = 0; c < spf; ++c) {
      int32_t v = base[(r - r0) * fs + c];
      if (diff) v = static_cast<int32_t>(s.value += static_cast<uint32_t>(v));
      if (r < checksum_frames_) s.sum += static_cast<uint32_t>(v);
    }
  }
  if (out_from >= r1) return;
  int32_t* o = out + (out_from - first_out) * spf;
  const int32_t* b = base + (out_from - r0) * fs;
  const int64_t n = r1 - out_from;
  if (spf == 1) {
    for (int64_t i = 0; i < n; ++i) o[i] = b[i * fs];
  } else {
    for (int64_t i = 0; i < n; ++i) {
      for (int c = 0; c < spf; ++c) o[i * spf + c] = b[i * fs + c];
    }
  }
  const int64_t count = n * spf;
  if (diff) {
    uint32_t v = s.value;
    for (int64_t i = 0; i < count; ++i) {
      v += static_cast<uint32_t>(o[i]);
      o[i] = static_cast<int32_t>(v);
    }
    s.value = v;
  }
  const int64_t ck_frames = std::min(r1, checksum_frames_) - out_from;
  if (ck_frames > 0) {
    uint32_t sum = 0;
    for (int64_t i = 0; i < ck_frames * spf; ++i)
      sum += static_cast<uint32_t>(o[i]);
    s.sum += sum;
  }
}

Status SegmentReader::Read(int64_t f0, int64_t f1,
                           std::vector<std::vector<int32_t>>* out) {
  out->resize(signals_.size());
  std::vector<int32_t*> dst(signals_.size());
  for (size_t s = 0; s < signals_.size(); ++s) {
    (*out)[s].resize(static_cast<size_t>((f1 - f0) * signals_[s].spf));
    dst[s] = (*out)[s].data();
  }
  return ReadInto(f0, f1, dst);
}

Status SegmentReader::ReadInto(int64_t f0, int64_t f1,
                               const std::vector<int32_t*>& dst) {
  for (Group& g : groups_) {
    if (g.info == nullptr) {
      for (int s : g.signals)
        std::fill_n(dst[s], (f1 - f0) * signals_[s].spf, kNullSignalValue);
      continue;
    }
    if (g.pairs212) {
      // MIT-BIH layout: decode straight into the two outputs.
      SkewClass& c = g.classes[0];
      const int64_t byte0 = g.byte_offset + f0 * 3;
      const int64_t nbytes = (f1 - f0) * 3;
      if (bytes_.size() < static_cast<size_t>(nbytes))
        bytes_.resize(static_cast<size_t>(nbytes));
      JUMEAU_ASSIGN_OR_RETURN(const int64_t got,
                              g.file.ReadAt(byte0, nbytes, bytes_.data()));
      if (got < nbytes) {
        return DataLossError(g.file_name + " offset " +
                             std::to_string(byte0 + got) +
                             ": truncated: the file ended while reading (it "
                             "shrank after opening?)");
      }
      bytes_read_ += static_cast<uint64_t>(nbytes);
      int32_t* a = dst[g.signals[0]];
      int32_t* b = dst[g.signals[1]];
      DecodeWfdb212Pairs(bytes_.data(), f1 - f0, a, b);
      const int64_t ck =
          std::max<int64_t>(0, std::min(f1, checksum_frames_) - f0);
      uint32_t sa = 0, sb = 0;
      for (int64_t i = 0; i < ck; ++i) {
        sa += static_cast<uint32_t>(a[i]);
        sb += static_cast<uint32_t>(b[i]);
      }
      signals_[g.signals[0]].sum += sa;
      signals_[g.signals[1]].sum += sb;
      c.cursor = f1;
      continue;
    }
    for (SkewClass& c : g.classes) {
      const int64_t first_out = f0 + c.skew;
      const int64_t want_end = std::min(f1 + c.skew, g.available);
      while (c.cursor < want_end) {
        const int64_t r0 = c.cursor;
        const int64_t r1 = std::min(want_end, r0 + chunk_frames_);
        JUMEAU_RETURN_IF_ERROR(DecodeRaw(g, r0, r1));
        for (int s : c.signals)
          Consume(g, signals_[s], r0, r1, first_out, dst[s]);
        c.cursor = r1;
      }
      // Frames past the end of the file (skew only): invalid.
      const int64_t missing_from =
          std::max(first_out, std::min(f1 + c.skew, g.available));
      if (missing_from < f1 + c.skew) {
        for (int s : c.signals) {
          const int spf = signals_[s].spf;
          std::fill(dst[s] + (missing_from - first_out) * spf,
                    dst[s] + (f1 - f0) * spf, g.info->invalid_value);
        }
      }
    }
  }
  if (f1 == frames_ && checksum_frames_ > 0) return VerifyChecksums();
  return Status::Ok();
}

Status SegmentReader::VerifyChecksums() {
  for (const Group& g : groups_) {
    if (g.info == nullptr) continue;
    for (int s : g.signals) {
      const SignalState& st = signals_[s];
      if (!st.checksum) continue;
      const int32_t computed = WfdbChecksum16(st.sum);
      const int32_t expected =
          WfdbChecksum16(static_cast<uint64_t>(*st.checksum));
      if (computed != expected) {
        return DataLossError(g.file_name + ": checksum mismatch for signal " +
                             std::to_string(s) + " (" + st.label +
                             "): " + hea_name_ + " says " +
                             std::to_string(*st.checksum) + ", computed " +
                             std::to_string(computed));
      }
    }
  }
  return Status::Ok();
}

// Fills block->start with each signal's time at global frame `frame`.
void SetStarts(const Recording& rec, const std::vector<int>& spf, int64_t frame,
               SampleBlock* block) {
  block->start.resize(rec.signals.size());
  for (size_t s = 0; s < rec.signals.size(); ++s) {
    block->start[s] =
        rec.start + rec.signals[s].rate.OffsetOfSample(frame * spf[s]);
  }
}

class WfdbReader : public RecordingReader {
 public:
  const Recording& header() const override { return recording_; }
  uint64_t bytes_total() const override { return bytes_total_; }
  std::vector<std::filesystem::path> files() const override { return files_; }

 protected:
  Recording recording_;
  std::vector<int> spf_;
  std::vector<std::filesystem::path> files_;
  uint64_t bytes_total_ = 0;
};

class SingleSegmentReader : public WfdbReader {
 public:
  Status Open(const WfdbHeader& h, const std::filesystem::path& hea_path,
              const Storage& storage) {
    const std::string hea_name = hea_path.filename().string();
    recording_.format = "WFDB";
    recording_.source_recording_id = h.record_name;
    recording_.warnings = h.warnings;
    recording_.start = StartOf(h, hea_name, &recording_.warnings);
    JUMEAU_RETURN_IF_ERROR(BuildSignals(h, hea_name, recording_.start,
                                        &recording_.signals,
                                        &recording_.warnings));
    for (const auto& spec : h.signals) spf_.push_back(spec.samples_per_frame);
    JUMEAU_RETURN_IF_ERROR(segment_.Open(h, storage, hea_path.parent_path(),
                                         hea_name, &recording_.warnings));
    files_.push_back(hea_path);
    files_.insert(files_.end(), segment_.files().begin(),
                  segment_.files().end());
    bytes_total_ = segment_.bytes_total();
    return Status::Ok();
  }

  Result<bool> Next(SampleBlock* block) override {
    if (!error_.ok()) return error_;
    block->events.clear();
    if (frame_ >= segment_.frames()) return false;
    const int64_t f1 =
        std::min(segment_.frames(), frame_ + segment_.block_frames());
    Status st = segment_.Read(frame_, f1, &block->samples);
    if (!st.ok()) {
      error_ = st;
      return st;
    }
    SetStarts(recording_, spf_, frame_, block);
    frame_ = f1;
    return true;
  }

  uint64_t bytes_read() const override { return segment_.bytes_read(); }

  // Equivalent to ReadAll(*this) on a fresh reader, decoding straight into
  // each signal's final vector (one allocation per signal, no block copies).
  Result<Recording> ReadEverything() {
    Recording out = recording_;
    std::vector<int32_t*> dst(out.signals.size());
    for (size_t s = 0; s < out.signals.size(); ++s) {
      out.signals[s].samples.resize(
          static_cast<size_t>(segment_.frames() * spf_[s]));
    }
    for (int64_t f0 = 0; f0 < segment_.frames();
         f0 += segment_.block_frames()) {
      const int64_t f1 =
          std::min(segment_.frames(), f0 + segment_.block_frames());
      for (size_t s = 0; s < out.signals.size(); ++s) {
        dst[s] = out.signals[s].samples.data() + f0 * spf_[s];
      }
      JUMEAU_RETURN_IF_ERROR(segment_.ReadInto(f0, f1, dst));
    }
    frame_ = segment_.frames();
    return out;
  }

 private:
  SegmentReader segment_;
  int64_t frame_ = 0;
  Status error_;  // the first failure; Next() repeats it
};

// A fixed-layout multi-segment record: segments read one after the other,
// null segments ("~") leaving gaps.
class MultiSegmentReader : public WfdbReader {
 public:
  Status Open(const WfdbHeader& top, const std::filesystem::path& hea_path,
              Storage storage) {
    storage_ = std::move(storage);
    const std::string hea_name = hea_path.filename().string();
    dir_ = hea_path.parent_path();
    recording_.format = "WFDB";
    recording_.source_recording_id = top.record_name;
    recording_.warnings = top.warnings;
    files_.push_back(hea_path);
    const WfdbHeader* layout = nullptr;
    int64_t frame = 0;
    std::set<std::string> seen;
    for (size_t k = 0; k < top.segments.size(); ++k) {
      const WfdbSegmentSpec& seg = top.segments[k];
      Segment item;
      item.first_frame = frame;
      item.frames = seg.samples;
      item.null = seg.is_null();
      if (!item.null) {
        const std::filesystem::path path = dir_ / (seg.record_name + ".hea");
        JUMEAU_ASSIGN_OR_RETURN(std::string text,
                                storage_.ReadText(path, 1 << 24));
        JUMEAU_ASSIGN_OR_RETURN(
            item.header, ParseWfdbHeader(text, seg.record_name + ".hea"));
        item.hea_path = path;
        if (item.header.number_of_segments) {
          return Status(StatusCode::kUnimplemented,
                        hea_name + " line " + std::to_string(seg.line) +
                            ": segment " + seg.record_name +
                            " is itself a multi-segment record");
        }
        if (seen.insert(seg.record_name).second) files_.push_back(path);
        if (k == 0 && seg.samples == 0) {
          // Layout segment: describes the signals, has no samples.
          layout_header_ = item.header;
          layout = &layout_header_;
          continue;
        }
        if (item.header.samples_per_signal != seg.samples) {
          return DataLossError(hea_name + " line " + std::to_string(seg.line) +
                               ": segment " + seg.record_name + " has " +
                               std::to_string(seg.samples) +
                               " samples here but " +
                               std::to_string(item.header.samples_per_signal) +
                               " in its header");
        }
        if (layout == nullptr) {
          layout_header_ = item.header;
          layout = &layout_header_;
        }
        JUMEAU_RETURN_IF_ERROR(
            CheckLayout(*layout, item.header, top, hea_name, seg));
        // Open the segment once now so that truncated files and oddities
        // surface at open time (it is reopened when reached).
        SegmentReader probe;
        JUMEAU_RETURN_IF_ERROR(probe.Open(item.header, storage_, dir_,
                                          seg.record_name + ".hea",
                                          &recording_.warnings));
        bytes_total_ += probe.bytes_total();
        for (const auto& spec : item.header.signals) {
          if (spec.format != 0 && seen.insert(spec.file_name).second) {
            files_.push_back(dir_ / spec.file_name);
          }
        }
      }
      if (seg.samples > 0) segments_.push_back(std::move(item));
      frame += seg.samples;
      if (frame > (int64_t{1} << 53)) {
        return DataLossError(hea_name + " line " + std::to_string(seg.line) +
                             ": total record length is too long");
      }
    }
    if (layout == nullptr) {
      return DataLossError(hea_name +
                           ": multi-segment record has no non-null segment");
    }
    int64_t max_spf = 1;
    for (const auto& spec : layout->signals)
      max_spf = std::max<int64_t>(max_spf, spec.samples_per_frame);

    if (top.samples_per_signal_present && top.samples_per_signal != frame) {
      recording_.warnings.push_back(hea_name + ": record length " +
                                    std::to_string(top.samples_per_signal) +
                                    " differs from the sum of its segments " +
                                    std::to_string(frame));
    }
    // Start: the top-level base time, else the layout's.
    const WfdbHeader& timing = top.base_time_present ? top : *layout;
    recording_.start = StartOf(timing, hea_name, &recording_.warnings);
    JUMEAU_RETURN_IF_ERROR(
        CheckLength(frame, max_spf, top.frequency, recording_.start, hea_name));
    WfdbHeader shape = *layout;
    shape.frequency = top.frequency;
    JUMEAU_RETURN_IF_ERROR(BuildSignals(shape, hea_name, recording_.start,
                                        &recording_.signals,
                                        &recording_.warnings));
    for (const auto& spec : layout->signals)
      spf_.push_back(spec.samples_per_frame);
    return Status::Ok();
  }

  Result<bool> Next(SampleBlock* block) override {
    if (!error_.ok()) return error_;
    block->events.clear();
    while (current_ < segments_.size()) {
      Segment& seg = segments_[current_];
      if (seg.null || seg.frames == 0) {
        ++current_;
        continue;
      }
      if (!open_) {
        reader_ = std::make_unique<SegmentReader>();
        std::vector<std::string> warnings;
        Status st = reader_->Open(seg.header, storage_, dir_,
                                  seg.hea_path.filename().string(), &warnings);
        if (!st.ok()) {
          error_ = st;
          return st;
        }
        open_ = true;
        frame_ = 0;
      }
      if (frame_ >= seg.frames) {
        done_bytes_ += reader_->bytes_read();
        reader_.reset();
        open_ = false;
        ++current_;
        continue;
      }
      const int64_t f1 = std::min(seg.frames, frame_ + reader_->block_frames());
      Status st = reader_->Read(frame_, f1, &block->samples);
      if (!st.ok()) {
        error_ = st;
        return st;
      }
      SetStarts(recording_, spf_, seg.first_frame + frame_, block);
      frame_ = f1;
      return true;
    }
    return false;
  }

  uint64_t bytes_read() const override {
    return done_bytes_ + (reader_ ? reader_->bytes_read() : 0);
  }

 private:
  struct Segment {
    WfdbHeader header;
    std::filesystem::path hea_path;
    int64_t first_frame = 0;
    int64_t frames = 0;
    bool null = false;
  };

  static Status CheckLayout(const WfdbHeader& layout,
                            const WfdbHeader& seg_header, const WfdbHeader& top,
                            const std::string& hea_name,
                            const WfdbSegmentSpec& seg) {
    auto unsupported = [&](const std::string& why) {
      return Status(
          StatusCode::kUnimplemented,
          hea_name + " line " + std::to_string(seg.line) + ": segment " +
              seg.record_name + " " + why +
              " (variable-layout multi-segment records are not supported)");
    };
    if (!(seg_header.frequency == top.frequency)) {
      return unsupported("has sampling frequency " +
                         seg_header.frequency.ToString() + " instead of " +
                         top.frequency.ToString());
    }
    if (seg_header.signals.size() != layout.signals.size()) {
      return unsupported("has " + std::to_string(seg_header.signals.size()) +
                         " signals instead of " +
                         std::to_string(layout.signals.size()));
    }
    for (size_t i = 0; i < layout.signals.size(); ++i) {
      const WfdbSignalSpec& a = layout.signals[i];
      const WfdbSignalSpec& b = seg_header.signals[i];
      if (a.description != b.description ||
          a.samples_per_frame != b.samples_per_frame ||
          a.gain_for_scale() != b.gain_for_scale() ||
          a.baseline != b.baseline || a.units != b.units) {
        return unsupported(
            "signal " + std::to_string(i) + " (" + b.description +
            ") differs from the layout in name, samples per frame, gain, "
            "baseline or units");
      }
    }
    return Status::Ok();
  }

  Storage storage_;
  std::filesystem::path dir_;
  WfdbHeader layout_header_;
  std::vector<Segment> segments_;
  size_t current_ = 0;
  bool open_ = false;
  std::unique_ptr<SegmentReader> reader_;
  int64_t frame_ = 0;
  uint64_t done_bytes_ = 0;
  Status error_;  // the first failure; Next() repeats it
};

}  // namespace

std::filesystem::path WfdbHeaderPath(const std::filesystem::path& path) {
  if (path.extension() == ".hea") return path;
  std::filesystem::path p = path;
  p += ".hea";
  return p;
}

Result<WfdbHeader> ReadWfdbHeader(const std::filesystem::path& path) {
  const std::filesystem::path hea = WfdbHeaderPath(path);
  JUMEAU_ASSIGN_OR_RETURN(std::string text,
                          internal::ReadWholeFile(hea, 1 << 24));
  return ParseWfdbHeader(text, hea.filename().string());
}

namespace {

Result<std::unique_ptr<RecordingReader>> Open(const std::filesystem::path& path,
                                              const Storage& storage) {
  const std::filesystem::path hea = WfdbHeaderPath(path);
  JUMEAU_ASSIGN_OR_RETURN(std::string text, storage.ReadText(hea, 1 << 24));
  JUMEAU_ASSIGN_OR_RETURN(WfdbHeader h,
                          ParseWfdbHeader(text, hea.filename().string()));
  if (h.number_of_segments) {
    auto reader = std::make_unique<MultiSegmentReader>();
    JUMEAU_RETURN_IF_ERROR(reader->Open(h, hea, storage));
    return std::unique_ptr<RecordingReader>(std::move(reader));
  }
  auto reader = std::make_unique<SingleSegmentReader>();
  JUMEAU_RETURN_IF_ERROR(reader->Open(h, hea, storage));
  return std::unique_ptr<RecordingReader>(std::move(reader));
}

}  // namespace

Result<std::unique_ptr<RecordingReader>> OpenWfdb(
    const std::filesystem::path& path) {
  return Open(path, Storage());
}

Result<std::unique_ptr<RecordingReader>> OpenWfdbInMemory(
    std::string_view record, WfdbMemoryFiles files) {
  return Open(
      std::filesystem::path(std::string(record)),
      Storage(std::make_shared<const WfdbMemoryFiles>(std::move(files))));
}

Result<Recording> ReadWfdb(const std::filesystem::path& path) {
  const std::filesystem::path hea = WfdbHeaderPath(path);
  JUMEAU_ASSIGN_OR_RETURN(WfdbHeader h, ReadWfdbHeader(hea));
  if (h.number_of_segments) {
    JUMEAU_ASSIGN_OR_RETURN(std::unique_ptr<RecordingReader> reader,
                            OpenWfdb(path));
    return ReadAll(*reader);
  }
  SingleSegmentReader reader;
  JUMEAU_RETURN_IF_ERROR(reader.Open(h, hea, Storage()));
  return reader.ReadEverything();
}

std::vector<std::filesystem::path> FindWfdbAnnotationFiles(
    const std::filesystem::path& header) {
  std::vector<std::filesystem::path> out;
  const std::filesystem::path hea = WfdbHeaderPath(header);
  Result<WfdbHeader> h = ReadWfdbHeader(hea);
  if (!h.ok()) return out;
  std::set<std::string> excluded = {hea.filename().string()};
  for (const auto& s : h->signals) excluded.insert(s.file_name);
  for (const auto& s : h->segments) excluded.insert(s.record_name + ".hea");
  const std::string prefix = h->record_name + ".";
  std::error_code ec;
  const std::filesystem::path dir =
      hea.parent_path().empty() ? "." : hea.parent_path();
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    if (!entry.is_regular_file(ec)) continue;
    const std::string name = entry.path().filename().string();
    if (name.size() <= prefix.size() ||
        name.compare(0, prefix.size(), prefix) != 0)
      continue;
    if (excluded.count(name) != 0) continue;
    const std::string annotator = name.substr(prefix.size());
    const bool ok_name =
        std::all_of(annotator.begin(), annotator.end(), [](char c) {
          return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                 (c >= '0' && c <= '9') || c == '_' || c == '-';
        });
    if (!ok_name || annotator == "hea" || annotator == "dat" ||
        annotator == "mat")
      continue;
    Result<std::string> bytes =
        internal::ReadWholeFile(entry.path(), uint64_t{1} << 30);
    if (!bytes.ok()) continue;
    if (!ParseWfdbAnnotations(*bytes, name, h->frequency, Time{0}).ok())
      continue;
    out.push_back(entry.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace jumeau::io

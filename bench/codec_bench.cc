// Benchmarks of the lossless sample codec (jumeau/store/codec.h).
//
//   codec_bench [benchmark flags]      encode/decode speed on MIT-BIH 100,
//       EEG (EDF S001R03) and the synthetic EEG of the ingest benchmark
//   codec_bench --compare [--data=DIR] [--chunk=N] [--mono] [--no-tools]
//       bits per sample on every MIT-BIH record found, ours next to
//       flac -8, wavpack -hh and zstd -19 run on the same samples in the same
//       run, the order-0 entropy of second differences, and a chunk-size
//       sweep of our codec. Prints markdown.
//
// Data: DIR, else $JUMEAU_TEST_DATA, else ../shared/data next to the source
// tree (JUMEAU_SOURCE_DIR or the working directory).
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <benchmark/benchmark.h>
#include <time.h>
#include <unistd.h>

#include "jumeau/store/codec.h"

namespace {

namespace fs = std::filesystem;

fs::path DataRoot(const std::string& flag) {
  if (!flag.empty()) return flag;
  if (const char* env = std::getenv("JUMEAU_TEST_DATA")) return env;
  if (const char* src = std::getenv("JUMEAU_SOURCE_DIR")) return fs::path(src) / "../shared/data";
  for (fs::path p = fs::current_path(); !p.empty(); p = p.parent_path()) {
    if (fs::exists(p / "../shared/data/wfdb/mitdb")) return p / "../shared/data";
    if (p == p.parent_path()) break;
  }
  return "../shared/data";
}

// Both signals of a format-212 record: each 3 bytes hold two 12-bit
// two's-complement samples.
bool ReadRecord212(const fs::path& dat, std::vector<int32_t>* s0, std::vector<int32_t>* s1) {
  std::ifstream in(dat, std::ios::binary);
  if (!in) return false;
  const std::vector<uint8_t> b((std::istreambuf_iterator<char>(in)),
                               std::istreambuf_iterator<char>());
  s0->clear();
  s1->clear();
  for (size_t i = 0; i + 3 <= b.size(); i += 3) {
    const int32_t a = b[i] | ((b[i + 1] & 0x0F) << 8);
    const int32_t c = b[i + 2] | ((b[i + 1] & 0xF0) << 4);
    s0->push_back(a >= 2048 ? a - 4096 : a);
    s1->push_back(c >= 2048 ? c - 4096 : c);
  }
  return !s0->empty();
}

std::vector<std::string> EncodeChunks(const std::vector<int32_t>& x, size_t chunk) {
  std::vector<std::string> out;
  for (size_t b = 0; b < x.size(); b += chunk) {
    std::string enc;
    jumeau::store::EncodeSamples(
        std::span<const int32_t>(x.data() + b, std::min(chunk, x.size() - b)), &enc);
    out.push_back(std::move(enc));
  }
  return out;
}

// ---- Google Benchmark: speed on MIT-BIH record 100, both signals ----

struct Record100 {
  std::vector<int32_t> s0, s1;
  bool ok = false;
  Record100() {
    ok = ReadRecord212(DataRoot("") / "wfdb/mitdb/100.dat", &s0, &s1);
  }
};

const Record100& GetRecord100() {
  static const Record100 r;
  return r;
}

void BM_Encode(benchmark::State& state) {
  const Record100& r = GetRecord100();
  if (!r.ok) {
    state.SkipWithError("MIT-BIH 100 not found (set JUMEAU_TEST_DATA)");
    return;
  }
  const size_t chunk = static_cast<size_t>(state.range(0));
  size_t bytes = 0;
  for (auto _ : state) {
    bytes = 0;
    for (const auto* s : {&r.s0, &r.s1}) {
      for (const std::string& c : EncodeChunks(*s, chunk)) bytes += c.size();
    }
    benchmark::DoNotOptimize(bytes);
  }
  const size_t n = r.s0.size() + r.s1.size();
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * n));
  state.counters["bits_per_sample"] = static_cast<double>(bytes) * 8.0 / static_cast<double>(n);
}

void BM_Decode(benchmark::State& state) {
  const Record100& r = GetRecord100();
  if (!r.ok) {
    state.SkipWithError("MIT-BIH 100 not found (set JUMEAU_TEST_DATA)");
    return;
  }
  const size_t chunk = static_cast<size_t>(state.range(0));
  std::vector<std::pair<std::string, size_t>> chunks;
  for (const auto* s : {&r.s0, &r.s1}) {
    size_t b = 0;
    for (std::string& c : EncodeChunks(*s, chunk)) {
      chunks.emplace_back(std::move(c), std::min(chunk, s->size() - b));
      b += chunk;
    }
  }
  std::vector<int32_t> out(chunk);
  for (auto _ : state) {
    for (const auto& [enc, n] : chunks) {
      const jumeau::Status s = jumeau::store::DecodeSamples(enc, std::span<int32_t>(out.data(), n));
      if (!s.ok()) state.SkipWithError(s.ToString().c_str());
      benchmark::DoNotOptimize(out.data());
    }
  }
  const size_t n = r.s0.size() + r.s1.size();
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * n));
  // Seconds per chunk (printed with an SI prefix, e.g. 150u = 150 us).
  state.counters["time_per_chunk"] = benchmark::Counter(
      static_cast<double>(chunks.size()),
      benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
}

// EEG: the 64 channels of EDF S001R03 (16-bit, 160 Hz, 2 min), one chunk per
// channel. Noisier than ECG: many residuals need raw bits.
struct Eeg {
  std::vector<std::vector<int32_t>> channels;
  Eeg() {
    std::ifstream in(DataRoot("") / "edf/S001R03.edf", std::ios::binary);
    const std::vector<uint8_t> b((std::istreambuf_iterator<char>(in)),
                                 std::istreambuf_iterator<char>());
    if (b.size() < 256) return;
    auto field = [&](size_t at, size_t len) {
      return std::atoi(std::string(b.begin() + static_cast<ptrdiff_t>(at),
                                   b.begin() + static_cast<ptrdiff_t>(at + len))
                           .c_str());
    };
    const int records = field(236, 8), ns = field(252, 4);
    if (ns <= 0 || records <= 0 || b.size() < 256 * static_cast<size_t>(ns + 1)) return;
    std::vector<int> per_record(static_cast<size_t>(ns));
    for (int i = 0; i < ns; ++i) per_record[i] = field(256 + 216 * static_cast<size_t>(ns) + 8 * i, 8);
    channels.assign(static_cast<size_t>(ns), {});
    size_t pos = 256 * static_cast<size_t>(ns + 1);
    for (int r = 0; r < records; ++r) {
      for (int i = 0; i < ns; ++i) {
        for (int k = 0; k < per_record[i] && pos + 2 <= b.size(); ++k, pos += 2) {
          channels[i].push_back(static_cast<int16_t>(b[pos] | (b[pos + 1] << 8)));
        }
      }
    }
  }
};

void BM_DecodeEeg(benchmark::State& state) {
  static const Eeg eeg;
  if (eeg.channels.empty()) {
    state.SkipWithError("EDF S001R03 not found (set JUMEAU_TEST_DATA)");
    return;
  }
  std::vector<std::string> chunks;
  size_t n = 0, bytes = 0, longest = 0;
  for (const auto& c : eeg.channels) {
    chunks.emplace_back();
    jumeau::store::EncodeSamples(c, &chunks.back());
    n += c.size();
    bytes += chunks.back().size();
    longest = std::max(longest, c.size());
  }
  std::vector<int32_t> out(longest);
  for (auto _ : state) {
    for (size_t i = 0; i < chunks.size(); ++i) {
      const jumeau::Status s = jumeau::store::DecodeSamples(
          chunks[i], std::span<int32_t>(out.data(), eeg.channels[i].size()));
      if (!s.ok()) state.SkipWithError(s.ToString().c_str());
      benchmark::DoNotOptimize(out.data());
    }
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * n));
  state.counters["bits_per_sample"] = static_cast<double>(bytes) * 8.0 / static_cast<double>(n);
}

// The signal of bench/make_edf.cc (the ingest benchmark's EDF): brown-ish
// noise plus a 10 Hz sine at 512 Hz, 16-bit; 8 chunks of 65536 samples.
// Noisier than ECG: most residuals carry raw bits.
const std::vector<int32_t>& SyntheticEeg() {
  static const std::vector<int32_t> x = [] {
    std::vector<int32_t> v(8 * 65536);
    uint32_t r = 2463534242u;
    double state = 0;
    for (size_t i = 0; i < v.size(); ++i) {
      r ^= r << 13;
      r ^= r >> 17;
      r ^= r << 5;
      state = 0.97 * state + (static_cast<double>(r) / 4294967296.0 - 0.5) * 40.0;
      const double t = static_cast<double>(i) / 512;
      v[i] = static_cast<int16_t>(std::lround(state + 30.0 * std::sin(2 * M_PI * 10.0 * t)));
    }
    return v;
  }();
  return x;
}

void BM_EncodeSyntheticEeg(benchmark::State& state) {
  const std::vector<int32_t>& x = SyntheticEeg();
  size_t bytes = 0;
  for (auto _ : state) {
    bytes = 0;
    for (const std::string& c : EncodeChunks(x, 65536)) bytes += c.size();
    benchmark::DoNotOptimize(bytes);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * x.size()));
  state.counters["bits_per_sample"] =
      static_cast<double>(bytes) * 8.0 / static_cast<double>(x.size());
}

BENCHMARK(BM_Encode)->Arg(4096)->Arg(16384)->Arg(65536)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_EncodeSyntheticEeg)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_DecodeEeg)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Decode)->Arg(4096)->Arg(16384)->Arg(32768)->Arg(65536)->Arg(131072)->Unit(
    benchmark::kMillisecond);

// ---- --compare: bits per sample next to flac, wavpack and zstd ----

struct Options {
  std::string data;
  size_t chunk = 65536;
  bool mono = false;
  bool tools = true;
};

bool HaveTool(const std::string& name) {
  return std::system(("command -v " + name + " > /dev/null 2>&1").c_str()) == 0;
}

// Runs `command`; returns the size of `output` or -1 on failure.
int64_t RunAndSize(const std::string& command, const fs::path& output) {
  fs::remove(output);
  if (std::system(command.c_str()) != 0 || !fs::exists(output)) return -1;
  return static_cast<int64_t>(fs::file_size(output));
}

void PutLe(std::ofstream& f, uint32_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) f.put(static_cast<char>(v >> (8 * i)));
}

// A 16-bit PCM WAV of the given channels (interleaved), 360 Hz.
void WriteWav(const fs::path& path, const std::vector<const std::vector<int32_t>*>& channels) {
  std::ofstream f(path, std::ios::binary);
  const uint32_t n = static_cast<uint32_t>(channels[0]->size());
  const uint32_t ch = static_cast<uint32_t>(channels.size());
  const uint32_t data_bytes = n * ch * 2;
  f.write("RIFF", 4);
  PutLe(f, 36 + data_bytes, 4);
  f.write("WAVEfmt ", 8);
  PutLe(f, 16, 4);
  PutLe(f, 1, 2);  // PCM
  PutLe(f, ch, 2);
  PutLe(f, 360, 4);
  PutLe(f, 360 * ch * 2, 4);
  PutLe(f, ch * 2, 2);
  PutLe(f, 16, 2);
  f.write("data", 4);
  PutLe(f, data_bytes, 4);
  for (uint32_t i = 0; i < n; ++i) {
    for (const auto* c : channels) PutLe(f, static_cast<uint32_t>((*c)[i]), 2);
  }
}

void WriteRaw16(const fs::path& path, const std::vector<int32_t>& a, const std::vector<int32_t>& b) {
  std::ofstream f(path, std::ios::binary);
  for (size_t i = 0; i < a.size(); ++i) {
    PutLe(f, static_cast<uint32_t>(a[i]), 2);
    PutLe(f, static_cast<uint32_t>(b[i]), 2);
  }
}

// Order-0 entropy in bits of the second differences of `x` (all of them).
double SecondDifferenceBits(const std::vector<int32_t>& x) {
  std::map<int64_t, double> counts;
  for (size_t i = 2; i < x.size(); ++i) {
    counts[static_cast<int64_t>(x[i]) - 2 * static_cast<int64_t>(x[i - 1]) + x[i - 2]] += 1;
  }
  const double n = static_cast<double>(x.size() - 2);
  double bits = 0;
  for (const auto& [v, c] : counts) bits -= c * std::log2(c / n);
  return bits;
}

// CPU time of the calling thread, in seconds.
double ThreadCpuSeconds() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

std::string Cell(double bits, double samples) {
  if (bits < 0) return "n/a";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", bits / samples);
  return buf;
}

// Summary-pyramid-like series (min, max, mean of buckets) of the first
// record's first signal, and the encoded size of tiny series.
void PyramidAndTinyReport(const fs::path& root) {
  std::vector<int32_t> s0, s1;
  if (!ReadRecord212(root / "100.dat", &s0, &s1)) return;
  std::printf("\n## Pyramid-like series (MIT-BIH 100, signal 0: per bucket min, max, mean)\n\n");
  std::printf("Each series encoded as one call (chunks of at most 65536).\n\n");
  std::printf("| bucket (samples) | series length | min bits/sample | max bits/sample | mean bits/sample |\n");
  std::printf("|---|---|---|---|---|\n");
  for (size_t bucket : {8, 64, 512, 4096}) {
    std::vector<int32_t> lo, hi, mean;
    for (size_t b = 0; b + bucket <= s0.size(); b += bucket) {
      const auto first = s0.begin() + static_cast<ptrdiff_t>(b);
      const auto last = first + static_cast<ptrdiff_t>(bucket);
      lo.push_back(*std::min_element(first, last));
      hi.push_back(*std::max_element(first, last));
      int64_t sum = 0;
      for (auto it = first; it != last; ++it) sum += *it;
      mean.push_back(static_cast<int32_t>(sum / static_cast<int64_t>(bucket)));
    }
    auto bits = [](const std::vector<int32_t>& x) {
      double bytes = 0;
      for (const std::string& c : EncodeChunks(x, 65536)) bytes += static_cast<double>(c.size());
      return bytes * 8 / static_cast<double>(x.size());
    };
    std::printf("| %zu | %zu | %.2f | %.2f | %.2f |\n", bucket, lo.size(), bits(lo), bits(hi),
                bits(mean));
  }
  std::printf("\n## Tiny series (first n samples of MIT-BIH 100 signal 0)\n\n");
  std::printf("| n | encoded bytes | method |\n|---|---|---|\n");
  for (size_t n : {1, 2, 5, 10, 30, 100, 1000}) {
    std::string enc;
    jumeau::store::EncodeSamples(std::span<const int32_t>(s0.data(), n), &enc);
    const char* method = enc[0] == 1 ? "packed" : enc[0] == 2 ? "Rice" : "rANS";
    std::printf("| %zu | %zu | %s |\n", n, enc.size(), method);
  }
}

int Compare(const Options& opt) {
  const fs::path root = DataRoot(opt.data) / "wfdb/mitdb";
  std::vector<std::string> records;
  for (const auto& e : fs::directory_iterator(root)) {
    if (e.path().extension() == ".dat") records.push_back(e.path().stem().string());
  }
  std::sort(records.begin(), records.end());
  if (records.empty()) {
    std::fprintf(stderr, "no MIT-BIH records in %s (use --data=DIR)\n", root.c_str());
    return 1;
  }
  const bool flac = opt.tools && HaveTool("flac");
  const bool wavpack = opt.tools && HaveTool("wavpack");
  const bool zstd = opt.tools && HaveTool("zstd");
  const fs::path tmp = fs::temp_directory_path() / ("jumeau_codec_compare_" + std::to_string(getpid()));
  fs::create_directories(tmp);

  const std::vector<size_t> sweep = {4096, 8192, 16384, 32768, 65536, 131072, 262144};
  std::map<size_t, double> sweep_bytes;
  std::map<size_t, double> sweep_decode_seconds;
  double total_samples = 0, ours_total = 0, flac_total = 0, wv_total = 0, zstd_total = 0;
  double flac_mono_total = 0, wv_mono_total = 0, h0_total = 0;
  bool flac_ok = flac, wv_ok = wavpack, zstd_ok = zstd;

  std::printf("## Bits per sample, MIT-BIH records in %s\n\n", root.c_str());
  std::printf("Ours: jumeau::store::EncodeSamples on each signal separately in chunks of %zu "
              "samples (chunk headers and checksums included). flac/wavpack: one 16-bit stereo "
              "WAV per record (2 signals = 2 channels, 360 Hz), file size as the tool writes it "
              "(container included). zstd: raw 16-bit little-endian interleaved samples. "
              "H0(d2): order-0 entropy of second differences per signal.\n\n",
              opt.chunk);
  std::printf("| record | ours | flac -8 | wavpack -hh | zstd -19 |%s H0(d2) |\n",
              opt.mono ? " flac -8 mono | wavpack -hh mono |" : "");
  std::printf("|---|---|---|---|---|%s---|\n", opt.mono ? "---|---|" : "");
  for (const std::string& rec : records) {
    std::vector<int32_t> s0, s1;
    if (!ReadRecord212(root / (rec + ".dat"), &s0, &s1)) continue;
    const double n = static_cast<double>(s0.size() + s1.size());
    total_samples += n;
    double ours = 0;
    for (const auto* s : {&s0, &s1}) {
      for (const std::string& c : EncodeChunks(*s, opt.chunk)) ours += static_cast<double>(c.size());
    }
    ours_total += ours;
    for (size_t chunk : sweep) {
      std::vector<int32_t> out(chunk);
      for (const auto* s : {&s0, &s1}) {
        const std::vector<std::string> chunks = EncodeChunks(*s, chunk);
        for (size_t i = 0; i < chunks.size(); ++i) {
          const size_t len = std::min(chunk, s->size() - i * chunk);
          const double t0 = ThreadCpuSeconds();
          const jumeau::Status st =
              jumeau::store::DecodeSamples(chunks[i], std::span<int32_t>(out.data(), len));
          sweep_decode_seconds[chunk] += ThreadCpuSeconds() - t0;
          if (!st.ok() || !std::equal(out.begin(), out.begin() + static_cast<ptrdiff_t>(len),
                                      s->begin() + static_cast<ptrdiff_t>(i * chunk))) {
            std::fprintf(stderr, "round trip failed: record %s: %s\n", rec.c_str(),
                         st.ToString().c_str());
            return 1;
          }
        }
        for (const std::string& c : chunks) sweep_bytes[chunk] += static_cast<double>(c.size());
      }
    }
    const double h0 = SecondDifferenceBits(s0) + SecondDifferenceBits(s1);
    h0_total += h0;

    double fl = -1, wv = -1, zs = -1, fl_mono = -1, wv_mono = -1;
    const fs::path wav = tmp / (rec + ".wav");
    if (flac || wavpack) WriteWav(wav, {&s0, &s1});
    if (flac) {
      fl = static_cast<double>(RunAndSize(
          "flac -8 -s -f -o '" + (tmp / "o.flac").string() + "' '" + wav.string() + "'",
          tmp / "o.flac"));
    }
    if (wavpack) {
      wv = static_cast<double>(RunAndSize(
          "wavpack -hh -q -y '" + wav.string() + "' -o '" + (tmp / "o.wv").string() + "'",
          tmp / "o.wv"));
    }
    if (zstd) {
      const fs::path raw = tmp / (rec + ".raw");
      WriteRaw16(raw, s0, s1);
      zs = static_cast<double>(RunAndSize(
          "zstd -19 -q -f '" + raw.string() + "' -o '" + (tmp / "o.zst").string() + "'",
          tmp / "o.zst"));
      fs::remove(raw);
    }
    if (opt.mono && (flac || wavpack)) {
      fl_mono = wv_mono = 0;
      for (const auto* s : {&s0, &s1}) {
        const fs::path mono = tmp / (rec + "_mono.wav");
        WriteWav(mono, {s});
        const double f = flac ? static_cast<double>(RunAndSize(
                                    "flac -8 -s -f -o '" + (tmp / "m.flac").string() + "' '" +
                                        mono.string() + "'",
                                    tmp / "m.flac"))
                              : -1;
        const double w = wavpack ? static_cast<double>(RunAndSize(
                                       "wavpack -hh -q -y '" + mono.string() + "' -o '" +
                                           (tmp / "m.wv").string() + "'",
                                       tmp / "m.wv"))
                                 : -1;
        fl_mono = (f < 0 || fl_mono < 0) ? -1 : fl_mono + f;
        wv_mono = (w < 0 || wv_mono < 0) ? -1 : wv_mono + w;
        fs::remove(mono);
      }
    }
    fs::remove(wav);
    flac_ok = flac_ok && fl >= 0;
    wv_ok = wv_ok && wv >= 0;
    zstd_ok = zstd_ok && zs >= 0;
    flac_total += fl;
    wv_total += wv;
    zstd_total += zs;
    flac_mono_total = (fl_mono < 0 || flac_mono_total < 0) ? -1 : flac_mono_total + fl_mono;
    wv_mono_total = (wv_mono < 0 || wv_mono_total < 0) ? -1 : wv_mono_total + wv_mono;
    std::printf("| %s | %s | %s | %s | %s |", rec.c_str(), Cell(ours * 8, n).c_str(),
                Cell(fl < 0 ? -1 : fl * 8, n).c_str(), Cell(wv < 0 ? -1 : wv * 8, n).c_str(),
                Cell(zs < 0 ? -1 : zs * 8, n).c_str());
    if (opt.mono) {
      std::printf(" %s | %s |", Cell(fl_mono < 0 ? -1 : fl_mono * 8, n).c_str(),
                  Cell(wv_mono < 0 ? -1 : wv_mono * 8, n).c_str());
    }
    std::printf(" %s |\n", Cell(h0, n).c_str());
    std::fflush(stdout);
  }
  std::printf("| **pooled (%zu records)** | **%s** | %s | %s | %s |", records.size(),
              Cell(ours_total * 8, total_samples).c_str(),
              Cell(flac_ok ? flac_total * 8 : -1, total_samples).c_str(),
              Cell(wv_ok ? wv_total * 8 : -1, total_samples).c_str(),
              Cell(zstd_ok ? zstd_total * 8 : -1, total_samples).c_str());
  if (opt.mono) {
    std::printf(" %s | %s |", Cell(flac_mono_total * 8, total_samples).c_str(),
                Cell(wv_mono_total * 8, total_samples).c_str());
  }
  std::printf(" %s |\n\n", Cell(h0_total, total_samples).c_str());

  std::printf("## Chunk size (our codec, pooled over the same records)\n\n");
  std::printf("Decode: one core, CPU time of the decoding thread (robust to other load on "
              "the machine) summed over DecodeSamples of every chunk; round trip checked.\n\n");
  std::printf("| chunk (samples) | bits/sample | decode Msamples/s | decode time per chunk (us) |\n");
  std::printf("|---|---|---|---|\n");
  for (size_t chunk : sweep) {
    const double seconds = sweep_decode_seconds[chunk];
    const double chunks = std::ceil(total_samples / 2 / static_cast<double>(chunk)) * 2;
    std::printf("| %zu | %.4f | %.0f | %.1f |\n", chunk, sweep_bytes[chunk] * 8 / total_samples,
                total_samples / seconds / 1e6, seconds / chunks * 1e6);
  }
  fs::remove_all(tmp);
  PyramidAndTinyReport(root);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  Options opt;
  bool compare = false;
  std::vector<char*> rest = {argv[0]};
  for (int i = 1; i < argc; ++i) {
    const std::string_view a = argv[i];
    if (a == "--compare") {
      compare = true;
    } else if (a.rfind("--data=", 0) == 0) {
      opt.data = std::string(a.substr(7));
    } else if (a.rfind("--chunk=", 0) == 0) {
      opt.chunk = std::strtoull(std::string(a.substr(8)).c_str(), nullptr, 10);
    } else if (a == "--mono") {
      opt.mono = true;
    } else if (a == "--no-tools") {
      opt.tools = false;
    } else {
      rest.push_back(argv[i]);
    }
  }
  if (compare) {
    if (opt.chunk == 0) {
      std::fprintf(stderr, "--chunk must be positive\n");
      return 2;
    }
    return Compare(opt);
  }
  int rest_argc = static_cast<int>(rest.size());
  benchmark::Initialize(&rest_argc, rest.data());
  if (benchmark::ReportUnrecognizedArguments(rest_argc, rest.data())) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}

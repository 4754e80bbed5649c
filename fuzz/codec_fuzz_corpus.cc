// Writes the seed corpus of fuzz/codec_fuzz.cc: encoded chunks (whole,
// truncated, bit-flipped) and raw int32 arrays, from short prefixes of the
// public MIT-BIH record 100 and EDF S001R03 files plus synthetic series.
// Usage: codec_fuzz_corpus <shared data dir> <output dir>
// Each file stays under 64 KiB; the set is a few hundred KiB.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

#include "jumeau/store/codec.h"

namespace {

std::vector<uint8_t> ReadPrefix(const std::filesystem::path& path, size_t max_bytes) {
  std::ifstream in(path, std::ios::binary);
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (bytes.size() > max_bytes) bytes.resize(max_bytes);
  return bytes;
}

void Write(const std::filesystem::path& dir, const std::string& name, char mode,
           const std::string& payload) {
  std::ofstream out(dir / name, std::ios::binary);
  out.put(mode);
  out.write(payload.data(), static_cast<std::streamsize>(payload.size()));
}

std::string RawInts(const std::vector<int32_t>& x) {
  std::string s(x.size() * 4, '\0');
  for (size_t i = 0; i < x.size(); ++i) {
    const auto v = static_cast<uint32_t>(x[i]);
    for (int b = 0; b < 4; ++b) s[4 * i + b] = static_cast<char>(v >> (8 * b));
  }
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s <shared data dir> <output dir>\n", argv[0]);
    return 2;
  }
  const std::filesystem::path data(argv[1]), dir(argv[2]);
  std::filesystem::create_directories(dir);

  std::vector<std::pair<std::string, std::vector<int32_t>>> series;
  // MIT-BIH 100, format 212: the first 5000 samples of each signal (enough
  // for the 4-segment layout).
  {
    const std::vector<uint8_t> b = ReadPrefix(data / "wfdb/mitdb/100.dat", 15000);
    std::vector<int32_t> s0, s1;
    for (size_t i = 0; i + 3 <= b.size(); i += 3) {
      const int32_t a = b[i] | ((b[i + 1] & 0x0F) << 8);
      const int32_t c = b[i + 2] | ((b[i + 1] & 0xF0) << 4);
      s0.push_back(a >= 2048 ? a - 4096 : a);
      s1.push_back(c >= 2048 ? c - 4096 : c);
    }
    if (s0.empty()) {
      std::fprintf(stderr, "missing %s\n", (data / "wfdb/mitdb/100.dat").c_str());
      return 1;
    }
    series.emplace_back("mitdb100_mlii", s0);
    series.emplace_back("mitdb100_v5", s1);
  }
  // EDF S001R03: 16-bit samples after the header.
  {
    const std::vector<uint8_t> b = ReadPrefix(data / "edf/S001R03.edf", 40 * 1024);
    if (b.size() < 256) {
      std::fprintf(stderr, "missing %s\n", (data / "edf/S001R03.edf").c_str());
      return 1;
    }
    const int ns = std::stoi(std::string(b.begin() + 252, b.begin() + 256));
    std::vector<int32_t> x;
    for (size_t i = 256 * static_cast<size_t>(ns + 1); i + 2 <= b.size(); i += 2) {
      x.push_back(static_cast<int16_t>(b[i] | (b[i + 1] << 8)));
    }
    series.emplace_back("edf_s001r03", x);
  }
  std::mt19937 rng(12345);
  {
    std::vector<int32_t> noise(2000), tiny(25), steps(5000), extremes(300), walk(5000);
    for (auto& v : noise) v = static_cast<int32_t>(rng());
    for (auto& v : tiny) v = static_cast<int32_t>(rng() % 30) - 15;
    int32_t level = 0;
    for (auto& v : steps) v = (rng() % 300 == 0) ? (level = static_cast<int32_t>(rng())) : level;
    for (size_t i = 0; i < extremes.size(); ++i) extremes[i] = (i & 1) ? INT32_MIN : INT32_MAX;
    double w = 0;
    for (auto& v : walk) v = static_cast<int32_t>(w += std::normal_distribution<double>(0, 3000)(rng));
    series.emplace_back("noise", noise);
    series.emplace_back("tiny", tiny);
    series.emplace_back("steps", steps);
    series.emplace_back("extremes", extremes);
    series.emplace_back("walk24", walk);
    series.emplace_back("constant", std::vector<int32_t>(100, 7));
    series.emplace_back("single", std::vector<int32_t>{-123456});
    series.emplace_back("empty", std::vector<int32_t>{});
  }

  int files = 0;
  for (const auto& [name, x] : series) {
    // Encoded chunks: whole, truncated, flipped (decode mode, first byte 0).
    std::string encoded;
    jumeau::store::EncodeSamples(x, &encoded);
    Write(dir, "dec_" + name, '\0', encoded);
    ++files;
    if (encoded.size() > 8) {
      Write(dir, "dec_" + name + "_truncated", '\0', encoded.substr(0, encoded.size() * 2 / 3));
      std::string flipped = encoded;
      flipped[rng() % flipped.size()] ^= static_cast<char>(1 << (rng() % 8));
      Write(dir, "dec_" + name + "_flipped", '\0', flipped);
      files += 2;
    }
    // Raw arrays for the round trip (mode 1; mode 3 integrates).
    std::vector<int32_t> head(x.begin(), x.begin() + static_cast<ptrdiff_t>(std::min<size_t>(x.size(), 3000)));
    Write(dir, "rt_" + name, '\x01', RawInts(head));
    ++files;
  }
  // Small steps to integrate (mode 3) and shifted values (mode 1 | shift 20 << 2).
  {
    std::vector<int32_t> small(2000);
    for (auto& v : small) v = static_cast<int32_t>(rng() % 7) - 3;
    Write(dir, "rt_integrated_steps", '\x03', RawInts(small));
    Write(dir, "rt_shifted", static_cast<char>(1 | (20 << 2)), RawInts(small));
    files += 2;
  }
  std::printf("wrote %d files to %s\n", files, dir.c_str());
  return 0;
}

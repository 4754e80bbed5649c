// Tests for the lossless sample codec (codec.h): round trips on synthetic
// series (smooth, noisy, steps, extremes, empty, tiny, random lengths), on
// real MIT-BIH ECG and EDF EEG data, compression sanity bounds, and
// rejection of malformed or damaged chunks without crashing.
#include "jumeau/store/codec.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "jumeau/store/internal/cpu_features.h"
#include "jumeau/testing/test_data.h"

namespace jumeau::store {
namespace {

constexpr int32_t kMin = std::numeric_limits<int32_t>::min();
constexpr int32_t kMax = std::numeric_limits<int32_t>::max();

std::string Encode(const std::vector<int32_t>& samples) {
  std::string out;
  EncodeSamples(samples, &out);
  return out;
}

// Encodes, decodes and checks the result; returns the encoded size in bytes.
// The encoder's AVX2 paths and their SSE2 / scalar twins must write the same
// bytes: both are run.
size_t ExpectRoundTrip(const std::vector<int32_t>& samples,
                       const std::string& what) {
  const std::string encoded = Encode(samples);
  internal::DisableAvx2ForTesting(true);
  const std::string baseline = Encode(samples);
  internal::DisableAvx2ForTesting(false);
  EXPECT_TRUE(encoded == baseline)
      << what << ": AVX2 and baseline encodings differ";
  std::vector<int32_t> decoded(samples.size(), 0x5A5A5A5A);
  const Status s = DecodeSamples(encoded, decoded);
  EXPECT_TRUE(s.ok()) << what << ": " << s.ToString();
  EXPECT_TRUE(decoded == samples) << what << ": decoded samples differ";
  return encoded.size();
}

double BitsPerSample(size_t bytes, size_t samples) {
  return static_cast<double>(bytes) * 8.0 / static_cast<double>(samples);
}

std::vector<uint8_t> ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::vector<uint8_t>((std::istreambuf_iterator<char>(in)),
                              std::istreambuf_iterator<char>());
}

// WFDB format 212: each 3 bytes hold two 12-bit two's-complement samples of
// the two interleaved signals.
void Decode212(const std::vector<uint8_t>& bytes, std::vector<int32_t>* s0,
               std::vector<int32_t>* s1) {
  for (size_t i = 0; i + 3 <= bytes.size(); i += 3) {
    int32_t a = bytes[i] | ((bytes[i + 1] & 0x0F) << 8);
    int32_t b = bytes[i + 2] | ((bytes[i + 1] & 0xF0) << 4);
    s0->push_back(a >= 2048 ? a - 4096 : a);
    s1->push_back(b >= 2048 ? b - 4096 : b);
  }
}

// ---- synthetic series ----

TEST(CodecTest, EmptyEncodesToAFewBytes) {
  const std::string encoded = Encode({});
  EXPECT_LE(encoded.size(), 4u);
  std::vector<int32_t> none;
  EXPECT_TRUE(DecodeSamples(encoded, none).ok());
  std::vector<int32_t> one(1);
  EXPECT_EQ(DecodeSamples(encoded, one).code(), StatusCode::kDataLoss);
}

TEST(CodecTest, SingleSamples) {
  for (int32_t v : {0, 1, -1, 42, -2048, 2047, 8388607, -8388608, kMin, kMax}) {
    const size_t bytes = ExpectRoundTrip({v}, "single " + std::to_string(v));
    EXPECT_LE(bytes, 12u) << v;
  }
}

TEST(CodecTest, TinySeries) {
  std::mt19937 rng(1);
  for (size_t n = 1; n <= 40; ++n) {
    std::vector<int32_t> x(n);
    for (auto& v : x) v = static_cast<int32_t>(rng() % 200) - 100;
    ExpectRoundTrip(x, "tiny n=" + std::to_string(n));
    std::vector<int32_t> extremes(n);
    for (auto& v : extremes) v = (rng() & 1) ? kMin : kMax;
    ExpectRoundTrip(extremes, "tiny extremes n=" + std::to_string(n));
  }
}

TEST(CodecTest, ConstantSeriesAreTiny) {
  for (int32_t v : {0, 7, kMin, kMax}) {
    for (size_t n : {1u, 2u, 100u, 5000u, 100000u}) {
      const size_t bytes =
          ExpectRoundTrip(std::vector<int32_t>(n, v), "constant");
      EXPECT_LE(bytes, 16u) << "n=" << n << " v=" << v;
    }
  }
}

TEST(CodecTest, SineWavesCompressWell) {
  for (double amplitude : {3.0, 1000.0, 8e6, 2.1e9}) {
    std::vector<int32_t> x(50000);
    for (size_t i = 0; i < x.size(); ++i) {
      x[i] = static_cast<int32_t>(
          std::lround(amplitude * std::sin(0.003 * static_cast<double>(i))));
    }
    const size_t bytes =
        ExpectRoundTrip(x, "sine " + std::to_string(amplitude));
    // Smooth: far below the bits of the raw amplitude.
    const double raw_bits = std::log2(2 * amplitude + 1);
    EXPECT_LT(BitsPerSample(bytes, x.size()), raw_bits * 0.75 + 0.5)
        << amplitude;
  }
}

TEST(CodecTest, FullRangeNoiseCostsAtMostAFewBitsOver32) {
  std::mt19937 rng(2);
  std::vector<int32_t> x(70000);
  for (auto& v : x) v = static_cast<int32_t>(rng());
  const size_t bytes = ExpectRoundTrip(x, "noise");
  EXPECT_LE(BitsPerSample(bytes, x.size()), 32.01);
}

TEST(CodecTest, NarrowNoiseCostsItsEntropy) {
  // Uniform noise on 10 bits: about 10 bits per sample.
  std::mt19937 rng(3);
  std::vector<int32_t> x(70000);
  for (auto& v : x) v = static_cast<int32_t>(rng() % 1024) - 512;
  const size_t bytes = ExpectRoundTrip(x, "narrow noise");
  EXPECT_LT(BitsPerSample(bytes, x.size()), 10.1);
}

TEST(CodecTest, StepsAndSpikes) {
  std::mt19937 rng(4);
  std::vector<int32_t> x(40000);
  int32_t level = 0;
  for (size_t i = 0; i < x.size(); ++i) {
    if (rng() % 500 == 0) level = static_cast<int32_t>(rng());
    x[i] = level;
    if (rng() % 1000 == 0) x[i] = (rng() & 1) ? kMin : kMax;
  }
  ExpectRoundTrip(x, "steps");
}

TEST(CodecTest, ExtremesAndOverflowingPredictions) {
  std::vector<int32_t> x;
  for (int i = 0; i < 5000; ++i) {
    x.push_back(i % 2 ? kMin : kMax);  // every difference overflows
  }
  for (int i = 0; i < 5000; ++i) x.push_back(kMax - i);  // ramps at the edges
  for (int i = 0; i < 5000; ++i) x.push_back(kMin + (i % 3) * 1000000000);
  ExpectRoundTrip(x, "extremes");
}

TEST(CodecTest, TwentyFourBitRandomWalk) {
  // BDF-like: large amplitude, slowly varying.
  std::mt19937 rng(5);
  std::normal_distribution<double> step(0, 2000);
  std::vector<int32_t> x(100000);
  double v = 0;
  for (auto& s : x) {
    v = std::clamp(v + step(rng), -8388608.0, 8388607.0);
    s = static_cast<int32_t>(v);
  }
  const size_t bytes = ExpectRoundTrip(x, "24-bit walk");
  // Steps of sigma 2000 carry about 13 bits of entropy.
  EXPECT_LT(BitsPerSample(bytes, x.size()), 13.3);
}

TEST(CodecTest, RandomLengthsAndShapes) {
  std::mt19937 rng(6);
  for (int round = 0; round < 60; ++round) {
    const size_t n = rng() % (round < 40 ? 300 : 20000);
    std::vector<int32_t> x(n);
    const int shape = static_cast<int>(rng() % 4);
    double phase = 0;
    for (size_t i = 0; i < n; ++i) {
      switch (shape) {
        case 0:
          x[i] = static_cast<int32_t>(rng() % 50);
          break;
        case 1:
          x[i] = static_cast<int32_t>(rng());
          break;
        case 2:
          phase += 0.01 + 0.001 * (rng() % 10);
          x[i] = static_cast<int32_t>(30000 * std::sin(phase)) +
                 static_cast<int32_t>(rng() % 5);
          break;
        default:
          x[i] = static_cast<int32_t>(i * i * 31 + (rng() % 3));
          break;
      }
    }
    ExpectRoundTrip(x, "round " + std::to_string(round) +
                           " n=" + std::to_string(n) +
                           " shape=" + std::to_string(shape));
  }
}

TEST(CodecTest, LengthsAroundMethodAndSegmentThresholds) {
  std::mt19937 rng(7);
  for (size_t n : {15, 16, 17, 2047, 2048, 2049, 4093, 4094, 4095, 4096, 4097,
                   4098, 65535, 65536, 65537}) {
    std::vector<int32_t> x(n);
    int32_t v = 0;
    for (auto& s : x) s = v += static_cast<int32_t>(rng() % 21) - 10;
    ExpectRoundTrip(x, "n=" + std::to_string(n));
  }
}

TEST(CodecTest, PyramidLikeSeries) {
  // Min / max / mean of buckets of a noisy sine: smooth, small series.
  std::mt19937 rng(8);
  std::vector<int32_t> raw(64 * 500);
  for (size_t i = 0; i < raw.size(); ++i) {
    raw[i] =
        static_cast<int32_t>(800 * std::sin(0.002 * static_cast<double>(i))) +
        static_cast<int32_t>(rng() % 40);
  }
  for (size_t bucket : {4u, 64u, 4096u}) {
    std::vector<int32_t> lo, hi, mean;
    for (size_t b = 0; b + bucket <= raw.size(); b += bucket) {
      const auto first = raw.begin() + static_cast<ptrdiff_t>(b);
      const auto last = first + static_cast<ptrdiff_t>(bucket);
      lo.push_back(*std::min_element(first, last));
      hi.push_back(*std::max_element(first, last));
      int64_t sum = 0;
      for (auto it = first; it != last; ++it) sum += *it;
      mean.push_back(static_cast<int32_t>(sum / static_cast<int64_t>(bucket)));
    }
    for (const auto* series : {&lo, &hi, &mean}) {
      const size_t bytes =
          ExpectRoundTrip(*series, "pyramid " + std::to_string(bucket));
      // Never worse than 16 bits per sample plus a small header.
      EXPECT_LE(bytes, series->size() * 2 + 16) << bucket;
    }
  }
}

TEST(CodecTest, AppendsAndIsDeterministic) {
  std::vector<int32_t> x(3000);
  for (size_t i = 0; i < x.size(); ++i) x[i] = static_cast<int32_t>(i % 97) * 3;
  std::string out = "prefix";
  EncodeSamples(x, &out);
  EXPECT_EQ(out.substr(0, 6), "prefix");
  EXPECT_EQ(out.substr(6), Encode(x));
  std::vector<int32_t> decoded(x.size());
  EXPECT_TRUE(DecodeSamples(std::string_view(out).substr(6), decoded).ok());
  EXPECT_EQ(decoded, x);
}

// ---- real data ----

TEST(CodecTest, MitBihRecord100) {
  JUMEAU_REQUIRE_TEST_DATA(path, "wfdb/mitdb/100.dat");
  std::vector<int32_t> s0, s1;
  Decode212(ReadFile(path), &s0, &s1);
  ASSERT_EQ(s0.size(), 650000u);
  size_t bytes = 0, samples = 0;
  for (const auto* signal : {&s0, &s1}) {
    for (size_t begin = 0; begin < signal->size(); begin += 65536) {
      const size_t end = std::min(signal->size(), begin + 65536);
      std::vector<int32_t> chunk(
          signal->begin() + static_cast<ptrdiff_t>(begin),
          signal->begin() + static_cast<ptrdiff_t>(end));
      bytes += ExpectRoundTrip(chunk, "100 chunk at " + std::to_string(begin));
      samples += chunk.size();
    }
  }
  // flac -8 needs 4.49 and wavpack -hh 4.28 bits per sample on this record
  // (stereo WAV); the codec measured 3.52 in chunks of 65536.
  EXPECT_LT(BitsPerSample(bytes, samples), 3.7);
}

TEST(CodecTest, EdfEegSixteenBit) {
  JUMEAU_REQUIRE_TEST_DATA(path, "edf/S001R03.edf");
  const std::vector<uint8_t> bytes = ReadFile(path);
  ASSERT_GT(bytes.size(), 256u);
  const int signals =
      std::stoi(std::string(bytes.begin() + 252, bytes.begin() + 256));
  const size_t header = 256 * static_cast<size_t>(signals + 1);
  ASSERT_LT(header, bytes.size());
  std::vector<int32_t> x;
  for (size_t i = header; i + 2 <= bytes.size(); i += 2) {
    x.push_back(static_cast<int16_t>(bytes[i] | (bytes[i + 1] << 8)));
  }
  size_t encoded = 0;
  for (size_t begin = 0; begin < x.size(); begin += 65536) {
    const size_t end = std::min(x.size(), begin + 65536);
    std::vector<int32_t> chunk(x.begin() + static_cast<ptrdiff_t>(begin),
                               x.begin() + static_cast<ptrdiff_t>(end));
    encoded += ExpectRoundTrip(chunk, "EDF chunk at " + std::to_string(begin));
  }
  // Interleaved records of 64 channels still compress well below 16 bits.
  EXPECT_LT(BitsPerSample(encoded, x.size()), 12.0);
}

TEST(CodecTest, BdfTwentyFourBit) {
  JUMEAU_REQUIRE_TEST_DATA(path, "edf/test_bdf_stim_channel.bdf");
  const std::vector<uint8_t> bytes = ReadFile(path);
  ASSERT_GT(bytes.size(), 256u);
  const int signals =
      std::stoi(std::string(bytes.begin() + 252, bytes.begin() + 256));
  const size_t header = 256 * static_cast<size_t>(signals + 1);
  ASSERT_LT(header, bytes.size());
  std::vector<int32_t> x;
  for (size_t i = header; i + 3 <= bytes.size(); i += 3) {
    const int32_t v = bytes[i] | (bytes[i + 1] << 8) | (bytes[i + 2] << 16);
    x.push_back(v >= (1 << 23) ? v - (1 << 24) : v);
  }
  ASSERT_GT(x.size(), 10000u);
  const size_t encoded = ExpectRoundTrip(x, "BDF");
  EXPECT_LT(BitsPerSample(encoded, x.size()), 24.0);
}

// ---- malformed input ----

std::vector<int32_t> EcgLike(size_t n) {
  std::mt19937 rng(9);
  std::vector<int32_t> x(n);
  for (size_t i = 0; i < n; ++i) {
    const double t = static_cast<double>(i % 300);
    x[i] = static_cast<int32_t>(900 * std::exp(-(t - 150) * (t - 150) / 20) +
                                50 * std::sin(0.02 * static_cast<double>(i))) +
           static_cast<int32_t>(rng() % 9) - 4;
  }
  return x;
}

TEST(CodecTest, RejectsWrongCountUnknownMethodAndTrailingBytes) {
  const std::vector<int32_t> x = EcgLike(5000);
  const std::string encoded = Encode(x);
  std::vector<int32_t> shorter(x.size() - 1), longer(x.size() + 1),
      exact(x.size());
  EXPECT_EQ(DecodeSamples(encoded, shorter).code(), StatusCode::kDataLoss);
  EXPECT_EQ(DecodeSamples(encoded, longer).code(), StatusCode::kDataLoss);
  EXPECT_EQ(DecodeSamples(encoded + '\0', exact).code(), StatusCode::kDataLoss);
  for (int method : {0, 4, 255}) {
    std::string bad = encoded;
    bad[0] = static_cast<char>(method);
    EXPECT_EQ(DecodeSamples(bad, exact).code(), StatusCode::kDataLoss)
        << method;
  }
  EXPECT_EQ(DecodeSamples("", exact).code(), StatusCode::kDataLoss);
  std::vector<int32_t> none;
  EXPECT_EQ(DecodeSamples("", none).code(), StatusCode::kDataLoss);
}

// Every truncation of every method's output is detected.
TEST(CodecTest, EveryTruncationIsDataLoss) {
  std::mt19937 rng(10);
  std::vector<int32_t> noise(300);
  for (auto& v : noise) v = static_cast<int32_t>(rng());
  const std::vector<std::vector<int32_t>> inputs = {
      EcgLike(5000),  // rANS, 4 segments
      EcgLike(1500),  // rANS, 1 segment
      EcgLike(40),    // Rice
      noise,          // packed
      std::vector<int32_t>(30, 3)};
  for (const auto& x : inputs) {
    const std::string encoded = Encode(x);
    std::vector<int32_t> out(x.size());
    for (size_t len = 0; len < encoded.size(); ++len) {
      EXPECT_EQ(
          DecodeSamples(std::string_view(encoded).substr(0, len), out).code(),
          StatusCode::kDataLoss)
          << "method " << static_cast<int>(encoded[0]) << " n=" << x.size()
          << " length " << len;
    }
  }
}

// A bit flip anywhere either fails with kDataLoss or, when it hits a bit
// that carries no information (a frequency code that normalises to the same
// table), decodes to the original samples: never to wrong samples (the
// checksum). Run under -DJUMEAU_SANITIZE=ON to check that no flip makes the
// decoder misbehave.
TEST(CodecTest, BitFlipsNeverYieldWrongSamples) {
  const std::vector<std::vector<int32_t>> inputs = {EcgLike(6000),
                                                    EcgLike(1000), EcgLike(30)};
  for (const auto& x : inputs) {
    const std::string encoded = Encode(x);
    std::vector<int32_t> out(x.size());
    size_t flips = 0, caught = 0;
    for (size_t byte = 0; byte < encoded.size(); ++byte) {
      for (int bit = 0; bit < 8; ++bit) {
        std::string bad = encoded;
        bad[byte] = static_cast<char>(bad[byte] ^ (1 << bit));
        const Status s = DecodeSamples(bad, out);
        ++flips;
        if (!s.ok()) {
          EXPECT_EQ(s.code(), StatusCode::kDataLoss);
          ++caught;
        } else {
          EXPECT_TRUE(out == x) << "flip of byte " << byte << " bit " << bit
                                << " decoded to wrong samples, n=" << x.size();
        }
      }
    }
    // Nearly every bit matters.
    EXPECT_GT(static_cast<double>(caught), 0.999 * static_cast<double>(flips))
        << x.size();
  }
}

TEST(CodecTest, GarbageNeverCrashes) {
  std::mt19937 rng(11);
  std::vector<int32_t> out;
  for (int round = 0; round < 3000; ++round) {
    std::string garbage(rng() % 200, '\0');
    for (auto& c : garbage) c = static_cast<char>(rng());
    if (!garbage.empty())
      garbage[0] = static_cast<char>(1 + rng() % 3);  // a real method
    out.assign(rng() % 100, 0);
    // Make the count match sometimes so decoding goes deeper.
    if (garbage.size() > 1 && (round & 1))
      garbage[1] = static_cast<char>(out.size());
    const Status s = DecodeSamples(garbage, out);
    if (!s.ok()) {
      EXPECT_EQ(s.code(), StatusCode::kDataLoss);
    }
  }
}

}  // namespace
}  // namespace jumeau::store

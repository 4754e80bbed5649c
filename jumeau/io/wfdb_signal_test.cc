// Tests of the WFDB format codecs: bytes built by hand from the layouts in
// signal(5) for known sample values, partial trailing units, encode/decode
// round trips over each format's whole range, and range errors.
#include "jumeau/io/wfdb_signal.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <random>

namespace jumeau::io {
namespace {

using ::testing::ElementsAre;

std::vector<int32_t> Decode(int format, const std::string& bytes,
                            int64_t count) {
  const WfdbFormatInfo* info = FindWfdbFormat(format);
  EXPECT_NE(info, nullptr);
  EXPECT_LE(WfdbBytesForSamples(*info, count),
            static_cast<int64_t>(bytes.size()));
  std::vector<int32_t> out(static_cast<size_t>(count));
  DecodeWfdbSamples(*info, reinterpret_cast<const uint8_t*>(bytes.data()),
                    count, out.data());
  return out;
}

std::string Bytes(std::initializer_list<int> b) {
  std::string s;
  for (int v : b) s += static_cast<char>(v);
  return s;
}

TEST(WfdbFormats, KnownLayouts) {
  EXPECT_EQ(FindWfdbFormat(999), nullptr);
  EXPECT_EQ(FindWfdbFormat(0), nullptr);
  // 212: sample 0 = byte 0 + low nibble of byte 1; sample 1 = high nibble of
  // byte 1 + byte 2.
  EXPECT_THAT(Decode(212, Bytes({0x01, 0xF0, 0xFF, 0xFF, 0x87, 0x00}), 4),
              ElementsAre(1, -1, 2047, -2048));
  // The first frame of MIT-BIH 100.dat: MLII 995 (0x3E3), V5 1011 (0x3F3).
  EXPECT_THAT(Decode(212, Bytes({0xE3, 0x33, 0xF3}), 2),
              ElementsAre(995, 1011));
  // 16: little-endian two's complement.
  EXPECT_THAT(
      Decode(16, Bytes({0x01, 0x00, 0xFE, 0xFF, 0xFF, 0x7F, 0x00, 0x80}), 4),
      ElementsAre(1, -2, 32767, -32768));
  // 61: big-endian.
  EXPECT_THAT(
      Decode(61, Bytes({0x00, 0x01, 0xFF, 0xFE, 0x7F, 0xFF, 0x80, 0x00}), 4),
      ElementsAre(1, -2, 32767, -32768));
  // 80: offset binary bytes.
  EXPECT_THAT(Decode(80, Bytes({0x80, 0x00, 0xFF, 0x85}), 4),
              ElementsAre(0, -128, 127, 5));
  // 160: offset binary 16-bit little-endian.
  EXPECT_THAT(Decode(160, Bytes({0x00, 0x80, 0x00, 0x00, 0xFF, 0xFF}), 3),
              ElementsAre(0, -32768, 32767));
  // 24 and 32: little-endian two's complement.
  EXPECT_THAT(Decode(24,
                     Bytes({0x01, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F, 0,
                            0, 0x80}),
                     4),
              ElementsAre(1, -1, 8388607, -8388608));
  EXPECT_THAT(Decode(32,
                     Bytes({1, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
                            0xFF, 0x7F, 0, 0, 0, 0x80}),
                     4),
              ElementsAre(1, -1, INT32_MAX, INT32_MIN));
  // 8: signed differences (summed by the reader, not here).
  EXPECT_THAT(Decode(8, Bytes({0x00, 0x05, 0xFD, 0x7F, 0x80}), 5),
              ElementsAre(0, 5, -3, 127, -128));
  // 310: 1 = bits 1-10 of word 0 (0x6002), -1 = bits 1-10 of word 1
  // (0x4FFE), 300 = 0x12C: low 5 bits 0x0C from bits 11-15 of word 0, high
  // 5 bits 0x09 from bits 11-15 of word 1.
  EXPECT_THAT(Decode(310, Bytes({0x02, 0x60, 0xFE, 0x4F}), 3),
              ElementsAre(1, -1, 300));
  // 311: 32-bit word 0x12CFFC01 = 1 | 0x3FF << 10 | 0x12C << 20.
  EXPECT_THAT(Decode(311, Bytes({0x01, 0xFC, 0xCF, 0x12}), 3),
              ElementsAre(1, -1, 300));
  EXPECT_THAT(Decode(311, Bytes({0x00, 0x02, 0x00, 0x20}), 3),
              ElementsAre(-512, 0, -512));
}

TEST(WfdbFormats, PartialTrailingUnits) {
  const WfdbFormatInfo& f212 = *FindWfdbFormat(212);
  const WfdbFormatInfo& f310 = *FindWfdbFormat(310);
  EXPECT_EQ(WfdbBytesForSamples(f212, 3), 5);
  EXPECT_EQ(WfdbSamplesInBytes(f212, 5), 3);
  EXPECT_EQ(WfdbSamplesInBytes(f212, 4), 2);
  EXPECT_EQ(WfdbBytesForSamples(f310, 4), 6);
  EXPECT_EQ(WfdbBytesForSamples(f310, 5), 8);
  EXPECT_EQ(WfdbSamplesInBytes(f310, 6), 4);
  EXPECT_EQ(WfdbSamplesInBytes(f310, 7), 4);
  EXPECT_EQ(WfdbBytesForSamples(*FindWfdbFormat(24), 5), 15);
  EXPECT_THAT(Decode(212, Bytes({0x01, 0xF0, 0xFF, 0x05, 0x08}), 3),
              ElementsAre(1, -1, -2043));
  EXPECT_THAT(Decode(310, Bytes({0x02, 0x60, 0xFE, 0x4F, 0x04, 0x00}), 4),
              ElementsAre(1, -1, 300, 2));
  EXPECT_THAT(Decode(311, Bytes({0x01, 0xFC, 0xCF, 0x12, 0x03, 0x00}), 4),
              ElementsAre(1, -1, 300, 3));
}

TEST(WfdbFormats, RoundTripEveryFormatAndLength) {
  std::mt19937 rng(7);
  for (int format : {8, 16, 24, 32, 61, 80, 160, 212, 310, 311}) {
    const WfdbFormatInfo& info = *FindWfdbFormat(format);
    std::uniform_int_distribution<int64_t> dist(info.min_value, info.max_value);
    for (int64_t n = 0; n <= 13; ++n) {
      SCOPED_TRACE(format);
      SCOPED_TRACE(n);
      std::vector<int32_t> in(static_cast<size_t>(n));
      for (auto& v : in) v = static_cast<int32_t>(dist(rng));
      if (n > 0) in[0] = info.min_value;
      if (n > 1) in[n - 1] = info.max_value;
      std::string bytes;
      ASSERT_TRUE(EncodeWfdbSamples(info, in.data(), n, &bytes).ok());
      EXPECT_EQ(static_cast<int64_t>(bytes.size()),
                WfdbBytesForSamples(info, n));
      // Two leftover 10-bit samples take a whole 4-byte unit, which reads
      // back as three.
      const bool ambiguous = info.unit_samples == 3 && n % 3 == 2;
      EXPECT_EQ(WfdbSamplesInBytes(info, static_cast<int64_t>(bytes.size())),
                n + (ambiguous ? 1 : 0));
      EXPECT_EQ(Decode(format, bytes + "\x00\x00\x00\x00", n), in);
    }
  }
}

TEST(WfdbFormats, Fast212PairsMatchGenericDecoder) {
  std::mt19937 rng(3);
  std::string bytes(3 * 1001, '\0');
  for (char& c : bytes) c = static_cast<char>(rng());
  const std::vector<int32_t> flat = Decode(212, bytes, 2002);
  std::vector<int32_t> a(1001), b(1001);
  DecodeWfdb212Pairs(reinterpret_cast<const uint8_t*>(bytes.data()), 1001,
                     a.data(), b.data());
  for (size_t i = 0; i < 1001; ++i) {
    ASSERT_EQ(a[i], flat[2 * i]);
    ASSERT_EQ(b[i], flat[2 * i + 1]);
  }
}

TEST(WfdbFormats, EncodeOutOfRange) {
  const std::vector<int32_t> v = {0, 2048};
  std::string out;
  Status st = EncodeWfdbSamples(*FindWfdbFormat(212), v.data(), 2, &out);
  EXPECT_EQ(st.code(), StatusCode::kOutOfRange);
  EXPECT_EQ(st.message(),
            "sample 1 value 2048 does not fit WFDB format 212 (-2048 to 2047)");
  const std::vector<int32_t> w = {-513};
  EXPECT_EQ(EncodeWfdbSamples(*FindWfdbFormat(311), w.data(), 1, &out).code(),
            StatusCode::kOutOfRange);
}

TEST(WfdbFormats, Checksum16) {
  EXPECT_EQ(WfdbChecksum16(0), 0);
  EXPECT_EQ(WfdbChecksum16(0xFFFF), -1);
  EXPECT_EQ(WfdbChecksum16(0x18000), -32768);
  EXPECT_EQ(WfdbChecksum16(static_cast<uint64_t>(-5)), -5);
}

}  // namespace
}  // namespace jumeau::io

// Tests of OpenWfdb/ReadWfdb: the real MIT-BIH and other PhysioNet records in
// the shared test data, plus records built here (skew, byte offsets, format
// 8, unspecified length, multi-segment, and every error class).
#include "jumeau/io/wfdb.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>

#include "jumeau/io/wfdb_signal.h"
#include "jumeau/io/wfdb_writer.h"
#include "jumeau/testing/test_data.h"

namespace jumeau::io {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::string ReadBytes(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)),
                     std::istreambuf_iterator<char>());
}

void WriteBytes(const std::filesystem::path& p, std::string_view bytes) {
  std::ofstream out(p, std::ios::binary);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

// Independent 212 decoder for checks: the spec's words, one sample at a time.
std::vector<int> Decode212Slow(const std::string& bytes) {
  std::vector<int> out;
  for (size_t i = 0; i + 2 < bytes.size(); i += 3) {
    const int b0 = static_cast<unsigned char>(bytes[i]);
    const int b1 = static_cast<unsigned char>(bytes[i + 1]);
    const int b2 = static_cast<unsigned char>(bytes[i + 2]);
    int a = b0 + ((b1 & 0x0F) << 8);
    int b = b2 + ((b1 >> 4) << 8);
    if (a >= 2048) a -= 4096;
    if (b >= 2048) b -= 4096;
    out.push_back(a);
    out.push_back(b);
  }
  return out;
}

int Checksum(const std::vector<int32_t>& v) {
  int sum = 0;
  for (int32_t x : v)
    sum = static_cast<int16_t>(static_cast<uint16_t>(sum + x));
  return sum;
}

TEST(WfdbRealData, MitBihRecordsReadWithVerifiedChecksums) {
  JUMEAU_REQUIRE_TEST_DATA(dir, "wfdb/mitdb");
  const char* records[] = {"100", "101", "102", "103", "104", "105", "106",
                           "107", "108", "109", "111", "112", "113", "114",
                           "115", "116", "117", "118", "119"};
  for (const char* name : records) {
    SCOPED_TRACE(name);
    Result<WfdbHeader> h = ReadWfdbHeader(dir / name);
    ASSERT_TRUE(h.ok()) << h.status().ToString();
    Result<Recording> rec = ReadWfdb(dir / name);
    ASSERT_TRUE(rec.ok()) << rec.status().ToString();
    ASSERT_EQ(rec->signals.size(), 2u);
    EXPECT_EQ(rec->format, "WFDB");
    EXPECT_EQ(rec->source_recording_id, name);
    for (size_t s = 0; s < 2; ++s) {
      const Signal& sig = rec->signals[s];
      EXPECT_EQ(sig.samples.size(), 650000u);
      EXPECT_EQ(sig.rate, SampleRate(360, 1));
      EXPECT_EQ(sig.unit, "mV");
      EXPECT_DOUBLE_EQ(sig.scale, 1.0 / 200);
      EXPECT_EQ(sig.label, h->signals[s].description);
      EXPECT_EQ(sig.bits, 11);
      EXPECT_EQ(sig.digital_min, 0);
      EXPECT_EQ(sig.digital_max, 2047);
      // Independently of the reader's own check: the header's checksum.
      EXPECT_EQ(Checksum(sig.samples), *h->signals[s].checksum);
      EXPECT_EQ(sig.samples[0], h->signals[s].initial_value);
    }
  }
}

TEST(WfdbRealData, Record100Values) {
  JUMEAU_REQUIRE_TEST_DATA(dir, "wfdb/mitdb/100.hea");
  Result<Recording> rec = ReadWfdb(dir);  // the .hea path itself
  ASSERT_TRUE(rec.ok()) << rec.status().ToString();
  const auto& mlii = rec->signals[0].samples;
  const auto& v5 = rec->signals[1].samples;
  EXPECT_EQ(rec->signals[0].label, "MLII");
  EXPECT_EQ(rec->signals[1].label, "V5");
  EXPECT_THAT(std::vector<int32_t>(mlii.begin(), mlii.begin() + 10),
              ElementsAre(995, 995, 995, 995, 995, 995, 995, 995, 1000, 997));
  EXPECT_EQ(v5[0], 1011);
  EXPECT_EQ(v5[1], 1011);
  // Physical value: (995 - 1024) / 200 mV.
  EXPECT_NEAR(rec->signals[0].Physical(0), (995 - 1024) / 200.0, 1e-12);
  // No base time or date: Time{0} and a warning.
  EXPECT_EQ(rec->start, Time{0});
  EXPECT_THAT(rec->warnings,
              ::testing::Contains(HasSubstr("no base time or date")));
  // Every sample equals an independent decode of the bytes.
  const std::vector<int> slow =
      Decode212Slow(ReadBytes(dir.parent_path() / "100.dat"));
  ASSERT_EQ(slow.size(), 1300000u);
  for (size_t i = 0; i < 650000; ++i) {
    ASSERT_EQ(mlii[i], slow[2 * i]) << i;
    ASSERT_EQ(v5[i], slow[2 * i + 1]) << i;
  }
}

TEST(WfdbRealData, StreamingBlocksAreBoundedAndContiguous) {
  JUMEAU_REQUIRE_TEST_DATA(hea, "wfdb/mitdb/100.hea");
  Result<std::unique_ptr<RecordingReader>> reader =
      OpenWfdb(hea.parent_path() / "100");
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  RecordingReader& r = **reader;
  EXPECT_TRUE(r.header().signals[0].samples.empty());
  EXPECT_EQ(r.bytes_total(), 1950000u);
  EXPECT_EQ(r.files().size(), 2u);
  SampleBlock block;
  int64_t total = 0;
  int blocks = 0;
  while (true) {
    Result<bool> more = r.Next(&block);
    ASSERT_TRUE(more.ok()) << more.status().ToString();
    if (!*more) break;
    ++blocks;
    ASSERT_EQ(block.samples.size(), 2u);
    EXPECT_LE(block.samples[0].size(),
              static_cast<size_t>(kWfdbFramesPerBlock));
    EXPECT_EQ(block.samples[0].size(), block.samples[1].size());
    EXPECT_EQ(block.start[0], r.header().signals[0].TimeOfSample(total));
    total += static_cast<int64_t>(block.samples[0].size());
  }
  EXPECT_EQ(total, 650000);
  EXPECT_EQ(blocks, 10);
  EXPECT_EQ(r.bytes_read(), r.bytes_total());
}

TEST(WfdbRealData, Record03700181MultiFrequencyAndSkew) {
  JUMEAU_REQUIRE_TEST_DATA(dir, "wfdb/other/03700181.hea");
  Result<Recording> rec = ReadWfdb(dir.parent_path() / "03700181");
  ASSERT_TRUE(rec.ok()) << rec.status().ToString();
  ASSERT_EQ(rec->signals.size(), 3u);
  const Signal& mcl1 = rec->signals[0];
  const Signal& abp = rec->signals[1];
  const Signal& resp = rec->signals[2];
  EXPECT_EQ(mcl1.label, "MCL1");
  EXPECT_EQ(abp.label, "ABP");
  EXPECT_EQ(resp.label, "RESP");
  EXPECT_EQ(mcl1.rate, SampleRate(500, 1));
  EXPECT_EQ(abp.rate, SampleRate(125, 1));
  EXPECT_EQ(resp.rate, SampleRate(125, 1));
  EXPECT_EQ(mcl1.samples.size(), 300000u);
  EXPECT_EQ(abp.samples.size(), 75000u);
  EXPECT_EQ(resp.samples.size(), 75000u);
  EXPECT_EQ(abp.unit, "mm[Hg]");
  EXPECT_EQ(abp.source_unit, "mmHg");
  EXPECT_DOUBLE_EQ(abp.scale, 1 / 12.84);
  EXPECT_DOUBLE_EQ(abp.offset, 1605 / 12.84);
  EXPECT_EQ(resp.unit, "mV");  // no units field: WFDB's millivolt default
  EXPECT_EQ(rec->start, FromCivil(CivilTime{1994, 8, 15, 17, 27, 45, 0}));
  // Initial values from the header: 67 and -943 are the first samples.
  EXPECT_EQ(mcl1.samples[0], 67);
  EXPECT_EQ(abp.samples[0], -943);
  // The frame layout, decoded independently: 4 MCL1, 1 ABP, 1 RESP.
  const std::vector<int> raw =
      Decode212Slow(ReadBytes(dir.parent_path() / "03700181.dat"));
  ASSERT_EQ(raw.size(), 450000u);
  for (size_t f = 0; f < 75000; ++f) {
    for (size_t c = 0; c < 4; ++c)
      ASSERT_EQ(mcl1.samples[4 * f + c], raw[6 * f + c]);
    ASSERT_EQ(abp.samples[f], raw[6 * f + 4]);
  }
  // RESP has skew 4: its header initial value (-304) is the stored sample
  // that precedes sample 0; sample f is stored in frame f + 4.
  EXPECT_EQ(raw[5], -304);
  for (size_t f = 0; f + 4 < 75000; ++f)
    ASSERT_EQ(resp.samples[f], raw[6 * (f + 4) + 5]);
  for (size_t f = 74996; f < 75000; ++f) EXPECT_EQ(resp.samples[f], -2048);
  EXPECT_THAT(rec->warnings, ::testing::Contains(HasSubstr("has skew 4")));
}

TEST(WfdbRealData, RecordV131lFormat16WithPrefix) {
  JUMEAU_REQUIRE_TEST_DATA(dir, "wfdb/other/v131l.hea");
  Result<WfdbHeader> h = ReadWfdbHeader(dir);
  ASSERT_TRUE(h.ok());
  Result<Recording> rec = ReadWfdb(dir);
  ASSERT_TRUE(rec.ok()) << rec.status().ToString();
  ASSERT_EQ(rec->signals.size(), 4u);
  const char* labels[] = {"II", "V", "ABP", "RESP"};
  const char* units[] = {"mV", "mV", "mm[Hg]", "{NU}"};
  for (size_t s = 0; s < 4; ++s) {
    const Signal& sig = rec->signals[s];
    EXPECT_EQ(sig.label, labels[s]);
    EXPECT_EQ(sig.unit, units[s]);
    EXPECT_EQ(sig.rate, SampleRate(250, 1));
    EXPECT_EQ(sig.samples.size(), 82500u);
    EXPECT_EQ(sig.bits, 16);
    EXPECT_EQ(sig.samples[0], h->signals[s].initial_value);
    EXPECT_EQ(Checksum(sig.samples), *h->signals[s].checksum);
  }
  EXPECT_THAT(std::vector<int32_t>(rec->signals[0].samples.begin(),
                                   rec->signals[0].samples.begin() + 4),
              ElementsAre(2679, 3092, 2770, 2558));
  EXPECT_EQ(rec->signals[2].samples[1], 7531);
}

TEST(WfdbRealData, FindsAnnotationFiles) {
  JUMEAU_REQUIRE_TEST_DATA(dir, "wfdb");
  auto names = [](const std::vector<std::filesystem::path>& v) {
    std::vector<std::string> out;
    for (const auto& p : v) out.push_back(p.filename().string());
    return out;
  };
  EXPECT_THAT(names(FindWfdbAnnotationFiles(dir / "mitdb/100.hea")),
              ElementsAre("100.atr"));
  EXPECT_THAT(names(FindWfdbAnnotationFiles(dir / "other/03700181")),
              ElementsAre("03700181.gqrsh", "03700181.gqrsl", "03700181.sqrs"));
  EXPECT_THAT(names(FindWfdbAnnotationFiles(dir / "other/v131l")),
              ElementsAre("v131l.wabp2"));
}

TEST(WfdbRealData, ReadWfdbEqualsStreamingReadAll) {
  JUMEAU_REQUIRE_TEST_DATA(hea, "wfdb/other/03700181.hea");
  for (const char* name : {"03700181", "v131l"}) {
    SCOPED_TRACE(name);
    Result<Recording> direct = ReadWfdb(hea.parent_path() / name);
    ASSERT_TRUE(direct.ok()) << direct.status().ToString();
    Result<std::unique_ptr<RecordingReader>> reader =
        OpenWfdb(hea.parent_path() / name);
    ASSERT_TRUE(reader.ok());
    Result<Recording> streamed = ReadAll(**reader);
    ASSERT_TRUE(streamed.ok()) << streamed.status().ToString();
    ASSERT_EQ(direct->signals.size(), streamed->signals.size());
    for (size_t s = 0; s < direct->signals.size(); ++s) {
      EXPECT_EQ(direct->signals[s].samples, streamed->signals[s].samples);
      EXPECT_EQ(direct->signals[s].start, streamed->signals[s].start);
    }
    EXPECT_EQ(direct->warnings, streamed->warnings);
  }
}

TEST(WfdbRealData, InMemoryReaderMatchesFiles) {
  JUMEAU_REQUIRE_TEST_DATA(hea, "wfdb/other/03700181.hea");
  WfdbMemoryFiles files;
  files["03700181.hea"] = ReadBytes(hea);
  files["03700181.dat"] = ReadBytes(hea.parent_path() / "03700181.dat");
  Result<std::unique_ptr<RecordingReader>> reader =
      OpenWfdbInMemory("03700181", std::move(files));
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  Result<Recording> mem = ReadAll(**reader);
  ASSERT_TRUE(mem.ok()) << mem.status().ToString();
  Result<Recording> disk = ReadWfdb(hea);
  ASSERT_TRUE(disk.ok());
  for (size_t s = 0; s < 3; ++s)
    EXPECT_EQ(mem->signals[s].samples, disk->signals[s].samples);
  EXPECT_EQ(OpenWfdbInMemory("missing", {}).status().code(),
            StatusCode::kNotFound);
}

// ---- records built here ----

// Writes a header and raw signal bytes to `dir`.
void WriteRecord(const std::filesystem::path& dir, const std::string& hea,
                 const std::string& dat_name, const std::string& dat) {
  WriteBytes(dir / "r.hea", hea);
  if (!dat_name.empty()) WriteBytes(dir / dat_name, dat);
}

std::string Le16s(std::initializer_list<int> values) {
  std::string out;
  for (int v : values) {
    out += static_cast<char>(v & 0xFF);
    out += static_cast<char>((v >> 8) & 0xFF);
  }
  return out;
}

TEST(WfdbBuilt, SkewRealignsAndFillsPastTheEnd) {
  const auto dir = testing::ScratchDir();
  // Two format-16 signals; b has skew 2, so b's sample f is stored in frame
  // f+2.
  const std::string dat = Le16s({10, 100, 11, 101, 12, 102, 13, 103, 14, 104});
  WriteRecord(
      dir,
      "r 2 100 5\nr.dat 16 1 16 0 10 60 0 a\nr.dat 16:2 1 16 0 100 510 0 b\n",
      "r.dat", dat);
  Result<Recording> rec = ReadWfdb(dir / "r");
  ASSERT_TRUE(rec.ok()) << rec.status().ToString();
  EXPECT_THAT(rec->signals[0].samples, ElementsAre(10, 11, 12, 13, 14));
  EXPECT_THAT(rec->signals[1].samples,
              ElementsAre(102, 103, 104, -32768, -32768));
}

TEST(WfdbBuilt, SkewLargerThanTheFile) {
  // Regression (libFuzzer): a skew beyond the first decoded chunk overran
  // the decode buffer. Every sample of the skewed signal is past the end.
  const auto dir = testing::ScratchDir();
  WriteRecord(dir,
              "r 1 128.5 10\nr.dat 16x2:37001813+512 100 16 0 1 5140 0 A\n",
              "r.dat", std::string(4096, '\x01'));
  Result<Recording> rec = ReadWfdb(dir / "r");
  ASSERT_TRUE(rec.ok()) << rec.status().ToString();
  EXPECT_EQ(rec->signals[0].samples, std::vector<int32_t>(20, -32768));
}

TEST(WfdbErrors, DatesOutsideTheTimeRange) {
  // Regression (libFuzzer): year 0 overflowed Time.
  const auto dir = testing::ScratchDir();
  WriteBytes(dir / "r.hea", "r 0 360 10 0:0:0 1/1/0\n");
  Result<Recording> rec = ReadWfdb(dir / "r");
  ASSERT_FALSE(rec.ok());
  EXPECT_EQ(
      rec.status().message(),
      "r.hea line 1: base date '1/1/0' is outside the years 1678 to 2261");
  WriteBytes(dir / "r.hea", "r 1 0.000001 900000000000 0:0:0 1/1/2261\n~ 0\n");
  rec = ReadWfdb(dir / "r");
  ASSERT_FALSE(rec.ok());
  EXPECT_THAT(rec.status().message(), HasSubstr("ends after 2262"));
}

TEST(WfdbBuilt, ByteOffsetAndFormat61) {
  const auto dir = testing::ScratchDir();
  std::string dat = "PREFIX";
  dat += std::string("\x00\x05\xFF\xFE", 4);  // 61: big-endian 5, -2
  WriteRecord(dir, "r 1 250 2\nr.dat 61+6 100 16 0 5 3 0 x\n", "r.dat", dat);
  Result<Recording> rec = ReadWfdb(dir / "r");
  ASSERT_TRUE(rec.ok()) << rec.status().ToString();
  EXPECT_THAT(rec->signals[0].samples, ElementsAre(5, -2));
}

TEST(WfdbBuilt, Format8DifferencesPerSignal) {
  const auto dir = testing::ScratchDir();
  // Two signals in one format-8 file; differences are per signal.
  const std::string dat("\x00\x00\x01\xFF\x7F\x80", 6);
  WriteRecord(
      dir,
      "r 2 100 3\nr.dat 8 200 10 0 10 159 0 a\nr.dat 8 200 10 0 -5 -145 0 b\n",
      "r.dat", dat);
  Result<Recording> rec = ReadWfdb(dir / "r");
  ASSERT_TRUE(rec.ok()) << rec.status().ToString();
  EXPECT_THAT(rec->signals[0].samples, ElementsAre(10, 11, 138));
  EXPECT_THAT(rec->signals[1].samples, ElementsAre(-5, -6, -134));
}

TEST(WfdbBuilt, UnspecifiedLengthComesFromTheFile) {
  const auto dir = testing::ScratchDir();
  // Three 212 frames of two signals plus a stray byte; no length, no checksum
  // check.
  std::string dat;
  const std::vector<int32_t> v = {1, 2, 3, 4, 5, 6};
  ASSERT_TRUE(EncodeWfdbSamples(*FindWfdbFormat(212), v.data(), 6, &dat).ok());
  dat += '\x01';
  WriteRecord(
      dir,
      "r 2 360\nr.dat 212 200 12 0 1 999 0 a\nr.dat 212 200 12 0 2 999 0 b\n",
      "r.dat", dat);
  Result<Recording> rec = ReadWfdb(dir / "r");
  ASSERT_TRUE(rec.ok()) << rec.status().ToString();
  EXPECT_THAT(rec->signals[0].samples, ElementsAre(1, 3, 5));
  EXPECT_THAT(rec->signals[1].samples, ElementsAre(2, 4, 6));
  EXPECT_THAT(rec->warnings,
              ::testing::Contains(HasSubstr("checksums not verified")));
  EXPECT_THAT(rec->warnings, ::testing::Contains(HasSubstr("partial frame")));
}

TEST(WfdbBuilt, SeveralSignalFilesAndNullSignal) {
  const auto dir = testing::ScratchDir();
  WriteBytes(dir / "a.dat", std::string("\x81\x7F", 2));  // 80: 1, -1
  WriteBytes(dir / "b.dat", Le16s({300, -300}));          // 16
  WriteRecord(dir,
              "r 3 10 2 10:00:00.5 1/2/2003\n"
              "a.dat 80 100 8 0 1 0 0 A\n"
              "b.dat 16 100 16 0 300 0 0 B\n"
              "~ 0 100 16 0 0 0 0 N\n",
              "", "");
  Result<Recording> rec = ReadWfdb(dir / "r.hea");
  ASSERT_TRUE(rec.ok()) << rec.status().ToString();
  EXPECT_THAT(rec->signals[0].samples, ElementsAre(1, -1));
  EXPECT_THAT(rec->signals[1].samples, ElementsAre(300, -300));
  EXPECT_THAT(rec->signals[2].samples, ElementsAre(-32768, -32768));
  EXPECT_EQ(rec->start, FromCivil(CivilTime{2003, 2, 1, 10, 0, 0, 500000000}));
  EXPECT_TRUE(rec->warnings.empty()) << rec->warnings.front();
}

TEST(WfdbBuilt, MultiSegmentRecordWithNullSegmentGap) {
  const auto dir = testing::ScratchDir();
  auto segment = [&](const std::string& name, std::vector<int32_t> a,
                     std::vector<int32_t> b) {
    Recording r;
    for (auto* v : {&a, &b}) {
      Signal s;
      s.label = v == &a ? "ECG" : "ABP";
      s.unit = "mV";
      s.rate = SampleRate(100, 1);
      s.scale = 1.0 / 200;
      s.bits = 12;
      s.digital_min = -2048;
      s.digital_max = 2047;
      s.samples = *v;
      r.signals.push_back(s);
    }
    ASSERT_TRUE(WriteWfdb(r, dir, name).ok());
  };
  segment("s1", {1, 2, 3}, {-1, -2, -3});
  segment("s2", {4, 5}, {-4, -5});
  WriteBytes(dir / "multi.hea",
             "multi/3 2 100 9 12:00:00 01/01/2020\ns1 3\n~ 4\ns2 2\n");
  Result<std::unique_ptr<RecordingReader>> reader = OpenWfdb(dir / "multi");
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  EXPECT_EQ((*reader)->files().size(),
            5u);  // multi.hea, s1.hea, s1.dat, s2.hea, s2.dat
  Result<Recording> rec = ReadAll(**reader);
  ASSERT_TRUE(rec.ok()) << rec.status().ToString();
  // The null segment is a gap: each signal splits in two.
  ASSERT_EQ(rec->signals.size(), 4u);
  const Time t0 = FromCivil(CivilTime{2020, 1, 1, 12, 0, 0, 0});
  EXPECT_EQ(rec->signals[0].start, t0);
  EXPECT_THAT(rec->signals[0].samples, ElementsAre(1, 2, 3));
  EXPECT_THAT(rec->signals[1].samples, ElementsAre(-1, -2, -3));
  EXPECT_EQ(rec->signals[2].label, "ECG");
  EXPECT_EQ(rec->signals[2].start, t0 + Duration::Milliseconds(70));
  EXPECT_THAT(rec->signals[2].samples, ElementsAre(4, 5));
  EXPECT_THAT(rec->signals[3].samples, ElementsAre(-4, -5));
}

TEST(WfdbBuilt, MultiSegmentWithLayoutSegment) {
  const auto dir = testing::ScratchDir();
  WriteBytes(dir / "lay.hea", "lay 1 100 0\n~ 0 200 12 0 0 0 0 ECG\n");
  WriteBytes(dir / "p.hea", "p 1 100 2\np.dat 16 200 12 0 7 15 0 ECG\n");
  WriteBytes(dir / "p.dat", Le16s({7, 8}));
  WriteBytes(dir / "m.hea", "m/3 1 100 4\nlay 0\np 2\np 2\n");
  Result<Recording> rec = ReadWfdb(dir / "m");
  ASSERT_TRUE(rec.ok()) << rec.status().ToString();
  ASSERT_EQ(rec->signals.size(), 1u);
  EXPECT_THAT(rec->signals[0].samples, ElementsAre(7, 8, 7, 8));

  // A segment whose signals differ from the layout: unsupported.
  WriteBytes(dir / "q.hea", "q 1 100 2\np.dat 16 100 12 0 7 15 0 ECG\n");
  WriteBytes(dir / "m2.hea", "m2/2 1 100 4\nlay 0\nq 2\n");
  Result<Recording> bad = ReadWfdb(dir / "m2");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), StatusCode::kUnimplemented);
  EXPECT_THAT(bad.status().message(), HasSubstr("m2.hea line 3: segment q"));
}

// ---- errors ----

TEST(WfdbErrors, TruncatedSegmentFailsAtOpen) {
  const auto dir = testing::ScratchDir();
  WriteBytes(dir / "p.hea", "p 1 100 3\np.dat 16 200 12 0 7 21 0 ECG\n");
  WriteBytes(dir / "p.dat", Le16s({7, 7, 7}));
  WriteBytes(dir / "q.hea", "q 1 100 3\nq.dat 16 200 12 0 7 21 0 ECG\n");
  WriteBytes(dir / "q.dat", Le16s({7, 7}));
  WriteBytes(dir / "m.hea", "m/2 1 100 6\np 3\nq 3\n");
  Result<std::unique_ptr<RecordingReader>> reader = OpenWfdb(dir / "m");
  ASSERT_FALSE(reader.ok());
  EXPECT_THAT(reader.status().message(),
              HasSubstr("q.dat offset 4: truncated"));
}

TEST(WfdbErrors, NextRepeatsTheFirstError) {
  const auto dir = testing::ScratchDir();
  WriteRecord(dir, "r 1 100 3\nr.dat 16 200 16 0 1 9 0 lead\n", "r.dat",
              Le16s({1, 2, 3}));
  Result<std::unique_ptr<RecordingReader>> reader = OpenWfdb(dir / "r");
  ASSERT_TRUE(reader.ok());
  SampleBlock block;
  Result<bool> first = (*reader)->Next(&block);
  ASSERT_FALSE(first.ok());
  Result<bool> again = (*reader)->Next(&block);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.status().message(), first.status().message());
}

TEST(WfdbErrors, TruncatedSignalFileNamesTheOffset) {
  const auto dir = testing::ScratchDir();
  WriteRecord(
      dir,
      "r 2 360 4\nr.dat 212 200 12 0 0 0 0 a\nr.dat 212 200 12 0 0 0 0 b\n",
      "r.dat", std::string(9, '\0'));
  Result<std::unique_ptr<RecordingReader>> reader = OpenWfdb(dir / "r");
  ASSERT_FALSE(reader.ok());
  EXPECT_EQ(reader.status().code(), StatusCode::kDataLoss);
  EXPECT_THAT(reader.status().message(),
              HasSubstr("r.dat offset 9: truncated: the file holds 3 complete "
                        "frames of the 4"));
}

TEST(WfdbErrors, ChecksumMismatchIsDataLoss) {
  const auto dir = testing::ScratchDir();
  WriteRecord(dir, "r 1 100 3\nr.dat 16 200 16 0 1 6 0 lead\n", "r.dat",
              Le16s({1, 2, 3}));
  ASSERT_TRUE(ReadWfdb(dir / "r").ok());
  WriteRecord(dir, "r 1 100 3\nr.dat 16 200 16 0 1 8 0 lead\n", "r.dat",
              Le16s({1, 2, 3}));
  Result<Recording> rec = ReadWfdb(dir / "r");
  ASSERT_FALSE(rec.ok());
  EXPECT_EQ(rec.status().code(), StatusCode::kDataLoss);
  EXPECT_EQ(
      rec.status().message(),
      "r.dat: checksum mismatch for signal 0 (lead): r.hea says 8, computed 6");
}

TEST(WfdbErrors, ChecksumOfARealRecordWithOneFlippedSample) {
  JUMEAU_REQUIRE_TEST_DATA(src, "wfdb/mitdb/100.dat");
  const auto dir = testing::ScratchDir();
  std::string dat = ReadBytes(src);
  dat[3000] ^= 0x01;  // frame 1000, MLII low bit
  WriteBytes(dir / "100.dat", dat);
  WriteBytes(dir / "100.hea", ReadBytes(src.parent_path() / "100.hea"));
  Result<Recording> rec = ReadWfdb(dir / "100");
  ASSERT_FALSE(rec.ok());
  EXPECT_THAT(rec.status().message(),
              HasSubstr("100.dat: checksum mismatch for signal 0 (MLII)"));
  EXPECT_THAT(rec.status().message(), HasSubstr("says -22131"));
}

TEST(WfdbErrors, InconsistentSignalLines) {
  const auto dir = testing::ScratchDir();
  WriteBytes(dir / "a.dat", std::string(12, '\0'));
  WriteBytes(dir / "b.dat", std::string(12, '\0'));
  WriteBytes(dir / "r.hea", "r 3 100\na.dat 16\nb.dat 16\na.dat 16\n");
  Result<Recording> rec = ReadWfdb(dir / "r");
  ASSERT_FALSE(rec.ok());
  EXPECT_EQ(rec.status().message(),
            "r.hea line 4: signal lines for a.dat are not consecutive");
  WriteBytes(dir / "r.hea", "r 2 100\na.dat 16\na.dat 212\n");
  rec = ReadWfdb(dir / "r");
  ASSERT_FALSE(rec.ok());
  EXPECT_THAT(rec.status().message(),
              HasSubstr("line 3: signals in a.dat have different formats"));
}

TEST(WfdbErrors, MissingFiles) {
  const auto dir = testing::ScratchDir();
  Result<Recording> rec = ReadWfdb(dir / "nothing");
  ASSERT_FALSE(rec.ok());
  EXPECT_EQ(rec.status().code(), StatusCode::kNotFound);
  WriteBytes(dir / "r.hea", "r 1 100 3\nr.dat 16\n");
  rec = ReadWfdb(dir / "r");
  ASSERT_FALSE(rec.ok());
  EXPECT_EQ(rec.status().code(), StatusCode::kNotFound);
  EXPECT_THAT(rec.status().message(), HasSubstr("r.dat"));
}

TEST(WfdbErrors, MalformedHeaderPropagates) {
  const auto dir = testing::ScratchDir();
  WriteBytes(dir / "r.hea", "r 1 360 10\nr.dat 999 200 12 0 0 0 0 x\n");
  Result<Recording> rec = ReadWfdb(dir / "r");
  ASSERT_FALSE(rec.ok());
  EXPECT_EQ(rec.status().code(), StatusCode::kDataLoss);
  EXPECT_EQ(rec.status().message(),
            "r.hea line 2: unknown signal format '999'");
}

}  // namespace
}  // namespace jumeau::io

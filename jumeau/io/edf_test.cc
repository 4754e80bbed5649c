// Tests for the EDF/BDF reader (edf.h): the real files in shared/data/edf
// against EDFlib (digital samples exactly, physical values to 1e-12 of the
// range, annotations exactly), known values where EDFlib refuses a file, and
// small generated files for each error class, EDF+D gaps and streaming.
#include "jumeau/io/edf.h"

#include <edflib.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "jumeau/testing/test_data.h"

namespace jumeau::io {
namespace {

using ::testing::HasSubstr;
using namespace std::string_literals;

constexpr int64_t kNanosPerSecond = 1000000000;

// ---------------------------------------------------------------------------
// EDFlib as the oracle.

// An EDF file opened read-only with EDFlib; closed on destruction.
class Edflib {
 public:
  explicit Edflib(const std::filesystem::path& path)
      : hdr_(new edf_hdr_struct) {
    ok_ = edfopen_file_readonly(path.c_str(), hdr_.get(),
                                EDFLIB_READ_ALL_ANNOTATIONS) == 0;
  }
  ~Edflib() {
    if (ok_) edfclose_file(hdr_->handle);
  }
  bool ok() const { return ok_; }
  int error() const { return hdr_->filetype; }
  const edf_hdr_struct& hdr() const { return *hdr_; }

  std::vector<int> Digital(int signal) const {
    std::vector<int> out(
        static_cast<size_t>(hdr_->signalparam[signal].smp_in_file));
    edfrewind(hdr_->handle, signal);
    const int got = edfread_digital_samples(
        hdr_->handle, signal, static_cast<int>(out.size()), out.data());
    out.resize(got < 0 ? 0 : static_cast<size_t>(got));
    return out;
  }
  std::vector<double> Physical(int signal) const {
    std::vector<double> out(
        static_cast<size_t>(hdr_->signalparam[signal].smp_in_file));
    edfrewind(hdr_->handle, signal);
    const int got = edfread_physical_samples(
        hdr_->handle, signal, static_cast<int>(out.size()), out.data());
    out.resize(got < 0 ? 0 : static_cast<size_t>(got));
    return out;
  }
  std::vector<edf_annotation_struct> Annotations() const {
    std::vector<edf_annotation_struct> out(
        static_cast<size_t>(hdr_->annotations_in_file));
    for (size_t i = 0; i < out.size(); ++i) {
      edf_get_annotation(hdr_->handle, static_cast<int>(i), &out[i]);
    }
    return out;
  }

 private:
  std::unique_ptr<edf_hdr_struct> hdr_;
  bool ok_ = false;
};

std::string Trimmed(const char* s) {
  std::string t(s);
  while (!t.empty() && t.back() == ' ') t.pop_back();
  return t;
}

// Checks `ours` (ReadEdf of `path`) against EDFlib's reading of `path`:
// header fields, every sample (digital exactly; physical within 1e-12 of
// the range: EDFlib computes bitvalue * (offset + d), we compute d * scale +
// offset, the same affine map with a different rounding order, so results
// may differ by a few ulps of the range; a decoding error would be at least
// one quantisation step, range / 65535), and the annotation list (EDFlib's
// onsets are 100 ns units from the first sample).
void ExpectMatchesEdflib(const std::filesystem::path& path,
                         const Recording& ours) {
  Edflib ref(path);
  ASSERT_TRUE(ref.ok()) << path << ": EDFlib error " << ref.error();
  const edf_hdr_struct& h = ref.hdr();
  ASSERT_EQ(static_cast<size_t>(h.edfsignals), ours.signals.size());
  EXPECT_EQ((ours.start - Time{}).ns % kNanosPerSecond,
            h.starttime_subsecond * 100);
  for (int s = 0; s < h.edfsignals; ++s) {
    SCOPED_TRACE("signal " + std::to_string(s));
    const edf_param_struct& p = h.signalparam[s];
    const Signal& sig = ours.signals[s];
    EXPECT_EQ(sig.label, Trimmed(p.label));
    EXPECT_EQ(sig.source_unit, Trimmed(p.physdimension));
    EXPECT_EQ(sig.digital_min, p.dig_min);
    EXPECT_EQ(sig.digital_max, p.dig_max);
    EXPECT_EQ(sig.physical_min, p.phys_min);
    EXPECT_EQ(sig.physical_max, p.phys_max);
    EXPECT_EQ(sig.samples.size(), static_cast<size_t>(p.smp_in_file));
    // Rate: samples per record over EDFlib's record duration (100 ns units).
    EXPECT_EQ(sig.rate,
              *SampleRate::FromSamplesPer(
                  p.smp_in_datarecord, Duration{h.datarecord_duration * 100}));
    const std::vector<int> digital = ref.Digital(s);
    ASSERT_EQ(digital.size(), sig.samples.size());
    size_t digital_mismatches = 0;
    for (size_t i = 0; i < digital.size(); ++i)
      digital_mismatches += digital[i] != sig.samples[i];
    EXPECT_EQ(digital_mismatches, 0u);
    const std::vector<double> physical = ref.Physical(s);
    ASSERT_EQ(physical.size(), sig.samples.size());
    std::vector<double> mine(sig.samples.size());
    DigitalToPhysical(sig.samples.data(), sig.samples.size(), sig.scale,
                      sig.offset, mine.data());
    const double tolerance =
        1e-12 * std::max(std::fabs(p.phys_min), std::fabs(p.phys_max));
    double worst = 0;
    for (size_t i = 0; i < physical.size(); ++i) {
      worst = std::max(worst, std::fabs(physical[i] - mine[i]));
      ASSERT_EQ(mine[i],
                sig.Physical(i));  // the fast path is the same arithmetic
    }
    EXPECT_LE(worst, tolerance);
  }
  const std::vector<edf_annotation_struct> annotations = ref.Annotations();
  ASSERT_EQ(annotations.size(), ours.events.size());
  for (size_t i = 0; i < annotations.size(); ++i) {
    SCOPED_TRACE("annotation " + std::to_string(i));
    const Event& e = ours.events[i];
    EXPECT_EQ((e.time - ours.start).ns, annotations[i].onset * 100);
    if (annotations[i].duration_l >= 0) {
      ASSERT_TRUE(e.end.has_value());
      EXPECT_EQ((*e.end - e.time).ns, annotations[i].duration_l * 100);
    } else {
      EXPECT_FALSE(e.end.has_value());
    }
    EXPECT_EQ(e.text, annotations[i].annotation);
    EXPECT_EQ(e.code.system, code_system::kEdfAnnotation);
    EXPECT_EQ(e.code.code, e.text);
  }
}

// ---------------------------------------------------------------------------
// Generated files.

void WriteFile(const std::filesystem::path& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

std::string Field(std::string text, size_t width) {
  text.resize(width, ' ');
  return text;
}

struct TestSignal {
  std::string label;
  int samples_per_record = 4;
  std::string physical_min = "-100";
  std::string physical_max = "100";
  std::string digital_min = "-32768";
  std::string digital_max = "32767";
  std::string unit = "uV";
};

TestSignal Annotations(int samples_per_record = 30) {
  return {
      "EDF Annotations", samples_per_record, "-1", "1", "-32768", "32767", ""};
}

// Builds an EDF/BDF header; numbers are given as text so tests can break them.
struct TestHeader {
  bool bdf = false;
  std::string patient = "X X X X";
  std::string recording = "Startdate 02-MAR-2002 X X test";
  std::string date = "02.03.02";
  std::string time = "10.15.00";
  std::string reserved = "EDF+C";
  std::string records = "2";
  std::string duration = "1";
  std::vector<TestSignal> signals;
  std::string header_bytes;  // empty: computed
  std::string signal_count;  // empty: computed

  std::string Build() const {
    const size_t ns = signals.size();
    std::string h;
    h += bdf ? std::string(
                   "\xFF"
                   "BIOSEMI")
             : Field("0", 8);
    h += Field(patient, 80) + Field(recording, 80) + Field(date, 8) +
         Field(time, 8);
    h += Field(
        header_bytes.empty() ? std::to_string(256 * (ns + 1)) : header_bytes,
        8);
    h += Field(reserved, 44) + Field(records, 8) + Field(duration, 8);
    h += Field(signal_count.empty() ? std::to_string(ns) : signal_count, 4);
    for (const auto& s : signals) h += Field(s.label, 16);
    for (size_t i = 0; i < ns; ++i) h += Field("", 80);
    for (const auto& s : signals) h += Field(s.unit, 8);
    for (const auto& s : signals) h += Field(s.physical_min, 8);
    for (const auto& s : signals) h += Field(s.physical_max, 8);
    for (const auto& s : signals) h += Field(s.digital_min, 8);
    for (const auto& s : signals) h += Field(s.digital_max, 8);
    for (size_t i = 0; i < ns; ++i) h += Field("", 80);
    for (const auto& s : signals)
      h += Field(std::to_string(s.samples_per_record), 8);
    for (size_t i = 0; i < ns; ++i) h += Field("", 32);
    return h;
  }
};

std::string Samples16(const std::vector<int>& values) {
  std::string out;
  for (const int v : values) {
    out += static_cast<char>(v & 0xff);
    out += static_cast<char>((v >> 8) & 0xff);
  }
  return out;
}

std::string Samples24(const std::vector<int>& values) {
  std::string out;
  for (const int v : values) {
    out += static_cast<char>(v & 0xff);
    out += static_cast<char>((v >> 8) & 0xff);
    out += static_cast<char>((v >> 16) & 0xff);
  }
  return out;
}

// TALs padded with zeros to `bytes`.
std::string Tal(std::string tals, size_t bytes) {
  tals.resize(bytes, '\0');
  return tals;
}

// A two-signal EDF+C file: "A" with 4 samples per 1 s record, "B" with 2,
// plus annotations; record r holds A = 10r..10r+3, B = -r, -r-1.
TestHeader SmallHeader() {
  TestHeader h;
  h.signals = {{"A", 4}, {"B", 2}, Annotations()};
  return h;
}

std::string SmallRecord(int r, const std::string& tals) {
  return Samples16({10 * r, 10 * r + 1, 10 * r + 2, 10 * r + 3}) +
         Samples16({-r, -r - 1}) + Tal(tals, 60);
}

std::string SmallFile() {
  return SmallHeader().Build() +
         SmallRecord(0,
                     "+0\x14\x14\0+0.5\x15"
                     "1.5\x14Spike\x14\0"s) +
         SmallRecord(1, "+1\x14\x14\0"s);
}

Status ReadStatus(const std::string& bytes,
                  const std::string& name = "broken.edf") {
  const std::filesystem::path path = testing::ScratchDir() / name;
  WriteFile(path, bytes);
  return ReadEdf(path).status();
}

// ---------------------------------------------------------------------------
// Real files.

TEST(EdfRealFiles, S001R03IsEdfPlusWith64ChannelsAndItsMotorEvents) {
  JUMEAU_REQUIRE_TEST_DATA(path, "edf/S001R03.edf");
  Result<Recording> r = ReadEdf(path);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->format, "EDF+C");
  EXPECT_EQ(FormatIso8601(r->start), "2009-08-12T16:15:00Z");
  EXPECT_EQ(r->source_patient_id, "X X X X");
  EXPECT_EQ(r->source_recording_id, "Startdate 12-AUG-2009 X X BCI2000");
  EXPECT_THAT(r->warnings, ::testing::IsEmpty());
  ASSERT_EQ(r->signals.size(), 64u);
  for (const Signal& s : r->signals) {
    EXPECT_EQ(s.rate, SampleRate(160, 1));
    EXPECT_EQ(s.samples.size(), 20000u);  // 125 records of 1 s
    EXPECT_EQ(s.unit, "uV");
    EXPECT_EQ(s.bits, 16);
    EXPECT_EQ(s.start, r->start);
    EXPECT_EQ(s.scale, 1.0);  // -8092..8092 both ways
  }
  EXPECT_EQ(r->signals[0].label, "Fc5.");
  EXPECT_EQ(r->signals[0].transducer, "BCI2000");
  EXPECT_EQ(r->signals[0].prefilter, "HP:0Hz LP:0Hz N:0Hz");
  EXPECT_EQ(r->signals[63].label, "Iz..");
  // The 30 T0/T1/T2 events, alternating rest (T0, 4.2 s) and task (4.1 s).
  ASSERT_EQ(r->events.size(), 30u);
  int t0 = 0, t1 = 0, t2 = 0;
  for (size_t i = 0; i < r->events.size(); ++i) {
    const Event& e = r->events[i];
    t0 += e.text == "T0";
    t1 += e.text == "T1";
    t2 += e.text == "T2";
    ASSERT_TRUE(e.end.has_value());
    EXPECT_EQ(*e.end - e.time,
              Duration::Milliseconds(i % 2 == 0 ? 4200 : 4100));
    EXPECT_EQ(e.text == "T0", i % 2 == 0);
  }
  EXPECT_EQ(t0, 15);
  EXPECT_EQ(t1, 8);
  EXPECT_EQ(t2, 7);
  const Time start = r->start;
  EXPECT_EQ(r->events[0].time, start);
  EXPECT_EQ(r->events[1].time, start + Duration::Milliseconds(4200));
  EXPECT_EQ(r->events[1].text, "T2");
  EXPECT_EQ(r->events[3].time, start + Duration::Milliseconds(12500));
  EXPECT_EQ(r->events[3].text, "T1");
  EXPECT_EQ(r->events[29].time, start + Duration::Milliseconds(120400));
  EXPECT_EQ(r->events[29].text, "T1");
}

// EDFlib 1.23 refuses S001R03.edf as it is (error -3): its annotation signal
// has a non-blank prefilter field ("HP:0Hz LP:0Hz N:0Hz"), which EDF+ forbids.
// We compare against EDFlib on a copy with that one field blanked: the data
// records are the same bytes.
TEST(EdfRealFiles,
     S001R03MatchesEdflibOnACopyWithTheAnnotationPrefilterBlanked) {
  JUMEAU_REQUIRE_TEST_DATA(path, "edf/S001R03.edf");
  std::ifstream in(path, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)),
                    std::istreambuf_iterator<char>());
  const size_t ns = 65;
  bytes.replace(256 + 136 * ns + 80 * 64, 80, std::string(80, ' '));
  const std::filesystem::path copy =
      testing::ScratchDir() / "S001R03-blank-prefilter.edf";
  WriteFile(copy, bytes);
  Result<Recording> original = ReadEdf(path);
  Result<Recording> patched = ReadEdf(copy);
  ASSERT_TRUE(original.ok()) << original.status().ToString();
  ASSERT_TRUE(patched.ok()) << patched.status().ToString();
  for (size_t s = 0; s < 64; ++s) {
    ASSERT_EQ(original->signals[s].samples, patched->signals[s].samples);
  }
  ExpectMatchesEdflib(copy, *original);
}

TEST(EdfRealFiles, TestGeneratorMatchesEdflib) {
  JUMEAU_REQUIRE_TEST_DATA(path, "edf/test_generator_2.edf");
  Result<Recording> r = ReadEdf(path);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->format, "EDF+C");
  EXPECT_EQ(FormatIso8601(r->start), "2009-12-10T12:44:02Z");
  ASSERT_EQ(r->signals.size(), 11u);
  EXPECT_EQ(r->signals[0].label, "squarewave");
  EXPECT_EQ(r->signals[10].label, "sine 50 Hz");
  EXPECT_EQ(r->signals[0].samples.size(), 120000u);
  EXPECT_EQ(r->signals[0].rate, SampleRate(200, 1));
  ASSERT_EQ(r->events.size(), 2u);
  EXPECT_EQ(r->events[0].text, "RECORD START");
  EXPECT_EQ(r->events[1].text, "REC STOP");
  EXPECT_EQ(r->events[1].time, r->start + Duration::Seconds(600));
  ExpectMatchesEdflib(path, *r);
}

TEST(EdfRealFiles, BdfStimChannelMatchesEdflib) {
  JUMEAU_REQUIRE_TEST_DATA(path, "edf/test_bdf_stim_channel.bdf");
  Result<Recording> r = ReadEdf(path);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->format, "BDF");
  EXPECT_EQ(FormatIso8601(r->start), "2015-03-19T08:04:01Z");
  ASSERT_EQ(r->signals.size(), 4u);
  EXPECT_EQ(r->signals[3].label, "Status");
  for (const Signal& s : r->signals) {
    EXPECT_EQ(s.bits, 24);
    EXPECT_EQ(s.rate, SampleRate(500, 1));
    EXPECT_EQ(s.samples.size(), 5000u);
    EXPECT_EQ(s.digital_min, -8388608);
  }
  EXPECT_TRUE(r->events.empty());
  ExpectMatchesEdflib(path, *r);
}

TEST(EdfRealFiles, SleepEdfHypnogramStagesMatchEdflib) {
  JUMEAU_REQUIRE_TEST_DATA(path, "edf/SC4001EC-Hypnogram.edf");
  Result<Recording> r = ReadEdf(path);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->format, "EDF+C");
  EXPECT_TRUE(r->signals.empty());  // annotations only
  EXPECT_EQ(FormatIso8601(r->start), "1989-04-24T16:13:00Z");  // 89 → 1989
  EXPECT_EQ(r->source_patient_id, "X F X Female_33yr");
  ASSERT_EQ(r->events.size(), 154u);
  const Event& first = r->events[0];
  EXPECT_EQ(first.text, "Sleep stage W");
  EXPECT_EQ(first.time, r->start);
  EXPECT_EQ(*first.end - first.time, Duration::Seconds(30630));
  EXPECT_EQ(r->events[1].text, "Sleep stage 1");
  EXPECT_EQ(r->events[1].time, r->start + Duration::Seconds(30630));
  EXPECT_EQ(*r->events[1].end - r->events[1].time, Duration::Seconds(120));
  EXPECT_EQ(r->events[153].text, "Sleep stage ?");
  EXPECT_EQ(r->events[153].time, r->start + Duration::Seconds(79500));
  ExpectMatchesEdflib(path, *r);
}

TEST(EdfRealFiles, StreamsBoundedBlocksWithConsistentStarts) {
  JUMEAU_REQUIRE_TEST_DATA(path, "edf/S001R03.edf");
  Result<std::unique_ptr<RecordingReader>> reader = OpenEdf(path);
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  RecordingReader& rr = **reader;
  EXPECT_EQ(rr.files(), std::vector<std::filesystem::path>{path});
  EXPECT_EQ(rr.bytes_total(), std::filesystem::file_size(path));
  EXPECT_TRUE(rr.header().signals[0].samples.empty());
  const size_t records_per_block = static_cast<size_t>(kEdfBlockBytes / 20640);
  SampleBlock block;
  size_t blocks = 0, samples = 0, events = 0;
  uint64_t last_bytes = rr.bytes_read();
  while (true) {
    Result<bool> more = rr.Next(&block);
    ASSERT_TRUE(more.ok()) << more.status().ToString();
    if (!*more) break;
    ASSERT_EQ(block.samples.size(), 64u);
    ASSERT_EQ(block.start.size(), 64u);
    // 20640-byte records: kEdfBlockBytes / 20640 records per block.
    EXPECT_LE(block.samples[0].size(), records_per_block * 160u);
    EXPECT_EQ(block.start[0],
              rr.header().start + Duration::Seconds(samples / 160));
    samples += block.samples[0].size();
    events += block.events.size();
    EXPECT_GT(rr.bytes_read(), last_bytes);
    last_bytes = rr.bytes_read();
    ++blocks;
  }
  EXPECT_EQ(blocks, (125 + records_per_block - 1) / records_per_block);
  EXPECT_EQ(samples, 20000u);
  EXPECT_EQ(events, 30u);
  EXPECT_EQ(rr.bytes_read(), rr.bytes_total());
}

TEST(EdfRealFiles, StreamsOneSignalPerBlockWithConsistentStarts) {
  JUMEAU_REQUIRE_TEST_DATA(path, "edf/S001R03.edf");
  Result<std::unique_ptr<RecordingReader>> reader = OpenEdf(path);
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  RecordingReader& rr = **reader;
  EXPECT_EQ(rr.files(), std::vector<std::filesystem::path>{path});
  EXPECT_EQ(rr.bytes_total(), std::filesystem::file_size(path));
  EXPECT_TRUE(rr.header().signals[0].samples.empty());
  // 64 signals at 160 samples per 20640-byte record: a group holds
  // ceil(65536 / 160) = 410 records, so the 125 records are one group and
  // come out as 64 blocks, signal after signal.
  rr.PreferSignalBlocks(65536);
  const size_t records_per_group = (65536 + 159) / 160;
  ASSERT_LE(records_per_group * 20640, static_cast<size_t>(kEdfMaxGroupBytes));
  SampleBlock block;
  size_t blocks = 0, events = 0;
  std::vector<size_t> samples(64, 0);
  size_t expected_signal = 0;
  uint64_t last_bytes = rr.bytes_read();
  while (true) {
    Result<bool> more = rr.Next(&block);
    ASSERT_TRUE(more.ok()) << more.status().ToString();
    if (!*more) break;
    ASSERT_EQ(block.samples.size(), 64u);
    ASSERT_EQ(block.start.size(), 64u);
    size_t filled = 0;
    for (size_t s = 0; s < 64; ++s) {
      if (block.samples[s].empty()) continue;
      ++filled;
      EXPECT_EQ(s, expected_signal);
      EXPECT_LE(block.samples[s].size(), records_per_group * 160u);
      EXPECT_EQ(block.start[s],
                rr.header().start + Duration::Seconds(samples[s] / 160));
      samples[s] += block.samples[s].size();
    }
    EXPECT_EQ(filled, 1u);
    // A group's events come with its first block.
    if (expected_signal != 0) {
      EXPECT_TRUE(block.events.empty());
    }
    expected_signal = (expected_signal + 1) % 64;
    events += block.events.size();
    EXPECT_GE(rr.bytes_read(), last_bytes);
    last_bytes = rr.bytes_read();
    ++blocks;
  }
  EXPECT_EQ(blocks, 64u);
  for (size_t s = 0; s < 64; ++s) EXPECT_EQ(samples[s], 20000u) << s;
  EXPECT_EQ(events, 30u);
  EXPECT_EQ(rr.bytes_read(), rr.bytes_total());
}

TEST(EdfRealFiles, MemoryReaderEqualsFileReader) {
  JUMEAU_REQUIRE_TEST_DATA(path, "edf/test_bdf_stim_channel.bdf");
  std::ifstream in(path, std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(in)),
                          std::istreambuf_iterator<char>());
  Result<Recording> a = ReadEdf(path);
  Result<Recording> b = ReadEdfFromMemory(bytes, "mem.bdf");
  ASSERT_TRUE(a.ok() && b.ok());
  ASSERT_EQ(a->signals.size(), b->signals.size());
  for (size_t s = 0; s < a->signals.size(); ++s) {
    EXPECT_EQ(a->signals[s].samples, b->signals[s].samples);
  }
}

// ---------------------------------------------------------------------------
// Generated files: decoding and timing.

TEST(EdfGenerated, DecodesSignalsWithDifferentRatesAndTals) {
  Result<Recording> r = ReadEdfFromMemory(SmallFile(), "small.edf");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->format, "EDF+C");
  EXPECT_EQ(FormatIso8601(r->start), "2002-03-02T10:15:00Z");
  ASSERT_EQ(r->signals.size(), 2u);
  EXPECT_EQ(r->signals[0].rate, SampleRate(4, 1));
  EXPECT_EQ(r->signals[1].rate, SampleRate(2, 1));
  EXPECT_EQ(r->signals[0].samples,
            (std::vector<int32_t>{0, 1, 2, 3, 10, 11, 12, 13}));
  EXPECT_EQ(r->signals[1].samples, (std::vector<int32_t>{0, -1, -1, -2}));
  EXPECT_DOUBLE_EQ(r->signals[0].scale, 200.0 / 65535.0);
  ASSERT_EQ(r->events.size(), 1u);
  EXPECT_EQ(r->events[0].text, "Spike");
  EXPECT_EQ(r->events[0].time, r->start + Duration::Milliseconds(500));
  EXPECT_EQ(*r->events[0].end, r->start + Duration::Milliseconds(2000));
  EXPECT_THAT(r->warnings, ::testing::IsEmpty());
}

TEST(EdfGenerated, Decodes16And24BitExtremesThroughTheVectorPaths) {
  // 37 samples per record: the 16-wide vector loop, and a scalar tail.
  std::vector<int> values16, values24;
  for (int i = 0; i < 37; ++i) {
    values16.push_back(i % 3 == 0   ? -32768
                       : i % 3 == 1 ? 32767
                                    : i * 1000 - 18000);
    values24.push_back(i % 3 == 0   ? -8388608
                       : i % 3 == 1 ? 8388607
                                    : i * 200000 - 3600000);
  }
  TestHeader edf;
  edf.reserved = "";
  edf.records = "1";
  edf.signals = {{"X", 37}};
  Result<Recording> r16 =
      ReadEdfFromMemory(edf.Build() + Samples16(values16), "x.edf");
  ASSERT_TRUE(r16.ok()) << r16.status().ToString();
  EXPECT_EQ(r16->format, "EDF");
  EXPECT_EQ(r16->signals[0].samples,
            std::vector<int32_t>(values16.begin(), values16.end()));

  TestHeader bdf = edf;
  bdf.bdf = true;
  bdf.signals[0].digital_min = "-8388608";
  bdf.signals[0].digital_max = "8388607";
  Result<Recording> r24 =
      ReadEdfFromMemory(bdf.Build() + Samples24(values24), "x.bdf");
  ASSERT_TRUE(r24.ok()) << r24.status().ToString();
  EXPECT_EQ(r24->format, "BDF");
  EXPECT_EQ(r24->signals[0].bits, 24);
  EXPECT_EQ(r24->signals[0].samples,
            std::vector<int32_t>(values24.begin(), values24.end()));
}

TEST(EdfGenerated, DigitalToPhysicalMatchesSignalPhysical) {
  std::vector<int32_t> digital;
  for (int i = -50; i < 51; ++i) digital.push_back(i * 321);
  std::vector<double> physical(digital.size());
  DigitalToPhysical(digital.data(), digital.size(), 0.1234567, -17.25,
                    physical.data());
  Signal s;
  s.samples = digital;
  s.scale = 0.1234567;
  s.offset = -17.25;
  for (size_t i = 0; i < digital.size(); ++i)
    EXPECT_EQ(physical[i], s.Physical(i));
}

TEST(EdfGenerated, SubSecondStartComesFromTheFirstTimeKeepingTal) {
  TestHeader h = SmallHeader();
  h.records = "1";
  const std::string bytes =
      h.Build() + SmallRecord(0, "+0.25\x14\x14\0+1.125\x14Late\x14\0"s);
  Result<Recording> r = ReadEdfFromMemory(bytes, "sub.edf");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(FormatIso8601(r->start), "2002-03-02T10:15:00.25Z");
  EXPECT_EQ(r->signals[0].start, r->start);
  // Onsets count from the header time, not from the first sample.
  EXPECT_EQ(FormatIso8601(r->events[0].time), "2002-03-02T10:15:01.125Z");
  EXPECT_FALSE(r->events[0].end.has_value());
}

TEST(EdfGenerated, DatesFollowThe1985ClippingRuleAndEdfPlusStartdate) {
  TestHeader h = SmallHeader();
  h.reserved = "";  // plain EDF: only dd.mm.yy
  h.signals = {{"A", 4}};
  h.records = "0";
  h.date = "31.12.84";
  Result<Recording> r = ReadEdfFromMemory(h.Build(), "d.edf");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(FormatIso8601(r->start), "2084-12-31T10:15:00Z");
  h.date = "01.01.85";
  r = ReadEdfFromMemory(h.Build(), "d.edf");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(FormatIso8601(r->start), "1985-01-01T10:15:00Z");
  // EDF+ after 2084: header "yy", year from the recording field.
  TestHeader plus = SmallHeader();
  plus.records = "0";
  plus.date = "02.03.yy";
  plus.recording = "Startdate 02-MAR-2091 X X test";
  r = ReadEdfFromMemory(plus.Build(), "d.edf");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(FormatIso8601(r->start), "2091-03-02T10:15:00Z");
  // A disagreeing startdate: the header wins, with a warning.
  plus.date = "02.03.02";
  plus.recording = "Startdate 03-MAR-2002 X X test";
  r = ReadEdfFromMemory(plus.Build(), "d.edf");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(FormatIso8601(r->start), "2002-03-02T10:15:00Z");
  EXPECT_THAT(r->warnings,
              ::testing::Contains(HasSubstr("disagrees with the header date")));
  // Regression (found by libFuzzer): a year outside the int64-nanosecond
  // range used to overflow; it is now ignored with a warning.
  plus.date = "24.04.89";
  plus.recording = "Startdate 24-APR-1589 X X test";
  r = ReadEdfFromMemory(plus.Build(), "d.edf");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(FormatIso8601(r->start), "1989-04-24T10:15:00Z");
  EXPECT_THAT(r->warnings,
              ::testing::Contains(HasSubstr("outside 1900..2100")));
}

// An EDF+D file with three segments: records 0-1 contiguous, record 2 after
// a 3 s gap, record 3 after a 0.5 s gap.
std::string DiscontinuousFile() {
  TestHeader h = SmallHeader();
  h.reserved = "EDF+D";
  h.records = "4";
  std::string bytes = h.Build();
  bytes += SmallRecord(0, "+0\x14\x14\0"s);
  bytes += SmallRecord(1, "+1\x14\x14\0"s);
  bytes += SmallRecord(2,
                       "+5\x14\x14\0+5.25\x14"
                       "After gap\x14\0"s);
  bytes += SmallRecord(3, "+6.5\x14\x14\0"s);
  return bytes;
}

TEST(EdfGenerated, EdfPlusDGapsStartNewBlocksAndSegments) {
  const std::string bytes = DiscontinuousFile();
  for (const bool signal_blocks : {false, true}) {
    SCOPED_TRACE(signal_blocks ? "one signal per block" : "every signal");
    Result<std::unique_ptr<RecordingReader>> reader =
        OpenEdfFromMemory(bytes, "gaps.edf");
    ASSERT_TRUE(reader.ok()) << reader.status().ToString();
    EXPECT_EQ((*reader)->header().format, "EDF+D");
    if (signal_blocks) (*reader)->PreferSignalBlocks(64);
    const Time t0 = (*reader)->header().start;
    SampleBlock block;
    // Per segment, a block with signal A and B, or one with A then one
    // with B.
    std::vector<std::pair<Time, size_t>> blocks;  // start of A, samples of A
    std::vector<Time> b_starts;
    while (true) {
      Result<bool> more = (*reader)->Next(&block);
      ASSERT_TRUE(more.ok()) << more.status().ToString();
      if (!*more) break;
      if (signal_blocks) {
        EXPECT_NE(block.samples[0].empty(), block.samples[1].empty());
        if (block.samples[0].empty()) {
          EXPECT_TRUE(block.events.empty());
        }
      }
      if (!block.samples[0].empty()) {
        blocks.emplace_back(block.start[0], block.samples[0].size());
      }
      if (!block.samples[1].empty()) b_starts.push_back(block.start[1]);
    }
    ASSERT_EQ(blocks.size(), 3u);
    ASSERT_EQ(b_starts.size(), 3u);
    EXPECT_EQ(blocks[0], std::make_pair(t0, size_t{8}));
    EXPECT_EQ(blocks[1], std::make_pair(t0 + Duration::Seconds(5), size_t{4}));
    EXPECT_EQ(blocks[2],
              std::make_pair(t0 + Duration::Milliseconds(6500), size_t{4}));
    EXPECT_EQ(b_starts[2], t0 + Duration::Milliseconds(6500));
  }
  const Time t0 = (*OpenEdfFromMemory(bytes, "gaps.edf"))->header().start;

  // ReadAll: one Signal per contiguous segment.
  Result<Recording> r = ReadEdfFromMemory(bytes, "gaps.edf");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->signals.size(), 6u);  // A, B, then A and B twice more
  EXPECT_EQ(r->signals[0].samples,
            (std::vector<int32_t>{0, 1, 2, 3, 10, 11, 12, 13}));
  EXPECT_EQ(r->signals[2].label, "A");
  EXPECT_EQ(r->signals[2].start, t0 + Duration::Seconds(5));
  EXPECT_EQ(r->signals[2].samples, (std::vector<int32_t>{20, 21, 22, 23}));
  EXPECT_EQ(r->signals[5].label, "B");
  EXPECT_EQ(r->signals[5].start, t0 + Duration::Milliseconds(6500));
  ASSERT_EQ(r->events.size(), 1u);
  EXPECT_EQ(r->events[0].time, t0 + Duration::Milliseconds(5250));
  EXPECT_THAT(r->warnings, ::testing::IsEmpty());
}

TEST(EdfGenerated, EdfPlusDOverlappingRecordsAreAnError) {
  TestHeader h = SmallHeader();
  h.reserved = "EDF+D";
  const std::string bytes = h.Build() + SmallRecord(0, "+0\x14\x14\0"s) +
                            SmallRecord(1, "+0.5\x14\x14\0"s);
  const Status st = ReadStatus(bytes, "overlap.edf");
  EXPECT_EQ(st.code(), StatusCode::kDataLoss);
  const size_t record1 = 256 * 4 + 72;  // header + one 72-byte record
  EXPECT_THAT(st.message(),
              HasSubstr("overlap.edf offset " + std::to_string(record1 + 12)));
  EXPECT_THAT(st.message(), HasSubstr("overlap"));
}

TEST(EdfGenerated, EdfPlusCToleratesRoundingButReportsAGap) {
  TestHeader h = SmallHeader();
  h.records = "3";
  // Record 1 is 1 ms late (under half a sample: 125 ms): ignored. Record 2
  // starts 1 s late: kept as a gap, with a warning.
  const std::string bytes = h.Build() + SmallRecord(0, "+0\x14\x14\0"s) +
                            SmallRecord(1, "+1.001\x14\x14\0"s) +
                            SmallRecord(2, "+3\x14\x14\0"s);
  Result<Recording> r = ReadEdfFromMemory(bytes, "c.edf");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->signals.size(), 4u);
  EXPECT_EQ(r->signals[0].samples.size(), 8u);
  EXPECT_EQ(r->signals[2].start, r->start + Duration::Seconds(3));
  ASSERT_EQ(r->warnings.size(), 1u);
  EXPECT_THAT(r->warnings[0], HasSubstr("EDF+C"));
  EXPECT_THAT(r->warnings[0], HasSubstr("gap"));
}

TEST(EdfGenerated, MalformedTalsAreSkippedWithWarnings) {
  TestHeader h = SmallHeader();
  h.records = "1";
  const std::string tals = "+0\x14\x14\0"s + "12\x14NoSign\x14\0"s +
                           "+2\x15x\x14"
                           "BadDur\x14\0"s +
                           "+3\x14"
                           "Caf\xE9\x14\0"s +
                           "+4\x14Ok\x14\0"s;
  Result<Recording> r =
      ReadEdfFromMemory(h.Build() + SmallRecord(0, tals), "tal.edf");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->events.size(), 2u);
  EXPECT_EQ(r->events[0].text, "Caf\xC3\xA9");  // Latin-1 read as such
  EXPECT_EQ(r->events[1].text, "Ok");
  EXPECT_EQ(r->warnings.size(), 3u);
  EXPECT_THAT(r->warnings, ::testing::Contains(HasSubstr("not UTF-8")));
}

TEST(EdfGenerated, RecordCountMinusOneIsComputedFromTheFileSize) {
  TestHeader h = SmallHeader();
  h.records = "-1";
  std::string bytes = SmallFile();
  bytes.replace(236, 8, Field("-1", 8));
  bytes += "xyz";  // a partial third record
  Result<Recording> r = ReadEdfFromMemory(bytes, "open.edf");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->signals[0].samples.size(), 8u);
  EXPECT_THAT(r->warnings, ::testing::Contains(HasSubstr("-1")));
  EXPECT_THAT(r->warnings, ::testing::Contains(HasSubstr("incomplete")));
}

TEST(EdfGenerated, TrailingBytesAndEqualPhysicalRangeAreWarnings) {
  std::string bytes = SmallFile() + "extra";
  bytes.replace(256 + 3 * 112 + 8, 8,
                Field("-100", 8));  // B: physical max = min
  Result<Recording> r = ReadEdfFromMemory(bytes, "odd.edf");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->signals[1].scale, 1.0);
  EXPECT_EQ(r->signals[1].offset, 0.0);
  EXPECT_THAT(r->warnings,
              ::testing::Contains(HasSubstr("5 bytes after the last")));
  EXPECT_THAT(r->warnings, ::testing::Contains(
                               HasSubstr("physical minimum equals maximum")));
}

// ---------------------------------------------------------------------------
// Error classes: each names the file, the byte offset and the reason.

void ExpectDataLoss(const Status& st, const std::string& where,
                    const std::string& reason) {
  EXPECT_EQ(st.code(), StatusCode::kDataLoss) << st.ToString();
  EXPECT_THAT(st.message(), HasSubstr(where)) << st.ToString();
  EXPECT_THAT(st.message(), HasSubstr(reason)) << st.ToString();
}

TEST(EdfErrors, TruncatedDataNamesTheFirstIncompleteRecord) {
  std::string bytes = SmallFile();
  bytes.resize(bytes.size() - 10);  // record 1 (at 1024 + 72) loses 10 bytes
  ExpectDataLoss(ReadStatus(bytes, "cut.edf"),
                 "cut.edf offset 1096:", "data record 1 is incomplete");
}

TEST(EdfErrors, TruncatedHeader) {
  ExpectDataLoss(ReadStatus(SmallFile().substr(0, 100), "tiny.edf"),
                 "tiny.edf offset 100:", "256-byte");
  ExpectDataLoss(ReadStatus(SmallFile().substr(0, 700), "short.edf"),
                 "short.edf offset 700:", "inside the header");
}

TEST(EdfErrors, WrongHeaderSize) {
  TestHeader h = SmallHeader();
  h.header_bytes = "768";
  ExpectDataLoss(ReadStatus(h.Build(), "size.edf"), "size.edf offset 184:",
                 "header size 768 does not match 256 * (1 + 3 signals) = 1024");
}

TEST(EdfErrors, NonAsciiHeaderBytes) {
  std::string bytes = SmallFile();
  bytes[20] = '\xE9';
  ExpectDataLoss(ReadStatus(bytes, "latin.edf"), "latin.edf offset 20:",
                 "non-ASCII byte 0xE9 in the patient field");
  bytes = SmallFile();
  bytes[256 + 1] = '\0';  // label of signal 0
  ExpectDataLoss(ReadStatus(bytes, "nul.edf"), "nul.edf offset 257:",
                 "non-ASCII byte 0x00 in the label of signal 0");
}

TEST(EdfErrors, UnknownVersion) {
  std::string bytes = SmallFile();
  bytes[0] = '1';
  ExpectDataLoss(ReadStatus(bytes, "v.edf"),
                 "v.edf offset 0:", "unknown version field '1");
}

TEST(EdfErrors, NonNumericNumbers) {
  TestHeader h = SmallHeader();
  h.signal_count = "x3";
  ExpectDataLoss(ReadStatus(h.Build()),
                 "offset 252:", "signal count 'x3' is not a positive");
  h = SmallHeader();
  h.signal_count = "-3";
  ExpectDataLoss(ReadStatus(h.Build()),
                 "offset 252:", "signal count '-3' is not a positive");
  h = SmallHeader();
  h.records = "two";
  ExpectDataLoss(ReadStatus(h.Build()),
                 "offset 236:", "number of data records 'two'");
  h = SmallHeader();
  h.duration = "1,5";
  ExpectDataLoss(ReadStatus(h.Build()),
                 "offset 244:", "'1,5' is not a decimal");
  h = SmallHeader();
  h.signals[1].physical_min = "1.2.3";
  ExpectDataLoss(ReadStatus(h.Build()),
                 "offset " + std::to_string(256 + 104 * 3 + 8) + ":",
                 "signal 1 ('B') physical minimum '1.2.3' is not a number");
  h = SmallHeader();
  h.signals[0].digital_max = "big";
  ExpectDataLoss(ReadStatus(h.Build()),
                 "offset " + std::to_string(256 + 128 * 3) + ":",
                 "digital maximum 'big'");
  h = SmallHeader();
  h.date = "2.3.2002";
  ExpectDataLoss(ReadStatus(h.Build()),
                 "offset 168:", "is not a dd.mm.yy date");
  h = SmallHeader();
  h.time = "25.00.00";
  ExpectDataLoss(ReadStatus(h.Build()),
                 "offset 168:", "not a valid calendar date and time");
}

TEST(EdfErrors, ImpossibleValues) {
  TestHeader h = SmallHeader();
  h.signals[1].samples_per_record = 0;
  ExpectDataLoss(
      ReadStatus(h.Build()),
      "offset " + std::to_string(256 + 216 * 3 + 8) + ":",
      "signal 1 ('B') samples per data record '0' is not a positive integer");
  h = SmallHeader();
  h.duration = "0";
  ExpectDataLoss(ReadStatus(h.Build()),
                 "offset 244:", "without a sampling rate");
  h = SmallHeader();
  h.duration = "-1";
  ExpectDataLoss(ReadStatus(h.Build()), "offset 244:", "is negative");
  h = SmallHeader();
  h.signals[0].digital_min = "100";
  h.signals[0].digital_max = "100";
  ExpectDataLoss(ReadStatus(h.Build()),
                 "offset " + std::to_string(256 + 120 * 3) + ":",
                 "digital minimum 100 is not below the digital maximum 100");
  h = SmallHeader();
  h.signal_count = "5000";
  ExpectDataLoss(ReadStatus(h.Build()), "offset 252:", "exceeds the limit");
  h = SmallHeader();
  h.records = "40";
  h.duration = "99999999";  // 40 records of 3.2 years
  h.signals = {{"A", 1}, Annotations(6)};
  std::string bytes = h.Build();
  for (int r = 0; r < 40; ++r)
    bytes += Samples16({r}) + Tal("+0\x14\x14\0"s, 12);
  ExpectDataLoss(ReadStatus(bytes),
                 "offset 236:", "span more than the supported 50 years");
  h = SmallHeader();
  h.records = "-2";
  ExpectDataLoss(ReadStatus(h.Build()),
                 "offset 236:", "not a non-negative integer");
}

TEST(EdfErrors, MissingFileIsNotFound) {
  EXPECT_EQ(ReadEdf(testing::ScratchDir() / "absent.edf").status().code(),
            StatusCode::kNotFound);
}

TEST(EdfErrors, EveryPrefixOfAValidFileFailsCleanlyOrReads) {
  // Streaming must stop at the first incomplete record without reading past
  // the end: every prefix either reads or returns kDataLoss naming an offset.
  const std::string bytes = DiscontinuousFile();
  for (size_t n = 0; n <= bytes.size(); ++n) {
    Result<Recording> r = ReadEdfFromMemory(bytes.substr(0, n), "prefix.edf");
    if (!r.ok()) {
      EXPECT_EQ(r.status().code(), StatusCode::kDataLoss) << n;
      EXPECT_THAT(r.status().message(), HasSubstr("prefix.edf offset ")) << n;
    }
  }
}

}  // namespace
}  // namespace jumeau::io

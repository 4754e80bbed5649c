// Tests for the EDF+/BDF+ writer (edf_writer.h): read -> write -> read of the
// real files keeps digital samples, metadata and events identical; EDFlib
// reads what we write; synthetic recordings exercise rates, sub-second
// starts, nanosecond annotation onsets, padding and each error.
#include "jumeau/io/edf_writer.h"

#include <edflib.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "jumeau/io/edf.h"
#include "jumeau/testing/test_data.h"

namespace jumeau::io {
namespace {

using ::testing::HasSubstr;

// Everything a round trip must keep, signal by signal and event by event.
void ExpectSameRecording(const Recording& a, const Recording& b) {
  EXPECT_EQ(a.start, b.start);
  ASSERT_EQ(a.signals.size(), b.signals.size());
  for (size_t s = 0; s < a.signals.size(); ++s) {
    SCOPED_TRACE("signal " + std::to_string(s));
    const Signal& x = a.signals[s];
    const Signal& y = b.signals[s];
    EXPECT_EQ(x.label, y.label);
    EXPECT_EQ(x.unit, y.unit);
    EXPECT_EQ(x.source_unit, y.source_unit);
    EXPECT_EQ(x.transducer, y.transducer);
    EXPECT_EQ(x.prefilter, y.prefilter);
    EXPECT_EQ(x.rate, y.rate);
    EXPECT_EQ(x.start, y.start);
    EXPECT_EQ(x.digital_min, y.digital_min);
    EXPECT_EQ(x.digital_max, y.digital_max);
    EXPECT_EQ(x.physical_min, y.physical_min);
    EXPECT_EQ(x.physical_max, y.physical_max);
    EXPECT_EQ(x.scale, y.scale);
    EXPECT_EQ(x.offset, y.offset);
    EXPECT_EQ(x.bits, y.bits);
    EXPECT_TRUE(x.samples == y.samples);
  }
  ASSERT_EQ(a.events.size(), b.events.size());
  for (size_t i = 0; i < a.events.size(); ++i) {
    SCOPED_TRACE("event " + std::to_string(i));
    EXPECT_EQ(a.events[i].time, b.events[i].time);
    EXPECT_EQ(a.events[i].end, b.events[i].end);
    EXPECT_EQ(a.events[i].text, b.events[i].text);
    EXPECT_EQ(a.events[i].code, b.events[i].code);
  }
}

// Opens `path` with EDFlib and checks its digital samples and annotations
// against `expected` (what we wrote).
void ExpectEdflibReads(const std::filesystem::path& path,
                       const Recording& expected, bool bdf) {
  auto hdr = std::make_unique<edf_hdr_struct>();
  ASSERT_EQ(edfopen_file_readonly(path.c_str(), hdr.get(),
                                  EDFLIB_READ_ALL_ANNOTATIONS),
            0)
      << "EDFlib error " << hdr->filetype;
  EXPECT_EQ(hdr->filetype,
            bdf ? EDFLIB_FILETYPE_BDFPLUS : EDFLIB_FILETYPE_EDFPLUS);
  ASSERT_EQ(static_cast<size_t>(hdr->edfsignals), expected.signals.size());
  EXPECT_EQ(hdr->starttime_subsecond * 100,
            (expected.start - Time{}).ns % 1000000000 / 100 * 100);
  for (int s = 0; s < hdr->edfsignals; ++s) {
    const Signal& sig = expected.signals[s];
    EXPECT_EQ(
        std::string(hdr->signalparam[s].label).substr(0, sig.label.size()),
        sig.label);
    std::vector<int> digital(
        static_cast<size_t>(hdr->signalparam[s].smp_in_file));
    const int got = edfread_digital_samples(
        hdr->handle, s, static_cast<int>(digital.size()), digital.data());
    ASSERT_EQ(got, static_cast<int>(digital.size()));
    ASSERT_GE(digital.size(), sig.samples.size());
    size_t mismatches = 0;
    for (size_t i = 0; i < sig.samples.size(); ++i)
      mismatches += digital[i] != sig.samples[i];
    EXPECT_EQ(mismatches, 0u) << "signal " << s;
  }
  ASSERT_EQ(static_cast<size_t>(hdr->annotations_in_file),
            expected.events.size());
  for (size_t i = 0; i < expected.events.size(); ++i) {
    edf_annotation_struct a;
    ASSERT_EQ(edf_get_annotation(hdr->handle, static_cast<int>(i), &a), 0);
    const Event& e = expected.events[i];
    // EDFlib keeps 100 ns: our onsets are exact ns, truncated by EDFlib.
    const int64_t onset_ns = (e.time - expected.start).ns;
    EXPECT_LE(std::llabs(a.onset * 100 - onset_ns), 100) << i;
    EXPECT_EQ(std::string(a.annotation), e.text);
    if (e.end) {
      EXPECT_LE(std::llabs(a.duration_l * 100 - (*e.end - e.time).ns), 100)
          << i;
    } else {
      EXPECT_EQ(a.duration_l, -10000000);
    }
  }
  edfclose_file(hdr->handle);
}

void RoundTrip(const std::filesystem::path& source, bool bdf,
               const std::string& format) {
  Result<Recording> original = ReadEdf(source);
  ASSERT_TRUE(original.ok()) << original.status().ToString();
  const std::filesystem::path out =
      testing::ScratchDir() / (bdf ? "roundtrip.bdf" : "roundtrip.edf");
  EdfWriteOptions options;
  options.bdf = bdf;
  const Status st = WriteEdf(*original, out, options);
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_FALSE(std::filesystem::exists(out.string() + ".partial"));
  Result<Recording> again = ReadEdf(out);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(again->format, format);
  EXPECT_THAT(again->warnings, ::testing::IsEmpty());
  ExpectSameRecording(*original, *again);
  ExpectEdflibReads(out, *again, bdf);
}

TEST(EdfWriterRoundTrip, S001R03) {
  JUMEAU_REQUIRE_TEST_DATA(path, "edf/S001R03.edf");
  RoundTrip(path, false, "EDF+C");
}

TEST(EdfWriterRoundTrip, TestGenerator) {
  JUMEAU_REQUIRE_TEST_DATA(path, "edf/test_generator_2.edf");
  RoundTrip(path, false, "EDF+C");
}

TEST(EdfWriterRoundTrip, BdfAsBdfPlus) {
  JUMEAU_REQUIRE_TEST_DATA(path, "edf/test_bdf_stim_channel.bdf");
  RoundTrip(path, true, "BDF+C");
}

TEST(EdfWriterRoundTrip, AnnotationOnlyHypnogram) {
  JUMEAU_REQUIRE_TEST_DATA(path, "edf/SC4001EC-Hypnogram.edf");
  RoundTrip(path, false, "EDF+C");
}

TEST(EdfWriterRoundTrip, BdfSamplesDoNotFitEdf) {
  JUMEAU_REQUIRE_TEST_DATA(path, "edf/test_bdf_stim_channel.bdf");
  Result<Recording> r = ReadEdf(path);
  ASSERT_TRUE(r.ok());
  const Status st = WriteEdf(*r, testing::ScratchDir() / "x.edf");
  EXPECT_EQ(st.code(), StatusCode::kOutOfRange);
  EXPECT_THAT(st.message(), HasSubstr("does not fit 16 bits"));
}

// Two signals at 250 Hz and 1000/3 Hz (a 3 s record), a start with
// nanoseconds, events out of order with nanosecond onsets.
Recording Synthetic() {
  Recording r;
  r.start = *ParseIso8601("2021-06-30T23:59:59.123456789Z");
  Signal ecg;
  ecg.label = "ECG II";
  ecg.unit = "mV";
  ecg.source_unit = "mV";
  ecg.rate = SampleRate(250, 1);
  ecg.start = r.start;
  ecg.scale = 1.0 / 3.0;  // not expressible in 8 characters
  ecg.offset = 0.1;
  ecg.digital_min = -2000;
  ecg.digital_max = 2000;
  for (int i = 0; i < 2000; ++i) ecg.samples.push_back((i * 37) % 4001 - 2000);
  Signal resp;
  resp.label = "Resp";
  resp.unit = "1";  // unitless: written blank
  resp.rate = SampleRate(1000, 3);
  resp.start = r.start;
  resp.scale = 0.5;
  resp.offset = 0.0;
  for (int i = 0; i < 2000; ++i)
    resp.samples.push_back(i - 1000);  // 6 s of 1000/3 Hz
  r.signals = {ecg, resp};
  Event late;
  late.time = r.start + Duration::Nanoseconds(5123456789);
  late.text = "late";
  late.code = {code_system::kEdfAnnotation, "late", ""};
  Event early;
  early.time = r.start + Duration::Nanoseconds(1);
  early.end = early.time + Duration::Milliseconds(1500);
  early.text = "early";
  early.code = {code_system::kEdfAnnotation, "early", ""};
  Event coded;  // no text: the code is written
  coded.time = r.start - Duration::Milliseconds(250);
  coded.code = {"urn:jumeau:wfdb-annotation", "N", ""};
  r.events = {late, early, coded};
  return r;
}

TEST(EdfWriter, SyntheticRecordingRoundTripsExactly) {
  const Recording in = Synthetic();
  const std::filesystem::path out = testing::ScratchDir() / "synthetic.edf";
  ASSERT_TRUE(WriteEdf(in, out).ok());
  Result<Recording> r = ReadEdf(out);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_THAT(r->warnings, ::testing::IsEmpty());
  EXPECT_EQ(r->start, in.start);
  ASSERT_EQ(r->signals.size(), 2u);
  const Signal& ecg = r->signals[0];
  const Signal& resp = r->signals[1];
  EXPECT_EQ(ecg.rate, SampleRate(250, 1));
  EXPECT_EQ(resp.rate, SampleRate(1000, 3));
  EXPECT_EQ(ecg.unit, "mV");
  EXPECT_EQ(resp.unit, "1");
  EXPECT_EQ(resp.source_unit, "");
  // 3 s records: 750 and 1000 samples; ECG (8 s) sets 3 records, so both
  // are padded with 0 to 9 s.
  ASSERT_EQ(ecg.samples.size(), 2250u);
  ASSERT_EQ(resp.samples.size(), 3000u);
  EXPECT_TRUE(std::equal(in.signals[0].samples.begin(),
                         in.signals[0].samples.end(), ecg.samples.begin()));
  EXPECT_TRUE(std::equal(in.signals[1].samples.begin(),
                         in.signals[1].samples.end(), resp.samples.begin()));
  EXPECT_EQ(ecg.samples.back(), 0);
  EXPECT_EQ(resp.samples.back(), 0);
  // Digital exact; the 1/3 scale is rounded to 8-character physical limits.
  EXPECT_EQ(ecg.digital_min, -2000);
  EXPECT_EQ(ecg.digital_max, 2000);
  EXPECT_NEAR(ecg.scale, 1.0 / 3.0, 1e-7);
  EXPECT_NEAR(ecg.Physical(1), in.signals[0].Physical(1), 1e-6 * 2000 / 3.0);
  EXPECT_EQ(resp.digital_min, -32768);  // unset: the full 16-bit range
  EXPECT_EQ(resp.scale, 0.5);
  EXPECT_EQ(resp.offset, 0.0);
  // Events sorted by time, exact to the nanosecond; the coded one by code.
  ASSERT_EQ(r->events.size(), 3u);
  EXPECT_EQ(r->events[0].text, "N");
  EXPECT_EQ(r->events[0].time, in.start - Duration::Milliseconds(250));
  EXPECT_EQ(r->events[1].text, "early");
  EXPECT_EQ(r->events[1].time, in.events[1].time);
  EXPECT_EQ(r->events[1].end, in.events[1].end);
  EXPECT_EQ(r->events[2].text, "late");
  EXPECT_EQ(r->events[2].time, in.events[0].time);
  ExpectEdflibReads(out, *r, false);
}

// Two channels in two segments each (as ReadAll returns an EDF+D file):
// written as EDF+D, read back segment for segment.
TEST(EdfWriter, SegmentedSignalsAreWrittenAsEdfPlusD) {
  const Time t0 = *ParseIso8601("2010-01-02T03:04:05.5Z");
  Recording in;
  in.start = t0;
  for (const Time start : {t0, t0 + Duration::Milliseconds(7250)}) {
    for (const char* label : {"A", "B"}) {
      Signal s;
      s.label = label;
      s.unit = "uV";
      s.source_unit = "uV";
      s.rate = SampleRate(label[0] == 'A' ? 4 : 2, 1);
      s.start = start;
      s.scale = 0.25;
      s.digital_min = -100;
      s.digital_max = 100;
      s.physical_min = -25;
      s.physical_max = 25;
      const int n = (label[0] == 'A' ? 4 : 2) * (start == t0 ? 3 : 2);
      for (int i = 0; i < n; ++i)
        s.samples.push_back(i * (label[0] == 'A' ? 1 : -1));
      in.signals.push_back(s);
    }
  }
  Event e;
  e.time = t0 + Duration::Seconds(8);
  e.text = "in the second segment";
  e.code = {code_system::kEdfAnnotation, e.text, ""};
  in.events = {e};
  const std::filesystem::path out = testing::ScratchDir() / "gaps.edf";
  const Status st = WriteEdf(in, out);
  ASSERT_TRUE(st.ok()) << st.ToString();
  Result<Recording> r = ReadEdf(out);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->format, "EDF+D");
  EXPECT_THAT(r->warnings, ::testing::IsEmpty());
  ExpectSameRecording(in, *r);
  // And once more: the re-read recording writes the same file.
  const std::filesystem::path again = testing::ScratchDir() / "again.edf";
  ASSERT_TRUE(WriteEdf(*r, again).ok());
  Result<Recording> r2 = ReadEdf(again);
  ASSERT_TRUE(r2.ok());
  ExpectSameRecording(*r, *r2);

  // Segments that do not line up across channels cannot be written.
  in.signals[3].start = in.signals[3].start + Duration::Seconds(1);
  EXPECT_EQ(WriteEdf(in, out).code(), StatusCode::kInvalidArgument);
  // Nor segments overlapping the previous one's records (3 s from t0).
  in.signals[3].start = in.signals[2].start = t0 + Duration::Milliseconds(2500);
  EXPECT_EQ(WriteEdf(in, out).code(), StatusCode::kInvalidArgument);
}

TEST(EdfWriter, RecordDurationAvoidsPadding) {
  Recording in = Synthetic();
  in.signals.resize(1);                // 250 Hz
  in.signals[0].samples.resize(2125);  // 8.5 s: 1 s records would pad
  const std::filesystem::path out = testing::ScratchDir() / "half.edf";
  ASSERT_TRUE(WriteEdf(in, out).ok());
  Result<Recording> r = ReadEdf(out);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->signals[0].samples,
            in.signals[0].samples);  // 17 records of 0.5 s
  // 2001 samples would need 4 ms records of one sample: padded instead.
  in.signals[0].samples.resize(2001);
  ASSERT_TRUE(WriteEdf(in, out).ok());
  r = ReadEdf(out);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->signals[0].samples.size(), 2250u);  // 9 records of 1 s
}

TEST(EdfWriter, ExplicitRecordDuration) {
  Recording in = Synthetic();
  in.signals.resize(1);  // 250 Hz only
  EdfWriteOptions options;
  options.record_duration = Duration::Milliseconds(500);
  const std::filesystem::path out = testing::ScratchDir() / "half.edf";
  ASSERT_TRUE(WriteEdf(in, out, options).ok());
  Result<std::unique_ptr<RecordingReader>> reader = OpenEdf(out);
  ASSERT_TRUE(reader.ok());
  EXPECT_EQ((*reader)->header().signals[0].rate, SampleRate(250, 1));
  Result<Recording> r = ReadEdf(out);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->signals[0].samples,
            in.signals[0].samples);  // 2000 = 16 records of 125

  options.record_duration = Duration::Milliseconds(3);  // 0.75 samples
  Status st = WriteEdf(in, out, options);
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(st.message(), HasSubstr("integer number of samples"));
  options.record_duration = Duration::Nanoseconds(100);  // "0.0000001": 9 chars
  EXPECT_EQ(WriteEdf(in, out, options).code(), StatusCode::kInvalidArgument);
}

TEST(EdfWriter, Errors) {
  const std::filesystem::path out = testing::ScratchDir() / "bad.edf";
  Recording r = Synthetic();
  r.signals[0].samples[7] = 40000;
  Status st = WriteEdf(r, out);
  EXPECT_EQ(st.code(), StatusCode::kOutOfRange);
  EXPECT_THAT(st.message(), HasSubstr("signal 0 ('ECG II'): sample 7 = 40000"));
  EXPECT_FALSE(std::filesystem::exists(out));

  r = Synthetic();
  r.signals[1].start = r.signals[1].start + Duration::Seconds(1);
  EXPECT_EQ(WriteEdf(r, out).code(), StatusCode::kInvalidArgument);

  r = Synthetic();
  for (Signal& s : r.signals) s.start = Time{};  // 1970: before EDF's 1985
  st = WriteEdf(r, out);
  EXPECT_EQ(st.code(), StatusCode::kOutOfRange);
  EXPECT_THAT(st.message(), HasSubstr("1985..2084"));

  r = Synthetic();
  r.signals[0].label = "A label longer than 16";
  EXPECT_EQ(WriteEdf(r, out).code(), StatusCode::kOutOfRange);

  r = Synthetic();
  r.signals[0].unit = "{a unit far too long}";
  r.signals[0].source_unit = "";
  EXPECT_EQ(WriteEdf(r, out).code(), StatusCode::kOutOfRange);

  r = Synthetic();
  r.signals[0].scale = 0;
  EXPECT_EQ(WriteEdf(r, out).code(), StatusCode::kInvalidArgument);

  EdfWriteOptions options;
  options.patient = "Jos\xC3\xA9";
  EXPECT_EQ(WriteEdf(Synthetic(), out, options).code(),
            StatusCode::kInvalidArgument);

  EXPECT_EQ(WriteEdf(Synthetic(), "/nonexistent-dir/x.edf").code(),
            StatusCode::kIoError);
}

TEST(EdfWriter, FormatEdfNumberRoundTripsWhatFitsAndRoundsTheRest) {
  for (const char* text :
       {"-8092", "8092", "-3276.8", "0.000001", "-1000000", "1e-10", "-187470",
        "99999999", "-0.00001", "3.14159"}) {
    const double v = std::strtod(text, nullptr);
    const std::string f = FormatEdfNumber(v);
    EXPECT_LE(f.size(), 8u) << text;
    EXPECT_EQ(std::strtod(f.c_str(), nullptr), v) << text << " -> " << f;
  }
  EXPECT_EQ(FormatEdfNumber(1.0 / 3.0), "0.333333");
  EXPECT_EQ(FormatEdfNumber(-2000.0 / 3.0), "-666.667");
  EXPECT_EQ(FormatEdfNumber(123456789.0), "1.2346e8");
  EXPECT_EQ(FormatEdfNumber(-1.0e-300 / 3.0), "-3e-301");
  EXPECT_EQ(FormatEdfNumber(-0.0), "-0");
}

}  // namespace
}  // namespace jumeau::io

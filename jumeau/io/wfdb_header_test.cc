// Tests of ParseWfdbHeader: the header(5) grammar, defaults, and one test per
// class of malformed line (each message names the file and line).
#include "jumeau/io/wfdb_header.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace jumeau::io {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST(WfdbHeader, MitBihRecord100) {
  // The header of MIT-BIH record 100, with its CRLF line endings.
  const char* text =
      "100 2 360 650000\r\n"
      "100.dat 212 200 11 1024 995 -22131 0 MLII\r\n"
      "100.dat 212 200 11 1024 1011 20052 0 V5\r\n"
      "# 69 M 1085 1629 x1\r\n"
      "# Aldomet, Inderal\r\n";
  Result<WfdbHeader> h = ParseWfdbHeader(text, "100.hea");
  ASSERT_TRUE(h.ok()) << h.status().ToString();
  EXPECT_EQ(h->record_name, "100");
  EXPECT_FALSE(h->number_of_segments.has_value());
  EXPECT_EQ(h->number_of_signals, 2);
  EXPECT_EQ(h->frequency, SampleRate(360, 1));
  EXPECT_EQ(h->samples_per_signal, 650000);
  EXPECT_FALSE(h->base_time_present);
  ASSERT_EQ(h->signals.size(), 2u);
  const WfdbSignalSpec& s = h->signals[0];
  EXPECT_EQ(s.file_name, "100.dat");
  EXPECT_EQ(s.format, 212);
  EXPECT_EQ(s.samples_per_frame, 1);
  EXPECT_EQ(s.skew, 0);
  EXPECT_EQ(s.byte_offset, 0);
  EXPECT_EQ(s.adc_gain, 200.0);
  EXPECT_EQ(s.baseline, 1024);  // defaults to the ADC zero
  EXPECT_FALSE(s.baseline_present);
  EXPECT_EQ(s.units, "");
  EXPECT_EQ(s.adc_resolution, 11);
  EXPECT_EQ(s.adc_zero, 1024);
  EXPECT_EQ(s.initial_value, 995);
  EXPECT_EQ(s.checksum, -22131);
  EXPECT_EQ(s.block_size, 0);
  EXPECT_EQ(s.description, "MLII");
  EXPECT_EQ(s.line, 2);
  EXPECT_EQ(h->signals[1].description, "V5");
  EXPECT_THAT(h->info, ElementsAre("69 M 1085 1629 x1", "Aldomet, Inderal"));
  EXPECT_TRUE(h->warnings.empty());
}

TEST(WfdbHeader, FormatModifiersGainBaselineUnitsTimeDate) {
  const char* text =
      "03700181 3 125 75000 17:27:45 15/08/1994\n"
      "03700181.dat 212x4 2963.77/mV 12 0 67 -11266 0 MCL1 \n"
      "03700181.dat 212 12.84(-1605)/mmHg 12 0 -943 -23651 0 ABP \n"
      "03700181.dat 212:4 2000 12 0 -304 6310 0 RESP \n";
  Result<WfdbHeader> h = ParseWfdbHeader(text, "03700181.hea");
  ASSERT_TRUE(h.ok()) << h.status().ToString();
  EXPECT_EQ(h->signals[0].samples_per_frame, 4);
  EXPECT_EQ(h->signals[0].units, "mV");
  EXPECT_EQ(h->signals[0].adc_gain, 2963.77);
  EXPECT_EQ(h->signals[0].description, "MCL1");  // trailing blank trimmed
  EXPECT_EQ(h->signals[1].baseline, -1605);
  EXPECT_TRUE(h->signals[1].baseline_present);
  EXPECT_EQ(h->signals[1].units, "mmHg");
  EXPECT_EQ(h->signals[2].skew, 4);
  EXPECT_EQ(h->signals[2].units, "");
  EXPECT_TRUE(h->base_time_present);
  EXPECT_TRUE(h->base_date_present);
  EXPECT_EQ(h->StartTime(), FromCivil(CivilTime{1994, 8, 15, 17, 27, 45, 0}));
}

TEST(WfdbHeader, ByteOffsetAndAllModifiers) {
  Result<WfdbHeader> h = ParseWfdbHeader(
      "v131l 4 250 82500\nv131l.mat 16+24 9218/mV 16 0 2679 18547 0 II\n"
      "v131l.mat 16+24 5420/mV 16 0 5251 -26008 0 V\n"
      "v131l.mat 16+24 52.65/mmHg 16 0 6663 -21133 0 ABP\n"
      "v131l.mat 16+24 6470/NU 16 0 1675 -16861 0 "
      "RESP\n#Ventricular_Tachycardia\n#True alarm\n",
      "v131l.hea");
  ASSERT_TRUE(h.ok()) << h.status().ToString();
  EXPECT_EQ(h->signals[3].byte_offset, 24);
  EXPECT_EQ(h->signals[3].format, 16);
  EXPECT_THAT(h->info, ElementsAre("Ventricular_Tachycardia", "True alarm"));
  Result<WfdbHeader> all =
      ParseWfdbHeader("r 1 100\nr.dat 16x2:3+512 100\n", "r.hea");
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  EXPECT_EQ(all->signals[0].samples_per_frame, 2);
  EXPECT_EQ(all->signals[0].skew, 3);
  EXPECT_EQ(all->signals[0].byte_offset, 512);
}

TEST(WfdbHeader, RecordLineVariants) {
  Result<WfdbHeader> h = ParseWfdbHeader(
      "rec 1 128.5/1000(-2.5) 10 1:2:3.25 29/2/2000\nrec.dat 16\n", "rec.hea");
  ASSERT_TRUE(h.ok()) << h.status().ToString();
  EXPECT_EQ(h->frequency, SampleRate(257, 2));
  EXPECT_EQ(h->frequency_text, "128.5");
  EXPECT_EQ(h->counter_frequency, 1000.0);
  EXPECT_EQ(h->base_counter, -2.5);
  EXPECT_EQ(h->StartTime(),
            FromCivil(CivilTime{2000, 2, 29, 1, 2, 3, 250000000}));
  for (const char* f : {"360", "360.", "360.0", "3.6e2"}) {
    Result<WfdbHeader> r =
        ParseWfdbHeader(std::string("r 0 ") + f + "\n", "r.hea");
    ASSERT_TRUE(r.ok()) << f << ": " << r.status().ToString();
    EXPECT_EQ(r->frequency, SampleRate(360, 1)) << f;
  }
  // No frequency: 250 Hz with a warning; no signals is legal.
  Result<WfdbHeader> bare =
      ParseWfdbHeader("# leading comment\n\nr 0\n", "r.hea");
  ASSERT_TRUE(bare.ok());
  EXPECT_EQ(bare->frequency, SampleRate(250, 1));
  EXPECT_FALSE(bare->frequency_present);
  EXPECT_THAT(bare->warnings, ElementsAre(HasSubstr("assuming 250 Hz")));
  EXPECT_THAT(bare->info, ElementsAre("leading comment"));
}

TEST(WfdbHeader, MultiSegment) {
  Result<WfdbHeader> h = ParseWfdbHeader(
      "multi/3 2 360 45000\n100s 21600\n~ 1800\n100s 21600\n", "multi.hea");
  ASSERT_TRUE(h.ok()) << h.status().ToString();
  EXPECT_EQ(h->number_of_segments, 3);
  ASSERT_EQ(h->segments.size(), 3u);
  EXPECT_EQ(h->segments[0].record_name, "100s");
  EXPECT_EQ(h->segments[0].samples, 21600);
  EXPECT_TRUE(h->segments[1].is_null());
  EXPECT_EQ(h->segments[2].line, 4);
  EXPECT_TRUE(h->signals.empty());
}

TEST(WfdbHeader, DefaultsForMissingFields) {
  Result<WfdbHeader> h = ParseWfdbHeader(
      "r 4 100\na.dat 8\nb.dat 80\nc.dat 310 0\nd.dat 16 50 0 7\n", "r.hea");
  ASSERT_TRUE(h.ok()) << h.status().ToString();
  EXPECT_EQ(h->signals[0].resolved_adc_resolution, 10);
  EXPECT_EQ(h->signals[1].resolved_adc_resolution, 8);
  EXPECT_EQ(h->signals[2].resolved_adc_resolution, 10);
  EXPECT_EQ(h->signals[2].adc_gain, 0.0);
  EXPECT_EQ(h->signals[2].gain_for_scale(), 200.0);
  EXPECT_EQ(h->signals[3].resolved_adc_resolution, 12);
  EXPECT_EQ(h->signals[3].adc_zero, 7);
  EXPECT_EQ(h->signals[3].baseline, 7);
  EXPECT_EQ(h->signals[3].initial_value, 7);
  EXPECT_FALSE(h->signals[3].checksum.has_value());
  EXPECT_EQ(h->signals[3].description, "");
}

TEST(WfdbHeader, DescriptionWithSpacesAndUtf8) {
  Result<WfdbHeader> h = ParseWfdbHeader(
      "7001 2 250 525000\nd0.7001 8 100 10 0 -53 -1279 0 ECG signal 0\n"
      "d1.7001 8 100 10 0 -69 15626 0 Temp\xC3\xA9rature  x\n",
      "7001.hea");
  ASSERT_TRUE(h.ok()) << h.status().ToString();
  EXPECT_EQ(h->signals[0].description, "ECG signal 0");
  EXPECT_EQ(h->signals[1].description, "Temp\xC3\xA9rature  x");
}

TEST(WfdbHeader, ExtraLinesAndFieldsAreWarnings) {
  Result<WfdbHeader> h = ParseWfdbHeader(
      "r 1 100 5 0:0:0 1/1/2000 extra\na.dat 16\nb.dat 16\n", "r.hea");
  ASSERT_TRUE(h.ok()) << h.status().ToString();
  EXPECT_EQ(h->signals.size(), 1u);
  EXPECT_EQ(h->warnings.size(), 2u);
}

struct BadHeader {
  const char* text;
  const char* message;
};

class WfdbHeaderErrors : public ::testing::TestWithParam<BadHeader> {};

TEST_P(WfdbHeaderErrors, IsDataLossNamingTheLine) {
  Result<WfdbHeader> h = ParseWfdbHeader(GetParam().text, "100.hea");
  ASSERT_FALSE(h.ok());
  EXPECT_EQ(h.status().code(), StatusCode::kDataLoss);
  EXPECT_EQ(h.status().message(), GetParam().message);
}

INSTANTIATE_TEST_SUITE_P(
    All, WfdbHeaderErrors,
    ::testing::Values(
        BadHeader{
            "100 2 360 650000\n100.dat 999 200 11 1024 995 -22131 0 MLII\n",
            "100.hea line 2: unknown signal format '999'"},
        BadHeader{"100 two 360\n",
                  "100.hea line 1: number of signals 'two' is not a "
                  "non-negative integer (at most 100000)"},
        BadHeader{"100 -1 360\n",
                  "100.hea line 1: number of signals '-1' is not a "
                  "non-negative integer (at most 100000)"},
        BadHeader{"100 1 0\n",
                  "100.hea line 1: impossible sampling frequency '0' (must be "
                  "a positive decimal number)"},
        BadHeader{"100 1 -360\n",
                  "100.hea line 1: impossible sampling frequency '-360' (must "
                  "be a positive decimal number)"},
        BadHeader{"100 1 abc\n",
                  "100.hea line 1: impossible sampling frequency 'abc' (must "
                  "be a positive decimal number)"},
        BadHeader{"100 1 360 65x\n",
                  "100.hea line 1: number of samples per signal '65x' is not a "
                  "non-negative integer"},
        BadHeader{"100 1 360 10 25:00:00\n",
                  "100.hea line 1: base time '25:00:00' is out of range"},
        BadHeader{"100 1 360 10 10:00 31/02/2000\n",
                  "100.hea line 1: base date '31/02/2000' is not a valid date"},
        BadHeader{"100 1 360 10 10:00 2000-01-01\n",
                  "100.hea line 1: base date '2000-01-01' is not DD/MM/YYYY"},
        BadHeader{"100/0 1 360\n",
                  "100.hea line 1: number of segments '0' is not a positive "
                  "integer (at most 10000000)"},
        BadHeader{"100 2 360\n100.dat 212\n",
                  "100.hea line 2: record line declares 2 signals but only 1 "
                  "are given"},
        BadHeader{"100 1 360\n100.dat\n",
                  "100.hea line 2: signal line needs at least a file name and "
                  "a format"},
        BadHeader{"100 1 360\n100.dat 212 abc\n",
                  "100.hea line 2: ADC gain 'abc' is not a number"},
        BadHeader{"100 1 360\n100.dat 212 200(x)\n",
                  "100.hea line 2: baseline 'x' is not an integer"},
        BadHeader{"100 1 360\n100.dat 212 200(5\n",
                  "100.hea line 2: baseline in '200(5' lacks its ')'"},
        BadHeader{"100 1 360\n100.dat 212 200 40\n",
                  "100.hea line 2: ADC resolution '40' is not an integer from "
                  "0 to 32"},
        BadHeader{"100 1 360\n100.dat 212 200 11 zero\n",
                  "100.hea line 2: ADC zero 'zero' is not a 32-bit integer"},
        BadHeader{
            "100 1 360\n100.dat 212 200 11 0 1.5\n",
            "100.hea line 2: initial value '1.5' is not a 32-bit integer"},
        BadHeader{"100 1 360\n100.dat 212 200 11 0 0 cs\n",
                  "100.hea line 2: checksum 'cs' is not an integer"},
        BadHeader{"100 1 360\n100.dat 212x0\n",
                  "100.hea line 2: samples per frame in '212x0' is not a "
                  "positive integer (at most 1048576)"},
        BadHeader{
            "100 1 360\n100.dat 212:-1\n",
            "100.hea line 2: skew in '212:-1' is not a non-negative integer"},
        BadHeader{"100 1 360\n100.dat 212q\n",
                  "100.hea line 2: malformed signal format '212q'"},
        BadHeader{
            "100 1 360\n../etc/passwd 16\n",
            "100.hea line 2: signal file name '../etc/passwd' has a character "
            "other than letters, digits, '_', '-', '.', '+', '~'"},
        BadHeader{"100 1 360\n100.dat 16 200/mV\xC3\xA9 11\n",
                  "100.hea line 2: non-ASCII byte 0xC3 at column 18"},
        BadHeader{"100 1 360\n100.dat\x01 16\n",
                  "100.hea line 2: control character 0x01 at column 8"},
        BadHeader{"100 1 360\n100.dat 16 200 11 0 0 0 0 bad\xFF\n",
                  "100.hea line 2: signal description is not valid UTF-8 text "
                  "(control character or malformed byte)"},
        BadHeader{"# only a comment\n", "100.hea line 1: no record line"},
        BadHeader{"", "100.hea line 1: no record line"}));

TEST(WfdbHeader, NulByteIsDataLoss) {
  const std::string text("100 1 360\n100.dat 16\0\n", 21);
  Result<WfdbHeader> h = ParseWfdbHeader(text, "100.hea");
  ASSERT_FALSE(h.ok());
  EXPECT_EQ(h.status().message(), "100.hea line 2: NUL byte in header text");
}

TEST(WfdbHeader, FlacFormatsAreUnimplemented) {
  Result<WfdbHeader> h = ParseWfdbHeader("r 1 360\nr.dat 516\n", "r.hea");
  ASSERT_FALSE(h.ok());
  EXPECT_EQ(h.status().code(), StatusCode::kUnimplemented);
}

}  // namespace
}  // namespace jumeau::io

// Tests of the device CSV reader and mapping files: regular columns become
// exact signals (split at gaps), irregular ones events; missing values are
// skipped; every error names file, line and column; mapping files parse,
// reject typos and round-trip; truncation at every byte never crashes.
#include "jumeau/io/device_csv.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>

#include "jumeau/testing/test_data.h"

namespace jumeau::io {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

Time At(const char* iso) { return *ParseIso8601(iso); }

CsvValueColumn Column(std::string name, std::string code, std::string unit,
                      std::string label = "") {
  CsvValueColumn c;
  c.column = std::move(name);
  c.code = Code{code_system::kLoinc, std::move(code), ""};
  c.unit = std::move(unit);
  c.label = std::move(label);
  return c;
}

CsvColumnMapping WatchMapping() {
  CsvColumnMapping m;
  m.time_column = "time";
  m.columns.push_back(Column("hr", "8867-4", "bpm", "Heart rate"));
  m.columns.push_back(Column("spo2", "59408-5", "%", "SpO2"));
  m.columns.push_back(Column("temp", "8310-5", "Cel", "Skin temperature"));
  return m;
}

// A minute series 08:00..08:09 with an irregular SpO2 column.
constexpr char kWatch[] =
    "# synthetic test file\n"
    "time,hr,spo2,temp\n"
    "2019-03-02T09:00:00+01:00,61,97,33.1\n"
    "2019-03-02T09:01:00+01:00,62,,33.15\n"
    "2019-03-02T09:02:00+01:00,64,,33.2\n"
    "2019-03-02T09:03:00+01:00,63,NA,33.2\n"
    "2019-03-02T09:04:00+01:00,65,,33.3\n"
    "2019-03-02T09:05:00+01:00,66,,33.3\n"
    "2019-03-02T09:06:00+01:00,67,,33.4\n"
    "2019-03-02T09:07:00+01:00,66,98,33.4\n"
    "2019-03-02T09:08:00+01:00,64,,33.5\n"
    "2019-03-02T09:09:00+01:00,63,96,33.5\n";

TEST(DeviceCsv, RegularColumnsBecomeExactSignals) {
  Result<DeviceCsv> r =
      ReadDeviceCsvFromMemory(kWatch, "watch.csv", WatchMapping());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const Recording& rec = r->recording;
  EXPECT_EQ(rec.format, "CSV");
  EXPECT_EQ(rec.start, At("2019-03-02T08:00:00Z"));
  ASSERT_EQ(rec.signals.size(), 2u);
  ASSERT_EQ(r->signal_codes.size(), 2u);

  const Signal& hr = rec.signals[0];
  EXPECT_EQ(hr.label, "Heart rate");
  EXPECT_EQ(hr.unit, "/min");
  EXPECT_EQ(hr.source_unit, "bpm");
  EXPECT_EQ(hr.rate, SampleRate(1, 60));
  EXPECT_EQ(hr.start, At("2019-03-02T08:00:00Z"));
  EXPECT_EQ(hr.scale, 1.0);
  EXPECT_EQ(hr.offset, 0.0);
  EXPECT_THAT(hr.samples, ElementsAre(61, 62, 64, 63, 65, 66, 67, 66, 64, 63));
  EXPECT_EQ(hr.digital_min, 61);
  EXPECT_EQ(hr.digital_max, 67);
  EXPECT_EQ(hr.TimeOfSample(9), At("2019-03-02T08:09:00Z"));
  EXPECT_EQ(r->signal_codes[0], (Code{code_system::kLoinc, "8867-4", ""}));
  EXPECT_EQ(r->signal_codes[0].display, "Heart rate");
  EXPECT_EQ(r->signal_columns[0], "hr");

  // Two decimals (33.15) set the precision of the whole column.
  const Signal& temp = rec.signals[1];
  EXPECT_EQ(temp.label, "Skin temperature");
  EXPECT_EQ(temp.unit, "Cel");
  EXPECT_DOUBLE_EQ(temp.scale, 0.01);
  EXPECT_THAT(temp.samples, ElementsAre(3310, 3315, 3320, 3320, 3330, 3330,
                                        3340, 3340, 3350, 3350));
  EXPECT_NEAR(temp.Physical(1), 33.15, 1e-12);
  EXPECT_EQ(r->signal_codes[1].code, "8310-5");

  // SpO2 (3 values at 0, 7 and 9 min) is irregular: events.
  ASSERT_EQ(rec.events.size(), 3u);
  EXPECT_EQ(rec.events[0].time, At("2019-03-02T08:00:00Z"));
  EXPECT_EQ(rec.events[0].code.code, "59408-5");
  EXPECT_EQ(rec.events[0].code.display, "SpO2");
  EXPECT_EQ(rec.events[0].unit, "%");
  EXPECT_EQ(*rec.events[0].value, 97.0);
  EXPECT_EQ(rec.events[1].time, At("2019-03-02T08:07:00Z"));
  EXPECT_EQ(*rec.events[2].value, 96.0);
  EXPECT_THAT(rec.warnings,
              Contains(HasSubstr("column 'spo2': 7 missing values")));
}

TEST(DeviceCsv, GapsSplitSignalsLikeEdfPlusD) {
  std::string csv = "t,steps\n";
  // 0..4 min, then a gap (5..9 missing as empty, 10..11 absent rows), 12..15.
  for (int m = 0; m < 16; ++m) {
    if (m >= 10 && m < 12) continue;
    csv += std::to_string(1551513600 + 60 * m) + ",";
    if (m < 5 || m >= 12) csv += std::to_string(m * 10);
    csv += "\n";
  }
  CsvColumnMapping m;
  m.time_column = "t";
  m.time_format = CsvTimeFormat::kEpochSeconds;
  m.min_regular_fraction = 0.75;
  m.columns.push_back(Column("steps", "55423-8", "{steps}"));
  Result<DeviceCsv> r = ReadDeviceCsvFromMemory(csv, "steps.csv", m);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const auto& signals = r->recording.signals;
  ASSERT_EQ(signals.size(), 2u);
  EXPECT_EQ(signals[0].start, Time{1551513600LL * 1000000000});
  EXPECT_THAT(signals[0].samples, ElementsAre(0, 10, 20, 30, 40));
  EXPECT_EQ(signals[1].start, Time{(1551513600LL + 720) * 1000000000});
  EXPECT_THAT(signals[1].samples, ElementsAre(120, 130, 140, 150));
  EXPECT_EQ(signals[1].label, "steps");
  EXPECT_EQ(signals[1].unit, "{steps}");
  EXPECT_TRUE(r->recording.events.empty());
  EXPECT_THAT(r->recording.warnings,
              Contains(HasSubstr("1 gap in a series with a step of "
                                 "60 s: 2 signals")));
  EXPECT_THAT(r->recording.warnings,
              Contains(HasSubstr("5 missing values skipped")));
}

TEST(DeviceCsv, ColumnMissingTokensAndGlobalTokens) {
  CsvColumnMapping m;
  m.time_column = "time";
  m.time_format = CsvTimeFormat::kElapsedSeconds;
  m.origin = At("2020-01-01T00:00:00Z");
  m.missing = {"n/a"};
  m.columns.push_back(Column("hr", "8867-4", "/min"));
  m.columns.back().missing = {"-1"};
  const char kCsv[] = "time,hr\n0,-1\n1,n/a\n2,70\n3,71\n4,72\n5,-1.5\n";
  Result<DeviceCsv> r = ReadDeviceCsvFromMemory(kCsv, "x.csv", m);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  // -1 and n/a are missing; -1.5 is a value (only the exact text matches),
  // and with 0.5 decimals the values become 700, 710, 720, -15 at 0.1.
  ASSERT_EQ(r->recording.signals.size(), 1u);
  const Signal& s = r->recording.signals[0];
  EXPECT_EQ(s.start, At("2020-01-01T00:00:02Z"));
  EXPECT_EQ(s.rate, SampleRate(1, 1));
  EXPECT_THAT(s.samples, ElementsAre(700, 710, 720, -15));
  EXPECT_DOUBLE_EQ(s.scale, 0.1);
}

TEST(DeviceCsv, ErrorsNameFileLineAndColumn) {
  const CsvColumnMapping m = WatchMapping();
  struct Case {
    std::string csv;
    std::string message;
  } cases[] = {
      {"time,hr,spo2,temp\n2019-03-02T08:00:00Z,abc,,\n",
       "steps.csv line 2 column 'hr': 'abc' is not a number"},
      {"# x\ntime,hr,spo2,temp\n\n2019-03-02T08:00:00Z,1,2\n",
       "steps.csv line 4: 3 fields, the header has 4"},
      {"time,hr,temp\n", "steps.csv line 1: no column 'spo2' in the header"},
      {"time,hr,spo2,temp,hr\n",
       "steps.csv line 1: column 'hr' appears more than once"},
      {"time,hr,spo2,temp\n,1,2,3\n",
       "steps.csv line 2 column 'time': empty time"},
      {"time,hr,spo2,temp\n2019-03-02T08:00:00,1,2,3\n",
       "steps.csv line 2 column 'time': '2019-03-02T08:00:00' has no time "
       "zone"},
      {"time,hr,spo2,temp\n2019-13-02T08:00:00Z,1,2,3\n",
       "line 2 column 'time': '2019-13-02T08:00:00Z' is not an ISO 8601 time"},
      {"time,hr,spo2,temp\n2019-03-02T08:00:00Z,\"1\"x,2,3\n",
       "steps.csv line 2: unexpected 'x' after a closing quote"},
      {"time,hr,spo2,temp\n2019-03-02T08:00:00Z,\"1,2,3\n",
       "steps.csv line 2: quoted field never closes"},
      {"time,hr,spo2,temp\n1800-01-01T00:00:00Z,1,2,3\n",
       "steps.csv line 2 column 'time': '1800-01-01T00:00:00Z' is out of "
       "range (years 1824-2116)"},
      {"", "steps.csv: no header line"},
      {"# only a comment\n", "steps.csv: no header line"},
  };
  for (const Case& c : cases) {
    Result<DeviceCsv> r = ReadDeviceCsvFromMemory(c.csv, "steps.csv", m);
    ASSERT_FALSE(r.ok()) << c.csv;
    EXPECT_EQ(r.status().code(), StatusCode::kDataLoss) << c.csv;
    EXPECT_THAT(r.status().message(), HasSubstr(c.message));
  }
}

TEST(DeviceCsv, QuotedFieldsSemicolonsAndDecimalCommas) {
  CsvColumnMapping m;
  m.time_column = "Zeit; lokal";
  m.has_utc_offset = true;
  m.utc_offset = Duration::Hours(1);
  m.decimal_point = ',';
  m.columns.push_back(Column("Gewicht \"kg\"", "29463-7", "kg", "Weight"));
  const char kCsv[] =
      "\"Zeit; lokal\";\"Gewicht \"\"kg\"\"\";Notiz\n"
      "2019-03-01 07:00;80,4;\"nach dem\nFr\xC3\xBChst\xC3\xBC\x63k\"\n"
      "2019-03-03 07:10;80,25;\n";
  Result<DeviceCsv> r = ReadDeviceCsvFromMemory(kCsv, "waage.csv", m);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->recording.events.size(), 2u);  // 2 values: events
  EXPECT_EQ(r->recording.events[0].time, At("2019-03-01T06:00:00Z"));
  EXPECT_EQ(*r->recording.events[0].value, 80.4);
  EXPECT_EQ(*r->recording.events[1].value, 80.25);
  EXPECT_EQ(r->recording.events[1].code.display, "Weight");
  EXPECT_THAT(r->recording.warnings, Contains(HasSubstr("ignored: 'Notiz'")));
  EXPECT_THAT(r->recording.warnings,
              Contains(HasSubstr("kept as events: only 2 values")));
}

TEST(DeviceCsv, TabsAndElapsedClockAndEpochMilliseconds) {
  CsvColumnMapping m;
  m.time_column = "elapsed";
  m.time_format = CsvTimeFormat::kElapsedClock;
  m.origin = At("2012-01-01T00:00:00Z");
  m.columns.push_back(Column("rr", "9279-1", "/min"));
  Result<DeviceCsv> r = ReadDeviceCsvFromMemory(
      "elapsed\trr\n0:00\t12\n0:30\t14\n1:00\t13\n25:30\t15\n", "icu.tsv", m);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->recording.format, "TSV");
  // Three 30-min steps then a gap: 2 of 3 intervals are steps, below 90%.
  EXPECT_EQ(r->recording.signals.size(), 0u);
  ASSERT_EQ(r->recording.events.size(), 4u);
  EXPECT_EQ(r->recording.events[3].time, At("2012-01-02T01:30:00Z"));

  m.time_column = "ms";
  m.time_format = CsvTimeFormat::kEpochMilliseconds;
  Result<DeviceCsv> ms = ReadDeviceCsvFromMemory(
      "ms,rr\n1551513600000,12\n1551513600250,13\n1551513600500,14\n", "m.csv",
      m);
  ASSERT_TRUE(ms.ok()) << ms.status().ToString();
  ASSERT_EQ(ms->recording.signals.size(), 1u);
  EXPECT_EQ(ms->recording.signals[0].rate, SampleRate(4, 1));
}

TEST(DeviceCsv, JitterWithinToleranceIsSnappedBeyondItIsIrregular) {
  CsvColumnMapping m;
  m.time_column = "t";
  m.time_format = CsvTimeFormat::kEpochMilliseconds;
  m.columns.push_back(Column("hr", "8867-4", "/min"));
  // 1 s steps with +-3 ms jitter: within 1% (10 ms) of the grid.
  std::string csv = "t,hr\n";
  for (int i = 0; i < 20; ++i) {
    csv += std::to_string(1000000 + i * 1000 + (i % 2 ? 3 : -3)) + ",60\n";
  }
  Result<DeviceCsv> r = ReadDeviceCsvFromMemory(csv, "j.csv", m);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->recording.signals.size(), 1u);
  EXPECT_EQ(r->recording.signals[0].samples.size(), 20u);
  EXPECT_THAT(r->recording.warnings,
              Contains(HasSubstr("moved to the step grid by up to")));
  // +-50 ms jitter: intervals of 0.9 s are shorter than a step.
  csv = "t,hr\n";
  for (int i = 0; i < 20; ++i) {
    csv += std::to_string(1000000 + i * 1000 + (i % 2 ? 50 : -50)) + ",60\n";
  }
  r = ReadDeviceCsvFromMemory(csv, "j.csv", m);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(r->recording.signals.empty());
  EXPECT_EQ(r->recording.events.size(), 20u);
  EXPECT_THAT(r->recording.warnings,
              Contains(HasSubstr("is shorter than the step")));
}

TEST(DeviceCsv, UnsortedTimesAndHugeValuesStayEvents) {
  CsvColumnMapping m;
  m.time_column = "t";
  m.time_format = CsvTimeFormat::kEpochSeconds;
  m.columns.push_back(Column("v", "8867-4", "/min"));
  Result<DeviceCsv> r =
      ReadDeviceCsvFromMemory("t,v\n3,1\n2,1\n4,1\n5,1\n", "u.csv", m);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->recording.signals.empty());
  ASSERT_EQ(r->recording.events.size(), 4u);
  EXPECT_EQ(r->recording.events[0].time, Time{2000000000});  // sorted
  EXPECT_EQ(r->recording.start, Time{2000000000});
  EXPECT_THAT(r->recording.warnings,
              Contains(HasSubstr("do not increase at line 3")));
  r = ReadDeviceCsvFromMemory("t,v\n1,1\n2,3000000000\n3,1\n", "u.csv", m);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->recording.signals.empty());
  EXPECT_EQ(*r->recording.events[1].value, 3e9);
  EXPECT_THAT(r->recording.warnings,
              Contains(HasSubstr("do not fit 32-bit integers")));
}

TEST(DeviceCsv, HeaderOnlyGivesAnEmptyRecording) {
  Result<DeviceCsv> r =
      ReadDeviceCsvFromMemory("time,hr,spo2,temp\r\n", "e.csv", WatchMapping());
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->recording.signals.empty());
  EXPECT_TRUE(r->recording.events.empty());
  EXPECT_THAT(r->recording.warnings, Contains("no data rows"));
}

TEST(DeviceCsv, InvalidMappingIsInvalidArgument) {
  CsvColumnMapping m = WatchMapping();
  m.columns.push_back(m.columns[0]);
  Result<DeviceCsv> r = ReadDeviceCsvFromMemory(kWatch, "w.csv", m);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(r.status().message(), HasSubstr("'hr' is mapped twice"));
  m = WatchMapping();
  m.regular_tolerance = 0.5;
  EXPECT_FALSE(ValidateCsvMapping(m).ok());
  m = WatchMapping();
  m.decimal_point = ',';
  m.delimiter = ',';
  EXPECT_FALSE(ValidateCsvMapping(m).ok());
}

TEST(DeviceCsv, TruncationAtEveryByteNeverCrashes) {
  const std::string full = kWatch;
  for (size_t n = 0; n <= full.size(); ++n) {
    Result<DeviceCsv> r =
        ReadDeviceCsvFromMemory(full.substr(0, n), "cut.csv", WatchMapping());
    if (!r.ok()) {
      EXPECT_THAT(r.status().message(), HasSubstr("cut.csv"));
    }
  }
}

constexpr char kMappingFile[] =
    "# Watch export\n"
    "[csv]\n"
    "time_column = Timestamp   # local time\n"
    "time_format = iso8601\n"
    "utc_offset = +01:00\n"
    "delimiter = semicolon\n"
    "decimal_point = comma\n"
    "missing = NA, \"--\", -1\n"
    "regular_tolerance = 0.02\n"
    "\n"
    "[column \"Heart rate (bpm)\"]\n"
    "system = loinc\n"
    "code = 8867-4\n"
    "unit = bpm\n"
    "label = Heart rate\n"
    "missing = 0\n"
    "\n"
    "; a column without a code gets urn:jumeau:device-csv\n"
    "[column Steps]\n"
    "unit = {steps}\n";

TEST(CsvMapping, ParsesTheDocumentedFormat) {
  Result<CsvColumnMapping> m = ParseCsvMapping(kMappingFile, "watch.ini");
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(m->time_column, "Timestamp");
  EXPECT_EQ(m->time_format, CsvTimeFormat::kIso8601);
  EXPECT_TRUE(m->has_utc_offset);
  EXPECT_EQ(m->utc_offset, Duration::Hours(1));
  EXPECT_EQ(m->delimiter, ';');
  EXPECT_EQ(m->decimal_point, ',');
  EXPECT_THAT(m->missing, ElementsAre("NA", "--", "-1"));
  EXPECT_EQ(m->regular_tolerance, 0.02);
  ASSERT_EQ(m->columns.size(), 2u);
  EXPECT_EQ(m->columns[0].column, "Heart rate (bpm)");
  EXPECT_EQ(m->columns[0].code.system, code_system::kLoinc);
  EXPECT_EQ(m->columns[0].code.code, "8867-4");
  EXPECT_EQ(m->columns[0].unit, "bpm");
  EXPECT_EQ(m->columns[0].label, "Heart rate");
  EXPECT_THAT(m->columns[0].missing, ElementsAre("0"));
  EXPECT_EQ(m->columns[1].code.system, "urn:jumeau:device-csv");
  EXPECT_EQ(m->columns[1].code.code, "Steps");

  // And it reads such a file.
  Result<DeviceCsv> r = ReadDeviceCsvFromMemory(
      "Timestamp;Heart rate (bpm);Steps\n"
      "2019-03-02 09:00;0;12\n2019-03-02 09:01;61;--\n"
      "2019-03-02 09:02;62;0\n2019-03-02 09:03;63;4\n",
      "watch.csv", *m);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->recording.signals.size(), 1u);
  EXPECT_EQ(r->recording.signals[0].start, At("2019-03-02T08:01:00Z"));
  EXPECT_THAT(r->recording.signals[0].samples, ElementsAre(61, 62, 63));
  // Steps at 0, 2 and 3 min: half the intervals are one step, so events.
  ASSERT_EQ(r->recording.events.size(), 3u);
  EXPECT_EQ(r->recording.events[0].unit, "{steps}");
  EXPECT_EQ(r->recording.events[0].code.system, "urn:jumeau:device-csv");
}

TEST(CsvMapping, ErrorsNameLineAndReason) {
  struct Case {
    const char* text;
    const char* message;
  } cases[] = {
      {"time_column = t\n",
       "m.ini line 1: key 'time_column' before any section"},
      {"[csv]\ntime_colum = t\n", "m.ini line 2: unknown key 'time_colum'"},
      {"[csv]\ntime_column = t\ntime_format = hh-mm\n",
       "m.ini line 3: unknown time_format 'hh-mm'"},
      {"[csv]\ntime_column = t\n[sensor x]\n", "m.ini line 3: unknown section"},
      {"[csv]\ntime_column = t\n[column a]\nsystem = loinc\n",
       "m.ini: column 'a' has a system but no code"},
      {"[csv]\ntime_column = t\n[column a]\n[column a]\n",
       "m.ini line 4: column 'a' mapped twice"},
      {"[csv]\n[column a]\ncode = 1\n", "m.ini: no time_column"},
      {"[csv]\ntime_column = t\n", "no value column"},
      {"[csv]\ntime_column = t\nutc_offset = +25:00\n[column a]\n",
       "m.ini line 3: utc_offset '+25:00'"},
      {"[csv]\ntime_column = t\norigin = 2019-03-02T08:00\n[column a]\n",
       "m.ini line 3: origin '2019-03-02T08:00' is not an ISO 8601 time with a "
       "zone"},
      {"[csv]\ntime_column = \"t\n", "m.ini line 2: malformed quoted value"},
      {"[csv]\ntime_column = t\nbare words\n", "m.ini line 3: expected"},
  };
  for (const Case& c : cases) {
    Result<CsvColumnMapping> m = ParseCsvMapping(c.text, "m.ini");
    ASSERT_FALSE(m.ok()) << c.text;
    EXPECT_EQ(m.status().code(), StatusCode::kInvalidArgument);
    EXPECT_THAT(m.status().message(), HasSubstr(c.message)) << c.text;
  }
}

TEST(CsvMapping, FormatReadsBackEqual) {
  CsvColumnMapping m = WatchMapping();
  m.time_column = "time # local";
  m.time_format = CsvTimeFormat::kElapsedClock;
  m.origin = At("2012-01-01T00:00:00.5Z");
  m.has_utc_offset = true;
  m.utc_offset = -Duration::Minutes(330);
  m.delimiter = '\t';
  m.comment = 0;
  m.missing = {"", "a,b", "\"q\""};
  m.regular_tolerance = 0.015;
  m.min_regular_fraction = 0.95;
  m.min_signal_samples = 5;
  m.columns[0].missing = {"-1", "0"};
  m.columns[1].code.display = "Oxygen saturation";
  m.columns[2].code.system = "http://example.org/codes";
  const std::string text = FormatCsvMapping(m);
  Result<CsvColumnMapping> back = ParseCsvMapping(text, "round.ini");
  ASSERT_TRUE(back.ok()) << back.status().ToString() << "\n" << text;
  EXPECT_EQ(back->time_column, m.time_column);
  EXPECT_EQ(back->time_format, m.time_format);
  EXPECT_EQ(back->origin, m.origin);
  EXPECT_EQ(back->has_utc_offset, m.has_utc_offset);
  EXPECT_EQ(back->utc_offset, m.utc_offset);
  EXPECT_EQ(back->delimiter, m.delimiter);
  EXPECT_EQ(back->decimal_point, m.decimal_point);
  EXPECT_EQ(back->comment, m.comment);
  EXPECT_EQ(back->missing, m.missing);
  EXPECT_EQ(back->regular_tolerance, m.regular_tolerance);
  EXPECT_EQ(back->min_regular_fraction, m.min_regular_fraction);
  EXPECT_EQ(back->min_signal_samples, m.min_signal_samples);
  ASSERT_EQ(back->columns.size(), m.columns.size());
  for (size_t i = 0; i < m.columns.size(); ++i) {
    EXPECT_EQ(back->columns[i].column, m.columns[i].column);
    EXPECT_EQ(back->columns[i].code.system, m.columns[i].code.system);
    EXPECT_EQ(back->columns[i].code.code, m.columns[i].code.code);
    EXPECT_EQ(back->columns[i].code.display, m.columns[i].code.display);
    EXPECT_EQ(back->columns[i].unit, m.columns[i].unit);
    EXPECT_EQ(back->columns[i].label, m.columns[i].label);
    EXPECT_EQ(back->columns[i].missing, m.columns[i].missing);
  }
}

TEST(CsvMapping, FilesOnDisk) {
  const std::filesystem::path dir = jumeau::testing::ScratchDir();
  EXPECT_EQ(DefaultCsvMappingPath(dir / "wearable.csv"),
            dir / "wearable.mapping.ini");
  {
    std::ofstream(dir / "watch.mapping.ini") << kMappingFile;
    std::ofstream(dir / "watch.csv")
        << "Timestamp;Heart rate (bpm);Steps\n2019-03-02 09:00;60;1\n";
  }
  Result<CsvColumnMapping> m =
      ReadCsvMapping(DefaultCsvMappingPath(dir / "watch.csv"));
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  Result<DeviceCsv> r = ReadDeviceCsv(dir / "watch.csv", *m);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->recording.events.size(), 2u);
  Result<DeviceCsv> missing = ReadDeviceCsv(dir / "nope.csv", *m);
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(ReadCsvMapping(dir / "nope.ini").status().code(),
            StatusCode::kNotFound);
}

}  // namespace
}  // namespace jumeau::io

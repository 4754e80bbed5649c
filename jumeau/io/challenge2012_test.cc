// Tests of the PhysioNet Challenge 2012 readers on the 100 public set-A
// stays: every file reads; per-parameter event counts equal those of
// Python's csv module (and of a naive line split over all files); -1 values
// are excluded; descriptors and exact times; the Outcomes file is refused by
// the stay reader and read by its own; the LOINC table has valid check
// digits and covers every parameter met.
#include "jumeau/io/challenge2012.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <map>
#include <set>
#include <sstream>

#include "jumeau/testing/test_data.h"

namespace jumeau::io {
namespace {

using ::testing::HasSubstr;

std::string ReadText(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)),
                     std::istreambuf_iterator<char>());
}

// Parameter name of an event, through the table (unknown parameters keep
// their name as code).
std::string ParameterOf(const Event& e) {
  for (const Challenge2012Parameter& p : Challenge2012Parameters()) {
    if (!p.code.empty() && e.code.system == p.system && e.code.code == p.code) {
      return std::string(p.name);
    }
  }
  return e.code.code;
}

std::map<std::string, int> CountEvents(const std::vector<Event>& events) {
  std::map<std::string, int> counts;
  for (const Event& e : events) ++counts[ParameterOf(e)];
  return counts;
}

// The naive independent count: split each line at commas, skip the header,
// RecordID and values "-1".
void NaiveCount(const std::string& text, std::map<std::string, int>* counts,
                int* missing) {
  std::istringstream in(text);
  std::string line;
  bool header = true;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    if (header) {
      header = false;
      continue;
    }
    const size_t a = line.find(',');
    const size_t b = line.find(',', a + 1);
    const std::string parameter = line.substr(a + 1, b - a - 1);
    const std::string value = line.substr(b + 1);
    if (parameter == "RecordID") continue;
    if (value == "-1") {
      ++*missing;
      continue;
    }
    ++(*counts)[parameter];
  }
}

std::vector<std::filesystem::path> StayFiles(const std::filesystem::path& dir) {
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().filename() == "Outcomes-a.txt") continue;
    if (entry.path().extension() == ".txt") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

TEST(Challenge2012RealData, AllHundredStaysReadAndMatchANaiveCount) {
  JUMEAU_REQUIRE_TEST_DATA(dir, "cohort/challenge2012_set-a");
  const auto files = StayFiles(dir);
  ASSERT_EQ(files.size(), 100u);
  std::map<std::string, int> ours;
  std::map<std::string, int> naive;
  int naive_missing = 0;
  int64_t our_missing = 0;
  std::set<std::string> record_ids;
  for (const auto& file : files) {
    Result<Challenge2012Stay> stay = ReadChallenge2012(file);
    ASSERT_TRUE(stay.ok()) << stay.status().ToString();
    EXPECT_TRUE(stay->recording.warnings.empty())
        << file << ": " << stay->recording.warnings.front();
    EXPECT_EQ(stay->record_id, file.stem().string());
    EXPECT_EQ(stay->recording.source_recording_id, stay->record_id);
    record_ids.insert(stay->record_id);
    EXPECT_TRUE(stay->age_years.has_value());
    EXPECT_TRUE(stay->gender.has_value());
    EXPECT_TRUE(stay->icu_type.has_value());
    for (const Event& e : stay->recording.events) {
      ASSERT_TRUE(e.value.has_value());
      EXPECT_NE(*e.value, -1.0);
      EXPECT_FALSE(e.unit.empty());
      EXPECT_GE(e.time, kChallenge2012DefaultOrigin);
      EXPECT_LE(e.time, kChallenge2012DefaultOrigin + Duration::Hours(48));
      ++ours[ParameterOf(e)];
    }
    our_missing += stay->missing_values;
    NaiveCount(ReadText(file), &naive, &naive_missing);
  }
  EXPECT_EQ(record_ids.size(), 100u);
  EXPECT_EQ(ours, naive);
  EXPECT_EQ(our_missing, naive_missing);
  EXPECT_EQ(naive_missing, 55);  // 45 Height and 10 Weight descriptors
  // Every parameter met is in the table (no urn fallback codes).
  for (const auto& [name, count] : ours) {
    EXPECT_NE(FindChallenge2012Parameter(name), nullptr) << name;
  }
}

TEST(Challenge2012RealData, CountsPerParameterEqualPythonCsvModule) {
  JUMEAU_REQUIRE_TEST_DATA(dir, "cohort/challenge2012_set-a");
  if (std::system("python3 -c 'import csv' >/dev/null 2>&1") != 0) {
    GTEST_SKIP() << "python3 not available";
  }
  const std::filesystem::path scratch = jumeau::testing::ScratchDir();
  const std::filesystem::path script = scratch / "count.py";
  std::ofstream(script) << "import csv, sys, collections\n"
                           "c = collections.Counter()\n"
                           "with open(sys.argv[1], newline='') as f:\n"
                           "    for row in csv.DictReader(f):\n"
                           "        if row['Parameter'] != 'RecordID' and "
                           "float(row['Value']) != -1:\n"
                           "            c[row['Parameter']] += 1\n"
                           "for k, v in sorted(c.items()):\n"
                           "    print(k, v)\n";
  for (const char* id : {"132539", "132540", "132551", "132598", "132595"}) {
    const std::filesystem::path file = dir / (std::string(id) + ".txt");
    const std::filesystem::path out = scratch / (std::string(id) + ".out");
    const std::string command = "python3 '" + script.string() + "' '" +
                                file.string() + "' > '" + out.string() + "'";
    ASSERT_EQ(std::system(command.c_str()), 0) << command;
    std::map<std::string, int> python;
    std::istringstream lines(ReadText(out));
    std::string name;
    int count = 0;
    while (lines >> name >> count) python[name] = count;
    Result<Challenge2012Stay> stay = ReadChallenge2012(file);
    ASSERT_TRUE(stay.ok()) << stay.status().ToString();
    EXPECT_FALSE(python.empty());
    EXPECT_EQ(CountEvents(stay->recording.events), python) << id;
  }
}

TEST(Challenge2012RealData, DescriptorsCodesAndExactTimes) {
  JUMEAU_REQUIRE_TEST_DATA(file, "cohort/challenge2012_set-a/132539.txt");
  Challenge2012Options options;
  options.origin = *ParseIso8601("2019-03-02T08:00:00Z");
  Result<Challenge2012Stay> stay = ReadChallenge2012(file, options);
  ASSERT_TRUE(stay.ok()) << stay.status().ToString();
  // 00:00,RecordID,132539 / Age,54 / Gender,0 / Height,-1 / ICUType,4 /
  // Weight,-1.
  EXPECT_EQ(stay->record_id, "132539");
  EXPECT_EQ(stay->recording.source_patient_id, "132539");
  EXPECT_EQ(stay->recording.format, "Challenge2012");
  EXPECT_EQ(stay->recording.start, options.origin);
  EXPECT_EQ(stay->age_years, 54.0);
  EXPECT_EQ(stay->gender, 0);
  EXPECT_FALSE(stay->height_cm.has_value());
  EXPECT_EQ(stay->icu_type, 4);
  EXPECT_FALSE(stay->weight_kg.has_value());
  EXPECT_EQ(stay->missing_values, 2);
  const auto& events = stay->recording.events;
  ASSERT_GE(events.size(), 6u);
  // Age, Gender, ICUType at 00:00, then 00:07,GCS,15 and 00:07,HR,73.
  EXPECT_EQ(events[0].code, (Code{code_system::kLoinc, "30525-0", ""}));
  EXPECT_EQ(events[0].unit, "a");
  EXPECT_EQ(events[0].time, options.origin);
  EXPECT_EQ(events[1].code.code, "46098-0");
  EXPECT_EQ(events[1].text, "female");
  EXPECT_EQ(events[2].code, (Code{kChallenge2012System, "ICUType", ""}));
  EXPECT_EQ(events[2].text, "Surgical ICU");
  EXPECT_EQ(events[3].code.code, "9269-2");
  EXPECT_EQ(*events[3].value, 15.0);
  EXPECT_EQ(events[3].time, options.origin + Duration::Minutes(7));
  EXPECT_EQ(events[4].code, (Code{code_system::kLoinc, "8867-4", ""}));
  EXPECT_EQ(events[4].code.display, "Heart rate");
  EXPECT_EQ(events[4].unit, "/min");
  EXPECT_EQ(*events[4].value, 73.0);
  // 00:07,NIMAP,92.33 keeps its decimals.
  bool found_nimap = false;
  for (const Event& e : events) {
    if (e.code.code == "8478-0" &&
        e.time == options.origin + Duration::Minutes(7)) {
      EXPECT_EQ(*e.value, 92.33);
      EXPECT_EQ(e.unit, "mm[Hg]");
      found_nimap = true;
    }
  }
  EXPECT_TRUE(found_nimap);
  // The last row: 47:37,Urine,280.
  EXPECT_EQ(events.back().time,
            options.origin + Duration::Hours(47) + Duration::Minutes(37));
  EXPECT_EQ(events.back().code.code, "9187-6");
  EXPECT_EQ(*events.back().value, 280.0);
}

TEST(Challenge2012RealData,
     OutcomesFileIsRefusedByTheStayReaderAndReadByItsOwn) {
  JUMEAU_REQUIRE_TEST_DATA(file, "cohort/challenge2012_set-a/Outcomes-a.txt");
  Result<Challenge2012Stay> stay = ReadChallenge2012(file);
  ASSERT_FALSE(stay.ok());
  EXPECT_EQ(stay.status().code(), StatusCode::kDataLoss);
  EXPECT_THAT(stay.status().message(),
              HasSubstr("Outcomes-a.txt line 1: this is a Challenge 2012 "
                        "Outcomes file, not an ICU stay"));
  const std::string text = ReadText(file);
  EXPECT_TRUE(LooksLikeChallenge2012Outcomes(text));
  EXPECT_FALSE(LooksLikeChallenge2012(text));

  Result<std::vector<Challenge2012Outcome>> outcomes =
      ReadChallenge2012Outcomes(file);
  ASSERT_TRUE(outcomes.ok()) << outcomes.status().ToString();
  ASSERT_EQ(outcomes->size(), 4000u);
  // 132539,6,1,5,-1,0
  const Challenge2012Outcome& first = outcomes->front();
  EXPECT_EQ(first.record_id, "132539");
  EXPECT_EQ(first.saps_i, 6);
  EXPECT_EQ(first.sofa, 1);
  EXPECT_EQ(first.length_of_stay_days, 5);
  EXPECT_FALSE(first.survival_days.has_value());
  EXPECT_FALSE(first.in_hospital_death);
  EXPECT_EQ(first.line, 2);
  // Deaths counted independently: lines ending in ",1".
  int deaths_naive = 0;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.size() > 2 && line.substr(line.size() - 2) == ",1") ++deaths_naive;
  }
  int deaths = 0;
  for (const auto& o : *outcomes) deaths += o.in_hospital_death;
  EXPECT_EQ(deaths, deaths_naive);
  EXPECT_GT(deaths, 0);

  const Time origin = kChallenge2012DefaultOrigin;
  const std::vector<Event> events = Challenge2012OutcomeEvents(first, origin);
  ASSERT_EQ(events.size(), 4u);  // no Survival
  EXPECT_EQ(events[0].code, (Code{kChallenge2012System, "SAPS-I", ""}));
  EXPECT_EQ(events[2].code.code, "Length_of_stay");
  EXPECT_EQ(events[2].unit, "d");
  EXPECT_EQ(*events[2].end, origin + Duration::Days(5));
  EXPECT_EQ(events[3].code.code, "In-hospital_death");
  EXPECT_EQ(*events[3].value, 0.0);

  // And the stay file is refused by the outcomes reader.
  JUMEAU_REQUIRE_TEST_DATA(stay_file, "cohort/challenge2012_set-a/132539.txt");
  Result<std::vector<Challenge2012Outcome>> wrong =
      ReadChallenge2012Outcomes(stay_file);
  ASSERT_FALSE(wrong.ok());
  EXPECT_THAT(wrong.status().message(), HasSubstr("this is an ICU stay file"));
}

TEST(Challenge2012, TableHasValidLoincCheckDigitsAndUniqueNames) {
  // LOINC's mod-10 check digit (LOINC Users' Guide, "Calculating Mod 10
  // check digits"): a typo in a code is caught here.
  const auto check_digit = [](std::string_view digits) {
    std::string odd;
    std::string even;
    for (size_t i = 0; i < digits.size(); ++i) {
      const char c = digits[digits.size() - 1 - i];
      (i % 2 == 0 ? odd : even) += c;
    }
    const std::string doubled = std::to_string(std::stoll(odd) * 2);
    int sum = 0;
    for (const char c : even + doubled) sum += c - '0';
    return (10 - sum % 10) % 10;
  };
  std::set<std::string_view> names;
  std::set<std::string_view> codes;
  const auto table = Challenge2012Parameters();
  EXPECT_EQ(table.size(), 42u);
  for (const Challenge2012Parameter& p : table) {
    EXPECT_TRUE(names.insert(p.name).second) << p.name;
    if (p.name == "RecordID") continue;
    EXPECT_FALSE(p.unit.empty()) << p.name;
    EXPECT_FALSE(p.display.empty()) << p.name;
    EXPECT_TRUE(codes.insert(p.code).second) << p.code;
    if (p.system != code_system::kLoinc) {
      EXPECT_EQ(p.system, kChallenge2012System);
      continue;
    }
    const size_t dash = p.code.find('-');
    ASSERT_NE(dash, std::string_view::npos) << p.code;
    EXPECT_EQ(check_digit(p.code.substr(0, dash)), p.code[dash + 1] - '0')
        << p.name << " " << p.code;
  }
  EXPECT_EQ(FindChallenge2012Parameter("NISysABP")->code, "8480-6");
  EXPECT_EQ(FindChallenge2012Parameter("SysABP")->code, "76215-3");
  EXPECT_EQ(FindChallenge2012Parameter("hr"), nullptr);
}

TEST(Challenge2012, MalformedInputsNameFileAndLine) {
  struct Case {
    const char* text;
    const char* message;
  } cases[] = {
      {"", "s.txt: empty file"},
      {"Time,Param,Value\n", "s.txt line 1: header 'Time,Param,Value'"},
      {"Time,Parameter,Value\n00:00,RecordID\n",
       "s.txt line 2: 2 fields, expected 3"},
      {"Time,Parameter,Value\n00:00,RecordID,1\n0:7,HR,73\n",
       "s.txt line 3: column 'Time': '0:7' is not an elapsed time"},
      {"Time,Parameter,Value\n00:00,RecordID,1\n00:07,HR,7x3\n",
       "s.txt line 3: column 'Value': '7x3' is not a number"},
      {"Time,Parameter,Value\n00:00,RecordID,1\n00:07,HR,\"73\n",
       "s.txt line 3: quoted field never closes"},
  };
  for (const Case& c : cases) {
    Result<Challenge2012Stay> r = ReadChallenge2012FromMemory(c.text, "s.txt");
    ASSERT_FALSE(r.ok()) << c.text;
    EXPECT_EQ(r.status().code(), StatusCode::kDataLoss);
    EXPECT_THAT(r.status().message(), HasSubstr(c.message));
  }
  Challenge2012Options bad;
  bad.origin = Time{INT64_MAX};
  EXPECT_EQ(ReadChallenge2012FromMemory("Time,Parameter,Value\n", "s.txt", bad)
                .status()
                .code(),
            StatusCode::kInvalidArgument);
  EXPECT_THAT(ReadChallenge2012OutcomesFromMemory(
                  "RecordID,SAPS-I,SOFA,Length_of_stay,Survival,In-hospital_"
                  "death\n1,2,3,4,5,2\n",
                  "o.txt")
                  .status()
                  .message(),
              HasSubstr("o.txt line 2: column 'In-hospital_death': '2'"));
}

TEST(Challenge2012, OddButReadableInputsGiveWarnings) {
  Result<Challenge2012Stay> r = ReadChallenge2012FromMemory(
      "\xEF\xBB\xBFTime,Parameter,Value\r\n"
      "00:00,RecordID,7\r\n"
      "00:00,Gender,2\r\n"
      "00:00,Age,-1.0\r\n"
      "01:00,Lactose,3\r\n"
      "01:30,HR,\r\n"
      "100:00:30,HR,80\r\n",
      "dir/123.txt");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->record_id, "7");
  EXPECT_FALSE(r->gender.has_value());
  EXPECT_FALSE(r->age_years.has_value());
  EXPECT_EQ(r->missing_values, 2);
  ASSERT_EQ(r->recording.events.size(), 3u);
  EXPECT_EQ(r->recording.events[1].code,
            (Code{kChallenge2012System, "Lactose", ""}));
  EXPECT_EQ(r->recording.events[2].time, kChallenge2012DefaultOrigin +
                                             Duration::Hours(100) +
                                             Duration::Seconds(30));
  const auto& w = r->recording.warnings;
  EXPECT_THAT(w, ::testing::Contains(HasSubstr("Gender '2' is neither")));
  EXPECT_THAT(w, ::testing::Contains(HasSubstr("unknown parameter 'Lactose'")));
  EXPECT_THAT(w, ::testing::Contains(HasSubstr("line 6: empty value")));
  EXPECT_THAT(w, ::testing::Contains(HasSubstr("differs from the file name")));
}

TEST(Challenge2012, TruncationAtEveryByteNeverCrashes) {
  const std::string full =
      "Time,Parameter,Value\n00:00,RecordID,132539\n00:00,Age,54\n"
      "00:07,HR,73\n00:07,NIMAP,92.33\n47:37,Urine,280\n";
  for (size_t n = 0; n <= full.size(); ++n) {
    Result<Challenge2012Stay> r =
        ReadChallenge2012FromMemory(full.substr(0, n), "cut.txt");
    if (!r.ok()) {
      EXPECT_THAT(r.status().message(), HasSubstr("cut.txt"));
    }
  }
}

}  // namespace
}  // namespace jumeau::io

// Tests of the long-format cohort CSV reader (cohort_csv.h).
#include "jumeau/io/cohort_csv.h"

#include <gtest/gtest.h>

#include <cmath>

#include "jumeau/testing/test_data.h"

namespace jumeau::io {
namespace {

TEST(CohortCsvTest, ParsesGroupsAndMissingValues) {
  auto t = ParseCohortCsv(
      "ID,TIME,a,b\nP1,60,0.1,0.2\nP1,61.5,,0.3\nP2,70,0.5,NA\n", "c.csv");
  ASSERT_TRUE(t.ok()) << t.status().message();
  ASSERT_EQ(t->features, (std::vector<std::string>{"a", "b"}));
  ASSERT_EQ(t->subject_ids, (std::vector<std::string>{"P1", "P2"}));
  EXPECT_EQ(t->offsets, (std::vector<int>{0, 2, 3}));
  EXPECT_EQ(t->times[1], 61.5);
  EXPECT_TRUE(std::isnan(t->values[2]));
  EXPECT_TRUE(std::isnan(t->values[5]));
  EXPECT_EQ(t->lines[2], 4);
}

void ExpectError(const char* text, const char* what) {
  auto t = ParseCohortCsv(text, "c.csv");
  ASSERT_FALSE(t.ok()) << text;
  EXPECT_NE(t.status().message().find(what), std::string::npos)
      << t.status().message();
}

TEST(CohortCsvTest, ErrorsNameFileAndLine) {
  ExpectError("", "c.csv: empty file");
  ExpectError("SUBJ,TIME,a\n", "c.csv line 1: header");
  ExpectError("ID,TIME,a,a\nP1,1,2,3\n", "duplicated feature");
  ExpectError("ID,TIME,a\nP1,60,0.1\nP1,59,0.2\n",
              "c.csv line 3: subject 'P1' visit at TIME 59 is before the visit "
              "on line 2");
  ExpectError("ID,TIME,a\nP1,60,0.1\nP1,60,0.2\n",
              "line 3: subject 'P1' visit at TIME 60 duplicates");
  ExpectError("ID,TIME,a\nP1,60,0.1\nP2,60,0.2\nP1,61,0.3\n",
              "line 4: rows of subject 'P1' are not contiguous");
  ExpectError("ID,TIME,a\nP1,60,abc\n",
              "line 2: column 'a': 'abc' is not a finite number");
  ExpectError("ID,TIME,a\nP1,inf,0.2\n", "line 2: TIME 'inf'");
  ExpectError("ID,TIME,a\nP1,60\n", "line 2: expected 3 fields, found 2");
  ExpectError("ID,TIME,a\nP1,60,\nP1,61,NA\n",
              "line 2: subject 'P1' has no measured value");
  ExpectError("ID,TIME,a\n", "no data row");
}

TEST(CohortCsvTest, ReadsLeaspyAlzheimer) {
  JUMEAU_REQUIRE_TEST_DATA(path, "cohort/leaspy_alzheimer.csv");
  auto t = ReadCohortCsv(path);
  ASSERT_TRUE(t.ok()) << t.status().message();
  EXPECT_EQ(t->features.size(), 7u);
  EXPECT_EQ(t->subject_ids.size(), 200u);
  EXPECT_EQ(t->times.size(), 1975u);
}

}  // namespace
}  // namespace jumeau::io

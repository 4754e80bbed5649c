// Tests of the shared CSV tokenizer and exact parsers: RFC 4180 quoting,
// line counting across quoted line breaks, comments, BOM, delimiter
// detection, decimals, elapsed clocks and ISO 8601 timestamps.
#include "jumeau/io/internal/csv.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>


namespace jumeau::io::internal {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::vector<std::vector<std::string>> ReadAllRecords(std::string_view text,
                                                     char delimiter = ',',
                                                     char comment = '#') {
  CsvTokenizer tokenizer(text, "t.csv", delimiter, comment);
  std::vector<std::vector<std::string>> out;
  std::vector<std::string_view> fields;
  while (true) {
    Result<bool> more = tokenizer.Next(&fields);
    EXPECT_TRUE(more.ok()) << more.status().ToString();
    if (!more.ok() || !*more) break;
    out.emplace_back(fields.begin(), fields.end());
  }
  return out;
}

TEST(CsvTokenizer, PlainQuotedAndEscaped) {
  const auto records = ReadAllRecords(
      "a,b,c\n1,\"x,y\",\"say \"\"hi\"\"\"\n\"multi\nline\",,\"\"\n");
  ASSERT_EQ(records.size(), 3u);
  EXPECT_THAT(records[0], ElementsAre("a", "b", "c"));
  EXPECT_THAT(records[1], ElementsAre("1", "x,y", "say \"hi\""));
  EXPECT_THAT(records[2], ElementsAre("multi\nline", "", ""));
}

TEST(CsvTokenizer, LineNumbersCountQuotedBreaksCommentsAndBlankLines) {
  CsvTokenizer tokenizer("# comment\r\n\r\nh1,h2\r\n\"a\r\nb\",1\r\n\n2,3",
                         "t.csv", ',', '#');
  std::vector<std::string_view> fields;
  ASSERT_TRUE(*tokenizer.Next(&fields));
  EXPECT_EQ(tokenizer.line(), 3);
  ASSERT_TRUE(*tokenizer.Next(&fields));
  EXPECT_EQ(tokenizer.line(), 4);
  EXPECT_THAT(fields, ElementsAre("a\r\nb", "1"));
  ASSERT_TRUE(*tokenizer.Next(&fields));
  EXPECT_EQ(tokenizer.line(), 7);
  EXPECT_THAT(fields, ElementsAre("2", "3"));
  EXPECT_FALSE(*tokenizer.Next(&fields));
}

TEST(CsvTokenizer, BomLoneCrTrimAndTrailingDelimiter) {
  const auto records = ReadAllRecords("\xEF\xBB\xBFx, y \ry,\"z\" ,");
  ASSERT_EQ(records.size(), 2u);
  EXPECT_THAT(records[0], ElementsAre("x", "y"));
  EXPECT_THAT(records[1], ElementsAre("y", "z", ""));
}

TEST(CsvTokenizer, TabDelimiterKeepsNoTabTrim) {
  const auto records = ReadAllRecords("a\tb\n1\t\t2\n", '\t');
  ASSERT_EQ(records.size(), 2u);
  EXPECT_THAT(records[1], ElementsAre("1", "", "2"));
}

TEST(CsvTokenizer, CommentOnlyAtRecordStart) {
  const auto records = ReadAllRecords("a,#b\n#c\n\"#d\",e\n");
  ASSERT_EQ(records.size(), 2u);
  EXPECT_THAT(records[0], ElementsAre("a", "#b"));
  EXPECT_THAT(records[1], ElementsAre("#d", "e"));
}

TEST(CsvTokenizer, UnclosedQuoteNamesTheOpeningLine) {
  CsvTokenizer tokenizer("a,b\n1,\"open\n\n", "f.csv", ',', 0);
  std::vector<std::string_view> fields;
  ASSERT_TRUE(*tokenizer.Next(&fields));
  Result<bool> r = tokenizer.Next(&fields);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kDataLoss);
  EXPECT_THAT(r.status().message(), HasSubstr("f.csv line 2: quoted field"));
}

TEST(CsvTokenizer, TextAfterClosingQuoteIsAnError) {
  CsvTokenizer tokenizer("\"a\"b,c\n", "f.csv", ',', 0);
  std::vector<std::string_view> fields;
  Result<bool> r = tokenizer.Next(&fields);
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.status().message(), HasSubstr("f.csv line 1: unexpected 'b'"));
}

TEST(DetectDelimiter, MostFrequentOutsideQuotes) {
  EXPECT_EQ(DetectDelimiter("a,b,c"), ',');
  EXPECT_EQ(DetectDelimiter("a;b;c"), ';');
  EXPECT_EQ(DetectDelimiter("a\tb,c\td"), '\t');
  EXPECT_EQ(DetectDelimiter("\"a;b;c\",d"), ',');
  EXPECT_EQ(DetectDelimiter("a|b"), '|');
  EXPECT_EQ(DetectDelimiter("abc"), 0);
  EXPECT_EQ(FirstContentLine("\xEF\xBB\xBF# x\n\n  \nh;i\n", '#'), "  ");
  EXPECT_EQ(FirstContentLine("# x\r\nh;i\r\n", '#'), "h;i");
}

TEST(ParseDecimal, ExactForms) {
  Decimal d;
  ASSERT_TRUE(ParseDecimal("36.6", '.', &d));
  EXPECT_EQ(d.mantissa, 366);
  EXPECT_EQ(d.decimals, 1);
  ASSERT_TRUE(ParseDecimal("-0.050", '.', &d));
  EXPECT_EQ(d.mantissa, -50);
  EXPECT_EQ(d.decimals, 3);
  ASSERT_TRUE(ParseDecimal("+12", '.', &d));
  EXPECT_EQ(d.mantissa, 12);
  EXPECT_EQ(d.decimals, 0);
  ASSERT_TRUE(ParseDecimal("1.5e2", '.', &d));
  EXPECT_EQ(d.mantissa, 150);
  EXPECT_EQ(d.decimals, 0);
  ASSERT_TRUE(ParseDecimal("25E-3", '.', &d));
  EXPECT_EQ(d.mantissa, 25);
  EXPECT_EQ(d.decimals, 3);
  ASSERT_TRUE(ParseDecimal(".5", '.', &d));
  EXPECT_EQ(d.mantissa, 5);
  ASSERT_TRUE(ParseDecimal("3,25", ',', &d));
  EXPECT_EQ(d.mantissa, 325);
  EXPECT_EQ(d.decimals, 2);
  ASSERT_TRUE(ParseDecimal("0e-99", '.', &d) == false);  // exponent too large
  ASSERT_TRUE(ParseDecimal("0.000", '.', &d));
  EXPECT_EQ(d.mantissa, 0);
  EXPECT_EQ(d.decimals, 3);
  for (const char* bad : {"", "abc", "1.2.3", "inf", "nan", "0x10", "1e", "-",
                          ".", "1 2", "3,25", "1234567890123456789"}) {
    EXPECT_FALSE(ParseDecimal(bad, '.', &d)) << bad;
  }
  EXPECT_DOUBLE_EQ(DecimalToDouble(Decimal{366, 1}), 36.6);
  EXPECT_EQ(DecimalToDouble(Decimal{-5, 0}), -5.0);
  EXPECT_EQ(DecimalToDouble(Decimal{123456789012345678, 3}),
            123456789012345.678);
}

TEST(ParseElapsedClock, HoursMinutesSecondsFraction) {
  Duration d;
  ASSERT_TRUE(ParseElapsedClock("00:00", &d));
  EXPECT_EQ(d.ns, 0);
  ASSERT_TRUE(ParseElapsedClock("47:59", &d));
  EXPECT_EQ(d, Duration::Minutes(47 * 60 + 59));
  ASSERT_TRUE(ParseElapsedClock("1:02:03.5", &d));
  EXPECT_EQ(d, Duration::Seconds(3723) + Duration::Milliseconds(500));
  ASSERT_TRUE(ParseElapsedClock("-0:30", &d));
  EXPECT_EQ(d, -Duration::Minutes(30));
  for (const char* bad : {"", ":30", "1:3", "1:60", "1:00:60", "1:00:00.",
                          "a:00", "1:00x", "99999999:00"}) {
    EXPECT_FALSE(ParseElapsedClock(bad, &d)) << bad;
  }
}

TEST(ParseIsoTimestamp, ZonesDefaultsAndRange) {
  Time t;
  bool missing = false;
  ASSERT_TRUE(
      ParseIsoTimestamp("2019-03-02T09:00:00+01:00", false, {}, &t, &missing));
  EXPECT_EQ(t, *ParseIso8601("2019-03-02T08:00:00Z"));
  ASSERT_TRUE(
      ParseIsoTimestamp("2019-03-02 08:00:00.25Z", false, {}, &t, &missing));
  EXPECT_EQ(t, *ParseIso8601("2019-03-02T08:00:00.25Z"));
  ASSERT_TRUE(
      ParseIsoTimestamp("2019-03-02T03:00-0500", false, {}, &t, &missing));
  EXPECT_EQ(t, *ParseIso8601("2019-03-02T08:00:00Z"));
  ASSERT_TRUE(
      ParseIsoTimestamp("2019-03-02T10:00+02", false, {}, &t, &missing));
  EXPECT_EQ(t, *ParseIso8601("2019-03-02T08:00:00Z"));
  EXPECT_FALSE(ParseIsoTimestamp("2019-03-02T09:00", false, {}, &t, &missing));
  EXPECT_TRUE(missing);
  ASSERT_TRUE(ParseIsoTimestamp("2019-03-02T09:00", true, Duration::Hours(1),
                                &t, &missing));
  EXPECT_EQ(t, *ParseIso8601("2019-03-02T08:00:00Z"));
  ASSERT_TRUE(ParseIsoTimestamp("2019-03-02", true, Duration{}, &t, &missing));
  EXPECT_EQ(t, *ParseIso8601("2019-03-02T00:00:00Z"));
  for (const char* bad :
       {"9999-01-01T00:00Z", "1700-01-01T00:00Z", "2019-02-29T00:00Z",
        "2019-03-02T24:00Z", "2019-03-02T08:00:60Z", "2019-03-02T08:00+1:00",
        "2019-03-02T08:00+19:00", "2019-03-02X08:00Z",
        "2019-03-02T08:00:00.1234567891Z", "2019-3-2"}) {
    EXPECT_FALSE(ParseIsoTimestamp(bad, true, Duration{}, &t, &missing)) << bad;
  }
}

TEST(DecimalToNanos, ExactOrRefused) {
  int64_t ns = 0;
  ASSERT_TRUE(DecimalToNanos(Decimal{15515136005, 1}, 1000000000, &ns));
  EXPECT_EQ(ns, 1551513600500000000);
  ASSERT_TRUE(DecimalToNanos(Decimal{1551513600500, 0}, 1000000, &ns));
  EXPECT_EQ(ns, 1551513600500000000);
  EXPECT_FALSE(DecimalToNanos(Decimal{1, 10}, 1000000000, &ns));  // 0.1 ns
  EXPECT_FALSE(DecimalToNanos(Decimal{9000000000000, 0}, 1000000000, &ns));
}

}  // namespace
}  // namespace jumeau::io::internal

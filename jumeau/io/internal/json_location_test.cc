// Tests for the JSON location scanner (internal/json_location.h): positions,
// pointers, the syntax errors it names, and a differential check against
// simdjson (the parser it explains) on mutated documents: both must agree on
// whether a text is valid JSON.
#include "jumeau/io/internal/json_location.h"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <random>
#include <string>
#include <vector>

namespace jumeau::io::internal {
namespace {

TEST(JsonLocationTest, PositionOfOffset) {
  const std::string text = "{\n  \"a\": \"\xC3\xA9t\xC3\xA9\",\n  \"b\": 1\n}";
  EXPECT_EQ(PositionOfOffset(text, 0).line, 1);
  EXPECT_EQ(PositionOfOffset(text, 0).column, 1);
  // The 'b' key's quote: line 3, column 3.
  const size_t b = text.find("\"b\"");
  EXPECT_EQ(PositionOfOffset(text, b).line, 3);
  EXPECT_EQ(PositionOfOffset(text, b).column, 3);
  // Columns count characters: the closing quote after "été" on line 2.
  const size_t close = text.find("\",");
  EXPECT_EQ(PositionOfOffset(text, close).line, 2);
  EXPECT_EQ(PositionOfOffset(text, close).column, 12);
  // Past the end.
  EXPECT_EQ(PositionOfOffset(text, text.size()).line, 4);
  EXPECT_EQ(PositionOfOffset(text, text.size() + 5).column, 2);
}

TEST(JsonLocationTest, FormatJsonPointer) {
  const std::vector<JsonPointerSegment> segments = {
      {"entry", -1}, {{}, 3}, {"a/b~c", -1}};
  EXPECT_EQ(FormatJsonPointer(segments), "/entry/3/a~1b~0c");
  EXPECT_EQ(FormatJsonPointer({}), "");
}

TEST(JsonLocationTest, FindJsonPointer) {
  const std::string text =
      R"({"entry": [ {"x": 1}, {"resource": {"valueQuantity": {"value": "abc"}}} ],)"
      "\n"
      R"( "k\u00e9y": [true, null, 2.5e3], "a/b": {} })";
  const std::vector<JsonPointerSegment> value = {{"entry", -1},
                                                 {{}, 1},
                                                 {"resource", -1},
                                                 {"valueQuantity", -1},
                                                 {"value", -1}};
  const auto offset = FindJsonPointer(text, value);
  ASSERT_TRUE(offset.has_value());
  EXPECT_EQ(*offset, text.find("\"abc\""));
  // Keys are compared unescaped.
  const std::vector<JsonPointerSegment> escaped = {{"k\xC3\xA9y", -1}, {{}, 2}};
  EXPECT_EQ(FindJsonPointer(text, escaped), text.find("2.5e3"));
  const std::vector<JsonPointerSegment> slash = {{"a/b", -1}};
  EXPECT_EQ(FindJsonPointer(text, slash), text.find("{}"));
  EXPECT_EQ(FindJsonPointer(text, {}), 0u);
  const std::vector<JsonPointerSegment> missing = {{"entry", -1}, {{}, 2}};
  EXPECT_FALSE(FindJsonPointer(text, missing).has_value());
  // Truncated before the value: not found.
  EXPECT_FALSE(FindJsonPointer(text.substr(0, 30), value).has_value());
}

struct SyntaxCase {
  std::string text;
  size_t offset;
  std::string pointer;
  std::string reason_part;
};

TEST(JsonLocationTest, SyntaxErrors) {
  const std::vector<SyntaxCase> cases = {
      {"", 0, "", "unexpected end of input"},
      {"   ", 3, "", "unexpected end of input"},
      {R"({"a": [1, 2)", 11, "/a/1", "unexpected end of input"},
      {R"({"a": {"b": tru}})", 12, "/a/b", "true, false or null"},
      {R"({"a": 1 "b": 2})", 8, "/a", "expected ',' or '}'"},
      {R"([1, 2 3])", 6, "/1", "expected ',' or ']'"},
      {R"({"a" 1})", 5, "", "expected ':'"},
      {R"({1: 2})", 1, "", "string key"},
      {R"({"a": 01})", 6, "/a", "malformed number"},
      {R"({"a": 1.})", 6, "/a", "malformed number"},
      {R"({"a": -})", 6, "/a", "malformed number"},
      {R"({"a": 18446744073709551616})", 6, "/a", "64 bits"},
      {R"({"a": -9223372036854775809})", 6, "/a", "64 bits"},
      {R"({"a": 1e999})", 6, "/a", "range of a double"},
      {"{\"a\": \"x\ty\"}", 8, "/a", "control character"},
      {R"({"a": "\x"})", 7, "/a", "invalid escape"},
      {R"({"a": "\u12G4"})", 7, "/a", "\\u escape"},
      {R"({"a": "\ud800x"})", 13, "/a", "surrogate"},
      {R"({"a": "\udc00"})", 7, "/a", "surrogate"},
      {"{\"a\": \"\xC3\x28\"}", 7, "/a", "UTF-8"},
      {"{\"a\": \"\xE0\x80\x80\"}", 7, "/a", "UTF-8"},
      {"{\"a\": \"\xED\xA0\x80\"}", 7, "/a", "UTF-8"},
      {"{\"a\": \"\xF4\x90\x80\x80\"}", 7, "/a", "UTF-8"},
      {R"({"a": 1} x)", 9, "", "after the value"},
      {R"({"a": 1},)", 8, "", "after the value"},
      {R"({"a": 1,})", 8, "", "string key"},
      {R"([1,])", 3, "/1", "expected a value"},
      {R"({"a": 'x'})", 6, "/a", "expected a value"},
      {"\xEF\xBB\xBF{}", 0, "", "expected a value"},
  };
  for (const SyntaxCase& c : cases) {
    SCOPED_TRACE(c.text);
    const auto e = FindJsonSyntaxError(c.text);
    ASSERT_TRUE(e.has_value());
    EXPECT_EQ(e->offset, c.offset);
    EXPECT_EQ(e->pointer, c.pointer);
    EXPECT_NE(e->reason.find(c.reason_part), std::string::npos) << e->reason;
  }
}

TEST(JsonLocationTest, ValidTexts) {
  for (const std::string text :
       {R"({})", R"([])", R"( {"a": [1, -0, 0.5, 1E+2, true, false, null]} )",
        R"("\ud83d\ude00 \u00e9 \" \\ \/ \b \f \n \r \t")",
        "\"\xF0\x9F\x98\x80\xE2\x82\xAC\"", R"(18446744073709551615)",
        R"(-9223372036854775808)", R"(1e-400)"}) {
    SCOPED_TRACE(text);
    EXPECT_FALSE(FindJsonSyntaxError(text).has_value());
  }
}

TEST(JsonLocationTest, DeepNesting) {
  const std::string ok =
      std::string(kJsonMaxDepth, '[') + std::string(kJsonMaxDepth, ']');
  EXPECT_FALSE(FindJsonSyntaxError(ok).has_value());
  const std::string deep =
      std::string(kJsonMaxDepth + 1, '[') + std::string(kJsonMaxDepth + 1, ']');
  const auto e = FindJsonSyntaxError(deep);
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->offset, static_cast<size_t>(kJsonMaxDepth));
  // Far deeper than any stack would allow if the scanner recursed.
  const std::string huge(1 << 20, '[');
  EXPECT_TRUE(FindJsonSyntaxError(huge).has_value());
}

// simdjson and the scanner agree on validity (the reader relies on the
// scanner to explain every simdjson rejection).
TEST(JsonLocationTest, AgreesWithSimdjsonOnMutations) {
  const std::string seed =
      R"({"resourceType": "Observation", "id": "x1", "valueQuantity": )"
      R"({"value": 185.5, "unit": "lbs", "code": "[lb_av]"}, "component": )"
      R"([{"code": {"coding": [{"system": "http://loinc.org", "code": )"
      R"("8480-6"}]}, "valueInteger": -12}], "flag": true, "n": null, )"
      R"("t": "\u00e9\n\u00ff", "e": 1e10, "z": "caf\xC3\xA9"})";
  const std::string alphabet = "{}[],:\"\\ 0123456789.eE+-truefalsnl\x80\xC3";
  std::mt19937 rng(20240611);
  simdjson::dom::parser parser;
  int disagreements = 0;
  int invalid = 0;
  for (int round = 0; round < 4000; ++round) {
    std::string text = seed;
    const int edits = 1 + static_cast<int>(rng() % 3);
    for (int k = 0; k < edits; ++k) {
      const size_t pos = rng() % text.size();
      switch (rng() % 3) {
        case 0:
          text[pos] = alphabet[rng() % alphabet.size()];
          break;
        case 1:
          text.erase(pos, 1);
          break;
        default:
          text.insert(pos, 1, alphabet[rng() % alphabet.size()]);
      }
    }
    if (rng() % 4 == 0) text.resize(rng() % text.size());
    simdjson::dom::element root;
    const bool simdjson_ok =
        parser.parse(text.data(), text.size(), true).get(root) ==
        simdjson::SUCCESS;
    const bool scanner_ok = !FindJsonSyntaxError(text).has_value();
    if (!simdjson_ok) ++invalid;
    if (simdjson_ok != scanner_ok) {
      ++disagreements;
      ADD_FAILURE() << "simdjson " << (simdjson_ok ? "accepts" : "rejects")
                    << " but the scanner does not: " << text;
      if (disagreements > 5) break;
    }
  }
  EXPECT_GT(invalid, 1000);  // the mutations do produce broken texts
}

}  // namespace
}  // namespace jumeau::io::internal

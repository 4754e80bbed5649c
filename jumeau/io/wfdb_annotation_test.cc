// Tests of the MIT annotation reader and writer: real PhysioNet files checked
// against counts computed by a tiny independent decoder and published
// counts, hand-built files for every pseudo-annotation, round trips, and
// truncation at every byte.
#include "jumeau/io/wfdb_annotation.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <map>

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

// Counts annotation type codes the simplest way: every word whose code is
// below 59, skipping SKIP intervals and AUX bytes.
std::map<int, int> CountCodes(const std::string& b) {
  std::map<int, int> counts;
  size_t i = 0;
  while (i + 1 < b.size()) {
    const int w = static_cast<unsigned char>(b[i]) |
                  (static_cast<unsigned char>(b[i + 1]) << 8);
    i += 2;
    if (w == 0) break;
    const int code = w >> 10;
    if (code == 59)
      i += 4;
    else if (code == 63)
      i += ((w & 0xFF) + 1) & ~1;
    else if (code < 59)
      ++counts[code];
  }
  return counts;
}

std::map<std::string, int> CountMnemonics(const std::vector<Event>& events) {
  std::map<std::string, int> counts;
  for (const Event& e : events) ++counts[e.code.code];
  return counts;
}

TEST(WfdbAnnotationRealData, Record100) {
  JUMEAU_REQUIRE_TEST_DATA(path, "wfdb/mitdb/100.atr");
  const Time start = Time{1000};
  Result<std::vector<Event>> events =
      ReadWfdbAnnotations(path, SampleRate(360, 1), start, {"MLII", "V5"});
  ASSERT_TRUE(events.ok()) << events.status().ToString();
  ASSERT_EQ(events->size(), 2274u);
  // Published counts for record 100: 2239 N, 33 A, 1 V, and one rhythm "+".
  const auto counts = CountMnemonics(*events);
  EXPECT_EQ(counts.at("N"), 2239);
  EXPECT_EQ(counts.at("A"), 33);
  EXPECT_EQ(counts.at("V"), 1);
  EXPECT_EQ(counts.at("+"), 1);
  EXPECT_EQ(counts.size(), 4u);
  // And the independent decoder agrees code by code.
  const auto raw = CountCodes(ReadBytes(path));
  EXPECT_EQ(raw.at(1), 2239);
  EXPECT_EQ(raw.at(8), 33);
  EXPECT_EQ(raw.at(5), 1);
  EXPECT_EQ(raw.at(28), 1);
  const Event& first = events->front();
  EXPECT_EQ(first.code.system, code_system::kWfdbAnnotation);
  EXPECT_EQ(first.code.code, "+");
  EXPECT_EQ(first.code.display, "Rhythm change");
  EXPECT_EQ(first.text, "(N");
  EXPECT_EQ(first.time, start + SampleRate(360, 1).OffsetOfSample(18));
  EXPECT_EQ(first.channel, "MLII");
  const Event& second = (*events)[1];
  EXPECT_EQ(second.code.code, "N");
  EXPECT_EQ(second.code.display, "Normal beat");
  EXPECT_EQ(second.time, start + SampleRate(360, 1).OffsetOfSample(77));
  EXPECT_TRUE(second.text.empty());
  for (size_t i = 1; i < events->size(); ++i) {
    ASSERT_LE((*events)[i - 1].time, (*events)[i].time);
  }
}

TEST(WfdbAnnotationRealData, AllMitBihFilesMatchTheIndependentCount) {
  JUMEAU_REQUIRE_TEST_DATA(dir, "wfdb/mitdb");
  for (const char* name :
       {"100", "101", "102", "103", "104", "105", "106", "107", "108", "109",
        "111", "112", "113", "114", "115", "116", "117", "118", "119"}) {
    SCOPED_TRACE(name);
    const auto path = dir / (std::string(name) + ".atr");
    Result<std::vector<Event>> events =
        ReadWfdbAnnotations(path, SampleRate(360, 1), Time{0});
    ASSERT_TRUE(events.ok()) << events.status().ToString();
    int total = 0;
    for (const auto& [code, n] : CountCodes(ReadBytes(path))) total += n;
    EXPECT_EQ(static_cast<int>(events->size()), total);
  }
}

TEST(WfdbAnnotationRealData, DetectorOutputsWithTimeResolution) {
  JUMEAU_REQUIRE_TEST_DATA(dir, "wfdb/other/03700181.gqrsh");
  const SampleRate frame(125, 1);
  const std::string bytes = ReadBytes(dir);
  Result<WfdbAnnotationFile> gqrsh =
      ParseWfdbAnnotations(bytes, "03700181.gqrsh", frame, Time{0});
  ASSERT_TRUE(gqrsh.ok()) << gqrsh.status().ToString();
  ASSERT_TRUE(gqrsh->time_resolution.has_value());
  EXPECT_EQ(*gqrsh->time_resolution, SampleRate(500, 1));
  // "gqrs -H" writes a comment NOTE at time 0 ("gqrs -H -r ..."), kept.
  EXPECT_EQ(gqrsh->events.front().code.code, "\"");
  EXPECT_THAT(gqrsh->events.front().text, HasSubstr("gqrs -H"));
  const auto counts = CountMnemonics(gqrsh->events);
  EXPECT_EQ(counts.at("N"), 1150);
  // Times are at 500 ticks/s, inside the 10-minute record.
  for (const Event& e : gqrsh->events) {
    EXPECT_GE(e.time, Time{0});
    EXPECT_LT(e.time, Time{0} + Duration::Seconds(600));
  }
  Result<std::vector<Event>> sqrs =
      ReadWfdbAnnotations(dir.parent_path() / "03700181.sqrs", frame, Time{0});
  ASSERT_TRUE(sqrs.ok()) << sqrs.status().ToString();
  EXPECT_EQ(CountMnemonics(*sqrs).at("N"), 1195);
  EXPECT_LT(sqrs->back().time, Time{0} + Duration::Seconds(600));
  Result<std::vector<Event>> gqrsl =
      ReadWfdbAnnotations(dir.parent_path() / "03700181.gqrsl", frame, Time{0});
  ASSERT_TRUE(gqrsl.ok()) << gqrsl.status().ToString();
  EXPECT_GT(gqrsl->size(), 1000u);
}

TEST(WfdbAnnotationRealData, Wabp2ChannelAndCount) {
  JUMEAU_REQUIRE_TEST_DATA(path, "wfdb/other/v131l.wabp2");
  Result<std::vector<Event>> events = ReadWfdbAnnotations(
      path, SampleRate(250, 1), Time{0}, {"II", "V", "ABP", "RESP"});
  ASSERT_TRUE(events.ok()) << events.status().ToString();
  EXPECT_EQ(events->size(), 392u);
  // The first annotation is followed by CHN 2: the ABP signal.
  EXPECT_EQ(events->front().channel, "ABP");
  EXPECT_EQ(events->back().channel, "ABP");
  EXPECT_LT(events->back().time, Time{0} + Duration::Seconds(330));
}

TEST(WfdbAnnotationRealData, EdfEventFileWithAuxStrings) {
  JUMEAU_REQUIRE_TEST_DATA(path, "edf/S001R03.edf.event");
  Result<WfdbAnnotationFile> f = ParseWfdbAnnotations(
      ReadBytes(path), "S001R03.edf.event", SampleRate(160, 1), Time{0});
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  EXPECT_EQ(*f->time_resolution, SampleRate(160, 1));
  ASSERT_FALSE(f->events.empty());
  std::map<std::string, int> by_text;
  for (const Event& e : f->events) {
    EXPECT_EQ(e.code.code, "\"");
    by_text[e.text.substr(0, 2)]++;
  }
  EXPECT_EQ(f->events.front().text, "T0 duration: 4.2");
  EXPECT_EQ(f->events.front().time, Time{0});
  EXPECT_EQ(by_text.size(), 3u);
  EXPECT_GT(by_text["T0"], 0);
  EXPECT_GT(by_text["T1"], 0);
  EXPECT_GT(by_text["T2"], 0);
  EXPECT_EQ(f->events[1].time,
            Time{0} + Duration::Milliseconds(4200));  // 672 / 160 s
}

// ---- hand-built files ----

std::string Words(std::initializer_list<uint32_t> words) {
  std::string s;
  for (uint32_t w : words) {
    s += static_cast<char>(w & 0xFF);
    s += static_cast<char>(w >> 8);
  }
  return s;
}

constexpr uint32_t Ann(int code, int interval) {
  return (static_cast<uint32_t>(code) << 10) | interval;
}

TEST(WfdbAnnotation, PseudoAnnotations) {
  std::string b;
  b += Words({Ann(1, 10)});                             // N at 10
  b += Words({Ann(61, 3), Ann(62, 1), Ann(60, 1023)});  // SUB 3, CHN 1, NUM -1
  b += Words({Ann(63, 3)}) + std::string("abc\0", 4);   // AUX "abc" + pad
  b += Words({Ann(59, 0), 0x0001, 0x0000});             // SKIP 65536
  b += Words({Ann(5, 4)});  // V at 10 + 65536 + 4, chan/num persist
  b += Words({Ann(59, 0), 0xFFFF, 0xFFF0});     // SKIP -16
  b += Words({Ann(28, 0), Ann(63, 2)}) + "(N";  // + with aux, even length
  b += Words({Ann(55, 1)});                     // undefined code
  b += Words({0});
  Result<WfdbAnnotationFile> f =
      ParseWfdbAnnotations(b, "t.atr", SampleRate(100, 1), Time{0}, {"a", "b"});
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  ASSERT_EQ(f->events.size(), 4u);
  const auto& e = f->events;
  EXPECT_EQ(e[0].code.code, "N");
  EXPECT_EQ(e[0].time, Time{0} + Duration::Milliseconds(100));
  EXPECT_EQ(e[0].subtype, 3);
  EXPECT_EQ(e[0].channel, "b");
  EXPECT_EQ(e[0].number, -1);
  EXPECT_EQ(e[0].text, "abc");
  EXPECT_EQ(e[1].code.code, "V");
  EXPECT_EQ(e[1].time, Time{0} + Duration::Milliseconds(655500));
  EXPECT_EQ(e[1].subtype, 0);    // SUB does not persist
  EXPECT_EQ(e[1].channel, "b");  // CHN and NUM do
  EXPECT_EQ(e[1].number, -1);
  EXPECT_EQ(e[1].text, "");
  EXPECT_EQ(e[2].code.code, "+");
  EXPECT_EQ(e[2].time, Time{0} + Duration::Milliseconds(655340));
  EXPECT_EQ(e[2].text, "(N");
  EXPECT_EQ(e[3].code.code, "[55]");
  EXPECT_EQ(e[3].code.display, "");
  EXPECT_THAT(f->warnings,
              ElementsAre(HasSubstr("type code WFDB does not define")));
}

TEST(WfdbAnnotation, DefinitionTableAndTimeResolution) {
  std::string b;
  auto note0 = [&](const std::string& aux) {
    b += Words({Ann(22, 0), Ann(63, static_cast<int>(aux.size()))}) + aux;
    if (aux.size() & 1) b += '\0';
  };
  note0("## time resolution: 1000");
  note0("## annotation type definitions");
  note0("42 W Wiggle wave");
  note0("## end of definitions");
  b += Words(
      {Ann(59, 0), 0xFFFF, 0xFFFF, 0x0001});  // null annotation ends the table
  b += Words({Ann(22, 0), Ann(63, 4)}) + "note";  // an ordinary comment at 0
  b += Words({Ann(42, 500), 0});
  Result<WfdbAnnotationFile> f =
      ParseWfdbAnnotations(b, "t.ann", SampleRate(250, 1), Time{0});
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  EXPECT_EQ(*f->time_resolution, SampleRate(1000, 1));
  ASSERT_EQ(f->events.size(), 2u);
  EXPECT_EQ(f->events[0].text, "note");
  EXPECT_EQ(f->events[0].time, Time{0});
  EXPECT_EQ(f->events[1].code.code, "W");
  EXPECT_EQ(f->events[1].code.display, "Wiggle wave");
  EXPECT_EQ(f->events[1].time, Time{0} + Duration::Milliseconds(500));
  EXPECT_TRUE(f->warnings.empty());
}

TEST(WfdbAnnotation, TruncationAtEveryByteIsDataLoss) {
  std::string b = Words({Ann(1, 10), Ann(63, 3)}) + std::string("abc\0", 4) +
                  Words({Ann(59, 0), 0x0001, 0x0000, Ann(5, 4), 0});
  ASSERT_TRUE(
      ParseWfdbAnnotations(b, "t.atr", SampleRate(360, 1), Time{0}).ok());
  for (size_t n = 0; n < b.size(); ++n) {
    // Cutting the pad byte of the odd aux string leaves a parseable prefix
    // only if the rest is there; every strict prefix lacks the end word.
    Result<WfdbAnnotationFile> f = ParseWfdbAnnotations(
        std::string_view(b).substr(0, n), "t.atr", SampleRate(360, 1), Time{0});
    ASSERT_FALSE(f.ok()) << n;
    EXPECT_EQ(f.status().code(), StatusCode::kDataLoss);
    EXPECT_THAT(f.status().message(), HasSubstr("t.atr offset "));
    EXPECT_THAT(f.status().message(), HasSubstr("truncated"));
  }
  Result<WfdbAnnotationFile> f = ParseWfdbAnnotations(
      std::string_view(b).substr(0, 3), "t.atr", SampleRate(360, 1), Time{0});
  EXPECT_EQ(f.status().message(),
            "t.atr offset 2: annotation file is truncated: it ends inside an "
            "annotation word");
  f = ParseWfdbAnnotations(std::string_view(b).substr(0, 8), "t.atr",
                           SampleRate(360, 1), Time{0});
  EXPECT_EQ(f.status().message(),
            "t.atr offset 8: annotation file is truncated: it ends without the "
            "end-of-file word (0x0000)");
}

TEST(WfdbAnnotation, RealFileTruncatedIsDataLoss) {
  JUMEAU_REQUIRE_TEST_DATA(path, "wfdb/mitdb/100.atr");
  const std::string b = ReadBytes(path);
  Result<WfdbAnnotationFile> f =
      ParseWfdbAnnotations(std::string_view(b).substr(0, b.size() - 2),
                           "100.atr", SampleRate(360, 1), Time{0});
  ASSERT_FALSE(f.ok());
  EXPECT_EQ(f.status().code(), StatusCode::kDataLoss);
}

TEST(WfdbAnnotation, MnemonicTable) {
  EXPECT_EQ(WfdbAnnotationMnemonic(1), "N");
  EXPECT_EQ(WfdbAnnotationMnemonic(14), "~");
  EXPECT_EQ(WfdbAnnotationMnemonic(16), "|");
  EXPECT_EQ(WfdbAnnotationMnemonic(15), "[15]");
  EXPECT_EQ(WfdbAnnotationMnemonic(41), "r");
  EXPECT_EQ(WfdbAnnotationCode("+"), 28);
  EXPECT_EQ(WfdbAnnotationCode("[45]"), 45);
  EXPECT_EQ(WfdbAnnotationCode("[50]"), -1);
  EXPECT_EQ(WfdbAnnotationCode("Z"), -1);
  for (int c = 1; c <= kWfdbMaxAnnotationCode; ++c) {
    EXPECT_EQ(WfdbAnnotationCode(WfdbAnnotationMnemonic(c)), c);
  }
}

// ---- writing ----

Event Ev(Time t, const std::string& code, const std::string& text = "",
         const std::string& chan = "", int sub = 0, int num = 0) {
  Event e;
  e.time = t;
  e.code = {code_system::kWfdbAnnotation, code, ""};
  e.text = text;
  e.channel = chan;
  e.subtype = sub;
  e.number = num;
  return e;
}

TEST(WfdbAnnotationWriter, RoundTrip) {
  const Time start = FromCivil(CivilTime{2020, 5, 1, 8, 0, 0, 0});
  const SampleRate rate(360, 1);
  std::vector<Event> in = {
      Ev(start, "\"", "## looks like a table entry"),
      Ev(start + rate.OffsetOfSample(18), "+", "(N"),
      Ev(start + rate.OffsetOfSample(77), "N", "", "V5"),
      Ev(start + rate.OffsetOfSample(77), "V", "", "V5", 0, 1),
      Ev(start + rate.OffsetOfSample(5000000), "~", "odd", "MLII", -3, -1),
      Ev(start + rate.OffsetOfSample(5000001), "[45]", "", "7", 511, 511),
  };
  Event other = in[1];
  other.code.system = code_system::kEdfAnnotation;
  in.push_back(other);  // skipped: not a WFDB code
  const auto dir = testing::ScratchDir();
  ASSERT_TRUE(
      WriteWfdbAnnotations(in, dir / "r.atr", rate, start, {"MLII", "V5"})
          .ok());
  Result<std::vector<Event>> out =
      ReadWfdbAnnotations(dir / "r.atr", rate, start, {"MLII", "V5"});
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  ASSERT_EQ(out->size(), 6u);
  for (size_t i = 0; i < 6; ++i) {
    SCOPED_TRACE(i);
    EXPECT_EQ((*out)[i].time, in[i].time);
    EXPECT_EQ((*out)[i].code.code, in[i].code.code);
    EXPECT_EQ((*out)[i].text, in[i].text);
    EXPECT_EQ((*out)[i].subtype, in[i].subtype);
    EXPECT_EQ((*out)[i].number, in[i].number);
    EXPECT_EQ((*out)[i].channel,
              in[i].channel.empty() ? "MLII" : in[i].channel);
  }
}

TEST(WfdbAnnotationWriter, Errors) {
  const SampleRate rate(100, 1);
  EXPECT_EQ(
      EncodeWfdbAnnotations({Ev(Time{0}, "ZZ")}, rate, Time{0}).status().code(),
      StatusCode::kInvalidArgument);
  EXPECT_EQ(EncodeWfdbAnnotations({Ev(Time{0}, "N", "", "nope")}, rate, Time{0})
                .status()
                .code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(EncodeWfdbAnnotations({Ev(Time{0}, "N", std::string(256, 'x'))},
                                  rate, Time{0})
                .status()
                .code(),
            StatusCode::kOutOfRange);
  EXPECT_EQ(
      EncodeWfdbAnnotations({Ev(Time{0}, "N", "", "", 600)}, rate, Time{0})
          .status()
          .code(),
      StatusCode::kOutOfRange);
  Result<std::string> empty = EncodeWfdbAnnotations({}, rate, Time{0});
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(*empty, std::string("\0\0", 2));
}

}  // namespace
}  // namespace jumeau::io

// Tests of the bxb-style beat comparison on hand-built annotation pairs with
// known matches.
#include "jumeau/analysis/beat_match.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace jumeau::analysis {
namespace {

Time Ms(int64_t ms) { return Time{0} + Duration::Milliseconds(ms); }

// Options without a learning period (everything counts).
BeatMatchOptions NoLearning() {
  BeatMatchOptions o;
  o.learning_period = Duration{};
  return o;
}

TEST(BeatMatchTest, IdenticalStreamsMatchEveryBeat) {
  std::vector<Time> beats = {Ms(1000), Ms(1800), Ms(2600)};
  BeatMatchResult r = MatchBeats(beats, beats, NoLearning());
  EXPECT_EQ(r.true_positives, 3);
  EXPECT_EQ(r.false_negatives, 0);
  EXPECT_EQ(r.false_positives, 0);
  EXPECT_DOUBLE_EQ(r.sensitivity(), 1.0);
  EXPECT_DOUBLE_EQ(r.positive_predictivity(), 1.0);
  ASSERT_EQ(r.matches.size(), 3u);
  EXPECT_EQ(r.matches[1], std::make_pair(size_t{1}, size_t{1}));
}

TEST(BeatMatchTest, ExactlyTheWindowMatchesOneNanosecondMoreDoesNot) {
  std::vector<Time> ref = {Ms(1000), Ms(3000)};
  std::vector<Time> det = {Ms(1150), Ms(3150) + Duration::Nanoseconds(1)};
  BeatMatchResult r = MatchBeats(ref, det, NoLearning());
  EXPECT_EQ(r.true_positives, 1);
  EXPECT_EQ(r.false_negatives, 1);
  EXPECT_EQ(r.false_positives, 1);
  ASSERT_EQ(r.missed.size(), 1u);
  EXPECT_EQ(r.missed[0], 1u);
  ASSERT_EQ(r.extra.size(), 1u);
  EXPECT_EQ(r.extra[0], 1u);
  // Early detections too: 150 ms before matches.
  std::vector<Time> early = {Ms(850)};
  std::vector<Time> one = {Ms(1000)};
  EXPECT_EQ(MatchBeats(one, early, NoLearning()).true_positives, 1);
}

TEST(BeatMatchTest, TwoDetectionsNearOneReferenceTheNearerMatches) {
  std::vector<Time> ref = {Ms(1000)};
  // The first is within the window but the second is closer: the first is
  // a false positive, the second the match.
  std::vector<Time> det = {Ms(900), Ms(1020)};
  BeatMatchResult r = MatchBeats(ref, det, NoLearning());
  EXPECT_EQ(r.true_positives, 1);
  EXPECT_EQ(r.false_positives, 1);
  EXPECT_EQ(r.false_negatives, 0);
  ASSERT_EQ(r.matches.size(), 1u);
  EXPECT_EQ(r.matches[0].second, 1u);
  ASSERT_EQ(r.extra.size(), 1u);
  EXPECT_EQ(r.extra[0], 0u);
  // Mirror: one detection between two references, nearer the second.
  std::vector<Time> refs = {Ms(1000), Ms(1200)};
  std::vector<Time> one = {Ms(1120)};
  BeatMatchResult m = MatchBeats(refs, one, NoLearning());
  EXPECT_EQ(m.true_positives, 1);
  EXPECT_EQ(m.false_negatives, 1);
  ASSERT_EQ(m.missed.size(), 1u);
  EXPECT_EQ(m.missed[0], 0u);
  EXPECT_EQ(m.matches[0], std::make_pair(size_t{1}, size_t{0}));
}

TEST(BeatMatchTest, EachBeatIsUsedOnce) {
  std::vector<Time> ref = {Ms(1000), Ms(1100)};
  std::vector<Time> det = {Ms(1050)};
  BeatMatchResult r = MatchBeats(ref, det, NoLearning());
  EXPECT_EQ(r.true_positives, 1);
  EXPECT_EQ(r.false_negatives, 1);
  EXPECT_EQ(r.false_positives, 0);
}

TEST(BeatMatchTest, FirstFiveMinutesAreNotCounted) {
  const Time start = Time{0} + Duration::Hours(1);
  BeatMatchOptions o;  // default: 5-minute learning period
  o.record_start = start;
  std::vector<Time> ref = {
      start + Duration::Seconds(10), start + Duration::Seconds(299),
      start + Duration::Seconds(301), start + Duration::Seconds(302)};
  // A false positive and a miss inside the first 5 minutes, then one of
  // each after.
  std::vector<Time> det = {
      start + Duration::Seconds(20), start + Duration::Seconds(299),
      start + Duration::Seconds(301), start + Duration::Milliseconds(303500)};
  BeatMatchResult r = MatchBeats(ref, det, o);
  EXPECT_EQ(r.true_positives, 1);
  EXPECT_EQ(r.false_negatives, 1);
  EXPECT_EQ(r.false_positives, 1);
}

TEST(BeatMatchTest, LearningPeriodDetectionMayMatchFirstCountedBeat) {
  BeatMatchOptions o;
  o.learning_period = Duration::Seconds(10);
  std::vector<Time> ref = {Ms(10050)};
  std::vector<Time> det = {Ms(9950)};  // before the start, 100 ms early
  BeatMatchResult r = MatchBeats(ref, det, o);
  EXPECT_EQ(r.true_positives, 1);
  EXPECT_EQ(r.false_positives, 0);
  // A detection just after the start that is a worse match than the next is
  // dropped uncounted (bxb's start rule).
  std::vector<Time> ref2 = {Ms(10120)};
  std::vector<Time> det2 = {Ms(10000), Ms(10110)};
  BeatMatchResult r2 = MatchBeats(ref2, det2, o);
  EXPECT_EQ(r2.true_positives, 1);
  EXPECT_EQ(r2.false_positives, 0);
}

TEST(BeatMatchTest, EmptyInputs) {
  std::vector<Time> none;
  std::vector<Time> some = {Ms(1000), Ms(2000)};
  BeatMatchResult both = MatchBeats(none, none, NoLearning());
  EXPECT_EQ(both.true_positives + both.false_negatives + both.false_positives,
            0);
  EXPECT_TRUE(std::isnan(both.sensitivity()));
  EXPECT_TRUE(std::isnan(both.positive_predictivity()));
  BeatMatchResult no_det = MatchBeats(some, none, NoLearning());
  EXPECT_EQ(no_det.false_negatives, 2);
  EXPECT_DOUBLE_EQ(no_det.sensitivity(), 0.0);
  EXPECT_TRUE(std::isnan(no_det.positive_predictivity()));
  BeatMatchResult no_ref = MatchBeats(none, some, NoLearning());
  EXPECT_EQ(no_ref.false_positives, 2);
  EXPECT_DOUBLE_EQ(no_ref.positive_predictivity(), 0.0);
}

TEST(BeatMatchTest, UnsortedInputsKeepTheirIndices) {
  std::vector<Time> ref = {Ms(2000), Ms(1000)};
  std::vector<Time> det = {Ms(5000), Ms(1010)};
  BeatMatchResult r = MatchBeats(ref, det, NoLearning());
  EXPECT_EQ(r.true_positives, 1);
  EXPECT_EQ(r.matches[0], std::make_pair(size_t{1}, size_t{1}));
  ASSERT_EQ(r.missed.size(), 1u);
  EXPECT_EQ(r.missed[0], 0u);
  ASSERT_EQ(r.extra.size(), 1u);
  EXPECT_EQ(r.extra[0], 0u);
}

TEST(BeatMatchTest, EndLimitsTheComparison) {
  BeatMatchOptions o = NoLearning();
  o.end = Ms(1500);
  std::vector<Time> ref = {Ms(1000), Ms(2000)};
  std::vector<Time> det = {Ms(1000), Ms(3000)};
  BeatMatchResult r = MatchBeats(ref, det, o);
  EXPECT_EQ(r.true_positives, 1);
  EXPECT_EQ(r.false_negatives, 0);
  EXPECT_EQ(r.false_positives, 0);
}

TEST(BeatMatchTest, VentricularFlutterEpisodesAreLeftOut) {
  BeatMatchOptions o = NoLearning();
  o.reference_vf = {{Ms(2000), Ms(4000)}};
  std::vector<Time> ref = {Ms(1000), Ms(2500), Ms(5000)};
  std::vector<Time> det = {Ms(1000), Ms(3000), Ms(3500), Ms(5000)};
  BeatMatchResult r = MatchBeats(ref, det, o);
  EXPECT_EQ(r.true_positives, 2);
  EXPECT_EQ(r.false_negatives, 0);
  EXPECT_EQ(r.false_positives, 0);
}

TEST(BeatMatchTest, PoolingSumsCounts) {
  std::vector<BeatMatchResult> records(2);
  records[0].true_positives = 90;
  records[0].false_negatives = 10;
  records[1].true_positives = 10;
  records[1].false_positives = 5;
  BeatMatchResult p = PoolBeatMatches(records);
  EXPECT_EQ(p.true_positives, 100);
  EXPECT_EQ(p.false_negatives, 10);
  EXPECT_EQ(p.false_positives, 5);
  EXPECT_NEAR(p.sensitivity(), 100.0 / 110.0, 1e-12);
  EXPECT_NEAR(p.positive_predictivity(), 100.0 / 105.0, 1e-12);
}

TEST(BeatMatchTest, WfdbBeatCodes) {
  for (const char* beat : {"N", "L", "R", "a", "V", "F", "J", "A", "S", "E",
                           "j", "/", "Q", "e", "n", "f", "r", "B"}) {
    EXPECT_TRUE(IsWfdbBeatMnemonic(beat)) << beat;
  }
  for (const char* other : {"+", "~", "|", "x", "\"", "[", "]", "!", "p", ""}) {
    EXPECT_FALSE(IsWfdbBeatMnemonic(other)) << other;
  }
  std::vector<Event> events(5);
  const char* codes[] = {"N", "+", "V", "~", "x"};
  for (int i = 0; i < 5; ++i) {
    events[i].time = Ms(100 * i);
    events[i].code = {code_system::kWfdbAnnotation, codes[i], ""};
  }
  events[2].code.system = "other";  // not a WFDB label: ignored
  std::vector<Time> beats = WfdbBeatTimes(events);
  ASSERT_EQ(beats.size(), 1u);
  EXPECT_EQ(beats[0], Ms(0));
}

TEST(BeatMatchTest, WfdbVfEpisodes) {
  std::vector<Event> events(3);
  const char* codes[] = {"[", "]", "["};
  for (int i = 0; i < 3; ++i) {
    events[i].time = Ms(1000 * (i + 1));
    events[i].code = {code_system::kWfdbAnnotation, codes[i], ""};
  }
  auto episodes = WfdbVfEpisodes(events);
  ASSERT_EQ(episodes.size(), 2u);
  EXPECT_EQ(episodes[0].first, Ms(1000));
  EXPECT_EQ(episodes[0].second, Ms(2000));
  EXPECT_EQ(episodes[1].first, Ms(3000));
}

}  // namespace
}  // namespace jumeau::analysis

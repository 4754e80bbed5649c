// QRS detection on the 19 MIT-BIH Arrhythmia Database records in the shared
// test data (100-119), scored beat by beat against the reference .atr
// annotations by the EC57/bxb rule (analysis/beat_match). Spans io/ (reading
// the records) and analysis/ (detection, scoring), hence under tests/.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "jumeau/analysis/beat_match.h"
#include "jumeau/analysis/qrs.h"
#include "jumeau/io/wfdb.h"
#include "jumeau/io/wfdb_annotation.h"
#include "jumeau/testing/test_data.h"

namespace jumeau {
namespace {

using analysis::BeatMatchOptions;
using analysis::BeatMatchResult;

constexpr const char* kRecords[] = {
    "100", "101", "102", "103", "104", "105", "106", "107", "108", "109",
    "111", "112", "113", "114", "115", "116", "117", "118", "119"};

struct Scored {
  std::string record;
  BeatMatchResult match;
  int64_t noisy_samples = 0;
};

// Detects and scores one record; `leads` = how many of its leads to use.
Scored RunRecord(const std::filesystem::path& dir, const std::string& name,
                 size_t leads) {
  Scored s;
  s.record = name;
  Result<Recording> rec = io::ReadWfdb(dir / name);
  EXPECT_TRUE(rec.ok()) << rec.status().ToString();
  if (!rec.ok()) return s;
  const Signal& first = rec->signals.at(0);
  std::vector<analysis::QrsLead> input;
  for (size_t i = 0; i < leads && i < rec->signals.size(); ++i) {
    input.push_back({rec->signals[i].samples, rec->signals[i].scale});
  }
  Result<analysis::QrsResult> qrs = analysis::DetectQrs(input, first.rate);
  EXPECT_TRUE(qrs.ok()) << qrs.status().ToString();
  if (!qrs.ok()) return s;
  for (const auto& seg : qrs->noisy) s.noisy_samples += seg.end - seg.begin;
  Result<std::vector<Event>> atr =
      io::ReadWfdbAnnotations(dir / (name + ".atr"), first.rate, first.start);
  EXPECT_TRUE(atr.ok()) << atr.status().ToString();
  if (!atr.ok()) return s;
  std::vector<Time> reference = analysis::WfdbBeatTimes(*atr);
  std::vector<Time> detected;
  for (int64_t i : qrs->beats) detected.push_back(first.TimeOfSample(i));
  BeatMatchOptions options;
  options.record_start = first.start;
  options.end = first.TimeOfSample(static_cast<int64_t>(first.samples.size()));
  options.reference_vf = analysis::WfdbVfEpisodes(*atr);
  s.match = analysis::MatchBeats(reference, detected, options);
  if (const char* dbg = std::getenv("JUMEAU_QRS_DEBUG"); dbg && name == dbg) {
    for (size_t i : s.match.missed)
      std::printf("  FN %.3f s\n", (reference[i] - first.start).seconds());
    for (size_t i : s.match.extra)
      std::printf("  FP %.3f s\n", (detected[i] - first.start).seconds());
  }
  return s;
}

// Prints the per-record table. For a closer look, JUMEAU_QRS_ONLY=<record>
// runs one record and JUMEAU_QRS_DEBUG=<record> lists its missed (FN) and
// extra (FP) beats in seconds from the record start.
TEST(QrsMitdbTest, PooledSensitivityAndPositivePredictivity) {
  JUMEAU_REQUIRE_TEST_DATA(dir, "wfdb/mitdb");
  const size_t leads = 2;  // MLII (or V5) first, the other lead fills gaps
  std::vector<Scored> all;
  std::vector<BeatMatchResult> matches;
  std::printf("record     TP    FN    FP     Se%%     +P%%  noisy(s)\n");
  const char* only = std::getenv("JUMEAU_QRS_ONLY");
  for (const char* name : kRecords) {
    if (only && std::string(only) != name) continue;
    Scored s = RunRecord(dir, name, leads);
    const BeatMatchResult& m = s.match;
    std::printf("%-6s %6lld %5lld %5lld %7.2f %7.2f %8.1f\n", name,
                static_cast<long long>(m.true_positives),
                static_cast<long long>(m.false_negatives),
                static_cast<long long>(m.false_positives),
                100.0 * m.sensitivity(), 100.0 * m.positive_predictivity(),
                static_cast<double>(s.noisy_samples) / 360.0);
    matches.push_back(m);
  }
  BeatMatchResult pooled = analysis::PoolBeatMatches(matches);
  std::printf("pooled %6lld %5lld %5lld %7.2f %7.2f\n",
              static_cast<long long>(pooled.true_positives),
              static_cast<long long>(pooled.false_negatives),
              static_cast<long long>(pooled.false_positives),
              100.0 * pooled.sensitivity(),
              100.0 * pooled.positive_predictivity());
  // Measured (deterministic): Se 99.90%, +P 99.85% (33525 TP, 33 FN, 52 FP).
  // The floor is the goal, 99.8%: a change that loses more than ~17
  // beats either way fails here.
  EXPECT_GE(pooled.sensitivity(), 0.998);
  EXPECT_GE(pooled.positive_predictivity(), 0.998);
}

}  // namespace
}  // namespace jumeau

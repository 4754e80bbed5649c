// `jumeau analyze` and `jumeau score-beats` end to end: the example patient
// (every analysis, re-run replaces, risk with its dated inputs), and the 19
// MIT-BIH records through the store: detection scored against the
// reference annotations by the EC57/bxb rule.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "jumeau/store/sqlite_store.h"
#include "jumeau/testing/test_data.h"
#include "tests/e2e/cli_runner.h"

namespace jumeau {
namespace {

using testing::JsonOf;
using testing::RunJumeau;


TEST(AnalyzeTest, ExamplePatientEveryAnalysisAndReplacementOnRerun) {
  const auto dir = testing::ScratchDir();
  const std::string store = (dir / "patient.jumeau").string();
  const auto ex = dir / "example";
  ASSERT_EQ(RunJumeau({"example", "--out", ex.string()}).exit_code, 0);
  ASSERT_EQ(RunJumeau({"init", store}).exit_code, 0);
  ASSERT_EQ(RunJumeau({"ingest", store, (ex / "ecg.hea").string(),
                       (ex / "eeg.edf").string(),
                       (ex / "history.json").string(), "--patient", "example"})
                .exit_code,
            0);
  const auto first = JsonOf(RunJumeau({"analyze", store, "example", "--json"}));
  ASSERT_EQ(first.size(), 6u);
  std::map<std::string, nlohmann::json> run;
  for (const auto& r : first) run[r["analysis"]] = r;
  // ecg: the synthetic record's beats, scored against its true R peaks.
  EXPECT_GT(run["ecg"]["events"], 2000);
  const auto score =
      JsonOf(RunJumeau({"score-beats", store, "example", "--reference", "atr",
                      "--test", "ecg/1", "--json"}));
  EXPECT_GE(score["pooled"]["se"].get<double>(), 99.5);
  EXPECT_GE(score["pooled"]["ppv"].get<double>(), 99.5);
  EXPECT_EQ(run["hrv"]["streams"], 8);
  EXPECT_GT(run["eeg"]["streams"], 100);
  EXPECT_GT(run["eeg"]["events"], 100) << "features per annotated segment";
  EXPECT_EQ(run["abp"]["events"], 0);
  EXPECT_EQ(run["risk"]["events"], 2);
  EXPECT_GT(run["rollup"]["streams"], 10);
  // Risk with its inputs and their dates.
  const auto risk = JsonOf(
      RunJumeau({"events", store, "example", "--origin", "risk/1", "--json"}));
  ASSERT_EQ(risk.size(), 2u);
  for (const auto& e : risk) {
    EXPECT_EQ(e["unit"], "%");
    const std::string text = e["text"];
    EXPECT_NE(text.find("HDL"), std::string::npos) << text;
    EXPECT_NE(text.find("(2021-"), std::string::npos) << text;
  }
  // Re-running replaces: the same counts, not twice as many.
  const auto patient_before = JsonOf(RunJumeau({"patients", store, "--json"}));
  const auto second = JsonOf(RunJumeau({"analyze", store, "example", "--json"}));
  EXPECT_EQ(second, first);
  const auto patient_after = JsonOf(RunJumeau({"patients", store, "--json"}));
  EXPECT_EQ(patient_after[0]["events"], patient_before[0]["events"]);
  EXPECT_EQ(patient_after[0]["streams"], patient_before[0]["streams"]);
  EXPECT_EQ(patient_after[0]["sources"], patient_before[0]["sources"]);
  // Bad arguments.
  EXPECT_EQ(
      RunJumeau({"analyze", store, "example", "--what", "ecg,nope"}).exit_code,
      2);
  EXPECT_EQ(
      RunJumeau({"analyze", store, "example", "--region", "mid"}).exit_code, 2);
  auto s = store::OpenSqliteStore(store);
  ASSERT_TRUE(s.ok());
  EXPECT_TRUE((*s)->CheckIntegrity().ok());
}

TEST(AnalyzeTest, MitBihBeatsThroughTheStoreScoreAboveGoal) {
  JUMEAU_REQUIRE_TEST_DATA(mitdb, "wfdb/mitdb/100.hea");
  const auto dir = testing::ScratchDir();
  const std::string store = (dir / "mitdb.jumeau").string();
  ASSERT_EQ(RunJumeau({"init", store}).exit_code, 0);
  ASSERT_EQ(
      RunJumeau({"ingest", store, mitdb.parent_path().string()}).exit_code, 0);
  const auto patients = JsonOf(RunJumeau({"patients", store, "--json"}));
  ASSERT_EQ(patients.size(), 19u);
  for (const auto& p : patients) {
    ASSERT_EQ(
        RunJumeau({"analyze", store, p["patient"], "--what", "ecg"}).exit_code,
        0);
  }
  const auto score = JsonOf(RunJumeau({"score-beats", store, "--json"}));
  ASSERT_EQ(score["records"].size(), 19u);
  const auto pooled = score["pooled"];
  std::printf(
      "MIT-BIH through the store: TP %lld FN %lld FP %lld, Se %.2f%% "
      "+P %.2f%%\n",
      pooled["tp"].get<long long>(), pooled["fn"].get<long long>(),
      pooled["fp"].get<long long>(), pooled["se"].get<double>(),
      pooled["ppv"].get<double>());
  EXPECT_GE(pooled["se"].get<double>(), 99.8);
  EXPECT_GE(pooled["ppv"].get<double>(), 99.8);
}

}  // namespace
}  // namespace jumeau

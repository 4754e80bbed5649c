// `jumeau twin build --model brain` and `twin simulate --scenario resect:...`
// end to end on the example patient and TVB's 76-region connectome: the
// Jansen-Rit twin fitted to the example EEG, and the Epileptor hypothesis
// twin whose propagation map matches TVB's recruitment reference and shrinks
// when the zone is resected.
#include <gtest/gtest.h>

#include <algorithm>

#include "jumeau/testing/test_data.h"
#include "tests/e2e/cli_runner.h"

namespace jumeau::testing {
namespace {

std::string MakeStore() {
  const std::string dir = ScratchDir().string();
  EXPECT_EQ(RunJumeau({"example", "--out", dir + "/ex"}).exit_code, 0);
  EXPECT_EQ(RunJumeau({"init", dir + "/p.jumeau"}).exit_code, 0);
  EXPECT_EQ(RunJumeau({"ingest", dir + "/p.jumeau", dir + "/ex/eeg.edf",
                       "--patient", "example"})
                .exit_code,
            0);
  return dir + "/p.jumeau";
}

TEST(TwinBrainCli, EpileptorResectionChangesThePropagationMap) {
  JUMEAU_REQUIRE_TEST_DATA(zip, "connectome/connectivity_76.zip");
  const std::string store = MakeStore();
  const auto built =
      JsonOf(RunJumeau({"twin", "build", store, "example", "--model", "brain",
                        "--brain-model", "epileptor", "--ez", "rAMYG,rHC,rPHC",
                        "--connectome", zip.string(), "--json"}));
  ASSERT_FALSE(built.is_null());
  EXPECT_EQ(built["model"], "epileptor_network");
  std::vector<std::string> seizing;
  for (const auto& r : built["propagation"]) seizing.push_back(r["region"]);
  std::sort(seizing.begin(), seizing.end());
  // TVB (epileptor_ks reference): the zone plus rPFCM and rV1 recruited.
  EXPECT_EQ(seizing,
            (std::vector<std::string>{"rAMYG", "rHC", "rPFCM", "rPHC", "rV1"}));
  const auto sim = JsonOf(RunJumeau({"twin", "simulate", store, "example",
                                     "--scenario", "resect:rHC", "--json"}));
  ASSERT_FALSE(sim.is_null());
  EXPECT_EQ(sim["scenario_propagation"].size(), 1u);
  EXPECT_EQ(sim["scenario_propagation"][0]["region"], "rAMYG");
  // Regression: a stimulation lasts the whole run (was rejected as a
  // non-finite duration).
  const auto stim =
      JsonOf(RunJumeau({"twin", "simulate", store, "example", "--scenario",
                        "stimulate:rPFCM:0.5:10", "--json"}));
  ASSERT_FALSE(stim.is_null());
  EXPECT_EQ(stim["model"], "epileptor_network");
  const auto bad = RunJumeau(
      {"twin", "simulate", store, "example", "--scenario", "resect:nowhere"});
  EXPECT_NE(bad.exit_code, 0);
  EXPECT_NE(bad.err.find("unknown region 'nowhere'"), std::string::npos)
      << bad.err;
}

TEST(TwinBrainCli, JansenRitTwinIsFittedToTheExampleEeg) {
  JUMEAU_REQUIRE_TEST_DATA(zip, "connectome/connectivity_76.zip");
  const std::string store = MakeStore();
  const auto built = JsonOf(RunJumeau(
      {"twin", "build", store, "example", "--model", "brain", "--connectome",
       zip.string(), "--brain-ensemble", "12", "--json"}));
  ASSERT_FALSE(built.is_null());
  EXPECT_EQ(built["model"], "jansen_rit_network");
  EXPECT_EQ(built["method"], "ensemble_kalman_inversion");
  EXPECT_EQ(built["parameters"].size(), 3u);
  EXPECT_EQ(built["observations"].size(), 5u);
  EXPECT_EQ(built["eeg_channels"].size(), 19u);
  for (const auto& p : built["parameters"]) {
    EXPECT_LE(p["lower"].get<double>(), p["estimate"].get<double>());
    EXPECT_LE(p["estimate"].get<double>(), p["upper"].get<double>());
  }
  const auto sim =
      JsonOf(RunJumeau({"twin", "simulate", store, "example", "--scenario",
                        "disconnect:rHC-rPHC", "--samples", "2", "--json"}));
  ASSERT_FALSE(sim.is_null());
  EXPECT_EQ(sim["features"].size(), 5u);
  // Cardio verbs ignore brain snapshots.
  const auto show = RunJumeau({"twin", "show", store, "example"});
  EXPECT_EQ(show.exit_code, 0) << show.err;
  const auto missing =
      RunJumeau({"twin", "build", store, "example", "--model", "brain",
                 "--connectome", ScratchDir().string() + "/none.zip"});
  EXPECT_NE(missing.exit_code, 0);
}

}  // namespace
}  // namespace jumeau::testing

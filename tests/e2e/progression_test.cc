// `jumeau cohort fit` and `jumeau twin build|simulate --model progression`
// end to end: a cohort of example patients (seeds 1-5) in a store, the
// population model file, a personalised snapshot with observed points,
// forecast band and threshold crossing, a forecast to a later year, and the
// errors for a value outside its declared range, unsorted CSV visits and a
// patient without a progression twin.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "jumeau/testing/test_data.h"
#include "tests/e2e/cli_runner.h"

namespace jumeau {
namespace {

using testing::JsonOf;
using testing::RunJumeau;

std::string CohortStore() {
  const auto dir = testing::ScratchDir();
  const std::string store = (dir / "cohort.jumeau").string();
  std::filesystem::remove(store);
  EXPECT_EQ(RunJumeau({"init", store}).exit_code, 0);
  for (int s = 1; s <= 5; ++s) {
    const auto ex = dir / ("example" + std::to_string(s));
    if (!std::filesystem::exists(ex / "history.json")) {
      EXPECT_EQ(RunJumeau({"example", "--out", ex.string(), "--seed",
                           std::to_string(s), "--ecg-minutes", "1"})
                    .exit_code,
                0);
    }
    const auto r = RunJumeau({"ingest", store, (ex / "history.json").string(),
                              "--patient", "p" + std::to_string(s)});
    EXPECT_EQ(r.exit_code, 0) << r.err;
  }
  return store;
}

TEST(ProgressionE2eTest, FitBuildSimulate) {
  const std::string store = CohortStore();
  const std::string model = (testing::ScratchDir() / "bp.json").string();
  const auto fit = RunJumeau(
      {"cohort", "fit", store, "--model", "logistic", "--features", "8480-6",
       "8462-4", "--range", "8480-6=80:200", "--range", "8462-4=40:120",
       "--sources", "1", "--iterations", "400", "--out", model, "--json"});
  ASSERT_EQ(fit.exit_code, 0) << fit.err;
  const auto m = JsonOf(fit);
  EXPECT_EQ(m["model"], "logistic_progression");
  EXPECT_EQ(m["fit"]["subjects"], 5);
  EXPECT_EQ(m["fit"]["iterations"], 400);
  EXPECT_EQ(m["features"][0]["unit"], "mm[Hg]");
  EXPECT_TRUE(m["fit"].contains("converged"));
  ASSERT_TRUE(std::filesystem::exists(model));

  const auto built = RunJumeau(
      {"twin", "build", store, "p2", "--model", "progression", "--from-cohort",
       model, "--threshold", "8480-6:140", "--until", "2040", "--json"});
  ASSERT_EQ(built.exit_code, 0) << built.err;
  const auto twin = JsonOf(built);
  EXPECT_EQ(twin["model"], "logistic_progression");
  EXPECT_EQ(twin["population_model"]["hash"].get<std::string>().size(), 64u);
  ASSERT_GT(twin["observed"].size(), 10u);
  ASSERT_EQ(twin["forecast"].size(), 2u);
  for (const auto& p : twin["forecast"][0]["points"]) {
    EXPECT_LE(p["p5"].get<double>(), p["median"].get<double>() + 1e-9);
    EXPECT_LE(p["median"].get<double>(), p["p95"].get<double>() + 1e-9);
  }
  EXPECT_EQ(
      twin["forecast"][0]["points"].back()["time"].get<std::string>().substr(0,
                                                                             4),
      "2040");
  ASSERT_EQ(twin["thresholds"].size(), 1u);
  EXPECT_EQ(twin["thresholds"][0]["value"], 140.0);

  const auto sim = RunJumeau({"twin", "simulate", store, "p2", "--model",
                              "progression", "--until", "2060", "--json"});
  ASSERT_EQ(sim.exit_code, 0) << sim.err;
  EXPECT_EQ(JsonOf(sim)["forecast"][1]["points"]
                .back()["time"]
                .get<std::string>()
                .substr(0, 4),
            "2060");
  const auto human =
      RunJumeau({"twin", "simulate", store, "p2", "--model", "progression",
                 "--until", "2050", "--threshold", "8480-6:150"});
  EXPECT_EQ(human.exit_code, 0) << human.err;
  EXPECT_NE(human.out.find("8480-6 reaches 150"), std::string::npos)
      << human.out;

  // The timeline lists the snapshot.
  const auto timeline = JsonOf(RunJumeau({"timeline", store, "p2", "--json"}));
  ASSERT_EQ(timeline["twins"].size(), 1u);
  EXPECT_EQ(timeline["twins"][0]["model"], "logistic_progression");

  // A patient without a progression twin.
  const auto none = RunJumeau({"twin", "simulate", store, "p3", "--model",
                               "progression", "--until", "2050"});
  EXPECT_NE(none.exit_code, 0);
  EXPECT_NE(none.err.find("no progression twin yet"), std::string::npos)
      << none.err;
  // The cardio twin history ignores progression snapshots.
  EXPECT_EQ(RunJumeau({"twin", "show", store, "p2"}).exit_code, 0);

  // A declared range that a value leaves.
  const auto bad = RunJumeau({"cohort", "fit", store, "--features", "8480-6",
                              "--range", "8480-6=120:200", "--out", model});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("outside its declared range"), std::string::npos)
      << bad.err;
}

TEST(ProgressionE2eTest, CsvErrorsNameTheLine) {
  const auto path = testing::ScratchDir() / "unsorted.csv";
  {
    std::ofstream f(path);
    f << "ID,TIME,a\nP1,60,0.1\nP1,59,0.2\nP2,70,0.5\n";
  }
  const auto r = RunJumeau({"cohort", "fit", "--csv", path.string(), "--out",
                            (testing::ScratchDir() / "m.json").string()});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find(
                "unsorted.csv line 3: subject 'P1' visit at TIME 59 is before"),
            std::string::npos)
      << r.err;
}

}  // namespace
}  // namespace jumeau

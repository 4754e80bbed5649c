// `jumeau twin build --model brain` and `twin simulate --scenario resect:...`
// end to end on the example patient and TVB's 76-region connectome: the
// Jansen-Rit twin fitted to the example EEG, and the Epileptor hypothesis
// twin whose propagation map matches TVB's recruitment reference and shrinks
// when the zone is resected.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "jumeau/analysis/eeg_features.h"
#include "jumeau/store/sqlite_store.h"
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
  // The EEG simulated at the estimate is stored as a source of the patient
  // at 250 Hz, and the analysis layer reads it like real EEG.
  const auto& simulated = built["simulated_eeg"];
  ASSERT_TRUE(simulated.is_object()) << built.dump();
  EXPECT_EQ(simulated["rate_hz"], 250.0);
  EXPECT_EQ(simulated["channels"].size(), 19u);
  ASSERT_EQ(simulated["features"].size(), 5u);
  {
    auto opened = store::OpenSqliteStore(store);
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    store::Store& s = **opened;
    const auto patient = s.FindPatient("example");
    ASSERT_TRUE(patient.ok());
    store::SourceId source = 0;
    const auto sources = s.Sources(patient->id);
    ASSERT_TRUE(sources.ok());
    for (const auto& src : *sources)
      if (src.format == "simulated EEG") source = src.id;
    ASSERT_NE(source, 0);
    std::vector<double> relative(4, 0.0);
    int channels = 0;
    const auto all = s.Streams(patient->id);
    ASSERT_TRUE(all.ok());
    for (const auto& st : *all) {
      if (st.source_id != source) continue;
      ++channels;
      EXPECT_EQ(st.signal.rate, SampleRate(250, 1));
      EXPECT_EQ(st.signal.unit, "uV");
      EXPECT_NE(st.signal.label.find("simulated"), std::string::npos);
      EXPECT_EQ(st.sample_count, 2500);
      const auto raw = s.ReadSamples(st.id, 0, st.sample_count);
      ASSERT_TRUE(raw.ok());
      std::vector<double> x;
      for (int32_t v : *raw)
        x.push_back(v * st.signal.scale + st.signal.offset);
      const auto spectrum = analysis::EegSpectrum(x, st.signal.rate);
      ASSERT_TRUE(spectrum.ok());
      const auto f = analysis::FeaturesFromSpectrum(*spectrum);
      for (int b = 0; b < 4; ++b) relative[b] += f.relative[b];
    }
    ASSERT_EQ(channels, 19);
    // Band powers from the stored samples equal the snapshot's simulated
    // features: only the 2^-30 quantisation of the samples differs.
    for (int b = 0; b < 4; ++b)
      EXPECT_NEAR(relative[b] / channels,
                  simulated["features"][b + 1].get<double>(), 1e-6)
          << "band " << b;
  }
  const auto streams = RunJumeau({"streams", store, "example"});
  EXPECT_EQ(streams.exit_code, 0) << streams.err;
  EXPECT_NE(streams.out.find("simulated"), std::string::npos) << streams.out;
  const auto analyzed =
      RunJumeau({"analyze", store, "example", "--what", "eeg"});
  EXPECT_EQ(analyzed.exit_code, 0) << analyzed.err;
  EXPECT_NE(analyzed.out.find("38 channels"), std::string::npos)
      << analyzed.out;
  const auto sim =
      JsonOf(RunJumeau({"twin", "simulate", store, "example", "--scenario",
                        "disconnect:rHC-rPHC", "--samples", "2", "--json"}));
  ASSERT_FALSE(sim.is_null());
  EXPECT_EQ(sim["features"].size(), 5u);
  // Cardio verbs ignore brain snapshots; `twin show` lists them after the
  // cardio history.
  const auto show = RunJumeau({"twin", "show", store, "example"});
  EXPECT_EQ(show.exit_code, 0) << show.err;
  EXPECT_NE(show.out.find("other twin snapshots"), std::string::npos)
      << show.out;
  EXPECT_NE(show.out.find("jansen_rit_network"), std::string::npos) << show.out;
  EXPECT_NE(show.out.find("ensemble_kalman_inversion, rms residual"),
            std::string::npos)
      << show.out;
  const auto missing =
      RunJumeau({"twin", "build", store, "example", "--model", "brain",
                 "--connectome", ScratchDir().string() + "/none.zip"});
  EXPECT_NE(missing.exit_code, 0);
}

// Writes a 2-region TVB connectome folder; `weights` is weights.txt.
std::string WriteConnectomeFolder(const std::string& dir,
                                  const std::string& weights) {
  std::filesystem::create_directories(dir);
  auto put = [&dir](const char* name, const std::string& text) {
    std::ofstream(dir + "/" + name) << text;
  };
  put("weights.txt", weights);
  put("tract_lengths.txt", "0 12.5\n12.5 0\n");
  put("centres.txt", "rA 10 0 0\nlA -10 0 0\n");
  put("cortical.txt", "1\n1\n");
  put("areas.txt", "100\n120\n");
  return dir;
}

TEST(TwinBrainCli, ConnectomeFolderIngestIsAllOrNothing) {
  const std::string store = MakeStore();
  const std::string dir = ScratchDir().string();
  // A broken weights.txt: the error names the file and line, nothing stored.
  const std::string bad = WriteConnectomeFolder(dir + "/bad", "0 1\n0.5 x\n");
  const auto failed = RunJumeau({"ingest", store, bad, "--patient", "example"});
  EXPECT_NE(failed.exit_code, 0);
  EXPECT_NE(failed.err.find("weights.txt line 2"), std::string::npos)
      << failed.err;
  const auto sources = JsonOf(RunJumeau({"patients", store, "--json"}));
  ASSERT_FALSE(sources.is_null());
  ASSERT_EQ(sources.size(), 1u);
  EXPECT_EQ(sources[0]["sources"], 1) << sources.dump();
  // The repaired folder is stored once.
  const std::string good = WriteConnectomeFolder(dir + "/good", "0 1\n0.5 0\n");
  const auto first = JsonOf(
      RunJumeau({"ingest", store, good, "--patient", "example", "--json"}));
  ASSERT_FALSE(first.is_null());
  EXPECT_EQ(first[0]["format"], "TVB connectome");
  EXPECT_EQ(first[0]["connectome_regions"], 2);
  EXPECT_EQ(first[0]["already_present"], false);
  const auto again = JsonOf(
      RunJumeau({"ingest", store, good, "--patient", "example", "--json"}));
  ASSERT_FALSE(again.is_null());
  EXPECT_EQ(again[0]["already_present"], true);
  const auto listed = JsonOf(RunJumeau({"patients", store, "--json"}));
  ASSERT_FALSE(listed.is_null());
  EXPECT_EQ(listed[0]["sources"], 2) << listed.dump();
  EXPECT_EQ(RunJumeau({"timeline", store, "example"}).exit_code, 0);
  EXPECT_EQ(RunJumeau({"streams", store, "example"}).exit_code, 0);
  // A zip that is no connectome is an unknown format, not a connectome.
  std::ofstream(dir + "/other.zip") << "PK\x03\x04 notes.txt";
  const auto other = RunJumeau({"ingest", store, dir + "/other.zip"});
  EXPECT_NE(other.exit_code, 0);
  EXPECT_NE(other.err.find("unknown format"), std::string::npos) << other.err;
}

TEST(TwinBrainCli, TheBuildUsesThePatientsStoredConnectome) {
  JUMEAU_REQUIRE_TEST_DATA(zip, "connectome/connectivity_76.zip");
  const std::string store = MakeStore();
  // No connectome anywhere: the error says how to give one.
  const auto none =
      RunJumeau({"twin", "build", store, "example", "--model", "brain",
                 "--brain-model", "epileptor", "--ez", "rHC"});
  EXPECT_NE(none.exit_code, 0);
  EXPECT_NE(none.err.find("jumeau ingest"), std::string::npos) << none.err;
  const auto ingested =
      RunJumeau({"ingest", store, zip.string(), "--patient", "example"});
  ASSERT_EQ(ingested.exit_code, 0) << ingested.err;
  EXPECT_NE(ingested.out.find("76-region connectome"), std::string::npos)
      << ingested.out;
  const auto again =
      RunJumeau({"ingest", store, zip.string(), "--patient", "example"});
  EXPECT_NE(again.out.find("already ingested"), std::string::npos) << again.out;
  const std::vector<std::string> epileptor = {
      "twin",    "build",          store,           "example",
      "--model", "brain",          "--brain-model", "epileptor",
      "--ez",    "rAMYG,rHC,rPHC", "--json"};
  const auto from_store = JsonOf(RunJumeau(epileptor));
  ASSERT_FALSE(from_store.is_null());
  EXPECT_EQ(from_store["regions"], 76);
  EXPECT_EQ(from_store["connectome_source"].get<std::string>().rfind(
                "store source ", 0),
            0u)
      << from_store["connectome_source"];
  std::vector<std::string> with_file = epileptor;
  with_file.insert(with_file.end(), {"--connectome", zip.string()});
  const auto from_file = JsonOf(RunJumeau(with_file));
  ASSERT_FALSE(from_file.is_null());
  EXPECT_EQ(from_file["connectome_source"], zip.string());
  // The same structure either way: same hash, same propagation.
  EXPECT_EQ(from_store["connectome_hash"], from_file["connectome_hash"]);
  EXPECT_EQ(from_store["propagation"], from_file["propagation"]);
  const auto text =
      RunJumeau({"twin", "build", store, "example", "--model", "brain",
                 "--brain-model", "epileptor", "--ez", "rHC"});
  EXPECT_EQ(text.exit_code, 0) << text.err;
  EXPECT_NE(text.out.find("connectome: store source"), std::string::npos)
      << text.out;
  EXPECT_EQ(RunJumeau({"timeline", store, "example"}).exit_code, 0);
  const auto show = RunJumeau({"twin", "show", store, "example"});
  EXPECT_EQ(show.exit_code, 0) << show.err;
  EXPECT_NE(show.out.find("EZ rAMYG,rHC,rPHC: 5 seizing; 76 regions"),
            std::string::npos)
      << show.out;
}

}  // namespace
}  // namespace jumeau::testing

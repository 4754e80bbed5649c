// The `jumeau` verbs end to end: example → init → ingest → patients, streams,
// signal (exact and reduced), events, export → re-ingest; and bad input: a
// one-line error naming the file and offset, non-zero exit, store unchanged.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "jumeau/store/sqlite_store.h"
#include "jumeau/testing/test_data.h"
#include "tests/e2e/cli_runner.h"

namespace jumeau {
namespace {

using testing::RunJumeau;

std::string ReadFile(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)),
                     std::istreambuf_iterator<char>());
}

class CliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::ScratchDir();
    store_ = (dir_ / "patient.jumeau").string();
    auto r = RunJumeau({"example", "--out", (dir_ / "example").string()});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    ASSERT_EQ(RunJumeau({"init", store_}).exit_code, 0);
  }
  std::filesystem::path dir_;
  std::string store_;
};

TEST_F(CliTest, ExampleIsDeterministicAndLabelledSynthetic) {
  ASSERT_EQ(
      RunJumeau({"example", "--out", (dir_ / "again").string()}).exit_code, 0);
  int files = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir_ / "example")) {
    EXPECT_EQ(ReadFile(e.path()),
              ReadFile(dir_ / "again" / e.path().filename()))
        << e.path();
    ++files;
  }
  EXPECT_GE(files, 5);
  EXPECT_NE(ReadFile(dir_ / "example" / "README.txt").find("ynthetic"),
            std::string::npos);
}

TEST_F(CliTest, IngestQueryAndExportTheExamplePatient) {
  std::vector<std::string> args = {"ingest", store_, "--patient", "example",
                                   "--json"};
  for (const auto& e : std::filesystem::directory_iterator(dir_ / "example")) {
    const auto ext = e.path().extension();
    if (ext == ".hea" || ext == ".edf" || ext == ".bdf")
      args.push_back(e.path().string());
  }
  auto r = RunJumeau(args);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto report = nlohmann::json::parse(r.out);
  ASSERT_EQ(report.size(), 3u);

  r = RunJumeau({"patients", store_, "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto patients = nlohmann::json::parse(r.out);
  ASSERT_EQ(patients.size(), 1u);
  EXPECT_EQ(patients[0]["patient"], "example");

  r = RunJumeau({"streams", store_, "example", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto streams = nlohmann::json::parse(r.out);
  ASSERT_GE(streams.size(), 4u);
  std::string ecg;
  for (const auto& s : streams) {
    if (s["sample_rate"] == "360" && ecg.empty()) ecg = s["name"];
  }
  ASSERT_FALSE(ecg.empty()) << "a 360 Hz ECG stream";

  // Exact window: 1 s at 360 Hz = 360 samples.
  r = RunJumeau({"signal", store_, "example", ecg, "--from", "+00:01:00",
                 "--to", "+00:01:01", "--points", "2000", "--format", "json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto w = nlohmann::json::parse(r.out);
  EXPECT_TRUE(w["exact"].get<bool>());
  EXPECT_EQ(w["value"].size(), 360u);
  // Reduced: the whole record in 100 buckets from the pyramid.
  r = RunJumeau({"signal", store_, "example", ecg, "--points", "100",
                 "--format", "json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  w = nlohmann::json::parse(r.out);
  EXPECT_FALSE(w["exact"].get<bool>());
  EXPECT_EQ(w["min"].size(), 100u);
  EXPECT_GE(w["pyramid_level"].get<int>(), 1);
  // CSV has a header line and one line per bucket.
  r = RunJumeau({"signal", store_, "example", ecg, "--points", "10"});
  ASSERT_EQ(r.exit_code, 0);
  EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 11);

  r = RunJumeau({"events", store_, "example", "--code", "N", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_GT(nlohmann::json::parse(r.out).size(), 100u) << "beat annotations";
  r = RunJumeau({"events", store_, "example", "--from", "+00:00:00", "--to",
                 "+00:01:00"});
  ASSERT_EQ(r.exit_code, 0) << r.err;

  // Export the EEG streams to EDF+, re-ingest, compare digital samples.
  std::vector<std::string> eeg;
  for (const auto& s : streams) {
    if (s["source_format"] == "EDF+C") eeg.push_back(s["name"]);
  }
  ASSERT_FALSE(eeg.empty());
  const std::string out = (dir_ / "export.edf").string();
  std::vector<std::string> exp = {"export", store_, "example"};
  exp.insert(exp.end(), eeg.begin(), eeg.end());
  exp.insert(exp.end(), {"--edf", out});
  r = RunJumeau(exp);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string store2 = (dir_ / "second.jumeau").string();
  ASSERT_EQ(RunJumeau({"init", store2}).exit_code, 0);
  r = RunJumeau({"ingest", store2, out, "--patient", "copy"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto a = *store::OpenSqliteStore(store_);
  auto b = *store::OpenSqliteStore(store2);
  const auto pa = *a->FindPatient("example");
  const auto pb = *b->FindPatient("copy");
  for (const auto& name : eeg) {
    const auto sa = *a->FindStream(pa.id, name);
    const auto sb = *b->FindStream(pb.id, sa.signal.label);
    EXPECT_EQ(sa.signal.rate, sb.signal.rate);
    EXPECT_EQ(sa.signal.unit, sb.signal.unit);
    EXPECT_EQ(sa.signal.start, sb.signal.start);
    EXPECT_EQ(*a->ReadSamples(sa.id, 0, sa.sample_count),
              *b->ReadSamples(sb.id, 0, sb.sample_count))
        << name;
  }
  // The EEG source's annotations travel with the export, at the same instants.
  const store::SourceId eeg_source =
      a->FindStream(pa.id, eeg.front())->source_id;
  std::vector<Event> expected;
  for (const auto& e : *a->Events(pa.id, store::EventQuery{})) {
    if (e.source_id == eeg_source) expected.push_back(e.event);
  }
  const auto copied = *b->Events(pb.id, store::EventQuery{});
  ASSERT_EQ(copied.size(), expected.size());
  ASSERT_FALSE(expected.empty());
  for (size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(copied[i].event.time, expected[i].time) << i;
    EXPECT_EQ(copied[i].event.text, expected[i].text) << i;
  }
}

// The whole example patient across scales: the sources of its WFDB record
// (identity "wfdb-record:ecg") and of its FHIR history (identity
// "fhir-patient:...") are ingested without --patient, become two patients,
// and `link` merges them; then genotype, score and timeline.
TEST_F(CliTest, ExamplePatientAcrossScalesLinkGenotypeScoreTimeline) {
  const auto ex = dir_ / "example";
  auto r = RunJumeau({"ingest", store_, (ex / "ecg.hea").string(),
                      (ex / "history.json").string(), "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto report = nlohmann::json::parse(r.out);
  ASSERT_EQ(report.size(), 2u);
  const std::string ecg_patient = report[0]["patient"];
  const std::string history_patient = report[1]["patient"];
  EXPECT_NE(ecg_patient, history_patient);
  EXPECT_EQ(report[1]["resources_by_type"]["Patient"], 1);
  EXPECT_GT(report[1]["resources_by_type"]["Observation"], 100);

  // The genome and the wearable week go to the history's patient.
  r = RunJumeau({"ingest", store_, (ex / "genome.vcf").string(),
                 (ex / "wearable.csv").string(), "--patient", history_patient,
                 "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  report = nlohmann::json::parse(r.out);
  EXPECT_GT(report[0]["variants"], 1000);
  EXPECT_GT(report[1]["signals"], 0);

  // Linking the record's identity merges the ECG's patient into it.
  r = RunJumeau({"link", store_, "--source-id", "wfdb-record:ecg", "--patient",
                 history_patient, "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(nlohmann::json::parse(r.out)["merged_from"], ecg_patient);
  r = RunJumeau({"patients", store_, "--json"});
  const auto patients = nlohmann::json::parse(r.out);
  ASSERT_EQ(patients.size(), 1u);
  EXPECT_EQ(patients[0]["birth"].get<std::string>().size(), 4u)
      << "birth date generalised to the year";
  EXPECT_EQ(RunJumeau({"link", store_, "--source-id", "no-kind", "--patient",
                       "x"})
                .exit_code,
            2);

  // Blood pressure components of the 85354-9 panel, with UCUM units.
  r = RunJumeau({"events", store_, history_patient, "--code", "8480-6",
                 "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto systolic = nlohmann::json::parse(r.out);
  ASSERT_GT(systolic.size(), 20u);
  EXPECT_EQ(systolic[0]["unit"], "mm[Hg]");
  EXPECT_EQ(systolic[0]["origin"], "Observation");
  EXPECT_EQ(systolic[0]["status"], "final");

  r = RunJumeau({"genotype", store_, history_patient, "--region",
                 "chr1:1-50000000", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto g = nlohmann::json::parse(r.out);
  EXPECT_EQ(g["genome_build"], "GRCh38");
  ASSERT_GT(g["variants"].size(), 0u);
  for (const auto& v : g["variants"]) {
    EXPECT_EQ(v["chrom"], "1") << "chromosomes are stored canonically";
    EXPECT_LE(v["pos"].get<int64_t>(), 50000000);
  }
  EXPECT_EQ(RunJumeau({"genotype", store_, history_patient, "--region",
                       "chr1:x-y"})
                .exit_code,
            2);

  r = RunJumeau({"score", store_, history_patient, "--pgs",
                 (ex / "score.txt").string(), "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto score = nlohmann::json::parse(r.out);
  EXPECT_GE(score["overlap"].get<double>(), 0.75);
  EXPECT_FALSE(score["already_stored"]);
  r = RunJumeau({"score", store_, history_patient, "--pgs",
                 (ex / "score.txt").string(), "--json"});
  EXPECT_TRUE(nlohmann::json::parse(r.out)["already_stored"]);
  r = RunJumeau({"events", store_, history_patient, "--origin", "jumeau score",
                 "--json"});
  const auto stored = nlohmann::json::parse(r.out);
  ASSERT_EQ(stored.size(), 1u);
  EXPECT_DOUBLE_EQ(stored[0]["value"].get<double>(),
                   score["sum"].get<double>());

  r = RunJumeau({"timeline", store_, history_patient});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("clinical history 1976-2021"), std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("WFDB 2 signals (MLII, V2) 30 min at 360 Hz on "
                       "2019-03-02"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("genotype"), std::string::npos) << r.out;
  r = RunJumeau({"timeline", store_, history_patient, "--from",
                 "2019-03-02T07:50:00Z", "--to", "2019-03-02T08:00:01Z",
                 "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto window = nlohmann::json::parse(r.out)["window"];
  bool heart_rate = false;
  for (const auto& e : window) heart_rate |= e["code"] == "8867-4";
  EXPECT_TRUE(heart_rate) << window.dump();
}

TEST_F(CliTest, BadInputIsOneLineNamingTheFileAndLeavesTheStoreUnchanged) {
  const auto edf = dir_ / "example" / "eeg.edf";
  ASSERT_TRUE(std::filesystem::exists(edf));
  const std::string bytes = ReadFile(edf);
  struct Case {
    std::string name;
    std::string content;
  };
  std::string bad_count = bytes;
  bad_count.replace(252, 4, "-3  ");
  std::string non_ascii = bytes;
  non_ascii[100] = static_cast<char>(0xE9);
  const std::vector<Case> cases = {
      {"truncated.edf", bytes.substr(0, bytes.size() - 1000)},
      {"header_only.edf", bytes.substr(0, 200)},
      {"bad_count.edf", bad_count},
      {"non_ascii.edf", non_ascii},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    const auto path = dir_ / c.name;
    std::ofstream(path, std::ios::binary) << c.content;
    const auto r =
        RunJumeau({"ingest", store_, path.string(), "--patient", "x"});
    EXPECT_NE(r.exit_code, 0);
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_NE(r.err.find(c.name), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("offset"), std::string::npos) << r.err;
  }
  // A bad WFDB checksum.
  const auto hea = dir_ / "example" / "ecg.hea";
  std::string header = ReadFile(hea);
  const auto bad_dir = dir_ / "badsum";
  std::filesystem::create_directories(bad_dir);
  std::filesystem::copy_file(dir_ / "example" / "ecg.dat", bad_dir / "ecg.dat");
  // Change the checksum field (7th) of the first signal line.
  std::istringstream lines(header);
  std::string first, second, rest;
  std::getline(lines, first);
  std::getline(lines, second);
  std::istringstream fields(second);
  std::vector<std::string> f;
  std::string tok;
  while (fields >> tok) f.push_back(tok);
  ASSERT_GE(f.size(), 7u);
  f[6] = std::to_string((std::stoi(f[6]) + 1) % 32768);
  std::string new_second;
  for (const auto& x : f) new_second += (new_second.empty() ? "" : " ") + x;
  std::ofstream(bad_dir / "ecg.hea")
      << first << "\n"
      << new_second << "\n"
      << header.substr(first.size() + second.size() + 2);
  auto r = RunJumeau(
      {"ingest", store_, (bad_dir / "ecg.hea").string(), "--patient", "x"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("checksum"), std::string::npos) << r.err;

  r = RunJumeau({"ingest", store_, (dir_ / "nope.edf").string()});
  EXPECT_NE(r.exit_code, 0);
  r = RunJumeau({"ingest", store_, (dir_ / "example" / "README.txt").string()});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("unknown format"), std::string::npos) << r.err;

  // Clinical sources broken far into the file, after many records were
  // already handed to the store: still nothing is stored.
  const std::string history = ReadFile(dir_ / "example" / "history.json");
  std::string genome = ReadFile(dir_ / "example" / "genome.vcf");
  const size_t late_record = genome.find("\nchr20\t");
  ASSERT_NE(late_record, std::string::npos);
  const size_t gt = genome.find("\t0/", late_record + 1);
  ASSERT_NE(gt, std::string::npos);
  genome.replace(gt + 1, 3, "0/x");
  std::string wearable = ReadFile(dir_ / "example" / "wearable.csv");
  size_t row = 0;
  for (int k = 0; k < 5000; ++k) row = wearable.find('\n', row + 1);
  const size_t comma = wearable.find(',', row + 1);
  ASSERT_NE(comma, std::string::npos);
  wearable.insert(comma + 1, "abc");
  const std::vector<Case> clinical = {
      {"history_cut.json", history.substr(0, history.size() * 9 / 10)},
      {"genome_bad.vcf", genome},
      {"wearable_bad.csv", wearable},
  };
  std::filesystem::copy_file(dir_ / "example" / "wearable.mapping.ini",
                             dir_ / "wearable_bad.mapping.ini");
  for (const auto& c : clinical) {
    SCOPED_TRACE(c.name);
    const auto path = dir_ / c.name;
    std::ofstream(path, std::ios::binary) << c.content;
    const auto bad =
        RunJumeau({"ingest", store_, path.string(), "--patient", "x"});
    EXPECT_EQ(bad.exit_code, 4) << bad.err;
    EXPECT_EQ(std::count(bad.err.begin(), bad.err.end(), '\n'), 1) << bad.err;
    EXPECT_NE(bad.err.find(c.name), std::string::npos) << bad.err;
    EXPECT_NE(bad.err.find("line"), std::string::npos) << bad.err;
  }

  auto store = *store::OpenSqliteStore(store_);
  EXPECT_TRUE(store->Patients()->empty()) << "nothing was stored";
  EXPECT_TRUE(store->CheckIntegrity().ok());

  // Bad query arguments.
  r = RunJumeau({"patients", (dir_ / "missing.jumeau").string()});
  EXPECT_EQ(r.exit_code, 3);
  r = RunJumeau({"streams", store_, "nobody"});
  EXPECT_EQ(r.exit_code, 3);
}

}  // namespace
}  // namespace jumeau

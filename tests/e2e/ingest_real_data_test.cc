// End to end over the real public data: `jumeau ingest` of every MIT-BIH
// record, the other WFDB records and every EDF file, then the store's samples
// checked against independent references (the WFDB header checksums, parsed
// here; EDFlib's digital samples and annotations).
#include <edflib.h>
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <sstream>

#include "jumeau/store/sqlite_store.h"
#include "jumeau/testing/test_data.h"
#include "tests/e2e/cli_runner.h"

namespace jumeau {
namespace {

using testing::RunJumeau;

// label → checksum, from the signal lines of a WFDB header (field 7).
std::map<std::string, int> HeaderChecksums(const std::filesystem::path& hea) {
  std::ifstream in(hea);
  std::string line;
  std::getline(in, line);  // record line
  std::map<std::string, int> out;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line[0] == '#') continue;
    std::istringstream fields(line);
    std::string file, format, gain, resolution, zero, initial, checksum, block,
        label;
    fields >> file >> format >> gain >> resolution >> zero >> initial >>
        checksum >> block >> label;
    out[label] = std::stoi(checksum);
  }
  return out;
}

// EDFlib refuses S001R03.edf because its annotation signal has a non-blank
// prefilter field (EDF+ requires blanks there). Returns a scratch copy with
// only that field blanked, so EDFlib can serve as the reference; samples and
// annotations are untouched.
std::filesystem::path EdflibReadableCopy(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)),
                    std::istreambuf_iterator<char>());
  const int ns = std::stoi(bytes.substr(252, 4));
  for (int i = 0; i < ns; ++i) {
    if (bytes.compare(256 + i * 16, 15, "EDF Annotations") == 0) {
      bytes.replace(256 + ns * 136 + i * 80, 80, std::string(80, ' '));
    }
  }
  const auto copy =
      testing::ScratchDir() / ("edflib-" + file.filename().string());
  std::ofstream(copy, std::ios::binary) << bytes;
  return copy;
}

int Checksum16(const std::vector<int32_t>& samples) {
  int16_t sum = 0;
  for (int32_t v : samples) sum = static_cast<int16_t>(sum + v);
  return sum;
}

TEST(IngestRealData, EveryMitBihRecordMatchesItsHeaderChecksums) {
  JUMEAU_REQUIRE_TEST_DATA(mitdb, "wfdb/mitdb");
  const auto dir = testing::ScratchDir();
  const std::string store_path = (dir / "mitdb.jumeau").string();
  ASSERT_EQ(RunJumeau({"init", store_path}).exit_code, 0);
  std::vector<std::string> args = {"ingest", store_path};
  std::vector<std::filesystem::path> headers;
  for (const auto& e : std::filesystem::directory_iterator(mitdb)) {
    if (e.path().extension() == ".hea") headers.push_back(e.path());
  }
  std::sort(headers.begin(), headers.end());
  ASSERT_EQ(headers.size(), 19u);
  for (const auto& h : headers) args.push_back(h.string());
  const auto r = RunJumeau(args);
  ASSERT_EQ(r.exit_code, 0) << r.err;

  auto store = store::OpenSqliteStore(store_path);
  ASSERT_TRUE(store.ok());
  auto patients = (*store)->Patients();
  ASSERT_TRUE(patients.ok());
  ASSERT_EQ(patients->size(), 19u) << "one pseudonymous patient per record";
  int checked = 0;
  int64_t beats_100 = -1;
  for (const auto& p : *patients) {
    const auto streams = *(*store)->Streams(p.id);
    ASSERT_EQ(streams.size(), 2u);
    // Find which record this patient is: match checksums against every header.
    bool matched = false;
    for (const auto& h : headers) {
      const auto sums = HeaderChecksums(h);
      bool all = true;
      for (const auto& s : streams) {
        auto it = sums.find(s.signal.label);
        const auto samples = *(*store)->ReadSamples(s.id, 0, s.sample_count);
        all = all && it != sums.end() && s.sample_count == 650000 &&
              Checksum16(samples) == it->second;
      }
      if (all) {
        matched = true;
        ++checked;
        if (h.stem() == "100") {
          store::EventQuery q;
          beats_100 = static_cast<int64_t>((*store)->Events(p.id, q)->size());
        }
        break;
      }
    }
    EXPECT_TRUE(matched) << "patient " << p.pseudonym
                         << " matches no header's checksums";
    EXPECT_EQ(streams[0].signal.rate, SampleRate(360, 1));
    EXPECT_EQ(streams[0].signal.unit, "mV");
  }
  EXPECT_EQ(checked, 19);
  EXPECT_EQ(beats_100, 2274) << "100.atr holds 2274 annotations";

  // Ingesting the same records again stores nothing new.
  const auto again = RunJumeau(args);
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_NE(again.out.find("already ingested"), std::string::npos);
  EXPECT_EQ((*store)->Patients()->size(), 19u);
  int64_t sources = 0;
  for (const auto& p : *(*store)->Patients()) sources += p.source_count;
  EXPECT_EQ(sources, 19);
  EXPECT_TRUE((*store)->CheckIntegrity().ok());
}

TEST(IngestRealData, OtherWfdbRecordsHaveTheirRates) {
  JUMEAU_REQUIRE_TEST_DATA(other, "wfdb/other");
  const std::string store_path =
      (testing::ScratchDir() / "other.jumeau").string();
  ASSERT_EQ(RunJumeau({"init", store_path}).exit_code, 0);
  const auto r =
      RunJumeau({"ingest", store_path, (other / "03700181.hea").string(),
                 (other / "v131l.hea").string(), "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto store = *store::OpenSqliteStore(store_path);
  std::map<std::string, std::pair<SampleRate, int64_t>> seen;
  for (const auto& p : *store->Patients()) {
    for (const auto& s : *store->Streams(p.id)) {
      seen[s.signal.label + "@" + std::to_string(s.signal.rate.numerator())] = {
          s.signal.rate, s.sample_count};
    }
  }
  EXPECT_EQ(seen["MCL1@500"].second, 300000);
  EXPECT_EQ(seen["ABP@125"].second, 75000);
  EXPECT_TRUE(seen.count("RESP@125"));
  EXPECT_EQ(seen["II@250"].second, 82500);
  EXPECT_EQ(seen["ABP@250"].second, 82500);
  // Each annotation file keeps its annotator as the events' origin.
  std::map<std::string, size_t> by_origin, beats_by_origin;
  for (const auto& p : *store->Patients()) {
    for (const auto& e : *store->Events(p.id, store::EventQuery{})) {
      ++by_origin[e.event.origin];
      if (e.event.code.code == "N") ++beats_by_origin[e.event.origin];
    }
  }
  EXPECT_EQ(beats_by_origin["gqrsh"], 1150u);
  EXPECT_EQ(beats_by_origin["sqrs"], 1195u);
  EXPECT_GT(by_origin["gqrsl"], 0u);
  EXPECT_EQ(by_origin["wabp2"], 392u);
}

TEST(IngestRealData, EveryEdfMatchesEdflibDigitalSamplesAndAnnotations) {
  JUMEAU_REQUIRE_TEST_DATA(edf_dir, "edf");
  for (const char* name :
       {"S001R03.edf", "SC4001EC-Hypnogram.edf", "test_generator_2.edf",
        "test_bdf_stim_channel.bdf"}) {
    SCOPED_TRACE(name);
    const auto file = edf_dir / name;
    const std::string store_path =
        (testing::ScratchDir() / (std::string(name) + ".jumeau")).string();
    ASSERT_EQ(RunJumeau({"init", store_path}).exit_code, 0);
    const auto r =
        RunJumeau({"ingest", store_path, file.string(), "--patient", "p"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto store = *store::OpenSqliteStore(store_path);
    const auto patient = *store->FindPatient("p");
    const auto streams = *store->Streams(patient.id);

    edf_hdr_struct hdr;
    const auto reference = EdflibReadableCopy(file);
    ASSERT_EQ(edfopen_file_readonly(reference.c_str(), &hdr,
                                    EDFLIB_READ_ALL_ANNOTATIONS),
              0)
        << "EDFlib cannot open " << name;
    ASSERT_EQ(static_cast<size_t>(hdr.edfsignals), streams.size());
    for (int s = 0; s < hdr.edfsignals; ++s) {
      const auto& info = streams[s];
      const int64_t n = hdr.signalparam[s].smp_in_file;
      ASSERT_EQ(info.sample_count, n) << hdr.signalparam[s].label;
      std::vector<int> expected(static_cast<size_t>(n));
      edfseek(hdr.handle, s, 0, EDFSEEK_SET);
      ASSERT_EQ(edfread_digital_samples(hdr.handle, s, static_cast<int>(n),
                                        expected.data()),
                n);
      const auto got = *store->ReadSamples(info.id, 0, n);
      ASSERT_TRUE(std::equal(got.begin(), got.end(), expected.begin()))
          << "signal " << s;
    }
    const auto events = *store->Events(patient.id, store::EventQuery{});
    ASSERT_EQ(events.size(), static_cast<size_t>(hdr.annotations_in_file));
    long long first_onset = 0;
    for (long long i = 0; i < hdr.annotations_in_file; ++i) {
      edf_annotation_struct a;
      ASSERT_EQ(edf_get_annotation(hdr.handle, static_cast<int>(i), &a), 0);
      if (i == 0) first_onset = a.onset;
      // EDFlib onsets are in units of 100 ns: compare onsets relative to the
      // first.
      EXPECT_EQ((events[i].event.time - events[0].event.time).ns,
                (a.onset - first_onset) * 100)
          << i;
      EXPECT_EQ(events[i].event.text, std::string(a.annotation)) << i;
    }
    edfclose_file(hdr.handle);
  }
}

TEST(IngestRealData, S001R03AnnotationsAtExactOnsets) {
  JUMEAU_REQUIRE_TEST_DATA(file, "edf/S001R03.edf");
  const std::string store_path = (testing::ScratchDir() / "s.jumeau").string();
  ASSERT_EQ(RunJumeau({"init", store_path}).exit_code, 0);
  ASSERT_EQ(
      RunJumeau({"ingest", store_path, file.string(), "--patient", "s001"})
          .exit_code,
      0);
  auto store = *store::OpenSqliteStore(store_path);
  const auto patient = *store->FindPatient("s001");
  const Time start = store->Streams(patient.id)->front().signal.start;
  edf_hdr_struct hdr;
  const auto reference = EdflibReadableCopy(file);
  ASSERT_EQ(edfopen_file_readonly(reference.c_str(), &hdr,
                                  EDFLIB_READ_ALL_ANNOTATIONS),
            0);
  const auto events = *store->Events(patient.id, store::EventQuery{});
  ASSERT_EQ(events.size(), 30u);
  for (int i = 0; i < 30; ++i) {
    edf_annotation_struct a;
    ASSERT_EQ(edf_get_annotation(hdr.handle, i, &a), 0);
    EXPECT_EQ((events[i].event.time - start).ns, a.onset * 100) << i;
    EXPECT_EQ(events[i].event.code.code, std::string(a.annotation));
  }
  edfclose_file(hdr.handle);
}

}  // namespace
}  // namespace jumeau

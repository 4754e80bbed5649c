#include "jumeau/store/sqlite_store.h"

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <random>

#include "jumeau/store/internal/sqlite.h"
#include "jumeau/store/schema.h"
#include "jumeau/testing/test_data.h"

namespace jumeau::store {
namespace {

class FakeClock final : public Clock {
 public:
  Time Now() const override { return Time{1700000000LL * 1000000000}; }
};

Signal MakeSignal(const std::string& label, int64_t n, int seed) {
  Signal s;
  s.label = label;
  s.unit = "mV";
  s.source_unit = "mV";
  s.rate = SampleRate(360, 1);
  s.start = *ParseIso8601("2019-03-02T08:00:00Z");
  s.scale = 1.0 / 200;
  s.offset = -1024.0 / 200;
  s.digital_min = -2048;
  s.digital_max = 2047;
  s.bits = 12;
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int32_t> noise(-20, 20);
  s.samples.resize(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) {
    s.samples[i] = static_cast<int32_t>(1000 * std::sin(i * 0.01)) + noise(rng);
  }
  return s;
}

SourceDescription Describe(const std::string& hash) {
  SourceDescription d;
  d.content_hash = hash;
  d.format = "TEST";
  d.reader = "test";
  d.reader_version = "1";
  return d;
}

PatientIdentity Identity(const std::string& key) {
  PatientIdentity id;
  id.keys = {key};
  return id;
}

// A source transaction and the patient its identity resolves to.
struct Open {
  std::unique_ptr<SourceTransaction> txn;
  PatientId patient = 0;
};
Open Begin(Store& store, const SourceDescription& d, const std::string& key) {
  Open o;
  auto txn = store.BeginSource(d);
  EXPECT_TRUE(txn.ok()) << txn.status().ToString();
  if (!txn.ok()) return o;
  o.txn = std::move(txn).value();
  auto p = o.txn->Patient(Identity(key));
  EXPECT_TRUE(p.ok()) << p.status().ToString();
  o.patient = p.ok() ? *p : 0;
  return o;
}

class SqliteStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = testing::ScratchDir() / "store.jumeau";
    auto s = CreateSqliteStore(path_, {}, clock_);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(s).value();
  }
  FakeClock clock_;
  std::filesystem::path path_;
  std::unique_ptr<Store> store_;
};

TEST_F(SqliteStoreTest, CreateRefusesExistingAndOpenFindsStore) {
  EXPECT_EQ(CreateSqliteStore(path_).status().code(),
            StatusCode::kAlreadyExists);
  auto reopened = OpenSqliteStore(path_);
  EXPECT_TRUE(reopened.ok()) << reopened.status().ToString();
  EXPECT_EQ(OpenSqliteStore(path_.string() + ".nope").status().code(),
            StatusCode::kNotFound);
  const auto junk = testing::ScratchDir() / "junk";
  std::ofstream(junk) << "not a database";
  EXPECT_FALSE(OpenSqliteStore(junk).ok());
}

TEST_F(SqliteStoreTest, SamplesRoundTripExactly) {
  const Signal sig = MakeSignal("MLII", 650000, 1);
  {
    Open o = Begin(*store_, Describe("h1"), "wfdb-record:100");
    ASSERT_TRUE(o.txn);
    auto w = o.txn->AddSignal(o.patient, sig);
    ASSERT_TRUE(w.ok());
    ASSERT_TRUE(o.txn->Commit().ok());
  }
  auto patients = store_->Patients();
  ASSERT_TRUE(patients.ok());
  ASSERT_EQ(patients->size(), 1u);
  const auto& p = patients->front();
  EXPECT_EQ(p.pseudonym.substr(0, 2), "p-");
  EXPECT_EQ(p.pseudonym.find("100"), std::string::npos);
  auto streams = store_->Streams(p.id);
  ASSERT_TRUE(streams.ok());
  ASSERT_EQ(streams->size(), 1u);
  const StreamInfo& info = streams->front();
  EXPECT_EQ(info.sample_count, 650000);
  EXPECT_EQ(info.signal.rate, SampleRate(360, 1));
  EXPECT_EQ(info.signal.unit, "mV");
  auto all = store_->ReadSamples(info.id, 0, 650000);
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(*all, sig.samples);
  auto part = store_->ReadSamples(info.id, 65530, 20);
  ASSERT_TRUE(part.ok());
  EXPECT_EQ(*part, std::vector<int32_t>(sig.samples.begin() + 65530,
                                        sig.samples.begin() + 65550));
  EXPECT_TRUE(store_->CheckIntegrity().ok());
}

TEST_F(SqliteStoreTest, WindowsExactAndReducedMatchBruteForce) {
  const Signal sig = MakeSignal("V5", 650000, 2);
  {
    Open o = Begin(*store_, Describe("h2"), "wfdb-record:101");
    ASSERT_TRUE(o.txn);
    ASSERT_TRUE(o.txn->AddSignal(o.patient, sig).ok());
    ASSERT_TRUE(o.txn->Commit().ok());
  }
  const auto patient = store_->Patients()->front();
  const StreamInfo info = *store_->FindStream(patient.id, "V5");
  // Exact: 100 samples from sample 1000.
  const Time t0 = sig.TimeOfSample(1000);
  auto exact = store_->ReadWindow(info.id, t0, sig.TimeOfSample(1100), 2000);
  ASSERT_TRUE(exact.ok());
  EXPECT_TRUE(exact->exact);
  ASSERT_EQ(exact->samples.size(), 100u);
  EXPECT_EQ(exact->samples[0], sig.samples[1000]);
  EXPECT_EQ(exact->times[0], t0);
  // Reduced at several zooms: every bucket's min/max equal the brute-force
  // min/max of the samples in its [start, end).
  for (int64_t span : {int64_t{5000}, int64_t{60000}, int64_t{650000}}) {
    auto w = store_->ReadWindow(info.id, sig.TimeOfSample(0),
                                sig.TimeOfSample(span), 500);
    ASSERT_TRUE(w.ok()) << w.status().ToString();
    EXPECT_FALSE(w->exact);
    EXPECT_LE(w->buckets.size(), 500u);
    EXPECT_GE(w->buckets.size(), 400u);
    int64_t covered = 0;
    for (const Bucket& b : w->buckets) {
      const int64_t a = sig.rate.SampleAtOrAfter(b.start - sig.start);
      const int64_t e = sig.rate.SampleAtOrAfter(b.end - sig.start);
      ASSERT_EQ(e - a, b.count);
      int32_t lo = INT32_MAX, hi = INT32_MIN;
      for (int64_t i = a; i < e; ++i) {
        lo = std::min(lo, sig.samples[i]);
        hi = std::max(hi, sig.samples[i]);
      }
      EXPECT_EQ(b.min, lo);
      EXPECT_EQ(b.max, hi);
      covered += b.count;
    }
    EXPECT_GE(covered, span);
    if (span >= 650000) {
      EXPECT_GE(w->pyramid_level, 1) << "served from the pyramid";
    }
  }
  EXPECT_FALSE(store_->ReadWindow(info.id, t0, t0, 10).ok());
  EXPECT_FALSE(
      store_->ReadWindow(info.id, t0, t0 + Duration::Seconds(1), 0).ok());
  // A window beyond the data is empty, not an error.
  auto beyond = store_->ReadWindow(info.id, sig.TimeOfSample(700000),
                                   sig.TimeOfSample(800000), 10);
  ASSERT_TRUE(beyond.ok());
  EXPECT_TRUE(beyond->samples.empty() && beyond->buckets.empty());
}

TEST_F(SqliteStoreTest, UncommittedSourceLeavesNothing) {
  {
    Open o = Begin(*store_, Describe("h3"), "edf-patient:someone");
    ASSERT_TRUE(o.txn);
    ASSERT_TRUE(o.txn->AddSignal(o.patient, MakeSignal("Fp1", 100000, 3)).ok());
    Event e;
    e.time = Time{5};
    e.code = Code{code_system::kEdfAnnotation, "T0", ""};
    ASSERT_TRUE(o.txn->AddEvents(o.patient, std::vector<Event>{e}).ok());
    // destroyed without Commit()
  }
  EXPECT_TRUE(store_->Patients()->empty());
  // And the same content can then be ingested.
  Open o = Begin(*store_, Describe("h3"), "edf-patient:someone");
  ASSERT_TRUE(o.txn);
  ASSERT_TRUE(o.txn->Commit().ok());
  EXPECT_EQ(store_->Patients()->size(), 1u);
}

TEST_F(SqliteStoreTest, DuplicateContentIsRefused) {
  {
    auto txn = store_->BeginSource(Describe("same"));
    ASSERT_TRUE(txn.ok());
    ASSERT_TRUE((*txn)->Commit().ok());
  }
  auto again = store_->BeginSource(Describe("same"));
  EXPECT_EQ(again.status().code(), StatusCode::kAlreadyExists);
  // The store is usable afterwards.
  EXPECT_TRUE(store_->BeginSource(Describe("other")).ok());
}

TEST_F(SqliteStoreTest, IdentitiesLinkToOnePseudonymAndExplicitPatientsWin) {
  for (const char* h : {"a", "b"}) {
    Open o = Begin(*store_, Describe(h), "edf-patient:MCH-0234567 F 02-MAY-1951");
    ASSERT_TRUE(o.txn);
    ASSERT_TRUE(o.txn->Commit().ok());
  }
  EXPECT_EQ(store_->Patients()->size(), 1u);
  EXPECT_EQ(store_->Patients()->front().source_count, 2);
  SourceDescription d = Describe("c");
  d.patient_pseudonym = "alice-twin";
  {
    Open o = Begin(*store_, d, "wfdb-record:200");
    ASSERT_TRUE(o.txn);
    // --patient: a second person in the same source is refused.
    EXPECT_EQ(o.txn->Patient(Identity("wfdb-record:201")).status().code(),
              StatusCode::kInvalidArgument);
    ASSERT_TRUE(o.txn->Commit().ok());
  }
  EXPECT_TRUE(store_->FindPatient("alice-twin").ok());
  // The identity is now linked to alice-twin.
  {
    Open o = Begin(*store_, Describe("d"), "wfdb-record:200");
    EXPECT_EQ(o.patient, store_->FindPatient("alice-twin")->id);
  }
  EXPECT_EQ(store_->FindPatient("bob").status().code(), StatusCode::kNotFound);
}

TEST_F(SqliteStoreTest, OneSourceManyPatientsAndKeysOfOnePersonMerge) {
  {
    Open o = Begin(*store_, Describe("bulk"), "fhir-patient:1");
    ASSERT_TRUE(o.txn);
    auto second = o.txn->Patient(Identity("fhir-patient:2"));
    ASSERT_TRUE(second.ok());
    EXPECT_NE(*second, o.patient);
    // The same primary key again is the same patient, and its extra keys
    // are linked to it.
    PatientIdentity again;
    again.keys = {"fhir-patient:1", "identifier:urn:mrn|12345"};
    again.birth_date = CivilTime{1951, 5, 2};
    again.sex = "female";
    EXPECT_EQ(*o.txn->Patient(again), o.patient);
    ASSERT_TRUE(o.txn->Commit().ok());
  }
  ASSERT_EQ(store_->Patients()->size(), 2u);
  // Another source names the person by the shared identifier only.
  Open o = Begin(*store_, Describe("lab"), "identifier:urn:mrn|12345");
  ASSERT_TRUE(o.txn);
  ASSERT_TRUE(o.txn->Commit().ok());
  auto patients = *store_->Patients();
  ASSERT_EQ(patients.size(), 2u);
  int with_two_sources = 0;
  for (const auto& p : patients) {
    if (p.source_count == 2) {
      ++with_two_sources;
      EXPECT_EQ(p.birth, "1951") << "generalised to the year by default";
      EXPECT_EQ(p.sex, "female");
    }
  }
  EXPECT_EQ(with_two_sources, 1);
}

TEST_F(SqliteStoreTest, LinkMovesRecordsAndMergesPatients) {
  {
    Open o = Begin(*store_, Describe("ecg"), "wfdb-record:100");
    ASSERT_TRUE(o.txn->AddSignal(o.patient, MakeSignal("MLII", 1000, 1)).ok());
    Event e;
    e.time = Time{5};
    e.code = Code{code_system::kWfdbAnnotation, "N", ""};
    ASSERT_TRUE(o.txn->AddEvents(o.patient, std::vector<Event>{e}).ok());
    ASSERT_TRUE(o.txn->Commit().ok());
  }
  {
    SourceDescription d = Describe("ecg2");
    d.patient_pseudonym = "alice";
    Open o = Begin(*store_, d, "wfdb-record:101");
    ASSERT_TRUE(o.txn->AddSignal(o.patient, MakeSignal("MLII", 1000, 2)).ok());
    ASSERT_TRUE(o.txn->Commit().ok());
  }
  ASSERT_EQ(store_->Patients()->size(), 2u);
  auto linked = store_->Link("wfdb-record:100", "alice");
  ASSERT_TRUE(linked.ok()) << linked.status().ToString();
  EXPECT_FALSE(linked->created);
  EXPECT_EQ(linked->merged_from.substr(0, 2), "p-");
  auto patients = *store_->Patients();
  ASSERT_EQ(patients.size(), 1u);
  EXPECT_EQ(patients[0].pseudonym, "alice");
  EXPECT_EQ(patients[0].stream_count, 2);
  EXPECT_EQ(patients[0].event_count, 1);
  EXPECT_EQ(patients[0].source_count, 2);
  EXPECT_TRUE(store_->FindStream(patients[0].id, "MLII (2)").ok());
  // A key not yet seen: later ingests land in the patient.
  ASSERT_TRUE(store_->Link("vcf-sample:NA12878", "bob")->created);
  Open o = Begin(*store_, Describe("vcf"), "vcf-sample:NA12878");
  EXPECT_EQ(o.patient, store_->FindPatient("bob")->id);
  o.txn.reset();
  EXPECT_TRUE(store_->CheckIntegrity().ok());
}

TEST_F(SqliteStoreTest, GenotypesRoundTripAndQueryByRegionAndId) {
  GenotypeTable table({"s1", "s2"}, /*with_dosages=*/true);
  table.set_genome_build(kGrch38);
  for (int i = 0; i < 5000; ++i) {
    const char* chrom = i < 3000 ? "chr1" : "chr2";
    const size_t v = table.AddVariant(chrom, 1000 + i * 10,
                                      "rs" + std::to_string(i), "A", "G",
                                      i == 7 ? kVariantMultiallelic : 0);
    table.mutable_alt_count_row(v)[0] = static_cast<int8_t>(i % 3);
    table.mutable_alt_count_row(v)[1] =
        i % 11 == 0 ? kMissingCall : static_cast<int8_t>((i / 3) % 3);
    table.mutable_call_flags_row(v)[0] = kCallPhased;
    table.mutable_dosage_row(v)[0] = 0.5f * static_cast<float>(i % 5);
  }
  {
    auto txn = store_->BeginSource(Describe("vcf"));
    ASSERT_TRUE(txn.ok());
    const PatientId p1 = *(*txn)->Patient(Identity("vcf-sample:s1"));
    const PatientId p2 = *(*txn)->Patient(Identity("vcf-sample:s2"));
    const std::vector<PatientId> patients = {p1, p2};
    ASSERT_TRUE((*txn)->AddGenotypes(table, patients).ok());
    ASSERT_TRUE((*txn)->Commit().ok());
  }
  const auto all_patients = *store_->Patients();
  ASSERT_EQ(all_patients.size(), 2u);
  // Find s1's patient: the one whose calls equal column 0.
  for (const auto& p : all_patients) {
    EXPECT_EQ(p.variant_count, 5000);
    auto all = store_->Genotypes(p.id, GenotypeQuery{});
    ASSERT_TRUE(all.ok()) << all.status().ToString();
    ASSERT_EQ(all->variant_count(), 5000u);
    EXPECT_EQ(all->genome_build(), kGrch38);
    EXPECT_EQ(all->sample_ids(), std::vector<std::string>{p.pseudonym});
    int column = all->alt_count(1, 0) == table.alt_count(1, 0) &&
                         all->alt_count(3, 0) == table.alt_count(3, 0) &&
                         all->call_flags(0, 0) == kCallPhased
                     ? 0
                     : 1;
    for (size_t v = 0; v < 5000; ++v) {
      ASSERT_EQ(all->position(v), table.position(v));
      ASSERT_EQ(all->id(v), table.id(v));
      ASSERT_EQ(all->alt_count(v, 0), table.alt_count(v, column)) << v;
      ASSERT_EQ(all->multiallelic(v), v == 7);
      const float d = table.dosage(v, column);
      if (std::isnan(d)) {
        ASSERT_TRUE(std::isnan(all->dosage(v, 0)));
      } else {
        ASSERT_EQ(all->dosage(v, 0), d);
      }
    }
    auto sets_or = store_->GenotypeSets(p.id);
    ASSERT_TRUE(sets_or.ok()) << sets_or.status().ToString();
    auto sets = *sets_or;
    ASSERT_EQ(sets.size(), 1u);
    EXPECT_EQ(sets[0].variant_count, 5000);
    EXPECT_EQ(sets[0].called, column == 0 ? 5000 : 5000 - 455);
  }
  const PatientId p = all_patients[0].id;
  GenotypeQuery region;
  region.region = "1:1,500-1,600";
  auto r = store_->Genotypes(p, region);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->variant_count(), 11u);
  EXPECT_EQ(r->position(0), 1500);
  region.region = "chr2";
  EXPECT_EQ(store_->Genotypes(p, region)->variant_count(), 2000u);
  GenotypeQuery ids;
  ids.ids = {"rs42", "rs4999", "rs-none"};
  auto by_id = store_->Genotypes(p, ids);
  ASSERT_EQ(by_id->variant_count(), 2u);
  EXPECT_EQ(by_id->chrom(1), "2");
  region.region = "1:abc";
  EXPECT_EQ(store_->Genotypes(p, region).status().code(),
            StatusCode::kInvalidArgument);
}

TEST_F(SqliteStoreTest, ReplacingASourceDeletesEverythingItHeld) {
  SourceDescription d = Describe("derived:hrv/1:alice");
  d.patient_pseudonym = "alice";
  for (int run = 0; run < 2; ++run) {
    Open o = Begin(*store_, d, "derived:hrv/1:alice");
    ASSERT_TRUE(o.txn) << "run " << run;
    ASSERT_TRUE(
        o.txn->AddSignal(o.patient, MakeSignal("SDNN", 70000 + run, run)).ok());
    Event e;
    e.time = Time{run};
    e.code = Code{"urn:test", "x", ""};
    ASSERT_TRUE(o.txn->AddEvents(o.patient, std::vector<Event>{e}).ok());
    ASSERT_TRUE(o.txn->Commit().ok());
    d.replace_existing = true;
  }
  const auto alice = *store_->FindPatient("alice");
  EXPECT_EQ(alice.stream_count, 1);
  EXPECT_EQ(alice.event_count, 1);
  EXPECT_EQ(alice.source_count, 1);
  const auto stream = *store_->FindStream(alice.id, "SDNN");
  EXPECT_EQ(stream.sample_count, 70001) << "the second run's";
  EXPECT_EQ(store_->ReadSamples(stream.id, 0, 70001)->size(), 70001u);
  EXPECT_TRUE(store_->CheckIntegrity().ok());
  // Nothing of the first run is left behind.
  internal::Database db;
  ASSERT_TRUE(db.Open(path_.string(), false).ok());
  auto chunks = db.Prepare("SELECT count(*) FROM chunks");
  ASSERT_TRUE(chunks->Step().value());
  EXPECT_EQ(chunks->Int(0), 2) << "two chunks of 65536 for 70001 samples";
}

// A reader keeps no description of a stream between reads: a derived
// source replaced by another connection frees its stream's id, the new
// stream takes the same id with another scale and length, and the reader
// must see the new one.
TEST_F(SqliteStoreTest, AReaderSeesAStreamReplacedUnderTheSameId) {
  SourceDescription d = Describe("derived:x/1:bob");
  d.patient_pseudonym = "bob";
  {
    Open o = Begin(*store_, d, "derived:x/1:bob");
    ASSERT_TRUE(o.txn->AddSignal(o.patient, MakeSignal("X", 1000, 1)).ok());
    ASSERT_TRUE(o.txn->Commit().ok());
  }
  auto reader = OpenSqliteStore(path_);
  ASSERT_TRUE(reader.ok());
  const auto bob = (*reader)->FindPatient("bob");
  ASSERT_TRUE(bob.ok()) << bob.status().ToString();
  const auto found = (*reader)->FindStream(bob->id, "X");
  ASSERT_TRUE(found.ok()) << found.status().ToString();
  const StreamInfo before = *found;
  const auto first = (*reader)->ReadSamples(before.id, 0, 1000);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  ASSERT_EQ(first->size(), 1000u);

  d.replace_existing = true;
  {
    Open o = Begin(*store_, d, "derived:x/1:bob");
    Signal replaced = MakeSignal("X", 2000, 2);
    replaced.scale = 1.0 / 100;
    ASSERT_TRUE(o.txn->AddSignal(o.patient, replaced).ok());
    ASSERT_TRUE(o.txn->Commit().ok());
  }
  const StreamInfo after = *store_->FindStream(bob->id, "X");
  ASSERT_EQ(after.id, before.id) << "SQLite reused the freed id";
  const auto samples = (*reader)->ReadSamples(before.id, 0, 2000);
  ASSERT_TRUE(samples.ok()) << samples.status().ToString();
  EXPECT_EQ(samples->size(), 2000u);
  const auto window = (*reader)->ReadWindow(before.id, after.signal.start,
                                            after.end(), 4000);
  ASSERT_TRUE(window.ok()) << window.status().ToString();
  EXPECT_EQ(window->samples.size(), 2000u);
  EXPECT_DOUBLE_EQ(window->scale, 1.0 / 100);
}

TEST_F(SqliteStoreTest, ClinicalDetailOfEventsRoundTrips) {
  Open o = Begin(*store_, Describe("fhir"), "fhir-patient:9");
  Event e;
  e.time = *ParseIso8601("2019-03-01T00:00:00Z");
  e.time_precision = DatePrecision::kMonth;
  e.code = Code{code_system::kLoinc, "2339-0", "Glucose"};
  e.value = 5.5;
  e.unit = "mmol/L";
  e.source_value = 99.0;
  e.source_unit = "mg/dL";
  e.reference_low = 3.9;
  e.reference_high = 5.6;
  e.status = "final";
  e.source_ref = "Observation/abc";
  Event coded;
  coded.time = e.time;
  coded.code = Code{code_system::kLoinc, "72166-2", "Tobacco smoking status"};
  coded.value_code = Code{code_system::kSnomed, "266919005", "Never smoker"};
  coded.text = "Never smoker";
  ASSERT_TRUE(o.txn->AddEvents(o.patient, std::vector<Event>{e, coded}).ok());
  ASSERT_TRUE(o.txn->Commit().ok());
  auto events = *store_->Events(o.patient, EventQuery{});
  ASSERT_EQ(events.size(), 2u);
  const Event& got = events[0].event.value ? events[0].event : events[1].event;
  const Event& got_coded =
      events[0].event.value ? events[1].event : events[0].event;
  EXPECT_EQ(got.time_precision, DatePrecision::kMonth);
  EXPECT_EQ(*got.source_value, 99.0);
  EXPECT_EQ(got.source_unit, "mg/dL");
  EXPECT_EQ(*got.reference_low, 3.9);
  EXPECT_EQ(*got.reference_high, 5.6);
  EXPECT_EQ(got.status, "final");
  EXPECT_EQ(got.source_ref, "Observation/abc");
  EXPECT_FALSE(got.value_code.has_value());
  ASSERT_TRUE(got_coded.value_code.has_value());
  EXPECT_EQ(got_coded.value_code->code, "266919005");
  EXPECT_EQ(got_coded.value_code->display, "Never smoker");
}

TEST(SqliteStoreOptionsTest, BirthDatePrecisionIsConfigurable) {
  const auto path = testing::ScratchDir() / "day.jumeau";
  std::filesystem::remove(path);
  StoreOptions options;
  options.birth_date_precision = DatePrecision::kDay;
  auto store = CreateSqliteStore(path, options);
  ASSERT_TRUE(store.ok());
  auto txn = (*store)->BeginSource(Describe("x"));
  PatientIdentity id = Identity("fhir-patient:1");
  id.birth_date = CivilTime{1951, 5, 2};
  ASSERT_TRUE((*txn)->Patient(id).ok());
  ASSERT_TRUE((*txn)->Commit().ok());
  EXPECT_EQ((*store)->Patients()->front().birth, "1951-05-02");
  options.birth_date_precision = DatePrecision::kSecond;
  EXPECT_EQ(CreateSqliteStore(testing::ScratchDir() / "bad.jumeau", options)
                .status()
                .code(),
            StatusCode::kInvalidArgument);
}

TEST_F(SqliteStoreTest, EventsFilterByCodeAndTime) {
  Open o = Begin(*store_, Describe("ev"), "p");
  ASSERT_TRUE(o.txn);
  std::vector<Event> events;
  for (int i = 0; i < 100; ++i) {
    Event e;
    e.time = Time{int64_t{i} * 1000000000};
    e.code = Code{code_system::kWfdbAnnotation, i % 10 == 0 ? "V" : "N", ""};
    if (i == 3) e.end = Time{int64_t{4} * 1000000000};
    events.push_back(e);
  }
  ASSERT_TRUE(o.txn->AddEvents(o.patient, events).ok());
  ASSERT_TRUE(o.txn->Commit().ok());
  const auto pid = store_->Patients()->front().id;
  EventQuery q;
  q.code = "V";
  EXPECT_EQ(store_->Events(pid, q)->size(), 10u);
  q = EventQuery{};
  q.from = Time{int64_t{10} * 1000000000};
  q.to = Time{int64_t{20} * 1000000000};
  auto r = store_->Events(pid, q);
  ASSERT_EQ(r->size(), 10u);
  EXPECT_EQ(r->front().event.time, Time{int64_t{10} * 1000000000});
  q = EventQuery{};
  q.limit = 5;
  EXPECT_EQ(store_->Events(pid, q)->size(), 5u);
  EXPECT_TRUE(store_->Events(pid, EventQuery{})->at(3).event.end.has_value());
}

// The schema of version 1 as it shipped (frozen here as a fixture): a store
// written then must open, migrate to the current version and keep its data.
constexpr char kSchemaVersion1[] = R"sql(
CREATE TABLE meta(
  key TEXT PRIMARY KEY,
  value BLOB NOT NULL
) WITHOUT ROWID;
CREATE TABLE patients(
  id INTEGER PRIMARY KEY,
  pseudonym TEXT NOT NULL UNIQUE,
  created_ns INTEGER NOT NULL
);
-- Keyed hashes (BLAKE2b, key in meta.pseudonym_key) of source identities,
-- linking sources to patients without storing identifiers in clear.
CREATE TABLE patient_links(
  identity_hash BLOB PRIMARY KEY,
  patient_id INTEGER NOT NULL REFERENCES patients(id)
) WITHOUT ROWID;
CREATE TABLE sources(
  id INTEGER PRIMARY KEY,
  patient_id INTEGER NOT NULL REFERENCES patients(id),
  content_hash TEXT NOT NULL UNIQUE,
  format TEXT NOT NULL,
  reader TEXT NOT NULL,
  reader_version TEXT NOT NULL,
  byte_size INTEGER NOT NULL,
  ingested_ns INTEGER NOT NULL,
  warnings TEXT NOT NULL DEFAULT ''
);
CREATE TABLE streams(
  id INTEGER PRIMARY KEY,
  patient_id INTEGER NOT NULL REFERENCES patients(id),
  source_id INTEGER NOT NULL REFERENCES sources(id),
  name TEXT NOT NULL,
  kind TEXT NOT NULL DEFAULT 'signal',
  label TEXT NOT NULL,
  unit TEXT NOT NULL,
  source_unit TEXT NOT NULL,
  transducer TEXT NOT NULL,
  prefilter TEXT NOT NULL,
  rate_num INTEGER NOT NULL,
  rate_den INTEGER NOT NULL,
  start_ns INTEGER NOT NULL,
  sample_count INTEGER NOT NULL,
  scale REAL NOT NULL,
  offset REAL NOT NULL,
  digital_min INTEGER NOT NULL,
  digital_max INTEGER NOT NULL,
  physical_min REAL NOT NULL,
  physical_max REAL NOT NULL,
  bits INTEGER NOT NULL,
  chunk_samples INTEGER NOT NULL,
  UNIQUE(patient_id, name)
);
CREATE TABLE chunks(
  key INTEGER PRIMARY KEY,
  sample_count INTEGER NOT NULL,
  data BLOB NOT NULL
);
CREATE TABLE pyramid(
  key INTEGER PRIMARY KEY,
  bucket_count INTEGER NOT NULL,
  data BLOB NOT NULL
);
-- Each distinct (system, code, display) once; events refer to it by id.
CREATE TABLE codes(
  id INTEGER PRIMARY KEY,
  system TEXT NOT NULL,
  code TEXT NOT NULL,
  display TEXT NOT NULL,
  UNIQUE(system, code, display)
);
CREATE INDEX codes_by_code ON codes(code);
CREATE TABLE events(
  id INTEGER PRIMARY KEY,
  patient_id INTEGER NOT NULL REFERENCES patients(id),
  source_id INTEGER NOT NULL REFERENCES sources(id),
  time_ns INTEGER NOT NULL,
  end_ns INTEGER,
  code_id INTEGER NOT NULL REFERENCES codes(id),
  origin TEXT NOT NULL DEFAULT '',
  value REAL,
  unit TEXT NOT NULL DEFAULT '',
  text TEXT NOT NULL DEFAULT '',
  channel TEXT NOT NULL DEFAULT '',
  subtype INTEGER NOT NULL DEFAULT 0,
  number INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX events_by_time ON events(patient_id, time_ns);
CREATE INDEX events_by_code ON events(patient_id, code_id, time_ns);
)sql";

TEST(SqliteStoreMigrationTest, Version1StoreMigratesAndKeepsItsRecords) {
  const auto path = testing::ScratchDir() / "v1.jumeau";
  std::filesystem::remove(path);
  {
    internal::Database db;
    ASSERT_TRUE(db.Open(path.string(), true).ok());
    ASSERT_TRUE(db.Exec("PRAGMA journal_mode = WAL").ok());
    ASSERT_TRUE(db.Exec(kSchemaVersion1).ok());
    ASSERT_TRUE(db.Exec(R"sql(
      INSERT INTO meta VALUES('schema_version', 1);
      INSERT INTO meta VALUES('pseudonym_key', zeroblob(32));
      INSERT INTO patients VALUES(1, 'alice', 0);
      INSERT INTO sources VALUES(1, 1, 'h1', 'WFDB', 'jumeau.io.wfdb', '0.1.0', 10, 0, '');
      INSERT INTO codes VALUES(1, 'urn:jumeau:wfdb-annotation', 'N', '');
      INSERT INTO events(patient_id, source_id, time_ns, code_id) VALUES(1, 1, 5, 1);
    )sql").ok());
  }
  auto store = OpenSqliteStore(path);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  auto alice = (*store)->FindPatient("alice");
  ASSERT_TRUE(alice.ok());
  EXPECT_EQ(alice->source_count, 1);
  EXPECT_EQ(alice->event_count, 1);
  auto sources = (*store)->Sources(alice->id);
  ASSERT_EQ(sources->size(), 1u);
  EXPECT_EQ((*sources)[0].content_hash, "h1");
  auto events = (*store)->Events(alice->id, EventQuery{});
  ASSERT_EQ(events->size(), 1u);
  EXPECT_EQ(events->front().event.time_precision, DatePrecision::kSecond);
  EXPECT_TRUE((*store)->CheckIntegrity().ok());
  // New kinds of records go in.
  auto txn = (*store)->BeginSource(Describe("h2"));
  ASSERT_TRUE(txn.ok()) << txn.status().ToString();
  ASSERT_TRUE((*txn)->Patient(Identity("vcf-sample:x")).ok());
  ASSERT_TRUE((*txn)->Commit().ok());
  txn->reset();
  store->reset();
  internal::Database db;
  ASSERT_TRUE(db.Open(path.string(), false).ok());
  auto version = db.Prepare(
      "SELECT value FROM meta WHERE key = 'schema_version'");
  ASSERT_TRUE(version->Step().value());
  EXPECT_EQ(version->Int(0), kSchemaVersion);
}

// A version-2 store (today's schema without the twin_snapshots table of
// version 3) opens, migrates and takes twin snapshots.
TEST(SqliteStoreMigrationTest, Version2StoreMigratesAndTakesTwinSnapshots) {
  const auto path = testing::ScratchDir() / "v2.jumeau";
  std::filesystem::remove(path);
  PatientId alice = 0;
  {
    auto store = CreateSqliteStore(path);
    ASSERT_TRUE(store.ok());
    Open o = Begin(**store, Describe("h1"), "fhir:alice");
    alice = o.patient;
    ASSERT_TRUE(o.txn->Commit().ok());
  }
  {
    internal::Database db;
    ASSERT_TRUE(db.Open(path.string(), false).ok());
    ASSERT_TRUE(db.Exec(R"sql(
      DROP TABLE twin_snapshots;
      DROP TABLE api_tokens;
      DROP TABLE audit_log;
      DROP TABLE connectomes;
      UPDATE meta SET value = 2 WHERE key = 'schema_version';
    )sql")
                    .ok());
  }
  {
    auto store = OpenSqliteStore(path);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    EXPECT_EQ((*store)->Patients()->size(), 1u);
    EXPECT_TRUE((*store)->TwinSnapshots(alice)->empty());
    TwinSnapshot t;
    t.model = "m";
    t.model_version = "1";
    t.data_json = "{}";
    EXPECT_TRUE((*store)->AddTwinSnapshot(alice, t).ok());
    EXPECT_EQ((*store)->TwinSnapshots(alice)->size(), 1u);
    EXPECT_TRUE((*store)->CheckIntegrity().ok());
  }
  internal::Database db;
  ASSERT_TRUE(db.Open(path.string(), false).ok());
  auto version =
      db.Prepare("SELECT value FROM meta WHERE key = 'schema_version'");
  ASSERT_TRUE(version->Step().value());
  EXPECT_EQ(version->Int(0), kSchemaVersion);
}

// A version-3 store (today's schema without the API token and audit tables
// of version 4) opens, migrates, and takes tokens and audit entries.
TEST(SqliteStoreMigrationTest, Version3StoreMigratesAndTakesTokensAndAudit) {
  const auto path = testing::ScratchDir() / "v3.jumeau";
  std::filesystem::remove(path);
  {
    auto store = CreateSqliteStore(path);
    ASSERT_TRUE(store.ok());
    Open o = Begin(**store, Describe("h1"), "fhir:alice");
    ASSERT_TRUE(o.txn->Commit().ok());
  }
  {
    internal::Database db;
    ASSERT_TRUE(db.Open(path.string(), false).ok());
    ASSERT_TRUE(db.Exec(R"sql(
      DROP TABLE api_tokens;
      DROP TABLE audit_log;
      DROP TABLE connectomes;
      UPDATE meta SET value = 3 WHERE key = 'schema_version';
    )sql")
                    .ok());
  }
  {
    auto store = OpenSqliteStore(path);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    EXPECT_EQ((*store)->Patients()->size(), 1u);
    EXPECT_TRUE((*store)->ApiTokens()->empty());
    auto token = (*store)->CreateApiToken("clinician", "ward 3");
    ASSERT_TRUE(token.ok()) << token.status().ToString();
    EXPECT_TRUE((*store)->AuthenticateApiToken(token->secret).ok());
    AuditEntry e;
    e.token_id = token->token.id;
    e.action = "GET /api/v1/patients";
    EXPECT_TRUE((*store)->AppendAudit({&e, 1}).ok());
    EXPECT_EQ((*store)->AuditLog({})->size(), 1u);
    EXPECT_TRUE((*store)->CheckIntegrity().ok());
  }
  internal::Database db;
  ASSERT_TRUE(db.Open(path.string(), false).ok());
  auto version =
      db.Prepare("SELECT value FROM meta WHERE key = 'schema_version'");
  ASSERT_TRUE(version->Step().value());
  EXPECT_EQ(version->Int(0), kSchemaVersion);
}

StoredConnectome SmallConnectome() {
  StoredConnectome c;
  c.labels = {"rA", "rB \"x\"\\", "lC"};
  c.weights = {0, 1.5, 0, 2, 0, 0.25, 1e-300, 3, 0};
  c.tract_lengths_mm = {0, 10, 20, 10, 0, 30, 20, 30, 0};
  c.centres_mm = {1, 2, 3, -4, 5, -6, 7.5, 8, 9};
  c.cortical = {1, 0, 1};
  c.areas_mm2 = {100, 200, 300};
  return c;
}

// A version-4 store (today's schema without the connectomes table of
// version 5) opens, migrates, and takes a connectome.
TEST(SqliteStoreMigrationTest, Version4StoreMigratesAndTakesConnectomes) {
  const auto path = testing::ScratchDir() / "v4.jumeau";
  std::filesystem::remove(path);
  {
    auto store = CreateSqliteStore(path);
    ASSERT_TRUE(store.ok());
    Open o = Begin(**store, Describe("h1"), "fhir:alice");
    ASSERT_TRUE(o.txn->Commit().ok());
  }
  {
    internal::Database db;
    ASSERT_TRUE(db.Open(path.string(), false).ok());
    ASSERT_TRUE(db.Exec(R"sql(
      DROP TABLE connectomes;
      UPDATE meta SET value = 4 WHERE key = 'schema_version';
    )sql")
                    .ok());
  }
  {
    auto store = OpenSqliteStore(path);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    auto patients = (*store)->Patients();
    ASSERT_TRUE(patients.ok());
    ASSERT_EQ(patients->size(), 1u);
    const PatientId alice = (*patients)[0].id;
    EXPECT_EQ((*store)->LatestConnectome(alice).status().code(),
              StatusCode::kNotFound);
    Open o = Begin(**store, Describe("c1"), "fhir:alice");
    ASSERT_TRUE(o.txn);
    EXPECT_EQ(o.patient, alice);
    ASSERT_TRUE(o.txn->AddConnectome(o.patient, SmallConnectome()).ok());
    ASSERT_TRUE(o.txn->Commit().ok());
    auto c = (*store)->LatestConnectome(alice);
    ASSERT_TRUE(c.ok()) << c.status().ToString();
    EXPECT_EQ(c->regions(), 3);
    EXPECT_TRUE((*store)->CheckIntegrity().ok());
  }
  internal::Database db;
  ASSERT_TRUE(db.Open(path.string(), false).ok());
  auto version =
      db.Prepare("SELECT value FROM meta WHERE key = 'schema_version'");
  ASSERT_TRUE(version->Step().value());
  EXPECT_EQ(version->Int(0), 5);
}

TEST_F(SqliteStoreTest, ConnectomesRoundTripExactlyAndGoWithTheirSource) {
  const StoredConnectome in = SmallConnectome();
  {
    Open o = Begin(*store_, Describe("c1"), "fhir:a");
    ASSERT_TRUE(o.txn);
    StoredConnectome bad = in;
    bad.weights.pop_back();
    EXPECT_EQ(o.txn->AddConnectome(o.patient, bad).status().code(),
              StatusCode::kInvalidArgument);
    bad = in;
    bad.areas_mm2 = {1};
    EXPECT_EQ(o.txn->AddConnectome(o.patient, bad).status().code(),
              StatusCode::kInvalidArgument);
    EXPECT_EQ(
        o.txn->AddConnectome(o.patient, StoredConnectome{}).status().code(),
        StatusCode::kInvalidArgument);
    ASSERT_TRUE(o.txn->AddConnectome(o.patient, in).ok());
    ASSERT_TRUE(o.txn->Commit().ok());
  }
  auto id = store_->FindPatientId(store_->Patients().value()[0].pseudonym);
  ASSERT_TRUE(id.ok());
  auto out = store_->LatestConnectome(*id);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_EQ(out->labels, in.labels);
  EXPECT_EQ(out->weights, in.weights);  // bit-exact, 1e-300 included
  EXPECT_EQ(out->tract_lengths_mm, in.tract_lengths_mm);
  EXPECT_EQ(out->centres_mm, in.centres_mm);
  EXPECT_EQ(out->cortical, in.cortical);
  EXPECT_EQ(out->areas_mm2, in.areas_mm2);
  EXPECT_TRUE(out->orientations.empty());
  EXPECT_EQ(out->created, clock_.Now());
  EXPECT_EQ(out->patient_id, *id);
  EXPECT_EQ(store_->Patients().value()[0].source_count, 1);
  // A later source's connectome is the latest; without optional arrays.
  StoredConnectome second = in;
  second.labels[0] = "rZ";
  second.cortical.clear();
  second.areas_mm2.clear();
  {
    Open o = Begin(*store_, Describe("c2"), "fhir:a");
    ASSERT_TRUE(o.txn->AddConnectome(o.patient, second).ok());
    ASSERT_TRUE(o.txn->Commit().ok());
  }
  out = store_->LatestConnectome(*id);
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(out->labels[0], "rZ");
  EXPECT_TRUE(out->cortical.empty());
  EXPECT_TRUE(out->areas_mm2.empty());
  // Replacing the source deletes its connectome.
  SourceDescription replace = Describe("c2");
  replace.replace_existing = true;
  {
    Open o = Begin(*store_, replace, "fhir:a");
    ASSERT_TRUE(o.txn->Commit().ok());
  }
  out = store_->LatestConnectome(*id);
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(out->labels[0], "rA");
  // Rolled back: nothing stored.
  {
    Open o = Begin(*store_, Describe("c3"), "fhir:b");
    ASSERT_TRUE(o.txn->AddConnectome(o.patient, in).ok());
  }
  EXPECT_EQ(store_->Patients()->size(), 1u);
  // Merged patients keep their connectome.
  {
    Open o = Begin(*store_, Describe("c4"), "fhir:b");
    ASSERT_TRUE(o.txn->AddConnectome(o.patient, second).ok());
    ASSERT_TRUE(o.txn->Commit().ok());
  }
  std::string pa;
  for (const auto& p : *store_->Patients())
    if (p.id == *id) pa = p.pseudonym;
  auto linked = store_->Link("fhir:b", pa);
  ASSERT_TRUE(linked.ok()) << linked.status().ToString();
  EXPECT_FALSE(linked->merged_from.empty());
  out = store_->LatestConnectome(*id);
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(out->labels[0], "rZ");
  EXPECT_TRUE(store_->CheckIntegrity().ok());
}

TEST_F(SqliteStoreTest, FindPatientIdIsFindPatientsId) {
  Open o = Begin(*store_, Describe("h1"), "fhir:a");
  ASSERT_TRUE(o.txn->Commit().ok());
  auto info = store_->Patients();
  ASSERT_TRUE(info.ok() && info->size() == 1u);
  auto id = store_->FindPatientId((*info)[0].pseudonym);
  ASSERT_TRUE(id.ok());
  EXPECT_EQ(*id, (*info)[0].id);
  EXPECT_EQ(store_->FindPatientId("nobody").status().code(),
            StatusCode::kNotFound);
}

TEST_F(SqliteStoreTest, ApiTokensAreHashedAuthenticatedAndRevoked) {
  EXPECT_EQ(store_->CreateApiToken("admin", "x").status().code(),
            StatusCode::kInvalidArgument);
  auto a = store_->CreateApiToken("clinician", "dr a");
  auto b = store_->CreateApiToken("researcher", "study b");
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->secret.size(), 4u + 64u);
  EXPECT_EQ(a->secret.rfind("jmt_", 0), 0u);
  EXPECT_NE(a->secret, b->secret);
  EXPECT_EQ(a->token.created, clock_.Now());
  auto got = store_->AuthenticateApiToken(b->secret);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->id, b->token.id);
  EXPECT_EQ(got->role, "researcher");
  EXPECT_EQ(got->label, "study b");
  EXPECT_EQ(store_->AuthenticateApiToken("jmt_00").status().code(),
            StatusCode::kNotFound);
  EXPECT_EQ(store_->AuthenticateApiToken("").status().code(),
            StatusCode::kNotFound);
  ASSERT_TRUE(store_->RevokeApiToken(a->token.id).ok());
  EXPECT_TRUE(store_->RevokeApiToken(a->token.id).ok());
  EXPECT_EQ(store_->RevokeApiToken(999).code(), StatusCode::kNotFound);
  EXPECT_EQ(store_->AuthenticateApiToken(a->secret).status().code(),
            StatusCode::kNotFound);
  auto all = store_->ApiTokens();
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 2u);
  EXPECT_TRUE((*all)[0].revoked.has_value());
  EXPECT_FALSE((*all)[1].revoked.has_value());
  // The secret is never in the file: only its keyed hash.
  std::ifstream in(path_, std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(in)),
                          std::istreambuf_iterator<char>());
  EXPECT_EQ(bytes.find(a->secret.substr(4)), std::string::npos);
  EXPECT_EQ(bytes.find(b->secret.substr(4)), std::string::npos);
}

TEST_F(SqliteStoreTest, AuditLogAppendsAndFilters) {
  std::vector<AuditEntry> entries(3);
  for (int i = 0; i < 3; ++i) {
    entries[i].time = Time{100 + i};
    entries[i].token_id = i == 2 ? 7 : 5;
    entries[i].role = "clinician";
    entries[i].patient = i == 0 ? "alice" : "bob";
    entries[i].action = "GET /api/v1/patients/{id}";
    entries[i].target = "/api/v1/patients/x";
    entries[i].status = 200 + i;
  }
  ASSERT_TRUE(store_->AppendAudit(entries).ok());
  auto all = store_->AuditLog({});
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 3u);
  EXPECT_EQ((*all)[0].patient, "alice");
  EXPECT_EQ((*all)[2].status, 202);
  EXPECT_GT((*all)[2].id, (*all)[0].id);
  AuditQuery q;
  q.patient = "bob";
  EXPECT_EQ(store_->AuditLog(q)->size(), 2u);
  q = {};
  q.token_id = 7;
  EXPECT_EQ(store_->AuditLog(q)->size(), 1u);
  q = {};
  q.from = Time{101};
  q.to = Time{102};
  EXPECT_EQ(store_->AuditLog(q)->size(), 1u);
  q = {};
  q.limit = 2;  // the latest two, oldest first
  auto latest = store_->AuditLog(q);
  ASSERT_EQ(latest->size(), 2u);
  EXPECT_EQ((*latest)[0].time, Time{101});
}

TEST_F(SqliteStoreTest, TwinSnapshotsRoundTripInOrderAndFollowMerges) {
  Open o = Begin(*store_, Describe("h1"), "fhir:a");
  const PatientId a = o.patient;
  ASSERT_TRUE(o.txn->Commit().ok());
  o.txn.reset();
  TwinSnapshot t;
  t.model = "regazzoni2022_cardio";
  t.model_version = "1.0.0";
  t.data_from = Time{5};
  t.data_to = Time{9};
  t.data_json = R"({"parameters":[]})";
  auto first = store_->AddTwinSnapshot(a, t);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  t.data_json = "{}";
  auto second = store_->AddTwinSnapshot(a, t);
  ASSERT_TRUE(second.ok());
  auto got = store_->TwinSnapshots(a);
  ASSERT_TRUE(got.ok());
  ASSERT_EQ(got->size(), 2u);
  EXPECT_EQ((*got)[0].id, first->id);
  EXPECT_EQ((*got)[1].id, second->id);
  EXPECT_EQ(first->created, (*got)[0].created);
  EXPECT_EQ(first->patient_id, a);
  EXPECT_EQ((*got)[0].patient_id, a);
  EXPECT_EQ((*got)[0].model, "regazzoni2022_cardio");
  EXPECT_EQ((*got)[0].model_version, "1.0.0");
  EXPECT_EQ((*got)[0].created, clock_.Now());
  EXPECT_EQ((*got)[0].data_from, Time{5});
  EXPECT_EQ((*got)[0].data_to, Time{9});
  EXPECT_EQ((*got)[0].data_json, R"({"parameters":[]})");
  // Bad input stores nothing.
  EXPECT_EQ(store_->AddTwinSnapshot(a + 100, t).status().code(),
            StatusCode::kNotFound);
  TwinSnapshot bad = t;
  bad.model = "";
  EXPECT_EQ(store_->AddTwinSnapshot(a, bad).status().code(),
            StatusCode::kInvalidArgument);
  bad = t;
  bad.data_to = Time{1};
  EXPECT_EQ(store_->AddTwinSnapshot(a, bad).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->TwinSnapshots(a)->size(), 2u);
  // A merge moves the snapshots with the rest of the record.
  ASSERT_TRUE(store_->Link("fhir:a", "b").ok());
  auto b = store_->FindPatient("b");
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  EXPECT_EQ(store_->TwinSnapshots(b->id)->size(), 2u);
  EXPECT_TRUE(store_->CheckIntegrity().ok());
}

// Windows and samples read through a shared DecodedCache are the ones read
// without it, for two stores whose streams have the same ids and chunk keys
// but different samples (the cache tells them apart by the stored bytes), and
// with a cache too small for every chunk (evictions).
TEST(SqliteStoreCacheTest, ReadsThroughASharedCacheMatchReadsWithout) {
  FakeClock clock;
  std::vector<std::filesystem::path> paths;
  std::vector<StreamId> ids;
  std::vector<Signal> signals;
  for (int k = 0; k < 2; ++k) {
    paths.push_back(testing::ScratchDir() /
                    ("cache" + std::to_string(k) + ".jumeau"));
    auto store = std::move(CreateSqliteStore(paths.back(), {}, clock)).value();
    signals.push_back(MakeSignal("II", 400000 + 70000 * k, 10 + k));
    Open o = Begin(*store, Describe("c" + std::to_string(k)), "key:1");
    ASSERT_TRUE(o.txn);
    auto w = o.txn->AddSignal(o.patient, signals.back());
    ASSERT_TRUE(w.ok());
    ids.push_back((*w)->id());
    ASSERT_TRUE(o.txn->Commit().ok());
  }
  ASSERT_EQ(ids[0], ids[1]);  // the same keys in both files
  for (size_t capacity : {size_t{64} << 20, size_t{600} << 10}) {
    auto cache = std::make_shared<DecodedCache>(capacity);
    std::vector<std::unique_ptr<Store>> cached, plain;
    for (const auto& path : paths) {
      cached.push_back(std::move(OpenSqliteStore(path, clock, cache)).value());
      plain.push_back(std::move(OpenSqliteStore(path, clock)).value());
    }
    std::mt19937_64 rng(5);
    for (int i = 0; i < 300; ++i) {
      const size_t k = i % 2;
      const Signal& sig = signals[k];
      const int64_t n = static_cast<int64_t>(sig.samples.size());
      const int64_t a = static_cast<int64_t>(rng() % static_cast<uint64_t>(n));
      const int64_t len =
          1 + static_cast<int64_t>(rng() % static_cast<uint64_t>(n - a + 100));
      const int64_t points = i % 3 == 0 ? 50 : 2000;
      const Time from = sig.TimeOfSample(a), to = sig.TimeOfSample(a + len);
      auto got = cached[k]->ReadWindow(ids[k], from, to, points);
      auto want = plain[k]->ReadWindow(ids[k], from, to, points);
      ASSERT_TRUE(got.ok()) << got.status().ToString();
      ASSERT_TRUE(want.ok()) << want.status().ToString();
      ASSERT_EQ(got->exact, want->exact);
      ASSERT_EQ(got->first_sample, want->first_sample);
      ASSERT_EQ(got->pyramid_level, want->pyramid_level);
      ASSERT_EQ(got->samples, want->samples);
      ASSERT_EQ(got->times, want->times);
      ASSERT_EQ(got->buckets.size(), want->buckets.size());
      for (size_t j = 0; j < got->buckets.size(); ++j) {
        const Bucket &g = got->buckets[j], &e = want->buckets[j];
        ASSERT_EQ(g.start, e.start);
        ASSERT_EQ(g.end, e.end);
        ASSERT_EQ(g.min, e.min);
        ASSERT_EQ(g.max, e.max);
        ASSERT_EQ(g.mean, e.mean);
        ASSERT_EQ(g.count, e.count);
      }
      const int64_t count = std::min<int64_t>(len, 150000);
      auto samples = cached[k]->ReadSamples(ids[k], a, count);
      ASSERT_TRUE(samples.ok());
      ASSERT_EQ(*samples, std::vector<int32_t>(
                              sig.samples.begin() + a,
                              sig.samples.begin() + std::min(n, a + count)));
    }
    EXPECT_GT(cache->hits(), 0);
    EXPECT_GT(cache->misses(), 0);
    EXPECT_LE(cache->bytes(), capacity);
  }
}

}  // namespace
}  // namespace jumeau::store

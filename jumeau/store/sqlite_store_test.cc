#include "jumeau/store/sqlite_store.h"

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <random>

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

SourceDescription Describe(const std::string& hash,
                           const std::string& identity) {
  SourceDescription d;
  d.content_hash = hash;
  d.format = "TEST";
  d.reader = "test";
  d.reader_version = "1";
  d.source_identity = identity;
  return d;
}

class SqliteStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = testing::ScratchDir() / "store.jumeau";
    auto s = CreateSqliteStore(path_, clock_);
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
    auto txn = store_->BeginSource(Describe("h1", "wfdb-record:100"));
    ASSERT_TRUE(txn.ok()) << txn.status().ToString();
    auto w = (*txn)->AddSignal(sig);
    ASSERT_TRUE(w.ok());
    ASSERT_TRUE((*txn)->Commit().ok());
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
    auto txn = store_->BeginSource(Describe("h2", "wfdb-record:101"));
    ASSERT_TRUE(txn.ok());
    ASSERT_TRUE((*txn)->AddSignal(sig).ok());
    ASSERT_TRUE((*txn)->Commit().ok());
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
    auto txn = store_->BeginSource(Describe("h3", "edf-patient:someone"));
    ASSERT_TRUE(txn.ok());
    ASSERT_TRUE((*txn)->AddSignal(MakeSignal("Fp1", 100000, 3)).ok());
    Event e;
    e.time = Time{5};
    e.code = Code{code_system::kEdfAnnotation, "T0", ""};
    ASSERT_TRUE((*txn)->AddEvents(std::vector<Event>{e}).ok());
    // destroyed without Commit()
  }
  EXPECT_TRUE(store_->Patients()->empty());
  // And the same content can then be ingested.
  auto txn = store_->BeginSource(Describe("h3", "edf-patient:someone"));
  ASSERT_TRUE(txn.ok());
  ASSERT_TRUE((*txn)->Commit().ok());
  EXPECT_EQ(store_->Patients()->size(), 1u);
}

TEST_F(SqliteStoreTest, DuplicateContentIsRefused) {
  {
    auto txn = store_->BeginSource(Describe("same", "x"));
    ASSERT_TRUE(txn.ok());
    ASSERT_TRUE((*txn)->Commit().ok());
  }
  auto again = store_->BeginSource(Describe("same", "x"));
  EXPECT_EQ(again.status().code(), StatusCode::kAlreadyExists);
  // The store is usable afterwards.
  EXPECT_TRUE(store_->BeginSource(Describe("other", "x")).ok());
}

TEST_F(SqliteStoreTest, IdentitiesLinkToOnePseudonymAndExplicitPatientsWin) {
  for (const char* h : {"a", "b"}) {
    auto txn = store_->BeginSource(
        Describe(h, "edf-patient:MCH-0234567 F 02-MAY-1951"));
    ASSERT_TRUE(txn.ok());
    ASSERT_TRUE((*txn)->Commit().ok());
  }
  EXPECT_EQ(store_->Patients()->size(), 1u);
  EXPECT_EQ(store_->Patients()->front().source_count, 2);
  SourceDescription d = Describe("c", "wfdb-record:200");
  d.patient_pseudonym = "alice-twin";
  {
    auto txn = store_->BeginSource(d);
    ASSERT_TRUE(txn.ok());
    ASSERT_TRUE((*txn)->Commit().ok());
  }
  EXPECT_TRUE(store_->FindPatient("alice-twin").ok());
  // The identity is now linked to alice-twin.
  {
    auto txn = store_->BeginSource(Describe("d", "wfdb-record:200"));
    ASSERT_TRUE(txn.ok());
    EXPECT_EQ((*txn)->patient_id(), store_->FindPatient("alice-twin")->id);
  }
  EXPECT_EQ(store_->FindPatient("bob").status().code(), StatusCode::kNotFound);
}

TEST_F(SqliteStoreTest, EventsFilterByCodeAndTime) {
  auto txn = store_->BeginSource(Describe("ev", "p"));
  ASSERT_TRUE(txn.ok());
  std::vector<Event> events;
  for (int i = 0; i < 100; ++i) {
    Event e;
    e.time = Time{int64_t{i} * 1000000000};
    e.code = Code{code_system::kWfdbAnnotation, i % 10 == 0 ? "V" : "N", ""};
    if (i == 3) e.end = Time{int64_t{4} * 1000000000};
    events.push_back(e);
  }
  ASSERT_TRUE((*txn)->AddEvents(events).ok());
  ASSERT_TRUE((*txn)->Commit().ok());
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

}  // namespace
}  // namespace jumeau::store

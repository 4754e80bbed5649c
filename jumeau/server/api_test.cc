// Route handlers without HTTP: a small store, tokens of both roles, the
// Api's answers and its audit entries.
#include "jumeau/server/api.h"

#include <gtest/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>

#include "jumeau/store/sqlite_store.h"
#include "jumeau/testing/test_data.h"

namespace jumeau::server {
namespace {

using nlohmann::json;

constexpr char kStart[] = "2019-03-02T08:00:00Z";

class ApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = testing::ScratchDir() / "api.jumeau";
    std::filesystem::remove(path_);
    auto store = store::CreateSqliteStore(path_);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store::SourceDescription d;
    d.content_hash = "h1";
    d.format = "TEST";
    d.reader = "test";
    d.reader_version = "1";
    auto txn = (*store)->BeginSource(d);
    ASSERT_TRUE(txn.ok());
    store::PatientIdentity id;
    id.keys = {"fhir-patient:secret-mrn-123"};
    auto pid = (*txn)->Patient(id);
    ASSERT_TRUE(pid.ok());
    Signal s;
    s.label = "MLII";
    s.unit = "mV";
    s.rate = SampleRate(100, 1);
    s.start = *ParseIso8601(kStart);
    s.scale = 0.01;
    s.digital_min = -1000;
    s.digital_max = 1000;
    for (int i = 0; i < 6000; ++i)
      s.samples.push_back(static_cast<int32_t>(500 * std::sin(i * 0.05)));
    ASSERT_TRUE((*txn)->AddSignal(*pid, s).ok());
    Event e;
    e.time = s.start;
    e.code = Code{code_system::kLoinc, "8480-6", "Systolic blood pressure"};
    e.value = 128;
    e.unit = "mm[Hg]";
    e.source_ref = "Observation/secret-obs-1";
    ASSERT_TRUE((*txn)->AddEvents(*pid, {&e, 1}).ok());
    auto pseudonym = (*txn)->Pseudonym(*pid);
    ASSERT_TRUE(pseudonym.ok());
    patient_ = *pseudonym;
    ASSERT_TRUE((*txn)->Commit().ok());
    txn->reset();
    clinician_ = "Bearer " + (*store)->CreateApiToken("clinician", "c")->secret;
    researcher_ =
        "Bearer " + (*store)->CreateApiToken("researcher", "r")->secret;
    auto pool = StorePool::Open(path_, 2);
    ASSERT_TRUE(pool.ok());
    pool_ = std::move(*pool);
    audit_ = std::make_unique<AuditWriter>(
        std::move(store::OpenSqliteStore(path_)).value());
    api_ = std::make_unique<Api>(pool_.get(), audit_.get(), Clock::Real());
  }

  Response Get(const std::string& path, const std::string& auth,
               std::multimap<std::string, std::string> query = {}) {
    Request r;
    r.method = "GET";
    r.path = path;
    r.target = path;
    r.authorization = auth;
    r.query = std::move(query);
    return api_->Handle(r);
  }

  std::filesystem::path path_;
  std::string patient_, clinician_, researcher_;
  std::unique_ptr<StorePool> pool_;
  std::unique_ptr<AuditWriter> audit_;
  std::unique_ptr<Api> api_;
};

TEST(HttpStatusTest, OneTableForEveryCode) {
  EXPECT_EQ(HttpStatusFor(StatusCode::kOk), 200);
  EXPECT_EQ(HttpStatusFor(StatusCode::kInvalidArgument), 400);
  EXPECT_EQ(HttpStatusFor(StatusCode::kOutOfRange), 400);
  EXPECT_EQ(HttpStatusFor(StatusCode::kDataLoss), 400);
  EXPECT_EQ(HttpStatusFor(StatusCode::kNotFound), 404);
  EXPECT_EQ(HttpStatusFor(StatusCode::kAlreadyExists), 409);
  EXPECT_EQ(HttpStatusFor(StatusCode::kFailedPrecondition), 409);
  EXPECT_EQ(HttpStatusFor(StatusCode::kUnimplemented), 501);
  EXPECT_EQ(HttpStatusFor(StatusCode::kIoError), 500);
  EXPECT_EQ(HttpStatusFor(StatusCode::kInternal), 500);
  const json e = json::parse(ErrorBody(404, "not_found", "no patient 'x'"));
  EXPECT_EQ(e["error"]["status"], 404);
  EXPECT_EQ(e["error"]["message"], "no patient 'x'");
}

TEST_F(ApiTest, HealthNeedsNoTokenButDataRoutesDo) {
  EXPECT_EQ(Get("/api/v1/health", "").status, 200);
  for (const std::string& auth :
       {std::string(), std::string("Bearer jmt_nope"), std::string("Basic x"),
        clinician_.substr(7)}) {
    const Response r = Get("/api/v1/patients", auth);
    EXPECT_EQ(r.status, 401) << auth;
    EXPECT_TRUE(json::parse(r.body)["error"].is_object());
  }
  EXPECT_EQ(Get("/api/v1/patients", clinician_).status, 200);
}

TEST_F(ApiTest, PatientsStreamsAndEventsNeverShowSourceIdentifiers) {
  const Response list = Get("/api/v1/patients", researcher_);
  ASSERT_EQ(list.status, 200);
  const json j = json::parse(list.body);
  ASSERT_EQ(j["items"].size(), 1u);
  EXPECT_EQ(j["items"][0]["id"], patient_);
  EXPECT_EQ(j["total"], 1);
  EXPECT_TRUE(j["next_offset"].is_null());
  EXPECT_EQ(list.body.find("secret-mrn"), std::string::npos);
  const Response streams =
      Get("/api/v1/patients/" + patient_ + "/streams", clinician_);
  ASSERT_EQ(streams.status, 200);
  EXPECT_EQ(json::parse(streams.body)["items"][0]["name"], "MLII");
  // A clinician may follow an event back to its source record; a researcher
  // never sees the source's identifiers.
  const std::string events = "/api/v1/patients/" + patient_ + "/events";
  EXPECT_NE(Get(events, clinician_).body.find("secret-obs-1"),
            std::string::npos);
  const Response r = Get(events, researcher_);
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.body.find("secret-obs-1"), std::string::npos);
  EXPECT_EQ(json::parse(r.body)["items"][0]["value"], 128);
  EXPECT_EQ(Get("/api/v1/patients/nobody", clinician_).status, 404);
}

// Every number of a window answer is the double the store's window read
// gives (seconds of the bucket or sample times, physical values of the
// digital ones), read back exactly, through a pool sharing a DecodedCache as
// the server's does: exact samples, buckets from raw samples (level 0) and
// from the pyramid, each asked twice (decoded, then cached).
TEST_F(ApiTest, WindowNumbersAreTheStoresValues) {
  auto cache = std::make_shared<store::DecodedCache>(size_t{8} << 20);
  auto pool =
      std::move(StorePool::Open(path_, 2, Clock::Real(), cache)).value();
  Api api(pool.get(), audit_.get(), Clock::Real());
  auto store = std::move(store::OpenSqliteStore(path_)).value();
  const auto patient = *store->FindPatientId(patient_);
  const auto stream = *store->FindStream(patient, "MLII");
  const Time t0 = *ParseIso8601(kStart);
  const std::string w = "/api/v1/patients/" + patient_ + "/streams/MLII/window";
  struct Case {
    int64_t from_ms, to_ms, points;
    int level;  // -1: exact
  };
  for (const Case c : {Case{1000, 4000, 500, -1}, Case{0, 60000, 2000, 0},
                       Case{1234, 50321, 999, 0}, Case{0, 60000, 20, 1},
                       Case{5000, 59000, 7, 1}}) {
    for (int pass = 0; pass < 2; ++pass) {
      const Time from = t0 + Duration::Milliseconds(c.from_ms);
      const Time to = t0 + Duration::Milliseconds(c.to_ms);
      Request r;
      r.method = "GET";
      r.path = w;
      r.authorization = clinician_;
      r.query = {{"from", std::to_string(from.ns_since_epoch)},
                 {"to", std::to_string(to.ns_since_epoch)},
                 {"points", std::to_string(c.points)}};
      const Response res = api.Handle(r);
      ASSERT_EQ(res.status, 200) << res.body;
      const json j = json::parse(res.body);
      const auto want = *store->ReadWindow(stream.id, from, to, c.points);
      auto seconds = [](Time t) {
        return static_cast<double>(t.ns_since_epoch) * 1e-9;
      };
      auto physical = [&](double d) { return d * want.scale + want.offset; };
      ASSERT_EQ(j["exact"].get<bool>(), want.exact);
      ASSERT_EQ(j["first_sample"].get<int64_t>(), want.first_sample);
      if (c.level < 0) {
        ASSERT_TRUE(want.exact);
        ASSERT_EQ(j["t"].size(), want.samples.size());
        ASSERT_EQ(j["value"].size(), want.samples.size());
        for (size_t i = 0; i < want.samples.size(); ++i) {
          ASSERT_EQ(j["t"][i].get<double>(), seconds(want.times[i]));
          ASSERT_EQ(j["value"][i].get<double>(), physical(want.samples[i]));
        }
        continue;
      }
      ASSERT_EQ(j["pyramid_level"].get<int>(), c.level);
      ASSERT_EQ(want.pyramid_level, c.level);
      const auto& bs = want.buckets;
      ASSERT_EQ(j["t"].size(), bs.size());
      for (const char* key : {"min", "max", "mean", "count"})
        ASSERT_EQ(j[key].size(), bs.size()) << key;
      for (size_t i = 0; i < bs.size(); ++i) {
        const double lo = physical(bs[i].min), hi = physical(bs[i].max);
        ASSERT_EQ(j["t"][i].get<double>(), seconds(bs[i].start)) << i;
        ASSERT_EQ(j["min"][i].get<double>(), std::min(lo, hi)) << i;
        ASSERT_EQ(j["max"][i].get<double>(), std::max(lo, hi)) << i;
        ASSERT_EQ(j["mean"][i].get<double>(), physical(bs[i].mean)) << i;
        ASSERT_EQ(j["count"][i].get<int64_t>(), bs[i].count) << i;
        // Doubles stay doubles in the text ("1.0", never "1").
        ASSERT_TRUE(j["min"][i].is_number_float());
      }
    }
  }
  EXPECT_GT(cache->hits(), 0);
}

TEST_F(ApiTest, WindowsExactReducedAndRefused) {
  const std::string w = "/api/v1/patients/" + patient_ + "/streams/MLII/window";
  Response exact = Get(w, clinician_,
                       {{"from", kStart}, {"to", "2019-03-02T08:00:01Z"}});
  ASSERT_EQ(exact.status, 200) << exact.body;
  json j = json::parse(exact.body);
  EXPECT_TRUE(j["exact"]);
  ASSERT_EQ(j["value"].size(), 100u);
  EXPECT_NEAR(j["value"][10].get<double>(), 5 * std::sin(0.5), 0.01);
  EXPECT_FALSE(exact.etag.empty());
  Response reduced = Get(w, clinician_, {{"points", "50"}});
  ASSERT_EQ(reduced.status, 200);
  j = json::parse(reduced.body);
  EXPECT_FALSE(j["exact"]);
  EXPECT_LE(j["t"].size(), 50u);
  EXPECT_GE(j["t"].size(), 40u);
  // The same window again: 304 with its ETag.
  Request again;
  again.method = "GET";
  again.path = w;
  again.authorization = clinician_;
  again.query = {{"points", "50"}};
  again.if_none_match = reduced.etag;
  EXPECT_EQ(api_->Handle(again).status, 304);
  // Refusals name the problem.
  auto status_of = [&](std::multimap<std::string, std::string> q) {
    return Get(w, clinician_, std::move(q));
  };
  Response r = status_of({{"points", "1000000"}});
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find("points"), std::string::npos);
  EXPECT_EQ(status_of({{"from", "2019-03-02T08:00:05Z"},
                       {"to", "2019-03-02T08:00:01Z"}})
                .status,
            400);
  EXPECT_EQ(status_of({{"from", "1700-01-01T00:00:00Z"},
                       {"to", "1701-01-01T00:00:00Z"}})
                .status,
            400);
  EXPECT_EQ(status_of({{"from", "yesterday"}}).status, 400);
  EXPECT_EQ(status_of({{"points", "0"}}).status, 400);
  EXPECT_EQ(status_of({{"points", "12abc"}}).status, 400);
  EXPECT_EQ(Get("/api/v1/patients/" + patient_ + "/streams/nope/window",
                clinician_)
                .status,
            404);
}

TEST_F(ApiTest, UnknownRoutesAndWrongMethods) {
  EXPECT_EQ(Get("/api/v1/nothing", clinician_).status, 404);
  EXPECT_EQ(Get("/api/v2/patients", clinician_).status, 404);
  Request post;
  post.method = "POST";
  post.path = "/api/v1/patients";
  post.authorization = clinician_;
  EXPECT_EQ(api_->Handle(post).status, 405);
  // A what-if on a patient without a twin: a conflict, said in JSON.
  post.path = "/api/v1/patients/" + patient_ + "/twin/simulate";
  post.body = "{\"scenario\": \"hr=+10\"}";
  Response r = api_->Handle(post);
  EXPECT_EQ(r.status, 409) << r.body;
  post.body = "{\"scenario\": ";
  EXPECT_EQ(api_->Handle(post).status, 400);
  post.body = "{\"scenario\": 3}";
  EXPECT_EQ(api_->Handle(post).status, 400);
  post.body = "{\"scenario\": \"hr=+10\", \"samples\": 1e300}";
  EXPECT_EQ(api_->Handle(post).status, 400);
  post.body = "[]";
  EXPECT_EQ(api_->Handle(post).status, 400);
}

TEST_F(ApiTest, EveryDataAccessIsAudited) {
  Get("/api/v1/patients", "");
  Get("/api/v1/patients/" + patient_, clinician_);
  Get("/api/v1/patients/" + patient_ + "/events", researcher_);
  Get("/api/v1/health", "");  // not a data access
  ASSERT_TRUE(audit_->Flush().ok());
  auto store = store::OpenSqliteStore(path_);
  ASSERT_TRUE(store.ok());
  auto log = (*store)->AuditLog({});
  ASSERT_TRUE(log.ok());
  ASSERT_EQ(log->size(), 3u);
  EXPECT_EQ((*log)[0].token_id, 0);
  EXPECT_EQ((*log)[0].status, 401);
  EXPECT_EQ((*log)[1].role, "clinician");
  EXPECT_EQ((*log)[1].patient, patient_);
  EXPECT_EQ((*log)[1].action, "GET /api/v1/patients/{id}");
  EXPECT_EQ((*log)[1].status, 200);
  EXPECT_EQ((*log)[2].role, "researcher");
  EXPECT_EQ((*log)[2].action, "GET /api/v1/patients/{id}/events");
}

TEST_F(ApiTest, FhirPatientAndObservations) {
  Response p = Get("/fhir/Patient/" + patient_, clinician_);
  ASSERT_EQ(p.status, 200);
  EXPECT_EQ(json::parse(p.body)["resourceType"], "Patient");
  Response o = Get("/fhir/Observation", clinician_,
                   {{"patient", patient_}, {"code", "http://loinc.org|8480-6"},
                    {"date", "ge2019"}, {"date", "lt2019-03-03"}});
  ASSERT_EQ(o.status, 200) << o.body;
  const json b = json::parse(o.body);
  EXPECT_EQ(b["resourceType"], "Bundle");
  ASSERT_EQ(b["entry"].size(), 1u);
  EXPECT_EQ(b["entry"][0]["resource"]["valueQuantity"]["value"], 128);
  o = Get("/fhir/Observation", clinician_,
          {{"patient", patient_}, {"date", "lt2019"}});
  EXPECT_EQ(json::parse(o.body)["entry"].size(), 0u);
  EXPECT_EQ(Get("/fhir/Observation", clinician_,
                {{"patient", patient_}, {"date", "xx2019"}})
                .status,
            400);
  EXPECT_EQ(Get("/fhir/Observation", clinician_).status, 400);
  EXPECT_EQ(Get("/fhir/Patient/nobody", clinician_).status, 404);
}

}  // namespace
}  // namespace jumeau::server

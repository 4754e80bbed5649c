// `jumeau serve` over real HTTP on loopback: the example patient (ingested,
// analysed, with cardiovascular, progression and brain twins; four more
// example patients' histories make the progression cohort) behind the server
// started in-process on a free port, called with cpp-httplib's client. Every
// route answers with a token, refuses without one or with a wrong one, and is
// audited; bad requests get a 4xx with a message; a bounded loop of random
// requests never gets a 5xx nor stops the server.
#include <gtest/gtest.h>
#include <httplib.h>
#include <unistd.h>

#include <atomic>
#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <thread>

#include "jumeau/server/server.h"
#include "jumeau/store/sqlite_store.h"
#include "jumeau/testing/test_data.h"
#include "tests/e2e/cli_runner.h"

namespace jumeau::server {
namespace {

using nlohmann::json;
using testing::RunJumeau;

class ServeHttpTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new std::filesystem::path(
        std::filesystem::temp_directory_path() /
        ("jumeau-serve-test-" + std::to_string(::getpid())));
    std::filesystem::remove_all(*dir_);
    std::filesystem::create_directories(*dir_);
    const auto ex = *dir_ / "example";
    store_ = new std::string((*dir_ / "patient.jumeau").string());
    auto run = [](const std::vector<std::string>& args) {
      const auto r = RunJumeau(args);
      ASSERT_EQ(r.exit_code, 0) << args[0] << ": " << r.err;
    };
    run({"example", "--out", ex.string()});
    run({"init", *store_});
    run({"ingest", *store_, (ex / "ecg.hea").string(),
         (ex / "eeg.edf").string(), (ex / "history.json").string(),
         "--patient", "example"});
    run({"analyze", *store_, "example"});
    run({"twin", "build", *store_, "example"});
    // A progression twin: a cohort of example histories, a population model
    // of systolic pressure, the example patient personalised to it.
    for (int seed = 2; seed <= 5; ++seed) {
      const auto other = *dir_ / ("example" + std::to_string(seed));
      run({"example", "--out", other.string(), "--seed", std::to_string(seed),
           "--ecg-minutes", "1"});
      run({"ingest", *store_, (other / "history.json").string(), "--patient",
           "peer" + std::to_string(seed)});
    }
    const std::string model = (*dir_ / "bp.json").string();
    run({"cohort", "fit", *store_, "--model", "logistic", "--features",
         "8480-6", "--range", "8480-6=80:200", "--iterations", "1000", "--out",
         model});
    run({"twin", "build", *store_, "example", "--model", "progression",
         "--from-cohort", model, "--threshold", "8480-6:140", "--until",
         "2045"});
    // A brain twin: the Epileptor on a four-region connectome written here.
    const auto connectome = *dir_ / "connectome";
    std::filesystem::create_directories(connectome);
    {
      std::ofstream(connectome / "centres.txt")
          << "lF 40 30 40\nrF 40 -30 40\nlP -40 30 40\nrP -40 -30 40\n";
      std::ofstream w(connectome / "weights.txt");
      std::ofstream l(connectome / "tract_lengths.txt");
      for (int i = 0; i < 4; ++i) {
        for (int j = 0; j < 4; ++j) {
          w << (i == j ? 0 : 1) << (j < 3 ? " " : "\n");
          l << (i == j ? 0 : 60) << (j < 3 ? " " : "\n");
        }
      }
    }
    run({"twin", "build", *store_, "example", "--model", "brain",
         "--connectome", connectome.string(), "--brain-model", "epileptor",
         "--ez", "lF"});
    {
      auto store = store::OpenSqliteStore(*store_);
      ASSERT_TRUE(store.ok());
      clinician_ = new store::NewApiToken(
          *(*store)->CreateApiToken("clinician", "test clinician"));
      researcher_ = new store::NewApiToken(
          *(*store)->CreateApiToken("researcher", "test researcher"));
      auto revoked = (*store)->CreateApiToken("clinician", "revoked");
      ASSERT_TRUE((*store)->RevokeApiToken(revoked->token.id).ok());
      revoked_ = new std::string(revoked->secret);
    }
    ServerOptions o;
    o.port = 0;
    o.threads = 4;
    o.max_body_bytes = 64 * 1024;
    o.web_root = testing::SourceDir() / "web";
    if (!std::filesystem::is_directory(o.web_root)) o.web_root.clear();
    auto srv = Server::Create(*store_, o);
    ASSERT_TRUE(srv.ok()) << srv.status().ToString();
    server_ = srv->release();
    auto port = server_->Bind();
    ASSERT_TRUE(port.ok()) << port.status().ToString();
    port_ = *port;
    thread_ = new std::thread([] { (void)server_->Run(); });
  }

  static void TearDownTestSuite() {
    if (server_) server_->Stop();
    if (thread_) thread_->join();
    delete thread_;
    delete server_;
    std::filesystem::remove_all(*dir_);
  }

  static httplib::Client Client() {
    httplib::Client c("127.0.0.1", port_);
    c.set_read_timeout(120, 0);
    c.set_tcp_nodelay(true);
    return c;
  }
  static httplib::Headers Auth(const std::string& secret) {
    return {{"Authorization", "Bearer " + secret}};
  }
  static json Get(const std::string& path, const std::string& secret,
                  int expect = 200) {
    auto res = Client().Get(path.c_str(), Auth(secret));
    EXPECT_TRUE(res) << path;
    if (!res) return nullptr;
    EXPECT_EQ(res->status, expect) << path << ": " << res->body;
    auto j = json::parse(res->body, nullptr, false);
    EXPECT_FALSE(j.is_discarded()) << path << ": " << res->body;
    return j;
  }

  static std::filesystem::path* dir_;
  static std::string* store_;
  static store::NewApiToken* clinician_;
  static store::NewApiToken* researcher_;
  static std::string* revoked_;
  static Server* server_;
  static std::thread* thread_;
  static int port_;
};

std::filesystem::path* ServeHttpTest::dir_ = nullptr;
std::string* ServeHttpTest::store_ = nullptr;
store::NewApiToken* ServeHttpTest::clinician_ = nullptr;
store::NewApiToken* ServeHttpTest::researcher_ = nullptr;
std::string* ServeHttpTest::revoked_ = nullptr;
Server* ServeHttpTest::server_ = nullptr;
std::thread* ServeHttpTest::thread_ = nullptr;
int ServeHttpTest::port_ = 0;

// Every data route, with the pattern the audit trail records.
struct Route {
  std::string method, path, pattern, body;
};
std::vector<Route> DataRoutes() {
  const std::string p = "/api/v1/patients/example";
  return {
      {"GET", "/api/v1/patients", "GET /api/v1/patients", ""},
      {"GET", p, "GET /api/v1/patients/{id}", ""},
      {"GET", p + "/streams", "GET /api/v1/patients/{id}/streams", ""},
      {"GET", p + "/streams/MLII", "GET /api/v1/patients/{id}/streams/{stream}",
       ""},
      {"GET", p + "/streams/MLII/window?points=500",
       "GET /api/v1/patients/{id}/streams/{stream}/window", ""},
      {"GET", p + "/events?limit=5", "GET /api/v1/patients/{id}/events", ""},
      {"GET", p + "/timeline", "GET /api/v1/patients/{id}/timeline", ""},
      {"GET", p + "/analyses", "GET /api/v1/patients/{id}/analyses", ""},
      {"GET", p + "/analyses/hrv", "GET /api/v1/patients/{id}/analyses/{name}",
       ""},
      {"GET", p + "/twin/snapshots", "GET /api/v1/patients/{id}/twin/snapshots",
       ""},
      {"POST", p + "/twin/simulate", "POST /api/v1/patients/{id}/twin/simulate",
       R"({"scenario": "resistance=-20%", "samples": 4})"},
      {"GET", p + "/twin/progression",
       "GET /api/v1/patients/{id}/twin/progression", ""},
      {"GET", p + "/twin/brain", "GET /api/v1/patients/{id}/twin/brain", ""},
      {"GET", "/fhir/Patient/example", "GET /fhir/Patient/{id}", ""},
      {"GET", "/fhir/Observation?patient=example&code=8480-6",
       "GET /fhir/Observation", ""},
      {"GET", "/fhir/RiskAssessment?patient=example",
       "GET /fhir/RiskAssessment", ""},
  };
}

httplib::Result Send(httplib::Client& c, const Route& r,
                     const httplib::Headers& h) {
  if (r.method == "POST")
    return c.Post(r.path.c_str(), h, r.body, "application/json");
  return c.Get(r.path.c_str(), h);
}

TEST_F(ServeHttpTest, EveryDataRouteRefusesMissingOrWrongTokensAndIsAudited) {
  auto c = Client();
  for (const auto& r : DataRoutes()) {
    for (const httplib::Headers& h :
         {httplib::Headers{}, Auth("jmt_" + std::string(64, '0')),
          Auth(*revoked_), httplib::Headers{{"Authorization", "Basic eDp5"}}}) {
      auto res = Send(c, r, h);
      ASSERT_TRUE(res) << r.path;
      EXPECT_EQ(res->status, 401) << r.method << " " << r.path;
      EXPECT_NE(res->body.find("\"unauthenticated\""), std::string::npos);
      EXPECT_EQ(res->get_header_value("WWW-Authenticate"),
                "Bearer realm=\"jumeau\"");
    }
    auto ok = Send(c, r, Auth(clinician_->secret));
    ASSERT_TRUE(ok) << r.path;
    EXPECT_EQ(ok->status, 200) << r.method << " " << r.path << ": "
                               << ok->body;
    auto res = Send(c, r, Auth(researcher_->secret));
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 200) << r.path;
    // Researchers see pseudonyms only: no source record ids anywhere.
    EXPECT_EQ(res->body.find("source_ref"), std::string::npos) << r.path;
    EXPECT_EQ(res->body.find("urn:jumeau:source-ref"), std::string::npos);
  }
  // The audit trail has, for each route, the refusals (token 0) and one
  // access per role, with the patient and the status.
  ASSERT_TRUE(server_->FlushAudit().ok());
  auto store = store::OpenSqliteStore(*store_);
  ASSERT_TRUE(store.ok());
  store::AuditQuery q;
  q.limit = 100000;
  const auto log = (*store)->AuditLog(q);
  ASSERT_TRUE(log.ok());
  for (const auto& r : DataRoutes()) {
    int refused = 0, clinician = 0, researcher = 0;
    for (const auto& e : *log) {
      const std::string target = r.path.substr(0, r.path.find('?'));
      if (e.target.substr(0, e.target.find('?')) != target) continue;
      if (e.token_id == 0 && e.status == 401) ++refused;
      if (e.token_id == clinician_->token.id && e.status == 200) {
        ++clinician;
        EXPECT_EQ(e.action, r.pattern);
        EXPECT_EQ(e.role, "clinician");
        if (r.path != "/api/v1/patients") {
          EXPECT_EQ(e.patient, "example");
        }
      }
      if (e.token_id == researcher_->token.id && e.status == 200) ++researcher;
    }
    EXPECT_GE(refused, 4) << r.path;
    EXPECT_GE(clinician, 1) << r.path;
    EXPECT_GE(researcher, 1) << r.path;
  }
  // `jumeau audit` reads the same trail.
  const auto cli = testing::JsonOf(
      RunJumeau({"audit", *store_, "--patient", "example", "--json"}));
  ASSERT_TRUE(cli.is_array());
  EXPECT_GT(cli.size(), 10u);
}

// `jumeau token create|list|revoke` and `jumeau audit` on their own store.
TEST(TokenVerbsTest, CreateListRevokeAndAudit) {
  const auto store = (testing::ScratchDir() / "tokens.jumeau").string();
  ASSERT_EQ(RunJumeau({"init", store}).exit_code, 0);
  const json made = testing::JsonOf(RunJumeau(
      {"token", "create", store, "--role", "researcher", "--label", "study",
       "--json"}));
  ASSERT_TRUE(made.is_object());
  const std::string secret = made["token"];
  EXPECT_EQ(secret.rfind("jmt_", 0), 0u);
  EXPECT_NE(RunJumeau({"token", "create", store, "--role", "admin"}).exit_code,
            0);  // not one of the roles
  json list = testing::JsonOf(RunJumeau({"token", "list", store, "--json"}));
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0]["role"], "researcher");
  EXPECT_TRUE(list[0]["revoked"].is_null());
  EXPECT_EQ(list.dump().find(secret.substr(4)), std::string::npos);
  const auto human = RunJumeau({"token", "list", store});
  EXPECT_EQ(human.out.find(secret.substr(4)), std::string::npos);
  ASSERT_EQ(RunJumeau({"token", "revoke", store,
                       std::to_string(made["id"].get<int>())})
                .exit_code,
            0);
  list = testing::JsonOf(RunJumeau({"token", "list", store, "--json"}));
  EXPECT_FALSE(list[0]["revoked"].is_null());
  EXPECT_EQ(RunJumeau({"token", "revoke", store, "99"}).exit_code, 3);
  const json audit = testing::JsonOf(RunJumeau({"audit", store, "--json"}));
  EXPECT_TRUE(audit.is_array() && audit.empty());
}

TEST_F(ServeHttpTest, HealthAndPatients) {
  auto res = Client().Get("/api/v1/health");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  const json list = Get("/api/v1/patients?limit=1", clinician_->secret);
  ASSERT_EQ(list["items"].size(), 1u);
  EXPECT_EQ(list["items"][0]["id"], "example");
  EXPECT_GT(list["items"][0]["streams"].get<int>(), 2);
}

TEST_F(ServeHttpTest, WindowZoomsFromTheWholeRecordingToOneBeat) {
  const std::string w = "/api/v1/patients/example/streams/MLII/window";
  const json whole = Get(w + "?points=2000", clinician_->secret);
  EXPECT_FALSE(whole["exact"]);
  EXPECT_LE(whole["t"].size(), 2000u);
  EXPECT_GT(whole["t"].size(), 1000u);
  EXPECT_GT(whole["pyramid_level"].get<int>(), 0);
  // One second: exact samples at the stream's rate.
  const json stream = Get("/api/v1/patients/example/streams/MLII",
                          clinician_->secret);
  const double start = stream["start_s"];
  const int64_t start_ns =
      static_cast<int64_t>(std::llround(start)) * 1000000000LL;
  const json beat = Get(w + "?from=" + std::to_string(start_ns + 60000000000LL) +
                            "&to=" + std::to_string(start_ns + 61000000000LL) +
                            "&points=2000",
                        clinician_->secret);
  EXPECT_TRUE(beat["exact"]);
  EXPECT_NEAR(static_cast<double>(beat["value"].size()),
              stream["rate_hz"].get<double>(), 1.0);
  // The same window again answers 304 to its ETag.
  auto c = Client();
  auto first = c.Get((w + "?points=100").c_str(), Auth(clinician_->secret));
  ASSERT_TRUE(first);
  const std::string etag = first->get_header_value("ETag");
  ASSERT_FALSE(etag.empty());
  auto h = Auth(clinician_->secret);
  h.emplace("If-None-Match", etag);
  auto again = c.Get((w + "?points=100").c_str(), h);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 304);
}

TEST_F(ServeHttpTest, EventsArePaginated) {
  const std::string base = "/api/v1/patients/example/events?limit=7";
  const json page1 = Get(base, clinician_->secret);
  ASSERT_EQ(page1["items"].size(), 7u);
  ASSERT_EQ(page1["next_offset"], 7);
  const json page2 = Get(base + "&offset=7", clinician_->secret);
  ASSERT_EQ(page2["items"].size(), 7u);
  EXPECT_LE(page1["items"][6]["t"].get<double>(),
            page2["items"][0]["t"].get<double>());
  const json bp = Get("/api/v1/patients/example/events?code=8480-6&limit=10000",
                      clinician_->secret);
  ASSERT_FALSE(bp["items"].empty());
  for (const auto& e : bp["items"]) EXPECT_EQ(e["code"], "8480-6");
}

TEST_F(ServeHttpTest, AnalysesTwinAndWhatIf) {
  const json analyses =
      Get("/api/v1/patients/example/analyses", clinician_->secret);
  std::set<std::string> names;
  for (const auto& a : analyses["items"]) names.insert(a["name"]);
  EXPECT_TRUE(names.count("hrv"));
  EXPECT_TRUE(names.count("risk"));
  const json risk = Get("/api/v1/patients/example/analyses/risk",
                        clinician_->secret);
  ASSERT_FALSE(risk["series"].empty());
  const json snapshots =
      Get("/api/v1/patients/example/twin/snapshots", clinician_->secret);
  ASSERT_EQ(snapshots["items"].size(), 1u);
  EXPECT_FALSE(snapshots["items"][0]["parameters"].empty());
  auto res = Client().Post(
      "/api/v1/patients/example/twin/simulate", Auth(clinician_->secret),
      R"({"scenario": "resistance=-20%", "samples": 6, "waveform_points": 50})",
      "application/json");
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200) << res->body;
  const json sim = json::parse(res->body);
  EXPECT_EQ(sim["waveform"]["lv_volume"].size(), 50u);
  bool map_lower = false;
  for (const auto& o : sim["outputs"]) {
    EXPECT_LE(o["scenario"]["p5"].get<double>(),
              o["scenario"]["p95"].get<double>());
    if (o["name"] == "mean_arterial_pressure")
      map_lower = o["scenario"]["map"] < o["baseline"]["map"];
  }
  EXPECT_TRUE(map_lower);
  const json risks =
      Get("/fhir/RiskAssessment?patient=example", clinician_->secret);
  ASSERT_FALSE(risks["entry"].empty());
  const double p =
      risks["entry"][0]["resource"]["prediction"][0]["probabilityDecimal"];
  EXPECT_GT(p, 0.0);
  EXPECT_LT(p, 1.0);
  const json twin_obs = Get(
      "/fhir/Observation?patient=example&code=urn:jumeau:twin-output|"
      "mean_arterial_pressure",
      clinician_->secret);
  ASSERT_EQ(twin_obs["entry"].size(), 1u);
  const json hrv = Get(
      "/fhir/Observation?patient=Patient/example&code=urn:jumeau:analysis|"
      "hrv-SDNN&_count=3",
      clinician_->secret);
  ASSERT_FALSE(hrv["entry"].empty());
  EXPECT_EQ(hrv["entry"][0]["resource"]["meta"]["tag"][0]["code"], "hrv/1");
}

// The progression twin as plot-ready columns: the observed systolic
// pressures, the trajectory inside its 90% band, the crossing of 140 mm[Hg];
// researchers get no ages nor birth date beyond the year; the brain twin's
// summary.
TEST_F(ServeHttpTest, ProgressionAndBrainTwins) {
  const std::string base = "/api/v1/patients/example/twin/";
  const json pr = Get(base + "progression", clinician_->secret);
  ASSERT_EQ(pr["items"].size(), 1u);
  EXPECT_EQ(pr["items"][0]["model"], "logistic_progression");
  const json& latest = pr["latest"];
  ASSERT_TRUE(latest.is_object()) << pr.dump();
  EXPECT_EQ(latest["snapshot_id"], pr["items"][0]["snapshot_id"]);
  EXPECT_EQ(latest["band"], "90%");
  EXPECT_EQ(latest["birth"].get<std::string>().size(), 10u);
  ASSERT_EQ(latest["features"].size(), 1u);
  const json& f = latest["features"][0];
  EXPECT_EQ(f["code"], "8480-6");
  EXPECT_EQ(f["unit"], "mm[Hg]");
  // The observed points are the patient's systolic pressures (one per day).
  const json bp = Get("/api/v1/patients/example/events?code=8480-6&limit=10000",
                      clinician_->secret);
  ASSERT_FALSE(f["observed"]["t"].empty());
  EXPECT_LE(f["observed"]["t"].size(), bp["items"].size());
  EXPECT_EQ(f["observed"]["t"].size(), f["observed"]["value"].size());
  EXPECT_EQ(f["observed"]["t"].size(), f["observed"]["age"].size());
  EXPECT_EQ(f["observed"]["t"][0].get<double>(),
            bp["items"][0]["t"].get<double>());
  const json& tr = f["trajectory"];
  ASSERT_GE(tr["t"].size(), 2u);
  for (const char* k : {"p5", "median", "p95", "age"})
    ASSERT_EQ(tr[k].size(), tr["t"].size()) << k;
  for (size_t i = 0; i < tr["t"].size(); ++i) {
    EXPECT_LE(tr["p5"][i].get<double>(), tr["median"][i].get<double>() + 1e-9);
    EXPECT_LE(tr["median"][i].get<double>(), tr["p95"][i].get<double>() + 1e-9);
    if (i > 0) {
      EXPECT_GT(tr["t"][i].get<double>(), tr["t"][i - 1].get<double>());
    }
  }
  EXPECT_EQ(FormatIso8601(Time::FromNanoseconds(static_cast<int64_t>(
                              tr["t"].back().get<double>() * 1e9)))
                .substr(0, 4),
            "2045");
  ASSERT_EQ(f["thresholds"].size(), 1u);
  const json& c = f["thresholds"][0];
  EXPECT_EQ(c["value"], 140.0);
  EXPECT_GE(c["probability_by_end"].get<double>(), 0.0);
  EXPECT_LE(c["probability_by_end"].get<double>(), 1.0);
  if (c["t_median"].is_number()) {
    EXPECT_TRUE(c["date_median"].is_string());
    EXPECT_TRUE(c["age_median"].is_number());
  }

  // The researcher's view: same numbers, no ages, the birth year only.
  const json rr = Get(base + "progression", researcher_->secret);
  const json& rl = rr["latest"];
  EXPECT_EQ(rl["birth"].get<std::string>().size(), 4u);
  EXPECT_EQ(rl["features"][0]["trajectory"]["median"], tr["median"]);
  EXPECT_FALSE(rl["features"][0]["trajectory"].contains("age"));
  EXPECT_FALSE(rl["features"][0]["observed"].contains("age"));
  EXPECT_FALSE(rl["features"][0]["thresholds"][0].contains("age_median"));
  EXPECT_EQ(rr.dump().find("\"age"), std::string::npos);

  // The list is immutable until it grows: its ETag answers 304.
  auto c1 = Client();
  auto first = c1.Get((base + "progression").c_str(), Auth(clinician_->secret));
  ASSERT_TRUE(first);
  const std::string etag = first->get_header_value("ETag");
  ASSERT_FALSE(etag.empty());
  auto h = Auth(clinician_->secret);
  h.emplace("If-None-Match", etag);
  auto again = c1.Get((base + "progression").c_str(), h);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 304);

  // A patient without a progression twin: an empty list, no latest.
  const json none =
      Get("/api/v1/patients/peer3/twin/progression", clinician_->secret);
  EXPECT_TRUE(none["items"].empty());
  EXPECT_TRUE(none["latest"].is_null());
  Get("/api/v1/patients/nobody/twin/progression", clinician_->secret, 404);

  // The brain twin's summary, without the server's path for researchers.
  const json brain = Get(base + "brain", clinician_->secret);
  ASSERT_EQ(brain["items"].size(), 1u);
  const json& b = brain["items"][0];
  EXPECT_EQ(b["model"], "epileptor_network");
  EXPECT_EQ(b["method"], "hypothesis");
  EXPECT_EQ(b["regions"], 4);
  EXPECT_EQ(b["ez_regions"], json::array({"lF"}));
  EXPECT_TRUE(b["propagation"]["seizing"].is_array());
  EXPECT_NE(b["connectome_source"].get<std::string>().find("connectome"),
            std::string::npos);
  const json rb = Get(base + "brain", researcher_->secret);
  EXPECT_FALSE(rb["items"][0].contains("connectome_source"));
  EXPECT_EQ(rb.dump().find(dir_->string()), std::string::npos);
  EXPECT_TRUE(
      Get("/api/v1/patients/peer3/twin/brain", clinician_->secret)["items"]
          .empty());
}

TEST_F(ServeHttpTest, BadRequestsGetA4xxWithAMessage) {
  auto c = Client();
  const auto h = Auth(clinician_->secret);
  auto expect = [&](httplib::Result res, int status, const char* words) {
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, status) << res->body;
    EXPECT_NE(res->body.find(words), std::string::npos) << res->body;
    auto j = json::parse(res->body, nullptr, false);
    EXPECT_TRUE(!j.is_discarded() && j["error"].is_object()) << res->body;
  };
  const std::string w = "/api/v1/patients/example/streams/MLII/window";
  expect(c.Get("/api/v1/patients/nobody", h), 404, "no patient 'nobody'");
  expect(c.Get((w + "?from=2020-01-02T00:00:00Z&to=2020-01-01T00:00:00Z")
                   .c_str(),
               h),
         400, "before it starts");
  expect(c.Get((w + "?from=1700-01-01T00:00:00Z&to=1701-01-01T00:00:00Z")
                   .c_str(),
               h),
         400, "does not overlap");
  {
    // The widest window there is: clipped to the stream.
    auto res = c.Get(
        (w + "?from=-9223372036854775808&to=9223372036854775807").c_str(), h);
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 200);
  }
  expect(c.Get((w + "?from=99999999999999999999").c_str(), h), 400,
         "parameter 'from'");
  expect(c.Get((w + "?points=1000000").c_str(), h), 400, "'points'");
  expect(c.Post("/api/v1/patients/example/twin/simulate", h, "{\"scenario\":",
                "application/json"),
         400, "not valid JSON");
  expect(c.Post("/api/v1/patients/example/twin/simulate", h,
                R"({"scenario": "gravity=+1"})", "application/json"),
         400, "scenario");
  expect(c.Post("/api/v1/patients/example/twin/simulate", h,
                std::string(200 * 1024, '{'), "application/json"),
         413, "too large");
  expect(c.Delete("/api/v1/patients/example", h), 405, "GET only");
  // Static files never leave the dashboard folder.
  for (const char* path : {"/../../../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd",
                           "/..%2f..%2f..%2fetc%2fpasswd",
                           "/web/../../CMakeLists.txt", "/..\\..\\etc\\passwd"}) {
    auto res = c.Get(path);
    ASSERT_TRUE(res) << path;
    EXPECT_GE(res->status, 400) << path;
    EXPECT_LT(res->status, 500) << path;
    EXPECT_EQ(res->body.find("root:"), std::string::npos) << path;
    EXPECT_EQ(res->body.find("cmake_minimum_required"), std::string::npos)
        << path;
  }
}

// Concurrent clients, each on its own keep-alive connection, get the same
// answers as one client alone (each worker reads through its own connection).
TEST_F(ServeHttpTest, ConcurrentWindowQueriesAgree) {
  const std::string w =
      "/api/v1/patients/example/streams/MLII/window?points=300";
  auto alone = Client().Get(w.c_str(), Auth(clinician_->secret));
  ASSERT_TRUE(alone);
  ASSERT_EQ(alone->status, 200);
  std::atomic<int> same{0}, different{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 6; ++t) {
    threads.emplace_back([&] {
      auto c = Client();
      c.set_keep_alive(true);
      for (int i = 0; i < 50; ++i) {
        auto res = c.Get(w.c_str(), Auth(clinician_->secret));
        if (res && res->status == 200 && res->body == alone->body)
          ++same;
        else
          ++different;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(same.load(), 300);
  EXPECT_EQ(different.load(), 0);
}

// Seeded random requests: paths from the API's own words and junk, random
// parameters, bodies and tokens. None may get a 5xx or stop the server.
TEST_F(ServeHttpTest, BoundedRandomRequestsNeverCrashTheServer) {
  std::mt19937_64 rng(20261129);
  auto pick = [&](const std::vector<std::string>& v) {
    return v[std::uniform_int_distribution<size_t>(0, v.size() - 1)(rng)];
  };
  const std::vector<std::string> words = {"api",
                                          "v1",
                                          "patients",
                                          "example",
                                          "nobody",
                                          "streams",
                                          "MLII",
                                          "window",
                                          "events",
                                          "timeline",
                                          "analyses",
                                          "hrv",
                                          "eeg",
                                          "risk",
                                          "twin",
                                          "snapshots",
                                          "simulate",
                                          "progression",
                                          "brain",
                                          "fhir",
                                          "Patient",
                                          "Observation",
                                          "RiskAssessment",
                                          "health",
                                          "..",
                                          ".",
                                          "",
                                          "%00",
                                          "%ff%fe",
                                          "0",
                                          "-1",
                                          "9223372036854775808",
                                          "index.html",
                                          "app.js",
                                          "%2e%2e",
                                          "a%20b"};
  const std::vector<std::string> keys = {"from", "to", "points", "limit",
                                         "offset", "code", "date", "patient",
                                         "_count", "system", "origin"};
  const std::vector<std::string> values = {
      "0", "-1", "1", "2000", "1000000", "99999999999999999999", "abc",
      "2019-03-02T08:00:00Z", "1970-01-01T00:00:00Z", "ge2019", "lt2020-13",
      "example", "Patient/example", "8480-6", "http://loinc.org|8480-6", "%00",
      "-9223372036854775808", "9223372036854775807", "", "1e9", "%ff"};
  const std::vector<std::string> bodies = {
      "", "{}", "[]", "null", "{\"scenario\":\"hr=+10\",\"samples\":3}",
      "{\"scenario\":\"hr=1e308\"}", "{\"scenario\":\"volume=-99999\"}",
      "{\"scenario\":\"resistance=-20%\",\"samples\":-5}", "\xff\xfe",
      "{\"scenario\":[1,2]}", "{\"scenario\":\"hr=+10\",\"waveform_points\":2}"};
  const std::vector<std::string> tokens = {clinician_->secret,
                                           researcher_->secret, *revoked_, "",
                                           "jmt_x"};
  auto c = Client();
  c.set_keep_alive(true);
  constexpr int kRequests = 5000;
  int answered = 0, by_class[6] = {0};
  for (int i = 0; i < kRequests; ++i) {
    std::string path;
    if (i % 2 == 0) {
      // A real route with random parts swapped in.
      const std::vector<std::string> routes = {"",
                                               "/streams",
                                               "/streams/MLII",
                                               "/streams/MLII/window",
                                               "/events",
                                               "/timeline",
                                               "/analyses",
                                               "/analyses/hrv",
                                               "/analyses/risk",
                                               "/twin/snapshots",
                                               "/twin/simulate",
                                               "/twin/progression",
                                               "/twin/brain"};
      path = (i % 4 == 0 ? "/api/v1/patients/" + pick({"example", "nobody",
                                                       pick(words)})
                         : "/api/v1/patients/example") +
             pick(routes);
      if (i % 10 == 0) path = "/fhir/" + pick({"Observation", "RiskAssessment",
                                              "Patient/example"});
    } else {
      const int depth = std::uniform_int_distribution<int>(0, 7)(rng);
      if (i % 3 == 1) path = "/api/v1";
      for (int d = 0; d < depth; ++d) path += "/" + pick(words);
    }
    if (path.empty()) path = "/";
    const int params = std::uniform_int_distribution<int>(0, 4)(rng);
    for (int k = 0; k < params; ++k)
      path += (k ? "&" : "?") + pick(keys) + "=" + pick(values);
    httplib::Headers h;
    const std::string token =
        i % 3 == 0 ? pick(tokens) : pick({clinician_->secret, researcher_->secret});
    if (!token.empty()) h.emplace("Authorization", "Bearer " + token);
    const int method = std::uniform_int_distribution<int>(0, 3)(rng);
    httplib::Result res =
        method <= 1   ? c.Get(path.c_str(), h)
        : method == 2 ? c.Post(path.c_str(), h, pick(bodies), "application/json")
                      : c.Delete(path.c_str(), h);
    if (!res) {
      // httplib refuses some junk paths on the client side; the server must
      // still be up.
      auto health = Client().Get("/api/v1/health");
      ASSERT_TRUE(health) << "server down after " << path;
      continue;
    }
    ++answered;
    if (std::getenv("JUMEAU_SHOW_RANDOM") && i < 40)
      std::printf("%d %s -> %d %s\n", method, path.c_str(), res->status,
                  res->body.substr(0, 100).c_str());
    ASSERT_LT(res->status, 500) << path << ": " << res->body;
    ++by_class[res->status / 100];
  }
  std::printf("random requests: %d answered: 2xx %d, 3xx %d, 4xx %d\n",
              answered, by_class[2], by_class[3], by_class[4]);
  EXPECT_GT(answered, kRequests * 9 / 10);
  EXPECT_GT(by_class[2], 100);
  auto health = Client().Get("/api/v1/health");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
}

}  // namespace
}  // namespace jumeau::server

// The API's window route in-process, against the store's ReadWindow alone
// (the reference: what the route adds is auth, JSON and the audit entry), and
// what one audit entry costs on the request path (a queue push) and off it
// (the batched insert). One hour of a 360 Hz signal; random windows from 10 s
// to the whole hour, 200 and 2,000 points. "Cached": through a shared
// DecodedCache as `jumeau serve` reads (64 MiB, warm after the first pass);
// "NoCache": every chunk and pyramid block decoded afresh.
#include <benchmark/benchmark.h>

#include <cmath>
#include <filesystem>
#include <random>

#include "jumeau/server/api.h"
#include "jumeau/server/server.h"
#include "jumeau/store/sqlite_store.h"

namespace jumeau::server {
namespace {

struct Fixture {
  std::filesystem::path path;
  std::unique_ptr<store::Store> store;
  std::unique_ptr<StorePool> pool;
  std::unique_ptr<AuditWriter> audit;
  std::unique_ptr<Api> api;  // through a DecodedCache, as the server
  std::shared_ptr<store::DecodedCache> cache;
  std::unique_ptr<store::Store> cached_store;
  std::unique_ptr<StorePool> plain_pool;
  std::unique_ptr<Api> plain_api;  // no DecodedCache
  std::string auth;
  store::StreamId stream = 0;
  Time start, end;

  Fixture() {
    path = std::filesystem::temp_directory_path() / "jumeau_serve_bench.jumeau";
    std::filesystem::remove(path);
    store = std::move(store::CreateSqliteStore(path)).value();
    store::SourceDescription d;
    d.content_hash = "bench";
    d.format = "TEST";
    d.reader = "bench";
    d.reader_version = "1";
    auto txn = std::move(store->BeginSource(d)).value();
    store::PatientIdentity id;
    id.keys = {"bench:1"};
    const store::PatientId p = txn->Patient(id).value();
    Signal s;
    s.label = "ECG";
    s.unit = "mV";
    s.rate = SampleRate(360, 1);
    s.start = *ParseIso8601("2019-03-02T08:00:00Z");
    s.scale = 0.005;
    s.digital_min = -2048;
    s.digital_max = 2047;
    std::mt19937 rng(1);
    std::normal_distribution<double> noise(0, 10);
    for (int64_t i = 0; i < 360 * 3600; ++i)
      s.samples.push_back(static_cast<int32_t>(
          800 * std::exp(-std::pow(std::fmod(i / 360.0, 0.8) - 0.2, 2) / 0.0005) +
          noise(rng)));
    stream = (*txn->AddSignal(p, s))->id();
    const std::string pseudonym = *txn->Pseudonym(p);
    (void)txn->Commit();
    txn.reset();
    start = s.start;
    end = s.TimeOfSample(360 * 3600);
    auth = "Bearer " + store->CreateApiToken("clinician", "bench")->secret;
    cache = std::make_shared<store::DecodedCache>(
        ServerOptions().decoded_cache_bytes);
    cached_store =
        std::move(store::OpenSqliteStore(path, Clock::Real(), cache)).value();
    pool = std::move(StorePool::Open(path, 1, Clock::Real(), cache)).value();
    plain_pool = std::move(StorePool::Open(path, 1)).value();
    audit = std::make_unique<AuditWriter>(
        std::move(store::OpenSqliteStore(path)).value());
    api = std::make_unique<Api>(pool.get(), audit.get(), Clock::Real());
    plain_api =
        std::make_unique<Api>(plain_pool.get(), audit.get(), Clock::Real());
    patient = pseudonym;
  }
  std::string patient;
};

Fixture& F() {
  static Fixture* f = new Fixture();
  return *f;
}

// Random windows, the same sequence for every benchmark.
std::vector<std::pair<Time, Time>> Windows() {
  std::vector<std::pair<Time, Time>> out;
  std::mt19937_64 rng(7);
  const double total = static_cast<double>((F().end - F().start).ns);
  for (int i = 0; i < 1000; ++i) {
    const double len = 10e9 * std::pow(total / 10e9,
                                        std::uniform_real_distribution<>(0, 1)(rng));
    const int64_t a = F().start.ns_since_epoch +
                      static_cast<int64_t>(std::uniform_real_distribution<>(
                          0, total - len)(rng));
    out.push_back({Time{a}, Time{a + static_cast<int64_t>(len)}});
  }
  return out;
}

void StoreReadWindow(benchmark::State& state, store::Store& store) {
  const auto windows = Windows();
  size_t i = 0;
  for (auto _ : state) {
    const auto& [a, b] = windows[i++ % windows.size()];
    auto w = store.ReadWindow(F().stream, a, b, state.range(0));
    benchmark::DoNotOptimize(w);
  }
}
void BM_StoreReadWindowNoCache(benchmark::State& state) {
  StoreReadWindow(state, *F().store);
}
BENCHMARK(BM_StoreReadWindowNoCache)->Arg(200)->Arg(2000);
void BM_StoreReadWindowCached(benchmark::State& state) {
  StoreReadWindow(state, *F().cached_store);
}
BENCHMARK(BM_StoreReadWindowCached)->Arg(200)->Arg(2000);

void ApiWindow(benchmark::State& state, Api& api) {
  const auto windows = Windows();
  Request r;
  r.method = "GET";
  r.path = "/api/v1/patients/" + F().patient + "/streams/ECG/window";
  r.authorization = F().auth;
  size_t i = 0;
  int64_t bytes = 0;
  for (auto _ : state) {
    const auto& [a, b] = windows[i++ % windows.size()];
    r.query = {{"from", std::to_string(a.ns_since_epoch)},
               {"to", std::to_string(b.ns_since_epoch)},
               {"points", std::to_string(state.range(0))}};
    Response res = api.Handle(r);
    if (res.status != 200) state.SkipWithError("not 200");
    bytes += static_cast<int64_t>(res.body.size());
  }
  state.SetBytesProcessed(bytes);
  (void)F().audit->Flush();
}
void BM_ApiWindowNoCache(benchmark::State& state) {
  ApiWindow(state, *F().plain_api);
}
BENCHMARK(BM_ApiWindowNoCache)->Arg(200)->Arg(2000);
void BM_ApiWindowCached(benchmark::State& state) { ApiWindow(state, *F().api); }
BENCHMARK(BM_ApiWindowCached)->Arg(200)->Arg(2000);

// The request path's share of auditing: one queue push.
void BM_AuditRecord(benchmark::State& state) {
  store::AuditEntry e;
  e.token_id = 1;
  e.role = "clinician";
  e.patient = F().patient;
  e.action = "GET /api/v1/patients/{id}/streams/{stream}/window";
  e.target = "/api/v1/patients/x/streams/ECG/window?from=1&to=2&points=2000";
  e.status = 200;
  for (auto _ : state) F().audit->Record(e);
  (void)F().audit->Flush();
}
BENCHMARK(BM_AuditRecord);

// The writer thread's share: a batch of 512 entries in one transaction.
void BM_AppendAuditBatch512(benchmark::State& state) {
  std::vector<store::AuditEntry> batch(512);
  for (auto& e : batch) {
    e.token_id = 1;
    e.role = "clinician";
    e.action = "GET /api/v1/patients/{id}/streams/{stream}/window";
    e.target = "/api/v1/patients/x/streams/ECG/window?from=1&to=2&points=2000";
    e.status = 200;
  }
  for (auto _ : state) {
    if (!F().store->AppendAudit(batch).ok()) state.SkipWithError("append");
  }
  state.SetItemsProcessed(state.iterations() * 512);
}
BENCHMARK(BM_AppendAuditBatch512);

}  // namespace
}  // namespace jumeau::server

BENCHMARK_MAIN();

// hello_twin: the smallest use of Jumeau's library today — write the synthetic
// example patient, ingest it into a fresh store, and look at one heartbeat and
// at the whole ECG at screen resolution. (The twin models come next; this is
// the patient record they will stand on.)
//   build/examples/hello_twin /tmp/hello
#include <algorithm>
#include <cstdio>
#include <filesystem>

#include "jumeau/ingest/ingest.h"
#include "jumeau/store/sqlite_store.h"
#include "jumeau/synth/example.h"

int main(int argc, char** argv) {
  using namespace jumeau;
  const std::filesystem::path dir = argc > 1 ? argv[1] : "hello_twin_out";
  std::filesystem::remove_all(dir);
  if (Status s = synth::WriteExamplePatient(dir / "example", {}); !s.ok()) {
    std::fprintf(stderr, "%s\n", s.ToString().c_str());
    return 1;
  }
  auto store = store::CreateSqliteStore(dir / "patient.jumeau");
  if (!store.ok()) return 1;
  auto sources = ingest::ResolveSources({dir / "example" / "ecg.hea"});
  if (!sources.ok()) return 1;
  ingest::IngestOptions options;
  options.patient = "hello";
  for (const auto& source : *sources) {
    auto report = ingest::IngestSource(**store, source, options);
    if (!report.ok()) {
      std::fprintf(stderr, "%s\n", report.status().ToString().c_str());
      return 1;
    }
    std::printf("ingested %s: %lld samples, %lld beats\n",
                report->display_name.c_str(),
                static_cast<long long>(report->samples),
                static_cast<long long>(report->events));
  }
  const auto patient = *(*store)->FindPatient("hello");
  const auto ecg = (*store)->Streams(patient.id)->front();
  // One second around the tenth beat, exact samples.
  store::EventQuery beats;
  beats.code = "N";
  const Time beat = (*store)->Events(patient.id, beats)->at(10).event.time;
  const auto window =
      *(*store)->ReadWindow(ecg.id, beat - Duration::Milliseconds(300),
                            beat + Duration::Milliseconds(500), 2000);
  std::printf("beat at %s: %zu samples, R amplitude %.2f %s\n",
              FormatIso8601(beat).c_str(), window.samples.size(),
              *std::max_element(window.samples.begin(), window.samples.end()) *
                      window.scale +
                  window.offset,
              window.unit.c_str());
  // The whole recording in 100 points, from the pyramid.
  const auto overview =
      *(*store)->ReadWindow(ecg.id, ecg.signal.start, ecg.end(), 100);
  std::printf("overview: %zu buckets from pyramid level %d\n",
              overview.buckets.size(), overview.pyramid_level);
  return 0;
}

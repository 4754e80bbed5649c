// Fuzz target for the FHIR R4 reader (jumeau/io/fhir.h): reads the input
// from memory as one JSON document and as NDJSON, collecting and through a
// sink, and checks the error contract (every failure names the file and a
// line). Under GCC it is a replay program over fuzz/corpus/fhir_fuzz/.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "jumeau/io/fhir.h"

namespace {

// Counts what it receives; touches every string so sanitizers see them.
class CountingSink final : public jumeau::io::FhirSink {
 public:
  jumeau::Status OnPatient(jumeau::io::FhirPatient patient) override {
    bytes_ += patient.resource_id.size() + patient.identifiers.size();
    return jumeau::Status::Ok();
  }
  jumeau::Status OnEvent(jumeau::io::FhirEvent event) override {
    bytes_ += event.patient_ref.size() + event.event.code.code.size() +
              event.event.unit.size() + event.event.source_unit.size() +
              event.event.status.size() + event.event.source_ref.size() +
              event.related.size();
    return jumeau::Status::Ok();
  }

 private:
  size_t bytes_ = 0;
};

void CheckError(const jumeau::Status& status, std::string_view name) {
  if (status.ok()) return;
  // Expected failures name the file and a line; anything else is a bug.
  const std::string& m = status.message();
  if (m.compare(0, name.size(), name) != 0 ||
      m.compare(name.size(), 6, " line ") != 0) {
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  auto json = jumeau::io::ReadFhirJson(bytes, "fuzz.json");
  if (!json.ok()) CheckError(json.status(), "fuzz.json");
  auto ndjson = jumeau::io::ReadFhirNdjson(bytes, "fuzz.ndjson");
  if (!ndjson.ok()) CheckError(ndjson.status(), "fuzz.ndjson");
  CountingSink sink;
  jumeau::io::FhirReader reader(&sink);
  const jumeau::Status status = reader.AddNdjson(bytes, "fuzz.ndjson");
  CheckError(status, "fuzz.ndjson");
  if (status.ok()) (void)reader.Finish();
  return 0;
}

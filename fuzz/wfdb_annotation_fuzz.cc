// Fuzz target: MIT annotation bytes → ParseWfdbAnnotations. When the events
// re-encode, the encoding must parse again (a crash here is a bug).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "jumeau/io/wfdb_annotation.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  const jumeau::SampleRate rate(360, 1);
  auto file = jumeau::io::ParseWfdbAnnotations(bytes, "fuzz.atr", rate,
                                               jumeau::Time{0}, {"MLII", "V5"});
  if (!file.ok()) return 0;
  auto encoded = jumeau::io::EncodeWfdbAnnotations(
      file->events, rate, jumeau::Time{0}, {"MLII", "V5"});
  if (!encoded.ok()) return 0;
  auto again = jumeau::io::ParseWfdbAnnotations(
      *encoded, "fuzz.atr", rate, jumeau::Time{0}, {"MLII", "V5"});
  if (!again.ok()) std::abort();
  return 0;
}

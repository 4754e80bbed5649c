// Fuzz target for the PhysioNet Challenge 2012 readers
// (jumeau/io/challenge2012.h): the input is read as an ICU stay file and as
// an Outcomes file (whose rows are turned into events). Under GCC it is a
// replay program over fuzz/corpus/challenge2012_fuzz/.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "jumeau/io/challenge2012.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  (void)jumeau::io::LooksLikeChallenge2012(bytes);
  (void)jumeau::io::LooksLikeChallenge2012Outcomes(bytes);
  auto stay = jumeau::io::ReadChallenge2012FromMemory(bytes, "fuzz.txt");
  if (stay.ok()) {
    double sink = 0;
    for (const jumeau::Event& e : stay->recording.events) sink += *e.value;
    volatile double keep = sink;
    (void)keep;
  }
  auto outcomes =
      jumeau::io::ReadChallenge2012OutcomesFromMemory(bytes, "fuzz.txt");
  if (outcomes.ok()) {
    for (const auto& o : *outcomes) {
      (void)jumeau::io::Challenge2012OutcomeEvents(o);
    }
  }
  return 0;
}

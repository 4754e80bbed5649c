// Fuzz target for the EDF/BDF reader (jumeau/io/edf.h): parses the input as
// an EDF file in memory and drains every block, converting each to physical
// values, in both block shapes (every signal; one signal per block). Under GCC
// it is a replay program over fuzz/corpus/edf_fuzz/.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "jumeau/io/edf.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  // Blocks of every signal, then one signal per block (as ingest reads).
  for (const bool signal_blocks : {false, true}) {
    auto reader = jumeau::io::OpenEdfFromMemory(bytes, "fuzz.edf");
    if (!reader.ok()) return 0;
    jumeau::io::RecordingReader& r = **reader;
    if (signal_blocks) r.PreferSignalBlocks(300);
    jumeau::io::SampleBlock block;
    std::vector<std::vector<double>> physical;
    while (true) {
      auto more = r.Next(&block);
      if (!more.ok() || !*more) break;
      jumeau::io::BlockToPhysical(block, r.header(), &physical);
    }
  }
  // The materialising path as well (segments, warnings).
  (void)jumeau::io::ReadEdfFromMemory(bytes, "fuzz.edf");
  return 0;
}

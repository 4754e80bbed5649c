// Fuzz target: WFDB header text → ParseWfdbHeader, then the reader on the
// parsed header with small in-memory signal files (every signal file name
// maps to bytes taken from the input), draining a bounded number of blocks.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "jumeau/io/wfdb.h"
#include "jumeau/io/wfdb_header.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  jumeau::Result<jumeau::io::WfdbHeader> h =
      jumeau::io::ParseWfdbHeader(text, "fuzz.hea");
  if (!h.ok()) return 0;
  jumeau::io::WfdbMemoryFiles files;
  files["fuzz.hea"] = std::string(text);
  // Signal files: the input bytes repeated to 4 KiB.
  std::string blob;
  while (blob.size() < 4096 && size > 0) blob.append(text);
  blob.resize(std::min<size_t>(blob.size(), 4096));
  for (const auto& s : h->signals) files[s.file_name] = blob;
  // Segment headers: the same text (nested multi-segment is rejected).
  for (const auto& seg : h->segments)
    files[seg.record_name + ".hea"] = std::string(text);
  auto reader = jumeau::io::OpenWfdbInMemory("fuzz.hea", std::move(files));
  if (!reader.ok()) return 0;
  jumeau::io::SampleBlock block;
  for (int i = 0; i < 16; ++i) {
    auto more = (*reader)->Next(&block);
    if (!more.ok() || !*more) break;
  }
  return 0;
}

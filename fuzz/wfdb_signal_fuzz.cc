// Fuzz target: WFDB signal decoding. Byte 0 picks the storage format, byte 1
// the samples per frame, skew, byte offset and whether the length is
// declared, byte 2 the declared length; a tiny fixed two-signal header is
// built around them and the rest of the input is the signal file, read in
// memory through the full reader (skew, checksums-free) and also decoded
// directly with DecodeWfdbSamples.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "jumeau/io/wfdb.h"
#include "jumeau/io/wfdb_signal.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 3) return 0;
  static const int kFormats[] = {8, 16, 24, 32, 61, 80, 160, 212, 310, 311};
  const int format = kFormats[data[0] % 10];
  const int spf = 1 + (data[1] & 3);
  const int skew = (data[1] >> 2) & 7;
  const bool declared = (data[1] & 0x20) != 0;
  const int offset = (data[1] >> 6) & 3;
  const int length = data[2];
  const std::string body(reinterpret_cast<const char*>(data) + 3, size - 3);

  // Direct decode of the whole body.
  const jumeau::io::WfdbFormatInfo& info = *jumeau::io::FindWfdbFormat(format);
  const int64_t n =
      jumeau::io::WfdbSamplesInBytes(info, static_cast<int64_t>(body.size()));
  std::vector<int32_t> out(static_cast<size_t>(n));
  jumeau::io::DecodeWfdbSamples(
      info, reinterpret_cast<const uint8_t*>(body.data()), n, out.data());

  // Through the reader.
  const std::string fmt = std::to_string(format);
  std::string hea = "f 2 100";
  if (declared) hea += " " + std::to_string(length);
  hea += "\nf.dat " + fmt + "x" + std::to_string(spf) + "+" +
         std::to_string(offset) + " 200 12 0 0 a\n";
  hea += "f.dat " + fmt + ":" + std::to_string(skew) + "+" +
         std::to_string(offset) + " 200 12 0 0 b\n";
  jumeau::io::WfdbMemoryFiles files;
  files["f.hea"] = hea;
  files["f.dat"] = body;
  auto reader = jumeau::io::OpenWfdbInMemory("f", std::move(files));
  if (!reader.ok()) return 0;
  auto rec = jumeau::io::ReadAll(**reader);
  (void)rec;
  return 0;
}

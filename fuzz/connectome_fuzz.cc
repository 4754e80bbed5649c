// Fuzz target for the TVB connectome reader (jumeau/io/connectome.h). An
// input starting with "PK" is read as a zip in memory; any other input is
// split into member files at lines "== NAME ==" and parsed as a folder would
// be. Under GCC it is a replay program over fuzz/corpus/connectome_fuzz/.
#include <cstddef>
#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <string_view>

#include "jumeau/io/connectome.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  if (bytes.starts_with("PK")) {
    auto c = jumeau::io::ReadConnectomeZip(std::span<const uint8_t>(data, size),
                                           "fuzz.zip");
    if (c.ok()) (void)jumeau::io::ConnectomeHash(*c);
    return 0;
  }
  std::map<std::string, std::string> files;
  std::string current = "weights.txt";
  std::size_t pos = 0;
  while (pos < bytes.size()) {
    std::size_t end = bytes.find('\n', pos);
    if (end == std::string_view::npos) end = bytes.size();
    const std::string_view line = bytes.substr(pos, end - pos);
    if (line.size() > 6 && line.starts_with("== ") && line.ends_with(" ==")) {
      current = std::string(line.substr(3, line.size() - 6));
    } else {
      files[current].append(line.data(), line.size()).push_back('\n');
    }
    pos = end + 1;
  }
  auto c = jumeau::io::ParseConnectomeFiles(files);
  if (c.ok()) (void)jumeau::io::ConnectomeHash(*c);
  return 0;
}

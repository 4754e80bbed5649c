// Replay driver for fuzz targets under GCC (no libFuzzer): runs
// LLVMFuzzerTestOneInput on every file of the directories or files given as
// arguments, so CI replays fuzz/corpus/<target>/ as an ordinary ctest.
// Exits non-zero when a path is missing or the corpus is empty.
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace {

int RunFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "cannot open %s\n", path.c_str());
    return 1;
  }
  std::vector<char> bytes((std::istreambuf_iterator<char>(in)),
                          std::istreambuf_iterator<char>());
  LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(bytes.data()),
                         bytes.size());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  size_t count = 0;
  for (int i = 1; i < argc; ++i) {
    const std::filesystem::path root(argv[i]);
    if (std::filesystem::is_directory(root)) {
      for (const auto& entry :
           std::filesystem::recursive_directory_iterator(root)) {
        if (!entry.is_regular_file()) continue;
        if (RunFile(entry.path()) != 0) return 1;
        ++count;
      }
    } else if (std::filesystem::is_regular_file(root)) {
      if (RunFile(root) != 0) return 1;
      ++count;
    } else {
      std::fprintf(stderr, "no such corpus: %s\n", root.c_str());
      return 1;
    }
  }
  if (count == 0) {
    std::fprintf(stderr, "empty corpus\n");
    return 1;
  }
  std::printf("replayed %zu inputs\n", count);
  return 0;
}

// Whole-file reads and writes shared by the WFDB reader, annotation reader
// and writer (io/ internal; not part of the public API). Header-only.
#ifndef JUMEAU_IO_INTERNAL_WFDB_FILES_H_
#define JUMEAU_IO_INTERNAL_WFDB_FILES_H_

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>
#include <string_view>

#include "jumeau/core/status.h"

namespace jumeau::io::internal {

// Reads the whole file at `path`. Returns kNotFound when it does not exist,
// kIoError (naming the path and the OS reason) when it cannot be read, or
// kOutOfRange when it is larger than `max_bytes`.
inline Result<std::string> ReadWholeFile(const std::filesystem::path& path,
                                         uint64_t max_bytes = uint64_t{1}
                                                              << 32) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) {
    const int err = errno;
    if (err == ENOENT) return NotFoundError(path.string() + ": no such file");
    return IoError(path.string() + ": cannot open: " + std::strerror(err));
  }
  std::string out;
  char buf[1 << 16];
  while (true) {
    const size_t n = std::fread(buf, 1, sizeof buf, f);
    out.append(buf, n);
    if (out.size() > max_bytes) {
      std::fclose(f);
      return OutOfRangeError(path.string() + ": larger than " +
                             std::to_string(max_bytes) + " bytes");
    }
    if (n < sizeof buf) break;
  }
  const bool failed = std::ferror(f) != 0;
  std::fclose(f);
  if (failed) return IoError(path.string() + ": read error");
  return out;
}

// Writes `bytes` to `path`, replacing it. Returns kIoError naming the path.
inline Status WriteWholeFile(const std::filesystem::path& path,
                             std::string_view bytes) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) {
    return IoError(path.string() + ": cannot create: " + std::strerror(errno));
  }
  const size_t n = std::fwrite(bytes.data(), 1, bytes.size(), f);
  const bool ok = n == bytes.size() && std::fflush(f) == 0;
  if (std::fclose(f) != 0 || !ok)
    return IoError(path.string() + ": write error");
  return Status::Ok();
}

}  // namespace jumeau::io::internal

#endif  // JUMEAU_IO_INTERNAL_WFDB_FILES_H_

// Content hashes of sources, in the io layer because readers compute them
// while they read (a file is then read once). A source's content hash is
// "sha256:" followed by the SHA-256 (lower-case hex) of its one file, or, for
// a source of several files, of the manifest those files' digests make: one
// line "<sha256 hex>  <base name>\n" per file, in the source's order — what
// `sha256sum FILES | sha256sum` computes in the files' folder.
#ifndef JUMEAU_IO_CONTENT_HASH_H_
#define JUMEAU_IO_CONTENT_HASH_H_

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "jumeau/core/status.h"

namespace jumeau::io {

// Incremental SHA-256 (OpenSSL; SHA extensions where the CPU has them).
class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  void Update(const void* bytes, size_t n);
  // The digest of everything updated so far, as 64 lower-case hex digits.
  // The object may not be updated afterwards.
  std::string HexDigest();

 private:
  struct Context;
  std::unique_ptr<Context> context_;
};

// The SHA-256 of one open file, fed by a reader with the bytes it reads so
// that the file is not read a second time for hashing. Bytes may be offered
// in any order: those past the hashed prefix are preceded by the gap, read
// from the file; those already hashed are ignored.
class FileDigest {
 public:
  // `fd` stays owned by the caller and open while this object is used;
  // `name` names the file in error messages.
  FileDigest(int fd, std::string name);

  // Bytes [offset, offset + n) of the file, just read by the caller. Returns
  // kIoError/kDataLoss naming the file and offset when a gap cannot be read.
  Status Offer(uint64_t offset, const unsigned char* bytes, size_t n);
  // Hashes what was not offered, up to `size` bytes, and returns the hex
  // digest. Call once.
  Result<std::string> Finish(uint64_t size);

 private:
  Status ReadThrough(uint64_t end);  // hashes [hashed_, end) from the file

  int fd_;
  std::string name_;
  uint64_t hashed_ = 0;  // bytes [0, hashed_) are in sha_
  Sha256 sha_;
};

// The hex SHA-256 of one file's bytes. kNotFound/kIoError naming the file.
Result<std::string> HashFile(const std::filesystem::path& file);

// The content hash of a source made of `files` whose hex SHA-256 digests
// are `digests` (same order, same size, at least one).
std::string ContentHashOf(const std::vector<std::filesystem::path>& files,
                          const std::vector<std::string>& digests);

// The content hash of a source made of `files`, reading them.
Result<std::string> ContentHash(
    const std::vector<std::filesystem::path>& files);

}  // namespace jumeau::io

#endif  // JUMEAU_IO_CONTENT_HASH_H_

// SHA-256 through OpenSSL's EVP interface, a file digest fed by readers, and
// the content hash of a source (see content_hash.h).
#include "jumeau/io/content_hash.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <unistd.h>

#include <algorithm>
#include <cassert>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <vector>

namespace jumeau::io {

struct Sha256::Context {
  EVP_MD_CTX* ctx = nullptr;
  ~Context() { EVP_MD_CTX_free(ctx); }
};

Sha256::Sha256() : context_(std::make_unique<Context>()) {
  context_->ctx = EVP_MD_CTX_new();
  // Only allocation can fail here; OpenSSL then returns null and the process
  // is out of memory: treat it as such.
  if (context_->ctx == nullptr ||
      EVP_DigestInit_ex(context_->ctx, EVP_sha256(), nullptr) != 1) {
    std::abort();
  }
}

Sha256::~Sha256() = default;

void Sha256::Update(const void* bytes, size_t n) {
  if (n > 0) EVP_DigestUpdate(context_->ctx, bytes, n);
}

std::string Sha256::HexDigest() {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_DigestFinal_ex(context_->ctx, digest, &size);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex(2 * size, '0');
  for (unsigned int i = 0; i < size; ++i) {
    hex[2 * i] = kHex[digest[i] >> 4];
    hex[2 * i + 1] = kHex[digest[i] & 15];
  }
  return hex;
}

FileDigest::FileDigest(int fd, std::string name)
    : fd_(fd), name_(std::move(name)) {}

Status FileDigest::Offer(uint64_t offset, const unsigned char* bytes,
                         size_t n) {
  const uint64_t end = offset + n;
  if (end <= hashed_) return Status::Ok();
  if (offset > hashed_) JUMEAU_RETURN_IF_ERROR(ReadThrough(offset));
  const uint64_t skip = hashed_ - offset;
  sha_.Update(bytes + skip, static_cast<size_t>(n - skip));
  hashed_ = end;
  return Status::Ok();
}

Status FileDigest::ReadThrough(uint64_t end) {
  std::vector<unsigned char> buffer(
      static_cast<size_t>(std::min<uint64_t>(end - hashed_, 1 << 20)));
  while (hashed_ < end) {
    const size_t want =
        static_cast<size_t>(std::min<uint64_t>(end - hashed_, buffer.size()));
    const ssize_t got =
        ::pread(fd_, buffer.data(), want, static_cast<off_t>(hashed_));
    if (got < 0) {
      if (errno == EINTR) continue;
      return IoError(name_ + " offset " + std::to_string(hashed_) +
                     ": read failed: " + std::strerror(errno));
    }
    if (got == 0) {
      return DataLossError(name_ + " offset " + std::to_string(hashed_) +
                           ": file ended while hashing (was it truncated "
                           "meanwhile?)");
    }
    sha_.Update(buffer.data(), static_cast<size_t>(got));
    hashed_ += static_cast<uint64_t>(got);
  }
  return Status::Ok();
}

Result<std::string> FileDigest::Finish(uint64_t size) {
  if (hashed_ < size) JUMEAU_RETURN_IF_ERROR(ReadThrough(size));
  return sha_.HexDigest();
}

Result<std::string> HashFile(const std::filesystem::path& file) {
  const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    const int err = errno;
    if (err == ENOENT) return NotFoundError(file.string() + ": no such file");
    return IoError(file.string() + ": cannot open: " + std::strerror(err));
  }
  FileDigest digest(fd, file.string());
  const off_t size = ::lseek(fd, 0, SEEK_END);
  Result<std::string> hex =
      size < 0 ? Result<std::string>(IoError(file.string() + ": cannot seek"))
               : digest.Finish(static_cast<uint64_t>(size));
  ::close(fd);
  return hex;
}

std::string ContentHashOf(const std::vector<std::filesystem::path>& files,
                          const std::vector<std::string>& digests) {
  assert(!files.empty() && files.size() == digests.size());
  if (files.size() == 1) return "sha256:" + digests.front();
  Sha256 manifest;
  for (size_t i = 0; i < files.size(); ++i) {
    const std::string line =
        digests[i] + "  " + files[i].filename().string() + "\n";
    manifest.Update(line.data(), line.size());
  }
  return "sha256:" + manifest.HexDigest();
}

Result<std::string> ContentHash(
    const std::vector<std::filesystem::path>& files) {
  if (files.empty()) return InvalidArgumentError("a source needs a file");
  std::vector<std::string> digests;
  for (const auto& f : files) {
    JUMEAU_ASSIGN_OR_RETURN(std::string d, HashFile(f));
    digests.push_back(std::move(d));
  }
  return ContentHashOf(files, digests);
}

}  // namespace jumeau::io

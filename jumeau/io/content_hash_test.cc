// Tests of io/content_hash: SHA-256 against its published test vector and
// against coreutils' sha256sum, a file digest fed out of order, the
// manifest of several files, and the EDF reader hashing as it reads.
#include "jumeau/io/content_hash.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <random>
#include <string>

#include "jumeau/io/edf.h"
#include "jumeau/testing/test_data.h"

namespace jumeau::io {
namespace {

std::filesystem::path WriteRandomFile(const std::string& name, size_t size,
                                      uint32_t seed) {
  const auto path = testing::ScratchDir() / name;
  std::mt19937 rng(seed);
  std::string bytes(size, '\0');
  for (char& c : bytes) c = static_cast<char>(rng() & 0xFF);
  std::ofstream(path, std::ios::binary).write(bytes.data(), bytes.size());
  return path;
}

// The first word `command` prints (coreutils as the second implementation).
std::string FirstWordOf(const std::string& command) {
  std::FILE* p = ::popen(command.c_str(), "r");
  if (p == nullptr) return "";
  char buffer[256] = {};
  const size_t got = std::fread(buffer, 1, sizeof buffer - 1, p);
  ::pclose(p);
  std::string out(buffer, got);
  return out.substr(0, out.find_first_of(" \n"));
}

TEST(Sha256, PublishedTestVectors) {
  Sha256 abc;
  abc.Update("abc", 3);
  EXPECT_EQ(abc.HexDigest(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  Sha256 empty;
  EXPECT_EQ(empty.HexDigest(),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(FileDigest, BytesOfferedOutOfOrderWithGapsGiveTheFileHash) {
  const auto path = WriteRandomFile("digest.bin", 3'000'001, 7);
  std::ifstream in(path, std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(in)), {});
  const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
  const int fd = ::open(path.c_str(), O_RDONLY);
  ASSERT_GE(fd, 0);
  FileDigest digest(fd, path.string());
  // A header, then a look ahead past a gap, a re-read, contiguous blocks,
  // and a tail never offered.
  ASSERT_TRUE(digest.Offer(0, p, 256).ok());
  ASSERT_TRUE(digest.Offer(10'000, p + 10'000, 500).ok());  // gap read
  ASSERT_TRUE(digest.Offer(256, p + 256, 20'000).ok());     // overlaps
  ASSERT_TRUE(digest.Offer(0, p, 100).ok());                // already hashed
  ASSERT_TRUE(digest.Offer(20'256, p + 20'256, 1'000'000).ok());
  const Result<std::string> hex = digest.Finish(bytes.size());
  ::close(fd);
  ASSERT_TRUE(hex.ok()) << hex.status().ToString();
  EXPECT_EQ(*hex, *HashFile(path));
  EXPECT_EQ(*hex, FirstWordOf("sha256sum '" + path.string() + "'"));
}

TEST(FileDigest, AFileShorterThanItsSizeIsAnErrorNamingIt) {
  const auto path = WriteRandomFile("short.bin", 1000, 1);
  const int fd = ::open(path.c_str(), O_RDONLY);
  ASSERT_GE(fd, 0);
  FileDigest digest(fd, path.string());
  const Result<std::string> hex = digest.Finish(2000);
  ::close(fd);
  ASSERT_FALSE(hex.ok());
  EXPECT_NE(hex.status().message().find("short.bin offset 1000"),
            std::string::npos)
      << hex.status().ToString();
}

TEST(ContentHash, OneFileIsItsSha256AndSeveralTheirManifestsSha256) {
  const auto a = WriteRandomFile("a.dat", 70'000, 2);
  const auto b = WriteRandomFile("b.hea", 300, 3);
  const Result<std::string> one = ContentHash({a});
  ASSERT_TRUE(one.ok());
  EXPECT_EQ(*one, "sha256:" + FirstWordOf("sha256sum '" + a.string() + "'"));
  const Result<std::string> two = ContentHash({b, a});
  ASSERT_TRUE(two.ok());
  EXPECT_EQ(*two, "sha256:" + FirstWordOf("cd '" + a.parent_path().string() +
                                          "' && sha256sum b.hea a.dat | "
                                          "sha256sum"));
  EXPECT_NE(*two, *ContentHash({a, b})) << "the files' order counts";
  const Result<std::string> missing =
      ContentHash({a.parent_path() / "nowhere.edf"});
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_NE(missing.status().message().find("nowhere.edf"), std::string::npos);
}

TEST(ContentHash, TheEdfReaderHashesTheFileAsItReadsIt) {
  JUMEAU_REQUIRE_TEST_DATA(path, "edf/S001R03.edf");
  Result<std::unique_ptr<RecordingReader>> reader = OpenEdf(path);
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  ASSERT_TRUE((*reader)->StartFileDigests());
  SampleBlock block;
  while (true) {
    const Result<bool> more = (*reader)->Next(&block);
    ASSERT_TRUE(more.ok()) << more.status().ToString();
    if (!*more) break;
  }
  const Result<std::vector<std::string>> digests =
      (*reader)->FinishFileDigests();
  ASSERT_TRUE(digests.ok()) << digests.status().ToString();
  ASSERT_EQ(digests->size(), 1u);
  EXPECT_EQ(digests->front(), *HashFile(path));
}

}  // namespace
}  // namespace jumeau::io

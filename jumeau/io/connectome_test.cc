#include "jumeau/io/connectome.h"

#include <gtest/gtest.h>
#include <zip.h>

#include <fstream>

#include "jumeau/testing/test_data.h"

namespace jumeau::io {
namespace {

std::map<std::string, std::string> Small() {
  return {{"weights.txt", "0 1 2\n1 0 3\n2 3 0\n"},
          {"tract_lengths.txt", "0 10 20\n10 0 30\n20 30 0\n"},
          {"centres.txt", "a 0 0 0\nb 1 0 0\nc 0 1 0\n"},
          {"cortical.txt", "1\n0\n1\n"}};
}

TEST(Connectome, ParsesMemberFiles) {
  auto c = ParseConnectomeFiles(Small());
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->regions(), 3);
  EXPECT_EQ(c->labels[2], "c");
  EXPECT_DOUBLE_EQ(c->weights[1 * 3 + 2], 3.0);
  EXPECT_DOUBLE_EQ(c->tract_lengths_mm[2 * 3 + 0], 20.0);
  EXPECT_DOUBLE_EQ(c->centres_mm[3 * 1 + 0], 1.0);
  ASSERT_EQ(c->cortical.size(), 3u);
  EXPECT_EQ(c->cortical[1], 0);
  EXPECT_TRUE(c->areas_mm2.empty());
}

TEST(Connectome, ErrorsNameTheFileAndLine) {
  auto files = Small();
  files["weights.txt"] = "0 1 2\n1 0\n2 3 0\n";
  auto c = ParseConnectomeFiles(files);
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), StatusCode::kDataLoss);
  EXPECT_EQ(c.status().message(),
            "weights.txt line 2: expected 3 values, found 2");

  files = Small();
  files["tract_lengths.txt"] = "0 10 20\n10 0 abc\n20 30 0\n";
  c = ParseConnectomeFiles(files);
  EXPECT_EQ(c.status().message(),
            "tract_lengths.txt line 2: 'abc' is not a number");

  files = Small();
  files["weights.txt"] = "0 -1 2\n1 0 3\n2 3 0\n";
  c = ParseConnectomeFiles(files);
  EXPECT_EQ(c.status().message(), "weights.txt line 1: value -1 is negative");

  files = Small();
  files.erase("centres.txt");
  EXPECT_EQ(ParseConnectomeFiles(files).status().message(),
            "connectome: centres.txt is missing");

  files = Small();
  files["centres.txt"] = "a 0 0\n";
  EXPECT_EQ(ParseConnectomeFiles(files).status().message(),
            "centres.txt line 1: expected 'label x y z', found 3 fields");

  files = Small();
  files["weights.txt"] = "0 1 2\n1 0 3\n";
  EXPECT_EQ(ParseConnectomeFiles(files).status().message(),
            "weights.txt: expected 3 rows, found 2");
  files = Small();
  files["cortical.txt"] = "1\n2\n1\n";
  EXPECT_EQ(ParseConnectomeFiles(files).status().code(), StatusCode::kDataLoss);
}

TEST(Connectome, ReadsAZipFromMemoryWithASubfolder) {
  // Builds a zip with libzip in memory.
  zip_error_t err;
  zip_error_init(&err);
  zip_source_t* src = zip_source_buffer_create(nullptr, 0, 0, &err);
  ASSERT_NE(src, nullptr);
  zip_source_keep(src);
  zip_t* z = zip_open_from_source(src, ZIP_TRUNCATE, &err);
  ASSERT_NE(z, nullptr);
  const auto files = Small();
  for (const auto& [name, content] : files) {
    zip_source_t* s = zip_source_buffer(z, content.data(), content.size(), 0);
    ASSERT_GE(zip_file_add(z, ("conn/" + name).c_str(), s, ZIP_FL_OVERWRITE),
              0);
  }
  ASSERT_EQ(zip_close(z), 0);
  ASSERT_EQ(zip_source_open(src), 0);
  zip_source_seek(src, 0, SEEK_END);
  const zip_int64_t size = zip_source_tell(src);
  zip_source_seek(src, 0, SEEK_SET);
  std::vector<uint8_t> bytes(size);
  ASSERT_EQ(zip_source_read(src, bytes.data(), size), size);
  zip_source_close(src);
  zip_source_free(src);
  zip_error_fini(&err);

  auto c = ReadConnectomeZip(bytes, "mem.zip");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->regions(), 3);
  // Truncated: an error naming the zip, never a crash.
  auto t = ReadConnectomeZip(
      std::span<const uint8_t>(bytes.data(), bytes.size() / 2), "mem.zip");
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.status().code(), StatusCode::kDataLoss);
  EXPECT_NE(t.status().message().find("mem.zip"), std::string::npos);
}

TEST(Connectome, ParsesASensorGainFile) {
  auto g = ParseSensorGain("Fp1 0.5 0.25 0.25\nO1 0 0.5 0.5\n", "gain.txt", 3);
  ASSERT_TRUE(g.ok()) << g.status().ToString();
  EXPECT_EQ(g->labels, (std::vector<std::string>{"Fp1", "O1"}));
  EXPECT_DOUBLE_EQ(g->gain[1 * 3 + 2], 0.5);
  EXPECT_EQ(
      ParseSensorGain("Fp1 0.5 0.25\n", "gain.txt", 3).status().message(),
      "gain.txt line 1: expected a sensor label and 3 gains, found 3 fields");
  EXPECT_EQ(ParseSensorGain("", "gain.txt", 3).status().code(),
            StatusCode::kDataLoss);
}

TEST(Connectome, TvbDefaultFolderAndZipAgree) {
  JUMEAU_REQUIRE_TEST_DATA(dir, "connectome/connectivity_76");
  JUMEAU_REQUIRE_TEST_DATA(zip, "connectome/connectivity_76.zip");
  auto a = ReadConnectome(dir);
  auto b = ReadConnectome(zip);
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  EXPECT_EQ(a->regions(), 76);
  EXPECT_EQ(a->labels.front(), "rA1");
  EXPECT_EQ(a->labels.back(), "lCC");
  EXPECT_EQ(a->cortical.size(), 76u);
  EXPECT_EQ(a->areas_mm2.size(), 76u);
  EXPECT_EQ(a->orientations.size(), 76u * 3);
  double wmax = 0;
  int nonzero = 0;
  for (double w : a->weights) wmax = std::max(wmax, w), nonzero += w != 0;
  EXPECT_EQ(wmax, 3.0);
  EXPECT_EQ(nonzero, 1560);
  EXPECT_EQ(ConnectomeHash(*a), ConnectomeHash(*b));
  EXPECT_EQ(ReadConnectome(dir / "nope").status().code(),
            StatusCode::kNotFound);
}

}  // namespace
}  // namespace jumeau::io

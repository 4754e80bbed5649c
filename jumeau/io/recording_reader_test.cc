#include "jumeau/io/recording_reader.h"

#include <gtest/gtest.h>

namespace jumeau::io {
namespace {

// A reader that replays fixed blocks.
class FakeReader final : public RecordingReader {
 public:
  FakeReader(Recording header, std::vector<SampleBlock> blocks)
      : header_(std::move(header)), blocks_(std::move(blocks)) {}
  const Recording& header() const override { return header_; }
  Result<bool> Next(SampleBlock* block) override {
    if (next_ == blocks_.size()) return false;
    if (next_ == 1) header_.warnings.push_back("found while streaming");
    *block = blocks_[next_++];
    return true;
  }
  uint64_t bytes_read() const override { return next_; }
  uint64_t bytes_total() const override { return blocks_.size(); }
  std::vector<std::filesystem::path> files() const override { return {}; }

 private:
  Recording header_;
  std::vector<SampleBlock> blocks_;
  size_t next_ = 0;
};

TEST(ReadAllTest, ConcatenatesBlocksAndSplitsAtGaps) {
  Recording header;
  Signal s;
  s.label = "Fp1";
  s.rate = SampleRate(10, 1);
  s.start = Time{0};
  header.signals.push_back(s);
  const Time gap_start = Time{0} + Duration::Seconds(5);
  std::vector<SampleBlock> blocks(3);
  blocks[0].samples = {{1, 2, 3}};
  blocks[0].start = {Time{0}};
  blocks[1].samples = {{4, 5}};
  blocks[1].start = {Time{0} + Duration::Milliseconds(300)};  // continues
  blocks[1].events.push_back(Event{.time = Time{7}, .code = {"s", "T0", ""}});
  blocks[2].samples = {{6}};
  blocks[2].start = {gap_start};  // an EDF+D gap
  FakeReader reader(header, blocks);
  auto all = ReadAll(reader);
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  ASSERT_EQ(all->signals.size(), 2u);
  EXPECT_EQ(all->signals[0].samples, (std::vector<int32_t>{1, 2, 3, 4, 5}));
  EXPECT_EQ(all->signals[1].label, "Fp1");
  EXPECT_EQ(all->signals[1].start, gap_start);
  EXPECT_EQ(all->signals[1].samples, (std::vector<int32_t>{6}));
  ASSERT_EQ(all->events.size(), 1u);
  EXPECT_EQ(all->events[0].code.code, "T0");
  EXPECT_EQ(all->warnings, (std::vector<std::string>{"found while streaming"}));
}

}  // namespace
}  // namespace jumeau::io

// The summary pyramid of a stored signal: min/max/mean of buckets of samples
// at coarser and coarser steps, so a window at any zoom is served from about
// as many points as asked for, without decoding the raw samples. Level 1
// buckets hold kPyramidBaseBucket samples; each level above holds
// kPyramidFanout buckets of the one below. Levels are stored in blocks of
// kPyramidBlockBuckets buckets, each encoded with the sample codec.
#ifndef JUMEAU_STORE_PYRAMID_H_
#define JUMEAU_STORE_PYRAMID_H_

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "jumeau/core/status.h"

namespace jumeau::store {

inline constexpr int64_t kPyramidBaseBucket = 128;
inline constexpr int64_t kPyramidFanout = 8;
inline constexpr int64_t kPyramidBlockBuckets = 4096;
inline constexpr int kPyramidMaxLevels = 12;

// Samples per bucket at `level` (1-based): 128, 1024, 8192, …
int64_t PyramidBucketSamples(int level);

// Number of buckets at `level` for a stream of `sample_count` samples (the
// last bucket may be partial).
int64_t PyramidBucketCount(int level, int64_t sample_count);

// Number of stored levels for a stream of `sample_count` samples: levels are
// kept while the level below has more than one bucket (0 for an empty
// stream, 1 for a stream of at most 128 samples).
int PyramidLevelCount(int64_t sample_count);

// A block of consecutive buckets of one level. Bucket i of the block is bucket
// block_index * kPyramidBlockBuckets + i of the level. `mean` is the digital
// mean rounded to the nearest integer.
struct PyramidBlock {
  int level = 1;
  int64_t block_index = 0;
  std::vector<int32_t> min;
  std::vector<int32_t> max;
  std::vector<int32_t> mean;
};

// Appends the encoding of `block`'s buckets (level and index are kept by the
// caller) to `*out`.
void EncodePyramidBlock(const PyramidBlock& block, std::string* out);
// Decodes into block->min/max/mean. kDataLoss when malformed.
Status DecodePyramidBlock(std::string_view encoded, PyramidBlock* block);

// Builds the pyramid of one stream while its samples stream past, emitting
// each block as soon as it is complete. Memory is O(levels × block size).
// Not thread-safe.
class PyramidBuilder {
 public:
  using Sink = std::function<Status(const PyramidBlock&)>;
  explicit PyramidBuilder(Sink sink);

  // Accounts for the next samples of the stream.
  Status Add(std::span<const int32_t> samples);
  // Flushes partial buckets and blocks of every level that is kept (see
  // PyramidLevelCount). Call once, after the last Add().
  Status Finish();

 private:
  struct Accumulator {
    int32_t min = 0;
    int32_t max = 0;
    int64_t sum = 0;
    int64_t count = 0;  // samples in the current bucket
    int64_t buckets_done = 0;
    PyramidBlock block;
  };
  Status CloseBucket(int level);
  Status PushBucket(int level, int32_t min, int32_t max, int64_t sum,
                    int64_t count);

  Sink sink_;
  int64_t samples_seen_ = 0;
  Accumulator levels_[kPyramidMaxLevels + 1];  // index 1..kPyramidMaxLevels
};

}  // namespace jumeau::store

#endif  // JUMEAU_STORE_PYRAMID_H_

// Pyramid layout arithmetic, block encoding and the streaming builder.
#include "jumeau/store/pyramid.h"

#include <algorithm>
#include <cmath>

#include "jumeau/store/codec.h"
#include "jumeau/store/internal/min_max_sum.h"

namespace jumeau::store {
namespace {

void PutVarint(uint64_t v, std::string* out) {
  while (v >= 0x80) {
    out->push_back(static_cast<char>((v & 0x7F) | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<char>(v));
}

bool GetVarint(std::string_view* in, uint64_t* v) {
  uint64_t result = 0;
  for (int shift = 0; shift < 64 && !in->empty(); shift += 7) {
    const uint8_t byte = static_cast<uint8_t>(in->front());
    in->remove_prefix(1);
    result |= static_cast<uint64_t>(byte & 0x7F) << shift;
    if ((byte & 0x80) == 0) {
      *v = result;
      return true;
    }
  }
  return false;
}

// sum / count rounded half away from zero (std::llround of the quotient).
// Power-of-two counts (every full bucket) take an exact integer path; the
// double quotient is exact there too, so both paths agree.
int32_t RoundedMean(int64_t sum, int64_t count) {
  constexpr int64_t kExact = int64_t{1} << 53;
  if ((count & (count - 1)) == 0 && sum > -kExact && sum < kExact) {
    const int shift = __builtin_ctzll(static_cast<uint64_t>(count));
    const int64_t half = count >> 1;
    return static_cast<int32_t>(sum >= 0 ? (sum + half) >> shift
                                         : -((half - sum) >> shift));
  }
  return static_cast<int32_t>(
      std::llround(static_cast<double>(sum) / static_cast<double>(count)));
}

}  // namespace

int64_t PyramidBucketSamples(int level) {
  int64_t n = kPyramidBaseBucket;
  for (int l = 1; l < level; ++l) n *= kPyramidFanout;
  return n;
}

int64_t PyramidBucketCount(int level, int64_t sample_count) {
  const int64_t b = PyramidBucketSamples(level);
  return (sample_count + b - 1) / b;
}

int PyramidLevelCount(int64_t sample_count) {
  if (sample_count <= 0) return 0;
  int level = 1;
  while (level < kPyramidMaxLevels &&
         PyramidBucketCount(level, sample_count) > 1)
    ++level;
  return level;
}

void EncodePyramidBlock(const PyramidBlock& block, std::string* out) {
  PutVarint(block.min.size(), out);
  for (const auto* series : {&block.min, &block.max, &block.mean}) {
    std::string encoded;
    EncodeSamples(*series, &encoded);
    PutVarint(encoded.size(), out);
    out->append(encoded);
  }
}

Status DecodePyramidBlock(std::string_view encoded, PyramidBlock* block) {
  uint64_t n;
  if (!GetVarint(&encoded, &n) ||
      n > static_cast<uint64_t>(kPyramidBlockBuckets)) {
    return DataLossError("pyramid block: bad bucket count");
  }
  for (auto* series : {&block->min, &block->max, &block->mean}) {
    uint64_t len;
    if (!GetVarint(&encoded, &len) || len > encoded.size()) {
      return DataLossError("pyramid block: truncated");
    }
    series->resize(n);
    JUMEAU_RETURN_IF_ERROR(DecodeSamples(encoded.substr(0, len), *series));
    encoded.remove_prefix(len);
  }
  if (!encoded.empty()) return DataLossError("pyramid block: trailing bytes");
  return Status::Ok();
}

PyramidBuilder::PyramidBuilder(Sink sink) : sink_(std::move(sink)) {
  for (int l = 1; l <= kPyramidMaxLevels; ++l) levels_[l].block.level = l;
}

Status PyramidBuilder::Add(std::span<const int32_t> samples) {
  Accumulator& a = levels_[1];
  size_t i = 0;
  while (i < samples.size()) {
    const size_t take = std::min<size_t>(
        samples.size() - i, static_cast<size_t>(kPyramidBaseBucket - a.count));
    int32_t lo = a.count ? a.min : samples[i];
    int32_t hi = a.count ? a.max : samples[i];
    internal::MinMaxSum(samples.data() + i, take, &lo, &hi, &a.sum);
    a.min = lo;
    a.max = hi;
    a.count += static_cast<int64_t>(take);
    i += take;
    if (a.count == kPyramidBaseBucket) JUMEAU_RETURN_IF_ERROR(CloseBucket(1));
  }
  samples_seen_ += static_cast<int64_t>(samples.size());
  return Status::Ok();
}

Status PyramidBuilder::CloseBucket(int level) {
  Accumulator& a = levels_[level];
  const int32_t lo = a.min, hi = a.max;
  const int64_t sum = a.sum, count = a.count;
  a.count = 0;
  a.sum = 0;
  return PushBucket(level, lo, hi, sum, count);
}

// Records a finished bucket of `level` and feeds it to the level above.
Status PyramidBuilder::PushBucket(int level, int32_t lo, int32_t hi,
                                  int64_t sum, int64_t count) {
  Accumulator& a = levels_[level];
  a.block.min.push_back(lo);
  a.block.max.push_back(hi);
  a.block.mean.push_back(RoundedMean(sum, count));
  ++a.buckets_done;
  if (static_cast<int64_t>(a.block.min.size()) == kPyramidBlockBuckets) {
    JUMEAU_RETURN_IF_ERROR(sink_(a.block));
    a.block.min.clear();
    a.block.max.clear();
    a.block.mean.clear();
    ++a.block.block_index;
  }
  if (level < kPyramidMaxLevels) {
    Accumulator& up = levels_[level + 1];
    if (up.count == 0) {
      up.min = lo;
      up.max = hi;
    } else {
      up.min = std::min(up.min, lo);
      up.max = std::max(up.max, hi);
    }
    up.sum += sum;
    up.count += count;
    if (up.count == PyramidBucketSamples(level + 1)) {
      JUMEAU_RETURN_IF_ERROR(CloseBucket(level + 1));
    }
  }
  return Status::Ok();
}

Status PyramidBuilder::Finish() {
  const int kept = PyramidLevelCount(samples_seen_);
  for (int level = 1; level <= kPyramidMaxLevels; ++level) {
    Accumulator& a = levels_[level];
    if (a.count > 0) JUMEAU_RETURN_IF_ERROR(CloseBucket(level));
    if (level <= kept && !a.block.min.empty()) {
      JUMEAU_RETURN_IF_ERROR(sink_(a.block));
    }
    a.block.min.clear();
    a.block.max.clear();
    a.block.mean.clear();
  }
  return Status::Ok();
}

}  // namespace jumeau::store

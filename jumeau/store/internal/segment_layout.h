// How the sample codec (jumeau/store/codec.cc) splits a chunk into segments
// that are predicted and entropy-decoded independently, in lockstep, so the
// decoder runs several dependency chains at once.
#ifndef JUMEAU_STORE_INTERNAL_SEGMENT_LAYOUT_H_
#define JUMEAU_STORE_INTERNAL_SEGMENT_LAYOUT_H_

#include <algorithm>
#include <cstddef>

namespace jumeau::store::internal {

// Segment j of `count` values holds [j * length, min(count, (j + 1) *
// length)) with length = ceil(count / segments); trailing segments may be
// shorter or empty. Decoders store segment j's value t at "lockstep" index
// segments * t + j. A plain value type.
struct SegmentLayout {
  SegmentLayout(size_t count_in, int segments_in)
      : count(count_in),
        segments(segments_in),
        length(segments_in > 0 ? (count_in + static_cast<size_t>(segments_in) - 1) /
                                     static_cast<size_t>(segments_in)
                               : 0) {}

  size_t Begin(int j) const { return std::min(count, static_cast<size_t>(j) * length); }
  size_t End(int j) const { return std::min(count, static_cast<size_t>(j + 1) * length); }
  size_t Length(int j) const { return End(j) - Begin(j); }
  // Size of a lockstep buffer for this layout.
  size_t LockstepSize() const { return static_cast<size_t>(segments) * length; }

  size_t count;
  int segments;
  size_t length;
};

}  // namespace jumeau::store::internal

#endif  // JUMEAU_STORE_INTERNAL_SEGMENT_LAYOUT_H_

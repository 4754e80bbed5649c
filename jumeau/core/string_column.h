// StringColumn: a compact column of short strings (alleles, variant ids,
// chromosome names) stored back to back in one buffer. Used by the genotype
// table and the polygenic scoring file, which hold millions of short strings
// where a std::vector<std::string> would cost 32 bytes plus a heap block each.
#ifndef JUMEAU_CORE_STRING_COLUMN_H_
#define JUMEAU_CORE_STRING_COLUMN_H_

#include <cassert>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace jumeau {

// An append-only sequence of strings in one contiguous buffer: 8 bytes of
// offset per entry plus the characters. Views returned by operator[] stay
// valid until the next push_back or clear. Thread-compatible.
class StringColumn {
 public:
  size_t size() const { return ends_.size(); }
  bool empty() const { return ends_.empty(); }

  // The i-th string. REQUIRES: i < size().
  std::string_view operator[](size_t i) const {
    assert(i < ends_.size());
    const uint64_t begin = i == 0 ? 0 : ends_[i - 1];
    return std::string_view(bytes_.data() + begin, ends_[i] - begin);
  }

  void push_back(std::string_view s) {
    bytes_.append(s.data(), s.size());
    ends_.push_back(bytes_.size());
  }

  void clear() {
    bytes_.clear();
    ends_.clear();
  }

  // Reserves room for `count` strings of `bytes` characters in all.
  void reserve(size_t count, size_t bytes) {
    ends_.reserve(count);
    bytes_.reserve(bytes);
  }

  // Bytes held (characters plus offsets), for memory accounting.
  size_t memory_bytes() const {
    return bytes_.capacity() + ends_.capacity() * sizeof(uint64_t);
  }

  friend bool operator==(const StringColumn& a, const StringColumn& b) {
    return a.bytes_ == b.bytes_ && a.ends_ == b.ends_;
  }

 private:
  std::string bytes_;
  std::vector<uint64_t> ends_;  // ends_[i]: one past the last byte of entry i
};

}  // namespace jumeau

#endif  // JUMEAU_CORE_STRING_COLUMN_H_

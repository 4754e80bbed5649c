// Byte and bit readers/writers used by the sample codec (jumeau/store/codec.cc
// and jumeau/store/internal/rans_coder.cc). Writers append to a std::string;
// readers are bounded views that never read outside their input and report
// any attempt to go past its end through a sticky `overrun()` flag.
#ifndef JUMEAU_STORE_INTERNAL_BIT_IO_H_
#define JUMEAU_STORE_INTERNAL_BIT_IO_H_

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace jumeau::store::internal {

// Appends `value` as an unsigned LEB128 varint (1 to 10 bytes).
inline void PutVarint(uint64_t value, std::string* out) {
  while (value >= 0x80) {
    out->push_back(static_cast<char>((value & 0x7F) | 0x80));
    value >>= 7;
  }
  out->push_back(static_cast<char>(value));
}

// Appends `value` as 4 little-endian bytes.
inline void PutU32(uint32_t value, std::string* out) {
  char bytes[4] = {static_cast<char>(value), static_cast<char>(value >> 8),
                   static_cast<char>(value >> 16), static_cast<char>(value >> 24)};
  out->append(bytes, 4);
}

// Maps a signed value to an unsigned one with small magnitudes first:
// 0, -1, 1, -2, ... -> 0, 1, 2, 3, ... Total on all of int32.
inline uint32_t ZigZag(uint32_t value) {
  return (value << 1) ^ (0u - (value >> 31));
}
inline uint32_t UnZigZag(uint32_t value) {
  return (value >> 1) ^ (0u - (value & 1));
}

// A bounded little-endian byte reader over a view it does not own. Reads past
// the end return zeros and set the sticky `overrun()` flag.
class ByteReader {
 public:
  explicit ByteReader(std::string_view bytes)
      : data_(reinterpret_cast<const uint8_t*>(bytes.data())), size_(bytes.size()) {}

  size_t position() const { return pos_; }
  size_t remaining() const { return size_ - pos_; }
  bool overrun() const { return overrun_; }

  uint8_t U8() {
    if (pos_ >= size_) {
      overrun_ = true;
      return 0;
    }
    return data_[pos_++];
  }

  uint32_t U32() {
    if (remaining() < 4) {
      overrun_ = true;
      pos_ = size_;
      return 0;
    }
    uint32_t v = static_cast<uint32_t>(data_[pos_]) |
                 (static_cast<uint32_t>(data_[pos_ + 1]) << 8) |
                 (static_cast<uint32_t>(data_[pos_ + 2]) << 16) |
                 (static_cast<uint32_t>(data_[pos_ + 3]) << 24);
    pos_ += 4;
    return v;
  }

  // An unsigned LEB128 varint of at most 10 bytes whose value fits 64 bits;
  // anything else sets overrun() and returns 0.
  uint64_t Varint() {
    uint64_t value = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (pos_ >= size_) break;
      const uint8_t byte = data_[pos_++];
      if (shift == 63 && (byte & 0x7E) != 0) break;  // more than 64 bits
      value |= static_cast<uint64_t>(byte & 0x7F) << shift;
      if ((byte & 0x80) == 0) return value;
    }
    overrun_ = true;
    return 0;
  }

  // Returns the next `count` bytes and skips them, or sets overrun() and
  // returns an empty view when fewer remain.
  std::string_view Take(size_t count) {
    if (count > remaining()) {
      overrun_ = true;
      pos_ = size_;
      return {};
    }
    std::string_view v(reinterpret_cast<const char*>(data_ + pos_), count);
    pos_ += count;
    return v;
  }

  // The bytes not yet read.
  std::string_view Rest() const {
    return std::string_view(reinterpret_cast<const char*>(data_ + pos_), size_ - pos_);
  }

 private:
  const uint8_t* data_;
  size_t size_;
  size_t pos_ = 0;
  bool overrun_ = false;
};

// Writes bit fields least-significant bit first into a byte string.
class BitWriter {
 public:
  // REQUIRES: 0 <= count <= 32 and value < 2^count.
  void Put(uint32_t value, int count) {
    acc_ |= static_cast<uint64_t>(value) << bits_;
    bits_ += count;
    if (bits_ >= 32) {
      PutU32(static_cast<uint32_t>(acc_), &bytes_);
      acc_ >>= 32;
      bits_ -= 32;
    }
  }

  // Order-k exponential-Golomb code of `value` (k in 0..8): (len - k) zero
  // bits, a one, then the low `len` bits of value + 2^k, where len is the
  // index of the top bit of value + 2^k.
  void PutExpGolomb(uint32_t value, int k) {
    const uint64_t v = static_cast<uint64_t>(value) + (uint64_t{1} << k);
    const int len = 63 - __builtin_clzll(v);
    Put(0, len - k);
    Put(1, 1);
    if (len > 32) {
      Put(static_cast<uint32_t>(v), 32);
      Put(static_cast<uint32_t>(v >> 32) & ((1u << (len - 32)) - 1), len - 32);
    } else {
      Put(static_cast<uint32_t>(v & ((uint64_t{1} << len) - 1)), len);
    }
  }

  // Pads with zero bits to a byte boundary and appends the bytes to `out`.
  void FlushTo(std::string* out) {
    while (bits_ > 0) {
      bytes_.push_back(static_cast<char>(acc_ & 0xFF));
      acc_ >>= 8;
      bits_ = bits_ > 8 ? bits_ - 8 : 0;
    }
    out->append(bytes_);
    bytes_.clear();
    acc_ = 0;
  }

  // Bits written so far.
  size_t bit_count() const { return bytes_.size() * 8 + static_cast<size_t>(bits_); }

 private:
  std::string bytes_;
  uint64_t acc_ = 0;
  int bits_ = 0;
};

// Reads bit fields least-significant bit first from a view it does not own.
// Past the end it delivers zero bits and sets the sticky `overrun()` flag.
class BitReader {
 public:
  explicit BitReader(std::string_view bytes)
      : start_(reinterpret_cast<const uint8_t*>(bytes.data())),
        p_(start_),
        end_(start_ + bytes.size()) {
    Refill();
  }

  // Bits consumed so far (including any past the end).
  size_t BitsConsumed() const {
    const size_t loaded = static_cast<size_t>(p_ - start_) + static_cast<size_t>(zero_bytes_);
    return loaded * 8 - static_cast<size_t>(bits_);
  }
  // Whole bytes spanned by the bits consumed so far (a partly read byte
  // counts).
  size_t BytesConsumed() const { return (BitsConsumed() + 7) / 8; }

  // REQUIRES: 0 <= count <= 32.
  uint32_t Get(int count) {
    if (bits_ < 32) Refill();
    const uint32_t v = static_cast<uint32_t>(buf_ & ((uint64_t{1} << count) - 1));
    buf_ >>= count;
    bits_ -= count;
    return v;
  }

  // Order-k exponential-Golomb code; values longer than 32 bits set overrun().
  uint32_t GetExpGolomb(int k) {
    if (bits_ < 33) Refill();  // the zeros and the one fit in the buffer
    const int zeros = buf_ == 0 ? 64 : __builtin_ctzll(buf_);
    if (zeros > 32 - k || zeros >= bits_) {
      overrun_ = true;
      return 0;
    }
    buf_ >>= zeros + 1;
    bits_ -= zeros + 1;
    const int len = zeros + k;
    const uint64_t low = len > 0 ? Get(len) : 0;
    const uint64_t value = ((uint64_t{1} << len) | low) - (uint64_t{1} << k);
    if (value > 0xFFFFFFFFu) {
      overrun_ = true;
      return 0;
    }
    return static_cast<uint32_t>(value);
  }

  // True when more bits were consumed than the input holds.
  bool overrun() const { return overrun_ || bits_ < 8 * zero_bytes_; }

  // True when every bit not yet consumed is a zero padding bit of the last
  // byte: fewer than 8 remain, all zero, and none was missing.
  bool AtPaddedEnd() const {
    if (overrun()) return false;
    const size_t unread =
        static_cast<size_t>(end_ - p_) * 8 + static_cast<size_t>(bits_ - 8 * zero_bytes_);
    if (unread >= 8 || buf_ != 0) return false;
    for (const uint8_t* q = p_; q < end_; ++q) {
      if (*q != 0) return false;
    }
    return true;
  }

  // Refills the buffer to at least 56 valid bits.
  void Refill() {
    if (__builtin_expect(end_ - p_ >= 8, 1)) {
      uint64_t word;
      std::memcpy(&word, p_, 8);
      buf_ |= word << bits_;
      p_ += (63 - bits_) >> 3;
      bits_ |= 56;
      return;
    }
    *this = RefilledNearEnd(*this);
  }

 private:
  // The byte-wise refill of the last bytes. Takes and returns the reader by
  // value so that hot loops can keep a local copy in registers.
  [[gnu::noinline]] static BitReader RefilledNearEnd(BitReader r) {
    while (r.bits_ <= 56) {
      if (r.p_ < r.end_) {
        r.buf_ |= static_cast<uint64_t>(*r.p_++) << r.bits_;
      } else if (r.zero_bytes_ < 64) {
        // A virtual zero byte past the end: an error if consumed.
        ++r.zero_bytes_;
      } else {
        r.overrun_ = true;
      }
      r.bits_ += 8;
    }
    return r;
  }

  const uint8_t* start_;
  const uint8_t* p_;
  const uint8_t* end_;
  uint64_t buf_ = 0;
  int bits_ = 0;
  int zero_bytes_ = 0;
  bool overrun_ = false;
};

}  // namespace jumeau::store::internal

#endif  // JUMEAU_STORE_INTERNAL_BIT_IO_H_

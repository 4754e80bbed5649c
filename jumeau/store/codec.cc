// Temporary codec (method 0: zigzag first differences as varints); the tuned
// codec replaces it.
#include "jumeau/store/codec.h"

namespace jumeau::store {

void EncodeSamples(std::span<const int32_t> samples, std::string* out) {
  out->push_back(0);
  int64_t prev = 0;
  for (int32_t s : samples) {
    const int64_t d = static_cast<int64_t>(s) - prev;
    prev = s;
    uint64_t z =
        (static_cast<uint64_t>(d) << 1) ^ static_cast<uint64_t>(d >> 63);
    while (z >= 0x80) {
      out->push_back(static_cast<char>((z & 0x7F) | 0x80));
      z >>= 7;
    }
    out->push_back(static_cast<char>(z));
  }
}

Status DecodeSamples(std::string_view encoded, std::span<int32_t> out) {
  if (encoded.empty() || encoded[0] != 0)
    return DataLossError("codec: unknown method");
  size_t pos = 1;
  int64_t prev = 0;
  for (auto& s : out) {
    uint64_t z = 0;
    int shift = 0;
    while (true) {
      if (pos >= encoded.size() || shift > 63)
        return DataLossError("codec: truncated");
      const uint8_t b = static_cast<uint8_t>(encoded[pos++]);
      z |= static_cast<uint64_t>(b & 0x7F) << shift;
      shift += 7;
      if (!(b & 0x80)) break;
    }
    const int64_t d =
        static_cast<int64_t>(z >> 1) ^ -static_cast<int64_t>(z & 1);
    prev += d;
    s = static_cast<int32_t>(prev);
  }
  if (pos != encoded.size()) return DataLossError("codec: trailing bytes");
  return Status::Ok();
}

}  // namespace jumeau::store

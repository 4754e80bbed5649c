// Fuzz target for the lossless sample codec (jumeau/store/codec.h). The first
// input byte picks the mode:
//   even: the rest is an encoded chunk; DecodeSamples must return ok or
//         kDataLoss and never crash or read out of bounds, whatever the
//         bytes and the requested sample count;
//   odd:  the rest is an int32 array (little-endian), optionally integrated
//         (bit 1) and shifted left (bits 2-6); it must round-trip exactly,
//         and a damaged copy of its encoding must decode cleanly or fail.
// Seeds: fuzz/corpus/codec_fuzz/, written by fuzz/codec_fuzz_corpus.cc.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "jumeau/store/codec.h"

namespace {

constexpr uint64_t kMaxSamples = 1 << 17;  // larger claims decode into input-sized output

void Check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "codec_fuzz: %s\n", what);
    std::abort();
  }
}

void CheckStatus(const jumeau::Status& s) {
  Check(s.ok() || s.code() == jumeau::StatusCode::kDataLoss, "status neither ok nor data_loss");
}

// The sample count a chunk claims (LEB128 after the method byte), if any.
uint64_t ClaimedCount(std::string_view chunk) {
  uint64_t n = 0;
  for (size_t i = 1, shift = 0; i < chunk.size() && shift < 64; ++i, shift += 7) {
    n |= static_cast<uint64_t>(chunk[i] & 0x7F) << shift;
    if ((chunk[i] & 0x80) == 0) return n;
  }
  return 0;
}

void FuzzDecode(std::string_view chunk) {
  const uint64_t claimed = ClaimedCount(chunk);
  const size_t n = claimed <= kMaxSamples ? static_cast<size_t>(claimed) : chunk.size();
  std::vector<int32_t> out(n);
  CheckStatus(jumeau::store::DecodeSamples(chunk, out));
  if (claimed <= kMaxSamples) {
    std::vector<int32_t> other(n + 1);
    Check(!jumeau::store::DecodeSamples(chunk, other).ok(), "accepted a wrong sample count");
  }
}

void FuzzRoundTrip(uint8_t mode, const uint8_t* data, size_t size) {
  std::vector<int32_t> samples(size / 4);
  uint32_t acc = 0;
  const int shift = (mode >> 2) & 31;
  for (size_t i = 0; i < samples.size(); ++i) {
    uint32_t v;
    std::memcpy(&v, data + 4 * i, 4);
    if (mode & 2) v = acc += v;  // integrate: smooth series from small steps
    samples[i] = static_cast<int32_t>(v << shift);
  }
  std::string encoded;
  jumeau::store::EncodeSamples(samples, &encoded);
  std::vector<int32_t> decoded(samples.size());
  Check(jumeau::store::DecodeSamples(encoded, decoded).ok(), "own encoding rejected");
  Check(decoded == samples, "round trip changed the samples");

  // Damage the encoding where the input says and decode again.
  if (!encoded.empty() && size >= 4) {
    uint32_t where;
    std::memcpy(&where, data, 4);
    std::string bad = encoded;
    bad[where % bad.size()] = static_cast<char>(bad[where % bad.size()] ^ (1 + (where >> 24) % 255));
    CheckStatus(jumeau::store::DecodeSamples(bad, decoded));
    CheckStatus(jumeau::store::DecodeSamples(
        std::string_view(encoded).substr(0, (where >> 8) % encoded.size()), decoded));
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const uint8_t mode = data[0];
  if ((mode & 1) == 0) {
    FuzzDecode(std::string_view(reinterpret_cast<const char*>(data + 1), size - 1));
  } else {
    FuzzRoundTrip(mode, data + 1, size - 1);
  }
  return 0;
}

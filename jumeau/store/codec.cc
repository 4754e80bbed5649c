// The lossless sample codec (codec.h). Per call it keeps the smallest of
// three methods: bit packing (noise, constants), adaptive Rice codes (tiny
// series) and prediction + context-modelled rANS (everything else), and
// guards every chunk with a checksum of its samples.
#include "jumeau/store/codec.h"

#include <algorithm>
#include <limits>
#include <vector>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#if defined(__x86_64__)
#include <immintrin.h>
#endif

#include "jumeau/store/internal/bit_io.h"
#include "jumeau/store/internal/cpu_features.h"
#include "jumeau/store/internal/predictor.h"
#include "jumeau/store/internal/rans_coder.h"

// Format (also docs/formats.md, "Sample codec"). Every chunk starts with
//   u8 method, varint n (the sample count, LEB128)
// and, when n > 0, continues with
//   u32 checksum (little-endian; internal::SampleChecksum of the samples)
// and the method's payload, which runs to the end of the chunk:
//   kMethodPacked (1): zigzag varint `low`, u8 width w (0..32), then n fields
//       of w bits (LSB first, zero-padded to a byte); sample = low + field
//       (mod 2^32).
//   kMethodRice (2): u8 predictor kind (internal/predictor.h), then n adaptive
//       Rice codes of the zigzagged residuals (LSB-first bits, zero-padded).
//   kMethodRans (3): u8 predictor kind, u8 segment count S (1 or 4), then a
//       rANS block (internal/rans_coder.h) of the residuals of the S segments
//       (internal/segment_layout.h), each predicted on its own.

namespace jumeau::store {
namespace {

using internal::BitReader;
using internal::BitWriter;
using internal::ByteReader;
using internal::SegmentLayout;
using internal::UnZigZag;
using internal::ZigZag;

constexpr uint8_t kMethodPacked = 1;
constexpr uint8_t kMethodRice = 2;
constexpr uint8_t kMethodRans = 3;

// Series shorter than this also try the adaptive Rice method; series shorter
// than kRansFrom use only Rice and packing.
constexpr size_t kRiceBelow = 2048;
constexpr size_t kRansFrom = 16;
// Series at least this long use 4 rANS segments (faster decoding); shorter
// ones use 1 (the 3 extra states cost 12 bytes).
constexpr size_t kFourSegmentsFrom = 4096;

// Rice: codes whose quotient reaches kRiceEscape are sent as 32 raw bits.
constexpr int kRiceEscape = 24;
constexpr uint32_t kRiceHalveAt = 16;

Status Corrupt(const std::string& what) {
  return DataLossError("sample codec: " + what);
}

// ---- kMethodPacked ----

// What one pass over the samples learns: their checksum
// (internal::SampleChecksum), the smallest sample and the bit width of
// (largest - smallest).
struct SampleScan {
  uint32_t checksum;
  int32_t low;
  int width;
};

#if defined(__x86_64__)
// The vector part of ScanSamples with AVX2: lane k sees samples 8m + k.
// Folds samples [0, 8 * floor(n / 8)) into *s1, *s2, *lo and *hi (the sums
// as the scalar loop leaves them) and returns the count done.
[[gnu::target("avx2")]] size_t ScanSamplesAvx2(const uint32_t* p, size_t n,
                                               uint32_t* s1, uint32_t* s2,
                                               int32_t* lo, int32_t* hi) {
  if (n < 8) return 0;
  __m256i p1 = _mm256_setzero_si256(), p2 = _mm256_setzero_si256();
  __m256i vlo = _mm256_set1_epi32(*lo), vhi = vlo;
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const __m256i x =
        _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + i));
    p1 = _mm256_add_epi32(p1, x);
    p2 = _mm256_add_epi32(p2, p1);
    vlo = _mm256_min_epi32(vlo, x);
    vhi = _mm256_max_epi32(vhi, x);
  }
  alignas(32) uint32_t a1[8], a2[8];
  alignas(32) int32_t alo[8], ahi[8];
  _mm256_store_si256(reinterpret_cast<__m256i*>(a1), p1);
  _mm256_store_si256(reinterpret_cast<__m256i*>(a2), p2);
  _mm256_store_si256(reinterpret_cast<__m256i*>(alo), vlo);
  _mm256_store_si256(reinterpret_cast<__m256i*>(ahi), vhi);
  // Over the first L = 8M samples: s2 = sum (L - i) x_i = 8 sum p2 - sum k
  // p1[k].
  for (uint32_t k = 0; k < 8; ++k) {
    *s1 += a1[k];
    *s2 += 8 * a2[k] - k * a1[k];
    *lo = std::min(*lo, alo[k]);
    *hi = std::max(*hi, ahi[k]);
  }
  return i;
}
#endif

SampleScan ScanSamples(std::span<const int32_t> samples) {
  const size_t n = samples.size();
  const uint32_t* p = reinterpret_cast<const uint32_t*>(samples.data());
  int32_t lo = n > 0 ? samples[0] : 0, hi = lo;
  uint32_t s1 = 0, s2 = 0;
  size_t i = 0;
#if defined(__x86_64__)
  if (internal::UseAvx2()) i = ScanSamplesAvx2(p, n, &s1, &s2, &lo, &hi);
#endif
#if defined(__SSE2__)
  if (i == 0 && n >= 4) {
    // Lane k sees samples 4m + k: p1 = their running sum, p2 = the sum of p1
    // after each step. Over the first L = 4M samples, s1 = sum p1 and
    // s2 = sum (L - i) x_i = 4 sum p2 - sum k p1[k].
    __m128i p1 = _mm_setzero_si128(), p2 = _mm_setzero_si128();
    __m128i vlo = _mm_set1_epi32(lo), vhi = vlo;
    for (; i + 4 <= n; i += 4) {
      const __m128i x =
          _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i));
      p1 = _mm_add_epi32(p1, x);
      p2 = _mm_add_epi32(p2, p1);
      const __m128i lt = _mm_cmpgt_epi32(vlo, x), gt = _mm_cmpgt_epi32(x, vhi);
      vlo = _mm_or_si128(_mm_and_si128(lt, x), _mm_andnot_si128(lt, vlo));
      vhi = _mm_or_si128(_mm_and_si128(gt, x), _mm_andnot_si128(gt, vhi));
    }
    alignas(16) uint32_t a1[4], a2[4];
    alignas(16) int32_t alo[4], ahi[4];
    _mm_store_si128(reinterpret_cast<__m128i*>(a1), p1);
    _mm_store_si128(reinterpret_cast<__m128i*>(a2), p2);
    _mm_store_si128(reinterpret_cast<__m128i*>(alo), vlo);
    _mm_store_si128(reinterpret_cast<__m128i*>(ahi), vhi);
    for (uint32_t k = 0; k < 4; ++k) {
      s1 += a1[k];
      s2 += 4 * a2[k] - k * a1[k];
      lo = std::min(lo, alo[k]);
      hi = std::max(hi, ahi[k]);
    }
  }
#endif
  for (; i < n; ++i) {
    s1 += p[i];
    s2 += s1;
    lo = std::min(lo, samples[i]);
    hi = std::max(hi, samples[i]);
  }
  const uint32_t range = static_cast<uint32_t>(hi) - static_cast<uint32_t>(lo);
  return SampleScan{internal::CombineSums(s1, s2), lo,
                    range == 0 ? 0 : 32 - __builtin_clz(range)};
}

void EncodePacked(std::span<const int32_t> samples, const SampleScan& scan,
                  std::string* out) {
  internal::PutVarint(ZigZag(static_cast<uint32_t>(scan.low)), out);
  out->push_back(static_cast<char>(scan.width));
  BitWriter w;
  for (int32_t v : samples) {
    w.Put(static_cast<uint32_t>(v) - static_cast<uint32_t>(scan.low),
          scan.width);
  }
  w.FlushTo(out);
}

// Size of the method byte and the kMethodPacked payload.
size_t PackedSize(size_t n, const SampleScan& scan) {
  std::string varint;
  internal::PutVarint(ZigZag(static_cast<uint32_t>(scan.low)), &varint);
  return 2 + varint.size() + (n * static_cast<size_t>(scan.width) + 7) / 8;
}

Status DecodePacked(ByteReader& in, std::span<int32_t> out) {
  const uint64_t low64 = in.Varint();
  const int width = in.U8();
  if (in.overrun() || low64 > 0xFFFFFFFFu || width > 32) {
    return Corrupt("packed: bad header");
  }
  const uint32_t low = UnZigZag(static_cast<uint32_t>(low64));
  const uint64_t bytes =
      (static_cast<uint64_t>(out.size()) * static_cast<uint64_t>(width) + 7) /
      8;
  if (bytes != in.remaining()) return Corrupt("packed: payload size mismatch");
  BitReader bits(in.Rest());
  for (int32_t& v : out) v = static_cast<int32_t>(low + bits.Get(width));
  if (!bits.AtPaddedEnd()) return Corrupt("packed: bad padding");
  return Status::Ok();
}

// ---- kMethodRice: adaptive Rice codes (JPEG-LS style parameter) ----

class RiceState {
 public:
  int k() const {
    int k = 0;
    while (k < 31 && (static_cast<uint64_t>(count_) << k) < sum_) ++k;
    return k;
  }
  void Update(uint32_t v) {
    sum_ += v;
    if (++count_ >= kRiceHalveAt) {
      sum_ = (sum_ + 1) >> 1;
      count_ >>= 1;
    }
  }

 private:
  uint64_t sum_ = 4;
  uint32_t count_ = 1;
};

void EncodeRice(std::span<const uint32_t> residuals, BitWriter* w) {
  RiceState st;
  for (uint32_t r : residuals) {
    const uint32_t v = ZigZag(r);
    const int k = st.k();
    const uint32_t q = v >> k;
    if (q >= kRiceEscape) {
      w->Put(0, kRiceEscape);
      w->Put(v, 32);
    } else {
      w->Put(0, static_cast<int>(q));
      w->Put(1, 1);
      if (k > 0) w->Put(v & ((1u << k) - 1), k);
    }
    st.Update(v);
  }
}

size_t RiceBits(std::span<const uint32_t> residuals) {
  RiceState st;
  size_t bits = 0;
  for (uint32_t r : residuals) {
    const uint32_t v = ZigZag(r);
    const int k = st.k();
    const uint32_t q = v >> k;
    bits +=
        q >= kRiceEscape ? kRiceEscape + 32 : q + 1 + static_cast<size_t>(k);
    st.Update(v);
  }
  return bits;
}

Status DecodeRice(ByteReader& in, std::span<int32_t> out, uint32_t* checksum) {
  const int kind = in.U8();
  if (in.overrun() || !internal::IsValidPredictor(kind)) {
    return Corrupt("rice: bad predictor kind");
  }
  BitReader bits(in.Rest());
  RiceState st;
  std::span<uint32_t> r(reinterpret_cast<uint32_t*>(out.data()), out.size());
  for (uint32_t& slot : r) {
    const int k = st.k();
    int q = 0;
    while (q < kRiceEscape && bits.Get(1) == 0) ++q;
    uint32_t v;
    if (q == kRiceEscape) {
      v = bits.Get(32);
    } else {
      v = (static_cast<uint32_t>(q) << k) | (k > 0 ? bits.Get(k) : 0);
      if (k > 0 && (static_cast<uint64_t>(q) << k) > 0xFFFFFFFFu) {
        return Corrupt("rice: value out of range");
      }
    }
    if (bits.overrun()) return Corrupt("rice: truncated");
    slot = UnZigZag(v);
    st.Update(v);
  }
  if (!bits.AtPaddedEnd()) return Corrupt("rice: trailing bits");
  *checksum = internal::Reconstruct(r.data(), SegmentLayout(r.size(), 1), kind,
                                    r.data());
  return Status::Ok();
}

// ---- kMethodRans ----

void EncodeRans(std::span<const int32_t> samples, int segments,
                std::string* out) {
  const SegmentLayout layout(samples.size(), segments);
  const int kind = internal::ChoosePredictor(samples, layout);
  thread_local std::vector<uint32_t>
      r;  // kept between calls: no allocation once warm
  r.resize(samples.size());
  for (int j = 0; j < segments; ++j) {
    internal::ComputeResiduals(
        samples.subspan(layout.Begin(j), layout.Length(j)), kind,
        r.data() + layout.Begin(j));
  }
  out->push_back(static_cast<char>(kind));
  out->push_back(static_cast<char>(segments));
  internal::RansEncodeOptions options;
  options.segments = segments;
  internal::RansEncode({r.data(), samples.size()}, options, out);
  if (r.size() > (size_t{1} << 20))
    r = std::vector<uint32_t>();  // do not pin a huge buffer
}

// Decodes a kMethodRans payload into `out`; sets *checksum to the checksum
// of the decoded samples. Residuals travel from the entropy decoder to the
// reconstruction in batches of kBatchRows lockstep rows (16 KiB), which stay
// in the L1 cache.
Status DecodeRans(ByteReader& in, std::span<int32_t> out, uint32_t* checksum) {
  constexpr size_t kBatchRows = 1024;
  const int kind = in.U8();
  const int segments = in.U8();
  if (in.overrun() || !internal::IsValidPredictor(kind) ||
      !internal::IsValidSegmentCount(segments)) {
    return Corrupt("rANS: bad predictor kind or segment count");
  }
  const SegmentLayout layout(out.size(), segments);
  internal::RansDecoder decoder;
  JUMEAU_RETURN_IF_ERROR(decoder.Init(in.Rest(), layout));
  uint32_t* samples = reinterpret_cast<uint32_t*>(out.data());
  internal::Reconstructor reconstructor(layout, kind, samples);
  if (segments == 1) {
    // One segment: decode in place, then integrate in place.
    decoder.DecodeRows(0, layout.length, samples);
    JUMEAU_RETURN_IF_ERROR(decoder.Finish());
    reconstructor.AddRows(0, layout.length, samples);
  } else {
    alignas(16) uint32_t batch[kBatchRows * 4];
    for (size_t row = 0; row < layout.length; row += kBatchRows) {
      const size_t rows = std::min(kBatchRows, layout.length - row);
      decoder.DecodeRows(row, rows, batch);
      reconstructor.AddRows(row, rows, batch);
    }
    JUMEAU_RETURN_IF_ERROR(decoder.Finish());
  }
  *checksum = reconstructor.Checksum();
  return Status::Ok();
}

}  // namespace

void EncodeSamples(std::span<const int32_t> samples, std::string* out) {
  const size_t n = samples.size();
  if (n == 0) {
    out->push_back(static_cast<char>(kMethodPacked));
    internal::PutVarint(0, out);
    return;
  }
  // The one streaming pass over the samples comes first, so the later ones
  // find them in the cache.
  const SampleScan scan = ScanSamples(samples);
  // The header, then the payload of the smallest method so far written in
  // place (`best` is its size with the method byte; 0 while there is none);
  // a smaller method overwrites it and patches the method byte.
  const size_t method_at = out->size();
  out->push_back(static_cast<char>(kMethodRans));
  internal::PutVarint(n, out);
  internal::PutU32(scan.checksum, out);
  const size_t payload_at = out->size();
  size_t best = 0;
  if (n >= kRansFrom) {
    EncodeRans(samples, n >= kFourSegmentsFrom ? 4 : 1, out);
    best = 1 + out->size() - payload_at;
  }
  if (n < kRiceBelow) {
    std::vector<uint32_t> r(n);
    size_t best_bits = std::numeric_limits<size_t>::max();
    int best_kind = 0;
    for (int kind = 0; kind < internal::kPredictorCount; ++kind) {
      internal::ComputeResiduals(samples, kind, r.data());
      const size_t bits = RiceBits(r);
      if (bits < best_bits) {
        best_bits = bits;
        best_kind = kind;
      }
    }
    if (best == 0 || 2 + (best_bits + 7) / 8 < best) {
      out->resize(payload_at);
      (*out)[method_at] = static_cast<char>(kMethodRice);
      out->push_back(static_cast<char>(best_kind));
      internal::ComputeResiduals(samples, best_kind, r.data());
      BitWriter w;
      EncodeRice(r, &w);
      w.FlushTo(out);
      best = 1 + out->size() - payload_at;
    }
  }
  if (best == 0 || PackedSize(n, scan) < best) {
    out->resize(payload_at);
    (*out)[method_at] = static_cast<char>(kMethodPacked);
    EncodePacked(samples, scan, out);
  }
}

Status DecodeSamples(std::string_view encoded, std::span<int32_t> out) {
  ByteReader in(encoded);
  const uint8_t method = in.U8();
  const uint64_t n = in.Varint();
  if (in.overrun()) return Corrupt("truncated header");
  if (n != out.size()) {
    return Corrupt("chunk holds " + std::to_string(n) + " samples, expected " +
                   std::to_string(out.size()));
  }
  if (method != kMethodPacked && method != kMethodRice &&
      method != kMethodRans) {
    return Corrupt("unknown method " + std::to_string(method));
  }
  if (n == 0) {
    if (in.remaining() != 0)
      return Corrupt("trailing bytes after an empty chunk");
    return Status::Ok();
  }
  const uint32_t checksum = in.U32();
  if (in.overrun()) return Corrupt("truncated header");
  uint32_t actual = 0;
  switch (method) {
    case kMethodPacked:
      JUMEAU_RETURN_IF_ERROR(DecodePacked(in, out));
      actual = internal::SampleChecksum(out);
      break;
    case kMethodRice:
      JUMEAU_RETURN_IF_ERROR(DecodeRice(in, out, &actual));
      break;
    default:
      JUMEAU_RETURN_IF_ERROR(DecodeRans(in, out, &actual));
      break;
  }
  if (actual != checksum) return Corrupt("checksum mismatch");
  return Status::Ok();
}

}  // namespace jumeau::store

// Context-modelled static rANS coder for prediction residuals (see
// rans_coder.h). Encoder, in three passes over the values: (1) tokens under
// the finest layout (AVX2 or SSE2) and their histogram, of every value or,
// in long series, of a quarter of them, from which the token layout is
// chosen; (2) tokens of that layout, context histograms and the raw bits;
// then the contexts are clustered into at most kMaxTables frequency tables;
// (3) rANS in reverse, branch-free, the states in registers. Decoder:
// table-driven, S interleaved 32-bit rANS states with 16-bit
// renormalisation, raw bits from a separate LSB-first bit stream.
#include "jumeau/store/internal/rans_coder.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cassert>
#include <cmath>
#include <cstring>
#include <limits>
#include <memory>
#include <utility>
#include <vector>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#if defined(__x86_64__)
#include <immintrin.h>
#endif

#include "jumeau/store/internal/bit_io.h"
#include "jumeau/store/internal/cpu_features.h"

namespace jumeau::store::internal {
namespace {

constexpr int kProbBits = 11;
constexpr uint32_t kProbScale = 1u << kProbBits;
constexpr uint32_t kProbMask = kProbScale - 1;
constexpr uint32_t kRansL = 1u << 16;  // normalised states live in [L, 2^32)
constexpr int kMaxTables = 16;
constexpr int kMaxTokens = 256;
constexpr int kMaxDirectBits = 7;
constexpr int kMaxMantissaBits = 2;
// Frequencies are sent as a small float: values below 2^(M+1) exactly, larger
// ones with M bits after the leading one.
constexpr int kQuantMantissa = 2;
constexpr uint32_t kQuantExact = 1u << (kQuantMantissa + 1);
constexpr uint32_t kMaxQuant =
    kQuantExact + (kProbBits - kQuantMantissa) * (1u << kQuantMantissa) - 1;
constexpr int kContextModes = 2;
// Blocks where more than 1 / kBranchlessFrom of the values carry raw bits
// ask the decoder for its branch-free loop (a speed hint, bit B below).
constexpr size_t kBranchlessFrom = 5;

// Tokens: a value v < 2^direct is its own token; otherwise the token names
// the position n of v's top bit and the `mantissa` bits below it, and the
// n - mantissa low bits travel raw.
struct TokenLayout {
  int direct = 6;
  int mantissa = 2;

  int TokenCount() const { return (1 << direct) + ((32 - direct) << mantissa); }
  bool Valid() const {
    return direct >= 0 && direct <= kMaxDirectBits && mantissa >= 0 &&
           mantissa <= std::min(direct, kMaxMantissaBits);
  }
  // Token of `v`; sets *raw_bits to the count of raw bits that follow.
  uint32_t Token(uint32_t v, int* raw_bits) const {
    if (v < (1u << direct)) {
      *raw_bits = 0;
      return v;
    }
    const int n = 31 - __builtin_clz(v);
    const uint32_t m = (v >> (n - mantissa)) & ((1u << mantissa) - 1);
    *raw_bits = n - mantissa;
    return (1u << direct) + (static_cast<uint32_t>(n - direct) << mantissa) + m;
  }
  // Smallest value of token `t` and its raw bit count.
  void Base(uint32_t t, uint32_t* base, int* raw_bits) const {
    if (t < (1u << direct)) {
      *base = t;
      *raw_bits = 0;
      return;
    }
    const uint32_t idx = t - (1u << direct);
    const int n = direct + static_cast<int>(idx >> mantissa);
    const uint32_t m = idx & ((1u << mantissa) - 1);
    *base = (1u << n) | (m << (n - mantissa));
    *raw_bits = n - mantissa;
  }
};

int ContextLimit(int mode, int token_count) {  // largest context value
  return (mode == 0 ? 1 : 3) * (token_count - 1);
}

// ---- frequency tables ----

uint32_t QuantizeFreq(uint32_t f) {  // f in [1, 2^kProbBits] -> [1, kMaxQuant]
  if (f < kQuantExact) return f;
  int e = 31 - __builtin_clz(f);
  const int shift = e - kQuantMantissa;
  uint32_t top = (f + (1u << (shift - 1))) >> shift;  // round to nearest
  if (top == (2u << kQuantMantissa)) {
    top >>= 1;
    ++e;
  }
  return kQuantExact +
         static_cast<uint32_t>(e - kQuantMantissa - 1) *
             (1u << kQuantMantissa) +
         (top - (1u << kQuantMantissa));
}

uint32_t DequantizeFreq(uint32_t q) {  // q in [0, kMaxQuant]
  if (q < kQuantExact) return q;
  const uint32_t idx = q - kQuantExact;
  const int e = static_cast<int>(idx >> kQuantMantissa) + kQuantMantissa + 1;
  const uint32_t mant =
      (idx & ((1u << kQuantMantissa) - 1)) | (1u << kQuantMantissa);
  return mant << (e - kQuantMantissa);
}

// Scales `weights` to frequencies summing to exactly kProbScale, every
// non-zero weight getting at least 1: round(w * kProbScale / total) through a
// 32.32 fixed-point reciprocal, then the rounding error goes to (or comes
// from) the largest frequencies. Deterministic integer arithmetic: the
// decoder rebuilds the encoder's table bit for bit. Returns false when every
// weight is zero.
// REQUIRES: fewer than kProbScale / 2 non-zero weights; their sum < 2^43.
bool NormalizeFreqs(std::span<const uint32_t> weights,
                    std::span<uint32_t> freqs) {
  uint64_t total = 0;
  for (uint32_t w : weights) total += w;
  if (total == 0) return false;
  const uint64_t scale = (uint64_t{1} << (32 + kProbBits)) / total;
  int64_t sum = 0;
  size_t largest = 0;
  for (size_t i = 0; i < weights.size(); ++i) {
    uint32_t f = 0;
    if (weights[i] != 0) {
      const unsigned __int128 scaled =
          static_cast<unsigned __int128>(weights[i]) * scale;
      f = std::max<uint32_t>(
          static_cast<uint32_t>((scaled + (uint64_t{1} << 31)) >> 32), 1);
    }
    freqs[i] = f;
    sum += f;
    if (f > freqs[largest]) largest = i;
  }
  int64_t diff = static_cast<int64_t>(kProbScale) - sum;
  if (diff > 0) {
    freqs[largest] += static_cast<uint32_t>(diff);
  }
  while (diff < 0) {
    // Take from the largest frequencies, keeping each at least 1. Terminates:
    // the sum of (f - 1) exceeds -diff because fewer than half the slots are
    // used.
    size_t big = 0;
    for (size_t i = 1; i < freqs.size(); ++i) {
      if (freqs[i] > freqs[big]) big = i;
    }
    const int64_t take = std::min<int64_t>(-diff, freqs[big] / 2);
    if (take == 0) return false;  // unreachable under REQUIRES
    freqs[big] -= static_cast<uint32_t>(take);
    diff += take;
  }
  return true;
}

// One frequency table as the decoder will see it: quantised codes and the
// frequencies rebuilt from them.
struct Table {
  std::vector<uint32_t> quant;  // per token, 0 = absent
  std::vector<uint32_t> freq;   // per token, sums to kProbScale
  int extent = 0;               // last used token + 1
};

// Builds the table for `counts` (at least one non-zero).
Table MakeTable(std::span<const uint32_t> counts) {
  const size_t a = counts.size();
  assert(a <= static_cast<size_t>(kMaxTokens));
  Table t;
  t.quant.assign(a, 0);
  t.freq.assign(a, 0);
  std::array<uint32_t, kMaxTokens> exact;
  NormalizeFreqs(counts, {exact.data(), a});
  for (size_t i = 0; i < a; ++i) {
    if (exact[i] != 0) {
      t.quant[i] = QuantizeFreq(exact[i]);
      t.extent = static_cast<int>(i) + 1;
    }
  }
  std::array<uint32_t, kMaxTokens> weights;
  for (size_t i = 0; i < a; ++i) weights[i] = DequantizeFreq(t.quant[i]);
  NormalizeFreqs({weights.data(), a}, t.freq);
  return t;
}

int ExpGolombBits(uint32_t v, int k) {
  const uint64_t x = uint64_t{v} + (uint64_t{1} << k);
  const int len = 63 - __builtin_clzll(x);
  return 2 * len - k + 1;
}

// Table coding. After u8 extent - 1, the quantised frequency codes q[i] of
// tokens 0 .. extent - 1 in order, each as EG0(zigzag(q[i] - p(i))) with the
// prediction p(i) = q[i - 2] for 2 <= i < 2^direct (tokens of residuals of
// the same sign: the two signs can differ a lot), q[i - 1] for other i > 0,
// and 0 for i = 0. A zero code predicted as zero is followed by EG1(z): z
// more zero codes follow, which are not sent. The last token's code is
// non-zero. Calls sink(value, k) for each exp-Golomb field.
inline uint32_t PredictQuant(const uint32_t* q, int i, int direct) {
  if (i == 0) return 0;
  return (i >= 2 && i < (1 << direct)) ? q[i - 2] : q[i - 1];
}

template <typename Sink>
void WalkTableCodes(const uint32_t* q, int extent, int direct, Sink&& sink) {
  for (int i = 0; i < extent;) {
    const uint32_t p = PredictQuant(q, i, direct);
    sink(ZigZag(q[i] - p), 0);
    if (q[i] == 0 && p == 0) {
      int run = 0;
      while (i + 1 + run < extent && q[i + 1 + run] == 0) ++run;
      sink(static_cast<uint32_t>(run), 1);
      i += 1 + run;
    } else {
      ++i;
    }
  }
}

// Bits to describe table `t` in the header.
int TableHeaderBits(const Table& t, int direct) {
  int bits = 8;
  WalkTableCodes(t.quant.data(), t.extent, direct,
                 [&](uint32_t v, int k) { bits += ExpGolombBits(v, k); });
  return bits;
}

void WriteTable(const Table& t, int direct, BitWriter* w) {
  w->Put(static_cast<uint32_t>(t.extent - 1), 8);
  WalkTableCodes(t.quant.data(), t.extent, direct,
                 [&](uint32_t v, int k) { w->PutExpGolomb(v, k); });
}

// -log2(f / kProbScale) for every frequency f: the cost in bits of a token.
const std::array<float, kProbScale + 1>& TokenBits() {
  static const std::array<float, kProbScale + 1> bits = [] {
    std::array<float, kProbScale + 1> b{};
    b[0] = 64;  // unused
    for (uint32_t f = 1; f <= kProbScale; ++f) {
      b[f] = static_cast<float>(kProbBits - std::log2(static_cast<double>(f)));
    }
    return b;
  }();
  return bits;
}

// Estimated bits to code `counts` with table `t`, header included.
double TableCost(std::span<const uint32_t> counts, const Table& t, int direct) {
  const auto& token_bits = TokenBits();
  double bits = TableHeaderBits(t, direct);
  for (size_t i = 0; i < counts.size(); ++i) {
    if (counts[i] != 0)
      bits += counts[i] * static_cast<double>(token_bits[t.freq[i]]);
  }
  return bits;
}

// An estimate of TableCost(counts, MakeTable(counts)) for ranking merges,
// several times cheaper: frequencies scaled in floating point (at least 1,
// not renormalised to sum exactly kProbScale), their quantised codes for the
// header. No allocation.
double EstimateCost(std::span<const uint32_t> counts, int direct) {
  static const std::array<uint8_t, kProbScale + 1> quant_of = [] {
    std::array<uint8_t, kProbScale + 1> q{};
    for (uint32_t f = 1; f <= kProbScale; ++f)
      q[f] = static_cast<uint8_t>(QuantizeFreq(f));
    return q;
  }();
  uint64_t total = 0;
  for (uint32_t c : counts) total += c;
  if (total == 0) return 0;
  int extent = static_cast<int>(counts.size());
  while (counts[extent - 1] == 0) --extent;
  const auto& token_bits = TokenBits();
  const float scale =
      static_cast<float>(kProbScale) / static_cast<float>(total);
  std::array<uint32_t, kMaxTokens> quant;
  // The cost of token i; its quantised frequency to quant[i].
  auto cost = [&](int i) -> double {
    const uint32_t c = counts[i];
    const uint32_t scaled = std::clamp<uint32_t>(
        static_cast<uint32_t>(static_cast<float>(c) * scale + 0.5f), 1,
        kProbScale);
    const uint32_t f = c != 0 ? scaled : 0;
    quant[i] = quant_of[f];
    return static_cast<double>(static_cast<float>(c) * token_bits[f]);
  };
  // Four partial sums, so that the additions do not wait on each other.
  double a0 = 0, a1 = 0, a2 = 0, a3 = 0;
  int i = 0;
  for (; i + 4 <= extent; i += 4) {
    a0 += cost(i);
    a1 += cost(i + 1);
    a2 += cost(i + 2);
    a3 += cost(i + 3);
  }
  for (; i < extent; ++i) a0 += cost(i);
  int header_bits = 8;
  WalkTableCodes(quant.data(), extent, direct, [&](uint32_t v, int k) {
    header_bits += ExpGolombBits(v, k);
  });
  return (a0 + a1) + (a2 + a3) + header_bits;
}

// ---- context clustering (encoder) ----

// Initial context buckets: exact below 8, then four per octave.
int ContextBucket(uint32_t s) {
  if (s < 8) return static_cast<int>(s);
  const int e = 31 - __builtin_clz(s);
  return 8 + (e - 3) * 4 + static_cast<int>((s >> (e - 2)) & 3);
}
uint32_t ContextBucketStart(int b) {
  if (b < 8) return static_cast<uint32_t>(b);
  const int e = 3 + (b - 8) / 4;
  return (4u + static_cast<uint32_t>((b - 8) % 4)) << (e - 2);
}

struct Clustering {
  int mode = 0;
  std::vector<uint32_t>
      starts;  // first context value of each table; starts[0] = 0
  std::vector<Table> tables;
  double bits = 0;
};

// ContextBucket of every context value.
const std::array<uint8_t, kMaxTokens * 3>& BucketOf() {
  static const std::array<uint8_t, kMaxTokens* 3> table = [] {
    std::array<uint8_t, kMaxTokens * 3> t{};
    for (uint32_t s = 0; s < t.size(); ++s)
      t[s] = static_cast<uint8_t>(ContextBucket(s));
    return t;
  }();
  return table;
}

// Context value of value i under `mode`: from the previous tokens of the
// same segment (zero before a segment start).
inline uint32_t ContextOf(int mode, uint32_t t1, uint32_t t2) {
  return mode == 0 ? t1 : 2 * t1 + t2;
}

// Writes bit fields LSB first into a caller's buffer without branches: each
// Put stores 8 bytes, so the buffer needs 8 bytes of room past the last
// whole byte written.
class RawBitSink {
 public:
  explicit RawBitSink(uint8_t* p) : start_(p), p_(p) {}

  // Writes the low `count` bits of v. REQUIRES: count <= 31.
  void Put(uint32_t v, int count) { PutField(Low(v, count), count); }

  // The low `count` bits of v.
  static uint64_t Low(uint32_t v, int count) {
    return uint64_t{v} & ((uint64_t{1} << count) - 1);
  }

  // Writes `field`, `count` bits long. REQUIRES: count <= 56,
  // field < 2^count.
  void PutField(uint64_t field, int count) {
    acc_ |= field << bits_;
    bits_ += count;
    std::memcpy(p_, &acc_, 8);
    p_ += bits_ >> 3;
    acc_ >>= bits_ & ~7;
    bits_ &= 7;
  }

  // Pads the last byte with zeros; returns the bytes written.
  size_t Finish() {
    if (bits_ > 0) *p_++ = static_cast<uint8_t>(acc_);
    bits_ = 0;
    acc_ = 0;
    return static_cast<size_t>(p_ - start_);
  }

 private:
  uint8_t* start_;
  uint8_t* p_;
  uint64_t acc_ = 0;
  int bits_ = 0;
};

// Context histograms of one mode for the tokens of every segment:
// hist[bucket * alphabet + token] (ContextBucket of the context value). With
// four segments each one counts into its own copy, summed at the end, so
// that runs of one cell (common: residuals repeat) form four independent
// store-to-load chains instead of one. With kFirst, `tk` holds fine tokens
// on entry, mapped in place through token_of_fine, and the raw bits of every
// value go to *raw in decoding order (rows, then segments).
template <int S, int kMode, bool kFirst>
void ContextHistogram(uint8_t* tk, const uint32_t* res,
                      const SegmentLayout& layout, size_t alphabet,
                      const uint8_t* token_of_fine, const uint8_t* raw_bits_of,
                      std::vector<uint32_t>* hist, RawBitSink* raw_out) {
  static_assert(S == 1 || S == 4);
  const size_t cells = static_cast<size_t>(BucketOf().back() + 1) * alphabet;
  hist->assign(cells * S, 0);
  uint32_t* const h = hist->data();
  // Offset of each context value's row of cells.
  std::array<uint32_t, kMaxTokens * 3> row_at;
  for (size_t c = 0; c < row_at.size(); ++c) {
    row_at[c] = static_cast<uint32_t>(BucketOf()[c] * alphabet);
  }
  size_t min_len = layout.length;
  for (int j = 0; j < S; ++j) min_len = std::min(min_len, layout.Length(j));
  RawBitSink raw = *raw_out;
  // One value of segment j at its index i; (t1, t2) its context tokens.
  // Writes the raw bits when kPut.
  auto count = [&]<bool kPut = true>(int j, size_t i, uint32_t& t1,
                                     uint32_t& t2) [[gnu::always_inline]] {
    uint32_t tok = tk[i];
    if constexpr (kFirst) {
      tok = token_of_fine[tok];
      tk[i] = static_cast<uint8_t>(tok);
    }
    ++h[static_cast<size_t>(j) * cells + row_at[ContextOf(kMode, t1, t2)] +
        tok];
    t2 = t1;
    t1 = tok;
    if constexpr (kFirst && kPut) raw.Put(ZigZag(res[i]), raw_bits_of[tok]);
  };
  const size_t b0 = layout.Begin(0);
  uint32_t a1 = 0, a2 = 0;
  if constexpr (S == 1) {
    for (size_t t = 0; t < layout.length; ++t) count(0, b0 + t, a1, a2);
  } else {
    const size_t b1 = layout.Begin(1), b2 = layout.Begin(2),
                 b3 = layout.Begin(3);
    uint32_t c1 = 0, c2 = 0, d1 = 0, d2 = 0, e1 = 0, e2 = 0;
    size_t t = 0;
    // The raw fields of a row go out as one when they fit PutField (else as
    // two of at most 62 bits, each split if longer), so the sink's
    // dependency chain is one step per row; rows without raw bits skip it.
    auto low = [&](size_t i, uint32_t tok, int* count) [[gnu::always_inline]] {
      *count = raw_bits_of[tok];
      return RawBitSink::Low(ZigZag(res[i]), *count);
    };
    auto put_split = [&](uint64_t field, int count,
                         int first) [[gnu::always_inline]] {
      if (count <= 56) {
        raw.PutField(field, count);
      } else {
        raw.PutField(field & ((uint64_t{1} << first) - 1), first);
        raw.PutField(field >> first, count - first);
      }
    };
    for (; t < min_len; ++t) {
      count.template operator()<false>(0, b0 + t, a1, a2);
      count.template operator()<false>(1, b1 + t, c1, c2);
      count.template operator()<false>(2, b2 + t, d1, d2);
      count.template operator()<false>(3, b3 + t, e1, e2);
      if constexpr (kFirst) {
        int r0, r1, r2, r3;
        const uint64_t f0 = low(b0 + t, a1, &r0), f1 = low(b1 + t, c1, &r1);
        const uint64_t f2 = low(b2 + t, d1, &r2), f3 = low(b3 + t, e1, &r3);
        const uint64_t fa = f0 | (f1 << r0), fb = f2 | (f3 << r2);
        const int ca = r0 + r1, cb = r2 + r3;
        if (__builtin_expect(ca + cb <= 56, 1)) {
          if (ca + cb != 0) raw.PutField(fa | (fb << ca), ca + cb);
        } else {
          put_split(fa, ca, r0);
          put_split(fb, cb, r2);
        }
      }
    }
    for (; t < layout.length; ++t) {
      if (t < layout.Length(0)) count(0, b0 + t, a1, a2);
      if (t < layout.Length(1)) count(1, b1 + t, c1, c2);
      if (t < layout.Length(2)) count(2, b2 + t, d1, d2);
      if (t < layout.Length(3)) count(3, b3 + t, e1, e2);
    }
    for (int j = 1; j < S; ++j) {
      const uint32_t* hj = h + static_cast<size_t>(j) * cells;
      for (size_t c = 0; c < cells; ++c) h[c] += hj[c];
    }
  }
  *raw_out = raw;
  hist->resize(cells);
}

template <int S, int kMode>
void ContextHistogramOf(bool first, uint8_t* tk, const uint32_t* res,
                        const SegmentLayout& layout, size_t alphabet,
                        const uint8_t* token_of_fine,
                        const uint8_t* raw_bits_of, std::vector<uint32_t>* hist,
                        RawBitSink* raw) {
  if (first) {
    ContextHistogram<S, kMode, true>(tk, res, layout, alphabet, token_of_fine,
                                     raw_bits_of, hist, raw);
  } else {
    ContextHistogram<S, kMode, false>(tk, res, layout, alphabet, token_of_fine,
                                      raw_bits_of, hist, raw);
  }
}

// Greedy bottom-up merge of adjacent context buckets while it saves bits.
// `hist` holds a row of `alphabet` counts per bucket (alphabet bounds the
// tokens present) and serves as scratch: merged rows are summed in place.
Clustering ClusterContexts(std::span<uint32_t> hist, int token_count,
                           int alphabet, int direct, int mode) {
  const int max_bucket =
      ContextBucket(static_cast<uint32_t>(ContextLimit(mode, token_count)));
  const size_t a = static_cast<size_t>(alphabet);
  // A group's counts are its first bucket's row of `hist`, into which the
  // rows of the groups merged into it are added.
  struct Group {
    int first_bucket;
    uint32_t* counts;
    size_t extent;  // last token counted + 1
    double cost;
    double merged_cost;  // of this group merged with the next
    double merge_delta;  // cost change of merging with the next group
  };
  std::vector<Group> groups;
  groups.reserve(static_cast<size_t>(max_bucket) + 1);
  for (int b = 0; b <= max_bucket; ++b) {
    uint32_t* h = hist.data() + static_cast<size_t>(b) * a;
    size_t extent = a;
    while (extent > 0 && h[extent - 1] == 0) --extent;
    if (extent == 0) continue;
    groups.push_back(
        Group{b, h, extent, EstimateCost({h, extent}, direct), 0, 0});
  }
  // Merges are ranked by EstimateCost; the tables and costs of the groups
  // kept are exact.
  std::array<uint32_t, kMaxTokens> merged;
  auto update_delta = [&](size_t g) {
    if (g + 1 >= groups.size()) return;
    const size_t extent = std::max(groups[g].extent, groups[g + 1].extent);
    for (size_t i = 0; i < extent; ++i) {
      merged[i] = groups[g].counts[i] + groups[g + 1].counts[i];
    }
    groups[g].merged_cost = EstimateCost({merged.data(), extent}, direct);
    groups[g].merge_delta =
        groups[g].merged_cost - groups[g].cost - groups[g + 1].cost;
  };
  for (size_t g = 0; g + 1 < groups.size(); ++g) update_delta(g);
  // Merge the adjacent pair with the best saving until none saves bits and
  // at most kMaxTables remain.
  while (groups.size() > 1) {
    size_t best = 0;
    for (size_t g = 1; g + 1 < groups.size(); ++g) {
      if (groups[g].merge_delta < groups[best].merge_delta) best = g;
    }
    if (groups[best].merge_delta >= 0 &&
        groups.size() <= static_cast<size_t>(kMaxTables))
      break;
    Group& g = groups[best];
    g.extent = std::max(g.extent, groups[best + 1].extent);
    for (size_t i = 0; i < g.extent; ++i)
      g.counts[i] += groups[best + 1].counts[i];
    g.cost = g.merged_cost;
    groups.erase(groups.begin() + static_cast<ptrdiff_t>(best) + 1);
    update_delta(best);
    if (best > 0) update_delta(best - 1);
  }
  Clustering c;
  c.mode = mode;
  c.tables.reserve(std::max<size_t>(groups.size(), 1));
  for (size_t g = 0; g < groups.size(); ++g) {
    const std::span<const uint32_t> counts(groups[g].counts, a);
    c.tables.push_back(MakeTable(counts));
    c.starts.push_back(g == 0 ? 0 : ContextBucketStart(groups[g].first_bucket));
    c.bits += TableCost(counts, c.tables.back(), direct);
  }
  if (groups.empty()) {  // no values at all: one table with token 0
    std::vector<uint32_t> one(a, 0);
    one[0] = 1;
    c.starts.push_back(0);
    c.tables.push_back(MakeTable(one));
  }
  // Context-map header bits.
  for (size_t g = 1; g < c.starts.size(); ++g) {
    c.bits += ExpGolombBits(c.starts[g] - c.starts[g - 1] - 1, 2);
  }
  return c;
}

// The finest token layout: every other layout's token (and raw bit count) of
// a value is a function of its token under this one, so one histogram of
// fine tokens serves to compare them all.
constexpr TokenLayout kFineLayout{kMaxDirectBits, kMaxMantissaBits};
constexpr int kFineTokens =
    (1 << kMaxDirectBits) + ((32 - kMaxDirectBits) << kMaxMantissaBits);

// The smallest value of fine token `f`.
inline uint32_t FineRepresentative(int f) {
  uint32_t base;
  int rb;
  kFineLayout.Base(static_cast<uint32_t>(f), &base, &rb);
  return base;
}

// Token under kFineLayout of every zigzagged value.
inline uint32_t FineToken(uint32_t v) {
  const int n =
      31 - __builtin_clz(v | (1u << kMaxDirectBits));  // >= kMaxDirectBits
  const uint32_t high =
      (1u << kMaxDirectBits) +
      (static_cast<uint32_t>(n - kMaxDirectBits) << kMaxMantissaBits) +
      ((v >> (n - kMaxMantissaBits)) & ((1u << kMaxMantissaBits) - 1));
  // A select by mask: GCC turns the plain ternary into a branch, which
  // mispredicts on noisy signals.
  const uint32_t small = 0u - static_cast<uint32_t>(v < (1u << kMaxDirectBits));
  return (v & small) | (high & ~small);
}

// log2(c) for the counts below kLog2TableSize (most token counts of a chunk).
constexpr uint32_t kLog2TableSize = 4096;
const std::array<double, kLog2TableSize>& Log2Table() {
  static const std::array<double, kLog2TableSize> table = [] {
    std::array<double, kLog2TableSize> t{};
    t[0] = 0;  // unused
    for (uint32_t c = 1; c < kLog2TableSize; ++c)
      t[c] = std::log2(static_cast<double>(c));
    return t;
  }();
  return table;
}

inline double Log2Count(uint64_t c) {
  return c < kLog2TableSize ? Log2Table()[c]
                            : std::log2(static_cast<double>(c));
}

// Every candidate layout (direct bits, mantissa bits), and the token and raw
// bit count under each of every fine token.
struct LayoutCandidates {
  static constexpr int kCount = 14;  // direct 0..7, mantissa 1..min(direct, 2)
  std::array<TokenLayout, kCount> layout;
  std::array<std::array<uint8_t, kFineTokens>, kCount> token;
  std::array<std::array<uint8_t, kFineTokens>, kCount> raw_bits;
};

const LayoutCandidates& Candidates() {
  static const LayoutCandidates c = [] {
    LayoutCandidates out{};
    int k = 0;
    for (int direct = 0; direct <= kMaxDirectBits; ++direct) {
      for (int mantissa = std::min(direct, 1);
           mantissa <= std::min(direct, kMaxMantissaBits); ++mantissa) {
        out.layout[k] = TokenLayout{direct, mantissa};
        for (int f = 0; f < kFineTokens; ++f) {
          int rb;
          out.token[k][f] = static_cast<uint8_t>(
              out.layout[k].Token(FineRepresentative(f), &rb));
          out.raw_bits[k][f] = static_cast<uint8_t>(rb);
        }
        ++k;
      }
    }
    assert(k == LayoutCandidates::kCount);
    return out;
  }();
  return c;
}

// Picks the token layout with the smallest order-0 cost (token entropy plus
// raw bits of `values` values, estimated from the histogram of fine tokens of
// `counted` of them, plus a rough 4 bits per used token for its table). The
// first of equal costs wins.
TokenLayout ChooseLayout(std::span<const uint32_t, kFineTokens> fine,
                         uint64_t counted, uint64_t values) {
  const LayoutCandidates& cand = Candidates();
  // The fine tokens present.
  std::array<uint8_t, kFineTokens> present;
  int npresent = 0;
  for (int f = 0; f < kFineTokens; ++f) {
    if (fine[f] != 0) present[npresent++] = static_cast<uint8_t>(f);
  }
  const double log2_total = Log2Count(counted);
  const double scale =
      counted == 0 ? 1.0
                   : static_cast<double>(values) / static_cast<double>(counted);
  TokenLayout best;
  double best_bits = std::numeric_limits<double>::infinity();
  std::array<uint64_t, kMaxTokens> tok{};
  std::array<uint8_t, kMaxTokens> used;
  for (int k = 0; k < LayoutCandidates::kCount; ++k) {
    uint64_t raw = 0;
    int nused = 0;
    for (int p = 0; p < npresent; ++p) {
      const int f = present[p];
      const uint8_t t = cand.token[k][f];
      if (tok[t] == 0) used[nused++] = t;
      tok[t] += fine[f];
      raw += uint64_t{fine[f]} * cand.raw_bits[k][f];
    }
    // sum over tokens of -count log2(count / counted), plus the raw bits.
    double bits = static_cast<double>(raw);
    for (int u = 0; u < nused; ++u) {
      const uint64_t c = tok[used[u]];
      bits += static_cast<double>(c) * (log2_total - Log2Count(c));
      tok[used[u]] = 0;
    }
    bits = bits * scale + 4.0 * nused;
    if (bits < best_bits) {
      best_bits = bits;
      best = cand.layout[k];
    }
  }
  return best;
}

// Decoding tables live in one block of 32-bit words so the hot loop needs a
// single base register:
//   [kInfoAt, +2 * kMaxTokens): per token, its raw bit count and either its
//       smallest (zigzagged) value or, without raw bits, the residual itself
//       (read together as one 64-bit load);
//   [kContextAt, +kMaxContexts): per context value, the offset of its table's
//       slots within the block;
//   [kSlotsAt, +tables * kProbScale): per table and slot, bits 0-7 token,
//       8-19 frequency, 20-30 offset of the slot within the token's range.
constexpr size_t kInfoAt = 0;
constexpr size_t kContextAt = kInfoAt + 2 * kMaxTokens;
constexpr size_t kMaxContexts = 3 * kMaxTokens;
constexpr size_t kSlotsAt = kContextAt + kMaxContexts;

std::vector<uint32_t>& ThreadTables() {
  thread_local std::vector<uint32_t> tables;
  return tables;
}

inline uint32_t LoadU16(const uint8_t* p) {
  uint16_t v;
  std::memcpy(&v, p, 2);
  return v;  // little-endian hosts only (x86-64, aarch64)
}

// One segment's decoder: its rANS state, the block offset of the table for
// its next value, and its previous token (context mode 1).
struct Lane {
  uint32_t x;
  uint32_t base;
  uint32_t prev;
};

// rANS step shared by both paths: returns the token, updates the lane's state
// (before renormalisation) and its context.
template <int kMode>
[[gnu::always_inline]] inline uint32_t DecodeToken(const uint32_t* tbl,
                                                   Lane& l) {
  const uint32_t e = tbl[l.base + (l.x & kProbMask)];
  const uint32_t tok = e & 0xFF;
  l.x = ((e >> 8) & 0xFFF) * (l.x >> kProbBits) + (e >> 20);
  if constexpr (kMode == 0) {
    l.base = tbl[kContextAt + tok];
  } else {
    l.base = tbl[kContextAt + 2 * tok + l.prev];
    l.prev = tok;
  }
  return tok;
}

inline uint64_t TokenInfoOf(const uint32_t* tbl, uint32_t tok) {
  uint64_t info;
  std::memcpy(&info, tbl + kInfoAt + 2 * tok, 8);
  return info;
}

// The raw-bit stream is decoded from a copy followed by kRawPadding zero
// bytes, so that an 8-byte load at any bit position up to RawReadLimit(size)
// stays inside the copy. Valid streams never go past size * 8, so the fast
// path always has (kRawPadding - 8) * 8 = 448 bits (3 rows of 4 maximal
// reads) of slack. Reading past the real end yields zeros and is reported by
// Finish.
constexpr size_t kRawPadding = 64;

inline size_t RawReadLimit(size_t size) { return (size + kRawPadding - 8) * 8; }

std::vector<uint8_t>& ThreadRawCopy() {
  thread_local std::vector<uint8_t> copy;
  return copy;
}

// Reads `count` raw bits at bit position `pos` (LSB first) and advances it.
// The only loop-carried dependency is pos += count, so reads of successive
// values overlap. REQUIRES: count <= 32, pos <= RawReadLimit(size).
[[gnu::always_inline]] inline uint32_t ReadRaw(const uint8_t* data, size_t& pos,
                                               int count) {
  uint64_t word;
  std::memcpy(&word, data + (pos >> 3), 8);
  const uint32_t v =
      static_cast<uint32_t>((word >> (pos & 7)) & ((uint64_t{1} << count) - 1));
  pos += static_cast<size_t>(count);
  return v;
}

// Branch-free renormalisation: when x < kRansL, shifts in the 16-bit word
// at wp and advances wp. Whether it happens is a coin flip for the branch
// predictor, so it must be conditional moves (GCC turns the plain ternaries
// into a branch).
[[gnu::always_inline]] inline void Renormalize(uint32_t& x,
                                               const uint8_t*& wp) {
  const uint32_t refilled = (x << 16) | LoadU16(wp);
#if defined(__x86_64__)
  const uint8_t* next = wp + 2;
  asm("cmpl %[low], %[x]\n\t"
      "cmovb %[refilled], %[x]\n\t"
      "cmovb %[next], %[wp]"
      : [x] "+r"(x), [wp] "+r"(wp)
      : [refilled] "r"(refilled), [next] "r"(next), [low] "i"(kRansL)
      : "cc");
#else
  const bool need = x < kRansL;
  x = need ? refilled : x;
  wp += need ? 2 : 0;
#endif
}

// The unchecked step: the caller guarantees 2 readable bytes at wp and
// pos <= RawReadLimit. With kBranchless, every value reads its (possibly
// zero) raw bits and is unzigzagged, avoiding a mispredicted branch per value
// when raw bits are common; otherwise values without raw bits come straight
// from the table.
template <int kMode, bool kBranchless>
[[gnu::always_inline]] inline uint32_t DecodeFastStep(const uint32_t* tbl,
                                                      Lane& l,
                                                      const uint8_t*& wp,
                                                      const uint8_t* raw,
                                                      size_t& pos) {
  const uint32_t tok = DecodeToken<kMode>(tbl, l);
  Renormalize(l.x, wp);
  const uint64_t info = TokenInfoOf(tbl, tok);
  const int raw_bits = static_cast<int>(info >> 32);
  if constexpr (!kBranchless) {
    if (__builtin_expect(raw_bits == 0, 1)) return static_cast<uint32_t>(info);
  }
  return UnZigZag(static_cast<uint32_t>(info) + ReadRaw(raw, pos, raw_bits));
}

// The bounds-checked step, for the last few values. The token table holds
// unzigzagged values for tokens without raw bits unless kBranchless.
template <int kMode, bool kBranchless>
inline uint32_t DecodeCheckedStep(const uint32_t* tbl, Lane& l,
                                  const uint8_t*& wp, const uint8_t* wend,
                                  const uint8_t* raw, size_t raw_limit,
                                  size_t& pos, bool* overrun) {
  const uint32_t tok = DecodeToken<kMode>(tbl, l);
  if (l.x < kRansL) {
    if (wend - wp >= 2) {
      l.x = (l.x << 16) | LoadU16(wp);
      wp += 2;
    } else {
      *overrun = true;
      l.x <<= 16;
    }
  }
  const uint64_t info = TokenInfoOf(tbl, tok);
  const int raw_bits = static_cast<int>(info >> 32);
  if constexpr (!kBranchless) {
    if (raw_bits == 0) return static_cast<uint32_t>(info);
  }
  if (pos > raw_limit) {
    *overrun = true;
    return 0;
  }
  return UnZigZag(static_cast<uint32_t>(info) + ReadRaw(raw, pos, raw_bits));
}

// The fast path of DecodeRows: rows [row, end) while the word stream has
// room for a whole row and the raw stream for S maximal reads; every segment
// must be active in these rows. The lane states are copied into named locals
// so that they live in registers (an array indexed by a variable anywhere in
// the function would keep them in memory, adding store-to-load latency to
// every step). Returns the row reached.
template <int S, int kMode, bool kBranchless>
[[gnu::always_inline]] inline size_t DecodeRowsFast(
    const uint32_t* tbl, Lane* lanes, const uint8_t** wp_io,
    const uint8_t* wend, const uint8_t* raw, size_t raw_limit, size_t* pos_io,
    size_t row, size_t end, uint32_t* out) {
  static_assert(S == 1 || S == 4);
  constexpr size_t kMaxRawBitsPerRow = 31 * S;
  Lane l0 = lanes[0], l1, l2, l3;
  if constexpr (S == 4) {
    l1 = lanes[1];
    l2 = lanes[2];
    l3 = lanes[3];
  }
  const uint8_t* wp = *wp_io;
  size_t pos = *pos_io;
  size_t t = row;
  while (t < end && pos <= raw_limit) {
    // Each row reads at most S words and S * 31 raw bits, so after k rows
    // every read of the next row starts below pos + (k + 1) * 31 * S: this
    // many rows need no bounds check.
    const size_t safe_rows = std::min(static_cast<size_t>(wend - wp) / (2 * S),
                                      (raw_limit - pos) / kMaxRawBitsPerRow);
    if (safe_rows == 0) break;
    const size_t stop = std::min(end, t + safe_rows);
    for (; t < stop; ++t, out += S) {
      out[0] = DecodeFastStep<kMode, kBranchless>(tbl, l0, wp, raw, pos);
      if constexpr (S == 4) {
        out[1] = DecodeFastStep<kMode, kBranchless>(tbl, l1, wp, raw, pos);
        out[2] = DecodeFastStep<kMode, kBranchless>(tbl, l2, wp, raw, pos);
        out[3] = DecodeFastStep<kMode, kBranchless>(tbl, l3, wp, raw, pos);
      }
    }
  }
  *pos_io = pos;
  *wp_io = wp;
  lanes[0] = l0;
  if constexpr (S == 4) {
    lanes[1] = l1;
    lanes[2] = l2;
    lanes[3] = l3;
  }
  return t;
}

// Decodes rows [row, row + rows) into out (row-major, S values per row):
// fast while every segment is active and the streams have room, then
// checked.
template <int S, int kMode, bool kBranchless>
[[gnu::always_inline]] inline void DecodeRowsImpl(
    const uint32_t* tbl, const SegmentLayout& layout, size_t min_len,
    Lane* lanes, const uint8_t** wp_io, const uint8_t* wend, const uint8_t* raw,
    size_t raw_limit, size_t* pos_io, bool* overrun, size_t row, size_t rows,
    uint32_t* out) {
  const size_t end = row + rows;
  size_t t = row;
  if (t < min_len) {
    t = DecodeRowsFast<S, kMode, kBranchless>(tbl, lanes, wp_io, wend, raw,
                                              raw_limit, pos_io, t,
                                              std::min(end, min_len), out);
  }
  const uint8_t* wp = *wp_io;
  size_t pos = *pos_io;
  for (uint32_t* o = out + (t - row) * S; t < end; ++t, o += S) {
    for (int j = 0; j < S; ++j) {
      if (t < layout.Length(j)) {
        o[j] = DecodeCheckedStep<kMode, kBranchless>(
            tbl, lanes[j], wp, wend, raw, raw_limit, pos, overrun);
      }
    }
  }
  *wp_io = wp;
  *pos_io = pos;
}

Status Corrupt(const char* what) {
  return DataLossError(std::string("sample codec: rANS block: ") + what);
}

// A symbol of an encoding table, for C(x) = (x / f) * kProbScale + x % f +
// cum computed as x + bias + q * cmpl with q = (x * rcp) >> 64: for f >= 2,
// rcp = ceil(2^64 / f) (q = x / f exactly for x < 2^32), bias = cum,
// cmpl = kProbScale - f; for f = 1, rcp = 2^64 - 1 (q = x - 1 for x >= 1),
// bias = cum + kProbScale - 1, cmpl = kProbScale - 1.
struct EncSymbol {
  uint64_t rcp;
  uint32_t bias;
  uint16_t freq;
  uint16_t cmpl;
};

EncSymbol MakeEncSymbol(uint32_t freq, uint32_t cum) {
  EncSymbol e{};
  e.freq = static_cast<uint16_t>(freq);
  if (freq >= 2) {
    e.rcp = ~uint64_t{0} / freq + 1;
    e.bias = cum;
    e.cmpl = static_cast<uint16_t>(kProbScale - freq);
  } else if (freq == 1) {
    e.rcp = ~uint64_t{0};
    e.bias = cum + kProbScale - 1;
    e.cmpl = static_cast<uint16_t>(kProbScale - 1);
  }
  return e;
}

// Per-thread scratch of RansEncode, kept between calls so that encoding a
// chunk allocates (and page-faults) nothing once warm.
struct EncodeScratch {
  std::vector<uint8_t> tokens;
  std::vector<uint16_t> words;
  std::vector<uint8_t> raw;
  std::vector<uint32_t> hist;
  std::vector<EncSymbol> syms;
};

EncodeScratch& ThreadEncodeScratch() {
  thread_local EncodeScratch scratch;
  return scratch;
}

// Scratch for more values than this is released after the call, so that one
// huge series does not pin its buffers for the thread's lifetime.
constexpr size_t kScratchKeep = size_t{1} << 20;

// One rANS encoding step of state x with symbol e; a renormalisation word,
// when due, goes to *(wp - 1) and wp steps back. Branch-free: the word is
// written unconditionally and kept or not, because whether it is due is a
// coin flip for a branch predictor (so conditional moves, which GCC does
// not emit for the plain ternaries). REQUIRES: wp - 1 is writable.
[[gnu::always_inline]] inline void EncodeStep(uint32_t& x, const EncSymbol& e,
                                              uint16_t*& wp) {
  *(wp - 1) = static_cast<uint16_t>(x);
#if defined(__x86_64__)
  const uint32_t top = x >> (32 - kProbBits);
  const uint32_t shifted = x >> 16;
  uint16_t* const next = wp - 1;
  const uint32_t freq = e.freq;
  asm("cmpl %[freq], %[top]\n\t"
      "cmovae %[shifted], %[x]\n\t"
      "cmovae %[next], %[wp]"
      : [x] "+r"(x), [wp] "+r"(wp)
      :
      [top] "r"(top), [freq] "r"(freq), [shifted] "r"(shifted), [next] "r"(next)
      : "cc");
#else
  const uint32_t emit = (x >> (32 - kProbBits)) >= e.freq ? 1 : 0;
  wp -= emit;
  x >>= emit << 4;
#endif
  const uint32_t q =
      static_cast<uint32_t>((static_cast<unsigned __int128>(x) * e.rcp) >> 64);
  x += e.bias + q * e.cmpl;
}

// Codes rows [lo, hi) (lo >= 2, every segment active) in reverse lockstep
// order, with the S states in registers.
template <int S, int kMode>
void EncodeRowsFast(const uint8_t* tk, const size_t* begin,
                    const uint32_t* table_at, const EncSymbol* syms, size_t lo,
                    size_t hi, uint32_t* state, uint16_t** wp_io) {
  static_assert(S == 1 || S == 4);
  uint16_t* wp = *wp_io;
  uint32_t x0 = state[0], x1 = 0, x2 = 0, x3 = 0;
  const uint8_t* p0 = tk + begin[0];
  const uint8_t *p1 = p0, *p2 = p0, *p3 = p0;
  if constexpr (S == 4) {
    x1 = state[1];
    x2 = state[2];
    x3 = state[3];
    p1 = tk + begin[1];
    p2 = tk + begin[2];
    p3 = tk + begin[3];
  }
  auto sym = [&](const uint8_t* p, size_t t) -> const EncSymbol& {
    return syms[table_at[ContextOf(kMode, p[t - 1], p[t - 2])] + p[t]];
  };
  for (size_t t = hi; t-- > lo;) {
    if constexpr (S == 4) {
      EncodeStep(x3, sym(p3, t), wp);
      EncodeStep(x2, sym(p2, t), wp);
      EncodeStep(x1, sym(p1, t), wp);
    }
    EncodeStep(x0, sym(p0, t), wp);
  }
  state[0] = x0;
  if constexpr (S == 4) {
    state[1] = x1;
    state[2] = x2;
    state[3] = x3;
  }
  *wp_io = wp;
}

// Codes row t (any row) in reverse lockstep order, skipping segments that
// end before it.
void EncodeRowChecked(const uint8_t* tk, const SegmentLayout& layout, int mode,
                      const uint32_t* table_at, const EncSymbol* syms, size_t t,
                      uint32_t* state, uint16_t** wp) {
  for (int j = layout.segments; j-- > 0;) {
    if (t >= layout.Length(j)) continue;
    const uint8_t* p = tk + layout.Begin(j);
    const uint32_t t1 = t >= 1 ? p[t - 1] : 0;
    const uint32_t t2 = t >= 2 ? p[t - 2] : 0;
    EncodeStep(state[j], syms[table_at[ContextOf(mode, t1, t2)] + p[t]], *wp);
  }
}

// Series of at least kSampledLayoutFrom values choose their token layout on
// a quarter of them: the values i with i % 32 < 8 (the same on every code
// path; the layout is a choice of the encoder, stored in the block). Their
// histogram is a quarter of the cost of counting every value, which on
// signals whose residuals repeat serialises on a few counters.
constexpr size_t kSampledLayoutFrom = 32768;
inline bool CountedForLayout(size_t i) { return (i & 31) < 8; }

#if defined(__x86_64__)
// Pass 1 of RansEncode with AVX2, eight values a step: the fine token of
// every zigzagged residual to tokens[i], their largest to *max_token, and
// the counted ones (CountedForLayout) into the histograms (value i counts in
// copy i % 4; their sum is what matters). The arithmetic is that of the SSE2
// loop there. Returns the count done (a multiple of 8).
[[gnu::target("avx2")]] size_t FineTokensAvx2(
    const uint32_t* residuals, size_t n, bool sampled, uint8_t* tokens,
    uint8_t* max_token,
    std::array<std::array<uint32_t, kFineTokens>, 4>& fine_hist) {
  static_assert(kMaxDirectBits == 7 && kMaxMantissaBits == 2);
  const __m256i zero = _mm256_setzero_si256();
  __m128i vmax = _mm_setzero_si128();
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const __m256i r =
        _mm256_loadu_si256(reinterpret_cast<const __m256i*>(residuals + i));
    const __m256i v =
        _mm256_xor_si256(_mm256_slli_epi32(r, 1), _mm256_srai_epi32(r, 31));
    const __m256i fits = _mm256_cmpeq_epi32(_mm256_srli_epi32(v, 24), zero);
    const __m256i x = _mm256_blendv_epi8(_mm256_srli_epi32(v, 8), v, fits);
    const __m256i top =
        _mm256_srli_epi32(_mm256_castps_si256(_mm256_cvtepi32_ps(x)), 21);
    const __m256i high =
        _mm256_add_epi32(_mm256_sub_epi32(top, _mm256_set1_epi32(408)),
                         _mm256_andnot_si256(fits, _mm256_set1_epi32(32)));
    const __m256i small =
        _mm256_cmpeq_epi32(_mm256_srli_epi32(v, kMaxDirectBits), zero);
    const __m256i f = _mm256_blendv_epi8(high, v, small);
    const __m128i f16 = _mm_packs_epi32(_mm256_castsi256_si128(f),
                                        _mm256_extracti128_si256(f, 1));
    const __m128i f8 = _mm_packus_epi16(f16, _mm_setzero_si128());
    vmax = _mm_max_epu8(vmax, f8);
    const uint64_t eight = static_cast<uint64_t>(_mm_cvtsi128_si64(f8));
    std::memcpy(tokens + i, &eight, 8);
    if (!sampled || CountedForLayout(i)) {
      ++fine_hist[0][eight & 0xFF];
      ++fine_hist[1][(eight >> 8) & 0xFF];
      ++fine_hist[2][(eight >> 16) & 0xFF];
      ++fine_hist[3][(eight >> 24) & 0xFF];
      ++fine_hist[0][(eight >> 32) & 0xFF];
      ++fine_hist[1][(eight >> 40) & 0xFF];
      ++fine_hist[2][(eight >> 48) & 0xFF];
      ++fine_hist[3][eight >> 56];
    }
  }
  alignas(16) uint8_t lanes[16];
  _mm_store_si128(reinterpret_cast<__m128i*>(lanes), vmax);
  for (int k = 0; k < 8; ++k) *max_token = std::max(*max_token, lanes[k]);
  return i;
}
#endif

}  // namespace

bool IsValidSegmentCount(int segments) {
  return segments == 1 || segments == 4;
}

void RansEncode(std::span<const uint32_t> residuals,
                const RansEncodeOptions& options, std::string* out) {
  assert(IsValidSegmentCount(options.segments));
  const size_t n = residuals.size();
  const SegmentLayout layout(n, options.segments);
  EncodeScratch& scratch = ThreadEncodeScratch();
  scratch.tokens.resize(n);
  uint8_t* tokens = scratch.tokens.data();

  // Pass 1: fine tokens of the zigzagged residuals and their histogram (four
  // copies, so that repeated tokens do not serialise on one counter).
  std::array<std::array<uint32_t, kFineTokens>, 4> fine_hist{};
  const bool sampled = n >= kSampledLayoutFrom;
  uint8_t max_fine = 0;  // the largest fine token of every value
  {
    size_t i = 0;
#if defined(__x86_64__)
    if (UseAvx2()) {
      i = FineTokensAvx2(residuals.data(), n, sampled, tokens, &max_fine,
                         fine_hist);
    }
#endif
#if defined(__SSE2__)
    // Four values per step. The top bit n and the two bits below it of a
    // value v >= 2^kMaxDirectBits are the exponent and the top mantissa
    // bits of float(v), exact for v < 2^24; larger values convert v >> 8.
    // (exponent bits << 2 | top two mantissa bits) = 4 (n + 127) + m, so the
    // fine token 128 + 4 (n - 7) + m is that minus 408, plus 32 after the
    // shift by 8.
    static_assert(kMaxDirectBits == 7 && kMaxMantissaBits == 2);
    const __m128i zero = _mm_setzero_si128();
    for (; i + 4 <= n; i += 4) {
      const __m128i r = _mm_loadu_si128(
          reinterpret_cast<const __m128i*>(residuals.data() + i));
      const __m128i v =
          _mm_xor_si128(_mm_slli_epi32(r, 1), _mm_srai_epi32(r, 31));
      const __m128i fits = _mm_cmpeq_epi32(_mm_srli_epi32(v, 24), zero);
      const __m128i x = _mm_or_si128(
          _mm_and_si128(fits, v), _mm_andnot_si128(fits, _mm_srli_epi32(v, 8)));
      const __m128i top =
          _mm_srli_epi32(_mm_castps_si128(_mm_cvtepi32_ps(x)), 21);
      const __m128i high =
          _mm_add_epi32(_mm_sub_epi32(top, _mm_set1_epi32(408)),
                        _mm_andnot_si128(fits, _mm_set1_epi32(32)));
      const __m128i small =
          _mm_cmpeq_epi32(_mm_srli_epi32(v, kMaxDirectBits), zero);
      const __m128i f =
          _mm_or_si128(_mm_and_si128(small, v), _mm_andnot_si128(small, high));
      const __m128i f8 = _mm_packus_epi16(_mm_packs_epi32(f, f), zero);
      const uint32_t four = static_cast<uint32_t>(_mm_cvtsi128_si32(f8));
      std::memcpy(tokens + i, &four, 4);
      for (int k = 0; k < 4; ++k) {
        max_fine = std::max(max_fine, static_cast<uint8_t>(four >> (8 * k)));
      }
      if (!sampled || CountedForLayout(i)) {
        ++fine_hist[0][four & 0xFF];
        ++fine_hist[1][(four >> 8) & 0xFF];
        ++fine_hist[2][(four >> 16) & 0xFF];
        ++fine_hist[3][four >> 24];
      }
    }
#endif
    for (; i < n; ++i) {
      const uint32_t f = FineToken(ZigZag(residuals[i]));
      tokens[i] = static_cast<uint8_t>(f);
      max_fine = std::max(max_fine, static_cast<uint8_t>(f));
      if (!sampled || CountedForLayout(i)) ++fine_hist[i & 3][f];
    }
    for (int k = 1; k < 4; ++k) {
      for (int f = 0; f < kFineTokens; ++f) fine_hist[0][f] += fine_hist[k][f];
    }
  }
  uint64_t counted = 0;
  for (uint32_t c : fine_hist[0]) counted += c;
  const TokenLayout tl = ChooseLayout(fine_hist[0], counted, n);
  const int token_count = tl.TokenCount();

  // Fine token -> token of the chosen layout; raw bits per token.
  std::array<uint8_t, kFineTokens> token_of_fine;
  std::array<uint8_t, kMaxTokens> raw_bits_of{};
  int alphabet = 1;
  size_t with_raw_bits = 0;
  for (int f = 0; f < kFineTokens; ++f) {
    int rb;
    token_of_fine[f] =
        static_cast<uint8_t>(tl.Token(FineRepresentative(f), &rb));
    raw_bits_of[token_of_fine[f]] = static_cast<uint8_t>(rb);
    if (rb > 0) with_raw_bits += fine_hist[0][f];
  }
  // Tokens grow with fine tokens: the largest value present has the largest.
  alphabet = token_of_fine[max_fine] + 1;
  // The decoder's loop hint, from the counted values when sampled.
  const bool branchless =
      static_cast<unsigned __int128>(with_raw_bits) * n >
      static_cast<unsigned __int128>(counted) * (n / kBranchlessFrom);

  // Pass 2: context histograms of every mode tried; the first also writes
  // the raw bits.
  scratch.raw.resize(n * 31 / 8 + 16);
  RawBitSink raw(scratch.raw.data());
  Clustering best;
  best.bits = std::numeric_limits<double>::infinity();
  const unsigned modes =
      options.context_modes != 0 ? options.context_modes : 1u;
  bool first = true;
  for (int mode = 0; mode < kContextModes; ++mode) {
    if ((modes & (1u << mode)) == 0) continue;
    const size_t al = static_cast<size_t>(alphabet);
    const uint8_t* tof = token_of_fine.data();
    const uint8_t* rbo = raw_bits_of.data();
    const uint32_t* res = residuals.data();
    std::vector<uint32_t>* h = &scratch.hist;
    switch ((layout.segments == 4 ? 2 : 0) + mode) {
      case 0:
        ContextHistogramOf<1, 0>(first, tokens, res, layout, al, tof, rbo, h,
                                 &raw);
        break;
      case 1:
        ContextHistogramOf<1, 1>(first, tokens, res, layout, al, tof, rbo, h,
                                 &raw);
        break;
      case 2:
        ContextHistogramOf<4, 0>(first, tokens, res, layout, al, tof, rbo, h,
                                 &raw);
        break;
      default:
        ContextHistogramOf<4, 1>(first, tokens, res, layout, al, tof, rbo, h,
                                 &raw);
        break;
    }
    first = false;
    Clustering c =
        ClusterContexts(scratch.hist, token_count, alphabet, tl.direct, mode);
    if (c.bits < best.bits) best = std::move(c);
  }
  const size_t raw_bytes = raw.Finish();

  // Header.
  BitWriter header;
  header.Put(static_cast<uint32_t>(tl.direct), 3);
  header.Put(static_cast<uint32_t>(tl.mantissa), 2);
  header.Put(static_cast<uint32_t>(best.mode), 1);
  header.Put(branchless ? 1 : 0, 1);
  const int k = static_cast<int>(best.tables.size());
  header.Put(static_cast<uint32_t>(k - 1), 4);
  for (int g = 1; g < k; ++g)
    header.PutExpGolomb(best.starts[g] - best.starts[g - 1] - 1, 2);
  for (const Table& t : best.tables) WriteTable(t, tl.direct, &header);
  header.FlushTo(out);

  // Encoding tables: the offset in `syms` of each context value's table;
  // per table and token, a symbol.
  const size_t a = static_cast<size_t>(alphabet);
  const int limit = ContextLimit(best.mode, token_count);
  std::array<uint32_t, kMaxContexts> table_at{};
  for (int s = 0, g = 0; s <= limit; ++s) {
    while (g + 1 < k && static_cast<uint32_t>(s) >= best.starts[g + 1]) ++g;
    table_at[s] = static_cast<uint32_t>(static_cast<size_t>(g) * a);
  }
  std::vector<EncSymbol>& syms = scratch.syms;
  syms.resize(static_cast<size_t>(k) * a);
  for (int g = 0; g < k; ++g) {
    uint32_t c = 0;
    for (size_t i = 0; i < a; ++i) {
      const uint32_t f = best.tables[g].freq[i];
      syms[static_cast<size_t>(g) * a + i] = MakeEncSymbol(f, c);
      c += f;
    }
  }

  // rANS in reverse lockstep order; the words are written backwards from
  // the end of the buffer, so they end up in the decoder's (forward) order.
  // At most one word per value.
  const int s_count = options.segments;
  std::array<uint32_t, 4> state;
  state.fill(kRansL);
  scratch.words.resize(n + 1);
  uint16_t* const words_end = scratch.words.data() + n + 1;
  uint16_t* wp = words_end;
  const uint32_t* tat = table_at.data();
  size_t begin[4];
  for (int j = 0; j < s_count; ++j) begin[j] = layout.Begin(j);
  size_t min_len = layout.length;
  for (int j = 0; j < s_count; ++j)
    min_len = std::min(min_len, layout.Length(j));
  const size_t fast_lo = 2, fast_hi = std::max(min_len, fast_lo);
  for (size_t t = layout.length; t-- > fast_hi;) {
    EncodeRowChecked(tokens, layout, best.mode, tat, syms.data(), t,
                     state.data(), &wp);
  }
  if (fast_hi > fast_lo) {
    const EncSymbol* sy = syms.data();
    uint32_t* st = state.data();
    switch ((s_count == 4 ? 2 : 0) + best.mode) {
      case 0:
        EncodeRowsFast<1, 0>(tokens, begin, tat, sy, fast_lo, fast_hi, st, &wp);
        break;
      case 1:
        EncodeRowsFast<1, 1>(tokens, begin, tat, sy, fast_lo, fast_hi, st, &wp);
        break;
      case 2:
        EncodeRowsFast<4, 0>(tokens, begin, tat, sy, fast_lo, fast_hi, st, &wp);
        break;
      default:
        EncodeRowsFast<4, 1>(tokens, begin, tat, sy, fast_lo, fast_hi, st, &wp);
        break;
    }
  }
  for (size_t t = std::min(fast_lo, layout.length); t-- > 0;) {
    EncodeRowChecked(tokens, layout, best.mode, tat, syms.data(), t,
                     state.data(), &wp);
  }
  const size_t word_count = static_cast<size_t>(words_end - wp);
  PutVarint(word_count * 2, out);
  for (int j = 0; j < s_count; ++j) PutU32(state[j], out);
  static_assert(std::endian::native == std::endian::little);
  out->append(reinterpret_cast<const char*>(wp), word_count * 2);
  out->append(reinterpret_cast<const char*>(scratch.raw.data()), raw_bytes);
  if (n > kScratchKeep) scratch = EncodeScratch();
}

struct RansDecoder::Lanes {
  std::array<Lane, 4> lane;
};

RansDecoder::RansDecoder() : lanes_(std::make_unique<Lanes>()) {}
RansDecoder::~RansDecoder() = default;

Status RansDecoder::Init(std::string_view block, const SegmentLayout& layout) {
  assert(IsValidSegmentCount(layout.segments));
  layout_ = layout;
  ready_ = false;
  overrun_ = false;
  const int segments = layout.segments;

  // Header: bit fields, parsed with a bounded bit reader.
  BitReader hdr(block);
  TokenLayout tl;
  tl.direct = static_cast<int>(hdr.Get(3));
  tl.mantissa = static_cast<int>(hdr.Get(2));
  mode_ = static_cast<int>(hdr.Get(1));
  branchless_ = hdr.Get(1) != 0;
  if (!tl.Valid()) return Corrupt("invalid token layout");
  const int token_count = tl.TokenCount();
  const int limit = ContextLimit(mode_, token_count);
  const int k = static_cast<int>(hdr.Get(4)) + 1;
  std::array<uint32_t, kMaxTables> starts{};
  for (int g = 1; g < k; ++g) {
    const uint32_t delta = hdr.GetExpGolomb(2);
    const uint64_t s = uint64_t{starts[g - 1]} + delta + 1;
    if (hdr.overrun() || s > static_cast<uint64_t>(limit)) {
      return Corrupt("context map out of range");
    }
    starts[g] = static_cast<uint32_t>(s);
  }
  std::vector<uint32_t>& block_tables = ThreadTables();
  block_tables.resize(kSlotsAt + static_cast<size_t>(k) * kProbScale);
  uint32_t* tbl = block_tables.data();
  tables_ = tbl;
  std::array<uint32_t, kMaxTokens> quant, weights, freqs;
  for (int g = 0; g < k; ++g) {
    const int extent = static_cast<int>(hdr.Get(8)) + 1;
    if (extent > token_count) return Corrupt("table names an unknown token");
    for (int i = 0; i < extent;) {  // see WalkTableCodes
      const uint32_t p = PredictQuant(quant.data(), i, tl.direct);
      const uint32_t q = p + UnZigZag(hdr.GetExpGolomb(0));
      if (hdr.overrun() || q > kMaxQuant) return Corrupt("bad frequency code");
      quant[i++] = q;
      if (q == 0 && p == 0) {
        const uint32_t run = hdr.GetExpGolomb(1);
        if (hdr.overrun() || run >= static_cast<uint32_t>(extent - i)) {
          return Corrupt("bad run of unused tokens");
        }
        for (uint32_t r = 0; r < run; ++r) quant[i++] = 0;
      }
    }
    if (quant[extent - 1] == 0)
      return Corrupt("table extent ends on an unused token");
    for (int i = 0; i < extent; ++i) weights[i] = DequantizeFreq(quant[i]);
    if (!NormalizeFreqs(std::span<const uint32_t>(weights.data(), extent),
                        std::span<uint32_t>(freqs.data(), extent))) {
      return Corrupt("empty frequency table");
    }
    uint32_t* slots = tbl + kSlotsAt + static_cast<size_t>(g) * kProbScale;
    uint32_t cum = 0;
    for (int i = 0; i < extent; ++i) {
      const uint32_t f = freqs[i];
      const uint32_t entry = static_cast<uint32_t>(i) | (f << 8);
      for (uint32_t r = 0; r < f; ++r) slots[cum + r] = entry | (r << 20);
      cum += f;
    }
  }
  // The header ends with zero padding to a byte boundary.
  const int padding = static_cast<int>((8 - hdr.BitsConsumed() % 8) % 8);
  if (hdr.Get(padding) != 0) return Corrupt("non-zero header padding");
  if (hdr.overrun()) return Corrupt("truncated header");
  const size_t header_bytes = hdr.BytesConsumed();
  for (int s = 0, g = 0; s <= limit; ++s) {
    while (g + 1 < k && static_cast<uint32_t>(s) >= starts[g + 1]) ++g;
    tbl[kContextAt + s] =
        static_cast<uint32_t>(kSlotsAt + static_cast<size_t>(g) * kProbScale);
  }
  for (int t = 0; t < kMaxTokens; ++t) {
    uint32_t base = 0;
    int rb = 0;
    if (t < token_count) tl.Base(static_cast<uint32_t>(t), &base, &rb);
    tbl[kInfoAt + 2 * t] = (rb == 0 && !branchless_) ? UnZigZag(base) : base;
    tbl[kInfoAt + 2 * t + 1] = static_cast<uint32_t>(rb);
  }

  ByteReader in(block);
  in.Take(header_bytes);
  const uint64_t word_bytes = in.Varint();
  for (int j = 0; j < segments; ++j) {
    const uint32_t x = in.U32();
    if (x < kRansL) return Corrupt("rANS state below its lower bound");
    lanes_->lane[j] = Lane{x, tbl[kContextAt], 0};
  }
  if (in.overrun() || word_bytes % 2 != 0 || word_bytes > in.remaining()) {
    return Corrupt("bad rANS stream length");
  }
  const std::string_view words = in.Take(static_cast<size_t>(word_bytes));
  // The raw bits, copied with zero padding (see kRawPadding).
  const std::string_view raw = in.Rest();
  std::vector<uint8_t>& raw_copy = ThreadRawCopy();
  raw_copy.assign(raw.size() + kRawPadding, 0);
  if (!raw.empty()) std::memcpy(raw_copy.data(), raw.data(), raw.size());
  raw_ = raw_copy.data();
  raw_size_ = raw.size();
  raw_pos_ = 0;
  wp_ = reinterpret_cast<const uint8_t*>(words.data());
  wend_ = wp_ + words.size();
  min_len_ = layout.length;
  for (int j = 0; j < segments; ++j)
    min_len_ = std::min(min_len_, layout.Length(j));
  ready_ = true;
  return Status::Ok();
}

namespace {

// Arguments of one DecodeRows call.
struct RowsCall {
  const uint32_t* tables;
  const SegmentLayout* layout;
  size_t min_len;
  Lane* lanes;
  const uint8_t** wp;
  const uint8_t* wend;
  const uint8_t* raw;
  size_t raw_limit;
  size_t* raw_pos;
  bool* overrun;
  size_t row, rows;
  uint32_t* out;
};

template <int S, int kMode, bool kBranchless>
[[gnu::always_inline]] inline void RunVariant(const RowsCall& c) {
  DecodeRowsImpl<S, kMode, kBranchless>(
      c.tables, *c.layout, c.min_len, c.lanes, c.wp, c.wend, c.raw, c.raw_limit,
      c.raw_pos, c.overrun, c.row, c.rows, c.out);
}

[[gnu::always_inline]] inline void DecodeRowsVariant(int variant,
                                                     const RowsCall& c) {
  switch (variant) {
    case 0:
      RunVariant<1, 0, false>(c);
      break;
    case 1:
      RunVariant<1, 0, true>(c);
      break;
    case 2:
      RunVariant<1, 1, false>(c);
      break;
    case 3:
      RunVariant<1, 1, true>(c);
      break;
    case 4:
      RunVariant<4, 0, false>(c);
      break;
    case 5:
      RunVariant<4, 0, true>(c);
      break;
    case 6:
      RunVariant<4, 1, false>(c);
      break;
    default:
      RunVariant<4, 1, true>(c);
      break;
  }
}

void DecodeRowsGeneric(int variant, const RowsCall& c) {
  DecodeRowsVariant(variant, c);
}

#if defined(__x86_64__) && defined(__GNUC__)
// The same code compiled for BMI2 (variable shifts and bit extraction in one
// instruction each), picked at run time when the CPU has it.
[[gnu::target("bmi2")]] void DecodeRowsBmi2(int variant, const RowsCall& c) {
  DecodeRowsVariant(variant, c);
}

bool HaveBmi2() {
  static const bool have = __builtin_cpu_supports("bmi2");
  return have;
}
#endif

}  // namespace

void RansDecoder::DecodeRows(size_t row, size_t rows, uint32_t* out) {
  assert(ready_ && row + rows <= layout_.length);
  const RowsCall call{tables_,   &layout_,  min_len_, lanes_->lane.data(),
                      &wp_,      wend_,     raw_,     RawReadLimit(raw_size_),
                      &raw_pos_, &overrun_, row,      rows,
                      out};
  const int variant = (layout_.segments == 4 ? 4 : 0) + (mode_ == 1 ? 2 : 0) +
                      (branchless_ ? 1 : 0);
#if defined(__x86_64__) && defined(__GNUC__)
  if (HaveBmi2()) {
    DecodeRowsBmi2(variant, call);
    return;
  }
#endif
  DecodeRowsGeneric(variant, call);
}

Status RansDecoder::Finish() {
  assert(ready_);
  if (overrun_ || wp_ != wend_) return Corrupt("rANS stream length mismatch");
  for (int j = 0; j < layout_.segments; ++j) {
    if (lanes_->lane[j].x != kRansL)
      return Corrupt("rANS final state mismatch");
  }
  // Every raw bit consumed, except fewer than 8 zero padding bits.
  const size_t total_bits = raw_size_ * 8;
  if (raw_pos_ > total_bits || total_bits - raw_pos_ >= 8) {
    return Corrupt("raw bit stream length mismatch");
  }
  if (raw_pos_ < total_bits && (raw_[raw_size_ - 1] >> (raw_pos_ & 7)) != 0) {
    return Corrupt("non-zero raw bit padding");
  }
  return Status::Ok();
}

}  // namespace jumeau::store::internal

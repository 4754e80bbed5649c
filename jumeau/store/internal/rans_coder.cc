// Context-modelled static rANS coder for prediction residuals (see
// rans_coder.h). Encoder: tokenise, pick the token layout, cluster contexts
// into at most kMaxTables frequency tables, then code in reverse. Decoder:
// table-driven, S interleaved 32-bit rANS states with 16-bit renormalisation,
// raw bits from a separate LSB-first bit stream.
#include "jumeau/store/internal/rans_coder.h"

#include <algorithm>
#include <array>
#include <cassert>
#include <cmath>
#include <cstring>
#include <limits>
#include <utility>
#include <vector>

#include "jumeau/store/internal/bit_io.h"

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
constexpr uint32_t kMaxQuant = kQuantExact + (kProbBits - kQuantMantissa) * (1u << kQuantMantissa) - 1;
constexpr int kContextModes = 2;

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
  return kQuantExact + static_cast<uint32_t>(e - kQuantMantissa - 1) * (1u << kQuantMantissa) +
         (top - (1u << kQuantMantissa));
}

uint32_t DequantizeFreq(uint32_t q) {  // q in [0, kMaxQuant]
  if (q < kQuantExact) return q;
  const uint32_t idx = q - kQuantExact;
  const int e = static_cast<int>(idx >> kQuantMantissa) + kQuantMantissa + 1;
  const uint32_t mant = (idx & ((1u << kQuantMantissa) - 1)) | (1u << kQuantMantissa);
  return mant << (e - kQuantMantissa);
}

// Scales `weights` to frequencies summing to exactly kProbScale, every
// non-zero weight getting at least 1. Deterministic integer arithmetic: the
// decoder rebuilds the encoder's table bit for bit. Returns false when every
// weight is zero.
// REQUIRES: fewer than kProbScale / 2 non-zero weights, each below 2^24.
bool NormalizeFreqs(std::span<const uint32_t> weights, std::span<uint32_t> freqs) {
  uint64_t total = 0;
  for (uint32_t w : weights) total += w;
  if (total == 0) return false;
  int64_t sum = 0;
  size_t largest = 0;
  for (size_t i = 0; i < weights.size(); ++i) {
    uint32_t f = 0;
    if (weights[i] != 0) {
      f = static_cast<uint32_t>((uint64_t{weights[i]} * kProbScale + total / 2) / total);
      f = std::max<uint32_t>(f, 1);
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
  Table t;
  t.quant.assign(a, 0);
  t.freq.assign(a, 0);
  std::vector<uint32_t> exact(a);
  NormalizeFreqs(counts, exact);
  for (size_t i = 0; i < a; ++i) {
    if (exact[i] != 0) {
      t.quant[i] = QuantizeFreq(exact[i]);
      t.extent = static_cast<int>(i) + 1;
    }
  }
  std::vector<uint32_t> weights(a);
  for (size_t i = 0; i < a; ++i) weights[i] = DequantizeFreq(t.quant[i]);
  NormalizeFreqs(weights, t.freq);
  return t;
}

int ExpGolombBits(uint32_t v, int k) {
  const uint64_t x = uint64_t{v} + (uint64_t{1} << k);
  const int len = 63 - __builtin_clzll(x);
  return 2 * len - k + 1;
}

// Bits to describe table `t` in the header.
int TableHeaderBits(const Table& t) {
  int bits = 8;
  uint32_t prev = 0;
  for (int i = 0; i < t.extent; ++i) {
    bits += ExpGolombBits(ZigZag(t.quant[i] - prev), 0);
    prev = t.quant[i];
  }
  return bits;
}

void WriteTable(const Table& t, BitWriter* w) {
  w->Put(static_cast<uint32_t>(t.extent - 1), 8);
  uint32_t prev = 0;
  for (int i = 0; i < t.extent; ++i) {
    w->PutExpGolomb(ZigZag(t.quant[i] - prev), 0);
    prev = t.quant[i];
  }
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
double TableCost(std::span<const uint32_t> counts, const Table& t) {
  const auto& token_bits = TokenBits();
  double bits = TableHeaderBits(t);
  for (size_t i = 0; i < counts.size(); ++i) {
    if (counts[i] != 0) bits += counts[i] * static_cast<double>(token_bits[t.freq[i]]);
  }
  return bits;
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
  std::vector<uint32_t> starts;  // first context value of each table; starts[0] = 0
  std::vector<Table> tables;
  double bits = 0;
};

// ContextBucket of every context value.
const std::array<uint8_t, kMaxTokens * 3>& BucketOf() {
  static const std::array<uint8_t, kMaxTokens * 3> table = [] {
    std::array<uint8_t, kMaxTokens * 3> t{};
    for (uint32_t s = 0; s < t.size(); ++s) t[s] = static_cast<uint8_t>(ContextBucket(s));
    return t;
  }();
  return table;
}

// Context value of value i under `mode`: from the previous tokens of the
// same segment (zero before a segment start).
inline uint32_t ContextOf(int mode, uint32_t t1, uint32_t t2) {
  return mode == 0 ? t1 : 2 * t1 + t2;
}

// Token histograms per context bucket, for both context modes in one pass:
// hist[mode][bucket * alphabet + token].
void ContextHistograms(std::span<const uint8_t> tokens, const SegmentLayout& layout,
                       size_t alphabet, std::array<std::vector<uint32_t>, kContextModes>* hist) {
  const auto& bucket = BucketOf();
  for (auto& h : *hist) h.assign(static_cast<size_t>(bucket.back() + 1) * alphabet, 0);
  uint32_t* h0 = (*hist)[0].data();
  uint32_t* h1 = (*hist)[1].data();
  for (int j = 0; j < layout.segments; ++j) {
    uint32_t t1 = 0, t2 = 0;
    for (size_t i = layout.Begin(j); i < layout.End(j); ++i) {
      const uint32_t t = tokens[i];
      ++h0[bucket[ContextOf(0, t1, t2)] * alphabet + t];
      ++h1[bucket[ContextOf(1, t1, t2)] * alphabet + t];
      t2 = t1;
      t1 = t;
    }
  }
}

// Greedy bottom-up merge of adjacent context buckets while it saves bits.
// `alphabet` bounds the tokens present.
Clustering ClusterContexts(std::span<const uint32_t> hist, int token_count, int alphabet,
                           int mode) {
  const int max_bucket = ContextBucket(static_cast<uint32_t>(ContextLimit(mode, token_count)));
  const size_t a = static_cast<size_t>(alphabet);
  struct Group {
    int first_bucket;
    std::vector<uint32_t> counts;
    Table table;
    double cost;
    double merge_delta;  // cost change of merging with the next group
  };
  std::vector<Group> groups;
  for (int b = 0; b <= max_bucket; ++b) {
    std::span<const uint32_t> h(hist.data() + static_cast<size_t>(b) * a, a);
    if (std::all_of(h.begin(), h.end(), [](uint32_t c) { return c == 0; })) continue;
    Group g{b, std::vector<uint32_t>(h.begin(), h.end()), {}, 0, 0};
    g.table = MakeTable(g.counts);
    g.cost = TableCost(g.counts, g.table);
    groups.push_back(std::move(g));
  }
  std::vector<uint32_t> merged(a);
  auto update_delta = [&](size_t g) {
    if (g + 1 >= groups.size()) return;
    for (size_t i = 0; i < a; ++i) merged[i] = groups[g].counts[i] + groups[g + 1].counts[i];
    groups[g].merge_delta =
        TableCost(merged, MakeTable(merged)) - groups[g].cost - groups[g + 1].cost;
  };
  for (size_t g = 0; g + 1 < groups.size(); ++g) update_delta(g);
  // Merge the adjacent pair with the best saving until none saves bits and
  // at most kMaxTables remain.
  while (groups.size() > 1) {
    size_t best = 0;
    for (size_t g = 1; g + 1 < groups.size(); ++g) {
      if (groups[g].merge_delta < groups[best].merge_delta) best = g;
    }
    if (groups[best].merge_delta >= 0 && groups.size() <= static_cast<size_t>(kMaxTables)) break;
    Group& g = groups[best];
    for (size_t i = 0; i < a; ++i) g.counts[i] += groups[best + 1].counts[i];
    g.table = MakeTable(g.counts);
    g.cost = TableCost(g.counts, g.table);
    groups.erase(groups.begin() + static_cast<ptrdiff_t>(best) + 1);
    update_delta(best);
    if (best > 0) update_delta(best - 1);
  }
  Clustering c;
  c.mode = mode;
  for (size_t g = 0; g < groups.size(); ++g) {
    c.starts.push_back(g == 0 ? 0 : ContextBucketStart(groups[g].first_bucket));
    c.bits += groups[g].cost;
    c.tables.push_back(std::move(groups[g].table));
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

// Picks the token layout with the smallest order-0 cost (token entropy plus
// raw bits) from histograms of the values.
TokenLayout ChooseLayout(std::span<const uint32_t> values) {
  constexpr int kExactLimit = 1 << 12;
  std::vector<uint32_t> exact(kExactLimit, 0);
  // Values >= kExactLimit: by top-bit position and the 3 bits below it.
  std::array<std::array<uint32_t, 8>, 32> coarse{};
  for (uint32_t v : values) {
    if (v < kExactLimit) {
      ++exact[v];
    } else {
      const int n = 31 - __builtin_clz(v);
      ++coarse[n][(v >> (n - 3)) & 7];
    }
  }
  TokenLayout best;
  double best_bits = std::numeric_limits<double>::infinity();
  for (int direct = 0; direct <= kMaxDirectBits; ++direct) {
    for (int mantissa = std::min(direct, 1); mantissa <= std::min(direct, kMaxMantissaBits);
         ++mantissa) {
      TokenLayout layout{direct, mantissa};
      std::vector<double> tok(static_cast<size_t>(layout.TokenCount()), 0.0);
      double raw = 0;
      int rb;
      for (uint32_t v = 0; v < kExactLimit; ++v) {
        if (exact[v] == 0) continue;
        tok[layout.Token(v, &rb)] += exact[v];
        raw += static_cast<double>(exact[v]) * rb;
      }
      for (int n = 12; n < 32; ++n) {
        for (uint32_t m = 0; m < 8; ++m) {
          if (coarse[n][m] == 0) continue;
          const uint32_t v = (1u << n) | (m << (n - 3));
          tok[layout.Token(v, &rb)] += coarse[n][m];
          raw += static_cast<double>(coarse[n][m]) * rb;
        }
      }
      double bits = raw;
      const double total = static_cast<double>(values.size());
      int used = 0;
      for (double c : tok) {
        if (c > 0) {
          bits -= c * std::log2(c / total);
          ++used;
        }
      }
      bits += used * 4.0;  // rough table cost
      if (bits < best_bits) {
        best_bits = bits;
        best = layout;
      }
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
[[gnu::always_inline]] inline uint32_t DecodeToken(const uint32_t* tbl, Lane& l) {
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

// Branch-free renormalisation: when x < kRansL, shifts in the 16-bit word
// at wp and advances wp. Whether it happens is a coin flip for the branch
// predictor, so it must be conditional moves (GCC turns the plain ternaries
// into a branch).
[[gnu::always_inline]] inline void Renormalize(uint32_t& x, const uint8_t*& wp) {
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

// The unchecked step: the caller guarantees 2 readable bytes at wp.
template <int kMode>
[[gnu::always_inline]] inline uint32_t DecodeFastStep(const uint32_t* tbl, Lane& l,
                                                      const uint8_t*& wp, BitReader& raw) {
  const uint32_t tok = DecodeToken<kMode>(tbl, l);
  Renormalize(l.x, wp);
  const uint64_t info = TokenInfoOf(tbl, tok);
  const int raw_bits = static_cast<int>(info >> 32);
  if (__builtin_expect(raw_bits == 0, 1)) return static_cast<uint32_t>(info);
  return UnZigZag(static_cast<uint32_t>(info) + raw.Get(raw_bits));
}

// The bounds-checked step, for the last few values.
template <int kMode>
inline uint32_t DecodeCheckedStep(const uint32_t* tbl, Lane& l, const uint8_t*& wp,
                                  const uint8_t* wend, BitReader& raw, bool* overrun) {
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
  if (raw_bits == 0) return static_cast<uint32_t>(info);
  return UnZigZag(static_cast<uint32_t>(info) + raw.Get(raw_bits));
}

// Decodes all values into `lockstep` (value t of segment j at S * t + j):
// fast while every segment is active and the word stream has room, then
// checked. On return `x` holds the final states and *wp_io the word position.
template <int S, int kMode>
void DecodeLoop(const uint32_t* tbl, const SegmentLayout& layout, uint32_t* x,
                uint32_t* lockstep, const uint8_t** wp_io, const uint8_t* wend, BitReader& raw,
                bool* overrun) {
  std::array<Lane, S> lanes;
  std::array<size_t, S> len;
  size_t min_len = layout.length;
  for (int j = 0; j < S; ++j) {
    lanes[j] = Lane{x[j], tbl[kContextAt], 0};
    len[j] = layout.End(j) - layout.Begin(j);
    min_len = std::min(min_len, len[j]);
  }
  const uint8_t* wp = *wp_io;
  size_t t = 0;
  {
    BitReader local = raw;  // a copy the compiler can keep in registers
    uint32_t* o = lockstep;
    for (; t < min_len; ++t, o += S) {
      if (wend - wp < 2 * S) break;
      [&]<size_t... J>(std::index_sequence<J...>) {
        ((o[J] = DecodeFastStep<kMode>(tbl, lanes[J], wp, local)), ...);
      }(std::make_index_sequence<S>{});
    }
    raw = local;
  }
  for (; t < layout.length; ++t) {
    for (int j = 0; j < S; ++j) {
      if (t < len[j]) {
        lockstep[S * t + j] = DecodeCheckedStep<kMode>(tbl, lanes[j], wp, wend, raw, overrun);
      }
    }
  }
  for (int j = 0; j < S; ++j) x[j] = lanes[j].x;
  *wp_io = wp;
}

template <int S>
void DecodeDispatchMode(int mode, const uint32_t* tbl, const SegmentLayout& layout, uint32_t* x,
                        uint32_t* lockstep, const uint8_t** wp, const uint8_t* wend,
                        BitReader& raw, bool* overrun) {
  if (mode == 0) {
    DecodeLoop<S, 0>(tbl, layout, x, lockstep, wp, wend, raw, overrun);
  } else {
    DecodeLoop<S, 1>(tbl, layout, x, lockstep, wp, wend, raw, overrun);
  }
}

Status Corrupt(const char* what) {
  return DataLossError(std::string("sample codec: rANS block: ") + what);
}

}  // namespace

bool IsValidSegmentCount(int segments) { return segments == 1 || segments == 4; }

void RansEncode(std::span<const uint32_t> residuals, const RansEncodeOptions& options,
                std::string* out) {
  assert(IsValidSegmentCount(options.segments));
  const size_t n = residuals.size();
  const SegmentLayout layout(n, options.segments);
  std::vector<uint32_t> values(n);
  for (size_t i = 0; i < n; ++i) values[i] = ZigZag(residuals[i]);

  const TokenLayout tl = ChooseLayout(values);
  const int token_count = tl.TokenCount();
  std::vector<uint8_t> tokens(n);
  int alphabet = 1;
  for (size_t i = 0; i < n; ++i) {
    int rb;
    tokens[i] = static_cast<uint8_t>(tl.Token(values[i], &rb));
    alphabet = std::max(alphabet, tokens[i] + 1);
  }

  std::array<std::vector<uint32_t>, kContextModes> hist;
  ContextHistograms(tokens, layout, static_cast<size_t>(alphabet), &hist);
  Clustering best;
  best.bits = std::numeric_limits<double>::infinity();
  for (int mode = 0; mode < kContextModes; ++mode) {
    if ((options.context_modes & (1u << mode)) == 0 && !(mode == 0 && options.context_modes == 0)) {
      continue;
    }
    Clustering c = ClusterContexts(hist[mode], token_count, alphabet, mode);
    if (c.bits < best.bits) best = std::move(c);
  }

  // Header.
  BitWriter header;
  header.Put(static_cast<uint32_t>(tl.direct), 3);
  header.Put(static_cast<uint32_t>(tl.mantissa), 2);
  header.Put(static_cast<uint32_t>(best.mode), 1);
  const int k = static_cast<int>(best.tables.size());
  header.Put(static_cast<uint32_t>(k - 1), 4);
  for (int g = 1; g < k; ++g) header.PutExpGolomb(best.starts[g] - best.starts[g - 1] - 1, 2);
  for (const Table& t : best.tables) WriteTable(t, &header);
  header.FlushTo(out);

  // Encoding tables: table of each context value; per table and token, the
  // frequency, cumulative frequency and a reciprocal for division-free
  // encoding: x / f = (x * rcp) >> 64 exactly for x < 2^32 with
  // rcp = ceil(2^64 / f) (f = 1 handled apart).
  const int limit = ContextLimit(best.mode, token_count);
  std::vector<uint8_t> table_of(static_cast<size_t>(limit) + 1);
  for (int s = 0, g = 0; s <= limit; ++s) {
    while (g + 1 < k && static_cast<uint32_t>(s) >= best.starts[g + 1]) ++g;
    table_of[s] = static_cast<uint8_t>(g);
  }
  struct EncSymbol {
    uint64_t rcp;
    uint32_t freq;
    uint32_t cum;
  };
  const size_t a = static_cast<size_t>(alphabet);
  std::vector<EncSymbol> syms(static_cast<size_t>(k) * a);
  for (int g = 0; g < k; ++g) {
    uint32_t c = 0;
    for (size_t i = 0; i < a; ++i) {
      const uint32_t f = best.tables[g].freq[i];
      EncSymbol& e = syms[static_cast<size_t>(g) * a + i];
      e.freq = f;
      e.cum = c;
      e.rcp = f <= 1 ? 0 : ~uint64_t{0} / f + 1;
      c += f;
    }
  }

  // rANS in reverse lockstep order; the decoder reads the words forwards.
  const int s_count = options.segments;
  std::vector<uint32_t> state(static_cast<size_t>(s_count), kRansL);
  std::vector<uint16_t> words;
  words.reserve(n / 2 + 16);
  for (size_t t = layout.length; t-- > 0;) {
    for (int j = s_count; j-- > 0;) {
      const size_t b = layout.Begin(j);
      const size_t i = b + t;
      if (i >= layout.End(j)) continue;
      const uint32_t t1 = t >= 1 ? tokens[i - 1] : 0;
      const uint32_t t2 = t >= 2 ? tokens[i - 2] : 0;
      const EncSymbol& e = syms[table_of[ContextOf(best.mode, t1, t2)] * a + tokens[i]];
      uint32_t x = state[j];
      if (uint64_t{x} >= (uint64_t{e.freq} << (32 - kProbBits))) {
        words.push_back(static_cast<uint16_t>(x & 0xFFFF));
        x >>= 16;
      }
      const uint32_t q =
          e.freq == 1 ? x : static_cast<uint32_t>((static_cast<unsigned __int128>(x) * e.rcp) >> 64);
      state[j] = x + e.cum + q * (kProbScale - e.freq);
    }
  }
  PutVarint(words.size() * 2, out);
  for (uint32_t x : state) PutU32(x, out);
  const size_t words_at = out->size();
  out->resize(words_at + words.size() * 2);
  for (size_t w = 0; w < words.size(); ++w) {
    const uint16_t v = words[words.size() - 1 - w];
    (*out)[words_at + 2 * w] = static_cast<char>(v & 0xFF);
    (*out)[words_at + 2 * w + 1] = static_cast<char>(v >> 8);
  }

  // Raw bits in decoding order.
  BitWriter raw;
  for (size_t t = 0; t < layout.length; ++t) {
    for (int j = 0; j < s_count; ++j) {
      const size_t i = layout.Begin(j) + t;
      if (i >= layout.End(j)) continue;
      int rb;
      tl.Token(values[i], &rb);
      if (rb > 0) raw.Put(values[i] & ((1u << rb) - 1), rb);
    }
  }
  raw.FlushTo(out);
}

Status RansDecode(std::string_view block, const SegmentLayout& layout,
                  std::span<uint32_t> lockstep) {
  assert(IsValidSegmentCount(layout.segments));
  assert(lockstep.size() >= static_cast<size_t>(layout.segments) * layout.length);
  const int segments = layout.segments;

  // Header: bit fields, parsed with a bounded bit reader.
  BitReader hdr(block);
  TokenLayout tl;
  tl.direct = static_cast<int>(hdr.Get(3));
  tl.mantissa = static_cast<int>(hdr.Get(2));
  const int mode = static_cast<int>(hdr.Get(1));
  if (!tl.Valid()) return Corrupt("invalid token layout");
  const int token_count = tl.TokenCount();
  const int limit = ContextLimit(mode, token_count);
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
  std::array<uint32_t, kMaxTokens> quant, weights, freqs;
  for (int g = 0; g < k; ++g) {
    const int extent = static_cast<int>(hdr.Get(8)) + 1;
    if (extent > token_count) return Corrupt("table names an unknown token");
    uint32_t prev = 0;
    for (int i = 0; i < extent; ++i) {
      const uint32_t q = prev + UnZigZag(hdr.GetExpGolomb(0));
      if (hdr.overrun() || q > kMaxQuant) return Corrupt("bad frequency code");
      quant[i] = q;
      prev = q;
    }
    if (quant[extent - 1] == 0) return Corrupt("table extent ends on an unused token");
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
    tbl[kContextAt + s] = static_cast<uint32_t>(kSlotsAt + static_cast<size_t>(g) * kProbScale);
  }
  for (int t = 0; t < kMaxTokens; ++t) {
    uint32_t base = 0;
    int rb = 0;
    if (t < token_count) tl.Base(static_cast<uint32_t>(t), &base, &rb);
    tbl[kInfoAt + 2 * t] = rb == 0 ? UnZigZag(base) : base;
    tbl[kInfoAt + 2 * t + 1] = static_cast<uint32_t>(rb);
  }

  ByteReader in(block);
  in.Take(header_bytes);
  const uint64_t word_bytes = in.Varint();
  std::array<uint32_t, 4> x{};
  for (int j = 0; j < segments; ++j) {
    x[j] = in.U32();
    if (x[j] < kRansL) return Corrupt("rANS state below its lower bound");
  }
  if (in.overrun() || word_bytes % 2 != 0 || word_bytes > in.remaining()) {
    return Corrupt("bad rANS stream length");
  }
  const std::string_view words = in.Take(static_cast<size_t>(word_bytes));
  BitReader raw(in.Rest());
  const uint8_t* wp = reinterpret_cast<const uint8_t*>(words.data());
  const uint8_t* wend = wp + words.size();
  bool overrun = false;
  if (segments == 1) {
    DecodeDispatchMode<1>(mode, tbl, layout, x.data(), lockstep.data(), &wp, wend, raw, &overrun);
  } else {
    DecodeDispatchMode<4>(mode, tbl, layout, x.data(), lockstep.data(), &wp, wend, raw, &overrun);
  }
  if (overrun || wp != wend) return Corrupt("rANS stream length mismatch");
  for (int j = 0; j < segments; ++j) {
    if (x[j] != kRansL) return Corrupt("rANS final state mismatch");
  }
  if (!raw.AtPaddedEnd()) return Corrupt("raw bit stream length mismatch");
  return Status::Ok();
}

}  // namespace jumeau::store::internal

// Genotype blocks: varint/byte layouts behind a one-byte method (0 raw, 1
// zstd level 3, whichever is smaller) and the raw length.
#include "jumeau/store/genotype_codec.h"

#include <zstd.h>

#include <cstring>
#include <memory>

#include "jumeau/store/internal/bit_io.h"

namespace jumeau::store {
namespace {

using internal::ByteReader;
using internal::PutVarint;

constexpr char kRaw = 0;   // method byte: the layout as is
constexpr char kZstd = 1;  // method byte: zstd over the layout
constexpr int kZstdLevel = 3;

// Genotype layout, first byte: which parts follow.
constexpr uint8_t kHasDosages = 1;
constexpr uint8_t kHasFlags = 2;  // else one flags byte for every call

uint64_t ZigZag64(int64_t v) {
  return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
}
int64_t UnZigZag64(uint64_t v) {
  return static_cast<int64_t>((v >> 1) ^ (0 - (v & 1)));
}

void PutString(std::string_view s, std::string* out) {
  PutVarint(s.size(), out);
  out->append(s);
}

void Compress(const std::string& raw, std::string* out) {
  std::string z(ZSTD_compressBound(raw.size()), '\0');
  // One context per thread, reused: ZSTD_compress would make and initialise
  // a fresh one per block (most of the cost for blocks of a few hundred
  // bytes). Same output bytes.
  thread_local const std::unique_ptr<ZSTD_CCtx, size_t (*)(ZSTD_CCtx*)> cctx(
      ZSTD_createCCtx(), ZSTD_freeCCtx);
  const size_t n = cctx ? ZSTD_compressCCtx(cctx.get(), z.data(), z.size(),
                                            raw.data(), raw.size(), kZstdLevel)
                        : ZSTD_compress(z.data(), z.size(), raw.data(),
                                        raw.size(), kZstdLevel);
  const bool use_zstd = !ZSTD_isError(n) && n < raw.size();
  out->push_back(use_zstd ? kZstd : kRaw);
  PutVarint(raw.size(), out);
  if (use_zstd) {
    out->append(z.data(), n);
  } else {
    out->append(raw);
  }
}

Status Decompress(std::string_view encoded, std::string* raw) {
  ByteReader r(encoded);
  const uint8_t method = r.U8();
  const uint64_t size = r.Varint();
  // A block is at most kVariantsPerBlock variants; its raw layout cannot
  // reasonably exceed a few MB. Refuse absurd sizes before allocating.
  if (r.overrun() || (method != kRaw && method != kZstd) || size > (64u << 20))
    return DataLossError("genotype block header is malformed");
  const std::string_view rest = r.Rest();
  if (method == kRaw) {
    if (rest.size() != size)
      return DataLossError("genotype block length does not match");
    raw->assign(rest);
    return Status::Ok();
  }
  raw->resize(size);
  const size_t n =
      ZSTD_decompress(raw->data(), raw->size(), rest.data(), rest.size());
  if (ZSTD_isError(n) || n != size)
    return DataLossError("genotype block does not decompress");
  return Status::Ok();
}

}  // namespace

void EncodeVariantBlock(const GenotypeTable& table, size_t first, size_t count,
                        std::string* out) {
  std::string raw;
  PutVarint(count, &raw);
  int64_t previous = 0;
  for (size_t v = first; v < first + count; ++v) {
    const int64_t p = table.position(v);
    PutVarint(ZigZag64(p - previous), &raw);
    previous = p;
  }
  for (size_t v = first; v < first + count; ++v) {
    PutString(table.id(v), &raw);
    PutString(table.ref(v), &raw);
    PutString(table.alt(v), &raw);
    raw.push_back(
        static_cast<char>(table.multiallelic(v) ? kVariantMultiallelic : 0));
  }
  Compress(raw, out);
}

void EncodeGenotypeBlock(const GenotypeTable& table, size_t sample,
                         size_t first, size_t count, std::string* out) {
  const uint8_t flags0 = count ? table.call_flags(first, sample) : 0;
  bool uniform = true;
  for (size_t v = first; v < first + count; ++v)
    uniform = uniform && table.call_flags(v, sample) == flags0;
  std::string raw;
  raw.push_back(static_cast<char>((table.has_dosages() ? kHasDosages : 0) |
                                  (uniform ? 0 : kHasFlags)));
  if (uniform) raw.push_back(static_cast<char>(flags0));
  // ALT copies, 2 bits each (3 = missing), four per byte, first in the low
  // bits.
  for (size_t v = first; v < first + count; v += 4) {
    uint8_t byte = 0;
    for (size_t k = 0; k < 4 && v + k < first + count; ++k) {
      const int8_t a = table.alt_count(v + k, sample);
      const uint8_t code = a < 0 || a > 2 ? 3 : static_cast<uint8_t>(a);
      byte |= static_cast<uint8_t>(code << (2 * k));
    }
    raw.push_back(static_cast<char>(byte));
  }
  if (!uniform) {
    for (size_t v = first; v < first + count; ++v)
      raw.push_back(static_cast<char>(table.call_flags(v, sample)));
  }
  if (table.has_dosages()) {
    for (size_t v = first; v < first + count; ++v) {
      const float d = table.dosage(v, sample);
      char bytes[4];
      std::memcpy(bytes, &d, 4);
      raw.append(bytes, 4);
    }
  }
  Compress(raw, out);
}

Status DecodeVariantBlock(std::string_view encoded, VariantBlock* block) {
  std::string raw;
  JUMEAU_RETURN_IF_ERROR(Decompress(encoded, &raw));
  ByteReader r(raw);
  const uint64_t count = r.Varint();
  // Each variant takes at least 5 bytes (position, three lengths, flags).
  if (r.overrun() || count > raw.size() / 5 + 1)
    return DataLossError("variant block count is malformed");
  *block = VariantBlock();
  const size_t n = static_cast<size_t>(count);
  block->positions.resize(n);
  int64_t previous = 0;
  for (size_t v = 0; v < n; ++v) {
    previous =
        static_cast<int64_t>(static_cast<uint64_t>(previous) +
                             static_cast<uint64_t>(UnZigZag64(r.Varint())));
    block->positions[v] = previous;
  }
  auto take = [&r]() { return std::string(r.Take(r.Varint())); };
  for (size_t v = 0; v < n && !r.overrun(); ++v) {
    block->ids.push_back(take());
    block->refs.push_back(take());
    block->alts.push_back(take());
    block->flags.push_back(r.U8());
  }
  if (r.overrun() || r.remaining() != 0)
    return DataLossError("variant block is truncated or has extra bytes");
  return Status::Ok();
}

Status DecodeGenotypeBlock(std::string_view encoded, size_t variant_count,
                           GenotypeBlock* block) {
  std::string raw;
  JUMEAU_RETURN_IF_ERROR(Decompress(encoded, &raw));
  if (raw.empty()) return DataLossError("genotype block is empty");
  const uint8_t parts = static_cast<uint8_t>(raw[0]);
  const bool dosages = (parts & kHasDosages) != 0;
  const bool flags = (parts & kHasFlags) != 0;
  const size_t packed = (variant_count + 3) / 4;
  const size_t want = 1 + (flags ? variant_count : 1) + packed +
                      (dosages ? 4 * variant_count : 0);
  if (parts > 3 || raw.size() != want)
    return DataLossError("genotype block size does not match its variants");
  const uint8_t* p = reinterpret_cast<const uint8_t*>(raw.data()) + 1;
  const uint8_t uniform_flags = flags ? 0 : *p++;
  block->alt_counts.resize(variant_count);
  for (size_t v = 0; v < variant_count; ++v) {
    const uint8_t code = (p[v / 4] >> (2 * (v % 4))) & 3;
    block->alt_counts[v] = code == 3 ? kMissingCall : static_cast<int8_t>(code);
  }
  p += packed;
  if (flags) {
    block->call_flags.assign(p, p + variant_count);
    p += variant_count;
  } else {
    block->call_flags.assign(variant_count, uniform_flags);
  }
  block->dosages.resize(dosages ? variant_count : 0);
  if (dosages) std::memcpy(block->dosages.data(), p, 4 * variant_count);
  return Status::Ok();
}

}  // namespace jumeau::store

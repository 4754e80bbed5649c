// Genotype blocks: varint/byte layouts, then zstd (level 3) with a one-byte
// method prefix so that the layout can evolve.
#include "jumeau/store/genotype_codec.h"

#include <zstd.h>

#include <cstring>

#include "jumeau/store/internal/bit_io.h"

namespace jumeau::store {
namespace {

using internal::ByteReader;
using internal::PutVarint;

constexpr char kZstdLayout1 = 1;  // method byte: zstd over layout 1
constexpr int kZstdLevel = 3;

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
  out->push_back(kZstdLayout1);
  PutVarint(raw.size(), out);
  const size_t at = out->size();
  out->resize(at + ZSTD_compressBound(raw.size()));
  const size_t n = ZSTD_compress(out->data() + at, out->size() - at,
                                 raw.data(), raw.size(), kZstdLevel);
  out->resize(at + (ZSTD_isError(n) ? 0 : n));
}

Status Decompress(std::string_view encoded, std::string* raw) {
  ByteReader r(encoded);
  const uint8_t method = r.U8();
  const uint64_t size = r.Varint();
  // A block is at most kVariantsPerBlock variants; its raw layout cannot
  // reasonably exceed a few MB. Refuse absurd sizes before allocating.
  if (r.overrun() || method != kZstdLayout1 || size > (64u << 20))
    return DataLossError("genotype block header is malformed");
  raw->resize(size);
  const std::string_view rest = r.Rest();
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
    raw.push_back(static_cast<char>(table.multiallelic(v)
                                        ? kVariantMultiallelic
                                        : 0));
  }
  Compress(raw, out);
}

void EncodeGenotypeBlock(const GenotypeTable& table, size_t sample,
                         size_t first, size_t count, std::string* out) {
  std::string raw;
  raw.reserve(count * (table.has_dosages() ? 6 : 2) + 1);
  raw.push_back(table.has_dosages() ? 1 : 0);
  for (size_t v = first; v < first + count; ++v)
    raw.push_back(static_cast<char>(table.alt_count(v, sample)));
  for (size_t v = first; v < first + count; ++v)
    raw.push_back(static_cast<char>(table.call_flags(v, sample)));
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
    previous = static_cast<int64_t>(static_cast<uint64_t>(previous) +
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
  const bool dosages = raw[0] == 1;
  const size_t want = 1 + variant_count * (dosages ? 6 : 2);
  if (raw[0] > 1 || raw.size() != want)
    return DataLossError("genotype block size does not match its variants");
  const char* p = raw.data() + 1;
  block->alt_counts.assign(reinterpret_cast<const int8_t*>(p),
                           reinterpret_cast<const int8_t*>(p) + variant_count);
  p += variant_count;
  block->call_flags.assign(reinterpret_cast<const uint8_t*>(p),
                           reinterpret_cast<const uint8_t*>(p) + variant_count);
  p += variant_count;
  block->dosages.resize(dosages ? variant_count : 0);
  if (dosages) std::memcpy(block->dosages.data(), p, 4 * variant_count);
  return Status::Ok();
}

}  // namespace jumeau::store

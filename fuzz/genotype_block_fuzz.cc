// Fuzz target for the store's genotype blocks (jumeau/store/genotype_codec.h).
// The first input byte picks the mode:
//   0 mod 3: the rest is an encoded variant block; DecodeVariantBlock must
//            return ok or kDataLoss, never crash or read out of bounds;
//   1 mod 3: the next two bytes are a variant count, the rest an encoded
//            genotype block; same contract for DecodeGenotypeBlock;
//   2 mod 3: the rest describes variants and calls; their encodings must
//            round-trip exactly.
// Seeds: fuzz/corpus/genotype_block_fuzz/, written by
// fuzz/make_genotype_corpus.py.
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "jumeau/store/genotype_codec.h"

namespace {

void Check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "genotype_block_fuzz: %s\n", what);
    std::abort();
  }
}

void CheckStatus(const jumeau::Status& s) {
  Check(s.ok() || s.code() == jumeau::StatusCode::kDataLoss,
        "status neither ok nor data_loss");
}

// Variants and calls from bytes: each variant takes 4 bytes (position step,
// allele choice, call, dosage).
void RoundTrip(std::string_view bytes) {
  const bool dosages = !bytes.empty() && (bytes[0] & 1);
  jumeau::GenotypeTable table({"s"}, dosages);
  static constexpr const char* kAlleles[] = {"A", "C", "G", "T", "AT", ""};
  int64_t position = 1;
  for (size_t i = 1; i + 4 <= bytes.size() &&
                     table.variant_count() < jumeau::store::kVariantsPerBlock;
       i += 4) {
    const auto b = [&](size_t k) { return static_cast<uint8_t>(bytes[i + k]); };
    position += b(0) * 997;
    const size_t v = table.AddVariant(
        "chr1", position, b(1) & 1 ? "rs" + std::to_string(i) : "",
        kAlleles[b(1) % 5], kAlleles[(b(1) >> 3) % 6], b(1) >> 7);
    *table.mutable_alt_count_row(v) =
        static_cast<int8_t>(static_cast<int>(b(2) % 4) - 1);
    *table.mutable_call_flags_row(v) = b(2) >> 6;
    if (dosages)
      *table.mutable_dosage_row(v) =
          b(3) == 255 ? std::nanf("") : static_cast<float>(b(3)) / 127.0f;
  }
  const size_t n = table.variant_count();
  std::string variants, calls;
  jumeau::store::EncodeVariantBlock(table, 0, n, &variants);
  jumeau::store::EncodeGenotypeBlock(table, 0, 0, n, &calls);
  jumeau::store::VariantBlock vb;
  jumeau::store::GenotypeBlock gb;
  Check(jumeau::store::DecodeVariantBlock(variants, &vb).ok(), "variants");
  Check(jumeau::store::DecodeGenotypeBlock(calls, n, &gb).ok(), "calls");
  Check(vb.positions.size() == n && gb.alt_counts.size() == n, "sizes");
  for (size_t v = 0; v < n; ++v) {
    Check(vb.positions[v] == table.position(v), "position");
    Check(vb.ids[v] == table.id(v) && vb.refs[v] == table.ref(v) &&
              vb.alts[v] == table.alt(v),
          "alleles");
    Check(gb.alt_counts[v] == table.alt_count(v, 0), "alt count");
    Check(gb.call_flags[v] == table.call_flags(v, 0), "call flags");
    if (dosages) {
      const float want = table.dosage(v, 0);
      Check(
          std::isnan(want) ? std::isnan(gb.dosages[v]) : gb.dosages[v] == want,
          "dosage");
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string_view rest(reinterpret_cast<const char*>(data) + 1,
                              size - 1);
  switch (data[0] % 3) {
    case 0: {
      jumeau::store::VariantBlock block;
      CheckStatus(jumeau::store::DecodeVariantBlock(rest, &block));
      break;
    }
    case 1: {
      if (rest.size() < 2) return 0;
      const size_t count =
          static_cast<uint8_t>(rest[0]) |
          (static_cast<size_t>(static_cast<uint8_t>(rest[1])) << 8);
      jumeau::store::GenotypeBlock block;
      CheckStatus(
          jumeau::store::DecodeGenotypeBlock(rest.substr(2), count, &block));
      break;
    }
    default:
      RoundTrip(rest);
  }
  return 0;
}

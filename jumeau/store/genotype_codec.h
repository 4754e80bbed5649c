// How the store keeps genotypes: a source's variants in blocks (positions,
// ids, alleles, flags of up to kVariantsPerBlock variants of one chromosome)
// and, per patient, the calls of each block (ALT copies, call flags, dosages).
// Both are zstd-compressed byte layouts described in docs/formats.md
// ("Genotypes in the store"). Used by sqlite_store.cc.
#ifndef JUMEAU_STORE_GENOTYPE_CODEC_H_
#define JUMEAU_STORE_GENOTYPE_CODEC_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "jumeau/core/genotype.h"
#include "jumeau/core/status.h"

namespace jumeau::store {

// The most variants one stored block holds.
inline constexpr size_t kVariantsPerBlock = 4096;

// Variants [first, first + count) of `table` (all on one chromosome) in
// block form, appended to `*out`.
void EncodeVariantBlock(const GenotypeTable& table, size_t first, size_t count,
                        std::string* out);
// The calls of sample `sample` at variants [first, first + count) of
// `table`, appended to `*out` (with dosages when the table has them).
void EncodeGenotypeBlock(const GenotypeTable& table, size_t sample,
                         size_t first, size_t count, std::string* out);

// A decoded variant block: the variants of one chromosome.
struct VariantBlock {
  std::vector<int64_t> positions;
  std::vector<std::string> ids;
  std::vector<std::string> refs;
  std::vector<std::string> alts;
  std::vector<uint8_t> flags;
};
// A decoded genotype block of one patient.
struct GenotypeBlock {
  std::vector<int8_t> alt_counts;
  std::vector<uint8_t> call_flags;
  std::vector<float> dosages;  // empty when the source had none
};

// Decode the outputs of the encoders. kDataLoss when `encoded` is malformed
// or truncated; never reads outside it.
Status DecodeVariantBlock(std::string_view encoded, VariantBlock* block);
Status DecodeGenotypeBlock(std::string_view encoded, size_t variant_count,
                           GenotypeBlock* block);

}  // namespace jumeau::store

#endif  // JUMEAU_STORE_GENOTYPE_CODEC_H_

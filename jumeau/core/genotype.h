// Genotypes in memory: GenotypeTable, a struct-of-arrays table of biallelic
// variant records and, for each sample, the call (copies of the ALT allele,
// phase, ploidy) and the optional dosage. What io/vcf.h returns, what the
// store keeps per patient and what analysis/pgs_score.h scores.
#ifndef JUMEAU_CORE_GENOTYPE_H_
#define JUMEAU_CORE_GENOTYPE_H_

#include <cassert>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "jumeau/core/string_column.h"

namespace jumeau {

// Genome builds we name. Anything else is "" (unknown).
inline constexpr char kGrch37[] = "GRCh37";
inline constexpr char kGrch38[] = "GRCh38";

// Returns kGrch37 or kGrch38 for the ways files name those assemblies
// ("GRCh37", "GRCh37.p13", "hg19", "b37", "hs37d5", "human_g1k_v37", "37";
// "GRCh38", "hg38", "GRCh38.p14", "38", "GCA_000001405.15",
// "Homo_sapiens_assembly38"; Broad's "..._assembly19" is GRCh37),
// case-insensitive and also when the name is part of a path or URL
// ("file:///ref/hg19.fa"). Returns "" for anything else ("NR", "NCBI36", "").
std::string NormalizeGenomeBuild(std::string_view name);

// Returns the build implied by the length of chromosome 1 ("1" or "chr1"):
// 249250621 -> GRCh37, 248956422 -> GRCh38; "" otherwise.
std::string GenomeBuildFromChromosome1Length(int64_t length);

// The chromosome name used for matching across sources: without a "chr"
// prefix (any case), "23" -> "X", "24" -> "Y", "M" and "26" -> "MT"; other
// names unchanged ("1", "X", "GL000192.1"). The view points into `name` or
// into static storage.
std::string_view CanonicalChromosome(std::string_view name);

// Variant flag: this record was split from a site with several ALT alleles.
inline constexpr uint8_t kVariantMultiallelic = 1;

// Call flags.
inline constexpr uint8_t kCallPhased = 1;   // written with '|' ("0|1")
inline constexpr uint8_t kCallHaploid = 2;  // one allele ("1": male chrX)

// alt_count of a call with any allele missing ("./.", "0/.", ".").
inline constexpr int8_t kMissingCall = -1;

// A GenotypeTable is the genotypes of a set of samples at a list of biallelic
// variants, stored column-wise: per variant its chromosome, 1-based position,
// id, REF, ALT and flags; per (variant, sample) the number of copies of ALT
// (0, 1 or 2; 0 or 1 when haploid; kMissingCall), call flags and, when the
// source had dosages (VCF FORMAT/DS), the expected ALT dosage in [0, 2]
// (NaN when absent). Calls are variant-major: one row of sample_count()
// entries per variant. A site with several ALT alleles is held as one record
// per ALT, each flagged kVariantMultiallelic, whose alt_count counts that ALT
// only (bcftools norm -m- convention: the other ALTs count as not-this-ALT).
//
// Sample ids are source identifiers (VCF sample names): the store keeps them
// only as keyed hashes; never log or print them.
//
// Thread-compatible: const methods may be called from several threads.
class GenotypeTable {
 public:
  GenotypeTable() = default;
  // A table for `sample_ids` (in this order) with no variants; dosage
  // columns exist when `with_dosages`.
  GenotypeTable(std::vector<std::string> sample_ids, bool with_dosages);

  // --- table-wide ---------------------------------------------------------
  // kGrch37, kGrch38 or "" when unknown.
  const std::string& genome_build() const { return genome_build_; }
  void set_genome_build(std::string build) { genome_build_ = std::move(build); }
  const std::vector<std::string>& sample_ids() const { return sample_ids_; }
  size_t sample_count() const { return sample_ids_.size(); }
  size_t variant_count() const { return positions_.size(); }
  bool has_dosages() const { return with_dosages_; }
  // Recoverable oddities met while reading ("12 half-missing calls read as
  // missing"). Never names a sample.
  const std::vector<std::string>& warnings() const { return warnings_; }
  void AddWarning(std::string warning) {
    warnings_.push_back(std::move(warning));
  }

  // --- variants (REQUIRES: v < variant_count()) ----------------------------
  // Chromosome as the source wrote it ("1", "chr1", "X").
  std::string_view chrom(size_t v) const {
    return chrom_names_[chrom_index_[v]];
  }
  // 1-based position of the first REF base.
  int64_t position(size_t v) const { return positions_[v]; }
  // The source's id ("rs123", "10:418379:G:A"); "" when it was ".".
  std::string_view id(size_t v) const { return ids_[v]; }
  std::string_view ref(size_t v) const { return refs_[v]; }
  // "" when the site had no ALT allele ("." in VCF: every call is REF).
  std::string_view alt(size_t v) const { return alts_[v]; }
  bool multiallelic(size_t v) const {
    return (variant_flags_[v] & kVariantMultiallelic) != 0;
  }

  // --- calls (REQUIRES: v < variant_count(), s < sample_count()) -----------
  int8_t alt_count(size_t v, size_t s) const {
    return alt_counts_[v * sample_count() + s];
  }
  uint8_t call_flags(size_t v, size_t s) const {
    return call_flags_[v * sample_count() + s];
  }
  bool phased(size_t v, size_t s) const {
    return (call_flags(v, s) & kCallPhased) != 0;
  }
  bool haploid(size_t v, size_t s) const {
    return (call_flags(v, s) & kCallHaploid) != 0;
  }
  // Expected ALT dosage; NaN when the source gave none for this call or the
  // table has no dosages.
  float dosage(size_t v, size_t s) const {
    return with_dosages_ ? dosages_[v * sample_count() + s] : std::nanf("");
  }
  // Row v of the calls: sample_count() entries each. dosage_row is null when
  // !has_dosages().
  const int8_t* alt_count_row(size_t v) const {
    return alt_counts_.data() + v * sample_count();
  }
  const uint8_t* call_flags_row(size_t v) const {
    return call_flags_.data() + v * sample_count();
  }
  const float* dosage_row(size_t v) const {
    return with_dosages_ ? dosages_.data() + v * sample_count() : nullptr;
  }

  // --- building -------------------------------------------------------------
  // Appends a variant whose calls are all missing (and dosages NaN); returns
  // its index. `position` is 1-based. Fill its calls through the mutable
  // rows below.
  size_t AddVariant(std::string_view chrom, int64_t position,
                    std::string_view id, std::string_view ref,
                    std::string_view alt, uint8_t flags);
  int8_t* mutable_alt_count_row(size_t v) {
    return alt_counts_.data() + v * sample_count();
  }
  uint8_t* mutable_call_flags_row(size_t v) {
    return call_flags_.data() + v * sample_count();
  }
  // REQUIRES: has_dosages().
  float* mutable_dosage_row(size_t v) {
    assert(with_dosages_);
    return dosages_.data() + v * sample_count();
  }
  // Removes every variant (keeps samples, build, warnings and capacity), so
  // a streaming reader can reuse one table per batch.
  void ClearVariants();
  // Appends the variants of `other`. REQUIRES: same samples and dosage
  // columns.
  void Append(const GenotypeTable& other);

  // Approximate bytes held, for memory accounting in benchmarks.
  size_t memory_bytes() const;

 private:
  uint32_t ChromIndex(std::string_view chrom);

  std::string genome_build_;
  std::vector<std::string> sample_ids_;
  bool with_dosages_ = false;
  std::vector<std::string> warnings_;

  // Distinct chromosome names in first-seen order; chrom_index_[v] points in.
  std::vector<std::string> chrom_names_;
  std::unordered_map<std::string, uint32_t> chrom_lookup_;
  std::vector<uint32_t> chrom_index_;
  std::vector<int64_t> positions_;
  StringColumn ids_;
  StringColumn refs_;
  StringColumn alts_;
  std::vector<uint8_t> variant_flags_;

  // variant_count() * sample_count() each (dosages_ only when with_dosages_).
  std::vector<int8_t> alt_counts_;
  std::vector<uint8_t> call_flags_;
  std::vector<float> dosages_;
};

}  // namespace jumeau

#endif  // JUMEAU_CORE_GENOTYPE_H_

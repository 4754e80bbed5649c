// ScoringFile: a polygenic score's weights in memory — the variants of a PGS
// Catalog scoring file (format 2.0, author-reported or harmonized) with their
// effect alleles and weights. io/pgs.h reads it; analysis/pgs_score.h matches
// it to a GenotypeTable and computes the score.
#ifndef JUMEAU_CORE_SCORING_FILE_H_
#define JUMEAU_CORE_SCORING_FILE_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "jumeau/core/string_column.h"

namespace jumeau {

// How a variant's effect-allele dosage d (0, 1, 2) enters the score.
enum class EffectModel : uint8_t {
  kAdditive,   // weight * d
  kDominant,   // weight * min(d, 1)   (is_dominant = True)
  kRecessive,  // weight * max(d - 1, 0) (is_recessive = True)
};

// The content of one scoring file. Passive data: the per-variant columns all
// hold variant_count() entries, in file order. Thread-compatible.
struct ScoringFile {
  // --- header (#key=value lines) --------------------------------------------
  std::string format_version;  // "2.0"
  std::string pgs_id;          // "PGS000001"; "" when absent
  std::string pgs_name;        // "PRS77_BC"
  std::string trait_reported;  // "Breast cancer"
  std::string trait_efo;       // "EFO_0000305"
  std::string weight_type;     // "beta", "NR", ...
  // Author-reported build as written ("NR", "GRCh37", "hg19") and normalised
  // (kGrch37 / kGrch38 / "" when not reported or unknown).
  std::string genome_build_text;
  std::string genome_build;
  // HmPOS_build normalised: the build of hm_chr/hm_pos; "" when the file is
  // not harmonized.
  std::string harmonized_build;
  // variants_number from the header; -1 when absent.
  int64_t declared_variant_count = -1;
  // Every "#key=value" header line, in order, as written.
  std::vector<std::pair<std::string, std::string>> header;

  // Which optional columns the file has.
  bool has_chr_position = false;  // chr_name + chr_position
  bool has_hm_position = false;   // hm_chr + hm_pos

  // --- variants ------------------------------------------------------------
  StringColumn rsids;      // "rs78540526"; "" when absent
  StringColumn chr_names;  // author-reported chromosome; "" when absent
  // Author-reported 1-based position; 0 when absent.
  std::vector<int64_t> chr_positions;
  StringColumn effect_alleles;  // upper case ("T", "AG")
  // Upper case; "" when absent. Never holds several alleles: an "A/G" other
  // allele is dropped (as pgsc_calc does) with a warning.
  StringColumn other_alleles;
  std::vector<double> effect_weights;
  std::vector<EffectModel> effect_models;
  StringColumn hm_chrs;  // harmonized chromosome; "" when absent or unmapped
  // Harmonized 1-based position; 0 when absent or unmapped.
  std::vector<int64_t> hm_positions;
  // hm_inferOtherAllele when it names exactly one allele (upper case); ""
  // otherwise.
  StringColumn hm_inferred_other_alleles;
  // allelefrequency_effect in [0, 1]; NaN when absent.
  std::vector<double> effect_allele_frequencies;
  // 1-based line of each variant in the (decompressed) file, for reports.
  std::vector<int64_t> line_numbers;

  // Recoverable oddities ("3 variants with several other alleles: other
  // allele dropped").
  std::vector<std::string> warnings;

  size_t variant_count() const { return effect_weights.size(); }
};

}  // namespace jumeau

#endif  // JUMEAU_CORE_SCORING_FILE_H_

// Polygenic scores: matches a scoring file's variants to a GenotypeTable with
// the pgsc_calc conventions (position + alleles, strand flips, strand-ambiguous
// and multi-allelic variants dropped, minimum overlap) and computes each
// sample's score as plink2 --score does. Pure: no files, no store.
// Rules and their sources: docs/formats-vcf.md, "Matching and scoring".
#ifndef JUMEAU_ANALYSIS_PGS_SCORE_H_
#define JUMEAU_ANALYSIS_PGS_SCORE_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "jumeau/core/genotype.h"
#include "jumeau/core/scoring_file.h"
#include "jumeau/core/status.h"

namespace jumeau::analysis {

// How a sample's missing genotype at a matched variant enters its score.
enum class MissingGenotypes {
  // plink2 --score's default: the effect allele's mean dosage among the
  // samples that have a call (2 x its frequency for additive variants). With
  // fewer than PgsOptions::min_samples_for_frequency samples (plink2 refuses
  // below 50) the scoring file's allelefrequency_effect is used instead when
  // present (HWE expectation); otherwise the genotype contributes nothing and
  // a warning counts it.
  kMeanImpute,
  // plink2 'no-mean-imputation': a missing genotype contributes nothing and
  // the average's denominator counts only called alleles.
  kZero,
};

// Options of MatchPgs() and ScorePgs(). The defaults are pgsc_calc's.
struct PgsOptions {
  // Smallest fraction of the scoring file's variants that must match for
  // ScorePgs to compute a score (pgsc_calc --min_overlap). In [0, 1].
  double min_overlap = 0.75;
  // Keep strand-ambiguous variants (genotype REF/ALT A/T or C/G), matched
  // on the forward strand only. Default false: dropped.
  bool keep_ambiguous = false;
  // Keep matches to sites that had several ALT alleles. Default false.
  bool keep_multiallelic = false;
  // Allow matches on the opposite strand (complemented alleles). Default
  // true.
  bool allow_flips = true;
  // Use FORMAT/DS dosages instead of GT hard calls when the table has them
  // (a call with DS but no GT then counts as called). Default false, as
  // pgsc_calc reads VCF hard calls.
  bool use_dosages = false;
  MissingGenotypes missing = MissingGenotypes::kMeanImpute;
  // Fewest samples from which to take the mean for kMeanImpute (plink2: 50).
  size_t min_samples_for_frequency = 50;
  // Build of the genotypes when the table does not record one ("GRCh38",
  // "hg19"...). Empty (default): the table's genome_build().
  std::string genotype_build;
};

// How a scoring variant's alleles met a genotype variant's REF/ALT, in
// pgsc_calc's order of preference ("refalt": effect allele = REF, other
// allele = ALT; "_flip": on the opposite strand; "no_oa": the scoring file
// gives no other allele).
enum class MatchType : uint8_t {
  kRefAlt,
  kAltRef,
  kRefAltFlip,
  kAltRefFlip,
  kNoOaRef,
  kNoOaAlt,
  kNoOaRefFlip,
  kNoOaAltFlip,
};

// What happened to one scoring variant.
enum class MatchStatus : uint8_t {
  kMatched,
  kNoPosition,      // no chromosome/position in the build used
  kNotFound,        // no genotype variant at that position
  kAlleleMismatch,  // variants at the position, none with matching alleles
  kAmbiguous,       // dropped: the best match is strand-ambiguous
  kMultiallelic,    // dropped: the best match comes from a multi-allelic site
  kDuplicate,       // dropped: several scoring variants best-match one variant
};

// Returns "refalt", "altref_flip", ...; "matched", "not_found", ....
std::string_view MatchTypeName(MatchType type);
std::string_view MatchStatusName(MatchStatus status);

// The outcome for one scoring variant.
struct VariantMatch {
  MatchStatus status = MatchStatus::kNotFound;
  // Set when a best match exists (kMatched, and the dropped kAmbiguous,
  // kMultiallelic, kDuplicate).
  MatchType type = MatchType::kRefAlt;
  size_t genotype_index = 0;   // row in the GenotypeTable
  bool effect_is_alt = false;  // the effect allele is the variant's ALT
};

// How a scoring file matched a genotype table.
struct PgsMatch {
  std::string pgs_id;
  // Which positions were used: "hm_pos" or "chr_position" (or "" when the
  // file has none), and their build ("" when unknown).
  std::string positions;
  std::string build;
  size_t variants_total = 0;
  size_t variants_matched = 0;
  size_t flipped = 0;  // matched variants on the opposite strand
  // Scoring variants per MatchStatus (indexed by the enum value).
  size_t counts[7] = {};
  // One entry per scoring variant, in file order.
  std::vector<VariantMatch> variants;
  // "genotype build unknown: assumed GRCh38 (the scoring file's)".
  std::vector<std::string> warnings;

  // variants_matched / variants_total (0 for an empty file).
  double overlap() const;
  // "PGS000001: 70 of 77 variants matched (90.9%, 2 on the other strand);
  // dropped: 3 strand-ambiguous; unmatched: 2 not found".
  std::string BriefReport() const;
};

// Per-sample scores, the columns of plink2's .sscore (cols=+scoresums,
// +denom). Vectors hold one entry per sample of the table, in its order.
struct PgsScores {
  PgsMatch match;
  std::vector<double> sums;             // SCORE1_SUM
  std::vector<double> averages;         // SCORE1_AVG = sum / denominator
  std::vector<int64_t> allele_counts;   // ALLELE_CT: called alleles
  std::vector<int64_t> denominators;    // DENOM
  std::vector<double> dosage_sums;      // NAMED_ALLELE_DOSAGE_SUM (called)
  std::vector<int64_t> missing_counts;  // matched variants missing
  // Missing genotypes left out because no frequency was available
  // (kMeanImpute with too few samples and no allelefrequency_effect).
  int64_t unimputed = 0;
  std::vector<std::string> warnings;

  std::string BriefReport() const;
};

// Matches every variant of `scoring` to `genotypes`:
//   - positions: hm_chr/hm_pos when the file is harmonized to the genotypes'
//     build (or the genotypes' build is unknown: then assumed, with a
//     warning); otherwise chr_name/chr_position when the author-reported
//     build matches or either build is unknown (warning);
//   - chromosomes compare without "chr" (CanonicalChromosome);
//   - alleles compare case-insensitively; the other allele is other_allele,
//     else hm_inferOtherAllele; among the candidates at the position the
//     best MatchType wins (first in table order on a tie);
//   - the best match is then dropped when strand-ambiguous or multi-allelic
//     (unless kept by the options), and all scoring variants best-matching
//     the same genotype variant are dropped as duplicates.
// Returns the match on success (even with no variant matched: see
// overlap()); kInvalidArgument for options out of range or an unknown
// genotype_build; kFailedPrecondition when the file's positions are in
// another build than the genotypes ("use the _hmPOS_GRCh37 file").
Result<PgsMatch> MatchPgs(const ScoringFile& scoring,
                          const GenotypeTable& genotypes,
                          const PgsOptions& options = {});

// Computes each sample's score: the sum over matched variants of
// effect_weight x effect-allele dosage (0, 1, 2; a haploid call counts as
// homozygous, 0 or 2, as plink2 does for chrX; dominant/recessive variants
// transform the dosage), missing genotypes per options.missing.
// Inputs: `genotypes` with n samples. Outputs: PgsScores with n entries.
// Returns kFailedPrecondition "<pgs_id>: <k> of <n> variants matched (<p>%),
// below the minimum overlap of <m>%" when the overlap is too small, and the
// errors of MatchPgs.
Result<PgsScores> ScorePgs(const ScoringFile& scoring,
                           const GenotypeTable& genotypes,
                           const PgsOptions& options = {});

// The alleles on the opposite strand, base by base (A<->T, C<->G); the
// input unchanged unless it is made of A, C, G, T only (upper case).
std::string ComplementAlleles(std::string_view alleles);

// True when REF/ALT are strand-ambiguous: ALT is REF complemented (A/T,
// C/G).
bool IsStrandAmbiguous(std::string_view ref, std::string_view alt);

}  // namespace jumeau::analysis

#endif  // JUMEAU_ANALYSIS_PGS_SCORE_H_

// The synthetic genome of the example patient: a single-sample VCFv4.2 of
// biallelic SNPs on chr1..chr22 (GRCh38 contig lengths, synthetic positions
// and allele frequencies, genotypes drawn under Hardy-Weinberg), a few
// multi-allelic sites and missing calls, and a synthetic polygenic score in
// PGS Catalog scoring-file format whose variants exercise the matching rules
// of jumeau/analysis/pgs_score.h (strand flips, strand-ambiguous and
// multi-allelic sites, absent variants). Part of jumeau/synth: BuildGenome is
// pure; FormatGenomeVcf and FormatScoreFile give the file texts, which
// jumeau/io/vcf.h and jumeau/io/pgs.h read back. Nothing here is a real
// genotype or a published score.
#ifndef JUMEAU_SYNTH_GENOME_H_
#define JUMEAU_SYNTH_GENOME_H_

#include <cstdint>
#include <string>
#include <vector>

#include "jumeau/core/status.h"

namespace jumeau::synth {

// Options of the genome. Identical options give identical output.
struct GenomeOptions {
  // Seed (used as is: the example passes one derived from its own).
  // Default 1.
  uint64_t seed = 1;
  // The VCF's one sample. Default "example". Valid: non-empty, no tab,
  // space or line break.
  std::string sample_id = "example";
  // Biallelic SNP sites, spread over chr1..chr22 in proportion to their
  // length. Default 3000. Valid: 500-1000000.
  int snp_count = 3000;
  // Extra sites with two ALT alleles. Default 8. Valid: 0-100.
  int multiallelic_count = 8;
  // Biallelic sites whose call is missing ("./."). Default 6. Valid:
  // 0-100.
  int missing_count = 6;
  // Variants of the scoring file. Default 100. Valid: 50-1000 and at most
  // snp_count / 5.
  int score_variant_count = 100;
};

// One VCF site. Allele indices: 0 = REF, k = alts[k - 1], -1 = missing.
struct GenomeSite {
  int chromosome = 1;    // 1..22, written "chr<n>"
  int64_t position = 0;  // 1-based
  std::string ref;
  std::vector<std::string> alts;        // one, or two when multi-allelic
  std::vector<double> alt_frequencies;  // one per ALT, 4 decimals (INFO/AF)
  int allele1 = 0;
  int allele2 = 0;
};

// How a scoring variant relates to the VCF (what a pgsc_calc-style matcher
// should conclude with its default options).
enum class ScoreVariantKind : uint8_t {
  kPresent,       // same position, alleles as REF/ALT: matched
  kFlipped,       // same position, alleles complemented: matched on the
                  // other strand
  kAmbiguous,     // a site whose REF/ALT are A/T or C/G: dropped
  kMultiallelic,  // a multi-allelic site: dropped
  kAbsent,        // no VCF site at that position: not found
};

// One variant of the scoring file.
struct ScoreVariant {
  int chromosome = 1;  // written "1".."22" (PGS Catalog style, no "chr")
  int64_t position = 0;
  std::string effect_allele;
  std::string other_allele;
  double effect_weight = 0;            // 4 decimals, never 0
  double effect_allele_frequency = 0;  // 4 decimals
  ScoreVariantKind kind = ScoreVariantKind::kPresent;
};

// The generated genome and score.
struct SyntheticGenome {
  std::vector<GenomeSite> sites;    // sorted by chromosome and position
  std::vector<ScoreVariant> score;  // sorted by chromosome and position
};

// The scoring file's #pgs_id (plainly not a PGS Catalog id).
inline constexpr char kExampleScoreId[] = "JUMEAU_SYNTHETIC_EXAMPLE";

// Returns ok when `options` is valid, else kInvalidArgument naming the
// field.
Status ValidateGenomeOptions(const GenomeOptions& options);

// Generates the genome and the score. Pure and deterministic. The score has
// score_variant_count variants: 4% absent from the VCF (at least 1), 2
// strand-ambiguous, 4% strand-flipped (at least 1), 1 on a multi-allelic site
// when there is one, the rest present as REF/ALT (effect allele REF or ALT
// at random): at least 90% share a position with the VCF.
// Returns kInvalidArgument when `options` is invalid.
Result<SyntheticGenome> BuildGenome(const GenomeOptions& options);

// The VCFv4.2 text: ##fileformat, ##source "Jumeau synthetic example (not
// real genotypes)", ##reference=GRCh38, ##contig for chr1..chr22 (GRCh38
// lengths), INFO/AF and FORMAT/GT definitions, then one tab-separated line
// per site (ID ".", QUAL ".", FILTER PASS, INFO AF=..., GT unphased "0/1",
// "./." when missing).
// REQUIRES: `genome` came from BuildGenome(options).
std::string FormatGenomeVcf(const SyntheticGenome& genome,
                            const GenomeOptions& options);

// The PGS Catalog scoring file (format 2.0, tab-separated): "#key=value"
// header lines (format_version 2.0, pgs_id kExampleScoreId, genome_build
// GRCh38, variants_number, weight_type beta, a citation saying synthetic),
// then columns chr_name chr_position effect_allele other_allele
// effect_weight allelefrequency_effect.
// REQUIRES: `genome` came from BuildGenome(options).
std::string FormatScoreFile(const SyntheticGenome& genome,
                            const GenomeOptions& options);

}  // namespace jumeau::synth

#endif  // JUMEAU_SYNTH_GENOME_H_

// Tests for polygenic score matching and scoring (pgs_score.h) on small
// tables built in memory: every match type, each exclusion, build choice,
// and scores computed by hand (missing genotypes, haploid calls, dominant and
// recessive variants, dosages). The comparison with plink2 on real data is
// tests/genomics/pgs_plink2_test.cc.
#include "jumeau/analysis/pgs_score.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

namespace jumeau::analysis {
namespace {

using ::testing::HasSubstr;

struct Row {
  std::string chrom;
  int64_t pos;
  std::string effect;
  std::string other;
  double weight;
  EffectModel model = EffectModel::kAdditive;
  double frequency = std::numeric_limits<double>::quiet_NaN();
};

// A harmonized scoring file (hm_chr/hm_pos in `build`, chr_position the
// same numbers in `author_build`).
ScoringFile MakeScoring(const std::vector<Row>& rows,
                        const std::string& build = kGrch38,
                        const std::string& author_build = "") {
  ScoringFile f;
  f.pgs_id = "PGS_TEST";
  f.harmonized_build = build;
  f.genome_build = author_build;
  f.has_hm_position = !build.empty();
  f.has_chr_position = true;
  for (const Row& r : rows) {
    f.rsids.push_back("");
    f.chr_names.push_back(r.chrom);
    f.chr_positions.push_back(r.pos);
    f.effect_alleles.push_back(r.effect);
    f.other_alleles.push_back(r.other);
    f.effect_weights.push_back(r.weight);
    f.effect_models.push_back(r.model);
    f.hm_chrs.push_back(build.empty() ? "" : r.chrom);
    f.hm_positions.push_back(build.empty() ? 0 : r.pos);
    f.hm_inferred_other_alleles.push_back("");
    f.effect_allele_frequencies.push_back(r.frequency);
    f.line_numbers.push_back(0);
  }
  return f;
}

// Adds a variant with calls given as text per sample: "0", "1", "2" (ALT
// copies, diploid), "h0"/"h1" (haploid), "." (missing).
void AddVariant(GenotypeTable* t, const std::string& chrom, int64_t pos,
                const std::string& ref, const std::string& alt,
                const std::vector<std::string>& calls, uint8_t flags = 0) {
  const size_t v = t->AddVariant(chrom, pos, "", ref, alt, flags);
  for (size_t s = 0; s < calls.size(); ++s) {
    const std::string& c = calls[s];
    if (c == ".") continue;
    if (c[0] == 'h') {
      t->mutable_alt_count_row(v)[s] = static_cast<int8_t>(c[1] - '0');
      t->mutable_call_flags_row(v)[s] = kCallHaploid;
    } else {
      t->mutable_alt_count_row(v)[s] = static_cast<int8_t>(c[0] - '0');
    }
  }
}

PgsOptions NoMinimum() {
  PgsOptions o;
  o.min_overlap = 0;
  o.min_samples_for_frequency = 1;
  return o;
}

TEST(PgsScoreTest, ComplementAndAmbiguity) {
  EXPECT_EQ(ComplementAlleles("A"), "T");
  EXPECT_EQ(ComplementAlleles("ACGT"), "TGCA");
  EXPECT_EQ(ComplementAlleles("AN"), "AN");
  EXPECT_EQ(ComplementAlleles("<DEL>"), "<DEL>");
  EXPECT_TRUE(IsStrandAmbiguous("A", "T"));
  EXPECT_TRUE(IsStrandAmbiguous("g", "c"));
  EXPECT_FALSE(IsStrandAmbiguous("A", "G"));
  EXPECT_FALSE(IsStrandAmbiguous("A", "A"));
  EXPECT_FALSE(IsStrandAmbiguous("N", "N"));
}

TEST(PgsScoreTest, EveryMatchType) {
  GenotypeTable t({"S"}, false);
  AddVariant(&t, "1", 100, "A", "G", {"1"});
  AddVariant(&t, "1", 200, "C", "T", {"1"});
  AddVariant(&t, "chr1", 300, "A", "C", {"1"});
  AddVariant(&t, "1", 400, "G", "A", {"1"});
  AddVariant(&t, "1", 500, "T", "C", {"1"});
  AddVariant(&t, "1", 600, "T", "G", {"1"});
  AddVariant(&t, "1", 700, "G", "A", {"1"});
  AddVariant(&t, "1", 800, "A", "C", {"1"});
  const ScoringFile f = MakeScoring({
      {"1", 100, "A", "G", 1},  // refalt
      {"1", 200, "T", "C", 1},  // altref
      {"1", 300, "T", "G", 1},  // refalt_flip (chr1 vs 1)
      {"1", 400, "T", "C", 1},  // altref_flip
      {"1", 500, "T", "", 1},   // no_oa_ref
      {"1", 600, "G", "", 1},   // no_oa_alt
      {"1", 700, "C", "", 1},   // no_oa_ref_flip
      {"1", 800, "G", "", 1},   // no_oa_alt_flip
  });
  Result<PgsMatch> m = MatchPgs(f, t, NoMinimum());
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  const MatchType want[] = {MatchType::kRefAlt,      MatchType::kAltRef,
                            MatchType::kRefAltFlip,  MatchType::kAltRefFlip,
                            MatchType::kNoOaRef,     MatchType::kNoOaAlt,
                            MatchType::kNoOaRefFlip, MatchType::kNoOaAltFlip};
  const bool alt[] = {false, true, false, true, false, true, false, true};
  for (size_t i = 0; i < 8; ++i) {
    EXPECT_EQ(m->variants[i].status, MatchStatus::kMatched) << i;
    EXPECT_EQ(m->variants[i].type, want[i]) << MatchTypeName(want[i]);
    EXPECT_EQ(m->variants[i].genotype_index, i);
    EXPECT_EQ(m->variants[i].effect_is_alt, alt[i]) << i;
  }
  EXPECT_EQ(m->variants_matched, 8u);
  EXPECT_EQ(m->flipped, 4u);
  EXPECT_DOUBLE_EQ(m->overlap(), 1.0);
  EXPECT_EQ(m->positions, "hm_pos");
  EXPECT_THAT(m->warnings,
              ::testing::Contains(HasSubstr("genotype build unknown")));
  // No flips allowed: the four flipped ones are allele mismatches.
  PgsOptions no_flip = NoMinimum();
  no_flip.allow_flips = false;
  Result<PgsMatch> nf = MatchPgs(f, t, no_flip);
  ASSERT_TRUE(nf.ok());
  EXPECT_EQ(nf->variants_matched, 4u);
  EXPECT_EQ(nf->counts[static_cast<size_t>(MatchStatus::kAlleleMismatch)], 4u);
}

TEST(PgsScoreTest, PrefersTheBestTypeAmongCandidates) {
  GenotypeTable t({"S"}, false);
  // Two records at one position (a split site written as two lines).
  AddVariant(&t, "2", 100, "C", "A", {"0"});
  AddVariant(&t, "2", 100, "G", "T", {"1"});
  // Effect T / other G is altref_flip on C>A (complement A/C) and altref on
  // G>T: the forward match wins.
  const ScoringFile f = MakeScoring({{"2", 100, "T", "G", 1}});
  Result<PgsMatch> m = MatchPgs(f, t, NoMinimum());
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->variants[0].status, MatchStatus::kMatched);
  EXPECT_EQ(m->variants[0].type, MatchType::kAltRef);
  EXPECT_EQ(m->variants[0].genotype_index, 1u);
}

TEST(PgsScoreTest, DropsAmbiguousMultiallelicAndDuplicates) {
  GenotypeTable t({"S"}, false);
  AddVariant(&t, "1", 100, "A", "T", {"1"});  // ambiguous
  AddVariant(&t, "1", 200, "C", "G", {"1"});  // ambiguous
  AddVariant(&t, "1", 300, "A", "G", {"1"}, kVariantMultiallelic);
  AddVariant(&t, "1", 300, "A", "C", {"0"}, kVariantMultiallelic);
  AddVariant(&t, "1", 400, "A", "G", {"2"});
  AddVariant(&t, "1", 500, "A", "G", {"2"});
  const ScoringFile f = MakeScoring({
      {"1", 100, "A", "T", 1},
      {"1", 200, "C", "G", 1},  // would match flipped as altref_flip
      {"1", 300, "G", "A", 1},
      {"1", 400, "G", "A", 1},
      {"1", 400, "G", "", 1},   // same variant again: both duplicates
      {"1", 500, "T", "G", 1},  // allele mismatch
      {"1", 600, "A", "G", 1},  // not found
      {"", 0, "A", "G", 1},     // no position
  });
  Result<PgsMatch> m = MatchPgs(f, t, NoMinimum());
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->variants[0].status, MatchStatus::kAmbiguous);
  EXPECT_EQ(m->variants[1].status, MatchStatus::kAmbiguous);
  EXPECT_EQ(m->variants[1].type, MatchType::kRefAlt);  // forward only
  EXPECT_EQ(m->variants[2].status, MatchStatus::kMultiallelic);
  EXPECT_EQ(m->variants[3].status, MatchStatus::kDuplicate);
  EXPECT_EQ(m->variants[4].status, MatchStatus::kDuplicate);
  EXPECT_EQ(m->variants[5].status, MatchStatus::kAlleleMismatch);
  EXPECT_EQ(m->variants[6].status, MatchStatus::kNotFound);
  EXPECT_EQ(m->variants[7].status, MatchStatus::kNoPosition);
  EXPECT_EQ(m->variants_matched, 0u);
  const std::string report = m->BriefReport();
  EXPECT_THAT(report, HasSubstr("PGS_TEST: 0 of 8 variants matched (0.0%)"));
  EXPECT_THAT(report, HasSubstr("2 strand-ambiguous, 1 multi-allelic, 2 "
                                "duplicate"));
  EXPECT_THAT(report, HasSubstr("1 not found, 1 allele mismatch, 1 no "
                                "position"));

  PgsOptions keep = NoMinimum();
  keep.keep_ambiguous = true;
  keep.keep_multiallelic = true;
  Result<PgsMatch> k = MatchPgs(f, t, keep);
  ASSERT_TRUE(k.ok());
  EXPECT_EQ(k->variants[0].status, MatchStatus::kMatched);
  EXPECT_EQ(k->variants[1].status, MatchStatus::kMatched);
  EXPECT_EQ(k->variants[2].status, MatchStatus::kMatched);
  EXPECT_TRUE(k->variants[2].effect_is_alt);
  EXPECT_EQ(k->variants[2].genotype_index, 2u);
}

TEST(PgsScoreTest, ChoosesPositionsByBuild) {
  GenotypeTable t({"S"}, false);
  AddVariant(&t, "1", 100, "A", "G", {"1"});
  t.set_genome_build(kGrch37);
  // Harmonized to GRCh38 only: refused for GRCh37 genotypes.
  Result<PgsMatch> m = MatchPgs(MakeScoring({{"1", 100, "A", "G", 1}}), t);
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_THAT(m.status().message(),
              HasSubstr("positions are GRCh38 (harmonized) but the genotypes "
                        "are GRCh37: use the PGS_TEST_hmPOS_GRCh37"));
  // ... unless the author-reported positions are GRCh37.
  m = MatchPgs(MakeScoring({{"1", 100, "A", "G", 1}}, kGrch38, kGrch37), t);
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(m->positions, "chr_position");
  EXPECT_EQ(m->build, kGrch37);
  EXPECT_EQ(m->variants_matched, 1u);
  // The option overrides the table's build.
  PgsOptions o;
  o.genotype_build = "hg38";
  m = MatchPgs(MakeScoring({{"1", 100, "A", "G", 1}}), t, o);
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->positions, "hm_pos");
  EXPECT_TRUE(m->warnings.empty());
  o.genotype_build = "CHM13";
  EXPECT_EQ(MatchPgs(MakeScoring({}), t, o).status().code(),
            StatusCode::kInvalidArgument);
  o.genotype_build = "";
  o.min_overlap = 1.5;
  EXPECT_EQ(MatchPgs(MakeScoring({}), t, o).status().code(),
            StatusCode::kInvalidArgument);
  // Author-reported positions in another build.
  m = MatchPgs(MakeScoring({{"1", 100, "A", "G", 1}}, "", kGrch38), t);
  EXPECT_EQ(m.status().code(), StatusCode::kFailedPrecondition);
  // No positions at all (rsID-only file).
  ScoringFile rsid_only = MakeScoring({{"", 0, "A", "G", 1}}, "");
  rsid_only.has_chr_position = false;
  m = MatchPgs(rsid_only, t);
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->variants[0].status, MatchStatus::kNoPosition);
  EXPECT_THAT(m->warnings, ::testing::Contains(HasSubstr("rsID only")));
}

TEST(PgsScoreTest, ScoresByHand) {
  // Four samples; mean imputation from the called samples.
  GenotypeTable t({"S1", "S2", "S3", "S4"}, false);
  AddVariant(&t, "1", 100, "A", "G", {"0", "1", "2", "."});    // EA = G
  AddVariant(&t, "1", 200, "C", "T", {"2", ".", "1", "0"});    // EA = C
  AddVariant(&t, "X", 300, "A", "C", {"h1", "h0", "1", "2"});  // EA = C
  const ScoringFile f = MakeScoring({
      {"1", 100, "G", "A", 0.5},
      {"1", 200, "C", "T", -2.0},
      {"X", 300, "C", "A", 0.25},
  });
  Result<PgsScores> s = ScorePgs(f, t, NoMinimum());
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  // v1: dosages 0,1,2 mean 1 -> S4 imputed 1.
  // v2: EA=REF: dosages 0,-,1,2 mean 1 -> S2 imputed 1.
  // v3: haploid counts double: 2,0,1,2.
  const double want[] = {
      0.5 * 0 - 2.0 * 0 + 0.25 * 2, 0.5 * 1 - 2.0 * 1 + 0.25 * 0,
      0.5 * 2 - 2.0 * 1 + 0.25 * 1, 0.5 * 1 - 2.0 * 2 + 0.25 * 2};
  for (size_t i = 0; i < 4; ++i) {
    EXPECT_NEAR(s->sums[i], want[i], 1e-12) << i;
    EXPECT_EQ(s->denominators[i], 6);
    EXPECT_NEAR(s->averages[i], want[i] / 6, 1e-12);
  }
  EXPECT_EQ(s->allele_counts[0], 6);
  EXPECT_EQ(s->allele_counts[1], 4);
  EXPECT_EQ(s->allele_counts[3], 4);
  EXPECT_EQ(s->missing_counts[1], 1);
  EXPECT_DOUBLE_EQ(s->dosage_sums[3], 0 + 2 + 2);  // called only
  EXPECT_EQ(s->unimputed, 0);

  PgsOptions zero = NoMinimum();
  zero.missing = MissingGenotypes::kZero;
  Result<PgsScores> z = ScorePgs(f, t, zero);
  ASSERT_TRUE(z.ok());
  EXPECT_NEAR(z->sums[3], -2.0 * 2 + 0.25 * 2, 1e-12);
  EXPECT_EQ(z->denominators[3], 4);
  EXPECT_NEAR(z->averages[3], (-2.0 * 2 + 0.25 * 2) / 4, 1e-12);
  EXPECT_THAT(z->BriefReport(), HasSubstr("4 sample(s) scored, 2 missing"));
}

TEST(PgsScoreTest, ImputesFromTheFileFrequencyWithFewSamples) {
  GenotypeTable t({"S1", "S2"}, false);
  AddVariant(&t, "1", 100, "A", "G", {"1", "."});
  AddVariant(&t, "1", 200, "A", "G", {"1", "."});
  const ScoringFile f = MakeScoring({
      {"1", 100, "G", "A", 1.0, EffectModel::kAdditive, 0.1},
      {"1", 200, "G", "A", 10.0},  // no frequency: counted as 0
  });
  PgsOptions o;  // min_samples_for_frequency = 50 > 2 samples
  Result<PgsScores> s = ScorePgs(f, t, o);
  ASSERT_TRUE(s.ok());
  EXPECT_NEAR(s->sums[1], 0.2, 1e-12);
  EXPECT_NEAR(s->sums[0], 11.0, 1e-12);
  EXPECT_EQ(s->unimputed, 1);
  EXPECT_THAT(s->warnings, ::testing::Contains(HasSubstr("counted as 0")));
}

TEST(PgsScoreTest, DominantRecessiveAndDosages) {
  GenotypeTable t({"S1", "S2", "S3"}, true);
  AddVariant(&t, "1", 100, "A", "G", {"0", "1", "2"});
  AddVariant(&t, "1", 200, "A", "G", {"0", "1", "2"});
  t.mutable_dosage_row(0)[0] = 0.25f;
  t.mutable_dosage_row(0)[1] = 1.5f;  // S3 has no DS: its GT is used
  const ScoringFile f = MakeScoring({
      {"1", 100, "G", "A", 1.0, EffectModel::kDominant},
      {"1", 200, "G", "A", 1.0, EffectModel::kRecessive},
  });
  Result<PgsScores> s = ScorePgs(f, t, NoMinimum());
  ASSERT_TRUE(s.ok());
  EXPECT_DOUBLE_EQ(s->sums[0], 0);
  EXPECT_DOUBLE_EQ(s->sums[1], 1);
  EXPECT_DOUBLE_EQ(s->sums[2], 2);
  PgsOptions ds = NoMinimum();
  ds.use_dosages = true;
  s = ScorePgs(f, t, ds);
  ASSERT_TRUE(s.ok());
  EXPECT_DOUBLE_EQ(s->sums[0], 0.25);
  EXPECT_DOUBLE_EQ(s->sums[1], 1.0);
  EXPECT_DOUBLE_EQ(s->sums[2], 2.0);
}

TEST(PgsScoreTest, RefusesBelowMinimumOverlap) {
  GenotypeTable t({"S"}, false);
  AddVariant(&t, "1", 100, "A", "G", {"1"});
  AddVariant(&t, "1", 200, "A", "G", {"1"});
  AddVariant(&t, "1", 300, "A", "G", {"1"});
  const ScoringFile f = MakeScoring({{"1", 100, "G", "A", 1},
                                     {"1", 200, "G", "A", 1},
                                     {"1", 300, "G", "A", 1},
                                     {"1", 400, "G", "A", 1},
                                     {"1", 500, "G", "A", 1}});
  Result<PgsScores> s = ScorePgs(f, t);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_THAT(s.status().message(),
              HasSubstr("PGS_TEST: 3 of 5 variants matched (60.0%), below "
                        "the minimum overlap of 75.0%"));
  PgsOptions o;
  o.min_overlap = 0.6;
  s = ScorePgs(f, t, o);
  ASSERT_TRUE(s.ok());
  EXPECT_DOUBLE_EQ(s->sums[0], 3.0);
  EXPECT_EQ(ScorePgs(MakeScoring({}), t).status().code(),
            StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace jumeau::analysis

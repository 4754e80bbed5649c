// Tests of the synthetic genome and polygenic score (jumeau/synth/genome.h):
// the model, determinism, and the texts read back through jumeau/io's VCF
// and PGS Catalog readers, with the score's overlap with the VCF checked
// position by position (the matcher itself lives in analysis/, above synth).
#include "jumeau/synth/genome.h"

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>
#include <utility>

#include "jumeau/io/pgs.h"
#include "jumeau/io/vcf.h"

namespace jumeau::synth {
namespace {

bool Contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

char Complement(char b) {
  return b == 'A' ? 'T' : b == 'T' ? 'A' : b == 'C' ? 'G' : 'C';
}

TEST(GenomeTest, SitesAreSortedDistinctAndPlausible) {
  const GenomeOptions o;
  Result<SyntheticGenome> g = BuildGenome(o);
  ASSERT_TRUE(g.ok()) << g.status().ToString();
  ASSERT_EQ(g->sites.size(),
            static_cast<size_t>(o.snp_count + o.multiallelic_count));
  int multi = 0, missing = 0, het = 0, hom_alt = 0;
  std::set<int> chromosomes;
  for (size_t i = 0; i < g->sites.size(); ++i) {
    const GenomeSite& s = g->sites[i];
    chromosomes.insert(s.chromosome);
    if (i > 0) {
      const GenomeSite& p = g->sites[i - 1];
      ASSERT_LT(std::make_pair(p.chromosome, p.position),
                std::make_pair(s.chromosome, s.position));
    }
    ASSERT_EQ(s.ref.size(), 1u);
    ASSERT_EQ(s.alts.size(), s.alt_frequencies.size());
    for (const std::string& alt : s.alts) ASSERT_NE(alt, s.ref);
    double total = 0;
    for (double f : s.alt_frequencies) {
      EXPECT_GT(f, 0.0);
      EXPECT_LT(f, 1.0);
      total += f;
    }
    EXPECT_LT(total, 1.0);
    if (s.alts.size() > 1) ++multi;
    if (s.allele1 < 0) {
      ++missing;
    } else if (s.allele1 != s.allele2) {
      ++het;
    } else if (s.allele1 > 0) {
      ++hom_alt;
    }
  }
  EXPECT_EQ(chromosomes.size(), 22u);
  EXPECT_EQ(multi, o.multiallelic_count);
  EXPECT_EQ(missing, o.missing_count);
  // Under Hardy-Weinberg with MAF uniform in 1-50%, about a third of calls
  // are heterozygous.
  EXPECT_GT(het, 700);
  EXPECT_LT(het, 1400);
  EXPECT_GT(hom_alt, 150);
}

TEST(GenomeTest, ScoreHasEveryKindOfVariant) {
  const GenomeOptions o;
  Result<SyntheticGenome> g = BuildGenome(o);
  ASSERT_TRUE(g.ok());
  ASSERT_EQ(g->score.size(), 100u);
  std::map<ScoreVariantKind, int> kinds;
  std::map<std::pair<int, int64_t>, const GenomeSite*> sites;
  for (const GenomeSite& s : g->sites) {
    sites[{s.chromosome, s.position}] = &s;
  }
  for (const ScoreVariant& v : g->score) {
    ++kinds[v.kind];
    EXPECT_NE(v.effect_weight, 0.0);
    const auto it = sites.find({v.chromosome, v.position});
    EXPECT_EQ(it == sites.end(), v.kind == ScoreVariantKind::kAbsent);
    if (it == sites.end()) continue;
    const GenomeSite& s = *it->second;
    const std::string& e = v.effect_allele;
    const std::string& other = v.other_allele;
    switch (v.kind) {
      case ScoreVariantKind::kPresent:
      case ScoreVariantKind::kAmbiguous:
        EXPECT_TRUE((e == s.ref && other == s.alts[0]) ||
                    (e == s.alts[0] && other == s.ref));
        break;
      case ScoreVariantKind::kFlipped:
        EXPECT_TRUE((Complement(e[0]) == s.ref[0] &&
                     Complement(other[0]) == s.alts[0][0]) ||
                    (Complement(e[0]) == s.alts[0][0] &&
                     Complement(other[0]) == s.ref[0]));
        EXPECT_NE(Complement(s.ref[0]), s.alts[0][0]);  // not ambiguous
        break;
      case ScoreVariantKind::kMultiallelic:
        EXPECT_EQ(s.alts.size(), 2u);
        break;
      case ScoreVariantKind::kAbsent:
        break;
    }
    if (v.kind == ScoreVariantKind::kAmbiguous) {
      EXPECT_EQ(Complement(s.ref[0]), s.alts[0][0]);
    }
  }
  EXPECT_EQ(kinds[ScoreVariantKind::kAbsent], 4);
  EXPECT_EQ(kinds[ScoreVariantKind::kFlipped], 4);
  EXPECT_EQ(kinds[ScoreVariantKind::kAmbiguous], 2);
  EXPECT_EQ(kinds[ScoreVariantKind::kMultiallelic], 1);
  EXPECT_EQ(kinds[ScoreVariantKind::kPresent], 89);
}

TEST(GenomeTest, DeterministicFromTheSeed) {
  GenomeOptions o;
  Result<SyntheticGenome> a = BuildGenome(o);
  Result<SyntheticGenome> b = BuildGenome(o);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(FormatGenomeVcf(*a, o), FormatGenomeVcf(*b, o));
  EXPECT_EQ(FormatScoreFile(*a, o), FormatScoreFile(*b, o));
  GenomeOptions other = o;
  other.seed = 2;
  Result<SyntheticGenome> c = BuildGenome(other);
  ASSERT_TRUE(c.ok());
  EXPECT_NE(FormatGenomeVcf(*a, o), FormatGenomeVcf(*c, other));
}

TEST(GenomeTest, VcfReadsBackWithOneSample) {
  const GenomeOptions o;
  Result<SyntheticGenome> g = BuildGenome(o);
  ASSERT_TRUE(g.ok());
  const std::string vcf = FormatGenomeVcf(*g, o);
  EXPECT_TRUE(Contains(vcf, "##fileformat=VCFv4.2\n"));
  EXPECT_TRUE(Contains(
      vcf, "##source=Jumeau synthetic example (not real genotypes)\n"));
  EXPECT_TRUE(Contains(vcf, "##reference=GRCh38\n"));
  EXPECT_TRUE(
      Contains(vcf, "##contig=<ID=chr22,length=50818468,assembly=GRCh38>\n"));
  Result<GenotypeTable> t = io::ReadVcfFromMemory(vcf, "genome.vcf");
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  ASSERT_EQ(t->sample_ids().size(), 1u);
  EXPECT_EQ(t->sample_ids()[0], "example");
  EXPECT_EQ(t->genome_build(), kGrch38);
  // Multi-allelic sites are split, one record per ALT.
  ASSERT_EQ(t->variant_count(),
            static_cast<size_t>(o.snp_count + 2 * o.multiallelic_count));
  size_t v = 0, missing = 0;
  for (const GenomeSite& s : g->sites) {
    for (size_t k = 0; k < s.alts.size(); ++k, ++v) {
      ASSERT_EQ(t->chrom(v), "chr" + std::to_string(s.chromosome));
      ASSERT_EQ(t->position(v), s.position);
      ASSERT_EQ(t->ref(v), s.ref);
      ASSERT_EQ(t->alt(v), s.alts[k]);
      EXPECT_EQ(t->multiallelic(v), s.alts.size() > 1);
      if (s.allele1 < 0) {
        EXPECT_EQ(t->alt_count(v, 0), kMissingCall);
        ++missing;
        continue;
      }
      const int allele = static_cast<int>(k) + 1;
      EXPECT_EQ(t->alt_count(v, 0),
                (s.allele1 == allele) + (s.allele2 == allele));
    }
  }
  EXPECT_EQ(missing, static_cast<size_t>(o.missing_count));
  // The sample name is not the only thing we can select by.
  io::VcfOptions only;
  only.samples = {"example"};
  EXPECT_TRUE(io::ReadVcfFromMemory(vcf, "genome.vcf", only).ok());
}

TEST(GenomeTest, ScoreFileReadsBackAndOverlapsTheVcf) {
  const GenomeOptions o;
  Result<SyntheticGenome> g = BuildGenome(o);
  ASSERT_TRUE(g.ok());
  const std::string text = FormatScoreFile(*g, o);
  EXPECT_TRUE(Contains(text, "#format_version=2.0\n"));
  EXPECT_TRUE(Contains(text, "SYNTHETIC"));
  Result<ScoringFile> s = io::ReadPgsFromMemory(text, "score.txt");
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_TRUE(s->warnings.empty()) << s->warnings.front();
  EXPECT_EQ(s->format_version, "2.0");
  EXPECT_EQ(s->pgs_id, kExampleScoreId);
  EXPECT_EQ(s->genome_build, kGrch38);
  EXPECT_EQ(s->declared_variant_count, 100);
  EXPECT_TRUE(s->has_chr_position);
  ASSERT_EQ(s->variant_count(), 100u);

  Result<GenotypeTable> t =
      io::ReadVcfFromMemory(FormatGenomeVcf(*g, o), "genome.vcf");
  ASSERT_TRUE(t.ok());
  struct Site {
    std::string ref, alt;
    bool multiallelic;
  };
  std::map<std::pair<std::string, int64_t>, Site> vcf;
  for (size_t v = 0; v < t->variant_count(); ++v) {
    vcf[{std::string(CanonicalChromosome(t->chrom(v))), t->position(v)}] = {
        std::string(t->ref(v)), std::string(t->alt(v)), t->multiallelic(v)};
  }
  size_t present = 0, same_strand = 0, flipped = 0, ambiguous = 0, multi = 0;
  for (size_t i = 0; i < s->variant_count(); ++i) {
    const auto it = vcf.find({std::string(CanonicalChromosome(s->chr_names[i])),
                              s->chr_positions[i]});
    if (it == vcf.end()) continue;
    ++present;
    const std::string e(s->effect_alleles[i]);
    const std::string other(s->other_alleles[i]);
    const std::string& ref = it->second.ref;
    const std::string& alt = it->second.alt;
    if (it->second.multiallelic) {
      ++multi;
    } else if (Complement(ref[0]) == alt[0]) {
      ++ambiguous;
    } else if ((e == ref && other == alt) || (e == alt && other == ref)) {
      ++same_strand;
    } else if (std::string(1, Complement(e[0])) == ref ||
               std::string(1, Complement(e[0])) == alt) {
      ++flipped;
    }
  }
  EXPECT_GE(present, 90u);
  EXPECT_EQ(present, 96u);
  EXPECT_GE(flipped, 4u);
  EXPECT_EQ(ambiguous, 2u);
  EXPECT_EQ(multi, 1u);
  EXPECT_GE(same_strand, 89u);
}

TEST(GenomeTest, InvalidOptionsAreRefused) {
  auto refused = [](GenomeOptions o, const std::string& field) {
    const Status s = ValidateGenomeOptions(o);
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << field;
    EXPECT_TRUE(Contains(s.message(), field)) << s.message();
    EXPECT_FALSE(BuildGenome(o).ok());
  };
  GenomeOptions o;
  o.sample_id = "two words";
  refused(o, "sample_id");
  o = GenomeOptions();
  o.snp_count = 10;
  refused(o, "snp_count");
  o = GenomeOptions();
  o.multiallelic_count = -1;
  refused(o, "multiallelic_count");
  o = GenomeOptions();
  o.missing_count = 1000;
  refused(o, "missing_count");
  o = GenomeOptions();
  o.score_variant_count = 700;  // above 3000 / 5
  refused(o, "score_variant_count");
}

}  // namespace
}  // namespace jumeau::synth

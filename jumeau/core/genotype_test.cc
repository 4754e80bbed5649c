// Tests for GenotypeTable, StringColumn and the build/chromosome helpers
// (genotype.h, string_column.h).
#include "jumeau/core/genotype.h"

#include <gtest/gtest.h>

#include <cmath>

#include "jumeau/core/string_column.h"

namespace jumeau {
namespace {

TEST(StringColumnTest, StoresStringsBackToBack) {
  StringColumn c;
  EXPECT_TRUE(c.empty());
  c.push_back("rs1");
  c.push_back("");
  c.push_back("10:418379:G:A");
  ASSERT_EQ(c.size(), 3u);
  EXPECT_EQ(c[0], "rs1");
  EXPECT_EQ(c[1], "");
  EXPECT_EQ(c[2], "10:418379:G:A");
  StringColumn d = c;
  EXPECT_TRUE(c == d);
  c.clear();
  EXPECT_EQ(c.size(), 0u);
  EXPECT_FALSE(c == d);
}

TEST(GenomeBuildTest, NormalizesCommonNames) {
  EXPECT_EQ(NormalizeGenomeBuild("GRCh38"), kGrch38);
  EXPECT_EQ(NormalizeGenomeBuild("grch38.p14"), kGrch38);
  EXPECT_EQ(NormalizeGenomeBuild("hg38"), kGrch38);
  EXPECT_EQ(NormalizeGenomeBuild("38"), kGrch38);
  EXPECT_EQ(NormalizeGenomeBuild("file:///ref/Homo_sapiens_assembly38.fasta"),
            kGrch38);
  EXPECT_EQ(NormalizeGenomeBuild("GRCh37"), kGrch37);
  EXPECT_EQ(NormalizeGenomeBuild("hg19"), kGrch37);
  EXPECT_EQ(NormalizeGenomeBuild("file:///data/human_g1k_v37.fasta"), kGrch37);
  EXPECT_EQ(NormalizeGenomeBuild("hs37d5"), kGrch37);
  EXPECT_EQ(NormalizeGenomeBuild("37"), kGrch37);
  EXPECT_EQ(NormalizeGenomeBuild("NR"), "");
  EXPECT_EQ(NormalizeGenomeBuild("NCBI36"), "");
  EXPECT_EQ(NormalizeGenomeBuild(""), "");
  EXPECT_EQ(GenomeBuildFromChromosome1Length(249250621), kGrch37);
  EXPECT_EQ(GenomeBuildFromChromosome1Length(248956422), kGrch38);
  EXPECT_EQ(GenomeBuildFromChromosome1Length(1000), "");
}

TEST(CanonicalChromosomeTest, StripsPrefixAndMapsNumbers) {
  EXPECT_EQ(CanonicalChromosome("chr1"), "1");
  EXPECT_EQ(CanonicalChromosome("CHR22"), "22");
  EXPECT_EQ(CanonicalChromosome("1"), "1");
  EXPECT_EQ(CanonicalChromosome("chrX"), "X");
  EXPECT_EQ(CanonicalChromosome("23"), "X");
  EXPECT_EQ(CanonicalChromosome("24"), "Y");
  EXPECT_EQ(CanonicalChromosome("chrM"), "MT");
  EXPECT_EQ(CanonicalChromosome("26"), "MT");
  EXPECT_EQ(CanonicalChromosome("GL000192.1"), "GL000192.1");
  EXPECT_EQ(CanonicalChromosome("chr"), "chr");
}

TEST(GenotypeTableTest, AddsVariantsWithMissingCalls) {
  GenotypeTable t({"A", "B", "C"}, /*with_dosages=*/true);
  EXPECT_EQ(t.sample_count(), 3u);
  EXPECT_TRUE(t.has_dosages());
  const size_t v = t.AddVariant("chr1", 100, "rs1", "A", "G", 0);
  EXPECT_EQ(v, 0u);
  const size_t w =
      t.AddVariant("chr2", 200, "", "C", "T", kVariantMultiallelic);
  EXPECT_EQ(w, 1u);
  EXPECT_EQ(t.variant_count(), 2u);
  EXPECT_EQ(t.chrom(0), "chr1");
  EXPECT_EQ(t.chrom(1), "chr2");
  EXPECT_EQ(t.position(1), 200);
  EXPECT_EQ(t.id(0), "rs1");
  EXPECT_EQ(t.id(1), "");
  EXPECT_EQ(t.ref(1), "C");
  EXPECT_EQ(t.alt(1), "T");
  EXPECT_FALSE(t.multiallelic(0));
  EXPECT_TRUE(t.multiallelic(1));
  for (size_t s = 0; s < 3; ++s) {
    EXPECT_EQ(t.alt_count(0, s), kMissingCall);
    EXPECT_TRUE(std::isnan(t.dosage(0, s)));
  }
  t.mutable_alt_count_row(1)[2] = 2;
  t.mutable_call_flags_row(1)[2] = kCallPhased;
  t.mutable_dosage_row(1)[2] = 1.75f;
  EXPECT_EQ(t.alt_count(1, 2), 2);
  EXPECT_TRUE(t.phased(1, 2));
  EXPECT_FALSE(t.haploid(1, 2));
  EXPECT_FLOAT_EQ(t.dosage(1, 2), 1.75f);
  EXPECT_GT(t.memory_bytes(), 0u);
}

TEST(GenotypeTableTest, WithoutDosagesReturnsNan) {
  GenotypeTable t({"A"}, /*with_dosages=*/false);
  t.AddVariant("1", 5, "x", "A", "C", 0);
  EXPECT_EQ(t.dosage_row(0), nullptr);
  EXPECT_TRUE(std::isnan(t.dosage(0, 0)));
}

TEST(GenotypeTableTest, AppendAndClearKeepSamples) {
  GenotypeTable a({"S1", "S2"}, false);
  a.set_genome_build(kGrch38);
  a.AddVariant("1", 10, "v1", "A", "G", 0);
  a.mutable_alt_count_row(0)[1] = 1;
  GenotypeTable b({"S1", "S2"}, false);
  b.AddVariant("1", 20, "v2", "C", "T", 0);
  b.mutable_alt_count_row(0)[0] = 2;
  b.AddWarning("w");
  a.Append(b);
  ASSERT_EQ(a.variant_count(), 2u);
  EXPECT_EQ(a.id(1), "v2");
  EXPECT_EQ(a.alt_count(1, 0), 2);
  EXPECT_EQ(a.alt_count(0, 1), 1);
  EXPECT_EQ(a.warnings().size(), 1u);
  a.ClearVariants();
  EXPECT_EQ(a.variant_count(), 0u);
  EXPECT_EQ(a.sample_count(), 2u);
  EXPECT_EQ(a.genome_build(), kGrch38);
  a.AddVariant("2", 1, "v3", "A", "T", 0);
  EXPECT_EQ(a.chrom(0), "2");
}

}  // namespace
}  // namespace jumeau

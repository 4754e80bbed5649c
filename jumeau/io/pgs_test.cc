// Tests for the PGS Catalog scoring-file reader (pgs.h): PGS000001 in both
// its harmonized (GRCh38, plain text) and author-reported (gzip) forms,
// checked row by row against an independent split of the text, and generated
// files for flags, optional columns and each error class.
#include "jumeau/io/pgs.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <htslib/bgzf.h>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "jumeau/core/genotype.h"
#include "jumeau/testing/test_data.h"

namespace jumeau::io {
namespace {

using ::testing::HasSubstr;

std::vector<std::string> SplitString(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::string cur;
  for (const char c : s) {
    if (c == sep) {
      out.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  out.push_back(cur);
  return out;
}

std::string ReadText(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string Gzip(const std::string& text) {
  const std::filesystem::path tmp = testing::ScratchDir() / "tmp.gz";
  BGZF* fp = bgzf_open(tmp.c_str(), "wg");  // plain gzip, as the Catalog
  EXPECT_NE(fp, nullptr);
  EXPECT_EQ(bgzf_write(fp, text.data(), text.size()),
            static_cast<ssize_t>(text.size()));
  EXPECT_EQ(bgzf_close(fp), 0);
  return ReadText(tmp);
}

TEST(PgsTest, ReadsHarmonizedPgs000001) {
  JUMEAU_REQUIRE_TEST_DATA(path, "pgs/PGS000001_hmPOS_GRCh38.txt");
  Result<ScoringFile> f = ReadPgs(path);
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  EXPECT_EQ(f->format_version, "2.0");
  EXPECT_EQ(f->pgs_id, "PGS000001");
  EXPECT_EQ(f->pgs_name, "PRS77_BC");
  EXPECT_EQ(f->trait_reported, "Breast cancer");
  EXPECT_EQ(f->trait_efo, "EFO_0000305");
  EXPECT_EQ(f->genome_build_text, "NR");
  EXPECT_EQ(f->genome_build, "");
  EXPECT_EQ(f->harmonized_build, kGrch38);
  EXPECT_EQ(f->declared_variant_count, 77);
  EXPECT_TRUE(f->has_chr_position);
  EXPECT_TRUE(f->has_hm_position);
  EXPECT_TRUE(f->warnings.empty()) << f->warnings.front();
  ASSERT_EQ(f->variant_count(), 77u);

  // Row by row against a plain split of the text (20 header lines).
  std::istringstream in(ReadText(path));
  std::string line;
  std::vector<std::string> columns;
  size_t i = 0;
  int64_t line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (line.empty() || line[0] == '#') continue;
    const std::vector<std::string> v = SplitString(line, '\t');
    if (columns.empty()) {
      columns = v;
      ASSERT_EQ(columns[0], "rsID");
      continue;
    }
    ASSERT_EQ(v.size(), 13u);
    ASSERT_LT(i, f->variant_count());
    EXPECT_EQ(f->rsids[i], v[0]);
    EXPECT_EQ(f->chr_names[i], v[1]);
    EXPECT_EQ(f->chr_positions[i], std::stoll(v[2]));
    EXPECT_EQ(f->effect_alleles[i], v[3]);
    EXPECT_EQ(f->other_alleles[i], v[4]);
    EXPECT_DOUBLE_EQ(f->effect_weights[i], std::stod(v[5]));
    EXPECT_EQ(f->hm_chrs[i], v[10]);
    EXPECT_EQ(f->hm_positions[i], std::stoll(v[11]));
    EXPECT_EQ(f->hm_inferred_other_alleles[i], v[12]);
    EXPECT_EQ(f->effect_models[i], EffectModel::kAdditive);
    EXPECT_TRUE(std::isnan(f->effect_allele_frequencies[i]));
    EXPECT_EQ(f->line_numbers[i], line_no);
    ++i;
  }
  EXPECT_EQ(i, 77u);
  EXPECT_EQ(f->rsids[0], "rs78540526");
  EXPECT_EQ(f->hm_positions[0], 69516650);
  EXPECT_EQ(f->line_numbers[0], 21);
}

TEST(PgsTest, ReadsGzippedAuthorReportedPgs000001) {
  JUMEAU_REQUIRE_TEST_DATA(path, "pgs/PGS000001.txt.gz");
  JUMEAU_REQUIRE_TEST_DATA(hm, "pgs/PGS000001_hmPOS_GRCh38.txt");
  Result<ScoringFile> f = ReadPgs(path);
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  Result<ScoringFile> h = ReadPgs(hm);
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(f->pgs_id, "PGS000001");
  EXPECT_EQ(f->harmonized_build, "");
  EXPECT_FALSE(f->has_chr_position);  // rsID, chr_name only
  EXPECT_FALSE(f->has_hm_position);
  ASSERT_EQ(f->variant_count(), 77u);
  for (size_t i = 0; i < 77; ++i) {
    EXPECT_EQ(f->rsids[i], h->rsids[i]);
    EXPECT_EQ(f->chr_names[i], h->chr_names[i]);
    EXPECT_EQ(f->chr_positions[i], 0);
    EXPECT_EQ(f->effect_alleles[i], h->effect_alleles[i]);
    EXPECT_EQ(f->other_alleles[i], h->other_alleles[i]);
    // The harmonized file rounds weights to 8 significant digits.
    EXPECT_NEAR(f->effect_weights[i], h->effect_weights[i],
                1e-7 * std::abs(h->effect_weights[i]));
  }
  EXPECT_DOUBLE_EQ(f->effect_weights[0], 0.16220387987485377);
}

const char kHeader[] =
    "###PGS CATALOG SCORING FILE\n"
    "#format_version=2.0\n"
    "#pgs_id=PGS999999\n"
    "#genome_build=hg19\n"
    "#variants_number=3\n";

Result<ScoringFile> Read(const std::string& text, bool gzip = false) {
  return ReadPgsFromMemory(gzip ? Gzip(text) : text, "test.txt");
}

TEST(PgsTest, OptionalColumnsAndFlags) {
  const std::string text =
      std::string(kHeader) +
      "rsID\tchr_name\tchr_position\teffect_allele\tother_allele\t"
      "effect_weight\tis_dominant\tis_recessive\tallelefrequency_effect\t"
      "hm_inferOtherAllele\textra\r\n"
      "rs1\tchr1\t100\ta\tG/T\t0.5\tTrue\tFalse\t0.25\tC\tx\r\n"
      "rs2\t2\t200\tT\t\t-1e-3\tFALSE\tTRUE\tNA\tA/G\ty\r\n"
      ".\tX\tNA\tHLA-A*01\tC\t+2\t\t\t1.5\t\tz\r\n";
  for (const bool gzip : {false, true}) {
    Result<ScoringFile> f = Read(text, gzip);
    ASSERT_TRUE(f.ok()) << f.status().ToString();
    EXPECT_EQ(f->pgs_id, "PGS999999");
    EXPECT_EQ(f->genome_build_text, "hg19");
    EXPECT_EQ(f->genome_build, kGrch37);
    EXPECT_TRUE(f->has_chr_position);
    EXPECT_FALSE(f->has_hm_position);
    ASSERT_EQ(f->variant_count(), 3u);
    EXPECT_EQ(f->chr_names[0], "chr1");
    EXPECT_EQ(f->effect_alleles[0], "A");  // upper-cased
    EXPECT_EQ(f->other_alleles[0], "");    // "G/T" dropped
    EXPECT_EQ(f->hm_inferred_other_alleles[0], "C");
    EXPECT_EQ(f->hm_inferred_other_alleles[1], "");  // "A/G": not one allele
    EXPECT_EQ(f->effect_models[0], EffectModel::kDominant);
    EXPECT_EQ(f->effect_models[1], EffectModel::kRecessive);
    EXPECT_EQ(f->effect_models[2], EffectModel::kAdditive);
    EXPECT_DOUBLE_EQ(f->effect_weights[1], -0.001);
    EXPECT_DOUBLE_EQ(f->effect_weights[2], 2.0);
    EXPECT_DOUBLE_EQ(f->effect_allele_frequencies[0], 0.25);
    EXPECT_TRUE(std::isnan(f->effect_allele_frequencies[1]));
    EXPECT_TRUE(std::isnan(f->effect_allele_frequencies[2]));  // 1.5 ignored
    EXPECT_EQ(f->rsids[2], "");
    EXPECT_EQ(f->chr_positions[2], 0);
    EXPECT_EQ(f->line_numbers[2], 9);
    EXPECT_THAT(f->warnings, ::testing::Contains(HasSubstr("several other")));
    EXPECT_THAT(f->warnings, ::testing::Contains(HasSubstr("not A/C/G/T")));
    EXPECT_THAT(f->warnings, ::testing::Contains(HasSubstr("[0, 1]")));
  }
}

TEST(PgsTest, ErrorsNameFileAndLine) {
  const std::string cols =
      "rsID\tchr_name\tchr_position\teffect_allele\tother_allele\t"
      "effect_weight\n";
  struct Case {
    std::string text;
    StatusCode code;
    const char* message;
  };
  const Case cases[] = {
      {std::string(kHeader) + cols + "rs1\t1\t100\tA\tG\tabc\n",
       StatusCode::kDataLoss,
       "test.txt line 7: effect_weight 'abc' is not a number"},
      {std::string(kHeader) + cols + "rs1\t1\t100\tA\tG\t\n",
       StatusCode::kDataLoss, "test.txt line 7: effect_weight '' is not"},
      {std::string(kHeader) + cols + "rs1\t1\t100\tA\tG\tnan\n",
       StatusCode::kDataLoss, "test.txt line 7: effect_weight 'nan'"},
      {std::string(kHeader) + cols + "rs1\t1\t-5\tA\tG\t1\n",
       StatusCode::kDataLoss,
       "test.txt line 7: chr_position '-5' is not a positive integer"},
      {std::string(kHeader) + cols + "rs1\t1\t100\t\tG\t1\n",
       StatusCode::kDataLoss, "test.txt line 7: effect_allele is empty"},
      {std::string(kHeader) + cols + "rs1\t1\t100\tA\tG\n",
       StatusCode::kDataLoss,
       "test.txt line 7: 5 column(s), the column header has 6"},
      {std::string(kHeader) + "rsID\tchr_name\teffect_weight\nrs1\t1\t1\n",
       StatusCode::kDataLoss, "test.txt line 6: no effect_allele column"},
      {std::string(kHeader) + "rsID\teffect_allele\nrs1\tA\n",
       StatusCode::kDataLoss, "test.txt line 6: no effect_weight column"},
      {std::string(kHeader) + "rsID\teffect_allele\tdosage_0_weight\t"
                              "dosage_1_weight\tdosage_2_weight\n",
       StatusCode::kUnimplemented, "test.txt line 6: dosage_N_weight"},
      {std::string(kHeader) +
           "rsID\teffect_allele\teffect_weight\t"
           "is_haplotype\nrs1\tA\t1\tFalse\nrs2\tA\t1\tTrue\n",
       StatusCode::kUnimplemented,
       "test.txt line 8: is_haplotype variants are not supported"},
      {std::string(kHeader) + "rsID\teffect_allele\teffect_weight\t"
                              "is_interaction\nrs1\tA\t1\tmaybe\n",
       StatusCode::kDataLoss,
       "test.txt line 7: is_interaction 'maybe' is not True or False"},
      {std::string(kHeader) +
           "rsID\teffect_allele\teffect_weight\t"
           "is_dominant\tis_recessive\nrs1\tA\t1\tTrue\tTrue\n",
       StatusCode::kUnimplemented, "test.txt line 7: a variant both dominant"},
      {std::string(kHeader) + "effect_allele\teffect_allele\teffect_weight\n",
       StatusCode::kDataLoss,
       "test.txt line 6: column effect_allele appears twice"},
      {std::string(kHeader), StatusCode::kDataLoss,
       "test.txt line 6: the file ends before the column header line"},
      {"", StatusCode::kDataLoss,
       "test.txt line 1: the file ends before the column header line"},
      {std::string("PK\x03\x04\0\0binary", 12), StatusCode::kDataLoss,
       "test.txt line 1: NUL byte"},
  };
  for (const Case& c : cases) {
    Result<ScoringFile> f = Read(c.text);
    ASSERT_FALSE(f.ok()) << c.message;
    EXPECT_EQ(f.status().code(), c.code) << f.status().ToString();
    EXPECT_THAT(f.status().message(), HasSubstr(c.message));
  }
}

TEST(PgsTest, TruncatedGzipIsDataLoss) {
  std::string text =
      std::string(kHeader) + "rsID\teffect_allele\teffect_weight\n";
  for (int i = 0; i < 20000; ++i) {
    text += "rs" + std::to_string(i * 7919) + "\tA\t0." +
            std::to_string(i * 31337) + "\n";
  }
  const std::string gz = Gzip(text);
  Result<ScoringFile> whole = ReadPgsFromMemory(gz, "big.txt.gz");
  ASSERT_TRUE(whole.ok()) << whole.status().ToString();
  EXPECT_EQ(whole->variant_count(), 20000u);
  EXPECT_THAT(whole->warnings,
              ::testing::Contains(HasSubstr("declares 3 variants")));
  Result<ScoringFile> cut =
      ReadPgsFromMemory(gz.substr(0, gz.size() / 2), "big.txt.gz");
  ASSERT_FALSE(cut.ok());
  EXPECT_EQ(cut.status().code(), StatusCode::kDataLoss);
  EXPECT_THAT(cut.status().message(),
              ::testing::MatchesRegex("big.txt.gz line [0-9]+: compressed "
                                      "data is truncated or corrupt"));
}

TEST(PgsTest, MissingFileIsNotFound) {
  EXPECT_EQ(ReadPgs(testing::ScratchDir() / "absent.txt").status().code(),
            StatusCode::kNotFound);
}

}  // namespace
}  // namespace jumeau::io

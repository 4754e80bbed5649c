// Polygenic scores on real genotypes against plink2 --score (the reference
// pgsc_calc runs): tiny1000G (../shared/data/vcf) read with io/vcf.h, scoring
// files read with io/pgs.h, scores from analysis/pgs_score.h compared with
// plink2's .sscore for every sample, with and without missing genotypes.
// Spans io/ and analysis/, hence here rather than beside the code.
//
// PGS000001 (../shared/data/pgs) shares no position with tiny1000G (that
// subset was drawn from PGS001229's variants), so its check is that both we
// and plink2 find nothing to score; the numeric comparison uses a PGS Catalog
// format 2.0 file derived here from tiny1000G's own variants, with every
// orientation the matcher handles (REF or ALT effect allele, the opposite
// strand, no other allele), strand-ambiguous variants and absent positions.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "jumeau/analysis/pgs_score.h"
#include "jumeau/ingest/ingest.h"
#include "jumeau/io/pgs.h"
#include "jumeau/io/vcf.h"
#include "jumeau/store/sqlite_store.h"
#include "jumeau/testing/test_data.h"

namespace jumeau {
namespace {

using ::testing::HasSubstr;

// Scores are compared to this absolute tolerance. plink2 prints 6
// significant digits, so the derived weights keep |score| < 1.
constexpr double kTolerance = 1e-6;

std::string RunCommand(const std::string& command, int* status = nullptr) {
  std::string out;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return out;
  char buf[65536];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, pipe)) > 0) out.append(buf, n);
  const int rc = ::pclose(pipe);
  if (status != nullptr) *status = rc;
  return out;
}

bool HavePlink2() {
  return std::system("command -v plink2 > /dev/null 2>&1") == 0;
}

#define REQUIRE_PLINK2()                                               \
  do {                                                                 \
    if (!HavePlink2()) {                                               \
      if (::jumeau::testing::UnderCi()) {                              \
        FAIL() << "plink2 missing under CI (Debian package plink2)";   \
      }                                                                \
      GTEST_SKIP() << "plink2 not installed (Debian package plink2): " \
                      "comparison skipped";                            \
    }                                                                  \
  } while (0)

std::vector<std::string> Split(const std::string& s, char sep) {
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

void WriteFile(const std::filesystem::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
}

std::string Complement(const std::string& a) {
  std::string out = a;
  for (char& c : out) {
    c = c == 'A' ? 'T' : c == 'T' ? 'A' : c == 'C' ? 'G' : c == 'G' ? 'C' : c;
  }
  return out;
}

bool Ambiguous(const std::string& ref, const std::string& alt) {
  return Complement(ref) == alt && ref != alt;
}

// One row of plink2's .sscore.
struct Plink2Row {
  int64_t allele_ct = 0;
  int64_t denom = 0;
  double dosage_sum = 0;
  double avg = 0;
  double sum = 0;
};

// Runs plink2 --score on `vcf` with `score_file` (ID, A1, WEIGHT columns,
// header line) in `dir`; returns rows by sample id, or fails the test.
std::map<std::string, Plink2Row> RunPlink2(const std::filesystem::path& vcf,
                                           const std::filesystem::path& score,
                                           const std::filesystem::path& dir,
                                           const std::string& modifiers) {
  std::map<std::string, Plink2Row> rows;
  const std::filesystem::path out = dir / "plink2";
  int status = 0;
  RunCommand("cd '" + dir.string() + "' && plink2 --vcf '" + vcf.string() +
                 "' --score '" + score.string() + "' 1 2 3 header " +
                 modifiers +
                 " cols=+scoresums,+denom --threads 1 --memory 1024 --out '" +
                 out.string() + "' > /dev/null 2>&1",
             &status);
  EXPECT_EQ(status, 0) << "plink2 failed; see " << out.string() << ".log";
  std::ifstream in(out.string() + ".sscore");
  std::string line;
  std::getline(in, line);
  EXPECT_EQ(line,
            "#IID\tALLELE_CT\tDENOM\tNAMED_ALLELE_DOSAGE_SUM\tSCORE1_AVG\t"
            "SCORE1_SUM");
  while (std::getline(in, line)) {
    const std::vector<std::string> f = Split(line, '\t');
    if (f.size() != 6) continue;
    Plink2Row r;
    r.allele_ct = std::stoll(f[1]);
    r.denom = std::stoll(f[2]);
    r.dosage_sum = std::stod(f[3]);
    r.avg = std::stod(f[4]);
    r.sum = std::stod(f[5]);
    rows[f[0]] = r;
  }
  return rows;
}

// A scoring file made from the variants of `table`, and what a correct
// matcher must make of it.
struct DerivedScore {
  std::string text;               // PGS Catalog format 2.0, harmonized
  std::string plink2_score;       // ID, A1 (VCF coding), weight
  std::set<std::string> matched;  // VCF ids that must match
  size_t rows = 0;
  size_t ambiguous = 0;
  size_t absent = 0;
};

DerivedScore DeriveScore(const GenotypeTable& table) {
  DerivedScore d;
  d.text =
      "###PGS CATALOG SCORING FILE - derived from tiny1000G for a test\n"
      "#format_version=2.0\n"
      "##POLYGENIC SCORE (PGS) INFORMATION\n"
      "#pgs_id=PGS_TINY\n"
      "#genome_build=NR\n"
      "##HARMONIZATION DETAILS\n"
      "#HmPOS_build=GRCh38\n"
      "rsID\tchr_name\tchr_position\teffect_allele\tother_allele\t"
      "effect_weight\thm_chr\thm_pos\thm_inferOtherAllele\n";
  d.plink2_score = "ID\tA1\tWEIGHT\n";
  for (size_t k = 0; k < table.variant_count(); ++k) {
    const std::string chrom(table.chrom(k));
    const std::string ref(table.ref(k));
    const std::string alt(table.alt(k));
    const std::string id(table.id(k));
    int64_t pos = table.position(k);
    const bool absent = k % 25 == 24;  // a position the VCF does not have
    if (absent) pos += 1;
    std::string effect, other;
    std::string effect_in_vcf;  // the effect allele as the VCF writes it
    switch (k % 4) {
      case 0:  // altref
        effect = alt, other = ref, effect_in_vcf = alt;
        break;
      case 1:  // refalt
        effect = ref, other = alt, effect_in_vcf = ref;
        break;
      case 2:  // opposite strand
        effect = Complement(alt), other = Complement(ref), effect_in_vcf = alt;
        break;
      default:  // no other allele
        effect = alt, effect_in_vcf = alt;
        break;
    }
    char weight[32];
    std::snprintf(weight, sizeof weight, "%.9g",
                  1e-3 * std::sin(static_cast<double>(k) + 1.0));
    d.text += "rs" + std::to_string(k) + "\t" + chrom + "\t" +
              std::to_string(pos) + "\t" + effect + "\t" + other + "\t" +
              weight + "\t" + chrom + "\t" + std::to_string(pos) + "\t\n";
    ++d.rows;
    if (absent) {
      ++d.absent;
      continue;
    }
    if (Ambiguous(ref, alt)) {
      ++d.ambiguous;
      continue;
    }
    d.matched.insert(id);
    d.plink2_score += id + "\t" + effect_in_vcf + "\t" + weight + "\n";
  }
  return d;
}

// Our scores for every sample equal plink2's.
void ExpectSameAsPlink2(const analysis::PgsScores& ours,
                        const GenotypeTable& table,
                        const std::map<std::string, Plink2Row>& plink2) {
  ASSERT_EQ(plink2.size(), table.sample_count());
  double max_abs = 0;
  double max_diff = 0;
  size_t compared = 0;
  for (size_t s = 0; s < table.sample_count(); ++s) {
    const auto it = plink2.find(table.sample_ids()[s]);
    ASSERT_NE(it, plink2.end());
    const Plink2Row& p = it->second;
    max_abs = std::max(max_abs, std::abs(p.sum));
    max_diff = std::max(max_diff, std::abs(ours.sums[s] - p.sum));
    EXPECT_NEAR(ours.sums[s], p.sum, kTolerance) << "sample #" << s;
    EXPECT_EQ(ours.allele_counts[s], p.allele_ct) << "sample #" << s;
    EXPECT_EQ(ours.denominators[s], p.denom) << "sample #" << s;
    EXPECT_NEAR(ours.dosage_sums[s], p.dosage_sum, 1e-9) << "sample #" << s;
    EXPECT_NEAR(ours.averages[s], p.avg, 1e-5 * std::abs(p.avg) + 1e-12)
        << "sample #" << s;
    ++compared;
  }
  EXPECT_GE(compared, 5u);
  // The tolerance is meaningful only while plink2's 6 digits resolve 1e-6.
  EXPECT_LT(max_abs, 1.0);
  std::printf("max |score| %.3g, max difference from plink2 %.3g\n", max_abs,
              max_diff);
}

TEST(PgsPlink2Test, DerivedScoreOnTiny1000GMatchesPlink2) {
  JUMEAU_REQUIRE_TEST_DATA(vcf, "vcf/tiny1000G.vcf.gz");
  REQUIRE_PLINK2();
  const std::filesystem::path dir = testing::ScratchDir();
  Result<GenotypeTable> table = io::ReadVcf(vcf);
  ASSERT_TRUE(table.ok()) << table.status().ToString();
  const DerivedScore d = DeriveScore(*table);
  WriteFile(dir / "PGS_TINY_hmPOS_GRCh38.txt", d.text);
  WriteFile(dir / "plink2.score", d.plink2_score);

  Result<ScoringFile> scoring = io::ReadPgs(dir / "PGS_TINY_hmPOS_GRCh38.txt");
  ASSERT_TRUE(scoring.ok()) << scoring.status().ToString();
  Result<analysis::PgsScores> ours = analysis::ScorePgs(*scoring, *table);
  ASSERT_TRUE(ours.ok()) << ours.status().ToString();
  const analysis::PgsMatch& m = ours->match;
  EXPECT_EQ(m.variants_total, d.rows);
  EXPECT_EQ(m.variants_matched, d.matched.size());
  EXPECT_EQ(m.counts[static_cast<size_t>(analysis::MatchStatus::kAmbiguous)],
            d.ambiguous);
  EXPECT_EQ(m.counts[static_cast<size_t>(analysis::MatchStatus::kNotFound)],
            d.absent);
  EXPECT_GT(m.flipped, 100u);
  for (const analysis::VariantMatch& vm : m.variants) {
    if (vm.status == analysis::MatchStatus::kMatched) {
      EXPECT_EQ(d.matched.count(std::string(table->id(vm.genotype_index))), 1u);
    }
  }
  std::printf("%s\n", ours->BriefReport().c_str());

  ExpectSameAsPlink2(*ours, *table,
                     RunPlink2(vcf, dir / "plink2.score", dir, ""));
}

// The path of `jumeau ingest` + `jumeau score`: tiny1000G into a store (each
// sample its own patient), then five patients' stored genotypes scored one
// by one (no cohort, so a missing call counts zero) against plink2 with
// 'no-mean-imputation' on the VCF itself.
TEST(PgsPlink2Test, StoredGenotypesScoreLikePlink2) {
  JUMEAU_REQUIRE_TEST_DATA(vcf, "vcf/tiny1000G.vcf.gz");
  REQUIRE_PLINK2();
  const std::filesystem::path dir = testing::ScratchDir() / "stored";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  Result<GenotypeTable> table = io::ReadVcf(vcf);
  ASSERT_TRUE(table.ok()) << table.status().ToString();
  const DerivedScore d = DeriveScore(*table);
  WriteFile(dir / "PGS_TINY_hmPOS_GRCh38.txt", d.text);
  WriteFile(dir / "plink2.score", d.plink2_score);
  const auto plink2 =
      RunPlink2(vcf, dir / "plink2.score", dir, "no-mean-imputation");

  auto store = store::CreateSqliteStore(dir / "store.jumeau");
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  const std::vector<size_t> picked = {0, 1, 977, 2048, 3201};
  for (size_t s : picked) {
    ASSERT_TRUE((*store)
                    ->Link("vcf-sample:" + table->sample_ids()[s],
                           "s" + std::to_string(s))
                    .ok());
  }
  auto report = ingest::IngestSource(
      **store, {ingest::SourceKind::kVcf, vcf}, ingest::IngestOptions{});
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->patients, 3202);
  EXPECT_EQ(report->variants, static_cast<int64_t>(table->variant_count()));

  Result<ScoringFile> scoring = io::ReadPgs(dir / "PGS_TINY_hmPOS_GRCh38.txt");
  ASSERT_TRUE(scoring.ok());
  analysis::PgsOptions options;
  options.missing = analysis::MissingGenotypes::kZero;
  for (size_t s : picked) {
    auto patient = (*store)->FindPatient("s" + std::to_string(s));
    ASSERT_TRUE(patient.ok());
    auto genotypes = (*store)->Genotypes(patient->id, {});
    ASSERT_TRUE(genotypes.ok()) << genotypes.status().ToString();
    ASSERT_EQ(genotypes->variant_count(), table->variant_count());
    auto ours = analysis::ScorePgs(*scoring, *genotypes, options);
    ASSERT_TRUE(ours.ok()) << ours.status().ToString();
    const auto it = plink2.find(table->sample_ids()[s]);
    ASSERT_NE(it, plink2.end());
    EXPECT_NEAR(ours->sums[0], it->second.sum, kTolerance) << "sample #" << s;
    EXPECT_EQ(ours->allele_counts[0], it->second.allele_ct);
    EXPECT_NEAR(ours->averages[0], it->second.avg,
                1e-5 * std::abs(it->second.avg) + 1e-12);
    std::printf("sample #%zu: stored-genotype score %.9g, plink2 %.6g\n", s,
                ours->sums[0], it->second.sum);
  }
}

TEST(PgsPlink2Test, MissingGenotypesMatchPlink2) {
  JUMEAU_REQUIRE_TEST_DATA(vcf, "vcf/tiny1000G.vcf.gz");
  REQUIRE_PLINK2();
  const std::filesystem::path dir = testing::ScratchDir();
  // tiny1000G with about 1 call in 23 set missing ("./." or ".").
  std::istringstream in(RunCommand("gzip -dc '" + vcf.string() + "'"));
  std::string text;
  std::string line;
  size_t record = 0;
  size_t missing = 0;
  while (std::getline(in, line)) {
    if (line[0] == '#') {
      text += line + "\n";
      continue;
    }
    std::vector<std::string> f = Split(line, '\t');
    for (size_t j = 9; j < f.size(); ++j) {
      if ((record * 7919 + j * 104729) % 23 == 0) {
        f[j] = f[j].size() == 1 ? "." : "./.";
        ++missing;
      }
    }
    for (size_t j = 0; j < f.size(); ++j) text += (j ? "\t" : "") + f[j];
    text += "\n";
    ++record;
  }
  ASSERT_GT(missing, 100000u);
  WriteFile(dir / "missing.vcf", text);
  Result<GenotypeTable> table = io::ReadVcf(dir / "missing.vcf");
  ASSERT_TRUE(table.ok()) << table.status().ToString();
  const DerivedScore d = DeriveScore(*table);
  WriteFile(dir / "PGS_TINY_hmPOS_GRCh38.txt", d.text);
  WriteFile(dir / "plink2.score", d.plink2_score);
  Result<ScoringFile> scoring = io::ReadPgs(dir / "PGS_TINY_hmPOS_GRCh38.txt");
  ASSERT_TRUE(scoring.ok());

  // plink2's default: mean imputation from the sample set.
  Result<analysis::PgsScores> ours = analysis::ScorePgs(*scoring, *table);
  ASSERT_TRUE(ours.ok()) << ours.status().ToString();
  EXPECT_EQ(ours->unimputed, 0);
  ExpectSameAsPlink2(
      *ours, *table,
      RunPlink2(dir / "missing.vcf", dir / "plink2.score", dir, ""));
  // 'no-mean-imputation'.
  analysis::PgsOptions zero;
  zero.missing = analysis::MissingGenotypes::kZero;
  ours = analysis::ScorePgs(*scoring, *table, zero);
  ASSERT_TRUE(ours.ok());
  ExpectSameAsPlink2(*ours, *table,
                     RunPlink2(dir / "missing.vcf", dir / "plink2.score", dir,
                               "no-mean-imputation"));
}

TEST(PgsPlink2Test, Pgs000001SharesNoVariantWithTiny1000G) {
  JUMEAU_REQUIRE_TEST_DATA(vcf, "vcf/tiny1000G.vcf.gz");
  JUMEAU_REQUIRE_TEST_DATA(pgs, "pgs/PGS000001_hmPOS_GRCh38.txt");
  Result<GenotypeTable> table = io::ReadVcf(vcf);
  ASSERT_TRUE(table.ok());
  Result<ScoringFile> scoring = io::ReadPgs(pgs);
  ASSERT_TRUE(scoring.ok());
  Result<analysis::PgsMatch> m = analysis::MatchPgs(*scoring, *table);
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(m->variants_total, 77u);
  EXPECT_EQ(m->variants_matched, 0u);
  EXPECT_EQ(m->counts[static_cast<size_t>(analysis::MatchStatus::kNotFound)],
            77u);
  Result<analysis::PgsScores> s = analysis::ScorePgs(*scoring, *table);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_THAT(s.status().message(),
              HasSubstr("PGS000001: 0 of 77 variants matched (0.0%), below "
                        "the minimum overlap of 75.0%"));

  // plink2 agrees: none of the IDs the 77 variants could have in
  // tiny1000G's chr:pos:ref:alt scheme, either orientation or strand, is
  // there.
  REQUIRE_PLINK2();
  const std::filesystem::path dir = testing::ScratchDir();
  std::string score = "ID\tA1\tWEIGHT\n";
  for (size_t i = 0; i < scoring->variant_count(); ++i) {
    const std::string prefix = std::string(scoring->hm_chrs[i]) + ":" +
                               std::to_string(scoring->hm_positions[i]) + ":";
    const std::string e(scoring->effect_alleles[i]);
    const std::string o(scoring->other_alleles[i]);
    for (const auto& [a, b] : {std::pair{e, o}, std::pair{o, e},
                               std::pair{Complement(e), Complement(o)},
                               std::pair{Complement(o), Complement(e)}}) {
      score += prefix + a + ":" + b + "\t" + e + "\t1\n";
    }
  }
  WriteFile(dir / "pgs000001.score", score);
  int status = 0;
  RunCommand("cd '" + dir.string() + "' && plink2 --vcf '" + vcf.string() +
                 "' --score pgs000001.score 1 2 3 header ignore-dup-ids "
                 "--threads 1 --memory 1024 --out p > /dev/null 2>&1",
             &status);
  EXPECT_NE(status, 0);
  std::ifstream log(dir / "p.log");
  std::stringstream ss;
  ss << log.rdbuf();
  EXPECT_THAT(ss.str(), HasSubstr("No valid variants in --score file"));
}

}  // namespace
}  // namespace jumeau

// Tests for the VCF/BCF reader (vcf.h): tiny1000G (1000 Genomes subset) read
// whole, by sample, by region and in batches, checked call by call against an
// independent parse of the decompressed text and against `bcftools query`;
// generated files for multi-allelic sites, dosages, builds, and each class of
// broken input (errors name the file and line).
#include "jumeau/io/vcf.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <htslib/bgzf.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "jumeau/testing/test_data.h"

namespace jumeau::io {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr size_t kTinySamples = 3202;
constexpr size_t kTinyVariants = 1004;

// ---------------------------------------------------------------------------
// Helpers.

void WriteFile(const std::filesystem::path& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

std::string ReadBytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Writes `text` BGZF-compressed with htslib (as bgzip does).
void WriteBgzip(const std::filesystem::path& path, const std::string& text) {
  BGZF* fp = bgzf_open(path.c_str(), "w");
  ASSERT_NE(fp, nullptr);
  ASSERT_EQ(bgzf_write(fp, text.data(), text.size()),
            static_cast<ssize_t>(text.size()));
  ASSERT_EQ(bgzf_close(fp), 0);
}

// Standard output of a shell command; empty when it fails.
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

bool HaveTool(const std::string& tool) {
  return std::system(("command -v " + tool + " > /dev/null 2>&1").c_str()) == 0;
}

#define REQUIRE_TOOL(tool, package)                                        \
  do {                                                                     \
    if (!HaveTool(tool)) {                                                 \
      if (::jumeau::testing::UnderCi()) {                                  \
        FAIL() << tool << " missing under CI (Debian package " << package  \
               << ")";                                                     \
      }                                                                    \
      GTEST_SKIP() << tool << " not installed (Debian package " << package \
                   << "): comparison skipped";                             \
    }                                                                      \
  } while (0)

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

// An independent reading of a biallelic VCF's text: per record the fields
// and per sample the ALT count (-1 missing), haploid flag and phase flag.
struct TextVcf {
  std::vector<std::string> samples;
  struct Record {
    std::string chrom, id, ref, alt;
    int64_t pos = 0;
    std::vector<int> counts;
    std::vector<bool> haploid, phased;
  };
  std::vector<Record> records;
};

TextVcf ParseText(const std::string& text) {
  TextVcf out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("##", 0) == 0) continue;
    const std::vector<std::string> f = SplitString(line, '\t');
    if (line.rfind("#CHROM", 0) == 0) {
      out.samples.assign(f.begin() + 9, f.end());
      continue;
    }
    TextVcf::Record r;
    r.chrom = f[0];
    r.pos = std::stoll(f[1]);
    r.id = f[2] == "." ? "" : f[2];
    r.ref = f[3];
    r.alt = f[4];
    for (size_t i = 9; i < f.size(); ++i) {
      const std::string gt = SplitString(f[i], ':')[0];
      if (gt.size() == 1) {
        r.counts.push_back(gt == "." ? -1 : gt == "1" ? 1 : 0);
        r.haploid.push_back(true);
        r.phased.push_back(false);
      } else {
        const char a = gt[0], b = gt[2];
        r.counts.push_back(a == '.' || b == '.' ? -1 : (a == '1') + (b == '1'));
        r.haploid.push_back(false);
        r.phased.push_back(gt[1] == '|');
      }
    }
    out.records.push_back(std::move(r));
  }
  return out;
}

// Expects `table` to hold exactly the records of `text` (biallelic, in
// order), for the samples at `columns` of the text.
void ExpectSameAsText(const GenotypeTable& table, const TextVcf& text,
                      const std::vector<size_t>& columns) {
  ASSERT_EQ(table.variant_count(), text.records.size());
  ASSERT_EQ(table.sample_count(), columns.size());
  for (size_t s = 0; s < columns.size(); ++s) {
    ASSERT_EQ(table.sample_ids()[s], text.samples[columns[s]]);
  }
  size_t mismatches = 0;
  for (size_t v = 0; v < text.records.size(); ++v) {
    const TextVcf::Record& r = text.records[v];
    ASSERT_EQ(table.chrom(v), r.chrom) << "variant " << v;
    ASSERT_EQ(table.position(v), r.pos) << "variant " << v;
    ASSERT_EQ(table.id(v), r.id) << "variant " << v;
    ASSERT_EQ(table.ref(v), r.ref) << "variant " << v;
    ASSERT_EQ(table.alt(v), r.alt) << "variant " << v;
    ASSERT_FALSE(table.multiallelic(v));
    for (size_t s = 0; s < columns.size(); ++s) {
      const size_t c = columns[s];
      if (table.alt_count(v, s) != r.counts[c] ||
          table.haploid(v, s) != r.haploid[c] ||
          table.phased(v, s) != r.phased[c]) {
        if (++mismatches < 5) {
          ADD_FAILURE() << "variant " << v << " sample " << s << ": got "
                        << int{table.alt_count(v, s)} << " want "
                        << r.counts[c];
        }
      }
    }
  }
  EXPECT_EQ(mismatches, 0u);
}

std::vector<size_t> AllColumns(size_t n) {
  std::vector<size_t> out(n);
  for (size_t i = 0; i < n; ++i) out[i] = i;
  return out;
}

const char kSmallHeader[] =
    "##fileformat=VCFv4.2\n"
    "##FORMAT=<ID=GT,Number=1,Type=String,Description=\"Genotype\">\n"
    "##FORMAT=<ID=DS,Number=A,Type=Float,Description=\"Dosage\">\n"
    "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tS1\tS2\n";

// ---------------------------------------------------------------------------
// tiny1000G.

TEST(VcfTest, Tiny1000GMatchesIndependentParse) {
  JUMEAU_REQUIRE_TEST_DATA(path, "vcf/tiny1000G.vcf.gz");
  Result<GenotypeTable> table = ReadVcf(path);
  ASSERT_TRUE(table.ok()) << table.status().ToString();
  EXPECT_EQ(table->sample_count(), kTinySamples);
  EXPECT_EQ(table->variant_count(), kTinyVariants);
  EXPECT_FALSE(table->has_dosages());
  EXPECT_EQ(table->genome_build(), "");  // the header names no assembly
  EXPECT_EQ(table->sample_ids().front(), "HG00096");
  EXPECT_TRUE(table->warnings().empty());

  int status = 0;
  const std::string text =
      RunCommand("gzip -dc '" + path.string() + "'", &status);
  ASSERT_EQ(status, 0);
  const TextVcf expected = ParseText(text);
  ASSERT_EQ(expected.samples.size(), kTinySamples);
  ExpectSameAsText(*table, expected, AllColumns(kTinySamples));

  // Spot checks from the file itself: HG00096 at 10:418379 is 0|1; X calls
  // of male samples are haploid.
  EXPECT_EQ(table->id(0), "10:418379:G:A");
  EXPECT_EQ(table->alt_count(0, 0), 1);
  EXPECT_TRUE(table->phased(0, 0));
  size_t haploid = 0;
  for (size_t v = 0; v < table->variant_count(); ++v) {
    if (table->chrom(v) == "X" && table->haploid(v, 0)) ++haploid;
  }
  EXPECT_EQ(haploid, 36u);  // HG00096 is male: all 36 chrX calls haploid
}

TEST(VcfTest, Tiny1000GMatchesBcftoolsQuery) {
  JUMEAU_REQUIRE_TEST_DATA(path, "vcf/tiny1000G.vcf.gz");
  REQUIRE_TOOL("bcftools", "bcftools");
  const std::vector<std::string> names = {"HG00096", "HG00100", "HG00171",
                                          "NA12878", "NA21144"};
  std::string list;
  for (const std::string& n : names) list += (list.empty() ? "" : ",") + n;
  int status = 0;
  const std::string out =
      RunCommand("bcftools query -s " + list +
                     " -f '%CHROM\\t%POS\\t%REF\\t%ALT[\\t%GT]\\n' '" +
                     path.string() + "'",
                 &status);
  ASSERT_EQ(status, 0) << "bcftools query failed";
  VcfOptions options;
  options.samples = names;
  Result<GenotypeTable> table = ReadVcf(path, options);
  ASSERT_TRUE(table.ok()) << table.status().ToString();
  ASSERT_EQ(table->sample_count(), names.size());
  // bcftools lists samples in file order, as we do.
  std::map<std::string, size_t> column_of;
  for (size_t s = 0; s < names.size(); ++s) {
    column_of[table->sample_ids()[s]] = s;
  }
  std::istringstream in(out);
  std::string line;
  size_t v = 0;
  size_t compared = 0;
  while (std::getline(in, line)) {
    const std::vector<std::string> f = SplitString(line, '\t');
    ASSERT_LT(v, table->variant_count());
    EXPECT_EQ(table->chrom(v), f[0]);
    EXPECT_EQ(table->position(v), std::stoll(f[1]));
    EXPECT_EQ(table->ref(v), f[2]);
    EXPECT_EQ(table->alt(v), f[3]);
    for (size_t s = 0; s < names.size(); ++s) {
      const std::string& gt = f[4 + s];
      const int want =
          gt.size() == 1 ? (gt == "1") : (gt[0] == '1') + (gt[2] == '1');
      EXPECT_EQ(table->alt_count(v, s), want) << line;
      ++compared;
    }
    ++v;
  }
  EXPECT_EQ(v, kTinyVariants);
  EXPECT_EQ(compared, kTinyVariants * names.size());
}

TEST(VcfTest, SelectsSamplesInFileOrder) {
  JUMEAU_REQUIRE_TEST_DATA(path, "vcf/tiny1000G.vcf.gz");
  Result<GenotypeTable> all = ReadVcf(path);
  ASSERT_TRUE(all.ok());
  VcfOptions options;
  options.samples = {"HG00099", "HG00096", "HG00099"};
  Result<GenotypeTable> some = ReadVcf(path, options);
  ASSERT_TRUE(some.ok()) << some.status().ToString();
  ASSERT_EQ(some->sample_count(), 2u);
  EXPECT_EQ(some->sample_ids()[0], "HG00096");
  EXPECT_EQ(some->sample_ids()[1], "HG00099");
  ASSERT_EQ(some->variant_count(), all->variant_count());
  for (size_t v = 0; v < all->variant_count(); ++v) {
    EXPECT_EQ(some->alt_count(v, 0), all->alt_count(v, 0));
    EXPECT_EQ(some->alt_count(v, 1), all->alt_count(v, 2));
  }
}

TEST(VcfTest, UnknownSampleIsNotFoundWithoutNamingIt) {
  JUMEAU_REQUIRE_TEST_DATA(path, "vcf/tiny1000G.vcf.gz");
  VcfOptions options;
  options.samples = {"HG00096", "SECRET_PATIENT_42"};
  Result<GenotypeTable> t = ReadVcf(path, options);
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.status().code(), StatusCode::kNotFound);
  EXPECT_THAT(t.status().message(), HasSubstr("sample #2"));
  EXPECT_THAT(t.status().message(), Not(HasSubstr("SECRET")));
}

TEST(VcfTest, RegionWithIndexAndByScanningAgree) {
  JUMEAU_REQUIRE_TEST_DATA(path, "vcf/tiny1000G.vcf.gz");
  Result<GenotypeTable> all = ReadVcf(path);
  ASSERT_TRUE(all.ok());
  size_t expected = 0;
  for (size_t v = 0; v < all->variant_count(); ++v) {
    if (all->chrom(v) == "10" && all->position(v) >= 1000000 &&
        all->position(v) <= 50000000) {
      ++expected;
    }
  }
  ASSERT_GT(expected, 5u);
  // The shared folder has tiny1000G.vcf.gz.tbi: the index is used.
  for (const char* region :
       {"10:1,000,000-50,000,000", "chr10:1000000-50000000"}) {
    VcfOptions options;
    options.region = region;
    Result<GenotypeTable> t = ReadVcf(path, options);
    ASSERT_TRUE(t.ok()) << t.status().ToString();
    EXPECT_EQ(t->variant_count(), expected) << region;
    EXPECT_EQ(t->chrom(0), "10");
  }
  // A plain copy without an index is scanned.
  const std::filesystem::path plain = testing::ScratchDir() / "tiny.vcf";
  WriteFile(plain, RunCommand("gzip -dc '" + path.string() + "'"));
  VcfOptions options;
  options.region = "10:1000000-50000000";
  Result<GenotypeTable> scanned = ReadVcf(plain, options);
  ASSERT_TRUE(scanned.ok()) << scanned.status().ToString();
  ASSERT_EQ(scanned->variant_count(), expected);
  // Whole chromosome; unknown chromosome.
  options.region = "X";
  Result<GenotypeTable> x = ReadVcf(path, options);
  ASSERT_TRUE(x.ok());
  EXPECT_EQ(x->variant_count(), 36u);
  options.region = "chr99:1-10";
  Result<GenotypeTable> none = ReadVcf(path, options);
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(none->variant_count(), 0u);
  options.region = "10:500-100";
  EXPECT_EQ(ReadVcf(path, options).status().code(),
            StatusCode::kInvalidArgument);
}

TEST(VcfTest, StreamsInBatches) {
  JUMEAU_REQUIRE_TEST_DATA(path, "vcf/tiny1000G.vcf.gz");
  Result<GenotypeTable> all = ReadVcf(path);
  ASSERT_TRUE(all.ok());
  VcfOptions options;
  options.batch_variants = 100;
  Result<std::unique_ptr<VcfReader>> reader = OpenVcf(path, options);
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  GenotypeTable batch;
  size_t total = 0;
  size_t batches = 0;
  while (true) {
    Result<bool> more = (*reader)->Next(&batch);
    ASSERT_TRUE(more.ok()) << more.status().ToString();
    if (!*more) break;
    ++batches;
    EXPECT_LE(batch.variant_count(), 100u);
    for (size_t v = 0; v < batch.variant_count(); ++v) {
      ASSERT_EQ(batch.position(v), all->position(total + v));
      ASSERT_EQ(batch.alt_count(v, 7), all->alt_count(total + v, 7));
    }
    total += batch.variant_count();
  }
  EXPECT_EQ(total, kTinyVariants);
  EXPECT_EQ(batches, 11u);
  EXPECT_EQ((*reader)->sites_read(), kTinyVariants);
}

TEST(VcfTest, ReadsFromMemoryAndBcf) {
  JUMEAU_REQUIRE_TEST_DATA(path, "vcf/tiny1000G.vcf.gz");
  Result<GenotypeTable> all = ReadVcf(path);
  ASSERT_TRUE(all.ok());
  Result<GenotypeTable> mem =
      ReadVcfFromMemory(ReadBytes(path), "tiny1000G.vcf.gz");
  ASSERT_TRUE(mem.ok()) << mem.status().ToString();
  ASSERT_EQ(mem->variant_count(), all->variant_count());
  for (size_t v = 0; v < all->variant_count(); v += 97) {
    for (size_t s = 0; s < all->sample_count(); s += 101) {
      ASSERT_EQ(mem->alt_count(v, s), all->alt_count(v, s));
    }
  }
  REQUIRE_TOOL("bcftools", "bcftools");
  const std::filesystem::path bcf = testing::ScratchDir() / "tiny.bcf";
  ASSERT_EQ(
      std::system(("bcftools view -Ob -o '" + bcf.string() + "' '" +
                   path.string() + "' && bcftools index '" + bcf.string() + "'")
                      .c_str()),
      0);
  Result<GenotypeTable> b = ReadVcf(bcf);
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  ASSERT_EQ(b->variant_count(), all->variant_count());
  for (size_t v = 0; v < all->variant_count(); ++v) {
    ASSERT_EQ(b->position(v), all->position(v));
    ASSERT_EQ(b->id(v), all->id(v));
    for (size_t s = 0; s < all->sample_count(); s += 13) {
      ASSERT_EQ(b->alt_count(v, s), all->alt_count(v, s));
      ASSERT_EQ(b->call_flags(v, s), all->call_flags(v, s));
    }
  }
  VcfOptions options;
  options.region = "X";
  Result<GenotypeTable> x = ReadVcf(bcf, options);  // through the .csi
  ASSERT_TRUE(x.ok()) << x.status().ToString();
  EXPECT_EQ(x->variant_count(), 36u);
}

// ---------------------------------------------------------------------------
// Generated files.

TEST(VcfTest, SplitsMultiallelicSitesAndReadsDosages) {
  const std::filesystem::path path = testing::ScratchDir() / "multi.vcf";
  WriteFile(path, std::string(kSmallHeader) +
                      "1\t100\trs1\tA\tG,T\t.\tPASS\t.\tGT:DS\t1|2:0.5,0.75\t"
                      "2/2:.\n"
                      "1\t200\t.\tC\tT\t.\t.\t.\tGT:DS\t0/1:1.2\t./.:0\n"
                      "1\t300\trs3\tG\t.\t.\t.\t.\tGT\t0|0\t0\n");
  Result<GenotypeTable> t = ReadVcf(path);
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  ASSERT_EQ(t->variant_count(), 4u);
  ASSERT_TRUE(t->has_dosages());
  // rs1 split into A>G and A>T.
  EXPECT_EQ(t->id(0), "rs1");
  EXPECT_EQ(t->alt(0), "G");
  EXPECT_EQ(t->alt(1), "T");
  EXPECT_TRUE(t->multiallelic(0));
  EXPECT_TRUE(t->multiallelic(1));
  EXPECT_EQ(t->alt_count(0, 0), 1);  // 1|2: one G
  EXPECT_EQ(t->alt_count(1, 0), 1);  //      one T
  EXPECT_EQ(t->alt_count(0, 1), 0);  // 2/2: no G
  EXPECT_EQ(t->alt_count(1, 1), 2);  //      two T
  EXPECT_TRUE(t->phased(0, 0));
  EXPECT_FALSE(t->phased(1, 1));
  EXPECT_FLOAT_EQ(t->dosage(0, 0), 0.5f);
  EXPECT_FLOAT_EQ(t->dosage(1, 0), 0.75f);
  EXPECT_TRUE(std::isnan(t->dosage(0, 1)));
  // Biallelic with DS; missing GT keeps its DS.
  EXPECT_FALSE(t->multiallelic(2));
  EXPECT_EQ(t->id(2), "");
  EXPECT_EQ(t->alt_count(2, 1), kMissingCall);
  EXPECT_FLOAT_EQ(t->dosage(2, 0), 1.2f);
  EXPECT_FLOAT_EQ(t->dosage(2, 1), 0.0f);
  // No ALT: one record with alt "", haploid call.
  EXPECT_EQ(t->alt(3), "");
  EXPECT_EQ(t->alt_count(3, 0), 0);
  EXPECT_TRUE(t->haploid(3, 1));
  EXPECT_TRUE(std::isnan(t->dosage(3, 0)));
}

TEST(VcfTest, HalfCallsAreMissingWithAWarning) {
  const std::filesystem::path path = testing::ScratchDir() / "half.vcf";
  WriteFile(path, std::string(kSmallHeader) +
                      "1\t100\trs1\tA\tG\t.\t.\t.\tGT\t0/.\t1|1\n"
                      "1\t101\trs2\tA\tG\t.\t.\t.\tGT\t.\t.|1\n");
  Result<GenotypeTable> t = ReadVcf(path);
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(t->alt_count(0, 0), kMissingCall);
  EXPECT_EQ(t->alt_count(0, 1), 2);
  EXPECT_EQ(t->alt_count(1, 0), kMissingCall);
  EXPECT_EQ(t->alt_count(1, 1), kMissingCall);
  EXPECT_THAT(t->warnings(), ::testing::Contains(HasSubstr("2 half-missing")));
}

TEST(VcfTest, GenomeBuildFromHeaderOrOption) {
  const std::string records = "1\t100\trs1\tA\tG\t.\t.\t.\tGT\t0|1\t1|1\n";
  const std::filesystem::path dir = testing::ScratchDir();
  const std::string body = std::string(kSmallHeader);
  const std::string first = "##fileformat=VCFv4.2\n";
  const std::string rest = body.substr(first.size());

  WriteFile(dir / "len.vcf",
            first + "##contig=<ID=chr1,length=248956422>\n" + rest + records);
  EXPECT_EQ(ReadVcf(dir / "len.vcf")->genome_build(), kGrch38);
  WriteFile(
      dir / "ref.vcf",
      first + "##reference=file:///ref/human_g1k_v37.fasta\n" + rest + records);
  EXPECT_EQ(ReadVcf(dir / "ref.vcf")->genome_build(), kGrch37);
  WriteFile(
      dir / "asm.vcf",
      first + "##contig=<ID=1,length=1000,assembly=GRCh38>\n" + rest + records);
  EXPECT_EQ(ReadVcf(dir / "asm.vcf")->genome_build(), kGrch38);

  VcfOptions options;
  options.genome_build = "hg19";
  Result<GenotypeTable> t = ReadVcf(dir / "asm.vcf", options);
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->genome_build(), kGrch37);
  EXPECT_THAT(t->warnings(), ::testing::Contains(HasSubstr("GRCh38")));
  options.genome_build = "T2T";
  EXPECT_EQ(ReadVcf(dir / "asm.vcf", options).status().code(),
            StatusCode::kInvalidArgument);
}

// Writes `text` to `name` in the scratch dir (bgzipped when `bgzip`) and
// returns ReadVcf's status.
Status ReadGenerated(const std::string& name, const std::string& text,
                     bool bgzip = false) {
  const std::filesystem::path path = testing::ScratchDir() / name;
  if (bgzip) {
    WriteBgzip(path, text);
  } else {
    WriteFile(path, text);
  }
  return ReadVcf(path).status();
}

TEST(VcfTest, BrokenRecordsNameFileAndLine) {
  const std::string h = kSmallHeader;  // 4 lines
  struct Case {
    const char* name;
    std::string text;
    const char* message;
  };
  const Case cases[] = {
      {"bad_gt.vcf",
       h + "1\t100\trs1\tA\tG\t.\t.\t.\tGT\t0|1\t1|1\n"
           "1\t101\trs2\tA\tG\t.\t.\t.\tGT\t0|x\t1|1\n",
       "bad_gt.vcf line 6: sample #1 (column 10): GT '0|x' is not a genotype"},
      {"bad_gt2.vcf", h + "1\t101\trs2\tA\tG\t.\t.\t.\tGT\t0|1\tA/B\n",
       "bad_gt2.vcf line 5: sample #2 (column 11): GT 'A/B' is not a genotype"},
      {"bad_allele.vcf", h + "1\t101\trs2\tA\tG\t.\t.\t.\tGT\t0|5\t1|1\n",
       "bad_allele.vcf line 5: sample #1: GT refers to allele 5 but the site "
       "has 2 allele(s)"},
      {"bad_pos.vcf", h + "1\tabc\trs2\tA\tG\t.\t.\t.\tGT\t0|1\t1|1\n",
       "bad_pos.vcf line 5: POS 'abc' is not a positive integer"},
      {"zero_pos.vcf", h + "1\t0\trs2\tA\tG\t.\t.\t.\tGT\t0|1\t1|1\n",
       "zero_pos.vcf line 5: POS '0' is not a positive integer"},
      {"huge_pos.vcf",
       h + "1\t99999999999999999999\trs2\tA\tG\t.\t.\t.\tGT\t0|1\t1|1\n",
       "huge_pos.vcf line 5: POS '99999999999999999999' is not a positive "
       "integer"},
      {"few_columns.vcf", h + "1\t100\trs1\tA\tG\t.\t.\t.\tGT\t0|1\n",
       "few_columns.vcf line 5: the record has 10 columns; the header declares "
       "2 sample(s), so 11 are expected"},
      {"cut_line.vcf", h + "1\t100\n",
       "cut_line.vcf line 5: the record has 2 column(s); a VCF record needs "
       "at least 8"},
      {"half_gt.vcf", h + "1\t100\trs1\tA\tG\t.\t.\t.\tGT\t0|\t1|1\n",
       "half_gt.vcf line 5: sample #1 (column 10): GT '0|' is not a genotype"},
      {"bad_ds.vcf", h + "1\t100\trs1\tA\tG\t.\t.\t.\tGT:DS\t0|1:3.5\t1|1:2\n",
       "bad_ds.vcf line 5: sample #1: DS 3.5 is outside [0, 2]"},
      {"late_header.vcf",
       h + "1\t100\trs1\tA\tG\t.\t.\t.\tGT\t0|1\t1|1\n##INFO=<ID=X>\n",
       "late_header.vcf line 6: header line after the first record"},
      {"no_header.vcf", "1\t100\trs1\tA\tG\t.\t.\t.\tGT\t0|1\t1|1\n",
       "no_header.vcf line 1: not a VCF file"},
      {"no_fileformat.vcf",
       "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n1\t1\t.\tA\tG\t.\t.\t."
       "\n",
       "no_fileformat.vcf line 1: not a VCF file"},
      {"no_chrom_line.vcf",
       "##fileformat=VCFv4.2\n1\t100\trs1\tA\tG\t.\t.\t.\n",
       "no_chrom_line.vcf line 2: expected a ## meta line or the #CHROM line"},
      {"header_ends.vcf", "##fileformat=VCFv4.2\n##source=x\n",
       "header_ends.vcf line 3: the file ends inside the header"},
      {"bad_chrom_line.vcf",
       "##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\n",
       "bad_chrom_line.vcf line 2: #CHROM line: column 8 should be INFO"},
      {"dup_sample.vcf",
       "##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\t"
       "FORMAT\tA\tA\n",
       "dup_sample.vcf line 2: #CHROM line: sample column 11 repeats"},
      {"empty.vcf", "", "empty.vcf line 1: the file is empty"},
  };
  for (const Case& c : cases) {
    const Status s = ReadGenerated(c.name, c.text);
    EXPECT_EQ(s.code(), StatusCode::kDataLoss)
        << c.name << ": " << s.ToString();
    EXPECT_THAT(s.message(), HasSubstr(c.message)) << c.name;
  }
  const Status triploid = ReadGenerated(
      "triploid.vcf", h + "1\t100\trs1\tA\tG\t.\t.\t.\tGT\t0/1/1\t1/1/1\n");
  EXPECT_EQ(triploid.code(), StatusCode::kUnimplemented);
  EXPECT_THAT(triploid.message(), HasSubstr("triploid.vcf line 5: ploidy 3"));
}

TEST(VcfTest, BrokenBgzippedRecordNamesLine) {
  std::string text = kSmallHeader;
  for (int i = 0; i < 5000; ++i) {
    text += "1\t" + std::to_string(100 + i) + "\trs" + std::to_string(i) +
            "\tA\tG\t.\t.\t.\tGT\t0|1\t1|1\n";
  }
  text += "1\t5200\trs\tA\tG\t.\t.\t.\tGT\t0|1\t1/Z\n";  // line 5005
  const Status s = ReadGenerated("broken.vcf.gz", text, /*bgzip=*/true);
  EXPECT_EQ(s.code(), StatusCode::kDataLoss);
  EXPECT_THAT(s.message(),
              HasSubstr("broken.vcf.gz line 5005: sample #2 (column 11): GT "
                        "'1/Z' is not a genotype"));
}

TEST(VcfTest, TruncatedFilesAreDataLoss) {
  JUMEAU_REQUIRE_TEST_DATA(path, "vcf/tiny1000G.vcf.gz");
  const std::string bytes = ReadBytes(path);
  // Cut inside a BGZF block: the decompressor fails; the message names the
  // first line that could not be read.
  const std::filesystem::path cut = testing::ScratchDir() / "cut.vcf.gz";
  WriteFile(cut, bytes.substr(0, bytes.size() / 2));
  Result<GenotypeTable> t = ReadVcf(cut);
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.status().code(), StatusCode::kDataLoss);
  EXPECT_THAT(t.status().message(),
              ::testing::MatchesRegex(".*cut.vcf.gz line [0-9]+: compressed "
                                      "data is truncated or corrupt"));
  // Plain text cut inside a record.
  const std::string text = RunCommand("gzip -dc '" + path.string() + "'");
  const std::filesystem::path plain = testing::ScratchDir() / "cut.vcf";
  const size_t line_start = text.find("\n10\t1698084\t") + 1;
  WriteFile(plain, text.substr(0, line_start + 1000));
  Result<GenotypeTable> p = ReadVcf(plain);
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.status().code(), StatusCode::kDataLoss);
  EXPECT_THAT(p.status().message(),
              HasSubstr("cut.vcf line 8: the record has"));
  // Cut at a block boundary: readable, with a warning (no EOF marker).
  const std::filesystem::path no_eof = testing::ScratchDir() / "noeof.vcf.gz";
  WriteFile(no_eof, bytes.substr(0, bytes.size() - 28));
  Result<GenotypeTable> e = ReadVcf(no_eof);
  ASSERT_TRUE(e.ok()) << e.status().ToString();
  EXPECT_THAT(e->warnings(),
              ::testing::Contains(HasSubstr("no BGZF end-of-file marker")));
}

TEST(VcfTest, MissingFileIsNotFound) {
  EXPECT_EQ(ReadVcf(testing::ScratchDir() / "absent.vcf").status().code(),
            StatusCode::kNotFound);
  EXPECT_EQ(ReadVcf(testing::ScratchDir()).status().code(),
            StatusCode::kIoError);
}

}  // namespace
}  // namespace jumeau::io

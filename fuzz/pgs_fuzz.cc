// Fuzz target for the PGS Catalog scoring-file reader (jumeau/io/pgs.h) and
// the matcher behind it (jumeau/analysis/pgs_score.h): parses the input as a
// scoring file in memory and, when it parses, scores it against a small
// fixed genotype table. Under GCC it is a replay program over
// fuzz/corpus/pgs_fuzz/.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "jumeau/analysis/pgs_score.h"
#include "jumeau/io/pgs.h"

namespace {

jumeau::GenotypeTable MakeTable() {
  jumeau::GenotypeTable t({"S1", "S2", "S3"}, /*with_dosages=*/true);
  const struct {
    const char* chrom;
    int64_t pos;
    const char* ref;
    const char* alt;
  } variants[] = {{"11", 69516650, "C", "T"}, {"5", 1282204, "C", "A"},
                  {"chr1", 100, "A", "T"},    {"1", 100, "A", "G"},
                  {"X", 200, "G", "A"},       {"1", 300, "C", ""}};
  for (const auto& v : variants) {
    const size_t row = t.AddVariant(v.chrom, v.pos, "", v.ref, v.alt, 0);
    t.mutable_alt_count_row(row)[0] = 1;
    t.mutable_alt_count_row(row)[1] = 2;
    t.mutable_call_flags_row(row)[2] = jumeau::kCallHaploid;
    t.mutable_dosage_row(row)[1] = 1.5f;
  }
  return t;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  jumeau::Result<jumeau::ScoringFile> file =
      jumeau::io::ReadPgsFromMemory(bytes, "fuzz.txt");
  if (!file.ok()) return 0;
  static const jumeau::GenotypeTable table = MakeTable();
  jumeau::analysis::PgsOptions options;
  options.min_overlap = 0;
  options.min_samples_for_frequency = 2;
  (void)jumeau::analysis::ScorePgs(*file, table, options);
  options.use_dosages = true;
  options.keep_ambiguous = true;
  options.missing = jumeau::analysis::MissingGenotypes::kZero;
  (void)jumeau::analysis::ScorePgs(*file, table, options);
  return 0;
}

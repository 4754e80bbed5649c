// PGS Catalog scoring-file reader: parses a polygenic score's weights
// (format 2.0, author-reported or harmonized "_hmPOS_GRCh3x", plain or
// gzip-compressed) into the core ScoringFile. Part of io/: bytes in, core
// types out. Columns, header and edge cases: docs/formats-vcf.md.
#ifndef JUMEAU_IO_PGS_H_
#define JUMEAU_IO_PGS_H_

#include <filesystem>
#include <string_view>

#include "jumeau/core/scoring_file.h"
#include "jumeau/core/status.h"

namespace jumeau::io {

// Reads a PGS Catalog scoring file. The "#key=value" header lines fill the
// header fields (pgs_id, genome_build, HmPOS_build, variants_number, ...);
// the first line not starting with '#' names the tab-separated columns;
// every later non-empty line is one variant. Required columns: effect_allele
// and effect_weight; everything else is optional (rsID, chr_name,
// chr_position, other_allele, hm_chr, hm_pos, hm_inferOtherAllele,
// allelefrequency_effect, is_dominant, is_recessive, ...) and unknown
// columns are ignored.
//
// Returns kNotFound when the file does not exist, kIoError when it cannot be
// read, kDataLoss "<file> line <n>: <reason>" (lines counted in the
// decompressed text) for a truncated or corrupt file, a missing column
// header or required column, a row with the wrong number of columns, an
// empty effect allele, a weight or position that is not a number;
// kUnimplemented for what we cannot score: is_haplotype, is_diplotype or
// is_interaction rows, a row both dominant and recessive, and files giving
// only dosage_0/1/2_weight columns.
Result<ScoringFile> ReadPgs(const std::filesystem::path& path);

// As ReadPgs over `bytes` in memory (plain or gzip); `name` stands for the
// file in messages. The fuzz target's entry point.
Result<ScoringFile> ReadPgsFromMemory(std::string_view bytes,
                                      std::string_view name);

}  // namespace jumeau::io

#endif  // JUMEAU_IO_PGS_H_

// VCF/BCF reader: parses variant calls (plain or bgzipped VCF, BCF) through
// htslib into the core GenotypeTable, streaming a bounded batch of variants
// at a time. Part of io/: bytes in, core types out; never touches the store.
// Layout, what we keep and edge cases: docs/formats-vcf.md.
#ifndef JUMEAU_IO_VCF_H_
#define JUMEAU_IO_VCF_H_

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "jumeau/core/genotype.h"
#include "jumeau/core/status.h"

namespace jumeau::io {

// What to read from a VCF/BCF file.
struct VcfOptions {
  // Samples to read, by exact name. Empty (the default) reads every sample.
  // The table lists the selected samples in file order, whatever the order
  // here. A name absent from the header is kNotFound (the message gives its
  // position in this list, never the name).
  std::vector<std::string> samples;
  // Region "chrom", "chrom:from" or "chrom:from-to" (1-based, inclusive;
  // thousands separators allowed). Empty (the default) reads everything.
  // A record is kept when [POS, POS + len(REF) - 1] overlaps the region.
  // Uses the index beside the file (<file>.tbi or <file>.csi for bgzipped
  // VCF, <file>.csi for BCF) when there is one, otherwise scans the file.
  std::string region;
  // Genome build to record ("GRCh38", "hg19", ...: see
  // NormalizeGenomeBuild). Empty (the default) takes it from the header:
  // ##reference, ##contig assembly=..., or the length of chromosome 1. When
  // both are known and differ, this option wins and a warning is recorded.
  std::string genome_build;
  // Read FORMAT/DS dosages when the header declares DS as a Float (default
  // true). Without DS the table has no dosage columns.
  bool read_dosages = true;
  // Variants (after splitting multi-allelic sites) per VcfReader::Next()
  // batch; at least one site is always returned whole. Default 4096.
  size_t batch_variants = 4096;
};

// A VcfReader reads one VCF or BCF source sequentially. Not thread-safe: use
// one reader per thread. While any reader exists htslib's own logging is
// silenced process-wide (its messages are replaced by our Status messages).
class VcfReader {
 public:
  virtual ~VcfReader() = default;

  // Selected sample names, in file order (source identifiers: never log).
  virtual const std::vector<std::string>& sample_ids() const = 0;
  // kGrch37, kGrch38 or "" (see VcfOptions::genome_build).
  virtual const std::string& genome_build() const = 0;
  // True when the batches carry DS dosages.
  virtual bool has_dosages() const = 0;

  // Replaces the variants of `*batch` with the next records (about
  // batch_variants variants; sample list, build and dosage columns set from
  // this reader). Returns true when a batch was produced, false at end of
  // data. Errors: kDataLoss "<file> line <n>: <reason>" for a malformed or
  // truncated record (BCF: "<file> record <n>: ..."; region queries through
  // an index: "<file> record at <chrom>:<pos>: ..."), kUnimplemented for
  // ploidy above 2. After an error the reader is done (Next repeats it).
  virtual Result<bool> Next(GenotypeTable* batch) = 0;

  // VCF sites (lines or BCF records) consumed so far, including those
  // outside the region.
  virtual uint64_t sites_read() const = 0;
  // Recoverable oddities so far ("no BGZF end-of-file marker", "3
  // half-missing calls read as missing"); never names a sample.
  virtual const std::vector<std::string>& warnings() const = 0;
};

// Opens a VCF (plain, gzip or bgzip) or BCF file and reads its header.
// Returns kNotFound when the file does not exist, kIoError when it cannot be
// read, kDataLoss "<file> line <n>: <reason>" when it is not a VCF/BCF or
// the header is malformed, kNotFound for an unknown sample, kInvalidArgument
// for a malformed region or build option. The caller owns the reader.
Result<std::unique_ptr<VcfReader>> OpenVcf(const std::filesystem::path& path,
                                           const VcfOptions& options = {});

// Reads the whole file into one table (OpenVcf + Next until the end),
// warnings included. Same errors as OpenVcf and Next.
Result<GenotypeTable> ReadVcf(const std::filesystem::path& path,
                              const VcfOptions& options = {});

// As ReadVcf over `bytes` in memory (any of the same encodings); `name`
// stands for the file in messages. Regions are found by scanning (no index).
// The fuzz target's entry point.
Result<GenotypeTable> ReadVcfFromMemory(std::string_view bytes,
                                        std::string_view name,
                                        const VcfOptions& options = {});

}  // namespace jumeau::io

#endif  // JUMEAU_IO_VCF_H_

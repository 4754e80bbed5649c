// VCF/BCF reader behind OpenVcf(), ReadVcf() and ReadVcfFromMemory(): reads
// the text header itself (to know line numbers), hands each record line to
// htslib's vcf_parse (BCF records to bcf_read), and turns the calls into
// GenotypeTable rows, splitting multi-allelic sites. htslib's logging is
// silenced; every failure becomes our own Status naming the file and line.
#include "jumeau/io/vcf.h"

#include <htslib/bgzf.h>
#include <htslib/hfile.h>
#include <htslib/hts.h>
#include <htslib/kstring.h>
#include <htslib/tbx.h>
#include <htslib/vcf.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <optional>
#include <set>
#include <utility>

#include "jumeau/io/internal/hts_io.h"
#include "jumeau/io/internal/message.h"

namespace jumeau::io {
namespace {

// Header text we accept before giving up (real headers are a few MiB at most).
constexpr size_t kMaxHeaderBytes = size_t{64} << 20;
// DS values may exceed [0, 2] by rounding in the writer; beyond this it is
// an error.
constexpr float kDosageSlack = 1e-3f;

// ---------------------------------------------------------------------------
// Owners of htslib objects.

struct HtsFileCloser {
  void operator()(htsFile* f) const {
    if (f != nullptr) hts_close(f);
  }
};
struct HeaderDestroyer {
  void operator()(bcf_hdr_t* h) const {
    if (h != nullptr) bcf_hdr_destroy(h);
  }
};
struct RecordDestroyer {
  void operator()(bcf1_t* r) const {
    if (r != nullptr) bcf_destroy(r);
  }
};
struct TbxDestroyer {
  void operator()(tbx_t* t) const {
    if (t != nullptr) tbx_destroy(t);
  }
};
struct IdxDestroyer {
  void operator()(hts_idx_t* i) const {
    if (i != nullptr) hts_idx_destroy(i);
  }
};
struct ItrDestroyer {
  void operator()(hts_itr_t* i) const {
    if (i != nullptr) hts_itr_destroy(i);
  }
};

// ---------------------------------------------------------------------------
// Text helpers.

std::vector<std::string_view> Split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (true) {
    const size_t end = s.find(sep, start);
    if (end == std::string_view::npos) {
      out.push_back(s.substr(start));
      return out;
    }
    out.push_back(s.substr(start, end - start));
    start = end + 1;
  }
}

// Parses a whole decimal integer >= 1 (no sign, no spaces) of at most 18
// digits. False otherwise.
bool ParsePositive(std::string_view s, int64_t* out) {
  if (s.empty() || s.size() > 18) return false;
  int64_t v = 0;
  const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || v < 1) return false;
  *out = v;
  return true;
}

bool IsNumber(std::string_view s) {
  if (s.empty()) return false;
  double v = 0;
  const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  return ec == std::errc() && p == s.data() + s.size();
}

// True when `gt` follows the VCF GT grammar: alleles ('.' or a number)
// separated by '/' or '|', optionally with a leading phase marker.
bool IsGenotypeText(std::string_view gt) {
  if (!gt.empty() && (gt.front() == '|' || gt.front() == '/')) {
    gt.remove_prefix(1);
  }
  if (gt.empty()) return false;
  size_t i = 0;
  while (true) {
    if (i < gt.size() && gt[i] == '.') {
      ++i;
    } else {
      const size_t start = i;
      while (i < gt.size() && gt[i] >= '0' && gt[i] <= '9') ++i;
      if (i == start) return false;
    }
    if (i == gt.size()) return true;
    if (gt[i] != '/' && gt[i] != '|') return false;
    ++i;
  }
}

// ---------------------------------------------------------------------------
// Regions.

struct Region {
  std::string chrom;
  int64_t from = 1;                                  // 1-based, inclusive
  int64_t to = std::numeric_limits<int64_t>::max();  // inclusive
};

bool ParseRegionNumber(std::string_view s, int64_t* out) {
  std::string digits;
  for (const char c : s) {
    if (c != ',') digits += c;
  }
  return ParsePositive(digits, out);
}

Result<Region> ParseRegion(std::string_view text) {
  Region r;
  const size_t colon = text.rfind(':');
  if (colon == std::string_view::npos) {
    r.chrom = std::string(text);
  } else {
    r.chrom = std::string(text.substr(0, colon));
    const std::string_view range = text.substr(colon + 1);
    const size_t dash = range.find('-');
    const std::string_view from = range.substr(0, dash);
    if (!ParseRegionNumber(from, &r.from)) {
      return InvalidArgumentError("region " + internal::QuoteForMessage(text) +
                                  ": start is not a positive integer");
    }
    if (dash != std::string_view::npos && dash + 1 < range.size()) {
      if (!ParseRegionNumber(range.substr(dash + 1), &r.to)) {
        return InvalidArgumentError("region " +
                                    internal::QuoteForMessage(text) +
                                    ": end is not a positive integer");
      }
    } else if (dash == std::string_view::npos) {
      r.to = std::numeric_limits<int64_t>::max();
    }
    if (r.to < r.from) {
      return InvalidArgumentError("region " + internal::QuoteForMessage(text) +
                                  ": end is before start");
    }
  }
  if (r.chrom.empty()) {
    return InvalidArgumentError("region " + internal::QuoteForMessage(text) +
                                ": no chromosome name");
  }
  return r;
}

// Names to try for a region's chromosome in an index: as given, then with
// the "chr" prefix added or removed.
std::vector<std::string> ChromAliases(const std::string& chrom) {
  std::vector<std::string> out = {chrom};
  const std::string canonical(CanonicalChromosome(chrom));
  if (canonical != chrom) out.push_back(canonical);
  out.push_back("chr" + canonical);
  if (canonical == "MT") out.push_back("chrM");
  return out;
}

std::string DescribeErrcode(int errcode) {
  std::string out;
  auto add = [&out](const char* what) {
    if (!out.empty()) out += ", ";
    out += what;
  };
  if (errcode & BCF_ERR_NCOLS) add("wrong number of columns");
  if (errcode & BCF_ERR_LIMITS) add("a value beyond htslib's limits");
  if (errcode & BCF_ERR_CHAR) add("an invalid character");
  if (errcode & BCF_ERR_CTG_INVALID) add("an invalid CHROM name");
  if (errcode & BCF_ERR_TAG_INVALID) add("an invalid INFO or FORMAT tag");
  return out;
}

// Decodes one record's GT values for ALT allele `a` into `counts` and
// `flags`. `gt` holds `ploidy` values per sample in htslib's encoding
// ((allele + 1) << 1 | phased; 0 = missing allele) with the `vector_end` and
// `missing` sentinels of its integer type. Returns -1, or the first sample
// whose call names no allele of the site (its encoded value in *bad).
template <typename T>
int64_t DecodeGenotypes(const T* gt, size_t ns, int ploidy, T vector_end,
                        T missing, int n_allele, int a, int8_t* counts,
                        uint8_t* flags, int64_t* half_calls, int* bad) {
  for (size_t s = 0; s < ns; ++s) {
    const T* g = gt + s * static_cast<size_t>(ploidy);
    if (g[0] == vector_end || g[0] == missing) continue;  // no call
    const bool haploid = ploidy < 2 || g[1] == vector_end;
    const int32_t a0 = g[0];
    const int32_t a1 = haploid ? 0 : g[1];
    const bool miss0 = bcf_gt_is_missing(a0);
    const bool miss1 = !haploid && (g[1] == missing || bcf_gt_is_missing(a1));
    if (miss0 || miss1) {
      if (a == 1 && !haploid && miss0 != miss1) ++*half_calls;
      continue;
    }
    const int i0 = bcf_gt_allele(a0);
    const int i1 = haploid ? 0 : bcf_gt_allele(a1);
    if (i0 < 0 || i0 >= n_allele || i1 < 0 || i1 >= n_allele) {
      *bad = (i0 < 0 || i0 >= n_allele) ? i0 : i1;
      return static_cast<int64_t>(s);
    }
    counts[s] = static_cast<int8_t>((i0 == a) + (!haploid && i1 == a));
    flags[s] =
        haploid ? kCallHaploid : (bcf_gt_is_phased(a1) ? kCallPhased : 0);
  }
  return -1;
}

// ---------------------------------------------------------------------------
// The reader.

class VcfReaderImpl final : public VcfReader {
 public:
  VcfReaderImpl(std::string name, std::string path, VcfOptions options)
      : name_(std::move(name)),
        path_(std::move(path)),
        options_(std::move(options)) {}

  ~VcfReaderImpl() override {
    // htslib objects close before the silencer (declared first) goes.
    itr_.reset();
    tbx_.reset();
    idx_.reset();
    rec_.reset();
    hdr_.reset();
    fp_.reset();
    ks_free(&line_);
    std::free(gt_buf_);
    std::free(ds_buf_);
  }

  // Takes ownership of `hf` (closed on every path).
  Status Open(hFILE* hf);

  const std::vector<std::string>& sample_ids() const override {
    return samples_;
  }
  const std::string& genome_build() const override { return build_; }
  bool has_dosages() const override { return has_ds_; }
  Result<bool> Next(GenotypeTable* batch) override;
  // Appends up to `limit` more variants to `table` (whose samples and
  // dosage columns are this reader's). Ok at the end of data too.
  Status Fill(GenotypeTable* table, size_t limit);
  uint64_t sites_read() const override { return sites_; }
  const std::vector<std::string>& warnings() const override {
    return warnings_;
  }

 private:
  Status ReadTextHeader();
  Status SelectSamples();
  Status DetectBuild();
  Status SetUpRegion();
  // Reads the next record in the region into rec_. True when one was read.
  Result<bool> ReadRecord();
  Result<bool> ReadTextRecord();
  Result<bool> ReadBcfRecord();
  Status AddRecord(GenotypeTable* batch);
  std::string Where() const;
  std::string Diagnose(std::string_view line) const;
  void FinishWarnings();

  internal::HtsLogSilencer silencer_;
  const std::string name_;  // for messages
  const std::string path_;  // for index files; "" in memory
  const VcfOptions options_;

  std::unique_ptr<htsFile, HtsFileCloser> fp_;
  std::unique_ptr<bcf_hdr_t, HeaderDestroyer> hdr_;
  std::unique_ptr<bcf1_t, RecordDestroyer> rec_;
  bool is_bcf_ = false;
  bool bgzf_ = false;

  std::optional<Region> region_;
  std::unique_ptr<tbx_t, TbxDestroyer> tbx_;
  std::unique_ptr<hts_idx_t, IdxDestroyer> idx_;
  std::unique_ptr<hts_itr_t, ItrDestroyer> itr_;
  bool region_empty_ = false;  // the region's contig is not in the index

  std::vector<std::string> samples_;
  int file_samples_ = 0;  // sample columns before selection
  std::string build_;
  bool has_ds_ = false;

  kstring_t line_ = {0, 0, nullptr};
  std::string line_copy_;  // the record line before vcf_parse modifies it
  int64_t line_no_ = 0;    // lines consumed (text VCF)
  std::string where_chrom_;
  int64_t where_pos_ = 0;
  uint64_t sites_ = 0;

  int32_t* gt_buf_ = nullptr;
  int gt_cap_ = 0;
  float* ds_buf_ = nullptr;
  int ds_cap_ = 0;

  Status error_;
  bool done_ = false;
  int64_t half_calls_ = 0;
  int64_t records_without_gt_ = 0;
  int64_t blank_lines_ = 0;
  bool ds_type_warned_ = false;
  std::vector<std::string> warnings_;
};

Status VcfReaderImpl::Open(hFILE* hf) {
  htsFile* fp = hts_hopen(hf, name_.c_str(), "r");
  if (fp == nullptr) {
    hclose_abruptly(hf);
    return DataLossError(name_ +
                         ": not a VCF or BCF file (htslib cannot "
                         "open it)");
  }
  fp_.reset(fp);
  const htsFormat* format = hts_get_format(fp);
  bgzf_ = format->compression == bgzf;
  switch (format->format) {
    case vcf:
      break;
    case bcf:
      is_bcf_ = true;
      break;
    case empty_format:
      if (format->compression != no_compression) {
        return DataLossError(name_ +
                             " line 1: no data (empty, or the compressed "
                             "data is truncated or corrupt)");
      }
      return DataLossError(name_ + " line 1: the file is empty");
    case text_format:
      return DataLossError(name_ +
                           " line 1: not a VCF file: the header must start "
                           "with ##fileformat=VCFv4.x");
    default: {
      char* what = hts_format_description(format);
      std::string description = what != nullptr ? what : "unknown";
      std::free(what);
      return DataLossError(name_ + ": not a VCF or BCF file (" + description +
                           ")");
    }
  }
  if (bgzf_ && fp->fp.bgzf != nullptr && bgzf_check_EOF(fp->fp.bgzf) == 0) {
    warnings_.push_back(
        "no BGZF end-of-file marker: the file may be truncated");
  }
  if (is_bcf_) {
    hdr_.reset(bcf_hdr_read(fp));
    if (hdr_ == nullptr) {
      return DataLossError(name_ +
                           ": the BCF header is malformed or "
                           "truncated");
    }
  } else {
    JUMEAU_RETURN_IF_ERROR(ReadTextHeader());
  }
  file_samples_ = bcf_hdr_nsamples(hdr_.get());
  JUMEAU_RETURN_IF_ERROR(SelectSamples());
  JUMEAU_RETURN_IF_ERROR(DetectBuild());

  if (options_.read_dosages && !samples_.empty()) {
    const int id = bcf_hdr_id2int(hdr_.get(), BCF_DT_ID, "DS");
    if (bcf_hdr_idinfo_exists(hdr_.get(), BCF_HL_FMT, id)) {
      if (bcf_hdr_id2type(hdr_.get(), BCF_HL_FMT, id) == BCF_HT_REAL) {
        has_ds_ = true;
      } else {
        warnings_.push_back("FORMAT/DS is not declared as Float: ignored");
      }
    }
  }
  rec_.reset(bcf_init());
  if (rec_ == nullptr) return InternalError(name_ + ": out of memory");
  return SetUpRegion();
}

Status VcfReaderImpl::ReadTextHeader() {
  std::string text;
  bool have_chrom_line = false;
  while (!have_chrom_line) {
    const int ret = hts_getline(fp_.get(), '\n', &line_);
    if (ret == -1) {
      return DataLossError(name_ + " line " + std::to_string(line_no_ + 1) +
                           ": the file ends inside the header (no #CHROM "
                           "line)");
    }
    if (ret < -1) {
      return DataLossError(name_ + " line " + std::to_string(line_no_ + 1) +
                           ": compressed data is truncated or corrupt");
    }
    ++line_no_;
    std::string_view line(line_.s, line_.l);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    const std::string where = name_ + " line " + std::to_string(line_no_);
    if (line_no_ == 1 && line.substr(0, 16) != "##fileformat=VCF") {
      return DataLossError(where +
                           ": not a VCF file: the header must start with "
                           "##fileformat=VCFv4.x");
    }
    if (line.find('\0') != std::string_view::npos) {
      return DataLossError(where + ": NUL byte in a header line");
    }
    if (line.substr(0, 2) == "##") {
      // A meta line: htslib parses the whole header below.
    } else if (line.substr(0, 6) == "#CHROM") {
      static constexpr const char* kColumns[] = {
          "#CHROM", "POS", "ID", "REF", "ALT", "QUAL", "FILTER", "INFO"};
      const std::vector<std::string_view> fields = Split(line, '\t');
      for (size_t i = 0; i < 8; ++i) {
        if (i >= fields.size() || fields[i] != kColumns[i]) {
          return DataLossError(where + ": #CHROM line: column " +
                               std::to_string(i + 1) + " should be " +
                               kColumns[i] + " (columns are tab-separated)");
        }
      }
      if (fields.size() > 8 && fields[8] != "FORMAT") {
        return DataLossError(where +
                             ": #CHROM line: column 9 should be FORMAT");
      }
      std::set<std::string_view> seen;
      for (size_t i = 9; i < fields.size(); ++i) {
        if (fields[i].empty()) {
          return DataLossError(where + ": #CHROM line: sample column " +
                               std::to_string(i + 1) + " has no name");
        }
        if (!seen.insert(fields[i]).second) {
          return DataLossError(where + ": #CHROM line: sample column " +
                               std::to_string(i + 1) +
                               " repeats an earlier sample name");
        }
      }
      have_chrom_line = true;
    } else {
      return DataLossError(where +
                           ": expected a ## meta line or the #CHROM "
                           "line in the header, found " +
                           internal::QuoteForMessage(line));
    }
    text.append(line.data(), line.size());
    text += '\n';
    if (text.size() > kMaxHeaderBytes) {
      return DataLossError(where + ": header longer than 64 MiB");
    }
  }
  hdr_.reset(bcf_hdr_init("r"));
  if (hdr_ == nullptr) return InternalError(name_ + ": out of memory");
  if (bcf_hdr_parse(hdr_.get(), text.data()) != 0) {
    // Find the line htslib refused, for the message.
    std::unique_ptr<bcf_hdr_t, HeaderDestroyer> probe(bcf_hdr_init("r"));
    const std::vector<std::string_view> lines = Split(text, '\n');
    for (size_t i = 0; probe != nullptr && i + 2 < lines.size(); ++i) {
      const std::string line(lines[i]);
      int len = 0;
      bcf_hrec_t* hrec = bcf_hdr_parse_line(probe.get(), line.c_str(), &len);
      if (hrec == nullptr && len < 0) {
        return DataLossError(name_ + " line " + std::to_string(i + 1) +
                             ": malformed header line " +
                             internal::QuoteForMessage(line));
      }
      if (hrec != nullptr) bcf_hrec_destroy(hrec);
    }
    return DataLossError(name_ + " lines 1-" + std::to_string(line_no_) +
                         ": htslib rejected the header");
  }
  return Status::Ok();
}

Status VcfReaderImpl::SelectSamples() {
  bcf_hdr_t* h = hdr_.get();
  if (!options_.samples.empty()) {
    std::set<std::string> wanted;
    for (size_t i = 0; i < options_.samples.size(); ++i) {
      const std::string& s = options_.samples[i];
      if (s.empty() || bcf_hdr_id2int(h, BCF_DT_SAMPLE, s.c_str()) < 0) {
        return NotFoundError(name_ + ": requested sample #" +
                             std::to_string(i + 1) +
                             " is not in the file's header");
      }
      if (s.find(',') != std::string::npos || s.front() == '^') {
        return InvalidArgumentError(
            name_ + ": requested sample #" + std::to_string(i + 1) +
            ": names containing ',' or starting with '^' cannot be "
            "selected (htslib limitation)");
      }
      wanted.insert(s);
    }
    if (static_cast<int>(wanted.size()) < file_samples_) {
      std::string list;
      for (const std::string& s : wanted) {
        if (!list.empty()) list += ',';
        list += s;
      }
      if (bcf_hdr_set_samples(h, list.c_str(), 0) != 0) {
        return InternalError(name_ + ": htslib could not select samples");
      }
    }
  }
  const int n = bcf_hdr_nsamples(h);
  samples_.clear();
  samples_.reserve(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) samples_.emplace_back(h->samples[i]);
  return Status::Ok();
}

Status VcfReaderImpl::DetectBuild() {
  std::string from_header;
  const bcf_hdr_t* h = hdr_.get();
  std::string from_reference;
  std::string from_length;
  for (int i = 0; i < h->nhrec && from_header.empty(); ++i) {
    const bcf_hrec_t* hrec = h->hrec[i];
    if (hrec->type == BCF_HL_GEN && hrec->key != nullptr &&
        hrec->value != nullptr) {
      if (std::strcmp(hrec->key, "reference") == 0 ||
          std::strcmp(hrec->key, "assembly") == 0) {
        if (from_reference.empty()) {
          from_reference = NormalizeGenomeBuild(hrec->value);
        }
      }
    } else if (hrec->type == BCF_HL_CTG) {
      std::string_view id;
      for (int k = 0; k < hrec->nkeys; ++k) {
        if (hrec->keys[k] == nullptr || hrec->vals[k] == nullptr) continue;
        if (std::strcmp(hrec->keys[k], "assembly") == 0) {
          from_header = NormalizeGenomeBuild(hrec->vals[k]);
        } else if (std::strcmp(hrec->keys[k], "ID") == 0) {
          id = hrec->vals[k];
        }
      }
      if (CanonicalChromosome(id) == "1" && from_length.empty()) {
        for (int k = 0; k < hrec->nkeys; ++k) {
          if (hrec->keys[k] != nullptr && hrec->vals[k] != nullptr &&
              std::strcmp(hrec->keys[k], "length") == 0) {
            int64_t length = 0;
            if (ParsePositive(hrec->vals[k], &length)) {
              from_length = GenomeBuildFromChromosome1Length(length);
            }
          }
        }
      }
    }
  }
  if (from_header.empty()) from_header = from_reference;
  if (from_header.empty()) from_header = from_length;
  if (!options_.genome_build.empty()) {
    build_ = NormalizeGenomeBuild(options_.genome_build);
    if (build_.empty()) {
      return InvalidArgumentError(
          "genome build " + internal::QuoteForMessage(options_.genome_build) +
          " is neither GRCh37 nor GRCh38");
    }
    if (!from_header.empty() && from_header != build_) {
      warnings_.push_back("the header says " + from_header +
                          " but the build was set to " + build_);
    }
  } else {
    build_ = from_header;
  }
  return Status::Ok();
}

Status VcfReaderImpl::SetUpRegion() {
  if (options_.region.empty()) return Status::Ok();
  JUMEAU_ASSIGN_OR_RETURN(region_, ParseRegion(options_.region));
  if (path_.empty() || !bgzf_) return Status::Ok();  // scan the file
  std::error_code ec;
  std::string index_path;
  for (const char* kind : {".tbi", ".csi"}) {
    if (is_bcf_ && std::strcmp(kind, ".tbi") == 0) continue;
    if (std::filesystem::is_regular_file(path_ + kind, ec)) {
      index_path = path_ + kind;
      break;
    }
  }
  if (index_path.empty()) return Status::Ok();  // scan the file
  int tid = -1;
  if (is_bcf_) {
    idx_.reset(bcf_index_load2(path_.c_str(), index_path.c_str()));
    if (idx_ == nullptr) {
      warnings_.push_back("index " + index_path +
                          " could not be read: scanning the file");
      return Status::Ok();
    }
    for (const std::string& alias : ChromAliases(region_->chrom)) {
      tid = bcf_hdr_name2id(hdr_.get(), alias.c_str());
      if (tid >= 0) break;
    }
  } else {
    tbx_.reset(tbx_index_load2(path_.c_str(), index_path.c_str()));
    if (tbx_ == nullptr) {
      warnings_.push_back("index " + index_path +
                          " could not be read: scanning the file");
      return Status::Ok();
    }
    for (const std::string& alias : ChromAliases(region_->chrom)) {
      tid = tbx_name2id(tbx_.get(), alias.c_str());
      if (tid >= 0) break;
    }
  }
  if (tid < 0) {
    region_empty_ = true;
    warnings_.push_back("region chromosome " +
                        internal::QuoteForMessage(region_->chrom) +
                        " is not in the index: no records");
    return Status::Ok();
  }
  const hts_pos_t beg = region_->from - 1;
  const hts_pos_t end = region_->to >= HTS_POS_MAX ? HTS_POS_MAX : region_->to;
  itr_.reset(is_bcf_ ? bcf_itr_queryi(idx_.get(), tid, beg, end)
                     : tbx_itr_queryi(tbx_.get(), tid, beg, end));
  if (itr_ == nullptr) {
    return DataLossError(name_ + ": index " + index_path +
                         " could not be queried for the region");
  }
  return Status::Ok();
}

std::string VcfReaderImpl::Where() const {
  if (itr_ != nullptr) {
    return name_ + " record at " + where_chrom_ + ":" +
           std::to_string(where_pos_);
  }
  if (is_bcf_) return name_ + " record " + std::to_string(sites_);
  return name_ + " line " + std::to_string(line_no_);
}

std::string VcfReaderImpl::Diagnose(std::string_view line) const {
  const std::vector<std::string_view> fields = Split(line, '\t');
  if (fields.size() < 8) {
    return "the record has " + std::to_string(fields.size()) +
           " column(s); a VCF record needs at least 8 (CHROM to INFO)";
  }
  if (fields[0].empty()) return "CHROM is empty";
  if (fields[3].empty()) return "REF is empty";
  if (fields[5] != "." && !IsNumber(fields[5])) {
    return "QUAL " + internal::QuoteForMessage(fields[5]) + " is not a number";
  }
  const size_t expected =
      file_samples_ > 0 ? 9 + static_cast<size_t>(file_samples_) : 8;
  if (file_samples_ > 0 && fields.size() < expected) {
    return "the record has " + std::to_string(fields.size()) +
           " columns; the header declares " + std::to_string(file_samples_) +
           " sample(s), so " + std::to_string(expected) + " are expected";
  }
  if (file_samples_ > 0) {
    const std::vector<std::string_view> keys = Split(fields[8], ':');
    size_t gt = keys.size();
    for (size_t k = 0; k < keys.size(); ++k) {
      if (keys[k] == "GT") gt = k;
    }
    if (gt < keys.size()) {
      for (size_t s = 9; s < fields.size() && s < expected; ++s) {
        const std::vector<std::string_view> values = Split(fields[s], ':');
        if (gt < values.size() && !IsGenotypeText(values[gt])) {
          return "sample #" + std::to_string(s - 8) + " (column " +
                 std::to_string(s + 1) + "): GT " +
                 internal::QuoteForMessage(values[gt]) + " is not a genotype";
        }
      }
    }
  }
  std::string reason = "htslib could not parse the record";
  const std::string codes = DescribeErrcode(rec_->errcode);
  if (!codes.empty()) reason += " (" + codes + ")";
  return reason;
}

Result<bool> VcfReaderImpl::ReadRecord() {
  if (region_empty_) return false;
  if (is_bcf_) return ReadBcfRecord();
  Result<bool> got = ReadTextRecord();
  if (!got.ok() && got.status().code() == StatusCode::kDataLoss &&
      itr_ == nullptr && fp_->format.compression != no_compression) {
    // A record cut short by a truncated stream fails to parse before the
    // decompressor reports the damage: say which it is.
    if (hts_getline(fp_.get(), '\n', &line_) < -1) {
      return DataLossError(Where() +
                           ": compressed data is truncated or corrupt");
    }
  }
  return got;
}

Result<bool> VcfReaderImpl::ReadTextRecord() {
  while (true) {
    int ret;
    if (itr_ != nullptr) {
      ret = tbx_itr_next(fp_.get(), tbx_.get(), itr_.get(), &line_);
    } else {
      ret = hts_getline(fp_.get(), '\n', &line_);
    }
    if (ret == -1) return false;
    if (ret < -1) {
      if (itr_ != nullptr) {
        return DataLossError(name_ + " region " +
                             internal::QuoteForMessage(options_.region) +
                             ": compressed data is truncated or corrupt");
      }
      return DataLossError(name_ + " line " + std::to_string(line_no_ + 1) +
                           ": compressed data is truncated or corrupt");
    }
    ++line_no_;
    if (line_.l > 0 && line_.s[line_.l - 1] == '\r') line_.s[--line_.l] = 0;
    if (line_.l == 0) {
      ++blank_lines_;
      continue;
    }
    ++sites_;
    const std::string_view line(line_.s, line_.l);
    // CHROM, POS and REF, checked here: htslib accepts a bad POS as -1.
    size_t tab1 = line.find('\t');
    const std::string_view chrom = line.substr(0, tab1);
    where_chrom_.assign(chrom.substr(0, 64));
    where_pos_ = 0;
    if (line.front() == '#') {
      return DataLossError(Where() + ": header line after the first record");
    }
    if (tab1 == std::string_view::npos) {
      return DataLossError(Where() + ": " + Diagnose(line));
    }
    const size_t tab2 = line.find('\t', tab1 + 1);
    const std::string_view pos_text = line.substr(
        tab1 + 1, tab2 == std::string_view::npos ? std::string_view::npos
                                                 : tab2 - tab1 - 1);
    int64_t pos = 0;
    if (!ParsePositive(pos_text, &pos)) {
      return DataLossError(Where() + ": POS " +
                           internal::QuoteForMessage(pos_text) +
                           " is not a positive integer");
    }
    where_pos_ = pos;
    if (tab2 == std::string_view::npos) {
      return DataLossError(Where() + ": " + Diagnose(line));
    }
    if (region_.has_value() && itr_ == nullptr) {
      // Scanning: skip records outside the region before parsing them.
      const size_t tab3 = line.find('\t', tab2 + 1);
      const size_t tab4 = tab3 == std::string_view::npos
                              ? std::string_view::npos
                              : line.find('\t', tab3 + 1);
      const int64_t ref_len =
          tab4 == std::string_view::npos
              ? 1
              : std::max<int64_t>(1, static_cast<int64_t>(tab4 - tab3 - 1));
      if (CanonicalChromosome(chrom) != CanonicalChromosome(region_->chrom) ||
          pos > region_->to || pos + ref_len - 1 < region_->from) {
        continue;
      }
    }
    // Too few columns: htslib accepts "1\t100" as a record without alleles,
    // and a record with samples but no FORMAT column.
    int tabs = 0;
    for (size_t p = line.find('\t'); p != std::string_view::npos && tabs < 9;
         p = line.find('\t', p + 1)) {
      ++tabs;
    }
    if (tabs < 7 || (file_samples_ > 0 && tabs < 9)) {
      return DataLossError(Where() + ": " + Diagnose(line));
    }
    line_copy_.assign(line.data(), line.size());
    if (vcf_parse(&line_, hdr_.get(), rec_.get()) < 0 || rec_->n_allele < 1) {
      return DataLossError(Where() + ": " + Diagnose(line_copy_));
    }
    return true;
  }
}

Result<bool> VcfReaderImpl::ReadBcfRecord() {
  while (true) {
    const int ret = itr_ != nullptr
                        ? bcf_itr_next(fp_.get(), itr_.get(), rec_.get())
                        : bcf_read(fp_.get(), hdr_.get(), rec_.get());
    if (ret == -1) return false;
    ++sites_;
    if (ret < -1) {
      return DataLossError(Where() +
                           ": the BCF record is malformed or truncated");
    }
    const char* chrom = bcf_seqname(hdr_.get(), rec_.get());
    where_chrom_ = chrom != nullptr ? chrom : "?";
    where_pos_ = rec_->pos + 1;
    if (chrom == nullptr) {
      return DataLossError(Where() + ": contig index " +
                           std::to_string(rec_->rid) + " is not in the header");
    }
    if (rec_->pos < 0) {
      return DataLossError(Where() + ": negative position");
    }
    if (bcf_unpack(rec_.get(), BCF_UN_STR) != 0 || rec_->n_allele < 1) {
      return DataLossError(Where() + ": the BCF record has no REF allele");
    }
    if (region_.has_value() && itr_ == nullptr) {
      const int64_t pos = rec_->pos + 1;
      const int64_t ref_len = std::max<int64_t>(1, rec_->rlen);
      if (CanonicalChromosome(chrom) != CanonicalChromosome(region_->chrom) ||
          pos > region_->to || pos + ref_len - 1 < region_->from) {
        continue;
      }
    }
    return true;
  }
}

Status VcfReaderImpl::AddRecord(GenotypeTable* batch) {
  bcf1_t* rec = rec_.get();
  const bcf_hdr_t* hdr = hdr_.get();
  const char* chrom = bcf_seqname(hdr, rec);
  if (chrom == nullptr) return DataLossError(Where() + ": unknown contig");
  if (bcf_unpack(rec, BCF_UN_STR) != 0 || rec->n_allele < 1 ||
      rec->d.allele == nullptr) {
    return DataLossError(Where() + ": the record has no REF allele");
  }
  const int64_t pos = rec->pos + 1;
  const std::string_view id =
      rec->d.id == nullptr || std::strcmp(rec->d.id, ".") == 0
          ? std::string_view()
          : std::string_view(rec->d.id);
  const int n_allele = rec->n_allele;
  const std::string_view ref = rec->d.allele[0];
  const size_t ns = samples_.size();

  int ploidy = 0;
  const int8_t* gt8 = nullptr;  // fast path: GT stored as int8 (< 63 alleles)
  bool have_gt = false;
  if (ns > 0) {
    const bcf_fmt_t* fmt = bcf_get_fmt(hdr, rec, "GT");
    if (fmt == nullptr || fmt->n == 0) {
      ++records_without_gt_;
    } else if (fmt->type == BCF_BT_INT8 && fmt->n <= 2 && fmt->size == fmt->n &&
               fmt->p != nullptr) {
      gt8 = reinterpret_cast<const int8_t*>(fmt->p);
      ploidy = fmt->n;
      have_gt = true;
    } else {
      const int k = bcf_get_genotypes(hdr, rec, &gt_buf_, &gt_cap_);
      if (k <= 0) {
        return DataLossError(Where() + ": GT could not be decoded");
      }
      ploidy = k / static_cast<int>(ns);
      have_gt = ploidy > 0;
    }
    if (ploidy > 2) {
      return UnimplementedError(Where() + ": ploidy " + std::to_string(ploidy) +
                                " (only haploid and diploid calls are "
                                "supported)");
    }
  }
  int ds_per_sample = 0;
  if (has_ds_) {
    const int k = bcf_get_format_float(hdr, rec, "DS", &ds_buf_, &ds_cap_);
    if (k > 0) {
      ds_per_sample = k / static_cast<int>(ns);
    } else if (k == -2 && !ds_type_warned_) {
      ds_type_warned_ = true;
      warnings_.push_back("FORMAT/DS has an unexpected type: ignored");
    } else if (k < 0 && k != -3 && k != -2) {
      return DataLossError(Where() + ": DS could not be decoded");
    }
  }

  const int n_alt = n_allele > 1 ? n_allele - 1 : 1;
  const uint8_t variant_flags = n_allele > 2 ? kVariantMultiallelic : 0;
  for (int a = 1; a <= n_alt; ++a) {
    const std::string_view alt =
        n_allele > 1 ? std::string_view(rec->d.allele[a]) : std::string_view();
    const size_t v = batch->AddVariant(chrom, pos, id, ref, alt, variant_flags);
    if (have_gt) {
      int8_t* counts = batch->mutable_alt_count_row(v);
      uint8_t* flags = batch->mutable_call_flags_row(v);
      int bad = 0;
      const int64_t bad_sample =
          gt8 != nullptr
              ? DecodeGenotypes<int8_t>(gt8, ns, ploidy, bcf_int8_vector_end,
                                        bcf_int8_missing, n_allele, a, counts,
                                        flags, &half_calls_, &bad)
              : DecodeGenotypes<int32_t>(gt_buf_, ns, ploidy,
                                         bcf_int32_vector_end,
                                         bcf_int32_missing, n_allele, a, counts,
                                         flags, &half_calls_, &bad);
      if (bad_sample >= 0) {
        return DataLossError(
            Where() + ": sample #" + std::to_string(bad_sample + 1) +
            (bad < 0 ? std::string(": GT is malformed")
                     : ": GT refers to allele " + std::to_string(bad) +
                           " but the site has " + std::to_string(n_allele) +
                           " allele(s)"));
      }
    }
    if (ds_per_sample >= a) {
      float* dosages = batch->mutable_dosage_row(v);
      for (size_t s = 0; s < ns; ++s) {
        const float d = ds_buf_[s * static_cast<size_t>(ds_per_sample) +
                                static_cast<size_t>(a - 1)];
        if (bcf_float_is_missing(d) || bcf_float_is_vector_end(d)) continue;
        if (!std::isfinite(d) || d < -kDosageSlack || d > 2 + kDosageSlack) {
          char buf[32];
          std::snprintf(buf, sizeof buf, "%g", static_cast<double>(d));
          return DataLossError(Where() + ": sample #" + std::to_string(s + 1) +
                               ": DS " + buf + " is outside [0, 2]");
        }
        dosages[s] = std::clamp(d, 0.0f, 2.0f);
      }
    }
  }
  return Status::Ok();
}

void VcfReaderImpl::FinishWarnings() {
  if (half_calls_ > 0) {
    warnings_.push_back(std::to_string(half_calls_) +
                        " half-missing call(s) (\"0/.\") read as missing");
  }
  if (records_without_gt_ > 0) {
    warnings_.push_back(std::to_string(records_without_gt_) +
                        " record(s) without GT: calls missing");
  }
  if (blank_lines_ > 0) {
    warnings_.push_back(std::to_string(blank_lines_) +
                        " blank line(s) skipped");
  }
}

Result<bool> VcfReaderImpl::Next(GenotypeTable* batch) {
  if (!error_.ok()) return error_;
  if (batch->sample_ids() != samples_ || batch->has_dosages() != has_ds_) {
    *batch = GenotypeTable(samples_, has_ds_);
  } else {
    batch->ClearVariants();
  }
  batch->set_genome_build(build_);
  JUMEAU_RETURN_IF_ERROR(
      Fill(batch, std::max<size_t>(1, options_.batch_variants)));
  return batch->variant_count() > 0;
}

Status VcfReaderImpl::Fill(GenotypeTable* table, size_t limit) {
  const size_t start = table->variant_count();
  while (!done_ && table->variant_count() - start < limit) {
    Result<bool> got = ReadRecord();
    if (got.ok() && *got) {
      const Status added = AddRecord(table);
      if (added.ok()) continue;
      got = added;
    }
    if (!got.ok()) {
      error_ = got.status();
      table->ClearVariants();
      return error_;
    }
    done_ = true;
    FinishWarnings();
  }
  return Status::Ok();
}

// Reads everything left straight into one table (no batch copies).
Result<GenotypeTable> Drain(VcfReaderImpl& reader) {
  GenotypeTable all(reader.sample_ids(), reader.has_dosages());
  all.set_genome_build(reader.genome_build());
  JUMEAU_RETURN_IF_ERROR(reader.Fill(&all, std::numeric_limits<size_t>::max()));
  for (const std::string& w : reader.warnings()) all.AddWarning(w);
  return all;
}

}  // namespace

Result<std::unique_ptr<VcfReader>> OpenVcf(const std::filesystem::path& path,
                                           const VcfOptions& options) {
  auto reader =
      std::make_unique<VcfReaderImpl>(path.string(), path.string(), options);
  JUMEAU_ASSIGN_OR_RETURN(hFILE * hf, internal::OpenHFile(path));
  JUMEAU_RETURN_IF_ERROR(reader->Open(hf));
  return std::unique_ptr<VcfReader>(std::move(reader));
}

Result<GenotypeTable> ReadVcf(const std::filesystem::path& path,
                              const VcfOptions& options) {
  auto reader =
      std::make_unique<VcfReaderImpl>(path.string(), path.string(), options);
  JUMEAU_ASSIGN_OR_RETURN(hFILE * hf, internal::OpenHFile(path));
  JUMEAU_RETURN_IF_ERROR(reader->Open(hf));
  return Drain(*reader);
}

Result<GenotypeTable> ReadVcfFromMemory(std::string_view bytes,
                                        std::string_view name,
                                        const VcfOptions& options) {
  auto reader = std::make_unique<VcfReaderImpl>(std::string(name), "", options);
  Result<hFILE*> hf = internal::OpenHFileFromMemory(bytes);
  if (!hf.ok()) return hf.status().WithPrefix(name);
  JUMEAU_RETURN_IF_ERROR(reader->Open(*hf));
  return Drain(*reader);
}

}  // namespace jumeau::io

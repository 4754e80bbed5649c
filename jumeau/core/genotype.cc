// GenotypeTable storage and the genome-build and chromosome-name helpers
// declared in genotype.h.
#include "jumeau/core/genotype.h"

#include <algorithm>
#include <cctype>
#include <limits>

namespace jumeau {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

bool Contains(std::string_view haystack, std::string_view needle) {
  return haystack.find(needle) != std::string_view::npos;
}

}  // namespace

std::string NormalizeGenomeBuild(std::string_view name) {
  const std::string s = Lower(name);
  if (s == "38" || s == "grch38" || Contains(s, "grch38") ||
      Contains(s, "hg38") || Contains(s, "hs38") ||
      Contains(s, "gca_000001405.15") || Contains(s, "assembly38") ||
      Contains(s, "b38")) {
    return kGrch38;
  }
  if (s == "37" || Contains(s, "grch37") || Contains(s, "hg19") ||
      Contains(s, "hs37") || Contains(s, "g1k_v37") ||
      Contains(s, "assembly19") || Contains(s, "b37")) {
    return kGrch37;
  }
  return "";
}

std::string GenomeBuildFromChromosome1Length(int64_t length) {
  if (length == 249250621) return kGrch37;
  if (length == 248956422) return kGrch38;
  return "";
}

std::string_view CanonicalChromosome(std::string_view name) {
  if (name.size() > 3 && (name[0] == 'c' || name[0] == 'C') &&
      (name[1] == 'h' || name[1] == 'H') &&
      (name[2] == 'r' || name[2] == 'R')) {
    name.remove_prefix(3);
  }
  if (name == "23") return "X";
  if (name == "24") return "Y";
  if (name == "M" || name == "26" || name == "m" || name == "mt" ||
      name == "MT") {
    return "MT";
  }
  if (name == "x") return "X";
  if (name == "y") return "Y";
  return name;
}

GenotypeTable::GenotypeTable(std::vector<std::string> sample_ids,
                             bool with_dosages)
    : sample_ids_(std::move(sample_ids)), with_dosages_(with_dosages) {}

uint32_t GenotypeTable::ChromIndex(std::string_view chrom) {
  // Sorted inputs repeat the last chromosome: check it before hashing.
  if (!chrom_index_.empty() && chrom_names_[chrom_index_.back()] == chrom) {
    return chrom_index_.back();
  }
  const std::string key(chrom);
  const auto it = chrom_lookup_.find(key);
  if (it != chrom_lookup_.end()) return it->second;
  const auto index = static_cast<uint32_t>(chrom_names_.size());
  chrom_names_.push_back(key);
  chrom_lookup_.emplace(key, index);
  return index;
}

size_t GenotypeTable::AddVariant(std::string_view chrom, int64_t position,
                                 std::string_view id, std::string_view ref,
                                 std::string_view alt, uint8_t flags) {
  const size_t v = positions_.size();
  chrom_index_.push_back(ChromIndex(chrom));
  positions_.push_back(position);
  ids_.push_back(id);
  refs_.push_back(ref);
  alts_.push_back(alt);
  variant_flags_.push_back(flags);
  const size_t n = sample_count();
  alt_counts_.resize(alt_counts_.size() + n, kMissingCall);
  call_flags_.resize(call_flags_.size() + n, 0);
  if (with_dosages_) {
    dosages_.resize(dosages_.size() + n,
                    std::numeric_limits<float>::quiet_NaN());
  }
  return v;
}

void GenotypeTable::ClearVariants() {
  chrom_index_.clear();
  positions_.clear();
  ids_.clear();
  refs_.clear();
  alts_.clear();
  variant_flags_.clear();
  alt_counts_.clear();
  call_flags_.clear();
  dosages_.clear();
}

void GenotypeTable::Append(const GenotypeTable& other) {
  assert(other.sample_count() == sample_count());
  assert(other.with_dosages_ == with_dosages_);
  const size_t n = sample_count();
  for (size_t v = 0; v < other.variant_count(); ++v) {
    const size_t w =
        AddVariant(other.chrom(v), other.position(v), other.id(v), other.ref(v),
                   other.alt(v), other.variant_flags_[v]);
    std::copy_n(other.alt_count_row(v), n, mutable_alt_count_row(w));
    std::copy_n(other.call_flags_row(v), n, mutable_call_flags_row(w));
    if (with_dosages_) {
      std::copy_n(other.dosage_row(v), n, mutable_dosage_row(w));
    }
  }
  for (const std::string& w : other.warnings_) warnings_.push_back(w);
}

size_t GenotypeTable::memory_bytes() const {
  return chrom_index_.capacity() * sizeof(uint32_t) +
         positions_.capacity() * sizeof(int64_t) + ids_.memory_bytes() +
         refs_.memory_bytes() + alts_.memory_bytes() +
         variant_flags_.capacity() + alt_counts_.capacity() +
         call_flags_.capacity() + dosages_.capacity() * sizeof(float);
}

}  // namespace jumeau

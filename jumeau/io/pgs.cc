// PGS Catalog scoring-file reader behind ReadPgs() and ReadPgsFromMemory():
// reads lines through htslib's BGZF layer (plain, gzip or bgzip alike),
// parses the "#key=value" header, maps column names to fields and fills the
// ScoringFile columns, refusing rows we cannot score.
#include "jumeau/io/pgs.h"

#include <htslib/bgzf.h>
#include <htslib/hfile.h>
#include <htslib/kstring.h>

#include <array>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <limits>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "jumeau/core/genotype.h"
#include "jumeau/io/internal/hts_io.h"
#include "jumeau/io/internal/message.h"

namespace jumeau::io {
namespace {

struct BgzfCloser {
  void operator()(BGZF* f) const {
    if (f != nullptr) bgzf_close(f);
  }
};

std::string_view TrimRight(std::string_view s) {
  while (!s.empty() && (s.back() == '\t' || s.back() == ' ' ||
                        s.back() == '\r' || s.back() == '\n')) {
    s.remove_suffix(1);
  }
  return s;
}

std::string_view Trim(std::string_view s) {
  s = TrimRight(s);
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) {
    s.remove_prefix(1);
  }
  return s;
}

void SplitTabs(std::string_view s, std::vector<std::string_view>* out) {
  out->clear();
  size_t start = 0;
  while (true) {
    const size_t end = s.find('\t', start);
    if (end == std::string_view::npos) {
      out->push_back(s.substr(start));
      return;
    }
    out->push_back(s.substr(start, end - start));
    start = end + 1;
  }
}

std::string Upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return out;
}

bool ParseDouble(std::string_view s, double* out) {
  s = Trim(s);
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  if (s.empty()) return false;
  double v = 0;
  const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || !std::isfinite(v)) {
    return false;
  }
  *out = v;
  return true;
}

bool ParsePosition(std::string_view s, int64_t* out) {
  s = Trim(s);
  if (s.empty() || s.size() > 18) return false;
  int64_t v = 0;
  const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || v < 0) return false;
  *out = v;
  return true;
}

// "True"/"False" in any case, "1"/"0", "" (false).
bool ParseFlag(std::string_view s, bool* out) {
  const std::string u = Upper(Trim(s));
  if (u.empty() || u == "FALSE" || u == "0" || u == "F") {
    *out = false;
    return true;
  }
  if (u == "TRUE" || u == "1" || u == "T") {
    *out = true;
    return true;
  }
  return false;
}

bool IsMissing(std::string_view s) {
  s = Trim(s);
  return s.empty() || s == "NA" || s == "." || s == "NR";
}

// The columns we use; index into Columns::at.
enum Column : size_t {
  kRsid,
  kChrName,
  kChrPosition,
  kEffectAllele,
  kOtherAllele,
  kEffectWeight,
  kHmChr,
  kHmPos,
  kHmInferOtherAllele,
  kAlleleFrequencyEffect,
  kIsHaplotype,
  kIsDiplotype,
  kIsInteraction,
  kIsDominant,
  kIsRecessive,
  kDosage0Weight,
  kDosage1Weight,
  kDosage2Weight,
  kColumnCount,
};

constexpr std::array<const char*, kColumnCount> kColumnNames = {
    "rsID",
    "chr_name",
    "chr_position",
    "effect_allele",
    "other_allele",
    "effect_weight",
    "hm_chr",
    "hm_pos",
    "hm_inferOtherAllele",
    "allelefrequency_effect",
    "is_haplotype",
    "is_diplotype",
    "is_interaction",
    "is_dominant",
    "is_recessive",
    "dosage_0_weight",
    "dosage_1_weight",
    "dosage_2_weight",
};

constexpr size_t kAbsent = std::numeric_limits<size_t>::max();

class PgsParser {
 public:
  explicit PgsParser(std::string name) : name_(std::move(name)) {
    at_.fill(kAbsent);
  }

  Result<ScoringFile> Parse(hFILE* hf) {
    BGZF* raw = bgzf_hopen(hf, "r");
    if (raw == nullptr) {
      hclose_abruptly(hf);
      return DataLossError(name_ + ": cannot read (not text or gzip)");
    }
    std::unique_ptr<BGZF, BgzfCloser> fp(raw);
    kstring_t line = {0, 0, nullptr};
    Status status = ReadLines(fp.get(), &line);
    ks_free(&line);
    JUMEAU_RETURN_IF_ERROR(status);
    return Finish();
  }

 private:
  std::string Where() const {
    return name_ + " line " + std::to_string(line_no_);
  }

  Status ReadLines(BGZF* fp, kstring_t* line) {
    while (true) {
      const int ret = bgzf_getline(fp, '\n', line);
      if (ret == -1) break;
      if (ret < -1) {
        return DataLossError(name_ + " line " + std::to_string(line_no_ + 1) +
                             ": compressed data is truncated or corrupt");
      }
      ++line_no_;
      const std::string_view text(line->s, line->l);
      if (text.find('\0') != std::string_view::npos) {
        return DataLossError(Where() + ": NUL byte (not a text file)");
      }
      const Status parsed = ParseLine(text);
      if (!parsed.ok()) {
        // A line cut short by a truncated gzip stream fails to parse before
        // the decompressor reports the damage: say which it is.
        if (bgzf_getline(fp, '\n', line) < -1) {
          return DataLossError(Where() +
                               ": compressed data is truncated or corrupt");
        }
        return parsed;
      }
    }
    if (!have_columns_) {
      return DataLossError(name_ + " line " + std::to_string(line_no_ + 1) +
                           ": the file ends before the column header line");
    }
    return Status::Ok();
  }

  Status ParseLine(std::string_view text) {
    if (!have_columns_ && !text.empty() && text.front() == '#') {
      ParseHeaderLine(text);
      return Status::Ok();
    }
    const std::string_view trimmed = TrimRight(text);
    if (trimmed.empty()) return Status::Ok();
    if (!have_columns_) return ParseColumnNames(TrimCr(text));
    return ParseRow(TrimCr(text));
  }

  static std::string_view TrimCr(std::string_view s) {
    if (!s.empty() && s.back() == '\r') s.remove_suffix(1);
    return s;
  }

  void ParseHeaderLine(std::string_view text) {
    // "#key=value"; "##SECTION" and "###TITLE" lines carry no value.
    if (text.size() < 2 || text[1] == '#') return;
    const size_t eq = text.find('=');
    if (eq == std::string_view::npos) return;
    const std::string key(Trim(text.substr(1, eq - 1)));
    const std::string value(Trim(text.substr(eq + 1)));
    file_.header.emplace_back(key, value);
    if (key == "format_version") file_.format_version = value;
    if (key == "pgs_id") file_.pgs_id = value;
    if (key == "pgs_name") file_.pgs_name = value;
    if (key == "trait_reported") file_.trait_reported = value;
    if (key == "trait_efo") file_.trait_efo = value;
    if (key == "weight_type") file_.weight_type = value;
    if (key == "genome_build") {
      file_.genome_build_text = value;
      file_.genome_build = NormalizeGenomeBuild(value);
    }
    if (key == "HmPOS_build") {
      file_.harmonized_build = NormalizeGenomeBuild(value);
    }
    if (key == "variants_number") {
      int64_t n = 0;
      if (ParsePosition(value, &n)) file_.declared_variant_count = n;
    }
  }

  Status ParseColumnNames(std::string_view text) {
    std::vector<std::string_view> names;
    SplitTabs(text, &names);
    column_count_ = names.size();
    for (size_t i = 0; i < names.size(); ++i) {
      const std::string_view n = Trim(names[i]);
      for (size_t c = 0; c < kColumnCount; ++c) {
        if (n == kColumnNames[c]) {
          if (at_[c] != kAbsent) {
            return DataLossError(Where() + ": column " +
                                 std::string(kColumnNames[c]) +
                                 " appears twice");
          }
          at_[c] = i;
        }
      }
    }
    have_columns_ = true;
    if (at_[kEffectAllele] == kAbsent) {
      return DataLossError(Where() +
                           ": no effect_allele column (is this a PGS "
                           "Catalog scoring file?)");
    }
    if (at_[kEffectWeight] == kAbsent) {
      if (at_[kDosage0Weight] != kAbsent || at_[kDosage1Weight] != kAbsent ||
          at_[kDosage2Weight] != kAbsent) {
        return UnimplementedError(Where() +
                                  ": dosage_N_weight (non-additive) scores "
                                  "are not supported");
      }
      return DataLossError(Where() + ": no effect_weight column");
    }
    file_.has_chr_position =
        at_[kChrName] != kAbsent && at_[kChrPosition] != kAbsent;
    file_.has_hm_position = at_[kHmChr] != kAbsent && at_[kHmPos] != kAbsent;
    return Status::Ok();
  }

  std::string_view Field(Column c) const {
    return at_[c] == kAbsent ? std::string_view() : fields_[at_[c]];
  }

  Status Flag(Column c, bool* out) const {
    if (!ParseFlag(Field(c), out)) {
      return DataLossError(Where() + ": " + kColumnNames[c] + " " +
                           internal::QuoteForMessage(Field(c)) +
                           " is not True or False");
    }
    return Status::Ok();
  }

  Status ParseRow(std::string_view text) {
    SplitTabs(text, &fields_);
    if (fields_.size() != column_count_) {
      return DataLossError(Where() + ": " + std::to_string(fields_.size()) +
                           " column(s), the column header has " +
                           std::to_string(column_count_));
    }
    bool flag = false;
    for (const Column c : {kIsHaplotype, kIsDiplotype, kIsInteraction}) {
      JUMEAU_RETURN_IF_ERROR(Flag(c, &flag));
      if (flag) {
        return UnimplementedError(Where() + ": " + kColumnNames[c] +
                                  " variants are not supported");
      }
    }
    bool dominant = false;
    bool recessive = false;
    JUMEAU_RETURN_IF_ERROR(Flag(kIsDominant, &dominant));
    JUMEAU_RETURN_IF_ERROR(Flag(kIsRecessive, &recessive));
    if (dominant && recessive) {
      return UnimplementedError(Where() +
                                ": a variant both dominant and recessive");
    }

    const std::string effect = Upper(Trim(Field(kEffectAllele)));
    if (effect.empty())
      return DataLossError(Where() + ": effect_allele is empty");
    for (const char c : effect) {
      if (c != 'A' && c != 'C' && c != 'G' && c != 'T') {
        ++non_acgt_effect_;
        break;
      }
    }
    std::string other = Upper(Trim(Field(kOtherAllele)));
    if (other.find('/') != std::string::npos) {
      other.clear();
      ++several_other_;
    }
    std::string inferred = Upper(Trim(Field(kHmInferOtherAllele)));
    if (inferred.find('/') != std::string::npos) inferred.clear();

    double weight = 0;
    if (!ParseDouble(Field(kEffectWeight), &weight)) {
      return DataLossError(Where() + ": effect_weight " +
                           internal::QuoteForMessage(Field(kEffectWeight)) +
                           " is not a number");
    }
    int64_t position = 0;
    if (!IsMissing(Field(kChrPosition)) &&
        (!ParsePosition(Field(kChrPosition), &position) || position < 1)) {
      return DataLossError(Where() + ": chr_position " +
                           internal::QuoteForMessage(Field(kChrPosition)) +
                           " is not a positive integer");
    }
    int64_t hm_position = 0;
    if (!IsMissing(Field(kHmPos)) &&
        !ParsePosition(Field(kHmPos), &hm_position)) {
      return DataLossError(Where() + ": hm_pos " +
                           internal::QuoteForMessage(Field(kHmPos)) +
                           " is not a position");
    }
    double frequency = std::numeric_limits<double>::quiet_NaN();
    if (!IsMissing(Field(kAlleleFrequencyEffect))) {
      double f = 0;
      if (ParseDouble(Field(kAlleleFrequencyEffect), &f) && f >= 0 && f <= 1) {
        frequency = f;
      } else {
        ++bad_frequency_;
      }
    }

    const std::string_view rsid = Trim(Field(kRsid));
    file_.rsids.push_back(rsid == "." ? std::string_view() : rsid);
    file_.chr_names.push_back(IsMissing(Field(kChrName))
                                  ? std::string_view()
                                  : Trim(Field(kChrName)));
    file_.chr_positions.push_back(position);
    file_.effect_alleles.push_back(effect);
    file_.other_alleles.push_back(other);
    file_.effect_weights.push_back(weight);
    file_.effect_models.push_back(dominant    ? EffectModel::kDominant
                                  : recessive ? EffectModel::kRecessive
                                              : EffectModel::kAdditive);
    file_.hm_chrs.push_back(IsMissing(Field(kHmChr)) ? std::string_view()
                                                     : Trim(Field(kHmChr)));
    file_.hm_positions.push_back(hm_position);
    file_.hm_inferred_other_alleles.push_back(inferred);
    file_.effect_allele_frequencies.push_back(frequency);
    file_.line_numbers.push_back(line_no_);
    return Status::Ok();
  }

  ScoringFile Finish() {
    if (file_.format_version.empty()) {
      file_.warnings.push_back(
          "no #format_version header (a pre-2.0 scoring file?): header "
          "fields may be missing");
    }
    if (file_.declared_variant_count >= 0 &&
        static_cast<size_t>(file_.declared_variant_count) !=
            file_.variant_count()) {
      file_.warnings.push_back("the header declares " +
                               std::to_string(file_.declared_variant_count) +
                               " variants, the file has " +
                               std::to_string(file_.variant_count()));
    }
    if (several_other_ > 0) {
      file_.warnings.push_back(std::to_string(several_other_) +
                               " variant(s) with several other alleles: "
                               "other allele dropped");
    }
    if (non_acgt_effect_ > 0) {
      file_.warnings.push_back(std::to_string(non_acgt_effect_) +
                               " variant(s) whose effect allele is not "
                               "A/C/G/T (HLA, APOE...): they cannot match");
    }
    if (bad_frequency_ > 0) {
      file_.warnings.push_back(std::to_string(bad_frequency_) +
                               " allelefrequency_effect value(s) not in "
                               "[0, 1]: ignored");
    }
    return std::move(file_);
  }

  const std::string name_;
  internal::HtsLogSilencer silencer_;
  ScoringFile file_;
  int64_t line_no_ = 0;
  bool have_columns_ = false;
  size_t column_count_ = 0;
  std::array<size_t, kColumnCount> at_;
  std::vector<std::string_view> fields_;
  int64_t several_other_ = 0;
  int64_t non_acgt_effect_ = 0;
  int64_t bad_frequency_ = 0;
};

}  // namespace

Result<ScoringFile> ReadPgs(const std::filesystem::path& path) {
  PgsParser parser(path.string());
  JUMEAU_ASSIGN_OR_RETURN(hFILE * hf, internal::OpenHFile(path));
  return parser.Parse(hf);
}

Result<ScoringFile> ReadPgsFromMemory(std::string_view bytes,
                                      std::string_view name) {
  PgsParser parser{std::string(name)};
  Result<hFILE*> hf = internal::OpenHFileFromMemory(bytes);
  if (!hf.ok()) return hf.status().WithPrefix(name);
  return parser.Parse(*hf);
}

}  // namespace jumeau::io

// Variant matching (pgsc_calc's match types and exclusions) and plink2-style
// scoring behind MatchPgs() and ScorePgs().
#include "jumeau/analysis/pgs_score.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <unordered_map>
#include <utility>

namespace jumeau::analysis {
namespace {

constexpr size_t kStatusCount = 7;

std::string Upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return out;
}

std::string Percent(double fraction) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f%%", 100.0 * fraction);
  return buf;
}

// Genotype variants sorted by (chromosome id, position) for lookups.
class PositionIndex {
 public:
  explicit PositionIndex(const GenotypeTable& t) {
    entries_.reserve(t.variant_count());
    for (size_t v = 0; v < t.variant_count(); ++v) {
      const std::string chrom(CanonicalChromosome(t.chrom(v)));
      auto [it, inserted] =
          chrom_ids_.emplace(chrom, static_cast<uint32_t>(chrom_ids_.size()));
      entries_.push_back({it->second, t.position(v), v});
    }
    std::stable_sort(
        entries_.begin(), entries_.end(), [](const Entry& a, const Entry& b) {
          return a.chrom != b.chrom ? a.chrom < b.chrom : a.pos < b.pos;
        });
  }

  // Rows of the variants at chrom:pos, in table order.
  void Find(std::string_view chrom, int64_t pos,
            std::vector<size_t>* out) const {
    out->clear();
    const auto id = chrom_ids_.find(std::string(CanonicalChromosome(chrom)));
    if (id == chrom_ids_.end()) return;
    const Entry key{id->second, pos, 0};
    auto it = std::lower_bound(entries_.begin(), entries_.end(), key,
                               [](const Entry& a, const Entry& b) {
                                 return a.chrom != b.chrom ? a.chrom < b.chrom
                                                           : a.pos < b.pos;
                               });
    for (; it != entries_.end() && it->chrom == key.chrom && it->pos == pos;
         ++it) {
      out->push_back(it->row);
    }
  }

 private:
  struct Entry {
    uint32_t chrom;
    int64_t pos;
    size_t row;
  };
  std::unordered_map<std::string, uint32_t> chrom_ids_;
  std::vector<Entry> entries_;
};

// The best match type of (effect, other) against (ref, alt), or none.
// `flips` allows the opposite strand.
bool BestType(const std::string& effect, const std::string& other,
              const std::string& ref, const std::string& alt, bool flips,
              MatchType* type) {
  if (!other.empty()) {
    if (effect == ref && other == alt) {
      *type = MatchType::kRefAlt;
      return true;
    }
    if (effect == alt && other == ref) {
      *type = MatchType::kAltRef;
      return true;
    }
    if (flips) {
      const std::string ef = ComplementAlleles(effect);
      const std::string of = ComplementAlleles(other);
      if (ef == ref && of == alt) {
        *type = MatchType::kRefAltFlip;
        return true;
      }
      if (ef == alt && of == ref) {
        *type = MatchType::kAltRefFlip;
        return true;
      }
    }
    return false;
  }
  if (effect == ref) {
    *type = MatchType::kNoOaRef;
    return true;
  }
  if (effect == alt) {
    *type = MatchType::kNoOaAlt;
    return true;
  }
  if (flips) {
    const std::string ef = ComplementAlleles(effect);
    if (ef == ref) {
      *type = MatchType::kNoOaRefFlip;
      return true;
    }
    if (ef == alt) {
      *type = MatchType::kNoOaAltFlip;
      return true;
    }
  }
  return false;
}

bool EffectIsAlt(MatchType type) {
  switch (type) {
    case MatchType::kAltRef:
    case MatchType::kAltRefFlip:
    case MatchType::kNoOaAlt:
    case MatchType::kNoOaAltFlip:
      return true;
    default:
      return false;
  }
}

bool IsFlip(MatchType type) {
  return type == MatchType::kRefAltFlip || type == MatchType::kAltRefFlip ||
         type == MatchType::kNoOaRefFlip || type == MatchType::kNoOaAltFlip;
}

double Transform(EffectModel model, double dosage) {
  switch (model) {
    case EffectModel::kDominant:
      return std::min(dosage, 1.0);
    case EffectModel::kRecessive:
      return std::max(dosage - 1.0, 0.0);
    case EffectModel::kAdditive:
      break;
  }
  return dosage;
}

// Expected transformed dosage under Hardy-Weinberg for effect allele
// frequency f.
double ExpectedFromFrequency(EffectModel model, double f) {
  switch (model) {
    case EffectModel::kDominant:
      return 1.0 - (1.0 - f) * (1.0 - f);
    case EffectModel::kRecessive:
      return f * f;
    case EffectModel::kAdditive:
      break;
  }
  return 2.0 * f;
}

// Which columns of the scoring file give positions, per the builds.
Status ChoosePositions(const ScoringFile& f, const std::string& genotype_build,
                       PgsMatch* m, bool* use_hm) {
  *use_hm = false;
  const std::string& g = genotype_build;
  if (f.has_hm_position && !f.harmonized_build.empty()) {
    if (g.empty() || g == f.harmonized_build) {
      *use_hm = true;
      m->positions = "hm_pos";
      m->build = f.harmonized_build;
      if (g.empty()) {
        m->warnings.push_back("genotype build unknown: assumed " +
                              f.harmonized_build +
                              ", the scoring file's harmonized build");
      }
      return Status::Ok();
    }
    if (!(f.has_chr_position && f.genome_build == g)) {
      return FailedPreconditionError(
          (f.pgs_id.empty() ? std::string("scoring file") : f.pgs_id) +
          ": positions are " + f.harmonized_build +
          " (harmonized) but the genotypes are " + g + ": use the " +
          (f.pgs_id.empty() ? std::string("") : f.pgs_id) + "_hmPOS_" + g +
          " scoring file");
    }
  }
  if (f.has_chr_position) {
    const std::string& a = f.genome_build;
    if (!a.empty() && !g.empty() && a != g) {
      return FailedPreconditionError(
          (f.pgs_id.empty() ? std::string("scoring file") : f.pgs_id) +
          ": positions are " + a + " but the genotypes are " + g +
          ": use a scoring file harmonized to " + g);
    }
    m->positions = "chr_position";
    m->build = !a.empty() ? a : g;
    if (a.empty() || g.empty()) {
      m->warnings.push_back(
          "genome build of the scoring file's positions (" +
          (f.genome_build_text.empty() ? std::string("not reported")
                                       : f.genome_build_text) +
          ") or of the genotypes (" + (g.empty() ? std::string("unknown") : g) +
          ") not known: builds not checked");
    }
    return Status::Ok();
  }
  m->warnings.push_back(
      "the scoring file has no positions (rsID only): use a harmonized "
      "scoring file (_hmPOS_GRCh37 or _hmPOS_GRCh38)");
  return Status::Ok();
}

}  // namespace

std::string_view MatchTypeName(MatchType type) {
  switch (type) {
    case MatchType::kRefAlt:
      return "refalt";
    case MatchType::kAltRef:
      return "altref";
    case MatchType::kRefAltFlip:
      return "refalt_flip";
    case MatchType::kAltRefFlip:
      return "altref_flip";
    case MatchType::kNoOaRef:
      return "no_oa_ref";
    case MatchType::kNoOaAlt:
      return "no_oa_alt";
    case MatchType::kNoOaRefFlip:
      return "no_oa_ref_flip";
    case MatchType::kNoOaAltFlip:
      return "no_oa_alt_flip";
  }
  return "?";
}

std::string_view MatchStatusName(MatchStatus status) {
  switch (status) {
    case MatchStatus::kMatched:
      return "matched";
    case MatchStatus::kNoPosition:
      return "no_position";
    case MatchStatus::kNotFound:
      return "not_found";
    case MatchStatus::kAlleleMismatch:
      return "allele_mismatch";
    case MatchStatus::kAmbiguous:
      return "ambiguous";
    case MatchStatus::kMultiallelic:
      return "multiallelic";
    case MatchStatus::kDuplicate:
      return "duplicate";
  }
  return "?";
}

std::string ComplementAlleles(std::string_view alleles) {
  std::string out(alleles);
  for (char& c : out) {
    switch (c) {
      case 'A':
        c = 'T';
        break;
      case 'T':
        c = 'A';
        break;
      case 'C':
        c = 'G';
        break;
      case 'G':
        c = 'C';
        break;
      default:
        return std::string(alleles);
    }
  }
  return out;
}

bool IsStrandAmbiguous(std::string_view ref, std::string_view alt) {
  if (ref.empty()) return false;
  const std::string flipped = ComplementAlleles(Upper(ref));
  return flipped != Upper(ref) && flipped == Upper(alt);
}

double PgsMatch::overlap() const {
  return variants_total == 0 ? 0.0
                             : static_cast<double>(variants_matched) /
                                   static_cast<double>(variants_total);
}

std::string PgsMatch::BriefReport() const {
  std::string out = (pgs_id.empty() ? std::string("score") : pgs_id) + ": " +
                    std::to_string(variants_matched) + " of " +
                    std::to_string(variants_total) + " variants matched (" +
                    Percent(overlap());
  if (flipped > 0) {
    out += ", " + std::to_string(flipped) + " on the other strand";
  }
  out += ")";
  auto count = [this](MatchStatus s) { return counts[static_cast<size_t>(s)]; };
  std::string dropped;
  auto add = [](std::string* list, size_t n, const char* what) {
    if (n == 0) return;
    if (!list->empty()) *list += ", ";
    *list += std::to_string(n) + " " + what;
  };
  add(&dropped, count(MatchStatus::kAmbiguous), "strand-ambiguous");
  add(&dropped, count(MatchStatus::kMultiallelic), "multi-allelic");
  add(&dropped, count(MatchStatus::kDuplicate), "duplicate");
  std::string unmatched;
  add(&unmatched, count(MatchStatus::kNotFound), "not found");
  add(&unmatched, count(MatchStatus::kAlleleMismatch), "allele mismatch");
  add(&unmatched, count(MatchStatus::kNoPosition), "no position");
  if (!dropped.empty()) out += "; dropped: " + dropped;
  if (!unmatched.empty()) out += "; unmatched: " + unmatched;
  if (!positions.empty()) {
    out += "; positions " + positions +
           (build.empty() ? std::string("") : " (" + build + ")");
  }
  return out;
}

std::string PgsScores::BriefReport() const {
  std::string out = match.BriefReport();
  out += "; " + std::to_string(sums.size()) + " sample(s) scored";
  int64_t missing = 0;
  for (const int64_t m : missing_counts) missing += m;
  if (missing > 0) {
    out += ", " + std::to_string(missing) + " missing genotype(s)";
    if (unimputed > 0) {
      out += " (" + std::to_string(unimputed) + " without a frequency: 0)";
    }
  }
  return out;
}

Result<PgsMatch> MatchPgs(const ScoringFile& scoring,
                          const GenotypeTable& genotypes,
                          const PgsOptions& options) {
  if (!(options.min_overlap >= 0.0 && options.min_overlap <= 1.0)) {
    return InvalidArgumentError("min_overlap must be within [0, 1]");
  }
  std::string build = genotypes.genome_build();
  if (!options.genotype_build.empty()) {
    build = NormalizeGenomeBuild(options.genotype_build);
    if (build.empty()) {
      return InvalidArgumentError("genotype build '" + options.genotype_build +
                                  "' is neither GRCh37 nor GRCh38");
    }
  }
  PgsMatch m;
  m.pgs_id = scoring.pgs_id;
  m.variants_total = scoring.variant_count();
  m.variants.resize(scoring.variant_count());
  bool use_hm = false;
  JUMEAU_RETURN_IF_ERROR(ChoosePositions(scoring, build, &m, &use_hm));
  const bool have_positions = !m.positions.empty();

  const PositionIndex index(genotypes);
  std::vector<size_t> candidates;
  for (size_t i = 0; i < scoring.variant_count(); ++i) {
    VariantMatch& vm = m.variants[i];
    const std::string_view chrom =
        use_hm ? scoring.hm_chrs[i] : scoring.chr_names[i];
    const int64_t pos =
        use_hm ? scoring.hm_positions[i] : scoring.chr_positions[i];
    if (!have_positions || chrom.empty() || pos < 1) {
      vm.status = MatchStatus::kNoPosition;
      continue;
    }
    index.Find(chrom, pos, &candidates);
    if (candidates.empty()) {
      vm.status = MatchStatus::kNotFound;
      continue;
    }
    const std::string effect = Upper(scoring.effect_alleles[i]);
    std::string other = Upper(scoring.other_alleles[i]);
    if (other.empty()) other = Upper(scoring.hm_inferred_other_alleles[i]);
    bool found = false;
    MatchType best = MatchType::kNoOaAltFlip;
    size_t best_row = 0;
    for (const size_t row : candidates) {
      if (genotypes.alt(row).empty()) continue;  // no ALT: nothing to count
      const std::string ref = Upper(genotypes.ref(row));
      const std::string alt = Upper(genotypes.alt(row));
      const bool ambiguous = IsStrandAmbiguous(ref, alt);
      // An ambiguous variant's strand cannot be told: forward only.
      const bool flips = options.allow_flips && !ambiguous;
      MatchType type;
      if (BestType(effect, other, ref, alt, flips, &type) &&
          (!found || type < best)) {
        found = true;
        best = type;
        best_row = row;
      }
    }
    if (!found) {
      vm.status = MatchStatus::kAlleleMismatch;
      continue;
    }
    vm.type = best;
    vm.genotype_index = best_row;
    vm.effect_is_alt = EffectIsAlt(best);
    if (!options.keep_ambiguous &&
        IsStrandAmbiguous(genotypes.ref(best_row), genotypes.alt(best_row))) {
      vm.status = MatchStatus::kAmbiguous;
    } else if (!options.keep_multiallelic && genotypes.multiallelic(best_row)) {
      vm.status = MatchStatus::kMultiallelic;
    } else {
      vm.status = MatchStatus::kMatched;
    }
  }

  // Several scoring variants on one genotype variant: all dropped.
  std::unordered_map<size_t, size_t> uses;
  for (const VariantMatch& vm : m.variants) {
    if (vm.status == MatchStatus::kMatched) ++uses[vm.genotype_index];
  }
  for (VariantMatch& vm : m.variants) {
    if (vm.status == MatchStatus::kMatched && uses[vm.genotype_index] > 1) {
      vm.status = MatchStatus::kDuplicate;
    }
  }
  for (const VariantMatch& vm : m.variants) {
    ++m.counts[static_cast<size_t>(vm.status)];
    if (vm.status == MatchStatus::kMatched && IsFlip(vm.type)) ++m.flipped;
  }
  m.variants_matched = m.counts[static_cast<size_t>(MatchStatus::kMatched)];
  static_assert(kStatusCount == sizeof(m.counts) / sizeof(m.counts[0]));
  return m;
}

Result<PgsScores> ScorePgs(const ScoringFile& scoring,
                           const GenotypeTable& genotypes,
                           const PgsOptions& options) {
  JUMEAU_ASSIGN_OR_RETURN(PgsMatch match,
                          MatchPgs(scoring, genotypes, options));
  if (match.overlap() < options.min_overlap || match.variants_total == 0) {
    return FailedPreconditionError(
        (match.pgs_id.empty() ? std::string("score") : match.pgs_id) + ": " +
        std::to_string(match.variants_matched) + " of " +
        std::to_string(match.variants_total) + " variants matched (" +
        Percent(match.overlap()) + "), below the minimum overlap of " +
        Percent(options.min_overlap) + " (" + match.BriefReport() + ")");
  }
  const size_t n = genotypes.sample_count();
  PgsScores out;
  out.sums.assign(n, 0.0);
  out.allele_counts.assign(n, 0);
  out.dosage_sums.assign(n, 0.0);
  out.missing_counts.assign(n, 0);

  const bool use_ds = options.use_dosages && genotypes.has_dosages();
  std::vector<double> dosage(n);  // effect-allele dosage; NaN when missing
  int64_t scored_variants = 0;
  for (size_t i = 0; i < match.variants.size(); ++i) {
    const VariantMatch& vm = match.variants[i];
    if (vm.status != MatchStatus::kMatched) continue;
    ++scored_variants;
    const size_t v = vm.genotype_index;
    const double weight = scoring.effect_weights[i];
    const EffectModel model = scoring.effect_models[i];
    const int8_t* counts = genotypes.alt_count_row(v);
    const uint8_t* flags = genotypes.call_flags_row(v);
    const float* ds = use_ds ? genotypes.dosage_row(v) : nullptr;
    double called_sum = 0.0;  // transformed dosages of the called samples
    size_t called = 0;
    for (size_t s = 0; s < n; ++s) {
      double alt_dosage;
      if (ds != nullptr && !std::isnan(ds[s])) {
        alt_dosage = ds[s];
      } else if (counts[s] == kMissingCall) {
        dosage[s] = std::numeric_limits<double>::quiet_NaN();
        continue;
      } else {
        alt_dosage = (flags[s] & kCallHaploid) ? 2.0 * counts[s] : counts[s];
      }
      const double d = vm.effect_is_alt ? alt_dosage : 2.0 - alt_dosage;
      dosage[s] = d;
      called_sum += Transform(model, d);
      ++called;
    }
    // The value a missing genotype takes.
    double imputed = std::numeric_limits<double>::quiet_NaN();
    if (options.missing == MissingGenotypes::kMeanImpute) {
      if (n >= options.min_samples_for_frequency && called > 0) {
        imputed = called_sum / static_cast<double>(called);
      } else if (!std::isnan(scoring.effect_allele_frequencies[i])) {
        imputed =
            ExpectedFromFrequency(model, scoring.effect_allele_frequencies[i]);
      }
    }
    for (size_t s = 0; s < n; ++s) {
      if (std::isnan(dosage[s])) {
        ++out.missing_counts[s];
        if (!std::isnan(imputed)) {
          out.sums[s] += weight * imputed;
        } else if (options.missing == MissingGenotypes::kMeanImpute) {
          ++out.unimputed;
        }
        continue;
      }
      out.sums[s] += weight * Transform(model, dosage[s]);
      out.dosage_sums[s] += dosage[s];
      out.allele_counts[s] += 2;
    }
  }
  out.denominators.resize(n);
  out.averages.resize(n);
  for (size_t s = 0; s < n; ++s) {
    out.denominators[s] = options.missing == MissingGenotypes::kZero
                              ? out.allele_counts[s]
                              : 2 * scored_variants;
    out.averages[s] =
        out.denominators[s] > 0
            ? out.sums[s] / static_cast<double>(out.denominators[s])
            : std::numeric_limits<double>::quiet_NaN();
  }
  if (out.unimputed > 0) {
    out.warnings.push_back(
        std::to_string(out.unimputed) +
        " missing genotype(s) had no allele frequency to impute from (fewer "
        "than " +
        std::to_string(options.min_samples_for_frequency) +
        " samples and no allelefrequency_effect): counted as 0");
  }
  out.match = std::move(match);
  return out;
}

}  // namespace jumeau::analysis

// The synthetic genome and polygenic score of genome.h: sites, genotypes
// and score variants from one seeded stream, and the VCF and PGS Catalog
// scoring-file texts.
#include "jumeau/synth/genome.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <set>
#include <string>
#include <utility>

#include "jumeau/core/random.h"

namespace jumeau::synth {
namespace {

// GRCh38 primary assembly lengths of chr1..chr22.
constexpr int64_t kChromosomeLengths[22] = {
    248956422, 242193529, 198295559, 190214555, 181538259, 170805979,
    159345973, 145138636, 138394717, 133797422, 135086622, 133275309,
    114364328, 107043718, 101991189, 90338345,  83257441,  80373285,
    58617616,  64444167,  46709983,  50818468};

// Sites stay this far from chromosome ends (telomeres).
constexpr int64_t kEndMargin = 10000;

constexpr char kBases[] = "ACGT";

char Complement(char base) {
  switch (base) {
    case 'A':
      return 'T';
    case 'T':
      return 'A';
    case 'C':
      return 'G';
    default:
      return 'C';  // 'G'
  }
}

char Transition(char base) {
  switch (base) {
    case 'A':
      return 'G';
    case 'G':
      return 'A';
    case 'C':
      return 'T';
    default:
      return 'C';  // 'T'
  }
}

bool Ambiguous(char ref, char alt) { return Complement(ref) == alt; }

double Round4(double v) { return std::round(v * 1e4) / 1e4; }

size_t Below(Rng& rng, size_t n) {
  return std::min(n - 1, static_cast<size_t>(rng.Uniform() * n));
}

std::string Fixed4(double v) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.4f", v);
  return buffer;
}

// One allele index drawn from the site's frequencies.
int DrawAllele(Rng& rng, const std::vector<double>& frequencies) {
  double u = rng.Uniform();
  for (size_t k = 0; k < frequencies.size(); ++k) {
    if (u < frequencies[k]) return static_cast<int>(k + 1);
    u -= frequencies[k];
  }
  return 0;
}

bool SameSite(const GenomeSite& a, int chromosome, int64_t position) {
  return a.chromosome == chromosome && a.position == position;
}

}  // namespace

Status ValidateGenomeOptions(const GenomeOptions& o) {
  auto bad = [](const std::string& field, const std::string& why) {
    return InvalidArgumentError("genome option " + field + ": " + why);
  };
  if (o.sample_id.empty() ||
      o.sample_id.find_first_of(" \t\r\n") != std::string::npos) {
    return bad("sample_id", "must be non-empty without spaces or tabs");
  }
  if (o.snp_count < 500 || o.snp_count > 1000000) {
    return bad("snp_count",
               std::to_string(o.snp_count) + " is outside 500-1000000");
  }
  if (o.multiallelic_count < 0 || o.multiallelic_count > 100) {
    return bad("multiallelic_count",
               std::to_string(o.multiallelic_count) + " is outside 0-100");
  }
  if (o.missing_count < 0 || o.missing_count > 100) {
    return bad("missing_count",
               std::to_string(o.missing_count) + " is outside 0-100");
  }
  if (o.score_variant_count < 50 || o.score_variant_count > 1000 ||
      o.score_variant_count > o.snp_count / 5) {
    return bad("score_variant_count",
               std::to_string(o.score_variant_count) +
                   " is outside 50-1000 or above snp_count / 5");
  }
  return Status::Ok();
}

Result<SyntheticGenome> BuildGenome(const GenomeOptions& o) {
  JUMEAU_RETURN_IF_ERROR(ValidateGenomeOptions(o));
  Rng rng(o.seed);
  SyntheticGenome g;

  // Positions: per chromosome in proportion to its length, distinct.
  int64_t total_length = 0;
  for (int64_t length : kChromosomeLengths) total_length += length;
  const int total_sites = o.snp_count + o.multiallelic_count;
  std::vector<std::pair<int, int64_t>> positions;
  positions.reserve(static_cast<size_t>(total_sites));
  int assigned = 0;
  for (int c = 0; c < 22; ++c) {
    const int count = c == 21 ? total_sites - assigned
                              : static_cast<int>(std::llround(
                                    static_cast<double>(total_sites) *
                                    static_cast<double>(kChromosomeLengths[c]) /
                                    static_cast<double>(total_length)));
    assigned += count;
    const int64_t span = kChromosomeLengths[c] - 2 * kEndMargin;
    std::set<int64_t> chosen;
    while (static_cast<int>(chosen.size()) < count) {
      chosen.insert(
          kEndMargin + 1 +
          static_cast<int64_t>(rng.Uniform() * static_cast<double>(span)));
    }
    for (int64_t p : chosen) positions.emplace_back(c + 1, p);
  }

  // Which sites are multi-allelic and which calls missing.
  std::vector<uint8_t> multi(positions.size(), 0);
  for (int k = 0; k < o.multiallelic_count;) {
    const size_t i = Below(rng, positions.size());
    if (!multi[i]) {
      multi[i] = 1;
      ++k;
    }
  }
  std::vector<uint8_t> missing(positions.size(), 0);
  for (int k = 0; k < o.missing_count;) {
    const size_t i = Below(rng, positions.size());
    if (!multi[i] && !missing[i]) {
      missing[i] = 1;
      ++k;
    }
  }

  // Alleles, frequencies and genotypes.
  g.sites.reserve(positions.size());
  for (size_t i = 0; i < positions.size(); ++i) {
    GenomeSite s;
    s.chromosome = positions[i].first;
    s.position = positions[i].second;
    const char ref = kBases[Below(rng, 4)];
    s.ref = std::string(1, ref);
    // Two transitions for each transversion, as in human SNPs.
    const double kind = rng.Uniform();
    char alt = Transition(ref);
    if (kind >= 2.0 / 3.0) {
      const char transversion_1 = (ref == 'A' || ref == 'G') ? 'C' : 'A';
      const char transversion_2 = (ref == 'A' || ref == 'G') ? 'T' : 'G';
      alt = kind < 5.0 / 6.0 ? transversion_1 : transversion_2;
    }
    s.alts.push_back(std::string(1, alt));
    if (multi[i]) {
      char second = kBases[Below(rng, 4)];
      while (second == ref || second == alt) second = kBases[Below(rng, 4)];
      s.alts.push_back(std::string(1, second));
      s.alt_frequencies = {Round4(0.05 + 0.3 * rng.Uniform()),
                           Round4(0.01 + 0.1 * rng.Uniform())};
    } else {
      // Minor allele frequency 1-50%; ALT is the minor allele 70% of the
      // time.
      const double maf = 0.01 + 0.49 * rng.Uniform();
      s.alt_frequencies = {Round4(rng.Uniform() < 0.7 ? maf : 1.0 - maf)};
    }
    s.allele1 = DrawAllele(rng, s.alt_frequencies);
    s.allele2 = DrawAllele(rng, s.alt_frequencies);
    if (missing[i]) s.allele1 = s.allele2 = -1;
    g.sites.push_back(std::move(s));
  }

  // Score variants: pick sites of each kind in a shuffled order.
  std::vector<size_t> order(g.sites.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  for (size_t i = order.size(); i > 1; --i) {
    std::swap(order[i - 1], order[Below(rng, i)]);
  }
  const int n = o.score_variant_count;
  const int absent_target = std::max(1, n * 4 / 100);
  const int flipped_target = std::max(1, n * 4 / 100);
  const int ambiguous_target = 2;
  const int multi_target = o.multiallelic_count > 0 ? 1 : 0;
  const int present_target =
      n - absent_target - flipped_target - ambiguous_target - multi_target;
  int present = 0, flipped = 0, ambiguous = 0, multiallelic = 0;
  auto weight = [&rng]() {
    double w = Round4(0.08 * rng.Normal());
    if (std::fabs(w) < 0.001) w = w < 0 ? -0.001 : 0.001;
    return w;
  };
  for (size_t i : order) {
    const GenomeSite& s = g.sites[i];
    ScoreVariant v;
    v.chromosome = s.chromosome;
    v.position = s.position;
    if (s.alts.size() > 1) {
      if (multiallelic >= multi_target) continue;
      ++multiallelic;
      v.kind = ScoreVariantKind::kMultiallelic;
      v.effect_allele = s.alts[0];
      v.other_allele = s.ref;
      v.effect_allele_frequency = s.alt_frequencies[0];
    } else {
      const bool is_ambiguous = Ambiguous(s.ref[0], s.alts[0][0]);
      if (is_ambiguous) {
        if (ambiguous >= ambiguous_target) continue;
        ++ambiguous;
        v.kind = ScoreVariantKind::kAmbiguous;
      } else if (flipped < flipped_target) {
        ++flipped;
        v.kind = ScoreVariantKind::kFlipped;
      } else if (present < present_target) {
        ++present;
        v.kind = ScoreVariantKind::kPresent;
      } else {
        continue;
      }
      const bool effect_is_alt = rng.Uniform() < 0.5;
      v.effect_allele = effect_is_alt ? s.alts[0] : s.ref;
      v.other_allele = effect_is_alt ? s.ref : s.alts[0];
      v.effect_allele_frequency = Round4(
          effect_is_alt ? s.alt_frequencies[0] : 1.0 - s.alt_frequencies[0]);
      if (v.kind == ScoreVariantKind::kFlipped) {
        v.effect_allele = std::string(1, Complement(v.effect_allele[0]));
        v.other_allele = std::string(1, Complement(v.other_allele[0]));
      }
    }
    v.effect_weight = weight();
    g.score.push_back(std::move(v));
    if (present == present_target && flipped == flipped_target &&
        ambiguous == ambiguous_target && multiallelic == multi_target) {
      break;
    }
  }
  // Absent variants: positions with no site, alleles a transition pair.
  for (int k = 0; k < absent_target;) {
    ScoreVariant v;
    v.chromosome = 1 + static_cast<int>(Below(rng, 22));
    v.position = kEndMargin + 1 +
                 static_cast<int64_t>(
                     rng.Uniform() *
                     static_cast<double>(kChromosomeLengths[v.chromosome - 1] -
                                         2 * kEndMargin));
    const auto at = std::lower_bound(
        g.sites.begin(), g.sites.end(),
        std::make_pair(v.chromosome, v.position),
        [](const GenomeSite& s, const std::pair<int, int64_t>& key) {
          return std::make_pair(s.chromosome, s.position) < key;
        });
    if (at != g.sites.end() && SameSite(*at, v.chromosome, v.position)) {
      continue;
    }
    const char ref = kBases[Below(rng, 4)];
    v.effect_allele = std::string(1, Transition(ref));
    v.other_allele = std::string(1, ref);
    v.effect_allele_frequency = Round4(0.05 + 0.4 * rng.Uniform());
    v.effect_weight = weight();
    v.kind = ScoreVariantKind::kAbsent;
    g.score.push_back(std::move(v));
    ++k;
  }
  std::sort(g.score.begin(), g.score.end(),
            [](const ScoreVariant& a, const ScoreVariant& b) {
              return std::make_pair(a.chromosome, a.position) <
                     std::make_pair(b.chromosome, b.position);
            });
  return g;
}

std::string FormatGenomeVcf(const SyntheticGenome& g, const GenomeOptions& o) {
  std::string out;
  out.reserve(g.sites.size() * 48 + 4096);
  out += "##fileformat=VCFv4.2\n";
  out += "##source=Jumeau synthetic example (not real genotypes)\n";
  out += "##reference=GRCh38\n";
  for (int c = 0; c < 22; ++c) {
    out += "##contig=<ID=chr" + std::to_string(c + 1) +
           ",length=" + std::to_string(kChromosomeLengths[c]) +
           ",assembly=GRCh38>\n";
  }
  out +=
      "##INFO=<ID=AF,Number=A,Type=Float,Description=\"Frequency of each ALT "
      "allele in the synthetic population the genotype was drawn from\">\n";
  out += "##FORMAT=<ID=GT,Number=1,Type=String,Description=\"Genotype\">\n";
  out += "##jumeau_synthetic=generator seed " + std::to_string(o.seed) +
         "; positions, alleles, frequencies and genotypes are random draws "
         "(jumeau/synth/genome.h)\n";
  out += "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\t" +
         o.sample_id + "\n";
  for (const GenomeSite& s : g.sites) {
    out += "chr" + std::to_string(s.chromosome) + "\t" +
           std::to_string(s.position) + "\t.\t" + s.ref + "\t";
    for (size_t k = 0; k < s.alts.size(); ++k) {
      if (k) out += ',';
      out += s.alts[k];
    }
    out += "\t.\tPASS\tAF=";
    for (size_t k = 0; k < s.alt_frequencies.size(); ++k) {
      if (k) out += ',';
      out += Fixed4(s.alt_frequencies[k]);
    }
    out += "\tGT\t";
    if (s.allele1 < 0) {
      out += "./.";
    } else {
      out += std::to_string(std::min(s.allele1, s.allele2)) + "/" +
             std::to_string(std::max(s.allele1, s.allele2));
    }
    out += '\n';
  }
  return out;
}

std::string FormatScoreFile(const SyntheticGenome& g, const GenomeOptions& o) {
  std::string out;
  out +=
      "###PGS CATALOG SCORING FILE - see "
      "https://www.pgscatalog.org/downloads/#dl_ftp_scoring for additional "
      "information\n";
  out +=
      "## SYNTHETIC: not a published score; variants and weights are "
      "random draws by Jumeau (jumeau/synth/genome.h)\n";
  out += "#format_version=2.0\n";
  out += "##POLYGENIC SCORE (PGS) INFORMATION\n";
  out += std::string("#pgs_id=") + kExampleScoreId + "\n";
  out += "#pgs_name=jumeau_example_synthetic\n";
  out += "#trait_reported=Synthetic example trait (not a real score)\n";
  out += "#genome_build=GRCh38\n";
  out += "#variants_number=" + std::to_string(g.score.size()) + "\n";
  out += "#weight_type=beta\n";
  out += "##SOURCE INFORMATION\n";
  out += "#citation=Synthetic: generated by Jumeau, generator seed " +
         std::to_string(o.seed) + " (not a publication)\n";
  out +=
      "chr_name\tchr_position\teffect_allele\tother_allele\teffect_weight\t"
      "allelefrequency_effect\n";
  for (const ScoreVariant& v : g.score) {
    out += std::to_string(v.chromosome) + "\t" + std::to_string(v.position) +
           "\t" + v.effect_allele + "\t" + v.other_allele + "\t" +
           Fixed4(v.effect_weight) + "\t" + Fixed4(v.effect_allele_frequency) +
           "\n";
  }
  return out;
}

}  // namespace jumeau::synth

// QRS detection (see qrs.h). The method follows the published structure of
// Pan & Tompkins (IEEE TBME 32(3), 1985) and Hamilton & Tompkins (IEEE TBME
// 33(12), 1986), re-derived for any sample rate with integer box filters:
//  1. Band-pass per lead: a short moving average (~25 ms) minus a long one
//     (~100 ms), centre-aligned: about 5-18 Hz, exact in int64.
//  2. Slope: b[n] - b[n-k] (k ~ 8 ms), squared in mV^2 and summed over
//     leads; a 150 ms moving-window integral of that gives the QRS energy m.
//  3. Peaks of m that dominate the next 200 ms are candidates, judged on
//     sqrt(m) (amplitude, so small beats among large ones are not lost):
//     adaptive signal and noise peak levels set the threshold at 0.6 of the
//     way from noise to signal; a candidate within 360 ms of a beat whose
//     slope is under half the beat's is a T wave; when no beat comes for
//     1.66 median RR, the largest candidate above half the threshold is taken
//     back (search-back).
//  4. The fiducial point is the largest |band-passed| sample, over leads
//     weighted by their scales, in the 150 ms ending at the energy peak.
//  5. Several leads (DetectQrs over leads): each lead is detected on its own
//     and the first lead's beats are kept, with the other leads' beats
//     filling the first lead's gaps (over 1.5 median RR): a lead that goes
//     flat or is swamped by noise is covered by another.
// All filters run on ring buffers: memory is bounded and blocks of any size
// give the same result.
#include "jumeau/analysis/qrs.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <deque>
#include <string>
#include <utility>

namespace jumeau::analysis {
namespace {

// Samples processed per internal step; the rings hold a step plus the
// look-back of the fiducial search.
constexpr int64_t kStep = 1024;

// Time constants, in seconds.
constexpr double kShortAverage = 0.025;  // low-pass box (first null 40 Hz)
constexpr double kLongAverage = 0.100;   // subtracted box (high-pass ~4 Hz)
constexpr double kSlopeLag = 0.008;      // derivative lag
constexpr double kIntegration = 0.150;   // moving-window integral
constexpr double kRefractory = 0.200;    // peaks must dominate this long
constexpr double kTWaveWindow = 0.360;   // T-wave test applies before this
constexpr double kLearning = 2.0;        // initial thresholds from this long

// Threshold = noise level + kThresholdFraction * (signal level - noise level).
// Chosen on MIT-BIH 100-119 (0.55..0.65 all give Se and +P >= 99.8%); the
// levels are in the amplitude domain (square root of the energy).
constexpr double kThresholdFraction = 0.6;
constexpr double kSearchBackRr = 1.66;

int OddLength(double seconds, double fs) {
  int n = static_cast<int>(std::lround(seconds * fs));
  if (n < 1) n = 1;
  if (n % 2 == 0) ++n;
  return n;
}

int64_t NextPowerOfTwo(int64_t n) {
  int64_t p = 1;
  while (p < n) p <<= 1;
  return p;
}

// An energy peak handed to the decision stage.
struct Peak {
  int64_t loc = 0;       // sample index of the energy maximum
  double value = 0.0;    // energy there
  int64_t fiducial = 0;  // sample index of the R peak
  double slope = 0.0;    // largest squared slope in the QRS window
};

// Band-pass and slope stage of one lead.
struct LeadFilter {
  int la = 1;
  int lb = 1;
  int k = 1;
  double gain2 = 1.0;   // (scale / (la * lb))^2: squared mV per b unit^2
  double weight = 1.0;  // |scale| / (la * lb): mV per b unit
  int64_t mask_x = 0;
  int64_t mask = 0;
  std::vector<int32_t> x;   // recent input
  std::vector<int64_t> sa;  // running short sums, for the delay
  std::vector<int64_t> b;   // band-passed
  int64_t sum_a = 0;
  int64_t sum_b = 0;
};

}  // namespace

struct QrsDetector::Impl {
  double fs = 0;
  int la = 1, lb = 1, k = 1, w = 1;
  int64_t delay_b = 0;  // b[n] is centred on x[n - delay_b]
  int64_t refractory = 0, t_wave = 0, learning = 0, noise_window = 1;
  int64_t mask = 0;
  std::vector<LeadFilter> leads;
  std::vector<double> e;  // ring: summed squared slope
  std::vector<double> m_block;
  double m_sum = 0.0;
  int64_t n = 0;  // samples consumed
  bool finished = false;

  // Peak picking on m.
  double m_prev = 0.0;
  bool rising = false;
  bool have_candidate = false;
  int64_t cand_loc = 0;
  double cand_value = 0.0;

  // Learning.
  bool learned = false;
  double learn_max = 0.0;
  double learn_sum = 0.0;
  std::vector<Peak> pending;

  // Decision.
  double spk = 0.0, npk = 0.0;
  int64_t last_beat = -1;
  double last_slope = 0.0;
  std::deque<Peak> since_last;
  int64_t rr[8] = {};
  int rr_count = 0;
  int rr_next = 0;

  // Noise windows.
  int64_t noise_index = -1;
  int noise_count = 0;

  QrsResult out;

  void Process(std::span<const std::span<const int32_t>> block, int64_t from,
               int64_t count);
  void Filter(LeadFilter& lead, std::span<const int32_t> x, int64_t count);
  void EmitCandidate(int64_t loc, double value);
  void FinishLearning();
  void Classify(const Peak& p);
  void Accept(const Peak& p);
  void Noise(const Peak& p, bool count_noise);
  void SearchBack(int64_t now);
  double Threshold() const { return npk + kThresholdFraction * (spk - npk); }
  double MedianRr() const;
  void NoteNoise(int64_t loc);
  void CloseNoiseWindow();
};

void QrsDetector::Impl::Filter(LeadFilter& lead, std::span<const int32_t> x,
                               int64_t count) {
  const int64_t mx = lead.mask_x;
  const int64_t mb = lead.mask;
  const int64_t half = (lead.lb - lead.la) / 2;
  const int64_t la = lead.la, lb = lead.lb, k = lead.k;
  int32_t* xr = lead.x.data();
  int64_t* sar = lead.sa.data();
  int64_t* br = lead.b.data();
  int64_t sum_a = lead.sum_a, sum_b = lead.sum_b;
  if (n == 0 && count > 0) {
    // Start as if the first sample had always been there (no step).
    std::fill(lead.x.begin(), lead.x.end(), x[0]);
    sum_a = la * static_cast<int64_t>(x[0]);
    sum_b = lb * static_cast<int64_t>(x[0]);
    std::fill(lead.sa.begin(), lead.sa.end(), sum_a);
  }
  const double g2 = lead.gain2;
  for (int64_t i = 0; i < count; ++i) {
    const int64_t t = n + i;
    const int32_t v = x[i];
    sum_a += v - static_cast<int64_t>(xr[(t - la) & mx]);
    sum_b += v - static_cast<int64_t>(xr[(t - lb) & mx]);
    xr[t & mx] = v;
    sar[t & mb] = sum_a;
    const int64_t bv = sar[(t - half) & mb] * lb - sum_b * la;
    br[t & mb] = bv;
    const double d = static_cast<double>(bv - br[(t - k) & mb]);
    m_block[i] += d * d * g2;
  }
  lead.sum_a = sum_a;
  lead.sum_b = sum_b;
}

void QrsDetector::Impl::Process(std::span<const std::span<const int32_t>> block,
                                int64_t from, int64_t count) {
  std::fill(m_block.begin(), m_block.begin() + count, 0.0);
  for (size_t l = 0; l < leads.size(); ++l) {
    Filter(leads[l], block[l].subspan(from, count), count);
  }
  // Moving-window integral and peak picking.
  double* er = e.data();
  for (int64_t i = 0; i < count; ++i) {
    const int64_t t = n + i;
    const double ev = m_block[i];
    m_sum += ev - er[(t - w) & mask];
    er[t & mask] = ev;
    if ((t & 0xffff) == 0) {  // re-sum now and then: no drift
      double s = 0.0;
      for (int64_t j = 0; j < w; ++j) s += er[(t - j) & mask];
      m_sum = s;
    }
    const double m = m_sum < 0 ? 0.0 : m_sum;
    if (!learned) {
      learn_max = std::max(learn_max, m);
      learn_sum += m;
    }
    if (m < m_prev && rising) {  // t - 1 was a local maximum
      if (!have_candidate || m_prev > cand_value) {
        have_candidate = true;
        cand_loc = t - 1;
        cand_value = m_prev;
      }
    }
    if (m > m_prev) {
      rising = true;
    } else if (m < m_prev) {
      rising = false;
    }
    m_prev = m;
    if (have_candidate && t - cand_loc >= refractory) {
      EmitCandidate(cand_loc, cand_value);
      have_candidate = false;
    }
    if (!learned && t + 1 >= learning) FinishLearning();
  }
  n += count;
}

void QrsDetector::Impl::EmitCandidate(int64_t loc, double value) {
  Peak p;
  p.loc = loc;
  p.value = std::sqrt(value);  // amplitude domain
  // Fiducial and slope over the window that the integral peak covers.
  const int64_t lo = std::max<int64_t>(0, loc - w - k);
  double best = -1.0;
  int64_t best_j = loc;
  for (const LeadFilter& lead : leads) {
    for (int64_t j = lo; j <= loc; ++j) {
      const double a =
          std::abs(static_cast<double>(lead.b[j & mask])) * lead.weight;
      if (a > best) {
        best = a;
        best_j = j;
      }
    }
  }
  double slope = 0.0;
  for (int64_t j = std::max<int64_t>(0, loc - w); j <= loc; ++j) {
    slope = std::max(slope, e[j & mask]);
  }
  p.fiducial = std::max<int64_t>(0, best_j - delay_b);
  p.slope = std::sqrt(slope);
  if (!learned) {
    pending.push_back(p);
  } else {
    Classify(p);
  }
}

void QrsDetector::Impl::FinishLearning() {
  learned = true;
  spk = 0.5 * std::sqrt(learn_max);
  npk = 0.5 * std::sqrt(learn_sum /
                        static_cast<double>(std::max<int64_t>(1, learning)));
  for (const Peak& p : pending) Classify(p);
  pending.clear();
}

double QrsDetector::Impl::MedianRr() const {
  // Insertion sort of at most 8 intervals.
  int64_t v[8] = {};
  for (int i = 0; i < rr_count && i < 8; ++i) {
    int j = i;
    while (j > 0 && v[j - 1] > rr[i]) {
      v[j] = v[j - 1];
      --j;
    }
    v[j] = rr[i];
  }
  return static_cast<double>(v[std::clamp(rr_count / 2, 0, 7)]);
}

void QrsDetector::Impl::NoteNoise(int64_t loc) {
  const int64_t index = loc / noise_window;
  if (index != noise_index) {
    CloseNoiseWindow();
    noise_index = index;
    noise_count = 0;
  }
  ++noise_count;
}

void QrsDetector::Impl::CloseNoiseWindow() {
  if (noise_index < 0 || noise_count < 2) return;
  const int64_t begin = noise_index * noise_window;
  const int64_t end = begin + noise_window;
  if (!out.noisy.empty() && out.noisy.back().end == begin) {
    out.noisy.back().end = end;
  } else {
    out.noisy.push_back({begin, end});
  }
}

void QrsDetector::Impl::Accept(const Peak& p) {
  if (last_beat >= 0) {
    rr[rr_next] = p.loc - last_beat;
    rr_next = (rr_next + 1) % 8;
    rr_count = std::min(rr_count + 1, 8);
  }
  last_beat = p.loc;
  last_slope = p.slope;
  while (!since_last.empty() && since_last.front().loc <= p.loc) {
    since_last.pop_front();
  }
  if (out.beats.empty() || p.fiducial > out.beats.back()) {
    out.beats.push_back(p.fiducial);
  }
}

void QrsDetector::Impl::Noise(const Peak& p, bool count_noise) {
  npk = 0.125 * p.value + 0.875 * npk;
  if (count_noise && p.value > 0.5 * Threshold()) NoteNoise(p.loc);
  since_last.push_back(p);
  if (since_last.size() > 64) since_last.pop_front();
}

void QrsDetector::Impl::SearchBack(int64_t now) {
  while (last_beat >= 0 && rr_count >= 2 &&
         static_cast<double>(now - last_beat) > kSearchBackRr * MedianRr()) {
    const double floor = 0.5 * Threshold();
    const Peak* best = nullptr;
    for (const Peak& c : since_last) {
      if (c.loc - last_beat < refractory || now - c.loc < refractory) continue;
      if (c.value > floor && (!best || c.value > best->value)) best = &c;
    }
    if (!best) return;
    Peak p = *best;
    spk = 0.25 * p.value + 0.75 * spk;
    Accept(p);
  }
}

void QrsDetector::Impl::Classify(const Peak& p) {
  SearchBack(p.loc);
  const double threshold = Threshold();
  if (p.value > threshold &&
      (last_beat < 0 || p.loc - last_beat >= refractory)) {
    if (last_beat >= 0 && p.loc - last_beat < t_wave &&
        p.slope < 0.5 * last_slope) {
      Noise(p, false);
      return;
    }
    spk = 0.125 * p.value + 0.875 * spk;
    Accept(p);
    return;
  }
  Noise(p, true);
}

QrsDetector::QrsDetector(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
QrsDetector::~QrsDetector() = default;

Result<std::unique_ptr<QrsDetector>> QrsDetector::Create(
    const SampleRate& rate, std::span<const double> lead_scales,
    const QrsOptions& options) {
  if (!rate.valid() || rate.hz() < 100.0 || rate.hz() > 2000.0) {
    return InvalidArgumentError("QRS detection: sample rate " +
                                rate.ToString() +
                                " Hz is outside 100..2000 Hz");
  }
  if (lead_scales.empty()) {
    return InvalidArgumentError("QRS detection: no lead given");
  }
  for (double s : lead_scales) {
    if (!std::isfinite(s) || s == 0.0) {
      return InvalidArgumentError(
          "QRS detection: lead scale must be finite and non-zero");
    }
  }
  if (options.noise_window.ns <= 0) {
    return InvalidArgumentError("QRS detection: noise window must be > 0");
  }
  auto impl = std::make_unique<Impl>();
  const double fs = rate.hz();
  impl->fs = fs;
  impl->la = OddLength(kShortAverage, fs);
  impl->lb = OddLength(kLongAverage, fs);
  impl->k = std::max(1, static_cast<int>(std::lround(kSlopeLag * fs)));
  impl->w = std::max(1, static_cast<int>(std::lround(kIntegration * fs)));
  impl->delay_b = (impl->lb - 1) / 2;
  impl->refractory = std::max<int64_t>(1, std::lround(kRefractory * fs));
  impl->t_wave = std::lround(kTWaveWindow * fs);
  impl->learning = std::lround(kLearning * fs);
  impl->noise_window =
      std::max<int64_t>(1, rate.SamplesIn(options.noise_window));
  const int64_t ring = NextPowerOfTwo(kStep + impl->refractory + 2 * impl->w +
                                      impl->k + impl->lb + 16);
  impl->mask = ring - 1;
  impl->e.assign(ring, 0.0);
  impl->m_block.assign(kStep, 0.0);
  for (double s : lead_scales) {
    LeadFilter lead;
    lead.la = impl->la;
    lead.lb = impl->lb;
    lead.k = impl->k;
    const double unit = std::abs(s) / (static_cast<double>(lead.la) * lead.lb);
    lead.weight = unit;
    lead.gain2 = unit * unit;
    const int64_t xs = NextPowerOfTwo(lead.lb + 1);
    lead.mask_x = xs - 1;
    lead.mask = impl->mask;
    lead.x.assign(xs, 0);
    lead.sa.assign(ring, 0);
    lead.b.assign(ring, 0);
    impl->leads.push_back(std::move(lead));
  }
  return std::unique_ptr<QrsDetector>(new QrsDetector(std::move(impl)));
}

Status QrsDetector::Push(std::span<const std::span<const int32_t>> block) {
  Impl& s = *impl_;
  if (s.finished) {
    return InvalidArgumentError("QRS detection: Push after Finish");
  }
  if (block.size() != s.leads.size()) {
    return InvalidArgumentError(
        "QRS detection: block has " + std::to_string(block.size()) +
        " leads, detector " + std::to_string(s.leads.size()));
  }
  const size_t len = block[0].size();
  for (const auto& b : block) {
    if (b.size() != len) {
      return InvalidArgumentError("QRS detection: leads differ in length");
    }
  }
  for (int64_t from = 0; from < static_cast<int64_t>(len); from += kStep) {
    const int64_t count = std::min<int64_t>(kStep, len - from);
    s.Process(block, from, count);
  }
  return Status::Ok();
}

void QrsDetector::Finish() {
  Impl& s = *impl_;
  if (s.finished) return;
  s.finished = true;
  if (s.have_candidate) {
    s.EmitCandidate(s.cand_loc, s.cand_value);
    s.have_candidate = false;
  }
  if (!s.learned) s.FinishLearning();
  s.SearchBack(s.n + s.refractory);
  s.CloseNoiseWindow();
  s.noise_index = -1;
}

QrsResult QrsDetector::Take() {
  QrsResult r;
  r.beats = std::move(impl_->out.beats);
  r.noisy = std::move(impl_->out.noisy);
  impl_->out.beats.clear();
  impl_->out.noisy.clear();
  return r;
}

int64_t QrsDetector::samples_seen() const { return impl_->n; }

namespace {

// Beats of the primary lead, plus those of another lead that fall in a gap
// of the primary one (longer than kGapRr times the median of the last 8
// primary RR intervals) at least kGapGuard from the gap's ends: a lead that
// goes flat or is swamped is covered by the other.
constexpr double kGapRr = 1.5;
constexpr double kGapGuard = 0.25;  // seconds

std::vector<int64_t> FillGaps(const std::vector<int64_t>& primary,
                              const std::vector<int64_t>& other, double fs,
                              int64_t length) {
  std::vector<int64_t> merged;
  const int64_t guard = std::lround(kGapGuard * fs);
  std::vector<int64_t> recent;  // last RR intervals of the primary lead
  size_t o = 0;
  int64_t prev = -1;
  auto fill = [&](int64_t from, int64_t to, double limit) {
    if (static_cast<double>(to - from) <= limit) return;
    while (o < other.size() && other[o] < from + guard) ++o;
    while (o < other.size() && other[o] <= to - guard) {
      merged.push_back(other[o]);
      ++o;
    }
  };
  auto median = [&]() {
    if (recent.empty()) return 1.0 * fs;
    std::vector<int64_t> v = recent;
    std::nth_element(v.begin(), v.begin() + v.size() / 2, v.end());
    return static_cast<double>(v[v.size() / 2]);
  };
  for (int64_t beat : primary) {
    const int64_t from = prev < 0 ? -guard : prev;
    fill(from, beat, kGapRr * median());
    if (prev >= 0) {
      recent.push_back(beat - prev);
      if (recent.size() > 8) recent.erase(recent.begin());
    }
    merged.push_back(beat);
    prev = beat;
  }
  fill(prev < 0 ? -guard : prev, length + guard, kGapRr * median());
  std::sort(merged.begin(), merged.end());
  return merged;
}

}  // namespace

Result<QrsResult> DetectQrs(std::span<const QrsLead> leads,
                            const SampleRate& rate, const QrsOptions& options) {
  if (leads.empty()) {
    return InvalidArgumentError("QRS detection: no lead given");
  }
  std::vector<QrsResult> per_lead;
  for (const QrsLead& lead : leads) {
    if (lead.samples.size() != leads[0].samples.size()) {
      return InvalidArgumentError("QRS detection: leads differ in length");
    }
    const double scale = lead.scale;
    JUMEAU_ASSIGN_OR_RETURN(
        std::unique_ptr<QrsDetector> detector,
        QrsDetector::Create(rate, std::span<const double>(&scale, 1), options));
    const std::span<const int32_t> block[1] = {lead.samples};
    JUMEAU_RETURN_IF_ERROR(detector->Push(block));
    detector->Finish();
    per_lead.push_back(detector->Take());
  }
  QrsResult result = std::move(per_lead[0]);
  const int64_t length = static_cast<int64_t>(leads[0].samples.size());
  for (size_t l = 1; l < per_lead.size(); ++l) {
    result.beats = FillGaps(result.beats, per_lead[l].beats, rate.hz(), length);
  }
  return result;
}

Result<QrsResult> DetectQrs(std::span<const int32_t> samples, double scale,
                            const SampleRate& rate, const QrsOptions& options) {
  const QrsLead lead{samples, scale};
  return DetectQrs(std::span<const QrsLead>(&lead, 1), rate, options);
}

}  // namespace jumeau::analysis

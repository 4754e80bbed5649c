// EEG spectral features: band powers, alpha peak, spectral edge and line
// noise from a Welch spectrum, per span, window or segment. Rules: see
// eeg_features.h.
#include "jumeau/analysis/eeg_features.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "fmt/format.h"

namespace jumeau::analysis {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

double AlphaPeak(const Spectrum& s, double low_hz, double high_hz) {
  const std::vector<double>& p = s.psd;
  int64_t best = -1;
  for (size_t k = 0; k < p.size(); ++k) {
    const double f = s.FrequencyHz(k);
    if (f < low_hz || f > high_hz) continue;
    if (best < 0 || p[k] > p[best]) best = static_cast<int64_t>(k);
  }
  if (best <= 0 || best + 1 >= static_cast<int64_t>(p.size())) return kNaN;
  const double y0 = p[best - 1], y1 = p[best], y2 = p[best + 1];
  if (!(y1 > y0 && y1 > y2)) return kNaN;
  const double denom = y0 - 2.0 * y1 + y2;
  const double delta = denom != 0.0 ? 0.5 * (y0 - y2) / denom : 0.0;
  return (static_cast<double>(best) + delta) * s.frequency_step_hz;
}

double SpectralEdge(const Spectrum& s, double low_hz, double high_hz,
                    double fraction, double total) {
  if (!(total > 0.0)) return kNaN;
  double cumulative = 0.0;
  for (size_t k = 0; k < s.psd.size(); ++k) {
    const double f = s.FrequencyHz(k);
    if (f < low_hz || f >= high_hz) continue;
    cumulative += s.psd[k] * s.frequency_step_hz;
    if (cumulative >= fraction * total) return f;
  }
  return kNaN;
}

double LineNoiseDb(const Spectrum& s, double mains_hz) {
  const double nyquist =
      s.frequency_step_hz * static_cast<double>(s.psd.size() - 1);
  if (mains_hz + 5.0 > nyquist) return kNaN;
  double peak = 0.0;
  std::vector<double> reference;
  for (size_t k = 0; k < s.psd.size(); ++k) {
    const double d = std::abs(s.FrequencyHz(k) - mains_hz);
    if (d <= 1.0) peak = std::max(peak, s.psd[k]);
    if (d >= 2.0 && d <= 5.0) reference.push_back(s.psd[k]);
  }
  if (reference.empty()) return kNaN;
  const size_t mid = reference.size() / 2;
  std::nth_element(reference.begin(), reference.begin() + mid, reference.end());
  double median = reference[mid];
  if (reference.size() % 2 == 0) {
    const double lower =
        *std::max_element(reference.begin(), reference.begin() + mid);
    median = 0.5 * (median + lower);
  }
  if (!(median > 0.0)) return peak > 0.0 ? 300.0 : 0.0;
  if (!(peak > 0.0)) return -300.0;
  return 10.0 * std::log10(peak / median);
}

}  // namespace

EegSpectralFeatures FeaturesFromSpectrum(const Spectrum& spectrum,
                                         const EegFeatureOptions& options) {
  EegSpectralFeatures out;
  out.total_power =
      BandPower(spectrum, options.total_low_hz, options.total_high_hz);
  for (size_t b = 0; b < kEegBands.size(); ++b) {
    out.absolute[b] =
        BandPower(spectrum, kEegBands[b].low_hz, kEegBands[b].high_hz);
    out.relative[b] =
        out.total_power > 0.0 ? out.absolute[b] / out.total_power : kNaN;
  }
  out.alpha_peak_hz =
      AlphaPeak(spectrum, options.alpha_low_hz, options.alpha_high_hz);
  out.spectral_edge_hz =
      SpectralEdge(spectrum, options.total_low_hz, options.total_high_hz,
                   options.edge_fraction, out.total_power);
  out.line_noise_50_db = LineNoiseDb(spectrum, 50.0);
  out.line_noise_60_db = LineNoiseDb(spectrum, 60.0);
  out.line_noise_hz = 0.0;
  const double r50 = std::isfinite(out.line_noise_50_db)
                         ? out.line_noise_50_db
                         : -std::numeric_limits<double>::infinity();
  const double r60 = std::isfinite(out.line_noise_60_db)
                         ? out.line_noise_60_db
                         : -std::numeric_limits<double>::infinity();
  const double best = std::max(r50, r60);
  if (best >= options.line_noise_threshold_db) {
    out.line_noise_hz = r50 >= r60 ? 50.0 : 60.0;
  }
  return out;
}

Result<Spectrum> EegSpectrum(std::span<const double> x, SampleRate rate,
                             const EegFeatureOptions& options) {
  if (!rate.valid()) return InvalidArgumentError("EEG: invalid sample rate");
  if (!(options.segment_seconds > 0.0) ||
      !(options.overlap_fraction >= 0.0 && options.overlap_fraction < 1.0)) {
    return InvalidArgumentError(fmt::format(
        "EEG: segment of {} s with overlap fraction {} is out of range",
        options.segment_seconds, options.overlap_fraction));
  }
  if (x.size() < 2) {
    return InvalidArgumentError(
        fmt::format("EEG: {} samples are too few for a spectrum", x.size()));
  }
  WelchOptions welch;
  welch.segment_length =
      std::clamp<int64_t>(std::llround(options.segment_seconds * rate.hz()), 2,
                          static_cast<int64_t>(x.size()));
  welch.overlap = static_cast<int64_t>(std::floor(
      options.overlap_fraction * static_cast<double>(welch.segment_length)));
  welch.overlap = std::min(welch.overlap, welch.segment_length - 1);
  welch.window = options.window;
  welch.detrend = Detrend::kConstant;
  return Welch(x, rate, welch);
}

Result<EegSpectralFeatures> ComputeEegFeatures(
    std::span<const double> x, SampleRate rate,
    const EegFeatureOptions& options) {
  JUMEAU_ASSIGN_OR_RETURN(Spectrum spectrum, EegSpectrum(x, rate, options));
  return FeaturesFromSpectrum(spectrum, options);
}

namespace {

Result<EegWindowFeatures> SpanFeatures(const Signal& signal, int64_t first,
                                       int64_t last, Time start, Time end,
                                       const EegFeatureOptions& options) {
  std::span<const int32_t> digital(signal.samples.data() + first,
                                   static_cast<size_t>(last - first));
  const std::vector<double> x =
      ToPhysical(digital, signal.scale, signal.offset);
  EegWindowFeatures w;
  w.start = start;
  w.end = end;
  w.first_sample = first;
  w.samples = last - first;
  JUMEAU_ASSIGN_OR_RETURN(w.features,
                          ComputeEegFeatures(x, signal.rate, options));
  return w;
}

}  // namespace

Result<std::vector<EegWindowFeatures>> ComputeEegFeaturesPerWindow(
    const Signal& signal, Duration window, Duration step,
    const EegFeatureOptions& options) {
  if (!signal.rate.valid()) {
    return InvalidArgumentError(
        fmt::format("EEG '{}': invalid sample rate", signal.label));
  }
  if (window.ns <= 0 || step.ns <= 0) {
    return InvalidArgumentError(
        fmt::format("EEG '{}': window and step must be > 0", signal.label));
  }
  const int64_t n = static_cast<int64_t>(signal.samples.size());
  std::vector<EegWindowFeatures> out;
  for (int64_t k = 0;; ++k) {
    const Duration offset = Duration::Nanoseconds(step.ns * k);
    const int64_t first = signal.rate.SampleAtOrAfter(offset);
    const int64_t last = signal.rate.SampleAtOrAfter(offset + window);
    if (last > n || first >= n) break;
    JUMEAU_ASSIGN_OR_RETURN(
        EegWindowFeatures w,
        SpanFeatures(signal, first, last, signal.start + offset,
                     signal.start + offset + window, options));
    out.push_back(std::move(w));
  }
  return out;
}

Result<EegWindowFeatures> ComputeEegFeaturesForSegment(
    const Signal& signal, Time start, Time end,
    const EegFeatureOptions& options) {
  if (!signal.rate.valid()) {
    return InvalidArgumentError(
        fmt::format("EEG '{}': invalid sample rate", signal.label));
  }
  const int64_t n = static_cast<int64_t>(signal.samples.size());
  const int64_t first = std::clamp<int64_t>(
      signal.rate.SampleAtOrAfter(start - signal.start), 0, n);
  const int64_t last = std::clamp<int64_t>(
      signal.rate.SampleAtOrAfter(end - signal.start), 0, n);
  if (last - first < 2) {
    return InvalidArgumentError(
        fmt::format("EEG '{}': segment [{}, {}) holds {} samples, fewer than 2",
                    signal.label, FormatIso8601(start), FormatIso8601(end),
                    std::max<int64_t>(0, last - first)));
  }
  return SpanFeatures(signal, first, last, start, end, options);
}

}  // namespace jumeau::analysis

// Task Force 1996 heart-rate variability from RR intervals: time domain,
// Welch spectrum of the 4 Hz interpolated series, Poincare SD1/SD2, per
// series and per window. Definitions and choices are documented in hrv.h.
#include "jumeau/analysis/hrv.h"

#include <cmath>
#include <limits>

#include "fmt/format.h"
#include "jumeau/analysis/dsp.h"

namespace jumeau::analysis {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

double Mean(std::span<const double> v) {
  double s = 0.0;
  for (double x : v) s += x;
  return s / static_cast<double>(v.size());
}

// Sample standard deviation (divisor n - 1); NaN below 2 values.
double SampleSd(std::span<const double> v) {
  if (v.size() < 2) return kNaN;
  const double m = Mean(v);
  double ss = 0.0;
  for (double x : v) ss += (x - m) * (x - m);
  return std::sqrt(ss / static_cast<double>(v.size() - 1));
}

Status Validate(std::span<const RrInterval> rr) {
  if (rr.empty()) return InvalidArgumentError("HRV: no RR intervals");
  for (size_t i = 0; i < rr.size(); ++i) {
    if (!std::isfinite(rr[i].ms) || rr[i].ms <= 0.0) {
      return InvalidArgumentError(fmt::format(
          "HRV: RR interval {} is {} ms, not a positive length", i, rr[i].ms));
    }
    if (i > 0 && rr[i].end < rr[i - 1].end) {
      return InvalidArgumentError(
          fmt::format("HRV: RR interval {} ends before interval {}", i, i - 1));
    }
  }
  return Status::Ok();
}

bool Successive(const RrInterval& a, const RrInterval& b, Duration tolerance) {
  const double start_b_ns =
      static_cast<double>(b.end.ns_since_epoch) - b.ms * 1e6;
  const double gap_ns =
      std::abs(start_b_ns - static_cast<double>(a.end.ns_since_epoch));
  return gap_ns <= static_cast<double>(tolerance.ns);
}

// LF and HF from the linearly interpolated series (see HrvOptions).
void FrequencyDomain(std::span<const RrInterval> rr, const HrvOptions& options,
                     HrvMetrics* m) {
  m->lf_ms2 = m->hf_ms2 = m->lf_hf = kNaN;
  if (rr.size() < 2 || !(options.resample_hz > 0.0)) return;
  const Time t0 = rr.front().end;
  const double span_s = (rr.back().end - t0).seconds();
  const double dt = 1.0 / options.resample_hz;
  const int64_t n = static_cast<int64_t>(std::floor(span_s / dt)) + 1;
  if (n < options.welch_segment || n < 2) return;
  std::vector<double> series(n);
  size_t j = 0;
  for (int64_t k = 0; k < n; ++k) {
    const double t = static_cast<double>(k) * dt;
    while (j + 2 < rr.size() && (rr[j + 1].end - t0).seconds() < t) ++j;
    const double ta = (rr[j].end - t0).seconds();
    const double tb = (rr[j + 1].end - t0).seconds();
    const double w = tb > ta ? (t - ta) / (tb - ta) : 0.0;
    series[k] =
        rr[j].ms + std::min(1.0, std::max(0.0, w)) * (rr[j + 1].ms - rr[j].ms);
  }
  WelchOptions welch;
  welch.segment_length = options.welch_segment;
  welch.overlap = options.welch_segment / 2;
  welch.fft_length = std::max(options.welch_fft_length, options.welch_segment);
  welch.window = SpectralWindow::kHann;
  welch.detrend = Detrend::kConstant;
  // The interpolation rate as an exact rational (micro-hertz resolution).
  const SampleRate rate(
      std::max<int64_t>(1, std::llround(options.resample_hz * 1e6)), 1000000);
  Result<Spectrum> spectrum = Welch(series, rate, welch);
  if (!spectrum.ok()) return;
  m->lf_ms2 = BandPower(*spectrum, options.lf_low_hz, options.lf_high_hz);
  m->hf_ms2 = BandPower(*spectrum, options.hf_low_hz, options.hf_high_hz);
  m->lf_hf = m->hf_ms2 > 0.0 ? m->lf_ms2 / m->hf_ms2 : kNaN;
}

// Everything but SDANN / SDNN index.
HrvMetrics WindowMetrics(std::span<const RrInterval> rr,
                         const HrvOptions& options) {
  HrvMetrics m;
  std::vector<double> nn(rr.size());
  for (size_t i = 0; i < rr.size(); ++i) nn[i] = rr[i].ms;
  m.count = static_cast<int64_t>(nn.size());
  m.mean_nn_ms = Mean(nn);
  m.sdnn_ms = SampleSd(nn);
  std::vector<double> diff, sum;  // (y - x)/sqrt2, (y + x)/sqrt2
  double sq = 0.0;
  for (size_t i = 1; i < rr.size(); ++i) {
    if (!Successive(rr[i - 1], rr[i], options.adjacency_tolerance)) continue;
    const double d = nn[i] - nn[i - 1];
    sq += d * d;
    if (std::abs(d) > 50.0) ++m.nn50;
    diff.push_back(d / std::sqrt(2.0));
    sum.push_back((nn[i] + nn[i - 1]) / std::sqrt(2.0));
  }
  if (diff.empty()) {
    m.rmssd_ms = m.pnn50_percent = kNaN;
  } else {
    m.rmssd_ms = std::sqrt(sq / static_cast<double>(diff.size()));
    m.pnn50_percent =
        100.0 * static_cast<double>(m.nn50) / static_cast<double>(diff.size());
  }
  m.sd1_ms = SampleSd(diff);
  m.sd2_ms = SampleSd(sum);
  m.sdann_ms = m.sdnn_index_ms = kNaN;
  FrequencyDomain(rr, options, &m);
  return m;
}

// SDANN and SDNN index over segments of options.segment from `origin`.
void SegmentMetrics(std::span<const RrInterval> rr, Time origin,
                    const HrvOptions& options, HrvMetrics* m) {
  m->sdann_ms = m->sdnn_index_ms = kNaN;
  if (options.segment.ns <= 0) return;
  std::vector<double> means, sds;
  size_t i = 0;
  while (i < rr.size()) {
    const int64_t k = (rr[i].end - origin).ns / options.segment.ns;
    std::vector<double> values;
    double covered_ms = 0.0;
    while (i < rr.size() && (rr[i].end - origin).ns / options.segment.ns == k) {
      values.push_back(rr[i].ms);
      covered_ms += rr[i].ms;
      ++i;
    }
    if (covered_ms * 1e6 < options.min_segment_coverage *
                               static_cast<double>(options.segment.ns)) {
      continue;
    }
    means.push_back(Mean(values));
    const double sd = SampleSd(values);
    if (std::isfinite(sd)) sds.push_back(sd);
  }
  m->sdann_ms = SampleSd(means);
  if (!sds.empty()) m->sdnn_index_ms = Mean(sds);
}

}  // namespace

std::vector<RrInterval> RrIntervalsFromBeats(std::span<const Time> beats) {
  std::vector<RrInterval> out;
  for (size_t i = 1; i < beats.size(); ++i) {
    out.push_back(
        {beats[i], static_cast<double>((beats[i] - beats[i - 1]).ns) / 1e6});
  }
  return out;
}

Result<HrvMetrics> ComputeHrv(std::span<const RrInterval> rr,
                              const HrvOptions& options) {
  JUMEAU_RETURN_IF_ERROR(Validate(rr));
  HrvMetrics m = WindowMetrics(rr, options);
  const Time origin =
      rr.front().end - Duration::Nanoseconds(std::llround(rr.front().ms * 1e6));
  SegmentMetrics(rr, origin, options, &m);
  return m;
}

Result<std::vector<HrvWindow>> ComputeHrvWindows(std::span<const RrInterval> rr,
                                                 Time start, Time end,
                                                 Duration window,
                                                 const HrvOptions& options) {
  JUMEAU_RETURN_IF_ERROR(Validate(rr));
  if (window.ns <= 0) {
    return InvalidArgumentError("HRV windows: window length must be > 0");
  }
  if (end <= start) {
    return InvalidArgumentError("HRV windows: end must be after start");
  }
  std::vector<HrvWindow> out;
  size_t i = 0;
  for (Time ws = start; ws + window <= end; ws = ws + window) {
    const Time we = ws + window;
    while (i < rr.size() && rr[i].end < ws) ++i;
    size_t j = i;
    while (j < rr.size() && rr[j].end < we) ++j;
    if (j - i >= 2) {
      std::span<const RrInterval> part = rr.subspan(i, j - i);
      HrvWindow w{ws, we, WindowMetrics(part, options)};
      if (window >= options.segment + options.segment) {
        SegmentMetrics(part, ws, options, &w.metrics);
      }
      out.push_back(w);
    }
    i = j;
  }
  return out;
}

}  // namespace jumeau::analysis

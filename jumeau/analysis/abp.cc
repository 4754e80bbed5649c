// Slope-sum onset detection (Zong et al. 2003), per-beat pressures and the
// diastolic decay time constant.
#include "jumeau/analysis/abp.h"

#include <algorithm>
#include <cmath>

namespace jumeau::analysis {
namespace {

// A one-pole-pair low-pass (two cascaded exponential smoothers) at about
// `cutoff_hz`, run forward then backward so that it does not shift the
// waveform. NaN samples are held at the last valid value.
std::vector<double> Smooth(std::span<const double> x, double rate_hz,
                           double cutoff_hz) {
  const double a = 1.0 - std::exp(-2.0 * M_PI * cutoff_hz / rate_hz);
  std::vector<double> y(x.size());
  double last = 0;
  for (double v : x) {
    if (std::isfinite(v)) {
      last = v;
      break;
    }
  }
  for (size_t i = 0; i < x.size(); ++i) {
    if (std::isfinite(x[i])) last = x[i];
    y[i] = last;
  }
  for (int pass = 0; pass < 2; ++pass) {
    double s1 = y.empty() ? 0 : y.front(), s2 = s1;
    for (double& v : y) {
      s1 += a * (v - s1);
      s2 += a * (s1 - s2);
      v = s2;
    }
    std::reverse(y.begin(), y.end());
  }
  return y;
}

}  // namespace

double DiastolicDecayTime(std::span<const double> beat,
                          double sample_interval_s, const AbpOptions& options) {
  const std::size_t n = beat.size();
  if (n < 5 || !(sample_interval_s > 0)) return NAN;
  std::size_t peak = 0;
  double lowest = beat[0];
  for (std::size_t i = 0; i < n; ++i) {
    if (!std::isfinite(beat[i])) return NAN;
    if (beat[i] > beat[peak]) peak = i;
    lowest = std::min(lowest, beat[i]);
  }
  const double pulse = beat[peak] - lowest;
  if (!(pulse > 0)) return NAN;
  const double threshold = lowest + options.decay_start_fraction * pulse;
  std::size_t start = peak + 1;
  while (start < n && beat[start] > threshold) ++start;
  const std::size_t count = n - start;
  if (count < 5 || static_cast<double>(count - 1) * sample_interval_s < 0.1) {
    return NAN;
  }
  // Least squares of ln p on t (t in samples, centred).
  const double mean_i = 0.5 * static_cast<double>(count - 1);
  double mean_log = 0;
  for (std::size_t i = start; i < n; ++i) {
    if (!(beat[i] > 0)) return NAN;
    mean_log += std::log(beat[i]);
  }
  mean_log /= static_cast<double>(count);
  double sxy = 0, sxx = 0;
  for (std::size_t i = start; i < n; ++i) {
    const double x = static_cast<double>(i - start) - mean_i;
    sxy += x * (std::log(beat[i]) - mean_log);
    sxx += x * x;
  }
  const double slope = sxy / sxx / sample_interval_s;  // 1/s
  if (!(slope < 0)) return NAN;
  return -1.0 / slope;
}

Result<std::vector<PressureBeat>> DetectPressureBeats(
    std::span<const double> pressure, SampleRate rate,
    const AbpOptions& options) {
  if (!rate.valid()) return InvalidArgumentError("pressure: no sample rate");
  const double hz = static_cast<double>(rate.numerator()) /
                    static_cast<double>(rate.denominator());
  if (hz < 50 || hz > 2000) {
    return InvalidArgumentError("pressure: sample rate must be 50-2000 Hz");
  }
  const size_t n = pressure.size();
  std::vector<PressureBeat> beats;
  if (n < 3) return beats;
  const std::vector<double> y = Smooth(pressure, hz, 16.0);
  // Slope sum over 128 ms of positive first differences.
  const size_t window = std::max<size_t>(2, static_cast<size_t>(0.128 * hz));
  std::vector<double> ssf(n, 0.0);
  double running = 0;
  std::vector<double> up(n, 0.0);
  for (size_t i = 1; i < n; ++i) {
    up[i] = std::max(0.0, y[i] - y[i - 1]);
    running += up[i];
    if (i >= window) running -= up[i - window];
    ssf[i] = running;
  }
  // Initial threshold base: the largest slope sum of the first 10 s (Zong:
  // 3x the mean; the maximum is steadier on short records), then 60% of it.
  const size_t learn = std::min(n, static_cast<size_t>(10 * hz));
  double base = *std::max_element(ssf.begin(), ssf.begin() + learn);
  const size_t refractory = static_cast<size_t>(options.refractory_s * hz);
  const size_t search_back = static_cast<size_t>(0.15 * hz);
  const size_t max_beat = static_cast<size_t>(options.max_beat_s * hz);
  std::vector<size_t> onsets;
  // When a pulse is overdue (1.5 times the last interval, or 1.5 s), the
  // threshold base halves every 0.5 s, so that weaker pulses (a run of
  // ventricular tachycardia) are found again.
  const double decay = std::exp(-std::log(2.0) / (0.5 * hz));
  size_t expected = static_cast<size_t>(1.5 * hz);
  size_t i = window;
  while (i < n) {
    if (!onsets.empty() && i > onsets.back() + expected) base *= decay;
    if (ssf[i] < 0.6 * base) {
      ++i;
      continue;
    }
    // The pulse's slope-sum maximum within the next 150 ms.
    size_t peak = i;
    for (size_t k = i; k < n && k < i + search_back; ++k) {
      if (ssf[k] > ssf[peak]) peak = k;
    }
    // The onset: searching back from the crossing, where the slope sum
    // falls to 1% of the pulse's maximum (its rise starts).
    size_t onset = i;
    const double floor = 0.01 * ssf[peak];
    while (onset > 0 && i - onset < search_back && ssf[onset] > floor) --onset;
    // The foot: the lowest smoothed pressure shortly before the rise.
    size_t foot = onset;
    for (size_t k = onset; k < i; ++k) {
      if (y[k] < y[foot]) foot = k;
    }
    if (onsets.empty() || foot > onsets.back() + refractory) {
      if (!onsets.empty()) {
        expected = std::max(refractory,
                            static_cast<size_t>(1.5 * (foot - onsets.back())));
      }
      onsets.push_back(foot);
      // Adapt: the base follows the pulse maxima.
      base = 0.5 * base + 0.5 * ssf[peak];
    }
    // Wait for the slope sum to fall from this pulse before looking for
    // the next, and for the refractory period.
    i = peak;
    while (i < n && ssf[i] > 0.5 * ssf[peak]) ++i;
    i = std::max(i, foot + refractory);
  }
  for (size_t b = 0; b + 1 < onsets.size(); ++b) {
    const size_t a = onsets[b];
    size_t e = onsets[b + 1];
    if (e - a > max_beat) e = a + max_beat;
    PressureBeat beat;
    beat.onset = static_cast<int64_t>(a);
    beat.end = static_cast<int64_t>(e);
    size_t peak = a;
    double sum = 0;
    size_t valid = 0;
    bool broken = false;
    for (size_t k = a; k < e; ++k) {
      if (!std::isfinite(pressure[k])) {
        broken = true;
        break;
      }
      if (pressure[k] > pressure[peak]) peak = k;
      sum += pressure[k];
      ++valid;
    }
    if (broken || valid == 0) continue;
    beat.systole = static_cast<int64_t>(peak);
    beat.systolic = pressure[peak];
    beat.diastolic =
        *std::min_element(pressure.begin() + a, pressure.begin() + e);
    beat.mean = sum / static_cast<double>(valid);
    if (beat.systolic - beat.diastolic < options.min_pulse_pressure) continue;
    beat.decay_time_s =
        DiastolicDecayTime(pressure.subspan(a, e - a), 1.0 / hz, options);
    beats.push_back(beat);
  }
  return beats;
}

}  // namespace jumeau::analysis
